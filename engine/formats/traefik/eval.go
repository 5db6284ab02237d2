package traefik

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/wire"
)

// The cases of the notes.
const (
	caseListed    = "origin-listed"
	caseRegex     = "origin-regex"
	caseRefused   = "origin-refused"
	caseCustom    = "custom-header"
	casePreflight = "preflight"
	caseActual    = "actual"
	caseNoCors    = "no-cors"
)

// Respond answers req as Traefik's headers middleware (v3.6
// pkg/middlewares/headers/header.go) in front of an application that
// answers app:
//   - with any CORS field set, an OPTIONS request with Origin and
//     Access-Control-Request-Method is a preflight the middleware answers
//     itself: 200, Content-Length 0, Access-Control-Allow-Credentials
//     "true" when set, -Allow-Headers and -Allow-Methods joined with ","
//     when not empty, -Allow-Origin for an allowed origin, and
//     Access-Control-Max-Age always (0 when unset); no Vary;
//   - any other request goes to the application; on its reply,
//     customResponseHeaders are set ("" deletes), then
//     Access-Control-Allow-Origin is set for an allowed origin (the list
//     item that matched: "*" or the origin; a regex match sends the
//     origin), else the application's own is left as it is;
//     Access-Control-Allow-Credentials "true" and -Expose-Headers are set
//     whatever the origin; with addVaryHeader, Origin is appended to the
//     first Vary value unless that value is "Origin", and the result
//     replaces every Vary line.
//
// The origin is the request's first Origin value; "" (no Origin) is
// allowed by a "*" item or a regex that matches the empty string.
func (c *Config) Respond(req policy.Request, app policy.Reply) policy.Outcome {
	m := c.chosen
	h := gohdr.Request(req)
	origin := gohdr.Get(h, "Origin")
	out := policy.Outcome{Words: words{name: m.Name}}
	if len(c.Middlewares) > 1 {
		out.DecidedBy = &wire.Place{Layer: "cors-rule", Resource: m.Name, Line: m.Line, Column: m.Col}
	}
	out.Decision.List = c.Notes
	var hdr gohdr.Header
	if m.hasCors() && req.Method == "OPTIONS" && origin != "" && gohdr.Get(h, "Access-Control-Request-Method") != "" {
		if m.Credentials {
			hdr.Set("Access-Control-Allow-Credentials", "true")
		}
		if s := strings.Join(m.AllowHeaders, ","); s != "" {
			hdr.Set("Access-Control-Allow-Headers", s)
		}
		if s := strings.Join(m.Methods, ","); s != "" {
			hdr.Set("Access-Control-Allow-Methods", s)
		}
		if ok, v := m.allowed(origin, &out, true); ok {
			hdr.Set("Access-Control-Allow-Origin", v)
		}
		hdr.Set("Access-Control-Max-Age", strconv.Itoa(int(m.MaxAge)))
		hdr.Set("Content-Length", "0")
		out.Reply = policy.Reply{Status: 200, Header: hdr.List()}
		out.Decision.Case, out.Decision.N, out.Decision.M = casePreflight, m.Line, 200
		return out
	}
	// The application's reply, modified when it writes its header.
	for _, f := range app.Header {
		hdr.Add(f.Name, f.Value)
	}
	for _, ch := range m.CustomResponse {
		if ch.Value == "" {
			hdr.Del(ch.Name)
		} else {
			hdr.Set(ch.Name, ch.Value)
		}
		if strings.HasPrefix(gohdr.Canonical(ch.Name), "Access-Control-") || gohdr.Canonical(ch.Name) == "Vary" {
			out.Rules = append(out.Rules, policy.Rule{Index: len(out.Rules), ID: gohdr.Canonical(ch.Name), Path: m.headers.path + "." + fCustomResp + "." + ch.Name,
				Line: ch.Line, Matched: true, Note: policy.Note{Case: caseCustom, Args: [4]string{gohdr.Canonical(ch.Name), ch.Value}}, Source: source})
		}
	}
	if ok, v := m.allowed(origin, &out, false); ok {
		hdr.Set("Access-Control-Allow-Origin", v)
		for i := range out.Rules[:len(out.Rules)-1] {
			if out.Rules[i].ID == "Access-Control-Allow-Origin" {
				out.Rules[i].Matched = false // replaced by the list's value
			}
		}
	}
	if m.Credentials {
		hdr.Set("Access-Control-Allow-Credentials", "true")
	}
	if len(m.ExposeHeaders) > 0 {
		hdr.Set("Access-Control-Expose-Headers", strings.Join(m.ExposeHeaders, ","))
	}
	if m.AddVary {
		v := ""
		if vs := hdr.Values("Vary"); len(vs) > 0 {
			v = vs[0]
		}
		if v != "Origin" {
			if v != "" {
				v += ","
			}
			hdr.Set("Vary", v+"Origin")
		}
	}
	out.Reply = policy.Reply{Status: app.Status, Header: hdr.List(), Body: app.Body}
	out.Decision.Case, out.Decision.N = caseActual, app.Status
	if !m.hasCors() {
		out.Decision.Case = caseNoCors
	}
	return out
}

