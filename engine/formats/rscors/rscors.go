// Package rscors reads the options of the rs/cors middleware (v1.11.1)
// from the user's Go source and answers requests the way that middleware
// does (format name "rs-cors").
//
// Accepted text: a Go file or snippet that calls cors.New(cors.Options{...}),
// cors.Default() or cors.AllowAll() of github.com/rs/cors, or a
// cors.Options literal by itself. The options may be a variable bound to
// a literal in the same file; field values are literals, constants and
// variables of the file, and net/http's method constants. A function
// field (AllowOriginFunc, AllowOriginRequestFunc,
// AllowOriginVaryRequestFunc) is evaluated when its body is a single
// `return true` or `return false`; otherwise it is an unresolved value,
// with its position, and the verdict assumes it refuses every origin.
//
// Semantics (rs/cors v1.11.1 cors.go, utils.go, internal/sortedset.go;
// the module is the differential test's ground truth, e2e/gomw):
//   - a preflight is an OPTIONS request with a non-empty
//     Access-Control-Request-Method; it is answered with
//     OptionsSuccessStatus (204 when 0) unless OptionsPassthrough hands it
//     to the application; it always gets Vary: Origin,
//     Access-Control-Request-Method, Access-Control-Request-Headers (and
//     Access-Control-Request-Private-Network with AllowPrivateNetwork);
//   - every other request gets Vary: Origin, and CORS headers when the
//     origin and its method are allowed (methods compared case-sensitively,
//     OPTIONS always allowed);
//   - origins are lower-cased; "*" allows every origin (and wins over the
//     rest of the list); one '*' inside an entry is a prefix/suffix
//     wildcard; no AllowedOrigins allows every origin;
//   - Access-Control-Allow-Origin is "*" when every origin is allowed,
//     even with AllowCredentials (browsers then refuse a credentialed
//     request), else the request's Origin;
//   - the preflight's requested headers must be lower-case, sorted and
//     unique names of AllowedHeaders (default accept, content-type,
//     x-requested-with; "*" allows any), at most one space or tab around
//     each, and are echoed as sent; the method is echoed as sent;
//   - Access-Control-Max-Age is MaxAge when positive, 0 when negative.
package rscors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
)

const (
	importPath = "github.com/rs/cors"
	source     = "github.com/rs/cors v1.11.1 cors.go, internal/sortedset.go (checked against the module: e2e/gomw)"
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "rs-cors" policy format.
type Format struct{}

// Name returns "rs-cors".
func (*Format) Name() string { return "rs-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Go: rs/cors options" }

// Detect claims Go source that imports github.com/rs/cors, and a
// snippet that writes cors.Options{ with no other library's mark.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if strings.Contains(text, `"`+importPath+`"`) {
		return true, "Go source that imports " + importPath
	}
	if strings.Contains(text, "import") || strings.Contains(text, "cors.Handler(") {
		return false, ""
	}
	for _, k := range []string{"AllowOriginVaryRequestFunc", "AllowOriginRequestFunc", "OptionsSuccessStatus", "AllowPrivateNetwork"} {
		if strings.Contains(text, "cors.Options{") && strings.Contains(text, k) {
			return true, "a cors.Options literal with the rs/cors field " + k
		}
	}
	return false, ""
}

