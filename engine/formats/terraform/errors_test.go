package terraform_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/formats/terraform"
	"github.com/whycors/whycors/engine/lint"
	"github.com/whycors/whycors/engine/policy"
)

const bucketTF = `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "acme"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = var.origins
  }
}
`

// TestFaults: every fault is positioned in the file it is in.
func TestFaults(t *testing.T) {
	tests := []struct {
		desc  string
		files []policy.File
		text  string
		plan  bool
		// params and resource of the source.
		params   map[string]string
		resource string
		// want is each fault as "file:line:column: substring".
		want []string
		// unreadable: the text cannot be read at all.
		unreadable bool
		source     string
	}{
		{desc: "HCL syntax in a second file", files: []policy.File{{Name: "main.tf", Text: bucketTF}, {Name: "variables.tf", Text: "variable \"origins\" {\n  default = [\"a\"\n}\n"}},
			want: []string{"variables.tf:3:1: Missing item separator"}, unreadable: true, source: "hclsyntax's diagnostic at its range"},
		{desc: "a .tfvars that is not HCL", files: []policy.File{{Name: "main.tf", Text: bucketTF + `variable "origins" {}`}, {Name: "terraform.tfvars", Text: "origins = [\n"}},
			want: []string{"terraform.tfvars:"}, unreadable: true, source: "hclsyntax's diagnostic"},
		{desc: "a method S3 refuses, at the item, with S3's code", text: strings.NewReplacer(`var.origins`, `["https://a.example"]`, `"GET"`, `"GET", "PATCH"`).Replace(bucketTF),
			want: []string{"main.tf:4:31: InvalidRequest: Found unsupported HTTP method in CORS config. Unsupported method is PATCH"}, source: "cloud-policies.md §1.2 (only GET PUT HEAD POST DELETE)"},
		{desc: "allowed_origins missing", text: "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  cors_rule {\n    allowed_methods = [\"GET\"]\n  }\n}\n",
			want: []string{"main.tf:3:3: the allowed_origins argument is required"}, source: "hashicorp/aws docs, s3_bucket cors_rule (allowed_origins required)"},
		{desc: "a variable without value where a verdict needs it", files: []policy.File{{Name: "main.tf", Text: bucketTF}, {Name: "variables.tf", Text: "variable \"origins\" {\n  type = list(string)\n}\n"}},
			want: []string{"main.tf:5:23: allowed_origins is not known here"}, source: "Terraform asks for a variable without default; no verdict without origins"},
		{desc: "a -var for an undeclared variable", text: bucketTF + "variable \"origins\" {\n  default = [\"https://a.example\"]\n}\n", params: map[string]string{"origin": "x"},
			want: []string{":0:0: no variable \"origin\" is declared"}, source: "Terraform refuses -var of an undeclared variable"},
		{desc: "a -var list that is not HCL", text: bucketTF + "variable \"origins\" {\n  type = list(string)\n}\n", params: map[string]string{"origins": `["a"`},
			want: []string{":0:0: the value of origins is not an HCL value"}, source: "Terraform parses -var of a complex type as HCL"},
		{desc: "a resource that has no CORS", text: bucketTF + "variable \"origins\" {\n  default = [\"https://a.example\"]\n}\n", resource: "aws_s3_bucket.other",
			want: []string{"main.tf:1:1: no resource aws_s3_bucket.other with a CORS configuration in the module; resources with one: aws_s3_bucket_cors_configuration.b (main.tf line 1)"}, source: "policy.resource names an address"},
		{desc: "two resources the host cannot tell apart", text: "resource \"aws_apigatewayv2_api\" \"a\" {\n  cors_configuration {\n    allow_origins = [\"https://a.example\"]\n  }\n}\nresource \"aws_apigatewayv2_api\" \"b\" {\n  cors_configuration {\n    allow_origins = [\"https://b.example\"]\n  }\n}\n",
			want: []string{"main.tf:1:1: the module has several resources with CORS (aws_apigatewayv2_api.a (main.tf line 1), aws_apigatewayv2_api.b (main.tf line 6)) and no request's host names one: choose the one that answers with --resource ADDRESS"}, source: "an API's host is its generated id"},
		{desc: "credentials with \"*\" on an HTTP API", text: "resource \"aws_apigatewayv2_api\" \"a\" {\n  cors_configuration {\n    allow_origins     = [\"*\"]\n    allow_credentials = true\n  }\n}\n",
			want: []string{"main.tf:4:25: BadRequestException"}, source: "cloud-policies.md §5.1"},
		{desc: "no CORS resource at all", text: "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\n",
			want: []string{"main.tf:1:1: no resource with a CORS configuration"}, source: "the bucket has no cors_rule"},
		{desc: "Azure's max_age_in_seconds is required", text: "resource \"azurerm_storage_account\" \"s\" {\n  name = \"acct\"\n  blob_properties {\n    cors_rule {\n      allowed_headers = []\n      allowed_methods = [\"GET\"]\n      allowed_origins = [\"https://a.example\"]\n      exposed_headers = []\n    }\n  }\n}\n",
			want: []string{"main.tf:4:5: the max_age_in_seconds argument is required"}, source: "hashicorp/azurerm docs, cors_rule (all five required)"},
		// An adversarial review: a 1 KB file's template built a for_each
		// of a million, and the expansion took more than 4 GB.
		{desc: "a dynamic block's for_each of more than 1,000 elements, at the dynamic block", text: "locals {\n  n = [" + strings.Repeat("1, ", 1001) + "]\n}\nresource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  dynamic \"cors_rule\" {\n    for_each = local.n\n    content {\n      allowed_origins = [\"https://a.example\"]\n      allowed_methods = [\"GET\"]\n    }\n  }\n}\n",
			want: []string{"main.tf:6:3: dynamic \"cors_rule\"'s for_each has 1001 elements; whycors expands at most 1000"}, source: "a bound of this reader (S3 takes at most 100 CORS rules: cloud-policies.md, S3 limits)"},
		// An adversarial review: three %{for} over a list of 100 in a
		// 1 KB file's local took 52 s.
		{desc: "for expressions that may run more than a million times are not evaluated, said at the reference", text: "locals {\n  x = [" + strings.Repeat("1, ", 101) + "]\n  s = \"%{for a in local.x}%{for b in local.x}%{for c in local.x}1%{endfor}%{endfor}%{endfor}\"\n}\nresource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = [local.s]\n    allowed_methods = [\"GET\"]\n  }\n}\n",
			want: []string{"main.tf:8:24: local.s: for expressions (or %{for} directives) that may run more than 1000000 times are not evaluated here"}, source: "a bound of this reader"},
		{desc: "a value of more than 10,000 elements is not kept, and the dynamic block it feeds says so before S3's refusal", text: "locals {\n  x = [" + strings.Repeat("1, ", 101) + "]\n  n = [for a in local.x : [for b in local.x : 1]]\n}\nresource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  dynamic \"cors_rule\" {\n    for_each = flatten(local.n)\n    content {\n      allowed_origins = [\"https://a.example\"]\n      allowed_methods = [\"GET\"]\n    }\n  }\n}\n",
			want: []string{"main.tf:8:24: local.n: a value of more than 10000 elements is not kept here", "main.tf:7:3: dynamic \"cors_rule\"'s for_each is not known here", "MalformedXML"}, source: "a bound of this reader; S3 refuses a configuration of no rule"},
		// An adversarial review: functions that make a small text's
		// values, or their work, large are refused at the call.
		{desc: "format with a width of four digits or more is refused at the call (format(\"%1000000000s\", \"x\") took 3.9 GB)", text: fnRule(`format("%1000000000s", "x")`),
			want: []string{"main.tf:4:24: Error in function call: Call to function \"format\" failed: format() with a width or precision of four digits or more is not evaluated here"}, source: "a bound of this reader"},
		{desc: "jsondecode of a text nested more than 64 deep is refused at the call (3,000,000 brackets overflowed Go's stack)", text: fnRule(`jsondecode("` + strings.Repeat("[", 65) + strings.Repeat("]", 65) + `")[0]`),
			want: []string{"main.tf:4:24: Error in function call: Call to function \"jsondecode\" failed: jsondecode() of a text nested more than 64 deep is not evaluated here"}, source: "a bound of this reader"},
		{desc: "flatten of a list of references larger than 10,000 elements is refused at the call (it took 555 s and 14 GB)", text: "locals {\n  x = [" + strings.Repeat("\"a\", ", 200) + "]\n}\n" + fnRule(`flatten([for a in local.x : local.x])[0]`),
			want: []string{"main.tf:7:24: Error in function call: Call to function \"flatten\" failed: flatten() of a value of more than 10000 elements is not evaluated here"}, source: "a bound of this reader"},
		{desc: "an argument that is a local past a bound says why before 'give its value' (an adversarial review: the reason was lost)", text: "locals {\n  x = [" + strings.Repeat("\"a\", ", 101) + "]\n  o = [for a in local.x : [for b in local.x : [for c in local.x : c]]]\n}\nresource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = local.o\n    allowed_methods = [\"GET\"]\n  }\n}\n",
			want: []string{"main.tf:3:7: for expressions (or %{for} directives) that may run more than 1000000 times are not evaluated here", "main.tf:8:23: allowed_origins is not known here"}, source: "a bound of this reader"},
		{desc: "a for over an outer iterator beside another value counts at the largest value kept (a last look: the other value's length was taken, whichever came first)", text: "locals {\n  x = [" + strings.Repeat("\"a\", ", 1001) + "]\n  o = [for a in local.x : [for b in concat(local.x, [a]) : b]]\n}\nresource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = local.o\n    allowed_methods = [\"GET\"]\n  }\n}\n",
			want: []string{"main.tf:3:7: for expressions (or %{for} directives) that may run more than 1000000 times are not evaluated here"}, source: "a bound of this reader"},
		{desc: "plan: not JSON", plan: true, text: "{\"format_version\": \"1.2\",\n  \"planned_values\": [}", want: []string{"plan.json:2:"}, unreadable: true, source: "hcl/v2/json's diagnostic"},
		{desc: "plan: a number among origins, at the item", plan: true,
			text: `{"format_version":"1.2","planned_values":{"root_module":{"resources":[{"address":"google_storage_bucket.m","mode":"managed","type":"google_storage_bucket",` + "\n" +
				`"values":{"name":"m","cors":[{"origin":[1],"method":["GET"]}]}}]}}}`,
			want: []string{"plan.json:2:41: want a string, got number"}, source: "the provider's schema: origin is a list of strings"},
		{desc: "plan: format_version 2", plan: true, text: `{"format_version":"2.0","planned_values":{}}`,
			want: []string{"plan.json:1:19: format_version must be 1.x"}, source: "Terraform docs, JSON Output Format (reject an unsupported major version)"},
	}
	for _, tc := range tests {
		src := policy.Source{Text: tc.text, Files: tc.files, Params: tc.params, Resource: tc.resource}
		var err error
		if tc.plan {
			_, err = terraform.ReadPlan(src)
		} else {
			_, err = terraform.ReadModule(src)
		}
		var errs policy.Errors
		if !errors.As(err, &errs) {
			t.Errorf("%s: %v, want faults %v (%s)", tc.desc, err, tc.want, tc.source)
			continue
		}
		for _, w := range tc.want {
			found := false
			for _, e := range errs {
				got := e.File + ":" + itoa(e.Line) + ":" + itoa(e.Column) + ": " + e.Msg
				if e.Code != "" {
					got = e.File + ":" + itoa(e.Line) + ":" + itoa(e.Column) + ": " + e.Code + ": " + e.Msg
				}
				found = found || strings.Contains(got, w)
			}
			if !found {
				t.Errorf("%s: faults %v, want one like %q (%s)", tc.desc, err, w, tc.source)
			}
		}
		for _, e := range errs {
			if e.Unreadable != tc.unreadable {
				t.Errorf("%s: %v unreadable %v, want %v", tc.desc, e, e.Unreadable, tc.unreadable)
			}
		}
	}
}

