//! The command line as users meet it: the built binary, its exit codes
//! (0 clean, 1 findings, 2 errors), its messages and its output contracts.
//! Engine verdicts are asserted by the scenario tests, not here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn sagescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run sagescope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

const FIXED_IDS: [&str; 7] = [
    "efs-nfs",
    "app-to-app",
    "sagemaker-api",
    "sagemaker-runtime",
    "sts",
    "logs",
    "s3",
];

/// The folders `import` → `audit` must agree on: the Batfish capture and
/// every example that exists.
fn input_folders() -> Vec<PathBuf> {
    let mut dirs = vec![manifest(
        "tests/fixtures/peer/batfish/test-vpc-endpoint-gateway/aws",
    )];
    if let Ok(entries) = std::fs::read_dir(manifest("examples")) {
        let mut examples: Vec<PathBuf> = entries
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir())
            .collect();
        examples.sort();
        dirs.extend(examples);
    }
    dirs.retain(|d| d.is_dir());
    dirs
}

#[test]
fn missing_path_is_an_input_error() {
    let o = sagescope(&["audit", "/definitely/not/here"]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(e.starts_with("error: "), "{e}");
    assert!(e.contains("/definitely/not/here"), "{e}");
    assert!(stdout(&o).is_empty());
}

#[test]
fn malformed_json_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Vpcs.json"), "{\"Vpcs\": [").unwrap();
    let o = sagescope(&["audit", dir.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(e.starts_with("error: "), "{e}");
    assert!(e.contains("Vpcs.json"), "{e}");
}

#[test]
fn usage_errors_exit_2() {
    let bad: &[&[&str]] = &[
        &[
            "trace",
            "x",
            "--from",
            "i-1",
            "--to",
            "10.0.0.1",
            "--protocol",
            "bogus",
        ],
        &[
            "trace",
            "x",
            "--from",
            "i-1",
            "--to",
            "10.0.0.1",
            "--protocol",
            "300",
        ],
        &[
            "trace",
            "x",
            "--from",
            "i-1",
            "--to",
            "10.0.0.1",
            "--protocol",
            "icmp",
            "--port",
            "80",
        ],
        &["trace", "x", "--from", "sg-1", "--to", "10.0.0.1"],
        &["trace", "x", "--from", "i-1", "--to", "not-an-ip"],
        &["audit", "x", "--format", "xml"],
        &["audit", "x", "--ephemeral-ports", "2000-1000"],
        &["audit", "x", "--color", "sometimes"],
        &["audit"],
        &["frobnicate"],
    ];
    for args in bad {
        let o = sagescope(args);
        assert_eq!(code(&o), 2, "{args:?}: {}", stderr(&o));
        assert!(
            stderr(&o).starts_with("error: "),
            "{args:?}: {}",
            stderr(&o)
        );
    }
    let o = sagescope(&[
        "trace",
        "x",
        "--from",
        "i-1",
        "--to",
        "10.0.0.1",
        "--protocol",
        "bogus",
    ]);
    assert!(
        stderr(&o).contains("tcp, udp, icmp, all or a number 0-255"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_and_version_exit_0() {
    for args in [
        &["--help"][..],
        &["--version"],
        &["audit", "--help"],
        &["trace", "--help"],
    ] {
        let o = sagescope(args);
        assert_eq!(code(&o), 0, "{args:?}");
    }
}

#[test]
fn queries_lists_every_fixed_id() {
    let o = sagescope(&["queries"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    for id in FIXED_IDS {
        assert!(out.contains(id), "{id} missing from:\n{out}");
    }
    let o = sagescope(&["queries", "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_str().unwrap())
        .collect();
    for id in FIXED_IDS {
        assert!(ids.contains(&id), "{id}");
    }
    assert_eq!(v[0]["flow"]["protocol"], "tcp");
}

#[test]
fn queries_show_prints_the_docs() {
    let o = sagescope(&["queries", "show", "efs-nfs"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.starts_with("efs-nfs: "), "{out}");
    for heading in ["\nWhat\n", "\nWhy\n", "\nFix\n", "\nReferences\n"] {
        assert!(out.contains(heading), "{heading:?} missing from:\n{out}");
    }
    assert!(out.contains("2049"));
    assert!(out.contains("  - https://"), "{out}");

    let o = sagescope(&["queries", "show", "no-such-query"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no query `no-such-query`"),
        "{}",
        stderr(&o)
    );
}

const USER_QUERY: &str = r#"
id = "my-featurestore"
title = "Apps reach the Feature Store runtime"
severity = "low"
applies = "vpc-only"
[flow]
protocol = "tcp"
ports = "443"
[destination]
kind = "service"
service = "sagemaker.featurestore-runtime"
[docs]
what = "w"
why = "y"
fix = "f"
references = ["r"]
"#;

#[test]
fn user_queries_are_listed_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("featurestore.toml"), USER_QUERY).unwrap();
    let d = dir.path().to_str().unwrap();
    let o = sagescope(&["queries", "--queries", d]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("my-featurestore"));
    let o = sagescope(&["queries", "show", "my-featurestore", "--queries", d]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));

    // A user query reusing a built-in id.
    std::fs::write(
        dir.path().join("dup.toml"),
        USER_QUERY.replace("my-featurestore", "efs-nfs"),
    )
    .unwrap();
    let o = sagescope(&["queries", "--queries", d]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("dup.toml") && e.contains("`efs-nfs` is already defined"),
        "{e}"
    );
    std::fs::remove_file(dir.path().join("dup.toml")).unwrap();

    // A bad file: named, with the problem.
    std::fs::write(
        dir.path().join("bad.toml"),
        USER_QUERY.replace("\"low\"", "\"urgent\""),
    )
    .unwrap();
    let snapshot = manifest("tests/fixtures/peer/batfish/test-vpc-endpoint-gateway/aws");
    let o = sagescope(&["audit", snapshot.to_str().unwrap(), "--queries", d]);
    assert_eq!(code(&o), 2);
    let e = stderr(&o);
    assert!(
        e.contains("bad.toml") && e.contains("severity `urgent`"),
        "{e}"
    );

    // A directory without query files is most likely a mistake.
    let empty = tempfile::tempdir().unwrap();
    let o = sagescope(&["queries", "--queries", empty.path().to_str().unwrap()]);
    assert_eq!(code(&o), 2);
}

#[test]
fn import_then_audit_equals_audit_of_the_folder() {
    let folders = input_folders();
    assert!(!folders.is_empty());
    let tmp = tempfile::tempdir().unwrap();
    for (i, folder) in folders.iter().enumerate() {
        let folder = folder.to_str().unwrap();
        let snap = tmp.path().join(format!("snapshot-{i}.json"));
        let snap = snap.to_str().unwrap();
        let o = sagescope(&["import", folder, "-o", snap]);
        assert_eq!(code(&o), 0, "import {folder}: {}", stderr(&o));

        let direct = sagescope(&["audit", folder, "--format", "json"]);
        let via = sagescope(&["audit", snap, "--format", "json"]);
        assert_ne!(code(&direct), 2, "audit {folder}: {}", stderr(&direct));
        assert_eq!(code(&direct), code(&via), "{folder}");
        assert_eq!(stdout(&direct), stdout(&via), "{folder}");
        assert!(stdout(&direct).ends_with("}\n"));

        // `-o -` writes the same snapshot to stdout.
        let o = sagescope(&["import", folder, "-o", "-"]);
        assert_eq!(code(&o), 0);
        assert_eq!(o.stdout, std::fs::read(snap).unwrap(), "{folder}");
    }
}

#[test]
fn audit_json_carries_the_contract_fields() {
    for folder in input_folders() {
        let o = sagescope(&["audit", folder.to_str().unwrap(), "--format", "json"]);
        assert_ne!(code(&o), 2, "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        for key in ["schema_version", "summary", "results", "warnings", "notes"] {
            assert!(v.get(key).is_some(), "{key} in {}", folder.display());
        }
        let results = v["results"].as_array().unwrap();
        let summary = &v["summary"];
        assert_eq!(summary["total"].as_u64().unwrap() as usize, results.len());
        let failing = results.iter().any(|r| {
            matches!(
                r["verdict"].as_str().unwrap(),
                "partial" | "blocked" | "unknown"
            )
        });
        // Failing compliance checks of medium severity or above count too
        // by default (tests/ci.rs covers --fail-on).
        let failing_check = v["checks"].as_array().is_some_and(|c| {
            c.iter().any(|c| {
                c["status"] == "fail"
                    && matches!(c["severity"].as_str(), Some("medium" | "high" | "critical"))
            })
        });
        assert_eq!(
            code(&o),
            i32::from(failing || failing_check),
            "{}",
            folder.display()
        );
        for r in results {
            for key in [
                "query",
                "domain",
                "source",
                "destination",
                "verdict",
                "blocked_at",
                "path",
            ] {
                assert!(r.get(key).is_some(), "{key}");
            }
        }
        // Every applicable verdict-bearing domain shows the fixed ids.
        if !v["domains"].as_array().unwrap().is_empty() {
            for id in FIXED_IDS {
                assert!(
                    results.iter().any(|r| r["query"] == id),
                    "{id} in {}",
                    folder.display()
                );
            }
        }
    }
}

#[test]
fn filters_are_checked() {
    for folder in input_folders() {
        let f = folder.to_str().unwrap();
        let o = sagescope(&["audit", f, "--query", "no-such-query"]);
        assert_eq!(code(&o), 2);
        assert!(
            stderr(&o).contains("--query no-such-query"),
            "{}",
            stderr(&o)
        );
        let o = sagescope(&["audit", f, "--domain-id", "d-nope"]);
        assert_eq!(code(&o), 2);
        assert!(stderr(&o).contains("--domain-id d-nope"), "{}", stderr(&o));

        let o = sagescope(&["audit", f, "--query", "efs-nfs", "--format", "json"]);
        assert_ne!(code(&o), 2, "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert!(v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["query"] == "efs-nfs"));
    }
}

#[test]
fn table_output_and_colour() {
    for folder in input_folders() {
        let f = folder.to_str().unwrap();
        // Not a terminal: no colour unless forced.
        let plain = sagescope(&["audit", f]);
        assert_ne!(code(&plain), 2, "{}", stderr(&plain));
        let out = stdout(&plain);
        assert!(!out.contains('\u{1b}'), "{out}");
        let last = out.lines().last().unwrap();
        assert!(
            last.contains(" results: ") || last.contains(" result: "),
            "{last}"
        );
        assert!(last.ends_with(" not applicable"), "{last}");

        let forced = sagescope(&["audit", f, "--color", "always"]);
        let has_rows = out.contains("│ ");
        assert_eq!(
            stdout(&forced).contains('\u{1b}'),
            has_rows,
            "{}",
            folder.display()
        );
        let never = sagescope(&["audit", f, "--color", "never"]);
        assert_eq!(stdout(&never), out);
    }
}

#[test]
fn warnings_go_to_stderr_in_table_mode_only() {
    // The Batfish capture has no SageMaker domain: a warning, and exit 0.
    let folder = manifest("tests/fixtures/peer/batfish/test-vpc-endpoint-gateway/aws");
    let f = folder.to_str().unwrap();
    let o = sagescope(&["audit", f]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stderr(&o).contains("warning[no-domains]"), "{}", stderr(&o));
    assert!(
        !stderr(&o).contains("note["),
        "notes need -v: {}",
        stderr(&o)
    );
    let o = sagescope(&["audit", f, "-v"]);
    assert!(stderr(&o).contains("note[unknown-input]"), "{}", stderr(&o));
    let o = sagescope(&["audit", f, "--format", "json"]);
    assert!(stderr(&o).is_empty(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["warnings"][0]["code"], "no-domains");
    assert!(!v["notes"].as_array().unwrap().is_empty());
}

#[test]
fn trace_checks_its_source_and_prints_a_report() {
    let folder = manifest("tests/fixtures/peer/batfish/test-vpc-endpoint-gateway/aws");
    let f = folder.to_str().unwrap();
    let o = sagescope(&[
        "trace",
        f,
        "--from",
        "i-0000000000000dead",
        "--to",
        "10.0.0.1",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("no instance i-0000000000000dead"),
        "{}",
        stderr(&o)
    );

    let o = sagescope(&[
        "trace", f, "--from", "internet", "--to", "10.0.0.1", "--port", "443", "--format", "json",
    ]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    for key in [
        "schema_version",
        "verdict",
        "blocked_at",
        "path",
        "return_path",
        "notes",
    ] {
        assert!(v.get(key).is_some(), "{key}");
    }
    assert_eq!(v["flow"]["dst_ports"], "443");
    assert_eq!(v["flow"]["src_ports"], "1024-65535");
    assert_eq!(code(&o), i32::from(v["verdict"] != "reachable"));

    let o = sagescope(&["trace", f, "--from", "internet", "--to", "10.0.0.1"]);
    assert_ne!(code(&o), 2, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.starts_with("Trace internet -> 10.0.0.1 tcp all ports"),
        "{out}"
    );
    assert!(out.contains("\nverdict: "), "{out}");
    assert!(out.contains("forward path:"), "{out}");
    assert!(out.contains("return path:"), "{out}");
}

#[test]
fn a_domain_known_only_from_list_domains_is_unknown_not_clean() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    std::fs::write(
        &snap,
        r#"{"schema_version": 1, "domains": [{"id": "d-listonly"}],
            "user_profiles": [{"domain_id": "d-listonly", "name": "alice"}]}"#,
    )
    .unwrap();
    let o = sagescope(&["audit", snap.to_str().unwrap(), "--format", "json"]);
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let results = v["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(r["verdict"], "unknown", "{r}");
        assert!(!r["notes"].as_array().unwrap().is_empty(), "{r}");
    }
    // One result per query and logical source (no subnet known).
    let efs: Vec<_> = results.iter().filter(|r| r["query"] == "efs-nfs").collect();
    assert_eq!(efs.len(), 2);
    assert_eq!(efs[0]["source"]["kind"], "default-user-settings");
    assert_eq!(efs[1]["source"]["name"], "alice");

    // --fail-on above every query's severity: still a report, exit 0.
    let o = sagescope(&[
        "audit",
        snap.to_str().unwrap(),
        "--fail-on",
        "critical",
        "--query",
        "studio",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert!(stdout(&o).contains("unknown"));
}
