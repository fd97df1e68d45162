//! Write transactions. New data goes to files under fresh names (`part-g<generation>-<n>`),
//! written in the store's staging directory (`_staging/`, outside every table folder) and
//! fsynced, then each moved whole into its table folder by one rename; the new descriptor is
//! written to a temporary file, fsynced and renamed over `datapackage.json`, which is the
//! single commit point. A crash before that rename leaves the previous version complete and
//! readable: a glob reader of the table folders never sees a partial file, at worst a whole
//! file no descriptor lists (reported by `validate`; `gc` removes it and the staging
//! leftovers). After the rename, the new version is complete.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::{Array, RecordBatch};
use arrow_schema::{Schema, SchemaRef};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use sha2::{Digest, Sha256};

use super::column_writer::{ColumnParallelWriter, HashingFile};

use super::descriptor::{
    Descriptor, FileEntry, ImportSummary, PackageLicense, PackageSource, DESCRIPTOR_FILE,
};
use super::lock::StoreLock;
use super::paths;
use crate::model::Source;
use crate::record::{from_batch, to_batch, Record};
use crate::schema::{Table, SCHEMA_VERSION};
use crate::{Error, Result};

/// Options of a write transaction.
#[derive(Debug, Clone, Default)]
pub struct WriteOptions {
    /// Wait for another writer to finish instead of failing with [`Error::Locked`].
    pub wait_for_lock: bool,
    /// Fixed `created` value for reproducible stores (the bundled dataset); default: now.
    pub created: Option<String>,
    /// Rows per Parquet row group (default 131072: small enough for statistics to prune).
    pub row_group_rows: Option<usize>,
    /// Column chunks stored without compression (default: zstd, with per-column choices for
    /// trade flows). For a store that is compressed whole anyway, as the bundled dataset is
    /// inside a wheel: a reader then decodes pages in place and creates no codec per column
    /// chunk it reads.
    pub uncompressed: bool,
}

/// What a commit published.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitInfo {
    /// The new generation number.
    pub generation: u64,
    /// Files added, per table.
    pub files_added: BTreeMap<String, usize>,
    /// Rows added, per table.
    pub rows_added: BTreeMap<String, u64>,
}

struct OpenFile {
    rel: String,
    /// Where the file is written (under `_staging/`).
    path: PathBuf,
    /// Where the commit moves it (inside the table folder).
    dest: PathBuf,
    writer: ColumnParallelWriter,
    rows: u64,
    partition: BTreeMap<String, Option<i64>>,
}

/// An open write transaction on a store directory. Dropping it without [`commit`] discards
/// everything it wrote.
///
/// [`commit`]: Transaction::commit
pub struct Transaction {
    root: PathBuf,
    _lock: StoreLock,
    next: Descriptor,
    generation: u64,
    seq: usize,
    open: BTreeMap<(Table, Option<i64>), OpenFile>,
    finished: Vec<(Table, FileEntry)>,
    /// Finished files waiting in the staging directory: (staged, destination).
    staged: Vec<(PathBuf, PathBuf)>,
    /// Every path this transaction may have created (staged and destination), removed if it
    /// is dropped uncommitted.
    new_files: Vec<PathBuf>,
    replaced: BTreeSet<Table>,
    dropped: Vec<String>,
    options: WriteOptions,
    committed: bool,
}

impl Transaction {
    /// Locks the store in `root` and starts from its current descriptor.
    pub(crate) fn begin(root: &Path, options: WriteOptions) -> Result<Transaction> {
        std::fs::create_dir_all(root).map_err(|e| Error::io(root, e))?;
        let lock = StoreLock::acquire(root, options.wait_for_lock)?;
        crash_point("after_lock");
        // Re-read under the lock: another writer may have committed since this handle opened.
        let desc_path = root.join(DESCRIPTOR_FILE);
        let next = if desc_path.exists() {
            super::Store::open(root)?.descriptor
        } else {
            Descriptor::empty("steppe-store")
        };
        let generation = next.steppe.generation + 1;
        Ok(Transaction {
            root: root.to_path_buf(),
            _lock: lock,
            next,
            generation,
            seq: 0,
            open: BTreeMap::new(),
            finished: Vec::new(),
            staged: Vec::new(),
            new_files: Vec::new(),
            replaced: BTreeSet::new(),
            dropped: Vec::new(),
            options,
            committed: false,
        })
    }

