//! Unions of address intervals (one dimension of a flow space).

use super::space::{merge_intervals, Iv};

pub(super) fn iv_intersect(a: &[Iv], b: &[Iv]) -> Vec<Iv> {
    let mut out = Vec::new();
    for x in a {
        for y in b {
            if let Some(z) = x.intersect(*y) {
                out.push(z);
            }
        }
    }
    merge_intervals(out)
}

pub(super) fn iv_subtract(a: &[Iv], b: &[Iv]) -> Vec<Iv> {
    let mut cur: Vec<Iv> = a.to_vec();
    for y in b {
        let mut next = Vec::new();
        for x in cur {
            if x.intersect(*y).is_none() {
                next.push(x);
                continue;
            }
            if x.lo < y.lo {
                next.push(Iv::new(x.lo, y.lo - 1));
            }
            if y.hi < x.hi {
                next.push(Iv::new(y.hi + 1, x.hi));
            }
        }
        cur = next;
    }
    merge_intervals(cur)
}
