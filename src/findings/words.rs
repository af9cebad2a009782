//! Why a component blocks a flow, as data, and the words every report
//! prints for it. The engine and the query layer build a [`Reason`]; only
//! its `Display` (used by the reports and the JSON's `reason` string) turns
//! it into a sentence.

use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::snapshot::Protocol;

/// The name of something that has no id yet (a Studio app ENI: "user-profile
/// alice"), or of the source of an answer that the memo shares between
/// sources (`engine::Evaluator` fills the source's name in).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Label {
    Of(String),
    /// The source of the evaluation, named when the answer is given out.
    Source,
}

impl Label {
    /// This label with `name` for [`Label::Source`].
    pub fn named(&self, name: &str) -> Label {
        match self {
            Label::Source => Label::Of(name.to_string()),
            other => other.clone(),
        }
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Label::Of(s) => f.write_str(s),
            Label::Source => f.write_str("the source"),
        }
    }
}

/// A set of addresses, named as precisely as the snapshot allows.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Addrs(pub Vec<AddrPart>);

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AddrPart {
    /// A CIDR block (a /32 prints as the address).
    Net(Ipv4Net),
    /// Some address of an app ENI that Studio would create (`peer`: the
    /// other app of a pair).
    App {
        label: Label,
        peer: bool,
        subnet_cidr: Option<Ipv4Net>,
    },
    /// The public addresses of an AWS service in a region.
    Service { service: String, region: String },
    /// A symbolic address with no name (never expected in output).
    Atom(u64),
    /// More parts, not listed.
    More,
}

impl fmt::Display for AddrPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddrPart::Net(n) if n.prefix_len() == 32 => write!(f, "{}", n.addr()),
            AddrPart::Net(n) => write!(f, "{n}"),
            AddrPart::App {
                label,
                peer,
                subnet_cidr,
            } => {
                write!(f, "{label}")?;
                if *peer {
                    f.write_str(" (peer)")?;
                }
                match subnet_cidr {
                    Some(c) => write!(f, " (an address in {c})"),
                    None => Ok(()),
                }
            }
            AddrPart::Service { service, region } => {
                write!(f, "the public addresses of {service} in {region}")
            }
            AddrPart::Atom(a) => write!(f, "atom {a}"),
            AddrPart::More => f.write_str("..."),
        }
    }
}

impl fmt::Display for Addrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

/// Port ranges (`lo`-`hi`, inclusive).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ports(pub Vec<(u16, u16)>);

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (lo, hi)) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            if lo == hi {
                write!(f, "{lo}")?;
            } else {
                write!(f, "{lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

/// The packets a filter rejects (or that arrive), by field; a field that
/// is not restricted is `None`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Packets {
    /// IP protocol number ranges.
    pub protocols: Vec<(u8, u8)>,
    pub src: Option<Addrs>,
    pub src_ports: Option<Ports>,
    pub dst: Option<Addrs>,
    pub dst_ports: Option<Ports>,
}

impl fmt::Display for Packets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (lo, hi)) in self.protocols.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            if (*lo, *hi) == (0, 255) {
                f.write_str("all traffic")?;
            } else if lo == hi {
                write!(f, "{}", Protocol::Number(*lo))?;
            } else {
                write!(f, "protocols {lo}-{hi}")?;
            }
        }
        if let Some(s) = &self.src {
            write!(f, " from {s}")?;
        }
        if let Some(p) = &self.src_ports {
            write!(f, " port {p}")?;
        }
        if let Some(d) = &self.dst {
            write!(f, " to {d}")?;
        }
        if let Some(p) = &self.dst_ports {
            write!(f, " port {p}")?;
        }
        Ok(())
    }
}

/// A filter on the path: the packets it admits decide.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Filter {
    /// The security groups of `owner` (an ENI, endpoint, mount target or
    /// the app ENI Studio would create), in one direction.
    Groups {
        egress: bool,
        owner: Label,
        groups: Vec<String>,
    },
    /// A network ACL's rules in one direction, at `subnet`'s boundary.
    Acl {
        acl: String,
        egress: bool,
        subnet: String,
    },
    /// The protocols a NAT gateway carries.
    NatGateway(String),
    /// The protocols a gateway endpoint carries.
    GatewayEndpoint(String),
}

impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Filter::Groups {
                egress,
                owner,
                groups,
            } => {
                let dir = if *egress { "egress" } else { "ingress" };
                if groups.is_empty() {
                    write!(f, "{dir} of {owner} (no groups)")
                } else {
                    write!(f, "{dir} of {owner} ({})", groups.join(", "))
                }
            }
            Filter::Acl {
                acl,
                egress,
                subnet,
            } => {
                let dir = if *egress { "outbound" } else { "inbound" };
                write!(f, "{acl} {dir} ({subnet})")
            }
            Filter::NatGateway(id) => write!(f, "NAT gateway {id}"),
            Filter::GatewayEndpoint(id) => write!(f, "gateway endpoint {id}"),
        }
    }
}

/// What the snapshot lacks, when that is why a path cannot be judged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Absent {
    /// `NAT gateway <id> is not in the snapshot`.
    NatGateway(String),
    /// `internet gateway <id> is not in the snapshot`.
    InternetGateway(String),
    /// `VPC endpoint <id> is not in the snapshot`.
    VpcEndpoint(String),
    /// `<id> is not in the snapshot`.
    Resource(String),
    /// The private address of a NAT gateway.
    NatAddress(String),
    /// A subnet's route table.
    RouteTable(String),
    /// A subnet's network ACL.
    NetworkAcl(String),
    /// The subnet of an ENI or instance.
    Subnet(String),
    /// The security groups of an ENI or mount target.
    Groups(String),
    /// `<id> has no IPv4 address`.
    Ipv4Address(String),
    /// `<id> has no private address or subnet in the snapshot`.
    AddressOrSubnet(String),
    /// `<id> has no IPv4 CIDR`.
    Ipv4Cidr(String),
    /// The subnet an app ENI would be created in (`of`: the app's label).
    AppSubnet { subnet: String, of: Label },
    /// `subnet <id> is not in the snapshot`.
    SubnetId(String),
    /// `mount target <id> is not in the snapshot`.
    MountTarget(String),
    /// `the address of mount target <id> was not captured`.
    MountTargetAddress(String),
}

impl fmt::Display for Absent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Absent::NatGateway(id) => write!(f, "NAT gateway {id} is not in the snapshot"),
            Absent::InternetGateway(id) => {
                write!(f, "internet gateway {id} is not in the snapshot")
            }
            Absent::VpcEndpoint(id) => write!(f, "VPC endpoint {id} is not in the snapshot"),
            Absent::Resource(id) => write!(f, "{id} is not in the snapshot"),
            Absent::NatAddress(id) => write!(f, "the private address of {id} was not captured"),
            Absent::RouteTable(s) => write!(f, "{s} has no route table in the snapshot"),
            Absent::NetworkAcl(s) => write!(f, "the network ACL of {s} is not in the snapshot"),
            Absent::Subnet(id) => write!(f, "{id} has no subnet in the snapshot"),
            Absent::Groups(id) => write!(f, "the security groups of {id} were not captured"),
            Absent::Ipv4Address(id) => write!(f, "{id} has no IPv4 address"),
            Absent::AddressOrSubnet(id) => {
                write!(f, "{id} has no private address or subnet in the snapshot")
            }
            Absent::Ipv4Cidr(id) => write!(f, "{id} has no IPv4 CIDR"),
            Absent::AppSubnet { subnet, of } => {
                write!(f, "subnet {subnet} of {of} is not in the snapshot")
            }
            Absent::SubnetId(id) => write!(f, "subnet {id} is not in the snapshot"),
            Absent::MountTarget(id) => write!(f, "mount target {id} is not in the snapshot"),
            Absent::MountTargetAddress(id) => {
                write!(f, "the address of mount target {id} was not captured")
            }
        }
    }
}

