package djangocors

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of django-cors-headers'
// known traps (CheckText, which Traps repeats), so that `whycors lint
// --codes`, the SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks, each at the
// most severe level it is reported at.
func lintCodes() []portable.Code {
	const readme = "github.com/adamchainz/django-cors-headers (README)"
	return []portable.Code{
		{Code: "reflect-any-origin", Severity: "error",
			Summary: "CORS_ALLOW_ALL_ORIGINS with CORS_ALLOW_CREDENTIALS echoes every Origin with credentials: any site reads your users' data.",
			Source:  "portswigger.net/web-security/cors; adamchainz/django-cors-headers corsheaders/middleware.py (add_response_headers; process_response in 3.14.0)"},
		{Code: "regex-without-end-anchor", Severity: "error",
			Summary: "An origin regex without $: Python's re.match anchors only the start, so origins that merely start like it (an attacker's domain) are allowed too.",
			Source:  readme + " (CORS_ALLOWED_ORIGIN_REGEXES); docs.python.org/3/library/re.html#re.match"},
		{Code: "origin-never-matches", Severity: "warning",
			Summary: "A CORS_ALLOWED_ORIGINS entry without a scheme or host: no browser sends it, and Django's check corsheaders.E013 refuses it.",
			Source:  "adamchainz/django-cors-headers corsheaders/checks.py (E013); RFC 6454 §7"},
		{Code: "origin-with-path", Severity: "warning",
			Summary: "A CORS_ALLOWED_ORIGINS entry with a path, query, fragment or trailing slash: Django's check corsheaders.E014 refuses it, and at run time only scheme and host are compared.",
			Source:  "adamchainz/django-cors-headers corsheaders/checks.py (E014); RFC 6454 §7"},
		{Code: "middleware-order", Severity: "warning",
			Summary: "CorsMiddleware below a middleware that answers requests itself (CommonMiddleware's APPEND_SLASH redirect, WhiteNoise): those replies carry no CORS headers.",
			Source:  readme + " (Setup: \"as high as possible\", before CommonMiddleware and WhiteNoiseMiddleware)"},
		{Code: "middleware-missing", Severity: "error",
			Summary: "MIDDLEWARE does not list corsheaders.middleware.CorsMiddleware: the CORS_* settings do nothing.",
			Source:  readme + " (Setup: add CorsMiddleware to MIDDLEWARE)"},
	}
}
