#!/bin/sh
# Runs the edge worker locally in workerd in front of a local upstream
# (scripts/worker-upstream), until interrupted.
#
#   scripts/worker-dev.sh [policy.json]
#
# Environment: PORT (worker, default 8787), UPSTREAM_PORT (default 8788),
# and any WHYCORS_* variable (WHYCORS_DEBUG defaults to true here;
# WHYCORS_UPSTREAM defaults to the local upstream). Without a policy file
# the example policy of worker/wrangler.toml's shape is used.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
. "$root/scripts/worker-lib.sh"
[ -x "$WORKERD" ] || { echo "workerd not found at $WORKERD: run npm ci in $root" >&2; exit 1; }
port=${PORT:-8787}
uport=${UPSTREAM_PORT:-8788}
dir=$(mktemp -d)
pids=""
cleanup() { for p in $pids; do kill "$p" 2>/dev/null || true; done; rm -rf "$dir"; }
trap cleanup EXIT INT TERM

WORKER_TAGS=${WORKER_TAGS-whycors_explain} "$root/scripts/worker-build.sh" "$dir" # the explain endpoint, for curl below
(cd "$root" && go build -o "$dir/upstream" ./scripts/worker-upstream)
"$dir/upstream" -addr "127.0.0.1:$uport" &
pids="$pids $!"

if [ $# -ge 1 ]; then
	WHYCORS_POLICY=$(cat "$1")
else
	WHYCORS_POLICY='{"rules": [{"name": "api", "path": "/api/*", "origins": ["http://localhost:*", "https://app.example.com"], "methods": ["GET", "POST", "PUT", "DELETE"], "request_headers": ["Content-Type", "X-Custom"], "exposed_headers": ["X-Request-Id"], "credentials": true, "max_age": 600}]}'
fi
export WHYCORS_POLICY
export WHYCORS_UPSTREAM=${WHYCORS_UPSTREAM:-http://127.0.0.1:$uport}
export WHYCORS_DEBUG=${WHYCORS_DEBUG:-true}
worker_config "$dir" "127.0.0.1:$port" go
"$WORKERD" serve "$dir/config-go.capnp" &
pids="$pids $!"
wait_http "http://127.0.0.1:$port/"
cat <<MSG
worker: http://127.0.0.1:$port  ->  upstream: $WHYCORS_UPSTREAM
try:
  curl -i -X OPTIONS http://127.0.0.1:$port/api/items -H 'Origin: http://localhost:3000' -H 'Access-Control-Request-Method: PUT'
  curl -i http://127.0.0.1:$port/api/items -H 'Origin: http://localhost:3000'
  curl -s http://127.0.0.1:$port/.whycors/explain/api/items -H 'Origin: http://localhost:3000'
MSG
wait
