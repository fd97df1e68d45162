//! UCDP/PRIO Armed Conflict Dataset (`UcdpPrioConflict_v*.csv`): one row per conflict and
//! year into the `conflicts` table. Columns are found by header name. Two layouts read alike:
//!
//! - UCDP's original: comma-separated, every field quoted, ISO dates (`1992-05-05`);
//! - a spreadsheet re-save: semicolon-separated (the delimiter is read from the header line),
//!   CRLF, dates as D-M-YYYY (`5-5-1992`; the date style is read from the first record).
//!   Its Source says it is a re-save.
//!
//! A record a re-save split over two lines (a line break inside an unquoted field: the first
//! line has every field from `year` on empty, the next an empty `conflict_id`) is rejected on
//! both lines with reason `split_record`; the parts are not rejoined, as the spreadsheet also
//! merged some of the second part's fields.
//!
//! Multi-valued fields (`"702, 703"`) become lists. Each Gleditsch-Ward code is resolved to
//! the entity it names in the row's year; a code naming no state that year (colonies in
//! extrasystemic conflicts) keeps its code with a null entity id; a code that is not a number
//! is rejected `malformed_code`. Codes become words: `incompatibility` 1 territory,
//! 2 government, 3 both; `intensity_level` 1 minor, 2 war; `type_of_conflict` 1
//! extrasystemic, 2 interstate, 3 intrastate, 4 internationalized_intrastate; `region` 1
//! europe, 2 middle_east, 3 asia, 4 africa, 5 americas. The precisions keep the codebook's
//! numbers. The codebook's missing-data code `-99` reads as empty.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;

use super::csv_reader::{CsvReader, CsvRecord};
use super::events_common::{
    cell, header_columns, parse_iso_date, ranged, read_date, utf8_fields, Header,
};
use super::rows::RowRules;
use super::rows::{bad, bad_row, import_files, Bad, Outcome, Publisher, Reader, RowFormat};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::CodeIndex;
use crate::model::{
    Conflict, ConflictType, Derivation, Incompatibility, IntensityLevel, Scheme, Source,
};
use crate::{Error, Location, Result};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "ucdp-acd";

const PUBLISHER: Publisher = Publisher {
    name: "Uppsala Conflict Data Program (UCDP), Uppsala University, and Peace Research \
           Institute Oslo (PRIO)",
    url: "https://ucdp.uu.se/downloads/",
    license: "CC-BY-4.0",
    terms: Some(
        "UCDP asks users to cite Gleditsch et al. (2002), Journal of Peace Research 39(5), \
         the release's Journal of Peace Research article and its codebook, with the version",
    ),
};

header_columns!("UCDP/PRIO Armed Conflict Dataset", struct Cols {
    conflict_id: need["conflict_id"],
    location: need["location"],
    side_a: need["side_a"],
    side_a_id: find["side_a_id"],
    side_a_2nd: find["side_a_2nd"],
    side_b: need["side_b"],
    side_b_id: find["side_b_id"],
    side_b_2nd: find["side_b_2nd"],
    incompatibility: need["incompatibility"],
    territory_name: find["territory_name"],
    year: need["year"],
    intensity_level: need["intensity_level"],
    cumulative_intensity: need["cumulative_intensity"],
    type_of_conflict: need["type_of_conflict"],
    start_date: find["start_date"],
    start_prec: find["start_prec"],
    start_date2: find["start_date2"],
    start_prec2: find["start_prec2"],
    ep_end: need["ep_end"],
    ep_end_date: find["ep_end_date"],
    ep_end_prec: find["ep_end_prec"],
    gwno_a: find["gwno_a"],
    gwno_a_2nd: find["gwno_a_2nd"],
    gwno_b: find["gwno_b"],
    gwno_b_2nd: find["gwno_b_2nd"],
    gwno_loc: need["gwno_loc"],
    region: find["region"],
    version: need["version"],
});

/// How a file writes its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    /// `1992-05-05` (UCDP's files).
    Iso,
    /// `5-5-1992` (a spreadsheet re-save).
    DayMonthYear,
}

impl DateStyle {
    fn parse(self, s: &str, field: &str) -> std::result::Result<NaiveDate, Bad> {
        match self {
            DateStyle::Iso => read_date(s, field, parse_iso_date, "a YYYY-MM-DD date"),
            DateStyle::DayMonthYear => read_date(s, field, parse_dmy, "a D-M-YYYY date"),
        }
    }
}

