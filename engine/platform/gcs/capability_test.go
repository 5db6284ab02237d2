package gcs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/gcs"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// One entry, "https://app.test" may GET and PUT and send X-Api-Key, cached
// an hour, in each form of §3 of shared/reference/cloud-policies.md.
var forms = []struct {
	name, text, entryPath, file string
	entryLine                   int
	writes                      bool // a conversion target
}{
	{name: "gcs-json", file: "cors.json", writes: true, entryPath: "$[0]", entryLine: 2,
		text: "[\n {\"origin\": [\"https://app.test\"], \"method\": [\"GET\", \"PUT\"], \"responseHeader\": [\"X-Api-Key\"], \"maxAgeSeconds\": 3600}\n]"},
	{name: "gcs-xml", file: "cors.xml", entryPath: "CorsConfig/Cors[1]", entryLine: 2,
		text: "<CorsConfig>\n <Cors>\n  <Origins><Origin>https://app.test</Origin></Origins>\n  <Methods><Method>GET</Method><Method>PUT</Method></Methods>\n" +
			"  <ResponseHeaders><ResponseHeader>X-Api-Key</ResponseHeader></ResponseHeaders>\n  <MaxAgeSec>3600</MaxAgeSec>\n </Cors>\n</CorsConfig>"},
}

func lookup(t *testing.T, name string) policy.Format {
	t.Helper()
	return postest.Lookup(t, gcs.Formats(), name)
}

// TestCapabilities calls each capability the engine finds by type
// assertion through the format values of gcs.Formats().
func TestCapabilities(t *testing.T) {
	if got := len(gcs.Formats()); got != len(forms) {
		t.Fatalf("%d formats, want the %d forms of cloud-policies.md §3 this package reads", got, len(forms))
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			f := lookup(t, tc.name)

			// convert.Reader: GCS picks the first entry by origin and
			// method, headers play no part (§0 item 1, §3), and compares
			// every origin but "*" literally (§3, partial wildcards
			// undocumented); responseHeader serves as both the allowed
			// and the exposed headers (§3, [UNVERIFIED]).
			rd, ok := f.(convert.Reader)
			if !ok {
				t.Fatal("not a convert.Reader")
			}
			cfg, err := rd.ReadRules(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			wantSem := portable.Semantics{MethodSelects: true, Origins: portable.OriginsLiteral}
			if cfg.Format != tc.name || cfg.Semantics != wantSem || len(cfg.Rules) != 1 || len(cfg.Rejects) != 0 {
				t.Fatalf("ReadRules = %+v", cfg)
			}
			r := cfg.Rules[0]
			if r.Pos.Path != tc.entryPath || r.Pos.Line != tc.entryLine {
				t.Errorf("entry at %+v, want %s line %d", r.Pos, tc.entryPath, tc.entryLine)
			}
			if len(r.Origins) != 1 || r.Origins[0].Text != "https://app.test" || len(r.Methods) != 2 ||
				len(r.AllowHeaders) != 1 || len(r.ExposeHeaders) != 1 || r.ExposeHeaders[0].Text != "X-Api-Key" {
				t.Errorf("rule %+v", r)
			}
			if r.MaxAge == nil || *r.MaxAge != 3600 || r.Credentials {
				t.Errorf("max age %v credentials %v, want 3600 and none (GCS sends no ACAC, §3 [UNVERIFIED])", r.MaxAge, r.Credentials)
			}

			// convert.ModelReader, and the gcloud list's
			// convert.ModelWriter: the same entry, field for field.
			m, err := f.(convert.ModelReader).ReadModel(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range forms {
				mw, ok := lookup(t, to.name).(convert.ModelWriter)
				if ok != to.writes {
					t.Fatalf("%s is a convert.ModelWriter: %v, want %v", to.name, ok, to.writes)
				}
				if !ok {
					continue
				}
				out, ok, err := mw.WriteModel(m)
				if !ok || err != nil {
					t.Fatalf("WriteModel to %s: ok %v, %v", to.name, ok, err)
				}
				back, err := gcs.Parse(gcs.Form(to.name), out)
				if err != nil || len(back.Entries) != 1 || strings.Join(back.Entries[0].Method, ",") != "GET,PUT" ||
					back.Entries[0].ResponseHeader[0] != "X-Api-Key" || *back.Entries[0].MaxAgeSeconds != 3600 {
					t.Errorf("WriteModel to %s = %q, %v", to.name, out, err)
				}
			}

			// fix.Editor: one more origin in the user's own text; GCS has
			// no credentials field to enable (§3 lists origin, method,
			// responseHeader, maxAgeSeconds).
			ed, ok := f.(fix.Editor)
			if !ok {
				t.Fatal("not a fix.Editor")
			}
			out, err := ed.EditText(tc.text, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://new.test"}})
			if err != nil || !strings.Contains(out, "https://new.test") || !strings.Contains(out, "https://app.test") {
				t.Errorf("EditText = %q, %v", out, err)
			} else if again, err := rd.ReadRules(out); err != nil || len(again.Rules[0].Origins) != 2 {
				t.Errorf("the edited text reads as %+v, %v", again, err)
			}
			if _, err := ed.EditText(tc.text, fix.Edit{Op: fix.Enable, Rule: 0, Field: fix.Credentials}); !errors.Is(err, fix.ErrUnsupported) {
				t.Errorf("enabling credentials: %v, want fix.ErrUnsupported", err)
			}
			if got := ed.FileName(); got != tc.file {
				t.Errorf("FileName = %q, want %q", got, tc.file)
			}

			// lint.Platformer and explain.Documented.
			if p, ok := f.(lint.Platformer); !ok || p.Platform() != "GCS" {
				t.Errorf("Platformer: %v", ok)
			}
			if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "cloud-policies.md §3") {
				t.Errorf("Documented: %v", ok)
			}

			if _, isWriter := f.(convert.Writer); isWriter != tc.writes {
				t.Errorf("convert.Writer %v, want %v", isWriter, tc.writes)
			}
		})
	}
}

