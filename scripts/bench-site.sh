#!/usr/bin/env bash
# Measures the simulator page against its budgets (issue #6) and prints the
# three figures. Not a test: timings on a shared machine are noisy, so this
# reports and exits 0 unless a step fails to run.
#
#   1. transfer on first load (HTML, CSS, JS, wasm, wasm_exec), brotli as
#      served: budget 900 KB; then the wasm's code size by Go package
#   2. navigation to the first verdict on screen, headless Chromium on
#      localhost, HTTP cache off, median of 10 loads: budget 300 ms
#   3. one explain call in the page while typing, median: budget 2 ms
#
#   scripts/bench-site.sh
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

echo "== 1. transfer size (go run ./scripts/buildsite -out $tmp/site)"
go run ./scripts/buildsite -out "$tmp/site" | tee "$tmp/sizes.txt"
br=$(awk '$1 == "total" {print $4}' "$tmp/sizes.txt")
printf 'first-load transfer, brotli: %d bytes = %.1f KB (budget 900 KB)\n' "$br" "$(echo "$br / 1000" | bc -l)"

echo
echo "== wasm code by package (GOOS=js GOARCH=wasm go build -trimpath ./wasm, name section kept)"
GOOS=js GOARCH=wasm go build -trimpath -o "$tmp/named.wasm" ./wasm
go run ./e2e/simulator/wasmsize -n 30 "$tmp/named.wasm"

echo
echo "== 2 and 3. time to first verdict, explain per keystroke (headless Chromium)"
WHYCORS_BENCH_SITE=1 go test -count=1 -run '^TestBenchSite$' -v ./e2e/simulator | grep -E '^(first verdict|  of which|explain per call|--- |ok|FAIL)'
