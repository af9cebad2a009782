//! What every evaluation of one run shares: the packets a filter admits.
//!
//! An audit asks the same handful of questions of the same filters for
//! every profile in every subnet behind them, and turning rules into packet
//! sets is the most expensive step of an evaluation, so:
//! - a NACL direction's admits depend only on the ACL, the direction and
//!   the evaluation's atoms as far as CIDRs see them
//!   ([`Atoms::cidr_signature`]: the subnets of virtual ENIs, which atoms
//!   are services): computed once per (ACL, direction, signature);
//! - a security-group rule's admits are its admits without atoms, which
//!   depend on the rule alone (computed once per run, for a rule and for a
//!   group set), plus the few packets that reach the evaluation's atoms
//!   (computed per evaluation; see [`rules::sg_rule_atom_peers`]).
//!
//! A cache belongs to one [`Topology`]: filters are keyed by their address
//! in it, which is stable because the topology is immutable while it is
//! borrowed.

use foldhash::HashMap;
use std::rc::Rc;

use ipnet::Ipv4Net;

use super::atoms::{AddrMatch, Atoms};
use super::rules::{
    self, nacl_rules, sg_rule_admits, sg_set_admits, sg_set_atom_admits, Admits, NaclRules,
};
use super::space::Cube;
use crate::graph::Topology;
use crate::snapshot::{NetworkAcl, SecurityGroup, SgRule};

/// The atoms of one evaluation, as an interned signature id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sig {
    /// How many atoms the id describes (atoms are only ever added).
    pub atoms: usize,
    cidr: u32,
}

/// Filter answers shared by the evaluations of one run over one topology.
#[derive(Debug, Default)]
pub struct Cache {
    topo: usize,
    cidr_sigs: HashMap<Vec<Option<Option<Ipv4Net>>>, u32>,
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
    /// Without atoms.
    sg_set: HashMap<(Vec<usize>, bool), Rc<Admits>>,
}

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

    /// [`super::dns::is_full_access_policy`], once per document.
    pub(super) fn full_access(&mut self, doc: &str) -> bool {
        *self
            .full_access
            .entry((doc.as_ptr() as usize, doc.len()))
            .or_insert_with(|| super::dns::is_full_access_policy(doc))
    }

    /// One rule of `sg`: (its packets without atoms, those to or from the
    /// atoms).
    pub(super) fn sg_rule(
        &mut self,
        topo: &Topology,
        atoms: &Atoms,
        sg: &SecurityGroup,
        rule: &SgRule,
        egress: bool,
    ) -> (Rc<Admits>, Admits) {
        self.check(topo);
        let owner = sg.owner_id.as_deref();
        let plain = self
            .sg_rule
            .entry((rule as *const SgRule as usize, egress))
            .or_insert_with(|| {
                Rc::new(sg_rule_admits(topo, &Atoms::default(), rule, egress, owner))
            })
            .clone();
        let mut at = Admits::default();
        let peers = rules::sg_rule_atom_peers(topo, atoms, rule, owner);
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
        (plain, at)
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
        // Missing groups are all alike (0): any one makes `maybe` full.
        let ids: Vec<usize> = groups
            .iter()
            .map(|g| {
                topo.security_group(g)
                    .map_or(0, |sg| sg as *const SecurityGroup as usize)
            })
            .collect();
        let plain = self
            .sg_set
            .entry((ids, egress))
            .or_insert_with(|| Rc::new(sg_set_admits(topo, &Atoms::default(), groups, egress)))
            .clone();
        // Clipped before the union: the shared part can hold a cube per
        // member of every referenced group.
        let plain = plain.clip(within);
        let at = sg_set_atom_admits(topo, atoms, groups, egress).clip(within);
        if at.maybe.is_empty() {
            return plain;
        }
        Admits {
            sure: plain.sure.union(&at.sure),
            maybe: plain.maybe.union(&at.maybe),
        }
    }
}
