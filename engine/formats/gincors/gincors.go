// Package gincors reads the configuration of the gin-contrib/cors
// middleware (v1.7.7, for gin v1.12.0) from the user's Go source and
// answers requests the way that middleware does (format name
// "gin-contrib-cors").
//
// Accepted text: a Go file or snippet that calls cors.New(cors.Config{...})
// or cors.Default() of github.com/gin-contrib/cors, or a cors.Config
// literal with that import. Values are read as in package rscors
// (engine/formats/internal/golit), MaxAge as a duration (12 * time.Hour).
// AllowOriginFunc and AllowOriginWithContextFunc are evaluated when their
// body is a single `return true` or `return false`; otherwise they are
// unresolved values and the verdict assumes they refuse.
//
// Semantics (gin-contrib/cors v1.7.7 config.go, cors.go, utils.go; the
// module is the differential test's ground truth, e2e/gomw):
//   - the configuration is checked when the application starts (Validate:
//     AllowAllOrigins with AllowOrigins or a function, no origin at all,
//     an origin without '*' that does not start with an allowed scheme;
//     two '*' with AllowWildcard): cors.New panics, so the reader refuses
//     it, positioned;
//   - "*" among AllowOrigins means AllowAllOrigins;
//   - a request without Origin, or whose Origin is http:// or https://
//     followed by the request's Host, passes untouched;
//   - an origin not allowed is refused with 403 and no CORS header, and
//     the application does not run;
//   - every OPTIONS request is a preflight (no check of
//     Access-Control-Request-Method), answered with
//     OptionsResponseStatusCode (204 when 0) and the configured lists, not
//     the requested ones: methods upper-cased and joined with ",", headers
//     canonicalised and joined with ",", both trimmed, lower-cased and
//     deduplicated first; Max-Age in whole seconds when positive;
//   - origins are compared exactly with the entries lower-cased (an
//     upper-case request Origin never matches); an entry written /.../ is
//     a Go regular expression, unanchored; with AllowWildcard an entry with
//     one '*' is a prefix and a suffix, as written (they may overlap);
//     then AllowOriginFunc decides;
//   - Access-Control-Allow-Origin is "*" with AllowAllOrigins (even with
//     AllowAllOrigins and credentials), else the request's Origin, with
//     Vary: Origin (and, on a preflight, Vary:
//     Access-Control-Request-Method and Access-Control-Request-Headers).
package gincors

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
)

