// Package serverless reads a Serverless Framework serverless.yml and
// answers requests as the API Gateway APIs it deploys do: the REST API of
// its http events, whose cors setting makes the framework generate an
// OPTIONS method with a mock integration, and the HTTP API of its httpApi
// events, whose provider.httpApi.cors becomes the API's CorsConfiguration.
// Each is evaluated with engine/platform/apigw's models (apigw.RESTConfig,
// apigw.HTTPConfig); the endpoint that answers is chosen by the request
// URL's path. Its format:
//
//	serverless  a serverless.yml (YAML; anchors, aliases and << merges
//	            resolve; Serverless variables such as ${self:...} are
//	            reported unresolved, at their position)
//
// What the framework writes, from its documentation
// (https://www.serverless.com/framework/docs/providers/aws/events/apigateway#enabling-cors
// and https://www.serverless.com/framework/docs/providers/aws/events/http-api#cors-setup):
//   - http events: "cors: true" is origin '*', headers Content-Type,
//     X-Amz-Date, Authorization, X-Api-Key, X-Amz-Security-Token,
//     X-Amz-User-Agent, allowCredentials false; the object form takes
//     origin (one value, or several comma-separated), origins (a list,
//     wildcards accepted), headers, allowCredentials, maxAge and
//     cacheControl. The preflight response carries Access-Control-Allow-
//     Origin, -Headers, -Methods and -Credentials (only when true), -Max-Age
//     and Cache-Control when set. With several origins a response template
//     echoes the request's Origin when it matches one of them. With the
//     default lambda-proxy integration the function must return the CORS
//     headers of the actual response itself; with the lambda integration
//     Access-Control-Allow-Origin and -Credentials are added to it.
//   - provider.httpApi.cors: "true" is Access-Control-Allow-Origin *,
//     -Allow-Headers the six headers above, -Allow-Methods OPTIONS and every
//     method of the httpApi events; the object form takes allowedOrigins,
//     allowedHeaders, allowedMethods, allowCredentials,
//     exposedResponseHeaders and maxAge.
//
// From the framework's source, not its documentation ([UNVERIFIED] against
// a deployment): the preflight's Access-Control-Allow-Methods is OPTIONS
// and the methods of the path's http events with cors; the cors settings
// of several events on one path are merged (lists joined, credentials if
// any says so); an Origin no origin matches gets the origins joined with
// "," as the static value, which no browser accepts (serverless/serverless#3324).
//
// Capabilities (found by type assertion):
//
//	Parse, ParseSource  policy.Format, policy.SourceParser  format.go (variables from --param)
//	ReadRules           convert.Reader, convert.Stater      format.go (one rule a cors setting)
//	EditText            fix.Editor                          edit.go (byte splices at the parser's positions)
//	Traps               advise.Trapper                      format.go (lambda-proxy, Gateway Responses)
//	Platform, Doc       lint.Platformer, explain.Documented format.go
//
// It is no conversion target (convert.Writer): a serverless.yml is a whole
// service, not a CORS setting to write from another platform's rules.
package serverless

import (
	"strings"

	"github.com/whycors/whycors/engine/platform/apigw"
	"github.com/whycors/whycors/engine/portable"
	"go.yaml.in/yaml/v3"
)

// DocREST and DocHTTP are the framework's pages the expansion rests on.
const (
	DocREST = "https://www.serverless.com/framework/docs/providers/aws/events/apigateway#enabling-cors"
	DocHTTP = "https://www.serverless.com/framework/docs/providers/aws/events/http-api#cors-setup"
)

// DefaultHeaders are the headers "cors: true" allows, for http events and
// for provider.httpApi (DocREST, DocHTTP).
var DefaultHeaders = []string{"Content-Type", "X-Amz-Date", "Authorization", "X-Api-Key", "X-Amz-Security-Token", "X-Amz-User-Agent"}

// Service is what a serverless.yml deploys that matters for CORS.
type Service struct {
	// Endpoints are the http events (the REST API), in file order.
	Endpoints []Endpoint
	// Routes are the httpApi events (the HTTP API), in file order.
	Routes []Route
	// HTTPCORS is provider.httpApi.cors; nil when it is not set or false.
	HTTPCORS *Cors
}

// Endpoint is one http event: a method on a path of the REST API, served
// by a function.
type Endpoint struct {
	Function    string
	Method      string // upper case; ANY for "any" and "*"
	Path        string // with a leading "/", as the event writes it otherwise
	Integration string // apigw.LambdaProxy (the default) or apigw.NonProxy
	// CORS is the event's cors setting; nil when it has none.
	CORS *Cors
	At   portable.Pos
}

// Route is one httpApi event: a method and path of the HTTP API.
type Route struct {
	Function string
	Method   string // upper case; "*" for any
	Path     string // "*" for the catch-all "*" route
	At       portable.Pos
}

