//! Issue 6: properties of the engine and the importer, checked on random
//! mutations of the bundled examples (proptest).
//!
//! - Monotonicity: adding an allow rule to a security group, an allow entry
//!   before every deny of a NACL, or a more specific route to the target
//!   that already carries those addresses never turns `reachable` into
//!   anything else; adding a NACL deny (or removing a group rule) never
//!   turns `blocked` into `reachable` or `partial`.
//! - Unknown propagation: deleting any resource never turns `blocked` or
//!   `unknown` into `reachable`.
//! - Determinism: the same input gives byte-identical JSON whatever the
//!   names, order and folders of its files.
//! - Round trip: import -> snapshot file -> load -> audit gives the same
//!   JSON as auditing the folder, for randomly damaged folders too.
//!
//! Cases are small and few (the suite stays well under a minute in a
//! debug build); raise them with PROPTEST_CASES.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::Config;
use serde_json::Value;

use sagescope::engine::{Settings, Verdict};
use sagescope::graph::Topology;
use sagescope::query::{self, Filters};
use sagescope::snapshot::*;

const EXAMPLES: [&str; 3] = [
    "healthy-vpc-only",
    "broken-vpc-only",
    "public-internet-only",
];

fn example_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn snapshots() -> &'static Vec<Snapshot> {
    static S: OnceLock<Vec<Snapshot>> = OnceLock::new();
    S.get_or_init(|| {
        EXAMPLES
            .iter()
            .map(|e| sagescope::import::load(&example_dir(e)).expect("example loads"))
            .collect()
    })
}

/// (query, domain, source kind, name, subnet, destination, n-th such).
type Key = (String, String, String, String, String, String, usize);

/// Every built-in query (opt-in ones too) from every source.
fn verdicts(s: &Snapshot) -> BTreeMap<Key, Verdict> {
    let queries = query::builtin_queries().unwrap();
    let filters = Filters {
        domain_ids: vec![],
        query_ids: queries.iter().map(|q| q.id.clone()).collect(),
    };
    let (topo, _) = Topology::build(s);
    let mut out = BTreeMap::new();
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

fn baseline() -> &'static Vec<BTreeMap<Key, Verdict>> {
    static B: OnceLock<Vec<BTreeMap<Key, Verdict>>> = OnceLock::new();
    B.get_or_init(|| snapshots().iter().map(verdicts).collect())
}

/// Every key of `before` whose verdict was in `from` must not have become
/// one of `to` (keys missing after the change are ignored).
fn never(
    before: &BTreeMap<Key, Verdict>,
    after: &BTreeMap<Key, Verdict>,
    from: &[Verdict],
    to: &[Verdict],
) -> Result<(), TestCaseError> {
    for (k, b) in before {
        if let Some(a) = after.get(k) {
            prop_assert!(
                !(from.contains(b) && to.contains(a)),
                "{k:?}: {b} became {a}"
            );
        }
    }
    Ok(())
}

// ------------------------------------------------------- generators ----

fn protocol() -> impl Strategy<Value = Protocol> {
    prop_oneof![
        Just(Protocol::TCP),
        Just(Protocol::UDP),
        Just(Protocol::All),
        Just(Protocol::ICMP),
        (0u8..=255).prop_map(Protocol::Number),
    ]
}

fn ports() -> impl Strategy<Value = PortRange> {
    prop_oneof![
        Just(PortRange::ALL),
        Just(PortRange::single(443)),
        Just(PortRange::single(2049)),
        Just(PortRange {
            from: 1024,
            to: 65535
        }),
        Just(PortRange {
            from: 8192,
            to: 65535
        }),
        (any::<u16>(), any::<u16>()).prop_map(|(a, b)| PortRange {
            from: a.min(b),
            to: a.max(b)
        }),
    ]
}

