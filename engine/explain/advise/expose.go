package advise

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
)

// ExposeFix is the fix of an allowed fetch whose caller must read
// response headers the reply does not expose (an SDK that reads ETag:
// engine/sdkpreset's Needs): names added to the exposed headers of the
// rule that answered the request, in the policy's own syntax, checked by
// explaining the edited scenario again with o, which passes must accept
// (the preset's check of the new reply). The scenario's format must be
// the one read (not "auto"). false when the policy has no rule that
// answered, or its format no exposed-headers list a fix can edit
// (fix.ErrUnsupported).
//
// The fix search of a blocked verdict starts from the check that failed;
// an allowed fetch has none, so the caller that knows what must be read
// asks for this one (the CLI's --preset). Tried as a new user would, the
// seed JS SDK document's case (a multipart upload that must read ETag)
// printed the advice to add ETag, with no fix to paste, and --patch said
// there was nothing to fix.
func ExposeFix(s explain.Scenario, v *explain.Verdict, names []string, o explain.Options, passes func(*explain.Verdict) bool) (explain.Fix, bool) {
	if s.Policy == nil || len(names) == 0 {
		return explain.Fix{}, false
	}
	r := newReads(o)
	pf, ok := r.lookup(s.Policy.Format)
	if !ok {
		return explain.Fix{}, false
	}
	if _, ok := pf.(fix.Editor); !ok {
		return explain.Fix{}, false
	}
	rule := -1
	for _, x := range v.Rules {
		if x.Matched {
			rule = x.Index
		}
	}
	if rule < 0 {
		return explain.Fix{}, false
	}
	src0 := s.Policy.Source()
	c, next, err := fix.ApplyChange(pf, src0, fix.Edit{Op: fix.Add, Field: fix.ExposeHeaders, Rule: rule, Values: names})
	if err != nil || sameSource(next, src0) {
		return explain.Fix{}, false
	}
	cs := s
	cs.Policy = policyOf(s.Policy, next)
	no := false
	cs.Fixes = &no
	v2, err := explain.Explain(cs, r.options(o))
	if err != nil || !v2.Allowed || !passes(&v2) {
		return explain.Fix{}, false
	}
	step := "expose " + strings.Join(names, ", ") + " in rule " + strconv.Itoa(rule+1)
	if c.Where != "" {
		step += " (" + c.Where + ")"
	}
	f := explain.Fix{Where: "server", Format: s.Policy.Format, Summary: upperFirst(step) + ".", Steps: []string{step}, AllowedIn: allowedIn(&v2)}
	changes(&f, pf, src0, next)
	return f, true
}

// allowedIn lists the browsers v allows the fetch in: its own and its
// summary browsers'.
func allowedIn(v *explain.Verdict) []string {
	var out []string
	if v.Allowed {
		out = append(out, v.Browser)
	}
	for _, b := range v.Browsers {
		if b.Allowed && b.Browser != v.Browser {
			out = append(out, b.Browser)
		}
	}
	return out
}
