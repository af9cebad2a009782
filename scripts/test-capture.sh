#!/usr/bin/env bash
# Offline test of capture-domain.sh: replay each example folder through a fake
# `aws` (scripts/fake-aws.py) and check that the capture reproduces the folder
# file for file; then check that a denied call only warns.
#
#     scripts/test-capture.sh
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
examples="$here/../examples"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The fake CLI, on PATH as `aws`.
mkdir -p "$tmp/bin"
ln -s "$here/fake-aws.py" "$tmp/bin/aws"
export PATH="$tmp/bin:$PATH"

status=0
for dir in "$examples"/*/; do
    name=$(basename "$dir")
    domain_file=$(find "$dir/sagemaker" -name 'describe-domain-d-*.json' | head -n 1)
    domain=$(basename "$domain_file" .json)
    domain=${domain#describe-domain-}
    FAKE_AWS_DIR=$dir "$here/capture-domain.sh" "$domain" eu-west-1 "$tmp/$name" 2>"$tmp/$name.log"
    if diff -r -x README.md "$dir" "$tmp/$name" >"$tmp/$name.diff"; then
        echo "ok   $name: capture reproduces the example"
    else
        echo "FAIL $name: capture differs from the example"
        cat "$tmp/$name.diff" "$tmp/$name.log"
        status=1
    fi
done

# A denied call warns, leaves no file behind, and the capture still finishes.
FAKE_AWS_DIR="$examples/broken-vpc-only/" FAKE_AWS_DENY="ec2 describe-network-acls,efs describe-mount-target-security-groups" \
    "$here/capture-domain.sh" d-b3x8n5wq2jrz eu-west-1 "$tmp/denied" 2>"$tmp/denied.log"
if grep -q 'warning: aws ec2 describe-network-acls .*AccessDenied' "$tmp/denied.log" &&
    grep -q '3 call(s) failed' "$tmp/denied.log" &&
    [ ! -e "$tmp/denied/describe-network-acls.json" ] &&
    [ -e "$tmp/denied/sagemaker/list-apps.json" ]; then
    echo "ok   denied calls: warned and continued"
else
    echo "FAIL denied calls"
    cat "$tmp/denied.log"
    status=1
fi

# Usage errors exit 2.
rc=0
"$here/capture-domain.sh" 'not-a-domain' 2>/dev/null || rc=$?
if [ "$rc" -eq 2 ]; then
    echo "ok   bad domain id rejected with status 2"
else
    echo "FAIL bad domain id: status $rc, expected 2"
    status=1
fi
exit $status
