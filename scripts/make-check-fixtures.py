#!/usr/bin/env python3
"""Write tests/fixtures/checks/<check-id>/{pass,fail}/ and README.md.

Each folder holds raw AWS CLI v2 JSON (one file per call, only the calls the
check reads) of one small VpcOnly domain, `d-c4e8k2m6p0sa` in eu-west-1,
account 111122223333. `pass/` is the healthy base or a variant that must pass;
`fail/` changes one thing so the check fails on exactly the resources the
README names after "Fails on:" (tests/checks.rs holds them to it).

    python3 scripts/make-check-fixtures.py      # rewrite every fixture
"""

import copy
import json
import pathlib
import shutil

ROOT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "checks"
ACCT = "111122223333"
REGION = "eu-west-1"
DOMAIN = "d-c4e8k2m6p0sa"
DOMAIN_ARN = f"arn:aws:sagemaker:{REGION}:{ACCT}:domain/{DOMAIN}"
VPC = "vpc-0c4e1a2b3c4d5e6f7"
SUB_A = "subnet-0a11c4e8f2b6d0a13"
SUB_B = "subnet-0b22d5f9a3c7e1b24"
SUB_PUB = "subnet-0c33e6a0b4d8f2c35"
RTB_PRIVATE = "rtb-0a1b2c3d4e5f60718"
RTB_MAIN = "rtb-0f9e8d7c6b5a40312"
RTB_PUB = "rtb-0e1d2c3b4a5f60729"
RTB_B = "rtb-0d4c3b2a1f0e9d836"
IGW = "igw-0a9b8c7d6e5f40312"
NAT = "nat-0b1c2d3e4f5a60718"
PL_S3 = "pl-6da54004"
SG_APP = "sg-0a5e1c0d2b3f40718"
SG_ALICE = "sg-0a11ce0d2b3f40729"
SG_BOB = "sg-0b0b0e1d2c3f4a836"
SG_VPCE = "sg-0e9d8c7b6a5f40312"
SG_NFS_IN = "sg-0f1e2d3c4b5a60718"
SG_NFS_OUT = "sg-0f2e3d4c5b6a70829"
SG_DEFAULT = "sg-0d3e4f5a6b7c8d930"
FS = "fs-0c4e8a2b6d0f1a3c5"
MT_A = "fsmt-0a1b2c3d4e5f60718"
MT_B = "fsmt-0b2c3d4e5f6a70829"
ROLE = f"arn:aws:iam::{ACCT}:role/service-role/AmazonSageMaker-ExecutionRole-20250101T000000"
KMS = f"arn:aws:kms:{REGION}:{ACCT}:key/2f8e4c1a-6b3d-4e5f-8a9b-0c1d2e3f4a5b"
FULL_POLICY = json.dumps(
    {"Statement": [{"Action": "*", "Effect": "Allow", "Principal": "*", "Resource": "*"}]}
)

ENDPOINTS = [
    # (id, service suffix, service name)
    ("vpce-0a1c2e3f4b5d60718", "sagemaker.api", f"com.amazonaws.{REGION}.sagemaker.api"),
    ("vpce-0b2d3f4a5c6e70829", "sagemaker.runtime", f"com.amazonaws.{REGION}.sagemaker.runtime"),
    ("vpce-0c3e4a5b6d7f8093a", "studio", f"aws.sagemaker.{REGION}.studio"),
    ("vpce-0d4f5b6c7e8a90a4b", "sts", f"com.amazonaws.{REGION}.sts"),
    ("vpce-0e5a6c7d8f9b0ab5c", "logs", f"com.amazonaws.{REGION}.logs"),
]
VPCE_S3 = "vpce-0f6b7d8e9a0c1bc6d"


def sg_pair(group_id, port_from, port_to, protocol="tcp"):
    p = {
        "IpProtocol": protocol,
        "IpRanges": [],
        "Ipv6Ranges": [],
        "PrefixListIds": [],
        "UserIdGroupPairs": [{"GroupId": group_id, "UserId": ACCT}],
    }
    if port_from is not None:
        p["FromPort"] = port_from
        p["ToPort"] = port_to
    return p


ALL_OUT = {
    "IpProtocol": "-1",
    "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
    "Ipv6Ranges": [],
    "PrefixListIds": [],
    "UserIdGroupPairs": [],
}


