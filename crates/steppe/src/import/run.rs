//! The one import driver: [`ImportRun`] decides whether a file was imported before, seeds a
//! new store, holds the lock, gives the importer the store as it sees it ([`View`]), reports
//! progress, keeps the accounting and the rejects, and commits everything at once.

use std::collections::HashSet;
use std::path::Path;

use arrow_array::RecordBatch;

use super::{decode_line, ImportOptions, InputFile, Reimport};
use crate::codes::CodeIndex;
use crate::model::{EntityCode, Reject, Source};
use crate::schema::Table;
use crate::store::DESCRIPTOR_FILE;
use crate::store::{seed_reference, ImportSummary, Store, Transaction, WriteOptions};
use crate::{Error, Result};

/// Rejects are flushed to the transaction in batches of this many rows.
const REJECT_BATCH: usize = 10_000;

/// One input file being imported inside a store transaction.
pub struct ImportRun {
    tx: Transaction,
    summary: ImportSummary,
    rejects: Vec<Reject>,
    source: Source,
    input: InputFile,
    /// The options the import was begun with (progress, reject rate).
    options: ImportOptions,
    view: View,
    /// Removes the store this run created if it ends without committing (after `tx`, which
    /// is dropped first: fields drop in declaration order).
    new_store: NewStore,
}

impl ImportRun {
    /// Starts importing `input` into the store at `store_path` (created if missing), holding
    /// the store's lock until [`finish`](ImportRun::finish) or drop. Returns `None` when the
    /// file was imported before and the policy is [`Reimport::Skip`] (known without waiting
    /// for the lock when the committed store already records it). A store without entities is
    /// seeded from the bundled reference tables in this transaction, in files of their own, so
    /// replacing the file later drops only its own rows.
    pub fn begin(
        store_path: &Path,
        importer: &str,
        input: &InputFile,
        source: Source,
        options: &ImportOptions,
    ) -> Result<Option<ImportRun>> {
        check_reject_rate(options.max_reject_rate)?;
        let source = match &options.origin {
            Some(origin) => origin.apply(source),
            None => source,
        };
        // The earlier imports of this file: the same content, or the same source id (an input
        // whose sha256 is only learned while it is read names its Source otherwise: see
        // `settle_content`). Their (source id, sha256), so each is replaced by its own id.
        let imported = |imports: &[ImportSummary]| -> Vec<(String, String)> {
            imports
                .iter()
                .filter(|s| {
                    s.importer == importer
                        && (holds(s, &input.sha256) || s.source_id == source.source_id)
                })
                .map(|s| (s.source_id.clone(), s.sha256.clone()))
                .collect()
        };
        if options.reimport == Reimport::Skip
            && store_path.join(DESCRIPTOR_FILE).exists()
            && !imported(&Store::open(store_path)?.descriptor().steppe.imports).is_empty()
        {
            return Ok(None);
        }
        let new_store = NewStore::before_creating(store_path);
        let store = Store::open_or_create(store_path)?;
        let mut tx = store.begin_with(WriteOptions {
            wait_for_lock: options.wait_for_lock,
            ..Default::default()
        })?;
        let earlier = imported(&tx.descriptor().steppe.imports);
        if !earlier.is_empty() {
            match options.reimport {
                Reimport::Skip => return Ok(None),
                Reimport::Fail => {
                    return Err(Error::AlreadyImported {
                        path: input.path.clone(),
                        store: store_path.to_path_buf(),
                        sha256: input.sha256.clone(),
                    })
                }
                Reimport::Replace => {
                    let others = earlier.iter().map(|e| e.0.as_str());
                    let others = others.filter(|id| *id != source.source_id);
                    check_replace_across_files(importer, input, store_path, others)?;
                    // An archive year's rows carry the member's source id, not this file's.
                    for (source_id, sha256) in &earlier {
                        for t in Table::ALL {
                            tx.replace_source(*t, source_id)?;
                        }
                        tx.forget_import(importer, sha256);
                    }
                }
            }
        }
        if tx
            .descriptor()
            .resource(Table::Entities)
            .is_none_or(|r| r.steppe.rows == 0)
        {
            seed_reference(&mut tx)?;
            // Keep the seeded rows in files of their own: re-importing the file later drops
            // the files that hold only its rows.
            tx.close_open_files()?;
        }
        let view = View {
            store: Store::open(store_path)?,
            replacing: source.source_id.clone(),
        };
        let summary = ImportSummary {
            importer: importer.to_string(),
            source_id: source.source_id.clone(),
            file: input.name.clone(),
            sha256: input.sha256.clone(),
            ..Default::default()
        };
        Ok(Some(ImportRun {
            tx,
            summary,
            rejects: Vec::new(),
            source,
            input: input.clone(),
            options: options.clone(),
            view,
            new_store,
        }))
    }

