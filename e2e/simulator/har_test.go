package simulator_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/formats/har/explainhar"
)

// harRow is one fetch of the page's HAR listing, as drawn.
type harRow struct {
	Entry   string `json:"entry"`
	Allowed string `json:"allowed"`
	Reason  string `json:"reason"`
	Summary string `json:"summary"`
}

const readHAR = `JSON.stringify(Array.from(document.querySelectorAll("#har-list button")).map(b => ({
  entry: b.dataset.entry, allowed: b.dataset.allowed, reason: b.dataset.reason, summary: b.dataset.summary})))`

// TestHARImport chooses the repository's example capture (a GET allowed,
// then a POST whose preflight S3 answered 403 and which the browser
// recorded with status 0, issue 20) and expects the page to list every
// cross-origin fetch with the verdict `whycors explain FILE.har` prints
// (explainhar.Explain): the same fetches, in the same order (blocked
// first), with the same verdicts, in the chosen browser and again after
// choosing Firefox; axe finds nothing in the listing at 1366 and 390 px. Picking the first fetch opens it as the scenario:
// the page's verdict for it is explainhar's.
func TestHARImport(t *testing.T) {
	t.Parallel() // each test has its own browser context
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(root, "examples", "capture-preflight-403.har")
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	p.open("")
	p.do(
		chromedp.Click(chromedp.CSS("#src-har")),
		chromedp.SetUploadFiles(chromedp.CSS("#har-file"), []string{file}),
		chromedp.Poll[chromedp.Void](`document.querySelectorAll("#har-list button").length > 0`, chromedp.WithPollingInterval(5*time.Millisecond)),
	)
	settled(p)
	listed := func(browser string) []explainhar.Verdict {
		t.Helper()
		want, err := explainhar.Explain(string(text), browser, opts)
		if err != nil {
			t.Fatal(err)
		}
		var got []harRow
		if err := json.Unmarshal([]byte(eval[string](p, readHAR)), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%s: the page lists %d fetches, explainhar %d", browser, len(got), len(want))
		}
		for i, w := range want {
			g := got[i]
			if g.Entry != strconv.Itoa(w.Entry) || g.Allowed != strconv.FormatBool(w.Verdict.Allowed) || g.Reason != w.Verdict.Reason || g.Summary != w.Verdict.Summary {
				t.Errorf("%s: listed %d = %+v, explainhar: entry %d allowed %v reason %q summary %q", browser, i, g, w.Entry, w.Verdict.Allowed, w.Verdict.Reason, w.Verdict.Summary)
			}
		}
		if want[0].Verdict.Allowed {
			t.Fatalf("%s: the example's first fetch is allowed; the test wants a blocked one first", browser)
		}
		return want
	}
	want := listed("chrome")
	if n := eval[int](p, `document.querySelectorAll("#har-list li.blocked").length`); n != 1 {
		t.Errorf("%d fetches drawn as blocked, want 1 (the POST)", n)
	}
	// The listing passes axe, on a laptop and on a phone.
	checkAxe(t, p, "the HAR listing")
	p.do(chromedp.EmulateViewport(390, 844))
	checkAxe(t, p, "the HAR listing")
	p.do(chromedp.EmulateViewport(1366, 900))
	p.do(selectOption("browser", "Firefox"))
	settled(p)
	listed("firefox")
	p.do(selectOption("browser", "Chrome"))
	settled(p)

	// Pick the blocked POST: the verdict on the page is explainhar's.
	p.do(chromedp.Click(chromedp.CSS("#har-list button")))
	settled(p)
	var rows []pageRow
	if err := json.Unmarshal([]byte(eval[string](p, readRows)), &rows); err != nil {
		t.Fatal(err)
	}
	w := want[0].Verdict
	if len(rows) == 0 || rows[0].Browser != "chrome" || rows[0].Allowed != strconv.FormatBool(w.Allowed) || rows[0].Reason != w.Reason {
		t.Errorf("after the pick the page shows %+v; explainhar says allowed %v reason %q", rows, w.Allowed, w.Reason)
	}
	if got := eval[string](p, `document.getElementById("method").value + " " + document.getElementById("url").value`); got != want[0].Method+" "+want[0].URL {
		t.Errorf("the form holds %q, want the picked fetch %s %s", got, want[0].Method, want[0].URL)
	}
}

// TestHARUnattributed: a fetch Chrome exported with provisional headers
// and no Referer (referrer policy no-referrer) has no origin the file
// shows. Beside an explained fetch, the page names it under its count;
// alone, it says so, where it said "No cross-origin fetches in this
// file" (explainhar.ExplainFile, as `whycors explain FILE.har` does).
func TestHARUnattributed(t *testing.T) {
	t.Parallel()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	p.open("")
	p.do(chromedp.Click(chromedp.CSS("#src-har")))
	for _, tc := range []struct{ file, want string }{
		{"no-referrer-and-allowed.har", "1 cross-origin fetch in this file, 0 blocked in Chrome. Pick one to see it in detail: Not explained, the file showing no Origin, preflight or cross-origin Referer for them: log.entries[1]: GET https://api.test/me failed (net::ERR_FAILED)."},
		{"no-referrer-blocked.har", "log.entries[0]: GET https://api.test/me failed (net::ERR_FAILED), and the file shows no Origin, preflight or cross-origin Referer for it"},
	} {
		p.do(
			chromedp.SetUploadFiles(chromedp.CSS("#har-file"), []string{filepath.Join(root, "cmd", "whycors", "testdata", tc.file)}),
			chromedp.Poll[chromedp.Void](`document.querySelector("#har-status").textContent.includes("log.entries[")`, chromedp.WithPollingInterval(5*time.Millisecond)),
		)
		if got := eval[string](p, `document.querySelector("#har-status").textContent`); !strings.Contains(got, tc.want) {
			t.Errorf("%s: the page says %q, want %q", tc.file, got, tc.want)
		}
	}
}
