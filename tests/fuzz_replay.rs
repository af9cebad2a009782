//! Issue 6: replay the fuzz corpora (`fuzz/corpus/<target>/`) through the
//! very functions the cargo-fuzz targets call (`fuzz/src/lib.rs`, compiled
//! here as a module), so that plain `cargo test` (stable Rust, no fuzzer)
//! keeps every input the fuzzer found interesting, and every crash it once
//! found, passing.

#[allow(dead_code)]
#[path = "../fuzz/src/lib.rs"]
mod harness;

use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

fn replay(target: &str, run: fn(&[u8])) {
    let files = corpus(target);
    assert!(
        files.len() >= 10,
        "fuzz/corpus/{target} holds only {} inputs",
        files.len()
    );
    for f in &files {
        let data = std::fs::read(f).expect("read corpus file");
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{target}: {} fails", f.display());
    }
}

#[test]
fn import_corpus_replays_clean() {
    replay("import", harness::import_target);
}

#[test]
fn engine_corpus_replays_clean() {
    replay("engine", harness::engine_target);
}
