// Package express reads the options of the Express `cors` middleware
// (expressjs/cors v2.8.6) as people write them, and answers requests the
// way that middleware does (format name "express").
//
// Accepted text: an options object literal or JSON object; or JavaScript
// with cors(...) calls, such as app.use(cors(opts)), app.use('/api',
// cors({...})) or app.options('*', cors()), where opts may be a
// const/let/var declared with an object literal in the same text. Values
// must be literals (strings, numbers, booleans, arrays, RegExp literals);
// an origin function or process.env lookup is reported, with its position,
// as something that cannot be evaluated offline.
//
// Semantics (shared/reference/cloud-policies.md §6.3, expressjs/cors
// lib/index.js at 5317ebe6):
//   - defaults: origin '*', methods 'GET,HEAD,PUT,PATCH,POST,DELETE',
//     preflightContinue false, optionsSuccessStatus 204;
//   - a falsy origin turns the middleware off (no headers at all);
//   - '*' sends ACAO *; any other string is sent as ACAO whatever the
//     request's Origin, with Vary: Origin; an array, RegExp or true echoes
//     the request's Origin when it is allowed (omits ACAO otherwise) and
//     always adds Vary: Origin;
//   - every OPTIONS request is answered as a preflight (no check of
//     Access-Control-Request-Method), with ACAM, ACAH (the request's ACRH
//     reflected, plus Vary: Access-Control-Request-Headers, when
//     allowedHeaders is not set), Max-Age and Expose-Headers, status
//     optionsSuccessStatus and Content-Length: 0, unless
//     preflightContinue passes it to the application;
//   - credentials: true sends ACAC: true even with origin '*' (the
//     browser then fails).
//
// Format is the format's one home: besides Parse it reads the middlewares
// into the neutral rule model (ReadRules, rules.go), writes one (Write,
// WriteRules, write.go), edits the options in the user's text for a fix
// (EditText, edit.go) and names the platform in lint's sentences
// (Platform).
package express

import (
	"github.com/whycors/whycors/engine/formats/internal/jslit"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/jsmw"
	"github.com/whycors/whycors/engine/formats/internal/rx"
	"github.com/whycors/whycors/engine/policy"
)

const source = "expressjs/cors lib/index.js (v2.8.6); shared/reference/cloud-policies.md §6.3"

// Defaults of expressjs/cors v2.8.6 (lib/index.js `defaults`).
const (
	DefaultMethods              = "GET,HEAD,PUT,PATCH,POST,DELETE"
	DefaultOptionsSuccessStatus = 204
)

// Formats are this package's formats, for a policy.Registry (engine/all lists them).
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "express" policy format.
type Format struct{}

