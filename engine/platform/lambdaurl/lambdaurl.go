// Package lambdaurl is the one home of AWS Lambda function URL CORS
// settings (the Lambda API's Cors object, CreateFunctionUrlConfig): it
// holds the model (Cors), answers requests as a function URL does
// (Function, a policy.Evaluator), checks a configuration as Lambda does
// (Validate), and offers the lambda-url format.
//
// The template readers construct these models: engine/formats/cloudformation
// from AWS::Lambda::Url Cors and AWS::Serverless::Function
// FunctionUrlConfig.Cors, and engine/formats/terraform from
// aws_lambda_function_url cors. They fill Cors (with At and Values for
// positions in the user's template) and evaluate with Function{CORS: c}.
//
// # Semantics
//
// Documented ([DOC], with the source URL next to each choice in the code):
//   - "Lambda automatically adds the CORS headers to all responses through
//     the function URL"; "if there are conflicting headers, the configured
//     CORS headers on the function URL take precedence" over the headers
//     the function returns
//     (https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors).
//   - Field limits: AllowOrigins and AllowHeaders and ExposeHeaders at
//     most 100 items, origins 1 to 253 characters, headers up to 1024,
//     AllowMethods at most 6 items of up to 6 characters, MaxAge 0 to
//     86400 (https://docs.aws.amazon.com/lambda/latest/api/API_Cors.html);
//     methods one of GET, PUT, HEAD, POST, PATCH, DELETE, *
//     (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-url-cors.html).
//
// Not documented by AWS, each marked [UNVERIFIED] where it is chosen: that
// a preflight is answered without invoking the function (a peer emulator,
// KensioSoftware/yulin#1241, does the same), the status and headers of
// that answer, the reply to an origin not allowed, Vary, and the case
// rules of matching.
package lambdaurl

import (
	"github.com/whycors/whycors/engine/platform/internal/wire"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/platform/internal/place"
	"github.com/whycors/whycors/engine/policy"
)

// Cors is a function URL's CORS configuration, with the Lambda API's
// field names (API_Cors.html). MaxAge is nil when unset (Lambda's default
// is 0: the browser does not cache the preflight).
type Cors struct {
	AllowCredentials bool
	AllowHeaders     []string
	AllowMethods     []string
	AllowOrigins     []string
	ExposeHeaders    []string
	MaxAge           *int

	// At is where the Cors object is in the text it was read from, and
	// Values where each value is, by field name ("AllowOrigins",
	// "MaxAge", "AllowCredentials", ...) and list index (one entry for a
	// scalar). Readers fill them; both are zero for a Cors built by hand.
	At     Position
	Values map[string][]Position

	// joins are the header values the lists make, joined once by Parse;
	// wire.Joined and wire.Decimal check them against the lists, so a
	// Cors built or changed by hand is joined per reply.
	joins wire.Joins
}

// Position is a place in the user's text: a path (a JSON path such as
// $.Cors.AllowOrigins[0], or a template's own path) and a 1-based line and
// column.
type Position = place.Position

// The field names of Cors, as the Lambda API spells them; Values is keyed
// by them.
const (
	FieldAllowCredentials = "AllowCredentials"
	FieldAllowHeaders     = "AllowHeaders"
	FieldAllowMethods     = "AllowMethods"
	FieldAllowOrigins     = "AllowOrigins"
	FieldExposeHeaders    = "ExposeHeaders"
	FieldMaxAge           = "MaxAge"
)

// ValueAt returns the position of value i of field, or of the Cors object when
// the reader did not record it.
func (c *Cors) ValueAt(field string, i int) Position {
	return place.At(c.Values, field, i, c.At)
}

// Limits of the Cors object (API_Cors.html).
const (
	MaxItems        = 100   // AllowOrigins, AllowHeaders, ExposeHeaders
	MaxMethods      = 6     // AllowMethods
	MaxOriginLen    = 253   // each origin, at least 1
	MaxHeaderLen    = 1024  // each header name
	MaxMethodLen    = 6     // each method
	MaxMaxAge       = 86400 // MaxAge, at least 0
	codeValidation  = "ValidationException"
	sourceAPICors   = "https://docs.aws.amazon.com/lambda/latest/api/API_Cors.html"
	sourceCFNMethod = "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-url-cors.html"
)

// Methods are the values AllowMethods takes (CloudFormation's allowed
// values for AWS::Lambda::Url Cors AllowMethods, sourceCFNMethod).
var Methods = []string{"GET", "PUT", "HEAD", "POST", "PATCH", "DELETE", "*"}

