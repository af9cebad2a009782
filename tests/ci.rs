//! CI ergonomics through the built binary: `--fail-on` over query results
//! and checks, the suppression file (`.sagescope.toml` in the current
//! directory or `--suppressions FILE`), `--fix`, `--check`, and the
//! `checks` listing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// Run in `cwd` (a temporary folder unless given), so that no
/// `.sagescope.toml` of the checkout is picked up by accident.
fn run_in(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .current_dir(cwd)
        .env_remove("NO_COLOR")
        .output()
        .expect("run sagescope")
}

fn run(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    run_in(dir.path(), args)
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn out(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn err(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", err(o)))
}

/// The healthy example's failing checks are informational (no NAT path,
/// AWS-managed key) and low (one self-referencing group shared by all
/// profiles); its queries all pass. The public one fails domain-vpc-only
/// (low, a hardening finding). Without --fail-on, checks count from medium
/// up (low and info are advice) and every failing query result counts.
#[test]
fn fail_on_counts_failing_checks_at_or_above_the_threshold() {
    let healthy = example("healthy-vpc-only");
    let public = example("public-internet-only");
    for (path, severity, expected) in [
        (&healthy, None, 0),
        (&healthy, Some("info"), 1),
        (&healthy, Some("low"), 1),
        (&healthy, Some("medium"), 0),
        (&public, None, 0),
        (&public, Some("low"), 1),
        (&public, Some("medium"), 0),
    ] {
        let mut args = vec!["audit", path.as_str(), "--format", "json"];
        if let Some(s) = severity {
            args.extend(["--fail-on", s]);
        }
        let o = run(&args);
        assert_eq!(code(&o), expected, "{args:?}: {}", err(&o));
        // The report is the same whatever the threshold.
        let v = json(&o);
        assert!(!v["checks"].as_array().unwrap().is_empty());
        assert_eq!(v["check_infos"].as_array().unwrap().len(), 19);
    }
    // Failing query results still count on their own.
    let o = run(&[
        "audit",
        &example("broken-vpc-only"),
        "--fail-on",
        "critical",
    ]);
    assert_eq!(
        code(&o),
        1,
        "efs-nfs and sagemaker-api are critical: {}",
        err(&o)
    );
}

const ACCEPT_HEALTHY: &str = r#"
[[suppress]]
code = "internet-egress-via-nat"
resource = "subnet-*"
reason = "isolated by design: packages come from CodeArtifact"

[[suppress]]
code = "shared-self-referencing-group"
resource = "sg-0a23c6dd50d1ef1f6"
reason = "one team: all users may reach each other's apps"

[[suppress]]
code = "domain-customer-managed-key"
resource = "*"
reason = "the AWS managed key is accepted for this sandbox"
"#;

#[test]
fn suppression_file_in_the_current_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(".sagescope.toml"), ACCEPT_HEALTHY).unwrap();
    let healthy = example("healthy-vpc-only");
    let o = run_in(
        dir.path(),
        &["audit", &healthy, "--format", "json", "--fail-on", "info"],
    );
    assert_eq!(code(&o), 0, "every finding is accepted: {}", err(&o));
    let v = json(&o);
    let checks = v["checks"].as_array().unwrap();
    let failing: Vec<_> = checks.iter().filter(|c| c["status"] == "fail").collect();
    assert_eq!(failing.len(), 5, "suppressed findings stay in the report");
    for c in &failing {
        assert_eq!(c["suppressed"], true, "{c}");
        assert!(!c["suppression_reason"].as_str().unwrap().is_empty(), "{c}");
    }
    let nat = failing
        .iter()
        .find(|c| c["check"] == "internet-egress-via-nat")
        .unwrap();
    assert_eq!(
        nat["suppression_reason"],
        "isolated by design: packages come from CodeArtifact"
    );
    // Passing checks are not marked.
    assert!(checks
        .iter()
        .filter(|c| c["status"] == "pass")
        .all(|c| c.get("suppressed").is_none()));
    assert!(v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|w| w["code"] != "unused-suppression"));

    // The table says so too.
    let o = run_in(dir.path(), &["audit", &healthy, "--fail-on", "info"]);
    assert_eq!(code(&o), 0);
    let t = out(&o);
    assert!(t.contains("5 suppressed"), "{t}");
    assert!(
        t.contains("suppressed: one team: all users may reach each other's apps"),
        "{t}"
    );
    // Without the file (another directory), the same audit fails.
    assert_eq!(code(&run(&["audit", &healthy, "--fail-on", "info"])), 1);
}

