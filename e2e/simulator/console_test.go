package simulator_test

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestConsoleLine starts from the console line (issue 20): a line of
// each browser pasted into the console-line box lists the configurations
// that print it, and picking the first loads its scenario, whose verdict
// on the page prints that very line in its console panel.
func TestConsoleLine(t *testing.T) {
	t.Parallel() // each test has its own browser context
	lines := []struct{ desc, line string }{
		{desc: "Chromium 156: a preflight without Access-Control-Allow-Origin (engine/fetch chromeDetail)",
			line: "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."},
		{desc: "Firefox ESR 153: Access-Control-Allow-Origin of another origin (engine/fetch firefoxMessages)",
			line: "Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at https://api.example.com/items. (Reason: CORS header ‘Access-Control-Allow-Origin’ does not match ‘https://other.example’)."},
	}
	p := startPage(t)
	for _, c := range lines {
		t.Run(c.desc, func(t *testing.T) {
			p.t = t
			p.open("")
			eval[bool](p, `(() => { document.getElementById("console-box").open = true;
				document.getElementById("console-line").value = `+strconv.Quote(c.line)+`;
				document.getElementById("console-read").click(); return true; })()`)
			p.do(chromedp.WaitVisible(chromedp.CSS("#console-candidates li button")))
			if n := eval[int](p, `document.querySelectorAll("#console-candidates li").length`); n < 1 || n > 5 {
				t.Fatalf("%d candidates listed, want 1 to 5", n)
			}
			eval[bool](p, `(() => { document.querySelector("#console-candidates li button").click(); return true; })()`)
			deadline := time.Now().Add(15 * time.Second)
			for {
				settled(p)
				got := eval[string](p, `document.getElementById("consoles").textContent`)
				if strings.Contains(got, c.line) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("the page's console panel lacks the pasted line:\n%s", got)
				}
				time.Sleep(100 * time.Millisecond)
			}
			if s := eval[string](p, `document.getElementById("verdict-summary").textContent`); !strings.Contains(s, "blocks") {
				t.Errorf("headline %q, want the cause of a block", s)
			}
		})
	}
	p.t = t
}
