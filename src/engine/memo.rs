//! Evaluating many flows over one topology.
//!
//! An audit asks the same question for every user profile, shared space
//! and the domain defaults in each domain subnet; most of them carry the
//! same security groups (the domain's), so most questions differ only in
//! the *label* of the virtual app ENI ("user-profile alice" or "bob").
//! The label never changes what gets through: it only names the source in
//! witness text. So the [`Evaluator`] answers each (subnet, groups,
//! destination, flow) once, naming the source [`Label::Source`](crate::findings::Label::Source) wherever
//! the witness names it, and fills each source's label in when it gives
//! the answer out; it also shares filter answers between all evaluations
//! ([`Cache`]).
//!
//! Why the filled-in answer is exactly the answer for that label:
//! - the engine does not branch on the label: it only names the source
//!   with it, in fields of type [`Label`](crate::findings::Label) (a filter's owner, app
//!   addresses, the sender, a new app ENI, an app's subnet), which the
//!   fill functions below replace field by field, never inside text;
//! - a source without security groups would name its groups' hop after
//!   its label (an id field): such sources are evaluated directly;
//! - notes are sorted by their words in the engine: they are sorted again
//!   after filling in.
//!
//! Debug builds (the tests) check every memoised answer against a direct
//! evaluation.

use std::collections::hash_map::Entry;
use std::collections::VecDeque;
use std::net::Ipv4Addr;
use std::sync::Arc;

use foldhash::{HashMap, HashMapExt, HashSet};

use super::cache::Cache;
use super::walk;
use super::{FlowSpec, Hop, PathResult, Settings, Source, Target, VirtualEni};
use crate::findings::{
    sort_notes, Absent, AddrPart, Addrs, Filter, Note, Packets, Part, Reason, Receiver, Rule, Why,
};
use crate::graph::Topology;
use crate::snapshot::{PortRange, Protocol};

/// How many subnets' answers the evaluator keeps (see `Evaluator::memo`).
const MEMO_SUBNETS: usize = 64;

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
    search: Search<'a>,
    /// Answers by the source's subnet, then by question. An audit asks
    /// all the questions of one domain's subnets before moving on, so only
    /// the answers of the last [`MEMO_SUBNETS`] subnets are kept: memory
    /// stays bounded by a few domains, not the organisation.
    memo: HashMap<String, HashMap<Key, Template>>,
    /// The subnets in `memo`, oldest first.
    recent: VecDeque<String>,
    answers: usize,
}

/// Path searches, with what they share: the filter cache and the hops
/// they have given out.
struct Search<'a> {
    topo: &'a Topology,
    settings: &'a Settings,
    cache: Cache,
    /// Every hop given out, once: the same hop (a group's rule, a
    /// source's app ENI) is shared by all the answers that hold it.
    hops: Interner,
    runs: usize,
}

impl Search<'_> {
    /// Evaluate; `shared`: name the source [`Label::Source`](crate::findings::Label::Source).
    fn run(&mut self, src: &Source, dst: &Target, flow: &FlowSpec, shared: bool) -> PathResult {
        self.runs += 1;
        let mut r = walk::evaluate_cached(
            &mut self.cache,
            self.topo,
            src,
            dst,
            flow,
            self.settings,
            shared,
        );
        self.hops.share(&mut r);
        r
    }
}

