package install_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// action is the part of action.yml's schema this test reads
// (https://docs.github.com/en/actions/reference/workflows-and-actions/metadata-syntax).
type action struct {
	Name        string
	Description string
	Author      string
	Branding    struct{ Icon, Color string }
	Inputs      map[string]struct {
		Description string
		Required    bool
		Default     string
	}
	Outputs map[string]struct{ Description, Value string }
	Runs    struct {
		Using string
		Steps []step
	}
}

type step struct {
	Name  string
	ID    string
	If    string
	Shell string
	Run   string
	Uses  string
	With  map[string]string
	Env   map[string]string
	Dir   string `yaml:"working-directory"`
}

// expr is a GitHub expression, ${{ ... }}.
var expr = regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)

// runner plays the part of GitHub's runner for one use of the action: the
// values of the expressions the action uses, and the files a step writes
// its outputs to.
type runner struct {
	inputs    map[string]string
	outputs   map[string]map[string]string // step id -> output name -> value
	actionRef string
	workspace string
}

// eval substitutes the expressions of s. It knows the few contexts the
// action uses; any other expression fails the test, so that a new one is
// added here (and so tested) too.
func (r *runner) eval(t *testing.T, s string) string {
	t.Helper()
	return expr.ReplaceAllStringFunc(s, func(m string) string {
		e := expr.FindStringSubmatch(m)[1]
		switch parts := strings.Split(e, "."); {
		case len(parts) == 2 && parts[0] == "inputs":
			v, ok := r.inputs[parts[1]]
			if !ok {
				t.Errorf("%s: no input %q", m, parts[1])
			}
			return v
		case len(parts) == 4 && parts[0] == "steps" && parts[2] == "outputs":
			return r.outputs[parts[1]][parts[3]]
		case e == "github.action_ref":
			return r.actionRef
		case e == "github.workspace":
			return r.workspace
		}
		t.Errorf("expression %s: not one this test evaluates", m)
		return ""
	})
}

// shells are GitHub's commands for a step's shell
// (jobs.<job_id>.steps[*].shell in the workflow syntax).
var shells = map[string][]string{
	"bash": {"bash", "--noprofile", "--norc", "-eo", "pipefail"},
	"sh":   {"sh", "-e"},
}

// runStep runs a run: step as the runner does and returns its output and
// exit code; its outputs are read from the file GITHUB_OUTPUT names.
func (r *runner) runStep(t *testing.T, ctx context.Context, env []string, s step) (string, int) {
	t.Helper()
	shell, ok := shells[s.Shell]
	if !ok {
		t.Fatalf("step %q: shell %q: want bash or sh (a composite action's run step must name one)", s.Name, s.Shell)
	}
	tmp := t.TempDir()
	script := filepath.Join(tmp, "step.sh")
	if err := os.WriteFile(script, []byte(r.eval(t, s.Run)), 0o644); err != nil {
		t.Fatal(err)
	}
	outFile := filepath.Join(tmp, "output")
	if err := os.WriteFile(outFile, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	env = append(env, "GITHUB_OUTPUT="+outFile)
	for k, v := range s.Env {
		env = append(env, k+"="+r.eval(t, v))
	}
	cmd := exec.CommandContext(ctx, shell[0], append(shell[1:], script)...)
	cmd.Env, cmd.Dir = env, r.workspace
	if s.Dir != "" {
		cmd.Dir = filepath.Join(r.workspace, r.eval(t, s.Dir))
	}
	out, err := cmd.CombinedOutput()
	code := 0
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("step %q: %v", s.Name, err)
		}
		code = ee.ExitCode()
	}
	if s.ID != "" {
		r.outputs[s.ID] = readOutputs(t, outFile)
	}
	return string(out), code
}

// readOutputs reads a GITHUB_OUTPUT file: name=value lines and
// name<<DELIMITER blocks.
func readOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if name, delim, ok := strings.Cut(line, "<<"); ok && !strings.Contains(name, "=") {
			var v []string
			for sc.Scan() && sc.Text() != delim {
				v = append(v, sc.Text())
			}
			out[name] = strings.Join(v, "\n")
		} else if name, v, ok := strings.Cut(line, "="); ok {
			out[name] = v
		}
	}
	return out
}