// TestFindings: what stays unknown is a finding at its position saying
// what the verdict assumes, and the verdict goes on; the traps of "*"
// and of a variable without value are findings too.
func TestFindings(t *testing.T) {
	text := `resource "aws_s3_bucket" "site" {
  bucket = "acme-site"

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["*", data.aws_ssm_parameter.origin.value, upper("https://b.example")]
    allowed_headers = local.headers
    expose_headers  = concat(var.extra, ["X-Total"])
  }
}

locals {
  headers = var.extra
}

variable "extra" {
  type = list(string)
}

module "cdn" {
  source = "./cdn"
}
`
	m, err := terraform.ReadModule(policy.Source{Text: text})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"warning terraform-unresolved 6:29 data.aws_ssm_parameter.origin.value comes from a data source, read only when Terraform plans: the verdict assumes the list does not hold it",
		"info terraform-star-origin-credentials 6:24 allowed_origins = [\"*\"]",
		"warning terraform-unresolved 7:23 allowed_headers is not known here: the verdict assumes it is empty",
		"warning terraform-variable-without-value 16:1 variable \"extra\" has no default",
		"warning terraform-unresolved 13:13 var.extra has no value",
		// concat()'s lists: one not known is left out, the others kept.
		"warning terraform-unresolved 8:30 var.extra has no value (no -var, .tfvars or default): the verdict assumes the list does not hold its items",
		"info terraform-unresolved 20:1 module \"cdn\" is not read",
	}
	var got []string
	for _, f := range m.Findings() {
		got = append(got, f.Severity+" "+f.Code+" "+itoa(f.Pos.Line)+":"+itoa(f.Pos.Column)+" "+f.Message)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || strings.HasPrefix(g, w)
		}
		if !found {
			t.Errorf("no finding like %q among\n%s", w, strings.Join(got, "\n"))
		}
	}
	// upper() is among the functions evaluated: its value is an origin.
	cfg, _ := (&terraform.HCL{}).StateRules(m, text)
	if len(cfg.Rules) != 1 || len(cfg.Rules[0].Origins) != 2 || cfg.Rules[0].Origins[1].Text != "HTTPS://B.EXAMPLE" {
		t.Errorf("rules %+v, want origins * and HTTPS://B.EXAMPLE", cfg.Rules)
	}
	if e := cfg.Rules[0].ExposeHeaders; len(e) != 1 || e[0].Text != "X-Total" || e[0].Pos.Line != 8 {
		t.Errorf("exposed %+v, want X-Total at line 8, concat()'s known list", e)
	}
	// CheckText gives the same findings.
	if n := len((&terraform.HCL{}).CheckText(text)); n != len(m.Findings()) {
		t.Errorf("CheckText: %d findings, want %d", n, len(m.Findings()))
	}
}

