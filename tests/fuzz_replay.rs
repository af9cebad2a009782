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

/// Every input through `run`, on one thread per core (the engine corpus
/// holds thousands of inputs and this is a debug build). Every failing
/// input is named, not only the first.
fn replay(target: &str, run: fn(&[u8])) {
    let files = corpus(target);
    assert!(
        files.len() >= 10,
        "fuzz/corpus/{target} holds only {} inputs",
        files.len()
    );
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = files.len().div_ceil(threads);
    let failed: Vec<String> = std::thread::scope(|scope| {
        let handles: Vec<_> = files
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    let mut failed = Vec::new();
                    for f in part {
                        let data = std::fs::read(f).expect("read corpus file");
                        if std::panic::catch_unwind(|| run(&data)).is_err() {
                            failed.push(f.display().to_string());
                        }
                    }
                    failed
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("replay thread"))
            .collect()
    });
    assert!(
        failed.is_empty(),
        "{target}: these inputs fail: {failed:#?}"
    );
}

#[test]
fn import_corpus_replays_clean() {
    replay("import", harness::import_target);
}

#[test]
fn engine_corpus_replays_clean() {
    replay("engine", harness::engine_target);
}
