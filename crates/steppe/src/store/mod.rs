//! A steppe store: a directory of Hive-partitioned Parquet files described by a Frictionless
//! `datapackage.json`. Readers trust only the files the descriptor names; writers add files
//! under fresh names and publish them by atomically replacing the descriptor (see
//! [`Transaction`]).

pub(crate) mod constants;
mod descriptor;
mod gc;
mod lock;
pub mod paths;
mod reference;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{new_null_array, ArrayRef, Int16Array, RecordBatch};
use arrow_schema::{DataType, Schema, SchemaRef};
use bytes::Bytes;
use parquet::arrow::arrow_reader::{
    ArrowPredicateFn, ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
    RowFilter, RowSelection, RowSelector,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

pub use descriptor::*;
pub use gc::{gc, unlisted_data_files, GcReport};
pub use lock::{StoreLock, LOCK_FILE};
pub use writer::{CommitInfo, Transaction, WriteOptions};

use crate::query::Filter;
use crate::record::{from_batches, Record};
use crate::schema::Table;
use crate::{Error, Result};

/// Where a store's bytes live.
#[derive(Debug, Clone)]
enum Root {
    /// A directory on disk.
    Dir(PathBuf),
    /// Files compiled into the binary (the bundled dataset).
    Embedded(&'static [(&'static str, &'static [u8])]),
}

/// An opened store: its descriptor and where its files are.
#[derive(Debug, Clone)]
pub struct Store {
    root: Root,
    descriptor: Descriptor,
}

/// Rows of one table, in Arrow form.
#[derive(Debug, Clone)]
pub struct TableData {
    /// The table.
    pub table: Table,
    /// Schema of the batches (the table schema, or the projected part of it).
    pub schema: SchemaRef,
    /// The rows.
    pub batches: Vec<RecordBatch>,
}

impl TableData {
    /// Number of rows.
    pub fn num_rows(&self) -> usize {
        self.batches.iter().map(|b| b.num_rows()).sum()
    }

    /// All rows in one batch.
    pub fn concat(&self) -> Result<RecordBatch> {
        Ok(arrow_select::concat::concat_batches(
            &self.schema,
            &self.batches,
        )?)
    }
}

/// What to read: which rows and which columns.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// Row filter (partition predicates prune files).
    pub filter: Filter,
    /// Columns to return, in table order; `None` for all.
    pub columns: Option<Vec<String>>,
}

impl Store {
    /// Opens the store in `path` (a directory holding `datapackage.json`).
    pub fn open(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref().to_path_buf();
        let desc_path = path.join(DESCRIPTOR_FILE);
        let text = match std::fs::read(&desc_path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(Error::store(
                    &path,
                    format!(
                        "not a steppe store: no {DESCRIPTOR_FILE} (an import into this directory \
                         creates one)"
                    ),
                ))
            }
            Err(e) => return Err(Error::io(desc_path, e)),
        };
        let descriptor = parse_descriptor(&text).map_err(|m| Error::store(&desc_path, m))?;
        Ok(Store {
            root: Root::Dir(path),
            descriptor,
        })
    }

    /// Opens the store in `path`, creating an empty one if the directory has none.
    pub fn open_or_create(path: impl AsRef<Path>) -> Result<Store> {
        let path = path.as_ref();
        if path.join(DESCRIPTOR_FILE).exists() {
            return Store::open(path);
        }
        std::fs::create_dir_all(path).map_err(|e| Error::io(path, e))?;
        let store = Store {
            root: Root::Dir(path.to_path_buf()),
            descriptor: Descriptor::empty("steppe-store"),
        };
        let tx = store.begin()?;
        tx.commit()?;
        Store::open(path)
    }

    /// A store over files compiled into the binary.
    pub fn from_embedded(files: &'static [(&'static str, &'static [u8])]) -> Result<Store> {
        let text = files
            .iter()
            .find(|(name, _)| *name == DESCRIPTOR_FILE)
            .map(|(_, bytes)| *bytes)
            .ok_or(Error::NotBundled)?;
        let descriptor = parse_descriptor(text).map_err(|m| Error::store("<bundled>", m))?;
        Ok(Store {
            root: Root::Embedded(files),
            descriptor,
        })
    }

    /// The bundled Central Asia dataset compiled into this build.
    pub fn bundled() -> Result<Store> {
        crate::bundled::store()
    }

    /// The store's directory (none for the bundled dataset).
    pub fn path(&self) -> Option<&Path> {
        match &self.root {
            Root::Dir(p) => Some(p),
            Root::Embedded(_) => None,
        }
    }

    /// A printable name of the store.
    pub fn display_name(&self) -> String {
        match &self.root {
            Root::Dir(p) => p.display().to_string(),
            Root::Embedded(_) => "<bundled>".to_string(),
        }
    }

    /// The descriptor of the version this handle sees.
    pub fn descriptor(&self) -> &Descriptor {
        &self.descriptor
    }

    /// Rows of a table, per the descriptor.
    pub fn row_count(&self, table: Table) -> u64 {
        self.descriptor
            .resource(table)
            .map(|r| r.steppe.rows)
            .unwrap_or(0)
    }

    /// Starts a write transaction (takes the store's write lock, failing fast if held).
    pub fn begin(&self) -> Result<Transaction> {
        self.begin_with(WriteOptions::default())
    }

    /// Starts a write transaction with options (e.g. waiting for the lock).
    pub fn begin_with(&self, options: WriteOptions) -> Result<Transaction> {
        match &self.root {
            Root::Dir(p) => Transaction::begin(p, options),
            Root::Embedded(_) => Err(Error::store(
                "<bundled>",
                "the bundled dataset is read-only; import into a directory",
            )),
        }
    }

    /// Raw bytes of a file named by the descriptor.
    pub fn file_bytes(&self, rel: &str) -> Result<Bytes> {
        match &self.root {
            Root::Dir(root) => {
                let p = paths::resolve(root, rel)?;
                let data = std::fs::read(&p).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Error::store(
                        &p,
                        "file named by the descriptor is missing: the store is damaged (run `steppe validate`)",
                    ),
                    _ => Error::io(&p, e),
                })?;
                Ok(Bytes::from(data))
            }
            Root::Embedded(files) => files
                .iter()
                .find(|(name, _)| *name == rel)
                .map(|(_, b)| Bytes::from_static(b))
                .ok_or_else(|| Error::store("<bundled>", format!("missing bundled file {rel}"))),
        }
    }

    /// Reads a whole table.
    pub fn read_all(&self, table: Table) -> Result<TableData> {
        self.read(table, &ReadOptions::default())
    }

    /// Reads a table's rows as typed records.
    pub fn records<R: Record>(&self) -> Result<Vec<R>> {
        let data = self.read_all(R::TABLE)?;
        from_batches(&data.batches)
    }

    /// Reads the rows of a table that match `options`.
    pub fn read(&self, table: Table, options: &ReadOptions) -> Result<TableData> {
        let spec = table.spec();
        let full = spec.schema.clone();
        let out_schema = match &options.columns {
            None => full.clone(),
            Some(cols) => {
                for c in cols {
                    full.field_with_name(c).map_err(|_| {
                        Error::InvalidArgument(format!("table `{table}` has no column `{c}`"))
                    })?;
                }
                let fields: Vec<_> = full
                    .fields()
                    .iter()
                    .filter(|f| cols.contains(f.name()))
                    .cloned()
                    .collect();
                Arc::new(Schema::new(fields))
            }
        };
        // Read the output columns plus whatever the filter needs.
        let filter_cols = options.filter.columns();
        let needed: Vec<String> = full
            .fields()
            .iter()
            .map(|f| f.name().clone())
            .filter(|n| out_schema.field_with_name(n).is_ok() || filter_cols.contains(&n.as_str()))
            .collect();
        let Some(resource) = self.descriptor.resource(table) else {
            return Ok(TableData {
                table,
                schema: out_schema,
                batches: Vec::new(),
            });
        };
        let files: Vec<&FileEntry> = resource
            .steppe
            .files
            .iter()
            .filter(|file| {
                let value_of = |c: &str| file.partition.get(c).copied();
                options.filter.may_match_partition(&value_of)
            })
            .collect();
        // Filtered in the file reader: row groups and pages by statistics, then rows. Files
        // are opened in parallel too (their footers and page indexes are read at once), and
        // their row groups share the pool; batches come back in file order.
        let read =
            |file: &&FileEntry| self.read_file(table, file, &full, &needed, Some(&options.filter));
        let per_file: Vec<Result<Vec<RecordBatch>>> = if files.len() > 1 {
            use rayon::prelude::*;
            files.par_iter().map(read).collect()
        } else {
            files.iter().map(read).collect()
        };
        let mut batches = Vec::new();
        for file_batches in per_file {
            for batch in file_batches? {
                if batch.num_rows() == 0 {
                    continue;
                }
                batches.push(
                    batch.project(
                        &out_schema
                            .fields()
                            .iter()
                            .map(|f| batch.schema().index_of(f.name()))
                            .collect::<std::result::Result<Vec<_>, _>>()?,
                    )?,
                );
            }
        }
        let batches = coalesce(&out_schema, batches)?;
        Ok(TableData {
            table,
            schema: out_schema,
            batches,
        })
    }

    /// Opens a file named by the descriptor, checking its size against the descriptor's.
    fn open_file(&self, file: &FileEntry) -> Result<Source> {
        let (source, len) = match &self.root {
            Root::Dir(root) => {
                let p = paths::resolve(root, &file.path)?;
                let f = std::fs::File::open(&p).map_err(|e| match e.kind() {
                    std::io::ErrorKind::NotFound => Error::store(
                        &p,
                        "file named by the descriptor is missing: the store is damaged (run `steppe validate`)",
                    ),
                    _ => Error::io(&p, e),
                })?;
                let len = f.metadata().map_err(|e| Error::io(&p, e))?.len();
                (
                    Source::File(PositionedFile {
                        file: Arc::new(f),
                        len,
                    }),
                    len,
                )
            }
            Root::Embedded(_) => {
                let bytes = self.file_bytes(&file.path)?;
                let len = bytes.len() as u64;
                (Source::Bytes(bytes), len)
            }
        };
        if len != file.bytes {
            return Err(Error::store(
                self.file_location(&file.path),
                format!(
                    "size {} differs from the descriptor's {}: the file is damaged (run `steppe validate`)",
                    len, file.bytes
                ),
            ));
        }
        Ok(source)
    }

    /// Reads one file, restoring partition columns, as batches of the `needed` table columns;
    /// with a filter, only the rows that match it.
    fn read_file(
        &self,
        table: Table,
        file: &FileEntry,
        full: &SchemaRef,
        needed: &[String],
        filter: Option<&Filter>,
    ) -> Result<Vec<RecordBatch>> {
        let source = self.open_file(file)?;
        // The parquet and arrow-ipc crates panic on some malformed files (an unknown type in
        // the embedded Arrow schema, negative column offsets); a damaged or hostile file must
        // be an error naming it, not a panic (found by fuzzing, issue 8).
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match source {
            Source::File(f) => self.read_source(f, table, file, full, needed, filter),
            Source::Bytes(b) => self.read_source(b, table, file, full, needed, filter),
        }))
        .unwrap_or_else(|panic| {
            let why = panic
                .downcast_ref::<String>()
                .map(String::as_str)
                .or_else(|| panic.downcast_ref::<&str>().copied())
                .unwrap_or("the Parquet reader failed");
            Err(Error::store(
                self.file_location(&file.path),
                format!("unreadable Parquet: {why}"),
            ))
        })
    }

    /// [`Store::read_file`] over one byte source.
    ///
    /// What the filter needs is decided as early as it can be: partition values decide some
    /// predicates for the whole file; row-group statistics skip row groups; the page index
    /// (column index and offset index) skips the pages of every column whose rows no page of
    /// a filter column can match; then a row filter decodes the filter columns of the rows
    /// left and the other columns only for the rows that match. Row groups are read in
    /// parallel on the rayon pool and returned in file order.
    fn read_source<R: ChunkReader + Clone + 'static>(
        &self,
        reader: R,
        table: Table,
        file: &FileEntry,
        full: &SchemaRef,
        needed: &[String],
        filter: Option<&Filter>,
    ) -> Result<Vec<RecordBatch>> {
        use rayon::prelude::*;
        let location = self.file_location(&file.path);
        let unreadable = |e: parquet::errors::ParquetError| {
            Error::store(&location, format!("unreadable Parquet: {e}"))
        };
        let value_of = |c: &str| file.partition.get(c).copied();
        let residual = filter.map(|f| f.residual(&value_of)).unwrap_or_default();
        let filtering = !residual.predicates.is_empty();
        let meta = ArrowReaderMetadata::load(
            &reader,
            ArrowReaderOptions::new().with_page_index_policy(if filtering {
                parquet::file::metadata::PageIndexPolicy::Optional
            } else {
                parquet::file::metadata::PageIndexPolicy::Skip
            }),
        )
        .map_err(unreadable)?;
        let file_schema = meta.schema().clone();
        let parquet_schema = meta.parquet_schema();
        let roots = |names: &mut dyn Iterator<Item = &str>| -> Vec<usize> {
            let mut idx: Vec<usize> = names.filter_map(|n| file_schema.index_of(n).ok()).collect();
            idx.sort_unstable();
            idx.dedup();
            idx
        };
        // Columns the footer lists as holding one value in the whole file are built from
        // that value rather than read (unless the filter reads them); at least one column is
        // read, for the row count.
        let listed = constants::listed(meta.metadata());
        let residual_columns = residual.columns();
        let mut constant_columns: Vec<(arrow_schema::FieldRef, serde_json::Value)> = needed
            .iter()
            .filter(|n| !residual_columns.contains(&n.as_str()))
            .filter_map(|n| {
                let value = listed.get(n)?;
                let field = file_schema.field_with_name(n).ok()?;
                // A footer that lists null for a column the table requires is wrong (validate
                // says so); the column is read from the data.
                let required = full.field_with_name(n).is_ok_and(|f| !f.is_nullable());
                if value.is_null() && required {
                    return None;
                }
                constants::column(value, field.data_type(), 0)?;
                Some((Arc::new(field.clone()), value.clone()))
            })
            .collect();
        let read_columns: Vec<&str> = needed
            .iter()
            .map(String::as_str)
            .filter(|n| !constant_columns.iter().any(|(f, _)| f.name() == n))
            .collect();
        if read_columns
            .iter()
            .all(|n| file_schema.index_of(n).is_err())
        {
            constant_columns.pop();
        }
        let projection = ProjectionMask::roots(
            parquet_schema,
            roots(
                &mut needed
                    .iter()
                    .map(String::as_str)
                    .filter(|n| !constant_columns.iter().any(|(f, _)| f.name() == n)),
            ),
        );
        // One array per column and batch length, shared by every batch of that length (most
        // are BATCH_ROWS long): a whole year's constant columns then take no memory to speak
        // of, where building them batch by batch touched as much fresh memory as decoding.
        let built: std::sync::Mutex<std::collections::HashMap<(usize, usize), ArrayRef>> =
            Default::default();
        let with_constants = |batch: RecordBatch| -> Result<RecordBatch> {
            if constant_columns.is_empty() {
                return Ok(batch);
            }
            let rows = batch.num_rows();
            let mut fields: Vec<arrow_schema::FieldRef> = batch.schema().fields().to_vec();
            let mut columns = batch.columns().to_vec();
            for (i, (field, value)) in constant_columns.iter().enumerate() {
                let mut built = built.lock().unwrap_or_else(|e| e.into_inner());
                let column = built
                    .entry((i, rows))
                    .or_insert_with(|| {
                        constants::column(value, field.data_type(), rows)
                            .expect("checked to fit the type above")
                    })
                    .clone();
                fields.push(field.clone());
                columns.push(column);
            }
            Ok(RecordBatch::try_new_with_options(
                Arc::new(Schema::new(fields)),
                columns,
                &arrow_array::RecordBatchOptions::new().with_row_count(Some(rows)),
            )?)
        };
        let groups: Vec<usize> = if filtering {
            select_row_groups(meta.metadata(), &residual)
        } else {
            (0..meta.metadata().num_row_groups()).collect()
        };
        let spec = table.spec();
        let subset = |names: &[String]| {
            Arc::new(Schema::new(
                full.fields()
                    .iter()
                    .filter(|f| names.contains(f.name()))
                    .cloned()
                    .collect::<Vec<_>>(),
            ))
        };
        let target = subset(needed);
        let partition_by = spec.partition_by;
        let conform = |batch: RecordBatch, target: &SchemaRef| {
            conform_batch(
                batch,
                target,
                &file.partition,
                partition_by,
                &location,
                table,
            )
        };
        let read_group = |rg: usize| -> Result<Vec<RecordBatch>> {
            // Alternatives this row group's statistics rule out are not tested row by row:
            // where no reporter can be TJK, "reporter or partner is TJK" decodes the partner
            // column alone.
            let residual = if filtering {
                residual.narrowed(&|name| row_group_range(meta.metadata(), rg, name))
            } else {
                residual.clone()
            };
            let filter_columns: Vec<String> = {
                let mut c: Vec<String> = residual.columns().into_iter().map(String::from).collect();
                c.sort_unstable();
                c.dedup();
                c
            };
            let filter_roots = roots(&mut filter_columns.iter().map(String::as_str));
            // A row filter needs a filter column in the file; otherwise rows are filtered
            // after.
            let row_filter = filtering && !filter_roots.is_empty();
            let mut builder =
                ParquetRecordBatchReaderBuilder::new_with_metadata(reader.clone(), meta.clone())
                    .with_row_groups(vec![rg])
                    .with_projection(projection.clone())
                    .with_batch_size(BATCH_ROWS);
            if filtering {
                if let Some(selection) = page_selection(meta.metadata(), rg, &residual) {
                    if !selection.selects_any() {
                        return Ok(Vec::new());
                    }
                    builder = builder.with_row_selection(selection);
                }
            }
            if row_filter {
                // The parquet crate wants a 'static predicate: its pieces are cloned in.
                let residual = residual.clone();
                let filter_target = subset(&filter_columns);
                let partition = file.partition.clone();
                let location = location.clone();
                let predicate = ArrowPredicateFn::new(
                    ProjectionMask::roots(parquet_schema, filter_roots),
                    move |batch: RecordBatch| {
                        conform_batch(
                            batch,
                            &filter_target,
                            &partition,
                            partition_by,
                            &location,
                            table,
                        )
                        .and_then(|b| residual.evaluate(&b))
                        .map_err(|e| arrow_schema::ArrowError::ExternalError(Box::new(e)))
                    },
                );
                builder = builder.with_row_filter(RowFilter::new(vec![Box::new(predicate)]));
            }
            let reader = builder.build().map_err(unreadable)?;
            let mut out = Vec::new();
            for batch in reader {
                let batch = batch
                    .map_err(|e| Error::store(&location, format!("corrupt Parquet data: {e}")))?;
                let batch = conform(with_constants(batch)?, &target)?;
                let batch = if filtering && !row_filter {
                    residual.apply(batch)?
                } else {
                    batch
                };
                if batch.num_rows() > 0 {
                    out.push(batch);
                }
            }
            Ok(out)
        };
        let per_group: Vec<Result<Vec<RecordBatch>>> = if groups.len() > 1 {
            groups.par_iter().map(|&rg| read_group(rg)).collect()
        } else {
            groups.iter().map(|&rg| read_group(rg)).collect()
        };
        let mut out = Vec::new();
        for g in per_group {
            out.extend(g?);
        }
        Ok(out)
    }

    fn file_location(&self, rel: &str) -> PathBuf {
        match &self.root {
            Root::Dir(root) => root.join(rel),
            Root::Embedded(_) => PathBuf::from(format!("<bundled>/{rel}")),
        }
    }
}

