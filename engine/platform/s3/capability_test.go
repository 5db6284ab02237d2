package s3_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// One rule, "https://app.test" may GET, in each form of §1.1 of
// shared/reference/cloud-policies.md, with the path of its origin.
var forms = []struct {
	name, text, originPath, file string
	writes                       bool // a conversion target
}{
	{name: "s3-xml", file: "cors.xml", writes: true, originPath: "CORSConfiguration/CORSRule[1]/AllowedOrigin[1]",
		text: "<CORSConfiguration>\n <CORSRule>\n  <AllowedOrigin>https://app.test</AllowedOrigin>\n  <AllowedMethod>GET</AllowedMethod>\n </CORSRule>\n</CORSConfiguration>"},
	{name: "s3-json", file: "cors.json", writes: true, originPath: "$[0].AllowedOrigins[0]",
		text: `[{"AllowedOrigins": ["https://app.test"], "AllowedMethods": ["GET"]}]`},
	{name: "s3-cli", file: "cors.json", writes: true, originPath: "$.CORSRules[0].AllowedOrigins[0]",
		text: `{"CORSRules": [{"AllowedOrigins": ["https://app.test"], "AllowedMethods": ["GET"]}]}`},
	{name: "s3-cloudformation", file: "cors.json", originPath: "$.CorsConfiguration.CorsRules[0].AllowedOrigins[0]",
		text: `{"CorsConfiguration": {"CorsRules": [{"AllowedOrigins": ["https://app.test"], "AllowedMethods": ["GET"]}]}}`},
}

func lookup(t *testing.T, name string) policy.Format {
	t.Helper()
	return postest.Lookup(t, s3.Formats(), name)
}

// TestCapabilities calls each capability the engine finds by type
// assertion through the format values of s3.Formats().
func TestCapabilities(t *testing.T) {
	if got := len(s3.Formats()); got != len(forms) {
		t.Fatalf("%d formats, want the %d forms of cloud-policies.md §1.1 this package reads", got, len(forms))
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			f := lookup(t, tc.name)

			// convert.Reader: S3's semantics (cloud-policies.md §0 items
			// 1, 3, 5, 7; §1.2 for OPTIONS) and the credentials S3 sends
			// for an origin list without "*" (§0 item 4).
			rd, ok := f.(convert.Reader)
			if !ok {
				t.Fatal("not a convert.Reader")
			}
			cfg, err := rd.ReadRules(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			wantSem := portable.Semantics{MethodSelects: true, HeaderFallThrough: true, EchoHeaders: true, VaryOnMissOnly: true, OptionsRejected: true, Origins: portable.OriginsGlob}
			if cfg.Format != tc.name || cfg.Semantics != wantSem || len(cfg.Rules) != 1 || len(cfg.Rejects) != 0 {
				t.Fatalf("ReadRules = %+v", cfg)
			}
			r := cfg.Rules[0]
			if o := r.Origins[0]; o.Text != "https://app.test" || o.Pos.Path != tc.originPath || o.Pos.Line == 0 {
				t.Errorf("origin %+v, want https://app.test at %s", o, tc.originPath)
			}
			if !r.Credentials || !r.CredentialsImplied {
				t.Errorf("credentials %v implied %v, want S3's implied true (§0 item 4)", r.Credentials, r.CredentialsImplied)
			}

			// convert.ModelReader, and each target's convert.ModelWriter:
			// the same rule in every form S3 writes (§1.1).
			m, err := f.(convert.ModelReader).ReadModel(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			for _, to := range forms {
				mw, ok := lookup(t, to.name).(convert.ModelWriter)
				if !ok {
					if to.writes {
						t.Errorf("%s is not a convert.ModelWriter", to.name)
					}
					continue
				}
				out, ok, err := mw.WriteModel(m)
				if !ok || err != nil || !strings.Contains(out, "https://app.test") || !strings.Contains(out, "GET") {
					t.Errorf("WriteModel to %s = %q, %v, %v", to.name, out, ok, err)
				}
			}

			// fix.Editor: one more origin in the user's own text; the file
			// name for the diff.
			ed, ok := f.(fix.Editor)
			if !ok {
				t.Fatal("not a fix.Editor")
			}
			out, err := ed.EditText(tc.text, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://new.test"}})
			if err != nil || !strings.Contains(out, "https://new.test") || !strings.Contains(out, "https://app.test") {
				t.Errorf("EditText = %q, %v", out, err)
			}
			if got := ed.FileName(); got != tc.file {
				t.Errorf("FileName = %q, want %q", got, tc.file)
			}

			// lint.Platformer and explain.Documented.
			if p, ok := f.(lint.Platformer); !ok || p.Platform() != "S3" {
				t.Errorf("Platformer: %v", ok)
			}
			if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "cloud-policies.md §1.3") {
				t.Errorf("Documented: %v", ok)
			}

			_, isWriter := f.(convert.Writer)
			if isWriter != tc.writes {
				t.Errorf("convert.Writer %v, want %v", isWriter, tc.writes)
			}
		})
	}
}

