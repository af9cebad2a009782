//! The path search: walk the topology from a source, filtering the flow
//! space hop by hop, branching where routing splits it, and collect the
//! witness (hops with the rule that decided) and the blocked path (every
//! component that would have to change).
//!
//! Each branch carries three spaces over the *original* flow coordinates:
//! - `sure`: packets that certainly get this far;
//! - `maybe`: packets that might (missing data makes some rules unknown);
//! - `ideal`: packets that would get this far if every filter so far let
//!   everything through. A filter that does not admit all of `ideal` is a
//!   blocker, whatever the filters before it did (CAV'21 blocked paths).
//!
//! Legs after a NAT gateway or an internet gateway's address translation,
//! and the reply legs, are reached through a [`Transform`], so every
//! verdict is still stated over the packets the client sends.
//!
//! This file is the loop and the verdict; what each AWS component does to
//! a branch lives in `devices/` (one file per component), the filtering
//! step in `filter.rs`, sources and destinations in `resolve/`.

use crate::findings::{sort_notes, Code, Decision, Kind, Label, Note, Part, Rule, Why};
use crate::graph::Topology;
use crate::snapshot::Protocol;

use super::atoms::Atoms;
use super::branch::{Branch, PLAIN};
use super::cache::Cache;
use super::devices::{At, Step};
use super::env::Ctx;
use super::filter::ports_of;
use super::resolve::Resolved;
use super::result::{Blocker, Direction, PathResult, Verdict};
use super::space::{Iv, Space, DPORT, DST, FULL, PROTO, SPORT, SRC};
use super::{FlowSpec, InjectAt, Settings, Source, Target};

pub(super) fn evaluate(
    topo: &Topology,
    src: &Source,
    dst: &Target,
    flow: &FlowSpec,
    settings: &Settings,
) -> PathResult {
    evaluate_cached(&mut Cache::new(), topo, src, dst, flow, settings, false)
}

/// [`evaluate`] with a run's cache; `shared`: the answer is shared between
/// sources, so the witness names the source [`Label::Source`](crate::findings::Label::Source) (`memo.rs`).
pub(super) fn evaluate_cached(
    cache: &mut Cache,
    topo: &Topology,
    src: &Source,
    dst: &Target,
    flow: &FlowSpec,
    settings: &Settings,
    shared: bool,
) -> PathResult {
    cache.new_evaluation();
    let mut cx = Ctx {
        topo,
        atoms: Atoms::default(),
        settings,
        notes: Vec::new(),
        leaves: Vec::new(),
        virtual_dst: None,
        shared,
        cache,
        sig: None,
    };
    cx.run(src, dst, flow)
}

impl<'a> Ctx<'a> {
    fn run(&mut self, src: &Source, dst: &Target, flow: &FlowSpec) -> PathResult {
        let srci = match self.resolve_source(src) {
            Ok(s) => s,
            Err(r) => return *r,
        };
        let region_vpc = srci.vpc.clone();
        let res = self.resolve_target(dst, region_vpc.as_deref());

        // The flow space the client sends.
        let (proto, sport, dport) = flow_dims(flow, self.settings);
        let mut cube = FULL;
        cube[PROTO] = proto;
        cube[SPORT] = sport;
        cube[DPORT] = dport;
        let base = Space::cube(cube);
        let orig = base
            .restrict(SRC, &srci.addrs)
            .restrict(DST, &res.addrs.maybe);
        let sure0 = if res.unknown {
            Space::empty()
        } else {
            base.restrict(SRC, &srci.addrs)
                .restrict(DST, &res.addrs.sure)
        };
        if orig.is_empty() {
            return PathResult {
                verdict: if res.unknown {
                    Verdict::Unknown
                } else {
                    Verdict::Blocked
                },
                blocked_at: res.pre_blockers.clone(),
                path: res.pre_hops.clone(),
                return_path: vec![],
                notes: vec![Note::NoAddress {
                    target: res.label.clone(),
                    peer_in: res.peer_in.clone(),
                }],
                reachable_part: None,
            };
        }
        let mut b = Branch {
            sure: sure0,
            maybe: orig.clone(),
            ideal: orig.clone(),
            hops: res.pre_hops.clone(),
            ret_hops: vec![],
            blockers: vec![],
            unknown: res.unknown,
            returns: vec![],
            leg: PLAIN,
            src_public: srci.public,
            via_nat: None,
            depth: 0,
        };
        if !b.maybe.is_subset_of(&b.sure) {
            b.unknown = true;
        }
        let mut first = Vec::new();
        match &srci.at {
            Some(InjectAt::Internet) => self.inject_from_internet(b, &srci.label, &mut first),
            Some(InjectAt::Vpc(v)) => {
                b.hop(
                    v,
                    Kind::Vpc,
                    Decision::Inject,
                    Rule::Inject(srci.label.clone()),
                );
                first.push(Step::Next(
                    b,
                    At::Local {
                        from: None,
                        vpc: v.clone(),
                    },
                ));
            }
            _ => {
                // A virtual app ENI has no id yet: its hop names the subnet
                // it would be created in, and reasons name it by its label.
                let (kind, owner, rule) = match (src, &srci.app) {
                    (Source::Virtual(v), Some((label, cidr))) => (
                        Kind::VirtualAppEni,
                        self.app_label(&v.label),
                        Rule::NewAppSender {
                            label: label.clone(),
                            subnet: v.subnet_id.clone(),
                            cidr: *cidr,
                        },
                    ),
                    _ => (
                        Kind::NetworkInterface,
                        Label::Of(srci.resource.clone()),
                        Rule::Sender(srci.label.clone()),
                    ),
                };
                b.hop(&srci.resource, kind, Decision::Send, rule);
                let subnet = srci.subnet.clone().unwrap_or_default();
                if let Some(groups) = &srci.groups {
                    self.sg_filter(&mut b, groups, true, &owner);
                }
                first.push(Step::Next(b, At::RouteTable { subnet }));
            }
        }
        self.walk(first);
        self.finish(orig, res)
    }

