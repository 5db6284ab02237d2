package apigw

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// The format names, as the policy registry knows them.
const (
	nameHTTP = "apigw-http"
	nameREST = "apigw-rest"
)

// platform is API Gateway's name in lint's and the explainer's sentences.
const platform = "API Gateway"

// httpFormat is an HTTP API's CorsConfiguration as a policy.Format, with
// the capabilities the engine finds by type assertion: reading into the
// neutral model (ReadRules, rules.go) or into HTTPConfig (ReadModel),
// writing (WriteRules, write.go; WriteModel), editing the user's text,
// naming the platform, and the trap of a backend's own CORS headers.
type httpFormat struct{}

// restFormat is a REST API's Enable CORS settings as a policy.Format. Its
// static headers and Gateway Responses are no rule list the neutral model
// holds, so it is not read for conversion; a fix still edits its text.
type restFormat struct{}

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&httpFormat{}, &restFormat{}} }

func (*httpFormat) Name() string { return nameHTTP }
func (*restFormat) Name() string { return nameREST }

// Title implements policy.Titled.
func (*httpFormat) Title() string { return "API Gateway HTTP API: CorsConfiguration" }

// Title implements policy.Titled.
func (*restFormat) Title() string { return "API Gateway REST API: Enable CORS settings" }

func (*httpFormat) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	// A "Cors" member is a Lambda function URL's configuration
	// (engine/platform/lambdaurl), whose Cors object has the same keys.
	// A whole template (Resources of AWS:: types, as cdk synth writes
	// it) is the cloudformation format's: ParseHTTP reads no Resources.
	if strings.HasPrefix(t, "{") && (strings.Contains(t, `"AllowOrigins"`) || strings.Contains(t, `"allowOrigins"`)) && !strings.Contains(t, `"Cors"`) &&
		!(strings.Contains(t, `"Resources"`) && strings.Contains(t, `"AWS::`)) {
		return true, `a JSON object with AllowOrigins (an API Gateway HTTP API CorsConfiguration)`
	}
	return false, ""
}

func (*restFormat) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") && strings.Contains(t, `"RestApiCors"`) {
		return true, `a JSON object with RestApiCors (a REST API's Enable CORS settings)`
	}
	return false, ""
}

func (*httpFormat) Parse(text string) (policy.Evaluator, error) {
	c, err := ParseHTTP(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

func (*restFormat) Parse(text string) (policy.Evaluator, error) {
	c, err := ParseREST(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// ReadModel implements convert.ModelReader: the *HTTPConfig of text, for
// a conversion to the same form that keeps the configuration as it is.
func (*httpFormat) ReadModel(text string) (any, error) {
	c, err := ParseHTTP(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// WriteModel implements convert.ModelWriter: m written as the CLI's
// --cors-configuration JSON when m is an *HTTPConfig.
func (*httpFormat) WriteModel(m any) (string, bool, error) {
	c, ok := m.(*HTTPConfig)
	if !ok || c == nil {
		return "", false, nil
	}
	out, err := WriteHTTP(c)
	return out, true, err
}

// The key names a fix edits, as API Gateway spells them. An HTTP API
// reads its keys as the CLI and CloudFormation write them and as its API
// does (allowOrigins): Fold matches either. The REST form's origin is
// one static value and its headers one comma list, as the console's
// integration-response mapping writes them (cloud-policies.md §5.2).
var (
	httpEditKeys = &fix.JSONKeys{Origins: "AllowOrigins", Methods: "AllowMethods", Headers: "AllowHeaders", Credentials: "AllowCredentials", Fold: true}
	restEditKeys = &fix.JSONKeys{Origins: "AllowOrigin", Methods: "AllowMethods", Headers: "AllowHeaders", Credentials: "AllowCredentials", CommaHeaders: true, SingleOrigin: true}
)

// EditText implements fix.Editor.
func (*httpFormat) EditText(text string, e fix.Edit) (string, error) {
	return fix.EditJSON(text, httpEditKeys, e)
}

// EditText implements fix.Editor.
func (*restFormat) EditText(text string, e fix.Edit) (string, error) {
	return fix.EditJSON(text, restEditKeys, e)
}

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (*httpFormat) FileName() string { return "cors.json" }

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (*restFormat) FileName() string { return "cors.json" }

// Platform implements lint.Platformer.
func (*httpFormat) Platform() string { return platform }

// Platform implements lint.Platformer.
func (*restFormat) Platform() string { return platform }

// Traps implements advise.Trapper: an HTTP API with a CORS configuration
// answers CORS itself and drops the Access-Control-* headers its
// integration sends ("ignores CORS headers returned by the backend",
// http-api-cors.html, cloud-policies.md §5.1), so changing the backend
// changes nothing the browser sees.
func (*httpFormat) Traps(text string, app headers.List) []portable.Finding {
	for _, f := range app {
		if strings.HasPrefix(strings.ToLower(f.Name), "access-control-") {
			return []portable.Finding{{Severity: "warning", Code: "apigw-http-backend-ignored",
				Message: "An HTTP API with a CORS configuration answers CORS itself and ignores the Access-Control-* headers the integration sends; change the API's CorsConfiguration, not the backend."}}
		}
	}
	return nil
}

// Traps implements advise.Trapper: API Gateway's own error replies
// (authorizer denials, throttling, a missing API key, timeouts) get CORS
// headers only from the Gateway Responses DEFAULT_4XX and DEFAULT_5XX
// (cloud-policies.md §5.2), which Enable CORS does not always set.
func (*restFormat) Traps(text string, app headers.List) []portable.Finding {
	if c, err := ParseREST(text); err == nil && len(c.GatewayResponses) < 2 {
		return []portable.Finding{{Severity: "warning", Code: "apigw-rest-gateway-errors",
			Message: "API Gateway's own 4xx and 5xx replies (authorizer denials, throttling, a missing API key, timeouts) carry no CORS headers unless the Gateway Responses DEFAULT_4XX and DEFAULT_5XX add them, so the browser reports a CORS error instead of the real status."}}
	}
	return nil
}
