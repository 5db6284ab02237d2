package sdkpreset_test

import (
	"fmt"

	"github.com/whycors/whycors/engine/sdkpreset"
)

// A multipart upload's UploadPart, as @aws-sdk/client-s3 sends it from a
// page: what the preflight asks for, and what the server must expose.
func ExampleLookup() {
	p, _ := sdkpreset.Lookup("s3-uploadpart")
	fmt.Println(p.Method, len(p.Header), "headers; needs", p.Needs)
	fmt.Println("hidden from a reply exposing nothing:", p.Hidden([]string{"content-type"}, true))
	// Output:
	// PUT 9 headers; needs [ETag]
	// hidden from a reply exposing nothing: [ETag]
}
