//! The on-disk contract: sagescope's own serde model of a network snapshot.
//!
//! PURE: no I/O, no SDK types. Both the offline importer (`import/`) and the
//! live collector (`collect/`, feature `aws`) produce a [`Snapshot`]; every
//! later stage reads only this model. Field names are stable: the snapshot
//! file carries [`SCHEMA_VERSION`] and a loader refuses versions it does not
//! know.
//!
//! Conventions:
//! - ids are the AWS ids as strings (`vpc-…`, `sg-…`); names of SageMaker
//!   resources are their names (user profiles and spaces have no id).
//! - `Option` means "the source did not say"; the engine treats a missing
//!   value that a verdict depends on as *unknown*, never as a permissive
//!   default.
//! - every list is sorted by id when the snapshot is finalised
//!   ([`Snapshot::normalize`]), so output is deterministic whatever the order
//!   of the input files.

use std::collections::BTreeMap;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Version of the snapshot file format written by `import` and `collect`.
pub const SCHEMA_VERSION: u32 = 1;

pub type Tags = BTreeMap<String, String>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    pub schema_version: u32,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpcs: Vec<Vpc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnets: Vec<Subnet>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_tables: Vec<RouteTable>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_acls: Vec<NetworkAcl>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<PrefixList>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_endpoints: Vec<VpcEndpoint>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub nat_gateways: Vec<NatGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub internet_gateways: Vec<InternetGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub egress_only_internet_gateways: Vec<EgressOnlyInternetGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_interfaces: Vec<NetworkInterface>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instances: Vec<Instance>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dhcp_options: Vec<DhcpOptions>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<ElasticIp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpc_peering_connections: Vec<VpcPeeringConnection>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateways: Vec<TransitGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub transit_gateway_attachments: Vec<TransitGatewayAttachment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vpn_gateways: Vec<VpnGateway>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub efs_file_systems: Vec<EfsFileSystem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub efs_mount_targets: Vec<EfsMountTarget>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domains: Vec<Domain>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_profiles: Vec<UserProfile>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub spaces: Vec<Space>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<App>,
    /// What could not be collected and why (AccessDenied, throttling...).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<Gap>,
    /// Warnings and notes raised while importing or collecting. Kept in the
    /// snapshot so that auditing a snapshot file reports exactly what
    /// auditing its source folder reports.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub diagnostics: Vec<Diagnostic>,
}

impl Snapshot {
    pub fn new() -> Self {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            ..Default::default()
        }
    }

    /// Sort every collection by its id so that the snapshot (and everything
    /// derived from it) is independent of input order.
    pub fn normalize(&mut self) {
        self.vpcs.sort_by(|a, b| a.id.cmp(&b.id));
        self.subnets.sort_by(|a, b| a.id.cmp(&b.id));
        self.route_tables.sort_by(|a, b| a.id.cmp(&b.id));
        self.network_acls.sort_by(|a, b| a.id.cmp(&b.id));
        for acl in &mut self.network_acls {
            acl.entries.sort_by_key(|e| (e.egress, e.rule_number));
            acl.subnet_ids.sort();
        }
        self.security_groups.sort_by(|a, b| a.id.cmp(&b.id));
        self.prefix_lists.sort_by(|a, b| a.id.cmp(&b.id));
        self.vpc_endpoints.sort_by(|a, b| a.id.cmp(&b.id));
        self.nat_gateways.sort_by(|a, b| a.id.cmp(&b.id));
        self.internet_gateways.sort_by(|a, b| a.id.cmp(&b.id));
        self.egress_only_internet_gateways
            .sort_by(|a, b| a.id.cmp(&b.id));
        self.network_interfaces.sort_by(|a, b| a.id.cmp(&b.id));
        self.instances.sort_by(|a, b| a.id.cmp(&b.id));
        self.dhcp_options.sort_by(|a, b| a.id.cmp(&b.id));
        self.addresses
            .sort_by(|a, b| (&a.allocation_id, a.public_ip).cmp(&(&b.allocation_id, b.public_ip)));
        self.vpc_peering_connections.sort_by(|a, b| a.id.cmp(&b.id));
        self.transit_gateways.sort_by(|a, b| a.id.cmp(&b.id));
        self.transit_gateway_attachments
            .sort_by(|a, b| a.id.cmp(&b.id));
        self.vpn_gateways.sort_by(|a, b| a.id.cmp(&b.id));
        self.efs_file_systems.sort_by(|a, b| a.id.cmp(&b.id));
        self.efs_mount_targets.sort_by(|a, b| a.id.cmp(&b.id));
        self.domains.sort_by(|a, b| a.id.cmp(&b.id));
        self.user_profiles
            .sort_by(|a, b| (&a.domain_id, &a.name).cmp(&(&b.domain_id, &b.name)));
        self.spaces
            .sort_by(|a, b| (&a.domain_id, &a.name).cmp(&(&b.domain_id, &b.name)));
        self.apps.sort_by(|a, b| {
            (
                &a.domain_id,
                &a.user_profile_name,
                &a.space_name,
                &a.app_type,
                &a.app_name,
            )
                .cmp(&(
                    &b.domain_id,
                    &b.user_profile_name,
                    &b.space_name,
                    &b.app_type,
                    &b.app_name,
                ))
        });
        self.gaps.sort();
        self.diagnostics.sort();
        self.diagnostics.dedup();
    }
}

