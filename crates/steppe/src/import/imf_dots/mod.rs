//! IMF Direction of Trade Statistics (DOTS): the data portal's workbook of one reporter
//! (`DOTS_<n>.xlsx`), bilateral goods trade by partner and year in US$ millions, read with
//! calamine ([`workbook`]).
//!
//! Layout: sheets `Exports, FOB` (flow export, price basis FOB) and `Imports, CIF` (flow
//! import, CIF); the reporter's name in B4; a header row of years written as text (row 7),
//! columns mapped by that header, never by position (the portal leaves out the years a
//! reporter has no data for); partner names in column B in the IMF's spelling.
//!
//! Accounting: the unit is the non-empty value cell. Each is accepted (one `trade_flows`
//! row, perspective `reporter_declared`, classification and commodity `TOTAL`, located by
//! `'Imports, CIF'!F80` and the worksheet row), rejected (`field` = `'Imports, CIF'!F80`,
//! `line` = the cell's ordinal among the cells read, as both sheets share row numbers; `raw`
//! = partner, year and cell text, tab-separated), or skipped: `duplicate_row` for a partner row that repeats an earlier row of the
//! sheet cell for cell (the portal writes the first partner again above `World`). Empty
//! cells are no rows.
//!
//! Values: the cell's number times 10^6 (US dollars, `f64`; the product of the binary double
//! the file stores, so `95.29299999999996` million is `95292999.99999996`), with
//! `value_precision` null: the portal writes the double, not a rounded figure. Estimates are
//! text, `0.21 e` or `1,234.56 e`: `is_estimated`, the number without its thousands commas,
//! and `value_precision` the unit of the last decimal written (0.01 million = 10000 USD).
//!
//! Partners and reporter: the reviewed table [`partners`] (`partner_names.csv` beside this module) declares
//! every name the DOTS workbooks write. Country names resolve through the crosswalk's `name`
//! scheme (which holds the IMF's spellings): a name the table declares at any date (the IMF
//! writes "Netherlands Antilles" up to 2020), another in the cell's year; aggregates (`World` is `WLD`,
//! `Advanced Economies`, regions, the memorandum items) and the "not specified" residuals are
//! entities the importer creates (type `world`, `aggregate` or `residual_nes`, with a `name`
//! code row), citing the workbook. A name that resolves to nothing is rejected
//! `unknown_partner` (or `ambiguous_partner`), cell by cell, with the closest known names; a
//! heading (`Memorandum Items`) with values is rejected `heading_with_values`; a second row
//! for the same partner entity and year is rejected `duplicate_partner`; text that is not a
//! number or an estimate is rejected `malformed_value`; a negative value `negative_value`; a
//! value under no year of the header `no_year_column`. A reporter name that does not resolve
//! is an error naming B4, before anything is written.

mod partners;
mod workbook;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::rows::Publisher;
use super::trade::{import_each, write_new_areas, NewArea};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::codes::{CodeError, CodeIndex};
use crate::model::{Derivation, Perspective, Scheme, Source, TradeFlow};
use crate::store::{ImportSummary, Store};
use crate::{Error, Location, Result};
use partners::Declared;
use workbook::{Cell, CellValue, PartnerRow, Sheet, Workbook};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "imf_dots";

/// Trade rows are written in batches of this many.
const BATCH: usize = 50_000;

const PUBLISHER: Publisher = Publisher {
    name: "International Monetary Fund",
    url: "https://data.imf.org/",
    license: "IMF-terms",
    terms: Some(
        "IMF Copyright and Usage, special terms for Data (www.imf.org/en/About/copyright-and-terms): \
         Data, Direction of Trade included, may be used, published and redistributed with \
         attribution (\"Source: International Monetary Fund\")",
    ),
};

/// Imports DOTS workbooks into the store at `out`, each in its own transaction. Every
/// workbook is read and its reporter checked before anything is written.
pub fn import(files: &[PathBuf], out: &Path, options: &ImportOptions) -> Result<ImportReport> {
    super::check_inputs(files)?;
    let codes = Store::open_or_bundled(out)?.code_index()?;
    let mut books = HashMap::new();
    for path in files {
        let book = workbook::read(path)?;
        reporter_id(&codes, &book.reporter, path)?;
        books.insert(path.clone(), book);
    }
    import_each(files, out, |path| {
        import_one(path, &books[path], out, options)
    })
}

