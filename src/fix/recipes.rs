//! PURE. Multi-command remediations shared by the query fixes and the
//! checks: create an interface endpoint that Studio apps can use, give a
//! subnet a NAT path, enable private DNS with what it depends on.

use std::collections::BTreeMap;

use crate::engine::{nat, route_table, rules};
use crate::graph::Topology;
use crate::snapshot::{
    Domain, EndpointType, NatGateway, PortRange, Protocol, RouteDestination, Subnet,
};

use super::cli::{self, placeholder, Peer};

/// The domain's subnets, first one (by id) per AZ: interface endpoints take
/// at most one subnet per AZ. Subnets whose AZ is unknown are kept.
pub fn one_subnet_per_az(topo: &Topology, domain: &Domain) -> Vec<String> {
    let mut ids = domain.subnet_ids.clone();
    ids.sort();
    ids.dedup();
    let mut seen = std::collections::BTreeSet::new();
    ids.into_iter()
        .filter(
            |id| match topo.subnet(id).and_then(|s| s.availability_zone.clone()) {
                Some(az) => seen.insert(az),
                None => true,
            },
        )
        .collect()
}

/// The group Studio apps of the domain carry that endpoint groups should
/// admit: the first of DefaultUserSettings.SecurityGroups.
pub fn app_group(domain: &Domain) -> Option<String> {
    let mut g = domain.default_user_settings.security_groups.clone();
    g.sort();
    g.into_iter().next()
}

/// Whether `group` has an ingress rule admitting TCP `port` from `from`
/// (by group reference) or from everywhere in the VPC's CIDRs.
pub fn admits_from_group(topo: &Topology, group: &str, port: u16, from: &str) -> bool {
    let Some(g) = topo.security_group(group) else {
        return false;
    };
    let vpc_cidrs = g
        .vpc_id
        .as_deref()
        .and_then(|v| topo.vpc(v))
        .map(|v| v.cidr_blocks.clone())
        .unwrap_or_default();
    g.ingress
        .iter()
        .any(|r| rules::sg_rule_admits_tcp(r, port, from, Some(&vpc_cidrs)))
}

/// Commands that create an interface endpoint for `service_name` in the
/// domain's subnets with private DNS, reusing the security group most
/// interface endpoints of the VPC use (and letting it admit the apps on 443
/// when it does not), or creating one.
pub fn create_interface_endpoint(
    topo: &Topology,
    domain: &Domain,
    vpc: &str,
    service_name: &str,
    region: Option<&str>,
) -> Vec<String> {
    let mut cmds = Vec::new();
    let mut usage: BTreeMap<&str, usize> = BTreeMap::new();
    for ep in topo
        .snapshot
        .vpc_endpoints
        .iter()
        .filter(|e| e.vpc_id == vpc && e.endpoint_type == EndpointType::Interface)
    {
        for g in &ep.security_group_ids {
            *usage.entry(g.as_str()).or_default() += 1;
        }
    }
    let existing = usage
        .iter()
        .max_by_key(|(g, n)| (**n, std::cmp::Reverse(**g)))
        .map(|(g, _)| g.to_string());
    let app = app_group(domain);
    let permission = |from: &Option<String>| {
        let peer = match from {
            Some(g) => Peer::Group(g.clone()),
            None => topo
                .vpc(vpc)
                .and_then(|v| v.cidr_blocks.first().copied())
                .map(Peer::Cidr)
                .unwrap_or_else(|| Peer::Group(placeholder("app-sg-id"))),
        };
        cli::ip_permission(Protocol::TCP, PortRange::single(443), &peer)
    };
    let group = match existing {
        Some(g) => {
            // A group the snapshot does not hold may well admit the apps:
            // only open one that is known not to.
            let known = topo.security_group(&g).is_some();
            let admits = app
                .as_deref()
                .is_some_and(|a| admits_from_group(topo, &g, 443, a));
            if known && !admits {
                cmds.push(cli::authorize_sg(&g, true, &permission(&app), region));
            }
            g
        }
        None => {
            let g = placeholder("endpoint-sg-id");
            cmds.push(cli::create_security_group(
                "sagemaker-studio-vpc-endpoints",
                "HTTPS from SageMaker Studio apps to VPC interface endpoints",
                vpc,
                region,
            ));
            cmds.push(cli::authorize_sg(&g, true, &permission(&app), region));
            g
        }
    };
    let subnets = one_subnet_per_az(topo, domain);
    cmds.push(cli::create_interface_endpoint(
        vpc,
        service_name,
        &subnets,
        &[group],
        region,
    ));
    cmds
}

