//! EC2: the domain's VPC and everything in it, filtered server-side by
//! `vpc-id` wherever the API allows, then the groups and prefix lists that
//! rules and routes reference from outside.
//!
//! The mapping from SDK types to the snapshot mirrors `import/ec2.rs` field
//! by field, so that collecting a VPC and importing the AWS CLI output of
//! the same calls give the same snapshot (the differential test checks it).
//! Enum-like values are compared as strings (`as_str()`): the SDK mis-models
//! some of them, e.g. a VPC endpoint's `State` "available" arrives as
//! `State::Unknown("available")` (aws/aws-sdk#360).

use std::collections::BTreeSet;

use aws_sdk_ec2::types as t;
use aws_sdk_ec2::types::Filter;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

use super::call::{api, pages, Calls};
use super::Ctx;
use crate::import::ec2::{acl_entries, gateway_target, table_routes, RouteRead};
use crate::snapshot::*;

fn filter(name: &str, values: impl IntoIterator<Item = impl Into<String>>) -> Filter {
    let mut f = Filter::builder().name(name);
    for v in values {
        f = f.values(v);
    }
    f.build()
}

// ------------------------------------------------------------ parsing ----

/// Warn about a value of `id` that cannot be used.
fn invalid(w: &Calls, id: &str, problem: String) {
    w.warn(
        Diagnostic::warning("invalid-input", format!("{id}: {problem}; value dropped"))
            .with_ids([id.to_string()]),
    );
}

fn v4net(w: &Calls, id: &str, s: &str) -> Option<Ipv4Net> {
    match s.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            invalid(w, id, format!("{s:?} is not an IPv4 CIDR block"));
            None
        }
    }
}

fn v6net(w: &Calls, id: &str, s: &str) -> Option<Ipv6Net> {
    match s.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            invalid(w, id, format!("{s:?} is not an IPv6 CIDR block"));
            None
        }
    }
}

fn anynet(w: &Calls, id: &str, s: &str) -> Option<IpNet> {
    match s.trim().parse() {
        Ok(n) => Some(n),
        Err(_) => {
            invalid(w, id, format!("{s:?} is not a CIDR block"));
            None
        }
    }
}

fn v4addr<A: std::str::FromStr>(w: &Calls, id: &str, s: &str) -> Option<A> {
    match s.trim().parse() {
        Ok(a) => Some(a),
        Err(_) => {
            invalid(w, id, format!("{s:?} is not an IP address"));
            None
        }
    }
}

