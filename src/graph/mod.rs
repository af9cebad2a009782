//! PURE. Snapshot -> Topology (petgraph).
//!
//! The topology is the snapshot's resources as graph nodes (VPCs, subnets,
//! ENIs, route tables, NACLs, security groups, gateways, endpoints, EFS
//! mount targets) with the edges AWS draws between them (containment,
//! association, routes), plus the lookup indexes the engine needs. Building
//! it checks every reference: a dangling one (a route to a NAT gateway that
//! is not in the snapshot, a rule naming a missing group) is a warning naming
//! both ids, and analysis goes on; the engine turns every verdict that
//! depends on the missing piece into `unknown`.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use foldhash::{HashMap, HashMapExt};

use petgraph::graph::{DiGraph, NodeIndex};

use crate::snapshot::*;

/// What a graph node stands for. The string is the AWS id.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Node {
    Vpc(String),
    Subnet(String),
    RouteTable(String),
    NetworkAcl(String),
    SecurityGroup(String),
    NetworkInterface(String),
    Instance(String),
    InternetGateway(String),
    EgressOnlyInternetGateway(String),
    NatGateway(String),
    VpcEndpoint(String),
    PrefixList(String),
    EfsFileSystem(String),
    EfsMountTarget(String),
    Domain(String),
    /// A route target whose far side is not in the snapshot (peering,
    /// transit gateway, VPN gateway...) or that is missing from it.
    External(String),
}

impl Node {
    pub fn id(&self) -> &str {
        match self {
            Node::Vpc(i)
            | Node::Subnet(i)
            | Node::RouteTable(i)
            | Node::NetworkAcl(i)
            | Node::SecurityGroup(i)
            | Node::NetworkInterface(i)
            | Node::Instance(i)
            | Node::InternetGateway(i)
            | Node::EgressOnlyInternetGateway(i)
            | Node::NatGateway(i)
            | Node::VpcEndpoint(i)
            | Node::PrefixList(i)
            | Node::EfsFileSystem(i)
            | Node::EfsMountTarget(i)
            | Node::Domain(i)
            | Node::External(i) => i,
        }
    }
}

/// How two nodes relate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edge {
    /// VPC -> subnet, subnet -> ENI, file system -> mount target.
    Contains,
    /// Subnet -> its effective route table (explicit or main).
    RoutedBy,
    /// Subnet -> its network ACL.
    FilteredBy,
    /// ENI / endpoint / mount target -> security group.
    Guards,
    /// Route table -> target, labelled with the destination.
    Route(RouteDestination),
    /// Gateway -> VPC it is attached to.
    AttachedTo,
    /// Endpoint / mount target / NAT -> the ENI that carries it.
    Owns,
    /// Domain -> subnet / EFS / VPC it uses.
    Uses,
}

/// The network graph plus indexes.
#[derive(Debug)]
pub struct Topology {
    pub snapshot: Snapshot,
    pub graph: DiGraph<Node, Edge>,
    pub node_index: HashMap<Node, NodeIndex>,
    vpcs: HashMap<String, usize>,
    subnets: HashMap<String, usize>,
    route_tables: HashMap<String, usize>,
    nacls: HashMap<String, usize>,
    sgs: HashMap<String, usize>,
    prefix_lists: HashMap<String, usize>,
    endpoints: HashMap<String, usize>,
    nats: HashMap<String, usize>,
    igws: HashMap<String, usize>,
    eigws: HashMap<String, usize>,
    enis: HashMap<String, usize>,
    instances: HashMap<String, usize>,
    mount_targets: HashMap<String, usize>,
    file_systems: HashMap<String, usize>,
    dhcp: HashMap<String, usize>,
    subnet_route_table: HashMap<String, usize>,
    subnet_nacl: HashMap<String, usize>,
    /// VPC id -> private IPv4 -> owning ENI (or instance, or mount target,
    /// when its ENI was not captured). Private addresses belong to a VPC:
    /// two VPCs that reuse a CIDR each own their 10.0.1.5 (issue 13).
    /// Owners whose VPC the snapshot does not say are under `""`.
    ip_owner: HashMap<String, BTreeMap<u32, String>>,
    /// Public IPv4 -> (ENI or instance id, private IPv4 it maps to).
    public_ip_owner: BTreeMap<u32, (String, Ipv4Addr)>,
    /// Security group -> private IPv4 addresses of its members.
    sg_members: HashMap<String, BTreeSet<u32>>,
    /// ENI id -> the endpoint / mount target / NAT gateway it belongs to.
    eni_role: HashMap<String, EniRole>,
    /// (VPC id, private IPv4) -> the lowest public IPv4 mapped to it.
    private_to_public: HashMap<(String, u32), u32>,
    /// VPC id -> its subnets, endpoints and internet gateways (indexes, in
    /// snapshot order): per-flow lookups never scan the whole snapshot.
    subnets_of_vpc: HashMap<String, Vec<usize>>,
    endpoints_of_vpc: HashMap<String, Vec<usize>>,
    igws_of_vpc: HashMap<String, Vec<usize>>,
}

