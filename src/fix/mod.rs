//! PURE. Concrete remediations for failing query results.
//!
//! Each blocker of a partial, blocked or unknown result is turned into the
//! AWS CLI commands that would remove it, with the ids of the snapshot filled
//! in: the group to open and the group to open it to, the NACL entry to widen
//! or add (with a free rule number before the deny that catches the flow),
//! the endpoint to create in which subnets with which group, the route table
//! to associate. What a snapshot cannot say (the id of a resource still to be
//! created) is an `<angle-bracket>` placeholder. Blockers that are not
//! configuration faults (the flow leaves the snapshot, an address nobody
//! owns) get no remediation; missing data gets the command that captures it.
//!
//! [`cli`] builds single commands, [`recipes`] multi-command remediations the
//! checks use as well.

pub mod cli;
pub mod recipes;

use ipnet::Ipv4Net;

use crate::engine::{endpoint_service_name, rules, Blocker, Direction, Settings};
use crate::findings::{Absent, Code, Filter, Finding, Kind, Receiver, Rule, Why};
use crate::graph::Topology;
use crate::query::sources::{self, nfs_group, Nfs};
use crate::query::{Destination, Query};
use crate::report::{QueryResult, Remediation};
use crate::snapshot::{
    Domain, EndpointType, NaclEntry, PortRange, Protocol, RouteDestination, RuleAction,
    SecurityGroup,
};

use cli::{placeholder, Peer};

/// Fill `fixes` of every failing result (partial, blocked, unknown).
pub fn apply(topo: &Topology, queries: &[Query], settings: &Settings, results: &mut [QueryResult]) {
    for r in results.iter_mut().filter(|r| r.verdict.is_failure()) {
        r.fixes = for_result(topo, queries, settings.ephemeral_ports, r);
    }
}

/// Remediations for one result, deduplicated, in blocker order.
pub fn for_result(
    topo: &Topology,
    queries: &[Query],
    ephemeral: PortRange,
    r: &QueryResult,
) -> Vec<Remediation> {
    let Some(domain) = topo.snapshot.domains.iter().find(|d| d.id == r.domain) else {
        return Vec::new();
    };
    let cx = Cx {
        topo,
        domain,
        query: queries.iter().find(|q| q.id == r.query),
        region: sources::region_of(&topo.snapshot, domain),
        ephemeral,
        r,
    };
    let mut out: Vec<Remediation> = Vec::new();
    for b in &r.blocked_at {
        for fix in cx.for_blocker(b) {
            // Two blockers of one fault (no endpoint, hence no route) may
            // call for the same commands: keep the first wording.
            if !out.iter().any(|f| f.commands == fix.commands) {
                out.push(fix);
            }
        }
    }
    if out.is_empty() && r.blocked_at.is_empty() {
        out.extend(cx.for_notes());
    }
    out
}

fn fix(summary: impl Into<String>, commands: Vec<String>) -> Remediation {
    Remediation {
        summary: summary.into(),
        commands,
    }
}

struct Cx<'a> {
    topo: &'a Topology,
    domain: &'a Domain,
    query: Option<&'a Query>,
    region: Option<String>,
    ephemeral: PortRange,
    r: &'a QueryResult,
}

impl<'a> Cx<'a> {
    fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    fn protocol(&self) -> Protocol {
        self.query.map(|q| q.flow.protocol).unwrap_or(Protocol::TCP)
    }

    fn ports(&self) -> PortRange {
        self.query.map(|q| q.flow.ports).unwrap_or(PortRange::ALL)
    }