/// CIDRs around the examples' VPC (10.20.0.0/16) and beyond.
fn cidr() -> impl Strategy<Value = ipnet::Ipv4Net> {
    prop_oneof![
        Just("0.0.0.0/0".parse().unwrap()),
        Just("10.20.0.0/16".parse().unwrap()),
        (1u8..=3).prop_map(|s| format!("10.20.{s}.0/24").parse().unwrap()),
        (1u8..=3, 0u8..=255, 24u8..=32).prop_map(|(s, h, l)| {
            ipnet::Ipv4Net::new(std::net::Ipv4Addr::new(10, 20, s, h), l)
                .unwrap()
                .trunc()
        }),
        (any::<u32>(), 0u8..=32).prop_map(|(a, l)| {
            ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(a), l)
                .unwrap()
                .trunc()
        }),
    ]
}

#[derive(Debug, Clone)]
struct NewSgRule {
    group: Index,
    egress: bool,
    protocol: Protocol,
    ports: PortRange,
    cidrs: Vec<ipnet::Ipv4Net>,
    peer_group: Option<Index>,
    prefix_list: Option<Index>,
}

fn new_sg_rule() -> impl Strategy<Value = NewSgRule> {
    (
        any::<Index>(),
        any::<bool>(),
        protocol(),
        ports(),
        prop::collection::vec(cidr(), 0..3),
        prop::option::of(any::<Index>()),
        prop::option::of(any::<Index>()),
    )
        .prop_map(
            |(group, egress, protocol, ports, cidrs, peer_group, prefix_list)| NewSgRule {
                group,
                egress,
                protocol,
                ports,
                cidrs,
                peer_group,
                prefix_list,
            },
        )
}

fn sg_rule(s: &Snapshot, r: &NewSgRule) -> SgRule {
    let (from, to) = match r.protocol {
        Protocol::Number(6 | 17) => (Some(i32::from(r.ports.from)), Some(i32::from(r.ports.to))),
        _ => (None, None),
    };
    SgRule {
        protocol: r.protocol,
        from_port: from,
        to_port: to,
        ipv4: r.cidrs.clone(),
        ipv6: vec![],
        prefix_lists: r
            .prefix_list
            .filter(|_| !s.prefix_lists.is_empty())
            .map(|i| vec![i.get(&s.prefix_lists).id.clone()])
            .unwrap_or_default(),
        groups: r
            .peer_group
            .map(|i| {
                vec![GroupRef {
                    group_id: i.get(&s.security_groups).id.clone(),
                    user_id: None,
                    vpc_peering_connection_id: None,
                }]
            })
            .unwrap_or_default(),
    }
}

#[derive(Debug, Clone)]
struct NewNaclEntry {
    acl: Index,
    egress: bool,
    number: Index,
    protocol: Protocol,
    ports: PortRange,
    cidr: ipnet::Ipv4Net,
}

fn new_nacl_entry() -> impl Strategy<Value = NewNaclEntry> {
    (
        any::<Index>(),
        any::<bool>(),
        any::<Index>(),
        protocol(),
        ports(),
        cidr(),
    )
        .prop_map(
            |(acl, egress, number, protocol, ports, cidr)| NewNaclEntry {
                acl,
                egress,
                number,
                protocol,
                ports,
                cidr,
            },
        )
}

fn nacl_entry(e: &NewNaclEntry, rule_number: u32, action: RuleAction) -> NaclEntry {
    NaclEntry {
        rule_number,
        egress: e.egress,
        protocol: e.protocol,
        action,
        cidr: Some(e.cidr),
        ipv6_cidr: None,
        port_range: e.protocol.has_ports().then_some(e.ports),
        icmp_type_code: None,
    }
}

fn config(cases: u32) -> Config {
    Config {
        cases: std::env::var("PROPTEST_CASES")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(cases),
        // The generated input is printed on failure; regressions go to
        // tests/properties.proptest-regressions.
        ..Config::default()
    }
}

// ------------------------------------------------------- properties ----

