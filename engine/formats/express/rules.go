package express

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the platform in lint's sentences ("Express cors()
// refuses this: ...").
func (*Format) Platform() string { return "Express cors()" }

// ReadRules reads text into the neutral model: one rule per cors()
// middleware, in mount order, each value positioned where the option is
// written (the cors() call itself for an option left to its default).
//
// Semantics: the origins are the application's own code (strings,
// RegExps, true), so lint compares them as a program does
// (portable.OriginsProgram); and methods is the library's default list
// "GET,HEAD,PUT,PATCH,POST,DELETE" (lib/index.js `defaults`) unless the
// author wrote one, so a safelisted method in it is not the author's
// redundancy (MethodsAsDefaults).
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(c, text)
	return cfg, nil
}

// StateRules implements convert.Stater: the rules of a Config Parse
// returned.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	src := &portable.Config{Format: "express", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: true}}
	for i, m := range c.Middlewares {
		src.Rules = append(src.Rules, configRule(i, m))
	}
	return src, true
}

// configRule states middleware i in the neutral model: what cors() sends
// for each option as lib/index.js reads it (shared/reference/
// cloud-policies.md §6.3).
func configRule(i int, m Middleware) portable.ConfigRule {
	at := portable.Pos{Line: m.Line, Column: m.Column}
	opt := func(key string) portable.Pos {
		if p, ok := m.At[key]; ok {
			return portable.Pos{Line: p.Line, Column: p.Column}
		}
		return at
	}
	r := portable.ConfigRule{Index: i, Pos: at, Credentials: m.Credentials, CredentialsPos: opt("credentials"), MaxAgePos: opt("maxAge")}
	// The list options are comma strings once joined (joinList: an array
	// is joined with ","), so each item is positioned at the option.
	list := func(key, s string) []portable.Value {
		var vs []portable.Value
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				vs = append(vs, portable.Value{Text: x, Pos: opt(key)})
			}
		}
		return vs
	}
	switch {
	case m.Disabled:
		// A falsy origin: cors() calls next() and sets no header.
		r.Disabled = true
	case m.AnyOrigin:
		r.Origins = []portable.Value{{Text: "*", Pos: opt("origin")}}
	case m.Fixed != "":
		r.Origins = []portable.Value{{Text: m.Fixed, Pos: opt("origin")}}
	case m.ReflectAll:
		// origin: true echoes every request's Origin; an origin
		// function or expression is assumed to.
		r.ReflectAny, r.ReflectAssumed = true, m.Assumed
	default:
		for _, o := range m.Allowed {
			p := portable.Pos{Line: o.Line, Column: o.Column}
			if p.Line == 0 {
				p = opt("origin")
			}
			if o.Regex != "" {
				if r.Regex == nil {
					r.Regex = map[int]bool{}
				}
				r.Regex[len(r.Origins)] = true
				r.Origins = append(r.Origins, portable.Value{Text: o.Regex, Pos: p})
			} else {
				r.Origins = append(r.Origins, portable.Value{Text: o.Exact, Pos: p})
			}
		}
	}
	r.Methods = list("methods", m.Methods)
	if m.AllowedHeaders == nil {
		// Neither allowedHeaders nor headers: cors() reflects
		// Access-Control-Request-Headers (configureAllowedHeaders).
		r.EchoAllHeaders = true
	} else {
		key := "allowedHeaders"
		if _, ok := m.At[key]; !ok {
			key = "headers"
		}
		r.AllowHeaders = list(key, *m.AllowedHeaders)
	}
	r.ExposeHeaders = list("exposedHeaders", m.ExposedHeaders)
	if m.MaxAge != "" {
		if n, err := strconv.Atoi(m.MaxAge); err == nil {
			r.MaxAge = &n
		}
	}
	r.PreflightPass = m.PreflightContinue
	r.MethodOnly = m.Method
	if m.Path != "" && m.Path != "/" && m.Path != "*" && m.Path != "/*" {
		r.Paths = []string{m.Path}
		if !m.Prefix {
			r.PathNote = "the route covers exactly " + strconv.Quote(m.Path) + "; the portable form covers it and every path below it"
		}
		if i := strings.Index(m.Path, "/:"); i >= 0 {
			// Up to the first named parameter: the portable form has
			// no segment pattern.
			r.Paths = []string{m.Path[:i]}
			if i == 0 {
				r.Paths = nil
			}
			r.PathNote = "the route " + strconv.Quote(m.Path) + " takes one segment for each named parameter; the portable form covers every path below " + strconv.Quote(m.Path[:i]+"/")
		}
	}
	return r
}
