//! An IMF data-portal DOTS workbook read whole with calamine into plain rows: the reporter's
//! name (row 4, column B), and for each of the two sheets the year of each column (from the
//! header row of years written as text) and the partner rows (name in column B, cells in
//! columns C onward). Nothing here knows the store; a workbook that is not of this layout is
//! an error naming the file and the sheet or cell.

use std::path::Path;

use calamine::{open_workbook, Data, Range, Reader, Xlsx};

use crate::model::{Flow, PriceBasis};
use crate::{Error, Location, Result};

/// The rows before this one are searched for the header of years (the portal writes it in
/// row 7).
const HEADER_SEARCH_ROWS: u32 = 20;

/// One of the workbook's two sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SheetKind {
    /// The sheet's name as the portal writes it.
    pub name: &'static str,
    pub flow: Flow,
    pub price_basis: PriceBasis,
}

/// `Exports, FOB` and `Imports, CIF`, the sheets every DOTS workbook has.
pub(crate) const SHEETS: [SheetKind; 2] = [
    SheetKind {
        name: "Exports, FOB",
        flow: Flow::Export,
        price_basis: PriceBasis::Fob,
    },
    SheetKind {
        name: "Imports, CIF",
        flow: Flow::Import,
        price_basis: PriceBasis::Cif,
    },
];

/// A non-empty cell of a partner row.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cell {
    /// `F27` (1-based row, letters for the column).
    pub reference: String,
    /// The year its column's header gives, or `None` when the column has no year.
    pub year: Option<i16>,
    pub value: CellValue,
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum CellValue {
    /// A number as stored (US$ millions, the file's binary double).
    Number(f64),
    /// Text (the portal writes estimates as `0.21 e`).
    Text(String),
}

impl CellValue {
    /// The cell as written, for reject rows.
    pub fn text(&self) -> String {
        match self {
            CellValue::Number(v) => v.to_string(),
            CellValue::Text(t) => t.clone(),
        }
    }
}

/// A partner row: its name (column B) and its non-empty cells.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PartnerRow {
    /// 1-based worksheet row.
    pub row: u32,
    pub partner: String,
    pub cells: Vec<Cell>,
}

/// One sheet: what it is, where its years are, and its partner rows.
#[derive(Debug, Clone)]
pub(crate) struct Sheet {
    pub kind: SheetKind,
    pub rows: Vec<PartnerRow>,
}

/// A whole workbook.
#[derive(Debug, Clone)]
pub(crate) struct Workbook {
    /// The reporter's name as written in row 4, column B.
    pub reporter: String,
    pub sheets: Vec<Sheet>,
}

/// Reads the workbook at `path`: both sheets, each with its header of years. Fails naming
/// the file (and the sheet or cell) when it is not an xlsx workbook, a sheet is missing, a
/// sheet has no header of years, or the reporter's name is missing.
pub(crate) fn read(path: &Path) -> Result<Workbook> {
    let at = || Location::file(path);
    let mut book: Xlsx<_> = open_workbook(path).map_err(|e| {
        Error::format(
            at(),
            format!("not an xlsx workbook the IMF data portal exports ({e})"),
        )
    })?;
    let mut sheets = Vec::new();
    let mut reporter = None;
    for kind in SHEETS {
        let range = book.worksheet_range(kind.name).map_err(|e| {
            let found = book.sheet_names().join("`, `");
            Error::format(
                at().field(kind.name),
                format!(
                    "no sheet `{}` (a DOTS workbook has `Exports, FOB` and `Imports, CIF`; \
                     found `{found}`): {e}",
                    kind.name
                ),
            )
        })?;
        reporter = reporter.or_else(|| reporter_name(&range));
        sheets.push(read_sheet(kind, &range, path)?);
    }
    let reporter = reporter.ok_or_else(|| {
        Error::format(
            at().row(4).field(format!("'{}'!B4", SHEETS[0].name)),
            "no reporter name in cell B4 (the portal writes the reporting country there)",
        )
    })?;
    Ok(Workbook { reporter, sheets })
}

