package firebase

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of a firebase.json's
// headers traps (CheckText), so that `whycors lint --codes`, the SARIF
// report and whycors:ignore know them. No entry here depends on the
// request's Origin, so the hosting checks' vary-origin never comes up.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks, each at the
// most severe level it is reported at.
func lintCodes() []portable.Code {
	const doc = "firebase.google.com/docs/hosting/full-config#headers"
	return []portable.Code{
		{Code: "never-matches", Severity: "warning",
			Summary: "A header entry's path pattern that no request path matches: its headers are never sent.",
			Source:  doc + "; superstatic 9.2.0 lib/middleware/headers.js"},
		{Code: "several-origins", Severity: "error",
			Summary: "Access-Control-Allow-Origin holds several origins: browsers accept exactly one and block the reply, and static headers cannot echo the request's Origin.",
			Source:  "fetch.spec.whatwg.org/#concept-cors-check; " + doc},
		{Code: "wildcard-credentials", Severity: "error",
			Summary: `Access-Control-Allow-Origin "*" where Access-Control-Allow-Credentials true applies too: browsers refuse the answer.`,
			Source:  "fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "rewrites-unread", Severity: "info",
			Summary: "A site with rewrites, which are not read: a path rewritten to a function or a Cloud Run service is that service's to answer, and the verdict takes Hosting's files and headers there.",
			Source:  "firebase.google.com/docs/hosting/full-config#rewrites"},
		{Code: "no-preflight", Severity: "info",
			Summary: "Preflight headers where the platform does not answer OPTIONS itself: they help only if the reply to the OPTIONS request has a 2xx status.",
			Source:  "fetch.spec.whatwg.org/#cors-preflight-fetch; superstatic 9.2.0 (OPTIONS served as any method, checked in e2e/hosting)"},
	}
}
