package starlette

import (
	"strconv"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "Starlette CORSMiddleware" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// ReadRules reads text into the neutral model: one rule per
// CORSMiddleware, outermost first, each value positioned where it is
// written (the call for an option left to its default).
//
// Semantics: origins are the application's own code (strings compared
// exactly, and allow_origin_regex anchored at both ends, pylit.Anchored,
// because Starlette matches it in full); allow_headers adds the four safelisted
// names, and "*" reflects the requested ones.
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	c, err := Parse(text)
	if err != nil {
		return nil, err
	}
	cfg, _ := f.StateRules(c, text)
	return cfg, nil
}

// StateRules implements convert.Stater.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	// The methods are the library's default ("GET",) unless every
	// middleware lists its own.
	defaults := false
	for i := range c.Middlewares {
		_, written := c.Middlewares[i].At["allow_methods"]
		defaults = defaults || !written
	}
	src := &portable.Config{Format: "starlette", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: defaults}}
	for i := range c.Middlewares {
		src.Rules = append(src.Rules, configRule(i, &c.Middlewares[i]))
	}
	return src, true
}

func configRule(i int, m *Middleware) portable.ConfigRule {
	at := portable.Pos{Line: m.Line, Column: m.Column}
	opt := func(key string) portable.Pos {
		if p, ok := m.At[key]; ok {
			return portable.Pos{Line: p.Line, Column: p.Column}
		}
		return at
	}
	r := portable.ConfigRule{Index: i, Pos: at, Credentials: m.Credentials, CredentialsPos: opt("allow_credentials"), MaxAgePos: opt("max_age")}
	// Each item at its own place where the list spells it (a list bound
	// to a name included): tried as a new user would, a finding about
	// one origin pointed at the list's "[".
	list := func(key string, items []string) []portable.Value {
		var vs []portable.Value
		v := m.vals[key]
		for j, x := range items {
			p := opt(key)
			if len(v.Items) == len(items) && v.Items[j].Line > 0 {
				p = portable.Pos{Line: v.Items[j].Line, Column: v.Items[j].Col}
			}
			vs = append(vs, portable.Value{Text: x, Pos: p})
		}
		return vs
	}
	if m.allOrigins {
		r.Origins = []portable.Value{{Text: "*", Pos: opt("allow_origins")}}
	} else {
		r.Origins = list("allow_origins", m.AllowOrigins.Elems())
		if m.HasRegex {
			r.Regex = map[int]bool{len(r.Origins): true}
			r.Origins = append(r.Origins, portable.Value{Text: pylit.Anchored(m.Regex, true), Pos: opt("allow_origin_regex")})
		}
	}
	r.Methods = list("allow_methods", m.methods.Elems())
	if _, written := m.At["allow_methods"]; !written || m.AllowMethods.Contains("*") {
		// The library's default ("GET",), or the methods "*" stands
		// for (cors.py ALL_METHODS): not names the user listed, so not
		// theirs to remove (portable.Value.Default). Tried as a new
		// user would, allow_methods=["*"] got four findings about GET,
		// HEAD, POST and OPTIONS.
		for j := range r.Methods {
			r.Methods[j].Default = true
		}
	}
	if m.allHeaders {
		r.EchoAllHeaders = true
	} else {
		r.AllowHeaders = list("allow_headers", m.AllowHeaders.Elems())
	}
	r.ExposeHeaders = list("expose_headers", m.ExposeHeaders.Elems())
	if n, err := strconv.Atoi(m.MaxAge); err == nil {
		r.MaxAge = &n
	}
	return r
}
