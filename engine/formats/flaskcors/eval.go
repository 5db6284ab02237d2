package flaskcors

import (
	"sort"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Respond answers as a Flask app with flask-cors: the decorated route
// when the request reaches it, else CORS(app)'s after_request hook. An
// OPTIONS request gets Flask's automatic answer (200, empty) whatever app
// says: Flask answers it for every route that does not list OPTIONS.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	return c.respond(req, app, false)
}

// Throw answers req as Flask does when the view raises: a decorated
// view's wrapper never sets its headers (unless it answers OPTIONS
// itself), and the 500 that Flask makes goes through CORS(app)'s hook
// (intercept_exceptions, and after_request when finalizing).
func (c *Config) Throw(req policy.Request) policy.Outcome {
	return c.respond(req, policy.Reply{Status: 500, Header: headers.List{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}}, true)
}

func (c *Config) respond(req policy.Request, app policy.Reply, thrown bool) policy.Outcome {
	method := strings.ToUpper(req.Method) // werkzeug Request.method
	path := pylit.PathInfo(req.URL)
	reply := policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}
	if method == "OPTIONS" {
		// Flask answers OPTIONS itself for a route that does not list it
		// (provide_automatic_options): 200, empty, with Allow; the view
		// never runs. The routes are the application's and not read, so
		// the route is taken to exist.
		reply = policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/html; charset=utf-8"}}}
		thrown = false
	}
	var rules []policy.Rule
	for i := range c.Routes {
		rt := &c.Routes[i]
		if rt.Path != path || !rt.serves(method) || thrown {
			continue
		}
		r := policy.Rule{Index: len(c.Resources) + i, Path: "line " + strconv.Itoa(rt.Line), ID: "@cross_origin", Source: source}
		if method == "OPTIONS" {
			reply.Header.Add("Allow", strings.Join(rt.allow(), ", "))
		}
		r.Matched, r.Failed, r.Note = rt.Options.apply(req, method, &reply.Header)
		rules = append(rules, r)
		return policy.Outcome{Reply: reply, Rules: rules, Decision: policy.Note{Case: caseDecorated, N: rt.Line, List: c.Notes}, Words: words{}}
	}
	// The status of the reply the hook sees: Flask's own 200 to an
	// OPTIONS request, not the view's (tried as a new user would, the
	// step said "the app answered 404" above the 200 it shows).
	decision := policy.Note{Case: caseApplication, N: reply.Status, List: c.Notes}
	if !c.Extension {
		return policy.Outcome{Reply: reply, Decision: decision, Words: words{}}
	}
	if v, _ := reply.Header.Get("Access-Control-Allow-Origin"); v != "" {
		decision.Case = caseAlreadySet
		return policy.Outcome{Reply: reply, Decision: decision, Words: words{}}
	}
	for i := range c.Resources {
		res := &c.Resources[i]
		r := policy.Rule{Index: i, Path: "line " + strconv.Itoa(c.Line), ID: "resource " + strconv.Quote(res.Path.Text), Source: source}
		if !res.Path.match(path, true) {
			r.Failed, r.Note = "path", policy.Note{Case: caseNoPath, Args: [4]string{path, res.Path.Text}}
			rules = append(rules, r)
			continue
		}
		r.Matched, r.Failed, r.Note = res.Options.apply(req, method, &reply.Header)
		rules = append(rules, r)
		break
	}
	return policy.Outcome{Reply: reply, Rules: rules, Decision: decision, Words: words{}}
}

// serves reports whether the route answers method (Flask adds HEAD to
// GET, and OPTIONS).
func (rt *Route) serves(method string) bool {
	for _, m := range rt.allow() {
		if m == method {
			return true
		}
	}
	return false
}

func (rt *Route) allow() []string {
	set := map[string]bool{"OPTIONS": true}
	for _, m := range rt.Methods {
		set[m] = true
		if m == "GET" {
			set["HEAD"] = true
		}
	}
	var out []string
	for m := range set {
		out = append(out, m)
	}
	sort.Strings(out)
	return out
}

