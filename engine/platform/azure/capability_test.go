package azure_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/internal/postest"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/azure"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// One rule, "https://app.test" may GET and PUT and send
// x-ms-blob-content-type, in each form of §4 of
// shared/reference/cloud-policies.md.
var forms = []struct {
	name, text, rulePath, originPath, file string
	writes                                 bool // a conversion target
}{
	{name: "azure-xml", file: "cors.xml", writes: true, rulePath: "Cors/CorsRule[1]", originPath: "Cors/CorsRule[1].AllowedOrigins[0]",
		text: "<Cors>\n  <CorsRule>\n    <AllowedOrigins>https://app.test</AllowedOrigins>\n    <AllowedMethods>GET,PUT</AllowedMethods>\n" +
			"    <AllowedHeaders>x-ms-blob-content-type</AllowedHeaders>\n    <ExposedHeaders>x-ms-*</ExposedHeaders>\n    <MaxAgeInSeconds>200</MaxAgeInSeconds>\n  </CorsRule>\n</Cors>"},
	{name: "azure-json", file: "cors.json", rulePath: "$.cors.corsRules[0]", originPath: "$.cors.corsRules[0].allowedOrigins[0]",
		text: "{\"cors\": {\"corsRules\": [\n  {\"allowedOrigins\": [\"https://app.test\"], \"allowedMethods\": [\"GET\", \"PUT\"],\n" +
			"   \"allowedHeaders\": [\"x-ms-blob-content-type\"], \"exposedHeaders\": [\"x-ms-*\"], \"maxAgeInSeconds\": 200}\n]}}"},
}

func lookup(t *testing.T, name string) policy.Format {
	t.Helper()
	return postest.Lookup(t, azure.Formats(), name)
}

// TestCapabilities calls each capability the engine finds by type
// assertion through the format values of azure.Formats().
func TestCapabilities(t *testing.T) {
	if got := len(azure.Formats()); got != len(forms) {
		t.Fatalf("%d formats, want the %d forms of cloud-policies.md §4 this package reads", got, len(forms))
	}
	for _, tc := range forms {
		t.Run(tc.name, func(t *testing.T) {
			f := lookup(t, tc.name)

			// convert.Reader: Azure selects by origin and method with no
			// fall-through on headers (§0 item 1, §4), a "*" in
			// AllowedHeaders lets any requested header through, and an
			// echoed origin comes with credentials (§4, Azurite).
			rd, ok := f.(convert.Reader)
			if !ok {
				t.Fatal("not a convert.Reader")
			}
			cfg, err := rd.ReadRules(tc.text)
			if err != nil {
				t.Fatal(err)
			}
			wantSem := portable.Semantics{MethodSelects: true, EchoHeaders: true, ExposeExpands: true, Origins: portable.OriginsLiteral}
			if cfg.Format != tc.name || cfg.Semantics != wantSem || len(cfg.Rules) != 1 || len(cfg.Rejects) != 0 {
				t.Fatalf("ReadRules = %+v", cfg)
			}
			r := cfg.Rules[0]
			if r.Pos.Path != tc.rulePath || r.Pos.Line != 2 {
				t.Errorf("rule at %+v, want %s line 2", r.Pos, tc.rulePath)
			}
			if o := r.Origins[0]; o.Text != "https://app.test" || o.Pos.Path != tc.originPath {
				t.Errorf("origin %+v, want https://app.test at %s", o, tc.originPath)
			}
			if len(r.Methods) != 2 || r.ExposeHeaders[0].Text != "x-ms-*" || r.MaxAge == nil || *r.MaxAge != 200 {
				t.Errorf("rule %+v", r)
			}
			if !r.Credentials || !r.CredentialsImplied {
				t.Errorf("credentials %v implied %v, want Azure's implied true for an echoed origin (§4)", r.Credentials, r.CredentialsImplied)
			}

			// convert.ModelReader, and the service properties XML's
			// convert.ModelWriter: the same rule, field for field.
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
				back, err := azure.Parse(azure.Form(to.name), out)
				if err != nil || len(back.Rules) != 1 || strings.Join(back.Rules[0].AllowedMethods, ",") != "GET,PUT" ||
					back.Rules[0].AllowedHeaders[0] != "x-ms-blob-content-type" || back.Rules[0].MaxAgeInSeconds != 200 {
					t.Errorf("WriteModel to %s = %q, %v", to.name, out, err)
				}
			}

			// fix.Editor: one more origin in the user's own text (a comma
			// list in the XML, Set Blob Service Properties); Azure has
			// no credentials field to enable (§4).
			ed, ok := f.(fix.Editor)
			if !ok {
				t.Fatal("not a fix.Editor")
			}
			out, err := ed.EditText(tc.text, fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://new.test"}})
			if err != nil {
				t.Fatal(err)
			}
			if again, err := rd.ReadRules(out); err != nil || len(again.Rules[0].Origins) != 2 || again.Rules[0].Origins[1].Text != "https://new.test" {
				t.Errorf("the edited text %q reads as %+v, %v", out, again, err)
			}
			if _, err := ed.EditText(tc.text, fix.Edit{Op: fix.Enable, Rule: 0, Field: fix.Credentials}); !errors.Is(err, fix.ErrUnsupported) {
				t.Errorf("enabling credentials: %v, want fix.ErrUnsupported", err)
			}
			if got := ed.FileName(); got != tc.file {
				t.Errorf("FileName = %q, want %q", got, tc.file)
			}

			// lint.Platformer and explain.Documented.
			if p, ok := f.(lint.Platformer); !ok || p.Platform() != "Azure" {
				t.Errorf("Platformer: %v", ok)
			}
			if d, ok := f.(explain.Documented); !ok || !strings.Contains(d.Doc(), "cloud-policies.md §4") {
				t.Errorf("Documented: %v", ok)
			}

			if _, isWriter := f.(convert.Writer); isWriter != tc.writes {
				t.Errorf("convert.Writer %v, want %v", isWriter, tc.writes)
			}
		})
	}
}