    /// The store as this import sees it (read under its lock).
    pub(crate) fn view(&self) -> &View {
        &self.view
    }

    /// Starts the progress display of the input (with its size when it is not compressed).
    pub fn start_progress(&self) {
        let lower = self.input.name.to_ascii_lowercase();
        let compressed = lower.ends_with(".zip") || lower.ends_with(".gz");
        self.options
            .progress
            .start(&self.input.name, (!compressed).then_some(self.input.bytes));
    }

    /// Reports `bytes` more input bytes and `rows` more rows.
    pub fn advance(&self, bytes: u64, rows: u64) {
        self.options.progress.advance(bytes, rows);
    }

    /// Fails with [`Error::Cancelled`] when the caller asks to stop (nothing is committed).
    pub fn check_stop(&self) -> Result<()> {
        crate::progress::check_stop(self.options.progress.as_ref())
    }

    /// Ends the progress display of the input.
    pub fn end_progress(&self) {
        self.options.progress.finish();
    }

    /// The input file's source id (every row written points at it).
    pub fn source_id(&self) -> &str {
        &self.source.source_id
    }

    /// Counts `n` data rows read from the input.
    pub fn read_rows(&mut self, n: u64) {
        self.summary.rows_read += n;
    }

    /// The data rows read so far (a format without lines numbers its rejects by it).
    pub fn rows_read(&self) -> u64 {
        self.summary.rows_read
    }

    /// Counts rows accepted into the main table.
    pub fn accept(&mut self, n: u64) {
        self.summary.rows_accepted += n;
    }

    /// Counts a row deliberately left out (e.g. a breakdown row, a country filter).
    pub fn skip(&mut self, reason: &str) {
        *self.summary.rows_skipped.entry(reason.into()).or_default() += 1;
    }

    /// Records a rejected row with its line, field, reason code and raw text.
    pub fn reject(
        &mut self,
        line: u64,
        field: Option<&str>,
        reason: &str,
        detail: impl Into<String>,
        raw: &[u8],
    ) -> Result<()> {
        self.summary.rows_rejected += 1;
        *self
            .summary
            .rejected_by_reason
            .entry(reason.into())
            .or_default() += 1;
        self.rejects.push(Reject {
            source_id: self.source.source_id.clone(),
            file: self.summary.file.clone(),
            line: line as i64,
            field: field.map(String::from),
            reason: reason.to_string(),
            detail: Some(detail.into()),
            raw: decode_line(raw.strip_suffix(b"\n").unwrap_or(raw))
                .0
                .trim_end_matches('\r')
                .to_string(),
        });
        if self.rejects.len() >= REJECT_BATCH {
            self.flush_rejects()?;
        }
        Ok(())
    }

    fn flush_rejects(&mut self) -> Result<()> {
        let rejects = std::mem::take(&mut self.rejects);
        self.tx.write_records(&rejects)
    }

    /// Writes a batch to a table, counting its rows.
    pub fn write(&mut self, table: Table, batch: &RecordBatch) -> Result<()> {
        self.written(table, batch.num_rows());
        self.tx.write(table, batch)
    }

    /// Writes typed records to their table, counting them.
    pub fn write_records<R: crate::Record>(&mut self, records: &[R]) -> Result<()> {
        self.written(R::TABLE, records.len());
        self.tx.write_records(records)
    }

    /// Writes and empties a buffer of records (nothing when it is empty).
    pub(crate) fn write_all<R: crate::Record>(&mut self, rows: &mut Vec<R>) -> Result<()> {
        if !rows.is_empty() {
            self.write_records(rows)?;
            rows.clear();
        }
        Ok(())
    }

