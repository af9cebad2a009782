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

use std::rc::Rc;

use crate::findings::{Absent, Beyond, Code, Decision, Kind, Note, Rule, Why};
use crate::graph::{Kind as NodeKind, NodeIndex, Topology};
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
        let Some((table, rt)) = topo.routed_by(subnet) else {
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
                self.notes.push(Note::RouteUnknown {
                    table: rt.id.clone(),
                });
            }
            let rule = Rule::Route {
                destination: r.destination.to_string(),
                target: r.target.id().to_string(),
            };
            nb.hop(&rt.id, Kind::RouteTable, Decision::Route, rule);
            let target = topo.route_target(table, *i);
            self.follow_route(nb, subnet, &rt.id, r, target, out);
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
        // The route's edge leads to the next device: the target node's kind.
        let subnet = subnet.to_string();
        let node = topo.graph[target];
        let id = topo.id_of(target);
        let at = match node.kind {
            NodeKind::Vpc => At::Local {
                from: Some(subnet),
                vpc,
            },
            NodeKind::InternetGateway => At::InternetGateway {
                subnet,
                node: target,
                vpc,
            },
            NodeKind::NatGateway => At::NatGateway {
                subnet,
                node: target,
            },
            NodeKind::VpcEndpoint => At::GatewayEndpoint {
                subnet,
                node: target,
            },
            NodeKind::NetworkInterface | NodeKind::Instance => {
                let beyond = if node.present {
                    Beyond::Appliance(id.to_string())
                } else {
                    Beyond::MissingTarget(id.to_string())
                };
                At::Outside {
                    subnet,
                    target: id.to_string(),
                    beyond,
                }
            }
            _ => At::Outside {
                subnet,
                target: id.to_string(),
                beyond: Beyond::Through(id.to_string()),
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
    cands.sort_by_key(|c| precedence(c.0, c.2, c.1));
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

// ------------------------------------------------------------------------
// One concrete destination: the route lookup that the checks, `explain`,
// the diagram and the fixes share with `route_parts` (issue 13).

use crate::snapshot::NatGateway;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Rank of a route in the longest-prefix match (higher wins): a static
/// route of prefix length `len` ranks `2 len + 1`, a prefix-list route
/// `2 len` for each of its entries ("a static route beats a prefix-list
/// route of the same length"). `route_parts` gives a prefix list whose
/// entries are unknown rank 99 (above every IPv4 length) and the service a
/// list stands for 100.
fn rank(len: u8, static_route: bool) -> u16 {
    len as u16 * 2 + static_route as u16
}

/// [`precedence`]: smaller claims first.
type Precedence = (std::cmp::Reverse<u16>, bool, usize);

/// The order in which routes claim addresses: higher rank first; of equal
/// rank, the `local` route first (AWS gives the VPC's local route priority
/// and allows no other route with its exact destination), then table order.
fn precedence(rank: u16, r: &Route, index: usize) -> Precedence {
    (
        std::cmp::Reverse(rank),
        r.target != RouteTarget::Local,
        index,
    )
}

/// The route one concrete destination takes from a route table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum RouteTo<'a> {
    /// The route that wins; it may be a blackhole ([`Route::active`] false),
    /// which drops the traffic.
    Route(&'a Route),
    /// No route covers the destination.
    NoRoute,
    /// A route to a prefix list whose entries are not in the snapshot might
    /// win (the engine's answer for it is unknown too).
    Unknown,
}

impl<'a> RouteTo<'a> {
    /// The winning route when it forwards (known and not a blackhole).
    pub fn active(self) -> Option<&'a Route> {
        match self {
            RouteTo::Route(r) if r.active => Some(r),
            _ => None,
        }
    }
}

/// The route `dst` takes from `rt`, by AWS's route priority
/// (<https://docs.aws.amazon.com/vpc/latest/userguide/route-tables-priority.html>):
/// the longest prefix that covers it wins; a static route beats a
/// prefix-list entry of the same length; of equal routes the `local` one.
/// IPv4 and IPv6 routes are independent. Consistent with `route_parts`,
/// which answers the same for every address at once (a test compares them).
pub fn route_to<'a>(topo: &Topology, rt: &'a RouteTable, dst: IpAddr) -> RouteTo<'a> {
    lookup(topo, rt, dst, false)
}

