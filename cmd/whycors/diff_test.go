package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestDiffCommand runs `whycors diff` end to end: exit 1 on a widening by
// default (--fail-on), 0 otherwise, 2 on bad input with its position; the
// text, JSON, SARIF and Markdown forms. The expected changes rest on
// cloud-policies.md §0 item 4 (S3 sends credentials to a named origin,
// native only with "credentials": true) and §1.3 (S3 picks a rule by
// origin and method).
func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	old := write("old.json", `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","PUT"]}]`)
	wider := write("wider.json", "[{\"AllowedOrigins\":[\"https://app.test\"],\"AllowedMethods\":[\"GET\",\"PUT\"]},\n {\"AllowedOrigins\":[\"https://evil.test\"],\"AllowedMethods\":[\"PUT\"]}]")
	narrower := write("narrower.json", `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]}]`)
	nativeNoCreds := write("native.json", `{"origins":["https://app.test"],"methods":["PUT"]}`)
	broken := write("broken.json", "[{\"AllowedOrigins\":[\"https://app.test\"],\n \"AllowedMethods\": GET}]")
	type diffCase struct {
		desc, stdin string
		args        []string
		code        int
		stdout      []string // what standard output must contain
		stderr      string
	}
	tests := []diffCase{
		{desc: "a widening exits 1, with where NEW says it", args: []string{old, wider}, code: 1,
			stdout: []string{"1 widening, 0 narrowing", "widen  newly allows https://evil.test on PUT  (2 requests; " + wider + ":2:21)"}},
		{desc: "a narrowing passes the default --fail-on widen", args: []string{old, narrower}, code: 0,
			stdout: []string{"narrow no longer allows https://app.test on PUT"}},
		{desc: "--fail-on narrow fails on it", args: []string{"--fail-on", "narrow", old, narrower}, code: 1},
		{desc: "--fail-on any, flags after the files", args: []string{old, narrower, "--fail-on=any"}, code: 1},
		{desc: "the same configuration: exit 0, said on stderr", args: []string{old, old}, code: 0, stderr: "make the same decisions"},
		{desc: "two formats, detected: S3 to native loses credentials", args: []string{old, nativeNoCreds}, code: 0,
			stdout: []string{"(s3-json -> native, chrome)", "no longer allows https://app.test with credentials on GET, PUT"}},
		{desc: "OLD from standard input with its format named", args: []string{"--old-format", "native", "-", old}, stdin: `{"origins":["https://app.test"],"methods":["PUT"]}`, code: 1,
			stdout: []string{"newly allows https://app.test with credentials on GET, PUT"}},
		{desc: "JSON", args: []string{"--json", old, wider}, code: 1,
			stdout: []string{`"direction": "widen"`, `"change": "allows"`, `"summary": "newly allows https://evil.test on PUT"`, `"line": 2`, `"old_format": "s3-json"`}},
		{desc: "SARIF: each change a result at NEW", args: []string{"--format", "sarif", "--fail-on", "any", old, narrower}, code: 1,
			stdout: []string{`"version": "2.1.0"`, `"ruleId": "cors-narrow"`, `"id": "cors-widen"`, "narrower.json", `"level": "error"`}},
		{desc: "Markdown for a pull-request comment: a change that does not fail is a note", args: []string{"--format", "markdown", old, narrower}, code: 0,
			stdout: []string{"| note | `cors-narrow` |", "no longer allows https://app\\.test on PUT"}},
		{desc: "a reader's fault, with its position in the file named", args: []string{old, broken}, code: 2, stderr: broken + ": line 2, column"},
		{desc: "the fault as JSON", args: []string{"--json", broken, old}, code: 2, stdout: []string{`"file": "` + broken + `"`, `"line": 2`}},
		{desc: "a missing file", args: []string{old, filepath.Join(dir, "none")}, code: 2, stderr: "no such file"},
		{desc: "one file only: NEW is named", args: []string{old}, code: 2, stderr: "missing NEW"},
		{desc: "bad --fail-on", args: []string{"--fail-on", "wider", old, wider}, code: 2, stderr: "want widen, narrow or any"},
		{desc: "unknown browser", args: []string{"--browser", "lynx", old, wider}, code: 2, stderr: "unknown browser"},
		{desc: "help, on standard output", args: []string{"--help"}, code: 0, stdout: []string{"Examples:"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			out, errb := runDiffCase(t, tc.args, tc.stdin, tc.code)
			for _, w := range tc.stdout {
				if !strings.Contains(out, w) {
					t.Errorf("stdout lacks %q:\n%s", w, out)
				}
			}
			if tc.stderr != "" && !strings.Contains(errb, tc.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tc.stderr, errb)
			}
		})
	}
}

