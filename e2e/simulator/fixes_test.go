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

// TestUseTheRepliesFix opens an nginx configuration whose fix is the
// replies it must give (explain.Fixes: format "headers"; nginx is not
// edited in place) and presses that fix's button: the replies go to the
// "Raw replies" pane, which the page then shows and explains as allowed,
// and the pasted configuration stays as it was. Tried as a new user
// would, "Use this fix" wrote the replies over the configuration, which
// no format then read.
func TestUseTheRepliesFix(t *testing.T) {
	t.Parallel() // each test has its own browser context
	const conf = "server {\n  listen 80;\n  location /api/ {\n    add_header 'Access-Control-Allow-Origin' '*' always;\n    add_header 'Access-Control-Allow-Credentials' 'true' always;\n  }\n}\n"
	b, _ := json.Marshal(conf)
	sc := `{"browser":"chrome","request":{"origin":"https://app.example","url":"https://api.example/api/items","credentials":"include"},"policy":{"format":"nginx","text":` + string(b) + `}}`
	s, err := explain.Decode([]byte(sc))
	if err != nil {
		t.Fatal(err)
	}
	want, err := explain.Fixes(s, opts)
	if err != nil {
		t.Fatal(err)
	}
	replies := ""
	for _, f := range want {
		if f.Where == "server" && f.Format == "headers" {
			replies = f.Text
		}
	}
	if replies == "" {
		t.Fatalf("explain.Fixes gives no fix of the replies: %+v; the test needs one", want)
	}
	p := startPage(t)
	p.open(linkOf(sc))
	settled(p)
	p.do(chromedp.ScrollIntoView(chromedp.CSS("#fixes")))
	settled(p)
	clicked := eval[bool](p, `(() => { const b = Array.from(document.querySelectorAll("#fixes button")).find(b => b.textContent === "Try these replies");
	  if (!b) return false; b.click(); return true; })()`)
	if !clicked {
		t.Fatalf("no “Try these replies” button; the fixes panel reads:\n%s", eval[string](p, `document.getElementById("fixes").innerText`))
	}
	settled(p)
	if got := eval[bool](p, `document.getElementById("src-raw").checked`); !got {
		t.Error("the page does not show the raw replies after the fix was used")
	}
	if got := eval[string](p, `document.getElementById("raw").value`); got != replies {
		t.Errorf("raw replies after the fix:\n%s\nwant the fix's text:\n%s", got, replies)
	}
	if got := eval[string](p, `document.getElementById("policy").value`); got != conf {
		t.Errorf("the configuration changed:\n%s", got)
	}
	if got := eval[string](p, `document.getElementById("summary").dataset.state`); got != "allowed" {
		t.Errorf("verdict after the fix: %q, want allowed: %s", got, eval[string](p, `document.getElementById("verdict-summary").textContent`))
	}
}
