#!/usr/bin/env python3
"""Regenerate the example snapshots under examples/ (stdlib only).

The three example folders hold raw AWS API JSON exactly as `aws ... --output
json` (AWS CLI v2) prints it, in the layout written by scripts/capture-domain.sh.
Writing ~60 files of cross-referencing ids by hand invites typos, so they are
generated here from one description per example; ids are derived from a hash
of (example, label), so regenerating gives the same ids.

Edit this script, not the JSON, then run:

    python3 scripts/make-examples.py && python3 scripts/check-examples.py

The README.md of each example is written by hand (it is the test expectation)
and is not touched by this script; check-examples.py verifies that every id it
mentions exists.
"""

import hashlib
import ipaddress
import json
import os
import sys

ACCOUNT = "111122223333"
REGION = "eu-west-1"
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples")

# AZ name -> AZ id. The mapping is per account; this one is consistent everywhere.
AZ_ID = {"eu-west-1a": "euw1-az1", "eu-west-1b": "euw1-az2", "eu-west-1c": "euw1-az3"}

# AWS-managed prefix lists of eu-west-1 (DescribePrefixLists).
S3_PL = "pl-6da54004"
DDB_PL = "pl-6fa54006"
S3_CIDRS = ["3.5.64.0/21", "3.5.72.0/23", "52.92.0.0/17", "52.218.0.0/17", "54.231.128.0/19"]
DDB_CIDRS = ["52.94.5.0/24", "52.94.24.0/23", "52.119.240.0/21"]

# Account ids of AWS service accounts that own requester-managed ENIs and the
# instances Studio apps run on (illustrative, never referenced elsewhere).
VPCE_REQUESTER = "727180483921"
EFS_REQUESTER = "596216491785"
SAGEMAKER_INSTANCE_OWNER = "431845129207"
IMAGE_ACCOUNT = "470317259841"  # SageMaker images in eu-west-1

DEFAULT_POLICY = (
    '{\n  "Version": "2008-10-17",\n  "Statement": [\n    {\n      "Effect": "Allow",\n'
    '      "Principal": "*",\n      "Action": "*",\n      "Resource": "*"\n    }\n  ]\n}'
)

# service name suffix -> (DNS label used in vpce names, private DNS name, vpce DNS domain)
SERVICES = {
    "sagemaker.api": ("api.sagemaker", "api.sagemaker.eu-west-1.amazonaws.com", "vpce.amazonaws.com"),
    "sagemaker.runtime": ("runtime.sagemaker", "runtime.sagemaker.eu-west-1.amazonaws.com", "vpce.amazonaws.com"),
    "studio": ("studio", "*.studio.eu-west-1.sagemaker.aws", "vpce.sagemaker.aws"),
    "sts": ("sts", "sts.eu-west-1.amazonaws.com", "vpce.amazonaws.com"),
    "logs": ("logs", "logs.eu-west-1.amazonaws.com", "vpce.amazonaws.com"),
}


def service_name(short):
    if short == "studio":
        return f"aws.sagemaker.{REGION}.studio"
    return f"com.amazonaws.{REGION}.{short}"


def h(ex, label, n):
    return hashlib.sha256(f"{ex}:{label}".encode()).hexdigest()[:n]


def hid(ex, prefix, label):
    """A 17-hex-digit AWS id such as vpc-0a1b2c3d4e5f60718."""
    return f"{prefix}-0{h(ex, prefix + label, 16)}"


def mac(ex, label):
    x = h(ex, "mac" + label, 10)
    return "0a:" + ":".join(x[i : i + 2] for i in range(0, 10, 2))


def tags(d):
    return [{"Key": k, "Value": v} for k, v in d.items()]


def dns_name(ip):
    return "ip-" + ip.replace(".", "-") + f".{REGION}.compute.internal"