/// Where a path leaves what the engine models.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Beyond {
    /// A route to an ENI or instance that is in the snapshot.
    Appliance(String),
    /// A route target that is not in the snapshot.
    MissingTarget(String),
    /// A route to a peering connection, transit gateway, VPN gateway...
    Through(String),
    /// A VPC endpoint that is not a gateway endpoint (`kind`: its type).
    EndpointType { id: String, kind: String },
    /// An internet gateway's edge route table sends inbound traffic to a
    /// middlebox.
    IngressRouting {
        igw: String,
        table: String,
        to: Ipv4Addr,
    },
}

impl fmt::Display for Beyond {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Beyond::Appliance(id) => write!(
                f,
                "forwarded to the appliance {id}; what it does with the traffic is not modelled"
            ),
            Beyond::MissingTarget(id) => write!(f, "route target {id} is not in the snapshot"),
            Beyond::Through(id) => write!(
                f,
                "leaves the snapshot through {id}; the far side is not in the snapshot"
            ),
            Beyond::EndpointType { id, kind } => {
                write!(f, "{id} ({kind}) forwards to an appliance or service not modelled")
            }
            Beyond::IngressRouting { igw, table, to } => write!(
                f,
                "{igw} has the edge route table {table} (ingress routing): traffic to {to} goes where its routes say, which is not modelled"
            ),
        }
    }
}

/// Something a verdict depends on that the engine could not establish,
/// or that the reader should know, as data ([`Note`]'s `Display` is its
/// sentence).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Note {
    /// Something the verdict depends on is not in the snapshot.
    Absent(Absent),
    /// The path leaves what the engine models.
    Beyond(Beyond),
    /// Whether a filter admits the flow depends on data the snapshot lacks.
    Unproven { resource: String, filter: Filter },
    /// Which route applies to part of the destination is unknown.
    RouteUnknown { table: String },
    /// The destination has no address to reach (`peer_in`: the subnet of
    /// a peer app ENI).
    NoAddress {
        target: Label,
        peer_in: Option<String>,
    },
    /// An endpoint policy that is not full access (not evaluated, F12).
    RestrictivePolicy { endpoint: String },
    /// The source's VPC is unknown, so the service name cannot be resolved.
    SourceVpcUnknown { host: String },
    /// An interface endpoint that is not `available`.
    EndpointState {
        endpoint: String,
        service: String,
        state: String,
    },
    /// Custom DHCP name servers answer the name.
    CustomDns {
        vpc: String,
        dhcp: String,
        servers: Vec<String>,
        host: String,
        endpoint: String,
    },
    /// DHCP options the VPC names but the snapshot lacks.
    DhcpMissing {
        vpc: String,
        dhcp: String,
        host: String,
        endpoint: String,
    },
    /// Whether an endpoint has private DNS is not in the snapshot.
    PrivateDnsUnknown { endpoint: String, host: String },
    /// The VPC's DNS attributes were not captured (private DNS assumed).
    DnsAttributesAssumed { vpc: String, endpoint: String },
    /// An endpoint lists an ENI the snapshot lacks.
    EndpointEniMissing { endpoint: String, eni: String },
    /// An endpoint has no ENIs in the snapshot.
    EndpointNoEnis { endpoint: String },
    /// The VPC's DNS attributes were not captured (name resolution unknown).
    DnsAttributesUnknown { vpc: String, host: String },
    /// Words from outside the engine (the query layer, a report read back).
    Text(String),
}

