package apigw

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/jsonpos"
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"github.com/whycors/whycors/engine/policy"
)

// Integration kinds of a REST API method.
const (
	Mock        = "mock"
	NonProxy    = "non-proxy"
	LambdaProxy = "lambda-proxy"
	HTTPProxy   = "http-proxy"
)

// DefaultAllowHeaders is the console's default Access-Control-Allow-Headers
// (how-to-cors-console.md, cloud-policies.md §5.2).
const DefaultAllowHeaders = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"

// SourceREST is cited on REST API trace entries.
const SourceREST = "shared/reference/cloud-policies.md §5.2 (REST API Enable CORS, how-to-cors-console.md)"

// RESTConfig is a REST API resource after "Enable CORS": the static header
// values the console writes (no origin matching at all), which Gateway
// Responses got the headers too, and the integration of the actual method.
type RESTConfig struct {
	AllowOrigin      string   // one literal value, default "*"
	AllowMethods     []string // the methods ticked, OPTIONS included
	AllowHeaders     string   // default DefaultAllowHeaders
	ExposeHeaders    string
	MaxAge           *int
	AllowCredentials bool
	GatewayResponses []string // "DEFAULT_4XX", "DEFAULT_5XX"
	Integration      string   // Mock, NonProxy, LambdaProxy or HTTPProxy
	Path             string
	// Authorizer is the actual method's authorizer: NoAuthorizer (""),
	// Lambda, Cognito or IAM; AuthorizerOnOptions is set when the OPTIONS
	// method has it too (SAM's AddDefaultAuthorizerToCorsPreflight, true
	// by default with a DefaultAuthorizer). AuthorizerLine and
	// AuthorizerColumn place it in the user's text.
	Authorizer                       string
	AuthorizerOnOptions              bool
	AuthorizerLine, AuthorizerColumn int
	// Method names the actual method whose integration answers (a
	// template's logical ID, or the JSON path of Integration) and
	// MethodLine, MethodColumn place it: the verdict's decided_by when
	// the integration decided (Integrate).
	Method                   string
	MethodLine, MethodColumn int
	// Responses are a non-proxy (or mock) method's integration
	// responses, when known (a template's AWS::ApiGateway::Method); nil
	// for Enable CORS's Access-Control-Allow-Origin on the 200 only.
	Responses []IntegrationResponse
	// OptionsHeaders, when not nil, are exactly the headers the OPTIONS
	// mock's integration response maps (a template's OPTIONS method),
	// values unquoted, in place of the Allow* fields; OptionsStatus is
	// its status (0: 200; cdk synth's default is 204).
	OptionsHeaders headers.List
	OptionsStatus  int
}

// Respond implements policy.Evaluator for a REST API resource.
func (c *RESTConfig) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	t := policy.Rule{Index: 0, Path: c.Path, Matched: true, Source: SourceREST}
	if c.Refuses(req) {
		return c.refused(req)
	}
	if req.Method == "OPTIONS" {
		// The OPTIONS method's MOCK integration answers 200 with static
		// headers, whatever the Origin: no origin matching at all (§5.2).
		h := headers.List{
			{Name: "Access-Control-Allow-Headers", Value: c.AllowHeaders},
			{Name: "Access-Control-Allow-Methods", Value: strings.Join(c.AllowMethods, ",")},
			{Name: "Access-Control-Allow-Origin", Value: c.AllowOrigin},
		}
		if c.AllowHeaders == "" {
			// No response parameter for it: SAM's Cors without
			// AllowHeaders maps only the values given ("Skip the
			// header if value is empty", _options_method_response_for_cors
			// in aws/serverless-application-model's
			// samtranslator/swagger/swagger.py), so the mock sends no
			// such line, not an empty one.
			h = h[1:]
		}
		c.optional(&h)
		status := 200
		if c.OptionsHeaders != nil {
			h = c.OptionsHeaders.Clone()
		}
		if c.OptionsStatus != 0 {
			status = c.OptionsStatus
		}
		h.Add("Content-Type", "application/json")
		t.Note.Case = "OPTIONS answered by the mock integration with static headers"
		d := "OPTIONS mock integration: 200 with the static CORS headers"
		if status != 200 {
			d = "OPTIONS mock integration: " + strconv.Itoa(status) + " with the static CORS headers"
		}
		return policy.Outcome{Reply: policy.Reply{Status: status, Header: h}, Rules: wire.One(req, t), Decision: policy.Note{Case: d}}
	}
	reply := app
	reply.Header = app.Header.Clone()
	// API Gateway's own error replies carry x-amzn-ErrorType (for example
	// MissingAuthenticationTokenException); they get CORS headers only
	// from Gateway Responses (§5.2).
	if app.Header.Has("x-amzn-ErrorType") && app.Status >= 400 {
		if c.gatewayResponseFor(app) != "" {
			reply.Header.Set("Access-Control-Allow-Origin", c.AllowOrigin)
			reply.Header.Set("Access-Control-Allow-Headers", c.AllowHeaders)
			t.Note = policy.Note{Case: caseGatewayResponse, N: app.Status}
			return policy.Outcome{Reply: reply, Rules: wire.One(req, t), Decision: policy.Note{Case: caseGatewayResponse, N: app.Status}, Words: words{}}
		}
		t.Matched, t.Failed = false, "status"
		t.Note = policy.Note{Case: caseNoGatewayResponse, N: app.Status}
		return policy.Outcome{Reply: reply, Rules: wire.One(req, t), Decision: policy.Note{Case: "gateway error without CORS headers (configure Gateway Responses)"}, Words: words{}}
	}
	return c.Integrate(req, app)
}

