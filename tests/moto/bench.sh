#!/usr/bin/env bash
# tests/moto/bench.sh [DELAY_MS ...]: the collector benchmark (issue 3).
#
# moto 5.2.5 + tests/moto/standin.py (as in run.sh), one healthy domain with
# 50 extra subnets and 200 extra security groups (10 rules each), then
# tests/moto/bench.py collects it with the real binary (debug build with
# --features aws) at each injected latency (default 50 ms): default
# concurrency vs --concurrency 1, the critical path, the ratios. Prints
# numbers; asserts nothing. Not part of .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=${SAGESCOPE_MOTO_VENV:-$ROOT/target/moto-venv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sagescope-bench.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
DELAYS=("$@")
[ ${#DELAYS[@]} -eq 0 ] && DELAYS=(50)

if [ ! -x "$VENV/bin/moto_server" ]; then
    echo "bench: run tests/moto/run.sh once first (it creates $VENV)" >&2; exit 2
fi
cargo build --features aws --quiet
BIN=${CARGO_TARGET_DIR:-$ROOT/target}/debug/sagescope

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
    for _ in $(seq 1 100); do
        if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "bench: $1 did not answer" >&2; return 1
}
MOTO_PORT=$(free_port)
"$VENV/bin/moto_server" -H 127.0.0.1 -p "$MOTO_PORT" >"$WORK/moto.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$MOTO_PORT/moto-api/"
STANDIN_PORT=$(free_port)
"$VENV/bin/python" tests/moto/standin.py --moto "http://127.0.0.1:$MOTO_PORT" --port "$STANDIN_PORT" \
    >"$WORK/standin.log" 2>&1 &
PIDS+=($!)
wait_http "http://127.0.0.1:$STANDIN_PORT/_standin/health"
ENDPOINT="http://127.0.0.1:$STANDIN_PORT"

"$VENV/bin/python" tests/moto/fixture.py --endpoint "$ENDPOINT" --only healthy \
    --extra-subnets 50 --extra-sgs 200 >"$WORK/fixture.json"
DOMAIN=$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["healthy"]["domain_id"])' "$WORK/fixture.json")
for d in "${DELAYS[@]}"; do
    echo "== latency ${d} ms"
    "$VENV/bin/python" tests/moto/bench.py --endpoint "$ENDPOINT" --binary "$BIN" \
        --domain-id "$DOMAIN" --delay-ms "$d" --runs "${SAGESCOPE_BENCH_RUNS:-3}"
done
