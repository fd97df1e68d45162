//! Conflict-years of the UCDP/PRIO Armed Conflict Dataset.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::{ConflictType, Derivation, Incompatibility, IntensityLevel};
use super::serde_helpers::opt_date;

/// One state-based armed conflict in one year, as a UCDP/PRIO release publishes it.
///
/// Names are as published; multi-valued codes (`"702, 703"`) are lists. Each `gwno_*` list
/// of Gleditsch-Ward codes has an `*_entity_ids` list of the same length: the entity each
/// code names in `year`, or null where the code names no state that year (a colony in an
/// extrasystemic conflict).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    /// UCDP's conflict id (the same id as GED's `conflict_new_id`).
    pub conflict_id: i32,
    /// The calendar year observed.
    pub year: i16,
    /// The country or countries whose government has the primary claim, as published.
    pub location: String,
    /// G&W codes of `location` (`gwno_loc`).
    pub gwno_loc: Vec<String>,
    /// Entities of `gwno_loc` in `year`.
    pub location_entity_ids: Vec<Option<String>>,
    /// Primary party on side A (always a government), as published.
    pub side_a: String,
    /// UCDP actor ids of side A (`side_a_id`).
    pub side_a_id: Vec<String>,
    /// G&W codes of side A (`gwno_a`).
    pub gwno_a: Vec<String>,
    /// Entities of `gwno_a` in `year`.
    pub side_a_entity_ids: Vec<Option<String>>,
    /// Secondary parties on side A (states sending troops), as published.
    pub side_a_2nd: Option<String>,
    /// G&W codes of the secondary parties on side A (`gwno_a_2nd`).
    pub gwno_a_2nd: Vec<String>,
    /// Entities of `gwno_a_2nd` in `year`.
    pub side_a_2nd_entity_ids: Vec<Option<String>>,
    /// Primary party or parties on side B, as published (`PFT, UTO`).
    pub side_b: String,
    /// UCDP actor ids of side B (`side_b_id`).
    pub side_b_id: Vec<String>,
    /// G&W codes of side B (`gwno_b`; empty for rebel groups).
    pub gwno_b: Vec<String>,
    /// Entities of `gwno_b` in `year`.
    pub side_b_entity_ids: Vec<Option<String>>,
    /// Secondary parties on side B, as published.
    pub side_b_2nd: Option<String>,
    /// G&W codes of the secondary parties on side B (`gwno_b_2nd`).
    pub gwno_b_2nd: Vec<String>,
    /// Entities of `gwno_b_2nd` in `year`.
    pub side_b_2nd_entity_ids: Vec<Option<String>>,
    /// What the conflict is fought over.
    pub incompatibility: Incompatibility,
    /// The territory fought over, when the incompatibility is territorial.
    pub territory_name: Option<String>,
    /// Battle-related deaths in the year: minor (25-999) or war (1,000+).
    pub intensity_level: IntensityLevel,
    /// Whether the conflict has exceeded 1,000 battle-related deaths since its onset.
    pub cumulative_intensity: bool,
    /// Extrasystemic, interstate, intrastate or internationalized intrastate.
    pub type_of_conflict: ConflictType,
    /// The conflict's first battle-related death.
    #[serde(with = "opt_date", default)]
    pub start_date: Option<NaiveDate>,
    /// Precision of `start_date`, codebook scale 1 (exact day) to 7 (year missing).
    pub start_prec: Option<i8>,
    /// When this episode reached 25 battle-related deaths in a year.
    #[serde(with = "opt_date", default)]
    pub start_date2: Option<NaiveDate>,
    /// Precision of `start_date2`, the same scale.
    pub start_prec2: Option<i8>,
    /// Whether the episode ended in this year.
    pub ep_end: bool,
    /// The episode's end date.
    #[serde(with = "opt_date", default)]
    pub ep_end_date: Option<NaiveDate>,
    /// Precision of `ep_end_date`, codebook scale 1 (exact day) to 5 (year).
    pub ep_end_prec: Option<i8>,
    /// Regions of the incompatibility: `europe`, `middle_east`, `asia`, `africa`, `americas`.
    pub region: Vec<String>,
    /// The release (`23.1`), as in the file's `version` column.
    pub version: String,
    /// The source the row was read from (the release file).
    pub source_id: String,
    /// Where in that source.
    pub source_locator: Option<String>,
    /// Line of the source file where the record starts.
    pub source_line: Option<i64>,
    /// The work that source cites.
    pub cited_source_id: Option<String>,
    /// How the row was derived.
    pub derivation: Derivation,
}
