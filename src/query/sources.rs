//! PURE. Where the flows of a domain start, and where each query sends them.
//!
//! A Studio app ENI exists only while an app runs, and a snapshot may catch
//! none. So, like AWS does when it launches an app, we place a *virtual* app
//! ENI in each domain subnet for every user profile, every shared space and
//! the domain defaults, carrying the groups SageMaker would attach: the
//! domain's `DefaultUserSettings.SecurityGroups` unioned with the profile's
//! (AWS aggregates them rather than overriding), or
//! `DefaultSpaceSettings.SecurityGroups` for shared spaces, plus the
//! `security-group-for-outbound-nfs-<domain-id>` group SageMaker adds to every
//! app ENI. Private spaces run with their owner's profile settings, so the
//! profile's sources already cover them. Real app ENIs found in the snapshot
//! are sources too, with the groups they actually carry.

use crate::engine::{Blocker, Direction, PathResult, Source, Target, Verdict, VirtualEni};
use crate::findings::Code;
use crate::findings::SourceRef;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use crate::snapshot::{
    Domain, EfsMountTarget, NetworkInterface, SecurityGroup, Snapshot, Space, UserProfile,
    UserSettings,
};

use super::{Destination, Query};

/// A domain's `AppNetworkAccessType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    PublicInternetOnly,
    VpcOnly,
    /// Not in the snapshot (only ListDomains seen) or a value we do not know.
    Unknown,
}

impl Mode {
    pub fn of(domain: &Domain) -> Mode {
        match domain.app_network_access_type.as_deref() {
            Some("VpcOnly") => Mode::VpcOnly,
            Some("PublicInternetOnly") => Mode::PublicInternetOnly,
            _ => Mode::Unknown,
        }
    }
}

/// How a source's flows start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A virtual app ENI (profile, space or domain defaults in one subnet).
    Virtual(VirtualEni),
    /// A real app ENI in the snapshot.
    Eni(String),
    /// The effective security groups are unknown: every result is
    /// `unknown` with this reason.
    Unknown(String),
}

/// One source of a domain: what the report shows and how to evaluate it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditSource {
    pub source: Arc<SourceRef>,
    pub origin: Origin,
    /// Whether custom images are configured for this source (the ECR
    /// queries apply only then); `None` = unknown.
    pub custom_images: Option<bool>,
}

impl AuditSource {
    /// The engine's view of this source; `None` when it is unknown.
    pub fn engine_source(&self) -> Option<Source> {
        match &self.origin {
            Origin::Virtual(v) => Some(Source::Virtual(v.clone())),
            Origin::Eni(id) => Some(Source::Eni(id.clone())),
            Origin::Unknown(_) => None,
        }
    }
}

/// What to do for one (query, source, destination).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Planned {
    /// Ask the engine.
    Evaluate { destination: String, target: Target },
    /// Already decided without the engine (missing data, no mount target).
    Decided {
        destination: String,
        result: PathResult,
    },
}

/// The prefix of the description SageMaker gives Studio app ENIs (observed,
/// not documented: `[DO NOT DELETE] ENI managed by SageMaker for Studio
/// Domain(d-…) - <hash>`).
const APP_ENI_PREFIX: &str = "[DO NOT DELETE] ENI managed by SageMaker for Studio Domain(";

/// Whether `eni` is a Studio app ENI of `domain_id`.
pub fn is_app_eni_of(eni: &NetworkInterface, domain_id: &str) -> bool {
    eni.description
        .strip_prefix(APP_ENI_PREFIX)
        .and_then(|rest| rest.strip_prefix(domain_id))
        .is_some_and(|rest| rest.starts_with(')'))
}

/// The domain a Studio app ENI belongs to, from its description.
fn app_eni_domain(eni: &NetworkInterface) -> Option<&str> {
    let rest = eni.description.strip_prefix(APP_ENI_PREFIX)?;
    let (domain, _) = rest.split_once(')')?;
    Some(domain)
}

/// The real app ENIs of a domain, sorted by id (for one domain; an [`Index`]
/// has them for all).
pub fn app_enis<'a>(snapshot: &'a Snapshot, domain_id: &str) -> Vec<&'a NetworkInterface> {
    let mut enis: Vec<_> = snapshot
        .network_interfaces
        .iter()
        .filter(|e| is_app_eni_of(e, domain_id))
        .collect();
    enis.sort_by(|a, b| a.id.cmp(&b.id));
    enis
}

/// What source planning looks up per domain and per source, indexed once
/// per run (issue 5: an organisation-wide audit must not scan every
/// profile, space, ENI, group, subnet and mount target for each domain).
pub struct Index<'a> {
    snapshot: &'a Snapshot,
    subnet_az: HashMap<&'a str, &'a str>,
    profiles: HashMap<&'a str, Vec<&'a UserProfile>>,
    spaces: HashMap<&'a str, Vec<&'a Space>>,
    app_enis: HashMap<&'a str, Vec<&'a NetworkInterface>>,
    mount_targets: HashMap<&'a str, Vec<&'a EfsMountTarget>>,
    file_systems: HashSet<&'a str>,
}

