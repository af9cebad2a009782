//! Issue 6: the bad-input corpus. Each folder of `tests/bad-input/` is one
//! case: a `README.md` line saying what is broken and what must happen, an
//! `expect.toml` with the expected outcome, and the input: files under
//! `input/`, laid over an example folder (`base`) when the case is a
//! variation of a real capture, plus `patch.json` edits (JSON pointer ->
//! new value) of the base's files. Inputs too big or too odd to commit (a
//! 50 MB file, JSON nested a million deep, an empty folder, a symlink
//! loop) are generated here (`generate`).
//!
//! Every case runs the real binary: `audit --format json`, `audit` (table),
//! `import` and, when the input loads, the audit of the imported snapshot
//! (it must equal the audit of the input) and a trace. Whatever the input,
//! nothing panics, the exit code is 0, 1 or 2, an error names its file
//! (and the line and column for malformed JSON), and the verdict
//! constraints of the case hold: a degraded audit is an honest one.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde::Deserialize;
use serde_json::Value;

/// `expect.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// An example folder (relative to the repository) the case starts from.
    base: Option<String>,
    /// Files of the base to delete.
    #[serde(default)]
    remove: Vec<String>,
    /// Audit this file of the assembled input instead of the whole folder.
    file: Option<String>,
    /// An input made by this test: `big-file`, `deep-nesting`, `empty-dir`,
    /// `symlink-loop`.
    generate: Option<String>,
    /// The input is rejected: exit 2 with a message naming the file (and
    /// position). Otherwise the audit runs (exit 0 or 1: compliance checks
    /// and findings decide) and the report is checked.
    #[serde(default)]
    error: bool,
    /// Texts stderr must contain (the error message for exit 2).
    #[serde(default)]
    stderr: Vec<String>,
    /// Codes that must be among the report's warnings.
    #[serde(default)]
    warnings: Vec<String>,
    /// Codes that must be among the report's notes.
    #[serde(default)]
    notes: Vec<String>,
    /// Texts that some warning or note message must contain.
    #[serde(default)]
    messages: Vec<String>,
    /// At most this many results may be `reachable`.
    max_reachable: Option<usize>,
    /// Exactly this many results.
    results: Option<usize>,
    /// Constraints on the verdicts of matching results.
    #[serde(default)]
    verdicts: Vec<VerdictRule>,
    /// Every step of the case (each run of the binary) within this time.
    #[serde(default = "default_secs")]
    seconds: u64,
}

fn default_secs() -> u64 {
    60
}

/// The results of `query` (all queries when absent) from sources of `kind`
/// whose name or subnet contains `source` must each have a verdict in
/// `allowed`, and there must be at least `min` of them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerdictRule {
    query: Option<String>,
    /// Source kind: `user-profile`, `shared-space`, `app-eni`, ...
    kind: Option<String>,
    source: Option<String>,
    allowed: Vec<String>,
    #[serde(default = "one")]
    min: usize,
}

fn one() -> usize {
    1
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sagescope(args: &[&str], limit: Duration) -> Output {
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .expect("run sagescope");
    let took = start.elapsed();
    assert!(
        took <= limit,
        "sagescope {args:?} took {took:?} (limit {limit:?})"
    );
    out
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &target);
        } else {
            fs::copy(e.path(), target).unwrap();
        }
    }
}

/// One `patch.json` edit: set (or with `"remove": true`, delete) the value
/// at `pointer` (RFC 6901; a final `-` appends to a list) in `file`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Patch {
    file: String,
    pointer: String,
    #[serde(default)]
    set: Option<Value>,
    #[serde(default)]
    remove: bool,
}

