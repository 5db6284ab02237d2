package native_test

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/native"
)

// TestSelectionAgainstTheDoc compares Decide with the selection as the
// package doc words it ("Which rule answers"), written here rule by rule
// without Decide's shortcuts, on seeded random policies of 1 to 12 rules
// (from 8 rules Decide files them by first path segment) and requests.
func TestSelectionAgainstTheDoc(t *testing.T) {
	r := rand.New(rand.NewSource(19))
	paths := []string{"", "/a/*", "/a/b", "/b/*", "/a*"}
	origins := []string{"https://x.test", "https://y.test", "*"}
	methods := []string{"GET", "PUT", "DELETE", "POST"}
	hdrs := []string{"x-a", "x-b"}
	some := func(pool []string) []string {
		var out []string
		for _, s := range pool {
			if r.Intn(2) == 0 {
				out = append(out, s)
			}
		}
		return out
	}
	for n := 0; n < 300; n++ {
		rules := make([]native.Rule, 1+r.Intn(12))
		for i := range rules {
			ru := native.Rule{Path: paths[r.Intn(len(paths))], Origins: []string{origins[r.Intn(len(origins))]}, Methods: some(methods), RequestHeaders: some(hdrs)}
			if r.Intn(2) == 0 {
				ru.Match = append(ru.Match, native.MatchMethod)
			}
			if r.Intn(2) == 0 {
				ru.Match = append(ru.Match, native.MatchHeaders)
			}
			if r.Intn(3) == 0 {
				ru.UnmatchedPreflight = native.Pass
			}
			ru.Final = r.Intn(4) == 0
			rules[i] = ru
		}
		p, err := native.New(rules)
		if err != nil {
			t.Fatal(err)
		}
		for k := 0; k < 30; k++ {
			in := native.Input{Method: methods[r.Intn(len(methods))], Path: []string{"/a/b", "/a/c", "/b/x", "/ab", "/"}[r.Intn(5)]}
			if r.Intn(4) > 0 {
				in.Origin, in.HasOrigin = []string{"https://x.test", "https://y.test", "https://z.test"}[r.Intn(3)], true
			}
			if r.Intn(2) == 0 && in.HasOrigin {
				in.ACRM, in.HasACRM, in.Method = in.Method, true, "OPTIONS"
				if h := some(hdrs); len(h) > 0 {
					in.ACRH = []string{strings.Join(h, ",")}
				}
			}
			var a native.Answer
			p.Decide(&in, &a)
			kind, rule := docSelect(rules, &in)
			if a.Kind != kind || a.Rule != rule {
				t.Fatalf("policy %+v\nrequest %+v\nDecide: %v rule %d; the doc: %v rule %d", rules, in, a.Kind, a.Rule, kind, rule)
			}
		}
	}
}

// docSelect is the package doc's "Which rule answers", literally.
func docSelect(rules []native.Rule, in *native.Input) (native.Kind, int) {
	pre := in.IsPreflight()
	covers := func(ru native.Rule) bool {
		switch {
		case ru.Path == "":
			return true
		case strings.HasSuffix(ru.Path, "*"):
			return strings.HasPrefix(in.Path, strings.TrimSuffix(ru.Path, "*"))
		}
		return in.Path == ru.Path
	}
	originOK := func(ru native.Rule) bool {
		return slices.Contains(ru.Origins, "*") || in.HasOrigin && slices.Contains(ru.Origins, in.Origin)
	}
	methodOK := func(ru native.Rule, m string) bool {
		listed := slices.Contains(ru.Methods, m)
		if slices.Contains(ru.Match, native.MatchMethod) {
			return listed
		}
		return listed || m == "GET" || m == "HEAD" || m == "POST"
	}
	headersOK := func(ru native.Rule) bool {
		for _, line := range in.ACRH {
			for _, h := range strings.Split(line, ",") {
				if h != "" && !slices.Contains(ru.RequestHeaders, h) {
					return false
				}
			}
		}
		return true
	}
	refuse := func(i int) (native.Kind, int) {
		switch {
		case !pre:
			return native.Actual, i
		case rules[i].UnmatchedPreflight == native.Pass:
			return native.PreflightPassed, i
		}
		return native.PreflightRejected, i
	}
	first, firstOrigin := -1, -1
	// try is one rule: answered when it answers the request, else it is
	// skipped.
	try := func(i int, ru native.Rule) (native.Kind, int, bool) {
		if first < 0 {
			first = i
		}
		if !originOK(ru) {
			return 0, 0, false
		}
		if firstOrigin < 0 {
			firstOrigin = i
		}
		m := in.Method
		if pre {
			m = in.ACRM
		}
		selectsMethod := slices.Contains(ru.Match, native.MatchMethod)
		if (pre || selectsMethod) && !methodOK(ru, m) {
			if selectsMethod {
				return 0, 0, false
			}
			k, j := refuse(i)
			return k, j, true
		}
		if !pre {
			return native.Actual, i, true
		}
		if !headersOK(ru) {
			if slices.Contains(ru.Match, native.MatchHeaders) {
				return 0, 0, false
			}
			k, j := refuse(i)
			return k, j, true
		}
		return native.PreflightOK, i, true
	}
	for i, ru := range rules {
		if !covers(ru) {
			continue
		}
		if k, j, ok := try(i, ru); ok {
			return k, j
		}
		if ru.Final {
			// A final rule skipped: the rules after it are not tried.
			break
		}
	}
	switch {
	case firstOrigin >= 0:
		return refuse(firstOrigin)
	case first >= 0:
		return refuse(first)
	}
	return native.NoRule, -1
}
