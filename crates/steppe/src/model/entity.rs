//! Entities (countries, former states, aggregates) and the dated code crosswalk.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::{EntityType, Scheme};
use super::serde_helpers::{opt_date, opt_list};

/// A country, former state or aggregate, identified by ISO 3166 alpha-3 where one exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    /// ISO 3166-1 alpha-3; former states their ISO 3166-3 code; aggregates their source's code.
    pub entity_id: String,
    /// Short English name.
    pub name: String,
    /// Official name, where the list gives one.
    pub name_official: Option<String>,
    /// What kind of entity this is.
    pub entity_type: EntityType,
    /// First day of existence, where known.
    #[serde(with = "opt_date", default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day of existence (former states), where known.
    #[serde(with = "opt_date", default)]
    pub valid_to: Option<NaiveDate>,
    /// Sovereign of a territory.
    pub parent_id: Option<String>,
    /// The entities this one continues (YEM: YAR, YMD), where a cited source states the
    /// link; the inverse of their `successor_ids`. `None` when no source states one.
    #[serde(with = "opt_list", default)]
    pub predecessor_ids: Option<Vec<String>>,
    /// The entities that continue this one (SUN: ARM, ..., TJK, TKM, UZB), where a cited
    /// source states the link (`source_locator`'s `successors:` part). `None` when none does.
    #[serde(with = "opt_list", default)]
    pub successor_ids: Option<Vec<String>>,
    /// UN M49 sub-region name.
    pub region: Option<String>,
    /// steppe's focus tag: `central_asia` or `neighbour`.
    pub focus: Option<String>,
    /// The list this row comes from.
    pub source_id: String,
    /// Where in that list.
    pub source_locator: Option<String>,
}

/// One code of one scheme for an entity, valid over a date range.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntityCode {
    /// The entity named.
    pub entity_id: String,
    /// The code system.
    pub scheme: Scheme,
    /// The code as the scheme writes it (numeric codes keep their leading zeros).
    pub code: String,
    /// First day the code names this entity, if bounded.
    #[serde(with = "opt_date", default)]
    pub valid_from: Option<NaiveDate>,
    /// Last day the code names this entity, if bounded.
    #[serde(with = "opt_date", default)]
    pub valid_to: Option<NaiveDate>,
    /// The preferred code when a scheme has several for one entity.
    pub is_preferred: bool,
    /// The published list this code comes from.
    pub source_id: String,
    /// Where in that list.
    pub source_locator: Option<String>,
}
