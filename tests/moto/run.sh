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
# shellcheck source=tests/moto/lib.sh
source tests/moto/lib.sh moto

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