impl<'a> Index<'a> {
    pub fn new(snapshot: &'a Snapshot) -> Index<'a> {
        fn group<'a, T>(
            items: &'a [T],
            key: impl Fn(&'a T) -> Option<&'a str>,
        ) -> HashMap<&'a str, Vec<&'a T>> {
            let mut m: HashMap<&str, Vec<&T>> = HashMap::new();
            for x in items {
                if let Some(k) = key(x) {
                    m.entry(k).or_default().push(x);
                }
            }
            m
        }
        let mut subnet_az = HashMap::new();
        for sn in &snapshot.subnets {
            if let Some(az) = sn.availability_zone.as_deref() {
                subnet_az.entry(sn.id.as_str()).or_insert(az);
            }
        }
        let mut app_enis = group(&snapshot.network_interfaces, app_eni_domain);
        for enis in app_enis.values_mut() {
            enis.sort_by(|a, b| a.id.cmp(&b.id));
        }
        Index {
            snapshot,
            subnet_az,
            profiles: group(&snapshot.user_profiles, |p| Some(p.domain_id.as_str())),
            spaces: group(&snapshot.spaces, |s| Some(s.domain_id.as_str())),
            app_enis,
            mount_targets: group(&snapshot.efs_mount_targets, |m| {
                Some(m.file_system_id.as_str())
            }),
            file_systems: snapshot
                .efs_file_systems
                .iter()
                .map(|f| f.id.as_str())
                .collect(),
        }
    }

    pub fn snapshot(&self) -> &'a Snapshot {
        self.snapshot
    }

    fn subnet_az(&self, subnet_id: &str) -> Option<&'a str> {
        self.subnet_az.get(subnet_id).copied()
    }

    /// The `security-group-for-outbound-nfs-<domain-id>` group SageMaker
    /// adds to every app ENI ([`nfs_group`]).
    fn outbound_nfs_group(&self, domain: &Domain) -> Option<&'a str> {
        nfs_group(self.snapshot, domain, Nfs::Outbound).map(|g| g.id.as_str())
    }

    /// The real app ENIs of a domain, sorted by id.
    pub fn app_enis(&self, domain_id: &str) -> &[&'a NetworkInterface] {
        self.app_enis.get(domain_id).map_or(&[], Vec::as_slice)
    }
}

/// The domain's region: from its ARN, else from the AZ of a domain subnet.
pub fn region_of(snapshot: &Snapshot, domain: &Domain) -> Option<String> {
    if let Some(r) = domain.region() {
        return Some(r.to_string());
    }
    domain
        .subnet_ids
        .iter()
        .filter_map(|id| subnet_az(snapshot, id))
        .find_map(region_from_az)
}

/// `eu-west-1c` -> `eu-west-1`.
fn region_from_az(az: &str) -> Option<String> {
    let region = az.strip_suffix(|c: char| c.is_ascii_lowercase())?;
    region
        .ends_with(|c: char| c.is_ascii_digit())
        .then(|| region.to_string())
}

/// The domain's subnets, sorted and deduplicated.
fn domain_subnets(domain: &Domain) -> Vec<String> {
    let mut subnets = domain.subnet_ids.clone();
    subnets.sort();
    subnets.dedup();
    subnets
}

fn subnet_az<'a>(snapshot: &'a Snapshot, subnet_id: &str) -> Option<&'a str> {
    snapshot
        .subnets
        .iter()
        .find(|s| s.id == subnet_id)
        .and_then(|s| s.availability_zone.as_deref())
}

fn sorted_union<'a>(
    sets: impl IntoIterator<Item = &'a [String]>,
    extra: Option<&str>,
) -> Vec<String> {
    let mut groups: Vec<String> = sets.into_iter().flatten().cloned().collect();
    groups.extend(extra.map(str::to_string));
    groups.sort();
    groups.dedup();
    groups
}

/// One logical source before it is placed in the subnets.
struct Logical {
    kind: &'static str,
    name: String,
    /// `Err(reason)` when the effective groups are unknown.
    groups: Result<Vec<String>, String>,
    custom_images: Option<bool>,
}

/// [`Index::domain_sources`] for one domain (build an [`Index`] once when
/// planning several).
pub fn domain_sources(snapshot: &Snapshot, domain: &Domain) -> Vec<AuditSource> {
    Index::new(snapshot).domain_sources(domain)
}

