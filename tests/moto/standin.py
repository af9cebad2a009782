#!/usr/bin/env python3
"""A small HTTP stand-in in front of moto 5.2.5 for what moto lacks.

Every request is forwarded to moto unchanged, except:

* SageMaker user profiles, spaces and apps (moto 5.2.5 has no API for them,
  it answers HTTP 500): Create/Describe/List/Delete UserProfile, Space and
  App are served here from memory, with real pagination (`--page-size`).
* SageMaker CreateDomain: forwarded, then what the real service does on the
  side is done against moto: a home EFS file system (tagged
  ManagedByAmazonSageMakerResource), the two NFS security groups
  `security-group-for-inbound-nfs-<domain>` / `...-outbound-nfs-<domain>`
  referencing each other (TCP 2049, 988, 1018-1023), and one mount target
  per Availability Zone of the domain subnets carrying the inbound group.
  DescribeDomain then reports that file system as HomeEfsFileSystemId (moto
  returns a placeholder string) and no SecurityGroupIdForDomainBoundary
  (moto returns a placeholder "sg-<name>" that names no group; the real
  service sets it only for RStudio domains).
* EC2 CreateVpcEndpoint (Interface): moto gives the endpoint's ENIs a random
  address outside their subnet, the VPC's default group, an empty
  description and InterfaceType "interface". DescribeNetworkInterfaces is
  rewritten for those ENIs as AWS shows them: an address inside the subnet,
  the endpoint's groups, "VPC Endpoint Interface vpce-...", vpc_endpoint,
  requester-managed.

Test hooks (not AWS APIs), under /_standin/:
  POST   /_standin/faults   {"rules": [{"op": "ec2:DescribeNetworkAcls",
                             "kind": "deny"|"throttle"|"error500"|"drop"|"slow",
                             "times": N, "status": S, "code": C, "ms": M}]}
                             times omitted = always. Each kind in the shape of
                             the service's protocol (EC2 query XML, SageMaker
                             JSON 1.1, EFS REST JSON):
                             deny      UnauthorizedOperation / AccessDeniedException
                             throttle  RequestLimitExceeded (503) / ThrottlingException;
                                       "status"/"code" override, e.g. 400 + Throttling
                             error500  InternalError (500); "status" e.g. 503
                             drop      close the connection without an answer
                             slow      wait "ms" (default 5000), then answer normally
  DELETE /_standin/faults
  GET    /_standin/log       every operation received: [{"service", "op", "client",
                             "detail", "t0", "t1"}] (t0/t1: monotonic seconds at
                             receipt and answer; detail: EC2's first filter name)
  DELETE /_standin/log
  POST   /_standin/delay    {"ms": N}: wait N ms before answering each AWS
                             request (a fixed latency per call, for timing)
  --delay-ms N               the same from the start

Usage: standin.py --moto http://127.0.0.1:PORT --port PORT [--page-size 2]
Only the standard library, plus boto3 for the CreateDomain side effects.
"""
import argparse
import http.client
import ipaddress
import json
import re
import socket
import sys
import threading
import time
import urllib.parse
import uuid
import xml.etree.ElementTree as ET
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3

ACCOUNT = "123456789012"
EFS_PREFIX = "/2015-02-01/"

p = argparse.ArgumentParser()
p.add_argument("--moto", required=True)
p.add_argument("--port", type=int, required=True)
p.add_argument("--page-size", type=int, default=2)
p.add_argument("--delay-ms", type=int, default=0)
ARGS = p.parse_args()
MOTO = urllib.parse.urlparse(ARGS.moto)

LOCK = threading.Lock()
PROFILES, SPACES, APPS = {}, {}, {}   # keyed by (domain, name) / (domain, owner, type, name)
DOMAIN_FS = {}                        # domain id -> home EFS id
ENDPOINT_ENIS = {}                    # eni id -> dict(groups, ip, description)
FAULTS = []                           # [{"op", "kind", "times"}]
DELAY = {"ms": ARGS.delay_ms}          # latency added to every AWS request
LOG = []                              # [{"service", "op", "client"}]


