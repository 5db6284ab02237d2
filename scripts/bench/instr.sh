#!/bin/sh
# Instructions per operation of Go benchmarks, counted by valgrind's
# callgrind: repeatable whatever else the machine is doing, unlike time.
#   instr.sh DIR BENCH-REGEXP [N]   (DIR: the package's directory, from the repository root)
# Each benchmark the regexp selects runs alone, at N and 11*N iterations
# (default N=1000); the difference over 10*N is its cost per operation
# with the test binary's start-up taken out. Needs valgrind.
set -eu
dir=$1 re=$2 n=${3:-1000}
cd "$(dirname "$0")/../.."
tmp=$(mktemp -d -t whycors-instr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
go -C "$dir" test -c -o "$tmp/t.test" .
# cpu.rdtscp=off: Debian's valgrind (3.19) cannot decode RDTSCP, which
# the Go runtime's cputicks uses when the processor reports it (SIGILL
# on this project's machine since 2026-12-05); the fenced RDTSC it uses
# otherwise is what earlier counts ran.
count() { # BENCH ITERATIONS -> instructions
	GODEBUG=asyncpreemptoff=1,cpu.rdtscp=off GOMAXPROCS=1 valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$tmp/t.test" \
		-test.run '^$' -test.bench "^$1\$" -test.benchtime "$2x" >/dev/null 2>"$tmp/err" ||
		{ cat "$tmp/err" >&2; exit 1; }
	sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$tmp/err"
}
# The names of the selected sub-benchmarks, from one quick run.
"$tmp/t.test" -test.run '^$' -test.bench "$re" -test.benchtime 1x 2>/dev/null |
	sed -n 's/^\(Benchmark[^ 	]*\)-[0-9]*[ 	].*/\1/p' | while read -r name; do
	exact=$(printf '%s' "$name" | sed 's/[][().*+?^$|\\{}]/\\&/g; s|/|$/^|g')
	a=$(count "$exact" "$n")
	b=$(count "$exact" $((11 * n)))
	printf '%s\t%d instructions/op\n' "$name" $(((b - a) / (10 * n)))
done
