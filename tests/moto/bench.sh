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
DELAYS=("$@")
[ ${#DELAYS[@]} -eq 0 ] && DELAYS=(50)
cargo build --features aws --quiet
BIN=${CARGO_TARGET_DIR:-$PWD/target}/debug/sagescope
# shellcheck source=tests/moto/lib.sh
MOTO_VENV_REQUIRED=1 source tests/moto/lib.sh bench

"$VENV/bin/python" tests/moto/fixture.py --endpoint "$ENDPOINT" --only healthy \
    --extra-subnets 50 --extra-sgs 200 >"$WORK/fixture.json"
DOMAIN=$("$VENV/bin/python" -c 'import json,sys; print(json.load(open(sys.argv[1]))["healthy"]["domain_id"])' "$WORK/fixture.json")
for d in "${DELAYS[@]}"; do
    echo "== latency ${d} ms"
    "$VENV/bin/python" tests/moto/bench.py --endpoint "$ENDPOINT" --binary "$BIN" \
        --domain-id "$DOMAIN" --delay-ms "$d" --runs "${SAGESCOPE_BENCH_RUNS:-3}"
done