proptest! {
    #![proptest_config(config(32))]

    /// Security groups are allow-only: one more rule can only allow more.
    #[test]
    fn adding_an_sg_allow_rule_keeps_reachable_reachable(
        ex in 0..EXAMPLES.len(),
        rule in new_sg_rule(),
    ) {
        let mut s = snapshots()[ex].clone();
        prop_assume!(!s.security_groups.is_empty());
        let new = sg_rule(&s, &rule);
        let g = rule.group.index(s.security_groups.len());
        if rule.egress {
            s.security_groups[g].egress.push(new);
        } else {
            s.security_groups[g].ingress.push(new);
        }
        never(&baseline()[ex], &verdicts(&s), &[Verdict::Reachable],
            &[Verdict::Blocked, Verdict::Partial, Verdict::Unknown, Verdict::NotApplicable])?;
    }

    /// An allow entry numbered before every deny of its direction only lets
    /// more through; a deny entry anywhere only lets less through.
    #[test]
    fn nacl_allow_before_denies_and_deny_anywhere(
        ex in 0..EXAMPLES.len(),
        entry in new_nacl_entry(),
        deny in any::<bool>(),
    ) {
        let mut s = snapshots()[ex].clone();
        prop_assume!(!s.network_acls.is_empty());
        let a = entry.acl.index(s.network_acls.len());
        let acl = &mut s.network_acls[a];
        let used: Vec<u32> = acl.entries.iter().filter(|x| x.egress == entry.egress)
            .map(|x| x.rule_number).collect();
        let first_deny = acl.entries.iter()
            .filter(|x| x.egress == entry.egress && x.action == RuleAction::Deny)
            .map(|x| x.rule_number).min().unwrap_or(32767);
        let limit = if deny { 32767 } else { first_deny };
        let free: Vec<u32> = (1..limit).filter(|n| !used.contains(n)).collect();
        prop_assume!(!free.is_empty());
        let number = *entry.number.get(&free);
        let action = if deny { RuleAction::Deny } else { RuleAction::Allow };
        acl.entries.push(nacl_entry(&entry, number, action));
        s.normalize();
        let after = verdicts(&s);
        if deny {
            never(&baseline()[ex], &after, &[Verdict::Blocked],
                &[Verdict::Reachable, Verdict::Partial])?;
        } else {
            never(&baseline()[ex], &after, &[Verdict::Reachable],
                &[Verdict::Blocked, Verdict::Partial, Verdict::Unknown, Verdict::NotApplicable])?;
        }
    }

    /// Removing a security-group rule (the "deny" of an allow-only model)
    /// never opens anything.
    #[test]
    fn removing_an_sg_rule_keeps_blocked_blocked(
        ex in 0..EXAMPLES.len(),
        group in any::<Index>(),
        egress in any::<bool>(),
        rule in any::<Index>(),
    ) {
        let mut s = snapshots()[ex].clone();
        prop_assume!(!s.security_groups.is_empty());
        let g = &mut s.security_groups[group.index(snapshots()[ex].security_groups.len())];
        let rules = if egress { &mut g.egress } else { &mut g.ingress };
        prop_assume!(!rules.is_empty());
        rules.remove(rule.index(rules.len()));
        never(&baseline()[ex], &verdicts(&s), &[Verdict::Blocked],
            &[Verdict::Reachable, Verdict::Partial])?;
    }

    /// A more specific route to the target that already carries those
    /// addresses changes nothing that works.
    #[test]
    fn a_more_specific_route_to_a_working_target_keeps_reachable_reachable(
        ex in 0..EXAMPLES.len(),
        table in any::<Index>(),
        route in any::<Index>(),
        extra_bits in 1u8..=16,
        host in any::<u32>(),
    ) {
        let mut s = snapshots()[ex].clone();
        prop_assume!(!s.route_tables.is_empty());
        let t = table.index(s.route_tables.len());
        let candidates: Vec<Route> = s.route_tables[t].routes.iter()
            .filter(|r| r.active && matches!(r.destination, RouteDestination::Ipv4(n) if n.prefix_len() < 32))
            .cloned().collect();
        prop_assume!(!candidates.is_empty());
        let base = route.get(&candidates).clone();
        let RouteDestination::Ipv4(net) = base.destination else { unreachable!() };
        let len = (net.prefix_len() + extra_bits).min(32);
        let inside = u32::from(net.network()) | (host & !u32::from(net.netmask()));
        let sub = ipnet::Ipv4Net::new(std::net::Ipv4Addr::from(inside), len).unwrap().trunc();
        prop_assume!(!s.route_tables[t].routes.iter().any(|r| r.destination == RouteDestination::Ipv4(sub)));
s.route_tables[t].routes.push(Route {
            destination: RouteDestination::Ipv4(sub),
            ..base
        });
        // Unknown is allowed: when a symbolic address (the one a new app
        // ENI will get in its subnet) straddles the two routes, the engine
        // does not prove that both lead to the same target.
        never(&baseline()[ex], &verdicts(&s), &[Verdict::Reachable],
            &[Verdict::Blocked, Verdict::Partial, Verdict::NotApplicable])?;
    }

    /// Missing data never proves a path.
    #[test]
    fn deleting_a_resource_never_makes_blocked_or_unknown_reachable(
        ex in 0..EXAMPLES.len(),
        kind in 0usize..19,
        which in any::<Index>(),
    ) {
        let mut s = snapshots()[ex].clone();
        fn drop_one<T>(v: &mut Vec<T>, i: Index) -> bool {
            if v.is_empty() {
                return false;
            }
            v.remove(i.index(v.len()));
            true
        }
        let removed = match kind {
            0 => drop_one(&mut s.vpcs, which),
            1 => drop_one(&mut s.subnets, which),
            2 => drop_one(&mut s.route_tables, which),
            3 => drop_one(&mut s.network_acls, which),
            4 => drop_one(&mut s.security_groups, which),
            5 => drop_one(&mut s.prefix_lists, which),
            6 => drop_one(&mut s.vpc_endpoints, which),
            7 => drop_one(&mut s.nat_gateways, which),
            8 => drop_one(&mut s.internet_gateways, which),
            9 => drop_one(&mut s.network_interfaces, which),
            10 => drop_one(&mut s.efs_mount_targets, which),
            11 => drop_one(&mut s.efs_file_systems, which),
            12 => drop_one(&mut s.dhcp_options, which),
            13 => drop_one(&mut s.user_profiles, which),
            14 => drop_one(&mut s.spaces, which),
            15 => drop_one(&mut s.apps, which),
            16 => drop_one(&mut s.egress_only_internet_gateways, which),
            17 => drop_one(&mut s.instances, which),
            _ => drop_one(&mut s.addresses, which),
        };
        prop_assume!(removed);
        never(&baseline()[ex], &verdicts(&s), &[Verdict::Blocked, Verdict::Unknown],
            &[Verdict::Reachable])?;
    }
}

