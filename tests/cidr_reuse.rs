//! Addresses belong to a VPC (issue 13): two VPCs with the same CIDR in one
//! snapshot never see each other. Every team's VPC is often 10.0.0.0/16, and
//! region-wide or multi-account input holds many of them; a VPC's `local`
//! route delivers only inside that VPC, and a private address means the
//! ENI that holds it in that VPC (AWS: "the local route ... for
//! communication within the VPC",
//! <https://docs.aws.amazon.com/vpc/latest/userguide/RouteTables.html>).
//!
//! Property: a domain's results are the same, to the byte, whether it is
//! audited alone or merged with copies of its own network (same CIDRs,
//! same private addresses, other ids), whatever the copies hold: their own
//! domain or none, fewer security-group rules, no endpoints, other routes.
//! Before the fix, the merged healthy example turned 72 results blocked.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;

use sagescope::engine::Settings;
use sagescope::graph::Topology;
use sagescope::query::{self, Filters};
use sagescope::snapshot::Snapshot;

const EXAMPLES: [&str; 3] = [
    "healthy-vpc-only",
    "broken-vpc-only",
    "public-internet-only",
];

fn example(i: usize) -> &'static Snapshot {
    static S: OnceLock<Vec<Snapshot>> = OnceLock::new();
    &S.get_or_init(|| {
        EXAMPLES
            .iter()
            .map(|e| {
                let dir: PathBuf = Path::new(env!("CARGO_MANIFEST_DIR"))
                    .join("examples")
                    .join(e);
                sagescope::import::load(&dir).expect("example loads")
            })
            .collect()
    })[i]
}

/// Id prefixes of the resources a copy renames (every AWS id the examples
/// hold except managed prefix lists, which AWS shares across VPCs).
const PREFIXES: &[&str] = &[
    "vpc", "subnet", "sg", "rtb", "acl", "eni", "i", "igw", "nat", "vpce", "fs", "fsmt",
    "eipalloc", "eipassoc", "dopt", "rtbassoc", "aclassoc", "d", "attach", "eigw",
];

/// `s` with the hex part of every AWS id in it starting with `tag` instead
/// (ids inside longer strings too: ARNs, `security-group-for-outbound-nfs-d-…`).
fn rename(s: &str, tag: &str) -> String {
    // Alternating runs of alphanumerics and of other characters.
    let mut runs: Vec<String> = Vec::new();
    for c in s.chars() {
        let word = c.is_ascii_alphanumeric();
        match runs.last_mut() {
            Some(r) if r.chars().next().unwrap().is_ascii_alphanumeric() == word => r.push(c),
            _ => runs.push(c.to_string()),
        }
    }
    for i in 2..runs.len() {
        let rest = &runs[i];
        let is_id = PREFIXES.contains(&runs[i - 2].as_str())
            && runs[i - 1] == "-"
            && rest.len() >= 8
            && rest.len() > tag.len()
            && rest.chars().all(|c| c.is_ascii_alphanumeric())
            && rest.chars().any(|c| c.is_ascii_digit());
        if is_id {
            runs[i] = format!("{tag}{}", &rest[tag.len()..]);
        }
    }
    runs.concat()
}

fn rename_value(v: &mut Value, tag: &str) {
    match v {
        Value::String(s) => *s = rename(s, tag),
        Value::Array(a) => a.iter_mut().for_each(|x| rename_value(x, tag)),
        Value::Object(o) => o.values_mut().for_each(|x| rename_value(x, tag)),
        _ => {}
    }
}

/// How one copy of the network differs from the original.
#[derive(Debug, Clone)]
struct Copy {
    keep_domain: bool,
    drop_endpoints: bool,
    drop_ingress_rules: bool,
    drop_routes: bool,
}

fn copy_strategy() -> impl Strategy<Value = Copy> {
    (any::<bool>(), any::<bool>(), any::<bool>(), any::<bool>()).prop_map(|(a, b, c, d)| Copy {
        keep_domain: a,
        drop_endpoints: b,
        drop_ingress_rules: c,
        drop_routes: d,
    })
}

/// The original snapshot with `copies` merged in, each under its own ids.
fn merged(base: &Snapshot, copies: &[Copy]) -> Snapshot {
    let mut all = serde_json::to_value(base).unwrap();
    for (n, c) in copies.iter().enumerate() {
        let mut v = serde_json::to_value(base).unwrap();
        rename_value(&mut v, &format!("ff{n}"));
        let o = v.as_object_mut().unwrap();
        let mut clear = |k: &str| {
            if let Some(Value::Array(a)) = o.get_mut(k) {
                a.clear();
            }
        };
        if !c.keep_domain {
            for k in ["domains", "user_profiles", "spaces", "apps"] {
                clear(k);
            }
        }
        if c.drop_endpoints {
            clear("vpc_endpoints");
        }
        // Shared by AWS, not per VPC: the original's copy is enough.
        clear("prefix_lists");
        clear("diagnostics");
        if c.drop_ingress_rules {
            for sg in o["security_groups"].as_array_mut().unwrap() {
                if let Some(Value::Array(r)) = sg.get_mut("ingress") {
                    r.clear();
                }
            }
        }
        if c.drop_routes {
            for rt in o["route_tables"].as_array_mut().unwrap() {
                if let Some(Value::Array(r)) = rt.get_mut("routes") {
                    r.retain(|x| x["target"]["kind"] == "local");
                }
            }
        }
        let dst = all.as_object_mut().unwrap();
        for (k, val) in o.iter() {
            if let (Some(Value::Array(into)), Value::Array(from)) = (dst.get_mut(k), val) {
                into.extend(from.iter().cloned());
            }
        }
    }
    let mut s: Snapshot = serde_json::from_value(all).unwrap();
    s.normalize();
    s
}