func (c *RESTConfig) optional(h *headers.List) {
	if c.ExposeHeaders != "" {
		h.Add("Access-Control-Expose-Headers", c.ExposeHeaders)
	}
	if c.MaxAge != nil {
		h.Add("Access-Control-Max-Age", strconv.Itoa(*c.MaxAge))
	}
	if c.AllowCredentials {
		h.Add("Access-Control-Allow-Credentials", "true")
	}
}

// ParseREST reads our JSON form of a REST API's Enable CORS settings.
// Values may be written as the console's mapping shows them, in single
// quotes ('*'), or bare.
func ParseREST(text string) (*RESTConfig, error) {
	if len(text) > wire.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: wire.TooLarge}}
	}
	doc, perr := jsonpos.Parse(text)
	if perr != nil {
		return nil, policy.Errors{perr}
	}
	v, path := doc.Root, "$"
	if w, ok := v.Get("RestApiCors"); ok {
		v, path = w, "$.RestApiCors"
	}
	if v.Kind != jsonpos.Object {
		return nil, policy.Errors{doc.Err(v, path, "", "want a RestApiCors object, got "+v.Kind.String())}
	}
	c := &RESTConfig{AllowOrigin: "*", AllowHeaders: DefaultAllowHeaders, Integration: Mock, Path: path}
	var errs policy.Errors
	str := func(f *jsonpos.Value, fp string) string {
		if f.Kind != jsonpos.String {
			errs = append(errs, doc.Err(f, fp, "", "want a string, got "+f.Kind.String()))
		}
		return unquote(f.Str)
	}
	hasMethods := false
	for i, k := range v.Keys {
		f, fp := v.Fields[i], jsonpos.Key(path, k)
		switch k {
		case "AllowOrigin":
			c.AllowOrigin = str(f, fp)
			if strings.Contains(c.AllowOrigin, ",") {
				// serverless/serverless#3324: a list in one static value
				// breaks every browser; API Gateway stores it as typed.
				errs = append(errs, doc.Err(f, fp, "", "Access-Control-Allow-Origin is sent as one static value: a comma-separated list is invalid in every browser; use one origin or * (or a proxy integration that echoes the Origin)"))
			}
		case "AllowMethods":
			hasMethods = true
			if f.Kind == jsonpos.String {
				c.AllowMethods = strings.Split(unquote(f.Str), ",")
			} else {
				c.AllowMethods = doc.Strings(f, fp, &errs)
			}
		case "AllowHeaders":
			c.AllowHeaders = str(f, fp)
		case "ExposeHeaders":
			c.ExposeHeaders = str(f, fp)
		case "MaxAge":
			n, ok := f.Int()
			if !ok || n < 0 {
				errs = append(errs, doc.Err(f, fp, "", "want a whole, non-negative number of seconds"))
			}
			c.MaxAge = &n
		case "AllowCredentials":
			if f.Kind != jsonpos.Bool {
				errs = append(errs, doc.Err(f, fp, "", "want true or false"))
			}
			c.AllowCredentials = f.Bool
		case "GatewayResponses":
			c.GatewayResponses = doc.Strings(f, fp, &errs)
			for j, g := range c.GatewayResponses {
				if !slices.Contains(ResponseTypes, g) {
					errs = append(errs, doc.Err(f.Items[j], jsonpos.Index(fp, j), "", "want a gateway response type: "+strings.Join(ResponseTypes, ", ")))
				}
			}
		case "Authorizer":
			c.Authorizer = str(f, fp)
			c.AuthorizerLine, c.AuthorizerColumn = policy.LineCol(doc.Text, int(f.Off))
			if !slices.Contains([]string{NoAuthorizer, Lambda, Cognito, IAM}, c.Authorizer) {
				errs = append(errs, doc.Err(f, fp, "", "want none, lambda, cognito or iam"))
			}
		case "AuthorizerOnOptions":
			if f.Kind != jsonpos.Bool {
				errs = append(errs, doc.Err(f, fp, "", "want true or false"))
			}
			c.AuthorizerOnOptions = f.Bool
		case "Integration":
			c.Integration = str(f, fp)
			c.MethodLine, c.MethodColumn = policy.LineCol(doc.Text, int(f.Off))
			if !slices.Contains([]string{Mock, NonProxy, LambdaProxy, HTTPProxy}, c.Integration) {
				errs = append(errs, doc.Err(f, fp, "", "want mock, non-proxy, lambda-proxy or http-proxy"))
			}
		default:
			errs = append(errs, doc.Err(f, fp, "", "unknown field "+strconv.Quote(k)+"; must be one of: AllowOrigin, AllowMethods, AllowHeaders, ExposeHeaders, MaxAge, AllowCredentials, GatewayResponses, Integration, Authorizer, AuthorizerOnOptions"))
		}
	}
	if !hasMethods || len(c.AllowMethods) == 0 {
		errs = append(errs, doc.Err(v, path, "", "AllowMethods is required: the methods ticked in Enable CORS, OPTIONS included"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// unquote drops the single quotes of an integration-response mapping
// value ('*' is the literal *).
func unquote(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return s[1 : len(s)-1]
	}
	return s
}

// responseClass is the Gateway Response type that covers status:
// DEFAULT_4XX or DEFAULT_5XX (§5.2).
func responseClass(status int) string {
	return "DEFAULT_" + strconv.Itoa(status/100) + "XX"
}
