#!/usr/bin/env python3
"""Collector benchmark (issue 3), driven by tests/moto/bench.sh.

Collects one domain (50 extra subnets, 200 extra security groups with 10
rules each) from moto behind tests/moto/standin.py with a fixed latency
injected per API call, with the default concurrency and with
--concurrency 1, and prints:

* API calls per domain;
* wall time concurrent and sequential (the span from the first request's
  arrival to the last answer, as the stand-in logged them; the process wall
  time, with start-up, in brackets), median of --runs runs;
* the critical path: the longest chain of dependent calls, each weighted by
  its duration in the sequential run (where no other call competes for the
  server) -- the least any schedule could take against this server;
  and the same chain counted in calls x the injected latency;
* the ratios sequential/concurrent (target >= 3) and concurrent/critical
  path (target <= 1.5).

The dependencies are the collector's data dependencies (src/collect/mod.rs):
DescribeDomain names the VPC, the home EFS and the domain; every per-VPC
describe, the EFS calls and the SageMaker listings need only that; the DHCP
options need DescribeVpcs, profile/space describes their listing, mount
target groups their mount targets; groups by id need every rule and setting
that names groups; prefix-list entries need the groups and route tables.
Not a test: nothing here asserts a time.
"""
import argparse
import json
import statistics
import subprocess
import sys
import time
import urllib.request

p = argparse.ArgumentParser()
p.add_argument("--endpoint", required=True)
p.add_argument("--binary", required=True)
p.add_argument("--domain-id", required=True)
p.add_argument("--delay-ms", type=int, default=50)
p.add_argument("--runs", type=int, default=3)
a = p.parse_args()


def hook(method, path, body=None):
    req = urllib.request.Request(a.endpoint + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as r:
        return json.loads(r.read() or b"null")


def collect(concurrency):
    hook("DELETE", "/_standin/log")
    args = [a.binary, "collect", "--endpoint-url", a.endpoint, "--region", "us-east-1",
            "--domain-id", a.domain_id, "-q", "-o", "/dev/null"]
    if concurrency:
        args += ["--concurrency", str(concurrency)]
    env = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
           "AWS_CONFIG_FILE": "/dev/null", "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
           "AWS_EC2_METADATA_DISABLED": "true", "PATH": "/usr/bin:/bin"}
    t = time.monotonic()
    r = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t
    if r.returncode != 0:
        sys.exit(f"collect failed ({r.returncode}): {r.stderr}")
    log = [e for e in hook("GET", "/_standin/log") if e["client"] == "rust" and e["t1"] is not None]
    span = max(e["t1"] for e in log) - min(e["t0"] for e in log)
    return {"wall": wall, "span": span, "log": log}


def key(e):
    op = f'{e["service"]}:{e["op"]}'
    if op == "ec2:DescribeSecurityGroups":
        return op + ("[by id]" if e.get("detail") == "group-id" else "[vpc]")
    return op


STEP2 = ["ec2:DescribeVpcs", "ec2:DescribeVpcAttribute", "ec2:DescribeSubnets", "ec2:DescribeRouteTables",
         "ec2:DescribeNetworkAcls", "ec2:DescribeSecurityGroups[vpc]", "ec2:DescribeVpcEndpoints",
         "ec2:DescribeNatGateways", "ec2:DescribeInternetGateways", "ec2:DescribeNetworkInterfaces",
         "ec2:DescribeEgressOnlyInternetGateways", "ec2:DescribePrefixLists", "efs:DescribeFileSystems",
         "efs:DescribeMountTargets", "sagemaker:ListUserProfiles", "sagemaker:ListSpaces",
         "sagemaker:ListApps"]
