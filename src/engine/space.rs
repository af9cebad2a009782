//! Flow spaces: exact sets of packets as unions of disjoint boxes.
//!
//! A packet is (protocol, source address, destination address, source port,
//! destination port). A [`Space`] is a finite union of pairwise-disjoint
//! [`Cube`]s (one inclusive interval per dimension). That is enough to decide
//! "the whole space gets through" exactly, without sampling packets (the
//! same idea as Batfish's BDDs or Tiros' bit-vectors, at the scale of one
//! query).
//!
//! Addresses live in a `u64` line: `0..2^32` are IPv4 addresses; above that
//! sit *atoms*, symbolic addresses the snapshot cannot make concrete (the
//! public ranges of an AWS service when no ip-ranges.json is given, the
//! address a not-yet-created Studio app ENI will get in its subnet). See
//! [`super::atoms`].
//!
//! For ICMP the port dimensions carry the ICMP type (destination port) and
//! code (source port); for protocols without ports they are `0..=65535` and
//! ignored by every rule.

/// Dimension indexes.
pub const PROTO: usize = 0;
pub const SRC: usize = 1;
pub const DST: usize = 2;
pub const SPORT: usize = 3;
pub const DPORT: usize = 4;
pub const DIMS: usize = 5;

/// First atom address (just above the IPv4 space).
pub const ATOM_BASE: u64 = 1 << 32;
/// Largest address value (room for a million atoms).
pub const ADDR_MAX: u64 = ATOM_BASE + (1 << 20) - 1;
pub const IPV4_MAX: u64 = ATOM_BASE - 1;

/// An inclusive interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Iv {
    pub lo: u64,
    pub hi: u64,
}

impl Iv {
    pub const fn new(lo: u64, hi: u64) -> Iv {
        Iv { lo, hi }
    }
    pub const fn point(v: u64) -> Iv {
        Iv { lo: v, hi: v }
    }
    pub fn intersect(self, o: Iv) -> Option<Iv> {
        let lo = self.lo.max(o.lo);
        let hi = self.hi.min(o.hi);
        (lo <= hi).then_some(Iv { lo, hi })
    }
    pub fn contains(self, o: Iv) -> bool {
        self.lo <= o.lo && o.hi <= self.hi
    }
}

/// The full range of each dimension.
pub const FULL: [Iv; DIMS] = [
    Iv::new(0, 255),
    Iv::new(0, ADDR_MAX),
    Iv::new(0, ADDR_MAX),
    Iv::new(0, 65535),
    Iv::new(0, 65535),
];

pub type Cube = [Iv; DIMS];

fn cube_intersect(a: &Cube, b: &Cube) -> Option<Cube> {
    let mut out = *a;
    for d in 0..DIMS {
        out[d] = a[d].intersect(b[d])?;
    }
    Some(out)
}

fn cube_contains(outer: &Cube, inner: &Cube) -> bool {
    (0..DIMS).all(|d| outer[d].contains(inner[d]))
}

/// Pieces of `a` outside `b`, pairwise disjoint.
fn cube_subtract(a: &Cube, b: &Cube, out: &mut Vec<Cube>) {
    if cube_intersect(a, b).is_none() {
        out.push(*a);
        return;
    }
    let mut rest = *a;
    for d in 0..DIMS {
        let (r, c) = (rest[d], b[d]);
        if r.lo < c.lo {
            let mut piece = rest;
            piece[d] = Iv::new(r.lo, c.lo - 1);
            out.push(piece);
        }
        if c.hi < r.hi {
            let mut piece = rest;
            piece[d] = Iv::new(c.hi + 1, r.hi);
            out.push(piece);
        }
        rest[d] = Iv::new(r.lo.max(c.lo), r.hi.min(c.hi));
    }
}

/// A set of packets: a union of pairwise-disjoint cubes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Space {
    cubes: Vec<Cube>,
}