/// Indexes of `items` grouped by a key, each group in `items` order.
fn group_by<'a, T>(
    items: &'a [T],
    keys: impl Fn(&'a T) -> Vec<&'a str>,
) -> HashMap<String, Vec<usize>> {
    let mut m: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, x) in items.iter().enumerate() {
        for k in keys(x) {
            let v = m.entry(k.to_string()).or_default();
            // An item listing one key twice is listed once.
            if v.last() != Some(&i) {
                v.push(i);
            }
        }
    }
    m
}

/// What an ENI is for, when it is not a plain interface.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EniRole {
    VpcEndpoint(String),
    MountTarget(String),
    NatGateway(String),
}

fn index_by<T>(items: &[T], id: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    items
        .iter()
        .enumerate()
        .map(|(i, x)| (id(x).to_string(), i))
        .collect()
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
        let mut t = Topology {
            vpcs: index_by(&s.vpcs, |x| &x.id),
            subnets: index_by(&s.subnets, |x| &x.id),
            route_tables: index_by(&s.route_tables, |x| &x.id),
            nacls: index_by(&s.network_acls, |x| &x.id),
            sgs: index_by(&s.security_groups, |x| &x.id),
            prefix_lists: index_by(&s.prefix_lists, |x| &x.id),
            endpoints: index_by(&s.vpc_endpoints, |x| &x.id),
            nats: index_by(&s.nat_gateways, |x| &x.id),
            igws: index_by(&s.internet_gateways, |x| &x.id),
            eigws: index_by(&s.egress_only_internet_gateways, |x| &x.id),
            enis: index_by(&s.network_interfaces, |x| &x.id),
            instances: index_by(&s.instances, |x| &x.id),
            mount_targets: index_by(&s.efs_mount_targets, |x| &x.id),
            file_systems: index_by(&s.efs_file_systems, |x| &x.id),
            dhcp: index_by(&s.dhcp_options, |x| &x.id),
            subnets_of_vpc: group_by(&s.subnets, |x| vec![x.vpc_id.as_str()]),
            endpoints_of_vpc: group_by(&s.vpc_endpoints, |x| vec![x.vpc_id.as_str()]),
            igws_of_vpc: group_by(&s.internet_gateways, |x| {
                x.vpc_ids.iter().map(String::as_str).collect()
            }),
            private_to_public: HashMap::default(),
            snapshot: s,
            graph: DiGraph::new(),
            node_index: HashMap::new(),
            subnet_route_table: HashMap::new(),
            subnet_nacl: HashMap::new(),
            ip_owner: HashMap::default(),
            public_ip_owner: BTreeMap::new(),
            sg_members: HashMap::new(),
            eni_role: HashMap::new(),
        };
        let mut w = Warnings::default();
        t.index_associations(&mut w);
        t.index_addresses();
        t.check_references(&mut w);
        t.build_graph();
        let mut diags = w.0;
        diags.sort();
        diags.dedup();
        (t, diags)
    }

    fn index_associations(&mut self, w: &mut Warnings) {
        let s = &self.snapshot;
        // Explicit associations win; the VPC's main table covers the rest.
        let mut main_of_vpc: HashMap<&str, usize> = HashMap::new();
        for (i, rt) in s.route_tables.iter().enumerate() {
            if rt.main {
                main_of_vpc.insert(&rt.vpc_id, i);
            }
            for sub in &rt.subnet_ids {
                if let Some(prev) = self.subnet_route_table.insert(sub.clone(), i) {
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
        for sub in &s.subnets {
            if !self.subnet_route_table.contains_key(&sub.id) {
                if let Some(&i) = main_of_vpc.get(sub.vpc_id.as_str()) {
                    self.subnet_route_table.insert(sub.id.clone(), i);
                }
            }
        }
        for (i, acl) in s.network_acls.iter().enumerate() {
            for sub in &acl.subnet_ids {
                self.subnet_nacl.insert(sub.clone(), i);
            }
        }
        for ep in &s.vpc_endpoints {
            for eni in &ep.network_interface_ids {
                self.eni_role
                    .insert(eni.clone(), EniRole::VpcEndpoint(ep.id.clone()));
            }
        }
        for mt in &s.efs_mount_targets {
            if let Some(eni) = &mt.network_interface_id {
                self.eni_role
                    .insert(eni.clone(), EniRole::MountTarget(mt.id.clone()));
            }
        }
        for nat in &s.nat_gateways {
            for a in &nat.addresses {
                if let Some(eni) = &a.network_interface_id {
                    self.eni_role
                        .insert(eni.clone(), EniRole::NatGateway(nat.id.clone()));
                }
            }
        }
    }

    /// The VPC an ENI, instance or mount target is in: its own `VpcId`, else
    /// its subnet's; `""` when the snapshot says neither.
    fn vpc_of_owner(&self, owner: &str) -> String {
        let s = &self.snapshot;
        let via_subnet = |subnet: Option<&str>| {
            subnet
                .and_then(|id| self.subnets.get(id))
                .map(|&i| s.subnets[i].vpc_id.clone())
        };
        let found = if let Some(&i) = self.enis.get(owner) {
            let e = &s.network_interfaces[i];
            Some(e.vpc_id.clone())
                .filter(|v| !v.is_empty())
                .or_else(|| via_subnet(Some(&e.subnet_id)))
        } else if let Some(&i) = self.instances.get(owner) {
            let inst = &s.instances[i];
            inst.vpc_id
                .clone()
                .or_else(|| via_subnet(inst.subnet_id.as_deref()))
        } else if let Some(&i) = self.mount_targets.get(owner) {
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
            if !self.vpcs.contains_key(&sub.vpc_id) {
                w.dangling(&sub.id, &sub.vpc_id, "its VPC");
            }
            if !self.subnet_route_table.contains_key(&sub.id) {
                w.warn(
                    "no-route-table",
                    format!("subnet {} has no route table in the snapshot (no explicit association and no main table of {})", sub.id, sub.vpc_id),
                    [sub.id.as_str(), &sub.vpc_id],
                );
            }
            if !self.subnet_nacl.contains_key(&sub.id) {
                w.warn(
                    "no-network-acl",
                    format!("subnet {} has no network ACL in the snapshot", sub.id),
                    [sub.id.as_str()],
                );
            }
        }
        for rt in &s.route_tables {
            for sub in &rt.subnet_ids {
                if !self.subnets.contains_key(sub) {
                    w.dangling(&rt.id, sub, "an associated subnet");
                }
            }
            for r in &rt.routes {
                if let RouteDestination::PrefixList(pl) = &r.destination {
                    if !self.prefix_lists.contains_key(pl) {
                        w.dangling(&rt.id, pl, "a route destination");
                    }
                }
                if !r.active {
                    continue;
                }
                let ok = match &r.target {
                    RouteTarget::Local => true,
                    RouteTarget::InternetGateway(i) => self.igws.contains_key(i),
                    RouteTarget::EgressOnlyInternetGateway(i) => self.eigws.contains_key(i),
                    RouteTarget::NatGateway(i) => self.nats.contains_key(i),
                    RouteTarget::VpcEndpoint(i) => self.endpoints.contains_key(i),
                    RouteTarget::NetworkInterface(i) => self.enis.contains_key(i),
                    RouteTarget::Instance(i) => self.instances.contains_key(i),
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
                if !self.subnets.contains_key(sub) {
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
                    if !self.sgs.contains_key(&g.group_id) {
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
                    if !self.prefix_lists.contains_key(pl) {
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
            if !self.subnets.contains_key(&eni.subnet_id) {
                w.dangling(&eni.id, &eni.subnet_id, "its subnet");
            }
            for g in &eni.security_group_ids {
                if !self.sgs.contains_key(g) {
                    w.dangling(&eni.id, g, "a security group");
                }
            }
        }
        for ep in &s.vpc_endpoints {
            for g in &ep.security_group_ids {
                if !self.sgs.contains_key(g) {
                    w.dangling(&ep.id, g, "a security group");
                }
            }
            for e in &ep.network_interface_ids {
                if !self.enis.contains_key(e) {
                    w.dangling(&ep.id, e, "a network interface");
                }
            }
            for sub in &ep.subnet_ids {
                if !self.subnets.contains_key(sub) {
                    w.dangling(&ep.id, sub, "a subnet");
                }
            }
        }
        for nat in &s.nat_gateways {
            if !self.subnets.contains_key(&nat.subnet_id) {
                w.dangling(&nat.id, &nat.subnet_id, "its subnet");
            }
        }
        for mt in &s.efs_mount_targets {
            if !self.subnets.contains_key(&mt.subnet_id) {
                w.dangling(&mt.id, &mt.subnet_id, "its subnet");
            }
            if !self.file_systems.contains_key(&mt.file_system_id) {
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
                        if !self.sgs.contains_key(g) {
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
                if !self.vpcs.contains_key(v) {
                    w.dangling(&d.id, v, "its VPC");
                }
            }
            for sub in &d.subnet_ids {
                if !self.subnets.contains_key(sub) {
                    w.dangling(&d.id, sub, "a domain subnet");
                }
            }
            if let Some(fs) = &d.home_efs_file_system_id {
                if !self.file_systems.contains_key(fs)
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
                if !self.sgs.contains_key(g) {
                    w.dangling(&d.id, g, "a security group of its default settings");
                }
            }
        }
        for p in &s.user_profiles {
            if let Some(us) = &p.user_settings {
                for g in &us.security_groups {
                    if !self.sgs.contains_key(g) {
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
                if d != "default" && !self.dhcp.contains_key(d) {
                    w.note(
                        "dhcp-options-missing",
                        format!("DHCP options {d} of {} were not captured; names that interface endpoints answer through private DNS resolve to unknown", v.id),
                        [v.id.as_str(), d],
                    );
                }
            }
        }
    }

    fn add(&mut self, n: Node) -> NodeIndex {
        if let Some(i) = self.node_index.get(&n) {
            return *i;
        }
        let i = self.graph.add_node(n.clone());
        self.node_index.insert(n, i);
        i
    }

    fn build_graph(&mut self) {
        // Moved out while the graph is built (`add` needs `&mut self`) and
        // back at the end: an organisation's snapshot is too big to copy.
        let s = std::mem::take(&mut self.snapshot);
        let subnet_route_table = std::mem::take(&mut self.subnet_route_table);
        let subnet_nacl = std::mem::take(&mut self.subnet_nacl);
        for v in &s.vpcs {
            self.add(Node::Vpc(v.id.clone()));
        }
        for sub in &s.subnets {
            let v = self.add(Node::Vpc(sub.vpc_id.clone()));
            let n = self.add(Node::Subnet(sub.id.clone()));
            self.graph.add_edge(v, n, Edge::Contains);
        }
        for rt in &s.route_tables {
            let r = self.add(Node::RouteTable(rt.id.clone()));
            for route in &rt.routes {
                let target = match &route.target {
                    RouteTarget::Local => Node::Vpc(rt.vpc_id.clone()),
                    RouteTarget::InternetGateway(i) if self.igws.contains_key(i) => {
                        Node::InternetGateway(i.clone())
                    }
                    RouteTarget::NatGateway(i) if self.nats.contains_key(i) => {
                        Node::NatGateway(i.clone())
                    }
                    RouteTarget::VpcEndpoint(i) if self.endpoints.contains_key(i) => {
                        Node::VpcEndpoint(i.clone())
                    }
                    RouteTarget::NetworkInterface(i) if self.enis.contains_key(i) => {
                        Node::NetworkInterface(i.clone())
                    }
                    RouteTarget::Instance(i) if self.instances.contains_key(i) => {
                        Node::Instance(i.clone())
                    }
                    other => Node::External(other.id().to_string()),
                };
                let t = self.add(target);
                self.graph
                    .add_edge(r, t, Edge::Route(route.destination.clone()));
            }
        }
        for (sub, &i) in &subnet_route_table {
            let a = self.add(Node::Subnet(sub.clone()));
            let b = self.add(Node::RouteTable(s.route_tables[i].id.clone()));
            self.graph.add_edge(a, b, Edge::RoutedBy);
        }
        for (sub, &i) in &subnet_nacl {
            let a = self.add(Node::Subnet(sub.clone()));
            let b = self.add(Node::NetworkAcl(s.network_acls[i].id.clone()));
            self.graph.add_edge(a, b, Edge::FilteredBy);
        }
        for sg in &s.security_groups {
            self.add(Node::SecurityGroup(sg.id.clone()));
        }
        for eni in &s.network_interfaces {
            let e = self.add(Node::NetworkInterface(eni.id.clone()));
            let sub = self.add(Node::Subnet(eni.subnet_id.clone()));
            self.graph.add_edge(sub, e, Edge::Contains);
            for g in &eni.security_group_ids {
                let gi = self.add(Node::SecurityGroup(g.clone()));
                self.graph.add_edge(e, gi, Edge::Guards);
            }
        }
        for igw in &s.internet_gateways {
            let g = self.add(Node::InternetGateway(igw.id.clone()));
            for v in &igw.vpc_ids {
                let vi = self.add(Node::Vpc(v.clone()));
                self.graph.add_edge(g, vi, Edge::AttachedTo);
            }
        }
        for nat in &s.nat_gateways {
            let n = self.add(Node::NatGateway(nat.id.clone()));
            let sub = self.add(Node::Subnet(nat.subnet_id.clone()));
            self.graph.add_edge(sub, n, Edge::Contains);
        }
        for ep in &s.vpc_endpoints {
            let e = self.add(Node::VpcEndpoint(ep.id.clone()));
            for eni in &ep.network_interface_ids {
                let x = self.add(Node::NetworkInterface(eni.clone()));
                self.graph.add_edge(e, x, Edge::Owns);
            }
            for g in &ep.security_group_ids {
                let gi = self.add(Node::SecurityGroup(g.clone()));
                self.graph.add_edge(e, gi, Edge::Guards);
            }
        }
        for fs in &s.efs_file_systems {
            self.add(Node::EfsFileSystem(fs.id.clone()));
        }
        for mt in &s.efs_mount_targets {
            let m = self.add(Node::EfsMountTarget(mt.id.clone()));
            let f = self.add(Node::EfsFileSystem(mt.file_system_id.clone()));
            self.graph.add_edge(f, m, Edge::Contains);
            let sub = self.add(Node::Subnet(mt.subnet_id.clone()));
            self.graph.add_edge(sub, m, Edge::Contains);
            if let Some(eni) = &mt.network_interface_id {
                let x = self.add(Node::NetworkInterface(eni.clone()));
                self.graph.add_edge(m, x, Edge::Owns);
            }
            for g in mt.security_group_ids.iter().flatten() {
                let gi = self.add(Node::SecurityGroup(g.clone()));
                self.graph.add_edge(m, gi, Edge::Guards);
            }
        }
        for d in &s.domains {
            let dn = self.add(Node::Domain(d.id.clone()));
            for sub in &d.subnet_ids {
                let x = self.add(Node::Subnet(sub.clone()));
                self.graph.add_edge(dn, x, Edge::Uses);
            }
            if let Some(fs) = &d.home_efs_file_system_id {
                let x = self.add(Node::EfsFileSystem(fs.clone()));
                self.graph.add_edge(dn, x, Edge::Uses);
            }
        }
        self.snapshot = s;
        self.subnet_route_table = subnet_route_table;
        self.subnet_nacl = subnet_nacl;
    }

    // ------------------------------------------------------- lookups ----

    pub fn vpc(&self, id: &str) -> Option<&Vpc> {
        self.vpcs.get(id).map(|&i| &self.snapshot.vpcs[i])
    }
    pub fn subnet(&self, id: &str) -> Option<&Subnet> {
        self.subnets.get(id).map(|&i| &self.snapshot.subnets[i])
    }
    pub fn route_table(&self, id: &str) -> Option<&RouteTable> {
        self.route_tables
            .get(id)
            .map(|&i| &self.snapshot.route_tables[i])
    }
    /// The subnet's effective route table (explicit association or main).
    pub fn route_table_of_subnet(&self, subnet: &str) -> Option<&RouteTable> {
        self.subnet_route_table
            .get(subnet)
            .map(|&i| &self.snapshot.route_tables[i])
    }
    pub fn nacl_of_subnet(&self, subnet: &str) -> Option<&NetworkAcl> {
        self.subnet_nacl
            .get(subnet)
            .map(|&i| &self.snapshot.network_acls[i])
    }
    pub fn nacl(&self, id: &str) -> Option<&NetworkAcl> {
        self.nacls.get(id).map(|&i| &self.snapshot.network_acls[i])
    }
    pub fn security_group(&self, id: &str) -> Option<&SecurityGroup> {
        self.sgs.get(id).map(|&i| &self.snapshot.security_groups[i])
    }
    pub fn prefix_list(&self, id: &str) -> Option<&PrefixList> {
        self.prefix_lists
            .get(id)
            .map(|&i| &self.snapshot.prefix_lists[i])
    }
    pub fn endpoint(&self, id: &str) -> Option<&VpcEndpoint> {
        self.endpoints
            .get(id)
            .map(|&i| &self.snapshot.vpc_endpoints[i])
    }
    pub fn nat_gateway(&self, id: &str) -> Option<&NatGateway> {
        self.nats.get(id).map(|&i| &self.snapshot.nat_gateways[i])
    }
    pub fn internet_gateway(&self, id: &str) -> Option<&InternetGateway> {
        self.igws
            .get(id)
            .map(|&i| &self.snapshot.internet_gateways[i])
    }
    pub fn eni(&self, id: &str) -> Option<&NetworkInterface> {
        self.enis
            .get(id)
            .map(|&i| &self.snapshot.network_interfaces[i])
    }
    pub fn instance(&self, id: &str) -> Option<&Instance> {
        self.instances.get(id).map(|&i| &self.snapshot.instances[i])
    }
    pub fn mount_target(&self, id: &str) -> Option<&EfsMountTarget> {
        self.mount_targets
            .get(id)
            .map(|&i| &self.snapshot.efs_mount_targets[i])
    }
    pub fn file_system(&self, id: &str) -> Option<&EfsFileSystem> {
        self.file_systems
            .get(id)
            .map(|&i| &self.snapshot.efs_file_systems[i])
    }
    pub fn dhcp_options(&self, id: &str) -> Option<&DhcpOptions> {
        self.dhcp.get(id).map(|&i| &self.snapshot.dhcp_options[i])
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
    pub fn eni_role(&self, eni: &str) -> Option<&EniRole> {
        self.eni_role.get(eni)
    }
    /// The internet gateways attached to a VPC.
    pub fn igws_of_vpc<'a>(&'a self, vpc: &'a str) -> impl Iterator<Item = &'a InternetGateway> {
        self.igws_of_vpc
            .get(vpc)
            .into_iter()
            .flatten()
            .map(|&i| &self.snapshot.internet_gateways[i])
    }
    /// The VPC endpoints of a VPC, in snapshot order.
    pub fn endpoints_of_vpc<'a>(&'a self, vpc: &str) -> impl Iterator<Item = &'a VpcEndpoint> {
        self.endpoints_of_vpc
            .get(vpc)
            .into_iter()
            .flatten()
            .map(|&i| &self.snapshot.vpc_endpoints[i])
    }
    /// The subnet (of a VPC) whose CIDR contains an address.
    pub fn subnet_containing(&self, vpc: &str, ip: Ipv4Addr) -> Option<&Subnet> {
        self.subnets_of_vpc
            .get(vpc)
            .into_iter()
            .flatten()
            .map(|&i| &self.snapshot.subnets[i])
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

    #[test]
    fn main_table_is_the_fallback() {
        let (t, _) = Topology::build(&snap());
        assert_eq!(t.route_table_of_subnet("subnet-a").unwrap().id, "rtb-main");
        assert_eq!(t.route_table_of_subnet("subnet-b").unwrap().id, "rtb-b");
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

    #[test]
    fn graph_has_route_edges() {
        let (t, _) = Topology::build(&snap());
        let rt = t.node_index[&Node::RouteTable("rtb-main".into())];
        assert_eq!(t.graph.neighbors(rt).count(), 2);
    }
}
