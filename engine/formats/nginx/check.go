package nginx

import (
	"strconv"
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists the traps of an nginx configuration that its replies
// alone do not show (cloud-policies.md §6.1), for engine/lint and the
// explainer's warnings:
//   - "reflect-any-origin": Access-Control-Allow-Origin $http_origin (or a
//     map whose default is $http_origin) echoes every origin; an error when
//     the text also sends Access-Control-Allow-Credentials, since any site
//     can then read the users' replies, information otherwise;
//   - "duplicate-origin": an Access-Control-Allow-Origin add_header where
//     proxy_pass passes on and nothing hides the upstream's own
//     (proxy_hide_header);
//   - "add-header-not-inherited": a block with add_header lines of its
//     own inside one that adds Access-Control-Allow-Origin, or
//     Access-Control-Allow-Credentials, the block does not repeat: nginx
//     inherits add_header only into a level with none of its own, so the
//     block's replies lack it;
//   - "missing-always": an add_header of an Access-Control-* header without
//     always, which nginx adds only to 200, 201, 204, 206, 301, 302, 303,
//     304, 307 and 308 replies (ngx_http_headers_module add_header); not
//     one in a block that answers with return and one of those statuses
//     (the enable-cors.org preflight block's return 204), whose reply
//     always gets it.
func (*Format) CheckText(text string) []portable.Finding {
	var out []portable.Finding
	if c, err := Parse(text); err == nil {
		for _, n := range c.Notes {
			// The reader's notes start "line N: ", the position of the
			// directive.
			at := portable.Pos{}
			if rest, ok := strings.CutPrefix(n, "line "); ok {
				if i := strings.IndexByte(rest, ':'); i > 0 {
					if ln, err := strconv.Atoi(rest[:i]); err == nil {
						at.Line, at.Column, n = ln, lineStart(text, ln), strings.TrimSpace(rest[i+1:])
					}
				}
			}
			if strings.Contains(n, "reflects any origin") {
				sev := "info"
				if strings.Contains(strings.ToLower(text), "access-control-allow-credentials") {
					sev = "error"
				}
				out = append(out, portable.Finding{Severity: sev, Code: "reflect-any-origin", Message: n, Pos: at})
			}
		}
	}
	if c, err := Parse(text); err == nil {
		out = append(out, c.duplicateOrigin()...)
		out = append(out, c.notInherited()...)
	}
	if ds, errs := parseConf(text); len(errs) == 0 {
		return append(out, withoutAlways(ds)...)
	}
	// Text nginx would not load: each add_header line on its own.
	for i, line := range strings.Split(text, "\n") {
		if i >= 100000 {
			break
		}
		t := strings.TrimSpace(line)
		if j := strings.IndexByte(t, '#'); j >= 0 {
			t = strings.TrimSpace(t[:j])
		}
		low := strings.ToLower(t)
		if !strings.HasPrefix(low, "add_header") || !strings.Contains(low, "access-control-") {
			continue
		}
		if !strings.HasSuffix(strings.TrimSuffix(low, ";"), "always") {
			col := strings.Index(line, strings.Fields(line)[0]) + 1
			out = append(out, missingAlways(i+1, col))
		}
	}
	return out
}

// duplicateOrigin finds an Access-Control-Allow-Origin add_header that
// applies where proxy_pass passes requests on and no proxy_hide_header
// hides the upstream's own: an upstream that sends one makes two lines,
// which browsers refuse ("contains multiple values"; Fetch §3.2.5 CORS
// check), as Caddy's and Apache's checks say of theirs. Tried as a new
// user would, nginx had no such finding.
func (c *Config) duplicateOrigin() []portable.Finding {
	var out []portable.Finding
	said := map[int]bool{}
	c.eachLevel(func(l *level) {
		if proxied(l) && (l.handler || l.kind == "if" && !returns(l)) {
			// A location that passes on, or an if block in one
			// (its add_header lines are the reply's then) unless
			// the block answers with return, which ends the request
			// in the rewrite phase: no upstream reply exists there
			// (ngx_http_rewrite_module return; the enable-cors.org
			// preflight block, tried as a new user would, was
			// warned of).
			from := l
			for from != nil && len(from.adds) == 0 {
				from = from.parent
			}
			hid := false
			for _, h := range hidden(l) {
				hid = hid || strings.EqualFold(h, "Access-Control-Allow-Origin")
			}
			if from != nil && !hid {
				for _, a := range from.adds {
					if strings.EqualFold(a.name, "Access-Control-Allow-Origin") && !said[a.line] {
						said[a.line] = true
						out = append(out, portable.Finding{Severity: "warning", Code: "duplicate-origin", Pos: portable.Pos{Line: a.line, Column: a.col},
							Message: "Access-Control-Allow-Origin is added to the replies proxy_pass passes on, which keep the upstream's own: an upstream that sends one makes two lines, \"contains multiple values\", and the browser blocks; hide the upstream's with proxy_hide_header Access-Control-Allow-Origin"})
					}
				}
			}
		}
	})
	return out
}

// notInherited finds the blocks (server, location, if) whose own
// add_header lines, none of them Access-Control-Allow-Origin, drop the
// Access-Control-Allow-Origin of the level around them: add_header is
// "inherited from the previous configuration level if and only if there
// are no add_header directives defined on the current level"
// (ngx_http_headers_module add_header). A location that adds
// Cache-Control under a server's CORS lines is the classic shape
// (cloud-policies.md §6.1). Tried as a new user would, explain told it
// for the one URL asked about, and lint said nothing of it.
func (c *Config) notInherited() []portable.Finding {
	var out []portable.Finding
	c.eachLevel(func(l *level) {
		if len(l.adds) == 0 {
			return
		}
		up := l.parent
		for up != nil && len(up.adds) == 0 {
			up = up.parent
		}
		if up == nil {
			return
		}
		a := l.adds[0]
		why := "every add_header of the " + up.name + " (nginx inherits add_header only into a block with none of its own): "
		switch {
		case !adds(l.adds, "Access-Control-Allow-Origin") && adds(up.adds, "Access-Control-Allow-Origin"):
			out = append(out, portable.Finding{Severity: "warning", Code: "add-header-not-inherited", Pos: portable.Pos{Line: a.line, Column: a.col},
				Message: "this " + l.kind + " block's own add_header " + a.name + " drops " + why + "its replies carry no Access-Control-Allow-Origin; repeat those Access-Control-* lines here, or keep them in a file both include"})
		case !adds(l.adds, "Access-Control-Allow-Credentials") && adds(up.adds, "Access-Control-Allow-Credentials"):
			// Its own Access-Control-Allow-Origin, without the
			// credentials line around it: a fetch with credentials
			// through it is blocked (Fetch §3.2.5 CORS check).
			out = append(out, portable.Finding{Severity: "warning", Code: "add-header-not-inherited", Pos: portable.Pos{Line: a.line, Column: a.col},
				Message: "this " + l.kind + " block's own add_header lines drop " + why + "its replies carry no Access-Control-Allow-Credentials, so a fetch with credentials through it is blocked; repeat that line here"})
		}
	})
	return out
}

// lineStart is the column of the first character of line ln of text
// that is not a space or a tab: where the directive a note names
// starts (tried as a new user would, the note was placed at column 1,
// and another finding on the same directive at its own column).
func lineStart(text string, ln int) int {
	for i := 1; i < ln; i++ {
		j := strings.IndexByte(text, '\n')
		if j < 0 {
			return 1
		}
		text = text[j+1:]
	}
	return len(text) - len(strings.TrimLeft(text, " \t")) + 1
}

// returns reports whether l has a return of its own.
func returns(l *level) bool {
	for _, st := range l.stmts {
		if st.kind == stReturn {
			return true
		}
	}
	return false
}

// eachLevel calls f with each level of c: the server, its locations and
// if blocks, nested ones included, then the http level.
func (c *Config) eachLevel(f func(*level)) {
	var walk func(l *level)
	walk = func(l *level) {
		if l == nil {
			return
		}
		f(l)
		for _, loc := range l.locations {
			walk(loc.conf)
		}
		for _, st := range l.stmts {
			if st.ifb != nil {
				walk(st.ifb.conf)
			}
		}
	}
	for _, srv := range c.serverLevels() {
		walk(srv)
	}
	walk(c.http)
}

// adds reports whether adds has a line of the header name.
func adds(adds []addHeader, name string) bool {
	for _, a := range adds {
		if strings.EqualFold(a.name, name) {
			return true
		}
	}
	return false
}

func missingAlways(line, col int) portable.Finding {
	return portable.Finding{Severity: "warning", Code: "missing-always",
		Message: "add_header without always applies only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308: on a 4xx or 5xx reply the header is missing and the browser reports a CORS error instead of the real status; add always",
		Pos:     portable.Pos{Line: line, Column: col}}
}

// withoutAlways is missing-always of each block of ds: its
// Access-Control-* add_header directives without always, unless the
// block answers with return and a status add_header applies to.
func withoutAlways(ds []*directive) []portable.Finding {
	var out []portable.Finding
	fixed := false
	for _, d := range ds {
		if d.name == "return" && len(d.args) > 0 {
			switch d.args[0].text {
			case "200", "201", "204", "206", "301", "302", "303", "304", "307", "308":
				fixed = true
			}
		}
	}
	for _, d := range ds {
		if d.hasBlock {
			out = append(out, withoutAlways(d.block)...)
			continue
		}
		if d.name != "add_header" || len(d.args) < 2 || fixed || !strings.HasPrefix(strings.ToLower(d.args[0].text), "access-control-") {
			continue
		}
		if last := d.args[len(d.args)-1]; len(d.args) < 3 || last.text != "always" {
			out = append(out, missingAlways(d.line, d.col))
		}
	}
	return out
}
