//! Fuzz target `gdelt`: see `steppe::fuzzing` for what it runs and checks.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use steppe::fuzzing::Workspace;

static WORKSPACE: OnceLock<(tempfile::TempDir, Workspace)> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let (_dir, ws) = WORKSPACE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace::new(dir.path()).expect("work dir");
        (dir, ws)
    });
    ws.run("gdelt", data);
});
