//! Internet gateways, both ways.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html>):
//! - a gateway serves only the VPC it is attached to;
//! - outbound, it translates the sender's private address to the public
//!   or Elastic IP address associated with it; a sender without one (a
//!   Studio app ENI never has one, docs/sagemaker-network.md F14) is not
//!   served; traffic already translated by a NAT gateway leaves with the
//!   NAT's Elastic IP;
//! - it does not route addresses of its own VPC back into it;
//! - inbound, traffic to a public or Elastic IP is translated to the
//!   private address it is associated with and delivered to its owner;
//!   the internet does not route private addresses.
//!
//! The subnet's outbound NACL (and its inbound rules for the reply) apply
//! on the way out (`nacl.rs`).
//!
//! Reachability Analyzer codes produced: `IGW_PUBLIC_IP_ASSOCIATION_FOR_EGRESS`,
//! `IGW_DESTINATION_ADDRESS_IN_VPC_CIDRS`, `UNASSOCIATED_COMPONENT` (not
//! attached to the VPC), `UNKNOWN_RESOURCE` (not in the snapshot),
//! `NO_ROUTE_TO_DESTINATION` (a private address from the internet),
//! `UNKNOWN_DESTINATION` (no owner of the public address), `NO_PATH` (the
//! owner's VPC has no gateway). Out of scope: `IGW_PRIVATE_IP_ASSOCIATION_FOR_INGRESS`,
//! the RFC 1918/6598 codes and `IGW_NAT_REFLECTION` (inbound traffic is
//! modelled only to public addresses the snapshot maps), and
//! `VPC_BLOCK_PUBLIC_ACCESS_ENABLED` (Block Public Access is not captured).

use std::net::Ipv4Addr;

use crate::findings::Code;
use crate::graph::NodeIndex;

use super::super::atoms::{ip_iv, is_private_ip, net_iv};
use super::super::branch::{Branch, Leg};
use super::super::env::Ctx;
use super::super::intervals::{iv_intersect, iv_subtract};
use super::super::result::Direction;
use super::super::space::{Iv, Map, Transform, ADDR_MAX, DST, IPV4_MAX, SRC};
use super::{At, Step};

impl Ctx<'_> {
    pub(super) fn via_igw(
        &mut self,
        mut b: Branch,
        subnet: &str,
        node: NodeIndex,
        vpc: &str,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        let igw = topo.id_of(node);
        if topo.internet_gateway_at(node).is_none() {
            let msg = format!("internet gateway {igw} is not in the snapshot");
            out.push(self.not_captured(b, igw, "internet-gateway", msg));
            return;
        }
        if !topo.attached_to(node, vpc) {
            b.hop(
                igw,
                "internet-gateway",
                "deny",
                format!("{igw} is not attached to {vpc}"),
            );
            b.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::UnassociatedComponent,
                format!("{igw} is not attached to {vpc}"),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        self.leave_subnet(&mut b, subnet);
        // Destinations inside the VPC never leave through the gateway.
        let in_vpc: Vec<Iv> = topo
            .vpc(vpc)
            .map(|v| v.cidr_blocks.iter().map(|c| net_iv(*c)).collect())
            .unwrap_or_default();
        if !iv_intersect(&b.ideal.projection(DST), &in_vpc).is_empty() {
            let mut nb = b.restrict_dst(&in_vpc, &in_vpc);
            nb.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::IgwDestinationAddressInVpcCidrs,
                "an internet gateway does not route addresses of its own VPC",
            );
            nb.drop_all();
            out.push(Step::Leaf(nb));
            let outside = iv_subtract(&[Iv::new(0, ADDR_MAX)], &in_vpc);
            b = b.restrict_dst(&outside, &outside);
        }
        let public = b.via_nat.is_some() || b.src_public;
        if !public {
            b.hop(
                igw,
                "internet-gateway",
                "deny",
                "the sender has no public or Elastic IP address",
            );
            b.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::IgwPublicIpAssociationForEgress,
                format!("{igw} drops traffic from a private address with no public or Elastic IP (Studio app ENIs never get one: a VpcOnly domain needs a NAT gateway or VPC endpoints, F14)"),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        b.hop(
            igw,
            "internet-gateway",
            "translate",
            "private source address mapped to its public address",
        );
        out.push(Step::Next(b, At::Exit { via: None }));
    }

    /// A packet from the internet (`label`: its source) to a public address:
    /// the gateway of the VPC that owns the address maps it to the private one.
    pub(in crate::engine) fn inject_from_internet(
        &mut self,
        mut b: Branch,
        label: &str,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        b.hop("internet", "internet", "send", format!("from {label}"));
        let dsts = b.ideal.projection(DST);
        let Some(first) = dsts.first().map(|iv| iv.lo) else {
            out.push(Step::Leaf(b));
            return;
        };
        if first > IPV4_MAX {
            b.block(
                "internet",
                "internet",
                Direction::Forward,
                Code::NoPath,
                "unsupported destination for an internet source",
            );
            b.make_unknown();
            out.push(Step::Leaf(b));
            return;
        }
        let ip = Ipv4Addr::from(first as u32);
        if is_private_ip(ip) {
            b.block(
                "internet",
                "internet",
                Direction::Forward,
                Code::NoRouteToDestination,
                format!("{ip} is a private address: the internet does not route it"),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        b.hop("aws-backbone", "aws-backbone", "route", format!("to {ip}"));
        let Some((owner, private)) = topo.owner_of_public_ip(ip) else {
            b.block(
                "aws-backbone",
                "aws-backbone",
                Direction::Forward,
                Code::UnknownDestination,
                format!("no resource in the snapshot has the public address {ip}"),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        };
        let owner = owner.to_string();
        let subnet = topo
            .eni(&owner)
            .map(|e| e.subnet_id.clone())
            .or_else(|| topo.instance(&owner).and_then(|i| i.subnet_id.clone()));
        let Some(subnet) = subnet else {
            b.make_unknown();
            out.push(Step::Leaf(b));
            return;
        };
        let vpc = topo
            .subnet(&subnet)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        let Some(igw) = topo.igws_of_vpc(&vpc).next().map(|g| g.id.clone()) else {
            b.block(
                &vpc,
                "vpc",
                Direction::Forward,
                Code::NoPath,
                format!("{vpc} has no internet gateway"),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        };
        b.hop(
            &igw,
            "internet-gateway",
            "translate",
            format!("destination {ip} mapped to {private}"),
        );
        b.hop(&vpc, "vpc", "route", format!("to {private}"));
        b.hop(&subnet, "subnet", "route", format!("to {private}"));
        let p = ip_iv(private);
        b.leg = Leg {
            fwd: Transform::IDENTITY.with(DST, Map::Const(p)),
            rev: Transform::REPLY.with(SRC, Map::Const(p)),
        };
        out.push(Step::Next(b, At::Eni { from: None, owner }));
    }
}
