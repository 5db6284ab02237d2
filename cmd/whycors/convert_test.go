package main

import (
	"bytes"
	"os"
	"path/filepath"
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

// TestConvertModule: convert reads a Terraform module as lint and
// explain do, its variables from terraform.tfvars or --param
// (developer.hashicorp.com/terraform/language/values/variables); before,
// it read main.tf alone and refused the unknown app_origins.
func TestConvertModule(t *testing.T) {
	ex := filepath.Join("..", "..", "examples", "terraform-s3")
	multi := filepath.Join("..", "..", "engine", "formats", "terraform", "testdata", "multi") // two buckets
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "main.tf"), []byte(`resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = ["https://a.example"]
    allowed_methods = ["GET"]
  }
}
`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []lintCase{
		{desc: "the folder: app_origins from terraform.tfvars", args: []string{"--to", "native", ex}, code: 0,
			stdout: []string{`"origins": ["https://app.example.com"]`}},
		{desc: "main.tf named brings its folder's module", args: []string{"--to", "native", filepath.Join(ex, "main.tf")}, code: 0,
			stdout: []string{`"origins": ["https://app.example.com"]`}},
		{desc: "--param over terraform.tfvars", args: []string{"--to", "native", "--param", `app_origins=["https://param.example"]`, ex}, code: 0,
			stdout: []string{`"origins": ["https://param.example"]`}, not: []string{"https://app.example.com"}},
		{desc: "a note names the module's file and the platform", args: []string{"--to", "nginx", ex}, code: 1,
			stderr: filepath.Join(ex, "main.tf") + ":11:3: rule 1 methods (wider): S3 picks a rule by method too"},
		{desc: "a module of several CORS resources is converted one at a time", args: []string{"--to", "native", multi}, code: 1,
			stderr: "several resources have a CORS configuration (aws_s3_bucket.a, aws_s3_bucket.b), each answering its own requests: convert one at a time with --resource NAME"},
		{desc: "--resource chooses one; the other's rule is left out", args: []string{"--to", "native", "--resource", "aws_s3_bucket.b", multi}, code: 0,
			stdout: []string{"https://b.example.com"}, not: []string{"https://a.example.com"}},
		{desc: "two modules are two configurations", args: []string{"--to", "native", ex, other}, code: 2,
			stderr: "one FILE only (or one Terraform module's folder or files); unexpected"},
	}
	for _, tc := range tests {
		tc.command = "convert"
		t.Run(tc.desc, tc.check)
	}
}

// TestConvertLiteralStar: Traefik and nginx both send
// Access-Control-Allow-Headers: * as written (Traefik's headers
// middleware joins the list; nginx's add_header sends its value), so the
// conversion changes nothing there: one "same" note where the source's
// "wider" and the target's "narrower" made it a refusal (tried as a new
// user would).
func TestConvertLiteralStar(t *testing.T) {
	const text = `http:
  middlewares:
    cors:
      headers:
        accessControlAllowMethods: [GET, PUT]
        accessControlAllowHeaders: "*"
        accessControlAllowOriginList: [https://app.example.com]
        addVaryHeader: true
`
	for _, tc := range []lintCase{
		{desc: "to nginx: the same line", command: "convert", args: []string{"--to", "nginx", "-"}, stdin: text, code: 0,
			stdout: []string{"Access-Control-Allow-Headers"}, stderr: "(same): both send Access-Control-Allow-Headers: * as written"},
		{desc: "to native, which echoes the names: wider, refused", command: "convert", args: []string{"--to", "native", "-"}, stdin: text, code: 1,
			stderr: "(wider): traefik sends Access-Control-Allow-Headers: * as written"},
	} {
		t.Run(tc.desc, tc.check)
	}
}

// TestConvertPolicyFormat: convert takes --policy-format, as lint and
// explain name the input's format (tried as a new user would, it was
// "flag provided but not defined").
func TestConvertPolicyFormat(t *testing.T) {
	const text = `[{"origin": ["https://app.test"], "method": ["PUT"], "responseHeader": ["Content-Type"]}]`
	for _, tc := range []lintCase{
		{desc: "--policy-format names the source", command: "convert", args: []string{"--policy-format", "gcs-json", "--to", "native", "-"}, stdin: text, code: 0,
			stdout: []string{`"origins": ["https://app.test"]`}},
		{desc: "--from still does", command: "convert", args: []string{"--from", "gcs-json", "--to", "native", "-"}, stdin: text, code: 0,
			stdout: []string{`"origins": ["https://app.test"]`}},
	} {
		t.Run(tc.desc, tc.check)
	}
}