    /// The walk: take a branch, let the device it is at say where it goes
    /// next, until every branch has ended. Depth first, in the order the
    /// devices give their next steps, so leaves (and with them blockers and
    /// the best path's ties) come in the same order as a recursive walk.
    fn walk(&mut self, first: Vec<Step>) {
        let mut stack: Vec<Step> = first.into_iter().rev().collect();
        let mut out = Vec::new();
        while let Some(step) = stack.pop() {
            match step {
                Step::Leaf(b) => self.leaf(b),
                Step::Next(b, at) => {
                    self.visit(b, at, &mut out);
                    stack.extend(out.drain(..).rev());
                }
            }
        }
    }

    fn finish(&mut self, orig: Space, res: Resolved) -> PathResult {
        let mut sure = Space::empty();
        let mut maybe = Space::empty();
        let mut unknown = false;
        let mut blockers: Vec<Blocker> = Vec::new();
        for l in &self.leaves {
            sure = sure.union(&l.sure);
            maybe = maybe.union(&l.maybe);
            unknown |= l.unknown && !l.maybe.is_empty();
            blockers.extend(l.blockers.iter().cloned());
        }
        let verdict = if orig.is_subset_of(&sure) {
            Verdict::Reachable
        } else if maybe.is_empty() {
            if self.leaves.iter().any(|l| {
                l.unknown
                    && l.blockers
                        .iter()
                        .any(|b| matches!(b.code, Code::UnknownResource | Code::LeavesSnapshot))
            }) {
                Verdict::Unknown
            } else {
                Verdict::Blocked
            }
        } else if unknown {
            Verdict::Unknown
        } else {
            Verdict::Partial
        };
        // Path order, name resolution first: the root cause reads first.
        // The same rule set met on several branches (one per endpoint ENI)
        // is listed once, saying how many more destinations it blocks.
        let blockers = if verdict == Verdict::Reachable {
            Vec::new()
        } else {
            let mut merged: Vec<(Blocker, usize)> = Vec::new();
            for b in res.pre_blockers.iter().cloned().chain(blockers) {
                let same = |a: &Blocker| {
                    a.resource == b.resource
                        && a.direction == b.direction
                        && a.code == b.code
                        && same_rule_set(a, &b)
                };
                match merged.iter_mut().find(|(a, _)| same(a)) {
                    // Told apart by what they say: two rejected packet
                    // sets that read the same are one.
                    Some((a, n)) => {
                        if a.reason.why.to_string() != b.reason.why.to_string() {
                            *n += 1;
                        }
                    }
                    None => merged.push((b, 0)),
                }
            }
            merged
                .into_iter()
                .map(|(mut b, n)| {
                    b.reason.more = n;
                    b
                })
                .collect()
        };
        // Best candidate: the leaf that gets most through; ties keep order.
        let best = self
            .leaves
            .iter()
            .enumerate()
            .max_by(|(ia, a), (ib, b)| {
                // Most gets through, then fewest blockers, then the
                // shortest path (an endpoint ENI in the source's own subnet).
                let ka = (
                    !a.sure.is_empty(),
                    !a.maybe.is_empty(),
                    a.blockers.is_empty(),
                    std::cmp::Reverse(a.blockers.len()),
                    std::cmp::Reverse(a.hops.len()),
                );
                let kb = (
                    !b.sure.is_empty(),
                    !b.maybe.is_empty(),
                    b.blockers.is_empty(),
                    std::cmp::Reverse(b.blockers.len()),
                    std::cmp::Reverse(b.hops.len()),
                );
                ka.cmp(&kb).then(ib.cmp(ia))
            })
            .map(|(_, l)| l.clone());
        let (path, return_path) = match best {
            Some(l) => (l.hops, l.ret_hops),
            None => (res.pre_hops.clone(), vec![]),
        };
        let reachable_part =
            (verdict == Verdict::Partial).then(|| self.describe_part(&orig, &sure));
        PathResult {
            verdict,
            blocked_at: blockers,
            path,
            return_path,
            notes: {
                let mut notes = std::mem::take(&mut self.notes);
                sort_notes(&mut notes);
                notes
            },
            reachable_part,
        }
    }