// Parse reads text into a Config.
func (*Format) Parse(text string) (policy.Evaluator, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// spec is cors.Options' fields (cors.go, type Options).
var spec = map[string]golit.Kind{
	"AllowedOrigins": golit.List, "AllowOriginFunc": golit.Func, "AllowOriginRequestFunc": golit.Func,
	"AllowOriginVaryRequestFunc": golit.Func, "AllowedMethods": golit.List, "AllowedHeaders": golit.List,
	"ExposedHeaders": golit.List, "MaxAge": golit.Int, "AllowCredentials": golit.Bool,
	"AllowPrivateNetwork": golit.Bool, "OptionsPassthrough": golit.Bool, "OptionsSuccessStatus": golit.Int,
	"Debug": golit.Ignored, "Logger": golit.Ignored,
}

// Middleware is one configured cors.Cors, as cors.New builds it.
type Middleware struct {
	// Call is how it is built: "New", "Default", "AllowAll" or "" for
	// a literal by itself.
	Call string `json:"call"`
	Line int    `json:"line"`
	// Column is where the call (or literal) starts.
	Column int `json:"column"`

	AnyOrigin bool          `json:"any_origin,omitempty"`
	origins   gohdr.Origins // AllowedOrigins as cors.New keeps them
	// Func is set when an origin function decides; FuncResult is what it
	// returns (false when it cannot be evaluated: see Config.Unresolved).
	Func       string `json:"func,omitempty"`
	FuncResult bool   `json:"func_result,omitempty"`

	Methods     []string `json:"methods"`
	AnyHeader   bool     `json:"any_header,omitempty"`
	headers     sortedSet
	Headers     []string `json:"headers,omitempty"` // lower-cased allowed headers as written
	Exposed     string   `json:"exposed,omitempty"`
	MaxAge      string   `json:"max_age,omitempty"`
	Credentials bool     `json:"credentials,omitempty"`
	PrivateNet  bool     `json:"private_network,omitempty"`
	Passthrough bool     `json:"passthrough,omitempty"`
	OptionsCode int      `json:"options_success_status"`
	opts        golit.Options
	file        *golit.File
}

// Config is every rs/cors middleware in the text; the first answers.
type Config struct {
	Middlewares []Middleware       `json:"middlewares"`
	Unresolved  []golit.Unresolved `json:"unresolved,omitempty"`
	// Notes are the things the reader tells beside the verdict: the
	// unresolved values' assumptions, the middlewares not evaluated.
	Notes []string `json:"notes,omitempty"`
}

// Parse reads the rs/cors middlewares of text.
func Parse(text string) (*Config, error) {
	f, err := golit.Parse(text)
	if err != nil {
		return nil, err
	}
	sites := f.Sites(importPath, "cors", "Options", []string{"New"}, []string{"Default", "AllowAll"})
	if len(sites) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no cors.New(cors.Options{...}), cors.Default() or cors.AllowAll() of " + importPath + " found", Unreadable: true}}
	}
	c := &Config{}
	var es policy.Errors
	for _, s := range sites {
		m := Middleware{Call: s.Call, Line: s.Pos.Line, Column: s.Pos.Column, file: f}
		var o golit.Options
		switch {
		case s.Call == "AllowAll":
			o.Fields = map[string]golit.Field{}
			m.build(o, []string{"*"}, []string{"HEAD", "GET", "POST", "PUT", "PATCH", "DELETE"}, []string{"*"})
		case s.Options == nil:
			o.Fields = map[string]golit.Field{}
			m.build(o, nil, nil, nil)
		default:
			var oes policy.Errors
			o, oes = f.ReadOptions(s.Options, "cors.Options", spec)
			es = append(es, oes...)
			m.build(o, o.Strings("AllowedOrigins"), o.Strings("AllowedMethods"), o.Strings("AllowedHeaders"))
			c.unresolved(f, &m, o)
		}
		if m.OptionsCode < 100 || m.OptionsCode > 999 {
			at := o.At("OptionsSuccessStatus", golit.Pos{Line: m.Line, Column: m.Column})
			es = append(es, &policy.Error{Line: at.Line, Column: at.Column, Path: "OptionsSuccessStatus", Msg: "OptionsSuccessStatus " + strconv.Itoa(m.OptionsCode) + " is not an HTTP status: net/http panics on WriteHeader"})
		}
		c.Middlewares = append(c.Middlewares, m)
	}
	if len(es) > 0 {
		return nil, es
	}
	if len(c.Middlewares) > 1 {
		c.Notes = append(c.Notes, strconv.Itoa(len(c.Middlewares))+" rs/cors middlewares in the text: the first, at line "+strconv.Itoa(c.Middlewares[0].Line)+", is evaluated")
	}
	return c, nil
}

