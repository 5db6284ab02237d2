package starlette

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the codes of CORSMiddleware's known
// traps (CheckText, which Traps repeats), so that `whycors lint
// --codes`, the SARIF report and whycors:ignore know them.
func (*Format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are CheckText's codes in the order it checks a middleware,
// each at the most severe level it is reported at.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "wildcard-with-credentials", Severity: "error",
			Summary: "allow_origins=[\"*\"] with allow_credentials=True: a request without a Cookie header gets Access-Control-Allow-Origin: * with credentials, which the browser refuses for a credentialed fetch.",
			Source:  "encode/starlette starlette/middleware/cors.py (0.26.1, send); www.starlette.io/middleware/#corsmiddleware; fetch.spec.whatwg.org/#concept-cors-check"},
		{Code: "server-error-without-cors", Severity: "info",
			Summary: "An unhandled exception is answered by ServerErrorMiddleware, outside CORSMiddleware: the 500 has no Access-Control-Allow-Origin, so the browser reports a CORS error instead of the 500.",
			Source:  "www.starlette.io/middleware/ (ServerErrorMiddleware is always the outermost layer); encode/starlette starlette/applications.py (build_middleware_stack)"},
	}
}
