//! The reference data codes resolve against (crosswalk and entities), and the entities
//! importers create for statistical pseudo-areas.

use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;

use crate::codes::CodeIndex;
use crate::import::ImportRun;
use crate::model::{Entity, EntityCode, EntityType, Scheme};
use crate::store::Store;
use crate::Result;

/// What codes resolve against: the store's crosswalk and entities, else the bundled ones a new
/// store is seeded with ([`Store::code_index`]).
pub(crate) struct Reference {
    /// The code crosswalk.
    pub codes: Arc<CodeIndex>,
    /// Entity ids.
    pub entities: Arc<HashSet<String>>,
}

impl Reference {
    /// The reference of the store as `run` sees it under its lock (without the rows of the
    /// file it replaces).
    pub fn of_run(run: &ImportRun) -> Result<Reference> {
        Ok(Reference {
            codes: Arc::new(run.view().code_index()?),
            entities: Arc::new(run.view().entity_ids()?),
        })
    }

    /// The reference of the store at `root` as committed, or of the bundled store when there
    /// is none yet (read before an import takes the store's lock).
    pub fn load_or_bundled(root: &Path) -> Result<Reference> {
        let store = Store::open_or_bundled(root)?;
        Ok(Reference {
            codes: store.code_index()?,
            entities: store.entity_ids()?,
        })
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
        self.entities.contains(hit).then(|| hit.to_string())
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

/// An entity an importer creates, with its preferred crosswalk row, both citing the input.
#[derive(Debug, Clone)]
pub(crate) struct NewArea {
    pub entity: Entity,
    pub code: EntityCode,
}

impl NewArea {
    /// The entity for area `code` of `scheme` ([`area_entity_id`]), named `name` (else
    /// "{scheme} area {code}").
    pub fn new(
        code: u32,
        scheme: Scheme,
        name: &str,
        entity_type: EntityType,
        source_id: &str,
        locator: String,
    ) -> NewArea {
        let name = match name.trim() {
            "" => format!("{scheme} area {code}"),
            name => name.to_string(),
        };
        let id = area_entity_id(code);
        NewArea::entity(
            &id,
            name,
            entity_type,
            (scheme, code.to_string()),
            source_id,
            locator,
        )
    }

    /// Entity `id` of `entity_type` named `name`, with crosswalk row `scheme`:`code`; both
    /// cite `source_id` at `locator`.
    pub fn entity(
        id: &str,
        name: String,
        entity_type: EntityType,
        (scheme, code): (Scheme, String),
        source_id: &str,
        locator: String,
    ) -> NewArea {
        let entity = Entity {
            entity_id: id.to_string(),
            name,
            name_official: None,
            entity_type,
            valid_from: None,
            valid_to: None,
            parent_id: None,
            predecessor_ids: None,
            successor_ids: None,
            region: None,
            focus: None,
            source_id: source_id.to_string(),
            source_locator: Some(locator.clone()),
        };
        let code = EntityCode {
            entity_id: id.to_string(),
            scheme,
            code,
            valid_from: None,
            valid_to: None,
            is_preferred: true,
            source_id: source_id.to_string(),
            source_locator: Some(locator),
        };
        NewArea { entity, code }
    }
}

/// Writes the created areas that the store lacks (entities and crosswalk rows, as `run` sees
/// the store), each group in files of its own so a later re-import can replace them with the
/// file that named them.
pub(crate) fn write_new_areas(run: &mut ImportRun, areas: &[NewArea]) -> Result<()> {
    if areas.is_empty() {
        return Ok(());
    }
    let known_entities = run.view().entity_ids()?;
    let key = |c: &EntityCode| {
        let code = crate::codes::normalise(c.scheme, &c.code);
        (c.scheme, code, c.entity_id.clone())
    };
    let known_codes: HashSet<_> = run.view().entity_codes()?.iter().map(key).collect();
    let mut entities: Vec<Entity> = areas
        .iter()
        .filter(|a| !known_entities.contains(&a.entity.entity_id))
        .map(|a| a.entity.clone())
        .collect();
    let mut codes: Vec<EntityCode> = areas
        .iter()
        .filter(|a| !known_codes.contains(&key(&a.code)))
        .map(|a| a.code.clone())
        .collect();
    run.write_all(&mut entities)?;
    run.write_all(&mut codes)
}