impl Index<'_> {
    /// Every source of `domain`: the domain defaults, each user profile, each
    /// shared space (or the default space settings when no space is known), in
    /// each domain subnet; then the real app ENIs. Sorted like the report.
    pub fn domain_sources(&self, domain: &Domain) -> Vec<AuditSource> {
        let nfs = self.outbound_nfs_group(domain);
        let defaults = &domain.default_user_settings;
        let has_images = |s: &UserSettings| !s.custom_images.is_empty();
        let undescribed = (!domain.described).then(|| {
            format!(
                "domain {} was not described (only ListDomains seen): its security group settings are unknown",
                domain.id
            )
        });

        let mut logical = vec![Logical {
            kind: "default-user-settings",
            name: "default".into(),
            groups: match &undescribed {
                Some(reason) => Err(reason.clone()),
                None => Ok(sorted_union([defaults.security_groups.as_slice()], nfs)),
            },
            custom_images: undescribed.is_none().then(|| has_images(defaults)),
        }];

        let mut profiles: Vec<&UserProfile> = self
            .profiles
            .get(domain.id.as_str())
            .cloned()
            .unwrap_or_default();
        profiles.sort_by(|a, b| a.name.cmp(&b.name));
        for p in profiles {
            let (groups, custom_images) = match (&undescribed, &p.user_settings) {
                (Some(reason), _) => (Err(reason.clone()), None),
                (None, None) => (
                    Err(format!(
                        "user profile {} was not described (only ListUserProfiles seen): its security groups are unknown",
                        p.name
                    )),
                    None,
                ),
                (None, Some(s)) => (
                    Ok(sorted_union(
                        [defaults.security_groups.as_slice(), s.security_groups.as_slice()],
                        nfs,
                    )),
                    Some(has_images(defaults) || has_images(s)),
                ),
            };
            logical.push(Logical {
                kind: "user-profile",
                name: p.name.clone(),
                groups,
                custom_images,
            });
        }

        // Shared spaces take DefaultSpaceSettings; private spaces (an owner, or
        // SharingType Private) use their owner's profile, covered above.
        let space_groups = || match (&undescribed, &domain.default_space_settings) {
            (Some(reason), _) => (Err(reason.clone()), None),
            (None, Some(s)) => (
                Ok(sorted_union([s.security_groups.as_slice()], nfs)),
                Some(has_images(s)),
            ),
            // Not set: SageMaker attaches only its NFS group. In VpcOnly mode that
            // is failure mode F9's "only the NFS SG", which the queries will show.
            (None, None) => (Ok(sorted_union([], nfs)), Some(false)),
        };
        let mut spaces: Vec<&Space> = self
            .spaces
            .get(domain.id.as_str())
            .into_iter()
            .flatten()
            .copied()
            .filter(|s| match s.sharing_type.as_deref() {
                Some("Shared") => true,
                Some(_) => false,
                None => s.owner_user_profile_name.is_none(),
            })
            .collect();
        spaces.sort_by(|a, b| a.name.cmp(&b.name));
        for s in &spaces {
            let (mut groups, custom_images) = space_groups();
            if s.sharing_type.is_none() && groups.is_ok() {
                groups = Err(format!(
                    "space {} has no SharingType in the snapshot: whether it uses the shared-space settings is unknown",
                    s.name
                ));
            }
            logical.push(Logical {
                kind: "shared-space",
                name: s.name.clone(),
                groups,
                custom_images,
            });
        }
        if spaces.is_empty() && domain.default_space_settings.is_some() {
            let (groups, custom_images) = space_groups();
            logical.push(Logical {
                kind: "default-space-settings",
                name: "default".into(),
                groups,
                custom_images,
            });
        }

        let subnets = domain_subnets(domain);
        let mut out = Vec::new();
        for l in &logical {
            let label = if l.kind == "default-user-settings" || l.kind == "default-space-settings" {
                l.kind.to_string()
            } else {
                format!("{} {}", l.kind, l.name)
            };
            if subnets.is_empty() {
                out.push(AuditSource {
                    source: Arc::new(SourceRef {
                        kind: l.kind.into(),
                        name: l.name.clone(),
                        subnet_id: String::new(),
                        availability_zone: None,
                        security_group_ids: l.groups.clone().unwrap_or_default(),
                        eni_id: None,
                    }),
                    origin: Origin::Unknown(match &l.groups {
                        Err(reason) => reason.clone(),
                        Ok(_) => format!(
                            "domain {} has no subnets in the snapshot: where its apps run is unknown",
                            domain.id
                        ),
                    }),
                    custom_images: l.custom_images,
                });
                continue;
            }
            for subnet in &subnets {
                let groups = l.groups.clone().unwrap_or_default();
                out.push(AuditSource {
                    source: Arc::new(SourceRef {
                        kind: l.kind.into(),
                        name: l.name.clone(),
                        subnet_id: subnet.clone(),
                        availability_zone: self.subnet_az(subnet).map(str::to_string),
                        security_group_ids: groups.clone(),
                        eni_id: None,
                    }),
                    origin: match &l.groups {
                        Ok(_) => Origin::Virtual(VirtualEni {
                            label: label.clone(),
                            subnet_id: subnet.clone(),
                            security_group_ids: groups,
                        }),
                        Err(reason) => Origin::Unknown(reason.clone()),
                    },
                    custom_images: l.custom_images,
                });
            }
        }

        // Which profile a real ENI serves is not in its description, so the
        // ECR queries apply to it when anything in the domain has custom images.
        let eni_images = if logical.iter().any(|l| l.custom_images == Some(true)) {
            Some(true)
        } else if logical.iter().all(|l| l.custom_images.is_some()) {
            Some(false)
        } else {
            None
        };
        for eni in self.app_enis(&domain.id) {
            let mut groups = eni.security_group_ids.clone();
            groups.sort();
            groups.dedup();
            out.push(AuditSource {
                source: Arc::new(SourceRef {
                    kind: "app-eni".into(),
                    name: eni.id.clone(),
                    subnet_id: eni.subnet_id.clone(),
                    availability_zone: eni
                        .availability_zone
                        .clone()
                        .or_else(|| self.subnet_az(&eni.subnet_id).map(str::to_string)),
                    security_group_ids: groups,
                    eni_id: Some(eni.id.clone()),
                }),
                origin: Origin::Eni(eni.id.clone()),
                custom_images: eni_images,
            });
        }
        out.sort_by(|a, b| a.source.cmp(&b.source));
        out
    }
}