impl Space {
    pub fn empty() -> Space {
        Space { cubes: Vec::new() }
    }
    pub fn cube(c: Cube) -> Space {
        if c.iter().any(|iv| iv.lo > iv.hi) {
            return Space::empty();
        }
        Space { cubes: vec![c] }
    }
    /// The cubes `c` with dimension `dim` set to each of `ivs`, which must
    /// be sorted and neither overlap nor touch (as [`merge_intervals`]
    /// leaves them): the cubes are then disjoint and none merge, so this is
    /// their union without the work of `union`.
    pub fn with_intervals(c: Cube, dim: usize, ivs: &[Iv]) -> Space {
        if c.iter()
            .enumerate()
            .any(|(d, iv)| d != dim && iv.lo > iv.hi)
        {
            return Space::empty();
        }
        debug_assert!(ivs.windows(2).all(|w| w[0].hi.saturating_add(1) < w[1].lo));
        Space {
            cubes: ivs
                .iter()
                .filter(|iv| iv.lo <= iv.hi)
                .map(|iv| {
                    let mut n = c;
                    n[dim] = *iv;
                    n
                })
                .collect(),
        }
    }
    pub fn full() -> Space {
        Space::cube(FULL)
    }
    pub fn cubes(&self) -> &[Cube] {
        &self.cubes
    }
    pub fn is_empty(&self) -> bool {
        self.cubes.is_empty()
    }

    pub fn intersect(&self, other: &Space) -> Space {
        if let ([a], [b]) = (&self.cubes[..], &other.cubes[..]) {
            return Space {
                cubes: cube_intersect(a, b).into_iter().collect(),
            };
        }
        let mut cubes = Vec::new();
        for a in &self.cubes {
            for b in &other.cubes {
                if let Some(c) = cube_intersect(a, b) {
                    cubes.push(c);
                }
            }
        }
        let mut s = Space { cubes };
        s.coalesce();
        s
    }

    /// Whether the two sets share a packet (`!intersect(o).is_empty()`,
    /// without building the intersection).
    pub fn meets(&self, other: &Space) -> bool {
        self.cubes
            .iter()
            .any(|a| other.cubes.iter().any(|b| cube_intersect(a, b).is_some()))
    }

    pub fn subtract(&self, other: &Space) -> Space {
        let mut s = Space {
            cubes: subtract_cubes(self.cubes.clone(), &other.cubes),
        };
        s.coalesce();
        s
    }

    pub fn union(&self, other: &Space) -> Space {
        if other.cubes.is_empty() {
            return self.clone();
        }
        if self.cubes.is_empty() {
            return other.clone();
        }
        // What `other` adds, kept disjoint; one coalescing for the whole.
        let mut cubes = subtract_cubes(other.cubes.clone(), &self.cubes);
        cubes.extend_from_slice(&self.cubes);
        let mut s = Space { cubes };
        s.coalesce();
        s
    }

    /// Cube by cube, stopping at the first one `other` does not cover (no
    /// subtraction result is built).
    pub fn is_subset_of(&self, other: &Space) -> bool {
        self.cubes.iter().all(|c| {
            other.cubes.iter().any(|o| cube_contains(o, c))
                || subtract_cubes(vec![*c], &other.cubes).is_empty()
        })
    }

    /// Restrict one dimension to a set of intervals.
    pub fn restrict(&self, dim: usize, set: &[Iv]) -> Space {
        let mut cubes = Vec::new();
        for c in &self.cubes {
            for iv in set {
                if let Some(x) = c[dim].intersect(*iv) {
                    let mut n = *c;
                    n[dim] = x;
                    cubes.push(n);
                }
            }
        }
        let mut s = Space { cubes };
        s.coalesce();
        s
    }

    /// The smallest cube holding every packet of the set (`None` when
    /// empty).
    pub fn bbox(&self) -> Option<Cube> {
        let (first, rest) = self.cubes.split_first()?;
        let mut b = *first;
        for c in rest {
            for d in 0..DIMS {
                b[d] = Iv::new(b[d].lo.min(c[d].lo), b[d].hi.max(c[d].hi));
            }
        }
        Some(b)
    }

