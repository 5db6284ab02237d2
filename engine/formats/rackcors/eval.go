package rackcors

import (
	"slices"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/requrl"
	"github.com/whycors/whycors/engine/headers"
	"github.com/whycors/whycors/engine/policy"
)

// simpleHeaders are the names every resource allows
// (Rack::Cors::CORS_SIMPLE_HEADERS).
var simpleHeaders = []string{"accept", "accept-language", "content-language", "content-type"}

// Respond answers req as Rack::Cors#call in front of an application
// that answers app.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	// Rack joins a header's lines with ", " (a server's env).
	get := func(name string) (string, bool) {
		var vs []string
		for _, f := range req.Header {
			if strings.EqualFold(f.Name, name) {
				vs = append(vs, f.Value)
			}
		}
		return strings.Join(vs, ", "), len(vs) > 0
	}
	origin, hasOrigin := get("Origin")
	if x, ok := get("X-Origin"); ok && !hasOrigin {
		// env[HTTP_ORIGIN] ||= env[HTTP_X_ORIGIN]
		origin, hasOrigin = x, true
	}
	path, valid := evaluatePath(req.URL)
	out := policy.Outcome{Words: words{}}
	var add headers.List
	if hasOrigin {
		acrm, preflight := get("Access-Control-Request-Method")
		if req.Method == "OPTIONS" && preflight {
			if !valid {
				out.Reply = policy.Reply{Status: 400}
				out.Decision = policy.Note{Case: caseBadPath, Args: [4]string{path}, List: c.Notes}
				return out
			}
			out.Reply = policy.Reply{Status: 200}
			res, rules := c.match(path, origin)
			out.Rules = rules
			out.Decision = policy.Note{Case: casePreflight, List: c.Notes}
			if res == nil {
				return out
			}
			r := &out.Rules[len(out.Rules)-1]
			acrh, hasACRH := get("Access-Control-Request-Headers")
			switch {
			case !slices.Contains(res.Methods, strings.ToLower(acrm)):
				r.Matched, r.Failed = false, "method"
				r.Note = policy.Note{Case: caseMethod, Args: [4]string{acrm, strings.Join(res.Methods, ", ")}}
				return out
			case hasACRH && !res.allowHeaders(acrh):
				r.Matched, r.Failed = false, "headers"
				r.Note = policy.Note{Case: caseHeaders, Args: [4]string{acrh, res.headerWords()}}
				return out
			}
			out.Reply.Header = res.headers(origin)
			if hasACRH {
				out.Reply.Header.Add("Access-Control-Allow-Headers", acrh)
			}
			return out
		}
		if res, rules := c.match(path, origin); res != nil {
			add = res.headers(origin)
			out.Rules = rules
		} else {
			out.Rules = rules
		}
	}
	// The application, then the CORS headers under its own.
	out.Reply = policy.Reply{Status: app.Status, Header: app.Header.Clone(), Body: app.Body}
	out.Decision = policy.Note{Case: caseApplication, N: app.Status, List: c.Notes}
	switch {
	case !hasOrigin:
		out.Decision.Case = caseNoOrigin
	case len(add) == 0:
		out.Decision.Case = caseNoHeaders
	}
	for _, f := range add {
		if _, has := out.Reply.Header.Get(f.Name); !has {
			out.Reply.Header = append(out.Reply.Header, f)
		}
	}
	if res := c.resourceForPath(path); res != nil {
		vary := res.Vary
		if len(vary) == 0 {
			vary = []string{"Origin"}
		}
		// Rack::Cors#call reads the application's Vary under one name as
		// written: "Vary" in 1.1.1 (its VARY), "vary" from 2.0.0. On Rack
		// 2, 2.0.0 on makes a reply that got CORS headers a
		// Rack::Utils::HeaderHash (Resource#header_proc), whose lookups
		// ignore case. A Vary under another spelling stays a line of its
		// own beside the one rack-cors writes.
		name, fold := "Vary", false
		if !c.v1() {
			name, fold = "vary", len(add) > 0
		}
		var all []string
		kept := out.Reply.Header[:0]
		for _, f := range out.Reply.Header {
			if f.Name == name || fold && strings.EqualFold(f.Name, name) {
				all = append(all, splitComma(f.Value)...)
				continue
			}
			kept = append(kept, f)
		}
		all = append(all, vary...)
		out.Reply.Header = append(kept, headers.Field{Name: name, Value: strings.Join(uniq(all), ", ")})
	}
	return out
}