def group(gid, name, ingress, egress, description=None, tags=None):
    g = {
        "Description": description or name,
        "GroupName": name,
        "IpPermissions": ingress,
        "OwnerId": ACCT,
        "GroupId": gid,
        "IpPermissionsEgress": egress,
        "VpcId": VPC,
    }
    if tags:
        g["Tags"] = tags
    return g


def nfs_groups(domain):
    tag = [{"Key": "ManagedByAmazonSageMakerResource", "Value": f"arn:aws:sagemaker:{REGION}:{ACCT}:domain/{domain}"}]
    if domain == DOMAIN:
        sg_in, sg_out = SG_NFS_IN, SG_NFS_OUT
    else:
        sg_in, sg_out = "sg-0a0d0e1e2d3c4b5a6", "sg-0b0d0e1e2d3c4b5a7"
    return [
        group(
            sg_in,
            f"security-group-for-inbound-nfs-{domain}",
            [sg_pair(sg_out, 2049, 2049)],
            [],
            f"[DO NOT DELETE] Security Group that allows inbound NFS traffic for SageMaker Notebooks Domain [{domain}]",
            tag,
        ),
        group(
            sg_out,
            f"security-group-for-outbound-nfs-{domain}",
            [],
            [sg_pair(sg_in, 2049, 2049)],
            f"[DO NOT DELETE] Security Group that allows outbound NFS traffic for SageMaker Notebooks Domain [{domain}]",
            tag,
        ),
    ]


def subnet(sid, cidr, az, azid, free=250, ipv6=None):
    s = {
        "AvailabilityZone": az,
        "AvailabilityZoneId": azid,
        "AvailableIpAddressCount": free,
        "CidrBlock": cidr,
        "DefaultForAz": False,
        "MapPublicIpOnLaunch": False,
        "State": "available",
        "SubnetId": sid,
        "VpcId": VPC,
        "OwnerId": ACCT,
        "Ipv6CidrBlockAssociationSet": [],
    }
    if ipv6:
        s["Ipv6CidrBlockAssociationSet"] = [
            {"AssociationId": f"subnet-cidr-assoc-{sid[-8:]}", "Ipv6CidrBlock": ipv6,
             "Ipv6CidrBlockState": {"State": "associated"}}
        ]
    return s


def route(dest, target, kind="GatewayId"):
    r = {"Origin": "CreateRoute", "State": "active"}
    if dest.startswith("pl-"):
        r["DestinationPrefixListId"] = dest
    else:
        r["DestinationCidrBlock"] = dest
    r[kind] = target
    return r