    /// The packets of the set inside one cube: a filter's packets cut down
    /// to the few a path can meet, so the operations that follow work on a
    /// handful of cubes instead of every rule's.
    pub fn clip(&self, c: &Cube) -> Space {
        let mut s = Space {
            cubes: self
                .cubes
                .iter()
                .filter_map(|a| cube_intersect(a, c))
                .collect(),
        };
        s.coalesce();
        s
    }

    /// The union of the intervals of one dimension (sorted, merged).
    pub fn projection(&self, dim: usize) -> Vec<Iv> {
        merge_intervals(self.cubes.iter().map(|c| c[dim]).collect())
    }

    /// Swap source and destination (addresses and ports): the reply's space.
    pub fn swapped(&self) -> Space {
        Space {
            cubes: self
                .cubes
                .iter()
                .map(|c| [c[PROTO], c[DST], c[SRC], c[DPORT], c[SPORT]])
                .collect(),
        }
    }

    /// Merge cubes that differ in exactly one dimension where they touch,
    /// until no two do. Keeps spaces small; does not change the set (and
    /// nothing outside this module sees how a set is cut into cubes).
    fn coalesce(&mut self) {
        if self.cubes.len() < 2 {
            return;
        }
        if self.cubes.len() <= SMALL {
            self.coalesce_pairs();
        } else {
            self.coalesce_sorted();
        }
        self.cubes.sort_unstable();
    }

    /// Few cubes: try every pair, merge the first that can, repeat.
    fn coalesce_pairs(&mut self) {
        'again: loop {
            for i in 0..self.cubes.len() {
                for j in i + 1..self.cubes.len() {
                    if let Some(m) = merge_pair(&self.cubes[i], &self.cubes[j]) {
                        self.cubes[i] = m;
                        self.cubes.swap_remove(j);
                        continue 'again;
                    }
                }
            }
            return;
        }
    }

    /// Many cubes: per dimension, sorting by the other dimensions puts the
    /// cubes that could merge along it next to each other (they are
    /// disjoint, so no other cube sits between two that touch): one linear
    /// pass merges them. A round is O(n log n), where comparing all pairs
    /// is O(n^2) per merge found.
    fn coalesce_sorted(&mut self) {
        loop {
            let before = self.cubes.len();
            for (d, order) in SORT_ORDER.iter().enumerate() {
                self.cubes.sort_unstable_by(|a, b| {
                    for &e in order {
                        let o = a[e].cmp(&b[e]);
                        if o.is_ne() {
                            return o;
                        }
                    }
                    a[d].lo.cmp(&b[d].lo)
                });
                // Merge in place: `w` cubes are kept so far.
                let mut w = 0;
                for r in 0..self.cubes.len() {
                    let c = self.cubes[r];
                    if w > 0 {
                        let last = &mut self.cubes[w - 1];
                        let same = (0..DIMS).all(|e| e == d || last[e] == c[e]);
                        if same && last[d].hi.saturating_add(1) >= c[d].lo {
                            last[d].hi = last[d].hi.max(c[d].hi);
                            continue;
                        }
                    }
                    self.cubes[w] = c;
                    w += 1;
                }
                self.cubes.truncate(w);
            }
            if self.cubes.len() == before || self.cubes.len() < 2 {
                break;
            }
        }
    }
}

/// Up to this many cubes, [`Space::coalesce`] compares pairs.
const SMALL: usize = 8;

/// For each dimension, the other dimensions in order: the sort that puts
/// cubes that can merge along it next to each other.
const SORT_ORDER: [[usize; DIMS - 1]; DIMS] = [
    [1, 2, 3, 4],
    [0, 2, 3, 4],
    [0, 1, 3, 4],
    [0, 1, 2, 4],
    [0, 1, 2, 3],
];