// Name returns "express".
func (*Format) Name() string { return "express" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Express: cors() options" }

// Detect claims JavaScript that calls cors(...), and object literals
// whose keys are expressjs/cors options that no cloud format uses.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	for _, m := range []string{"@fastify/cors", "@koa/cors", "hono/cors"} {
		// another framework's CORS middleware (fastify-cors, koa-cors,
		// hono-cors), also called cors(...)
		if ok, _ := jsmw.DetectImport(text, m); ok {
			return false, ""
		}
	}
	if strings.Contains(text, "cors(") && (strings.Contains(text, "require(") || strings.Contains(text, "import ") || strings.Contains(text, ".use(") || strings.Contains(text, ".options(")) {
		return true, "JavaScript that calls cors(...)"
	}
	t := strings.TrimSpace(text)
	if !strings.HasPrefix(t, "{") && !strings.HasPrefix(t, "const ") && !strings.HasPrefix(t, "let ") && !strings.HasPrefix(t, "var ") && !strings.HasPrefix(t, "cors(") {
		return false, ""
	}
	// Azure's CORS rules (ARM, the az CLI) name allowedHeaders and
	// exposedHeaders too, inside "corsRules".
	for _, k := range []string{"allowedHeaders", "exposedHeaders", "optionsSuccessStatus", "preflightContinue"} {
		if strings.Contains(t, k) && !strings.Contains(t, `"corsRules"`) {
			return true, "an object with the expressjs/cors option " + k
		}
	}
	// Unquoted keys are JavaScript, not JSON: "origin:" with "methods"
	// or "credentials" is the cors() options shape.
	if (strings.Contains(t, "origin:") || strings.Contains(t, "origin :")) && (strings.Contains(t, "methods") || strings.Contains(t, "credentials")) {
		return true, "a JavaScript object with origin and methods or credentials (cors() options)"
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

// Origin is one allowed origin of an array or RegExp origin option.
type Origin struct {
	Exact string `json:"exact,omitempty"`
	Regex string `json:"regex,omitempty"` // source, as written
	// Flags are the RegExp flags ("i").
	Flags string `json:"flags,omitempty"`
	// Line and Column are where the entry is in the text.
	Line   int        `json:"line"`
	Column int        `json:"column"`
	re     *rx.Regexp // compiled Regex
}

// Position is where an option's value is in the text.
type Position struct {
	Line   int `json:"line"`
	Column int `json:"column"`
}

// Options is one cors(options) call, resolved against the defaults.
type Options struct {
	// Disabled is a falsy origin: the middleware calls next() and sets
	// nothing.
	Disabled bool `json:"disabled,omitempty"`
	// AnyOrigin is origin '*' (or omitted): ACAO *.
	AnyOrigin bool `json:"any_origin,omitempty"`
	// Fixed is a string origin other than '*', sent as is.
	Fixed string `json:"fixed,omitempty"`
	// ReflectAll is origin: true, or (Assumed) an origin the reader
	// cannot evaluate, taken as allowing the request's Origin.
	ReflectAll bool `json:"reflect_all,omitempty"`
	Assumed    bool `json:"assumed,omitempty"`
	// Allowed are the entries of an array or RegExp origin.
	Allowed []Origin `json:"allowed,omitempty"`
	// Callback: Allowed is what an origin callback allows
	// (jslit.Allowlist); for another origin it calls back an Error or
	// false, and cors() calls next() with it and sets no header at all.
	Callback bool `json:"callback,omitempty"`
	// CallbackError: the callback's refusal is an Error, which cors()
	// passes to next(err): Express skips every later middleware and
	// route and its default error handler (finalhandler) answers 500.
	CallbackError bool `json:"callback_error,omitempty"`
	// Methods is the ACAM value (an array is joined with ",").
	Methods string `json:"methods"`
	// AllowedHeaders is the ACAH value; nil reflects the request's ACRH.
	AllowedHeaders *string `json:"allowed_headers,omitempty"`
	ExposedHeaders string  `json:"exposed_headers,omitempty"`
	Credentials    bool    `json:"credentials,omitempty"`
	MaxAge         string  `json:"max_age,omitempty"`
	// PreflightContinue passes OPTIONS requests on to the application.
	PreflightContinue    bool `json:"preflight_continue,omitempty"`
	OptionsSuccessStatus int  `json:"options_success_status"`
	// At maps each option written in the text (origin, methods,
	// allowedHeaders, ...) to where its value is, for fixes and lint.
	At map[string]Position `json:"at,omitempty"`
}

// Middleware is where one cors() call is mounted.
type Middleware struct {
	Options
	// Path is the mount path ("" for every path); Prefix is true for
	// app.use (the path and everything below it, segment by segment) and
	// false for a route (app.options('/x', ...): that path only).
	Path   string `json:"path,omitempty"`
	Prefix bool   `json:"prefix,omitempty"`
	// Method limits a route to one method ("" for app.use and app.all).
	Method string `json:"method,omitempty"`
	// ErrorHandler is the line of the application's error handler that
	// an Error this middleware's origin callback calls back reaches:
	// one mounted after it on the same object (Express runs error
	// handlers after the middleware that failed, in its own router),
	// 0 for Express's default 500.
	ErrorHandler int `json:"error_handler,omitempty"`
	object       string
	tok          int
	Line         int `json:"line"`
	Column       int `json:"column"`
}

// Config is every cors() middleware in the text, in order.
type Config struct {
	Middlewares []Middleware `json:"middlewares"`
	// Notes are things the library ignores that the author may not
	// expect, such as a misspelt option name.
	Notes []string `json:"notes,omitempty"`
}

// handler is an error handler: the object it is mounted on ("app", a
// router) and its token's index and line.
type handler struct {
	object    string
	tok, line int
}

// Parse reads cors() options or JavaScript that mounts cors().
func Parse(text string) (*Config, error) {
	if len(text) > jslit.MaxText {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "text longer than " + strconv.Itoa(jslit.MaxText) + " bytes"}}
	}
	toks, errs := jslit.Lex(text)
	if len(errs) > 0 {
		return nil, errs
	}
	// Names declared with a literal (const allowedOrigins = [...]) are
	// read as their values; a function or any other expression (an
	// origin callback, process.env.X) is read as code, which resolve
	// says what it assumes of.
	p := &jslit.Parser{Toks: toks, Funcs: true, Names: jslit.Bindings(toks, true)}
	c := &Config{}
	vars := map[string]jslit.Value{}
	var calls []int // token index of each "cors" in "cors("
	// handlers are the application's own error handlers (.use with a
	// function of four parameters, err first), in text order.
	var handlers []handler
	for i := 0; i+1 < len(toks); i++ {
		t := toks[i]
		if t.Kind == jslit.TPunct && t.Text == "=" && i > 0 && toks[i-1].Kind == jslit.TIdent && toks[i+1].Text == "{" && toks[i+1].Kind == jslit.TPunct {
			p.I = i + 1
			v, ok := p.Literal(0)
			if ok {
				vars[toks[i-1].Text] = v
			}
			i = p.I - 1
			continue
		}
		if t.Kind == jslit.TIdent && t.Text == "cors" && toks[i+1].Text == "(" && toks[i+1].Kind == jslit.TPunct && (i == 0 || toks[i-1].Text != ".") {
			calls = append(calls, i)
		}
		if t.Kind == jslit.TIdent && t.Text == "use" && i > 1 && toks[i-1].Text == "." && toks[i-2].Kind == jslit.TIdent && errorHandler(toks[i+1:]) {
			handlers = append(handlers, handler{object: toks[i-2].Text, tok: i, line: t.Line})
		}
	}
	if len(p.Errs) > 0 {
		return nil, p.Errs
	}
	if len(calls) == 0 {
		// An options object by itself: a literal, JSON, or one declared
		// variable.
		var v jslit.Value
		switch {
		case toks[0].Text == "{" && toks[0].Kind == jslit.TPunct:
			p.I = 0
			var ok bool
			v, ok = p.Literal(0)
			if ok {
				if t := p.Peek(); t.Kind != jslit.TEOF && !(t.Text == ";" && toks[p.I+1].Kind == jslit.TEOF) {
					p.Fail(t, "text after the options object")
				}
			}
		case len(vars) == 1:
			for _, v = range vars {
			}
		default:
			return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no cors() options found: paste the options object, or the code that calls cors(...)"}}
		}
		if len(p.Errs) > 0 {
			return nil, p.Errs
		}
		m, es := resolve(v, c, p.Names)
		if len(es) > 0 {
			return nil, es
		}
		c.Middlewares = append(c.Middlewares, Middleware{Options: m, Line: v.Line, Column: v.Col})
		return c, nil
	}
	var all policy.Errors
	for _, ci := range calls {
		mw := Middleware{Line: toks[ci].Line, Column: toks[ci].Col}
		mount(toks, ci, &mw, &all)
		p.I = ci + 2
		var v jslit.Value
		switch t := p.Peek(); {
		case t.Text == ")" && t.Kind == jslit.TPunct:
			v = jslit.Value{Kind: jslit.VObject, Line: t.Line, Col: t.Col}
		case t.Kind == jslit.TIdent && t.Text != "true" && t.Text != "false" && t.Text != "null" && t.Text != "undefined" && t.Text != "new":
			d, ok := vars[t.Text]
			if !ok {
				all = append(all, &policy.Error{Line: t.Line, Column: t.Col, Msg: "cors(" + t.Text + "): " + t.Text + " is not declared with an object literal in this text (an options delegate function cannot be evaluated offline)"})
				continue
			}
			v = d
			p.Next()
		default:
			var ok bool
			v, ok = p.Literal(0)
			if !ok {
				all = append(all, p.Errs...)
				p.Errs = nil
				continue
			}
			if v.Kind == jslit.VUndefined || v.Kind == jslit.VNull {
				v = jslit.Value{Kind: jslit.VObject, Line: v.Line, Col: v.Col}
			} else if v.Kind != jslit.VObject {
				all = append(all, &policy.Error{Line: v.Line, Column: v.Col, Msg: "cors() takes an options object, not a " + v.KindName()})
				continue
			}
		}
		if t := p.Peek(); !(t.Text == ")" && t.Kind == jslit.TPunct) {
			all = append(all, &policy.Error{Line: t.Line, Column: t.Col, Msg: "cors() takes one argument"})
			continue
		}
		m, es := resolve(v, c, p.Names)
		all = append(all, es...)
		mw.Options = m
		for _, h := range handlers {
			// A second look's review: a handler before cors(), or on
			// another router, was taken to answer (real Express: its
			// default 500).
			if mw.object != "" && h.object == mw.object && h.tok > mw.tok {
				mw.ErrorHandler = h.line
				break
			}
		}
		c.Middlewares = append(c.Middlewares, mw)
	}
	if len(all) > 0 {
		return nil, all
	}
	return c, nil
}

