//! The store's `datapackage.json`: a Frictionless Data Package descriptor that lists each
//! table's Parquet files with row counts and sha256, the table schema (fields, primary key,
//! foreign keys), sources and licences, plus steppe's own metadata under `steppe` keys.

use std::collections::BTreeMap;

use arrow_schema::DataType;
use serde::{Deserialize, Serialize};

use crate::schema::{Table, TableSpec, SCHEMA_VERSION};

/// File name of the descriptor inside a store directory.
pub const DESCRIPTOR_FILE: &str = "datapackage.json";

/// The whole descriptor.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Descriptor {
    /// Frictionless profile.
    pub profile: String,
    /// Package name (lowercase, `-._` allowed).
    pub name: String,
    /// Human title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// When this version was written (RFC 3339), or a fixed date for reproducible builds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Licences of the data in the package.
    #[serde(default)]
    pub licenses: Vec<PackageLicense>,
    /// Sources of the data (titles; the full records are in the `sources` table).
    #[serde(default)]
    pub sources: Vec<PackageSource>,
    /// One resource per table.
    pub resources: Vec<Resource>,
    /// steppe's store metadata.
    pub steppe: StoreMeta,
}

/// A licence entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageLicense {
    /// SPDX id or name.
    pub name: String,
    /// Sources under it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A package-level source entry.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct PackageSource {
    /// Title (or id when the source has no title).
    pub title: String,
    /// URL, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
}

/// steppe's metadata about the store.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreMeta {
    /// Version of the table schemas the files follow.
    pub schema_version: u32,
    /// Incremented by every commit.
    pub generation: u64,
    /// Summaries of the imports that built the store, oldest first.
    #[serde(default)]
    pub imports: Vec<ImportSummary>,
}

/// What one import did: rows read, written and rejected by reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct ImportSummary {
    /// Importer name (`baci`, `comtrade`, ...).
    pub importer: String,
    /// The input file's source id.
    pub source_id: String,
    /// The input file.
    pub file: String,
    /// sha256 of the input file.
    pub sha256: String,
    /// sha256 of a compressed input's content (the decompressed `.gz`, the `.zip`'s member),
    /// learned as the import read it: the same content in another container is recognised
    /// by it. `None` for a plain file (its `sha256` is its content's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<String>,
    /// Data rows read.
    pub rows_read: u64,
    /// Rows turned into records of the importer's main table (one per accepted input row).
    #[serde(default)]
    pub rows_accepted: u64,
    /// Rows written, by table.
    pub rows_written: BTreeMap<String, u64>,
    /// Rows rejected (each also in the `rejects` table).
    pub rows_rejected: u64,
    /// Rejections by reason.
    pub rejected_by_reason: BTreeMap<String, u64>,
    /// Rows deliberately left out (e.g. breakdown rows, filtered countries), by reason.
    #[serde(default)]
    pub rows_skipped: BTreeMap<String, u64>,
}

/// One table of the package.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Resource {
    /// Table name.
    pub name: String,
    /// The table's folder, relative to the store root (absent for an empty table): one entry,
    /// so Frictionless reads every file of it; the files are in `steppe.files`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub path: Vec<String>,
    /// Inline rows: `[]` for an empty table, so the resource stays a valid Data Resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Vec<serde_json::Value>>,
    /// Frictionless' Parquet reading options: for a partitioned table, `{"parquet": {"columns":
    /// [...]}}` naming the files' columns, so the partition column pyarrow would add from the
    /// folder names (a dictionary with a null for `__HIVE_DEFAULT_PARTITION__`, which pandas
    /// cannot take) is not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dialect: Option<serde_json::Value>,
    /// `parquet` (absent for an empty table, whose rows are the inline `data`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Parquet media type (absent for an empty table).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mediatype: Option<String>,
    /// Description of the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Table Schema.
    pub schema: ResourceSchema,
    /// steppe's metadata about the table.
    pub steppe: ResourceMeta,
}

/// Frictionless Table Schema of the files: the columns they hold. Hive partition columns
/// live in directory names, not in the files, so they are described under `steppe` instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceSchema {
    /// Columns.
    pub fields: Vec<FieldDescriptor>,
    /// Primary key columns (omitted for partitioned tables, whose key includes the partition
    /// column; steppe's full key is `steppe.primary_key`).
    #[serde(rename = "primaryKey", default, skip_serializing_if = "Vec::is_empty")]
    pub primary_key: Vec<String>,
    /// Cell values read as missing (Parquet nulls surface as these in pandas-based readers).
    #[serde(rename = "missingValues", default)]
    pub missing_values: Vec<String>,
    /// Foreign keys.
    #[serde(rename = "foreignKeys", default)]
    pub foreign_keys: Vec<ForeignKeyDescriptor>,
}

