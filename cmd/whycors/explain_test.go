package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/whycors/whycors/engine/policy"
)

// chromeLine is Chromium 156's line for a preflight answered without
// Access-Control-Allow-Origin (engine/fetch chromeDetail; the e2e/chromium
// recordings pf-acao-missing and the like).
const chromeLine = "Access to fetch at 'https://api.example.com/items' from origin 'https://app.example.com' has been blocked by CORS policy: Response to preflight request doesn't pass access control check: No 'Access-Control-Allow-Origin' header is present on the requested resource."

func TestRunExplain(t *testing.T) {
	blocked := `{"request":{"origin":"http://app.test","url":"http://api.test/items/1","method":"PUT"}}`
	allowed := `{"request":{"origin":"http://app.test","url":"http://api.test/x"},"response":{"status":200,"headers":[["Access-Control-Allow-Origin","*"]]}}`
	tests := []struct {
		desc, stdin string
		args        []string
		code        int
		out, errOut string
	}{
		{desc: "blocked exits 1", stdin: blocked, args: []string{"-"}, code: 1, out: "Chrome: BLOCKED (PreflightMissingAllowOriginHeader)"},
		{desc: "allowed exits 0", stdin: allowed, args: []string{"-"}, code: 0, out: "Chrome: ALLOWED"},
		// Tried as a new user would: the replay made up a 200 for the
		// PUT the probe withheld, and blocked it.
		{desc: "a probe record that stopped after its preflight is not replayed past it", stdin: `{"scenario":{"request":{"origin":"https://a.test","url":"https://b.test/x","method":"PUT"},"preflight":{"status":204,"headers":[["Access-Control-Allow-Origin","https://a.test"],["Access-Control-Allow-Methods","PUT"]]}},"probe":{"outcome":"preflight-passed","note":"the preflight passed; the actual PUT was not sent"}}`,
			args: []string{"-"}, code: 2, errOut: "the probe stopped before the fetch's end, so there is no reply to replay past it: the preflight passed"},
		// Tried as a new user would: the session's third fetch is
		// blocked, and the run exited 0 with a headline of the first.
		{desc: "a session whose later fetch is blocked exits 1 and says it in the headline", args: []string{"../../examples/upload-preflight-cache.json"}, code: 1,
			out: "Chrome allows the fetch after a passing preflight, and the page reads status 200. Later fetch 2 of the session ($.then[1]) is blocked: The server answered the preflight 204."},
		{desc: "json", stdin: blocked, args: []string{"--json", "-"}, code: 1, out: `"reason": "PreflightMissingAllowOriginHeader"`},
		{desc: "browser flag", stdin: blocked, args: []string{"--browser", "firefox", "-"}, code: 1, out: "Cross-Origin Request Blocked"},
		{desc: "unknown field exits 2 with its path", stdin: `{"request":{"origin":"http://a.test","url":"http://b.test"},"x":1}`, args: []string{"-"}, code: 2, errOut: "$.x: unknown field"},
		{desc: "unknown browser exits 2", stdin: blocked, args: []string{"--browser", "lynx", "-"}, code: 2, errOut: "$.browser"},
		{desc: "no file", args: []string{}, code: 2},
		{desc: "the text shows the fix as a diff", stdin: blocked, args: []string{"-"}, code: 1, out: "+Access-Control-Allow-Origin: http://app.test"},
		{desc: "the text shows the preflight as sent", stdin: blocked, args: []string{"-"}, code: 1, out: "| Access-Control-Request-Method: PUT"},
		{desc: "--no-fixes skips the search", stdin: blocked, args: []string{"--no-fixes", "--json", "-"}, code: 1, out: `"fixes": []`},
		{desc: "the first line is the summary", stdin: blocked, args: []string{"-"}, code: 1, out: "The server answered the preflight 404. Chrome then blocks the fetch at the preflight"},
		{desc: "a HAR file: every cross-origin fetch, the blocked first", args: []string{"../../examples/capture-preflight-403.har"}, code: 1,
			out: "2 cross-origin fetches, 1 blocked\n\n== log.entries[2]: POST https://api.example.com/items\nThe server answered the preflight 403."},
		{desc: "a HAR file as JSON", args: []string{"--json", "../../examples/capture-preflight-403.har"}, code: 1, out: `{"exchanges":[{"entry":2,"verdict":{"browser":"chrome","allowed":false,`},
		// Chrome exports a fetch it blocked without Origin; under referrer
		// policy no-referrer nothing in the file tells its origin. Tried
		// as a new user would, the file read "0 cross-origin fetches, 0
		// blocked", exit 0.
		{desc: "a HAR file whose one failed fetch has no origin to tell", args: []string{"testdata/no-referrer-blocked.har"}, code: 2,
			errOut: "log.entries[0]: GET https://api.test/me failed (net::ERR_FAILED), and the file shows no Origin, preflight or cross-origin Referer for it (a page with referrer policy no-referrer sends none"},
		{desc: "a HAR file with such a fetch beside an explained one names it", args: []string{"testdata/no-referrer-and-allowed.har"}, code: 0,
			out: "1 cross-origin fetch, 0 blocked\nlog.entries[1]: GET https://api.test/me failed (net::ERR_FAILED); the file shows no Origin, preflight or cross-origin Referer for it, so it is not explained"},
		{desc: "--policy reads the server's configuration from a file", stdin: blocked, args: []string{"--policy", "testdata/s3-put.json", "-"}, code: 0, out: "S3 answered"},
		{desc: "--policy main.tf reads its folder's module, as lint and convert do (app_origins from terraform.tfvars)", args: []string{"--policy", "../../examples/terraform-s3/main.tf", "../../examples/terraform-s3/request.json"}, code: 1,
			out: `fails on headers: requested header "x-amz-meta-uploaded-by"`},
		{desc: "--policy of a module's folder", args: []string{"--policy", "../../examples/terraform-s3", "../../examples/terraform-s3/request.json"}, code: 1,
			out: `fails on headers: requested header "x-amz-meta-uploaded-by"`},
		{desc: "--policy of a .tfvars kept apart sets the module named with it, as terraform -var-file does", args: []string{"--policy", "../../examples/terraform-s3", "--policy", "testdata/other-origins.tfvars", "../../examples/terraform-s3/request.json"}, code: 1,
			out: `fails on origin: Origin "https://app.example.com" matches no AllowedOrigin`},
		{desc: "--policy of a .tfvars kept apart, alone", stdin: blocked, args: []string{"--policy", "testdata/other-origins.tfvars", "-"}, code: 2, errOut: "--policy testdata/other-origins.tfvars: no .tf file in testdata; name the module it sets with it"},
		// The text indents a fix's diff under its summary, which git
		// apply refuses as a corrupt patch (tried as a new user would).
		{desc: "--patch prints fix 1's diff alone, unindented", args: []string{"--policy", "../../examples/terraform-s3", "../../examples/terraform-s3/request.json", "--patch", "1"}, code: 0,
			out: "--- a/../../examples/terraform-s3/main.tf\n+++ b/../../examples/terraform-s3/main.tf\n@@ -16,7 +16,7 @@\n   cors_rule {\n"},
		// Tried as a new user would: a later fetch's fix of a template's
		// CDN was labelled template.yaml, and --patch 1 said the fetch
		// is allowed.
		{desc: "--patch of a session whose later fetch is blocked prints that fetch's fix, labelled with the file's name", args: []string{"--policy", "testdata/cdn-session/template.cf.yaml", "testdata/cdn-session/session.json", "--patch", "1"}, code: 0,
			out: "--- a/testdata/cdn-session/template.cf.yaml\n+++ b/testdata/cdn-session/template.cf.yaml\n"},
		{desc: "--patch of a fix the verdict does not have", args: []string{"--policy", "../../examples/terraform-s3", "../../examples/terraform-s3/request.json", "--patch", "2"}, code: 2, errOut: "--patch 2: the verdict has 1 fix\n"},
		{desc: "--patch of a change of the page's request", args: []string{"../../examples/api-credentials-wildcard.json", "--patch", "2"}, code: 2, errOut: "--patch 2: fix 2 is a change of the page's request (its fetch() call), not of a file"},
		{desc: "--patch of a fix of the replies, no file's change", args: []string{"../../examples/rest-api-lambda-proxy.json", "--patch", "1"}, code: 2, errOut: "--patch 1: fix 1 is the header lines the server must send (a diff of its replies), not a change of a file"},
		{desc: "--patch of an allowed fetch", stdin: allowed, args: []string{"--patch", "1", "-"}, code: 2, errOut: "--patch 1: the fetch is allowed, and there is no fix to print"},
		{desc: "--patch 0 is no fix's number", stdin: blocked, args: []string{"--patch", "0", "-"}, code: 2, errOut: "--patch 0: fixes are numbered from 1"},
		{desc: "--patch with --json", stdin: blocked, args: []string{"--patch", "1", "--json", "-"}, code: 2, out: `"message": "--patch prints a diff, --json the verdict: give one of them"`},
		{desc: "--patch of a HAR file", args: []string{"../../examples/capture-preflight-403.har", "--patch", "1"}, code: 2, errOut: "--patch is for one scenario"},
		{desc: "--policy of a folder that is no module", stdin: blocked, args: []string{"--policy", "testdata", "-"}, code: 2, errOut: "--policy testdata: no .tf file in testdata"},
		{desc: "--param without a policy", stdin: blocked, args: []string{"--param", "Stage=prod", "-"}, code: 2, errOut: "--param and --resource need a policy"},
		{desc: "--param not Name=value", stdin: blocked, args: []string{"--policy", "testdata/s3-put.json", "--param", "Stage", "-"}, code: 2, errOut: `--param "Stage": want Name=value`},
		{desc: "--console lists the configurations that print the line", args: []string{"--console", chromeLine}, code: 0,
			out: "Chrome's console line: Access to fetch at 'https://api.example.com/items'"},
		{desc: "--console --pick explains one", args: []string{"--console", chromeLine, "--pick", "1"}, code: 1, out: "Chrome: BLOCKED (PreflightMissingAllowOriginHeader)"},
		{desc: "--console from standard input, as JSON", stdin: chromeLine, args: []string{"--console", "-", "--json"}, code: 0, out: `"reason": "PreflightMissingAllowOriginHeader"`},
		{desc: "--console with a line no browser prints", args: []string{"--console", "hello"}, code: 2, errOut: "--console"},
		{desc: "--pick out of range", args: []string{"--console", chromeLine, "--pick", "9"}, code: 2, errOut: "--pick"},
		{desc: "--console beside a scenario FILE is a usage error, not a dropped FILE", args: []string{"--console", chromeLine, "scenario.json"}, code: 2, errOut: "give scenario.json or --console, not both"},
		{desc: "--console with --browser: the line names its browser", args: []string{"--console", chromeLine, "--browser", "firefox"}, code: 2, errOut: "--browser with --console"},
		{desc: "--console with --policy", args: []string{"--console", chromeLine, "--policy", "cors.json"}, code: 2, errOut: "--policy with --console"},
		{desc: "--pick without --console", args: []string{"--pick", "1", "scenario.json"}, code: 2, errOut: "--pick chooses among the candidates of --console"},
		{desc: "--pick 0 without --console: given, not its value", args: []string{"--pick", "0", "scenario.json"}, code: 2, errOut: "--pick chooses among the candidates of --console"},
		{desc: "--console --pick 0 is no candidate's number", args: []string{"--console", chromeLine, "--pick", "0"}, code: 2, errOut: "--pick 0: candidates are numbered from 1"},
		{desc: "an empty --console beside a FILE", args: []string{"--console", "", "scenario.json"}, code: 2, errOut: "--console is empty"},
		{desc: "--policy of a missing file", stdin: blocked, args: []string{"--policy", "testdata/none.json", "-"}, code: 2, errOut: "none.json"},
		// A fault of the --policy file is filed under that file, at its
		// own line; tried as a new user would, it was filed under the
		// scenario's name, at a line the scenario does not have.
		{desc: "a fault of the --policy file names that file", stdin: blocked, args: []string{"--policy", "testdata/s3-trailing-comma.json", "-"}, code: 2,
			errOut: "testdata/s3-trailing-comma.json: line 2, column 69: invalid JSON: invalid character '}' after a comma: JSON allows no comma before a closing bracket; remove the comma\n"},
		// Found as a new user would: "cannot tell the format" of a file a
		// Windows editor saved (RFC 8259 §8.1).
		{desc: "a --policy file's UTF-8 byte order mark is read past", args: []string{"--policy", "testdata/s3-bom.json", "--origin", "https://app.example", "--url", "https://b.s3.amazonaws.com/x"}, code: 0,
			out: "Chrome: ALLOWED"},
		// A second look's review: the diff's first line lacked the mark,
		// so git apply and patch refused it.
		{desc: "--patch of a file with a byte order mark keeps the mark on its first line", args: []string{"--policy", "testdata/s3-bom.json", "--origin", "https://evil.example", "--url", "https://b.s3.amazonaws.com/x", "--patch", "1"}, code: 0,
			out: "-\xef\xbb\xbf[{\"AllowedOrigins\""},
		// Found as a new user would: a second file of a format that reads
		// one was left unread, unsaid.
		{desc: "two --policy files of a one-file format: the second is named", args: []string{"--policy", "testdata/s3-put.json", "--policy", "testdata/s3-bom.json", "--origin", "https://app.example", "--url", "https://b.s3.amazonaws.com/x"}, code: 2,
			errOut: "testdata/s3-bom.json: line 1, column 1: s3-json reads one file, testdata/s3-put.json: testdata/s3-bom.json would be left unread"},
		{desc: "an empty --origin is named", args: []string{"--policy", "testdata/s3-put.json", "--origin", "", "--url", "http://api.test/x"}, code: 2,
			errOut: "--origin missing or empty"},
		{desc: "the same as JSON", stdin: blocked, args: []string{"--json", "--policy", "testdata/s3-trailing-comma.json", "-"}, code: 2,
			out: `"file": "testdata/s3-trailing-comma.json",`},
		{desc: "a fault of the scenario's own policy text says its lines are the text's", stdin: `{"request":{"origin":"http://a.test","url":"http://b.test"},"policy":{"format":"s3-json","text":"[\n {\"AllowedOrigins\": [\"*\"],}]"}}`, args: []string{"-"}, code: 2,
			errOut: "- $.policy.text: line 2, column 27: invalid JSON"},
	}
	for _, tc := range tests {
		var out, errOut bytes.Buffer
		code := runExplain(tc.args, strings.NewReader(tc.stdin), &out, &errOut)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d (stderr %q)", tc.desc, code, tc.code, errOut.String())
		}
		if !strings.Contains(out.String(), tc.out) {
			t.Errorf("%s: stdout lacks %q:\n%s", tc.desc, tc.out, out.String())
		}
		// Not a terminal: no ANSI colour (no-color.org; ECMA-48 CSI).
		if strings.Contains(out.String(), "\x1b[") {
			t.Errorf("%s: colour codes written to a non-terminal", tc.desc)
		}
		if !strings.Contains(errOut.String(), tc.errOut) {
			t.Errorf("%s: stderr lacks %q:\n%s", tc.desc, tc.errOut, errOut.String())
		}
	}
}