/// Rows per batch that [`coalesce`] aims at (the reader's batch size).
const BATCH_ROWS: usize = 64 * 1024;

/// Joins runs of small batches (a selective filter leaves a few rows per row group) into
/// batches of about [`BATCH_ROWS`] rows, so consumers get a few chunks rather than hundreds.
fn coalesce(schema: &SchemaRef, batches: Vec<RecordBatch>) -> Result<Vec<RecordBatch>> {
    if batches.len() < 2 || batches.iter().all(|b| b.num_rows() >= BATCH_ROWS / 2) {
        return Ok(batches);
    }
    let mut out = Vec::new();
    let mut run: Vec<RecordBatch> = Vec::new();
    let mut run_rows = 0;
    let flush = |run: &mut Vec<RecordBatch>, out: &mut Vec<RecordBatch>| -> Result<()> {
        match run.len() {
            0 => {}
            1 => out.append(run),
            _ => {
                let joined = arrow_select::concat::concat_batches(schema, run.iter())?;
                run.clear();
                // Concatenated dictionary columns may repeat values (one dictionary per row
                // group); re-encode them so every dictionary is unique, as pandas requires.
                let columns = joined
                    .columns()
                    .iter()
                    .map(unique_dictionary)
                    .collect::<Result<Vec<_>>>()?;
                out.push(RecordBatch::try_new(schema.clone(), columns)?);
            }
        }
        Ok(())
    };
    for b in batches {
        if b.num_rows() >= BATCH_ROWS / 2 {
            flush(&mut run, &mut out)?;
            run_rows = 0;
            out.push(b);
            continue;
        }
        if run_rows + b.num_rows() > BATCH_ROWS {
            flush(&mut run, &mut out)?;
            run_rows = 0;
        }
        run_rows += b.num_rows();
        run.push(b);
    }
    flush(&mut run, &mut out)?;
    Ok(out)
}