// ------------------------------------------- raw input: files on disk ----

/// The example's JSON files: (relative path, parsed value).
fn raw_files(name: &str) -> Vec<(String, Value)> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<(String, Value)>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for p in entries {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            let r = if rel.is_empty() {
                name.clone()
            } else {
                format!("{rel}/{name}")
            };
            if p.is_dir() {
                walk(&p, &r, out);
            } else if name.ends_with(".json") {
                out.push((
                    r,
                    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap(),
                ));
            }
        }
    }
    let mut out = Vec::new();
    walk(&example_dir(name), "", &mut out);
    out
}

/// `audit PATH --format json` in-process; (exit outcome, stdout).
fn audit_json(path: &Path) -> (String, Vec<u8>) {
    let inv = sagescope::cli::try_parse_from([
        "sagescope",
        "audit",
        path.to_str().unwrap(),
        "--format",
        "json",
    ])
    .unwrap();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let mut io = sagescope::app::Streams {
        stdout: &mut out,
        stderr: &mut err,
        stdout_is_tty: false,
        width: None,
        no_color: true,
    };
    let r = sagescope::app::run_with(&inv, &mut io);
    (format!("{:?}", r.map_err(|e| format!("{e:#}"))), out)
}

/// A random damage to one JSON value: delete a list item, duplicate one,
/// or replace a string leaf.
#[derive(Debug, Clone)]
enum Damage {
    Delete(Index, Index),
    Duplicate(Index, Index),
    Replace(Index, Index, &'static str),
}

fn damage() -> impl Strategy<Value = Damage> {
    let word = prop::sample::select(vec![
        "",
        "0.0.0.0/0",
        "10.20.1.0/24",
        "10.20.0.0/33",
        "sg-0a23c6dd50d1ef1f6",
        "subnet-x",
        "available",
        "blackhole",
        "VpcOnly",
        "-1",
        "tcp",
        "banana",
        "deny",
    ]);
    prop_oneof![
        (any::<Index>(), any::<Index>()).prop_map(|(f, i)| Damage::Delete(f, i)),
        (any::<Index>(), any::<Index>()).prop_map(|(f, i)| Damage::Duplicate(f, i)),
        (any::<Index>(), any::<Index>(), word).prop_map(|(f, i, w)| Damage::Replace(f, i, w)),
    ]
}

/// JSON pointers of every list item (for Delete/Duplicate) or string leaf.
fn pointers(v: &Value, at: &str, lists: bool, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                let p = format!("{at}/{i}");
                if lists {
                    out.push(p.clone());
                }
                pointers(x, &p, lists, out);
            }
        }
        Value::Object(m) => {
            for (k, x) in m {
                pointers(
                    x,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    lists,
                    out,
                );
            }
        }
        Value::String(_) if !lists => out.push(at.to_string()),
        _ => {}
    }
}

