//! Each blocker code gives its command, with the snapshot's ids. The
//! blockers come from the real engine (`run_queries`) wherever it produces
//! the code, so the fixes are tested against the engine's own wording.

use serde_json::{json, Value};

use super::*;
use crate::engine::{Settings, Verdict};
use crate::findings::Code;
use crate::query::{builtin_queries, run_queries, Filters};
use crate::report::QueryResult;
use crate::snapshot::Snapshot;

/// A VpcOnly domain d-1 in vpc-1 with subnets a (10.0.1.0/24) and b
/// (10.0.2.0/24), each with its own allow-all NACL; one route table; the
/// apps' group sg-app; a sagemaker.api endpoint in subnet a only (so that
/// flows from b cross both NACLs); the NFS pair; fs-1 with a mount target
/// in a.
fn base() -> Value {
    let allow_all = |id: &str, subnet: &str| {
        json!({"id": id, "vpc_id": "vpc-1", "subnet_ids": [subnet], "entries": [
            {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
            {"rule_number": 32767, "egress": true, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"},
            {"rule_number": 100, "egress": false, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
            {"rule_number": 32767, "egress": false, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"}
        ]})
    };
    json!({
        "schema_version": 1,
        "vpcs": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"],
                  "enable_dns_support": true, "enable_dns_hostnames": true}],
        "subnets": [
            {"id": "subnet-a", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24", "availability_zone": "eu-west-1a"},
            {"id": "subnet-b", "vpc_id": "vpc-1", "cidr": "10.0.2.0/24", "availability_zone": "eu-west-1b"},
            {"id": "subnet-pub", "vpc_id": "vpc-1", "cidr": "10.0.9.0/24", "availability_zone": "eu-west-1a"}
        ],
        "route_tables": [
            {"id": "rtb-1", "vpc_id": "vpc-1", "main": true, "routes": [
                {"destination": {"kind": "ipv4", "value": "10.0.0.0/16"}, "target": {"kind": "local"}}]},
            {"id": "rtb-pub", "vpc_id": "vpc-1", "subnet_ids": ["subnet-pub"], "routes": [
                {"destination": {"kind": "ipv4", "value": "10.0.0.0/16"}, "target": {"kind": "local"}},
                {"destination": {"kind": "ipv4", "value": "0.0.0.0/0"}, "target": {"kind": "internet-gateway", "id": "igw-1"}}]}
        ],
        "network_acls": [allow_all("acl-a", "subnet-a"), allow_all("acl-b", "subnet-b"), allow_all("acl-pub", "subnet-pub")],
        "internet_gateways": [{"id": "igw-1", "vpc_ids": ["vpc-1"]}],
        "security_groups": [
            {"id": "sg-app", "name": "studio-app", "vpc_id": "vpc-1",
             "ingress": [{"protocol": 6, "from_port": 8192, "to_port": 65535, "groups": [{"group_id": "sg-app"}]}],
             "egress": [{"protocol": "all", "ipv4": ["0.0.0.0/0"]}]},
            {"id": "sg-vpce", "name": "vpce", "vpc_id": "vpc-1",
             "ingress": [{"protocol": 6, "from_port": 443, "to_port": 443, "groups": [{"group_id": "sg-app"}]}],
             "egress": []},
            {"id": "sg-in", "name": "security-group-for-inbound-nfs-d-1", "vpc_id": "vpc-1",
             "ingress": [{"protocol": 6, "from_port": 2049, "to_port": 2049, "groups": [{"group_id": "sg-out"}]}],
             "egress": []},
            {"id": "sg-out", "name": "security-group-for-outbound-nfs-d-1", "vpc_id": "vpc-1",
             "ingress": [],
             "egress": [{"protocol": 6, "from_port": 2049, "to_port": 2049, "groups": [{"group_id": "sg-in"}]}]},
            {"id": "sg-default", "name": "default", "vpc_id": "vpc-1",
             "ingress": [{"protocol": "all", "groups": [{"group_id": "sg-default"}]}],
             "egress": [{"protocol": "all", "ipv4": ["0.0.0.0/0"]}]}
        ],
        "prefix_lists": [{"id": "pl-s3", "name": "com.amazonaws.eu-west-1.s3", "entries_known": true,
                          "cidrs": ["52.218.0.0/17"]}],
        "vpc_endpoints": [
            {"id": "vpce-api", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.sagemaker.api",
             "endpoint_type": "interface", "state": "available", "subnet_ids": ["subnet-a"],
             "security_group_ids": ["sg-vpce"], "network_interface_ids": ["eni-api-a"], "private_dns_enabled": true}
        ],
        "network_interfaces": [
            {"id": "eni-api-a", "subnet_id": "subnet-a", "vpc_id": "vpc-1", "interface_type": "vpc_endpoint",
             "private_ips": [{"address": "10.0.1.10", "primary": true}], "security_group_ids": ["sg-vpce"]},
            {"id": "eni-mt-a", "subnet_id": "subnet-a", "vpc_id": "vpc-1", "interface_type": "efs",
             "private_ips": [{"address": "10.0.1.20", "primary": true}], "security_group_ids": ["sg-in"]}
        ],
        "efs_file_systems": [{"id": "fs-1"}],
        "efs_mount_targets": [{"id": "fsmt-a", "file_system_id": "fs-1", "subnet_id": "subnet-a",
            "availability_zone": "eu-west-1a", "ip_address": "10.0.1.20", "network_interface_id": "eni-mt-a",
            "security_group_ids": ["sg-in"]}],
        "domains": [{"id": "d-1", "arn": "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1", "described": true,
            "app_network_access_type": "VpcOnly", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"],
            "home_efs_file_system_id": "fs-1", "default_user_settings": {"security_groups": ["sg-app"]}}]
    })
}

/// Find the element of `list` (an array under `key`) with this id.
fn item<'a>(v: &'a mut Value, key: &str, id: &str) -> &'a mut Value {
    v[key]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|x| x["id"] == id)
        .unwrap_or_else(|| panic!("{key} {id}"))
}

