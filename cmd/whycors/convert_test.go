package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestConvertNeverWider runs `whycors convert` on issue 19's cases: the
// two-rule S3 bucket converts to native exactly (no note, exit 0); a
// conversion that would refuse what the source allows writes nothing and
// exits 1 unless --allow-narrower; one that would allow more is refused
// whatever the flags.
func TestConvertNeverWider(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	// Issue 19's bucket: one rule per origin, the most common S3 shape.
	bucket := write("bucket.json", `[
  {"AllowedOrigins": ["https://www.example.com"], "AllowedMethods": ["GET"]},
  {"AllowedOrigins": ["https://app.example"], "AllowedMethods": ["PUT", "POST", "HEAD"], "AllowedHeaders": ["*"]}
]`)
	// x-amz-* is a prefix pattern native cannot say (cloud-policies.md §1.3).
	prefix := write("prefix.json", `[{"AllowedOrigins": ["https://app.test"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["x-amz-*", "content-type"]}]`)
	// API Gateway sends AllowHeaders * literally (cloud-policies.md §5.1);
	// native would echo every name, Authorization included.
	literal := write("apigw.json", `{"AllowOrigins": ["https://app.test"], "AllowHeaders": ["*"]}`)
	tests := []struct {
		desc      string
		args      []string
		code      int
		stdout    []string // substrings; nil: stdout must be empty
		stderr    []string
		notStderr string
	}{
		{desc: "issue 19's S3 bucket converts to native without loss (cloud-policies.md §1.3; native doc, Which rule answers)",
			args: []string{"--to", "native", bucket}, code: 0,
			stdout:    []string{`"origins": ["https://www.example.com"]`, `"origins": ["https://app.example"]`, `"methods": ["PUT", "POST", "HEAD"]`, `"match": ["method", "request_headers"]`},
			notStderr: "note:"},
		{desc: "narrower: nothing written, exit 1, the change named",
			args: []string{"--to", "native", prefix}, code: 1,
			stderr: []string{"rule 1 allow_headers (narrower)", "--allow-narrower", `"x-amz-*" is a prefix pattern`}},
		{desc: "narrower with --allow-narrower: written, exit 0, notes on stderr",
			args: []string{"--to", "native", "--allow-narrower", prefix}, code: 0,
			stdout: []string{`"request_headers": ["content-type"]`}, stderr: []string{"note: ", "(narrower)"}},
		{desc: "wider is never written, even with --allow-narrower",
			args: []string{"--to", "native", "--allow-narrower", literal}, code: 1,
			stderr: []string{"would allow requests the source refuses", "rule 1 allow_headers"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"convert"}, tc.args...), strings.NewReader(""), &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			if tc.stdout == nil && out.Len() > 0 {
				t.Errorf("stdout not empty:\n%s", out.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q:\n%s", w, errb.String())
				}
			}
			if tc.notStderr != "" && strings.Contains(errb.String(), tc.notStderr) {
				t.Errorf("stderr has %q:\n%s", tc.notStderr, errb.String())
			}
		})
	}
}
