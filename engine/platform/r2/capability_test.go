package r2_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/r2"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// One rule, "https://app.test" may GET, in each form R2 takes
// (shared/reference/cloud-policies.md §2 "Forms"), with the path of its
// origin.
var forms = []struct {
	name, text, originPath, file string
}{
	{name: "r2-api", file: "cors.json", originPath: "$.rules[0].allowed.origins[0]",
		text: `{"rules": [{"allowed": {"origins": ["https://app.test"], "methods": ["GET"]}}]}`},
	{name: "r2-json", file: "cors.json", originPath: "$[0].AllowedOrigins[0]",
		text: `[{"AllowedOrigins": ["https://app.test"], "AllowedMethods": ["GET"]}]`},
	{name: "r2-cli", file: "cors.json", originPath: "$.CORSRules[0].AllowedOrigins[0]",
		text: `{"CORSRules": [{"AllowedOrigins": ["https://app.test"], "AllowedMethods": ["GET"]}]}`},
	{name: "r2-xml", file: "cors.xml", originPath: "CORSConfiguration/CORSRule[1]/AllowedOrigin[1]",
		text: "<CORSConfiguration>\n <CORSRule>\n  <AllowedOrigin>https://app.test</AllowedOrigin>\n  <AllowedMethod>GET</AllowedMethod>\n </CORSRule>\n</CORSConfiguration>"},
}

func lookup(t *testing.T, fs []policy.Format, name string) policy.Format {
	t.Helper()
	return postest.Lookup(t, fs, name)
}

// TestCapabilities calls each capability the engine finds by type
// assertion through the format values of r2.Formats().
func TestCapabilities(t *testing.T) {
	if got := len(r2.Formats()); got != len(forms) {
		t.Fatalf("%d formats, want the %d forms of cloud-policies.md §2", got, len(forms))
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			f := lookup(t, r2.Formats(), tc.name)

			// convert.Reader: S3's semantics, which R2 is taken to
			// follow (§2, [UNVERIFIED]), and S3's credentials for an
			// origin list without "*" (§1.3 matched(rule)).
			cfg, err := f.(convert.Reader).ReadRules(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Format != tc.name || cfg.Semantics != s3.Semantics() || len(cfg.Rules) != 1 {
				t.Fatalf("ReadRules = %+v", cfg)
			}
			r := cfg.Rules[0]
			if o := r.Origins[0]; o.Text != "https://app.test" || o.Pos.Path != tc.originPath || o.Pos.Line == 0 {
				t.Errorf("origin %+v, want https://app.test at %s", o, tc.originPath)
			}
			if !r.Credentials || !r.CredentialsImplied {
				t.Errorf("credentials %v implied %v", r.Credentials, r.CredentialsImplied)
			}
			// Every position comes from the reader, line and column
			// included: nothing is left for a portable.Locator to fill.
			for _, vs := range [][]portable.Value{r.Origins, r.Methods, {{Pos: r.Pos}, {Pos: r.MaxAgePos}, {Pos: r.CredentialsPos}}} {
				for _, v := range vs {
					if v.Pos.Line == 0 || v.Pos.Path == "" {
						t.Errorf("position %+v without a line or path", v.Pos)
					}
				}
			}

			// convert.ModelReader into every R2 and S3 target's
			// convert.ModelWriter: R2 stores S3's model.
			m, err := f.(convert.ModelReader).ReadModel(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range append(r2.Formats(), s3.Formats()...) {
				mw, ok := to.(convert.ModelWriter)
				if !ok {
					continue
				}
				out, ok, err := mw.WriteModel(m)
				if !ok || err != nil || !strings.Contains(out, "https://app.test") {
					t.Errorf("WriteModel to %s = %q, %v, %v", to.Name(), out, ok, err)
				}
			}

			// convert.Writer: every R2 form is a target.
			if _, ok := f.(convert.Writer); !ok {
				t.Error("not a convert.Writer")
			}

			// fix.Editor.
			ed, ok := f.(fix.Editor)
			if !ok {
				t.Fatal("not a fix.Editor")
			}
			out, err := ed.EditText(tc.text, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"PUT"}})
			if err != nil || !strings.Contains(out, "PUT") || !strings.Contains(out, "GET") {
				t.Errorf("EditText = %q, %v", out, err)
			}
			if got := ed.FileName(); got != tc.file {
				t.Errorf("FileName = %q, want %q", got, tc.file)
			}

			if p, ok := f.(lint.Platformer); !ok || p.Platform() != "R2" {
				t.Errorf("Platformer: %v", ok)
			}
			if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "cloud-policies.md §2") {
				t.Errorf("Documented: %v", ok)
			}
		})
	}
}

// TestModelWriterValidatesAsR2: an S3 configuration S3 accepts but R2
// refuses (a wildcard port: cloudflare-docs#32888, 400 MalformedXML) is
// not written to an R2 form; one both accept is.
func TestModelWriterValidatesAsR2(t *testing.T) {
	m, err := lookup(t, s3.Formats(), "s3-json").(convert.ModelReader).ReadModel(`[{"AllowedOrigins":["http://localhost:*"],"AllowedMethods":["GET"]}]`)
	if err != nil {
		t.Fatal(err)
	}
	_, ok, err := lookup(t, r2.Formats(), "r2-api").(convert.ModelWriter).WriteModel(m)
	if !ok || err == nil || !strings.Contains(err.Error(), "MalformedXML") {
		t.Errorf("ok %v err %v, want R2's MalformedXML", ok, err)
	}
	if _, ok, _ := lookup(t, r2.Formats(), "r2-api").(convert.ModelWriter).WriteModel("not a model"); ok {
		t.Error("WriteModel accepted a model it does not hold")
	}
}

// TestWriteRules: the neutral rule "https://app.test may PUT" in R2's API
// shape, the notes naming R2.
func TestWriteRules(t *testing.T) {
	p := portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test"}, Methods: []string{"PUT"}}}}
	n := &portable.Notes{From: []int{0}}
	out, err := lookup(t, r2.Formats(), "r2-api").(convert.Writer).WriteRules(p, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "rules": [
    {
      "allowed": {
        "origins": [
          "https://app.test"
        ],
        "methods": [
          "GET",
          "HEAD",
          "POST",
          "PUT"
        ]
      }
    }
  ]
}`
	if out != want {
		t.Errorf("WriteRules =\n%s\nwant\n%s", out, want)
	}
	for _, note := range n.List() {
		if !strings.HasPrefix(note.Message, "R2 ") {
			t.Errorf("note %q does not name R2", note.Message)
		}
	}
	// MaxAgeSeconds at most 86400 (§2): refused, not written.
	age := 86401
	p.Rules[0].MaxAge = &age
	if _, err := lookup(t, r2.Formats(), "r2-xml").(convert.Writer).WriteRules(p, nil, &portable.Notes{From: []int{0}}); err == nil {
		t.Error("WriteRules wrote MaxAgeSeconds 86401")
	}
}