/// The Source of one workbook.
fn source(input: &InputFile, book: &Workbook) -> Source {
    let title = format!(
        "Direction of Trade Statistics (DOTS): {} ({})",
        book.reporter, input.name
    );
    PUBLISHER.source(IMPORTER, input, title, None)
}

fn import_one(
    path: &Path,
    book: &Workbook,
    out: &Path,
    options: &ImportOptions,
) -> Result<Option<ImportSummary>> {
    let input = InputFile::inspect(path)?;
    let Some(mut run) = ImportRun::begin(out, IMPORTER, &input, source(&input, book), options)?
    else {
        return Ok(None);
    };
    let codes = run.view().code_index()?;
    let reporter = reporter_id(&codes, &book.reporter, path)?;
    run.start_progress();
    let mut ctx = Ctx {
        codes,
        reporter,
        source_id: run.source_id().to_string(),
        flows: Vec::new(),
        areas: Vec::new(),
    };
    for sheet in &book.sheets {
        ctx.sheet(sheet, &mut run)?;
        run.check_stop()?;
    }
    ctx.flush(&mut run)?;
    write_new_areas(&mut run, &ctx.areas)?;
    run.advance(input.bytes, 0);
    run.end_progress();
    run.finish().map(Some)
}

/// The reporter's entity: its name (B4) through the `name` scheme.
fn reporter_id(codes: &CodeIndex, name: &str, path: &Path) -> Result<String> {
    let location = || Location::file(path).row(4).field("B4");
    match partners::declared().get(name) {
        Some(Declared::Entity(_)) | None => codes
            .resolve(Scheme::Name, name, None)
            .map(String::from)
            .map_err(|e| {
                Error::format(
                    location(),
                    format!("reporter `{name}` is no country steppe knows: {e}"),
                )
            }),
        Some(_) => Err(Error::format(
            location(),
            format!("reporter `{name}` is an aggregate, not a reporting country"),
        )),
    }
}