/// A result decided without the engine.
pub fn decided(verdict: Verdict, note: Option<String>, blocked_at: Vec<Blocker>) -> PathResult {
    PathResult {
        verdict,
        blocked_at,
        path: vec![],
        return_path: vec![],
        notes: note.into_iter().map(crate::findings::Note::Text).collect(),
        reachable_part: None,
    }
}

/// The destination in words when no concrete one could be chosen.
pub fn generic_destination(domain: &Domain, query: &Query, region: Option<&str>) -> String {
    let flow = query.flow;
    match &query.destination {
        Destination::EfsMountTarget => match &domain.home_efs_file_system_id {
            Some(fs) => format!("home EFS {fs} mount target {flow}"),
            None => format!("home EFS mount target {flow}"),
        },
        Destination::AppPeer => format!("peer apps {flow}"),
        Destination::Service { service } => match region {
            Some(r) => format!("{service} ({r}) {flow}"),
            None => format!("{service} {flow}"),
        },
    }
}

/// Where `query` sends the flows of `src` (a source with known groups).
/// Real app ENIs are not paired for `app-peer` (empty list).
pub fn destinations(
    idx: &Index<'_>,
    domain: &Domain,
    src: &AuditSource,
    query: &Query,
) -> Vec<Planned> {
    let flow = query.flow;
    match &query.destination {
        Destination::EfsMountTarget => vec![efs_destination(idx, domain, src, query)],
        Destination::AppPeer => {
            let Origin::Virtual(v) = &src.origin else {
                return vec![];
            };
            domain_subnets(domain)
                .into_iter()
                .map(|subnet| Planned::Evaluate {
                    destination: format!("peer app in {subnet} {flow}"),
                    target: Target::Virtual(VirtualEni {
                        subnet_id: subnet,
                        ..v.clone()
                    }),
                })
                .collect()
        }
        Destination::Service { service } => match region_of(idx.snapshot, domain) {
            Some(region) => vec![Planned::Evaluate {
                destination: format!("{service} ({region}) {flow}"),
                target: Target::Service {
                    service: service.clone(),
                    region,
                },
            }],
            None => vec![Planned::Decided {
                destination: generic_destination(domain, query, None),
                result: decided(
                    Verdict::Unknown,
                    Some(format!(
                        "the region of domain {} is unknown (no ARN, no subnet AZ in the snapshot)",
                        domain.id
                    )),
                    vec![],
                ),
            }],
        },
    }
}