/// In the JSON a note is its sentence.
impl Serialize for Note {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back, a note is words ([`Note::Text`]).
impl<'de> Deserialize<'de> for Note {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Note, D::Error> {
        Ok(Note::Text(String::deserialize(d)?))
    }
}

/// Notes in the order and with the duplicates a reader sees: by their
/// words, each once.
pub fn sort_notes(notes: &mut Vec<Note>) {
    if notes.len() < 2 {
        return;
    }
    // Each note's words, made once.
    let mut keyed: Vec<(String, Note)> = notes.drain(..).map(|n| (n.to_string(), n)).collect();
    keyed.sort_by(|a, b| a.0.cmp(&b.0));
    keyed.dedup_by(|a, b| a.0 == b.0);
    notes.extend(keyed.into_iter().map(|(_, n)| n));
}

impl fmt::Display for Note {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Note::Absent(a) => write!(f, "{a}"),
            Note::Beyond(b) => write!(f, "{b}"),
            Note::Unproven { resource, filter } => write!(
                f,
                "{resource}: {filter} depends on data missing from the snapshot"
            ),
            Note::RouteUnknown { table } => write!(
                f,
                "{table}: which route applies to part of the destination is unknown"
            ),
            Note::NoAddress { target, peer_in } => {
                write!(f, "no address to reach for {target}")?;
                match peer_in {
                    Some(s) => write!(f, " in {s}"),
                    None => Ok(()),
                }
            }
            Note::RestrictivePolicy { endpoint } => write!(
                f,
                "{endpoint} has a restrictive endpoint policy; sagescope does not evaluate IAM policies (F12)"
            ),
            Note::SourceVpcUnknown { host } => write!(f, "{host}: the source's VPC is unknown"),
            Note::EndpointState {
                endpoint,
                service,
                state,
            } => write!(f, "{endpoint} ({service}) is {state}; it does not serve traffic"),
            Note::CustomDns {
                vpc,
                dhcp,
                servers,
                host,
                endpoint,
            } => write!(
                f,
                "{vpc} uses DHCP options {dhcp} with name servers {}; whether {host} resolves to {endpoint} cannot be established from the snapshot",
                servers.join(", ")
            ),
            Note::DhcpMissing {
                vpc,
                dhcp,
                host,
                endpoint,
            } => write!(
                f,
                "{vpc} uses DHCP options {dhcp}, which are not in the snapshot; whether {host} resolves to {endpoint} cannot be established"
            ),
            Note::PrivateDnsUnknown { endpoint, host } => write!(
                f,
                "whether {endpoint} has private DNS enabled is not in the snapshot; {host} may resolve to it or to the public addresses"
            ),
            Note::DnsAttributesAssumed { vpc, endpoint } => write!(
                f,
                "the DNS attributes of {vpc} were not captured; private DNS of {endpoint} is assumed but unproven"
            ),
            Note::EndpointEniMissing { endpoint, eni } => {
                write!(f, "{endpoint} lists {eni}, which is not in the snapshot")
            }
            Note::EndpointNoEnis { endpoint } => {
                write!(f, "{endpoint} has no network interfaces in the snapshot")
            }
            Note::DnsAttributesUnknown { vpc, host } => write!(
                f,
                "the DNS attributes of {vpc} were not captured; whether {host} resolves is unknown"
            ),
            Note::Text(t) => f.write_str(t),
        }
    }
}

/// The part of a flow space that gets through, by field (a field that is
/// all of the requested one is `None`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Part {
    pub to: Option<Addrs>,
    pub src_ports: Option<Ports>,
    pub dst_ports: Option<Ports>,
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        let mut sep = |f: &mut fmt::Formatter<'_>| {
            let s = if first { "only " } else { ", " };
            first = false;
            f.write_str(s)
        };
        if let Some(a) = &self.to {
            sep(f)?;
            write!(f, "to {a}")?;
        }
        if let Some(p) = &self.src_ports {
            sep(f)?;
            write!(f, "from source ports {p}")?;
        }
        if let Some(p) = &self.dst_ports {
            sep(f)?;
            write!(f, "to ports {p}")?;
        }
        if first {
            f.write_str("part of the flow space")?;
        }
        Ok(())
    }
}

/// In the JSON the part is its words.
impl Serialize for Part {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// What a blocking filter found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Finding {
    /// It admits none of the packets.
    AdmitsNone,
    /// Whether it admits them depends on data the snapshot lacks.
    Unproven,
    /// It admits some of them, not all.
    Rejects,
}

