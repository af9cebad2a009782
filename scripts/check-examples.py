#!/usr/bin/env python3
"""Check the example snapshots for referential integrity (stdlib only).

Usage: python3 scripts/check-examples.py [EXAMPLE_DIR ...]
       (default: every folder under examples/)

For each folder of raw AWS API JSON (the layout of scripts/capture-domain.sh)
it checks that
  - every file is valid JSON and of a known kind (by its top-level key);
  - ids look like AWS ids and are unique;
  - every id referenced (VPC, subnet, route table, NACL, security group,
    prefix list, endpoint, NAT, IGW, ENI, EFS, mount target, domain, user
    profile, space) exists in the folder;
  - every ENI and mount-target IP lies inside its subnet's CIDR, AZ names and
    AZ ids agree with the subnet, IPs are unique;
  - each interface endpoint has exactly one ENI per subnet it lists, and the
    ENIs say "VPC Endpoint Interface <vpce-id>" and carry the endpoint's groups;
  - each mount target has its ENI ("EFS mount target for fs-.. (fsmt-..)"),
    a describe-mount-target-security-groups-<fsmt-id>.json file, and the same
    groups in both places;
  - each subnet has one NACL and at most one explicit route table; each NACL
    ends both directions with the default '*' rule 32767 deny;
  - AvailableIpAddressCount = addresses - 5 reserved - ENIs in the subnet;
  - OwnerId is the example's account everywhere;
  - every AWS id written in the folder's README.md exists in the folder.
Exits 1 on any error, printing one line per problem.
"""

import glob
import ipaddress
import json
import os
import re
import sys

ACCOUNT = "111122223333"
ID_RE = re.compile(r"^(vpc|subnet|rtb|acl|sg|vpce|nat|igw|eigw|eni|dopt|fs|fsmt|rtbassoc|aclassoc|eipalloc|eipassoc"
                   r"|eni-attach|ela-attach|vpc-cidr-assoc)-(?:[0-9a-f]{8}|[0-9a-f]{17})$")
README_ID_RE = re.compile(r"\b(?:vpc|subnet|rtb|acl|sg|vpce|nat|igw|eni|dopt|fs|fsmt|pl)-[0-9a-f]{8,17}\b")
DOMAIN_RE = re.compile(r"^d-[a-z0-9]{12}$")

KINDS = {
    "Vpcs", "Subnets", "RouteTables", "NetworkAcls", "SecurityGroups", "VpcEndpoints", "NatGateways",
    "InternetGateways", "EgressOnlyInternetGateways", "PrefixLists", "NetworkInterfaces", "DhcpOptions",
    "FileSystems", "MountTargets", "UserProfiles", "Spaces", "Apps", "Entries",
}


