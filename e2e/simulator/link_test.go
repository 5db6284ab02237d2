package simulator_test

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
)

// linkScenario decodes a link the page made as shared/design.md says a
// shared link is: "#s=" followed by the base64url, without padding, of
// the scenario's JSON, read with explain.Decode (what `whycors explain`
// reads).
func linkScenario(t *testing.T, link, base string) explain.Scenario {
	t.Helper()
	enc, ok := strings.CutPrefix(link, base+"#s=")
	if !ok {
		t.Fatalf("link = %q, want %s#s= and the scenario", link, base)
	}
	data, err := base64.RawURLEncoding.DecodeString(enc)
	if err != nil {
		t.Fatalf("the link's fragment %q is not base64url without padding: %v", enc, err)
	}
	s, err := explain.Decode(data)
	if err != nil {
		t.Fatalf("explain.Decode refuses the link's scenario %s: %v", data, err)
	}
	return s
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestShareLinkIsScenario types a scenario, decodes the link the page
// offers and expects the scenario the form holds, which explain.Decode
// accepts and whose verdict in each browser is the one the page shows.
func TestShareLinkIsScenario(t *testing.T) {
	t.Parallel() // each test has its own browser context
	cases := []struct {
		desc    string
		in      input
		browser string // option text typed into "Browser in detail"; empty keeps Chrome
	}{
		{desc: "raw replies, Chrome in detail", in: blocked},
		{desc: "an S3 policy and a credentialed DELETE, Firefox in detail", browser: "Firefox",
			in: input{method: "DELETE", headers: [][2]string{}, credentials: "include", body: "none", source: "policy", format: "s3-json",
				text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"]}]`}},
	}
	p := startPage(t)
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			p.t = t
			p.open("")
			fill(p, c.in)
			if c.browser != "" {
				p.do(selectOption("browser", c.browser))
			}
			settled(p)
			got := linkScenario(t, eval[string](p, `document.getElementById("share").value`), p.base)
			want := goScenario(t, p, c.in)
			want.Browser = eval[string](p, `document.getElementById("browser").value`)
			if g, w := jsonOf(t, got), jsonOf(t, want); g != w {
				t.Errorf("the link's scenario is\n%s\nthe form holds\n%s", g, w)
			}
			if got.Fixes != nil {
				t.Errorf("the link's scenario sets fixes: %v; replayed with whycors explain it must search fixes", *got.Fixes)
			}
			if v := compareScenario(t, p, got); v != nil {
				t.Logf("Chrome: allowed=%v reason=%q", v.Allowed, v.Reason)
			}
		})
	}
	p.t = t
}

// oldForm is the fragment's content before it held the scenario: the
// form's own fields (readState in site/app.js), "#s=" and the base64url
// of their JSON.
type oldForm struct {
	Browser     string      `json:"browser"`
	Origin      string      `json:"origin"`
	URL         string      `json:"url"`
	Method      string      `json:"method"`
	Headers     [][2]string `json:"headers"`
	Credentials string      `json:"credentials"`
	Mode        string      `json:"mode"`
	Body        string      `json:"body"`
	Source      string      `json:"source"`
	Format      string      `json:"format"`
	Policy      string      `json:"policy"`
	Raw         string      `json:"raw"`
}

