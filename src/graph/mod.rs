//! PURE. Snapshot -> Topology: the network as a petgraph graph.
//!
//! The topology is the graph the engine walks. Its nodes are what forwards
//! or filters traffic (VPCs as their router, subnets, route tables, network
//! ACLs, security groups, ENIs, instances, internet and egress-only
//! gateways, NAT gateways, VPC endpoints, EFS mount targets, route targets
//! outside the snapshot) and the few resources rules name (prefix lists,
//! EFS file systems, DHCP options). A node's weight is its kind and the
//! index of its resource in the snapshot collection of that kind, so
//! reading the resource is O(1). A resource that the snapshot references
//! but does not hold is a node too, marked absent, whose id is kept in
//! `Topology::absent`. The edges are what AWS draws between them
//! ([`Edge`]): containment, attachments, associations and routes. "Where
//! can a packet go next from here" is a neighbour query: a subnet's route
//! table and network ACL, a route table's routes and their targets, a VPC's
//! subnets, endpoints and internet gateways, the owner of an ENI.
//!
//! One id -> node lookup per kind serves the entry points (ids given by
//! users, rules and records). Address lookups (which ENI holds a private
//! address of a VPC, public IPs, security-group members) are indexes beside
//! the graph: they are not structure.
//!
//! Building the topology checks every reference: a dangling one (a route to
//! a NAT gateway that is not in the snapshot, a rule naming a missing
//! group) is a warning naming both ids, and analysis goes on; the engine
//! turns every verdict that depends on the missing piece into `unknown`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use foldhash::{HashMap, HashMapExt};

pub use petgraph::graph::NodeIndex;
use petgraph::graph::{DiGraph, EdgeReference};
use petgraph::visit::EdgeRef;
use petgraph::Direction::{self, Incoming, Outgoing};

use crate::snapshot::*;

/// What a graph node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    /// A VPC, as the router of its `local` route.
    Vpc,
    Subnet,
    RouteTable,
    NetworkAcl,
    SecurityGroup,
    NetworkInterface,
    Instance,
    InternetGateway,
    EgressOnlyInternetGateway,
    NatGateway,
    VpcEndpoint,
    EfsMountTarget,
    EfsFileSystem,
    PrefixList,
    DhcpOptions,
    /// A route target whose far side is outside the snapshot by nature
    /// (peering, transit gateway, VPN gateway...). Always absent.
    External,
}

impl Kind {
    const COUNT: usize = Kind::External as usize + 1;
}

/// A graph node: the kind of resource and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Node {
    pub kind: Kind,
    /// Whether the snapshot holds the resource. `false`: something
    /// references it (or it is an external route target), and `index` is
    /// the position of its id in `Topology::absent`.
    pub present: bool,
    /// The index of the resource in the snapshot collection of `kind`.
    pub index: usize,
}

/// How two nodes relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// VPC -> its subnets and endpoints; subnet -> the ENIs, NAT gateways
    /// and EFS mount targets in it.
    Contains,
    /// Subnet -> its effective route table (explicit association, else the
    /// VPC's main table); internet gateway -> a route table associated
    /// with it (an edge association, ingress routing).
    RoutedBy,
    /// Subnet -> its network ACL.
    FilteredBy,
    /// Route table -> the route's target, with the index of the route in
    /// the table's `routes`. The `local` route targets the VPC node.
    Route(usize),
    /// Internet or egress-only gateway -> a VPC it is attached to.
    AttachedTo,
    /// VPC endpoint / EFS mount target / NAT gateway -> an ENI that carries it.
    Owns,
    /// ENI -> each of its security groups, in the order the ENI lists them.
    Guards,
}

/// The network graph plus the address indexes.
#[derive(Debug)]
pub struct Topology {
    pub snapshot: Snapshot,
    pub graph: DiGraph<Node, Edge>,
    /// Per [`Kind`]: id -> node, the entry points. Of two resources with
    /// one id, the later in snapshot order.
    ids: Vec<HashMap<String, NodeIndex>>,
    /// Ids of the absent nodes ([`Node::present`] `false`).
    absent: Vec<String>,
    /// Per [`Kind`]: the run of nodes of the snapshot's resources (first
    /// node, count), so that a node's snapshot index is arithmetic.
    runs: [(usize, usize); Kind::COUNT],
    /// VPC id -> private IPv4 -> owning ENI (or instance, or mount target,
    /// when its ENI was not captured). Private addresses belong to a VPC:
    /// two VPCs that reuse a CIDR each own their 10.0.1.5 (issue 13).
    /// Owners whose VPC the snapshot does not say are under `""`.
    ip_owner: HashMap<String, BTreeMap<u32, String>>,
    /// Public IPv4 -> (ENI or instance id, private IPv4 it maps to).
    public_ip_owner: BTreeMap<u32, (String, Ipv4Addr)>,
    /// Security group -> private IPv4 addresses of its members.
    sg_members: HashMap<String, BTreeSet<u32>>,
    /// (VPC id, private IPv4) -> the lowest public IPv4 mapped to it.
    private_to_public: HashMap<(String, u32), u32>,
}

