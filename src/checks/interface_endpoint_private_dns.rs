//! `interface-endpoint-private-dns`: interface endpoints of a VpcOnly
//! domain's VPC have private DNS enabled.

use super::{Check, CheckContext, Docs, Finding};
use crate::fix::{cli, recipes};
use crate::query::Severity;

pub const CHECK: Check = Check {
    id: "interface-endpoint-private-dns",
    title: "Interface endpoints in a VpcOnly domain's VPC have private DNS enabled",
    severity: Severity::High,
    docs: Docs {
        what: "For each interface endpoint in the VPC of a VpcOnly domain, checks that \
               PrivateDnsEnabled is true.",
        why: "SDKs and the Studio UI call the services' public names \
              (api.sagemaker.<region>.amazonaws.com, logs.<region>.amazonaws.com...). Only with \
              private DNS do those names resolve to the endpoint's ENIs; without it they resolve \
              to public addresses, which a VpcOnly domain without NAT cannot reach: the console \
              cannot open Studio and SDK calls time out (failure mode F4). AWS: every interface \
              endpoint Studio uses needs private DNS.",
        fix: "Enable it with `aws ec2 modify-vpc-endpoint --private-dns-enabled` (after turning on \
              the VPC's enableDnsSupport and enableDnsHostnames, which it requires). If a private \
              hosted zone deliberately answers for the name instead, suppress the finding with \
              that reason.",
        references: &[
            "docs/sagemaker-network.md fact 7, F4, section 2.2",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html",
            "https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html",
            "https://github.com/awsdocs/amazon-sagemaker-developer-guide/pull/259",
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
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        for ep in cx.interface_endpoints(vpc) {
            // Unreadable in the input: the importer warned; no verdict.
            let Some(enabled) = ep.private_dns_enabled else {
                continue;
            };
            if enabled {
                out.push(Finding::pass(
                    dom,
                    &ep.id,
                    format!("{}: private DNS enabled", ep.service_name),
                ));
                continue;
            }
            let mut cmds = recipes::vpc_dns_on(cx.topo, vpc, r);
            cmds.push(cli::endpoint_private_dns(&ep.id, r));
            out.push(
                Finding::fail(
                    dom,
                    &ep.id,
                    format!(
                        "{}: private DNS disabled, so the service's public name resolves to public addresses, not to {}",
                        ep.service_name, ep.id
                    ),
                )
                .fix(format!("Enable private DNS on {}", ep.id), cmds),
            );
        }
    }
    out
}
