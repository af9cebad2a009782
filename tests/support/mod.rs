//! Shared harness of the scenario and example tests: `expect.toml` files,
//! running the real binary, and matching expectations against its JSON.
//!
//! An `expect.toml` holds `[[expect]]` tables:
//!
//! ```toml
//! [[expect]]
//! query = "efs-nfs"
//! source = "user-profile alice"   # SourceRef kind [+ name], or "app-eni eni-…"; absent = every source
//! subnet = "subnet-…"             # optional: only sources in this subnet
//! destination = "fsmt-…"          # optional: the result's destination contains this text
//! verdict = "blocked"             # or "no-result": no result may match
//! blocked_at = ["sg-0abc:ENI_SG_RULES_MISMATCH", "acl-0abc:SUBNET_ACL_RESTRICTION:return"]
//! reachable_part = "32768-60999"  # optional: the partial result's reachable part contains this
//! count = 3                       # optional: exactly this many results match
//! ignore = "why"                  # optional: a known disagreement with the tool (see the report)
//! ```
//!
//! and optionally `[[warning]]` tables (`contains = [...]`: one warning of the
//! report mentions every string, in its message or its ids). A blocker's
//! resource may be `*` when any resource will do. Every matching result must
//! satisfy the expectation, and a matching result must exist.

#![allow(dead_code)] // each test binary uses a part of this module

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;
use serde_json::Value;

pub const VERDICTS: [&str; 6] = [
    "reachable",
    "partial",
    "blocked",
    "unknown",
    "not-applicable",
    "no-result",
];

