package flaskcors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/fix"
	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// Platform names the library in lint's sentences.
func (*Format) Platform() string { return "flask-cors" }

// Doc is the reference the evaluation rests on (explain.Documented).
func (*Format) Doc() string { return source }

// ReadRules reads text into the neutral model: one rule per CORS(app)
// resource in the order flask-cors tries them, then one per
// @cross_origin route.
//
// Semantics: origins are the application's own code; an entry flask-cors
// takes for a regex (probably_regex) is anchored at the start (pylit.Anchored), since
// re.match anchors only the start; "*" without send_wildcard echoes
// every origin (ReflectAny); allow_headers "*" echoes the requested
// names.
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
	// The methods are the library's seven unless every rule lists its own.
	defaults := false
	_, app := c.vals["methods"]
	for i := range c.Resources {
		_, own := c.Resources[i].vals["methods"]
		defaults = defaults || !app && !own
	}
	for i := range c.Routes {
		_, own := c.Routes[i].vals["methods"]
		defaults = defaults || !own
	}
	src := &portable.Config{Format: "flask-cors", Semantics: portable.Semantics{Origins: portable.OriginsProgram, MethodsAsDefaults: defaults}}
	for i := range c.Resources {
		res := &c.Resources[i]
		at := portable.Pos{Line: c.Line, Column: 1}
		r := configRule(i, at, &res.Options, merged(c.vals, res.vals))
		if res.Path.Regex {
			if res.Path.Text != "/*" && res.Path.Text != ".*" {
				// Said as what the converted rule would do: tried as a new
				// user would, the note described the regex alone.
				r.PathNote = "the resource " + strconv.Quote(res.Path.Text) + " is a regex flask-cors matches from the start of the path (re.match), which the portable form cannot hold: the converted rule would answer every path, where flask-cors answers only those the regex matches"
			}
		} else {
			r.Paths = []string{res.Path.Text}
			r.PathNote = "the resource covers exactly " + strconv.Quote(res.Path.Text) + "; the portable form covers it and every path below it"
		}
		src.Rules = append(src.Rules, r)
	}
	for i := range c.Routes {
		rt := &c.Routes[i]
		r := configRule(len(c.Resources)+i, portable.Pos{Line: rt.Line, Column: 1}, &rt.Options, rt.vals)
		r.Paths = []string{rt.Path}
		r.PathNote = "the route covers exactly " + strconv.Quote(rt.Path) + "; the portable form covers it and every path below it"
		src.Rules = append(src.Rules, r)
	}
	return src, true
}

func merged(base, over map[string]pylit.Value) map[string]pylit.Value {
	out := map[string]pylit.Value{}
	for k, v := range base {
		out[k] = v
	}
	for k, v := range over {
		out[k] = v
	}
	return out
}

