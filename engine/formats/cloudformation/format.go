package cloudformation

import (
	"slices"
	"strings"

	"github.com/whycors/whycors/engine/convert"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/platform/cloudfront"
	"github.com/whycors/whycors/engine/platform/lambdaurl"
	"github.com/whycors/whycors/engine/platform/s3"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Name is the format's registered name.
const Name = "cloudformation"

// doc is the reference the evaluation rests on: each resource answers
// with its platform's evaluator, which cites its own section.
const docRef = "shared/reference/cloud-policies.md §1.3 (S3), §5.1 (HTTP API), §5.2 (REST API); the AWS CloudFormation and SAM template references cited in engine/formats/cloudformation"

// format is CloudFormation and SAM templates as a policy.Format, with the
// capabilities the engine finds by type assertion.
type format struct{}

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&format{}} }

func (*format) Name() string { return Name }

// Title implements policy.Titled.
func (*format) Title() string { return "CloudFormation or SAM template" }

// Detect implements policy.Format: a JSON object with Resources whose
// types are AWS::, or YAML with a top-level Resources (or
// AWSTemplateFormatVersion, or SAM's Transform) and an AWS:: type.
func (*format) Detect(text string) (bool, string) {
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if !strings.Contains(t, "AWS::") {
		return false, ""
	}
	if strings.HasPrefix(t, "{") {
		if strings.Contains(t, `"Resources"`) {
			return true, `a JSON object with "Resources" of AWS:: types (a CloudFormation template, as cdk synth writes it)`
		}
		return false, ""
	}
	if strings.HasPrefix(t, "[") || strings.HasPrefix(t, "<") {
		return false, ""
	}
	for _, key := range []string{"Resources:", "AWSTemplateFormatVersion:", "Transform:"} {
		if strings.HasPrefix(t, key) || strings.Contains(t, "\n"+key) {
			return true, "YAML with a top-level " + strings.TrimSuffix(key, ":") + " and AWS:: types (a CloudFormation or SAM template)"
		}
	}
	return false, ""
}

// Parse implements policy.Format: the template's text alone.
func (f *format) Parse(text string) (policy.Evaluator, error) {
	return f.ParseSource(policy.Source{Text: text})
}

// ParseSource implements policy.SourceParser: the template, its
// parameter files and values, and the chosen resource.
func (*format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	t, err := Read(src)
	if err != nil {
		return nil, err
	}
	return t, nil
}

// ReadRules implements convert.Reader: the chosen resource's rules in the
// neutral model, positioned in the template, with its platform's
// semantics. A REST API's static headers are no rule list (as apigw-rest).
func (f *format) ReadRules(text string) (*portable.Config, error) {
	return f.ReadSourceRules(policy.Source{Text: text})
}

// ReadSourceRules implements convert.SourceReader: ReadRules of a
// template with its parameter files and --param values and a chosen
// resource.
func (f *format) ReadSourceRules(src policy.Source) (*portable.Config, error) {
	ev, err := f.ParseSource(src)
	if err != nil {
		return nil, err
	}
	cfg, ok, why := rules(ev.(*Template))
	if !ok {
		return nil, &convert.Error{Msg: Name + ": " + why}
	}
	return cfg, nil
}

// ReadSourceModel implements convert.SourceModelReader: the answering
// resource's configuration in its platform's own model (an S3 bucket's
// CorsConfiguration, an HTTP API's), so that a conversion to a format of
// that platform keeps every rule as written; nil when no one resource
// answers or its platform has no such model (the neutral form converts
// it).
func (*format) ReadSourceModel(src policy.Source) (any, error) {
	t, err := Read(src)
	if err != nil || t.chosen == nil {
		return nil, err
	}
	var lists [][]string
	var model any
	switch r := t.chosen; {
	case r.S3 != nil:
		if len(r.unknownMethods) > 0 {
			return nil, nil // a rule with no method known: the neutral form says so
		}
		for _, x := range r.S3.Rules {
			lists = append(lists, x.AllowedOrigins, x.AllowedMethods, x.AllowedHeaders, x.ExposeHeaders)
		}
		model = r.S3
	case r.HTTP != nil:
		lists = append(lists, r.HTTP.AllowOrigins, r.HTTP.AllowMethods, r.HTTP.AllowHeaders, r.HTTP.ExposeHeaders)
		model = r.HTTP
	default:
		return nil, nil
	}
	for _, l := range lists {
		for _, v := range l {
			if strings.HasPrefix(v, unresolvedPrefix) {
				// A value not given here: the neutral form leaves it
				// out with a note; the platform's text would hold the
				// placeholder.
				return nil, nil
			}
		}
	}
	return model, nil
}