// runDiffCase runs `whycors diff args`, checks its exit code and, for
// --json and SARIF, that standard output is JSON.
func runDiffCase(t *testing.T, args []string, stdin string, want int) (stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	if code := run(append([]string{"diff"}, args...), strings.NewReader(stdin), &out, &errb); code != want {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, want, out.String(), errb.String())
	}
	if j := strings.Join(args, " "); strings.Contains(j, "--json") || strings.Contains(j, "sarif") {
		var v map[string]any
		if err := json.Unmarshal(out.Bytes(), &v); err != nil {
			t.Errorf("not JSON: %v", err)
		}
	}
	return out.String(), errb.String()
}

// TestDiffParamsAndModules: diff reads a template's parameters and a
// Terraform module as explain, lint and convert read them. A parameter
// without a Default matches nothing (what cfn-unresolved says), so a
// header added under it changed no decision and diff said "the same
// decisions" with nothing to say why (tried as a new user would); it now
// names what it assumed, and --param gives the value. The widening is
// placed at the header's entry, where it was at the origins'.
func TestDiffParamsAndModules(t *testing.T) {
	dir := t.TempDir()
	tpl := func(headers string) string {
		return `Parameters:
  Origins:
    Type: CommaDelimitedList
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: !Ref Origins
            AllowedMethods: [PUT]
            AllowedHeaders: [` + headers + `]
`
	}
	old, new := filepath.Join(dir, "old.yaml"), filepath.Join(dir, "new.yaml")
	for name, text := range map[string]string{old: tpl("Content-Type"), new: tpl("Content-Type, x-amz-acl")} {
		if err := os.WriteFile(name, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ex := filepath.Join("..", "..", "examples", "terraform-s3")
	mod := writeTemp(t, dir, "infra/main.tf", `variable "origins" {
  type = list(string)
}
resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = var.origins
    allowed_methods = ["GET", "PUT"]
  }
}
`)
	mod = filepath.Dir(mod)
	staging := writeTemp(t, dir, "envs/staging.tfvars", `origins = ["https://staging.example"]`+"\n")
	prod := writeTemp(t, dir, "envs/prod.tfvars", `origins = ["https://app.example", "https://staging.example"]`+"\n")
	for _, tc := range []lintCase{
		{desc: "a parameter without a Default: what the diff assumed is said", args: []string{old, new}, code: 0,
			stderr: "note: " + new + ":10:29: !Ref Origins is a parameter without a Default"},
		{desc: "--param gives it, and the added header is a widening", args: []string{"--param", "Origins=https://app.example", old, new}, code: 1,
			stdout: []string{"newly allows the header x-amz-acl from https://app.example on PUT", new + ":12:"}},
		{desc: "a module's folder against its main.tf, which brings the folder: the same", args: []string{ex, filepath.Join(ex, "main.tf")}, code: 0,
			stderr: "make the same decisions"},
		// One module's two environments, each a .tfvars kept apart
		// (terraform -var-file): prod allows an origin staging does not.
		{desc: "--old-var-file and --new-var-file: one module's environments", args: []string{"--old-var-file", staging, "--new-var-file", prod, mod, mod}, code: 1,
			stdout: []string{mod + " (" + staging + ") -> " + mod + " (" + prod + ")", "newly allows https://app.example on GET, PUT", prod + ":1:"}},
		{desc: "the same environment on both sides: the same decisions", args: []string{"--old-var-file", staging, "--new-var-file", staging, mod, mod}, code: 0,
			stderr: "make the same decisions"},
		{desc: "--old-param and --new-param: one side's value", args: []string{"--old-param", `origins=["https://a.example"]`, "--new-param", `origins=["https://a.example", "https://b.example"]`, mod, mod}, code: 1,
			stdout: []string{"newly allows https://b.example"}},
		{desc: "--new-param over --param", args: []string{"--param", `origins=["https://a.example"]`, "--new-param", `origins=["https://c.example"]`, mod, mod}, code: 1,
			stdout: []string{"no longer allows https://a.example", "newly allows https://c.example"}},
		{desc: "a var file of no .tfvars name", args: []string{"--old-var-file", filepath.Join(dir, "old.yaml"), mod, mod}, code: 2,
			stderr: "want a variable definitions file"},
		{desc: "a var file with a side that is no module", args: []string{"--old-var-file", staging, old, mod}, code: 2,
			stderr: "is not the one Terraform module those files set"},
	} {
		tc.command = "diff"
		t.Run(tc.desc, tc.check)
	}
}
