// Package rackcors reads rack-cors (2.0.2 and 3.0.0, or 1.1.1) from the
// Ruby that configures it, a Rails initializer
// (config/initializers/cors.rb, as `rails new --api` writes it),
// config/application.rb or a Rack config.ru, and answers requests the
// way the middleware does (format name "rack-cors").
//
// Accepted text: Ruby with one Rack::Cors middleware,
// `config.middleware.insert_before 0, Rack::Cors do ... end` (or
// insert_after, use, and `use Rack::Cors do` in a config.ru), holding
// allow blocks of `origins ...` and `resource path, options` calls. The
// values are literals, constants assigned earlier in the file and
// ENV["NAME"] / ENV.fetch("NAME", default) (engine/formats/internal/rblit).
//
// Semantics (lib/rack/cors.rb and lib/rack/cors/ at 2.0.2 and 3.0.0, one
// code but for VERSION, Debian 13's and sid's ruby-rack-cors; at 1.1.1,
// Debian 12's, where it says so; on Rack 2.2):
//   - the request's path is PATH_INFO percent-decoded and, without a NUL,
//     cleaned of empty, "." and ".." segments (Rack::Utils.unescape_path,
//     valid_path?, clean_path_info: Puma's PATH_INFO is binary, so any
//     other byte is valid);
//   - with an Origin header (or X-Origin), an OPTIONS request with
//     Access-Control-Request-Method is a preflight, answered by the
//     middleware alone: 200 with the resource's headers when an allow
//     block admits the origin, its first resource matching the path
//     admits the method (rack-cors compares the request's method
//     lowercased with the methods as written: :put, "put"; "PUT" never
//     matches) and every requested header (headers: :any, the list
//     lowercased, or accept, accept-language, content-language and
//     content-type); else 200 with no CORS header; 400 for a path with
//     a NUL;
//   - any other request with an Origin gets the resource's headers under
//     the application's own (Access-Control-Allow-Origin, -Methods,
//     -Expose-Headers, empty when expose is not set, -Max-Age, 7200 by
//     default, and -Allow-Credentials with credentials: true);
//   - a string origin with a scheme (lower-case letters, digits, "+",
//     "-" and "." after a letter, then "://"; 1.1.1: http:// or https://
//     only, or file://) is compared exactly, "*" allows every origin
//     (and Access-Control-Allow-Origin: *), another string is a host
//     matched under any scheme; a regex is searched in the origin
//     (Regexp#===, unanchored unless written with \A and \z);
//   - a resource path is a pattern: "*" any text, "/*" an optional slash
//     and any text ("/api/*" covers /api, /api/x and /apiary), ":name" a
//     segment, ". + ( )" and "$" (1.1.1: an anchor) as written, the rest
//     a regex's own syntax; a Regexp is searched in the path;
//   - Vary (the resource's vary:, else Origin) is added to every reply
//     but a preflight's when a resource of any allow block covers the
//     path, with or without an Origin.
package rackcors

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/rblit"
	"github.com/whycors/whycors/engine/policy"
)

const source = "lib/rack/cors.rb and lib/rack/cors/ (rack-cors 3.0.0 and 2.0.2, or 1.1.1 for a Gemfile.lock's 1.x)"

