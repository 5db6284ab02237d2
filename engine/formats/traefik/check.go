package traefik

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/policy"
	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists the traps of each headers middleware that one reply
// alone does not show, for engine/lint and the explainer's warnings:
//   - "vary-missing": an origin list or regex without addVaryHeader true:
//     the reply names one origin without Vary: Origin, so a cache may
//     give it to another origin;
//   - "custom-cors-header": customResponseHeaders setting an
//     Access-Control- header: it is set on every reply, whatever the
//     origin, replacing the application's own;
//   - "custom-header-case": two customResponseHeaders names for one
//     header: Traefik applies them in a Go map's random order;
//   - "max-age-zero": CORS fields without accessControlMaxAge: every
//     preflight says Access-Control-Max-Age: 0, so the browser sends one
//     before every request;
//   - "expose-replaced": accessControlExposeHeaders replaces the
//     service's own Access-Control-Expose-Headers on every reply;
//   - "app-headers-kept": the middleware sets Access-Control-Allow-Origin
//     only for the origins it allows and leaves the service's own for
//     the others (info: a service that answers CORS too still answers
//     refused origins).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := readAll(policy.Source{Text: text})
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for _, m := range c.Middlewares {
		out = append(out, m.check()...)
	}
	return out
}

func at(n *node) portable.Pos {
	p := portable.Pos{Path: n.path, Line: n.line, Column: n.col}
	if n.keyLine > 0 && n.kind != 's' {
		p.Line, p.Column = n.keyLine, n.keyCol
	}
	return p
}

// item is the position of a list field's i-th value.
func (m *Middleware) item(field string, i int) portable.Pos {
	f := m.fields[field]
	if f == nil {
		return at(m.headers)
	}
	if f.kind == 'l' && i < len(f.kids) {
		return at(f.kids[i])
	}
	return at(f)
}

func (m *Middleware) check() []portable.Finding {
	var out []portable.Finding
	specific := len(m.OriginRegex) > 0
	for _, o := range m.OriginList {
		specific = specific || o != "*"
	}
	if specific && !m.AddVary {
		p := at(m.headers)
		if f := m.fields[fVary]; f != nil {
			p = at(f)
		}
		out = append(out, portable.Finding{Severity: "warning", Code: "vary-missing", Pos: p,
			Message: m.Name + ": Access-Control-Allow-Origin names the request's origin but addVaryHeader is not true: no Vary: Origin, so a cache can give one origin's reply to another; set addVaryHeader: true"})
	}
	seen := map[string]Header{}
	for _, h := range m.CustomResponse {
		k := gohdr.Canonical(h.Name)
		if prev, ok := seen[k]; ok {
			out = append(out, portable.Finding{Severity: "warning", Code: "custom-header-case", Pos: portable.Pos{Line: h.Line, Column: h.Col},
				Message: m.Name + ": customResponseHeaders names " + k + " twice (" + prev.Name + ", " + h.Name + "): Traefik applies them in random order"})
		}
		seen[k] = h
		if strings.HasPrefix(k, "Access-Control-") && h.Value != "" {
			msg := m.Name + ": customResponseHeaders sets " + k + ": " + h.Value + " on every reply, whatever the origin, replacing the application's own"
			if k == "Access-Control-Allow-Origin" && (len(m.OriginList) > 0 || len(m.OriginRegex) > 0) {
				msg += "; for an allowed origin accessControlAllowOriginList's value replaces it, for the others it stays"
			} else if k == "Access-Control-Allow-Origin" {
				msg += "; use accessControlAllowOriginList, which answers each origin"
			}
			out = append(out, portable.Finding{Severity: "warning", Code: "custom-cors-header", Pos: portable.Pos{Line: h.Line, Column: h.Col}, Message: msg})
		}
	}
	if m.hasCors() && m.MaxAge == 0 {
		out = append(out, portable.Finding{Severity: "info", Code: "max-age-zero", Pos: at(m.headers),
			Message: m.Name + ": no accessControlMaxAge: every preflight Traefik answers says Access-Control-Max-Age: 0, so the browser sends one before each request; set it (seconds)"})
	}
	if len(m.ExposeHeaders) > 0 {
		out = append(out, portable.Finding{Severity: "info", Code: "expose-replaced", Pos: at(m.fields[fExpose]),
			Message: m.Name + ": Traefik replaces the service's own Access-Control-Expose-Headers with " + strings.Join(m.ExposeHeaders, ",") + " on every reply: a header the service exposes itself and this list lacks becomes unreadable to the page"})
	}
	for i, o := range m.OriginList {
		if o != "*" && strings.Contains(o, "*") {
			// isOriginAllowed compares each entry exactly, "*" alone
			// aside (e2e/traefikmw holds the model to it). Found as a
			// new user would: such an entry linted clean.
			out = append(out, portable.Finding{Severity: "warning", Code: "origin-list-wildcard", Pos: m.item(fOriginList, i),
				Message: m.Name + ": accessControlAllowOriginList compares " + strconv.Quote(o) + " exactly (only \"*\" alone matches every origin), so it matches no Origin; write it in accessControlAllowOriginListRegex, anchored: " + strconv.Quote(wildcardRegex(o))})
		}
	}
	if len(m.OriginList) > 0 || len(m.OriginRegex) > 0 {
		out = append(out, portable.Finding{Severity: "info", Code: "app-headers-kept", Pos: at(m.headers),
			Message: m.Name + ": Traefik sets Access-Control-Allow-Origin only for the origins it allows; for the others the service's own passes as it sent it, so a service that answers CORS too still answers refused origins"})
	}
	return out
}

// wildcardRegex is the anchored regular expression an origin with "*"
// means: "*" one host label or more (one label and its dots), the rest
// literal.
func wildcardRegex(o string) string {
	parts := strings.Split(o, "*")
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return "^" + strings.Join(parts, "[a-z0-9-]+(?:\\.[a-z0-9-]+)*") + "$"
}