/// EFS allows one mount target per AZ and an app mounts the one in its own
/// AZ (through DNS `<az>.fs-….efs.<region>.amazonaws.com`), so that is the
/// only destination that matters.
fn efs_destination(idx: &Index<'_>, domain: &Domain, src: &AuditSource, query: &Query) -> Planned {
    let flow = query.flow;
    let unknown = |note: String| Planned::Decided {
        destination: generic_destination(domain, query, None),
        result: decided(Verdict::Unknown, Some(note), vec![]),
    };
    let Some(fs) = domain.home_efs_file_system_id.as_deref() else {
        return unknown(format!(
            "domain {} has no HomeEfsFileSystemId in the snapshot",
            domain.id
        ));
    };
    let mts: &[&EfsMountTarget] = idx.mount_targets.get(fs).map_or(&[], Vec::as_slice);
    if mts.is_empty() {
        let fs_known = idx.file_systems.contains(fs);
        return unknown(if fs_known {
            format!("the mount targets of {fs} are not in the snapshot (DescribeMountTargets not captured)")
        } else {
            format!("{fs} and its mount targets are not in the snapshot")
        });
    }
    let Some(az) = src.source.availability_zone.as_deref() else {
        return unknown(format!(
            "the availability zone of {} is unknown (subnet not in the snapshot)",
            src.source.subnet_id
        ));
    };
    let mut in_az: Vec<&EfsMountTarget> = mts
        .iter()
        .copied()
        .filter(|m| mount_target_az(m, |s| idx.subnet_az(s)) == Some(az))
        .collect();
    if in_az.is_empty() {
        let unplaced: Vec<&str> = mts
            .iter()
            .filter(|m| mount_target_az(m, |s| idx.subnet_az(s)).is_none())
            .map(|m| m.id.as_str())
            .collect();
        if !unplaced.is_empty() {
            return unknown(format!(
                "the availability zone of {} is unknown",
                unplaced.join(", ")
            ));
        }
        return Planned::Decided {
            destination: format!("home EFS {fs} mount target in {az} {flow}"),
            result: decided(
                Verdict::Blocked,
                None,
                vec![Blocker {
                    resource: fs.to_string(),
                    kind: crate::findings::Kind::EfsFileSystem,
                    direction: Direction::Forward,
                    code: Code::EfsNoMountTargetInAz,
                    reason: crate::findings::Why::NoMountTarget {
                        fs: fs.to_string(),
                        az: az.to_string(),
                    }
                    .into(),
                }],
            ),
        };
    }
    // One per AZ is the EFS rule; should a snapshot hold several, prefer
    // the one in the app's own subnet (no NACL crossing), then the lowest id.
    in_az.sort_by_key(|m| (m.subnet_id != src.source.subnet_id, m.id.as_str()));
    let mt = in_az[0];
    let addr = mt
        .ip_address
        .map(|ip| format!(", {ip}"))
        .unwrap_or_default();
    Planned::Evaluate {
        destination: format!("{} ({fs}{addr}) {flow}", mt.id),
        target: Target::MountTarget(mt.id.clone()),
    }
}

// ------------------------------------------------------------------------
// SageMaker's NFS security groups and the AZ of an EFS mount target: one
// place for the query sources, the checks, `explain` and the fixes
// (issue 13).

/// Which of the pair of security groups SageMaker creates for a domain's
/// home EFS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nfs {
    /// `security-group-for-inbound-nfs-<domain-id>`, on the mount targets.
    Inbound,
    /// `security-group-for-outbound-nfs-<domain-id>`, added to every app ENI.
    Outbound,
}

impl Nfs {
    fn prefix(self) -> &'static str {
        match self {
            Nfs::Inbound => "security-group-for-inbound-nfs-",
            Nfs::Outbound => "security-group-for-outbound-nfs-",
        }
    }
}

/// The name SageMaker gives a domain's NFS group:
/// `security-group-for-{inbound,outbound}-nfs-<domain-id>` (created with the
/// domain's home EFS, see
/// <https://docs.aws.amazon.com/sagemaker/latest/dg/onboard-vpc.html>).
pub fn nfs_group_name(domain_id: &str, which: Nfs) -> String {
    format!("{}{domain_id}", which.prefix())
}

/// The reverse of [`nfs_group_name`]: which group and the domain id
/// (`d-…`) of a group named like SageMaker's NFS groups.
pub fn nfs_group_domain(name: &str) -> Option<(Nfs, &str)> {
    [Nfs::Inbound, Nfs::Outbound]
        .into_iter()
        .find_map(|w| name.strip_prefix(w.prefix()).map(|d| (w, d)))
        .filter(|(_, d)| d.starts_with("d-"))
}

/// The domain's NFS group: the first group (in snapshot order, by id) with
/// that name in the domain's VPC; none when the domain's VPC is unknown.
pub fn nfs_group<'a>(
    snapshot: &'a Snapshot,
    domain: &Domain,
    which: Nfs,
) -> Option<&'a SecurityGroup> {
    let vpc = domain.vpc_id.as_deref()?;
    let name = nfs_group_name(&domain.id, which);
    snapshot
        .security_groups
        .iter()
        .find(|g| g.name == name && g.vpc_id.as_deref() == Some(vpc))
}

/// The AZ of an EFS mount target: its own `AvailabilityZoneName`, else the
/// AZ of its subnet (`subnet_az`). An app mounts the mount target of its own
/// AZ (<https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html>).
pub fn mount_target_az<'a>(
    mt: &'a EfsMountTarget,
    subnet_az: impl FnOnce(&str) -> Option<&'a str>,
) -> Option<&'a str> {
    mt.availability_zone
        .as_deref()
        .or_else(|| subnet_az(&mt.subnet_id))
}

#[cfg(test)]
mod sagemaker_names_tests {
    use super::*;

    #[test]
    fn nfs_group_names_round_trip() {
        assert_eq!(
            nfs_group_name("d-abc", Nfs::Inbound),
            "security-group-for-inbound-nfs-d-abc"
        );
        assert_eq!(
            nfs_group_domain("security-group-for-outbound-nfs-d-abc"),
            Some((Nfs::Outbound, "d-abc"))
        );
        assert_eq!(nfs_group_domain("security-group-for-inbound-nfs-x"), None);
        assert_eq!(nfs_group_domain("studio-app"), None);
    }

