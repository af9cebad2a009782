//! PURE. The architecture of the audited domains as a diagram, with the
//! query paths drawn on it.
//!
//! [`build`] turns a snapshot, its topology and a [`Report`] (the results of
//! `audit`) into a [`Diagram`]: the VPC as a box, its availability zones
//! side by side inside, the subnets inside those (name, CIDR, route table,
//! NACL, public or private), and in them one node for the Studio apps of
//! each domain (every profile, shared space and running app ENI of that
//! subnet, so three AZs with forty profiles stay three nodes), the home EFS
//! mount targets and the NAT gateways. Interface and gateway endpoints sit
//! in the VPC below the AZs (an endpoint spans AZs); the home EFS, AWS
//! services and the internet sit outside.
//!
//! Query results become edges coloured by verdict, aggregated per (source
//! node, target, verdict): one edge lists every query that takes it, so a
//! subnet draws one arrow per place its flows end, not one per profile and
//! query. A reachable or partial edge ends at the component that delivers
//! the flow (interface endpoint, gateway endpoint, NAT gateway, mount
//! target, the peer apps); a blocked edge ends at the component that blocks
//! it (a security group, NACL or route table node, a missing endpoint, an
//! endpoint with private DNS off, the file system without a mount target in
//! the AZ), which is highlighted and labelled with the rule and the reason.
//!
//! Edges carry no text: Graphviz places edge labels between the boxes, where
//! other edges and cluster borders cross them. What a node alone does not
//! say (the queries that reach a NAT gateway, which part of a partial flow
//! gets through, which profiles an edge stands for when not all) is listed
//! on the target node instead, with the subnets it comes from
//! (`✔ ecr-dkr tcp/443 ← 1a, 1b`); the full text is the edge's tooltip.
//! [`dot::to_dot`] prints the diagram as Graphviz DOT. Everything is sorted
//! by id, so the output is deterministic.

pub mod dot;

use std::collections::{BTreeMap, BTreeSet};

use crate::engine::route_table::{nat_route, public_route};
use crate::engine::{endpoint_service_name, Blocker, Direction, Verdict};
use crate::explain::app_eni_owner;
use crate::findings::Code;
use crate::findings::{Decision, Kind as HopKind};
use crate::graph::{EniRole, Topology};
use crate::query::sources::{self, AuditSource, Origin};
use crate::query::{Destination, Query};
use crate::report::{QueryResult, Report, SourceRef};
use crate::snapshot::{Domain, EndpointType, Snapshot};

/// What a component is; decides its shape and colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Kind {
    /// The Studio apps of one domain in one subnet: virtual app ENIs of
    /// its profiles and spaces, and the running apps' real ENIs.
    Sources,
    InterfaceEndpoint,
    GatewayEndpoint,
    /// An interface endpoint that a blocked query needs and the VPC lacks.
    MissingEndpoint,
    NatGateway,
    InternetGateway,
    MountTarget,
    FileSystem,
    /// A security group, NACL, route table (or other) that blocks a flow.
    Blocker,
    Internet,
    /// An AWS service outside the VPC (behind a gateway endpoint).
    Service,
    /// A destination sagescope could not place (unknown verdicts).
    Destination,
}

/// One node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Component {
    /// Stable node id (`vpce:vpce-0abc`, `src:d-1:subnet-a`, ...).
    pub key: String,
    pub kind: Kind,
    pub title: String,
    pub lines: Vec<String>,
    /// Why flows stop here: codes, rules and reasons. Non-empty =
    /// highlighted.
    pub blocking: Vec<String>,
    /// Checks that pass within the node (reachable peer apps), in green.
    pub passes: Vec<String>,
    /// What arrives here that the node alone does not name, with the
    /// subnets it comes from: `(verdict, "✔ ecr-dkr tcp/443 ← 1a, 1b")`.
    pub arrivals: Vec<(Verdict, String)>,
    /// Queries whose flow this component delivers by itself (an interface
    /// endpoint of that service, a mount target for efs-nfs): green edges
    /// to it need no label.
    pub serves: Vec<String>,
}