// StateRules implements convert.Stater.
func (*format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	t, ok := ev.(*Template)
	if !ok {
		return nil, false
	}
	cfg, ok, _ := rules(t)
	return cfg, ok
}

func rules(t *Template) (*portable.Config, bool, string) {
	r := t.chosen
	if r == nil {
		return nil, false, "several resources answer by URL; " + candidates(t.Resources)
	}
	switch {
	case r.S3 != nil:
		cfg := &portable.Config{Format: Name, Platform: "S3", Semantics: s3.Semantics(), Rules: s3.PortableRules(r.S3)}
		for i, what := range r.unknownMethods {
			// The rule answers nothing here; written with no method,
			// a target would give it its own default methods.
			what = strings.TrimSuffix(strings.TrimPrefix(what, unresolvedPrefix), ">")
			cr := &cfg.Rules[i]
			cr.Notes = append(cr.Notes, portable.Note{Rule: i, Field: "methods", Effect: portable.Wider, Pos: cr.Pos,
				Message: "AllowedMethods is " + what + ", which has no value here (a parameter without a Default, or a value of the deployment), so the rule's methods are unknown: give it with --param to convert this rule"})
		}
		return cfg, true, ""
	case r.HTTP != nil:
		c := r.HTTP
		at := portable.Pos{Path: r.Path, Line: r.Line, Column: r.Column}
		cr := portable.ConfigRule{Name: r.ID, Pos: at, MaxAge: c.MaxAge, Credentials: c.AllowCredentials, CredentialsPos: at, MaxAgePos: at}
		vals := func(key string, v []string) []portable.Value {
			out := make([]portable.Value, len(v))
			for i, s := range v {
				out[i] = portable.Value{Text: s, Pos: at}
				if ps := r.pos[key]; i < len(ps) {
					out[i].Pos = ps[i]
				}
			}
			return out
		}
		cr.Origins, cr.Methods = vals("AllowOrigins", c.AllowOrigins), vals("AllowMethods", c.AllowMethods)
		cr.AllowHeaders, cr.ExposeHeaders = vals("AllowHeaders", c.AllowHeaders), vals("ExposeHeaders", c.ExposeHeaders)
		if r.defaultRouteCatchesPreflights() {
			// The rules alone would allow what the API refuses: every
			// preflight gets the authorizer's 401 (found as a new user
			// would: convert wrote the rules, exit 0, and diff then
			// called the converted policy wider).
			cr.Notes = append(cr.Notes, portable.Note{Rule: 0, Field: "origins", Effect: portable.Wider, Pos: at,
				Message: r.ID + "'s $default route has an authorizer and no OPTIONS /{proxy+} route without authorization takes the preflights first, so API Gateway answers every preflight with the authorizer's 401 (http-api-cors.html); the converted rules would answer them: add an OPTIONS /{proxy+} route without authorization to the source, then convert"})
		}
		// Origins compared exactly, or by scheme for https://* (§5.1), as apigw-http.
		return &portable.Config{Format: Name, Platform: "API Gateway HTTP API", Semantics: portable.Semantics{Origins: portable.OriginsScheme}, Rules: []portable.ConfigRule{cr}}, true, ""
	case r.Lambda != nil:
		cfg := lambdaurl.Rules(r.Lambda)
		cfg.Format, cfg.Platform = Name, "Lambda function URL"
		return cfg, true, ""
	case r.CloudFront != nil:
		cfg := cloudfront.Rules(r.CloudFront)
		cfg.Format, cfg.Platform = Name, "CloudFront"
		return cfg, true, ""
	}
	return nil, false, r.ID + " (" + r.Type + ") sends static headers from an OPTIONS mock integration, which is no rule list"
}

// Companion implements policy.Companion: a parameter file, the CLI's
// [{"ParameterKey": ..., "ParameterValue": ...}] or a template
// configuration file {"Parameters": {...}} that is no template.
func (*format) Companion(text string) bool {
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "[") && !strings.HasPrefix(t, "{") || strings.Contains(t, `"Resources"`) {
		return false
	}
	given := map[string]string{}
	return len(paramFile(policy.File{Text: text}, given)) == 0 && len(given) > 0
}

// Resources implements policy.Resourcer: the logical IDs of the
// template's resources with a CORS configuration, for a lint of each
// with its own platform's semantics.
func (*format) Resources(src policy.Source) []string {
	t, err := read(src, false)
	if err != nil {
		return nil
	}
	out := make([]string, len(t.Resources))
	for i, r := range t.Resources {
		out[i] = r.ID
	}
	return out
}

