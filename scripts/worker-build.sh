#!/bin/sh
# Builds the edge worker into a directory ready for workerd or wrangler:
#   app.wasm      the Go program (GOOS=js GOARCH=wasm, -trimpath -s -w)
#   wasm_exec.js  syumai/workers' copy of Go's wasm_exec.js (Go.run(instance, context))
#   worker.mjs    our entry module (one resident Go instance per isolate)
# usage: scripts/worker-build.sh [outdir]   (default: worker/build)
# WORKER_TAGS=whycors_noexplain leaves out the debug explain endpoint
# (about 1.4 MB raw, 0.37 MB gzip of app.wasm).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/worker/build}
cd "$root"
mkdir -p "$out"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -tags "${WORKER_TAGS:-}" -o "$out/app.wasm" ./worker
# wasm_exec.js must match both the Go version and syumai's Go side
# (build-chain.md §1.3); take it from the module the build just used.
dir=$(go list -m -f '{{.Dir}}' github.com/syumai/workers)
cp "$dir/cmd/workers-assets-gen/assets/wasm_exec_go.js" "$out/wasm_exec.js"
chmod u+w "$out/wasm_exec.js"
cp worker/worker.mjs "$out/worker.mjs"