// Validate checks c as CreateFunctionUrlConfig and UpdateFunctionUrlConfig
// do and returns every fault, each at its position. Lambda's messages for
// member constraints follow the AWS validation wording ("Member must have
// length less than or equal to 6"); the exact text is [UNVERIFIED].
func Validate(c *Cors) policy.Errors {
	if c == nil {
		return nil
	}
	var errs policy.Errors
	count := func(field string, list []string, max int) {
		if len(list) > max {
			errs = append(errs, c.ValueAt(field, max).Err(codeValidation,
				"cors."+lowerFirst(field)+" has "+strconv.Itoa(len(list))+" items: Member must have length less than or equal to "+strconv.Itoa(max)+" ("+sourceAPICors+")"))
		}
	}
	length := func(field string, list []string, min, max int) {
		for i, s := range list {
			if len(s) < min || len(s) > max {
				want := "less than or equal to " + strconv.Itoa(max)
				if len(s) < min {
					want = "greater than or equal to " + strconv.Itoa(min)
				}
				errs = append(errs, c.ValueAt(field, i).Err(codeValidation,
					"cors."+lowerFirst(field)+" value "+strconv.Quote(s)+": Member must have length "+want+" ("+sourceAPICors+")"))
			}
		}
	}
	count(FieldAllowOrigins, c.AllowOrigins, MaxItems)
	length(FieldAllowOrigins, c.AllowOrigins, 1, MaxOriginLen)
	count(FieldAllowHeaders, c.AllowHeaders, MaxItems)
	length(FieldAllowHeaders, c.AllowHeaders, 0, MaxHeaderLen)
	count(FieldExposeHeaders, c.ExposeHeaders, MaxItems)
	length(FieldExposeHeaders, c.ExposeHeaders, 0, MaxHeaderLen)
	count(FieldAllowMethods, c.AllowMethods, MaxMethods)
	length(FieldAllowMethods, c.AllowMethods, 0, MaxMethodLen)
	for i, m := range c.AllowMethods {
		if len(m) <= MaxMethodLen && !isMethod(m) {
			errs = append(errs, c.ValueAt(FieldAllowMethods, i).Err(codeValidation,
				"cors.allowMethods value "+strconv.Quote(m)+" is not one of "+strings.Join(Methods, ", ")+" ("+sourceCFNMethod+")"))
		}
	}
	if c.MaxAge != nil && (*c.MaxAge < 0 || *c.MaxAge > MaxMaxAge) {
		errs = append(errs, c.ValueAt(FieldMaxAge, 0).Err(codeValidation,
			"cors.maxAge "+strconv.Itoa(*c.MaxAge)+": Member must have value between 0 and "+strconv.Itoa(MaxMaxAge)+" ("+sourceAPICors+")"))
	}
	return errs
}

// isMethod reports whether m is one of Methods. Lambda's case rule is not
// documented; the console and CloudFormation list them in capitals, and
// we take them as written ([UNVERIFIED]).
func isMethod(m string) bool {
	for _, x := range Methods {
		if m == x {
			return true
		}
	}
	return false
}

func lowerFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToLower(s[:1]) + s[1:]
}

// Source is cited on the trace of a function URL's CORS configuration.
const Source = "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors (function URL CORS)"

// Function answers requests as a Lambda function URL whose CORS
// configuration is CORS (nil: the function URL has none, and the function
// answers everything itself). It implements policy.Evaluator: the app
// reply is what the function returns.
type Function struct {
	CORS *Cors
}