const (
	importPath = "github.com/gin-contrib/cors"
	source     = "github.com/gin-contrib/cors v1.7.7 cors.go, config.go, utils.go (checked against the module on gin v1.12.0: e2e/gomw)"
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "gin-contrib-cors" policy format.
type Format struct{}

// Name returns "gin-contrib-cors".
func (*Format) Name() string { return "gin-contrib-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Go: gin-contrib/cors config" }

// Detect claims Go source that imports github.com/gin-contrib/cors, and
// a snippet without imports with a cors.Config literal.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if strings.Contains(text, `"`+importPath+`"`) {
		return true, "Go source that imports " + importPath
	}
	if !strings.Contains(text, "import") && strings.Contains(text, "cors.Config{") {
		return true, "a cors.Config literal (gin-contrib/cors)"
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

// spec is cors.Config's fields (config.go, type Config).
var spec = map[string]golit.Kind{
	"AllowAllOrigins": golit.Bool, "AllowOrigins": golit.List, "AllowOriginFunc": golit.Func,
	"AllowOriginWithContextFunc": golit.Func, "AllowMethods": golit.List, "AllowPrivateNetwork": golit.Bool,
	"AllowHeaders": golit.List, "AllowCredentials": golit.Bool, "ExposeHeaders": golit.List,
	"MaxAge": golit.Int, "AllowWildcard": golit.Bool, "AllowBrowserExtensions": golit.Bool,
	"CustomSchemas": golit.List, "AllowWebSockets": golit.Bool, "AllowFiles": golit.Bool,
	"OptionsResponseStatusCode": golit.Int,
}

// Middleware is one configured gin-contrib/cors handler.
type Middleware struct {
	// Call is "New", "Default", or "" for a literal by itself.
	Call   string `json:"call"`
	Line   int    `json:"line"`
	Column int    `json:"column"`

	AnyOrigin bool     `json:"any_origin,omitempty"`
	Origins   []string `json:"origins,omitempty"` // normalised: trimmed, lower-cased, unique
	regexps   map[string]*regexp.Regexp
	wild      [][2]string // AllowWildcard rules as written
	// Funcs are the origin functions set, with what they return (false
	// when they cannot be evaluated: Config.Unresolved).
	Funcs      []string `json:"funcs,omitempty"`
	FuncResult []bool   `json:"func_result,omitempty"`

	Credentials bool `json:"credentials,omitempty"`
	// Preflight and Normal are the headers set on preflights and on other
	// requests (generatePreflightHeaders, generateNormalHeaders).
	preflight, normal gohdr.Header
	OptionsCode       int   `json:"options_response_status_code"`
	maxAge            int64 // seconds
	opts              golit.Options
	file              *golit.File
}

// Config is every gin-contrib/cors middleware in the text; the first answers.
type Config struct {
	Middlewares []Middleware       `json:"middlewares"`
	Unresolved  []golit.Unresolved `json:"unresolved,omitempty"`
	Notes       []string           `json:"notes,omitempty"`
}

// Parse reads the gin-contrib/cors middlewares of text.
func Parse(text string) (*Config, error) {
	f, err := golit.Parse(text)
	if err != nil {
		return nil, err
	}
	sites := f.Sites(importPath, "cors", "Config", []string{"New"}, []string{"Default"})
	if len(sites) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no cors.New(cors.Config{...}) or cors.Default() of " + importPath + " found", Unreadable: true}}
	}
	c := &Config{}
	var es policy.Errors
	for _, s := range sites {
		m := Middleware{Call: s.Call, Line: s.Pos.Line, Column: s.Pos.Column, file: f}
		at := golit.Pos{Line: s.Pos.Line, Column: s.Pos.Column}
		o := golit.Options{Fields: map[string]golit.Field{}}
		if s.Call == "Default" {
			// DefaultConfig() with AllowAllOrigins.
			o.Base = "DefaultConfig"
			m.build(o, true, nil)
		} else {
			if s.Options == nil {
				es = append(es, &policy.Error{Line: at.Line, Column: at.Column, Msg: "cors.New takes a cors.Config"})
				continue
			}
			var oes policy.Errors
			o, oes = f.ReadOptions(s.Options, "cors.Config", spec, "DefaultConfig")
			es = append(es, oes...)
			es = append(es, adds(f, &o)...)
			if len(es) > 0 {
				continue
			}
			es = append(es, validate(o, at)...)
			c.funcs(f, &m, o)
			m.build(o, o.Bool("AllowAllOrigins"), o.Strings("AllowOrigins"))
			for _, v := range o.Fields["AllowOrigins"].Value.List {
				if p, ok := regexSource(strings.ToLower(strings.TrimSpace(v.Str))); ok {
					re, err := regexp.Compile(p)
					if err != nil {
						es = append(es, &policy.Error{Line: v.Pos.Line, Column: v.Pos.Column, Path: "AllowOrigins", Msg: "regular expression " + strconv.Quote(p) + " does not compile (gin-contrib/cors panics on each request): " + err.Error()})
						continue
					}
					m.regexps[p] = re
				}
			}
		}
		c.Middlewares = append(c.Middlewares, m)
	}
	if len(es) > 0 {
		return nil, es
	}
	if len(c.Middlewares) > 1 {
		c.Notes = append(c.Notes, strconv.Itoa(len(c.Middlewares))+" gin-contrib/cors middlewares in the text: the first, at line "+strconv.Itoa(c.Middlewares[0].Line)+", is evaluated")
	}
	return c, nil
}

// funcs records the origin functions (validateOrigin calls
// AllowOriginFunc after the list, isOriginValid then
// AllowOriginWithContextFunc).
func (c *Config) funcs(f *golit.File, m *Middleware, o golit.Options) {
	for _, name := range []string{"AllowOriginFunc", "AllowOriginWithContextFunc"} {
		fd, ok := o.Fields[name]
		if !ok {
			continue
		}
		r, ok := f.FuncResult(fd.Expr)
		if !ok {
			u := golit.Unresolved{Field: name, Line: fd.At.Line, Column: fd.At.Column, Assumes: "it refuses every origin the list does not allow (403)"}
			c.Unresolved = append(c.Unresolved, u)
			c.Notes = append(c.Notes, u.Note())
		}
		m.Funcs = append(m.Funcs, name)
		m.FuncResult = append(m.FuncResult, r)
	}
}

var schemes = map[string][]string{
	"": {"http://", "https://"}, "AllowBrowserExtensions": {"chrome-extension://", "safari-extension://", "moz-extension://", "ms-browser-extension://"},
	"AllowWebSockets": {"ws://", "wss://"}, "AllowFiles": {"file://"},
}

