package djangocors

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/pylit"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// Respond answers as CorsMiddleware's process_request and
// process_response do around the application's reply.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	r := policy.Rule{Index: 0, Path: "settings", ID: "CorsMiddleware", Source: source}
	out := func(reply policy.Reply, d policy.Note) policy.Outcome {
		d.List = c.Notes
		return policy.Outcome{Reply: reply, Rules: []policy.Rule{r}, Decision: d, Words: words{}}
	}
	pass := policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}
	if !c.Installed {
		r.Failed, r.Note = "installed", policy.Note{Case: caseNotInstalled}
		return out(pass, policy.Note{Case: caseApplication, N: app.Status})
	}
	path := pylit.PathInfo(req.URL)
	if !c.urls.Match(path) {
		r.Failed, r.Note = "path", policy.Note{Case: caseNotURL, Args: [4]string{path, c.URLsRegex}}
		return out(pass, policy.Note{Case: caseApplication, N: app.Status})
	}
	method := strings.ToUpper(req.Method) // HttpRequest.method
	reply, decision := pass, policy.Note{Case: caseApplication, N: app.Status}
	if _, acrm := req.Header.Get("Access-Control-Request-Method"); method == "OPTIONS" && acrm {
		reply = policy.Reply{Status: 200, Header: headers.List{{Name: "Content-Type", Value: "text/html; charset=utf-8"}, {Name: "Content-Length", Value: "0"}}}
		decision = policy.Note{Case: casePreflight}
	}
	h := reply.Header
	vary := "origin" // 4.x: patch_vary_headers(response, ("origin",))
	if c.v3() {
		vary = "Origin"
	}
	patchVary(&h, vary)
	reply.Header = h
	origin, _ := req.Header.Get("Origin")
	if origin == "" {
		r.Failed, r.Note = "origin", policy.Note{Case: caseNoOrigin}
		return out(reply, decision)
	}
	scheme, netloc, ok := urlsplit(origin)
	if !ok {
		r.Failed, r.Note = "origin", policy.Note{Case: caseNotAllowed, Args: [4]string{origin}}
		return out(reply, decision)
	}
	if c.Credentials && c.v3() {
		// 3.14.0 sends it before it checks the origin.
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	ok, why := c.allowed(origin, scheme, netloc)
	switch {
	case c.AllowAll:
		r.Matched, r.Note = true, policy.Note{Case: caseAll}
	case ok:
		r.Matched, r.Note = true, why
	default:
		r.Failed, r.Note = "origin", why
		reply.Header = h
		return out(reply, decision)
	}
	if c.AllowAll && !c.Credentials {
		h.Set("Access-Control-Allow-Origin", "*")
	} else {
		h.Set("Access-Control-Allow-Origin", origin)
	}
	if c.Credentials && !c.v3() {
		h.Set("Access-Control-Allow-Credentials", "true")
	}
	if c.ExposeHeaders.Len() > 0 {
		h.Set("Access-Control-Expose-Headers", c.ExposeHeaders.Join(", "))
	}
	if method == "OPTIONS" {
		h.Set("Access-Control-Allow-Headers", c.AllowHeaders.Join(", "))
		h.Set("Access-Control-Allow-Methods", c.AllowMethods.Join(", "))
		if c.MaxAge != "" {
			h.Set("Access-Control-Max-Age", c.MaxAge)
		}
	}
	if pna, _ := req.Header.Get("Access-Control-Request-Private-Network"); c.PrivateNetwork && pna == "true" {
		h.Set("Access-Control-Allow-Private-Network", "true")
	}
	reply.Header = h
	return out(reply, decision)
}

// Throw answers req as Django does when the view raises: the handler
// turns the exception into its 500 page (django.views.defaults.server_error)
// inside the middleware, so CorsMiddleware adds its headers to it.
func (c *Config) Throw(req policy.Request) policy.Outcome {
	return c.Respond(req, policy.Reply{Status: 500, Header: headers.List{{Name: "Content-Type", Value: "text/html"}}, Body: "<h1>Server Error (500)</h1>"})
}

// patchVary is django.utils.cache.patch_vary_headers(response, (name,)).
func patchVary(h *headers.List, name string) {
	cur, ok := h.Get("Vary")
	var fields []string
	if ok {
		for _, f := range strings.Split(cur, ",") {
			if f = strings.TrimSpace(f); f != "" {
				fields = append(fields, f)
			}
		}
	}
	has := false
	for _, f := range fields {
		if strings.EqualFold(f, "Origin") {
			has = true
		}
	}
	if !has {
		fields = append(fields, name)
	}
	for _, f := range fields {
		if f == "*" {
			h.Set("Vary", "*")
			return
		}
	}
	h.Set("Vary", strings.Join(fields, ", "))
}

// The cases of the notes (words).
const (
	caseNotInstalled = "MIDDLEWARE does not list corsheaders.middleware.CorsMiddleware: no CORS header"
	caseNotURL       = "not-url"
	caseNoOrigin     = "no Origin header: only Vary: Origin is added"
	caseAll          = "CORS_ALLOW_ALL_ORIGINS allows every origin"
	caseListed       = "listed"
	caseRegex        = "regex"
	caseNotAllowed   = "not-allowed"
	casePreflight    = "preflight"
	caseApplication  = "application"
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseNotURL:
		return "path " + strconv.Quote(n.Args[0]) + " does not match CORS_URLS_REGEX " + strconv.Quote(n.Args[1]) + " (re.match): the middleware does nothing"
	case caseListed:
		return strconv.Quote(n.Args[0]) + " has the scheme and host of CORS_ALLOWED_ORIGINS entry " + strconv.Quote(n.Args[1]) + ": echoed"
	case caseRegex:
		return strconv.Quote(n.Args[0]) + " matches CORS_ALLOWED_ORIGIN_REGEXES entry " + strconv.Quote(n.Args[1]) + " from its start (re.match): echoed"
	case caseNotAllowed:
		return strconv.Quote(n.Args[0]) + " is in neither CORS_ALLOWED_ORIGINS (scheme and host compared) nor CORS_ALLOWED_ORIGIN_REGEXES: no Access-Control-Allow-Origin"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		s = "OPTIONS with Access-Control-Request-Method answered 200 by CorsMiddleware, whatever the method and headers asked (the browser compares them with Access-Control-Allow-Methods and -Headers)"
	case caseApplication:
		s = "the view answered " + strconv.Itoa(n.N) + "; CorsMiddleware added its headers on the way out"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