    /// The descriptor as it will be committed (so far).
    pub fn descriptor(&self) -> &Descriptor {
        &self.next
    }

    /// The store directory.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Drops every existing file of `table` at commit (the table is rewritten by this
    /// transaction).
    pub fn replace_table(&mut self, table: Table) {
        self.replaced.insert(table);
    }

    /// Drops, at commit, the existing files of `table` whose rows all come from `source_id`
    /// (re-importing a file replaces its rows). Returns how many files will be dropped.
    pub fn replace_source(&mut self, table: Table, source_id: &str) -> Result<usize> {
        let store = super::Store::open(&self.root)?;
        let Some(resource) = self.next.resource(table).cloned() else {
            return Ok(0);
        };
        let mut keep = Vec::new();
        let mut dropped = 0;
        for f in resource.steppe.files {
            let data = store.read_file_source_ids(table, &f)?;
            if data.len() == 1 && data.contains(source_id) {
                dropped += 1;
                self.dropped.push(f.path.clone());
            } else if data.contains(source_id) {
                return Err(Error::store(
                    &self.root,
                    format!(
                        "file {} mixes rows of {source_id} with others; cannot replace them",
                        f.path
                    ),
                ));
            } else {
                keep.push(f);
            }
        }
        let r = self.next.resource_mut(table);
        r.steppe.files = keep;
        r.refresh();
        Ok(dropped)
    }

    /// Closes the files this transaction has open, so that later writes go to new files.
    ///
    /// Added for the importers (trade importers, issue 5): a store seeded by
    /// [`crate::import::seed_reference`] in the same transaction as an import would otherwise
    /// hold the bundled sources and the input file's Source (or entities) in one Parquet file,
    /// and `replace_source` refuses to drop a file that mixes sources. Calling this between
    /// groups of rows of different sources keeps one source per file.
    pub fn close_open_files(&mut self) -> Result<()> {
        self.finish_files()
    }

    /// Marks a table as not redistributable (e.g. it holds ACLED rows).
    pub fn mark_not_redistributable(&mut self, table: Table) {
        self.next.resource_mut(table).steppe.redistributable = false;
    }

    /// Removes the summaries of earlier imports of a file (it is being replaced).
    pub fn forget_import(&mut self, importer: &str, sha256: &str) {
        self.next
            .steppe
            .imports
            .retain(|s| !(s.importer == importer && s.sha256 == sha256));
    }

    /// Records an import's summary in the descriptor.
    pub fn record_import(&mut self, summary: ImportSummary) {
        self.next.steppe.imports.push(summary);
    }

    /// Sets the package name and title.
    pub fn set_package(&mut self, name: &str, title: Option<&str>) {
        self.next.name = name.to_string();
        self.next.title = title.map(String::from);
    }

    /// Writes typed records to their table.
    pub fn write_records<R: Record>(&mut self, records: &[R]) -> Result<()> {
        if records.is_empty() {
            return Ok(());
        }
        let batch = sort_batch(&to_batch(records)?, R::TABLE.spec().sort_by)?;
        self.write(R::TABLE, &batch)
    }

    /// Appends a batch of the table's schema (columns matched by name; partition columns
    /// split it across Hive directories).
    pub fn write(&mut self, table: Table, batch: &RecordBatch) -> Result<()> {
        if batch.num_rows() == 0 {
            return Ok(());
        }
        let spec = table.spec();
        let batch = conform(table, &spec.schema, batch)?;
        match spec.partition_by {
            [] => self.write_partition(table, None, &batch),
            [column] => {
                let idx = spec.schema.index_of(column)?;
                let col = arrow_cast::cast(batch.column(idx), &arrow_schema::DataType::Int64)?;
                let values = col.as_primitive::<arrow_array::types::Int64Type>();
                let keys: BTreeSet<Option<i64>> = values.iter().collect();
                if keys.len() == 1 {
                    let key = *keys.iter().next().expect("one key");
                    return self.write_partition(table, Some(key), &batch);
                }
                for key in keys {
                    let mask: arrow_array::BooleanArray =
                        values.iter().map(|v| Some(v == key)).collect();
                    let part = arrow_select::filter::filter_record_batch(&batch, &mask)?;
                    self.write_partition(table, Some(key), &part)?;
                }
                Ok(())
            }
            _ => Err(Error::Schema {
                table: table.name().into(),
                message: "more than one partition column is not supported".into(),
            }),
        }
    }

