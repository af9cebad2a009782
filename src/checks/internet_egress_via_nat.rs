//! `internet-egress-via-nat`: whether a VpcOnly domain's subnets have a NAT
//! path to public endpoints (IAM, PyPI, git...).

use super::{Check, CheckContext, Docs, Finding};
use crate::engine::route_table::{self, RouteTo};
use crate::fix::recipes;
use crate::query::Severity;
use crate::snapshot::{Route, RouteTarget};

pub const CHECK: Check = Check {
    id: "internet-egress-via-nat",
    title: "VpcOnly domain subnets reach public endpoints (IAM, PyPI, git) through NAT",
    severity: Severity::Info,
    docs: Docs {
        what: "For each subnet of a VpcOnly domain, looks at the default route (0.0.0.0/0) of its \
               effective route table: to an available public NAT gateway passes; to a transit \
               gateway, peering connection, firewall ENI or instance passes as egress that leaves \
               the snapshot (not verified); no default route fails. The route is checked, not the \
               whole path (security groups and NACLs are the path queries' job).",
        why: "IAM has no regional PrivateLink endpoint: `sagemaker.get_execution_role()` and other \
              calls to iam.amazonaws.com time out in a VpcOnly domain without NAT (failure mode F8); \
              so do pip, conda, git and any other public endpoint without an endpoint or mirror. \
              Often that isolation is the point, hence the info severity: know it, and suppress the \
              finding if it is by design.",
        fix: "If the apps need public endpoints, route the subnets' 0.0.0.0/0 to a NAT gateway in a \
              public subnet (the domain subnets themselves must stay private), and allow the \
              traffic in the app security groups and NACLs. Otherwise provide mirrors (CodeArtifact, \
              an ECR pull-through cache) and pass the role ARN explicitly instead of calling \
              get_execution_role().",
        references: &[
            "docs/sagemaker-network.md fact 9, F8, section 2.1 (IAM)",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
            "https://github.com/aws/sagemaker-python-sdk/issues/2559",
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
        for s in cx.subnets(d) {
            // The route of an arbitrary public address (longest prefix),
            // not the literal 0.0.0.0/0 one.
            let Some((rt, to)) = route_table::internet_route(cx.topo, &s.id) else {
                continue;
            };
            if to == RouteTo::Unknown {
                continue; // a prefix list without entries might win
            }
            if let Some((nat, r)) = route_table::nat_route(cx.topo, &s.id) {
                out.push(Finding::pass(
                    dom,
                    &s.id,
                    format!(
                        "{} routes {} to {} (available)",
                        rt.id, r.destination, nat.id
                    ),
                ));
                continue;
            }
            let route = to.active();
            match route {
                Some(
                    r @ Route {
                        target:
                            RouteTarget::TransitGateway(_)
                            | RouteTarget::VpcPeeringConnection(_)
                            | RouteTarget::NetworkInterface(_)
                            | RouteTarget::Instance(_)
                            | RouteTarget::CoreNetwork(_)
                            | RouteTarget::VirtualPrivateGateway(_),
                        ..
                    },
                ) => {
                    out.push(Finding::pass(
                        dom,
                        &s.id,
                        format!(
                            "{} routes {} to {}: egress leaves the snapshot (not verified)",
                            rt.id,
                            r.destination,
                            r.target.id()
                        ),
                    ));
                }
                other => {
                    let why = match other {
                        Some(r) => format!(
                            "{} routes {} to {}, not to an available NAT gateway",
                            rt.id,
                            r.destination,
                            r.target.id()
                        ),
                        None => match to {
                            route_table::RouteTo::Route(r) => format!(
                                "{} routes {} to {}, which no longer exists (blackhole)",
                                rt.id,
                                r.destination,
                                r.target.id()
                            ),
                            _ => format!("{} has no default route", rt.id),
                        },
                    };
                    let (summary, cmds) =
                        recipes::nat_default_route(cx.topo, d, vpc, &rt.id, region.as_deref());
                    out.push(
                        Finding::fail(
                            dom,
                            &s.id,
                            format!(
                                "{why}: iam.amazonaws.com (no PrivateLink), PyPI, git and other public endpoints are unreachable from {}",
                                s.id
                            ),
                        )
                        .fix(format!("If apps need public endpoints: {summary}"), cmds),
                    );
                }
            }
        }
    }
    out
}
