//! Crash harness: real `steppe import` processes, killed at many points, on generated BACI
//! files. After every kill the store must open, its content must be exactly the version
//! before the import or the version after it (never a mix), every Parquet file inside the
//! table folders must be whole (what a glob reader such as DuckDB or polars reads), `steppe
//! validate` must pass or report only whole files the descriptor does not list (moved in by a
//! commit that never published; `steppe gc` removes them), and running the import again must
//! complete with the version after.
//!
//! Two kinds of kill: at each named crash point of the writer (`STEPPE_CRASH_AT`, which
//! aborts the process there, as `kill -9` would: no destructors, nothing flushed), and
//! SIGKILL after a spread of delays while an import of a larger file runs. Each test prints
//! how many kill points it tried (`cargo test --test crash -- --nocapture`).

// The test support of the core crate (`copy_dir`), shared rather than copied.
#[path = "../../steppe/tests/common/mod.rs"]
mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::copy_dir;
use steppe::store::{StoreLock, DESCRIPTOR_FILE};
use steppe::{ReadOptions, Store, Table};

const COUNTRIES: &[(u32, &str)] = &[
    (4, "AFG"),
    (251, "FRA"),
    (398, "KAZ"),
    (516, "NAM"),
    (699, "IND"),
    (762, "TJK"),
    (842, "USA"),
    (860, "UZB"),
];

/// Input files in a temporary directory.
struct Inputs {
    dir: tempfile::TempDir,
}

impl Inputs {
    fn new() -> Inputs {
        let dir = tempfile::tempdir().unwrap();
        let mut c = String::from("country_code,country_name,country_iso2,country_iso3\n");
        for (code, iso) in COUNTRIES {
            c.push_str(&format!("{code},Country {code},,{iso}\n"));
        }
        std::fs::write(dir.path().join("country_codes_V202501.csv"), c).unwrap();
        Inputs { dir }
    }

    fn countries(&self) -> PathBuf {
        self.dir.path().join("country_codes_V202501.csv")
    }

    /// A BACI year of `rows` distinct flows, with a bad row every 1000 (rejects are written too).
    fn baci(&self, year: u32, rows: usize) -> PathBuf {
        let path = self
            .dir
            .path()
            .join(format!("BACI_HS92_Y{year}_V202501.csv"));
        let mut s = String::with_capacity(rows * 32);
        s.push_str("t,i,j,k,v,q\n");
        let pairs: Vec<(u32, u32)> = COUNTRIES
            .iter()
            .flat_map(|(a, _)| COUNTRIES.iter().map(move |(b, _)| (*a, *b)))
            .filter(|(a, b)| a != b)
            .collect();
        for n in 0..rows {
            let (i, j) = pairs[n % pairs.len()];
            let k = 100_000 + n / pairs.len();
            if n % 1000 == 999 {
                s.push_str(&format!("{year},{i},{j},{k},-1,1\n"));
            } else {
                s.push_str(&format!("{year},{i},{j},{k},{}.5,{}\n", n % 977, n % 13));
            }
        }
        std::fs::write(&path, s).unwrap();
        path
    }
}

fn steppe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
}

