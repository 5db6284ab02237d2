#!/bin/sh
# Builds the edge worker into a directory ready for workerd or wrangler:
#   app.wasm      the Go program (GOOS=js GOARCH=wasm, -trimpath -s -w)
#   wasm_exec.js  syumai/workers' copy of Go's wasm_exec.js (go.run(instance, context))
#   worker.mjs    our entry module (one resident Go instance per isolate)
#   policy.txt    empty: the bundled policy file (worker-wrangler-build.sh fills it)
# usage: scripts/worker-build.sh [outdir]   (default: worker/build)
# WORKER_TAGS (space-separated build tags):
#   whycors_explain     adds the debug explain endpoint (/.whycors/explain/...)
#   whycors_nativeonly  reads native policies only (no platform evaluators, smaller)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/worker/build}
cd "$root"
mkdir -p "$out"
GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -tags "${WORKER_TAGS:-}" -o "$out/app.wasm" ./worker
# syumai's wasm_exec.js (what its workers-assets-gen -mode=go writes) is Go's
# own plus run(instance, context), which serves the runtime context to the
# Go side as the global "context"; syumai's packages read env and their
# binding from it. It must match the Go version that built app.wasm (the
# imports change between releases, build-chain.md §1.3): the worker's
# TestSyumaiWasmExec compares it with this Go's lib/wasm/wasm_exec.js.
syumai=$(go list -m -f '{{.Dir}}' github.com/syumai/workers)
cp "$syumai/cmd/workers-assets-gen/assets/wasm_exec_go.js" "$out/wasm_exec.js"
chmod u+w "$out/wasm_exec.js"
cp worker/worker.mjs "$out/worker.mjs"
# policy.txt: the policy as a file bundled with the worker (a Text module
# the entry module imports). Empty here: the policy comes from
# WHYCORS_POLICY; scripts/worker-wrangler-build.sh writes a checked file.
: >"$out/policy.txt"
