#!/bin/bash
# Load test of the edge worker in workerd in front of a local upstream:
# wrk with 64 connections for 60 s (DURATION, at most 600), half preflights
# (answered at the edge), half actual GETs (forwarded). Every 50th response
# of each wrk thread is checked: status and the exact set of
# Access-Control-* and Vary headers must equal what the engine predicts
# (scripts/worker-expect). Fails on any socket error, unexpected status or
# header mismatch.
#
#   scripts/worker-load.sh        # DURATION=60 CONNS=64
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/worker-lib.sh"
DURATION=${DURATION:-60}
CONNS=${CONNS:-64}
PORT=${PORT:-8803}
UPORT=${UPSTREAM_PORT:-8804}
[ "$DURATION" -ge 1 ] && [ "$DURATION" -le 600 ] || { echo "DURATION must be 1..600 s" >&2; exit 2; }
[ -x "$WORKERD" ] || { echo "workerd not found at $WORKERD: run npm ci in $root" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }

dir=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT

ORIGIN=https://app.example.com
export WHYCORS_POLICY='{"rules": [{"name": "api", "path": "/api/*", "origins": ["https://app.example.com"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["X-Custom"], "exposed_headers": ["X-Request-Id"], "credentials": true, "max_age": 600}]}'
export WHYCORS_UPSTREAM=http://127.0.0.1:$UPORT

"$root/scripts/worker-build.sh" "$dir"
(cd "$root" && go build -o "$dir/upstream" ./scripts/worker-upstream && go run ./scripts/worker-expect "$ORIGIN") >"$dir/expect.lua"
"$dir/upstream" -addr "127.0.0.1:$UPORT" 2>/dev/null &
pids="$pids $!"
worker_config "$dir" "127.0.0.1:$PORT" go
"$WORKERD" serve "$dir/config-go.capnp" 2>"$dir/workerd.log" &
wpid=$!
pids="$pids $wpid"
wait_http "http://127.0.0.1:$PORT/"
echo "expected (from the engine):"; sed 's/^/  /' "$dir/expect.lua"

for kind in preflight actual; do
	cat >"$dir/$kind.lua" <<LUA
dofile("$dir/expect.lua")
local kind = "$kind"
if kind == "preflight" then
  wrk.method = "OPTIONS"
  wrk.headers["Access-Control-Request-Method"] = "PUT"
  wrk.headers["Access-Control-Request-Headers"] = "x-custom"
end
wrk.path = "/api/items"
wrk.headers["Origin"] = "$ORIGIN"
local want = kind == "preflight" and preflight or actual
local want_status = kind == "preflight" and preflight_status or actual_status
local threads = {}
function setup(t) table.insert(threads, t) end
function init() n = 0; checked = 0; bad = 0; first = "" end
function response(status, headers, body)
  n = n + 1
  if n % 50 ~= 0 then return end
  checked = checked + 1
  local got = {}
  for k, v in pairs(headers) do
    local l = string.lower(k)
    if string.sub(l, 1, 15) == "access-control-" or l == "vary" then got[l] = v end
  end
  local ok = status == want_status
  for k, v in pairs(want) do if got[k] ~= v then ok = false end end
  for k, v in pairs(got) do if want[k] == nil then ok = false end end
  if not ok then
    bad = bad + 1
    if first == "" then
      local s = "status " .. status
      for k, v in pairs(got) do s = s .. " | " .. k .. ": " .. v end
      first = s
    end
  end
end
function done(summary, latency, requests)
  local c, b, f = 0, 0, ""
  for _, t in ipairs(threads) do
    c = c + t:get("checked"); b = b + t:get("bad")
    if f == "" then f = t:get("first") end
  end
  io.write(string.format("CHECK %s checked=%d mismatched=%d %s\n", kind, c, b, f))
end
LUA
done
half=$((CONNS / 2))
CLK=$(getconf CLK_TCK)
c0=$(awk '{print $14+$15}' "/proc/$wpid/stat")
wrk -t1 -c"$half" -d"${DURATION}s" -s "$dir/preflight.lua" "http://127.0.0.1:$PORT" >"$dir/pre.out" &
w1=$!
wrk -t1 -c"$half" -d"${DURATION}s" -s "$dir/actual.lua" "http://127.0.0.1:$PORT" >"$dir/act.out" &
w2=$!
wait $w1 $w2
c1=$(awk '{print $14+$15}' "/proc/$wpid/stat")
rss=$(awk '/VmHWM/{print $2}' "/proc/$wpid/status")
fail=0
for f in pre act; do
	echo "== $f"; cat "$dir/$f.out"
	grep -q 'Socket errors\|Non-2xx' "$dir/$f.out" && fail=1
	grep -q 'mismatched=0 ' "$dir/$f.out" || fail=1
	grep -q 'checked=0 ' "$dir/$f.out" && fail=1
done
reqs=$(cat "$dir/pre.out" "$dir/act.out" | awk '/requests in/{s+=$1} END{print s}')
printf 'workerd: %d requests, CPU %.4f ms/request, peak RSS %s KB\n' "$reqs" "$(echo "($c1-$c0)*1000/$CLK/$reqs" | bc -l)" "$rss"
if grep -qi 'error\|exception' "$dir/workerd.log"; then echo "workerd log:"; head -20 "$dir/workerd.log"; fail=1; fi
[ $fail = 0 ] && echo "PASS" || { echo "FAIL"; exit 1; }