    fn written(&mut self, table: Table, rows: usize) {
        let name = table.name().to_string();
        *self.summary.rows_written.entry(name).or_default() += rows as u64;
    }

    /// The underlying transaction (e.g. to mark a table not redistributable).
    pub fn transaction(&mut self) -> &mut Transaction {
        &mut self.tx
    }

    /// Sets the input's content (`sha256`, `bytes`), learned while reading it (a release
    /// archive's member is hashed in the import's one pass), in the summary and the Source.
    /// When an earlier import of another source id holds the same content (the unpacked
    /// file), the policy decides: `Skip` returns `false` (drop the run: nothing is written),
    /// `Fail` fails with [`Error::AlreadyImported`], `Replace` drops that import's rows.
    pub(crate) fn settle_content(&mut self, sha256: String, bytes: u64) -> Result<bool> {
        self.input.sha256.clone_from(&sha256);
        self.input.bytes = bytes;
        self.summary.sha256.clone_from(&sha256);
        self.source.content_sha256 = Some(sha256.clone());
        self.source.byte_size = Some(bytes as i64);
        self.settle_earlier(&sha256)
    }

    /// Records the content of a compressed input, hashed as the import read it (`None`: a
    /// plain file, nothing to do), in the summary's `content_sha256`. When an earlier import
    /// holds the same content in another container (`x.csv` for `x.csv.gz`), the policy
    /// decides as in [`settle_content`](ImportRun::settle_content): `false` means skip.
    pub(crate) fn settle_decompressed(
        &mut self,
        digest: Option<super::input::Digest>,
    ) -> Result<bool> {
        let Some(digest) = digest else {
            return Ok(true);
        };
        let (sha256, _) = digest.result()?;
        self.summary.content_sha256 = Some(sha256.clone());
        self.settle_earlier(&sha256)
    }

    /// Applies the re-import policy to the imports of other source ids holding `content`
    /// (as their file's sha256 or their decompressed content's): `Ok(false)` to skip this
    /// one, an error to refuse it, or their rows dropped to replace them.
    fn settle_earlier(&mut self, content: &str) -> Result<bool> {
        let importer = self.summary.importer.clone();
        let earlier: Vec<(String, String)> = (self.tx.descriptor().steppe.imports.iter())
            .filter(|s| s.importer == importer && holds(s, content))
            .filter(|s| s.source_id != self.source.source_id)
            .map(|s| (s.source_id.clone(), s.sha256.clone()))
            .collect();
        if earlier.is_empty() {
            return Ok(true);
        }
        match self.options.reimport {
            Reimport::Skip => Ok(false),
            Reimport::Fail => Err(Error::AlreadyImported {
                path: self.input.path.clone(),
                store: self.tx.root().to_path_buf(),
                sha256: content.to_string(),
            }),
            Reimport::Replace => {
                let others = earlier.iter().map(|e| e.0.as_str());
                check_replace_across_files(&importer, &self.input, self.tx.root(), others)?;
                for (id, sha256) in &earlier {
                    for t in Table::ALL {
                        self.tx.replace_source(*t, id)?;
                    }
                    self.tx.forget_import(&importer, sha256);
                }
                Ok(true)
            }
        }
    }

    /// Checks the row accounting, writes the file's Source and rejects, records the summary
    /// and commits. Nothing is visible in the store before this returns. After the commit,
    /// fails with [`Error::RejectRate`] when the rejected share exceeds the maximum.
    pub fn finish(mut self) -> Result<ImportSummary> {
        let skipped: u64 = self.summary.rows_skipped.values().sum();
        let s = &self.summary;
        if s.rows_read != s.rows_accepted + s.rows_rejected + skipped {
            return Err(Error::InvalidArgument(format!(
                "internal accounting error importing {}: read {} != accepted {} + rejected {} + skipped {skipped}; nothing was written",
                s.file, s.rows_read, s.rows_accepted, s.rows_rejected
            )));
        }
        self.flush_rejects()?;
        let source = self.source.clone();
        self.write_records(std::slice::from_ref(&source))?;
        self.tx.record_import(self.summary.clone());
        let store = self.tx.root().to_path_buf();
        self.tx.commit()?;
        self.new_store.keep();
        reject_rate_error(
            &self.summary,
            &self.input.path,
            &store,
            self.options.max_reject_rate,
        )
        .map_or(Ok(self.summary), Err)
    }
}