/// Parses `D-M-YYYY` (day and month with or without a leading zero).
fn parse_dmy(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [d, m, y] = parts.as_slice() else {
        return None;
    };
    let digits = |p: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if !(digits(d, 1..=2) && digits(m, 1..=2) && digits(y, 4..=4)) {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// What the header and the first record tell.
struct Layout {
    header: Header,
    cols: Cols,
    delimiter: u8,
    dates: DateStyle,
    /// The `version` of the first record.
    version: Option<String>,
}

impl Layout {
    /// Whether the file is not in UCDP's own layout (comma-separated, ISO dates).
    fn resaved(&self) -> bool {
        self.delimiter != b',' || self.dates != DateStyle::Iso
    }
}

/// The ACD format.
struct Acd;

impl RowFormat for Acd {
    type Layout = Layout;
    type Rules = Rules;
    const IMPORTER: &'static str = IMPORTER;

    /// A reader splitting on the header line's delimiter: `;` when it has more semicolons
    /// than commas, else `,`.
    fn reader(&self, mut content: Box<dyn Read + Send>, path: &Path) -> Reader {
        let head = first_line(&mut content);
        let (semi, comma) = (count(&head, b';'), count(&head, b','));
        let delimiter = if semi > comma { b';' } else { b',' };
        let chained: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(content));
        CsvReader::with_delimiter(chained, path, delimiter)
    }

    fn layout(&self, r: &mut Reader, path: &Path) -> Result<(Layout, Option<CsvRecord>)> {
        let Some(head) = next_record(r)? else {
            let message = "empty file: expected a UCDP/PRIO Armed Conflict Dataset header \
                           (`conflict_id,location,side_a,...`)";
            return Err(Error::format(Location::file(path).row(1), message));
        };
        let header = Header::new(&head);
        let cols = Cols::find(&header, path)?;
        let delimiter = if head.raw().contains(&b';') && header.names.len() > 1 {
            b';'
        } else {
            b','
        };
        let first = next_record(r)?;
        let text = |i: usize| first.as_ref().map(|f| f.text(i).trim().to_string());
        let start = text(cols.start_date.unwrap_or(cols.conflict_id)).unwrap_or_default();
        let dates = if parse_iso_date(&start).is_some() {
            DateStyle::Iso
        } else if parse_dmy(&start).is_some() || delimiter == b';' {
            DateStyle::DayMonthYear
        } else {
            DateStyle::Iso
        };
        let version = text(cols.version).filter(|v| !v.is_empty());
        let layout = Layout {
            header,
            cols,
            delimiter,
            dates,
            version,
        };
        Ok((layout, first))
    }

    fn source(&self, input: &InputFile, layout: &Layout) -> Source {
        let version = layout.version.as_deref();
        let release = version.map_or(String::new(), |v| format!(" {v}"));
        let kind = if layout.resaved() {
            " (a spreadsheet re-save)"
        } else {
            ""
        };
        let title = format!("UCDP/PRIO Armed Conflict Dataset{release}{kind}");
        let mut source = PUBLISHER.source(IMPORTER, input, title, version);
        let described = describe(layout);
        if let Some(note) = &mut source.note {
            *note = format!("{note}; {described}");
        }
        source
    }

    fn rules(&self, layout: Layout, run: &mut ImportRun) -> Result<Rules> {
        Ok(Rules {
            codes: run.view().code_index()?,
            source_id: run.source_id().to_string(),
            layout,
            seen: HashSet::new(),
            rows: Vec::new(),
            split_from: None,
        })
    }
}

/// The layout in words, for the Source's note.
fn describe(layout: &Layout) -> String {
    let delimiter = if layout.delimiter == b';' {
        "semicolon"
    } else {
        "comma"
    };
    let dates = match layout.dates {
        DateStyle::Iso => "ISO dates",
        DateStyle::DayMonthYear => "D-M-YYYY dates",
    };
    if layout.resaved() {
        format!("layout: a re-save, not UCDP's own ({delimiter}-separated, {dates})")
    } else {
        format!("layout: UCDP's original ({delimiter}-separated, {dates})")
    }
}

/// The first line of `content` (with its line end), at most 64 KiB.
fn first_line(content: &mut Box<dyn Read + Send>) -> Vec<u8> {
    let mut head = Vec::new();
    let mut byte = [0u8];
    while head.len() < 64 << 10 {
        match content.read(&mut byte) {
            Ok(1) => {
                head.push(byte[0]);
                if byte[0] == b'\n' {
                    break;
                }
            }
            // A read error shows again when the CSV reader reads on.
            _ => break,
        }
    }
    head
}

fn count(bytes: &[u8], b: u8) -> usize {
    bytes.iter().filter(|&&x| x == b).count()
}

/// The next non-blank record, if any.
fn next_record(r: &mut Reader) -> Result<Option<CsvRecord>> {
    let mut rec = CsvRecord::default();
    while r.read(&mut rec)? {
        if !rec.is_blank() {
            return Ok(Some(rec));
        }
    }
    Ok(None)
}

/// Imports UCDP/PRIO Armed Conflict Dataset CSV files into the store at `out`. Every header
/// is checked before anything is written.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    import_files(&Acd, files, out, options)
}