/// The results of one query from the default-user-settings source in
/// `subnet`, with fixes applied.
fn results(v: Value, query: &str) -> Vec<QueryResult> {
    let snap: Snapshot = serde_json::from_value(v).unwrap();
    let (topo, _) = Topology::build(&snap);
    let queries = builtin_queries().unwrap();
    let filters = Filters {
        domain_ids: vec![],
        query_ids: vec![query.to_string()],
    };
    let mut r = run_queries(&snap, &topo, &queries, &Settings::default(), &filters);
    apply(&topo, &queries, &Settings::default(), &mut r);
    r
}

fn from(results: &[QueryResult], subnet: &str) -> QueryResult {
    results
        .iter()
        .find(|r| r.source.kind == "default-user-settings" && r.source.subnet_id == subnet)
        .cloned()
        .unwrap_or_else(|| panic!("no result from {subnet}: {results:#?}"))
}

fn codes(r: &QueryResult) -> Vec<Code> {
    r.blocked_at.iter().map(|b| b.code).collect()
}

fn commands(r: &QueryResult) -> Vec<&str> {
    r.fixes
        .iter()
        .flat_map(|f| f.commands.iter().map(String::as_str))
        .collect()
}

#[test]
fn healthy_base_needs_no_fix() {
    let r = from(&results(base(), "sagemaker-api"), "subnet-b");
    assert_eq!(r.verdict, Verdict::Reachable, "{r:#?}");
    assert!(r.fixes.is_empty());
}

#[test]
fn sg_ingress_on_the_endpoint_group_admits_the_app_group() {
    let mut v = base();
    item(&mut v, "security_groups", "sg-vpce")["ingress"] =
        json!([{"protocol": 6, "from_port": 443, "to_port": 443, "ipv4": ["10.0.1.0/24"]}]);
    let r = from(&results(v, "sagemaker-api"), "subnet-b");
    assert_eq!(codes(&r), [Code::EniSgRulesMismatch]);
    assert_eq!(
        commands(&r),
        ["aws ec2 authorize-security-group-ingress --group-id sg-vpce --ip-permissions \
          'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-app}]' --region eu-west-1"]
    );
    assert_eq!(
        r.fixes[0].summary,
        "Allow tcp 443 from sg-app into sg-vpce (vpce-api)"
    );
}