/// A cell refused: reason and detail.
type Refusal = (&'static str, String);

/// One workbook being imported.
struct Ctx {
    codes: CodeIndex,
    reporter: String,
    source_id: String,
    flows: Vec<TradeFlow>,
    /// Entities created for aggregates (written once at the end, when the store lacks them).
    areas: Vec<NewArea>,
}

impl Ctx {
    fn sheet(&mut self, sheet: &Sheet, run: &mut ImportRun) -> Result<()> {
        // Rows seen by partner name, and (partner entity, year) pairs written.
        let mut rows_seen: HashMap<&str, &PartnerRow> = HashMap::new();
        let mut written: HashMap<(String, i16), String> = HashMap::new();
        for row in &sheet.rows {
            let earlier = rows_seen.get(row.partner.as_str()).copied();
            if earlier.is_some_and(|e| same_cells(e, row)) {
                for _ in &row.cells {
                    run.read_rows(1);
                    run.skip("duplicate_row");
                }
                continue;
            }
            rows_seen.entry(&row.partner).or_insert(row);
            for cell in &row.cells {
                run.read_rows(1);
                match self.flow(sheet, row, cell, &mut written) {
                    Ok(flow) => {
                        run.accept(1);
                        self.flows.push(flow);
                        if self.flows.len() >= BATCH {
                            self.flush(run)?;
                        }
                    }
                    Err((reason, detail)) => {
                        let field = format!("'{}'!{}", sheet.kind.name, cell.reference);
                        let year = cell.year.map(|y| y.to_string()).unwrap_or_default();
                        let raw = format!("{}\t{year}\t{}", row.partner, cell.value.text());
                        let ordinal = run.rows_read();
                        run.reject(ordinal, Some(&field), reason, detail, raw.as_bytes())?;
                    }
                }
            }
            run.advance(0, row.cells.len() as u64);
        }
        Ok(())
    }

    /// The trade row of one cell, or why it is refused.
    fn flow(
        &mut self,
        sheet: &Sheet,
        row: &PartnerRow,
        cell: &Cell,
        written: &mut HashMap<(String, i16), String>,
    ) -> std::result::Result<TradeFlow, Refusal> {
        let year = cell.year.ok_or_else(|| {
            let detail = format!("cell {} is under no year of the header", cell.reference);
            ("no_year_column", detail)
        })?;
        let partner = self.partner(&row.partner, year, sheet, row.row)?;
        let (value, precision, estimated) = amount(&cell.value)?;
        if let Some(first) = written.insert((partner.clone(), year), cell.reference.clone()) {
            let detail = format!(
                "`{}` is {partner}, which cell {first} already gave for {year}",
                row.partner
            );
            return Err(("duplicate_partner", detail));
        }
        Ok(TradeFlow {
            year,
            month: None,
            reporter_id: self.reporter.clone(),
            partner_id: partner,
            flow: sheet.kind.flow,
            perspective: Perspective::ReporterDeclared,
            classification: "TOTAL".into(),
            commodity_code: "TOTAL".into(),
            value: Some(value),
            currency: "USD".into(),
            price_basis: sheet.kind.price_basis,
            value_precision: precision,
            quantity: None,
            quantity_unit: None,
            is_estimated: estimated,
            source_id: self.source_id.clone(),
            source_locator: Some(format!("'{}'!{}", sheet.kind.name, cell.reference)),
            source_line: Some(row.row.into()),
            cited_source_id: None,
            derivation: Derivation::UnitConverted,
        })
    }

    /// The partner's entity id in `year`: the declared aggregate (created on first use) or
    /// the `name` scheme's answer.
    fn partner(
        &mut self,
        name: &str,
        year: i16,
        sheet: &Sheet,
        row: u32,
    ) -> std::result::Result<String, Refusal> {
        match partners::declared().get(name) {
            Some(Declared::Created(id, entity_type)) => {
                if !self.areas.iter().any(|a| a.entity.entity_id == *id) {
                    let locator = format!("'{}'!B{row}: partner name", sheet.kind.name);
                    let code = (Scheme::Name, name.to_string());
                    self.areas.push(NewArea::entity(
                        id,
                        name.to_string(),
                        *entity_type,
                        code,
                        &self.source_id,
                        locator,
                    ));
                }
                Ok(id.clone())
            }
            Some(Declared::Heading) => Err((
                "heading_with_values",
                format!("`{name}` is a heading of the partner list, yet its row has values"),
            )),
            // A declared name is the IMF's for every year it writes it (Netherlands Antilles
            // until 2020); another name resolves in the cell's year.
            Some(Declared::Entity(_)) => self.by_name(name, None, year),
            None => self.by_name(name, Some(year.into()), year),
        }
    }

    /// The `name` scheme's entity for `name` (in `when`, if given).
    fn by_name(
        &self,
        name: &str,
        when: Option<i32>,
        year: i16,
    ) -> std::result::Result<String, Refusal> {
        self.codes
            .resolve(Scheme::Name, name, when)
            .map(String::from)
            .map_err(|e| {
                let reason = match e {
                    CodeError::Ambiguous { .. } => "ambiguous_partner",
                    _ => "unknown_partner",
                };
                (reason, format!("partner `{name}` in {year}: {e}"))
            })
    }

    fn flush(&mut self, run: &mut ImportRun) -> Result<()> {
        if !self.flows.is_empty() {
            run.write_records(&std::mem::take(&mut self.flows))?;
        }
        Ok(())
    }
}

/// Whether two partner rows hold the same cells (same columns, same values).
fn same_cells(a: &PartnerRow, b: &PartnerRow) -> bool {
    let key = |r: &PartnerRow| -> Vec<(String, CellValue)> {
        r.cells
            .iter()
            .map(|c| {
                let col = c.reference.trim_end_matches(|ch: char| ch.is_ascii_digit());
                (col.to_string(), c.value.clone())
            })
            .collect()
    };
    key(a) == key(b)
}

/// A cell's value in US dollars, its precision (USD) and whether the IMF estimated it.
fn amount(v: &CellValue) -> std::result::Result<(f64, Option<f64>, bool), Refusal> {
    let (millions, precision, estimated) = match v {
        CellValue::Number(n) => (*n, None, false),
        CellValue::Text(t) => estimate(t).or_else(|| plain_number(t)).ok_or_else(|| {
            let detail = format!("`{t}` is neither a number nor an estimate such as `0.21 e`");
            ("malformed_value", detail)
        })?,
    };
    if !millions.is_finite() || millions < 0.0 {
        return Err(("negative_value", format!("{millions} is below zero")));
    }
    Ok((millions * 1e6, precision, estimated))
}

/// `1,234.56 e`: the number (US$ millions), the unit of its last decimal in USD, and `true`.
fn estimate(text: &str) -> Option<(f64, Option<f64>, bool)> {
    let number = text.trim().strip_suffix('e')?.trim_end().replace(',', "");
    let valid = !number.is_empty()
        && number.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && number.bytes().filter(|b| *b == b'.').count() <= 1;
    if !valid {
        return None;
    }
    let decimals = number.split_once('.').map_or(0, |(_, d)| d.len()) as i32;
    let precision = 1e6 / 10f64.powi(decimals);
    Some((number.parse().ok()?, Some(precision), true))
}

/// A text cell holding a plain number (`5`, `-5`, `1,234.5`: thousands grouped by commas or
/// not), read as a number cell is: not an estimate, no precision.
fn plain_number(text: &str) -> Option<(f64, Option<f64>, bool)> {
    let t = text.trim();
    let unsigned = t.strip_prefix('-').unwrap_or(t);
    let (int, frac) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    let mut groups = int.split(',');
    let first = groups.next()?;
    let grouped = int.contains(',');
    let int_ok = !first.is_empty()
        && digits(first)
        && (!grouped || first.len() <= 3)
        && groups.all(|g| g.len() == 3 && digits(g));
    let frac_ok = digits(frac) && (!frac.is_empty() || !unsigned.ends_with('.'));
    if !(int_ok && frac_ok) {
        return None;
    }
    Some((t.replace(',', "").parse().ok()?, None, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_us_dollars_and_estimates_keep_their_rounding() {
        let exact = amount(&CellValue::Number(95.29299999999996)).unwrap();
        assert_eq!(exact, (95.29299999999996 * 1e6, None, false));
        let e = amount(&CellValue::Text("0.21 e".into())).unwrap();
        assert_eq!(e, (0.21 * 1e6, Some(10_000.0), true));
        let big = amount(&CellValue::Text("1,234.5 e".into())).unwrap();
        assert_eq!(big, (1234.5 * 1e6, Some(100_000.0), true));
        let bad = amount(&CellValue::Text("n.a.".into())).unwrap_err();
        assert_eq!(bad.0, "malformed_value");
        let neg = amount(&CellValue::Number(-1.0)).unwrap_err();
        assert_eq!(neg.0, "negative_value");
        assert!(estimate("1.2.3 e").is_none());
    }

    #[test]
    fn text_cells_holding_plain_numbers_are_numbers() {
        let text = |t: &str| amount(&CellValue::Text(t.into()));
        assert_eq!(text("5").unwrap(), (5e6, None, false));
        assert_eq!(text(" 1,234.5 ").unwrap(), (1234.5 * 1e6, None, false));
        assert_eq!(text("0.25").unwrap(), (0.25 * 1e6, None, false));
        assert_eq!(text("-5").unwrap_err().0, "negative_value");
        for bad in [
            "1,2", "12,34.5", "1.2.3", "5.", ".5", "-", "", "5 x", "1e3", ",123",
        ] {
            let err = text(bad).unwrap_err();
            assert_eq!(err.0, "malformed_value", "{bad}");
            assert!(
                err.1.contains("is neither a number nor an estimate"),
                "{bad}"
            );
        }
    }
}
