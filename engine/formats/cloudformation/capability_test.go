package cloudformation_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// TestReadRules: the chosen resource's rules in the neutral model, each
// value at its line and column in the template, with its platform's
// semantics; StateRules states the same from the evaluator Parse made.
func TestReadRules(t *testing.T) {
	f := registryFormat(t)
	for _, tc := range []struct {
		desc, file     string
		wantRules      int
		origin         string // the first rule's first origin
		line, col      int    // where it is
		globs          bool   // S3's one-star origin patterns
		unsupportedWhy string // ReadRules' convert.Error, for a REST API
	}{
		{desc: "S3 rules, the origin from !Ref", file: "s3-bucket.yaml", wantRules: 2, origin: "https://app.example.com", line: 29, col: 17, globs: true},
		{desc: "an HTTP API's one rule, from a CommaDelimitedList left unresolved", file: "apigwv2.yaml", wantRules: 1, origin: "<unresolved !Ref Origins>", line: 14, col: 23},
		{desc: "a JSON template's bucket", file: "bucket.template.json", wantRules: 1, origin: "https://www.example.com", line: 11, col: 17, globs: true},
		{desc: "a REST API's static headers are no rule list", file: "gateway-response.yaml", unsupportedWhy: "static headers"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			text := readFile(t, tc.file)
			cfg, err := f.(convert.Reader).ReadRules(text)
			if tc.unsupportedWhy != "" {
				var ce *convert.Error
				if !errorsAs(err, &ce) || !strings.Contains(ce.Msg, tc.unsupportedWhy) {
					t.Fatalf("err %v, want a convert.Error saying %q", err, tc.unsupportedWhy)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ev, _ := f.Parse(text)
			st, ok := f.(convert.Stater).StateRules(ev, text)
			if !ok || len(st.Rules) != len(cfg.Rules) {
				t.Fatalf("StateRules %v %+v", ok, st)
			}
			if len(cfg.Rules) != tc.wantRules {
				t.Fatalf("%d rules, want %d", len(cfg.Rules), tc.wantRules)
			}
			o := cfg.Rules[0].Origins[0]
			if o.Text != tc.origin || o.Pos.Line != tc.line || o.Pos.Column != tc.col {
				t.Errorf("first origin %q at %d:%d, want %q at %d:%d", o.Text, o.Pos.Line, o.Pos.Column, tc.origin, tc.line, tc.col)
			}
			if (cfg.Semantics.Origins == portable.OriginsGlob) != tc.globs {
				t.Errorf("semantics %+v", cfg.Semantics)
			}
		})
	}
}

// TestTraps: what the verdict assumes for an unresolved value, and an S3
// '*' origin (no credentials), each at its position.
func TestTraps(t *testing.T) {
	f := registryFormat(t)
	for _, tc := range []struct {
		desc, file, code string
		line, col        int
		source           string
	}{
		{desc: "a parameter without Default", file: "apigwv2.yaml", code: "cfn-unresolved", line: 14, col: 23, source: "parameters-section-structure.html"},
		{desc: "S3 '*' answers no credentials", file: "s3-bucket.yaml", code: "cfn-s3-star-credentials", line: 38, col: 30, source: "cloud-policies.md §0 item 4"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			got := f.(lint.TextChecker).CheckText(readFile(t, tc.file))
			for _, x := range got {
				if x.Code == tc.code && x.Pos.Line == tc.line && x.Pos.Column == tc.col {
					return
				}
			}
			t.Errorf("no %s at %d:%d in %+v (%s)", tc.code, tc.line, tc.col, got, tc.source)
		})
	}
}

// TestLint: SAM's refusals reach lint positioned, through the registry.
func TestLint(t *testing.T) {
	text := "Resources:\n  Api:\n    Type: AWS::Serverless::Api\n    Properties:\n      Cors:\n        AllowOrigin: \"'*'\"\n        AllowCredentials: true\n"
	fs, err := lint.Lint(registry(), text, "auto")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range fs {
		if x.Line == 7 && strings.Contains(x.Message, "SAM refuses AllowCredentials") {
			return
		}
	}
	t.Errorf("no finding at line 7 for credentials with '*': %+v", fs)
}

