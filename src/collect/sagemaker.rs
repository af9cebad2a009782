//! SageMaker: domains, user profiles, spaces and apps. Mirrors
//! `import/sagemaker.rs`: list, then describe each, the described view
//! winning and the listed one filling what it leaves out.

use std::sync::Arc;

use aws_sdk_sagemaker::operation::describe_domain::DescribeDomainOutput;
use aws_sdk_sagemaker::operation::describe_space::DescribeSpaceOutput;
use aws_sdk_sagemaker::operation::describe_user_profile::DescribeUserProfileOutput;
use aws_sdk_sagemaker::types as t;

use super::call::{api, pages};
use super::Ctx;
use crate::snapshot::{App, Domain, Space, UserProfile, UserSettings};

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// Custom image names of the app settings, in the importer's key order
/// (KernelGateway, JupyterLab, CodeEditor, RSession), without repeats.
fn custom_images(lists: &[Option<&[t::CustomImage]>]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for list in lists.iter().flatten() {
        for name in list.iter().filter_map(|i| i.image_name()) {
            if !out.iter().any(|n| n == name) {
                out.push(name.to_string());
            }
        }
    }
    out
}

fn user_settings(u: &t::UserSettings) -> UserSettings {
    UserSettings {
        execution_role: owned(u.execution_role()),
        security_groups: u.security_groups().to_vec(),
        custom_images: custom_images(&[
            u.kernel_gateway_app_settings().map(|s| s.custom_images()),
            u.jupyter_lab_app_settings().map(|s| s.custom_images()),
            u.code_editor_app_settings().map(|s| s.custom_images()),
            u.r_session_app_settings().map(|s| s.custom_images()),
        ]),
    }
}

fn space_defaults(u: &t::DefaultSpaceSettings) -> UserSettings {
    UserSettings {
        execution_role: owned(u.execution_role()),
        security_groups: u.security_groups().to_vec(),
        custom_images: custom_images(&[
            u.kernel_gateway_app_settings().map(|s| s.custom_images()),
            u.jupyter_lab_app_settings().map(|s| s.custom_images()),
        ]),
    }
}

/// DescribeDomain.
pub(crate) fn domain(d: &DescribeDomainOutput) -> Option<Domain> {
    let (domain_settings_security_group_ids, ip_address_type) = match d.domain_settings() {
        Some(s) => (
            s.security_group_ids().to_vec(),
            s.ip_address_type().map(|t| t.as_str().to_string()),
        ),
        None => (Vec::new(), None),
    };
    Some(Domain {
        id: d.domain_id()?.to_string(),
        arn: owned(d.domain_arn()),
        name: owned(d.domain_name()),
        status: d.status().map(|s| s.as_str().to_string()),
        failure_reason: owned(d.failure_reason()),
        auth_mode: d.auth_mode().map(|s| s.as_str().to_string()),
        app_network_access_type: d.app_network_access_type().map(|s| s.as_str().to_string()),
        vpc_id: owned(d.vpc_id()),
        subnet_ids: d.subnet_ids().to_vec(),
        home_efs_file_system_id: owned(d.home_efs_file_system_id()),
        kms_key_id: owned(d.kms_key_id()),
        app_security_group_management: d
            .app_security_group_management()
            .map(|s| s.as_str().to_string()),
        security_group_id_for_domain_boundary: owned(d.security_group_id_for_domain_boundary()),
        default_user_settings: d
            .default_user_settings()
            .map(user_settings)
            .unwrap_or_default(),
        default_space_settings: d.default_space_settings().map(space_defaults),
        domain_settings_security_group_ids,
        ip_address_type,
        url: owned(d.url()),
        described: true,
    })
}

/// A ListDomains item: the domain without its network settings.
pub(crate) fn listed_domain(d: &t::DomainDetails) -> Option<Domain> {
    Some(Domain {
        id: d.domain_id()?.to_string(),
        arn: owned(d.domain_arn()),
        name: owned(d.domain_name()),
        status: d.status().map(|s| s.as_str().to_string()),
        failure_reason: None,
        auth_mode: None,
        app_network_access_type: None,
        vpc_id: None,
        subnet_ids: Vec::new(),
        home_efs_file_system_id: None,
        kms_key_id: None,
        app_security_group_management: None,
        security_group_id_for_domain_boundary: None,
        default_user_settings: UserSettings::default(),
        default_space_settings: None,
        domain_settings_security_group_ids: Vec::new(),
        ip_address_type: None,
        url: owned(d.url()),
        described: false,
    })
}