// TestDetect: in the whole engine's registry, each golden module's
// main.tf is claimed by terraform alone and each plan by terraform-plan,
// but a GCS plan, whose values have "origin" and "method", is claimed by
// gcs-json too (its detection looks for those keys): naming the format
// reads it.
func TestDetect(t *testing.T) {
	reg := registry()
	for _, dir := range []string{"s3", "s3-legacy", "apigw", "lambda", "cloudfront", "gcs", "azure", "multi"} {
		src := loadDir(t, "testdata/"+dir)
		var main string
		for _, f := range src.Files {
			if f.Name == "main.tf" {
				main = f.Text
			}
		}
		if ds := reg.Detect(main); len(ds) != 1 || ds[0].Format != terraform.NameHCL {
			t.Errorf("%s/main.tf: detected as %v", dir, ds)
		}
		plan := readFile(t, "testdata/"+dir+"/plan.json")
		want := []string{terraform.NamePlan}
		if dir == "gcs" {
			want = []string{"gcs-json", terraform.NamePlan}
		}
		var got []string
		for _, d := range reg.Detect(plan) {
			got = append(got, d.Format)
		}
		if dir == "gcs" && strings.Join(got, " ") == terraform.NamePlan {
			continue // gcs-json no longer claims a plan
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("%s/plan.json: detected as %v, want %v", dir, got, want)
		}
	}
}

