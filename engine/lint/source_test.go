package lint_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

// TestLintSource: a configuration of several files is linted as its
// platform reads it whole, and each finding names its file. The
// Terraform cases rest on Terraform's variable precedence
// (developer.hashicorp.com/terraform/language/values/variables,
// "Variable Definition Precedence"); the "*" trap on S3's answer to "*"
// without Access-Control-Allow-Credentials
// (docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html).
func TestLintSource(t *testing.T) {
	const mainTF = `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = var.origins
    allowed_methods = ["GET"]
  }
}
variable "origins" { type = list(string) }
`
	tests := []struct {
		desc   string
		src    policy.Source
		format string
		want   []string // "FILE:LINE code", each present
		not    []string // codes absent
	}{
		{desc: "main.tf alone: the variable has no value, a warning of its own code, not a refusal",
			src: policy.Source{Files: []policy.File{{Name: "main.tf", Text: mainTF}}}, format: "terraform",
			want: []string{"main.tf:4 terraform-unresolved"}, not: []string{"rejected"}},
		{desc: "with terraform.tfvars: the value is read, and its trap filed in the tfvars at its line",
			src:  policy.Source{Files: []policy.File{{Name: "main.tf", Text: mainTF}, {Name: "terraform.tfvars", Text: "\norigins = [\"*\"]\n"}}},
			want: []string{"terraform.tfvars:2 terraform-star-origin-credentials"}, not: []string{"terraform-unresolved", "rejected"}},
		{desc: "-var (Params) over terraform.tfvars",
			src: policy.Source{Files: []policy.File{{Name: "main.tf", Text: mainTF}, {Name: "terraform.tfvars", Text: "origins = [\"*\"]\n"}}, Params: map[string]string{"origins": `["https://app.example"]`}},
			not: []string{"terraform-star-origin-credentials", "terraform-unresolved"}},
		{desc: "a directive covers its own file's finding",
			src: policy.Source{Files: []policy.File{{Name: "main.tf", Text: mainTF}, {Name: "terraform.tfvars", Text: "# whycors:ignore terraform-star-origin-credentials public files\norigins = [\"*\"]\n"}}},
			not: []string{"terraform-star-origin-credentials", "suppression-unused", "suppression-invalid"}},
		{desc: "a directive of main.tf's line 2 does not cover the tfvars' line 2, and is unused",
			src:  policy.Source{Files: []policy.File{{Name: "main.tf", Text: "# whycors:ignore terraform-star-origin-credentials public files\n" + mainTF}, {Name: "terraform.tfvars", Text: "\norigins = [\"*\"]\n"}}},
			want: []string{"terraform.tfvars:2 terraform-star-origin-credentials", "main.tf:1 suppression-unused"}},
		{desc: "a CloudFormation template with a --param value: an S3 rule's \"*\" comes from it",
			src: policy.Source{Files: []policy.File{{Name: "template.yaml", Text: `AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  AppOrigin:
    Type: String
    Default: https://app.example.com
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: [!Ref AppOrigin]
            AllowedMethods: [GET]
`}}, Params: map[string]string{"AppOrigin": "*"}},
			want: []string{"template.yaml:12 cfn-s3-star-credentials"}},
	}
	for _, tc := range tests {
		format := tc.format
		if format == "" {
			format = "auto"
		}
		fs, err := lint.LintSource(reg, tc.src, format)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		got := map[string]bool{}
		codes := map[string]bool{}
		for _, f := range fs {
			got[f.File+":"+itoa(f.Line)+" "+f.Code] = true
			codes[f.Code] = true
		}
		for _, w := range tc.want {
			if !got[w] {
				t.Errorf("%s: no %s in\n%s", tc.desc, w, dump(fs))
			}
		}
		for _, n := range tc.not {
			if codes[n] {
				t.Errorf("%s: %s found in\n%s", tc.desc, n, dump(fs))
			}
		}
	}
}

// TestLintSourceRefusesOneTextFormats: only a format that reads several
// files takes them; the others are linted a file at a time.
func TestLintSourceRefusesOneTextFormats(t *testing.T) {
	_, err := lint.LintSource(reg, policy.Source{Files: []policy.File{{Name: "a.json", Text: `[{"AllowedOrigins":["*"],"AllowedMethods":["GET"]}]`}, {Name: "b.json", Text: `[]`}}}, "s3-json")
	if err == nil || !strings.Contains(err.Error(), "reads one text") {
		t.Errorf("err = %v, want the format named as reading one text", err)
	}
	// One file of such a format is Lint's, each finding in that file
	// (explain --policy main.py reads the policy so): tried as a new
	// user would, such a verdict had no warnings at all.
	fs, err := lint.LintSource(reg, policy.Source{Files: []policy.File{{Name: "cors.json", Text: `[{"AllowedOrigins":["*"],"AllowedMethods":["GET", "PUT"]}]`}}}, "s3-json")
	one, _ := lint.Lint(reg, `[{"AllowedOrigins":["*"],"AllowedMethods":["GET", "PUT"]}]`, "s3-json")
	if err != nil || len(fs) == 0 || len(fs) != len(one) || fs[0].File != "cors.json" {
		t.Errorf("one file: %v, %+v; want Lint's %d findings in cors.json", err, fs, len(one))
	}
}

// TestTemplateNamesItsPlatform: lint's sentences about a template's
// rules name the platform that answers them (S3 sends Vary: Origin only
// on a match, docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html),
// not the template's format ("Terraform's resource sends", "AWS sends").
func TestTemplateNamesItsPlatform(t *testing.T) {
	texts := map[string]string{
		"terraform": `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = ["https://app.example"]
    allowed_methods = ["GET"]
  }
}
`,
		"cloudformation": `Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: [https://app.example]
            AllowedMethods: [GET]
`,
	}
	for format, text := range texts {
		fs, err := lint.Lint(reg, text, format)
		if err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		found := false
		for _, f := range fs {
			found = found || f.Code == "s3-vary" && strings.HasPrefix(f.Message, "S3 sends Vary")
		}
		if !found {
			t.Errorf("%s: no s3-vary naming S3 in\n%s", format, dump(fs))
		}
	}
}

// TestUnresolvedIsNotChecked: an origin a template leaves unresolved (a
// parameter without a Default) is said once, by the format's own
// finding; the placeholder standing for it is no origin the user wrote,
// so it is not "an origin with a space" (tried as a new user would).
func TestUnresolvedIsNotChecked(t *testing.T) {
	const text = `Parameters:
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
	fs, err := lint.Lint(reg, text, "cloudformation")
	if err != nil {
		t.Fatal(err)
	}
	codes := map[string]bool{}
	for _, f := range fs {
		codes[f.Code] = true
	}
	if !codes["cfn-unresolved"] || codes["origin-never-matches"] {
		t.Errorf("want cfn-unresolved and no origin-never-matches:\n%s", dump(fs))
	}
}
