//! What every evaluation of one run shares: the packets a filter admits.
//!
//! A NACL direction's admits depend only on the ACL, the direction and the
//! atoms of the evaluation (see [`Atoms::cidr_signature`]); a security
//! group rule's, and a group set's, only on the rule or groups and the
//! label-free atoms ([`Atoms::rule_signature`]). An audit asks the same
//! handful of questions of the same ACL for every profile in every subnet
//! behind it, and turning 20 NACL entries into first-match packet sets is
//! the most expensive step of an evaluation, so each answer is computed
//! once per (filter, direction, signature) and shared.
//!
//! A cache belongs to one [`Topology`]: filters are keyed by their address
//! in it, which is stable because the topology is immutable while it is
//! borrowed.

use std::collections::HashMap;
use std::rc::Rc;

use ipnet::Ipv4Net;

use super::atoms::{AtomKind, Atoms};
use super::rules::{nacl_rules, sg_rule_admits, sg_set_admits, Admits, NaclRules};
use crate::graph::Topology;
use crate::snapshot::{NetworkAcl, SecurityGroup, SgRule};

/// The atoms of one evaluation, as interned signature ids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Sig {
    /// How many atoms the ids describe (atoms are only ever added).
    pub atoms: usize,
    cidr: u32,
    rule: u32,
}

/// Filter answers shared by the evaluations of one run over one topology.
#[derive(Debug, Default)]
pub struct Cache {
    topo: usize,
    cidr_sigs: HashMap<Vec<Option<Option<Ipv4Net>>>, u32>,
    rule_sigs: HashMap<Vec<AtomKind>, u32>,
    nacl: HashMap<(usize, bool, u32), Rc<NaclRules>>,
    sg_rule: HashMap<(usize, bool, u32), Rc<Admits>>,
    sg_set: HashMap<(Vec<usize>, bool, u32), Rc<Admits>>,
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
            rule: intern(&mut self.rule_sigs, atoms.rule_signature()),
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
        let key = (acl as *const NetworkAcl as usize, egress, sig.cidr);
        self.nacl
            .entry(key)
            .or_insert_with(|| Rc::new(nacl_rules(atoms, acl, egress)))
            .clone()
    }

    /// One rule of `sg`.
    pub(super) fn sg_rule(
        &mut self,
        topo: &Topology,
        atoms: &Atoms,
        sig: Sig,
        sg: &SecurityGroup,
        rule: &SgRule,
        egress: bool,
    ) -> Rc<Admits> {
        self.check(topo);
        let key = (rule as *const SgRule as usize, egress, sig.rule);
        self.sg_rule
            .entry(key)
            .or_insert_with(|| {
                Rc::new(sg_rule_admits(
                    topo,
                    atoms,
                    rule,
                    egress,
                    sg.owner_id.as_deref(),
                ))
            })
            .clone()
    }

    /// The groups of one ENI, one direction.
    pub(super) fn sg_set(
        &mut self,
        topo: &Topology,
        atoms: &Atoms,
        sig: Sig,
        groups: &[String],
        egress: bool,
    ) -> Rc<Admits> {
        self.check(topo);
        // Missing groups are all alike (0): any one makes `maybe` full.
        let ids: Vec<usize> = groups
            .iter()
            .map(|g| {
                topo.security_group(g)
                    .map_or(0, |sg| sg as *const SecurityGroup as usize)
            })
            .collect();
        self.sg_set
            .entry((ids, egress, sig.rule))
            .or_insert_with(|| Rc::new(sg_set_admits(topo, atoms, groups, egress)))
            .clone()
    }
}