// Platform implements lint.Platformer: the template's resources are AWS
// services (S3, API Gateway, Lambda, CloudFront), which answer; the
// template does not.
func (*format) Platform() string { return "AWS" }

// Doc implements explain.Documented.
func (*format) Doc() string { return docRef }

// CheckText implements lint.TextChecker: what the verdict assumes for
// values the template leaves unresolved, and an S3 rule whose "*" origin
// S3 answers without Access-Control-Allow-Credentials.
func (f *format) CheckText(text string) []portable.Finding {
	return f.CheckSource(policy.Source{Text: text})
}

// CheckSource implements lint.SourceChecker: CheckText of a template with
// its parameter files, --param values and chosen resource.
func (*format) CheckSource(src policy.Source) []portable.Finding {
	t, err := Read(src)
	if err != nil {
		return nil
	}
	return t.Traps()
}

// Traps implements advise.Trapper: the template's traps but what it
// leaves unresolved, which the explainer's --param values may resolve
// (Traps sees the text alone).
func (f *format) Traps(text string, _ headers.List) []portable.Finding {
	var out []portable.Finding
	for _, x := range f.CheckText(text) {
		if x.Code != codeUnresolved {
			out = append(out, x)
		}
	}
	return out
}

// Traps are the template's traps: its Assumptions, and each S3 rule
// whose AllowedOrigins hold "*", for which S3 sends no
// Access-Control-Allow-Credentials, so that a fetch with credentials
// fails (cloud-policies.md §0 item 4).
func (t *Template) Traps() []portable.Finding {
	out := append(append([]portable.Finding(nil), t.Assumptions...), t.Findings...)
	for _, r := range t.Resources {
		if r.REST != nil && len(r.REST.GatewayResponses) < 2 {
			// As apigw-rest's trap: API Gateway's own errors get CORS
			// headers only from DEFAULT_4XX and DEFAULT_5XX gateway
			// responses (supported-gateway-response-types.html). Tried
			// as a new user would, lint of a SAM API behind an
			// authorizer said nothing of it.
			// Only what is missing is named (found as a new user
			// would: DEFAULT_4XX was asked for beside itself).
			var missing, kinds []string
			for _, g := range []struct{ t, k string }{{"DEFAULT_4XX", "4xx"}, {"DEFAULT_5XX", "5xx"}} {
				if !slices.Contains(r.REST.GatewayResponses, g.t) {
					missing, kinds = append(missing, g.t), append(kinds, g.k)
				}
			}
			out = append(out, portable.Finding{Severity: "warning", Code: "apigw-rest-gateway-errors",
				Message: r.ID + ": API Gateway's own " + strings.Join(kinds, " and ") + " replies (authorizer denials, throttling, a missing API key, timeouts) carry no CORS headers unless the gateway response" + plural(len(missing)) + " " + strings.Join(missing, " and ") + " add" + singular(len(missing)) + " them (SAM: the API's GatewayResponses), so the browser reports a CORS error instead of the real status",
				Pos:     portable.Pos{Path: r.Path, Line: r.Line, Column: r.Column}})
		}
		if r.HTTP != nil && r.defaultRouteCatchesPreflights() {
			// The classic HTTP API trap, which explain finds at the
			// preflight: found as a new user would, lint said nothing
			// of it in SAM, CloudFormation or Terraform.
			out = append(out, portable.Finding{Severity: "error", Code: apigw.CodeDefaultAuthorizer,
				Message: apigw.DefaultAuthorizerMessage(r.ID, "add an AWS::ApiGatewayV2::Route with RouteKey OPTIONS /{proxy+} and AuthorizationType NONE (SAM: an HttpApi event of Method OPTIONS, Path /{proxy+}, Auth.Authorizer NONE)"),
				Pos:     portable.Pos{Path: r.Path, Line: r.Line, Column: r.Column}})
		}
		if r.S3 == nil {
			continue
		}
		for _, rule := range r.S3.Rules {
			for i, o := range rule.AllowedOrigins {
				if o != "*" {
					continue
				}
				p := rule.ValueAt(s3.OriginsList, i)
				out = append(out, portable.Finding{Severity: "warning", Code: "cfn-s3-star-credentials",
					Message: r.ID + ": S3 answers AllowedOrigins '*' with Access-Control-Allow-Origin: * and no Access-Control-Allow-Credentials, so a fetch with credentials (cookies, credentials: 'include') from a page is refused; list the page's origins instead",
					Pos:     portable.Pos{Path: p.Path, Line: p.Line, Column: p.Column}})
			}
		}
	}
	return out
}

// plural is "s" for n other than 1; singular "s" for n of 1 (a verb's).
func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func singular(n int) string {
	if n == 1 {
		return "s"
	}
	return ""
}
