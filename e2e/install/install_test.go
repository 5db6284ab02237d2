package install_test

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

// firstServeBudget is the longest the first `whycors serve` of an installed
// version may take to build the page: serve and the README state about a
// minute on 2 cores; this leaves room for a machine shared with other work.
const firstServeBudget = 5 * time.Minute

// install runs `go install .../cmd/whycors@testVersion` from an empty
// folder into a new GOBIN and returns the binary.
func install(t *testing.T, ctx context.Context, env []string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "bin")
	t0 := time.Now()
	run(t, ctx, append(env, "GOBIN="+bin), t.TempDir(), "go", "install", modulePath+"/cmd/whycors@"+testVersion)
	t.Logf("go install: %s", time.Since(t0).Round(100*time.Millisecond))
	exe := filepath.Join(bin, "whycors")
	if _, err := os.Stat(exe); err != nil {
		t.Fatalf("go install left no binary: %v", err)
	}
	return exe
}

func TestInstallAndServe(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: installs and compiles the simulator")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 12*time.Minute)
	defer cancel()
	env := userEnv(t)
	exe := install(t, ctx, env)

	elsewhere := t.TempDir()
	t0 := time.Now()
	base, out, stop := serve(t, ctx, exe, env, elsewhere)
	t.Logf("first serve, building the page: %s; it printed:\n%s", time.Since(t0).Round(100*time.Millisecond), out)
	for _, want := range []string{"building the simulator (first run of " + testVersion, "compiling wasm/core and wasm/full", "minifying", "compressing", "built "} {
		if !strings.Contains(out, want) {
			t.Errorf("the first serve's output lacks %q:\n%s", want, out)
		}
	}
	cacheDir := filepath.Join(envValue(env, "XDG_CACHE_HOME"), "whycors", "site", testVersion)
	if _, err := os.Stat(filepath.Join(cacheDir, "manifest.json")); err != nil {
		t.Errorf("no build in the user's cache folder: %v\n%s", err, out)
	}
	checkPage(t, base)
	stop()

	// The second serve finds the build and starts at once.
	t0 = time.Now()
	base, out, stop = serve(t, ctx, exe, env, t.TempDir())
	defer stop()
	if strings.Contains(out, "building") {
		t.Errorf("the second serve built again:\n%s", out)
	}
	if d := time.Since(t0); d > 10*time.Second {
		t.Errorf("the second serve took %s to start", d)
	}
	checkPage(t, base)
}

// The README's first command, in a clone: `go run ./cmd/whycors serve`
// builds the page into the clone's dist/site and serves it.
func TestServeInAClone(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: compiles the simulator")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	clone := t.TempDir()
	tree, err := workingTree(repoRoot(t))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range tree {
		if err := writeFile(f, filepath.Join(clone, filepath.FromSlash(f.name))); err != nil {
			t.Fatal(err)
		}
	}
	// The user's own Go setup: the module cache and build cache they have.
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "WHYCORS_SITE_DIR=") {
			env = append(env, kv)
		}
	}
	t0 := time.Now()
	// go run exits 1 when Ctrl-C reaches it, whatever the program does.
	base, out, stop := serveCmd(t, exec.CommandContext(ctx, "go", "run", "./cmd/whycors", "serve", "--port", "0"), env, clone, 1)
	defer stop()
	t.Logf("go run ./cmd/whycors serve in a fresh clone: serving after %s; it printed:\n%s", time.Since(t0).Round(100*time.Millisecond), out)
	if !strings.Contains(out, "building the simulator (no build yet) from "+clone+" into "+filepath.Join(clone, "dist", "site")) {
		t.Errorf("serve in a clone did not build into its dist/site:\n%s", out)
	}
	checkPage(t, base)
}

