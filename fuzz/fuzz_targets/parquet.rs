//! Fuzz target `parquet`: see `steppe::fuzzing` for what it runs and checks.
#![no_main]

use std::sync::{Once, OnceLock};

use libfuzzer_sys::fuzz_target;
use steppe::fuzzing::Workspace;

static WORKSPACE: OnceLock<(tempfile::TempDir, Workspace)> = OnceLock::new();
static HOOK: Once = Once::new();

fuzz_target!(|data: &[u8]| {
    HOOK.call_once(|| {
        // libFuzzer's hook aborts on every panic, even one the code catches. The parquet and
        // arrow crates panic on some malformed files (upstream bugs: see
        // fuzz/regressions/parquet/); steppe catches those panics and reports the file as
        // unreadable, so let panics raised inside those crates unwind to the catch. Every
        // other panic (steppe's own) still aborts.
        let abort = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let upstream = info
                .location()
                .is_some_and(|l| l.file().contains("/arrow-") || l.file().contains("/parquet-"));
            if !upstream {
                abort(info);
            }
        }));
    });
    let (_dir, ws) = WORKSPACE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let ws = Workspace::new(dir.path()).expect("work dir");
        (dir, ws)
    });
    ws.run("parquet", data);
});
