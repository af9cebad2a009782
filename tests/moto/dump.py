#!/usr/bin/env python3
"""Dump the emulator's state as raw AWS API JSON with boto3: the same calls,
with the same server-side filters, that `sagescope collect` makes, one file
per call, named like the AWS CLI commands (describe-vpcs.json, ...).

`sagescope audit DIR` of this folder and `sagescope audit SNAPSHOT` of a
live collection must give the same results (tests/collect_moto.rs).

Usage: dump.py --endpoint URL --out DIR [--region us-east-1]
"""
import argparse
import json
import os

import boto3

p = argparse.ArgumentParser()
p.add_argument("--endpoint", required=True)
p.add_argument("--out", required=True)
p.add_argument("--region", default="us-east-1")
a = p.parse_args()
kw = dict(endpoint_url=a.endpoint, region_name=a.region,
          aws_access_key_id="testing", aws_secret_access_key="testing")
ec2, efs, sm = (boto3.client(s, **kw) for s in ("ec2", "efs", "sagemaker"))


def write(rel, data):
    data = {k: v for k, v in data.items() if k not in ("ResponseMetadata", "NextToken", "NextMarker")}
    path = os.path.join(a.out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(data, f, indent=2, default=str)
    return data


def full(client, op, **params):
    return client.get_paginator(op).paginate(**params).build_full_result()


def vpc_filter(v):
    return [{"Name": "vpc-id", "Values": [v]}]


# 1. domains
domains = write("sagemaker/list-domains.json", full(sm, "list_domains"))["Domains"]
described = []
for d in domains:
    dd = sm.describe_domain(DomainId=d["DomainId"])
    described.append(write(f"sagemaker/describe-domain-{d['DomainId']}.json", dd))

# 2. per domain: people; per VPC: the network; per home EFS: mount targets
profiles = []
for d in described:
    dom = d["DomainId"]
    ups = write(f"sagemaker/{dom}/list-user-profiles.json",
                full(sm, "list_user_profiles", DomainIdEquals=dom))["UserProfiles"]
    for u in ups:
        profiles.append(write(f"sagemaker/{dom}/describe-user-profile-{u['UserProfileName']}.json",
                              sm.describe_user_profile(DomainId=dom, UserProfileName=u["UserProfileName"])))
    for s in write(f"sagemaker/{dom}/list-spaces.json", full(sm, "list_spaces", DomainIdEquals=dom))["Spaces"]:
        write(f"sagemaker/{dom}/describe-space-{s['SpaceName']}.json",
              sm.describe_space(DomainId=dom, SpaceName=s["SpaceName"]))
    write(f"sagemaker/{dom}/list-apps.json", full(sm, "list_apps", DomainIdEquals=dom))

groups, routes_pl, endpoints, vpcs = [], set(), [], set()
for vpc in sorted({d["VpcId"] for d in described if d.get("VpcId")}):
    vpcs.add(vpc)
    v = write(f"{vpc}/describe-vpcs.json", full(ec2, "describe_vpcs", VpcIds=[vpc]))
    for attr in ("enableDnsSupport", "enableDnsHostnames"):
        write(f"{vpc}/describe-vpc-attribute-{attr}.json", ec2.describe_vpc_attribute(VpcId=vpc, Attribute=attr))
    dopts = sorted({x["DhcpOptionsId"] for x in v["Vpcs"] if x.get("DhcpOptionsId", "default") != "default"})
    if dopts:
        write(f"{vpc}/describe-dhcp-options.json", full(ec2, "describe_dhcp_options", DhcpOptionsIds=dopts))
    write(f"{vpc}/describe-subnets.json", full(ec2, "describe_subnets", Filters=vpc_filter(vpc)))
    for rt in write(f"{vpc}/describe-route-tables.json",
                    full(ec2, "describe_route_tables", Filters=vpc_filter(vpc)))["RouteTables"]:
        routes_pl |= {r["DestinationPrefixListId"] for r in rt.get("Routes", []) if "DestinationPrefixListId" in r}
    write(f"{vpc}/describe-network-acls.json", full(ec2, "describe_network_acls", Filters=vpc_filter(vpc)))
    groups += write(f"{vpc}/describe-security-groups.json",
                    full(ec2, "describe_security_groups", Filters=vpc_filter(vpc)))["SecurityGroups"]
    endpoints += write(f"{vpc}/describe-vpc-endpoints.json",
                       full(ec2, "describe_vpc_endpoints", Filters=vpc_filter(vpc)))["VpcEndpoints"]
    write(f"{vpc}/describe-nat-gateways.json", full(ec2, "describe_nat_gateways", Filter=vpc_filter(vpc)))
    write(f"{vpc}/describe-internet-gateways.json", full(
        ec2, "describe_internet_gateways", Filters=[{"Name": "attachment.vpc-id", "Values": [vpc]}]))
    write(f"{vpc}/describe-network-interfaces.json",
          full(ec2, "describe_network_interfaces", Filters=vpc_filter(vpc)))

mount_target_groups = []
for fs in sorted({d["HomeEfsFileSystemId"] for d in described if d.get("HomeEfsFileSystemId")}):
    write(f"efs/describe-file-systems-{fs}.json", full(efs, "describe_file_systems", FileSystemId=fs))
    for mt in write(f"efs/describe-mount-targets-{fs}.json",
                    full(efs, "describe_mount_targets", FileSystemId=fs))["MountTargets"]:
        mount_target_groups += write(
            f"efs/describe-mount-target-security-groups-{mt['MountTargetId']}.json",
            efs.describe_mount_target_security_groups(MountTargetId=mt["MountTargetId"]))["SecurityGroups"]

if vpcs:
    # No VPC filter exists for egress-only gateways: keep the VPCs' own.
    eigw = full(ec2, "describe_egress_only_internet_gateways")
    eigw["EgressOnlyInternetGateways"] = [
        g for g in eigw["EgressOnlyInternetGateways"]
        if any(x.get("VpcId") in vpcs for x in g.get("Attachments", []))]
    write("describe-egress-only-internet-gateways.json", eigw)
    aws_lists = write("describe-prefix-lists.json", full(ec2, "describe_prefix_lists"))["PrefixLists"]
else:
    aws_lists = []


# 3. groups named from outside the VPC, up to 3 rounds
def referenced():
    out = set()
    for g in groups:
        for perm in g.get("IpPermissions", []) + g.get("IpPermissionsEgress", []):
            out |= {x["GroupId"] for x in perm.get("UserIdGroupPairs", []) if "GroupId" in x}
    for d in described:
        out |= set(d.get("DefaultUserSettings", {}).get("SecurityGroups", []))
        out |= set(d.get("DefaultSpaceSettings", {}).get("SecurityGroups", []))
        out |= set(d.get("DomainSettings", {}).get("SecurityGroupIds", []))
        if d.get("SecurityGroupIdForDomainBoundary"):
            out.add(d["SecurityGroupIdForDomainBoundary"])
    for u in profiles:
        out |= set(u.get("UserSettings", {}).get("SecurityGroups", []))
    for e in endpoints:
        out |= {g["GroupId"] for g in e.get("Groups", [])}
    out |= set(mount_target_groups)
    return {g for g in out if g.startswith("sg-")}


asked = set()
for rnd in range(3):
    known = {g["GroupId"] for g in groups}
    missing = sorted(referenced() - known - asked)
    if not missing:
        break
    asked |= set(missing)
    groups += write(f"describe-security-groups-referenced-{rnd}.json", full(
        ec2, "describe_security_groups", Filters=[{"Name": "group-id", "Values": missing}]))["SecurityGroups"]

# 4. prefix lists named by rules and routes whose entries are not known yet
named = set(routes_pl)
for g in groups:
    for perm in g.get("IpPermissions", []) + g.get("IpPermissionsEgress", []):
        named |= {x["PrefixListId"] for x in perm.get("PrefixListIds", [])}
missing = sorted(named - {p["PrefixListId"] for p in aws_lists if p.get("Cidrs")})
if missing:
    write("describe-managed-prefix-lists.json", full(
        ec2, "describe_managed_prefix_lists", Filters=[{"Name": "prefix-list-id", "Values": missing}]))
    for pl in missing:
        write(f"get-managed-prefix-list-entries-{pl}.json",
              full(ec2, "get_managed_prefix_list_entries", PrefixListId=pl))
print(f"dumped {len(described)} domains into {a.out}")
