//! The filtering step every filter shares (security groups, network ACLs,
//! a gateway endpoint's protocol restriction): what passes for sure, what
//! may pass (missing data), and, measured against `ideal`, whether the
//! filter is a blocker. Filters differ only in the packets they admit
//! ([`Admits`], from `rules.rs` and the caches); this is where admitted
//! packets turn into the branch's new spaces and the blocker's words.

use crate::findings::Code;
use crate::snapshot::Protocol;

use super::branch::{leg_box, Branch};
use super::env::Ctx;
use super::result::Direction;
use super::rules::Admits;
use super::space::{Iv, Space, Transform, ADDR_MAX, DPORT, DST, PROTO, SPORT, SRC};

impl Ctx<'_> {
    /// Apply a filter and, measured against `ideal`, record the blocker.
    /// Returns the decision for the filter's hop (which the caller
    /// records, see [`Branch::push_hop`]).
    #[allow(clippy::too_many_arguments)]
    pub(super) fn apply(
        &mut self,
        b: &mut Branch,
        t: Transform,
        adm: &Admits,
        dir: Direction,
        resource: &str,
        kind: &str,
        code: Code,
        what: &dyn Fn() -> String,
    ) -> &'static str {
        // Only the packets this branch can present to the filter matter.
        let adm = &match leg_box(t, b) {
            Some(c) => adm.clip(&c),
            None => Admits::default(),
        };
        // Exactly as `sure` and `maybe` are defined; the shortcuts skip
        // operations whose result is already known: most filters depend on
        // no missing data (adm.sure == adm.maybe), and most branches have
        // nothing unknown or blocked yet (sure == maybe == ideal).
        let exact = adm.sure == adm.maybe;
        let new_sure = t.forall_preimage(&b.sure, &adm.sure);
        let new_maybe = if t.is_bijection() {
            // The preimage of the leg's admitted part, within `maybe`.
            if exact && b.maybe == b.sure {
                new_sure.clone()
            } else {
                t.forall_preimage(&b.maybe, &adm.maybe)
            }
        } else {
            let leg_maybe = t.apply(&b.maybe).intersect(&adm.maybe);
            b.maybe.intersect(&t.exist_preimage(&leg_maybe))
        };
        if !exact
            && !t
                .forall_preimage(&b.sure, &adm.maybe)
                .is_subset_of(&new_sure)
        {
            b.unknown = true;
            self.notes.insert(format!(
                "{resource}: {} depends on data missing from the snapshot",
                what()
            ));
        }
        let ideal_ok = if b.ideal == b.sure {
            new_sure.clone()
        } else {
            t.forall_preimage(&b.ideal, &adm.sure)
        };
        if !b.ideal.is_subset_of(&ideal_ok) {
            let rejected = t.apply(&b.ideal.subtract(&ideal_ok)).subtract(&adm.sure);
            let leg_all = t.apply(&b.ideal);
            let what = what();
            let reason = if ideal_ok.is_empty() && !leg_all.meets(&adm.maybe) {
                format!("{what} admits none of {}", self.describe_packets(&leg_all))
            } else if ideal_ok.is_empty() {
                format!(
                    "{what} cannot be shown to admit {} (missing data)",
                    self.describe_packets(&leg_all)
                )
            } else {
                format!("{what} does not admit {}", self.describe_packets(&rejected))
            };
            b.block(resource, kind, dir, code, reason);
        }
        // `new_maybe` is within `maybe`: all of it passes when they are
        // the same set.
        let decision = if b.maybe.is_empty() {
            "not-reached"
        } else if new_maybe.is_empty() {
            "deny"
        } else if b.maybe == new_maybe || b.maybe.is_subset_of(&new_maybe) {
            "allow"
        } else {
            "partial"
        };
        b.sure = new_sure;
        b.maybe = new_maybe;
        decision
    }

    pub(super) fn describe_packets(&self, s: &Space) -> String {
        let protos = s.projection(PROTO);
        let proto = protos
            .iter()
            .map(|iv| {
                if *iv == Iv::new(0, 255) {
                    "all traffic".to_string()
                } else if iv.lo == iv.hi {
                    Protocol::Number(iv.lo as u8).to_string()
                } else {
                    format!("protocols {}-{}", iv.lo, iv.hi)
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let has_ports = protos
            .iter()
            .all(|iv| iv.lo == iv.hi && (iv.lo == 6 || iv.lo == 17));
        let mut out = proto;
        let src = s.projection(SRC);
        if src != vec![Iv::new(0, ADDR_MAX)] {
            out.push_str(&format!(" from {}", self.atoms.describe_set(&src)));
        }
        let sport = s.projection(SPORT);
        if has_ports && sport != vec![Iv::new(0, 65535)] {
            out.push_str(&format!(" port {}", describe_ports(&sport)));
        }
        let dst = s.projection(DST);
        if dst != vec![Iv::new(0, ADDR_MAX)] {
            out.push_str(&format!(" to {}", self.atoms.describe_set(&dst)));
        }
        let dport = s.projection(DPORT);
        if has_ports && dport != vec![Iv::new(0, 65535)] {
            out.push_str(&format!(" port {}", describe_ports(&dport)));
        }
        out
    }
}

pub(super) fn describe_ports(v: &[Iv]) -> String {
    v.iter()
        .map(|iv| {
            if iv.lo == iv.hi {
                iv.lo.to_string()
            } else {
                format!("{}-{}", iv.lo, iv.hi)
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}
