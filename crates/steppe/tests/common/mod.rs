//! Test support: files from the project's `shared/` directory (the seed article and the
//! publishers' files under `data-sources/`), which sits beside the repository and is not
//! part of it.
//!
//! A test that needs such a file asks [`shared_file`] and returns early when it answers
//! `None`, so the test command passes in a clone without `shared/`. The skip is printed with
//! the file's path. `.ci/run` sets `STEPPE_REQUIRE_SHARED=1`, which turns a missing file into
//! a failure, so CI always runs these tests. `STEPPE_SHARED` points at another `shared/`.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};

pub mod gdelt;

/// The `shared/` directory: `$STEPPE_SHARED`, else `../shared` beside the repository.
pub fn shared_dir() -> PathBuf {
    match std::env::var_os("STEPPE_SHARED") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared"),
    }
}

/// `shared/<relative>` if it exists. Otherwise prints why the calling test is skipped and
/// answers `None`, or panics when `STEPPE_REQUIRE_SHARED` is set.
pub fn shared_file(relative: &str) -> Option<PathBuf> {
    let path = shared_dir().join(relative);
    if path.exists() {
        return Some(path);
    }
    let message = format!(
        "needs shared/{relative} (looked at {}; set STEPPE_SHARED to the shared/ directory)",
        path.display()
    );
    if std::env::var_os("STEPPE_REQUIRE_SHARED").is_some_and(|v| v != "0" && !v.is_empty()) {
        panic!("STEPPE_REQUIRE_SHARED is set and this test {message}");
    }
    eprintln!("SKIPPED: this test {message}");
    None
}

/// A row of `names.len()` fields joined by `sep`: the named values set, the other fields
/// empty. Panics on a name that is not in `names`.
pub fn row<S: AsRef<str>>(names: &[S], sep: &str, values: &[(&str, &str)]) -> String {
    let mut fields = vec![String::new(); names.len()];
    for (k, v) in values {
        let i = names
            .iter()
            .position(|x| x.as_ref() == *k)
            .unwrap_or_else(|| panic!("no column {k}"));
        fields[i] = v.to_string();
    }
    fields.join(sep)
}

/// Copies the directory `from` to `to`, recursively (a store, say).
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), &target).unwrap();
        }
    }
}

/// The rows of table `R` in `store` by the id `key` gives each (`|e: &Entity| &e.entity_id`).
pub fn by_id<R: steppe::Record>(
    store: &steppe::Store,
    key: impl Fn(&R) -> &str,
) -> HashMap<String, R> {
    let rows: Vec<R> = store.records().unwrap();
    rows.into_iter().map(|r| (key(&r).to_string(), r)).collect()
}

/// Rewrites the Parquet file at `path`, of steppe table `table`, without `columns` (and
/// without steppe's constant-column metadata, which older writers did not leave): a file as
/// an older schema version wrote it.
pub fn drop_columns(path: &Path, table: &str, columns: &[&str]) {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    let reader = ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let mut batches = Vec::new();
    for batch in reader {
        let mut batch = batch.unwrap();
        for c in columns {
            let i = batch.schema().index_of(c).unwrap();
            batch.remove_column(i);
        }
        batches.push(batch);
    }
    let schema = std::sync::Arc::new(arrow_schema::Schema::new(
        batches[0].schema().fields().clone(),
    ));
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            "steppe.table".to_string(),
            table.to_string(),
        )]))
        .build();
    let file = std::fs::File::create(path).unwrap();
    let mut writer =
        parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props)).unwrap();
    for b in batches {
        writer
            .write(&b.with_schema(schema.clone()).unwrap())
            .unwrap();
    }
    writer.close().unwrap();
}

/// Rewrites table `table` of the store at `out` as a schema-`version` writer left it: without
/// `columns` in its files and in the descriptor (fields and Parquet dialect), the store
/// recorded at `version`, the files' sizes and hashes updated.
pub fn make_table_predate(out: &Path, table: &str, columns: &[&str], version: u32) {
    let desc_path = out.join("datapackage.json");
    let mut desc: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&desc_path).unwrap()).unwrap();
    desc["steppe"]["schema_version"] = version.into();
    let resource = desc["resources"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|r| r["name"] == table)
        .unwrap();
    let kept = |v: &serde_json::Value| {
        let name = v
            .as_str()
            .or_else(|| v["name"].as_str())
            .unwrap_or_default();
        !columns.contains(&name)
    };
    resource["schema"]["fields"]
        .as_array_mut()
        .unwrap()
        .retain(kept);
    if let Some(list) = resource["dialect"]["parquet"]["columns"].as_array_mut() {
        list.retain(kept);
    }
    for file in resource["steppe"]["files"].as_array_mut().unwrap() {
        let path = out.join(file["path"].as_str().unwrap());
        drop_columns(&path, table, columns);
        file["bytes"] = std::fs::metadata(&path).unwrap().len().into();
        file["sha256"] = steppe::dataset::manifest::sha256_of(&path).unwrap().into();
    }
    std::fs::write(&desc_path, serde_json::to_vec_pretty(&desc).unwrap()).unwrap();
}
