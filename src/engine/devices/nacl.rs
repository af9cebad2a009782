//! Network ACLs, at subnet boundaries.
//!
//! AWS rules (<https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html>,
//! docs/sagemaker-network.md section 4):
//! - a subnet has exactly one network ACL (the VPC's default one unless
//!   associated otherwise);
//! - entries are evaluated in rule-number order, the first match decides,
//!   the final `*` entry denies (the order is `rules.rs`' `nacl_rules`);
//! - stateless: a flow that leaves one subnet for another crosses the
//!   source subnet's outbound rules and the destination subnet's inbound
//!   rules, and the reply crosses them again the other way, to the
//!   client's ephemeral ports (`Settings::ephemeral_ports`);
//! - traffic within one subnet crosses no NACL.
//!
//! This file is the one place that says which NACLs a crossing meets and
//! which reply checks it leaves pending ([`Ctx::leave_subnet`],
//! [`Ctx::enter_subnet`], [`Ctx::cross_subnets`]); the reply checks run when
//! the branch ends (`walk.rs`, `leaf`).
//!
//! Reachability Analyzer codes: `SUBNET_ACL_RESTRICTION` (either direction,
//! request or reply) is produced here; a subnet whose ACL is not in the
//! snapshot gives `UNKNOWN_RESOURCE`.

use crate::findings::{Absent, AclEntry, Code, Filter, Kind, Note, Rule, Why};
use crate::snapshot::NetworkAcl;

use super::super::branch::{Branch, PendingReturn};
use super::super::env::Ctx;
use super::super::result::{Direction, Hop};
use super::super::rules::{nacl_witness_of, NaclRules};
use super::super::space::{Space, Transform};

impl Ctx<'_> {
    pub(in crate::engine) fn nacl_filter(
        &mut self,
        b: &mut Branch,
        subnet: &str,
        egress: bool,
        dir: Direction,
        t: Transform,
    ) {
        let Some(acl) = self.topo.nacl_of_subnet(subnet) else {
            let absent = Absent::NetworkAcl(subnet.to_string());
            self.notes.push(Note::Absent(absent.clone()));
            b.unknown = true;
            b.sure = Space::empty();
            b.block(
                subnet,
                Kind::Subnet,
                dir,
                Code::UnknownResource,
                Why::Absent(absent),
            );
            return;
        };
        let sig = self.sig();
        let nacl = self.cache.nacl(self.topo, &self.atoms, sig, acl, egress);
        let adm = &nacl.admits;
        // Witness on what arrives; when nothing does, on the candidate
        // (ideal) packets, so the hop still names the rules that matter.
        let leg = t.apply(if b.maybe.is_empty() {
            &b.ideal
        } else {
            &b.maybe
        });
        let what = || Filter::Acl {
            acl: acl.id.clone(),
            egress,
            subnet: subnet.to_string(),
        };
        let decision = self.apply(
            b,
            t,
            adm,
            dir,
            &acl.id,
            Kind::NetworkAcl,
            Code::SubnetAclRestriction,
            &what,
        );
        let hop = self.cache.nacl_hop(&nacl, leg, decision, |leg| Hop {
            resource: acl.id.clone(),
            kind: Kind::NetworkAcl,
            decision,
            rule: nacl_witness_rule(&nacl, acl, egress, leg),
        });
        b.push_hop(dir, hop);
    }

    /// The flow leaves `subnet` for a gateway or endpoint outside it: the
    /// subnet's outbound rules now, its inbound rules for the reply.
    pub(in crate::engine) fn leave_subnet(&mut self, b: &mut Branch, subnet: &str) {
        let (fwd, rev) = (b.leg.fwd, b.leg.rev);
        self.nacl_filter(b, subnet, true, Direction::Forward, fwd);
        b.returns.push(PendingReturn {
            subnet: subnet.to_string(),
            egress: false,
            rev,
        });
    }

    /// The flow enters `subnet` from outside it: the subnet's inbound rules
    /// now, its outbound rules for the reply.
    pub(in crate::engine) fn enter_subnet(&mut self, b: &mut Branch, subnet: &str) {
        let (fwd, rev) = (b.leg.fwd, b.leg.rev);
        self.nacl_filter(b, subnet, false, Direction::Forward, fwd);
        b.returns.push(PendingReturn {
            subnet: subnet.to_string(),
            egress: true,
            rev,
        });
    }

    /// From subnet `from` to subnet `to`: both ACLs, both ways; nothing
    /// within one subnet.
    pub(in crate::engine) fn cross_subnets(&mut self, b: &mut Branch, from: &str, to: &str) {
        if from != to {
            self.leave_subnet(b, from);
            self.enter_subnet(b, to);
        }
    }
}

/// A NACL direction's hop rule for the packets `leg`: the entries that
/// decide some of them, in order (at most 4 named).
fn nacl_witness_rule(nacl: &NaclRules, acl: &NetworkAcl, egress: bool, leg: &Space) -> Rule {
    let (allows, denies) = nacl_witness_of(nacl, leg);
    let mut entries: Vec<AclEntry> = allows.into_iter().chain(denies).collect();
    entries.dedup();
    let more = entries.len().saturating_sub(4);
    entries.truncate(4);
    Rule::Acl {
        acl: acl.id.clone(),
        egress,
        entries,
        more,
    }
}