// TestS3FormKeepsTemplates: engine/platform/s3's s3-cloudformation form
// still reads a whole template when named (its Detect leaves it to this
// format).
func TestS3FormKeepsTemplates(t *testing.T) {
	c, err := s3.Parse(s3.FormCloudFormation, readFile(t, "bucket.template.json"))
	if err != nil || len(c.Rules) != 1 || c.Rules[0].AllowedOrigins[0] != "https://www.example.com" {
		t.Fatalf("%v %+v", err, c)
	}
}

// TestDocumented: the explainer's reference and the format's own words.
func TestDocumented(t *testing.T) {
	f := registryFormat(t)
	if d := f.(explain.Documented).Doc(); !strings.Contains(d, "cloud-policies.md") {
		t.Errorf("Doc %q", d)
	}
}

func registryFormat(t *testing.T) policy.Format {
	f, ok := registry().Lookup("cloudformation")
	if !ok {
		t.Fatal("not registered")
	}
	return f
}

// TestConvertToItsOwnPlatform: a template's one S3 bucket converts to
// S3's own JSON rule for rule (convert.SourceModelReader), with no note:
// S3's rules picked by method and requested headers are kept as S3 keeps
// them, where the neutral form could not say them. A value the template
// leaves unresolved is not written: the neutral form converts it, with
// its note.
func TestConvertToItsOwnPlatform(t *testing.T) {
	reg := registry()
	text := readFile(t, "s3-bucket.yaml")
	out, notes, err := convert.Convert(reg, text, "cloudformation", "s3-json")
	if err != nil || len(notes) != 0 {
		t.Fatalf("%v, notes %+v", err, notes)
	}
	want, err := s3.Parse(s3.FormJSON, out)
	if err != nil {
		t.Fatalf("the output does not read: %v\n%s", err, out)
	}
	tpl, err := cloudformation.Read(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Rules) != len(tpl.Chosen().S3.Rules) {
		t.Errorf("%d rules written, the bucket has %d", len(want.Rules), len(tpl.Chosen().S3.Rules))
	}
	const unresolved = `Parameters:
  Origins:
    Type: CommaDelimitedList
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: !Ref Origins
            AllowedMethods: [GET]
`
	out, _, _ = convert.Convert(reg, unresolved, "cloudformation", "s3-json")
	if strings.Contains(out, "unresolved") {
		t.Errorf("a placeholder written:\n%s", out)
	}
}

// TestConvertUnknownMethods: a bucket rule whose every AllowedMethods
// value is a parameter without a Default answers nothing here
// (TestUnresolvedMethod), and no target can write its methods: written
// with none, native's rule gave it the safelisted methods, wider than the
// model, and S3's own JSON was "MalformedXML ... no AllowedMethod" (both
// tried as a new user would). Each conversion refuses, naming the
// parameter; with --param's value it converts.
func TestConvertUnknownMethods(t *testing.T) {
	reg := registry()
	const tpl = `Parameters:
  Methods:
    Type: CommaDelimitedList
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: ["https://app.example"]
            AllowedMethods: !Ref Methods
`
	for _, to := range []string{"native", "s3-json", "nginx"} {
		t.Run(to, func(t *testing.T) {
			out, _, err := convert.Convert(reg, tpl, "cloudformation", to)
			if err == nil || !strings.Contains(err.Error(), "AllowedMethods is !Ref Methods, which has no value here") {
				t.Errorf("err %v, out:\n%s", err, out)
			}
		})
	}
	out, _, err := convert.ConvertSource(reg, policy.Source{Text: tpl, Params: map[string]string{"Methods": "GET,PUT"}}, "cloudformation", "s3-json")
	if err != nil || !strings.Contains(out, `"PUT"`) {
		t.Errorf("with --param: %v\n%s", err, out)
	}
}