// errorHandler reports whether toks, after app.use, open a call whose
// argument is a function of four parameters: Express's error-handling
// middleware (function (err, req, res, next) {...} or (err, req, res,
// next) => ...), which an adversarial review saw answer an origin
// callback's Error with 403 and its own CORS header, where the model
// said Express's default 500.
func errorHandler(toks []jslit.Token) bool {
	i := 0
	next := func(text string) bool {
		if i < len(toks) && toks[i].Text == text {
			i++
			return true
		}
		return false
	}
	if !next("(") {
		return false
	}
	next("async")
	if next("function") && i < len(toks) && toks[i].Kind == jslit.TIdent {
		i++
	}
	if !next("(") {
		return false
	}
	for k := 0; k < 4; k++ {
		if i >= len(toks) || toks[i].Kind != jslit.TIdent {
			return false
		}
		i++
		if k < 3 && !next(",") {
			return false
		}
	}
	return next(")")
}

// mount reads what cors( ... ) is passed to: app.use([path,] cors()) or
// app.<method>(path, cors(), ...).
func mount(toks []jslit.Token, ci int, mw *Middleware, errs *policy.Errors) {
	j := ci - 1
	var path *jslit.Token
	if j >= 0 && toks[j].Text == "," && toks[j].Kind == jslit.TPunct && j >= 1 && toks[j-1].Kind == jslit.TString {
		path = &toks[j-1]
		j -= 2
	} else if j >= 0 && toks[j].Text == "," {
		// another middleware before cors() in the same call: read the
		// mount from the call's first argument
		depth := 0
		for j >= 0 {
			t := toks[j]
			if t.Kind == jslit.TPunct && (t.Text == ")" || t.Text == "]" || t.Text == "}") {
				depth++
			} else if t.Kind == jslit.TPunct && (t.Text == "(" || t.Text == "[" || t.Text == "{") {
				if depth == 0 {
					break
				}
				depth--
			}
			j--
		}
		if j+1 < len(toks) && toks[j+1].Kind == jslit.TString && j+2 < len(toks) && toks[j+2].Text == "," {
			path = &toks[j+1]
		}
	}
	if j < 2 || toks[j].Text != "(" || toks[j-1].Kind != jslit.TIdent || toks[j-2].Text != "." {
		return // cors() not passed straight to app.use/route: applies everywhere it is used; assume every path
	}
	verb := toks[j-1].Text
	if j >= 3 && toks[j-3].Kind == jslit.TIdent {
		mw.object, mw.tok = toks[j-3].Text, j-1
	}
	switch verb {
	case "use":
		mw.Prefix = true
	case "all":
	case "get", "post", "put", "patch", "delete", "options", "head":
		mw.Method = strings.ToUpper(verb)
	default:
		*errs = append(*errs, &policy.Error{Line: toks[j-1].Line, Column: toks[j-1].Col, Msg: "cors() mounted with ." + verb + "(): only use, all and the method routes are understood"})
		return
	}
	if path == nil {
		return
	}
	ps := path.Text
	switch {
	case ps == "*" || ps == "/*" || ps == "/{*splat}" || ps == "*splat" || (mw.Prefix && ps == "/"):
		// every path (Express 4 '*', Express 5 '/{*splat}')
	case strings.ContainsAny(ps, "*?+()[]{}") || strings.Contains(ps, ":") && !namedParams(ps):
		// The reader's limit, not a refusal of Express's: said as an
		// input error (Unreadable).
		*errs = append(*errs, &policy.Error{Line: path.Line, Column: path.Col, Unreadable: true, Msg: "route path " + strconv.Quote(ps) + " has a pattern this reader does not follow (named parameters such as /products/:id are read; optional, wildcard and regular-expression parts are not): mount cors() on a literal path, or on every path"})
	case !strings.HasPrefix(ps, "/"):
		*errs = append(*errs, &policy.Error{Line: path.Line, Column: path.Col, Msg: "route path " + strconv.Quote(ps) + " must start with /"})
	default:
		mw.Path = ps
	}
}