// TestVariablePrecedence: a variable's value comes from the last of the
// default, terraform.tfvars, *.auto.tfvars in lexical order, other
// .tfvars files given, and -var (Terraform docs, "Variable definition
// precedence"); each value is placed in the file it is written in.
func TestVariablePrecedence(t *testing.T) {
	mainTF := `resource "google_storage_bucket" "b" {
  name = "b"
  cors {
    origin = var.origins
    method = ["GET"]
  }
}
variable "origins" {
  type    = list(string)
  default = ["https://default.example"]
}
`
	tests := []struct {
		desc   string
		files  []policy.File
		params map[string]string
		want   string // origin and the file it is in
	}{
		{desc: "the default", want: "https://default.example main.tf:10"},
		{desc: "terraform.tfvars over the default", files: []policy.File{{Name: "terraform.tfvars", Text: `origins = ["https://tfvars.example"]`}},
			want: "https://tfvars.example terraform.tfvars:1"},
		{desc: "*.auto.tfvars over terraform.tfvars, the later name last",
			files: []policy.File{{Name: "b.auto.tfvars", Text: `origins = ["https://b.example"]`}, {Name: "a.auto.tfvars", Text: `origins = ["https://a.example"]`}, {Name: "terraform.tfvars", Text: `origins = ["https://tfvars.example"]`}},
			want:  "https://b.example b.auto.tfvars:1"},
		{desc: "a .tfvars given (-var-file) over *.auto.tfvars",
			files: []policy.File{{Name: "prod.tfvars", Text: "\norigins = [\"https://prod.example\"]"}, {Name: "x.auto.tfvars", Text: `origins = ["https://auto.example"]`}},
			want:  "https://prod.example prod.tfvars:2"},
		{desc: "a .tfvars.json file", files: []policy.File{{Name: "terraform.tfvars.json", Text: `{"origins": ["https://json.example"]}`}},
			want: "https://json.example terraform.tfvars.json:1"},
		{desc: "-var over every file", files: []policy.File{{Name: "prod.tfvars", Text: `origins = ["https://prod.example"]`}},
			params: map[string]string{"origins": `["https://var.example"]`}, want: "https://var.example main.tf:4"},
	}
	for _, tc := range tests {
		files := append([]policy.File{{Name: "main.tf", Text: mainTF}}, tc.files...)
		m, err := terraform.ReadModule(policy.Source{Files: files, Params: tc.params})
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		cfg, _ := (&terraform.HCL{}).StateRules(m, "")
		o := cfg.Rules[0].Origins
		got := ""
		if len(o) == 1 {
			got = o[0].Text + " " + o[0].Pos.File + ":" + itoa(o[0].Pos.Line)
		}
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.desc, got, tc.want)
		}
	}
}

