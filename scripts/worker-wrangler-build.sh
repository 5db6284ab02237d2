#!/bin/sh
# wrangler's [build] command (worker/wrangler.toml): checks the deployment's
# configuration, then builds the worker. wrangler runs it in the directory
# of its configuration file, so paths are relative to it.
#
#   sh ../scripts/worker-wrangler-build.sh [POLICY_FILE]
#
# POLICY_FILE (or $WHYCORS_POLICY_FILE): the policy as a file, bundled with
# the worker as the Text module policy.txt; without it the policy is
# WHYCORS_POLICY in [vars]. Either way the worker's own configuration
# reader (worker check, worker/deploycheck.go) reads the policy and every
# [vars] variable first, and a fault stops the deploy with its position:
# wrangler.toml:LINE:COLUMN or POLICY_FILE:LINE:COLUMN. A secret
# (wrangler secret put) cannot be checked here; the worker checks it when
# it starts and fails closed.
#
# WRANGLER_CONFIG: the configuration file (default wrangler.toml);
# WORKER_TAGS: the build (scripts/worker-build.sh).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
policy=${1:-${WHYCORS_POLICY_FILE:-}}
config=${WRANGLER_CONFIG:-wrangler.toml}
out=$PWD/build
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$root" && go build -o "$tmp/worker" ./worker)
if [ -n "$policy" ]; then
	"$tmp/worker" check -config "$config" -policy "$policy"
else
	"$tmp/worker" check -config "$config"
fi
sh "$root/scripts/worker-build.sh" "$out"
if [ -n "$policy" ]; then
	cp "$policy" "$out/policy.txt"
fi
