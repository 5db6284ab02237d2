package simulator_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/convert"
)

// blocked is a scenario every browser blocks: a custom header the
// preflight reply does not allow (catalog PF_HEADER_NOT_ALLOWED).
var blocked = input{
	method:  "POST",
	headers: [][2]string{{"Content-Type", "application/json"}, {"X-Api-Key", "k1"}},
	body:    "a string",
	source:  "raw",
	text:    reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://app.example", "Access-Control-Allow-Methods: POST", "Access-Control-Allow-Headers: content-type"),
}

// settled waits until the page has handled every input: no render is
// pending, the full engine is not loading and no fix search is waiting
// (whycorsBusy in site/app.js).
func settled(p *page) {
	p.t.Helper()
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](settle, chromedp.EvalAwaitPromise)); err != nil {
		p.t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(p.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Poll[chromedp.Void](`!whycorsBusy()`, chromedp.WithPollingInterval(5*time.Millisecond))); err != nil {
		p.t.Fatal("the page stayed busy:", err)
	}
	if _, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](settle, chromedp.EvalAwaitPromise)); err != nil {
		p.t.Fatal(err)
	}
}

// TestShareLinkRoundTrips types a scenario, opens the link the page
// offers in a fresh load, and expects the same form and the same verdict.
func TestShareLinkRoundTrips(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open("")
	fill(p, blocked)
	settled(p)
	link := eval[string](p, `document.getElementById("share").value`)
	if !strings.HasPrefix(link, p.base+"#s=") {
		t.Fatalf("share link = %q, want the page URL with the state after #s=", link)
	}
	formJS := `JSON.stringify([document.getElementById("origin").value, document.getElementById("url").value, document.getElementById("method").value,
	  document.getElementById("credentials").value, document.getElementById("body-type").value, document.getElementById("raw").value,
	  document.querySelector("input[name=source]:checked").value,
	  Array.from(document.querySelectorAll("#headers .hdr input")).map(i => i.value)])`
	before := eval[string](p, formJS)
	rowsBefore := eval[string](p, readRows)
	p.screenshot("simulator-blocked.png")

	p.open("")
	if got := eval[string](p, formJS); got == before {
		t.Fatal("the page without a fragment shows the typed state already; the test cannot tell a restore")
	}
	p.do(chromedp.Navigate("about:blank"))
	p.open(strings.TrimPrefix(link, p.base))
	if got := eval[string](p, formJS); got != before {
		t.Errorf("restored form = %s, want %s", got, before)
	}
	if got := eval[string](p, readRows); got != rowsBefore {
		t.Errorf("restored verdict = %s, want %s", got, rowsBefore)
	}
	if got := eval[string](p, `document.querySelector("#browsers tr[data-browser=chrome]").dataset.reason`); got != "HeaderDisallowedByPreflightResponse" {
		t.Errorf("restored Chrome reason = %q, want HeaderDisallowedByPreflightResponse (catalog PF_HEADER_NOT_ALLOWED)", got)
	}
}

// TestAccessibility runs axe-core (root package.json) on the page with a
// blocked verdict, a fix-free trace and the timeline on screen, and
// fails on serious or critical violations. It also checks the page at
// 360 px wide does not scroll sideways.
func TestAccessibility(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open("")
	fill(p, blocked)
	settled(p)
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		}); err != nil {
			t.Fatal(err)
		}
		settled(p)
		vs := axeRun(t, p)
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("%s theme: axe %s (%s): %s at %v", scheme, v.ID, v.Impact, v.Help, v.Nodes)
			} else {
				t.Logf("%s theme: axe %s (%s): %s at %v", scheme, v.ID, v.Impact, v.Help, v.Nodes)
			}
		}
	}
	p.do(chromedp.EmulateViewport(360, 800))
	settled(p)
	if w := eval[int](p, `document.documentElement.scrollWidth`); w > 360 {
		t.Errorf("at 360 px the page is %d px wide; it must not scroll sideways", w)
	}
	p.screenshot("simulator-360.png")
}

// TestConvert opens the convert panel, converts the S3 preset to the
// native format and expects engine/convert's text on the page.
func TestConvert(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open("")
	p.do(
		selectOption("srv-preset", "An S3"),
		chromedp.Click(chromedp.CSS("#convert-box summary")),
	)
	// Opening the panel loads the full engine, which lists the targets.
	settled(p)
	p.do(
		// The target as the page lists it: its title.
		selectOption("convert-to", formatOption("native")),
		chromedp.Click(chromedp.CSS("#convert")),
	)
	settled(p)
	text := eval[string](p, `document.getElementById("policy").value`)
	if got := eval[string](p, `document.getElementById("convert-to").value`); got != "native" {
		t.Fatalf("target = %q after typing %q", got, formatOption("native"))
	}
	want, _, err := convert.Convert(opts.Formats, text, "s3-json", "native")
	if err != nil {
		t.Fatal(err)
	}
	if got := eval[string](p, `document.getElementById("convert-out").textContent`); got != want {
		t.Errorf("page shows\n%s\nengine/convert writes\n%s", got, want)
	}
}