/// The rules of one file: its layout, the crosswalk, the conflict-years seen, the buffer.
struct Rules {
    layout: Layout,
    codes: CodeIndex,
    source_id: String,
    seen: HashSet<(i32, i16)>,
    rows: Vec<Conflict>,
    /// The line of a record whose rest is expected on the next line.
    split_from: Option<u64>,
}

impl RowRules for Rules {
    fn row(&mut self, rec: &CsvRecord) -> Outcome {
        let split_from = self.split_from.take();
        let (h, c) = (&self.layout.header, &self.layout.cols);
        if let Some(line) = split_from.filter(|_| rec.field(c.conflict_id).is_empty()) {
            let detail = format!(
                "the rest of the record on line {line}, split by a line break inside a field; \
                 not rejoined (the parts do not form the header's fields)"
            );
            return Outcome::Reject(bad_row("split_record", detail));
        }
        if let Err(b) = h.check_width(rec) {
            return Outcome::Reject(b);
        }
        let f = match utf8_fields(rec, &h.names) {
            Ok(f) => f,
            Err(b) => return Outcome::Reject(b),
        };
        if !f[c.conflict_id].is_empty() && f[c.year..].iter().all(|v| v.trim().is_empty()) {
            self.split_from = Some(rec.line());
            let detail = "`year` and every later field are empty: a record split over lines \
                          by a line break inside a field? (the next line, if it continues it, \
                          is rejected too)";
            return Outcome::Reject(bad(&h.names[c.year], "split_record", detail));
        }
        let row = match self.parse(&f, rec.line()) {
            Ok(row) => row,
            Err(b) => return Outcome::Reject(b),
        };
        if !self.seen.insert((row.conflict_id, row.year)) {
            let detail = format!(
                "conflict {} in {} appears earlier in this file",
                row.conflict_id, row.year
            );
            return Outcome::Reject(bad("conflict_id", "duplicate_id", detail));
        }
        self.rows.push(row);
        Outcome::Accept(())
    }

    fn buffered(&self) -> usize {
        self.rows.len()
    }

    fn flush(&mut self, run: &mut ImportRun) -> Result<()> {
        run.write_all(&mut self.rows)
    }
}

/// A cell that is present, not empty and not the codebook's missing-data code `-99`.
fn value<'a>(f: &[&'a str], i: impl Into<Option<usize>>) -> Option<&'a str> {
    cell(f, i)
        .map(str::trim)
        .filter(|s| !s.is_empty() && *s != "-99")
}

/// A required code in `1..=n`.
fn code(f: &[&str], i: usize, field: &str, n: u8) -> std::result::Result<usize, Bad> {
    let k: Option<i8> = ranged(value(f, i), field, 1.0, n as f64)?;
    let k = k.ok_or_else(|| bad(field, "missing_value", "empty"))?;
    Ok(k as usize - 1)
}

/// A required 0/1 flag.
fn flag(f: &[&str], i: usize, field: &str) -> std::result::Result<bool, Bad> {
    let k: Option<i8> = ranged(value(f, i), field, 0.0, 1.0)?;
    k.map(|k| k == 1)
        .ok_or_else(|| bad(field, "missing_value", "empty"))
}

/// A required text.
fn required<'a>(f: &[&'a str], i: usize, field: &str) -> std::result::Result<&'a str, Bad> {
    value(f, i).ok_or_else(|| bad(field, "missing_value", "empty"))
}

