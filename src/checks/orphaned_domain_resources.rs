//! `orphaned-domain-resources`: SageMaker-created NFS groups and home EFS
//! file systems whose domain no longer exists.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli;
use crate::query::{sources, Severity};
use crate::snapshot::Snapshot;

pub const CHECK: Check = Check {
    id: "orphaned-domain-resources",
    title: "No NFS security groups or home EFS left behind by a deleted domain",
    severity: Severity::Low,
    docs: Docs {
        what:
            "Finds the security groups named security-group-for-{inbound,outbound}-nfs-<domain-id> \
               and the EFS file systems tagged ManagedByAmazonSageMakerResource with a domain ARN, \
               and checks that their domain is in the snapshot. With --domain-id, only the VPCs of \
               the audited domains are searched.",
        why: "DeleteDomain leaves the NFS group pair (they reference each other) and, with the \
              default RetentionPolicy Retain, the home EFS and its mount targets. They keep the \
              users' data and block deleting the subnets and the VPC (failure mode F20). A \
              snapshot collected for some domains only does not show the others: check that the \
              domain is really gone before deleting anything.",
        fix: "Confirm the domain is deleted (`aws sagemaker describe-domain` fails), back up what \
              the EFS holds, then delete the mount targets and the file system, revoke the rules \
              by which the two NFS groups reference each other and delete both groups.",
        references: &[
            "docs/sagemaker-network.md F20, section 1.2 (notes)",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/gs-studio-delete-domain.html",
            "https://github.com/hashicorp/terraform-provider-aws/issues/20986",
        ],
    },
    run,
};

const TAG: &str = "ManagedByAmazonSageMakerResource";

/// `d-abc` from `security-group-for-inbound-nfs-d-abc`
/// ([`sources::nfs_group_domain`]).
fn nfs_group_domain(name: &str) -> Option<&str> {
    sources::nfs_group_domain(name).map(|(_, d)| d)
}

/// `d-abc` from `arn:aws:sagemaker:<r>:<acct>:domain/d-abc`.
fn arn_domain(arn: &str) -> Option<&str> {
    arn.rsplit_once(":domain/")
        .map(|(_, d)| d)
        .filter(|d| d.starts_with("d-"))
}

/// The region for the commands: from the tag's domain ARN, else from the
/// AZ of a subnet of the VPC (`eu-west-1a` -> `eu-west-1`).
fn region_hint(s: &Snapshot, vpc: Option<&str>, arn: Option<&str>) -> Option<String> {
    if let Some(r) = arn
        .and_then(|a| a.split(':').nth(3))
        .filter(|r| !r.is_empty())
    {
        return Some(r.to_string());
    }
    s.subnets
        .iter()
        .filter(|x| Some(x.vpc_id.as_str()) == vpc)
        .find_map(|x| x.availability_zone.as_deref())
        .and_then(|az| az.strip_suffix(|c: char| c.is_ascii_lowercase()))
        .map(str::to_string)
}