pub const SOURCE_KINDS: [&str; 5] = [
    "user-profile",
    "shared-space",
    "default-user-settings",
    "default-space-settings",
    "app-eni",
];

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectFile {
    #[serde(default)]
    pub expect: Vec<Expect>,
    #[serde(default)]
    pub warning: Vec<WarningExpect>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    pub query: String,
    pub source: Option<String>,
    pub subnet: Option<String>,
    pub destination: Option<String>,
    pub verdict: String,
    #[serde(default)]
    pub blocked_at: Vec<String>,
    pub reachable_part: Option<String>,
    pub count: Option<usize>,
    pub ignore: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WarningExpect {
    pub contains: Vec<String>,
    pub ignore: Option<String>,
}

impl Expect {
    /// `efs-nfs user-profile alice @ subnet-… -> fsmt-…: blocked`
    pub fn describe(&self) -> String {
        let mut s = format!(
            "{} {}",
            self.query,
            self.source.as_deref().unwrap_or("(every source)")
        );
        if let Some(sub) = &self.subnet {
            s.push_str(&format!(" @ {sub}"));
        }
        if let Some(d) = &self.destination {
            s.push_str(&format!(" -> *{d}*"));
        }
        format!("{s}: {}", self.verdict)
    }
}

pub fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// The sub-folders of `dir`, sorted.
pub fn folders(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

pub fn load_expect(path: &Path) -> ExpectFile {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Built-in query ids and whether each is opt-in.
pub fn builtin_queries() -> Vec<(String, bool)> {
    sagescope::query::builtin_queries()
        .expect("built-in queries parse")
        .into_iter()
        .map(|q| (q.id, q.opt_in))
        .collect()
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn sagescope(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_sagescope"))
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run sagescope");
    Run {
        code: out.status.code().expect("exit code"),
        stdout: String::from_utf8(out.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("utf-8 stderr"),
    }
}

/// `audit DIR --format json [extra]`: exit code and the parsed document.
pub fn audit_json(dir: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["audit", dir.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let r = sagescope(&args);
    assert!(
        r.code == 0 || r.code == 1,
        "{}: exit {}\n{}",
        args.join(" "),
        r.code,
        r.stderr
    );
    let doc = serde_json::from_str(&r.stdout)
        .unwrap_or_else(|e| panic!("{}: not JSON ({e})\n{}", args.join(" "), r.stdout));
    (r.code, doc)
}

/// The results and warnings for a folder's expectations: the default run,
/// plus a `--query` run for the opt-in queries the expectations name.
pub fn results_for(dir: &Path, file: &ExpectFile) -> (Vec<Value>, Vec<Value>) {
    let opt_in: BTreeSet<String> = builtin_queries()
        .into_iter()
        .filter(|(_, o)| *o)
        .map(|(id, _)| id)
        .collect();
    let (_, doc) = audit_json(dir, &[]);
    let mut results = doc["results"].as_array().cloned().unwrap_or_default();
    let warnings = doc["warnings"].as_array().cloned().unwrap_or_default();
    let named: BTreeSet<&str> = file
        .expect
        .iter()
        .map(|e| e.query.as_str())
        .filter(|q| opt_in.contains(*q))
        .collect();
    if !named.is_empty() {
        let list = named.into_iter().collect::<Vec<_>>().join(",");
        let (_, doc) = audit_json(dir, &["--query", &list]);
        results.extend(doc["results"].as_array().cloned().unwrap_or_default());
    }
    (results, warnings)
}

/// Mistakes in an expectation itself (typos would make it vacuous).
pub fn lint(e: &Expect, known_queries: &[String]) -> Vec<String> {
    let mut out = Vec::new();
    if !known_queries.contains(&e.query) {
        out.push(format!("unknown query id `{}`", e.query));
    }
    if !VERDICTS.contains(&e.verdict.as_str()) {
        out.push(format!("unknown verdict `{}`", e.verdict));
    }
    if let Some(s) = &e.source {
        let kind = s.split_whitespace().next().unwrap_or("");
        if !SOURCE_KINDS.contains(&kind) {
            out.push(format!("unknown source kind `{kind}`"));
        }
    }
    for b in &e.blocked_at {
        let parts: Vec<&str> = b.split(':').collect();
        let ok = matches!(parts.len(), 2 | 3)
            && !parts[0].is_empty()
            && !parts[1].is_empty()
            && parts[1].chars().all(|c| c.is_ascii_uppercase() || c == '_')
            && parts
                .get(2)
                .is_none_or(|d| *d == "forward" || *d == "return");
        if !ok {
            out.push(format!(
                "blocked_at `{b}` is not resource:CODE[:forward|return]"
            ));
        }
    }
    if !e.blocked_at.is_empty() && matches!(e.verdict.as_str(), "reachable" | "no-result") {
        out.push("blocked_at on a reachable/no-result expectation".into());
    }
    out
}

fn source_matches(e: &Expect, r: &Value) -> bool {
    let src = &r["source"];
    if let Some(s) = &e.source {
        let mut it = s.split_whitespace();
        let kind = it.next().unwrap_or("");
        if src["kind"] != kind {
            return false;
        }
        if let Some(name) = it.next() {
            if src["name"] != name {
                return false;
            }
        }
    }
    if let Some(sub) = &e.subnet {
        if src["subnet_id"] != sub.as_str() {
            return false;
        }
    }
    true
}

pub fn matches(e: &Expect, r: &Value) -> bool {
    r["query"] == e.query.as_str()
        && source_matches(e, r)
        && e.destination.as_deref().is_none_or(|d| {
            r["destination"]
                .as_str()
                .is_some_and(|dest| dest.contains(d))
        })
}

/// `resource:CODE:direction` of each blocker of a result.
fn blockers(r: &Value) -> Vec<(String, String, String)> {
    r["blocked_at"]
        .as_array()
        .map(|v| {
            v.iter()
                .map(|b| {
                    (
                        b["resource"].as_str().unwrap_or("").to_string(),
                        b["code"].as_str().unwrap_or("").to_string(),
                        b["direction"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn describe_result(r: &Value) -> String {
    let src = &r["source"];
    let b: Vec<String> = blockers(r)
        .into_iter()
        .map(|(res, code, dir)| format!("{res}:{code}:{dir}"))
        .collect();
    format!(
        "{} {} {} @ {} -> {}: {} [{}]{}",
        r["query"].as_str().unwrap_or(""),
        src["kind"].as_str().unwrap_or(""),
        src["name"].as_str().unwrap_or(""),
        src["subnet_id"].as_str().unwrap_or(""),
        r["destination"].as_str().unwrap_or(""),
        r["verdict"].as_str().unwrap_or(""),
        b.join(", "),
        r["reachable_part"]
            .as_str()
            .map(|p| format!(" ({p})"))
            .unwrap_or_default()
    )
}

/// Why `e` does not hold over `results` (empty when it holds).
pub fn check(e: &Expect, results: &[Value]) -> Vec<String> {
    let hits: Vec<&Value> = results.iter().filter(|r| matches(e, r)).collect();
    let mut out = Vec::new();
    if e.verdict == "no-result" {
        for r in &hits {
            out.push(format!("expected no result, got {}", describe_result(r)));
        }
        return out;
    }
    if hits.is_empty() {
        out.push("no result matches".into());
        return out;
    }
    if let Some(n) = e.count {
        if hits.len() != n {
            out.push(format!("{} results match, expected {n}", hits.len()));
        }
    }
    for r in hits {
        let mut wrong = Vec::new();
        if r["verdict"] != e.verdict.as_str() {
            wrong.push(format!("verdict {}", r["verdict"]));
        }
        let got = blockers(r);
        for want in &e.blocked_at {
            let p: Vec<&str> = want.split(':').collect();
            let found = got.iter().any(|(res, code, dir)| {
                (p[0] == "*" || p[0] == res) && p[1] == code && p.get(2).is_none_or(|d| d == dir)
            });
            if !found {
                wrong.push(format!("no blocker {want}"));
            }
        }
        if let Some(part) = &e.reachable_part {
            if !r["reachable_part"]
                .as_str()
                .is_some_and(|p| p.contains(part.as_str()))
            {
                wrong.push(format!("reachable part lacks `{part}`"));
            }
        }
        if !wrong.is_empty() {
            out.push(format!("{}: got {}", wrong.join("; "), describe_result(r)));
        }
    }
    out
}

pub fn check_warning(w: &WarningExpect, warnings: &[Value]) -> Option<String> {
    let found = warnings.iter().any(|d| {
        let text = format!("{} {}", d["message"], d["ids"]);
        w.contains.iter().all(|s| text.contains(s.as_str()))
    });
    (!found).then(|| {
        format!(
            "no warning mentions all of {:?}; warnings: {}",
            w.contains,
            serde_json::to_string(warnings).unwrap()
        )
    })
}

/// Which expectations to check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Those without `ignore`: they must hold.
    Agreed,
    /// Only those with `ignore`: known disagreements with the tool.
    Disputed,
}

/// Check one folder against its expectation file; failures as lines.
pub fn check_folder(dir: &Path, file: &ExpectFile, which: Which) -> Vec<String> {
    let known: Vec<String> = builtin_queries().into_iter().map(|(id, _)| id).collect();
    let name = dir.file_name().unwrap().to_string_lossy().into_owned();
    let mut out = Vec::new();
    for e in &file.expect {
        for l in lint(e, &known) {
            out.push(format!("{name}: {}: bad expectation: {l}", e.describe()));
        }
    }
    let selected = |ignore: &Option<String>| match which {
        Which::Agreed => ignore.is_none(),
        Which::Disputed => ignore.is_some(),
    };
    if !file.expect.iter().any(|e| selected(&e.ignore))
        && !file.warning.iter().any(|w| selected(&w.ignore))
    {
        return out;
    }
    let (results, warnings) = results_for(dir, file);
    for e in file.expect.iter().filter(|e| selected(&e.ignore)) {
        for f in check(e, &results) {
            out.push(format!("{name}: {}: {f}", e.describe()));
        }
    }
    for w in file.warning.iter().filter(|w| selected(&w.ignore)) {
        if let Some(f) = check_warning(w, &warnings) {
            out.push(format!("{name}: {f}"));
        }
    }
    out
}