// TestDiffName: a fix's diff names a --policy file as typed when
// relative, else relative to the working directory, so that "patch -p1"
// and "git apply" find it ("a//tmp/x" names no file to either).
func TestDiffName(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, tc := range []struct{ desc, path, want string }{
		{desc: "relative, as typed", path: "infra/cors.json", want: "infra/cors.json"},
		// git apply refuses "./s3/cors.json" ("invalid path") and any path
		// through ".." (tried as a new user would, with --patch).
		{desc: "relative with ./, cleaned", path: "./s3/cors.json", want: "s3/cors.json"},
		{desc: "relative through a folder and back, cleaned", path: "infra/../envs/prod.tfvars", want: "envs/prod.tfvars"},
		{desc: "absolute, under the working directory", path: filepath.Join(dir, "infra", "cors.json"), want: "infra/cors.json"},
		{desc: "absolute, beside it", path: filepath.Join(filepath.Dir(dir), "other.json"), want: "../other.json"},
	} {
		if got := diffName(tc.path); got != tc.want {
			t.Errorf("%s: diffName(%q) = %q, want %q", tc.desc, tc.path, got, tc.want)
		}
	}
}

// TestPrintInputErrorFiles: each fault is filed under its own file when
// it names one, and the others under the input's name, whatever their
// order.
func TestPrintInputErrorFiles(t *testing.T) {
	var b bytes.Buffer
	printInputError(&b, "scenario.json", policy.Errors{{File: "cors.json", Line: 2, Column: 3, Msg: "a"}, {Path: "$.request.url", Msg: "b"}})
	want := "cors.json: line 2, column 3: a\nscenario.json: $.request.url: b\n"
	if b.String() != want {
		t.Errorf("got\n%swant\n%s", b.String(), want)
	}
}