impl Component {
    fn new(key: impl Into<String>, kind: Kind, title: impl Into<String>) -> Self {
        Component {
            key: key.into(),
            kind,
            title: title.into(),
            lines: Vec::new(),
            blocking: Vec::new(),
            passes: Vec::new(),
            arrivals: Vec::new(),
            serves: Vec::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubnetBox {
    pub id: String,
    pub title: String,
    pub lines: Vec<String>,
    /// Routes 0.0.0.0/0 to an internet gateway.
    pub public: bool,
    /// One of the domains' subnets (others are drawn for their NAT gateway,
    /// mount target or app ENIs).
    pub domain_subnet: bool,
    pub components: Vec<Component>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AzBox {
    /// `eu-west-1a (euw1-az1)`, or `AZ unknown`.
    pub title: String,
    pub subnets: Vec<SubnetBox>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VpcBox {
    pub id: String,
    pub title: String,
    pub lines: Vec<String>,
    pub azs: Vec<AzBox>,
    /// Interface, gateway and missing endpoints.
    pub endpoints: Vec<Component>,
    /// Internet gateways.
    pub gateways: Vec<Component>,
    /// Security groups, NACLs and route tables that block a flow.
    pub blockers: Vec<Component>,
}

/// The queries that take one (source node, target, verdict).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathEdge {
    pub from: String,
    pub to: String,
    pub verdict: Verdict,
    /// The queries on this edge, sorted.
    pub queries: Vec<String>,
    /// A partial flow's second edge, to the component that limits it.
    pub limit: bool,
    /// What the target node must list for this edge (see
    /// [`Component::arrivals`]), one line per query; empty when the target
    /// names the query itself.
    pub notes: Vec<String>,
    /// The full text (every query, source, blocker and note), for SVG
    /// hover.
    pub tooltip: String,
    /// How many results the edge stands for.
    pub results: usize,
}

/// A structural link (NAT → internet gateway → internet, gateway endpoint
/// → service, mount target → file system).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Link {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Legend {
    /// Results drawn per verdict.
    pub counts: Vec<(Verdict, usize)>,
    /// Queries not drawn because they apply nowhere: (why, queries).
    pub not_applicable: Vec<(String, Vec<String>)>,
    /// Which queries are drawn.
    pub queries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagram {
    pub title: String,
    pub vpcs: Vec<VpcBox>,
    /// Outside every VPC: home EFS, AWS services, the internet, sources
    /// without a subnet, destinations that could not be placed.
    pub outside: Vec<Component>,
    pub edges: Vec<PathEdge>,
    pub links: Vec<Link>,
    pub legend: Legend,
}

impl Diagram {
    /// Apply `f` to every text the picture shows or carries (titles,
    /// lines, labels, tooltips, node ids): `--redact` passes its
    /// pseudonymiser. The same input must map to the same output, so that
    /// edges still meet their nodes.
    pub fn map_text(&mut self, f: &mut dyn FnMut(&str) -> String) {
        fn all(v: &mut [String], f: &mut dyn FnMut(&str) -> String) {
            for s in v {
                *s = f(s);
            }
        }
        fn component(c: &mut Component, f: &mut dyn FnMut(&str) -> String) {
            c.key = f(&c.key);
            c.title = f(&c.title);
            all(&mut c.lines, f);
            all(&mut c.blocking, f);
            all(&mut c.passes, f);
            for (_, a) in &mut c.arrivals {
                *a = f(a);
            }
        }
        self.title = f(&self.title);
        for v in &mut self.vpcs {
            v.title = f(&v.title);
            all(&mut v.lines, f);
            for az in &mut v.azs {
                az.title = f(&az.title);
                for s in &mut az.subnets {
                    s.title = f(&s.title);
                    all(&mut s.lines, f);
                    for c in &mut s.components {
                        component(c, f);
                    }
                }
            }
            for c in v
                .endpoints
                .iter_mut()
                .chain(&mut v.gateways)
                .chain(&mut v.blockers)
            {
                component(c, f);
            }
        }
        for c in &mut self.outside {
            component(c, f);
        }
        for e in &mut self.edges {
            e.from = f(&e.from);
            e.to = f(&e.to);
            all(&mut e.notes, f);
            e.tooltip = f(&e.tooltip);
        }
        for l in &mut self.links {
            l.from = f(&l.from);
            l.to = f(&l.to);
        }
        for (why, _) in &mut self.legend.not_applicable {
            *why = f(why);
        }
    }
}

/// Width node lines and edge labels are wrapped to.
const WIDTH: usize = 46;
/// Lines of one reason shown on a blocking node (the tooltip has it all).
const REASON_LINES: usize = 3;
/// Names listed on a source node before `+N more`.
const MAX_NAMES: usize = 8;
/// Running app ENIs listed on a source node before `+N more`.
const MAX_ENIS: usize = 4;

/// Build the diagram of the report's domains and results.
pub fn build(snapshot: &Snapshot, topo: &Topology, report: &Report, queries: &[Query]) -> Diagram {
    let domains: Vec<&Domain> = report
        .domains
        .iter()
        .filter_map(|di| snapshot.domains.iter().find(|d| d.id == di.id))
        .collect();
    let mut b = Builder {
        s: snapshot,
        topo,
        queries,
        multi_domain: domains.len() > 1,
        nodes: BTreeMap::new(),
        placement: BTreeMap::new(),
        edges: BTreeMap::new(),
        query_sources: BTreeMap::new(),
        links: BTreeSet::new(),
    };
    for d in &domains {
        b.add_domain(d);
    }
    for r in &report.results {
        if r.verdict == Verdict::NotApplicable {
            continue;
        }
        if let Some(d) = domains.iter().find(|d| d.id == r.domain) {
            b.add_result(d, r);
        }
    }
    let title = title(report, &domains);
    let legend = legend(report);
    b.finish(title, legend)
}

fn title(report: &Report, domains: &[&Domain]) -> String {
    let mut parts = Vec::new();
    for d in domains {
        let mut p = match &d.name {
            Some(n) => format!("{} ({n})", d.id),
            None => d.id.clone(),
        };
        if let Some(m) = &d.app_network_access_type {
            p.push_str(&format!(" · {m}"));
        }
        parts.push(p);
    }
    let mut t = format!(
        "sagescope · {}",
        if parts.is_empty() {
            "no domain".to_string()
        } else {
            parts.join(" · ")
        }
    );
    if let Some(r) = report.domains.iter().find_map(|d| d.region.clone()) {
        t.push_str(&format!(" · {r}"));
    }
    t
}

fn legend(report: &Report) -> Legend {
    let s = report.summary;
    let counts = vec![
        (Verdict::Reachable, s.reachable),
        (Verdict::Partial, s.partial),
        (Verdict::Blocked, s.blocked),
        (Verdict::Unknown, s.unknown),
    ];
    // Queries that apply nowhere are not drawn at all.
    let mut by_query: BTreeMap<&str, (usize, usize, BTreeSet<&str>)> = BTreeMap::new();
    for r in &report.results {
        let e = by_query.entry(r.query.as_str()).or_default();
        e.0 += 1;
        if r.verdict == Verdict::NotApplicable {
            e.1 += 1;
            if let Some(n) = r.notes.first() {
                e.2.insert(n.as_str());
            }
        }
    }
    let mut not_applicable: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut drawn = Vec::new();
    for (q, (total, na, why)) in &by_query {
        if total == na {
            let why: Vec<&str> = why.iter().copied().collect();
            not_applicable
                .entry(why.join("; "))
                .or_default()
                .push(q.to_string());
        } else {
            drawn.push(q.to_string());
        }
    }
    Legend {
        counts,
        not_applicable: not_applicable.into_iter().collect(),
        queries: drawn,
    }
}

/// Greedy word wrap.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Wrap, keeping at most `max` lines (the last one ends with `…` when cut).
fn wrap_max(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines = wrap(text, width);
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            last.push_str(" …");
        }
    }
    lines
}

/// `prefix a, b, c` wrapped, with `+N more` past `max`.
fn names_lines(prefix: &str, names: &[String], max: usize) -> Vec<String> {
    let mut shown: Vec<String> = names.iter().take(max).cloned().collect();
    if names.len() > max {
        shown.push(format!("+{} more", names.len() - max));
    }
    wrap(&format!("{prefix}{}", shown.join(", ")), WIDTH)
}

/// `com.amazonaws.eu-west-1.sagemaker.api` -> `sagemaker.api`.
fn service_suffix(name: &str) -> String {
    let parts: Vec<&str> = name.split('.').collect();
    match parts.as_slice() {
        ["com", "amazonaws", _region, rest @ ..] if !rest.is_empty() => rest.join("."),
        ["aws", "sagemaker", _region, rest @ ..] if !rest.is_empty() => rest.join("."),
        _ => name.to_string(),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    Subnet,
    Endpoints,
    Gateways,
    Blockers,
    Outside,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct EdgeKey {
    from: String,
    to: String,
    verdict: Verdict,
    /// A partial flow's edge to what limits it (the delivered part has its
    /// own edge).
    limit: bool,
}

struct Builder<'a> {
    s: &'a Snapshot,
    topo: &'a Topology,
    queries: &'a [Query],
    multi_domain: bool,
    nodes: BTreeMap<String, Component>,
    /// node key -> (place, vpc, subnet).
    placement: BTreeMap<String, (Place, Option<String>, Option<String>)>,
    edges: BTreeMap<EdgeKey, Vec<&'a QueryResult>>,
    /// (source node, query) -> the sources with a result for it.
    query_sources: BTreeMap<(String, String), BTreeSet<(String, String)>>,
    links: BTreeSet<Link>,
}

impl<'a> Builder<'a> {
    fn place(&mut self, c: Component, place: Place, vpc: Option<&str>, subnet: Option<&str>) {
        self.placement.entry(c.key.clone()).or_insert((
            place,
            vpc.map(str::to_string),
            subnet.map(str::to_string),
        ));
        self.nodes.entry(c.key.clone()).or_insert(c);
    }

    fn az_of(&self, subnet: &str) -> Option<String> {
        self.topo
            .subnet(subnet)
            .and_then(|s| s.availability_zone.clone())
    }

    /// `1a` for a subnet in `eu-west-1a`: short enough for node lines.
    fn az_short(&self, subnet: &str) -> String {
        match self.az_of(subnet) {
            Some(az) => {
                let head = az.trim_end_matches(|c: char| c.is_ascii_lowercase());
                az[head.len().saturating_sub(1)..].to_string()
            }
            None => subnet.to_string(),
        }
    }

    /// `sg-0abc studio-app`; SageMaker's long NFS names are shortened to
    /// `inbound-nfs` / `outbound-nfs`.
    fn sg_name(&self, id: &str) -> String {
        match self.topo.security_group(id) {
            Some(g) if !g.name.is_empty() => {
                let name = g
                    .name
                    .strip_prefix("security-group-for-")
                    .and_then(|n| n.split_once("-nfs-").map(|(dir, _)| format!("{dir}-nfs")))
                    .unwrap_or_else(|| g.name.clone());
                let name: String = if name.chars().count() > 28 {
                    name.chars().take(27).chain(['…']).collect()
                } else {
                    name
                };
                format!("{id} {name}")
            }
            _ => id.to_string(),
        }
    }

    /// How an arrival names the node it comes from: `1a`, `d-1 1a`.
    fn source_short(&self, key: &str) -> String {
        let mut parts = key.splitn(3, ':');
        let (kind, domain, subnet) = (parts.next(), parts.next(), parts.next());
        match (kind, domain, subnet) {
            (Some("src"), Some(d), Some(sub)) => {
                let az = self.az_short(sub);
                if self.multi_domain {
                    format!("{d} {az}")
                } else {
                    az
                }
            }
            (Some("unplaced"), Some(d), _) => format!("{d} (subnets unknown)"),
            _ => key.to_string(),
        }
    }

    fn source_key(domain: &str, r: &SourceRef) -> String {
        if r.subnet_id.is_empty() {
            format!("unplaced:{domain}")
        } else {
            format!("src:{domain}:{}", r.subnet_id)
        }
    }

    fn add_domain(&mut self, d: &'a Domain) {
        let srcs = sources::domain_sources(self.s, d);
        let mut groups: BTreeMap<String, Vec<&AuditSource>> = BTreeMap::new();
        for a in &srcs {
            groups
                .entry(Self::source_key(&d.id, &a.source))
                .or_default()
                .push(a);
        }
        for (key, members) in groups {
            let c = self.source_node(d, &key, &members);
            let subnet = members[0].source.subnet_id.clone();
            if subnet.is_empty() || d.vpc_id.is_none() {
                self.place(c, Place::Outside, None, None);
            } else {
                self.place(c, Place::Subnet, d.vpc_id.as_deref(), Some(&subnet));
            }
        }
        if let Some(vpc) = &d.vpc_id {
            self.add_vpc_components(vpc);
        }
        self.add_home_efs(d);
    }

    fn source_node(&self, d: &Domain, key: &str, members: &[&AuditSource]) -> Component {
        let subnet_known = !members[0].source.subnet_id.is_empty();
        let mut c = Component::new(
            key,
            Kind::Sources,
            if self.multi_domain || !subnet_known {
                format!("Studio apps of {}", d.id)
            } else {
                "Studio apps".to_string()
            },
        );
        let names = |kind: &str| -> Vec<String> {
            members
                .iter()
                .filter(|m| m.source.kind == kind)
                .map(|m| m.source.name.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect()
        };
        if !names("default-user-settings").is_empty() {
            c.lines.push("domain defaults".into());
        }
        let profiles = names("user-profile");
        if !profiles.is_empty() {
            c.lines
                .extend(names_lines("profiles: ", &profiles, MAX_NAMES));
        }
        let spaces = names("shared-space");
        if !spaces.is_empty() {
            c.lines
                .extend(names_lines("shared spaces: ", &spaces, MAX_NAMES));
        }
        if !names("default-space-settings").is_empty() {
            c.lines.push("shared-space defaults".into());
        }
        let enis = names("app-eni");
        for id in enis.iter().take(MAX_ENIS) {
            let mut l = format!("running: {id}");
            if let Some(eni) = self.topo.eni(id) {
                if let Some(ip) = eni
                    .private_ips
                    .iter()
                    .find(|p| p.primary)
                    .or(eni.private_ips.first())
                {
                    l.push_str(&format!(" {}", ip.address));
                }
                if let Some(owner) = app_eni_owner(self.s, eni, &d.id) {
                    let app = owner
                        .strip_prefix("space ")
                        .and_then(|space| {
                            self.s.apps.iter().find(|x| {
                                x.domain_id == d.id && x.space_name.as_deref() == Some(space)
                            })
                        })
                        .map(|x| format!(" {}", x.app_type))
                        .unwrap_or_default();
                    let owner = owner
                        .strip_prefix("space ")
                        .or_else(|| owner.strip_prefix("user-profile "))
                        .unwrap_or(&owner);
                    l.push_str(&format!(" ({owner}{app})"));
                }
            }
            c.lines.extend(wrap(&l, WIDTH));
        }
        if enis.len() > MAX_ENIS {
            c.lines
                .push(format!("+{} more running app ENIs", enis.len() - MAX_ENIS));
        }
        if !subnet_known {
            c.lines.push("subnets unknown".into());
        }
        // The groups every member carries, then each member's extras.
        let known: Vec<&&AuditSource> = members
            .iter()
            .filter(|m| !matches!(m.origin, Origin::Unknown(_)))
            .collect();
        if known.len() < members.len() {
            c.lines.push(format!(
                "{} of {} with unknown groups",
                members.len() - known.len(),
                members.len()
            ));
        }
        if let Some(first) = known.first() {
            let common: BTreeSet<&String> = first
                .source
                .security_group_ids
                .iter()
                .filter(|g| {
                    known
                        .iter()
                        .all(|m| m.source.security_group_ids.contains(g))
                })
                .collect();
            for g in &common {
                c.lines.push(self.sg_name(g));
            }
            let mut extras: BTreeMap<Vec<&String>, BTreeSet<String>> = BTreeMap::new();
            for m in &known {
                let extra: Vec<&String> = m
                    .source
                    .security_group_ids
                    .iter()
                    .filter(|g| !common.contains(g))
                    .collect();
                if !extra.is_empty() {
                    let who = if m.source.kind == "app-eni" {
                        m.source.name.clone()
                    } else if m.source.name == "default" {
                        m.source.kind.clone()
                    } else {
                        m.source.name.clone()
                    };
                    extras.entry(extra).or_default().insert(who);
                }
            }
            for (extra, who) in extras {
                let who: Vec<String> = who.into_iter().collect();
                c.lines.extend(wrap(
                    &format!(
                        "{}: +{}",
                        who.join(", "),
                        extra
                            .iter()
                            .map(|g| g.as_str())
                            .collect::<Vec<_>>()
                            .join(", +")
                    ),
                    WIDTH,
                ));
            }
        }
        c
    }

    fn add_vpc_components(&mut self, vpc: &str) {
        let topo = self.topo;
        for e in topo.endpoints_of_vpc(vpc) {
            let key = format!("vpce:{}", e.id);
            let svc = service_suffix(&e.service_name);
            let serves: Vec<String> = self
                .queries
                .iter()
                .filter(|q| matches!(&q.destination, Destination::Service { service } if *service == svc))
                .map(|q| q.id.clone())
                .collect();
            if e.endpoint_type == EndpointType::Gateway {
                let mut c = Component::new(
                    key.clone(),
                    Kind::GatewayEndpoint,
                    format!("{svc} gateway endpoint"),
                );
                c.lines.push(e.id.clone());
                c.lines.extend(if e.route_table_ids.is_empty() {
                    vec!["no route table".to_string()]
                } else {
                    wrap(
                        &format!("route tables: {}", e.route_table_ids.join(", ")),
                        WIDTH,
                    )
                });
                c.serves = serves;
                self.place(c, Place::Endpoints, Some(vpc), None);
                let skey = format!("svc:{}", e.service_name);
                let mut svc_node =
                    Component::new(skey.clone(), Kind::Service, format!("AWS {svc}"));
                svc_node.lines.push(e.service_name.clone());
                self.place(svc_node, Place::Outside, None, None);
                self.links.insert(Link {
                    from: key,
                    to: skey,
                });
                continue;
            }
            let mut c = Component::new(key, Kind::InterfaceEndpoint, format!("{svc} endpoint"));
            c.lines.push(e.id.clone());
            let mut flags = vec![format!("private DNS {}", e.private_dns_label())];
            if let Some(st) = e.state.as_deref().filter(|s| *s != "available") {
                flags.push(st.to_string());
            }
            c.lines.push(flags.join(" · "));
            let mut enis: Vec<(String, String)> = e
                .network_interface_ids
                .iter()
                .filter_map(|id| self.topo.eni(id))
                .map(|eni| {
                    let ip = eni
                        .private_ips
                        .iter()
                        .find(|p| p.primary)
                        .or(eni.private_ips.first())
                        .map(|p| p.address.to_string())
                        .unwrap_or_default();
                    (self.az_short(&eni.subnet_id), ip)
                })
                .collect();
            enis.sort();
            if enis.is_empty() {
                let azs: BTreeSet<String> = e.subnet_ids.iter().map(|s| self.az_short(s)).collect();
                c.lines.push(format!(
                    "ENIs in {}",
                    azs.into_iter().collect::<Vec<_>>().join(", ")
                ));
            } else {
                let parts: Vec<String> = enis.iter().map(|(az, ip)| format!("{az} {ip}")).collect();
                c.lines.extend(wrap(&parts.join(" · "), WIDTH));
            }
            for g in &e.security_group_ids {
                c.lines.push(self.sg_name(g));
            }
            c.serves = serves;
            self.place(c, Place::Endpoints, Some(vpc), None);
        }
        for n in self
            .topo
            .nat_gateways_of_vpc(vpc)
            .filter(|n| n.state != "deleted")
        {
            let key = format!("nat:{}", n.id);
            let mut c = Component::new(
                key.clone(),
                Kind::NatGateway,
                format!("NAT gateway {}", n.id),
            );
            let mut l = vec![n.connectivity_type.clone(), n.state.clone()];
            if let Some(ip) = n.addresses.iter().find_map(|a| a.public_ip) {
                l.push(ip.to_string());
            }
            c.lines.push(l.join(" · "));
            self.place(c, Place::Subnet, Some(vpc), Some(&n.subnet_id));
            if let Some(Some((igw, _))) = public_route(self.topo, &n.subnet_id) {
                self.links.insert(Link {
                    from: key,
                    to: format!("igw:{igw}"),
                });
            }
        }
        let igws: Vec<String> = self.topo.igws_of_vpc(vpc).map(|g| g.id.clone()).collect();
        for igw in igws {
            let key = format!("igw:{igw}");
            let c = Component::new(
                key.clone(),
                Kind::InternetGateway,
                format!("internet gateway {igw}"),
            );
            self.place(c, Place::Gateways, Some(vpc), None);
            self.place(
                Component::new("internet", Kind::Internet, "Internet"),
                Place::Outside,
                None,
                None,
            );
            self.links.insert(Link {
                from: key,
                to: "internet".into(),
            });
        }
    }

    fn add_home_efs(&mut self, d: &Domain) {
        let Some(fs) = &d.home_efs_file_system_id else {
            return;
        };
        let efs_queries: Vec<String> = self
            .queries
            .iter()
            .filter(|q| q.destination == Destination::EfsMountTarget)
            .map(|q| q.id.clone())
            .collect();
        let key = format!("efs:{fs}");
        let mut c = Component::new(key.clone(), Kind::FileSystem, format!("home EFS {fs}"));
        if self.multi_domain {
            c.lines.push(format!("domain {}", d.id));
        }
        match self.topo.file_system(fs) {
            Some(f) => {
                let mut l: Vec<String> = f.lifecycle_state.iter().cloned().collect();
                l.push(
                    if f.encrypted {
                        "encrypted"
                    } else {
                        "not encrypted"
                    }
                    .to_string(),
                );
                c.lines.push(l.join(" · "));
            }
            None => c.lines.push("not in the snapshot".into()),
        }
        let mut mts: Vec<_> = self
            .s
            .efs_mount_targets
            .iter()
            .filter(|m| &m.file_system_id == fs)
            .collect();
        mts.sort_by(|a, b| a.id.cmp(&b.id));
        let azs: BTreeSet<String> = mts.iter().map(|m| self.az_short(&m.subnet_id)).collect();
        c.lines.push(if mts.is_empty() {
            "no mount target".to_string()
        } else {
            format!(
                "mount targets in {}",
                azs.into_iter().collect::<Vec<_>>().join(", ")
            )
        });
        self.place(c, Place::Outside, None, None);
        for m in mts {
            let mkey = format!("fsmt:{}", m.id);
            let mut mc = Component::new(
                mkey.clone(),
                Kind::MountTarget,
                format!("EFS mount target {}", m.id),
            );
            if let Some(ip) = m.ip_address {
                mc.lines.push(ip.to_string());
            }
            match &m.security_group_ids {
                Some(g) => mc.lines.extend(g.iter().map(|g| self.sg_name(g))),
                None => mc.lines.push("groups not captured".into()),
            }
            if let Some(st) = m.lifecycle_state.as_deref().filter(|s| *s != "available") {
                mc.lines.push(st.to_string());
            }
            mc.serves = efs_queries.clone();
            let vpc = m
                .vpc_id
                .clone()
                .or_else(|| self.topo.subnet(&m.subnet_id).map(|s| s.vpc_id.clone()));
            self.place(mc, Place::Subnet, vpc.as_deref(), Some(&m.subnet_id));
            self.links.insert(Link {
                from: mkey,
                to: key.clone(),
            });
        }
    }

    /// The node of a real app ENI of the domain: its subnet's source node.
    fn app_eni_node(&self, d: &Domain, eni: &str) -> Option<String> {
        let e = self.topo.eni(eni)?;
        sources::is_app_eni_of(e, &d.id).then(|| format!("src:{}:{}", d.id, e.subnet_id))
    }

    /// The component a reachable or partial flow is delivered to: the first
    /// endpoint, NAT or internet gateway, mount target or app on the path.
    fn destination(&self, d: &Domain, r: &QueryResult) -> Option<String> {
        for h in &r.path {
            match h.kind {
                HopKind::VpcEndpoint
                    if self.nodes.contains_key(&format!("vpce:{}", h.resource)) =>
                {
                    return Some(format!("vpce:{}", h.resource))
                }
                HopKind::NatGateway => return Some(format!("nat:{}", h.resource)),
                HopKind::InternetGateway => return Some(format!("igw:{}", h.resource)),
                HopKind::EfsMountTarget => return Some(format!("fsmt:{}", h.resource)),
                HopKind::NetworkInterface if h.decision == Decision::Deliver => {
                    if h.resource.starts_with("subnet-") {
                        return Some(format!("src:{}:{}", d.id, h.resource));
                    }
                    if let Some(k) = self.app_eni_node(d, &h.resource) {
                        return Some(k);
                    }
                    return match self.topo.eni_role(&h.resource) {
                        Some(EniRole::VpcEndpoint(v)) => Some(format!("vpce:{v}")),
                        Some(EniRole::MountTarget(m)) => Some(format!("fsmt:{m}")),
                        Some(EniRole::NatGateway(n)) => Some(format!("nat:{n}")),
                        None => Some(format!("dest:{}", h.resource)),
                    };
                }
                _ => {}
            }
        }
        None
    }

    fn query(&self, id: &str) -> Option<&'a Query> {
        self.queries.iter().find(|q| q.id == id)
    }

    fn add_result(&mut self, d: &Domain, r: &'a QueryResult) {
        let from = Self::source_key(&d.id, &r.source);
        let is_peer = self
            .query(&r.query)
            .is_some_and(|q| q.destination == Destination::AppPeer);
        self.query_sources
            .entry((from.clone(), r.query.clone()))
            .or_default()
            .insert((r.source.kind.clone(), r.source.name.clone()));
        let primary = primary_blocker(r).cloned();
        let to = match (r.verdict, &primary) {
            (Verdict::Blocked | Verdict::Unknown, Some(b)) => self.blocker_node(d, r, b),
            // Reachable peers: one loop per source node.
            (Verdict::Reachable, _) if is_peer => from.clone(),
            (v, _) => {
                if let (Verdict::Partial, Some(b)) = (v, &primary) {
                    // The part that gets through is delivered; a second
                    // edge ends at what stops the rest.
                    let limit = self.blocker_node(d, r, b);
                    self.edges
                        .entry(EdgeKey {
                            from: from.clone(),
                            to: limit,
                            verdict: Verdict::Partial,
                            limit: true,
                        })
                        .or_default()
                        .push(r);
                }
                match self.destination(d, r) {
                    Some(k) => k,
                    None => format!("dest:{}", r.destination),
                }
            }
        };
        if !self.nodes.contains_key(&to) {
            // A destination the diagram does not otherwise draw (no path,
            // or an ENI in another VPC): show it outside.
            let text = to.split_once(':').map(|x| x.1).unwrap_or(&to).to_string();
            let c = Component::new(to.clone(), Kind::Destination, text);
            self.place(c, Place::Outside, None, None);
        }
        let key = EdgeKey {
            from,
            to,
            verdict: r.verdict,
            limit: false,
        };
        self.edges.entry(key).or_default().push(r);
    }

    /// The node a blocker is drawn as: the component itself when it is
    /// drawn (endpoint, mount target, file system, NAT...), a
    /// missing-endpoint node, or a blocking-rule node for security groups,
    /// NACLs and route tables. Its rule and the reason go on that node.
    fn blocker_node(&mut self, d: &Domain, r: &QueryResult, b: &Blocker) -> String {
        let vpc = d.vpc_id.clone();
        let direct = match b.kind {
            HopKind::VpcEndpoint => Some(format!("vpce:{}", b.resource)),
            HopKind::EfsFileSystem => Some(format!("efs:{}", b.resource)),
            HopKind::EfsMountTarget => Some(format!("fsmt:{}", b.resource)),
            HopKind::NatGateway => Some(format!("nat:{}", b.resource)),
            HopKind::InternetGateway => Some(format!("igw:{}", b.resource)),
            HopKind::NetworkInterface => self.app_eni_node(d, &b.resource),
            _ => None,
        };
        let dir = match b.direction {
            Direction::Forward => "",
            Direction::Return => " (return traffic)",
        };
        let mut blocking = vec![format!("✖ {}{dir}", b.code)];
        let rule = r
            .path
            .iter()
            .chain(&r.return_path)
            .find(|h| {
                h.resource == b.resource && h.decision != Decision::Allow && !h.rule.is_empty()
            })
            .map(|h| h.rule.to_string());
        let key = match direct.filter(|k| self.nodes.contains_key(k)) {
            Some(k) => k,
            None if b.code == Code::NoVpcEndpoint => {
                let service = self.query(&r.query).and_then(|q| match &q.destination {
                    Destination::Service { service } => Some(service.clone()),
                    _ => None,
                });
                let name = match (&service, sources::region_of(self.s, d)) {
                    (Some(s), Some(reg)) => endpoint_service_name(s, &reg),
                    (Some(s), None) => s.clone(),
                    (None, _) => b.resource.clone(),
                };
                let key = format!("missing:{}:{name}", b.resource);
                let mut c = Component::new(
                    key.clone(),
                    Kind::MissingEndpoint,
                    format!("no {} endpoint", service.as_deref().unwrap_or("VPC")),
                );
                c.lines.push(name);
                let place = if vpc.is_some() {
                    Place::Endpoints
                } else {
                    Place::Outside
                };
                self.place(c, place, vpc.as_deref(), None);
                key
            }
            None => {
                let key = format!("blocker:{}", b.resource);
                if !self.nodes.contains_key(&key) {
                    let mut c = Component::new(key.clone(), Kind::Blocker, b.resource.clone());
                    c.lines.push(self.blocker_kind(b));
                    let place = if vpc.is_some() {
                        Place::Blockers
                    } else {
                        Place::Outside
                    };
                    self.place(c, place, vpc.as_deref(), None);
                }
                key
            }
        };
        if let Some(rule) = rule {
            blocking.extend(wrap_max(&rule, WIDTH, REASON_LINES));
        }
        let reason = wrap_max(&format!("{}: {}", r.query, b.reason), WIDTH, REASON_LINES);
        if let Some(c) = self.nodes.get_mut(&key) {
            for l in blocking {
                if !c.blocking.contains(&l) {
                    c.blocking.push(l);
                }
            }
            // One reason per (query, component): the first source's, which
            // the result order makes stable.
            let tag = format!("{}: ", r.query);
            if !c.blocking.iter().any(|l| l.starts_with(&tag)) {
                c.blocking.extend(reason);
            }
        }
        key
    }

    fn blocker_kind(&self, b: &Blocker) -> String {
        match b.kind {
            HopKind::SecurityGroup => match self.topo.security_group(&b.resource) {
                Some(g) if !g.name.is_empty() => format!("security group {}", g.name),
                _ => "security group".to_string(),
            },
            HopKind::NetworkAcl => {
                let azs: BTreeSet<String> = self
                    .topo
                    .nacl(&b.resource)
                    .map(|a| a.subnet_ids.iter().map(|s| self.az_short(s)).collect())
                    .unwrap_or_default();
                if azs.is_empty() {
                    "network ACL".to_string()
                } else {
                    format!(
                        "network ACL of {}",
                        azs.into_iter().collect::<Vec<_>>().join(", ")
                    )
                }
            }
            HopKind::RouteTable => {
                let azs: BTreeSet<String> = self
                    .topo
                    .subnets_of_route_table(&b.resource)
                    .map(|s| self.az_short(&s.id))
                    .collect();
                if azs.is_empty() {
                    "route table".to_string()
                } else {
                    format!(
                        "route table of {}",
                        azs.into_iter().collect::<Vec<_>>().join(", ")
                    )
                }
            }
            other => other.as_str().replace('-', " "),
        }
    }

    /// One aggregated edge, and what its target must say about it: nothing
    /// for a green edge into the sagemaker.api endpoint, or a red one into
    /// a blocking node that only the logs query reaches; the queries for an
    /// edge into a NAT gateway, or into a route table that blocks two
    /// queries; which part gets through for a partial flow; which sources
    /// when the edge stands for only some of the node's.
    fn edge(
        &self,
        k: &EdgeKey,
        rs: &[&QueryResult],
        into: &BTreeMap<&str, BTreeSet<&str>>,
    ) -> PathEdge {
        let mut by_query: BTreeMap<&str, Vec<&QueryResult>> = BTreeMap::new();
        for r in rs {
            by_query.entry(r.query.as_str()).or_default().push(r);
        }
        let target = self.nodes.get(&k.to);
        let target_names = |q: &str| -> bool {
            let served = target.is_some_and(|t| t.serves.iter().any(|s| s == q));
            let only = into
                .get(k.to.as_str())
                .is_some_and(|qs| qs.len() == 1 && qs.contains(q));
            match k.verdict {
                Verdict::Reachable => served,
                _ => served || only,
            }
        };
        let mut notes = Vec::new();
        let mut tip = Vec::new();
        for (q, rs) in &by_query {
            let first = rs[0];
            let flow = self
                .query(q)
                .map(|x| format!(" {}", x.flow))
                .unwrap_or_default();
            let sources: BTreeSet<(String, String)> = rs
                .iter()
                .map(|r| (r.source.kind.clone(), r.source.name.clone()))
                .collect();
            let all = self
                .query_sources
                .get(&(k.from.clone(), q.to_string()))
                .map(BTreeSet::len)
                .unwrap_or(0);
            let subset = sources.len() < all;
            let who: Vec<String> = sources
                .iter()
                .map(|(kind, n)| {
                    if n == "default" {
                        kind.clone()
                    } else {
                        n.clone()
                    }
                })
                .collect();
            tip.push(format!(
                "{q}{flow}: {} ({} result{}) from {}",
                k.verdict,
                rs.len(),
                if rs.len() == 1 { "" } else { "s" },
                who.join(", ")
            ));
            for b in &first.blocked_at {
                tip.push(format!(
                    "  {} {} ({:?}): {}",
                    b.resource, b.code, b.direction, b.reason
                ));
            }
            for n in &first.notes {
                tip.push(format!("  note: {n}"));
            }
            if let Some(p) = &first.reachable_part {
                tip.push(format!("  reachable {p}"));
            }
            let named = target_names(q);
            // Accepted findings (suppression file) stay drawn, and say so.
            let suppressed = k.verdict.is_failure() && rs.iter().all(|r| r.suppressed);
            if suppressed {
                tip.push("  suppressed".to_string());
            }
            let line = match k.verdict {
                Verdict::Partial if !k.limit => Some(format!(
                    "{q}{flow} {}",
                    first.reachable_part.as_deref().unwrap_or("in part")
                )),
                Verdict::Unknown if primary_blocker(first).is_none() => Some(format!(
                    "{q}{flow}: {}",
                    first.notes.first().map(String::as_str).unwrap_or("unknown")
                )),
                _ if named && !subset && !suppressed => None,
                Verdict::Reachable => Some(format!("{q}{flow}")),
                _ => Some(q.to_string()),
            };
            if let Some(mut line) = line {
                if subset {
                    let mut shown: Vec<String> = who.iter().take(4).cloned().collect();
                    if who.len() > 4 {
                        shown.push(format!("+{} more", who.len() - 4));
                    }
                    line.push_str(&format!(" (for {})", shown.join(", ")));
                }
                if suppressed {
                    line.push_str(" (suppressed)");
                }
                notes.push(line);
            }
        }
        PathEdge {
            from: k.from.clone(),
            to: k.to.clone(),
            verdict: k.verdict,
            queries: by_query.keys().map(|q| q.to_string()).collect(),
            limit: k.limit,
            notes,
            tooltip: tip.join("\n"),
            results: rs.len(),
        }
    }

    fn finish(mut self, title: String, legend: Legend) -> Diagram {
        // Reachable peers of a source node are a line on the node, not a
        // loop: loops and their labels collide with the subnet's title.
        let loops: Vec<EdgeKey> = self
            .edges
            .keys()
            .filter(|k| k.from == k.to && k.verdict == Verdict::Reachable)
            .cloned()
            .collect();
        for k in loops {
            let rs = self.edges.remove(&k).unwrap_or_default();
            let mut by_query: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
            for r in &rs {
                let az = r
                    .path
                    .last()
                    .filter(|h| h.resource.starts_with("subnet-"))
                    .map(|h| self.az_short(&h.resource));
                by_query.entry(r.query.as_str()).or_default().extend(az);
            }
            let lines: Vec<String> = by_query
                .iter()
                .flat_map(|(q, azs)| {
                    let to = if azs.is_empty() {
                        String::new()
                    } else {
                        format!(
                            " to peers in {}",
                            azs.iter().cloned().collect::<Vec<_>>().join(", ")
                        )
                    };
                    let flow = self
                        .query(q)
                        .map(|x| format!(" {}", x.flow))
                        .unwrap_or_default();
                    wrap(&format!("✔ {q}{flow}{to}"), WIDTH + 14)
                })
                .collect();
            if let Some(c) = self.nodes.get_mut(&k.from) {
                c.passes.extend(lines);
            }
        }
        let mut into: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (k, rs) in &self.edges {
            into.entry(k.to.as_str())
                .or_default()
                .extend(rs.iter().map(|r| r.query.as_str()));
        }
        let edges: Vec<PathEdge> = self
            .edges
            .iter()
            .map(|(k, rs)| self.edge(k, rs, &into))
            .collect();
        // Each edge's notes go on its target, grouped by what arrives:
        // `✔ ecr-dkr tcp/443 ← 1a, 1b, 1c`.
        let mut arrivals: BTreeMap<&str, BTreeMap<(Verdict, &str), BTreeSet<String>>> =
            BTreeMap::new();
        for e in &edges {
            for n in &e.notes {
                arrivals
                    .entry(e.to.as_str())
                    .or_default()
                    .entry((e.verdict, n.as_str()))
                    .or_default()
                    .insert(self.source_short(&e.from));
            }
        }
        for (to, lines) in arrivals {
            if let Some(c) = self.nodes.get_mut(to) {
                for ((verdict, text), from) in lines {
                    let mark = match verdict {
                        Verdict::Reachable => "✔",
                        Verdict::Partial => "◐",
                        Verdict::Blocked => "✖",
                        Verdict::Unknown | Verdict::NotApplicable => "?",
                    };
                    let line = format!(
                        "{mark} {text} ← {}",
                        from.into_iter().collect::<Vec<_>>().join(", ")
                    );
                    c.arrivals
                        .extend(wrap_max(&line, WIDTH, 4).into_iter().map(|l| (verdict, l)));
                }
            }
        }
        let mut vpc_ids: BTreeSet<String> = BTreeSet::new();
        let mut outside = Vec::new();
        for (key, (place, vpc, _)) in &self.placement {
            match (place, vpc) {
                (Place::Outside, _) | (_, None) => outside.push(self.nodes[key].clone()),
                (_, Some(v)) => {
                    vpc_ids.insert(v.clone());
                }
            }
        }
        let vpcs = vpc_ids.iter().map(|v| self.vpc_box(v)).collect();
        outside.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
        Diagram {
            title,
            vpcs,
            outside,
            edges,
            links: self.links.iter().cloned().collect(),
            legend,
        }
    }

    fn vpc_box(&self, vpc_id: &str) -> VpcBox {
        let mut subnets: BTreeMap<String, Vec<Component>> = BTreeMap::new();
        let (mut endpoints, mut gateways, mut blockers) = (Vec::new(), Vec::new(), Vec::new());
        for (key, (place, vpc, subnet)) in &self.placement {
            if vpc.as_deref() != Some(vpc_id) {
                continue;
            }
            let c = self.nodes[key].clone();
            match place {
                Place::Subnet => subnets
                    .entry(subnet.clone().unwrap_or_default())
                    .or_default()
                    .push(c),
                Place::Endpoints => endpoints.push(c),
                Place::Gateways => gateways.push(c),
                Place::Blockers => blockers.push(c),
                Place::Outside => {}
            }
        }
        let domain_subnets: BTreeSet<&String> = self
            .s
            .domains
            .iter()
            .filter(|d| d.vpc_id.as_deref() == Some(vpc_id))
            .flat_map(|d| &d.subnet_ids)
            .collect();
        let mut azs: BTreeMap<String, Vec<SubnetBox>> = BTreeMap::new();
        for (subnet, mut components) in subnets {
            components.sort_by(|a, b| (a.kind, &a.key).cmp(&(b.kind, &b.key)));
            let sub = self.topo.subnet(&subnet);
            let az_title = match sub.and_then(|s| s.availability_zone.clone()) {
                Some(az) => match sub.and_then(|s| s.availability_zone_id.clone()) {
                    Some(id) => format!("{az} ({id})"),
                    None => az,
                },
                None => "AZ unknown".to_string(),
            };
            let route = public_route(self.topo, &subnet);
            let mut lines = Vec::new();
            let title = match sub.and_then(|s| s.tags.get("Name")) {
                Some(n) => format!("{n} · {subnet}"),
                None => subnet.clone(),
            };
            match sub {
                Some(s) => {
                    let mut l: Vec<String> = s.cidr.iter().map(|c| c.to_string()).collect();
                    l.push(match route {
                        Some(Some((igw, r))) => format!("public ({} → {igw})", r.destination),
                        Some(None) => match nat_route(self.topo, &subnet) {
                            Some((nat, r)) => format!("private ({} → {})", r.destination, nat.id),
                            None => "private".to_string(),
                        },
                        None => "routes unknown".to_string(),
                    });
                    lines.push(l.join(" · "));
                    let mut l = Vec::new();
                    if let Some(rt) = self.topo.route_table_of_subnet(&subnet) {
                        l.push(if rt.main {
                            format!("{} (main)", rt.id)
                        } else {
                            rt.id.clone()
                        });
                    }
                    if let Some(acl) = self.topo.nacl_of_subnet(&subnet) {
                        l.push(acl.id.clone());
                    }
                    if !l.is_empty() {
                        lines.push(l.join(" · "));
                    }
                }
                None => lines.push("not in the snapshot".into()),
            }
            let domain_subnet = domain_subnets.contains(&subnet);
            if !domain_subnet {
                lines.push("not a domain subnet".into());
            }
            azs.entry(az_title).or_default().push(SubnetBox {
                id: subnet,
                title,
                lines,
                public: matches!(route, Some(Some(_))),
                domain_subnet,
                components,
            });
        }
        let vpc = self.topo.vpc(vpc_id);
        let drawn: usize = azs.values().map(Vec::len).sum();
        let total = self.topo.subnets_of_vpc(vpc_id).count();
        let title = match vpc.and_then(|v| v.tags.get("Name")) {
            Some(n) => format!("VPC {vpc_id} ({n})"),
            None => format!("VPC {vpc_id}"),
        };
        let mut lines = Vec::new();
        match vpc {
            Some(v) => {
                let cidrs: Vec<String> = v.cidr_blocks.iter().map(|c| c.to_string()).collect();
                let dns = |x: Option<bool>| match x {
                    Some(true) => "on",
                    Some(false) => "OFF",
                    None => "unknown",
                };
                lines.push(format!(
                    "{} · DNS support {} · DNS hostnames {}",
                    cidrs.join(", "),
                    dns(v.enable_dns_support),
                    dns(v.enable_dns_hostnames)
                ));
            }
            None => lines.push("not in the snapshot".into()),
        }
        if total > drawn {
            let n = total - drawn;
            lines.push(format!(
                "{n} other subnet{} not drawn",
                if n == 1 { "" } else { "s" }
            ));
        }
        let sort = |v: &mut Vec<Component>| {
            v.sort_by(|a, b| (a.kind, &a.title, &a.key).cmp(&(b.kind, &b.title, &b.key)))
        };
        sort(&mut endpoints);
        sort(&mut gateways);
        sort(&mut blockers);
        VpcBox {
            id: vpc_id.to_string(),
            title,
            lines,
            azs: azs
                .into_iter()
                .map(|(title, mut subnets)| {
                    subnets
                        .sort_by(|a, b| (!a.domain_subnet, &a.id).cmp(&(!b.domain_subnet, &b.id)));
                    AzBox { title, subnets }
                })
                .collect(),
            endpoints,
            gateways,
            blockers,
        }
    }
}

/// The blocker an edge ends at: the component to change first. A missing
/// endpoint, private DNS off or a missing mount target names the fix better
/// than the route table that then has no route; otherwise path order,
/// forward before return.
fn primary_blocker(r: &QueryResult) -> Option<&Blocker> {
    let pos = |b: &Blocker| {
        let (hops, base) = match b.direction {
            Direction::Forward => (&r.path, 0),
            Direction::Return => (&r.return_path, 1000),
        };
        base + hops
            .iter()
            .position(|h| h.resource == b.resource)
            .unwrap_or(999)
    };
    r.blocked_at.iter().min_by_key(|b| {
        let first = matches!(
            b.code,
            Code::NoVpcEndpoint | Code::PrivateDnsDisabled | Code::EfsNoMountTargetInAz
        );
        (!first, pos(b), b.resource.clone())
    })
}

#[cfg(test)]
mod tests;