/// Why a component blocks a flow.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Why {
    /// A filter rejects `packets`.
    Filter {
        filter: Filter,
        finding: Finding,
        packets: Packets,
    },
    /// Something the verdict depends on is not in the snapshot.
    Absent(Absent),
    /// The path leaves what the engine models.
    Beyond(Beyond),
    /// A component is not `available`.
    State { id: String, state: String },
    /// An internet gateway is not attached to the VPC.
    NotAttached { igw: String, vpc: String },
    /// An internet gateway asked to carry traffic to its own VPC.
    IgwOwnVpc,
    /// An internet gateway and a sender without a public address.
    IgwNoPublicIp { igw: String },
    /// Traffic a NAT gateway translated, routed to another NAT gateway.
    NatAfterNat,
    /// More route lookups than a path can take.
    RoutingLoop,
    /// A route table without a route for `to`.
    NoRoute {
        table: String,
        subnet: String,
        to: Addrs,
    },
    /// A route whose target is gone.
    Blackhole { destination: String, target: String },
    /// Replies of inbound internet traffic are not routed to the gateway
    /// it came through (`via`: where they go instead, if anywhere).
    ReplyRoute {
        table: String,
        subnet: String,
        to: Addrs,
        via: Option<String>,
        igw: String,
    },
    /// No ENI owns the addresses.
    NoOwner { to: Addrs },
    /// The addresses are in no subnet of the VPC.
    NoSubnet { to: Addrs, vpc: String },
    /// The destination of an internet source is not an IPv4 address.
    UnsupportedInternetDestination,
    /// The internet does not route a private address.
    PrivateFromInternet(Ipv4Addr),
    /// Nothing in the snapshot has the public address.
    NoPublicOwner(Ipv4Addr),
    /// The VPC owning a public address has no internet gateway.
    NoInternetGateway { vpc: String },
    /// An interface endpoint with private DNS off (F4).
    PrivateDnsDisabled {
        endpoint: String,
        service: String,
        host: String,
    },
    /// The VPC's DNS attributes keep the endpoint's private DNS off (F5).
    DnsAttributes {
        vpc: String,
        support: Option<bool>,
        hostnames: Option<bool>,
        endpoint: String,
    },
    /// No interface endpoint for the service.
    NoEndpoint {
        vpc: String,
        service: String,
        host: String,
    },
    /// `enableDnsSupport` is off: no name resolves (F5).
    NoResolver { vpc: String, host: String },
    /// The home EFS has no mount target in the AZ (F3).
    NoMountTarget { fs: String, az: String },
    /// Words from outside the model: a collection gap, a report read back.
    Text(String),
}

