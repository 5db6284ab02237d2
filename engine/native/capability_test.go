package native_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/native"
	"github.com/whycors/whycors/engine/portable"
)

// capPolicy has a rule for a prefix path and one for every path; the
// expected values below are the package doc's.
const capPolicy = `{
  "rules": [
    {
      "name": "api",
      "path": "/api/*",
      "origins": ["https://app.test", "https://*.app.test"],
      "methods": ["PUT"],
      "credentials": true
    },
    {"origins": ["*"], "unmatched_preflight": "pass"}
  ]
}`

// TestCapabilities calls each capability of the native format through
// the format value of native.Formats().
func TestCapabilities(t *testing.T) {
	fs := native.Formats()
	if len(fs) != 1 || fs[0].Name() != native.FormatName {
		t.Fatalf("Formats() = %v", fs)
	}
	f := fs[0]

	// convert.Reader: "*" in request_headers and methods echoes what is
	// asked, origins are exact, "*" or one subdomain wildcard, the first
	// rule whose path and origins match answers, as in the portable form,
	// OriginSelects and no longer PathSelects (the package doc, "Which
	// rule answers"); each
	// value at its JSON path and line.
	rd, ok := f.(convert.Reader)
	if !ok {
		t.Fatal("not a convert.Reader")
	}
	cfg, err := rd.ReadRules(capPolicy)
	if err != nil {
		t.Fatal(err)
	}
	wantSem := portable.Semantics{EchoHeaders: true, EchoMethods: true, OriginSelects: true, Origins: portable.OriginsSubdomain}
	if cfg.Format != "native" || cfg.Semantics != wantSem || len(cfg.Rules) != 2 {
		t.Fatalf("ReadRules = %+v", cfg)
	}
	api, all := cfg.Rules[0], cfg.Rules[1]
	if o := api.Origins[1]; o.Text != "https://*.app.test" || o.Pos.Path != "$.rules[0].origins[1]" || o.Pos.Line != 6 {
		t.Errorf("origin %+v, want https://*.app.test at $.rules[0].origins[1], line 6", o)
	}
	// "/api/*" covers "/api/" and everything under it, not "/api".
	if api.Name != "api" || len(api.Paths) != 1 || api.Paths[0] != "/api" || !strings.Contains(api.PathNote, `but not "/api" itself`) {
		t.Errorf("rule 0: name %q, paths %v (%s)", api.Name, api.Paths, api.PathNote)
	}
	if !api.Credentials || api.CredentialsPos.Line != 8 {
		t.Errorf("rule 0: credentials %v at %+v, want true at line 8", api.Credentials, api.CredentialsPos)
	}
	// "pass" hands an unmatched preflight to the application.
	if all.Paths != nil || !all.PreflightPass || all.Pos.Path != "$.rules[1]" {
		t.Errorf("rule 1 = %+v", all)
	}
	short, err := rd.ReadRules(`{"origins": ["https://app.test"]}`)
	if err != nil || short.Rules[0].Origins[0].Pos.Path != "$.origins[0]" {
		t.Errorf("the one-rule form: %+v, %v", short, err)
	}

	// convert.Writer and FromPortable: the portable "/api" covers "/api"
	// and below, which native says with the exact path and the prefix;
	// max-age above 86400 is lowered to native's limit, with a note.
	w, ok := f.(convert.Writer)
	if !ok {
		t.Fatal("not a convert.Writer")
	}
	age := 90000
	p := portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test"}, Paths: []string{"/api"}, MaxAge: &age}}}
	n := &portable.Notes{}
	out, err := w.WriteRules(p, []string{"api"}, n)
	if err != nil {
		t.Fatal(err)
	}
	q, err := native.Parse(out)
	if err != nil {
		t.Fatalf("the written policy is refused: %v\n%s", err, out)
	}
	rules := q.Rules()
	if len(rules) != 2 || rules[0].Path != "/api" || rules[1].Path != "/api/*" || *rules[0].MaxAge != native.MaxAgeLimit || rules[0].Name != "api" {
		t.Errorf("WriteRules wrote %+v", rules)
	}
	if notes := n.List(); len(notes) != 1 || notes[0].Field != "max_age" || notes[0].Effect != portable.Same {
		t.Errorf("notes %+v, want one on max_age", notes)
	}
	// Any origin with credentials is refused ("*" origins with
	// credentials are refused, the package doc).
	n = &portable.Notes{}
	_, err = native.FromPortable(portable.Policy{Rules: []portable.Rule{{Origins: []string{"*"}, Credentials: true}}}, nil, n)
	var refusal *portable.Refusal
	if !errors.As(err, &refusal) || !strings.Contains(refusal.Msg, "rule 1 origins") {
		t.Errorf("FromPortable of * with credentials: %v, want a *portable.Refusal naming rule 1 origins", err)
	}

	// fix.Editor: one more origin in the user's own text.
	ed, ok := f.(fix.Editor)
	if !ok {
		t.Fatal("not a fix.Editor")
	}
	edited, err := ed.EditText(`{"origins": ["https://app.test"], "methods": ["PUT"]}`, fix.Edit{Op: fix.Add, Field: fix.Methods, Values: []string{"DELETE"}})
	if err != nil || edited != `{"origins": ["https://app.test"], "methods": ["PUT", "DELETE"]}` {
		t.Errorf("EditText = %q, %v", edited, err)
	}
	if got := ed.FileName(); got != "cors.json" {
		t.Errorf("FileName = %q", got)
	}

	if p, ok := f.(lint.Platformer); !ok || p.Platform() != "the native policy" {
		t.Errorf("Platformer: %v", ok)
	}
	if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "engine/native package doc") {
		t.Errorf("Documented: %v", ok)
	}
}
