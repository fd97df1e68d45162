//! `steppe import imf-dots` at the command line: a real workbook from
//! `shared/data-sources/imf-dots/` (skipped with its name when shared/ is absent, failing
//! under STEPPE_REQUIRE_SHARED) and a file that is no workbook.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn steppe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .unwrap()
}

fn text(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// `shared/data-sources/imf-dots/<name>`, or `None` (printed) when shared/ is absent.
fn shared(name: &str) -> Option<PathBuf> {
    let base = std::env::var_os("STEPPE_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"));
    let path = base.join("data-sources/imf-dots").join(name);
    if path.exists() {
        return Some(path);
    }
    let why = format!(
        "needs {} (set STEPPE_SHARED to the shared/ directory)",
        path.display()
    );
    assert!(std::env::var_os("STEPPE_REQUIRE_SHARED").is_none(), "{why}");
    eprintln!("skipped: {why}");
    None
}

#[test]
fn a_dots_workbook_imports_and_its_flows_query_by_country() {
    let Some(file) = shared("DOTS_192.xlsx") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let o = steppe(&["import", "imf-dots", text(&file), "--out", text(&out), "-q"]);
    let printed = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{printed}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(printed.contains("DOTS_192.xlsx: read "), "{printed}");
    assert!(printed.contains("rejected 0,"), "{printed}");
    assert!(printed.contains("skipped duplicate_row: "), "{printed}");
    let args = [
        "query",
        "trade_flows",
        "--store",
        text(&out),
        "--reporter",
        "TJK",
        "--partner",
        "Russian Federation",
        "--years",
        "2020",
        "--flow",
        "import",
        "--format",
        "csv",
    ];
    let o = steppe(&args);
    let csv = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rows: Vec<&str> = csv.lines().skip(1).collect();
    assert_eq!(rows.len(), 1, "{csv}");
    assert!(
        rows[0].starts_with("2020,,TJK,RUS,import,reporter_declared,TOTAL,TOTAL,932"),
        "{csv}"
    );
    assert!(rows[0].contains(",USD,cif,"), "{csv}");
}

#[test]
fn a_file_that_is_no_workbook_is_one_error_line_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let (file, out) = (dir.path().join("DOTS_x.xlsx"), dir.path().join("store"));
    std::fs::write(&file, b"").unwrap();
    let o = steppe(&["import", "imf-dots", text(&file), "--out", text(&out)]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(
        err.contains("DOTS_x.xlsx") && err.contains("not an xlsx workbook"),
        "{err}"
    );
    assert!(!out.exists());
}