// namedParams reports a route path whose only patterns are whole named
// segments ("/products/:id": path-to-regexp matches one non-empty
// segment there).
func namedParams(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if name, ok := strings.CutPrefix(seg, ":"); ok {
			if name == "" || strings.IndexFunc(name, func(r rune) bool {
				return !(r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
			}) >= 0 {
				return false
			}
		} else if strings.Contains(seg, ":") {
			return false
		}
	}
	return true
}

var known = map[string]bool{"origin": true, "methods": true, "allowedHeaders": true, "headers": true, "exposedHeaders": true, "credentials": true, "maxAge": true, "preflightContinue": true, "optionsSuccessStatus": true}

// resolve applies the defaults to an options object (middlewareWrapper:
// assign({}, defaults, options)), one step an option, in the order they
// are written: a later key wins, as in JavaScript. names are the text's
// names declared with a literal.
func resolve(v jslit.Value, c *Config, names map[string]jslit.Value) (Options, policy.Errors) {
	if v.Kind != jslit.VObject {
		return Options{}, policy.Errors{{Line: v.Line, Column: v.Col, Msg: "cors() options must be an object, not a " + v.KindName()}}
	}
	r := resolver{o: Options{AnyOrigin: true, Methods: DefaultMethods, OptionsSuccessStatus: DefaultOptionsSuccessStatus}, c: c, names: names}
	seen := map[string]bool{}
	allowed, hdrs := jslit.Value{Kind: jslit.VUndefined}, jslit.Value{Kind: jslit.VUndefined}
	for i := range v.Obj {
		pr := &v.Obj[i]
		if !r.known(pr, seen) {
			continue
		}
		val := &pr.Val
		if val.Code() && pr.Key != "origin" && pr.Key != "credentials" {
			// What the reader cannot evaluate is a text it cannot
			// read, not one cors refuses.
			r.errs = append(r.errs, &policy.Error{Line: val.Line, Column: val.Col, Path: pr.Key, Msg: pr.Key + " is " + code(val) + ", which cannot be evaluated offline: write its value", Unreadable: true})
			continue
		}
		switch pr.Key {
		case "origin":
			r.origin(pr.Key, val)
		case "methods":
			r.methods(pr.Key, val)
		case "allowedHeaders", "headers":
			if val.Truthy() {
				if _, ok := joinList(*val); !ok {
					r.bad(pr.Key, val, pr.Key+" must be a string or an array of strings")
				}
			}
			if pr.Key == "headers" {
				hdrs = *val
			} else {
				allowed = *val
			}
		case "exposedHeaders":
			r.exposedHeaders(pr.Key, val)
		case "credentials":
			r.o.Credentials = val.Kind == jslit.VBool && val.B // options.credentials === true
			if val.Kind != jslit.VBool && val.Truthy() {
				r.note(pr.Line, "credentials is not the boolean true, so cors sends no Access-Control-Allow-Credentials")
			}
		case "maxAge":
			r.maxAge(pr.Key, val)
		case "preflightContinue":
			r.o.PreflightContinue = val.Truthy()
		case "optionsSuccessStatus":
			r.optionsSuccessStatus(pr.Key, val)
		}
	}
	// options.allowedHeaders || options.headers; neither reflects ACRH.
	for _, h := range []jslit.Value{allowed, hdrs} {
		if h.Truthy() {
			s, _ := joinList(h)
			r.o.AllowedHeaders = &s
			break
		}
	}
	return r.o, r.errs
}

