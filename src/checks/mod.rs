//! PURE. Compliance checks: facts about a domain's configuration that are
//! not paths (network mode, DNS attributes, SageMaker's NFS groups, endpoint
//! coverage, IP headroom...).
//!
//! One file per check. A check is data ([`Check`]: a stable kebab-case id,
//! a title, a severity, What/Why/Fix/References docs) plus a `run` function
//! that looks at the snapshot and returns one [`Finding`] per resource it
//! judged, *passing ones included*, so an auditor sees what was verified and
//! not only what failed. A check that cannot judge a resource (the data is
//! not in the snapshot) says nothing about it: the input warnings already
//! name what is missing, and an unknown is never reported as a pass.
//! Failing findings carry remediations with the real ids (`crate::fix::cli`).

mod domain_customer_managed_key;
mod domain_vpc_only;
mod dualstack_subnets_ipv6;
mod efs_mount_target_in_each_az;
mod efs_mount_target_nfs_group;
mod endpoint_policy_allows_studio;
mod interface_endpoint_az_coverage;
mod interface_endpoint_private_dns;
mod internet_egress_via_nat;
mod orphaned_domain_resources;
mod s3_gateway_endpoint_routes;
mod security_group_limit;
mod shared_self_referencing_group;
mod subnet_ip_headroom;
mod user_settings_security_groups;
mod vpc_default_tenancy;
mod vpc_dns_attributes;
mod vpc_endpoints_present;
mod vpc_only_private_subnets;

use std::collections::BTreeSet;

use crate::graph::Topology;
use crate::query::sources;
use crate::query::Severity;
use crate::report::{CheckInfo, CheckResult, CheckStatus, Remediation};
use crate::snapshot::{
    Domain, EfsMountTarget, EndpointType, NatGateway, SecurityGroup, Snapshot, Subnet, UserProfile,
    VpcEndpoint,
};

/// What / Why / Fix / References, shown by `checks show ID`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Docs {
    pub what: &'static str,
    pub why: &'static str,
    pub fix: &'static str,
    /// `docs/sagemaker-network.md F…` sections and AWS documentation URLs.
    pub references: &'static [&'static str],
}

/// One compliance check.
#[derive(Debug, Clone, Copy)]
pub struct Check {
    /// Stable kebab-case id (a contract: suppressions and CI name it).
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub docs: Docs,
    pub run: fn(&CheckContext<'_>) -> Vec<Finding>,
}

impl Check {
    pub fn info(&self) -> CheckInfo {
        CheckInfo {
            id: self.id.to_string(),
            title: self.title.to_string(),
            severity: self.severity.to_string(),
            what: self.docs.what.to_string(),
            why: self.docs.why.to_string(),
            fix: self.docs.fix.to_string(),
            references: self.docs.references.iter().map(|r| r.to_string()).collect(),
        }
    }
}

/// Every built-in check, sorted by id.
pub const REGISTRY: &[Check] = &[
    domain_customer_managed_key::CHECK,
    domain_vpc_only::CHECK,
    dualstack_subnets_ipv6::CHECK,
    efs_mount_target_in_each_az::CHECK,
    efs_mount_target_nfs_group::CHECK,
    endpoint_policy_allows_studio::CHECK,
    interface_endpoint_az_coverage::CHECK,
    interface_endpoint_private_dns::CHECK,
    internet_egress_via_nat::CHECK,
    orphaned_domain_resources::CHECK,
    s3_gateway_endpoint_routes::CHECK,
    security_group_limit::CHECK,
    shared_self_referencing_group::CHECK,
    subnet_ip_headroom::CHECK,
    user_settings_security_groups::CHECK,
    vpc_default_tenancy::CHECK,
    vpc_dns_attributes::CHECK,
    vpc_endpoints_present::CHECK,
    vpc_only_private_subnets::CHECK,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static Check> {
    REGISTRY.iter().find(|c| c.id == id)
}

/// One judgement of a check on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub domain: Option<String>,
    pub resource: String,
    pub status: CheckStatus,
    pub message: String,
    pub fixes: Vec<Remediation>,
}

impl Finding {
    pub fn pass(
        domain: Option<&str>,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            domain: domain.map(str::to_string),
            resource: resource.into(),
            status: CheckStatus::Pass,
            message: message.into(),
            fixes: Vec::new(),
        }
    }
    pub fn fail(
        domain: Option<&str>,
        resource: impl Into<String>,
        message: impl Into<String>,
    ) -> Finding {
        Finding {
            status: CheckStatus::Fail,
            ..Finding::pass(domain, resource, message)
        }
    }
    /// Add a remediation (failing findings only carry them).
    pub fn fix(mut self, summary: impl Into<String>, commands: Vec<String>) -> Finding {
        self.fixes.push(Remediation {
            summary: summary.into(),
            commands,
        });
        self
    }
}

