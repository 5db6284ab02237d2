#!/usr/bin/env bash
# Runs a command and prints, on stderr, its wall time and the CPU-seconds
# the whole machine was busy and idle meanwhile (/proc/stat's first line,
# read before and after): for work that spreads over processes a test
# does not wait for (Chromium's helpers, workerd, Node), which the
# command's own rusage misses. On a machine otherwise idle, busy is what
# the command cost. It exits with the command's status.
#
#   scripts/bench/busy.sh go test -count=1 ./e2e/simulator
#   CI=true scripts/bench/busy.sh .ci/run
set -u
[ $# -gt 0 ] || { echo "usage: $0 command [args...]" >&2; exit 2; }
ticks() { # prints "busy idle" in clock ticks since boot
  local _ user nice system idle iowait irq softirq steal rest
  read -r _ user nice system idle iowait irq softirq steal rest </proc/stat
  echo "$((user + nice + system + irq + softirq + steal)) $((idle + iowait))"
}
hz=$(getconf CLK_TCK)
read -r b0 i0 <<<"$(ticks)"
t0=$(date +%s.%N)
"$@"
rc=$?
t1=$(date +%s.%N)
read -r b1 i1 <<<"$(ticks)"
awk -v t0="$t0" -v t1="$t1" -v b=$((b1 - b0)) -v i=$((i1 - i0)) -v hz="$hz" \
  'BEGIN { printf "wall %.1f s; machine busy %.1f CPU-s, idle %.1f CPU-s\n", t1 - t0, b / hz, i / hz }' >&2
exit $rc
