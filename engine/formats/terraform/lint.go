package terraform

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// starNotes are the traps of "*" in a list of origins on the platforms
// that decide credentials from that list: S3 and Azure answer a "*"
// origin with Access-Control-Allow-Origin: * and no
// Access-Control-Allow-Credentials (cloud-policies.md §0 item 4, §4), so
// a bucket meant for requests with credentials (cookies, credentials:
// 'include') blocks them all. Said as information (a public rule's "*"
// is what it means, and S3's own JSON gets no such finding): tried as a
// new user would, the seed documents' public GET rule failed
// --fail-on warning in a module and passed in S3's JSON.
func starNotes(sites []*site) []portable.Finding {
	var f findings
	for _, s := range sites {
		if s.Shape.Platform != platS3 && s.Shape.Platform != platAzure {
			continue
		}
		for i := range s.Rules {
			for _, v := range s.Rules[i].list(roleOrigins).Values {
				if v.Text == "*" {
					f.add("info", codeStarCreds, s.Shape.Fields[roleOrigins]+` = ["*"]: `+s.Shape.Platform+
						" then answers Access-Control-Allow-Origin: * without Access-Control-Allow-Credentials, so every fetch with credentials is blocked; list the pages' origins if "+
						s.Address+" serves requests with credentials", v.At)
				}
			}
		}
	}
	return f.list
}

// twiceNotes are the buckets whose CORS two resources configure (the
// inline cors_rule of aws_s3_bucket and an aws_s3_bucket_cors_
// configuration): the AWS provider's docs warn that the two conflict,
// each apply overwriting the other's rules.
func twiceNotes(sites []*site) []portable.Finding {
	var f findings
	for i, a := range sites {
		for _, b := range sites[i+1:] {
			if a.Name != "" && a.Name == b.Name && a.Shape.Platform == platS3 && b.Shape.Platform == platS3 {
				f.add("warning", codeConflict, a.Address+" and "+b.Address+" both set the CORS rules of bucket "+a.Name+
					": each apply overwrites the other's (hashicorp/aws docs, s3_bucket: use aws_s3_bucket_cors_configuration alone); the verdict reads "+a.Address, b.At)
			}
		}
	}
	return f.list
}

// orderNotes are the S3 rules that S3 gets in another order than
// written, where the order decides: the AWS provider keeps
// aws_s3_bucket_cors_configuration's cors_rule as a set (sentOrder), and
// S3 answers with the first rule that matches the origin and method, so
// where two rules match the same request and the later one written is
// sent first, it decides. The verdict takes the rules in the order sent;
// the finding says why a block the user reads as second decides, and
// that any edit of a block can change the order. Tried as a new user
// would, two overlapping rules were read in file order with no word of
// it. Pairs whose values are not all known, or that are alike, are not
// reported. aws_s3_bucket's own cors_rule (deprecated) is a
// schema.TypeList in the same provider, sent as written: not reported.
func orderNotes(sites []*site) []portable.Finding {
	var f findings
	for _, s := range sites {
		if s.sent == nil {
			continue
		}
		rank := make([]int, len(s.Rules))
		for k, i := range s.sent {
			rank[i] = k + 1
		}
		for j := 1; j < len(s.Rules); j++ {
			for i := 0; i < j; i++ {
				if rank[i] == 0 || rank[j] == 0 || rank[j] > rank[i] {
					continue // alike, or sent in the written order
				}
				origin, method := overlap(&s.Rules[i], &s.Rules[j])
				if origin == "" {
					continue
				}
				order := make([]string, len(s.sent))
				for k, b := range s.sent {
					order[k] = strconv.Itoa(b + 1)
				}
				bi, bj := strconv.Itoa(i+1), strconv.Itoa(j+1)
				f.add("warning", codeRuleOrder, "cors_rule blocks "+bi+" and "+bj+" of "+s.Address+" both match "+method+" from "+origin+", and S3 gets block "+bj+" first: the AWS provider keeps cors_rule as a set and sends the rules in the order of their hashes ("+strings.Join(order, ", ")+"), not as written, and S3 answers with the first that matches, so block "+bj+" decides such requests (as the verdict takes it); an edit of any block can change the order: make their origins or methods disjoint, or merge them", s.Rules[j].At)
				break
			}
		}
	}
	return f.list
}

