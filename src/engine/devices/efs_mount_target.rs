//! EFS mount targets: one ENI per mount target, one mount target per AZ.
//!
//! AWS rules (<https://docs.aws.amazon.com/efs/latest/ug/accessing-fs.html>,
//! docs/sagemaker-network.md F3, section 1.2): an app mounts the mount
//! target in its own AZ (chosen by the query, `query::sources`); NFS is
//! TCP 2049 and the mount target's security groups must admit it. The
//! groups are the ENI's; when the ENI was captured without them, those of
//! DescribeMountTargetSecurityGroups.
//!
//! A mount target serves NFS only in the `available` lifecycle state
//! (`creating`, `updating`, `deleting`, `deleted` and `error` do not:
//! <https://docs.aws.amazon.com/efs/latest/ug/API_MountTargetDescription.html>,
//! LifeCycleState); a state that was not captured is taken as serving,
//! as for endpoints (issue 13: it used to be ignored).
//!
//! Codes: `EFS_NO_MOUNT_TARGET_IN_AZ` (sagescope's own) is decided when the
//! destination is chosen (`query::sources`); `BAD_STATE` (not available)
//! here; and the security group codes of `sg.rs`.

use crate::findings::{Kind, Receiver};
use crate::graph::Topology;
use crate::snapshot::NetworkInterface;

use super::eni::Owner;

/// The lifecycle state of mount target `mt` when it is known and keeps it
/// from serving NFS.
pub(super) fn not_serving<'a>(topo: &'a Topology, mt: &str) -> Option<&'a str> {
    topo.mount_target(mt)
        .and_then(|m| m.lifecycle_state.as_deref())
        .filter(|s| *s != "available")
}

/// The mount target `mt` as the owner of its ENI `e`.
pub(super) fn owner(topo: &Topology, e: &NetworkInterface, mt: &str) -> Owner {
    let groups = match topo.groups_of_eni(&e.id) {
        Some(g) if !g.is_empty() => Some(g),
        _ => topo
            .mount_target(mt)
            .and_then(|m| m.security_group_ids.clone()),
    };
    Owner::new(
        e.subnet_id.clone(),
        groups,
        mt.to_string(),
        Kind::EfsMountTarget,
        Receiver::MountTargetEni {
            eni: e.id.clone(),
            mount_target: mt.to_string(),
        },
    )
}
