// Package honocors reads the options of Hono's cors() middleware
// (hono/cors in hono v4.13.19, used by many edge Workers) from the
// application file that mounts it, and answers requests the way that
// middleware does (format name "hono-cors").
//
// Accepted text: JavaScript or TypeScript that calls app.use(cors({...}))
// or app.use('/api/*', cors({...})) with cors imported from 'hono/cors'
// (or the options object alone); the options may be a const/let declared
// with an object literal in the same text. Values must be literals; an
// origin or allowMethods function is read as unresolved, positioned, and
// the verdict says what it assumes.
//
// Semantics (hono dist/middleware/cors/index.js v4.13.19, read from the
// npm package):
//   - defaults: origin '*', allowMethods GET,HEAD,PUT,POST,DELETE,PATCH,QUERY,
//     allowHeaders [] (the request's headers reflected), exposeHeaders [];
//   - origin '*' sends *; any other string is sent only to that exact
//     Origin; an array sends the request's Origin when it includes it;
//     RegExp and boolean origins are not supported (each request throws);
//   - on every request: ACAO, ACAC (credentials truthy), ACEH;
//   - every OPTIONS request the mount path matches is answered 204 by the
//     middleware, whatever its headers, with Vary: Origin (origin not
//     '*'), Max-Age, ACAM (an array joined with ","; a string sends none),
//     and ACAH (allowHeaders joined, else the request's ACRH with spaces
//     around its commas removed) with Vary: Access-Control-Request-Headers;
//   - other requests go to the application; headers the middleware set
//     replace the application's of the same name (Context's res setter),
//     and Vary: Origin is appended after it answered (origin not '*');
//     a handler that throws gets Hono's 500 "Internal Server Error" with
//     the middleware's headers too.
package honocors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jslit"
	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/policy"
)

const source = "hono dist/middleware/cors/index.js (hono v4.13.19)"

// Module is the import path of the middleware.
const Module = "hono/cors"

// DefaultMethods are the allowMethods default, as sent.
const DefaultMethods = "GET,HEAD,PUT,POST,DELETE,PATCH,QUERY"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "hono-cors" policy format.
type Format struct{}

// Name returns "hono-cors".
func (*Format) Name() string { return "hono-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Hono: its cors() middleware" }

// Detect claims JavaScript that imports hono/cors.
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

