package apache

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes CheckText reports, so that
// `whycors lint --codes`, the SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks a Header line,
// each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "missing-always", Severity: "warning",
			Summary: "A Header line for an Access-Control-* header without always: Apache leaves it off the replies it makes itself (a RewriteRule [R=204] or [F], an error page), so the browser reports a CORS error instead of the status.",
			Source:  "httpd.apache.org/docs/2.4/mod/mod_headers.html#header (onsuccess and always); checked against Debian 12's apache2 (e2e/apache)"},
		{Code: "null-origin", Severity: "error",
			Summary: "Access-Control-Allow-Origin %{VAR}e that can send \"(null)\": without env=VAR, a request whose origin no SetEnvIf matched gets it (a warning); with %{HTTP:Origin}e, <If>'s way to read the header, every request does (an error).",
			Source:  "httpd.apache.org/docs/2.4/mod/mod_headers.html#header (env=); httpd.apache.org/docs/2.4/mod/mod_setenvif.html; checked against Debian 12's apache2 (e2e/apache)"},
		{Code: "wildcard-credentials", Severity: "error",
			Summary: `Access-Control-Allow-Origin "*" with Access-Control-Allow-Credentials true: browsers refuse the answer.`,
			Source:  "fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "fixed-origin-several", Severity: "error",
			Summary: "A fixed Access-Control-Allow-Origin where the configuration lets several origins in: every other origin gets a reply naming another one and is blocked (an error with credentials, where \"*\" is no way out).",
			Source:  "fetch.spec.whatwg.org/#concept-cors-check; httpd.apache.org/docs/2.4/mod/mod_setenvif.html"},
		{Code: "duplicate-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin added beside one already there (another line, or the backend's own): the reply carries two and the browser blocks it.",
			Source:  "httpd.apache.org/docs/2.4/mod/mod_headers.html#header (add, and the onsuccess and always tables); fetch.spec.whatwg.org/#concept-cors-check; checked against Debian 12's apache2 (e2e/apache)"},
		{Code: "preflight-refused", Severity: "warning",
			Summary: "An origin whose GET the server allows (lint's probe) gets no Access-Control-Allow-Origin, or a failing status, on its preflight: every fetch that needs one is blocked.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch"},
		{Code: "vary-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin names the origin only for the origins allowed (lint's probe from one and from another), without Vary: Origin: a cache may replay one origin's reply to another.",
			Source:  "fetch.spec.whatwg.org/#cors-protocol-and-http-caches"},
	}
}
