# Shared by the worker-*.sh scripts: write a workerd config for a built
# worker directory. Sourced, not run.
#
# worker_config DIR ADDR KIND
#   KIND=go: the whycors worker in DIR (worker.mjs, wasm_exec.js, app.wasm),
#            with every WHYCORS_* variable taken from workerd's environment
#            (fromEnvironment), so policies need no escaping.
#   KIND=js: DIR/js-worker.mjs alone (the baseline of worker-bench.sh).
# Loopback upstreams need a network service allowing local addresses as
# globalOutbound (shared/reference/build-chain.md, A3).

WORKERD=${WORKERD:-$(cd "$(dirname "$0")/.." && pwd)/node_modules/@cloudflare/workerd-linux-64/bin/workerd}

worker_config() {
	dir=$1 addr=$2 kind=$3
	if [ "$kind" = js ]; then
		mods='(name = "js-worker.mjs", esModule = embed "js-worker.mjs"),'
		binds=''
	else
		mods='(name = "worker.mjs", esModule = embed "worker.mjs"),
    (name = "wasm_exec.js", esModule = embed "wasm_exec.js"),
    (name = "app.wasm", wasm = embed "app.wasm"),
    (name = "policy.txt", text = embed "policy.txt"),'
		binds=''
		for v in WHYCORS_POLICY WHYCORS_POLICY_FORMAT WHYCORS_UPSTREAM WHYCORS_DEBUG WHYCORS_DISALLOWED WHYCORS_UPSTREAM_TIMEOUT_MS; do
			binds="$binds
    (name = \"$v\", fromEnvironment = \"$v\"),"
		done
	fi
	cat >"$dir/config-$kind.capnp" <<CAPNP
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "main", worker = .w),
    (name = "net", network = (allow = ["public", "private", "local"])),
  ],
  sockets = [ (name = "http", address = "$addr", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    $mods
  ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "net",
  bindings = [$binds
  ],
);
CAPNP
}

# wait_http URL [tries]: poll until URL answers (any status).
wait_http() {
	i=0
	while [ $i -lt "${2:-500}" ]; do
		curl -s -o /dev/null -X OPTIONS "$1" && return 0
		sleep 0.02
		i=$((i + 1))
	done
	echo "no answer from $1" >&2
	return 1
}