/// [`route_to`]; with `internet`, `dst` is [`INTERNET_V4`] or
/// [`INTERNET_V6`], which no AWS service prefix list holds: a gateway
/// endpoint's route (its destination is the service's AWS-managed list) or a
/// route to a service list by name then never covers it, even when the
/// list's entries are not in the snapshot.
fn lookup<'a>(topo: &Topology, rt: &'a RouteTable, dst: IpAddr, internet: bool) -> RouteTo<'a> {
    let mut best: Option<(Precedence, &'a Route)> = None;
    let mut offer = |rank: u16, i: usize, r: &'a Route| {
        let key = precedence(rank, r, i);
        if best.as_ref().is_none_or(|(k, _)| key < *k) {
            best = Some((key, r));
        }
    };
    for (i, r) in rt.routes.iter().enumerate() {
        match &r.destination {
            RouteDestination::Ipv4(n) => {
                if let IpAddr::V4(a) = dst {
                    if n.contains(&a) {
                        offer(rank(n.prefix_len(), true), i, r);
                    }
                }
            }
            RouteDestination::Ipv6(n) => {
                if let IpAddr::V6(a) = dst {
                    if n.contains(&a) {
                        offer(rank(n.prefix_len(), true), i, r);
                    }
                }
            }
            RouteDestination::PrefixList(pl) => match topo.prefix_list(pl) {
                Some(p) if p.entries_known => {
                    for c in p.cidrs.iter().filter(|c| c.contains(&dst)) {
                        offer(rank(c.prefix_len(), false), i, r);
                    }
                }
                Some(p) if internet && Atoms::is_service_list(&p.name) => {}
                _ if internet && matches!(r.target, RouteTarget::VpcEndpoint(_)) => {}
                // Unknown entries outrank every route (`route_parts`).
                _ => return RouteTo::Unknown,
            },
        }
    }
    best.map_or(RouteTo::NoRoute, |(_, r)| RouteTo::Route(r))
}

/// An address that stands for "the internet" in [`internet_route`]:
/// 192.0.2.1, of TEST-NET-1 (RFC 5737), public to the engine (not in
/// `atoms::NON_PUBLIC`) but in no AWS range or prefix list, so only the
/// routes that catch arbitrary public addresses (0.0.0.0/0, or the more
/// specific routes that split it) cover it.
pub const INTERNET_V4: Ipv4Addr = Ipv4Addr::new(192, 0, 2, 1);

/// The IPv6 counterpart of [`INTERNET_V4`]: 2001:db8::1 (RFC 3849).
pub const INTERNET_V6: Ipv6Addr = Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 1);

/// The route table of `subnet` and the route its traffic to the internet
/// (IPv4) takes: the longest-prefix match for [`INTERNET_V4`], not the
/// literal 0.0.0.0/0 route, which loses to more specific routes (say
/// 0.0.0.0/1 and 128.0.0.0/1). `None` when the subnet has no route table in
/// the snapshot.
pub fn internet_route<'a>(
    topo: &'a Topology,
    subnet: &str,
) -> Option<(&'a RouteTable, RouteTo<'a>)> {
    let rt = topo.route_table_of_subnet(subnet)?;
    Some((rt, internet_route_of(topo, rt, false)))
}

/// The route that IPv4 (or, with `ipv6`, IPv6) internet traffic takes from
/// `rt`: the lookup of [`INTERNET_V4`] ([`INTERNET_V6`]).
pub fn internet_route_of<'a>(topo: &Topology, rt: &'a RouteTable, ipv6: bool) -> RouteTo<'a> {
    let dst = if ipv6 {
        IpAddr::V6(INTERNET_V6)
    } else {
        IpAddr::V4(INTERNET_V4)
    };
    lookup(topo, rt, dst, true)
}

/// The internet gateway that the internet route of `subnet` goes to (a
/// public subnet) with that route: `Some(None)` for a private subnet, `None`
/// when it is unknown (no route table, or a prefix list without entries).
pub fn public_route<'a>(topo: &'a Topology, subnet: &str) -> Option<Option<(&'a str, &'a Route)>> {
    match internet_route(topo, subnet)? {
        (_, RouteTo::Unknown) => None,
        (_, to) => Some(to.active().and_then(|r| match &r.target {
            RouteTarget::InternetGateway(igw) => Some((igw.as_str(), r)),
            _ => None,
        })),
    }
}