/// The route tables of the domain's subnets (sorted, deduplicated).
pub fn domain_route_tables(topo: &Topology, domain: &Domain) -> Vec<String> {
    let mut t: Vec<String> = domain
        .subnet_ids
        .iter()
        .filter_map(|s| topo.route_table_of_subnet(s))
        .map(|r| r.id.clone())
        .collect();
    t.sort();
    t.dedup();
    t
}

/// A subnet of the VPC outside the domain whose internet route goes to an
/// internet gateway ([`route_table::public_route`]): where a NAT gateway
/// can live.
pub fn public_subnet<'a>(topo: &'a Topology, domain: &Domain, vpc: &str) -> Option<&'a Subnet> {
    topo.snapshot.subnets.iter().find(|s| {
        s.vpc_id == vpc
            && !domain.subnet_ids.contains(&s.id)
            && matches!(route_table::public_route(topo, &s.id), Some(Some(_)))
    })
}

/// A NAT gateway of the VPC that reaches the internet
/// ([`nat::reaches_internet`]), preferring one outside the `avoid` subnets
/// (the domain's, which must stay private), then the first by id.
pub fn usable_nat<'a>(topo: &'a Topology, vpc: &str, avoid: &[String]) -> Option<&'a NatGateway> {
    topo.nat_gateways_of_vpc(vpc)
        .filter(|n| nat::reaches_internet(n))
        .min_by_key(|n| (avoid.contains(&n.subnet_id), n.id.as_str()))
}

/// The routes of `table` to point at a NAT gateway so that its internet
/// traffic goes through it: 0.0.0.0/0 (`replace-route` when the table has
/// that route, in any state, since AWS rejects `create-route` for an
/// existing destination and `replace-route` for a missing one), and the
/// more specific route that wins the internet lookup over it, if any
/// (issue 13: it used to be replaced as if it were 0.0.0.0/0).
fn internet_routes(topo: &Topology, table: &str) -> Vec<(RouteDestination, bool)> {
    let default = RouteDestination::Ipv4("0.0.0.0/0".parse().expect("valid CIDR"));
    let rt = topo.route_table(table);
    let has_default = rt.is_some_and(|t| t.routes.iter().any(|r| r.destination == default));
    let mut out = vec![(default.clone(), has_default)];
    if let Some(route_table::RouteTo::Route(r)) =
        rt.map(|t| route_table::internet_route_of(topo, t, false))
    {
        if r.destination != default && matches!(r.destination, RouteDestination::Ipv4(_)) {
            out.push((r.destination.clone(), true));
        }
    }
    out
}

/// Commands that route the internet traffic of `table` through a NAT
/// gateway: an available public one of the VPC, else a new one in a
/// public subnet ([`internet_routes`] says which routes).
pub fn nat_default_route(
    topo: &Topology,
    domain: &Domain,
    vpc: &str,
    table: &str,
    region: Option<&str>,
) -> (String, Vec<String>) {
    let routes = internet_routes(topo, table);
    let dests = routes
        .iter()
        .map(|(d, _)| d.to_string())
        .collect::<Vec<_>>()
        .join(" and ");
    let to = |nat: &str| -> Vec<String> {
        routes
            .iter()
            .map(|(d, replace)| cli::route_to_nat(table, d, nat, *replace, region))
            .collect()
    };
    if let Some(nat) = usable_nat(topo, vpc, &domain.subnet_ids) {
        return (
            format!("Route {dests} of {table} to {}", nat.id),
            to(&nat.id),
        );
    }
    let subnet = public_subnet(topo, domain, vpc)
        .map(|s| s.id.clone())
        .unwrap_or_else(|| placeholder("public-subnet-id"));
    let nat = placeholder("new-nat-id");
    let mut cmds = vec![
        cli::allocate_eip(region),
        cli::create_nat_gateway(&subnet, &placeholder("eipalloc-id"), region),
    ];
    cmds.extend(to(&nat));
    (
        format!(
            "Create a NAT gateway in a public subnet ({subnet}) and route {dests} of {table} to it"
        ),
        cmds,
    )
}

/// `modify-vpc-attribute` for each DNS attribute of `vpc` that is not
/// known to be on (private DNS of interface endpoints needs both).
pub fn vpc_dns_on(topo: &Topology, vpc: &str, region: Option<&str>) -> Vec<String> {
    let Some(v) = topo.vpc(vpc) else {
        return Vec::new();
    };
    let mut cmds = Vec::new();
    if v.enable_dns_support != Some(true) {
        cmds.push(cli::enable_vpc_dns(vpc, "enable-dns-support", region));
    }
    if v.enable_dns_hostnames != Some(true) {
        cmds.push(cli::enable_vpc_dns(vpc, "enable-dns-hostnames", region));
    }
    cmds
}
