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
// scripts/bench-site.sh) or the optional engine packages. It links
// engine/sdkpreset, the SDK presets as data (about 12 KB of code, over
// engine/headers only), so that "Request made by" is offered with the
// first verdict, whatever the server's text.
// engine/internal/strsort sorts header names where sort.Strings would
// link the standard library's generic sort (3.2 KB brotli);
// engine/internal/stack moves a JSON reader's finished members to a slab;
// engine/internal/words holds a verdict's sentences (the browser
// model's and the explainer's).
func TestCoreWasmDeps(t *testing.T) {
	t.Parallel()
	deps := wasmDeps(t, "./wasm/core")
	allowed := map[string]bool{}
	for _, p := range []string{"engine/explain", "engine/internal/jsontext", "engine/internal/jsonstr", "engine/internal/stack", "engine/internal/strsort", "engine/internal/words", "engine/headers", "engine/origin",
		"engine/policy", "engine/wire", "engine/limits", "engine/fetch", "engine/cdn", "engine/formats/raw", "engine/sdkpreset", "wasm/internal/jsapi", "wasm/core"} {
		allowed["github.com/whycors/whycors/"+p] = true
	}
	for _, p := range deps {
		switch {
		case p == "encoding/json" || p == "fmt" || p == "reflect" || p == "encoding/xml":
			t.Errorf("wasm/core links %s", p)
		case strings.HasPrefix(p, "github.com/whycors/") && !allowed[p]:
			t.Errorf("wasm/core links %s; it belongs in wasm/full", p)
		}
	}
}

// TestFullWasmDeps keeps encoding/json out of the full engine's own code:
// its answers are written by explain.AppendVerdict, explain.AppendFixes
// and engine/jsonapi, its requests read by jsonapi.DecodeFields, HAR
// files by engine/formats/har's jsontext reader (about 450 KB of the
// wasm, 78 KB brotli, when encoding/json was linked). One importer is
// allowed: go-toml's decoder, which netlify.toml's reader uses (its
// parser alone cannot check a file as Netlify's does: keys defined
// twice, tables redefined), so the page reads Netlify's files at that
// cost (scripts/bench-site.sh reports the full engine's size).
func TestFullWasmDeps(t *testing.T) {
	t.Parallel()
	allowed := map[string]bool{"github.com/pelletier/go-toml/v2": true}
	for _, p := range importersOf(t, "./wasm/full", "encoding/json") {
		if !allowed[p] {
			t.Errorf("%s links encoding/json into wasm/full", p)
		}
	}
}

// TestFullWasmLeavesTerraform: the full engine, which every visit that
// reads a policy fetches, does not link HashiCorp's HCL parser or
// go-cty; the Terraform engine (wasm/terraform), fetched only for a
// Terraform paste, does.
func TestFullWasmLeavesTerraform(t *testing.T) {
	t.Parallel()
	for _, dep := range []string{"github.com/hashicorp/hcl/v2", "github.com/zclconf/go-cty/cty"} {
		if ps := importersOf(t, "./wasm/full", dep); len(ps) > 0 {
			t.Errorf("%v link %s into wasm/full", ps, dep)
		}
		if ps := importersOf(t, "./wasm/terraform", dep); len(ps) == 0 {
			t.Errorf("wasm/terraform does not link %s: is it still the page's Terraform engine?", dep)
		}
	}
}

// importersOf are the packages pkg links (for the browser) that import
// dep directly.
func importersOf(t *testing.T, pkg, dep string) []string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal("go list:", err)
	}
	var importers []string
	for _, line := range strings.Split(string(out), "\n") {
		fs := strings.Fields(line)
		for _, imp := range fs[min(1, len(fs)):] {
			if imp == dep {
				importers = append(importers, fs[0])
			}
		}
	}
	return importers
}

// wasmDeps lists the packages pkg links when built for the browser.
func wasmDeps(t *testing.T, pkg string) []string {
	t.Helper()
	root, err := repoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("go", "list", "-deps", pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal("go list:", err)
	}
	return strings.Fields(string(out))
}