// resolver is one options object being resolved: the options so far, the
// faults found, and the Config whose notes it adds to. Its steps are
// methods rather than closures over resolve's locals, so that bad can be
// kept out of line (see bad).
type resolver struct {
	o    Options
	errs policy.Errors
	c    *Config
	// names are the text's names declared with a literal (an origin
	// callback's allow-list).
	names map[string]jslit.Value
}

// bad reports a fault in option key, at its value v. Not inlined: as the
// closure it was, the compiler copied it into each of its nine calls,
// about 4 KB of the worker's and the page's wasm.
//
//go:noinline
func (r *resolver) bad(key string, v *jslit.Value, msg string) {
	r.errs = append(r.errs, &policy.Error{Line: v.Line, Column: v.Col, Path: key, Msg: msg})
}

// badRegex reports a RegExp that compile refused; the fault has the
// position in the RegExp already.
func (r *resolver) badRegex(key string, err error) {
	if e, ok := err.(*policy.Error); ok {
		e.Path = key
		r.errs = append(r.errs, e)
	}
}

// note tells the author, at line, of something cors does that they may
// not expect; it is no fault.
func (r *resolver) note(line int, msg string) {
	n := "line " + strconv.Itoa(line) + ": " + msg
	for _, old := range r.c.Notes {
		if old == n {
			return // one options object passed to cors() twice
		}
	}
	r.c.Notes = append(r.c.Notes, n)
}

