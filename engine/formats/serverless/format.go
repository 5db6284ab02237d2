package serverless

import (
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Name is the format's registered name.
const Name = "serverless"

// Formats are this package's formats, for a policy.Registry (engine/all
// lists them).
func Formats() []policy.Format { return []policy.Format{&format{}} }

// format is a serverless.yml as a policy.Format, with the capabilities the
// engine finds by type assertion: reading its cors settings into the
// neutral model (ReadRules, StateRules), editing the user's YAML (EditText,
// FileName: edit.go) and naming the platform (Platform, Doc). It writes no
// serverless.yml from another platform's rules: a conversion target is a
// whole service, not a cors setting.
type format struct{}

// Name implements policy.Format.
func (*format) Name() string { return Name }

// Title implements policy.Titled.
func (*format) Title() string { return "Serverless Framework: serverless.yml" }

// Detect implements policy.Format: YAML with a top-level "service:" and
// "functions:" or "provider:", the keys of a serverless.yml, and none of a
// CloudFormation template's top-level keys (a serverless.yml nests its
// own Resources under "resources:").
func (*format) Detect(text string) (bool, string) {
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if strings.HasPrefix(t, "{") || strings.HasPrefix(t, "[") || strings.HasPrefix(t, "<") {
		return false, ""
	}
	top := func(k string) bool { return strings.HasPrefix(t, k) || strings.Contains(t, "\n"+k) }
	if top("Resources:") || top("AWSTemplateFormatVersion:") || top("Transform:") {
		return false, ""
	}
	if top("service:") && (top("functions:") || top("provider:")) {
		return true, "YAML with top-level service and functions or provider (a Serverless Framework serverless.yml)"
	}
	return false, ""
}

// Parse implements policy.Format: the Service the file deploys.
func (*format) Parse(text string) (policy.Evaluator, error) {
	s, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// ParseSource implements policy.SourceParser: the file with its
// variables' values from src.Params (the CLI's --param NAME=value).
func (*format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	s, err := ParseParams(src.Main(), src.Params)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// Platform implements lint.Platformer.
func (*format) Platform() string { return "API Gateway (Serverless Framework)" }

// Doc implements explain.Documented.
func (*format) Doc() string { return DocREST + "; " + DocHTTP }

// semantics: a REST API's origins are matched with "*" as any run of
// characters (DocREST: "Wildcards are accepted"), an HTTP API's "https://*"
// by scheme, which that reading covers; "*" in the headers is sent as
// written.
var semantics = portable.Semantics{Origins: portable.OriginsGlob}

// ReadRules implements convert.Reader: each http event's cors setting, in
// file order, then provider.httpApi.cors, as rules of the neutral model,
// each value at its line and column in the user's file.
func (*format) ReadRules(text string) (*portable.Config, error) {
	s, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return s.Rules(), nil
}

// ReadSourceRules implements convert.SourceReader: the file with its
// variables' values from src.Params, as ParseSource reads it (lint and
// convert take --param for it too; found as a new user would: lint
// refused the --param its own error asked for).
func (*format) ReadSourceRules(src policy.Source) (*portable.Config, error) {
	s, err := ParseParams(src.Main(), src.Params)
	if err != nil {
		return nil, err
	}
	return s.Rules(), nil
}

// StateRules implements convert.Stater.
func (*format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	s, ok := ev.(*Service)
	if !ok {
		return nil, false
	}
	return s.Rules(), true
}

// Rules are s's cors settings in the neutral model: one rule an http event
// with cors (its method, the path's prefix up to its first parameter), then
// provider.httpApi.cors (its methods, every path).
func (s *Service) Rules() *portable.Config {
	cfg := &portable.Config{Format: Name, Semantics: semantics}
	for i := range s.Endpoints {
		ep := &s.Endpoints[i]
		if ep.CORS == nil {
			continue
		}
		c := ep.CORS
		r := rule(c, len(cfg.Rules), "origins", "headers")
		r.Name = ep.At.Path
		for _, m := range ep.methods() {
			r.Methods = append(r.Methods, portable.Value{Text: m, Pos: ep.At})
		}
		r.Paths = []string{prefix(ep.Path)}
		if r.Paths[0] != ep.Path {
			r.PathNote = "the event's path " + ep.Path + " has parameters; the rule covers " + r.Paths[0] + " and below"
		} else {
			// A REST API resource is its path alone: another path is
			// another resource, which API Gateway answers 403
			// ("Missing Authentication Token") without CORS headers.
			r.PathNote = "the event's path " + ep.Path + " is one REST API resource; the portable form covers it and every path below it"
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	rest := len(cfg.Rules) > 0
	if rest {
		// An http event's method is its route's: the REST API answers
		// another method of the path from another event, or 403. So
		// GET is no needless CORS list entry there (lint's
		// safelisted-method), and a rule is picked by method.
		cfg.Semantics.MethodSelects = true
	}
	if s.HTTPCORS != nil {
		c := s.HTTPCORS
		r := rule(c, len(cfg.Rules), "allowedOrigins", "allowedHeaders")
		r.Name = "provider.httpApi.cors"
		for i, m := range s.httpConfig().AllowMethods {
			r.Methods = append(r.Methods, portable.Value{Text: m, Pos: c.valueAt("allowedMethods", i)})
		}
		for i, h := range c.ExposeHeaders {
			r.ExposeHeaders = append(r.ExposeHeaders, portable.Value{Text: h, Pos: c.valueAt("exposedResponseHeaders", i)})
		}
		if rest {
			// The http events make a REST API and the httpApi events
			// an HTTP API: two APIs, each on a host of its own
			// (DocHTTP), which one rule list cannot keep apart.
			r.Notes = append(r.Notes, portable.Note{Rule: r.Index, Field: "paths", Effect: portable.Wider, Pos: c.At,
				Message: "provider.httpApi.cors is the HTTP API's (httpApi events), an API apart from the REST API of the http events; the portable form has no host, so this rule would also answer the REST API's paths, for origins and methods its events refuse"})
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	return cfg
}

func rule(c *Cors, i int, originsKey, headersKey string) portable.ConfigRule {
	r := portable.ConfigRule{Index: i, Pos: c.At, Credentials: c.AllowCredentials, MaxAge: c.MaxAge,
		CredentialsPos: c.valueAt("allowCredentials", 0), MaxAgePos: c.valueAt("maxAge", 0)}
	ok := originsKey
	if _, has := c.Values["origin"]; has && originsKey == "origins" {
		// "origin" and "origins" both fill Origins, origin's first.
		ok = "origin"
	}
	for j, o := range c.Origins {
		p := c.valueAt(ok, j)
		if ok == "origin" && j >= len(c.Values["origin"]) {
			p = c.valueAt("origins", j-len(c.Values["origin"]))
		}
		r.Origins = append(r.Origins, portable.Value{Text: o, Pos: p})
	}
	for j, h := range c.Headers {
		r.AllowHeaders = append(r.AllowHeaders, portable.Value{Text: h, Pos: c.valueAt(headersKey, j)})
	}
	return r
}

// prefix is path up to its first {parameter}.
func prefix(path string) string {
	if i := strings.IndexByte(path, '{'); i >= 0 {
		p := strings.TrimSuffix(path[:i], "/")
		if p == "" {
			return "/"
		}
		return p
	}
	return path
}

// Traps implements advise.Trapper: the two ways a serverless.yml with cors
// still fails in the browser. With the default lambda-proxy integration,
// cors answers only the preflight: the function's own response must carry
// Access-Control-Allow-Origin ("remember to include the
// Access-Control-Allow-* headers in your headers object", DocREST), and
// app, the function's reply, has none. And API Gateway's own error
// replies (a missing route, an authorizer's 401 or 403, throttling) carry
// no CORS headers unless the file's resources add GatewayResponses
// (https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-gatewayResponse-definition.html).
func (f *format) Traps(text string, app headers.List) []portable.Finding {
	return traps(text, app, true)
}

// CheckText implements lint.TextChecker: the traps, without a reply of
// the function's to look at, so the lambda-proxy reminder is said as
// one (info). Tried as a new user would, lint said nothing of it while
// explain warned.
func (*format) CheckText(text string) []portable.Finding { return traps(text, nil, false) }

// traps are Traps; withReply: app is the function's reply, whose own
// Access-Control-Allow-Origin decides the lambda-proxy warning.
func traps(text string, app headers.List, withReply bool) []portable.Finding {
	s, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for i := range s.Endpoints {
		ep := &s.Endpoints[i]
		if ep.CORS == nil || ep.Integration != apigw.LambdaProxy || app.Has("Access-Control-Allow-Origin") {
			continue
		}
		f := portable.Finding{Severity: "warning", Code: "serverless-proxy-cors", Pos: ep.CORS.At,
			Message: "cors on " + ep.At.Path + " answers only the preflight: with the lambda-proxy integration the function's response must carry Access-Control-Allow-Origin itself, and this one has none (" + DocREST + ")."}
		if !withReply {
			f.Severity = "info"
			f.Message = "cors on " + ep.At.Path + " answers only the preflight: with the lambda-proxy integration (the default) the function's response must carry Access-Control-Allow-Origin (and, with credentials, Access-Control-Allow-Credentials) itself (" + DocREST + ")."
		}
		out = append(out, f)
		break
	}
	if len(s.Endpoints) > 0 && !strings.Contains(text, "AWS::ApiGateway::GatewayResponse") {
		for i := range s.Endpoints {
			if s.Endpoints[i].CORS != nil {
				out = append(out, portable.Finding{Severity: "info", Code: "serverless-gateway-responses", Pos: s.Endpoints[i].CORS.At,
					Message: "API Gateway's own error replies (no route, an authorizer's 401 or 403, throttling) carry no CORS headers: the browser reports a CORS error instead of the status. Add AWS::ApiGateway::GatewayResponse resources (DEFAULT_4XX, DEFAULT_5XX) with Access-Control-Allow-Origin under resources.Resources."})
				break
			}
		}
	}
	return out
}