#[test]
fn sg_egress_of_the_app_group_opens_to_the_destination() {
    let mut v = base();
    item(&mut v, "security_groups", "sg-app")["egress"] = json!([{"protocol": 6, "from_port": 8192, "to_port": 65535, "groups": [{"group_id": "sg-app"}]}]);
    let r = from(&results(v.clone(), "sagemaker-api"), "subnet-a");
    assert_eq!(codes(&r), [Code::EniSgRulesMismatch]);
    assert_eq!(
        commands(&r),
        ["aws ec2 authorize-security-group-egress --group-id sg-app --ip-permissions \
          'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-vpce}]' --region eu-west-1"]
    );
    // S3 through a routed gateway endpoint: egress to the prefix list.
    v["vpc_endpoints"].as_array_mut().unwrap().push(json!({
        "id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.s3",
        "endpoint_type": "gateway", "state": "available", "route_table_ids": ["rtb-1"]}));
    item(&mut v, "route_tables", "rtb-1")["routes"].as_array_mut().unwrap().push(json!(
        {"destination": {"kind": "prefix-list", "value": "pl-s3"}, "target": {"kind": "vpc-endpoint", "id": "vpce-s3"}}));
    let r = from(&results(v, "s3"), "subnet-a");
    assert!(codes(&r).contains(&Code::EniSgRulesMismatch), "{r:#?}");
    assert!(
        commands(&r).contains(
            &"aws ec2 authorize-security-group-egress --group-id sg-app --ip-permissions \
              'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId=pl-s3}]' --region eu-west-1"
        ),
        "{:#?}",
        r.fixes
    );
}

#[test]
fn mount_target_without_the_inbound_nfs_group_gets_it() {
    let mut v = base();
    item(&mut v, "efs_mount_targets", "fsmt-a")["security_group_ids"] = json!(["sg-default"]);
    item(&mut v, "network_interfaces", "eni-mt-a")["security_group_ids"] = json!(["sg-default"]);
    let r = from(&results(v, "efs-nfs"), "subnet-a");
    assert_eq!(codes(&r), [Code::EniSgRulesMismatch]);
    assert_eq!(
        commands(&r),
        ["aws efs modify-mount-target-security-groups --mount-target-id fsmt-a --security-groups sg-default sg-in \
          --region eu-west-1"]
    );
}

#[test]
fn missing_mount_target_is_created_with_the_inbound_nfs_group() {
    let r = from(&results(base(), "efs-nfs"), "subnet-b");
    assert_eq!(codes(&r), [Code::EfsNoMountTargetInAz]);
    assert_eq!(
        commands(&r),
        ["aws efs create-mount-target --file-system-id fs-1 --subnet-id subnet-b --security-groups sg-in \
          --region eu-west-1"]
    );
}