// TestSetTwice: a bucket whose inline cors_rule and a separate
// aws_s3_bucket_cors_configuration both set its rules is a trap.
func TestSetTwice(t *testing.T) {
	text := `resource "aws_s3_bucket" "b" {
  bucket = "acme"
  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://a.example"]
  }
}
resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = aws_s3_bucket.b.bucket
  cors_rule {
    allowed_methods = ["PUT"]
    allowed_origins = ["https://a.example"]
  }
}
`
	m, err := terraform.ReadModule(policy.Source{Text: text, Resource: "aws_s3_bucket.b"})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.Findings() {
		if f.Code == "terraform-cors-set-twice" && f.Pos.Line == 8 {
			return
		}
	}
	t.Errorf("findings %+v, want terraform-cors-set-twice at line 8", m.Findings())
}

// TestRuleOrder: two cors_rule blocks of an
// aws_s3_bucket_cors_configuration that match one request, the later
// sent first, are reported, since the provider sends them in its set's
// hash order (terraform-provider-aws
// internal/service/s3/bucket_cors_configuration.go: schema.TypeSet;
// e2e/tfsdk); blocks sent as written, disjoint rules, and aws_s3_bucket's
// inline cors_rule (a schema.TypeList) are not.
func TestRuleOrder(t *testing.T) {
	for _, tc := range []struct {
		desc, rules string
		typ         string
		want        string // the message's start, "" for none
	}{
		{desc: "a wildcard and a literal origin, one method in common", typ: "aws_s3_bucket_cors_configuration",
			rules: `cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["PUT", "POST"]
  }
  cors_rule {
    allowed_origins = ["https://*.example.com"]
    allowed_methods = ["GET", "PUT"]
    max_age_seconds = 600
  }`, want: "cors_rule blocks 1 and 2 of aws_s3_bucket_cors_configuration.b both match PUT from https://app.example.com, and S3 gets block 2 first: the AWS provider keeps cors_rule as a set and sends the rules in the order of their hashes (2, 1)"},
		{desc: "overlapping, but sent as written", typ: "aws_s3_bucket_cors_configuration",
			rules: `cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["PUT"]
    expose_headers  = ["x-amz-request-id"]
  }
  cors_rule {
    allowed_origins = ["https://*.example.com"]
    allowed_methods = ["GET", "PUT"]
    expose_headers  = ["ETag"]
  }`},
		{desc: "two wildcards that share origins", typ: "aws_s3_bucket_cors_configuration",
			rules: `cors_rule {
    allowed_origins = ["https://*.example.com"]
    allowed_methods = ["GET"]
  }
  cors_rule {
    allowed_origins = ["https://app.*"]
    allowed_methods = ["GET"]
    expose_headers  = ["ETag"]
  }`, want: "cors_rule blocks 1 and 2 of aws_s3_bucket_cors_configuration.b both match GET from https://app.x.example.com, and S3 gets block 2 first"},
		{desc: "disjoint origins", typ: "aws_s3_bucket_cors_configuration",
			rules: `cors_rule {
    allowed_origins = ["https://*.example.com"]
    allowed_methods = ["GET"]
  }
  cors_rule {
    allowed_origins = ["https://partner.test"]
    allowed_methods = ["GET"]
    expose_headers  = ["ETag"]
  }`},
		{desc: "disjoint methods", typ: "aws_s3_bucket_cors_configuration",
			rules: `cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["GET"]
  }
  cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["PUT"]
  }`},
		{desc: "aws_s3_bucket's inline rules, a list", typ: "aws_s3_bucket",
			rules: `cors_rule {
    allowed_origins = ["https://app.example.com"]
    allowed_methods = ["PUT"]
  }
  cors_rule {
    allowed_origins = ["*"]
    allowed_methods = ["PUT"]
  }`},
	} {
		text := "resource \"" + tc.typ + "\" \"b\" {\n  bucket = \"acme\"\n  " + tc.rules + "\n}\n"
		m, err := terraform.ReadModule(policy.Source{Text: text})
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		got := ""
		for _, f := range m.Findings() {
			if f.Code == "terraform-cors-rule-order" {
				got = f.Message
				if f.Pos.Line != 7 {
					t.Errorf("%s: at line %d, want 7 (the second block)", tc.desc, f.Pos.Line)
				}
			}
		}
		if tc.want == "" && got != "" || !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.desc, got, tc.want)
		}
	}
}

