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

use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::rc::Rc;
use std::sync::Arc;

use ipnet::Ipv4Net;

use crate::findings::Code;
use crate::graph::{EniRole, Topology};
use crate::snapshot::{
    EndpointType, NetworkAcl, Protocol, Route, RouteDestination, RouteTable, RouteTarget,
};

use super::atoms::{ip_iv, is_private_ip, net_iv, AddrMatch, AtomKind, Atoms};
use super::cache::{Cache, Sig};
use super::result::{Blocker, Direction, Hop, PathResult, Verdict};
use super::rules::{describe_sg_rule, nacl_witness_of, prefix_list_addrs, Admits, NaclRules};
use super::space::{
    merge_intervals, Cube, Iv, Map, Space, Transform, ADDR_MAX, DPORT, DST, FULL, IPV4_MAX, PROTO,
    SPORT, SRC,
};
use super::{FlowSpec, InjectAt, Settings, Source, Target};

const NAT_PORTS: Iv = Iv::new(1024, 65535);

/// What receives a delivered flow: (subnet, groups (None = unknown),
/// resource id, kind, witness text).
type Owner = (String, Option<Vec<String>>, String, &'static str, String);

/// Forward and reply transforms of the current leg.
#[derive(Debug, Clone, Copy)]
struct Leg {
    fwd: Transform,
    rev: Transform,
}

const PLAIN: Leg = Leg {
    fwd: Transform::IDENTITY,
    rev: Transform::REPLY,
};

#[derive(Debug, Clone)]
struct PendingReturn {
    subnet: String,
    egress: bool,
    rev: Transform,
}

#[derive(Debug, Clone)]
struct Branch {
    sure: Space,
    maybe: Space,
    ideal: Space,
    hops: Vec<Arc<Hop>>,
    ret_hops: Vec<Arc<Hop>>,
    blockers: Vec<Blocker>,
    unknown: bool,
    returns: Vec<PendingReturn>,
    leg: Leg,
    /// Whether the sender has a public address an internet gateway can map.
    src_public: bool,
    /// NAT gateway the flow went through (its public address is the source now).
    via_nat: Option<String>,
    depth: u8,
}

impl Branch {
    fn restrict_dst(&self, sure: &[Iv], maybe: &[Iv]) -> Branch {
        let mut b = self.clone();
        b.sure = self.sure.restrict(DST, sure);
        b.maybe = self.maybe.restrict(DST, maybe);
        b.ideal = self.ideal.restrict(DST, maybe);
        b
    }
    fn hop(&mut self, resource: &str, kind: &str, decision: &str, rule: impl Into<String>) {
        self.hops.push(Arc::new(Hop {
            resource: resource.to_string(),
            kind: kind.to_string(),
            decision: decision.to_string(),
            rule: rule.into(),
        }));
    }
    /// Record a filter's hop on the forward path or the reply's.
    fn push_hop(&mut self, dir: Direction, hop: Arc<Hop>) {
        match dir {
            Direction::Forward => self.hops.push(hop),
            Direction::Return => self.ret_hops.push(hop),
        }
    }
    fn block(
        &mut self,
        resource: &str,
        kind: &str,
        dir: Direction,
        code: Code,
        reason: impl Into<String>,
    ) {
        self.blockers.push(Blocker {
            resource: resource.to_string(),
            kind: kind.to_string(),
            direction: dir,
            code,
            reason: reason.into(),
        });
    }
    /// The flow cannot go on here: nothing passes.
    fn drop_all(&mut self) {
        self.sure = Space::empty();
        self.maybe = Space::empty();
    }
    /// The flow's fate here depends on data we lack.
    fn make_unknown(&mut self) {
        self.sure = Space::empty();
        self.unknown = true;
    }
}

/// Where the destination sits, once resolved to addresses.
pub(super) struct Resolved {
    addrs: AddrMatch,
    label: String,
    pre_hops: Vec<Arc<Hop>>,
    /// Components to report if the flow does not get through (DNS).
    pre_blockers: Vec<Blocker>,
    unknown: bool,
}

pub(super) struct Ctx<'a> {
    topo: &'a Topology,
    atoms: Atoms,
    settings: &'a Settings,
    notes: BTreeSet<String>,
    leaves: Vec<Branch>,
    /// Virtual destination, if any: (atom address, subnet, groups, label).
    virtual_dst: Option<(u64, String, Vec<String>, String)>,
    /// Filter answers shared with the other evaluations of the run.
    cache: &'a mut Cache,
    /// This evaluation's atoms as cache signature ids.
    sig: Option<Sig>,
}

pub(super) fn evaluate(
    topo: &Topology,
    src: &Source,
    dst: &Target,
    flow: &FlowSpec,
    settings: &Settings,
) -> PathResult {
    evaluate_cached(&mut Cache::new(), topo, src, dst, flow, settings)
}

pub(super) fn evaluate_cached(
    cache: &mut Cache,
    topo: &Topology,
    src: &Source,
    dst: &Target,
    flow: &FlowSpec,
    settings: &Settings,
) -> PathResult {
    cache.new_evaluation();
    let mut cx = Ctx {
        topo,
        atoms: Atoms::default(),
        settings,
        notes: BTreeSet::new(),
        leaves: Vec::new(),
        virtual_dst: None,
        cache,
        sig: None,
    };
    cx.run(src, dst, flow)
}

