package simulator_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCoreWasmDeps keeps the first wasm small: wasm/core links the browser
// model, the explainer and the raw reader, and none of encoding/json,
// fmt, reflect, encoding/xml (the bulk of the old single wasm, see
// scripts/bench-site.sh) or the optional engine packages.
func TestCoreWasmDeps(t *testing.T) {
	t.Parallel()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "./wasm/core")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal("go list:", err)
	}
	allowed := map[string]bool{}
	for _, p := range []string{"engine/explain", "engine/internal/jsontext", "engine/internal/jsonstr", "engine/headers", "engine/origin",
		"engine/policy", "engine/wire", "engine/limits", "engine/fetch", "engine/cdn", "engine/formats/raw", "wasm/internal/jsapi", "wasm/core"} {
		allowed["github.com/whycors/whycors/"+p] = true
	}
	for _, p := range strings.Fields(string(out)) {
		switch {
		case p == "encoding/json" || p == "fmt" || p == "reflect" || p == "encoding/xml":
			t.Errorf("wasm/core links %s", p)
		case strings.HasPrefix(p, "github.com/whycors/") && !allowed[p]:
			t.Errorf("wasm/core links %s; it belongs in wasm/full", p)
		}
	}
}
