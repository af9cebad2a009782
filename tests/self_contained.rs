//! The repository stands alone (issue 12): no test, bench, script or build
//! file reads a path outside it. CI runs on a clone with the shared folder
//! of the workplace beside it, so a test that reads from there would pass in
//! CI and fail on a user's fresh clone; this check is what notices.
//!
//! It reads the repository's code and scripts as text and resolves every
//! relative path that climbs (`../`): against the file's own folder where
//! the path is compile-time or script-relative (`include_str!`, `#[path]`,
//! `$(dirname "$0")`), otherwise against the package root (the working
//! directory of `cargo test` and of `CARGO_MANIFEST_DIR`). A path that
//! leaves the repository fails the test, as does any absolute path into the
//! workplace or any mention of the shared corpus folders.

use std::path::{Component, Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Folders holding data, not code: their files are not read as code.
const DATA: &[&str] = &[
    "target",
    "fuzz/target",
    "fuzz/corpus",
    "fuzz/artifacts",
    "fuzz/coverage",
    "tests/fixtures",
    "tests/bad-input",
    "tests/snapshots",
    ".git",
];

fn is_code(path: &Path) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("rs" | "sh" | "py" | "toml" | "bash")
    ) || name == "run"
        || name == "Makefile"
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let rel = p
            .strip_prefix(repo())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if DATA.iter().any(|d| rel == *d) {
            continue;
        }
        let Ok(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            walk(&p, out);
        } else if ft.is_file() && is_code(&p) {
            out.push(p);
        }
    }
}

/// `base/rel` normalised lexically; `None` when it climbs above `root`.
fn resolve_inside(root: &Path, base: &Path, rel: &str) -> Option<PathBuf> {
    let mut parts: Vec<Component> = base.strip_prefix(root).ok()?.components().collect();
    for c in Path::new(rel).components() {
        match c {
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::CurDir => {}
            other => parts.push(other),
        }
    }
    Some(parts.iter().collect())
}

/// The relative paths in a line that start by climbing: `../x`, `../../y`.
fn climbing_paths(line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = line[from..].find("../") {
        let start = from + i;
        // The whole run of `../` (and `..` alone at the end is not a path).
        let prev = line[..start].chars().last();
        if prev.is_some_and(|c| c == '.' || c.is_ascii_alphanumeric()) {
            // Inside a longer word or an earlier `../` already taken.
            from = start + 3;
            continue;
        }
        let end = line[start..]
            .find(|c: char| c.is_whitespace() || "\"'`),;]}".contains(c))
            .map_or(line.len(), |e| start + e);
        out.push(&line[start..end]);
        from = end.max(start + 3);
    }
    out
}

/// What is wrong with one line of `file`, if anything; `prev` is the line
/// before it (a macro call may put its path on the next line).
fn line_problems(file: &Path, prev: &str, line: &str) -> Vec<String> {
    let mut out = Vec::new();
    // Built from parts so that this file does not trip its own check.
    let forbidden = [
        concat!("..", "/shared"),
        concat!("/", "work/"),
        concat!("shared", "/peer"),
        concat!("shared", "/docs"),
        concat!("shared", "/iac"),
    ];
    for f in forbidden {
        if line.contains(f) {
            out.push(format!("mentions `{f}` (outside the repository)"));
        }
    }
    let file_relative = [
        "include_str!",
        "include_bytes!",
        "include!",
        "#[path",
        "dirname",
        "$here",
    ]
    .iter()
    .any(|m| line.contains(m) || prev.trim_end().ends_with(&format!("{m}(")));
    let base = if file_relative {
        file.parent().unwrap().to_path_buf()
    } else {
        repo()
    };
    for p in climbing_paths(line) {
        if resolve_inside(&repo(), &base, p).is_none() {
            out.push(format!(
                "`{p}` leaves the repository (resolved from {})",
                if file_relative {
                    "the file's folder"
                } else {
                    "the package root"
                }
            ));
        }
    }
    out
}

#[test]
fn no_code_reads_outside_the_repository() {
    let mut files = Vec::new();
    for top in [
        "src", "tests", "benches", "scripts", ".ci", "fuzz", "examples",
    ] {
        walk(&repo().join(top), &mut files);
    }
    files.push(repo().join("Cargo.toml"));
    // This file holds the forbidden paths as examples for its own test.
    files.retain(|f| !f.ends_with("tests/self_contained.rs"));
    files.sort();
    assert!(files.len() > 50, "only {} code files found", files.len());
    let mut wrong = Vec::new();
    for f in &files {
        let Ok(text) = std::fs::read_to_string(f) else {
            continue;
        };
        let mut prev = "";
        for (n, line) in text.lines().enumerate() {
            for p in line_problems(f, prev, line) {
                wrong.push(format!(
                    "{}:{}: {p}",
                    f.strip_prefix(repo()).unwrap().display(),
                    n + 1
                ));
            }
            prev = line;
        }
    }
    assert!(
        wrong.is_empty(),
        "vendor the data into the repository instead:\n{}",
        wrong.join("\n")
    );
}

/// The check itself finds what it is for.
#[test]
fn the_check_catches_paths_that_leave() {
    let test = repo().join("tests/x.rs");
    let src = repo().join("src/query/builtin.rs");
    let script = repo().join("tests/moto/run.sh");
    let bad = |f: &Path, l: &str| !line_problems(f, "", l).is_empty();
    assert!(bad(
        &test,
        &format!(
            r#"let p = root.join("{}/peer/batfish");"#,
            concat!("..", "/shared")
        )
    ));
    assert!(bad(&test, r#"std::fs::read("../elsewhere/data.json")"#));
    assert!(bad(&test, r#"include_str!("../../outside.json")"#));
    assert!(bad(&script, r#"cd "$(dirname "$0")/../../.." "#));
    assert!(bad(&test, &format!(r#"let p = "{}shared/x";"#, "/work/")));
    assert!(!bad(&src, r#"include_str!("../../queries/sts.toml")"#));
    assert!(!bad(&test, r#"include_str!("../iam-policy.json")"#));
    assert!(!bad(&script, r#"cd "$(dirname "$0")/../..""#));
    assert!(!bad(&test, r#"let range = 0..=3; let s = a..b;"#));
    // A macro whose path stands on the next line.
    let next = |f: &Path, prev: &str, l: &str| !line_problems(f, prev, l).is_empty();
    assert!(!next(&src, "include_str!(", r#""../../tests/x.json""#));
    assert!(next(&src, "include_str!(", r#""../../../x.json""#));
    assert!(next(&src, "let x = (", r#""../../tests/x.json""#));
}