struct SrcInfo {
    addrs: Vec<Iv>,
    subnet: Option<String>,
    vpc: Option<String>,
    groups: Option<Vec<String>>,
    resource: String,
    label: String,
    public: bool,
    at: Option<InjectAt>,
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
                notes: vec![format!("no address to reach for {}", res.label)],
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
        match &srci.at {
            Some(InjectAt::Internet) => self.inject_from_internet(b, &srci),
            Some(InjectAt::Vpc(v)) => {
                b.hop(
                    v,
                    "vpc",
                    "inject",
                    format!("packet from {} at the VPC router", srci.label),
                );
                let v = v.clone();
                self.deliver_local(b, None, &v);
            }
            _ => {
                // A virtual app ENI has no id yet: its hop names the subnet
                // it would be created in, and reasons name it by its label.
                let (kind, owner) = match src {
                    Source::Virtual(v) => ("virtual-app-eni", v.label.clone()),
                    _ => ("network-interface", srci.resource.clone()),
                };
                b.hop(&srci.resource, kind, "send", srci.label.clone());
                let subnet = srci.subnet.clone().unwrap_or_default();
                if let Some(groups) = &srci.groups {
                    self.sg_filter(&mut b, groups, true, &owner);
                }
                self.route(b, &subnet);
            }
        }
        self.finish(orig, res)
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
                        .any(|b| b.code == Code::UnknownResource || b.code == Code::LeavesSnapshot)
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
                        && reason_subject(&a.reason) == reason_subject(&b.reason)
                };
                match merged.iter_mut().find(|(a, _)| same(a)) {
                    Some((a, n)) => {
                        if a.reason != b.reason {
                            *n += 1;
                        }
                    }
                    None => merged.push((b, 0)),
                }
            }
            merged
                .into_iter()
                .map(|(mut b, n)| {
                    if n > 0 {
                        b.reason.push_str(&format!(
                            " (and the same for {n} more destination address{})",
                            if n == 1 { "" } else { "es" }
                        ));
                    }
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
            notes: std::mem::take(&mut self.notes).into_iter().collect(),
            reachable_part,
        }
    }

    fn describe_part(&self, orig: &Space, ok: &Space) -> String {
        let mut parts = Vec::new();
        let od = orig.projection(DST);
        let kd = ok.projection(DST);
        if od != kd {
            parts.push(format!("to {}", self.atoms.describe_set(&kd)));
        }
        let os = orig.projection(SPORT);
        let ks = ok.projection(SPORT);
        if os != ks {
            parts.push(format!("from source ports {}", describe_ports(&ks)));
        }
        let op = orig.projection(DPORT);
        let kp = ok.projection(DPORT);
        if op != kp {
            parts.push(format!("to ports {}", describe_ports(&kp)));
        }
        if parts.is_empty() {
            "part of the flow space".to_string()
        } else {
            format!("only {}", parts.join(", "))
        }
    }

    // ------------------------------------------------------ sources ----

    fn resolve_source(&mut self, src: &Source) -> Result<SrcInfo, Box<PathResult>> {
        let topo = self.topo;
        let unknown = |msg: String, id: &str| {
            Box::new(PathResult {
                verdict: Verdict::Unknown,
                blocked_at: vec![Blocker {
                    resource: id.to_string(),
                    kind: "source".into(),
                    direction: Direction::Forward,
                    code: Code::UnknownResource,
                    reason: msg.clone(),
                }],
                path: vec![],
                return_path: vec![],
                notes: vec![msg],
                reachable_part: None,
            })
        };
        match src {
            Source::Eni(id) => {
                let Some(eni) = topo.eni(id) else {
                    return Err(unknown(format!("{id} is not in the snapshot"), id));
                };
                let Some(ip) = eni
                    .private_ips
                    .iter()
                    .find(|p| p.primary)
                    .or(eni.private_ips.first())
                else {
                    return Err(unknown(format!("{id} has no IPv4 address"), id));
                };
                let public = ip.public_ip.is_some()
                    || topo
                        .public_ip_for_private(&eni.vpc_id, ip.address)
                        .is_some();
                Ok(SrcInfo {
                    addrs: vec![ip_iv(ip.address)],
                    subnet: Some(eni.subnet_id.clone()),
                    vpc: Some(eni.vpc_id.clone()),
                    groups: Some(eni.security_group_ids.clone()),
                    resource: id.clone(),
                    label: format!("{id} {}", ip.address),
                    public,
                    at: None,
                })
            }
            Source::Instance(id) => {
                let Some(inst) = topo.instance(id) else {
                    return Err(unknown(format!("{id} is not in the snapshot"), id));
                };
                // Prefer the instance's primary ENI when captured.
                if let Some(eni) = inst.network_interface_ids.iter().find_map(|e| topo.eni(e)) {
                    if inst
                        .private_ip
                        .is_none_or(|ip| eni.private_ips.iter().any(|p| p.address == ip))
                    {
                        let mut s = self.resolve_source(&Source::Eni(eni.id.clone()))?;
                        s.resource = id.clone();
                        s.label = format!(
                            "{id} ({} {})",
                            eni.id,
                            s.label.split(' ').nth(1).unwrap_or("")
                        );
                        return Ok(s);
                    }
                }
                let (Some(ip), Some(subnet)) = (inst.private_ip, inst.subnet_id.clone()) else {
                    return Err(unknown(
                        format!("{id} has no private address or subnet in the snapshot"),
                        id,
                    ));
                };
                let vpc = inst
                    .vpc_id
                    .clone()
                    .or_else(|| topo.subnet(&subnet).map(|s| s.vpc_id.clone()));
                Ok(SrcInfo {
                    addrs: vec![ip_iv(ip)],
                    subnet: Some(subnet),
                    vpc,
                    groups: Some(inst.security_group_ids.clone()),
                    resource: id.clone(),
                    label: format!("{id} {ip}"),
                    public: inst.public_ip.is_some(),
                    at: None,
                })
            }
            Source::Virtual(v) => {
                let Some(sub) = topo.subnet(&v.subnet_id) else {
                    return Err(unknown(
                        format!(
                            "subnet {} of {} is not in the snapshot",
                            v.subnet_id, v.label
                        ),
                        &v.subnet_id,
                    ));
                };
                let a = self.atoms.add(AtomKind::Virtual {
                    label: v.label.clone(),
                    subnet_cidr: sub.cidr,
                    groups: v.security_group_ids.clone(),
                });
                Ok(SrcInfo {
                    addrs: vec![Iv::point(a)],
                    subnet: Some(sub.id.clone()),
                    vpc: Some(sub.vpc_id.clone()),
                    groups: Some(v.security_group_ids.clone()),
                    resource: v.subnet_id.clone(),
                    label: format!(
                        "{} (new app ENI in {}{})",
                        v.label,
                        sub.id,
                        sub.cidr.map(|c| format!(" {c}")).unwrap_or_default()
                    ),
                    // Studio never gives app ENIs public addresses.
                    public: false,
                    at: None,
                })
            }
            Source::Injected { ip, at } => match at {
                InjectAt::Internet => Ok(SrcInfo {
                    addrs: match ip {
                        Some(ip) => vec![ip_iv(*ip)],
                        None => public_space(),
                    },
                    subnet: None,
                    vpc: None,
                    groups: None,
                    resource: "internet".into(),
                    label: ip
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "any internet address".into()),
                    public: true,
                    at: Some(InjectAt::Internet),
                }),
                InjectAt::Subnet(s) => {
                    let Some(sub) = topo.subnet(s) else {
                        return Err(unknown(format!("{s} is not in the snapshot"), s));
                    };
                    let addrs = match (ip, sub.cidr) {
                        (Some(ip), _) => vec![ip_iv(*ip)],
                        (None, Some(c)) => vec![net_iv(c)],
                        (None, None) => return Err(unknown(format!("{s} has no IPv4 CIDR"), s)),
                    };
                    let public =
                        ip.is_some_and(|ip| topo.public_ip_for_private(&sub.vpc_id, ip).is_some());
                    Ok(SrcInfo {
                        addrs,
                        subnet: Some(s.clone()),
                        vpc: Some(sub.vpc_id.clone()),
                        groups: None,
                        resource: s.clone(),
                        label: format!(
                            "{} injected at {s}",
                            ip.map(|i| i.to_string())
                                .unwrap_or_else(|| "any address".into())
                        ),
                        public,
                        at: Some(InjectAt::Subnet(s.clone())),
                    })
                }
                InjectAt::Vpc(v) => {
                    if topo.vpc(v).is_none() {
                        return Err(unknown(format!("{v} is not in the snapshot"), v));
                    }
                    Ok(SrcInfo {
                        addrs: match ip {
                            Some(ip) => vec![ip_iv(*ip)],
                            None => vec![Iv::new(0, IPV4_MAX)],
                        },
                        subnet: None,
                        vpc: Some(v.clone()),
                        groups: None,
                        resource: v.clone(),
                        label: ip
                            .map(|i| i.to_string())
                            .unwrap_or_else(|| "any address".into()),
                        public: false,
                        at: Some(InjectAt::Vpc(v.clone())),
                    })
                }
            },
        }
    }

    // -------------------------------------------------- destinations ----

    pub(super) fn resolve_target(&mut self, dst: &Target, vpc: Option<&str>) -> Resolved {
        let topo = self.topo;
        let plain = |addrs: AddrMatch, label: String| Resolved {
            addrs,
            label,
            pre_hops: vec![],
            pre_blockers: vec![],
            unknown: false,
        };
        match dst {
            Target::Ip(ip) => plain(AddrMatch::exact(vec![ip_iv(*ip)]), ip.to_string()),
            Target::Eni(id) => match topo.eni(id) {
                Some(e) => plain(
                    AddrMatch::exact(e.private_ips.iter().map(|p| ip_iv(p.address)).collect()),
                    id.clone(),
                ),
                None => self.unknown_target(format!("{id} is not in the snapshot")),
            },
            Target::MountTarget(id) => {
                let Some(mt) = topo.mount_target(id) else {
                    return self
                        .unknown_target(format!("mount target {id} is not in the snapshot"));
                };
                let ip = mt.ip_address.or_else(|| {
                    mt.network_interface_id
                        .as_deref()
                        .and_then(|e| topo.eni(e))
                        .and_then(|e| e.private_ips.first().map(|p| p.address))
                });
                match ip {
                    Some(ip) => plain(AddrMatch::exact(vec![ip_iv(ip)]), format!("{id} {ip}")),
                    None => self.unknown_target(format!(
                        "the address of mount target {id} was not captured"
                    )),
                }
            }
            Target::Virtual(v) => {
                let Some(sub) = topo.subnet(&v.subnet_id) else {
                    return self
                        .unknown_target(format!("subnet {} is not in the snapshot", v.subnet_id));
                };
                let a = self.atoms.add(AtomKind::Virtual {
                    label: format!("{} (peer)", v.label),
                    subnet_cidr: sub.cidr,
                    groups: v.security_group_ids.clone(),
                });
                self.virtual_dst = Some((
                    a,
                    sub.id.clone(),
                    v.security_group_ids.clone(),
                    v.label.clone(),
                ));
                plain(
                    AddrMatch::exact(vec![Iv::point(a)]),
                    format!("{} in {}", v.label, sub.id),
                )
            }
            Target::Service { service, region } => {
                super::dns::resolve_service(self, vpc, service, region)
            }
        }
    }

    fn unknown_target(&mut self, msg: String) -> Resolved {
        self.notes.insert(msg.clone());
        Resolved {
            addrs: AddrMatch::default(),
            label: msg,
            pre_hops: vec![],
            pre_blockers: vec![],
            unknown: true,
        }
    }

    // ------------------------------------------------------- filters ----

    /// Apply a filter and, measured against `ideal`, record the blocker.
    /// Returns the decision for the filter's hop (which the caller
    /// records, see [`Branch::push_hop`]).
    #[allow(clippy::too_many_arguments)]
    fn apply(
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

    fn sg_filter(&mut self, b: &mut Branch, groups: &[String], egress: bool, owner: &str) {
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
        let mut matched: Vec<Rc<str>> = Vec::new();
        let mut first_match = None;
        for g in groups {
            let Some(sg) = self.topo.security_group(g) else {
                matched.push(format!("{g} is not in the snapshot").into());
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
                    matched.push(self.cache.sg_rule_text(g, i, r, egress));
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
            let existing: Vec<String> = groups
                .iter()
                .filter_map(|g| self.topo.security_group(g))
                .flat_map(|sg| {
                    let rules = if egress { &sg.egress } else { &sg.ingress };
                    rules.iter().enumerate().map(move |(i, r)| {
                        format!("{} rule {}: {}", sg.id, i + 1, describe_sg_rule(r, egress))
                    })
                })
                .take(4)
                .collect();
            let dir = if egress { "egress" } else { "ingress" };
            match (groups.is_empty(), existing.is_empty()) {
                (true, _) => format!("no {dir} rule matches (no security groups)"),
                (false, true) => format!(
                    "no {dir} rule matches: {} has no {dir} rules",
                    groups.join(", ")
                ),
                (false, false) => format!(
                    "no {dir} rule matches; the rules are: {}",
                    existing.join("; ")
                ),
            }
        } else {
            if matched.len() > 4 {
                let more = matched.len() - 4;
                matched.truncate(4);
                matched.push(
                    format!("... {more} more rule{}", if more == 1 { "" } else { "s" }).into(),
                );
            }
            matched.join("; ")
        };
        let what = || {
            format!(
                "{} of {owner} ({})",
                if egress { "egress" } else { "ingress" },
                if groups.is_empty() {
                    "no groups".to_string()
                } else {
                    groups.join(", ")
                }
            )
        };
        let decision = self.apply(
            b,
            t,
            &adm,
            Direction::Forward,
            &resource,
            "security-group",
            code,
            &what,
        );
        b.hop(&resource, "security-group", decision, rule);
    }

    fn nacl_filter(
        &mut self,
        b: &mut Branch,
        subnet: &str,
        egress: bool,
        dir: Direction,
        t: Transform,
    ) {
        let Some(acl) = self.topo.nacl_of_subnet(subnet) else {
            let msg = format!("the network ACL of {subnet} is not in the snapshot");
            self.notes.insert(msg.clone());
            b.unknown = true;
            b.sure = Space::empty();
            b.block(subnet, "subnet", dir, Code::UnknownResource, msg);
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
        let what = || {
            format!(
                "{} {} ({subnet})",
                acl.id,
                if egress { "outbound" } else { "inbound" }
            )
        };
        let decision = self.apply(
            b,
            t,
            adm,
            dir,
            &acl.id,
            "network-acl",
            Code::SubnetAclRestriction,
            &what,
        );
        let hop = self.cache.nacl_hop(&nacl, leg, decision, |leg| Hop {
            resource: acl.id.clone(),
            kind: "network-acl".into(),
            decision: decision.into(),
            rule: nacl_witness_text(&nacl, acl, egress, leg),
        });
        b.push_hop(dir, hop);
    }

    // ------------------------------------------------------- routing ----

    fn route(&mut self, b: Branch, subnet: &str) {
        if b.depth > 4 {
            let mut b = b;
            b.block(
                subnet,
                "subnet",
                Direction::Forward,
                Code::NoPath,
                "routing loop (more than 4 route lookups)",
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        let topo = self.topo;
        let Some(rt) = topo.route_table_of_subnet(subnet) else {
            let mut b = b;
            let msg = format!("{subnet} has no route table in the snapshot");
            b.block(
                subnet,
                "subnet",
                Direction::Forward,
                Code::UnknownResource,
                msg.clone(),
            );
            self.notes.insert(msg);
            b.make_unknown();
            self.leaf(b);
            return;
        };
        let sig = self.sig();
        let split = self
            .cache
            .route_parts(rt, sig, || route_parts(topo, &self.atoms, rt));
        let (parts, rem_sure, rem_maybe) = &*split;
        let dsts = b.ideal.projection(DST);
        let mut any = false;
        for (i, s, mb) in parts {
            if iv_intersect(&dsts, mb).is_empty() {
                continue;
            }
            any = true;
            let r = &rt.routes[*i];
            let mut nb = b.restrict_dst(s, mb);
            if !nb.maybe.is_subset_of(&nb.sure) && b.maybe.is_subset_of(&b.sure) {
                nb.unknown = true;
                self.notes.insert(format!(
                    "{}: which route applies to part of the destination is unknown",
                    rt.id
                ));
            }
            let text = format!("{} -> {}", r.destination, r.target.id());
            nb.hop(&rt.id, "route-table", "route", text);
            self.follow_route(nb, subnet, &rt.id, r);
        }
        let rest_maybe = iv_intersect(&dsts, rem_maybe);
        if !rest_maybe.is_empty() {
            any = true;
            let mut nb = b.restrict_dst(rem_sure, rem_maybe);
            let what = self.atoms.describe_set(&rest_maybe);
            nb.hop(&rt.id, "route-table", "deny", format!("no route to {what}"));
            nb.block(
                &rt.id,
                "route-table",
                Direction::Forward,
                Code::NoRouteToDestination,
                format!("{} (for {subnet}) has no route to {what}", rt.id),
            );
            nb.drop_all();
            self.leaf(nb);
        }
        if !any {
            self.leaf(b);
        }
    }

    fn follow_route(&mut self, mut b: Branch, subnet: &str, rtb: &str, r: &Route) {
        let topo = self.topo;
        let vpc = topo
            .subnet(subnet)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        if !r.active {
            b.block(
                rtb,
                "route-table",
                Direction::Forward,
                Code::BadStateRoute,
                format!(
                    "route {} -> {} is a blackhole (its target was deleted)",
                    r.destination,
                    r.target.id()
                ),
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        match &r.target {
            RouteTarget::Local => self.deliver_local(b, Some(subnet), &vpc),
            RouteTarget::InternetGateway(id) => self.via_igw(b, subnet, id, &vpc),
            RouteTarget::NatGateway(id) => self.via_nat(b, subnet, id),
            RouteTarget::VpcEndpoint(id) => self.via_gateway_endpoint(b, subnet, id),
            RouteTarget::NetworkInterface(id) | RouteTarget::Instance(id) => {
                let present = topo.eni(id).is_some() || topo.instance(id).is_some();
                let msg = if present {
                    format!("forwarded to the appliance {id}; what it does with the traffic is not modelled")
                } else {
                    format!("route target {id} is not in the snapshot")
                };
                self.leaves_snapshot(b, subnet, id, msg, !present);
            }
            other => {
                let msg = format!(
                    "leaves the snapshot through {}; the far side is not in the snapshot",
                    other.id()
                );
                self.leaves_snapshot(b, subnet, other.id(), msg, false);
            }
        }
    }

    fn leaves_snapshot(
        &mut self,
        mut b: Branch,
        subnet: &str,
        target: &str,
        msg: String,
        missing: bool,
    ) {
        let fwd = b.leg.fwd;
        self.nacl_filter(&mut b, subnet, true, Direction::Forward, fwd);
        b.hop(target, "external", "unknown", msg.clone());
        let code = if missing {
            Code::UnknownResource
        } else {
            Code::LeavesSnapshot
        };
        b.block(target, "external", Direction::Forward, code, msg.clone());
        self.notes.insert(msg);
        b.make_unknown();
        self.leaf(b);
    }

    fn via_igw(&mut self, mut b: Branch, subnet: &str, igw: &str, vpc: &str) {
        let topo = self.topo;
        let Some(g) = topo.internet_gateway(igw) else {
            let msg = format!("internet gateway {igw} is not in the snapshot");
            b.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::UnknownResource,
                msg.clone(),
            );
            self.notes.insert(msg);
            b.make_unknown();
            self.leaf(b);
            return;
        };
        if !g.vpc_ids.iter().any(|v| v == vpc) {
            b.hop(
                igw,
                "internet-gateway",
                "deny",
                format!("{igw} is not attached to {vpc}"),
            );
            b.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::UnassociatedComponent,
                format!("{igw} is not attached to {vpc}"),
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        let fwd = b.leg.fwd;
        self.nacl_filter(&mut b, subnet, true, Direction::Forward, fwd);
        let rev = b.leg.rev;
        b.returns.push(PendingReturn {
            subnet: subnet.to_string(),
            egress: false,
            rev,
        });
        // Destinations inside the VPC never leave through the gateway.
        let in_vpc: Vec<Iv> = topo
            .vpc(vpc)
            .map(|v| v.cidr_blocks.iter().map(|c| net_iv(*c)).collect())
            .unwrap_or_default();
        if !iv_intersect(&b.ideal.projection(DST), &in_vpc).is_empty() {
            let mut nb = b.restrict_dst(&in_vpc, &in_vpc);
            nb.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::IgwDestinationAddressInVpcCidrs,
                "an internet gateway does not route addresses of its own VPC",
            );
            nb.drop_all();
            self.leaf(nb);
            let outside = iv_subtract(&[Iv::new(0, ADDR_MAX)], &in_vpc);
            b = b.restrict_dst(&outside, &outside);
        }
        let public = b.via_nat.is_some() || b.src_public;
        if !public {
            b.hop(
                igw,
                "internet-gateway",
                "deny",
                "the sender has no public or Elastic IP address",
            );
            b.block(
                igw,
                "internet-gateway",
                Direction::Forward,
                Code::IgwPublicIpAssociationForEgress,
                format!("{igw} drops traffic from a private address with no public or Elastic IP (Studio app ENIs never get one: a VpcOnly domain needs a NAT gateway or VPC endpoints, F14)"),
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        b.hop(
            igw,
            "internet-gateway",
            "translate",
            "private source address mapped to its public address",
        );
        self.exit(b);
    }

    /// The flow has left AWS's VPC world for the internet or a public AWS
    /// service address: reachable as far as the network goes.
    fn exit(&mut self, b: Branch) {
        self.exit_to(b, None)
    }

    fn exit_to(&mut self, mut b: Branch, via: Option<&str>) {
        let dsts = b.ideal.projection(DST);
        let service = dsts.iter().find_map(|iv| {
            (iv.lo..=iv.hi.min(iv.lo + 64)).find_map(|a| match self.atoms.get(a) {
                Some(AtomKind::Service { service, .. }) => Some(service.clone()),
                _ => None,
            })
        });
        match (service, via) {
            (Some(s), _) => b.hop(
                &format!("aws-service:{s}"),
                "aws-service",
                "exit",
                format!("the public {s} endpoint"),
            ),
            (None, Some(v)) => b.hop(
                &format!("aws-service:{v}"),
                "aws-service",
                "exit",
                format!("to {}", self.atoms.describe_set(&dsts)),
            ),
            (None, None) => b.hop(
                "internet",
                "internet",
                "exit",
                format!("to {}", self.atoms.describe_set(&dsts)),
            ),
        }
        self.leaf(b);
    }

    fn via_nat(&mut self, mut b: Branch, subnet: &str, id: &str) {
        let topo = self.topo;
        let Some(nat) = topo.nat_gateway(id) else {
            let msg = format!("NAT gateway {id} is not in the snapshot");
            b.block(
                id,
                "nat-gateway",
                Direction::Forward,
                Code::UnknownResource,
                msg.clone(),
            );
            self.notes.insert(msg);
            b.make_unknown();
            self.leaf(b);
            return;
        };
        if b.via_nat.is_some() {
            b.block(
                id,
                "nat-gateway",
                Direction::Forward,
                Code::NoPath,
                "traffic already translated by a NAT gateway is routed to another NAT gateway",
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        let fwd = b.leg.fwd;
        let rev = b.leg.rev;
        if nat.subnet_id != subnet {
            self.nacl_filter(&mut b, subnet, true, Direction::Forward, fwd);
            self.nacl_filter(&mut b, &nat.subnet_id, false, Direction::Forward, fwd);
            b.returns.push(PendingReturn {
                subnet: subnet.to_string(),
                egress: false,
                rev,
            });
            b.returns.push(PendingReturn {
                subnet: nat.subnet_id.clone(),
                egress: true,
                rev,
            });
        }
        if nat.state != "available" {
            b.hop(id, "nat-gateway", "deny", format!("state {}", nat.state));
            b.block(
                id,
                "nat-gateway",
                Direction::Forward,
                Code::BadState,
                format!("{id} is {} (must be available)", nat.state),
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        let addr = nat.addresses.iter().find_map(|a| a.private_ip);
        let Some(nat_ip) = addr else {
            let msg = format!("the private address of {id} was not captured");
            b.block(
                id,
                "nat-gateway",
                Direction::Forward,
                Code::UnknownResource,
                msg.clone(),
            );
            self.notes.insert(msg);
            b.make_unknown();
            self.leaf(b);
            return;
        };
        let public = nat.connectivity_type != "private"
            && nat.addresses.iter().any(|a| a.public_ip.is_some());
        b.hop(
            id,
            "nat-gateway",
            "translate",
            format!(
                "source translated to {nat_ip}{}",
                if public {
                    " (public NAT)"
                } else {
                    " (private NAT)"
                }
            ),
        );
        let nip = ip_iv(nat_ip);
        b.leg = Leg {
            fwd: Transform::IDENTITY
                .with(SRC, Map::Const(nip))
                .with(SPORT, Map::Const(NAT_PORTS)),
            rev: Transform::REPLY
                .with(DST, Map::Const(nip))
                .with(DPORT, Map::Const(NAT_PORTS)),
        };
        b.via_nat = Some(id.to_string());
        b.src_public = public;
        b.depth += 1;
        let ns = nat.subnet_id.clone();
        self.route(b, &ns);
    }

    fn via_gateway_endpoint(&mut self, mut b: Branch, subnet: &str, id: &str) {
        let topo = self.topo;
        let Some(ep) = topo.endpoint(id) else {
            let msg = format!("VPC endpoint {id} is not in the snapshot");
            b.block(
                id,
                "vpc-endpoint",
                Direction::Forward,
                Code::UnknownResource,
                msg.clone(),
            );
            self.notes.insert(msg);
            b.make_unknown();
            self.leaf(b);
            return;
        };
        if ep.endpoint_type != EndpointType::Gateway {
            let msg = format!(
                "{id} ({:?}) forwards to an appliance or service not modelled",
                ep.endpoint_type
            );
            self.leaves_snapshot(b, subnet, id, msg, false);
            return;
        }
        let fwd = b.leg.fwd;
        self.nacl_filter(&mut b, subnet, true, Direction::Forward, fwd);
        let rev = b.leg.rev;
        b.returns.push(PendingReturn {
            subnet: subnet.to_string(),
            egress: false,
            rev,
        });
        if let Some(state) = &ep.state {
            if state != "available" {
                b.hop(id, "vpc-endpoint", "deny", format!("state {state}"));
                b.block(
                    id,
                    "vpc-endpoint",
                    Direction::Forward,
                    Code::BadState,
                    format!("{id} is {state} (must be available)"),
                );
                b.drop_all();
                self.leaf(b);
                return;
            }
        }
        // Gateway endpoints carry TCP and ICMP only.
        let mut c = FULL;
        c[PROTO] = Iv::point(6);
        let mut c2 = FULL;
        c2[PROTO] = Iv::point(1);
        let allowed = Space::cube(c).union(&Space::cube(c2));
        let adm = Admits {
            sure: allowed.clone(),
            maybe: allowed,
        };
        let decision = self.apply(
            &mut b,
            fwd,
            &adm,
            Direction::Forward,
            id,
            "vpc-endpoint",
            Code::VpceGatewayProtocolRestriction,
            &|| format!("gateway endpoint {id}"),
        );
        b.hop(
            id,
            "vpc-endpoint",
            decision,
            format!("gateway endpoint for {}", ep.service_name),
        );
        if let Some(p) = &ep.policy_document {
            if !self.cache.full_access(p) {
                self.notes.insert(format!("{id} has a restrictive endpoint policy; sagescope does not evaluate IAM policies (F12)"));
            }
        }
        let svc = ep.service_name.clone();
        self.exit_to(b, Some(&svc));
    }

    // ------------------------------------------------------ delivery ----

    fn deliver_local(&mut self, b: Branch, from: Option<&str>, vpc: &str) {
        let topo = self.topo;
        let dsts = b.ideal.projection(DST);
        // Owners of the destination addresses.
        let mut owned: Vec<(String, Vec<Iv>)> = Vec::new();
        let mut unowned: Vec<Iv> = Vec::new();
        for iv in &dsts {
            let concrete_hi = iv.hi.min(IPV4_MAX);
            if iv.lo <= concrete_hi {
                let mut cursor = iv.lo;
                for (ip, owner) in topo.owners_in_range(vpc, iv.lo as u32, concrete_hi as u32) {
                    let ip = ip as u64;
                    if ip > cursor {
                        unowned.push(Iv::new(cursor, ip - 1));
                    }
                    match owned.iter_mut().find(|(o, _)| o == owner) {
                        Some((_, v)) => v.push(Iv::point(ip)),
                        None => owned.push((owner.to_string(), vec![Iv::point(ip)])),
                    }
                    cursor = ip + 1;
                }
                if cursor <= concrete_hi {
                    unowned.push(Iv::new(cursor, concrete_hi));
                }
            }
            if iv.hi > IPV4_MAX {
                let lo = iv.lo.max(IPV4_MAX + 1);
                for a in lo..=iv.hi.min(lo + 1024) {
                    if self.virtual_dst.as_ref().is_some_and(|v| v.0 == a) {
                        owned.push((format!("virtual:{a}"), vec![Iv::point(a)]));
                    } else {
                        unowned.push(Iv::point(a));
                    }
                }
            }
        }
        if !unowned.is_empty() {
            let mut nb = b.restrict_dst(&unowned, &unowned);
            let first = unowned[0].lo;
            let in_subnet = (first <= IPV4_MAX)
                .then(|| topo.subnet_containing(vpc, Ipv4Addr::from(first as u32)))
                .flatten();
            let what = self.atoms.describe_set(&unowned);
            match in_subnet {
                Some(s) => {
                    nb.hop(
                        &s.id,
                        "subnet",
                        "deny",
                        format!("no network interface has {what}"),
                    );
                    nb.block(
                        &s.id,
                        "subnet",
                        Direction::Forward,
                        Code::UnknownDestination,
                        format!("no network interface in the snapshot has {what}"),
                    );
                }
                None => {
                    nb.hop(vpc, "vpc", "deny", format!("{what} is in no subnet"));
                    nb.block(
                        vpc,
                        "vpc",
                        Direction::Forward,
                        Code::UnknownDestination,
                        format!("{what} is in no subnet of {vpc}"),
                    );
                }
            }
            nb.drop_all();
            self.leaf(nb);
        }
        for (owner, ivs) in owned {
            let nb = b.restrict_dst(&ivs, &ivs);
            self.deliver_to(nb, from, &owner);
        }
    }

    fn deliver_to(&mut self, mut b: Branch, from: Option<&str>, owner: &str) {
        let topo = self.topo;
        let info: Option<Owner> = if owner.starts_with("virtual:") {
            self.virtual_dst.clone().map(|(_, s, g, l)| {
                (
                    s.clone(),
                    Some(g),
                    s,
                    "network-interface",
                    format!("{l} (new app ENI)"),
                )
            })
        } else if let Some(e) = topo.eni(owner) {
            match topo.eni_role(owner) {
                Some(EniRole::VpcEndpoint(ep)) => {
                    let svc = topo
                        .endpoint(ep)
                        .map(|x| x.service_name.clone())
                        .unwrap_or_default();
                    Some((
                        e.subnet_id.clone(),
                        Some(e.security_group_ids.clone()),
                        ep.clone(),
                        "vpc-endpoint",
                        format!("{owner} of {ep} ({svc})"),
                    ))
                }
                Some(EniRole::MountTarget(mt)) => {
                    let groups = if e.security_group_ids.is_empty() {
                        topo.mount_target(mt)
                            .and_then(|m| m.security_group_ids.clone())
                    } else {
                        Some(e.security_group_ids.clone())
                    };
                    Some((
                        e.subnet_id.clone(),
                        groups,
                        mt.clone(),
                        "efs-mount-target",
                        format!("{owner} of {mt}"),
                    ))
                }
                Some(EniRole::NatGateway(n)) => Some((
                    e.subnet_id.clone(),
                    None,
                    n.clone(),
                    "nat-gateway",
                    format!("{owner} of {n}"),
                )),
                None => Some((
                    e.subnet_id.clone(),
                    Some(e.security_group_ids.clone()),
                    owner.to_string(),
                    "network-interface",
                    owner.to_string(),
                )),
            }
        } else if let Some(i) = topo.instance(owner) {
            i.subnet_id.clone().map(|s| {
                (
                    s,
                    Some(i.security_group_ids.clone()),
                    owner.to_string(),
                    "instance",
                    owner.to_string(),
                )
            })
        } else if let Some(m) = topo.mount_target(owner) {
            Some((
                m.subnet_id.clone(),
                m.security_group_ids.clone(),
                owner.to_string(),
                "efs-mount-target",
                owner.to_string(),
            ))
        } else {
            None
        };
        let Some((dsub, groups, resource, kind, text)) = info else {
            let msg = format!("{owner} has no subnet in the snapshot");
            b.block(
                owner,
                "network-interface",
                Direction::Forward,
                Code::UnknownResource,
                msg.clone(),
            );
            self.notes.insert(msg);
            b.make_unknown();
            self.leaf(b);
            return;
        };
        let fwd = b.leg.fwd;
        let rev = b.leg.rev;
        // NACLs apply only between subnets.
        match from {
            Some(s) if s == dsub => {}
            Some(s) => {
                self.nacl_filter(&mut b, s, true, Direction::Forward, fwd);
                self.nacl_filter(&mut b, &dsub, false, Direction::Forward, fwd);
                b.returns.push(PendingReturn {
                    subnet: s.to_string(),
                    egress: false,
                    rev,
                });
                b.returns.push(PendingReturn {
                    subnet: dsub.clone(),
                    egress: true,
                    rev,
                });
            }
            None => {
                self.nacl_filter(&mut b, &dsub, false, Direction::Forward, fwd);
                b.returns.push(PendingReturn {
                    subnet: dsub.clone(),
                    egress: true,
                    rev,
                });
            }
        }
        let is_nat = kind == "nat-gateway";
        match groups {
            Some(g) => self.sg_filter(&mut b, &g, false, &resource),
            None if is_nat => {}
            None => {
                let msg = format!("the security groups of {resource} were not captured");
                b.block(
                    &resource,
                    kind,
                    Direction::Forward,
                    Code::UnknownResource,
                    msg.clone(),
                );
                self.notes.insert(msg);
                b.unknown = true;
                b.sure = Space::empty();
            }
        }
        if kind == "vpc-endpoint" {
            if let Some(ep) = topo.endpoint(&resource) {
                if ep
                    .policy_document
                    .as_deref()
                    .is_some_and(|p| !self.cache.full_access(p))
                {
                    self.notes.insert(format!("{resource} has a restrictive endpoint policy; sagescope does not evaluate IAM policies (F12)"));
                }
            }
        }
        let decision = if b.maybe.is_empty() {
            "not-reached"
        } else {
            "deliver"
        };
        b.hop(&resource, kind, decision, text);
        self.leaf(b);
    }

    fn inject_from_internet(&mut self, mut b: Branch, srci: &SrcInfo) {
        let topo = self.topo;
        b.hop(
            "internet",
            "internet",
            "send",
            format!("from {}", srci.label),
        );
        let dsts = b.ideal.projection(DST);
        let Some(first) = dsts.first().map(|iv| iv.lo) else {
            self.leaf(b);
            return;
        };
        if first > IPV4_MAX {
            b.block(
                "internet",
                "internet",
                Direction::Forward,
                Code::NoPath,
                "unsupported destination for an internet source",
            );
            b.make_unknown();
            self.leaf(b);
            return;
        }
        let ip = Ipv4Addr::from(first as u32);
        if is_private_ip(ip) {
            b.block(
                "internet",
                "internet",
                Direction::Forward,
                Code::NoRouteToDestination,
                format!("{ip} is a private address: the internet does not route it"),
            );
            b.drop_all();
            self.leaf(b);
            return;
        }
        b.hop("aws-backbone", "aws-backbone", "route", format!("to {ip}"));
        let Some((owner, private)) = topo.owner_of_public_ip(ip) else {
            b.block(
                "aws-backbone",
                "aws-backbone",
                Direction::Forward,
                Code::UnknownDestination,
                format!("no resource in the snapshot has the public address {ip}"),
            );
            b.drop_all();
            self.leaf(b);
            return;
        };
        let owner = owner.to_string();
        let subnet = topo
            .eni(&owner)
            .map(|e| e.subnet_id.clone())
            .or_else(|| topo.instance(&owner).and_then(|i| i.subnet_id.clone()));
        let Some(subnet) = subnet else {
            b.make_unknown();
            self.leaf(b);
            return;
        };
        let vpc = topo
            .subnet(&subnet)
            .map(|s| s.vpc_id.clone())
            .unwrap_or_default();
        let Some(igw) = topo.igws_of_vpc(&vpc).next().map(|g| g.id.clone()) else {
            b.block(
                &vpc,
                "vpc",
                Direction::Forward,
                Code::NoPath,
                format!("{vpc} has no internet gateway"),
            );
            b.drop_all();
            self.leaf(b);
            return;
        };
        b.hop(
            &igw,
            "internet-gateway",
            "translate",
            format!("destination {ip} mapped to {private}"),
        );
        b.hop(&vpc, "vpc", "route", format!("to {private}"));
        b.hop(&subnet, "subnet", "route", format!("to {private}"));
        let p = ip_iv(private);
        b.leg = Leg {
            fwd: Transform::IDENTITY.with(DST, Map::Const(p)),
            rev: Transform::REPLY.with(SRC, Map::Const(p)),
        };
        self.deliver_to(b, None, &owner);
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

    // -------------------------------------------------------- words ----

    fn describe_packets(&self, s: &Space) -> String {
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

    /// The atoms' cache signature, recomputed only when an atom was added.
    fn sig(&mut self) -> Sig {
        match self.sig {
            Some(s) if s.atoms == self.atoms.len() => s,
            _ => {
                let s = self.cache.sig(&self.atoms);
                self.sig = Some(s);
                s
            }
        }
    }

    pub(super) fn atoms_mut(&mut self) -> &mut Atoms {
        &mut self.atoms
    }
    pub(super) fn topo(&self) -> &'a Topology {
        self.topo
    }
    pub(super) fn settings(&self) -> &'a Settings {
        self.settings
    }
    pub(super) fn note(&mut self, n: String) {
        self.notes.insert(n);
    }
}

pub(super) struct ResolvedParts {
    pub addrs: AddrMatch,
    pub label: String,
    pub pre_hops: Vec<Hop>,
    pub pre_blockers: Vec<Blocker>,
    pub unknown: bool,
}

impl From<ResolvedParts> for Resolved {
    fn from(p: ResolvedParts) -> Self {
        Resolved {
            addrs: p.addrs,
            label: p.label,
            pre_hops: p.pre_hops.into_iter().map(Arc::new).collect(),
            pre_blockers: p.pre_blockers,
            unknown: p.unknown,
        }
    }
}

/// The smallest cube holding every packet the branch can present on the
/// leg `t` (its ideal, maybe and sure packets, mapped): a filter's packets
/// outside it cannot change the branch (see [`Space::clip`]). `None` when
/// the branch holds no packet at all.
fn leg_box(t: Transform, b: &Branch) -> Option<Cube> {
    [&b.ideal, &b.maybe, &b.sure]
        .into_iter()
        .filter_map(|s| t.image_bbox(s))
        .reduce(|a, c| std::array::from_fn(|d| Iv::new(a[d].lo.min(c[d].lo), a[d].hi.max(c[d].hi))))
}

/// How a route table splits the destination addresses (atoms included):
/// for each route that wins some, (its index, the addresses it certainly
/// and possibly wins), and the addresses no route certainly and possibly
/// covers. It depends on the table and the atoms' route signature alone
/// ([`Atoms::route_signature`]), so [`Cache::route_parts`] keeps it.
pub(super) type RouteParts = (Vec<(usize, Vec<Iv>, Vec<Iv>)>, Vec<Iv>, Vec<Iv>);

pub(super) fn route_parts(topo: &Topology, atoms: &Atoms, rt: &RouteTable) -> RouteParts {
    // Flatten routes into (priority, order, route, addresses).
    let mut cands: Vec<(u16, usize, &Route, AddrMatch)> = Vec::new();
    for (i, r) in rt.routes.iter().enumerate() {
        match &r.destination {
            RouteDestination::Ipv4(n) => {
                cands.push((n.prefix_len() as u16 * 2 + 1, i, r, atoms.cover_cidr(*n)))
            }
            RouteDestination::PrefixList(pl) => {
                // Each entry competes by its own length; the service the
                // list stands for (by name) is matched exactly.
                match topo.prefix_list(pl) {
                    Some(p) if p.entries_known => {
                        let service_list = Atoms::is_service_list(&p.name);
                        for c in &p.cidrs {
                            if let ipnet::IpNet::V4(n) = c {
                                let m = if service_list {
                                    atoms.cover_service_list_cidr(*n)
                                } else {
                                    atoms.cover_cidr(*n)
                                };
                                cands.push((n.prefix_len() as u16 * 2, i, r, m));
                            }
                        }
                        let named = atoms.covered_by_prefix_list_name(&p.name);
                        if !named.is_empty() {
                            cands.push((100, i, r, AddrMatch::exact(named)));
                        }
                    }
                    _ => {
                        let m = prefix_list_addrs(topo, atoms, pl);
                        cands.push((99, i, r, m));
                    }
                }
            }
            RouteDestination::Ipv6(_) => {}
        }
    }
    cands.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let full = vec![Iv::new(0, ADDR_MAX)];
    let mut rem_sure = full.clone();
    let mut rem_maybe = full;
    // Group parts by route index.
    let mut parts: Vec<(usize, Vec<Iv>, Vec<Iv>)> = Vec::new();
    for (_, i, _, m) in &cands {
        let s = iv_intersect(&rem_sure, &m.sure);
        let mb = iv_intersect(&rem_maybe, &m.maybe);
        rem_sure = iv_subtract(&rem_sure, &m.maybe);
        rem_maybe = iv_subtract(&rem_maybe, &m.sure);
        if mb.is_empty() {
            continue;
        }
        match parts.iter_mut().find(|p| p.0 == *i) {
            Some(p) => {
                p.1 = merge_intervals([p.1.clone(), s].concat());
                p.2 = merge_intervals([p.2.clone(), mb].concat());
            }
            None => parts.push((*i, s, mb)),
        }
    }
    (parts, rem_sure, rem_maybe)
}

/// A NACL direction's hop text for the packets `leg`: the entries that
/// decide some of them, in order (at most 4 named).
fn nacl_witness_text(nacl: &NaclRules, acl: &NetworkAcl, egress: bool, leg: &Space) -> String {
    let (allows, denies) = nacl_witness_of(nacl, leg);
    let mut rule_parts: Vec<String> = allows.iter().chain(denies.iter()).cloned().collect();
    rule_parts.dedup();
    if rule_parts.len() > 4 {
        let more = rule_parts.len() - 4;
        rule_parts.truncate(4);
        rule_parts.push(format!(
            "... {more} more rule{}",
            if more == 1 { "" } else { "s" }
        ));
    }
    format!(
        "{} {} {}",
        acl.id,
        if egress { "outbound" } else { "inbound" },
        rule_parts.join("; ")
    )
}

/// Where the subject of a blocker's reason ends (see `reason_subject`).
/// The only place the engine reads the content of a label (a virtual ENI's
/// label can be part of a subject): `memo` evaluates labels holding one of
/// these directly.
pub(super) const SUBJECT_ENDS: [&str; 3] = [" admits", " does not", " cannot"];

/// The part of a blocker's reason that names the rule set ("acl-1
/// outbound (subnet-a)"), so one component's distinct rule sets stay
/// separate while the same rule set met on several branches is listed once.
fn reason_subject(reason: &str) -> &str {
    SUBJECT_ENDS
        .iter()
        .filter_map(|k| reason.find(k))
        .min()
        .map(|i| &reason[..i])
        .unwrap_or(reason)
}

fn describe_ports(v: &[Iv]) -> String {
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

/// Public IPv4 space (everything but private and special blocks).
fn public_space() -> Vec<Iv> {
    let mut v = vec![Iv::new(0, IPV4_MAX)];
    for s in [
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
    ] {
        let n: Ipv4Net = s.parse().expect("static CIDR");
        v = iv_subtract(&v, &[net_iv(n)]);
    }
    v
}

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