// overlap is an origin and a method that rules a and b, whose values are
// known (sentOrder), both allow, or "" when they share none or the
// rules are alike.
func overlap(a, b *rule) (origin, method string) {
	if alike(a, b) {
		return "", ""
	}
	for _, m := range a.list(roleMethods).texts() {
		if slices.Contains(b.list(roleMethods).texts(), m) {
			method = m
			break
		}
	}
	if method == "" {
		return "", ""
	}
	for _, x := range a.list(roleOrigins).texts() {
		for _, y := range b.list(roleOrigins).texts() {
			if o := bothMatch(x, y); o != "" {
				return o, method
			}
		}
	}
	return "", ""
}

// alike reports whether two rules answer alike: the same lists, as
// sets, and max age.
func alike(a, b *rule) bool {
	for _, role := range []string{roleOrigins, roleMethods, roleHeaders, roleExpose} {
		x, y := slices.Clone(a.list(role).texts()), slices.Clone(b.list(role).texts())
		slices.Sort(x)
		slices.Sort(y)
		if !slices.Equal(slices.Compact(x), slices.Compact(y)) {
			return false
		}
	}
	return (a.MaxAge == nil) == (b.MaxAge == nil) && (a.MaxAge == nil || *a.MaxAge == *b.MaxAge)
}

// bothMatch is an origin that S3 origin patterns x and y both match,
// each at most one "*" that matches any run of characters
// (cloud-policies.md §0 item 7), or "" when none does: a pattern without
// "*" is that origin; two with one "*" each share an origin when one's
// part before the "*" starts the other's, and one's part after it ends
// the other's.
func bothMatch(x, y string) string {
	xp, xs, xw := strings.Cut(x, "*")
	yp, ys, yw := strings.Cut(y, "*")
	switch {
	case !xw && !yw:
		if x == y {
			return x
		}
	case !xw:
		if len(x) >= len(yp)+len(ys) && strings.HasPrefix(x, yp) && strings.HasSuffix(x, ys) {
			return x
		}
	case !yw:
		return bothMatch(y, x)
	default:
		if !strings.HasPrefix(xp, yp) && !strings.HasPrefix(yp, xp) || !strings.HasSuffix(xs, ys) && !strings.HasSuffix(ys, xs) {
			return ""
		}
		p, s := xp, xs
		if len(yp) > len(p) {
			p = yp
		}
		if len(ys) > len(s) {
			s = ys
		}
		return p + "x" + s
	}
	return ""
}

// CheckText implements lint.TextChecker: what a module of one text
// leaves unresolved (each with what the verdict assumes), variables
// without a value, and "*" origins on a bucket that decides credentials
// from its origins.
func (f *HCL) CheckText(text string) []portable.Finding {
	return f.CheckSource(policy.Source{Text: text})
}

// CheckSource implements lint.SourceChecker: CheckText of a module of
// several files, its --param values and chosen resource.
func (*HCL) CheckSource(src policy.Source) []portable.Finding {
	m, err := ReadModule(src)
	if err != nil {
		return nil
	}
	return m.Findings()
}

// CheckText implements lint.TextChecker for a plan: its traps.
func (p *Plan) CheckText(text string) []portable.Finding {
	return p.CheckSource(policy.Source{Text: text})
}

// CheckSource implements lint.SourceChecker: a plan's traps, with its
// chosen resource.
func (*Plan) CheckSource(src policy.Source) []portable.Finding {
	m, err := ReadPlan(src)
	if err != nil {
		return nil
	}
	return m.Findings()
}
