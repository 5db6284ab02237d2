package cloudfront

import "github.com/whycors/whycors/engine/portable"

// LintCodes implements lint.Coder: the code of the policy's trap
// (Traps), so that `whycors lint --codes` and whycors:ignore know it.
func (*format) LintCodes() []portable.Code { return lintCodes() }

// lintCodes are Traps' codes.
func lintCodes() []portable.Code {
	return []portable.Code{
		{Code: "cloudfront-origin-cors-wins", Severity: "warning",
			Summary: "OriginOverride is false and the origin sends its own CORS headers: CloudFront passes the origin's on instead of the policy's, so the policy is not what the browser sees.",
			Source:  "docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html#understanding-response-headers-policies-cors"},
	}
}
