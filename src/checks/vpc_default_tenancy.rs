//! `vpc-default-tenancy`: a VpcOnly domain's VPC uses default tenancy.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli;
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "vpc-default-tenancy",
    title: "VpcOnly domain VPC uses default instance tenancy",
    severity: Severity::High,
    docs: Docs {
        what: "Checks that the VPC of each VpcOnly domain has InstanceTenancy default. Skipped when \
               the VPC's tenancy was not captured.",
        why: "AWS requires a default-tenancy VPC for VpcOnly Studio domains: Studio app instances \
              cannot run with dedicated tenancy, so apps fail to start (failure mode F13).",
        fix: "Switch the VPC to default tenancy with `aws ec2 modify-vpc-tenancy --instance-tenancy \
              default` (instances already running keep their tenancy), or move the domain to a VPC \
              with default tenancy.",
        references: &[
            "docs/sagemaker-network.md fact 2, F13",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_ModifyVpcTenancy.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.vpc_only_domains() {
        let Some(vpc) = d.vpc_id.as_deref().and_then(|v| cx.topo.vpc(v)) else {
            continue;
        };
        let Some(tenancy) = vpc.instance_tenancy.as_deref() else {
            continue;
        };
        let dom = Some(d.id.as_str());
        if tenancy == "default" {
            out.push(Finding::pass(dom, &vpc.id, "instance tenancy is default"));
        } else {
            let region = cx.region(d);
            out.push(
                Finding::fail(
                    dom,
                    &vpc.id,
                    format!(
                        "instance tenancy is {tenancy}: VpcOnly Studio apps need default tenancy"
                    ),
                )
                .fix(
                    format!("Switch {} to default tenancy", vpc.id),
                    vec![
                        cli::Cmd::new("ec2", "modify-vpc-tenancy", region.as_deref())
                            .arg("vpc-id", &vpc.id)
                            .arg("instance-tenancy", "default")
                            .build(),
                    ],
                ),
            );
        }
    }
    out
}
