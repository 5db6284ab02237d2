//go:build !(js && wasm)

package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestWasmDeps checks what the worker's wasm links: every package costs
// download size and start-up time in workerd, where cold start grows with
// the module (shared/reference/build-chain.md §3.3, §8). Every build is on
// github.com/syumai/workers (issue #7: its http.Handler serving, cloudflare
// env and fetch client), so net/http is in; the explainer is for the
// debug build only; engine/middleware (a net/http layer for Go servers) is
// not needed, the worker decides with engine/native and the platforms'
// own evaluators itself; the default build links those evaluators but
// not the converter (it enforces each format as it is), nor engine/all
// (which would link every format package: platform_on.go), nor the
// template and source formats; the native-only build links no other
// format reader.
func TestWasmDeps(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	syumai := []string{"github.com/syumai/workers", "github.com/syumai/workers/cloudflare", "github.com/syumai/workers/cloudflare/fetch", "net/http"}
	tests := []struct {
		desc    string
		tags    string
		without []string
		with    []string
	}{
		{desc: "default build: syumai and the platforms' evaluators, no explainer, no converter", tags: "",
			without: []string{"github.com/whycors/whycors/engine/explain", "github.com/whycors/whycors/engine/middleware", "github.com/whycors/whycors/engine/fetch",
				"github.com/whycors/whycors/engine/convert", "github.com/whycors/whycors/engine/all", "github.com/whycors/whycors/engine/formats/terraform",
				"github.com/whycors/whycors/engine/formats/serverless", "github.com/whycors/whycors/engine/formats/cloudformation", "go/parser"},
			with: append(syumai, "github.com/whycors/whycors/engine/native", "github.com/whycors/whycors/engine/platform/s3",
				"github.com/whycors/whycors/engine/formats/express", "github.com/whycors/whycors/engine/formats/nginx")},
		{desc: "native-only build: syumai, no other format's reader", tags: "whycors_nativeonly",
			without: []string{"encoding/xml", "github.com/whycors/whycors/engine/convert", "github.com/whycors/whycors/engine/platform/s3", "github.com/whycors/whycors/engine/explain", "github.com/whycors/whycors/engine/middleware"},
			with:    syumai},
		{desc: "bare build (for measuring): neither syumai nor net/http, the evaluators still", tags: "whycors_bare",
			without: append(syumai, "crypto/tls", "crypto/x509", "github.com/whycors/whycors/engine/explain"),
			with:    []string{"github.com/whycors/whycors/engine/native", "github.com/whycors/whycors/engine/platform/s3"}},
		{desc: "bare native-only build: neither syumai nor net/http nor another format", tags: "whycors_bare whycors_nativeonly",
			without: append(syumai, "crypto/tls", "github.com/whycors/whycors/engine/platform/s3", "encoding/xml"),
			with:    []string{"github.com/whycors/whycors/engine/native"}},
		{desc: "debug build: syumai and the explainer", tags: "whycors_explain",
			without: []string{"github.com/whycors/whycors/engine/middleware"},
			with:    append(syumai, "github.com/whycors/whycors/engine/explain")},
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

// TestSyumaiWasmExec: the worker runs with syumai's wasm_exec.js
// (scripts/worker-build.sh), which must match the Go release building
// app.wasm (its imports change between releases: syumai/workers-go#71,
// build-chain.md §1.3). Its only difference from Go's own
// lib/wasm/wasm_exec.js is run(instance, context) and the Proxy serving
// context as a global (build-chain.md §1.2); undoing exactly that must
// give Go's file back.
func TestSyumaiWasmExec(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	dir, err := exec.Command(gobin, "list", "-m", "-f", "{{.Dir}}", "github.com/syumai/workers").Output()
	if err != nil {
		t.Fatalf("go list -m: %v", err)
	}
	syumai, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "cmd", "workers-assets-gen", "assets", "wasm_exec_go.js"))
	if err != nil {
		t.Fatal(err)
	}
	goown, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(syumai)
	patches := []struct{ desc, patched, orig string }{
		{"run takes the context", "async run(instance, context) {", "async run(instance) {"},
		{"the proxy", "\t\t\tconst globalProxy = new Proxy(globalThis, {\n\t\t\t\tget(target, prop) {\n\t\t\t\t\tif (prop === 'context') {\n\t\t\t\t\t\treturn context;\n\t\t\t\t\t}\n\t\t\t\t\treturn Reflect.get(target, prop, target);\n\t\t\t\t}\n\t\t\t})\n", ""},
		{"the proxy stands for globalThis", "globalProxy", "globalThis"},
	}
	for _, p := range patches {
		if !strings.Contains(s, p.patched) {
			t.Fatalf("syumai's wasm_exec.js lacks %s: %q", p.desc, p.patched)
		}
		s = strings.ReplaceAll(s, p.patched, p.orig)
	}
	if s != string(goown) {
		t.Errorf("syumai's wasm_exec.js differs from %s beyond the context patch: rebuild against a Go release it matches, or update syumai", runtime.Version())
	}
}

