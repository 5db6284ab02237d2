package consoleline_test

import (
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/consoleline"
)

// TestHint: a line whose URL is an S3 bucket or an API Gateway API says
// so and how to explain it from the configuration; S3 never sends a
// preflight reply that lists headers without the requested one (it
// answers 403 without CORS headers when no rule allows a preflight,
// cloud-policies.md §1.3), so such a line is said to come from a layer
// in front. Tried as a new user would, both got raw replies alone.
func TestHint(t *testing.T) {
	for _, tc := range []struct{ desc, line, want, not string }{
		{"S3, a header refused", "Access to fetch at 'https://mybucket.s3.amazonaws.com/x' from origin 'http://localhost:3000' has been blocked by CORS policy: Request header field x-amz-content-sha256 is not allowed by Access-Control-Allow-Headers in preflight response.",
			"S3 itself never sends this", ""},
		{"S3, no Access-Control-Allow-Origin", "Access to fetch at 'https://mybucket.s3.us-east-1.amazonaws.com/x' from origin 'http://localhost:3000' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
			"The URL is an S3 bucket", "never sends this"},
		{"API Gateway", "Access to fetch at 'https://abc123.execute-api.us-east-1.amazonaws.com/prod/items' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.",
			"The URL is an API Gateway API", ""},
	} {
		l, err := consoleline.Read(tc.line)
		if err != nil {
			t.Fatalf("%s: %v", tc.desc, err)
		}
		h := consoleline.Hint(l)
		if !strings.Contains(h, tc.want) || tc.not != "" && strings.Contains(h, tc.not) {
			t.Errorf("%s: hint %q, want %q", tc.desc, h, tc.want)
		}
	}
	if l, err := consoleline.Read("Access to fetch at 'https://api.example.com/x' from origin 'https://app.example.com' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource."); err != nil || consoleline.Hint(l) != "" {
		t.Errorf("another host: hint %q, %v; want none", consoleline.Hint(l), err)
	}
}
