//! `vpc-only-private-subnets`: a VpcOnly domain's subnets have no route to an
//! internet gateway.

use super::{Check, CheckContext, Docs, Finding};
use crate::engine::route_table::{self, RouteTo};
use crate::fix::cli::{self, placeholder};
use crate::query::Severity;
use crate::snapshot::{RouteDestination, RouteTarget};

pub const CHECK: Check = Check {
    id: "vpc-only-private-subnets",
    title: "VpcOnly domain subnets are private (no internet gateway route)",
    severity: Severity::High,
    docs: Docs {
        what: "For each subnet of a VpcOnly domain, checks that its effective route table (explicit \
               association or the VPC's main table) has no active default route (0.0.0.0/0 or \
               ::/0) to an internet gateway.",
        why: "AWS: \"You cannot use public subnets in VpcOnly mode\". Studio app ENIs never get a \
              public IP, so an internet gateway drops their traffic: a public subnet gives no \
              internet access, only the illusion of it (failure modes F14, F15, e.g. the default \
              VPC).",
        fix: "Send the subnet's default route to a NAT gateway in a public subnet (`aws ec2 \
              replace-route … --nat-gateway-id`), or remove it and rely on VPC endpoints. When the \
              route table also serves subnets outside the domain (or is the main table), give the \
              domain subnet its own route table instead of changing the shared one.",
        references: &[
            "docs/sagemaker-network.md fact 2, F14, F15",
            "https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-and-internet-access.html",
            "https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html",
        ],
    },
    run,
};

fn run<'a>(cx: &CheckContext<'a>) -> Vec<Finding> {
    let mut out = Vec::new();
    for d in cx.vpc_only_domains() {
        let dom = Some(d.id.as_str());
        let region = cx.region(d);
        let r = region.as_deref();
        for s in cx.subnets(d) {
            let Some(rt) = cx.topo.route_table_of_subnet(&s.id) else {
                continue;
            };
            // The routes that IPv4 and IPv6 internet traffic take (longest
            // prefix), when they go to an internet gateway; the first in
            // the table when both do.
            let to_igw = |to: RouteTo<'a>| {
                to.active()
                    .filter(|x| matches!(x.target, RouteTarget::InternetGateway(_)))
            };
            let v4 = route_table::internet_route_of(cx.topo, rt, false);
            let v6 = route_table::internet_route_of(cx.topo, rt, true);
            let igw_route = [to_igw(v4), to_igw(v6)]
                .into_iter()
                .flatten()
                .min_by_key(|x| rt.routes.iter().position(|r| std::ptr::eq(r, *x)));
            if igw_route.is_none() && (v4 == RouteTo::Unknown || v6 == RouteTo::Unknown) {
                continue; // a prefix list without entries might win
            }
            let Some(route) = igw_route else {
                out.push(Finding::pass(
                    dom,
                    &s.id,
                    format!("{} has no default route to an internet gateway", rt.id),
                ));
                continue;
            };
            let shared: Vec<&str> = cx
                .topo
                .subnets_of_route_table(&rt.id)
                .filter(|o| o.id != s.id && !d.subnet_ids.contains(&o.id))
                .map(|o| o.id.as_str())
                .collect();
            let message = format!(
                "{} (of {}) routes {} to {}: a public subnet; Studio app ENIs get no public IP",
                rt.id,
                s.id,
                route.destination,
                route.target.id()
            );
            let mut f = Finding::fail(dom, &s.id, message);
            let vpc = s.vpc_id.as_str();
            let nat = cx.usable_nat(vpc, &d.subnet_ids);
            if rt.main || !shared.is_empty() {
                let new_rt = placeholder("new-rtb-id");
                let mut cmds = vec![
                    cli::create_route_table(vpc, r),
                    cli::associate_route_table(&new_rt, &s.id, r),
                ];
                if let Some(n) = nat {
                    let dest = RouteDestination::Ipv4("0.0.0.0/0".parse().unwrap());
                    cmds.push(cli::route_to_nat(&new_rt, &dest, &n.id, false, r));
                }
                for ep in cx.endpoints(vpc) {
                    if ep.route_table_ids.contains(&rt.id) {
                        cmds.push(cli::endpoint_add_route_tables(
                            &ep.id,
                            std::slice::from_ref(&new_rt),
                            r,
                        ));
                    }
                }
                let why = if rt.main {
                    format!("{} is the main route table", rt.id)
                } else {
                    format!("{} also serves {}", rt.id, super::and_list(&shared))
                };
                f = f.fix(
                    format!(
                        "Give {} a private route table of its own ({why}){}",
                        s.id,
                        if nat.is_some() {
                            ", with a NAT default route"
                        } else {
                            ""
                        }
                    ),
                    cmds,
                );
            } else if let Some(n) = nat {
                f = f.fix(
                    format!(
                        "Route {} to {} instead of {}",
                        route.destination,
                        n.id,
                        route.target.id()
                    ),
                    vec![cli::route_to_nat(
                        &rt.id,
                        &route.destination,
                        &n.id,
                        true,
                        r,
                    )],
                );
            } else {
                f = f.fix(
                    format!(
                        "Remove the internet gateway route from {} (Studio then needs VPC endpoints or a NAT gateway)",
                        rt.id
                    ),
                    vec![cli::delete_route(&rt.id, &route.destination, r)],
                );
            }
            out.push(f);
        }
    }
    out
}