/// What an ENI is for, when it is not a plain interface: the id of the
/// endpoint, mount target or NAT gateway that owns it (the snapshot's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EniRole<'a> {
    VpcEndpoint(&'a String),
    MountTarget(&'a String),
    NatGateway(&'a String),
}

/// Builds the graph: the snapshot's resources first (each kind's nodes in
/// snapshot order, one run per kind), then the edges, adding absent nodes
/// as references need them. petgraph lists a node's edges newest first, so
/// edges that queries list in snapshot order are added in reverse snapshot
/// order, and a subnet's route table and network ACL (read at every
/// crossing) after what the subnet contains.
struct Builder<'s> {
    s: &'s Snapshot,
    graph: DiGraph<Node, Edge>,
    ids: Vec<HashMap<String, NodeIndex>>,
    absent: Vec<String>,
    /// Each kind's run of present nodes: (first node, count).
    runs: [(usize, usize); Kind::COUNT],
}

impl<'s> Builder<'s> {
    fn new(s: &'s Snapshot) -> Self {
        Builder {
            s,
            graph: DiGraph::new(),
            ids: (0..Kind::COUNT).map(|_| HashMap::new()).collect(),
            absent: Vec::new(),
            runs: [(0, 0); Kind::COUNT],
        }
    }

    fn present<T>(&mut self, kind: Kind, items: &[T], id: impl Fn(&T) -> &str) {
        self.runs[kind as usize] = (self.graph.node_count(), items.len());
        self.ids[kind as usize].reserve(items.len());
        for (index, x) in items.iter().enumerate() {
            let n = self.graph.add_node(Node {
                kind,
                present: true,
                index,
            });
            self.ids[kind as usize].insert(id(x).to_string(), n);
        }
    }

    /// The node of the `index`th resource of `kind` in the snapshot.
    fn at(&self, kind: Kind, index: usize) -> NodeIndex {
        NodeIndex::new(self.runs[kind as usize].0 + index)
    }

    /// The node of `id`: an absent one when the snapshot does not hold it.
    fn node(&mut self, kind: Kind, id: &str) -> NodeIndex {
        if let Some(&n) = self.ids[kind as usize].get(id) {
            return n;
        }
        let n = self.graph.add_node(Node {
            kind,
            present: false,
            index: self.absent.len(),
        });
        self.absent.push(id.to_string());
        self.ids[kind as usize].insert(id.to_string(), n);
        n
    }

    fn has(&self, kind: Kind, id: &str) -> bool {
        self.ids[kind as usize]
            .get(id)
            .is_some_and(|&n| self.graph[n].present)
    }

    /// The node a route leads to: the VPC router for `local`; the gateway,
    /// endpoint, ENI or instance it names (absent when missing; an
    /// appliance by its ENI or instance id, whichever the snapshot holds);
    /// an external node for what is outside the snapshot by nature.
    fn route_target(&mut self, rt: &RouteTable, target: &RouteTarget) -> NodeIndex {
        match target {
            RouteTarget::Local => self.node(Kind::Vpc, &rt.vpc_id),
            RouteTarget::InternetGateway(i) => self.node(Kind::InternetGateway, i),
            RouteTarget::EgressOnlyInternetGateway(i) => {
                self.node(Kind::EgressOnlyInternetGateway, i)
            }
            RouteTarget::NatGateway(i) => self.node(Kind::NatGateway, i),
            RouteTarget::VpcEndpoint(i) => self.node(Kind::VpcEndpoint, i),
            RouteTarget::NetworkInterface(i) | RouteTarget::Instance(i) => {
                let kind = if self.has(Kind::NetworkInterface, i) {
                    Kind::NetworkInterface
                } else if self.has(Kind::Instance, i) || matches!(target, RouteTarget::Instance(_))
                {
                    Kind::Instance
                } else {
                    Kind::NetworkInterface
                };
                self.node(kind, i)
            }
            other => self.node(Kind::External, other.id()),
        }
    }

    fn build(mut self, w: &mut Warnings) -> Self {
        let s = self.s;
        self.present(Kind::Vpc, &s.vpcs, |x| &x.id);
        self.present(Kind::Subnet, &s.subnets, |x| &x.id);
        self.present(Kind::RouteTable, &s.route_tables, |x| &x.id);
        self.present(Kind::NetworkAcl, &s.network_acls, |x| &x.id);
        self.present(Kind::SecurityGroup, &s.security_groups, |x| &x.id);
        self.present(Kind::NetworkInterface, &s.network_interfaces, |x| &x.id);
        self.present(Kind::Instance, &s.instances, |x| &x.id);
        self.present(Kind::InternetGateway, &s.internet_gateways, |x| &x.id);
        self.present(
            Kind::EgressOnlyInternetGateway,
            &s.egress_only_internet_gateways,
            |x| &x.id,
        );
        self.present(Kind::NatGateway, &s.nat_gateways, |x| &x.id);
        self.present(Kind::VpcEndpoint, &s.vpc_endpoints, |x| &x.id);
        self.present(Kind::EfsMountTarget, &s.efs_mount_targets, |x| &x.id);
        self.present(Kind::EfsFileSystem, &s.efs_file_systems, |x| &x.id);
        self.present(Kind::PrefixList, &s.prefix_lists, |x| &x.id);
        self.present(Kind::DhcpOptions, &s.dhcp_options, |x| &x.id);

        // Containment and attachments, each listed in snapshot order.
        self.contains(Kind::Vpc, Kind::Subnet, &s.subnets, |x| &x.vpc_id);
        self.contains(Kind::Vpc, Kind::VpcEndpoint, &s.vpc_endpoints, |x| {
            &x.vpc_id
        });
        self.contains(Kind::Vpc, Kind::NatGateway, &s.nat_gateways, |x| &x.vpc_id);
        for (i, g) in s.internet_gateways.iter().enumerate().rev() {
            self.attach(self.at(Kind::InternetGateway, i), &g.vpc_ids);
        }
        for (i, g) in s.egress_only_internet_gateways.iter().enumerate().rev() {
            self.attach(self.at(Kind::EgressOnlyInternetGateway, i), &g.vpc_ids);
        }
        let (sub, eni) = (Kind::Subnet, Kind::NetworkInterface);
        self.contains(sub, eni, &s.network_interfaces, |x| &x.subnet_id);
        self.contains(sub, Kind::NatGateway, &s.nat_gateways, |x| &x.subnet_id);
        self.contains(sub, Kind::EfsMountTarget, &s.efs_mount_targets, |x| {
            &x.subnet_id
        });
        self.owns(Kind::VpcEndpoint, &s.vpc_endpoints, |x| {
            x.network_interface_ids.iter().collect()
        });
        self.owns(Kind::EfsMountTarget, &s.efs_mount_targets, |x| {
            x.network_interface_id.iter().collect()
        });
        self.owns(Kind::NatGateway, &s.nat_gateways, |x| {
            let enis = x.addresses.iter().map(|a| a.network_interface_id.as_ref());
            enis.flatten().collect()
        });
        // The filters on an ENI, in its own order (added in reverse: see
        // above).
        for (i, e) in s.network_interfaces.iter().enumerate() {
            let n = self.at(Kind::NetworkInterface, i);
            for g in e.security_group_ids.iter().rev() {
                let gn = self.node(Kind::SecurityGroup, g);
                self.graph.add_edge(n, gn, Edge::Guards);
            }
        }
        // Edge associations (ingress routing): internet gateway -> the
        // route tables associated with it, in snapshot order.
        for (i, rt) in s.route_tables.iter().enumerate().rev() {
            let table = self.at(Kind::RouteTable, i);
            for g in &rt.gateway_ids {
                if self.has(Kind::InternetGateway, g) {
                    let gn = self.node(Kind::InternetGateway, g);
                    self.graph.add_edge(gn, table, Edge::RoutedBy);
                }
            }
        }
        // Routes, in route order.
        for (i, rt) in s.route_tables.iter().enumerate() {
            let n = self.at(Kind::RouteTable, i);
            for (r, route) in rt.routes.iter().enumerate().rev() {
                let t = self.route_target(rt, &route.target);
                self.graph.add_edge(n, t, Edge::Route(r));
            }
        }
        // Associations. Explicit ones win (of two, the later table, with a
        // warning); the VPC's main table covers the other subnets.
        let mut table: Vec<Option<usize>> = Vec::new();
        let mut main_of_vpc: HashMap<&str, usize> = HashMap::new();
        for (i, rt) in s.route_tables.iter().enumerate() {
            if rt.main {
                main_of_vpc.insert(&rt.vpc_id, i);
            }
            for sub in &rt.subnet_ids {
                let n = self.node(Kind::Subnet, sub).index();
                if table.len() <= n {
                    table.resize(n + 1, None);
                }
                if let Some(prev) = table[n].replace(i) {
                    w.warn(
                        "conflicting-association",
                        format!(
                            "subnet {sub} is associated with both {} and {}; using {}",
                            s.route_tables[prev].id, rt.id, rt.id
                        ),
                        [sub.as_str(), &s.route_tables[prev].id, &rt.id],
                    );
                }
            }
        }
        table.resize(self.graph.node_count(), None);
        for sub in &s.subnets {
            let n = self.node(Kind::Subnet, &sub.id).index();
            if table[n].is_none() {
                table[n] = main_of_vpc.get(sub.vpc_id.as_str()).copied();
            }
        }
        let mut acl: Vec<Option<usize>> = vec![None; self.graph.node_count()];
        for (i, a) in s.network_acls.iter().enumerate() {
            for sub in &a.subnet_ids {
                let n = self.node(Kind::Subnet, sub).index();
                if acl.len() <= n {
                    acl.resize(n + 1, None);
                }
                acl[n] = Some(i);
            }
        }
        // In reverse node order: a table lists its subnets in snapshot order.
        for (n, t) in table.iter().enumerate().rev() {
            if let Some(t) = *t {
                let rt = self.at(Kind::RouteTable, t);
                self.graph.add_edge(NodeIndex::new(n), rt, Edge::RoutedBy);
            }
        }
        for (n, a) in acl.iter().enumerate().rev() {
            if let Some(a) = *a {
                let x = self.at(Kind::NetworkAcl, a);
                self.graph.add_edge(NodeIndex::new(n), x, Edge::FilteredBy);
            }
        }
        self
    }

    /// `parent` -> each of `items` (of `kind`) it contains, so that the
    /// parent lists them in snapshot order.
    fn contains<T>(&mut self, parent: Kind, kind: Kind, items: &[T], id: impl Fn(&T) -> &str) {
        for (i, x) in items.iter().enumerate().rev() {
            let p = self.node(parent, id(x));
            let n = self.at(kind, i);
            self.graph.add_edge(p, n, Edge::Contains);
        }
    }

    /// Each of `items` (of `kind`) -> the ENIs that carry it.
    fn owns<'a, T>(&mut self, kind: Kind, items: &'a [T], enis: impl Fn(&'a T) -> Vec<&'a String>) {
        for (i, x) in items.iter().enumerate() {
            let n = self.at(kind, i);
            for e in enis(x) {
                let e = self.node(Kind::NetworkInterface, e);
                self.graph.add_edge(n, e, Edge::Owns);
            }
        }
    }

    /// Gateway -> each VPC it lists (once).
    fn attach(&mut self, g: NodeIndex, vpcs: &[String]) {
        for (k, v) in vpcs.iter().enumerate() {
            if !vpcs[..k].contains(v) {
                let vn = self.node(Kind::Vpc, v);
                self.graph.add_edge(g, vn, Edge::AttachedTo);
            }
        }
    }
}

impl Topology {
    /// Build the topology over a copy of `snapshot`. Returns the warnings
    /// found on the way (dangling references and the like), sorted and
    /// deduplicated.
    pub fn build(snapshot: &Snapshot) -> (Topology, Vec<Diagnostic>) {
        Topology::from_snapshot(snapshot.clone())
    }

    /// [`Topology::build`] that keeps `s` itself (`topo.snapshot`), for
    /// callers that need no other copy: an organisation's snapshot is
    /// hundreds of megabytes.
    pub fn from_snapshot(s: Snapshot) -> (Topology, Vec<Diagnostic>) {
        let mut w = Warnings::default();
        let b = Builder::new(&s).build(&mut w);
        let (graph, ids, absent, runs) = (b.graph, b.ids, b.absent, b.runs);
        let mut t = Topology {
            snapshot: s,
            graph,
            ids,
            absent,
            runs,
            ip_owner: HashMap::default(),
            public_ip_owner: BTreeMap::new(),
            sg_members: HashMap::new(),
            private_to_public: HashMap::default(),
        };
        t.index_addresses();
        t.check_references(&mut w);
        let mut diags = w.0;
        diags.sort();
        diags.dedup();
        (t, diags)
    }

    /// The VPC an ENI, instance or mount target is in: its own `VpcId`, else
    /// its subnet's; `""` when the snapshot says neither.
    fn vpc_of_owner(&self, owner: &str) -> String {
        let s = &self.snapshot;
        let via_subnet = |subnet: Option<&str>| {
            subnet
                .and_then(|id| self.find(Kind::Subnet, id))
                .map(|i| s.subnets[i].vpc_id.clone())
        };
        let found = if let Some(i) = self.find(Kind::NetworkInterface, owner) {
            let e = &s.network_interfaces[i];
            Some(e.vpc_id.clone())
                .filter(|v| !v.is_empty())
                .or_else(|| via_subnet(Some(&e.subnet_id)))
        } else if let Some(i) = self.find(Kind::Instance, owner) {
            let inst = &s.instances[i];
            inst.vpc_id
                .clone()
                .or_else(|| via_subnet(inst.subnet_id.as_deref()))
        } else if let Some(i) = self.find(Kind::EfsMountTarget, owner) {
            let mt = &s.efs_mount_targets[i];
            mt.vpc_id
                .clone()
                .or_else(|| via_subnet(Some(&mt.subnet_id)))
        } else {
            None
        };
        found.unwrap_or_default()
    }

    fn index_addresses(&mut self) {
        let s = &self.snapshot;
        // (address, owner, whether it replaces an earlier owner).
        let mut owned: Vec<(u32, String, bool)> = Vec::new();
        for eni in &s.network_interfaces {
            for ip in &eni.private_ips {
                owned.push((u32::from(ip.address), eni.id.clone(), true));
                if let Some(p) = ip.public_ip {
                    self.public_ip_owner
                        .insert(u32::from(p), (eni.id.clone(), ip.address));
                }
                for g in &eni.security_group_ids {
                    self.sg_members
                        .entry(g.clone())
                        .or_default()
                        .insert(u32::from(ip.address));
                }
            }
        }
        for inst in &s.instances {
            if let Some(ip) = inst.private_ip {
                owned.push((u32::from(ip), inst.id.clone(), false));
                if let Some(p) = inst.public_ip {
                    self.public_ip_owner
                        .entry(u32::from(p))
                        .or_insert_with(|| (inst.id.clone(), ip));
                }
                for g in &inst.security_group_ids {
                    self.sg_members
                        .entry(g.clone())
                        .or_default()
                        .insert(u32::from(ip));
                }
            }
        }
        // Mount targets whose ENI was not captured still own their address.
        for mt in &s.efs_mount_targets {
            if let Some(ip) = mt.ip_address {
                owned.push((u32::from(ip), mt.id.clone(), false));
                if let Some(groups) = &mt.security_group_ids {
                    for g in groups {
                        self.sg_members
                            .entry(g.clone())
                            .or_default()
                            .insert(u32::from(ip));
                    }
                }
            }
        }
        // An ENI's own address wins over the instance or mount target that
        // holds the same address in the same VPC; of two ENIs that claim one
        // address (impossible in AWS, possible in a hand-made capture), the
        // later in snapshot order.
        for (ip, owner, replaces) in owned {
            let vpc = self.vpc_of_owner(&owner);
            let by_ip = self.ip_owner.entry(vpc).or_default();
            if replaces {
                by_ip.insert(ip, owner);
            } else {
                by_ip.entry(ip).or_insert(owner);
            }
        }
        for eip in &s.addresses {
            let owner = eip
                .network_interface_id
                .clone()
                .or_else(|| eip.instance_id.clone());
            if let (Some(owner), Some(private)) = (owner, eip.private_ip) {
                self.public_ip_owner
                    .entry(u32::from(eip.public_ip))
                    .or_insert((owner, private));
            }
        }
        // In public-address order, so the lowest one wins.
        let mut private_to_public = HashMap::default();
        for (public, (owner, private)) in &self.public_ip_owner {
            private_to_public
                .entry((self.vpc_of_owner(owner), u32::from(*private)))
                .or_insert(*public);
        }
        self.private_to_public = private_to_public;
    }

    fn check_references(&self, w: &mut Warnings) {
        let s = &self.snapshot;
        for sub in &s.subnets {
            if !self.has(Kind::Vpc, &sub.vpc_id) {
                w.dangling(&sub.id, &sub.vpc_id, "its VPC");
            }
            if self.route_table_of_subnet(&sub.id).is_none() {
                w.warn(
                    "no-route-table",
                    format!("subnet {} has no route table in the snapshot (no explicit association and no main table of {})", sub.id, sub.vpc_id),
                    [sub.id.as_str(), &sub.vpc_id],
                );
            }
            if self.nacl_of_subnet(&sub.id).is_none() {
                w.warn(
                    "no-network-acl",
                    format!("subnet {} has no network ACL in the snapshot", sub.id),
                    [sub.id.as_str()],
                );
            }
        }
        for rt in &s.route_tables {
            for sub in &rt.subnet_ids {
                if !self.has(Kind::Subnet, sub) {
                    w.dangling(&rt.id, sub, "an associated subnet");
                }
            }
            for r in &rt.routes {
                if let RouteDestination::PrefixList(pl) = &r.destination {
                    if !self.has(Kind::PrefixList, pl) {
                        w.dangling(&rt.id, pl, "a route destination");
                    }
                }
                if !r.active {
                    continue;
                }
                let ok = match &r.target {
                    RouteTarget::Local => true,
                    RouteTarget::InternetGateway(i) => self.has(Kind::InternetGateway, i),
                    RouteTarget::EgressOnlyInternetGateway(i) => {
                        self.has(Kind::EgressOnlyInternetGateway, i)
                    }
                    RouteTarget::NatGateway(i) => self.has(Kind::NatGateway, i),
                    RouteTarget::VpcEndpoint(i) => self.has(Kind::VpcEndpoint, i),
                    RouteTarget::NetworkInterface(i) => self.has(Kind::NetworkInterface, i),
                    RouteTarget::Instance(i) => self.has(Kind::Instance, i),
                    // The far side of these is outside the snapshot by nature.
                    _ => true,
                };
                if !ok {
                    w.dangling(&rt.id, r.target.id(), "a route target");
                }
            }
        }
        for acl in &s.network_acls {
            for sub in &acl.subnet_ids {
                if !self.has(Kind::Subnet, sub) {
                    w.dangling(&acl.id, sub, "an associated subnet");
                }
            }
        }
        for sg in &s.security_groups {
            for r in sg.ingress.iter().chain(&sg.egress) {
                for g in &r.groups {
                    let foreign = match (&g.user_id, &sg.owner_id) {
                        (Some(u), Some(o)) => u != o,
                        _ => false,
                    };
                    if !self.has(Kind::SecurityGroup, &g.group_id) {
                        if foreign || g.vpc_peering_connection_id.is_some() {
                            w.warn(
                                "foreign-group-reference",
                                format!("{} references {} in another account or peered VPC; its members are unknown", sg.id, g.group_id),
                                [sg.id.as_str(), &g.group_id],
                            );
                        } else {
                            w.dangling(&sg.id, &g.group_id, "a rule's peer group");
                        }
                    }
                }
                for pl in &r.prefix_lists {
                    if !self.has(Kind::PrefixList, pl) {
                        w.dangling(&sg.id, pl, "a rule's prefix list");
                    }
                }
            }
        }
        for pl in &s.prefix_lists {
            if !pl.entries_known {
                w.warn(
                    "prefix-list-entries-missing",
                    format!("prefix list {} ({}) was captured without its entries; rules and routes using it are unknown", pl.id, pl.name),
                    [pl.id.as_str()],
                );
            }
        }
        for eni in &s.network_interfaces {
            if !self.has(Kind::Subnet, &eni.subnet_id) {
                w.dangling(&eni.id, &eni.subnet_id, "its subnet");
            }
            for g in &eni.security_group_ids {
                if !self.has(Kind::SecurityGroup, g) {
                    w.dangling(&eni.id, g, "a security group");
                }
            }
        }
        for ep in &s.vpc_endpoints {
            for g in &ep.security_group_ids {
                if !self.has(Kind::SecurityGroup, g) {
                    w.dangling(&ep.id, g, "a security group");
                }
            }
            for e in &ep.network_interface_ids {
                if !self.has(Kind::NetworkInterface, e) {
                    w.dangling(&ep.id, e, "a network interface");
                }
            }
            for sub in &ep.subnet_ids {
                if !self.has(Kind::Subnet, sub) {
                    w.dangling(&ep.id, sub, "a subnet");
                }
            }
        }
        for nat in &s.nat_gateways {
            if !self.has(Kind::Subnet, &nat.subnet_id) {
                w.dangling(&nat.id, &nat.subnet_id, "its subnet");
            }
        }
        for mt in &s.efs_mount_targets {
            if !self.has(Kind::Subnet, &mt.subnet_id) {
                w.dangling(&mt.id, &mt.subnet_id, "its subnet");
            }
            if !self.has(Kind::EfsFileSystem, &mt.file_system_id) {
                w.dangling(&mt.id, &mt.file_system_id, "its file system");
            }
            match &mt.security_group_ids {
                None => w.warn(
                    "mount-target-groups-missing",
                    format!("the security groups of mount target {} were not captured (describe-mount-target-security-groups or its ENI); NFS verdicts through it are unknown", mt.id),
                    [mt.id.as_str()],
                ),
                Some(gs) => {
                    for g in gs {
                        if !self.has(Kind::SecurityGroup, g) {
                            w.dangling(&mt.id, g, "a security group");
                        }
                    }
                }
            }
        }
        for d in &s.domains {
            if !d.described {
                w.warn(
                    "domain-not-described",
                    format!("domain {} is known only from ListDomains; its network settings are unknown (capture describe-domain)", d.id),
                    [d.id.as_str()],
                );
                continue;
            }
            if let Some(v) = &d.vpc_id {
                if !self.has(Kind::Vpc, v) {
                    w.dangling(&d.id, v, "its VPC");
                }
            }
            for sub in &d.subnet_ids {
                if !self.has(Kind::Subnet, sub) {
                    w.dangling(&d.id, sub, "a domain subnet");
                }
            }
            if let Some(fs) = &d.home_efs_file_system_id {
                if !self.has(Kind::EfsFileSystem, fs)
                    && !s.efs_mount_targets.iter().any(|m| &m.file_system_id == fs)
                {
                    w.dangling(&d.id, fs, "its home EFS file system");
                }
            }
            let groups = d.default_user_settings.security_groups.iter().chain(
                d.default_space_settings
                    .iter()
                    .flat_map(|x| &x.security_groups),
            );
            for g in groups {
                if !self.has(Kind::SecurityGroup, g) {
                    w.dangling(&d.id, g, "a security group of its default settings");
                }
            }
        }
        for p in &s.user_profiles {
            if let Some(us) = &p.user_settings {
                for g in &us.security_groups {
                    if !self.has(Kind::SecurityGroup, g) {
                        w.dangling(
                            &format!("{}/{}", p.domain_id, p.name),
                            g,
                            "a security group of its user settings",
                        );
                    }
                }
            }
        }
        for v in &s.vpcs {
            if v.enable_dns_support.is_none() || v.enable_dns_hostnames.is_none() {
                w.note(
                    "vpc-dns-attributes-missing",
                    format!("the DNS attributes of {} were not captured (describe-vpc-attribute); private DNS of its interface endpoints is unknown", v.id),
                    [v.id.as_str()],
                );
            }
            if let Some(d) = &v.dhcp_options_id {
                if d != "default" && !self.has(Kind::DhcpOptions, d) {
                    w.note(
                        "dhcp-options-missing",
                        format!("DHCP options {d} of {} were not captured; names that interface endpoints answer through private DNS resolve to unknown", v.id),
                        [v.id.as_str(), d],
                    );
                }
            }
        }
    }

    // ------------------------------------------------ nodes and edges ----

    /// The node of a resource id (an entry point), absent ones included.
    pub fn node(&self, kind: Kind, id: &str) -> Option<NodeIndex> {
        self.ids[kind as usize].get(id).copied()
    }

    fn has(&self, kind: Kind, id: &str) -> bool {
        self.find(kind, id).is_some()
    }

    /// The snapshot index of the resource `id` of `kind`, if it is there.
    fn find(&self, kind: Kind, id: &str) -> Option<usize> {
        self.index_at(self.node(kind, id)?, kind)
    }

    /// The snapshot index of the resource at node `n`, if it is of `kind`
    /// and in the snapshot.
    fn index_at(&self, n: NodeIndex, kind: Kind) -> Option<usize> {
        // The kind's present nodes are one run (`Builder::present`).
        let (first, count) = self.runs[kind as usize];
        let i = n.index().wrapping_sub(first);
        (i < count).then_some(i)
    }

    /// The AWS id of the resource at node `n` (for an absent one, the id
    /// that referenced it).
    pub fn id_of(&self, n: NodeIndex) -> &str {
        let x = self.graph[n];
        if !x.present {
            return &self.absent[x.index];
        }
        let (s, i) = (&self.snapshot, x.index);
        match x.kind {
            Kind::Vpc => &s.vpcs[i].id,
            Kind::Subnet => &s.subnets[i].id,
            Kind::RouteTable => &s.route_tables[i].id,
            Kind::NetworkAcl => &s.network_acls[i].id,
            Kind::SecurityGroup => &s.security_groups[i].id,
            Kind::NetworkInterface => &s.network_interfaces[i].id,
            Kind::Instance => &s.instances[i].id,
            Kind::InternetGateway => &s.internet_gateways[i].id,
            Kind::EgressOnlyInternetGateway => &s.egress_only_internet_gateways[i].id,
            Kind::NatGateway => &s.nat_gateways[i].id,
            Kind::VpcEndpoint => &s.vpc_endpoints[i].id,
            Kind::EfsMountTarget => &s.efs_mount_targets[i].id,
            Kind::EfsFileSystem => &s.efs_file_systems[i].id,
            Kind::PrefixList => &s.prefix_lists[i].id,
            Kind::DhcpOptions => &s.dhcp_options[i].id,
            Kind::External => &self.absent[i],
        }
    }

    /// The neighbours of `n` over `edge` edges in direction `dir` that are
    /// of `kind`, in the order the builder set (see [`Builder`]). The
    /// builder adds each kind of edge between two kinds of node in one
    /// pass, so they are one run in a node's list: the query stops at its
    /// end (a VPC's endpoints are read without its subnets).
    fn neighbours(
        &self,
        n: NodeIndex,
        dir: Direction,
        edge: Edge,
        kind: Kind,
    ) -> impl Iterator<Item = NodeIndex> + '_ {
        let other = move |e: &EdgeReference<'_, Edge>| {
            if dir == Outgoing {
                e.target()
            } else {
                e.source()
            }
        };
        let wanted = move |e: &EdgeReference<'_, Edge>| {
            *e.weight() == edge && self.graph[other(e)].kind == kind
        };
        self.graph
            .edges_directed(n, dir)
            .skip_while(move |e| !wanted(e))
            .take_while(wanted)
            .map(move |e| other(&e))
    }

    /// The neighbours of the node of `id` ([`Topology::neighbours`]) that
    /// are in the snapshot, as snapshot indexes.
    fn neighbours_of<'a>(
        &'a self,
        from: Kind,
        id: &str,
        dir: Direction,
        edge: Edge,
        kind: Kind,
    ) -> impl Iterator<Item = usize> + 'a {
        self.node(from, id)
            .into_iter()
            .flat_map(move |n| self.neighbours(n, dir, edge, kind))
            .filter_map(move |m| self.index_at(m, kind))
    }

    // ------------------------------------------------------- lookups ----

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.find(Kind::Vpc, id).map(|i| &self.snapshot.vpcs[i])
    }
    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.find(Kind::Subnet, id)
            .map(|i| &self.snapshot.subnets[i])
    }
    pub fn route_table(&self, id: &str) -> Option<&RouteTable> {
        self.find(Kind::RouteTable, id)
            .map(|i| &self.snapshot.route_tables[i])
    }
    /// The subnet's effective route table (explicit association or main)
    /// and its node: the subnet's `RoutedBy` edge.
    pub fn routed_by(&self, subnet: &str) -> Option<(NodeIndex, &RouteTable)> {
        let n = self.node(Kind::Subnet, subnet)?;
        let t = self
            .neighbours(n, Outgoing, Edge::RoutedBy, Kind::RouteTable)
            .next()?;
        let i = self.index_at(t, Kind::RouteTable)?;
        Some((t, &self.snapshot.route_tables[i]))
    }
    /// The subnet's effective route table (explicit association or main).
    pub fn route_table_of_subnet(&self, subnet: &str) -> Option<&RouteTable> {
        self.routed_by(subnet).map(|(_, rt)| rt)
    }
    /// The subnets of the snapshot whose effective route table is `table`,
    /// in snapshot order.
    pub fn subnets_of_route_table<'a>(&'a self, table: &str) -> impl Iterator<Item = &'a Subnet> {
        self.neighbours_of(
            Kind::RouteTable,
            table,
            Incoming,
            Edge::RoutedBy,
            Kind::Subnet,
        )
        .map(|i| &self.snapshot.subnets[i])
    }
    /// A route table's routes as (route index, target node), in route order.
    pub fn routes(&self, table: NodeIndex) -> impl Iterator<Item = (usize, NodeIndex)> + '_ {
        self.graph
            .edges_directed(table, Outgoing)
            .filter_map(|e| match *e.weight() {
                Edge::Route(r) => Some((r, e.target())),
                _ => None,
            })
    }
    /// The node the route `route` of the table node `table` leads to.
    ///
    /// # Panics
    /// When the table has no such route: the builder adds one edge per route.
    pub fn route_target(&self, table: NodeIndex, route: usize) -> NodeIndex {
        self.routes(table)
            .find(|&(r, _)| r == route)
            .map(|(_, t)| t)
            .expect("a route edge per route")
    }
    pub fn nacl_of_subnet(&self, subnet: &str) -> Option<&NetworkAcl> {
        self.neighbours_of(
            Kind::Subnet,
            subnet,
            Outgoing,
            Edge::FilteredBy,
            Kind::NetworkAcl,
        )
        .next()
        .map(|i| &self.snapshot.network_acls[i])
    }
    pub fn nacl(&self, id: &str) -> Option<&NetworkAcl> {
        self.find(Kind::NetworkAcl, id)
            .map(|i| &self.snapshot.network_acls[i])
    }
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.find(Kind::SecurityGroup, id)
            .map(|i| &self.snapshot.security_groups[i])
    }
    pub fn prefix_list(&self, id: &str) -> Option<&PrefixList> {
        self.find(Kind::PrefixList, id)
            .map(|i| &self.snapshot.prefix_lists[i])
    }
    pub fn endpoint(&self, id: &str) -> Option<&VpcEndpoint> {
        self.find(Kind::VpcEndpoint, id)
            .map(|i| &self.snapshot.vpc_endpoints[i])
    }
    /// The VPC endpoint at a node (a route target, say).
    pub fn endpoint_at(&self, n: NodeIndex) -> Option<&VpcEndpoint> {
        self.index_at(n, Kind::VpcEndpoint)
            .map(|i| &self.snapshot.vpc_endpoints[i])
    }
    pub fn nat_gateway(&self, id: &str) -> Option<&NatGateway> {
        self.find(Kind::NatGateway, id)
            .map(|i| &self.snapshot.nat_gateways[i])
    }
    /// The NAT gateway at a node (a route target, say).
    pub fn nat_gateway_at(&self, n: NodeIndex) -> Option<&NatGateway> {
        self.index_at(n, Kind::NatGateway)
            .map(|i| &self.snapshot.nat_gateways[i])
    }
    pub fn internet_gateway(&self, id: &str) -> Option<&InternetGateway> {
        self.find(Kind::InternetGateway, id)
            .map(|i| &self.snapshot.internet_gateways[i])
    }
    /// The internet gateway at a node (a route target, say).
    pub fn internet_gateway_at(&self, n: NodeIndex) -> Option<&InternetGateway> {
        self.index_at(n, Kind::InternetGateway)
            .map(|i| &self.snapshot.internet_gateways[i])
    }
    /// Whether the gateway at node `gateway` is attached to the VPC `vpc`.
    pub fn attached_to(&self, gateway: NodeIndex, vpc: &str) -> bool {
        self.node(Kind::Vpc, vpc).is_some_and(|v| {
            self.graph
                .edges_directed(gateway, Outgoing)
                .any(|e| *e.weight() == Edge::AttachedTo && e.target() == v)
        })
    }
    pub fn eni(&self, id: &str) -> Option<&NetworkInterface> {
        self.find(Kind::NetworkInterface, id)
            .map(|i| &self.snapshot.network_interfaces[i])
    }
    /// The ENIs of the snapshot in a subnet, in snapshot order.
    pub fn enis_in_subnet<'a>(
        &'a self,
        subnet: &str,
    ) -> impl Iterator<Item = &'a NetworkInterface> {
        self.neighbours_of(
            Kind::Subnet,
            subnet,
            Outgoing,
            Edge::Contains,
            Kind::NetworkInterface,
        )
        .map(|i| &self.snapshot.network_interfaces[i])
    }
    /// The security groups that guard an ENI (its `Guards` edges: ids in
    /// the order the ENI lists them, groups the snapshot lacks included);
    /// `None` when the ENI is not in the snapshot.
    pub fn groups_of_eni(&self, eni: &str) -> Option<Vec<String>> {
        let n = self.node(Kind::NetworkInterface, eni)?;
        if !self.graph[n].present {
            return None;
        }
        Some(
            self.graph
                .edges_directed(n, Outgoing)
                .filter(|e| *e.weight() == Edge::Guards)
                .map(|e| self.id_of(e.target()).to_string())
                .collect(),
        )
    }
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.find(Kind::Instance, id)
            .map(|i| &self.snapshot.instances[i])
    }
    pub fn mount_target(&self, id: &str) -> Option<&EfsMountTarget> {
        self.find(Kind::EfsMountTarget, id)
            .map(|i| &self.snapshot.efs_mount_targets[i])
    }
    pub fn file_system(&self, id: &str) -> Option<&EfsFileSystem> {
        self.find(Kind::EfsFileSystem, id)
            .map(|i| &self.snapshot.efs_file_systems[i])
    }
    pub fn dhcp_options(&self, id: &str) -> Option<&DhcpOptions> {
        self.find(Kind::DhcpOptions, id)
            .map(|i| &self.snapshot.dhcp_options[i])
    }
    /// Owners of the private addresses within [lo, hi] (IPv4 as u32) in a
    /// VPC, in address order, with the owners whose VPC is not known (which
    /// may be in any VPC).
    pub fn owners_in_range(&self, vpc: &str, lo: u32, hi: u32) -> Vec<(u32, &str)> {
        let mut out: Vec<(u32, &str)> = Vec::new();
        for key in [vpc, ""] {
            if let Some(m) = self.ip_owner.get(key) {
                out.extend(m.range(lo..=hi).map(|(ip, o)| (*ip, o.as_str())));
            }
            if vpc.is_empty() {
                break;
            }
        }
        out.sort_unstable();
        out.dedup_by_key(|(ip, _)| *ip);
        out
    }
    /// The owner of a public IPv4 address and the private address it maps to.
    pub fn owner_of_public_ip(&self, ip: Ipv4Addr) -> Option<(&str, Ipv4Addr)> {
        self.public_ip_owner
            .get(&u32::from(ip))
            .map(|(o, p)| (o.as_str(), *p))
    }
    /// The public (or Elastic) address mapped to a private address of a
    /// VPC, if any.
    pub fn public_ip_for_private(&self, vpc: &str, ip: Ipv4Addr) -> Option<Ipv4Addr> {
        self.private_to_public
            .get(&(vpc.to_string(), u32::from(ip)))
            .map(|p| Ipv4Addr::from(*p))
    }
    /// Private IPv4 addresses of the members of a security group.
    pub fn group_members(&self, sg: &str) -> impl Iterator<Item = u32> + '_ {
        self.sg_members.get(sg).into_iter().flatten().copied()
    }
    /// What owns an ENI: its incoming `Owns` edges. Of several owners
    /// (impossible in AWS), a NAT gateway before a mount target before an
    /// endpoint, and of one kind the later in snapshot order.
    pub fn eni_role(&self, eni: &str) -> Option<EniRole<'_>> {
        let n = self.node(Kind::NetworkInterface, eni)?;
        let s = &self.snapshot;
        self.graph
            .edges_directed(n, Incoming)
            .filter(|e| *e.weight() == Edge::Owns)
            .map(|e| self.graph[e.source()])
            .filter(|o| o.present)
            .max_by_key(|o| {
                (
                    o.kind == Kind::NatGateway,
                    o.kind == Kind::EfsMountTarget,
                    o.index,
                )
            })
            .and_then(|o| match o.kind {
                Kind::VpcEndpoint => Some(EniRole::VpcEndpoint(&s.vpc_endpoints[o.index].id)),
                Kind::EfsMountTarget => {
                    Some(EniRole::MountTarget(&s.efs_mount_targets[o.index].id))
                }
                Kind::NatGateway => Some(EniRole::NatGateway(&s.nat_gateways[o.index].id)),
                _ => None,
            })
    }
    /// The internet gateways attached to a VPC, in snapshot order.
    pub fn igws_of_vpc<'a>(&'a self, vpc: &'a str) -> impl Iterator<Item = &'a InternetGateway> {
        self.neighbours_of(
            Kind::Vpc,
            vpc,
            Incoming,
            Edge::AttachedTo,
            Kind::InternetGateway,
        )
        .map(|i| &self.snapshot.internet_gateways[i])
    }
    /// The VPC endpoints of a VPC, in snapshot order.
    pub fn endpoints_of_vpc<'a>(&'a self, vpc: &str) -> impl Iterator<Item = &'a VpcEndpoint> {
        self.neighbours_of(Kind::Vpc, vpc, Outgoing, Edge::Contains, Kind::VpcEndpoint)
            .map(|i| &self.snapshot.vpc_endpoints[i])
    }
    /// The route tables associated with an internet gateway (edge
    /// associations, ingress routing), in snapshot order.
    pub fn edge_route_tables<'a>(&'a self, igw: &str) -> impl Iterator<Item = &'a RouteTable> {
        self.neighbours_of(
            Kind::InternetGateway,
            igw,
            Outgoing,
            Edge::RoutedBy,
            Kind::RouteTable,
        )
        .map(|i| &self.snapshot.route_tables[i])
    }
    /// The NAT gateways of a VPC (by their `VpcId`), in snapshot order.
    pub fn nat_gateways_of_vpc<'a>(&'a self, vpc: &str) -> impl Iterator<Item = &'a NatGateway> {
        self.neighbours_of(Kind::Vpc, vpc, Outgoing, Edge::Contains, Kind::NatGateway)
            .map(|i| &self.snapshot.nat_gateways[i])
    }
    /// The subnets of a VPC, in snapshot order.
    pub fn subnets_of_vpc<'a>(&'a self, vpc: &str) -> impl Iterator<Item = &'a Subnet> {
        self.neighbours_of(Kind::Vpc, vpc, Outgoing, Edge::Contains, Kind::Subnet)
            .map(|i| &self.snapshot.subnets[i])
    }
    /// The subnet (of a VPC) whose CIDR contains an address.
    pub fn subnet_containing(&self, vpc: &str, ip: Ipv4Addr) -> Option<&Subnet> {
        self.subnets_of_vpc(vpc)
            .find(|s| s.cidr.is_some_and(|c| c.contains(&ip)))
    }
}