/// What a check looks at.
pub struct CheckContext<'a> {
    pub snapshot: &'a Snapshot,
    pub topo: &'a Topology,
    /// `--domain-id`; empty = every domain.
    pub domain_filter: &'a [String],
}

/// A principal whose apps carry a set of security groups: the domain
/// defaults, a user profile, or the shared spaces.
#[derive(Debug, Clone, PartialEq)]
pub struct Principal<'a> {
    /// `default-user-settings`, `user-profile`, `shared-spaces`.
    pub kind: &'static str,
    /// Profile name; empty for the domain-level ones.
    pub name: String,
    /// The resource id findings about it name.
    pub resource: String,
    /// The customer groups after the union (without SageMaker's NFS group),
    /// sorted and deduplicated.
    pub groups: Vec<String>,
    /// The groups set on the principal itself (the profile's own
    /// `UserSettings.SecurityGroups`, or the domain setting).
    pub own: Vec<String>,
    pub profile: Option<&'a UserProfile>,
}

impl<'a> CheckContext<'a> {
    pub fn new(snapshot: &'a Snapshot, topo: &'a Topology, domain_filter: &'a [String]) -> Self {
        CheckContext {
            snapshot,
            topo,
            domain_filter,
        }
    }

    /// The audited domains whose settings are known (DescribeDomain seen).
    pub fn domains(&self) -> impl Iterator<Item = &'a Domain> + '_ {
        self.snapshot
            .domains
            .iter()
            .filter(|d| d.described)
            .filter(|d| self.domain_filter.is_empty() || self.domain_filter.contains(&d.id))
    }

    /// The audited VpcOnly domains.
    pub fn vpc_only_domains(&self) -> impl Iterator<Item = &'a Domain> + '_ {
        self.domains().filter(|d| d.is_vpc_only())
    }

    pub fn region(&self, d: &Domain) -> Option<String> {
        sources::region_of(self.snapshot, d)
    }