fn apply_patch(root: &Path, p: &Patch) {
    let path = root.join(&p.file);
    let mut doc: Value = serde_json::from_slice(&fs::read(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let (parent, last) = p.pointer.rsplit_once('/').expect("pointer starts with /");
    let last = last.replace("~1", "/").replace("~0", "~");
    let target = doc
        .pointer_mut(parent)
        .unwrap_or_else(|| panic!("{}: no {parent}", p.file));
    match target {
        Value::Array(a) if p.remove => {
            a.remove(last.parse::<usize>().unwrap());
        }
        Value::Object(m) if p.remove => {
            m.remove(&last);
        }
        Value::Array(a) if last == "-" => a.push(p.set.clone().expect("set")),
        Value::Array(a) => a[last.parse::<usize>().unwrap()] = p.set.clone().expect("set"),
        Value::Object(m) => {
            m.insert(last, p.set.clone().expect("set"));
        }
        other => panic!("{}: {parent} is {other}", p.file),
    }
    fs::write(&path, serde_json::to_vec_pretty(&doc).unwrap()).unwrap();
}

/// Build the case's input in `work`; returns the path to audit.
fn assemble(case: &Path, e: &Expect, work: &Path) -> PathBuf {
    let input = work.join("input");
    match &e.base {
        Some(base) => copy_tree(&repo().join(base), &input),
        None => fs::create_dir_all(&input).unwrap(),
    }
    // The examples' README.md files are notes, not data; drop them so the
    // case audits only what it means to.
    let _ = fs::remove_file(input.join("README.md"));
    if case.join("input").is_dir() {
        copy_tree(&case.join("input"), &input);
    }
    if case.join("patch.json").is_file() {
        let patches: Vec<Patch> =
            serde_json::from_slice(&fs::read(case.join("patch.json")).unwrap())
                .unwrap_or_else(|err| panic!("{}/patch.json: {err}", case.display()));
        for p in &patches {
            apply_patch(&input, p);
        }
    }
    for r in &e.remove {
        fs::remove_file(input.join(r)).unwrap_or_else(|err| panic!("remove {r}: {err}"));
    }
    if let Some(g) = &e.generate {
        generate(g, &input);
    }
    match &e.file {
        Some(f) => input.join(f),
        None => input,
    }
}

/// Inputs that are made, not committed.
fn generate(what: &str, dir: &Path) {
    match what {
        // A 50 MB DescribeNetworkInterfaces response: 60,000 ENIs in the
        // domain's subnets, next to the healthy example.
        "big-file" => {
            let subnets = [
                ("subnet-0966e35736def668a", 1),
                ("subnet-070eb9fae3ad969c9", 2),
                ("subnet-029086f39b0237461", 3),
            ];
            let mut s = String::from("{\"NetworkInterfaces\": [\n");
            let mut i = 0u32;
            while s.len() < 50 * 1024 * 1024 {
                let (subnet, third) = subnets[(i % 3) as usize];
                let host = 10 + i / 3 % 240;
                if i > 0 {
                    s.push_str(",\n");
                }
                s.push_str(&format!(
                    r#"{{"NetworkInterfaceId": "eni-{i:017x}", "SubnetId": "{subnet}", "VpcId": "vpc-0a1b2c3d4e5f60718", "AvailabilityZone": "eu-west-1a", "Description": "load test interface number {i} with a long description to make the file big {pad}", "InterfaceType": "interface", "Status": "available", "PrivateIpAddress": "10.20.{third}.{host}", "PrivateIpAddresses": [{{"Primary": true, "PrivateIpAddress": "10.20.{third}.{host}"}}], "Groups": [{{"GroupId": "sg-058a3dcd99a6ecd46", "GroupName": "default"}}], "SourceDestCheck": true, "RequesterManaged": false, "TagSet": [{{"Key": "Name", "Value": "load-{i}"}}]}}"#,
                    pad = "x".repeat(400),
                ));
                i += 1;
            }
            s.push_str("\n]}\n");
            fs::write(dir.join("describe-network-interfaces-load.json"), s).unwrap();
        }
        // 2,000,000 nested lists under a known key: serde_json's recursion
        // limit must turn it into an error with a position, not a stack
        // overflow.
        "deep-nesting" => {
            let depth = 2_000_000;
            let mut s = String::with_capacity(2 * depth + 20);
            s.push_str("{\"Vpcs\": ");
            s.push_str(&"[".repeat(depth));
            s.push_str(&"]".repeat(depth));
            s.push('}');
            fs::write(dir.join("describe-vpcs.json"), s).unwrap();
        }
        "empty-dir" => {
            fs::create_dir_all(dir.join("nothing-here")).unwrap();
        }
        // A folder that contains itself: read once, no endless walk.
        "symlink-loop" => {
            #[cfg(unix)]
            std::os::unix::fs::symlink(".", dir.join("again")).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink("again", dir.join("sub-again")).unwrap();
        }
        other => panic!("unknown generator {other}"),
    }
}

fn codes(v: &Value, key: &str) -> BTreeSet<String> {
    v[key]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|d| d["code"].as_str().map(str::to_string))
        .collect()
}

fn check_no_panic(case: &str, step: &str, o: &Output) {
    let err = text(&o.stderr);
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "{case}: {step} panicked:\n{err}"
    );
    let code = o.status.code();
    assert!(
        matches!(code, Some(0..=2)),
        "{case}: {step} exit {code:?} (killed by a signal?)\n{err}"
    );
}

