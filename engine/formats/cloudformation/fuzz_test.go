package cloudformation_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/cloudformation"
	"github.com/whycors/whycors/engine/policy"
)

// FuzzRead: no input panics the reader, and every fault of a rejected
// input is positioned inside the text (a line and column that exist).
func FuzzRead(f *testing.F) {
	for _, name := range []string{"sam-app.yaml", "s3-bucket.yaml", "apigwv2.yaml", "cdk-synth.template.json", "sam-globals.yaml", "gateway-response.yaml", "cloudfront-policy.yaml", "bucket.template.json"} {
		f.Add(readFile(f, name))
	}
	f.Add("Resources:\n  A: &a\n    Type: AWS::S3::Bucket\n  B: *a\n")
	f.Add("a: &x [*x]\n")
	f.Add(`{"Resources": {"A": {"Type": "AWS::Serverless::Api", "Properties": {"Cors": {"Fn::Sub": "'${AWS::Region}'"}}}}}`)
	f.Fuzz(func(t *testing.T, text string) {
		ev, err := cloudformation.Read(policy.Source{Text: text})
		if err == nil {
			ev.Respond(request("GET", "https://a.s3.amazonaws.com/x", "https://a.example", "PUT", "x-a"), policy.Reply{Status: 200})
			return
		}
		var es policy.Errors
		if !errors.As(err, &es) || len(es) == 0 {
			t.Fatalf("err %v (%T), want policy.Errors", err, err)
		}
		// YAML's line breaks are "\n", "\r\n" and a lone "\r".
		lines := strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\n") + strings.Count(strings.ReplaceAll(text, "\r\n", "\n"), "\r") + 2
		for _, e := range es {
			if e.Line < 1 || e.Line > lines || e.Column < 1 {
				t.Fatalf("fault %q at %d:%d, outside the text of %d lines", e.Msg, e.Line, e.Column, lines)
			}
		}
	})
}

// FuzzEdit: an edit of a template that reads either fails or gives a
// template that still reads, with the value in the resource's block.
func FuzzEdit(f *testing.F) {
	for _, name := range []string{"s3-bucket.yaml", "apigwv2.yaml", "bucket.template.json", "sam-globals.yaml", "gateway-response.yaml", "function-url.template.json", "cloudfront-only.yaml"} {
		f.Add(readFile(f, name), uint8(0))
	}
	f.Fuzz(func(t *testing.T, text string, which uint8) {
		if _, err := cloudformation.Read(policy.Source{Text: text}); err != nil {
			return
		}
		// A value each platform takes in that field.
		fields := []string{fix.Origins, fix.Methods, fix.AllowHeaders}
		values := []string{"https://fuzz.example", "DELETE", "x-fuzz-value"}
		k := int(which/3) % 3
		e := fix.Edit{Op: fix.Add, Rule: int(which % 3), Field: fields[k], Values: []string{values[k]}}
		out, err := fix.Apply(cloudformation.Formats()[0], text, e)
		if err != nil {
			return
		}
		if _, err := cloudformation.Read(policy.Source{Text: out}); err != nil {
			t.Fatalf("the edited template does not read: %v\n%s", err, out)
		}
		if !strings.Contains(out, values[k]) {
			t.Fatalf("the value is not in the text:\n%s", out)
		}
	})
}
