//! Every blocker code, provoked by the device that produces it.

use serde_json::json;

use super::*;

/// A flow that makes the engine give `code`, with the component that must
/// be named; `None` for the codes decided outside the engine (with the
/// test that provokes them there). The match is exhaustive: a new code
/// cannot be added without a case here (issue 13: every Reachability
/// Analyzer code a device lists is provoked by a test).
fn provoke(code: Code) -> Option<(PathResult, &'static str)> {
    let svc = |service: &str| Target::Service {
        service: service.into(),
        region: "eu-west-1".into(),
    };
    let with_routes = |routes: Value| {
        let mut s = base();
        s["route_tables"][0]["routes"] = routes;
        s
    };
    let s3_gateway = |state: &str| {
        let mut s = with_routes(json!([
            route("10.0.0.0/16", "local", ""),
            route("pl-s3", "vpc-endpoint", "vpce-s3")
        ]));
        s["prefix_lists"] = json!([{"id": "pl-s3", "name": "com.amazonaws.eu-west-1.s3", "cidrs": ["52.218.0.0/17"], "entries_known": true}]);
        s["vpc_endpoints"] = json!([{"id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.s3", "endpoint_type": "gateway", "state": state}]);
        s
    };
    Some(match code {
        Code::BadState => (
            https(with_nat("failed", true), Target::Ip(ip("8.8.8.8"))),
            "nat-1",
        ),
        Code::BadStateRoute => {
            let mut blackhole = route("0.0.0.0/0", "nat-gateway", "nat-x");
            blackhole["active"] = json!(false);
            let s = with_routes(json!([route("10.0.0.0/16", "local", ""), blackhole]));
            (https(s, Target::Ip(ip("8.8.8.8"))), "rtb-main")
        }
        // Decided when the destination is chosen: query::sources tests
        // (`efs_destination` without a mount target in the AZ).
        Code::EfsNoMountTargetInAz => return None,
        Code::EniSgRulesMismatch => (
            eval_on(
                base(),
                app(),
                Target::Ip(ip("10.0.2.20")),
                Protocol::TCP,
                22,
            ),
            "sg-srv",
        ),
        Code::IgwDestinationAddressInVpcCidrs => {
            // A route more specific than the local route, to the gateway,
            // from an ENI with a public address.
            let mut s = with_routes(json!([
                route("10.0.0.0/16", "local", ""),
                route("10.0.2.0/24", "internet-gateway", "igw-1")
            ]));
            s["addresses"] = json!([{"public_ip": "3.3.3.3", "private_ip": "10.0.1.10", "network_interface_id": "eni-app"}]);
            (https(s, Target::Ip(ip("10.0.2.20"))), "igw-1")
        }
        Code::IgwPublicIpAssociationForEgress => (
            https(
                with_routes(json!([
                    route("10.0.0.0/16", "local", ""),
                    route("0.0.0.0/0", "internet-gateway", "igw-1")
                ])),
                Target::Ip(ip("8.8.8.8")),
            ),
            "igw-1",
        ),
        Code::LeavesSnapshot => (
            https(
                with_routes(json!([
                    route("10.0.0.0/16", "local", ""),
                    route("0.0.0.0/0", "vpc-peering-connection", "pcx-1")
                ])),
                Target::Ip(ip("172.31.0.5")),
            ),
            "pcx-1",
        ),
        // Decided from the collector's gaps: query::gaps tests.
        Code::MissingData => return None,
        Code::NoPath => {
            // Translated once, then routed to a second NAT gateway.
            let mut s = with_nat("available", true);
            s["route_tables"][1]["routes"] = json!([
                route("10.0.0.0/16", "local", ""),
                route("0.0.0.0/0", "nat-gateway", "nat-2")
            ]);
            let nats = s["nat_gateways"].as_array_mut().unwrap();
            nats.push(json!({"id": "nat-2", "vpc_id": "vpc-1", "subnet_id": "subnet-b", "state": "available",
                "addresses": [{"private_ip": "10.0.2.5"}], "connectivity_type": "private"}));
            (https(s, Target::Ip(ip("8.8.8.8"))), "nat-2")
        }
        Code::NoRouteToDestination => (https(base(), Target::Ip(ip("8.8.8.8"))), "rtb-main"),
        Code::NoVpcEndpoint => (https(base(), svc("logs")), "vpc-1"),
        Code::PrivateDnsDisabled => {
            let mut s = base();
            s["vpc_endpoints"][0]["private_dns_enabled"] = json!(false);
            (https(s, svc("sts")), "vpce-sts")
        }
        Code::ProtocolRestriction => (
            eval_on(
                with_nat("available", true),
                app(),
                Target::Ip(ip("8.8.8.8")),
                Protocol::Number(47),
                0,
            ),
            "nat-1",
        ),
        Code::SgHasNoRules => {
            let mut s = base();
            s["network_interfaces"][0]["security_group_ids"] = json!(["sg-closed"]);
            (https(s, Target::Ip(ip("10.0.2.20"))), "sg-closed")
        }
        Code::SubnetAclRestriction => {
            let mut s = base();
            s["network_acls"] = json!([
                nacl_allow_all("acl-all", &["subnet-a", "subnet-pub"]),
                {"id": "acl-b", "vpc_id": "vpc-1", "subnet_ids": ["subnet-b"], "entries": [
                    {"rule_number": 100, "egress": false, "protocol": "all", "action": "deny", "cidr": "0.0.0.0/0"},
                    {"rule_number": 100, "egress": true, "protocol": "all", "action": "allow", "cidr": "0.0.0.0/0"}
                ]}
            ]);
            (https(s, Target::Ip(ip("10.0.2.20"))), "acl-b")
        }
        Code::UnassociatedComponent => {
            let mut s = with_routes(json!([
                route("10.0.0.0/16", "local", ""),
                route("0.0.0.0/0", "internet-gateway", "igw-2")
            ]));
            let igws = s["internet_gateways"].as_array_mut().unwrap();
            igws.push(json!({"id": "igw-2", "vpc_ids": ["vpc-other"]}));
            (https(s, Target::Ip(ip("8.8.8.8"))), "igw-2")
        }
        Code::UnknownDestination => (https(base(), Target::Ip(ip("10.0.200.1"))), "vpc-1"),
        Code::UnknownResource => (
            https(
                with_routes(json!([
                    route("10.0.0.0/16", "local", ""),
                    route("0.0.0.0/0", "nat-gateway", "nat-gone")
                ])),
                Target::Ip(ip("8.8.8.8")),
            ),
            "nat-gone",
        ),
        Code::VpceGatewayProtocolRestriction => (
            eval_on(
                s3_gateway("available"),
                app(),
                svc("s3"),
                Protocol::UDP,
                443,
            ),
            "vpce-s3",
        ),
        Code::VpcDnsAttributesDisabled => {
            let mut s = base();
            s["vpcs"][0]["enable_dns_hostnames"] = json!(false);
            (https(s, svc("sts")), "vpc-1")
        }
    })
}

