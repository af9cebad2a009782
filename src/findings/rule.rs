//! What decided on a hop, as data ([`Rule`]), and the words the reports
//! print for it (its `Display`; the JSON's `rule` string is that too).

use std::fmt;
use std::net::Ipv4Addr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use ipnet::Ipv4Net;

use super::{Addrs, Beyond, Label};
use crate::snapshot::{NaclEntry, Protocol, RuleAction, SgRule};

/// One rule of a security group, by position ("sg-0abc egress rule 2").
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SgRuleRef {
    pub group: String,
    pub egress: bool,
    /// 0-based position in the group's rules of that direction.
    pub index: usize,
    pub rule: SgRule,
}

/// The security-group rules a hop names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GroupRules {
    /// The rules that match the flow (at most 4 listed, `more` not), and
    /// groups that are not in the snapshot.
    Matched { rules: Vec<Matched>, more: usize },
    /// No rule matches: the groups' rules in that direction (at most 4).
    NoMatch {
        egress: bool,
        groups: Vec<String>,
        existing: Vec<Arc<SgRuleRef>>,
    },
}

/// A matching rule, or a group the snapshot lacks.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Matched {
    Rule(Arc<SgRuleRef>),
    MissingGroup(String),
}

/// A network ACL entry that decides some of the flow, or the implicit
/// deny at the end.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum AclEntry {
    Entry(Arc<NaclEntry>),
    ImplicitDeny,
}

/// What a flow's destination is, on the hop that delivers to it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Receiver {
    /// An ENI, instance or mount target, by id.
    Id(String),
    /// The app ENI Studio would create for `label`.
    NewApp(Label),
    /// An interface endpoint's ENI.
    EndpointEni {
        eni: String,
        endpoint: String,
        service: String,
    },
    /// A mount target's ENI.
    MountTargetEni { eni: String, mount_target: String },
    /// A NAT gateway's ENI.
    NatEni { eni: String, nat: String },
}

/// What decided on a hop.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub enum Rule {
    /// No rule is involved.
    #[default]
    None,
    /// The sender, by name.
    Sender(String),
    /// The app ENI Studio would create, sending from its subnet.
    NewAppSender {
        label: Label,
        subnet: String,
        cidr: Option<Ipv4Net>,
    },
    /// A packet put on the VPC router.
    Inject(String),
    /// A packet from the internet.
    FromInternet(String),
    /// Security-group rules.
    Groups(GroupRules),
    /// Network ACL entries of one direction (at most 4 listed).
    Acl {
        acl: String,
        egress: bool,
        entries: Vec<AclEntry>,
        more: usize,
    },
    /// The route that matched.
    Route { destination: String, target: String },
    /// No route for these addresses.
    NoRoute(Addrs),
    /// A component's state (not `available`).
    State(String),
    /// A NAT gateway's source translation.
    NatTranslated { to: Ipv4Addr, public: bool },
    /// An internet gateway not attached to the VPC.
    NotAttached { igw: String, vpc: String },
    /// A sender without a public address at an internet gateway.
    NoPublicIp,
    /// An internet gateway's outbound translation.
    MappedToPublic,
    /// Routed towards a public address.
    To(Ipv4Addr),
    /// An internet gateway's inbound translation.
    DestinationMapped { public: Ipv4Addr, private: Ipv4Addr },
    /// Leaving for these addresses.
    ToAddrs(Addrs),
    /// Leaving for a service's public endpoint.
    PublicEndpoint(String),
    /// A gateway endpoint of a service.
    GatewayEndpointFor(String),
    /// Where the path leaves what the engine models.
    Beyond(Beyond),
    /// No ENI owns these addresses.
    NoOwner(Addrs),
    /// These addresses are in no subnet.
    InNoSubnet(Addrs),
    /// The component a flow is delivered to.
    Receiver(Receiver),
    /// A name resolved to an interface endpoint's addresses.
    ResolvesToEndpoint {
        host: String,
        ips: Vec<Ipv4Addr>,
        endpoint: String,
    },
    /// A name resolved to public addresses although an endpoint exists.
    EndpointNotUsed { host: String, endpoint: String },
    /// A name resolved to public addresses: no endpoint for the service.
    NoEndpointFor { host: String, service: String },
    /// A name resolved to public addresses.
    Public { host: String },
    /// A name that does not resolve (`enableDnsSupport` off).
    NoResolution { host: String },
    /// Words from outside the model (a report read back).
    Text(String),
}

