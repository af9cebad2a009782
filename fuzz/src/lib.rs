//! The fuzz harness of sagescope (issue 6), shared by the cargo-fuzz
//! targets (`fuzz/fuzz_targets/*.rs`) and by the corpus replay test
//! (`tests/fuzz_replay.rs`, which compiles this file as a module), so that
//! plain `cargo test` runs every corpus input through exactly the code the
//! fuzzer ran.
//!
//! Two targets:
//! - [`import_target`]: arbitrary bytes as the content of one AWS API
//!   response file, its name picked by the first byte from the names the
//!   AWS CLI gives the responses. Import, write the snapshot and load it
//!   back (must be equal), build the topology, audit.
//! - [`engine_target`]: a structured arbitrary snapshot ([`Spec`], built
//!   with `arbitrary`; ids come from small pools so that references mostly
//!   resolve and sometimes dangle), then topology, every query from every
//!   source (twice: the results must be identical), random traces, and the
//!   report renderers.
//!
//! Both assert the invariants a user relies on, beyond "no panic":
//! reachable results have no blockers, the summary adds up, the JSON
//! report round-trips, evaluation is deterministic, and a snapshot written
//! by `import` reads back equal.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use sagescope::engine::{self, FlowSpec, InjectAt, Settings, Source, Target, Verdict, VirtualEni};
use sagescope::graph::Topology;
use sagescope::query::{self, Filters};
use sagescope::report::{self, DomainInfo, QueryInfo, RenderOptions, Report};
use sagescope::snapshot::*;
use sagescope::{checks, diagram, explain, fix, import};

/// File names of the AWS responses the importer reads, as the AWS CLI and
/// `scripts/capture-domain.sh` name them. Only the last two matter for
/// the import (their resource id is in the name); the others are realism.
pub const FILE_NAMES: [&str; 24] = [
    "describe-vpcs.json",
    "describe-vpc-attribute-enableDnsSupport.json",
    "describe-subnets.json",
    "describe-route-tables.json",
    "describe-network-acls.json",
    "describe-security-groups.json",
    "describe-vpc-endpoints.json",
    "describe-nat-gateways.json",
    "describe-internet-gateways.json",
    "describe-egress-only-internet-gateways.json",
    "describe-network-interfaces.json",
    "describe-instances.json",
    "describe-prefix-lists.json",
    "describe-managed-prefix-lists.json",
    "describe-dhcp-options.json",
    "efs/describe-file-systems.json",
    "efs/describe-mount-targets.json",
    "sagemaker/describe-domain-d-1.json",
    "sagemaker/list-user-profiles.json",
    "sagemaker/describe-space-s.json",
    "sagemaker/list-apps.json",
    "snapshot.json",
    "get-managed-prefix-list-entries-pl-0abc.json",
    "efs/describe-mount-target-security-groups-fsmt-0abc.json",
];

/// The importer target. `data[0]` picks the file name, the rest is the
/// file's content.
pub fn import_target(data: &[u8]) {
    let Some((&pick, content)) = data.split_first() else {
        return;
    };
    let name = FILE_NAMES[usize::from(pick) % FILE_NAMES.len()];
    let path = Path::new("fuzz-input").join(name);
    let snapshot = match import::load_bytes(&path, content.to_vec()) {
        Ok(s) => s,
        Err(e) => {
            // An error must name the file it is about.
            let msg = e.to_string();
            assert!(
                msg.contains(name.rsplit('/').next().unwrap_or(name)),
                "{msg}"
            );
            return;
        }
    };
    // What `import` writes, `load` reads back unchanged.
    let mut written = Vec::new();
    import::write_snapshot(&snapshot, &mut written).expect("write snapshot");
    let back = import::load_bytes(Path::new("snapshot.json"), written)
        .unwrap_or_else(|e| panic!("a written snapshot must load back: {e}"));
    assert_eq!(back, snapshot, "snapshot round trip");
    audit(&snapshot);
}

/// The engine target.
pub fn engine_target(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(spec) = Spec::arbitrary(&mut u) else {
        return;
    };
    let snapshot = spec.snapshot();
    let report = audit(&snapshot);
    if let Some((kind, which)) = spec.delete {
        unknown_propagation(&snapshot, kind, which);
    }
    let (topo, _) = Topology::build(&snapshot);
    for t in spec.traces.iter().take(MAX) {
        let (src, dst, flow) = t.build(&snapshot);
        let r = engine::evaluate(&topo, &src, &dst, &flow, &spec.settings());
        if r.verdict == Verdict::Reachable {
            assert!(r.blocked_at.is_empty(), "reachable with blockers: {r:?}");
        }
        let again = engine::evaluate(&topo, &src, &dst, &flow, &spec.settings());
        assert_eq!(r, again, "trace is deterministic");
    }
    // The report must survive its own JSON. (What the JSON leaves out on
    // purpose, a blocker's structured subject, is not compared.)
    let text = serde_json::to_string(&report).expect("report to JSON");
    let back: Report = serde_json::from_str(&text).expect("report from JSON");
    assert_eq!(
        serde_json::to_string(&back).expect("report to JSON again"),
        text
    );
}

