//! The synthetic organisation: what exists, in AWS API shapes.
//!
//! Per VPC (scale 1 has 20; scale N has 20·N, each from its own PRNG
//! stream, so scale N begins with scale 1's VPCs):
//! - a /18 of 10.0.0.0/8 (VPC i at 10.0.0.0 + i·2^14), 20 /24 subnets over
//!   3 AZs: 3 public (NAT gateway, a bastion), 3 for interface endpoints, 3
//!   for each of the 2 Studio domains, 8 for workloads;
//! - 100 security groups with exactly 1,000 rules (one peer each, as
//!   DescribeSecurityGroupRules counts them): the default group, the
//!   endpoint group, per domain the Studio app group, SageMaker's NFS pair,
//!   3 team groups and one group per "personal" profile, and workload
//!   groups whose rules mix CIDRs, customer prefix lists and group
//!   references;
//! - 5 network ACLs of 20 entries each (9 rules and `*` per direction);
//! - one NAT gateway, one internet gateway, an S3 gateway endpoint;
//! - 5 interface endpoints on average: even VPCs route Studio subnets to
//!   the NAT gateway and have 3 (api, studio, sts); odd VPCs keep Studio
//!   isolated (no default route) and have 7;
//! - 2 domains with 25 user profiles and 5 shared spaces each, a home EFS
//!   with a mount target in every domain AZ, 2 running apps with their
//!   real ENIs; 52 workload ENIs.
//!
//! Deliberate faults, drawn per VPC or per domain with small
//! probabilities (the failure modes of docs/sagemaker-network.md): an
//! endpoint group that admits the domain's subnets by CIDR and misses one
//! (F1), private DNS disabled on an endpoint (F4), a mount target missing
//! in one AZ (F3), a domain without default security groups (F9), a NACL
//! that opens only 32768-61000 for replies, a blackhole default route.

use std::collections::HashSet;
use std::io;
use std::net::Ipv4Addr;

use serde_json::{json, Value};

use super::out::Out;
use super::rng::{mix, Rng};

pub const ACCOUNT: &str = "111122223333";
pub const REGION: &str = "eu-west-1";
const AZS: [&str; 3] = ["eu-west-1a", "eu-west-1b", "eu-west-1c"];
const AZ_IDS: [&str; 3] = ["euw1-az1", "euw1-az2", "euw1-az3"];
const S3_PL: &str = "pl-6da54004";
const DDB_PL: &str = "pl-6fa54006";
const S3_CIDRS: [&str; 5] = [
    "3.5.64.0/21",
    "3.5.72.0/23",
    "52.92.0.0/17",
    "52.218.0.0/17",
    "54.231.128.0/19",
];
const DDB_CIDRS: [&str; 3] = ["52.94.5.0/24", "52.94.24.0/23", "52.119.240.0/21"];
const VPCE_REQUESTER: &str = "727180483921";
const EFS_REQUESTER: &str = "596216491785";
const IMAGE_ACCOUNT: &str = "470317259841";
const POLICY: &str = "{\n  \"Version\": \"2008-10-17\",\n  \"Statement\": [\n    {\n      \"Effect\": \"Allow\",\n      \"Principal\": \"*\",\n      \"Action\": \"*\",\n      \"Resource\": \"*\"\n    }\n  ]\n}";

/// Per VPC: subnets, security groups, rules.
const SUBNETS_PER_VPC: u32 = 20;
const SGS_PER_VPC: usize = 100;
const RULES_PER_VPC: usize = 1000;
const DOMAINS_PER_VPC: usize = 2;

const PROFILES_PER_DOMAIN: usize = 25;
const SPACES_PER_DOMAIN: usize = 5;
const WORKLOAD_ENIS: usize = 50;
/// Customer-managed prefix lists per scale unit.
const CUSTOMER_PLS: usize = 5;

/// Interface endpoints: NAT-routed VPCs need few, isolated ones many.
const NAT_VPC_ENDPOINTS: [&str; 3] = ["sagemaker.api", "studio", "sts"];
const ISOLATED_VPC_ENDPOINTS: [&str; 7] = [
    "sagemaker.api",
    "sagemaker.runtime",
    "studio",
    "sts",
    "logs",
    "servicecatalog",
    "ecr.api",
];

// Fault probabilities, per mille.
const P_F1_VPCE_BY_CIDR: u64 = 100;
const P_F4_PRIVATE_DNS_OFF: u64 = 50;
const P_NACL_NARROW_RETURN: u64 = 50;
const P_BLACKHOLE: u64 = 100;
const P_F3_MISSING_MT: u64 = 50;
const P_F9_NO_DEFAULT_SGS: u64 = 25;
const P_PUBLIC_INTERNET_ONLY: u64 = 100;

const FIRST: [&str; 32] = [
    "alice", "bob", "carol", "dan", "erin", "frank", "grace", "heidi", "ivan", "judy", "mallory",
    "niaj", "olivia", "peggy", "rupert", "sybil", "trent", "victor", "walter", "xena", "yusuf",
    "zoe", "amir", "bea", "chen", "dara", "emeka", "fatima", "goran", "hana", "ines", "jonas",
];
const LAST: [&str; 16] = [
    "smith", "garcia", "khan", "muller", "rossi", "silva", "tanaka", "nowak", "kim", "okafor",
    "larsen", "dubois", "novak", "singh", "cohen", "ivanova",
];
const TEAMS: [&str; 12] = [
    "fraud", "search", "ranking", "forecast", "vision", "nlp", "risk", "pricing", "ads", "churn",
    "genai", "ops",
];
const TIERS: [&str; 10] = [
    "web",
    "api",
    "worker",
    "db",
    "cache",
    "kafka",
    "batch",
    "alb",
    "monitoring",
    "etl",
];
const PORTS: [(u16, u16); 14] = [
    (22, 22),
    (80, 80),
    (443, 443),
    (3306, 3306),
    (5432, 5432),
    (6379, 6379),
    (8080, 8080),
    (8443, 8443),
    (9092, 9094),
    (9200, 9300),
    (27017, 27017),
    (2049, 2049),
    (30000, 32767),
    (8000, 8999),
];

fn kind_salt(prefix: &str) -> u64 {
    // FNV-1a: a stable salt per id kind.
    prefix.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}

/// Where one SG rule points.
enum Peer {
    Cidr(String, Option<String>),
    Pl(String, Option<String>),
    Group(String, Option<String>),
}

fn perm(proto: &str, ports: Option<(i64, i64)>, peer: Peer) -> Value {
    let desc = |mut o: serde_json::Map<String, Value>, d: Option<String>| {
        if let Some(d) = d {
            o.insert("Description".into(), Value::String(d));
        }
        Value::Object(o)
    };
    let (mut groups, mut cidrs, mut pls) = (vec![], vec![], vec![]);
    match peer {
        Peer::Cidr(c, d) => cidrs.push(desc(json!({"CidrIp": c}).as_object().unwrap().clone(), d)),
        Peer::Pl(p, d) => pls.push(desc(
            json!({"PrefixListId": p}).as_object().unwrap().clone(),
            d,
        )),
        Peer::Group(g, d) => groups.push(desc(
            json!({"UserId": ACCOUNT, "GroupId": g})
                .as_object()
                .unwrap()
                .clone(),
            d,
        )),
    }
    let mut p = json!({
        "IpProtocol": proto,
        "UserIdGroupPairs": groups,
        "IpRanges": cidrs,
        "Ipv6Ranges": [],
        "PrefixListIds": pls,
    });
    if let Some((f, t)) = ports {
        p["FromPort"] = json!(f);
        p["ToPort"] = json!(t);
    }
    p
}

fn tcp(from: u16, to: u16, peer: Peer) -> Value {
    perm("tcp", Some((from as i64, to as i64)), peer)
}

fn all(peer: Peer) -> Value {
    perm("-1", None, peer)
}

