//! Symbolic addresses ("atoms") and how rules cover them.
//!
//! Two things have addresses the snapshot cannot make concrete:
//! - a Studio app ENI that sagescope imagines in a subnet (it will get
//!   *some* address of the subnet and carry exactly its groups);
//! - the public ranges of an AWS service when no ip-ranges.json was given.
//!
//! Each becomes one point above the IPv4 line. A CIDR, prefix list or group
//! reference covers an atom *definitely* (`sure`), *possibly* (`maybe`: the
//! answer depends on addresses we do not know) or not at all. Keeping both
//! lets the engine prove reachability where it can and say `unknown` where
//! it cannot, never guessing.

use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::findings::{AddrPart, Addrs, Label};

use super::space::{merge_intervals, Iv, ATOM_BASE, IPV4_MAX};

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AtomKind {
    /// Some address in `subnet_cidr`, on an ENI carrying `groups`.
    Virtual {
        label: Label,
        /// The other app of a pair (app-to-app).
        peer: bool,
        subnet_cidr: Option<Ipv4Net>,
        groups: Vec<String>,
    },
    /// The public ranges of an AWS service (`s3`, `sagemaker.api`...) in a
    /// region.
    Service { service: String, region: String },
}

/// Addresses a rule matches: `sure` ⊆ `maybe`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AddrMatch {
    pub sure: Vec<Iv>,
    pub maybe: Vec<Iv>,
}

impl AddrMatch {
    pub fn exact(v: Vec<Iv>) -> AddrMatch {
        let v = merge_intervals(v);
        AddrMatch {
            sure: v.clone(),
            maybe: v,
        }
    }
    /// Anything at all might match (the data is missing).
    pub fn unknown() -> AddrMatch {
        AddrMatch {
            sure: vec![],
            maybe: vec![Iv::new(0, super::space::ADDR_MAX)],
        }
    }
    /// Add `o`'s intervals without merging: call [`AddrMatch::merged`]
    /// once after adding many.
    pub fn add(&mut self, o: AddrMatch) {
        self.sure.extend(o.sure);
        self.maybe.extend(o.maybe);
    }
    /// Sorted and merged again after [`AddrMatch::add`].
    pub fn merged(self) -> AddrMatch {
        AddrMatch {
            sure: merge_intervals(self.sure),
            maybe: merge_intervals(self.maybe),
        }
    }
}

/// Test atoms: an app ENI carrying `groups` somewhere in 10.0.1.0/24, then
/// S3's public addresses in eu-west-1.
#[cfg(test)]
pub(crate) fn app_and_s3(groups: &[&str]) -> Atoms {
    let mut atoms = Atoms::default();
    atoms.add(AtomKind::Virtual {
        label: Label::Of("app".into()),
        peer: false,
        subnet_cidr: Some("10.0.1.0/24".parse().unwrap()),
        groups: groups.iter().map(|g| g.to_string()).collect(),
    });
    atoms.add(AtomKind::Service {
        service: "s3".into(),
        region: "eu-west-1".into(),
    });
    atoms
}

pub fn net_iv(n: Ipv4Net) -> Iv {
    Iv::new(
        u32::from(n.network()) as u64,
        u32::from(n.broadcast()) as u64,
    )
}

pub fn ip_iv(ip: Ipv4Addr) -> Iv {
    Iv::point(u32::from(ip) as u64)
}

/// Address blocks that are never public service addresses.
pub(super) const NON_PUBLIC: [&str; 9] = [
    "0.0.0.0/8",
    "10.0.0.0/8",
    "100.64.0.0/10",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "224.0.0.0/4",
    "240.0.0.0/4",
];

pub fn is_non_public(n: &Ipv4Net) -> bool {
    NON_PUBLIC
        .iter()
        .filter_map(|s| s.parse::<Ipv4Net>().ok())
        .any(|p| p.contains(n))
}

pub fn is_private_ip(ip: Ipv4Addr) -> bool {
    is_non_public(&Ipv4Net::new(ip, 32).expect("/32 is valid"))
}

#[derive(Debug, Clone, Default)]
pub struct Atoms {
    kinds: Vec<AtomKind>,
}

impl Atoms {
    pub fn add(&mut self, k: AtomKind) -> u64 {
        if let Some(i) = self.kinds.iter().position(|x| *x == k) {
            return ATOM_BASE + i as u64;
        }
        self.kinds.push(k);
        ATOM_BASE + (self.kinds.len() - 1) as u64
    }

    pub fn get(&self, addr: u64) -> Option<&AtomKind> {
        addr.checked_sub(ATOM_BASE)
            .and_then(|i| self.kinds.get(i as usize))
    }