// ---------------------------------------------------------------- EC2 ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub cidr_blocks: Vec<Ipv4Net>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidr_blocks: Vec<Ipv6Net>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dhcp_options_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_tenancy: Option<String>,
    #[serde(default)]
    pub is_default: bool,
    /// DescribeVpcAttribute enableDnsSupport; `None` = not captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_support: Option<bool>,
    /// DescribeVpcAttribute enableDnsHostnames; `None` = not captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enable_dns_hostnames: Option<bool>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Subnet {
    pub id: String,
    pub vpc_id: String,
    /// `None` for IPv6-only subnets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<Ipv4Net>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_cidrs: Vec<Ipv6Net>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub available_ip_address_count: Option<u32>,
    #[serde(default)]
    pub map_public_ip_on_launch: bool,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RouteTable {
    pub id: String,
    pub vpc_id: String,
    /// This is the VPC's main route table (used by subnets without an
    /// explicit association).
    #[serde(default)]
    pub main: bool,
    /// Subnets explicitly associated with this table.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    /// Gateways (IGW/VGW) associated as an edge ("ingress routing") table.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gateway_ids: Vec<String>,
    #[serde(default)]
    pub routes: Vec<Route>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "value")]
pub enum RouteDestination {
    Ipv4(Ipv4Net),
    Ipv6(Ipv6Net),
    PrefixList(String),
}

impl fmt::Display for RouteDestination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RouteDestination::Ipv4(n) => write!(f, "{n}"),
            RouteDestination::Ipv6(n) => write!(f, "{n}"),
            RouteDestination::PrefixList(p) => f.write_str(p),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "id")]
pub enum RouteTarget {
    Local,
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    /// A gateway VPC endpoint (S3, DynamoDB) or a Gateway Load Balancer endpoint.
    VpcEndpoint(String),
    NetworkInterface(String),
    Instance(String),
    VpcPeeringConnection(String),
    TransitGateway(String),
    VirtualPrivateGateway(String),
    CarrierGateway(String),
    LocalGateway(String),
    CoreNetwork(String),
    /// A target sagescope does not model; the string is whatever id was given.
    Other(String),
}

impl RouteTarget {
    pub fn id(&self) -> &str {
        match self {
            RouteTarget::Local => "local",
            RouteTarget::InternetGateway(i)
            | RouteTarget::EgressOnlyInternetGateway(i)
            | RouteTarget::NatGateway(i)
            | RouteTarget::VpcEndpoint(i)
            | RouteTarget::NetworkInterface(i)
            | RouteTarget::Instance(i)
            | RouteTarget::VpcPeeringConnection(i)
            | RouteTarget::TransitGateway(i)
            | RouteTarget::VirtualPrivateGateway(i)
            | RouteTarget::CarrierGateway(i)
            | RouteTarget::LocalGateway(i)
            | RouteTarget::CoreNetwork(i)
            | RouteTarget::Other(i) => i,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub destination: RouteDestination,
    pub target: RouteTarget,
    /// `false` for `State: blackhole` (the target was deleted): traffic is dropped.
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<String>,
}

fn yes() -> bool {
    true
}

/// An IP protocol: `all` (AWS "-1") or an IANA number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    All,
    Number(u8),
}

impl Protocol {
    pub const TCP: Protocol = Protocol::Number(6);
    pub const UDP: Protocol = Protocol::Number(17);
    pub const ICMP: Protocol = Protocol::Number(1);
    pub const ICMPV6: Protocol = Protocol::Number(58);

