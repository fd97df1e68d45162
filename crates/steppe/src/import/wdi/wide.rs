//! The wide layout: `Country Name, Country Code, Indicator Name, Indicator Code` and one
//! column per year (`1960` or `1994 [YR1994]`), one line per economy and indicator.

use std::path::Path;

use super::ctx::{Ctx, Row};
use crate::import::csv_reader::CsvRecord;
use crate::import::events_common::Header;
use crate::import::rows::Outcome;
use crate::{Error, Location, Result};

/// The named columns of a data file (as errors name them) and their lower-case aliases.
const DATA_COLUMNS: [(&str, &[&str]); 4] = [
    ("Country Name", &["country name"]),
    ("Country Code", &["country code"]),
    ("Indicator Name", &["indicator name", "series name"]),
    ("Indicator Code", &["indicator code", "series code"]),
];

/// Column positions of a wide data file.
pub(super) struct DataLayout {
    country_name: usize,
    country_code: usize,
    indicator_name: usize,
    indicator_code: usize,
    years: Vec<(usize, i16)>,
}

/// `1994` or `1994 [YR1994]`.
pub(super) fn year_column(name: &str) -> Option<i16> {
    let digits = |s: &str| s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit());
    if digits(name) {
        return name.parse().ok();
    }
    let (y, rest) = name.split_once(' ')?;
    let inner = rest.strip_prefix("[YR")?.strip_suffix(']')?;
    (digits(y) && inner == y).then(|| y.parse().ok()).flatten()
}

/// The wide layout of header `h`, strict so that no column is silently dropped; an
/// unexpected column is named with the layouts expected.
pub(super) fn classify(h: &Header, path: &Path, line: u64) -> Result<DataLayout> {
    let at = |field: &str| Location::file(path).row(line).field(field);
    let mut named = [None; 4];
    let mut years = Vec::new();
    let last = h.names.len().saturating_sub(1);
    for (i, name) in h.names.iter().enumerate() {
        let lower = name.to_ascii_lowercase();
        let slot = DATA_COLUMNS
            .iter()
            .position(|(_, a)| a.contains(&lower.as_str()));
        if let Some(k) = slot {
            if named[k].replace(i).is_some() {
                let message = format!("column `{name}` appears twice");
                return Err(Error::format(at(name), message));
            }
        } else if let Some(y) = year_column(name) {
            // Found by fuzzing (issue 8): a year column such as `4038` was accepted and its
            // observations committed, failing validation's year range.
            if !(1800..=2100).contains(&y) {
                let message =
                    format!("year column `{name}` is outside 1800..2100: not a WDI header");
                return Err(Error::format(at(name), message));
            }
            years.push((i, y));
        } else if !(name.is_empty() && i == last && i > 0) {
            return Err(Error::format(
                at(name),
                format!(
                    "unexpected column `{name}` in a WDI header (found `{}`){}; expected {}",
                    h.names.join(","),
                    crate::import::csv_reader::delimiter_hint(&h.names),
                    super::LAYOUTS
                ),
            ));
        }
    }
    let need = |k: usize| {
        let name = DATA_COLUMNS[k].0;
        named[k].ok_or_else(|| {
            Error::format(at(name), format!("the WDI header has no `{name}` column"))
        })
    };
    if years.is_empty() {
        return Err(Error::format(
            at(&h.names[0]),
            "the WDI header has no year columns (`1960`, ... or `1994 [YR1994]`)",
        ));
    }
    Ok(DataLayout {
        country_name: need(0)?,
        country_code: need(1)?,
        indicator_name: need(2)?,
        indicator_code: need(3)?,
        years,
    })
}

impl Ctx {
    /// A wide data line: one observation per year with a value, its entity and indicator
    /// resolved or created.
    pub(super) fn data_row(&mut self, rec: &CsvRecord, l: &DataLayout, line: u64) -> Row {
        let mut values = Vec::new();
        for &(i, year) in &l.years {
            let cell = rec.text(i);
            if cell.is_empty() || cell == ".." {
                continue;
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push((year, v)),
                _ => {
                    return Err(self.bad_at(
                        i,
                        "malformed_number",
                        format!("`{cell}` is not a number (missing values are blank or `..`)"),
                    ))
                }
            }
        }
        if values.is_empty() {
            return Ok(Outcome::Skip("no_values"));
        }
        let code = rec.text(l.country_code).into_owned();
        let name = rec.text(l.country_name).into_owned();
        let entity_id = self.entity_of(&code, Some(&name), l.country_code, line)?;
        let icode = rec.text(l.indicator_code).into_owned();
        if icode.is_empty() {
            return Err(self.bad_at(l.indicator_code, "missing_value", "no indicator code"));
        }
        let indicator_id = format!("wdi:{icode}");
        let pair = (self.key(&entity_id), self.key(&indicator_id));
        if !self.seen_pairs.insert(pair) {
            return Err(self.bad_at(
                l.indicator_code,
                "duplicate_row",
                format!("{entity_id} / {icode} appears on an earlier line"),
            ));
        }
        if !self.indicator_ids.contains(&indicator_id) {
            let name = rec.text(l.indicator_name);
            let name = if name.is_empty() { &icode } else { &*name };
            self.name_only_indicator(&indicator_id, name, &icode, line);
        }
        for (year, value) in values {
            self.push_obs(&indicator_id, &entity_id, year, value, line);
        }
        Ok(Outcome::Accept(()))
    }
}
