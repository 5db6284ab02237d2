package apigw

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the code of the HTTP API's trap
// (Traps), so that `whycors lint --codes` and whycors:ignore know it.
func (*httpFormat) LintCodes() []portable.Code { return httpLintCodes() }

// LintCodes implements lint.Coder: the code of the REST API's trap
// (Traps), so that `whycors lint --codes` and whycors:ignore know it.
func (*restFormat) LintCodes() []portable.Code { return restLintCodes() }

// httpLintCodes are the HTTP API's Traps codes.
func httpLintCodes() []portable.Code {
	return []portable.Code{
		{Code: "apigw-http-backend-ignored", Severity: "warning",
			Summary: "The backend sends Access-Control-* headers, but an HTTP API with a CORS configuration answers CORS itself and drops them: change the API's configuration, not the backend.",
			Source:  "docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html"},
	}
}

// restLintCodes are the REST API's Traps codes.
func restLintCodes() []portable.Code {
	return []portable.Code{
		{Code: "apigw-rest-gateway-errors", Severity: "warning",
			Summary: "A REST API without DEFAULT_4XX and DEFAULT_5XX gateway responses carrying CORS headers: API Gateway's own errors (an authorizer's denial, throttling, a missing key) reach the browser as a CORS error instead of their status.",
			Source:  "docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html; docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html"},
	}
}

// CodeDefaultAuthorizer is the finding of an HTTP API whose $default
// route's authorizer answers every preflight with 401, which the
// templates that write the routes (CloudFormation, SAM, Terraform)
// report (DefaultAuthorizerCode).
const CodeDefaultAuthorizer = "http-api-default-authorizer"

// DefaultAuthorizerCode is CodeDefaultAuthorizer's entry for their
// LintCodes.
func DefaultAuthorizerCode() portable.Code {
	return portable.Code{Code: CodeDefaultAuthorizer, Severity: "error",
		Summary: "An HTTP API whose $default route has an authorizer, with no OPTIONS /{proxy+} route without authorization: API Gateway answers every preflight with the authorizer's 401.",
		Source:  "docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html (Configuring CORS for an HTTP API with a $default route and an authorizer)"}
}

// DefaultAuthorizerMessage says the finding of the API id, with how to
// add the route in the template's own words.
func DefaultAuthorizerMessage(id, how string) string {
	return id + ": the $default route has an authorizer and no OPTIONS /{proxy+} route without authorization takes the preflights first, so API Gateway answers every preflight with the authorizer's 401 (a browser sends no credentials on a preflight) and every fetch that needs one is blocked; " + how
}
