package rscors

import (
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the platform in lint's sentences.
func (*Format) Platform() string { return "rs/cors" }

// Doc is the source the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// FileName is "main.go", the name a fix's diff gives the text.
func (*Format) FileName() string { return "main.go" }

// keys are cors.Options' fields for fixes, with cors.New's defaults
// (an absent AllowedOrigins allows every origin: no list to extend).
var keys = golit.Keys{
	Expose: "ExposedHeaders",
	Fields: map[string]string{fix.Origins: "AllowedOrigins", fix.Methods: "AllowedMethods", fix.AllowHeaders: "AllowedHeaders", fix.Credentials: "AllowCredentials"},
	Defaults: map[string][]string{
		fix.Methods:      {"GET", "POST", "HEAD"},
		fix.AllowHeaders: {"Accept", "Content-Type", "X-Requested-With"},
	},
}

// EditText makes e in the cors.Options literal of middleware e.Rule.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	return golit.EditWith(text, e, keys, Parse)
}

// ReadRules reads text into the neutral model: one rule per middleware,
// each value where it is written (the call for a default).
//
// Semantics: origins are globs with one '*' (compared in lower case);
// a "*" header makes rs/cors echo the requested ones (EchoHeaders); the
// default methods GET, POST, HEAD are the library's (MethodsAsDefaults).
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	return golit.ReadRules(text, Parse, f.StateRules)
}

// StateRules implements convert.Stater.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	cfg := &portable.Config{Format: "rs-cors", Semantics: portable.Semantics{Origins: portable.OriginsGlob, EchoHeaders: true, MethodsAsDefaults: true}}
	for i := range c.Middlewares {
		m := &c.Middlewares[i]
		at := golit.Pos{Line: m.Line, Column: m.Column}
		o := &m.opts
		r := o.Rule(i, at, m.Credentials)
		r.PreflightPass = m.Passthrough
		o.Lists(&r, keys, at, []string{"*"}, m.Methods, m.Headers)
		golit.Lower(r.Origins, false) // cors.New lower-cases the entries
		if m.Func != "" {
			r.Origins, r.ReflectAny = nil, m.FuncResult
		}
		if m.MaxAge != "" {
			n := int(o.Int("MaxAge"))
			r.MaxAge = &n
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	return cfg, true
}
