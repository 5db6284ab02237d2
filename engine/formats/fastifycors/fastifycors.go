// Package fastifycors reads the options of @fastify/cors (v11.4.3, with
// fastify 5) from the application file that registers it, and answers
// requests the way that plugin does (format name "fastify-cors").
//
// Accepted text: JavaScript or TypeScript that calls
// fastify.register(cors, {...}) (cors imported from '@fastify/cors', or
// require('@fastify/cors') inline), where the options may be a const/let
// declared with an object literal in the same text; or the options
// object alone. Values must be literals; an origin function is read as
// unresolved, positioned, and the verdict assumes it allows the request's
// Origin (see Unresolved).
//
// Semantics (@fastify/cors index.js v11.4.3, read from the npm package):
//   - defaults: origin '*', methods 'GET,HEAD,POST', preflight true,
//     strictPreflight true, preflightContinue false, optionsSuccessStatus
//     204, hook onRequest;
//   - Vary: Origin on every request when origin is neither a string nor
//     false (an array, RegExp, true, a function);
//   - origin false turns CORS off: no header, and an OPTIONS request
//     reaches the plugin's OPTIONS * route, which answers 404; any other
//     falsy origin (” null 0) fails each request with a 500;
//   - '*' and any other string are sent as Access-Control-Allow-Origin
//     whatever the request's Origin; an array containing '*' sends '*';
//     an array, RegExp or true echoes the request's Origin when allowed
//     (RegExp.lastIndex is reset before each test);
//   - credentials (truthy) sends ACAC: true; exposedHeaders unless null
//     on every reply (an array joined with ", ");
//   - an OPTIONS request is a preflight (when preflight is true): with
//     strictPreflight, one without Origin or Access-Control-Request-Method
//     gets 400 "Invalid Preflight Request" (after the origin headers);
//     otherwise ACAM (methods; an array joined with ", "), ACAH (the
//     request's ACRH reflected with Vary: Access-Control-Request-Headers
//     when allowedHeaders is null), Max-Age, Cache-Control (cacheControl),
//     then optionsSuccessStatus with Content-Length: 0, unless
//     preflightContinue passes it on to the OPTIONS * route (200);
//   - the application's reply keeps these headers (a header it sets
//     replaces the plugin's), and so does fastify's error reply (500) when
//     the handler throws (Throw).
package fastifycors

import (
	"strconv"

	"github.com/whycors/whycors/engine/formats/internal/jslit"
	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/policy"
)

const source = "@fastify/cors index.js (v11.4.3, fastify 5.12.8)"

// Module is the npm package the plugin is imported from.
const Module = "@fastify/cors"

// DefaultMethods is the plugin's methods default (index.js defaultOptions).
const DefaultMethods = "GET,HEAD,POST"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "fastify-cors" policy format.
type Format struct{}

// Name returns "fastify-cors".
func (*Format) Name() string { return "fastify-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Fastify: @fastify/cors options" }

// Detect claims JavaScript that imports @fastify/cors.
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

