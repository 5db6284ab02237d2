package caddy

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes CheckText reports, so that
// `whycors lint --codes`, the SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks a header
// directive, each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "wildcard-credentials", Severity: "error",
			Summary: `Access-Control-Allow-Origin "*" with Access-Control-Allow-Credentials true: browsers refuse the answer.`,
			Source:  "fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "reflect-any-origin", Severity: "error",
			Summary: "{header.Origin} is echoed with no header Origin matcher: every site is allowed, and with credentials any site reads your users' data.",
			Source:  "caddyserver.com/docs/caddyfile/matchers (header); portswigger.net/web-security/cors"},
		{Code: "fixed-origin-several", Severity: "error",
			Summary: "A fixed Access-Control-Allow-Origin where the configuration lets several origins in: every other origin gets a reply naming another one and is blocked (an error with credentials, where \"*\" is no way out).",
			Source:  "fetch.spec.whatwg.org/#concept-cors-check; caddyserver.com/docs/caddyfile/matchers (header)"},
		{Code: "duplicate-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin added beside one already there (another line, or the backend's own): the reply carries two and the browser blocks it.",
			Source:  "caddyserver.com/docs/caddyfile/directives/header (+field, defer); caddyserver.com/docs/caddyfile/directives/reverse_proxy (header_down); checked against Debian 12's caddy (e2e/caddy)"},
		{Code: "preflight-refused", Severity: "warning",
			Summary: "An origin whose GET the server allows (lint's probe) gets no Access-Control-Allow-Origin, or a failing status, on its preflight: every fetch that needs one is blocked.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch"},
		{Code: "vary-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin names the origin only for the origins allowed (lint's probe from one and from another), without Vary: Origin: a cache may replay one origin's reply to another.",
			Source:  "fetch.spec.whatwg.org/#cors-protocol-and-http-caches"},
	}
}