    #[test]
    fn mount_target_az_falls_back_to_the_subnet() {
        let mt: EfsMountTarget = serde_json::from_value(serde_json::json!({
            "id": "fsmt-1", "file_system_id": "fs-1", "subnet_id": "subnet-a"}))
        .unwrap();
        let az = |s: &str| (s == "subnet-a").then_some("eu-west-1a");
        assert_eq!(mount_target_az(&mt, az), Some("eu-west-1a"));
        let mut own = mt.clone();
        own.availability_zone = Some("eu-west-1b".into());
        assert_eq!(mount_target_az(&own, az), Some("eu-west-1b"));
        let mut elsewhere = mt.clone();
        elsewhere.subnet_id = "subnet-x".into();
        assert_eq!(mount_target_az(&elsewhere, az), None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::builtin_queries;
    use serde_json::json;

    fn snapshot(v: serde_json::Value) -> Snapshot {
        let mut base = json!({"schema_version": 1});
        base.as_object_mut()
            .unwrap()
            .extend(v.as_object().unwrap().clone());
        serde_json::from_value(base).unwrap()
    }

    fn query(id: &str) -> Query {
        builtin_queries()
            .unwrap()
            .into_iter()
            .find(|q| q.id == id)
            .unwrap()
    }

    fn base() -> serde_json::Value {
        json!({
            "subnets": [
                {"id": "subnet-a", "vpc_id": "vpc-1", "availability_zone": "eu-west-1a"},
                {"id": "subnet-b", "vpc_id": "vpc-1", "availability_zone": "eu-west-1b"},
                {"id": "subnet-c", "vpc_id": "vpc-1", "availability_zone": "eu-west-1c"}
            ],
            "security_groups": [
                {"id": "sg-nfs", "name": "security-group-for-outbound-nfs-d-1", "vpc_id": "vpc-1"},
                {"id": "sg-nfs-other-vpc", "name": "security-group-for-outbound-nfs-d-1", "vpc_id": "vpc-2"},
                {"id": "sg-dflt", "name": "default", "vpc_id": "vpc-1"}
            ],
            "efs_mount_targets": [
                {"id": "fsmt-a", "file_system_id": "fs-1", "subnet_id": "subnet-a", "ip_address": "10.0.0.5"},
                {"id": "fsmt-b", "file_system_id": "fs-1", "subnet_id": "subnet-b", "availability_zone": "eu-west-1b"},
                {"id": "fsmt-x", "file_system_id": "fs-other", "subnet_id": "subnet-c"}
            ],
            "domains": [{
                "id": "d-1", "described": true, "app_network_access_type": "VpcOnly",
                "arn": "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1",
                "vpc_id": "vpc-1", "subnet_ids": ["subnet-b", "subnet-a"],
                "home_efs_file_system_id": "fs-1",
                "default_user_settings": {"security_groups": ["sg-u", "sg-d"]}
            }],
            "user_profiles": [
                {"domain_id": "d-1", "name": "bob", "user_settings": {"security_groups": ["sg-bob", "sg-d"], "custom_images": ["img"]}},
                {"domain_id": "d-1", "name": "alice"},
                {"domain_id": "d-2", "name": "zed", "user_settings": {}}
            ],
            "spaces": [
                {"domain_id": "d-1", "name": "team", "sharing_type": "Shared"},
                {"domain_id": "d-1", "name": "mine", "sharing_type": "Private", "owner_user_profile_name": "bob"}
            ],
            "network_interfaces": [
                {"id": "eni-app", "subnet_id": "subnet-a", "vpc_id": "vpc-1",
                 "description": "[DO NOT DELETE] ENI managed by SageMaker for Studio Domain(d-1) - abc",
                 "security_group_ids": ["sg-z", "sg-nfs"]},
                {"id": "eni-other", "subnet_id": "subnet-a", "vpc_id": "vpc-1",
                 "description": "[DO NOT DELETE] ENI managed by SageMaker for Studio Domain(d-10) - abc"}
            ]
        })
    }

    fn sources_of(v: serde_json::Value) -> (Snapshot, Vec<AuditSource>) {
        let s = snapshot(v);
        let d = s.domains[0].clone();
        let src = domain_sources(&s, &d);
        (s, src)
    }

    fn ids(src: &[AuditSource]) -> Vec<String> {
        src.iter()
            .map(|a| format!("{} {} {}", a.source.kind, a.source.name, a.source.subnet_id))
            .collect()
    }

    #[test]
    fn enumerates_defaults_profiles_shared_spaces_and_real_enis() {
        let (_, src) = sources_of(base());
        assert_eq!(
            ids(&src),
            [
                "app-eni eni-app subnet-a",
                "default-user-settings default subnet-a",
                "default-user-settings default subnet-b",
                "shared-space team subnet-a",
                "shared-space team subnet-b",
                "user-profile alice subnet-a",
                "user-profile alice subnet-b",
                "user-profile bob subnet-a",
                "user-profile bob subnet-b",
            ]
        );
    }

    #[test]
    fn effective_groups_are_the_sorted_union_plus_the_nfs_group() {
        let (_, src) = sources_of(base());
        let bob = src
            .iter()
            .find(|a| a.source.name == "bob" && a.source.subnet_id == "subnet-b")
            .unwrap();
        assert_eq!(
            bob.source.security_group_ids,
            ["sg-bob", "sg-d", "sg-nfs", "sg-u"]
        );
        assert_eq!(bob.source.availability_zone.as_deref(), Some("eu-west-1b"));
        assert_eq!(bob.custom_images, Some(true));
        let Origin::Virtual(v) = &bob.origin else {
            panic!("{bob:?}")
        };
        assert_eq!(v.label, "user-profile bob");
        assert_eq!(v.security_group_ids, bob.source.security_group_ids);

        let dflt = &src[1];
        assert_eq!(dflt.source.security_group_ids, ["sg-d", "sg-nfs", "sg-u"]);
        assert_eq!(dflt.custom_images, Some(false));
        // No DefaultSpaceSettings: shared spaces carry only the NFS group.
        let team = &src[3];
        assert_eq!(team.source.security_group_ids, ["sg-nfs"]);

        let eni = &src[0];
        assert_eq!(eni.origin, Origin::Eni("eni-app".into()));
        assert_eq!(eni.source.security_group_ids, ["sg-nfs", "sg-z"]);
        assert_eq!(eni.source.eni_id.as_deref(), Some("eni-app"));
        assert_eq!(eni.source.availability_zone.as_deref(), Some("eu-west-1a"));
        // alice is unknown, so nothing says custom images are absent... but bob has some.
        assert_eq!(eni.custom_images, Some(true));
    }

    #[test]
    fn a_profile_without_settings_is_unknown() {
        let (_, src) = sources_of(base());
        let alice = src.iter().find(|a| a.source.name == "alice").unwrap();
        assert!(
            matches!(&alice.origin, Origin::Unknown(r) if r.contains("ListUserProfiles")),
            "{alice:?}"
        );
        assert_eq!(alice.custom_images, None);
        assert!(alice.engine_source().is_none());
    }

    #[test]
    fn default_space_settings_only_without_shared_spaces() {
        let mut v = base();
        v["domains"][0]["default_space_settings"] = json!({"security_groups": ["sg-space"]});
        let (_, src) = sources_of(v.clone());
        let team = src.iter().find(|a| a.source.name == "team").unwrap();
        assert_eq!(team.source.security_group_ids, ["sg-nfs", "sg-space"]);
        assert!(!src
            .iter()
            .any(|a| a.source.kind == "default-space-settings"));

        v["spaces"] = json!([]);
        let (_, src) = sources_of(v);
        let kinds: Vec<_> = src
            .iter()
            .filter(|a| a.source.kind == "default-space-settings")
            .map(|a| a.source.subnet_id.as_str())
            .collect();
        assert_eq!(kinds, ["subnet-a", "subnet-b"]);
    }

    #[test]
    fn an_undescribed_domain_has_unknown_sources() {
        let v = json!({"domains": [{"id": "d-9"}], "user_profiles": [{"domain_id": "d-9", "name": "p"}]});
        let (_, src) = sources_of(v);
        assert_eq!(
            ids(&src),
            ["default-user-settings default ", "user-profile p "]
        );
        assert!(src.iter().all(|a| matches!(a.origin, Origin::Unknown(_))));
    }

    #[test]
    fn without_the_nfs_group_in_the_vpc_it_is_not_added() {
        let mut v = base();
        v["security_groups"] = json!([{"id": "sg-x", "name": "security-group-for-outbound-nfs-d-1", "vpc_id": "vpc-9"}]);
        let (_, src) = sources_of(v);
        assert_eq!(src[1].source.security_group_ids, ["sg-d", "sg-u"]);
    }

    fn planned(v: serde_json::Value, who: &str, subnet: &str, q: &str) -> Vec<Planned> {
        let (s, src) = sources_of(v);
        let a = src
            .iter()
            .find(|a| a.source.name == who && a.source.subnet_id == subnet)
            .unwrap();
        destinations(&Index::new(&s), &s.domains[0], a, &query(q))
    }

    #[test]
    fn efs_picks_the_mount_target_in_the_source_az() {
        let p = planned(base(), "bob", "subnet-a", "efs-nfs");
        assert_eq!(
            p,
            [Planned::Evaluate {
                destination: "fsmt-a (fs-1, 10.0.0.5) tcp/2049".into(),
                target: Target::MountTarget("fsmt-a".into()),
            }]
        );
        let p = planned(base(), "bob", "subnet-b", "efs-nfs");
        assert!(
            matches!(&p[0], Planned::Evaluate { target: Target::MountTarget(m), .. } if m == "fsmt-b")
        );
    }

    #[test]
    fn efs_prefers_the_same_subnet_when_an_az_has_several() {
        let mut v = base();
        v["subnets"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "subnet-a2", "vpc_id": "vpc-1", "availability_zone": "eu-west-1a"}));
        v["domains"][0]["subnet_ids"] = json!(["subnet-a2"]);
        v["efs_mount_targets"]
            .as_array_mut()
            .unwrap()
            .push(json!({"id": "fsmt-z", "file_system_id": "fs-1", "subnet_id": "subnet-a2"}));
        let p = planned(v, "bob", "subnet-a2", "efs-nfs");
        assert!(
            matches!(&p[0], Planned::Evaluate { target: Target::MountTarget(m), .. } if m == "fsmt-z")
        );
    }

