//! The reference data codes resolve against (crosswalk and entities), and the entities
//! importers create for statistical pseudo-areas.

use std::collections::{HashMap, HashSet};

use crate::codes::CodeIndex;
use crate::import::ImportRun;
use crate::model::{Entity, EntityCode, EntityType, Scheme, Source};
use crate::schema::Table;
use crate::store::Store;
use crate::Result;

/// The crosswalk and entities of the store as it will be after the running import's seeding.
pub(crate) struct Reference {
    /// The code crosswalk.
    pub codes: CodeIndex,
    /// Entity ids with the source each row cites.
    pub entities: HashMap<String, String>,
    /// Source ids already in the store.
    pub sources: HashSet<String>,
    /// (scheme, code, entity) rows already in the crosswalk.
    pub entity_codes: HashSet<(Scheme, String, String)>,
}

impl Reference {
    /// Reads the store at `root` as committed. A store without entities is seeded from the
    /// bundled dataset by the import, so the bundled reference tables stand in for it. Rows of
    /// `replacing` (the source being re-imported, whose rows are dropped at commit) are left
    /// out.
    pub fn load(root: &std::path::Path, replacing: &str) -> Result<Reference> {
        let store = Store::open(root)?;
        let seeded = store.row_count(Table::Entities) > 0;
        let from = if seeded {
            store.clone()
        } else {
            Store::bundled()?
        };
        let entities_rows: Vec<Entity> = from.records()?;
        let code_rows: Vec<EntityCode> = from.records()?;
        let mut sources: HashSet<String> = store
            .records::<Source>()?
            .into_iter()
            .map(|s| s.source_id)
            .filter(|s| s != replacing)
            .collect();
        if !seeded {
            sources.extend(
                entities_rows
                    .iter()
                    .map(|e| e.source_id.clone())
                    .chain(code_rows.iter().map(|c| c.source_id.clone())),
            );
        }
        let entities = entities_rows
            .into_iter()
            .filter(|e| e.source_id != replacing)
            .map(|e| (e.entity_id, e.source_id))
            .collect();
        let code_rows: Vec<EntityCode> = code_rows
            .into_iter()
            .filter(|c| c.source_id != replacing)
            .collect();
        let entity_codes = code_rows
            .iter()
            .map(|c| {
                (
                    c.scheme,
                    crate::codes::normalise(c.scheme, &c.code),
                    c.entity_id.clone(),
                )
            })
            .collect();
        Ok(Reference {
            codes: CodeIndex::new(code_rows),
            entities,
            sources,
            entity_codes,
        })
    }

    /// [`Reference::load`] for a store that may not exist yet (then: the bundled reference
    /// a new store is seeded with).
    pub fn load_or_bundled(root: &std::path::Path) -> Result<Reference> {
        if root.join(crate::store::DESCRIPTOR_FILE).exists() {
            Reference::load(root, "")
        } else {
            let bundled = Store::bundled()?;
            let entities: Vec<Entity> = bundled.records()?;
            let codes: Vec<EntityCode> = bundled.records()?;
            Ok(Reference {
                entities: entities
                    .into_iter()
                    .map(|e| (e.entity_id, e.source_id))
                    .collect(),
                entity_codes: HashSet::new(),
                sources: HashSet::new(),
                codes: CodeIndex::new(codes),
            })
        }
    }

    /// Resolves an ISO 3166 alpha-3 code to an existing entity: in `year` first, then at any
    /// date when the code names one entity only.
    pub fn by_iso3(&self, iso3: &str, year: i32) -> Option<String> {
        let iso3 = iso3.trim();
        if iso3.len() != 3 || !iso3.bytes().all(|b| b.is_ascii_alphabetic()) {
            return None;
        }
        self.resolve(Scheme::Iso3, iso3, year)
    }

    /// Resolves an ISO 3166 numeric code (as a number) to an existing entity.
    pub fn by_iso_num(&self, code: u32, year: i32) -> Option<String> {
        self.resolve(Scheme::IsoNum, &format!("{code:03}"), year)
    }

    fn resolve(&self, scheme: Scheme, code: &str, year: i32) -> Option<String> {
        let hit = self
            .codes
            .resolve(scheme, code, Some(year))
            .or_else(|_| self.codes.resolve(scheme, code, None))
            .ok()?;
        self.entities.contains_key(hit).then(|| hit.to_string())
    }
}

/// The id steppe gives an entity it creates for a Comtrade/BACI area code that names no
/// ISO 3166 entity: `X` and the code on three digits (`X490` "Other Asia, nes", `X899`
/// "Areas, nes", `X097` "EU"). ISO 3166 leaves alpha codes starting with X to users, and no ISO
/// code has digits, so these ids never collide with a country's. Code 0 (World) is `WLD`.
pub fn area_entity_id(code: u32) -> String {
    if code == 0 {
        "WLD".to_string()
    } else {
        format!("X{code:03}")
    }
}

/// An entity and crosswalk row to create for an area code the input names.
#[derive(Debug, Clone)]
pub(crate) struct NewArea {
    pub entity: Entity,
    pub code: EntityCode,
}

impl NewArea {
    pub fn new(
        code: u32,
        scheme: Scheme,
        name: &str,
        entity_type: EntityType,
        source_id: &str,
        locator: String,
    ) -> NewArea {
        let id = area_entity_id(code);
        let name = if name.trim().is_empty() {
            format!("{scheme} area {code}")
        } else {
            name.trim().to_string()
        };
        NewArea {
            entity: Entity {
                entity_id: id.clone(),
                name,
                name_official: None,
                entity_type,
                valid_from: None,
                valid_to: None,
                parent_id: None,
                region: None,
                focus: None,
                source_id: source_id.to_string(),
                source_locator: Some(locator.clone()),
            },
            code: EntityCode {
                entity_id: id,
                scheme,
                code: code.to_string(),
                valid_from: None,
                valid_to: None,
                is_preferred: true,
                source_id: source_id.to_string(),
                source_locator: Some(locator),
            },
        }
    }
}

/// Writes the created areas that the store lacks (entities and crosswalk rows), each group in
/// files of its own so a later re-import can replace them with the file that named them.
pub(crate) fn write_new_areas(
    run: &mut ImportRun,
    reference: &Reference,
    areas: &[NewArea],
) -> Result<()> {
    let entities: Vec<Entity> = areas
        .iter()
        .filter(|a| !reference.entities.contains_key(&a.entity.entity_id))
        .map(|a| a.entity.clone())
        .collect();
    let codes: Vec<EntityCode> = areas
        .iter()
        .filter(|a| {
            !reference.entity_codes.contains(&(
                a.code.scheme,
                crate::codes::normalise(a.code.scheme, &a.code.code),
                a.code.entity_id.clone(),
            ))
        })
        .map(|a| a.code.clone())
        .collect();
    if !entities.is_empty() {
        run.write_records(&entities)?;
    }
    if !codes.is_empty() {
        run.write_records(&codes)?;
    }
    Ok(())
}
