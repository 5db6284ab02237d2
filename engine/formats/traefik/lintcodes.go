package traefik

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of each headers
// middleware's traps (CheckText), so that `whycors lint --codes`, the
// SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks a middleware,
// each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	const (
		doc  = "doc.traefik.io/traefik/middlewares/http/headers/"
		code = "traefik/traefik v3.6.12 pkg/middlewares/headers/header.go"
	)
	return []portable.Code{
		{Code: "vary-missing", Severity: "warning",
			Summary: "An origin list or regex without addVaryHeader true: the reply names one origin without Vary: Origin, so a cache may give it to another origin.",
			Source:  doc + " (addVaryHeader); fetch.spec.whatwg.org/#cors-protocol-and-http-caches"},
		{Code: "custom-header-case", Severity: "warning",
			Summary: "customResponseHeaders names one header twice in different cases: Traefik applies them in random order.",
			Source:  code + " (customResponseHeaders is a Go map)"},
		{Code: "custom-cors-header", Severity: "warning",
			Summary: "customResponseHeaders sets an Access-Control-* header: it goes on every reply, whatever the origin, and replaces the application's own.",
			Source:  doc + " (customResponseHeaders); " + code},
		{Code: "max-age-zero", Severity: "info",
			Summary: "CORS fields without accessControlMaxAge: every preflight says Access-Control-Max-Age: 0, so the browser sends one before each request.",
			Source:  doc + " (accessControlMaxAge); " + code},
		{Code: "expose-replaced", Severity: "info",
			Summary: "accessControlExposeHeaders replaces the service's own Access-Control-Expose-Headers on every reply: a header the service exposes and the list lacks becomes unreadable.",
			Source:  code},
		{Code: "origin-list-wildcard", Severity: "warning",
			Summary: "An accessControlAllowOriginList entry with a \"*\" inside it: Traefik compares the list's entries exactly (\"*\" alone aside), so it matches no origin; accessControlAllowOriginListRegex is for patterns.",
			Source:  code + " (isOriginAllowed; e2e/traefikmw)"},
		{Code: "app-headers-kept", Severity: "info",
			Summary: "Traefik sets Access-Control-Allow-Origin only for the origins it allows: for the others the service's own passes unchanged.",
			Source:  code},
	}
}