fn tags(pairs: &[(&str, &str)]) -> Value {
    Value::Array(
        pairs
            .iter()
            .map(|(k, v)| json!({"Key": k, "Value": v}))
            .collect(),
    )
}

fn ip(base: u32, off: u32) -> String {
    Ipv4Addr::from(base + off).to_string()
}

fn net(base: u32, len: u8) -> String {
    format!("{}/{len}", Ipv4Addr::from(base))
}

fn dns_name(ip: &str) -> String {
    format!("ip-{}.{REGION}.compute.internal", ip.replace('.', "-"))
}

/// An ISO timestamp in 2023-2024, as the AWS CLI prints them.
fn timestamp(r: &mut Rng) -> String {
    let year = 2023 + r.below(2);
    let month = r.range(1, 12);
    let day = r.range(1, 28);
    format!(
        "{year}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:03}000+00:00",
        r.below(24),
        r.below(60),
        r.below(60),
        r.below(1000)
    )
}

/// A 17-hex-digit AWS id (`vpc-0a1b...`). `n` is unique per kind and `mix`
/// is a bijection, so two resources of one kind never share an id.
fn aws_id(seed: u64, prefix: &str, n: u64) -> String {
    let x = mix(seed ^ kind_salt(prefix)).wrapping_add(n);
    format!("{prefix}-0{:016x}", mix(x))
}

fn base36(mut x: u64, width: usize) -> String {
    let digits = b"0123456789abcdefghijklmnopqrstuvwxyz";
    let mut s = vec![b'0'; width];
    for c in s.iter_mut().rev() {
        *c = digits[(x % 36) as usize];
        x /= 36;
    }
    String::from_utf8(s).expect("ascii")
}

/// A NACL to write: name, whether it is the VPC's default, egress and
/// ingress entries, and the indexes of the subnets it is associated with.
type AclPlan = (String, bool, Vec<Value>, Vec<Value>, Vec<usize>);

/// One security group being assembled.
struct Sg {
    id: String,
    name: String,
    description: String,
    ingress: Vec<Value>,
    egress: Vec<Value>,
    tags: Value,
}

impl Sg {
    fn new(id: &str, name: impl Into<String>, description: impl Into<String>) -> Sg {
        let name = name.into();
        Sg {
            tags: tags(&[("Name", &name)]),
            id: id.to_string(),
            name,
            description: description.into(),
            ingress: vec![],
            egress: vec![],
        }
    }
    fn rules(&self) -> usize {
        self.ingress.len() + self.egress.len()
    }
    fn to_json(&self, vpc_id: &str) -> Value {
        json!({
            "GroupId": self.id,
            "IpPermissionsEgress": self.egress,
            "Tags": self.tags,
            "VpcId": vpc_id,
            "SecurityGroupArn": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:security-group/{}", self.id),
            "OwnerId": ACCOUNT,
            "GroupName": self.name,
            "Description": self.description,
            "IpPermissions": self.ingress,
        })
    }
}

struct SubnetInfo {
    id: String,
    base: u32,
    az: usize,
    /// Next free host offset in the /24 (AWS reserves .0-.3 and .255).
    next: u32,
    used: u32,
}

struct ProfilePlan {
    name: String,
    /// The profile's own groups: none, a team group, or a personal one.
    groups: Vec<String>,
    personal: bool,
    custom_image: bool,
}

struct DomainPlan {
    id: String,
    name: String,
    subnets: Vec<usize>,
    app_sg: String,
    nfs_in: String,
    nfs_out: String,
    team_sgs: Vec<String>,
    vpc_only: bool,
    no_default_sgs: bool,
    missing_mt: bool,
    profiles: Vec<ProfilePlan>,
    /// (name, owner profile)
    spaces: Vec<(String, String)>,
}

/// Counts of what was generated.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    pub vpcs: usize,
    pub subnets: usize,
    pub security_groups: usize,
    pub sg_rules: usize,
    pub network_acls: usize,
    pub nacl_entries: usize,
    pub interface_endpoints: usize,
    pub nat_gateways: usize,
    pub network_interfaces: usize,
    pub domains: usize,
    pub user_profiles: usize,
    pub shared_spaces: usize,
    pub mount_targets: usize,
    /// Deliberate faults injected, by kind.
    pub faults: std::collections::BTreeMap<&'static str, usize>,
}

pub struct Gen<'a> {
    seed: u64,
    scale: u32,
    out: &'a mut Out,
    pub counts: Counts,
    customer_pls: Vec<String>,
    dhcp_id: String,
}

/// The list responses, open while the organisation is walked.
const LISTS: [(&str, &str); 12] = [
    ("describe-vpcs.json", "Vpcs"),
    ("describe-subnets.json", "Subnets"),
    ("describe-route-tables.json", "RouteTables"),
    ("describe-network-acls.json", "NetworkAcls"),
    ("describe-security-groups.json", "SecurityGroups"),
    ("describe-vpc-endpoints.json", "VpcEndpoints"),
    ("describe-nat-gateways.json", "NatGateways"),
    ("describe-internet-gateways.json", "InternetGateways"),
    ("describe-network-interfaces.json", "NetworkInterfaces"),
    ("efs/describe-file-systems.json", "FileSystems"),
    ("efs/describe-mount-targets.json", "MountTargets"),
    ("sagemaker/list-domains.json", "Domains"),
];

impl<'a> Gen<'a> {
    pub fn new(seed: u64, scale: u32, out: &'a mut Out) -> Gen<'a> {
        Gen {
            seed,
            scale,
            out,
            counts: Counts::default(),
            customer_pls: vec![],
            dhcp_id: String::new(),
        }
    }

    pub fn run(&mut self) -> io::Result<()> {
        for (rel, key) in LISTS {
            self.out.open_list(rel, key)?;
        }
        self.globals()?;
        for v in 0..(20 * self.scale as usize) {
            let mut g = VpcGen::new(self.seed, self.scale, &self.customer_pls, &self.dhcp_id, v);
            g.generate(self.out, &mut self.counts)?;
        }
        Ok(())
    }

    /// DHCP options, the AWS service prefix lists and the customer ones.
    fn globals(&mut self) -> io::Result<()> {
        let mut r = Rng::stream(self.seed, 1, 0);
        self.dhcp_id = aws_id(self.seed, "dopt", 0);
        self.out.single(
            "describe-dhcp-options.json",
            &json!({"DhcpOptions": [{
                "DhcpConfigurations": [
                    {"Key": "domain-name", "Values": [{"Value": format!("{REGION}.compute.internal")}]},
                    {"Key": "domain-name-servers", "Values": [{"Value": "AmazonProvidedDNS"}]}
                ],
                "DhcpOptionsId": self.dhcp_id,
                "OwnerId": ACCOUNT,
                "Tags": []
            }]}),
        )?;
        self.out.single(
            "describe-egress-only-internet-gateways.json",
            &json!({"EgressOnlyInternetGateways": []}),
        )?;
        self.out.single(
            "describe-prefix-lists.json",
            &json!({"PrefixLists": [
                {"Cidrs": S3_CIDRS, "PrefixListId": S3_PL, "PrefixListName": format!("com.amazonaws.{REGION}.s3")},
                {"Cidrs": DDB_CIDRS, "PrefixListId": DDB_PL, "PrefixListName": format!("com.amazonaws.{REGION}.dynamodb")}
            ]}),
        )?;
        let mut managed = vec![];
        for (pl, name) in [(S3_PL, "s3"), (DDB_PL, "dynamodb")] {
            managed.push(json!({
                "PrefixListId": pl, "AddressFamily": "IPv4", "State": "create-complete",
                "PrefixListArn": format!("arn:aws:ec2:{REGION}:aws:prefix-list/{pl}"),
                "PrefixListName": format!("com.amazonaws.{REGION}.{name}"), "Tags": [], "OwnerId": "AWS"
            }));
        }
        // Customer-managed lists hold corporate ranges (192.168/16), which
        // are private: they never stand for an AWS service's public
        // addresses, so they do not make service verdicts unknown.
        let kinds = [
            "corp-offices",
            "vpn-clients",
            "ci-runners",
            "data-centres",
            "admin-hosts",
        ];
        for i in 0..CUSTOMER_PLS * self.scale as usize {
            let pl = aws_id(self.seed, "pl", i as u64);
            let name = format!("{}-{}", kinds[i % kinds.len()], i / kinds.len());
            let n = r.range(8, 24);
            let entries: Vec<Value> = (0..n)
                .map(|j| {
                    let third = (i as u64 * 37 + j * 11) % 256;
                    json!({"Cidr": format!("192.168.{third}.0/24"), "Description": format!("site {j}")})
                })
                .collect();
            managed.push(json!({
                "PrefixListId": pl, "AddressFamily": "IPv4", "State": "create-complete",
                "PrefixListArn": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:prefix-list/{pl}"),
                "PrefixListName": name, "MaxEntries": 32, "Version": r.range(1, 9),
                "Tags": [{"Key": "Name", "Value": name}], "OwnerId": ACCOUNT
            }));
            self.out.single(
                &format!("prefix-lists/get-managed-prefix-list-entries-{pl}.json"),
                &json!({ "Entries": entries }),
            )?;
            self.customer_pls.push(pl);
        }
        self.out.single(
            "describe-managed-prefix-lists.json",
            &json!({ "PrefixLists": managed }),
        )
    }
}

/// Everything about the VPC being generated.
struct VpcGen<'g> {
    seed: u64,
    v: usize,
    vpcs_total: u32,
    r: Rng,
    vpc_id: String,
    vbase: u32,
    vcidr: String,
    vname: String,
    isolated: bool,
    customer_pls: &'g [String],
    dhcp_id: &'g str,
    subnets: Vec<SubnetInfo>,
    sg_names: std::collections::HashMap<String, String>,
    enis: Vec<Value>,
    serial: u64,
}