// unresolved records the origin function that decides (cors.New's order:
// AllowOriginVaryRequestFunc, AllowOriginRequestFunc, AllowOriginFunc),
// evaluated when it returns a constant.
func (c *Config) unresolved(f *golit.File, m *Middleware, o golit.Options) {
	for _, name := range []string{"AllowOriginVaryRequestFunc", "AllowOriginRequestFunc", "AllowOriginFunc"} {
		fd, ok := o.Fields[name]
		if !ok {
			continue
		}
		m.Func = name
		m.AnyOrigin = false
		if r, ok := f.FuncResult(fd.Expr); ok && name != "AllowOriginVaryRequestFunc" {
			m.FuncResult = r
			return
		}
		u := golit.Unresolved{Field: name, Line: fd.At.Line, Column: fd.At.Column, Assumes: "it refuses every origin (no Access-Control-Allow-Origin) and adds no Vary"}
		if name == "AllowOriginVaryRequestFunc" {
			if r, ok := f.FuncResult(fd.Expr); ok {
				m.FuncResult = r
				u.Assumes = "it returns " + strconv.FormatBool(r) + " and adds no Vary"
			}
		}
		c.Unresolved = append(c.Unresolved, u)
		c.Notes = append(c.Notes, u.Note())
		return
	}
}

// build is cors.New on the evaluated options.
func (m *Middleware) build(o golit.Options, origins, methods, hdrs []string) {
	m.opts = o
	m.Credentials = o.Bool("AllowCredentials")
	m.PrivateNet = o.Bool("AllowPrivateNetwork")
	m.Passthrough = o.Bool("OptionsPassthrough")
	m.origins = gohdr.NewOrigins(origins)
	m.AnyOrigin = m.origins.Any
	if len(hdrs) == 0 {
		hdrs = []string{"accept", "content-type", "x-requested-with"}
	}
	for _, h := range hdrs {
		m.Headers = append(m.Headers, strings.ToLower(h))
		if h == "*" {
			m.AnyHeader = true
		}
	}
	m.headers = newSortedSet(m.Headers)
	m.Methods = methods
	if len(methods) == 0 {
		m.Methods = []string{"GET", "POST", "HEAD"}
	}
	m.OptionsCode = int(o.Int("OptionsSuccessStatus"))
	if m.OptionsCode == 0 {
		m.OptionsCode = 204
	}
	if ex := o.Strings("ExposedHeaders"); len(ex) > 0 {
		parts := make([]string, len(ex))
		for i, h := range ex {
			parts[i] = canonical(h)
		}
		m.Exposed = strings.Join(parts, ", ")
	}
	switch n := o.Int("MaxAge"); {
	case n > 0:
		m.MaxAge = strconv.FormatInt(n, 10)
	case n < 0:
		m.MaxAge = "0"
	}
}

// originAllowed is isOriginAllowed: the origin function when one is
// set, else the list.
func (m *Middleware) originAllowed(origin string) bool {
	if m.Func != "" {
		return m.FuncResult
	}
	return m.origins.Match(origin)
}

// methodAllowed is isMethodAllowed: OPTIONS always, others as written.
func (m *Middleware) methodAllowed(method string) bool {
	if method == "OPTIONS" {
		return true
	}
	for _, x := range m.Methods {
		if x == method {
			return true
		}
	}
	return false
}

// Target is m's options literal, for edits.
func (m Middleware) Target() golit.Target { return golit.Target{File: m.file, Opts: m.opts} }

// Targets are the middlewares' options literals, for edits.
func (c *Config) Targets() []golit.Target { return golit.Targets(c.Middlewares) }