// match is Rack::Cors#match_resource: the first allow block that admits
// the origin and has a resource covering the path, and that resource;
// rules says what each block and resource did.
func (c *Config) match(path, origin string) (*Resource, []policy.Rule) {
	var rules []policy.Rule
	n := 0
	for i := range c.Allows {
		a := &c.Allows[i]
		if !a.allowOrigin(origin) {
			rules = append(rules, policy.Rule{Index: n, Path: "line " + strconv.Itoa(a.Line), ID: "allow", Failed: "origin", Source: source,
				Note: policy.Note{Case: caseOrigin, Args: [4]string{origin, a.originWords()}}})
			n += len(a.Resources)
			continue
		}
		for j := range a.Resources {
			r := &a.Resources[j]
			if r.re == nil || !r.re.MatchString(path) {
				rules = append(rules, policy.Rule{Index: n + j, Path: "line " + strconv.Itoa(r.Line), ID: "resource " + strconv.Quote(r.Path), Failed: "path", Source: source,
					Note: policy.Note{Case: casePath, Args: [4]string{path, r.Path}}})
				continue
			}
			rules = append(rules, policy.Rule{Index: n + j, Path: "line " + strconv.Itoa(r.Line), ID: "resource " + strconv.Quote(r.Path), Matched: true, Source: source,
				Note: policy.Note{Case: caseMatched, Args: [4]string{origin, a.originWords(), r.Path}}})
			return r, rules
		}
		n += len(a.Resources)
	}
	return nil, rules
}

// resourceForPath is Rack::Cors#resource_for_path: the first resource of
// any block covering the path, whatever the origin.
func (c *Config) resourceForPath(path string) *Resource {
	for i := range c.Allows {
		for j := range c.Allows[i].Resources {
			if r := &c.Allows[i].Resources[j]; r.re != nil && r.re.MatchString(path) {
				return r
			}
		}
	}
	return nil
}

// allowOrigin is Resources#allow_origin?.
func (a *Allow) allowOrigin(origin string) bool {
	if a.Public {
		return true
	}
	for _, o := range a.Origins {
		switch o.Kind {
		case "exact":
			if o.Text == origin {
				return true
			}
		case "host", "regex":
			if o.re.MatchString(origin) {
				return true
			}
		}
	}
	return false
}

func (a *Allow) originWords() string {
	var ws []string
	for _, o := range a.Origins {
		ws = append(ws, o.Text)
	}
	if len(ws) == 0 {
		return "(none)"
	}
	return strings.Join(ws, ", ")
}

// headers is Resource#to_headers.
func (r *Resource) headers(origin string) headers.List {
	acao := origin
	if r.Public {
		acao = "*"
	}
	methods := make([]string, len(r.Methods))
	for i, m := range r.Methods {
		methods[i] = strings.ToUpper(m)
	}
	h := headers.List{
		{Name: "Access-Control-Allow-Origin", Value: acao},
		{Name: "Access-Control-Allow-Methods", Value: strings.Join(methods, ", ")},
		{Name: "Access-Control-Expose-Headers", Value: strings.Join(r.Expose, ", ")},
		{Name: "Access-Control-Max-Age", Value: r.MaxAge},
	}
	if r.Credentials {
		h = append(h, headers.Field{Name: "Access-Control-Allow-Credentials", Value: "true"})
	}
	return h
}

// allowHeaders is Resource#allow_headers?: each name the request lists
// (split at commas and the spaces after them) is a simple header or in
// the list.
func (r *Resource) allowHeaders(acrh string) bool {
	if r.AnyHeaders {
		return true
	}
	for _, h := range splitComma(acrh) {
		h = strings.ToLower(h)
		if !slices.Contains(simpleHeaders, h) && !slices.Contains(r.Headers, h) {
			return false
		}
	}
	return true
}

func (r *Resource) headerWords() string {
	if len(r.Headers) == 0 {
		return "none but accept, accept-language, content-language and content-type (headers is not set)"
	}
	return strings.Join(r.Headers, ", ")
}

