//! What every evaluation of one run shares: the packets a filter admits,
//! how a route table splits the addresses, and witness text.
//!
//! An audit asks the same handful of questions of the same filters for
//! every profile in every subnet behind them, and turning rules into packet
//! sets is the most expensive step of an evaluation, so:
//! - a NACL direction's admits depend only on the ACL, the direction and
//!   the evaluation's atoms as far as CIDRs see them
//!   ([`Atoms::cidr_signature`]: the subnets of virtual ENIs, which atoms
//!   are services): computed once per (ACL, direction, signature);
//! - a security-group rule's admits are its admits without atoms, which
//!   depend on the rule alone (computed once per run), plus the few packets
//!   that reach the evaluation's atoms (computed once per evaluation, see
//!   [`rules::sg_rule_atom_peers`]: a path meets the same groups on several
//!   branches). A group set's admits are put together from its rules',
//!   each clipped to the packets the path can present first;
//! - a route table's split of the destination addresses depends only on
//!   the table and [`Atoms::route_signature`]: computed once per pair;
//! - a NACL direction's hop (with its witness text) depends only on its
//!   entries (the shared admits above), the packets that reach it and its
//!   decision; a rule's witness line only on the rule. Hops are kept for
//!   the recent flows ([`WITNESS_CAP`]): an audit meets the same ones
//!   within a domain.
//!
//! A cache belongs to one [`Topology`]: filters are keyed by their address
//! in it, which is stable because the topology is immutable while it is
//! borrowed.

use foldhash::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use ipnet::Ipv4Net;

use super::atoms::{AddrMatch, AtomKind, Atoms};
use super::result::Hop;
use super::rules::{self, nacl_rules, sg_rule_admits, Admits, NaclRules};
use super::space::{Cube, Iv, Space};
use crate::findings::{Decision, SgRuleRef};
use crate::graph::Topology;
use crate::snapshot::{NetworkAcl, RouteTable, SecurityGroup, SgRule};

/// How a route table splits the destination addresses (atoms included):
/// for each route that wins some, (its index, the addresses it certainly
/// and possibly wins), and the addresses no route certainly and possibly
/// covers. It depends on the table and the atoms' route signature alone
/// ([`Atoms::route_signature`]), so [`Cache::route_parts`] keeps it.
pub(super) type RouteParts = (Vec<(usize, Vec<Iv>, Vec<Iv>)>, Vec<Iv>, Vec<Iv>);

/// The atoms of one evaluation, as an interned signature id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sig {
    /// How many atoms the id describes (atoms are only ever added).
    pub atoms: usize,
    cidr: u32,
    /// [`Atoms::route_signature`].
    route: u32,
}

/// Filter answers shared by the evaluations of one run over one topology.
#[derive(Debug, Default)]
pub struct Cache {
    topo: usize,
    cidr_sigs: HashMap<Vec<Option<Option<Ipv4Net>>>, u32>,
    route_sigs: HashMap<Vec<AtomKind>, u32>,
    /// Route tables' splits of the addresses, by table (its address in the
    /// topology) and route signature.
    route_parts: HashMap<(usize, u32), Rc<RouteParts>>,
    nacl: HashMap<(usize, bool, u32), Rc<NaclRules>>,
    /// The same, keyed by what each entry covers of the atoms (the only
    /// way atoms reach a NACL's packets): evaluations whose sources sit
    /// in different subnets that no entry tells apart share one answer.
    nacl_by_cover: HashMap<(usize, bool, Vec<AddrMatch>), Rc<NaclRules>>,
    /// Endpoint policy documents (by address in the topology) -> whether
    /// the document is the default full-access policy.
    full_access: HashMap<(usize, usize), bool>,
    /// Without atoms.
    sg_rule: HashMap<(usize, bool), Rc<Admits>>,
    /// To or from the atoms of the current evaluation (`atoms_of`): a
    /// path meets the same groups on several branches (one per endpoint
    /// ENI, say).
    sg_rule_atoms: HashMap<(usize, bool), Rc<Admits>>,
    /// NACL hops by (NACL direction, packets, decision).
    nacl_hops: HashMap<(usize, Space, Decision), Arc<Hop>>,
    /// Witness lines of security-group rules.
    sg_rule_ref: HashMap<(usize, bool), Arc<SgRuleRef>>,
    /// The evaluation and the number of its atoms the maps above are for.
    atoms_of: (u64, usize),
    /// Evaluations started ([`Cache::new_evaluation`]).
    evaluation: u64,
}

