//! Issue 6, security (the offline half): `--redact` on audit, trace and
//! import; snapshot files readable by their owner only; no secret from
//! the environment in any output or snapshot.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn sagescope(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run sagescope")
}

fn example(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every IPv4 address or CIDR block and 12-digit account id in `s`, as
/// whole tokens.
fn identifiers(s: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_digit()
            && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'.'))
        {
            let len = b[i..]
                .iter()
                .take_while(|c| c.is_ascii_digit() || **c == b'.')
                .count();
            let tok = s[i..i + len].trim_end_matches('.');
            let next = b.get(i + tok.len()).copied().unwrap_or(b' ');
            if !next.is_ascii_alphanumeric() {
                if tok.parse::<std::net::Ipv4Addr>().is_ok() {
                    // A CIDR block is its address and its length.
                    let rest = &s[i + tok.len()..];
                    let suffix: String = match rest.strip_prefix('/') {
                        Some(r) => {
                            let n: String = r.chars().take_while(char::is_ascii_digit).collect();
                            format!("/{n}")
                        }
                        None => String::new(),
                    };
                    out.insert(format!("{tok}{suffix}"));
                } else if tok.len() == 12 && tok.bytes().all(|c| c.is_ascii_digit()) {
                    out.insert(tok.to_string());
                }
            }
            i += len.max(1);
        } else {
            i += 1;
        }
    }
    out
}

/// Addresses `--redact` keeps on purpose: they identify nobody.
fn kept(id: &str) -> bool {
    id.starts_with("0.")
        || id.starts_with("127.")
        || id.starts_with("169.254.")
        || id.starts_with("255.")
}

/// Checks that `redacted` names none of the identifiers of `original` and
/// keeps them distinct. The key is random per run and the mapping keeps the
/// leading bits, so a pseudonym can by chance equal *another* original
/// identifier (52.92.0.0/17 can become 52.218.0.0/17, which the S3 list also
/// has): an identifier only counts as leaked when it also survives two more
/// redactions with fresh keys (`again` reruns the redacting command).
fn assert_redacted(original: &str, redacted: &str, what: &str, again: impl Fn() -> String) {
    let before: BTreeSet<String> = identifiers(original)
        .into_iter()
        .filter(|i| !kept(i))
        .collect();
    assert!(!before.is_empty(), "{what}: nothing to redact?");
    let after = identifiers(redacted);
    let mut leaked: BTreeSet<String> = before.intersection(&after).cloned().collect();
    for _ in 0..2 {
        if leaked.is_empty() {
            break;
        }
        let rerun = identifiers(&again());
        leaked.retain(|i| rerun.contains(i));
    }
    assert!(
        leaked.is_empty(),
        "{what}: {leaked:?} left in the redacted output"
    );
    // Distinct stays distinct: as many different identifiers as before.
    let after: BTreeSet<String> = after.into_iter().filter(|i| !kept(i)).collect();
    assert_eq!(
        before.len(),
        after.len(),
        "{what}: identifiers merged or split"
    );
}

#[test]
fn redacted_audit_explains_the_same_paths() {
    let dir = example("broken-vpc-only");
    let d = dir.to_str().unwrap();
    let plain = sagescope(&["audit", d, "--format", "json"]);
    let red = sagescope(&["audit", d, "--format", "json", "--redact"]);
    assert_eq!(
        plain.status.code(),
        red.status.code(),
        "{}",
        text(&red.stderr)
    );
    let (p, r) = (text(&plain.stdout), text(&red.stdout));
    assert!(p.contains("111122223333"), "the example names its account");
    assert_redacted(&p, &r, "audit --format json", || {
        text(&sagescope(&["audit", d, "--format", "json", "--redact"]).stdout)
    });
    let p: Value = serde_json::from_str(&p).unwrap();
    let r: Value = serde_json::from_str(&r).unwrap();
    assert_eq!(p["summary"], r["summary"]);
    let (pr, rr) = (
        p["results"].as_array().unwrap(),
        r["results"].as_array().unwrap(),
    );
    assert_eq!(pr.len(), rr.len());
    let shape = |h: &Value| {
        (
            h["resource"].clone(),
            h["kind"].clone(),
            h["decision"].clone(),
        )
    };
    for (a, b) in pr.iter().zip(rr) {
        for key in ["query", "domain", "verdict", "severity"] {
            assert_eq!(a[key], b[key], "{key}");
        }
        let codes = |v: &Value| -> Vec<(Value, Value, Value, Value)> {
            v["blocked_at"]
                .as_array()
                .unwrap()
                .iter()
                .map(|x| {
                    (
                        x["resource"].clone(),
                        x["kind"].clone(),
                        x["direction"].clone(),
                        x["code"].clone(),
                    )
                })
                .collect()
        };
        assert_eq!(codes(a), codes(b), "blockers of {}", a["query"]);
        for path in ["path", "return_path"] {
            let hops =
                |v: &Value| -> Vec<_> { v[path].as_array().unwrap().iter().map(shape).collect() };
            assert_eq!(hops(a), hops(b), "{path} of {}", a["query"]);
        }
    }
}

