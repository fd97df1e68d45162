//! Events (conflict, diplomacy, agreements) and their actors.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::{ActorKind, ActorRole, DatePrecision, Derivation, EventClass};
use super::serde_helpers::opt_date;

/// Something that happened, at the precision its source gives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default)]
pub struct Event {
    /// Stable id: `gdelt:<id>`, `ucdp:<id>`, `cur:<slug>` for curated events.
    pub event_id: String,
    /// Year of `start_date` (the table's Hive partition); none when undated.
    pub year: Option<i16>,
    /// What kind of event.
    pub event_class: EventClass,
    /// Short title.
    pub title: Option<String>,
    /// Description or quotation.
    pub description: Option<String>,
    /// Start (or only) date, at `date_precision`.
    #[serde(with = "opt_date", default)]
    pub start_date: Option<NaiveDate>,
    /// End date of a period.
    #[serde(with = "opt_date", default)]
    pub end_date: Option<NaiveDate>,
    /// How precisely the dates are known.
    pub date_precision: DatePrecision,
    /// Country where it happened.
    pub country_id: Option<String>,
    /// First-level administrative unit.
    pub admin1: Option<String>,
    /// Place name.
    pub location_name: Option<String>,
    /// Latitude (WGS84).
    pub latitude: Option<f64>,
    /// Longitude (WGS84).
    pub longitude: Option<f64>,
    /// Precision code of the coordinates, in `geo_precision_scheme`.
    pub geo_precision: Option<i8>,
    /// Which scale `geo_precision` uses (`ucdp_where_prec`, `gdelt_geo_type`, `acled_geo`).
    pub geo_precision_scheme: Option<String>,
    /// CAMEO event code (string: keeps leading zeros).
    pub cameo_code: Option<String>,
    /// CAMEO base code.
    pub cameo_base_code: Option<String>,
    /// CAMEO root code.
    pub cameo_root_code: Option<String>,
    /// CAMEO QuadClass 1-4.
    pub quad_class: Option<i8>,
    /// Goldstein scale, -10 to +10.
    pub goldstein: Option<f32>,
    /// UCDP type of violence 1-3.
    pub violence_type: Option<i8>,
    /// UCDP conflict id (GED `conflict_new_id`). For state-based violence (type 1) it is
    /// the UCDP/PRIO ACD `conflict_id` of `conflicts`; for non-state and one-sided violence
    /// it is UCDP's id of the non-state conflict or of the one-sided violence, which no
    /// `conflicts` row carries. None for other sources.
    pub conflict_id: Option<i32>,
    /// Best estimate of deaths.
    pub fatalities_best: Option<i32>,
    /// Low estimate of deaths.
    pub fatalities_low: Option<i32>,
    /// High estimate of deaths.
    pub fatalities_high: Option<i32>,
    /// GDELT mentions.
    pub num_mentions: Option<i32>,
    /// GDELT sources.
    pub num_sources: Option<i32>,
    /// GDELT articles.
    pub num_articles: Option<i32>,
    /// GDELT average tone.
    pub avg_tone: Option<f32>,
    /// The source the row was read from.
    pub source_id: String,
    /// Where in that source (section, article URL).
    pub source_locator: Option<String>,
    /// Line of the source file, for imported rows.
    pub source_line: Option<i64>,
    /// The work that source cites.
    pub cited_source_id: Option<String>,
    /// How the row was derived.
    pub derivation: Derivation,
}

/// One actor of an event, in a role.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EventActor {
    /// The event.
    pub event_id: String,
    /// Year of the event (partition, as in `events`).
    pub year: Option<i16>,
    /// The actor's role.
    pub role: ActorRole,
    /// What kind of actor.
    pub actor_kind: ActorKind,
    /// Name as the source gives it.
    pub actor_name: String,
    /// Entity id or organisation id, when resolved.
    pub actor_ref: Option<String>,
    /// Raw actor code of the source (CAMEO actor code, UCDP side id).
    pub actor_code: Option<String>,
    /// Actor type codes (CAMEO GOV, MIL, ...; ACLED inter labels), `;`-joined.
    pub actor_type: Option<String>,
    /// The source the row was read from.
    pub source_id: String,
    /// Where in that source.
    pub source_locator: Option<String>,
    /// Line of the source file, for imported rows.
    pub source_line: Option<i64>,
    /// The work that source cites.
    pub cited_source_id: Option<String>,
}

// Defaults for building events field by field (`..Default::default()`).
#[allow(clippy::derivable_impls)]
mod defaults {
    use super::*;

    impl Default for EventClass {
        fn default() -> Self {
            EventClass::Other
        }
    }

    impl Default for DatePrecision {
        fn default() -> Self {
            DatePrecision::Unknown
        }
    }

    impl Default for Derivation {
        fn default() -> Self {
            Derivation::AsPublished
        }
    }
}
