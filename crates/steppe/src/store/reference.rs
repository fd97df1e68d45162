//! The reference a store resolves codes against: its own crosswalk (`entity_codes`) and
//! entities, else the bundled dataset's — what an import seeds a new store with, and what a
//! store without reference tables is read against. One policy, per table: the store's rows
//! when it holds any, else the bundled ones ([`seed_reference`] copies them into a new store).
//! Also the keys an import checks its rows against ([`Store::key_set_without`]).

use std::collections::{BTreeSet, HashSet};
use std::path::Path;
use std::sync::{Arc, OnceLock};

use arrow_array::cast::AsArray;
use arrow_schema::DataType;

use crate::codes::CodeIndex;
use crate::model::{Entity, EntityCode, Source};
use crate::record::Record;
use crate::schema::Table;
use crate::{Error, Result};

use super::{ReadOptions, Store, Transaction, DESCRIPTOR_FILE};

impl Store {
    /// The crosswalk this store resolves codes with: its own `entity_codes`, else (a store
    /// with none, e.g. not seeded yet) the bundled one, built once per process.
    ///
    /// Errors: reading either store.
    pub fn code_index(&self) -> Result<Arc<CodeIndex>> {
        if self.row_count(Table::EntityCodes) > 0 {
            return Ok(Arc::new(CodeIndex::new(self.records::<EntityCode>()?)));
        }
        static BUNDLED: OnceLock<Arc<CodeIndex>> = OnceLock::new();
        bundled_once(&BUNDLED, || {
            Ok(CodeIndex::new(bundled_reference(|c: &EntityCode| {
                &c.source_id
            })?))
        })
    }

    /// [`Store::code_index`] without the codes of source `source_id` (a file being
    /// re-imported, whose rows the commit drops).
    pub fn code_index_without(&self, source_id: &str) -> Result<CodeIndex> {
        Ok(CodeIndex::new(self.reference_codes(source_id)?))
    }

    /// The entity ids this store's rows refer to: its own entities, else the bundled ones
    /// (the same policy as [`Store::code_index`]); built once per process for the latter.
    pub fn entity_ids(&self) -> Result<Arc<HashSet<String>>> {
        if self.row_count(Table::Entities) > 0 {
            return Ok(Arc::new(ids(self.records::<Entity>()?)));
        }
        static BUNDLED: OnceLock<Arc<HashSet<String>>> = OnceLock::new();
        bundled_once(&BUNDLED, || {
            Ok(ids(bundled_reference(|e: &Entity| &e.source_id)?))
        })
    }

    /// [`Store::entity_ids`] without the entities of source `source_id`.
    pub fn entity_ids_without(&self, source_id: &str) -> Result<HashSet<String>> {
        Ok(ids(self.reference_entities(source_id)?))
    }

    /// The crosswalk rows [`Store::code_index`] is built from, without those of `source_id`
    /// (`""` leaves none out).
    pub fn reference_codes(&self, source_id: &str) -> Result<Vec<EntityCode>> {
        self.own_or_bundled(source_id, |c: &EntityCode| &c.source_id)
    }

    /// The entity rows [`Store::entity_ids`] lists, without those of `source_id` (`""`
    /// leaves none out).
    pub fn reference_entities(&self, source_id: &str) -> Result<Vec<Entity>> {
        self.own_or_bundled(source_id, |e: &Entity| &e.source_id)
    }

    /// The store at `root`, or the bundled one when `root` holds no store yet (the reference
    /// a new store will be seeded with).
    ///
    /// Errors: a store at `root` that cannot be opened.
    pub fn open_or_bundled(root: &Path) -> Result<Store> {
        if root.join(DESCRIPTOR_FILE).exists() {
            Store::open(root)
        } else {
            Store::bundled()
        }
    }

    /// The rows of `R`'s table from this store when it holds any, else from the bundled
    /// one, leaving out those whose source (`source_of`) is `source_id`.
    fn own_or_bundled<R: Record>(
        &self,
        source_id: &str,
        source_of: impl Fn(&R) -> &String,
    ) -> Result<Vec<R>> {
        let rows: Vec<R> = if self.row_count(R::TABLE) > 0 {
            self.records()?
        } else {
            bundled_reference(&source_of)?
        };
        Ok(rows
            .into_iter()
            .filter(|r| source_id.is_empty() || source_of(r) != source_id)
            .collect())
    }

    /// Distinct values of `column` of `table` (those starting with `prefix`, when given),
    /// without the rows of source `source_id` (the keys an import replacing it checks against).
    ///
    /// Errors: reading the table; a table without `column`.
    pub fn key_set_without(
        &self,
        table: Table,
        column: &str,
        prefix: Option<&str>,
        source_id: &str,
    ) -> Result<HashSet<String>> {
        let columns = Some(vec![column.to_string(), "source_id".to_string()]);
        let data = self.read(
            table,
            &ReadOptions {
                columns,
                ..Default::default()
            },
        )?;
        let mut out = HashSet::new();
        for batch in &data.batches {
            let utf8 = |name: &str| match batch.column_by_name(name) {
                Some(c) => Ok(arrow_cast::cast(c, &DataType::Utf8)?),
                None => Err(Error::InvalidArgument(format!(
                    "no column `{name}` in table {}",
                    table.name()
                ))),
            };
            let (keys, sources) = (utf8(column)?, utf8("source_id")?);
            let rows = keys.as_string::<i32>().iter();
            let rows = rows.zip(sources.as_string::<i32>());
            for (key, _) in rows.filter(|(_, source)| *source != Some(source_id)) {
                if let Some(k) = key.filter(|k| prefix.is_none_or(|p| k.starts_with(p))) {
                    out.insert(k.to_string());
                }
            }
        }
        Ok(out)
    }
}

