//! `shared-self-referencing-group`: no self-referencing group is shared by
//! several user profiles.

use super::{self_referencing, Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "shared-self-referencing-group",
    title: "No self-referencing security group is shared by several user profiles",
    severity: Severity::Low,
    docs: Docs {
        what: "For each domain, finds the security groups with an inbound rule from themselves that \
               the apps of more than one user profile carry (through DefaultUserSettings or the \
               profiles' own settings).",
        why: "Apps of one user must reach each other (TCP 8192-65535 within the group), but a \
              self-referencing group shared by all profiles lets every user's apps reach every \
              other user's apps. AWS: \"Create a distinct security group for each user profile and \
              add inbound access from that same security group. We do not recommend reusing a \
              domain-level security group for user profiles\" (failure mode F18). A warning: it \
              breaks nothing.",
        fix: "Create one group per user profile with an inbound rule from itself, add it to the \
              profile's UserSettings.SecurityGroups, then revoke the self-referencing rule of the \
              shared group.",
        references: &[
            "docs/sagemaker-network.md F18, section 1.3, section 3",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://github.com/aws-samples/amazon-sagemaker-studio-secure-data-science-workshop/issues/8",
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
        let profiles: Vec<_> = cx
            .principals(d)
            .into_iter()
            .filter(|p| p.kind == "user-profile")
            .collect();
        if profiles.is_empty() {
            continue;
        }
        let mut groups: Vec<&String> = profiles.iter().flat_map(|p| &p.groups).collect();
        groups.sort();
        groups.dedup();
        let mut any = false;
        for gid in groups {
            let Some(g) = cx.topo.security_group(gid) else {
                continue;
            };
            if !self_referencing(g) {
                continue;
            }
            any = true;
            let carriers: Vec<_> = profiles.iter().filter(|p| p.groups.contains(gid)).collect();
            let names: Vec<&str> = carriers.iter().map(|p| p.name.as_str()).collect();
            if carriers.len() < 2 {
                out.push(Finding::pass(
                    dom,
                    gid,
                    format!(
                        "self-referencing, carried by user profile {} only",
                        super::and_list(&names)
                    ),
                ));
                continue;
            }
            let mut cmds = Vec::new();
            let mut needing: Vec<&str> = Vec::new();
            let vpc = g
                .vpc_id
                .clone()
                .or_else(|| d.vpc_id.clone())
                .unwrap_or_else(|| placeholder("vpc-id"));
            let self_rules: Vec<_> = g
                .ingress
                .iter()
                .filter(|rule| rule.groups.iter().any(|p| &p.group_id == gid))
                .collect();
            for p in &carriers {
                // A profile that already has a self-referencing group of its
                // own keeps using it.
                let has_own = p.own.iter().any(|o| {
                    o != gid
                        && cx.topo.security_group(o).is_some_and(self_referencing)
                        && profiles.iter().filter(|q| q.groups.contains(o)).count() == 1
                });
                if has_own {
                    continue;
                }
                needing.push(&p.name);
                let new = placeholder(&format!("sg-id-for-{}", p.name));
                cmds.push(cli::create_security_group(
                    &format!("studio-{}-{}", d.id, p.name),
                    &format!(
                        "Studio apps of user profile {} (inbound from itself)",
                        p.name
                    ),
                    &vpc,
                    r,
                ));
                for rule in &self_rules {
                    let mut own_rule = (*rule).clone();
                    own_rule.groups = vec![crate::snapshot::GroupRef {
                        group_id: new.clone(),
                        user_id: None,
                        vpc_peering_connection_id: None,
                    }];
                    own_rule.ipv4.clear();
                    own_rule.ipv6.clear();
                    own_rule.prefix_lists.clear();
                    cmds.push(cli::authorize_sg(
                        &new,
                        true,
                        &cli::rule_permission(&own_rule),
                        r,
                    ));
                }
                let mut own = p.own.clone();
                own.push(new.clone());
                cmds.push(cli::update_profile_groups(&d.id, &p.name, &own, r));
            }
            for rule in &self_rules {
                let mut self_only = (*rule).clone();
                self_only.groups.retain(|p| &p.group_id == gid);
                self_only.ipv4.clear();
                self_only.ipv6.clear();
                self_only.prefix_lists.clear();
                cmds.push(cli::revoke_sg(
                    gid,
                    true,
                    &cli::rule_permission(&self_only),
                    r,
                ));
            }
            out.push(
                Finding::fail(
                    dom,
                    gid,
                    format!(
                        "{gid} ({}) admits itself and is carried by user profiles {}: their apps can reach each other",
                        g.name,
                        super::and_list(&names)
                    ),
                )
                .fix(
                    if needing.is_empty() {
                        format!("Each profile already has a self-referencing group of its own: revoke {gid}'s rule from itself")
                    } else {
                        format!(
                            "Give {} a self-referencing group of {} own, then revoke {gid}'s rule from itself",
                            super::and_list(&needing),
                            if needing.len() == 1 { "its" } else { "their" }
                        )
                    },
                    cmds,
                ),
            );
        }
        if !any {
            out.push(Finding::pass(
                dom,
                &d.id,
                "no security group of the user profiles admits itself",
            ));
        }
    }
    out
}