// TestReadRulesPositions: in the JSON form each value is found at its
// line; a "*" rule gets no credentials (§4's Vary table: ACAO *); a text
// Azure refuses is an error, positioned.
func TestReadRulesPositions(t *testing.T) {
	rd := lookup(t, "azure-json").(convert.Reader)
	cfg, err := rd.ReadRules(forms[1].text)
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Rules[0]
	for _, v := range []portable.Value{r.Origins[0], r.Methods[1], r.AllowHeaders[0], r.ExposeHeaders[0]} {
		if v.Pos.Line < 2 || v.Pos.Column < 2 {
			t.Errorf("%q at %+v, want its line and column", v.Text, v.Pos)
		}
	}
	star, err := rd.ReadRules(`{"corsRules":[{"allowedOrigins":["*"],"allowedMethods":["GET"],"allowedHeaders":[],"exposedHeaders":[],"maxAgeInSeconds":0}]}`)
	if err != nil || star.Rules[0].Credentials {
		t.Errorf("a \"*\" rule: %+v, %v, want no credentials", star, err)
	}
	_, err = rd.ReadRules("{\"corsRules\": [\n {\"allowedOrigins\": [\"*\"], \"allowedMethods\": [\"CONNECT\"], \"allowedHeaders\": [], \"exposedHeaders\": [], \"maxAgeInSeconds\": 0}]}")
	var faults policy.Errors
	if !errors.As(err, &faults) || faults[0].Path != "$.corsRules[0].allowedMethods" || faults[0].Line != 2 || faults[0].Code != "InvalidXmlNodeValue" {
		t.Errorf("err = %v, want InvalidXmlNodeValue at $.corsRules[0].allowedMethods, line 2 (§4: methods from DELETE, GET, HEAD, MERGE, POST, OPTIONS, PUT)", err)
	}
}

// TestWriteRules: a neutral rule as an Azure CorsRule, with what Azure
// cannot say in notes (cloud-policies.md §4).
func TestWriteRules(t *testing.T) {
	p := portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://app.test", "https://*.sub.test"}, Methods: []string{"PUT", "CONNECT"},
		AllowHeaders: []string{"x-ms-meta-a"}}}}
	n := &portable.Notes{From: []int{0}}
	out, err := lookup(t, "azure-xml").(convert.Writer).WriteRules(p, nil, n)
	if err != nil {
		t.Fatal(err)
	}
	// Comma-separated lists (Set Blob Service Properties, §4); the
	// safelisted methods first, since the portable form allows them
	// unlisted and Azure picks a rule by method; every element is
	// required, MaxAgeInSeconds included.
	want := `<Cors>
  <CorsRule>
    <AllowedOrigins>https://app.test</AllowedOrigins>
    <AllowedMethods>GET,HEAD,POST,PUT</AllowedMethods>
    <AllowedHeaders>x-ms-meta-a</AllowedHeaders>
    <ExposedHeaders></ExposedHeaders>
    <MaxAgeInSeconds>0</MaxAgeInSeconds>
  </CorsRule>
</Cors>
`
	if out != want {
		t.Errorf("WriteRules =\n%s\nwant\n%s", out, want)
	}
	var fields []string
	for _, note := range n.List() {
		fields = append(fields, note.Field+":"+note.Effect)
	}
	// §4: exact origins or "*" only; CONNECT is not an Azure method; an
	// echoed origin comes with credentials (Azurite, [UNVERIFIED]).
	if got := strings.Join(fields, " "); got != "origins:narrower methods:narrower credentials:wider" {
		t.Errorf("notes %s", got)
	}

	// Six rules: Azure allows five per service (§4), and Write's
	// validation says so.
	six := portable.Policy{}
	for i := 0; i < 6; i++ {
		six.Rules = append(six.Rules, portable.Rule{Origins: []string{"https://app" + string(rune('a'+i)) + ".test"}})
	}
	_, err = lookup(t, "azure-xml").(convert.Writer).WriteRules(six, nil, &portable.Notes{From: []int{0, 1, 2, 3, 4, 5}})
	if err == nil || !strings.Contains(err.Error(), "at most 5") {
		t.Errorf("six rules: %v, want Azure's limit of 5", err)
	}
	// A rule with no origin Azure can express is refused.
	_, err = lookup(t, "azure-xml").(convert.Writer).WriteRules(portable.Policy{Rules: []portable.Rule{{Origins: []string{"https://*.sub.test"}}}}, nil, &portable.Notes{From: []int{0}})
	var refusal *portable.Refusal
	if !errors.As(err, &refusal) {
		t.Errorf("a partial wildcard alone: %v, want a *portable.Refusal", err)
	}
	if _, ok, _ := lookup(t, "azure-xml").(convert.ModelWriter).WriteModel("not a model"); ok {
		t.Error("WriteModel accepted a model it does not hold")
	}
}