func readAction(t *testing.T) action {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot(t), "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a action
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true) // a misspelt key fails here, not on GitHub
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// The action as a workflow uses it, on a repository with two
// configurations: it installs whycors from the file proxy, lints both
// files, writes one SARIF run with the findings of both that the SARIF
// Multitool accepts, hands it to the upload step, prints annotations, and
// fails the job in its last step because a finding is an error.
func TestAction(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: installs whycors")
	}
	a := readAction(t)
	if a.Runs.Using != "composite" {
		t.Fatalf("runs.using = %q, want composite", a.Runs.Using)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()

	ws := t.TempDir()
	for name, text := range map[string]string{
		// suffix-trap (error) and s3-vary (info)
		"infra/s3/cors.json": `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]` + "\n",
		// reflect-any-origin (error) and null-origin (warning)
		"infra/nginx/api.conf": "location /api/ {\n  add_header Access-Control-Allow-Origin $http_origin always;\n  add_header Access-Control-Allow-Credentials true always;\n}\n",
	} {
		p := filepath.Join(ws, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	r := &runner{
		inputs:    map[string]string{},
		outputs:   map[string]map[string]string{},
		actionRef: testVersion, // uses: whycors/whycors@v0.99.0-installtest
		workspace: ws,
	}
	if a.Name == "" || a.Description == "" {
		t.Error("action.yml needs a name and a description (the Marketplace lists them)")
	}
	for name, in := range a.Inputs {
		r.inputs[name] = in.Default
		if in.Description == "" {
			t.Errorf("input %q has no description", name)
		}
	}
	// with: in the workflow; a pattern and a plain name.
	r.inputs["files"] = "infra/s3/*.json\ninfra/nginx/api.conf"
	for name, in := range a.Inputs {
		if in.Required && r.inputs[name] == "" {
			t.Errorf("required input %q not given by this test", name)
		}
	}
	env := append(userEnv(t), "GITHUB_WORKSPACE="+ws, "RUNNER_TEMP="+t.TempDir(), "CI=true", "GITHUB_ACTIONS=true")

	var uploaded, last string
	var lastCode int
	for i, s := range a.Runs.Steps {
		if strings.Contains(s.Run, "${{") {
			t.Errorf("step %q pastes an expression into its script; pass it through env", s.Name)
		}
		if s.Uses != "" {
			if !regexp.MustCompile(`^[\w.-]+/[\w./-]+@v\d+$`).MatchString(s.Uses) {
				t.Errorf("step %q uses %q: want owner/repo[/path]@vN", s.Name, s.Uses)
			}
			if strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") {
				if s.If != "inputs.upload-sarif == 'true'" {
					t.Errorf("the upload step's if is %q", s.If)
				}
				uploaded = r.eval(t, s.With["sarif_file"])
			}
			continue // not run here: it talks to GitHub
		}
		t0 := time.Now()
		out, code := r.runStep(t, ctx, env, s)
		t.Logf("step %q: exit %d, %s\n%s", s.Name, code, time.Since(t0).Round(100*time.Millisecond), out)
		if i < len(a.Runs.Steps)-1 && code != 0 {
			t.Fatalf("step %q failed (exit %d)", s.Name, code)
		}
		last, lastCode = out, code
		if s.ID == "lint" {
			for _, want := range []string{"::error file=infra/s3/cors.json,", "title=whycors suffix-trap::", "::error file=infra/nginx/api.conf,", "title=whycors reflect-any-origin::"} {
				if !strings.Contains(out, want) {
					t.Errorf("the lint step printed no annotation with %q", want)
				}
			}
		}
	}
	if lastCode != 1 || !strings.Contains(last, "findings at or above error") {
		t.Errorf("the last step exited %d, want 1 (error findings):\n%s", lastCode, last)
	}
	if uploaded == "" || uploaded != r.outputs["lint"]["sarif-file"] {
		t.Fatalf("the upload step's sarif_file is %q, the lint step wrote %q", uploaded, r.outputs["lint"]["sarif-file"])
	}
	if got := r.eval(t, a.Outputs["sarif-file"].Value); got != uploaded {
		t.Errorf("output sarif-file = %q, want %q", got, uploaded)
	}
	checkSARIF(t, uploaded, map[string]string{
		"infra/s3/cors.json":   "suffix-trap",
		"infra/nginx/api.conf": "reflect-any-origin",
	})

	// A name that matches no file fails the lint step itself, before any
	// upload: a typo in files must not pass as a clean lint.
	r.inputs["files"] = "infra/s3/cors.json infra/typo/*.json"
	for _, s := range a.Runs.Steps {
		if s.ID == "lint" {
			out, code := r.runStep(t, ctx, env, s)
			if code != 2 || !strings.Contains(out, "::error::whycors lint could not read infra/typo/*.json") {
				t.Errorf("the lint step with a name that matches nothing exited %d, want 2 with an error annotation:\n%s", code, out)
			}
		}
	}
}

// checkSARIF checks what code scanning reads of the log (one run, results
// of every file relative to %SRCROOT%) and runs Microsoft's SARIF Multitool
// on it with the SARIF and GitHub rule sets, as internal/report's
// TestSARIFPassesTheMultitool does.
func checkSARIF(t *testing.T, file string, want map[string]string) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b, &log); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("SARIF version %q with %d runs, want 2.1.0 with one run", log.Version, len(log.Runs))
	}
	found := map[string]bool{}
	for _, res := range log.Runs[0].Results {
		for _, l := range res.Locations {
			a := l.PhysicalLocation.ArtifactLocation
			if a.URIBaseID != "%SRCROOT%" {
				t.Errorf("%s in %s: uriBaseId %q, want %%SRCROOT%%", res.RuleID, a.URI, a.URIBaseID)
			}
			found[a.URI+" "+res.RuleID] = true
		}
	}
	for uri, rule := range want {
		if !found[uri+" "+rule] {
			t.Errorf("no %s result in %s; results: %v", rule, uri, found)
		}
	}
	tool := filepath.Join(repoRoot(t), "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
	if _, err := os.Stat(tool); err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatalf("SARIF Multitool not installed (npm ci): %v", err)
		}
		t.Logf("SARIF Multitool not installed (npm ci at the repository root): not validated with it")
		return
	}
	out, err := exec.Command(tool, "validate", "--rule-kind", "Gh;Sarif", file).CombinedOutput()
	if err != nil || strings.Contains(string(out), ": error ") || !strings.Contains(string(out), "Analysis completed successfully") {
		t.Errorf("Multitool: %v\n%s", err, out)
	}
	if strings.Contains(string(out), ": warning ") {
		t.Errorf("Multitool warns:\n%s", out)
	}
}
