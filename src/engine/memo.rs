//! Evaluating many flows over one topology.
//!
//! An audit asks the same question for every user profile, shared space
//! and the domain defaults in each domain subnet; most of them carry the
//! same security groups (the domain's), so most questions differ only in
//! the *label* of the virtual app ENI ("user-profile alice" or "bob").
//! The label never changes what gets through: it only names the source in
//! witness text. So the [`Evaluator`] answers each (subnet, groups,
//! destination, flow) once with a placeholder label and fills each
//! source's label in, and shares filter answers between all evaluations
//! ([`Cache`]).
//!
//! Why the filled-in answer is exactly the answer for that label:
//! - the engine does not branch on label content, except where it groups
//!   blockers by the part of their reason before a keyword
//!   ([`eval::SUBJECT_ENDS`]): labels containing a keyword are evaluated
//!   directly;
//! - the placeholder is a NUL, which no label holds (checked) and which the
//!   first evaluation of each question proves absent from the rest of the
//!   answer: it is evaluated both ways and memoised only if filling the
//!   placeholder in reproduces the direct answer exactly;
//! - notes are a sorted set in the engine: they are sorted again after
//!   filling in.
//!
//! Debug builds (the tests) check every memoised answer against a direct
//! evaluation.

use std::collections::HashMap;
use std::net::Ipv4Addr;

use super::cache::Cache;
use super::eval::{self, SUBJECT_ENDS};
use super::{FlowSpec, PathResult, Settings, Source, Target, VirtualEni};
use crate::graph::Topology;
use crate::snapshot::{PortRange, Protocol};

/// Stands for the label in a memoised answer.
const PLACEHOLDER: char = '\0';

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum TargetKey {
    Ip(Ipv4Addr),
    Eni(String),
    MountTarget(String),
    /// A virtual peer with the source's own label (app-to-app).
    Peer {
        subnet: String,
        groups: Vec<String>,
    },
    Service {
        service: String,
        region: String,
    },
}

/// One question, label aside.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    subnet: String,
    groups: Vec<String>,
    target: TargetKey,
    protocol: Protocol,
    dst_ports: PortRange,
    src_ports: Option<PortRange>,
}

/// Evaluates flows over one topology with one set of settings, sharing
/// what the evaluations have in common. Answers are exactly those of
/// [`super::evaluate`].
pub struct Evaluator<'a> {
    topo: &'a Topology,
    settings: &'a Settings,
    cache: Cache,
    /// `None`: the question's answer cannot be memoised (see the module
    /// docs); it is evaluated every time.
    memo: HashMap<Key, Option<PathResult>>,
    evaluations: usize,
    answers: usize,
}

impl<'a> Evaluator<'a> {
    pub fn new(topo: &'a Topology, settings: &'a Settings) -> Evaluator<'a> {
        Evaluator {
            topo,
            settings,
            cache: Cache::new(),
            memo: HashMap::new(),
            evaluations: 0,
            answers: 0,
        }
    }

    /// (path searches run, answers given).
    pub fn stats(&self) -> (usize, usize) {
        (self.evaluations, self.answers)
    }

    fn direct(&mut self, src: &Source, dst: &Target, flow: &FlowSpec) -> PathResult {
        self.evaluations += 1;
        eval::evaluate_cached(&mut self.cache, self.topo, src, dst, flow, self.settings)
    }

    /// Evaluate one flow. Never panics; anything it cannot decide is
    /// `unknown`.
    pub fn evaluate(&mut self, src: &Source, dst: &Target, flow: &FlowSpec) -> PathResult {
        self.answers += 1;
        let Source::Virtual(v) = src else {
            return self.direct(src, dst, flow);
        };
        let Some(key) = key(v, dst, flow) else {
            return self.direct(src, dst, flow);
        };
        if let Some(memo) = self.memo.get(&key) {
            return match memo {
                Some(template) => {
                    let r = fill(template, &v.label);
                    #[cfg(debug_assertions)]
                    {
                        let direct = eval::evaluate(self.topo, src, dst, flow, self.settings);
                        assert_eq!(r, direct, "memoised answer differs for {}", v.label);
                    }
                    r
                }
                None => self.direct(src, dst, flow),
            };
        }
        let r = self.direct(src, dst, flow);
        let placeholder = |v: &VirtualEni| VirtualEni {
            label: PLACEHOLDER.to_string(),
            ..v.clone()
        };
        let psrc = Source::Virtual(placeholder(v));
        let pdst = match dst {
            Target::Virtual(t) => Target::Virtual(placeholder(t)),
            other => other.clone(),
        };
        let template = self.direct(&psrc, &pdst, flow);
        let exact = fill(&template, &v.label) == r;
        self.memo.insert(key, exact.then_some(template));
        r
    }
}

/// The question behind a virtual source's flow; `None` when its answer
/// may depend on the label's content.
fn key(v: &VirtualEni, dst: &Target, flow: &FlowSpec) -> Option<Key> {
    if v.label.contains(PLACEHOLDER) || SUBJECT_ENDS.iter().any(|k| v.label.contains(k)) {
        return None;
    }
    let target = match dst {
        Target::Ip(ip) => TargetKey::Ip(*ip),
        Target::Eni(e) => TargetKey::Eni(e.clone()),
        Target::MountTarget(m) => TargetKey::MountTarget(m.clone()),
        Target::Virtual(t) if t.label == v.label => TargetKey::Peer {
            subnet: t.subnet_id.clone(),
            groups: t.security_group_ids.clone(),
        },
        Target::Virtual(_) => return None,
        Target::Service { service, region } => TargetKey::Service {
            service: service.clone(),
            region: region.clone(),
        },
    };
    Some(Key {
        subnet: v.subnet_id.clone(),
        groups: v.security_group_ids.clone(),
        target,
        protocol: flow.protocol,
        dst_ports: flow.dst_ports,
        src_ports: flow.src_ports,
    })
}

fn put(s: &str, label: &str) -> String {
    if s.contains(PLACEHOLDER) {
        s.replace(PLACEHOLDER, label)
    } else {
        s.to_string()
    }
}

/// The template with `label` in place of the placeholder.
fn fill(t: &PathResult, label: &str) -> PathResult {
    let hops = |v: &[super::Hop]| {
        v.iter()
            .map(|h| super::Hop {
                resource: put(&h.resource, label),
                kind: put(&h.kind, label),
                decision: put(&h.decision, label),
                rule: put(&h.rule, label),
            })
            .collect()
    };
    let mut notes: Vec<String> = t.notes.iter().map(|n| put(n, label)).collect();
    notes.sort();
    notes.dedup();
    PathResult {
        verdict: t.verdict,
        blocked_at: t
            .blocked_at
            .iter()
            .map(|b| super::Blocker {
                resource: put(&b.resource, label),
                kind: put(&b.kind, label),
                direction: b.direction,
                code: put(&b.code, label),
                reason: put(&b.reason, label),
            })
            .collect(),
        path: hops(&t.path),
        return_path: hops(&t.return_path),
        notes,
        reachable_part: t.reachable_part.as_deref().map(|p| put(p, label)),
    }
}