/// The NAT gateway that the internet route of `subnet` goes to, with that
/// route, when the NAT gateway reaches the internet
/// ([`super::nat::reaches_internet`]).
pub fn nat_route<'a>(topo: &'a Topology, subnet: &str) -> Option<(&'a NatGateway, &'a Route)> {
    let (_, to) = internet_route(topo, subnet)?;
    let r = to.active()?;
    let RouteTarget::NatGateway(id) = &r.target else {
        return None;
    };
    topo.nat_gateway(id)
        .filter(|n| super::nat::reaches_internet(n))
        .map(|n| (n, r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::snapshot::Snapshot;
    use serde_json::{json, Value};

    /// A VPC 10.0.0.0/16 whose subnet-a uses rtb-a with `routes`; pl-s3
    /// holds 52.0.0.0/8 and 192.0.2.0/24, pl-unknown has unknown entries;
    /// nat-1 is an available public NAT gateway.
    fn topo(routes: Value) -> Topology {
        let v = json!({
            "schema_version": 1,
            "vpcs": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"]}],
            "subnets": [{"id": "subnet-a", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24"}],
            "route_tables": [{"id": "rtb-a", "vpc_id": "vpc-1", "subnet_ids": ["subnet-a"],
                "routes": routes}],
            "prefix_lists": [
                {"id": "pl-s3", "name": "some-list", "cidrs": ["52.0.0.0/8", "192.0.2.0/24"], "entries_known": true},
                {"id": "pl-unknown", "name": "other", "entries_known": false}],
            "nat_gateways": [{"id": "nat-1", "vpc_id": "vpc-1", "subnet_id": "subnet-b",
                "state": "available",
                "addresses": [{"private_ip": "10.0.9.5", "public_ip": "203.0.113.5"}]}],
        });
        let snap: Snapshot = serde_json::from_value(v).unwrap();
        Topology::build(&snap).0
    }

    fn v4(n: &str, target: Value) -> Value {
        json!({"destination": {"kind": "ipv4", "value": n}, "target": target})
    }
    fn local() -> Value {
        v4("10.0.0.0/16", json!({"kind": "local"}))
    }
    fn igw() -> Value {
        json!({"kind": "internet-gateway", "id": "igw-1"})
    }
    fn nat() -> Value {
        json!({"kind": "nat-gateway", "id": "nat-1"})
    }

    fn target(t: &Topology, dst: &str) -> String {
        let rt = t.route_table("rtb-a").unwrap();
        match route_to(t, rt, dst.parse().unwrap()) {
            RouteTo::Route(r) => r.target.id().to_string(),
            RouteTo::NoRoute => "none".into(),
            RouteTo::Unknown => "unknown".into(),
        }
    }

    #[test]
    fn longest_prefix_wins_and_static_beats_a_prefix_list_entry() {
        let t = topo(json!([
            local(),
            v4("0.0.0.0/0", igw()),
            v4("52.1.0.0/16", json!({"kind": "transit-gateway", "id": "tgw-1"})),
            v4("192.0.2.0/24", nat()),
            {"destination": {"kind": "prefix-list", "value": "pl-s3"},
             "target": {"kind": "vpc-endpoint", "id": "vpce-1"}},
        ]));
        assert_eq!(target(&t, "10.0.1.9"), "local");
        assert_eq!(target(&t, "8.8.8.8"), "igw-1");
        assert_eq!(target(&t, "52.9.9.9"), "vpce-1"); // /8 entry beats /0
        assert_eq!(target(&t, "52.1.2.3"), "tgw-1"); // /16 beats the /8 entry
        assert_eq!(target(&t, "192.0.2.1"), "nat-1"); // static /24 beats entry /24
                                                      // IPv6 is routed by IPv6 routes only.
        assert_eq!(target(&t, "2001:db8::1"), "none");
    }

    #[test]
    fn local_route_wins_a_tie_and_unknown_prefix_lists_make_it_unknown() {
        let t = topo(json!([v4("10.0.0.0/16", nat()), local()]));
        assert_eq!(target(&t, "10.0.3.3"), "local");
        assert_eq!(target(&t, "8.8.8.8"), "none");
        let t = topo(json!([
            local(),
            v4("0.0.0.0/0", igw()),
            {"destination": {"kind": "prefix-list", "value": "pl-unknown"},
             "target": {"kind": "vpc-endpoint", "id": "vpce-1"}},
        ]));
        assert_eq!(target(&t, "8.8.8.8"), "unknown");
        // A gateway endpoint's list is an AWS service's: it never holds the
        // internet's stand-in, captured or not.
        assert!(matches!(
            public_route(&t, "subnet-a"),
            Some(Some(("igw-1", _)))
        ));
        let t = topo(json!([
            local(),
            v4("0.0.0.0/0", igw()),
            {"destination": {"kind": "prefix-list", "value": "pl-unknown"},
             "target": {"kind": "transit-gateway", "id": "tgw-1"}},
        ]));
        assert_eq!(public_route(&t, "subnet-a"), None);
    }

    #[test]
    fn route_to_agrees_with_route_parts() {
        let t = topo(json!([
            v4("0.0.0.0/0", igw()),
            v4("10.0.0.0/16", nat()),
            local(),
            v4("52.1.0.0/16", json!({"kind": "transit-gateway", "id": "tgw-1"})),
            v4("192.0.2.0/24", nat()),
            {"destination": {"kind": "prefix-list", "value": "pl-s3"},
             "target": {"kind": "vpc-endpoint", "id": "vpce-1"}},
        ]));
        let rt = t.route_table("rtb-a").unwrap();
        let (parts, _, _) = route_parts(&t, &Atoms::default(), rt);
        for a in [
            "10.0.0.1",
            "10.0.255.255",
            "8.8.8.8",
            "52.0.0.0",
            "52.1.0.1",
            "52.2.0.0",
            "192.0.2.1",
            "192.0.3.1",
            "255.255.255.255",
            "0.0.0.0",
        ] {
            let ip: Ipv4Addr = a.parse().unwrap();
            let x = u32::from(ip) as u64;
            let by_parts = parts
                .iter()
                .find(|(_, s, _)| s.iter().any(|iv| iv.lo <= x && x <= iv.hi))
                .map(|(i, _, _)| &rt.routes[*i]);
            let by_lookup = match route_to(&t, rt, IpAddr::V4(ip)) {
                RouteTo::Route(r) => Some(r),
                _ => None,
            };
            assert_eq!(by_parts, by_lookup, "{a}");
        }
    }

    #[test]
    fn the_internet_route_is_the_longest_prefix_match_not_the_literal_default_issue_13() {
        // Issue 13: checks, explain, the diagram and the fixes took the
        // literal 0.0.0.0/0 route as the subnet's way to the internet.
        // With 0.0.0.0/1 and 128.0.0.0/1 to a NAT gateway, AWS sends all
        // internet traffic to the NAT gateway: the subnet is private.
        let t = topo(json!([
            local(),
            v4("0.0.0.0/0", igw()),
            v4("0.0.0.0/1", nat()),
            v4("128.0.0.0/1", nat()),
        ]));
        assert_eq!(public_route(&t, "subnet-a"), Some(None));
        let (n, r) = nat_route(&t, "subnet-a").unwrap();
        assert_eq!(
            (n.id.as_str(), r.destination.to_string().as_str()),
            ("nat-1", "128.0.0.0/1")
        );
        // Without a 0.0.0.0/0 route, the two halves still carry it.
        let t = topo(json!([
            local(),
            v4("0.0.0.0/1", igw()),
            v4("128.0.0.0/1", igw())
        ]));
        assert!(matches!(
            public_route(&t, "subnet-a"),
            Some(Some(("igw-1", _)))
        ));
        // A blackhole default route wins and drops: no way out.
        let t = topo(json!([local(),
            {"destination": {"kind": "ipv4", "value": "0.0.0.0/0"}, "target": igw(), "active": false}]));
        assert_eq!(public_route(&t, "subnet-a"), Some(None));
        assert_eq!(nat_route(&t, "subnet-a"), None);
    }
}