// Respond implements policy.Evaluator.
func (f Function) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	c := f.CORS
	if c == nil {
		// No CORS configuration: every request, OPTIONS included, reaches
		// the function, and its reply goes out as it is.
		return policy.Outcome{Reply: app, Decision: policy.Note{Case: caseNoCORS}, Words: words{}}
	}
	origin, hasOrigin := req.Header.Get("Origin")
	acrm, hasACRM := req.Header.Get("Access-Control-Request-Method")
	preflight := req.Method == "OPTIONS" && hasOrigin && hasACRM
	t := policy.Rule{Index: 0, Path: c.At.Path}
	acao, allowed := "", false
	if hasOrigin {
		acao, allowed = c.allowOrigin(origin)
		if allowed {
			t.Matched, t.Source, t.Note = true, Source, policy.Note{Case: caseOriginAllowed, Args: [4]string{origin}}
		} else {
			t.Failed, t.Note = "origin", policy.Note{Case: caseOrigin, Args: [4]string{origin}, List: c.AllowOrigins}
		}
	}
	var rules []policy.Rule
	if hasOrigin {
		rules = wire.One(req, t)
	}
	if preflight {
		// The function URL answers the preflight itself and the function
		// is not invoked ([UNVERIFIED]: the Lambda guide says only that it
		// adds the CORS headers to all responses; KensioSoftware/yulin#1241
		// models the same). 200 with an empty body ([UNVERIFIED] status).
		r := policy.Reply{Status: 200}
		if !allowed {
			// An origin not allowed gets the answer without CORS headers
			// ([UNVERIFIED]); the browser then fails the preflight.
			return policy.Outcome{Reply: r, Rules: rules, Decision: policy.Note{Case: casePreflightRefused, Args: [4]string{origin}}, Words: words{}}
		}
		r.Header = c.preflightHeaders(wire.NewList(req.Scratch, 7), acao, acrm, req.Header)
		return policy.Outcome{Reply: r, Rules: rules, Decision: policy.Note{Case: casePreflight}, Words: words{}}
	}
	reply := app
	reply.Header = app.Header.Clone()
	if !allowed {
		// Nothing configured to send for this request: the function's own
		// headers go out as it returned them (the configuration only takes
		// precedence on conflicting headers, urls-configuration.html).
		why := "no Origin header"
		if hasOrigin {
			why = "origin not allowed"
		}
		return policy.Outcome{Reply: reply, Rules: rules, Decision: policy.Note{Case: caseActualNone, Args: [4]string{why}}, Words: words{}}
	}
	// "the configured CORS headers on the function URL take precedence"
	// (urls-configuration.html#urls-cors): each header the configuration
	// sends replaces the function's header of that name.
	for _, h := range c.actualHeaders(acao) {
		if h.Name == "Vary" {
			addVary(&reply.Header, h.Value)
			continue
		}
		reply.Header.Set(h.Name, h.Value)
	}
	return policy.Outcome{Reply: reply, Rules: rules, Decision: policy.Note{Case: caseActual}, Words: words{}}
}

// allowOrigin returns the Access-Control-Allow-Origin a function URL
// sends to origin: "*" when AllowOrigins holds "*" ([UNVERIFIED]: with
// AllowCredentials a browser refuses "*", lint says so), else origin when
// listed. Comparison is exact ([UNVERIFIED] case rule); AllowOrigins takes
// no partial wildcard (API_Cors.html names only "*").
func (c *Cors) allowOrigin(origin string) (string, bool) {
	for _, o := range c.AllowOrigins {
		if o == "*" {
			return "*", true
		}
	}
	for _, o := range c.AllowOrigins {
		if o == origin {
			return origin, true
		}
	}
	return "", false
}

// preflightHeaders are a function URL's answer to an allowed preflight:
// each configured list as a comma list, as configured ([UNVERIFIED]: Lambda
// might narrow them to the request's; sending them as configured lets the
// browser decide, as API Gateway HTTP APIs do), appended to h (room for
// seven fields: no allocation).
func (c *Cors) preflightHeaders(h headers.List, acao, _ string, _ headers.List) headers.List {
	h = c.originHeaders(h, acao)
	if len(c.AllowMethods) > 0 {
		h.Add("Access-Control-Allow-Methods", wire.Joined(c.joins.Methods, c.AllowMethods, ","))
	}
	if len(c.AllowHeaders) > 0 {
		h.Add("Access-Control-Allow-Headers", wire.Joined(c.joins.Headers, c.AllowHeaders, ","))
	}
	c.addExpose(&h)
	if c.MaxAge != nil {
		h.Add("Access-Control-Max-Age", c.joins.MaxAge.Of(*c.MaxAge))
	}
	return h
}

// actualHeaders are the headers a function URL adds to the function's
// reply for an allowed origin.
func (c *Cors) actualHeaders(acao string) headers.List {
	h := c.originHeaders(make(headers.List, 0, 4), acao)
	c.addExpose(&h)
	return h
}

// originHeaders appends to h the start of a reply's CORS headers:
// Access-Control-Allow-Origin, Vary and Access-Control-Allow-Credentials.
func (c *Cors) originHeaders(h headers.List, acao string) headers.List {
	h.Add("Access-Control-Allow-Origin", acao)
	if acao != "*" {
		h.Add("Vary", "Origin") // [UNVERIFIED]
	}
	if c.AllowCredentials {
		h.Add("Access-Control-Allow-Credentials", "true")
	}
	return h
}

// addExpose adds Access-Control-Expose-Headers when c exposes any.
func (c *Cors) addExpose(h *headers.List) {
	if len(c.ExposeHeaders) > 0 {
		h.Add("Access-Control-Expose-Headers", wire.Joined(c.joins.Expose, c.ExposeHeaders, ","))
	}
}

// addVary adds token to the reply's Vary unless it is there already: the
// function's own Vary is not a CORS header and stays.
func addVary(h *headers.List, token string) {
	v, ok := h.Get("Vary")
	if !ok {
		h.Add("Vary", token)
		return
	}
	for _, t := range strings.Split(v, ",") {
		if t = strings.TrimSpace(t); strings.EqualFold(t, token) || t == "*" {
			return
		}
	}
	h.Set("Vary", v+", "+token)
}
