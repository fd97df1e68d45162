//! Organisations and the memberships of entities in them.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::{DatePrecision, MembershipRole, OrgType};
use super::serde_helpers::opt_date;

/// An international organisation, initiative, corridor or armed group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Organisation {
    /// Stable slug, e.g. `sco`.
    pub org_id: String,
    /// English name.
    pub name: String,
    /// Acronym, if any.
    pub acronym: Option<String>,
    /// What kind of organisation.
    pub org_type: OrgType,
    /// Founding date, where a source states it.
    #[serde(with = "opt_date", default)]
    pub founded: Option<NaiveDate>,
    /// Dissolution date, where a source states it.
    #[serde(with = "opt_date", default)]
    pub dissolved: Option<NaiveDate>,
    /// The source stating it.
    pub source_id: String,
    /// Where in that source.
    pub source_locator: Option<String>,
    /// The work that source cites for it.
    pub cited_source_id: Option<String>,
}

/// An entity's role in an organisation, over a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Membership {
    /// The organisation.
    pub org_id: String,
    /// The member entity.
    pub entity_id: String,
    /// The role.
    pub role: MembershipRole,
    /// Start, at `date_precision`.
    #[serde(with = "opt_date", default)]
    pub valid_from: Option<NaiveDate>,
    /// End, at `date_precision`.
    #[serde(with = "opt_date", default)]
    pub valid_to: Option<NaiveDate>,
    /// How precisely the dates are known.
    pub date_precision: DatePrecision,
    /// The source stating it.
    pub source_id: String,
    /// Where in that source.
    pub source_locator: Option<String>,
    /// The work that source cites for it.
    pub cited_source_id: Option<String>,
}