    fn service(&self) -> Option<&'a str> {
        match self.query.map(|q| &q.destination) {
            Some(Destination::Service { service }) => Some(service.as_str()),
            _ => None,
        }
    }

    fn service_name(&self) -> Option<String> {
        Some(endpoint_service_name(
            self.service()?,
            self.region.as_deref()?,
        ))
    }

    fn vpc(&self) -> Option<&'a str> {
        self.domain.vpc_id.as_deref().or_else(|| {
            self.topo
                .subnet(&self.r.source.subnet_id)
                .map(|s| s.vpc_id.as_str())
        })
    }

    /// `security-group-for-{inbound,outbound}-nfs-<domain-id>`
    /// ([`crate::query::sources::nfs_group`]).
    fn nfs_group(&self, inbound: bool) -> Option<&'a SecurityGroup> {
        let which = if inbound { Nfs::Inbound } else { Nfs::Outbound };
        nfs_group(&self.topo.snapshot, self.domain, which)
    }

    /// The source's customer group that other groups should name: the one
    /// from the domain (or space) defaults when it carries one, so that one
    /// rule serves every profile; else its first own group.
    fn source_group(&self) -> Option<String> {
        let nfs: Vec<String> = [self.nfs_group(true), self.nfs_group(false)]
            .into_iter()
            .flatten()
            .map(|g| g.id.clone())
            .collect();
        let mine: Vec<&String> = self
            .r
            .source
            .security_group_ids
            .iter()
            .filter(|g| !nfs.contains(g))
            .collect();
        let defaults = if self.r.source.kind.contains("space") {
            self.domain
                .default_space_settings
                .as_ref()
                .map(|s| s.security_groups.clone())
                .unwrap_or_default()
        } else {
            self.domain.default_user_settings.security_groups.clone()
        };
        mine.iter()
            .find(|g| defaults.contains(g))
            .or(mine.first())
            .map(|g| g.to_string())
    }

    fn source_cidr(&self) -> Option<Ipv4Net> {
        self.topo
            .subnet(&self.r.source.subnet_id)
            .and_then(|s| s.cidr)
    }

    fn subnet_cidr(&self, subnet: &str) -> Option<Ipv4Net> {
        self.topo.subnet(subnet).and_then(|s| s.cidr)
    }

    /// A hop resource of a kind on the forward path.
    fn hop(&self, kind: Kind) -> Option<&'a str> {
        self.r
            .path
            .iter()
            .find(|h| h.kind == kind)
            .map(|h| h.resource.as_str())
    }

    /// The interface endpoint the flow goes to, when it goes to one.
    fn interface_endpoint(&self) -> Option<&'a crate::snapshot::VpcEndpoint> {
        self.r
            .path
            .iter()
            .filter(|h| matches!(h.kind, Kind::VpcEndpoint | Kind::Dns))
            .filter_map(|h| self.topo.endpoint(&h.resource))
            .find(|e| e.endpoint_type == EndpointType::Interface)
    }

    /// The gateway endpoint the flow goes to, when it goes to one.
    fn gateway_endpoint(&self) -> Option<&'a crate::snapshot::VpcEndpoint> {
        let name = self.service_name()?;
        let vpc = self.vpc()?;
        self.topo
            .endpoints_of_vpc(vpc)
            .find(|e| e.service_name == name && e.endpoint_type == EndpointType::Gateway)
    }

    /// The service's managed prefix list (S3, DynamoDB).
    fn service_prefix_list(&self) -> Option<&'a crate::snapshot::PrefixList> {
        let name = self.service_name()?;
        self.topo
            .snapshot
            .prefix_lists
            .iter()
            .find(|p| p.name == name)
    }

    /// The destination's addresses, as NACL rules must name them.
    fn destination_cidrs(&self) -> Vec<Ipv4Net> {
        let q = self.query.map(|q| &q.destination);
        match q {
            Some(Destination::EfsMountTarget) => {
                let mt = self.r.destination.split_whitespace().next().unwrap_or("");
                self.topo
                    .mount_target(mt)
                    .and_then(|m| self.subnet_cidr(&m.subnet_id))
                    .into_iter()
                    .collect()
            }
            Some(Destination::AppPeer) => self
                .r
                .destination
                .split_whitespace()
                .find(|w| w.starts_with("subnet-"))
                .and_then(|s| self.subnet_cidr(s))
                .into_iter()
                .collect(),
            Some(Destination::Service { .. }) => {
                if let Some(ep) = self.interface_endpoint() {
                    // The ENI the engine picked, else every endpoint subnet.
                    let eni = self
                        .r
                        .path
                        .iter()
                        .filter(|h| h.resource == ep.id)
                        .find_map(|h| match &h.rule {
                            Rule::Receiver(Receiver::EndpointEni { eni, .. }) => Some(eni),
                            _ => None,
                        })
                        .and_then(|e| self.topo.eni(e))
                        .and_then(|e| self.subnet_cidr(&e.subnet_id));
                    return match eni {
                        Some(c) => vec![c],
                        None => ep
                            .subnet_ids
                            .iter()
                            .filter_map(|s| self.subnet_cidr(s))
                            .collect(),
                    };
                }
                if self.gateway_endpoint().is_some() {
                    if let Some(pl) = self.service_prefix_list().filter(|p| p.entries_known) {
                        return pl
                            .cidrs
                            .iter()
                            .filter_map(|c| match c {
                                ipnet::IpNet::V4(n) => Some(*n),
                                _ => None,
                            })
                            .collect();
                    }
                }
                vec!["0.0.0.0/0".parse().expect("valid CIDR")]
            }
            None => Vec::new(),
        }
    }

    fn for_blocker(&self, b: &Blocker) -> Vec<Remediation> {
        match b.code {
            Code::EniSgRulesMismatch | Code::SgHasNoRules => self.security_group(b),
            Code::SubnetAclRestriction => self.network_acl(b),
            Code::NoRouteToDestination => self.no_route(b),
            Code::PrivateDnsDisabled => {
                let mut cmds = self
                    .vpc()
                    .map(|v| recipes::vpc_dns_on(self.topo, v, self.region()))
                    .unwrap_or_default();
                cmds.push(cli::endpoint_private_dns(&b.resource, self.region()));
                vec![fix(
                    format!(
                        "Enable private DNS on {} so that the service name resolves to its ENIs",
                        b.resource
                    ),
                    cmds,
                )]
            }
            Code::VpcDnsAttributesDisabled => {
                let cmds = recipes::vpc_dns_on(self.topo, &b.resource, self.region());
                if cmds.is_empty() {
                    return Vec::new();
                }
                vec![fix(
                    format!(
                        "Turn on enableDnsSupport and enableDnsHostnames of {}",
                        b.resource
                    ),
                    cmds,
                )]
            }
            Code::NoVpcEndpoint => self.no_endpoint(b),
            Code::EfsNoMountTargetInAz => self.no_mount_target(b),
            Code::IgwPublicIpAssociationForEgress => self.igw_without_public_ip(),
            Code::BadState => self.bad_state(b),
            Code::BadStateRoute => self.blackhole(b),
            Code::UnassociatedComponent if b.resource.starts_with("igw-") => match self.vpc() {
                Some(vpc) => vec![fix(
                    format!("Attach {} to {vpc}", b.resource),
                    vec![cli::attach_internet_gateway(
                        &b.resource,
                        vpc,
                        self.region(),
                    )],
                )],
                None => Vec::new(),
            },
            Code::UnknownResource => self.capture(b),
            // The flow leaves the snapshot (peering, transit gateway), goes to
            // an address nobody owns, loops, or uses a protocol a gateway
            // endpoint does not carry: nothing in this account's
            // configuration to change that sagescope can name.
            _ => Vec::new(),
        }
    }

    // --------------------------------------------------- security groups ----

    fn security_group(&self, b: &Blocker) -> Vec<Remediation> {
        let (ingress, owner) = match &b.reason.why {
            Why::Filter {
                finding: Finding::Unproven,
                ..
            } => return Vec::new(), // missing data, not a wrong rule
            Why::Filter {
                filter: Filter::Groups { egress, owner, .. },
                ..
            } => (!egress, owner.to_string()),
            _ => (
                !self.r.source.security_group_ids.contains(&b.resource),
                String::new(),
            ),
        };
        let owner = owner.as_str();
        let region = self.region();
        let (proto, ports) = (self.protocol(), self.ports());
        let flow = if proto.has_ports() {
            format!("{proto} {ports}")
        } else {
            proto.to_string()
        };
        let is_efs = matches!(
            self.query.map(|q| &q.destination),
            Some(Destination::EfsMountTarget)
        );
        if ingress {
            // The home EFS: SageMaker's design is the inbound-NFS group on
            // the mount target, admitting the apps' outbound-NFS group.
            if is_efs {
                if let (Some(mt), Some(inb)) = (self.topo.mount_target(owner), self.nfs_group(true))
                {
                    if let Some(groups) = mt
                        .security_group_ids
                        .as_ref()
                        .filter(|g| !g.contains(&inb.id))
                    {
                        let mut wanted = groups.clone();
                        wanted.push(inb.id.clone());
                        return vec![fix(
                            format!(
                                "Add {} ({}) to {} (the call replaces the set: existing groups kept)",
                                inb.id, inb.name, mt.id
                            ),
                            vec![cli::mount_target_groups(&mt.id, &wanted, region)],
                        )];
                    }
                }
            }
            let peer = if is_efs {
                self.nfs_group(false)
                    .map(|g| g.id.clone())
                    .filter(|g| self.r.source.security_group_ids.contains(g))
                    .or_else(|| self.source_group())
            } else {
                self.source_group()
            };
            let peer = match (peer, self.source_cidr()) {
                (Some(g), _) => Peer::Group(g),
                (None, Some(c)) => Peer::Cidr(c),
                (None, None) => Peer::Group(placeholder("app-sg-id")),
            };
            let from = match &peer {
                Peer::Group(g) => g.clone(),
                Peer::Cidr(c) => c.to_string(),
                _ => String::new(),
            };
            let on = if owner.is_empty() {
                b.resource.clone()
            } else {
                format!("{} ({owner})", b.resource)
            };
            return vec![fix(
                format!("Allow {flow} from {from} into {on}"),
                vec![cli::authorize_sg(
                    &b.resource,
                    true,
                    &cli::ip_permission(proto, ports, &peer),
                    region,
                )],
            )];
        }
        // Egress of the source: open it towards the destination.
        let group = self.source_group().unwrap_or_else(|| b.resource.clone());
        let (peer, to) = match self.query.map(|q| &q.destination) {
            Some(Destination::AppPeer) => (
                Peer::Group(group.clone()),
                format!("{group} (the apps' own group)"),
            ),
            Some(Destination::EfsMountTarget) => {
                let mt = self
                    .hop(Kind::EfsMountTarget)
                    .and_then(|m| self.topo.mount_target(m));
                let g = mt
                    .and_then(|m| m.security_group_ids.as_ref())
                    .and_then(|gs| {
                        let inb = self.nfs_group(true).map(|g| g.id.clone());
                        gs.iter()
                            .find(|g| Some(*g) == inb.as_ref())
                            .or(gs.first())
                            .cloned()
                    })
                    .or_else(|| self.nfs_group(true).map(|g| g.id.clone()));
                match (g, mt) {
                    (Some(g), Some(m)) => (Peer::Group(g.clone()), format!("{g} ({})", m.id)),
                    (Some(g), None) => (Peer::Group(g.clone()), g),
                    _ => return Vec::new(),
                }
            }
            Some(Destination::Service { service }) => {
                if let Some(ep) = self.interface_endpoint() {
                    match ep.security_group_ids.first() {
                        Some(g) => (Peer::Group(g.clone()), format!("{g} ({})", ep.id)),
                        None => return Vec::new(),
                    }
                } else if let (Some(_), Some(pl)) =
                    (self.gateway_endpoint(), self.service_prefix_list())
                {
                    (
                        Peer::PrefixList(pl.id.clone()),
                        format!("{} ({service})", pl.id),
                    )
                } else {
                    (
                        Peer::Cidr("0.0.0.0/0".parse().expect("valid CIDR")),
                        format!("0.0.0.0/0 ({service} public addresses)"),
                    )
                }
            }
            None => return Vec::new(),
        };
        vec![fix(
            format!("Allow {flow} out of {group} to {to}"),
            vec![cli::authorize_sg(
                &group,
                false,
                &cli::ip_permission(proto, ports, &peer),
                region,
            )],
        )]
    }

    // ------------------------------------------------------ network ACLs ----

    fn network_acl(&self, b: &Blocker) -> Vec<Remediation> {
        let Some(acl) = self.topo.nacl(&b.resource) else {
            return Vec::new();
        };
        let egress = match &b.reason.why {
            Why::Filter {
                filter: Filter::Acl { egress, .. },
                ..
            } => *egress,
            _ => return Vec::new(),
        };
        let forward = b.direction == Direction::Forward;
        // Towards the source: requests arriving at a downstream subnet, or
        // replies leaving it.
        let towards_source = (!egress && forward) || (egress && !forward);
        let peers: Vec<Ipv4Net> = if towards_source {
            self.source_cidr().into_iter().collect()
        } else {
            self.destination_cidrs()
        };
        if peers.is_empty() {
            return Vec::new();
        }
        let proto = self.protocol();
        let ports = if forward {
            self.ports()
        } else {
            self.ephemeral
        };
        let dir = if egress { "outbound" } else { "inbound" };
        let what = if forward {
            "the requests"
        } else {
            "the replies"
        };
        let mut commands = Vec::new();
        let mut used: Vec<u32> = acl
            .entries
            .iter()
            .filter(|e| e.egress == egress)
            .map(|e| e.rule_number)
            .collect();
        for peer in &peers {
            if let Some((entry, widened)) = widenable(&acl.entries, egress, proto, ports, peer) {
                let cidr = entry.cidr.expect("widenable entries have a CIDR");
                commands.push(cli::nacl_allow(
                    true,
                    &acl.id,
                    entry.rule_number,
                    egress,
                    entry.protocol,
                    widened,
                    &cidr,
                    self.region(),
                ));
                continue;
            }
            let Some(n) = free_rule_number(&acl.entries, &used, egress, proto, ports, peer) else {
                continue;
            };
            used.push(n);
            commands.push(cli::nacl_allow(
                false,
                &acl.id,
                n,
                egress,
                proto,
                ports,
                peer,
                self.region(),
            ));
        }
        commands.dedup();
        if commands.is_empty() {
            return Vec::new();
        }
        let flow = if proto.has_ports() {
            format!("{proto} {ports}")
        } else {
            proto.to_string()
        };
        let peer_text = peers
            .iter()
            .map(|p| p.to_string())
            .collect::<Vec<_>>()
            .join(", ");
        vec![fix(
            format!(
                "Allow {what} ({flow} {} {peer_text}) in {} {dir} rules",
                if egress { "to" } else { "from" },
                acl.id
            ),
            commands,
        )]
    }

    // ----------------------------------------------------------- routing ----

    fn no_route(&self, b: &Blocker) -> Vec<Remediation> {
        if !b.resource.starts_with("rtb-") {
            return Vec::new();
        }
        let region = self.region();
        let table = b.resource.as_str();
        if matches!(self.service(), Some("s3" | "dynamodb")) {
            let Some(name) = self.service_name() else {
                return Vec::new();
            };
            return match (self.gateway_endpoint(), self.vpc()) {
                (Some(ep), _) => vec![fix(
                    format!(
                        "Associate {table} with the gateway endpoint {} ({name})",
                        ep.id
                    ),
                    vec![cli::endpoint_add_route_tables(
                        &ep.id,
                        &[table.to_string()],
                        region,
                    )],
                )],
                (None, Some(vpc)) => vec![fix(
                    format!("Create a gateway endpoint for {name} associated with {table}"),
                    vec![cli::create_gateway_endpoint(
                        vpc,
                        &name,
                        &[table.to_string()],
                        region,
                    )],
                )],
                _ => Vec::new(),
            };
        }
        let Some(vpc) = self.vpc() else {
            return Vec::new();
        };
        let name_resolution = self.r.blocked_at.iter().any(|x| {
            matches!(
                x.code,
                Code::NoVpcEndpoint | Code::PrivateDnsDisabled | Code::VpcDnsAttributesDisabled
            )
        });
        let nat_exists = recipes::usable_nat(self.topo, vpc, &[]).is_some();
        // With an endpoint fix in the same result, a route is only the
        // alternative, and only worth naming when a NAT gateway exists.
        if name_resolution && !nat_exists {
            return Vec::new();
        }
        let (summary, cmds) =
            recipes::nat_default_route(self.topo, self.domain, vpc, table, region);
        let summary = if name_resolution {
            format!("Alternatively (instead of the endpoint): {summary}")
        } else {
            summary
        };
        vec![fix(summary, cmds)]
    }

    fn no_endpoint(&self, b: &Blocker) -> Vec<Remediation> {
        let (Some(name), Some(vpc)) = (
            self.service_name(),
            self.vpc().or(Some(b.resource.as_str())),
        ) else {
            return Vec::new();
        };
        let region = self.region();
        if matches!(self.service(), Some("s3" | "dynamodb")) {
            let tables = recipes::domain_route_tables(self.topo, self.domain);
            return vec![fix(
                format!("Create a gateway endpoint for {name} associated with the domain subnets' route tables"),
                vec![cli::create_gateway_endpoint(vpc, &name, &tables, region)],
            )];
        }
        vec![fix(
            format!(
                "Create an interface endpoint for {name} with private DNS in the domain subnets"
            ),
            recipes::create_interface_endpoint(self.topo, self.domain, vpc, &name, region),
        )]
    }

    fn no_mount_target(&self, b: &Blocker) -> Vec<Remediation> {
        let az = self.r.source.availability_zone.clone();
        // One mount target per AZ: the first domain subnet of the AZ.
        let mut in_az: Vec<&String> = self
            .domain
            .subnet_ids
            .iter()
            .filter(|s| {
                self.topo
                    .subnet(s)
                    .and_then(|s| s.availability_zone.clone())
                    == az
            })
            .collect();
        in_az.sort();
        let subnet = in_az
            .first()
            .map(|s| s.to_string())
            .unwrap_or_else(|| self.r.source.subnet_id.clone());
        let group = self
            .nfs_group(true)
            .map(|g| g.id.clone())
            .unwrap_or_else(|| placeholder("inbound-nfs-sg-id"));
        vec![fix(
            format!(
                "Create a mount target of {} in {} ({subnet}) with the inbound-NFS group",
                b.resource,
                az.as_deref().unwrap_or("the source's AZ")
            ),
            vec![cli::create_mount_target(
                &b.resource,
                &subnet,
                &[group],
                self.region(),
            )],
        )]
    }

    fn igw_without_public_ip(&self) -> Vec<Remediation> {
        let (Some(vpc), Some(rt)) = (
            self.vpc(),
            self.topo.route_table_of_subnet(&self.r.source.subnet_id),
        ) else {
            return Vec::new();
        };
        let (summary, cmds) =
            recipes::nat_default_route(self.topo, self.domain, vpc, &rt.id, self.region());
        vec![fix(
            format!(
                "Studio app ENIs have no public IP: {summary} (the domain subnet becomes private)"
            ),
            cmds,
        )]
    }

    fn bad_state(&self, b: &Blocker) -> Vec<Remediation> {
        let region = self.region();
        if let Some(nat) = self.topo.nat_gateway(&b.resource) {
            let Some(rt) = self.topo.route_table_of_subnet(&self.r.source.subnet_id) else {
                return Vec::new();
            };
            let new = placeholder("new-nat-id");
            let alloc = nat
                .addresses
                .iter()
                .find_map(|a| a.allocation_id.clone())
                .unwrap_or_else(|| placeholder("eipalloc-id"));
            let dest = RouteDestination::Ipv4("0.0.0.0/0".parse().expect("valid CIDR"));
            return vec![fix(
                format!(
                    "{} is {}: create a NAT gateway in {} and route {} to it",
                    nat.id, nat.state, nat.subnet_id, rt.id
                ),
                vec![
                    cli::create_nat_gateway(&nat.subnet_id, &alloc, region),
                    cli::route_to_nat(&rt.id, &dest, &new, true, region),
                ],
            )];
        }
        if let Some(ep) = self.topo.endpoint(&b.resource) {
            let state = ep.state.as_deref().unwrap_or("unknown");
            let create = match ep.endpoint_type {
                EndpointType::Gateway => cli::create_gateway_endpoint(
                    &ep.vpc_id,
                    &ep.service_name,
                    &ep.route_table_ids,
                    region,
                ),
                _ => cli::create_interface_endpoint(
                    &ep.vpc_id,
                    &ep.service_name,
                    &ep.subnet_ids,
                    &ep.security_group_ids,
                    region,
                ),
            };
            return vec![fix(
                format!("{} is {state}: recreate it with the same settings", ep.id),
                vec![cli::delete_endpoint(&ep.id, region), create],
            )];
        }
        Vec::new()
    }

    fn blackhole(&self, b: &Blocker) -> Vec<Remediation> {
        let Some(rt) = self.topo.route_table(&b.resource) else {
            return Vec::new();
        };
        let region = self.region();
        let Why::Blackhole {
            destination,
            target,
        } = &b.reason.why
        else {
            return Vec::new();
        };
        let Some(route) = rt.routes.iter().find(|x| {
            !x.active && x.destination.to_string() == *destination && x.target.id() == target
        }) else {
            return Vec::new();
        };
        let default =
            route.destination == RouteDestination::Ipv4("0.0.0.0/0".parse().expect("valid CIDR"));
        if default {
            if let Some(vpc) = self.vpc() {
                let (summary, cmds) =
                    recipes::nat_default_route(self.topo, self.domain, vpc, &rt.id, region);
                return vec![fix(
                    format!(
                        "The default route of {} points at the deleted {}: {summary}",
                        rt.id,
                        route.target.id()
                    ),
                    cmds,
                )];
            }
        }
        vec![fix(
            format!(
                "Remove the blackhole route {} -> {} from {}",
                route.destination,
                route.target.id(),
                rt.id
            ),
            vec![cli::delete_route(&rt.id, &route.destination, region)],
        )]
    }

    // ------------------------------------------------------ missing data ----

    fn capture(&self, b: &Blocker) -> Vec<Remediation> {
        let id = b.resource.as_str();
        let region = self.region();
        let describe = |service: &str, op: &str, flag: &str| {
            cli::Cmd::new(service, op, region).arg(flag, id).build()
        };
        let by_subnet = |op: &str| {
            cli::Cmd::new("ec2", op, region)
                .arg(
                    "filters",
                    &format!("Name=association.subnet-id,Values={id}"),
                )
                .build()
        };
        let cmds = if matches!(b.reason.why, Why::Absent(Absent::NetworkAcl(_))) {
            vec![by_subnet("describe-network-acls")]
        } else if matches!(b.reason.why, Why::Absent(Absent::RouteTable(_))) {
            vec![by_subnet("describe-route-tables")]
        } else if id.starts_with("subnet-") {
            vec![describe("ec2", "describe-subnets", "subnet-ids")]
        } else if id.starts_with("fsmt-") {
            vec![describe(
                "efs",
                "describe-mount-target-security-groups",
                "mount-target-id",
            )]
        } else if id.starts_with("sg-") {
            vec![describe("ec2", "describe-security-groups", "group-ids")]
        } else if id.starts_with("pl-") {
            vec![describe(
                "ec2",
                "get-managed-prefix-list-entries",
                "prefix-list-id",
            )]
        } else if id.starts_with("nat-") {
            vec![describe("ec2", "describe-nat-gateways", "nat-gateway-ids")]
        } else if id.starts_with("vpce-") {
            vec![describe(
                "ec2",
                "describe-vpc-endpoints",
                "vpc-endpoint-ids",
            )]
        } else if id.starts_with("rtb-") {
            vec![describe("ec2", "describe-route-tables", "route-table-ids")]
        } else if id.starts_with("acl-") {
            vec![describe("ec2", "describe-network-acls", "network-acl-ids")]
        } else if id.starts_with("eni-") {
            vec![describe(
                "ec2",
                "describe-network-interfaces",
                "network-interface-ids",
            )]
        } else if id.starts_with("igw-") {
            vec![describe(
                "ec2",
                "describe-internet-gateways",
                "internet-gateway-ids",
            )]
        } else if id.starts_with("i-") {
            vec![describe("ec2", "describe-instances", "instance-ids")]
        } else if id.starts_with("vpc-") {
            vec![
                cli::Cmd::new("ec2", "describe-vpc-attribute", region)
                    .arg("vpc-id", id)
                    .arg("attribute", "enableDnsSupport")
                    .build(),
                cli::Cmd::new("ec2", "describe-vpc-attribute", region)
                    .arg("vpc-id", id)
                    .arg("attribute", "enableDnsHostnames")
                    .build(),
            ]
        } else {
            return Vec::new();
        };
        vec![fix(
            format!(
                "Capture what the snapshot lacks about {id}, add it to the input and audit again"
            ),
            cmds,
        )]
    }

    /// Unknown results decided before the engine: capture what is missing.
    fn for_notes(&self) -> Vec<Remediation> {
        let region = self.region();
        let d = &self.domain.id;
        let mut out = Vec::new();
        for note in &self.r.notes {
            let cmds = if note.contains("was not described") || note.contains("network mode") {
                if note.starts_with("user profile ") {
                    let name = note
                        .trim_start_matches("user profile ")
                        .split(' ')
                        .next()
                        .unwrap_or("");
                    vec![cli::Cmd::new("sagemaker", "describe-user-profile", region)
                        .arg("domain-id", d)
                        .arg("user-profile-name", name)
                        .build()]
                } else {
                    vec![cli::Cmd::new("sagemaker", "describe-domain", region)
                        .arg("domain-id", d)
                        .build()]
                }
            } else if note.contains("(DescribeMountTargets not captured)")
                || note.contains("and its mount targets are not in the snapshot")
            {
                match &self.domain.home_efs_file_system_id {
                    Some(fs) => vec![
                        cli::Cmd::new("efs", "describe-file-systems", region)
                            .arg("file-system-id", fs)
                            .build(),
                        cli::Cmd::new("efs", "describe-mount-targets", region)
                            .arg("file-system-id", fs)
                            .build(),
                    ],
                    None => continue,
                }
            } else if note.starts_with("space ") && note.contains("SharingType") {
                let name = note
                    .trim_start_matches("space ")
                    .split(' ')
                    .next()
                    .unwrap_or("");
                vec![cli::Cmd::new("sagemaker", "describe-space", region)
                    .arg("domain-id", d)
                    .arg("space-name", name)
                    .build()]
            } else {
                continue;
            };
            out.push(fix(
                "Capture the missing SageMaker or EFS settings, add them to the input and audit again",
                cmds,
            ));
        }
        out
    }
}