/// Every result of the domains of `domains`, as JSON, by a stable key.
fn results(s: &Snapshot, domains: &[String]) -> BTreeMap<String, String> {
    let queries = query::builtin_queries().unwrap();
    let filters = Filters {
        domain_ids: domains.to_vec(),
        query_ids: queries.iter().map(|q| q.id.clone()).collect(),
    };
    let (topo, _) = Topology::build(s);
    let mut out = BTreeMap::new();
    for r in query::run_queries(s, &topo, &queries, &Settings::default(), &filters) {
        let json = serde_json::to_string_pretty(&r).unwrap();
        let mut key = format!(
            "{} {} {} {} {} {}",
            r.query, r.domain, r.source.kind, r.source.name, r.source.subnet_id, r.destination
        );
        while out.contains_key(&key) {
            key.push('+');
        }
        out.insert(key, json);
    }
    out
}

fn domain_ids(s: &Snapshot) -> Vec<String> {
    s.domains.iter().map(|d| d.id.clone()).collect()
}

fn assert_same(alone: &BTreeMap<String, String>, merged: &BTreeMap<String, String>) {
    assert_eq!(alone.len(), merged.len(), "number of results");
    let differing: Vec<&String> = alone
        .iter()
        .filter(|(k, v)| merged.get(*k) != Some(v))
        .map(|(k, _)| k)
        .collect();
    assert!(
        differing.is_empty(),
        "{} of {} results differ once VPCs that reuse the CIDRs are added, e.g. {}:\nalone:  {}\nmerged: {}",
        differing.len(),
        alone.len(),
        differing[0],
        alone[differing[0]],
        merged.get(differing[0]).map_or("(missing)", String::as_str)
    );
}

/// The case the issue names: the healthy domain with one copy of its
/// network that holds its own domain.
#[test]
fn issue_13_a_vpc_reusing_the_cidr_changes_nothing() {
    let base = example(0);
    let ids = domain_ids(base);
    let copy = Copy {
        keep_domain: true,
        drop_endpoints: false,
        drop_ingress_rules: false,
        drop_routes: false,
    };
    let m = merged(base, &[copy]);
    assert_eq!(m.vpcs.len(), 2);
    assert_eq!(m.vpcs[0].cidr_blocks, m.vpcs[1].cidr_blocks);
    assert_eq!(m.domains.len(), 2);
    assert_same(&results(base, &ids), &results(&m, &ids));
    // The copy's own domain is as healthy as the original: same verdicts.
    let other: Vec<String> = domain_ids(&m)
        .into_iter()
        .filter(|d| !ids.contains(d))
        .collect();
    assert_eq!(other.len(), 1, "{other:?} {ids:?}");
    let verdicts = |r: &BTreeMap<String, String>| {
        let mut v: Vec<String> = r
            .values()
            .map(|j| serde_json::from_str::<Value>(j).unwrap()["verdict"].to_string())
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        verdicts(&results(base, &ids)),
        verdicts(&results(&m, &other))
    );
}

#[test]
fn renaming_keeps_what_is_not_an_id() {
    assert_eq!(
        rename("vpc-0a1b2c3d4e5f60718", "ff0"),
        "vpc-ff0b2c3d4e5f60718"
    );
    assert_eq!(
        rename("arn:aws:sagemaker:eu-west-1:1:domain/d-b3x8n5wq2jrz", "ff0"),
        "arn:aws:sagemaker:eu-west-1:1:domain/d-ff08n5wq2jrz"
    );
    assert_eq!(rename("vpc-endpoint", "ff0"), "vpc-endpoint");
    assert_eq!(rename("pl-6da54004", "ff0"), "pl-6da54004");
    assert_eq!(rename("10.20.3.11", "ff0"), "10.20.3.11");
    assert_eq!(
        rename("security-group-for-outbound-nfs-d-b3x8n5wq2jrz", "ff0"),
        "security-group-for-outbound-nfs-d-ff08n5wq2jrz"
    );
}

proptest! {
    #![proptest_config(Config {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(12),
        failure_persistence: None,
        ..Config::default()
    })]

    #[test]
    fn a_domain_is_audited_alike_whatever_else_reuses_its_cidrs(
        which in 0..EXAMPLES.len(),
        copies in prop::collection::vec(copy_strategy(), 1..=3),
    ) {
        let base = example(which);
        let ids = domain_ids(base);
        let m = merged(base, &copies);
        assert_same(&results(base, &ids), &results(&m, &ids));
    }
}