#[test]
fn every_format_is_redacted() {
    let dir = example("broken-vpc-only");
    let d = dir.to_str().unwrap();
    for format in ["table", "json", "markdown", "sarif", "junit"] {
        let plain = sagescope(&["audit", d, "--format", format, "--expand", "-v"]);
        let red = sagescope(&["audit", d, "--format", format, "--expand", "-v", "--redact"]);
        assert_eq!(
            plain.status.code(),
            red.status.code(),
            "{format}: {}",
            text(&red.stderr)
        );
        let args = ["audit", d, "--format", format, "--expand", "-v", "--redact"];
        assert_redacted(&text(&plain.stdout), &text(&red.stdout), format, || {
            text(&sagescope(&args).stdout)
        });
        // Warnings and notes on stderr too.
        let leaked: Vec<String> = identifiers(&text(&red.stderr))
            .intersection(&identifiers(&text(&plain.stderr)))
            .filter(|i| !kept(i))
            .cloned()
            .collect();
        assert!(leaked.is_empty(), "{format} stderr: {leaked:?}");
    }
}

#[test]
fn redacted_trace_keeps_its_verdict_and_blockers() {
    let dir = example("broken-vpc-only");
    let d = dir.to_str().unwrap();
    let args = [
        "trace",
        d,
        "--from",
        "eni-0d81ac43506a38cec",
        "--to",
        "10.20.3.11",
        "--port",
        "443",
        "--format",
        "json",
    ];
    let plain = sagescope(&args);
    let mut with = args.to_vec();
    with.push("--redact");
    let red = sagescope(&with);
    assert_eq!(plain.status.code(), red.status.code());
    let (p, r) = (text(&plain.stdout), text(&red.stdout));
    assert_redacted(&p, &r, "trace", || text(&sagescope(&with).stdout));
    let p: Value = serde_json::from_str(&p).unwrap();
    let r: Value = serde_json::from_str(&r).unwrap();
    assert_eq!(p["verdict"], r["verdict"]);
    assert_ne!(p["to"], r["to"]);
    let codes = |v: &Value| -> Vec<Value> {
        v["blocked_at"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["code"].clone())
            .collect()
    };
    assert_eq!(codes(&p), codes(&r));
    let table = sagescope(
        &with[..with.len() - 3]
            .iter()
            .copied()
            .chain(["--redact"])
            .collect::<Vec<_>>(),
    );
    assert!(
        !text(&table.stdout).contains("10.20.3.11"),
        "{}",
        text(&table.stdout)
    );
}

#[test]
fn a_redacted_snapshot_audits_to_the_same_verdicts() {
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("redacted.json");
    let dir = example("broken-vpc-only");
    let d = dir.to_str().unwrap();
    let o = sagescope(&["import", d, "-o", snap.to_str().unwrap(), "--redact"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let plain = sagescope(&["import", d, "-o", "-"]);
    let written = std::fs::read_to_string(&snap).unwrap();
    assert_redacted(&text(&plain.stdout), &written, "import --redact", || {
        text(&sagescope(&["import", d, "-o", "-", "--redact"]).stdout)
    });
    let verdicts = |path: &str| -> Vec<(String, String)> {
        let o = sagescope(&["audit", path, "--format", "json"]);
        let v: Value = serde_json::from_slice(&o.stdout).unwrap();
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["query"].to_string(), r["verdict"].to_string()))
            .collect()
    };
    let mut a = verdicts(d);
    let mut b = verdicts(snap.to_str().unwrap());
    // Results are sorted by their (redacted) destinations: compare as sets.
    a.sort();
    b.sort();
    assert_eq!(a, b);
}

#[cfg(unix)]
#[test]
fn snapshot_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("snap.json");
    // Also when the file existed with looser permissions.
    std::fs::write(&snap, "old").unwrap();
    std::fs::set_permissions(&snap, std::fs::Permissions::from_mode(0o644)).unwrap();
    let dir = example("public-internet-only");
    let o = sagescope(&[
        "import",
        dir.to_str().unwrap(),
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let mode = std::fs::metadata(&snap).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
    let fresh = tmp.path().join("fresh.json");
    let o = sagescope(&[
        "import",
        dir.to_str().unwrap(),
        "-o",
        fresh.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0));
    let mode = std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{mode:o}");
}

#[test]
fn no_secret_from_the_environment_reaches_outputs_or_snapshots() {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEYzz";
    let token = "FwoGZXIvYXdzEXAMPLESESSIONTOKENxyz0123456789";
    let key_id = "AKIAEXAMPLEKEYID0001";
    let tmp = tempfile::tempdir().unwrap();
    let snap = tmp.path().join("s.json");
    let dir = example("broken-vpc-only");
    let d = dir.to_str().unwrap();
    let runs: Vec<Vec<&str>> = vec![
        vec!["import", d, "-o", snap.to_str().unwrap()],
        vec!["audit", d, "-v", "--expand"],
        vec!["audit", d, "--format", "json", "-v"],
        vec!["audit", d, "--format", "markdown", "-v"],
        vec!["trace", d, "--from", "internet", "--to", "10.20.3.11", "-v"],
        vec!["audit", "/no/such/path"],
    ];
    for args in runs {
        let o = Command::new(env!("CARGO_BIN_EXE_sagescope"))
            .args(&args)
            .env("AWS_SECRET_ACCESS_KEY", secret)
            .env("AWS_SESSION_TOKEN", token)
            .env("AWS_ACCESS_KEY_ID", key_id)
            .env("RUST_BACKTRACE", "1")
            .output()
            .unwrap();
        for out in [&o.stdout, &o.stderr] {
            let s = text(out);
            for x in [secret, token, key_id] {
                assert!(!s.contains(x), "{args:?} printed a credential");
            }
        }
    }
    let written = std::fs::read_to_string(&snap).unwrap();
    for x in [secret, token, key_id] {
        assert!(!written.contains(x), "the snapshot holds a credential");
    }
}
