package platform_test

import (
	"testing"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// TestNoTraceAllocations: without a trace, an allowed preflight costs each
// platform evaluator at most its budget of allocations, the same at 1, 10
// and 100 rules (issue 23: "no allocation when no trace is asked for"):
// none when the caller lends the reply's header list
// (policy.Request.Scratch), else that list alone. S3 and R2 send the two
// requested names joined with ", " as the rule's AllowedHeaders already
// hold them (wire.JoinedIn).
func TestNoTraceAllocations(t *testing.T) {
	budgets := map[string]struct {
		allocs int
		why    string
	}{
		"s3-xml":         {allocs: 1, why: "the reply's header list"},
		"r2-api":         {allocs: 1, why: "as S3"},
		"gcs-json":       {allocs: 1, why: "the reply's header list"},
		"azure-xml":      {allocs: 1, why: "the reply's header list"},
		"cloudfront-rhp": {allocs: 1, why: "the reply's header list"},
		"lambda-url":     {allocs: 1, why: "the reply's header list"},
		"apigw-http":     {allocs: 1, why: "the reply's header list"},
		"ec2":            {allocs: 1, why: "the reply's header list (one policy, whatever n)"},
	}
	seen := map[string]bool{}
	for _, f := range platformFormats() {
		budget, ok := budgets[f.Name()]
		if !ok || seen[f.Name()] {
			continue
		}
		seen[f.Name()] = true
		first := -1
		for _, n := range []int{1, 10, 100} {
			ev, _, err := sized(f, n)
			if err != nil || ev == nil {
				t.Fatalf("%s with %d rules: %v", f.Name(), n, err)
			}
			req := benchPreflight
			req.NoTrace = true
			if out := ev.Respond(req, policy.Reply{}); out.Reply.Status >= 400 {
				t.Fatalf("%s with %d rules: the preflight is refused (%d), so this measures a refusal", f.Name(), n, out.Reply.Status)
			}
			got := int(testing.AllocsPerRun(20, func() { ev.Respond(req, policy.Reply{}) }))
			if got > budget.allocs {
				t.Errorf("%s with %d rules: %d allocations per preflight without a trace, budget %d (%s)", f.Name(), n, got, budget.allocs, budget.why)
			}
			req.Scratch = make(headers.List, 0, 16)
			if lent := int(testing.AllocsPerRun(20, func() { ev.Respond(req, policy.Reply{}) })); lent != 0 {
				t.Errorf("%s with %d rules: %d allocations per preflight without a trace and with a lent header list, budget 0", f.Name(), n, lent)
			}
			if first < 0 {
				first = got
			} else if got != first {
				t.Errorf("%s: %d allocations with %d rules, %d with 1: the cost grows with the rules", f.Name(), got, n, first)
			}
		}
	}
	if len(seen) != len(budgets) {
		t.Errorf("measured %d of the %d platforms budgeted: a format was renamed", len(seen), len(budgets))
	}
}
