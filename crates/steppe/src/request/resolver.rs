//! Countries typed in any form, resolved against a store's reference loaded once.

use std::collections::HashSet;
use std::sync::{Arc, OnceLock};

use crate::codes::{At, CodeIndex, Unresolved};
use crate::store::Store;
use crate::Result;

/// A store's crosswalk and entity ids ([`Store::code_index`], [`Store::entity_ids`]), each
/// loaded the first time a request needs it and kept: hold one per store to reuse them
/// across requests.
#[derive(Debug, Default)]
pub struct Resolver {
    codes: OnceLock<Arc<CodeIndex>>,
    entity_ids: OnceLock<Arc<HashSet<String>>>,
}

impl Resolver {
    /// A resolver that has loaded nothing yet.
    pub fn new() -> Resolver {
        Resolver::default()
    }

    /// The crosswalk of `store` (its own, else the bundled one), loaded once.
    pub fn code_index(&self, store: &Store) -> Result<Arc<CodeIndex>> {
        once(&self.codes, || store.code_index())
    }

    /// The entity ids of `store` (its own, else the bundled ones), loaded once.
    pub fn entity_ids(&self, store: &Store) -> Result<Arc<HashSet<String>>> {
        once(&self.entity_ids, || store.entity_ids())
    }

    /// Resolves `values` (codes in any scheme, names, or entity ids such as aggregates) to
    /// entity ids, in `year` when given: `Ok(Err(..))` lists every value that fails with its
    /// reason (see [`CodeIndex::resolve_countries`]).
    pub fn resolve(
        &self,
        store: &Store,
        values: &[String],
        year: Option<i32>,
    ) -> Result<std::result::Result<Vec<String>, Vec<Unresolved>>> {
        self.resolve_at(store, values, year.map(At::Year))
    }

    /// [`Resolver::resolve`] in a year or on a day ([`At`]).
    pub fn resolve_at(
        &self,
        store: &Store,
        values: &[String],
        at: Option<At>,
    ) -> Result<std::result::Result<Vec<String>, Vec<Unresolved>>> {
        self.code_index(store)?
            .resolve_countries_at(values, at, || self.entity_ids(store))
    }

    /// The entity id of each value that is a country, the value itself otherwise (an
    /// organisation id among actors).
    pub fn resolve_soft(&self, store: &Store, values: &[String]) -> Result<Vec<String>> {
        values
            .iter()
            .map(|v| {
                Ok(match self.resolve(store, std::slice::from_ref(v), None)? {
                    Ok(mut ids) if !ids.is_empty() => ids.swap_remove(0),
                    _ => v.clone(),
                })
            })
            .collect()
    }
}

/// The value in `cell`, loaded by `load` the first time.
fn once<T>(cell: &OnceLock<Arc<T>>, load: impl FnOnce() -> Result<Arc<T>>) -> Result<Arc<T>> {
    if let Some(v) = cell.get() {
        return Ok(v.clone());
    }
    let v = load()?;
    Ok(cell.get_or_init(|| v).clone())
}