/// One column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FieldDescriptor {
    /// Column name.
    pub name: String,
    /// Frictionless type.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Constraints (`required`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub constraints: BTreeMap<String, serde_json::Value>,
    /// The Arrow type steppe writes.
    #[serde(rename = "arrowType")]
    pub arrow_type: String,
}

/// A foreign key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKeyDescriptor {
    /// Referencing columns.
    pub fields: Vec<String>,
    /// Referenced resource and columns.
    pub reference: ForeignKeyReference,
}

/// The referenced side of a foreign key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForeignKeyReference {
    /// Referenced table.
    pub resource: String,
    /// Referenced columns.
    pub fields: Vec<String>,
}

/// steppe's metadata about one table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResourceMeta {
    /// Total rows.
    pub rows: u64,
    /// The table's full primary key (partition columns included).
    #[serde(default)]
    pub primary_key: Vec<String>,
    /// Hive partition columns.
    pub partition_by: Vec<String>,
    /// Partition columns with their Frictionless and Arrow types.
    #[serde(default)]
    pub partition_fields: Vec<FieldDescriptor>,
    /// Sort order inside files written from typed records; streaming importers keep their
    /// input's order (the files declare no Parquet sorting columns).
    pub sort_by: Vec<String>,
    /// Whether the table may be shipped to others (false once a non-redistributable source
    /// such as ACLED contributes rows).
    pub redistributable: bool,
    /// Every data file.
    pub files: Vec<FileEntry>,
}

/// One Parquet file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    /// Path relative to the store root.
    pub path: String,
    /// Rows in the file.
    pub rows: u64,
    /// Size in bytes.
    pub bytes: u64,
    /// sha256 of the file's bytes.
    pub sha256: String,
    /// Hive partition values (null = `__HIVE_DEFAULT_PARTITION__`).
    #[serde(default)]
    pub partition: BTreeMap<String, Option<i64>>,
}

/// The Frictionless type of an Arrow type.
pub fn frictionless_type(dt: &DataType) -> &'static str {
    match dt {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Dictionary(_, _) => "string",
        DataType::Int8 | DataType::Int16 | DataType::Int32 | DataType::Int64 => "integer",
        DataType::Float32 | DataType::Float64 => "number",
        DataType::Boolean => "boolean",
        DataType::Date32 => "date",
        // Lists are `any`: Frictionless' Parquet reader hands them over as arrays it cannot
        // type-check; `arrowType` states the exact type.
        DataType::List(_) | DataType::LargeList(_) => "any",
        _ => "any",
    }
}

impl Resource {
    /// An empty resource for a table.
    pub fn empty(spec: &TableSpec) -> Resource {
        let describe = |f: &arrow_schema::FieldRef| {
            let mut constraints = BTreeMap::new();
            if !f.is_nullable() {
                constraints.insert("required".to_string(), serde_json::Value::Bool(true));
            }
            FieldDescriptor {
                name: f.name().clone(),
                field_type: frictionless_type(f.data_type()).to_string(),
                constraints,
                arrow_type: f.data_type().to_string(),
            }
        };
        let is_partition =
            |f: &arrow_schema::FieldRef| spec.partition_by.contains(&f.name().as_str());
        let fields = spec
            .schema
            .fields()
            .iter()
            .filter(|f| !is_partition(f))
            .map(describe)
            .collect();
        let partition_fields = spec
            .schema
            .fields()
            .iter()
            .filter(|f| is_partition(f))
            .map(describe)
            .collect();
        let key: Vec<String> = spec.primary_key.iter().map(|s| s.to_string()).collect();
        let mut resource = Resource {
            name: spec.table.name().to_string(),
            path: Vec::new(),
            data: None,
            dialect: None,
            format: None,
            mediatype: None,
            description: Some(spec.description.to_string()),
            schema: ResourceSchema {
                fields,
                primary_key: if spec.partition_by.is_empty() {
                    key.clone()
                } else {
                    Vec::new()
                },
                missing_values: ["", "nan", "NaN", "None", "NaT"]
                    .iter()
                    .map(|s| s.to_string())
                    .collect(),
                foreign_keys: spec
                    .foreign_keys
                    .iter()
                    .filter(|k| !spec.partition_by.contains(&k.field))
                    .map(|k| ForeignKeyDescriptor {
                        fields: vec![k.field.to_string()],
                        reference: ForeignKeyReference {
                            resource: k.table.name().to_string(),
                            fields: vec![k.target.to_string()],
                        },
                    })
                    .collect(),
            },
            steppe: ResourceMeta {
                rows: 0,
                primary_key: key,
                partition_by: spec.partition_by.iter().map(|s| s.to_string()).collect(),
                partition_fields,
                sort_by: spec.sort_by.iter().map(|s| s.to_string()).collect(),
                redistributable: true,
                files: Vec::new(),
            },
        };
        resource.refresh();
        resource
    }

