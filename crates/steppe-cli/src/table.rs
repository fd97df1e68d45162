//! The terminal table of `steppe query`: numbers for people, units where the schema knows
//! them, and a layout fitted to the terminal's width (comfy-table's dynamic arrangement).
//!
//! Fitting: columns with one value in every row are stated once above the table (`same in
//! all 4 rows: year=2023, ...`); codes, ids, dates and numbers are never cut; prose columns
//! (titles, descriptions, locators, raw text ...) are elided to one line with `…`. Columns are
//! kept in order while they fit, and the ones that do not are named under the table with the
//! ways to see every column.

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float32Type, Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type,
    UInt64Type, UInt8Type,
};
use arrow_array::{Array, RecordBatch};
use arrow_cast::display::{ArrayFormatter, FormatOptions};
use arrow_schema::DataType;
use comfy_table::{
    CellAlignment, ColumnConstraint, ContentArrangement, Row, Table as Comfy, Width,
};
use steppe::{Error, Result};

use crate::human;
use crate::term::{display_width, wrap};

/// Free-text columns, elided to fit: they may be long and are never keys.
const PROSE: &[&str] = &[
    "title",
    "description",
    "name",
    "name_official",
    "text",
    "value_text",
    "raw",
    "detail",
    "note",
    "source_locator",
    "location_name",
    "definition",
    "source_note",
    "container_title",
    "publisher",
    "authors",
    "url",
    "about",
    "cited_source_ids",
    "subject_refs",
    // conflicts: names as published (secondary parties list up to forty governments)
    "location",
    "side_a",
    "side_a_2nd",
    "side_b",
    "side_b_2nd",
    "territory_name",
    // entities: links to other entities (the USSR has thirteen successors)
    "predecessor_ids",
    "successor_ids",
];

/// Integer columns printed without separators: years, months, line numbers, small codes.
const PLAIN_INTS: &[&str] = &["year", "month", "line", "source_line", "conflict_id"];

/// Amount columns and the column holding their unit; `true` puts the unit first (`USD 5`).
const UNITS: &[(&str, &str, bool)] = &[
    ("value", "currency", true),
    ("value_precision", "currency", true),
    ("quantity", "quantity_unit", false),
];

/// The fewest columns a prose column is given before it is left out.
const PROSE_MIN: usize = 12;

/// One column as displayed.
#[derive(Debug, Clone)]
pub struct Column {
    /// The column's name in the table.
    pub name: String,
    /// The header shown: the name, with the unit when every row shares it (`value (USD)`).
    pub header: String,
    /// One display string per row ("" for null).
    pub cells: Vec<String>,
    /// Numbers align right.
    pub numeric: bool,
    /// May be elided.
    pub prose: bool,
}

impl Column {
    /// The widest line of the header and the cells, in display columns.
    fn natural(&self) -> usize {
        std::iter::once(self.header.as_str())
            .chain(self.cells.iter().map(String::as_str))
            .flat_map(str::lines)
            .map(display_width)
            .max()
            .unwrap_or(0)
    }

    /// The narrowest this column may be drawn (content only, without padding).
    fn min(&self) -> usize {
        if self.prose {
            self.natural()
                .min(PROSE_MIN)
                .max(display_width(&self.header))
        } else {
            self.natural()
        }
    }
}

/// The display columns `show` (names, in that order) of `batches` (dictionaries and lists
/// already flattened to strings). Fails on a name the batches lack.
pub fn columns(batches: &[RecordBatch], show: &[String]) -> Result<Vec<Column>> {
    let Some(first) = batches.first() else {
        return Ok(Vec::new());
    };
    let schema = first.schema();
    let index = |name: &str| {
        schema
            .index_of(name)
            .map_err(|_| Error::InvalidArgument(format!("no column `{name}` to display")))
    };
    let mut out = Vec::with_capacity(show.len());
    for name in show {
        let i = index(name)?;
        let mut cells = Vec::new();
        for b in batches {
            cells.extend(cells_of(b.column(i).as_ref(), name)?);
        }
        let numeric = schema.field(i).data_type().is_numeric();
        let mut col = Column {
            name: name.clone(),
            header: name.clone(),
            cells,
            numeric,
            prose: PROSE.contains(&name.as_str()),
        };
        if let Some(&(_, unit_col, first)) = UNITS.iter().find(|(c, _, _)| c == name) {
            if let Ok(u) = schema.index_of(unit_col) {
                let mut units = Vec::new();
                for b in batches {
                    units.extend(cells_of(b.column(u).as_ref(), unit_col)?);
                }
                add_units(&mut col, &units, first);
            }
        }
        out.push(col);
    }
    Ok(out)
}

