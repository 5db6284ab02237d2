#!/bin/sh
# Every side-by-side speed comparison of issue 23, interleaved: each round
# runs every benchmark once, so the machine's noise falls on every
# contender alike, and the figures are medians over the rounds with their
# spread (min-max). Prints the load average before and after.
#
#   scripts/bench/all.sh            ROUNDS=6 BENCHTIME=200ms
#   WITH_SITE=1 WITH_WORKER=1 ...   also scripts/bench-site.sh and
#                                   scripts/worker-bench.sh (slow, not by default)
#   INSTR=1 ...                     also instructions per op (callgrind,
#                                   scripts/bench/instr.sh): every middleware
#                                   case with its ratio to each peer, every
#                                   platform evaluator at 100 rules without
#                                   trace, and engine/explain's benchmarks
#                                   with and without the collector
#
# Comparisons:
#   - middleware against rs/cors and jub0bs/cors (scripts/bench
#     BenchmarkCORS): whycors's ratio to each of process CPU per request
#     (cpu-ns/op) per case, and bytes per request; target ratio <= 1.0 and
#     bytes <= rs/cors's;
#   - the wildcard-subdomain reject against the exact-origin reject
#     (target <= 1.2x);
#   - engine/middleware BenchmarkMiddleware, engine/platform
#     BenchmarkRespond (every evaluator at 1/10/100 rules, trace on/off),
#     engine/explain BenchmarkExplain* and BenchmarkSpeed on one thread
#     and on two, with benchstat;
#   - whycors explain of a HAR of 1,000 fetches and their preflights
#     (engine/formats/har/explainhar BenchmarkExplain1000; target at most
#     1 s of CPU, its cpu-ns/op).
set -eu
cd "$(dirname "$0")/../.."
root=$(pwd)
rounds=${ROUNDS:-6}
bt=${BENCHTIME:-200ms}
out=${OUT:-$(mktemp -d -t whycors-all.XXXXXX)}
benchstat="go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $rounds rounds, -benchtime $bt; raw results in $out"

# Build each test binary once; each round runs them in turn.
go test -c -o "$out/mw.test" ./engine/middleware
go test -c -o "$out/platform.test" ./engine/platform
go test -c -o "$out/explain.test" ./engine/explain
go -C scripts/bench test -c -o "$out/cors.test" .
go test -c -o "$out/har.test" ./engine/formats/har/explainhar
r=1
while [ "$r" -le "$rounds" ]; do
	echo "round $r/$rounds (load $(cut -d' ' -f1 /proc/loadavg))"
	"$out/cors.test" -test.run '^$' -test.bench BenchmarkCORS -test.benchmem -test.benchtime "$bt" >>"$out/cors.txt"
	"$out/mw.test" -test.run '^$' -test.bench BenchmarkMiddleware -test.benchmem -test.benchtime "$bt" >>"$out/middleware.txt"
	(cd engine/platform && "$out/platform.test" -test.run '^$' -test.bench BenchmarkRespond -test.benchmem -test.benchtime "$bt" >>"$out/platform.txt")
	# The verdict's benchmarks on one thread (names without -2), as the
	# page's wasm runs them, and on two, where the collector marks on the
	# second core (process CPU then counts it, and on this 2-core VM the
	# runtime's idle spinning, futex and madvise too). One run per thread
	# count, not -test.cpu 1,2: the testing package sets GOMAXPROCS after
	# a benchmark's first call (golang/go#49980), and a b.Loop benchmark
	# measures in that first call, so with a list every "one thread" row
	# ran at the GOMAXPROCS left by the benchmark before, two.
	for procs in 1 2; do
		(cd engine/explain && "$out/explain.test" -test.run '^$' -test.bench 'Benchmark(Explain|Speed)' -test.benchmem -test.benchtime "$bt" -test.cpu $procs >>"$out/explain.txt")
	done
	"$out/har.test" -test.run '^$' -test.bench BenchmarkExplain1000 -test.benchmem -test.benchtime 2x >>"$out/har.txt"
	r=$((r + 1))
done

