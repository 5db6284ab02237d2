package echocors

import (
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the platform in lint's sentences.
func (*Format) Platform() string { return "Echo's CORS middleware" }

// Doc is the source the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// FileName is "main.go", the name a fix's diff gives the text.
func (*Format) FileName() string { return "main.go" }

// keys are middleware.CORSConfig's fields for fixes, with
// DefaultCORSConfig's methods; absent AllowHeaders reflects every
// requested header, so there is nothing to add to.
var keys = golit.Keys{
	Expose:   "ExposeHeaders",
	Fields:   map[string]string{fix.Origins: "AllowOrigins", fix.Methods: "AllowMethods", fix.AllowHeaders: "AllowHeaders", fix.Credentials: "AllowCredentials"},
	Defaults: map[string][]string{fix.Methods: DefaultMethods},
}

// EditText makes e in the middleware.CORSConfig literal of middleware e.Rule.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	return golit.EditWith(text, e, keys, Parse)
}

// ReadRules reads text into the neutral model: one rule per middleware.
//
// Semantics: origins are globs ('*' any run, OriginsGlob); without
// AllowHeaders the requested headers are echoed (EchoAllHeaders); the
// default methods are DefaultCORSConfig's (MethodsAsDefaults).
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	return golit.ReadRules(text, Parse, f.StateRules)
}

// StateRules implements convert.Stater.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	cfg := &portable.Config{Format: "echo-cors", Semantics: portable.Semantics{Origins: portable.OriginsGlob, MethodsAsDefaults: true}}
	for i := range c.Middlewares {
		m := &c.Middlewares[i]
		at := golit.Pos{Line: m.Line, Column: m.Column}
		o := &m.opts
		r := o.Rule(i, at, m.Credentials)
		r.Disabled = m.Skips
		o.Lists(&r, keys, at, []string{"*"}, DefaultMethods, nil)
		for _, v := range r.Origins {
			// UnsafeWildcardOriginWithAllowCredentials echoes every origin
			r.ReflectAny = r.ReflectAny || v.Text == "*" && m.Credentials && m.Unsafe
		}
		if m.Func != "" {
			r.Origins, r.ReflectAny = nil, m.FuncResult
		}
		// without AllowHeaders the requested headers are reflected
		r.EchoAllHeaders = m.Headers == ""
		if m.MaxAge != 0 {
			n := max(int(m.MaxAge), 0)
			r.MaxAge = &n
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	return cfg, true
}