// known notes a repeated option and an unknown one (cors ignores it:
// false), and records where a known option's value is, for fixes and lint.
func (r *resolver) known(pr *jslit.Prop, seen map[string]bool) bool {
	if seen[pr.Key] {
		// A later key wins in JavaScript; say so, it is rarely meant.
		r.note(pr.Line, pr.Key+" is given twice; the last one wins")
	}
	seen[pr.Key] = true
	if !known[pr.Key] {
		r.note(pr.Line, "cors ignores the unknown option "+strconv.Quote(pr.Key)+suggest(pr.Key))
		return false
	}
	if r.o.At == nil {
		r.o.At = map[string]Position{}
	}
	r.o.At[pr.Key] = Position{pr.Val.Line, pr.Val.Col}
	return true
}

// origin reads the origin option (lib/index.js configureOrigin; with a
// falsy one middlewareWrapper calls next() and sets nothing). It replaces
// whatever an earlier origin key set.
func (r *resolver) origin(key string, val *jslit.Value) {
	o := &r.o
	o.AnyOrigin, o.Disabled, o.Fixed, o.ReflectAll, o.Assumed, o.Allowed, o.Callback, o.CallbackError = false, false, "", false, false, nil, false, false
	switch {
	case val.Kind == jslit.VFunc && r.allowlist(key, val):
	case val.Code():
		// A callback (the expressjs/cors README's whitelist function)
		// or a value of the environment: which origins it allows is
		// the code's, so the verdict assumes the request's, echoed,
		// and says so; lint reports it as assumed, not as origin: true.
		o.ReflectAll, o.Assumed = true, true
		if val.Kind == jslit.VFunc {
			r.note(val.Line, "origin is a function, which cannot be evaluated offline; the verdict assumes it allows the request's Origin (callback(null, true)): Access-Control-Allow-Origin echoes it")
		} else {
			r.note(val.Line, "origin is "+val.Str+", which is not known offline; the verdict assumes it holds the request's Origin: Access-Control-Allow-Origin names it")
		}
	case !val.Truthy():
		o.Disabled = true
	case val.Kind == jslit.VString && val.Str == "*":
		o.AnyOrigin = true
	case val.Kind == jslit.VString:
		o.Fixed = val.Str
	case val.Kind == jslit.VBool:
		o.ReflectAll = true
	case val.Kind == jslit.VRegex:
		or, err := compile(*val)
		if err != nil {
			r.badRegex(key, err)
		}
		o.Allowed = []Origin{or}
	case val.Kind == jslit.VArray:
		r.originList(key, val.Arr)
	default:
		r.bad(key, val, "origin must be a string, boolean, RegExp or array, not a "+val.KindName())
	}
}