// Config is the plugin's options as registered, resolved against the
// defaults.
type Config struct {
	// Disabled is origin false: no CORS header; OPTIONS gets 404.
	Disabled bool `json:"disabled,omitempty"`
	// Invalid is a falsy origin other than false: every request fails
	// with 500 (index.js: new Error('Invalid CORS origin option')).
	Invalid bool `json:"invalid,omitempty"`
	// AnyOrigin is origin '*' (or an array containing '*').
	AnyOrigin bool `json:"any_origin,omitempty"`
	// Fixed is a string origin other than '*', sent as is.
	Fixed string `json:"fixed,omitempty"`
	// ReflectAll is origin true (or another truthy non-string value, or
	// an unresolved function, assumed to allow).
	ReflectAll bool `json:"reflect_all,omitempty"`
	// Assumed: ReflectAll stands for code the reader cannot run.
	Assumed bool `json:"assumed,omitempty"`
	// Allowed are the entries of an array or RegExp origin.
	Allowed []jsmw.Origin `json:"allowed,omitempty"`
	// VaryOrigin: origin is neither a string nor false.
	VaryOrigin bool `json:"vary_origin,omitempty"`
	// Methods is the ACAM value.
	Methods string `json:"methods"`
	// AllowedHeaders is the ACAH value; nil reflects the request's ACRH.
	AllowedHeaders *string `json:"allowed_headers,omitempty"`
	// ExposedHeaders is the ACEH value; nil sends none.
	ExposedHeaders       *string `json:"exposed_headers,omitempty"`
	Credentials          bool    `json:"credentials,omitempty"`
	MaxAge               *string `json:"max_age,omitempty"`
	CacheControl         string  `json:"cache_control,omitempty"`
	Preflight            bool    `json:"preflight"`
	StrictPreflight      bool    `json:"strict_preflight"`
	PreflightContinue    bool    `json:"preflight_continue,omitempty"`
	OptionsSuccessStatus int     `json:"options_success_status"`
	Hook                 string  `json:"hook"`
	// Unresolved are options written as functions.
	Unresolved []jsmw.Unresolved `json:"unresolved,omitempty"`
	// At maps each option written to where its value is.
	At map[string]jsmw.Pos `json:"at,omitempty"`
	// Object is where the options object starts (or the register call's
	// ")" when Empty).
	Object jsmw.Pos `json:"object"`
	Empty  bool     `json:"empty,omitempty"`
	// Line and Column are where the register call is.
	Line   int `json:"line"`
	Column int `json:"column"`
	// Notes are things the plugin ignores or does that the author may
	// not expect.
	Notes []string `json:"notes,omitempty"`
}

var known = map[string]bool{"origin": true, "methods": true, "allowedHeaders": true, "exposedHeaders": true, "credentials": true, "maxAge": true, "cacheControl": true, "preflight": true, "strictPreflight": true, "preflightContinue": true, "optionsSuccessStatus": true, "hook": true, "hideOptionsRoute": true, "logLevel": true, "delegator": true}

var hooks = map[string]bool{"onRequest": true, "preParsing": true, "preValidation": true, "preHandler": true, "preSerialization": true}

// Parse reads the application file (or the options object alone).
func Parse(text string) (*Config, error) {
	s, errs := jsmw.Read(text)
	if len(errs) > 0 {
		return nil, errs
	}
	names := s.Imported(Module, "fastifyCors")
	var found []int // token index of the options argument
	var calls []jsmw.Mount
	for i := 0; i+2 < len(s.Toks); i++ {
		t := s.Toks[i]
		if t.Kind != jslit.TIdent || t.Text != "register" || !s.Is(i-1, ".") || !s.Is(i+1, "(") {
			continue
		}
		a, end := i+2, i+3
		switch {
		case s.Toks[a].Kind == jslit.TIdent && has(names, s.Toks[a].Text):
		case s.Toks[a].Kind == jslit.TIdent && (s.Toks[a].Text == "require" || s.Toks[a].Text == "import") && s.Is(a+1, "(") && s.Toks[a+2].Kind == jslit.TString && s.Toks[a+2].Text == Module && s.Is(a+3, ")"):
			end = a + 4
		default:
			continue
		}
		m, _ := s.MountOf(a)
		calls = append(calls, m)
		if s.Is(end, ",") {
			end++
		}
		found = append(found, end)
	}
	if len(found) > 1 {
		t := s.Toks[found[1]]
		return nil, policy.Errors{{Line: t.Line, Column: t.Col, Msg: "@fastify/cors is registered twice on one instance: fastify refuses the second (its decorator corsPreflightEnabled already exists); give each one its own encapsulated plugin, which this reader does not follow"}}
	}
	var obj jslit.Value
	c := &Config{}
	if len(found) == 0 {
		v, es := s.Alone("no @fastify/cors registration found: paste the code that calls fastify.register(cors, {...}) with cors imported from '@fastify/cors', or the options object")
		if len(es) > 0 {
			return nil, es
		}
		obj, c.Line, c.Column = v, v.Line, v.Col
	} else {
		v, _, es := s.Options(found[0], "fastify.register(cors, ...)")
		if len(es) > 0 {
			return nil, es
		}
		obj, c.Line, c.Column = v, calls[0].Line, calls[0].Col
		c.Empty = s.Is(found[0], ")")
	}
	c.Object = jsmw.At(obj)
	if es := c.resolve(obj); len(es) > 0 {
		return nil, es
	}
	return c, nil
}