/// The bundled store's rows of `R` (entities, codes) from the curated reference (`data/`):
/// those whose source (`source_of`) no import of the bundle wrote. The entities the bundle's
/// imports created (the World Bank's and the IMF's aggregates) are left to a store's own
/// imports to create, citing their own files.
fn bundled_reference<R: Record>(source_of: impl Fn(&R) -> &String) -> Result<Vec<R>> {
    let bundled = Store::bundled()?;
    let imported: BTreeSet<&str> = bundled
        .descriptor()
        .steppe
        .imports
        .iter()
        .map(|s| s.source_id.as_str())
        .collect();
    Ok(bundled
        .records::<R>()?
        .into_iter()
        .filter(|r| !imported.contains(source_of(r).as_str()))
        .collect())
}

/// Copies the bundled reference tables (entities, the code crosswalk and the sources of both)
/// into a store that has none, so imported rows' country ids resolve and validate: the
/// curated reference only (see `bundled_reference`).
pub fn seed_reference(tx: &mut Transaction) -> Result<()> {
    let bundled = Store::bundled()?;
    let entities: Vec<Entity> = bundled_reference(|e: &Entity| &e.source_id)?;
    let codes: Vec<EntityCode> = bundled_reference(|c: &EntityCode| &c.source_id)?;
    let cited: BTreeSet<&str> = entities
        .iter()
        .map(|e| e.source_id.as_str())
        .chain(codes.iter().map(|c| c.source_id.as_str()))
        .collect();
    let sources: Vec<Source> = bundled
        .records::<Source>()?
        .into_iter()
        .filter(|s| cited.contains(s.source_id.as_str()))
        .collect();
    tx.write_records(&sources)?;
    tx.write_records(&entities)?;
    tx.write_records(&codes)?;
    Ok(())
}

impl CodeIndex {
    /// Builds the index from a store's own `entity_codes` table (no fallback; see
    /// [`Store::code_index`] for the crosswalk a store resolves with).
    pub fn from_store(store: &Store) -> Result<CodeIndex> {
        Ok(CodeIndex::new(store.records::<EntityCode>()?))
    }
}

/// The ids of `entities`.
fn ids(entities: Vec<Entity>) -> HashSet<String> {
    entities.into_iter().map(|e| e.entity_id).collect()
}

/// The value in `cell`, built by `build` the first time (the bundled dataset never changes
/// within a process).
fn bundled_once<T>(cell: &OnceLock<Arc<T>>, build: impl FnOnce() -> Result<T>) -> Result<Arc<T>> {
    if let Some(v) = cell.get() {
        return Ok(v.clone());
    }
    let v = Arc::new(build()?);
    Ok(cell.get_or_init(|| v).clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_without_reference_tables_resolves_with_the_bundled_ones() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open_or_create(dir.path().join("s")).unwrap();
        assert_eq!(store.row_count(Table::EntityCodes), 0);
        let codes = store.code_index().unwrap();
        assert_eq!(codes.resolve_any("fips:TI", None).unwrap(), "TJK");
        assert_eq!(codes.resolve_any("gw:702", None).unwrap(), "TJK");
        let ids = store.entity_ids().unwrap();
        assert!(ids.contains("TJK") && ids.contains("RUS"), "{}", ids.len());
        // Built once: the second call shares the first one's index.
        assert!(Arc::ptr_eq(&codes, &store.code_index().unwrap()));
        // A directory without a store stands for the bundled reference.
        let none = Store::open_or_bundled(&dir.path().join("missing")).unwrap();
        assert_eq!(none.display_name(), "<bundled>");
    }

    #[test]
    fn a_store_with_its_own_crosswalk_resolves_with_it_and_can_leave_a_source_out() {
        let bundled = Store::bundled().unwrap();
        let codes = bundled.reference_codes("").unwrap();
        assert_eq!(codes.len() as u64, bundled.row_count(Table::EntityCodes));
        // Leaving out the source of TJK's FIPS code leaves every code of that source out.
        let fips_source = codes
            .iter()
            .find(|c| c.entity_id == "TJK" && c.code == "TI")
            .map(|c| c.source_id.clone())
            .unwrap();
        let without = bundled.code_index_without(&fips_source).unwrap();
        assert!(without.resolve_any("fips:TI", None).is_err());
        assert_eq!(without.resolve_any("TJK", None).unwrap(), "TJK");
        let kept = bundled.reference_codes(&fips_source).unwrap();
        assert!(kept.iter().all(|c| c.source_id != fips_source));
        assert!(kept.len() < codes.len());
        let entities = bundled.entity_ids().unwrap();
        assert_eq!(entities.len() as u64, bundled.row_count(Table::Entities));
        let entity_source = bundled.reference_entities("").unwrap()[0].source_id.clone();
        let fewer = bundled.entity_ids_without(&entity_source).unwrap();
        assert!(fewer.len() < entities.len());
    }
}
