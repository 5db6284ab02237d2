package terraform_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/policy"
)

// positioned fails t when a fault of a rejected text has no file or no
// line, or a line past the text's end.
func positioned(t *testing.T, text string, err error) {
	var errs policy.Errors
	if !errors.As(err, &errs) || len(errs) == 0 {
		t.Fatalf("error %v is not a policy.Errors", err)
	}
	lines := 1
	for i := 0; i < len(text); i++ {
		if text[i] == '\n' {
			lines++
		}
	}
	for _, e := range errs {
		if e.File == "" || e.Line < 1 || e.Line > lines || e.Column < 1 {
			t.Fatalf("fault without a place in the text: %+v (%d lines)", e, lines)
		}
	}
}

// FuzzHCL: any text is read or rejected with every fault in main.tf at a
// line of the text; nothing panics, and what reads answers a request.
func FuzzHCL(f *testing.F) {
	for _, dir := range []string{"s3", "s3-legacy", "apigw", "lambda", "cloudfront", "gcs", "azure", "multi"} {
		b, err := os.ReadFile(filepath.Join("testdata", dir, "main.tf"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("resource \"aws_s3_bucket\" \"b\" {\n  cors_rule {\n    allowed_origins = [\"${\"]\n  }\n}\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := terraform.ReadModule(policy.Source{Text: text})
		if err != nil {
			positioned(t, text, err)
			return
		}
		m.Respond(policy.Request{Method: "OPTIONS", URL: "https://acme-a.s3.amazonaws.com/"}, policy.Reply{Status: 200})
	})
}

// FuzzPlan: the same for the plan reader.
func FuzzPlan(f *testing.F) {
	for _, dir := range []string{"s3", "gcs", "azure", "cloudfront"} {
		b, err := os.ReadFile(filepath.Join("testdata", dir, "plan.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add(`{"format_version":"1.0","planned_values":{"root_module":{"resources":[{"type":"aws_s3_bucket","values":{"cors_rule":[{}]}}]}}}`)
	f.Fuzz(func(t *testing.T, text string) {
		m, err := terraform.ReadPlan(policy.Source{Text: text})
		if err != nil {
			positioned(t, text, err)
			return
		}
		m.Respond(policy.Request{Method: "GET", URL: "https://acme-a.s3.amazonaws.com/"}, policy.Reply{Status: 200})
	})
}
