//! EFS: the domain's home file system, its mount targets and their
//! security groups. Mirrors `import/efs.rs`.

use std::sync::Arc;

use aws_sdk_efs::types as t;

use super::call::{api, pages};
use super::Ctx;
use crate::snapshot::{EfsFileSystem, EfsMountTarget};

pub(crate) fn file_system(f: &t::FileSystemDescription) -> EfsFileSystem {
    EfsFileSystem {
        id: f.file_system_id().to_string(),
        arn: f.file_system_arn().map(str::to_string),
        name: f.name().map(str::to_string),
        lifecycle_state: Some(f.life_cycle_state().as_str().to_string()),
        encrypted: f.encrypted().unwrap_or(false),
        kms_key_id: f.kms_key_id().map(str::to_string),
        tags: f
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    }
}

pub(crate) fn mount_target(m: &t::MountTargetDescription) -> EfsMountTarget {
    EfsMountTarget {
        id: m.mount_target_id().to_string(),
        file_system_id: m.file_system_id().to_string(),
        subnet_id: m.subnet_id().to_string(),
        vpc_id: m.vpc_id().map(str::to_string),
        availability_zone: m.availability_zone_name().map(str::to_string),
        ip_address: m.ip_address().and_then(|a| a.trim().parse().ok()),
        network_interface_id: m.network_interface_id().map(str::to_string),
        lifecycle_state: Some(m.life_cycle_state().as_str().to_string()),
        // DescribeMountTargetSecurityGroups, below.
        security_group_ids: None,
    }
}

/// One file system: its description and its mount targets with their
/// groups. DescribeFileSystems and DescribeMountTargets run at once; the
/// groups of each mount target follow, all at once.
pub(crate) async fn file_system_parts(
    ctx: &Arc<Ctx>,
    fs_id: &str,
) -> (Vec<EfsFileSystem>, Vec<EfsMountTarget>) {
    let c = &ctx.calls;
    let res = Some(fs_id);
    let fs = async {
        pages!(
            c,
            api::DESCRIBE_FILE_SYSTEMS,
            res,
            ctx.efs
                .describe_file_systems()
                .file_system_id(fs_id)
                .into_paginator(),
            |p| p.file_systems().iter().map(file_system).collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let mts = async {
        let mts: Vec<EfsMountTarget> = pages!(
            c,
            api::DESCRIBE_MOUNT_TARGETS,
            res,
            ctx.efs
                .describe_mount_targets()
                .file_system_id(fs_id)
                .into_paginator(),
            |p| p
                .mount_targets()
                .iter()
                .map(mount_target)
                .collect::<Vec<_>>()
        )
        .unwrap_or_default();
        let mut set = tokio::task::JoinSet::new();
        for (i, mt) in mts.iter().enumerate() {
            let ctx = Arc::clone(ctx);
            let id = mt.id.clone();
            set.spawn(async move {
                let groups = ctx
                    .calls
                    .one(
                        api::DESCRIBE_MOUNT_TARGET_SECURITY_GROUPS,
                        Some(id.as_str()),
                        ctx.efs
                            .describe_mount_target_security_groups()
                            .mount_target_id(&id)
                            .send(),
                    )
                    .await
                    .ok()
                    .map(|o| o.security_groups().to_vec());
                (i, groups)
            });
        }
        let mut mts = mts;
        while let Some(r) = set.join_next().await {
            if let Ok((i, groups)) = r {
                mts[i].security_group_ids = groups;
            }
        }
        mts
    };
    tokio::join!(fs, mts)
}
