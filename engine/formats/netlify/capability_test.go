package netlify_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/netlify"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// The capabilities the engine finds by type assertion (engine/policy).
var (
	_ fix.Editor          = (*netlify.Format)(nil)
	_ fix.EditChooser     = (*netlify.Format)(nil)
	_ lint.TextChecker    = (*netlify.Format)(nil)
	_ lint.Platformer     = (*netlify.Format)(nil)
	_ explain.Documented  = (*netlify.Format)(nil)
	_ convert.Stater      = (*netlify.Format)(nil)
	_ convert.Writer      = (*netlify.Format)(nil)
	_ lint.Targeter       = (*netlify.Format)(nil)
	_ policy.SourceParser = (*netlify.Format)(nil)
)

// TestThroughTheEngine: the explainer reads a _headers file through a
// registry holding this format, blocks a PUT that the file's methods
// leave out, and offers the file with PUT added; lint reports the
// file's trap at its line.
func TestThroughTheEngine(t *testing.T) {
	reg := policy.NewRegistry(all.Policies()...)
	text := "/api/*\n  Access-Control-Allow-Origin: https://app.example\n  Access-Control-Allow-Methods: GET, POST\n  Access-Control-Allow-Headers: Content-Type\n"
	s, err := explain.Decode([]byte(`{"browser": "chrome",
	  "request": {"origin": "https://app.example", "url": "https://site.example/api/items.json", "method": "PUT", "headers": [["Content-Type", "application/json"]]},
	  "policy": {"format": "netlify", "text": ` + quote(text) + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err := explain.Explain(s, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed {
		t.Fatalf("a PUT the file does not allow is allowed: %+v", v)
	}
	found := false
	for _, f := range v.Fixes {
		if strings.Contains(f.Text, "Access-Control-Allow-Methods: GET, POST, PUT") {
			found = true
		}
	}
	if !found {
		t.Errorf("no fix adds PUT to the file: %+v", v.Fixes)
	}

	// netlify.toml: a credentialed GET against *: the fix names the
	// origin and sends credentials, in TOML.
	toml := "[[headers]]\n  for = \"/api/*\"\n  [headers.values]\n    Access-Control-Allow-Origin = \"*\"\n"
	s, err = explain.Decode([]byte(`{"browser": "chrome",
	  "request": {"origin": "https://app.example", "url": "https://site.example/api/me.json", "method": "GET", "credentials": "include"},
	  "policy": {"format": "netlify", "text": ` + quote(toml) + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	v, err = explain.Explain(s, advise.Options(reg))
	if err != nil {
		t.Fatal(err)
	}
	want := "    Access-Control-Allow-Origin = \"https://app.example\"\n    Access-Control-Allow-Credentials = \"true\"\n"
	found = false
	for _, f := range v.Fixes {
		found = found || strings.HasSuffix(f.Text, want)
	}
	if v.Allowed || !found {
		t.Errorf("allowed %v; no fix ends with %q: %+v", v.Allowed, want, v.Fixes)
	}

	// Several origins in one value: the fix sends the page's alone.
	several := "/*\n  Access-Control-Allow-Origin: https://a.example, https://app.example\n"
	s, err = explain.Decode([]byte(`{"browser": "firefox",
	  "request": {"origin": "https://app.example", "url": "https://site.example/x.json", "method": "GET"},
	  "policy": {"format": "netlify", "text": ` + quote(several) + `}}`))
	if err != nil {
		t.Fatal(err)
	}
	if v, err = explain.Explain(s, advise.Options(reg)); err != nil {
		t.Fatal(err)
	}
	found = false
	for _, f := range v.Fixes {
		found = found || f.Text == "/*\n  Access-Control-Allow-Origin: https://app.example\n"
	}
	if v.Allowed || !found {
		t.Errorf("allowed %v; no fix sends the one origin: %+v", v.Allowed, v.Fixes)
	}

	fs, err := lint.Lint(reg, "/api/\n  Access-Control-Allow-Origin: *\n  Access-Control-Allow-Credentials: true\n", "netlify")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]int{}
	for _, f := range fs {
		codes[f.Code] = f.Line
	}
	if codes["wildcard-credentials"] != 2 || codes["path-never-matches"] != 1 {
		t.Errorf("lint found %+v, want wildcard-credentials at line 2 and path-never-matches at line 1", fs)
	}
}

func quote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`, "\t", `\t`)
	return `"` + r.Replace(s) + `"`
}
