#!/bin/sh
# Builds the edge worker into a directory ready for workerd or wrangler:
#   app.wasm      the Go program (GOOS=js GOARCH=wasm, -trimpath -s -w)
#   wasm_exec.js  Go's own wasm_exec.js, from the Go release that built app.wasm
#   worker.mjs    our entry module (one resident Go instance per isolate)
# usage: scripts/worker-build.sh [outdir]   (default: worker/build)
# WORKER_TAGS (space-separated build tags):
#   whycors_explain     adds the debug explain endpoint (/.whycors/explain/...)
#   whycors_nativeonly  reads native policies only (no converter, smaller)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/worker/build}
cd "$root"
mkdir -p "$out"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -tags "${WORKER_TAGS:-}" -o "$out/app.wasm" ./worker
# wasm_exec.js must match the Go version that built app.wasm (its imports
# change between releases, build-chain.md §1.3).
cp "$(go env GOROOT)/lib/wasm/wasm_exec.js" "$out/wasm_exec.js"
chmod u+w "$out/wasm_exec.js"
cp worker/worker.mjs "$out/worker.mjs"
