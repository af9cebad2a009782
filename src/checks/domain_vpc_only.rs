//! `domain-vpc-only`: the domain's apps use the customer VPC for all traffic.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "domain-vpc-only",
    title: "Domain network access type is VpcOnly",
    severity: Severity::Low,
    docs: Docs {
        what: "Checks that each domain's AppNetworkAccessType is VpcOnly. Domains whose \
               settings were not described are skipped.",
        why: "In PublicInternetOnly mode (the default) only EFS traffic uses the customer VPC: \
              everything else leaves through a VPC that SageMaker manages, with direct internet \
              access that this account can neither audit nor restrict (no security groups, NACLs, \
              endpoint policies or flow logs apply). AWS Config's sagemaker-domain-in-vpc rule and \
              data-perimeter SCPs require VpcOnly. PublicInternetOnly is AWS's default and a supported \
              mode, so this is a hardening finding (low): whether Studio works is the path \
              queries' job; use --fail-on low to enforce it.",
        fix: "Switch the domain to VpcOnly with `aws sagemaker update-domain \
              --app-network-access-type VpcOnly --vpc-id … --subnet-ids …` while no app is \
              InService, Pending or Deleting. Before that, make the subnets private and give them \
              the VPC endpoints (or a NAT gateway) Studio needs, and set \
              DefaultUserSettings.SecurityGroups: the path queries then show whether the VPC \
              serves Studio.",
        references: &[
            "docs/sagemaker-network.md fact 1, section 1.1, 7.1",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://docs.aws.amazon.com/config/latest/developerguide/sagemaker-domain-in-vpc.html",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateDomain.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        let dom = Some(d.id.as_str());
        match d.app_network_access_type.as_deref() {
            Some("VpcOnly") => out.push(Finding::pass(
                dom,
                &d.id,
                format!(
                    "VpcOnly: all app traffic uses {}",
                    d.vpc_id.as_deref().unwrap_or("the domain's VPC")
                ),
            )),
            Some(mode @ "PublicInternetOnly") => {
                let region = cx.region(d);
                let subnets: Vec<String> = if d.subnet_ids.is_empty() {
                    vec![placeholder("private-subnet-ids")]
                } else {
                    let mut s = d.subnet_ids.clone();
                    s.sort();
                    s
                };
                let cmd = cli::Cmd::new("sagemaker", "update-domain", region.as_deref())
                    .arg("domain-id", &d.id)
                    .arg("app-network-access-type", "VpcOnly")
                    .arg("vpc-id", d.vpc_id.as_deref().unwrap_or("<vpc-id>"))
                    .args("subnet-ids", &subnets)
                    .build();
                out.push(
                    Finding::fail(
                        dom,
                        &d.id,
                        format!(
                            "{mode}: apps reach the internet through a SageMaker-managed VPC that \
                             this account cannot audit or restrict"
                        ),
                    )
                    .fix(
                        "Switch to VpcOnly once the subnets are private and have the VPC endpoints \
                         (or a NAT gateway) Studio needs; no app may be InService, Pending or Deleting",
                        vec![cmd],
                    ),
                );
            }
            _ => {}
        }
    }
    out
}
