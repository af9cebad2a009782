//! `vpc-dns-attributes`: enableDnsSupport and enableDnsHostnames are on.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli;
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "vpc-dns-attributes",
    title: "Domain VPC has enableDnsSupport and enableDnsHostnames on",
    severity: Severity::High,
    docs: Docs {
        what: "Checks that the VPC of each domain has both DNS attributes (DescribeVpcAttribute \
               enableDnsSupport and enableDnsHostnames) set to true. Skipped when they were not \
               captured.",
        why: "Private DNS of interface endpoints only works when both attributes are true; EC2 \
              refuses to enable it otherwise (\"Enabling private DNS requires both \
              enableDnsSupport and enableDnsHostnames VPC attributes set to true\"), so the \
              service names resolve to public addresses that a VpcOnly domain cannot reach \
              (failure mode F5). Mounting EFS by its DNS name needs them as well, in both network \
              modes. enableDnsHostnames is false by default in non-default VPCs.",
        fix: "Turn both on with `aws ec2 modify-vpc-attribute` (one attribute per call), then \
              enable private DNS on the interface endpoints.",
        references: &[
            "docs/sagemaker-network.md fact 7, F5, section 2.2",
            "https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateVpcEndpoint.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-dns.html",
            "https://docs.aws.amazon.com/efs/latest/ug/mounting-fs-mount-cmd-dns-name.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        let Some(vpc) = d.vpc_id.as_deref().and_then(|v| cx.topo.vpc(v)) else {
            continue;
        };
        let (Some(support), Some(hostnames)) = (vpc.enable_dns_support, vpc.enable_dns_hostnames)
        else {
            continue;
        };
        let dom = Some(d.id.as_str());
        if support && hostnames {
            out.push(Finding::pass(
                dom,
                &vpc.id,
                "enableDnsSupport and enableDnsHostnames are true",
            ));
            continue;
        }
        let region = cx.region(d);
        let mut off = Vec::new();
        let mut cmds = Vec::new();
        for (on, attr, name) in [
            (support, "enable-dns-support", "enableDnsSupport"),
            (hostnames, "enable-dns-hostnames", "enableDnsHostnames"),
        ] {
            if !on {
                off.push(name);
                cmds.push(cli::enable_vpc_dns(&vpc.id, attr, region.as_deref()));
            }
        }
        out.push(
            Finding::fail(
                dom,
                &vpc.id,
                format!(
                    "{} {} false: private DNS of interface endpoints (and EFS DNS names) do not resolve in {}",
                    super::and_list(&off),
                    if off.len() == 1 { "is" } else { "are" },
                    vpc.id
                ),
            )
            .fix(format!("Turn on {} on {}", super::and_list(&off), vpc.id), cmds),
        );
    }
    out
}
