//! Traffic from the internet to a public address, through the internet
//! gateway (`devices/igw.rs`): the gateway maps the address to its private
//! one, an edge route table (ingress routing) may send it elsewhere, and
//! the reply must be routed back to the same gateway (issue 13, the
//! line-by-line check of the internet gateway).

use serde_json::{json, Value};

use super::*;
use crate::findings::Decision;

/// `base()` plus a web server in the public subnet: 10.0.9.10 with the
/// public address 3.3.3.10, its group admitting HTTPS from anywhere.
fn with_web() -> Value {
    let mut s = base();
    s["security_groups"].as_array_mut().unwrap().push(json!(
        {"id": "sg-web", "name": "web", "ingress": [{"protocol": 6, "from_port": 443, "to_port": 443, "ipv4": ["0.0.0.0/0"]}], "egress": []}
    ));
    s["network_interfaces"].as_array_mut().unwrap().push(json!(
        {"id": "eni-web", "subnet_id": "subnet-pub", "vpc_id": "vpc-1",
         "private_ips": [{"address": "10.0.9.10", "primary": true, "public_ip": "3.3.3.10"}],
         "security_group_ids": ["sg-web"]}
    ));
    s
}

fn from_internet(s: Value, client: Option<&str>) -> PathResult {
    eval_on(
        s,
        Source::Injected {
            ip: client.map(ip),
            at: InjectAt::Internet,
        },
        Target::Ip(ip("3.3.3.10")),
        Protocol::TCP,
        443,
    )
}

#[test]
fn a_public_address_is_reached_through_the_gateway() {
    let r = from_internet(with_web(), Some("198.51.100.7"));
    assert_eq!(r.verdict, Verdict::Reachable, "{r:?}");
    assert!(r
        .path
        .iter()
        .any(|h| h.resource == "igw-1" && h.decision == Decision::Translate));
    assert_eq!(r.path.last().map(|h| h.resource.as_str()), Some("eni-web"));
}

#[test]
fn the_reply_must_be_routed_to_the_same_gateway() {
    // The public subnet's default route goes to a NAT gateway: the reply
    // would leave translated, so the connection never completes.
    let mut s = with_web();
    s["route_tables"][1]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "nat-gateway", "nat-1")
    ]);
    let r = from_internet(s.clone(), Some("198.51.100.7"));
    assert_eq!(r.verdict, Verdict::Blocked, "{r:?}");
    let b = &r.blocked_at[0];
    assert_eq!(
        (b.resource.as_str(), b.code, b.direction),
        ("rtb-pub", Code::NoRouteToDestination, Direction::Return)
    );
    assert!(
        b.reason.to_string().contains("to nat-1, not to igw-1"),
        "{}",
        b.reason
    );

    // No route back at all.
    s["route_tables"][1]["routes"] = json!([route("10.0.0.0/16", "local", "")]);
    let r = from_internet(s.clone(), Some("198.51.100.7"));
    assert_eq!(r.verdict, Verdict::Blocked, "{r:?}");
    assert!(r.blocked_at[0]
        .reason
        .to_string()
        .contains("has no route for replies"));

    // Replies routed to the gateway for one client range only: the other
    // clients are cut off, so from any address the answer is partial.
    s["route_tables"][1]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("198.51.100.0/24", "internet-gateway", "igw-1")
    ]);
    assert_eq!(
        from_internet(s.clone(), Some("198.51.100.7")).verdict,
        Verdict::Reachable
    );
    let r = from_internet(s, None);
    assert_eq!(r.verdict, Verdict::Partial, "{r:?}");
}

#[test]
fn an_edge_route_table_to_a_middlebox_makes_inbound_unknown() {
    // Ingress routing sends the public subnet's traffic to a firewall
    // appliance first: its far side is not modelled.
    let mut s = with_web();
    s["route_tables"].as_array_mut().unwrap().push(json!(
        {"id": "rtb-edge", "vpc_id": "vpc-1", "gateway_ids": ["igw-1"], "routes": [
            route("10.0.0.0/16", "local", ""),
            route("10.0.9.0/24", "network-interface", "eni-app")]}
    ));
    let r = from_internet(s.clone(), Some("198.51.100.7"));
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
    assert_eq!(
        codes(&r),
        vec![("rtb-edge".into(), "LEAVES_SNAPSHOT".into())]
    );
    // An edge table whose route for the address is `local` changes nothing.
    s["route_tables"][2]["routes"] = json!([route("10.0.0.0/16", "local", "")]);
    assert_eq!(
        from_internet(s, Some("198.51.100.7")).verdict,
        Verdict::Reachable
    );
}

#[test]
fn a_reply_routed_to_a_target_that_is_not_modelled_is_unknown() {
    // Inspection designs route the public subnet's replies to a firewall
    // appliance that hands them to the gateway: the engine cannot tell.
    let mut s = with_web();
    s["route_tables"][1]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("0.0.0.0/0", "network-interface", "eni-app")
    ]);
    let r = from_internet(s, Some("198.51.100.7"));
    assert_eq!(r.verdict, Verdict::Unknown, "{r:?}");
    assert_eq!(
        codes(&r),
        vec![("rtb-pub".into(), "LEAVES_SNAPSHOT".into())]
    );
}
