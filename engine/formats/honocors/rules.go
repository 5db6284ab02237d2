package honocors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "Hono cors()" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// FileName is the name a fix's diff gives the text.
func (*Format) FileName() string { return "index.ts" }

// ReadRules reads text into the neutral model: one rule per cors(), in
// mount order, each value positioned where the option is written (the
// cors() call for an option left to its default), with its mount path.
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
	cfg := &portable.Config{Format: "hono-cors", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: true}}
	for i, o := range c.Middlewares {
		call := jsmw.Pos{Line: o.Line, Column: o.Column}
		opt := func(key string) portable.Pos { return jsmw.Option(o.At, key, call) }
		r := portable.ConfigRule{Index: i, Pos: call.Portable(), Credentials: o.Credentials, CredentialsPos: opt("credentials"), MaxAgePos: opt("maxAge")}
		switch {
		case o.Func:
			r.ReflectAny, r.ReflectAssumed = true, true
		case o.Any:
			r.Origins = []portable.Value{{Text: "*", Pos: opt("origin")}}
		default:
			jsmw.AddOrigins(&r, o.Origins)
		}
		r.Methods = jsmw.Items(o.Methods, opt("allowMethods"))
		if o.AllowHeaders == "" {
			r.EchoAllHeaders = true
		} else {
			r.AllowHeaders = jsmw.Items(o.AllowHeaders, opt("allowHeaders"))
		}
		r.ExposeHeaders = jsmw.Items(o.ExposeHeaders, opt("exposeHeaders"))
		if n, err := strconv.Atoi(o.MaxAge); err == nil && o.HasMaxAge {
			r.MaxAge = &n
		}
		if _, ok := o.At["allowMethods"]; ok {
			cfg.Semantics.MethodsAsDefaults = false
		}
		if o.Path != "" {
			base, exact := o.Path, true
			if strings.HasSuffix(base, "/*") {
				base, exact = strings.TrimSuffix(base, "/*"), false
			}
			if k := strings.IndexAny(base, ":*"); k >= 0 {
				base, exact = strings.TrimSuffix(base[:k], "/"), false
				r.PathNote = "the pattern " + strconv.Quote(o.Path) + " is narrower than the portable form, which covers " + strconv.Quote(base) + " and every path below it"
			} else if exact {
				r.PathNote = "the pattern covers exactly " + strconv.Quote(o.Path) + "; the portable form covers it and every path below it"
			}
			if base != "" {
				r.Paths = []string{base}
			}
		}
		cfg.Rules = append(cfg.Rules, r)
	}
	return cfg, true
}

// EditText makes e in the options of cors() number e.Rule: origins and
// methods are arrays in Hono (a string origin becomes an array of two).
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	c, err := Parse(text)
	if err != nil || e.Rule < 0 || e.Rule >= len(c.Middlewares) {
		return "", fix.ErrNotFound
	}
	o := c.Middlewares[e.Rule]
	return jsmw.Edit(text, jsmw.Target{
		Object: o.Object, Empty: o.Empty, At: o.At,
		Keys:       map[string]string{fix.Origins: "origin", fix.Methods: "allowMethods", fix.AllowHeaders: "allowHeaders", fix.Credentials: "credentials"},
		Defaults:   map[string][]string{fix.Methods: strings.Split(DefaultMethods, ",")},
		Arrays:     true,
		OriginList: true, AnyByDefault: true,
	}, e)
}
