package simulator_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
)

// TestFixes scrolls the fixes panel of a blocked verdict into view: the
// page loads the full engine, searches after the typing pause and must
// show explain.Fixes for the scenario the form holds (summary and diff of
// each fix, in order). Then a policy scenario: the fix edits the policy.
func TestFixes(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	for _, in := range []input{blocked, {method: "DELETE", headers: [][2]string{}, body: "none", source: "policy", format: "s3-json",
		text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"]}]`}} {
		p.open("")
		if got := eval[bool](p, `whycorsFullLoaded()`); got {
			t.Fatal("the full engine is loaded before anything needs it")
		}
		fill(p, in)
		// The panels stay hidden while the form is being filled (an
		// intermediate input may be invalid): wait for the verdict first.
		settled(p)
		p.do(chromedp.ScrollIntoView(chromedp.CSS("#fixes")))
		settled(p)
		var shown []struct{ Summary, Diff string }
		if err := json.Unmarshal([]byte(eval[string](p, `JSON.stringify(Array.from(document.querySelectorAll("#fixes .fix")).map(d => ({
		  Summary: d.querySelector("p").textContent, Diff: (d.querySelector("pre") || {}).textContent || ""})))`)), &shown); err != nil {
			t.Fatal(err)
		}
		s := goScenario(t, p, in)
		s.Browser = "chrome"
		want, err := explain.Fixes(s, opts)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 {
			t.Fatalf("explain.Fixes proposes nothing for %+v; the test needs a fixable scenario", s)
		}
		if len(shown) != len(want) {
			t.Fatalf("page shows %d fixes, explain.Fixes %d: %+v", len(shown), len(want), shown)
		}
		for i, f := range want {
			if !strings.HasSuffix(shown[i].Summary, f.Summary) {
				t.Errorf("fix %d: page says %q, engine %q", i, shown[i].Summary, f.Summary)
			}
			body := f.Diff
			if body == "" {
				body = f.Text
			}
			if strings.TrimRight(shown[i].Diff, "\n") != strings.TrimRight(body, "\n") {
				t.Errorf("fix %d: page diff\n%s\nengine\n%s", i, shown[i].Diff, body)
			}
		}
		t.Logf("%d fixes; the first: %s", len(want), want[0].Summary)
	}
}