def moto_client(service, region):
    return boto3.client(service, endpoint_url=ARGS.moto, region_name=region,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


# ------------------------------------------------------------ helpers ----

def region_of(headers):
    m = re.search(r"Credential=[^/]+/\d+/([^/]+)/([^/]+)/", headers.get("Authorization", ""))
    return (m.group(1), m.group(2)) if m else ("us-east-1", "")


def efs_op(method, path):
    path = urllib.parse.urlparse(path).path
    if not path.startswith(EFS_PREFIX):
        return f"Unknown:{method}"
    parts = path[len(EFS_PREFIX):].strip("/").split("/")
    table = {
        ("GET", "file-systems"): "DescribeFileSystems",
        ("POST", "file-systems"): "CreateFileSystem",
        ("GET", "mount-targets"): "DescribeMountTargets",
        ("POST", "mount-targets"): "CreateMountTarget",
        ("DELETE", "mount-targets"): "DeleteMountTarget",
        ("GET", "security-groups"): "DescribeMountTargetSecurityGroups",
        ("PUT", "security-groups"): "ModifyMountTargetSecurityGroups",
        ("GET", "tags"): "DescribeTags",
        ("POST", "create-tags"): "CreateTags",
    }
    key = parts[-1] if parts[-1] in ("security-groups", "tags", "create-tags") else parts[0]
    return table.get((method, key), f"Unknown:{method}:{parts[0]}")


def now():
    return time.time()


def page(items, body):
    """Real pagination: MaxResults capped by --page-size, opaque NextToken."""
    size = min(int(body.get("MaxResults") or 100), ARGS.page_size)
    start = int(body.get("NextToken") or 0)
    out = {"items": items[start:start + size]}
    if start + size < len(items):
        out["NextToken"] = str(start + size)
    return out


class Reply(Exception):
    def __init__(self, status, body, headers=None):
        self.status, self.body, self.headers = status, body, headers or {}


def sm_error(status, code, message):
    return Reply(status, json.dumps({"__type": code, "message": message}).encode(),
                 {"Content-Type": "application/x-amz-json-1.1"})


def fault_reply(service, op, rule):
    kind = rule["kind"]
    msg = f"stand-in fault {kind} for {service}:{op}"

    def shaped(code, status):
        return rule.get("code", code), int(rule.get("status", status))

    if service == "ec2":
        code, status = shaped(*{"deny": ("UnauthorizedOperation", 403), "throttle": ("RequestLimitExceeded", 503),
                                "error500": ("InternalError", 500)}[kind])
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>{code}</Code>'
                f"<Message>{msg}</Message></Error></Errors><RequestID>{uuid.uuid4()}</RequestID></Response>")
        return Reply(status, body.encode(), {"Content-Type": "text/xml"})
    if service == "sagemaker":
        code, status = shaped(*{"deny": ("AccessDeniedException", 400), "throttle": ("ThrottlingException", 400),
                                "error500": ("InternalFailure", 500)}[kind])
        return sm_error(status, code, msg)
    code, status = shaped(*{"deny": ("AccessDeniedException", 403), "throttle": ("ThrottlingException", 429),
                            "error500": ("InternalServerError", 500)}[kind])
    return Reply(status, json.dumps({"ErrorCode": code, "Message": msg}).encode(),
                 {"Content-Type": "application/json", "x-amzn-ErrorType": code})


class Drop(Exception):
    """Close the connection without answering."""


def check_faults(service, op):
    """Apply the first matching fault rule: raise its answer (or Drop), or
    sleep for a `slow` rule and go on."""
    name = f"{service}:{op}"
    with LOCK:
        rule = None
        for f in FAULTS:
            if f["op"] == name and (f.get("times") is None or f["times"] > 0):
                if f.get("times") is not None:
                    f["times"] -= 1
                rule = dict(f)
                break
    if rule is None:
        return
    if rule["kind"] == "slow":
        time.sleep(int(rule.get("ms", 5000)) / 1000)
        return
    if rule["kind"] == "drop":
        raise Drop()
    raise fault_reply(service, op, rule)


# ---------------------------------------------------------- SageMaker ----

