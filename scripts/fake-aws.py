#!/usr/bin/env python3
"""A stand-in for the `aws` CLI that replays an example folder (test helper).

scripts/test-capture.sh puts this on PATH as `aws`, so that
scripts/capture-domain.sh can be run offline. Each call is answered from the
file that capture-domain.sh would write for it, in the folder named by
$FAKE_AWS_DIR. --query is evaluated with the `jmespath` package when it is
installed (it ships with AWS CLI v1 and boto3); otherwise only the queries
capture-domain.sh uses are understood. --output text is printed the way the
CLI prints it: lists tab-separated, null as "None".

$FAKE_AWS_DENY, a comma-separated list of "service operation" pairs (e.g.
"ec2 describe-network-acls"), makes those calls fail with AccessDenied like
the real CLI does (message on stderr, exit status 254).

Every call is appended to $FAKE_AWS_LOG when it is set.
"""

import json
import os
import sys

FALLBACK = {
    "VpcId": lambda d: d.get("VpcId"),
    "HomeEfsFileSystemId": lambda d: d.get("HomeEfsFileSystemId"),
    "SubnetIds": lambda d: d.get("SubnetIds"),
    "Vpcs[0].DhcpOptionsId": lambda d: d["Vpcs"][0].get("DhcpOptionsId"),
    "MountTargets[].MountTargetId": lambda d: [m["MountTargetId"] for m in d["MountTargets"]],
    "UserProfiles[].UserProfileName": lambda d: [p["UserProfileName"] for p in d["UserProfiles"]],
    "Spaces[].SpaceName": lambda d: [s["SpaceName"] for s in d["Spaces"]],
    "PrefixLists[?OwnerId!='AWS'].PrefixListId":
        lambda d: [p["PrefixListId"] for p in d["PrefixLists"] if p.get("OwnerId") != "AWS"],
}


def query(expr, doc):
    try:
        import jmespath
        return jmespath.search(expr, doc)
    except ImportError:
        key = " ".join(expr.split())
        if key.startswith("[DefaultUserSettings.CustomFileSystemConfigs"):
            return []
        if key not in FALLBACK:
            sys.exit(f"fake-aws: query not understood without jmespath: {expr}")
        return FALLBACK[key](doc)


def text(v):
    if v is None:
        return "None"
    if isinstance(v, list):
        return "\t".join(text(x) for x in v)
    if isinstance(v, bool):
        return "True" if v else "False"
    return str(v)


def main(argv):
    if argv[:1] == ["--version"]:
        print("aws-cli/2.17.0 Python/3.11.9 Linux/6.0 exe/x86_64 (fake-aws)")
        return 0
    if argv[:3] == ["configure", "get", "region"]:
        print("eu-west-1")
        return 0
    if log := os.environ.get("FAKE_AWS_LOG"):
        with open(log, "a") as f:
            f.write(" ".join(argv) + "\n")
    service, op, rest = argv[0], argv[1], argv[2:]
    opts = {}
    i = 0
    while i < len(rest):
        if rest[i].startswith("--"):
            val = rest[i + 1] if i + 1 < len(rest) and not rest[i + 1].startswith("--") else True
            opts[rest[i][2:]] = val
            i += 2 if val is not True else 1
        else:
            i += 1
    denied = [x.strip() for x in os.environ.get("FAKE_AWS_DENY", "").split(",") if x.strip()]
    if f"{service} {op}" in denied:
        sys.stderr.write(f"\nAn error occurred (AccessDenied) when calling the {op} operation: "
                         "User: arn:aws:iam::111122223333:user/auditor is not authorized\n")
        return 254

    base = os.environ["FAKE_AWS_DIR"]
    if service == "ec2":
        rel = op + ".json"
        if op == "describe-vpc-attribute":
            rel = f"describe-vpc-attribute-{opts['attribute']}.json"
        elif op == "get-managed-prefix-list-entries":
            rel = f"get-managed-prefix-list-entries-{opts['prefix-list-id']}.json"
    elif service == "efs":
        rel = f"efs/{op}.json"
        if op == "describe-mount-target-security-groups":
            rel = f"efs/{op}-{opts['mount-target-id']}.json"
    elif service == "sagemaker":
        rel = f"sagemaker/{op}.json"
        if op == "describe-domain":
            rel = f"sagemaker/describe-domain-{opts['domain-id']}.json"
        elif op == "describe-user-profile":
            rel = f"sagemaker/describe-user-profile-{opts['user-profile-name']}.json"
        elif op == "describe-space":
            rel = f"sagemaker/describe-space-{opts['space-name']}.json"
    else:
        sys.stderr.write(f"fake-aws: unsupported service {service}\n")
        return 252
    path = os.path.join(base, rel)
    if not os.path.exists(path):
        sys.stderr.write(f"\nAn error occurred (ResourceNotFound) when calling {op}: {rel} not in {base}\n")
        return 254
    with open(path) as f:
        doc = json.load(f)
    if "query" in opts:
        doc = query(opts["query"], doc)
    if opts.get("output") == "text":
        print(text(doc))
    else:
        print(json.dumps(doc, indent=4, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
