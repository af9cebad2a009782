//! `efs-mount-target-nfs-group`: every mount target of the home EFS carries
//! SageMaker's inbound-NFS group.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::{sources, Severity};
use crate::snapshot::{PortRange, Protocol};

pub const CHECK: Check = Check {
    id: "efs-mount-target-nfs-group",
    title: "Home EFS mount targets carry the domain's inbound-NFS security group",
    severity: Severity::High,
    docs: Docs {
        what:
            "For each mount target of the domain's home EFS whose security groups were captured, \
               checks that they include `security-group-for-inbound-nfs-<domain-id>`, the group \
               SageMaker creates to admit NFS from the apps' outbound-NFS group.",
        why: "Studio apps mount their home directory over NFS (TCP 2049) through the mount target \
              in their AZ; SageMaker's group pair is what lets that traffic through. A mount \
              target recreated by hand, or a custom EFS, without the inbound-NFS group blocks it: \
              app creation fails (Studio Classic) or `~/user-default-efs/error.txt` appears \
              instead of the home folder (failure mode F3).",
        fix: "Add the inbound-NFS group to the mount target with `aws efs \
              modify-mount-target-security-groups`, which replaces the whole set, so list the \
              groups it already has too. If the group itself was deleted, recreate it with an \
              inbound TCP 2049 rule from the outbound-NFS group first.",
        references: &[
            "docs/sagemaker-network.md fact 3, F3, section 1.2",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-custom-efs.html",
            "https://docs.aws.amazon.com/efs/latest/ug/network-access.html",
            "https://github.com/aws/amazon-sagemaker-feedback/issues/117",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        let Some(fs) = d.home_efs_file_system_id.as_deref() else {
            continue;
        };
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        let inbound = cx.nfs_group(d, true);
        let outbound = cx.nfs_group(d, false);
        let name = sources::nfs_group_name(&d.id, sources::Nfs::Inbound);
        for mt in cx
            .snapshot
            .efs_mount_targets
            .iter()
            .filter(|m| m.file_system_id == fs)
        {
            let Some(groups) = &mt.security_group_ids else {
                continue;
            };
            if let Some(g) = inbound {
                if groups.contains(&g.id) {
                    out.push(Finding::pass(
                        dom,
                        &mt.id,
                        format!("carries {} ({name})", g.id),
                    ));
                    continue;
                }
            }
            let mut f = Finding::fail(
                dom,
                &mt.id,
                match inbound {
                    Some(g) => format!(
                        "{} of {fs} carries {} but not {} ({name}): apps' NFS traffic is not admitted",
                        mt.id,
                        if groups.is_empty() { "no group".to_string() } else { groups.join(", ") },
                        g.id
                    ),
                    None => format!(
                        "{name} is not in the snapshot (deleted?), so {} of {fs} cannot carry it",
                        mt.id
                    ),
                },
            );
            let mut wanted = groups.clone();
            match inbound {
                Some(g) => {
                    wanted.push(g.id.clone());
                    f = f.fix(
                        format!(
                            "Add {} to {} (the call replaces the set: existing groups kept)",
                            g.id, mt.id
                        ),
                        vec![cli::mount_target_groups(&mt.id, &wanted, r)],
                    );
                }
                None => {
                    let new = placeholder("new-inbound-nfs-sg-id");
                    let vpc = d
                        .vpc_id
                        .clone()
                        .or_else(|| mt.vpc_id.clone())
                        .unwrap_or_else(|| placeholder("vpc-id"));
                    let from = outbound
                        .map(|g| g.id.clone())
                        .unwrap_or_else(|| placeholder("outbound-nfs-sg-id"));
                    wanted.push(new.clone());
                    f = f.fix(
                        format!("Recreate {name} (NFS from the apps' outbound-NFS group) and add it to {}", mt.id),
                        vec![
                            cli::create_security_group(
                                &name,
                                &format!("NFS inbound for SageMaker Studio domain {}", d.id),
                                &vpc,
                                r,
                            ),
                            cli::authorize_sg(
                                &new,
                                true,
                                &cli::ip_permission(Protocol::TCP, PortRange::single(2049), &cli::Peer::Group(from)),
                                r,
                            ),
                            cli::mount_target_groups(&mt.id, &wanted, r),
                        ],
                    );
                }
            }
            out.push(f);
        }
    }
    out
}