/// Deleting a resource that something may reference never turns a
/// blocked or unknown result into a reachable one: missing data proves
/// nothing. (Resources nothing references, like a VPC endpoint or a
/// domain, are left alone: without them the network is another one.)
pub fn unknown_propagation(snapshot: &Snapshot, kind: u8, which: u8) {
    fn drop_one<T>(v: &mut Vec<T>, i: u8) -> bool {
        if v.is_empty() {
            return false;
        }
        v.remove(usize::from(i) % v.len());
        true
    }
    let mut s = snapshot.clone();
    let i = which;
    let removed = match kind % 12 {
        0 => drop_one(&mut s.vpcs, i),
        1 => drop_one(&mut s.subnets, i),
        2 => drop_one(&mut s.route_tables, i),
        3 => drop_one(&mut s.network_acls, i),
        4 => drop_one(&mut s.security_groups, i),
        5 => drop_one(&mut s.prefix_lists, i),
        6 => drop_one(&mut s.nat_gateways, i),
        7 => drop_one(&mut s.internet_gateways, i),
        8 => drop_one(&mut s.network_interfaces, i),
        9 => drop_one(&mut s.efs_mount_targets, i),
        10 => drop_one(&mut s.dhcp_options, i),
        _ => drop_one(&mut s.instances, i),
    };
    if !removed {
        return;
    }
    let before = verdicts(snapshot);
    let after = verdicts(&s);
    for (k, b) in &before {
        if let Some(a) = after.get(k) {
            assert!(
                !(matches!(b, Verdict::Blocked | Verdict::Unknown) && *a == Verdict::Reachable),
                "deleting resource kind {} turned {k:?} from {b} into {a}",
                kind % 12
            );
        }
    }
}

type Key = (String, String, String, String, String, String, usize);

/// Every built-in query from every source: verdicts by (query, domain,
/// source kind, name, subnet, destination, n-th such).
pub fn verdicts(s: &Snapshot) -> std::collections::BTreeMap<Key, Verdict> {
    let queries = query::builtin_queries().expect("built-in queries");
    let filters = Filters {
        domain_ids: vec![],
        query_ids: queries.iter().map(|q| q.id.clone()).collect(),
    };
    let (topo, _) = Topology::build(s);
    let mut out = std::collections::BTreeMap::new();
    for r in query::run_queries(s, &topo, &queries, &Settings::default(), &filters) {
        let mut key = (
            r.query,
            r.domain,
            r.source.kind.clone(),
            r.source.name.clone(),
            r.source.subnet_id.clone(),
            r.destination,
            0,
        );
        while out.contains_key(&key) {
            key.6 += 1;
        }
        out.insert(key, r.verdict);
    }
    out
}