    pub fn len(&self) -> usize {
        self.kinds.len()
    }

    pub fn is_empty(&self) -> bool {
        self.kinds.is_empty()
    }

    /// What a NACL entry's coverage of the atoms depends on: the subnet of
    /// each virtual ENI and which atoms are services (`cover_cidr` reads
    /// nothing else). Two evaluations with the same signature get the same
    /// NACL admits, whatever their labels and groups.
    pub fn cidr_signature(&self) -> Vec<Option<Option<Ipv4Net>>> {
        self.kinds
            .iter()
            .map(|k| match k {
                AtomKind::Virtual { subnet_cidr, .. } => Some(*subnet_cidr),
                AtomKind::Service { .. } => None,
            })
            .collect()
    }

    /// What decides how routes cover the atoms: [`Atoms::cidr_signature`]
    /// and, for service atoms, which service in which region (prefix lists
    /// stand for a service by name). The atoms without labels and groups.
    pub fn route_signature(&self) -> Vec<AtomKind> {
        self.kinds
            .iter()
            .map(|k| match k {
                AtomKind::Virtual { subnet_cidr, .. } => AtomKind::Virtual {
                    label: Label::Of(String::new()),
                    peer: false,
                    subnet_cidr: *subnet_cidr,
                    groups: Vec::new(),
                },
                other => other.clone(),
            })
            .collect()
    }

    fn iter(&self) -> impl Iterator<Item = (u64, &AtomKind)> {
        self.kinds
            .iter()
            .enumerate()
            .map(|(i, k)| (ATOM_BASE + i as u64, k))
    }

    /// What an IPv4 CIDR covers, atoms included.
    pub fn cover_cidr(&self, n: Ipv4Net) -> AddrMatch {
        self.cover_cidr_inner(n, true)
    }

    /// What an entry of an AWS-managed prefix list covers: its CIDRs belong
    /// to that one service, so they never stand for another service's
    /// public ranges.
    pub fn cover_service_list_cidr(&self, n: Ipv4Net) -> AddrMatch {
        self.cover_cidr_inner(n, false)
    }

    /// [`Atoms::cover_cidr`] without the CIDR's own addresses: only the
    /// atoms it covers.
    pub fn cover_cidr_atoms(&self, n: Ipv4Net) -> AddrMatch {
        self.cover_cidr_parts(n, true, false)
    }

    /// [`Atoms::cover_service_list_cidr`], only the atoms it covers.
    pub fn cover_service_list_cidr_atoms(&self, n: Ipv4Net) -> AddrMatch {
        self.cover_cidr_parts(n, false, false)
    }

    fn cover_cidr_inner(&self, n: Ipv4Net, services: bool) -> AddrMatch {
        self.cover_cidr_parts(n, services, true)
    }

    fn cover_cidr_parts(&self, n: Ipv4Net, services: bool, concrete: bool) -> AddrMatch {
        let mut m = if concrete {
            AddrMatch::exact(vec![net_iv(n)])
        } else {
            AddrMatch::default()
        };
        for (a, k) in self.iter() {
            match k {
                AtomKind::Virtual { subnet_cidr, .. } => match subnet_cidr {
                    Some(s) if n.contains(s) => {
                        m.sure.push(Iv::point(a));
                        m.maybe.push(Iv::point(a));
                    }
                    Some(s) if s.contains(&n) || n.contains(&s.network()) => {
                        m.maybe.push(Iv::point(a))
                    }
                    Some(_) => {}
                    None => m.maybe.push(Iv::point(a)),
                },
                AtomKind::Service { .. } if !services => {}
                AtomKind::Service { .. } => {
                    if n.prefix_len() == 0 {
                        m.sure.push(Iv::point(a));
                        m.maybe.push(Iv::point(a));
                    } else if !is_non_public(&n) {
                        m.maybe.push(Iv::point(a));
                    }
                }
            }
        }
        m.sure = merge_intervals(m.sure);
        m.maybe = merge_intervals(m.maybe);
        m
    }

    /// Whether a prefix-list name is an AWS-managed service list.
    pub fn is_service_list(name: &str) -> bool {
        name.starts_with("com.amazonaws.")
    }

    /// Virtual atoms carrying a security group.
    pub fn members_of_group(&self, g: &str) -> Vec<Iv> {
        self.iter()
            .filter(|(_, k)| matches!(k, AtomKind::Virtual { groups, .. } if groups.iter().any(|x| x == g)))
            .map(|(a, _)| Iv::point(a))
            .collect()
    }

