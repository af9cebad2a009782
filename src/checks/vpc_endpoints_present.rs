//! `vpc-endpoints-present`: a VpcOnly domain without NAT has the VPC
//! endpoints Studio needs.

use super::{Check, CheckContext, Docs, Finding};
use crate::engine::{endpoint_serves, endpoint_service_name, route_table};
use crate::fix::{cli, recipes};
use crate::query::Severity;
use crate::snapshot::EndpointType;

/// The endpoint services every VpcOnly Studio domain needs (fact 8): the
/// SageMaker API and runtime, the Studio UI, STS and CloudWatch Logs (the
/// SDK depends on both) and S3.
const REQUIRED: [&str; 6] = [
    "sagemaker.api",
    "sagemaker.runtime",
    "studio",
    "sts",
    "logs",
    "s3",
];

pub const CHECK: Check = Check {
    id: "vpc-endpoints-present",
    title: "VpcOnly domain VPC has the endpoints Studio needs (or a NAT path)",
    severity: Severity::High,
    docs: Docs {
        what: "For a VpcOnly domain, checks that the VPC has an available endpoint for each of \
               sagemaker.api, sagemaker.runtime, aws.sagemaker.<region>.studio, sts, logs \
               (interface) and s3 (gateway or interface). A service without an endpoint passes \
               when every domain subnet has a default route to an available NAT gateway.",
        why: "Without NAT, these endpoints are the only way Studio apps reach the services: apps \
              cannot be created without sagemaker.api (\"unable to reach SageMaker Endpoint\", F1), \
              the SDK reports misleading STS errors without sts (F6) and hangs at \"Starting\" \
              without logs (F7), and lifecycle scripts and the SDK's default bucket need S3. The \
              path queries show which sources are affected; this check names the missing pieces.",
        fix: "Create the missing interface endpoints in the domain subnets (one per AZ) with \
              private DNS and a security group that admits TCP 443 from the Studio app groups; \
              create an S3 gateway endpoint associated with the domain subnets' route tables. Or \
              give the subnets a NAT gateway route.",
        references: &[
            "docs/sagemaker-network.md fact 8, F1, F6, F7, section 2.1",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-interface-endpoint.html",
            "https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html",
        ],
    },
    run,
};

fn run(cx: &CheckContext<'_>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.vpc_only_domains() {
        let (Some(vpc), Some(region)) = (d.vpc_id.as_deref(), cx.region(d)) else {
            continue;
        };
        let dom = Some(d.id.as_str());
        let r = Some(region.as_str());
        let subnets = cx.subnets(d);
        let nats: Vec<&str> = subnets
            .iter()
            .map(|s| route_table::nat_route(cx.topo, &s.id).map(|(n, _)| n.id.as_str()))
            .collect::<Option<Vec<_>>>()
            .unwrap_or_default();
        let all_nat = !subnets.is_empty() && nats.len() == subnets.len();
        let endpoints = cx.endpoints(vpc);
        for svc in REQUIRED {
            let name = endpoint_service_name(svc, &region);
            let found = endpoints.iter().find(|e| {
                e.service_name == name
                    && endpoint_serves(e)
                    && (e.endpoint_type == EndpointType::Interface
                        || (svc == "s3" && e.endpoint_type == EndpointType::Gateway))
            });
            if let Some(e) = found {
                out.push(Finding::pass(dom, &e.id, format!("{name}: {}", e.id)));
                continue;
            }
            if all_nat {
                let mut n = nats.clone();
                n.sort();
                n.dedup();
                out.push(Finding::pass(
                    dom,
                    &name,
                    format!("{name}: no endpoint; reached through {}", n.join(", ")),
                ));
                continue;
            }
            let mut f = Finding::fail(
                dom,
                &name,
                format!("{vpc} has no available endpoint for {name} and the domain subnets have no NAT route"),
            );
            f = if svc == "s3" {
                let tables = recipes::domain_route_tables(cx.topo, d);
                f.fix(
                    format!("Create an S3 gateway endpoint for the route tables of the domain subnets ({})", tables.join(", ")),
                    vec![cli::create_gateway_endpoint(vpc, &name, &tables, r)],
                )
            } else {
                f.fix(
                    format!("Create an interface endpoint for {name} with private DNS in the domain subnets"),
                    recipes::create_interface_endpoint(cx.topo, d, vpc, &name, r),
                )
            };
            out.push(f);
        }
    }
    out
}
