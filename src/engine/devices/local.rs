//! The VPC router's `local` route: delivery to the owner of a private
//! address in the same VPC.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html>,
//! "local route"): every route table has a route for the VPC's CIDRs that
//! delivers within the VPC. A private address belongs to its VPC: two VPCs
//! that reuse a CIDR never see each other's addresses (the topology indexes
//! owners per VPC, `graph::Topology::owners_in_range`). An address that no
//! ENI holds is dropped where it would be: in its subnet, or at the VPC
//! router when no subnet holds it.
//!
//! Reachability Analyzer codes produced: `UNKNOWN_DESTINATION` (no network
//! interface holds the address; Batfish says `NEIGHBOR_UNREACHABLE` in a
//! subnet). Out of scope: `VPC_LOCAL_ROUTE_CIDR_RESTRICTION` (local routes
//! narrowed to a subnet with a middlebox are not captured).

use std::net::Ipv4Addr;

use crate::findings::{Code, Decision, Kind, Rule, Why};

use super::super::branch::Branch;
use super::super::env::Ctx;
use super::super::result::Direction;
use super::super::space::{Iv, DST, IPV4_MAX};
use super::{At, Step};

impl Ctx<'_> {
    pub(super) fn deliver_local(
        &mut self,
        b: Branch,
        from: Option<&str>,
        vpc: &str,
        out: &mut Vec<Step>,
    ) {
        let topo = self.topo;
        let dsts = b.ideal.projection(DST);
        // Owners of the destination addresses.
        let mut owned: Vec<(String, Vec<Iv>)> = Vec::new();
        let mut unowned: Vec<Iv> = Vec::new();
        for iv in &dsts {
            let concrete_hi = iv.hi.min(IPV4_MAX);
            if iv.lo <= concrete_hi {
                let mut cursor = iv.lo;
                for (ip, owner) in topo.owners_in_range(vpc, iv.lo as u32, concrete_hi as u32) {
                    let ip = ip as u64;
                    if ip > cursor {
                        unowned.push(Iv::new(cursor, ip - 1));
                    }
                    match owned.iter_mut().find(|(o, _)| o == owner) {
                        Some((_, v)) => v.push(Iv::point(ip)),
                        None => owned.push((owner.to_string(), vec![Iv::point(ip)])),
                    }
                    cursor = ip + 1;
                }
                if cursor <= concrete_hi {
                    unowned.push(Iv::new(cursor, concrete_hi));
                }
            }
            if iv.hi > IPV4_MAX {
                let lo = iv.lo.max(IPV4_MAX + 1);
                for a in lo..=iv.hi.min(lo + 1024) {
                    if self.virtual_dst.as_ref().is_some_and(|v| v.0 == a) {
                        owned.push((format!("virtual:{a}"), vec![Iv::point(a)]));
                    } else {
                        unowned.push(Iv::point(a));
                    }
                }
            }
        }
        if !unowned.is_empty() {
            let mut nb = b.restrict_dst(&unowned, &unowned);
            let first = unowned[0].lo;
            let in_subnet = (first <= IPV4_MAX)
                .then(|| topo.subnet_containing(vpc, Ipv4Addr::from(first as u32)))
                .flatten();
            let what = self.atoms.describe_set(&unowned);
            match in_subnet {
                Some(s) => {
                    nb.hop(
                        &s.id,
                        Kind::Subnet,
                        Decision::Deny,
                        Rule::NoOwner(what.clone()),
                    );
                    nb.block(
                        &s.id,
                        Kind::Subnet,
                        Direction::Forward,
                        Code::UnknownDestination,
                        Why::NoOwner { to: what },
                    );
                }
                None => {
                    nb.hop(
                        vpc,
                        Kind::Vpc,
                        Decision::Deny,
                        Rule::InNoSubnet(what.clone()),
                    );
                    nb.block(
                        vpc,
                        Kind::Vpc,
                        Direction::Forward,
                        Code::UnknownDestination,
                        Why::NoSubnet {
                            to: what,
                            vpc: vpc.to_string(),
                        },
                    );
                }
            }
            nb.drop_all();
            out.push(Step::Leaf(nb));
        }
        for (owner, ivs) in owned {
            let nb = b.restrict_dst(&ivs, &ivs);
            let from = from.map(str::to_string);
            out.push(Step::Next(nb, At::Eni { from, owner }));
        }
    }
}
