//! The bundled examples do what their READMEs say: the "Expected verdicts"
//! tables (encoded in `tests/fixtures/examples/<name>/expect.toml`, format:
//! `tests/support/mod.rs`), the "Sources" tables, and the exit codes.

mod support;

use std::collections::BTreeSet;

use support::{audit_json, check_folder, load_expect, manifest, sagescope, Which};

const EXAMPLES: [&str; 3] = [
    "healthy-vpc-only",
    "broken-vpc-only",
    "public-internet-only",
];

#[test]
fn every_example_has_an_expectation_file() {
    let on_disk: BTreeSet<String> = support::folders(&manifest("examples"))
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let encoded: BTreeSet<String> = EXAMPLES.iter().map(|s| s.to_string()).collect();
    assert_eq!(on_disk, encoded, "encode the new example's README table");
}

#[test]
fn examples_meet_the_verdict_tables_of_their_readmes() {
    let mut failures = Vec::new();
    for name in EXAMPLES {
        let file = load_expect(&manifest(&format!(
            "tests/fixtures/examples/{name}/expect.toml"
        )));
        assert!(!file.expect.is_empty(), "{name}: no expectations");
        failures.extend(check_folder(
            &manifest(&format!("examples/{name}")),
            &file,
            Which::Agreed,
        ));
    }
    assert!(
        failures.is_empty(),
        "{} expectation(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn exit_codes_follow_the_verdicts() {
    for (name, code) in [
        ("healthy-vpc-only", 0),
        ("broken-vpc-only", 1),
        ("public-internet-only", 0),
    ] {
        let dir = manifest(&format!("examples/{name}"));
        let table = sagescope(&["audit", dir.to_str().unwrap()]);
        assert_eq!(table.code, code, "{name} (table): {}", table.stderr);
        let (json_code, _) = audit_json(&dir, &[]);
        assert_eq!(json_code, code, "{name} (json)");
    }
    // The opt-in query is blocked in the healthy example: asking for it is a
    // finding.
    let healthy = manifest("examples/healthy-vpc-only");
    let (c, _) = audit_json(&healthy, &["--query", "servicecatalog"]);
    assert_eq!(c, 1);
}

fn summary(name: &str) -> serde_json::Value {
    let (_, doc) = audit_json(&manifest(&format!("examples/{name}")), &[]);
    doc["summary"].clone()
}

#[test]
fn summaries_match_the_readme_claims() {
    // healthy: "Among the default queries, no verdict is partial, blocked or unknown."
    let s = summary("healthy-vpc-only");
    for k in ["partial", "blocked", "unknown"] {
        assert_eq!(s[k], 0, "healthy {k}: {s}");
    }
    // broken: "No verdict is unknown: every datum the verdicts depend on is captured."
    let s = summary("broken-vpc-only");
    assert_eq!(s["unknown"], 0, "broken: {s}");
    // public-internet-only: efs-nfs is the only query that applies.
    let s = summary("public-internet-only");
    assert_eq!(s["reachable"], 7, "{s}");
    assert_eq!(
        s["total"],
        s["reachable"].as_u64().unwrap() + s["not-applicable"].as_u64().unwrap(),
        "{s}"
    );
}

/// `kind name @ subnet: groups` of every source, as the README "Sources"
/// tables list them.
fn sources(name: &str) -> BTreeSet<String> {
    let (_, doc) = audit_json(&manifest(&format!("examples/{name}")), &[]);
    doc["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = &r["source"];
            let groups: Vec<&str> = s["security_group_ids"]
                .as_array()
                .unwrap()
                .iter()
                .map(|g| g.as_str().unwrap())
                .collect();
            format!(
                "{} {} @ {}: {}",
                s["kind"].as_str().unwrap(),
                s["name"].as_str().unwrap(),
                s["subnet_id"].as_str().unwrap(),
                groups.join(" ")
            )
        })
        .collect()
}

fn expand(rows: &[(&str, &[&str], &[&str])]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (who, subnets, groups) in rows {
        let mut g = groups.to_vec();
        g.sort();
        for s in *subnets {
            out.insert(format!("{who} @ {s}: {}", g.join(" ")));
        }
    }
    out
}

