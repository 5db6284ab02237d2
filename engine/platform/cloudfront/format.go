package cloudfront

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Name is the format's registered name.
const Name = "cloudfront-rhp"

// platform is CloudFront's name in lint's and the explainer's sentences.
const platform = "CloudFront"

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them): cloudfront-rhp, a response headers policy's CORS settings
// in the CloudFront API's JSON.
func Formats() []policy.Format { return []policy.Format{&format{}} }

// format is cloudfront-rhp as a policy.Format, with the capabilities the
// engine finds by type assertion: reading into the neutral model
// (ReadRules, StateRules: rules.go), writing from it (WriteRules:
// write.go), editing the user's text (EditText, FileName: edit.go),
// naming the platform (Platform, Doc) and the trap of an origin's own
// CORS headers (Traps).
type format struct{}

// Name implements policy.Format.
func (*format) Name() string { return Name }

// Title implements policy.Titled.
func (*format) Title() string { return "CloudFront response headers policy" }

// Detect implements policy.Format: a JSON object with CorsConfig's own
// member names (no other format spells them), or a ResponseHeadersPolicyConfig,
// and not a CloudFormation template (whose AWS::CloudFront::ResponseHeadersPolicy
// holds the same names).
func (*format) Detect(text string) (bool, string) {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") || strings.Contains(t, `"Resources"`) || strings.Contains(t, `"AWSTemplateFormatVersion"`) {
		return false, ""
	}
	if strings.Contains(t, `"AccessControlAllowOrigins"`) || strings.Contains(t, `"ResponseHeadersPolicyConfig"`) {
		return true, `a JSON object with AccessControlAllowOrigins or ResponseHeadersPolicyConfig (a CloudFront response headers policy)`
	}
	return false, ""
}

// Parse implements policy.Format: the Distribution the policy sets up.
func (*format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return Distribution{CORS: c}, nil
}

// Platform implements lint.Platformer.
func (*format) Platform() string { return platform }

// Doc implements explain.Documented: the page the evaluation rests on.
func (*format) Doc() string { return SourceGuide }

// Traps implements advise.Trapper: with OriginOverride false, a CORS
// header the origin sends itself is passed on in place of the policy's
// ("CloudFront includes the CORS header it received from the origin",
// SourceGuide), so the policy's value is not what the browser sees.
func (*format) Traps(text string, app headers.List) []portable.Finding {
	c, err := Parse(text)
	if err != nil || c == nil || c.OriginOverride {
		return nil
	}
	var names []string
	for _, f := range app {
		if strings.HasPrefix(strings.ToLower(f.Name), "access-control-") {
			names = append(names, f.Name)
		}
	}
	if len(names) == 0 {
		return nil
	}
	return []portable.Finding{{Severity: "warning", Code: "cloudfront-origin-cors-wins",
		Pos: c.ValueAt(FieldOriginOverride, 0).Portable(),
		Message: "OriginOverride is false and the origin sends its own " + strings.Join(names, ", ") +
			": CloudFront passes the origin's header on instead of the policy's (" + SourceGuide + "). Set OriginOverride to true, or remove the CORS headers at the origin."}}
}
