//! VPC route tables: which route a destination takes from a subnet.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>,
//! "Route priority"):
//! - a subnet uses its associated table, else the VPC's main table (the
//!   subnet's `RoutedBy` edge in `graph`);
//! - the most specific route wins (longest prefix); a prefix-list route
//!   competes entry by entry with the length of each entry, and a static
//!   route beats a prefix-list route of the same length;
//! - a route in state `blackhole` (its target deleted) drops the traffic;
//! - the `local` route delivers within the VPC only.
//!
//! Reachability Analyzer codes produced: `NO_ROUTE_TO_DESTINATION` (no
//! route covers the destination), `BAD_STATE_ROUTE` (blackhole),
//! `NO_PATH` (more than four route lookups: a loop), `UNKNOWN_RESOURCE`
//! (the subnet's table is not in the snapshot). `MORE_SPECIFIC_ROUTE` and
//! `HIGHER_PRIORITY_ROUTE` are not produced: the route that wins is named
//! on the path's route-table hop instead. A winning route is followed along
//! its edge in the topology graph: the target node's kind picks the next
//! device. Routes to targets the engine does not model (peering, transit
//! gateway, VPN, appliances) go to `leaves.rs`.

use crate::findings::Code;
use crate::graph::{Kind, NodeIndex, Topology};
use crate::snapshot::{Route, RouteDestination, RouteTable};

use super::super::atoms::{AddrMatch, Atoms};
use super::super::branch::Branch;
use super::super::cache::RouteParts;
use super::super::env::Ctx;
use super::super::intervals::{iv_intersect, iv_subtract};
use super::super::result::Direction;
use super::super::rules::prefix_list_addrs;
use super::super::space::{merge_intervals, Iv, ADDR_MAX, DST};
use super::{At, Step};