impl Rule {
    pub fn is_empty(&self) -> bool {
        match self {
            Rule::None => true,
            Rule::Text(t) => t.is_empty(),
            _ => false,
        }
    }
}

fn dir(egress: bool) -> &'static str {
    if egress {
        "egress"
    } else {
        "ingress"
    }
}

fn more_rules(f: &mut fmt::Formatter<'_>, more: usize) -> fmt::Result {
    write!(
        f,
        "; ... {more} more rule{}",
        if more == 1 { "" } else { "s" }
    )
}

/// "tcp 443 to pl-63a5400a": what a security-group rule admits.
pub struct SgRuleWords<'a>(pub &'a SgRule, pub bool);

impl fmt::Display for SgRuleWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let SgRuleWords(rule, egress) = *self;
        match rule.protocol {
            Protocol::All => f.write_str("all traffic")?,
            p if p.has_ports() => {
                let (lo, hi) = match (rule.from_port, rule.to_port) {
                    (Some(a), Some(b)) if a >= 0 && b >= 0 && a <= b => {
                        (a.min(65535), b.min(65535))
                    }
                    (Some(a), Some(b)) if a >= 0 && b >= 0 => (1, 0),
                    _ => (0, 65535),
                };
                if (lo, hi) == (0, 65535) {
                    write!(f, "{p} all ports")?;
                } else if lo == hi {
                    write!(f, "{p} {lo}")?;
                } else {
                    write!(f, "{p} {lo}-{hi}")?;
                }
            }
            p => write!(f, "{p}")?,
        }
        write!(f, " {} ", if egress { "to" } else { "from" })?;
        let peers = rule
            .ipv4
            .iter()
            .map(|n| n.to_string())
            .chain(rule.ipv6.iter().map(|n| n.to_string()))
            .chain(rule.prefix_lists.iter().cloned())
            .chain(rule.groups.iter().map(|g| g.group_id.clone()));
        for (i, p) in peers.enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&p)?;
        }
        Ok(())
    }
}

/// "rule 100 allow tcp 443 to 10.0.0.0/16": a network ACL entry.
pub struct NaclEntryWords<'a>(pub &'a NaclEntry);

