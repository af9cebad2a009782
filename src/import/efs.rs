//! EFS API responses (DescribeFileSystems, DescribeMountTargets,
//! DescribeMountTargetSecurityGroups) -> snapshot items.

use super::json::*;
use crate::snapshot::{EfsFileSystem, EfsMountTarget};

pub(crate) fn file_system(o: &Obj, s: &mut Sink) -> Result<EfsFileSystem, Problem> {
    let id = req_str(o, "FileSystemId")?.to_string();
    Ok(EfsFileSystem {
        arn: s.soft(&id, opt_string(o, "FileSystemArn")),
        name: s.soft(&id, opt_string(o, "Name")),
        lifecycle_state: s.soft(&id, opt_string(o, "LifeCycleState")),
        encrypted: s.soft(&id, opt_bool(o, "Encrypted")).unwrap_or(false),
        kms_key_id: s.soft(&id, opt_string(o, "KmsKeyId")),
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

pub(crate) fn mount_target(o: &Obj, s: &mut Sink) -> Result<EfsMountTarget, Problem> {
    let id = req_str(o, "MountTargetId")?.to_string();
    Ok(EfsMountTarget {
        file_system_id: req_str(o, "FileSystemId")?.to_string(),
        subnet_id: req_str(o, "SubnetId")?.to_string(),
        vpc_id: s.soft(&id, opt_string(o, "VpcId")),
        availability_zone: s.soft(&id, opt_string(o, "AvailabilityZoneName")),
        ip_address: s.soft(&id, opt_v4addr(o, "IpAddress")),
        network_interface_id: s.soft(&id, opt_string(o, "NetworkInterfaceId")),
        lifecycle_state: s.soft(&id, opt_string(o, "LifeCycleState")),
        // From DescribeMountTargetSecurityGroups or the ENI, when captured.
        security_group_ids: None,
        id,
    })
}