def sagemaker_local(op, body, region):
    """The operations moto lacks; None = forward to moto."""
    d = body.get("DomainId") or body.get("DomainIdEquals")
    with LOCK:
        if op == "CreateUserProfile":
            arn = f"arn:aws:sagemaker:{region}:{ACCOUNT}:user-profile/{d}/{body['UserProfileName']}"
            PROFILES[(d, body["UserProfileName"])] = {
                "DomainId": d, "UserProfileArn": arn, "UserProfileName": body["UserProfileName"],
                "HomeEfsFileSystemUid": str(200000 + len(PROFILES)), "Status": "InService",
                "CreationTime": now(), "LastModifiedTime": now(),
                "UserSettings": body.get("UserSettings", {})}
            return {"UserProfileArn": arn}
        if op == "DescribeUserProfile":
            u = PROFILES.get((d, body["UserProfileName"]))
            if not u:
                raise sm_error(400, "ResourceNotFound", f"User profile {body['UserProfileName']} not found")
            return u
        if op == "ListUserProfiles":
            items = [{k: u[k] for k in ("DomainId", "UserProfileName", "Status", "CreationTime",
                                        "LastModifiedTime")}
                     for (dd, _), u in sorted(PROFILES.items()) if d in (None, dd)]
            r = page(items, body)
            return {"UserProfiles": r["items"], **({"NextToken": r["NextToken"]} if "NextToken" in r else {})}
        if op == "CreateSpace":
            arn = f"arn:aws:sagemaker:{region}:{ACCOUNT}:space/{d}/{body['SpaceName']}"
            SPACES[(d, body["SpaceName"])] = {
                "DomainId": d, "SpaceArn": arn, "SpaceName": body["SpaceName"], "Status": "InService",
                "CreationTime": now(), "LastModifiedTime": now(),
                "SpaceSettings": body.get("SpaceSettings", {}),
                "OwnershipSettings": body.get("OwnershipSettings", {}),
                "SpaceSharingSettings": body.get("SpaceSharingSettings", {})}
            return {"SpaceArn": arn}
        if op == "DescribeSpace":
            s = SPACES.get((d, body["SpaceName"]))
            if not s:
                raise sm_error(400, "ResourceNotFound", f"Space {body['SpaceName']} not found")
            return s
        if op == "ListSpaces":
            items = []
            for (dd, _), s in sorted(SPACES.items()):
                if d not in (None, dd):
                    continue
                items.append({
                    "DomainId": dd, "SpaceName": s["SpaceName"], "Status": s["Status"],
                    "CreationTime": s["CreationTime"], "LastModifiedTime": s["LastModifiedTime"],
                    "SpaceSettingsSummary": {k: v for k, v in s["SpaceSettings"].items() if k == "AppType"},
                    "SpaceSharingSettingsSummary": s["SpaceSharingSettings"],
                    "OwnershipSettingsSummary": s["OwnershipSettings"]})
            r = page(items, body)
            return {"Spaces": r["items"], **({"NextToken": r["NextToken"]} if "NextToken" in r else {})}
        if op == "CreateApp":
            owner = body.get("SpaceName") or body.get("UserProfileName")
            key = (d, owner, body["AppType"], body["AppName"])
            arn = f"arn:aws:sagemaker:{region}:{ACCOUNT}:app/{d}/{owner}/{body['AppType'].lower()}/{body['AppName']}"
            app = {"DomainId": d, "AppType": body["AppType"], "AppName": body["AppName"],
                   "Status": "InService", "CreationTime": now()}
            for k in ("SpaceName", "UserProfileName", "ResourceSpec"):
                if k in body:
                    app[k] = body[k]
            APPS[key] = app
            return {"AppArn": arn}
        if op == "ListApps":
            items = [a for (dd, *_), a in sorted(APPS.items(), key=lambda kv: tuple(map(str, kv[0])))
                     if d in (None, dd)]
            r = page(items, body)
            return {"Apps": r["items"], **({"NextToken": r["NextToken"]} if "NextToken" in r else {})}
        if op in ("DeleteUserProfile", "DeleteSpace", "DeleteApp"):
            return {}
    return None


NFS_PORTS = [(2049, 2049), (988, 988), (1018, 1023)]


def emulate_create_domain(req, resp, region):
    """What SageMaker does besides recording the domain: home EFS, the NFS
    groups, mount targets (one per AZ of the domain subnets)."""
    domain_id = resp["DomainArn"].split("/")[-1]
    ec2, efs = moto_client("ec2", region), moto_client("efs", region)
    vpc = req["VpcId"]

    def group(direction):
        return ec2.create_security_group(
            VpcId=vpc, GroupName=f"security-group-for-{direction}-nfs-{domain_id}",
            Description=f"[DO NOT DELETE] Security Group that allows {direction} NFS traffic for "
                        f"SageMaker Notebooks Domain [{domain_id}]",
            TagSpecifications=[{"ResourceType": "security-group", "Tags": [
                {"Key": "ManagedByAmazonSageMakerResource", "Value": resp["DomainArn"]}]}])["GroupId"]

    inbound, outbound = group("inbound"), group("outbound")
    everything = [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    for g in (inbound, outbound):
        ec2.revoke_security_group_egress(GroupId=g, IpPermissions=everything)
    ec2.authorize_security_group_ingress(GroupId=inbound, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": f, "ToPort": t, "UserIdGroupPairs": [{"GroupId": outbound}]}
        for f, t in NFS_PORTS])
    ec2.authorize_security_group_egress(GroupId=outbound, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": f, "ToPort": t, "UserIdGroupPairs": [{"GroupId": inbound}]}
        for f, t in NFS_PORTS])
    fs = efs.create_file_system(
        CreationToken=f"sagemaker-{domain_id}", PerformanceMode="generalPurpose", Encrypted=True,
        Tags=[{"Key": "ManagedByAmazonSageMakerResource", "Value": resp["DomainArn"]}])["FileSystemId"]
    zones = set()
    for s in ec2.describe_subnets(SubnetIds=req["SubnetIds"])["Subnets"]:
        if s["AvailabilityZone"] not in zones:
            zones.add(s["AvailabilityZone"])
            efs.create_mount_target(FileSystemId=fs, SubnetId=s["SubnetId"], SecurityGroups=[inbound])
    with LOCK:
        DOMAIN_FS[domain_id] = fs


