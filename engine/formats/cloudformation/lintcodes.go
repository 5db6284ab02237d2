package cloudformation

import (
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/portable"
)

// LintCodes implements lint.Coder: the codes of the template's traps
// (CheckText, and Traps, which leaves out cfn-unresolved), so that
// `whycors lint --codes`, the SARIF report and whycors:ignore know them.
func (*format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are Template.Traps' codes in its order (the assumptions,
// the REST API's refusals, then each resource's traps), each at the most
// severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: codeUnresolved, Severity: "warning",
			Summary: "A value the template takes from a parameter, resource or pseudo parameter nobody gave: the verdict assumes it matches nothing, so give it with --param.",
			Source:  "docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/parameters-section-structure.html; docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html"},
		{Code: codeNoMethodRe, Severity: "error",
			Summary: "An integration response maps to a status that MethodResponses does not declare: API Gateway refuses the method when the stack deploys.",
			Source:  "docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apitgateway-method-integration-integrationresponse.html; amazon-archives/aws-apigateway-importer#121"},
		{Code: codeUnquoted, Severity: "error",
			Summary: "A ResponseParameters literal not in single quotes: API Gateway reads it as a mapping expression and refuses the deploy.",
			Source:  "docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apitgateway-method-integration-integrationresponse.html (static values in single quotes); aws/aws-cdk#11306; serverless/serverless-graphql#67"},
		{Code: codeStarCreds, Severity: "error",
			Summary: "An integration response sends Access-Control-Allow-Origin '*' with Access-Control-Allow-Credentials 'true': API Gateway deploys it, and every browser refuses it for a fetch with credentials.",
			Source:  "fetch.spec.whatwg.org/#cors-check; docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html"},
		{Code: codeUndeclared, Severity: "error",
			Summary: "An integration response maps a header its method response does not declare: API Gateway refuses the deploy.",
			Source:  "docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-apitgateway-method-integration-integrationresponse.html; deliveryhero/serverless-aws-documentation#91"},
		{Code: "apigw-rest-gateway-errors", Severity: "warning",
			Summary: "A REST API without DEFAULT_4XX and DEFAULT_5XX gateway responses carrying CORS headers: API Gateway's own errors (an authorizer's denial, throttling, a missing key) reach the browser as a CORS error instead of their status.",
			Source:  "docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html; docs.aws.amazon.com/serverless-application-model/latest/developerguide/sam-property-api-gatewayresponse.html"},
		apigw.DefaultAuthorizerCode(),
		{Code: "cfn-s3-star-credentials", Severity: "warning",
			Summary: "An S3 CORS rule allows the origin \"*\": S3 then answers without Access-Control-Allow-Credentials, so every fetch with credentials is blocked.",
			Source:  "docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3-bucket-corsrule.html; docs.aws.amazon.com/AmazonS3/latest/userguide/cors.html; recorded against S3 (LocalStack's AWS snapshots)"},
	}
}
