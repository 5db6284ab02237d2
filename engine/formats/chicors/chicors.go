// Package chicors reads the options of the go-chi/cors middleware
// (v1.2.2) from the user's Go source and answers requests the way that
// middleware does (format name "go-chi-cors").
//
// Accepted text: a Go file or snippet that calls
// cors.Handler(cors.Options{...}), cors.New(cors.Options{...}) or
// cors.AllowAll() of github.com/go-chi/cors, or a cors.Options literal
// with the go-chi/cors import. Values are read as in package rscors
// (engine/formats/internal/golit); AllowOriginFunc is evaluated when its
// body is a single `return true` or `return false`, otherwise it is an
// unresolved value and the verdict assumes it refuses every origin.
//
// Semantics (go-chi/cors v1.2.2 cors.go and utils.go; the module is the
// differential test's ground truth, e2e/gomw):
//   - a preflight is an OPTIONS request with an Origin header and a
//     non-empty Access-Control-Request-Method; it is answered with 200
//     (not 204) unless OptionsPassthrough hands it to the application,
//     and gets Vary: Origin, Vary: Access-Control-Request-Method and Vary:
//     Access-Control-Request-Headers, three lines;
//   - every other request gets Vary: Origin, and CORS headers when it has
//     an Origin that is allowed and its method (upper-cased) is allowed;
//   - origins as rs/cors reads them (lower-cased, "*", one '*' a
//     wildcard, none for any origin); AllowOriginFunc, when set, decides
//     alone;
//   - methods are upper-cased, in the list and in the request;
//   - requested headers are parsed by letters, digits and "-_." only,
//     canonicalised (x-api-key becomes X-Api-Key) and each must be in
//     AllowedHeaders plus Origin (default Origin, Accept, Content-Type;
//     "*" any); they are echoed canonicalised, joined with ", ";
//   - Access-Control-Allow-Origin is "*" when every origin is allowed,
//     credentials or not; Access-Control-Max-Age only when MaxAge > 0.
package chicors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
)

const (
	importPath = "github.com/go-chi/cors"
	source     = "github.com/go-chi/cors v1.2.2 cors.go, utils.go (checked against the module: e2e/gomw)"
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "go-chi-cors" policy format.
type Format struct{}

// Name returns "go-chi-cors".
func (*Format) Name() string { return "go-chi-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Go: go-chi/cors options" }

// Detect claims Go source that imports github.com/go-chi/cors, and a
// snippet without imports that calls cors.Handler(cors.Options{.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if strings.Contains(text, `"`+importPath+`"`) {
		return true, "Go source that imports " + importPath
	}
	if !strings.Contains(text, "import") && strings.Contains(text, "cors.Handler(cors.Options{") {
		return true, "a cors.Handler(cors.Options{...}) call (go-chi/cors)"
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
	"AllowedOrigins": golit.List, "AllowOriginFunc": golit.Func, "AllowedMethods": golit.List,
	"AllowedHeaders": golit.List, "ExposedHeaders": golit.List, "AllowCredentials": golit.Bool,
	"MaxAge": golit.Int, "OptionsPassthrough": golit.Bool, "Debug": golit.Ignored,
}

// Middleware is one configured cors.Cors, as cors.New builds it.
type Middleware struct {
	// Call is how it is built: "Handler", "New", "AllowAll", or "" for
	// a literal by itself.
	Call   string `json:"call"`
	Line   int    `json:"line"`
	Column int    `json:"column"`

	AnyOrigin bool `json:"any_origin,omitempty"`
	origins   gohdr.Origins
	// Func is set when AllowOriginFunc decides; FuncResult is what it
	// returns (false when it cannot be evaluated: Config.Unresolved).
	Func        string   `json:"func,omitempty"`
	FuncResult  bool     `json:"func_result,omitempty"`
	Methods     []string `json:"methods"`           // upper-cased
	Headers     []string `json:"headers,omitempty"` // canonical, Origin added
	AnyHeader   bool     `json:"any_header,omitempty"`
	Exposed     string   `json:"exposed,omitempty"`
	MaxAge      int64    `json:"max_age,omitempty"`
	Credentials bool     `json:"credentials,omitempty"`
	Passthrough bool     `json:"passthrough,omitempty"`
	opts        golit.Options
	file        *golit.File
}

// Config is every go-chi/cors middleware in the text; the first answers.
type Config struct {
	Middlewares []Middleware       `json:"middlewares"`
	Unresolved  []golit.Unresolved `json:"unresolved,omitempty"`
	Notes       []string           `json:"notes,omitempty"`
}

