//! The live collector against a real AWS API emulator (moto 5.2.5 behind
//! tests/moto/standin.py). Run by `tests/moto/run.sh`, which starts the
//! servers, builds the fixture and the raw-JSON dump, and sets:
//! SAGESCOPE_EMULATOR (endpoint URL), SAGESCOPE_FIXTURE (ids, JSON),
//! SAGESCOPE_DUMP (the same state as AWS API JSON files).
//!
//! The tests share the emulator (fault rules are global): run them with
//! `--test-threads 1`; each clears the faults it sets.
#![cfg(feature = "aws")]

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const IGNORE: &str = "needs the emulator: run tests/moto/run.sh";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set; {IGNORE}"))
}

fn fixture() -> Value {
    serde_json::from_str(&std::fs::read_to_string(env("SAGESCOPE_FIXTURE")).unwrap()).unwrap()
}

fn sagescope(args: &[&str]) -> Output {
    sagescope_with(args, &[])
}

/// `sagescope` with extra environment variables (they win over the dummy
/// credentials).
fn sagescope_with(args: &[&str], envs: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        // Dummy credentials: the emulator accepts any; nothing else may be
        // picked up from the machine.
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_SESSION_TOKEN")
        .envs(envs.iter().copied())
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_ENDPOINT_URL")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("run sagescope")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// `sagescope collect` from the emulator into DIR/name; returns the output
/// and the snapshot.
fn collect(dir: &Path, name: &str, extra: &[&str]) -> (Output, Value, PathBuf) {
    let out = dir.join(name);
    let endpoint = env("SAGESCOPE_EMULATOR");
    let mut args = vec![
        "collect",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "-o",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = sagescope(&args);
    let snap = std::fs::read_to_string(&out)
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or(Value::Null);
    (o, snap, out)
}

fn audit_json(path: &Path) -> (Output, Value) {
    let o = sagescope(&["audit", path.to_str().unwrap(), "--format", "json"]);
    let v = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("audit JSON: {e}\n{}", stderr(&o)));
    (o, v)
}

/// A test hook of the stand-in (plain HTTP/1.1, no client library needed).
fn hook(method: &str, path: &str, body: &str) -> String {
    let endpoint = env("SAGESCOPE_EMULATOR");
    let addr = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut s = TcpStream::connect(addr).unwrap();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    assert!(
        resp.starts_with("HTTP/1.1 200") || resp.starts_with("HTTP/1.0 200"),
        "{resp}"
    );
    resp.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

fn set_faults(rules: Value) {
    hook(
        "POST",
        "/_standin/faults",
        &serde_json::json!({ "rules": rules }).to_string(),
    );
}

fn clear_faults() {
    hook("DELETE", "/_standin/faults", "");
}

/// Results keyed by what they are about, with their verdict.
fn verdicts(report: &Value) -> BTreeMap<String, String> {
    report["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = &r["source"];
            (
                format!(
                    "{} {} {}/{} @{} -> {}",
                    r["domain"].as_str().unwrap(),
                    r["query"].as_str().unwrap(),
                    s["kind"].as_str().unwrap(),
                    s["name"].as_str().unwrap(),
                    s["subnet_id"].as_str().unwrap(),
                    r["destination"].as_str().unwrap()
                ),
                r["verdict"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn ids(v: &Value, key: &str) -> BTreeSet<String> {
    v[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|x| x["id"].as_str().map(str::to_string))
        .collect()
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn collects_both_domains_like_the_raw_dump_and_finds_the_faults() {
    clear_faults();
    let fx = fixture();
    let dir = tempfile::tempdir().unwrap();
    let (o, snap, path) = collect(dir.path(), "snap.json", &["-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(snap["gaps"].is_null(), "no gaps expected: {}", snap["gaps"]);

    for (name, d) in fx.as_object().unwrap() {
        let id = d["domain_id"].as_str().unwrap();
        let dom = snap["domains"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["id"] == id)
            .unwrap_or_else(|| panic!("domain {id} ({name}) collected"));
        assert_eq!(dom["described"], true);
        assert_eq!(dom["app_network_access_type"], "VpcOnly");
        assert_eq!(dom["vpc_id"], d["vpc"]);
        assert_eq!(dom["home_efs_file_system_id"], d["home_efs"]);
        assert_eq!(dom["subnet_ids"], d["subnets"]);
        // Profiles (paginated by the stand-in, 2 per page), spaces, apps.
        let profiles: BTreeMap<String, &Value> = snap["user_profiles"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["domain_id"] == id)
            .map(|p| (p["name"].as_str().unwrap().to_string(), p))
            .collect();
        assert_eq!(
            profiles.keys().cloned().collect::<Vec<_>>(),
            ["alice", "bob", "carol"]
        );
        assert_eq!(
            profiles["alice"]["user_settings"]["security_groups"],
            serde_json::json!([d["sg_alice"]])
        );
        let spaces: Vec<(String, String)> = snap["spaces"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["domain_id"] == id)
            .map(|s| {
                (
                    s["name"].as_str().unwrap().to_string(),
                    s["sharing_type"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            spaces,
            [
                ("alice-space".into(), "Private".into()),
                ("team".into(), "Shared".into())
            ]
        );
        assert_eq!(
            snap["apps"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|a| a["domain_id"] == id)
                .count(),
            2
        );
        // The groups SageMaker adds, and the groups rules name.
        let sgs = ids(&snap, "security_groups");
        for k in [
            "sg_studio",
            "sg_alice",
            "sg_vpce",
            "sg_vpce_api",
            "sg_nfs_in",
            "sg_nfs_out",
        ] {
            assert!(
                sgs.contains(d[k].as_str().unwrap()),
                "{name}: {k} collected"
            );
        }
        // Mount targets carry the inbound NFS group (DescribeMountTargetSecurityGroups).
        for mt in snap["efs_mount_targets"].as_array().unwrap() {
            if mt["file_system_id"] == d["home_efs"] {
                assert_eq!(
                    mt["security_group_ids"],
                    serde_json::json!([d["sg_nfs_in"]])
                );
            }
        }
        // VPC endpoint State arrives as the SDK's Unknown("available").
        for vpce in d["vpce"].as_object().unwrap().values() {
            let ep = snap["vpc_endpoints"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["id"] == *vpce)
                .unwrap();
            assert_eq!(ep["state"], "available", "{ep}");
        }
        // The customer-managed prefix list a rule names, with its entries.
        let pl = snap["prefix_lists"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == d["prefix_list"])
            .unwrap();
        assert_eq!(pl["entries_known"], true);
        assert_eq!(pl["cidrs"].as_array().unwrap().len(), 2);
        let vpc = snap["vpcs"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == d["vpc"])
            .unwrap();
        assert_eq!(vpc["enable_dns_support"], true);
        assert_eq!(vpc["enable_dns_hostnames"], true);
    }
    // Only the domains' VPCs, never moto's default VPC.
    assert_eq!(ids(&snap, "vpcs").len(), 2);

    // Differential: the raw AWS JSON of the same calls gives the same report.
    let (o1, live) = audit_json(&path);
    let (o2, dumped) = audit_json(Path::new(&env("SAGESCOPE_DUMP")));
    assert_eq!(o1.status.code(), Some(1), "the broken domain has findings");
    assert_eq!(o1.status.code(), o2.status.code());
    assert_eq!(
        live, dumped,
        "audit of the collection == audit of the raw dump"
    );
    assert_eq!(o1.stdout, o2.stdout, "byte for byte");

    // Verdicts: healthy is reachable everywhere it applies; each fault of
    // the broken domain shows where it should.
    let v = verdicts(&live);
    let healthy = fx["healthy"]["domain_id"].as_str().unwrap();
    let broken = fx["broken"]["domain_id"].as_str().unwrap();
    let b_sub_a = fx["broken"]["subnets"][0].as_str().unwrap();
    let b_sub_b = fx["broken"]["subnets"][1].as_str().unwrap();
    let mut seen = BTreeSet::new();
    for (k, verdict) in &v {
        let query = k.split(' ').nth(1).unwrap();
        seen.insert(query.to_string());
        if k.starts_with(&format!("{healthy} ")) {
            assert!(
                verdict == "reachable" || verdict == "not-applicable",
                "healthy: {k} is {verdict}"
            );
            continue;
        }
        assert!(k.starts_with(&format!("{broken} ")), "{k}");
        let expected: Option<&str> = match query {
            "efs-nfs" => Some("blocked"), // F-nfs: inbound-nfs lost TCP 2049
            "logs" => Some("blocked"),    // F-logs: no endpoint, no NAT
            "sagemaker-runtime" => Some("blocked"), // F-rt: private DNS off
            "sagemaker-api" if k.contains(b_sub_a) => Some("reachable"),
            "sagemaker-api" if k.contains(b_sub_b) => Some("blocked"), // F-api
            "s3" if k.contains(b_sub_b) => Some("partial"),            // F-nacl: 32768-61000 only
            "sts" | "studio" | "app-to-app" => Some("reachable"),
            _ => None,
        };
        if let Some(e) = expected {
            assert_eq!(verdict, e, "broken: {k}");
        }
    }
    for q in [
        "efs-nfs",
        "logs",
        "sagemaker-api",
        "sagemaker-runtime",
        "s3",
        "sts",
        "studio",
    ] {
        assert!(seen.contains(q), "query {q} ran");
    }
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn every_operation_sent_is_read_only_and_in_the_iam_policy() {
    clear_faults();
    hook("DELETE", "/_standin/log", "");
    let dir = tempfile::tempdir().unwrap();
    let (o, _, _) = collect(dir.path(), "snap.json", &["-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let log: Value = serde_json::from_str(&hook("GET", "/_standin/log", "")).unwrap();
    let policy: Value = serde_json::from_str(
        &std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("iam-policy.json"))
            .unwrap(),
    )
    .unwrap();
    let allowed: BTreeSet<String> = policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect();
    let mut sent = BTreeSet::new();
    for e in log.as_array().unwrap() {
        if e["client"] != "rust" {
            continue;
        }
        let iam_service = match e["service"].as_str().unwrap() {
            "efs" => "elasticfilesystem",
            s => s,
        };
        sent.insert(format!("{iam_service}:{}", e["op"].as_str().unwrap()));
    }
    assert!(
        sent.len() >= 20,
        "the log recorded the collection: {sent:?}"
    );
    for op in &sent {
        let name = op.split(':').nth(1).unwrap();
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| name.starts_with(p)),
            "{op} is not a read-only operation"
        );
        assert!(allowed.contains(op), "{op} is not in iam-policy.json");
    }
    // And the collector's own list of operations is the policy (plus the
    // ENI read EFS does on the caller's behalf).
    let mut own: BTreeSet<String> = BTreeSet::new();
    for api in sagescope::collect::OPERATIONS {
        own.extend(api.iam.iter().map(|s| s.to_string()));
    }
    assert_eq!(
        own, allowed,
        "iam-policy.json == the collector's operations"
    );
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn access_denied_becomes_a_gap_and_its_verdicts_unknown() {
    clear_faults();
    let dir = tempfile::tempdir().unwrap();
    let (_, _, full) = collect(dir.path(), "full.json", &["-q"]);
    let (_, baseline) = audit_json(&full);

    set_faults(serde_json::json!([
        {"op": "ec2:DescribeNetworkAcls", "kind": "deny"},
        {"op": "ec2:DescribeSecurityGroups", "kind": "deny"},
        {"op": "sagemaker:DescribeUserProfile", "kind": "deny"},
    ]));
    let (o, snap, path) = collect(dir.path(), "denied.json", &[]);
    clear_faults();
    assert_eq!(o.status.code(), Some(1), "gaps make exit 1: {}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("collection-gap"), "{err}");
    let gaps = snap["gaps"].as_array().expect("gaps recorded");
    let apis: BTreeSet<&str> = gaps.iter().map(|g| g["api"].as_str().unwrap()).collect();
    assert_eq!(
        apis,
        BTreeSet::from([
            "ec2:DescribeNetworkAcls",
            "ec2:DescribeSecurityGroups",
            "sagemaker:DescribeUserProfile"
        ])
    );
    for g in gaps {
        assert!(
            g["error"]
                .as_str()
                .unwrap()
                .starts_with("UnauthorizedOperation")
                || g["error"]
                    .as_str()
                    .unwrap()
                    .starts_with("AccessDeniedException"),
            "{g}"
        );
        assert_eq!(
            g["iam_action"].as_str().unwrap(),
            g["api"].as_str().unwrap(),
            "the IAM action that fixes it"
        );
        assert!(g["resource"].is_string(), "{g}");
        // Nothing secret in the snapshot.
        assert!(!g.to_string().contains("testing"));
    }
    assert!(snap["network_acls"].is_null() && snap["security_groups"].is_null());
    // Profiles stay, as listed (settings unknown).
    assert!(snap["user_profiles"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["user_settings"].is_null()));

    let (o, report) = audit_json(&path);
    assert_eq!(o.status.code(), Some(1));
    // (Fewer results than with all data is fine: sources and destinations
    // that only the missing groups describe are not enumerated.)
    assert!(!report["results"].as_array().unwrap().is_empty());
    // A gap never turns a verdict into another definite one: each result
    // either did not depend on the missing data or is unknown.
    let before = verdicts(&baseline);
    let mut unknown = 0;
    for (k, v) in verdicts(&report) {
        if v == "unknown" {
            unknown += 1;
            continue;
        }
        // Definite verdicts that did not need the missing data (no route
        // at all, query not applicable) stay what they were.
        assert_eq!(before.get(&k), Some(&v), "{k}: {v} without the data");
    }
    assert!(unknown > 0);
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn throttling_and_5xx_are_retried_by_the_sdk() {
    clear_faults();
    let dir = tempfile::tempdir().unwrap();
    let (_, baseline, _) = collect(dir.path(), "base.json", &["-q"]);
    set_faults(serde_json::json!([
        {"op": "ec2:DescribeSubnets", "kind": "throttle", "times": 2},
        {"op": "efs:DescribeMountTargets", "kind": "error500", "times": 1},
        {"op": "sagemaker:ListApps", "kind": "throttle", "times": 1},
    ]));
    let (o, snap, _) = collect(dir.path(), "retried.json", &["-q"]);
    clear_faults();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(snap["gaps"].is_null(), "{}", snap["gaps"]);
    assert_eq!(snap, baseline, "the retried collection is complete");

    // A call that keeps failing ends as a gap, not as a crash.
    set_faults(serde_json::json!([{"op": "ec2:DescribeVpcEndpoints", "kind": "error500"}]));
    let (o, snap, _) = collect(dir.path(), "failing.json", &["-q"]);
    clear_faults();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let gaps = snap["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().all(|g| g["api"] == "ec2:DescribeVpcEndpoints"),
        "{gaps:?}"
    );
    assert_eq!(gaps.len(), 2, "one per VPC");
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn domain_scope_and_live_audit() {
    clear_faults();
    let fx = fixture();
    let broken = fx["broken"]["domain_id"].as_str().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (o, snap, path) = collect(dir.path(), "one.json", &["--domain-id", broken, "-q"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(ids(&snap, "domains"), BTreeSet::from([broken.to_string()]));
    assert_eq!(
        ids(&snap, "vpcs"),
        BTreeSet::from([fx["broken"]["vpc"].as_str().unwrap().to_string()])
    );

    // `audit` without PATH collects live: the same report as collect + audit.
    let endpoint = env("SAGESCOPE_EMULATOR");
    let live = sagescope(&[
        "audit",
        "--endpoint-url",
        &endpoint,
        "--region",
        "us-east-1",
        "--domain-id",
        broken,
        "--format",
        "json",
        "-q",
    ]);
    let (o2, from_file) = audit_json(&path);
    assert_eq!(live.status.code(), o2.status.code(), "{}", stderr(&live));
    let live: Value = serde_json::from_slice(&live.stdout).unwrap();
    assert_eq!(live, from_file);

    // An unknown domain is an error (exit 2), not an empty audit.
    let (o, _, _) = collect(
        dir.path(),
        "none.json",
        &["--domain-id", "d-nosuchdomain", "-q"],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("no such domain"), "{}", stderr(&o));
}

// ------------------------------------------------ collector faults ----
// Issue 6: the stand-in injects faults per operation, in the shape of each
// service's protocol (see its docstring): throttling bursts, 5xx, dropped
// connections, answers slower than the call timeout, AccessDenied.

/// Verdicts that may not change when `changed` (service or EFS) data is
/// missing: those of the other queries.
fn assert_unknown_or_unchanged(
    before: &BTreeMap<String, String>,
    after: &BTreeMap<String, String>,
    affected: &dyn Fn(&str) -> bool,
) -> usize {
    let mut unknown = 0;
    for (k, v) in after {
        let query = k.split(' ').nth(1).unwrap();
        if affected(query) {
            assert!(
                v == "unknown" || v == "not-applicable",
                "{k}: {v} although its data is missing"
            );
            unknown += usize::from(v == "unknown");
        } else {
            assert_eq!(before.get(k), Some(v), "{k}: changed by an unrelated gap");
        }
    }
    unknown
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn throttling_bursts_5xx_and_dropped_connections_are_retried_to_a_complete_snapshot() {
    clear_faults();
    let dir = tempfile::tempdir().unwrap();
    let (_, baseline, _) = collect(dir.path(), "base.json", &["-q"]);
    set_faults(serde_json::json!([
        // EC2 query protocol: HTTP 400 with <Code>Throttling</Code>.
        {"op": "ec2:DescribeSecurityGroups", "kind": "throttle", "status": 400,
         "code": "Throttling", "times": 2},
        {"op": "ec2:DescribeRouteTables", "kind": "error500", "status": 503, "times": 2},
        {"op": "ec2:DescribeNetworkInterfaces", "kind": "drop", "times": 2},
        // JSON protocols: ThrottlingException in the body.
        {"op": "sagemaker:ListUserProfiles", "kind": "throttle", "times": 2},
        {"op": "sagemaker:DescribeDomain", "kind": "drop", "times": 1},
        {"op": "efs:DescribeFileSystems", "kind": "throttle", "times": 1},
        {"op": "efs:DescribeMountTargetSecurityGroups", "kind": "error500", "times": 1},
    ]));
    let (o, snap, _) = collect(dir.path(), "retried.json", &["-q"]);
    clear_faults();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(snap["gaps"].is_null(), "{}", snap["gaps"]);
    assert_eq!(snap, baseline, "the retried collection is complete");
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn answers_slower_than_the_call_timeout_are_retried_or_become_gaps() {
    clear_faults();
    let dir = tempfile::tempdir().unwrap();
    let (_, _, full) = collect(dir.path(), "full.json", &["-q"]);
    let (_, baseline) = audit_json(&full);
    set_faults(serde_json::json!([
        // Once too slow: the next attempt gets through.
        {"op": "ec2:DescribeVpcEndpoints", "kind": "slow", "ms": 2500, "times": 1},
        // Always too slow: a gap after the SDK's attempts.
        {"op": "ec2:DescribeNatGateways", "kind": "slow", "ms": 2500},
    ]));
    let (o, snap, path) = collect(dir.path(), "slow.json", &["-q", "--call-timeout", "1"]);
    clear_faults();
    assert_eq!(o.status.code(), Some(1), "gaps make exit 1: {}", stderr(&o));
    let gaps = snap["gaps"].as_array().expect("gaps recorded");
    assert_eq!(gaps.len(), 2, "one per VPC: {gaps:?}");
    for g in gaps {
        assert_eq!(g["api"], "ec2:DescribeNatGateways", "{g}");
        assert_eq!(g["error"], "timed out", "{g}");
        assert_eq!(g["iam_action"], "ec2:DescribeNatGateways");
    }
    assert!(snap["nat_gateways"].is_null());
    assert!(
        !snap["vpc_endpoints"].is_null(),
        "retried after one slow answer"
    );

    // NAT gateways matter to the service queries only.
    let (o, report) = audit_json(&path);
    assert_eq!(o.status.code(), Some(1));
    let unknown = assert_unknown_or_unchanged(&verdicts(&baseline), &verdicts(&report), &|q| {
        !matches!(q, "efs-nfs" | "app-to-app")
    });
    assert!(unknown > 0);
    let text = report.to_string();
    assert!(
        text.contains("but ec2:DescribeNatGateways on vpc-") && text.contains("failed (timed out)"),
        "the reason names the gap"
    );
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn the_whole_run_stops_at_timeout_and_the_snapshot_says_it_is_incomplete() {
    clear_faults();
    let dir = tempfile::tempdir().unwrap();
    // One call that would take a minute, well within its call timeout.
    set_faults(serde_json::json!([
        {"op": "ec2:DescribeSecurityGroups", "kind": "slow", "ms": 60000},
    ]));
    let started = std::time::Instant::now();
    let (o, snap, path) = collect(
        dir.path(),
        "cut.json",
        &["--timeout", "3", "--call-timeout", "120"],
    );
    let took = started.elapsed();
    clear_faults();
    // Bounded by --timeout (3 s), not by the slow answer (60 s); the margin
    // is for process start-up on a busy machine, not a performance claim.
    assert!(took.as_secs() < 30, "took {took:?}");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("the snapshot is incomplete"), "{err}");
    let gaps = snap["gaps"].as_array().expect("gaps recorded");
    assert!(
        gaps.iter().any(|g| g["api"] == "sagescope:collect"),
        "the run says it was cut short: {gaps:?}"
    );
    let unfinished: Vec<&Value> = gaps
        .iter()
        .filter(|g| g["api"] == "ec2:DescribeSecurityGroups")
        .collect();
    assert!(!unfinished.is_empty(), "{gaps:?}");
    for g in unfinished {
        assert!(g["error"].as_str().unwrap().contains("--timeout"), "{g}");
    }
    // No verdict of an incomplete snapshot is definite.
    let (o, report) = audit_json(&path);
    assert_eq!(o.status.code(), Some(1));
    for (k, v) in verdicts(&report) {
        assert!(v == "unknown" || v == "not-applicable", "{k}: {v}");
    }
}

#[test]
#[ignore = "needs the emulator: run tests/moto/run.sh"]
fn secrets_from_the_environment_never_appear_in_output() {
    clear_faults();
    const KEY: &str = "AKIASAGESCOPELEAKTEST";
    const SECRET: &str = "sagescope-secret-7f3a9c-MUST-NOT-LEAK";
    const TOKEN: &str = "sagescope-session-token-5b1e2d-MUST-NOT-LEAK";
    let envs = [
        ("AWS_ACCESS_KEY_ID", KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET),
        ("AWS_SESSION_TOKEN", TOKEN),
    ];
    let endpoint = env("SAGESCOPE_EMULATOR");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("snap.json");
    // Error paths too: a denied call, a throttled one, a dropped one.
    set_faults(serde_json::json!([
        {"op": "ec2:DescribeNetworkAcls", "kind": "deny"},
        {"op": "ec2:DescribeSubnets", "kind": "throttle", "times": 1},
        {"op": "sagemaker:ListApps", "kind": "drop", "times": 1},
    ]));
    let collect = sagescope_with(
        &[
            "collect",
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "-v",
            "-o",
            out.to_str().unwrap(),
        ],
        &envs,
    );
    let live_audit = sagescope_with(
        &[
            "audit",
            "--endpoint-url",
            &endpoint,
            "--region",
            "us-east-1",
            "--format",
            "json",
            "-v",
        ],
        &envs,
    );
    clear_faults();
    assert_eq!(collect.status.code(), Some(1), "{}", stderr(&collect));
    assert!(
        stderr(&collect).contains("ec2:DescribeVpcs"),
        "-v logged the calls: {}",
        stderr(&collect)
    );
    let snapshot = std::fs::read_to_string(&out).unwrap();
    let texts = [
        ("snapshot", snapshot),
        (
            "collect stdout",
            String::from_utf8_lossy(&collect.stdout).into_owned(),
        ),
        ("collect stderr", stderr(&collect)),
        (
            "audit stdout",
            String::from_utf8_lossy(&live_audit.stdout).into_owned(),
        ),
        ("audit stderr", stderr(&live_audit)),
    ];
    for (what, text) in &texts {
        for secret in [SECRET, TOKEN, KEY] {
            assert!(!text.contains(secret), "{what} contains {secret}");
        }
    }
}