// origins is get_cors_origins.
func (o *Options) origins(origin string) ([]string, policy.Note) {
	wildcard := false
	for _, p := range o.Origins {
		if p.Text == ".*" && !p.Compiled {
			wildcard = true
		}
	}
	if origin != "" {
		if wildcard && o.SendWildcard {
			return []string{"*"}, policy.Note{Case: caseWildcard}
		}
		for _, p := range o.Origins {
			if p.match(origin, false) {
				return []string{origin}, policy.Note{Case: caseMatched, Args: [4]string{origin, p.Text}}
			}
		}
		return nil, policy.Note{Case: caseNotAllowed, Args: [4]string{origin}}
	}
	if !o.AlwaysSend {
		return nil, policy.Note{Case: caseNoOrigin}
	}
	if wildcard {
		if o.Credentials {
			return nil, policy.Note{Case: caseNoOrigin}
		}
		return []string{"*"}, policy.Note{Case: caseAlwaysSend}
	}
	var lits []string
	for _, p := range o.Origins {
		if !p.Regex {
			lits = append(lits, p.Text)
		}
	}
	sort.Strings(lits)
	return lits, policy.Note{Case: caseAlwaysSend}
}

// apply is set_cors_headers: get_cors_headers added to the reply.
func (o *Options) apply(req policy.Request, method string, h *headers.List) (bool, string, policy.Note) {
	origin, _ := req.Header.Get("Origin")
	set, note := o.origins(origin)
	if len(set) == 0 {
		return false, "origin", note
	}
	type kv struct{ k, v string }
	out := []kv{{"Access-Control-Allow-Origin", set[0]}, {"Access-Control-Expose-Headers", o.ExposeHeaders}}
	if o.Credentials {
		out = append(out, kv{"Access-Control-Allow-Credentials", "true"})
	}
	failed := ""
	if method == "OPTIONS" {
		acrm, _ := req.Header.Get("Access-Control-Request-Method")
		acrm = strings.ToUpper(acrm)
		if acrm != "" && strings.Contains(o.Methods, acrm) {
			acrh, _ := req.Header.Get("Access-Control-Request-Headers")
			out = append(out, kv{"Access-Control-Allow-Headers", o.allowHeaders(acrh)}, kv{"Access-Control-Max-Age", o.MaxAge}, kv{"Access-Control-Allow-Methods", o.Methods})
		} else {
			failed = "method"
			note = policy.Note{Case: caseMethod, Args: [4]string{acrm, o.Methods}}
		}
	}
	if o.VaryHeader && set[0] != "*" {
		regex := false
		for _, p := range o.Origins {
			regex = regex || p.Regex
		}
		if len(o.Origins) > 1 || len(set) > 1 || regex {
			out = append(out, kv{"Vary", "Origin"})
		}
	}
	for _, f := range out {
		if f.v != "" {
			h.Add(f.k, f.v)
		}
	}
	return failed == "", failed, note
}

// allowHeaders is get_allow_headers.
func (o *Options) allowHeaders(acrh string) string {
	if acrh == "" {
		return ""
	}
	var keep []string
	for _, x := range strings.Split(acrh, ",") {
		x = strings.TrimSpace(x)
		for _, p := range o.AllowHeaders {
			if p.match(x, false) {
				keep = append(keep, x)
				break
			}
		}
	}
	sort.Strings(keep)
	return strings.Join(keep, ", ")
}

// The cases of the notes (words).
const (
	caseDecorated   = "decorated"
	caseApplication = "application"
	caseAlreadySet  = "the view set Access-Control-Allow-Origin itself: flask-cors adds nothing"
	caseNoPath      = "no-path"
	caseWildcard    = "origins is '*' and send_wildcard is on: Access-Control-Allow-Origin: *"
	caseMatched     = "matched"
	caseNotAllowed  = "not-allowed"
	caseNoOrigin    = "no Origin header and nothing to send: no CORS header"
	caseAlwaysSend  = "no Origin header: always_send sends the header anyway"
	caseMethod      = "method"
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseNoPath:
		return "path " + strconv.Quote(n.Args[0]) + " does not match the resource " + strconv.Quote(n.Args[1]) + " (re.match from the start)"
	case caseMatched:
		return strconv.Quote(n.Args[0]) + " matches the origins entry " + strconv.Quote(n.Args[1]) + " (ignoring case; a regex from the start only): echoed"
	case caseNotAllowed:
		return strconv.Quote(n.Args[0]) + " matches no origins entry: flask-cors adds no CORS header at all"
	case caseMethod:
		return "Access-Control-Request-Method " + strconv.Quote(n.Args[0]) + " is not in methods " + strconv.Quote(n.Args[1]) + ": no Access-Control-Allow-Methods or -Headers"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case caseDecorated:
		s = "the @cross_origin route at line " + strconv.Itoa(n.N) + " answered"
	case caseApplication:
		s = "the app answered " + strconv.Itoa(n.N) + "; flask-cors' after_request hook added its headers"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
