package lint

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
)

// shadowed finds rules that never decide anything: a rule equal to an
// earlier one ("duplicate-rule"), and a rule that an earlier one answers
// for in every request it covers ("unreachable-rule"), by the platform's
// way of choosing a rule:
//   - PathSelects: the first rule whose path covers the request
//     decides, whatever its origins and methods, so a rule after one
//     for every path, or after one with the same path, is never reached;
//   - OriginSelects (native): the first rule whose path and origins match
//     decides, so a rule after one for every path (or the same path)
//     that lists all its origins is never reached;
//   - MethodSelects (S3, R2, GCS, Azure): the first rule that matches
//     the origin and the method decides (S3 and R2 also skip a rule whose
//     AllowedHeaders miss a requested header, HeaderFallThrough), so a
//     rule whose origins, methods (and, with HeaderFallThrough, headers)
//     are all listed by an earlier rule is never reached. Only entries
//     written alike count as covered: a wildcard that happens to cover a
//     later origin ("https://*.a.test" before "https://b.a.test") is not
//     worked out, so nothing is reported that is not certain.
//
// Rules are taken in the order the platform tries them (Config.Tried:
// a Terraform module's S3 rules in the provider's set order), and named
// by their numbers as written.
//
// Formats that run every rule (Express middlewares) or keep one rule get
// neither check: there a repeated rule is not idle.
func (l *linter) shadowed(src *convert.Source) {
	sem := src.Semantics
	if !sem.PathSelects && !sem.MethodSelects && !sem.OriginSelects {
		return
	}
	for k := 1; k < len(src.Rules); k++ {
		r := &src.Rules[src.Tried(k)]
		if r.Disabled {
			// It answers nothing here (another resource's rule, when
			// a module's resource is linted on its own): it is neither
			// reached nor unreached.
			continue
		}
		rk := ruleKey(r)
		for m := 0; m < k; m++ {
			e := &src.Rules[src.Tried(m)]
			if e.Disabled {
				continue
			}
			if ruleKey(e) == rk {
				l.add(Warning, "duplicate-rule", "this rule repeats rule "+strconv.Itoa(e.Index+1)+" (at "+where(e.Pos)+") entry for entry: the earlier one always answers first, so remove this one", r.Pos)
				break
			}
			if why := covers(e, r, sem.PathSelects, sem.OriginSelects && !sem.MethodSelects, sem.MethodSelects, sem.HeaderFallThrough); why != "" {
				mend := "merge the two or put this one first"
				if e.Index > r.Index {
					// Taken before a rule written above it: the
					// platform's order, not the writer's (a
					// Terraform module's S3 rules), so moving the
					// block changes nothing.
					mend = "the platform takes the rules in its own order, not as written, so merge the two"
				}
				l.add(Warning, "unreachable-rule", "this rule is never used: rule "+strconv.Itoa(e.Index+1)+" (at "+where(e.Pos)+") comes first and "+why+"; "+mend, r.Pos)
				break
			}
		}
	}
}

// covers says why earlier e answers every request later r covers, or "".
func covers(e, r *convert.Rule, pathSelects, originSelects, methodSelects, headerFallThrough bool) string {
	samePaths := slices.Equal(e.Paths, r.Paths) && e.PathNote == r.PathNote && e.MethodOnly == r.MethodOnly
	everyPath := len(e.Paths) == 0 && e.MethodOnly == ""
	switch {
	case originSelects && (everyPath || samePaths) && within(r.Origins, e.Origins, false):
		return "allows every origin it allows on every path it covers, and the first rule whose path and origins match decides"
	case pathSelects && len(e.Paths) == 0 && e.MethodOnly == "":
		return "covers every path, and the first rule whose path matches decides"
	case pathSelects && samePaths:
		return "has the same path, and the first rule whose path matches decides"
	case !methodSelects || !samePaths:
		return ""
	}
	if !within(r.Origins, e.Origins, false) || !within(r.Methods, e.Methods, false) {
		return ""
	}
	if headerFallThrough && !within(r.AllowHeaders, e.AllowHeaders, true) {
		return ""
	}
	return "allows every origin and method it allows (and the platform takes the first rule that matches)"
}

// within: every entry of inner is in outer, or outer has "*".
func within(inner, outer []convert.Value, fold bool) bool {
	have := map[string]bool{}
	for _, v := range outer {
		if v.Text == "*" {
			return true
		}
		have[norm(v.Text, fold)] = true
	}
	for _, v := range inner {
		if !have[norm(v.Text, fold)] {
			return false
		}
	}
	return true
}

func norm(s string, fold bool) string {
	if fold {
		return strings.ToLower(s)
	}
	return s
}

// ruleKey is a rule's content, every list as a set, for comparing two
// rules; the name and positions do not count. It is written into one
// buffer, each list sorted in room of its own (both on the stack when
// they fit), where a builder, a list and a join for each list cost
// more than half of linting a policy of two rules.
func ruleKey(r *convert.Rule) string {
	var buf [256]byte
	var room [8]string
	b := buf[:0]
	list := func(vs []convert.Value, fold bool, regex map[int]bool) {
		s := room[:0]
		for i, v := range vs {
			x := norm(v.Text, fold)
			if regex[i] {
				x = "/" + x + "/" // a RegExp, not the string
			}
			s = append(s, x)
		}
		slices.Sort(s)
		b = join(b, slices.Compact(s))
		b = append(b, '\x01')
	}
	list(r.Origins, false, r.Regex)
	list(r.Methods, false, nil)
	list(r.AllowHeaders, true, nil)
	list(r.ExposeHeaders, true, nil)
	maxAge := -1
	if r.MaxAge != nil {
		maxAge = *r.MaxAge
	}
	b = append(join(b, r.Paths), '\x01')
	b = append(append(b, r.PathNote...), '\x01')
	b = append(append(b, r.MethodOnly...), '\x01')
	b = strconv.AppendInt(b, int64(maxAge), 10)
	for _, f := range [...]bool{r.ReflectAny, r.EchoAllHeaders, r.Credentials, r.Disabled, r.PreflightPass} {
		b = strconv.AppendBool(b, f)
	}
	return string(b)
}

// join appends strings.Join(l, "\x00") to b.
func join(b []byte, l []string) []byte {
	for i, x := range l {
		if i > 0 {
			b = append(b, 0)
		}
		b = append(b, x...)
	}
	return b
}

// where names a position for a message: line and column, else the path.
func where(p convert.Pos) string {
	if p.Line > 0 {
		return "line " + strconv.Itoa(p.Line) + ", column " + strconv.Itoa(p.Column)
	}
	return p.Path
}
