#!/usr/bin/env bash
# Entry point of `make bench` and `make bench-smoke`: bench-only tools, the Node.js peers'
# packages, then bench/run.mjs (which starts our server and the peers and runs every scenario).
#   bench/bench.sh [--smoke] [--only fanout,idle] [--targets ours,ws,sio]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

# wrk (the `rest` scenario) is a bench-only tool: not in scripts/install-deps.sh.
if ! command -v wrk >/dev/null 2>&1; then
    sudo=()
    if (( EUID != 0 )); then sudo=(sudo); fi
    "${sudo[@]}" apt-get install -y wrk >/dev/null || echo "bench: could not install wrk; the rest scenario will be skipped" >&2
fi

# The peers' packages, exactly as locked.
if [[ ! -d "$here/peers/node_modules" || "$here/peers/package-lock.json" -nt "$here/peers/node_modules/.package-lock.json" ]]; then
    (cd "$here/peers" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Many sockets: the load generator's workers and the servers each need up to ~20,000.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
# A server that crashes leaves a core dump in its data directory (kept when that happens).
ulimit -c unlimited 2>/dev/null || true
exec node "$here/run.mjs" "$@"