fn flag(b: &Option<bool>) -> String {
    b.map(|b| b.to_string()).unwrap_or_else(|| "unknown".into())
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Why::Filter {
                filter,
                finding,
                packets,
            } => match finding {
                Finding::AdmitsNone => write!(f, "{filter} admits none of {packets}"),
                Finding::Unproven => write!(
                    f,
                    "{filter} cannot be shown to admit {packets} (missing data)"
                ),
                Finding::Rejects => write!(f, "{filter} does not admit {packets}"),
            },
            Why::Absent(a) => write!(f, "{a}"),
            Why::Beyond(b) => write!(f, "{b}"),
            Why::State { id, state } => write!(f, "{id} is {state} (must be available)"),
            Why::NotAttached { igw, vpc } => write!(f, "{igw} is not attached to {vpc}"),
            Why::IgwOwnVpc => {
                f.write_str("an internet gateway does not route addresses of its own VPC")
            }
            Why::IgwNoPublicIp { igw } => write!(
                f,
                "{igw} drops traffic from a private address with no public or Elastic IP (Studio app ENIs never get one: a VpcOnly domain needs a NAT gateway or VPC endpoints, F14)"
            ),
            Why::NatAfterNat => f.write_str(
                "traffic already translated by a NAT gateway is routed to another NAT gateway",
            ),
            Why::RoutingLoop => f.write_str("routing loop (more than 4 route lookups)"),
            Why::NoRoute { table, subnet, to } => {
                write!(f, "{table} (for {subnet}) has no route to {to}")
            }
            Why::Blackhole {
                destination,
                target,
            } => write!(
                f,
                "route {destination} -> {target} is a blackhole (its target was deleted)"
            ),
            Why::ReplyRoute {
                table,
                subnet,
                to,
                via: Some(via),
                igw,
            } => write!(
                f,
                "{table} (for {subnet}) routes replies to {to} to {via}, not to {igw}"
            ),
            Why::ReplyRoute {
                table,
                subnet,
                to,
                via: None,
                ..
            } => write!(f, "{table} (for {subnet}) has no route for replies to {to}"),
            Why::NoOwner { to } => write!(f, "no network interface in the snapshot has {to}"),
            Why::NoSubnet { to, vpc } => write!(f, "{to} is in no subnet of {vpc}"),
            Why::UnsupportedInternetDestination => {
                f.write_str("unsupported destination for an internet source")
            }
            Why::PrivateFromInternet(ip) => write!(
                f,
                "{ip} is a private address: the internet does not route it"
            ),
            Why::NoPublicOwner(ip) => write!(
                f,
                "no resource in the snapshot has the public address {ip}"
            ),
            Why::NoInternetGateway { vpc } => write!(f, "{vpc} has no internet gateway"),
            Why::PrivateDnsDisabled {
                endpoint,
                service,
                host,
            } => write!(
                f,
                "{endpoint} ({service}) has private DNS disabled, so {host} resolves to the public service addresses (F4)"
            ),
            Why::DnsAttributes {
                vpc,
                support,
                hostnames,
                endpoint,
            } => write!(
                f,
                "{vpc} has enableDnsSupport={} and enableDnsHostnames={}; both must be true for the private DNS of {endpoint} (F5)",
                flag(support),
                flag(hostnames)
            ),
            Why::NoEndpoint { vpc, service, host } => write!(
                f,
                "{vpc} has no interface endpoint for {service}; {host} resolves to public addresses"
            ),
            Why::NoResolver { vpc, host } => write!(
                f,
                "{vpc} has enableDnsSupport=false: the Amazon-provided resolver does not answer, so {host} does not resolve (F5)"
            ),
            Why::NoMountTarget { fs, az } => write!(f, "{fs} has no mount target in {az} (F3)"),
            Why::Text(t) => f.write_str(t),
        }
    }
}

/// A blocker's reason: why, and for how many more destination addresses
/// the same rule set blocks the flow (branches met on the way, one per
/// endpoint ENI, merged into one blocker).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Reason {
    pub why: Why,
    pub more: usize,
}

impl Reason {
    pub fn new(why: Why) -> Reason {
        Reason { why, more: 0 }
    }
}

impl From<Why> for Reason {
    fn from(why: Why) -> Reason {
        Reason::new(why)
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.why)?;
        match self.more {
            0 => Ok(()),
            1 => f.write_str(" (and the same for 1 more destination address)"),
            n => write!(f, " (and the same for {n} more destination addresses)"),
        }
    }
}

/// In the JSON a reason is its sentence.
impl Serialize for Reason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back, a reason is words ([`Why::Text`]).
impl<'de> Deserialize<'de> for Reason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Reason, D::Error> {
        Ok(Reason::new(Why::Text(String::deserialize(d)?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_read_as_before() {
        let r = Reason {
            why: Why::Filter {
                filter: Filter::Acl {
                    acl: "acl-1".into(),
                    egress: true,
                    subnet: "subnet-a".into(),
                },
                finding: Finding::Rejects,
                packets: Packets {
                    protocols: vec![(6, 6)],
                    src: None,
                    src_ports: None,
                    dst: Some(Addrs(vec![
                        AddrPart::Net("10.0.2.30/32".parse().unwrap()),
                        AddrPart::Net("10.0.3.0/24".parse().unwrap()),
                    ])),
                    dst_ports: Some(Ports(vec![(443, 443), (1024, 2047)])),
                },
            },
            more: 2,
        };
        assert_eq!(
            r.to_string(),
            "acl-1 outbound (subnet-a) does not admit tcp to 10.0.2.30, 10.0.3.0/24 port 443, 1024-2047 (and the same for 2 more destination addresses)"
        );
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(json, format!("\"{r}\""));
        let back: Reason = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_string(), r.to_string());
    }
}
