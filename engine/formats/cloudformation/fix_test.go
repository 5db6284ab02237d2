package cloudformation_test

import (
	"errors"
	"flag"
	"os"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

var update = flag.Bool("update", false, "rewrite the golden diffs and example outputs")

// TestFixDiffs: each fix is a splice of the user's own template, checked
// as a diff against a golden file (read by us, line by line: only the
// changed value, in the list's own form, quoting and indentation), and
// the edited template still reads with the new value in place.
func TestFixDiffs(t *testing.T) {
	for _, tc := range []struct {
		desc, file, golden string
		resource           string
		edit               fix.Edit
		wantErr            error
	}{
		{desc: "YAML block list with a !Ref and an !If item: one more '- ' line, plain like its neighbours",
			file: "s3-bucket.yaml", golden: "s3-add-origin.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://admin.example.com"}}},
		{desc: "YAML flow list stays a flow list",
			file: "s3-bucket.yaml", golden: "s3-add-method.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"DELETE"}}},
		{desc: "a missing list goes after the rule's last line, in the form and quotes of the rule's other list",
			file: "s3-bucket.yaml", golden: "s3-insert-headers.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 1, Field: fix.AllowHeaders, Values: []string{"x-amz-meta-owner"}}},
		{desc: "YAML flow list of single-quoted values keeps its quotes",
			file: "apigwv2.yaml", golden: "http-add-header.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"x-api-key"}}},
		{desc: "YAML block list of plain values",
			file: "apigwv2.yaml", golden: "http-add-method.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"DELETE"}}},
		{desc: "a value from !Ref is not edited: the parameter is",
			file: "apigwv2.yaml", edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://c.example.com"}}, wantErr: errors.New("intrinsic")},
		{desc: "JSON list with its items on their own lines",
			file: "bucket.template.json", golden: "json-add-origin.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://admin.example.com"}}},
		{desc: "JSON list on one line",
			file: "bucket.template.json", golden: "json-add-method.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"PUT"}}},
		{desc: "JSON: a missing list goes after the rule's last member",
			file: "bucket.template.json", golden: "json-insert-headers.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"content-type"}}},
		{desc: "SAM: one more name inside the quoted comma list",
			file: "gateway-response.yaml", golden: "sam-add-header.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"X-Request-Id"}}},
		{desc: "SAM: the one static origin is replaced, SAM's quotes kept",
			file: "gateway-response.yaml", golden: "sam-replace-origin.diff",
			edit: fix.Edit{Op: fix.Replace, Rule: 0, Field: fix.Origins, Old: "https://app.example.com", Values: []string{"https://www.example.com"}}},
		{desc: "SAM: Globals' Cors string is the origin",
			file: "sam-globals.yaml", golden: "sam-globals-origin.diff",
			edit: fix.Edit{Op: fix.Replace, Rule: 0, Field: fix.Origins, Old: "https://shop.example.com", Values: []string{"https://www.example.com"}}},
		{desc: "SAM: without AllowMethods SAM lists the path's methods; naming one would drop the others",
			file: "gateway-response.yaml", edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"PUT"}}, wantErr: fix.ErrUnsupported},
		{desc: "function URL (JSON): one more method in a one-line list",
			file: "function-url.template.json", golden: "lambda-add-method.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"POST"}}},
		{desc: "function URL (JSON): credentials enabled, a member after the last",
			file: "function-url.template.json", golden: "lambda-enable-credentials.diff",
			edit: fix.Edit{Op: fix.Enable, Rule: 0, Field: fix.Credentials, Values: []string{"true"}}},
		{desc: "CloudFront: one more origin in the Items block list",
			file: "cloudfront-only.yaml", golden: "cloudfront-add-origin.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://m.example.com"}}},
		{desc: "CloudFront: credentials false becomes true in place",
			file: "cloudfront-only.yaml", golden: "cloudfront-enable-credentials.diff",
			edit: fix.Edit{Op: fix.Enable, Rule: 0, Field: fix.Credentials, Values: []string{"true"}}},
		{desc: "plain REST API: one more name inside the OPTIONS mock's quoted Access-Control-Allow-Headers (method 0, ItemsOptions)",
			file: "rest-api.yaml", golden: "rest-add-header.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"X-Request-Id"}}},
		{desc: "plain REST API: the OPTIONS mock's one static origin replaced, its quotes kept",
			file: "rest-api.yaml", golden: "rest-replace-origin.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Origins, Values: []string{"https://www.example.com"}}},
		{desc: "plain REST API: a non-proxy method's 200 integration response origin (method 2, CreateItem)",
			file: "rest-api.yaml", golden: "rest-nonproxy-origin.diff",
			edit: fix.Edit{Op: fix.Replace, Rule: 2, Field: fix.Origins, Old: "https://app.example.com", Values: []string{"https://www.example.com"}}},
		{desc: "plain REST API: a Lambda proxy's headers are its function's, not the template's",
			file: "rest-api.yaml", edit: fix.Edit{Op: fix.Add, Rule: 1, Field: fix.Origins, Values: []string{"https://www.example.com"}}, wantErr: fix.ErrUnsupported},
		{desc: "plain REST API: a header the mock does not map is mapped and declared in its method response (YAML, two splices)",
			file: "rest-no-headers.yaml", golden: "rest-insert-header.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.AllowHeaders, Values: []string{"content-type"}}},
		{desc: "plain REST API: a non-proxy 200 without ResponseParameters gets them, with the origin, in both responses (method 4, UpdateItem)",
			file: "rest-api.yaml", golden: "rest-insert-origin.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 4, Field: fix.Origins, Values: []string{"https://app.example.com"}}},
		{desc: "cdk synth JSON: credentials mapped as 'true' and declared in the 204 method response",
			file: "cdk-rest.template.json", golden: "cdk-rest-insert-credentials.diff",
			edit: fix.Edit{Op: fix.Enable, Rule: 0, Field: fix.Credentials, Values: []string{"true"}}},
		{desc: "cdk synth JSON: the {proxy+} OPTIONS mock's methods, inside the JSON string's quotes (method 1)",
			file: "cdk-rest.template.json", golden: "cdk-rest-add-method.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 1, Field: fix.Methods, Values: []string{"PROPFIND"}}},
		{desc: "several resources answering by URL: which one is not in the text",
			file: "sam-app.yaml", edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"PUT"}}, wantErr: fix.ErrUnsupported},
		{desc: "several resources, the chosen one (policy.resource) edited",
			file: "sam-app.yaml", resource: "UploadFunction", golden: "sam-resource-add-method.diff",
			edit: fix.Edit{Op: fix.Add, Rule: 0, Field: fix.Methods, Values: []string{"PUT"}}},
	} {
		t.Run(tc.desc, func(t *testing.T) {
			f := cloudformation.Formats()[0]
			text := readFile(t, tc.file)
			out, err := fix.ApplySource(f, policy.Source{Text: text, Resource: tc.resource}, tc.edit)
			if tc.wantErr != nil {
				if err == nil || !errors.Is(err, tc.wantErr) && !strings.Contains(err.Error(), tc.wantErr.Error()) {
					t.Fatalf("err %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			diff := fix.Diff("a/"+tc.file, "b/"+tc.file, text, out)
			path := "testdata/fix/" + tc.golden
			if *update {
				if err := os.WriteFile(path, []byte(diff), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if want := readFile(t, "fix/"+tc.golden); diff != want {
				t.Errorf("diff:\n%s\nwant:\n%s", diff, want)
			}
			if _, err := f.(policy.SourceParser).ParseSource(policy.Source{Text: out, Resource: tc.resource}); err != nil {
				t.Errorf("the edited template does not read: %v", err)
			}
			if !strings.Contains(out, tc.edit.Values[0]) {
				t.Errorf("the edit's value is not in the text")
			}
		})
	}
}
