package simulator_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/internal/build"
)

// TestFirstVerdict opens the page on the scenario it starts with and
// expects the verdict the build wrote into index.html (internal/build,
// first.go) to be drawn before the core engine is ready, for exactly the
// scenario the form writes, and to be what the core engine answers in
// the same page once it runs: the page never shows a verdict its engine
// would not give.
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
