#!/bin/bash
# Benchmarks the edge worker in workerd against a hand-written JS worker
# that answers the same preflight with the same headers (captured from our
# worker's own reply, so the two send byte-identical CORS headers).
#
#   scripts/worker-bench.sh            # ROUNDS=3 DURATION=10 COLD_RUNS=11
#
# Reports, per round and as medians: preflight throughput (wrk -t1 -c16,
# OPTIONS with Origin, ACRM and ACRH), the Go/JS throughput ratio, workerd
# CPU per request (utime+stime from /proc/PID/stat over the run divided by
# requests; includes workerd's own HTTP work), the same for forwarded
# requests (GET with Origin, relayed to scripts/worker-upstream; the JS
# baseline relays too and sets the same CORS headers), cold start (process
# spawn to the first complete response, scripts/worker-cold, with the
# config in workerd's binary form and as capnp text; also for the
# native-only build and with Go started on the first request instead of
# at module load), the first
# request's latency once the worker is loaded (scripts/worker-first.mjs),
# and the worker's wasm size raw and gzip -9. Targets (issue #7): ratio >= 0.4,
# CPU <= 0.2 ms/request, cold start <= 100 ms. wrk shares the machine's
# cores with workerd, so absolute numbers are noisy; the ratio is what to
# compare. The load average is printed with each round.
#
# WORKER_TAGS selects the build measured (scripts/worker-build.sh), e.g.
# WORKER_TAGS=whycors_nativeonly.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/worker-lib.sh"
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-10}
COLD_RUNS=${COLD_RUNS:-11}
PORT=${PORT:-8801}
UPORT=${UPORT:-8802}
[ -x "$WORKERD" ] || { echo "workerd not found at $WORKERD: run npm ci in $root" >&2; exit 1; }
command -v wrk >/dev/null || { echo "wrk not installed" >&2; exit 1; }