// TestReadRulesRejects: what PutBucketCors refuses is reported as the
// Config's Rejects, positioned, with the rules still read so that lint
// can say why (cloud-policies.md §1.2: OPTIONS, aws/aws-sdk-js#3667).
func TestReadRulesRejects(t *testing.T) {
	cfg, err := lookup(t, "s3-json").(convert.Reader).ReadRules(`[{"AllowedOrigins":["*"],"AllowedMethods":["GET","OPTIONS"]}]`)
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Rules) != 1 || len(cfg.Rejects) != 1 || cfg.Rejects[0].Path != "$[0].AllowedMethods[1]" ||
		cfg.Rejects[0].Msg != "Found unsupported HTTP method in CORS config. Unsupported method is OPTIONS" {
		t.Errorf("ReadRules = %+v, rejects %v", cfg, cfg.Rejects)
	}
	if cfg.Rules[0].Credentials {
		t.Error(`a "*" rule gets no credentials from S3 (§0 item 4)`)
	}
	// A text that is not the form at all is an error, positioned.
	_, err = lookup(t, "s3-json").(convert.Reader).ReadRules(`[{"AllowedOrigins":["*"] "AllowedMethods":["GET"]}]`)
	var faults policy.Errors
	if !errors.As(err, &faults) || faults[0].Line != 1 {
		t.Errorf("err = %v, want a positioned policy.Errors", err)
	}
}

// TestWriteRules: the neutral rule "https://app.test may PUT" as S3
// states it, with what differs said in notes.
func TestWriteRules(t *testing.T) {
	p := portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test"}, Methods: []string{"PUT"}, ExposeHeaders: []string{"*"}}}}
	n := &portable.Notes{From: []int{0}}
	out, err := lookup(t, "s3-json").(convert.Writer).WriteRules(p, []string{"upload"}, n)
	if err != nil {
		t.Fatal(err)
	}
	// The safelisted methods first, since the portable form allows them
	// unlisted and S3 picks a rule by method (§1.3); "*" in ExposeHeader
	// left out, S3 refuses it (§1.2).
	want := `[
  {
    "ID": "upload",
    "AllowedMethods": [
      "GET",
      "HEAD",
      "POST",
      "PUT"
    ],
    "AllowedOrigins": [
      "https://app.test"
    ]
  }
]`
	if out != want {
		t.Errorf("WriteRules =\n%s\nwant\n%s", out, want)
	}
	var fields []string
	for _, note := range n.List() {
		fields = append(fields, note.Field+":"+note.Effect)
	}
	// §1.2 (ExposeHeader "*"), §0 item 4 (credentials with an echoed
	// origin), §0 item 5 (Vary only on a match).
	if got := strings.Join(fields, " "); got != "expose_headers:narrower credentials:wider :same" {
		t.Errorf("notes %s", got)
	}

	// A per-path rule is refused: a bucket's CORS covers every key.
	p.Rules[0].Paths = []string{"/api"}
	if _, err := lookup(t, "s3-xml").(convert.Writer).WriteRules(p, nil, &portable.Notes{From: []int{0}}); err == nil {
		t.Error("WriteRules wrote a per-path rule")
	}
}

// TestWriteModelValidates: a model S3 refuses is not written, and a model
// that is not S3's is not S3's to write.
func TestWriteModelValidates(t *testing.T) {
	mw := lookup(t, "s3-xml").(convert.ModelWriter)
	c := &s3.Configuration{Rules: []s3.Rule{{AllowedOrigins: []string{"*"}, AllowedMethods: []string{"PATCH"}}}}
	if _, ok, err := mw.WriteModel(c); !ok || err == nil {
		t.Errorf("WriteModel of PATCH: ok %v err %v, want S3's refusal (§1.2)", ok, err)
	}
	if _, ok, _ := mw.WriteModel("not a model"); ok {
		t.Error("WriteModel accepted a model it does not hold")
	}
}