// The rack-cors versions this package answers as. 2.0.2 and 3.0.0 are
// one code: Debian's packages of them (trixie's ruby-rack-cors 2.0.2-1,
// sid's 3.0.0-1) differ in lib/rack/cors/version.rb alone, 3.0.0 having
// raised the Rack it asks for in its gemspec. 1.1.1 is Debian 12's.
const (
	// Latest is the version a configuration is read as unless a
	// Gemfile.lock names another.
	Latest = "3.0.0"
	// V1 is what a Gemfile.lock's rack-cors 1.x (or older) is read as.
	V1 = "1.1.1"
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "rack-cors" policy format.
type Format struct{}

// Name returns "rack-cors".
func (*Format) Name() string { return "rack-cors" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Rails and Rack: rack-cors" }

// Detect claims Ruby that configures Rack::Cors.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "#") && strings.Contains(line, "Rack::Cors") {
			return true, "Ruby that configures Rack::Cors (rack-cors)"
		}
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

// ParseSource implements policy.SourceParser: the code with the values
// of the environment variables it reads from src.Params (--param), as
// the rack-cors of the Gemfile.lock that may follow it answers.
func (f *Format) ParseSource(src policy.Source) (policy.Evaluator, error) {
	version, err := lockedVersion(src)
	if err != nil {
		return nil, err
	}
	c, err := ParseVersion(src.Main(), src.Params, version)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// Origin is one entry of an origins call.
type Origin struct {
	Text string `json:"text"`
	// Kind: "exact" (a string with http:// or https://, or file://), "host"
	// (a string without a scheme: any scheme), "regex", "*".
	Kind string `json:"kind"`
	re   *regexp.Regexp
	// stated is re as an Origin is matched by it, in the portable form's
	// syntax (a "host" or "regex" entry).
	stated string
	V      rblit.Value `json:"-"`
}

// Resource is one resource call.
type Resource struct {
	Path string `json:"path"`
	// PathRegex: the path is a Regexp, searched in the path as written.
	PathRegex bool `json:"path_regex,omitempty"`
	re        *regexp.Regexp
	// Methods are the methods as rack-cors holds them (to_s of each):
	// compared with the request's method lowercased.
	Methods []string `json:"methods"`
	// AnyHeaders: headers: :any. Headers are the names lowercased; a
	// symbol in the list (never equal to a name) is kept as ":name".
	AnyHeaders  bool     `json:"any_headers,omitempty"`
	Headers     []string `json:"headers,omitempty"`
	Expose      []string `json:"expose,omitempty"`
	MaxAge      string   `json:"max_age"`
	Credentials bool     `json:"credentials,omitempty"`
	// Public: the allow block's origins held "*" when the resource was
	// declared: Access-Control-Allow-Origin is then "*".
	Public bool     `json:"public,omitempty"`
	Vary   []string `json:"vary,omitempty"`
	Line   int      `json:"line"`
	call   *rblit.Call
	// opts are the options as written: the call's keywords, or the
	// pairs of a braced hash (resource "*", {headers: :any}).
	opts []rblit.Pair
	// braced: opts are a braced hash's.
	braced bool
}

// opt returns the option key as written.
func (r *Resource) opt(key string) (rblit.Pair, bool) { return rblit.Lookup(r.opts, key) }

// Allow is one allow block.
type Allow struct {
	Origins []Origin `json:"origins"`
	// Public: origins holds "*": every origin is allowed.
	Public    bool       `json:"public,omitempty"`
	Resources []Resource `json:"resources"`
	Line      int        `json:"line"`
	origins   *rblit.Call
}

// Config is one Rack::Cors middleware: its allow blocks in order.
type Config struct {
	Allows []Allow `json:"allows"`
	Line   int     `json:"line"`
	// Version is the rack-cors it answers as: Latest, or the version a
	// Gemfile.lock named (1.x answers as V1).
	Version string `json:"version"`
	// Notes are sentences the verdict carries: a value read from the
	// environment, a condition around the middleware.
	Notes []string `json:"notes,omitempty"`
	// consts are the file's constants, for an edit of the list one holds.
	consts map[string]rblit.Value
}

// Parse reads the Rack::Cors middleware of text.
func Parse(text string) (*Config, error) { return ParseEnviron(text, nil) }

// middlewareMethods are the Rails and Rack methods that add a middleware
// with its options and block (ActionDispatch::MiddlewareStack,
// Rack::Builder#use).
var middlewareMethods = map[string]bool{"insert_before": true, "insert_after": true, "insert": true, "use": true, "unshift": true, "swap": true}

// ParseEnviron is Parse with the values of the environment variables
// the code reads (ENV["NAME"], ENV.fetch("NAME", ...): the command
// line's --param NAME=VALUE).
func ParseEnviron(text string, environ map[string]string) (*Config, error) {
	return ParseVersion(text, environ, "")
}

// ParseVersion is ParseEnviron as rack-cors version answers ("2.0.2",
// "1.1.1"; "" for Latest, with a note where the versions differ).
func ParseVersion(text string, environ map[string]string, version string) (*Config, error) {
	f := rblit.Read(text, environ)
	var found []rblit.Stmt
	var walk func(sts []rblit.Stmt)
	var mapped *rblit.Call // the config.ru map block the middleware is in
	var under *rblit.Call
	walk = func(sts []rblit.Stmt) {
		for _, st := range sts {
			if st.Call == nil {
				continue
			}
			if middlewareMethods[st.Call.Name] && corsArg(st.Call) >= 0 {
				found = append(found, st)
				if under != nil && mapped == nil {
					mapped = under
				}
				continue
			}
			if st.Call.Block != nil {
				outer := under
				if st.Call.Name == "map" && st.Call.Recv == "" {
					under = st.Call
				}
				walk(st.Call.Block.Body)
				under = outer
			}
		}
	}
	walk(f.Body)
	if mapped != nil {
		// Rack::Builder#map hands the app below it a PATH_INFO without
		// the mount point, which the resources' paths are matched
		// against.
		return nil, policy.Errors{unreadableAt(mapped.Line, mapped.Col, "Rack::Cors inside a map block: rack-cors matches its resources against the path without the map's prefix, which whycors does not model; check it with the prefix left out of the URL")}
	}
	switch len(found) {
	case 0:
		if line, col, ok := corsMention(text); ok {
			return nil, policy.Errors{unreadableAt(line, col, "Rack::Cors is here, but its statement cannot be read: an unclosed block (a missing end), string or bracket, or a form of Ruby whycors does not read before it")}
		}
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no Rack::Cors middleware found: paste the Ruby that adds it (config/initializers/cors.rb: Rails.application.config.middleware.insert_before 0, Rack::Cors do ... end)", Unreadable: true}}
	case 1:
	default:
		return nil, policy.Errors{{Line: found[1].Line, Column: found[1].Col, Msg: "a second Rack::Cors middleware: each answers its own preflights, the first in the stack before the other; whycors reads one, so paste one"}}
	}
	st := found[0]
	c := &Config{Line: st.Line, Version: version, consts: f.Consts}
	if version == "" {
		c.Version = Latest
	} else if n := versionNote(version); n != "" {
		c.Notes = append(c.Notes, n)
	}
	env, envGiven := environ["RAILS_ENV"]
	if st.Cond != "" {
		holds, known := railsEnv(st.Cond, env)
		switch {
		case envGiven && known && !holds:
			// Not added in this environment: nothing sends a CORS
			// header (a Config with no allow block answers so).
			c.Notes = append(c.Notes, "line "+strconv.Itoa(st.Line)+": the middleware is added only "+condWords(st.Cond)+", which RAILS_ENV="+env+" is not: no CORS header is sent")
			return c, nil
		case envGiven && known:
			c.Notes = append(c.Notes, "line "+strconv.Itoa(st.Line)+": the middleware is added only "+condWords(st.Cond)+", which RAILS_ENV="+env+" is")
		default:
			c.Notes = append(c.Notes, "line "+strconv.Itoa(st.Line)+": the middleware is added only "+condWords(st.Cond)+"; read as if it is (--param RAILS_ENV=production decides a condition on Rails.env)")
		}
	}
	var errs policy.Errors
	if st.Call.Block == nil {
		return nil, policy.Errors{{Line: st.Line, Column: st.Col, Msg: "Rack::Cors without a do ... end block: it allows nothing; write its allow blocks in the block"}}
	}
	param := blockParam(st.Call.Block)
	for _, s := range st.Call.Block.Body {
		if condMarker(s) {
			continue
		}
		if s.Call == nil || s.Call.Name != "allow" || s.Call.Recv != param || s.Call.Block == nil || len(s.Call.Args)+len(s.Call.Opts) > 0 {
			errs = append(errs, unreadableAt(s.Line, s.Col, "inside Rack::Cors whycors reads allow do ... end blocks only: "+stmtWords(s)))
			continue
		}
		if run, err := runs(s, "an allow block", env, envGiven); err != nil {
			errs = append(errs, err)
			continue
		} else if !run {
			continue
		}
		a, es := readAllow(s.Call, env, envGiven, c.v1())
		errs = append(errs, es...)
		c.Allows = append(c.Allows, a)
	}
	for _, a := range c.Allows {
		for _, o := range a.Origins {
			if o.V.Env != "" {
				c.Notes = append(c.Notes, envNote(o.V))
			}
		}
	}
	if version == "" {
		c.Notes = append(c.Notes, c.versionNotes()...)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// corsMention finds the first line that names Rack::Cors outside a
// comment.
func corsMention(text string) (int, int, bool) {
	for i, line := range strings.Split(text, "\n") {
		if k := strings.Index(line, "Rack::Cors"); k >= 0 && !strings.HasPrefix(strings.TrimSpace(line), "#") {
			return i + 1, k + 1, true
		}
	}
	return 0, 0, false
}

// corsArg is the index of the Rack::Cors argument of a middleware call,
// or -1.
func corsArg(c *rblit.Call) int {
	for i, a := range c.Args {
		if (a.Kind == rblit.Code || a.Kind == rblit.Str) && (a.S == "Rack::Cors" || a.S == "::Rack::Cors") {
			return i
		}
	}
	return -1
}

// blockParam is the name a block's one parameter gives the object its
// calls go to (do |config| ... config.allow), "" when it has none.
func blockParam(b *rblit.Block) string {
	if len(b.Params) == 1 {
		return b.Params[0]
	}
	return ""
}

// condMarker reports the statement that opens an if or unless body: its
// statements follow, each with the condition (rblit.Stmt.Cond).
func condMarker(s rblit.Stmt) bool {
	return s.Call == nil && (s.Skipped == "if" || s.Skipped == "unless")
}

// runs says whether statement s (what names it) runs: yes without a
// condition, else as RAILS_ENV decides a condition on Rails.env; a
// condition whycors cannot decide is a fault at its place.
func runs(s rblit.Stmt, what, env string, envGiven bool) (bool, *policy.Error) {
	if s.Cond == "" {
		return true, nil
	}
	holds, known := railsEnv(s.Cond, env)
	if known && envGiven {
		return holds, nil
	}
	msg := what + " under a condition (" + s.Cond + "): whycors cannot know it; write it for the environment you ask about"
	if known {
		msg = what + " under a condition on Rails.env (" + s.Cond + "): give the environment you ask about with --param RAILS_ENV=production"
	}
	return false, unreadableAt(s.Line, s.Col, msg)
}

// railsEnv decides a condition rblit wrote ("Rails.env.production?",
// "unless ...", "a and b", "not (...)" for an else) for the environment
// env: holds, and known when every part tests Rails.env.NAME?.
func railsEnv(cond, env string) (holds, known bool) {
	parts, depth, start := []string{}, 0, 0
	for i := 0; i < len(cond); i++ {
		switch {
		case cond[i] == '(':
			depth++
		case cond[i] == ')':
			depth--
		case depth == 0 && strings.HasPrefix(cond[i:], " and "):
			parts = append(parts, cond[start:i])
			start = i + len(" and ")
		}
	}
	parts = append(parts, cond[start:])
	holds = true
	for _, p := range parts {
		neg := false
		if inner, ok := strings.CutPrefix(p, "not ("); ok && strings.HasSuffix(inner, ")") {
			h, k := railsEnv(inner[:len(inner)-1], env)
			if !k {
				return false, false
			}
			holds = holds && !h
			continue
		}
		if rest, ok := strings.CutPrefix(p, "unless "); ok {
			p, neg = rest, true
		}
		name, ok := strings.CutPrefix(strings.TrimSpace(p), "Rails.env.")
		if !ok || !strings.HasSuffix(name, "?") || strings.ContainsAny(name[:len(name)-1], " .()|&!") || len(name) < 2 {
			return false, false
		}
		holds = holds && (env == name[:len(name)-1]) != neg
	}
	return holds, true
}

// condWords says a statement's condition: "unless x" as it is, x as
// "if x".
func condWords(cond string) string {
	if strings.HasPrefix(cond, "unless ") {
		return cond
	}
	return "if " + cond
}

func stmtWords(s rblit.Stmt) string {
	switch {
	case s.Call == nil:
		return "\"" + s.Skipped + "\" is not one"
	case s.Call.Name == "allow" && s.Call.Block == nil:
		return "allow without its block"
	case s.Cond != "":
		return s.Call.Name + " under a condition"
	}
	return s.Call.Name + " is not one"
}

// envNote says where a value read from the environment came from.
func envNote(v rblit.Value) string {
	at := "line " + strconv.Itoa(v.Line) + ": "
	if v.Env == "RAILS_ENV" {
		return at + "the branch of Rails.env that --param RAILS_ENV gives is read"
	}
	if v.EnvDefault {
		return at + "ENV[" + strconv.Quote(v.Env) + "] is not given (--param " + v.Env + "=VALUE): the code's default is read"
	}
	return at + "ENV[" + strconv.Quote(v.Env) + "] is read as --param gave it"
}

// readAllow reads one allow block: its origins and resources, in order
// (a resource takes the block's "*" as it stands when it is declared).
func readAllow(call *rblit.Call, env string, envGiven, v1 bool) (Allow, policy.Errors) {
	a := Allow{Line: call.Line}
	param := blockParam(call.Block)
	var errs policy.Errors
	for _, s := range call.Block.Body {
		if condMarker(s) {
			continue
		}
		if s.Call == nil || s.Call.Recv != param || s.Call.Name != "origins" && s.Call.Name != "resource" {
			errs = append(errs, unreadableAt(s.Line, s.Col, "inside allow whycors reads origins and resource calls only: "+stmtWords(s)))
			continue
		}
		if run, err := runs(s, s.Call.Name, env, envGiven); err != nil {
			errs = append(errs, err)
			continue
		} else if !run {
			continue
		}
		if s.Call.Name == "origins" {
			// A later origins call replaces the list, but not "*":
			// @public_resources, once set, stays (Resources#origins).
			a.origins = s.Call
			a.Origins = nil
			es := a.readOrigins(s.Call, v1)
			errs = append(errs, es...)
			continue
		}
		r, es := readResource(s.Call, a.Public, v1)
		errs = append(errs, es...)
		a.Resources = append(a.Resources, r)
	}
	return a, errs
}

// readOrigins is Resources#origins: each argument, flattened, "" left
// out.
func (a *Allow) readOrigins(call *rblit.Call, v1 bool) policy.Errors {
	var errs policy.Errors
	if call.Block != nil {
		return policy.Errors{unreadableAt(call.Line, call.Col, "origins with a block: your code decides each origin at run time, which whycors cannot read; list the origins")}
	}
	var vals []rblit.Value
	for _, v := range call.Args {
		vals = append(vals, v.Flat()...)
	}
	for _, v := range vals {
		switch v.Kind {
		case rblit.Str:
			switch {
			case v.S == "":
			case v.S == "*":
				a.Public = true
				a.Origins = append(a.Origins, Origin{Text: "*", Kind: "*", V: v})
			case hasScheme(v.S, v1):
				a.Origins = append(a.Origins, Origin{Text: v.S, Kind: "exact", V: v})
			default:
				host := `^[a-z][a-z0-9.+-]*://` + regexp.QuoteMeta(v.S) + `$`
				re, err := regexp.Compile(`(?m)` + host)
				if err != nil {
					errs = append(errs, v.Error("the origin cannot be read: "+err.Error()))
					continue
				}
				a.Origins = append(a.Origins, Origin{Text: v.S, Kind: "host", re: re, stated: host, V: v})
			}
		case rblit.Regex:
			re, st, err := goRegex(v.S, v.Flags)
			if err != nil {
				errs = append(errs, unreadable(v, err.Error()))
				continue
			}
			a.Origins = append(a.Origins, Origin{Text: "/" + v.S + "/" + v.Flags, Kind: "regex", re: re, stated: st, V: v})
		case rblit.Proc:
			errs = append(errs, unreadable(v, "an origin that is a proc or lambda: your code decides at run time, which whycors cannot read; list the origins"))
		case rblit.Nil:
			msg := "origins nil: rack-cors raises TypeError (Regexp.quote) when the application starts"
			if v.Env != "" {
				msg = "ENV[" + strconv.Quote(v.Env) + "] is not set, so origins gets nil and rack-cors raises TypeError when the application starts: give its value with --param " + v.Env + "=VALUE"
			}
			errs = append(errs, v.Error(msg))
		case rblit.Invalid:
			errs = append(errs, v.Error(v.S))
		default:
			errs = append(errs, unreadable(v, "an origin must be a string or a regex; "+strconv.Quote(v.S)+" is "+kindWords(v)+" whycors cannot read as one"+envHint(v)))
		}
	}
	return errs
}

// envHint points at --param for code that reads ENV without a default.
func envHint(v rblit.Value) string {
	if v.Kind == rblit.Code && strings.HasPrefix(v.S, "Rails.env.") {
		return " (a choice on Rails.env: give the environment you ask about with --param RAILS_ENV=production)"
	}
	if v.Kind == rblit.Code && strings.Contains(v.S, "ENV[") {
		return " (an ENV[\"NAME\"] the code reads: give its value with --param NAME=VALUE, or write ENV.fetch(\"NAME\", default))"
	}
	return ""
}

func kindWords(v rblit.Value) string {
	if v.Kind == rblit.Code {
		return "code"
	}
	return "a " + v.Kind.String()
}

// anyMethods are methods: :any (Resource#initialize).
var anyMethods = []string{"get", "head", "post", "put", "patch", "delete", "options"}

// readResource is Resource#initialize.
func readResource(call *rblit.Call, public, v1 bool) (Resource, policy.Errors) {
	r := Resource{Line: call.Line, call: call, Public: public, MaxAge: "7200", Methods: []string{"get"}}
	var errs policy.Errors
	if len(call.Args) == 0 {
		return r, policy.Errors{{Line: call.Line, Column: call.Col, Msg: "resource without a path"}}
	}
	opts := call.Opts
	if len(call.Args) == 2 && call.Args[1].Kind == rblit.Hash && len(opts) == 0 {
		opts, r.braced = call.Args[1].Pairs, true
	} else if len(call.Args) > 1 {
		errs = append(errs, call.Args[1].Error("resource takes a path and options"))
	}
	r.opts = opts
	p := call.Args[0]
	switch p.Kind {
	case rblit.Str:
		r.Path = p.S
		re, _, err := goRegex(compilePath(p.S, v1), "")
		if err != nil {
			errs = append(errs, unreadable(p, "the path "+strconv.Quote(p.S)+" makes a pattern whycors cannot read: "+err.Error()))
		}
		r.re = re
	case rblit.Regex:
		r.Path, r.PathRegex = "/"+p.S+"/"+p.Flags, true
		re, _, err := goRegex(p.S, p.Flags)
		if err != nil {
			errs = append(errs, unreadable(p, err.Error()))
		}
		r.re = re
	default:
		errs = append(errs, p.Error("a resource path must be a string or a regex"))
	}
	for _, o := range opts {
		v := o.Val
		if v.Kind == rblit.Invalid {
			errs = append(errs, v.Error(v.S))
			continue
		}
		if v.Kind == rblit.Code && o.Key != "if" {
			errs = append(errs, unreadable(v, o.Key+": "+strconv.Quote(v.S)+" is code whycors cannot evaluate; write the value"+envHint(v)))
			continue
		}
		switch o.Key {
		case "headers":
			switch {
			case v.Kind == rblit.Sym && v.S == "any":
				r.AnyHeaders = true
			case v.Kind == rblit.Nil:
			default:
				for _, it := range v.Flat() {
					switch it.Kind {
					case rblit.Str:
						r.Headers = append(r.Headers, strings.ToLower(it.S))
					case rblit.Sym:
						// [opts[:headers]].flatten.collect{|h| h.downcase}: a
						// symbol stays one, and include? never finds a name
						// in it.
						r.Headers = append(r.Headers, ":"+strings.ToLower(it.S))
					default:
						errs = append(errs, it.Error("headers must be :any or names"))
					}
				}
			}
		case "methods":
			switch {
			case v.Kind == rblit.Sym && v.S == "any":
				r.Methods = anyMethods
			case v.Kind == rblit.Nil:
			case v.Kind == rblit.False:
				// ensure_enum(false) is [false], not nil: the default
				// [:get] does not apply, and "false" matches no method
				// (ruby -e 'p Rack::Cors::Resource.new(false, "/x",
				// {methods: false}).methods' prints ["false"]).
				r.Methods = []string{"false"}
			default:
				r.Methods = nil
				for _, it := range v.Flat() {
					if it.Kind != rblit.Str && it.Kind != rblit.Sym {
						errs = append(errs, it.Error("methods must be :any, symbols or strings"))
						continue
					}
					r.Methods = append(r.Methods, it.S)
				}
			}
		case "expose":
			r.Expose = names(v)
		case "max_age":
			switch v.Kind {
			case rblit.Nil, rblit.False:
			case rblit.Int, rblit.Str, rblit.Float:
				r.MaxAge = v.S
			default:
				errs = append(errs, v.Error("max_age must be a number"))
			}
		case "credentials":
			r.Credentials = v.Kind == rblit.True
			if r.Credentials && public {
				errs = append(errs, &policy.Error{Line: o.Line, Column: o.Col, Msg: "credentials: true in an allow block whose origins are \"*\": rack-cors raises CorsMisconfigurationError when the application starts (allowing credentials for wildcard origins is insecure); list the origins"})
			}
		case "vary":
			r.Vary = names(v)
		case "if":
			errs = append(errs, unreadableAt(o.Line, o.Col, "if: is your code, run for each request, which whycors cannot read; check the resource without it"))
		}
	}
	if public {
		r.Credentials = false
	}
	return r, errs
}

// names is expose's or vary's list: [opts[:x]].flatten, each to_s; nil
// for nil or false (no list).
func names(v rblit.Value) []string {
	if v.Kind == rblit.Nil || v.Kind == rblit.False {
		return nil
	}
	var out []string
	for _, it := range v.Flat() {
		out = append(out, it.S)
	}
	return out
}

// compilePath is Resource#compile of a string path: "/*" is an optional
// slash and any text, "*" any text, ":name" one segment, ". + ( )" and
// "$" escaped (1.1.1 left "$" an anchor: its special_chars were
// %w{. + ( )}), the rest as written (a regex's own syntax), anchored at
// a line's start and end.
func compilePath(path string, v1 bool) string {
	var b strings.Builder
	for i := 0; i < len(path); {
		if path[i] == ':' {
			j := i + 1
			for j < len(path) && isWord(path[j]) {
				j++
			}
			if j > i+1 {
				b.WriteString(`([^/?&#]+)`)
				i = j
				continue
			}
		}
		if strings.HasPrefix(path[i:], "/*") {
			b.WriteString(`\/?(.*?)`)
			i += 2
			continue
		}
		switch c := path[i]; c {
		case '*':
			b.WriteString(`(.*?)`)
		case '.', '+', '(', ')':
			b.WriteByte('\\')
			b.WriteByte(c)
		case '$':
			if !v1 {
				b.WriteByte('\\')
			}
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
		i++
	}
	return "^" + b.String() + "$"
}

func isWord(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// goRegex compiles a Ruby regex for Go: ^ and $ are a line's in Ruby,
// the options i and m are Go's (?i) and (?s), \h is a hex digit and \Z
// the end or a final line break; what RE2 lacks (look-around, back
// references, atomic groups, the x option) is refused.
// It also returns the regex as an Origin header is matched by it
// (stated, for the portable form: an Origin has no line break).
func goRegex(src, flags string) (*regexp.Regexp, string, error) {
	goFlags := ""
	for _, f := range flags {
		switch f {
		case 'i':
			goFlags += "i"
		case 'm':
			goFlags += "s"
		case 'x':
			return nil, "", &regexError{"the regex has the x option (free spacing), which whycors does not read: write it without"}
		}
	}
	var b strings.Builder
	class := false // inside [...]
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case c == '[' && !class:
			class = true
		case c == ']' && class:
			class = false
		}
		if c == '(' && i+2 < len(src) && src[i+1] == '?' && strings.IndexByte("=!>", src[i+2]) >= 0 ||
			c == '(' && i+3 < len(src) && src[i+1] == '?' && src[i+2] == '<' && (src[i+3] == '=' || src[i+3] == '!') {
			return nil, "", &regexError{"the regex uses a look-around or an atomic group, which Go's regular expressions (RE2) lack: whycors cannot model it"}
		}
		if c != '\\' || i+1 >= len(src) {
			b.WriteByte(c)
			continue
		}
		i++
		switch e := src[i]; {
		case e == 'h' && class:
			b.WriteString(`0-9a-fA-F`)
		case e == 'h':
			b.WriteString(`[0-9a-fA-F]`)
		case e == 'H' && class:
			return nil, "", &regexError{"the regex has \\H inside a character class, which whycors does not read: write the class out"}
		case e == 'H':
			b.WriteString(`[^0-9a-fA-F]`)
		case e == 'Z':
			b.WriteString(`(?:\n?\z)`)
		case e >= '1' && e <= '9' || e == 'k' || e == 'G' || e == 'R' || e == 'X' || e == 'K':
			return nil, "", &regexError{"the regex uses \\" + string(e) + ", which Go's regular expressions (RE2) lack: whycors cannot model it"}
		default:
			b.WriteByte('\\')
			b.WriteByte(e)
		}
	}
	re, err := regexp.Compile("(?m" + goFlags + ")" + b.String())
	if err != nil {
		return nil, "", &regexError{"the regex cannot be read: " + err.Error()}
	}
	return re, stated(goFlags, b.String()), nil
}

// stated is a Go regex (its options and body) as it matches an Origin,
// which has no line break: Ruby's line anchors and \A and \z are ^ and $
// (the anchors lint reads), the options after the ^.
func stated(goFlags, body string) string {
	head := ""
	if b, ok := strings.CutPrefix(body, `\A`); ok {
		body, head = b, "^"
	} else if b, ok := strings.CutPrefix(body, "^"); ok {
		body, head = b, "^"
	}
	for _, z := range []string{`(?:\n?\z)`, `\z`} {
		if b, ok := strings.CutSuffix(body, z); ok && !strings.HasSuffix(b, `\`) {
			body = b + "$"
			break
		}
	}
	if goFlags != "" {
		head += "(?" + goFlags + ")"
	}
	return head + body
}

type regexError struct{ msg string }

// unreadable is a fault of whycors' reading, not rack-cors' refusal: code
// it does not run, syntax Go's regexp lacks (lint then does not say
// "rack-cors refuses this").
func unreadable(v rblit.Value, msg string) *policy.Error {
	e := v.Error(msg)
	e.Unreadable = true
	return e
}

// unreadableAt is unreadable at a line and column.
func unreadableAt(line, col int, msg string) *policy.Error {
	return &policy.Error{Line: line, Column: col, Msg: msg, Unreadable: true}
}

func (e *regexError) Error() string { return e.msg }
