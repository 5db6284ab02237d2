// Package hosting holds the differential tests of the hosting
// headers-file formats against the real npm packages (package.json here,
// pinned): vercel against @vercel/routing-utils (routes.mjs turns each
// generated vercel.json into routes and matches them), firebase against
// superstatic, Firebase Hosting's local server (serve.mjs serves a
// generated firebase.json of many entries once on loopback; globs.mjs
// asks superstatic's own matcher about every pattern and path).
//
// Without node_modules here the tests skip, unless WHYCORS_REQUIRE_BROWSER
// is set: then they run `npm ci` in this folder first.
package hosting

import (
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/whycors/whycors/engine/headers"
)

var (
	npmOnce sync.Once
	npmErr  error
	npmOut  []byte
)

// needModules skips without node or node_modules, unless
// WHYCORS_REQUIRE_BROWSER is set: then it runs npm ci.
func needModules(t *testing.T) {
	t.Helper()
	require := os.Getenv("WHYCORS_REQUIRE_BROWSER") != ""
	if _, err := exec.LookPath("node"); err != nil {
		if require {
			t.Fatal("node is not installed and WHYCORS_REQUIRE_BROWSER is set")
		}
		t.Skip("node is not installed; set WHYCORS_REQUIRE_BROWSER to require it")
	}
	if _, err := os.Stat("node_modules"); err == nil {
		return
	}
	if !require {
		t.Skip("e2e/hosting/node_modules is missing: run `npm ci --omit=optional` in e2e/hosting, or set WHYCORS_REQUIRE_BROWSER to have the test do it")
	}
	npmOnce.Do(func() {
		npmOut, npmErr = exec.Command("npm", "ci", "--omit=optional", "--no-audit", "--no-fund").CombinedOutput()
	})
	if npmErr != nil {
		t.Fatalf("npm ci in e2e/hosting: %v\n%s", npmErr, npmOut)
	}
}

// lines renders fields as sorted "name: value" lines, names lower case,
// keeping only those relevant says.
func lines(l headers.List, relevant func(string) bool) []string {
	var out []string
	for _, f := range l {
		if relevant(f.Name) {
			out = append(out, strings.ToLower(f.Name)+": "+f.Value)
		}
	}
	sort.Strings(out)
	return out
}