    /// Describes the current schema of `spec`'s table (fields, keys, partitioning), keeping
    /// the files: what a commit does to a store an older schema version wrote, whose files
    /// read their absent nullable columns as nulls.
    pub fn upgrade_schema(&mut self, spec: &TableSpec) {
        let current = Resource::empty(spec);
        self.schema = current.schema;
        self.description = current.description;
        self.steppe.primary_key = current.steppe.primary_key;
        self.steppe.partition_by = current.steppe.partition_by;
        self.steppe.partition_fields = current.steppe.partition_fields;
        self.steppe.sort_by = current.steppe.sort_by;
        self.refresh();
    }

    /// Recomputes `path` and `rows` from the file list. `path` is the table's folder, which
    /// Frictionless reads whole (through pyarrow, Hive partitions included) where it would
    /// read only the first file of a list of Parquet files; `steppe.files` lists the files.
    pub fn refresh(&mut self) {
        self.files_sort();
        let empty = self.steppe.files.is_empty();
        self.path = if empty {
            Vec::new()
        } else {
            vec![self.name.clone()]
        };
        self.data = empty.then(|| self.header_only());
        let partitioned = !self.steppe.partition_by.is_empty();
        self.dialect = (!empty && partitioned).then(|| self.parquet_columns());
        self.format = (!empty).then(|| "parquet".to_string());
        self.mediatype = (!empty).then(|| "application/vnd.apache.parquet".to_string());
        self.steppe.rows = self.steppe.files.iter().map(|f| f.rows).sum();
    }

    /// Inline data of an empty table: a header row and no rows (Frictionless reads the
    /// first row of inline arrays as the header).
    fn header_only(&self) -> Vec<serde_json::Value> {
        let names = self
            .schema
            .fields
            .iter()
            .map(|f| serde_json::Value::String(f.name.clone()));
        vec![serde_json::Value::Array(names.collect())]
    }

    /// `{"parquet": {"columns": [the files' columns]}}`: the dialect of a partitioned table.
    fn parquet_columns(&self) -> serde_json::Value {
        let names: Vec<&str> = self.schema.fields.iter().map(|f| f.name.as_str()).collect();
        serde_json::json!({ "parquet": { "columns": names } })
    }

    fn files_sort(&mut self) {
        self.steppe.files.sort_by(|a, b| a.path.cmp(&b.path));
    }
}

impl Descriptor {
    /// A descriptor for an empty store with every table.
    pub fn empty(name: &str) -> Descriptor {
        Descriptor {
            profile: "data-package".into(),
            name: name.to_string(),
            title: None,
            created: None,
            licenses: Vec::new(),
            sources: Vec::new(),
            resources: Table::ALL
                .iter()
                .map(|t| Resource::empty(&t.spec()))
                .collect(),
            steppe: StoreMeta {
                schema_version: SCHEMA_VERSION,
                generation: 0,
                imports: Vec::new(),
            },
        }
    }

    /// The resource of a table, if the descriptor has it.
    pub fn resource(&self, table: Table) -> Option<&Resource> {
        self.resources.iter().find(|r| r.name == table.name())
    }

    /// The resource of a table, added if missing.
    pub fn resource_mut(&mut self, table: Table) -> &mut Resource {
        if let Some(i) = self.resources.iter().position(|r| r.name == table.name()) {
            &mut self.resources[i]
        } else {
            self.resources.push(Resource::empty(&table.spec()));
            self.resources.last_mut().expect("just pushed")
        }
    }
}