// code names a value the reader does not run, for a message: "a
// function", or the expression as written.
func code(v *jslit.Value) string {
	if v.Kind == jslit.VFunc {
		return "a function"
	}
	return v.Str
}

// allowlist reads an origin callback that allows the origins of a list
// the text declares (jslit.Allowlist: the expressjs/cors README's
// whitelist function) as that list: cors echoes an origin the callback
// allows (callback(null, true)), and sends no CORS header for another
// (an Error reaches Express's error handler, a 500; false, the route's
// own answer). Tried as a new user would, every origin was assumed
// allowed, the README's own example included.
func (r *resolver) allowlist(key string, val *jslit.Value) bool {
	arr, callsError, ok := jslit.Allowlist(val.Fn, r.names)
	if !ok {
		return false
	}
	r.originList(key, arr.Arr)
	r.o.Callback, r.o.CallbackError = true, callsError
	// A fix adds an origin to the list, where the callback reads it
	// (found as a new user would: it fell back to the replies' lines).
	r.o.At[key] = Position{arr.Line, arr.Col}
	refusal := "calls back false, and the application answers without CORS headers"
	if callsError {
		refusal = "calls back an Error, which Express's error handler answers with 500 and no CORS headers"
	}
	r.note(val.Line, "origin is a function that allows the origins of the list declared at line "+strconv.Itoa(arr.Line)+", read as that list; for another origin it "+refusal)
	return true
}

// originList reads an array origin, whose entries isOriginAllowed tries
// one by one against the request's Origin.
func (r *resolver) originList(key string, arr []jslit.Value) {
	r.o.Allowed = []Origin{}
	for i := range arr {
		el := &arr[i]
		switch el.Kind {
		case jslit.VString:
			r.o.Allowed = append(r.o.Allowed, Origin{Exact: el.Str, Line: el.Line, Column: el.Col})
		case jslit.VRegex:
			or, err := compile(*el)
			if err != nil {
				r.badRegex(key, err)
			}
			r.o.Allowed = append(r.o.Allowed, or)
		case jslit.VArray:
			r.bad(key, el, "nested arrays in origin are not supported")
		case jslit.VExpr:
			// A value of the program (`https://${process.env.HOST}`):
			// most likely an origin string, whose value is not known
			// here; the verdict assumes it matches no Origin, as an
			// unknown entry of any list.
			r.note(el.Line, "the origin entry "+el.Str+" is not known offline; the verdict assumes it matches no Origin")
		default:
			// isOriginAllowed: !!entry, true for any truthy non-string.
			if el.Truthy() {
				r.bad(key, el, "a "+el.KindName()+" in the origin array allows every origin (isOriginAllowed returns !!value); write true or remove it")
			}
		}
	}
}

// methods reads the methods option, the Access-Control-Allow-Methods value
// (lib/index.js configureMethods: methods.join(',') of an array).
func (r *resolver) methods(key string, val *jslit.Value) {
	s, ok := joinList(*val)
	if !ok {
		r.bad(key, val, "methods must be a string or an array of strings")
	}
	if !val.Truthy() {
		r.bad(key, val, "methods is falsy: expressjs/cors would throw (methods.join of "+val.KindName()+")")
	}
	r.o.Methods = s
}

// exposedHeaders reads the Access-Control-Expose-Headers value; a falsy
// one sends none (lib/index.js configureExposedHeaders).
func (r *resolver) exposedHeaders(key string, val *jslit.Value) {
	if !val.Truthy() {
		r.o.ExposedHeaders = ""
		return
	}
	s, ok := joinList(*val)
	if !ok {
		r.bad(key, val, "exposedHeaders must be a string or an array of strings")
	}
	r.o.ExposedHeaders = s
}