// Cors is one cors setting, as written and as the framework expands it:
// True for "cors: true", with the defaults filled in. Origins holds
// "origin" (split at commas) or "origins" for http events, allowedOrigins
// for httpApi; Methods only httpApi's allowedMethods.
type Cors struct {
	True             bool
	Origins          []string
	Headers          []string
	Methods          []string
	ExposeHeaders    []string
	AllowCredentials bool
	MaxAge           *int
	CacheControl     string

	// At is where the cors value is; Values where each value is, by the
	// framework's key ("origin", "origins", "headers", "allowedOrigins",
	// ...) and index (one entry for a scalar).
	At     portable.Pos
	Values map[string][]portable.Pos
	// node is the cors value as read, for edits of the user's text.
	node *yaml.Node
}

// valueAt is the position of value i of field, or of the cors value.
func (c *Cors) valueAt(field string, i int) portable.Pos {
	if ps := c.Values[field]; i >= 0 && i < len(ps) {
		return ps[i]
	}
	return c.At
}

// anyMethods are what an http event of method "any" allows in the
// preflight's Access-Control-Allow-Methods (the framework's source,
// [UNVERIFIED] against a deployment).
var anyMethods = []string{"DELETE", "GET", "HEAD", "PATCH", "POST", "PUT"}

// methods are the methods e allows: its own, or anyMethods for ANY.
func (e *Endpoint) methods() []string {
	if e.Method == "ANY" {
		return anyMethods
	}
	return []string{e.Method}
}

// restConfig is the REST API resource the framework generates for the
// endpoints eps (one path) with cors settings merged, for a request from
// origin: Access-Control-Allow-Origin is the one origin, or the request's
// Origin when it matches one of several, or their comma-joined list.
func restConfig(eps []*Endpoint, ep *Endpoint, origin string) *apigw.RESTConfig {
	m := merged(eps)
	c := &apigw.RESTConfig{AllowMethods: []string{"OPTIONS"}, AllowCredentials: m.AllowCredentials, MaxAge: m.MaxAge,
		AllowHeaders: strings.Join(m.Headers, ","), Integration: apigw.Mock, Path: m.At.Path}
	for _, e := range eps {
		if e.CORS != nil {
			for _, m := range e.methods() {
				c.AllowMethods = appendUnique(c.AllowMethods, m)
			}
		}
	}
	c.AllowOrigin = strings.Join(m.Origins, ",")
	if len(m.Origins) > 1 && matchOrigins(m.Origins, origin) {
		c.AllowOrigin = origin
	}
	if ep != nil {
		c.Integration, c.Path = ep.Integration, ep.At.Path
	}
	return c
}

// merged is the cors settings of eps joined, as the framework joins the
// settings of one path's events ([UNVERIFIED], package doc).
func merged(eps []*Endpoint) *Cors {
	m := &Cors{}
	for _, e := range eps {
		c := e.CORS
		if c == nil {
			continue
		}
		if m.At.Path == "" {
			m.At = c.At
		}
		for _, o := range c.Origins {
			m.Origins = appendUnique(m.Origins, o)
		}
		for _, h := range c.Headers {
			m.Headers = appendUnique(m.Headers, h)
		}
		m.AllowCredentials = m.AllowCredentials || c.AllowCredentials
		if c.MaxAge != nil {
			m.MaxAge = c.MaxAge
		}
		if c.CacheControl != "" {
			m.CacheControl = c.CacheControl
		}
	}
	return m
}

// matchOrigins reports whether origin matches one of origins, "*" in an
// entry standing for any run of characters ("Wildcards are accepted",
// DocREST; the framework turns them into a regular expression).
func matchOrigins(origins []string, origin string) bool {
	for _, o := range origins {
		if glob(o, origin) {
			return true
		}
	}
	return false
}

// glob matches s against pattern, where each "*" is any run of characters.
func glob(pattern, s string) bool {
	parts := strings.Split(pattern, "*")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, p := range parts[1 : len(parts)-1] {
		i := strings.Index(s, p)
		if i < 0 {
			return false
		}
		s = s[i+len(p):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}

// httpConfig is the HTTP API's CorsConfiguration the framework writes
// from c: with no allowedMethods, OPTIONS and every method of the routes
// (DocHTTP).
func (s *Service) httpConfig() *apigw.HTTPConfig {
	c := s.HTTPCORS
	h := &apigw.HTTPConfig{AllowOrigins: c.Origins, AllowHeaders: c.Headers, AllowMethods: c.Methods, ExposeHeaders: c.ExposeHeaders,
		MaxAge: c.MaxAge, AllowCredentials: c.AllowCredentials, Path: c.At.Path}
	if len(h.AllowMethods) == 0 {
		h.AllowMethods = []string{"OPTIONS"}
		for _, r := range s.Routes {
			h.AllowMethods = appendUnique(h.AllowMethods, r.Method)
		}
	}
	return h
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if x == s {
			return list
		}
	}
	return append(list, s)
}
