// Package flaskcors reads flask-cors (3.0.10) from the Flask source that
// uses it, CORS(app, ...) and @cross_origin(...), and answers requests
// the way it does (format name "flask-cors").
//
// Accepted text: a Flask module with CORS(app, resources=..., origins=...,
// ...) and routes decorated with @cross_origin(...) under @app.route(path)
// (a literal path). Option values are Python literals or names bound
// earlier in the module.
//
// Semantics (flask_cors/core.py, extension.py and decorator.py at
// 3.0.10):
//   - defaults: origins "*", methods all seven, allow_headers "*",
//     resources r"/*", supports_credentials False, send_wildcard False,
//     vary_header True, always_send True, automatic_options True;
//   - an origin or header entry with any of * \ ] ? $ ^ [ ( ) is a regular
//     expression matched from the start of the value, ignoring case
//     (re.match, no end anchor: "https://.*example.com" also allows
//     https://evilexample.com.attacker.test); other entries are compared
//     ignoring case; "*" is ".*";
//   - resources are tried in flask-cors' order (literal paths first, then
//     regexes, more slashes and longer first), each matched with re.match
//     against the request path: r"/api/*" also covers /apiary;
//   - the request's Origin is echoed when it matches ("*" only with
//     send_wildcard); without an Origin, always_send sends "*" or the
//     first literal origin; a refused origin gets no header at all;
//   - on OPTIONS, Access-Control-Allow-Methods, -Allow-Headers (the
//     requested names that match allow_headers, sorted) and Max-Age only
//     when Access-Control-Request-Method is a substring of the methods
//     string; Vary: Origin unless the origin is "*" and only when the
//     origins are several or a regex;
//   - the headers are added after the view, to 404, 405 and 500 replies
//     too; a reply that already has Access-Control-Allow-Origin is left
//     alone; @cross_origin decides alone for its route;
//   - OPTIONS is answered by Flask itself (provide_automatic_options, or
//     the decorator's automatic_options): 200, empty; the route is taken
//     to exist, since the app's routes are not read.
package flaskcors

import (
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
)

const source = "flask_cors/core.py, extension.py, decorator.py (flask-cors 3.0.10)"

// Version is the flask-cors version this package models.
const Version = "3.0.10"

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "flask-cors" policy format.
type Format struct{}

// Name returns "flask-cors".
func (*Format) Name() string { return "flask-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Flask: flask-cors" }

// Detect claims Python that uses flask-cors.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if strings.Contains(text, "flask_cors") || (strings.Contains(text, "CORS(") || strings.Contains(text, "@cross_origin")) && strings.Contains(text, "Flask") {
		return true, "Python that uses flask-cors (CORS(app) or @cross_origin)"
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

// ParseSource implements policy.SourceParser: the module with the values
// of the environment variables it reads from src.Params (--param).
func (f *Format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	return pylit.ParseSource(f.Name(), src, ParseEnviron)
}

// Pattern is one origins, allow_headers or resources entry.
type Pattern struct {
	Text string `json:"text"`
	// Regex: flask-cors treats it as a regular expression
	// (probably_regex, or re.compile).
	Regex    bool `json:"regex,omitempty"`
	Compiled bool `json:"compiled,omitempty"`
	re, fold *pylit.Regexp
	Value    pylit.Value `json:"-"`
}

// Options are one set of resolved flask-cors options.
type Options struct {
	Origins          []Pattern `json:"origins"`
	Methods          string    `json:"methods"`
	AllowHeaders     []Pattern `json:"allow_headers"`
	ExposeHeaders    string    `json:"expose_headers,omitempty"`
	Credentials      bool      `json:"supports_credentials,omitempty"`
	MaxAge           string    `json:"max_age,omitempty"`
	SendWildcard     bool      `json:"send_wildcard,omitempty"`
	VaryHeader       bool      `json:"vary_header"`
	AlwaysSend       bool      `json:"always_send"`
	AutomaticOptions bool      `json:"automatic_options"`
}

// Resource is one resources entry of CORS(app).
type Resource struct {
	Path Pattern `json:"path"`
	Options
	vals map[string]pylit.Value // the resource's own options, as written
}

// Route is a view decorated with @cross_origin.
type Route struct {
	Path    string   `json:"path"`
	Methods []string `json:"methods"`
	Options
	Line int `json:"line"`
	call pylit.Call
	vals map[string]pylit.Value
}