/// The union of two cubes when it is a cube: equal in every dimension
/// but one, where they overlap or touch.
fn merge_pair(a: &Cube, b: &Cube) -> Option<Cube> {
    let mut diff = None;
    for d in 0..DIMS {
        if a[d] != b[d] {
            if diff.is_some() {
                return None;
            }
            diff = Some(d);
        }
    }
    let Some(d) = diff else {
        return Some(*a);
    };
    let (x, y) = (a[d], b[d]);
    if x.hi.saturating_add(1) < y.lo || y.hi.saturating_add(1) < x.lo {
        return None;
    }
    let mut m = *a;
    m[d] = Iv::new(x.lo.min(y.lo), x.hi.max(y.hi));
    Some(m)
}

/// The parts of `cubes` outside every cube of `minus`, pairwise disjoint
/// (not coalesced).
fn subtract_cubes(mut cur: Vec<Cube>, minus: &[Cube]) -> Vec<Cube> {
    for b in minus {
        if cur.is_empty() {
            break;
        }
        let mut next = Vec::with_capacity(cur.len());
        for a in &cur {
            cube_subtract(a, b, &mut next);
        }
        cur = next;
    }
    cur
}

/// Sort and merge overlapping or adjacent intervals.
pub fn merge_intervals(mut v: Vec<Iv>) -> Vec<Iv> {
    v.sort();
    let mut out: Vec<Iv> = Vec::with_capacity(v.len());
    for iv in v {
        match out.last_mut() {
            Some(last) if last.hi.saturating_add(1) >= iv.lo => last.hi = last.hi.max(iv.hi),
            _ => out.push(iv),
        }
    }
    out
}

/// How a leg's packet dimension is obtained from the original flow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Map {
    /// Copied from this dimension of the original flow.
    Orig(usize),
    /// Rewritten to any value in this interval (NAT address, NAT ports).
    Const(Iv),
}

/// A mapping from the original flow space to the packets of one leg of the
/// path (a reply swaps source and destination; a NAT gateway rewrites the
/// source; its reply targets the NAT's ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transform(pub [Map; DIMS]);

impl Transform {
    pub const IDENTITY: Transform = Transform([
        Map::Orig(PROTO),
        Map::Orig(SRC),
        Map::Orig(DST),
        Map::Orig(SPORT),
        Map::Orig(DPORT),
    ]);
    pub const REPLY: Transform = Transform([
        Map::Orig(PROTO),
        Map::Orig(DST),
        Map::Orig(SRC),
        Map::Orig(DPORT),
        Map::Orig(SPORT),
    ]);

    /// Whether the transform is a bijection of the packet space (the
    /// identity, the reply's swap): then `exist_preimage` and
    /// `forall_preimage` agree, and `forall_preimage(orig, leg)` is the
    /// part of `orig` whose image lies in `leg`.
    pub fn is_bijection(&self) -> bool {
        self.permutation().is_some()
    }

    pub fn with(mut self, dim: usize, m: Map) -> Transform {
        self.0[dim] = m;
        self
    }

    /// When every dimension is copied from a distinct dimension of the same
    /// range (the identity, the reply's swap), the transform is a bijection
    /// of the packet space: it maps disjoint cubes to disjoint cubes, and
    /// its preimages are the inverse map. `from[e]` is the dimension that
    /// dimension `e` comes from.
    fn permutation(&self) -> Option<[usize; DIMS]> {
        // The two transforms of almost every leg, without the search.
        if *self == Transform::IDENTITY {
            return Some([PROTO, SRC, DST, SPORT, DPORT]);
        }
        if *self == Transform::REPLY {
            return Some([PROTO, DST, SRC, DPORT, SPORT]);
        }
        let mut from = [0; DIMS];
        let mut used = [false; DIMS];
        for (e, m) in self.0.iter().enumerate() {
            match m {
                Map::Orig(d) if !used[*d] && FULL[*d] == FULL[e] => {
                    used[*d] = true;
                    from[e] = *d;
                }
                _ => return None,
            }
        }
        Some(from)
    }

    /// The smallest cube holding the image of `s` (`bbox` of `apply(s)`,
    /// without building the image).
    pub fn image_bbox(&self, s: &Space) -> Option<Cube> {
        let b = s.bbox()?;
        Some(std::array::from_fn(|d| match self.0[d] {
            Map::Orig(o) => b[o],
            Map::Const(iv) => iv,
        }))
    }