/// A store an import is about to create: removed again when the import ends without
/// committing (an error, a cancel), so a failed first import leaves no empty store behind.
/// A directory that existed before keeps everything but what the store creation put there
/// (the descriptor, the lock file, its table folders where they hold no file).
struct NewStore {
    /// The store's directory, until the import commits; `None` when the store existed.
    path: Option<std::path::PathBuf>,
    /// Whether the directory existed before (then only the store's files are removed).
    dir_existed: bool,
}

impl NewStore {
    /// Notes whether the store at `path` exists, before it is opened or created.
    fn before_creating(path: &Path) -> NewStore {
        let exists = path.join(DESCRIPTOR_FILE).exists();
        NewStore {
            path: (!exists).then(|| path.to_path_buf()),
            dir_existed: path.exists(),
        }
    }

    /// The import committed: the store stays.
    fn keep(&mut self) {
        self.path = None;
    }
}

impl Drop for NewStore {
    fn drop(&mut self) {
        let Some(path) = self.path.take() else { return };
        // Only under the store's lock, and while no import has committed into it: another
        // process may have begun importing into the same new store meanwhile.
        let Ok(store) = Store::open(&path) else {
            return;
        };
        let Ok(lock) = store.begin_with(WriteOptions::default()) else {
            return;
        };
        if !lock.descriptor().steppe.imports.is_empty() {
            return;
        }
        if !self.dir_existed {
            let _ = std::fs::remove_dir_all(&path);
            return;
        }
        for name in [DESCRIPTOR_FILE, crate::store::LOCK_FILE] {
            let _ = std::fs::remove_file(path.join(name));
        }
        // Only the store's own folders, and only where they hold no file: a folder of the
        // user's, even an empty one, stays.
        let store_dirs = Table::ALL.iter().map(|t| t.name());
        for name in store_dirs.chain([crate::store::paths::STAGING_DIR]) {
            remove_empty_folders(&path.join(name));
        }
    }
}

/// Removes `dir` and the folders under it, bottom up, where they hold no file; a folder
/// holding anything else stays, with the folders above it.
fn remove_empty_folders(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                remove_empty_folders(&entry.path());
            }
        }
    }
    // Fails, leaving it, unless it is empty now.
    let _ = std::fs::remove_dir(dir);
}

/// The importers whose rows never depend on what the store holds under the file's Source
/// (no events deduplicated against stored ones, no entities made once per store under it),
/// so one import can replace another file's import of the same content in its transaction:
/// a BACI year read from its release archive, from its unpacked file or from a `.gz`.
const REPLACES_ACROSS_FILES: &[&str] = &["baci"];

/// Refuses `--reimport replace` of an import of the same content from another file (another
/// container: its Source id is not this file's), `others`, for an importer not in
/// [`REPLACES_ACROSS_FILES`]: such an import decides its rows against the store as it is
/// (events already there, entities that import made), which the replacement would remove.
/// The error says what to do instead; nothing is written.
fn check_replace_across_files<'a>(
    importer: &str,
    input: &InputFile,
    store: &Path,
    mut others: impl Iterator<Item = &'a str>,
) -> Result<()> {
    let Some(other) = others.next() else {
        return Ok(());
    };
    if REPLACES_ACROSS_FILES.contains(&importer) {
        return Ok(());
    }
    Err(Error::InvalidArgument(format!(
        "{}: {} already holds this content, imported from another file (Source `{other}`); \
         `--reimport replace` of a {importer} import replaces an import of the same file only: \
         re-import that file with `--reimport replace`, or import this one into a new store; \
         nothing was written",
        input.path.display(),
        store.display()
    )))
}

/// Whether the import `s` holds the content whose sha256 is `sha256`: its file's, or its
/// decompressed content's.
fn holds(s: &ImportSummary, sha256: &str) -> bool {
    s.sha256 == sha256 || s.content_sha256.as_deref() == Some(sha256)
}

