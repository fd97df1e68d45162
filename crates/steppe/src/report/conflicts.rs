//! A country's armed conflicts from the `conflicts` table (UCDP/PRIO ACD conflict-years):
//! one span per conflict the country is the location of or a party to, with its years.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use crate::model::{Conflict, IntensityLevel};
use crate::query::{Filter, Predicate};
use crate::schema::{Table, CONFLICT_ENTITY_LISTS};
use crate::store::Store;
use crate::Result;

/// One conflict of the country, summarised over its conflict-years.
#[derive(Debug, Clone, PartialEq)]
pub struct ConflictSpan {
    /// UCDP's conflict id.
    pub conflict_id: i32,
    /// The country's part: `location`, `side A`, `side A (secondary)`, `side B`,
    /// `side B (secondary)` (the first that applies in any year).
    pub role: String,
    /// Where, as published.
    pub location: String,
    /// Side A and side B, as published in the latest year.
    pub sides: (String, String),
    /// The kind of conflict, in words (`intrastate`, `internationalized intrastate`, ...).
    pub kind: String,
    /// What it is fought over, in words (`government`, `territory`, `both`).
    pub incompatibility: String,
    /// The years with 25 or more battle-related deaths, ascending.
    pub years: Vec<i16>,
    /// The years with 1,000 or more (intensity `war`).
    pub war_years: Vec<i16>,
    /// The conflict's first battle-related death, and that date's UCDP precision (1 = day).
    pub start: Option<(NaiveDate, i8)>,
    /// Sources of the conflict-years (one per release read).
    pub source_ids: Vec<String>,
}

/// The country's part in a conflict-year, if any.
fn role(c: &Conflict, id: &str) -> Option<&'static str> {
    let has = |v: &[Option<String>]| v.iter().flatten().any(|e| e == id);
    if has(&c.location_entity_ids) {
        Some("location")
    } else if has(&c.side_a_entity_ids) {
        Some("side A")
    } else if has(&c.side_a_2nd_entity_ids) {
        Some("side A (secondary)")
    } else if has(&c.side_b_entity_ids) {
        Some("side B")
    } else if has(&c.side_b_2nd_entity_ids) {
        Some("side B (secondary)")
    } else {
        None
    }
}

/// The conflicts of country `id`, by first year. When several releases hold the same
/// conflict-year, the newest release's row is used (the others' sources are still listed).
/// Reads only the conflict-years with `id` in one of their entity lists (the lists are
/// tested as Arrow arrays; only those rows become records).
pub fn of_country(store: &Store, id: &str) -> Result<Vec<ConflictSpan>> {
    let lists = CONFLICT_ENTITY_LISTS
        .iter()
        .map(|column| Predicate::ListContains {
            column: column.to_string(),
            values: vec![id.to_string()],
        })
        .collect();
    let rows: Vec<Conflict> = super::read(
        store,
        Table::Conflicts,
        Filter::all().and(Predicate::Any(lists)),
    )?;
    let mut by_conflict: BTreeMap<i32, BTreeMap<i16, (&Conflict, &'static str)>> = BTreeMap::new();
    let mut sources: BTreeMap<i32, Vec<String>> = BTreeMap::new();
    for c in &rows {
        let Some(r) = role(c, id) else { continue };
        let ids = sources.entry(c.conflict_id).or_default();
        if !ids.contains(&c.source_id) {
            ids.push(c.source_id.clone());
        }
        let years = by_conflict.entry(c.conflict_id).or_default();
        let newer = years
            .get(&c.year)
            .is_none_or(|(old, _)| version_key(&c.version) > version_key(&old.version));
        if newer {
            years.insert(c.year, (c, r));
        }
    }
    let mut out: Vec<ConflictSpan> = by_conflict
        .into_iter()
        .map(|(cid, years)| {
            let last = years.values().last().map(|(c, _)| *c).expect("a year");
            let first = years.values().next().map(|(c, _)| *c).expect("a year");
            let mut roles: Vec<&str> = years.values().map(|(_, r)| *r).collect();
            roles.sort_by_key(|r| ROLES.iter().position(|x| x == r));
            ConflictSpan {
                conflict_id: cid,
                role: roles[0].to_string(),
                location: last.location.clone(),
                sides: (last.side_a.clone(), last.side_b.clone()),
                kind: words(last.type_of_conflict.as_str()),
                incompatibility: words(last.incompatibility.as_str()),
                years: years.keys().copied().collect(),
                war_years: years
                    .iter()
                    .filter(|(_, (c, _))| c.intensity_level == IntensityLevel::War)
                    .map(|(y, _)| *y)
                    .collect(),
                start: first.start_date.map(|d| (d, first.start_prec.unwrap_or(7))),
                source_ids: sources.remove(&cid).unwrap_or_default(),
            }
        })
        .collect();
    out.sort_by_key(|c| (c.years.first().copied(), c.conflict_id));
    Ok(out)
}

const ROLES: [&str; 5] = [
    "location",
    "side A",
    "side A (secondary)",
    "side B",
    "side B (secondary)",
];

/// `23.1` as (23, 1), for picking the newest release.
fn version_key(v: &str) -> (u32, u32) {
    let mut parts = v.split('.').map(|p| p.trim().parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}

/// A stored enum value as words: `internationalized_intrastate` → `internationalized
/// intrastate`.
pub fn words(value: &str) -> String {
    value.replace('_', " ")
}

/// Years as runs: `[1992, 1993, 1994, 1996]` → `1992–1994, 1996`.
pub fn year_runs(years: &[i16]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < years.len() {
        let mut j = i;
        while j + 1 < years.len() && years[j + 1] == years[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            years[i].to_string()
        } else {
            format!("{}–{}", years[i], years[j])
        });
        i = j + 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_and_words() {
        assert_eq!(year_runs(&[1992, 1993, 1994, 1996]), "1992–1994, 1996");
        assert_eq!(year_runs(&[2021]), "2021");
        assert_eq!(year_runs(&[]), "");
        assert_eq!(words("route_country"), "route country");
        assert!(version_key("25.1") > version_key("23.1"));
    }
}
