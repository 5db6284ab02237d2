//go:build !(js && wasm)

package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestWasmDeps keeps heavy packages out of the worker's wasm: every package
// linked costs download size and start-up time in workerd, where cold
// start grows with the module (shared/reference/build-chain.md §3.3, §8).
// The hot path needs none of net/http (and github.com/syumai/workers
// imports it in every package, main_js.go); the explainer is for the
// debug build only; the native-only build links no other format reader.
func TestWasmDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	tests := []struct {
		desc    string
		tags    string
		without []string
		with    []string
	}{
		{desc: "default build: converter, no explainer, no net/http", tags: "",
			without: []string{"net/http", "net/url", "github.com/syumai/workers", "github.com/whycors/whycors/engine/explain", "github.com/whycors/whycors/engine/middleware"},
			with:    []string{"github.com/whycors/whycors/engine/convert", "github.com/whycors/whycors/engine/native"}},
		{desc: "native-only build: no other format's reader", tags: "whycors_nativeonly",
			without: []string{"net/http", "net/url", "encoding/xml", "github.com/whycors/whycors/engine/convert", "github.com/whycors/whycors/engine/platform/s3", "github.com/whycors/whycors/engine/explain"}},
		{desc: "debug build: the explainer, still no net/http", tags: "whycors_explain",
			without: []string{"net/http", "github.com/syumai/workers"},
			with:    []string{"github.com/whycors/whycors/engine/explain"}},
	}
	for _, tc := range tests {
		cmd := exec.Command(gobin, "list", "-deps", "-tags", tc.tags, ".")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: go list: %v", tc.desc, err)
		}
		deps := strings.Fields(string(out))
		for _, p := range tc.without {
			for _, d := range deps {
				if d == p || strings.HasPrefix(d, p+"/") {
					t.Errorf("%s: links %s", tc.desc, d)
				}
			}
		}
		for _, p := range tc.with {
			if !slices.Contains(deps, p) {
				t.Errorf("%s: does not link %s", tc.desc, p)
			}
		}
	}
}
