# tests/moto/lib.sh: sourced by run.sh and bench.sh (from the repository
# root, after `set -euo pipefail`). Sets ROOT, VENV, WORK and ENDPOINT:
# a temporary work folder, moto_server on a free 127.0.0.1 port and
# tests/moto/standin.py in front of it on another (ENDPOINT), both stopped
# and WORK removed when the calling script exits. $1 names the caller in
# messages; with MOTO_VENV_REQUIRED=1 a missing venv is an error instead of
# being created (pinned moto[server] 5.2.5 and boto3 1.44.8).
MOTO_WHO=${1:-moto}
ROOT=$PWD
VENV=${SAGESCOPE_MOTO_VENV:-$ROOT/target/moto-venv}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/sagescope-$MOTO_WHO.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && wait "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ ! -x "$VENV/bin/moto_server" ] || ! "$VENV/bin/python" -c 'import moto, boto3, sys; sys.exit(moto.__version__ != "5.2.5")' 2>/dev/null; then
    if [ "${MOTO_VENV_REQUIRED:-0}" = 1 ]; then
        echo "$MOTO_WHO: run tests/moto/run.sh once first (it creates $VENV)" >&2; exit 2
    fi
    echo "$MOTO_WHO: creating $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check 'moto[server]==5.2.5' 'boto3==1.44.8'
fi

free_port() { "$VENV/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_http() {
    for _ in $(seq 1 100); do
        if "$VENV/bin/python" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "$1" 2>/dev/null; then return 0; fi
        sleep 0.1
    done
    echo "$MOTO_WHO: $1 did not answer" >&2; return 1
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