    /// The domain's subnets that are in the snapshot, sorted by id.
    pub fn subnets(&self, d: &Domain) -> Vec<&'a Subnet> {
        let ids: BTreeSet<&String> = d.subnet_ids.iter().collect();
        ids.into_iter()
            .filter_map(|id| self.topo.subnet(id))
            .collect()
    }

    /// AZs of the domain's subnets (known ones).
    pub fn azs(&self, d: &Domain) -> BTreeSet<&'a str> {
        self.subnets(d)
            .into_iter()
            .filter_map(|s| s.availability_zone.as_deref())
            .collect()
    }

    /// The first domain subnet (by id) in each AZ.
    pub fn subnet_per_az(&self, d: &Domain) -> Vec<&'a Subnet> {
        let mut seen = BTreeSet::new();
        self.subnets(d)
            .into_iter()
            .filter(|s| {
                s.availability_zone
                    .as_deref()
                    .is_some_and(|az| seen.insert(az))
            })
            .collect()
    }

    /// `security-group-for-{inbound,outbound}-nfs-<domain-id>` in the
    /// domain's VPC.
    /// ([`sources::nfs_group`]).
    pub fn nfs_group(&self, d: &Domain, inbound: bool) -> Option<&'a SecurityGroup> {
        let which = if inbound {
            sources::Nfs::Inbound
        } else {
            sources::Nfs::Outbound
        };
        sources::nfs_group(self.snapshot, d, which)
    }

    /// The AZ of a mount target ([`sources::mount_target_az`]).
    pub fn mount_target_az(&self, m: &'a EfsMountTarget) -> Option<&'a str> {
        sources::mount_target_az(m, |s| {
            self.topo
                .subnet(s)
                .and_then(|x| x.availability_zone.as_deref())
        })
    }

    /// The domain's user profiles (sorted by name).
    pub fn profiles(&self, d: &Domain) -> Vec<&'a UserProfile> {
        let mut p: Vec<_> = self
            .snapshot
            .user_profiles
            .iter()
            .filter(|p| p.domain_id == d.id)
            .collect();
        p.sort_by(|a, b| a.name.cmp(&b.name));
        p
    }

    /// Shared spaces of the domain.
    pub fn shared_space_count(&self, d: &Domain) -> usize {
        self.snapshot
            .spaces
            .iter()
            .filter(|s| s.domain_id == d.id && s.sharing_type.as_deref() == Some("Shared"))
            .count()
    }

    /// The principals of a domain whose groups are known: the defaults,
    /// each described profile, and the shared spaces (when there are any or
    /// DefaultSpaceSettings is set). Groups exclude the outbound-NFS group
    /// SageMaker adds itself.
    pub fn principals(&self, d: &Domain) -> Vec<Principal<'a>> {
        let nfs = self.nfs_group(d, false).map(|g| g.id.as_str());
        let clean = |groups: &mut Vec<String>| {
            groups.retain(|g| Some(g.as_str()) != nfs);
            groups.sort();
            groups.dedup();
        };
        let mut defaults = d.default_user_settings.security_groups.clone();
        clean(&mut defaults);
        let mut out = vec![Principal {
            kind: "default-user-settings",
            name: String::new(),
            resource: d.id.clone(),
            groups: defaults.clone(),
            own: defaults.clone(),
            profile: None,
        }];
        for p in self.profiles(d) {
            let Some(us) = &p.user_settings else { continue };
            let mut own = us.security_groups.clone();
            clean(&mut own);
            let mut groups = defaults.clone();
            groups.extend(own.iter().cloned());
            clean(&mut groups);
            out.push(Principal {
                kind: "user-profile",
                name: p.name.clone(),
                resource: profile_resource(p),
                groups,
                own,
                profile: Some(p),
            });
        }
        if d.default_space_settings.is_some() || self.shared_space_count(d) > 0 {
            let mut groups = d
                .default_space_settings
                .as_ref()
                .map(|s| s.security_groups.clone())
                .unwrap_or_default();
            clean(&mut groups);
            out.push(Principal {
                kind: "shared-spaces",
                name: String::new(),
                resource: d.id.clone(),
                groups: groups.clone(),
                own: groups,
                profile: None,
            });
        }
        out
    }

    /// The endpoints in a VPC, sorted by id (snapshot order).
    pub fn endpoints(&self, vpc: &str) -> Vec<&'a VpcEndpoint> {
        self.topo.endpoints_of_vpc(vpc).collect()
    }

    /// The interface endpoints of a VPC.
    pub fn interface_endpoints(&self, vpc: &str) -> Vec<&'a VpcEndpoint> {
        self.endpoints(vpc)
            .into_iter()
            .filter(|e| e.endpoint_type == EndpointType::Interface)
            .collect()
    }

    /// A NAT gateway of the VPC that reaches the internet, preferring one
    /// outside `avoid` subnets ([`crate::fix::recipes::usable_nat`]).
    pub fn usable_nat(&self, vpc: &str, avoid: &[String]) -> Option<&'a NatGateway> {
        crate::fix::recipes::usable_nat(self.topo, vpc, avoid)
    }
}