// validate is Config.Validate and parseWildcardRules' panic: the faults
// for which cors.New panics when the application starts.
func validate(o golit.Options, at golit.Pos) policy.Errors {
	var es policy.Errors
	fail := func(field, msg string) {
		p := o.At(field, at)
		es = append(es, &policy.Error{Line: p.Line, Column: p.Column, Path: field, Msg: msg + " (cors.New panics)"})
	}
	hasFn := o.Has("AllowOriginFunc") || o.Has("AllowOriginWithContextFunc")
	origins := o.Strings("AllowOrigins")
	all := o.Bool("AllowAllOrigins")
	if all && (hasFn || len(origins) > 0) {
		fail("AllowAllOrigins", "conflict settings: all origins enabled, so AllowOrigins or an origin function is not needed")
	}
	if !all && !hasFn && len(origins) == 0 {
		fail("AllowOrigins", "conflict settings: all origins disabled; list AllowOrigins or set AllowAllOrigins")
	}
	allowed := append([]string(nil), schemes[""]...)
	for _, k := range []string{"AllowBrowserExtensions", "AllowWebSockets", "AllowFiles"} {
		if o.Bool(k) {
			allowed = append(allowed, schemes[k]...)
		}
	}
	allowed = append(allowed, o.Strings("CustomSchemas")...)
	for _, v := range o.Fields["AllowOrigins"].Value.List {
		s := v.Str
		if strings.Contains(s, "*") {
			if o.Bool("AllowWildcard") && strings.Count(s, "*") > 1 {
				es = append(es, &policy.Error{Line: v.Pos.Line, Column: v.Pos.Column, Path: "AllowOrigins", Msg: "only one * is allowed in " + strconv.Quote(s) + " (cors.New panics)"})
			}
			continue
		}
		if p, ok := regexSource(s); ok {
			s = strings.TrimPrefix(strings.Replace(p, "?", "", 1), "^")
		}
		ok := false
		for _, sc := range allowed {
			ok = ok || strings.HasPrefix(s, sc)
		}
		if !ok {
			es = append(es, &policy.Error{Line: v.Pos.Line, Column: v.Pos.Column, Path: "AllowOrigins", Msg: "bad origin " + strconv.Quote(v.Str) + ": origins must contain '*' or start with " + strings.Join(allowed, ",") + " (cors.New panics)"})
		}
	}
	return es
}

// regexSource is the pattern of an entry written /.../ (with one
// optional flag letter of gimuy after it, ignored).
func regexSource(s string) (string, bool) {
	if len(s) < 3 || s[0] != '/' {
		return "", false
	}
	end := len(s) - 1
	if s[end] != '/' {
		if !strings.ContainsRune("gimuy", rune(s[end])) || s[end-1] != '/' {
			return "", false
		}
		end--
	}
	if end < 2 {
		return "", false
	}
	return s[1:end], true
}

// DefaultConfig's lists (config.go DefaultConfig).
var (
	defaultMethods = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}
	defaultHeaders = []string{"Origin", "Content-Length", "Content-Type"}
)

// lists are the methods, headers and Max-Age (in seconds) of o: as
// written, or DefaultConfig's when o starts from it.
func lists(o golit.Options) (methods, hdrs []string, maxAge int64) {
	methods, hdrs, maxAge = o.Strings("AllowMethods"), o.Strings("AllowHeaders"), o.Int("MaxAge")/1e9
	if o.Base == "DefaultConfig" {
		if !o.Has("AllowMethods") {
			methods = defaultMethods
		}
		if !o.Has("AllowHeaders") {
			hdrs = defaultHeaders
		}
		if !o.Has("MaxAge") {
			maxAge = 12 * 3600
		}
	}
	return methods, hdrs, maxAge
}

// adders are Config's methods that append to a list (config.go).
var adders = map[string]string{"AddAllowMethods": "AllowMethods", "AddAllowHeaders": "AllowHeaders", "AddExposeHeaders": "ExposeHeaders"}

// adds applies the Add* calls on the configuration variable to its
// lists, in order (DefaultConfig's list first when it starts from it);
// any other call on it is refused, positioned.
func adds(f *golit.File, o *golit.Options) policy.Errors {
	var es policy.Errors
	for _, c := range o.Calls {
		field, ok := adders[c.Name]
		if !ok {
			es = append(es, &policy.Error{Line: c.Pos.Line, Column: c.Pos.Column, Msg: "the call " + c.Name + " on the configuration cannot be read; write the values in cors.Config"})
			continue
		}
		fd, has := o.Fields[field]
		if !has {
			fd = golit.Field{Name: field, Key: c.Pos, At: c.Pos, Value: golit.Value{Kind: golit.List, Pos: c.Pos}}
			if o.Base == "DefaultConfig" {
				def := map[string][]string{"AllowMethods": defaultMethods, "AllowHeaders": defaultHeaders}[field]
				for _, s := range def {
					fd.Value.List = append(fd.Value.List, golit.Value{Kind: golit.String, Str: s, Pos: c.Pos})
				}
			}
		}
		fd.Value.List = append([]golit.Value(nil), fd.Value.List...)
		for _, a := range c.Args {
			v := f.Eval(a)
			if v.Kind != golit.String {
				es = append(es, &policy.Error{Line: v.Pos.Line, Column: v.Pos.Column, Path: field, Msg: "cannot evaluate " + strconv.Quote(f.Source(a)) + " offline: write a string literal or a constant of this file"})
				continue
			}
			fd.Value.List = append(fd.Value.List, v)
		}
		o.Fields[field] = fd
	}
	return es
}

