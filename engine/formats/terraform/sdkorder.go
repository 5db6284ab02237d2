package terraform

import (
	"hash/crc32"
	"slices"
	"strconv"
	"strings"
)

// The AWS provider declares aws_s3_bucket_cors_configuration's cors_rule,
// and each of its lists, as a set (schema.TypeSet: terraform-provider-aws
// internal/service/s3/bucket_cors_configuration.go), and builds
// PutBucketCors's rules from the set's List(). terraform-plugin-sdk/v2
// (helper/schema) lists a set by its elements' hash codes, as decimal
// strings in sort order; an element's code is the CRC-32 (IEEE) of its
// serialization for hashing, made non-negative. The serialization, as
// the SDK writes it for this schema: a string "v;", an int "n;", a set
// "{" + its elements in their own list order + "};", and a block its
// attributes in name order, each "name:" + its value's serialization
// (an attribute not written: its zero value, "" or 0, or an empty set).
// e2e/tfsdk holds this to the SDK itself (TestRuleOrderIsTheSDKs).

// sdkCode is the set's code of an element serialized as s.
func sdkCode(s string) string {
	return strconv.FormatUint(uint64(crc32.ChecksumIEEE([]byte(s))), 10)
}

// sdkStrings is the serialization of a set of strings: its distinct
// elements, each "v;", in the set's order, within "{" and "};".
func sdkStrings(vs []string) string {
	type el struct{ code, text string }
	els := make([]el, 0, len(vs))
	for _, v := range vs {
		if !slices.ContainsFunc(els, func(e el) bool { return e.text == v }) {
			els = append(els, el{sdkCode(v + ";"), v})
		}
	}
	slices.SortFunc(els, func(a, b el) int { return strings.Compare(a.code, b.code) })
	var b strings.Builder
	b.WriteByte('{')
	for _, e := range els {
		b.WriteString(e.text)
		b.WriteByte(';')
	}
	b.WriteString("};")
	return b.String()
}

// sdkRule is the serialization of a cors_rule block.
func sdkRule(r *rule) string {
	age := 0
	if r.MaxAge != nil {
		age = *r.MaxAge
	}
	return "allowed_headers:" + sdkStrings(r.list(roleHeaders).texts()) +
		"allowed_methods:" + sdkStrings(r.list(roleMethods).texts()) +
		"allowed_origins:" + sdkStrings(r.list(roleOrigins).texts()) +
		"expose_headers:" + sdkStrings(r.list(roleExpose).texts()) +
		"id:" + r.ID + ";" +
		"max_age_seconds:" + strconv.Itoa(age) + ";"
}

// sentOrder is the order the provider sends rules in, as indexes into
// rules: by the set's codes, blocks alike counted once (the set holds
// one), as the SDK lists them.
func sentOrder(rules []rule) []int {
	type el struct {
		code string
		i    int
	}
	els := make([]el, 0, len(rules))
	seen := map[string]bool{}
	for i := range rules {
		c := sdkCode(sdkRule(&rules[i]))
		if !seen[c] {
			seen[c] = true
			els = append(els, el{c, i})
		}
	}
	slices.SortStableFunc(els, func(a, b el) int { return strings.Compare(a.code, b.code) })
	out := make([]int, len(els))
	for k, e := range els {
		out[k] = e.i
	}
	return out
}

// withAlike is sent with the blocks it counts once (alike an earlier
// one, so the set holds one) put back, each right after its twin: the
// same first match, and lint can still say a block repeats another.
func withAlike(rules []rule, sent []int) []int {
	if len(sent) == len(rules) {
		return sent
	}
	kept := make(map[int]bool, len(sent))
	for _, i := range sent {
		kept[i] = true
	}
	// Each block's code once (a serialization of the block).
	codes := make([]string, len(rules))
	for j := range rules {
		codes[j] = sdkCode(sdkRule(&rules[j]))
	}
	out := make([]int, 0, len(rules))
	for _, i := range sent {
		out = append(out, i)
		for j := range rules {
			if !kept[j] && codes[j] == codes[i] {
				out = append(out, j)
			}
		}
	}
	return out
}

// RuleOrder is the order the AWS provider sends the cors_rule blocks of
// the aws_s3_bucket_cors_configuration at address to S3, as block
// numbers from 1 in the order written (sentOrder), or nil when address
// is no such resource or a value of its rules is not known.
func (m *Module) RuleOrder(address string) []int {
	s := siteNamed(m.sites, address)
	if s == nil || s.sent == nil {
		return nil
	}
	order := make([]int, len(s.sent))
	for k, i := range s.sent {
		order[k] = i + 1
	}
	return order
}

// known reports whether every list of rules is known (sentOrder can
// serialize them).
func known(rules []rule) bool {
	for i := range rules {
		for _, role := range []string{roleOrigins, roleMethods, roleHeaders, roleExpose} {
			if rules[i].list(role).Unknown {
				return false
			}
		}
	}
	return true
}
