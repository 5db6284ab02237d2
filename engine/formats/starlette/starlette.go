// Package starlette reads Starlette's and FastAPI's CORSMiddleware
// (starlette 0.26.1, as FastAPI 0.92.0 ships it) from the Python source
// that adds it, and answers requests the way that middleware does
// (format name "starlette").
//
// Accepted text: a Python module with app.add_middleware(CORSMiddleware,
// allow_origins=[...], ...) or Middleware(CORSMiddleware, ...) in a
// middleware=[...] list. Option values are Python literals or names bound
// to literals earlier in the module (engine/formats/internal/pylit); an
// expression computed at run time (os.environ[...], a call) is reported
// at its position.
//
// Semantics (starlette/middleware/cors.py at 0.26.1):
//   - defaults: allow_origins (), allow_methods ("GET",), allow_headers
//     (), allow_credentials False, allow_origin_regex None,
//     expose_headers (), max_age 600;
//   - a request without Origin passes to the app untouched;
//   - OPTIONS (exact case) with Access-Control-Request-Method is a
//     preflight answered by the middleware itself: 200 "OK", or 400
//     "Disallowed CORS origin, method, headers" (the failures found) with
//     the same headers; Access-Control-Allow-Headers lists the four
//     safelisted names and allow_headers, sorted, whatever was requested;
//     "*" reflects the request's Access-Control-Request-Headers;
//   - allow_origin_regex must match the whole origin (re.fullmatch);
//   - other requests go to the app; its answer gets
//     Access-Control-Allow-Origin "*" (allow_origins ["*"]; the request's
//     origin with Vary: Origin when it sends a Cookie) or the request's
//     origin with Vary: Origin when allowed, and
//     Access-Control-Allow-Credentials and -Expose-Headers whether the
//     origin is allowed or not;
//   - an exception in the app reaches ServerErrorMiddleware, outside
//     CORSMiddleware: the 500 "Internal Server Error" has no CORS header.
//     The evaluator takes an application reply of status 500 as that
//     exception.
package starlette

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/policy"
)

const source = "starlette/middleware/cors.py (starlette 0.26.1, FastAPI 0.92.0)"

// Versions are the library versions this package models.
const (
	StarletteVersion = "0.26.1"
	FastAPIVersion   = "0.92.0"
)

// Formats are this package's formats, for a policy.Registry.
func Formats() []policy.Format { return []policy.Format{&Format{}} }

// Format is the "starlette" policy format.
type Format struct{}

// Name returns "starlette".
func (*Format) Name() string { return "starlette" }

// Title implements policy.Titled.
func (*Format) Title() string { return "Starlette or FastAPI: CORSMiddleware" }