    pub fn apply(&self, s: &Space) -> Space {
        if *self == Transform::IDENTITY {
            return s.clone();
        }
        if let Some(from) = self.permutation() {
            let mut out = Space {
                cubes: s
                    .cubes
                    .iter()
                    .map(|c| std::array::from_fn(|e| c[from[e]]))
                    .collect(),
            };
            out.coalesce();
            return out;
        }
        let mut out = Space::empty();
        for c in &s.cubes {
            let mut n = FULL;
            for (d, m) in self.0.iter().enumerate() {
                n[d] = match m {
                    Map::Orig(o) => c[*o],
                    Map::Const(iv) => *iv,
                };
            }
            out = out.union(&Space::cube(n));
        }
        out
    }

    /// Original flows for which *some* packet of the leg lies in `leg`.
    pub fn exist_preimage(&self, leg: &Space) -> Space {
        if *self == Transform::IDENTITY {
            return leg.clone();
        }
        if let Some(from) = self.permutation() {
            let mut cubes = Vec::with_capacity(leg.cubes.len());
            for b in &leg.cubes {
                let mut o = FULL;
                for e in 0..DIMS {
                    o[from[e]] = b[e];
                }
                cubes.push(o);
            }
            let mut out = Space { cubes };
            out.coalesce();
            return out;
        }
        let mut out = Space::empty();
        'cubes: for b in &leg.cubes {
            let mut o = FULL;
            for (e, m) in self.0.iter().enumerate() {
                match m {
                    Map::Orig(d) => match o[*d].intersect(b[e]) {
                        Some(x) => o[*d] = x,
                        None => continue 'cubes,
                    },
                    Map::Const(k) => {
                        if k.intersect(b[e]).is_none() {
                            continue 'cubes;
                        }
                    }
                }
            }
            out = out.union(&Space::cube(o));
        }
        out
    }

    /// Original flows (within `orig`) for which *every* packet of the leg
    /// lies in `leg`.
    pub fn forall_preimage(&self, orig: &Space, leg: &Space) -> Space {
        if *self == Transform::IDENTITY {
            return orig.intersect(leg);
        }
        if self.permutation().is_some() {
            // A bijection: the flows whose image lies in `leg`, that is the
            // preimage of (image of `orig`) ∩ `leg`. Intersecting on the
            // leg's side first keeps a large `leg` (a filter's packets) from
            // being mapped back whole.
            return self.exist_preimage(&self.apply(orig).intersect(leg));
        }
        let bad = self.apply(orig).subtract(leg);
        orig.subtract(&self.exist_preimage(&bad))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(proto: (u64, u64), dst: (u64, u64), dport: (u64, u64)) -> Cube {
        let mut x = FULL;
        x[PROTO] = Iv::new(proto.0, proto.1);
        x[DST] = Iv::new(dst.0, dst.1);
        x[DPORT] = Iv::new(dport.0, dport.1);
        x
    }

    #[test]
    fn subtract_and_union_are_exact() {
        let a = Space::cube(c((6, 6), (0, 100), (0, 65535)));
        let b = Space::cube(c((6, 6), (50, 60), (443, 443)));
        let d = a.subtract(&b);
        assert!(!d.is_empty());
        assert!(d.intersect(&b).is_empty());
        assert_eq!(d.union(&b), a);
        assert!(b.is_subset_of(&a));
        assert!(!a.is_subset_of(&b));
    }

    /// Small deterministic cube lists (few values per dimension, so cubes
    /// touch and overlap often).
    fn random_cubes(seed: &mut u64, n: usize) -> Vec<Cube> {
        let mut next = |m: u64| {
            *seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (*seed >> 33) % m
        };
        (0..n)
            .map(|_| {
                let mut c = FULL;
                for iv in c.iter_mut().skip(1) {
                    let lo = next(6);
                    *iv = Iv::new(lo, lo + next(3));
                }
                c
            })
            .collect()
    }

    /// Both ways of coalescing keep the set, and the pairwise one leaves
    /// no two cubes that could merge; `meets` and `is_subset_of` agree
    /// with the operations they shortcut.
    #[test]
    fn coalescing_keeps_the_set_and_shortcuts_agree() {
        let mut seed = 7;
        for round in 0..300 {
            // Disjoint cubes, as every operation builds them, not yet
            // coalesced.
            let n = 1 + round % 12;
            let mut pieces: Vec<Cube> = Vec::new();
            for c in random_cubes(&mut seed, n) {
                let new = subtract_cubes(vec![c], &pieces);
                pieces.extend(new);
            }
            let a = Space { cubes: pieces };
            let b = random_cubes(&mut seed, 1 + round % 4)
                .into_iter()
                .fold(Space::empty(), |s, c| s.union(&Space::cube(c)));
            let mut pairs = a.clone();
            pairs.coalesce_pairs();
            let mut sorted = a.clone();
            sorted.coalesce_sorted();
            for s in [&pairs, &sorted] {
                assert!(s.is_subset_of(&a) && a.is_subset_of(s), "round {round}");
            }
            for (i, x) in pairs.cubes.iter().enumerate() {
                for y in &pairs.cubes[i + 1..] {
                    assert!(merge_pair(x, y).is_none(), "round {round}: {x:?} {y:?}");
                }
            }
            assert_eq!(a.meets(&b), !a.intersect(&b).is_empty(), "round {round}");
            assert_eq!(
                a.is_subset_of(&b),
                a.subtract(&b).is_empty(),
                "round {round}"
            );
        }
    }

    #[test]
    fn with_intervals_is_the_union_of_its_cubes() {
        let mut c = FULL;
        c[PROTO] = Iv::point(6);
        let ivs = [Iv::new(1, 3), Iv::new(5, 5), Iv::new(9, 20)];
        let s = Space::with_intervals(c, DST, &ivs);
        let u = ivs.iter().fold(Space::empty(), |s, iv| {
            let mut x = c;
            x[DST] = *iv;
            s.union(&Space::cube(x))
        });
        assert_eq!(s, u);
        // An empty dimension makes the whole product empty.
        c[DPORT] = Iv::new(1, 0);
        assert!(Space::with_intervals(c, DST, &ivs).is_empty());
    }

    #[test]
    fn coalesce_merges_adjacent() {
        let a = Space::cube(c((6, 6), (0, 9), (0, 0)));
        let b = Space::cube(c((6, 6), (10, 19), (0, 0)));
        let u = a.union(&b);
        assert_eq!(u.cubes().len(), 1);
        assert_eq!(u.cubes()[0][DST], Iv::new(0, 19));
    }

    #[test]
    fn swap_is_involution() {
        let a = Space::cube(c((6, 6), (5, 9), (443, 443)));
        assert_eq!(a.swapped().swapped(), a);
        assert_eq!(a.swapped().cubes()[0][SRC], Iv::new(5, 9));
        assert_eq!(a.swapped().cubes()[0][SPORT], Iv::new(443, 443));
    }

    #[test]
    fn forall_preimage_needs_every_nat_port() {
        // Original: tcp to 443 from ports 1024-65535. The NAT leg rewrites
        // the reply's destination port to any of 1024-65535.
        let mut o = FULL;
        o[PROTO] = Iv::point(6);
        o[DPORT] = Iv::point(443);
        o[SPORT] = Iv::new(1024, 65535);
        let orig = Space::cube(o);
        let t = Transform::REPLY.with(DPORT, Map::Const(Iv::new(1024, 65535)));
        // A leg filter that admits only reply ports 32768-61000:
        let mut f = FULL;
        f[DPORT] = Iv::new(32768, 61000);
        let leg_ok = Space::cube(f);
        assert!(t.forall_preimage(&orig, &leg_ok).is_empty());
        // ...but every original flow has *some* NAT port that gets through.
        let some = orig.intersect(&t.exist_preimage(&t.apply(&orig).intersect(&leg_ok)));
        assert_eq!(some, orig);
    }
}
