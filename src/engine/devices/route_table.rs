//! VPC route tables: which route a destination takes from a subnet.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html>,
//! "Route priority"):
//! - a subnet uses its associated table, else the VPC's main table (the
//!   association is resolved in `graph`);
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
//! on the path's route-table hop instead. Routes to targets the engine does
//! not model (peering, transit gateway, VPN, appliances) go to `leaves.rs`.

use std::rc::Rc;

use crate::findings::{Absent, Beyond, Code, Decision, Kind, Rule, Why};
use crate::graph::Topology;
use crate::snapshot::{Route, RouteDestination, RouteTable, RouteTarget};

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
    /// How `rt` splits destination addresses by longest prefix match
    /// ([`route_parts`]), cached for the evaluation's atoms.
    pub(in crate::engine) fn route_split(&mut self, rt: &RouteTable) -> Rc<RouteParts> {
        let sig = self.sig();
        let topo = self.topo;
        let atoms = &self.atoms;
        self.cache
            .route_parts(rt, sig, || route_parts(topo, atoms, rt))
    }

    pub(in crate::engine) fn route(&mut self, b: Branch, subnet: &str, out: &mut Vec<Step>) {
        if b.depth > 4 {
            let mut b = b;
            b.block(
                subnet,
                Kind::Subnet,
                Direction::Forward,
                Code::NoPath,
                Why::RoutingLoop,
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        let topo = self.topo;
        let Some(rt) = topo.route_table_of_subnet(subnet) else {
            let absent = Absent::RouteTable(subnet.to_string());
            out.push(self.not_captured(b, subnet, Kind::Subnet, absent));
            return;
        };
        let split = self.route_split(rt);
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
            let rule = Rule::Route {
                destination: r.destination.to_string(),
                target: r.target.id().to_string(),
            };
            nb.hop(&rt.id, Kind::RouteTable, Decision::Route, rule);
            self.follow_route(nb, subnet, &rt.id, r, out);
        }
        let rest_maybe = iv_intersect(&dsts, rem_maybe);
        if !rest_maybe.is_empty() {
            any = true;
            let mut nb = b.restrict_dst(rem_sure, rem_maybe);
            let what = self.atoms.describe_set(&rest_maybe);
            nb.hop(
                &rt.id,
                Kind::RouteTable,
                Decision::Deny,
                Rule::NoRoute(what.clone()),
            );
            nb.block(
                &rt.id,
                Kind::RouteTable,
                Direction::Forward,
                Code::NoRouteToDestination,
                Why::NoRoute {
                    table: rt.id.clone(),
                    subnet: subnet.to_string(),
                    to: what,
                },
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
                Kind::RouteTable,
                Direction::Forward,
                Code::BadStateRoute,
                Why::Blackhole {
                    destination: r.destination.to_string(),
                    target: r.target.id().to_string(),
                },
            );
            b.drop_all();
            out.push(Step::Leaf(b));
            return;
        }
        let subnet = subnet.to_string();
        let at = match &r.target {
            RouteTarget::Local => At::Local {
                from: Some(subnet),
                vpc,
            },
            RouteTarget::InternetGateway(id) => At::InternetGateway {
                subnet,
                igw: id.clone(),
                vpc,
            },
            RouteTarget::NatGateway(id) => At::NatGateway {
                subnet,
                id: id.clone(),
            },
            RouteTarget::VpcEndpoint(id) => At::GatewayEndpoint {
                subnet,
                id: id.clone(),
            },
            RouteTarget::NetworkInterface(id) | RouteTarget::Instance(id) => {
                let present = topo.eni(id).is_some() || topo.instance(id).is_some();
                let beyond = if present {
                    Beyond::Appliance(id.clone())
                } else {
                    Beyond::MissingTarget(id.clone())
                };
                At::Outside {
                    subnet,
                    target: id.clone(),
                    beyond,
                }
            }
            other => At::Outside {
                subnet,
                target: other.id().to_string(),
                beyond: Beyond::Through(other.id().to_string()),
            },
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
