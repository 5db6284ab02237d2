package main

import (
	"bytes"
	"cmp"
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
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	trap := write("trap.json", `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`)
	info := write("info.json", `{"origins":["https://app.test"],"methods":["GET","PUT"]}`)
	tests := []lintCase{
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
		// Tried as a new user would: "cannot tell the format", naming
		// every format.
		{desc: "an empty text", args: []string{"-"}, stdin: " \n", code: 2, stderr: "the text is empty: there is no configuration to read"},
		{desc: "missing file", args: []string{filepath.Join(dir, "none")}, code: 2, stderr: "no such file"},
		// Found as a new user would: a file a Windows editor saved with a
		// byte order mark was "cannot tell the format" (RFC 8259 §8.1
		// lets a JSON reader ignore it; XML allows it).
		{desc: "a UTF-8 byte order mark is read past", args: []string{write("bom.json", "\xef\xbb\xbf"+`[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]`)}, code: 1,
			stdout: []string{":1:21: error suffix-trap: "}},
		{desc: "help, on standard output", args: []string{"--help"}, code: 0, stdout: []string{"Examples:"}},
		{desc: "--codes lists every code with what it rests on, without a file", args: []string{"--codes"}, code: 0,
			stdout: []string{"wildcard-credentials (error)\n", "Rests on: fetch.spec.whatwg.org/#concept-cors-check", "suppression-unused (info)\n",
				"misspelled (warning; ingress-nginx)\n", "terraform-unresolved (warning; terraform)\n"}},
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
		t.Run(tc.desc, tc.check)
	}
}

// lintCase is one run of `whycors lint` (or of command): its exit code,
// what its output holds and what it does not.
type lintCase struct {
	command string
	desc    string
	args    []string
	stdin   string
	code    int
	stdout  []string
	not     []string
	stderr  string
}