// Parse reads the go-chi/cors middlewares of text.
func Parse(text string) (*Config, error) {
	f, err := golit.Parse(text)
	if err != nil {
		return nil, err
	}
	sites := f.Sites(importPath, "cors", "Options", []string{"Handler", "New"}, []string{"AllowAll"})
	if len(sites) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no cors.Handler(cors.Options{...}), cors.New(...) or cors.AllowAll() of " + importPath + " found", Unreadable: true}}
	}
	c := &Config{}
	var es policy.Errors
	for _, s := range sites {
		m := Middleware{Call: s.Call, Line: s.Pos.Line, Column: s.Pos.Column, file: f}
		o := golit.Options{Fields: map[string]golit.Field{}}
		switch {
		case s.Call == "AllowAll":
			m.build(o, []string{"*"}, []string{"HEAD", "GET", "POST", "PUT", "PATCH", "DELETE"}, []string{"*"})
		case s.Options == nil:
			es = append(es, &policy.Error{Line: s.Pos.Line, Column: s.Pos.Column, Msg: "cors." + s.Call + " takes a cors.Options"})
			continue
		default:
			var oes policy.Errors
			o, oes = f.ReadOptions(s.Options, "cors.Options", spec)
			es = append(es, oes...)
			m.build(o, o.Strings("AllowedOrigins"), o.Strings("AllowedMethods"), o.Strings("AllowedHeaders"))
			if fd, ok := o.Fields["AllowOriginFunc"]; ok {
				m.Func, m.AnyOrigin = "AllowOriginFunc", false
				if r, ok := f.FuncResult(fd.Expr); ok {
					m.FuncResult = r
				} else {
					u := golit.Unresolved{Field: "AllowOriginFunc", Line: fd.At.Line, Column: fd.At.Column, Assumes: "it refuses every origin (no Access-Control-Allow-Origin)"}
					c.Unresolved = append(c.Unresolved, u)
					c.Notes = append(c.Notes, u.Note())
				}
			}
		}
		c.Middlewares = append(c.Middlewares, m)
	}
	if len(es) > 0 {
		return nil, es
	}
	if len(c.Middlewares) > 1 {
		c.Notes = append(c.Notes, strconv.Itoa(len(c.Middlewares))+" go-chi/cors middlewares in the text: the first, at line "+strconv.Itoa(c.Middlewares[0].Line)+", is evaluated")
	}
	return c, nil
}

// build is cors.New on the evaluated options.
func (m *Middleware) build(o golit.Options, origins, methods, hdrs []string) {
	m.opts = o
	m.Credentials = o.Bool("AllowCredentials")
	m.Passthrough = o.Bool("OptionsPassthrough")
	m.MaxAge = o.Int("MaxAge")
	m.origins = gohdr.NewOrigins(origins)
	// allowedOriginsAll: no origins and no function, or "*" listed.
	m.AnyOrigin = m.origins.Any
	if len(hdrs) == 0 {
		m.Headers = []string{"Origin", "Accept", "Content-Type"}
	} else {
		for _, h := range append(append([]string(nil), hdrs...), "Origin") {
			m.Headers = append(m.Headers, gohdr.Canonical(h))
		}
		for _, h := range hdrs {
			if h == "*" {
				m.AnyHeader = true
			}
		}
	}
	if len(methods) == 0 {
		m.Methods = []string{"GET", "POST", "HEAD"}
	}
	for _, x := range methods {
		m.Methods = append(m.Methods, strings.ToUpper(x))
	}
	var ex []string
	for _, h := range o.Strings("ExposedHeaders") {
		ex = append(ex, gohdr.Canonical(h))
	}
	m.Exposed = strings.Join(ex, ", ")
}

func (m *Middleware) originAllowed(origin string) bool {
	if m.Func != "" {
		return m.FuncResult
	}
	return m.origins.Match(origin)
}

// methodAllowed is isMethodAllowed: upper-cased; OPTIONS always.
func (m *Middleware) methodAllowed(method string) bool {
	method = strings.ToUpper(method)
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

// headersAllowed is areHeadersAllowed on the parsed names.
func (m *Middleware) headersAllowed(names []string) bool {
	if m.AnyHeader || len(names) == 0 {
		return true
	}
	for _, n := range names {
		n = gohdr.Canonical(n)
		found := false
		for _, h := range m.Headers {
			if h == n {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// parseHeaderList is go-chi/cors's reading of
// Access-Control-Request-Headers (utils.go): names end at a space or a
// comma; only letters, digits and "-_." are kept; a letter is upper-cased
// at the start of a name and after '-', lower-cased elsewhere.
func parseHeaderList(s string) []string {
	var out []string
	var name []byte
	upper := true
	for i := 0; i < len(s); i++ {
		b := s[i]
		switch {
		case b >= 'a' && b <= 'z':
			if upper {
				b -= 'a' - 'A'
			}
			name = append(name, b)
		case b >= 'A' && b <= 'Z':
			if !upper {
				b += 'a' - 'A'
			}
			name = append(name, b)
		case b == '-' || b == '_' || b == '.' || b >= '0' && b <= '9':
			name = append(name, b)
		}
		if b == ' ' || b == ',' || i == len(s)-1 {
			if len(name) > 0 {
				out = append(out, string(name))
				name = name[:0]
				upper = true
			}
		} else {
			upper = b == '-'
		}
	}
	return out
}

// Target is m's options literal, for edits.
func (m Middleware) Target() golit.Target { return golit.Target{File: m.file, Opts: m.opts} }

// Targets are the middlewares' options literals, for edits.
func (c *Config) Targets() []golit.Target { return golit.Targets(c.Middlewares) }