/// Entries of one direction in the engine's evaluation order
/// ([`rules::nacl_entry_order`]).
fn entries(all: &[NaclEntry], egress: bool) -> Vec<&NaclEntry> {
    rules::nacl_entry_order(all, egress)
        .into_iter()
        .map(|i| &all[i])
        .collect()
}

fn protocol_matches(rule: Protocol, flow: Protocol) -> bool {
    rule == Protocol::All || rule == flow
}

fn ports_of(e: &NaclEntry) -> PortRange {
    e.port_range.unwrap_or(PortRange::ALL)
}

fn overlaps(a: PortRange, b: PortRange) -> bool {
    a.from <= b.to && b.from <= a.to
}

fn cidr_overlaps(a: &Ipv4Net, b: &Ipv4Net) -> bool {
    a.contains(b) || b.contains(a)
}

/// An allow entry (same protocol, a CIDR that covers the peer) whose port
/// range touches the needed one, and the widened range: widening it is the
/// smallest change (e.g. a return rule written for 32768-61000 when clients
/// use 1024-65535). Only when no deny before it matches the flow.
fn widenable(
    all: &[NaclEntry],
    egress: bool,
    proto: Protocol,
    ports: PortRange,
    peer: &Ipv4Net,
) -> Option<(NaclEntry, PortRange)> {
    if !proto.has_ports() {
        return None;
    }
    for e in entries(all, egress) {
        if e.rule_number >= 32767 {
            return None;
        }
        let Some(cidr) = e.cidr else { continue };
        if !protocol_matches(e.protocol, proto) || !cidr_overlaps(&cidr, peer) {
            continue;
        }
        let pr = ports_of(e);
        if e.action == RuleAction::Deny {
            if overlaps(pr, ports) {
                return None;
            }
            continue;
        }
        let touches = overlaps(pr, ports)
            || pr.to.checked_add(1) == Some(ports.from)
            || ports.to.checked_add(1) == Some(pr.from);
        if e.protocol == proto && cidr.contains(peer) && touches && e.port_range.is_some() {
            let widened = PortRange {
                from: pr.from.min(ports.from),
                to: pr.to.max(ports.to),
            };
            if widened != pr {
                return Some((e.clone(), widened));
            }
        }
    }
    None
}

/// A free rule number before the first deny that catches the flow: just
/// after the last rule before that deny, rounded up to a multiple of 10
/// when there is room, else the highest free number below it.
fn free_rule_number(
    all: &[NaclEntry],
    used: &[u32],
    egress: bool,
    proto: Protocol,
    ports: PortRange,
    peer: &Ipv4Net,
) -> Option<u32> {
    let sorted = entries(all, egress);
    let deny = sorted
        .iter()
        .find(|e| {
            e.action == RuleAction::Deny
                && protocol_matches(e.protocol, proto)
                && e.cidr.is_some_and(|c| cidr_overlaps(&c, peer))
                && (!proto.has_ports() || overlaps(ports_of(e), ports))
        })
        .map(|e| e.rule_number)
        .unwrap_or(32767)
        .min(32767);
    let before = used
        .iter()
        .copied()
        .filter(|n| *n < deny)
        .max()
        .unwrap_or(0);
    let candidate = (before / 10 + 1) * 10;
    if candidate < deny && !used.contains(&candidate) {
        return Some(candidate);
    }
    (1..deny).rev().find(|n| !used.contains(n))
}

#[cfg(test)]
mod tests;