dir=$(mktemp -d)
wpid=""
upid=""
cleanup() {
	[ -n "$wpid" ] && kill "$wpid" 2>/dev/null
	[ -n "$upid" ] && kill "$upid" 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT

"$root/scripts/worker-build.sh" "$dir"
(cd "$root" && go build -o "$dir/upstream" ./scripts/worker-upstream)
"$dir/upstream" -addr "127.0.0.1:$UPORT" 2>/dev/null &
upid=$!
export WHYCORS_POLICY='{"rules": [{"name": "api", "path": "/api/*", "origins": ["https://app.example.com"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["X-Custom"], "credentials": true, "max_age": 600}]}'
export WHYCORS_UPSTREAM=http://127.0.0.1:$UPORT
worker_config "$dir" "127.0.0.1:$PORT" go

cat >"$dir/opt.lua" <<'LUA'
wrk.method = "OPTIONS"
wrk.path = "/api/items"
wrk.headers["Origin"] = "https://app.example.com"
wrk.headers["Access-Control-Request-Method"] = "PUT"
wrk.headers["Access-Control-Request-Headers"] = "x-custom"
LUA
cat >"$dir/get.lua" <<'LUA'
wrk.method = "GET"
wrk.path = "/api/items"
wrk.headers["Origin"] = "https://app.example.com"
LUA
req=(-X OPTIONS -H 'Origin: https://app.example.com' -H 'Access-Control-Request-Method: PUT' -H 'Access-Control-Request-Headers: x-custom')

start() { # kind
	"$WORKERD" serve "$dir/config-$1.capnp" 2>>"$dir/workerd.log" &
	wpid=$!
	wait_http "http://127.0.0.1:$PORT/api/items"
}
stop() { kill "$wpid"; wait "$wpid" 2>/dev/null || true; wpid=""; }

# Capture our preflight and actual replies and write the JS worker that
# sends the same.
start go
curl -s -D "$dir/go.h" -o /dev/null "${req[@]}" "http://127.0.0.1:$PORT/api/items"
curl -s -D "$dir/goget.h" -o /dev/null -H 'Origin: https://app.example.com' "http://127.0.0.1:$PORT/api/items"
stop
status=$(awk 'NR==1{print $2}' "$dir/go.h")
pairs() { tr -d '\r' <"$1" | awk -F': ' -v re="$2" 'NR>1 && NF>=2 && tolower($1) ~ re {printf "  [%s, %s],\n", "\"" $1 "\"", "\"" $2 "\""}'; }
hdrs=$(pairs "$dir/go.h" '^(access-control-|vary$)')
ahdrs=$(pairs "$dir/goget.h" '^access-control-')
[ "$status" = 204 ] && [ -n "$hdrs" ] || { echo "unexpected preflight reply from the worker:"; cat "$dir/go.h"; exit 1; }
cat >"$dir/js-worker.mjs" <<JS
// Hand-written baseline: the same preflight reply as the Go worker's, and
// actual requests relayed to the same upstream with the same CORS headers.
const H = [
$hdrs];
const A = [
$ahdrs];
export default { async fetch(req) {
  if (req.method === "OPTIONS") return new Response(null, { status: $status, headers: H });
  const u = new URL(req.url);
  const res = await fetch("$WHYCORS_UPSTREAM" + u.pathname + u.search, { method: req.method, headers: req.headers, redirect: "manual" });
  const h = new Headers(res.headers);
  for (const n of [...h.keys()]) if (n.startsWith("access-control-")) h.delete(n);
  for (const [k, v] of A) h.set(k, v);
  h.append("Vary", "Origin");
  return new Response(res.body, { status: res.status, headers: h });
} };
JS
worker_config "$dir" "127.0.0.1:$PORT" js
start js
curl -s -D "$dir/js.h" -o /dev/null "${req[@]}" "http://127.0.0.1:$PORT/api/items"
curl -s -D "$dir/jsget.h" -o /dev/null -H 'Origin: https://app.example.com' "http://127.0.0.1:$PORT/api/items"
stop
norm() { tr -d '\r' <"$1" | grep -i '^access-control-\|^vary:' | sort; }
if ! diff <(norm "$dir/go.h") <(norm "$dir/js.h") >/dev/null; then
	echo "baseline headers differ from the worker's:"; diff <(norm "$dir/go.h") <(norm "$dir/js.h"); exit 1
fi
if ! diff <(norm "$dir/goget.h") <(norm "$dir/jsget.h") >/dev/null; then
	echo "baseline headers on a forwarded reply differ from the worker's:"; diff <(norm "$dir/goget.h") <(norm "$dir/jsget.h"); exit 1
fi
echo "preflight reply (both workers):"; norm "$dir/go.h" | sed 's/^/  /'
echo "forwarded reply (both workers):"; norm "$dir/goget.h" | sed 's/^/  /'

CLK=$(getconf CLK_TCK)
bench() { # kind [script] -> "rps cpu_ms_per_req errors"
	start "$1"
	lua=$dir/${2:-opt}.lua
	wrk -t1 -c16 -d2s -s "$lua" "http://127.0.0.1:$PORT" >/dev/null
	c0=$(awk '{print $14+$15}' "/proc/$wpid/stat")
	out=$(wrk -t1 -c16 -d"${DURATION}s" -s "$lua" "http://127.0.0.1:$PORT")
	c1=$(awk '{print $14+$15}' "/proc/$wpid/stat")
	stop
	reqs=$(echo "$out" | awk '/requests in/{print $1}')
	rps=$(echo "$out" | awk '/Requests\/sec/{print $2}')
	errs=$(echo "$out" | awk '/Non-2xx|Socket errors/{s=s $0 "; "} END{print s==""?"none":s}')
	cpu=$(echo "($c1-$c0)*1000/$CLK/$reqs" | bc -l)
	printf '%s %.4f %s\n' "$rps" "$cpu" "$errs"
}
med() { sort -g | awk '{a[NR]=$1} END{print a[int((NR+1)/2)]}'; }

: >"$dir/rounds"
for r in $(seq "$ROUNDS"); do
	read -r jrps jcpu jerr <<<"$(bench js)"
	read -r grps gcpu gerr <<<"$(bench go)"
	read -r jfrps jfcpu jferr <<<"$(bench js get)"
	read -r gfrps gfcpu gferr <<<"$(bench go get)"
	ratio=$(echo "$grps/$jrps" | bc -l)
	printf 'round %d (load %s): preflight js %s rps %.4f ms/req (errors: %s) | go %s rps %.4f ms/req (errors: %s) | go/js %.3f\n' "$r" "$(cut -d' ' -f1-3 /proc/loadavg)" "$jrps" "$jcpu" "$jerr" "$grps" "$gcpu" "$gerr" "$ratio"
	printf '         forwarded js %s rps %.4f ms/req (errors: %s) | go %s rps %.4f ms/req (errors: %s)\n' "$jfrps" "$jfcpu" "$jferr" "$gfrps" "$gfcpu" "$gferr"
	echo "$jrps $jcpu $grps $gcpu $ratio $jfrps $jfcpu $gfrps $gfcpu" >>"$dir/rounds"
done

# The same build with Go started on the first request instead of while
# the module is evaluated (worker.mjs), to see what starting at load buys.
mkdir -p "$dir/lazy"
cp "$dir/app.wasm" "$dir/wasm_exec.js" "$dir/policy.txt" "$dir/lazy/"
sed 's|^  current = start(moduleEnv, undefined, true);$|  current = null;|' "$dir/worker.mjs" >"$dir/lazy/worker.mjs"
cmp -s "$dir/worker.mjs" "$dir/lazy/worker.mjs" && { echo "worker.mjs no longer starts Go at load as this script expects" >&2; exit 1; }
(worker_config "$dir/lazy" "127.0.0.1:$PORT" go) # a subshell: worker_config sets dir
# The native-only build (WORKER_TAGS=whycors_nativeonly), for cold start:
# it reads native policies only, so it is the build to deploy where cold
# start matters (convert once with `whycors convert --to native`).
if [ "${WORKER_TAGS:-}" != whycors_nativeonly ]; then
	mkdir -p "$dir/nat"
	WORKER_TAGS=whycors_nativeonly "$root/scripts/worker-build.sh" "$dir/nat"
	(worker_config "$dir/nat" "127.0.0.1:$PORT" go)
fi
# The floor: the same entry module, syumai and net/http, no engine
# (scripts/worker-floor answers a fixed preflight).
mkdir -p "$dir/floor"
(cd "$root" && GOOS=js GOARCH=wasm go build -trimpath -ldflags='-s -w' -o "$dir/floor/app.wasm" ./scripts/worker-floor)
cp "$dir/wasm_exec.js" "$dir/worker.mjs" "$dir/policy.txt" "$dir/floor/"
(worker_config "$dir/floor" "127.0.0.1:$PORT" go)
# The bare builds (WORKER_TAGS=whycors_bare, worker/main_bare.go): the
# same entry module and exported call without syumai and net/http, the
# default and the native-only readers.
for b in "bare:whycors_bare" "barenat:whycors_bare whycors_nativeonly"; do
	mkdir -p "$dir/${b%%:*}"
	WORKER_TAGS=${b#*:} "$root/scripts/worker-build.sh" "$dir/${b%%:*}"
	(worker_config "$dir/${b%%:*}" "127.0.0.1:$PORT" go)
done
(cd "$root" && go build -o "$dir/cold" ./scripts/worker-cold)
natarg=()
[ -d "$dir/nat" ] && natarg=("go-nativeonly=$dir/nat/config-go.capnp")
cold=$("$dir/cold" -workerd "$WORKERD" -runs "$COLD_RUNS" -config both \
	"go=$dir/config-go.capnp" "${natarg[@]}" "go-start-on-request=$dir/lazy/config-go.capnp" \
	"floor-no-engine=$dir/floor/config-go.capnp" "bare=$dir/bare/config-go.capnp" "bare-nativeonly=$dir/barenat/config-go.capnp" "js=$dir/config-js.capnp")
cold_go=$(echo "$cold" | grep '^go  ' | sed 's/^go *//')
cold_nat=$(echo "$cold" | grep '^go-nativeonly  ' | sed 's/^go-nativeonly *//')
first_go=$(node "$root/scripts/worker-first.mjs" "$WORKERD" "$dir/config-go.capnp" "$PORT" "$COLD_RUNS")
first_lazy=$(node "$root/scripts/worker-first.mjs" "$WORKERD" "$dir/lazy/config-go.capnp" "$PORT" "$COLD_RUNS")
raw=$(stat -c %s "$dir/app.wasm")
gz=$(gzip -9 -c "$dir/app.wasm" | wc -c)

ratio=$(awk '{print $5}' "$dir/rounds" | med)
gcpu=$(awk '{print $4}' "$dir/rounds" | med)
jcpu=$(awk '{print $2}' "$dir/rounds" | med)
grps=$(awk '{print $3}' "$dir/rounds" | med)
jrps=$(awk '{print $1}' "$dir/rounds" | med)
jfcpu=$(awk '{print $7}' "$dir/rounds" | med)
gfcpu=$(awk '{print $9}' "$dir/rounds" | med)
gfrps=$(awk '{print $8}' "$dir/rounds" | med)
jfrps=$(awk '{print $6}' "$dir/rounds" | med)
cmed=$(echo "$cold_go" | sed 's/median=\([0-9.]*\).*/\1/')
nmed=$(echo "$cold_nat" | sed 's/median=\([0-9.]*\).*/\1/')
verdict() { if [ "$(echo "$1" | bc -l)" = 1 ]; then echo ok; else echo MISSED; fi; }
cat <<SUM

summary (medians of $ROUNDS rounds, wrk -t1 -c16 -d${DURATION}s; build tags: ${WORKER_TAGS:-none}; load average now $(cut -d' ' -f1-3 /proc/loadavg)):
  preflight       go $grps rps, js $jrps rps, go/js $(printf %.3f "$ratio")   target >= 0.4: $(verdict "$ratio >= 0.4")
  CPU per request go $(printf %.4f "$gcpu") ms, js $(printf %.4f "$jcpu") ms   target <= 0.2: $(verdict "$gcpu <= 0.2")
  forwarded GET   go $gfrps rps $(printf %.4f "$gfcpu") ms/req, js $jfrps rps $(printf %.4f "$jfcpu") ms/req (workerd only; the upstream runs in its own process)
  cold start      go $cold_go   target <= 100: $(verdict "$cmed <= 100")
$([ -n "$nmed" ] && echo "                  native-only build: median=$nmed   target <= 100: $(verdict "$nmed <= 100")")
                  (ms, workerd spawn to first response, scripts/worker-cold; binary config unless marked text:)
$(echo "$cold" | sed 's/^/                  /')
  first request   once workerd listens and has idled 300 ms (ms; worker-first.mjs): go $first_go | started on the first request: $first_lazy
  app.wasm        $raw bytes raw, $gz bytes gzip -9 (floor, no engine: $(stat -c %s "$dir/floor/app.wasm") raw; bare: $(stat -c %s "$dir/bare/app.wasm") raw, $(gzip -9 -c "$dir/bare/app.wasm" | wc -c) gzip; bare native-only: $(stat -c %s "$dir/barenat/app.wasm") raw)
SUM