// TestUnusedVariableIsNoConcern: a variable without a value that no
// resource with CORS uses (directly or through a local) is no finding:
// terraform would ask for it, but it decides nothing this reader reads
// (tried as a new user would: a network module's variable beside the
// CORS resource failed lint --fail-on warning). One that the CORS
// resource uses, here through a local, still is.
func TestUnusedVariableIsNoConcern(t *testing.T) {
	const mainTF = `variable "ports" { type = list(number) }
variable "max_age" { type = number }
locals {
  age = var.max_age
}
resource "aws_security_group" "web" {
  dynamic "ingress" {
    for_each = var.ports
    content {
      from_port = ingress.value
    }
  }
}
resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = ["https://app.example"]
    allowed_methods = ["GET"]
    max_age_seconds = local.age
  }
}
`
	m, err := terraform.ReadModule(policy.Source{Text: mainTF, Params: map[string]string{}})
	var notes []string
	if err == nil {
		for _, f := range m.Findings() {
			if f.Code == "terraform-variable-without-value" {
				notes = append(notes, f.Message)
			}
		}
	} else {
		t.Fatal(err)
	}
	fs, lerr := lint.Lint(all.Registry(), mainTF, terraform.NameHCL)
	if lerr != nil {
		t.Fatal(lerr)
	}
	got := map[string]bool{}
	for _, f := range fs {
		if f.Code == "terraform-variable-without-value" {
			got[f.Message[:strings.Index(f.Message, " has")]] = true
		}
	}
	if got[`variable "ports"`] || !got[`variable "max_age"`] {
		t.Errorf("findings about %v, want max_age (through a local) and not ports (notes %v)", got, notes)
	}
}

