package apigw

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
)

// The cases of API Gateway's notes (words), for REST and HTTP APIs.
const (
	caseOrigin            = "origin"
	caseGatewayResponse   = "gateway-response"
	caseNoGatewayResponse = "no-gateway-response"
	caseNot200            = "not-200"
	caseAuthorizer        = "authorizer"
	caseHTTPAuthorizer    = "http-authorizer"
)

// words says API Gateway's notes (policy.Words).
type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseOrigin:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not in AllowOrigins " + strings.Join(n.List, ",")
	case caseGatewayResponse:
		return "API Gateway error reply: a Gateway Response (" + responseClass(n.N) + " or its own type) adds the headers"
	case caseNoGatewayResponse:
		return "API Gateway error reply " + strconv.Itoa(n.N) + " and no " + responseClass(n.N) + " Gateway Response with CORS headers"
	case caseAuthorizer:
		return authorizerWords(n)
	case caseHTTPAuthorizer:
		return httpAuthorizerWords(n)
	case caseIntegration:
		return integrationWords(n)
	case caseNot200:
		return "Enable CORS adds Access-Control-Allow-Origin to the 200 method response only; this reply is " + strconv.Itoa(n.N)
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	if n.Case == caseAuthorizer {
		return authorizerWords(n)
	}
	if n.Case == caseHTTPAuthorizer {
		return httpAuthorizerWords(n)
	}
	if n.Case == caseIntegration {
		return integrationWords(n)
	}
	if n.Case == caseGatewayResponse {
		return "gateway error with " + responseClass(n.N) + " configured: CORS headers added"
	}
	return ""
}