// splitComma is Ruby's split(/,\s*/): the empty strings at the end
// dropped.
func splitComma(s string) []string {
	if s == "" {
		return nil
	}
	parts := strings.Split(s, ",")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.TrimLeft(parts[i], " \t\r\n\f\v")
	}
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1]
	}
	return parts
}

func uniq(l []string) []string {
	var out []string
	for _, s := range l {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// evaluatePath is Rack::Cors#evaluate_path: PATH_INFO percent-decoded
// (Rack::Utils.unescape_path) and, when valid (without a NUL,
// Rack::Utils.valid_path?), cleaned (clean_path_info).
func evaluatePath(u string) (string, bool) {
	u = requrl.Path(u)
	var b strings.Builder
	for i := 0; i < len(u); i++ {
		if u[i] == '%' && i+2 < len(u) && isHex(u[i+1]) && isHex(u[i+2]) {
			n, _ := strconv.ParseUint(u[i+1:i+3], 16, 8)
			b.WriteByte(byte(n))
			i += 2
			continue
		}
		b.WriteByte(u[i])
	}
	p := b.String()
	// valid_path? asks for valid encoding too, but a server's PATH_INFO
	// is binary (ASCII-8BIT), valid whatever its bytes: Puma answered
	// /api/%FF as any other path; only a NUL is refused.
	if strings.Contains(p, "\x00") {
		return p, false
	}
	return cleanPathInfo(p), true
}

func isHex(c byte) bool { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

// cleanPathInfo is Rack::Utils.clean_path_info: empty and "." segments
// dropped, ".." taking the one before it, a leading "/" kept.
func cleanPathInfo(p string) string {
	parts := strings.Split(p, "/")
	for len(parts) > 0 && parts[len(parts)-1] == "" {
		parts = parts[:len(parts)-1] // Ruby's split drops trailing empty strings
	}
	var clean []string
	for _, s := range parts {
		switch s {
		case "", ".":
		case "..":
			if len(clean) > 0 {
				clean = clean[:len(clean)-1]
			}
		default:
			clean = append(clean, s)
		}
	}
	out := strings.Join(clean, "/")
	if len(parts) == 0 || parts[0] == "" {
		out = "/" + out
	}
	return out
}

// The cases of the notes (words).
const (
	casePreflight   = "preflight"
	caseApplication = "application"
	caseNoOrigin    = "no-origin"
	caseNoHeaders   = "no-headers"
	caseBadPath     = "bad-path"
	caseOrigin      = "origin"
	casePath        = "path"
	caseMatched     = "matched"
	caseMethod      = "method"
	caseHeaders     = "headers"
)

type words struct{}

func (words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseOrigin:
		return "Origin " + strconv.Quote(n.Args[0]) + " is not among the allow block's origins (" + n.Args[1] + ")"
	case casePath:
		return "path " + strconv.Quote(n.Args[0]) + " does not match the resource " + strconv.Quote(n.Args[1])
	case caseMatched:
		return "Origin " + strconv.Quote(n.Args[0]) + " is allowed (" + n.Args[1] + ") and the resource " + strconv.Quote(n.Args[2]) + " covers the path"
	case caseMethod:
		return "Access-Control-Request-Method " + strconv.Quote(n.Args[0]) + " lowercased is not in methods (" + n.Args[1] + "): rack-cors answers the preflight 200 with no CORS header"
	case caseHeaders:
		return "Access-Control-Request-Headers " + strconv.Quote(n.Args[0]) + " names a header the resource does not allow (" + n.Args[1] + "): rack-cors answers the preflight 200 with no CORS header"
	}
	return ""
}

func (words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		s = "rack-cors answered the preflight itself (200), before the application"
	case caseBadPath:
		s = "rack-cors answered the preflight 400: its path " + strconv.Quote(n.Args[0]) + " holds a NUL (%00)"
	case caseApplication:
		s = "the application answered " + strconv.Itoa(n.N) + "; rack-cors added its headers under the application's own"
	case caseNoHeaders:
		s = "the application answered " + strconv.Itoa(n.N) + "; rack-cors added no CORS header (only Vary, where a resource covers the path)"
	case caseNoOrigin:
		s = "no Origin header: rack-cors adds no CORS header (only Vary, where a resource covers the path)"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
