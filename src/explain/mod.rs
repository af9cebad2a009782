//! PURE. `sagescope explain`: every parameter of a SageMaker Studio domain,
//! what it means for *this* domain, and whether the resources SageMaker
//! created for it are still there and intact.
//!
//! This is what an engineer does by hand with `describe-domain` open next to
//! the VPC console: read the network mode and its consequence, find the
//! subnets and whether they are private, the security groups each kind of app
//! gets, the KMS key, the home EFS and its mount targets, and the endpoints
//! a VpcOnly domain needs. On top of reading, it verifies what SageMaker
//! created and people tend to break: the `security-group-for-inbound-nfs-…` /
//! `security-group-for-outbound-nfs-…` pair (deleted, or emptied of its
//! TCP 2049 rules), the mount targets carrying the inbound group, a mount
//! target in every domain AZ.
//!
//! [`explain`] builds an [`Explanation`] from the snapshot and topology only;
//! [`render`] turns it into text, Markdown or JSON. Each [`Item`] has a
//! [`Status`]; `error` (a required resource, rule or setting is missing or
//! wrong) and `unknown` (the snapshot cannot tell, e.g. the groups were not
//! captured) make `explain` exit 1: like `audit`, a check that cannot be made
//! is not a pass.

pub mod render;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Serialize;

use crate::engine::route_table::{nat_route, public_route};
use crate::engine::rules::sg_rule_admits_tcp;
use crate::engine::{endpoint_service_name, public_name};
use crate::graph::Topology;
use crate::query::sources::{app_enis, mount_target_az, nfs_group, nfs_group_name, region_of, Nfs};
use crate::snapshot::{
    Domain, EfsMountTarget, EndpointType, NetworkInterface, RouteTarget, SecurityGroup, Snapshot,
    Subnet, VpcEndpoint,
};

/// Version of the `explain --format json` document.
pub const EXPLAIN_SCHEMA_VERSION: u32 = 1;

/// How an item stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Verified present and correct.
    Ok,
    /// A fact about the domain; nothing to verify.
    Info,
    /// Works, but against AWS guidance, or only partly.
    Warning,
    /// A required resource, rule or setting is missing or wrong.
    Error,
    /// The snapshot cannot tell (not captured).
    Unknown,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Info => "info",
            Status::Warning => "warning",
            Status::Error => "error",
            Status::Unknown => "unknown",
        }
    }

    /// Whether this status makes `explain` exit 1.
    pub fn is_problem(self) -> bool {
        matches!(self, Status::Error | Status::Unknown)
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One parameter or resource of the domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The API field or the resource, e.g. `AuthMode`,
    /// `SubnetIds: subnet-0abc`, `security-group-for-inbound-nfs-d-…`.
    pub parameter: String,
    /// Its value in this domain, with the ids.
    pub value: String,
    /// What it means for this domain.
    pub meaning: String,
    pub status: Status,
    /// Stable kebab-case code for warnings, errors and unknowns (see [`CODES`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Resource ids the item is about.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
}

impl Item {
    fn new(
        parameter: impl Into<String>,
        value: impl Into<String>,
        meaning: impl Into<String>,
    ) -> Self {
        Item {
            parameter: parameter.into(),
            value: value.into(),
            meaning: meaning.into(),
            status: Status::Info,
            code: None,
            ids: Vec::new(),
        }
    }

    fn ok(mut self) -> Self {
        self.status = Status::Ok;
        self
    }

    /// A warning, error or unknown with its code.
    fn flag(mut self, status: Status, code: &str) -> Self {
        debug_assert!(
            CODES.iter().any(|(c, _)| *c == code),
            "explain code {code} is not in CODES"
        );
        self.status = status;
        self.code = Some(code.to_string());
        self
    }

    fn ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.ids = ids.into_iter().map(Into::into).collect();
        self
    }
}

/// A group of items (`network-mode`, `subnets`, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Section {
    /// Stable kebab-case id.
    pub id: String,
    pub title: String,
    pub items: Vec<Item>,
}

/// Counts per status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub ok: usize,
    pub info: usize,
    pub warning: usize,
    pub error: usize,
    pub unknown: usize,
}

impl Counts {
    fn add(&mut self, s: Status) {
        match s {
            Status::Ok => self.ok += 1,
            Status::Info => self.info += 1,
            Status::Warning => self.warning += 1,
            Status::Error => self.error += 1,
            Status::Unknown => self.unknown += 1,
        }
    }

    fn merge(&mut self, o: Counts) {
        self.ok += o.ok;
        self.info += o.info;
        self.warning += o.warning;
        self.error += o.error;
        self.unknown += o.unknown;
    }
}

impl fmt::Display for Counts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{}, {}, {}, {} verified",
            n(self.error, "error", "errors"),
            n(self.unknown, "unknown", "unknown"),
            n(self.warning, "warning", "warnings"),
            self.ok
        )
    }
}

/// Everything `explain` says about one domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainExplanation {
    pub domain_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `VpcOnly`, `PublicInternetOnly`, or absent when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub sections: Vec<Section>,
    pub counts: Counts,
}

impl DomainExplanation {
    /// The items that make `explain` exit 1, in section order.
    pub fn problems(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
            .filter(|(_, i)| i.status.is_problem())
    }

    /// Warnings, in section order.
    pub fn warnings(&self) -> impl Iterator<Item = (&Section, &Item)> {
        self.sections
            .iter()
            .flat_map(|s| s.items.iter().map(move |i| (s, i)))
            .filter(|(_, i)| i.status == Status::Warning)
    }
}

/// The `explain` document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub schema_version: u32,
    /// Sorted by domain id.
    pub domains: Vec<DomainExplanation>,
    pub counts: Counts,
}

impl Explanation {
    /// Whether something required is missing or unknown (exit 1).
    pub fn has_problems(&self) -> bool {
        self.counts.error > 0 || self.counts.unknown > 0
    }
}

/// Every code an item can carry, with what it means. Stable: scripts match
/// on them.
pub const CODES: &[(&str, &str)] = &[
    ("domain-not-described", "only ListDomains output is in the snapshot"),
    ("domain-failed", "the domain is in a failed state"),
    ("domain-not-in-service", "the domain is not InService (pending, updating, deleting)"),
    ("auth-mode-unknown", "AuthMode is not in the snapshot or not a known value"),
    ("default-execution-role-missing", "DefaultUserSettings.ExecutionRole is not set"),
    ("network-mode-unknown", "AppNetworkAccessType is not in the snapshot"),
    ("dualstack-subnet-without-ipv6", "IpAddressType dualstack on a subnet without an IPv6 CIDR (F21)"),
    ("vpc-missing", "the domain's VPC is not in the snapshot"),
    ("vpc-dedicated-tenancy", "a VpcOnly domain in a VPC with dedicated tenancy"),
    ("vpc-dns-attributes-off", "enableDnsSupport or enableDnsHostnames is off (F5)"),
    ("vpc-dns-attributes-unknown", "the VPC DNS attributes were not captured"),
    ("custom-dns-servers", "the VPC uses custom DHCP name servers"),
    ("subnet-missing", "a domain subnet is not in the snapshot"),
    ("vpc-only-public-subnet", "a VpcOnly domain subnet routes 0.0.0.0/0 to an internet gateway (F14)"),
    ("subnet-route-table-unknown", "a domain subnet has no route table in the snapshot"),
    ("subnet-internet-route-unknown", "which route a domain subnet's internet traffic takes depends on a prefix list not in the snapshot"),
    ("single-availability-zone", "all domain subnets are in one availability zone"),
    ("security-group-missing", "a configured security group is not in the snapshot"),
    ("security-groups-unknown", "the security groups of the VPC were not captured"),
    ("no-app-security-groups", "VpcOnly apps would carry only SageMaker's NFS group (F9)"),
    ("security-groups-only-in-domain-settings", "groups set only in DomainSettings.SecurityGroupIds, which Studio apps do not use (F9)"),
    ("no-shared-space-security-groups", "VpcOnly shared spaces would carry only SageMaker's NFS group"),
    ("too-many-security-groups", "more than 5 groups after the union with the NFS group (F17)"),
    ("profile-not-described", "a user profile is known only from ListUserProfiles"),
    ("nfs-inbound-group-missing", "security-group-for-inbound-nfs-<domain> was deleted"),
    ("nfs-outbound-group-missing", "security-group-for-outbound-nfs-<domain> was deleted"),
    ("nfs-inbound-rule-missing", "the inbound NFS group lacks TCP 2049 ingress from the outbound group"),
    ("nfs-outbound-rule-missing", "the outbound NFS group lacks TCP 2049 egress to the inbound group"),
    ("mount-target-without-inbound-nfs-group", "a home EFS mount target lacks the inbound NFS group (F3)"),
    ("mount-target-groups-unknown", "the security groups of a mount target were not captured"),
    ("app-eni-without-outbound-nfs-group", "a running app's ENI lacks the outbound NFS group"),
    ("kms-key-mismatch", "the home EFS is encrypted with another key than the domain's KmsKeyId"),
    ("home-efs-unset", "the domain has no HomeEfsFileSystemId"),
    ("home-efs-missing", "the home EFS file system is not in the snapshot"),
    ("home-efs-not-available", "the home EFS is not in the available state"),
    ("home-efs-unencrypted", "the home EFS is not encrypted at rest"),
    ("mount-target-missing-in-az", "no mount target of the home EFS in a domain AZ (F3)"),
    ("mount-target-not-available", "a mount target of the home EFS is not available"),
    ("mount-targets-unknown", "the mount targets of the home EFS were not captured"),
    ("endpoint-missing", "a required interface endpoint is missing and no NAT route covers the domain subnets (F1, F7)"),
    ("endpoint-recommended-missing", "a strongly recommended endpoint (sts, logs) is missing and there is no NAT"),
    ("endpoint-private-dns-off", "an interface endpoint has PrivateDnsEnabled false (F4)"),
    ("endpoint-not-available", "an endpoint is not in the available state"),
    ("endpoint-az-coverage", "an interface endpoint has no ENI in some domain AZ (F16)"),
    ("s3-route-missing", "a domain subnet's route table has no route to the S3 gateway endpoint and no NAT (F9)"),
    ("endpoints-unknown", "the VPC endpoints were not captured"),
    ("no-nat-for-public-endpoints", "no NAT: IAM, pip, git and other public endpoints are unreachable (F8)"),
    ("profile-not-in-service", "a user profile or space is not InService"),
    ("app-failed", "an app is in the Failed state"),
];