// TestReadRulesPositions: in the JSON form each value is found at its
// line, for lint and the explainer to point at.
func TestReadRulesPositions(t *testing.T) {
	cfg, err := lookup(t, "gcs-json").(convert.Reader).ReadRules(forms[0].text)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rules[0]
	for _, v := range []portable.Value{r.Origins[0], r.Methods[1], r.AllowHeaders[0]} {
		if v.Pos.Line != 2 || v.Pos.Column < 2 || !strings.HasPrefix(v.Pos.Path, "$[0].") {
			t.Errorf("%q at %+v, want line 2 under $[0]", v.Text, v.Pos)
		}
	}
	if r.Methods[1].Pos.Path != "$[0].method[1]" || r.MaxAgePos.Path != "$[0].maxAgeSeconds" || r.MaxAgePos.Line != 2 {
		t.Errorf("method at %+v, max age at %+v", r.Methods[1].Pos, r.MaxAgePos)
	}
	// A text GCS refuses is an error, positioned.
	_, err = lookup(t, "gcs-json").(convert.Reader).ReadRules("[\n {\"origin\": \"*\", \"method\": [\"GET\"]}\n]")
	var faults policy.Errors
	if !errors.As(err, &faults) || faults[0].Path != "$[0].origin" || faults[0].Line != 2 {
		t.Errorf("err = %v, want a policy.Errors at $[0].origin, line 2", err)
	}
}

// TestWriteRules: a neutral rule as a GCS entry, with what GCS cannot say
// in notes (cloud-policies.md §3).
func TestWriteRules(t *testing.T) {
	age := 600
	p := portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test", "https://*.sub.test"}, Methods: []string{"PUT"},
		AllowHeaders: []string{"X-Api-Key"}, Credentials: true, MaxAge: &age}}}
	n := &portable.Notes{From: []int{0}}
	out, err := lookup(t, "gcs-json").(convert.Writer).WriteRules(p, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	// The safelisted methods first, since the portable form allows them
	// unlisted and GCS picks an entry by method (§3); the partial
	// wildcard left out, GCS takes none (§3).
	want := `[
  {
    "origin": [
      "https://app.test"
    ],
    "method": [
      "GET",
      "HEAD",
      "POST",
      "PUT"
    ],
    "responseHeader": [
      "X-Api-Key"
    ],
    "maxAgeSeconds": 600
  }
]`
	if out != want {
		t.Errorf("WriteRules =\n%s\nwant\n%s", out, want)
	}
	var fields []string
	for _, note := range n.List() {
		fields = append(fields, note.Field+":"+note.Effect)
	}
	// §3: no partial wildcard; one responseHeader list, so the allowed
	// header is exposed too; no Access-Control-Allow-Credentials.
	if got := strings.Join(fields, " "); got != "origins:narrower allow_headers:wider credentials:narrower" {
		t.Errorf("notes %s", got)
	}

	// A rule with no origin GCS can express, or for one path only (a
	// bucket's CORS covers every object), is refused.
	for _, r := range []portable.Rule{{Origins: []string{"https://*.sub.test"}}, {Origins: []string{"*"}, Paths: []string{"/api"}}} {
		_, err := lookup(t, "gcs-json").(convert.Writer).WriteRules(portable.Policy{Rules: []portable.Rule{r}}, nil, &portable.Notes{From: []int{0}})
		var refusal *portable.Refusal
		if !errors.As(err, &refusal) {
			t.Errorf("WriteRules(%+v) = %v, want a *portable.Refusal", r, err)
		}
	}
	if _, ok, _ := lookup(t, "gcs-json").(convert.ModelWriter).WriteModel("not a model"); ok {
		t.Error("WriteModel accepted a model it does not hold")
	}
}

// TestOneListWidensNoSafelistedName: GCS's one responseHeader list
// exposes an allowed request header too, which widens nothing for a
// name every page may read anyway (a CORS-safelisted response-header
// name, Fetch: Content-Type among them). Tried as a new user would,
// allowing content-type alone was refused as a widening.
func TestOneListWidensNoSafelistedName(t *testing.T) {
	for _, tc := range []struct {
		desc  string
		allow []string
		wider bool
	}{
		{desc: "content-type: readable anyway", allow: []string{"content-type"}},
		{desc: "x-api-key: now exposed", allow: []string{"x-api-key"}, wider: true},
	} {
		p := portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test"}, Methods: []string{"PUT"}, AllowHeaders: tc.allow}}}
		n := &portable.Notes{From: []int{0}}
		if _, err := lookup(t, "gcs-json").(convert.Writer).WriteRules(p, nil, n); err != nil {
			t.Fatal(err)
		}
		wider := false
		for _, note := range n.List() {
			wider = wider || note.Field == "allow_headers" && note.Effect == portable.Wider
		}
		if wider != tc.wider {
			t.Errorf("%s: wider %v, want %v (%+v)", tc.desc, wider, tc.wider, n.List())
		}
	}
}
