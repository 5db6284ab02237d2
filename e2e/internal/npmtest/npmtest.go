// Package npmtest gets a differential test's npm packages ready: the
// test skips when node or its folder's node_modules is missing, unless
// WHYCORS_REQUIRE_BROWSER is set, when it fails without node and runs
// `npm ci` (the folder's package-lock.json) once per process otherwise.
package npmtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

var (
	mu   sync.Mutex
	done = map[string]error{}
	outs = map[string][]byte{}
)

// Ensure makes dir's node_modules ready for t, or skips t; name is how
// the messages call the folder ("e2e/netlify").
func Ensure(t testing.TB, dir, name string) {
	t.Helper()
	require := os.Getenv("WHYCORS_REQUIRE_BROWSER") != ""
	if _, err := exec.LookPath("node"); err != nil {
		if require {
			t.Fatal("node is not installed and WHYCORS_REQUIRE_BROWSER is set")
		}
		t.Skip("node is not installed; set WHYCORS_REQUIRE_BROWSER to require it")
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules")); err == nil {
		return
	}
	if !require {
		t.Skip(name + "/node_modules is missing: run `npm ci` in " + name + ", or set WHYCORS_REQUIRE_BROWSER to have the test do it")
	}
	mu.Lock()
	defer mu.Unlock()
	err, ran := done[dir]
	if !ran {
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = dir
		outs[dir], err = cmd.CombinedOutput()
		done[dir] = err
	}
	if err != nil {
		t.Fatalf("npm ci in %s: %v\n%s", name, err, outs[dir])
	}
}