// TestWasmFunctions looks at what the default build links, function by
// function (go list cannot tell: the packages are linked either way):
//   - syumai's fetch.Client.Do, not its HTTPClient, whose *http.Client
//     makes the linker keep http.Transport, HTTP/2 and crypto/tls (+1.2 MB
//     gzip, build-chain.md §1.2);
//   - the platforms' readers and evaluators, not the formats' writers,
//     which the worker never uses and whose bytes its cold start would
//     load.
func TestWasmFunctions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	bin := buildWasm(t, ".")
	const engine = "github.com/whycors/whycors/engine/"
	tests := []struct {
		desc, name string
		want       bool
	}{
		{"HTTP client transport", "net/http.(*Transport).roundTrip", false},
		{"TLS", "crypto/tls.(*Conn).Handshake", false},
		{"HTTP/2 client", "net/http.(*http2Transport)", false},
		{"syumai's fetch client", "github.com/syumai/workers/cloudflare/fetch.(*Client).Do", true},
		{"a platform reader", engine + "platform/s3.Read", true},
		{"S3's evaluator", engine + "platform/s3.Bucket.Respond", true},
		{"nginx's evaluator", engine + "formats/nginx.(*Config).Respond", true},
		{"the native writer", engine + "native.Write", false},
		{"nginx writer", engine + "formats/nginx.Write", false},
		{"Express writer", engine + "formats/express.Write", false},
		{"GCS writer", engine + "platform/gcs.Write", false},
		{"Azure writer", engine + "platform/azure.Write", false},
		{"API Gateway writer", engine + "platform/apigw.WriteHTTP", false},
		{"S3 JSON and CLI writers (WriteXML stays: s3.Validate measures the document with it)", engine + "platform/s3.WriteJSON", false},
		{"S3 CLI writer", engine + "platform/s3.WriteCLI", false},
	}
	for _, tc := range tests {
		if got := bytes.Contains(bin, []byte(tc.name)); got != tc.want {
			t.Errorf("%s: links %s: %v, want %v", tc.desc, tc.name, got, tc.want)
		}
	}
}

// TestFloorBuilds: scripts/worker-floor, the worker without the engine
// that scripts/worker-bench.sh starts with this entry module to measure
// the cold-start floor, must build and export what worker.mjs calls.
func TestFloorBuilds(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the wasm")
	}
	bin := buildWasm(t, "../scripts/worker-floor")
	mjs, err := os.ReadFile("worker.mjs")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"whycors_in", "whycors_out", "whycors_decide"} {
		if !bytes.Contains(mjs, []byte("ex."+name)) {
			t.Errorf("worker.mjs no longer calls %s: update this test and scripts/worker-floor", name)
		}
		if !bytes.Contains(bin, []byte(name)) {
			t.Errorf("scripts/worker-floor does not export %s", name)
		}
	}
}

// buildWasm builds pkg for GOOS=js GOARCH=wasm and returns the binary.
// go tool nm does not read wasm; function and export names are in it as
// text (the name section, the runtime's function table, the exports).
func buildWasm(t *testing.T, pkg string) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "app.wasm")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-trimpath", "-o", out, pkg)
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build %s: %v\n%s", pkg, err, b)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}
