package simulator_test

import (
	"strings"
	"testing"

	cdpinput "github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/limits"
)

// TestPasteBudget: the page states its paste budget (engine/limits'
// PolicyText, 1 MiB) before anything is pasted, and a text one byte over
// it is refused at its field before any work: no engine call, no link.
func TestPasteBudget(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open("")
	settled(p)
	if hint := eval[string](p, `document.getElementById("paste-limit").textContent`); !strings.Contains(hint, "1 MiB (1,048,576 bytes)") {
		t.Errorf("the page states its budget as %q", hint)
	}
	calls := eval[int](p, `whycorsTimings.length`)
	link := eval[string](p, `document.getElementById("share").value`)
	over := strings.Repeat("x", limits.PolicyText-len("HTTP/1.1 200 OK\n")+1)
	// Select the replies and paste over them: one input event.
	p.do(chromedp.Focus(chromedp.CSS("#raw")), chromedp.Evaluate[chromedp.Void](`document.getElementById("raw").select()`))
	if _, err := chromedp.Call(p.ctx, cdpinput.InsertText, cdpinput.InsertTextParams{Text: "HTTP/1.1 200 OK\n" + over}); err != nil {
		t.Fatal(err)
	}
	settled(p)
	head := eval[string](p, `document.getElementById("verdict-summary").textContent`)
	at := eval[string](p, `document.getElementById("raw-err").textContent`)
	for _, s := range []string{head, at} {
		if !strings.Contains(s, "up to 1 MiB (1,048,576 bytes)") {
			t.Errorf("the page says %q, want the budget", s)
		}
	}
	if got := eval[string](p, `document.getElementById("raw").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("aria-invalid on the replies = %q", got)
	}
	if n := eval[int](p, `whycorsTimings.length`); n != calls {
		t.Errorf("the engine was called %d times for a text over the budget", n-calls)
	}
	if got := eval[string](p, `document.getElementById("share").value`); got != link {
		t.Error("the link was rewritten for a text over the budget")
	}
	// One byte less reads.
	paste(p, "raw", "HTTP/1.1 200 OK\n"+over[1:])
	settled(p)
	if st := eval[string](p, `document.getElementById("summary").dataset.state`); st == "error" && strings.Contains(eval[string](p, `document.getElementById("verdict-summary").textContent`), "1 MiB") {
		t.Error("a text of exactly the budget is refused")
	}
}

// TestHeaderNewline pastes a header value with a line break, which an
// <input> would drop: the value keeps it, the verdict is the engine's
// (fetch() rejects before sending anything, reason InvalidHeaderValue),
// and the browser's TypeError is shown at the value's field.
func TestHeaderNewline(t *testing.T) {
	t.Parallel() // each test has its own browser context
	p := startPage(t)
	p.open("")
	settled(p)
	p.do(chromedp.Click(chromedp.CSS("#add-header")))
	p.do(chromedp.SendKeys(chromedp.CSS("#headers .hdr:last-child .hname"), "X-Trace"))
	p.do(chromedp.Focus(chromedp.CSS("#headers .hdr:last-child .hvalue")))
	paste(p, "headers .hdr:last-child .hvalue", "abc\ndef")
	settled(p)
	if v := eval[string](p, `document.querySelector("#headers .hdr:last-child .hvalue").value`); v != "abc\ndef" {
		t.Fatalf("the value field holds %q, want the pasted line break kept", v)
	}
	v := compareScenario(t, p, goScenario(t, p, input{}))
	if v == nil || v.Reason != "InvalidHeaderValue" || !strings.HasPrefix(v.Exception, "TypeError") {
		t.Fatalf("the engine's verdict %+v; the test wants fetch() to reject (InvalidHeaderValue)", v)
	}
	at := eval[string](p, `document.querySelector("#headers .hdr:last-child .field-error").textContent`)
	if !strings.Contains(at, v.Exception) {
		t.Errorf("at the field: %q, want the browser's error %q", at, v.Exception)
	}
	if got := eval[string](p, `document.querySelector("#headers .hdr:last-child .hvalue").getAttribute("aria-invalid") || ""`); got != "true" {
		t.Errorf("aria-invalid on the value = %q", got)
	}
	checkAxe(t, p, "a header value fetch() refuses")
}
