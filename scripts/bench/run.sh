#!/bin/sh
# Benchmarks engine/middleware against rs/cors on the same requests in the
# same run, then summarizes with benchstat, one column per library.
#   COUNT (default 6), BENCHTIME (default 500ms), OUT (default a temp file)
set -eu
cd "$(dirname "$0")"
out=${OUT:-$(mktemp -t whycors-bench.XXXXXX)}
go test -run '^$' -bench 'BenchmarkCORS' -benchmem -count "${COUNT:-6}" -benchtime "${BENCHTIME:-500ms}" . | tee "$out"
echo
echo "raw results: $out"
go run golang.org/x/perf/cmd/benchstat@latest -col /lib "$out"
