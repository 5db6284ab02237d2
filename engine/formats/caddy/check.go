package caddy

import (
	"strings"

	"github.com/whycors/whycors/engine/formats/internal/gohdr"
	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists the traps of a Caddyfile that one reply alone does not
// show, for engine/lint and the explainer's warnings:
//   - "fixed-origin-several": Access-Control-Allow-Origin set to one fixed
//     origin under a matcher that lets several origins in (two header
//     Origin values, or a * pattern): every other allowed origin gets a
//     reply naming another one, and is blocked; an error with credentials,
//     since it cannot be fixed with "*" then;
//   - "wildcard-credentials": Access-Control-Allow-Origin "*" with
//     Access-Control-Allow-Credentials true, which browsers refuse;
//   - "reflect-any-origin": {header.Origin} echoed with no header Origin
//     matcher on the directive: every site may read the replies; an
//     error with credentials;
//   - "duplicate-origin": Access-Control-Allow-Origin added (+field), or
//     set at once (not deferred) in a site whose reverse_proxy adds the
//     upstream's lines after it: an upstream that sends its own makes two
//     lines, "contains multiple values", which browsers refuse (Caddy's
//     reverse_proxy copies each upstream line with Header.Add; header
//     operations are deferred only with defer, -field or ?field).
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Finding
	for _, s := range c.sites {
		all := flatten(s.routes)
		creds := false
		proxy := false
		for _, r := range all {
			if r.dir == "reverse_proxy" || r.dir == "php_fastcgi" {
				proxy = proxy || !touches(r.ops, "Access-Control-Allow-Origin")
				continue
			}
			for _, o := range r.ops {
				if gohdr.Canonical(o.field) == "Access-Control-Allow-Credentials" && o.kind != "delete" && strings.EqualFold(o.value, "true") {
					creds = true
				}
			}
		}
		// The list each route is in: a handle block that answers with
		// an unmatched respond and passes nothing on ends its requests
		// there, before any reverse_proxy (tried as a new user would,
		// the preflight block's header was duplicate-origin).
		holder := map[*route][]*route{}
		var walk func([]*route)
		walk = func(rs []*route) {
			for _, r := range rs {
				holder[r] = rs
				walk(r.sub)
			}
		}
		walk(s.routes)
		proxied := func(r *route) bool {
			l := holder[r]
			for _, x := range l {
				if x.dir == "respond" && x.m == nil && !passesOn(l) {
					return false
				}
			}
			return proxy
		}
		sev := func(base string) string {
			if creds {
				return "error"
			}
			return base
		}
		for _, r := range all {
			if r.dir != "header" {
				continue
			}
			for _, o := range r.ops {
				if gohdr.Canonical(o.field) != "Access-Control-Allow-Origin" || o.kind == "delete" || o.kind == "replace" {
					continue
				}
				at := portable.Pos{Line: o.line, Column: o.col}
				reflects := strings.Contains(o.value, "{header.Origin}") || strings.Contains(strings.ToLower(o.value), "{http.request.header.origin}") ||
					// What a header_regexp Origin matcher captured
					// ({re.NAME.0}): the Origin it let in.
					r.m != nil && r.m.hdrREs["Origin"] != nil && (strings.Contains(o.value, "{re.") || strings.Contains(o.value, "{http.regexp."))
				switch {
				case o.value == "*" && creds:
					out = append(out, portable.Finding{Severity: "error", Code: "wildcard-credentials", Pos: at,
						Message: "Access-Control-Allow-Origin \"*\" with Access-Control-Allow-Credentials true: browsers refuse credentialed replies with a wildcard origin; echo {header.Origin} under a header Origin matcher instead"})
				case reflects && originValues(r.m) == 0:
					out = append(out, portable.Finding{Severity: sev("info"), Code: "reflect-any-origin", Pos: at,
						Message: "Access-Control-Allow-Origin echoes {header.Origin} with no header Origin matcher: every origin is allowed; put the directive under a named matcher listing the allowed origins (@cors header Origin https://app.example)"})
				case !reflects && o.value != "*" && originValues(r.m) > 1:
					out = append(out, portable.Finding{Severity: sev("warning"), Code: "fixed-origin-several", Pos: at,
						Message: "Access-Control-Allow-Origin is the fixed " + o.value + " under the matcher " + r.m.name + ", which lets several origins in: the others get a reply naming " + o.value + " and are blocked; send {header.Origin} instead"})
				}
				if o.kind == "add" {
					out = append(out, portable.Finding{Severity: "warning", Code: "duplicate-origin", Pos: at,
						Message: "+Access-Control-Allow-Origin adds a line: with another one (an upstream's, another header directive's) the browser sees \"contains multiple values\" and blocks; set it (no +) with defer instead"})
				} else if proxied(r) && !r.deferred {
					out = append(out, portable.Finding{Severity: "warning", Code: "duplicate-origin", Pos: at,
						Message: "Access-Control-Allow-Origin is set before reverse_proxy adds the upstream's header lines: an upstream that sends its own makes two, \"contains multiple values\", and the browser blocks; add defer to the header block, or delete the upstream's with header_down -Access-Control-Allow-Origin"})
				}
			}
		}
	}
	return out
}

// originValues counts the origins a matcher lets in: its header Origin
// values, 2 for a * pattern or a header_regexp Origin (any number).
// Tried as a new user would, an echo under an anchored header_regexp
// Origin matcher was "every origin is allowed", an error.
func originValues(m *matcher) int {
	if m == nil {
		return 0
	}
	if m.hdrREs["Origin"] != nil {
		return 2
	}
	for _, h := range m.hdrs {
		if h.field == "Origin" && !h.absent {
			n := len(h.vals)
			for _, v := range h.vals {
				if strings.Contains(v, "*") {
					n += 2
				}
			}
			return n
		}
	}
	return 0
}

// flatten lists a site's routes with those inside handle and route.
func flatten(rs []*route) []*route {
	var out []*route
	for _, r := range rs {
		out = append(out, r)
		out = append(out, flatten(r.sub)...)
	}
	return out
}

// passesOn reports a reverse_proxy or php_fastcgi in rs or below.
func passesOn(rs []*route) bool {
	for _, r := range rs {
		if r.dir == "reverse_proxy" || r.dir == "php_fastcgi" || passesOn(r.sub) {
			return true
		}
	}
	return false
}

// touches reports whether ops delete or set field (header_down on the
// upstream's reply).
func touches(ops []op, field string) bool {
	for _, o := range ops {
		if gohdr.Canonical(o.field) == field && (o.kind == "delete" || o.kind == "set") {
			return true
		}
	}
	return false
}

// Targets implements lint.Targeter: "/" on each site address's host, a
// site being chosen by the request's host (Caddyfile site addresses), so
// that lint's probes reach a site with a host, not only one for any host
// (":80"). A wildcard host gets a name under it.
func (*Format) Targets(text string) []portable.Target {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var out []portable.Target
	for _, s := range c.sites {
		for i, h := range s.hosts {
			if h == "" || h == "*" {
				continue
			}
			if rest, ok := strings.CutPrefix(h, "*."); ok {
				h = "whycors-probe-host." + rest
			}
			scheme, port := "https://", s.ports[i]
			switch port {
			case "80":
				scheme, port = "http://", ""
			case "443":
				port = ""
			}
			if port != "" {
				h += ":" + port
			}
			out = append(out, portable.Target{Path: scheme + h + "/", Pos: portable.Pos{Line: s.line, Column: 1}})
		}
	}
	return out
}