/// What `audit` does, in memory: build the topology, run every built-in
/// query (opt-in ones too) from every source (twice: same answer), the
/// remediations and the compliance checks; render the report in every
/// format, the `explain` text and the diagram.
pub fn audit(snapshot: &Snapshot) -> Report {
    let queries = query::builtin_queries().expect("built-in queries");
    let filters = Filters {
        domain_ids: vec![],
        query_ids: queries.iter().map(|q| q.id.clone()).collect(),
    };
    let settings = Settings::default();
    let (topo, diags) = Topology::build(snapshot);
    let mut results = query::run_queries(snapshot, &topo, &queries, &settings, &filters);
    let (topo2, diags2) = Topology::build(snapshot);
    let results2 = query::run_queries(snapshot, &topo2, &queries, &settings, &filters);
    assert_eq!(diags, diags2, "topology warnings are deterministic");
    assert_eq!(results, results2, "audit is deterministic");
    for r in &results {
        if r.verdict == Verdict::Reachable {
            assert!(r.blocked_at.is_empty(), "reachable with blockers: {r:?}");
        }
    }
    fix::apply(&topo, &queries, &settings, &mut results);
    let domains = snapshot
        .domains
        .iter()
        .map(|d| DomainInfo::new(d, query::sources::region_of(snapshot, d)))
        .collect();
    let infos = queries.iter().map(QueryInfo::from_query).collect();
    let mut all = snapshot.diagnostics.clone();
    all.extend(diags);
    let mut report = Report::new(domains, infos, results, all);
    let cx = checks::CheckContext::new(snapshot, &topo, &[]);
    let (check_results, check_infos) = checks::run(&cx, &[]);
    report.checks = check_results;
    report.check_infos = check_infos;
    let s = report.summary;
    assert_eq!(
        s.total,
        s.reachable + s.partial + s.blocked + s.unknown + s.not_applicable
    );

    let mut out = Vec::new();
    let plain = RenderOptions::default();
    let wrapped = RenderOptions {
        expand: true,
        quiet: true,
        width: Some(80),
        color: true,
        ..RenderOptions::default()
    };
    let fancy = RenderOptions {
        fix: true,
        ..wrapped
    };
    for opts in [&plain, &fancy] {
        report::table::render(&report, &mut out, opts).expect("table");
        report::markdown::render(&report, &mut out, opts).expect("markdown");
    }
    report::json::render(&report, &mut out, &plain).expect("json");
    report::sarif::render(&report, &mut out, &plain).expect("sarif");
    report::junit::render(&report, &mut out, &plain).expect("junit");
    let e = explain::explain(snapshot, &topo, &[]);
    explain::render::render_text(&e, &mut out, &plain).expect("explain text");
    explain::render::render_markdown(&e, &mut out).expect("explain markdown");
    explain::render::render_json(&e, &mut out).expect("explain json");
    let d = diagram::build(snapshot, &topo, &report, &queries);
    out.extend(diagram::dot::to_dot(&d).into_bytes());
    report
}

// ------------------------------------------------------------- the spec ----

/// At most this many items of each kind: small snapshots, fast execs.
const MAX: usize = 6;

const REGION: &str = "eu-west-1";
const SERVICES: [&str; 9] = [
    "sagemaker.api",
    "sagemaker.runtime",
    "sts",
    "logs",
    "s3",
    "studio",
    "ecr.api",
    "ecr.dkr",
    "servicecatalog",
];

fn take<T>(v: &[T]) -> &[T] {
    &v[..v.len().min(MAX)]
}

/// An id from a small pool: `prefix-N`.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub struct Id(u8);

impl Id {
    fn n(self, pool: u8) -> u8 {
        self.0 % pool
    }
    fn vpc(self) -> String {
        format!("vpc-{}", self.n(3))
    }
    fn subnet(self) -> String {
        format!("subnet-{}", self.n(6))
    }
    fn sg(self) -> String {
        format!("sg-{}", self.n(6))
    }
    fn rtb(self) -> String {
        format!("rtb-{}", self.n(4))
    }
    fn acl(self) -> String {
        format!("acl-{}", self.n(4))
    }
    fn eni(self) -> String {
        format!("eni-{}", self.n(8))
    }
    fn pl(self) -> String {
        format!("pl-{}", self.n(3))
    }
    fn vpce(self) -> String {
        format!("vpce-{}", self.n(6))
    }
    fn nat(self) -> String {
        format!("nat-{}", self.n(2))
    }
    fn igw(self) -> String {
        format!("igw-{}", self.n(2))
    }
    fn fs(self) -> String {
        format!("fs-{}", self.n(2))
    }
    fn fsmt(self) -> String {
        format!("fsmt-{}", self.n(4))
    }
    fn domain(self) -> String {
        format!("d-{}", self.n(2))
    }
    fn instance(self) -> String {
        format!("i-{}", self.n(3))
    }
    fn dopt(self) -> String {
        format!("dopt-{}", self.n(2))
    }
    fn name(self) -> String {
        ["alice", "bob", "team"][usize::from(self.n(3))].to_string()
    }
    fn az(self) -> String {
        format!("{REGION}{}", ['a', 'b', 'c'][usize::from(self.n(3))])
    }
}

/// An IPv4 CIDR, mostly in the shapes real VPCs use.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Cidr {
    /// 10.V.0.0/16: a VPC.
    Vpc(Id),
    /// 10.V.S.0/24: a subnet of VPC V.
    Subnet(Id, Id),
    Any,
    /// A public block.
    Public(u8, u8),
    Raw(u32, u8),
}