fn fill<T: Clone>(slot: &mut Option<T>, other: &Option<T>) {
    if slot.is_none() {
        slot.clone_from(other);
    }
}

/// The described domain, with what only the listing said.
pub(crate) fn merge_domain(mut described: Domain, listed: Option<&Domain>) -> Domain {
    if let Some(l) = listed {
        fill(&mut described.arn, &l.arn);
        fill(&mut described.name, &l.name);
        fill(&mut described.status, &l.status);
        fill(&mut described.url, &l.url);
    }
    described
}

fn described_profile(domain_id: &str, p: &DescribeUserProfileOutput) -> Option<UserProfile> {
    Some(UserProfile {
        domain_id: p.domain_id().unwrap_or(domain_id).to_string(),
        name: p.user_profile_name()?.to_string(),
        arn: owned(p.user_profile_arn()),
        status: p.status().map(|s| s.as_str().to_string()),
        user_settings: Some(p.user_settings().map(user_settings).unwrap_or_default()),
    })
}

fn listed_profile(domain_id: &str, p: &t::UserProfileDetails) -> Option<UserProfile> {
    Some(UserProfile {
        domain_id: p.domain_id().unwrap_or(domain_id).to_string(),
        name: p.user_profile_name()?.to_string(),
        arn: None,
        status: p.status().map(|s| s.as_str().to_string()),
        user_settings: None,
    })
}

fn described_space(domain_id: &str, s: &DescribeSpaceOutput) -> Option<Space> {
    Some(Space {
        domain_id: s.domain_id().unwrap_or(domain_id).to_string(),
        name: s.space_name()?.to_string(),
        arn: owned(s.space_arn()),
        status: s.status().map(|s| s.as_str().to_string()),
        sharing_type: s
            .space_sharing_settings()
            .and_then(|x| x.sharing_type())
            .map(|x| x.as_str().to_string()),
        owner_user_profile_name: s
            .ownership_settings()
            .and_then(|x| owned(x.owner_user_profile_name())),
        app_type: s
            .space_settings()
            .and_then(|x| x.app_type())
            .map(|x| x.as_str().to_string()),
    })
}

fn listed_space(domain_id: &str, s: &t::SpaceDetails) -> Option<Space> {
    Some(Space {
        domain_id: s.domain_id().unwrap_or(domain_id).to_string(),
        name: s.space_name()?.to_string(),
        arn: None,
        status: s.status().map(|s| s.as_str().to_string()),
        sharing_type: s
            .space_sharing_settings_summary()
            .and_then(|x| x.sharing_type())
            .map(|x| x.as_str().to_string()),
        owner_user_profile_name: s
            .ownership_settings_summary()
            .and_then(|x| owned(x.owner_user_profile_name())),
        app_type: s
            .space_settings_summary()
            .and_then(|x| x.app_type())
            .map(|x| x.as_str().to_string()),
    })
}

fn app(domain_id: &str, a: &t::AppDetails) -> Option<App> {
    Some(App {
        domain_id: a.domain_id().unwrap_or(domain_id).to_string(),
        user_profile_name: owned(a.user_profile_name()),
        space_name: owned(a.space_name()),
        app_type: a.app_type()?.as_str().to_string(),
        app_name: a.app_name()?.to_string(),
        status: a.status().map(|s| s.as_str().to_string()),
        instance_type: a
            .resource_spec()
            .and_then(|r| r.instance_type())
            .map(|i| i.as_str().to_string()),
    })
}