    /// Service atoms a prefix list stands for by name
    /// (`com.amazonaws.<region>.s3` is S3's public ranges).
    pub fn covered_by_prefix_list_name(&self, name: &str) -> Vec<Iv> {
        self.iter()
            .filter(|(_, k)| match k {
                AtomKind::Service { service, region } => {
                    name == format!("com.amazonaws.{region}.{service}")
                }
                _ => false,
            })
            .map(|(a, _)| Iv::point(a))
            .collect()
    }

    /// An address by name (atoms by label).
    pub fn addr_part(&self, a: u64) -> AddrPart {
        if a <= IPV4_MAX {
            return AddrPart::Net(
                Ipv4Net::new(Ipv4Addr::from(a as u32), 32).expect("valid prefix"),
            );
        }
        match self.get(a) {
            Some(AtomKind::Virtual {
                label,
                peer,
                subnet_cidr,
                ..
            }) => AddrPart::App {
                label: label.clone(),
                peer: *peer,
                subnet_cidr: *subnet_cidr,
            },
            Some(AtomKind::Service { service, region }) => AddrPart::Service {
                service: service.clone(),
                region: region.clone(),
            },
            None => AddrPart::Atom(a),
        }
    }

    /// A set of address intervals by name (CIDRs where exact; at most 9
    /// parts, then "...").
    pub fn describe_set(&self, set: &[Iv]) -> Addrs {
        let mut parts = Vec::new();
        for iv in set {
            let mut lo = iv.lo;
            while lo <= iv.hi {
                if lo > IPV4_MAX {
                    parts.push(self.addr_part(lo));
                    lo += 1;
                    continue;
                }
                // Largest CIDR block starting at lo that fits.
                let hi = iv.hi.min(IPV4_MAX);
                let mut len = 32u8;
                while len > 0 {
                    let size = 1u64 << (33 - len);
                    if lo % size != 0 || lo + size - 1 > hi {
                        break;
                    }
                    len -= 1;
                }
                let size = 1u64 << (32 - len);
                let net = Ipv4Net::new(Ipv4Addr::from(lo as u32), len).expect("valid prefix");
                parts.push(AddrPart::Net(net));
                lo += size;
                if parts.len() > 8 {
                    break;
                }
            }
            if parts.len() > 8 {
                parts.push(AddrPart::More);
                break;
            }
        }
        Addrs(parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_covers_virtual_atoms_by_subnet() {
        let mut atoms = Atoms::default();
        let a = atoms.add(AtomKind::Virtual {
            label: Label::Of("app".into()),
            peer: false,
            subnet_cidr: Some("10.0.1.0/24".parse().unwrap()),
            groups: vec!["sg-1".into()],
        });
        let m = atoms.cover_cidr("10.0.0.0/16".parse().unwrap());
        assert!(m.sure.iter().any(|iv| iv.lo <= a && a <= iv.hi));
        let m = atoms.cover_cidr("10.0.1.0/25".parse().unwrap());
        assert!(!m.sure.iter().any(|iv| iv.lo <= a && a <= iv.hi));
        assert!(m.maybe.iter().any(|iv| iv.lo <= a && a <= iv.hi));
        let m = atoms.cover_cidr("10.0.2.0/24".parse().unwrap());
        assert!(!m.maybe.iter().any(|iv| iv.lo <= a && a <= iv.hi));
        assert_eq!(atoms.members_of_group("sg-1"), vec![Iv::point(a)]);
    }

    fn has(set: &[Iv], a: u64) -> bool {
        set.iter().any(|iv| iv.lo <= a && a <= iv.hi)
    }

    #[test]
    fn service_atom_only_surely_covered_by_default_route_or_its_list() {
        let mut atoms = Atoms::default();
        let a = atoms.add(AtomKind::Service {
            service: "s3".into(),
            region: "eu-west-1".into(),
        });
        let all = atoms.cover_cidr("0.0.0.0/0".parse().unwrap());
        assert!(has(&all.sure, a));
        let some = atoms.cover_cidr("52.0.0.0/8".parse().unwrap());
        assert!(!has(&some.sure, a) && has(&some.maybe, a));
        let private = atoms.cover_cidr("10.0.0.0/8".parse().unwrap());
        assert!(!has(&private.maybe, a));
        assert_eq!(
            atoms.covered_by_prefix_list_name("com.amazonaws.eu-west-1.s3"),
            vec![Iv::point(a)]
        );
    }

    #[test]
    fn describe_set_prints_cidrs() {
        let atoms = Atoms::default();
        let s = atoms.describe_set(&[
            net_iv("10.0.0.0/24".parse().unwrap()),
            ip_iv("10.0.1.5".parse().unwrap()),
        ]);
        assert_eq!(s.to_string(), "10.0.0.0/24, 10.0.1.5");
    }
}
