// Package tfsdk holds whycors's reading of the AWS provider's cors_rule
// set to terraform-plugin-sdk/v2 itself: the order in which the
// provider sends an aws_s3_bucket_cors_configuration's rules to S3 is
// the order the SDK's schema.Set lists them in, and whycors's
// terraform.Module.RuleOrder must be that order. It is a module of its
// own so that the main module does not depend on the SDK.
package tfsdk

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-sdk/v2/helper/schema"
	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/policy"
)

// corsSchema is aws_s3_bucket_cors_configuration's schema as the AWS
// provider declares it (terraform-provider-aws
// internal/service/s3/bucket_cors_configuration.go): the types and
// whether each attribute is required or optional are what the set's
// hash reads; validation is left out.
func corsSchema() map[string]*schema.Schema {
	strs := func(required bool) *schema.Schema {
		return &schema.Schema{Type: schema.TypeSet, Required: required, Optional: !required, Elem: &schema.Schema{Type: schema.TypeString}}
	}
	return map[string]*schema.Schema{
		"bucket":                {Type: schema.TypeString, Required: true, ForceNew: true},
		"expected_bucket_owner": {Type: schema.TypeString, Optional: true, ForceNew: true},
		"cors_rule": {Type: schema.TypeSet, Required: true, MaxItems: 100, Elem: &schema.Resource{Schema: map[string]*schema.Schema{
			"allowed_headers": strs(false),
			"allowed_methods": strs(true),
			"allowed_origins": strs(true),
			"expose_headers":  strs(false),
			"id":              {Type: schema.TypeString, Optional: true},
			"max_age_seconds": {Type: schema.TypeInt, Optional: true},
		}}},
	}
}

// block is one generated cors_rule.
type block struct {
	origins, methods, headers, expose []string
	id                                string
	maxAge                            int // 0: not written
}

func (b block) hcl() string {
	list := func(vs []string) string {
		q := make([]string, len(vs))
		for i, v := range vs {
			q[i] = fmt.Sprintf("%q", v)
		}
		return "[" + strings.Join(q, ", ") + "]"
	}
	s := "  cors_rule {\n    allowed_origins = " + list(b.origins) + "\n    allowed_methods = " + list(b.methods) + "\n"
	if b.headers != nil {
		s += "    allowed_headers = " + list(b.headers) + "\n"
	}
	if b.expose != nil {
		s += "    expose_headers = " + list(b.expose) + "\n"
	}
	if b.id != "" {
		s += "    id = " + fmt.Sprintf("%q", b.id) + "\n"
	}
	if b.maxAge != 0 {
		s += fmt.Sprintf("    max_age_seconds = %d\n", b.maxAge)
	}
	return s + "  }\n"
}

func (b block) raw() map[string]interface{} {
	list := func(vs []string) []interface{} {
		out := make([]interface{}, len(vs))
		for i, v := range vs {
			out[i] = v
		}
		return out
	}
	m := map[string]interface{}{"allowed_origins": list(b.origins), "allowed_methods": list(b.methods)}
	if b.headers != nil {
		m["allowed_headers"] = list(b.headers)
	}
	if b.expose != nil {
		m["expose_headers"] = list(b.expose)
	}
	if b.id != "" {
		m["id"] = b.id
	}
	if b.maxAge != 0 {
		m["max_age_seconds"] = b.maxAge
	}
	return m
}

// key is a block's content, each list as a sorted set.
func key(origins, methods, headers, expose []string, id string, maxAge int) string {
	set := func(vs []string) string {
		c := slices.Clone(vs)
		slices.Sort(c)
		return strings.Join(slices.Compact(c), ",")
	}
	return set(origins) + "|" + set(methods) + "|" + set(headers) + "|" + set(expose) + "|" + id + "|" + fmt.Sprint(maxAge)
}

func (b block) key() string { return key(b.origins, b.methods, b.headers, b.expose, b.id, b.maxAge) }

func strings_(s interface{}) []string {
	set, _ := s.(*schema.Set)
	if set == nil {
		return nil
	}
	var out []string
	for _, v := range set.List() {
		out = append(out, v.(string))
	}
	return out
}

func pick(r *rand.Rand, from []string, min int) []string {
	n := min + r.IntN(len(from)-min+1)
	p := r.Perm(len(from))[:n]
	out := make([]string, n)
	for i, j := range p {
		out[i] = from[j]
	}
	return out
}

// TestRuleOrderIsTheSDKs: for 300 seeded modules of 2 to 6 cors_rule
// blocks (lists of any length and order, id and max_age_seconds written
// or not), RuleOrder is the order the SDK's set lists the blocks in.
func TestRuleOrderIsTheSDKs(t *testing.T) {
	origins := []string{"https://app.example.com", "https://*.example.com", "*", "http://localhost:3000", "https://admin.example.com", "https://partner.test"}
	methods := []string{"GET", "PUT", "POST", "DELETE", "HEAD"}
	headers := []string{"*", "content-type", "authorization", "x-amz-meta-owner", "x-amz-date"}
	expose := []string{"ETag", "x-amz-request-id", "Content-Length"}
	r := rand.New(rand.NewPCG(23, 1))
	for n := 0; n < 300; n++ {
		var blocks []block
		seen := map[string]bool{}
		for len(blocks) < 2+r.IntN(5) {
			b := block{origins: pick(r, origins, 1), methods: pick(r, methods, 1)}
			if r.IntN(2) == 0 {
				b.headers = pick(r, headers, 1)
			}
			if r.IntN(3) == 0 {
				b.expose = pick(r, expose, 1)
			}
			if r.IntN(4) == 0 {
				b.id = fmt.Sprintf("rule-%d", r.IntN(100))
			}
			if r.IntN(2) == 0 {
				b.maxAge = []int{1, 600, 3000, 86400}[r.IntN(4)]
			}
			if !seen[b.key()] {
				seen[b.key()] = true
				blocks = append(blocks, b)
			}
		}
		text := "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"acme\"\n"
		var raw []interface{}
		for _, b := range blocks {
			text += b.hcl()
			raw = append(raw, b.raw())
		}
		text += "}\n"
		m, err := terraform.ReadModule(policy.Source{Text: text})
		if err != nil {
			t.Fatalf("module %d: %v\n%s", n, err, text)
		}
		got := m.RuleOrder("aws_s3_bucket_cors_configuration.b")

		d := schema.TestResourceDataRaw(t, corsSchema(), map[string]interface{}{"bucket": "acme", "cors_rule": raw})
		var want []int
		for _, el := range d.Get("cors_rule").(*schema.Set).List() {
			e := el.(map[string]interface{})
			k := key(strings_(e["allowed_origins"]), strings_(e["allowed_methods"]), strings_(e["allowed_headers"]), strings_(e["expose_headers"]), e["id"].(string), e["max_age_seconds"].(int))
			i := slices.IndexFunc(blocks, func(b block) bool { return b.key() == k })
			if i < 0 {
				t.Fatalf("module %d: the SDK lists a block %q that is not one of the module's", n, k)
			}
			want = append(want, i+1)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("module %d: RuleOrder %v, the SDK's set lists the blocks as %v:\n%s", n, got, want, text)
		}
	}
}
