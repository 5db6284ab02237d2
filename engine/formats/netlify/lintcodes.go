package netlify

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of the headers' traps
// (CheckText), so that `whycors lint --codes`, the SARIF report and
// whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks, each at the
// most severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "several-origins", Severity: "error",
			Summary: "Access-Control-Allow-Origin holds several origins: browsers accept exactly one and block the reply, and static headers cannot echo the request's Origin.",
			Source:  "fetch.spec.whatwg.org/#concept-cors-check; " + docHeaders},
		{Code: "wildcard-credentials", Severity: "error",
			Summary: `Access-Control-Allow-Origin "*" with Access-Control-Allow-Credentials true for one path: browsers refuse the answer.`,
			Source:  "fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "path-never-matches", Severity: "error",
			Summary: "A path that does not cover what it means to: a _headers line without its leading / or a full URL (its headers go to the path above), or a path ending in / without * (the folder only, not its files).",
			Source:  docHeaders + "; @netlify/headers-parser 7.3.0 (checked against it: e2e/netlify)"},
		{Code: "not-applied", Severity: "warning",
			Summary: "A path that netlify.toml's [[redirects]] redirect, proxy or send to a function: Netlify adds custom headers only to the files it serves, so these headers are not sent there.",
			Source:  docHeaders + " (Limitations); " + docRedirects},
		{Code: "origin-overlap", Severity: "warning",
			Summary: "Two rules whose paths overlap give Access-Control-Allow-Origin different values: only one is sent.",
			Source:  docHeaders + "; netlify-cli headersForPath (the later rule's value wins)"},
		{Code: "no-preflight", Severity: "info",
			Summary: "Preflight headers where the platform does not answer OPTIONS itself: they help only if the reply to the OPTIONS request has a 2xx status.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch; " + docHeaders + " (says nothing of OPTIONS)"},
	}
}
