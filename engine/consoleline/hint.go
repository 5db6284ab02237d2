package consoleline

import (
	"strings"

	"github.com/whycors/whycors/engine/fetch"
	"github.com/whycors/whycors/engine/origin"
)

// Hint says what the line's URL is, when its host names a platform whose
// answers whycors reads from its configuration (an S3 bucket, an API
// Gateway API), with the command that explains it from that
// configuration, and when the line names a check that platform never
// fails in that way; "" otherwise. The candidates are raw replies that
// print the line; tried as a new user would, an S3 URL got them with no
// word that the bucket's CORS rules are what to give.
func Hint(l *Line) string {
	if l == nil || l.URL == "" {
		return ""
	}
	u, err := origin.ParseURL(l.URL)
	if err != nil {
		return ""
	}
	host := strings.ToLower(u.Host)
	reason := strings.TrimPrefix(l.Reason, "Preflight")
	switch {
	case strings.HasSuffix(host, ".amazonaws.com") && s3Host(host):
		h := "The URL is an S3 bucket, which answers from its CORS rules: explain it from them with whycors explain --policy cors.json --origin ORIGIN --url URL (and --preset for an AWS SDK call)."
		if reason == fetch.ReasonMethodDisallowed || reason == fetch.ReasonHeaderDisallowed {
			// S3 answers a preflight no rule allows with 403 and no
			// CORS headers (cloud-policies.md §1.3): it never lists
			// methods or headers without the requested one.
			h += " S3 itself never sends this: a preflight no rule allows gets 403 without CORS headers, so a reply that lists methods or headers came from a layer in front of it (a CloudFront response headers policy) or from another server."
		}
		return h
	case strings.HasSuffix(host, ".amazonaws.com") && strings.Contains(host, ".execute-api."):
		return "The URL is an API Gateway API: explain it from its template or configuration with whycors explain --policy template.yaml --origin ORIGIN --url URL (SAM, CloudFormation, serverless.yml or a Terraform module)."
	}
	return ""
}

// s3Host reports an amazonaws.com host with a label "s3", or one that
// starts "s3" and a hyphen (the legacy regional "s3-us-west-2"): S3's
// virtual-hosted and path-style endpoints.
func s3Host(host string) bool {
	for _, l := range strings.Split(host, ".") {
		if l == "s3" || len(l) > 3 && l[:2] == "s3" && l[2] == '-' {
			return true
		}
	}
	return false
}
