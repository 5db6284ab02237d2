package lambdaurl

import (
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Name is the format's registered name.
const Name = "lambda-url"

// platform is a function URL's name in lint's and the explainer's sentences.
const platform = "Lambda function URL"

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them): lambda-url, the Lambda API's JSON of a function URL's CORS
// settings.
func Formats() []policy.Format { return []policy.Format{&format{}} }

// format is lambda-url as a policy.Format, with the capabilities the
// engine finds by type assertion: reading into the neutral model
// (ReadRules, StateRules: rules.go), writing from it (WriteRules:
// write.go), editing the user's text (EditText, FileName), naming the
// platform (Platform, Doc) and the trap of a function's own CORS headers
// (Traps).
type format struct{}

// Name implements policy.Format.
func (*format) Name() string { return Name }

// Title implements policy.Titled.
func (*format) Title() string { return "Lambda function URL: its Cors configuration" }

// Detect implements policy.Format. It claims a JSON object with a "Cors"
// member (get-function-url-config output, --cli-input-json) or a function
// URL's own keys, and not a CloudFormation template (which holds "Cors"
// in AWS::Lambda::Url and AWS::Serverless::Api resources). The Cors object
// alone ({"AllowOrigins": ...}, the CLI's --cors JSON) has the same keys
// as an API Gateway HTTP API's CorsConfiguration, so it is not claimed:
// the user names the format.
func (*format) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") || strings.Contains(t, `"Resources"`) || strings.Contains(t, `"AWSTemplateFormatVersion"`) {
		return false, ""
	}
	if strings.Contains(t, `"Cors"`) || strings.Contains(t, `"FunctionUrl"`) {
		return true, `a JSON object with "Cors" or "FunctionUrl" (a Lambda function URL configuration)`
	}
	return false, ""
}

// Parse implements policy.Format: the Function the configuration sets up.
func (*format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return Function{CORS: c}, nil
}

// editKeys are the Cors object's names as a fix edits them.
var editKeys = &fix.JSONKeys{Origins: FieldAllowOrigins, Methods: FieldAllowMethods, Headers: FieldAllowHeaders, Credentials: FieldAllowCredentials}

// EditText implements fix.Editor: e made in the user's own JSON, one more
// string in a list or AllowCredentials set to true, every other byte as
// it was (fix.EditJSON).
func (*format) EditText(text string, e fix.Edit) (string, error) {
	return fix.EditJSON(text, editKeys, e)
}

// FileName implements fix.Editor: the name a diff of the user's text shows.
func (*format) FileName() string { return "function-url-config.json" }

// Platform implements lint.Platformer.
func (*format) Platform() string { return platform }

// Doc implements explain.Documented: the page the evaluation rests on.
func (*format) Doc() string { return Source }

// Traps implements advise.Trapper: a function that returns its own
// Access-Control-* headers behind a function URL with CORS configured has
// them replaced where the configuration sends the same header ("the
// configured CORS headers on the function URL take precedence",
// urls-configuration.html#urls-cors), so changing the function's headers
// changes nothing the browser sees.
func (*format) Traps(text string, app headers.List) []portable.Finding {
	c, err := Parse(text)
	if err != nil || c == nil {
		return nil
	}
	for _, f := range app {
		if strings.HasPrefix(strings.ToLower(f.Name), "access-control-") {
			return []portable.Finding{{Severity: "warning", Code: "lambda-url-function-headers-overridden",
				Pos: c.At.Portable(), Message: "The function returns its own " + f.Name + ", but the function URL has a CORS configuration, whose headers take precedence over the function's (" + Source + "); change the function URL's Cors, not the function."}}
		}
	}
	return nil
}
