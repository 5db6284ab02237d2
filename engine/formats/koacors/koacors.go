// Package koacors reads the options of @koa/cors (v5.0.0, with koa 3)
// from the application file that mounts it, and answers requests the way
// that middleware does (format name "koa-cors").
//
// Accepted text: JavaScript or TypeScript that calls app.use(cors({...}))
// with cors imported from '@koa/cors' (or the options object alone); the
// options may be a const/let declared with an object literal in the same
// text. Values must be literals; an origin or credentials function is read
// as unresolved, positioned, and the verdict says what it assumes.
//
// Semantics (@koa/cors index.js v5.0.0, read from the npm package):
//   - Vary: Origin on every request, before anything else;
//   - origin is sent as written (options.origin || '*'), whatever the
//     request's Origin: there is no list check; a falsy origin (false,
//     ”) is '*'; an array sends one Access-Control-Allow-Origin line per
//     entry, and true or a RegExp its string form (koa's ctx.set), both of
//     which browsers refuse;
//   - credentials (truthy) with origin '*' echoes the request's Origin
//     (the empty string when there is none) and sends ACAC: true;
//   - a request other than OPTIONS gets ACAO, ACAC, Expose-Headers and,
//     with secureContext, COOP/COEP, then the application answers; when
//     the application throws, keepHeadersOnError (default true) keeps
//     those headers on koa's 500, and without it koa's error handler
//     removes every header;
//   - an OPTIONS request without Access-Control-Request-Method goes to the
//     application untouched (but for Vary); one with it is answered 204
//     with ACAO, ACAC, Max-Age (when truthy), ACAPN (privateNetworkAccess
//     and a request with Access-Control-Request-Private-Network), ACAM
//     (allowMethods, default GET,HEAD,PUT,POST,DELETE,PATCH), COOP/COEP
//     and ACAH (allowHeaders, else the request's ACRH: an empty list
//     reflects too).
package koacors

import (
	"strconv"

	"github.com/whycors/whycors/engine/formats/internal/jslit"
	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/policy"
)

const source = "@koa/cors index.js (v5.0.0, koa 3.2.1)"

// Module is the npm package the middleware is imported from.
const Module = "@koa/cors"

// DefaultMethods is the allowMethods default (index.js defaults).
const DefaultMethods = "GET,HEAD,PUT,POST,DELETE,PATCH"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "koa-cors" policy format.
type Format struct{}

// Name returns "koa-cors".
func (*Format) Name() string { return "koa-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Koa: @koa/cors options" }

// Detect claims JavaScript that imports @koa/cors.
func (*Format) Detect(text string) (bool, string) {
	return jsmw.DetectImport(text, Module)
}

// Parse reads text into a Config.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Options is one cors(options) call, resolved.
type Options struct {
	// Origins are the Access-Control-Allow-Origin lines sent (one, or
	// one per array entry); nil with Echo.
	Origins []string `json:"origins,omitempty"`
	// Any is origin '*' (or falsy, or left out).
	Any bool `json:"any,omitempty"`
	// Func is an origin function (unresolved): assumed to return the
	// request's Origin.
	Func bool `json:"func,omitempty"`
	// Credentials is the credentials option (truthy, or a function,
	// assumed to return true).
	Credentials    bool   `json:"credentials,omitempty"`
	Methods        string `json:"methods"`
	AllowHeaders   string `json:"allow_headers,omitempty"`
	ExposeHeaders  string `json:"expose_headers,omitempty"`
	MaxAge         string `json:"max_age,omitempty"`
	KeepOnError    bool   `json:"keep_headers_on_error"`
	SecureContext  bool   `json:"secure_context,omitempty"`
	PrivateNetwork bool   `json:"private_network_access,omitempty"`
	// Unresolved are options written as functions.
	Unresolved []jsmw.Unresolved   `json:"unresolved,omitempty"`
	At         map[string]jsmw.Pos `json:"at,omitempty"`
	Object     jsmw.Pos            `json:"object"`
	Empty      bool                `json:"empty,omitempty"`
	Line       int                 `json:"line"`
	Column     int                 `json:"column"`
}

// Config is every cors() mounted with app.use, in order.
type Config struct {
	Middlewares []Options `json:"middlewares"`
	Notes       []string  `json:"notes,omitempty"`
}

var known = map[string]bool{"origin": true, "allowMethods": true, "exposeHeaders": true, "allowHeaders": true, "maxAge": true, "credentials": true, "keepHeadersOnError": true, "secureContext": true, "privateNetworkAccess": true}

