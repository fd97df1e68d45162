//! Indicators (series definitions) and their observations.

use serde::{Deserialize, Serialize};

use super::enums::{Derivation, ObsStatus};

/// A statistical series, e.g. `wdi:BX.TRF.PWKR.DT.GD.ZS`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Indicator {
    /// Stable id, `<publisher>:<series code>`.
    pub indicator_id: String,
    /// Name as published.
    pub name: String,
    /// Definition as published.
    pub definition: Option<String>,
    /// Unit of measure as published.
    pub unit: Option<String>,
    /// Topic as published.
    pub topic: Option<String>,
    /// Aggregation method as published.
    pub aggregation_method: Option<String>,
    /// The publisher's series code.
    pub source_series_code: String,
    /// The publisher's own source note.
    pub source_note: Option<String>,
    /// Licence of the series.
    pub license: Option<String>,
    /// The source the definition was read from.
    pub source_id: String,
    /// Where in that source.
    pub source_locator: Option<String>,
}

/// One value of an indicator for an entity and a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorObservation {
    /// The indicator.
    pub indicator_id: String,
    /// The entity (countries and aggregates).
    pub entity_id: String,
    /// Calendar year (the table's Hive partition).
    pub year: i16,
    /// Sub-annual period, if any.
    pub period: Option<String>,
    /// The value (missing values are not stored).
    pub value: f64,
    /// Status of the value.
    pub obs_status: ObsStatus,
    /// The source the row was read from.
    pub source_id: String,
    /// Where in that source.
    pub source_locator: Option<String>,
    /// Line of the source file, for imported rows.
    pub source_line: Option<i64>,
    /// The work that source cites.
    pub cited_source_id: Option<String>,
    /// How the row was derived.
    pub derivation: Derivation,
}
