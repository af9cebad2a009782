//! `efs-mount-target-in-each-az`: the home EFS has a mount target in every
//! AZ of the domain's subnets.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "efs-mount-target-in-each-az",
    title: "Home EFS has a mount target in every AZ of the domain subnets",
    severity: Severity::High,
    docs: Docs {
        what:
            "For each subnet of a domain, checks that the domain's home EFS has a mount target in \
               the subnet's availability zone. Skipped when the file system's mount targets were \
               not captured.",
        why:
            "An app mounts its home directory through the mount target in its own AZ (the AZ-local \
              EFS DNS name); it does not fall back to another AZ. Apps placed in a subnet of an AZ \
              without a mount target get no home directory (failure mode F3). EFS allows one mount \
              target per AZ.",
        fix: "Create a mount target in a domain subnet of that AZ with `aws efs \
              create-mount-target`, carrying the domain's inbound-NFS group.",
        references: &[
            "docs/sagemaker-network.md F3, section 1.4 (HomeEfsFileSystemId)",
            "https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/domain-custom-efs.html",
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
        let mts: Vec<_> = cx
            .snapshot
            .efs_mount_targets
            .iter()
            .filter(|m| m.file_system_id == fs)
            .collect();
        if mts.is_empty() {
            continue; // DescribeMountTargets not captured: unknown, not a fail.
        }
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        let per_az = cx.subnet_per_az(d);
        let nfs = cx
            .nfs_group(d, true)
            .map(|g| g.id.clone())
            .unwrap_or_else(|| placeholder("inbound-nfs-sg-id"));
        for s in cx.subnets(d) {
            let Some(az) = s.availability_zone.as_deref() else {
                continue;
            };
            if let Some(m) = mts.iter().find(|m| cx.mount_target_az(m) == Some(az)) {
                out.push(Finding::pass(
                    dom,
                    &s.id,
                    format!("{} of {fs} serves {az}", m.id),
                ));
                continue;
            }
            if mts.iter().any(|m| cx.mount_target_az(m).is_none()) {
                continue; // a mount target whose AZ is unknown might be the one
            }
            // One mount target per AZ: always propose the first domain subnet
            // of the AZ, so that two subnets of one AZ get the same command.
            let target = per_az
                .iter()
                .find(|x| x.availability_zone.as_deref() == Some(az))
                .map(|x| x.id.as_str())
                .unwrap_or(&s.id);
            out.push(
                Finding::fail(
                    dom,
                    &s.id,
                    format!("{fs} has no mount target in {az}: apps in {} get no home directory", s.id),
                )
                .fix(
                    format!("Create a mount target of {fs} in {az} ({target}) with the inbound-NFS group"),
                    vec![cli::create_mount_target(fs, target, std::slice::from_ref(&nfs), r)],
                ),
            );
        }
    }
    out
}