fn import_cmd(inputs: &Inputs, file: &Path, store: &Path, extra: &[&str]) -> Command {
    let mut c = steppe();
    c.arg("import")
        .arg("baci")
        .arg(file)
        .arg("--country-codes")
        .arg(inputs.countries())
        .arg("--out")
        .arg(store)
        .arg("--quiet")
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

fn run_ok(mut c: Command) -> Output {
    let o = c.output().unwrap();
    assert!(
        o.status.success(),
        "{c:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// What a version of the store holds, read from its files: rows per table, the sum of the
/// trade values and of their source lines, and the imports it records. `None`: no store, or
/// an empty one.
#[derive(Debug, Clone, PartialEq)]
struct Content {
    rows: Vec<(String, usize)>,
    value_sum: f64,
    line_sum: i64,
    imports: Vec<(String, String, u64, u64)>,
}

fn content(store: &Path) -> Option<Content> {
    if !store.join(DESCRIPTOR_FILE).exists() {
        return None;
    }
    let s = Store::open(store).unwrap_or_else(|e| panic!("the store does not open: {e}"));
    let mut rows = Vec::new();
    let mut value_sum = 0.0;
    let mut line_sum = 0i64;
    for t in Table::ALL {
        let data = if *t == Table::TradeFlows {
            s.read(
                *t,
                &ReadOptions {
                    columns: Some(vec!["value".into(), "source_line".into()]),
                    ..Default::default()
                },
            )
        } else {
            s.read_all(*t)
        }
        .unwrap_or_else(|e| panic!("{t} does not read: {e}"));
        if *t == Table::TradeFlows {
            for b in &data.batches {
                let v = arrow_cast::cast(b.column(0), &arrow_schema::DataType::Float64).unwrap();
                let l = arrow_cast::cast(b.column(1), &arrow_schema::DataType::Int64).unwrap();
                let v = v
                    .as_any()
                    .downcast_ref::<arrow_array::Float64Array>()
                    .unwrap();
                let l = l
                    .as_any()
                    .downcast_ref::<arrow_array::Int64Array>()
                    .unwrap();
                value_sum += v.iter().flatten().sum::<f64>();
                line_sum += l.iter().flatten().sum::<i64>();
            }
        }
        rows.push((t.name().to_string(), data.num_rows()));
    }
    let imports: Vec<(String, String, u64, u64)> = s
        .descriptor()
        .steppe
        .imports
        .iter()
        .map(|i| {
            (
                i.file.clone(),
                i.sha256.clone(),
                i.rows_read,
                i.rows_rejected,
            )
        })
        .collect();
    // A store created empty (the first commit of an import into a new directory) holds the
    // same data as no store at all.
    if imports.is_empty() && rows.iter().all(|(_, n)| *n == 0) {
        return None;
    }
    Some(Content {
        rows,
        value_sum,
        line_sum,
        imports,
    })
}

/// Every `.parquet` file inside the store's table folders (the staging directory aside) is
/// whole: its footer opens and every row group decodes, as a reader globbing the folders
/// would read it. Returns how many there are.
fn assert_table_folders_whole(store: &Path, what: &str) -> usize {
    fn walk(dir: &Path, top: bool, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries {
            let p = e.unwrap().path();
            if top && p.file_name().is_some_and(|n| n == "_staging") {
                continue;
            }
            if p.is_dir() {
                walk(&p, false, out);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(store, true, &mut files);
    for f in &files {
        let file = std::fs::File::open(f).unwrap();
        let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
            .and_then(|b| b.build())
            .unwrap_or_else(|e| panic!("{what}: a partial file in a table folder: {f:?}: {e}"));
        for batch in reader {
            batch.unwrap_or_else(|e| panic!("{what}: {f:?} does not decode: {e}"));
        }
    }
    files.len()
}

/// After a kill: `steppe validate` passes, or reports nothing but data files the descriptor
/// does not list (whole files moved into a table folder by a commit that never published).
/// Returns how many it reported.
fn validate_after_kill(store: &Path, what: &str) -> usize {
    let o = steppe().arg("validate").arg(store).output().unwrap();
    if o.status.success() {
        return 0;
    }
    let out = String::from_utf8_lossy(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        !lines.is_empty()
            && lines
                .iter()
                .all(|l| l.contains("not listed in datapackage.json")),
        "{what}: steppe validate failed after a kill: {out}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    lines.len()
}

fn validate(store: &Path) {
    let o = steppe().arg("validate").arg(store).output().unwrap();
    assert!(
        o.status.success(),
        "steppe validate failed after a kill: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
}

/// Data files on disk that the descriptor does not name (left by a kill; `gc` removes them).
fn orphans(store: &Path) -> usize {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "parquet") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(store, &mut files);
    let named = Store::open(store)
        .map(|s| {
            s.descriptor()
                .resources
                .iter()
                .map(|r| r.steppe.files.len())
                .sum()
        })
        .unwrap_or(0);
    files.len() - named
}

/// A scenario: a store before (copied fresh for every kill), one import, and the two
/// versions a kill may leave.
struct Scenario<'a> {
    name: &'a str,
    inputs: &'a Inputs,
    base: Option<PathBuf>,
    file: PathBuf,
    extra: Vec<&'a str>,
    before: Option<Content>,
    after: Option<Content>,
    work: tempfile::TempDir,
    runs: usize,
    /// Kills after which validate reported unlisted (whole) files in the table folders.
    left_unlisted: usize,
}

impl<'a> Scenario<'a> {
    fn new(
        name: &'a str,
        inputs: &'a Inputs,
        base: Option<PathBuf>,
        file: PathBuf,
        extra: &[&'a str],
    ) -> Scenario<'a> {
        let mut s = Scenario {
            name,
            inputs,
            base,
            file,
            extra: extra.to_vec(),
            before: None,
            after: None,
            work: tempfile::tempdir().unwrap(),
            runs: 0,
            left_unlisted: 0,
        };
        let store = s.fresh();
        s.before = content(&store);
        run_ok(import_cmd(inputs, &s.file, &store, &s.extra));
        s.after = content(&store);
        assert!(s.after.is_some());
        s
    }

    fn fresh(&mut self) -> PathBuf {
        self.runs += 1;
        let store = self.work.path().join(format!("s{}", self.runs));
        if let Some(base) = &self.base {
            copy_dir(base, &store);
        }
        store
    }

    /// Checks what a killed import left, then runs the import again. Returns whether the kill
    /// came after the commit, and how many unlisted files validate reported.
    fn check(&mut self, store: &Path, what: &str) -> (bool, usize) {
        let now = content(store);
        let committed = if now == self.before {
            false
        } else if now == self.after {
            true
        } else {
            panic!(
                "{}, {what}: neither the version before nor the one after:\n{now:#?}\nbefore {:#?}\nafter {:#?}",
                self.name, self.before, self.after
            )
        };
        let whole = assert_table_folders_whole(store, &format!("{}, {what}", self.name));
        let unlisted = if store.join(DESCRIPTOR_FILE).exists() {
            validate_after_kill(store, &format!("{}, {what}", self.name))
        } else {
            0
        };
        assert!(unlisted <= whole);
        self.left_unlisted += usize::from(unlisted > 0);
        // The import, run again, completes and gives the version after; gc removes what the
        // kill left behind.
        run_ok(import_cmd(self.inputs, &self.file, store, &self.extra));
        assert_eq!(content(store), self.after, "{}, {what}: re-run", self.name);
        run_ok({
            let mut c = steppe();
            c.arg("gc").arg(store).stdout(Stdio::null());
            c
        });
        assert_eq!(orphans(store), 0, "{}, {what}: gc left orphans", self.name);
        validate(store);
        (committed, unlisted)
    }

    /// Kills the import at a named crash point; returns, when the process reached it,
    /// whether the kill came after the commit and how many unlisted files validate reported.
    fn kill_at(&mut self, point: &str) -> Option<(bool, usize)> {
        let store = self.fresh();
        let o = import_cmd(self.inputs, &self.file, &store, &self.extra)
            .env("STEPPE_CRASH_AT", point)
            .output()
            .unwrap();
        if o.status.success() {
            return None; // this run never passes that point (e.g. a third row group)
        }
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("error:"),
            "{}, {point}: the import failed instead of dying: {err}",
            self.name
        );
        Some(self.check(&store, point))
    }

    /// SIGKILLs the import after `delay`; returns whether it had finished.
    fn kill_after(&mut self, delay: Duration) -> bool {
        self.kill_after_unlisted(delay).0
    }

    /// SIGKILLs the import after `delay`; returns whether it had finished, and how many
    /// unlisted files validate reported.
    fn kill_after_unlisted(&mut self, delay: Duration) -> (bool, usize) {
        let store = self.fresh();
        let mut child = import_cmd(self.inputs, &self.file, &store, &self.extra)
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        self.check(&store, &format!("SIGKILL after {delay:?} ({status})"))
    }
}

/// Every named point of an import into a store that already holds a year: the first import
/// of a file, the hits of the repeated points, and a re-import with `--reimport replace`,
/// whose commit also removes the files it supersedes.
#[test]
fn imports_killed_at_every_crash_point_leave_the_old_or_the_new_version() {
    let inputs = Inputs::new();
    let base = tempfile::tempdir().unwrap();
    let base_store = base.path().join("store");
    run_ok(import_cmd(
        &inputs,
        &inputs.baci(2021, 500),
        &base_store,
        &[],
    ));
    let file = inputs.baci(2023, 3000);
    let mut tried = 0;
    let mut committed = 0;
    let mut unlisted = 0;
    // Each point with whether a kill there leaves whole files the descriptor does not list
    // in the table folders: never while files are being written (they are in `_staging/`),
    // always between moving them in and the commit, never after a commit without cleanup.
    let mut kill = |s: &mut Scenario, points: &[(&str, Option<bool>)]| {
        for (point, expect) in points {
            if let Some((c, n)) = s.kill_at(point) {
                tried += 1;
                committed += usize::from(c);
                unlisted += usize::from(n > 0);
                if let Some(expect) = expect {
                    assert_eq!(n > 0, *expect, "{}, {point}: {n} unlisted file(s)", s.name);
                }
            }
        }
    };

    // Appending a year to a store.
    let mut s = Scenario::new(
        "append",
        &inputs,
        Some(base_store.clone()),
        file.clone(),
        &[],
    );
    kill(
        &mut s,
        &[
            ("after_lock", Some(false)),
            ("after_row_group", Some(false)),
            ("before_file_sync:1", Some(false)),
            ("before_file_sync:2", Some(false)),
            ("after_file_write:1", Some(false)),
            ("after_file_write:2", Some(false)),
            ("after_file_write:3", Some(false)),
            ("after_file_move:1", Some(true)),
            ("after_file_move:2", Some(true)),
            ("after_file_move:3", Some(true)),
            ("after_dir_sync", Some(true)),
            ("before_descriptor_write", Some(true)),
            ("during_descriptor_write", Some(true)),
            ("before_descriptor_sync", Some(true)),
            ("before_rename", Some(true)),
            ("after_rename", Some(false)),
            ("after_cleanup", Some(false)),
        ],
    );
    // An import that creates the store: it commits twice (the empty store, then the data),
    // and a kill before the first commit leaves no store at all.
    let mut s = Scenario::new("create", &inputs, None, file.clone(), &[]);
    assert!(s.before.is_none());
    kill(
        &mut s,
        &[
            ("after_lock:1", Some(false)),
            ("before_rename:1", None),
            ("after_rename:1", Some(false)),
            ("after_lock:2", Some(false)),
            ("after_file_write:1", Some(false)),
            ("after_file_move:1", Some(true)),
            ("before_rename:2", Some(true)),
            ("after_rename:2", Some(false)),
        ],
    );
    // Replacing a file's rows: the version after has the same rows under new files, the
    // superseded files are removed after the commit (until then a glob reader of the
    // folders sees them, and validate reports them).
    let with_file = base.path().join("with_file");
    copy_dir(&base_store, &with_file);
    run_ok(import_cmd(&inputs, &file, &with_file, &[]));
    let mut s = Scenario::new(
        "replace",
        &inputs,
        Some(with_file),
        file.clone(),
        &["--reimport", "replace"],
    );
    kill(
        &mut s,
        &[
            ("after_lock", Some(false)),
            ("after_file_write:1", Some(false)),
            ("after_file_move:1", Some(true)),
            ("before_rename", Some(true)),
            ("after_rename", Some(true)),
            ("during_cleanup:1", None),
            ("during_cleanup:2", None),
            ("after_cleanup", Some(false)),
        ],
    );
    println!(
        "named crash points: {tried} kills survived ({committed} after the commit, \
         {unlisted} leaving whole unlisted files that validate reported and gc removed)"
    );
    assert!(tried >= 30, "only {tried} crash points were reached");
    assert!(committed >= 2 && committed < tried);
    assert!(unlisted >= 12, "only {unlisted} kills left unlisted files");
}

/// SIGKILL at a spread of delays during an import of a larger file (several row groups),
/// from the start of the process to after its end.
#[test]
fn imports_killed_at_random_moments_leave_the_old_or_the_new_version() {
    let inputs = Inputs::new();
    let base = tempfile::tempdir().unwrap();
    let base_store = base.path().join("store");
    run_ok(import_cmd(
        &inputs,
        &inputs.baci(2021, 500),
        &base_store,
        &[],
    ));
    let file = inputs.baci(2023, 300_000);
    let start = Instant::now();
    let mut s = Scenario::new("timed", &inputs, Some(base_store), file, &[]);
    // The scenario ran the import once; time a second run to spread the kills over it.
    let store = s.fresh();
    let t0 = Instant::now();
    run_ok(import_cmd(&inputs, &s.file, &store, &[]));
    let took = t0.elapsed();
    let mut tried = 0;
    let mut committed = 0;
    for pct in [2, 8, 15, 25, 35, 45, 55, 65, 75, 85, 92, 97, 110] {
        let delay = took * pct / 100;
        tried += 1;
        committed += usize::from(s.kill_after(delay));
    }
    println!(
        "timed kills: {tried} survived ({committed} after the commit, {} leaving whole unlisted files); import took {took:?}, test {:?}",
        s.left_unlisted,
        start.elapsed()
    );
    assert!(
        tried - committed >= 3,
        "too few kills landed before the commit"
    );
}

/// A second import into a store another one is writing fails fast with "store is locked";
/// with `--wait` it waits for the first and then lands.
#[test]
fn a_second_import_is_refused_while_one_writes_or_waits_with_wait() {
    let inputs = Inputs::new();
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    run_ok(import_cmd(&inputs, &inputs.baci(2021, 200), &store, &[]));
    let second = inputs.baci(2024, 200);

    // Another process holds the lock (as a running import does): refused at once.
    let lock = StoreLock::acquire(&store, false).unwrap();
    let before = content(&store);
    let t0 = Instant::now();
    let o = import_cmd(&inputs, &second, &store, &[]).output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("is locked by another writer"), "{err}");
    assert!(err.contains("(pass --wait to wait for it)"), "{err}");
    assert!(
        t0.elapsed() < Duration::from_secs(10),
        "not fast: {:?}",
        t0.elapsed()
    );
    assert_eq!(
        content(&store),
        before,
        "a refused import changed the store"
    );

    // With --wait it blocks until the lock is released, then imports.
    let mut child = import_cmd(&inputs, &second, &store, &["--wait"])
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(child.try_wait().unwrap().is_none(), "--wait did not wait");
    drop(lock);
    let status = child.wait().unwrap();
    assert!(status.success());
    assert_eq!(
        content(&store).unwrap().imports.len(),
        before.unwrap().imports.len() + 1
    );

    // Two real imports: whichever comes second while the first writes is refused, never
    // interleaved; the store is valid with one or both.
    let big = inputs.baci(2022, 150_000);
    let mut first = import_cmd(&inputs, &big, &store, &[]).spawn().unwrap();
    let t0 = Instant::now();
    loop {
        // Wait until the first import holds the lock.
        match StoreLock::acquire(&store, false) {
            Err(steppe::Error::Locked { .. }) => break,
            Ok(l) => drop(l),
            Err(e) => panic!("{e}"),
        }
        assert!(
            t0.elapsed() < Duration::from_secs(20),
            "the first import never locked"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
    let o = import_cmd(&inputs, &inputs.baci(2025, 100), &store, &[])
        .output()
        .unwrap();
    let running = first.try_wait().unwrap().is_none();
    assert!(first.wait().unwrap().success());
    if running {
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("is locked"));
    }
    validate(&store);
}
