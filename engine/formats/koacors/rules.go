package koacors

import (
	"strconv"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "@koa/cors" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// FileName is the name a fix's diff gives the text.
func (*Format) FileName() string { return "app.js" }

// ReadRules reads text into the neutral model: one rule per cors(), each
// value positioned where the option is written (the cors() call for an
// option left to its default). An array origin allows no origin:
// @koa/cors sends every entry, which no browser accepts, so the rule is
// stated as one that lets nothing through (Disabled), and CheckText
// says why (koa-array-origin).
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
	cfg := &portable.Config{Format: "koa-cors", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: true}}
	for i, o := range c.Middlewares {
		call := jsmw.Pos{Line: o.Line, Column: o.Column}
		opt := func(key string) portable.Pos { return jsmw.Option(o.At, key, call) }
		r := portable.ConfigRule{Index: i, Pos: call.Portable(), Credentials: o.Credentials, CredentialsPos: opt("credentials"), MaxAgePos: opt("maxAge")}
		switch {
		case o.Func || o.Any && o.Credentials:
			// echoes every request's Origin (credentials with '*', or
			// the function assumed to)
			r.ReflectAny, r.ReflectAssumed = true, o.Func
		case o.Any:
			r.Origins = []portable.Value{{Text: "*", Pos: opt("origin")}}
		case len(o.Origins) == 1:
			r.Origins = []portable.Value{{Text: o.Origins[0], Pos: opt("origin")}}
		case len(o.Origins) == 0:
			// Allows none: lint's no-origins.
		default:
			// Its lines are what @koa/cors sends, not a refusal of
			// the library's (tried as a new user would, lint said
			// "@koa/cors refuses this" and "allows no origin at
			// all, so it never adds CORS headers").
			r.Disabled = true
		}
		r.Methods = jsmw.Items(o.Methods, opt("allowMethods"))
		if o.AllowHeaders == "" {
			r.EchoAllHeaders = true
		} else {
			r.AllowHeaders = jsmw.Items(o.AllowHeaders, opt("allowHeaders"))
		}
		r.ExposeHeaders = jsmw.Items(o.ExposeHeaders, opt("exposeHeaders"))
		if n, err := strconv.Atoi(o.MaxAge); err == nil {
			r.MaxAge = &n
		}
		if _, ok := o.At["allowMethods"]; ok {
			cfg.Semantics.MethodsAsDefaults = false
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	return cfg, true
}

// EditText makes e in the options of cors() number e.Rule. An origin can
// be replaced but not added to: @koa/cors sends the option as written,
// so two origins need a function (ErrUnsupported).
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	c, err := Parse(text)
	if err != nil || e.Rule < 0 || e.Rule >= len(c.Middlewares) {
		return "", fix.ErrNotFound
	}
	o := c.Middlewares[e.Rule]
	return jsmw.Edit(text, jsmw.Target{
		Object: o.Object, Empty: o.Empty, At: o.At,
		Keys:         map[string]string{fix.Origins: "origin", fix.Methods: "allowMethods", fix.AllowHeaders: "allowHeaders", fix.Credentials: "credentials"},
		Defaults:     map[string][]string{fix.Methods: {DefaultMethods}},
		AnyByDefault: true,
	}, e)
}

// CheckText implements lint.TextChecker: an array origin, which
// @koa/cors sends as one Access-Control-Allow-Origin line an entry
// (index.js: ctx.set with the array; Node joins it into lines), and
// which no browser accepts (Fetch "CORS check": one value).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for _, o := range c.Middlewares {
		if o.Any || o.Func || len(o.Origins) < 2 {
			continue
		}
		p := jsmw.Option(o.At, "origin", jsmw.Pos{Line: o.Line, Column: o.Column})
		out = append(out, portable.Finding{Severity: "error", Code: codeArrayOrigin, Pos: p,
			Message: "@koa/cors sends an array origin as " + strconv.Itoa(len(o.Origins)) + " Access-Control-Allow-Origin lines, which no browser accepts: every fetch is blocked; give a function that returns the request's Origin when the list holds it (origin: ctx => list.includes(ctx.get('Origin')) ? ctx.get('Origin') : '')"})
	}
	return out
}

const codeArrayOrigin = "koa-array-origin"

// LintCodes implements lint.Coder: CheckText's code.
func (*Format) LintCodes() []portable.Code {
	return []portable.Code{{Code: codeArrayOrigin, Severity: "error",
		Summary: "An array origin: @koa/cors sends each entry as an Access-Control-Allow-Origin line of its own, and browsers refuse a reply with several.",
		Source:  "github.com/koajs/cors index.js (v5.0.0); fetch.spec.whatwg.org/#concept-cors-check; checked against @koa/cors 5.0.0 (e2e/node)"}}
}