fn known(s: &Snapshot, domain: &str) -> bool {
    s.domains.iter().any(|d| d.id == domain)
}

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let s = cx.snapshot;
    let audited: Vec<_> = s
        .domains
        .iter()
        .filter(|d| cx.domain_filter.is_empty() || cx.domain_filter.contains(&d.id))
        .collect();
    // With --domain-id, only look in the audited domains' VPCs.
    let in_scope = |vpc: Option<&str>| {
        cx.domain_filter.is_empty() || audited.iter().any(|d| d.vpc_id.as_deref() == vpc)
    };
    // The audited domain whose VPC holds the resource, for grouping.
    let owner = |vpc: Option<&str>| {
        audited
            .iter()
            .find(|d| vpc.is_some() && d.vpc_id.as_deref() == vpc)
            .map(|d| d.id.as_str())
    };
    let mut out = Vec::new();
    for g in &s.security_groups {
        let Some(dom_id) = nfs_group_domain(&g.name).or_else(|| {
            g.tags
                .get(TAG)
                .and_then(|a| arn_domain(a))
                .filter(|_| g.name.contains("-nfs-"))
        }) else {
            continue;
        };
        if !in_scope(g.vpc_id.as_deref()) {
            continue;
        }
        let at = owner(g.vpc_id.as_deref());
        if known(s, dom_id) {
            out.push(Finding::pass(
                at,
                &g.id,
                format!("{} belongs to {dom_id}, which exists", g.name),
            ));
            continue;
        }
        // The pair references each other: revoke every rule of both, then
        // delete both (same commands on both findings).
        let pair: Vec<_> = s
            .security_groups
            .iter()
            .filter(|x| nfs_group_domain(&x.name) == Some(dom_id) && x.vpc_id == g.vpc_id)
            .collect();
        let region = region_hint(s, g.vpc_id.as_deref(), g.tags.get(TAG).map(String::as_str));
        let r = region.as_deref();
        let mut cmds = Vec::new();
        for x in &pair {
            for rule in &x.ingress {
                cmds.push(cli::revoke_sg(&x.id, true, &cli::rule_permission(rule), r));
            }
            for rule in &x.egress {
                cmds.push(cli::revoke_sg(&x.id, false, &cli::rule_permission(rule), r));
            }
        }
        for x in &pair {
            cmds.push(cli::delete_security_group(&x.id, r));
        }
        out.push(
            Finding::fail(
                at,
                &g.id,
                format!(
                    "{} ({}) was created for domain {dom_id}, which is not in the snapshot: deleted, or not collected",
                    g.id, g.name
                ),
            )
            .fix(
                format!(
                    "After confirming {dom_id} is gone (and its EFS mount targets are deleted), revoke the rules of {} and delete {}",
                    super::and_list(&pair.iter().map(|x| x.id.as_str()).collect::<Vec<_>>()),
                    if pair.len() > 1 { "them" } else { "it" }
                ),
                cmds,
            ),
        );
    }
    for fs in &s.efs_file_systems {
        let Some(dom_id) = fs.tags.get(TAG).and_then(|a| arn_domain(a)) else {
            continue;
        };
        let mts: Vec<_> = s
            .efs_mount_targets
            .iter()
            .filter(|m| m.file_system_id == fs.id)
            .collect();
        let vpc = mts.iter().find_map(|m| m.vpc_id.as_deref()).or_else(|| {
            mts.iter()
                .find_map(|m| s.subnets.iter().find(|x| x.id == m.subnet_id))
                .map(|x| x.vpc_id.as_str())
        });
        if !in_scope(vpc) {
            continue;
        }
        let at = owner(vpc);
        if known(s, dom_id) {
            out.push(Finding::pass(
                at,
                &fs.id,
                format!("home EFS of {dom_id}, which exists"),
            ));
            continue;
        }
        let region = region_hint(s, vpc, fs.tags.get(TAG).map(String::as_str));
        let r = region.as_deref();
        let mut cmds: Vec<String> = mts
            .iter()
            .map(|m| cli::delete_mount_target(&m.id, r))
            .collect();
        cmds.push(cli::delete_file_system(&fs.id, r));
        out.push(
            Finding::fail(
                at,
                &fs.id,
                format!(
                    "{} is the home EFS of domain {dom_id}, which is not in the snapshot: deleted (retained EFS), or not collected",
                    fs.id
                ),
            )
            .fix(
                format!(
                    "After confirming {dom_id} is gone and backing up the home directories, delete the mount targets and {} (irreversible)",
                    fs.id
                ),
                cmds,
            ),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_arns() {
        assert_eq!(
            nfs_group_domain("security-group-for-inbound-nfs-d-abc"),
            Some("d-abc")
        );
        assert_eq!(
            nfs_group_domain("security-group-for-outbound-nfs-d-abc"),
            Some("d-abc")
        );
        assert_eq!(nfs_group_domain("studio-app"), None);
        assert_eq!(
            arn_domain("arn:aws:sagemaker:eu-west-1:1:domain/d-xyz"),
            Some("d-xyz")
        );
        assert_eq!(
            arn_domain("arn:aws:sagemaker:eu-west-1:1:user-profile/d-xyz/a"),
            None
        );
    }
}