// TestValueTakesTheVariablesType: terraform converts a value to its
// variable's primitive type (developer.hashicorp.com/terraform/language/
// values/variables, "Type Constraints"), so -var max_age=5, a string on
// the command line, and max_age = "120" in a .tfvars are numbers for a
// `type = number` variable. Tried as a new user would, both were
// "max_age_seconds must be a whole number of seconds".
func TestValueTakesTheVariablesType(t *testing.T) {
	const mainTF = `variable "max_age" { type = number }
resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = ["https://app.example"]
    allowed_methods = ["GET"]
    max_age_seconds = var.max_age
  }
}
`
	tests := []struct {
		desc   string
		params map[string]string
		tfvars string
		want   int    // max_age_seconds read
		err    string // or the fault
	}{
		{desc: "-var max_age=5", params: map[string]string{"max_age": "5"}, want: 5},
		{desc: `max_age = "120" in terraform.tfvars`, tfvars: `max_age = "120"`, want: 120},
		{desc: "-var max_age=abc: terraform's Invalid value for input variable", params: map[string]string{"max_age": "abc"}, err: `the value of variable "max_age" (from -var) is not a number`},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			src := policy.Source{Files: []policy.File{{Name: "main.tf", Text: mainTF}}, Params: tc.params}
			if tc.tfvars != "" {
				src.Files = append(src.Files, policy.File{Name: "terraform.tfvars", Text: tc.tfvars})
			}
			cfg, err := (&terraform.HCL{}).ReadSourceRules(src)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r := cfg.Rules[0]; r.MaxAge == nil || *r.MaxAge != tc.want {
				t.Errorf("max age %v, want %d", r.MaxAge, tc.want)
			}
		})
	}
}

// fnRule is a bucket whose one rule's origin is expr, at line 4,
// column 24 of its text.
func fnRule(expr string) string {
	return "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n  bucket = \"b\"\n  cors_rule {\n    allowed_origins = [" + expr + "]\n    allowed_methods = [\"GET\"]\n  }\n}\n"
}
