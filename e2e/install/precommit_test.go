package install_test

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// Debian's pre-commit runs the hook of .pre-commit-hooks.yaml on a project
// with three files: a configuration with an error, one with only an info
// finding, and a JSON file whose name the hook's files pattern leaves out
// (it is no configuration: linted, it would fail the hook with exit 2).
// pre-commit builds the hook itself (language golang: go install ./... in
// its copy of this repository) with the module proxy only.
func TestPreCommit(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: pre-commit builds whycors")
	}
	preCommit, err := exec.LookPath("pre-commit")
	if err != nil {
		if os.Getenv("WHYCORS_REQUIRE_BROWSER") != "" {
			t.Fatalf("pre-commit not installed (scripts/test installs Debian's): %v", err)
		}
		t.Skip("pre-commit not installed (apt-get install pre-commit)")
	}
	checkHooksFile(t)
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	env := append(userEnv(t),
		"GIT_AUTHOR_NAME=test", "GIT_AUTHOR_EMAIL=test@example.com",
		"GIT_COMMITTER_NAME=test", "GIT_COMMITTER_EMAIL=test@example.com",
		"GIT_CONFIG_GLOBAL=/dev/null", "PRE_COMMIT_COLOR=never")

	// try-repo copies a local repository's tracked files only; a commit of
	// the working tree, as packModule packs it, is what it gets here.
	hooks := t.TempDir()
	tree, err := workingTree(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tree {
		if err := writeFile(f, filepath.Join(hooks, filepath.FromSlash(f.name))); err != nil {
			t.Fatal(err)
		}
	}
	commitAll(t, ctx, env, hooks)

	project := t.TempDir()
	for name, text := range map[string]string{
		"infra/s3-cors.json":      `[{"AllowedOrigins":["https://*example.com"],"AllowedMethods":["GET"]}]` + "\n",
		"infra/api-cors.json":     `{"origins":["https://app.test"],"methods":["GET","PUT"]}` + "\n",
		"infra/not-a-policy.json": `{"name": "left out by the files pattern"}` + "\n",
	} {
		p := filepath.Join(project, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	commitAll(t, ctx, env, project)

	t0 := time.Now()
	cmd := exec.CommandContext(ctx, preCommit, "try-repo", hooks, "whycors-lint", "--all-files", "--verbose")
	cmd.Env, cmd.Dir = env, project
	b, err := cmd.CombinedOutput()
	out := string(b)
	t.Logf("pre-commit try-repo: %s\n%s", time.Since(t0).Round(100*time.Millisecond), out)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 {
		t.Fatalf("pre-commit exited with %v, want 1 (a finding is an error)", err)
	}
	for _, want := range []string{
		"whycors lint",
		"Failed",
		"infra/s3-cors.json:1:21: error suffix-trap:",
		"infra/api-cors.json:",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the output lacks %q", want)
		}
	}
	if strings.Contains(out, "not-a-policy.json") {
		t.Error("the hook linted a file its files pattern should leave out")
	}
}

// checkHooksFile reads .pre-commit-hooks.yaml with the keys pre-commit
// knows (pre_commit/clientlib.py's MANIFEST_HOOK_DICT): a misspelt key
// fails here.
func checkHooksFile(t *testing.T) {
	t.Helper()
	f, err := os.Open(filepath.Join(repoRoot(t), ".pre-commit-hooks.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var hooks []struct {
		ID          string
		Name        string
		Description string
		Language    string
		Entry       string
		Files       string
		Types       []string
	}
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	if err := dec.Decode(&hooks); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	if len(hooks) == 0 || hooks[0].ID != "whycors-lint" || hooks[0].Language != "golang" {
		t.Fatalf(".pre-commit-hooks.yaml: want a hook whycors-lint in language golang, got %+v", hooks)
	}
}

func commitAll(t *testing.T, ctx context.Context, env []string, dir string) {
	t.Helper()
	run(t, ctx, env, dir, "git", "init", "-q", "-b", "main")
	run(t, ctx, env, dir, "git", "add", "-A")
	run(t, ctx, env, dir, "git", "commit", "-q", "-m", "test")
}

func writeFile(f treeFile, to string) error {
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, f.data, f.perm)
}
