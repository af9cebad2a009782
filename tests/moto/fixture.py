#!/usr/bin/env python3
"""Build a healthy and a broken VpcOnly SageMaker Studio domain in the
emulator (moto behind tests/moto/standin.py), with boto3.

Usage: fixture.py --endpoint URL [--region us-east-1] [--extra-subnets N --extra-sgs N]
Prints a JSON document with the ids the tests assert on.

healthy (10.10.0.0/16): two private subnets (a, b) whose route table sends
0.0.0.0/0 to a NAT gateway in a public subnet (IGW), an S3 gateway endpoint
on it, interface endpoints (sagemaker.api, sagemaker.runtime, sts, logs,
servicecatalog, studio) with private DNS and a group that admits 443 from the
Studio group, a custom NACL on the private subnets (VPC + return traffic +
all egress), a customer-managed prefix list used by a rule, the home EFS with
its NFS groups and one mount target per AZ (made by the stand-in's
CreateDomain), user profile alice (own group), a private and a shared space,
two apps.

broken (10.20.0.0/16): the same shape without NAT or IGW, and faults:
  F-api   the sagemaker.api endpoint group admits 443 from subnet a only
  F-rt    the sagemaker.runtime endpoint has private DNS disabled
  F-logs  no logs endpoint (and no NAT)
  F-nacl  subnet b's NACL admits return traffic on 32768-61000 only
  F-nfs   the inbound-nfs group lost its TCP 2049 rule
"""
import argparse
import json
import sys

import boto3

p = argparse.ArgumentParser()
p.add_argument("--endpoint", required=True)
p.add_argument("--region", default="us-east-1")
p.add_argument("--extra-subnets", type=int, default=0)
p.add_argument("--extra-sgs", type=int, default=0)
p.add_argument("--rules-per-sg", type=int, default=10)
p.add_argument("--only", choices=["healthy", "broken"], default=None)
a = p.parse_args()
kw = dict(endpoint_url=a.endpoint, region_name=a.region,
          aws_access_key_id="testing", aws_secret_access_key="testing")
ec2, efs, sm = (boto3.client(s, **kw) for s in ("ec2", "efs", "sagemaker"))
R = a.region
ROLE = "arn:aws:iam::123456789012:role/SageMakerExec"


def tag(res, name):
    ec2.create_tags(Resources=[res], Tags=[{"Key": "Name", "Value": name}])


def sg(vpc, name, desc):
    return ec2.create_security_group(GroupName=name, Description=desc, VpcId=vpc)["GroupId"]


