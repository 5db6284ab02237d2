package nginx

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes CheckText reports, so that
// `whycors lint --codes`, the SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks, each at the
// most severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "reflect-any-origin", Severity: "error",
			Summary: "Access-Control-Allow-Origin $http_origin (or a map that defaults to it) echoes every Origin: with credentials, any site reads your users' data.",
			Source:  "portswigger.net/web-security/cors; nginx.org/en/docs/http/ngx_http_core_module.html#var_http_"},
		{Code: "add-header-not-inherited", Severity: "warning",
			Summary: "A block with add_header lines of its own inside one that adds Access-Control-Allow-Origin (or -Credentials) it does not repeat: nginx inherits add_header only into a block with none, so its replies lack that header.",
			Source:  "nginx.org/en/docs/http/ngx_http_headers_module.html#add_header"},
		{Code: "missing-always", Severity: "warning",
			Summary: "nginx add_header without always: the header vanishes on 4xx and 5xx replies, and the browser reports a CORS error instead of the status.",
			Source:  "nginx.org/en/docs/http/ngx_http_headers_module.html#add_header"},
		{Code: "duplicate-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin added to what proxy_pass passes on, with no proxy_hide_header of the upstream's: an upstream that sends one makes two lines, which browsers refuse.",
			Source:  "nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_hide_header; fetch.spec.whatwg.org/#cors-check"},
		{Code: "preflight-refused", Severity: "warning",
			Summary: "An origin whose GET the server allows (lint's probe) gets no Access-Control-Allow-Origin, or a failing status, on its preflight: every fetch that needs one is blocked.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch"},
		{Code: "vary-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin names the origin only for the origins allowed (lint's probe from one and from another), without Vary: Origin: a cache may replay one origin's reply to another.",
			Source:  "fetch.spec.whatwg.org/#cors-protocol-and-http-caches"},
	}
}