/// Refuses a maximum reject rate outside 0..=1 (or NaN).
pub fn check_reject_rate(max: f64) -> Result<()> {
    if (0.0..=1.0).contains(&max) {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "the maximum reject rate must be a fraction between 0 and 1 (0.5 is 50 %), not {max}"
        )))
    }
}

/// The [`Error::RejectRate`] for an import whose rejected share of the rows it accepted or
/// rejected exceeds `max`, or `None`.
fn reject_rate_error(s: &ImportSummary, path: &Path, store: &Path, max: f64) -> Option<Error> {
    let considered = s.rows_accepted + s.rows_rejected;
    if considered == 0 || s.rows_rejected as f64 <= max * considered as f64 {
        return None;
    }
    let top_reason = s
        .rejected_by_reason
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
        .map(|(reason, n)| format!("{reason} ({n})"));
    Some(Error::RejectRate {
        path: path.to_path_buf(),
        store: store.to_path_buf(),
        rejected: s.rows_rejected,
        considered,
        top_reason,
        max_rate: max,
    })
}

/// The store as an import sees it under its lock, without the rows of the file being
/// replaced. Its reference (crosswalk, entities) is the store's own, else the bundled one a
/// new store is seeded with ([`Store::code_index`]).
pub(crate) struct View {
    store: Store,
    replacing: String,
}

impl View {
    /// The code crosswalk.
    pub fn code_index(&self) -> Result<CodeIndex> {
        self.store.code_index_without(&self.replacing)
    }

    /// The entity ids.
    pub fn entity_ids(&self) -> Result<HashSet<String>> {
        self.store.entity_ids_without(&self.replacing)
    }

    /// The crosswalk rows [`View::code_index`] is built from.
    pub fn entity_codes(&self) -> Result<Vec<EntityCode>> {
        self.store.reference_codes(&self.replacing)
    }