impl<'a> Evaluator<'a> {
    pub fn new(topo: &'a Topology, settings: &'a Settings) -> Evaluator<'a> {
        Evaluator::maker(topo, settings)()
    }

    /// Makes evaluators over `topo` (one per thread, say).
    pub fn maker(
        topo: &'a Topology,
        settings: &'a Settings,
    ) -> impl Fn() -> Evaluator<'a> + Sync + 'a {
        move || Evaluator {
            search: Search {
                topo,
                settings,
                cache: Cache::new(),
                hops: Interner::default(),
                runs: 0,
            },
            memo: HashMap::new(),
            recent: VecDeque::new(),
            answers: 0,
        }
    }

    /// (path searches run, answers given).
    pub fn stats(&self) -> (usize, usize) {
        (self.search.runs, self.answers)
    }

    /// Make room for the answers of `subnet`, forgetting the oldest
    /// subnet's when [`MEMO_SUBNETS`] are kept.
    fn admit_subnet(&mut self, subnet: &str) {
        if self.memo.contains_key(subnet) {
            return;
        }
        if self.recent.len() >= MEMO_SUBNETS {
            if let Some(old) = self.recent.pop_front() {
                self.memo.remove(&old);
            }
        }
        self.recent.push_back(subnet.to_string());
        self.memo.insert(subnet.to_string(), HashMap::new());
    }

    /// Evaluate one flow. Never panics; anything it cannot decide is
    /// `unknown`.
    pub fn evaluate(&mut self, src: &Source, dst: &Target, flow: &FlowSpec) -> PathResult {
        self.answers += 1;
        let Source::Virtual(v) = src else {
            return self.search.run(src, dst, flow, false);
        };
        let Some(key) = key(v, dst, flow) else {
            return self.search.run(src, dst, flow, false);
        };
        self.admit_subnet(&key.subnet);
        let answers = self.memo.get_mut(&key.subnet).expect("admitted above");
        let template = match answers.entry(key) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(Template::new(self.search.run(src, dst, flow, true))),
        };
        let r = template.fill(&v.label, &mut self.search.hops);
        #[cfg(debug_assertions)]
        {
            let direct = walk::evaluate(self.search.topo, src, dst, flow, self.search.settings);
            assert_eq!(r, direct, "memoised answer differs for {}", v.label);
        }
        r
    }
}

