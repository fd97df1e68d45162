//! Reading one data file as batches of table columns, filtered as early as the file allows.
//!
//! Partition values decide some predicates for the whole file; row-group statistics skip row
//! groups; the page index (column index and offset index) skips the pages of every column
//! whose rows no page of a filter column can match; then a row filter decodes the filter
//! columns of the rows left and the other columns only for the rows that match. Columns the
//! footer lists as holding one value are built instead of read. Row groups are read in
//! parallel on the rayon pool and returned in file order.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{FieldRef, Schema, SchemaRef};
use parquet::arrow::arrow_reader::{
    ArrowPredicateFn, ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
    RowFilter,
};
use parquet::arrow::ProjectionMask;
use parquet::file::reader::ChunkReader;

use super::batches::{conform_batch, BATCH_ROWS};
use super::file::Source;
use super::prune::{page_selection, row_group_range, select_row_groups};
use super::{constants, FileEntry, Store};
use crate::query::Filter;
use crate::schema::Table;
use crate::{Error, Result};

impl Store {
    /// Reads one file, restoring partition columns, as batches of the `needed` table columns;
    /// with a filter, only the rows that match it.
    pub(super) fn read_file(
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
    fn read_source<R: ChunkReader + Clone + 'static>(
        &self,
        reader: R,
        table: Table,
        file: &FileEntry,
        full: &SchemaRef,
        needed: &[String],
        filter: Option<&Filter>,
    ) -> Result<Vec<RecordBatch>> {
        let value_of = |c: &str| file.partition.get(c).copied();
        let residual = filter.map(|f| f.residual(&value_of)).unwrap_or_default();
        let location = self.file_location(&file.path);
        FileRead::open(reader, table, file, full, needed, residual, location)?.read()
    }
}

/// One file being read: its footer, what is left of the filter after its partition values,
/// the columns read and those built from the footer.
struct FileRead<'a, R> {
    reader: R,
    meta: ArrowReaderMetadata,
    table: Table,
    file: &'a FileEntry,
    full: &'a SchemaRef,
    /// The filter's predicates that partition values do not decide.
    residual: Filter,
    filtering: bool,
    location: PathBuf,
    /// The file columns decoded.
    projection: ProjectionMask,
    constants: BuiltColumns,
    /// The table columns returned (before projection to the caller's columns).
    target: SchemaRef,
}

impl<'a, R: ChunkReader + Clone + 'static> FileRead<'a, R> {
    /// Reads the footer (with the page index when filtering) and plans the columns.
    fn open(
        reader: R,
        table: Table,
        file: &'a FileEntry,
        full: &'a SchemaRef,
        needed: &[String],
        residual: Filter,
        location: PathBuf,
    ) -> Result<Self> {
        let filtering = !residual.predicates.is_empty();
        let meta = ArrowReaderMetadata::load(
            &reader,
            ArrowReaderOptions::new().with_page_index_policy(if filtering {
                parquet::file::metadata::PageIndexPolicy::Optional
            } else {
                parquet::file::metadata::PageIndexPolicy::Skip
            }),
        )
        .map_err(|e| unreadable(&location, e))?;
        let constants = BuiltColumns::plan(&meta, full, needed, &residual);
        let projection = ProjectionMask::roots(
            meta.parquet_schema(),
            roots(
                meta.schema(),
                needed
                    .iter()
                    .map(String::as_str)
                    .filter(|n| !constants.contains(n)),
            ),
        );
        Ok(FileRead {
            reader,
            table,
            file,
            full,
            residual,
            filtering,
            location,
            projection,
            constants,
            target: subset(full, needed),
            meta,
        })
    }

    /// The matching rows of every row group the statistics leave, in file order.
    fn read(&self) -> Result<Vec<RecordBatch>> {
        use rayon::prelude::*;
        let groups: Vec<usize> = if self.filtering {
            select_row_groups(self.meta.metadata(), &self.residual)
        } else {
            (0..self.meta.metadata().num_row_groups()).collect()
        };
        let per_group: Vec<Result<Vec<RecordBatch>>> = if groups.len() > 1 {
            groups.par_iter().map(|&rg| self.read_group(rg)).collect()
        } else {
            groups.iter().map(|&rg| self.read_group(rg)).collect()
        };
        let mut out = Vec::new();
        for g in per_group {
            out.extend(g?);
        }
        Ok(out)
    }

    /// The matching rows of row group `rg`.
    fn read_group(&self, rg: usize) -> Result<Vec<RecordBatch>> {
        let meta = self.meta.metadata();
        // Alternatives this row group's statistics rule out are not tested row by row:
        // where no reporter can be TJK, "reporter or partner is TJK" decodes the partner
        // column alone.
        let residual = if self.filtering {
            self.residual
                .narrowed(&|name| row_group_range(meta, rg, name))
        } else {
            self.residual.clone()
        };
        let mut filter_columns: Vec<String> =
            residual.columns().into_iter().map(String::from).collect();
        filter_columns.sort_unstable();
        filter_columns.dedup();
        let filter_roots = roots(
            self.meta.schema(),
            filter_columns.iter().map(String::as_str),
        );
        // A row filter needs a filter column in the file; otherwise rows are filtered after.
        let row_filter = self.filtering && !filter_roots.is_empty();
        let mut builder = ParquetRecordBatchReaderBuilder::new_with_metadata(
            self.reader.clone(),
            self.meta.clone(),
        )
        .with_row_groups(vec![rg])
        .with_projection(self.projection.clone())
        .with_batch_size(BATCH_ROWS);
        if self.filtering {
            if let Some(selection) = page_selection(meta, rg, &residual) {
                if !selection.selects_any() {
                    return Ok(Vec::new());
                }
                builder = builder.with_row_selection(selection);
            }
        }
        if row_filter {
            builder =
                builder.with_row_filter(self.row_filter(&residual, &filter_columns, filter_roots));
        }
        let reader = builder.build().map_err(|e| unreadable(&self.location, e))?;
        let mut out = Vec::new();
        for batch in reader {
            let batch = batch
                .map_err(|e| Error::store(&self.location, format!("corrupt Parquet data: {e}")))?;
            let batch = self.conform(self.constants.add(batch)?, &self.target)?;
            let batch = if self.filtering && !row_filter {
                residual.apply(batch)?
            } else {
                batch
            };
            if batch.num_rows() > 0 {
                out.push(batch);
            }
        }
        Ok(out)
    }

    /// The parquet reader's row filter for `residual`, decoding its `columns` (file roots
    /// `roots`) first.
    fn row_filter(&self, residual: &Filter, columns: &[String], roots: Vec<usize>) -> RowFilter {
        // The parquet crate wants a 'static predicate: its pieces are cloned in.
        let residual = residual.clone();
        let target = subset(self.full, columns);
        let partition = self.file.partition.clone();
        let partition_by = self.table.spec().partition_by;
        let (location, table) = (self.location.clone(), self.table);
        let predicate = ArrowPredicateFn::new(
            ProjectionMask::roots(self.meta.parquet_schema(), roots),
            move |batch: RecordBatch| {
                conform_batch(batch, &target, &partition, partition_by, &location, table)
                    .and_then(|b| residual.evaluate(&b))
                    .map_err(|e| arrow_schema::ArrowError::ExternalError(Box::new(e)))
            },
        );
        RowFilter::new(vec![Box::new(predicate)])
    }

    /// `batch` as a batch of the `target` table columns (see [`conform_batch`]).
    fn conform(&self, batch: RecordBatch, target: &SchemaRef) -> Result<RecordBatch> {
        conform_batch(
            batch,
            target,
            &self.file.partition,
            self.table.spec().partition_by,
            &self.location,
            self.table,
        )
    }
}

