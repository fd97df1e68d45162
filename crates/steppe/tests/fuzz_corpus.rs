//! Replays every input of the fuzz corpora (`fuzz/corpus/<target>/`) and every input a fuzzer
//! once crashed on (`fuzz/regressions/<target>/`) through the entry points the fuzz targets
//! call (`steppe::fuzzing`), so the corpus runs on stable Rust in every test run, without
//! cargo-fuzz. A broken guarantee panics inside `Workspace::run` and names the input.

use std::path::{Path, PathBuf};

use steppe::fuzzing::{Outcome, Workspace, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<PathBuf> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_corpus_and_regression_input_keeps_the_guarantees() {
    let mut total = 0;
    for target in TARGETS {
        let dir = tempfile::tempdir().unwrap();
        let ws = Workspace::new(dir.path()).unwrap();
        let seeds = inputs("corpus", target);
        assert!(!seeds.is_empty(), "fuzz/corpus/{target} has no seeds");
        let mut accepted = 0;
        for kind in ["corpus", "regressions"] {
            for file in inputs(kind, target) {
                let data = std::fs::read(&file).unwrap();
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    ws.run(target, &data)
                }))
                .unwrap_or_else(|_| panic!("{target}: {} broke a guarantee", file.display()));
                if outcome == Outcome::Ok && kind == "corpus" {
                    accepted += 1;
                }
                total += 1;
            }
        }
        // The seeds are real files in each layout: most of them must be accepted, or the
        // fuzzer would spend its time on inputs refused at the header.
        assert!(accepted > 0, "{target}: no seed was accepted");
    }
    assert!(total >= TARGETS.len());
}