    /// Which part of `orig` gets through (`ok`), by field.
    fn describe_part(&self, orig: &Space, ok: &Space) -> Part {
        let field = |d: usize| {
            let (o, k) = (orig.projection(d), ok.projection(d));
            (o != k).then_some(k)
        };
        Part {
            to: field(DST).map(|k| self.atoms.describe_set(&k)),
            src_ports: field(SPORT).map(|k| ports_of(&k)),
            dst_ports: field(DPORT).map(|k| ports_of(&k)),
        }
    }

    /// Finish a branch: check the reply's stateless filters, then keep it.
    fn leaf(&mut self, mut b: Branch) {
        // Replies are checked along the candidate path even when nothing
        // gets this far, so blocked_at names every component to change.
        let pending = std::mem::take(&mut b.returns);
        for p in pending.iter().rev() {
            self.nacl_filter(&mut b, &p.subnet, p.egress, Direction::Return, p.rev);
        }
        self.leaves.push(b);
    }
}

/// Whether two blockers of one component stand for the same rule set: the
/// same filter (one NACL direction at one subnet, one ENI's groups in one
/// direction), whatever packets each branch found it to reject; other
/// blockers when they say the same. So one component's distinct rule sets
/// stay separate while the same rule set met on several branches (one per
/// endpoint ENI) is listed once.
fn same_rule_set(a: &Blocker, b: &Blocker) -> bool {
    match (&a.reason.why, &b.reason.why) {
        (Why::Filter { filter: fa, .. }, Why::Filter { filter: fb, .. }) => fa == fb,
        (Why::Filter { .. }, _) | (_, Why::Filter { .. }) => false,
        (wa, wb) => wa.to_string() == wb.to_string(),
    }
}

/// Protocol, source-port and destination-port dims of the requested flow.
fn flow_dims(flow: &FlowSpec, settings: &Settings) -> (Iv, Iv, Iv) {
    let eph = settings.ephemeral_ports;
    match flow.protocol {
        Protocol::All => {
            let sp = flow.src_ports.unwrap_or(eph);
            (
                Iv::new(0, 255),
                Iv::new(sp.from as u64, sp.to as u64),
                Iv::new(flow.dst_ports.from as u64, flow.dst_ports.to as u64),
            )
        }
        Protocol::Number(n @ (6 | 17)) => {
            let sp = flow.src_ports.unwrap_or(eph);
            (
                Iv::point(n as u64),
                Iv::new(sp.from as u64, sp.to as u64),
                Iv::new(flow.dst_ports.from as u64, flow.dst_ports.to as u64),
            )
        }
        Protocol::Number(n @ (1 | 58)) => {
            // ICMP type in the destination-port dim, code in the source-port dim.
            let ty = if flow.dst_ports == crate::snapshot::PortRange::ALL {
                Iv::new(0, 255)
            } else {
                Iv::new(
                    flow.dst_ports.from.min(255) as u64,
                    flow.dst_ports.to.min(255) as u64,
                )
            };
            (Iv::point(n as u64), Iv::new(0, 255), ty)
        }
        Protocol::Number(n) => (Iv::point(n as u64), Iv::new(0, 65535), Iv::new(0, 65535)),
    }
}
