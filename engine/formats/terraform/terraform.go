// Package terraform reads the CORS configurations of a Terraform module,
// as users commit it, and answers requests with the semantics of the
// platform each resource configures. Its formats:
//
//	terraform       HCL: one or more .tf files, with .tfvars files and
//	                -var values (policy.Source's Files and Params)
//	terraform-plan  the JSON of `terraform show -json PLANFILE`, where
//	                every value is resolved (planned_values, child
//	                modules included)
//
// The resources read, each onto the platform package that evaluates it
// (shapes.go cites the provider documentation of each attribute):
//
//	aws_s3_bucket_cors_configuration, aws_s3_bucket's cors_rule  engine/platform/s3
//	aws_apigatewayv2_api cors_configuration                      engine/platform/apigw (HTTP API)
//	aws_lambda_function_url cors                                 engine/platform/lambdaurl
//	aws_cloudfront_response_headers_policy cors_config           engine/platform/cloudfront
//	google_storage_bucket cors                                   engine/platform/gcs
//	azurerm_storage_account blob_properties.cors_rule            engine/platform/azure
//
// Variables take their value from policy.Source.Params (-var), then the
// .tfvars files (terraform.tfvars, *.auto.tfvars, then the others, as
// Terraform orders them), then their default; locals and a few of
// Terraform's functions (concat, distinct, flatten, join, split, lower,
// upper, compact, format, trimspace, tolist, toset, tostring, tonumber)
// are evaluated with HashiCorp's hcl/v2 and go-cty. What stays unknown (a
// data source, another resource's computed attribute, any other
// function, a variable without value) is a finding at its position that
// says what the verdict assumes (Module.Findings, CheckText); a required
// list that stays unknown is a fault.
//
// The resource that answers is policy.Source.Resource (a Terraform
// address); without one, the module's only CORS resource, or, when each
// of several names its bucket or account literally, the one the
// request's host names (BUCKET.s3.amazonaws.com, storage.googleapis.com/
// BUCKET, ACCOUNT.blob.core.windows.net); otherwise the reader refuses
// with the addresses to choose from. Every answer names the resource and
// the rule block that decided (wire.Outcome.DecidedBy).
//
// Rules are numbered across the module in the order the files list the
// resources (the plan: in its order), which is the order of ReadRules and
// of a fix's Edit.Rule. A fix is an edit of the user's own text: one
// more item in the literal list the value comes from (in the .tf, the
// .tfvars or .tfvars.json that wins, the variable's default, a local),
// or one more attribute in the rule block; nothing else moves (EditText,
// EditSource). The fix search edits whichever file holds the value
// (EditFile, fix.FileEditor), and a list given with -var as that
// parameter's new value, with the flag to give.
//
// hcl/v2 and go-cty are large: this package lives in the full engine and
// the CLI, not in the page's core wasm or the edge worker.
package terraform

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/terraform/tfname"
	"github.com/whycors/whycors/engine/policy"
)

// Format names.
const (
	NameHCL  = tfname.HCL
	NamePlan = tfname.Plan
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&HCL{}, &Plan{}} }

// HCL is the "terraform" format: a module's .tf and .tfvars files.
type HCL struct{}

// Plan is the "terraform-plan" format: `terraform show -json` of a plan.
type Plan struct{}

// Name implements policy.Format.
func (*HCL) Name() string { return NameHCL }

// Name implements policy.Format.
func (*Plan) Name() string { return NamePlan }

// Title implements policy.Titled.
func (*HCL) Title() string { return "Terraform: a module of .tf files" }

// Title implements policy.Titled.
func (*Plan) Title() string { return "Terraform plan: terraform show -json" }

// Detect implements policy.Format: a resource block of a type this
// package reads, in a text that is not JSON or XML.
func (*HCL) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	if t == "" || t[0] == '{' || t[0] == '[' || t[0] == '<' {
		return false, ""
	}
	if i := strings.Index(t, "resource \""); i >= 0 && (i == 0 || t[i-1] == '\n') {
		for typ := range shapes {
			if strings.Contains(t, "resource \""+typ+"\"") {
				return true, "HCL with a resource \"" + typ + "\" block (Terraform)"
			}
		}
	}
	return false, ""
}

// Detect implements policy.Format: JSON with format_version and
// planned_values, as `terraform show -json` writes a plan.
func (*Plan) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") && strings.Contains(t, `"format_version"`) && strings.Contains(t, `"planned_values"`) {
		return true, `JSON with "format_version" and "planned_values" (terraform show -json of a plan)`
	}
	return false, ""
}

// Parse implements policy.Format: one .tf text, read as main.tf.
func (f *HCL) Parse(text string) (policy.Evaluator, error) {
	return f.ParseSource(policy.Source{Text: text})
}

// ParseSource implements policy.SourceParser: every file of src, its
// params as -var values and its chosen resource. The faults of a source
// of one text (no Files) name no file: the text is the caller's,
// whatever its name (found as a new user would: a fault of cors.tf was
// "main.tf: line 4", in SARIF too).
func (*HCL) ParseSource(src policy.Source) (policy.Evaluator, error) {
	ev, err := ReadModule(src)
	if errs, ok := err.(policy.Errors); ok && len(src.Files) == 0 {
		for _, e := range errs {
			if e.File == mainFile {
				e.File = ""
			}
		}
	}
	return ev, err
}

// Parse implements policy.Format.
func (f *Plan) Parse(text string) (policy.Evaluator, error) {
	return f.ParseSource(policy.Source{Text: text})
}

// ParseSource implements policy.SourceParser: the plan is src's main
// text; Resource chooses among its resources (Params are already in it).
func (*Plan) ParseSource(src policy.Source) (policy.Evaluator, error) {
	return ReadPlan(src)
}

// platform names what answers in lint's and the summary's sentences:
// the resource the module configures (its platform is the one of each
// finding's resource, named in the finding's path and decided_by).
const platform = "Terraform's resource"

// Platform implements lint.Platformer.
func (*HCL) Platform() string { return platform }

// Platform implements lint.Platformer.
func (*Plan) Platform() string { return platform }

const doc = "shared/reference/cloud-policies.md for the resource's platform (S3 §1.3, GCS §3, Azure §4, API Gateway HTTP API §5.1, CloudFront §5.4; Lambda's function URL CORS doc)"

// Doc implements explain.Documented.
func (*HCL) Doc() string { return doc }

// Doc implements explain.Documented.
func (*Plan) Doc() string { return doc }