func (tc lintCase) check(t *testing.T) {
	var out, errb bytes.Buffer
	code := run(append([]string{cmp.Or(tc.command, "lint")}, tc.args...), strings.NewReader(tc.stdin), &out, &errb)
	if code != tc.code {
		t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, out.String(), errb.String())
	}
	for _, w := range tc.stdout {
		if !strings.Contains(out.String(), w) {
			t.Errorf("stdout lacks %q:\n%s", w, out.String())
		}
	}
	for _, w := range tc.not {
		if strings.Contains(out.String(), w) {
			t.Errorf("stdout has %q:\n%s", w, out.String())
		}
	}
	if tc.stderr != "" && !strings.Contains(errb.String(), tc.stderr) {
		t.Errorf("stderr lacks %q:\n%s", tc.stderr, errb.String())
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

// TestLintModule: lint reads a Terraform module as terraform reads its
// folder (developer.hashicorp.com/terraform/language/values/variables:
// terraform.tfvars and *.auto.tfvars load themselves; a .tfvars named is
// a -var-file). examples/terraform-s3 takes app_origins from
// terraform.tfvars: read alone, main.tf leaves it unknown, which is no
// refusal of the platform's but a value to give.
func TestLintModule(t *testing.T) {
	ex := filepath.Join("..", "..", "examples", "terraform-s3")
	main, vars, tfvars := filepath.Join(ex, "main.tf"), filepath.Join(ex, "variables.tf"), filepath.Join(ex, "terraform.tfvars")
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	// A module whose "*" comes from its terraform.tfvars: the finding is
	// filed at the tfvars' line, and a directive there accepts it.
	star := `resource "aws_s3_bucket_cors_configuration" "b" {
  bucket = "b"
  cors_rule {
    allowed_origins = var.origins
    allowed_methods = ["GET"]
  }
}
variable "origins" { type = list(string) }
`
	write("star/main.tf", star)
	starVars := write("star/terraform.tfvars", "\norigins = [\"*\"]\n")
	write("accepted/main.tf", star)
	write("accepted/terraform.tfvars", "# whycors:ignore terraform-star-origin-credentials public assets, no cookies\norigins = [\"*\"]\n")
	write("accepted/other.auto.tfvars", "")
	// Its variables in a file that sorts first: each finding is still
	// filed in the file it is in.
	for _, n := range []string{"main.tf", "terraform.tfvars"} {
		b, err := os.ReadFile(filepath.Join(ex, n))
		if err != nil {
			t.Fatal(err)
		}
		write("first/"+n, string(b))
	}
	b, err := os.ReadFile(vars)
	if err != nil {
		t.Fatal(err)
	}
	write("first/a_variables.tf", string(b))
	// A .tfvars terraform does not load itself, named: a -var-file.
	prod := write("first/prod.tfvars", "app_origins = [\"https://app.example.com/\"]\n")
	// One kept apart from the module, as terraform -var-file=../envs/x
	// reads it: tried as a new user would, it was "no .tf file in envs".
	apart := write("envs/prod.tfvars", "app_origins = [\"https://app.example.com/\"]\n")
	mainB, err := os.ReadFile(main)
	if err != nil {
		t.Fatal(err)
	}
	mainText := string(mainB)
	empty := filepath.Join(dir, "empty")
	if err := os.MkdirAll(empty, 0o755); err != nil {
		t.Fatal(err)
	}
	broken := write("broken/cors.tf", "resource \"aws_s3_bucket_cors_configuration\" \"b\" {\n cors_rule {\n allowed_origins = [\"https://a\"\n allowed_methods = [\"GET\"]\n }\n}\n")
	tests := []lintCase{
		{desc: "main.tf read alone (standard input): app_origins is unknown, a warning and not the resource's refusal", args: []string{"--policy-format", "terraform", "-"}, stdin: mainText,
			stdout: []string{"-:17:23: warning terraform-unresolved: allowed_origins is not known here"}, not: []string{"rejected"}},
		{desc: "main.tf named: its folder's module is read, as terraform reads it", args: []string{main}, code: 0,
			stdout: []string{main + ":16:3: info max-age-cap"}, not: []string{"terraform-unresolved", "rejected"}},
		{desc: "the module's folder: its .tf files and terraform.tfvars", args: []string{ex}, code: 0,
			stdout: []string{main + ":16:3: info max-age-cap"}, not: []string{"terraform-unresolved", "rejected"}},
		{desc: "the module's files named one by one are read together", args: []string{main, vars, tfvars}, code: 0,
			stdout: []string{main + ":16:3: info max-age-cap"}, not: []string{"terraform-unresolved"}},
		{desc: "--param over terraform.tfvars: its value is the one read", args: []string{"--param", `app_origins=["https://app.example.com/"]`, main}, code: 0,
			stdout: []string{"origin-never-matches"}},
		{desc: "a finding of a value set in terraform.tfvars is filed there", args: []string{filepath.Join(dir, "star")}, code: 0,
			stdout: []string{starVars + ":2:"}},
		{desc: "in JSON each finding names its file", args: []string{"--json", filepath.Join(dir, "star")}, code: 0,
			stdout: []string{`"file": "` + starVars + `"`, `"code": "terraform-star-origin-credentials"`}},
		{desc: "a directive in terraform.tfvars accepts the finding there", args: []string{"--fail-on", "warning", filepath.Join(dir, "accepted")}, code: 0,
			not: []string{"terraform-star-origin-credentials", "suppression-"}},
		{desc: "a finding is filed in its own file, whichever file comes first", args: []string{filepath.Join(dir, "first")}, code: 0,
			stdout: []string{filepath.Join(dir, "first", "main.tf") + ":16:3: info max-age-cap"}, not: []string{"a_variables.tf:"}},
		{desc: "a .tfvars named is a -var-file, over terraform.tfvars", args: []string{prod}, code: 0,
			stdout: []string{prod + ":1:16: warning origin-never-matches"}},
		{desc: "a .tfvars in a folder of no module sets the one module named with it", args: []string{apart, ex}, code: 0,
			stdout: []string{apart + ":1:16: warning origin-never-matches", main + ":16:3: info max-age-cap"}},
		{desc: "a .tfvars apart with no module named (a hook given the changed files): skipped with a note, as a lone parameter file is", args: []string{apart}, code: 0,
			stderr: apart + ": a variable definitions file in a folder of no module, and no module was given with it: not linted (name the module it sets with it"},
		{desc: "a .tfvars apart with two modules named: which one it sets is not guessed", args: []string{ex, apart, filepath.Join(dir, "star")}, code: 2,
			stdout: []string{"info max-age-cap", "terraform-star-origin-credentials"}, not: []string{"origin-never-matches"},
			stderr: apart + ": a variable definitions file outside its module's folder, and 2 modules named: name it with the one it sets"},
		{desc: "a folder without .tf files is an input error; the others are linted", args: []string{empty, ex}, code: 2,
			stdout: []string{"info max-age-cap"}, stderr: empty + ": no .tf file in " + empty},
		{desc: "a syntax error of a .tf file read alone names that file, not main.tf (found as a new user would)", args: []string{"--policy-format", "terraform", broken}, code: 2,
			stderr: broken + ": line 4, column 2: Missing item separator", not: []string{"main.tf"}},
		{desc: "a bad --param", args: []string{"--param", "origins", main}, code: 2, stderr: `--param "origins": want Name=value`},
		{desc: "--param with several configurations", args: []string{"--param", "Env=prod", main, empty}, code: 2, stderr: "--param and --resource are for one configuration, and 2 were given"},
	}
	for _, tc := range tests {
		t.Run(tc.desc, tc.check)
	}
}

// TestLintTemplateWithParameterFile: a CloudFormation parameter file
// named after its template is read with it, as explain --policy T
// --policy P reads them (policy.Companion), so its values resolve the
// template's parameters. Tried as a new user would, the parameter file
// was linted as an S3 policy ("S3 refuses this: unknown field
// ParameterKey"), its "AllowedOrigins" being a value S3's detector took
// for a key.
func TestLintTemplateWithParameterFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	tpl := write("template.yaml", `Parameters:
  AllowedOrigins:
    Type: CommaDelimitedList
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      CorsConfiguration:
        CorsRules:
          - AllowedOrigins: !Ref AllowedOrigins
            AllowedMethods: [GET]
`)
	params := write("params.json", `[{"ParameterKey": "AllowedOrigins", "ParameterValue": "https://shop.example.com/"}]`)
	good := write("params-good.json", `{"Parameters": {"AllowedOrigins": "https://shop.example.com"}}`)
	if err := os.MkdirAll(filepath.Join(dir, "other"), 0o755); err != nil {
		t.Fatal(err)
	}
	tplText, err := os.ReadFile(tpl)
	if err != nil {
		t.Fatal(err)
	}
	other := write(filepath.Join("other", "template.yaml"), string(tplText))
	for _, tc := range []lintCase{
		{desc: "the template and its parameter file: the value is read, and checked", args: []string{tpl, params}, code: 0,
			stdout: []string{"origin-never-matches"}, not: []string{"cfn-unresolved", "rejected"}},
		{desc: "the template alone: the parameter is unresolved", args: []string{tpl}, code: 0,
			stdout: []string{"cfn-unresolved"}},
		{desc: "in path order, as pre-commit passes them: the parameter file first", args: []string{params, tpl}, code: 0,
			stdout: []string{"origin-never-matches"}, not: []string{"cfn-unresolved"}},
		{desc: "the parameter file alone is not linted, and says why (a hook given only it still passes)", args: []string{params}, code: 0,
			stderr: "a file the cloudformation format reads beside its main one, and no file of that format in its folder was given with it: not linted"},
		{desc: "a template of another folder does not take it", args: []string{other, params}, code: 0,
			stdout: []string{"cfn-unresolved"}, stderr: "no file of that format in its folder"},
		{desc: "convert reads them together too (a template configuration file)", command: "convert", args: []string{"--to", "native", tpl, good}, code: 0,
			stdout: []string{`"origins": ["https://shop.example.com"]`}},
	} {
		t.Run(tc.desc, tc.check)
	}
}

