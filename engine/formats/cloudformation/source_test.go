package cloudformation_test

import (
	"errors"
	"testing"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

// TestSourceFiles: a template and its parameter file (the CLI's
// ParameterKey/ParameterValue list) as policy.files; --param wins over
// the file; a fault names the file it is in.
func TestSourceFiles(t *testing.T) {
	tmpl := policy.File{Name: "template.yaml", Text: readFile(t, "apigwv2.yaml")}
	params := policy.File{Name: "params.json", Text: `[{"ParameterKey": "Origins", "ParameterValue": "https://a.example.com,https://b.example.com"}]`}
	for _, tc := range []struct {
		desc     string
		src      policy.Source
		origin   string
		wantACAO string
		source   string
	}{
		{desc: "the parameter file gives the list", src: policy.Source{Files: []policy.File{tmpl, params}},
			origin: "https://b.example.com", wantACAO: "https://b.example.com", source: "aws cloudformation deploy --parameter-overrides file (ParameterKey, ParameterValue)"},
		{desc: "--param wins over the file", src: policy.Source{Files: []policy.File{tmpl, params}, Params: map[string]string{"Origins": "https://c.example.com"}},
			origin: "https://b.example.com", wantACAO: "", source: "design.md, The contract grows (policy.params)"},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			ev := parse(t, tc.src)
			o := ev.Respond(request("GET", "https://x.execute-api.eu-west-1.amazonaws.com/orders/1", tc.origin, "GET", ""), policy.Reply{})
			if acao, _ := o.Reply.Header.Get("Access-Control-Allow-Origin"); acao != tc.wantACAO {
				t.Errorf("ACAO %q, want %q (%s)", acao, tc.wantACAO, tc.source)
			}
			if o.DecidedBy == nil || o.DecidedBy.File != "template.yaml" {
				t.Errorf("DecidedBy %+v, want the file template.yaml", o.DecidedBy)
			}
		})
	}
	_, err := cloudformation.Read(policy.Source{Files: []policy.File{{Name: "bad.yaml", Text: "Resources:\n  A:\n    Type: AWS::S3::Bucket\n    Properties:\n      CorsConfiguration: {CorsRules: [{AllowedOrigins: ['*'], AllowedMethods: [TRACE]}]}\n"}, {Name: "p.json", Text: "[1"}}})
	var es policy.Errors
	if !errors.As(err, &es) || len(es) != 2 {
		t.Fatalf("err %v, want 2 faults", err)
	}
	for _, e := range es {
		if e.File == "" || e.Line == 0 {
			t.Errorf("fault %+v names no file or line", e)
		}
	}
}

// TestAnchors: an alias reads as its anchor, at the anchor's position;
// a << merge's keys come in, the mapping's own keys win.
func TestAnchors(t *testing.T) {
	text := `Metadata:
  Shared:
    Cors: &cors
      AllowOrigins: [https://a.example.com]
      AllowMethods: [GET]
      MaxAge: 60
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      CorsConfiguration:
        <<: *cors
        MaxAge: 120
`
	tpl, err := cloudformation.Read(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	c := tpl.Chosen().HTTP
	if len(c.AllowOrigins) != 1 || c.AllowOrigins[0] != "https://a.example.com" || *c.MaxAge != 120 {
		t.Fatalf("%+v", c)
	}
	cfg, err := registryFormat(t).(convert.Reader).ReadRules(text)
	if err != nil {
		t.Fatal(err)
	}
	if p := cfg.Rules[0].Origins[0].Pos; p.Line != 4 || p.Column != 22 {
		t.Errorf("origin at %d:%d, want the anchor's 4:22", p.Line, p.Column)
	}
}
