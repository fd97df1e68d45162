//! A steppe store: a directory of Hive-partitioned Parquet files described by a Frictionless
//! `datapackage.json`. Readers trust only the files the descriptor names; writers add files
//! under fresh names and publish them by atomically replacing the descriptor (see
//! [`Transaction`]).

mod batches;
mod column_writer;
pub(crate) mod constants;
mod descriptor;
mod dictionaries;
mod file;
mod gc;
mod lock;
pub mod paths;
mod prune;
mod read;
mod reference;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::RecordBatch;
use arrow_schema::{DataType, Schema, SchemaRef};
use bytes::Bytes;

pub use descriptor::*;
pub use gc::{gc, unlisted_data_files, GcReport};
pub use lock::{StoreLock, LOCK_FILE};
pub use reference::seed_reference;
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

    /// The same rows with one dictionary per code column across the batches (see
    /// [`dictionaries::unify`]): what pyarrow's `group_by` and `join` need.
    pub fn with_unified_dictionaries(self) -> Result<TableData> {
        let batches = dictionaries::unify(&self.schema, self.batches)?;
        Ok(TableData { batches, ..self })
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
        let batches = batches::coalesce(&out_schema, batches)?;
        Ok(TableData {
            table,
            schema: out_schema,
            batches,
        })
    }

    fn file_location(&self, rel: &str) -> PathBuf {
        match &self.root {
            Root::Dir(root) => root.join(rel),
            Root::Embedded(_) => PathBuf::from(format!("<bundled>/{rel}")),
        }
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