    /// `partition`: None for unpartitioned tables, Some(value) for partitioned ones.
    fn write_partition(
        &mut self,
        table: Table,
        partition: Option<Option<i64>>,
        batch: &RecordBatch,
    ) -> Result<()> {
        let spec = table.spec();
        let key = (table, partition.flatten());
        if !self.open.contains_key(&key) {
            let file_schema = file_schema(&spec.schema, spec.partition_by);
            let mut dir = table.name().to_string();
            let mut part_values = BTreeMap::new();
            if let (Some(value), [column]) = (partition, spec.partition_by) {
                dir = format!("{dir}/{}", paths::partition_dir(column, value));
                part_values.insert(column.to_string(), value);
            }
            let name = paths::data_file_name(self.generation, self.seq);
            self.seq += 1;
            let rel = format!("{dir}/{name}");
            let dest = paths::resolve(&self.root, &rel)?;
            // Written in the staging directory; the commit moves it into `dest` whole.
            let path = paths::resolve(&self.root, &paths::staging_path(&name))?;
            let parent = path.parent().expect("file has a directory");
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            let file = OpenOptions::new()
                .create(true)
                .write(true)
                .truncate(true)
                .open(&path)
                .map_err(|e| Error::io(&path, e))?;
            self.new_files.push(path.clone());
            self.new_files.push(dest.clone());
            let props = writer_properties(table, &self.options);
            let writer = ColumnParallelWriter::try_new(
                HashingFile {
                    file,
                    hasher: Sha256::new(),
                    bytes: 0,
                },
                file_schema,
                props,
            )?;
            self.open.insert(
                key,
                OpenFile {
                    rel,
                    path,
                    dest,
                    writer,
                    rows: 0,
                    partition: part_values,
                },
            );
        }
        let open = self.open.get_mut(&key).expect("inserted above");
        let mut batch = batch.clone();
        for column in spec.partition_by {
            let idx = batch.schema().index_of(column)?;
            batch.remove_column(idx);
        }
        open.writer.write(&batch)?;
        open.rows += batch.num_rows() as u64;
        Ok(())
    }

    /// Closes every open file (flushed and fsynced), ready to commit.
    fn finish_files(&mut self) -> Result<()> {
        let open = std::mem::take(&mut self.open);
        for ((table, _), f) in open {
            let mut inner = f.writer.finish()?;
            inner.flush().map_err(|e| Error::io(&f.path, e))?;
            crash_point("before_file_sync");
            inner.file.sync_all().map_err(|e| Error::io(&f.path, e))?;
            let entry = FileEntry {
                path: f.rel,
                rows: f.rows,
                bytes: inner.bytes,
                sha256: hex::encode(inner.hasher.clone().finalize()),
                partition: f.partition,
            };
            crash_point("after_file_write");
            self.finished.push((table, entry));
            self.staged.push((f.path, f.dest));
        }
        Ok(())
    }

    /// Moves every finished file from the staging directory into its table folder (one
    /// rename each: same filesystem, so a glob reader sees the whole file or none of it) and
    /// fsyncs the directories that gained or lost entries.
    fn move_into_place(&mut self) -> Result<()> {
        let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
        for (staged, dest) in std::mem::take(&mut self.staged) {
            let parent = dest.parent().expect("file has a directory");
            std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
            std::fs::rename(&staged, &dest).map_err(|e| Error::io(&dest, e))?;
            crash_point("after_file_move");
            // The new directories' entries too, up to the store root.
            let mut d = dest.parent();
            while let Some(dir) = d {
                if dir == self.root {
                    break;
                }
                dirs.insert(dir.to_path_buf());
                d = dir.parent();
            }
            if let Some(dir) = staged.parent() {
                dirs.insert(dir.to_path_buf());
            }
        }
        for d in &dirs {
            sync_dir(d)?;
        }
        Ok(())
    }

    /// Removes the staging directory when nothing is left in it.
    fn remove_staging_dir(&self) {
        let _ = std::fs::remove_dir(self.root.join(paths::STAGING_DIR));
    }

