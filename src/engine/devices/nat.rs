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
    pub(super) fn via_nat(&mut self, mut b: Branch, subnet: &str, id: &str, out: &mut Vec<Step>) {
        let topo = self.topo;
        let Some(nat) = topo.nat_gateway(id) else {
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
        if nat.state != "available" {
            b.hop(
                id,
                Kind::NatGateway,
                Decision::Deny,
                Rule::State(nat.state.clone()),
            );
            b.block(
                id,
                Kind::NatGateway,
                Direction::Forward,
                Code::BadState,
                Why::State {
                    id: id.to_string(),
                    state: nat.state.clone(),
                },
            );
            b.drop_all();
            out.push(Step::Leaf(b));
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
        let public = nat.connectivity_type != "private"
            && nat.addresses.iter().any(|a| a.public_ip.is_some());
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
