//! `s3-gateway-endpoint-routes`: every domain subnet's route table is
//! associated with the S3 gateway endpoint.

use super::{Check, CheckContext, Docs, Finding};
use crate::engine::endpoint_service_name;
use crate::fix::cli;
use crate::query::Severity;
use crate::snapshot::EndpointType;

pub const CHECK: Check = Check {
    id: "s3-gateway-endpoint-routes",
    title: "S3 gateway endpoint is associated with every domain subnet's route table",
    severity: Severity::High,
    docs: Docs {
        what: "When the VPC of a VpcOnly domain has an S3 gateway endpoint, checks that the \
               effective route table of each domain subnet (explicit association or the main \
               table) is one of the endpoint's route tables, i.e. carries the S3 prefix-list \
               route.",
        why: "A gateway endpoint works only through routes: \"Each subnet route table must have a \
              route … to the gateway endpoint using the prefix list for the service\". A subnet \
              whose table lacks it has no path to S3 without NAT: lifecycle scripts hang on `aws s3 \
              cp`, the SDK's default bucket and JumpStart fail (failure mode F9).",
        fix: "Associate the route table with the endpoint: `aws ec2 modify-vpc-endpoint \
              --add-route-table-ids` (AWS adds the prefix-list route itself; routes to gateway \
              endpoints cannot be created with create-route).",
        references: &[
            "docs/sagemaker-network.md F9, section 2.2",
            "https://docs.aws.amazon.com/vpc/latest/privatelink/gateway-endpoints.html",
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
        let name = endpoint_service_name("s3", &region);
        let Some(ep) = cx
            .endpoints(vpc)
            .into_iter()
            .find(|e| e.endpoint_type == EndpointType::Gateway && e.service_name == name)
        else {
            continue;
        };
        let dom = Some(d.id.as_str());
        // One finding per route table, naming the domain subnets it serves.
        let mut tables: Vec<(String, Vec<String>)> = Vec::new();
        for s in cx.subnets(d) {
            let Some(rt) = cx.topo.route_table_of_subnet(&s.id) else {
                continue;
            };
            match tables.iter_mut().find(|(t, _)| *t == rt.id) {
                Some((_, subs)) => subs.push(s.id.clone()),
                None => tables.push((rt.id.clone(), vec![s.id.clone()])),
            }
        }
        for (rt, subs) in tables {
            let for_subnets = format!("for {}", super::and_list(&subs));
            if ep.route_table_ids.contains(&rt) {
                out.push(Finding::pass(
                    dom,
                    &rt,
                    format!("{rt} ({for_subnets}) routes S3 to {}", ep.id),
                ));
            } else {
                out.push(
                    Finding::fail(
                        dom,
                        &rt,
                        format!(
                            "{rt} ({for_subnets}) is not associated with {} ({name}): no S3 route",
                            ep.id
                        ),
                    )
                    .fix(
                        format!("Associate {rt} with {}", ep.id),
                        vec![cli::endpoint_add_route_tables(
                            &ep.id,
                            std::slice::from_ref(&rt),
                            Some(&region),
                        )],
                    ),
                );
            }
        }
    }
    out
}