// Detect claims Python that adds Starlette's CORSMiddleware.
func (*Format) Detect(text string) (bool, string) {
	if len(text) > 64<<10 {
		text = text[:64<<10]
	}
	if !strings.Contains(text, "CORSMiddleware") {
		return false, ""
	}
	if strings.Contains(text, "add_middleware(") || strings.Contains(text, "Middleware(CORSMiddleware") || strings.Contains(text, "starlette") || strings.Contains(text, "fastapi") {
		return true, "Python that adds Starlette/FastAPI CORSMiddleware"
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

// Span is where an option's value is: line and column, and its bytes.
type Span struct {
	Line   int `json:"line"`
	Column int `json:"column"`
	Off    int `json:"-"`
	End    int `json:"-"`
}

// Middleware is one CORSMiddleware, its options as the constructor reads
// them.
type Middleware struct {
	AllowOrigins pylit.Strs `json:"allow_origins"`
	Regex        string     `json:"allow_origin_regex,omitempty"`
	HasRegex     bool       `json:"-"`
	AllowMethods pylit.Strs `json:"allow_methods"`
	// AllowHeaders are allow_headers as written.
	AllowHeaders  pylit.Strs `json:"allow_headers"`
	Credentials   bool       `json:"allow_credentials,omitempty"`
	ExposeHeaders pylit.Strs `json:"expose_headers"`
	MaxAge        string     `json:"max_age"`
	// At maps each keyword written to its value's position.
	At map[string]Span `json:"-"`
	// Line and Column are the call's; Call its bytes (callee to ")").
	Line   int `json:"line"`
	Column int `json:"column"`
	Call   Span
	// Added is an add_middleware call (rather than a Middleware(...) in a
	// list).
	Added bool `json:"added,omitempty"`

	re   *pylit.Regexp
	call pylit.Call
	vals map[string]pylit.Value
	// derived, as __init__ computes them
	allOrigins, allHeaders, explicit bool
	methods                          pylit.Strs
	lowHeaders                       []string
	acah                             string
}

// Config is every CORSMiddleware of the app, outermost first.
type Config struct {
	Middlewares []Middleware `json:"middlewares"`
	Notes       []string     `json:"notes,omitempty"`
}

var known = map[string]bool{"allow_origins": true, "allow_methods": true, "allow_headers": true, "allow_credentials": true, "allow_origin_regex": true, "expose_headers": true, "max_age": true}

// safelisted is SAFELISTED_HEADERS of cors.py.
var safelisted = []string{"Accept", "Accept-Language", "Content-Language", "Content-Type"}

// allMethods is ALL_METHODS of cors.py, what "*" in allow_methods becomes.
var allMethods = []string{"DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"}

// Parse reads the CORSMiddleware options of a Python module.
func Parse(text string) (*Config, error) { return ParseEnviron(text, nil) }

// ParseEnviron is Parse with the values of the environment variables the
// module reads (the command line's --param NAME=VALUE; pylit.ReadEnviron).
func ParseEnviron(text string, environ map[string]string) (*Config, error) {
	m, err := pylit.ReadEnviron(text, nil, environ)
	if err != nil {
		return nil, err
	}
	var added, listed []Middleware
	var errs policy.Errors
	c := &Config{}
	for i := range m.Calls {
		call := &m.Calls[i]
		name := call.Func[strings.LastIndexByte(call.Func, '.')+1:]
		if name != "add_middleware" && name != "Middleware" {
			continue
		}
		first, ok := call.Positional(0)
		if !ok || first.Value.Kind != pylit.Name || !strings.HasSuffix(first.Value.S, "CORSMiddleware") {
			continue
		}
		mw, es := read(call, c)
		errs = append(errs, es...)
		mw.Added = name == "add_middleware"
		if mw.Added {
			added = append(added, mw)
		} else {
			listed = append(listed, mw)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	if len(added)+len(listed) == 0 {
		return nil, policy.Errors{{Line: 1, Column: 1, Msg: "no CORSMiddleware found: paste the code with app.add_middleware(CORSMiddleware, ...) or Middleware(CORSMiddleware, ...)"}}
	}
	// add_middleware inserts at the front of user_middleware: the last
	// added is the outermost, and each wraps the middleware=[...] list.
	for i := len(added) - 1; i >= 0; i-- {
		c.Middlewares = append(c.Middlewares, added[i])
	}
	c.Middlewares = append(c.Middlewares, listed...)
	return c, nil
}

// read resolves one CORSMiddleware(...) against cors.py's defaults and
// computes what __init__ derives from them.
func read(call *pylit.Call, c *Config) (Middleware, policy.Errors) {
	mw := Middleware{
		AllowMethods: pylit.Strs{Items: []string{"GET"}},
		MaxAge:       "600",
		At:           map[string]Span{},
		Line:         call.Line, Column: call.Col,
		Call: Span{Line: call.Line, Column: call.Col, Off: call.Off, End: call.Close + 1},
		call: *call, vals: map[string]pylit.Value{},
	}
	var errs policy.Errors
	for _, a := range call.Args {
		if a.Star != 0 {
			errs = append(errs, &policy.Error{Line: a.Line, Column: a.Col, Msg: "options unpacked with * or ** are not supported: write each keyword"})
			continue
		}
		if a.Name == "" {
			continue
		}
		if !known[a.Name] {
			c.Notes = append(c.Notes, "line "+strconv.Itoa(a.Line)+": CORSMiddleware has no option "+a.Name+" (Python raises TypeError when the app starts)")
			errs = append(errs, &policy.Error{Line: a.Line, Column: a.Col, Path: a.Name, Msg: "CORSMiddleware.__init__() got an unexpected keyword argument " + strconv.Quote(a.Name) + suggest(a.Name)})
			continue
		}
		v := a.Value
		c.Notes = append(c.Notes, v.EnvNotes(a.Name)...)
		mw.At[a.Name] = Span{Line: v.Line, Column: v.Col, Off: v.Off, End: v.End}
		mw.vals[a.Name] = v
		seq := func(dst *pylit.Strs, orderMatters bool) {
			s, e := pylit.AsStrs(v, a.Name)
			if e != nil {
				errs = append(errs, e)
				return
			}
			if s.Set && orderMatters && len(s.Items) > 1 {
				errs = append(errs, v.Error(a.Name, "a set of more than one item: Python joins it in an order that changes at each start (str hashes are randomised); write a list"))
				return
			}
			*dst = s
		}
		switch a.Name {
		case "allow_origins":
			seq(&mw.AllowOrigins, false)
		case "allow_methods":
			seq(&mw.AllowMethods, true)
		case "allow_headers":
			seq(&mw.AllowHeaders, false)
		case "expose_headers":
			seq(&mw.ExposeHeaders, true)
		case "allow_credentials":
			if v.Kind == pylit.Invalid {
				errs = append(errs, v.Error(a.Name, v.S))
			}
			mw.Credentials = v.Truthy()
		case "allow_origin_regex":
			if v.Kind == pylit.None {
				continue
			}
			re, e := pylit.Compile(v, a.Name, true, false)
			if e != nil {
				errs = append(errs, e)
				continue
			}
			mw.re, mw.Regex, mw.HasRegex = re, v.S, true
		case "max_age":
			switch v.Kind {
			case pylit.Int, pylit.Str, pylit.Float, pylit.Bool, pylit.None:
				mw.MaxAge = v.Repr()
			default:
				errs = append(errs, v.Error(a.Name, "max_age must be a number, not a "+v.Kind.String()))
			}
		}
	}
	mw.derive()
	return mw, errs
}

// derive computes what CORSMiddleware.__init__ does with the options.
func (mw *Middleware) derive() {
	mw.methods = mw.AllowMethods
	if mw.AllowMethods.Contains("*") {
		mw.methods = pylit.Strs{Items: allMethods}
	}
	mw.allOrigins = mw.AllowOrigins.Contains("*")
	mw.allHeaders = mw.AllowHeaders.Contains("*")
	mw.explicit = !mw.allOrigins || mw.Credentials
	// sorted(SAFELISTED_HEADERS | set(allow_headers))
	set := map[string]bool{}
	var all []string
	for _, h := range append(append([]string(nil), safelisted...), mw.AllowHeaders.Elems()...) {
		if !set[h] {
			set[h] = true
			all = append(all, h)
		}
	}
	for i := 1; i < len(all); i++ {
		for j := i; j > 0 && all[j] < all[j-1]; j-- {
			all[j], all[j-1] = all[j-1], all[j]
		}
	}
	mw.lowHeaders = nil
	for _, h := range all {
		mw.lowHeaders = append(mw.lowHeaders, strings.ToLower(h))
	}
	if !mw.allHeaders {
		mw.acah = strings.Join(all, ", ")
	}
}

func (mw *Middleware) allowed(origin string) bool {
	if mw.allOrigins {
		return true
	}
	if mw.re != nil && mw.re.Match(origin) {
		return true
	}
	return mw.AllowOrigins.Contains(origin)
}

func suggest(key string) string {
	switch strings.ToLower(strings.ReplaceAll(key, "_", "")) {
	case "alloworigin", "origins", "alloworiginsregex", "alloworiginregexes":
		return " (did you mean allow_origins or allow_origin_regex?)"
	case "allowmethod", "methods":
		return " (did you mean allow_methods?)"
	case "allowheader", "headers":
		return " (did you mean allow_headers?)"
	case "exposeheader", "exposedheaders":
		return " (did you mean expose_headers?)"
	case "credentials", "allowcredential", "supportscredentials":
		return " (did you mean allow_credentials?)"
	}
	return ""
}
