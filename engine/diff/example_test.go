package diff_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/all"
	"github.com/whycors/whycors/engine/diff"
)

// Diff an S3 policy against its next version:
// the groups say what a browser page can now do, or no longer do.
func ExampleDiff() {
	old := diff.Config{Format: "s3-json", Text: `[{"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["GET", "PUT"], "ExposeHeaders": ["ETag"]}]`}
	new := diff.Config{Format: "auto", Text: `[{"AllowedOrigins": ["https://app.example", "https://evil.example"], "AllowedMethods": ["GET", "PUT"]}]`}
	rep, err := diff.Diff(old, new, diff.Options{Formats: all.Registry()})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, g := range rep.Groups {
		fmt.Println(g.Direction+":", g.Summary)
	}
	fmt.Println("widens:", rep.Widens())
	// Output:
	// widen: newly allows https://evil.example on GET, PUT
	// narrow: no longer exposes etag to https://app.example on GET, PUT
	// widens: true
}
