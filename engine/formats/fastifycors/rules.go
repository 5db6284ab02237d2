package fastifycors

import (
	"strconv"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "@fastify/cors" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// FileName is the name a fix's diff gives the text.
func (*Format) FileName() string { return "app.js" }

// ReadRules reads text into the neutral model: one rule, each value
// positioned where the option is written (the register call for an
// option left to its default). Origins are the application's own code
// (portable.OriginsProgram); methods left out are the plugin's defaults.
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
	call := jsmw.Pos{Line: c.Line, Column: c.Column}
	opt := func(key string) portable.Pos { return jsmw.Option(c.At, key, call) }
	r := portable.ConfigRule{Pos: call.Portable(), Credentials: c.Credentials, CredentialsPos: opt("credentials"), MaxAgePos: opt("maxAge")}
	switch {
	case c.Disabled || c.Invalid:
		r.Disabled = true
	case c.AnyOrigin:
		r.Origins = []portable.Value{{Text: "*", Pos: opt("origin")}}
	case c.Fixed != "":
		r.Origins = []portable.Value{{Text: c.Fixed, Pos: opt("origin")}}
	case c.ReflectAll:
		r.ReflectAny, r.ReflectAssumed = true, c.Assumed
	default:
		jsmw.AddOrigins(&r, c.Allowed)
	}
	r.Methods = jsmw.Items(c.Methods, opt("methods"))
	if c.AllowedHeaders == nil {
		r.EchoAllHeaders = true
	} else {
		r.AllowHeaders = jsmw.Items(*c.AllowedHeaders, opt("allowedHeaders"))
	}
	if c.ExposedHeaders != nil {
		r.ExposeHeaders = jsmw.Items(*c.ExposedHeaders, opt("exposedHeaders"))
	}
	if c.MaxAge != nil {
		if n, err := strconv.Atoi(*c.MaxAge); err == nil {
			r.MaxAge = &n
		}
	}
	r.PreflightPass = c.PreflightContinue
	_, written := c.At["methods"]
	return &portable.Config{Format: "fastify-cors", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: !written}, Rules: []portable.ConfigRule{r}}, true
}

// EditText makes e in the registered options, touching only the option's
// literal or adding the option first in the object: a string origin
// becomes an array, which the plugin checks against the request's Origin
// (isRequestOriginAllowed); methods left out become the defaults plus
// the method.
func (*Format) EditText(text string, e fix.Edit) (string, error) {
	c, err := Parse(text)
	if err != nil || e.Rule != 0 {
		return "", fix.ErrNotFound
	}
	return jsmw.Edit(text, jsmw.Target{
		Object: c.Object, Empty: c.Empty, EmptyPrefix: ", ", At: c.At,
		Keys:       map[string]string{fix.Origins: "origin", fix.Methods: "methods", fix.AllowHeaders: "allowedHeaders", fix.Credentials: "credentials"},
		Defaults:   map[string][]string{fix.Methods: {DefaultMethods}},
		OriginList: true, AnyByDefault: true,
	}, e)
}
