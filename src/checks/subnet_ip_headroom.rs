//! `subnet-ip-headroom`: the domain subnets have free addresses for the
//! apps of their users.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

/// AWS plans 2-4 addresses per user; take the upper end.
const PER_PRINCIPAL: u32 = 4;

pub const CHECK: Check = Check {
    id: "subnet-ip-headroom",
    title: "Domain subnets have at least 4 free IP addresses per user",
    severity: Severity::Medium,
    docs: Docs {
        what: "For each subnet of a domain, compares AvailableIpAddressCount with 4 addresses per \
               principal (user profiles, at least one, plus shared spaces), spread evenly over the \
               domain's subnets, and at least 4. Skipped when the count was not captured.",
        why: "Each running app takes an ENI, so a user needs 2-4 addresses (AWS: \"Plan 2–4 IPs per \
              user\"); training and processing jobs started in the same subnets take more. When a \
              subnet runs out, app creation fails or slows with capacity and IP errors (failure \
              mode F13). Spreading subnets over AZs adds headroom.",
        fix: "Add a larger (or another) subnet in the domain's VPC and give it to the domain with \
              `aws sagemaker update-domain --subnet-ids` (existing subnets plus the new one; no app \
              may be InService, Pending or Deleting when subnets are removed).",
        references: &[
            "docs/sagemaker-network.md fact 2, F13, section 1.1",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://docs.aws.amazon.com/whitepapers/latest/sagemaker-studio-admin-best-practices/network-management.html",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateDomain.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        let subnets = cx.subnets(d);
        if subnets.is_empty() {
            continue;
        }
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        let profiles = cx.profiles(d).len().max(1) as u32;
        let spaces = cx.shared_space_count(d) as u32;
        let principals = profiles + spaces;
        let n = subnets.len() as u32;
        let need = (PER_PRINCIPAL * principals).div_ceil(n).max(PER_PRINCIPAL);
        let basis = format!(
            "{need} needed: 4 × {principals} principal{} over {n} subnet{}",
            if principals == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" }
        );
        let mut ids: Vec<String> = subnets.iter().map(|s| s.id.clone()).collect();
        ids.push(placeholder("new-subnet-id"));
        for s in subnets {
            let Some(free) = s.available_ip_address_count else {
                continue;
            };
            if free >= need {
                out.push(Finding::pass(
                    dom,
                    &s.id,
                    format!("{free} free addresses ({basis})"),
                ));
                continue;
            }
            let az = s
                .availability_zone
                .clone()
                .unwrap_or_else(|| placeholder("availability-zone"));
            out.push(
                Finding::fail(dom, &s.id, format!("only {free} free addresses ({basis})")).fix(
                    format!(
                        "Add a subnet in {} ({az}) and give it to {}",
                        s.vpc_id, d.id
                    ),
                    vec![
                        cli::Cmd::new("ec2", "create-subnet", r)
                            .arg("vpc-id", &s.vpc_id)
                            .arg("availability-zone", &az)
                            .arg("cidr-block", &placeholder("free-cidr"))
                            .build(),
                        cli::Cmd::new("sagemaker", "update-domain", r)
                            .arg("domain-id", &d.id)
                            .args("subnet-ids", &ids)
                            .build(),
                    ],
                ),
            );
        }
    }
    out
}
