//! What a WDI file resolves against (the crosswalk, the store, what the file created so
//! far) and the rows every layout shares: entities, indicators, metadata lines.

use std::collections::{HashMap, HashSet};

use super::{CountryLayout, SeriesLayout};
use crate::codes::CodeIndex;
use crate::import::csv_reader::CsvRecord;
use crate::import::events_common::Header;
use crate::import::rows::{bad, Bad, Checked, Outcome};
use crate::import::trade::NewArea;
use crate::model::{
    Derivation, Entity, EntityCode, EntityType, Indicator, IndicatorObservation, ObsStatus, Scheme,
};

/// What a line of a WDI file makes, or why it is refused.
pub(super) type Row = Checked<Outcome>;

/// What the store holds, plus what this file has created so far.
pub(super) struct Ctx {
    pub(super) header: Header,
    pub(super) source_id: String,
    pub(super) codes: CodeIndex,
    /// Entity ids of the store and those this file created.
    pub(super) entity_ids: HashSet<String>,
    pub(super) indicator_ids: HashSet<String>,
    pub(super) new_entities: Vec<Entity>,
    pub(super) new_codes: Vec<EntityCode>,
    pub(super) new_indicators: Vec<Indicator>,
    /// The observations of a data file, buffered.
    pub(super) obs: Vec<IndicatorObservation>,
    /// Entity and indicator ids as small keys, for the check that a line is no duplicate.
    pub(super) interned: HashMap<String, u32>,
    pub(super) seen_pairs: HashSet<(u32, u32)>,
    /// (entity, indicator, year) keys seen, for the layouts of one value per line.
    pub(super) seen_points: HashSet<(u32, u32, i16)>,
}

impl Ctx {
    /// A line refused at `column`, named from the header.
    pub(super) fn bad_at(
        &self,
        column: usize,
        reason: &'static str,
        detail: impl Into<String>,
    ) -> Bad {
        bad(&self.header.names[column], reason, detail)
    }

    /// The entity of a country code: the crosswalk's (scheme `wb`, then `iso3`), else an
    /// entity of the store or of this file.
    pub(super) fn resolve(&self, code: &str) -> Option<String> {
        [Scheme::Wb, Scheme::Iso3]
            .into_iter()
            .find_map(|scheme| self.codes.resolve(scheme, code, None).ok())
            .map(String::from)
            .or_else(|| self.entity_ids.get(code).cloned())
    }

    pub(super) fn create_entity(
        &mut self,
        code: &str,
        name: &str,
        official: Option<String>,
        entity_type: EntityType,
        line: u64,
        why: &str,
    ) -> String {
        let locator = format!("line {line}: {why}");
        let scheme_code = (Scheme::Wb, code.to_string());
        let mut created = NewArea::entity(
            code,
            name.to_string(),
            entity_type,
            scheme_code,
            &self.source_id,
            locator,
        );
        created.entity.name_official = official;
        self.new_entities.push(created.entity);
        self.new_codes.push(created.code);
        self.entity_ids.insert(code.to_string());
        code.to_string()
    }

    /// A data line: one observation per year with a value, its entity and indicator
    /// The entity of `code` (in column `column`): resolved, or created when plausible and
    /// named (`name` is `None` in layouts without names: the code is then the name, `WLD`
    /// is "World").
    pub(super) fn entity_of(
        &mut self,
        code: &str,
        name: Option<&str>,
        column: usize,
        line: u64,
    ) -> Checked<String> {
        if let Some(e) = self.resolve(code) {
            return Ok(e);
        }
        let plausible = code.len() == 3
            && code
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        let name = match name {
            Some(n) => n.to_string(),
            None if code == "WLD" => "World".to_string(),
            None => code.to_string(),
        };
        if !plausible || name.is_empty() {
            return Err(self.bad_at(
                column,
                "unknown_code",
                format!(
                    "`{code}` is not in the crosswalk (schemes wb, iso3) nor in the country \
                     metadata, and the line does not name it"
                ),
            ));
        }
        let entity_type = match code {
            "WLD" => EntityType::World,
            "XKX" | "CHI" => EntityType::Country,
            _ => EntityType::Aggregate,
        };
        let why = "named in the data but not in the crosswalk or the country metadata";
        Ok(self.create_entity(code, &name, None, entity_type, line, why))
    }

