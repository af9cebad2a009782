//! Scenario fixtures (issue 2, section 7): one small Studio domain per
//! folder of `tests/fixtures/scenarios/`, each changing one thing of a
//! healthy base, with the verdicts expected from AWS semantics in its
//! `expect.toml` (format: `tests/support/mod.rs`). The fixtures are written
//! by `tests/fixtures/scenarios/make.py`; the expectations are written by
//! hand, never copied from the tool's output.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use support::{check_folder, folders, load_expect, manifest, Which};

fn scenario_dirs() -> Vec<PathBuf> {
    folders(&manifest("tests/fixtures/scenarios"))
}

/// Run every folder (two at a time: the machine has two cores) and collect
/// the failures of all of them, so one run shows every disagreement.
fn run_all(which: Which) -> Vec<String> {
    let dirs = scenario_dirs();
    let mut failures = Vec::new();
    for pair in dirs.chunks(2) {
        let found: Vec<Vec<String>> = std::thread::scope(|s| {
            let handles: Vec<_> = pair
                .iter()
                .map(|d| {
                    s.spawn(move || {
                        let file = load_expect(&d.join("expect.toml"));
                        check_folder(d, &file, which)
                    })
                })
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        failures.extend(found.into_iter().flatten());
    }
    failures
}

#[test]
fn every_scenario_meets_its_expectations() {
    let failures = run_all(Which::Agreed);
    assert!(
        failures.is_empty(),
        "{} expectation(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Expectations marked `ignore = "…"` in an expect.toml: cases where our
/// reading of AWS semantics and the tool disagree (each is explained next to
/// the expectation and was reported to the lead). This test fails until the
/// engine agrees; then drop the `ignore` keys and this test goes green.
#[test]
fn disputed_expectations_hold() {
    let failures = run_all(Which::Disputed);
    assert!(
        failures.is_empty(),
        "{} disputed expectation(s) still fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_scenario_folder_has_a_readme_line_and_expectations() {
    let dirs = scenario_dirs();
    assert!(dirs.len() >= 11, "only {} scenario folders", dirs.len());
    for d in &dirs {
        let readme = std::fs::read_to_string(d.join("README.md"))
            .unwrap_or_else(|e| panic!("{}: README.md: {e}", d.display()));
        assert!(
            readme.trim().len() > 40,
            "{}: README.md says too little",
            d.display()
        );
        assert!(
            readme.contains("issue 2"),
            "{}: README.md must name the issue (and the failure mode) it covers",
            d.display()
        );
        let file = load_expect(&d.join("expect.toml"));
        assert!(
            file.expect.iter().any(|e| e.ignore.is_none()),
            "{}: expect.toml has no expectation that must hold",
            d.display()
        );
    }
}

/// Every built-in query is exercised by at least one reachable and one
/// blocked case that must hold (disputed ones do not count).
#[test]
fn every_builtin_query_has_a_reachable_and_a_blocked_case() {
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for d in scenario_dirs() {
        for e in load_expect(&d.join("expect.toml")).expect {
            if e.ignore.is_none() {
                seen.entry(e.query).or_default().insert(e.verdict);
            }
        }
    }
    let mut missing = Vec::new();
    for (id, _) in support::builtin_queries() {
        for verdict in ["reachable", "blocked"] {
            if !seen.get(&id).is_some_and(|v| v.contains(verdict)) {
                missing.push(format!("{id}: no `{verdict}` expectation"));
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

/// The harness itself: an expectation that contradicts the output fails,
/// with a message naming what differs.
#[test]
fn the_harness_rejects_wrong_expectations() {
    let dir = manifest("tests/fixtures/scenarios/efs-no-mount-target");
    let file: support::ExpectFile = toml::from_str(
        r#"
        [[expect]]
        query = "efs-nfs"
        source = "user-profile alice"
        subnet = "subnet-0862ff18f50b2b1b8"
        verdict = "reachable"

        [[expect]]
        query = "efs-nfs"
        source = "user-profile nobody"
        verdict = "blocked"

        [[expect]]
        query = "efs-nfs"
        source = "user-profile alice"
        subnet = "subnet-0862ff18f50b2b1b8"
        verdict = "blocked"
        blocked_at = ["fs-0ffffffffffffffff:EFS_NO_MOUNT_TARGET_IN_AZ"]

        [[expect]]
        query = "app-to-app"
        source = "user-profile alice"
        subnet = "subnet-0b2da7e37c43f805f"
        destination = "peer app in subnet-0b2da7e37c43f805f"
        verdict = "no-result"

        [[expect]]
        query = "efs-nfs"
        verdict = "reachable"
        count = 1
        ignore = "not checked with Which::Agreed"

        [[warning]]
        contains = ["no such warning"]
        "#,
    )
    .unwrap();
    let f = check_folder(&dir, &file, Which::Agreed);
    assert_eq!(f.len(), 5, "{f:#?}");
    assert!(f[0].contains("verdict \"blocked\""), "{}", f[0]);
    assert!(f[1].contains("no result matches"), "{}", f[1]);
    assert!(
        f[2].contains("no blocker fs-0ffffffffffffffff:EFS_NO_MOUNT_TARGET_IN_AZ"),
        "{}",
        f[2]
    );
    assert!(f[3].contains("expected no result"), "{}", f[3]);
    assert!(f[4].contains("no warning mentions"), "{}", f[4]);
    let bad: support::ExpectFile = toml::from_str(
        r#"
        [[expect]]
        query = "efs-nsf"
        source = "profile alice"
        verdict = "blokced"
        blocked_at = ["sg-1"]
        "#,
    )
    .unwrap();
    let lint = support::lint(
        &bad.expect[0],
        &support::builtin_queries()
            .into_iter()
            .map(|(id, _)| id)
            .collect::<Vec<_>>(),
    );
    assert_eq!(lint.len(), 4, "{lint:?}");
}
