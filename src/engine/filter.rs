//! The filtering step every filter shares (security groups, network ACLs,
//! a gateway endpoint's protocol restriction): what passes for sure, what
//! may pass (missing data), and, measured against `ideal`, whether the
//! filter is a blocker. Filters differ only in the packets they admit
//! ([`Admits`], from `rules.rs` and the caches); this is where admitted
//! packets turn into the branch's new spaces and the blocker's words.

use crate::findings::{Code, Decision, Filter, Finding, Kind, Note, Packets, Ports, Why};

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
        kind: Kind,
        code: Code,
        filter: &dyn Fn() -> Filter,
    ) -> Decision {
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
            self.notes.push(Note::Unproven {
                resource: resource.to_string(),
                filter: filter(),
            });
        }
        let ideal_ok = if b.ideal == b.sure {
            new_sure.clone()
        } else {
            t.forall_preimage(&b.ideal, &adm.sure)
        };
        if !b.ideal.is_subset_of(&ideal_ok) {
            let rejected = t.apply(&b.ideal.subtract(&ideal_ok)).subtract(&adm.sure);
            let leg_all = t.apply(&b.ideal);
            let (finding, packets) = if ideal_ok.is_empty() && !leg_all.meets(&adm.maybe) {
                (Finding::AdmitsNone, self.describe_packets(&leg_all))
            } else if ideal_ok.is_empty() {
                (Finding::Unproven, self.describe_packets(&leg_all))
            } else {
                (Finding::Rejects, self.describe_packets(&rejected))
            };
            b.block(
                resource,
                kind,
                dir,
                code,
                Why::Filter {
                    filter: filter(),
                    finding,
                    packets,
                },
            );
        }
        // `new_maybe` is within `maybe`: all of it passes when they are
        // the same set.
        let decision = if b.maybe.is_empty() {
            Decision::NotReached
        } else if new_maybe.is_empty() {
            Decision::Deny
        } else if b.maybe == new_maybe || b.maybe.is_subset_of(&new_maybe) {
            Decision::Allow
        } else {
            Decision::Partial
        };
        b.sure = new_sure;
        b.maybe = new_maybe;
        decision
    }

    /// The packets of `s`, by field (a field that holds every value is
    /// left out; ports only for TCP and UDP).
    pub(super) fn describe_packets(&self, s: &Space) -> Packets {
        let protos = s.projection(PROTO);
        let has_ports = protos
            .iter()
            .all(|iv| iv.lo == iv.hi && (iv.lo == 6 || iv.lo == 17));
        let addrs = |d: usize| {
            let v = s.projection(d);
            (v != vec![Iv::new(0, ADDR_MAX)]).then(|| self.atoms.describe_set(&v))
        };
        let ports = |d: usize| {
            let v = s.projection(d);
            (has_ports && v != vec![Iv::new(0, 65535)]).then(|| ports_of(&v))
        };
        Packets {
            protocols: protos.iter().map(|iv| (iv.lo as u8, iv.hi as u8)).collect(),
            src: addrs(SRC),
            src_ports: ports(SPORT),
            dst: addrs(DST),
            dst_ports: ports(DPORT),
        }
    }
}

/// Port intervals as [`Ports`].
pub(super) fn ports_of(v: &[Iv]) -> Ports {
    Ports(v.iter().map(|iv| (iv.lo as u16, iv.hi as u16)).collect())
}
