package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestLintCommand runs `whycors lint` end to end: exit codes as documented
// (0 nothing at or above --fail-on, 1 some, 2 bad input), the
// FILE:LINE:COLUMN form and the JSON form. Expected findings rest on
// server-peers.md §1.2 (suffix trap) and browser-cors.md §1.1 (GET is
// safelisted).
func TestLintCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	trap := write("trap.json", `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`)
	info := write("info.json", `{"origins":["https://app.test"],"methods":["GET","PUT"]}`)
	tests := []struct {
		desc   string
		args   []string
		stdin  string
		code   int
		stdout []string
		stderr string
	}{
		{desc: "an error finding exits 1, with file, line and column", args: []string{trap}, code: 1,
			stdout: []string{trap + ":1:21: error suffix-trap: "}},
		{desc: "info findings pass the default --fail-on error", args: []string{info}, code: 0,
			stdout: []string{"info safelisted-method"}},
		{desc: "--fail-on info fails on them", args: []string{"--fail-on", "info", info}, code: 1},
		{desc: "standard input with a named format", args: []string{"--format", "native", "-"}, stdin: `{"origins":["null"]}`, code: 1,
			stdout: []string{"-:1:13: error rejected: "}},
		{desc: "JSON output", args: []string{"--json", trap}, code: 1, stdout: []string{`"code": "suffix-trap"`, `"line": 1`, `"column": 21`}},
		{desc: "bad --fail-on", args: []string{"--fail-on", "fatal", trap}, code: 2, stderr: "want error, warning or info"},
		{desc: "undetectable text", args: []string{"-"}, stdin: "hello", code: 2, stderr: "cannot tell the format"},
		{desc: "missing file", args: []string{filepath.Join(dir, "none")}, code: 2, stderr: "no such file"},
		{desc: "help", args: []string{"--help"}, code: 0, stderr: "Examples:"},
		{desc: "--codes lists every code with what it rests on, without a file", args: []string{"--codes"}, code: 0,
			stdout: []string{"wildcard-credentials (error)\n", "Rests on: fetch.spec.whatwg.org/#concept-cors-check", "suppression-unused (info)\n"}},
		{desc: "--codes as JSON", args: []string{"--codes", "--json"}, code: 0, stdout: []string{`"code": "suffix-trap"`, `"severity": "error"`, `"source": "portswigger.net/web-security/cors`}},
		{desc: "the value's path ends the line", args: []string{trap}, code: 1, stdout: []string{"(at $[0].AllowedOrigins[0])\n"}},
		{desc: "--policy-format names the configuration's format", args: []string{"--policy-format", "native", "-"}, stdin: `{"origins":["null"]}`, code: 1,
			stdout: []string{"-:1:13: error rejected: "}},
		{desc: "SARIF for code scanning (internal/report), with the same exit code", args: []string{"--format", "sarif", trap}, code: 1,
			stdout: []string{`"version": "2.1.0"`, `"ruleId": "suffix-trap"`, `"uri": "file://`, `"startLine": 1`, `"startColumn": 21`, `"helpUri": "https://pkg.go.dev/github.com/whycors/whycors/engine/lint#hdr-Codes"`}},
		{desc: "GitHub workflow annotations", args: []string{"--format", "github", trap}, code: 1,
			stdout: []string{"::error file=" + trap + ",line=1,col=21,title=whycors suffix-trap::"}},
		{desc: "Markdown for a pull-request comment", args: []string{"--format", "markdown", "--fail-on", "info", info}, code: 1,
			stdout: []string{"| note | `safelisted-method` |"}},
		{desc: "unknown --format", args: []string{"--format", "xml", trap}, code: 2, stderr: "want text, json, sarif, github or markdown"},
		{desc: "several files: each file's findings, exit by the worst (issue 21: the Action and pre-commit pass several)", args: []string{trap, info}, code: 1,
			stdout: []string{trap + ":1:21: error suffix-trap: ", info + ":"}},
		{desc: "several files as one SARIF run", args: []string{"--format", "sarif", trap, info}, code: 1,
			stdout: []string{`"ruleId": "suffix-trap"`, `"ruleId": "safelisted-method"`}},
		{desc: "several files in JSON: each finding names its file", args: []string{"--json", trap, info}, code: 1,
			stdout: []string{`"file": "` + trap + `"`, `"file": "` + info + `"`}},
		{desc: "a file that cannot be read among others: the others are linted, exit 2", args: []string{trap, filepath.Join(dir, "none")}, code: 2,
			stdout: []string{"error suffix-trap"}, stderr: "no such file"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"lint"}, tc.args...), strings.NewReader(tc.stdin), &out, &errb)
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

// TestConvertCommand runs `whycors convert`: 0 converted (notes on
// stderr), 1 refused by the target, 2 bad input. The S3 facts are
// cloud-policies.md §0 item 4 (credentials with an echoed origin) and §1
// (no per-path CORS).
func TestConvertCommand(t *testing.T) {
	dir := t.TempDir()
	s3 := filepath.Join(dir, "s3.json")
	if err := os.WriteFile(s3, []byte(`[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","PUT"]}]`), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		desc   string
		args   []string
		stdin  string
		code   int
		stdout []string
		stderr string
	}{
		{desc: "S3 to native", args: []string{"--to", "native", s3}, code: 0, stdout: []string{`"credentials": true`, `"match": ["method", "request_headers"]`}},
		{desc: "native per-path rule to S3 is refused", args: []string{"--to", "s3-json", "-"}, stdin: `{"path":"/api/*","origins":["https://app.test"]}`, code: 1, stderr: "rule 1 paths: S3 applies CORS"},
		{desc: "JSON form", args: []string{"--to", "r2-api", "--json", s3}, code: 0, stdout: []string{`"output": "{`, `"notes": [`}},
		{desc: "invalid source", args: []string{"--to", "native", "--from", "s3-json", "-"}, stdin: `[{"AllowedOrigins":["*"],"AllowedMethods":["OPTIONS"]}]`, code: 2, stderr: "Unsupported method is OPTIONS"},
		{desc: "unknown target", args: []string{"--to", "har", s3}, code: 2, stderr: "cannot write format"},
		{desc: "no --to: the missing flag is named", args: []string{s3}, code: 2, stderr: "missing --to FORMAT"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(append([]string{"convert"}, tc.args...), strings.NewReader(tc.stdin), &out, &errb)
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
			if strings.Contains(strings.Join(tc.args, " "), "--json") {
				var v map[string]any
				if err := json.Unmarshal(out.Bytes(), &v); err != nil {
					t.Errorf("not JSON: %v", err)
				}
			}
		})
	}
}
