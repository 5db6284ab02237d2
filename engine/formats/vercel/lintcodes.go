package vercel

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of a vercel.json's traps
// (CheckText: the hosting headers' checks, then trailingSlash) and of
// the exchange's (Traps), so that `whycors lint --codes`, the SARIF
// report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks, then Traps',
// each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	const doc = "vercel.com/docs/project-configuration#headers"
	return []portable.Code{
		{Code: "never-matches", Severity: "warning",
			Summary: "A header entry's path pattern that no request path matches: its headers are never sent.",
			Source:  doc + "; @vercel/routing-utils 6.6.0 convertHeaders"},
		{Code: "several-origins", Severity: "error",
			Summary: "Access-Control-Allow-Origin holds several origins: browsers accept exactly one and block the reply, and static headers cannot echo the request's Origin.",
			Source:  "fetch.spec.whatwg.org/#concept-cors-check; " + doc},
		{Code: "preflight-refused", Severity: "warning",
			Summary: "An origin whose GET the server allows (lint's probe) gets no Access-Control-Allow-Origin, or a failing status, on its preflight: every fetch that needs one is blocked.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch"},
		{Code: "vary-origin", Severity: "warning",
			Summary: "Access-Control-Allow-Origin chosen by the request's origin (a \"has\" condition) without Vary: Origin: a cache may serve one origin's reply to another.",
			Source:  "fetch.spec.whatwg.org/#cors-protocol-and-http-caches; " + doc},
		{Code: "wildcard-credentials", Severity: "error",
			Summary: `Access-Control-Allow-Origin "*" where Access-Control-Allow-Credentials true applies too: browsers refuse the answer.`,
			Source:  "fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "no-preflight", Severity: "info",
			Summary: "Preflight headers where the platform does not answer OPTIONS itself: they help only if the reply to the OPTIONS request has a 2xx status.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch; vercel.com/kb/guide/how-to-enable-cors"},
		{Code: "trailing-slash-redirect", Severity: "warning",
			Summary: "trailingSlash redirects one form of every path (308) before any header entry applies, and a preflight that is redirected fails.",
			Source:  "vercel.com/docs/project-configuration#trailingslash; fetch.spec.whatwg.org/#cors-preflight-fetch"},
		{Code: "app-overrides", Severity: "warning",
			Summary: "The application sends its own Access-Control-* or Vary header, which overrides vercel.json's where both apply: set it in one place.",
			Source:  "vercel.com/docs/concepts/functions/serverless-functions/edge-caching (a Function's headers override the route's)"},
	}
}