LOCAL = {"DestinationCidrBlock": "10.30.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}


def route_table(rid, subnets, routes, main=False):
    assoc = [
        {"Main": False, "RouteTableAssociationId": f"rtbassoc-{rid[-8:]}{i}", "RouteTableId": rid,
         "SubnetId": s, "AssociationState": {"State": "associated"}}
        for i, s in enumerate(subnets)
    ]
    if main:
        assoc.append({"Main": True, "RouteTableAssociationId": f"rtbassoc-{rid[-8:]}m", "RouteTableId": rid,
                      "AssociationState": {"State": "associated"}})
    return {"Associations": assoc, "PropagatingVgws": [], "RouteTableId": rid, "Routes": [LOCAL] + routes,
            "Tags": [], "VpcId": VPC, "OwnerId": ACCT}


def endpoint(eid, service, subnets=(SUB_A, SUB_B), private_dns=True, policy=FULL_POLICY):
    return {
        "VpcEndpointId": eid,
        "VpcEndpointType": "Interface",
        "VpcId": VPC,
        "ServiceName": service,
        "State": "available",
        "PolicyDocument": policy,
        "RouteTableIds": [],
        "SubnetIds": list(subnets),
        "Groups": [{"GroupId": SG_VPCE, "GroupName": "studio-vpc-endpoints"}],
        "IpAddressType": "ipv4",
        "PrivateDnsEnabled": private_dns,
        "RequesterManaged": False,
        "NetworkInterfaceIds": [],
        "OwnerId": ACCT,
    }


def base():
    """Every file of the healthy domain, by file name."""
    f = {}
    f["describe-vpcs.json"] = {"Vpcs": [{
        "CidrBlock": "10.30.0.0/16", "DhcpOptionsId": "dopt-0a1b2c3d4e5f60718", "State": "available",
        "VpcId": VPC, "OwnerId": ACCT, "InstanceTenancy": "default", "IsDefault": False,
        "CidrBlockAssociationSet": [{"AssociationId": "vpc-cidr-assoc-0a1b2c3d", "CidrBlock": "10.30.0.0/16",
                                     "CidrBlockState": {"State": "associated"}}],
    }]}
    f["describe-vpc-attribute-enableDnsSupport.json"] = {"VpcId": VPC, "EnableDnsSupport": {"Value": True}}
    f["describe-vpc-attribute-enableDnsHostnames.json"] = {"VpcId": VPC, "EnableDnsHostnames": {"Value": True}}
    f["describe-subnets.json"] = {"Subnets": [
        subnet(SUB_A, "10.30.1.0/24", f"{REGION}a", "euw1-az1"),
        subnet(SUB_B, "10.30.2.0/24", f"{REGION}b", "euw1-az2"),
    ]}
    f["describe-route-tables.json"] = {"RouteTables": [
        route_table(RTB_PRIVATE, [SUB_A, SUB_B], [route(PL_S3, VPCE_S3)]),
        route_table(RTB_MAIN, [], [], main=True),
    ]}
    f["describe-security-groups.json"] = {"SecurityGroups": [
        group(SG_APP, "studio-app", [], [ALL_OUT], "Studio apps of the domain"),
        group(SG_ALICE, "studio-alice", [sg_pair(SG_ALICE, 8192, 65535)], [ALL_OUT], "Studio apps of alice"),
        group(SG_VPCE, "studio-vpc-endpoints", [sg_pair(SG_APP, 443, 443)], [ALL_OUT], "HTTPS from Studio apps"),
        group(SG_DEFAULT, "default", [sg_pair(SG_DEFAULT, None, None, "-1")], [ALL_OUT], "default VPC security group"),
    ] + nfs_groups(DOMAIN)}
    f["describe-vpc-endpoints.json"] = {"VpcEndpoints": [endpoint(e, name) for (e, _, name) in ENDPOINTS] + [{
        "VpcEndpointId": VPCE_S3, "VpcEndpointType": "Gateway", "VpcId": VPC,
        "ServiceName": f"com.amazonaws.{REGION}.s3", "State": "available", "PolicyDocument": FULL_POLICY,
        "RouteTableIds": [RTB_PRIVATE], "SubnetIds": [], "Groups": [], "PrivateDnsEnabled": False,
        "RequesterManaged": False, "NetworkInterfaceIds": [], "OwnerId": ACCT,
    }]}
    f["efs/describe-file-systems.json"] = {"FileSystems": [{
        "OwnerId": ACCT, "CreationToken": f"{DOMAIN}-home", "FileSystemId": FS,
        "FileSystemArn": f"arn:aws:elasticfilesystem:{REGION}:{ACCT}:file-system/{FS}",
        "LifeCycleState": "available", "NumberOfMountTargets": 2, "PerformanceMode": "generalPurpose",
        "Encrypted": True, "KmsKeyId": KMS, "ThroughputMode": "elastic",
        "Tags": [{"Key": "ManagedByAmazonSageMakerResource", "Value": DOMAIN_ARN}],
    }]}
    f["efs/describe-mount-targets.json"] = {"MountTargets": [
        {"OwnerId": ACCT, "MountTargetId": MT_A, "FileSystemId": FS, "SubnetId": SUB_A,
         "LifeCycleState": "available", "IpAddress": "10.30.1.200", "NetworkInterfaceId": "eni-0a1b2c3d4e5f60718",
         "AvailabilityZoneId": "euw1-az1", "AvailabilityZoneName": f"{REGION}a", "VpcId": VPC},
        {"OwnerId": ACCT, "MountTargetId": MT_B, "FileSystemId": FS, "SubnetId": SUB_B,
         "LifeCycleState": "available", "IpAddress": "10.30.2.200", "NetworkInterfaceId": "eni-0b2c3d4e5f6a70829",
         "AvailabilityZoneId": "euw1-az2", "AvailabilityZoneName": f"{REGION}b", "VpcId": VPC},
    ]}
    f[f"efs/describe-mount-target-security-groups-{MT_A}.json"] = {"SecurityGroups": [SG_NFS_IN]}
    f[f"efs/describe-mount-target-security-groups-{MT_B}.json"] = {"SecurityGroups": [SG_NFS_IN]}
    f[f"sagemaker/describe-domain-{DOMAIN}.json"] = {
        "DomainArn": DOMAIN_ARN, "DomainId": DOMAIN, "DomainName": "checks", "HomeEfsFileSystemId": FS,
        "Status": "InService", "AuthMode": "IAM", "AppNetworkAccessType": "VpcOnly",
        "AppSecurityGroupManagement": "Customer", "VpcId": VPC, "SubnetIds": [SUB_A, SUB_B], "KmsKeyId": KMS,
        "Url": f"https://{DOMAIN}.studio.{REGION}.sagemaker.aws",
        "DefaultUserSettings": {"ExecutionRole": ROLE, "SecurityGroups": [SG_APP]},
        "DefaultSpaceSettings": {"ExecutionRole": ROLE, "SecurityGroups": [SG_APP]},
        "DomainSettings": {"IpAddressType": "ipv4"},
    }
    f["sagemaker/describe-user-profile-alice.json"] = {
        "DomainId": DOMAIN, "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:user-profile/{DOMAIN}/alice",
        "UserProfileName": "alice", "Status": "InService",
        "UserSettings": {"ExecutionRole": ROLE, "SecurityGroups": [SG_ALICE]},
    }
    return f


DOMAIN_FILE = f"sagemaker/describe-domain-{DOMAIN}.json"
PROFILE_FILE = "sagemaker/describe-user-profile-alice.json"
VPC_FILES = ["describe-vpcs.json"]
DNS_FILES = ["describe-vpc-attribute-enableDnsSupport.json", "describe-vpc-attribute-enableDnsHostnames.json"]
SUBNETS = "describe-subnets.json"
RTBS = "describe-route-tables.json"
SGS = "describe-security-groups.json"
VPCES = "describe-vpc-endpoints.json"
EFS = ["efs/describe-file-systems.json", "efs/describe-mount-targets.json"]
MT_SGS = [f"efs/describe-mount-target-security-groups-{MT_A}.json", f"efs/describe-mount-target-security-groups-{MT_B}.json"]


def domain(f):
    return f[DOMAIN_FILE]


def find(items, key, value):
    return next(x for x in items if x[key] == value)


# ----------------------------------------------------------- the checks ----
# id: (files, pass-variant, fail-variant, pass text, fail text, failing resources)

def no_change(f):
    pass


def add_nat(f):
    f[SUBNETS]["Subnets"].append(subnet(SUB_PUB, "10.30.9.0/24", f"{REGION}a", "euw1-az1"))
    rt = find(f[RTBS]["RouteTables"], "RouteTableId", RTB_PRIVATE)
    rt["Routes"].append(route("0.0.0.0/0", NAT, "NatGatewayId"))
    f[RTBS]["RouteTables"].append(route_table(RTB_PUB, [SUB_PUB], [route("0.0.0.0/0", IGW)]))
    f["describe-nat-gateways.json"] = {"NatGateways": [{
        "CreateTime": "2025-01-01T00:00:00+00:00", "NatGatewayAddresses": [{
            "AllocationId": "eipalloc-0a1b2c3d4e5f60718", "NetworkInterfaceId": "eni-0c3d4e5f6a7b80930",
            "PrivateIp": "10.30.9.10", "PublicIp": "203.0.113.10", "IsPrimary": True, "Status": "succeeded"}],
        "NatGatewayId": NAT, "State": "available", "SubnetId": SUB_PUB, "VpcId": VPC, "ConnectivityType": "public",
    }]}
    f["describe-internet-gateways.json"] = {"InternetGateways": [{
        "Attachments": [{"State": "available", "VpcId": VPC}], "InternetGatewayId": IGW, "OwnerId": ACCT, "Tags": []}]}


def igw_on_private(f):
    f["describe-internet-gateways.json"] = {"InternetGateways": [{
        "Attachments": [{"State": "available", "VpcId": VPC}], "InternetGatewayId": IGW, "OwnerId": ACCT, "Tags": []}]}
    find(f[RTBS]["RouteTables"], "RouteTableId", RTB_PRIVATE)["Routes"].append(route("0.0.0.0/0", IGW))


def dualstack(f, both):
    domain(f)["DomainSettings"]["IpAddressType"] = "dualstack"
    f["describe-vpcs.json"]["Vpcs"][0]["Ipv6CidrBlockAssociationSet"] = [{
        "AssociationId": "vpc-cidr-assoc-0b2c3d4e", "Ipv6CidrBlock": "2a05:d018:1c4:e800::/56",
        "Ipv6CidrBlockState": {"State": "associated"}, "Ipv6Pool": "Amazon",
        "NetworkBorderGroup": REGION}]
    subs = f[SUBNETS]["Subnets"]
    subs[0] = subnet(SUB_A, "10.30.1.0/24", f"{REGION}a", "euw1-az1", ipv6="2a05:d018:1c4:e800::/64")
    if both:
        subs[1] = subnet(SUB_B, "10.30.2.0/24", f"{REGION}b", "euw1-az2", ipv6="2a05:d018:1c4:e801::/64")


def s3_policy(allowed_resource):
    def change(f):
        s3 = find(f[VPCES]["VpcEndpoints"], "VpcEndpointId", VPCE_S3)
        s3["PolicyDocument"] = json.dumps({"Version": "2008-10-17", "Statement": [
            {"Sid": "OwnBuckets", "Effect": "Allow", "Principal": "*",
             "Action": ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
             "Resource": ["arn:aws:s3:::ml-data-111122223333", "arn:aws:s3:::ml-data-111122223333/*"]},
        ] + ([{"Sid": "JumpStart", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
               "Resource": allowed_resource}] if allowed_resource else [])})
    return change


def orphans(f):
    f[SGS]["SecurityGroups"].extend(nfs_groups("d-0ld9r7x2w4vq"))
    f["efs/describe-file-systems.json"]["FileSystems"].append({
        "OwnerId": ACCT, "CreationToken": "d-0ld9r7x2w4vq-home", "FileSystemId": "fs-0d1e2f3a4b5c6d7e8",
        "FileSystemArn": f"arn:aws:elasticfilesystem:{REGION}:{ACCT}:file-system/fs-0d1e2f3a4b5c6d7e8",
        "LifeCycleState": "available", "NumberOfMountTargets": 0, "PerformanceMode": "generalPurpose",
        "Encrypted": True, "ThroughputMode": "bursting",
        "Tags": [{"Key": "ManagedByAmazonSageMakerResource",
                  "Value": f"arn:aws:sagemaker:{REGION}:{ACCT}:domain/d-0ld9r7x2w4vq"}]})


def too_many_groups(f):
    extra = ["sg-0e1a2b3c4d5e6f701", "sg-0e1a2b3c4d5e6f702", "sg-0e1a2b3c4d5e6f703", "sg-0e1a2b3c4d5e6f704"]
    f[PROFILE_FILE]["UserSettings"]["SecurityGroups"] = [SG_ALICE] + extra


def add_bob(f, own_group):
    f["sagemaker/describe-user-profile-bob.json"] = {
        "DomainId": DOMAIN, "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCT}:user-profile/{DOMAIN}/bob",
        "UserProfileName": "bob", "Status": "InService",
        "UserSettings": {"ExecutionRole": ROLE, "SecurityGroups": [SG_BOB] if own_group else []}}
    if own_group:
        f[SGS]["SecurityGroups"].append(
            group(SG_BOB, "studio-bob", [sg_pair(SG_BOB, 8192, 65535)], [ALL_OUT], "Studio apps of bob"))


def shared_self(f):
    add_bob(f, own_group=False)
    app = find(f[SGS]["SecurityGroups"], "GroupId", SG_APP)
    app["IpPermissions"] = [sg_pair(SG_APP, 8192, 65535)]


def groups_only_in_domain_settings(f):
    d = domain(f)
    d["DefaultUserSettings"]["SecurityGroups"] = []
    d["DefaultSpaceSettings"]["SecurityGroups"] = []
    d["DomainSettings"]["SecurityGroupIds"] = [SG_APP]
    f[PROFILE_FILE]["UserSettings"]["SecurityGroups"] = []


def s3_route_missing_for_b(f):
    rt = find(f[RTBS]["RouteTables"], "RouteTableId", RTB_PRIVATE)
    rt["Associations"] = [a for a in rt["Associations"] if a.get("SubnetId") != SUB_B]
    f[RTBS]["RouteTables"].append(route_table(RTB_B, [SUB_B], []))


CHECKS = {
    "domain-customer-managed-key": (
        [DOMAIN_FILE], no_change, lambda f: domain(f).pop("KmsKeyId"),
        "the domain has a KmsKeyId (a customer managed key).",
        "the same domain without KmsKeyId (AWS managed key).", [DOMAIN]),
    "domain-vpc-only": (
        [DOMAIN_FILE], no_change, lambda f: domain(f).update(AppNetworkAccessType="PublicInternetOnly"),
        "AppNetworkAccessType is VpcOnly.", "AppNetworkAccessType is PublicInternetOnly.", [DOMAIN]),
    "dualstack-subnets-ipv6": (
        [DOMAIN_FILE, SUBNETS] + VPC_FILES, lambda f: dualstack(f, True), lambda f: dualstack(f, False),
        "IpAddressType dualstack; both subnets have an IPv6 /64 of the VPC's /56.",
        "IpAddressType dualstack; subnet b has no IPv6 CIDR.", [SUB_B]),
    "efs-mount-target-in-each-az": (
        [DOMAIN_FILE, SUBNETS, SGS] + EFS, no_change,
        lambda f: f["efs/describe-mount-targets.json"]["MountTargets"].pop(1),
        "the home EFS has a mount target in eu-west-1a and in eu-west-1b.",
        "the mount target in eu-west-1b is gone.", [SUB_B]),
    "efs-mount-target-nfs-group": (
        [DOMAIN_FILE, SGS] + EFS + MT_SGS, no_change,
        lambda f: f[MT_SGS[1]].update(SecurityGroups=[SG_DEFAULT]),
        "both mount targets carry security-group-for-inbound-nfs-<domain>.",
        "the mount target in eu-west-1b carries only the VPC default group.", [MT_B]),
    "endpoint-policy-allows-studio": (
        [DOMAIN_FILE, VPCES], s3_policy(f"arn:aws:s3:::jumpstart-cache-prod-{REGION}/*"), s3_policy(None),
        "the S3 gateway endpoint has a restrictive policy that still allows the JumpStart bucket.",
        "the S3 gateway endpoint policy allows only the account's own bucket.", [VPCE_S3]),
    "interface-endpoint-az-coverage": (
        [DOMAIN_FILE, SUBNETS, VPCES], no_change,
        lambda f: find(f[VPCES]["VpcEndpoints"], "VpcEndpointId", ENDPOINTS[3][0]).update(SubnetIds=[SUB_A]),
        "every interface endpoint has a subnet in eu-west-1a and eu-west-1b.",
        "the sts endpoint is in subnet a only.", [ENDPOINTS[3][0]]),
    "interface-endpoint-private-dns": (
        [DOMAIN_FILE, VPCES], no_change,
        lambda f: find(f[VPCES]["VpcEndpoints"], "VpcEndpointId", ENDPOINTS[1][0]).update(PrivateDnsEnabled=False),
        "every interface endpoint has PrivateDnsEnabled.",
        "the sagemaker.runtime endpoint has PrivateDnsEnabled false.", [ENDPOINTS[1][0]]),
    "internet-egress-via-nat": (
        [DOMAIN_FILE, SUBNETS, RTBS], add_nat, no_change,
        "the private route table sends 0.0.0.0/0 to an available NAT gateway in a public subnet.",
        "no default route (the endpoints-only design).", [SUB_A, SUB_B]),
    "orphaned-domain-resources": (
        [DOMAIN_FILE, SGS] + EFS, no_change, orphans,
        "the NFS groups and the home EFS belong to the domain in the snapshot.",
        "an NFS group pair and a home EFS of the deleted domain d-0ld9r7x2w4vq are left.",
        ["sg-0a0d0e1e2d3c4b5a6", "sg-0b0d0e1e2d3c4b5a7", "fs-0d1e2f3a4b5c6d7e8"]),
    "s3-gateway-endpoint-routes": (
        [DOMAIN_FILE, SUBNETS, RTBS, VPCES], no_change, s3_route_missing_for_b,
        "both subnets use the route table associated with the S3 gateway endpoint.",
        "subnet b has its own route table, not associated with the S3 gateway endpoint.", [RTB_B]),
    "security-group-limit": (
        [DOMAIN_FILE, PROFILE_FILE], no_change, too_many_groups,
        "alice carries the default group and her own (2 + the NFS group).",
        "alice has 5 own groups: 6 customer groups with the default one, 7 with NFS.",
        [f"arn:aws:sagemaker:{REGION}:{ACCT}:user-profile/{DOMAIN}/alice"]),
    "shared-self-referencing-group": (
        [DOMAIN_FILE, PROFILE_FILE, "sagemaker/describe-user-profile-bob.json", SGS],
        lambda f: add_bob(f, own_group=True), shared_self,
        "alice and bob each have a self-referencing group of their own.",
        "the domain default group admits itself and bob has no group of his own.", [SG_APP]),
    "subnet-ip-headroom": (
        [DOMAIN_FILE, PROFILE_FILE, SUBNETS], no_change,
        lambda f: f[SUBNETS]["Subnets"][0].update(AvailableIpAddressCount=2),
        "250 free addresses in each subnet.", "subnet a has 2 free addresses.", [SUB_A]),
    "user-settings-security-groups": (
        [DOMAIN_FILE, PROFILE_FILE], no_change, groups_only_in_domain_settings,
        "DefaultUserSettings, DefaultSpaceSettings and alice carry customer groups.",
        "the group is set only in DomainSettings.SecurityGroupIds (the RStudio field).",
        [DOMAIN, f"arn:aws:sagemaker:{REGION}:{ACCT}:user-profile/{DOMAIN}/alice"]),
    "vpc-default-tenancy": (
        [DOMAIN_FILE] + VPC_FILES, no_change,
        lambda f: f["describe-vpcs.json"]["Vpcs"][0].update(InstanceTenancy="dedicated"),
        "the VPC has default tenancy.", "the VPC has dedicated tenancy.", [VPC]),
    "vpc-dns-attributes": (
        [DOMAIN_FILE] + VPC_FILES + DNS_FILES, no_change,
        lambda f: f[DNS_FILES[1]].update(EnableDnsHostnames={"Value": False}),
        "enableDnsSupport and enableDnsHostnames are true.", "enableDnsHostnames is false.", [VPC]),
    "vpc-endpoints-present": (
        [DOMAIN_FILE, SUBNETS, RTBS, VPCES], no_change,
        lambda f: f[VPCES]["VpcEndpoints"].remove(find(f[VPCES]["VpcEndpoints"], "VpcEndpointId", ENDPOINTS[4][0])),
        "endpoints for sagemaker.api, sagemaker.runtime, studio, sts, logs and the S3 gateway.",
        "the logs endpoint is missing and there is no NAT.", [f"com.amazonaws.{REGION}.logs"]),
    "vpc-only-private-subnets": (
        [DOMAIN_FILE, SUBNETS, RTBS], no_change, igw_on_private,
        "the route table of both subnets has no internet gateway route.",
        "the route table of both subnets sends 0.0.0.0/0 to an internet gateway.", [SUB_A, SUB_B]),
}


def write(folder, files, names):
    for name in names:
        if name not in files:
            continue
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(json.dumps(files[name], indent=4) + "\n")


def main():
    if ROOT.exists():
        shutil.rmtree(ROOT)
    for cid, (names, ok, bad, pass_text, fail_text, failing) in sorted(CHECKS.items()):
        folder = ROOT / cid
        for sub, change in (("pass", ok), ("fail", bad)):
            files = copy.deepcopy(base())
            change(files)
            extra = [n for n in files if n not in base() and n not in names]
            write(folder / sub, files, names + extra)
        ids = ", ".join(f"`{i}`" for i in failing)
        (folder / "README.md").write_text(
            f"# {cid}\n\n"
            f"Raw AWS CLI JSON of domain `{DOMAIN}` (VpcOnly, eu-west-1), only the calls this check reads.\n"
            f"Generated by `scripts/make-check-fixtures.py`; do not edit by hand.\n\n"
            f"- pass/: {pass_text}\n"
            f"- fail/: {fail_text} Fails on: {ids}.\n"
        )
    print(f"wrote {len(CHECKS)} check fixtures under {ROOT}")


if __name__ == "__main__":
    main()