fn check_error(case: &str, step: &str, e: &Expect, o: &Output) {
    let err = text(&o.stderr);
    assert!(err.starts_with("error: "), "{case}: {step}: {err}");
    assert!(
        o.stdout.is_empty(),
        "{case}: {step} printed on an error: {}",
        text(&o.stdout)
    );
    for s in &e.stderr {
        assert!(
            err.contains(s.as_str()),
            "{case}: {step}: stderr lacks {s:?}:\n{err}"
        );
    }
}

fn check_report(case: &str, e: &Expect, v: &Value) {
    let warnings = codes(v, "warnings");
    for c in &e.warnings {
        assert!(
            warnings.contains(c),
            "{case}: no warning {c} in {warnings:?}"
        );
    }
    let notes = codes(v, "notes");
    for c in &e.notes {
        assert!(notes.contains(c), "{case}: no note {c} in {notes:?}");
    }
    let messages: Vec<&str> = ["warnings", "notes"]
        .iter()
        .flat_map(|k| v[*k].as_array().into_iter().flatten())
        .filter_map(|d| d["message"].as_str())
        .collect();
    for m in &e.messages {
        assert!(
            messages.iter().any(|x| x.contains(m.as_str())),
            "{case}: no message with {m:?} in {messages:#?}"
        );
    }
    let results = v["results"].as_array().expect("results");
    if let Some(n) = e.results {
        assert_eq!(results.len(), n, "{case}: number of results");
    }
    let reachable = results
        .iter()
        .filter(|r| r["verdict"] == "reachable")
        .count();
    if let Some(max) = e.max_reachable {
        assert!(
            reachable <= max,
            "{case}: {reachable} reachable results (max {max})"
        );
    }
    for r in results {
        // A reachable result never names a blocker, whatever the input.
        if r["verdict"] == "reachable" {
            assert_eq!(r["blocked_at"], Value::Array(vec![]), "{case}: {r:#}");
        }
    }
    for rule in &e.verdicts {
        let matching: Vec<&Value> = results
            .iter()
            .filter(|r| rule.query.as_ref().is_none_or(|q| r["query"] == q.as_str()))
            .filter(|r| {
                rule.kind
                    .as_ref()
                    .is_none_or(|k| r["source"]["kind"] == k.as_str())
            })
            .filter(|r| {
                rule.source.as_ref().is_none_or(|s| {
                    let src = &r["source"];
                    [&src["name"], &src["subnet_id"]]
                        .iter()
                        .any(|x| x.as_str().is_some_and(|x| x.contains(s.as_str())))
                })
            })
            .collect();
        assert!(
            matching.len() >= rule.min,
            "{case}: {} results match {rule:?}",
            matching.len()
        );
        for r in matching {
            let verdict = r["verdict"].as_str().unwrap_or_default();
            assert!(
                rule.allowed.iter().any(|a| a == verdict),
                "{case}: {} from {} is {verdict}, allowed {:?}\n{r:#}",
                r["query"],
                r["source"]["name"],
                rule.allowed
            );
        }
    }
}

