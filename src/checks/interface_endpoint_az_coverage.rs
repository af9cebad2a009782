//! `interface-endpoint-az-coverage`: interface endpoints have an ENI in every
//! AZ of a VpcOnly domain's subnets.

use std::collections::BTreeSet;

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli;
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "interface-endpoint-az-coverage",
    title: "Interface endpoints cover every AZ of the domain subnets",
    severity: Severity::Low,
    docs: Docs {
        what:
            "For each interface endpoint in the VPC of a VpcOnly domain, compares the AZs of its \
               subnets with the AZs of the domain's subnets and lists the domain AZs it has no ENI \
               in. Skipped when the AZ of an endpoint subnet is unknown.",
        why:
            "AWS asks for interface endpoints in all the subnets Studio connects from. Clients in \
              an AZ without an endpoint ENI still resolve the name to the ENIs of other AZs, so \
              traffic works but crosses AZs (cost, latency) and fails with the other AZ. Some \
              services do not support every AZ (\"does not support the availability zone of the \
              subnet\", failure mode F16). A warning, hence the low severity.",
        fix: "Add a domain subnet of each missing AZ to the endpoint with `aws ec2 \
              modify-vpc-endpoint --add-subnet-ids` (one subnet per AZ), or accept cross-AZ \
              traffic when the service is not offered in that AZ.",
        references: &[
            "docs/sagemaker-network.md F16, section 2.2",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html",
            "https://github.com/awslabs/aws-orbit-workbench/issues/320",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.vpc_only_domains() {
        let Some(vpc) = d.vpc_id.as_deref() else {
            continue;
        };
        let domain_azs = cx.azs(d);
        if domain_azs.is_empty() {
            continue;
        }
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let per_az = cx.subnet_per_az(d);
        for ep in cx.interface_endpoints(vpc) {
            let azs: Option<BTreeSet<&str>> = ep
                .subnet_ids
                .iter()
                .map(|s| {
                    cx.topo
                        .subnet(s)
                        .and_then(|s| s.availability_zone.as_deref())
                })
                .collect();
            let Some(azs) = azs else {
                continue;
            };
            let missing: Vec<&str> = domain_azs.difference(&azs).copied().collect();
            if missing.is_empty() {
                out.push(Finding::pass(
                    dom,
                    &ep.id,
                    format!(
                        "{}: ENIs in every domain AZ ({})",
                        ep.service_name,
                        domain_azs.iter().copied().collect::<Vec<_>>().join(", ")
                    ),
                ));
                continue;
            }
            let add: Vec<String> = per_az
                .iter()
                .filter(|s| {
                    s.availability_zone
                        .as_deref()
                        .is_some_and(|az| missing.contains(&az))
                })
                .map(|s| s.id.clone())
                .collect();
            out.push(
                Finding::fail(
                    dom,
                    &ep.id,
                    format!(
                        "{}: no ENI in {}; apps there cross AZs to reach it",
                        ep.service_name,
                        super::and_list(&missing)
                    ),
                )
                .fix(
                    format!("Add {} to {}", super::and_list(&add), ep.id),
                    vec![cli::endpoint_add_subnets(&ep.id, &add, region.as_deref())],
                ),
            );
        }
    }
    out
}