/// How many NACL hops a cache keeps before it forgets them all (an audit
/// meets the same ones within a domain).
const WITNESS_CAP: usize = 4096;

/// How many route-table splits a cache keeps before it forgets them all
/// (an audit needs them again within a domain's subnets).
const ROUTE_CAP: usize = 2048;

fn intern<K: std::hash::Hash + Eq>(map: &mut HashMap<K, u32>, k: K) -> u32 {
    let n = map.len() as u32;
    *map.entry(k).or_insert(n)
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// Panics (debug builds) when one cache is used with two topologies.
    fn check(&mut self, topo: &Topology) {
        let addr = topo as *const Topology as usize;
        if self.topo == 0 {
            self.topo = addr;
        }
        debug_assert_eq!(self.topo, addr, "an engine cache serves one topology");
    }

    pub(super) fn sig(&mut self, atoms: &Atoms) -> Sig {
        Sig {
            atoms: atoms.len(),
            cidr: intern(&mut self.cidr_sigs, atoms.cidr_signature()),
            route: intern(&mut self.route_sigs, atoms.route_signature()),
        }
    }

    /// One NACL direction: its entries' packets and what it admits.
    pub(super) fn nacl(
        &mut self,
        topo: &Topology,
        atoms: &Atoms,
        sig: Sig,
        acl: &NetworkAcl,
        egress: bool,
    ) -> Rc<NaclRules> {
        self.check(topo);
        let id = acl as *const NetworkAcl as usize;
        if let Some(r) = self.nacl.get(&(id, egress, sig.cidr)) {
            return r.clone();
        }
        // `nacl_rules` reads the atoms only through `cover_cidr` of each
        // entry's CIDR, whose concrete part is the CIDR itself.
        let cover: Vec<AddrMatch> = acl
            .entries
            .iter()
            .filter(|e| e.egress == egress)
            .filter_map(|e| e.cidr)
            .map(|n| atoms.cover_cidr_atoms(n))
            .collect();
        let r = self
            .nacl_by_cover
            .entry((id, egress, cover))
            .or_insert_with(|| Rc::new(nacl_rules(atoms, acl, egress)))
            .clone();
        self.nacl.insert((id, egress, sig.cidr), r.clone());
        r
    }

    /// [`super::policy::is_full_access_policy`], once per document.
    pub(super) fn full_access(&mut self, doc: &str) -> bool {
        *self
            .full_access
            .entry((doc.as_ptr() as usize, doc.len()))
            .or_insert_with(|| super::policy::is_full_access_policy(doc))
    }

    /// One rule of `sg`: its packets without atoms.
    pub(super) fn sg_rule(
        &mut self,
        topo: &Topology,
        sg: &SecurityGroup,
        rule: &SgRule,
        egress: bool,
    ) -> Rc<Admits> {
        self.check(topo);
        let owner = sg.owner_id.as_deref();
        self.sg_rule
            .entry((rule as *const SgRule as usize, egress))
            .or_insert_with(|| {
                Rc::new(sg_rule_admits(topo, &Atoms::default(), rule, egress, owner))
            })
            .clone()
    }

    /// One rule of `sg`: its packets to or from the atoms.
    pub(super) fn sg_rule_atoms(
        &mut self,
        topo: &Topology,
        atoms: &Atoms,
        sg: &SecurityGroup,
        rule: &SgRule,
        egress: bool,
    ) -> Rc<Admits> {
        self.check(topo);
        self.for_atoms(atoms);
        self.sg_rule_atoms
            .entry((rule as *const SgRule as usize, egress))
            .or_insert_with(|| {
                let mut at = Admits::default();
                let peers = rules::sg_rule_atom_peers(topo, atoms, rule, sg.owner_id.as_deref());
                if !peers.maybe.is_empty() {
                    let dim = if egress {
                        super::space::DST
                    } else {
                        super::space::SRC
                    };
                    let pp = rules::rule_proto_ports(rule);
                    at.sure = rules::product(pp, dim, &peers.sure);
                    at.maybe = rules::product(pp, dim, &peers.maybe);
                }
                Rc::new(at)
            })
            .clone()
    }

    /// The hop of a NACL direction that decided `decision` for the packets
    /// `leg` (`hop` makes it, naming the entries that decide them): the
    /// same hop for every flow that presents the same packets to the same
    /// entries, so the answers share it.
    pub(super) fn nacl_hop(
        &mut self,
        nacl: &Rc<NaclRules>,
        leg: Space,
        decision: Decision,
        hop: impl FnOnce(&Space) -> Hop,
    ) -> Arc<Hop> {
        // `nacl` is kept in `self.nacl`: its address names it for the run.
        let key = (Rc::as_ptr(nacl) as usize, leg, decision);
        if let Some(h) = self.nacl_hops.get(&key) {
            return Arc::clone(h);
        }
        if self.nacl_hops.len() >= WITNESS_CAP {
            self.nacl_hops.clear();
        }
        let h = Arc::new(hop(&key.1));
        self.nacl_hops.insert(key, Arc::clone(&h));
        h
    }

    /// Rule `i` of group `g` as a witness names it ("sg-1 ingress rule
    /// 3"), made once per rule.
    pub(super) fn sg_rule_ref(
        &mut self,
        g: &str,
        i: usize,
        rule: &SgRule,
        egress: bool,
    ) -> Arc<SgRuleRef> {
        self.sg_rule_ref
            .entry((rule as *const SgRule as usize, egress))
            .or_insert_with(|| {
                Arc::new(SgRuleRef {
                    group: g.to_string(),
                    egress,
                    index: i,
                    rule: rule.clone(),
                })
            })
            .clone()
    }

    /// [`super::devices::route_table::route_parts`] of `rt` for atoms with signature
    /// `sig` (`parts` computes it).
    pub(super) fn route_parts(
        &mut self,
        rt: &RouteTable,
        sig: Sig,
        parts: impl FnOnce() -> RouteParts,
    ) -> Rc<RouteParts> {
        if self.route_parts.len() >= ROUTE_CAP {
            self.route_parts.clear();
        }
        self.route_parts
            .entry((rt as *const RouteTable as usize, sig.route))
            .or_insert_with(|| Rc::new(parts()))
            .clone()
    }

    /// Start a new evaluation: what depends on the atoms is forgotten.
    pub(super) fn new_evaluation(&mut self) -> u64 {
        self.evaluation += 1;
        self.evaluation
    }

    /// Forget what was computed for other atoms: another evaluation's, or
    /// this one's before an atom was added.
    fn for_atoms(&mut self, atoms: &Atoms) {
        let now = (self.evaluation, atoms.len());
        if self.atoms_of != now {
            self.atoms_of = now;
            self.sg_rule_atoms.clear();
        }
    }

    /// The groups of one ENI, one direction, inside `within` (the packets
    /// the path can present: see [`super::space::Space::clip`]).
    pub(super) fn sg_set(
        &mut self,
        topo: &Topology,
        atoms: &Atoms,
        groups: &[String],
        egress: bool,
        within: &Cube,
    ) -> Admits {
        self.check(topo);
        // Rule by rule, each clipped before the union: a rule can hold a
        // cube per member of a referenced group, and most rules have no
        // packet inside `within` at all.
        let mut out = Admits::default();
        let add = |out: &mut Admits, a: &Admits| {
            let a = a.clip(within);
            if !a.maybe.is_empty() {
                out.sure = out.sure.union(&a.sure);
                out.maybe = out.maybe.union(&a.maybe);
            }
        };
        for g in groups {
            let Some(sg) = topo.security_group(g) else {
                // A missing group might admit anything.
                out.maybe = Space::cube(*within);
                continue;
            };
            for r in if egress { &sg.egress } else { &sg.ingress } {
                let plain = self.sg_rule(topo, sg, r, egress);
                add(&mut out, &plain);
                let at = self.sg_rule_atoms(topo, atoms, sg, r, egress);
                add(&mut out, &at);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::space::{Iv, DPORT, DST, FULL, PROTO, SRC};
    use crate::snapshot::Snapshot;

    fn same_set(a: &Space, b: &Space) -> bool {
        a.is_subset_of(b) && b.is_subset_of(a)
    }

    /// `sg_set` builds a group set's packets rule by rule, clipped, from
    /// per-rule parts with and without atoms; it must be exactly the
    /// set's packets (`sg_set_admits`, atoms included) inside the cube.
    #[test]
    fn sg_set_is_the_groups_packets_inside_the_cube() {
        let snap: Snapshot = serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "security_groups": [
                {"id": "sg-a", "owner_id": "1", "ingress": [
                    {"protocol": 6, "from_port": 443, "to_port": 443, "groups": [{"group_id": "sg-a"}]},
                    {"protocol": 6, "from_port": 8192, "to_port": 65535, "ipv4": ["10.0.1.0/24"]}
                ], "egress": [
                    {"protocol": -1, "ipv4": ["0.0.0.0/0"]},
                    {"protocol": 6, "from_port": 443, "to_port": 443, "prefix_lists": ["pl-s3", "pl-gone"]},
                    {"protocol": 6, "from_port": 2049, "to_port": 2049, "groups": [{"group_id": "sg-b"}, {"group_id": "sg-x", "user_id": "2"}]}
                ]},
                {"id": "sg-b", "owner_id": "1", "ingress": [
                    {"protocol": 6, "from_port": 2049, "to_port": 2049, "groups": [{"group_id": "sg-a"}]}
                ], "egress": []}
            ],
            "prefix_lists": [
                {"id": "pl-s3", "name": "com.amazonaws.eu-west-1.s3", "cidrs": ["52.218.0.0/17"], "entries_known": true}
            ],
            "network_interfaces": [
                {"id": "eni-1", "subnet_id": "subnet-1", "vpc_id": "vpc-1",
                 "private_ips": [{"address": "10.0.1.10", "primary": true}], "security_group_ids": ["sg-a"]},
                {"id": "eni-2", "subnet_id": "subnet-1", "vpc_id": "vpc-1",
                 "private_ips": [{"address": "10.0.1.11", "primary": true}], "security_group_ids": ["sg-b"]}
            ]
        }))
        .unwrap();
        let (topo, _) = Topology::build(&snap);
        let atoms = crate::engine::atoms::app_and_s3(&["sg-a", "sg-b"]);
        let mut narrow = FULL;
        narrow[PROTO] = Iv::point(6);
        narrow[DPORT] = Iv::point(2049);
        let mut atoms_only = FULL;
        atoms_only[SRC] = Iv::new(crate::engine::space::ATOM_BASE, FULL[SRC].hi);
        atoms_only[DST] = atoms_only[SRC];
        let sets: [&[&str]; 4] = [
            &["sg-a"],
            &["sg-b"],
            &["sg-a", "sg-b"],
            &["sg-a", "sg-gone"],
        ];
        let mut cache = Cache::new();
        for groups in sets {
            let groups: Vec<String> = groups.iter().map(|g| g.to_string()).collect();
            for egress in [true, false] {
                let want = rules::sg_set_admits(&topo, &atoms, &groups, egress);
                for within in [FULL, narrow, atoms_only] {
                    let got = cache.sg_set(&topo, &atoms, &groups, egress, &within);
                    let want = want.clip(&within);
                    assert!(same_set(&got.sure, &want.sure), "{groups:?} {egress} sure");
                    assert!(
                        same_set(&got.maybe, &want.maybe),
                        "{groups:?} {egress} maybe"
                    );
                }
            }
        }
        // The missing group makes every packet a maybe.
        let got = cache.sg_set(&topo, &atoms, &["sg-gone".to_string()], true, &narrow);
        assert!(got.sure.is_empty());
        assert_eq!(got.maybe, Space::cube(narrow));
    }
}