// TestLintRailsWithGemfileLock: a Gemfile.lock at the application's root
// is read with the initializer two folders below it (policy.RootCompanion),
// in either order, for the rack-cors version it names: 1.x reads an origin
// with a custom scheme as a host name that never matches, which lint says;
// 2.0 and 3.0 compare it exactly.
func TestLintRailsWithGemfileLock(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	rb := write(filepath.Join("config", "initializers", "cors.rb"), "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"capacitor://localhost\"\n    resource \"*\", headers: :any, methods: [:get, :post]\n  end\nend\n")
	lock := func(v string) string {
		return write("Gemfile.lock", "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack-cors ("+v+")\n      rack (>= 2.0.0)\n\nPLATFORMS\n  ruby\n")
	}
	for _, tc := range []struct {
		version string
		lintCase
	}{
		{"1.1.1", lintCase{desc: "the lock's 1.1.1: the custom scheme never matches", args: []string{rb, filepath.Join(dir, "Gemfile.lock")}, code: 0,
			stdout: []string{"cors.rb:3:13: warning origin-custom-scheme: rack-cors 1.1.1 (your Gemfile.lock's)"}}},
		{"1.1.1", lintCase{desc: "the lock first, as pre-commit passes paths", args: []string{filepath.Join(dir, "Gemfile.lock"), rb}, code: 0,
			stdout: []string{"origin-custom-scheme"}}},
		{"3.0.0", lintCase{desc: "the lock's 3.0.0: compared exactly, nothing to say", args: []string{rb, filepath.Join(dir, "Gemfile.lock")}, code: 0,
			not: []string{"origin-custom-scheme", "rejected"}}},
		{"3.0.0", lintCase{desc: "the lock alone is not linted, and says why", args: []string{filepath.Join(dir, "Gemfile.lock")}, code: 0,
			stderr: "a file the rack-cors format reads beside its main one, and no file of that format in its folder was given with it: not linted"}},
	} {
		lock(tc.version)
		t.Run(tc.desc, tc.check)
	}
}

// TestLintDjangoWithRequirements: a requirements.txt at the project's
// root that names django-cors-headers is read with the settings below
// it, in either order; one that does not name it is not claimed.
func TestLintDjangoWithRequirements(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	settings := write(filepath.Join("proj", "settings.py"), "CORS_ALLOWED_ORIGINS = [\"https://app.example\"]\nCORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_CREDENTIALS = True\n")
	req := write("requirements.txt", "Django==4.2.28\ndjango-cors-headers==3.14.0\n")
	other := write(filepath.Join("other", "requirements.txt"), "Django==4.2.28\n")
	badSettings := write(filepath.Join("bad", "proj", "settings.py"), "CORS_ALLOWED_ORIGINS = [\"https://app.example\"]\n")
	bad := write(filepath.Join("bad", "requirements.txt"), "django-cors-headers==x\n")
	for _, tc := range []lintCase{
		{desc: "settings, then the requirements file: read together", args: []string{settings, req}, code: 1,
			stdout: []string{"settings.py:2:"}, not: []string{"requirements.txt:"}},
		{desc: "the requirements file first, as pre-commit passes paths", args: []string{req, settings}, code: 1,
			stdout: []string{"settings.py:2:"}, not: []string{"requirements.txt:"}},
		{desc: "a requirements file without the library is no companion", args: []string{other}, code: 2,
			stderr: "cannot tell the format"},
		{desc: "read, not only named: a pin whycors cannot read is a fault at its line", args: []string{badSettings, bad}, code: 1,
			stdout: []string{"requirements.txt:1:1: error rejected:", "django-cors-headers==x: not a version whycors can read"}},
	} {
		t.Run(tc.desc, tc.check)
	}
}

// TestLintNearestLock: of two Gemfile.lock files above one initializer
// (a monorepo's root and the application's own), the nearer is read
// with it and the other is not linted, saying why, in any order given
// (found by a review: both were joined and the initializer refused).
func TestLintNearestLock(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string { return writeTemp(t, dir, name, text) }
	lock := func(v string) string {
		return "GEM\n  remote: https://rubygems.org/\n  specs:\n    rack-cors (" + v + ")\n      rack (>= 2.0.0)\n"
	}
	root := write("Gemfile.lock", lock("1.1.1"))
	own := write(filepath.Join("apps", "a", "Gemfile.lock"), lock("3.0.0"))
	rb := write(filepath.Join("apps", "a", "config", "initializers", "cors.rb"), "Rails.application.config.middleware.insert_before 0, Rack::Cors do\n  allow do\n    origins \"capacitor://localhost\"\n    resource \"*\", headers: :any, methods: [:get, :post]\n  end\nend\n")
	for _, tc := range []lintCase{
		{desc: "root lock first", args: []string{root, own, rb}, code: 0, not: []string{"origin-custom-scheme", "rejected"}, stderr: "Gemfile.lock is nearer to"},
		{desc: "the application's lock first", args: []string{own, root, rb}, code: 0, not: []string{"origin-custom-scheme", "rejected"}, stderr: "Gemfile.lock is nearer to"},
		{desc: "the root lock alone is read with it", args: []string{root, rb}, code: 0, stdout: []string{"origin-custom-scheme"}},
	} {
		t.Run(tc.desc, tc.check)
	}
}