    #[test]
    fn efs_without_a_mount_target_in_the_az_is_blocked() {
        let mut v = base();
        v["domains"][0]["subnet_ids"] = json!(["subnet-c"]);
        let p = planned(v, "bob", "subnet-c", "efs-nfs");
        let Planned::Decided {
            destination,
            result,
        } = &p[0]
        else {
            panic!("{p:?}")
        };
        assert_eq!(
            destination,
            "home EFS fs-1 mount target in eu-west-1c tcp/2049"
        );
        assert_eq!(result.verdict, Verdict::Blocked);
        assert_eq!(result.blocked_at[0].code, Code::EfsNoMountTargetInAz);
        assert_eq!(
            result.blocked_at[0].reason.to_string(),
            "fs-1 has no mount target in eu-west-1c (F3)"
        );
        assert_eq!(result.blocked_at[0].resource, "fs-1");
    }

    #[test]
    fn efs_with_missing_data_is_unknown() {
        let mut v = base();
        v["efs_mount_targets"] = json!([]);
        v["efs_file_systems"] = json!([{"id": "fs-1"}]);
        let p = planned(v.clone(), "bob", "subnet-a", "efs-nfs");
        assert!(
            matches!(&p[0], Planned::Decided { result, .. } if result.verdict == Verdict::Unknown
                && result.notes[0].to_string().contains("mount targets of fs-1 are not in the snapshot")),
            "{p:?}"
        );
        v["domains"][0]["home_efs_file_system_id"] = serde_json::Value::Null;
        let p = planned(v, "bob", "subnet-a", "efs-nfs");
        assert!(
            matches!(&p[0], Planned::Decided { result, .. } if result.notes[0].to_string().contains("HomeEfsFileSystemId")),
            "{p:?}"
        );
    }

