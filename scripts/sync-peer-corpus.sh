#!/usr/bin/env bash
# Refresh the vendored Batfish peer corpus (tests/fixtures/peer/batfish/) from a copy of it.
#
#   scripts/sync-peer-corpus.sh PATH/TO/peer/batfish
#
# PATH is a corpus laid out as tests/fixtures/peer/batfish/README.md describes: one folder per
# scenario with `aws/` (the unchanged AWS API outputs) and, where the scenario asserts flows,
# `expect.json`, plus README.md and NOTICE.md (Apache-2.0, upstream repository and commit).
# The vendored copy is replaced as a whole, so scenarios and files removed upstream disappear
# here too. Afterwards: `cargo test --test peer_batfish`, then update the list of known
# disagreements in tests/peer_batfish.rs if flows were added or changed, and commit.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 PATH/TO/peer/batfish" >&2
    exit 2
fi
src=$1
repo=$(cd "$(dirname "$0")/.." && pwd)
dest="$repo/tests/fixtures/peer/batfish"

if [[ ! -d $src ]]; then
    echo "error: $src is not a directory" >&2
    exit 2
fi
for f in NOTICE.md README.md; do
    if [[ ! -f $src/$f ]]; then
        echo "error: $src/$f is missing: the corpus must carry its provenance and layout" >&2
        exit 2
    fi
done
shopt -s nullglob
scenarios=("$src"/*/aws)
if ((${#scenarios[@]} == 0)); then
    echo "error: $src holds no <scenario>/aws/ folder" >&2
    exit 2
fi

tmp=$(mktemp -d "$repo/tests/fixtures/peer/.sync.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# Data files unchanged: a plain recursive copy, without the source's permission bits (the
# shared copy is read-only) so the vendored files are ordinary repository files.
cp -R --no-preserve=mode "$src"/. "$tmp"/
rm -rf "$dest"
mv "$tmp" "$dest"
trap - EXIT

n_scen=${#scenarios[@]}
n_expect=$(find "$dest" -name expect.json | wc -l)
n_files=$(find "$dest" -type f | wc -l)
echo "vendored $n_scen scenarios ($n_expect with expect.json, $n_files files) into ${dest#"$repo"/}"
git -C "$repo" status --short -- "$dest" | head -20