#[test]
fn suppressions_flag_and_query_results() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("accepted.toml");
    std::fs::write(
        &file,
        r#"
[[suppress]]
code = "logs"
resource = "*"
reason = "no SDK training jobs in this domain"

[[suppress]]
code = "sagemaker-runtime"
resource = "vpce-083e17cab256ae5a4"
reason = "no model endpoints are invoked from Studio"

[[suppress]]
code = "vpc-endpoints-present"
resource = "com.amazonaws.eu-west-1.logs"
reason = "no SDK training jobs in this domain"

[[suppress]]
code = "interface-endpoint-private-dns"
resource = "vpce-083e17cab256ae5a4"
reason = "no model endpoints are invoked from Studio"
"#,
    )
    .unwrap();
    let broken = example("broken-vpc-only");
    let f = file.to_str().unwrap();
    let o = run(&["audit", &broken, "--format", "json", "--suppressions", f]);
    assert_eq!(code(&o), 1, "other faults remain: {}", err(&o));
    let v = json(&o);
    for r in v["results"].as_array().unwrap() {
        let suppressed = r.get("suppressed") == Some(&serde_json::Value::Bool(true));
        let expected = matches!(r["query"].as_str().unwrap(), "logs" | "sagemaker-runtime")
            && r["verdict"] != "reachable";
        assert_eq!(suppressed, expected, "{}", r["query"]);
    }
    // Only those two queries and two checks: exit 0.
    let o = run(&[
        "audit",
        &broken,
        "--suppressions",
        f,
        "--query",
        "logs,sagemaker-runtime",
        "--check",
        "vpc-endpoints-present,interface-endpoint-private-dns",
    ]);
    assert_eq!(code(&o), 0, "{}\n{}", out(&o), err(&o));
    assert!(
        out(&o).contains("suppressed: logs (14 results): no SDK training jobs in this domain"),
        "{}",
        out(&o)
    );
}

#[test]
fn unused_and_invalid_suppressions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join(".sagescope.toml"),
        r#"
[[suppress]]
code = "s3"
resource = "subnet-nope"
reason = "typo in the subnet id"

[[suppress]]
code = "no-such-check"
resource = "*"
reason = "a check that does not exist"

[[suppress]]
code = "servicecatalog"
resource = "*"
reason = "opt-in query, not run here"
"#,
    )
    .unwrap();
    let broken = example("broken-vpc-only");
    let o = run_in(dir.path(), &["audit", &broken]);
    assert_eq!(code(&o), 1);
    let e = err(&o);
    assert!(
        e.contains("warning[unused-suppression]: .sagescope.toml entry 1: suppression of s3 on subnet-nope matches nothing"),
        "{e}"
    );
    assert!(
        e.contains("entry 2") && e.contains("no query or check has the id `no-such-check`"),
        "{e}"
    );
    assert!(
        !e.contains("entry 3"),
        "a query that did not run is not unused: {e}"
    );
    let v = json(&run_in(dir.path(), &["audit", &broken, "--format", "json"]));
    let unused: Vec<_> = v["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "unused-suppression")
        .collect();
    assert_eq!(unused.len(), 2, "{unused:#?}");

    // A missing reason, a named file that does not exist: input errors.
    std::fs::write(
        dir.path().join(".sagescope.toml"),
        "[[suppress]]\ncode = \"s3\"\nresource = \"*\"\n",
    )
    .unwrap();
    let o = run_in(dir.path(), &["audit", &broken]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains(".sagescope.toml entry 1: `reason` is required"),
        "{}",
        err(&o)
    );
    let missing: PathBuf = dir.path().join("missing.toml");
    let o = run(&[
        "audit",
        &broken,
        "--suppressions",
        missing.to_str().unwrap(),
    ]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("missing.toml"), "{}", err(&o));
}