    /// Parse the forms AWS uses: "-1", "all", "tcp", "6", "icmpv6"...
    pub fn parse(s: &str) -> Option<Protocol> {
        let s = s.trim().to_ascii_lowercase();
        match s.as_str() {
            "-1" | "all" => Some(Protocol::All),
            "tcp" => Some(Protocol::TCP),
            "udp" => Some(Protocol::UDP),
            "icmp" => Some(Protocol::ICMP),
            "icmpv6" | "ipv6-icmp" => Some(Protocol::ICMPV6),
            "hopopt" => Some(Protocol::Number(0)),
            "gre" => Some(Protocol::Number(47)),
            "esp" => Some(Protocol::Number(50)),
            "ah" => Some(Protocol::Number(51)),
            "sctp" => Some(Protocol::Number(132)),
            _ => s.parse::<u8>().ok().map(Protocol::Number),
        }
    }

    /// Whether the protocol carries ports that rules filter on.
    pub fn has_ports(self) -> bool {
        matches!(self, Protocol::Number(6) | Protocol::Number(17))
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Protocol::All => f.write_str("all"),
            Protocol::Number(6) => f.write_str("tcp"),
            Protocol::Number(17) => f.write_str("udp"),
            Protocol::Number(1) => f.write_str("icmp"),
            Protocol::Number(58) => f.write_str("icmpv6"),
            Protocol::Number(n) => write!(f, "proto {n}"),
        }
    }
}

impl Serialize for Protocol {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Protocol::All => s.serialize_str("all"),
            Protocol::Number(n) => s.serialize_u8(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Protocol {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            N(i64),
            S(String),
        }
        match Raw::deserialize(d)? {
            Raw::N(-1) => Ok(Protocol::All),
            Raw::N(n) => u8::try_from(n)
                .map(Protocol::Number)
                .map_err(|_| serde::de::Error::custom(format!("invalid IP protocol number {n}"))),
            Raw::S(s) => Protocol::parse(&s)
                .ok_or_else(|| serde::de::Error::custom(format!("invalid IP protocol {s:?}"))),
        }
    }
}

/// An inclusive port range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct PortRange {
    pub from: u16,
    pub to: u16,
}

impl PortRange {
    pub const ALL: PortRange = PortRange { from: 0, to: 65535 };
    pub fn single(p: u16) -> Self {
        PortRange { from: p, to: p }
    }
}

