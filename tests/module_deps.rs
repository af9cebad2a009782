//! Modules depend on each other in one direction only (issue 13): no
//! import cycle among the crate's top-level modules, among the engine's
//! modules, or among the engine's devices. `findings` is the low module
//! that `query`, `report` and the engine share; a cycle means a type sits
//! in the wrong module.
//!
//! The dependencies are read from `use` lines and `crate::`/`super::` paths
//! in the code (comments and test modules left out), which is how the
//! modules name each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn src() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module path of a source file: `src/engine/devices/nat.rs` ->
/// `engine::devices::nat`, `src/engine/mod.rs` -> `engine`.
fn module_of(file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src()).unwrap().with_extension("");
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The paths a piece of code names that start with `crate::` or `super::`,
/// resolved to absolute module paths.
fn named_paths(module: &[String], code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    for start in ["crate::", "super::"] {
        let mut from = 0;
        while let Some(i) = code[from..].find(start) {
            let at = from + i;
            from = at + start.len();
            if at > 0 && (bytes[at - 1].is_ascii_alphanumeric() || bytes[at - 1] == b'_') {
                continue;
            }
            if start == "super::" && at >= 2 && &code[at - 2..at] == "::" {
                continue; // part of a `super::super::` run already taken
            }
            let end = code[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .map_or(code.len(), |e| at + e);
            let segs: Vec<&str> = code[at..end]
                .split("::")
                .filter(|s| !s.is_empty())
                .collect();
            let mut path: Vec<String> = Vec::new();
            let mut rest = segs.as_slice();
            if rest.first() == Some(&"crate") {
                rest = &rest[1..];
            } else {
                path = module.to_vec();
                while rest.first() == Some(&"super") {
                    path.pop();
                    rest = &rest[1..];
                }
            }
            path.extend(rest.iter().map(|s| s.to_string()));
            out.push(path);
        }
    }
    out
}

/// Dependencies between the children of `parent` (a module path).
fn graph(parent: &[String]) -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let module = module_of(&f);
        if module.len() <= parent.len() || module[..parent.len()] != *parent {
            continue;
        }
        let child = module[parent.len()].clone();
        let text = std::fs::read_to_string(&f).unwrap();
        let text = text.split("#[cfg(test)]").next().unwrap();
        let code: String = text
            .lines()
            .filter(|l| !l.trim_start().starts_with("//"))
            .collect::<Vec<_>>()
            .join("\n");
        for p in named_paths(&module, &code) {
            if p.len() > parent.len() && p[..parent.len()] == *parent {
                let to = p[parent.len()].clone();
                if to != child {
                    g.entry(child.clone()).or_default().insert(to);
                }
            }
        }
    }
    g
}

/// A cycle of `g`, if it has one.
fn cycle(g: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        g: &BTreeMap<String, BTreeSet<String>>,
        v: &str,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = stack.iter().position(|s| s == v) {
            let mut c = stack[i..].to_vec();
            c.push(v.to_string());
            return Some(c);
        }
        if done.contains(v) {
            return None;
        }
        stack.push(v.to_string());
        for w in g.get(v).into_iter().flatten() {
            if let Some(c) = visit(g, w, stack, done) {
                return Some(c);
            }
        }
        stack.pop();
        done.insert(v.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for v in g.keys() {
        if let Some(c) = visit(g, v, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_import_cycles() {
    for parent in [
        &[][..],
        &["engine".to_string()][..],
        &["engine".into(), "devices".into()][..],
    ] {
        let g = graph(parent);
        assert!(
            !g.is_empty() || parent.len() == 2,
            "no modules under {parent:?}"
        );
        if let Some(c) = cycle(&g) {
            panic!(
                "import cycle among the modules of {}: {}",
                if parent.is_empty() {
                    "the crate".to_string()
                } else {
                    parent.join("::")
                },
                c.join(" -> ")
            );
        }
    }
    // The shared result types live low: query and report do not import
    // each other's types through the other.
    let top = graph(&[]);
    assert!(!top["query"].contains("report"), "query imports report");
    assert!(top["report"].contains("findings") && top["query"].contains("findings"));
}

#[test]
fn the_reader_resolves_paths_and_finds_cycles() {
    let m = vec![
        "engine".to_string(),
        "devices".to_string(),
        "nat".to_string(),
    ];
    let p = named_paths(
        &m,
        "use super::super::env::Ctx;\nuse crate::findings::Code;\nuse super::{At, Step};",
    );
    assert!(p.contains(&vec!["engine".into(), "env".into(), "Ctx".into()]));
    assert!(p.contains(&vec!["findings".into(), "Code".into()]));
    assert!(p.contains(&vec!["engine".into(), "devices".into()]));
    let mut g = BTreeMap::new();
    g.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    g.insert("b".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(cycle(&g), Some(vec!["a".into(), "b".into(), "a".into()]));
    g.get_mut("b").unwrap().clear();
    assert_eq!(cycle(&g), None);
}