/// Puts the unit in the header when all valued rows share one, else beside each value.
fn add_units(col: &mut Column, units: &[String], first: bool) {
    let mut seen: Vec<&str> = Vec::new();
    for (cell, unit) in col.cells.iter().zip(units) {
        if !cell.is_empty() && !unit.is_empty() && !seen.contains(&unit.as_str()) {
            seen.push(unit);
        }
    }
    match seen.as_slice() {
        [] => {}
        [one] => col.header = format!("{} ({one})", col.name),
        _ => {
            for (cell, unit) in col.cells.iter_mut().zip(units) {
                if !cell.is_empty() && !unit.is_empty() {
                    *cell = if first {
                        format!("{unit} {cell}")
                    } else {
                        format!("{cell} {unit}")
                    };
                }
            }
        }
    }
}

/// The display strings of one array: numbers for people, everything else as Arrow prints it.
fn cells_of(a: &dyn Array, name: &str) -> Result<Vec<String>> {
    let grouped = !PLAIN_INTS.contains(&name);
    let each = |f: &dyn Fn(usize) -> String| -> Vec<String> {
        (0..a.len())
            .map(|i| if a.is_null(i) { String::new() } else { f(i) })
            .collect()
    };
    let int = |v: i128| {
        if grouped {
            human::group(v)
        } else {
            v.to_string()
        }
    };
    Ok(match a.data_type() {
        DataType::Float64 => each(&|i| human::float(a.as_primitive::<Float64Type>().value(i))),
        DataType::Float32 => each(&|i| human::float32(a.as_primitive::<Float32Type>().value(i))),
        DataType::Int64 => each(&|i| int(a.as_primitive::<Int64Type>().value(i).into())),
        DataType::Int32 => each(&|i| int(a.as_primitive::<Int32Type>().value(i).into())),
        DataType::UInt64 => each(&|i| int(a.as_primitive::<UInt64Type>().value(i).into())),
        DataType::UInt32 => each(&|i| int(a.as_primitive::<UInt32Type>().value(i).into())),
        // Small integers are codes, years and months: as they are.
        DataType::Int16 => each(&|i| a.as_primitive::<Int16Type>().value(i).to_string()),
        DataType::Int8 => each(&|i| a.as_primitive::<Int8Type>().value(i).to_string()),
        DataType::UInt16 => each(&|i| a.as_primitive::<UInt16Type>().value(i).to_string()),
        DataType::UInt8 => each(&|i| a.as_primitive::<UInt8Type>().value(i).to_string()),
        _ => {
            let f = ArrayFormatter::try_new(a, &FormatOptions::default().with_null(""))?;
            (0..a.len())
                .map(|i| escape_controls(&f.value(i).to_string()))
                .collect()
        }
    })
}