def build(name, n, broken):
    out = {"name": name}
    vpc = ec2.create_vpc(CidrBlock=f"10.{n}.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
    ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
    tag(vpc, f"{name}-vpc")
    priv = [ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{i}.0/24", AvailabilityZone=f"{R}{az}")
            ["Subnet"]["SubnetId"] for i, az in ((1, "a"), (2, "b"))]
    out.update(vpc=vpc, subnets=priv)

    priv_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    for s in priv:
        ec2.associate_route_table(RouteTableId=priv_rt, SubnetId=s)
    out["private_rt"] = priv_rt
    if not broken:
        pub = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.100.0/24",
                                AvailabilityZone=f"{R}a")["Subnet"]["SubnetId"]
        igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
        pub_rt = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=pub_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
        ec2.associate_route_table(RouteTableId=pub_rt, SubnetId=pub)
        eip = ec2.allocate_address(Domain="vpc")["AllocationId"]
        nat = ec2.create_nat_gateway(SubnetId=pub, AllocationId=eip)["NatGateway"]["NatGatewayId"]
        ec2.create_route(RouteTableId=priv_rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)
        out.update(public_subnet=pub, igw=igw, nat=nat)

    pl = ec2.create_managed_prefix_list(
        PrefixListName=f"{name}-corp", AddressFamily="IPv4", MaxEntries=5,
        Entries=[{"Cidr": "192.168.0.0/16", "Description": "corp"},
                 {"Cidr": "172.16.0.0/12", "Description": "vpn"}])["PrefixList"]["PrefixListId"]
    out["prefix_list"] = pl

    studio = sg(vpc, f"{name}-studio", "studio apps")
    alice = sg(vpc, f"{name}-alice", "alice's apps")
    vpce = sg(vpc, f"{name}-vpce", "interface endpoints")
    vpce_api = sg(vpc, f"{name}-vpce-api", "sagemaker.api endpoint")
    for g in (studio, alice):
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 8192, "ToPort": 65535, "UserIdGroupPairs": [{"GroupId": g}]},
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "PrefixListIds": [{"PrefixListId": pl, "Description": "corp ssh"}]}])
    ec2.authorize_security_group_ingress(GroupId=vpce, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "UserIdGroupPairs": [{"GroupId": studio}, {"GroupId": alice}]}])
    api_peers = ([{"CidrIp": f"10.{n}.1.0/24"}] if broken else [{"CidrIp": f"10.{n}.0.0/16"}])
    ec2.authorize_security_group_ingress(GroupId=vpce_api, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": api_peers}])
    out.update(sg_studio=studio, sg_alice=alice, sg_vpce=vpce, sg_vpce_api=vpce_api)

    acl = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
    for num, egress, proto, cidr, ports in [
            (100, False, "-1", f"10.{n}.0.0/16", None),
            (200, False, "6", "0.0.0.0/0", (1024, 65535)),
            (100, True, "-1", "0.0.0.0/0", None)]:
        e = dict(NetworkAclId=acl, RuleNumber=num, Protocol=proto, RuleAction="allow", Egress=egress,
                 CidrBlock=cidr)
        if ports:
            e["PortRange"] = {"From": ports[0], "To": ports[1]}
        ec2.create_network_acl_entry(**e)
    acls = {s: acl for s in priv}
    if broken:
        acl_b = ec2.create_network_acl(VpcId=vpc)["NetworkAcl"]["NetworkAclId"]
        for num, egress, proto, cidr, ports in [
                (100, False, "-1", f"10.{n}.0.0/16", None),
                (200, False, "6", "0.0.0.0/0", (32768, 61000)),
                (100, True, "-1", "0.0.0.0/0", None)]:
            e = dict(NetworkAclId=acl_b, RuleNumber=num, Protocol=proto, RuleAction="allow",
                     Egress=egress, CidrBlock=cidr)
            if ports:
                e["PortRange"] = {"From": ports[0], "To": ports[1]}
            ec2.create_network_acl_entry(**e)
        acls[priv[1]] = acl_b
        out["nacl_b"] = acl_b
    for na in ec2.describe_network_acls(Filters=[{"Name": "association.subnet-id", "Values": priv}])["NetworkAcls"]:
        for asc in na["Associations"]:
            if asc["SubnetId"] in acls:
                ec2.replace_network_acl_association(AssociationId=asc["NetworkAclAssociationId"],
                                                    NetworkAclId=acls[asc["SubnetId"]])
    out["nacl"] = acl

    out["vpce_s3"] = ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{R}.s3", VpcEndpointType="Gateway",
        RouteTableIds=[priv_rt])["VpcEndpoint"]["VpcEndpointId"]
    services = ["sagemaker.api", "sagemaker.runtime", "sts", "servicecatalog", "studio"]
    if not broken:
        services.append("logs")
    out["vpce"] = {}
    for svc in services:
        name_ = f"aws.sagemaker.{R}.studio" if svc == "studio" else f"com.amazonaws.{R}.{svc}"
        out["vpce"][svc] = ec2.create_vpc_endpoint(
            VpcId=vpc, ServiceName=name_, VpcEndpointType="Interface", SubnetIds=priv,
            SecurityGroupIds=[vpce_api if svc == "sagemaker.api" else vpce],
            PrivateDnsEnabled=not (broken and svc == "sagemaker.runtime"),
        )["VpcEndpoint"]["VpcEndpointId"]

    # The stand-in's CreateDomain adds the home EFS, NFS groups, mount targets.
    arn = sm.create_domain(
        DomainName=name, AuthMode="IAM", VpcId=vpc, SubnetIds=priv, AppNetworkAccessType="VpcOnly",
        DefaultUserSettings={"ExecutionRole": ROLE, "SecurityGroups": [studio]},
        DefaultSpaceSettings={"ExecutionRole": ROLE, "SecurityGroups": [studio]},
    )["DomainArn"]
    dom = arn.split("/")[-1]
    out["domain_id"] = dom
    d = sm.describe_domain(DomainId=dom)
    out["home_efs"] = d["HomeEfsFileSystemId"]
    groups = {g["GroupName"]: g["GroupId"] for g in ec2.describe_security_groups(
        Filters=[{"Name": "vpc-id", "Values": [vpc]}])["SecurityGroups"]}
    out["sg_nfs_in"] = groups[f"security-group-for-inbound-nfs-{dom}"]
    out["sg_nfs_out"] = groups[f"security-group-for-outbound-nfs-{dom}"]
    out["mount_targets"] = sorted(m["MountTargetId"] for m in efs.describe_mount_targets(
        FileSystemId=out["home_efs"])["MountTargets"])
    if broken:
        ec2.revoke_security_group_ingress(GroupId=out["sg_nfs_in"], IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049,
             "UserIdGroupPairs": [{"GroupId": out["sg_nfs_out"]}]}])

    sm.create_user_profile(DomainId=dom, UserProfileName="alice",
                           UserSettings={"ExecutionRole": ROLE, "SecurityGroups": [alice]})
    sm.create_user_profile(DomainId=dom, UserProfileName="bob", UserSettings={"ExecutionRole": ROLE})
    sm.create_user_profile(DomainId=dom, UserProfileName="carol", UserSettings={"ExecutionRole": ROLE})
    sm.create_space(DomainId=dom, SpaceName="alice-space",
                    OwnershipSettings={"OwnerUserProfileName": "alice"},
                    SpaceSharingSettings={"SharingType": "Private"},
                    SpaceSettings={"AppType": "JupyterLab"})
    sm.create_space(DomainId=dom, SpaceName="team",
                    OwnershipSettings={"OwnerUserProfileName": "bob"},
                    SpaceSharingSettings={"SharingType": "Shared"},
                    SpaceSettings={"AppType": "CodeEditor"})
    sm.create_app(DomainId=dom, SpaceName="alice-space", AppType="JupyterLab", AppName="default",
                  ResourceSpec={"InstanceType": "ml.t3.medium"})
    sm.create_app(DomainId=dom, SpaceName="team", AppType="CodeEditor", AppName="default",
                  ResourceSpec={"InstanceType": "ml.t3.large"})
    out["profiles"] = ["alice", "bob", "carol"]
    out["spaces"] = ["alice-space", "team"]

    # Scale-up for the benchmark: more subnets and groups in this VPC.
    for i in range(a.extra_subnets):
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.{n}.{10 + i}.0/24", AvailabilityZone=f"{R}{'abcdef'[i % 6]}")
    made = []
    for i in range(a.extra_sgs):
        g = sg(vpc, f"{name}-bulk-{i}", f"bulk {i}")
        perms = []
        for j in range(a.rules_per_sg):
            if j % 2 == 0 or not made:
                perms.append({"IpProtocol": "tcp", "FromPort": 1000 + j, "ToPort": 1000 + j,
                              "IpRanges": [{"CidrIp": f"10.{j}.0.0/16"}]})
            else:
                perms.append({"IpProtocol": "tcp", "FromPort": 1000 + j, "ToPort": 1000 + j,
                              "UserIdGroupPairs": [{"GroupId": made[(i * 7 + j) % len(made)]}]})
        ec2.authorize_security_group_ingress(GroupId=g, IpPermissions=perms)
        made.append(g)
    return out


result = {}
if a.only in (None, "healthy"):
    result["healthy"] = build("healthy", 10, broken=False)
if a.only in (None, "broken"):
    result["broken"] = build("broken", 20, broken=True)
json.dump(result, sys.stdout, indent=1)
print()