    /// A small key of an entity or indicator id, for the duplicate checks.
    pub(super) fn key(&mut self, id: &str) -> u32 {
        let n = self.interned.len() as u32;
        *self.interned.entry(id.to_string()).or_insert(n)
    }

    /// Buffers one observation as published, cited to `line`.
    pub(super) fn push_obs(
        &mut self,
        indicator: &str,
        entity: &str,
        year: i16,
        value: f64,
        line: u64,
    ) {
        self.obs.push(IndicatorObservation {
            indicator_id: indicator.to_string(),
            entity_id: entity.to_string(),
            year,
            period: None,
            value,
            obs_status: ObsStatus::Reported,
            source_id: self.source_id.clone(),
            source_locator: None,
            source_line: Some(line as i64),
            cited_source_id: None,
            derivation: Derivation::AsPublished,
        });
    }

    /// An indicator known from a data line only (its name, no definition).
    pub(super) fn name_only_indicator(&mut self, id: &str, name: &str, code: &str, line: u64) {
        self.new_indicators.push(Indicator {
            indicator_id: id.to_string(),
            name: name.to_string(),
            source_series_code: code.to_string(),
            source_id: self.source_id.clone(),
            source_locator: Some(format!(
                "line {line} (name only: import WDISeries.csv or Metadata_Indicator_*.csv first for the definition)"
            )),
            ..Default::default()
        });
        self.indicator_ids.insert(id.to_string());
    }

    /// A country metadata line: an economy or aggregate the crosswalk lacks becomes an entity.
    pub(super) fn country_row(&mut self, rec: &CsvRecord, l: &CountryLayout, line: u64) -> Row {
        let code = rec.text(l.code).into_owned();
        if code.is_empty() {
            return Err(self.bad_at(l.code, "missing_value", "no country code"));
        }
        if self.resolve(&code).is_some() {
            return Ok(Outcome::Skip("entity_exists"));
        }
        let pick = |i| text_at(rec, i);
        let name = pick(l.table_name)
            .or_else(|| pick(l.short_name))
            .unwrap_or_else(|| code.clone());
        let official = pick(l.long_name).filter(|n| *n != name);
        let has_region = !rec.text(l.region).is_empty();
        let (entity_type, why) = match (code.as_str(), has_region) {
            ("WLD", _) => (EntityType::World, "aggregate (empty Region): the world"),
            (_, false) => (EntityType::Aggregate, "aggregate (empty Region)"),
            (_, true) => (
                EntityType::Country,
                "economy (has a Region) missing from the ISO-based crosswalk",
            ),
        };
        self.create_entity(&code, &name, official, entity_type, line, why);
        Ok(Outcome::Accept(()))
    }

    /// A series metadata line: an indicator with its definition.
    pub(super) fn series_row(&mut self, rec: &CsvRecord, l: &SeriesLayout, line: u64) -> Row {
        let code = rec.text(l.code).into_owned();
        let name = rec.text(l.name).into_owned();
        for (value, i) in [(&code, l.code), (&name, l.name)] {
            if value.is_empty() {
                return Err(self.bad_at(i, "missing_value", "empty"));
            }
        }
        let id = format!("wdi:{code}");
        if self.indicator_ids.contains(&id) {
            return Ok(Outcome::Skip("indicator_exists"));
        }
        let pick = |i| text_at(rec, i);
        self.new_indicators.push(Indicator {
            indicator_id: id.clone(),
            name,
            definition: pick(l.long_def).or_else(|| pick(l.short_def)),
            unit: pick(l.unit),
            topic: pick(l.topic),
            aggregation_method: pick(l.aggregation),
            source_series_code: code,
            source_note: pick(l.source),
            license: l.license.and_then(|i| license_id(&rec.text(i))),
            source_id: self.source_id.clone(),
            source_locator: Some(format!("line {line}")),
        });
        self.indicator_ids.insert(id);
        Ok(Outcome::Accept(()))
    }
}

/// The SPDX id of a WDISeries `License Type`.
pub(super) fn license_id(raw: &str) -> Option<String> {
    let t = raw.trim();
    let norm: String = t
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.')
        .collect();
    if norm.eq_ignore_ascii_case("CCBY4.0") {
        return Some("CC-BY-4.0".into());
    }
    Some(t.to_string()).filter(|t| !t.is_empty())
}

/// The text of an optional column, when not empty.
pub(super) fn text_at(rec: &CsvRecord, i: Option<usize>) -> Option<String> {
    Some(rec.text(i?).into_owned()).filter(|s| !s.is_empty())
}