/// Explain the selected domains (all when `domain_ids` is empty), sorted by
/// id. Ids that are not in the snapshot are the caller's to reject.
pub fn explain(snapshot: &Snapshot, topo: &Topology, domain_ids: &[String]) -> Explanation {
    let mut domains: Vec<DomainExplanation> = snapshot
        .domains
        .iter()
        .filter(|d| domain_ids.is_empty() || domain_ids.contains(&d.id))
        .map(|d| explain_domain(snapshot, topo, d))
        .collect();
    domains.sort_by(|a, b| a.domain_id.cmp(&b.domain_id));
    let mut counts = Counts::default();
    for d in &domains {
        counts.merge(d.counts);
    }
    Explanation {
        schema_version: EXPLAIN_SCHEMA_VERSION,
        domains,
        counts,
    }
}

/// The explanation of one domain.
pub fn explain_domain(snapshot: &Snapshot, topo: &Topology, domain: &Domain) -> DomainExplanation {
    let cx = Cx::new(snapshot, topo, domain);
    let mut sections = vec![cx.identity()];
    if domain.described {
        sections.push(cx.authentication());
        sections.push(cx.execution_roles());
        sections.push(cx.network_mode());
        sections.push(cx.vpc());
        sections.push(cx.subnets());
        sections.push(cx.security_groups());
        sections.push(cx.nfs_pair());
        sections.push(cx.kms());
        sections.push(cx.home_efs());
        sections.push(cx.endpoints());
    }
    sections.push(cx.users_and_apps());
    sections.retain(|s| !s.items.is_empty());
    let mut counts = Counts::default();
    for s in &sections {
        for i in &s.items {
            counts.add(i.status);
        }
    }
    DomainExplanation {
        domain_id: domain.id.clone(),
        name: domain.name.clone(),
        mode: domain.app_network_access_type.clone(),
        region: region_of(snapshot, domain),
        sections,
        counts,
    }
}

// ------------------------------------------------------------ helpers ----

/// The space or user profile a real app ENI serves, from its
/// `ManagedByAmazonSageMakerResource` tag
/// (`arn:…:node/<domain>/<space-or-profile>-<timestamp>/<hash>`), matched
/// against the spaces and profiles of the domain (longest name wins).
pub fn app_eni_owner(
    snapshot: &Snapshot,
    eni: &NetworkInterface,
    domain_id: &str,
) -> Option<String> {
    let arn = eni.tags.get("ManagedByAmazonSageMakerResource")?;
    let node = arn.split(":node/").nth(1)?;
    let mut parts = node.split('/');
    if parts.next()? != domain_id {
        return None;
    }
    let owner = parts.next()?;
    let spaces = snapshot
        .spaces
        .iter()
        .filter(|s| s.domain_id == domain_id)
        .map(|s| ("space", s.name.as_str()));
    let profiles = snapshot
        .user_profiles
        .iter()
        .filter(|p| p.domain_id == domain_id)
        .map(|p| ("user-profile", p.name.as_str()));
    spaces
        .chain(profiles)
        .filter(|(_, name)| owner == *name || owner.starts_with(&format!("{name}-")))
        .max_by_key(|(_, name)| name.len())
        .map(|(kind, name)| format!("{kind} {name}"))
}

/// `a, b and c`.
fn list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// Services a VpcOnly domain reaches, in the order they are explained.
struct Needed {
    service: &'static str,
    level: Level,
    why: &'static str,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Level {
    Required,
    Recommended,
    /// Needed only when custom images are configured.
    CustomImages,
    /// Needed only for a feature the snapshot cannot show (Projects).
    Feature,
}

const NEEDED: &[Needed] = &[
    Needed { service: "sagemaker.api", level: Level::Required, why: "creating apps and every SageMaker API call (without it: \"unable to reach SageMaker Endpoint\", F1)" },
    Needed { service: "sagemaker.runtime", level: Level::Required, why: "invoking endpoints from notebooks; AWS lists it as required for Studio" },
    Needed { service: "studio", level: Level::Required, why: "the current Studio UI and its APIs" },
    Needed { service: "s3", level: Level::Required, why: "lifecycle scripts, SDK default buckets, JumpStart and the ECR image layers" },
    Needed { service: "sts", level: Level::Recommended, why: "the SDK's get_execution_role and remote jobs (without it: misleading \"STS permission\" errors, F6)" },
    Needed { service: "logs", level: Level::Recommended, why: "the status of remote jobs, read from CloudWatch Logs (without it the SDK hangs at \"Starting\", F7)" },
    Needed { service: "ecr.api", level: Level::CustomImages, why: "pulling custom images (F10)" },
    Needed { service: "ecr.dkr", level: Level::CustomImages, why: "pulling custom images (F10)" },
    Needed { service: "servicecatalog", level: Level::Feature, why: "SageMaker Projects (F11), if you use them" },
];

struct Cx<'a> {
    s: &'a Snapshot,
    topo: &'a Topology,
    d: &'a Domain,
    vpc_only: bool,
    region: Option<String>,
    /// The domain subnets, sorted and deduplicated.
    subnets: Vec<String>,
    /// AZ of each known domain subnet.
    azs: BTreeMap<String, Vec<String>>,
}

impl<'a> Cx<'a> {
    fn new(s: &'a Snapshot, topo: &'a Topology, d: &'a Domain) -> Self {
        let mut subnets = d.subnet_ids.clone();
        subnets.sort();
        subnets.dedup();
        let mut azs: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for id in &subnets {
            if let Some(az) = topo.subnet(id).and_then(|x| x.availability_zone.clone()) {
                azs.entry(az).or_default().push(id.clone());
            }
        }
        Cx {
            s,
            topo,
            d,
            vpc_only: d.is_vpc_only(),
            region: region_of(s, d),
            subnets,
            azs,
        }
    }

    fn vpc_id(&self) -> Option<&str> {
        self.d.vpc_id.as_deref()
    }

    /// Whether the snapshot holds any security group of the domain VPC:
    /// if it does, a group that is absent was deleted; if not, the groups
    /// were not captured.
    fn groups_captured(&self) -> bool {
        self.s
            .security_groups
            .iter()
            .any(|g| g.vpc_id.is_some() && g.vpc_id.as_deref() == self.vpc_id())
    }