    /// Distinct values of `column` of `table` (those starting with `prefix`, when given).
    pub fn key_set(
        &self,
        table: Table,
        column: &str,
        prefix: Option<&str>,
    ) -> Result<HashSet<String>> {
        self.store
            .key_set_without(table, column, prefix, &self.replacing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Scheme;

    fn begin(store: &Path, input: &InputFile, reimport: Reimport) -> Result<Option<ImportRun>> {
        let source = input.source("test", "a test file", None, None);
        let options = ImportOptions {
            reimport,
            ..Default::default()
        };
        ImportRun::begin(store, "test", input, source, &options)
    }

    #[test]
    fn one_commit_seeds_a_new_store_and_a_known_file_is_skipped_without_the_lock() {
        let dir = tempfile::tempdir().unwrap();
        let (store, file) = (dir.path().join("store"), dir.path().join("a.csv"));
        std::fs::write(&file, "x\n1\n").unwrap();
        let input = InputFile::inspect(&file).unwrap();
        let mut run = begin(&store, &input, Reimport::Skip).unwrap().unwrap();
        // Before anything is committed the view already resolves through the seeded crosswalk.
        let codes = run.view().code_index().unwrap();
        assert_eq!(
            codes.resolve(Scheme::Iso3, "TJK", Some(2020)).unwrap(),
            "TJK"
        );
        let entities = run.view().entity_ids().unwrap();
        assert!(entities.contains("KAZ"), "{}", entities.len());
        run.read_rows(1);
        run.skip("test_skip");
        let summary = run.finish().unwrap();
        assert_eq!(summary.rows_skipped["test_skip"], 1);
        let committed = Store::open(&store).unwrap();
        assert!(committed.row_count(Table::Entities) > 200);
        assert_eq!(committed.descriptor().steppe.imports.len(), 1);

        // Another writer holds the lock: skipping a known file needs no lock, failing does.
        let _writer = committed.begin_with(WriteOptions::default()).unwrap();
        assert!(begin(&store, &input, Reimport::Skip).unwrap().is_none());
        let err = begin(&store, &input, Reimport::Fail).err().unwrap();
        assert!(matches!(err, Error::Locked { .. }), "{err}");
    }

    #[test]
    fn the_callers_origin_is_what_the_stored_source_says() {
        let dir = tempfile::tempdir().unwrap();
        let (store, file) = (dir.path().join("store"), dir.path().join("a.csv"));
        std::fs::write(&file, "x\n1\n").unwrap();
        let input = InputFile::inspect(&file).unwrap();
        let options = ImportOptions {
            origin: Some(crate::import::Origin {
                url: Some("https://example.org/a.csv".into()),
                accessed: chrono::NaiveDate::from_ymd_opt(2026, 7, 1),
                ..Default::default()
            }),
            ..Default::default()
        };
        let source = input.source("test", "a test file", None, None);
        let mut run = ImportRun::begin(&store, "test", &input, source, &options)
            .unwrap()
            .unwrap();
        run.read_rows(1);
        run.skip("test_skip");
        run.finish().unwrap();
        let sources: Vec<crate::model::Source> = Store::open(&store).unwrap().records().unwrap();
        let stored = sources
            .iter()
            .find(|s| s.source_id == input.source_id("test"))
            .expect("the file's source is stored");
        assert_eq!(stored.url.as_deref(), Some("https://example.org/a.csv"));
        assert_eq!(stored.accessed, chrono::NaiveDate::from_ymd_opt(2026, 7, 1));
    }

    #[test]
    fn a_replaced_file_is_left_out_of_the_view() {
        let dir = tempfile::tempdir().unwrap();
        let (store, file) = (dir.path().join("store"), dir.path().join("a.csv"));
        std::fs::write(&file, "x\n1\n").unwrap();
        let input = InputFile::inspect(&file).unwrap();
        let mut run = begin(&store, &input, Reimport::Skip).unwrap().unwrap();
        let source_id = run.source_id().to_string();
        run.write_records(&[crate::model::Indicator {
            indicator_id: "test:x".into(),
            name: "x".into(),
            definition: None,
            unit: None,
            topic: None,
            aggregation_method: None,
            source_series_code: "x".into(),
            source_note: None,
            license: None,
            source_id,
            source_locator: None,
        }])
        .unwrap();
        run.read_rows(1);
        run.accept(1);
        run.finish().unwrap();
        let ids = |run: &ImportRun| {
            run.view()
                .key_set(Table::Indicators, "indicator_id", Some("test:"))
                .unwrap()
        };
        let other = dir.path().join("b.csv");
        std::fs::write(&other, "x\n2\n").unwrap();
        let other = begin(&store, &InputFile::inspect(&other).unwrap(), Reimport::Skip);
        let other = other.unwrap().unwrap();
        assert_eq!(ids(&other).into_iter().collect::<Vec<_>>(), ["test:x"]);
        drop(other);
        let replacing = begin(&store, &input, Reimport::Replace).unwrap().unwrap();
        assert!(ids(&replacing).is_empty());
    }

    /// A run that ends without committing removes the store it created: the whole folder
    /// when the import made it; in a folder that was there, only the store's own files and
    /// its table folders that hold no file, never the user's files or (even empty) folders.
    #[test]
    fn an_uncommitted_first_run_removes_only_what_the_store_creation_made() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("data.csv");
        std::fs::write(&file, "a,b\n1,2\n").unwrap();
        let input = InputFile::inspect(&file).unwrap();

        let fresh = dir.path().join("fresh");
        drop(begin(&fresh, &input, Reimport::Skip).unwrap().unwrap());
        assert!(!fresh.exists());

        let users = dir.path().join("users");
        std::fs::create_dir_all(users.join("notes")).unwrap();
        std::fs::write(users.join("readme.txt"), "mine").unwrap();
        let run = begin(&users, &input, Reimport::Skip).unwrap().unwrap();
        assert!(users.join(DESCRIPTOR_FILE).exists());
        // A partition folder an aborted write may leave, empty.
        std::fs::create_dir_all(users.join("trade_flows").join("year=2022")).unwrap();
        drop(run);
        let mut kept: Vec<String> = std::fs::read_dir(&users)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        kept.sort();
        assert_eq!(kept, ["notes", "readme.txt"]);
    }
}
