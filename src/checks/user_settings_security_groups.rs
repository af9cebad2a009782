//! `user-settings-security-groups`: Studio apps of a VpcOnly domain carry a
//! customer security group (not only DomainSettings.SecurityGroupIds).

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "user-settings-security-groups",
    title: "VpcOnly apps carry customer security groups (not only DomainSettings ones)",
    severity: Severity::High,
    docs: Docs {
        what: "For a VpcOnly domain, checks that the domain defaults, each user profile and the \
               shared spaces end up with at least one customer security group \
               (DefaultUserSettings / UserSettings / DefaultSpaceSettings .SecurityGroups), besides \
               the NFS group SageMaker adds. Names DomainSettings.SecurityGroupIds when groups were \
               set only there.",
        why: "DomainSettings.SecurityGroupIds is used by RStudio domain-level apps only, not by \
              JupyterLab or Code Editor ENIs. Groups set only there leave Studio apps with \
              SageMaker's NFS group alone, which allows nothing but NFS: lifecycle scripts hang on \
              `aws s3 cp`, flow logs show REJECT (failure mode F9).",
        fix: "Set DefaultUserSettings.SecurityGroups (and DefaultSpaceSettings.SecurityGroups for \
              shared spaces) with `aws sagemaker update-domain`, typically to the groups that were \
              put in DomainSettings.",
        references: &[
            "docs/sagemaker-network.md F9, section 1.3",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DomainSettings.html",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html",
            "https://github.com/aws-samples/sagemaker-domain-vpconly-canvas-with-terraform/issues/1",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.vpc_only_domains() {
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        let suggested: Vec<String> = if !d.domain_settings_security_group_ids.is_empty() {
            d.domain_settings_security_group_ids.clone()
        } else if !d.default_user_settings.security_groups.is_empty() {
            d.default_user_settings.security_groups.clone()
        } else {
            vec![placeholder("app-sg-id")]
        };
        let only_domain_settings = if d.domain_settings_security_group_ids.is_empty() {
            String::new()
        } else {
            format!(
                "; DomainSettings.SecurityGroupIds ({}) apply to RStudio only",
                d.domain_settings_security_group_ids.join(", ")
            )
        };
        for p in cx.principals(d) {
            let who = match p.kind {
                "user-profile" => format!("user profile {}", p.name),
                "shared-spaces" => "shared spaces".to_string(),
                _ => "DefaultUserSettings".to_string(),
            };
            if !p.groups.is_empty() {
                out.push(Finding::pass(
                    dom,
                    &p.resource,
                    format!("{who}: apps carry {}", p.groups.join(", ")),
                ));
                continue;
            }
            let space = p.kind == "shared-spaces";
            out.push(
                Finding::fail(
                    dom,
                    &p.resource,
                    format!(
                        "{who}: apps carry no customer security group, only SageMaker's NFS group{only_domain_settings}"
                    ),
                )
                .fix(
                    format!(
                        "Set {}.SecurityGroups on {}",
                        if space { "DefaultSpaceSettings" } else { "DefaultUserSettings" },
                        d.id
                    ),
                    vec![cli::update_domain_default_groups(&d.id, space, &suggested, r)],
                ),
            );
        }
    }
    out
}
