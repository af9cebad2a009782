//! `explain` as users meet it: golden text of the three examples, Markdown
//! and JSON of the broken one, exit codes (0 nothing missing, 1 something
//! required missing or unknown, 2 errors), and the NFS-pair fixtures
//! (`tests/fixtures/explain/make.py`).

mod support;

use support::{manifest, sagescope};

fn path(rel: &str) -> String {
    manifest(rel).to_str().unwrap().to_string()
}

const EXAMPLES: [(&str, i32); 3] = [
    ("healthy-vpc-only", 0),
    ("broken-vpc-only", 1),
    ("public-internet-only", 0),
];

#[test]
fn golden_text() {
    for (name, code) in EXAMPLES {
        let r = sagescope(&["explain", &path(&format!("examples/{name}"))]);
        assert_eq!(r.code, code, "{name}: {}", r.stderr);
        assert_eq!(r.stderr, "", "{name}");
        insta::assert_snapshot!(format!("explain_text__{name}"), r.stdout);
    }
}

#[test]
fn golden_markdown_and_json() {
    let broken = path("examples/broken-vpc-only");
    let r = sagescope(&["explain", &broken, "--format", "markdown"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    insta::assert_snapshot!("explain_markdown__broken-vpc-only", r.stdout);
    let r = sagescope(&["explain", &broken, "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["counts"]["error"], 4);
    insta::assert_snapshot!("explain_json__broken-vpc-only", r.stdout);
}

#[test]
fn an_emptied_or_deleted_nfs_pair_exits_1() {
    let r = sagescope(&[
        "explain",
        &path("tests/fixtures/explain/nfs-pair-emptied.json"),
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout
            .contains("no ingress rules (emptied) [nfs-inbound-rule-missing]"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("no egress rules (emptied) [nfs-outbound-rule-missing]"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("2 errors, 0 unknown"), "{}", r.stdout);

    let r = sagescope(&[
        "explain",
        &path("tests/fixtures/explain/nfs-pair-deleted.json"),
        "--format",
        "json",
    ]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let codes: Vec<&str> = v["domains"][0]["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter(|i| i["status"] == "error")
        .filter_map(|i| i["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["nfs-inbound-group-missing", "nfs-outbound-group-missing"]
    );
    // The references the deletion left behind are warnings, with -v or not.
    let r = sagescope(&[
        "explain",
        &path("tests/fixtures/explain/nfs-pair-deleted.json"),
    ]);
    assert!(
        r.stderr.contains("warning[dangling-reference]"),
        "{}",
        r.stderr
    );
}

#[test]
fn errors_exit_2() {
    let healthy = path("examples/healthy-vpc-only");
    let r = sagescope(&["explain", &healthy, "--domain-id", "d-nope"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--domain-id d-nope: no such domain"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("d-h7k2m9qpx4ta"), "{}", r.stderr);
    let r = sagescope(&["explain", &healthy, "--format", "yaml"]);
    assert_eq!(r.code, 2);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("vpcs.json"),
        r#"{"Vpcs": [{"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/16"}]}"#,
    )
    .unwrap();
    let r = sagescope(&["explain", dir.path().to_str().unwrap()]);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(
        r.stderr.contains("holds no SageMaker domain"),
        "{}",
        r.stderr
    );
}
