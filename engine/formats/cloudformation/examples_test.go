package cloudformation_test

import (
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/explain"
	"github.com/whycors/whycors/engine/explain/advise"
)

// TestExamples: examples/sam-template.yaml and
// examples/cdk.out/NotesStack.template.json (where cdk synth writes a
// stack's template; outside examples/*.json, which are scenarios),
// explained as their scenarios
// (examples/*.json, whose policy text is the template file itself) ask,
// print what examples/*.txt holds (go test -update rewrites it). Each
// is blocked, the verdict names the resource and line that decided, and
// the fix is a diff of the template.
func TestExamples(t *testing.T) {
	for _, tc := range []struct {
		desc, template, scenario, output string
		wantDecided, wantFix             string
	}{
		{desc: "SAM HTTP API without the Authorization header", template: "sam-template.yaml", scenario: "sam-template.json", output: "sam-template.txt",
			wantDecided: "NotesApi", wantFix: "+          - authorization"},
		{desc: "SAM REST API whose Cognito authorizer refuses the caller, no gateway response", template: "sam-authorizer.yaml", scenario: "sam-authorizer.json", output: "sam-authorizer.txt",
			wantDecided: "ShopUsers", wantFix: "+        DEFAULT_4XX:"},
		{desc: "plain REST API whose Lambda proxy returns no Access-Control-Allow-Origin: the reply to return", template: "rest-api-lambda-proxy.yaml", scenario: "rest-api-lambda-proxy.json", output: "rest-api-lambda-proxy.txt",
			wantDecided: "GetOrders", wantFix: "+Access-Control-Allow-Origin: https://shop.example.com"},
		{desc: "cdk synth bucket without PUT", template: "cdk.out/NotesStack.template.json", scenario: "cdk-synth.json", output: "cdk-synth.txt",
			wantDecided: "UploadsBucketF2E4C1B0", wantFix: `+                "PUT"`},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			read := func(name string) string {
				b, err := os.ReadFile("../../../examples/" + name)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			s, err := explain.Decode([]byte(read(tc.scenario)))
			if err != nil {
				t.Fatal(err)
			}
			if s.Policy == nil || s.Policy.Text != read(tc.template) {
				t.Fatalf("%s's policy text is not %s", tc.scenario, tc.template)
			}
			v, err := explain.Explain(s, explain.Options{Formats: registry(), Advisor: advise.New()})
			if err != nil {
				t.Fatal(err)
			}
			if v.Allowed {
				t.Fatalf("allowed, want blocked")
			}
			out := explain.Text(v, explain.TextOptions{})
			if !strings.Contains(out, tc.wantFix) {
				t.Errorf("no fix %q in:\n%s", tc.wantFix, out)
			}
			if v.DecidedBy == nil || v.DecidedBy.Resource != tc.wantDecided {
				t.Errorf("decided by %+v, want %s", v.DecidedBy, tc.wantDecided)
			}
			path := "../../../examples/" + tc.output
			if *update {
				if err := os.WriteFile(path, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := read(tc.output); out != want {
				t.Errorf("output differs from examples/%s:\n%s", tc.output, out)
			}
		})
	}
}