/// Columns the footer lists as holding one value in the whole file, built from that value
/// rather than read (unless the filter reads them); at least one column is read, for the row
/// count.
struct BuiltColumns {
    columns: Vec<(FieldRef, serde_json::Value)>,
    /// One array per column and batch length, shared by every batch of that length (most are
    /// BATCH_ROWS long): a whole year's constant columns then take no memory to speak of,
    /// where building them batch by batch touched as much fresh memory as decoding.
    built: Mutex<HashMap<(usize, usize), ArrayRef>>,
}

impl BuiltColumns {
    /// The `needed` columns of the file that its footer lists with one value.
    fn plan(
        meta: &ArrowReaderMetadata,
        full: &SchemaRef,
        needed: &[String],
        residual: &Filter,
    ) -> BuiltColumns {
        let file_schema = meta.schema();
        let listed = constants::listed(meta.metadata());
        let residual_columns = residual.columns();
        let mut columns: Vec<(FieldRef, serde_json::Value)> = needed
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
        let reads_a_file_column = needed
            .iter()
            .filter(|n| !columns.iter().any(|(f, _)| f.name() == *n))
            .any(|n| file_schema.index_of(n).is_ok());
        if !reads_a_file_column {
            columns.pop();
        }
        BuiltColumns {
            columns,
            built: Mutex::default(),
        }
    }

    /// Whether column `name` is built rather than read.
    fn contains(&self, name: &str) -> bool {
        self.columns.iter().any(|(f, _)| f.name() == name)
    }

    /// `batch` with the constant columns appended.
    fn add(&self, batch: RecordBatch) -> Result<RecordBatch> {
        if self.columns.is_empty() {
            return Ok(batch);
        }
        let rows = batch.num_rows();
        let mut fields: Vec<FieldRef> = batch.schema().fields().to_vec();
        let mut columns = batch.columns().to_vec();
        for (i, (field, value)) in self.columns.iter().enumerate() {
            let mut built = self.built.lock().unwrap_or_else(|e| e.into_inner());
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
    }
}

/// The file's root column indices of `names` (those it has), sorted, each once.
fn roots<'n>(file_schema: &Schema, names: impl Iterator<Item = &'n str>) -> Vec<usize> {
    let mut idx: Vec<usize> = names.filter_map(|n| file_schema.index_of(n).ok()).collect();
    idx.sort_unstable();
    idx.dedup();
    idx
}

/// The fields of `full` named in `names`, in table order.
fn subset(full: &SchemaRef, names: &[String]) -> SchemaRef {
    Arc::new(Schema::new(
        full.fields()
            .iter()
            .filter(|f| names.contains(f.name()))
            .cloned()
            .collect::<Vec<_>>(),
    ))
}

/// The error for a file the parquet crate cannot read.
fn unreadable(location: &std::path::Path, e: parquet::errors::ParquetError) -> Error {
    Error::store(location, format!("unreadable Parquet: {e}"))
}