class Example:
    """Collects the resources of one example and writes the files."""

    def __init__(self, name):
        self.name = name
        self.files = {}
        self.enis = []
        self.subnets = {}  # key -> dict(id, cidr, az, name)

    # ---- ids -----------------------------------------------------------
    def id(self, prefix, label):
        return hid(self.name, prefix, label)

    # ---- ENIs ----------------------------------------------------------
    def eni(self, label, subnet_key, ip, description, groups, interface_type,
            requester=None, tag_set=None, attachment=None, association=None,
            source_dest_check=True):
        sub = self.subnets[subnet_key]
        assert ipaddress.ip_address(ip) in ipaddress.ip_network(sub["cidr"]), (ip, sub)
        eni_id = self.id("eni", label)
        e = {}
        if association:
            e["Association"] = association
        if attachment:
            e["Attachment"] = attachment
        e.update({
            "AvailabilityZone": sub["az"],
            "Description": description,
            "Groups": [{"GroupName": self.sg_names[g], "GroupId": g} for g in groups],
            "InterfaceType": interface_type,
            "Ipv6Addresses": [],
            "MacAddress": mac(self.name, label),
            "NetworkInterfaceId": eni_id,
            "OwnerId": ACCOUNT,
            "PrivateDnsName": dns_name(ip),
            "PrivateIpAddress": ip,
            "PrivateIpAddresses": [
                dict({"Primary": True, "PrivateDnsName": dns_name(ip), "PrivateIpAddress": ip},
                     **({"Association": association} if association else {}))
            ],
        })
        if requester:
            e["RequesterId"] = requester
        e.update({
            "RequesterManaged": requester is not None,
            "SourceDestCheck": source_dest_check,
            "Status": "in-use",
            "SubnetId": sub["id"],
            "TagSet": tag_set or [],
            "VpcId": self.vpc_id,
        })
        self.enis.append(e)
        return eni_id

    def write(self):
        base = os.path.join(ROOT, self.name)
        for rel, doc in sorted(self.files.items()):
            path = os.path.join(base, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                json.dump(doc, f, indent=4, ensure_ascii=False)
                f.write("\n")
        return base


# ---------------------------------------------------------------- builders --

def vpc_doc(ex, cidr, name, dopt):
    return {"Vpcs": [{
        "OwnerId": ACCOUNT,
        "InstanceTenancy": "default",
        "CidrBlockAssociationSet": [{
            "AssociationId": ex.id("vpc-cidr-assoc", "primary"),
            "CidrBlock": cidr,
            "CidrBlockState": {"State": "associated"},
        }],
        "IsDefault": False,
        "Tags": tags({"Name": name}),
        "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
        "VpcId": ex.vpc_id,
        "State": "available",
        "CidrBlock": cidr,
        "DhcpOptionsId": dopt,
    }]}


def subnet_doc(ex, s, used_ips, public=False):
    return {
        "AvailabilityZoneId": AZ_ID[s["az"]],
        "MapCustomerOwnedIpOnLaunch": False,
        "OwnerId": ACCOUNT,
        "AssignIpv6AddressOnCreation": False,
        "Ipv6CidrBlockAssociationSet": [],
        "Tags": tags({"Name": s["name"]}),
        "SubnetArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{s['id']}",
        "EnableDns64": False,
        "Ipv6Native": False,
        "PrivateDnsNameOptionsOnLaunch": {
            "HostnameType": "ip-name",
            "EnableResourceNameDnsARecord": False,
            "EnableResourceNameDnsAAAARecord": False,
        },
        "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
        "SubnetId": s["id"],
        "State": "available",
        "VpcId": ex.vpc_id,
        "CidrBlock": s["cidr"],
        # a /24 has 256 - 5 reserved addresses
        "AvailableIpAddressCount": ipaddress.ip_network(s["cidr"]).num_addresses - 5 - used_ips,
        "AvailabilityZone": s["az"],
        "DefaultForAz": False,
        "MapPublicIpOnLaunch": public,
    }


def route_local(cidr):
    return {"DestinationCidrBlock": cidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}


def route_pl(pl, vpce):
    return {"DestinationPrefixListId": pl, "GatewayId": vpce, "Origin": "CreateRoute", "State": "active"}


def route_igw(igw):
    return {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute", "State": "active"}


def route_nat(nat):
    return {"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat, "Origin": "CreateRoute", "State": "active"}


def route_table(ex, label, name, routes, subnet_ids, main=False):
    rtb = ex.id("rtb", label)
    assocs = []
    if main:
        assocs.append({"Main": True, "RouteTableAssociationId": ex.id("rtbassoc", label + "main"),
                       "RouteTableId": rtb, "AssociationState": {"State": "associated"}})
    for sid in subnet_ids:
        assocs.append({"Main": False, "RouteTableAssociationId": ex.id("rtbassoc", label + sid),
                       "RouteTableId": rtb, "SubnetId": sid, "AssociationState": {"State": "associated"}})
    return rtb, {
        "Associations": assocs,
        "PropagatingVgws": [],
        "RouteTableId": rtb,
        "Routes": routes,
        "Tags": tags({"Name": name}) if name else [],
        "VpcId": ex.vpc_id,
        "OwnerId": ACCOUNT,
    }


def acl_entry(n, egress, action, cidr="0.0.0.0/0", proto="-1", ports=None):
    e = {"CidrBlock": cidr, "Egress": egress}
    if ports:
        e["PortRange"] = {"From": ports[0], "To": ports[1]}
    e.update({"Protocol": proto, "RuleAction": action, "RuleNumber": n})
    return e


def nacl(ex, label, name, egress_rules, ingress_rules, subnet_ids, default=False):
    acl = ex.id("acl", label)
    # DescribeNetworkAcls lists egress entries first, each direction by rule number,
    # and always ends each direction with the '*' rule 32767 (deny all).
    entries = sorted(egress_rules, key=lambda e: e["RuleNumber"])
    entries.append(acl_entry(32767, True, "deny"))
    entries += sorted(ingress_rules, key=lambda e: e["RuleNumber"])
    entries.append(acl_entry(32767, False, "deny"))
    return acl, {
        "Associations": [{"NetworkAclAssociationId": ex.id("aclassoc", label + sid),
                          "NetworkAclId": acl, "SubnetId": sid} for sid in subnet_ids],
        "Entries": entries,
        "IsDefault": default,
        "NetworkAclId": acl,
        "Tags": tags({"Name": name}) if name else [],
        "VpcId": ex.vpc_id,
        "OwnerId": ACCOUNT,
    }


def perm(proto, ports=None, groups=(), cidrs=(), pls=()):
    """One IpPermission. groups/cidrs/pls: lists of (id, description-or-None)."""
    p = {"IpProtocol": proto}
    if ports:
        p["FromPort"], p["ToPort"] = ports
    def d(x, key, val):
        r = {key: val}
        if x:
            r["Description"] = x
        return r
    p["UserIdGroupPairs"] = [dict(d(desc, "UserId", ACCOUNT), GroupId=g) for g, desc in groups]
    p["IpRanges"] = [d(desc, "CidrIp", c) for c, desc in cidrs]
    p["Ipv6Ranges"] = []
    p["PrefixListIds"] = [d(desc, "PrefixListId", pl) for pl, desc in pls]
    return p


def sg(ex, gid, name, description, ingress, egress, tag_dict=None):
    return {
        "GroupId": gid,
        "IpPermissionsEgress": egress,
        "Tags": tags(tag_dict) if tag_dict else [],
        "VpcId": ex.vpc_id,
        "SecurityGroupArn": f"arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{gid}",
        "OwnerId": ACCOUNT,
        "GroupName": name,
        "Description": description,
        "IpPermissions": ingress,
    }


def nfs_pair(ex, domain_id, sg_in, sg_out):
    """The two groups SageMaker creates at CreateDomain (observed rule set)."""
    arn_tag = {"ManagedByAmazonSageMakerResource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{domain_id}"}
    ports = [(988, 988), (1018, 1023), (2049, 2049)]
    inbound = sg(ex, sg_in, f"security-group-for-inbound-nfs-{domain_id}",
                 f"[DO NOT DELETE] Security Group that allows inbound NFS traffic for SageMaker Notebooks Domain [{domain_id}]",
                 [perm("tcp", p, groups=[(sg_out, None)]) for p in ports], [], arn_tag)
    outbound = sg(ex, sg_out, f"security-group-for-outbound-nfs-{domain_id}",
                  f"[DO NOT DELETE] Security Group that allows outbound NFS traffic for SageMaker Notebooks Domain [{domain_id}]",
                  [], [perm("tcp", p, groups=[(sg_in, None)]) for p in ports], arn_tag)
    return [inbound, outbound]


def default_sg(ex, gid):
    return sg(ex, gid, "default", "default VPC security group",
              [perm("-1", groups=[(gid, None)])], [perm("-1", cidrs=[("0.0.0.0/0", None)])])


def interface_endpoint(ex, short, subnet_keys, ips, groups, private_dns, created, ntag):
    """An interface endpoint and its ENIs (one per subnet)."""
    vpce = ex.id("vpce", short)
    label, private_name, vdomain = SERVICES[short]
    suffix = h(ex.name, "dns" + short, 8)
    base = f"{vpce}-{suffix}"
    entries = [{"DnsName": f"{base}.{label}.{REGION}.{vdomain}", "HostedZoneId": "Z38GZ743OKFT7T"}]
    for k in subnet_keys:
        az = ex.subnets[k]["az"]
        entries.append({"DnsName": f"{base}-{az}.{label}.{REGION}.{vdomain}", "HostedZoneId": "Z38GZ743OKFT7T"})
    if private_dns:
        entries.append({"DnsName": private_name, "HostedZoneId": "Z0" + h(ex.name, "phz" + short, 18).upper()})
    enis = []
    for k, ip in zip(subnet_keys, ips):
        enis.append(ex.eni(f"vpce-{short}-{k}", k, ip, f"VPC Endpoint Interface {vpce}", groups,
                           "vpc_endpoint", requester=VPCE_REQUESTER))
    return {
        "VpcEndpointId": vpce,
        "VpcEndpointType": "Interface",
        "VpcId": ex.vpc_id,
        "ServiceName": service_name(short),
        "State": "available",
        "PolicyDocument": DEFAULT_POLICY,
        "RouteTableIds": [],
        "SubnetIds": [ex.subnets[k]["id"] for k in subnet_keys],
        "Groups": [{"GroupId": g, "GroupName": ex.sg_names[g]} for g in groups],
        "IpAddressType": "ipv4",
        "DnsOptions": {"DnsRecordIpType": "ipv4"},
        "PrivateDnsEnabled": private_dns,
        "RequesterManaged": False,
        "NetworkInterfaceIds": enis,
        "DnsEntries": entries,
        "CreationTimestamp": created,
        "Tags": tags({"Name": ntag}),
        "OwnerId": ACCOUNT,
    }


def s3_gateway_endpoint(ex, rtbs, created, ntag):
    return {
        "VpcEndpointId": ex.id("vpce", "s3"),
        "VpcEndpointType": "Gateway",
        "VpcId": ex.vpc_id,
        "ServiceName": f"com.amazonaws.{REGION}.s3",
        "State": "available",
        "PolicyDocument": '{"Version":"2008-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}',
        "RouteTableIds": rtbs,
        "SubnetIds": [],
        "Groups": [],
        "PrivateDnsEnabled": False,
        "RequesterManaged": False,
        "NetworkInterfaceIds": [],
        "DnsEntries": [],
        "CreationTimestamp": created,
        "Tags": tags({"Name": ntag}),
        "OwnerId": ACCOUNT,
    }


def prefix_lists():
    return {"PrefixLists": [
        {"Cidrs": S3_CIDRS, "PrefixListId": S3_PL, "PrefixListName": f"com.amazonaws.{REGION}.s3"},
        {"Cidrs": DDB_CIDRS, "PrefixListId": DDB_PL, "PrefixListName": f"com.amazonaws.{REGION}.dynamodb"},
    ]}


def managed_prefix_lists():
    out = []
    for pl, name in ((S3_PL, "s3"), (DDB_PL, "dynamodb")):
        out.append({
            "PrefixListId": pl,
            "AddressFamily": "IPv4",
            "State": "create-complete",
            "PrefixListArn": f"arn:aws:ec2:{REGION}:aws:prefix-list/{pl}",
            "PrefixListName": f"com.amazonaws.{REGION}.{name}",
            "Tags": [],
            "OwnerId": "AWS",
        })
    return {"PrefixLists": out}


def dhcp(ex, dopt):
    return {"DhcpOptions": [{
        "DhcpConfigurations": [
            {"Key": "domain-name", "Values": [{"Value": f"{REGION}.compute.internal"}]},
            {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]},
        ],
        "DhcpOptionsId": dopt,
        "OwnerId": ACCOUNT,
        "Tags": [],
    }]}


def vpc_attr(ex, attr, value):
    return {"VpcId": ex.vpc_id, attr: {"Value": value}}


def efs_docs(ex, fs_id, domain_id, created, mts):
    """mts: list of (subnet_key, ip, [sg ids]). Adds the MT ENIs."""
    fs = {"FileSystems": [{
        "OwnerId": ACCOUNT,
        "CreationToken": h(ex.name, "token", 8) + "-" + h(ex.name, "token2", 4) + "-4" + h(ex.name, "t3", 3)
                         + "-a" + h(ex.name, "t4", 3) + "-" + h(ex.name, "t5", 12),
        "FileSystemId": fs_id,
        "FileSystemArn": f"arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs_id}",
        "CreationTime": created,
        "LifeCycleState": "available",
        "NumberOfMountTargets": len(mts),
        "SizeInBytes": {"Value": 7833600, "Timestamp": "2024-06-03T08:00:00+00:00",
                        "ValueInIA": 0, "ValueInStandard": 7833600, "ValueInArchive": 0},
        "PerformanceMode": "generalPurpose",
        "Encrypted": True,
        "KmsKeyId": f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{h(ex.name, 'kms', 8)}-{h(ex.name, 'kms2', 4)}-4{h(ex.name, 'kms3', 3)}-8{h(ex.name, 'kms4', 3)}-{h(ex.name, 'kms5', 12)}",
        "ThroughputMode": "bursting",
        "Tags": tags({"ManagedByAmazonSageMakerResource": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{domain_id}"}),
        "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"},
    }]}
    targets = []
    for k, ip, groups in mts:
        sub = ex.subnets[k]
        fsmt = ex.id("fsmt", k)
        eni = ex.eni(f"efs-{k}", k, ip, f"EFS mount target for {fs_id} ({fsmt})", groups, "efs",
                     requester=EFS_REQUESTER)
        targets.append({
            "OwnerId": ACCOUNT,
            "MountTargetId": fsmt,
            "FileSystemId": fs_id,
            "SubnetId": sub["id"],
            "LifeCycleState": "available",
            "IpAddress": ip,
            "NetworkInterfaceId": eni,
            "AvailabilityZoneId": AZ_ID[sub["az"]],
            "AvailabilityZoneName": sub["az"],
            "VpcId": ex.vpc_id,
        })
        ex.files[f"efs/describe-mount-target-security-groups-{fsmt}.json"] = {"SecurityGroups": groups}
    ex.files["efs/describe-file-systems.json"] = fs
    ex.files["efs/describe-mount-targets.json"] = {"MountTargets": targets}


def image(name):
    return f"arn:aws:sagemaker:{REGION}:{IMAGE_ACCOUNT}:image/{name}"


def app_settings(instance="ml.t3.medium"):
    return {"DefaultResourceSpec": {"SageMakerImageArn": image("sagemaker-distribution-cpu"),
                                    "InstanceType": instance}}


def domain_doc(ex, domain_id, name, fs_id, mode, subnet_ids, user_sgs, space_sgs, created, role):
    dus = {"ExecutionRole": role}
    if user_sgs:
        dus["SecurityGroups"] = user_sgs
    dus.update({
        "SharingSettings": {"NotebookOutputOption": "Disabled"},
        "JupyterServerAppSettings": {"DefaultResourceSpec": {"SageMakerImageArn": image("jupyter-server-3"),
                                                             "InstanceType": "system"}},
        "JupyterLabAppSettings": app_settings(),
        "CodeEditorAppSettings": app_settings(),
        "SpaceStorageSettings": {"DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 5,
                                                               "MaximumEbsVolumeSizeInGb": 100}},
        "DefaultLandingUri": "studio::",
        "StudioWebPortal": "ENABLED",
    })
    dss = {"ExecutionRole": role}
    if space_sgs:
        dss["SecurityGroups"] = space_sgs
    dss["JupyterLabAppSettings"] = app_settings()
    d = {
        "DomainArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{domain_id}",
        "DomainId": domain_id,
        "DomainName": name,
        "HomeEfsFileSystemId": fs_id,
        "Status": "InService",
        "CreationTime": created,
        "LastModifiedTime": created.replace("10:00:00", "10:14:52"),
        "AuthMode": "IAM",
        "DefaultUserSettings": dus,
        "DomainSettings": {"DockerSettings": {"EnableDockerAccess": "DISABLED"}},
        "AppNetworkAccessType": mode,
        "SubnetIds": subnet_ids,
        "Url": f"https://{domain_id}.studio.{REGION}.sagemaker.aws",
        "VpcId": ex.vpc_id,
    }
    if mode == "VpcOnly":
        d["AppSecurityGroupManagement"] = "Customer"
    d["DefaultSpaceSettings"] = dss
    d["TagPropagation"] = "DISABLED"
    return d


def sagemaker_docs(ex, domain_id, profiles, spaces, apps, role):
    """profiles: [(name, uid, [sgs], created)]; spaces: [(name, sharing, owner, app_type, uid, created)];
    apps: [(space, app_type, created, instance)]."""
    ex.files["sagemaker/list-user-profiles.json"] = {"UserProfiles": [
        {"DomainId": domain_id, "UserProfileName": n, "Status": "InService",
         "CreationTime": c, "LastModifiedTime": c} for n, _, _, c in profiles]}
    for n, uid, sgs, c in profiles:
        us = {"ExecutionRole": role}
        if sgs:
            us["SecurityGroups"] = sgs
        ex.files[f"sagemaker/describe-user-profile-{n}.json"] = {
            "DomainId": domain_id,
            "UserProfileArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{domain_id}/{n}",
            "UserProfileName": n,
            "HomeEfsFileSystemUid": uid,
            "Status": "InService",
            "LastModifiedTime": c,
            "CreationTime": c,
            "UserSettings": us,
        }
    summaries = []
    for n, sharing, owner, app_type, uid, c in spaces:
        summaries.append({
            "DomainId": domain_id, "SpaceName": n, "Status": "InService",
            "CreationTime": c, "LastModifiedTime": c,
            "SpaceSettingsSummary": {"AppType": app_type,
                                     "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 5}}},
            "SpaceSharingSettingsSummary": {"SharingType": sharing},
            "OwnershipSettingsSummary": {"OwnerUserProfileName": owner},
            "SpaceDisplayName": n,
        })
        key = "JupyterLabAppSettings" if app_type == "JupyterLab" else "CodeEditorAppSettings"
        ex.files[f"sagemaker/describe-space-{n}.json"] = {
            "DomainId": domain_id,
            "SpaceArn": f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:space/{domain_id}/{n}",
            "SpaceName": n,
            "HomeEfsFileSystemUid": uid,
            "Status": "InService",
            "LastModifiedTime": c,
            "CreationTime": c,
            "SpaceSettings": {
                key: app_settings(),
                "AppType": app_type,
                "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 5}},
            },
            "OwnershipSettings": {"OwnerUserProfileName": owner},
            "SpaceSharingSettings": {"SharingType": sharing},
            "SpaceDisplayName": n,
            "Url": f"https://{h(ex.name, 'url' + n, 16)}.studio.{REGION}.sagemaker.aws/{app_type.lower()}/default",
        }
    ex.files["sagemaker/list-spaces.json"] = {"Spaces": summaries}
    ex.files["sagemaker/list-apps.json"] = {"Apps": [
        {"DomainId": domain_id, "SpaceName": s, "AppType": t, "AppName": "default", "Status": "InService",
         "CreationTime": c,
         "ResourceSpec": {"SageMakerImageArn": image("sagemaker-distribution-cpu"),
                          "SageMakerImageVersionArn": image("sagemaker-distribution-cpu") + "/12",
                          "InstanceType": inst}} for s, t, c, inst in apps]}


def app_eni(ex, domain_id, space, subnet_key, ip, groups, stamp):
    """The ENI SageMaker creates in the domain VPC for a running Studio app."""
    label = f"app-{space}"
    node = f"arn:aws:sagemaker:{REGION}:{ACCOUNT}:node/{domain_id}/{space}-{stamp}/{h(ex.name, 'node' + space, 12)}"
    return ex.eni(
        label, subnet_key, ip,
        f"[DO NOT DELETE] ENI managed by SageMaker for Studio Domain({domain_id}) - {h(ex.name, 'eni' + space, 32)}",
        groups, "interface",
        tag_set=[{"Key": "ManagedByAmazonSageMakerResource", "Value": node}],
        attachment={
            "AttachTime": stamp_to_iso(stamp),
            "AttachmentId": ex.id("eni-attach", label),
            "DeleteOnTermination": False,
            "DeviceIndex": 1,
            "NetworkCardIndex": 0,
            "InstanceOwnerId": SAGEMAKER_INSTANCE_OWNER,
            "Status": "attached",
        })


def stamp_to_iso(stamp):
    # 20240603t081522 -> 2024-06-03T08:15:22+00:00
    return f"{stamp[0:4]}-{stamp[4:6]}-{stamp[6:8]}T{stamp[9:11]}:{stamp[11:13]}:{stamp[13:15]}+00:00"


# ------------------------------------------------------------- VPC-only ----

def vpc_only(name, broken):
    ex = Example(name)
    ex.vpc_id = "vpc-0a1b2c3d4e5f60718" if not broken else ex.id("vpc", "vpc")
    domain_id = "d-h7k2m9qpx4ta" if not broken else "d-b3x8n5wq2jrz"
    cidr = "10.20.0.0/16"
    dopt = ex.id("dopt", "dopt")
    for k, n, az in (("a", 1, "eu-west-1a"), ("b", 2, "eu-west-1b"), ("c", 3, "eu-west-1c")):
        ex.subnets[k] = {"id": ex.id("subnet", k), "cidr": f"10.20.{n}.0/24", "az": az,
                         "name": f"studio-private-{az[-2:]}"}
    sid = {k: s["id"] for k, s in ex.subnets.items()}

    # Security groups
    g = {
        "default": ex.id("sg", "default"),
        "app": ex.id("sg", "studio-app"),
        "alice": ex.id("sg", "studio-alice"),
        "vpce": ex.id("sg", "vpce-shared"),
        "vpce_api": ex.id("sg", "vpce-sagemaker-api"),
        "nfs_in": ex.id("sg", "nfs-in"),
        "nfs_out": ex.id("sg", "nfs-out"),
    }
    ex.sg_names = {
        g["default"]: "default",
        g["app"]: "studio-app",
        g["alice"]: "studio-alice",
        g["vpce"]: "studio-vpc-endpoints",
        g["vpce_api"]: "studio-vpce-sagemaker-api",
        g["nfs_in"]: f"security-group-for-inbound-nfs-{domain_id}",
        g["nfs_out"]: f"security-group-for-outbound-nfs-{domain_id}",
    }
    s3_pl = [(S3_PL, "S3 gateway endpoint")]
    if not broken:
        app_egress = [
            perm("tcp", (443, 443), groups=[(g["vpce"], "HTTPS to interface endpoints")]),
            perm("tcp", (443, 443), pls=s3_pl),
            perm("tcp", (2049, 2049), cidrs=[(cidr, "NFS to the home EFS")]),
            perm("tcp", (8192, 65535), groups=[(g["app"], "Studio app to app")]),
        ]
    else:
        app_egress = [perm("-1", cidrs=[("0.0.0.0/0", None)])]
    sgs = [
        default_sg(ex, g["default"]),
        sg(ex, g["app"], "studio-app", "Studio apps of domain " + domain_id,
           [perm("tcp", (8192, 65535), groups=[(g["app"], "Studio app to app")])], app_egress,
           {"Name": "studio-app"}),
        sg(ex, g["alice"], "studio-alice", "Per-profile group of user profile alice",
           [perm("tcp", (8192, 65535), groups=[(g["alice"], "alice's apps to each other")])],
           [perm("tcp", (8192, 65535), groups=[(g["alice"], "alice's apps to each other")])],
           {"Name": "studio-alice"}),
        sg(ex, g["vpce"], "studio-vpc-endpoints", "Interface endpoints used by Studio",
           [perm("tcp", (443, 443), groups=[(g["app"], "HTTPS from Studio apps")])],
           [perm("-1", cidrs=[("0.0.0.0/0", None)])], {"Name": "studio-vpc-endpoints"}),
    ] + nfs_pair(ex, domain_id, g["nfs_in"], g["nfs_out"])
    if broken:
        # F1: written when the domain had subnets a and b only; subnet c was added later.
        sgs.append(sg(ex, g["vpce_api"], "studio-vpce-sagemaker-api", "SageMaker API endpoint",
                      [perm("tcp", (443, 443), cidrs=[("10.20.1.0/24", "studio-private-1a"),
                                                      ("10.20.2.0/24", "studio-private-1b")])],
                      [perm("-1", cidrs=[("0.0.0.0/0", None)])], {"Name": "studio-vpce-sagemaker-api"}))
    else:
        del ex.sg_names[g["vpce_api"]]
    ex.files["describe-security-groups.json"] = {"SecurityGroups": sgs}

    # Interface endpoints (ENIs are created as a side effect).
    ips = {  # (a, b, c) last octet per service
        "sagemaker.api": (11, 11, 11),
        "sagemaker.runtime": (47, 36, 58),
        "studio": (102, 124, 97),
        "sts": (139, 153, 170),
        "logs": (181, 219, 230),
    }
    def ep(short, keys, groups, private_dns=True, created="2024-03-01T09:41:07.512000+00:00"):
        octet = dict(zip("abc", ips[short]))
        return interface_endpoint(ex, short, keys, [f"10.20.{'abc'.index(k) + 1}.{octet[k]}" for k in keys],
                                  groups, private_dns, created, f"studio-{short}")
    abc = ["a", "b", "c"]
    if not broken:
        endpoints = [ep(s, abc, [g["vpce"]]) for s in ("sagemaker.api", "sagemaker.runtime", "studio", "sts", "logs")]
    else:
        endpoints = [
            ep("sagemaker.api", abc, [g["vpce_api"]]),                   # F1
            ep("sagemaker.runtime", abc, [g["vpce"]], private_dns=False),  # F4
            ep("studio", abc, [g["vpce"]]),
            ep("sts", ["a", "b"], [g["vpce"]], created="2024-05-14T15:03:40.117000+00:00"),  # F16
            # F7: no logs endpoint
        ]

    # Route tables. The S3 gateway endpoint needs the route table ids first.
    s3_vpce = ex.id("vpce", "s3")
    main_id, main_rt = route_table(ex, "main", None, [route_local(cidr)], [], main=True)
    if not broken:
        priv_id, priv_rt = route_table(ex, "private", "studio-private",
                                       [route_local(cidr), route_pl(S3_PL, s3_vpce)], [sid["a"], sid["b"], sid["c"]])
        rts = [main_rt, priv_rt]
        s3_rtbs = [priv_id]
    else:
        ac_id, ac_rt = route_table(ex, "private-ac", "studio-private",
                                   [route_local(cidr), route_pl(S3_PL, s3_vpce)], [sid["a"], sid["c"]])
        b_id, b_rt = route_table(ex, "private-b", "studio-private-1b",
                                 [route_local(cidr)], [sid["b"]])  # F9: no S3 route
        rts = [main_rt, ac_rt, b_rt]
        s3_rtbs = [ac_id]
    ex.files["describe-route-tables.json"] = {"RouteTables": rts}
    endpoints.append(s3_gateway_endpoint(ex, s3_rtbs, "2024-03-01T09:38:52.204000+00:00", "studio-s3"))
    ex.files["describe-vpc-endpoints.json"] = {"VpcEndpoints": endpoints}

    # NACLs
    def studio_nacl(label, name, subnets, return_ports):
        egress = [acl_entry(100, True, "allow", cidr)]
        egress += [acl_entry(200 + 10 * i, True, "allow", c, "6", (443, 443)) for i, c in enumerate(S3_CIDRS)]
        ingress = [acl_entry(100, False, "allow", cidr),
                   acl_entry(200, False, "allow", "0.0.0.0/0", "6", return_ports)]
        return nacl(ex, label, name, egress, ingress, subnets)
    default_acl = nacl(ex, "default", None, [acl_entry(100, True, "allow")], [acl_entry(100, False, "allow")], [],
                       default=True)[1]
    if not broken:
        acls = [default_acl, studio_nacl("studio", "studio-private", [sid["a"], sid["b"], sid["c"]], (1024, 65535))[1]]
    else:
        acls = [default_acl,
                studio_nacl("studio", "studio-private", [sid["b"], sid["c"]], (1024, 65535))[1],
                studio_nacl("studio-a", "studio-private-1a", [sid["a"]], (32768, 61000))[1]]  # NACL fault
    ex.files["describe-network-acls.json"] = {"NetworkAcls": acls}

    # EFS home file system (mount-target ENIs)
    fs_id = ex.id("fs", "home")
    if not broken:
        mts = [("a", "10.20.1.200", [g["nfs_in"]]), ("b", "10.20.2.74", [g["nfs_in"]]),
               ("c", "10.20.3.245", [g["nfs_in"]])]
    else:
        mts = [("a", "10.20.1.200", [g["nfs_in"]]),
               ("b", "10.20.2.74", [g["default"]])]  # F3: wrong group in b, none in c
    efs_docs(ex, fs_id, domain_id, "2024-03-01T10:00:12+00:00", mts)

    # SageMaker
    role = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-20240301T100000"
    ex.files[f"sagemaker/describe-domain-{domain_id}.json"] = domain_doc(
        ex, domain_id, "ml-platform" if not broken else "ml-research", fs_id, "VpcOnly",
        [sid["a"], sid["b"], sid["c"]], [g["app"]], [g["app"]], "2024-03-01T10:00:00.412000+00:00", role)
    profiles = [("alice", "200001", [g["alice"]], "2024-03-01T10:20:31.870000+00:00"),
                ("bob", "200002", [], "2024-03-01T10:21:05.133000+00:00")]
    spaces = [("alice-notebooks", "Private", "alice", "JupyterLab", "200003", "2024-03-04T08:12:44.021000+00:00"),
              ("team-code", "Shared", "bob", "CodeEditor", "200004", "2024-03-05T13:40:09.657000+00:00")]
    apps = [("alice-notebooks", "JupyterLab", "2024-06-03T08:15:22.480000+00:00", "ml.t3.medium"),
            ("team-code", "CodeEditor", "2024-06-03T09:02:51.305000+00:00", "ml.m5.large")]
    sagemaker_docs(ex, domain_id, profiles, spaces, apps, role)
    # Real app ENIs: private space -> default SGs + owner's SGs; shared -> DefaultSpaceSettings;
    # SageMaker adds the outbound-nfs group to both.
    if not broken:
        app_eni(ex, domain_id, "alice-notebooks", "a", "10.20.1.57", [g["app"], g["alice"], g["nfs_out"]], "20240603t081522")
        app_eni(ex, domain_id, "team-code", "c", "10.20.3.88", [g["app"], g["nfs_out"]], "20240603t090251")
    else:
        app_eni(ex, domain_id, "alice-notebooks", "c", "10.20.3.57", [g["app"], g["alice"], g["nfs_out"]], "20240603t081522")
        app_eni(ex, domain_id, "team-code", "a", "10.20.1.88", [g["app"], g["nfs_out"]], "20240603t090251")

    # EC2 odds and ends
    ex.files["describe-vpcs.json"] = vpc_doc(ex, cidr, "ml-platform" if not broken else "ml-research", dopt)
    ex.files["describe-vpc-attribute-enableDnsSupport.json"] = vpc_attr(ex, "EnableDnsSupport", True)
    ex.files["describe-vpc-attribute-enableDnsHostnames.json"] = vpc_attr(ex, "EnableDnsHostnames", True)
    ex.files["describe-dhcp-options.json"] = dhcp(ex, dopt)
    ex.files["describe-nat-gateways.json"] = {"NatGateways": []}
    ex.files["describe-internet-gateways.json"] = {"InternetGateways": []}
    ex.files["describe-egress-only-internet-gateways.json"] = {"EgressOnlyInternetGateways": []}
    ex.files["describe-prefix-lists.json"] = prefix_lists()
    ex.files["describe-managed-prefix-lists.json"] = managed_prefix_lists()
    finish(ex)
    return ex


# --------------------------------------------------- PublicInternetOnly ----

def public_only():
    ex = Example("public-internet-only")
    ex.vpc_id = ex.id("vpc", "vpc")
    domain_id = "d-p4t6v1zyq8ce"
    cidr = "10.40.0.0/16"
    dopt = ex.id("dopt", "dopt")
    ex.subnets = {
        "pub": {"id": ex.id("subnet", "pub"), "cidr": "10.40.0.0/24", "az": "eu-west-1a", "name": "sandbox-public-1a"},
        "a": {"id": ex.id("subnet", "a"), "cidr": "10.40.1.0/24", "az": "eu-west-1a", "name": "sandbox-private-1a"},
        "b": {"id": ex.id("subnet", "b"), "cidr": "10.40.2.0/24", "az": "eu-west-1b", "name": "sandbox-private-1b"},
    }
    sid = {k: s["id"] for k, s in ex.subnets.items()}
    g = {"default": ex.id("sg", "default"), "nfs_in": ex.id("sg", "nfs-in"), "nfs_out": ex.id("sg", "nfs-out")}
    ex.sg_names = {g["default"]: "default",
                   g["nfs_in"]: f"security-group-for-inbound-nfs-{domain_id}",
                   g["nfs_out"]: f"security-group-for-outbound-nfs-{domain_id}"}
    ex.files["describe-security-groups.json"] = {"SecurityGroups": [default_sg(ex, g["default"])]
                                                 + nfs_pair(ex, domain_id, g["nfs_in"], g["nfs_out"])}

    igw = ex.id("igw", "igw")
    nat = ex.id("nat", "nat")
    eip = "34.251.112.47"
    alloc = ex.id("eipalloc", "nat")
    assoc = ex.id("eipassoc", "nat")
    nat_eni = ex.eni("nat", "pub", "10.40.0.141", f"Interface for NAT Gateway {nat}", [], "nat_gateway",
                     requester="amazon-aws", source_dest_check=False,
                     attachment={"AttachTime": "2024-02-12T14:20:31+00:00", "AttachmentId": ex.id("ela-attach", "nat"),
                                 "DeleteOnTermination": False, "DeviceIndex": 1, "NetworkCardIndex": 0,
                                 "InstanceOwnerId": "amazon-aws", "Status": "attached"},
                     association={"IpOwnerId": ACCOUNT, "PublicDnsName": f"ec2-{eip.replace('.', '-')}.{REGION}.compute.amazonaws.com",
                                  "PublicIp": eip})
    ex.files["describe-nat-gateways.json"] = {"NatGateways": [{
        "CreateTime": "2024-02-12T14:19:58+00:00",
        "NatGatewayAddresses": [{"AllocationId": alloc, "NetworkInterfaceId": nat_eni, "PrivateIp": "10.40.0.141",
                                 "PublicIp": eip, "AssociationId": assoc, "IsPrimary": True, "Status": "succeeded"}],
        "NatGatewayId": nat,
        "State": "available",
        "SubnetId": sid["pub"],
        "VpcId": ex.vpc_id,
        "Tags": tags({"Name": "sandbox-nat-1a"}),
        "ConnectivityType": "public",
    }]}
    ex.files["describe-internet-gateways.json"] = {"InternetGateways": [{
        "Attachments": [{"State": "available", "VpcId": ex.vpc_id}],
        "InternetGatewayId": igw,
        "OwnerId": ACCOUNT,
        "Tags": tags({"Name": "sandbox-igw"}),
    }]}
    ex.files["describe-egress-only-internet-gateways.json"] = {"EgressOnlyInternetGateways": []}
    rts = [
        route_table(ex, "main", None, [route_local(cidr)], [], main=True)[1],
        route_table(ex, "public", "sandbox-public", [route_local(cidr), route_igw(igw)], [sid["pub"]])[1],
        route_table(ex, "private", "sandbox-private", [route_local(cidr), route_nat(nat)], [sid["a"], sid["b"]])[1],
    ]
    ex.files["describe-route-tables.json"] = {"RouteTables": rts}
    ex.files["describe-network-acls.json"] = {"NetworkAcls": [
        nacl(ex, "default", None, [acl_entry(100, True, "allow")], [acl_entry(100, False, "allow")],
             [sid["pub"], sid["a"], sid["b"]], default=True)[1]]}
    ex.files["describe-vpc-endpoints.json"] = {"VpcEndpoints": []}

    fs_id = ex.id("fs", "home")
    efs_docs(ex, fs_id, domain_id, "2024-02-12T15:00:09+00:00",
             [("a", "10.40.1.36", [g["nfs_in"]]), ("b", "10.40.2.163", [g["nfs_in"]])])
    role = f"arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-20240212T150000"
    ex.files[f"sagemaker/describe-domain-{domain_id}.json"] = domain_doc(
        ex, domain_id, "ml-sandbox", fs_id, "PublicInternetOnly", [sid["a"], sid["b"]], [], [],
        "2024-02-12T10:00:00.257000+00:00", role)
    sagemaker_docs(ex, domain_id,
                   [("carol", "200001", [], "2024-02-12T15:12:40.301000+00:00")],
                   [("carol-notebooks", "Private", "carol", "JupyterLab", "200002", "2024-02-13T09:30:18.664000+00:00")],
                   [("carol-notebooks", "JupyterLab", "2024-06-03T07:48:10.922000+00:00", "ml.t3.medium")], role)
    app_eni(ex, domain_id, "carol-notebooks", "b", "10.40.2.90", [g["nfs_out"]], "20240603t074810")

    ex.files["describe-vpcs.json"] = vpc_doc(ex, cidr, "ml-sandbox", dopt)
    ex.files["describe-vpc-attribute-enableDnsSupport.json"] = vpc_attr(ex, "EnableDnsSupport", True)
    ex.files["describe-vpc-attribute-enableDnsHostnames.json"] = vpc_attr(ex, "EnableDnsHostnames", True)
    ex.files["describe-dhcp-options.json"] = dhcp(ex, dopt)
    ex.files["describe-prefix-lists.json"] = prefix_lists()
    ex.files["describe-managed-prefix-lists.json"] = managed_prefix_lists()
    finish(ex, public={"pub"})
    return ex


def finish(ex, public=()):
    used = {k: 0 for k in ex.subnets}
    by_id = {s["id"]: k for k, s in ex.subnets.items()}
    for e in ex.enis:
        used[by_id[e["SubnetId"]]] += 1
    ex.files["describe-subnets.json"] = {"Subnets": [
        subnet_doc(ex, s, used[k], public=k in public) for k, s in ex.subnets.items()]}
    # DescribeNetworkInterfaces returns ENIs ordered by id.
    ex.files["describe-network-interfaces.json"] = {
        "NetworkInterfaces": sorted(ex.enis, key=lambda e: e["NetworkInterfaceId"])}


def main():
    for ex in (vpc_only("healthy-vpc-only", False), vpc_only("broken-vpc-only", True), public_only()):
        base = ex.write()
        print(f"{os.path.relpath(base)}: {len(ex.files)} files")


if __name__ == "__main__":
    sys.exit(main())