pub(crate) fn tags(tags: &[t::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

fn strings(v: &[String]) -> Vec<String> {
    v.to_vec()
}

/// A TCP/UDP port range from two optional bounds (both missing = all).
fn port_range(from: Option<i32>, to: Option<i32>) -> Result<Option<PortRange>, String> {
    let port = |p: i32| -> Result<u16, String> {
        u16::try_from(p).map_err(|_| format!("port {p} is out of range 0-65535"))
    };
    match (from, to) {
        (None, None) => Ok(None),
        (Some(f), Some(t)) => {
            let (f, t) = (port(f)?, port(t)?);
            if f > t {
                return Err(format!("port range {f}-{t} has From > To"));
            }
            Ok(Some(PortRange { from: f, to: t }))
        }
        (Some(_), None) => Err("port range has a start but no end".into()),
        (None, Some(_)) => Err("port range has an end but no start".into()),
    }
}

fn icmp_value(what: &str, v: i32) -> Result<i32, String> {
    if (-1..=255).contains(&v) {
        Ok(v)
    } else {
        Err(format!("ICMP {what} {v} is out of range -1..255"))
    }
}

/// CIDR-association states that keep the block in the VPC or subnet.
fn live(state: Option<&str>) -> bool {
    state.is_none_or(|s| matches!(s, "associated" | "associating"))
}

// ------------------------------------------------------------ mapping ----

pub(crate) fn vpc(w: &Calls, v: &t::Vpc) -> Option<Vpc> {
    let id = v.vpc_id()?.to_string();
    let mut cidr_blocks: Vec<Ipv4Net> = Vec::new();
    if let Some(c) = v.cidr_block().and_then(|c| v4net(w, &id, c)) {
        cidr_blocks.push(c);
    }
    for a in v.cidr_block_association_set() {
        let state = a
            .cidr_block_state()
            .and_then(|s| s.state())
            .map(|s| s.as_str());
        if !live(state) {
            continue;
        }
        if let Some(c) = a.cidr_block().and_then(|c| v4net(w, &id, c)) {
            if !cidr_blocks.contains(&c) {
                cidr_blocks.push(c);
            }
        }
    }
    let mut ipv6_cidr_blocks: Vec<Ipv6Net> = Vec::new();
    for a in v.ipv6_cidr_block_association_set() {
        let state = a
            .ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .map(|s| s.as_str());
        if !live(state) {
            continue;
        }
        if let Some(c) = a.ipv6_cidr_block().and_then(|c| v6net(w, &id, c)) {
            if !ipv6_cidr_blocks.contains(&c) {
                ipv6_cidr_blocks.push(c);
            }
        }
    }
    Some(Vpc {
        owner_id: owned(v.owner_id()),
        cidr_blocks,
        ipv6_cidr_blocks,
        dhcp_options_id: owned(v.dhcp_options_id()),
        instance_tenancy: v.instance_tenancy().map(|t| t.as_str().to_string()),
        is_default: v.is_default().unwrap_or(false),
        enable_dns_support: None,
        enable_dns_hostnames: None,
        tags: tags(v.tags()),
        id,
    })
}

pub(crate) fn subnet(w: &Calls, s: &t::Subnet) -> Option<Subnet> {
    let id = s.subnet_id()?.to_string();
    let vpc_id = s.vpc_id()?.to_string();
    let mut ipv6_cidrs = Vec::new();
    for a in s.ipv6_cidr_block_association_set() {
        let state = a
            .ipv6_cidr_block_state()
            .and_then(|s| s.state())
            .map(|s| s.as_str());
        if !live(state) {
            continue;
        }
        if let Some(c) = a.ipv6_cidr_block().and_then(|c| v6net(w, &id, c)) {
            ipv6_cidrs.push(c);
        }
    }
    Some(Subnet {
        vpc_id,
        cidr: s.cidr_block().and_then(|c| v4net(w, &id, c)),
        ipv6_cidrs,
        availability_zone: owned(s.availability_zone()),
        availability_zone_id: owned(s.availability_zone_id()),
        available_ip_address_count: s
            .available_ip_address_count()
            .and_then(|c| u32::try_from(c).ok()),
        map_public_ip_on_launch: s.map_public_ip_on_launch().unwrap_or(false),
        tags: tags(s.tags()),
        id,
    })
}

fn route_target(r: &t::Route) -> Option<RouteTarget> {
    // A route to an instance also shows the instance's primary ENI; the
    // instance is what the user configured.
    if let Some(i) = r.instance_id() {
        return Some(RouteTarget::Instance(i.to_string()));
    }
    if let Some(g) = r.gateway_id() {
        return Some(gateway_target(g));
    }
    type Make = fn(String) -> RouteTarget;
    let keyed: [(Option<&str>, Make); 8] = [
        (r.nat_gateway_id(), RouteTarget::NatGateway),
        (r.network_interface_id(), RouteTarget::NetworkInterface),
        (
            r.vpc_peering_connection_id(),
            RouteTarget::VpcPeeringConnection,
        ),
        (r.transit_gateway_id(), RouteTarget::TransitGateway),
        (
            r.egress_only_internet_gateway_id(),
            RouteTarget::EgressOnlyInternetGateway,
        ),
        (r.carrier_gateway_id(), RouteTarget::CarrierGateway),
        (r.local_gateway_id(), RouteTarget::LocalGateway),
        (r.core_network_arn(), RouteTarget::CoreNetwork),
    ];
    keyed
        .into_iter()
        .find_map(|(v, make)| v.map(|v| make(v.to_string())))
}

fn route(r: &t::Route) -> RouteRead {
    let destination = if let Some(c) = r.destination_cidr_block() {
        match c.trim().parse() {
            Ok(n) => RouteDestination::Ipv4(n),
            Err(_) => return RouteRead::NoDestination(format!("{c:?} is not an IPv4 CIDR block")),
        }
    } else if let Some(c) = r.destination_ipv6_cidr_block() {
        match c.trim().parse() {
            Ok(n) => RouteDestination::Ipv6(n),
            Err(_) => return RouteRead::NoDestination(format!("{c:?} is not an IPv6 CIDR block")),
        }
    } else if let Some(p) = r.destination_prefix_list_id() {
        RouteDestination::PrefixList(p.to_string())
    } else {
        return RouteRead::NoDestination(
            "no destination (DestinationCidrBlock, DestinationIpv6CidrBlock or \
             DestinationPrefixListId)"
                .into(),
        );
    };
    let blackhole = r
        .state()
        .is_some_and(|s| s.as_str().eq_ignore_ascii_case("blackhole"));
    match route_target(r) {
        Some(target) => RouteRead::Route(Route {
            destination,
            target,
            active: !blackhole,
            origin: r.origin().map(|o| o.as_str().to_string()),
        }),
        None => RouteRead::NoTarget {
            destination,
            blackhole,
            problem: "no target (GatewayId, NatGatewayId, NetworkInterfaceId, ...)".into(),
        },
    }
}

pub(crate) fn route_table(w: &Calls, rt: &t::RouteTable) -> Option<RouteTable> {
    let id = rt.route_table_id()?.to_string();
    let vpc_id = rt.vpc_id()?.to_string();
    let mut main = false;
    let mut subnet_ids = Vec::new();
    let mut gateway_ids = Vec::new();
    for a in rt.associations() {
        // A disassociated (or failed) association no longer binds anything.
        let state = a
            .association_state()
            .and_then(|s| s.state())
            .map(|s| s.as_str());
        if matches!(state, Some("disassociated" | "disassociating" | "failed")) {
            continue;
        }
        main |= a.main().unwrap_or(false);
        subnet_ids.extend(owned(a.subnet_id()));
        gateway_ids.extend(owned(a.gateway_id()));
    }
    // The importer's rule: an unreadable route keeps its destination with
    // an unknown target, an unreadable destination makes the table unknown.
    let routes = table_routes(&id, Ok(rt.routes().iter().map(route).collect()), &mut |m| {
        w.warn(Diagnostic::warning("invalid-input", m).with_ids([id.clone()]))
    });
    Some(RouteTable {
        vpc_id,
        main,
        subnet_ids,
        gateway_ids,
        routes,
        tags: tags(rt.tags()),
        id,
    })
}

fn nacl_entry(e: &t::NetworkAclEntry) -> Result<NaclEntry, String> {
    let n = e.rule_number().ok_or("missing `RuleNumber`")?;
    let rule_number = u32::try_from(n)
        .ok()
        .filter(|n| (1..=32767).contains(n))
        .ok_or_else(|| format!("`RuleNumber` {n} is out of range 1-32767"))?;
    let ctx = |p: String| format!("rule {rule_number}: {p}");
    let egress = e.egress().ok_or_else(|| ctx("missing `Egress`".into()))?;
    let p = e
        .protocol()
        .ok_or_else(|| ctx("missing `Protocol`".into()))?;
    let protocol =
        Protocol::parse(p).ok_or_else(|| ctx(format!("`Protocol` {p:?} is not an IP protocol")))?;
    let action = match e.rule_action().map(|a| a.as_str()) {
        Some(a) if a.eq_ignore_ascii_case("allow") => RuleAction::Allow,
        Some(a) if a.eq_ignore_ascii_case("deny") => RuleAction::Deny,
        a => return Err(ctx(format!("`RuleAction` {a:?} is neither allow nor deny"))),
    };
    let cidr = match e.cidr_block() {
        Some(c) => Some(
            c.trim()
                .parse()
                .map_err(|_| ctx(format!("{c:?} is not an IPv4 CIDR block")))?,
        ),
        None => None,
    };
    let ipv6_cidr = match e.ipv6_cidr_block() {
        Some(c) => Some(
            c.trim()
                .parse()
                .map_err(|_| ctx(format!("{c:?} is not an IPv6 CIDR block")))?,
        ),
        None => None,
    };
    if cidr.is_none() && ipv6_cidr.is_none() {
        return Err(ctx("no `CidrBlock` or `Ipv6CidrBlock`".into()));
    }
    let port_range = match e.port_range() {
        None => None,
        Some(p) => port_range(p.from(), p.to()).map_err(ctx)?,
    };
    let icmp_type_code = match e.icmp_type_code() {
        None => None,
        Some(ic) => Some((
            icmp_value("type", ic.r#type().unwrap_or(-1)).map_err(ctx)?,
            icmp_value("code", ic.code().unwrap_or(-1)).map_err(ctx)?,
        )),
    };
    Ok(NaclEntry {
        rule_number,
        egress,
        protocol,
        action,
        cidr,
        ipv6_cidr,
        port_range,
        icmp_type_code,
    })
}

pub(crate) fn network_acl(w: &Calls, a: &t::NetworkAcl) -> Option<NetworkAcl> {
    let id = a.network_acl_id()?.to_string();
    let vpc_id = a.vpc_id()?.to_string();
    // The importer's rule: one unreadable entry skips the whole ACL, so
    // that its subnets' verdicts are unknown rather than decided by the
    // entries that remain.
    let entries = match acl_entries(a.entries().iter().map(nacl_entry)) {
        Ok(e) => e,
        Err(p) => {
            w.warn(
                Diagnostic::warning("invalid-input", format!("{id}: {p}; skipped"))
                    .with_ids([id.clone()]),
            );
            return None;
        }
    };
    Some(NetworkAcl {
        vpc_id,
        is_default: a.is_default().unwrap_or(false),
        subnet_ids: a
            .associations()
            .iter()
            .filter_map(|x| owned(x.subnet_id()))
            .collect(),
        entries,
        tags: tags(a.tags()),
        id,
    })
}

fn sg_rule(w: &Calls, id: &str, p: &t::IpPermission) -> Result<SgRule, String> {
    let proto = p.ip_protocol().ok_or("missing `IpProtocol`")?;
    let protocol = Protocol::parse(proto)
        .ok_or_else(|| format!("`IpProtocol` {proto:?} is not an IP protocol"))?;
    let (from, to) = (p.from_port(), p.to_port());
    if protocol.has_ports() {
        // Checked, then kept as AWS wrote them.
        port_range(from, to)?;
    } else if matches!(protocol, Protocol::ICMP | Protocol::ICMPV6) {
        // For ICMP the "ports" are the type and code.
        if let Some(t) = from {
            icmp_value("type (FromPort)", t)?;
        }
        if let Some(c) = to {
            icmp_value("code (ToPort)", c)?;
        }
    }
    let ipv4 = p
        .ip_ranges()
        .iter()
        .filter_map(|r| r.cidr_ip().and_then(|c| v4net(w, id, c)))
        .collect();
    let ipv6 = p
        .ipv6_ranges()
        .iter()
        .filter_map(|r| r.cidr_ipv6().and_then(|c| v6net(w, id, c)))
        .collect();
    let prefix_lists = p
        .prefix_list_ids()
        .iter()
        .filter_map(|x| owned(x.prefix_list_id()))
        .collect();
    let groups = p
        .user_id_group_pairs()
        .iter()
        .filter_map(|g| {
            Some(GroupRef {
                group_id: g.group_id()?.to_string(),
                user_id: owned(g.user_id()),
                vpc_peering_connection_id: owned(g.vpc_peering_connection_id()),
            })
        })
        .collect();
    Ok(SgRule {
        protocol,
        from_port: from,
        to_port: to,
        ipv4,
        ipv6,
        prefix_lists,
        groups,
    })
}

fn sg_rules(w: &Calls, id: &str, key: &str, perms: &[t::IpPermission]) -> Vec<SgRule> {
    let mut out = Vec::new();
    for (i, p) in perms.iter().enumerate() {
        match sg_rule(w, id, p) {
            Ok(r) => out.push(r),
            Err(p) => w.warn(
                Diagnostic::warning(
                    "invalid-input",
                    format!("{id}: {key}[{i}] (rule {}): {p}; rule skipped", i + 1),
                )
                .with_ids([id.to_string()]),
            ),
        }
    }
    out
}

pub(crate) fn security_group(w: &Calls, g: &t::SecurityGroup) -> Option<SecurityGroup> {
    let id = g.group_id()?.to_string();
    Some(SecurityGroup {
        name: g.group_name().unwrap_or_default().to_string(),
        description: g.description().unwrap_or_default().to_string(),
        vpc_id: owned(g.vpc_id()),
        owner_id: owned(g.owner_id()),
        ingress: sg_rules(w, &id, "IpPermissions", g.ip_permissions()),
        egress: sg_rules(w, &id, "IpPermissionsEgress", g.ip_permissions_egress()),
        tags: tags(g.tags()),
        id,
    })
}

/// DescribePrefixLists: AWS service lists with their CIDRs.
pub(crate) fn prefix_list(w: &Calls, p: &t::PrefixList) -> Option<PrefixList> {
    let id = p.prefix_list_id()?.to_string();
    Some(PrefixList {
        name: p.prefix_list_name().unwrap_or_default().to_string(),
        owner_id: None,
        address_family: None,
        cidrs: p.cidrs().iter().filter_map(|c| anynet(w, &id, c)).collect(),
        // An empty `Cidrs` is how a list without them comes through the SDK
        // (absent and empty look alike): its entries are fetched like a
        // customer-managed list's when a rule or route names it.
        entries_known: !p.cidrs().is_empty(),
        id,
    })
}

/// DescribeManagedPrefixLists: the list without its entries.
pub(crate) fn managed_prefix_list(p: &t::ManagedPrefixList) -> Option<PrefixList> {
    Some(PrefixList {
        id: p.prefix_list_id()?.to_string(),
        name: p.prefix_list_name().unwrap_or_default().to_string(),
        owner_id: owned(p.owner_id()),
        address_family: owned(p.address_family()),
        cidrs: Vec::new(),
        entries_known: false,
    })
}

pub(crate) fn vpc_endpoint(e: &t::VpcEndpoint) -> Option<VpcEndpoint> {
    let id = e.vpc_endpoint_id()?.to_string();
    let endpoint_type = match e
        .vpc_endpoint_type()
        .map(|t| t.as_str().to_ascii_lowercase())
    {
        Some(t) => match t.as_str() {
            "interface" => EndpointType::Interface,
            "gateway" => EndpointType::Gateway,
            "gatewayloadbalancer" => EndpointType::GatewayLoadBalancer,
            "resource" => EndpointType::Resource,
            "servicenetwork" => EndpointType::ServiceNetwork,
            _ => EndpointType::Other,
        },
        None => EndpointType::Other,
    };
    Some(VpcEndpoint {
        vpc_id: e.vpc_id()?.to_string(),
        service_name: e.service_name()?.to_string(),
        endpoint_type,
        // The SDK's `State` enum expects "Available" while the API sends
        // "available": compare the raw string, lower-cased.
        state: e.state().map(|s| s.as_str().to_ascii_lowercase()),
        subnet_ids: strings(e.subnet_ids()),
        route_table_ids: strings(e.route_table_ids()),
        security_group_ids: e
            .groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        network_interface_ids: strings(e.network_interface_ids()),
        private_dns_enabled: e.private_dns_enabled(),
        policy_document: owned(e.policy_document()),
        ip_address_type: e.ip_address_type().map(|t| t.as_str().to_string()),
        tags: tags(e.tags()),
        id,
    })
}

pub(crate) fn nat_gateway(w: &Calls, n: &t::NatGateway) -> Option<NatGateway> {
    let id = n.nat_gateway_id()?.to_string();
    let addresses = n
        .nat_gateway_addresses()
        .iter()
        .map(|a| NatAddress {
            private_ip: a.private_ip().and_then(|s| v4addr(w, &id, s)),
            public_ip: a.public_ip().and_then(|s| v4addr(w, &id, s)),
            allocation_id: owned(a.allocation_id()),
            network_interface_id: owned(a.network_interface_id()),
        })
        .collect();
    Some(NatGateway {
        vpc_id: n.vpc_id()?.to_string(),
        subnet_id: n.subnet_id()?.to_string(),
        state: n.state()?.as_str().to_ascii_lowercase(),
        connectivity_type: n
            .connectivity_type()
            .map(|c| c.as_str().to_string())
            .unwrap_or_else(|| "public".to_string()),
        addresses,
        tags: tags(n.tags()),
        id,
    })
}

/// VPCs of attachments that are in place; a detached gateway forwards
/// nothing. (`available` is not in the SDK's AttachmentStatus enum: string.)
fn attached_vpcs(a: &[t::InternetGatewayAttachment]) -> Vec<String> {
    a.iter()
        .filter(|a| {
            a.state()
                .is_none_or(|s| matches!(s.as_str(), "available" | "attached" | "attaching"))
        })
        .filter_map(|a| owned(a.vpc_id()))
        .collect()
}

pub(crate) fn internet_gateway(g: &t::InternetGateway) -> Option<InternetGateway> {
    Some(InternetGateway {
        id: g.internet_gateway_id()?.to_string(),
        vpc_ids: attached_vpcs(g.attachments()),
        tags: tags(g.tags()),
    })
}

pub(crate) fn egress_only_internet_gateway(
    g: &t::EgressOnlyInternetGateway,
) -> Option<EgressOnlyInternetGateway> {
    Some(EgressOnlyInternetGateway {
        id: g.egress_only_internet_gateway_id()?.to_string(),
        vpc_ids: attached_vpcs(g.attachments()),
    })
}

pub(crate) fn network_interface(w: &Calls, n: &t::NetworkInterface) -> Option<NetworkInterface> {
    let id = n.network_interface_id()?.to_string();
    let mut private_ips: Vec<PrivateIp> = n
        .private_ip_addresses()
        .iter()
        .filter_map(|p| {
            Some(PrivateIp {
                address: v4addr(w, &id, p.private_ip_address()?)?,
                primary: p.primary().unwrap_or(false),
                public_ip: p
                    .association()
                    .and_then(|a| a.public_ip())
                    .and_then(|s| v4addr(w, &id, s)),
            })
        })
        .collect();
    if private_ips.is_empty() {
        if let Some(a) = n.private_ip_address().and_then(|s| v4addr(w, &id, s)) {
            private_ips.push(PrivateIp {
                address: a,
                primary: true,
                public_ip: None,
            });
        }
    }
    // The top-level Association is the primary address's public IP.
    if let Some(pub_ip) = n
        .association()
        .and_then(|a| a.public_ip())
        .and_then(|s| v4addr(w, &id, s))
    {
        if let Some(p) = private_ips
            .iter_mut()
            .find(|p| p.primary)
            .filter(|p| p.public_ip.is_none())
        {
            p.public_ip = Some(pub_ip);
        }
    }
    Some(NetworkInterface {
        subnet_id: n.subnet_id()?.to_string(),
        vpc_id: n.vpc_id()?.to_string(),
        availability_zone: owned(n.availability_zone()),
        description: n.description().unwrap_or_default().to_string(),
        interface_type: n.interface_type().map(|t| t.as_str().to_string()),
        status: n.status().map(|s| s.as_str().to_string()),
        private_ips,
        ipv6_addresses: n
            .ipv6_addresses()
            .iter()
            .filter_map(|a| a.ipv6_address().and_then(|s| v4addr(w, &id, s)))
            .collect(),
        security_group_ids: n
            .groups()
            .iter()
            .filter_map(|g| owned(g.group_id()))
            .collect(),
        instance_id: n.attachment().and_then(|a| owned(a.instance_id())),
        requester_id: owned(n.requester_id()),
        requester_managed: n.requester_managed().unwrap_or(false),
        source_dest_check: n.source_dest_check().unwrap_or(true),
        tags: tags(n.tag_set()),
        id,
    })
}

pub(crate) fn dhcp_options(d: &t::DhcpOptions) -> Option<DhcpOptions> {
    let mut domain_name_servers = Vec::new();
    let mut domain_name = None;
    for c in d.dhcp_configurations() {
        let values = c.values().iter().filter_map(|v| owned(v.value()));
        match c.key() {
            Some("domain-name-servers") => domain_name_servers.extend(values),
            Some("domain-name") => domain_name = values.into_iter().next(),
            _ => {}
        }
    }
    Some(DhcpOptions {
        id: d.dhcp_options_id()?.to_string(),
        domain_name_servers,
        domain_name,
    })
}

// -------------------------------------------------------------- calls ----

/// What one VPC's calls returned. A failed call leaves its part empty and a
/// gap in the record.
#[derive(Debug, Default)]
pub(crate) struct VpcParts {
    pub vpcs: Vec<Vpc>,
    pub dhcp_options: Vec<DhcpOptions>,
    pub subnets: Vec<Subnet>,
    pub route_tables: Vec<RouteTable>,
    pub network_acls: Vec<NetworkAcl>,
    pub security_groups: Vec<SecurityGroup>,
    pub vpc_endpoints: Vec<VpcEndpoint>,
    pub nat_gateways: Vec<NatGateway>,
    pub internet_gateways: Vec<InternetGateway>,
    pub network_interfaces: Vec<NetworkInterface>,
}

/// Collect one VPC: every call below depends only on the VPC id, so all run
/// at once (bounded by `--concurrency`); only the DHCP options wait for
/// DescribeVpcs, which names them.
pub(crate) async fn vpc_parts(ctx: &Ctx, vpc_id: &str) -> VpcParts {
    let c = &ctx.calls;
    let ec2 = &ctx.ec2;
    let res = Some(vpc_id);
    let by_vpc = || filter("vpc-id", [vpc_id]);

    let vpcs = async {
        let vpcs: Vec<Vpc> = pages!(
            c,
            api::DESCRIBE_VPCS,
            res,
            ec2.describe_vpcs().vpc_ids(vpc_id).into_paginator(),
            |p| p
                .vpcs()
                .iter()
                .filter_map(|v| vpc(c, v))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default();
        // "default" means no DHCP option set: the Amazon resolver.
        let dopts: BTreeSet<String> = vpcs
            .iter()
            .filter_map(|v| v.dhcp_options_id.clone())
            .filter(|d| d != "default")
            .collect();
        let dhcp = if dopts.is_empty() {
            Vec::new()
        } else {
            let first = dopts.iter().next().cloned();
            pages!(
                c,
                api::DESCRIBE_DHCP_OPTIONS,
                first.as_deref(),
                ec2.describe_dhcp_options()
                    .set_dhcp_options_ids(Some(dopts.into_iter().collect()))
                    .into_paginator(),
                |p| p
                    .dhcp_options()
                    .iter()
                    .filter_map(dhcp_options)
                    .collect::<Vec<_>>()
            )
            .unwrap_or_default()
        };
        (vpcs, dhcp)
    };
    let attribute = |name: t::VpcAttributeName| async move {
        let out = c
            .one(
                api::DESCRIBE_VPC_ATTRIBUTE,
                res,
                ec2.describe_vpc_attribute()
                    .vpc_id(vpc_id)
                    .attribute(name.clone())
                    .send(),
            )
            .await
            .ok()?;
        let v = match name {
            t::VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
            _ => out.enable_dns_hostnames(),
        };
        v.and_then(|v| v.value())
    };
    let subnets = async {
        pages!(
            c,
            api::DESCRIBE_SUBNETS,
            res,
            ec2.describe_subnets().filters(by_vpc()).into_paginator(),
            |p| p
                .subnets()
                .iter()
                .filter_map(|s| subnet(c, s))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let route_tables = async {
        pages!(
            c,
            api::DESCRIBE_ROUTE_TABLES,
            res,
            ec2.describe_route_tables()
                .filters(by_vpc())
                .into_paginator(),
            |p| p
                .route_tables()
                .iter()
                .filter_map(|r| route_table(c, r))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let network_acls = async {
        pages!(
            c,
            api::DESCRIBE_NETWORK_ACLS,
            res,
            ec2.describe_network_acls()
                .filters(by_vpc())
                .into_paginator(),
            |p| p
                .network_acls()
                .iter()
                .filter_map(|a| network_acl(c, a))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let security_groups = async {
        pages!(
            c,
            api::DESCRIBE_SECURITY_GROUPS,
            res,
            ec2.describe_security_groups()
                .filters(by_vpc())
                .into_paginator(),
            |p| p
                .security_groups()
                .iter()
                .filter_map(|g| security_group(c, g))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let vpc_endpoints = async {
        pages!(
            c,
            api::DESCRIBE_VPC_ENDPOINTS,
            res,
            ec2.describe_vpc_endpoints()
                .filters(by_vpc())
                .into_paginator(),
            |p| p
                .vpc_endpoints()
                .iter()
                .filter_map(vpc_endpoint)
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let nat_gateways = async {
        // DescribeNatGateways spells its filter parameter `Filter`.
        pages!(
            c,
            api::DESCRIBE_NAT_GATEWAYS,
            res,
            ec2.describe_nat_gateways()
                .filter(by_vpc())
                .into_paginator(),
            |p| p
                .nat_gateways()
                .iter()
                .filter_map(|n| nat_gateway(c, n))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let internet_gateways = async {
        pages!(
            c,
            api::DESCRIBE_INTERNET_GATEWAYS,
            res,
            ec2.describe_internet_gateways()
                .filters(filter("attachment.vpc-id", [vpc_id]))
                .into_paginator(),
            |p| p
                .internet_gateways()
                .iter()
                .filter_map(internet_gateway)
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let network_interfaces = async {
        pages!(
            c,
            api::DESCRIBE_NETWORK_INTERFACES,
            res,
            ec2.describe_network_interfaces()
                .filters(by_vpc())
                .into_paginator(),
            |p| p
                .network_interfaces()
                .iter()
                .filter_map(|n| network_interface(c, n))
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    // Polled in this order, so the calls queue for `--concurrency` permits
    // (a fair semaphore) in this order: first the slowest one, whose result
    // the later steps (groups by id, prefix lists) wait for, then route
    // tables (also needed by the prefix-list step).
    let (
        security_groups,
        route_tables,
        (mut vpcs, dhcp_options),
        dns_support,
        dns_hostnames,
        subnets,
        network_acls,
        vpc_endpoints,
        nat_gateways,
        internet_gateways,
        network_interfaces,
    ) = tokio::join!(
        security_groups,
        route_tables,
        vpcs,
        attribute(t::VpcAttributeName::EnableDnsSupport),
        attribute(t::VpcAttributeName::EnableDnsHostnames),
        subnets,
        network_acls,
        vpc_endpoints,
        nat_gateways,
        internet_gateways,
        network_interfaces,
    );
    for v in &mut vpcs {
        if v.id == vpc_id {
            v.enable_dns_support = dns_support;
            v.enable_dns_hostnames = dns_hostnames;
        }
    }
    VpcParts {
        vpcs,
        dhcp_options,
        subnets,
        route_tables,
        network_acls,
        security_groups,
        vpc_endpoints,
        nat_gateways,
        internet_gateways,
        network_interfaces,
    }
}

/// Egress-only internet gateways cannot be filtered by VPC server-side
/// (only by tag): list them and keep those attached to `vpc_ids`.
pub(crate) async fn egress_only_internet_gateways(
    ctx: &Ctx,
    vpc_ids: &BTreeSet<String>,
) -> Vec<EgressOnlyInternetGateway> {
    let c = &ctx.calls;
    let all: Vec<EgressOnlyInternetGateway> = pages!(
        c,
        api::DESCRIBE_EGRESS_ONLY_INTERNET_GATEWAYS,
        None,
        ctx.ec2
            .describe_egress_only_internet_gateways()
            .into_paginator(),
        |p| p
            .egress_only_internet_gateways()
            .iter()
            .filter_map(egress_only_internet_gateway)
            .collect::<Vec<_>>()
    )
    .unwrap_or_default();
    all.into_iter()
        .filter(|g| g.vpc_ids.iter().any(|v| vpc_ids.contains(v)))
        .collect()
}

/// The region's AWS service prefix lists (S3, DynamoDB...), with CIDRs.
pub(crate) async fn aws_prefix_lists(ctx: &Ctx) -> Vec<PrefixList> {
    let c = &ctx.calls;
    pages!(
        c,
        api::DESCRIBE_PREFIX_LISTS,
        None,
        ctx.ec2.describe_prefix_lists().into_paginator(),
        |p| p
            .prefix_lists()
            .iter()
            .filter_map(|l| prefix_list(c, l))
            .collect::<Vec<_>>()
    )
    .unwrap_or_default()
}

/// Security groups by id (filter `group-id`, which, unlike `GroupIds`,
/// does not fail the whole call when one of them no longer exists).
pub(crate) async fn security_groups_by_id(ctx: &Ctx, ids: &BTreeSet<String>) -> Vec<SecurityGroup> {
    let c = &ctx.calls;
    let first = ids.iter().next().cloned();
    pages!(
        c,
        api::DESCRIBE_SECURITY_GROUPS,
        first.as_deref(),
        ctx.ec2
            .describe_security_groups()
            .filters(filter("group-id", ids.iter().cloned()))
            .into_paginator(),
        |p| p
            .security_groups()
            .iter()
            .filter_map(|g| security_group(c, g))
            .collect::<Vec<_>>()
    )
    .unwrap_or_default()
}

/// Referenced prefix lists whose entries are not known yet: their
/// description (name, owner) and entries, all at once.
pub(crate) async fn managed_prefix_lists(
    ctx: &std::sync::Arc<Ctx>,
    ids: &BTreeSet<String>,
) -> Vec<PrefixList> {
    let c = &ctx.calls;
    let first = ids.iter().next().cloned();
    let described = async {
        pages!(
            c,
            api::DESCRIBE_MANAGED_PREFIX_LISTS,
            first.as_deref(),
            ctx.ec2
                .describe_managed_prefix_lists()
                .filters(filter("prefix-list-id", ids.iter().cloned()))
                .into_paginator(),
            |p| p
                .prefix_lists()
                .iter()
                .filter_map(managed_prefix_list)
                .collect::<Vec<_>>()
        )
        .unwrap_or_default()
    };
    let entries = async {
        let mut set = tokio::task::JoinSet::new();
        for id in ids {
            let ctx = std::sync::Arc::clone(ctx);
            let id = id.clone();
            set.spawn(async move {
                let c = &ctx.calls;
                let cidrs: Option<Vec<IpNet>> = pages!(
                    c,
                    api::GET_MANAGED_PREFIX_LIST_ENTRIES,
                    Some(id.as_str()),
                    ctx.ec2
                        .get_managed_prefix_list_entries()
                        .prefix_list_id(&id)
                        .into_paginator(),
                    |p| p
                        .entries()
                        .iter()
                        .filter_map(|e| e.cidr().and_then(|s| anynet(c, &id, s)))
                        .collect::<Vec<_>>()
                )
                .ok();
                (id, cidrs)
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            if let Ok(x) = r {
                out.push(x);
            }
        }
        out
    };
    let (described, entries) = tokio::join!(described, entries);
    let mut lists = described;
    for (id, cidrs) in entries {
        let Some(cidrs) = cidrs else { continue };
        let entry_view = PrefixList {
            id: id.clone(),
            name: String::new(),
            owner_id: None,
            address_family: None,
            cidrs,
            entries_known: true,
        };
        match lists.iter_mut().find(|l| l.id == id) {
            Some(l) => {
                l.cidrs = entry_view.cidrs;
                l.entries_known = true;
            }
            None => lists.push(entry_view),
        }
    }
    lists
}