#[test]
fn fix_flag_shows_the_commands_in_the_table() {
    let broken = example("broken-vpc-only");
    let plain = out(&run(&["audit", &broken]));
    assert!(!plain.contains("\nFixes\n"), "{plain}");
    let o = run(&["audit", &broken, "--fix"]);
    assert_eq!(code(&o), 1);
    let t = out(&o);
    assert!(t.contains("\nFixes\n"), "{t}");
    for cmd in [
        "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-083e17cab256ae5a4 --private-dns-enabled --region eu-west-1",
        "aws efs create-mount-target --file-system-id fs-0704e9c5a544d59e0 --subnet-id subnet-09c7fc614e9c2d104 \
         --security-groups sg-08922444968f2e4a2 --region eu-west-1",
    ] {
        assert!(t.contains(cmd), "{cmd} not in {t}");
    }
    // The last line is still the summary.
    assert!(
        t.trim_end().lines().last().unwrap().contains(" results: "),
        "{t}"
    );
}

/// Every fault of the broken example (its README) gets its remediation, in
/// JSON, with the real ids; and every failing result carries one.
#[test]
fn broken_example_faults_get_their_fixes() {
    let v = json(&run(&[
        "audit",
        &example("broken-vpc-only"),
        "--format",
        "json",
    ]));
    let results = v["results"].as_array().unwrap();
    let fixes_of = |query: &str, subnet: &str| -> Vec<String> {
        let r = results
            .iter()
            .find(|r| {
                r["query"] == query
                    && r["source"]["kind"] == "user-profile"
                    && r["source"]["subnet_id"] == subnet
            })
            .unwrap_or_else(|| panic!("{query} @ {subnet}"));
        r["fixes"]
            .as_array()
            .unwrap_or_else(|| panic!("{query} @ {subnet} has no fixes: {r}"))
            .iter()
            .flat_map(|f| f["commands"].as_array().unwrap().iter())
            .map(|c| c.as_str().unwrap().to_string())
            .collect()
    };
    let (a, b, c) = (
        "subnet-048407747a49aad98",
        "subnet-02d7579b6ede822c9",
        "subnet-09c7fc614e9c2d104",
    );
    let expect = [
        // 1 (F1): the API endpoint's group admits subnets a and b only.
        ("sagemaker-api", c, "aws ec2 authorize-security-group-ingress --group-id sg-0795f7bcfc5cf96f6 --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-01d68063591339a7e}]' --region eu-west-1"),
        // 2 (F4): private DNS off on the runtime endpoint.
        ("sagemaker-runtime", a, "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-083e17cab256ae5a4 --private-dns-enabled --region eu-west-1"),
        // 3 (F7): no logs endpoint; the endpoints' group is reused.
        ("logs", b, "aws ec2 create-vpc-endpoint --vpc-id vpc-05cb0122f502b8127 --vpc-endpoint-type Interface --service-name com.amazonaws.eu-west-1.logs --subnet-ids subnet-02d7579b6ede822c9 subnet-048407747a49aad98 subnet-09c7fc614e9c2d104 --security-group-ids sg-0daef6751ec94f681 --private-dns-enabled --region eu-west-1"),
        // 4 (F3): no mount target in eu-west-1c.
        ("efs-nfs", c, "aws efs create-mount-target --file-system-id fs-0704e9c5a544d59e0 --subnet-id subnet-09c7fc614e9c2d104 --security-groups sg-08922444968f2e4a2 --region eu-west-1"),
        // 5 (F3): the mount target in eu-west-1b lacks the inbound-NFS group.
        ("efs-nfs", b, "aws efs modify-mount-target-security-groups --mount-target-id fsmt-0944303c96e81d59d --security-groups sg-059a7d9e1db9be38f sg-08922444968f2e4a2 --region eu-west-1"),
        // 6 (F9): subnet b's route table is not on the S3 gateway endpoint.
        ("s3", b, "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-023472aa8570fd754 --add-route-table-ids rtb-026c565a7d628495e --region eu-west-1"),
        // 7: NACL return rule on 32768-61000 only.
        ("s3", a, "aws ec2 replace-network-acl-entry --network-acl-id acl-066aba27990b40399 --ingress --rule-number 200 --protocol tcp --port-range From=1024,To=65535 --cidr-block 0.0.0.0/0 --rule-action allow --region eu-west-1"),
    ];
    for (query, subnet, command) in expect {
        let got = fixes_of(query, subnet);
        assert!(
            got.iter().any(|c| c == command),
            "{query} @ {subnet}: {got:#?}"
        );
    }
    // 8 (F16) is a check, not a path: the sts endpoint gets subnet c.
    let sts = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["check"] == "interface-endpoint-az-coverage" && c["status"] == "fail")
        .unwrap();
    assert_eq!(
        sts["fixes"][0]["commands"][0],
        "aws ec2 modify-vpc-endpoint --vpc-endpoint-id vpce-0b9da652e187b905a --add-subnet-ids subnet-09c7fc614e9c2d104 --region eu-west-1"
    );
    for r in results {
        let failing = matches!(
            r["verdict"].as_str().unwrap(),
            "partial" | "blocked" | "unknown"
        );
        let fixes = r
            .get("fixes")
            .and_then(|f| f.as_array())
            .map_or(0, Vec::len);
        assert_eq!(fixes > 0, failing, "{} {}: {r}", r["query"], r["source"]);
    }
    for c in v["checks"].as_array().unwrap() {
        let fixes = c
            .get("fixes")
            .and_then(|f| f.as_array())
            .map_or(0, Vec::len);
        assert_eq!(fixes > 0, c["status"] == "fail", "{c}");
    }
}