    #[test]
    fn app_peer_targets_the_same_groups_in_every_domain_subnet() {
        let p = planned(base(), "bob", "subnet-a", "app-to-app");
        let targets: Vec<_> = p
            .iter()
            .map(|p| match p {
                Planned::Evaluate {
                    destination,
                    target: Target::Virtual(v),
                } => (
                    destination.as_str(),
                    v.subnet_id.as_str(),
                    v.label.as_str(),
                    v.security_group_ids.len(),
                ),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            targets,
            [
                (
                    "peer app in subnet-a tcp/8192-65535",
                    "subnet-a",
                    "user-profile bob",
                    4
                ),
                (
                    "peer app in subnet-b tcp/8192-65535",
                    "subnet-b",
                    "user-profile bob",
                    4
                ),
            ]
        );
        assert!(planned(base(), "eni-app", "subnet-a", "app-to-app").is_empty());
    }

    #[test]
    fn services_use_the_domain_region() {
        let p = planned(base(), "bob", "subnet-a", "sagemaker-api");
        assert_eq!(
            p,
            [Planned::Evaluate {
                destination: "sagemaker.api (eu-west-1) tcp/443".into(),
                target: Target::Service {
                    service: "sagemaker.api".into(),
                    region: "eu-west-1".into()
                },
            }]
        );
        // Without an ARN the region comes from a subnet's AZ.
        let mut v = base();
        v["domains"][0]["arn"] = serde_json::Value::Null;
        let p = planned(v, "bob", "subnet-a", "s3");
        assert!(
            matches!(&p[0], Planned::Evaluate { target: Target::Service { region, .. }, .. } if region == "eu-west-1")
        );
    }

    #[test]
    fn app_eni_description_must_name_the_domain_exactly() {
        let s = snapshot(base());
        let enis: Vec<_> = Index::new(&s)
            .app_enis("d-1")
            .iter()
            .map(|e| e.id.clone())
            .collect();
        assert_eq!(enis, ["eni-app"]);
        assert_eq!(region_from_az("us-east-1a").as_deref(), Some("us-east-1"));
        assert_eq!(region_from_az("weird"), None);
    }
}
