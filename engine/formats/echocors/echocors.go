// Package echocors reads the CORS middleware configuration of Echo
// (github.com/labstack/echo/v4 v4.16.5, middleware.CORSConfig) from the
// user's Go source and answers requests the way that middleware does
// (format name "echo-cors").
//
// Accepted text: a Go file or snippet that calls
// middleware.CORSWithConfig(middleware.CORSConfig{...}) or
// middleware.CORS() of github.com/labstack/echo/v4/middleware, or a
// middleware.CORSConfig literal by itself. Values are read as in package
// rscors (engine/formats/internal/golit). AllowOriginFunc is evaluated
// when its body is a single `return true, nil` or `return false, nil`;
// otherwise it is an unresolved value and the verdict assumes it refuses
// every origin. A Skipper is assumed never to skip, unless its body
// returns a constant.
//
// Semantics (echo v4.16.5 middleware/cors.go and util.go; the module is
// the differential test's ground truth, e2e/gomw):
//   - every request gets Vary: Origin;
//   - every OPTIONS request is a preflight (no check of
//     Access-Control-Request-Method) answered by the middleware with 204,
//     allowed or not, with no Origin too;
//   - AllowOrigins default to "*"; an entry is compared exactly (case
//     matters); "*" sends Access-Control-Allow-Origin: * (credentials or
//     not) unless UnsafeWildcardOriginWithAllowCredentials with
//     AllowCredentials echoes the origin; an entry "scheme://*.domain"
//     matches any deeper subdomain by labels; then each entry is a pattern
//     where '*' is any run of characters and '?' one character, anchored,
//     tried for origins of at most 261 bytes with "://";
//   - the methods are not checked: Access-Control-Allow-Methods is
//     AllowMethods joined with "," as written (default GET,HEAD,PUT,PATCH,
//     POST,DELETE). Echo's router sends the route's own methods instead
//     when AllowMethods is not set and the route has no OPTIONS handler;
//     the verdict assumes a route that answers every method (e.Any);
//   - Access-Control-Allow-Headers is AllowHeaders joined with ",", or the
//     request's Access-Control-Request-Headers when none is set;
//   - Access-Control-Max-Age is MaxAge when positive, "0" when negative;
//   - a preflight that is allowed adds Vary: Access-Control-Request-Method
//     and Vary: Access-Control-Request-Headers; a request that is not a
//     preflight goes to the application, allowed or not.
package echocors

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
)

const (
	importPath = "github.com/labstack/echo/v4/middleware"
	source     = "github.com/labstack/echo/v4 v4.16.5 middleware/cors.go, util.go (checked against the module: e2e/gomw)"
)

// DefaultMethods is DefaultCORSConfig.AllowMethods.
var DefaultMethods = []string{"GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"}

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "echo-cors" policy format.
type Format struct{}

// Name returns "echo-cors".
func (*Format) Name() string { return "echo-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Go: Echo CORS middleware" }

// Detect claims Go source with Echo's CORS middleware.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	for _, k := range []string{"middleware.CORSConfig{", "middleware.CORSWithConfig(", "middleware.CORS()"} {
		if strings.Contains(text, k) {
			return true, "Go source with Echo's " + strings.TrimRight(k, "{(") + " (labstack/echo)"
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

// spec is middleware.CORSConfig's fields (middleware/cors.go).
var spec = map[string]golit.Kind{
	"Skipper": golit.Func, "AllowOrigins": golit.List, "AllowOriginFunc": golit.Func,
	"AllowMethods": golit.List, "AllowHeaders": golit.List, "AllowCredentials": golit.Bool,
	"UnsafeWildcardOriginWithAllowCredentials": golit.Bool, "ExposeHeaders": golit.List, "MaxAge": golit.Int,
}

// Middleware is one configured CORS middleware, as CORSWithConfig builds it.
type Middleware struct {
	// Call is "CORSWithConfig", "CORS", or "" for a literal by itself.
	Call   string `json:"call"`
	Line   int    `json:"line"`
	Column int    `json:"column"`

	Origins  []string `json:"origins"`
	patterns []*regexp.Regexp
	// Func is set when AllowOriginFunc decides; FuncResult is what it
	// returns (false when it cannot be evaluated: Config.Unresolved).
	Func       string `json:"func,omitempty"`
	FuncResult bool   `json:"func_result,omitempty"`
	// Skips is a Skipper that returns true: the middleware does nothing.
	Skips bool `json:"skips,omitempty"`

	Methods     string `json:"methods"`
	Headers     string `json:"headers,omitempty"` // "" reflects the request's
	Exposed     string `json:"exposed,omitempty"`
	MaxAge      int64  `json:"max_age,omitempty"`
	Credentials bool   `json:"credentials,omitempty"`
	Unsafe      bool   `json:"unsafe_wildcard,omitempty"`
	opts        golit.Options
	file        *golit.File
}

// Config is every Echo CORS middleware in the text; the first answers.
type Config struct {
	Middlewares []Middleware       `json:"middlewares"`
	Unresolved  []golit.Unresolved `json:"unresolved,omitempty"`
	Notes       []string           `json:"notes,omitempty"`
}

// Parse reads the Echo CORS middlewares of text.
func Parse(text string) (*Config, error) {
	f, err := golit.Parse(text)
	if err != nil {
		return nil, err
	}
	sites := f.Sites(importPath, "middleware", "CORSConfig", []string{"CORSWithConfig"}, []string{"CORS"})
	if len(sites) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no middleware.CORSWithConfig(middleware.CORSConfig{...}) or middleware.CORS() of " + importPath + " found", Unreadable: true}}
	}
	c := &Config{}
	var es policy.Errors
	for _, s := range sites {
		m := Middleware{Call: s.Call, Line: s.Pos.Line, Column: s.Pos.Column, file: f}
		o := golit.Options{Fields: map[string]golit.Field{}}
		if s.Options != nil {
			var oes policy.Errors
			o, oes = f.ReadOptions(s.Options, "middleware.CORSConfig", spec)
			es = append(es, oes...)
		}
		m.build(o)
		if fd, ok := o.Fields["AllowOriginFunc"]; ok {
			m.Func = "AllowOriginFunc"
			if r, ok := f.FuncResult(fd.Expr); ok {
				m.FuncResult = r
			} else {
				c.unresolved(golit.Unresolved{Field: "AllowOriginFunc", Line: fd.At.Line, Column: fd.At.Column, Assumes: "it returns false and no error: no origin is allowed"})
			}
		}
		if fd, ok := o.Fields["Skipper"]; ok {
			if r, ok := f.FuncResult(fd.Expr); ok {
				m.Skips = r
			} else {
				c.unresolved(golit.Unresolved{Field: "Skipper", Line: fd.At.Line, Column: fd.At.Column, Assumes: "it never skips the middleware"})
			}
		}
		c.Middlewares = append(c.Middlewares, m)
	}
	if len(es) > 0 {
		return nil, es
	}
	if len(c.Middlewares) > 1 {
		c.Notes = append(c.Notes, strconv.Itoa(len(c.Middlewares))+" Echo CORS middlewares in the text: the first, at line "+strconv.Itoa(c.Middlewares[0].Line)+", is evaluated")
	}
	return c, nil
}