fn apply(files: &mut [(String, Value)], d: &Damage) {
    let (f, i, lists) = match d {
        Damage::Delete(f, i) | Damage::Duplicate(f, i) => (f, i, true),
        Damage::Replace(f, i, _) => (f, i, false),
    };
    let file = &mut files[f.index(files.len())].1;
    let mut ps = Vec::new();
    pointers(file, "", lists, &mut ps);
    if ps.is_empty() {
        return;
    }
    let p = i.get(&ps).clone();
    let (parent, last) = p.rsplit_once('/').unwrap();
    match (d, file.pointer_mut(parent)) {
        (Damage::Delete(..), Some(Value::Array(a))) => {
            a.remove(last.parse::<usize>().unwrap());
        }
        (Damage::Duplicate(..), Some(Value::Array(a))) => {
            let x = a[last.parse::<usize>().unwrap()].clone();
            a.push(x);
        }
        (Damage::Replace(_, _, w), _) => {
            if let Some(x) = file.pointer_mut(&p) {
                *x = Value::String(w.to_string());
            }
        }
        _ => {}
    }
}

/// Write the files under `root`, each renamed by `rename`.
fn write(root: &Path, files: &[(String, Value)], rename: impl Fn(usize, &str) -> String) {
    for (i, (rel, v)) in files.iter().enumerate() {
        let path = root.join(rename(i, rel));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, serde_json::to_vec_pretty(v).unwrap()).unwrap();
    }
}

/// A new name that keeps what the importer reads from names (the pl-/fsmt-
/// id of the two responses that carry no id of their own) and nothing
/// else of the old one.
fn shuffled_name(seed: u64, i: usize, rel: &str) -> String {
    let keep = ["pl-", "fsmt-"]
        .iter()
        .find_map(|p| {
            let stem = rel.rsplit('/').next().unwrap();
            stem.find(p)
                .map(|at| stem[at..].trim_end_matches(".json").to_string())
        })
        .unwrap_or_default();
    let h = (seed ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)).rotate_left(17);
    let depth = (h % 3) as usize;
    let mut path = String::new();
    for d in 0..depth {
        path.push_str(&format!("d{:x}/", (h >> (8 * d)) & 0xf));
    }
    format!(
        "{path}f{:016x}-{keep}.json",
        h.wrapping_mul(0x2545_f491_4f6c_dd1d)
    )
}