    /// Publishes everything written: the one atomic step is the rename of the descriptor.
    pub fn commit(mut self) -> Result<CommitInfo> {
        self.finish_files()?;
        // Move the files into their table folders and make the directories' entries durable
        // before the descriptor points at them.
        self.move_into_place()?;
        crash_point("after_dir_sync");
        let mut superseded = std::mem::take(&mut self.dropped);
        for t in &self.replaced {
            let r = self.next.resource_mut(*t);
            superseded.extend(r.steppe.files.drain(..).map(|f| f.path));
            r.refresh();
        }
        let mut info = CommitInfo {
            generation: self.generation,
            files_added: BTreeMap::new(),
            rows_added: BTreeMap::new(),
        };
        for (table, entry) in std::mem::take(&mut self.finished) {
            *info.files_added.entry(table.name().into()).or_default() += 1;
            *info.rows_added.entry(table.name().into()).or_default() += entry.rows;
            let r = self.next.resource_mut(table);
            r.steppe.files.push(entry);
            r.refresh();
        }
        // Keep resources in the canonical table order.
        self.next.resources.sort_by_key(|r| {
            Table::from_name(&r.name)
                .map(|t| Table::ALL.iter().position(|x| *x == t))
                .ok()
                .flatten()
        });
        self.next.steppe.generation = self.generation;
        if self.next.steppe.schema_version < SCHEMA_VERSION {
            // The store is recorded as this version: its resources describe this schema.
            for r in &mut self.next.resources {
                if let Ok(t) = Table::from_name(&r.name) {
                    r.upgrade_schema(&t.spec());
                }
            }
        }
        self.next.steppe.schema_version = SCHEMA_VERSION;
        self.next.created = Some(self.options.created.clone().unwrap_or_else(now_rfc3339));
        self.refresh_package_sources()?;

        let tmp = self
            .root
            .join(format!("{DESCRIPTOR_FILE}.tmp-g{:06}", self.generation));
        let mut json = serde_json::to_vec_pretty(&self.next)?;
        json.push(b'\n');
        {
            let mut f = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
            crash_point("before_descriptor_write");
            // Half the descriptor first, so a crash in the middle leaves a torn temporary.
            let half = json.len() / 2;
            f.write_all(&json[..half]).map_err(|e| Error::io(&tmp, e))?;
            crash_point("during_descriptor_write");
            f.write_all(&json[half..]).map_err(|e| Error::io(&tmp, e))?;
            crash_point("before_descriptor_sync");
            f.sync_all().map_err(|e| Error::io(&tmp, e))?;
        }
        crash_point("before_rename");
        let dest = self.root.join(DESCRIPTOR_FILE);
        std::fs::rename(&tmp, &dest).map_err(|e| Error::io(&dest, e))?;
        // Published: from here on the files are the store's, whatever happens next.
        self.committed = true;
        sync_dir(&self.root)?;
        crash_point("after_rename");
        // Files of replaced tables are no longer named by any descriptor: remove them now so
        // that tools reading the directories (Spark, DuckDB) see exactly this version.
        let still_named: BTreeSet<&str> = self
            .next
            .resources
            .iter()
            .flat_map(|r| r.steppe.files.iter().map(|f| f.path.as_str()))
            .collect();
        for rel in superseded {
            if !still_named.contains(rel.as_str()) {
                if let Ok(p) = paths::resolve(&self.root, &rel) {
                    let _ = std::fs::remove_file(p);
                    crash_point("during_cleanup");
                }
            }
        }
        self.remove_staging_dir();
        crash_point("after_cleanup");
        Ok(info)
    }

    /// Rebuilds the package-level `sources` and `licenses` lists from the sources table.
    fn refresh_package_sources(&mut self) -> Result<()> {
        let Some(resource) = self.next.resource(Table::Sources) else {
            return Ok(());
        };
        let mut sources = BTreeSet::new();
        let mut licenses = BTreeSet::new();
        for f in &resource.steppe.files {
            let path = paths::resolve(&self.root, &f.path)?;
            let bytes = bytes::Bytes::from(std::fs::read(&path).map_err(|e| Error::io(&path, e))?);
            // The parquet and arrow crates panic on some malformed files: a damaged store must
            // stop a commit with an error, not a panic (issue 8).
            let batches = std::panic::catch_unwind(|| {
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)?
                    .build()?
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(Error::from)
            })
            .unwrap_or_else(|_| Err(Error::store(&path, "unreadable Parquet")))?;
            for batch in batches {
                for s in from_batch::<Source>(&batch)? {
                    let title = s.title.clone().unwrap_or_else(|| s.source_id.clone());
                    sources.insert(PackageSource {
                        title,
                        path: s.url.clone(),
                    });
                    if let Some(l) = s.license {
                        licenses.insert(PackageLicense {
                            name: l,
                            title: None,
                        });
                    }
                }
            }
        }
        self.next.sources = sources.into_iter().collect();
        self.next.licenses = licenses.into_iter().collect();
        Ok(())
    }
}