/// `s` with its control characters written as escapes (`\t`, `\n`, `\r`, else `\u{1b}`),
/// so a raw line holding tabs or line breaks keeps the table's boxes aligned.
fn escape_controls(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// Which columns fit in `width`: indices into `cols`, in their order, and the names left out.
/// Columns are taken in order while they fit at their narrowest (prose elided to
/// [`PROSE_MIN`]); one that does not fit is skipped and a narrower later one may still be
/// taken. The first column is always kept.
pub fn fit(cols: &[Column], width: usize) -> (Vec<usize>, Vec<String>) {
    // `│ a ┆ b │`: one border, then content + two padding + one border per column.
    let mut left = width.saturating_sub(1) as isize;
    let mut shown = Vec::new();
    let mut hidden = Vec::new();
    for (i, c) in cols.iter().enumerate() {
        let cost = (c.min() + 3) as isize;
        if cost <= left || i == 0 {
            shown.push(i);
            left -= cost;
        } else {
            hidden.push(c.name.clone());
        }
    }
    (shown, hidden)
}

/// Splits off the columns with one value in every row (of two or more), as `name=value`
/// texts, keeping the others.
fn fold_constants(cols: &[Column]) -> (Vec<Column>, Vec<String>) {
    let mut kept = Vec::new();
    let mut same = Vec::new();
    for c in cols {
        match c.cells.split_first() {
            Some((first, rest)) if !rest.is_empty() && rest.iter().all(|x| x == first) => {
                same.push(format!("{}={first}", c.header));
            }
            _ => kept.push(c.clone()),
        }
    }
    (kept, same)
}

/// The table text: every column in full when `width` is `None`, else fitted to `width`. When
/// `fold` is set (no `--columns`), a single row is shown as a list of columns and values, and
/// a table of two or more rows states the columns with one value in every row above it. The
/// columns left out are named below the table.
pub fn render(cols: &[Column], width: Option<usize>, fold: bool) -> String {
    let Some(w) = width else {
        return format!(
            "{}\n",
            comfy(cols, &(0..cols.len()).collect::<Vec<_>>(), None)
        );
    };
    let (cols, same) = if fold {
        fold_constants(cols)
    } else {
        (cols.to_vec(), Vec::new())
    };
    let rows = cols.first().map_or(0, |c| c.cells.len());
    if fold && rows == 1 {
        return format!("{}\n", record(&cols, w));
    }
    let mut out = String::new();
    if !same.is_empty() {
        let rows = cols.first().map_or(0, |c| c.cells.len());
        let first = format!("same in all {rows} rows: ");
        out.push_str(&wrap(&first, &same.join(", "), w));
    }
    let (shown, hidden) = fit(&cols, w);
    out.push_str(&format!("{}\n", comfy(&cols, &shown, Some(w))));
    if !hidden.is_empty() {
        let note = format!(
            "not shown: {}. Every column: --wide, --columns or --format csv|json|parquet.",
            hidden.join(", ")
        );
        out.push_str(&wrap("", &note, w));
    }
    out
}

/// One row as a two-column table, a line per column (its values wrapped to `width`).
fn record(cols: &[Column], width: usize) -> Comfy {
    let mut t = Comfy::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(u16::try_from(width).unwrap_or(u16::MAX))
        .set_header(vec!["column", "value"]);
    for c in cols {
        t.add_row(vec![c.header.clone(), c.cells[0].clone()]);
    }
    if let Some(c) = t.column_mut(0) {
        c.set_constraint(ColumnConstraint::ContentWidth);
    }
    t
}

/// The comfy-table of the columns `shown`: in full, or fitted to `width` with prose elided to
/// one line.
fn comfy(cols: &[Column], shown: &[usize], width: Option<usize>) -> Comfy {
    let mut t = Comfy::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .set_truncation_indicator("…");
    let mut header = Row::from(shown.iter().map(|&i| cols[i].header.clone()));
    header.max_height(1);
    t.set_header(header);
    let rows = cols.first().map_or(0, |c| c.cells.len());
    for r in 0..rows {
        let mut row = Row::from(shown.iter().map(|&i| cols[i].cells[r].clone()));
        if width.is_some() {
            row.max_height(1);
        }
        t.add_row(row);
    }
    if let Some(w) = width {
        t.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(w).unwrap_or(u16::MAX));
    }
    for (col, &i) in t.column_iter_mut().zip(shown) {
        let c = &cols[i];
        if c.numeric {
            col.set_cell_alignment(CellAlignment::Right);
        }
        if width.is_some() {
            col.set_constraint(if c.prose {
                ColumnConstraint::LowerBoundary(Width::Fixed(
                    u16::try_from(c.min() + 2).unwrap_or(u16::MAX),
                ))
            } else {
                ColumnConstraint::ContentWidth
            });
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, cells: &[&str], prose: bool) -> Column {
        Column {
            name: name.into(),
            header: name.into(),
            cells: cells.iter().map(|s| s.to_string()).collect(),
            numeric: false,
            prose,
        }
    }

    #[test]
    fn fitting_keeps_codes_whole_and_elides_prose() {
        let long = "a very long description that goes on and on about the event in question";
        let cols = vec![
            col(
                "event_id",
                &["cur:kgz-tjk-border-agreement-2025", "cur:b"],
                false,
            ),
            col("title", &[long, "short"], true),
            col("year", &["2025", "2024"], false),
            col("source_locator", &["p. 3", "p. 4"], true),
            col("derivation", &["transcribed_from_text", "manual"], false),
        ];
        let text = render(&cols, Some(60), true);
        for l in text.lines() {
            assert!(display_width(l) <= 60, "{l:?}\n{text}");
        }
        assert!(text.contains("cur:kgz-tjk-border-agreement-2025"), "{text}");
        assert!(text.contains("a very long") && text.contains('…'), "{text}");
        assert!(!text.contains(long), "{text}");
        // The code column that does not fit is named, not cut.
        assert!(text.contains("derivation"), "{text}");
        assert!(!text.contains("transcribed_from"), "{text}");
        let (shown, hidden) = fit(&cols, 60);
        assert_eq!(shown, vec![0, 1, 2]);
        assert_eq!(hidden, vec!["source_locator", "derivation"]);
        // Unfitted: everything, whole.
        let all = render(&cols, None, true);
        assert!(all.contains(long) && all.contains("transcribed_from_text"));
        // One row: a list of columns and values, every column, wrapped to the width.
        let one: Vec<Column> = cols
            .iter()
            .map(|c| Column {
                cells: c.cells[..1].to_vec(),
                ..c.clone()
            })
            .collect();
        let text = render(&one, Some(60), true);
        assert!(text.lines().all(|l| display_width(l) <= 60), "{text}");
        assert!(
            text.contains("│ derivation     ┆ transcribed_from_text"),
            "{text}"
        );
        let words: Vec<&str> = text.split_whitespace().collect();
        assert!(words
            .join(" ")
            .contains("a very long description that goes on"));
    }

    #[test]
    fn control_characters_are_escaped_so_the_boxes_hold() {
        let raw = arrow_array::StringArray::from(vec![
            Some("World\t2019\t-5"),
            Some("a\r\nb\u{1b}"),
            None,
        ]);
        let cells = cells_of(&raw, "raw").unwrap();
        assert_eq!(cells, vec!["World\\t2019\\t-5", "a\\r\\nb\\u{1b}", ""]);
        let cols = vec![col("line", &["2", "3", "4"], false), {
            let mut c = col("raw", &[], true);
            c.cells = cells;
            c
        }];
        for width in [None, Some(60)] {
            let text = render(&cols, width, false);
            let widths: Vec<usize> = text.lines().map(display_width).collect();
            assert_eq!(widths.len(), 4 + 3, "{text}");
            assert!(widths.iter().all(|w| *w == widths[0]), "{text}");
        }
    }

    #[test]
    fn constant_columns_are_stated_once_and_units_go_in_the_header() {
        let mut value = col("value", &["313,800,000", "1,189,000,000"], false);
        add_units(&mut value, &["USD".into(), "USD".into()], true);
        assert_eq!(value.header, "value (USD)");
        let mut mixed = col("value", &["5", "7", ""], false);
        add_units(
            &mut mixed,
            &["USD".into(), "EUR".into(), "USD".into()],
            true,
        );
        assert_eq!(mixed.header, "value");
        assert_eq!(mixed.cells, ["USD 5", "EUR 7", ""]);
        let cols = vec![
            col("year", &["2023", "2023"], false),
            col("partner_id", &["CHN", "RUS"], false),
            value,
        ];
        let text = render(&cols, Some(80), true);
        assert!(
            text.starts_with("same in all 2 rows: year=2023\n"),
            "{text}"
        );
        assert!(!text.contains("│ 2023"), "{text}");
        assert!(text.contains("value (USD)") && text.contains("1,189,000,000"));
        // Not when the columns were chosen.
        assert!(render(&cols, Some(80), false).contains("│ 2023"));
    }
}