// maxAge reads the Access-Control-Max-Age value (lib/index.js
// configureMaxAge).
func (r *resolver) maxAge(key string, val *jslit.Value) {
	// (typeof maxAge === 'number' || maxAge) && maxAge.toString()
	switch val.Kind {
	case jslit.VNumber:
		r.o.MaxAge = jslit.NumberString(val.Num)
	case jslit.VString:
		r.o.MaxAge = val.Str
	default:
		if val.Truthy() {
			r.bad(key, val, "maxAge must be a number or a string")
		}
		r.o.MaxAge = ""
	}
}

// optionsSuccessStatus reads the status of a preflight answer (cors():
// res.statusCode = options.optionsSuccessStatus); a refused one leaves
// the previous status.
func (r *resolver) optionsSuccessStatus(key string, val *jslit.Value) {
	if val.Kind != jslit.VNumber || val.Num != float64(int(val.Num)) || val.Num < 100 || val.Num > 999 {
		r.bad(key, val, "optionsSuccessStatus must be an HTTP status code")
		return
	}
	r.o.OptionsSuccessStatus = int(val.Num)
}

func suggest(key string) string {
	switch strings.ToLower(key) {
	case "allowheaders", "allowedheader", "allowed_headers", "allowheader":
		return " (did you mean allowedHeaders? without it every requested header is reflected)"
	case "exposeheaders", "exposedheader", "exposed_headers", "exposeheader":
		return " (did you mean exposedHeaders?)"
	case "allowcredentials", "credential", "withcredentials":
		return " (did you mean credentials?)"
	case "origins", "allowedorigins", "alloworigin", "alloworigins":
		return " (did you mean origin? without it every origin gets Access-Control-Allow-Origin: *)"
	case "method", "allowedmethods", "allowmethods":
		return " (did you mean methods?)"
	case "maxage", "max_age", "maxagesecs", "maxageseconds":
		return " (did you mean maxAge?)"
	}
	return ""
}

func compile(v jslit.Value) (Origin, error) {
	or, err := compileRegex(v)
	or.Flags, or.Line, or.Column = v.Flags, v.Line, v.Col
	return or, err
}

func compileRegex(v jslit.Value) (Origin, error) {
	for _, f := range v.Flags {
		switch f {
		case 'i', 'g', 'u', 'd':
		default:
			// y (sticky) and s/m change what test() accepts
			return Origin{Regex: v.Str}, &policy.Error{Line: v.Line, Column: v.Col, Msg: "RegExp flag " + string(f) + " is not supported"}
		}
	}
	if strings.ContainsRune(v.Flags, 'g') {
		// test() on a global RegExp advances lastIndex between calls, so
		// every other request fails: a real bug in apps; refuse to guess.
		return Origin{Regex: v.Str}, &policy.Error{Line: v.Line, Column: v.Col, Msg: "RegExp flag g makes RegExp.test stateful (lastIndex): requests alternate between match and no match; remove the g"}
	}
	re, err := rx.Compile(v.Str, strings.ContainsRune(v.Flags, 'i'))
	if err != nil {
		e := err.(*rx.Error)
		return Origin{Regex: v.Str}, &policy.Error{Line: v.Line, Column: v.Col + 1 + e.Offset, Msg: "unsupported regular expression: " + e.Msg}
	}
	return Origin{Regex: v.Str, re: re}, nil
}

// joinList is the library's "value.join ? value.join(',') : value".
func joinList(v jslit.Value) (string, bool) {
	switch v.Kind {
	case jslit.VString:
		return v.Str, true
	case jslit.VArray:
		parts := make([]string, 0, len(v.Arr))
		for _, el := range v.Arr {
			switch el.Kind {
			case jslit.VString:
				parts = append(parts, el.Str)
			case jslit.VNumber:
				parts = append(parts, jslit.NumberString(el.Num))
			case jslit.VNull, jslit.VUndefined:
				parts = append(parts, "") // Array.prototype.join writes nothing for them
			default:
				return "", false
			}
		}
		return strings.Join(parts, ","), true
	case jslit.VNull, jslit.VUndefined, jslit.VBool:
		return "", v.Kind != jslit.VBool
	}
	return "", false
}

func (o *Origin) match(origin string) bool {
	if o.re == nil {
		return o.Exact == origin
	}
	m, _ := o.re.Match(origin)
	return m
}
