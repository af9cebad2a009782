//! EC2 API responses (DescribeVpcs, DescribeSubnets, ...) -> snapshot items.
//!
//! One function per response item. Each returns `Err(problem)` when the item
//! cannot be used at all (missing id, unusable required field) and warns
//! through the [`Sink`] about optional fields it has to drop.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde_json::Value;

use super::json::*;
use crate::snapshot::*;

/// CIDR-association states that mean the block is (or is becoming) part of
/// the VPC or subnet; `disassociated`/`failed` blocks route nothing.
fn association_live(o: &Obj, state_key: &str) -> bool {
    match nested_str(o, state_key, "State") {
        Ok(Some(s)) => matches!(s.as_str(), "associated" | "associating"),
        _ => true,
    }
}

pub(crate) fn vpc(o: &Obj, s: &mut Sink) -> Result<Vpc, Problem> {
    let id = req_str(o, "VpcId")?.to_string();
    let mut cidr_blocks: Vec<Ipv4Net> = Vec::new();
    if let Some(c) = s.soft(&id, opt_v4net(o, "CidrBlock")) {
        cidr_blocks.push(c);
    }
    for a in s.soft(&id, opt_list(o, "CidrBlockAssociationSet")) {
        let Value::Object(a) = a else { continue };
        if !association_live(a, "CidrBlockState") {
            continue;
        }
        if let Some(c) = s.soft(&id, opt_v4net(a, "CidrBlock")) {
            if !cidr_blocks.contains(&c) {
                cidr_blocks.push(c);
            }
        }
    }
    let mut ipv6_cidr_blocks: Vec<Ipv6Net> = Vec::new();
    for a in s.soft(&id, opt_list(o, "Ipv6CidrBlockAssociationSet")) {
        let Value::Object(a) = a else { continue };
        if !association_live(a, "Ipv6CidrBlockState") {
            continue;
        }
        if let Some(c) = s.soft(&id, opt_v6net(a, "Ipv6CidrBlock")) {
            if !ipv6_cidr_blocks.contains(&c) {
                ipv6_cidr_blocks.push(c);
            }
        }
    }
    Ok(Vpc {
        owner_id: s.soft(&id, opt_string(o, "OwnerId")),
        cidr_blocks,
        ipv6_cidr_blocks,
        dhcp_options_id: s.soft(&id, opt_string(o, "DhcpOptionsId")),
        instance_tenancy: s.soft(&id, opt_string(o, "InstanceTenancy")),
        is_default: s.soft(&id, opt_bool(o, "IsDefault")).unwrap_or(false),
        enable_dns_support: None,
        enable_dns_hostnames: None,
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

/// DescribeVpcAttribute: `{"VpcId": .., "EnableDnsSupport": {"Value": true}}`.
/// Returns (vpc id, enableDnsSupport, enableDnsHostnames).
pub(crate) fn vpc_attribute(
    o: &Obj,
    s: &mut Sink,
) -> Result<(String, Option<bool>, Option<bool>), Problem> {
    let id = req_str(o, "VpcId")?.to_string();
    let mut attr = |key: &str| -> Option<bool> {
        let r = opt_obj(o, key).and_then(|m| match m {
            None => Ok(None),
            Some(m) => opt_bool(m, "Value").map_err(|p| format!("`{key}`: {p}")),
        });
        s.soft(&id, r)
    };
    let support = attr("EnableDnsSupport");
    let hostnames = attr("EnableDnsHostnames");
    Ok((id, support, hostnames))
}

pub(crate) fn subnet(o: &Obj, s: &mut Sink) -> Result<Subnet, Problem> {
    let id = req_str(o, "SubnetId")?.to_string();
    let vpc_id = req_str(o, "VpcId")?.to_string();
    let mut ipv6_cidrs = Vec::new();
    for a in s.soft(&id, opt_list(o, "Ipv6CidrBlockAssociationSet")) {
        let Value::Object(a) = a else { continue };
        if !association_live(a, "Ipv6CidrBlockState") {
            continue;
        }
        if let Some(c) = s.soft(&id, opt_v6net(a, "Ipv6CidrBlock")) {
            ipv6_cidrs.push(c);
        }
    }
    let count = s.soft(&id, opt_int(o, "AvailableIpAddressCount"));
    let available_ip_address_count = count.and_then(|c| match u32::try_from(c) {
        Ok(c) => Some(c),
        Err(_) => {
            s.invalid_field(&id, &format!("`AvailableIpAddressCount` {c} is negative"));
            None
        }
    });
    Ok(Subnet {
        vpc_id,
        cidr: s.soft(&id, opt_v4net(o, "CidrBlock")),
        ipv6_cidrs,
        availability_zone: s.soft(&id, opt_string(o, "AvailabilityZone")),
        availability_zone_id: s.soft(&id, opt_string(o, "AvailabilityZoneId")),
        available_ip_address_count,
        map_public_ip_on_launch: s
            .soft(&id, opt_bool(o, "MapPublicIpOnLaunch"))
            .unwrap_or(false),
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

pub(crate) fn route_table(o: &Obj, s: &mut Sink) -> Result<RouteTable, Problem> {
    let id = req_str(o, "RouteTableId")?.to_string();
    let vpc_id = req_str(o, "VpcId")?.to_string();
    let mut main = false;
    let mut subnet_ids = Vec::new();
    let mut gateway_ids = Vec::new();
    for (i, a) in s.soft(&id, opt_list(o, "Associations")).iter().enumerate() {
        let Value::Object(a) = a else {
            s.invalid_field(&id, &format!("Associations[{i}] is not an object"));
            continue;
        };
        // A disassociated (or failed) association no longer binds anything.
        if let Ok(Some(state)) = nested_str(a, "AssociationState", "State") {
            if matches!(
                state.as_str(),
                "disassociated" | "disassociating" | "failed"
            ) {
                continue;
            }
        }
        match association(a) {
            Ok((m, sub, gw)) => {
                main |= m;
                subnet_ids.extend(sub);
                gateway_ids.extend(gw);
            }
            Err(p) => s.invalid_field(&id, &format!("Associations[{i}]: {p}")),
        }
    }
    let reads = opt_list(o, "Routes").map(|listed| {
        listed
            .iter()
            .map(|r| match r {
                Value::Object(r) => route(r),
                _ => RouteRead::NoDestination("not an object".into()),
            })
            .collect()
    });
    let routes = table_routes(&id, reads, &mut |m| s.warn("invalid-input", &[&id], m));
    Ok(RouteTable {
        vpc_id,
        main,
        subnet_ids,
        gateway_ids,
        routes,
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

/// One route-table association: (main, subnet, edge gateway).
fn association(a: &Obj) -> Result<(bool, Option<String>, Option<String>), Problem> {
    Ok((
        opt_bool(a, "Main")?.unwrap_or(false),
        opt_string(a, "SubnetId")?,
        opt_string(a, "GatewayId")?,
    ))
}

/// The target of a route that could not be read: the engine treats it
/// like any target outside the snapshot, so the flows it matches are
/// unknown.
pub(crate) const UNREADABLE_TARGET: &str = "unreadable-route-target";

/// How one route of a table was read, by the importer (AWS JSON) and by
/// the live collector (SDK types) alike: [`table_routes`] then applies one
/// rule to both.
pub(crate) enum RouteRead {
    Route(Route),
    /// The destination is known, the rest (target, state) is not.
    NoTarget {
        destination: RouteDestination,
        blackhole: bool,
        problem: Problem,
    },
    /// The destination is unreadable: no lookup in the table can be trusted.
    NoDestination(Problem),
}

/// The routes of table `id` from what could be read of them (`Err`: the
/// route list itself is unreadable), warning through `warn`.
///
/// Skipping an unreadable route could let a less specific one carry
/// traffic that the real route drops or sends elsewhere, turning "blocked"
/// into "reachable". So a route whose destination is known keeps it, with
/// an unknown target (the flows it matches are unknown); a route whose
/// destination is unreadable makes every lookup in this table unknown
/// (issue 6).
pub(crate) fn table_routes(
    id: &str,
    reads: Result<Vec<RouteRead>, Problem>,
    warn: &mut dyn FnMut(String),
) -> Vec<Route> {
    let unknown_table = || {
        vec![Route {
            destination: RouteDestination::Ipv4(Ipv4Net::default()),
            target: RouteTarget::Other(UNREADABLE_TARGET.into()),
            active: true,
            origin: None,
        }]
    };
    let reads = match reads {
        Ok(r) => r,
        Err(p) => {
            warn(format!("{id}: {p}; every route of {id} is unknown"));
            return unknown_table();
        }
    };
    let mut routes = Vec::new();
    let mut table_unknown = false;
    for (i, r) in reads.into_iter().enumerate() {
        match r {
            RouteRead::Route(r) => routes.push(r),
            RouteRead::NoDestination(p) => {
                warn(format!(
                    "{id}: Routes[{i}]: {p}; every route of {id} is unknown"
                ));
                table_unknown = true;
            }
            RouteRead::NoTarget {
                destination,
                blackhole,
                problem,
            } => {
                warn(format!(
                    "{id}: Routes[{i}]: {problem}; the route to {destination} is kept with an \
                     unknown target"
                ));
                routes.push(Route {
                    destination,
                    target: RouteTarget::Other(UNREADABLE_TARGET.into()),
                    active: !blackhole,
                    origin: None,
                });
            }
        }
    }
    if table_unknown {
        return unknown_table();
    }
    routes
}

/// A NACL's entries from what could be read of them.
///
/// Entries apply in rule order, first match wins: without one of them (a
/// deny, say) the others could let through what the ACL stops. So one
/// unreadable entry skips the whole ACL (`Err`); its subnets then have no
/// known ACL and every verdict through them is unknown (issue 6). The
/// importer and the live collector both go through here.
pub(crate) fn acl_entries(
    reads: impl IntoIterator<Item = Result<NaclEntry, Problem>>,
) -> Result<Vec<NaclEntry>, Problem> {
    let mut entries = Vec::new();
    for (i, e) in reads.into_iter().enumerate() {
        match e {
            Ok(e) => entries.push(e),
            Err(p) => return Err(format!("Entries[{i}]: {p}; {WHOLE_ACL}")),
        }
    }
    Ok(entries)
}

pub(crate) const WHOLE_ACL: &str = "the whole ACL is skipped: its rules apply in order, so the \
                                    others prove nothing without this one";

fn route_destination(o: &Obj) -> Result<RouteDestination, Problem> {
    Ok(if let Some(c) = opt_v4net(o, "DestinationCidrBlock")? {
        RouteDestination::Ipv4(c)
    } else if let Some(c) = opt_v6net(o, "DestinationIpv6CidrBlock")? {
        RouteDestination::Ipv6(c)
    } else if let Some(p) = opt_str(o, "DestinationPrefixListId")? {
        RouteDestination::PrefixList(p.to_string())
    } else {
        return Err(
            "no destination (DestinationCidrBlock, DestinationIpv6CidrBlock or \
             DestinationPrefixListId)"
                .into(),
        );
    })
}

fn route(o: &Obj) -> RouteRead {
    let destination = match route_destination(o) {
        Ok(d) => d,
        Err(p) => return RouteRead::NoDestination(p),
    };
    let rest = || -> Result<Route, Problem> {
        let active = !opt_str(o, "State")?.is_some_and(|st| st.eq_ignore_ascii_case("blackhole"));
        Ok(Route {
            destination: destination.clone(),
            target: route_target(o)?,
            active,
            origin: opt_string(o, "Origin")?,
        })
    };
    match rest() {
        Ok(r) => RouteRead::Route(r),
        Err(problem) => RouteRead::NoTarget {
            blackhole: opt_str(o, "State")
                .ok()
                .flatten()
                .is_some_and(|st| st.eq_ignore_ascii_case("blackhole")),
            destination,
            problem,
        },
    }
}

fn route_target(o: &Obj) -> Result<RouteTarget, Problem> {
    // A route to an instance also shows the instance's primary ENI; the
    // instance is what the user configured.
    if let Some(i) = opt_str(o, "InstanceId")? {
        return Ok(RouteTarget::Instance(i.to_string()));
    }
    if let Some(g) = opt_str(o, "GatewayId")? {
        return Ok(gateway_target(g));
    }
    type Make = fn(String) -> RouteTarget;
    let keyed: [(&str, Make); 8] = [
        ("NatGatewayId", RouteTarget::NatGateway),
        ("NetworkInterfaceId", RouteTarget::NetworkInterface),
        ("VpcPeeringConnectionId", RouteTarget::VpcPeeringConnection),
        ("TransitGatewayId", RouteTarget::TransitGateway),
        (
            "EgressOnlyInternetGatewayId",
            RouteTarget::EgressOnlyInternetGateway,
        ),
        ("CarrierGatewayId", RouteTarget::CarrierGateway),
        ("LocalGatewayId", RouteTarget::LocalGateway),
        ("CoreNetworkArn", RouteTarget::CoreNetwork),
    ];
    for (key, make) in keyed {
        if let Some(v) = opt_str(o, key)? {
            return Ok(make(v.to_string()));
        }
    }
    Err("no target (GatewayId, NatGatewayId, NetworkInterfaceId, ...)".into())
}

/// `GatewayId` holds several kinds of target, told apart by the id prefix
/// (the collector reads the same field).
pub(crate) fn gateway_target(g: &str) -> RouteTarget {
    let g = g.to_string();
    if g == "local" {
        RouteTarget::Local
    } else if g.starts_with("igw-") {
        RouteTarget::InternetGateway(g)
    } else if g.starts_with("vpce-") {
        RouteTarget::VpcEndpoint(g)
    } else if g.starts_with("vgw-") {
        RouteTarget::VirtualPrivateGateway(g)
    } else if g.starts_with("eigw-") {
        RouteTarget::EgressOnlyInternetGateway(g)
    } else if g.starts_with("nat-") {
        RouteTarget::NatGateway(g)
    } else {
        RouteTarget::Other(g)
    }
}

pub(crate) fn network_acl(o: &Obj, s: &mut Sink) -> Result<NetworkAcl, Problem> {
    let id = req_str(o, "NetworkAclId")?.to_string();
    let vpc_id = req_str(o, "VpcId")?.to_string();
    let subnet_ids = s.soft(&id, list_field(o, "Associations", "SubnetId"));
    let listed = opt_list(o, "Entries").map_err(|p| format!("{p}; {WHOLE_ACL}"))?;
    let entries = acl_entries(listed.iter().map(|e| match e {
        Value::Object(e) => nacl_entry(e),
        _ => Err("not an object".to_string()),
    }))?;
    Ok(NetworkAcl {
        vpc_id,
        is_default: s.soft(&id, opt_bool(o, "IsDefault")).unwrap_or(false),
        subnet_ids,
        entries,
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

fn nacl_entry(o: &Obj) -> Result<NaclEntry, Problem> {
    let n = opt_int(o, "RuleNumber")?.ok_or("missing `RuleNumber`")?;
    // 1..=32766 are user rules, 32767 is the implicit `*` deny.
    let rule_number = u32::try_from(n)
        .ok()
        .filter(|n| (1..=32767).contains(n))
        .ok_or_else(|| format!("`RuleNumber` {n} is out of range 1-32767"))?;
    let egress = req_bool(o, "Egress").map_err(|p| format!("rule {rule_number}: {p}"))?;
    let ctx = |p: Problem| format!("rule {rule_number}: {p}");
    let protocol = protocol("Protocol", req(o, "Protocol").map_err(ctx)?).map_err(ctx)?;
    let action = match req_str(o, "RuleAction").map_err(ctx)? {
        a if a.eq_ignore_ascii_case("allow") => RuleAction::Allow,
        a if a.eq_ignore_ascii_case("deny") => RuleAction::Deny,
        a => return Err(ctx(format!("`RuleAction` {a:?} is neither allow nor deny"))),
    };
    let cidr = opt_v4net(o, "CidrBlock").map_err(ctx)?;
    let ipv6_cidr = opt_v6net(o, "Ipv6CidrBlock").map_err(ctx)?;
    if cidr.is_none() && ipv6_cidr.is_none() {
        return Err(ctx("no `CidrBlock` or `Ipv6CidrBlock`".into()));
    }
    let port_range = match opt_obj(o, "PortRange").map_err(ctx)? {
        None => None,
        Some(p) => port_range(
            opt_int(p, "From").map_err(ctx)?,
            opt_int(p, "To").map_err(ctx)?,
        )
        .map_err(ctx)?,
    };
    let icmp_type_code = match opt_obj(o, "IcmpTypeCode").map_err(ctx)? {
        None => None,
        Some(ic) => {
            let t = opt_int(ic, "Type").map_err(ctx)?.unwrap_or(-1);
            let c = opt_int(ic, "Code").map_err(ctx)?.unwrap_or(-1);
            Some((
                icmp_value("type", t).map_err(ctx)?,
                icmp_value("code", c).map_err(ctx)?,
            ))
        }
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

pub(crate) fn security_group(o: &Obj, s: &mut Sink) -> Result<SecurityGroup, Problem> {
    let id = req_str(o, "GroupId")?.to_string();
    let ingress = sg_rules(o, "IpPermissions", &id, s);
    let egress = sg_rules(o, "IpPermissionsEgress", &id, s);
    Ok(SecurityGroup {
        name: s.soft(&id, opt_string(o, "GroupName")).unwrap_or_default(),
        description: s
            .soft(&id, opt_string(o, "Description"))
            .unwrap_or_default(),
        vpc_id: s.soft(&id, opt_string(o, "VpcId")),
        owner_id: s.soft(&id, opt_string(o, "OwnerId")),
        ingress,
        egress,
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

/// The permissions in AWS order: witnesses number rules from 1 in this order.
fn sg_rules(o: &Obj, key: &str, id: &str, s: &mut Sink) -> Vec<SgRule> {
    let mut out = Vec::new();
    for (i, p) in s.soft(id, opt_list(o, key)).iter().enumerate() {
        let n = i + 1;
        let res = match p {
            Value::Object(p) => sg_rule(p, id, key, n, s),
            _ => Err("not an object".to_string()),
        };
        match res {
            Ok(r) => out.push(r),
            Err(p) => s.warn(
                "invalid-input",
                &[id],
                format!("{id}: {key}[{}] (rule {n}): {p}; rule skipped", n - 1),
            ),
        }
    }
    out
}

fn sg_rule(o: &Obj, id: &str, key: &str, n: usize, s: &mut Sink) -> Result<SgRule, Problem> {
    let protocol = protocol("IpProtocol", req(o, "IpProtocol")?)?;
    let from = opt_int(o, "FromPort")?;
    let to = opt_int(o, "ToPort")?;
    let (from_port, to_port) = if protocol.has_ports() {
        // Checked, then kept as AWS wrote them.
        port_range(from, to)?;
        (from, to)
    } else if matches!(protocol, Protocol::ICMP | Protocol::ICMPV6) {
        // For ICMP the "ports" are the type and code.
        (
            from.map(|t| icmp_value("type (FromPort)", t))
                .transpose()?
                .map(i64::from),
            to.map(|c| icmp_value("code (ToPort)", c))
                .transpose()?
                .map(i64::from),
        )
    } else {
        (from, to)
    };
    let to_i32 = |v: Option<i64>| -> Result<Option<i32>, Problem> {
        v.map(|v| i32::try_from(v).map_err(|_| format!("port {v} is out of range")))
            .transpose()
    };
    // Peers: a bad one is dropped, the rest of the rule stands.
    let here = format!("{key} rule {n}");
    let bad = |s: &mut Sink, p: Problem| s.invalid_field(id, &format!("{here}: {p}"));
    let mut ipv4 = Vec::new();
    match list_field(o, "IpRanges", "CidrIp") {
        Ok(l) => {
            for c in l {
                match v4net(&c) {
                    Ok(c) => ipv4.push(c),
                    Err(p) => bad(s, format!("IpRanges: {p}")),
                }
            }
        }
        Err(p) => bad(s, p),
    }
    let mut ipv6 = Vec::new();
    match list_field(o, "Ipv6Ranges", "CidrIpv6") {
        Ok(l) => {
            for c in l {
                match v6net(&c) {
                    Ok(c) => ipv6.push(c),
                    Err(p) => bad(s, format!("Ipv6Ranges: {p}")),
                }
            }
        }
        Err(p) => bad(s, p),
    }
    let prefix_lists = list_field(o, "PrefixListIds", "PrefixListId").unwrap_or_else(|p| {
        bad(s, p);
        Vec::new()
    });
    let groups = sub_items_at(s, id, &here, o, "UserIdGroupPairs", |g| {
        Ok(GroupRef {
            group_id: req_str(g, "GroupId")?.to_string(),
            user_id: opt_string(g, "UserId")?,
            vpc_peering_connection_id: opt_string(g, "VpcPeeringConnectionId")?,
        })
    });
    Ok(SgRule {
        protocol,
        from_port: to_i32(from_port)?,
        to_port: to_i32(to_port)?,
        ipv4,
        ipv6,
        prefix_lists,
        groups,
    })
}

/// DescribePrefixLists items carry `Cidrs`; DescribeManagedPrefixLists
/// items do not (their entries need GetManagedPrefixListEntries).
pub(crate) fn prefix_list(o: &Obj, s: &mut Sink) -> Result<PrefixList, Problem> {
    let id = req_str(o, "PrefixListId")?.to_string();
    let entries_known = get(o, "Cidrs").is_some();
    let mut cidrs: Vec<IpNet> = Vec::new();
    for c in s.soft(&id, str_list(o, "Cidrs")) {
        match ipnet(&c) {
            Ok(c) => cidrs.push(c),
            Err(p) => s.invalid_field(&id, &format!("Cidrs: {p}")),
        }
    }
    Ok(PrefixList {
        name: s
            .soft(&id, opt_string(o, "PrefixListName"))
            .unwrap_or_default(),
        owner_id: s.soft(&id, opt_string(o, "OwnerId")),
        address_family: s.soft(&id, opt_string(o, "AddressFamily")),
        cidrs,
        entries_known,
        id,
    })
}

/// GetManagedPrefixListEntries: `Entries: [{Cidr, Description}]` of the list
/// named in the file name.
pub(crate) fn prefix_list_entries(pl_id: &str, v: &Value, s: &mut Sink) -> PrefixList {
    let cidrs = each(s, "Entries", v, "Cidr", |e, _| ipnet(req_str(e, "Cidr")?));
    PrefixList {
        id: pl_id.to_string(),
        name: String::new(),
        owner_id: None,
        address_family: None,
        cidrs,
        entries_known: true,
    }
}

pub(crate) fn vpc_endpoint(o: &Obj, s: &mut Sink) -> Result<VpcEndpoint, Problem> {
    let id = req_str(o, "VpcEndpointId")?.to_string();
    let vpc_id = req_str(o, "VpcId")?.to_string();
    let service_name = req_str(o, "ServiceName")?.to_string();
    let endpoint_type = match s.soft(&id, opt_str(o, "VpcEndpointType")) {
        Some(t) => match t.to_ascii_lowercase().as_str() {
            "interface" => EndpointType::Interface,
            "gateway" => EndpointType::Gateway,
            "gatewayloadbalancer" => EndpointType::GatewayLoadBalancer,
            "resource" => EndpointType::Resource,
            "servicenetwork" => EndpointType::ServiceNetwork,
            _ => EndpointType::Other,
        },
        None => {
            s.invalid_field(&id, "missing `VpcEndpointType`; type recorded as other");
            EndpointType::Other
        }
    };
    Ok(VpcEndpoint {
        vpc_id,
        service_name,
        endpoint_type,
        state: s
            .soft(&id, opt_str(o, "State"))
            .map(str::to_ascii_lowercase),
        subnet_ids: s.soft(&id, str_list(o, "SubnetIds")),
        route_table_ids: s.soft(&id, str_list(o, "RouteTableIds")),
        security_group_ids: s.soft(&id, list_field(o, "Groups", "GroupId")),
        network_interface_ids: s.soft(&id, str_list(o, "NetworkInterfaceIds")),
        private_dns_enabled: s.soft(&id, opt_bool(o, "PrivateDnsEnabled")),
        policy_document: s.soft(&id, opt_string(o, "PolicyDocument")),
        ip_address_type: s.soft(&id, opt_string(o, "IpAddressType")),
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

pub(crate) fn nat_gateway(o: &Obj, s: &mut Sink) -> Result<NatGateway, Problem> {
    let id = req_str(o, "NatGatewayId")?.to_string();
    let vpc_id = req_str(o, "VpcId")?.to_string();
    let subnet_id = req_str(o, "SubnetId")?.to_string();
    let state = req_str(o, "State")?.to_ascii_lowercase();
    let addresses = sub_items(s, &id, o, "NatGatewayAddresses", |a| {
        Ok(NatAddress {
            private_ip: opt_v4addr(a, "PrivateIp")?,
            public_ip: opt_v4addr(a, "PublicIp")?,
            allocation_id: opt_string(a, "AllocationId")?,
            network_interface_id: opt_string(a, "NetworkInterfaceId")?,
        })
    });
    Ok(NatGateway {
        vpc_id,
        subnet_id,
        state,
        connectivity_type: s
            .soft(&id, opt_string(o, "ConnectivityType"))
            .unwrap_or_else(|| "public".to_string()),
        addresses,
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

/// VPCs of gateway `Attachments` that are in place (`available` for an
/// IGW, `attached` for a VGW or egress-only IGW); a detached gateway
/// forwards nothing.
fn attached_vpcs(o: &Obj, key: &str, id: &str, s: &mut Sink) -> Vec<String> {
    let vpcs = sub_items(s, id, o, key, |a| {
        let vpc = req_str(a, "VpcId")?;
        let live = opt_str(a, "State")?
            .is_none_or(|st| matches!(st, "available" | "attached" | "attaching"));
        Ok(live.then(|| vpc.to_string()))
    });
    vpcs.into_iter().flatten().collect()
}

pub(crate) fn internet_gateway(o: &Obj, s: &mut Sink) -> Result<InternetGateway, Problem> {
    let id = req_str(o, "InternetGatewayId")?.to_string();
    Ok(InternetGateway {
        vpc_ids: attached_vpcs(o, "Attachments", &id, s),
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    })
}

pub(crate) fn egress_only_internet_gateway(
    o: &Obj,
    s: &mut Sink,
) -> Result<EgressOnlyInternetGateway, Problem> {
    let id = req_str(o, "EgressOnlyInternetGatewayId")?.to_string();
    Ok(EgressOnlyInternetGateway {
        vpc_ids: attached_vpcs(o, "Attachments", &id, s),
        id,
    })
}

pub(crate) fn vpn_gateway(o: &Obj, s: &mut Sink) -> Result<VpnGateway, Problem> {
    let id = req_str(o, "VpnGatewayId")?.to_string();
    Ok(VpnGateway {
        vpc_ids: attached_vpcs(o, "VpcAttachments", &id, s),
        state: s.soft(&id, opt_string(o, "State")),
        id,
    })
}

fn private_ip(o: &Obj) -> Result<PrivateIp, Problem> {
    Ok(PrivateIp {
        address: v4addr(req_str(o, "PrivateIpAddress")?)?,
        primary: opt_bool(o, "Primary")?.unwrap_or(false),
        public_ip: match opt_obj(o, "Association")? {
            Some(a) => opt_v4addr(a, "PublicIp").map_err(|p| format!("`Association`: {p}"))?,
            None => None,
        },
    })
}

/// DescribeNetworkInterfaces items, and the ENIs embedded in
/// DescribeInstances (`instance_id` given: their attachment names none).
pub(crate) fn network_interface(
    o: &Obj,
    s: &mut Sink,
    instance_id: Option<&str>,
) -> Result<NetworkInterface, Problem> {
    let id = req_str(o, "NetworkInterfaceId")?.to_string();
    let subnet_id = req_str(o, "SubnetId")?.to_string();
    let vpc_id = req_str(o, "VpcId")?.to_string();
    let mut private_ips = sub_items(s, &id, o, "PrivateIpAddresses", private_ip);
    if private_ips.is_empty() {
        if let Some(a) = s.soft(&id, opt_v4addr(o, "PrivateIpAddress")) {
            private_ips.push(PrivateIp {
                address: a,
                primary: true,
                public_ip: None,
            });
        }
    }
    // The top-level Association is the primary address's public IP.
    let assoc = s.soft(&id, opt_obj(o, "Association"));
    if let Some(pub_ip) = assoc.and_then(|a| s.soft(&id, opt_v4addr(a, "PublicIp"))) {
        let primary = private_ips
            .iter_mut()
            .find(|p| p.primary)
            .filter(|p| p.public_ip.is_none());
        if let Some(p) = primary {
            p.public_ip = Some(pub_ip);
        }
    }
    let mut ipv6_addresses = Vec::new();
    for a in s.soft(&id, list_field(o, "Ipv6Addresses", "Ipv6Address")) {
        match v6addr(&a) {
            Ok(a) => ipv6_addresses.push(a),
            Err(p) => s.invalid_field(&id, &format!("Ipv6Addresses: {p}")),
        }
    }
    let attachment = s.soft(&id, opt_obj(o, "Attachment"));
    let attached_instance = match attachment {
        Some(a) => s.soft(&id, opt_string(a, "InstanceId")),
        None => None,
    };
    let mut tag_set = s.soft(&id, tags(o, "TagSet"));
    if tag_set.is_empty() {
        tag_set = s.soft(&id, tags(o, "Tags"));
    }
    Ok(NetworkInterface {
        subnet_id,
        vpc_id,
        availability_zone: s.soft(&id, opt_string(o, "AvailabilityZone")),
        description: s
            .soft(&id, opt_string(o, "Description"))
            .unwrap_or_default(),
        interface_type: s.soft(&id, opt_string(o, "InterfaceType")),
        status: s.soft(&id, opt_string(o, "Status")),
        private_ips,
        ipv6_addresses,
        security_group_ids: s.soft(&id, list_field(o, "Groups", "GroupId")),
        instance_id: attached_instance.or_else(|| instance_id.map(str::to_string)),
        requester_id: s.soft(&id, opt_string(o, "RequesterId")),
        requester_managed: s
            .soft(&id, opt_bool(o, "RequesterManaged"))
            .unwrap_or(false),
        source_dest_check: s.soft(&id, opt_bool(o, "SourceDestCheck")).unwrap_or(true),
        tags: tag_set,
        id,
    })
}

/// One reservation of DescribeInstances: its instances, and the ENIs they
/// embed (used when DescribeNetworkInterfaces did not list them).
pub(crate) fn reservation(
    o: &Obj,
    s: &mut Sink,
) -> Result<Vec<(Instance, Vec<NetworkInterface>)>, Problem> {
    let instances = opt_list(o, "Instances")?;
    Ok(each_in(s, "Instances", instances, "InstanceId", instance))
}

fn instance(o: &Obj, s: &mut Sink) -> Result<(Instance, Vec<NetworkInterface>), Problem> {
    let id = req_str(o, "InstanceId")?.to_string();
    let az = s.soft(&id, nested_str(o, "Placement", "AvailabilityZone"));
    let mut enis = Vec::new();
    let mut network_interface_ids = Vec::new();
    for (i, n) in s
        .soft(&id, opt_list(o, "NetworkInterfaces"))
        .iter()
        .enumerate()
    {
        let Value::Object(n) = n else {
            s.invalid_field(&id, &format!("NetworkInterfaces[{i}] is not an object"));
            continue;
        };
        match req_str(n, "NetworkInterfaceId") {
            Ok(e) => network_interface_ids.push(e.to_string()),
            Err(p) => {
                s.invalid_field(&id, &format!("NetworkInterfaces[{i}]: {p}"));
                continue;
            }
        }
        // Quietly: DescribeNetworkInterfaces, if captured, is the reference
        // and warnings would repeat there.
        let mut quiet = Sink::default();
        if let Ok(mut eni) = network_interface(n, &mut quiet, Some(&id)) {
            if quiet.diags.is_empty() {
                // The embedded form omits the zone: the instance's.
                if eni.availability_zone.is_none() {
                    eni.availability_zone.clone_from(&az);
                }
                enis.push(eni);
            }
        }
    }
    let inst = Instance {
        subnet_id: s.soft(&id, opt_string(o, "SubnetId")),
        vpc_id: s.soft(&id, opt_string(o, "VpcId")),
        state: s.soft(&id, nested_str(o, "State", "Name")),
        private_ip: s.soft(&id, opt_v4addr(o, "PrivateIpAddress")),
        public_ip: s.soft(&id, opt_v4addr(o, "PublicIpAddress")),
        network_interface_ids,
        security_group_ids: s.soft(&id, list_field(o, "SecurityGroups", "GroupId")),
        source_dest_check: s.soft(&id, opt_bool(o, "SourceDestCheck")).unwrap_or(true),
        tags: s.soft(&id, tags(o, "Tags")),
        id,
    };
    Ok((inst, enis))
}

pub(crate) fn dhcp_options(o: &Obj, s: &mut Sink) -> Result<DhcpOptions, Problem> {
    let id = req_str(o, "DhcpOptionsId")?.to_string();
    let mut domain_name_servers = Vec::new();
    let mut domain_name = None;
    let configs = sub_items(s, &id, o, "DhcpConfigurations", |c| {
        Ok((
            req_str(c, "Key")?.to_string(),
            list_field(c, "Values", "Value")?,
        ))
    });
    for (k, vals) in configs {
        match k.as_str() {
            "domain-name-servers" => domain_name_servers.extend(vals),
            "domain-name" => domain_name = vals.into_iter().next(),
            _ => {}
        }
    }
    Ok(DhcpOptions {
        id,
        domain_name_servers,
        domain_name,
    })
}

pub(crate) fn address(o: &Obj, s: &mut Sink) -> Result<ElasticIp, Problem> {
    let public_ip = v4addr(req_str(o, "PublicIp")?)?;
    let id = opt_str(o, "AllocationId")?
        .map(str::to_string)
        .unwrap_or_else(|| public_ip.to_string());
    Ok(ElasticIp {
        allocation_id: s.soft(&id, opt_string(o, "AllocationId")),
        public_ip,
        private_ip: s.soft(&id, opt_v4addr(o, "PrivateIpAddress")),
        network_interface_id: s.soft(&id, opt_string(o, "NetworkInterfaceId")),
        instance_id: s.soft(&id, opt_string(o, "InstanceId")),
    })
}

fn peering_side(o: &Obj, key: &str) -> Result<(Option<String>, Vec<Ipv4Net>), Problem> {
    let Some(info) = opt_obj(o, key)? else {
        return Ok((None, Vec::new()));
    };
    let ctx = |p: Problem| format!("`{key}`: {p}");
    let vpc = opt_string(info, "VpcId").map_err(ctx)?;
    let mut cidrs = Vec::new();
    if let Some(c) = opt_v4net(info, "CidrBlock").map_err(ctx)? {
        cidrs.push(c);
    }
    for c in list_field(info, "CidrBlockSet", "CidrBlock").map_err(ctx)? {
        let c = v4net(&c).map_err(ctx)?;
        if !cidrs.contains(&c) {
            cidrs.push(c);
        }
    }
    Ok((vpc, cidrs))
}

pub(crate) fn vpc_peering_connection(
    o: &Obj,
    s: &mut Sink,
) -> Result<VpcPeeringConnection, Problem> {
    let id = req_str(o, "VpcPeeringConnectionId")?.to_string();
    let (requester_vpc_id, requester_cidrs) = s
        .soft(&id, peering_side(o, "RequesterVpcInfo").map(Some))
        .unwrap_or_default();
    let (accepter_vpc_id, accepter_cidrs) = s
        .soft(&id, peering_side(o, "AccepterVpcInfo").map(Some))
        .unwrap_or_default();
    Ok(VpcPeeringConnection {
        requester_vpc_id,
        accepter_vpc_id,
        requester_cidrs,
        accepter_cidrs,
        status: s.soft(&id, nested_str(o, "Status", "Code")),
        id,
    })
}

pub(crate) fn transit_gateway(o: &Obj, s: &mut Sink) -> Result<TransitGateway, Problem> {
    let id = req_str(o, "TransitGatewayId")?.to_string();
    Ok(TransitGateway {
        state: s.soft(&id, opt_string(o, "State")),
        owner_id: s.soft(&id, opt_string(o, "OwnerId")),
        id,
    })
}

/// DescribeTransitGatewayAttachments items.
pub(crate) fn transit_gateway_attachment(
    o: &Obj,
    s: &mut Sink,
) -> Result<TransitGatewayAttachment, Problem> {
    let id = req_str(o, "TransitGatewayAttachmentId")?.to_string();
    Ok(TransitGatewayAttachment {
        transit_gateway_id: req_str(o, "TransitGatewayId")?.to_string(),
        resource_type: s.soft(&id, opt_string(o, "ResourceType")),
        resource_id: s.soft(&id, opt_string(o, "ResourceId")),
        subnet_ids: Vec::new(),
        state: s.soft(&id, opt_string(o, "State")),
        id,
    })
}

/// DescribeTransitGatewayVpcAttachments items: the VPC side, with subnets.
pub(crate) fn transit_gateway_vpc_attachment(
    o: &Obj,
    s: &mut Sink,
) -> Result<TransitGatewayAttachment, Problem> {
    let id = req_str(o, "TransitGatewayAttachmentId")?.to_string();
    let vpc = s.soft(&id, opt_string(o, "VpcId"));
    Ok(TransitGatewayAttachment {
        transit_gateway_id: req_str(o, "TransitGatewayId")?.to_string(),
        resource_type: vpc.as_ref().map(|_| "vpc".to_string()),
        resource_id: vpc,
        subnet_ids: s.soft(&id, str_list(o, "SubnetIds")),
        state: s.soft(&id, opt_string(o, "State")),
        id,
    })
}