/// The items of a comma-separated list (`"1186, 345"`), trimmed.
fn list(f: &[&str], i: Option<usize>) -> Vec<String> {
    value(f, i)
        .map(|s| {
            s.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

const REGIONS: [&str; 5] = ["europe", "middle_east", "asia", "africa", "americas"];

impl Rules {
    fn parse(&self, f: &[&str], line: u64) -> std::result::Result<Conflict, Bad> {
        let c = &self.layout.cols;
        let id = required(f, c.conflict_id, "conflict_id")?;
        let conflict_id = ranged::<i32>(Some(id), "conflict_id", 1.0, i32::MAX as f64)?
            .ok_or_else(|| bad("conflict_id", "missing_value", "empty"))?;
        let year: i16 = ranged(Some(required(f, c.year, "year")?), "year", 1800.0, 2100.0)?
            .ok_or_else(|| bad("year", "missing_value", "empty"))?;
        let date = |i: Option<usize>, field: &str| {
            value(f, i)
                .map(|s| self.layout.dates.parse(s, field))
                .transpose()
        };
        let prec =
            |i: Option<usize>, field: &str, max: f64| ranged::<i8>(value(f, i), field, 1.0, max);
        let gw = |i: Option<usize>, field: &str| self.gw(f, i, field, year);
        let (gwno_loc, location_entity_ids) = gw(Some(c.gwno_loc), "gwno_loc")?;
        let (gwno_a, side_a_entity_ids) = gw(c.gwno_a, "gwno_a")?;
        let (gwno_a_2nd, side_a_2nd_entity_ids) = gw(c.gwno_a_2nd, "gwno_a_2nd")?;
        let (gwno_b, side_b_entity_ids) = gw(c.gwno_b, "gwno_b")?;
        let (gwno_b_2nd, side_b_2nd_entity_ids) = gw(c.gwno_b_2nd, "gwno_b_2nd")?;
        let region = list(f, c.region)
            .iter()
            .map(|r| match r.parse::<usize>() {
                Ok(k @ 1..=5) => Ok(REGIONS[k - 1].to_string()),
                _ => Err(bad(
                    "region",
                    "out_of_range",
                    format!("`{r}` is not a region 1-5"),
                )),
            })
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let s = |i: Option<usize>| value(f, i).map(String::from);
        Ok(Conflict {
            conflict_id,
            year,
            location: required(f, c.location, "location")?.to_string(),
            gwno_loc,
            location_entity_ids,
            side_a: required(f, c.side_a, "side_a")?.to_string(),
            side_a_id: list(f, c.side_a_id),
            gwno_a,
            side_a_entity_ids,
            side_a_2nd: s(c.side_a_2nd),
            gwno_a_2nd,
            side_a_2nd_entity_ids,
            side_b: required(f, c.side_b, "side_b")?.to_string(),
            side_b_id: list(f, c.side_b_id),
            gwno_b,
            side_b_entity_ids,
            side_b_2nd: s(c.side_b_2nd),
            gwno_b_2nd,
            side_b_2nd_entity_ids,
            incompatibility: Incompatibility::ALL
                [code(f, c.incompatibility, "incompatibility", 3)?],
            territory_name: s(c.territory_name),
            intensity_level: IntensityLevel::ALL[code(f, c.intensity_level, "intensity_level", 2)?],
            cumulative_intensity: flag(f, c.cumulative_intensity, "cumulative_intensity")?,
            type_of_conflict: ConflictType::ALL
                [code(f, c.type_of_conflict, "type_of_conflict", 4)?],
            start_date: date(c.start_date, "start_date")?,
            start_prec: prec(c.start_prec, "start_prec", 7.0)?,
            start_date2: date(c.start_date2, "start_date2")?,
            start_prec2: prec(c.start_prec2, "start_prec2", 7.0)?,
            ep_end: flag(f, c.ep_end, "ep_end")?,
            ep_end_date: date(c.ep_end_date, "ep_end_date")?,
            ep_end_prec: prec(c.ep_end_prec, "ep_end_prec", 5.0)?,
            region,
            version: required(f, c.version, "version")?.to_string(),
            source_id: self.source_id.clone(),
            source_locator: None,
            source_line: Some(line as i64),
            cited_source_id: None,
            derivation: Derivation::AsPublished,
        })
    }

    /// The G&W codes of column `i` and the entity each names in `year` (null when it names
    /// no state that year); a code that is not a number is `malformed_code`.
    fn gw(
        &self,
        f: &[&str],
        i: Option<usize>,
        field: &str,
        year: i16,
    ) -> std::result::Result<(Vec<String>, Vec<Option<String>>), Bad> {
        let codes = list(f, i);
        let mut ids = Vec::with_capacity(codes.len());
        for code in &codes {
            if !code.bytes().all(|b| b.is_ascii_digit()) {
                let detail = format!("`{code}` is not a Gleditsch-Ward number");
                return Err(bad(field, "malformed_code", detail));
            }
            let id = self.codes.resolve(Scheme::Gw, code, Some(year.into()));
            ids.push(id.ok().map(String::from));
        }
        Ok((codes, ids))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_month_year_dates() {
        assert_eq!(parse_dmy("5-5-1992"), NaiveDate::from_ymd_opt(1992, 5, 5));
        assert_eq!(
            parse_dmy("16-11-1998"),
            NaiveDate::from_ymd_opt(1998, 11, 16)
        );
        assert_eq!(parse_dmy("05-05-1992"), NaiveDate::from_ymd_opt(1992, 5, 5));
        for bad in [
            "1992-05-05",
            "31-2-1992",
            "5-5-92",
            "5/5/1992",
            "",
            "a-b-cdef",
        ] {
            assert_eq!(parse_dmy(bad), None, "{bad}");
        }
    }
}
