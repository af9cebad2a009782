//! `audit --format sarif|junit|markdown` and `trace --format markdown`
//! through the real binary on the bundled examples: golden output (insta),
//! the SARIF validated against the official SARIF 2.1.0 schemas
//! (tests/fixtures/sarif/PROVENANCE.md), the JUnit parsed back as XML, and
//! every format's counts checked against `--format json`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

const EXAMPLES: [&str; 2] = ["broken-vpc-only", "healthy-vpc-only"];

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

fn sagescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run sagescope")
}

/// stdout and exit code of `audit examples/<example> --format <format>`.
fn audit(example: &str, format: &str) -> (String, i32) {
    let dir = manifest(&format!("examples/{example}"));
    let o = sagescope(&["audit", dir.to_str().unwrap(), "--format", format]);
    let code = o.status.code().expect("exit code");
    assert!(
        code == 0 || code == 1,
        "{example} {format}: exit {code}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (String::from_utf8(o.stdout).expect("UTF-8"), code)
}

fn report_json(example: &str) -> (Value, i32) {
    let (text, code) = audit(example, "json");
    (serde_json::from_str(&text).unwrap(), code)
}

/// The official schemas: the TC's draft-07 copy (its one invalid regex,
/// on `language`, which sagescope never writes, replaced by Errata 01's
/// fix so that the meta-schema check accepts it) and the Errata 01
/// publication (draft-04). Formats are asserted.
fn sarif_validators() -> Vec<jsonschema::Validator> {
    let draft07 =
        std::fs::read_to_string(manifest("tests/fixtures/sarif/sarif-schema-2.1.0.json")).unwrap();
    let bad = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert_eq!(draft07.matches(bad).count(), 2, "the vendored file changed");
    let draft07 = draft07.replace(bad, r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#);
    let errata01 = std::fs::read_to_string(manifest(
        "tests/fixtures/sarif/sarif-schema-2.1.0-errata01.json",
    ))
    .unwrap();
    [draft07, errata01]
        .iter()
        .map(|text| {
            let schema: Value = serde_json::from_str(text).unwrap();
            jsonschema::options()
                .should_validate_formats(true)
                .build(&schema)
                .unwrap()
        })
        .collect()
}

fn failing_checks(report: &Value) -> usize {
    report["checks"]
        .as_array()
        .map(|c| c.iter().filter(|c| c["status"] == "fail").count())
        .unwrap_or(0)
}

fn count(report: &Value, key: &str) -> usize {
    report["summary"][key].as_u64().unwrap() as usize
}

#[test]
fn sarif_is_valid_golden_and_consistent_with_json() {
    let validators = sarif_validators();
    for example in EXAMPLES {
        let (text, code) = audit(example, "sarif");
        let (report, json_code) = report_json(example);
        assert_eq!(
            code, json_code,
            "{example}: the format changes no exit code"
        );
        let sarif: Value = serde_json::from_str(&text).unwrap();
        for v in &validators {
            let errors: Vec<String> = v
                .iter_errors(&sarif)
                .take(10)
                .map(|e| format!("{e} at {}", e.instance_path()))
                .collect();
            assert!(errors.is_empty(), "{example}: {errors:#?}");
        }

        let run = &sarif["runs"][0];
        let results = run["results"].as_array().unwrap();
        let findings =
            count(&report, "partial") + count(&report, "blocked") + count(&report, "unknown");
        assert_eq!(
            results.len(),
            findings + failing_checks(&report),
            "{example}"
        );
        assert_eq!(run["properties"]["summary"], report["summary"], "{example}");

        // Rules: every query run, then every check; each result points at
        // its rule; fingerprints are unique.
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        let query_ids: Vec<&Value> = report["queries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|q| &q["id"])
            .collect();
        for (i, id) in query_ids.iter().enumerate() {
            assert_eq!(&&rules[i]["id"], id);
        }
        let mut fingerprints = std::collections::BTreeSet::new();
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(rules[i]["id"], r["ruleId"]);
            let fp = r["partialFingerprints"]["sagescopeFinding/v1"]
                .as_str()
                .unwrap();
            assert!(
                fingerprints.insert(fp.to_string()),
                "{example}: duplicate fingerprint {fp}"
            );
            assert!(!r["locations"].as_array().unwrap().is_empty());
        }

        // Deterministic: a second run gives the same bytes.
        assert_eq!(audit(example, "sarif").0, text, "{example}");
        insta::assert_snapshot!(format!("{example}.sarif"), text);
    }
}

#[test]
fn sarif_names_the_blocking_resources_and_the_domain_arn() {
    let (text, _) = audit("broken-vpc-only", "sarif");
    let sarif: Value = serde_json::from_str(&text).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let r = results
        .iter()
        .find(|r| {
            r["ruleId"] == "sagemaker-api" && r["properties"]["source"]["kind"] == "user-profile"
        })
        .expect("sagemaker-api is blocked for a user profile");
    assert_eq!(
        r["locations"][0]["logicalLocations"][0]["name"],
        "sg-0795f7bcfc5cf96f6"
    );
    let related: Vec<&Value> = r["relatedLocations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["logicalLocations"][0])
        .collect();
    assert!(related.iter().any(|l| l["fullyQualifiedName"]
        == "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-b3x8n5wq2jrz"));
    assert!(related
        .iter()
        .any(|l| l["fullyQualifiedName"]
            .as_str()
            .is_some_and(|a| a.starts_with(
                "arn:aws:sagemaker:eu-west-1:111122223333:user-profile/d-b3x8n5wq2jrz/"
            ))));
    // The witness path ends at the endpoint the security group guards.
    let hops = r["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert!(hops.iter().any(|h| h["kinds"][0] == "danger"));
}

#[test]
fn junit_parses_golden_and_counts_match_json() {
    for example in EXAMPLES {
        let (text, code) = audit(example, "junit");
        let (report, json_code) = report_json(example);
        assert_eq!(code, json_code, "{example}");
        let doc = roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{example}: {e}"));
        let root = doc.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let checks = report["checks"].as_array().map_or(0, Vec::len);
        let attr = |n: &str| root.attribute(n).unwrap().parse::<usize>().unwrap();
        assert_eq!(attr("tests"), count(&report, "total") + checks, "{example}");
        assert_eq!(
            attr("failures"),
            count(&report, "partial") + count(&report, "blocked") + failing_checks(&report),
            "{example}"
        );
        assert_eq!(attr("errors"), count(&report, "unknown"), "{example}");
        assert_eq!(
            attr("skipped"),
            count(&report, "not-applicable"),
            "{example}"
        );
        let cases = doc
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .count();
        assert_eq!(cases, attr("tests"), "{example}");
        // Suite counts add up to the root's.
        let suites: usize = root
            .children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|s| s.attribute("tests").unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(suites, attr("tests"));
        insta::assert_snapshot!(format!("{example}.junit"), text);
    }
}

#[test]
fn markdown_golden_fits_a_github_comment() {
    for example in EXAMPLES {
        let (text, code) = audit(example, "markdown");
        let (report, json_code) = report_json(example);
        assert_eq!(code, json_code, "{example}");
        assert!(text.chars().count() <= 65_536, "{example}");
        assert_eq!(
            text.matches("<details>").count(),
            text.matches("</details>").count()
        );
        assert_eq!(
            text.matches("```").count() % 2,
            0,
            "{example}: unbalanced fences"
        );
        // Every failing query is named.
        for r in report["results"].as_array().unwrap() {
            if ["partial", "blocked", "unknown"].contains(&r["verdict"].as_str().unwrap()) {
                let q = format!("`{}`", r["query"].as_str().unwrap());
                assert!(text.contains(&q), "{example}: {q}");
            }
        }
        insta::assert_snapshot!(format!("{example}.markdown"), text);
    }
}

#[test]
fn trace_markdown_golden() {
    let dir = manifest("examples/broken-vpc-only");
    let o = sagescope(&[
        "trace",
        dir.to_str().unwrap(),
        "--from",
        "eni-0d81ac43506a38cec",
        "--to",
        "10.20.1.11",
        "--port",
        "443",
        "--format",
        "markdown",
    ]);
    assert_eq!(o.status.code(), Some(1), "blocked flow exits 1");
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(
        text.contains("`sg-0795f7bcfc5cf96f6` security-group `ENI_SG_RULES_MISMATCH`"),
        "{text}"
    );
    insta::assert_snapshot!("trace.broken-vpc-only.markdown", text);
}

#[test]
fn formats_each_command_does_not_offer_are_usage_errors() {
    let dir = manifest("examples/broken-vpc-only");
    let dir = dir.to_str().unwrap();
    for args in [
        vec![
            "trace",
            dir,
            "--from",
            "eni-0d81ac43506a38cec",
            "--to",
            "10.20.1.11",
            "--format",
            "sarif",
        ],
        vec![
            "trace",
            dir,
            "--from",
            "eni-0d81ac43506a38cec",
            "--to",
            "10.20.1.11",
            "--format",
            "junit",
        ],
        vec!["queries", "--format", "markdown"],
        vec!["audit", dir, "--format", "xml"],
    ] {
        let o = sagescope(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("possible values"), "{args:?}: {err}");
    }
}
