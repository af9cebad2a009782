//! SageMaker API responses (DescribeDomain / ListDomains, DescribeUserProfile
//! / ListUserProfiles, DescribeSpace / ListSpaces, ListApps / DescribeApp)
//! -> snapshot items.

use super::json::*;
use crate::snapshot::{App, Domain, Space, UserProfile, UserSettings};

/// App settings whose `CustomImages` make the ECR path matter.
const IMAGE_SETTINGS: [&str; 4] = [
    "KernelGatewayAppSettings",
    "JupyterLabAppSettings",
    "CodeEditorAppSettings",
    "RSessionAppSettings",
];

/// UserSettings / DefaultSpaceSettings: the parts that shape the network.
pub(crate) fn user_settings(o: &Obj, id: &str, s: &mut Sink) -> UserSettings {
    let mut custom_images: Vec<String> = Vec::new();
    for key in IMAGE_SETTINGS {
        let Some(app) = s.soft(id, opt_obj(o, key)) else {
            continue;
        };
        for name in s.soft(id, list_field(app, "CustomImages", "ImageName")) {
            if !custom_images.contains(&name) {
                custom_images.push(name);
            }
        }
    }
    UserSettings {
        execution_role: s.soft(id, opt_string(o, "ExecutionRole")),
        security_groups: s.soft(id, str_list(o, "SecurityGroups")),
        custom_images,
    }
}

/// DescribeDomain (`described` = true) or a ListDomains item (false).
pub(crate) fn domain(o: &Obj, s: &mut Sink, described: bool) -> Result<Domain, Problem> {
    let id = req_str(o, "DomainId")?.to_string();
    let default_user_settings = match s.soft(&id, opt_obj(o, "DefaultUserSettings")) {
        Some(u) => user_settings(u, &id, s),
        None => UserSettings::default(),
    };
    let default_space_settings = s
        .soft(&id, opt_obj(o, "DefaultSpaceSettings"))
        .map(|u| user_settings(u, &id, s));
    let (domain_settings_security_group_ids, ip_address_type) =
        match s.soft(&id, opt_obj(o, "DomainSettings")) {
            Some(d) => (
                s.soft(&id, str_list(d, "SecurityGroupIds")),
                s.soft(&id, opt_string(d, "IpAddressType")),
            ),
            None => (Vec::new(), None),
        };
    Ok(Domain {
        arn: s.soft(&id, opt_string(o, "DomainArn")),
        name: s.soft(&id, opt_string(o, "DomainName")),
        status: s.soft(&id, opt_string(o, "Status")),
        failure_reason: s.soft(&id, opt_string(o, "FailureReason")),
        auth_mode: s.soft(&id, opt_string(o, "AuthMode")),
        app_network_access_type: s.soft(&id, opt_string(o, "AppNetworkAccessType")),
        vpc_id: s.soft(&id, opt_string(o, "VpcId")),
        subnet_ids: s.soft(&id, str_list(o, "SubnetIds")),
        home_efs_file_system_id: s.soft(&id, opt_string(o, "HomeEfsFileSystemId")),
        kms_key_id: s.soft(&id, opt_string(o, "KmsKeyId")),
        app_security_group_management: s.soft(&id, opt_string(o, "AppSecurityGroupManagement")),
        security_group_id_for_domain_boundary: s
            .soft(&id, opt_string(o, "SecurityGroupIdForDomainBoundary")),
        default_user_settings,
        default_space_settings,
        domain_settings_security_group_ids,
        ip_address_type,
        url: s.soft(&id, opt_string(o, "Url")),
        described,
        id,
    })
}

/// DescribeUserProfile (`described`: settings are known) or a
/// ListUserProfiles item.
pub(crate) fn user_profile(o: &Obj, s: &mut Sink, described: bool) -> Result<UserProfile, Problem> {
    let domain_id = req_str(o, "DomainId")?.to_string();
    let name = req_str(o, "UserProfileName")?.to_string();
    let id = format!("{domain_id}/{name}");
    let user_settings = if described {
        Some(match s.soft(&id, opt_obj(o, "UserSettings")) {
            Some(u) => user_settings(u, &id, s),
            None => UserSettings::default(),
        })
    } else {
        None
    };
    Ok(UserProfile {
        arn: s.soft(&id, opt_string(o, "UserProfileArn")),
        status: s.soft(&id, opt_string(o, "Status")),
        user_settings,
        domain_id,
        name,
    })
}

/// A field of DescribeSpace (`outer.inner`) or its ListSpaces summary form
/// (`outerSummary.inner`).
fn space_field(o: &Obj, outer: &str, inner: &str) -> Result<Option<String>, Problem> {
    match nested_str(o, outer, inner)? {
        Some(v) => Ok(Some(v)),
        None => nested_str(o, &format!("{outer}Summary"), inner),
    }
}

/// DescribeSpace or a ListSpaces item.
pub(crate) fn space(o: &Obj, s: &mut Sink) -> Result<Space, Problem> {
    let domain_id = req_str(o, "DomainId")?.to_string();
    let name = req_str(o, "SpaceName")?.to_string();
    let id = format!("{domain_id}/{name}");
    Ok(Space {
        arn: s.soft(&id, opt_string(o, "SpaceArn")),
        status: s.soft(&id, opt_string(o, "Status")),
        sharing_type: s.soft(&id, space_field(o, "SpaceSharingSettings", "SharingType")),
        owner_user_profile_name: s.soft(
            &id,
            space_field(o, "OwnershipSettings", "OwnerUserProfileName"),
        ),
        app_type: s.soft(&id, space_field(o, "SpaceSettings", "AppType")),
        domain_id,
        name,
    })
}

/// A ListApps item or DescribeApp.
pub(crate) fn app(o: &Obj, s: &mut Sink) -> Result<App, Problem> {
    let domain_id = req_str(o, "DomainId")?.to_string();
    let app_type = req_str(o, "AppType")?.to_string();
    let app_name = req_str(o, "AppName")?.to_string();
    let id = format!("{domain_id}/{app_type}/{app_name}");
    Ok(App {
        user_profile_name: s.soft(&id, opt_string(o, "UserProfileName")),
        space_name: s.soft(&id, opt_string(o, "SpaceName")),
        status: s.soft(&id, opt_string(o, "Status")),
        instance_type: s.soft(&id, nested_str(o, "ResourceSpec", "InstanceType")),
        domain_id,
        app_type,
        app_name,
    })
}