#[test]
fn nacl_return_rule_is_widened() {
    let mut v = base();
    item(&mut v, "network_acls", "acl-b")["entries"] = json!([
        {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
        {"rule_number": 32767, "egress": true, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"},
        {"rule_number": 100, "egress": false, "protocol": 6, "action": "allow", "cidr": "0.0.0.0/0",
         "port_range": {"from": 32768, "to": 61000}},
        {"rule_number": 32767, "egress": false, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"}
    ]);
    let r = from(&results(v, "sagemaker-api"), "subnet-b");
    assert_eq!(r.verdict, Verdict::Partial, "{r:#?}");
    assert_eq!(codes(&r), [Code::SubnetAclRestriction]);
    assert_eq!(
        commands(&r),
        ["aws ec2 replace-network-acl-entry --network-acl-id acl-b --ingress --rule-number 100 --protocol tcp \
          --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow --region eu-west-1"]
    );
    assert_eq!(
        r.fixes[0].summary,
        "Allow the replies (tcp 1024-65535 from 10.0.1.0/24) in acl-b inbound rules"
    );
}

#[test]
fn nacl_entry_is_added_before_the_deny_that_catches_the_flow() {
    let mut v = base();
    item(&mut v, "network_acls", "acl-a")["entries"] = json!([
        {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
        {"rule_number": 32767, "egress": true, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"},
        {"rule_number": 100, "egress": false, "protocol": "all", "action": "allow", "cidr": "10.0.1.0/24"},
        {"rule_number": 200, "egress": false, "protocol": "all", "action": "deny", "cidr": "10.0.0.0/8"},
        {"rule_number": 32767, "egress": false, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"}
    ]);
    let r = from(&results(v, "sagemaker-api"), "subnet-b");
    assert_eq!(r.verdict, Verdict::Blocked, "{r:#?}");
    assert_eq!(codes(&r), [Code::SubnetAclRestriction]);
    assert_eq!(
        commands(&r),
        ["aws ec2 create-network-acl-entry --network-acl-id acl-a --ingress --rule-number 110 --protocol tcp \
          --port-range From=443,To=443 --cidr-block 10.0.2.0/24 --rule-action allow --region eu-west-1"]
    );
}

#[test]
fn s3_route_comes_from_the_gateway_endpoint() {
    let mut v = base();
    v["vpc_endpoints"].as_array_mut().unwrap().push(json!({
        "id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.s3",
        "endpoint_type": "gateway", "state": "available", "route_table_ids": []}));
    let r = from(&results(v, "s3"), "subnet-a");
    assert_eq!(codes(&r), [Code::NoRouteToDestination]);
    assert_eq!(
        commands(&r),
        ["aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-s3 --add-route-table-ids rtb-1 --region eu-west-1"]
    );
}

#[test]
fn s3_without_any_endpoint_gets_a_gateway_endpoint_once() {
    let r = from(&results(base(), "s3"), "subnet-a");
    let mut c = codes(&r);
    c.sort();
    assert_eq!(c, [Code::NoRouteToDestination, Code::NoVpcEndpoint]);
    assert_eq!(
        commands(&r),
        [
            "aws ec2 create-vpc-endpoint --vpc-id vpc-1 --vpc-endpoint-type Gateway \
          --service-name com.amazonaws.eu-west-1.s3 --route-table-ids rtb-1 --region eu-west-1"
        ]
    );
}

#[test]
fn missing_interface_endpoint_reuses_the_endpoint_group() {
    let r = from(&results(base(), "logs"), "subnet-a");
    let mut c = codes(&r);
    c.sort();
    assert_eq!(c, [Code::NoRouteToDestination, Code::NoVpcEndpoint]);
    // No NAT gateway: the route is not a fix of its own.
    assert_eq!(
        commands(&r),
        ["aws ec2 create-vpc-endpoint --vpc-id vpc-1 --vpc-endpoint-type Interface \
          --service-name com.amazonaws.eu-west-1.logs --subnet-ids subnet-a subnet-b --security-group-ids sg-vpce \
          --private-dns-enabled --region eu-west-1"]
    );
}

#[test]
fn missing_interface_endpoint_without_endpoint_group_creates_one() {
    let mut v = base();
    v["vpc_endpoints"] = json!([]);
    let r = from(&results(v, "sts"), "subnet-a");
    assert_eq!(
        commands(&r),
        [
            "aws ec2 create-security-group --group-name sagemaker-studio-vpc-endpoints \
             --description 'HTTPS from SageMaker Studio apps to VPC interface endpoints' --vpc-id vpc-1 --region eu-west-1",
            "aws ec2 authorize-security-group-ingress --group-id <endpoint-sg-id> --ip-permissions \
             'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-app}]' --region eu-west-1",
            "aws ec2 create-vpc-endpoint --vpc-id vpc-1 --vpc-endpoint-type Interface \
             --service-name com.amazonaws.eu-west-1.sts --subnet-ids subnet-a subnet-b \
             --security-group-ids <endpoint-sg-id> --private-dns-enabled --region eu-west-1",
        ]
    );
}

#[test]
fn private_dns_is_enabled() {
    let mut v = base();
    item(&mut v, "vpc_endpoints", "vpce-api")["private_dns_enabled"] = json!(false);
    let r = from(&results(v, "sagemaker-api"), "subnet-a");
    assert!(codes(&r).contains(&Code::PrivateDnsDisabled), "{r:#?}");
    assert_eq!(
        commands(&r),
        ["aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-api --private-dns-enabled --region eu-west-1"]
    );
}

#[test]
fn vpc_dns_attributes_are_turned_on() {
    let mut v = base();
    item(&mut v, "vpcs", "vpc-1")["enable_dns_hostnames"] = json!(false);
    let r = from(&results(v, "sagemaker-api"), "subnet-a");
    assert!(
        codes(&r).contains(&Code::VpcDnsAttributesDisabled),
        "{r:#?}"
    );
    assert_eq!(
        commands(&r),
        [
            r#"aws ec2 modify-vpc-attribute --vpc-id vpc-1 --enable-dns-hostnames '{"Value":true}' --region eu-west-1"#
        ]
    );
}

/// subnet a routes 0.0.0.0/0 through `target`; nat-1 lives in subnet-pub.
fn with_default_route(target: Value, nat_state: &str) -> Value {
    let mut v = base();
    v["nat_gateways"] = json!([{"id": "nat-1", "vpc_id": "vpc-1", "subnet_id": "subnet-pub", "state": nat_state,
        "addresses": [{"private_ip": "10.0.9.5", "public_ip": "203.0.113.5", "allocation_id": "eipalloc-1"}]}]);
    v["route_tables"].as_array_mut().unwrap().push(json!({
        "id": "rtb-a", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a"], "routes": [
            {"destination": {"kind": "ipv4", "value": "10.0.0.0/16"}, "target": {"kind": "local"}},
            {"destination": {"kind": "ipv4", "value": "0.0.0.0/0"}, "target": target}]}));
    v
}

#[test]
fn internet_gateway_route_of_an_app_subnet_goes_through_nat() {
    let v = with_default_route(
        json!({"kind": "internet-gateway", "id": "igw-1"}),
        "available",
    );
    let r = from(&results(v, "logs"), "subnet-a");
    assert!(
        codes(&r).contains(&Code::IgwPublicIpAssociationForEgress),
        "{r:#?}"
    );
    assert!(
        commands(&r).contains(
            &"aws ec2 replace-route --route-table-id rtb-a --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1 \
              --region eu-west-1"
        ),
        "{:#?}",
        r.fixes
    );
}

#[test]
fn failed_nat_gateway_is_replaced() {
    let v = with_default_route(json!({"kind": "nat-gateway", "id": "nat-1"}), "failed");
    let r = from(&results(v, "logs"), "subnet-a");
    assert!(codes(&r).contains(&Code::BadState), "{r:#?}");
    let c = commands(&r);
    assert!(
        c.contains(&"aws ec2 create-nat-gateway --subnet-id subnet-pub --allocation-id eipalloc-1 --region eu-west-1"),
        "{c:#?}"
    );
    assert!(
        c.contains(
            &"aws ec2 replace-route --route-table-id rtb-a --destination-cidr-block 0.0.0.0/0 \
              --nat-gateway-id <new-nat-id> --region eu-west-1"
        ),
        "{c:#?}"
    );
}

#[test]
fn unavailable_endpoint_is_recreated() {
    let mut v = base();
    item(&mut v, "vpc_endpoints", "vpce-api")["state"] = json!("failed");
    v["nat_gateways"] = json!([]);
    let snap: Snapshot = serde_json::from_value(v).unwrap();
    let (topo, _) = Topology::build(&snap);
    // The resolver skips an endpoint that is not available, so give the
    // fix the blocker the engine raises on one it routes through.
    let mut r = from(
        &results(serde_json::to_value(&snap).unwrap(), "sagemaker-api"),
        "subnet-a",
    );
    r.blocked_at = vec![Blocker {
        resource: "vpce-api".into(),
        kind: crate::findings::Kind::VpcEndpoint,
        direction: Direction::Forward,
        code: Code::BadState,
        reason: crate::findings::Why::State {
            id: "vpce-api".into(),
            state: "failed".into(),
        }
        .into(),
    }];
    let f = for_result(
        &topo,
        &builtin_queries().unwrap(),
        PortRange {
            from: 1024,
            to: 65535,
        },
        &r,
    );
    assert_eq!(
        f[0].commands,
        [
            "aws ec2 delete-vpc-endpoints --vpc-endpoint-ids vpce-api --region eu-west-1",
            "aws ec2 create-vpc-endpoint --vpc-id vpc-1 --vpc-endpoint-type Interface \
             --service-name com.amazonaws.eu-west-1.sagemaker.api --subnet-ids subnet-a --security-group-ids sg-vpce \
             --private-dns-enabled --region eu-west-1",
        ]
    );
}

#[test]
fn blackhole_default_route_is_pointed_at_a_live_nat() {
    let mut v = with_default_route(
        json!({"kind": "nat-gateway", "id": "nat-gone"}),
        "available",
    );
    item(&mut v, "route_tables", "rtb-a")["routes"][1]["active"] = json!(false);
    let r = from(&results(v, "logs"), "subnet-a");
    assert!(codes(&r).contains(&Code::BadStateRoute), "{r:#?}");
    assert!(
        commands(&r).contains(
            &"aws ec2 replace-route --route-table-id rtb-a --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1 \
              --region eu-west-1"
        ),
        "{:#?}",
        r.fixes
    );
}

#[test]
fn detached_internet_gateway_is_attached() {
    let mut v = with_default_route(
        json!({"kind": "internet-gateway", "id": "igw-2"}),
        "available",
    );
    v["internet_gateways"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "igw-2", "vpc_ids": []}));
    let r = from(&results(v, "logs"), "subnet-a");
    assert!(codes(&r).contains(&Code::UnassociatedComponent), "{r:#?}");
    assert!(
        commands(&r).contains(&"aws ec2 attach-internet-gateway --internet-gateway-id igw-2 --vpc-id vpc-1 --region eu-west-1"),
        "{:#?}",
        r.fixes
    );
}

#[test]
fn missing_data_is_captured() {
    let mut v = base();
    item(&mut v, "efs_mount_targets", "fsmt-a")
        .as_object_mut()
        .unwrap()
        .remove("security_group_ids");
    item(&mut v, "network_interfaces", "eni-mt-a")["security_group_ids"] = json!([]);
    v["network_interfaces"]
        .as_array_mut()
        .unwrap()
        .retain(|e| e["id"] != "eni-mt-a");
    item(&mut v, "efs_mount_targets", "fsmt-a")
        .as_object_mut()
        .unwrap()
        .remove("network_interface_id");
    let r = from(&results(v, "efs-nfs"), "subnet-a");
    assert_eq!(r.verdict, Verdict::Unknown, "{r:#?}");
    assert!(codes(&r).contains(&Code::UnknownResource), "{r:#?}");
    assert_eq!(
        commands(&r),
        ["aws efs describe-mount-target-security-groups --mount-target-id fsmt-a --region eu-west-1"]
    );
}

#[test]
fn flows_leaving_the_snapshot_get_no_invented_fix() {
    let v = with_default_route(
        json!({"kind": "transit-gateway", "id": "tgw-1"}),
        "available",
    );
    let r = from(&results(v, "logs"), "subnet-a");
    assert!(codes(&r).contains(&Code::LeavesSnapshot), "{r:#?}");
    assert!(
        r.fixes.iter().all(|f| !f.summary.contains("tgw-1")),
        "{:#?}",
        r.fixes
    );
    // The endpoint fix for NO_VPC_ENDPOINT is still there.
    assert!(
        commands(&r)
            .iter()
            .any(|c| c.contains("create-vpc-endpoint")),
        "{:#?}",
        r.fixes
    );
}

#[test]
fn undescribed_domain_is_described() {
    let mut v = base();
    let d = &mut v["domains"][0];
    *d = json!({"id": "d-1", "arn": d["arn"].clone(), "described": false});
    let r = results(v, "efs-nfs");
    assert!(!r.is_empty());
    for x in &r {
        assert_eq!(x.verdict, Verdict::Unknown);
        assert_eq!(
            commands(x),
            ["aws sagemaker describe-domain --domain-id d-1 --region eu-west-1"],
            "{x:#?}"
        );
    }
}

#[test]
fn passing_and_not_applicable_results_carry_no_fix() {
    let mut v = base();
    v["domains"][0]["app_network_access_type"] = json!("PublicInternetOnly");
    for q in ["logs", "efs-nfs"] {
        for r in results(v.clone(), q) {
            if !r.verdict.is_failure() {
                assert!(r.fixes.is_empty(), "{r:#?}");
            }
        }
    }
}

#[test]
fn rule_numbers() {
    let e = |n: u32, action: &str| -> NaclEntry {
        serde_json::from_value(json!({"rule_number": n, "egress": false, "protocol": "all",
            "action": action, "cidr": "0.0.0.0/0"}))
        .unwrap()
    };
    let peer: Ipv4Net = "10.0.2.0/24".parse().unwrap();
    let all = [e(100, "allow"), e(200, "allow"), e(32767, "deny")];
    let used = [100, 200, 32767];
    let tcp = PortRange::single(443);
    assert_eq!(
        free_rule_number(&all, &used, false, Protocol::TCP, tcp, &peer),
        Some(210)
    );
    // Crowded below the deny: the highest free number.
    let all = [e(1, "allow"), e(2, "deny")];
    assert_eq!(
        free_rule_number(&all, &[1, 2], false, Protocol::TCP, tcp, &peer),
        None
    );
    let all = [e(8, "allow"), e(9, "deny")];
    assert_eq!(
        free_rule_number(&all, &[8, 9], false, Protocol::TCP, tcp, &peer),
        Some(7)
    );
}

/// Issue 13: the route commands that send a table's internet traffic to a
/// NAT gateway name routes AWS will accept: `replace-route` for a
/// 0.0.0.0/0 route that exists (a blackhole included), `create-route`
/// when there is none, and the more specific route that wins the internet
/// lookup over 0.0.0.0/0 replaced as well.
#[test]
fn nat_route_commands_replace_only_routes_that_exist_issue_13() {
    let route = |dst: &str, target: Value| json!({"destination": {"kind": "ipv4", "value": dst}, "target": target});
    let local = route("10.0.0.0/16", json!({"kind": "local"}));
    let with = |routes: Value| -> (String, Vec<String>) {
        let mut v = base();
        v["route_tables"][0]["routes"] = routes;
        v["nat_gateways"] = json!([{"id": "nat-1", "vpc_id": "vpc-1", "subnet_id": "subnet-pub",
            "state": "available", "connectivity_type": "public",
            "addresses": [{"private_ip": "10.0.9.5", "public_ip": "3.4.5.6"}]}]);
        let snap: Snapshot = serde_json::from_value(v).unwrap();
        let (topo, _) = crate::graph::Topology::build(&snap);
        let domain = snap.domains[0].clone();
        recipes::nat_default_route(&topo, &domain, "vpc-1", "rtb-1", None)
    };
    // No route to the internet: create it.
    let (_, cmds) = with(json!([local.clone()]));
    assert_eq!(
        cmds,
        ["aws ec2 create-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1"]
    );
    // A blackhole 0.0.0.0/0 (its NAT gateway deleted): replace it.
    let mut hole = route(
        "0.0.0.0/0",
        json!({"kind": "nat-gateway", "id": "nat-gone"}),
    );
    hole["active"] = json!(false);
    let (_, cmds) = with(json!([local.clone(), hole]));
    assert_eq!(
        cmds,
        ["aws ec2 replace-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1"]
    );
    // 128.0.0.0/1 to the internet gateway wins over 0.0.0.0/0 for half
    // the internet: both are pointed at the NAT gateway.
    let (summary, cmds) = with(json!([
        local,
        route(
            "0.0.0.0/0",
            json!({"kind": "internet-gateway", "id": "igw-1"})
        ),
        route(
            "128.0.0.0/1",
            json!({"kind": "internet-gateway", "id": "igw-1"})
        )
    ]));
    assert_eq!(summary, "Route 0.0.0.0/0 and 128.0.0.0/1 of rtb-1 to nat-1");
    assert_eq!(
        cmds,
        [
            "aws ec2 replace-route --route-table-id rtb-1 --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1",
            "aws ec2 replace-route --route-table-id rtb-1 --destination-cidr-block 128.0.0.0/1 --nat-gateway-id nat-1"
        ]
    );
}