/// A dictionary column with each value once in its dictionary (other columns unchanged).
///
/// Concatenating the batches of several row groups concatenates their dictionaries, which then
/// repeat values. The values are deduplicated (a hash per dictionary value, not per row) and
/// the keys remapped; dictionaries of other key or value types go through text.
fn unique_dictionary(column: &ArrayRef) -> Result<ArrayRef> {
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int16Type;
    use arrow_array::Array;
    let DataType::Dictionary(_, value_type) = column.data_type() else {
        return Ok(column.clone());
    };
    let strings = column
        .as_dictionary_opt::<Int16Type>()
        .and_then(|d| Some((d, d.values().as_string_opt::<i32>()?)))
        .filter(|(_, values)| values.null_count() == 0);
    let Some((dict, values)) = strings else {
        let plain = arrow_cast::cast(column, value_type)?;
        return Ok(arrow_cast::cast(&plain, column.data_type())?);
    };
    let mut index: std::collections::HashMap<&str, i16> =
        std::collections::HashMap::with_capacity(values.len());
    let mut unique = arrow_array::builder::StringBuilder::new();
    let mut mapping: Vec<i16> = Vec::with_capacity(values.len());
    for value in values.iter().flatten() {
        let next = index.len() as i16;
        let key = *index.entry(value).or_insert_with(|| {
            unique.append_value(value);
            next
        });
        mapping.push(key);
    }
    if index.len() == values.len() {
        return Ok(column.clone());
    }
    let keys = dict
        .keys()
        .unary::<_, Int16Type>(|k| mapping.get(k as usize).copied().unwrap_or(0));
    Ok(Arc::new(
        arrow_array::DictionaryArray::<Int16Type>::try_new(keys, Arc::new(unique.finish()))?,
    ))
}

