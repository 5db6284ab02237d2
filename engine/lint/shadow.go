package lint

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
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
// Formats that run every rule (Express middlewares) or keep one rule get
// neither check: there a repeated rule is not idle.
func (l *linter) shadowed(src *convert.Source) {
	sem := src.Semantics
	if !sem.PathSelects && !sem.MethodSelects && !sem.OriginSelects {
		return
	}
	for j := 1; j < len(src.Rules); j++ {
		r := &src.Rules[j]
		for i := 0; i < j; i++ {
			e := &src.Rules[i]
			if e.Disabled {
				continue
			}
			if sameRule(e, r) {
				l.add(Warning, "duplicate-rule", "this rule repeats rule "+strconv.Itoa(i+1)+" (at "+where(e.Pos)+") entry for entry: the earlier one always answers first, so remove this one", r.Pos)
				break
			}
			if why := covers(e, r, sem.PathSelects, sem.OriginSelects && !sem.MethodSelects, sem.MethodSelects, sem.HeaderFallThrough); why != "" {
				l.add(Warning, "unreachable-rule", "this rule is never used: rule "+strconv.Itoa(i+1)+" (at "+where(e.Pos)+") comes first and "+why+"; merge the two or put this one first", r.Pos)
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
	for _, v := range outer {
		if v.Text == "*" {
			return true
		}
	}
	if len(outer) > scanMax {
		have := make(map[string]bool, len(outer))
		for _, v := range outer {
			have[norm(v.Text, fold)] = true
		}
		for _, v := range inner {
			if !have[norm(v.Text, fold)] {
				return false
			}
		}
		return true
	}
	// A rule's lists are short: looking through outer for each entry
	// costs less than a map of it.
	for _, v := range inner {
		if !holds(outer, nil, v.Text, false, fold) {
			return false
		}
	}
	return true
}

// scanMax is the longest list within and sameRule look through entry by
// entry; a longer one is put in a map or sorted (ruleKey).
const scanMax = 32

func norm(s string, fold bool) string {
	if fold {
		return strings.ToLower(s)
	}
	return s
}

// sameNorm is norm(a, fold) == norm(b, fold), lowering neither when
// both are ASCII.
func sameNorm(a, b string, fold bool) bool {
	switch {
	case !fold:
		return a == b
	case headers.IsASCII(a) && headers.IsASCII(b):
		return strings.EqualFold(a, b)
	}
	return strings.ToLower(a) == strings.ToLower(b)
}

// sameRule is ruleKey(a) == ruleKey(b), without writing the keys for
// rules with short lists and no entry holding the keys' separators
// (which could make two different rules' keys equal): the shadow check
// compares every rule with every earlier one, and writing a key cost
// more than the rest of linting an S3 rule (issue 23). It compares what
// the key holds as the key does: lists as sets, a list of only "" as an
// empty one (both are written as nothing), paths as joined.
func sameRule(a, b *convert.Rule) bool {
	if !plainRule(a) || !plainRule(b) {
		return ruleKey(a) == ruleKey(b)
	}
	return maxAge(a) == maxAge(b) && a.ReflectAny == b.ReflectAny && a.EchoAllHeaders == b.EchoAllHeaders &&
		a.Credentials == b.Credentials && a.Disabled == b.Disabled && a.PreflightPass == b.PreflightPass &&
		a.PathNote == b.PathNote && a.MethodOnly == b.MethodOnly && sameJoined(a.Paths, b.Paths) &&
		sameSet(a.Origins, a.Regex, b.Origins, b.Regex, false) && sameSet(a.Methods, nil, b.Methods, nil, false) &&
		sameSet(a.AllowHeaders, nil, b.AllowHeaders, nil, true) && sameSet(a.ExposeHeaders, nil, b.ExposeHeaders, nil, true)
}

// plainRule: r's lists are at most scanMax long and no text of r holds
// ruleKey's separators.
func plainRule(r *convert.Rule) bool {
	for _, l := range [][]convert.Value{r.Origins, r.Methods, r.AllowHeaders, r.ExposeHeaders} {
		if len(l) > scanMax {
			return false
		}
		for _, v := range l {
			if !plainText(v.Text) {
				return false
			}
		}
	}
	for _, p := range r.Paths {
		if !plainText(p) {
			return false
		}
	}
	return plainText(r.PathNote) && plainText(r.MethodOnly)
}

func plainText(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= 1 {
			return false
		}
	}
	return true
}

func maxAge(r *convert.Rule) int {
	if r.MaxAge != nil {
		return *r.MaxAge
	}
	return -1
}

// sameJoined is strings.Join(a, "\x00") == strings.Join(b, "\x00") for
// lists without "\x00".
func sameJoined(a, b []string) bool {
	if len(a) <= 1 && len(b) <= 1 {
		return first(a) == first(b)
	}
	return slices.Equal(a, b)
}

// first is l's first entry, "" when it has none.
func first(l []string) string {
	if len(l) == 0 {
		return ""
	}
	return l[0]
}

// sameSet: the entries of a, as ruleKey writes them (norm, a RegExp
// between slashes), are those of b.
func sameSet(a []convert.Value, aRegex map[int]bool, b []convert.Value, bRegex map[int]bool, fold bool) bool {
	if ae, be := onlyEmpty(a, aRegex), onlyEmpty(b, bRegex); ae || be {
		return ae && be
	}
	for i, v := range a {
		if !holds(b, bRegex, v.Text, aRegex[i], fold) {
			return false
		}
	}
	for i, v := range b {
		if !holds(a, aRegex, v.Text, bRegex[i], fold) {
			return false
		}
	}
	return true
}

// onlyEmpty: every entry of l is "" (none a RegExp), which ruleKey
// writes as it writes no entry.
func onlyEmpty(l []convert.Value, regex map[int]bool) bool {
	for i, v := range l {
		if v.Text != "" || regex[i] {
			return false
		}
	}
	return true
}

// holds: list has an entry written as s is (a RegExp when sRegex).
func holds(list []convert.Value, regex map[int]bool, s string, sRegex, fold bool) bool {
	for i, v := range list {
		x, y := v.Text, s
		switch xRegex := regex[i]; {
		case xRegex == sRegex:
			if sameNorm(x, y, fold) {
				return true
			}
			continue
		case xRegex:
			x, y = y, x
		}
		// x is a string, y a RegExp: ruleKey writes "/" + y + "/".
		if len(x) == len(y)+2 && x[0] == '/' && x[len(x)-1] == '/' && sameNorm(x[1:len(x)-1], y, fold) {
			return true
		}
	}
	return false
}

// ruleKey is a rule's content, every list as a set, for comparing two
// rules; the name and positions do not count.
func ruleKey(r *convert.Rule) string {
	var b strings.Builder
	list := func(vs []convert.Value, fold bool, regex map[int]bool) {
		s := make([]string, len(vs))
		for i, v := range vs {
			s[i] = norm(v.Text, fold)
			if regex[i] {
				s[i] = "/" + s[i] + "/" // a RegExp, not the string
			}
		}
		slices.Sort(s)
		b.WriteString(strings.Join(slices.Compact(s), "\x00"))
		b.WriteByte('\x01')
	}
	list(r.Origins, false, r.Regex)
	list(r.Methods, false, nil)
	list(r.AllowHeaders, true, nil)
	list(r.ExposeHeaders, true, nil)
	maxAge := -1
	if r.MaxAge != nil {
		maxAge = *r.MaxAge
	}
	b.WriteString(strings.Join(r.Paths, "\x00") + "\x01" + r.PathNote + "\x01" + r.MethodOnly + "\x01" + strconv.Itoa(maxAge))
	for _, f := range []bool{r.ReflectAny, r.EchoAllHeaders, r.Credentials, r.Disabled, r.PreflightPass} {
		b.WriteString(strconv.FormatBool(f))
	}
	return b.String()
}

// where names a position for a message: line and column, else the path.
func where(p convert.Pos) string {
	if p.Line > 0 {
		return "line " + strconv.Itoa(p.Line) + ", column " + strconv.Itoa(p.Column)
	}
	return p.Path
}