impl Cidr {
    fn net(self) -> ipnet::Ipv4Net {
        let (addr, len) = match self {
            Cidr::Vpc(v) => (Ipv4Addr::new(10, v.n(3), 0, 0), 16),
            Cidr::Subnet(v, s) => (Ipv4Addr::new(10, v.n(3), s.n(6), 0), 24),
            Cidr::Any => (Ipv4Addr::UNSPECIFIED, 0),
            Cidr::Public(a, l) => (Ipv4Addr::new(52, a, 0, 0), 8 + l % 17),
            Cidr::Raw(a, l) => (Ipv4Addr::from(a), l % 33),
        };
        ipnet::Ipv4Net::new(addr, len)
            .map(|n| n.trunc())
            .unwrap_or_default()
    }
}

/// An IPv4 address, mostly inside the standard subnets.
#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Ip {
    /// 10.V.S.H.
    InSubnet(Id, Id, u8),
    Raw(u32),
}

impl Ip {
    fn addr(self) -> Ipv4Addr {
        match self {
            Ip::InSubnet(v, s, h) => Ipv4Addr::new(10, v.n(3), s.n(6), h),
            Ip::Raw(a) => Ipv4Addr::from(a),
        }
    }
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Proto {
    All,
    Tcp,
    Udp,
    Icmp,
    Raw(u8),
}

impl Proto {
    fn get(self) -> Protocol {
        match self {
            Proto::All => Protocol::All,
            Proto::Tcp => Protocol::TCP,
            Proto::Udp => Protocol::UDP,
            Proto::Icmp => Protocol::ICMP,
            Proto::Raw(n) => Protocol::Number(n),
        }
    }
}

#[derive(Debug, Clone, Copy, Arbitrary)]
pub enum Ports {
    All,
    One(u16),
    Range(u16, u16),
}

impl Ports {
    fn range(self) -> PortRange {
        match self {
            Ports::All => PortRange::ALL,
            Ports::One(p) => PortRange::single(p),
            Ports::Range(a, b) => PortRange {
                from: a.min(b),
                to: a.max(b),
            },
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct VpcS {
    id: Id,
    cidr: Option<Cidr>,
    dns_support: Option<bool>,
    dns_hostnames: Option<bool>,
    dhcp: Option<Id>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct SubnetS {
    id: Id,
    vpc: Id,
    /// `None`: an IPv6-only subnet.
    cidr: Option<Cidr>,
    az: Option<Id>,
}

#[derive(Debug, Clone, Arbitrary)]
pub enum TargetS {
    Local,
    Igw(Id),
    Nat(Id),
    Vpce(Id),
    Eni(Id),
    Instance(Id),
    Peering,
    Tgw,
    Other,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct RouteS {
    dest: Result<Cidr, Id>,
    target: TargetS,
    active: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct RtS {
    id: Id,
    vpc: Id,
    main: bool,
    subnets: Vec<Id>,
    routes: Vec<RouteS>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct NaclEntryS {
    rule: u16,
    egress: bool,
    proto: Proto,
    allow: bool,
    cidr: Option<Cidr>,
    ports: Option<Ports>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct NaclS {
    id: Id,
    vpc: Id,
    default: bool,
    subnets: Vec<Id>,
    entries: Vec<NaclEntryS>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct SgRuleS {
    proto: Proto,
    from: Option<i16>,
    to: Option<i16>,
    cidrs: Vec<Cidr>,
    ipv6_any: bool,
    prefix_lists: Vec<Id>,
    groups: Vec<Id>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct SgS {
    id: Id,
    vpc: Option<Id>,
    /// The domain's outbound-NFS group (named after domain `nfs_of`).
    nfs_of: Option<Id>,
    ingress: Vec<SgRuleS>,
    egress: Vec<SgRuleS>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct PlS {
    id: Id,
    /// `com.amazonaws.<region>.<service>` (AWS-managed) or a customer list.
    service: Option<u8>,
    cidrs: Vec<Cidr>,
    entries_known: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct EpS {
    id: Id,
    vpc: Id,
    service: u8,
    gateway: bool,
    state: Option<bool>,
    subnets: Vec<Id>,
    route_tables: Vec<Id>,
    groups: Vec<Id>,
    enis: Vec<Id>,
    private_dns: Option<bool>,
    restrictive_policy: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct NatS {
    id: Id,
    vpc: Id,
    subnet: Id,
    available: bool,
    private: bool,
    eni: Option<Id>,
    ip: Option<Ip>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct IgwS {
    id: Id,
    vpcs: Vec<Id>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct EniS {
    id: Id,
    subnet: Id,
    vpc: Id,
    ips: Vec<Ip>,
    public_ip: Option<Ip>,
    groups: Vec<Id>,
    /// A Studio app ENI of this domain.
    app_of: Option<Id>,
    instance: Option<Id>,
    source_dest_check: bool,
    kind: u8,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct MtS {
    id: Id,
    fs: Id,
    subnet: Id,
    az: Option<Id>,
    ip: Option<Ip>,
    eni: Option<Id>,
    groups: Option<Vec<Id>>,
    available: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct InstS {
    id: Id,
    subnet: Option<Id>,
    ip: Option<Ip>,
    enis: Vec<Id>,
    groups: Vec<Id>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct SettingsS {
    groups: Vec<Id>,
    custom_image: bool,
}

impl SettingsS {
    fn get(&self) -> UserSettings {
        UserSettings {
            execution_role: None,
            security_groups: take(&self.groups).iter().map(|g| g.sg()).collect(),
            custom_images: if self.custom_image {
                vec!["img".into()]
            } else {
                vec![]
            },
        }
    }
}

#[derive(Debug, Clone, Arbitrary)]
pub struct DomainS {
    id: Id,
    mode: Option<bool>,
    vpc: Option<Id>,
    subnets: Vec<Id>,
    efs: Option<Id>,
    defaults: SettingsS,
    space_defaults: Option<SettingsS>,
    with_arn: bool,
    described: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct ProfileS {
    domain: Id,
    name: Id,
    settings: Option<SettingsS>,
    space: bool,
    shared: Option<bool>,
}

#[derive(Debug, Clone, Arbitrary)]
pub struct DhcpS {
    id: Id,
    custom_dns: bool,
}

#[derive(Debug, Clone, Arbitrary)]
pub enum FromS {
    Eni(Id),
    Instance(Id),
    Internet(Option<Ip>),
    Subnet(Id, Option<Ip>),
    Vpc(Id, Option<Ip>),
    Virtual(Id, Vec<Id>),
}

#[derive(Debug, Clone, Arbitrary)]
pub enum ToS {
    Ip(Ip),
    Eni(Id),
    MountTarget(Id),
    Virtual(Id, Vec<Id>),
    Service(u8, bool),
}

#[derive(Debug, Clone, Arbitrary)]
pub struct TraceS {
    from: FromS,
    to: ToS,
    proto: Proto,
    ports: Ports,
    src_ports: Option<Ports>,
}

impl TraceS {
    fn build(&self, _s: &Snapshot) -> (Source, Target, FlowSpec) {
        let virt = |subnet: Id, groups: &[Id]| VirtualEni {
            label: "virtual".into(),
            subnet_id: subnet.subnet(),
            security_group_ids: take(groups).iter().map(|g| g.sg()).collect(),
        };
        let src = match &self.from {
            FromS::Eni(i) => Source::Eni(i.eni()),
            FromS::Instance(i) => Source::Instance(i.instance()),
            FromS::Internet(ip) => Source::Injected {
                ip: ip.map(Ip::addr),
                at: InjectAt::Internet,
            },
            FromS::Subnet(i, ip) => Source::Injected {
                ip: ip.map(Ip::addr),
                at: InjectAt::Subnet(i.subnet()),
            },
            FromS::Vpc(i, ip) => Source::Injected {
                ip: ip.map(Ip::addr),
                at: InjectAt::Vpc(i.vpc()),
            },
            FromS::Virtual(s, g) => Source::Virtual(virt(*s, g)),
        };
        let dst = match &self.to {
            ToS::Ip(ip) => Target::Ip(ip.addr()),
            ToS::Eni(i) => Target::Eni(i.eni()),
            ToS::MountTarget(i) => Target::MountTarget(i.fsmt()),
            ToS::Virtual(s, g) => Target::Virtual(virt(*s, g)),
            ToS::Service(s, known_region) => Target::Service {
                service: SERVICES[usize::from(*s) % SERVICES.len()].into(),
                region: if *known_region {
                    REGION.into()
                } else {
                    "xx-nowhere-9".into()
                },
            },
        };
        let flow = FlowSpec {
            protocol: self.proto.get(),
            dst_ports: self.ports.range(),
            src_ports: self.src_ports.map(Ports::range),
        };
        (src, dst, flow)
    }
}

/// A whole snapshot, structurally valid (it went through serde types) but
/// otherwise arbitrary: references may dangle, CIDRs overlap, states vary.
#[derive(Debug, Clone, Arbitrary)]
pub struct Spec {
    vpcs: Vec<VpcS>,
    subnets: Vec<SubnetS>,
    route_tables: Vec<RtS>,
    nacls: Vec<NaclS>,
    sgs: Vec<SgS>,
    prefix_lists: Vec<PlS>,
    endpoints: Vec<EpS>,
    nats: Vec<NatS>,
    igws: Vec<IgwS>,
    enis: Vec<EniS>,
    mount_targets: Vec<MtS>,
    file_systems: Vec<Id>,
    instances: Vec<InstS>,
    dhcp: Vec<DhcpS>,
    domains: Vec<DomainS>,
    profiles: Vec<ProfileS>,
    traces: Vec<TraceS>,
    ephemeral: Ports,
    /// A resource to delete for the unknown-propagation check.
    delete: Option<(u8, u8)>,
}

fn ids<F: Fn(Id) -> String>(v: &[Id], f: F) -> Vec<String> {
    take(v).iter().map(|i| f(*i)).collect()
}

fn sg_rule(r: &SgRuleS) -> SgRule {
    SgRule {
        protocol: r.proto.get(),
        from_port: r.from.map(i32::from),
        to_port: r.to.map(i32::from),
        ipv4: take(&r.cidrs).iter().map(|c| c.net()).collect(),
        ipv6: if r.ipv6_any {
            vec!["::/0".parse().expect("valid")]
        } else {
            vec![]
        },
        prefix_lists: ids(&r.prefix_lists, Id::pl),
        groups: take(&r.groups)
            .iter()
            .map(|g| GroupRef {
                group_id: g.sg(),
                user_id: None,
                vpc_peering_connection_id: None,
            })
            .collect(),
    }
}

fn subnet_cidr(spec: &SubnetS) -> Option<ipnet::Ipv4Net> {
    spec.cidr.map(Cidr::net)
}

impl Spec {
    fn settings(&self) -> Settings {
        Settings {
            ephemeral_ports: self.ephemeral.range(),
            ip_ranges: None,
        }
    }

    /// The snapshot this spec describes, normalised like an import.
    pub fn snapshot(&self) -> Snapshot {
        let mut s = Snapshot::new();
        for v in take(&self.vpcs) {
            s.vpcs.push(Vpc {
                id: v.id.vpc(),
                owner_id: Some("111122223333".into()),
                cidr_blocks: v.cidr.map(Cidr::net).into_iter().collect(),
                ipv6_cidr_blocks: vec![],
                dhcp_options_id: v.dhcp.map(Id::dopt),
                instance_tenancy: None,
                is_default: false,
                enable_dns_support: v.dns_support,
                enable_dns_hostnames: v.dns_hostnames,
                tags: Tags::new(),
            });
        }
        for sn in take(&self.subnets) {
            s.subnets.push(Subnet {
                id: sn.id.subnet(),
                vpc_id: sn.vpc.vpc(),
                cidr: subnet_cidr(sn),
                ipv6_cidrs: if sn.cidr.is_none() {
                    vec!["2600:1f18::/64".parse().expect("valid")]
                } else {
                    vec![]
                },
                availability_zone: sn.az.map(Id::az),
                availability_zone_id: None,
                available_ip_address_count: None,
                map_public_ip_on_launch: false,
                tags: Tags::new(),
            });
        }
        for rt in take(&self.route_tables) {
            let routes = take(&rt.routes)
                .iter()
                .map(|r| Route {
                    destination: match r.dest {
                        Ok(c) => RouteDestination::Ipv4(c.net()),
                        Err(pl) => RouteDestination::PrefixList(pl.pl()),
                    },
                    target: match &r.target {
                        TargetS::Local => RouteTarget::Local,
                        TargetS::Igw(i) => RouteTarget::InternetGateway(i.igw()),
                        TargetS::Nat(i) => RouteTarget::NatGateway(i.nat()),
                        TargetS::Vpce(i) => RouteTarget::VpcEndpoint(i.vpce()),
                        TargetS::Eni(i) => RouteTarget::NetworkInterface(i.eni()),
                        TargetS::Instance(i) => RouteTarget::Instance(i.instance()),
                        TargetS::Peering => RouteTarget::VpcPeeringConnection("pcx-1".into()),
                        TargetS::Tgw => RouteTarget::TransitGateway("tgw-1".into()),
                        TargetS::Other => RouteTarget::Other("something-1".into()),
                    },
                    active: r.active,
                    origin: None,
                })
                .collect();
            s.route_tables.push(RouteTable {
                id: rt.id.rtb(),
                vpc_id: rt.vpc.vpc(),
                main: rt.main,
                subnet_ids: ids(&rt.subnets, Id::subnet),
                gateway_ids: vec![],
                routes,
                tags: Tags::new(),
            });
        }
        for n in take(&self.nacls) {
            let entries = take(&n.entries)
                .iter()
                .map(|e| NaclEntry {
                    rule_number: u32::from(e.rule),
                    egress: e.egress,
                    protocol: e.proto.get(),
                    action: if e.allow {
                        RuleAction::Allow
                    } else {
                        RuleAction::Deny
                    },
                    cidr: e.cidr.map(Cidr::net),
                    ipv6_cidr: None,
                    port_range: e.ports.map(Ports::range),
                    icmp_type_code: None,
                })
                .collect();
            s.network_acls.push(NetworkAcl {
                id: n.id.acl(),
                vpc_id: n.vpc.vpc(),
                is_default: n.default,
                subnet_ids: ids(&n.subnets, Id::subnet),
                entries,
                tags: Tags::new(),
            });
        }
        for g in take(&self.sgs) {
            s.security_groups.push(SecurityGroup {
                id: g.id.sg(),
                name: match g.nfs_of {
                    Some(d) => format!("security-group-for-outbound-nfs-{}", d.domain()),
                    None => format!("group-{}", g.id.n(6)),
                },
                description: String::new(),
                vpc_id: g.vpc.map(Id::vpc),
                owner_id: Some("111122223333".into()),
                ingress: take(&g.ingress).iter().map(sg_rule).collect(),
                egress: take(&g.egress).iter().map(sg_rule).collect(),
                tags: Tags::new(),
            });
        }
        for p in take(&self.prefix_lists) {
            let service = p.service.map(|x| SERVICES[usize::from(x) % SERVICES.len()]);
            s.prefix_lists.push(PrefixList {
                id: p.id.pl(),
                name: match service {
                    Some(svc) => format!("com.amazonaws.{REGION}.{svc}"),
                    None => "customer-list".into(),
                },
                owner_id: Some(if service.is_some() {
                    "AWS".into()
                } else {
                    "111122223333".into()
                }),
                address_family: Some("IPv4".into()),
                cidrs: take(&p.cidrs)
                    .iter()
                    .map(|c| ipnet::IpNet::V4(c.net()))
                    .collect(),
                entries_known: p.entries_known,
            });
        }
        for e in take(&self.endpoints) {
            let svc = SERVICES[usize::from(e.service) % SERVICES.len()];
            s.vpc_endpoints.push(VpcEndpoint {
                id: e.id.vpce(),
                vpc_id: e.vpc.vpc(),
                service_name: engine::endpoint_service_name(svc, REGION),
                endpoint_type: if e.gateway {
                    EndpointType::Gateway
                } else {
                    EndpointType::Interface
                },
                state: e.state.map(|ok| {
                    if ok {
                        "available".into()
                    } else {
                        "pending".into()
                    }
                }),
                subnet_ids: ids(&e.subnets, Id::subnet),
                route_table_ids: ids(&e.route_tables, Id::rtb),
                security_group_ids: ids(&e.groups, Id::sg),
                network_interface_ids: ids(&e.enis, Id::eni),
                private_dns_enabled: e.private_dns,
                policy_document: e.restrictive_policy.then(|| {
                    r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Resource":"*"}]}"#
                        .to_string()
                }),
                ip_address_type: None,
                tags: Tags::new(),
            });
        }
        for n in take(&self.nats) {
            s.nat_gateways.push(NatGateway {
                id: n.id.nat(),
                vpc_id: n.vpc.vpc(),
                subnet_id: n.subnet.subnet(),
                state: if n.available { "available" } else { "failed" }.into(),
                connectivity_type: if n.private { "private" } else { "public" }.into(),
                addresses: vec![NatAddress {
                    private_ip: n.ip.map(Ip::addr),
                    public_ip: Some(Ipv4Addr::new(54, 1, 2, n.id.n(2))),
                    allocation_id: None,
                    network_interface_id: n.eni.map(Id::eni),
                }],
                tags: Tags::new(),
            });
        }
        for i in take(&self.igws) {
            s.internet_gateways.push(InternetGateway {
                id: i.id.igw(),
                vpc_ids: ids(&i.vpcs, Id::vpc),
                tags: Tags::new(),
            });
        }
        const KINDS: [&str; 5] = ["interface", "efs", "vpc_endpoint", "nat_gateway", "lambda"];
        for e in take(&self.enis) {
            let private_ips = take(&e.ips)
                .iter()
                .enumerate()
                .map(|(k, ip)| PrivateIp {
                    address: ip.addr(),
                    primary: k == 0,
                    public_ip: if k == 0 {
                        e.public_ip.map(Ip::addr)
                    } else {
                        None
                    },
                })
                .collect();
            s.network_interfaces.push(NetworkInterface {
                id: e.id.eni(),
                subnet_id: e.subnet.subnet(),
                vpc_id: e.vpc.vpc(),
                availability_zone: None,
                description: match e.app_of {
                    Some(d) => format!(
                        "[DO NOT DELETE] ENI managed by SageMaker for Studio Domain({}) - x",
                        d.domain()
                    ),
                    None => String::new(),
                },
                interface_type: Some(KINDS[usize::from(e.kind) % KINDS.len()].into()),
                status: Some("in-use".into()),
                private_ips,
                ipv6_addresses: if e.kind > 200 {
                    vec![Ipv6Addr::new(0x2600, 0x1f18, 0, 0, 0, 0, 0, 1)]
                } else {
                    vec![]
                },
                security_group_ids: ids(&e.groups, Id::sg),
                instance_id: e.instance.map(Id::instance),
                requester_id: None,
                requester_managed: e.kind % 2 == 1,
                source_dest_check: e.source_dest_check,
                tags: Tags::new(),
            });
        }
        for m in take(&self.mount_targets) {
            s.efs_mount_targets.push(EfsMountTarget {
                id: m.id.fsmt(),
                file_system_id: m.fs.fs(),
                subnet_id: m.subnet.subnet(),
                vpc_id: None,
                availability_zone: m.az.map(Id::az),
                ip_address: m.ip.map(Ip::addr),
                network_interface_id: m.eni.map(Id::eni),
                lifecycle_state: Some(if m.available { "available" } else { "creating" }.into()),
                security_group_ids: m.groups.as_ref().map(|g| ids(g, Id::sg)),
            });
        }
        for f in take(&self.file_systems) {
            s.efs_file_systems.push(EfsFileSystem {
                id: f.fs(),
                arn: None,
                name: None,
                lifecycle_state: Some("available".into()),
                encrypted: true,
                kms_key_id: None,
                tags: Tags::new(),
            });
        }
        for i in take(&self.instances) {
            s.instances.push(Instance {
                id: i.id.instance(),
                subnet_id: i.subnet.map(Id::subnet),
                vpc_id: None,
                state: Some("running".into()),
                private_ip: i.ip.map(Ip::addr),
                public_ip: None,
                network_interface_ids: ids(&i.enis, Id::eni),
                security_group_ids: ids(&i.groups, Id::sg),
                source_dest_check: true,
                tags: Tags::new(),
            });
        }
        for d in take(&self.dhcp) {
            s.dhcp_options.push(DhcpOptions {
                id: d.id.dopt(),
                domain_name_servers: vec![if d.custom_dns {
                    "10.0.0.53".into()
                } else {
                    "AmazonProvidedDNS".into()
                }],
                domain_name: None,
            });
        }
        for d in take(&self.domains) {
            s.domains.push(Domain {
                id: d.id.domain(),
                arn: d.with_arn.then(|| {
                    format!(
                        "arn:aws:sagemaker:{REGION}:111122223333:domain/{}",
                        d.id.domain()
                    )
                }),
                name: Some("fuzz".into()),
                status: Some("InService".into()),
                failure_reason: None,
                auth_mode: Some("IAM".into()),
                app_network_access_type: d.mode.map(|vpc_only| {
                    if vpc_only {
                        "VpcOnly".into()
                    } else {
                        "PublicInternetOnly".into()
                    }
                }),
                vpc_id: d.vpc.map(Id::vpc),
                subnet_ids: ids(&d.subnets, Id::subnet),
                home_efs_file_system_id: d.efs.map(Id::fs),
                kms_key_id: None,
                app_security_group_management: None,
                security_group_id_for_domain_boundary: None,
                default_user_settings: d.defaults.get(),
                default_space_settings: d.space_defaults.as_ref().map(SettingsS::get),
                domain_settings_security_group_ids: vec![],
                ip_address_type: None,
                url: None,
                described: d.described,
            });
        }
        for p in take(&self.profiles) {
            if p.space {
                s.spaces.push(Space {
                    domain_id: p.domain.domain(),
                    name: p.name.name(),
                    arn: None,
                    status: Some("InService".into()),
                    sharing_type: p.shared.map(|sh| {
                        if sh {
                            "Shared".into()
                        } else {
                            "Private".into()
                        }
                    }),
                    owner_user_profile_name: Some("alice".into()),
                    app_type: Some("JupyterLab".into()),
                });
            } else {
                s.user_profiles.push(UserProfile {
                    domain_id: p.domain.domain(),
                    name: p.name.name(),
                    arn: None,
                    status: Some("InService".into()),
                    user_settings: p.settings.as_ref().map(SettingsS::get),
                });
            }
        }
        s.normalize();
        s
    }
}
