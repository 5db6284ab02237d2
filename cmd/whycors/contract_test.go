package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTestCommand runs `whycors test POLICY EXPECTATIONS` (issue 22,
// contract tests): 0 every case holds, 1 one does not (printed at its
// line with the browser's reason and the deciding rule), 2 bad input at
// its position; SARIF and JSON forms.
func TestTestCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	pol := write("policy.json", `{"origins": ["https://app.example.com"], "methods": ["PUT"], "request_headers": ["x-key"]}`)
	holds := write("holds.yaml", "cases:\n  - {origin: https://app.example.com, method: PUT, headers: [x-key], expect: allow}\n  - {origin: https://evil.example, expect: deny}\n")
	breaks := write("breaks.yaml", "cases:\n  - {origin: https://app.example.com, method: PUT, headers: [x-other], browser: chrome, expect: allow}\n")
	bad := write("bad.yaml", "cases:\n  - {origin: https://app.example.com, expect: perhaps}\n")
	module := write("module.yaml", "url: https://photos-uploads.s3.amazonaws.com\ncases:\n  - {origin: https://app.example.com, method: PUT, path: /k, headers: [content-type], expect: allow}\n  - {origin: https://evil.example, expect: deny}\n")
	tests := []struct {
		desc   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{desc: "every case holds", args: []string{pol, holds}, code: 0, stderr: "6 of 6 checks hold"},
		{desc: "a case that does not hold: its line, the reason, the rule", args: []string{pol, breaks}, code: 1,
			stdout: []string{breaks + ":2:5: case 1 (PUT / from https://app.example.com with x-other): expected allow, chrome blocks it: PreflightMissingAllowOriginHeader (decided by rule 1 at $, which did not match on headers: path \"/\" matches \"/*\"; origin \"https://app.example.com\" matches \"https://app.example.com\" ($.origins[0]); request header \"x-other\" is not in $.request_headers)"}},
		{desc: "SARIF at the expectations file", args: []string{"--format", "sarif", pol, breaks}, code: 1, stdout: []string{`"ruleId": "contract-mismatch"`, `"startLine": 2`}},
		{desc: "JSON", args: []string{pol, holds, "--json"}, code: 0, stdout: []string{`"failed": 0`, `"browser": "safari"`}},
		{desc: "a fault of the expectations at its place", args: []string{pol, bad}, code: 2, stderr: "$.cases[0].expect"},
		{desc: "a missing expectations file is named", args: []string{pol}, code: 2, stderr: "missing EXPECTATIONS"},
		// Tried as a new user would: a module's folder was "is a
		// directory", its main.tf a fault telling to use --param, which
		// test did not take.
		{desc: "a Terraform module's folder, read with its .tfvars as explain reads it", args: []string{"../../examples/terraform-s3", module}, code: 0, stderr: "6 of 6 checks hold"},
		{desc: "one of its .tf files brings the folder", args: []string{"../../examples/terraform-s3/main.tf", module}, code: 0, stderr: "6 of 6 checks hold"},
		{desc: "--param sets a variable", args: []string{"--param", `app_origins=["https://other.example"]`, "../../examples/terraform-s3", module}, code: 1, stderr: "3 of 6 checks hold"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"test"}, tc.args...), strings.NewReader(""), &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q:\n%s", w, out.String())
				}
			}
			if tc.stderr != "" && !strings.Contains(errb.String(), tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errb.String())
			}
		})
	}
}

// TestTestHelpExample runs the expectations file test --help shows
// against an S3 configuration that meets it: the example must read, and
// hold.
func TestTestHelpExample(t *testing.T) {
	dir := t.TempDir()
	policy := filepath.Join(dir, "cors.json")
	exp := filepath.Join(dir, "expect.yaml")
	if err := os.WriteFile(policy, []byte(`[{"AllowedOrigins": ["https://app.example.com"], "AllowedMethods": ["PUT"], "AllowedHeaders": ["content-type", "x-amz-meta-owner"]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(exp, []byte(testHelpExample), 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if code := runTest([]string{policy, exp}, strings.NewReader(""), &out, &errOut); code != 0 {
		t.Fatalf("exit %d, want 0: %s%s", code, out.String(), errOut.String())
	}
	var help bytes.Buffer
	runTest([]string{"--help"}, strings.NewReader(""), &bytes.Buffer{}, &help)
	if !strings.Contains(help.String(), testHelpExample) {
		t.Errorf("the help does not show the example this test runs:\n%s", help.String())
	}
}