impl fmt::Display for PortRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.from == self.to {
            write!(f, "{}", self.from)
        } else if *self == PortRange::ALL {
            f.write_str("all ports")
        } else {
            write!(f, "{}-{}", self.from, self.to)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkAcl {
    pub id: String,
    pub vpc_id: String,
    #[serde(default)]
    pub is_default: bool,
    /// Subnets associated with this ACL.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default)]
    pub entries: Vec<NaclEntry>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleAction {
    Allow,
    Deny,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct NaclEntry {
    /// 1..=32766 for user rules; 32767 is the implicit `*` deny.
    pub rule_number: u32,
    pub egress: bool,
    pub protocol: Protocol,
    pub action: RuleAction,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cidr: Option<Ipv4Net>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ipv6_cidr: Option<Ipv6Net>,
    /// Destination port range for TCP/UDP; `None` = all ports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_range: Option<PortRange>,
    /// ICMP type and code (-1 = any) for ICMP rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp_type_code: Option<(i32, i32)>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default)]
    pub ingress: Vec<SgRule>,
    #[serde(default)]
    pub egress: Vec<SgRule>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

/// One IpPermission of a security group: a protocol and port range with any
/// number of peers (CIDRs, IPv6 CIDRs, prefix lists, groups). Rules are
/// numbered from 1 in the order AWS returned them, which is how witnesses
/// refer to them ("sg-0abc egress rule 2").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SgRule {
    pub protocol: Protocol,
    /// For TCP/UDP the port range; for ICMP the type (from) and code (to);
    /// `None` = all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv4: Vec<Ipv4Net>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6: Vec<Ipv6Net>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefix_lists: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<GroupRef>,
}

impl SgRule {
    /// The destination/port range this rule admits for TCP/UDP.
    pub fn port_range(&self) -> PortRange {
        match (self.from_port, self.to_port) {
            (Some(f), Some(t)) if f >= 0 && t >= 0 => PortRange {
                from: f.clamp(0, 65535) as u16,
                to: t.clamp(0, 65535) as u16,
            },
            _ => PortRange::ALL,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct GroupRef {
    pub group_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_peering_connection_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrefixList {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_family: Option<String>,
    /// The entries. Only meaningful when `entries_known` is true.
    #[serde(default)]
    pub cidrs: Vec<IpNet>,
    /// `false` when the list was seen (e.g. DescribeManagedPrefixLists)
    /// but its entries were not captured: anything that depends on them is
    /// unknown.
    #[serde(default)]
    pub entries_known: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointType {
    Interface,
    Gateway,
    GatewayLoadBalancer,
    Resource,
    ServiceNetwork,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcEndpoint {
    pub id: String,
    pub vpc_id: String,
    pub service_name: String,
    pub endpoint_type: EndpointType,
    /// Lower-cased state ("available", "pending", ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route_table_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub network_interface_ids: Vec<String>,
    /// `None`: the input did not say (or said it unreadably): whether the
    /// service name resolves to this endpoint is then unknown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_dns_enabled: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_document: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<String>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

impl VpcEndpoint {
    /// `on`, `off` or `unknown`, for reports.
    pub fn private_dns_label(&self) -> &'static str {
        match self.private_dns_enabled {
            Some(true) => "on",
            Some(false) => "off",
            None => "unknown",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatGateway {
    pub id: String,
    pub vpc_id: String,
    pub subnet_id: String,
    /// Lower-cased state ("available", "pending", "failed", "deleted"...).
    pub state: String,
    /// "public" or "private".
    #[serde(default = "public")]
    pub connectivity_type: String,
    #[serde(default)]
    pub addresses: Vec<NatAddress>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

fn public() -> String {
    "public".to_string()
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NatAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InternetGateway {
    pub id: String,
    /// VPCs the gateway is attached to (state available/attached).
    #[serde(default)]
    pub vpc_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EgressOnlyInternetGateway {
    pub id: String,
    #[serde(default)]
    pub vpc_ids: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NetworkInterface {
    pub id: String,
    pub subnet_id: String,
    pub vpc_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// "interface", "efs", "vpc_endpoint", "nat_gateway", ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interface_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default)]
    pub private_ips: Vec<PrivateIp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ipv6_addresses: Vec<Ipv6Addr>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_id: Option<String>,
    #[serde(default)]
    pub requester_managed: bool,
    #[serde(default = "yes")]
    pub source_dest_check: bool,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrivateIp {
    pub address: Ipv4Addr,
    #[serde(default)]
    pub primary: bool,
    /// Public or Elastic IP associated with this private address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<Ipv4Addr>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Instance {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnet_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_ip: Option<Ipv4Addr>,
    #[serde(default)]
    pub network_interface_ids: Vec<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    #[serde(default = "yes")]
    pub source_dest_check: bool,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DhcpOptions {
    pub id: String,
    /// `domain-name-servers` values; "AmazonProvidedDNS" is the VPC resolver.
    #[serde(default)]
    pub domain_name_servers: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub domain_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticIp {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allocation_id: Option<String>,
    pub public_ip: Ipv4Addr,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private_ip: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpcPeeringConnection {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requester_vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accepter_vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requester_cidrs: Vec<Ipv4Net>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accepter_cidrs: Vec<Ipv4Net>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitGateway {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TransitGatewayAttachment {
    pub id: String,
    pub transit_gateway_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VpnGateway {
    pub id: String,
    #[serde(default)]
    pub vpc_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}

// ---------------------------------------------------------------- EFS ----

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EfsFileSystem {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_state: Option<String>,
    #[serde(default)]
    pub encrypted: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Tags::is_empty")]
    pub tags: Tags,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EfsMountTarget {
    pub id: String,
    pub file_system_id: String,
    pub subnet_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address: Option<Ipv4Addr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_interface_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lifecycle_state: Option<String>,
    /// From DescribeMountTargetSecurityGroups or the mount target's ENI;
    /// `None` = not captured (verdicts through it are unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_ids: Option<Vec<String>>,
}

// ---------------------------------------------------------- SageMaker ----

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UserSettings {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution_role: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<String>,
    /// Custom images configured for any app type (KernelGateway, JupyterLab,
    /// CodeEditor): their presence makes the ECR queries applicable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_images: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Domain {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failure_reason: Option<String>,
    /// "IAM" or "SSO".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_mode: Option<String>,
    /// "PublicInternetOnly" or "VpcOnly"; `None` when only ListDomains was seen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_network_access_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_efs_file_system_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_security_group_management: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_id_for_domain_boundary: Option<String>,
    #[serde(default)]
    pub default_user_settings: UserSettings,
    /// DefaultSpaceSettings (shared spaces); `None` when not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_space_settings: Option<UserSettings>,
    /// DomainSettings.SecurityGroupIds (RStudio domain-level apps only).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub domain_settings_security_group_ids: Vec<String>,
    /// DomainSettings.IpAddressType: "ipv4" or "dualstack".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_address_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// `false` when the domain is known only from ListDomains (no
    /// DescribeDomain): its network settings are unknown.
    #[serde(default)]
    pub described: bool,
}

impl Domain {
    /// Region from the ARN (`arn:aws:sagemaker:<region>:...`).
    pub fn region(&self) -> Option<&str> {
        self.arn
            .as_deref()
            .and_then(|a| a.split(':').nth(3))
            .filter(|r| !r.is_empty())
    }

    pub fn is_vpc_only(&self) -> bool {
        self.app_network_access_type.as_deref() == Some("VpcOnly")
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserProfile {
    pub domain_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// `None` when the profile is known only from ListUserProfiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_settings: Option<UserSettings>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Space {
    pub domain_id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// "Private" or "Shared"; `None` when not captured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sharing_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_user_profile_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct App {
    pub domain_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_profile_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_name: Option<String>,
    pub app_type: String,
    pub app_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
}

// ------------------------------------------------------ gaps & notes ----

/// Something the collector could not read. Verdicts that depend on it are
/// `unknown`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Gap {
    /// The API operation, e.g. "ec2:DescribeSecurityGroups".
    pub api: String,
    /// The resource the call was about, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    /// The IAM action that would let the call succeed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iam_action: Option<String>,
    pub error: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Warning,
    Note,
}

/// A warning or note about the input, with a stable kebab-case code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: Level,
    pub code: String,
    pub message: String,
    /// Input file (relative to the imported folder), when it concerns one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// Resource ids involved (e.g. both ends of a dangling reference).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ids: Vec<String>,
}

impl Diagnostic {
    pub fn warning(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Warning,
            code: code.to_string(),
            message: message.into(),
            file: None,
            ids: Vec::new(),
        }
    }
    pub fn note(code: &str, message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Note,
            ..Diagnostic::warning(code, message)
        }
    }
    pub fn with_file(mut self, file: impl Into<String>) -> Self {
        self.file = Some(file.into());
        self
    }
    pub fn with_ids<I: IntoIterator<Item = S>, S: Into<String>>(mut self, ids: I) -> Self {
        self.ids = ids.into_iter().map(Into::into).collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protocol_parses_aws_forms() {
        assert_eq!(Protocol::parse("-1"), Some(Protocol::All));
        assert_eq!(Protocol::parse("tcp"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("6"), Some(Protocol::TCP));
        assert_eq!(Protocol::parse("ICMPv6"), Some(Protocol::ICMPV6));
        assert_eq!(Protocol::parse("256"), None);
        assert_eq!(Protocol::parse("bogus"), None);
    }

    #[test]
    fn protocol_serde_round_trip() {
        let j = serde_json::to_string(&vec![Protocol::All, Protocol::TCP]).unwrap();
        assert_eq!(j, r#"["all",6]"#);
        let back: Vec<Protocol> = serde_json::from_str(r#"["all",6,-1,"udp"]"#).unwrap();
        assert_eq!(
            back,
            vec![Protocol::All, Protocol::TCP, Protocol::All, Protocol::UDP]
        );
    }

    #[test]
    fn snapshot_round_trips() {
        let mut s = Snapshot::new();
        s.vpcs.push(Vpc {
            id: "vpc-1".into(),
            owner_id: None,
            cidr_blocks: vec!["10.0.0.0/16".parse().unwrap()],
            ipv6_cidr_blocks: vec![],
            dhcp_options_id: None,
            instance_tenancy: None,
            is_default: false,
            enable_dns_support: Some(true),
            enable_dns_hostnames: None,
            tags: Tags::new(),
        });
        let text = serde_json::to_string(&s).unwrap();
        let back: Snapshot = serde_json::from_str(&text).unwrap();
        assert_eq!(s, back);
    }

    #[test]
    fn domain_region_from_arn() {
        let mut d: Domain = serde_json::from_str(r#"{"id":"d-1"}"#).unwrap();
        assert_eq!(d.region(), None);
        d.arn = Some("arn:aws:sagemaker:eu-west-1:111122223333:domain/d-1".into());
        assert_eq!(d.region(), Some("eu-west-1"));
    }
}