impl Drop for Transaction {
    fn drop(&mut self) {
        if !self.committed {
            // Nothing was published: remove what this transaction wrote.
            for p in &self.new_files {
                let _ = std::fs::remove_file(p);
            }
            self.remove_staging_dir();
        }
    }
}

/// Test hook for the crash harnesses: `STEPPE_CRASH_AT=<point>` aborts the process the first
/// time it reaches `point`, `STEPPE_CRASH_AT=<point>:<n>` the n-th time. Aborting runs no
/// destructors and flushes nothing, as a `kill -9` does. The points, in the order a commit
/// passes them: `after_lock`, `after_row_group` (once per row group), `before_file_sync`,
/// `after_file_write` (once per file, still in `_staging/`), `after_file_move` (once per file
/// moved into its table folder), `after_dir_sync`, `before_descriptor_write`,
/// `during_descriptor_write` (half the temporary descriptor written),
/// `before_descriptor_sync`, `before_rename`, `after_rename`, `during_cleanup` (once per
/// superseded file removed, on re-imports) and `after_cleanup`. `crates/steppe-cli/tests/crash.rs`
/// kills real imports at each of them.
pub(super) fn crash_point(point: &str) {
    use std::sync::atomic::{AtomicU64, Ordering};
    static HITS: AtomicU64 = AtomicU64::new(0);
    let Some(v) = std::env::var_os("STEPPE_CRASH_AT") else {
        return;
    };
    let v = v.to_string_lossy();
    let (name, nth) = match v.split_once(':') {
        Some((name, n)) => (name, n.parse::<u64>().unwrap_or(1)),
        None => (v.as_ref(), 1),
    };
    if name == point && HITS.fetch_add(1, Ordering::SeqCst) + 1 >= nth {
        std::process::abort();
    }
}