// Options is one cors(options) call, resolved, with where it is mounted.
type Options struct {
	// Path is the app.use path pattern ("" for every path).
	Path string `json:"path,omitempty"`
	// Any is origin '*'.
	Any bool `json:"any,omitempty"`
	// Origins is a string origin (one entry) or an array's entries.
	Origins []jsmw.Origin `json:"origins,omitempty"`
	// Func is an origin function (unresolved): assumed to return the
	// request's Origin.
	Func          bool   `json:"func,omitempty"`
	Credentials   bool   `json:"credentials,omitempty"`
	Methods       string `json:"methods"`
	AllowHeaders  string `json:"allow_headers,omitempty"`
	ExposeHeaders string `json:"expose_headers,omitempty"`
	MaxAge        string `json:"max_age,omitempty"`
	HasMaxAge     bool   `json:"has_max_age,omitempty"`
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

var known = map[string]bool{"origin": true, "allowMethods": true, "allowHeaders": true, "maxAge": true, "credentials": true, "exposeHeaders": true}

// Parse reads the application file (or the options object alone).
func Parse(text string) (*Config, error) {
	s, errs := jsmw.Read(text)
	if len(errs) > 0 {
		return nil, errs
	}
	names := s.Imported(Module, "cors")
	if len(names) == 0 {
		names = []string{"cors"}
	}
	c := &Config{}
	if len(s.Calls(names...)) == 0 {
		v, es := s.Alone("no Hono cors() middleware found: paste the code that calls app.use(cors({...})) with cors imported from 'hono/cors', or the options object")
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
		o, es := c.resolve(call.Options)
		all = append(all, es...)
		o.Line, o.Column, o.Empty, o.Object = call.Line, call.Col, call.Empty, call.Object
		if m := call.Mount; m.HasPath {
			if e := checkPattern(m.Path); e != "" {
				all = append(all, &policy.Error{Line: m.PathLine, Column: m.PathCol, Msg: "path " + strconv.Quote(m.Path) + ": " + e})
			}
			if m.Path != "*" && m.Path != "/*" {
				o.Path = m.Path
			}
		}
		c.Middlewares = append(c.Middlewares, o)
	}
	if len(all) > 0 {
		return nil, all
	}
	return c, nil
}

// resolve reads one options object ({ origin: '*', allowMethods: [...],
// allowHeaders: [], exposeHeaders: [], ...options }).
func (c *Config) resolve(obj jslit.Value) (Options, policy.Errors) {
	o := Options{Any: true, Methods: DefaultMethods, At: map[string]jsmw.Pos{}, Object: jsmw.At(obj)}
	props := jsmw.Props(obj, known, "Hono's cors()")
	c.Notes = append(c.Notes, props.Notes...)
	var errs policy.Errors
	for k, pr := range props.Props {
		o.At[k] = jsmw.At(pr.Val)
		switch {
		case pr.Val.Kind == jslit.VFunc && k != "origin" && k != "allowMethods":
			errs = append(errs, jsmw.Bad(k, pr.Val, k+" is a function, which Hono's cors() does not call"))
		case pr.Val.Kind == jslit.VExpr && k != "origin":
			errs = append(errs, jsmw.NotEvaluated(k, pr.Val))
		}
	}
	if v, ok := props.Get("origin"); ok {
		o.Any = false
		switch v.Kind {
		case jslit.VFunc, jslit.VExpr:
			o.Func = true
			o.Unresolved = append(o.Unresolved, jsmw.Unresolve("origin", v, jsmw.AssumesOrigin(v, "")))
		case jslit.VString:
			if v.Str == "*" {
				o.Any = true
			} else {
				o.Origins = []jsmw.Origin{{Exact: v.Str, Pos: jsmw.At(v)}}
			}
		case jslit.VArray:
			o.Origins = []jsmw.Origin{}
			for _, el := range v.Arr {
				if el.Kind != jslit.VString {
					errs = append(errs, jsmw.Bad("origin", el, "Hono's cors() compares the request's Origin with each entry (Array.includes): a "+el.KindName()+" never matches; write origins as strings"))
					continue
				}
				o.Origins = append(o.Origins, jsmw.Origin{Exact: el.Str, Pos: jsmw.At(el)})
			}
		default:
			errs = append(errs, jsmw.Bad("origin", v, "origin must be a string, an array of strings or a function: with a "+v.KindName()+", Hono's cors() throws on every request (optsOrigin.includes is not a function) and Hono answers 500"))
		}
	}
	if v, ok := props.Get("credentials"); ok {
		o.Credentials = v.Truthy()
	}
	list := func(key string, v jslit.Value) string {
		switch v.Kind {
		case jslit.VArray:
			s, ok := jsmw.Join(v, ",")
			if !ok {
				errs = append(errs, jsmw.Bad(key, v, key+" must be an array of strings"))
			}
			return s
		case jslit.VNull, jslit.VUndefined:
			return ""
		}
		errs = append(errs, jsmw.Bad(key, v, key+" must be an array of strings: Hono's cors() calls .join on it (a string throws when the middleware is created)"))
		return ""
	}
	if v, ok := props.Get("allowMethods"); ok {
		switch v.Kind {
		case jslit.VFunc:
			o.Unresolved = append(o.Unresolved, jsmw.Unresolved{Option: "allowMethods", Line: v.Line, Column: v.Col, Assumes: "it returns the default methods " + DefaultMethods})
		case jslit.VArray:
			o.Methods = list("allowMethods", v)
		default:
			o.Methods = ""
			c.Notes = append(c.Notes, "line "+strconv.Itoa(v.Line)+": allowMethods is not an array, so Hono's cors() sends no Access-Control-Allow-Methods")
		}
	}
	if v, ok := props.Get("allowHeaders"); ok {
		o.AllowHeaders = list("allowHeaders", v)
	}
	if v, ok := props.Get("exposeHeaders"); ok {
		o.ExposeHeaders = list("exposeHeaders", v)
	}
	if v, ok := props.Get("maxAge"); ok && v.Kind != jslit.VNull && v.Kind != jslit.VUndefined {
		o.MaxAge, o.HasMaxAge = jsmw.String(v), true
	}
	return o, errs
}

// checkPattern refuses path patterns this reader does not match as Hono
// does (regular-expression parameters, optional parameters).
func checkPattern(p string) string {
	if !strings.HasPrefix(p, "/") && p != "*" {
		return "a Hono path starts with /"
	}
	if strings.ContainsAny(p, "{}?()") {
		return "patterns with {regex}, optional (?) parameters or groups are not understood: use literal segments, :name and a trailing /*"
	}
	return ""
}

// matches reports whether Hono runs a middleware mounted at pattern for
// path: segment by segment, :name matches one non-empty segment, * any
// rest (a trailing /* also matches the path without it).
func matches(pattern, path string) bool {
	if pattern == "" || pattern == "*" || pattern == "/*" {
		return true
	}
	if strings.HasSuffix(pattern, "/*") {
		base := strings.TrimSuffix(pattern, "/*")
		ps := strings.Split(path, "/")
		bs := strings.Split(base, "/")
		if len(ps) < len(bs) {
			return false
		}
		return segs(bs, ps[:len(bs)])
	}
	return segs(strings.Split(pattern, "/"), strings.Split(path, "/"))
}

func segs(pat, path []string) bool {
	if len(pat) != len(path) {
		return false
	}
	for i := range pat {
		switch {
		case pat[i] == "*":
		case strings.HasPrefix(pat[i], ":"):
			if path[i] == "" {
				return false
			}
		case pat[i] != path[i]:
			return false
		}
	}
	return true
}