func has(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// resolve is normalizeCorsOptions: { ...defaults, ...opts }.
func (c *Config) resolve(obj jslit.Value) policy.Errors {
	*c = Config{Line: c.Line, Column: c.Column, Object: c.Object, Empty: c.Empty,
		AnyOrigin: true, Methods: DefaultMethods, Preflight: true, StrictPreflight: true, OptionsSuccessStatus: 204, Hook: "onRequest"}
	o := jsmw.Props(obj, known, "@fastify/cors")
	c.Notes = o.Notes
	var errs policy.Errors
	c.At = map[string]jsmw.Pos{}
	for k, pr := range o.Props {
		c.At[k] = jsmw.At(pr.Val)
		switch {
		case pr.Val.Kind == jslit.VFunc && k != "origin" && k != "delegator":
			errs = append(errs, jsmw.Bad(k, pr.Val, k+" is a function, which @fastify/cors does not call: it is not a "+k+" value"))
		case pr.Val.Kind == jslit.VExpr && k != "origin":
			errs = append(errs, jsmw.NotEvaluated(k, pr.Val))
		}
	}
	if v, ok := o.Get("delegator"); ok {
		errs = append(errs, jsmw.Bad("delegator", v, "an options delegator decides the options per request, which cannot be evaluated offline: write the options as literals"))
	}
	if v, ok := o.Get("origin"); ok {
		errs = append(errs, c.origin(v)...)
	}
	list := func(key string, v jslit.Value) (string, bool) {
		s, ok := jsmw.Join(v, ", ")
		if !ok {
			if v.Kind == jslit.VArray {
				errs = append(errs, jsmw.Bad(key, v, key+" must be a string or an array of strings"))
			}
			return jsmw.String(v), true
		}
		return s, true
	}
	if v, ok := o.Get("methods"); ok {
		c.Methods, _ = list("methods", v)
	}
	if v, ok := o.Get("allowedHeaders"); ok && v.Kind != jslit.VNull {
		s, _ := list("allowedHeaders", v)
		c.AllowedHeaders = &s
	}
	if v, ok := o.Get("exposedHeaders"); ok && v.Kind != jslit.VNull {
		s, _ := list("exposedHeaders", v)
		c.ExposedHeaders = &s
	}
	if v, ok := o.Get("credentials"); ok {
		c.Credentials = v.Truthy()
	}
	if v, ok := o.Get("maxAge"); ok && v.Kind != jslit.VNull {
		s := jsmw.String(v)
		c.MaxAge = &s
	}
	if v, ok := o.Get("cacheControl"); ok {
		switch {
		case v.Kind == jslit.VNumber && v.Num == float64(int64(v.Num)):
			c.CacheControl = "max-age=" + jslit.NumberString(v.Num)
		case v.Kind == jslit.VString:
			c.CacheControl = v.Str
		default:
			c.Notes = append(c.Notes, "line "+strconv.Itoa(v.Line)+": cacheControl is neither an integer nor a string, so @fastify/cors ignores it")
		}
	}
	if v, ok := o.Get("preflight"); ok {
		c.Preflight = v.Kind == jslit.VBool && v.B // options.preflight === true
	}
	if v, ok := o.Get("strictPreflight"); ok {
		c.StrictPreflight = v.Kind == jslit.VBool && v.B
	}
	if v, ok := o.Get("preflightContinue"); ok {
		c.PreflightContinue = v.Truthy()
	}
	if v, ok := o.Get("optionsSuccessStatus"); ok {
		if v.Kind != jslit.VNumber || v.Num != float64(int(v.Num)) || v.Num < 200 || v.Num > 599 {
			errs = append(errs, jsmw.Bad("optionsSuccessStatus", v, "optionsSuccessStatus must be an HTTP status code from 200 to 599 (reply.code refuses others)"))
		} else {
			c.OptionsSuccessStatus = int(v.Num)
		}
	}
	if v, ok := o.Get("hook"); ok {
		if v.Kind != jslit.VString || !hooks[v.Str] {
			errs = append(errs, jsmw.Bad("hook", v, "hook must be one of onRequest, preParsing, preValidation, preHandler, preSerialization (@fastify/cors: Invalid hook option provided)"))
		} else {
			c.Hook = v.Str
		}
	}
	return errs
}

// origin reads the origin option (index.js addCorsHeadersHandler and
// getAccessControlAllowOriginHeader).
func (c *Config) origin(v jslit.Value) policy.Errors {
	c.AnyOrigin = false
	c.VaryOrigin = v.Kind != jslit.VString && !(v.Kind == jslit.VBool && !v.B)
	switch {
	case v.Code():
		c.ReflectAll, c.Assumed = true, true
		c.Unresolved = append(c.Unresolved, jsmw.Unresolve("origin", v, jsmw.AssumesOrigin(v, "cb(null, true)")))
	case v.Kind == jslit.VBool && !v.B:
		c.Disabled = true
	case !v.Truthy():
		c.Invalid = true
	case v.Kind == jslit.VString && v.Str == "*":
		c.AnyOrigin = true
	case v.Kind == jslit.VString:
		c.Fixed = v.Str
	case v.Kind == jslit.VRegex:
		or, err := jsmw.CompileOrigin(v, false)
		if err != nil {
			return policy.Errors{err.(*policy.Error)}
		}
		c.Allowed = []jsmw.Origin{or}
	case v.Kind == jslit.VArray:
		return c.originList(v, true)
	default:
		// true, a number, an object: isRequestOriginAllowed returns !!value
		c.ReflectAll = true
	}
	return nil
}

func (c *Config) originList(v jslit.Value, top bool) policy.Errors {
	var errs policy.Errors
	c.Allowed = []jsmw.Origin{}
	for _, el := range v.Arr {
		switch {
		case top && el.Kind == jslit.VString && el.Str == "*":
			// normalizeCorsOptions makes it the string '*': no Vary
			c.AnyOrigin, c.Allowed, c.VaryOrigin, c.ReflectAll = true, nil, false, false
			return nil
		case el.Kind == jslit.VString || el.Kind == jslit.VRegex:
			or, err := jsmw.CompileOrigin(el, false)
			if err != nil {
				errs = append(errs, err.(*policy.Error))
			}
			c.Allowed = append(c.Allowed, or)
		case el.Kind == jslit.VArray:
			// isRequestOriginAllowed recurses into nested arrays
			sub := &Config{}
			if es := sub.originList(el, false); len(es) > 0 {
				errs = append(errs, es...)
			}
			if sub.ReflectAll {
				c.ReflectAll = true
			}
			c.Allowed = append(c.Allowed, sub.Allowed...)
		case el.Kind == jslit.VFunc:
			errs = append(errs, jsmw.Bad("origin", el, "a function in the origin array is truthy: it allows every origin (isRequestOriginAllowed returns !!value)"))
		case el.Truthy():
			c.ReflectAll = true
			c.Notes = append(c.Notes, "line "+strconv.Itoa(el.Line)+": a "+el.KindName()+" in the origin array allows every origin (isRequestOriginAllowed returns !!value)")
		}
	}
	return errs
}