/// A user profile's id in findings: its ARN, else `<domain-id>/<name>`.
pub fn profile_resource(p: &UserProfile) -> String {
    p.arn
        .clone()
        .unwrap_or_else(|| format!("{}/{}", p.domain_id, p.name))
}

/// Whether a group has an ingress rule whose peer is the group itself.
pub fn self_referencing(g: &SecurityGroup) -> bool {
    g.ingress
        .iter()
        .any(|r| r.groups.iter().any(|p| p.group_id == g.id))
}

/// Run the checks (all, or those named in `only`) and return their results
/// sorted by (domain, check, resource, message), with the docs of the checks
/// that ran.
pub fn run(cx: &CheckContext<'_>, only: &[String]) -> (Vec<CheckResult>, Vec<CheckInfo>) {
    let mut results = Vec::new();
    let mut infos = Vec::new();
    for check in REGISTRY
        .iter()
        .filter(|c| only.is_empty() || only.iter().any(|o| o == c.id))
    {
        infos.push(check.info());
        for f in (check.run)(cx) {
            let mut fixes = f.fixes;
            fixes.sort();
            fixes.dedup();
            results.push(CheckResult {
                check: check.id.to_string(),
                domain: f.domain,
                resource: f.resource,
                status: f.status,
                severity: check.severity.to_string(),
                message: f.message,
                fixes: if f.status == CheckStatus::Fail {
                    fixes
                } else {
                    Vec::new()
                },
                suppressed: false,
                suppression_reason: None,
            });
        }
    }
    results.sort_by(|a, b| {
        (&a.domain, &a.check, &a.resource, &a.message).cmp(&(
            &b.domain,
            &b.check,
            &b.resource,
            &b.message,
        ))
    });
    results.dedup();
    infos.sort();
    (results, infos)
}

/// `a, b and c`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => format!(
            "{} and {}",
            init.iter()
                .map(|s| s.as_ref())
                .collect::<Vec<_>>()
                .join(", "),
            last.as_ref()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_unique_kebab_case_and_documented() {
        let ids: Vec<&str> = REGISTRY.iter().map(|c| c.id).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            ids, sorted,
            "REGISTRY must be sorted by id, without duplicates"
        );
        for c in REGISTRY {
            assert!(crate::query::is_kebab_case(c.id), "{}", c.id);
            assert!(
                !c.title.is_empty() && !c.title.ends_with('.'),
                "{}: title",
                c.id
            );
            for (part, text) in [
                ("what", c.docs.what),
                ("why", c.docs.why),
                ("fix", c.docs.fix),
            ] {
                assert!(text.trim().len() > 60, "{}: docs.{part} is too thin", c.id);
            }
            assert!(
                c.docs
                    .references
                    .iter()
                    .any(|r| r.starts_with("docs/sagemaker-network.md")),
                "{}: cite the failure mode in docs/sagemaker-network.md",
                c.id
            );
            assert!(
                c.docs
                    .references
                    .iter()
                    .any(|r| r.starts_with("https://docs.aws.amazon.com/")),
                "{}: cite the AWS documentation",
                c.id
            );
            for r in c.docs.references {
                assert!(
                    r.starts_with("https://") || r.starts_with("docs/sagemaker-network.md"),
                    "{}: reference `{r}`",
                    c.id
                );
            }
        }
        // The check ids share the namespace of suppressions with the query
        // ids: they must not collide.
        let queries = crate::query::builtin_queries().unwrap();
        for c in REGISTRY {
            assert!(
                !queries.iter().any(|q| q.id == c.id),
                "{} is also a query id",
                c.id
            );
        }
    }

    #[test]
    fn and_list_reads_well() {
        assert_eq!(and_list::<&str>(&[]), "");
        assert_eq!(and_list(&["a"]), "a");
        assert_eq!(and_list(&["a", "b", "c"]), "a, b and c");
    }
}