def patch_domain(body):
    with LOCK:
        fs = DOMAIN_FS.get(body.get("DomainId"))
    if fs:
        body["HomeEfsFileSystemId"] = fs
    body.pop("SecurityGroupIdForDomainBoundary", None)
    return body


# ---------------------------------------------------------------- EC2 ----

def local(tag):
    return tag.rsplit("}", 1)[-1]


def child(el, name):
    for c in el:
        if local(c.tag) == name:
            return c
    return None


def emulate_interface_endpoint(form, resp_xml, region):
    """Remember how the endpoint's ENIs look in AWS."""
    if form.get("VpcEndpointType", ["Gateway"])[0] != "Interface":
        return
    root = ET.fromstring(resp_xml)
    ep = next((e for e in root.iter() if local(e.tag) == "vpcEndpoint"), None)
    if ep is None:
        return
    vpce = child(ep, "vpcEndpointId").text
    enis = [i.text for s in ep if local(s.tag) == "networkInterfaceIdSet" for i in s]
    groups = [v[0] for k, v in sorted(form.items()) if k.startswith("SecurityGroupId.")]
    ec2 = moto_client("ec2", region)
    names = {g["GroupId"]: g["GroupName"]
             for g in ec2.describe_security_groups(GroupIds=groups)["SecurityGroups"]} if groups else {}
    for eni in ec2.describe_network_interfaces(NetworkInterfaceIds=enis)["NetworkInterfaces"]:
        cidr = ipaddress.ip_network(ec2.describe_subnets(SubnetIds=[eni["SubnetId"]])["Subnets"][0]["CidrBlock"])
        with LOCK:
            taken = sum(1 for e in ENDPOINT_ENIS.values() if e["subnet"] == eni["SubnetId"])
            ENDPOINT_ENIS[eni["NetworkInterfaceId"]] = {
                "subnet": eni["SubnetId"], "ip": str(cidr[-10 - taken]),
                "groups": [(g, names.get(g, "")) for g in groups],
                "description": f"VPC Endpoint Interface {vpce}"}


def patch_enis(xml_bytes):
    with LOCK:
        fixes = dict(ENDPOINT_ENIS)
    if not fixes:
        return xml_bytes
    ns = re.search(rb'xmlns="([^"]+)"', xml_bytes)
    if ns:
        ET.register_namespace("", ns.group(1).decode())
    root = ET.fromstring(xml_bytes)
    q = f"{{{ns.group(1).decode()}}}" if ns else ""
    changed = False
    for item in root.iter(f"{q}item"):
        idel = child(item, "networkInterfaceId")
        if idel is None or idel.text not in fixes or child(item, "subnetId") is None:
            continue
        fix, changed = fixes[idel.text], True
        for el in item.iter():
            name = local(el.tag)
            if name == "privateIpAddress":
                el.text = fix["ip"]
            elif name == "description" and el in list(item):
                el.text = fix["description"]
            elif name == "interfaceType":
                el.text = "vpc_endpoint"
            elif name == "requesterManaged":
                el.text = "true"
        gs = child(item, "groupSet")
        if gs is not None:
            for g in list(gs):
                gs.remove(g)
            for gid, gname in fix["groups"]:
                it = ET.SubElement(gs, f"{q}item")
                ET.SubElement(it, f"{q}groupId").text = gid
                ET.SubElement(it, f"{q}groupName").text = gname
    if not changed:
        return xml_bytes
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root)


