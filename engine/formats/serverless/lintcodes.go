package serverless

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of the file's traps
// (Traps), so that `whycors lint --codes` and whycors:ignore know them.
func (*format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are Traps' codes in its order, each at the most severe level
// it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "serverless-proxy-cors", Severity: "warning",
			Summary: "cors on a lambda-proxy endpoint answers only the preflight: the function's own response must carry Access-Control-Allow-Origin, and this one has none.",
			Source:  "www.serverless.com/framework/docs/providers/aws/events/apigateway#enabling-cors; docs.aws.amazon.com/apigateway/latest/developerguide/how-to-cors.html"},
		{Code: "serverless-gateway-responses", Severity: "info",
			Summary: "No GatewayResponse resources add CORS headers: API Gateway's own errors (no route, an authorizer's 401 or 403, throttling) reach the browser as a CORS error instead of their status.",
			Source:  "docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html; docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html"},
	}
}