func (c *Config) unresolved(u golit.Unresolved) {
	c.Unresolved = append(c.Unresolved, u)
	c.Notes = append(c.Notes, u.Note())
}

// build is CORSWithConfig on the evaluated configuration.
func (m *Middleware) build(o golit.Options) {
	m.opts = o
	m.Origins = o.Strings("AllowOrigins")
	if len(m.Origins) == 0 {
		m.Origins = []string{"*"}
	}
	for _, s := range m.Origins {
		if s == "*" {
			continue
		}
		p := regexp.QuoteMeta(s)
		p = strings.ReplaceAll(p, `\*`, ".*")
		p = strings.ReplaceAll(p, `\?`, ".")
		if re, err := regexp.Compile("^" + p + "$"); err == nil {
			m.patterns = append(m.patterns, re)
		}
	}
	methods := o.Strings("AllowMethods")
	if len(methods) == 0 {
		methods = DefaultMethods
	}
	m.Methods = strings.Join(methods, ",")
	m.Headers = strings.Join(o.Strings("AllowHeaders"), ",")
	m.Exposed = strings.Join(o.Strings("ExposeHeaders"), ",")
	m.MaxAge = o.Int("MaxAge")
	m.Credentials = o.Bool("AllowCredentials")
	m.Unsafe = o.Bool("UnsafeWildcardOriginWithAllowCredentials")
}

// allowOrigin is the value of Access-Control-Allow-Origin for origin, ""
// when it is not allowed.
func (m *Middleware) allowOrigin(origin string) string {
	if m.Func != "" {
		if m.FuncResult {
			return origin
		}
		return ""
	}
	for _, o := range m.Origins {
		if o == "*" && m.Credentials && m.Unsafe {
			return origin
		}
		if o == "*" || o == origin {
			return o
		}
		if matchSubdomain(origin, o) {
			return origin
		}
	}
	if len(origin) <= 253+3+5 && strings.Contains(origin, "://") {
		for _, re := range m.patterns {
			if re.MatchString(origin) {
				return origin
			}
		}
	}
	return ""
}

// matchSubdomain is util.go's: same scheme (before the first ':'), then
// the authorities' dot-separated labels compared from the last; a "*"
// label of the pattern matches the rest, and the origin must not run out
// of labels before it.
func matchSubdomain(origin, pattern string) bool {
	oi, pi := strings.IndexByte(origin, ':'), strings.IndexByte(pattern, ':')
	if oi < 0 || pi < 0 || origin[:oi] != pattern[:pi] {
		return false
	}
	oi, pi = strings.Index(origin, "://"), strings.Index(pattern, "://")
	if oi < 0 || pi < 0 {
		return false
	}
	oa, pa := origin[oi+3:], pattern[pi+3:]
	if len(oa) > 253 {
		return false
	}
	ol, pl := strings.Split(oa, "."), strings.Split(pa, ".")
	for i := range ol {
		if i >= len(pl) {
			return false
		}
		p := pl[len(pl)-1-i]
		if p == "*" {
			return true
		}
		if p != ol[len(ol)-1-i] {
			return false
		}
	}
	return false
}

// Target is m's options literal, for edits.
func (m Middleware) Target() golit.Target { return golit.Target{File: m.file, Opts: m.opts} }

// Targets are the middlewares' options literals, for edits.
func (c *Config) Targets() []golit.Target { return golit.Targets(c.Middlewares) }