/// The text of cell B4, when it has any.
fn reporter_name(range: &Range<Data>) -> Option<String> {
    match range.get_value((3, 1)) {
        Some(Data::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        _ => None,
    }
}

fn read_sheet(kind: SheetKind, range: &Range<Data>, path: &Path) -> Result<Sheet> {
    let (header_row, years) = header(range).ok_or_else(|| {
        Error::format(
            Location::file(path).field(kind.name),
            format!(
                "sheet `{}` has no header of years (a row, within the first {HEADER_SEARCH_ROWS}, \
                 whose cells from column C on are years such as `1992`)",
                kind.name
            ),
        )
    })?;
    let end = range.end().map_or(0, |(r, _)| r);
    let mut rows = Vec::new();
    for r in header_row + 1..=end {
        let partner = match range.get_value((r, 1)) {
            Some(Data::String(s)) => s.trim().to_string(),
            Some(Data::Empty) | None => String::new(),
            Some(other) => other.to_string(),
        };
        let cells: Vec<Cell> = (2..=range.end().map_or(0, |(_, c)| c))
            .filter_map(|c| cell(range, r, c, &years))
            .collect();
        if partner.is_empty() && cells.is_empty() {
            continue;
        }
        rows.push(PartnerRow {
            row: r + 1,
            partner,
            cells,
        });
    }
    Ok(Sheet { kind, rows })
}

/// The first row whose every non-empty cell from column C on is a year (text or number), and
/// the year of each such column (0-based column index).
fn header(range: &Range<Data>) -> Option<(u32, Vec<(u32, i16)>)> {
    let (end_row, end_col) = range.end()?;
    (0..=end_row.min(HEADER_SEARCH_ROWS)).find_map(|r| {
        let mut years = Vec::new();
        for c in 2..=end_col {
            match range.get_value((r, c)) {
                Some(Data::Empty) | None => {}
                Some(v) => years.push((c, year(v)?)),
            }
        }
        (!years.is_empty()).then_some((r, years))
    })
}

/// A header cell's year: `1992` as text or as a whole number, in 1900..=2100.
fn year(v: &Data) -> Option<i16> {
    let y: i64 = match v {
        Data::String(s) => s.trim().parse().ok()?,
        Data::Int(i) => *i,
        Data::Float(f) if f.fract() == 0.0 => *f as i64,
        _ => return None,
    };
    (1900..=2100).contains(&y).then_some(y as i16)
}

/// The cell at 0-based (`r`, `c`) when it is not empty.
fn cell(range: &Range<Data>, r: u32, c: u32, years: &[(u32, i16)]) -> Option<Cell> {
    let value = match range.get_value((r, c))? {
        Data::Empty => return None,
        Data::Float(f) => CellValue::Number(*f),
        Data::Int(i) => CellValue::Number(*i as f64),
        Data::String(s) if s.trim().is_empty() => return None,
        Data::String(s) => CellValue::Text(s.clone()),
        other => CellValue::Text(other.to_string()),
    };
    let year = years.iter().find(|(col, _)| *col == c).map(|(_, y)| *y);
    Some(Cell {
        reference: reference(r, c),
        year,
        value,
    })
}

/// The A1 reference of 0-based (`r`, `c`): `(6, 5)` is `F7`.
pub(crate) fn reference(r: u32, c: u32) -> String {
    let mut letters = Vec::new();
    let mut n = c + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), r + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_a1_and_years_come_from_text_or_numbers() {
        assert_eq!(reference(6, 5), "F7");
        assert_eq!(reference(0, 25), "Z1");
        assert_eq!(reference(9, 26), "AA10");
        assert_eq!(year(&Data::String("1995".into())), Some(1995));
        assert_eq!(year(&Data::Float(2020.0)), Some(2020));
        assert_eq!(year(&Data::String("US Dollars".into())), None);
        assert_eq!(year(&Data::Int(4038)), None);
    }
}