fn run_case(dir: &Path) {
    let case = dir.file_name().unwrap().to_string_lossy().into_owned();
    let readme = fs::read_to_string(dir.join("README.md"))
        .unwrap_or_else(|_| panic!("{case}: README.md missing"));
    assert!(!readme.trim().is_empty(), "{case}: empty README.md");
    let e: Expect = toml::from_str(&fs::read_to_string(dir.join("expect.toml")).unwrap())
        .unwrap_or_else(|err| panic!("{case}/expect.toml: {err}"));
    let limit = Duration::from_secs(e.seconds);
    let work = tempfile::tempdir().unwrap();
    let input = assemble(dir, &e, work.path());
    let input_s = input.to_str().unwrap();

    // audit, JSON.
    let o = sagescope(&["audit", input_s, "--format", "json"], limit);
    check_no_panic(&case, "audit --format json", &o);
    let exit = o.status.code();
    assert_eq!(
        exit == Some(2),
        e.error,
        "{case}: audit --format json exit {exit:?}\n{}",
        text(&o.stderr)
    );
    let report = if e.error {
        check_error(&case, "audit --format json", &e, &o);
        None
    } else {
        let v: Value = serde_json::from_slice(&o.stdout)
            .unwrap_or_else(|err| panic!("{case}: audit JSON: {err}"));
        check_report(&case, &e, &v);
        Some(o.stdout)
    };

    // audit, table: same exit code; warnings on stderr.
    let o = sagescope(&["audit", input_s], limit);
    check_no_panic(&case, "audit", &o);
    assert_eq!(o.status.code(), exit, "{case}: audit (table)");
    if e.error {
        check_error(&case, "audit", &e, &o);
    } else {
        let err = text(&o.stderr);
        for c in &e.warnings {
            assert!(err.contains(&format!("warning[{c}]")), "{case}: {err}");
        }
        for s in &e.stderr {
            assert!(
                err.contains(s.as_str()),
                "{case}: stderr lacks {s:?}:\n{err}"
            );
        }
    }

    // import: the same error, or a snapshot that audits the same.
    let snap = work.path().join("snapshot.json");
    let o = sagescope(&["import", input_s, "-o", snap.to_str().unwrap()], limit);
    check_no_panic(&case, "import", &o);
    match report {
        None => {
            assert_eq!(o.status.code(), Some(2), "{case}: import");
            check_error(&case, "import", &e, &o);
        }
        Some(report) => {
            assert_eq!(
                o.status.code(),
                Some(0),
                "{case}: import\n{}",
                text(&o.stderr)
            );
            let o = sagescope(
                &["audit", snap.to_str().unwrap(), "--format", "json"],
                limit,
            );
            check_no_panic(&case, "audit of the snapshot", &o);
            assert_eq!(o.status.code(), exit, "{case}: audit of the snapshot");
            assert!(
                o.stdout == report,
                "{case}: auditing the imported snapshot differs from auditing the input"
            );
        }
    }

    // trace: any flow; the same input error, or a verdict.
    let o = sagescope(
        &[
            "trace",
            input_s,
            "--from",
            "internet",
            "--to",
            "10.20.1.11",
            "--port",
            "443",
        ],
        limit,
    );
    check_no_panic(&case, "trace", &o);
    if e.error {
        assert_eq!(o.status.code(), Some(2), "{case}: trace");
        check_error(&case, "trace", &e, &o);
    } else {
        assert!(
            matches!(o.status.code(), Some(0 | 1)),
            "{case}: trace\n{}",
            text(&o.stderr)
        );
    }
}

fn cases() -> Vec<PathBuf> {
    let root = repo().join("tests/bad-input");
    let mut dirs: Vec<PathBuf> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn every_bad_input_case_behaves_as_expected() {
    let dirs = cases();
    assert!(dirs.len() >= 20, "only {} cases", dirs.len());
    // Two workers: each case runs the binary five times.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failed = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(dir) = dirs.get(i) else { break };
                if let Err(e) = std::panic::catch_unwind(|| run_case(dir)) {
                    let msg = e
                        .downcast_ref::<String>()
                        .cloned()
                        .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                        .unwrap_or_default();
                    failed
                        .lock()
                        .unwrap()
                        .push(format!("{}: {msg}", dir.display()));
                }
            });
        }
    });
    let failed = failed.into_inner().unwrap();
    assert!(
        failed.is_empty(),
        "{} case(s) failed:\n{}",
        failed.len(),
        failed.join("\n\n")
    );
}