#[test]
fn check_filter_and_listing() {
    let healthy = example("healthy-vpc-only");
    let v = json(&run(&[
        "audit",
        &healthy,
        "--format",
        "json",
        "--check",
        "vpc-dns-attributes",
    ]));
    let checks = v["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 1);
    assert_eq!(checks[0]["check"], "vpc-dns-attributes");
    assert_eq!(checks[0]["status"], "pass");
    // Naming only checks runs no query, naming only queries no check.
    assert!(v["results"].as_array().unwrap().is_empty(), "{v}");
    assert!(v["queries"].as_array().unwrap().is_empty(), "{v}");
    let o = run(&["audit", &healthy, "--format", "json", "--query", "sts"]);
    assert_eq!(code(&o), 0, "sts alone is reachable: {}", err(&o));
    let v = json(&o);
    assert!(
        v.get("checks").is_none() && v.get("check_infos").is_none(),
        "{v}"
    );
    assert!(!v["results"].as_array().unwrap().is_empty());
    let o = run(&["audit", &healthy, "--check", "no-such-check"]);
    assert_eq!(code(&o), 2);
    assert!(
        err(&o).contains("--check no-such-check: no such check"),
        "{}",
        err(&o)
    );

    let o = run(&["checks"]);
    assert_eq!(code(&o), 0);
    let t = out(&o);
    for id in [
        "domain-vpc-only",
        "vpc-only-private-subnets",
        "security-group-limit",
        "efs-mount-target-nfs-group",
        "efs-mount-target-in-each-az",
        "interface-endpoint-private-dns",
        "vpc-dns-attributes",
        "interface-endpoint-az-coverage",
        "subnet-ip-headroom",
        "orphaned-domain-resources",
        "user-settings-security-groups",
        "shared-self-referencing-group",
        "internet-egress-via-nat",
        "dualstack-subnets-ipv6",
        "domain-customer-managed-key",
        "endpoint-policy-allows-studio",
    ] {
        assert!(t.contains(id), "{id}: {t}");
    }
    assert!(t.contains("19 checks."), "{t}");
    let o = run(&["checks", "show", "interface-endpoint-private-dns"]);
    assert_eq!(code(&o), 0);
    let t = out(&o);
    for part in [
        "severity high",
        "\nWhat\n",
        "\nWhy\n",
        "\nFix\n",
        "\nReferences\n",
        "F4",
    ] {
        assert!(t.contains(part), "{part}: {t}");
    }
    let v = json(&run(&[
        "checks",
        "--format",
        "json",
        "show",
        "vpc-dns-attributes",
    ]));
    assert_eq!(v["id"], "vpc-dns-attributes");
    assert!(!v["references"].as_array().unwrap().is_empty());
    let o = run(&["checks", "show", "nope"]);
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("no check `nope`"), "{}", err(&o));
}