// serve starts `whycors serve --port 0` in dir and waits for the line that
// names its address. It returns the base URL, the output up to that line,
// and a function that stops the server with Ctrl-C and checks it exits 0.
func serve(t *testing.T, ctx context.Context, exe string, env []string, dir string) (string, string, func()) {
	t.Helper()
	return serveCmd(t, exec.CommandContext(ctx, exe, "serve", "--port", "0"), env, dir, 0)
}

// serveCmd is serve for any command that runs whycors serve (go run too):
// it runs in a process group of its own, and Ctrl-C goes to the group, as a
// terminal sends it; the command must then exit with exitCode.
func serveCmd(t *testing.T, cmd *exec.Cmd, env []string, dir string, exitCode int) (string, string, func()) {
	t.Helper()
	cmd.Env, cmd.Dir = env, dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := regexp.MustCompile(`^simulator at (http://localhost:\d+/)`)
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
		io.Copy(io.Discard, stdout)
	}()
	var out strings.Builder
	deadline := time.After(firstServeBudget)
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				cmd.Wait()
				t.Fatalf("whycors serve ended before serving:\n%s\nstderr:\n%s", out.String(), stderr.String())
			}
			out.WriteString(line + "\n")
			if m := addr.FindStringSubmatch(line); m != nil {
				go func() {
					for range lines {
					}
				}()
				stopped := false
				return m[1], out.String(), func() {
					if stopped {
						return
					}
					stopped = true
					syscall.Kill(-cmd.Process.Pid, syscall.SIGINT)
					cmd.Wait()
					if got := cmd.ProcessState.ExitCode(); got != exitCode {
						t.Errorf("whycors serve after Ctrl-C: exit %d, want %d\n%s", got, exitCode, stderr.String())
					}
				}
			}
		case <-deadline:
			syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
			cmd.Wait()
			t.Fatalf("whycors serve did not serve within %s:\n%s\nstderr:\n%s", firstServeBudget, out.String(), stderr.String())
		}
	}
}

// checkPage fetches the page, the scripts it names, and the wasm files they
// name, and checks that each wasm is WebAssembly served as such.
func checkPage(t *testing.T, base string) {
	t.Helper()
	page := get(t, base, "")
	if !strings.Contains(page, "<html") {
		t.Fatalf("the page is not HTML:\n%.300s", page)
	}
	scripts := regexp.MustCompile(`src="?([^" >]+\.js)`).FindAllStringSubmatch(page, -1)
	if len(scripts) == 0 {
		t.Fatalf("the page names no script:\n%.500s", page)
	}
	wasm := map[string]bool{}
	for _, s := range scripts {
		js := get(t, base+strings.TrimPrefix(s[1], "./"), "")
		for _, w := range regexp.MustCompile(`[\w-]+\.[0-9a-f]{10}\.wasm`).FindAllString(js, -1) {
			wasm[w] = true
		}
	}
	// The core, the full engine and the Terraform engine
	// (internal/build.Programs).
	names := map[string]bool{}
	for w := range wasm {
		names[w[:strings.IndexByte(w, '.')]] = true
	}
	if len(wasm) != 3 || !names["whycors"] || !names["whycors-full"] || !names["whycors-terraform"] {
		t.Errorf("the scripts name %d wasm files, want 3 (core, full and Terraform): %v", len(wasm), wasm)
	}
	for w := range wasm {
		if b := get(t, base+w, "application/wasm"); !strings.HasPrefix(b, "\x00asm") {
			t.Errorf("%s is not WebAssembly: %q", w, b[:min(len(b), 8)])
		}
	}
}

func get(t *testing.T, url, wantType string) string {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, res.StatusCode, err)
	}
	if ct := res.Header.Get("Content-Type"); wantType != "" && ct != wantType {
		t.Errorf("GET %s: Content-Type %q, want %q", url, ct, wantType)
	}
	return string(b)
}

func envValue(env []string, name string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], name+"="); ok {
			return v
		}
	}
	panic(fmt.Sprintf("%s not set", name))
}