class Checker:
    def __init__(self, root):
        self.root = root
        self.errors = []
        self.docs = {}

    def err(self, msg):
        self.errors.append(f"{os.path.relpath(self.root)}: {msg}")

    def load(self):
        for path in sorted(glob.glob(os.path.join(self.root, "**", "*.json"), recursive=True)):
            rel = os.path.relpath(path, self.root)
            try:
                with open(path) as f:
                    self.docs[rel] = json.load(f)
            except (OSError, ValueError) as e:
                self.err(f"{rel}: {e}")

    def all_of(self, key):
        out = []
        for rel, d in sorted(self.docs.items()):
            if isinstance(d, dict) and key in d and isinstance(d[key], list):
                out += d[key]
        return out

    def one(self, pattern):
        hits = [d for rel, d in self.docs.items() if re.fullmatch(pattern, rel)]
        return hits

    def need(self, ok, msg):
        if not ok:
            self.err(msg)
        return ok

    def idfmt(self, i, what):
        self.need(isinstance(i, str) and ID_RE.match(i), f"{what}: malformed id {i!r}")

    # ------------------------------------------------------------------
    def run(self):
        self.load()
        d = self.docs
        for rel, doc in d.items():
            top = set(doc) if isinstance(doc, dict) else set()
            base = os.path.basename(rel)
            if base.startswith("describe-vpc-attribute-"):
                attr = base[len("describe-vpc-attribute-"):-5]
                key = attr[0].upper() + attr[1:]
                self.need(top == {"VpcId", key} and isinstance(doc[key].get("Value"), bool),
                          f"{rel}: expected {{VpcId, {key}: {{Value: bool}}}}")
            elif base.startswith("describe-mount-target-security-groups-"):
                self.need(top == {"SecurityGroups"}, f"{rel}: expected {{SecurityGroups: [...]}}")
            elif base.startswith(("describe-domain-", "describe-user-profile-", "describe-space-")):
                pass
            else:
                self.need(len(top & KINDS) == 1, f"{rel}: unknown kind (top-level keys {sorted(top)})")

        # Owner ids everywhere
        def walk(x, rel):
            if isinstance(x, dict):
                for k, v in x.items():
                    if k in ("OwnerId", "UserId", "IpOwnerId") and v != "AWS":
                        self.need(v == ACCOUNT, f"{rel}: {k} {v} is not {ACCOUNT}")
                    if isinstance(v, str) and v.startswith("arn:aws:") and ":iam::" not in v and ":image/" not in v \
                            and ":aws:prefix-list/" not in v:
                        self.need(f":{ACCOUNT}:" in v and ":eu-west-1:" in v, f"{rel}: ARN {v} not in eu-west-1/{ACCOUNT}")
                    walk(v, rel)
            elif isinstance(x, list):
                for v in x:
                    walk(v, rel)
        for rel, doc in d.items():
            walk(doc, rel)

        vpcs = {v["VpcId"]: v for v in self.all_of("Vpcs")}
        self.need(len(vpcs) == 1, f"expected one VPC, got {sorted(vpcs)}")
        vpc_id = next(iter(vpcs), None)
        vpc = vpcs.get(vpc_id, {})
        vpc_net = ipaddress.ip_network(vpc.get("CidrBlock", "0.0.0.0/0"))
        for rel, doc in d.items():
            if "describe-vpc-attribute-" in rel:
                self.need(doc.get("VpcId") == vpc_id, f"{rel}: VpcId {doc.get('VpcId')} unknown")
        dopts = {o["DhcpOptionsId"] for o in self.all_of("DhcpOptions")}
        self.need(vpc.get("DhcpOptionsId") in dopts, f"VPC DhcpOptionsId {vpc.get('DhcpOptionsId')} not captured")

        subnets = {s["SubnetId"]: s for s in self.all_of("Subnets")}
        for sid, s in subnets.items():
            self.idfmt(sid, "subnet")
            self.need(s["VpcId"] == vpc_id, f"{sid}: VpcId {s['VpcId']}")
            self.need(ipaddress.ip_network(s["CidrBlock"]).subnet_of(vpc_net), f"{sid}: CIDR outside the VPC")
            az = s["AvailabilityZone"]
            self.need(s["AvailabilityZoneId"] == "euw1-az" + str("abc".index(az[-1]) + 1),
                      f"{sid}: AZ {az} / {s['AvailabilityZoneId']} inconsistent with the other examples")
        nets = [ipaddress.ip_network(s["CidrBlock"]) for s in subnets.values()]
        for i, a in enumerate(nets):
            for b in nets[i + 1:]:
                self.need(not a.overlaps(b), f"subnet CIDRs {a} and {b} overlap")

        sgs = {g["GroupId"]: g for g in self.all_of("SecurityGroups") if isinstance(g, dict)}
        pls = {p["PrefixListId"]: p for p in self.all_of("PrefixLists") if "Cidrs" in p}
        for pl in (p["PrefixListId"] for p in self.all_of("PrefixLists")):
            self.need(pl in pls, f"managed prefix list {pl} has no DescribePrefixLists entry with Cidrs")
        for gid, g in sgs.items():
            self.idfmt(gid, "security group")
            self.need(g["VpcId"] == vpc_id, f"{gid}: VpcId")
            for direction in ("IpPermissions", "IpPermissionsEgress"):
                for p in g[direction]:
                    for pair in p.get("UserIdGroupPairs", []):
                        self.need(pair["GroupId"] in sgs, f"{gid} {direction}: group {pair['GroupId']} missing")
                    for pl in p.get("PrefixListIds", []):
                        self.need(pl["PrefixListId"] in pls, f"{gid} {direction}: prefix list {pl['PrefixListId']} missing")
                    if p["IpProtocol"] != "-1":
                        self.need("FromPort" in p and "ToPort" in p, f"{gid}: rule without ports")
        names = [g["GroupName"] for g in sgs.values()]
        self.need(len(names) == len(set(names)), "duplicate security group names")
        self.need(names.count("default") == 1, "the VPC default security group is missing")

        enis = {e["NetworkInterfaceId"]: e for e in self.all_of("NetworkInterfaces")}
        ips = {}
        for eid, e in enis.items():
            self.idfmt(eid, "ENI")
            s = subnets.get(e["SubnetId"])
            if not self.need(s is not None, f"{eid}: subnet {e['SubnetId']} missing"):
                continue
            self.need(e["VpcId"] == vpc_id, f"{eid}: VpcId")
            self.need(e["AvailabilityZone"] == s["AvailabilityZone"], f"{eid}: AZ {e['AvailabilityZone']} != subnet AZ")
            for pip in e["PrivateIpAddresses"]:
                ip = pip["PrivateIpAddress"]
                self.need(ipaddress.ip_address(ip) in ipaddress.ip_network(s["CidrBlock"]),
                          f"{eid}: {ip} outside {s['CidrBlock']}")
                self.need(ip not in ips, f"{eid}: IP {ip} also used by {ips.get(ip)}")
                ips[ip] = eid
                self.need(pip["PrivateDnsName"] == "ip-" + ip.replace(".", "-") + ".eu-west-1.compute.internal",
                          f"{eid}: PrivateDnsName")
            self.need(e["PrivateIpAddress"] == e["PrivateIpAddresses"][0]["PrivateIpAddress"], f"{eid}: primary IP")
            for grp in e["Groups"]:
                g = sgs.get(grp["GroupId"])
                if self.need(g is not None, f"{eid}: group {grp['GroupId']} missing"):
                    self.need(g["GroupName"] == grp["GroupName"], f"{eid}: group name of {grp['GroupId']}")
        for sid, s in subnets.items():
            n = sum(1 for e in enis.values() if e["SubnetId"] == sid)
            expect = ipaddress.ip_network(s["CidrBlock"]).num_addresses - 5 - n
            self.need(s["AvailableIpAddressCount"] == expect,
                      f"{sid}: AvailableIpAddressCount {s['AvailableIpAddressCount']} != {expect}")

        # Gateways
        nats = {n["NatGatewayId"]: n for n in self.all_of("NatGateways")}
        for nid, n in nats.items():
            self.idfmt(nid, "NAT")
            self.need(n["SubnetId"] in subnets and n["VpcId"] == vpc_id, f"{nid}: subnet/VPC")
            for a in n["NatGatewayAddresses"]:
                e = enis.get(a["NetworkInterfaceId"])
                if self.need(e is not None, f"{nid}: ENI {a['NetworkInterfaceId']} missing"):
                    self.need(e["PrivateIpAddress"] == a["PrivateIp"] and e["SubnetId"] == n["SubnetId"]
                              and e["Description"] == f"Interface for NAT Gateway {nid}"
                              and e["InterfaceType"] == "nat_gateway", f"{nid}: ENI {e['NetworkInterfaceId']} mismatch")
        igws = {i["InternetGatewayId"]: i for i in self.all_of("InternetGateways")}
        for iid, i in igws.items():
            self.idfmt(iid, "IGW")
            self.need([a["VpcId"] for a in i["Attachments"]] == [vpc_id], f"{iid}: attachment")

        # Endpoints
        vpces = {v["VpcEndpointId"]: v for v in self.all_of("VpcEndpoints")}
        rtbs = {r["RouteTableId"]: r for r in self.all_of("RouteTables")}
        endpoint_enis = set()
        for vid, v in vpces.items():
            self.idfmt(vid, "endpoint")
            self.need(v["VpcId"] == vpc_id, f"{vid}: VpcId")
            if v["VpcEndpointType"] == "Interface":
                self.need(v["SubnetIds"] and v["Groups"], f"{vid}: interface endpoint without subnets/groups")
                groups = [g["GroupId"] for g in v["Groups"]]
                for g in groups:
                    self.need(g in sgs, f"{vid}: group {g} missing")
                seen = []
                for eid in v["NetworkInterfaceIds"]:
                    e = enis.get(eid)
                    if not self.need(e is not None, f"{vid}: ENI {eid} missing"):
                        continue
                    endpoint_enis.add(eid)
                    seen.append(e["SubnetId"])
                    self.need(e["Description"] == f"VPC Endpoint Interface {vid}", f"{eid}: description")
                    self.need(e["InterfaceType"] == "vpc_endpoint" and e["RequesterManaged"], f"{eid}: type")
                    self.need(sorted(g["GroupId"] for g in e["Groups"]) == sorted(groups), f"{eid}: groups != endpoint's")
                self.need(sorted(seen) == sorted(v["SubnetIds"]), f"{vid}: ENI subnets {seen} != SubnetIds")
                self.need(v["PrivateDnsEnabled"] == any(not x["DnsName"].startswith("vpce-") for x in v["DnsEntries"]),
                          f"{vid}: private DNS entry inconsistent with PrivateDnsEnabled")
            else:
                self.need(not v["NetworkInterfaceIds"] and not v["SubnetIds"], f"{vid}: gateway endpoint with ENIs")
                for r in v["RouteTableIds"]:
                    rt = rtbs.get(r)
                    if self.need(rt is not None, f"{vid}: route table {r} missing"):
                        self.need(any(x.get("GatewayId") == vid for x in rt["Routes"]), f"{vid}: no route in {r}")
        for eid, e in enis.items():
            if e["InterfaceType"] == "vpc_endpoint":
                self.need(eid in endpoint_enis, f"{eid}: endpoint ENI not listed by any endpoint")

        # Route tables
        explicit = {}
        mains = 0
        for rid, rt in rtbs.items():
            self.idfmt(rid, "route table")
            self.need(rt["VpcId"] == vpc_id, f"{rid}: VpcId")
            for a in rt["Associations"]:
                self.need(a["RouteTableId"] == rid, f"{rid}: association of another table")
                if a["Main"]:
                    mains += 1
                else:
                    sid = a["SubnetId"]
                    self.need(sid in subnets, f"{rid}: subnet {sid} missing")
                    self.need(sid not in explicit, f"{sid}: associated with {explicit.get(sid)} and {rid}")
                    explicit[sid] = rid
            local = [x for x in rt["Routes"] if x.get("GatewayId") == "local"]
            self.need(len(local) == 1 and local[0]["DestinationCidrBlock"] == vpc["CidrBlock"], f"{rid}: local route")
            for x in rt["Routes"]:
                if "DestinationPrefixListId" in x:
                    self.need(x["DestinationPrefixListId"] in pls, f"{rid}: prefix list {x['DestinationPrefixListId']}")
                tgt = x.get("GatewayId") or x.get("NatGatewayId")
                if tgt and tgt != "local":
                    ok = tgt in vpces or tgt in igws or tgt in nats
                    self.need(ok, f"{rid}: route target {tgt} missing")
                    if tgt in vpces:
                        self.need(rid in vpces[tgt]["RouteTableIds"], f"{rid}: {tgt} does not list this table")
        self.need(mains == 1, f"expected one main route table, got {mains}")

        # NACLs
        acl_of = {}
        defaults = 0
        for acl in self.all_of("NetworkAcls"):
            aid = acl["NetworkAclId"]
            self.idfmt(aid, "NACL")
            defaults += acl["IsDefault"]
            for a in acl["Associations"]:
                sid = a["SubnetId"]
                self.need(sid in subnets and a["NetworkAclId"] == aid, f"{aid}: association {sid}")
                self.need(sid not in acl_of, f"{sid}: two NACLs")
                acl_of[sid] = aid
            for egress in (True, False):
                ent = [e for e in acl["Entries"] if e["Egress"] == egress]
                nums = [e["RuleNumber"] for e in ent]
                self.need(nums == sorted(nums) and len(set(nums)) == len(nums), f"{aid}: rule order egress={egress}")
                last = ent[-1] if ent else {}
                self.need(last.get("RuleNumber") == 32767 and last.get("RuleAction") == "deny"
                          and last.get("Protocol") == "-1" and last.get("CidrBlock") == "0.0.0.0/0",
                          f"{aid}: missing default deny rule 32767 egress={egress}")
                for e in ent:
                    if e["Protocol"] in ("6", "17"):
                        self.need("PortRange" in e, f"{aid}: rule {e['RuleNumber']} without PortRange")
        self.need(defaults == 1, "expected one default NACL")
        for sid in subnets:
            self.need(sid in acl_of, f"{sid}: no NACL association")

        # EFS
        fss = {f["FileSystemId"]: f for f in self.all_of("FileSystems")}
        mts = self.all_of("MountTargets")
        for fid, f in fss.items():
            self.idfmt(fid, "EFS")
            self.need(f["NumberOfMountTargets"] == sum(1 for m in mts if m["FileSystemId"] == fid),
                      f"{fid}: NumberOfMountTargets")
        mt_azs = {}
        for m in mts:
            mid = m["MountTargetId"]
            self.idfmt(mid, "mount target")
            self.need(m["FileSystemId"] in fss, f"{mid}: file system {m['FileSystemId']} missing")
            s = subnets.get(m["SubnetId"])
            if not self.need(s is not None, f"{mid}: subnet missing"):
                continue
            self.need(m["VpcId"] == vpc_id, f"{mid}: VpcId")
            self.need(m["AvailabilityZoneName"] == s["AvailabilityZone"]
                      and m["AvailabilityZoneId"] == s["AvailabilityZoneId"], f"{mid}: AZ != subnet AZ")
            key = (m["FileSystemId"], m["AvailabilityZoneName"])
            self.need(key not in mt_azs, f"{mid}: second mount target of {key[0]} in {key[1]}")
            mt_azs[key] = mid
            e = enis.get(m["NetworkInterfaceId"])
            if self.need(e is not None, f"{mid}: ENI {m['NetworkInterfaceId']} missing"):
                self.need(e["Description"] == f"EFS mount target for {m['FileSystemId']} ({mid})"
                          and e["InterfaceType"] == "efs", f"{mid}: ENI description/type")
                self.need(e["PrivateIpAddress"] == m["IpAddress"] and e["SubnetId"] == m["SubnetId"],
                          f"{mid}: ENI IP/subnet")
            sgf = self.one(rf"efs/describe-mount-target-security-groups-{mid}\.json")
            if self.need(len(sgf) == 1, f"{mid}: no describe-mount-target-security-groups-{mid}.json"):
                groups = sgf[0]["SecurityGroups"]
                for g in groups:
                    self.need(g in sgs, f"{mid}: group {g} missing")
                if e:
                    self.need(sorted(groups) == sorted(g["GroupId"] for g in e["Groups"]),
                              f"{mid}: groups differ between the SG file and the ENI")
        for rel in d:
            m = re.search(r"describe-mount-target-security-groups-(fsmt-[0-9a-f]+)\.json$", rel)
            if m:
                self.need(any(x["MountTargetId"] == m.group(1) for x in mts), f"{rel}: unknown mount target")

        # SageMaker
        domains = [doc for rel, doc in d.items() if os.path.basename(rel).startswith("describe-domain-")]
        self.need(len(domains) == 1, "expected one describe-domain file")
        for dom in domains:
            did = dom["DomainId"]
            self.need(DOMAIN_RE.match(did) is not None, f"domain id {did}")
            self.need(any(rel.endswith(f"describe-domain-{did}.json") for rel in d), f"{did}: file name")
            self.need(dom["VpcId"] == vpc_id, f"{did}: VpcId")
            self.need(dom["HomeEfsFileSystemId"] in fss, f"{did}: home EFS missing")
            azs = []
            for sid in dom["SubnetIds"]:
                if self.need(sid in subnets, f"{did}: subnet {sid} missing"):
                    azs.append(subnets[sid]["AvailabilityZone"])
            self.need(len(azs) == len(set(azs)), f"{did}: two domain subnets in one AZ")
            for where in ("DefaultUserSettings", "DefaultSpaceSettings"):
                for g in dom.get(where, {}).get("SecurityGroups", []):
                    self.need(g in sgs, f"{did}: {where} group {g} missing")
            for pre in ("inbound", "outbound"):
                self.need(f"security-group-for-{pre}-nfs-{did}" in names, f"{did}: {pre}-nfs group missing")
            self.need(dom["DomainArn"].endswith(f":domain/{did}"), f"{did}: DomainArn")

            profiles = {p["UserProfileName"] for p in self.all_of("UserProfiles")}
            described = set()
            for rel, doc in d.items():
                b = os.path.basename(rel)
                if b.startswith("describe-user-profile-"):
                    n = doc["UserProfileName"]
                    described.add(n)
                    self.need(b == f"describe-user-profile-{n}.json" and doc["DomainId"] == did, f"{rel}: name/domain")
                    for g in doc.get("UserSettings", {}).get("SecurityGroups", []):
                        self.need(g in sgs, f"{rel}: group {g} missing")
            self.need(profiles == described, f"listed profiles {sorted(profiles)} != described {sorted(described)}")
            spaces = {s["SpaceName"]: s for s in self.all_of("Spaces")}
            described = set()
            for rel, doc in d.items():
                b = os.path.basename(rel)
                if b.startswith("describe-space-"):
                    n = doc["SpaceName"]
                    described.add(n)
                    self.need(b == f"describe-space-{n}.json" and doc["DomainId"] == did, f"{rel}: name/domain")
                    self.need(doc["OwnershipSettings"]["OwnerUserProfileName"] in profiles, f"{rel}: owner missing")
                    self.need(doc["SpaceSharingSettings"]["SharingType"] in ("Private", "Shared"), f"{rel}: sharing")
                    s = spaces.get(n, {})
                    self.need(s.get("SpaceSharingSettingsSummary", {}).get("SharingType")
                              == doc["SpaceSharingSettings"]["SharingType"], f"{rel}: list/describe disagree")
            self.need(set(spaces) == described, f"listed spaces {sorted(spaces)} != described {sorted(described)}")
            for a in self.all_of("Apps"):
                self.need(a["DomainId"] == did, f"app {a['AppName']}: domain")
                self.need(a.get("SpaceName") in spaces or a.get("UserProfileName") in profiles,
                          f"app {a['AppName']}: owner missing")
            app_enis = [e for e in enis.values()
                        if e["Description"].startswith("[DO NOT DELETE] ENI managed by SageMaker for Studio Domain(")]
            running = [a for a in self.all_of("Apps") if a["Status"] == "InService"]
            self.need(len(app_enis) == len(running), f"{len(app_enis)} app ENIs for {len(running)} InService apps")
            out_nfs = next((g for g, x in sgs.items() if x["GroupName"] == f"security-group-for-outbound-nfs-{did}"), None)
            for e in app_enis:
                eid = e["NetworkInterfaceId"]
                self.need(f"Studio Domain({did}) - " in e["Description"], f"{eid}: domain id in description")
                self.need(e["SubnetId"] in dom["SubnetIds"], f"{eid}: not in a domain subnet")
                self.need(out_nfs in [g["GroupId"] for g in e["Groups"]], f"{eid}: lacks the outbound-nfs group")
                self.need(any(t["Key"] == "ManagedByAmazonSageMakerResource" for t in e["TagSet"]), f"{eid}: tag")

        # README ids
        readme = os.path.join(self.root, "README.md")
        if self.need(os.path.exists(readme), "README.md missing"):
            known = set(vpcs) | set(subnets) | set(rtbs) | set(acl_of.values()) | set(sgs) | set(vpces) | set(nats) \
                | set(igws) | set(enis) | dopts | set(fss) | {m["MountTargetId"] for m in mts} | set(pls) \
                | {a["NetworkAclId"] for a in self.all_of("NetworkAcls")}
            with open(readme) as f:
                text = f.read()
            for i in sorted(set(README_ID_RE.findall(text))):
                self.need(i in known, f"README.md mentions {i}, which is not in the snapshot")
            for did in re.findall(r"\bd-[a-z0-9]{12}\b", text):
                self.need(any(x["DomainId"] == did for x in domains), f"README.md mentions unknown domain {did}")
        return self.errors


def main(argv):
    here = os.path.dirname(os.path.abspath(__file__))
    roots = argv or sorted(p for p in glob.glob(os.path.join(here, "..", "examples", "*")) if os.path.isdir(p))
    errors = []
    for root in roots:
        e = Checker(root).run()
        errors += e
        print(f"{os.path.relpath(root)}: {'OK' if not e else f'{len(e)} problem(s)'}")
    for e in errors:
        print("  " + e)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
