//! `security-group-limit`: at most five groups per app after the union.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli;
use crate::query::Severity;

/// UserSettings.SecurityGroups allows 5 groups, and SageMaker adds its
/// outbound-NFS group to every app ENI: 4 are usable.
const USABLE: usize = 4;

pub const CHECK: Check = Check {
    id: "security-group-limit",
    title: "Apps carry at most five security groups after the union",
    severity: Severity::High,
    docs: Docs {
        what:
            "For the domain defaults, each user profile (defaults ∪ the profile's own groups) and \
               the shared spaces (DefaultSpaceSettings), counts the distinct customer security \
               groups an app would carry, plus the outbound-NFS group SageMaker adds, and checks \
               that the total is at most five.",
        why: "SageMaker aggregates DefaultUserSettings.SecurityGroups with the profile's \
              UserSettings.SecurityGroups rather than overriding them, and adds one group of its \
              own to each app ENI; the API allows five, so only four customer groups fit. More \
              fail app creation with a ValidationException (failure mode F17).",
        fix: "Trim the profile's own groups (or the domain defaults) so that the union holds at \
              most four customer groups, e.g. by merging rules into fewer groups.",
        references: &[
            "docs/sagemaker-network.md fact 4, F17, section 1.3",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UserSettings.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        let defaults = d.default_user_settings.security_groups.len();
        for p in cx.principals(d) {
            let total = p.groups.len() + 1;
            let who = match p.kind {
                "user-profile" => format!("user profile {}", p.name),
                "shared-spaces" => "shared spaces (DefaultSpaceSettings)".to_string(),
                _ => "DefaultUserSettings".to_string(),
            };
            if p.groups.len() <= USABLE {
                out.push(Finding::pass(
                    dom,
                    &p.resource,
                    format!("{who}: {total} security groups with the NFS group (at most 5)"),
                ));
                continue;
            }
            let mut f = Finding::fail(
                dom,
                &p.resource,
                format!(
                    "{who}: {} customer groups ({}) plus the NFS group make {total}; at most 5 are allowed",
                    p.groups.len(),
                    p.groups.join(", ")
                ),
            );
            f = match (p.kind, p.profile) {
                ("user-profile", Some(profile)) if defaults < USABLE => {
                    let keep: Vec<String> = p
                        .own
                        .iter()
                        .filter(|g| !d.default_user_settings.security_groups.contains(g))
                        .take(USABLE - defaults)
                        .cloned()
                        .collect();
                    f.fix(
                        format!(
                            "Keep at most {} own groups on {} (the domain defaults add {defaults}); this keeps {}",
                            USABLE - defaults,
                            profile.name,
                            if keep.is_empty() { "none".to_string() } else { keep.join(", ") }
                        ),
                        vec![cli::update_profile_groups(&d.id, &profile.name, &keep, r)],
                    )
                }
                ("shared-spaces", _) => f.fix(
                    "Keep at most 4 groups in DefaultSpaceSettings",
                    vec![cli::update_domain_default_groups(
                        &d.id,
                        true,
                        &p.own.iter().take(USABLE).cloned().collect::<Vec<_>>(),
                        r,
                    )],
                ),
                _ => {
                    let keep: Vec<String> = d
                        .default_user_settings
                        .security_groups
                        .iter()
                        .take(USABLE)
                        .cloned()
                        .collect();
                    f.fix(
                        "Keep at most 4 groups in DefaultUserSettings (every profile inherits them)",
                        vec![cli::update_domain_default_groups(&d.id, false, &keep, r)],
                    )
                }
            };
            out.push(f);
        }
    }
    out
}
