//! Collection gaps through the real CLI (issue 3): a snapshot whose
//! collector could not read some APIs. Every verdict that depends on a gap
//! is `unknown` with a reason naming the gap and the IAM action that fixes
//! it; the exit code is 1; a gap never leaves a definite verdict that the
//! missing data could change.
//!
//! The snapshots are the bundled healthy example, imported, with the data
//! of the denied calls removed and the gaps the collector would record.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value};

fn sagescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .output()
        .expect("run sagescope")
}

fn healthy(dir: &Path) -> Value {
    let out = dir.join("healthy.json");
    let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/healthy-vpc-only");
    let o = sagescope(&[
        "import",
        example.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

/// The snapshot with `gaps` and without the data of `removed` keys.
fn with_gaps(base: &Value, removed: &[&str], gaps: Value, dir: &Path, name: &str) -> PathBuf {
    let mut s = base.clone();
    for k in removed {
        s.as_object_mut().unwrap().remove(*k);
    }
    s["gaps"] = gaps;
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_string(&s).unwrap()).unwrap();
    p
}

fn audit(path: &Path, format: &str) -> Output {
    sagescope(&["audit", path.to_str().unwrap(), "--format", format])
}

/// (query, source, destination) -> (verdict, notes joined by " | ").
fn results(o: &Output) -> BTreeMap<String, (String, String)> {
    let v: Value = serde_json::from_slice(&o.stdout).expect("JSON report");
    v["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                format!(
                    "{} {}/{}@{} -> {}",
                    r["query"].as_str().unwrap(),
                    r["source"]["kind"].as_str().unwrap(),
                    r["source"]["name"].as_str().unwrap(),
                    r["source"]["subnet_id"].as_str().unwrap(),
                    r["destination"].as_str().unwrap()
                ),
                (
                    r["verdict"].as_str().unwrap().to_string(),
                    r["notes"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(" | "),
                ),
            )
        })
        .collect()
}

fn denied(api: &str, vpc: &str) -> Value {
    json!({"api": api, "resource": vpc, "iam_action": api,
        "error": "UnauthorizedOperation: You are not authorized to perform this operation."})
}

#[test]
fn denied_endpoint_listing_is_unknown_not_a_false_blocked() {
    let dir = tempfile::tempdir().unwrap();
    let base = healthy(dir.path());
    let vpc = base["vpcs"][0]["id"].as_str().unwrap().to_string();
    let baseline = audit(
        &with_gaps(&base, &[], json!([]), dir.path(), "base.json"),
        "json",
    );
    assert_eq!(baseline.status.code(), Some(0), "the example is healthy");
    let before = results(&baseline);

    // Without the endpoints, the engine alone would say `blocked`
    // (NO_VPC_ENDPOINT) for every service an endpoint serves.
    let p = with_gaps(
        &base,
        &["vpc_endpoints"],
        json!([denied("ec2:DescribeVpcEndpoints", &vpc)]),
        dir.path(),
        "no-endpoints.json",
    );
    let o = audit(&p, "json");
    assert_eq!(o.status.code(), Some(1), "gaps make exit 1");
    let after = results(&o);
    assert_eq!(after.len(), before.len(), "same results, other verdicts");
    let mut services = 0;
    for (k, (verdict, note)) in &after {
        let query = k.split(' ').next().unwrap();
        if query == "efs-nfs" || query == "app-to-app" {
            // Endpoints are not on those paths: unchanged.
            assert_eq!(verdict, &before[k].0, "{k}");
            continue;
        }
        assert_ne!(verdict, "blocked", "{k}: a false blocked");
        assert_ne!(verdict, "reachable", "{k}");
        if verdict == "unknown" {
            services += 1;
            assert!(note.contains("ec2:DescribeVpcEndpoints on "), "{k}: {note}");
            assert!(
                note.contains("grant ec2:DescribeVpcEndpoints and collect again"),
                "{note}"
            );
        }
    }
    assert!(services > 0);
    // The engine's own finding is kept in the reason.
    assert!(
        after
            .values()
            .any(|(_, n)| n.starts_with("would be blocked at ") && n.contains("NO_VPC_ENDPOINT")),
        "{after:#?}"
    );

    // The table says so on stderr, with the same exit code.
    let t = audit(&p, "table");
    assert_eq!(t.status.code(), Some(1));
    let err = String::from_utf8_lossy(&t.stderr);
    assert!(
        err.contains("collection-gap") && err.contains("ec2:DescribeVpcEndpoints"),
        "{err}"
    );
}

#[test]
fn denied_nacls_never_leave_a_reachable_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let base = healthy(dir.path());
    let vpc = base["vpcs"][0]["id"].as_str().unwrap().to_string();
    let p = with_gaps(
        &base,
        &["network_acls"],
        json!([denied("ec2:DescribeNetworkAcls", &vpc)]),
        dir.path(),
        "no-nacls.json",
    );
    let o = audit(&p, "json");
    assert_eq!(o.status.code(), Some(1));
    let r = results(&o);
    assert!(!r.is_empty());
    for (k, (verdict, note)) in &r {
        assert!(
            verdict == "unknown" || verdict == "not-applicable",
            "{k}: {verdict} without the NACLs"
        );
        if verdict == "unknown" {
            assert!(note.contains("ec2:DescribeNetworkAcls on "), "{k}: {note}");
        }
    }
}

#[test]
fn listing_gaps_warn_that_results_may_be_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    let base = healthy(dir.path());
    let domain = base["domains"][0]["id"].as_str().unwrap().to_string();
    let p = with_gaps(
        &base,
        &[],
        json!([{"api": "sagemaker:ListUserProfiles", "resource": domain,
            "iam_action": "sagemaker:ListUserProfiles",
            "error": "AccessDeniedException: not authorized"}]),
        dir.path(),
        "no-profiles.json",
    );
    let o = audit(&p, "json");
    assert_eq!(o.status.code(), Some(1), "a gap is never a clean pass");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    let warnings = v.to_string();
    assert!(
        warnings.contains("incomplete-sources")
            && warnings.contains("user profiles of domain")
            && warnings.contains("may be missing"),
        "{warnings}"
    );
}

#[test]
fn a_trace_through_missing_data_is_unknown_not_reachable() {
    let dir = tempfile::tempdir().unwrap();
    let base = healthy(dir.path());
    let vpc = base["vpcs"][0]["id"].as_str().unwrap().to_string();
    // An app ENI to the home EFS mount target in its own subnet: reachable
    // with all the data.
    let trace = |p: &Path| {
        sagescope(&[
            "trace",
            p.to_str().unwrap(),
            "--from",
            "eni-00ac158e485a19298",
            "--to",
            "10.20.3.245",
            "--port",
            "2049",
            "--format",
            "json",
        ])
    };
    let full = with_gaps(&base, &[], json!([]), dir.path(), "full.json");
    let o = trace(&full);
    assert_eq!(o.status.code(), Some(0));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "reachable");

    let p = with_gaps(
        &base,
        &[],
        json!([denied("ec2:DescribeSecurityGroups", &vpc)]),
        dir.path(),
        "gap.json",
    );
    let o = trace(&p);
    assert_eq!(o.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["verdict"], "unknown");
    assert!(
        v["notes"][0]
            .as_str()
            .unwrap()
            .starts_with("would be reachable, but ec2:DescribeSecurityGroups on vpc-"),
        "{}",
        v["notes"]
    );
}
