#!/usr/bin/env bash
# tests/moto/run.sh: the collector against a real AWS API emulator.
#
# 1. a Python venv in target/moto-venv (reused when present) with pinned
#    moto[server] 5.2.5 and boto3 1.44.8;
# 2. moto_server on 127.0.0.1 on a free port, and tests/moto/standin.py in
#    front of it (SageMaker profiles/spaces/apps, what CreateDomain creates,
#    faithful endpoint ENIs; see its docstring) on another free port;
# 3. tests/moto/fixture.py builds a healthy and a broken VpcOnly domain;
#    tests/moto/dump.py writes the same state as raw AWS JSON;
# 4. cargo test --features aws --test collect_mock --test collect_moto: the
#    SDK-mock unit tests, and the real binary collecting over HTTP (snapshot,
#    verdicts, differential against the dump, gaps, retries, IAM policy;
#    faults injected by the stand-in: throttling bursts, 5xx, dropped
#    connections, answers slower than --call-timeout, a run cut by --timeout;
#    no secret from the environment in any output).
# Both servers are stopped at the end, also on failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=${SAGESCOPE_MOTO_VENV:-$ROOT/target/moto-venv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sagescope-moto.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$VENV/bin/moto_server" ] || ! "$VENV/bin/python" -c 'import moto, boto3, sys; sys.exit(moto.__version__ != "5.2.5")' 2>/dev/null; then
    echo "moto: creating $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' 'boto3==1.44.8'
fi

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
    for _ in $(seq 1 100); do
        if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "moto: $1 did not answer" >&2; return 1
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

"$VENV/bin/python" tests/moto/fixture.py --endpoint "$ENDPOINT" >"$WORK/fixture.json"
"$VENV/bin/python" tests/moto/dump.py --endpoint "$ENDPOINT" --out "$WORK/dump" >&2

status=0
SAGESCOPE_EMULATOR="$ENDPOINT" SAGESCOPE_FIXTURE="$WORK/fixture.json" SAGESCOPE_DUMP="$WORK/dump" \
    cargo test --features aws --test collect_mock --test collect_moto -- --include-ignored --test-threads 1 "$@" \
    || status=$?
if [ "$status" -ne 0 ]; then
    echo "--- stand-in log" >&2; tail -n 50 "$WORK/standin.log" >&2 || true
    echo "--- moto log" >&2; tail -n 50 "$WORK/moto.log" >&2 || true
fi
exit "$status"