#[derive(Default)]
struct Warnings(Vec<Diagnostic>);

impl Warnings {
    fn warn<'a>(&mut self, code: &str, msg: String, ids: impl IntoIterator<Item = &'a str>) {
        self.0
            .push(Diagnostic::warning(code, msg).with_ids(ids.into_iter().map(str::to_string)));
    }
    fn note<'a>(&mut self, code: &str, msg: String, ids: impl IntoIterator<Item = &'a str>) {
        self.0
            .push(Diagnostic::note(code, msg).with_ids(ids.into_iter().map(str::to_string)));
    }
    fn dangling(&mut self, from: &str, missing: &str, what: &str) {
        self.warn(
            "dangling-reference",
            format!("{from} references {missing} ({what}), which is not in the snapshot; verdicts that depend on it are unknown"),
            [from, missing],
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap() -> Snapshot {
        serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "vpcs": [{"id": "vpc-1", "cidr_blocks": ["10.0.0.0/16"]}],
            "subnets": [
                {"id": "subnet-a", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24"},
                {"id": "subnet-b", "vpc_id": "vpc-1", "cidr": "10.0.2.0/24"}
            ],
            "route_tables": [
                {"id": "rtb-main", "vpc_id": "vpc-1", "main": true, "routes": [
                    {"destination": {"kind": "ipv4", "value": "10.0.0.0/16"}, "target": {"kind": "local"}},
                    {"destination": {"kind": "ipv4", "value": "0.0.0.0/0"}, "target": {"kind": "nat-gateway", "id": "nat-missing"}}
                ]},
                {"id": "rtb-b", "vpc_id": "vpc-1", "subnet_ids": ["subnet-b"], "routes": []}
            ],
            "security_groups": [
                {"id": "sg-1", "ingress": [{"protocol": 6, "from_port": 443, "to_port": 443,
                  "groups": [{"group_id": "sg-gone"}]}], "egress": []}
            ]
        }))
        .unwrap()
    }

    /// Several of everything, to check the order neighbours come in.
    fn wide() -> Snapshot {
        let route = |dst: &str, kind: &str, id: &str| {
            serde_json::json!({"destination": {"kind": "ipv4", "value": dst},
                               "target": {"kind": kind, "id": id}})
        };
        serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "vpcs": [{"id": "vpc-1"}, {"id": "vpc-2"}],
            "subnets": [
                {"id": "subnet-1", "vpc_id": "vpc-1", "cidr": "10.0.0.0/16"},
                {"id": "subnet-2", "vpc_id": "vpc-2", "cidr": "10.0.0.0/24"},
                {"id": "subnet-3", "vpc_id": "vpc-1", "cidr": "10.0.1.0/24"},
                {"id": "subnet-4", "vpc_id": "vpc-1", "cidr": "10.0.2.0/24"}
            ],
            "route_tables": [
                {"id": "rtb-1", "vpc_id": "vpc-1", "main": true, "routes": [
                    {"destination": {"kind": "ipv4", "value": "10.0.0.0/16"}, "target": {"kind": "local"}},
                    route("0.0.0.0/0", "internet-gateway", "igw-1"),
                    route("10.9.0.0/16", "vpc-peering-connection", "pcx-1"),
                    route("10.8.0.0/16", "instance", "eni-x"),
                    route("10.7.0.0/16", "network-interface", "eni-gone")
                ]},
                {"id": "rtb-2", "vpc_id": "vpc-1", "subnet_ids": ["subnet-4", "subnet-3"], "routes": []},
                {"id": "rtb-3", "vpc_id": "vpc-1", "subnet_ids": ["subnet-3", "subnet-gone"], "routes": []}
            ],
            "network_acls": [
                {"id": "acl-1", "vpc_id": "vpc-1", "subnet_ids": ["subnet-1", "subnet-3"], "entries": []},
                {"id": "acl-2", "vpc_id": "vpc-1", "subnet_ids": ["subnet-3"], "entries": []}
            ],
            "internet_gateways": [
                {"id": "igw-1", "vpc_ids": ["vpc-1"]},
                {"id": "igw-2", "vpc_ids": ["vpc-2", "vpc-1", "vpc-1"]},
                {"id": "igw-3", "vpc_ids": ["vpc-1"]}
            ],
            "vpc_endpoints": [
                {"id": "vpce-1", "vpc_id": "vpc-1", "service_name": "s3", "endpoint_type": "gateway"},
                {"id": "vpce-2", "vpc_id": "vpc-2", "service_name": "sts", "endpoint_type": "interface",
                 "network_interface_ids": ["eni-x", "eni-y"]},
                {"id": "vpce-3", "vpc_id": "vpc-1", "service_name": "sts", "endpoint_type": "interface",
                 "network_interface_ids": ["eni-y"]}
            ],
            "nat_gateways": [
                {"id": "nat-1", "vpc_id": "vpc-1", "subnet_id": "subnet-1", "state": "available",
                 "connectivity_type": "public", "addresses": [{"network_interface_id": "eni-y"}]},
                {"id": "nat-2", "vpc_id": "vpc-2", "subnet_id": "subnet-2", "state": "available"},
                {"id": "nat-3", "vpc_id": "vpc-1", "subnet_id": "subnet-3", "state": "pending"}
            ],
            "network_interfaces": [
                {"id": "eni-x", "subnet_id": "subnet-1", "vpc_id": "vpc-1",
                 "security_group_ids": ["sg-b", "sg-gone", "sg-a"]},
                {"id": "eni-y", "subnet_id": "subnet-3", "vpc_id": "vpc-1"},
                {"id": "eni-z", "subnet_id": "subnet-1", "vpc_id": "vpc-1"}
            ]
        }))
        .unwrap()
    }

    fn ids<'a, T: 'a>(items: impl Iterator<Item = &'a T>, id: impl Fn(&T) -> &str) -> Vec<String> {
        items.map(|x| id(x).to_string()).collect()
    }

    #[test]
    fn main_table_is_the_fallback() {
        let (t, _) = Topology::build(&snap());
        assert_eq!(t.route_table_of_subnet("subnet-a").unwrap().id, "rtb-main");
        assert_eq!(t.route_table_of_subnet("subnet-b").unwrap().id, "rtb-b");
        assert_eq!(
            ids(t.subnets_of_route_table("rtb-main"), |s| &s.id),
            ["subnet-a"]
        );
    }

    #[test]
    fn the_later_explicit_association_wins() {
        let (t, w) = Topology::build(&wide());
        assert_eq!(t.route_table_of_subnet("subnet-3").unwrap().id, "rtb-3");
        assert_eq!(t.route_table_of_subnet("subnet-4").unwrap().id, "rtb-2");
        // A subnet the snapshot lacks still has its association.
        assert_eq!(t.route_table_of_subnet("subnet-gone").unwrap().id, "rtb-3");
        assert!(t.subnet("subnet-gone").is_none());
        assert!(w.iter().any(
            |d| d.code == "conflicting-association" && d.ids == ["subnet-3", "rtb-2", "rtb-3"]
        ));
        // Tables list their subnets in snapshot order, present ones only.
        assert_eq!(
            ids(t.subnets_of_route_table("rtb-2"), |s| &s.id),
            ["subnet-4"]
        );
        assert_eq!(
            ids(t.subnets_of_route_table("rtb-3"), |s| &s.id),
            ["subnet-3"]
        );
        assert_eq!(
            ids(t.subnets_of_route_table("rtb-1"), |s| &s.id),
            ["subnet-1"]
        );
        // The later ACL wins; a subnet without one has none.
        assert_eq!(t.nacl_of_subnet("subnet-3").unwrap().id, "acl-2");
        assert_eq!(t.nacl_of_subnet("subnet-1").unwrap().id, "acl-1");
        assert!(t.nacl_of_subnet("subnet-4").is_none());
    }

    #[test]
    fn route_edges_carry_the_route_in_route_order() {
        let (t, _) = Topology::build(&wide());
        let (table, rt) = t.routed_by("subnet-1").unwrap();
        assert_eq!(rt.id, "rtb-1");
        let routes: Vec<(usize, Kind, bool, &str)> = t
            .routes(table)
            .map(|(r, n)| (r, t.graph[n].kind, t.graph[n].present, t.id_of(n)))
            .collect();
        assert_eq!(
            routes,
            [
                (0, Kind::Vpc, true, "vpc-1"),
                (1, Kind::InternetGateway, true, "igw-1"),
                (2, Kind::External, false, "pcx-1"),
                // An instance route naming an ENI id leads to the ENI.
                (3, Kind::NetworkInterface, true, "eni-x"),
                (4, Kind::NetworkInterface, false, "eni-gone"),
            ]
        );
        let igw = t.route_target(table, 1);
        assert_eq!(t.internet_gateway_at(igw).unwrap().id, "igw-1");
        assert!(t.attached_to(igw, "vpc-1"));
        assert!(!t.attached_to(igw, "vpc-2"));
        assert!(t.nat_gateway_at(igw).is_none());

        let (t, _) = Topology::build(&snap());
        let (table, _) = t.routed_by("subnet-a").unwrap();
        let nat = t.route_target(table, 1);
        assert_eq!(t.graph[nat].kind, Kind::NatGateway);
        assert_eq!(t.id_of(nat), "nat-missing");
        assert!(t.nat_gateway_at(nat).is_none());
    }

    #[test]
    fn neighbours_come_in_snapshot_order() {
        let (t, _) = Topology::build(&wide());
        assert_eq!(
            ids(t.subnets_of_vpc("vpc-1"), |s| &s.id),
            ["subnet-1", "subnet-3", "subnet-4"]
        );
        assert_eq!(
            ids(t.endpoints_of_vpc("vpc-1"), |e| &e.id),
            ["vpce-1", "vpce-3"]
        );
        assert_eq!(
            ids(t.igws_of_vpc("vpc-1"), |g| &g.id),
            ["igw-1", "igw-2", "igw-3"]
        );
        assert_eq!(ids(t.igws_of_vpc("vpc-2"), |g| &g.id), ["igw-2"]);
        assert_eq!(
            ids(t.nat_gateways_of_vpc("vpc-1"), |n| &n.id),
            ["nat-1", "nat-3"]
        );
        assert_eq!(
            ids(t.enis_in_subnet("subnet-1"), |e| &e.id),
            ["eni-x", "eni-z"]
        );
        // The first subnet in snapshot order that holds the address.
        let ip = "10.0.1.5".parse().unwrap();
        assert_eq!(t.subnet_containing("vpc-1", ip).unwrap().id, "subnet-1");
        assert_eq!(t.subnet_containing("vpc-2", ip), None);
        assert!(t.igws_of_vpc("vpc-none").next().is_none());
    }

    #[test]
    fn eni_groups_come_from_guards_edges_in_the_enis_order() {
        let (t, _) = Topology::build(&wide());
        assert_eq!(
            t.groups_of_eni("eni-x").unwrap(),
            ["sg-b", "sg-gone", "sg-a"]
        );
        assert_eq!(t.groups_of_eni("eni-y").unwrap(), Vec::<String>::new());
        assert_eq!(t.groups_of_eni("eni-none"), None);
    }

    #[test]
    fn eni_roles_come_from_owner_edges() {
        let (t, _) = Topology::build(&wide());
        // The NAT gateway over the endpoints; of endpoints, the later.
        assert_eq!(
            t.eni_role("eni-y"),
            Some(EniRole::NatGateway(&"nat-1".to_string()))
        );
        assert_eq!(
            t.eni_role("eni-x"),
            Some(EniRole::VpcEndpoint(&"vpce-2".to_string()))
        );
        assert_eq!(t.eni_role("eni-z"), None);
        assert_eq!(t.eni_role("eni-none"), None);
    }

    #[test]
    fn dangling_references_name_both_ids() {
        let (_, w) = Topology::build(&snap());
        let d: Vec<_> = w
            .iter()
            .filter(|d| d.code == "dangling-reference")
            .collect();
        assert!(
            d.iter().any(|d| d.ids == ["rtb-main", "nat-missing"]),
            "{d:?}"
        );
        assert!(d.iter().any(|d| d.ids == ["sg-1", "sg-gone"]), "{d:?}");
    }
}
