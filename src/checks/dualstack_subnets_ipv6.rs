//! `dualstack-subnets-ipv6`: a dual-stack domain's subnets have IPv6 CIDRs.

use ipnet::Ipv6Net;

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "dualstack-subnets-ipv6",
    title: "Dual-stack domain subnets have an IPv6 CIDR",
    severity: Severity::High,
    docs: Docs {
        what:
            "For a domain whose DomainSettings.IpAddressType is dualstack, checks that each of its \
               subnets has an IPv6 CIDR block. Domains with ipv4 (the default) are not checked.",
        why: "AWS: with dualstack \"the subnet must support IPv6 CIDR blocks\"; apps in a subnet \
              without one fail (failure mode F21).",
        fix:
            "Associate an IPv6 CIDR with the VPC if it has none (`aws ec2 associate-vpc-cidr-block \
              --amazon-provided-ipv6-cidr-block`), then a /64 of it with each subnet (`aws ec2 \
              associate-subnet-cidr-block`). IPv6 egress then needs ::/0 routes (an egress-only \
              internet gateway) and ::/0 rules.",
        references: &[
            "docs/sagemaker-network.md F21, section 1.4 (IpAddressType)",
            "https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DomainSettings.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-migrate-ipv6.html",
        ],
    },
    run,
};

/// The first /64 of the VPC's IPv6 block that no subnet uses.
fn free_64(block: &Ipv6Net, used: &[Ipv6Net]) -> Option<Ipv6Net> {
    if block.prefix_len() > 64 {
        return None;
    }
    block
        .subnets(64)
        .ok()?
        .take(256)
        .find(|n| !used.iter().any(|u| u.contains(n) || n.contains(u)))
}

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.domains() {
        if !d
            .ip_address_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("dualstack"))
        {
            continue;
        }
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        let mut used: Vec<Ipv6Net> = cx
            .snapshot
            .subnets
            .iter()
            .flat_map(|s| s.ipv6_cidrs.clone())
            .collect();
        for s in cx.subnets(d) {
            if !s.ipv6_cidrs.is_empty() {
                out.push(Finding::pass(
                    dom,
                    &s.id,
                    format!(
                        "IPv6 {}",
                        s.ipv6_cidrs
                            .iter()
                            .map(|c| c.to_string())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ));
                continue;
            }
            let vpc = cx.topo.vpc(&s.vpc_id);
            let mut cmds = Vec::new();
            let block = vpc.and_then(|v| v.ipv6_cidr_blocks.first());
            if block.is_none() {
                cmds.push(
                    cli::Cmd::new("ec2", "associate-vpc-cidr-block", r)
                        .arg("vpc-id", &s.vpc_id)
                        .flag("amazon-provided-ipv6-cidr-block")
                        .build(),
                );
            }
            let cidr = match block.and_then(|b| free_64(b, &used)) {
                Some(c) => {
                    used.push(c);
                    c.to_string()
                }
                None => placeholder("ipv6-/64-of-the-vpc-block"),
            };
            cmds.push(
                cli::Cmd::new("ec2", "associate-subnet-cidr-block", r)
                    .arg("subnet-id", &s.id)
                    .arg("ipv6-cidr-block", &cidr)
                    .build(),
            );
            out.push(
                Finding::fail(
                    dom,
                    &s.id,
                    format!("IpAddressType is dualstack but {} has no IPv6 CIDR", s.id),
                )
                .fix(format!("Give {} an IPv6 /64", s.id), cmds),
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_first_unused_64() {
        let block: Ipv6Net = "2001:db8:1:100::/56".parse().unwrap();
        let used: Vec<Ipv6Net> = vec!["2001:db8:1:100::/64".parse().unwrap()];
        assert_eq!(
            free_64(&block, &used).unwrap().to_string(),
            "2001:db8:1:101::/64"
        );
        let tiny: Ipv6Net = "2001:db8::/80".parse().unwrap();
        assert_eq!(free_64(&tiny, &[]), None);
    }
}