#[test]
fn every_code_is_provoked_by_its_device() {
    let mut provoked = 0;
    for code in Code::ALL {
        let Some((r, resource)) = provoke(*code) else {
            continue;
        };
        provoked += 1;
        assert!(
            r.blocked_at
                .iter()
                .any(|b| b.code == *code && b.resource == resource),
            "{code} at {resource} not produced: {:?}",
            codes(&r)
        );
        // A code that says data is missing never gives a definite verdict.
        if code.is_missing_data() {
            assert_eq!(r.verdict, Verdict::Unknown, "{code}");
        } else {
            assert_ne!(r.verdict, Verdict::Reachable, "{code}");
        }
    }
    assert_eq!(provoked, Code::ALL.len() - 2);
}

#[test]
fn a_nat_gateway_carries_tcp_udp_and_icmp_only() {
    for (proto, through) in [
        (Protocol::TCP, true),
        (Protocol::UDP, true),
        (Protocol::Number(1), true),
        (Protocol::Number(47), false),
    ] {
        let r = eval_on(
            with_nat("available", true),
            app(),
            Target::Ip(ip("8.8.8.8")),
            proto,
            53,
        );
        assert_eq!(r.verdict == Verdict::Reachable, through, "{proto:?}: {r:?}");
    }
    // All protocols: only TCP, UDP and ICMP get through.
    let r = eval_on(
        with_nat("available", true),
        app(),
        Target::Ip(ip("8.8.8.8")),
        Protocol::All,
        53,
    );
    assert_eq!(r.verdict, Verdict::Partial, "{r:?}");
    assert!(codes(&r).contains(&("nat-1".into(), "PROTOCOL_RESTRICTION".into())));
}

#[test]
fn a_gateway_endpoint_must_be_available() {
    let mut s = base();
    s["route_tables"][0]["routes"] = json!([
        route("10.0.0.0/16", "local", ""),
        route("pl-s3", "vpc-endpoint", "vpce-s3")
    ]);
    s["prefix_lists"] = json!([{"id": "pl-s3", "name": "com.amazonaws.eu-west-1.s3", "cidrs": ["52.218.0.0/17"], "entries_known": true}]);
    s["vpc_endpoints"] = json!([{"id": "vpce-s3", "vpc_id": "vpc-1", "service_name": "com.amazonaws.eu-west-1.s3", "endpoint_type": "gateway", "state": "pending"}]);
    let r = eval_on(
        s,
        app(),
        Target::Service {
            service: "s3".into(),
            region: "eu-west-1".into(),
        },
        Protocol::TCP,
        443,
    );
    assert_eq!(r.verdict, Verdict::Blocked);
    assert!(codes(&r).contains(&("vpce-s3".into(), "BAD_STATE".into())));
}