/// The question behind a virtual source's flow; `None` when its answer
/// names the source outside a [`Label`](crate::findings::Label) field (a source without groups:
/// its groups' hop is named after it).
fn key(v: &VirtualEni, dst: &Target, flow: &FlowSpec) -> Option<Key> {
    if v.security_group_ids.is_empty() {
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

/// Whether a hop names the source ([`Label::Source`](crate::findings::Label::Source)).
fn hop_holds_source(h: &Hop) -> bool {
    fill_rule(&h.rule, "") != h.rule
}

/// One `Arc` per distinct hop given out by an [`Evaluator`]; every hop in
/// it was in some answer.
#[derive(Default)]
struct Interner {
    hops: HashSet<Arc<Hop>>,
    /// The addresses of the hops in `hops`: a hop the engine shares itself
    /// (a NACL's, see `Cache::nacl_hop`) is found without hashing its text.
    /// The interner holds every hop it has, so no address is reused.
    shared: HashSet<usize>,
    /// Filled-in hops by (template hop's address, label): a source's hops
    /// recur in the answers to every question it asks. Template hops are
    /// interned too, so their addresses are not reused either. An audit
    /// asks a source's questions together, so only the last
    /// [`FILLED_CAP`] are kept.
    filled: HashMap<usize, HashMap<String, Arc<Hop>>>,
    filled_len: usize,
}

/// How many filled-in hops an [`Interner`] keeps for reuse.
const FILLED_CAP: usize = 16384;

impl Interner {
    /// The shared hop with the content of `h` (`h` itself the first time).
    fn intern(&mut self, h: &Arc<Hop>) -> Arc<Hop> {
        if self.shared.contains(&(Arc::as_ptr(h) as usize)) {
            return Arc::clone(h);
        }
        if let Some(shared) = self.hops.get(&**h) {
            return Arc::clone(shared);
        }
        self.hops.insert(Arc::clone(h));
        self.shared.insert(Arc::as_ptr(h) as usize);
        Arc::clone(h)
    }

    /// The hop `h` (a template's, holding the placeholder) with `label`
    /// filled in, made once per (hop, label).
    fn fill(&mut self, h: &Arc<Hop>, label: &str) -> Arc<Hop> {
        if self.filled_len >= FILLED_CAP {
            self.filled.clear();
            self.filled_len = 0;
        }
        let by_label = self.filled.entry(Arc::as_ptr(h) as usize).or_default();
        if let Some(f) = by_label.get(label) {
            return Arc::clone(f);
        }
        let f = Arc::new(Hop {
            resource: h.resource.clone(),
            kind: h.kind,
            decision: h.decision,
            rule: fill_rule(&h.rule, label),
        });
        by_label.insert(label.to_string(), Arc::clone(&f));
        self.filled_len += 1;
        f
    }

    /// Replace each hop of `r` by the shared one with the same content.
    fn share(&mut self, r: &mut PathResult) {
        for h in r.path.iter_mut().chain(r.return_path.iter_mut()) {
            *h = self.intern(h);
        }
    }
}

/// Addresses with `label` filled into the app ENIs' names.
fn fill_addrs(a: &Addrs, label: &str) -> Addrs {
    Addrs(
        a.0.iter()
            .map(|p| match p {
                AddrPart::App {
                    label: l,
                    peer,
                    subnet_cidr,
                } => AddrPart::App {
                    label: l.named(label),
                    peer: *peer,
                    subnet_cidr: *subnet_cidr,
                },
                other => other.clone(),
            })
            .collect(),
    )
}

/// A hop's rule with `label` filled in: the names that may be the
/// source's are the sender's, a new app ENI's, and app addresses.
fn fill_rule(r: &Rule, label: &str) -> Rule {
    match r {
        Rule::NewAppSender {
            label: l,
            subnet,
            cidr,
        } => Rule::NewAppSender {
            label: l.named(label),
            subnet: subnet.clone(),
            cidr: *cidr,
        },
        Rule::Receiver(Receiver::NewApp(l)) => Rule::Receiver(Receiver::NewApp(l.named(label))),
        Rule::NoRoute(a) => Rule::NoRoute(fill_addrs(a, label)),
        Rule::ToAddrs(a) => Rule::ToAddrs(fill_addrs(a, label)),
        Rule::NoOwner(a) => Rule::NoOwner(fill_addrs(a, label)),
        Rule::InNoSubnet(a) => Rule::InNoSubnet(fill_addrs(a, label)),
        other => other.clone(),
    }
}

/// A note with `label` filled in (a filter's owner, the target's name,
/// an app's subnet).
fn fill_note(n: &Note, label: &str) -> Note {
    match n {
        Note::Unproven { resource, filter } => Note::Unproven {
            resource: resource.clone(),
            filter: fill_filter(filter, label),
        },
        Note::NoAddress { target, peer_in } => Note::NoAddress {
            target: target.named(label),
            peer_in: peer_in.clone(),
        },
        Note::Absent(a) => Note::Absent(fill_absent(a, label)),
        other => other.clone(),
    }
}

/// A filter with `label` filled into its owner's name.
fn fill_filter(f: &Filter, label: &str) -> Filter {
    match f {
        Filter::Groups {
            egress,
            owner,
            groups,
        } => Filter::Groups {
            egress: *egress,
            owner: owner.named(label),
            groups: groups.clone(),
        },
        other => other.clone(),
    }
}

/// What is absent, with `label` filled into an app's name.
fn fill_absent(a: &Absent, label: &str) -> Absent {
    match a {
        Absent::AppSubnet { subnet, of } => Absent::AppSubnet {
            subnet: subnet.clone(),
            of: of.named(label),
        },
        other => other.clone(),
    }
}

/// A blocker's reason with `label` filled in: the names that may be the
/// source's are a security-group filter's owner and app addresses.
fn fill_why(w: &Why, label: &str) -> Why {
    let addrs = |a: &Addrs| fill_addrs(a, label);
    match w {
        Why::Filter {
            filter,
            finding,
            packets,
        } => Why::Filter {
            filter: fill_filter(filter, label),
            finding: *finding,
            packets: Packets {
                protocols: packets.protocols.clone(),
                src: packets.src.as_ref().map(addrs),
                src_ports: packets.src_ports.clone(),
                dst: packets.dst.as_ref().map(addrs),
                dst_ports: packets.dst_ports.clone(),
            },
        },
        Why::NoRoute { table, subnet, to } => Why::NoRoute {
            table: table.clone(),
            subnet: subnet.clone(),
            to: addrs(to),
        },
        Why::NoOwner { to } => Why::NoOwner { to: addrs(to) },
        Why::Absent(a) => Why::Absent(fill_absent(a, label)),
        Why::NoSubnet { to, vpc } => Why::NoSubnet {
            to: addrs(to),
            vpc: vpc.clone(),
        },
        Why::ReplyRoute {
            table,
            subnet,
            to,
            via,
            igw,
        } => Why::ReplyRoute {
            table: table.clone(),
            subnet: subnet.clone(),
            to: addrs(to),
            via: via.clone(),
            igw: igw.clone(),
        },
        other => other.clone(),
    }
}

/// An answer with the placeholder for the label, and which of its hops
/// hold the placeholder (found once, not for every label filled in).
struct Template {
    result: PathResult,
    path_holds: Vec<bool>,
    return_holds: Vec<bool>,
}

impl Template {
    fn new(result: PathResult) -> Template {
        let holds = |v: &[Arc<Hop>]| v.iter().map(|h| hop_holds_source(h)).collect();
        Template {
            path_holds: holds(&result.path),
            return_holds: holds(&result.return_path),
            result,
        }
    }

    /// The answer with `label` for [`Label::Source`](crate::findings::Label::Source). Hops that do not
    /// name the source are the template's own (shared); filled hops are
    /// shared through `interner` between all the answers of the label.
    fn fill(&self, label: &str, interner: &mut Interner) -> PathResult {
        let t = &self.result;
        let mut hops = |v: &[Arc<Hop>], holds: &[bool]| -> Vec<Arc<Hop>> {
            v.iter()
                .zip(holds)
                .map(|(h, &holds)| {
                    if holds {
                        interner.fill(h, label)
                    } else {
                        Arc::clone(h)
                    }
                })
                .collect()
        };
        let path = hops(&t.path, &self.path_holds);
        let return_path = hops(&t.return_path, &self.return_holds);
        let mut notes: Vec<Note> = t.notes.iter().map(|n| fill_note(n, label)).collect();
        sort_notes(&mut notes);
        PathResult {
            verdict: t.verdict,
            blocked_at: t
                .blocked_at
                .iter()
                .map(|b| super::Blocker {
                    resource: b.resource.clone(),
                    kind: b.kind,
                    direction: b.direction,
                    code: b.code,
                    reason: Reason {
                        why: fill_why(&b.reason.why, label),
                        more: b.reason.more,
                    },
                })
                .collect(),
            path,
            return_path,
            notes,
            reachable_part: t.reachable_part.as_ref().map(|p| Part {
                to: p.to.as_ref().map(|a| fill_addrs(a, label)),
                src_ports: p.src_ports.clone(),
                dst_ports: p.dst_ports.clone(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::findings::Label;

    fn hop(label: Label) -> Arc<Hop> {
        Arc::new(Hop {
            resource: "subnet-1".into(),
            kind: crate::findings::Kind::VirtualAppEni,
            decision: crate::findings::Decision::Send,
            rule: Rule::NewAppSender {
                label,
                subnet: "subnet-1".into(),
                cidr: None,
            },
        })
    }

    /// Filled hops are made once per (template hop, label) and shared; a
    /// hop the interner already holds is found by its address, and a
    /// content-equal hop by its content.
    #[test]
    fn interner_shares_filled_and_equal_hops() {
        let mut i = Interner::default();
        let template = i.intern(&hop(Label::Source));
        assert!(hop_holds_source(&template));
        let alice = i.fill(&template, "user-profile alice");
        assert_eq!(
            alice.rule.to_string(),
            "user-profile alice (new app ENI in subnet-1)"
        );
        assert!(!hop_holds_source(&alice));
        assert!(Arc::ptr_eq(
            &alice,
            &i.fill(&template, "user-profile alice")
        ));
        let bob = i.fill(&template, "user-profile bob");
        assert_eq!(
            bob.rule.to_string(),
            "user-profile bob (new app ENI in subnet-1)"
        );
        assert!(Arc::ptr_eq(&template, &i.intern(&template)));
        let twin = hop(Label::Source);
        assert!(!Arc::ptr_eq(&twin, &template));
        assert!(Arc::ptr_eq(&i.intern(&twin), &template));
        let other = hop(Label::Of("other".into()));
        assert!(Arc::ptr_eq(&i.intern(&other), &other));
    }
}
