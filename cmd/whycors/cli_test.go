package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
)

// TestVersionOf: which version `whycors version` prints, from the build
// information Go records and the link-time value.
func TestVersionOf(t *testing.T) {
	tests := []struct {
		desc, source string
		info         *debug.BuildInfo
		linked       string
		want         string
	}{
		{desc: "go install module@version records the module's version", source: "runtime/debug BuildInfo.Main.Version; go help install",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v1.2.3"}}, linked: "dev", want: "v1.2.3"},
		{desc: "a pseudo-version (go install module@commit) is printed as it is", source: "go.dev/ref/mod#pseudo-versions",
			info: &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261203125500-abcdef123456"}}, linked: "dev", want: "v0.0.0-20261203125500-abcdef123456"},
		{desc: "a build in the checkout is (devel): the link-time value stands", source: "runtime/debug: (devel) for the main module built from its own tree",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, linked: "v2.0.0", want: "v2.0.0"},
		{desc: "(devel) without a link-time value: dev and the commit Go stamped", source: "go help build: -buildvcs stamps vcs.revision and vcs.modified",
			info:   &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123456789abcdef0123"}, {Key: "vcs.modified", Value: "true"}}},
			linked: "dev", want: "dev (0123456789ab, modified)"},
		{desc: "(devel) with nothing stamped: dev", source: "go help build: -buildvcs=false",
			info: &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, linked: "dev", want: "dev"},
		{desc: "no build information (a binary built without module support)", source: "runtime/debug.ReadBuildInfo: ok is false",
			info: nil, linked: "dev", want: "dev"},
	}
	for _, tc := range tests {
		if got := versionOf(tc.info, tc.linked); got != tc.want {
			t.Errorf("%s (%s): %q, want %q", tc.desc, tc.source, got, tc.want)
		}
	}
}

// TestCLIConventions runs the conventions every subcommand keeps (issue
// 21): --version, "did you mean", flags after arguments, a missing
// argument named, errors as JSON with --json, exit 2 for every input
// error. The exit statuses are the README's ("0 allowed or clean, 1
// blocked or findings, 2 usage or input error").
func TestCLIConventions(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	blocked := write("blocked.json", `{"request":{"origin":"http://app.test","url":"http://api.test/items/1","method":"PUT"}}`)
	badScenario := write("bad.json", "{\"request\":{\"origin\":\"http://a.test\",\"url\":\"http://b.test\"},\n \"x\":1}")
	s3 := write("s3.json", `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`)
	brokenJSON := write("broken.json", "[{\"AllowedOrigins\": [\"https://app.test\"],\n  \"AllowedMethods\": [\"GET\"]")
	brokenNginx := write("broken.conf", "location / {\n    add_header Access-Control-Allow-Origin https://app.test\n")
	refused := write("refused.json", `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET","OPTIONS"]}]`)
	plain := write("plain.json", `[{"AllowedOrigins":["https://app.test"],"AllowedMethods":["GET"]}]`)
	dash := write("-odd.json", `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`)
	tests := []struct {
		desc, source string
		args         []string
		stdin        string
		code         int
		stdout       []string // each must appear on standard output
		stderr       []string // each must appear on standard error
		json         bool     // standard output must be one JSON value
	}{
		// --version and version.
		{desc: "--version prints the version", source: "issue 21; GNU coding standards §4.8.1 --version",
			args: []string{"--version"}, code: 0, stdout: []string{"whycors "}},
		{desc: "version prints the same", source: "issue 21",
			args: []string{"version"}, code: 0, stdout: []string{"whycors " + moduleVersion()}},
		// Did you mean.
		{desc: "a transposition gets a suggestion", source: "issue 21; optimal string alignment distance 1",
			args: []string{"lnit", "x"}, code: 2, stderr: []string{`unknown command "lnit"`, "Did you mean 'whycors lint'?"}},
		{desc: "a missing letter gets a suggestion", source: "issue 21; edit distance 1",
			args: []string{"explan"}, code: 2, stderr: []string{"Did you mean 'whycors explain'?"}},
		{desc: "a word far from every command gets none", source: "issue 21: only a slip of the fingers is suggested",
			args: []string{"deploy"}, code: 2, stderr: []string{`unknown command "deploy"`}},
		// Flags after arguments.
		{desc: "explain FILE --json", source: "issue 21: today it exits 2 and prints the usage",
			args: []string{"explain", blocked, "--json"}, code: 1, stdout: []string{`"reason": "PreflightMissingAllowOriginHeader"`}, json: true},
		{desc: "explain FILE --browser firefox (a flag with a value after the file)", source: "issue 21",
			args: []string{"explain", blocked, "--browser", "firefox"}, code: 1, stdout: []string{"Cross-Origin Request Blocked"}},
		{desc: "lint - --json --policy-format s3-json, standard input", source: "issue 21; '-' is standard input",
			args: []string{"lint", "-", "--json", "--policy-format", "s3-json"}, stdin: `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`,
			code: 1, stdout: []string{`"code": "suffix-trap"`}, json: true},
		{desc: "convert FILE --to native", source: "issue 21",
			args: []string{"convert", plain, "--to", "native"}, code: 0, stdout: []string{`"origins"`}},
		{desc: "-- ends the flags: a file whose name starts with -", source: "POSIX utility syntax guideline 10",
			args: []string{"lint", "--json", "--", dash}, code: 1, stdout: []string{`"code": "suffix-trap"`}, json: true},
		// A missing argument is named.
		{desc: "explain without FILE", source: "issue 21", args: []string{"explain"}, code: 2, stderr: []string{"missing FILE: the scenario to explain"}},
		{desc: "lint without FILE", source: "issue 21", args: []string{"lint", "--fail-on", "warning"}, code: 2, stderr: []string{"missing FILE: the configuration to check"}},
		{desc: "convert without FILE", source: "issue 21", args: []string{"convert", "--to", "native"}, code: 2, stderr: []string{"missing FILE: the configuration to convert"}},
		{desc: "convert without --to", source: "issue 21", args: []string{"convert", s3}, code: 2, stderr: []string{"missing --to FORMAT"}},
		{desc: "probe without URL", source: "issue 21", args: []string{"probe", "--origin", "http://app.test"}, code: 2, stderr: []string{"missing URL"}},
		{desc: "probe without --origin", source: "issue 21", args: []string{"probe", "http://127.0.0.1:1/"}, code: 2, stderr: []string{"missing --origin ORIGIN"}},
		{desc: "respond without --policy", source: "issue 21", args: []string{"respond"}, code: 2, stderr: []string{"missing --policy FILE"}},
		// Help asked for is the output (git and go do the same): tried as
		// a new user would, `whycors lint --help | less` showed nothing.
		{desc: "a command's --help is standard output", source: "the top-level --help's own stream", args: []string{"lint", "--help"}, code: 0, stdout: []string{"Examples:", "-fail-on"}},
		{desc: "help COMMAND is standard output", source: "the top-level --help's own stream", args: []string{"help", "diff"}, code: 0, stdout: []string{"Usage: whycors diff"}},
		{desc: "--help after -- is an argument", source: "flag: -- ends the flags", args: []string{"lint", "--", "--help"}, code: 2, stderr: []string{"--help"}},
		{desc: "two files where one is read", source: "issue 21", args: []string{"convert", "--to", "native", s3, s3}, code: 2, stderr: []string{"one FILE only"}},
		// --json reports errors as JSON.
		{desc: "explain --json: an unknown field at its path, line and column", source: "issue 21; README 'Exit codes'",
			args: []string{"explain", "--json", badScenario}, code: 2, json: true,
			stdout: []string{`"error": {`, `"path": "$.x"`, `"file": "` + badScenario + `"`, `"faults": [`}},
		{desc: "lint --json: invalid JSON is an input error with its position", source: "RFC 8259 (the text is not JSON)",
			args: []string{"lint", brokenJSON, "--json"}, code: 2, json: true, stdout: []string{`"message": "invalid JSON: `, `"line": 2`}},
		{desc: "lint --format json: the same", source: "issue 21",
			args: []string{"lint", "--format", "json", brokenJSON}, code: 2, json: true, stdout: []string{`"error": {`}},
		{desc: "lint --json: a missing file", source: "issue 21",
			args: []string{"lint", "--json", filepath.Join(dir, "none.json")}, code: 2, json: true, stdout: []string{`"message": "open `}},
		{desc: "lint --json: an unknown flag", source: "issue 21",
			args: []string{"lint", "--json", "--colour", s3}, code: 2, json: true, stdout: []string{`"message": "flag provided but not defined: -colour"`}},
		{desc: "convert --json: the error member has the same shape", source: "issue 21",
			args: []string{"convert", "--json", "--to", "native", brokenJSON}, code: 2, json: true, stdout: []string{`"error": {`, `"line": 2`}},
		{desc: "probe --json: a bad origin", source: "issue 21",
			args: []string{"probe", "http://127.0.0.1:1/", "--origin", "not an origin", "--json"}, code: 2, json: true, stdout: []string{`"error": {`, `"path": "$.request.origin"`}},
		{desc: "probe --json: a usage error", source: "issue 21",
			args: []string{"probe", "--json", "http://127.0.0.1:1/"}, code: 2, json: true, stdout: []string{`"message": "missing --origin ORIGIN`}},
		// Every input error exits 2; a platform's refusal stays a finding.
		{desc: "lint: invalid JSON exits 2, not 1", source: "issue 21: today lint exits 1 on a file it cannot parse",
			args: []string{"lint", brokenJSON}, code: 2, stderr: []string{"line 2, column 28: invalid JSON"}},
		{desc: "lint: nginx syntax exits 2", source: "nginx: a directive ends with ';' (nginx.org/en/docs/beginners_guide.html#conf_structure)",
			args: []string{"lint", "--policy-format", "nginx", brokenNginx}, code: 2, stderr: []string{`is not terminated by ";"`, "unclosed {"}},
		{desc: "lint: what S3 reads and refuses is a finding, exit 1", source: "cloud-policies.md §1.2 (S3 refuses OPTIONS)",
			args: []string{"lint", refused}, code: 1, stdout: []string{"error options-method"}},
	}
	for _, tc := range tests {
		t.Run(tc.desc, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(tc.args, strings.NewReader(tc.stdin), &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d (%s)\nstdout: %s\nstderr: %s", code, tc.code, tc.source, out.String(), errb.String())
			}
			for _, w := range tc.stdout {
				if !strings.Contains(out.String(), w) {
					t.Errorf("stdout lacks %q (%s):\n%s", w, tc.source, out.String())
				}
			}
			for _, w := range tc.stderr {
				if !strings.Contains(errb.String(), w) {
					t.Errorf("stderr lacks %q (%s):\n%s", w, tc.source, errb.String())
				}
			}
			if tc.json {
				var v any
				if err := json.Unmarshal(out.Bytes(), &v); err != nil {
					t.Errorf("stdout is not one JSON value: %v\n%s", err, out.String())
				}
			}
		})
	}
}

// TestParseFlags: where flags may stand, and what stays an argument.
func TestParseFlags(t *testing.T) {
	tests := []struct {
		desc, source string
		args         []string
		pos          []string
		json         bool
		to           string
	}{
		{desc: "flags before", source: "flag package", args: []string{"--json", "--to", "x", "a"}, pos: []string{"a"}, json: true, to: "x"},
		{desc: "flags after", source: "issue 21", args: []string{"a", "--json", "--to", "x"}, pos: []string{"a"}, json: true, to: "x"},
		{desc: "flags between", source: "issue 21", args: []string{"a", "--to=x", "b"}, pos: []string{"a", "b"}, to: "x"},
		{desc: "- is an argument (standard input)", source: "POSIX utility syntax guideline 13", args: []string{"-", "--json"}, pos: []string{"-"}, json: true},
		{desc: "-- ends the flags", source: "POSIX utility syntax guideline 10", args: []string{"--json", "--", "--to", "-x"}, pos: []string{"--to", "-x"}, json: true},
		{desc: "a flag's value that starts with - is its value", source: "flag package: -flag x", args: []string{"a", "--to", "-"}, pos: []string{"a"}, to: "-"},
	}
	for _, tc := range tests {
		fs := newTestFlags()
		pos, err := parseFlags(fs.set, tc.args)
		if err != nil {
			t.Errorf("%s: %v", tc.desc, err)
			continue
		}
		if strings.Join(pos, "|") != strings.Join(tc.pos, "|") || *fs.json != tc.json || *fs.to != tc.to {
			t.Errorf("%s (%s): args %q json %v to %q, want %q %v %q", tc.desc, tc.source, pos, *fs.json, *fs.to, tc.pos, tc.json, tc.to)
		}
	}
}

type testFlags struct {
	set  *flag.FlagSet
	json *bool
	to   *string
}

func newTestFlags() testFlags {
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return testFlags{set: fs, json: fs.Bool("json", false, ""), to: fs.String("to", "", "")}
}

// writeTemp writes text to dir/name and returns the path.
func writeTemp(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	// name may hold folders (a module's envs/prod.tfvars).
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
