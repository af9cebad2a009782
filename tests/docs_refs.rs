//! Every reference into the facts documents resolves (issue 12).
//!
//! Queries, checks, the README and the query docs cite the failure modes
//! (F1-F22), numbered facts and sections of `docs/sagemaker-network.md` and
//! the failure modes E1-E21 of `docs/enterprise-networks.md`. Those files are
//! part of the repository, and every citation must name something that is in
//! them: a reference a reader cannot follow is worse than none.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use sagescope::checks::REGISTRY;
use sagescope::query;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one facts document holds that a citation can name.
struct Doc {
    /// `F3`, `E12`: the ids in the first column of its failure-mode tables.
    modes: BTreeSet<String>,
    /// The numbers of its top-level numbered list under "## 0." (the facts).
    facts: BTreeSet<u32>,
    /// `1`, `1.4`, `7.3`: the numbers of its `##` and `###` headings.
    sections: BTreeSet<String>,
}

fn load_doc(name: &str) -> Doc {
    let path = repo().join("docs").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (the facts documents live in docs/)",
            path.display()
        )
    });
    let mut modes = BTreeSet::new();
    let mut facts = BTreeSet::new();
    let mut sections = BTreeSet::new();
    let mut in_facts = false;
    for line in text.lines() {
        if let Some(h) = line
            .strip_prefix("### ")
            .or_else(|| line.strip_prefix("## "))
        {
            let num = h.split_whitespace().next().unwrap_or("");
            let num = num.trim_end_matches('.');
            if !num.is_empty() && num.chars().all(|c| c.is_ascii_digit() || c == '.') {
                sections.insert(num.to_string());
            }
            in_facts = line.starts_with("## 0.");
            continue;
        }
        if let Some(rest) = line.strip_prefix("| ") {
            let id = rest.split(" |").next().unwrap_or("").trim();
            if id.len() >= 2
                && (id.starts_with('F') || id.starts_with('E'))
                && id[1..].chars().all(|c| c.is_ascii_digit())
            {
                modes.insert(id.to_string());
            }
        }
        if in_facts {
            if let Some((n, _)) = line.split_once(". ") {
                if let Ok(n) = n.parse::<u32>() {
                    facts.insert(n);
                }
            }
        }
    }
    Doc {
        modes,
        facts,
        sections,
    }
}

/// Checks one citation, `docs/<file>.md <what>`, and returns what is wrong.
fn check_reference(r: &str) -> Result<(), String> {
    let rest = r
        .strip_prefix("docs/")
        .ok_or_else(|| format!("`{r}`: not a docs/ reference"))?;
    let (file, what) = rest.split_once(' ').unwrap_or((rest, ""));
    if !repo().join("docs").join(file).is_file() {
        return Err(format!("`{r}`: docs/{file} does not exist"));
    }
    let doc = load_doc(file);
    // Parenthesised remarks name fields, not places: drop them.
    let mut plain = String::new();
    let mut depth = 0;
    for c in what.chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    // Words after "fact"/"facts" are fact numbers, after "section" section
    // numbers, until the next keyword; bare `Fn`/`En` are failure modes.
    let mut kind = "";
    for word in plain.split([',', ' ']).filter(|w| !w.is_empty()) {
        match word {
            "fact" | "facts" => kind = "fact",
            "section" | "sections" => kind = "section",
            "and" => {}
            w if (w.starts_with('F') || w.starts_with('E'))
                && w.len() > 1
                && w[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                if !doc.modes.contains(w) {
                    return Err(format!("`{r}`: docs/{file} has no failure mode {w}"));
                }
                kind = "";
            }
            w if kind == "fact" => {
                let n: u32 = w
                    .parse()
                    .map_err(|_| format!("`{r}`: `{w}` is not a fact number"))?;
                if !doc.facts.contains(&n) {
                    return Err(format!("`{r}`: docs/{file} has no fact {n}"));
                }
            }
            w if kind == "section" => {
                if !doc.sections.contains(w) {
                    return Err(format!("`{r}`: docs/{file} has no section {w}"));
                }
            }
            w => {
                return Err(format!(
                    "`{r}`: cannot read `{w}` as a place in docs/{file}"
                ))
            }
        }
    }
    Ok(())
}

