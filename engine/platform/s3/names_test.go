package s3_test

import (
	"testing"

	"github.com/whycors/whycors/engine/platform/s3"
)

// TestNamesBucket: the request URLs that address a bucket, virtual-hosted
// and path-style (AWS, "Virtual hosting of buckets" and "Path-style
// requests" in the S3 user guide).
func TestNamesBucket(t *testing.T) {
	tests := []struct {
		desc, host, path string
		want             bool
	}{
		{desc: "virtual-hosted, regional", host: "uploads.s3.us-east-1.amazonaws.com", path: "/a.jpg", want: true},
		{desc: "virtual-hosted, legacy regional dash", host: "uploads.s3-us-west-2.amazonaws.com", path: "/", want: true},
		{desc: "path-style", host: "s3.us-east-1.amazonaws.com", path: "/uploads/a.jpg", want: true},
		{desc: "path-style, another bucket", host: "s3.amazonaws.com", path: "/other/a.jpg", want: false},
		{desc: "another bucket's host", host: "other.s3.amazonaws.com", path: "/uploads", want: false},
		{desc: "a name that only starts like the bucket's", host: "uploads2.s3.amazonaws.com", path: "/", want: false},
		{desc: "not an S3 endpoint", host: "uploads.example.com", path: "/", want: false},
	}
	for _, tc := range tests {
		if got := s3.NamesBucket("uploads", tc.host, tc.path); got != tc.want {
			t.Errorf("%s: NamesBucket(uploads, %s, %s) = %v, want %v", tc.desc, tc.host, tc.path, got, tc.want)
		}
	}
}