/// Sorts a batch by the given columns (nulls first), so row-group statistics prune filters.
pub fn sort_batch(batch: &RecordBatch, by: &[&str]) -> Result<RecordBatch> {
    if by.is_empty() || batch.num_rows() < 2 {
        return Ok(batch.clone());
    }
    let columns = by
        .iter()
        .map(|c| {
            let col = batch
                .column_by_name(c)
                .ok_or_else(|| Error::InvalidArgument(format!("no column `{c}` to sort by")))?;
            // Dictionary keys do not sort like their values: sort on the strings.
            let values = match col.data_type() {
                arrow_schema::DataType::Dictionary(_, _) => {
                    arrow_cast::cast(col, &arrow_schema::DataType::Utf8)?
                }
                _ => col.clone(),
            };
            Ok(arrow_ord::sort::SortColumn {
                values,
                options: None,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    let indices = arrow_ord::sort::lexsort_to_indices(&columns, None)?;
    Ok(arrow_select::take::take_record_batch(batch, &indices)?)
}

/// Reorders and casts a batch's columns to the table schema, by name.
fn conform(table: Table, schema: &SchemaRef, batch: &RecordBatch) -> Result<RecordBatch> {
    if batch.schema().fields() == schema.fields() {
        return Ok(batch.clone());
    }
    let mut columns = Vec::with_capacity(schema.fields().len());
    for field in schema.fields() {
        let col = batch
            .column_by_name(field.name())
            .ok_or_else(|| Error::Schema {
                table: table.name().into(),
                message: format!("batch has no column `{}`", field.name()),
            })?;
        if !field.is_nullable() && col.null_count() > 0 {
            return Err(Error::Schema {
                table: table.name().into(),
                message: format!("column `{}` must not hold nulls", field.name()),
            });
        }
        columns.push(if col.data_type() == field.data_type() {
            col.clone()
        } else {
            arrow_cast::cast(col, field.data_type())?
        });
    }
    Ok(RecordBatch::try_new(schema.clone(), columns)?)
}

/// The schema of the files: the table schema without its partition columns.
fn file_schema(schema: &SchemaRef, partition_by: &[&str]) -> SchemaRef {
    let fields: Vec<_> = schema
        .fields()
        .iter()
        .filter(|f| !partition_by.contains(&f.name().as_str()))
        .cloned()
        .collect();
    let mut metadata = std::collections::HashMap::new();
    metadata.insert(
        "steppe.schema_version".to_string(),
        SCHEMA_VERSION.to_string(),
    );
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

fn writer_properties(table: Table, options: &WriteOptions) -> WriterProperties {
    let codec = |c: Compression| {
        if options.uncompressed {
            Compression::UNCOMPRESSED
        } else {
            c
        }
    };
    let mut b = WriterProperties::builder()
        .set_compression(codec(Compression::ZSTD(
            ZstdLevel::try_new(1).expect("valid level"),
        )))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(options.row_group_rows.unwrap_or(128 * 1024)))
        .set_sorting_columns(None)
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            "steppe.table".to_string(),
            table.name().to_string(),
        )]));
    // Per-column tuning for large imported tables (trade importers, issue 5). Dictionary
    // encoding of high-cardinality numbers only costs a hash table that overflows and falls
    // back to plain: line numbers are nearly sequential (delta encoding stores them in a few
    // bits), and byte-stream-split floats compress better under zstd. Statistics of columns
    // that hold one value per import (flow, currency, source, ...) prune nothing but cost a
    // comparison per value. Reporter, partner, value and quantity keep page statistics.
    let schema = table.schema();
    let has = |c: &str| schema.field_with_name(c).is_ok();
    if has("source_line") {
        b = b
            .set_column_dictionary_enabled("source_line".into(), false)
            .set_column_encoding("source_line".into(), Encoding::DELTA_BINARY_PACKED);
    }
    if table == Table::TradeFlows {
        // Small data pages (4,096 rows instead of the crate's 20,000) for the query most
        // asked of trade flows, "every flow involving X": files are sorted by reporter then
        // partner, so the rows with partner X form one short run per reporter. With the
        // page index, a reader skips the rows of every column whose partner_id pages cannot
        // hold X (a reporter's block is 50,000 rows on average in BACI-sized years: a
        // 20,000-row page holds much of it, a 4,096-row page a sliver; pages straddling two
        // reporters still span A..Z). Measured on 10 million BACI rows (docs/performance.md):
        // the TJK read takes 0.085 s with 4,096-row pages, 0.087 s with 2,048, 0.096 s with
        // 8,192 and 0.117 s with 20,000; files grow by 2.8 % (112.7 to 115.9 MB), 2,048-row
        // pages by 5.2 %, from page headers and index entries.
        b = b.set_data_page_row_count_limit(4096);
        for c in ["value", "quantity"] {
            b = b
                .set_column_dictionary_enabled(c.into(), false)
                .set_column_encoding(c.into(), Encoding::BYTE_STREAM_SPLIT);
        }
        for c in [
            "month",
            "flow",
            "perspective",
            "classification",
            "currency",
            "price_basis",
            "value_precision",
            "quantity_unit",
            "is_estimated",
            "source_id",
            "source_locator",
            "cited_source_id",
            "derivation",
            // Product codes repeat across every exporter-importer pair, so their ranges per
            // row group or page span nearly all codes and prune nothing.
            "commodity_code",
        ] {
            b = b.set_column_statistics_enabled(c.into(), EnabledStatistics::None);
        }
        // Columns that hold one value per import, or a few long runs (reporter), take a few
        // hundred bytes per row group either way; left uncompressed, a reader opens their
        // column chunks without creating a zstd context (the parquet crate creates one per
        // column chunk it reads, about 30 us each: 40 % of a selective query's time).
        for c in [
            "month",
            "reporter_id",
            "flow",
            "perspective",
            "classification",
            "currency",
            "price_basis",
            "value_precision",
            "source_id",
            "source_locator",
            "cited_source_id",
            "derivation",
        ] {
            b = b.set_column_compression(c.into(), codec(Compression::UNCOMPRESSED));
        }
        // The other small columns (partner runs, product and unit codes, flags, line
        // numbers) are already a few bits per row after encoding; LZ4 (raw) squeezes what is
        // left without a codec context to create per column chunk, so only `value` and
        // `quantity`, where zstd saves most of the bytes, pay for one.
        for c in [
            "partner_id",
            "commodity_code",
            "quantity_unit",
            "is_estimated",
            "source_line",
        ] {
            b = b.set_column_compression(c.into(), codec(Compression::LZ4_RAW));
        }
    }
    b.build()
}

fn sync_dir(dir: &Path) -> Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, e))
}

fn now_rfc3339() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}