proptest! {
    #![proptest_config(config(10))]

    /// Byte-identical JSON whatever the file names, folders and order.
    #[test]
    fn output_does_not_depend_on_file_names_or_order(
        ex in 0..EXAMPLES.len(),
        seed in any::<u64>(),
        damages in prop::collection::vec(damage(), 0..3),
    ) {
        let mut files = raw_files(EXAMPLES[ex]);
        for d in &damages {
            apply(&mut files, d);
        }
        let a = tempfile::tempdir().unwrap();
        let b = tempfile::tempdir().unwrap();
        write(a.path(), &files, |_, rel| rel.to_string());
        write(b.path(), &files, |i, rel| shuffled_name(seed, i, rel));
        let (ra, oa) = audit_json(a.path());
        let (rb, ob) = audit_json(b.path());
        // Diagnostics name the files they are about: compare the rest.
        let strip = |o: &[u8]| -> Value {
            let mut v: Value = match serde_json::from_slice(o) {
                Ok(v) => v,
                Err(_) => return Value::Null,
            };
            for key in ["warnings", "notes"] {
                if let Some(list) = v.get_mut(key).and_then(Value::as_array_mut) {
                    for d in list.iter_mut() {
                        if let Some(m) = d.as_object_mut() {
                            m.remove("file");
                            m.remove("message");
                        }
                    }
                }
            }
            v
        };
        prop_assert_eq!(ra.starts_with("Ok"), rb.starts_with("Ok"), "{} vs {}", ra, rb);
        if damages.is_empty() {
            prop_assert!(oa == ob, "the same files under other names give other bytes");
        } else {
            prop_assert_eq!(strip(&oa), strip(&ob));
        }
    }

    /// import -> snapshot file -> audit is the audit of the folder, for
    /// damaged folders too.
    #[test]
    fn import_round_trip_audits_the_same(
        ex in 0..EXAMPLES.len(),
        damages in prop::collection::vec(damage(), 1..4),
    ) {
        let mut files = raw_files(EXAMPLES[ex]);
        for d in &damages {
            apply(&mut files, d);
        }
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("input");
        write(&input, &files, |_, rel| rel.to_string());
        let snapshot = match sagescope::import::load(&input) {
            Ok(s) => s,
            // Damage may make the input invalid: that is an error, not a
            // snapshot, and there is nothing to round-trip.
            Err(_) => return Ok(()),
        };
        let file = dir.path().join("snapshot.json");
        let mut w = Vec::new();
        sagescope::import::write_snapshot(&snapshot, &mut w).unwrap();
        std::fs::write(&file, w).unwrap();
        prop_assert_eq!(&sagescope::import::load(&file).unwrap(), &snapshot);
        let (ra, oa) = audit_json(&input);
        let (rb, ob) = audit_json(&file);
        prop_assert_eq!(ra, rb);
        prop_assert!(oa == ob, "auditing the snapshot differs from auditing the folder");
    }
}

/// Issue 6: DHCP options that the VPC names but the snapshot lacks could
/// hold custom name servers (which make private-DNS resolution unknown):
/// deleting them must not prove resolution.
#[test]
fn issue_6_missing_dhcp_options_do_not_prove_private_dns() {
    let mut custom = snapshots()[0].clone();
    for d in &mut custom.dhcp_options {
        d.domain_name_servers = vec!["10.20.0.53".into()];
    }
    let before = verdicts(&custom);
    assert!(
        before.values().any(|v| *v == Verdict::Unknown),
        "custom name servers make private DNS unknown"
    );
    let mut missing = custom.clone();
    missing.dhcp_options.clear();
    assert!(missing.vpcs.iter().any(|v| v.dhcp_options_id.is_some()));
    never(
        &before,
        &verdicts(&missing),
        &[Verdict::Blocked, Verdict::Unknown],
        &[Verdict::Reachable],
    )
    .unwrap();
}

/// A more specific route to `local` that holds no subnet (10.20.0.0/25
/// next to 10.20.0.0/16 in the healthy example) changes no verdict.
#[test]
fn a_more_specific_local_route_changes_nothing() {
    let mut s = snapshots()[0].clone();
    let rt = s
        .route_tables
        .iter_mut()
        .find(|r| r.id == "rtb-09c37a0ed34b840fd")
        .unwrap();
    let mut local = rt.routes[0].clone();
    local.destination = RouteDestination::Ipv4("10.20.0.0/25".parse().unwrap());
    rt.routes.push(local);
    let queries = query::builtin_queries().unwrap();
    let (topo, _) = Topology::build(&s);
    for r in query::run_queries(
        &s,
        &topo,
        &queries,
        &Settings::default(),
        &Filters::default(),
    ) {
        assert!(
            matches!(r.verdict, Verdict::Reachable | Verdict::NotApplicable),
            "{}",
            serde_json::to_string_pretty(&r).unwrap()
        );
    }
}
