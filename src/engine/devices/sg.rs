//! Security groups, applied on an ENI (egress when the flow leaves its
//! source, ingress when it is delivered).
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html>,
//! docs/sagemaker-network.md section 3):
//! - allow rules only; a flow passes when any rule of any group on the ENI
//!   admits it (the groups' rules are one set);
//! - stateful: the reply of an admitted flow passes whatever the rules say,
//!   so only the request is filtered here (the reply's NACLs are checked in
//!   `nacl.rs`);
//! - a rule's peer is a CIDR, a prefix list or a security group (the
//!   members' private addresses); the packet sets come from `rules.rs` and
//!   the caches.
//!
//! Reachability Analyzer codes: `ENI_SG_RULES_MISMATCH` (no rule admits the
//! flow) and `SG_HAS_NO_RULES` (the groups have no rule in that direction)
//! are produced here. Out of scope: `SG_REFERENCES_NOT_PRESERVED`,
//! `SG_REFERENCING_SUPPORT` and `UNKNOWN_PEERED_SGS` (group references across
//! peering and transit gateways, which the engine does not model yet; such
//! references make a rule's peers unknown, so the verdict is `unknown`).

use crate::findings::{Code, Filter, GroupRules, Kind, Label, Matched, Rule};

use super::super::branch::{leg_box, Branch};
use super::super::env::Ctx;
use super::super::result::Direction;
use super::super::space::FULL;

impl Ctx<'_> {
    pub(in crate::engine) fn sg_filter(
        &mut self,
        b: &mut Branch,
        groups: &[String],
        egress: bool,
        owner: &Label,
    ) {
        let t = b.leg.fwd;
        let within = leg_box(t, b).unwrap_or(FULL);
        let adm = self
            .cache
            .sg_set(self.topo, &self.atoms, groups, egress, &within);
        // Witness on what arrives; when nothing does, on the candidate
        // (ideal) packets, so the hop still names the rules that matter.
        let leg = t.apply(if b.maybe.is_empty() {
            &b.ideal
        } else {
            &b.maybe
        });
        let mut matched: Vec<Matched> = Vec::new();
        let mut first_match = None;
        for g in groups {
            let Some(sg) = self.topo.security_group(g) else {
                matched.push(Matched::MissingGroup(g.clone()));
                continue;
            };
            let rules = if egress { &sg.egress } else { &sg.ingress };
            for (i, r) in rules.iter().enumerate() {
                let plain = self.cache.sg_rule(self.topo, sg, r, egress);
                if leg.meets(&plain.maybe)
                    || leg.meets(
                        &self
                            .cache
                            .sg_rule_atoms(self.topo, &self.atoms, sg, r, egress)
                            .maybe,
                    )
                {
                    first_match.get_or_insert_with(|| g.clone());
                    matched.push(Matched::Rule(self.cache.sg_rule_ref(g, i, r, egress)));
                }
            }
        }
        let resource = first_match
            .unwrap_or_else(|| groups.first().cloned().unwrap_or_else(|| owner.to_string()));
        let any_rules = groups
            .iter()
            .filter_map(|g| self.topo.security_group(g))
            .any(|sg| !(if egress { &sg.egress } else { &sg.ingress }).is_empty());
        let code = if groups.is_empty() || !any_rules {
            Code::SgHasNoRules
        } else {
            Code::EniSgRulesMismatch
        };
        let rule = if matched.is_empty() {
            // Show what the groups do allow, so the gap is visible.
            let mut existing = Vec::new();
            'groups: for sg in groups.iter().filter_map(|g| self.topo.security_group(g)) {
                let rules = if egress { &sg.egress } else { &sg.ingress };
                for (i, r) in rules.iter().enumerate() {
                    if existing.len() == 4 {
                        break 'groups;
                    }
                    existing.push(self.cache.sg_rule_ref(&sg.id, i, r, egress));
                }
            }
            GroupRules::NoMatch {
                egress,
                groups: groups.to_vec(),
                existing,
            }
        } else {
            let more = matched.len().saturating_sub(4);
            matched.truncate(4);
            GroupRules::Matched {
                rules: matched,
                more,
            }
        };
        let what = || Filter::Groups {
            egress,
            owner: owner.clone(),
            groups: groups.to_vec(),
        };
        let decision = self.apply(
            b,
            t,
            &adm,
            Direction::Forward,
            &resource,
            Kind::SecurityGroup,
            code,
            &what,
        );
        b.hop(&resource, Kind::SecurityGroup, decision, Rule::Groups(rule));
    }
}
