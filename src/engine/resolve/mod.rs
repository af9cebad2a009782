//! Where a flow starts and where it goes, as addresses: sources (ENIs,
//! instances, virtual app ENIs, injected packets) and destinations (an
//! address, an ENI, an EFS mount target, a virtual app ENI, an AWS service
//! by name through `dns.rs`).

pub(super) mod dns;

use std::sync::Arc;

use ipnet::Ipv4Net;

use crate::findings::{Absent, Code, Kind, Label, Note, Why};

use super::atoms::{ip_iv, net_iv, AddrMatch, AtomKind, NON_PUBLIC};
use super::env::Ctx;
use super::intervals::iv_subtract;
use super::result::Hop;
use super::result::{Blocker, Direction, PathResult, Verdict};
use super::space::{Iv, IPV4_MAX};
use super::{InjectAt, Source, Target};

/// Where the destination sits, once resolved to addresses.
pub(super) struct Resolved {
    pub addrs: AddrMatch,
    /// The destination's name (`peer_in`: the subnet of a peer app ENI).
    pub label: Label,
    pub peer_in: Option<String>,
    pub pre_hops: Vec<Arc<Hop>>,
    /// Components to report if the flow does not get through (DNS).
    pub pre_blockers: Vec<Blocker>,
    pub unknown: bool,
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
            label: Label::Of(p.label),
            peer_in: None,
            pre_hops: p.pre_hops.into_iter().map(Arc::new).collect(),
            pre_blockers: p.pre_blockers,
            unknown: p.unknown,
        }
    }
}

/// A resolved source: its addresses, where it sits and what it carries.
pub(super) struct SrcInfo {
    pub addrs: Vec<Iv>,
    pub subnet: Option<String>,
    pub vpc: Option<String>,
    pub groups: Option<Vec<String>>,
    pub resource: String,
    /// The source's name (empty for an app ENI Studio would create: `app`).
    pub label: String,
    /// An app ENI Studio would create: its name and its subnet's CIDR.
    pub app: Option<(Label, Option<Ipv4Net>)>,
    pub public: bool,
    pub at: Option<InjectAt>,
}