#[test]
fn the_facts_documents_are_in_the_repository() {
    let sm = load_doc("sagemaker-network.md");
    for n in 1..=22 {
        assert!(sm.modes.contains(&format!("F{n}")), "F{n} missing");
    }
    assert_eq!(sm.facts, (1..=10).collect(), "the ten facts");
    let ent = load_doc("enterprise-networks.md");
    for n in 1..=21 {
        assert!(ent.modes.contains(&format!("E{n}")), "E{n} missing");
    }
}

#[test]
fn every_query_and_check_reference_resolves() {
    let mut refs: Vec<(String, String)> = Vec::new();
    for q in query::builtin_queries().unwrap() {
        for r in &q.docs.references {
            refs.push((format!("query {}", q.id), r.clone()));
        }
    }
    for c in REGISTRY {
        for r in c.docs.references {
            refs.push((format!("check {}", c.id), r.to_string()));
        }
    }
    let mut cited = 0;
    let mut wrong = Vec::new();
    for (owner, r) in &refs {
        if r.starts_with("https://") {
            continue;
        }
        cited += 1;
        if let Err(e) = check_reference(r) {
            wrong.push(format!("{owner}: {e}"));
        }
    }
    assert!(cited >= 30, "only {cited} citations of docs/");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// `docs/x.md` and relative Markdown links in the repository's own prose
/// name files that exist.
#[test]
fn markdown_links_and_doc_paths_resolve() {
    let mut files = vec![repo().join("README.md"), repo().join("queries/README.md")];
    for extra in ["ARCHITECTURE.md", "tests/fixtures/peer/batfish/README.md"] {
        if repo().join(extra).exists() {
            files.push(repo().join(extra));
        }
    }
    for dir in ["examples", "tests/fixtures"] {
        collect_readmes(&repo().join(dir), &mut files);
    }
    let mut wrong = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        let base = f.parent().unwrap();
        for target in relative_targets(&text) {
            // `docs/...` is written from the repository root; a link from the
            // file's own folder.
            let ok = if target.starts_with("docs/") {
                repo().join(&target).exists() || base.join(&target).exists()
            } else {
                base.join(&target).exists()
            };
            if !ok {
                wrong.push(format!(
                    "{}: `{target}` does not exist",
                    f.strip_prefix(repo()).unwrap().display()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn collect_readmes(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            collect_readmes(&p, out);
        } else if p.file_name().is_some_and(|n| n == "README.md") {
            out.push(p);
        }
    }
}

/// Link targets `](x)` that are not URLs or anchors, and every
/// `docs/<name>.md` mentioned in the text.
fn relative_targets(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("](") {
        rest = &rest[i + 2..];
        let end = rest.find(')').unwrap_or(rest.len());
        let target = rest[..end].split('#').next().unwrap_or("").trim();
        if !target.is_empty() && !target.contains("://") && !target.starts_with("mailto:") {
            out.push(target.to_string());
        }
    }
    let mut rest = text;
    while let Some(i) = rest.find("docs/") {
        let before = &rest[..i];
        rest = &rest[i..];
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || "/-_.".contains(c)))
            .unwrap_or(rest.len());
        let path = rest[..end].trim_end_matches('.');
        // Only the repository's own docs folder, not a path segment of a
        // URL or of another path (`https://…/docs/x.md`, `other/docs/x.md`).
        let in_url = before
            .chars()
            .last()
            .is_some_and(|c| c.is_ascii_alphanumeric() || "/.-_".contains(c));
        if !in_url && path.ends_with(".md") {
            out.push(path.to_string());
        }
        rest = &rest[end.max(1)..];
    }
    out
}

#[test]
fn reference_checker_rejects_what_does_not_exist() {
    assert!(
        check_reference("docs/sagemaker-network.md F3, facts 3 and 5, section 4 (EFS)").is_ok()
    );
    assert!(check_reference("docs/sagemaker-network.md F23").is_err());
    assert!(check_reference("docs/sagemaker-network.md fact 11").is_err());
    assert!(check_reference("docs/sagemaker-network.md section 9.9").is_err());
    assert!(check_reference("docs/nothing.md F1").is_err());
    assert!(check_reference("sagemaker-network.md F1").is_err());
    assert!(check_reference("docs/enterprise-networks.md E21").is_ok());
}