// Parse reads the application file (or the options object alone).
func Parse(text string) (*Config, error) {
	s, errs := jsmw.Read(text)
	if len(errs) > 0 {
		return nil, errs
	}
	names := s.Imported(Module, "")
	if len(names) == 0 {
		names = []string{"cors"}
	}
	c := &Config{}
	if len(s.Calls(names...)) == 0 {
		v, es := s.Alone("no @koa/cors middleware found: paste the code that calls app.use(cors({...})) with cors imported from '@koa/cors', or the options object")
		if len(es) > 0 {
			return nil, es
		}
		o, es := c.resolve(v)
		if len(es) > 0 {
			return nil, es
		}
		o.Line, o.Column = v.Line, v.Col
		c.Middlewares = append(c.Middlewares, o)
		return c, nil
	}
	calls, all := s.Middlewares(names)
	for _, call := range calls {
		if call.Mount.HasPath {
			all = append(all, &policy.Error{Line: call.Mount.PathLine, Column: call.Mount.PathCol, Msg: "cors() mounted on a path (" + strconv.Quote(call.Mount.Path) + "): koa's app.use takes no path; a router's is not followed by this reader"})
			continue
		}
		o, es := c.resolve(call.Options)
		all = append(all, es...)
		o.Line, o.Column, o.Empty, o.Object = call.Line, call.Col, call.Empty, call.Object
		c.Middlewares = append(c.Middlewares, o)
	}
	if len(all) > 0 {
		return nil, all
	}
	return c, nil
}

// resolve reads one options object ({ ...defaults, ...options }).
func (c *Config) resolve(obj jslit.Value) (Options, policy.Errors) {
	o := Options{Any: true, Methods: DefaultMethods, KeepOnError: true, At: map[string]jsmw.Pos{}, Object: jsmw.At(obj)}
	props := jsmw.Props(obj, known, "@koa/cors")
	c.Notes = append(c.Notes, props.Notes...)
	var errs policy.Errors
	for k, pr := range props.Props {
		o.At[k] = jsmw.At(pr.Val)
		switch {
		case pr.Val.Kind == jslit.VFunc && k != "origin" && k != "credentials":
			errs = append(errs, jsmw.Bad(k, pr.Val, k+" is a function, which @koa/cors does not call: it would be sent as its source text"))
		case pr.Val.Kind == jslit.VExpr && k != "origin":
			errs = append(errs, jsmw.NotEvaluated(k, pr.Val))
		}
	}
	note := func(v jslit.Value, msg string) {
		c.Notes = append(c.Notes, "line "+strconv.Itoa(v.Line)+": "+msg)
	}
	if v, ok := props.Get("origin"); ok {
		o.Any = false
		switch {
		case v.Code():
			o.Func = true
			o.Unresolved = append(o.Unresolved, jsmw.Unresolve("origin", v, jsmw.AssumesOrigin(v, "")))
		case !v.Truthy() || v.Kind == jslit.VString && v.Str == "*":
			if !v.Truthy() {
				note(v, "a falsy origin is '*' to @koa/cors (options.origin || '*'), not CORS turned off")
			}
			o.Any = true
		case v.Kind == jslit.VArray:
			note(v, "@koa/cors sends an array origin as one Access-Control-Allow-Origin line per entry, which browsers refuse; use a function that returns the request's Origin when it is allowed")
			for _, el := range v.Arr {
				o.Origins = append(o.Origins, jsmw.String(el))
			}
		case v.Kind == jslit.VString:
			o.Origins = []string{v.Str}
		default:
			note(v, "@koa/cors sends origin "+jsmw.String(v)+" as written ("+v.KindName()+" is not a list check), which browsers refuse")
			o.Origins = []string{jsmw.String(v)}
		}
	}
	if v, ok := props.Get("credentials"); ok {
		if v.Kind == jslit.VFunc {
			o.Credentials = true
			o.Unresolved = append(o.Unresolved, jsmw.Unresolved{Option: "credentials", Line: v.Line, Column: v.Col, Assumes: "it returns true: Access-Control-Allow-Credentials: true"})
		} else {
			o.Credentials = v.Truthy()
		}
	}
	list := func(key string, v jslit.Value) string {
		if v.Kind == jslit.VArray {
			s, ok := jsmw.Join(v, ",")
			if !ok {
				errs = append(errs, jsmw.Bad(key, v, key+" must be a string or an array of strings"))
			}
			return s
		}
		if !v.Truthy() {
			return ""
		}
		return jsmw.String(v)
	}
	if v, ok := props.Get("allowMethods"); ok {
		o.Methods = list("allowMethods", v)
	}
	if v, ok := props.Get("allowHeaders"); ok {
		o.AllowHeaders = list("allowHeaders", v)
		if v.Kind == jslit.VArray && len(v.Arr) == 0 {
			note(v, "an empty allowHeaders is falsy once joined: @koa/cors reflects every requested header")
		}
	}
	if v, ok := props.Get("exposeHeaders"); ok {
		o.ExposeHeaders = list("exposeHeaders", v)
	}
	if v, ok := props.Get("maxAge"); ok && v.Truthy() {
		o.MaxAge = jsmw.String(v)
	}
	if v, ok := props.Get("keepHeadersOnError"); ok && v.Kind != jslit.VUndefined {
		o.KeepOnError = v.Truthy()
	}
	if v, ok := props.Get("secureContext"); ok {
		o.SecureContext = v.Truthy()
	}
	if v, ok := props.Get("privateNetworkAccess"); ok {
		o.PrivateNetwork = v.Truthy()
	}
	return o, errs
}