impl Ctx<'_> {
    pub(super) fn resolve_source(&mut self, src: &Source) -> Result<SrcInfo, Box<PathResult>> {
        let topo = self.topo;
        let unknown = |absent: Absent, id: &str| {
            Box::new(PathResult {
                verdict: Verdict::Unknown,
                notes: vec![Note::Absent(absent.clone())],
                blocked_at: vec![Blocker {
                    resource: id.to_string(),
                    kind: Kind::Source,
                    direction: Direction::Forward,
                    code: Code::UnknownResource,
                    reason: Why::Absent(absent).into(),
                }],
                path: vec![],
                return_path: vec![],
                reachable_part: None,
            })
        };
        match src {
            Source::Eni(id) => {
                let Some(eni) = topo.eni(id) else {
                    return Err(unknown(Absent::Resource(id.clone()), id));
                };
                let Some(ip) = eni
                    .private_ips
                    .iter()
                    .find(|p| p.primary)
                    .or(eni.private_ips.first())
                else {
                    return Err(unknown(Absent::Ipv4Address(id.clone()), id));
                };
                let public = ip.public_ip.is_some()
                    || topo
                        .public_ip_for_private(&eni.vpc_id, ip.address)
                        .is_some();
                Ok(SrcInfo {
                    addrs: vec![ip_iv(ip.address)],
                    subnet: Some(eni.subnet_id.clone()),
                    vpc: Some(eni.vpc_id.clone()),
                    groups: topo.groups_of_eni(id),
                    resource: id.clone(),
                    app: None,
                    label: format!("{id} {}", ip.address),
                    public,
                    at: None,
                })
            }
            Source::Instance(id) => {
                let Some(inst) = topo.instance(id) else {
                    return Err(unknown(Absent::Resource(id.clone()), id));
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
                    return Err(unknown(Absent::AddressOrSubnet(id.clone()), id));
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
                    app: None,
                    label: format!("{id} {ip}"),
                    public: inst.public_ip.is_some(),
                    at: None,
                })
            }
            Source::Virtual(v) => {
                let Some(sub) = topo.subnet(&v.subnet_id) else {
                    return Err(unknown(
                        Absent::AppSubnet {
                            subnet: v.subnet_id.clone(),
                            of: self.app_label(&v.label),
                        },
                        &v.subnet_id,
                    ));
                };
                let label = self.app_label(&v.label);
                let a = self.atoms.add(AtomKind::Virtual {
                    label: label.clone(),
                    peer: false,
                    subnet_cidr: sub.cidr,
                    groups: v.security_group_ids.clone(),
                });
                Ok(SrcInfo {
                    addrs: vec![Iv::point(a)],
                    subnet: Some(sub.id.clone()),
                    vpc: Some(sub.vpc_id.clone()),
                    groups: Some(v.security_group_ids.clone()),
                    resource: v.subnet_id.clone(),
                    label: String::new(),
                    app: Some((label, sub.cidr)),
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
                    app: None,
                    label: ip
                        .map(|i| i.to_string())
                        .unwrap_or_else(|| "any internet address".into()),
                    public: true,
                    at: Some(InjectAt::Internet),
                }),
                InjectAt::Subnet(s) => {
                    let Some(sub) = topo.subnet(s) else {
                        return Err(unknown(Absent::Resource(s.clone()), s));
                    };
                    let addrs = match (ip, sub.cidr) {
                        (Some(ip), _) => vec![ip_iv(*ip)],
                        (None, Some(c)) => vec![net_iv(c)],
                        (None, None) => return Err(unknown(Absent::Ipv4Cidr(s.clone()), s)),
                    };
                    let public =
                        ip.is_some_and(|ip| topo.public_ip_for_private(&sub.vpc_id, ip).is_some());
                    Ok(SrcInfo {
                        addrs,
                        subnet: Some(s.clone()),
                        vpc: Some(sub.vpc_id.clone()),
                        groups: None,
                        resource: s.clone(),
                        app: None,
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
                        return Err(unknown(Absent::Resource(v.clone()), v));
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
                        app: None,
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

    pub(super) fn resolve_target(&mut self, dst: &Target, vpc: Option<&str>) -> Resolved {
        let topo = self.topo;
        let plain = |addrs: AddrMatch, label: Label| Resolved {
            addrs,
            label,
            peer_in: None,
            pre_hops: vec![],
            pre_blockers: vec![],
            unknown: false,
        };
        match dst {
            Target::Ip(ip) => plain(
                AddrMatch::exact(vec![ip_iv(*ip)]),
                Label::Of(ip.to_string()),
            ),
            Target::Eni(id) => match topo.eni(id) {
                Some(e) => plain(
                    AddrMatch::exact(e.private_ips.iter().map(|p| ip_iv(p.address)).collect()),
                    Label::Of(id.clone()),
                ),
                None => self.unknown_target(Absent::Resource(id.clone())),
            },
            Target::MountTarget(id) => {
                let Some(mt) = topo.mount_target(id) else {
                    return self.unknown_target(Absent::MountTarget(id.clone()));
                };
                let ip = mt.ip_address.or_else(|| {
                    mt.network_interface_id
                        .as_deref()
                        .and_then(|e| topo.eni(e))
                        .and_then(|e| e.private_ips.first().map(|p| p.address))
                });
                match ip {
                    Some(ip) => plain(
                        AddrMatch::exact(vec![ip_iv(ip)]),
                        Label::Of(format!("{id} {ip}")),
                    ),
                    None => self.unknown_target(Absent::MountTargetAddress(id.clone())),
                }
            }
            Target::Virtual(v) => {
                let Some(sub) = topo.subnet(&v.subnet_id) else {
                    return self.unknown_target(Absent::SubnetId(v.subnet_id.clone()));
                };
                let label = self.app_label(&v.label);
                let a = self.atoms.add(AtomKind::Virtual {
                    label: label.clone(),
                    peer: true,
                    subnet_cidr: sub.cidr,
                    groups: v.security_group_ids.clone(),
                });
                self.virtual_dst = Some((
                    a,
                    sub.id.clone(),
                    v.security_group_ids.clone(),
                    label.clone(),
                ));
                Resolved {
                    peer_in: Some(sub.id.clone()),
                    ..plain(AddrMatch::exact(vec![Iv::point(a)]), label)
                }
            }
            Target::Service { service, region } => dns::resolve_service(self, vpc, service, region),
        }
    }

    fn unknown_target(&mut self, absent: Absent) -> Resolved {
        let label = Label::Of(absent.to_string());
        self.notes.push(Note::Absent(absent));
        Resolved {
            addrs: AddrMatch::default(),
            label,
            peer_in: None,
            pre_hops: vec![],
            pre_blockers: vec![],
            unknown: true,
        }
    }
}

/// Public IPv4 space: everything but the private and special blocks
/// ([`NON_PUBLIC`], shared with the atoms' service addresses).
fn public_space() -> Vec<Iv> {
    NON_PUBLIC.iter().fold(vec![Iv::new(0, IPV4_MAX)], |v, s| {
        let n: Ipv4Net = s.parse().expect("static CIDR");
        iv_subtract(&v, &[net_iv(n)])
    })
}