impl<'g> VpcGen<'g> {
    fn new(
        seed: u64,
        scale: u32,
        customer_pls: &'g [String],
        dhcp_id: &'g str,
        v: usize,
    ) -> VpcGen<'g> {
        let mut r = Rng::stream(seed, 2, v as u64);
        let vbase = u32::from(Ipv4Addr::new(10, 0, 0, 0)) + ((v as u32) << 14);
        let mut me = VpcGen {
            seed,
            v,
            vpcs_total: 20 * scale,
            vpc_id: String::new(),
            vbase,
            vcidr: net(vbase, 18),
            vname: format!("{}-{v}", TEAMS[v % TEAMS.len()]),
            isolated: v % 2 == 1,
            customer_pls,
            dhcp_id,
            subnets: vec![],
            sg_names: Default::default(),
            enis: vec![],
            serial: 0,
            r: Rng::new(0),
        };
        me.vpc_id = me.id("vpc");
        me.subnets = (0..SUBNETS_PER_VPC)
            .map(|k| SubnetInfo {
                id: me.id("subnet"),
                base: vbase + k * 256,
                az: (k % 3) as usize,
                next: 4 + r.below(6) as u32,
                used: 0,
            })
            .collect();
        me.r = r;
        me
    }

    /// A fresh id of a kind; unique across VPCs (v·10^6 + serial).
    fn id(&mut self, prefix: &str) -> String {
        self.serial += 1;
        aws_id(self.seed, prefix, self.v as u64 * 1_000_000 + self.serial)
    }

    fn corp_pl(&mut self) -> String {
        let n = self.customer_pls.len().min(CUSTOMER_PLS) as u64;
        self.customer_pls[self.r.below(n) as usize].clone()
    }

    fn take_ip(&mut self, k: usize) -> String {
        let step = 1 + self.r.below(3) as u32;
        let s = &mut self.subnets[k];
        let a = ip(s.base, s.next);
        s.next += step;
        s.used += 1;
        assert!(s.next < 255, "subnet {k} of VPC {} is full", self.v);
        a
    }

    /// A network interface in subnet `k`; returns (id, private IP).
    #[allow(clippy::too_many_arguments)]
    fn eni(
        &mut self,
        k: usize,
        desc: String,
        groups: &[String],
        itype: &str,
        requester: Option<&str>,
        public: Option<&str>,
    ) -> (String, String) {
        let id = self.id("eni");
        let a = self.take_ip(k);
        let mac = {
            let h = self.r.hex(10);
            let parts: Vec<&str> = (0..5).map(|i| &h[2 * i..2 * i + 2]).collect();
            format!("0a:{}", parts.join(":"))
        };
        let s = &self.subnets[k];
        let mut pip =
            json!({"Primary": true, "PrivateDnsName": dns_name(&a), "PrivateIpAddress": a});
        let mut e = json!({
            "AvailabilityZone": AZS[s.az], "Description": desc,
            "Groups": groups.iter().map(|g| json!({"GroupName": self.sg_names.get(g).cloned().unwrap_or_default(), "GroupId": g})).collect::<Vec<_>>(),
            "InterfaceType": itype, "Ipv6Addresses": [], "MacAddress": mac,
            "NetworkInterfaceId": id, "OwnerId": ACCOUNT, "PrivateDnsName": dns_name(&a), "PrivateIpAddress": a,
            "RequesterManaged": requester.is_some(), "SourceDestCheck": itype != "nat_gateway",
            "Status": "in-use", "SubnetId": s.id, "TagSet": [], "VpcId": self.vpc_id
        });
        if let Some(p) = public {
            let assoc = json!({"IpOwnerId": ACCOUNT, "PublicDnsName": format!("ec2-{}.{REGION}.compute.amazonaws.com", p.replace('.', "-")), "PublicIp": p});
            pip["Association"] = assoc.clone();
            e["Association"] = assoc;
        }
        e["PrivateIpAddresses"] = json!([pip]);
        if let Some(req) = requester {
            e["RequesterId"] = json!(req);
        }
        if itype == "interface" && requester.is_none() && !desc.starts_with("[DO NOT DELETE]") {
            e["Attachment"] = json!({"AttachTime": timestamp(&mut self.r), "AttachmentId": self.id("eni-attach"),
                "DeleteOnTermination": true, "DeviceIndex": 0, "NetworkCardIndex": 0, "InstanceId": self.id("i"),
                "InstanceOwnerId": ACCOUNT, "Status": "attached"});
        }
        self.enis.push(e);
        (id, a)
    }

    fn generate(&mut self, out: &mut Out, counts: &mut Counts) -> io::Result<()> {
        let f1 = self.r.chance(P_F1_VPCE_BY_CIDR);
        let f4 = self.r.chance(P_F4_PRIVATE_DNS_OFF);
        let narrow = self.r.chance(P_NACL_NARROW_RETURN);
        let blackhole = !self.isolated && self.r.chance(P_BLACKHOLE);
        for (hit, what) in [
            (f1, "F1 endpoint group admits subnets by CIDR, one missing"),
            (f4, "F4 private DNS disabled on an endpoint"),
            (narrow, "studio NACL opens only 32768-61000 for replies"),
            (blackhole, "blackhole default route in one AZ"),
        ] {
            if hit {
                *counts.faults.entry(what).or_default() += 1;
            }
        }
        let vpc_id = self.vpc_id.clone();
        let vcidr = self.vcidr.clone();
        let vname = self.vname.clone();
        out.push("describe-vpcs.json", &json!({
            "OwnerId": ACCOUNT, "InstanceTenancy": "default",
            "CidrBlockAssociationSet": [{
                "AssociationId": self.id("vpc-cidr-assoc"), "CidrBlock": vcidr,
                "CidrBlockState": {"State": "associated"}
            }],
            "IsDefault": false, "Tags": tags(&[("Name", &vname), ("cost-centre", &format!("cc-{}", 1000 + self.v))]),
            "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
            "VpcId": vpc_id, "State": "available", "CidrBlock": vcidr, "DhcpOptionsId": self.dhcp_id
        }))?;
        for (attr, file) in [
            ("EnableDnsSupport", "enableDnsSupport"),
            ("EnableDnsHostnames", "enableDnsHostnames"),
        ] {
            out.single(
                &format!("vpc-attributes/describe-vpc-attribute-{file}-{vpc_id}.json"),
                &json!({"VpcId": vpc_id, attr: {"Value": true}}),
            )?;
        }
        counts.vpcs += 1;

        let domains = self.plan_domains(counts);
        let (vpce_sg, db_sg, bastion_sg, workload_sgs) =
            self.security_groups(&domains, f1, out, counts)?;

        // Gateways: one internet gateway, one NAT gateway in the first
        // public subnet, a bastion with a public address.
        let igw = self.id("igw");
        out.push("describe-internet-gateways.json", &json!({
            "Attachments": [{"State": "available", "VpcId": vpc_id}],
            "InternetGatewayId": igw, "OwnerId": ACCOUNT, "Tags": tags(&[("Name", &format!("{vname}-igw"))])
        }))?;
        let nat = self.id("nat");
        let public = |i: u32| {
            Ipv4Addr::from(u32::from(Ipv4Addr::new(34, 240, 0, 0)) + self.v as u32 * 2 + i)
                .to_string()
        };
        let (eip, bastion_ip) = (public(0), public(1));
        let (nat_eni, nat_ip) = self.eni(
            0,
            format!("Interface for NAT Gateway {nat}"),
            &[],
            "nat_gateway",
            Some("amazon-aws"),
            Some(&eip),
        );
        let (alloc, assoc, created) = (
            self.id("eipalloc"),
            self.id("eipassoc"),
            timestamp(&mut self.r),
        );
        out.push("describe-nat-gateways.json", &json!({
            "CreateTime": created,
            "NatGatewayAddresses": [{"AllocationId": alloc, "NetworkInterfaceId": nat_eni, "PrivateIp": nat_ip,
                "PublicIp": eip, "AssociationId": assoc, "IsPrimary": true, "Status": "succeeded"}],
            "NatGatewayId": nat, "State": "available", "SubnetId": self.subnets[0].id, "VpcId": vpc_id,
            "Tags": tags(&[("Name", &format!("{vname}-nat-1a"))]), "ConnectivityType": "public"
        }))?;
        counts.nat_gateways += 1;
        self.eni(
            1,
            "bastion host".into(),
            &[bastion_sg],
            "interface",
            None,
            Some(&bastion_ip),
        );

        let mut endpoints = self.interface_endpoints(&vpce_sg, f4, counts);
        let s3_vpce = self.id("vpce");
        let s3_tables = self.route_tables(&igw, &nat, &s3_vpce, blackhole, out)?;
        let created = timestamp(&mut self.r);
        endpoints.push(json!({
            "VpcEndpointId": s3_vpce, "VpcEndpointType": "Gateway", "VpcId": vpc_id,
            "ServiceName": format!("com.amazonaws.{REGION}.s3"), "State": "available",
            "PolicyDocument": "{\"Version\":\"2008-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
            "RouteTableIds": s3_tables, "SubnetIds": [], "Groups": [], "PrivateDnsEnabled": false,
            "RequesterManaged": false, "NetworkInterfaceIds": [], "DnsEntries": [],
            "CreationTimestamp": created, "Tags": tags(&[("Name", &format!("{vname}-s3"))]), "OwnerId": ACCOUNT
        }));
        for e in &endpoints {
            out.push("describe-vpc-endpoints.json", e)?;
        }
        self.network_acls(narrow, out, counts)?;

        // Workloads: 50 instances in the workload subnets.
        for i in 0..WORKLOAD_ENIS {
            let k = 12 + self.r.below(8) as usize;
            let mut groups = if i < 3 {
                vec![db_sg.clone()]
            } else {
                vec![workload_sgs[self.r.below(workload_sgs.len() as u64) as usize].clone()]
            };
            if self.r.chance(300) {
                groups.push(workload_sgs[self.r.below(workload_sgs.len() as u64) as usize].clone());
                groups.dedup();
            }
            self.eni(
                k,
                format!("workload {i} of {vname}"),
                &groups,
                "interface",
                None,
                None,
            );
        }

        for dp in &domains {
            self.domain(dp, out, counts)?;
        }

        for e in std::mem::take(&mut self.enis) {
            out.push("describe-network-interfaces.json", &e)?;
            counts.network_interfaces += 1;
        }
        for s in &self.subnets {
            let k = (s.base - self.vbase) / 256;
            let role = match k {
                0..=2 => "public",
                3..=5 => "endpoints",
                6..=11 => "studio",
                _ => "workload",
            };
            out.push("describe-subnets.json", &json!({
                "AvailabilityZoneId": AZ_IDS[s.az], "MapCustomerOwnedIpOnLaunch": false, "OwnerId": ACCOUNT,
                "AssignIpv6AddressOnCreation": false, "Ipv6CidrBlockAssociationSet": [],
                "Tags": tags(&[("Name", &format!("{vname}-{role}-{}", &AZS[s.az][AZS[s.az].len() - 2..])), ("tier", role)]),
                "SubnetArn": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:subnet/{}", s.id), "EnableDns64": false, "Ipv6Native": false,
                "PrivateDnsNameOptionsOnLaunch": {"HostnameType": "ip-name", "EnableResourceNameDnsARecord": false, "EnableResourceNameDnsAAAARecord": false},
                "BlockPublicAccessStates": {"InternetGatewayBlockMode": "off"},
                "SubnetId": s.id, "State": "available", "VpcId": vpc_id, "CidrBlock": net(s.base, 24),
                "AvailableIpAddressCount": 251 - s.used, "AvailabilityZone": AZS[s.az], "DefaultForAz": false,
                "MapPublicIpOnLaunch": role == "public"
            }))?;
            counts.subnets += 1;
        }
        Ok(())
    }

    /// The 2 domains of this VPC, their profiles and spaces (ids only;
    /// the groups are written by `security_groups`).
    fn plan_domains(&mut self, counts: &mut Counts) -> Vec<DomainPlan> {
        let mut domains = Vec::new();
        for j in 0..DOMAINS_PER_VPC {
            let gi = (self.v * DOMAINS_PER_VPC + j) as u64;
            let mut dr = Rng::stream(self.seed, 3, gi);
            // 12 characters like real domain ids; the last 4 encode the
            // index, so they are unique by construction.
            let id = format!("d-{}{}", base36(dr.next_u64(), 8), base36(gi, 4));
            let team = TEAMS[(self.v + j * 5) % TEAMS.len()];
            let first = 6 + 3 * j;
            let subnets = if dr.chance(800) {
                vec![first, first + 1, first + 2]
            } else {
                vec![first, first + 1]
            };
            let (app_sg, nfs_in, nfs_out) = (self.id("sg"), self.id("sg"), self.id("sg"));
            let team_sgs: Vec<String> = (0..3).map(|_| self.id("sg")).collect();
            let vpc_only = !dr.chance(P_PUBLIC_INTERNET_ONLY);
            let no_default_sgs = dr.chance(P_F9_NO_DEFAULT_SGS);
            let missing_mt = dr.chance(P_F3_MISSING_MT);
            for (hit, what) in [
                (no_default_sgs, "F9 domain without default security groups"),
                (missing_mt, "F3 no EFS mount target in one domain AZ"),
            ] {
                if hit {
                    *counts.faults.entry(what).or_default() += 1;
                }
            }
            let mut names = HashSet::new();
            let mut profiles = Vec::new();
            for _ in 0..PROFILES_PER_DOMAIN {
                let mut name = format!("{}-{}", dr.pick(&FIRST), dr.pick(&LAST));
                while !names.insert(name.clone()) {
                    name = format!("{}-{}-{}", dr.pick(&FIRST), dr.pick(&LAST), dr.range(2, 99));
                }
                // Most profiles inherit the domain defaults; some carry a
                // team group, a few a personal one.
                let roll = dr.below(100);
                let (groups, personal) = if roll < 70 {
                    (vec![], false)
                } else if roll < 90 {
                    (vec![dr.pick(&team_sgs).clone()], false)
                } else {
                    (vec![self.id("sg")], true)
                };
                profiles.push(ProfilePlan {
                    name,
                    groups,
                    personal,
                    custom_image: dr.chance(100),
                });
            }
            let kinds = ["lab", "eval", "shared", "demo", "research"];
            let spaces = (0..SPACES_PER_DOMAIN)
                .map(|i| {
                    (
                        format!("{team}-{}-{i}", kinds[i % kinds.len()]),
                        profiles[dr.below(profiles.len() as u64) as usize]
                            .name
                            .clone(),
                    )
                })
                .collect();
            domains.push(DomainPlan {
                id,
                name: format!("ml-{team}-{}-{j}", self.v),
                subnets,
                app_sg,
                nfs_in,
                nfs_out,
                team_sgs,
                vpc_only,
                no_default_sgs,
                missing_mt,
                profiles,
                spaces,
            });
        }
        domains
    }

    /// Exactly 100 groups with exactly 1,000 rules. Returns the endpoint,
    /// database and bastion groups and the workload groups.
    fn security_groups(
        &mut self,
        domains: &[DomainPlan],
        f1: bool,
        out: &mut Out,
        counts: &mut Counts,
    ) -> io::Result<(String, String, String, Vec<String>)> {
        let default_sg = self.id("sg");
        let vpce_sg = self.id("sg");
        let fixed = 2 + domains
            .iter()
            .map(|d| 6 + d.profiles.iter().filter(|p| p.personal).count())
            .sum::<usize>();
        let workload: Vec<String> = (fixed..SGS_PER_VPC).map(|_| self.id("sg")).collect();
        let (db_sg, bastion_sg) = (workload[0].clone(), workload[1].clone());
        let vname = self.vname.clone();

        let mut sgs: Vec<Sg> = Vec::new();
        let mut d = Sg::new(&default_sg, "default", "default VPC security group");
        d.tags = json!([]);
        d.ingress.push(all(Peer::Group(default_sg.clone(), None)));
        d.egress.push(all(Peer::Cidr("0.0.0.0/0".into(), None)));
        sgs.push(d);
        let mut vpce = Sg::new(
            &vpce_sg,
            "studio-vpc-endpoints",
            "Interface endpoints used by Studio",
        );
        for (j, dp) in domains.iter().enumerate() {
            if f1 && j == 0 {
                // F1: written when the domain had one subnet fewer.
                for &k in &dp.subnets[..dp.subnets.len() - 1] {
                    let s = &self.subnets[k];
                    vpce.ingress.push(tcp(
                        443,
                        443,
                        Peer::Cidr(
                            net(s.base, 24),
                            Some(format!("studio subnet {}", AZS[s.az])),
                        ),
                    ));
                }
            } else {
                vpce.ingress.push(tcp(
                    443,
                    443,
                    Peer::Group(dp.app_sg.clone(), Some("HTTPS from Studio apps".into())),
                ));
            }
        }
        vpce.ingress.push(tcp(
            443,
            443,
            Peer::Cidr(net(self.vbase + 12 * 256, 22), Some("workloads".into())),
        ));
        vpce.egress.push(all(Peer::Cidr("0.0.0.0/0".into(), None)));
        sgs.push(vpce);
        for dp in domains {
            let arn = format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{}", dp.id);
            let mut app = Sg::new(
                &dp.app_sg,
                format!("studio-app-{}", dp.name),
                format!("Studio apps of domain {}", dp.id),
            );
            app.ingress.push(tcp(
                8192,
                65535,
                Peer::Group(dp.app_sg.clone(), Some("Studio app to app".into())),
            ));
            if self.r.chance(600) {
                app.egress.push(all(Peer::Cidr("0.0.0.0/0".into(), None)));
            } else {
                app.egress.push(tcp(
                    443,
                    443,
                    Peer::Group(vpce_sg.clone(), Some("HTTPS to interface endpoints".into())),
                ));
                app.egress.push(tcp(
                    443,
                    443,
                    Peer::Pl(S3_PL.into(), Some("S3 gateway endpoint".into())),
                ));
                app.egress.push(tcp(
                    443,
                    443,
                    Peer::Cidr(
                        "0.0.0.0/0".into(),
                        Some("AWS APIs through the NAT gateway".into()),
                    ),
                ));
                app.egress.push(tcp(
                    8192,
                    65535,
                    Peer::Group(dp.app_sg.clone(), Some("Studio app to app".into())),
                ));
                app.egress.push(tcp(
                    5432,
                    5432,
                    Peer::Group(db_sg.clone(), Some("feature store database".into())),
                ));
            }
            sgs.push(app);
            let mut nin = Sg::new(&dp.nfs_in, format!("security-group-for-inbound-nfs-{}", dp.id),
                format!("[DO NOT DELETE] Security Group that allows inbound NFS traffic for SageMaker Notebooks Domain [{}]", dp.id));
            let mut nout = Sg::new(&dp.nfs_out, format!("security-group-for-outbound-nfs-{}", dp.id),
                format!("[DO NOT DELETE] Security Group that allows outbound NFS traffic for SageMaker Notebooks Domain [{}]", dp.id));
            for (f, t) in [(988, 988), (1018, 1023), (2049, 2049)] {
                nin.ingress
                    .push(tcp(f, t, Peer::Group(dp.nfs_out.clone(), None)));
                nout.egress
                    .push(tcp(f, t, Peer::Group(dp.nfs_in.clone(), None)));
            }
            nin.tags = tags(&[("ManagedByAmazonSageMakerResource", &arn)]);
            nout.tags = nin.tags.clone();
            sgs.push(nin);
            sgs.push(nout);
            for (i, t) in dp.team_sgs.iter().enumerate() {
                let mut s = Sg::new(
                    t,
                    format!("studio-team-{}-{i}", dp.name),
                    "Team access of Studio users",
                );
                s.egress.push(tcp(
                    5432,
                    5432,
                    Peer::Group(db_sg.clone(), Some("team database".into())),
                ));
                let pl = self.corp_pl();
                s.egress
                    .push(tcp(443, 443, Peer::Pl(pl, Some("corporate APIs".into()))));
                sgs.push(s);
            }
            for p in dp.profiles.iter().filter(|p| p.personal) {
                let mut s = Sg::new(
                    &p.groups[0],
                    format!("studio-user-{}-{}", dp.name, p.name),
                    format!("Personal group of {}", p.name),
                );
                s.egress.push(tcp(
                    22,
                    22,
                    Peer::Group(bastion_sg.clone(), Some("ssh to the bastion".into())),
                ));
                s.egress.push(tcp(
                    8443,
                    8443,
                    Peer::Cidr("203.0.113.0/24".into(), Some("partner API".into())),
                ));
                sgs.push(s);
            }
        }
        // Workload groups share the remaining rules, at least 2 each.
        let fixed_rules: usize = sgs.iter().map(Sg::rules).sum();
        let w = workload.len();
        let mut per = vec![2usize; w];
        for _ in 0..(RULES_PER_VPC - fixed_rules - 2 * w) {
            per[self.r.below(w as u64) as usize] += 1;
        }
        for (i, id) in workload.iter().enumerate() {
            let tier = match i {
                0 => "db",
                1 => "bastion",
                _ => TIERS[self.r.below(TIERS.len() as u64) as usize],
            };
            let mut s = Sg::new(
                id,
                format!("{tier}-{vname}-{i}"),
                format!("{tier} tier of {vname}"),
            );
            // Egress first: most workloads may go anywhere.
            if self.r.chance(700) {
                s.egress.push(all(Peer::Cidr("0.0.0.0/0".into(), None)));
            } else {
                s.egress
                    .push(tcp(443, 443, Peer::Cidr("0.0.0.0/0".into(), None)));
            }
            for _ in 1..per[i] {
                let (f, t) = *self.r.pick(&PORTS);
                let roll = self.r.below(100);
                let peer = if roll < 40 {
                    Peer::Group(workload[self.r.below(w as u64) as usize].clone(), None)
                } else if roll < 65 {
                    Peer::Pl(self.corp_pl(), Some("corporate networks".into()))
                } else if roll < 85 {
                    Peer::Cidr(
                        net(
                            self.vbase + (self.r.below(SUBNETS_PER_VPC as u64) as u32) * 256,
                            24,
                        ),
                        None,
                    )
                } else {
                    // Another VPC of the organisation (peered or via transit).
                    let other = self.r.below(self.vpcs_total as u64) as u32;
                    Peer::Cidr(
                        net(u32::from(Ipv4Addr::new(10, 0, 0, 0)) + (other << 14), 18),
                        Some("peer VPC".into()),
                    )
                };
                let rule = if self.r.chance(80) {
                    all(peer)
                } else {
                    tcp(f, t, peer)
                };
                if self.r.chance(150) {
                    s.egress.push(rule);
                } else {
                    s.ingress.push(rule);
                }
            }
            sgs.push(s);
        }
        assert_eq!(sgs.len(), SGS_PER_VPC);
        let rules: usize = sgs.iter().map(Sg::rules).sum();
        assert_eq!(rules, RULES_PER_VPC);
        for s in &sgs {
            self.sg_names.insert(s.id.clone(), s.name.clone());
            out.push("describe-security-groups.json", &s.to_json(&self.vpc_id))?;
        }
        counts.security_groups += sgs.len();
        counts.sg_rules += rules;
        Ok((vpce_sg, db_sg, bastion_sg, workload[2..].to_vec()))
    }

    fn interface_endpoints(&mut self, vpce_sg: &str, f4: bool, counts: &mut Counts) -> Vec<Value> {
        let services: &[&str] = if self.isolated {
            &ISOLATED_VPC_ENDPOINTS
        } else {
            &NAT_VPC_ENDPOINTS
        };
        let dns_off = f4.then(|| self.r.below(services.len() as u64) as usize);
        let mut endpoints = Vec::new();
        for (i, svc) in services.iter().enumerate() {
            let vpce = self.id("vpce");
            let service_name = if *svc == "studio" {
                format!("aws.sagemaker.{REGION}.studio")
            } else {
                format!("com.amazonaws.{REGION}.{svc}")
            };
            let mut ids = vec![];
            let h = self.r.hex(8);
            let mut dns = vec![
                json!({"DnsName": format!("{vpce}-{h}.{svc}.{REGION}.vpce.amazonaws.com"), "HostedZoneId": "Z38GZ743OKFT7T"}),
            ];
            for k in 3..6 {
                let (id, _) = self.eni(
                    k,
                    format!("VPC Endpoint Interface {vpce}"),
                    &[vpce_sg.to_string()],
                    "vpc_endpoint",
                    Some(VPCE_REQUESTER),
                    None,
                );
                ids.push(id);
                dns.push(json!({"DnsName": format!("{vpce}-{h}-{}.{svc}.{REGION}.vpce.amazonaws.com", AZS[k % 3]), "HostedZoneId": "Z38GZ743OKFT7T"}));
            }
            let created = timestamp(&mut self.r);
            endpoints.push(json!({
                "VpcEndpointId": vpce, "VpcEndpointType": "Interface", "VpcId": self.vpc_id, "ServiceName": service_name,
                "State": "available", "PolicyDocument": POLICY, "RouteTableIds": [],
                "SubnetIds": [self.subnets[3].id, self.subnets[4].id, self.subnets[5].id],
                "Groups": [{"GroupId": vpce_sg, "GroupName": "studio-vpc-endpoints"}],
                "IpAddressType": "ipv4", "DnsOptions": {"DnsRecordIpType": "ipv4"},
                "PrivateDnsEnabled": dns_off != Some(i), "RequesterManaged": false, "NetworkInterfaceIds": ids,
                "DnsEntries": dns, "CreationTimestamp": created,
                "Tags": tags(&[("Name", &format!("{}-{svc}", self.vname))]), "OwnerId": ACCOUNT
            }));
            counts.interface_endpoints += 1;
        }
        endpoints
    }

    /// Main, public and one private table per AZ; isolated VPCs add a
    /// Studio table without a default route. Returns the tables that
    /// carry the S3 gateway endpoint's route.
    fn route_tables(
        &mut self,
        igw: &str,
        nat: &str,
        s3_vpce: &str,
        blackhole: bool,
        out: &mut Out,
    ) -> io::Result<Vec<String>> {
        let local = json!({"DestinationCidrBlock": self.vcidr, "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"});
        let s3 = json!({"DestinationPrefixListId": S3_PL, "GatewayId": s3_vpce, "Origin": "CreateRoute", "State": "active"});
        // Corporate networks behind a transit gateway (outside the snapshot).
        let tgw = json!({"DestinationCidrBlock": "192.168.0.0/16", "TransitGatewayId": aws_id(self.seed, "tgw", 0), "Origin": "CreateRoute", "State": "active"});
        let vname = self.vname.clone();
        let mut tables = vec![(String::new(), vec![local.clone()], vec![], true)];
        tables.push((format!("{vname}-public"), vec![local.clone(),
            json!({"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": igw, "Origin": "CreateRoute", "State": "active"})], vec![0, 1, 2], false));
        for az in 0..3 {
            let mut ks: Vec<usize> = (12..SUBNETS_PER_VPC as usize)
                .filter(|k| k % 3 == az)
                .collect();
            if !self.isolated {
                ks.extend([3 + az, 6 + az, 9 + az]);
            }
            let default = if blackhole && az == 2 {
                // Its NAT gateway was deleted and replaced; the route was not.
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": self.id("nat"), "Origin": "CreateRoute", "State": "blackhole"})
            } else {
                json!({"DestinationCidrBlock": "0.0.0.0/0", "NatGatewayId": nat, "Origin": "CreateRoute", "State": "active"})
            };
            tables.push((
                format!("{vname}-private-{}", &AZS[az][AZS[az].len() - 2..]),
                vec![local.clone(), default, s3.clone(), tgw.clone()],
                ks,
                false,
            ));
        }
        if self.isolated {
            tables.push((
                format!("{vname}-studio-isolated"),
                vec![local.clone(), s3.clone()],
                (3..12).collect(),
                false,
            ));
        }
        let mut s3_tables = vec![];
        for (name, routes, ks, main) in tables {
            let rtb = self.id("rtb");
            let mut assocs = vec![];
            if main {
                assocs.push(json!({"Main": true, "RouteTableAssociationId": self.id("rtbassoc"), "RouteTableId": rtb, "AssociationState": {"State": "associated"}}));
            }
            for k in ks {
                let (a, sid) = (self.id("rtbassoc"), self.subnets[k].id.clone());
                assocs.push(json!({"Main": false, "RouteTableAssociationId": a, "RouteTableId": rtb, "SubnetId": sid, "AssociationState": {"State": "associated"}}));
            }
            if routes
                .iter()
                .any(|r| r.get("DestinationPrefixListId").is_some())
            {
                s3_tables.push(rtb.clone());
            }
            out.push("describe-route-tables.json", &json!({
                "Associations": assocs, "PropagatingVgws": [], "RouteTableId": rtb, "Routes": routes,
                "Tags": if name.is_empty() { json!([]) } else { tags(&[("Name", &name)]) },
                "VpcId": self.vpc_id, "OwnerId": ACCOUNT
            }))?;
        }
        Ok(s3_tables)
    }

    /// Five ACLs of exactly 20 entries: 9 rules and `*` per direction.
    fn network_acls(&mut self, narrow: bool, out: &mut Out, counts: &mut Counts) -> io::Result<()> {
        fn entry(
            n: u32,
            egress: bool,
            allow: bool,
            cidr: &str,
            proto: &str,
            ports: Option<(u16, u16)>,
        ) -> Value {
            let mut e = json!({"CidrBlock": cidr, "Egress": egress, "Protocol": proto,
                "RuleAction": if allow { "allow" } else { "deny" }, "RuleNumber": n});
            if let Some((f, t)) = ports {
                e["PortRange"] = json!({"From": f, "To": t});
            }
            e
        }
        let vcidr = self.vcidr.clone();
        let vname = self.vname.clone();
        // Blocked ranges of other business units: private, never ours, so
        // they never decide the fate of a public service address.
        let block = |r: &mut Rng, egress: bool, count: usize, from: u32| -> Vec<Value> {
            (0..count)
                .map(|i| {
                    entry(
                        from + 10 * i as u32,
                        egress,
                        false,
                        &format!("172.{}.{}.0/24", 16 + r.below(16), r.below(256)),
                        "-1",
                        None,
                    )
                })
                .collect()
        };
        let corp = |n: u32, egress: bool| entry(n, egress, true, "192.168.0.0/16", "-1", None);
        let any = "0.0.0.0/0";
        let (tcp, udp) = ("6", "17");
        let mut acls: Vec<AclPlan> = Vec::new();

        let mut eg = block(&mut self.r, true, 3, 50);
        eg.extend([
            entry(100, true, true, &vcidr, "-1", None),
            entry(110, true, true, any, tcp, Some((443, 443))),
            entry(120, true, true, any, tcp, Some((80, 80))),
            entry(130, true, true, any, tcp, Some((1024, 65535))),
            entry(140, true, true, any, udp, Some((123, 123))),
            corp(150, true),
        ]);
        let mut ing = block(&mut self.r, false, 3, 50);
        ing.extend([
            entry(100, false, true, &vcidr, "-1", None),
            entry(110, false, true, any, tcp, Some((443, 443))),
            entry(120, false, true, any, tcp, Some((1024, 65535))),
            entry(130, false, true, any, udp, Some((1024, 65535))),
            entry(140, false, true, "198.51.100.0/24", tcp, Some((22, 22))),
            corp(150, false),
        ]);
        acls.push((format!("{vname}-public"), false, eg, ing, vec![0, 1, 2]));
        for (name, ks) in [
            ("endpoints", vec![3, 4, 5]),
            ("studio", vec![6, 7, 8, 9, 10, 11]),
        ] {
            let mut eg = block(&mut self.r, true, 4, 50);
            eg.extend([
                entry(100, true, true, &vcidr, "-1", None),
                entry(110, true, true, any, tcp, Some((443, 443))),
                entry(120, true, true, any, tcp, Some((1024, 65535))),
                corp(130, true),
                entry(140, true, true, &vcidr, udp, Some((53, 53))),
            ]);
            let replies = if name == "studio" && narrow {
                (32768, 61000)
            } else {
                (1024, 65535)
            };
            let mut ing = block(&mut self.r, false, 4, 50);
            ing.extend([
                entry(100, false, true, &vcidr, "-1", None),
                entry(110, false, true, any, tcp, Some(replies)),
                entry(120, false, true, any, udp, Some((1024, 65535))),
                corp(130, false),
                entry(140, false, true, &vcidr, "1", None),
            ]);
            acls.push((format!("{vname}-{name}"), false, eg, ing, ks));
        }
        for (name, default, ks) in [
            (String::new(), true, (12..16).collect::<Vec<usize>>()),
            (format!("{vname}-data"), false, (16..20).collect()),
        ] {
            let mut eg = block(&mut self.r, true, 5, 40);
            eg.extend([
                entry(100, true, true, any, "-1", None),
                corp(110, true),
                entry(120, true, true, &vcidr, tcp, Some((0, 65535))),
                entry(130, true, true, "10.0.0.0/8", "-1", None),
            ]);
            let mut ing = block(&mut self.r, false, 5, 40);
            ing.extend([
                entry(100, false, true, &vcidr, "-1", None),
                entry(110, false, true, "10.0.0.0/8", "-1", None),
                entry(120, false, true, any, tcp, Some((1024, 65535))),
                corp(130, false),
            ]);
            acls.push((name, default, eg, ing, ks));
        }
        for (name, default, eg, ing, ks) in acls {
            assert_eq!((eg.len(), ing.len()), (9, 9));
            let acl = self.id("acl");
            let mut entries = eg;
            entries.push(entry(32767, true, false, any, "-1", None));
            entries.extend(ing);
            entries.push(entry(32767, false, false, any, "-1", None));
            let mut assocs = vec![];
            for k in ks {
                let (a, sid) = (self.id("aclassoc"), self.subnets[k].id.clone());
                assocs.push(
                    json!({"NetworkAclAssociationId": a, "NetworkAclId": acl, "SubnetId": sid}),
                );
            }
            counts.network_acls += 1;
            counts.nacl_entries += entries.len();
            out.push("describe-network-acls.json", &json!({
                "Associations": assocs, "Entries": entries, "IsDefault": default, "NetworkAclId": acl,
                "Tags": if name.is_empty() { json!([]) } else { tags(&[("Name", &name)]) },
                "VpcId": self.vpc_id, "OwnerId": ACCOUNT
            }))?;
        }
        Ok(())
    }

    /// One domain: home EFS with a mount target per AZ, the SageMaker
    /// documents a capture holds, 2 running apps with their ENIs.
    fn domain(&mut self, dp: &DomainPlan, out: &mut Out, counts: &mut Counts) -> io::Result<()> {
        let d = &dp.id;
        let dir = format!("sagemaker/{d}");
        let role = format!(
            "arn:aws:iam::{ACCOUNT}:role/service-role/AmazonSageMaker-ExecutionRole-{}",
            &d[2..]
        );
        let image = |name: &str| format!("arn:aws:sagemaker:{REGION}:{IMAGE_ACCOUNT}:image/{name}");
        let spec = |instance: &str| json!({"DefaultResourceSpec": {"SageMakerImageArn": image("sagemaker-distribution-cpu"), "InstanceType": instance}});
        let created = timestamp(&mut self.r);

        // EFS
        let fs = self.id("fs");
        let kms = format!(
            "arn:aws:kms:{REGION}:{ACCOUNT}:key/{}-{}-4{}-8{}-{}",
            self.r.hex(8),
            self.r.hex(4),
            self.r.hex(3),
            self.r.hex(3),
            self.r.hex(12)
        );
        let mut mts = vec![];
        for (i, &k) in dp.subnets.iter().enumerate() {
            if dp.missing_mt && i == dp.subnets.len() - 1 {
                continue;
            }
            let fsmt = self.id("fsmt");
            let (eni, ip) = self.eni(
                k,
                format!("EFS mount target for {fs} ({fsmt})"),
                std::slice::from_ref(&dp.nfs_in),
                "efs",
                Some(EFS_REQUESTER),
                None,
            );
            let s = &self.subnets[k];
            mts.push(json!({
                "OwnerId": ACCOUNT, "MountTargetId": fsmt, "FileSystemId": fs, "SubnetId": s.id,
                "LifeCycleState": "available", "IpAddress": ip, "NetworkInterfaceId": eni,
                "AvailabilityZoneId": AZ_IDS[s.az], "AvailabilityZoneName": AZS[s.az], "VpcId": self.vpc_id
            }));
            out.single(
                &format!("efs/describe-mount-target-security-groups-{fsmt}.json"),
                &json!({"SecurityGroups": [dp.nfs_in]}),
            )?;
        }
        counts.mount_targets += mts.len();
        let size = self.r.range(1 << 20, 1 << 34);
        out.push("efs/describe-file-systems.json", &json!({
            "OwnerId": ACCOUNT, "CreationToken": format!("{}-{}", d, self.r.hex(12)), "FileSystemId": fs,
            "FileSystemArn": format!("arn:aws:elasticfilesystem:{REGION}:{ACCOUNT}:file-system/{fs}"),
            "CreationTime": created, "LifeCycleState": "available", "NumberOfMountTargets": mts.len(),
            "SizeInBytes": {"Value": size, "ValueInIA": 0, "ValueInStandard": size, "ValueInArchive": 0},
            "PerformanceMode": "generalPurpose", "Encrypted": true, "KmsKeyId": kms, "ThroughputMode": "bursting",
            "Tags": tags(&[("ManagedByAmazonSageMakerResource", &format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{d}"))]),
            "FileSystemProtection": {"ReplicationOverwriteProtection": "ENABLED"}
        }))?;
        for m in &mts {
            out.push("efs/describe-mount-targets.json", m)?;
        }

        // DescribeDomain
        let subnet_ids: Vec<&str> = dp
            .subnets
            .iter()
            .map(|&k| self.subnets[k].id.as_str())
            .collect();
        let mut dus = json!({
            "ExecutionRole": role,
            "SharingSettings": {"NotebookOutputOption": "Disabled"},
            "JupyterServerAppSettings": {"DefaultResourceSpec": {"SageMakerImageArn": image("jupyter-server-3"), "InstanceType": "system"}},
            "JupyterLabAppSettings": spec("ml.t3.medium"), "CodeEditorAppSettings": spec("ml.t3.medium"),
            "SpaceStorageSettings": {"DefaultEbsStorageSettings": {"DefaultEbsVolumeSizeInGb": 5, "MaximumEbsVolumeSizeInGb": 100}},
            "DefaultLandingUri": "studio::", "StudioWebPortal": "ENABLED"
        });
        if !dp.no_default_sgs {
            dus["SecurityGroups"] = json!([dp.app_sg]);
        }
        let modified = timestamp(&mut self.r);
        let mode = if dp.vpc_only {
            "VpcOnly"
        } else {
            "PublicInternetOnly"
        };
        out.single(&format!("{dir}/describe-domain-{d}.json"), &json!({
            "DomainArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{d}"), "DomainId": d, "DomainName": dp.name,
            "HomeEfsFileSystemId": fs, "Status": "InService", "CreationTime": created, "LastModifiedTime": modified,
            "AuthMode": "IAM", "DefaultUserSettings": dus,
            "DomainSettings": {"DockerSettings": {"EnableDockerAccess": "DISABLED"}},
            "AppNetworkAccessType": mode, "SubnetIds": subnet_ids,
            "Url": format!("https://{d}.studio.{REGION}.sagemaker.aws"), "VpcId": self.vpc_id,
            "AppSecurityGroupManagement": "Customer",
            "DefaultSpaceSettings": {"ExecutionRole": role, "SecurityGroups": [dp.app_sg], "JupyterLabAppSettings": spec("ml.t3.medium")},
            "TagPropagation": "DISABLED"
        }))?;
        out.push("sagemaker/list-domains.json", &json!({
            "DomainArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:domain/{d}"), "DomainId": d, "DomainName": dp.name,
            "Status": "InService", "CreationTime": created, "LastModifiedTime": modified,
            "Url": format!("https://{d}.studio.{REGION}.sagemaker.aws")
        }))?;
        counts.domains += 1;

        // Profiles and shared spaces: a list call and a describe per item.
        let mut listed = vec![];
        for (i, p) in dp.profiles.iter().enumerate() {
            let t = timestamp(&mut self.r);
            let mut us = json!({"ExecutionRole": role});
            if !p.groups.is_empty() {
                us["SecurityGroups"] = json!(p.groups);
            }
            if p.custom_image {
                us["JupyterLabAppSettings"] = json!({"CustomImages": [{"ImageName": format!("{}-image", p.name), "ImageVersionNumber": 1, "AppImageConfigName": "custom-lab"}]});
            }
            out.single(&format!("{dir}/describe-user-profile-{}.json", p.name), &json!({
                "DomainId": d, "UserProfileArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:user-profile/{d}/{}", p.name),
                "UserProfileName": p.name, "HomeEfsFileSystemUid": (200_001 + i).to_string(), "Status": "InService",
                "LastModifiedTime": t, "CreationTime": t, "UserSettings": us
            }))?;
            listed.push(json!({"DomainId": d, "UserProfileName": p.name, "Status": "InService", "CreationTime": t, "LastModifiedTime": t}));
        }
        counts.user_profiles += dp.profiles.len();
        out.single(
            &format!("{dir}/list-user-profiles.json"),
            &json!({ "UserProfiles": listed }),
        )?;
        let mut listed = vec![];
        for (i, (name, owner)) in dp.spaces.iter().enumerate() {
            let t = timestamp(&mut self.r);
            let app_type = if i % 2 == 0 {
                "JupyterLab"
            } else {
                "CodeEditor"
            };
            let settings = if app_type == "JupyterLab" {
                "JupyterLabAppSettings"
            } else {
                "CodeEditorAppSettings"
            };
            out.single(&format!("{dir}/describe-space-{name}.json"), &json!({
                "DomainId": d, "SpaceArn": format!("arn:aws:sagemaker:{REGION}:{ACCOUNT}:space/{d}/{name}"),
                "SpaceName": name, "HomeEfsFileSystemUid": (300_001 + i).to_string(), "Status": "InService",
                "LastModifiedTime": t, "CreationTime": t,
                "SpaceSettings": {settings: spec("ml.t3.medium"), "AppType": app_type,
                    "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 5}}},
                "OwnershipSettings": {"OwnerUserProfileName": owner},
                "SpaceSharingSettings": {"SharingType": "Shared"}, "SpaceDisplayName": name,
                "Url": format!("https://{}.studio.{REGION}.sagemaker.aws/jupyterlab/default", self.r.hex(16))
            }))?;
            listed.push(json!({
                "DomainId": d, "SpaceName": name, "Status": "InService", "CreationTime": t, "LastModifiedTime": t,
                "SpaceSettingsSummary": {"AppType": app_type, "SpaceStorageSettings": {"EbsStorageSettings": {"EbsVolumeSizeInGb": 5}}},
                "SpaceSharingSettingsSummary": {"SharingType": "Shared"},
                "OwnershipSettingsSummary": {"OwnerUserProfileName": owner}, "SpaceDisplayName": name
            }));
        }
        counts.shared_spaces += dp.spaces.len();
        out.single(
            &format!("{dir}/list-spaces.json"),
            &json!({ "Spaces": listed }),
        )?;

        // Two running apps in shared spaces, with their real ENIs: the
        // space groups plus SageMaker's outbound NFS group.
        let mut apps = vec![];
        for (name, _) in dp.spaces.iter().take(2) {
            let k = dp.subnets[self.r.below(dp.subnets.len() as u64) as usize];
            let groups = vec![dp.app_sg.clone(), dp.nfs_out.clone()];
            let desc = format!(
                "[DO NOT DELETE] ENI managed by SageMaker for Studio Domain({d}) - {}",
                self.r.hex(16)
            );
            self.eni(k, desc, &groups, "interface", None, None);
            let t = timestamp(&mut self.r);
            apps.push(json!({
                "DomainId": d, "SpaceName": name, "AppType": "JupyterLab", "AppName": "default", "Status": "InService",
                "CreationTime": t,
                "ResourceSpec": {"SageMakerImageArn": image("sagemaker-distribution-cpu"),
                    "SageMakerImageVersionArn": format!("{}/12", image("sagemaker-distribution-cpu")), "InstanceType": "ml.t3.medium"}
            }));
        }
        out.single(&format!("{dir}/list-apps.json"), &json!({ "Apps": apps }))
    }
}
