//! NAT gateways.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>):
//! - a NAT gateway sits in one subnet; traffic routed to it from another
//!   subnet crosses both subnets' NACLs, both ways (`nacl.rs`);
//! - it must be `available`;
//! - "A NAT gateway supports the following protocols: TCP, UDP, and ICMP"
//!   (<https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html>);
//! - it does not accept connections initiated from outside ("external
//!   services cannot initiate a connection with those instances"): the
//!   engine never routes inbound internet traffic through it, only replies;
//! - it replaces the source address with its own private address (a public
//!   NAT gateway then leaves through the internet gateway with its Elastic
//!   IP) and the source port with one of its own (1024-65535), then the
//!   traffic is routed by the route table of the NAT gateway's subnet;
//! - a private NAT gateway (`ConnectivityType` private) has no Elastic IP:
//!   its traffic cannot leave through an internet gateway;
//! - traffic that a NAT gateway already translated and that is routed to
//!   another NAT gateway is not modelled as going on (a loop in practice).
//!
//! Reachability Analyzer codes produced: `BAD_STATE` (not available),
//! `PROTOCOL_RESTRICTION` (a protocol other than TCP, UDP or ICMP),
//! `UNKNOWN_RESOURCE` (not in the snapshot, or its address not captured),
//! `NO_PATH` (NAT after NAT). Out of scope: `NGW_SOURCE_ADDRESS_REASSIGN`,
//! `NGW_DEST_ADDRESS_PRESERVATION` and `REMAP_EPHEMERAL_PORT` are
//! informational in RA; here the translation is the hop's rule text
//! ("source translated to ...") and the reply leg's transform.
//! `REGIONAL_NGW_ROUTE_AZ_RESTRICTION` and `NGW_REQUIRES_SOURCE_IN_VPC`
//! (regional NAT gateways, traffic from outside the VPC) do not arise in
//! what the engine models.

use crate::findings::{Absent, Code, Decision, Filter, Kind, Rule, Why};
use crate::graph::NodeIndex;
use crate::snapshot::NatGateway;

use super::super::atoms::ip_iv;
use super::super::branch::{Branch, Leg};
use super::super::env::Ctx;
use super::super::result::Direction;
use super::super::rules::Admits;
use super::super::space::{Iv, Map, Transform, DPORT, DST, SPORT, SRC};
use super::{At, Step};

/// The source ports a NAT gateway assigns.
const NAT_PORTS: Iv = Iv::new(1024, 65535);

