package flaskcors

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of flask-cors' known traps
// (CheckText, which Traps repeats), so that `whycors lint --codes`, the
// SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks, each at the
// most severe level it is reported at.
func lintCodes() []portable.Code {
	const doc = "flask-cors.readthedocs.io/en/latest/api.html"
	return []portable.Code{
		{Code: "reflect-any-origin", Severity: "error",
			Summary: "origins \"*\" (the default) with supports_credentials=True echoes every Origin with credentials: any site reads your users' data.",
			Source:  "portswigger.net/web-security/cors; " + doc + " (origins, supports_credentials); corydolphin/flask-cors flask_cors/core.py (3.0.10, get_cors_origins)"},
		{Code: "regex-without-end-anchor", Severity: "error",
			Summary: "An origin regex without $: Python's re.match anchors only the start, so origins that merely start like it (an attacker's domain) are allowed too.",
			Source:  doc + " (origins); docs.python.org/3/library/re.html#re.match"},
		{Code: "resource-prefix", Severity: "info",
			Summary: "A resources path is a regex matched from the start of the path: \"/api/*\" covers /apiary as well as /api/x.",
			Source:  doc + " (resources); docs.python.org/3/library/re.html#re.match"},
	}
}
