package simulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

var axeSource = sync.OnceValues(func() ([]byte, error) {
	root, err := repoRoot()
	if err != nil {
		return nil, err
	}
	return os.ReadFile(filepath.Join(root, "node_modules", "axe-core", "axe.min.js"))
})

// checkAxe runs axe-core (root package.json) on the page as it is and
// fails on any violation, whatever its impact; it also fails when a
// region scrolls sideways without keyboard access (tabindex and a name),
// when text is cut by an ellipsis, and when the page is wider than the
// window.
func checkAxe(t *testing.T, p *page, state string) {
	t.Helper()
	settled(p)
	vs := axeRun(t, p)
	width := eval[int](p, `innerWidth`)
	for _, v := range vs {
		t.Errorf("%s at %d px: axe %s (%s): %s at %v", state, width, v.ID, v.Impact, v.Help, v.Nodes)
	}
	var bad []string
	if err := json.Unmarshal([]byte(eval[string](p, `JSON.stringify(Array.from(document.querySelectorAll("body *")).filter(e => {
	  if (!e.getClientRects().length) return false;
	  const cs = getComputedStyle(e);
	  const scrolls = (cs.overflowX === "auto" || cs.overflowX === "scroll") && e.scrollWidth > e.clientWidth + 1 && e.tagName !== "TEXTAREA";
	  const keyboard = e.tabIndex >= 0 && (e.getAttribute("aria-label") || e.getAttribute("aria-labelledby"));
	  const cut = cs.textOverflow === "ellipsis" && e.scrollWidth > e.clientWidth + 1;
	  return (scrolls && !keyboard) || cut;
	}).map(e => e.tagName + "#" + e.id + "." + e.className))`)), &bad); err != nil {
		t.Fatal(err)
	}
	for _, b := range bad {
		t.Errorf("%s at %d px: %s scrolls sideways without keyboard access, or cuts its text", state, width, b)
	}
	if w := eval[int](p, `document.documentElement.scrollWidth`); w > width {
		t.Errorf("%s at %d px: the page is %d px wide and scrolls sideways", state, width, w)
	}
}

// axeViolation is one rule axe-core finds broken, with up to three of
// the elements that break it.
type axeViolation struct {
	ID, Impact, Help string
	Nodes            []string
}

// axeRun injects axe-core (root package.json) into the page and returns
// what it finds.
func axeRun(t *testing.T, p *page) []axeViolation {
	t.Helper()
	axe, err := axeSource()
	if err != nil {
		t.Fatal("axe-core is not installed (npm ci at the repository root):", err)
	}
	// DevTools evaluation is not bound by the page's CSP. A page read
	// again from a link keeps the axe it was given.
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`typeof axe !== "undefined" || (() => {`+string(axe)+`;return true})()`)); err != nil {
		t.Fatal("injecting axe-core:", err)
	}
	out, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))`, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatal("running axe-core:", err)
	}
	var vs []axeViolation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		t.Fatal(err)
	}
	return vs
}

// TestAnyDevice opens each state at 1366x900 and 390x844 and runs
// checkAxe: the S3 upload (a policy, rules, a fix with a diff), a
// redirect chain (the exchange of several hops), the default raw replies,
// a field in error and an empty policy;
// on the phone the exchange is one column as wide as its box, and the
// header links to the form.
func TestAnyDevice(t *testing.T) {
	t.Parallel() // each test has its own browser context
	redirect := linkOf(`{"request": {"origin": "https://app.example", "url": "https://api.example/v1/report", "method": "GET"},
	  "response": {"status": 302, "headers": [["Location", "https://files.example/r/7"], ["Access-Control-Allow-Origin", "https://app.example"]]},
	  "routes": [{"url": "https://files.example/r/7", "response": {"status": 200, "headers": [["Content-Type", "application/json"]]}}]}`)
	states := []struct{ desc, fragment, state string }{
		{desc: "the page as it opens", fragment: "", state: "blocked"},
		{desc: "the S3 upload", fragment: s3Link(), state: "blocked"},
		{desc: "a redirect to another origin", fragment: redirect, state: "blocked"},
		{desc: "an origin without a scheme (an error at its field)", fragment: linkOf(`{"request": {"origin": "app.example", "url": "https://api.example/"}, "response": {"status": 200}}`), state: "error"},
		{desc: "an empty policy", fragment: linkOf(`{"request": {"origin": "https://app.example", "url": "https://api.example/"}, "policy": {"format": "s3-json", "text": ""}}`), state: "empty"},
	}
	p := startPage(t)
	for _, size := range [][2]int64{{1366, 900}, {390, 844}} {
		p.do(chromedp.EmulateViewport(size[0], size[1]))
		for i, s := range states {
			// The page loads once per size; each later state is a link it
			// reads without a reload (as in TestScenariosMatchEngine): a
			// load, its engines compiled again, cost 2 to 4 CPU-seconds.
			if i == 0 {
				p.open(s.fragment)
			} else {
				p.relink(s.fragment)
			}
			checkAxe(t, p, s.desc)
			if got := eval[string](p, `document.getElementById("summary").dataset.state`); got != s.state {
				t.Errorf("%s: the page shows state %q, want %q", s.desc, got, s.state)
			}
			// On the phone the verdict comes first and the form screens
			// below it: the header's link to the form shows there, above
			// the verdict, and only there (found as a new user would).
			shown := eval[bool](p, `(() => { const a = document.querySelector(".to-form a"); return !!a && a.getClientRects().length > 0 && a.getBoundingClientRect().bottom < document.getElementById("verdict").getBoundingClientRect().top && document.querySelector(a.getAttribute("href")) === document.getElementById("form"); })()`)
			if narrow := size[0] == 390; shown != narrow {
				t.Errorf("%s at %d px: the link to the form above the verdict shows: %v, want %v", s.desc, size[0], shown, narrow)
			}
			if size[0] == 390 && eval[bool](p, `!document.getElementById("details").hidden`) {
				if w := eval[string](p, `JSON.stringify(Array.from(document.querySelectorAll("#timeline .msg")).map(m => [m.getBoundingClientRect().left, m.getBoundingClientRect().right]))`); w == "[]" {
					t.Errorf("%s: no message in the exchange", s.desc)
				}
				if over := eval[bool](p, `(() => { const b = document.getElementById("timeline").getBoundingClientRect(); return Array.from(document.querySelectorAll("#timeline .msg")).some(m => m.getBoundingClientRect().right > b.right + 1 || m.getBoundingClientRect().left < b.left - 1); })()`); over {
					t.Errorf("%s: a message of the exchange runs outside its box at 390 px", s.desc)
				}
			}
		}
	}
}