impl Ctx<'_> {
    pub(super) fn via_nat(
        &mut self,
        mut b: Branch,
        subnet: &str,
        node: NodeIndex,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        let id = topo.id_of(node);
        let Some(nat) = topo.nat_gateway_at(node) else {
            let absent = Absent::NatGateway(id.to_string());
            out.push(self.not_captured(b, id, Kind::NatGateway, absent));
            return;
        };
        if b.via_nat.is_some() {
            b.block(
                id,
                Kind::NatGateway,
                Direction::Forward,
                Code::NoPath,
                Why::NatAfterNat,
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        self.cross_subnets(&mut b, subnet, &nat.subnet_id);
        if !forwards(nat) {
            out.push(Self::not_available(b, id, Kind::NatGateway, &nat.state));
            return;
        }
        let addr = nat.addresses.iter().find_map(|a| a.private_ip);
        let Some(nat_ip) = addr else {
            let absent = Absent::NatAddress(id.to_string());
            out.push(self.not_captured(b, id, Kind::NatGateway, absent));
            return;
        };
        // "A NAT gateway supports the following protocols: TCP, UDP, and
        // ICMP" (nat-gateway-basics.html): other protocols stop here.
        let fwd = b.leg.fwd;
        self.apply(
            &mut b,
            fwd,
            &Admits::protocols(&[6, 17, 1]),
            Direction::Forward,
            id,
            Kind::NatGateway,
            Code::ProtocolRestriction,
            &|| Filter::NatGateway(id.to_string()),
        );
        let public = is_public(nat);
        b.hop(
            id,
            Kind::NatGateway,
            Decision::Translate,
            Rule::NatTranslated { to: nat_ip, public },
        );
        let nip = ip_iv(nat_ip);
        b.leg = Leg {
            fwd: Transform::IDENTITY
                .with(SRC, Map::Const(nip))
                .with(SPORT, Map::Const(NAT_PORTS)),
            rev: Transform::REPLY
                .with(DST, Map::Const(nip))
                .with(DPORT, Map::Const(NAT_PORTS)),
        };
        b.via_nat = Some(id.to_string());
        b.src_public = public;
        b.depth += 1;
        // Translated, the flow is routed again by the NAT's own subnet.
        let subnet = nat.subnet_id.clone();
        out.push(Step::Next(b, At::RouteTable { subnet }));
    }
}

// ------------------------------------------------------------------------
// The NAT rules that the checks, `explain` and the fixes share with the
// device above (one place per AWS rule, issue 13).

/// Whether a NAT gateway forwards traffic at all. AWS: only a NAT gateway
/// in state `available` processes traffic; `pending`, `failed`, `deleting`
/// and `deleted` ones do not ("NAT gateway basics", the `State` of
/// DescribeNatGateways:
/// <https://docs.aws.amazon.com/vpc/latest/userguide/nat-gateway-basics.html>).
pub fn forwards(nat: &NatGateway) -> bool {
    nat.state == "available"
}

/// Whether a NAT gateway's translated traffic can leave through an internet
/// gateway. AWS: a public NAT gateway (`ConnectivityType` public, the
/// default when it is not given) has an Elastic IP and sends its traffic to
/// the internet gateway with it; a private one has none and "cannot be used
/// to reach the internet"
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html>,
/// "Connectivity type"). Without a captured public address it is treated as
/// private, as the internet gateway drops traffic without a public source.
pub fn is_public(nat: &NatGateway) -> bool {
    nat.connectivity_type != "private" && nat.addresses.iter().any(|a| a.public_ip.is_some())
}

/// Whether a NAT gateway takes a subnet's traffic to the internet: it
/// [`forwards`] and [`is_public`]. What the checks, `explain`, the diagram
/// and the fixes mean by a usable NAT gateway.
pub fn reaches_internet(nat: &NatGateway) -> bool {
    forwards(nat) && is_public(nat)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::NatAddress;

    fn nat(state: &str, connectivity: &str, public_ip: Option<&str>) -> NatGateway {
        NatGateway {
            id: "nat-1".into(),
            vpc_id: "vpc-1".into(),
            subnet_id: "subnet-1".into(),
            state: state.into(),
            connectivity_type: connectivity.into(),
            addresses: vec![NatAddress {
                private_ip: Some("10.0.0.5".parse().unwrap()),
                public_ip: public_ip.map(|p| p.parse().unwrap()),
                allocation_id: None,
                network_interface_id: None,
            }],
            tags: Default::default(),
        }
    }

    #[test]
    fn only_an_available_public_nat_with_an_elastic_ip_reaches_the_internet() {
        assert!(reaches_internet(&nat(
            "available",
            "public",
            Some("34.0.0.1")
        )));
        // Not available: forwards nothing.
        for state in ["pending", "failed", "deleting", "deleted"] {
            let n = nat(state, "public", Some("34.0.0.1"));
            assert!(!forwards(&n) && !reaches_internet(&n), "{state}");
        }
        // Private: no Elastic IP, no internet.
        let private = nat("available", "private", None);
        assert!(forwards(&private) && !is_public(&private));
        assert!(!reaches_internet(&private));
        // Public without a captured public address: the internet gateway
        // would drop its traffic.
        assert!(!reaches_internet(&nat("available", "public", None)));
    }

    #[test]
    fn checks_explain_and_fixes_judge_a_nat_as_the_engine_does_issue_13() {
        // Issue 13: the checks, explain and the fixes used to require the
        // literal ConnectivityType "public" and ignored the Elastic IP,
        // where the engine takes anything but "private" as public and
        // needs a public address. One rule now: AWS's default is public
        // (the importer fills in "public" when the field is absent), and a
        // NAT gateway without a public address cannot reach the internet.
        let v = serde_json::json!({
            "id": "nat-1", "vpc_id": "vpc-1", "subnet_id": "subnet-1",
            "state": "available",
            "addresses": [{"private_ip": "10.0.0.5", "public_ip": "34.0.0.1"}]
        });
        let absent: NatGateway = serde_json::from_value(v).unwrap();
        assert!(reaches_internet(&absent));
        assert!(reaches_internet(&nat(
            "available",
            "Public",
            Some("34.0.0.1")
        )));
        assert!(!reaches_internet(&nat("available", "public", None)));
    }
}
