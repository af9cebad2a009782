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
//!   the internet does not route private addresses;
//! - inbound, a route table associated with the gateway (an edge
//!   association, "ingress routing",
//!   <https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html>)
//!   decides where the traffic goes first: a route other than `local` for
//!   the address sends it to a middlebox whose far side is not modelled
//!   (`unknown`);
//! - the reply of inbound traffic is routed by the owner subnet's route
//!   table: it reaches the client only if that table sends the client's
//!   address to this gateway ("Your subnet route table must contain a
//!   route for internet-bound traffic to the internet gateway",
//!   VPC_Internet_Gateway.html); a route to a NAT gateway translates the
//!   reply and breaks the connection, no route drops it.
//!
//! Checked line by line against the page above (issue 13): the gateway
//! also carries IPv6 (not modelled: IPv6 rules never match, so IPv6 flows
//! are outside what the engine proves), and an egress-only internet
//! gateway carries IPv6 only, so an IPv4 route to one is followed as
//! leaving the snapshot (`leaves.rs`).
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

use crate::findings::{Absent, Beyond, Code, Decision, Kind, Note, Rule, Why};
use crate::graph::NodeIndex;
use crate::snapshot::{EndpointType, RouteTarget};

use super::super::atoms::{ip_iv, is_private_ip, net_iv};
use super::super::branch::{Branch, Leg};
use super::super::env::Ctx;
use super::super::intervals::{iv_intersect, iv_subtract};
use super::super::result::Direction;
use super::super::space::{merge_intervals, Iv, Map, Transform, ADDR_MAX, DST, IPV4_MAX, SRC};
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
            let absent = Absent::InternetGateway(igw.to_string());
            out.push(self.not_captured(b, igw, Kind::InternetGateway, absent));
            return;
        }
        if !topo.attached_to(node, vpc) {
            b.hop(
                igw,
                Kind::InternetGateway,
                Decision::Deny,
                Rule::NotAttached {
                    igw: igw.to_string(),
                    vpc: vpc.to_string(),
                },
            );
            b.block(
                igw,
                Kind::InternetGateway,
                Direction::Forward,
                Code::UnassociatedComponent,
                Why::NotAttached {
                    igw: igw.to_string(),
                    vpc: vpc.to_string(),
                },
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
                Kind::InternetGateway,
                Direction::Forward,
                Code::IgwDestinationAddressInVpcCidrs,
                Why::IgwOwnVpc,
            );
            nb.drop_all();
            out.push(Step::Leaf(nb));
            let outside = iv_subtract(&[Iv::new(0, ADDR_MAX)], &in_vpc);
            b = b.restrict_dst(&outside, &outside);
        }
        let public = b.via_nat.is_some() || b.src_public;
        if !public {
            b.hop(igw, Kind::InternetGateway, Decision::Deny, Rule::NoPublicIp);
            b.block(
                igw,
                Kind::InternetGateway,
                Direction::Forward,
                Code::IgwPublicIpAssociationForEgress,
                Why::IgwNoPublicIp {
                    igw: igw.to_string(),
                },
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        b.hop(
            igw,
            Kind::InternetGateway,
            Decision::Translate,
            Rule::MappedToPublic,
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
        b.hop(
            "internet",
            Kind::Internet,
            Decision::Send,
            Rule::FromInternet(label.to_string()),
        );
        let dsts = b.ideal.projection(DST);
        let Some(first) = dsts.first().map(|iv| iv.lo) else {
            out.push(Step::Leaf(b));
            return;
        };
        if first > IPV4_MAX {
            b.block(
                "internet",
                Kind::Internet,
                Direction::Forward,
                Code::NoPath,
                Why::UnsupportedInternetDestination,
            );
            b.make_unknown();
            out.push(Step::Leaf(b));
            return;
        }
        let ip = Ipv4Addr::from(first as u32);
        if is_private_ip(ip) {
            b.block(
                "internet",
                Kind::Internet,
                Direction::Forward,
                Code::NoRouteToDestination,
                Why::PrivateFromInternet(ip),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        b.hop(
            "aws-backbone",
            Kind::AwsBackbone,
            Decision::Route,
            Rule::To(ip),
        );
        let Some((owner, private)) = topo.owner_of_public_ip(ip) else {
            b.block(
                "aws-backbone",
                Kind::AwsBackbone,
                Direction::Forward,
                Code::UnknownDestination,
                Why::NoPublicOwner(ip),
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
            let absent = Absent::Subnet(owner.clone());
            out.push(self.not_captured(b, &owner, Kind::NetworkInterface, absent));
            return;
        };
        let vpc = topo
            .subnet(&subnet)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        let Some(igw) = topo.igws_of_vpc(&vpc).next().map(|g| g.id.clone()) else {
            b.block(
                &vpc,
                Kind::Vpc,
                Direction::Forward,
                Code::NoPath,
                Why::NoInternetGateway { vpc: vpc.clone() },
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        };
        b.hop(
            &igw,
            Kind::InternetGateway,
            Decision::Translate,
            Rule::DestinationMapped {
                public: ip,
                private,
            },
        );
        b.hop(&vpc, Kind::Vpc, Decision::Route, Rule::To(private));
        b.hop(&subnet, Kind::Subnet, Decision::Route, Rule::To(private));
        let p = ip_iv(private);
        b.leg = Leg {
            fwd: Transform::IDENTITY.with(DST, Map::Const(p)),
            rev: Transform::REPLY.with(SRC, Map::Const(p)),
        };
        // Ingress routing: a route table associated with the gateway (an
        // edge association) routes inbound traffic before it reaches the
        // subnet (<https://docs.aws.amazon.com/vpc/latest/userguide/gateway-route-tables.html>).
        // A route other than `local` for the address sends it to a
        // middlebox (a firewall ENI, a Gateway Load Balancer endpoint)
        // whose far side the engine does not model.
        if let Some(edge) = topo.edge_route_tables(&igw).find(|rt| rt.vpc_id == vpc) {
            let split = self.route_split(edge);
            let (parts, _, _) = &*split;
            let local = parts.iter().any(|(i, s, _)| {
                edge.routes[*i].target == RouteTarget::Local && iv_intersect(s, &[p]) == [p]
            });
            if !local {
                let beyond = Beyond::IngressRouting {
                    igw: igw.clone(),
                    table: edge.id.clone(),
                    to: private,
                };
                b.hop(
                    &edge.id,
                    Kind::RouteTable,
                    Decision::Unknown,
                    Rule::Beyond(beyond.clone()),
                );
                b.block(
                    &edge.id,
                    Kind::RouteTable,
                    Direction::Forward,
                    Code::LeavesSnapshot,
                    Why::Beyond(beyond.clone()),
                );
                self.notes.push(Note::Beyond(beyond));
                b.make_unknown();
                out.push(Step::Leaf(b));
                return;
            }
        }
        // The reply leaves by the owner subnet's route table: it reaches
        // the client when that table sends the client's address to this
        // gateway. No route, a blackhole, a NAT gateway (it would translate
        // the reply), the local route or a gateway endpoint drop it; a
        // target the engine does not model (an appliance, a Gateway Load
        // Balancer or firewall endpoint, a transit gateway, a peering) may
        // hand it back to the gateway: unknown.
        let Some(rt) = topo.route_table_of_subnet(&subnet) else {
            let absent = Absent::RouteTable(subnet.clone());
            out.push(self.not_captured(b, &subnet, Kind::Subnet, absent));
            return;
        };
        let split = self.route_split(rt);
        let (parts, _, _) = &*split;
        let (mut ok_sure, mut ok_maybe, mut beyond) = (Vec::new(), Vec::new(), Vec::new());
        for (i, s, mb) in parts {
            let r = &rt.routes[*i];
            let drops = !r.active
                || match &r.target {
                    RouteTarget::InternetGateway(g) if *g == igw => {
                        ok_sure.extend_from_slice(s);
                        ok_maybe.extend_from_slice(mb);
                        continue;
                    }
                    RouteTarget::InternetGateway(_)
                    | RouteTarget::NatGateway(_)
                    | RouteTarget::Local => true,
                    RouteTarget::VpcEndpoint(e) => topo
                        .endpoint(e)
                        .is_some_and(|e| e.endpoint_type == EndpointType::Gateway),
                    _ => false,
                };
            if !drops {
                beyond.push((*i, mb));
            }
        }
        let (ok_sure, ok_maybe) = (merge_intervals(ok_sure), merge_intervals(ok_maybe));
        let srcs = b.ideal.projection(SRC);
        let mut rest = iv_subtract(&srcs, &ok_maybe);
        for (i, mb) in beyond {
            let part = iv_intersect(&rest, mb);
            if part.is_empty() {
                continue;
            }
            rest = iv_subtract(&rest, &part);
            let target = rt.routes[i].target.id().to_string();
            let mut nb = b.restrict_src(&part, &part);
            nb.block(
                &rt.id,
                Kind::RouteTable,
                Direction::Return,
                Code::LeavesSnapshot,
                Why::ReplyRoute {
                    table: rt.id.clone(),
                    subnet: subnet.clone(),
                    to: self.atoms.describe_set(&part),
                    via: Some(target.clone()),
                    igw: igw.clone(),
                },
            );
            self.notes.push(Note::Beyond(Beyond::Through(target)));
            nb.make_unknown();
            out.push(Step::Leaf(nb));
        }
        if !rest.is_empty() {
            let mut nb = b.restrict_src(&rest, &rest);
            let via = parts
                .iter()
                .find(|(_, _, mb)| !iv_intersect(mb, &rest).is_empty())
                .map(|(i, _, _)| rt.routes[*i].target.id().to_string());
            nb.block(
                &rt.id,
                Kind::RouteTable,
                Direction::Return,
                Code::NoRouteToDestination,
                Why::ReplyRoute {
                    table: rt.id.clone(),
                    subnet: subnet.clone(),
                    to: self.atoms.describe_set(&rest),
                    via,
                    igw: igw.clone(),
                },
            );
            nb.drop_all();
            out.push(Step::Leaf(nb));
        }
        if iv_intersect(&srcs, &ok_maybe).is_empty() {
            return;
        }
        let b = b.restrict_src(&ok_sure, &ok_maybe);
        out.push(Step::Next(b, At::Eni { from: None, owner }));
    }
}