// Config is the app's flask-cors: CORS(app)'s resources in the order
// they are tried, and the decorated routes.
type Config struct {
	Resources []Resource `json:"resources,omitempty"`
	Routes    []Route    `json:"routes,omitempty"`
	// Extension: CORS(app) is called.
	Extension bool `json:"extension"`
	Line      int  `json:"line,omitempty"`
	Notes     []string
	call      pylit.Call
	vals      map[string]pylit.Value
}

var allMethods = []string{"GET", "HEAD", "POST", "OPTIONS", "PUT", "PATCH", "DELETE"}

var known = map[string]bool{"origins": true, "methods": true, "allow_headers": true, "expose_headers": true, "supports_credentials": true, "max_age": true, "send_wildcard": true, "automatic_options": true, "vary_header": true, "resources": true, "intercept_exceptions": true, "always_send": true}

// probablyRegex is core.probably_regex.
func probablyRegex(s string) bool { return strings.ContainsAny(s, `*\]?$^[()`) }

// Parse reads the flask-cors calls of a module.
func Parse(text string) (*Config, error) { return ParseEnviron(text, nil) }

// ParseEnviron is Parse with the values of the environment variables the
// module reads (the command line's --param NAME=VALUE;
// pylit.ReadEnviron).
func ParseEnviron(text string, environ map[string]string) (*Config, error) {
	m, err := pylit.ReadEnviron(text, nil, environ)
	if err != nil {
		return nil, err
	}
	c := &Config{}
	var errs policy.Errors
	for i := range m.Calls {
		call := &m.Calls[i]
		name := call.Func[strings.LastIndexByte(call.Func, '.')+1:]
		switch {
		case name == "CORS" && !call.Decorator:
			if c.Extension {
				errs = append(errs, &policy.Error{Line: call.Line, Column: call.Col, Msg: "CORS(app) is called twice: each adds an after_request hook; only one is understood"})
				continue
			}
			c.Extension, c.Line, c.call = true, call.Line, *call
			kw, es := kwargs(call, true)
			errs = append(errs, es...)
			c.envNotes(kw)
			c.vals = kw
			base, es := resolve(defaults(), kw)
			errs = append(errs, es...)
			c.Resources, es = resources(base, kw)
			errs = append(errs, es...)
		case name == "cross_origin" && call.Decorator:
			kw, es := kwargs(call, false)
			errs = append(errs, es...)
			c.envNotes(kw)
			o, es := resolve(defaults(), kw)
			errs = append(errs, es...)
			rt := Route{Options: o, Line: call.Line, call: *call, vals: kw}
			ok := false
			for j := range m.Calls {
				rc := &m.Calls[j]
				if !rc.Decorator || rc.Stack != call.Stack || !strings.HasSuffix(rc.Func, ".route") {
					continue
				}
				p, has := rc.Positional(0)
				if !has || p.Value.Kind != pylit.Str {
					errs = append(errs, &policy.Error{Line: rc.Line, Column: rc.Col, Msg: "the route's path must be a str literal"})
					break
				}
				if strings.ContainsAny(p.Value.S, "<>") {
					errs = append(errs, p.Value.Error("", "route "+strconv.Quote(p.Value.S)+" has variable parts: only literal paths are understood"))
					break
				}
				rt.Path, ok = p.Value.S, true
				rt.Methods = []string{"GET"}
				if ma, has := rc.Arg("methods"); has {
					s, e := pylit.AsStrs(ma.Value, "methods")
					if e != nil {
						errs = append(errs, e)
					}
					rt.Methods = nil
					for _, x := range s.Elems() {
						rt.Methods = append(rt.Methods, strings.ToUpper(x))
					}
				}
			}
			if !ok {
				errs = append(errs, &policy.Error{Line: call.Line, Column: call.Col, Msg: "@cross_origin without an @app.route(\"/path\") on the same view"})
				continue
			}
			c.Routes = append(c.Routes, rt)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if !c.Extension && len(c.Routes) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no flask-cors found: paste the code with CORS(app, ...) or @cross_origin(...)"}}
	}
	return c, nil
}

func defaults() map[string]pylit.Value { return map[string]pylit.Value{} }

// envNotes notes the options of kw read from the environment, in the
// order of their lines.
func (c *Config) envNotes(kw map[string]pylit.Value) {
	var notes []string
	for k, v := range kw {
		notes = append(notes, v.EnvNotes(k)...)
	}
	slices.Sort(notes)
	c.Notes = append(c.Notes, notes...)
}

// kwargs are a call's keyword options (CORS(app, **kw) / cross_origin(**kw)).
func kwargs(call *pylit.Call, extension bool) (map[string]pylit.Value, policy.Errors) {
	kw := map[string]pylit.Value{}
	var errs policy.Errors
	for i, a := range call.Args {
		switch {
		case a.Star != 0:
			errs = append(errs, &policy.Error{Line: a.Line, Column: a.Col, Msg: "options unpacked with * or ** are not supported: write each keyword"})
		case a.Name == "":
			if !(extension && i == 0) {
				errs = append(errs, &policy.Error{Line: a.Line, Column: a.Col, Msg: "flask-cors takes its options as keywords"})
			}
		case a.Name == "app" && extension:
		case !known[a.Name]:
			// flask-cors logs "Unknown option passed to Flask-CORS" and
			// ignores it.
		default:
			kw[a.Name] = a.Value
		}
	}
	return kw, errs
}

// resolve is get_cors_options: base, then kw over it, serialized.
func resolve(base map[string]pylit.Value, kw map[string]pylit.Value) (Options, policy.Errors) {
	all := map[string]pylit.Value{}
	for k, v := range base {
		all[k] = v
	}
	for k, v := range kw {
		all[k] = v
	}
	o := Options{Methods: serialList(allMethods, true), VaryHeader: true, AlwaysSend: true, AutomaticOptions: true}
	star, _ := pattern("", pylit.Value{Kind: pylit.Str, S: "*"})
	o.Origins = []Pattern{star}
	o.AllowHeaders = []Pattern{star}
	var errs policy.Errors
	for k, v := range all {
		if v.Kind == pylit.Invalid {
			errs = append(errs, v.Error(k, v.S))
			continue
		}
		if v.Kind == pylit.Name {
			errs = append(errs, v.Error(k, v.S+" is not bound in this text"))
			continue
		}
		switch k {
		case "origins", "allow_headers":
			ps, es := patterns(k, v)
			errs = append(errs, es...)
			if k == "origins" {
				o.Origins = ps
			} else {
				o.AllowHeaders = ps
			}
		case "methods":
			s, ok := flexible(v)
			if !ok {
				errs = append(errs, v.Error(k, "methods must be a str or a list of str"))
			}
			o.Methods = strings.ToUpper(s)
		case "expose_headers":
			s, ok := flexible(v)
			if !ok {
				errs = append(errs, v.Error(k, "expose_headers must be a str or a list of str"))
			}
			o.ExposeHeaders = s
		case "max_age":
			if v.Truthy() && !v.Seq() && v.Kind != pylit.Dict {
				o.MaxAge = v.Repr()
			} else if v.Truthy() {
				errs = append(errs, v.Error(k, "max_age must be a number"))
			}
		case "supports_credentials":
			o.Credentials = v.Truthy()
		case "send_wildcard":
			o.SendWildcard = v.Truthy()
		case "vary_header":
			o.VaryHeader = v.Truthy()
		case "always_send":
			o.AlwaysSend = v.Truthy()
		case "automatic_options":
			o.AutomaticOptions = v.Truthy()
		}
	}
	if o.Credentials && o.SendWildcard {
		for _, p := range o.Origins {
			if p.Text == ".*" && !p.Compiled {
				at := kw["supports_credentials"]
				errs = append(errs, at.Error("supports_credentials", "flask-cors raises ValueError: supports_credentials with send_wildcard and the origin '*'"))
				break
			}
		}
	}
	return o, errs
}

// flexible is core.flexible_str: a str as is, a sequence sorted and
// joined with ", ".
func flexible(v pylit.Value) (string, bool) {
	switch {
	case v.Kind == pylit.None:
		return "", true
	case v.Kind == pylit.Str:
		return v.S, true
	case v.Seq():
		items, bad := v.Strings()
		if bad != nil {
			return "", false
		}
		return serialList(items, false), true
	}
	return v.Repr(), true
}

func serialList(items []string, upper bool) string {
	s := append([]string(nil), items...)
	sort.Strings(s)
	out := strings.Join(s, ", ")
	if upper {
		out = strings.ToUpper(out)
	}
	return out
}

// patterns is sanitize_regex_param: one or several entries, "*" as ".*".
func patterns(key string, v pylit.Value) ([]Pattern, policy.Errors) {
	items := []pylit.Value{v}
	if v.Seq() {
		items = v.Items
	}
	var out []Pattern
	var errs policy.Errors
	for _, it := range items {
		if it.Kind != pylit.Str {
			errs = append(errs, it.Error(key, key+" entries must be str or re.compile(...), not a "+it.Kind.String()))
			continue
		}
		p, e := pattern(key, it)
		if e != nil {
			errs = append(errs, e)
			continue
		}
		out = append(out, p)
	}
	return out, errs
}

func pattern(key string, it pylit.Value) (Pattern, *policy.Error) {
	p := Pattern{Text: it.S, Compiled: it.Compiled, Value: it}
	if p.Text == "*" && !p.Compiled {
		p.Text = ".*"
	}
	p.Regex = p.Compiled || probablyRegex(p.Text)
	if p.Regex {
		src := it
		src.S = p.Text
		var e *policy.Error
		if p.re, e = pylit.Compile(src, key, false, false); e != nil {
			return p, e
		}
		if p.fold, e = pylit.Compile(src, key, false, true); e != nil {
			return p, e
		}
	}
	return p, nil
}

// match is try_match_pattern.
func (p *Pattern) match(s string, caseSensitive bool) bool {
	switch {
	case p.Compiled:
		return p.re.Match(s)
	case p.Regex && caseSensitive:
		return p.re.Match(s)
	case p.Regex:
		return p.fold.Match(s)
	case caseSensitive:
		return s == p.Text
	}
	return strings.EqualFold(s, p.Text)
}

// resources is parse_resources with each entry's options resolved over
// the extension's.
func resources(base Options, kw map[string]pylit.Value) ([]Resource, policy.Errors) {
	v, ok := kw["resources"]
	if !ok {
		return []Resource{{Path: Pattern{Text: "/*", Regex: true, re: mustRe("/*")}, Options: base}}, nil
	}
	var errs policy.Errors
	var out []Resource
	add := func(pv pylit.Value, opts map[string]pylit.Value) {
		if pv.Kind != pylit.Str {
			errs = append(errs, pv.Error("resources", "a resource must be a str path or regex, not a "+pv.Kind.String()))
			return
		}
		p, e := pattern("resources", pv)
		if e != nil {
			errs = append(errs, e)
			return
		}
		merged := map[string]pylit.Value{}
		for k, x := range kw {
			if k != "resources" {
				merged[k] = x
			}
		}
		o, es := resolve(merged, opts)
		errs = append(errs, es...)
		out = append(out, Resource{Path: p, Options: o, vals: opts})
	}
	switch {
	case v.Kind == pylit.Dict:
		for i, k := range v.Keys {
			opts := map[string]pylit.Value{}
			if d := v.Items[i]; d.Kind == pylit.Dict {
				for j, dk := range d.Keys {
					if dk.Kind == pylit.Str && known[dk.S] {
						opts[dk.S] = d.Items[j]
					}
				}
			} else {
				errs = append(errs, d.Error("resources", "a resource's options must be a dict"))
			}
			add(k, opts)
		}
		sortResources(out)
	case v.Kind == pylit.Str:
		add(v, nil)
	case v.Seq():
		for _, it := range v.Items {
			add(it, nil)
		}
	default:
		errs = append(errs, v.Error("resources", "resources must be a dict, a str or a list"))
	}
	return out, errs
}

func mustRe(s string) *pylit.Regexp {
	re, _ := pylit.Compile(pylit.Value{Kind: pylit.Str, S: s}, "", false, false)
	return re
}

// sortResources is parse_resources' sort_key: literal paths first, then
// compiled regexes... as flask-cors orders them: (0,0) literal, (1,0)
// compiled, (1,1) probable regex; then more slashes, then longer first.
func sortResources(rs []Resource) {
	key := func(r Resource) [4]int {
		p := r.Path
		switch {
		case p.Compiled:
			return [4]int{1, 0, -strings.Count(p.Text, "/"), -len(p.Text)}
		case p.Regex:
			return [4]int{1, 1, -strings.Count(p.Text, "/"), -len(p.Text)}
		}
		return [4]int{0, 0, -strings.Count(p.Text, "/"), -len(p.Text)}
	}
	sort.SliceStable(rs, func(i, j int) bool {
		a, b := key(rs[i]), key(rs[j])
		for k := range a {
			if a[k] != b[k] {
				return a[k] < b[k]
			}
		}
		return false
	})
}
