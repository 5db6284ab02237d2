package apache

import (
	"strings"

	"github.com/whycors/whycors/engine/portable"
)

// CheckText lists the traps of an Apache configuration that one reply
// alone does not show, for engine/lint and the explainer's warnings:
//   - "missing-always": a Header of an Access-Control-* header without
//     always, which Apache does not send with the replies it generates
//     itself (a RewriteRule [R=204], [F], an ErrorDocument, a 401 or 403
//     of its own, a missing file's 404): a warning when the text answers
//     with a RewriteRule, information otherwise;
//   - "null-origin": Access-Control-Allow-Origin %{VAR}e without env=VAR:
//     a request whose origin no SetEnvIf matched gets "(null)";
//   - "duplicate-origin": Header add (or append, merge) of
//     Access-Control-Allow-Origin, or always set next to a ProxyPass: the
//     backend's own line sits in the other table, so the reply carries
//     two ("contains multiple values");
//   - "fixed-origin-several": a fixed Access-Control-Allow-Origin in a
//     configuration that lets several origins in (a SetEnvIf on Origin,
//     an <If> comparing Origin with =~ or in): the others get a reply
//     naming another origin; an error with credentials;
//   - "wildcard-credentials": "*" with Access-Control-Allow-Credentials
//     true, which browsers refuse.
func (*Format) CheckText(text string) []portable.Finding {
	c, err := Parse(text)
	if err != nil {
		return nil
	}
	var all []*scope
	var walk func(s *scope)
	walk = func(s *scope) {
		all = append(all, s)
		for _, x := range s.sections {
			walk(x)
		}
	}
	walk(c.server)
	answers, proxy, creds, several, dropsBackend := false, false, false, false, false
	for _, s := range all {
		answers = answers || len(s.rules) > 0
		proxy = proxy || len(s.proxies) > 0
		for _, e := range s.setenvs {
			several = several || strings.EqualFold(e.attr, "Origin")
		}
		for _, o := range s.headers {
			if strings.EqualFold(o.name, "Access-Control-Allow-Origin") && o.action == "unset" && !o.always {
				dropsBackend = true
			}
			if strings.EqualFold(o.name, "Access-Control-Allow-Credentials") && o.action != "unset" && strings.EqualFold(o.raw, "true") {
				creds = true
			}
		}
	}
	low := strings.ToLower(text)
	several = several || strings.Contains(low, "%{http:origin} in") || strings.Contains(low, "%{http:origin} =~")
	var out []portable.Finding
	for _, s := range all {
		for _, o := range s.headers {
			at := portable.Pos{Line: o.line, Column: o.col}
			if !strings.HasPrefix(strings.ToLower(o.name), "access-control-") || o.action == "unset" {
				continue
			}
			if !o.always {
				sev := "info"
				if answers {
					sev = "warning"
				}
				out = append(out, portable.Finding{Severity: sev, Code: "missing-always", Pos: at,
					Message: "Header " + o.action + " " + o.name + " without always is not sent with the replies Apache generates itself (a RewriteRule [R=204] or [F], an ErrorDocument, its own 401, 403 or 404): the browser then reports a CORS error instead of the status; write Header always " + o.action})
			}
			if !strings.EqualFold(o.name, "Access-Control-Allow-Origin") {
				continue
			}
			envValue := false
			for _, p := range o.value {
				envValue = envValue || p.env != ""
			}
			lastEnv := ""
			if envValue {
				lastEnv = o.value[len(o.value)-1].env
			}
			switch {
			case strings.Contains(lastEnv, ":"):
				// %{HTTP:Origin} is ap_expr's way to read a request
				// header (<If>, mod_rewrite); in a Header value,
				// %{NAME}e is the environment variable NAME, and none
				// is named with a colon, so every reply gets "(null)"
				// (mod_headers: Header format specifiers). Tried as a
				// new user would, the advice was to add env=HTTP:Origin,
				// which no request ever sets.
				out = append(out, portable.Finding{Severity: "error", Code: "null-origin", Pos: at,
					Message: "Access-Control-Allow-Origin " + o.raw + " reads the environment variable " + lastEnv + ", which nothing sets: %{HTTP:Origin} is how <If> and RewriteCond read a request header, and in a Header value %{NAME}e is an environment variable, so every reply gets \"(null)\" and the browser blocks; set one with SetEnvIf Origin \"^(https://app\\.example\\.com)$\" ORIGIN_OK=$1 and send %{ORIGIN_OK}e env=ORIGIN_OK"})
			case envValue && o.env == "":
				out = append(out, portable.Finding{Severity: "warning", Code: "null-origin", Pos: at,
					Message: "Access-Control-Allow-Origin " + o.raw + " has no env= condition: a request whose origin no SetEnvIf matched gets \"(null)\"; add env=" + o.value[len(o.value)-1].env + " (the variable it sends)"})
			case o.raw == "*" && creds:
				out = append(out, portable.Finding{Severity: "error", Code: "wildcard-credentials", Pos: at,
					Message: "Access-Control-Allow-Origin \"*\" with Access-Control-Allow-Credentials true: browsers refuse credentialed replies with a wildcard origin; send the request's origin through SetEnvIf Origin and %{VAR}e"})
			case !envValue && o.raw != "*" && several && o.action != "edit" && o.action != "edit*":
				sev := "warning"
				if creds {
					sev = "error"
				}
				out = append(out, portable.Finding{Severity: sev, Code: "fixed-origin-several", Pos: at,
					Message: "Access-Control-Allow-Origin is the fixed " + o.raw + " while the configuration lets several origins in: the others get a reply naming " + o.raw + " and are blocked; send the matched origin with SetEnvIf Origin \"regex\" VAR=$0 and %{VAR}e env=VAR"})
			}
			switch {
			case o.action == "add" || o.action == "append" || o.action == "merge":
				out = append(out, portable.Finding{Severity: "warning", Code: "duplicate-origin", Pos: at,
					Message: "Header " + o.action + " Access-Control-Allow-Origin adds to a value already there (the backend's, another Header's): the browser sees several and blocks (\"contains multiple values\"); use set"})
			case o.always && o.action == "set" && proxy && !dropsBackend:
				out = append(out, portable.Finding{Severity: "warning", Code: "duplicate-origin", Pos: at,
					Message: "Header always set Access-Control-Allow-Origin writes the always table; a backend's own Access-Control-Allow-Origin stays in the other one, so the reply carries both (\"contains multiple values\"); add Header unset Access-Control-Allow-Origin (onsuccess) to drop the backend's"})
			}
		}
	}
	return out
}
