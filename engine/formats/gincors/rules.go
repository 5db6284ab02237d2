package gincors

import (
	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/golit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the platform in lint's sentences.
func (*Format) Platform() string { return "gin-contrib/cors" }

// Doc is the source the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// FileName is "main.go", the name a fix's diff gives the text.
func (*Format) FileName() string { return "main.go" }

// keys are cors.Config's fields for fixes; an absent list sends no
// header, so adding to it starts the list.
var keys = golit.Keys{
	Expose:   "ExposeHeaders",
	Fields:   map[string]string{fix.Origins: "AllowOrigins", fix.Methods: "AllowMethods", fix.AllowHeaders: "AllowHeaders", fix.Credentials: "AllowCredentials"},
	Defaults: map[string][]string{fix.Methods: nil, fix.AllowHeaders: nil},
}

// EditText makes e in the cors.Config literal of middleware e.Rule.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	return golit.EditWith(text, e, keys, Parse)
}

// ReadRules reads text into the neutral model: one rule per middleware.
//
// Semantics: origins are the application's own strings and /regular
// expressions/ (OriginsProgram); the lists are sent as configured, a "*"
// header included (no echo).
func (f *Format) ReadRules(text string) (*portable.Config, error) {
	return golit.ReadRules(text, Parse, f.StateRules)
}

// StateRules implements convert.Stater.
func (*Format) StateRules(ev policy.Evaluator, _ string) (*portable.Config, bool) {
	c, ok := ev.(*Config)
	if !ok {
		return nil, false
	}
	cfg := &portable.Config{Format: "gin-contrib-cors", Semantics: portable.Semantics{Origins: portable.OriginsProgram}}
	for i := range c.Middlewares {
		m := &c.Middlewares[i]
		at := golit.Pos{Line: m.Line, Column: m.Column}
		o := &m.opts
		r := o.Rule(i, at, m.Credentials)
		methods, hdrs, _ := lists(*o)
		o.Lists(&r, keys, at, nil, methods, hdrs)
		golit.Lower(r.Origins, true) // normalize: trimmed and lower-cased
		for j := range r.Origins {
			if p, re := regexSource(r.Origins[j].Text); re {
				if r.Regex == nil {
					r.Regex = map[int]bool{}
				}
				r.Regex[j], r.Origins[j].Text = true, p
			}
		}
		if m.AnyOrigin {
			r.Origins, r.Regex = []portable.Value{{Text: "*", Pos: o.PosOf("AllowAllOrigins", at)}}, nil
		}
		for j, ok := range m.FuncResult {
			r.ReflectAny = r.ReflectAny || ok && m.Funcs[j] != ""
		}
		if s := m.maxAge; s > 0 {
			n := int(s)
			r.MaxAge = &n
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	return cfg, true
}