    fn sg(&self, id: &str) -> Option<&'a SecurityGroup> {
        self.topo.security_group(id)
    }

    /// `sg-0abc (studio-app)`.
    fn sg_label(&self, id: &str) -> String {
        match self.sg(id) {
            Some(g) if !g.name.is_empty() => format!("{id} ({})", g.name),
            _ => id.to_string(),
        }
    }

    fn sg_list(&self, ids: &[String]) -> String {
        if ids.is_empty() {
            "(none)".to_string()
        } else {
            ids.iter()
                .map(|g| self.sg_label(g))
                .collect::<Vec<_>>()
                .join(", ")
        }
    }

    fn nfs_group(&self, which: Nfs) -> Option<&'a SecurityGroup> {
        nfs_group(self.s, self.d, which)
    }

    fn subnet(&self, id: &str) -> Option<&'a Subnet> {
        self.topo.subnet(id)
    }

    fn section(id: &str, title: &str, items: Vec<Item>) -> Section {
        Section {
            id: id.to_string(),
            title: title.to_string(),
            items,
        }
    }

    // ------------------------------------------------------- sections ----

    fn identity(&self) -> Section {
        let d = self.d;
        let mut items = vec![Item::new(
            "DomainName / DomainId",
            format!(
                "{} / {}",
                d.name.as_deref().unwrap_or("(no name in the snapshot)"),
                d.id
            ),
            match &d.arn {
                Some(arn) => format!("ARN {arn}."),
                None => "The ARN is not in the snapshot.".to_string(),
            },
        )
        .ids([d.id.clone()])];
        if let Some(r) = &self.region {
            items.push(Item::new(
                "Region",
                r.clone(),
                "Service endpoints and their names are regional: every endpoint below is for this region.",
            ));
        }
        if !d.described {
            items.push(
                Item::new(
                    "DescribeDomain",
                    "not in the snapshot",
                    format!(
                        "Only ListDomains output is in the snapshot, so the network mode, VPC, subnets, security groups, KMS key and home EFS of {} are unknown. Capture `aws sagemaker describe-domain --domain-id {}`.",
                        d.id, d.id
                    ),
                )
                .flag(Status::Unknown, "domain-not-described")
                .ids([d.id.clone()]),
            );
            return Self::section("domain", "Domain", items);
        }
        let status = d.status.as_deref().unwrap_or("");
        let status_item = match status {
            "InService" => Item::new("Status", "InService", "The domain is ready; users can open Studio.").ok(),
            "" => Item::new("Status", "(not in the snapshot)", "The domain status was not captured."),
            s if s.contains("Failed") => Item::new(
                "Status",
                s,
                match &d.failure_reason {
                    Some(r) => format!("The last operation on the domain failed: {r}"),
                    None => "The last operation on the domain failed (no FailureReason in the snapshot).".to_string(),
                },
            )
            .flag(Status::Error, "domain-failed"),
            s => Item::new(
                "Status",
                s,
                "The domain is not InService yet (or any more): apps cannot be opened until it is.",
            )
            .flag(Status::Warning, "domain-not-in-service"),
        };
        items.push(status_item.ids([d.id.clone()]));
        if let Some(url) = &d.url {
            items.push(Item::new(
                "Url",
                url.clone(),
                if self.vpc_only {
                    "The Studio address. In VpcOnly mode the browser still reaches it over the internet unless the studio endpoint and private DNS (or a private hosted zone) serve it inside your network."
                } else {
                    "The Studio address users open (through the console, a presigned URL or the Identity Center portal)."
                },
            ));
        }
        Self::section("domain", "Domain", items)
    }

    fn authentication(&self) -> Section {
        let item = match self.d.auth_mode.as_deref() {
            Some("IAM") => Item::new(
                "AuthMode",
                "IAM",
                "Users reach Studio through the SageMaker console or a presigned URL (CreatePresignedDomainUrl) that an IAM principal creates; a user profile is not tied to a person, so whoever may create its presigned URL can use it.",
            ),
            Some("SSO") => Item::new(
                "AuthMode",
                "SSO (IAM Identity Center)",
                "Users sign in through the IAM Identity Center access portal; each user profile is linked to an Identity Center user, and access is managed by assigning users or groups to the domain's application.",
            ),
            Some(other) => Item::new(
                "AuthMode",
                other,
                "Not a value sagescope knows (IAM or SSO).",
            )
            .flag(Status::Warning, "auth-mode-unknown"),
            None => Item::new(
                "AuthMode",
                "(not in the snapshot)",
                "How users sign in (IAM or IAM Identity Center) was not captured.",
            )
            .flag(Status::Warning, "auth-mode-unknown"),
        };
        Self::section("authentication", "Authentication", vec![item])
    }

    fn execution_roles(&self) -> Section {
        let d = self.d;
        let default_role = d.default_user_settings.execution_role.clone();
        let mut items = vec![match &default_role {
            Some(r) => Item::new(
                "DefaultUserSettings.ExecutionRole",
                r.clone(),
                "The IAM role apps of user profiles run as unless a profile sets its own: notebooks call AWS with its permissions.",
            ),
            None => Item::new(
                "DefaultUserSettings.ExecutionRole",
                "(not set)",
                "Without a default execution role, user profiles without their own role cannot run apps.",
            )
            .flag(Status::Warning, "default-execution-role-missing"),
        }];
        for p in self.profiles() {
            let (value, meaning) = match p.user_settings.as_ref().and_then(|u| u.execution_role.clone()) {
                Some(r) if Some(&r) == default_role.as_ref() => (r, "The same role as the domain default.".to_string()),
                Some(r) => (r, "Its own role: the profile's apps run with these permissions instead of the default's.".to_string()),
                None if p.user_settings.is_none() => (
                    "(profile not described)".to_string(),
                    "Only ListUserProfiles output is in the snapshot.".to_string(),
                ),
                None => (
                    "(inherits the default)".to_string(),
                    "The profile sets no role: its apps run as DefaultUserSettings.ExecutionRole.".to_string(),
                ),
            };
            items.push(Item::new(
                format!("UserSettings.ExecutionRole ({})", p.name),
                value,
                meaning,
            ));
        }
        if let Some(space) = &d.default_space_settings {
            items.push(Item::new(
                "DefaultSpaceSettings.ExecutionRole",
                space
                    .execution_role
                    .clone()
                    .unwrap_or_else(|| "(not set)".into()),
                "The role apps in shared spaces run as.",
            ));
        }
        Self::section("execution-roles", "Execution roles", items)
    }

    fn network_mode(&self) -> Section {
        let d = self.d;
        let mut items = vec![match d.app_network_access_type.as_deref() {
            Some("VpcOnly") => Item::new(
                "AppNetworkAccessType",
                "VpcOnly",
                format!(
                    "All Studio traffic goes through {} and the domain subnets: apps reach AWS services only through VPC endpoints (or a NAT gateway), their security groups must allow it, and the subnets must be private. `sagescope audit` proves each of those paths.",
                    d.vpc_id.as_deref().unwrap_or("the domain VPC")
                ),
            ),
            Some("PublicInternetOnly") => Item::new(
                "AppNetworkAccessType",
                "PublicInternetOnly",
                "Only the home EFS (NFS) traffic uses your VPC; everything else leaves through a VPC that SageMaker manages, with internet access you cannot audit or restrict. VPC endpoints are not needed.",
            ),
            Some(other) => Item::new("AppNetworkAccessType", other, "Not a value sagescope knows.")
                .flag(Status::Unknown, "network-mode-unknown"),
            None => Item::new(
                "AppNetworkAccessType",
                "(not in the snapshot)",
                "Which traffic uses your VPC is unknown.",
            )
            .flag(Status::Unknown, "network-mode-unknown"),
        }];
        match d.ip_address_type.as_deref() {
            Some("dualstack") => {
                let without: Vec<String> = self
                    .subnets
                    .iter()
                    .filter(|id| self.subnet(id).is_some_and(|s| s.ipv6_cidrs.is_empty()))
                    .cloned()
                    .collect();
                let item = Item::new(
                    "DomainSettings.IpAddressType",
                    "dualstack",
                    if without.is_empty() {
                        "Apps get IPv4 and IPv6 addresses; every domain subnet has an IPv6 CIDR."
                            .to_string()
                    } else {
                        format!(
                            "Apps get IPv4 and IPv6 addresses, which needs an IPv6 CIDR on every domain subnet; {} has none (F21).",
                            list(&without)
                        )
                    },
                );
                items.push(if without.is_empty() {
                    item.ok()
                } else {
                    item.flag(Status::Error, "dualstack-subnet-without-ipv6")
                        .ids(without)
                });
            }
            other => items.push(Item::new(
                "DomainSettings.IpAddressType",
                other.unwrap_or("ipv4 (default)"),
                "Apps get IPv4 addresses only.",
            )),
        }
        if let Some(m) = &d.app_security_group_management {
            items.push(Item::new(
                "AppSecurityGroupManagement",
                m.clone(),
                if m == "Service" {
                    "SageMaker creates and manages the security groups for communication between RStudio apps."
                } else {
                    "You manage the security groups for communication between apps (RStudio needs Service)."
                },
            ));
        }
        if let Some(g) = &d.security_group_id_for_domain_boundary {
            items.push(
                Item::new(
                    "SecurityGroupIdForDomainBoundary",
                    self.sg_label(g),
                    "The group SageMaker created for traffic between RSessionGateway and RStudioServerPro apps.",
                )
                .ids([g.clone()]),
            );
        }
        Self::section("network-mode", "Network mode", items)
    }

    fn vpc(&self) -> Section {
        let Some(vpc_id) = self.vpc_id() else {
            return Self::section(
                "vpc",
                "VPC",
                vec![Item::new(
                    "VpcId",
                    "(not set)",
                    "The domain has no VPC in the snapshot: where its apps and EFS traffic run is unknown.",
                )
                .flag(Status::Unknown, "vpc-missing")],
            );
        };
        let Some(vpc) = self.topo.vpc(vpc_id) else {
            let status = if self.s.vpcs.is_empty() {
                Status::Unknown
            } else {
                Status::Error
            };
            return Self::section(
                "vpc",
                "VPC",
                vec![Item::new(
                    "VpcId",
                    vpc_id,
                    if status == Status::Error {
                        "The domain's VPC is not in the snapshot although other VPCs are: it was probably deleted, and the domain cannot run apps."
                    } else {
                        "No VPC was captured (describe-vpcs), so nothing about the network can be verified."
                    },
                )
                .flag(status, "vpc-missing")
                .ids([vpc_id])],
            );
        };
        let cidrs: Vec<String> = vpc.cidr_blocks.iter().map(|c| c.to_string()).collect();
        let name = vpc
            .tags
            .get("Name")
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        let mut items = vec![Item::new(
            "VpcId",
            format!("{vpc_id}{name} · {}", if cidrs.is_empty() { "no CIDR in the snapshot".into() } else { cidrs.join(", ") }),
            if self.vpc_only {
                "Every Studio app ENI is placed in this VPC, and all app traffic is routed by it."
            } else {
                "The home EFS mount targets live in this VPC; app traffic other than NFS does not use it."
            },
        )
        .ok()
        .ids([vpc_id])];
        if self.vpc_only && vpc.instance_tenancy.as_deref() == Some("dedicated") {
            items.push(
                Item::new(
                    "InstanceTenancy",
                    "dedicated",
                    "VpcOnly domains need a VPC with default tenancy.",
                )
                .flag(Status::Error, "vpc-dedicated-tenancy")
                .ids([vpc_id]),
            );
        }
        let dns = |v: Option<bool>| match v {
            Some(true) => "true",
            Some(false) => "false",
            None => "not captured",
        };
        let value = format!(
            "enableDnsSupport {} · enableDnsHostnames {}",
            dns(vpc.enable_dns_support),
            dns(vpc.enable_dns_hostnames)
        );
        let dns_item = match (vpc.enable_dns_support, vpc.enable_dns_hostnames) {
            (Some(true), Some(true)) => Item::new(
                "VPC DNS attributes",
                value,
                "Both on: interface endpoints with private DNS answer for the services' public names inside the VPC.",
            )
            .ok(),
            (Some(false), _) | (_, Some(false)) if self.vpc_only => Item::new(
                "VPC DNS attributes",
                value,
                "Private DNS of interface endpoints needs both attributes: service names resolve to public addresses, which a VpcOnly app without NAT cannot reach (F5).",
            )
            .flag(Status::Error, "vpc-dns-attributes-off"),
            (Some(false), _) | (_, Some(false)) => Item::new(
                "VPC DNS attributes",
                value,
                "Not needed for a PublicInternetOnly domain (only NFS traffic, by address, uses this VPC).",
            ),
            _ if self.vpc_only => Item::new(
                "VPC DNS attributes",
                value,
                "Not captured (describe-vpc-attribute): whether interface endpoints answer for the service names is unknown.",
            )
            .flag(Status::Unknown, "vpc-dns-attributes-unknown"),
            _ => Item::new("VPC DNS attributes", value, "Not captured; not needed in PublicInternetOnly mode."),
        };
        items.push(dns_item.ids([vpc_id]));
        if let Some(dopt) = &vpc.dhcp_options_id {
            let servers = self
                .topo
                .dhcp_options(dopt)
                .map(|o| o.domain_name_servers.clone());
            let item = match servers {
                Some(s) if s.iter().all(|x| x == "AmazonProvidedDNS") => Item::new(
                    "DHCP options",
                    format!("{dopt} · AmazonProvidedDNS"),
                    "Apps resolve names with the VPC resolver, which knows the endpoints' private DNS.",
                )
                .ok(),
                Some(s) => {
                    let item = Item::new(
                        "DHCP options",
                        format!("{dopt} · {}", s.join(", ")),
                        "Custom name servers: they must forward the AWS service names to the VPC resolver (or a Route 53 Resolver endpoint), or endpoint private DNS is bypassed.",
                    );
                    if self.vpc_only {
                        item.flag(Status::Warning, "custom-dns-servers")
                    } else {
                        item
                    }
                }
                None => Item::new("DHCP options", dopt.clone(), "Not captured."),
            };
            items.push(item.ids([dopt.clone()]));
        }
        let igws: Vec<String> = self
            .topo
            .igws_of_vpc(vpc_id)
            .map(|g| g.id.clone())
            .collect();
        let nats: Vec<String> = self
            .topo
            .nat_gateways_of_vpc(vpc_id)
            .filter(|n| n.state != "deleted")
            .map(|n| format!("{} ({}, {})", n.id, n.subnet_id, n.state))
            .collect();
        items.push(Item::new(
            "Internet and NAT gateways",
            format!(
                "{} · {}",
                if igws.is_empty() { "no internet gateway".to_string() } else { igws.join(", ") },
                if nats.is_empty() { "no NAT gateway".to_string() } else { nats.join(", ") }
            ),
            if nats.is_empty() {
                "Without a NAT gateway, apps reach nothing outside the VPC but what VPC endpoints serve."
            } else {
                "Subnets that route 0.0.0.0/0 to a NAT gateway reach public endpoints (IAM, pip, git) through it."
            },
        ));
        Self::section("vpc", "VPC", items)
    }

    fn subnets(&self) -> Section {
        let mut items = Vec::new();
        if self.subnets.is_empty() {
            items.push(
                Item::new(
                    "SubnetIds",
                    "(none)",
                    "The domain has no subnets in the snapshot: where its apps run is unknown.",
                )
                .flag(Status::Unknown, "subnet-missing"),
            );
            return Self::section("subnets", "Subnets", items);
        }
        let vpc_subnets_known = self
            .s
            .subnets
            .iter()
            .any(|s| Some(s.vpc_id.as_str()) == self.vpc_id());
        let profiles = self.profiles().len() + self.shared_spaces().len();
        for id in &self.subnets {
            let Some(sub) = self.subnet(id) else {
                let status = if vpc_subnets_known {
                    Status::Error
                } else {
                    Status::Unknown
                };
                items.push(
                    Item::new(
                        format!("SubnetIds: {id}"),
                        "not in the snapshot",
                        if status == Status::Error {
                            "Other subnets of the VPC were captured but not this one: it was probably deleted, and apps placed in it fail."
                        } else {
                            "The VPC's subnets were not captured (describe-subnets)."
                        },
                    )
                    .flag(status, "subnet-missing")
                    .ids([id.clone()]),
                );
                continue;
            };
            let mut value = Vec::new();
            if let Some(n) = sub.tags.get("Name") {
                value.push(n.clone());
            }
            if let Some(c) = sub.cidr {
                value.push(c.to_string());
            }
            match (&sub.availability_zone, &sub.availability_zone_id) {
                (Some(az), Some(azid)) => value.push(format!("{az} ({azid})")),
                (Some(az), None) => value.push(az.clone()),
                _ => value.push("AZ unknown".into()),
            }
            if let Some(n) = sub.available_ip_address_count {
                value.push(format!("{n} free IPs"));
            }
            let rt = self.topo.route_table_of_subnet(id);
            if let Some(rt) = rt {
                value.push(if rt.main {
                    format!("{} (main)", rt.id)
                } else {
                    rt.id.clone()
                });
            }
            if let Some(acl) = self.topo.nacl_of_subnet(id) {
                value.push(acl.id.clone());
            }
            let mut ids = vec![id.clone()];
            ids.extend(rt.map(|r| r.id.clone()));
            let headroom = match (sub.available_ip_address_count, profiles) {
                (Some(n), p) if p > 0 => format!(
                    " {n} free addresses for {p} user profile{} and shared space{} (AWS plans 2–4 addresses per user).",
                    if p == 1 { "" } else { "s" },
                    if p == 1 { "" } else { "s" }
                ),
                _ => String::new(),
            };
            let item = match public_route(self.topo, id) {
                None if rt.is_none() => Item::new(
                    format!("SubnetIds: {id}"),
                    value.join(" · "),
                    "The subnet has no route table in the snapshot, so whether it is private is unknown.",
                )
                .flag(Status::Unknown, "subnet-route-table-unknown"),
                None => Item::new(
                    format!("SubnetIds: {id}"),
                    value.join(" · "),
                    "Its route table routes to a prefix list whose entries are not in the snapshot, so which route internet traffic takes, and whether the subnet is private, is unknown.",
                )
                .flag(Status::Unknown, "subnet-internet-route-unknown"),
                Some(Some((igw, route))) if self.vpc_only => Item::new(
                    format!("SubnetIds: {id}"),
                    format!("{} · public", value.join(" · ")),
                    format!(
                        "Public: its route table sends {} to {igw}. VpcOnly domains must use private subnets; app ENIs get no public address, so the internet gateway gives them no internet access (F14).{headroom}",
                        route.destination
                    ),
                )
                .flag(Status::Error, "vpc-only-public-subnet"),
                Some(Some((igw, route))) => Item::new(
                    format!("SubnetIds: {id}"),
                    format!("{} · public", value.join(" · ")),
                    format!(
                        "Public ({} → {igw}): acceptable for PublicInternetOnly, where only NFS traffic to the mount targets uses it.{headroom}",
                        route.destination
                    ),
                ),
                Some(None) => {
                    let out = match nat_route(self.topo, id) {
                        Some((nat, _)) => format!("outbound internet through {}", nat.id),
                        None => "no internet route: only VPC endpoints serve AWS services".to_string(),
                    };
                    Item::new(
                        format!("SubnetIds: {id}"),
                        format!("{} · private", value.join(" · ")),
                        format!("Private ({out}).{headroom}"),
                    )
                    .ok()
                }
            };
            items.push(item.ids(ids));
        }
        let azs: Vec<String> = self.azs.keys().cloned().collect();
        if !azs.is_empty() {
            let item = Item::new(
                "Availability zones",
                azs.join(", "),
                "Apps are placed in any domain subnet; each AZ needs its own home EFS mount target, and each interface endpoint should have an ENI in it.",
            );
            items.push(if azs.len() == 1 && self.subnets.len() == self.azs.values().map(Vec::len).sum::<usize>() {
                Item {
                    meaning: "All domain subnets are in one AZ: an AZ outage or capacity shortage stops every app. AWS recommends subnets in several AZs.".into(),
                    ..item
                }
                .flag(Status::Warning, "single-availability-zone")
            } else {
                item
            });
        }
        Self::section("subnets", "Subnets", items)
    }

    fn profiles(&self) -> Vec<&'a crate::snapshot::UserProfile> {
        let mut p: Vec<_> = self
            .s
            .user_profiles
            .iter()
            .filter(|p| p.domain_id == self.d.id)
            .collect();
        p.sort_by(|a, b| a.name.cmp(&b.name));
        p
    }

    fn shared_spaces(&self) -> Vec<&'a crate::snapshot::Space> {
        let mut s: Vec<_> = self
            .s
            .spaces
            .iter()
            .filter(|s| s.domain_id == self.d.id && s.sharing_type.as_deref() == Some("Shared"))
            .collect();
        s.sort_by(|a, b| a.name.cmp(&b.name));
        s
    }

    /// Items for configured groups that are not in the snapshot.
    fn missing_groups(&self, field: &str, groups: &[String], items: &mut Vec<Item>) {
        for g in groups {
            if self.sg(g).is_some() {
                continue;
            }
            let captured = self.groups_captured();
            items.push(
                Item::new(
                    format!("{field}: {g}"),
                    "not in the snapshot",
                    if captured {
                        "The group is configured but no longer exists (other groups of the VPC were captured): SageMaker cannot attach it and apps fail to launch."
                    } else {
                        "The VPC's security groups were not captured (describe-security-groups)."
                    },
                )
                .flag(if captured { Status::Error } else { Status::Unknown }, if captured { "security-group-missing" } else { "security-groups-unknown" })
                .ids([g.clone()]),
            );
        }
    }

    fn security_groups(&self) -> Section {
        let d = self.d;
        let nfs = self.nfs_group(Nfs::Outbound).map(|g| g.id.clone());
        let defaults = &d.default_user_settings.security_groups;
        let mut items = Vec::new();
        let nfs_note = match &nfs {
            Some(g) => format!(" SageMaker adds its outbound NFS group {g} to every app ENI."),
            None => " SageMaker adds its outbound NFS group to every app ENI.".to_string(),
        };
        let mut default_item = Item::new(
            "DefaultUserSettings.SecurityGroups",
            self.sg_list(defaults),
            format!(
                "Attached to the apps of every user profile (and their private spaces), unioned with the profile's own groups.{nfs_note}"
            ),
        )
        .ids(defaults.clone());
        let any_profile_groups = self.profiles().iter().any(|p| {
            p.user_settings
                .as_ref()
                .is_some_and(|u| !u.security_groups.is_empty())
        });
        if self.vpc_only && defaults.is_empty() && !any_profile_groups {
            default_item.meaning = if d.domain_settings_security_group_ids.is_empty() {
                "VpcOnly apps would carry only SageMaker's NFS group, which allows nothing but NFS: every other path is blocked (F9). Set DefaultUserSettings.SecurityGroups.".into()
            } else {
                "Empty, while DomainSettings.SecurityGroupIds is set: that field is for RStudio only, so Studio apps carry only SageMaker's NFS group and every path but NFS is blocked (F9).".into()
            };
            default_item = default_item.flag(
                Status::Error,
                if d.domain_settings_security_group_ids.is_empty() {
                    "no-app-security-groups"
                } else {
                    "security-groups-only-in-domain-settings"
                },
            );
        } else if !defaults.is_empty() {
            default_item = default_item.ok();
        }
        items.push(default_item);
        self.missing_groups("DefaultUserSettings.SecurityGroups", defaults, &mut items);

        for p in self.profiles() {
            let Some(us) = &p.user_settings else {
                items.push(
                    Item::new(
                        format!("UserSettings.SecurityGroups ({})", p.name),
                        "(profile not described)",
                        "Only ListUserProfiles output is in the snapshot: this profile's groups are unknown.",
                    )
                    .flag(Status::Unknown, "profile-not-described"),
                );
                continue;
            };
            let mut effective: BTreeSet<String> = defaults.iter().cloned().collect();
            effective.extend(us.security_groups.iter().cloned());
            effective.extend(nfs.clone());
            let eff: Vec<String> = effective.into_iter().collect();
            let meaning = format!(
                "Effective groups of its apps (default ∪ own ∪ NFS): {} — {} of at most 5.",
                eff.join(", "),
                eff.len()
            );
            let item = Item::new(
                format!("UserSettings.SecurityGroups ({})", p.name),
                if us.security_groups.is_empty() {
                    "(none of its own)".to_string()
                } else {
                    self.sg_list(&us.security_groups)
                },
                meaning,
            )
            .ids(us.security_groups.clone());
            items.push(if eff.len() > 5 {
                Item {
                    meaning: format!("{} SageMaker rejects more than 5 groups on an app ENI, so its apps fail to launch (F17).", item.meaning),
                    ..item
                }
                .flag(Status::Error, "too-many-security-groups")
            } else {
                item
            });
            self.missing_groups(
                &format!("UserSettings.SecurityGroups ({})", p.name),
                &us.security_groups,
                &mut items,
            );
        }

        let shared = self.shared_spaces();
        let space_groups = d
            .default_space_settings
            .as_ref()
            .map(|s| s.security_groups.clone())
            .unwrap_or_default();
        let mut space_item = Item::new(
            "DefaultSpaceSettings.SecurityGroups",
            self.sg_list(&space_groups),
            format!(
                "Attached to the apps of shared spaces ({}).{nfs_note}",
                if shared.is_empty() {
                    "none in the snapshot".to_string()
                } else {
                    shared
                        .iter()
                        .map(|s| s.name.clone())
                        .collect::<Vec<_>>()
                        .join(", ")
                }
            ),
        )
        .ids(space_groups.clone());
        if self.vpc_only && space_groups.is_empty() && !shared.is_empty() {
            space_item.meaning = format!(
                "Shared spaces ({}) would carry only SageMaker's NFS group: in VpcOnly mode every path but NFS is blocked. Set DefaultSpaceSettings.SecurityGroups.",
                shared.iter().map(|s| s.name.clone()).collect::<Vec<_>>().join(", ")
            );
            space_item = space_item.flag(Status::Error, "no-shared-space-security-groups");
        } else if !space_groups.is_empty() {
            space_item = space_item.ok();
        }
        items.push(space_item);
        self.missing_groups(
            "DefaultSpaceSettings.SecurityGroups",
            &space_groups,
            &mut items,
        );

        if !d.domain_settings_security_group_ids.is_empty() {
            items.push(
                Item::new(
                    "DomainSettings.SecurityGroupIds",
                    self.sg_list(&d.domain_settings_security_group_ids),
                    "Used only between domain-level apps (RStudio) and user apps; JupyterLab and Code Editor ENIs do not get these groups.",
                )
                .ids(d.domain_settings_security_group_ids.clone()),
            );
        }
        Self::section("security-groups", "Security groups", items)
    }

    fn nfs_pair(&self) -> Section {
        let d = self.d;
        let mut items = Vec::new();
        let captured = self.groups_captured();
        let inbound = self.nfs_group(Nfs::Inbound);
        let outbound = self.nfs_group(Nfs::Outbound);
        for (direction, which, group, code) in [
            (
                "inbound",
                Nfs::Inbound,
                inbound,
                "nfs-inbound-group-missing",
            ),
            (
                "outbound",
                Nfs::Outbound,
                outbound,
                "nfs-outbound-group-missing",
            ),
        ] {
            let name = nfs_group_name(&d.id, which);
            let role = if direction == "inbound" {
                "for the home EFS mount targets, to admit NFS from the apps"
            } else {
                "for every app ENI, to let the apps send NFS to the mount targets"
            };
            items.push(match group {
                Some(g) => Item::new(name, g.id.clone(), format!("Created by SageMaker, {role}."))
                    .ok()
                    .ids([g.id.clone()]),
                None if captured => Item::new(
                    name,
                    "deleted",
                    format!(
                        "SageMaker created this group {role}; it is not in {} any more. Apps cannot mount their home directory (F3). Recreating it needs the matching rule on its peer group, and it must be put back where it was attached.",
                        self.vpc_id().unwrap_or("the VPC")
                    ),
                )
                .flag(Status::Error, code),
                None => Item::new(
                    name,
                    "not captured",
                    "The VPC's security groups are not in the snapshot (describe-security-groups).",
                )
                .flag(Status::Unknown, "security-groups-unknown"),
            });
        }
        if let (Some(i), Some(o)) = (inbound, outbound) {
            let ingress_ok = i
                .ingress
                .iter()
                .any(|r| sg_rule_admits_tcp(r, 2049, &o.id, None));
            let item = Item::new(
                format!("{} ingress", i.id),
                if ingress_ok {
                    format!("TCP 2049 from {}", o.id)
                } else if i.ingress.is_empty() {
                    "no ingress rules (emptied)".to_string()
                } else {
                    format!("{} ingress rule(s), none TCP 2049 from {}", i.ingress.len(), o.id)
                },
                if ingress_ok {
                    "The mount targets admit NFS from every app ENI.".to_string()
                } else {
                    format!(
                        "The rule SageMaker created is gone: mount targets refuse NFS from the apps, which cannot mount their home directory (F3). Fix: aws ec2 authorize-security-group-ingress --group-id {} --ip-permissions IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{{GroupId={}}}]",
                        i.id, o.id
                    )
                },
            )
            .ids([i.id.clone(), o.id.clone()]);
            items.push(if ingress_ok {
                item.ok()
            } else {
                item.flag(Status::Error, "nfs-inbound-rule-missing")
            });
            let egress_ok = o
                .egress
                .iter()
                .any(|r| sg_rule_admits_tcp(r, 2049, &i.id, None));
            let item = Item::new(
                format!("{} egress", o.id),
                if egress_ok {
                    format!("TCP 2049 to {}", i.id)
                } else if o.egress.is_empty() {
                    "no egress rules (emptied)".to_string()
                } else {
                    format!("{} egress rule(s), none TCP 2049 to {}", o.egress.len(), i.id)
                },
                if egress_ok {
                    "Every app ENI may send NFS to the mount targets, whatever its other groups allow.".to_string()
                } else {
                    format!(
                        "The rule SageMaker created is gone: apps can reach the mount targets only if one of their other groups allows TCP 2049 out (F3). Fix: aws ec2 authorize-security-group-egress --group-id {} --ip-permissions IpProtocol=tcp,FromPort=2049,ToPort=2049,UserIdGroupPairs=[{{GroupId={}}}]",
                        o.id, i.id
                    )
                },
            )
            .ids([o.id.clone(), i.id.clone()]);
            items.push(if egress_ok {
                item.ok()
            } else {
                item.flag(Status::Error, "nfs-outbound-rule-missing")
            });
        }
        if let (Some(i), Some(fs)) = (inbound, &d.home_efs_file_system_id) {
            for mt in self.mount_targets(fs) {
                let item = match &mt.security_group_ids {
                    None => Item::new(
                        format!("{} groups", mt.id),
                        "not captured",
                        "describe-mount-target-security-groups was not captured for this mount target.",
                    )
                    .flag(Status::Unknown, "mount-target-groups-unknown"),
                    Some(g) if g.contains(&i.id) => Item::new(
                        format!("{} groups", mt.id),
                        self.sg_list(g),
                        format!("Carries {} as SageMaker set it up.", i.id),
                    )
                    .ok(),
                    Some(g) => Item::new(
                        format!("{} groups", mt.id),
                        self.sg_list(g),
                        format!(
                            "Lacks {}: apps in {} cannot mount their home directory (F3). Fix: aws efs modify-mount-target-security-groups --mount-target-id {} --security-groups {}",
                            i.id,
                            self.mt_az(mt).unwrap_or_else(|| mt.subnet_id.clone()),
                            mt.id,
                            g.iter().chain([&i.id]).cloned().collect::<Vec<_>>().join(" ")
                        ),
                    )
                    .flag(Status::Error, "mount-target-without-inbound-nfs-group"),
                };
                items.push(item.ids([mt.id.clone(), i.id.clone()]));
            }
        }
        if let Some(o) = outbound {
            for eni in app_enis(self.s, &d.id) {
                let owner = app_eni_owner(self.s, eni, &d.id)
                    .map(|o| format!(" ({o})"))
                    .unwrap_or_default();
                let item = Item::new(
                    format!("app ENI {}{owner}", eni.id),
                    self.sg_list(&eni.security_group_ids),
                    "",
                );
                items.push(if eni.security_group_ids.contains(&o.id) {
                    Item {
                        meaning: format!("A running app's ENI; it carries {} as SageMaker attached it.", o.id),
                        ..item
                    }
                    .ok()
                } else {
                    Item {
                        meaning: format!("A running app's ENI without {}: unless another of its groups allows TCP 2049 out, its home directory cannot be mounted.", o.id),
                        ..item
                    }
                    .flag(Status::Error, "app-eni-without-outbound-nfs-group")
                }
                .ids([eni.id.clone(), o.id.clone()]));
            }
        }
        Self::section(
            "nfs-security-groups",
            "SageMaker's NFS security groups",
            items,
        )
    }

    fn mount_targets(&self, fs: &str) -> Vec<&'a EfsMountTarget> {
        let mut m: Vec<_> = self
            .s
            .efs_mount_targets
            .iter()
            .filter(|m| m.file_system_id == fs)
            .collect();
        m.sort_by(|a, b| a.id.cmp(&b.id));
        m
    }

    fn mt_az(&self, mt: &'a EfsMountTarget) -> Option<String> {
        mount_target_az(mt, |s| {
            self.subnet(s).and_then(|x| x.availability_zone.as_deref())
        })
        .map(str::to_string)
    }

    fn kms(&self) -> Section {
        let d = self.d;
        let fs = d
            .home_efs_file_system_id
            .as_deref()
            .and_then(|f| self.topo.file_system(f));
        let mut items = vec![match &d.kms_key_id {
            None => Item::new(
                "KmsKeyId",
                "(not set): AWS-managed key",
                "The home EFS and the apps' storage volumes are encrypted with AWS-managed keys: nothing to grant, but you cannot control or audit key use. A customer key can only be chosen when the domain is created.",
            ),
            Some(k) => Item::new(
                "KmsKeyId",
                k.clone(),
                "A customer managed key encrypts the home EFS and the apps' storage volumes: its key policy must let SageMaker and the execution roles use it. It cannot be changed after creation.",
            )
            .ids([k.clone()]),
        }];
        if let Some(fs) = fs {
            let key = fs
                .kms_key_id
                .clone()
                .unwrap_or_else(|| "key not in the snapshot".into());
            let mut item = Item::new(
                format!("{} encryption", fs.id),
                if fs.encrypted {
                    format!("encrypted · {key}")
                } else {
                    "not encrypted".to_string()
                },
                if fs.encrypted {
                    "The home EFS is encrypted at rest."
                } else {
                    "The home EFS is not encrypted at rest."
                },
            )
            .ids([fs.id.clone()]);
            if !fs.encrypted {
                item = item.flag(Status::Warning, "home-efs-unencrypted");
            } else if let (Some(dk), Some(fk)) = (&d.kms_key_id, &fs.kms_key_id) {
                let key_id = |k: &str| k.rsplit('/').next().unwrap_or(k).to_string();
                if !dk.contains("alias/") && key_id(dk) != key_id(fk) {
                    item.meaning = format!(
                        "The home EFS is encrypted with {fk}, not with the domain's KmsKeyId {dk}."
                    );
                    item = item.flag(Status::Warning, "kms-key-mismatch");
                } else {
                    item = item.ok();
                }
            } else {
                item = item.ok();
            }
            items.push(item);
        }
        Self::section("kms", "Encryption (KMS)", items)
    }

    fn home_efs(&self) -> Section {
        let d = self.d;
        let mut items = Vec::new();
        let Some(fs_id) = &d.home_efs_file_system_id else {
            items.push(
                Item::new(
                    "HomeEfsFileSystemId",
                    "(not set)",
                    "The domain has no home EFS in the snapshot: where home directories live is unknown.",
                )
                .flag(Status::Unknown, "home-efs-unset"),
            );
            return Self::section("home-efs", "Home EFS", items);
        };
        let mts = self.mount_targets(fs_id);
        let fs = self.topo.file_system(fs_id);
        let efs_captured = !self.s.efs_file_systems.is_empty();
        items.push(match fs {
            Some(f) => {
                let state = f.lifecycle_state.clone().unwrap_or_else(|| "state unknown".into());
                let tag = f
                    .tags
                    .get("ManagedByAmazonSageMakerResource")
                    .map(|t| format!(" · ManagedByAmazonSageMakerResource={t}"))
                    .unwrap_or_default();
                let item = Item::new(
                    "HomeEfsFileSystemId",
                    format!("{fs_id} · {state}{tag}"),
                    "Every user's home directory (and private spaces' storage in Studio Classic) lives on this file system; apps mount it over NFS from the mount target in their own AZ.",
                )
                .ids([fs_id.clone()]);
                match f.lifecycle_state.as_deref() {
                    Some("available") => item.ok(),
                    Some(_) => Item {
                        meaning: format!("The file system is {state}, not available: apps cannot mount home directories."),
                        ..item
                    }
                    .flag(Status::Error, "home-efs-not-available"),
                    None => item,
                }
            }
            None if efs_captured || !mts.is_empty() => Item::new(
                "HomeEfsFileSystemId",
                format!("{fs_id} · not in the snapshot"),
                "Other file systems were captured but not this one: it was probably deleted, and no app of the domain can start with its home directory.",
            )
            .flag(Status::Error, "home-efs-missing")
            .ids([fs_id.clone()]),
            None => Item::new(
                "HomeEfsFileSystemId",
                format!("{fs_id} · not captured"),
                "No EFS file system was captured (describe-file-systems).",
            )
            .flag(Status::Unknown, "home-efs-missing")
            .ids([fs_id.clone()]),
        });
        let mt_captured = !self.s.efs_mount_targets.is_empty();
        for (az, subnets) in &self.azs {
            let here: Vec<&EfsMountTarget> = mts
                .iter()
                .copied()
                .filter(|m| self.mt_az(m).as_deref() == Some(az))
                .collect();
            let param = format!("Mount target in {az}");
            if here.is_empty() {
                items.push(if mt_captured {
                    Item::new(
                        param,
                        "none",
                        format!(
                            "Apps in {} have no mount target of {fs_id} in their AZ and do not fall back to another AZ: they start without their home directory (F3). Fix: aws efs create-mount-target --file-system-id {fs_id} --subnet-id {} --security-groups {}",
                            list(subnets),
                            subnets[0],
                            self.nfs_group(Nfs::Inbound).map(|g| g.id.as_str()).unwrap_or("<inbound-nfs-group>")
                        ),
                    )
                    .flag(Status::Error, "mount-target-missing-in-az")
                    .ids([fs_id.clone()])
                } else {
                    Item::new(param, "not captured", "No mount target was captured (describe-mount-targets).")
                        .flag(Status::Unknown, "mount-targets-unknown")
                        .ids([fs_id.clone()])
                });
                continue;
            }
            for mt in here {
                let state = mt
                    .lifecycle_state
                    .clone()
                    .unwrap_or_else(|| "state unknown".into());
                let ip = mt.ip_address.map(|i| format!(" · {i}")).unwrap_or_default();
                let item = Item::new(
                    param.clone(),
                    format!("{} · {}{ip} · {state}", mt.id, mt.subnet_id),
                    format!("Apps in {az} mount their home directory through this mount target."),
                )
                .ids([mt.id.clone()]);
                items.push(match mt.lifecycle_state.as_deref() {
                    Some("available") | None => item.ok(),
                    Some(_) => Item {
                        meaning: format!("The mount target is {state}: apps in {az} cannot mount their home directory."),
                        ..item
                    }
                    .flag(Status::Error, "mount-target-not-available"),
                });
            }
        }
        let elsewhere: Vec<String> = mts
            .iter()
            .filter(|m| self.mt_az(m).is_none_or(|az| !self.azs.contains_key(&az)))
            .map(|m| {
                format!(
                    "{} ({})",
                    m.id,
                    self.mt_az(m).unwrap_or_else(|| m.subnet_id.clone())
                )
            })
            .collect();
        if !elsewhere.is_empty() {
            items.push(Item::new(
                "Other mount targets",
                elsewhere.join(", "),
                "In AZs without a domain subnet: no app uses them.",
            ));
        }
        Self::section("home-efs", "Home EFS", items)
    }

    fn endpoints(&self) -> Section {
        let mut items = Vec::new();
        let Some(vpc) = self.vpc_id() else {
            return Self::section("endpoints", "VPC endpoints", items);
        };
        let mut eps: Vec<&VpcEndpoint> = self.topo.endpoints_of_vpc(vpc).collect();
        eps.sort_by(|a, b| (&a.service_name, &a.id).cmp(&(&b.service_name, &b.id)));
        let Some(region) = self.region.clone() else {
            return Self::section("endpoints", "VPC endpoints", items);
        };
        if !self.vpc_only {
            items.push(Item::new(
                "Endpoints needed",
                "none",
                "In PublicInternetOnly mode apps reach AWS services through SageMaker's VPC, not yours.",
            ));
            for e in eps {
                items.push(
                    Item::new(
                        e.service_name.clone(),
                        format!("{} · {}", e.id, endpoint_type(e.endpoint_type)),
                        "Present, not used by Studio apps in this mode.",
                    )
                    .ids([e.id.clone()]),
                );
            }
            return Self::section("endpoints", "VPC endpoints", items);
        }
        let endpoints_captured = !self.s.vpc_endpoints.is_empty() || self.s.vpcs.is_empty();
        let nat_subnets: Vec<(&String, Option<&str>)> = self
            .subnets
            .iter()
            .map(|s| (s, nat_route(self.topo, s).map(|(n, _)| n.id.as_str())))
            .collect();
        let all_nat = !nat_subnets.is_empty() && nat_subnets.iter().all(|(_, n)| n.is_some());
        let no_nat: Vec<String> = nat_subnets
            .iter()
            .filter(|(_, n)| n.is_none())
            .map(|(s, _)| s.to_string())
            .collect();
        let custom_images = self.custom_images();
        let vpc_dns = self
            .topo
            .vpc(vpc)
            .map(|v| v.enable_dns_support == Some(true) && v.enable_dns_hostnames == Some(true));
        let mut named = BTreeSet::new();
        for n in NEEDED {
            let service_name = endpoint_service_name(n.service, &region);
            let matching: Vec<&&VpcEndpoint> = eps
                .iter()
                .filter(|e| e.service_name == service_name)
                .collect();
            for e in &matching {
                named.insert(e.id.clone());
            }
            let needed = match n.level {
                Level::Required => "required",
                Level::Recommended => "strongly recommended",
                Level::CustomImages if custom_images => "required: custom images are configured",
                Level::CustomImages => "needed only with custom images; none configured",
                Level::Feature => "needed only for SageMaker Projects",
            };
            let param = format!("{} endpoint ({needed})", n.service);
            if matching.is_empty() {
                let missing_status = match n.level {
                    Level::Required => Some((Status::Error, "endpoint-missing")),
                    Level::CustomImages if custom_images => {
                        Some((Status::Error, "endpoint-missing"))
                    }
                    Level::Recommended => Some((Status::Warning, "endpoint-recommended-missing")),
                    _ => None,
                };
                let item = if !endpoints_captured {
                    Item::new(
                        param,
                        "not captured",
                        "describe-vpc-endpoints was not captured.",
                    )
                    .flag(Status::Unknown, "endpoints-unknown")
                } else if all_nat {
                    let nats: BTreeSet<&str> = nat_subnets.iter().filter_map(|(_, n)| *n).collect();
                    Item::new(
                        param,
                        format!("no endpoint · through {}", nats.into_iter().collect::<Vec<_>>().join(", ")),
                        format!(
                            "{} resolves to public addresses, reached through the NAT gateway (traffic leaves the VPC); it serves {}.",
                            public_name(n.service, &region),
                            n.why
                        ),
                    )
                    .ok()
                } else {
                    let why = if no_nat.len() == self.subnets.len() {
                        "and the VPC has no NAT route".to_string()
                    } else {
                        format!("and {} has no NAT route", list(&no_nat))
                    };
                    let item = Item::new(
                        param,
                        format!("missing ({service_name})"),
                        format!("No endpoint {why}; it serves {}.", n.why),
                    );
                    match missing_status {
                        Some((st, code)) => Item {
                            meaning: format!(
                                "{} Fix: aws ec2 create-vpc-endpoint --vpc-id {vpc} --vpc-endpoint-type {} --service-name {service_name} {}",
                                item.meaning,
                                if n.service == "s3" { "Gateway" } else { "Interface" },
                                if n.service == "s3" {
                                    format!("--route-table-ids {}", self.route_tables_of_domain().join(" "))
                                } else {
                                    format!(
                                        "--subnet-ids {} --security-group-ids <endpoint-sg> --private-dns-enabled",
                                        self.subnets.join(" ")
                                    )
                                }
                            ),
                            ..item
                        }
                        .flag(st, code),
                        None => item,
                    }
                };
                items.push(item);
                continue;
            }
            for e in matching {
                items.extend(self.endpoint_items(&param, e, n, vpc_dns));
            }
        }
        for e in eps.iter().filter(|e| !named.contains(&e.id)) {
            items.push(
                Item::new(
                    e.service_name.clone(),
                    format!(
                        "{} · {}{}",
                        e.id,
                        endpoint_type(e.endpoint_type),
                        if e.endpoint_type == EndpointType::Interface {
                            format!(" · private DNS {}", e.private_dns_label())
                        } else {
                            String::new()
                        }
                    ),
                    "Present; not one Studio needs by itself.",
                )
                .ids([e.id.clone()]),
            );
        }
        let nat_item = if all_nat {
            Item::new(
                "Public endpoints (IAM, pip, git)",
                "through NAT",
                "Every domain subnet routes 0.0.0.0/0 to an available NAT gateway: services without an endpoint, like IAM (get_execution_role), are reachable.",
            )
            .ok()
        } else {
            Item::new(
                "Public endpoints (IAM, pip, git)",
                if no_nat.len() == self.subnets.len() { "no NAT".to_string() } else { format!("no NAT from {}", list(&no_nat)) },
                "IAM has no VPC endpoint: calls to iam.amazonaws.com (sagemaker.get_execution_role()), pip and git time out without a NAT gateway (F8).",
            )
            .flag(Status::Info, "no-nat-for-public-endpoints")
        };
        items.push(nat_item);
        Self::section("endpoints", "VPC endpoints: present vs needed", items)
    }

    fn route_tables_of_domain(&self) -> Vec<String> {
        let set: BTreeSet<String> = self
            .subnets
            .iter()
            .filter_map(|s| self.topo.route_table_of_subnet(s).map(|r| r.id.clone()))
            .collect();
        set.into_iter().collect()
    }

    fn custom_images(&self) -> bool {
        !self.d.default_user_settings.custom_images.is_empty()
            || self
                .d
                .default_space_settings
                .as_ref()
                .is_some_and(|s| !s.custom_images.is_empty())
            || self.profiles().iter().any(|p| {
                p.user_settings
                    .as_ref()
                    .is_some_and(|u| !u.custom_images.is_empty())
            })
    }

    fn endpoint_items(
        &self,
        param: &str,
        e: &VpcEndpoint,
        n: &Needed,
        vpc_dns: Option<bool>,
    ) -> Vec<Item> {
        let mut out = Vec::new();
        let state = e.state.clone().unwrap_or_else(|| "state unknown".into());
        let required = matches!(n.level, Level::Required | Level::Recommended)
            || (n.level == Level::CustomImages && self.custom_images());
        if e.endpoint_type == EndpointType::Gateway {
            // S3 gateway: works only through the route tables it is attached to.
            let mut missing = Vec::new();
            for s in &self.subnets {
                let Some(rt) = self.topo.route_table_of_subnet(s) else {
                    continue;
                };
                let routed = e.route_table_ids.contains(&rt.id)
                    || rt
                        .routes
                        .iter()
                        .any(|r| r.active && r.target == RouteTarget::VpcEndpoint(e.id.clone()));
                if !routed && nat_route(self.topo, s).is_none() {
                    missing.push(format!("{s} ({})", rt.id));
                }
            }
            let item = Item::new(
                param,
                format!(
                    "{} · gateway · {state} · route tables {}",
                    e.id,
                    if e.route_table_ids.is_empty() {
                        "(none)".to_string()
                    } else {
                        e.route_table_ids.join(", ")
                    }
                ),
                "",
            )
            .ids([e.id.clone()]);
            out.push(if missing.is_empty() {
                Item {
                    meaning: format!("S3 traffic of every domain subnet is routed to the gateway endpoint (prefix-list route); it serves {}.", n.why),
                    ..item
                }
                .ok()
            } else {
                Item {
                    meaning: format!(
                        "A gateway endpoint works only through the route tables it is attached to; {} has no route to it and no NAT, so S3 is unreachable there (F9). Fix: aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --add-route-table-ids {}",
                        list(&missing),
                        e.id,
                        missing.iter().map(|m| m.split(['(', ')']).nth(1).unwrap_or("").to_string()).collect::<BTreeSet<_>>().into_iter().collect::<Vec<_>>().join(" ")
                    ),
                    ..item
                }
                .flag(if required { Status::Error } else { Status::Warning }, "s3-route-missing")
            });
            return out;
        }
        let enis: Vec<String> = e
            .subnet_ids
            .iter()
            .map(|s| {
                let az = self.subnet(s).and_then(|x| x.availability_zone.clone());
                az.unwrap_or_else(|| s.clone())
            })
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let value = format!(
            "{} · {state} · private DNS {} · ENIs in {} · {}",
            e.id,
            e.private_dns_label(),
            if enis.is_empty() {
                "no subnet".to_string()
            } else {
                enis.join(", ")
            },
            self.sg_list(&e.security_group_ids)
        );
        let mut item = Item::new(param, value, "").ids([e.id.clone()]);
        let missing_azs: Vec<String> = self
            .azs
            .keys()
            .filter(|az| !enis.contains(az))
            .cloned()
            .collect();
        if !crate::engine::endpoint_serves(e) {
            item.meaning = format!(
                "The endpoint is {state}, not available: {} is unreachable through it.",
                n.service
            );
            item = item.flag(
                if required {
                    Status::Error
                } else {
                    Status::Warning
                },
                "endpoint-not-available",
            );
        } else if e.private_dns_enabled == Some(false) {
            item.meaning = format!(
                "Private DNS is off: {} still resolves to public addresses, so apps never use this endpoint (F4). Fix: aws ec2 modify-vpc-endpoint --vpc-endpoint-id {} --private-dns-enabled",
                public_name(n.service, &self.region.clone().unwrap_or_default()),
                e.id
            );
            item = item.flag(
                if required {
                    Status::Error
                } else {
                    Status::Warning
                },
                "endpoint-private-dns-off",
            );
        } else if vpc_dns == Some(false) {
            item.meaning = "Private DNS is on, but the VPC DNS attributes are off, so the service name does not resolve to this endpoint (F5).".into();
            item = item.flag(
                if required {
                    Status::Error
                } else {
                    Status::Warning
                },
                "vpc-dns-attributes-off",
            );
        } else if !missing_azs.is_empty() {
            item.meaning = format!(
                "No ENI in {}: apps there use another AZ's ENI (cross-AZ traffic, and an AZ outage cuts them off) (F16). It serves {}.",
                list(&missing_azs),
                n.why
            );
            item = item.flag(Status::Warning, "endpoint-az-coverage");
        } else {
            item.meaning = format!(
                "Present with private DNS and an ENI in every domain AZ; it serves {}.",
                n.why
            );
            item = item.ok();
        }
        out.push(item);
        out
    }

    fn users_and_apps(&self) -> Section {
        let d = self.d;
        let mut items = Vec::new();
        for p in self.profiles() {
            let status = p.status.clone().unwrap_or_else(|| "status unknown".into());
            let item = Item::new(format!("user profile {}", p.name), status.clone(), "");
            items.push(match p.status.as_deref() {
                Some("InService") | None => Item {
                    meaning: "Its apps run in every domain subnet with the groups above.".into(),
                    ..item
                },
                Some(s) => Item {
                    meaning: format!("The profile is {s}: its users cannot open Studio."),
                    ..item
                }
                .flag(Status::Warning, "profile-not-in-service"),
            });
        }
        let mut spaces: Vec<_> = self
            .s
            .spaces
            .iter()
            .filter(|s| s.domain_id == d.id)
            .collect();
        spaces.sort_by(|a, b| a.name.cmp(&b.name));
        for s in spaces {
            let sharing = s
                .sharing_type
                .clone()
                .unwrap_or_else(|| "sharing unknown".into());
            let owner = s
                .owner_user_profile_name
                .as_ref()
                .map(|o| format!(" · owner {o}"))
                .unwrap_or_default();
            let app = s
                .app_type
                .as_ref()
                .map(|a| format!(" · {a}"))
                .unwrap_or_default();
            let status = s.status.clone().unwrap_or_else(|| "status unknown".into());
            let meaning = match s.sharing_type.as_deref() {
                Some("Shared") => "A shared space: its apps carry DefaultSpaceSettings.SecurityGroups (plus the NFS group).".to_string(),
                Some(_) => format!(
                    "A private space: its apps carry its owner's groups ({}).",
                    s.owner_user_profile_name.as_deref().unwrap_or("owner unknown")
                ),
                None => "Whether it is shared (and which groups its apps carry) is not in the snapshot.".to_string(),
            };
            let item = Item::new(
                format!("space {}", s.name),
                format!("{sharing}{owner}{app} · {status}"),
                meaning,
            );
            items.push(match s.status.as_deref() {
                Some("InService") | None => item,
                Some(_) => item.flag(Status::Warning, "profile-not-in-service"),
            });
        }
        let mut apps: Vec<_> = self.s.apps.iter().filter(|a| a.domain_id == d.id).collect();
        apps.sort_by(|a, b| {
            (
                &a.space_name,
                &a.user_profile_name,
                &a.app_type,
                &a.app_name,
            )
                .cmp(&(
                    &b.space_name,
                    &b.user_profile_name,
                    &b.app_type,
                    &b.app_name,
                ))
        });
        for a in apps {
            let owner = match (&a.space_name, &a.user_profile_name) {
                (Some(s), _) => format!("space {s}"),
                (None, Some(p)) => format!("user profile {p}"),
                (None, None) => "domain".to_string(),
            };
            let status = a.status.clone().unwrap_or_else(|| "status unknown".into());
            let instance = a
                .instance_type
                .as_ref()
                .map(|i| format!(" · {i}"))
                .unwrap_or_default();
            let item = Item::new(
                format!("app {} ({owner})", a.app_type),
                format!("{} · {status}{instance}", a.app_name),
                "",
            );
            items.push(if status == "Failed" {
                Item {
                    meaning:
                        "The app failed to start; network causes are what `sagescope audit` checks."
                            .into(),
                    ..item
                }
                .flag(Status::Warning, "app-failed")
            } else {
                item
            });
        }
        let enis = app_enis(self.s, &d.id);
        if !enis.is_empty() {
            let list: Vec<String> = enis
                .iter()
                .map(|e| {
                    let ip = e
                        .private_ips
                        .iter()
                        .find(|p| p.primary)
                        .or(e.private_ips.first())
                        .map(|p| format!(" {}", p.address))
                        .unwrap_or_default();
                    let owner = app_eni_owner(self.s, e, &d.id)
                        .map(|o| format!(", {o}"))
                        .unwrap_or_default();
                    format!("{}{ip} ({}{owner})", e.id, e.subnet_id)
                })
                .collect();
            items.push(Item::new(
                "App ENIs",
                list.join("; "),
                "Network interfaces of running apps, found by their description; `sagescope audit` checks their paths with the groups they really carry.",
            ).ids(enis.iter().map(|e| e.id.clone())));
        }
        Self::section("users-and-apps", "User profiles, spaces and apps", items)
    }
}

fn endpoint_type(t: EndpointType) -> &'static str {
    match t {
        EndpointType::Interface => "interface",
        EndpointType::Gateway => "gateway",
        EndpointType::GatewayLoadBalancer => "gateway load balancer",
        EndpointType::Resource => "resource",
        EndpointType::ServiceNetwork => "service network",
        EndpointType::Other => "other",
    }
}

#[cfg(test)]
mod tests;