func configRule(i int, at portable.Pos, o *Options, vals map[string]pylit.Value) portable.ConfigRule {
	pos := func(key string) portable.Pos {
		if v, ok := vals[key]; ok && v.Line > 0 {
			return portable.Pos{Line: v.Line, Column: v.Col}
		}
		return at
	}
	r := portable.ConfigRule{Index: i, Pos: at, Credentials: o.Credentials, CredentialsPos: pos("supports_credentials"), MaxAgePos: pos("max_age")}
	// Each origin at its own place where the list spells it: tried as
	// a new user would, a finding about one pointed at the list.
	originAt := func(j int) portable.Pos {
		if its := vals["origins"].Items; len(its) == len(o.Origins) && its[j].Line > 0 {
			return portable.Pos{Line: its[j].Line, Column: its[j].Col}
		}
		return pos("origins")
	}
	for j, p := range o.Origins {
		switch {
		case p.Text == ".*" && !p.Compiled && o.SendWildcard:
			r.Origins = append(r.Origins, portable.Value{Text: "*", Pos: pos("origins")})
		case p.Text == ".*" && !p.Compiled:
			r.ReflectAny = true
		case p.Regex:
			if r.Regex == nil {
				r.Regex = map[int]bool{}
			}
			r.Regex[len(r.Origins)] = true
			r.Origins = append(r.Origins, portable.Value{Text: pylit.Anchored(p.Text, false), Pos: originAt(j)})
		default:
			r.Origins = append(r.Origins, portable.Value{Text: p.Text, Pos: originAt(j)})
		}
	}
	split := func(s, key string) []portable.Value {
		var vs []portable.Value
		for _, x := range strings.Split(s, ",") {
			if x = strings.TrimSpace(x); x != "" {
				vs = append(vs, portable.Value{Text: x, Pos: pos(key)})
			}
		}
		return vs
	}
	r.Methods = split(o.Methods, "methods")
	if _, written := vals["methods"]; !written {
		// flask-cors's default methods, which the user did not write
		// (portable.Value.Default): tried as a new user would, every
		// configuration got "OPTIONS never needs listing".
		for j := range r.Methods {
			r.Methods[j].Default = true
		}
	}
	for _, p := range o.AllowHeaders {
		if p.Text == ".*" {
			r.EchoAllHeaders = true
			r.AllowHeaders = nil
			break
		}
		r.AllowHeaders = append(r.AllowHeaders, portable.Value{Text: p.Text, Pos: pos("allow_headers")})
	}
	r.ExposeHeaders = split(o.ExposeHeaders, "expose_headers")
	if n, err := strconv.Atoi(o.MaxAge); err == nil {
		r.MaxAge = &n
	}
	return r
}

// FileName is "app.py", the name a fix's diff gives the text.
func (*Format) FileName() string { return "app.py" }

var keywords = map[string]string{fix.Origins: "origins", fix.Methods: "methods", fix.AllowHeaders: "allow_headers", fix.Credentials: "supports_credentials"}

// EditText makes e in the options of rule e.Rule (ReadRules' order): in
// the resource's own options when it has the option, else in CORS(app)'s
// or @cross_origin's keywords. Origins and allow_headers left out mean
// "*" (every origin, every header): the value is already allowed and the
// text is left as it is (a list would narrow them); absent methods
// become all seven plus the new one.
func (*Format) EditText(text string, e fix.Edit) (string, error) { return editIn(text, nil, e) }

// EditSource implements fix.SourceEditor: EditText with the values of the
// environment variables the code reads from src.Params (--param), so
// that an option read from one is edited as the verdict read it: its
// value is the fix (fix.ParamChange).
func (*Format) EditSource(src policy.Source, e fix.Edit) (string, error) {
	return editIn(src.Main(), src.Params, e)
}

// editIn is EditText of text with environ's values.
func editIn(text string, environ map[string]string, e fix.Edit) (string, error) {
	c, err := ParseEnviron(text, environ)
	if err != nil || e.Rule < 0 || e.Rule >= len(c.Resources)+len(c.Routes) {
		return "", fix.ErrNotFound
	}
	var vals map[string]pylit.Value
	var call *pylit.Call
	if e.Rule < len(c.Resources) {
		res := &c.Resources[e.Rule]
		vals, call = merged(c.vals, res.vals), &c.call
		if _, own := vals[keywords[e.Field]]; !own && len(c.Resources) > 1 {
			// A keyword of CORS(app) would change every resource.
			return "", fix.ErrUnsupported
		}
	} else {
		rt := &c.Routes[e.Rule-len(c.Resources)]
		vals, call = rt.vals, &rt.call
	}
	if _, has := vals[keywords[e.Field]]; !has && e.Op == fix.Add && (e.Field == fix.Origins || e.Field == fix.AllowHeaders) {
		// Left out, the option is "*": every origin or header is already
		// allowed, and writing a list would narrow it.
		return text, nil
	}
	return pylit.EditOptions(text, e, keywords, vals, call, map[string][]string{fix.Methods: allMethods})
}
