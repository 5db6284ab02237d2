package lambdaurl

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the code of the function URL's trap
// (Traps), so that `whycors lint --codes` and whycors:ignore know it.
func (*format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are Traps' codes.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "lambda-url-function-headers-overridden", Severity: "warning",
			Summary: "The function returns its own Access-Control-* headers, but the function URL's CORS configuration takes precedence: change the URL's Cors, not the function.",
			Source:  "docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors"},
	}
}