/// ListUserProfiles, then DescribeUserProfile for each, all at once. A
/// profile whose describe failed stays as listed (its settings unknown).
async fn profiles(ctx: &Arc<Ctx>, domain_id: &str) -> Vec<UserProfile> {
    let c = &ctx.calls;
    let listed: Vec<UserProfile> = pages!(
        c,
        api::LIST_USER_PROFILES,
        Some(domain_id),
        ctx.sm
            .list_user_profiles()
            .domain_id_equals(domain_id)
            .into_paginator(),
        |p| p
            .user_profiles()
            .iter()
            .filter_map(|u| listed_profile(domain_id, u))
            .collect::<Vec<_>>()
    )
    .unwrap_or_default();
    let mut set = tokio::task::JoinSet::new();
    for (i, u) in listed.iter().enumerate() {
        let ctx = Arc::clone(ctx);
        let (domain_id, name) = (domain_id.to_string(), u.name.clone());
        set.spawn(async move {
            let resource = format!("{domain_id}/{name}");
            let out = ctx
                .calls
                .one(
                    api::DESCRIBE_USER_PROFILE,
                    Some(&resource),
                    ctx.sm
                        .describe_user_profile()
                        .domain_id(&domain_id)
                        .user_profile_name(&name)
                        .send(),
                )
                .await
                .ok();
            (i, out.and_then(|o| described_profile(&domain_id, &o)))
        });
    }
    let mut out = listed.clone();
    while let Some(r) = set.join_next().await {
        if let Ok((i, Some(mut d))) = r {
            fill(&mut d.arn, &listed[i].arn);
            fill(&mut d.status, &listed[i].status);
            out[i] = d;
        }
    }
    out
}

/// ListSpaces, then DescribeSpace for each.
async fn spaces(ctx: &Arc<Ctx>, domain_id: &str) -> Vec<Space> {
    let c = &ctx.calls;
    let listed: Vec<Space> = pages!(
        c,
        api::LIST_SPACES,
        Some(domain_id),
        ctx.sm
            .list_spaces()
            .domain_id_equals(domain_id)
            .into_paginator(),
        |p| p
            .spaces()
            .iter()
            .filter_map(|s| listed_space(domain_id, s))
            .collect::<Vec<_>>()
    )
    .unwrap_or_default();
    let mut set = tokio::task::JoinSet::new();
    for (i, s) in listed.iter().enumerate() {
        let ctx = Arc::clone(ctx);
        let (domain_id, name) = (domain_id.to_string(), s.name.clone());
        set.spawn(async move {
            let resource = format!("{domain_id}/{name}");
            let out = ctx
                .calls
                .one(
                    api::DESCRIBE_SPACE,
                    Some(&resource),
                    ctx.sm
                        .describe_space()
                        .domain_id(&domain_id)
                        .space_name(&name)
                        .send(),
                )
                .await
                .ok();
            (i, out.and_then(|o| described_space(&domain_id, &o)))
        });
    }
    let mut out = listed.clone();
    while let Some(r) = set.join_next().await {
        if let Ok((i, Some(mut d))) = r {
            let l = &listed[i];
            fill(&mut d.arn, &l.arn);
            fill(&mut d.status, &l.status);
            fill(&mut d.sharing_type, &l.sharing_type);
            fill(&mut d.owner_user_profile_name, &l.owner_user_profile_name);
            fill(&mut d.app_type, &l.app_type);
            out[i] = d;
        }
    }
    out
}

async fn apps(ctx: &Arc<Ctx>, domain_id: &str) -> Vec<App> {
    let c = &ctx.calls;
    pages!(
        c,
        api::LIST_APPS,
        Some(domain_id),
        ctx.sm
            .list_apps()
            .domain_id_equals(domain_id)
            .into_paginator(),
        |p| p
            .apps()
            .iter()
            .filter_map(|a| app(domain_id, a))
            .collect::<Vec<_>>()
    )
    .unwrap_or_default()
}

/// Who runs apps in the domain: profiles, spaces, apps, all at once.
pub(crate) async fn people(
    ctx: &Arc<Ctx>,
    domain_id: &str,
) -> (Vec<UserProfile>, Vec<Space>, Vec<App>) {
    tokio::join!(
        profiles(ctx, domain_id),
        spaces(ctx, domain_id),
        apps(ctx, domain_id)
    )
}
