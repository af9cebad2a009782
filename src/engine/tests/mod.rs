//! One test per AWS semantic rule the engine models, on small hand-written
//! snapshots. `codes.rs` provokes every blocker code; `internet.rs` covers
//! traffic from the internet through an internet gateway.

mod codes;
mod internet;

use std::net::Ipv4Addr;

use serde_json::{json, Value};

use super::*;
use crate::graph::Topology;
use crate::snapshot::Snapshot;

fn rt(kind: &str, id: &str) -> Value {
    if kind == "local" {
        json!({"kind": "local"})
    } else {
        json!({"kind": kind, "id": id})
    }
}

fn route(dst: &str, kind: &str, id: &str) -> Value {
    let d = if dst.starts_with("pl-") {
        json!({"kind": "prefix-list", "value": dst})
    } else {
        json!({"kind": "ipv4", "value": dst})
    };
    json!({"destination": d, "target": rt(kind, id)})
}

fn nacl_allow_all(id: &str, subnets: &[&str]) -> Value {
    json!({"id": id, "vpc_id": "vpc-1", "subnet_ids": subnets, "entries": [
        {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
        {"rule_number": 32767, "egress": true, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"},
        {"rule_number": 100, "egress": false, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
        {"rule_number": 32767, "egress": false, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"}
    ]})
}

/// Two private subnets, an app ENI in a (10.0.1.10, sg-app), a server ENI
/// in b (10.0.2.20, sg-srv), an interface endpoint for sts in b.
fn base() -> Value {
    json!({
        "schema_version": 1,
        "vpcs": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"], "enable_dns_support": true, "enable_dns_hostnames": true}],
        "subnets": [
            {"id": "subnet-a", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24", "availability_zone": "eu-west-1a"},
            {"id": "subnet-b", "vpc_id": "vpc-1", "cidr": "10.0.2.0/24", "availability_zone": "eu-west-1b"},
            {"id": "subnet-pub", "vpc_id": "vpc-1", "cidr": "10.0.9.0/24", "availability_zone": "eu-west-1a"}
        ],
        "route_tables": [
            {"id": "rtb-main", "vpc_id": "vpc-1", "main": true, "routes": [route("10.0.0.0/16", "local", "")]},
            {"id": "rtb-pub", "vpc_id": "vpc-1", "subnet_ids": ["subnet-pub"], "routes": [
                route("10.0.0.0/16", "local", ""), route("0.0.0.0/0", "internet-gateway", "igw-1")]}
        ],
        "network_acls": [nacl_allow_all("acl-all", &["subnet-a", "subnet-b", "subnet-pub"])],
        "security_groups": [
            {"id": "sg-app", "name": "app", "ingress": [], "egress": [{"protocol": "all", "ipv4": ["0.0.0.0/0"]}]},
            {"id": "sg-srv", "name": "srv", "ingress": [{"protocol": 6, "from_port": 443, "to_port": 443, "groups": [{"group_id": "sg-app"}]}], "egress": []},
            {"id": "sg-closed", "name": "closed", "ingress": [], "egress": []}
        ],
        "internet_gateways": [{"id": "igw-1", "vpc_ids": ["vpc-1"]}],
        "network_interfaces": [
            {"id": "eni-app", "subnet_id": "subnet-a", "vpc_id": "vpc-1", "private_ips": [{"address": "10.0.1.10", "primary": true}], "security_group_ids": ["sg-app"]},
            {"id": "eni-srv", "subnet_id": "subnet-b", "vpc_id": "vpc-1", "private_ips": [{"address": "10.0.2.20", "primary": true}], "security_group_ids": ["sg-srv"]},
            {"id": "eni-sts", "subnet_id": "subnet-b", "vpc_id": "vpc-1", "private_ips": [{"address": "10.0.2.30", "primary": true}], "security_group_ids": ["sg-srv"], "interface_type": "vpc_endpoint"}
        ],
        "vpc_endpoints": [
            {"id": "vpce-sts", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.sts", "endpoint_type": "interface", "state": "available",
             "subnet_ids": ["subnet-b"], "security_group_ids": ["sg-srv"], "network_interface_ids": ["eni-sts"], "private_dns_enabled": true}
        ]
    })
}

fn eval_on(snap: Value, src: Source, dst: Target, proto: Protocol, port: u16) -> PathResult {
    let snap: Snapshot = serde_json::from_value(snap).expect("test snapshot");
    let (topo, _) = Topology::build(&snap);
    evaluate(
        &topo,
        &src,
        &dst,
        &FlowSpec {
            protocol: proto,
            dst_ports: PortRange::single(port),
            src_ports: None,
        },
        &Settings::default(),
    )
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn app() -> Source {
    Source::Eni("eni-app".into())
}

fn https(snap: Value, dst: Target) -> PathResult {
    eval_on(snap, app(), dst, Protocol::TCP, 443)
}

fn codes(r: &PathResult) -> Vec<(String, String)> {
    r.blocked_at
        .iter()
        .map(|b| (b.resource.clone(), b.code.as_str().to_string()))
        .collect()
}

#[test]
fn sg_group_reference_admits_members() {
    let r = https(base(), Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    assert!(
        r.path.iter().any(|h| h
            .rule
            .to_string()
            .contains("sg-srv ingress rule 1: tcp 443 from sg-app")),
        "{:?}",
        r.path
    );
}

#[test]
fn sg_ingress_blocks_other_ports() {
    let r = eval_on(
        base(),
        app(),
        Target::Ip(ip("10.0.2.20")),
        Protocol::TCP,
        22,
    );
    assert_eq!(r.verdict, Verdict::Blocked);
    assert_eq!(
        codes(&r),
        vec![("sg-srv".to_string(), "ENI_SG_RULES_MISMATCH".to_string())]
    );
}

#[test]
fn sg_egress_without_rules_is_sg_has_no_rules() {
    let mut s = base();
    s["network_interfaces"][0]["security_group_ids"] = json!(["sg-closed"]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        codes(&r).contains(&("sg-closed".into(), "SG_HAS_NO_RULES".into())),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn ipv6_rules_never_match_ipv4() {
    let mut s = base();
    s["security_groups"][0]["egress"] = json!([{"protocol": "all", "ipv6": ["::/0"]}]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Blocked);
}

#[test]
fn nacl_return_traffic_to_ephemeral_ports_is_checked() {
    let mut s = base();
    // Subnet a admits replies only on 32768-61000: part of 1024-65535.
    s["network_acls"] = json!([
        nacl_allow_all("acl-all", &["subnet-b", "subnet-pub"]),
        {"id": "acl-a", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a"], "entries": [
            {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
            {"rule_number": 100, "egress": false, "protocol": "6", "action": "allow", "cidr": "0.0.0.0/0", "port_range": {"from": 32768, "to": 61000}},
            {"rule_number": 32767, "egress": false, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"}
        ]}
    ]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Partial, "{r:?}");
    let b = &r.blocked_at[0];
    assert_eq!(
        (b.resource.as_str(), b.direction, b.code.as_str()),
        ("acl-a", Direction::Return, "SUBNET_ACL_RESTRICTION")
    );
    assert!(
        r.reachable_part
            .as_ref()
            .unwrap()
            .to_string()
            .contains("32768-61000"),
        "{:?}",
        r.reachable_part
    );
    assert!(!r.return_path.is_empty());
}

#[test]
fn nacls_do_not_apply_within_a_subnet() {
    let mut s = base();
    s["network_acls"] = json!([{"id": "acl-deny", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"], "entries": []}]);
    s["network_interfaces"][1]["subnet_id"] = json!("subnet-a");
    s["network_interfaces"][1]["private_ips"] = json!([{"address": "10.0.1.20", "primary": true}]);
    let r = https(s.clone(), Target::Ip(ip("10.0.1.20")));
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    // ...but they do between subnets, in both directions.
    let r = https(s, Target::Ip(ip("10.0.2.30")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        codes(&r)
            .iter()
            .filter(|(_, c)| c == "SUBNET_ACL_RESTRICTION")
            .count()
            >= 2,
        "{:?}",
        codes(&r)
    );
}

#[test]
fn nacl_deny_before_allow_wins() {
    let mut s = base();
    s["network_acls"] = json!([{"id": "acl-x", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"], "entries": [
        {"rule_number": 50, "egress": true, "protocol": "6", "action": "deny", "cidr": "10.0.2.0/24", "port_range": {"from": 443, "to": 443}},
        {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
        {"rule_number": 100, "egress": false, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"}
    ]}]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        r.path
            .iter()
            .any(|h| h.rule.to_string().contains("rule 50 deny")),
        "{:?}",
        r.path
    );
}

#[test]
fn main_route_table_is_the_fallback_and_no_route_blocks() {
    let r = https(base(), Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert_eq!(
        codes(&r),
        vec![("rtb-main".into(), "NO_ROUTE_TO_DESTINATION".into())]
    );
}

#[test]
fn longest_prefix_wins_and_blackholes_drop() {
    let mut s = base();
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "internet-gateway", "igw-1"),
        {"destination": {"kind": "ipv4", "value": "8.8.8.0/24"}, "target": {"kind": "nat-gateway", "id": "nat-gone"}, "active": false}
    ]);
    s["network_interfaces"][0]["private_ips"][0]["public_ip"] = json!("3.3.3.3");
    let r = https(s.clone(), Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert_eq!(
        codes(&r),
        vec![("rtb-main".into(), "BAD_STATE_ROUTE".into())]
    );
    let r = https(s, Target::Ip(ip("8.8.4.4")));
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
}

#[test]
fn internet_gateway_needs_a_public_address() {
    let mut s = base();
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "internet-gateway", "igw-1")
    ]);
    let r = https(s.clone(), Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert_eq!(
        codes(&r),
        vec![(
            "igw-1".into(),
            "IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS".into()
        )]
    );
    // An Elastic IP association makes it work.
    s["addresses"] = json!([{"public_ip": "3.3.3.3", "private_ip": "10.0.1.10", "network_interface_id": "eni-app"}]);
    let r = https(s, Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
}

fn with_nat(state: &str, nat_subnet_routes_igw: bool) -> Value {
    let mut s = base();
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "nat-gateway", "nat-1")
    ]);
    if !nat_subnet_routes_igw {
        s["route_tables"][1]["routes"] = json!([route("10.0.0.0/16", "local", "")]);
    }
    s["nat_gateways"] = json!([{"id": "nat-1", "vpc_id": "vpc-1", "subnet_id": "subnet-pub", "state": state,
        "addresses": [{"private_ip": "10.0.9.5", "public_ip": "3.4.5.6"}]}]);
    s
}

#[test]
fn nat_gateway_path_reaches_the_internet() {
    let r = https(with_nat("available", true), Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    assert!(r
        .path
        .iter()
        .any(|h| h.resource == "nat-1" && h.decision == crate::findings::Decision::Translate));
    assert!(r.path.iter().any(|h| h.resource == "igw-1"));
}

#[test]
fn nat_gateway_must_be_available_and_route_to_an_igw() {
    let r = https(with_nat("failed", true), Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(codes(&r).contains(&("nat-1".into(), "BAD_STATE".into())));
    let r = https(with_nat("available", false), Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        codes(&r).contains(&("rtb-pub".into(), "NO_ROUTE_TO_DESTINATION".into())),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn nat_subnet_nacl_return_on_nat_ports_is_checked() {
    let mut s = with_nat("available", true);
    s["network_acls"] = json!([
        nacl_allow_all("acl-all", &["subnet-a", "subnet-b"]),
        {"id": "acl-pub", "vpc_id": "vpc-1", "subnet_ids": ["subnet-pub"], "entries": [
            {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"},
            {"rule_number": 100, "egress": false, "protocol": "all", "action": "allow", "cidr": "10.0.0.0/16"},
            {"rule_number": 200, "egress": false, "protocol": "6", "action": "allow", "cidr": "0.0.0.0/0", "port_range": {"from": 32768, "to": 65535}}
        ]}
    ]);
    // Replies reach the NAT on any of its ports 1024-65535: only some are open.
    let r = https(s, Target::Ip(ip("8.8.8.8")));
    assert_ne!(r.verdict, Verdict::Reachable, "{r:?}");
    assert!(
        r.blocked_at
            .iter()
            .any(|b| b.resource == "acl-pub" && b.direction == Direction::Return),
        "{:?}",
        r.blocked_at
    );
}

#[test]
fn interface_endpoint_private_dns_needs_both_vpc_attributes() {
    let svc = Target::Service {
        service: "sts".into(),
        region: "eu-west-1".into(),
    };
    let r = eval_on(base(), app(), svc.clone(), Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    assert!(
        r.path[0].rule.to_string().contains("10.0.2.30"),
        "{:?}",
        r.path[0]
    );

    let mut s = base();
    s["vpcs"][0]["enable_dns_hostnames"] = json!(false);
    let r = eval_on(s, app(), svc.clone(), Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        codes(&r).contains(&("vpc-1".into(), "VPC_DNS_ATTRIBUTES_DISABLED".into())),
        "{:?}",
        codes(&r)
    );

    let mut s = base();
    s["vpc_endpoints"][0]["private_dns_enabled"] = json!(false);
    let r = eval_on(s, app(), svc.clone(), Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        codes(&r).contains(&("vpce-sts".into(), "PRIVATE_DNS_DISABLED".into())),
        "{:?}",
        codes(&r)
    );
}

#[test]
fn custom_dhcp_dns_makes_resolution_unknown() {
    let mut s = base();
    s["vpcs"][0]["dhcp_options_id"] = json!("dopt-1");
    s["dhcp_options"] = json!([{"id": "dopt-1", "domain_name_servers": ["10.0.0.53"]}]);
    let r = eval_on(
        s,
        app(),
        Target::Service {
            service: "sts".into(),
            region: "eu-west-1".into(),
        },
        Protocol::TCP,
        443,
    );
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
    assert!(r.notes.iter().any(|n| n.to_string().contains("DHCP")));
}

#[test]
fn missing_service_endpoint_without_nat_is_blocked() {
    let r = eval_on(
        base(),
        app(),
        Target::Service {
            service: "logs".into(),
            region: "eu-west-1".into(),
        },
        Protocol::TCP,
        443,
    );
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(
        codes(&r).contains(&("vpc-1".into(), "NO_VPC_ENDPOINT".into())),
        "{:?}",
        codes(&r)
    );
    // With a NAT gateway the public service is reachable.
    let r = eval_on(
        with_nat("available", true),
        app(),
        Target::Service {
            service: "logs".into(),
            region: "eu-west-1".into(),
        },
        Protocol::TCP,
        443,
    );
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
}

#[test]
fn s3_gateway_endpoint_by_prefix_list_route() {
    let mut s = base();
    s["prefix_lists"] = json!([{"id": "pl-s3", "name": "com.amazonaws.eu-west-1.s3", "cidrs": ["52.218.0.0/17", "3.5.64.0/21"], "entries_known": true}]);
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("pl-s3", "vpc-endpoint", "vpce-s3")
    ]);
    s["vpc_endpoints"] = json!([{"id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.s3", "endpoint_type": "gateway", "state": "available", "route_table_ids": ["rtb-main"]}]);
    let s3 = Target::Service {
        service: "s3".into(),
        region: "eu-west-1".into(),
    };
    let r = eval_on(s.clone(), app(), s3.clone(), Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    assert!(r
        .path
        .iter()
        .any(|h| h.rule.to_string() == "pl-s3 -> vpce-s3"));
    // An egress rule naming only one S3 CIDR lets part of S3 through.
    s["security_groups"][0]["egress"] =
        json!([{"protocol": 6, "from_port": 443, "to_port": 443, "ipv4": ["52.218.0.0/17"]}]);
    let r = eval_on(s.clone(), app(), s3.clone(), Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Partial, "{r:?}");
    assert!(r
        .reachable_part
        .unwrap()
        .to_string()
        .contains("52.218.0.0/17"));
    // Gateway endpoints carry TCP and ICMP only.
    let r = eval_on(s, app(), s3, Protocol::UDP, 443);
    assert_ne!(r.verdict, Verdict::Reachable);
}

#[test]
fn symbolic_service_addresses_are_proven_by_prefix_list_rules() {
    // Without entries or ip-ranges, S3 is symbolic: an egress rule naming
    // the S3 list admits it for sure; one naming some public CIDR cannot.
    let mut s = base();
    s["prefix_lists"] =
        json!([{"id": "pl-s3", "name": "com.amazonaws.eu-west-1.s3", "entries_known": false}]);
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("pl-s3", "vpc-endpoint", "vpce-s3")
    ]);
    s["vpc_endpoints"] = json!([{"id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.s3", "endpoint_type": "gateway", "state": "available"}]);
    s["security_groups"][0]["egress"] =
        json!([{"protocol": 6, "from_port": 443, "to_port": 443, "prefix_lists": ["pl-s3"]}]);
    let s3 = Target::Service {
        service: "s3".into(),
        region: "eu-west-1".into(),
    };
    let r = eval_on(s.clone(), app(), s3.clone(), Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    s["security_groups"][0]["egress"] =
        json!([{"protocol": 6, "from_port": 443, "to_port": 443, "ipv4": ["52.0.0.0/8"]}]);
    let r = eval_on(s, app(), s3, Protocol::TCP, 443);
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
}

#[test]
fn dangling_references_are_unknown_never_reachable() {
    // A rule naming a group of another account: its members are unknown.
    let mut s = base();
    s["security_groups"][1]["owner_id"] = json!("111111111111");
    s["security_groups"][1]["ingress"][0]["groups"] =
        json!([{"group_id": "sg-gone", "user_id": "222222222222"}]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
    // A rule naming a local group missing from the snapshot matches exactly
    // the ENIs that carry it (issue 2): here none, so blocked.
    let mut s = base();
    s["security_groups"][1]["ingress"][0]["groups"] = json!([{"group_id": "sg-gone"}]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Blocked, "{r:?}");
    // A route to a missing NAT gateway.
    let mut s = base();
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "nat-gateway", "nat-gone")
    ]);
    let r = https(s, Target::Ip(ip("8.8.8.8")));
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
    assert!(codes(&r).contains(&("nat-gone".into(), "UNKNOWN_RESOURCE".into())));
    // A missing ENI security group on the destination.
    let mut s = base();
    s["network_interfaces"][1]["security_group_ids"] = json!(["sg-missing"]);
    let r = https(s, Target::Ip(ip("10.0.2.20")));
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
}

#[test]
fn far_side_outside_the_snapshot_is_unknown() {
    let mut s = base();
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "transit-gateway", "tgw-1")
    ]);
    let r = https(s, Target::Ip(ip("172.31.0.5")));
    assert_eq!(r.verdict, Verdict::Unknown);
    assert!(codes(&r).contains(&("tgw-1".into(), "LEAVES_SNAPSHOT".into())));
}

#[test]
fn virtual_app_enis_reach_each_other_through_a_self_referencing_group() {
    let mut s = base();
    s["security_groups"][0]["ingress"] = json!([{"protocol": 6, "from_port": 8192, "to_port": 65535, "groups": [{"group_id": "sg-app"}]}]);
    let v = |subnet: &str| VirtualEni {
        label: "user-profile alice".into(),
        subnet_id: subnet.into(),
        security_group_ids: vec!["sg-app".into()],
    };
    let snap: Snapshot = serde_json::from_value(s).unwrap();
    let (topo, _) = Topology::build(&snap);
    let flow = FlowSpec {
        protocol: Protocol::TCP,
        dst_ports: PortRange {
            from: 8192,
            to: 65535,
        },
        src_ports: None,
    };
    let r = evaluate(
        &topo,
        &Source::Virtual(v("subnet-a")),
        &Target::Virtual(v("subnet-b")),
        &flow,
        &Settings::default(),
    );
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    // A real ENI without the group in the same subnet is not a member.
    let r = evaluate(
        &topo,
        &Source::Eni("eni-srv".into()),
        &Target::Virtual(v("subnet-a")),
        &flow,
        &Settings::default(),
    );
    assert_eq!(r.verdict, Verdict::Blocked, "{r:?}");
}

#[test]
fn blocked_at_lists_every_component_not_just_the_first() {
    // Both the source's egress and the destination's ingress block 22,
    // and the NACL too: all three are reported.
    let mut s = base();
    s["security_groups"][0]["egress"] =
        json!([{"protocol": 6, "from_port": 443, "to_port": 443, "ipv4": ["0.0.0.0/0"]}]);
    s["network_acls"] = json!([{"id": "acl-443", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a", "subnet-b"], "entries": [
        {"rule_number": 100, "egress": true, "protocol": "6", "action": "allow", "cidr": "0.0.0.0/0", "port_range": {"from": 443, "to": 443}},
        {"rule_number": 100, "egress": false, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"}
    ]}]);
    let r = eval_on(s, app(), Target::Ip(ip("10.0.2.20")), Protocol::TCP, 22);
    assert_eq!(r.verdict, Verdict::Blocked);
    let c = codes(&r);
    assert!(
        c.contains(&("sg-app".into(), "ENI_SG_RULES_MISMATCH".into())),
        "{c:?}"
    );
    assert!(
        c.contains(&("acl-443".into(), "SUBNET_ACL_RESTRICTION".into())),
        "{c:?}"
    );
    assert!(
        c.contains(&("sg-srv".into(), "ENI_SG_RULES_MISMATCH".into())),
        "{c:?}"
    );
}

#[test]
fn protocol_numbers_and_all() {
    let mut s = base();
    s["security_groups"][1]["ingress"] =
        json!([{"protocol": 50, "groups": [{"group_id": "sg-app"}]}]);
    let r = eval_on(
        s.clone(),
        app(),
        Target::Ip(ip("10.0.2.20")),
        Protocol::Number(50),
        0,
    );
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    let r = eval_on(s, app(), Target::Ip(ip("10.0.2.20")), Protocol::All, 0);
    assert_eq!(
        r.verdict,
        Verdict::Partial,
        "only ESP of all protocols: {r:?}"
    );
}

#[test]
fn unowned_address_in_vpc_is_blocked_at_the_vpc() {
    let r = https(base(), Target::Ip(ip("10.0.200.1")));
    assert_eq!(r.verdict, Verdict::Blocked);
    assert_eq!(
        codes(&r),
        vec![("vpc-1".into(), "UNKNOWN_DESTINATION".into())]
    );
}

/// Issue 13: a mount target serves NFS only when `available`.
#[test]
fn a_mount_target_that_is_not_available_does_not_serve_nfs() {
    let with_mt = |state: Option<&str>| {
        let mut s = base();
        s["security_groups"][1]["ingress"] = json!([
            {"protocol": 6, "from_port": 2049, "to_port": 2049, "groups": [{"group_id": "sg-app"}]}]);
        s["network_interfaces"].as_array_mut().unwrap().push(json!(
            {"id": "eni-mt", "subnet_id": "subnet-b", "vpc_id": "vpc-1",
             "private_ips": [{"address": "10.0.2.40", "primary": true}],
             "security_group_ids": ["sg-srv"], "interface_type": "efs"}));
        let mut mt = json!({"id": "fsmt-1", "file_system_id": "fs-1", "subnet_id": "subnet-b",
            "ip_address": "10.0.2.40", "network_interface_id": "eni-mt",
            "security_group_ids": ["sg-srv"]});
        if let Some(st) = state {
            mt["lifecycle_state"] = json!(st);
        }
        s["efs_mount_targets"] = json!([mt]);
        eval_on(
            s,
            app(),
            Target::MountTarget("fsmt-1".into()),
            Protocol::TCP,
            2049,
        )
    };
    assert_eq!(with_mt(Some("available")).verdict, Verdict::Reachable);
    assert_eq!(with_mt(None).verdict, Verdict::Reachable);
    let r = with_mt(Some("deleting"));
    assert_eq!(r.verdict, Verdict::Blocked, "{r:?}");
    assert_eq!(codes(&r), vec![("fsmt-1".into(), "BAD_STATE".into())]);
    assert_eq!(
        r.blocked_at[0].reason.to_string(),
        "fsmt-1 is deleting (must be available)"
    );
}