// TestOldShareLinkOpens opens a link in the old form, with every field
// away from the page's defaults, and expects the same form state, the
// engine's verdict on it, and the link rewritten as the scenario.
func TestOldShareLinkOpens(t *testing.T) {
	t.Parallel() // each test has its own browser context
	old := oldForm{Browser: "firefox", Origin: "https://shop.example", URL: "https://api.example/items/2", Method: "DELETE",
		Headers: [][2]string{{"X-Api-Key", "k1"}}, Credentials: "include", Mode: "cors", Body: "", Source: "policy", Format: "s3-json",
		Policy: `[{"AllowedOrigins": ["https://shop.example"], "AllowedMethods": ["GET", "PUT"]}]`,
		Raw:    reply("HTTP/1.1 204 No Content", "Access-Control-Allow-Origin: https://shop.example")}
	b, err := json.Marshal(old)
	if err != nil {
		t.Fatal(err)
	}
	p := startPage(t)
	p.open("#s=" + base64.RawURLEncoding.EncodeToString(b))
	settled(p)
	in := input{origin: old.Origin, url: old.URL, method: old.Method, headers: old.Headers, credentials: old.Credentials,
		source: old.Source, format: old.Format, text: old.Policy}
	// goScenario checks the fields of in; the rest are read here.
	want := goScenario(t, p, in)
	for _, f := range []struct{ id, want string }{{"browser", old.Browser}, {"mode", old.Mode}, {"body-type", old.Body}, {"raw", old.Raw}} {
		if got := eval[string](p, `document.getElementById("`+f.id+`").value`); got != f.want {
			t.Errorf("restored #%s = %q, want %q", f.id, got, f.want)
		}
	}
	compareWithEngine(t, p, in)
	// The page now offers the link as the scenario.
	got := linkScenario(t, eval[string](p, `document.getElementById("share").value`), p.base)
	want.Browser = old.Browser
	if g, w := jsonOf(t, got), jsonOf(t, want); g != w {
		t.Errorf("the link the page offers holds\n%s\nwant\n%s", g, w)
	}
}

// TestScenarioLinkOpens opens links made by hand from scenarios as
// `whycors explain` reads them, with raw replies in "preflight" and
// "response" (headers in both JSON forms), and expects each browser's
// verdict on the scenario; and a scenario the form cannot hold says so.
func TestScenarioLinkOpens(t *testing.T) {
	t.Parallel() // each test has its own browser context
	cases := []struct {
		desc, scenario string
	}{
		{desc: "shared/design.md's request, a preflight reply without the allowed header, Safari in detail",
			scenario: `{"browser": "safari", "request": {"origin": "http://app.test", "url": "http://api.test/items/1", "method": "PUT",
			  "headers": {"Content-Type": "application/json", "X-Api-Key": "k"}, "credentials": "include", "body": "{}"},
			  "preflight": {"status": 204, "headers": [["Access-Control-Allow-Origin", "http://app.test"], ["Access-Control-Allow-Methods", "PUT"],
			    ["Access-Control-Allow-Headers", "content-type"], ["Access-Control-Allow-Credentials", "true"]]},
			  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "http://app.test"]]}}`},
		// Alone, the response would be read as the preflight reply (it has
		// Access-Control-Allow-Methods, engine/formats/raw); the page
		// writes the missing preflight reply as the contract's default.
		{desc: "only a response, with a preflight-only header",
			scenario: `{"request": {"origin": "https://app.example", "url": "https://api.example/items/1"},
			  "response": {"status": 200, "headers": [["Access-Control-Allow-Origin", "https://app.example"], ["Access-Control-Allow-Methods", "GET"]]}}`},
	}
	p := startPage(t)
	for _, c := range cases {
		t.Run(c.desc, func(t *testing.T) {
			p.t = t
			s, err := explain.Decode([]byte(c.scenario))
			if err != nil {
				t.Fatal(err)
			}
			p.open("#s=" + base64.RawURLEncoding.EncodeToString([]byte(c.scenario)))
			settled(p)
			if note := eval[string](p, `document.getElementById("link-note").textContent`); note != "" {
				t.Errorf("the page says %q; the form holds this scenario", note)
			}
			if v := compareScenario(t, p, s); v != nil {
				t.Logf("Chrome: allowed=%v reason=%q", v.Allowed, v.Reason)
			}
		})
	}
	t.Run("the application's replies behind a policy (examples/nginx-preflight-403.json)", func(t *testing.T) {
		p.t = t
		p.open("#s=" + base64.RawURLEncoding.EncodeToString(example(t, "nginx-preflight-403.json")))
		settled(p)
		if note := eval[string](p, `document.getElementById("link-note").textContent`); !strings.Contains(note, "replies beside a policy") {
			t.Errorf("the page says %q; want it to say the replies beside the policy are not in the form", note)
		}
	})
	p.t = t
}

// example is the text of examples/name, the repository's scenarios.
func example(t *testing.T, name string) []byte {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(root, "examples", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