impl fmt::Display for NaclEntryWords<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let e = self.0;
        if e.rule_number >= 32767 {
            f.write_str("rule * ")?;
        } else {
            write!(f, "rule {} ", e.rule_number)?;
        }
        f.write_str(match e.action {
            RuleAction::Allow => "allow ",
            RuleAction::Deny => "deny ",
        })?;
        match e.protocol {
            Protocol::All => f.write_str("all")?,
            p => write!(f, "{p}")?,
        }
        if let Some(r) = e.port_range.filter(|_| e.protocol.has_ports()) {
            write!(f, " {r}")?;
        }
        write!(f, " {} ", if e.egress { "to" } else { "from" })?;
        match (e.cidr, e.ipv6_cidr) {
            (Some(c), _) => write!(f, "{c}"),
            (None, Some(c)) => write!(f, "{c}"),
            (None, None) => Ok(()),
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::None => Ok(()),
            Rule::Sender(s) => f.write_str(s),
            Rule::NewAppSender {
                label,
                subnet,
                cidr,
            } => {
                write!(f, "{label} (new app ENI in {subnet}")?;
                if let Some(c) = cidr {
                    write!(f, " {c}")?;
                }
                f.write_str(")")
            }
            Rule::Inject(s) => write!(f, "packet from {s} at the VPC router"),
            Rule::FromInternet(s) => write!(f, "from {s}"),
            Rule::Groups(GroupRules::Matched { rules, more }) => {
                for (i, m) in rules.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    match m {
                        Matched::Rule(r) => write!(
                            f,
                            "{} {} rule {}: {}",
                            r.group,
                            dir(r.egress),
                            r.index + 1,
                            SgRuleWords(&r.rule, r.egress)
                        )?,
                        Matched::MissingGroup(g) => write!(f, "{g} is not in the snapshot")?,
                    }
                }
                if *more > 0 {
                    more_rules(f, *more)?;
                }
                Ok(())
            }
            Rule::Groups(GroupRules::NoMatch {
                egress,
                groups,
                existing,
            }) => {
                let d = dir(*egress);
                if groups.is_empty() {
                    return write!(f, "no {d} rule matches (no security groups)");
                }
                if existing.is_empty() {
                    return write!(
                        f,
                        "no {d} rule matches: {} has no {d} rules",
                        groups.join(", ")
                    );
                }
                write!(f, "no {d} rule matches; the rules are: ")?;
                for (i, r) in existing.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    write!(
                        f,
                        "{} rule {}: {}",
                        r.group,
                        r.index + 1,
                        SgRuleWords(&r.rule, r.egress)
                    )?;
                }
                Ok(())
            }
            Rule::Acl {
                acl,
                egress,
                entries,
                more,
            } => {
                write!(f, "{acl} {} ", if *egress { "outbound" } else { "inbound" })?;
                for (i, e) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str("; ")?;
                    }
                    match e {
                        AclEntry::Entry(e) => write!(f, "{}", NaclEntryWords(e))?,
                        AclEntry::ImplicitDeny => f.write_str("rule * deny all")?,
                    }
                }
                if *more > 0 {
                    more_rules(f, *more)?;
                }
                Ok(())
            }
            Rule::Route {
                destination,
                target,
            } => write!(f, "{destination} -> {target}"),
            Rule::NoRoute(a) => write!(f, "no route to {a}"),
            Rule::State(s) => write!(f, "state {s}"),
            Rule::NatTranslated { to, public } => write!(
                f,
                "source translated to {to}{}",
                if *public {
                    " (public NAT)"
                } else {
                    " (private NAT)"
                }
            ),
            Rule::NotAttached { igw, vpc } => write!(f, "{igw} is not attached to {vpc}"),
            Rule::NoPublicIp => f.write_str("the sender has no public or Elastic IP address"),
            Rule::MappedToPublic => {
                f.write_str("private source address mapped to its public address")
            }
            Rule::To(ip) => write!(f, "to {ip}"),
            Rule::DestinationMapped { public, private } => {
                write!(f, "destination {public} mapped to {private}")
            }
            Rule::ToAddrs(a) => write!(f, "to {a}"),
            Rule::PublicEndpoint(s) => write!(f, "the public {s} endpoint"),
            Rule::GatewayEndpointFor(s) => write!(f, "gateway endpoint for {s}"),
            Rule::Beyond(b) => write!(f, "{b}"),
            Rule::NoOwner(a) => write!(f, "no network interface has {a}"),
            Rule::InNoSubnet(a) => write!(f, "{a} is in no subnet"),
            Rule::Receiver(r) => match r {
                Receiver::Id(id) => f.write_str(id),
                Receiver::NewApp(label) => write!(f, "{label} (new app ENI)"),
                Receiver::EndpointEni {
                    eni,
                    endpoint,
                    service,
                } => write!(f, "{eni} of {endpoint} ({service})"),
                Receiver::MountTargetEni { eni, mount_target } => {
                    write!(f, "{eni} of {mount_target}")
                }
                Receiver::NatEni { eni, nat } => write!(f, "{eni} of {nat}"),
            },
            Rule::ResolvesToEndpoint {
                host,
                ips,
                endpoint,
            } => {
                write!(f, "{host} -> ")?;
                if ips.is_empty() {
                    f.write_str("?")?;
                }
                for (i, ip) in ips.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{ip}")?;
                }
                write!(f, " (private DNS of {endpoint})")
            }
            Rule::EndpointNotUsed { host, endpoint } => {
                write!(f, "{host} -> public addresses ({endpoint} not used)")
            }
            Rule::NoEndpointFor { host, service } => {
                write!(f, "{host} -> public addresses (no endpoint for {service})")
            }
            Rule::Public { host } => write!(f, "{host} -> public addresses"),
            Rule::NoResolution { host } => {
                write!(f, "{host} does not resolve: enableDnsSupport is false")
            }
            Rule::Text(t) => f.write_str(t),
        }
    }
}

/// In the JSON a rule is its words.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Read back, a rule is words ([`Rule::Text`]).
impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rule, D::Error> {
        let t = String::deserialize(d)?;
        Ok(if t.is_empty() {
            Rule::None
        } else {
            Rule::Text(t)
        })
    }
}