# ratios FILE PEER: per case (the name less /lib=...), the ratio of
# whycors's cpu-ns/op to PEER's (rs or jub0bs) in each round, then
# median [min-max], and each library's median B/op.
ratios() {
	awk -v peer="$2" '
	function val(unit,   i) { for (i = 3; i <= NF; i++) if ($i == unit) return $(i-1); return "" }
	/^BenchmarkCORS\// {
		name = $1; sub(/-[0-9]+$/, "", name)
		lib = name; sub(/.*\/lib=/, "", lib); sub(/\/lib=[^\/]*$/, "", name)
		n[name, lib]++; cpu[name, lib, n[name, lib]] = val("cpu-ns/op"); bytes[name, lib, n[name, lib]] = val("B/op")
		if (!(name in seen)) { seen[name] = 1; order[++cases] = name }
	}
	function median(a, k,   i, j, t) {
		for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j-1] > a[j]; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return k % 2 ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
	}
	END {
		printf "%-52s %7s %15s %6s %6s\n", "case (whycors / " peer "/cors, cpu-ns/op)", "median", "min-max", "B ours", "B " peer
		for (c = 1; c <= cases; c++) {
			name = order[c]; k = n[name, "whycors"]; if (n[name, peer] < k) k = n[name, peer]
			if (k == 0) continue
			split("", r); split("", bw); split("", br)
			for (i = 1; i <= k; i++) { r[i] = cpu[name, "whycors", i] / cpu[name, peer, i]; bw[i] = bytes[name, "whycors", i]; br[i] = bytes[name, peer, i] }
			lo = r[1]; hi = r[1]; for (i = 2; i <= k; i++) { if (r[i] < lo) lo = r[i]; if (r[i] > hi) hi = r[i] }
			m = median(r, k)
			printf "%-52s %6.2fx %6.2f-%-6.2f %6d %6d%s\n", substr(name, 15), m, lo, hi, median(bw, k), median(br, k), (m > 1.0 ? "  over 1.0x" : "")
		}
	}' "$1"
}

# within FILE A B: the median over rounds of cpu-ns/op(A)/cpu-ns/op(B),
# both whycors cases of one file.
within() {
	awk -v a="$2" -v b="$3" '
	function val(unit,   i) { for (i = 3; i <= NF; i++) if ($i == unit) return $(i-1); return "" }
	{ name = $1; sub(/-[0-9]+$/, "", name) }
	name == a { x[++na] = val("cpu-ns/op") }
	name == b { y[++nb] = val("cpu-ns/op") }
	END {
		k = na < nb ? na : nb
		for (i = 1; i <= k; i++) r[i] = x[i] / y[i]
		for (i = 2; i <= k; i++) for (j = i; j > 1 && r[j-1] > r[j]; j--) { t = r[j]; r[j] = r[j-1]; r[j-1] = t }
		printf "%.2fx [%.2f-%.2f] over %d rounds\n", (k % 2 ? r[(k+1)/2] : (r[k/2] + r[k/2+1]) / 2), r[1], r[k], k
	}' "$1"
}

echo
echo "== middleware against rs/cors (target: ratio <= 1.0x, bytes <= rs/cors's)"
ratios "$out/cors.txt" rs
echo
echo "== middleware against jub0bs/cors v1.0.1 (issue 23: no case where a peer wins)"
ratios "$out/cors.txt" jub0bs
echo
printf "wildcard-subdomain reject / exact-origin reject (target <= 1.2x): "
within "$out/cors.txt" BenchmarkCORS/cfg=wildcard/type=preflight/req=rejected/lib=whycors BenchmarkCORS/cfg=basic/type=preflight/req=rejected/lib=whycors
for f in middleware platform explain har; do
	echo
	echo "== $f (benchstat over $rounds rounds)"
	$benchstat "$out/$f.txt" | grep -v '^\(goos\|goarch\|pkg\|cpu\):' || true
done

if [ "${INSTR:-}" = 1 ]; then
	echo
	echo "== instructions per op (callgrind)"
	# Every middleware case, with whycors's ratio to each peer.
	scripts/bench/instr.sh scripts/bench 'BenchmarkCORS' 2000 | awk -F'\t' '
		{ print; name = $1; sub(/\/lib=[^\/]*$/, "", name); n = $2 + 0 }
		$1 ~ /lib=whycors$/ { ours[name] = n }
		$1 ~ /lib=(rs|jub0bs)$/ && (name in ours) { peer = $1; sub(/.*\/lib=/, "", peer); printf "%s\twhycors/%s %.2fx%s\n", name, peer, ours[name] / n, (ours[name] > n ? "  over 1.0x" : "") }'
	scripts/bench/instr.sh engine/platform 'BenchmarkRespond/platform=.*/rules=100/trace=off' 500
	# The verdict and the fix search, with the collector and without it
	# (GOGC=off repeats within 0.2%; the difference is the garbage's cost).
	scripts/bench/instr.sh engine/explain 'Benchmark(Speed|ExplainBlocked)' 300
	echo "the same with GOGC=off:"
	GOGC=off scripts/bench/instr.sh engine/explain 'Benchmark(Speed|ExplainBlocked)' 300
fi
# Others' comparisons: the page and the edge worker (slow; opt in).
if [ "${WITH_SITE:-}" = 1 ]; then
	echo
	echo "== page (scripts/bench-site.sh)"
	"$root/scripts/bench-site.sh"
fi
if [ "${WITH_WORKER:-}" = 1 ]; then
	echo
	echo "== edge worker (scripts/worker-bench.sh)"
	"$root/scripts/worker-bench.sh"
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
