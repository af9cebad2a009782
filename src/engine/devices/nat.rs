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

use crate::findings::Code;
use crate::graph::NodeIndex;

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
            let msg = format!("NAT gateway {id} is not in the snapshot");
            out.push(self.not_captured(b, id, "nat-gateway", msg));
            return;
        };
        if b.via_nat.is_some() {
            b.block(
                id,
                "nat-gateway",
                Direction::Forward,
                Code::NoPath,
                "traffic already translated by a NAT gateway is routed to another NAT gateway",
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        self.cross_subnets(&mut b, subnet, &nat.subnet_id);
        if nat.state != "available" {
            b.hop(id, "nat-gateway", "deny", format!("state {}", nat.state));
            b.block(
                id,
                "nat-gateway",
                Direction::Forward,
                Code::BadState,
                format!("{id} is {} (must be available)", nat.state),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        let addr = nat.addresses.iter().find_map(|a| a.private_ip);
        let Some(nat_ip) = addr else {
            let msg = format!("the private address of {id} was not captured");
            out.push(self.not_captured(b, id, "nat-gateway", msg));
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
            "nat-gateway",
            Code::ProtocolRestriction,
            &|| format!("NAT gateway {id}"),
        );
        let public = nat.connectivity_type != "private"
            && nat.addresses.iter().any(|a| a.public_ip.is_some());
        b.hop(
            id,
            "nat-gateway",
            "translate",
            format!(
                "source translated to {nat_ip}{}",
                if public {
                    " (public NAT)"
                } else {
                    " (private NAT)"
                }
            ),
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