// allowed is isOriginAllowed: the list in order ("*" or the exact
// origin), then the regexes; traced in out. A refusal of a preflight,
// which the middleware answers itself, is told without the
// application's reply (tried as a new user would, the step said "the
// application's own, if any, passes").
func (m *Middleware) allowed(origin string, out *policy.Outcome, preflight bool) (bool, string) {
	if !m.hasCors() && len(m.OriginList) == 0 && len(m.regexes) == 0 {
		return false, ""
	}
	r := policy.Rule{Index: len(out.Rules), ID: "Access-Control-Allow-Origin", Path: m.headers.path, Line: m.Line, Source: source}
	if f := m.fields[fOriginList]; f != nil {
		r.Path, r.Line = f.path, lineOf(f)
	} else if f := m.fields[fOriginRegex]; f != nil {
		r.Path, r.Line = f.path, lineOf(f)
	}
	defer func() { out.Rules = append(out.Rules, r) }()
	for _, item := range m.OriginList {
		if item == "*" || item == origin {
			r.Matched, r.Note = true, policy.Note{Case: caseListed, Args: [4]string{origin, item}}
			return true, item
		}
	}
	for i, re := range m.regexes {
		if re.MatchString(origin) {
			r.Matched, r.Note = true, policy.Note{Case: caseRegex, Args: [4]string{origin, m.OriginRegex[i]}}
			return true, origin
		}
	}
	r.Failed = "origin"
	r.Note = policy.Note{Case: caseRefused, Args: [4]string{origin}, List: append(append([]string(nil), m.OriginList...), m.OriginRegex...)}
	if preflight {
		r.Note.N = 1
	}
	return false, ""
}

func lineOf(f *node) int {
	if f.keyLine > 0 {
		return f.keyLine
	}
	return f.line
}

// words says the notes.
type words struct{ name string }

func (w words) Rule(r policy.Rule) string {
	n := r.Note
	switch n.Case {
	case caseListed:
		if n.Args[1] == "*" {
			return "accessControlAllowOriginList has \"*\": Access-Control-Allow-Origin: *"
		}
		return strconv.Quote(n.Args[0]) + " is in accessControlAllowOriginList"
	case caseRegex:
		return strconv.Quote(n.Args[0]) + " matches the regex " + strconv.Quote(n.Args[1]) + " of accessControlAllowOriginListRegex: the origin is sent back"
	case caseRefused:
		if n.Args[0] == "" {
			return "no Origin header: no Access-Control-Allow-Origin from the middleware"
		}
		if n.N == 1 {
			return strconv.Quote(n.Args[0]) + " is not in [" + strings.Join(n.List, ", ") + "]: the middleware answers the preflight without Access-Control-Allow-Origin"
		}
		return strconv.Quote(n.Args[0]) + " is not in [" + strings.Join(n.List, ", ") + "]: no Access-Control-Allow-Origin from the middleware (the application's own, if any, passes)"
	case caseCustom:
		if n.Args[1] == "" {
			return "customResponseHeaders deletes " + n.Args[0]
		}
		return "customResponseHeaders sets " + n.Args[0] + ": " + n.Args[1]
	}
	return ""
}

func (w words) Decision(n policy.Note) string {
	var s string
	switch n.Case {
	case casePreflight:
		s = "preflight answered by the Traefik headers middleware " + strconv.Quote(w.name) + " (line " + strconv.Itoa(n.N) + ") with " + strconv.Itoa(n.M) + "; the service did not run"
	case caseActual:
		s = "the service answered " + strconv.Itoa(n.N) + "; the headers middleware " + strconv.Quote(w.name) + " set its CORS headers on the reply"
	case caseNoCors:
		s = "the service answered " + strconv.Itoa(n.N) + "; the headers middleware " + strconv.Quote(w.name) + " has no CORS field, only customResponseHeaders, and answers no preflight itself"
	}
	if len(n.List) > 0 {
		s += " (note: " + strings.Join(n.List, "; ") + ")"
	}
	return s
}
