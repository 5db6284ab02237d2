//go:build !(js && wasm) && !whycors_nativeonly

package main

import (
	"strconv"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/headers"
)

// BenchmarkDecideS3 is the edge's hot path for an ordinary multi-origin
// S3 bucket (issue 19's shape, one rule per origin) at 100 rules: a
// preflight from the last rule's origin, allowed, answered at the edge
// with S3's own reply, as the exported call runs it.
func BenchmarkDecideS3(b *testing.B) {
	var rules []string
	for i := range 100 {
		rules = append(rules, `{"AllowedOrigins": ["https://site`+strconv.Itoa(i)+`.example"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["content-type"]}`)
	}
	s := platformServer(b, "["+strings.Join(rules, ",")+"]", "s3-json")
	q := Request{Method: "OPTIONS", Target: "/photos/1.jpg", URL: "https://bucket.example", Header: headers.List{
		{Name: "Origin", Value: "https://site99.example"}, {Name: "Access-Control-Request-Method", Value: "PUT"}, {Name: "Access-Control-Request-Headers", Value: "content-type"}}}
	in := q.Wire()
	var out []byte
	b.ReportAllocs()
	for b.Loop() {
		out = s.AppendDecideWire(out[:0], in)
	}
	if !strings.HasPrefix(string(out), "R200") || !strings.Contains(string(out), "https://site99.example") {
		b.Fatalf("answer %q, want S3's 200 with the origin", out)
	}
}