// normalize trims, lower-cases and deduplicates a list (utils.go).
func normalize(vs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, v := range vs {
		v = strings.ToLower(strings.TrimSpace(v))
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// build is newCors on the evaluated configuration.
func (m *Middleware) build(o golit.Options, all bool, origins []string) {
	methods, hdrs, maxAge := lists(o)
	m.opts, m.maxAge = o, maxAge
	for _, s := range origins {
		all = all || s == "*"
	}
	m.AnyOrigin = all
	m.Origins = normalize(origins)
	m.regexps = map[string]*regexp.Regexp{}
	m.Credentials = o.Bool("AllowCredentials")
	m.OptionsCode = int(o.Int("OptionsResponseStatusCode"))
	if m.OptionsCode == 0 {
		m.OptionsCode = 204
	}
	if o.Bool("AllowWildcard") {
		for _, s := range origins {
			if i := strings.IndexByte(s, '*'); i >= 0 {
				m.wild = append(m.wild, [2]string{s[:i], s[i+1:]})
			}
		}
	}
	join := func(vs []string, conv func(string) string) string {
		vs = normalize(vs)
		for i := range vs {
			vs[i] = conv(vs[i])
		}
		return strings.Join(vs, ",")
	}
	for _, h := range []*gohdr.Header{&m.normal, &m.preflight} {
		if m.Credentials {
			h.Set("Access-Control-Allow-Credentials", "true")
		}
	}
	if ex := o.Strings("ExposeHeaders"); len(ex) > 0 {
		m.normal.Set("Access-Control-Expose-Headers", join(ex, gohdr.Canonical))
	}
	if len(methods) > 0 {
		m.preflight.Set("Access-Control-Allow-Methods", join(methods, strings.ToUpper))
	}
	if len(hdrs) > 0 {
		m.preflight.Set("Access-Control-Allow-Headers", join(hdrs, gohdr.Canonical))
	}
	if maxAge > 0 {
		m.preflight.Set("Access-Control-Max-Age", strconv.FormatInt(maxAge, 10))
	}
	if o.Bool("AllowPrivateNetwork") {
		m.preflight.Set("Access-Control-Allow-Private-Network", "true")
	}
	if all {
		m.normal.Set("Access-Control-Allow-Origin", "*")
		m.preflight.Set("Access-Control-Allow-Origin", "*")
	} else {
		m.normal.Set("Vary", "Origin")
		for _, v := range []string{"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"} {
			m.preflight.Add("Vary", v)
		}
	}
}

// originValid is isOriginValid: the list (exact, /regex/), the wildcard
// rules, AllowOriginFunc, then AllowOriginWithContextFunc. fn is the
// function that decided, "" for the list.
func (m *Middleware) originValid(origin string) (ok bool, fn string) {
	if m.AnyOrigin {
		return true, ""
	}
	for _, v := range m.Origins {
		if p, isRe := regexSource(v); isRe {
			if m.regexps[p] != nil && m.regexps[p].MatchString(origin) {
				return true, ""
			}
		} else if v == origin {
			return true, ""
		}
	}
	for _, w := range m.wild {
		switch {
		case w[0] == "*" && strings.HasSuffix(origin, w[1]), w[1] == "*" && strings.HasPrefix(origin, w[0]):
			return true, ""
		case strings.HasPrefix(origin, w[0]) && strings.HasSuffix(origin, w[1]):
			return true, ""
		}
	}
	for i, name := range m.Funcs {
		if m.FuncResult[i] {
			return true, name
		}
		fn = name
	}
	return false, fn
}

// Target is m's options literal, for edits.
func (m Middleware) Target() golit.Target {
	return golit.Target{File: m.file, Opts: m.opts, Refuse: map[string]bool{fix.Origins: m.opts.Bool("AllowAllOrigins")}}
}

// Targets are the middlewares' options literals, for edits.
func (c *Config) Targets() []golit.Target { return golit.Targets(c.Middlewares) }