#[test]
fn sources_match_the_readme_tables() {
    // healthy-vpc-only
    let (a, b, c) = (
        "subnet-0966e35736def668a",
        "subnet-070eb9fae3ad969c9",
        "subnet-029086f39b0237461",
    );
    let (app, alice, nfs) = (
        "sg-0a23c6dd50d1ef1f6",
        "sg-07e9eba41f7d80465",
        "sg-0dd6fba35e900bf49",
    );
    let abc: &[&str] = &[a, b, c];
    assert_eq!(
        sources("healthy-vpc-only"),
        expand(&[
            ("default-user-settings default", abc, &[app, nfs]),
            ("user-profile alice", abc, &[app, alice, nfs]),
            ("user-profile bob", abc, &[app, nfs]),
            ("shared-space team-code", abc, &[app, nfs]),
            ("app-eni eni-0202c1e0a79482c13", &[a], &[app, alice, nfs]),
            ("app-eni eni-00ac158e485a19298", &[c], &[app, nfs]),
        ])
    );

    // broken-vpc-only
    let (a, b, c) = (
        "subnet-048407747a49aad98",
        "subnet-02d7579b6ede822c9",
        "subnet-09c7fc614e9c2d104",
    );
    let (app, alice, nfs) = (
        "sg-01d68063591339a7e",
        "sg-05c5ddb1e382c5e81",
        "sg-00efc3b6edd624050",
    );
    let abc: &[&str] = &[a, b, c];
    assert_eq!(
        sources("broken-vpc-only"),
        expand(&[
            ("default-user-settings default", abc, &[app, nfs]),
            ("user-profile alice", abc, &[app, alice, nfs]),
            ("user-profile bob", abc, &[app, nfs]),
            ("shared-space team-code", abc, &[app, nfs]),
            ("app-eni eni-06ff09ec0cfad6fd3", &[a], &[app, nfs]),
            ("app-eni eni-0d81ac43506a38cec", &[c], &[app, alice, nfs]),
        ])
    );

    // public-internet-only
    let ab: &[&str] = &["subnet-0538514e49c54ea2b", "subnet-0d16d797da8c146a0"];
    let nfs = "sg-0bfe67d8ed19c2725";
    assert_eq!(
        sources("public-internet-only"),
        expand(&[
            ("default-user-settings default", ab, &[nfs]),
            ("user-profile carol", ab, &[nfs]),
            ("default-space-settings default", ab, &[nfs]),
            (
                "app-eni eni-0f8cdfc40feccfc03",
                &["subnet-0d16d797da8c146a0"],
                &[nfs]
            ),
        ])
    );
}

/// `resource` of each hop of a trace's `path` or `return_path`.
fn hops(doc: &serde_json::Value, key: &str) -> Vec<String> {
    doc[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["resource"].as_str().unwrap().to_string())
        .collect()
}

/// examples/broken-vpc-only/README.md, "The two traces".
#[test]
fn the_two_traces_of_the_broken_readme() {
    let dir = manifest("examples/broken-vpc-only");
    let trace = |from: &str| {
        let r = sagescope(&[
            "trace",
            dir.to_str().unwrap(),
            "--from",
            from,
            "--to",
            "10.20.3.11",
            "--protocol",
            "tcp",
            "--port",
            "443",
            "--format",
            "json",
        ]);
        let doc: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        (r.code, doc)
    };

    // Same subnet (c): no NACL; studio-app egress allows; the API endpoint's
    // group does not admit 10.20.3.57.
    let (code, doc) = trace("eni-0d81ac43506a38cec");
    assert_eq!(code, 1);
    assert_eq!(doc["verdict"], "blocked");
    let path = hops(&doc, "path");
    assert!(!path.iter().any(|h| h.starts_with("acl-")), "{path:?}");
    assert_eq!(doc["path"][1]["resource"], "sg-01d68063591339a7e");
    assert_eq!(doc["path"][1]["decision"], "allow");
    let blocked: Vec<(String, String)> = doc["blocked_at"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["resource"].as_str().unwrap().to_string(),
                b["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        blocked,
        [(
            "sg-0795f7bcfc5cf96f6".to_string(),
            "ENI_SG_RULES_MISMATCH".to_string()
        )]
    );

    // From subnet a: the request hops the README lists (it puts subnet a's
    // outbound NACL before the route lookup; the engine looks the route up
    // first: the order of those two is presentation, the rest is not).
    let (code, doc) = trace("eni-06ff09ec0cfad6fd3");
    assert_eq!(code, 0);
    assert_eq!(doc["verdict"], "reachable");
    let path = hops(&doc, "path");
    let mut sorted = path.clone();
    sorted.sort();
    assert_eq!(
        sorted,
        [
            "acl-00ffa75214413fc00",
            "acl-066aba27990b40399",
            "eni-06ff09ec0cfad6fd3",
            "rtb-0a9fc5b0e5b4bd0e4",
            "sg-01d68063591339a7e",
            "sg-0795f7bcfc5cf96f6",
            "vpce-00f5c42a7879f0f0c",
        ],
        "{path:?}"
    );
    let at = |id: &str| path.iter().position(|h| h == id).unwrap();
    assert_eq!(at("eni-06ff09ec0cfad6fd3"), 0, "{path:?}");
    assert_eq!(at("sg-01d68063591339a7e"), 1, "{path:?}");
    assert!(at("acl-066aba27990b40399") < at("acl-00ffa75214413fc00"));
    assert!(at("rtb-0a9fc5b0e5b4bd0e4") < at("acl-00ffa75214413fc00"));
    assert_eq!(
        &path[4..],
        [
            "acl-00ffa75214413fc00",
            "sg-0795f7bcfc5cf96f6",
            "vpce-00f5c42a7879f0f0c"
        ]
    );
    assert_eq!(
        hops(&doc, "return_path"),
        ["acl-00ffa75214413fc00", "acl-066aba27990b40399"]
    );
}