impl Ctx<'_> {
    pub(in crate::engine) fn route(&mut self, b: Branch, subnet: &str, out: &mut Vec<Step>) {
        if b.depth > 4 {
            let mut b = b;
            b.block(
                subnet,
                "subnet",
                Direction::Forward,
                Code::NoPath,
                "routing loop (more than 4 route lookups)",
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        let topo = self.topo;
        let Some((table, rt)) = topo.routed_by(subnet) else {
            let msg = format!("{subnet} has no route table in the snapshot");
            out.push(self.not_captured(b, subnet, "subnet", msg));
            return;
        };
        let sig = self.sig();
        let split = self
            .cache
            .route_parts(rt, sig, || route_parts(topo, &self.atoms, rt));
        let (parts, rem_sure, rem_maybe) = &*split;
        let dsts = b.ideal.projection(DST);
        let mut any = false;
        for (i, s, mb) in parts {
            if iv_intersect(&dsts, mb).is_empty() {
                continue;
            }
            any = true;
            let r = &rt.routes[*i];
            let mut nb = b.restrict_dst(s, mb);
            if !nb.maybe.is_subset_of(&nb.sure) && b.maybe.is_subset_of(&b.sure) {
                nb.unknown = true;
                self.notes.insert(format!(
                    "{}: which route applies to part of the destination is unknown",
                    rt.id
                ));
            }
            let text = format!("{} -> {}", r.destination, r.target.id());
            nb.hop(&rt.id, "route-table", "route", text);
            let target = topo.route_target(table, *i);
            self.follow_route(nb, subnet, &rt.id, r, target, out);
        }
        let rest_maybe = iv_intersect(&dsts, rem_maybe);
        if !rest_maybe.is_empty() {
            any = true;
            let mut nb = b.restrict_dst(rem_sure, rem_maybe);
            let what = self.atoms.describe_set(&rest_maybe);
            nb.hop(&rt.id, "route-table", "deny", format!("no route to {what}"));
            nb.block(
                &rt.id,
                "route-table",
                Direction::Forward,
                Code::NoRouteToDestination,
                format!("{} (for {subnet}) has no route to {what}", rt.id),
            );
            nb.drop_all();
            out.push(Step::Leaf(nb));
        }
        if !any {
            out.push(Step::Leaf(b));
        }
    }

    fn follow_route(
        &mut self,
        mut b: Branch,
        subnet: &str,
        rtb: &str,
        r: &Route,
        target: NodeIndex,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        let vpc = topo
            .subnet(subnet)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        if !r.active {
            b.block(
                rtb,
                "route-table",
                Direction::Forward,
                Code::BadStateRoute,
                format!(
                    "route {} -> {} is a blackhole (its target was deleted)",
                    r.destination,
                    r.target.id()
                ),
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        // The route's edge leads to the next device: the target node's kind.
        let subnet = subnet.to_string();
        let node = topo.graph[target];
        let id = topo.id_of(target);
        let at = match node.kind {
            Kind::Vpc => At::Local {
                from: Some(subnet),
                vpc,
            },
            Kind::InternetGateway => At::InternetGateway {
                subnet,
                node: target,
                vpc,
            },
            Kind::NatGateway => At::NatGateway {
                subnet,
                node: target,
            },
            Kind::VpcEndpoint => At::GatewayEndpoint {
                subnet,
                node: target,
            },
            Kind::NetworkInterface | Kind::Instance => {
                let present = node.present;
                let msg = if present {
                    format!("forwarded to the appliance {id}; what it does with the traffic is not modelled")
                } else {
                    format!("route target {id} is not in the snapshot")
                };
                At::Outside {
                    subnet,
                    target: id.to_string(),
                    msg,
                    missing: !present,
                }
            }
            _ => {
                let msg = format!(
                    "leaves the snapshot through {}; the far side is not in the snapshot",
                    id
                );
                At::Outside {
                    subnet,
                    target: id.to_string(),
                    msg,
                    missing: false,
                }
            }
        };
        out.push(Step::Next(b, at));
    }
}

/// How a route table splits the destination addresses: see [`RouteParts`].
pub(in crate::engine) fn route_parts(
    topo: &Topology,
    atoms: &Atoms,
    rt: &RouteTable,
) -> RouteParts {
    // Flatten routes into (priority, order, route, addresses).
    let mut cands: Vec<(u16, usize, &Route, AddrMatch)> = Vec::new();
    for (i, r) in rt.routes.iter().enumerate() {
        match &r.destination {
            RouteDestination::Ipv4(n) => {
                cands.push((n.prefix_len() as u16 * 2 + 1, i, r, atoms.cover_cidr(*n)))
            }
            RouteDestination::PrefixList(pl) => {
                // Each entry competes by its own length; the service the
                // list stands for (by name) is matched exactly.
                match topo.prefix_list(pl) {
                    Some(p) if p.entries_known => {
                        let service_list = Atoms::is_service_list(&p.name);
                        for c in &p.cidrs {
                            if let ipnet::IpNet::V4(n) = c {
                                let m = if service_list {
                                    atoms.cover_service_list_cidr(*n)
                                } else {
                                    atoms.cover_cidr(*n)
                                };
                                cands.push((n.prefix_len() as u16 * 2, i, r, m));
                            }
                        }
                        let named = atoms.covered_by_prefix_list_name(&p.name);
                        if !named.is_empty() {
                            cands.push((100, i, r, AddrMatch::exact(named)));
                        }
                    }
                    _ => {
                        let m = prefix_list_addrs(topo, atoms, pl);
                        cands.push((99, i, r, m));
                    }
                }
            }
            RouteDestination::Ipv6(_) => {}
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let full = vec![Iv::new(0, ADDR_MAX)];
    let mut rem_sure = full.clone();
    let mut rem_maybe = full;
    // Group parts by route index.
    let mut parts: Vec<(usize, Vec<Iv>, Vec<Iv>)> = Vec::new();
    for (_, i, _, m) in &cands {
        let s = iv_intersect(&rem_sure, &m.sure);
        let mb = iv_intersect(&rem_maybe, &m.maybe);
        rem_sure = iv_subtract(&rem_sure, &m.maybe);
        rem_maybe = iv_subtract(&rem_maybe, &m.sure);
        if mb.is_empty() {
            continue;
        }
        match parts.iter_mut().find(|p| p.0 == *i) {
            Some(p) => {
                p.1 = merge_intervals([p.1.clone(), s].concat());
                p.2 = merge_intervals([p.2.clone(), mb].concat());
            }
            None => parts.push((*i, s, mb)),
        }
    }
    (parts, rem_sure, rem_maybe)
}