/// The bytes of one Parquet file: a file on disk (read in place) or bytes in memory.
enum Source {
    File(PositionedFile),
    Bytes(Bytes),
}

/// A file read with positioned reads, so that threads reading row groups in parallel share
/// it without sharing a file offset.
#[derive(Clone)]
struct PositionedFile {
    file: Arc<std::fs::File>,
    len: u64,
}

/// A reader over a [`PositionedFile`] from some offset.
struct PositionedRead {
    file: Arc<std::fs::File>,
    pos: u64,
}

fn read_at(file: &std::fs::File, buf: &mut [u8], pos: u64) -> std::io::Result<usize> {
    #[cfg(unix)]
    {
        std::os::unix::fs::FileExt::read_at(file, buf, pos)
    }
    #[cfg(windows)]
    {
        std::os::windows::fs::FileExt::seek_read(file, buf, pos)
    }
}

impl std::io::Read for PositionedRead {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = read_at(&self.file, buf, self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

impl parquet::file::reader::Length for PositionedFile {
    fn len(&self) -> u64 {
        self.len
    }
}

impl ChunkReader for PositionedFile {
    type T = std::io::BufReader<PositionedRead>;

    fn get_read(&self, start: u64) -> parquet::errors::Result<Self::T> {
        Ok(std::io::BufReader::new(PositionedRead {
            file: self.file.clone(),
            pos: start,
        }))
    }

    fn get_bytes(&self, start: u64, length: usize) -> parquet::errors::Result<Bytes> {
        let mut buf = vec![0u8; length];
        let mut done = 0;
        while done < length {
            let n = read_at(&self.file, &mut buf[done..], start + done as u64)?;
            if n == 0 {
                return Err(parquet::errors::ParquetError::EOF(format!(
                    "expected {length} bytes at {start}, read {done}"
                )));
            }
            done += n;
        }
        Ok(Bytes::from(buf))
    }
}

/// A batch read from a file as a batch of the `target` table columns: partition columns
/// restored from the file's partition values, types cast to the table's, absent nullable
/// columns as nulls.
fn conform_batch(
    batch: RecordBatch,
    target: &SchemaRef,
    partition: &std::collections::BTreeMap<String, Option<i64>>,
    partition_by: &[&str],
    location: &Path,
    table: Table,
) -> Result<RecordBatch> {
    let mut columns: Vec<ArrayRef> = Vec::with_capacity(target.fields().len());
    for field in target.fields() {
        let name = field.name().as_str();
        if partition_by.contains(&name) {
            let v = partition.get(name).copied().flatten();
            columns.push(partition_column(field.data_type(), v, batch.num_rows())?);
        } else if let Some(col) = batch.column_by_name(name) {
            if col.data_type() != field.data_type() {
                columns.push(arrow_cast::cast(col, field.data_type())?);
            } else {
                columns.push(col.clone());
            }
        } else if field.is_nullable() {
            columns.push(new_null_array(field.data_type(), batch.num_rows()));
        } else {
            return Err(Error::store(
                location,
                format!("column `{name}` of table `{table}` is missing from the file"),
            ));
        }
    }
    Ok(RecordBatch::try_new_with_options(
        target.clone(),
        columns,
        &arrow_array::RecordBatchOptions::new().with_row_count(Some(batch.num_rows())),
    )?)
}

/// The rows of row group `rg` that the page index leaves to read: a row is skipped when, for
/// the pages of the filter columns that hold it, the pages' min/max rule the filter out.
/// `None` when the file has no page index for the filter's columns.
fn page_selection(
    meta: &parquet::file::metadata::ParquetMetaData,
    rg: usize,
    filter: &Filter,
) -> Option<RowSelection> {
    use parquet::file::page_index::column_index::ColumnIndexMetaData as Ci;
    let (column_index, offset_index) = (meta.column_index()?, meta.offset_index()?);
    let (column_index, offset_index) = (column_index.get(rg)?, offset_index.get(rg)?);
    let schema = meta.file_metadata().schema_descr();
    let mut names = filter.columns();
    names.sort_unstable();
    names.dedup();
    // (name, column index, first row of each page) of the filter columns with a page index.
    let columns: Vec<(&str, &Ci, Vec<usize>)> = names
        .into_iter()
        .filter_map(|name| {
            let leaf = schema
                .columns()
                .iter()
                .position(|c| c.path().string() == name)?;
            let ci = column_index.get(leaf)?;
            if matches!(ci, Ci::NONE) {
                return None;
            }
            let starts = offset_index
                .get(leaf)?
                .page_locations()
                .iter()
                .map(|p| p.first_row_index as usize)
                .collect::<Vec<_>>();
            (starts.len() as u64 == ci.num_pages()).then_some((name, ci, starts))
        })
        .collect();
    if columns.is_empty() {
        return None;
    }
    let rows = meta.row_group(rg).num_rows() as usize;
    let mut bounds: Vec<usize> = columns
        .iter()
        .flat_map(|(_, _, starts)| starts.iter().copied())
        .chain([0, rows])
        .filter(|&b| b <= rows)
        .collect();
    bounds.sort_unstable();
    bounds.dedup();
    let mut selectors: Vec<RowSelector> = Vec::new();
    for w in bounds.windows(2) {
        let (start, end) = (w[0], w[1]);
        let range_of = |name: &str| -> Option<crate::query::ColumnRange> {
            let (_, ci, starts) = columns.iter().find(|(n, _, _)| *n == name)?;
            let page = starts.partition_point(|&s| s <= start).checked_sub(1)?;
            if ci.is_null_page(page) {
                return None;
            }
            match ci {
                Ci::BYTE_ARRAY(c) | Ci::FIXED_LEN_BYTE_ARRAY(c) => {
                    Some(crate::query::ColumnRange::Bytes(
                        c.min_value(page)?.to_vec(),
                        c.max_value(page)?.to_vec(),
                    ))
                }
                Ci::INT32(c) => Some(crate::query::ColumnRange::Int(
                    i64::from(*c.min_value(page)?),
                    i64::from(*c.max_value(page)?),
                )),
                Ci::INT64(c) => Some(crate::query::ColumnRange::Int(
                    *c.min_value(page)?,
                    *c.max_value(page)?,
                )),
                _ => None,
            }
        };
        let keep = filter.may_match_stats(&range_of);
        let len = end - start;
        match selectors.last_mut() {
            Some(last) if last.skip != keep => last.row_count += len,
            _ => selectors.push(if keep {
                RowSelector::select(len)
            } else {
                RowSelector::skip(len)
            }),
        }
    }
    Some(RowSelection::from(selectors))
}

/// Indices of the row groups whose column statistics do not rule `filter` out.
fn select_row_groups(
    meta: &parquet::file::metadata::ParquetMetaData,
    filter: &Filter,
) -> Vec<usize> {
    (0..meta.num_row_groups())
        .filter(|&rg| filter.may_match_stats(&|name| row_group_range(meta, rg, name)))
        .collect()
}

/// The range of a column's values in a row group, from its statistics (`None` when the
/// column has none, or none of a kind a filter can use).
fn row_group_range(
    meta: &parquet::file::metadata::ParquetMetaData,
    rg: usize,
    name: &str,
) -> Option<crate::query::ColumnRange> {
    use parquet::file::statistics::Statistics;
    let leaf = meta
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .position(|c| c.path().string() == name)?;
    match meta.row_group(rg).column(leaf).statistics()? {
        Statistics::ByteArray(s) => Some(crate::query::ColumnRange::Bytes(
            s.min_opt()?.data().to_vec(),
            s.max_opt()?.data().to_vec(),
        )),
        Statistics::Int32(s) => Some(crate::query::ColumnRange::Int(
            i64::from(*s.min_opt()?),
            i64::from(*s.max_opt()?),
        )),
        Statistics::Int64(s) => Some(crate::query::ColumnRange::Int(*s.min_opt()?, *s.max_opt()?)),
        _ => None,
    }
}

fn partition_column(dt: &DataType, value: Option<i64>, rows: usize) -> Result<ArrayRef> {
    let arr: ArrayRef = match value {
        Some(v) => {
            let v = i16::try_from(v)
                .map_err(|_| Error::InvalidArgument(format!("partition value {v} out of range")))?;
            Arc::new(Int16Array::from(vec![v; rows]))
        }
        None => Arc::new(Int16Array::from(vec![None; rows])),
    };
    if arr.data_type() == dt {
        Ok(arr)
    } else {
        Ok(arrow_cast::cast(&arr, dt)?)
    }
}

/// Parses and checks a descriptor: schema version, safe paths.
fn parse_descriptor(bytes: &[u8]) -> std::result::Result<Descriptor, String> {
    let d: Descriptor = serde_json::from_slice(bytes)
        .map_err(|e| format!("{DESCRIPTOR_FILE} is not a valid steppe descriptor: {e}"))?;
    if d.steppe.schema_version > crate::schema::SCHEMA_VERSION {
        return Err(format!(
            "written with schema version {} but this steppe reads up to {}: upgrade steppe",
            d.steppe.schema_version,
            crate::schema::SCHEMA_VERSION
        ));
    }
    for r in &d.resources {
        Table::from_name(&r.name).map_err(|e| e.to_string())?;
        for f in &r.steppe.files {
            paths::check_relative(&f.path)?;
            if !f.path.starts_with(&format!("{}/", r.name)) {
                return Err(format!(
                    "file {} of table {} lies outside the table's directory",
                    f.path, r.name
                ));
            }
        }
    }
    Ok(d)
}

impl Store {
    /// The distinct `source_id` values of one file (used to replace a re-imported file's rows).
    pub(crate) fn read_file_source_ids(
        &self,
        table: Table,
        file: &FileEntry,
    ) -> Result<std::collections::BTreeSet<String>> {
        let full = table.schema();
        let mut out = std::collections::BTreeSet::new();
        if full.field_with_name("source_id").is_err() {
            return Ok(out);
        }
        for batch in self.read_file(table, file, &full, &["source_id".to_string()], None)? {
            let col = arrow_cast::cast(batch.column(0), &DataType::Utf8)?;
            let col = arrow_array::cast::AsArray::as_string::<i32>(&col);
            out.extend(col.iter().flatten().map(String::from));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::cast::AsArray;
    use arrow_array::types::Int16Type;
    use arrow_array::{Array, DictionaryArray, StringArray};

    fn decoded(column: &ArrayRef) -> Vec<Option<String>> {
        let plain = arrow_cast::cast(column, &DataType::Utf8).unwrap();
        plain
            .as_string::<i32>()
            .iter()
            .map(|v| v.map(String::from))
            .collect()
    }

    #[test]
    fn unique_dictionary_keeps_every_row_and_each_value_once() {
        // Two row groups' dictionaries, concatenated: "TJK" and "RUS" appear twice.
        let dict: ArrayRef = Arc::new(
            DictionaryArray::<Int16Type>::try_new(
                Int16Array::from(vec![Some(0), Some(1), None, Some(2), Some(3), Some(4)]),
                Arc::new(StringArray::from(vec!["TJK", "RUS", "RUS", "CHN", "TJK"])),
            )
            .unwrap(),
        );
        let out = unique_dictionary(&dict).unwrap();
        assert_eq!(decoded(&out), decoded(&dict));
        let values = out.as_dictionary::<Int16Type>().values().clone();
        let mut names: Vec<&str> = values.as_string::<i32>().iter().flatten().collect();
        names.sort_unstable();
        assert_eq!(names, vec!["CHN", "RUS", "TJK"]);
        assert_eq!(out.null_count(), 1);
        // An already unique dictionary and a plain column come back as they are.
        let same = unique_dictionary(&out).unwrap();
        assert!(same.to_data().ptr_eq(&out.to_data()));
        let plain: ArrayRef = Arc::new(StringArray::from(vec!["a"]));
        assert!(unique_dictionary(&plain)
            .unwrap()
            .to_data()
            .ptr_eq(&plain.to_data()));
    }
}