ROOT = "sagemaker:DescribeDomain"
DEPS = {k: [ROOT] for k in STEP2}
DEPS.update({
    ROOT: ["sagemaker:ListDomains"],
    "sagemaker:ListDomains": [],
    "ec2:DescribeDhcpOptions": ["ec2:DescribeVpcs"],
    "sagemaker:DescribeUserProfile": ["sagemaker:ListUserProfiles"],
    "sagemaker:DescribeSpace": ["sagemaker:ListSpaces"],
    "efs:DescribeMountTargetSecurityGroups": ["efs:DescribeMountTargets"],
    "ec2:DescribeSecurityGroups[by id]": [ROOT, "ec2:DescribeSecurityGroups[vpc]", "sagemaker:DescribeUserProfile",
                                          "sagemaker:DescribeSpace", "ec2:DescribeVpcEndpoints",
                                          "efs:DescribeMountTargetSecurityGroups"],
})
for k in ("ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries"):
    DEPS[k] = ["ec2:DescribeSecurityGroups[vpc]", "ec2:DescribeSecurityGroups[by id]", "ec2:DescribeRouteTables"]
# Independent instances of one operation (run side by side); every other
# operation's calls are pages of one listing (one after the other).
PARALLEL = {"ec2:DescribeVpcAttribute", "sagemaker:DescribeUserProfile", "sagemaker:DescribeSpace",
            "efs:DescribeMountTargetSecurityGroups", "ec2:GetManagedPrefixListEntries"}


def critical_path(log):
    """(seconds, calls, chain) of the longest dependent chain in `log`."""
    calls = {}
    for e in log:
        calls.setdefault(key(e), []).append(e["t1"] - e["t0"])
    unknown = set(calls) - set(DEPS)
    if unknown:
        sys.exit(f"bench.py: no dependency rule for {sorted(unknown)}")
    memo = {}

    def longest(k):
        if k not in memo:
            d = calls.get(k, [])
            own = (max(d) if k in PARALLEL else sum(d)) if d else 0.0
            n = (1 if k in PARALLEL else len(d)) if d else 0
            best = max((longest(p) for p in DEPS[k]), default=(0.0, 0, []))
            memo[k] = (best[0] + own, best[1] + n, best[2] + ([k] if d else []))
        return memo[k]

    return max(longest(k) for k in DEPS)


hook("POST", "/_standin/delay", {"ms": a.delay_ms})
collect(None)  # warm-up (moto's first answers are slower)
conc = [collect(None) for _ in range(a.runs)]
seq = [collect(1) for _ in range(a.runs)]
hook("POST", "/_standin/delay", {"ms": 0})

n_calls = len(seq[0]["log"])
by_op = {}
for e in seq[0]["log"]:
    by_op[key(e)] = by_op.get(key(e), 0) + 1
med = lambda runs, f: statistics.median(r[f] for r in runs)
cp_runs = [critical_path(r["log"]) for r in seq]
cp = statistics.median(c[0] for c in cp_runs)
cp_calls, chain = cp_runs[0][1], cp_runs[0][2]
c_span, s_span = med(conc, "span"), med(seq, "span")

print(f"latency injected per call: {a.delay_ms} ms; runs: {a.runs} each (median)")
print(f"API calls per domain: {n_calls}  ({', '.join(f'{k} x{v}' if v > 1 else k for k, v in sorted(by_op.items()))})")
print(f"wall time concurrent (default --concurrency): {c_span * 1000:.0f} ms  [process {med(conc, 'wall') * 1000:.0f} ms]")
print(f"wall time sequential (--concurrency 1):     {s_span * 1000:.0f} ms  [process {med(seq, 'wall') * 1000:.0f} ms]")
print(f"critical path: {cp * 1000:.0f} ms measured ({cp_calls} calls x {a.delay_ms} ms latency = {cp_calls * a.delay_ms} ms)")
print(f"  chain: {' -> '.join(chain)}")
print(f"ratio sequential / concurrent: {s_span / c_span:.2f}x (target >= 3x)")
print(f"ratio concurrent / critical path: {c_span / cp:.2f}x (target <= 1.5x)")
slow = sorted(((statistics.mean(e["t1"] - e["t0"] for e in seq[0]["log"] if key(e) == k), k) for k in by_op), reverse=True)[:3]
print("slowest operations alone (sequential run): " + ", ".join(f"{k} {t * 1000:.0f} ms" for t, k in slow))