# ------------------------------------------------------------- server ----

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, body, headers):
        self.send_response(status)
        for k, v in headers.items():
            if k.lower() not in ("content-length", "transfer-encoding", "connection", "server", "date"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def admin(self, method, body):
        global FAULTS
        path = urllib.parse.urlparse(self.path).path
        with LOCK:
            if path == "/_standin/faults" and method == "POST":
                FAULTS = json.loads(body or b"{}").get("rules", [])
                return {"ok": True}
            if path == "/_standin/faults" and method == "DELETE":
                FAULTS = []
                return {"ok": True}
            if path == "/_standin/log" and method == "GET":
                return LOG
            if path == "/_standin/log" and method == "DELETE":
                LOG.clear()
                return {"ok": True}
            if path == "/_standin/delay" and method == "POST":
                DELAY["ms"] = int(json.loads(body or b"{}").get("ms", 0))
                return {"ok": True}
            if path == "/_standin/health":
                return {"ok": True}
        raise Reply(404, b'{"error": "no such stand-in hook"}', {"Content-Type": "application/json"})

    def forward(self, method, body):
        conn = http.client.HTTPConnection(MOTO.hostname, MOTO.port, timeout=120)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("connection",)}
        conn.request(method, self.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read()
        out = (r.status, data, dict(r.getheaders()))
        conn.close()
        return out

    def handle_any(self, method):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        entry = None
        try:
            if self.path.startswith("/_standin/"):
                raise Reply(200, json.dumps(self.admin(method, body)).encode(),
                            {"Content-Type": "application/json"})
            region, service = region_of(self.headers)
            form = {}
            if service == "sagemaker":
                op = self.headers.get("X-Amz-Target", ".").split(".", 1)[1]
            elif service == "elasticfilesystem":
                service, op = "efs", efs_op(method, self.path)
            elif service == "ec2":
                form = urllib.parse.parse_qs(body.decode())
                op = form.get("Action", ["Unknown"])[0]
            else:
                op = "Unknown"
            ua = self.headers.get("User-Agent", "") + " " + self.headers.get("x-amz-user-agent", "")
            entry = {"service": service, "op": op,
                     "client": "rust" if "aws-sdk-rust" in ua or "lang/rust" in ua else "other",
                     "detail": form.get("Filter.1.Name", [None])[0], "t0": time.monotonic(), "t1": None}
            with LOCK:
                LOG.append(entry)
            if DELAY["ms"]:
                time.sleep(DELAY["ms"] / 1000)
            check_faults(service, op)
            if service == "sagemaker":
                req = json.loads(body or b"{}")
                mine = sagemaker_local(op, req, region)
                if mine is not None:
                    raise Reply(200, json.dumps(mine).encode(),
                                {"Content-Type": "application/x-amz-json-1.1"})
                status, data, headers = self.forward(method, body)
                if status == 200 and op == "CreateDomain":
                    emulate_create_domain(req, json.loads(data), region)
                if status == 200 and op == "DescribeDomain":
                    data = json.dumps(patch_domain(json.loads(data))).encode()
                raise Reply(status, data, headers)
            status, data, headers = self.forward(method, body)
            if status == 200 and service == "ec2" and op == "CreateVpcEndpoint":
                emulate_interface_endpoint(form, data, region)
            if status == 200 and service == "ec2" and op == "DescribeNetworkInterfaces":
                data = patch_enis(data)
            raise Reply(status, data, headers)
        except Reply as r:
            reply = r
        except Drop:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        except Exception as e:  # a bug here must not look like an AWS answer
            print(f"stand-in error: {type(e).__name__}: {e}", file=sys.stderr, flush=True)
            reply = Reply(599, f"stand-in error: {e}".encode(), {"Content-Type": "text/plain"})
        try:
            self.send(reply.status, reply.body, reply.headers)
        except OSError:
            # The client gave up (a call timeout): nobody to answer.
            self.close_connection = True
        if entry is not None:
            entry["t1"] = time.monotonic()

    def do_GET(self):
        self.handle_any("GET")

    def do_POST(self):
        self.handle_any("POST")

    def do_PUT(self):
        self.handle_any("PUT")

    def do_DELETE(self):
        self.handle_any("DELETE")


if __name__ == "__main__":
    srv = ThreadingHTTPServer(("127.0.0.1", ARGS.port), Handler)
    srv.daemon_threads = True
    print(f"stand-in on 127.0.0.1:{ARGS.port} -> {ARGS.moto}", flush=True)
    srv.serve_forever()
