package simulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/internal/build"
)

// TestFirstVerdict opens the page on the scenario it starts with and
// expects the verdict the build wrote into index.html (internal/build,
// first.go) to be drawn before the core engine is ready, for exactly the
// scenario the form writes, and to be what the core engine answers in
// the same page once it runs: the page never shows a verdict its engine
// would not give. The scenario is blocked, so the same holds for its
// fixes, which the full engine would give.
func TestFirstVerdict(t *testing.T) {
	t.Parallel() // each test has its own browser context
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "site", build.FirstScenario)
	want, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	p.open("")
	if got := eval[string](p, `whycorsFirst.scenario`); got != strings.TrimSpace(string(want)) {
		t.Fatalf("the page opens on a scenario the build wrote no verdict for; the page writes\n%s\nput that in %s", got, file)
	}
	if !eval[bool](p, `whycorsFirst.shown`) {
		t.Fatal("the page opened on site/first-scenario.json's scenario and did not draw the build's verdict")
	}
	if before := eval[bool](p, `performance.getEntriesByName("whycors-verdict")[0].startTime < performance.getEntriesByName("whycors-ready")[0].startTime`); !before {
		t.Error("the first verdict on screen came after the core engine was ready: it is the engine's, not the build's")
	}
	// The core engine's answer to the same scenario, in this page, is the
	// build's verdict (compared as parsed JSON: the minifier may respace).
	same := `(() => {
	  const built = JSON.parse(document.getElementById("first-verdict").textContent);
	  const now = whycors.explain(built.scenario);
	  return JSON.stringify(JSON.parse(now)) === JSON.stringify(built.verdict) ? "" : now;
	})()`
	if diff := eval[string](p, same); diff != "" {
		t.Errorf("the core engine answers the first scenario with\n%s\nnot the verdict the build wrote", diff)
	}
	// The scenario is blocked: the build's fixes are drawn with the
	// verdict, are explain.Fixes of the scenario the page asks fixes for,
	// and the page does not fetch the full engine to search again.
	if !eval[bool](p, `whycorsFirst.fixes`) {
		t.Fatal("the first scenario is blocked and the page did not draw the build's fixes with its verdict")
	}
	if at := eval[bool](p, `performance.getEntriesByName("whycors-fix")[0].startTime <= performance.getEntriesByName("whycors-ready")[0].startTime`); !at {
		t.Error("the first fix came after the core engine was ready: it is not the build's")
	}
	var built struct {
		FixesFor string          `json:"fixes_for"`
		Fixes    json.RawMessage `json:"fixes"`
	}
	if err := json.Unmarshal([]byte(eval[string](p, `document.getElementById("first-verdict").textContent`)), &built); err != nil {
		t.Fatal(err)
	}
	fs, err := explain.Decode([]byte(built.FixesFor))
	if err != nil {
		t.Fatal(err)
	}
	fixes, err := explain.Fixes(fs, opts)
	if err != nil {
		t.Fatal(err)
	}
	var engines, builds any
	if json.Unmarshal(explain.AppendFixes(nil, fixes), &engines) != nil || json.Unmarshal(built.Fixes, &builds) != nil || !reflect.DeepEqual(builds, engines) {
		t.Errorf("the build's fixes are\n%s\nthe full engine's\n%s", built.Fixes, explain.AppendFixes(nil, fixes))
	}
	settled(p)
	if n := eval[int](p, `document.querySelectorAll("#fixes .fix").length`); n != len(fixes) {
		t.Errorf("%d fixes on screen once the engine runs, want the build's %d", n, len(fixes))
	}
	if eval[bool](p, `whycorsFullLoaded()`) {
		t.Error("the page fetched the full engine for the first scenario, whose fixes the build wrote")
	}
	// Any other scenario, here a link's, is drawn by the engine alone.
	fill(p, blocked)
	settled(p)
	link := eval[string](p, `document.getElementById("share").value`)
	p.do(chromedp.Navigate("about:blank"))
	p.open(strings.TrimPrefix(link, p.base))
	if eval[bool](p, `whycorsFirst.shown`) {
		t.Error("a link to another scenario drew the build's verdict for the first one")
	}
}

// TestLinkStartsFullEngineInHead opens a link whose scenario has a policy
// to read, the README's S3 upload, and expects its verdict from the full
// engine in the worker boot.js started from the page's head, named so
// that it fetches the full engine as it starts: started by app.js, the
// worker came up about 300 ms later in a trace, and the first verdict
// came 100 ms later per round (scripts/bench-site.sh ab with
// WHYCORS_BENCH_LINK=s3). A link to raw replies starts no such worker:
// the core engine reads it (its fixes, blocked as it is, come from a full
// engine app.js starts after the verdict).
func TestLinkStartsFullEngineInHead(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open(s3Link())
	if !eval[bool](p, `whycorsFullLoaded()`) {
		t.Fatal("the S3 link's verdict is drawn and the full engine is not loaded")
	}
	if !eval[bool](p, `whycorsFullFromHead()`) {
		t.Error("the S3 link's full engine runs in a worker app.js started, not in boot.js's from the head")
	}
	if s := eval[string](p, `document.getElementById("verdict-summary").textContent`); !strings.Contains(s, "x-amz-meta-owner") {
		t.Errorf("the S3 link's verdict does not name the header its bucket does not allow: %q", s)
	}
	p.do(chromedp.Navigate("about:blank"))
	p.open(benchLink)
	settled(p)
	if eval[bool](p, `whycorsFullFromHead()`) {
		t.Error("a link to raw replies started the full engine from the page's head")
	}
}
