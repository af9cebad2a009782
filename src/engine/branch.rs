//! A branch of the path search: the flow space that has got this far
//! (`sure`, `maybe`, `ideal`; see `walk.rs`), the hops and blockers met on
//! the way, the reply checks still to do, and the current leg's address
//! translation.

use std::sync::Arc;

use crate::findings::{Code, Decision, Kind, Reason, Rule, Why};

use super::result::{Blocker, Direction, Hop};
use super::space::{Cube, Iv, Space, Transform, DST, SRC};

/// Forward and reply transforms of the current leg.
#[derive(Debug, Clone, Copy)]
pub(super) struct Leg {
    pub fwd: Transform,
    pub rev: Transform,
}

pub(super) const PLAIN: Leg = Leg {
    fwd: Transform::IDENTITY,
    rev: Transform::REPLY,
};

/// A stateless filter the reply must still cross: the NACL of `subnet` in
/// the reply's direction (`egress`), on the reply leg `rev`.
#[derive(Debug, Clone)]
pub(super) struct PendingReturn {
    pub subnet: String,
    pub egress: bool,
    pub rev: Transform,
}

#[derive(Debug, Clone)]
pub(super) struct Branch {
    pub sure: Space,
    pub maybe: Space,
    pub ideal: Space,
    pub hops: Vec<Arc<Hop>>,
    pub ret_hops: Vec<Arc<Hop>>,
    pub blockers: Vec<Blocker>,
    pub unknown: bool,
    pub returns: Vec<PendingReturn>,
    pub leg: Leg,
    /// Whether the sender has a public address an internet gateway can map.
    pub src_public: bool,
    /// NAT gateway the flow went through (its public address is the source now).
    pub via_nat: Option<String>,
    pub depth: u8,
}

impl Branch {
    pub(super) fn restrict_dst(&self, sure: &[Iv], maybe: &[Iv]) -> Branch {
        let mut b = self.clone();
        b.sure = self.sure.restrict(DST, sure);
        b.maybe = self.maybe.restrict(DST, maybe);
        b.ideal = self.ideal.restrict(DST, maybe);
        b
    }
    /// The branch for the sources in `sure` (for certain) and `maybe`.
    pub(super) fn restrict_src(&self, sure: &[Iv], maybe: &[Iv]) -> Branch {
        let mut b = self.clone();
        b.sure = self.sure.restrict(SRC, sure);
        b.maybe = self.maybe.restrict(SRC, maybe);
        b.ideal = self.ideal.restrict(SRC, maybe);
        b
    }
    pub(super) fn hop(&mut self, resource: &str, kind: Kind, decision: Decision, rule: Rule) {
        self.hops.push(Arc::new(Hop {
            resource: resource.to_string(),
            kind,
            decision,
            rule,
        }));
    }
    /// Record a filter's hop on the forward path or the reply's.
    pub(super) fn push_hop(&mut self, dir: Direction, hop: Arc<Hop>) {
        match dir {
            Direction::Forward => self.hops.push(hop),
            Direction::Return => self.ret_hops.push(hop),
        }
    }
    pub(super) fn block(
        &mut self,
        resource: &str,
        kind: Kind,
        dir: Direction,
        code: Code,
        why: Why,
    ) {
        self.blockers.push(Blocker {
            resource: resource.to_string(),
            kind,
            direction: dir,
            code,
            reason: Reason::new(why),
        });
    }
    /// The flow cannot go on here: nothing passes.
    pub(super) fn drop_all(&mut self) {
        self.sure = Space::empty();
        self.maybe = Space::empty();
    }
    /// The flow's fate here depends on data we lack.
    pub(super) fn make_unknown(&mut self) {
        self.sure = Space::empty();
        self.unknown = true;
    }
}

/// The smallest cube holding every packet the branch can present on the
/// leg `t` (its ideal, maybe and sure packets, mapped): a filter's packets
/// outside it cannot change the branch (see [`Space::clip`]). `None` when
/// the branch holds no packet at all.
pub(super) fn leg_box(t: Transform, b: &Branch) -> Option<Cube> {
    [&b.ideal, &b.maybe, &b.sure]
        .into_iter()
        .filter_map(|s| t.image_bbox(s))
        .reduce(|a, c| std::array::from_fn(|d| Iv::new(a[d].lo.min(c[d].lo), a[d].hi.max(c[d].hi))))
}
