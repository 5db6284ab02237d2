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
//   - "missing-always": an add_header of an Access-Control-* header without
//     always, which nginx adds only to 200, 201, 204, 206, 301, 302, 303,
//     304, 307 and 308 replies (ngx_http_headers_module add_header).
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
						at.Line, at.Column, n = ln, 1, strings.TrimSpace(rest[i+1:])
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
			out = append(out, portable.Finding{Severity: "warning", Code: "missing-always",
				Message: "add_header without always applies only to 200, 201, 204, 206, 301, 302, 303, 304, 307 and 308: on a 4xx or 5xx reply the header is missing and the browser reports a CORS error instead of the real status; add always",
				Pos:     portable.Pos{Line: i + 1, Column: col}})
		}
	}
	return out
}
