package simulator_test

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/whycors/whycors/engine/explain"
)

// The page's timeline and steps show every hop of a redirect chain and
// every fetch of a session (issue "The browser over time"): a shared link
// whose scenario has routes and later fetches keeps them (the form cannot
// edit them, and says so), the verdict is the engine's for the whole
// scenario, the picture names each request the browser sent, in order,
// and each later fetch has its own verdict and steps. With
// WHYCORS_DOCS_SCREENSHOT set the two pictures are written to docs/.
func TestTimelineHopsAndSessions(t *testing.T) {
	cases := []struct {
		desc, file, scenario string
		// pictured are what the timeline's description must list, in order.
		pictured []string
		later    int // later fetches, each a details block of steps
	}{
		{desc: "a two-hop redirect: 302 to another origin, 307 to a third, each hop with its own replies (Fetch §4.4 HTTP-redirect fetch)",
			file: "timeline-redirect.png",
			scenario: `{"request": {"origin": "https://app.example", "url": "https://api.example/v1/report", "method": "GET"},
			  "response": {"status": 302, "headers": [["Location", "https://files.example/r/7"], ["Access-Control-Allow-Origin", "https://app.example"]]},
			  "routes": [
			    {"url": "https://files.example/r/7", "response": {"status": 307, "headers": [["Location", "https://cdn.example/r/7.json"], ["Access-Control-Allow-Origin", "*"]]}},
			    {"url": "https://cdn.example/r/7.json", "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"], ["Content-Type", "application/json"]]}}]}`,
			pictured: []string{"Request: GET https://api.example/v1/report", "Reply: 302", "Request: GET https://files.example/r/7", "Reply: 307",
				"Request: GET https://cdn.example/r/7.json", "Reply: 200 (decided here)"}},
		{desc: "a session of two uploads: the second, 30 s later, adds a header the cached preflight does not cover, so a new preflight goes and is refused (examples/upload-preflight-cache.json's shape)",
			file: "timeline-session.png",
			scenario: `{"request": {"origin": "https://app.example", "url": "https://api.example/upload", "method": "PUT", "headers": [["Content-Type", "application/json"]], "body": "{}"},
			  "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Methods", "PUT"], ["Access-Control-Allow-Headers", "content-type"], ["Access-Control-Max-Age", "600"]]},
			  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"]]},
			  "then": [{"request": {"origin": "https://app.example", "url": "https://api.example/upload", "method": "PUT", "headers": [["Content-Type", "application/json"], ["X-Request-Id", "9"]], "body": "{}"}, "after_seconds": 30}]}`,
			pictured: []string{"Preflight: OPTIONS https://api.example/upload", "Reply: 204", "Request: PUT https://api.example/upload", "Reply: 200",
				"Fetch 2, 30 s later", "Preflight: OPTIONS https://api.example/upload", "Reply: 204 (decided here)"},
			later: 1},
	}
	p := startPage(t)
	docs := os.Getenv("WHYCORS_DOCS_SCREENSHOT") != ""
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			p.t = t
			s, err := explain.Decode([]byte(c.scenario))
			if err != nil {
				t.Fatal(err)
			}
			p.open("#s=" + base64.RawURLEncoding.EncodeToString([]byte(c.scenario)))
			settled(p)
			if note := eval[string](p, `document.getElementById("extra-note").hidden ? "" : document.getElementById("extra-text").textContent`); note == "" {
				t.Error("the page does not say the link's scenario has parts the form does not edit")
			}
			compareScenario(t, p, s)
			desc := eval[string](p, `(document.querySelector("#timeline .xchg") || {dataset: {}}).dataset.desc || ""`)
			at := 0
			for _, want := range c.pictured {
				i := strings.Index(desc[at:], want)
				if i < 0 {
					t.Errorf("the timeline's description lacks %q after position %d:\n%s", want, at, desc)
					break
				}
				at += i + len(want)
			}
			if n := eval[int](p, `document.querySelectorAll("#later details").length`); n != c.later {
				t.Errorf("%d later fetches with steps, want %d", n, c.later)
			}
			if c.later > 0 && eval[int](p, `document.querySelectorAll("#later details li.step").length`) == 0 {
				t.Error("the later fetch shows no steps")
			}
			// The next link keeps the routes and later fetches.
			link := eval[string](p, `document.getElementById("share").value`)
			got := linkScenario(t, link, p.base)
			if len(got.Routes) != len(s.Routes) || len(got.Then) != len(s.Then) {
				t.Errorf("the page's link has %d routes and %d later fetches, want %d and %d", len(got.Routes), len(got.Then), len(s.Routes), len(s.Then))
			}
			p.screenshot(c.file)
			if docs {
				shoot(t, p, c.file)
			}
		})
	}
	p.t = t
}

// shoot writes docs/NAME: the verdict's timeline at 1280 px, light
// theme.
func shoot(t *testing.T, p *page, name string) {
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.EmulateViewport(1280, 1100))
	if _, err := chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "light"}},
	}); err != nil {
		t.Fatal(err)
	}
	p.do(chromedp.ScrollIntoView(chromedp.CSS("#timeline")))
	b, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.CSS("#timeline")))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "docs", name), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
