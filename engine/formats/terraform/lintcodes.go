package terraform

import (
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/portable"
)

// LintCodes implements lint.Coder: the codes of a module's findings
// (CheckText, and the unresolved values ReadModule refuses to judge), so
// that `whycors lint --codes`, the SARIF report and whycors:ignore know
// them.
func (*HCL) LintCodes() []portable.Code { return lintCodes() }

// LintCodes implements lint.Coder: the codes of a plan's findings
// (CheckText). A plan's values are known, so only the checks of the
// sites it holds report.
func (*Plan) LintCodes() []portable.Code {
	var out []portable.Code
	for _, c := range lintCodes() {
		if c.Code == codeStarCreds || c.Code == codeConflict || c.Code == codeRuleOrder {
			out = append(out, c)
		}
	}
	return out
}

// lintCodes are a module's codes in the order it is read (values, then
// the sites' checks), each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: codeUnresolved, Severity: "warning",
			Summary: "A value the configuration takes from elsewhere (a data source, another resource, a module, a dynamic block) is not known from the text: the verdict assumes it, or gives none, until you give it.",
			Source:  "developer.hashicorp.com/terraform/language/values/variables; developer.hashicorp.com/terraform/internals/json-format (the plan's values, which terraform-plan reads)"},
		{Code: codeNoValue, Severity: "warning",
			Summary: "A variable without a default and without a value (no -var, .tfvars or default): terraform would ask for it, and the values that use it are unresolved.",
			Source:  "developer.hashicorp.com/terraform/language/values/variables"},
		{Code: codeRepeated, Severity: "info",
			Summary: "A resource with count or for_each: the verdict reads its configuration once, as every instance has it.",
			Source:  "developer.hashicorp.com/terraform/language/meta-arguments/count; developer.hashicorp.com/terraform/language/meta-arguments/for_each"},
		apigw.DefaultAuthorizerCode(),
		{Code: codeStarCreds, Severity: "info",
			Summary: "An S3 or Azure CORS rule allows the origin \"*\": the platform then answers without Access-Control-Allow-Credentials, so every fetch with credentials is blocked.",
			Source:  "docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html; recorded against S3 (LocalStack's AWS snapshots); learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services"},
		{Code: codeConflict, Severity: "warning",
			Summary: "Two resources set the CORS rules of one bucket (aws_s3_bucket's cors_rule and aws_s3_bucket_cors_configuration): each apply overwrites the other's.",
			Source:  "registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket; registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_cors_configuration"},
		{Code: codeRuleOrder, Severity: "warning",
			Summary: "Two cors_rule blocks of an aws_s3_bucket_cors_configuration match the same request: the provider sends the rules in its set's hash order, not as written, and S3 answers with the first that matches.",
			Source:  "github.com/hashicorp/terraform-provider-aws internal/service/s3/bucket_cors_configuration.go (cors_rule: schema.TypeSet); github.com/hashicorp/terraform-plugin-sdk helper/schema/set.go (List: sorted by hash code); docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html (the first matching rule)"},
	}
}
