//! IMF DOTS importer: the eight data-portal workbooks in `shared/data-sources/imf-dots/`
//! (spot values from its PROVENANCE.md §2), and malformed workbooks written with
//! rust_xlsxwriter.

mod common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::Workbook;
use steppe::import::{imf_dots, ImportOptions};
use steppe::model::{Entity, EntityType, Flow, PriceBasis, Reject, Source, TradeFlow};
use steppe::store::ImportSummary;
use steppe::{Error, Store};

const FILES: [&str; 8] = [
    "DOTS_1.xlsx",
    "DOTS_40.xlsx",
    "DOTS_103.xlsx",
    "DOTS_109.xlsx",
    "DOTS_162.xlsx",
    "DOTS_192.xlsx",
    "DOTS_201.xlsx",
    "DOTS_210.xlsx",
];

fn shared(name: &str) -> Option<PathBuf> {
    common::shared_file(&format!("data-sources/imf-dots/{name}"))
}

fn balanced(s: &ImportSummary) {
    let skipped: u64 = s.rows_skipped.values().sum();
    assert_eq!(
        s.rows_read,
        s.rows_accepted + s.rows_rejected + skipped,
        "{s:?}"
    );
    assert_eq!(s.rows_written.get("trade_flows"), Some(&s.rows_accepted));
}

/// The flows of `reporter` with `partner` in `year`, by flow.
fn flows<'a>(
    rows: &'a [TradeFlow],
    reporter: &str,
    partner: &str,
    year: i16,
) -> HashMap<Flow, &'a TradeFlow> {
    rows.iter()
        .filter(|f| f.reporter_id == reporter && f.partner_id == partner && f.year == year)
        .map(|f| (f.flow, f))
        .collect()
}

fn millions(f: &TradeFlow) -> f64 {
    f.value.unwrap() / 1e6
}

#[test]
fn the_eight_workbooks_import_with_every_partner_resolved_and_the_spot_values() {
    let Some(paths) = FILES.iter().map(|f| shared(f)).collect::<Option<Vec<_>>>() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let report = imf_dots::import(&paths, &out, &ImportOptions::default()).unwrap();
    assert_eq!(report.files.len(), 8);
    for s in &report.files {
        balanced(s);
        // Every partner name resolves or is a declared aggregate: nothing is rejected.
        let rejects: Vec<Reject> = Store::open(&out).unwrap().records().unwrap();
        assert_eq!(s.rows_rejected, 0, "{}: {rejects:#?}", s.file);
        // The portal repeats the first partner row above `World` in each sheet.
        assert!(s.rows_skipped["duplicate_row"] > 0, "{s:?}");
    }
    let store = Store::open(&out).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    let rows: Vec<TradeFlow> = store.records().unwrap();
    let sources: Vec<Source> = store.records().unwrap();
    let tjk = sources
        .iter()
        .find(|s| {
            s.content_sha256
                .as_deref()
                .is_some_and(|h| h.starts_with("4366608885a3"))
        })
        .expect("the Source of DOTS_192.xlsx");
    assert_eq!(
        tjk.publisher.as_deref(),
        Some("International Monetary Fund")
    );
    assert_eq!(tjk.license.as_deref(), Some("IMF-terms"));
    assert!(tjk
        .title
        .as_deref()
        .unwrap()
        .contains("Tajikistan, Rep. of"));
    // Every row cites its workbook's Source and the cell.
    let ids: Vec<&str> = sources.iter().map(|s| s.source_id.as_str()).collect();
    assert!(rows.iter().all(|r| ids.contains(&r.source_id.as_str())));
    assert!(rows.iter().all(|r| r.source_locator.is_some()));

    // TJK imports from Russia, 2020: 932.6 million (CIF), as reported by TJK.
    let ru = flows(&rows, "TJK", "RUS", 2020);
    let imp = ru[&Flow::Import];
    assert!((millions(imp) - 932.6).abs() < 0.05, "{imp:?}");
    assert_eq!(imp.price_basis, PriceBasis::Cif);
    assert_eq!(imp.currency, "USD");
    assert_eq!(imp.source_id, tjk.source_id);
    assert!((millions(ru[&Flow::Export]) - 41.0).abs() < 0.05);
    assert_eq!(ru[&Flow::Export].price_basis, PriceBasis::Fob);
    // Exports to Russia 1995: the cell's double times 10^6, exactly.
    let e95 = flows(&rows, "TJK", "RUS", 1995)[&Flow::Export];
    assert_eq!(e95.value, Some(95.29299999999996 * 1e6));
    assert_eq!((e95.value_precision, e95.is_estimated), (None, false));
    let loc = e95.source_locator.as_deref().unwrap();
    assert!(loc.starts_with("'Exports, FOB'!F"), "{loc}");
    // World is WLD: TJK imports 2020 3154.6, exports 804.079089.
    let world = flows(&rows, "TJK", "WLD", 2020);
    assert!((millions(world[&Flow::Import]) - 3154.6).abs() < 0.05);
    assert_eq!(world[&Flow::Export].value, Some(804.079089 * 1e6));
    // KAZ exports to China 2010 (10121.6) and Russia 2010 (2702.9).
    let kaz = |p: &str| millions(flows(&rows, "KAZ", p, 2010)[&Flow::Export]);
    assert!((kaz("CHN") - 10121.6).abs() < 0.05, "{}", kaz("CHN"));
    assert!((kaz("RUS") - 2702.9).abs() < 0.05);
    // TKM exports to China 2019 (8194.1); UZB imports from China 2020 (4425.6).
    assert!((millions(flows(&rows, "TKM", "CHN", 2019)[&Flow::Export]) - 8194.1).abs() < 0.05);
    assert!((millions(flows(&rows, "UZB", "CHN", 2020)[&Flow::Import]) - 4425.6).abs() < 0.05);
    // AFG's imports header leaves out 1966 and 1972: no import row of AFG in those years.
    for year in [1966, 1972] {
        assert!(!rows
            .iter()
            .any(|f| f.reporter_id == "AFG" && f.flow == Flow::Import && f.year == year));
    }
    assert!(rows
        .iter()
        .any(|f| f.reporter_id == "AFG" && f.flow == Flow::Import && f.year == 1967));
    // Estimates (`0.21 e`) keep their rounding.
    let est = rows.iter().find(|f| f.is_estimated).expect("an estimate");
    assert_eq!(est.value_precision, Some(10_000.0));
    // Historical partners are historical entities, aggregates are created.
    assert!(rows.iter().any(|f| f.partner_id == "SUN"));
    let entities = common::by_id(&store, |e: &Entity| &e.entity_id);
    assert_eq!(entities["WLD"].entity_type, EntityType::World);
    let adv = &entities["IMF_ADVANCED_ECONOMIES"];
    assert_eq!(
        (adv.name.as_str(), adv.entity_type),
        ("Advanced Economies", EntityType::Aggregate)
    );
    assert_eq!(entities["IMF_ASIA_NS"].entity_type, EntityType::ResidualNes);
    assert!(rows.iter().any(|f| f.partner_id == "IMF_EUROPEAN_UNION"));
}

/// A workbook in the portal's layout: `rows` are (partner, [(column, cell text)]) from row 8.
fn workbook(
    path: &Path,
    sheets: &[&str],
    reporter: &str,
    years: &[&str],
    rows: &[(&str, &[(u16, &str)])],
) {
    let mut book = Workbook::new();
    for name in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        ws.write_string(1, 1, "Exports, FOB to Partner Countries")
            .unwrap();
        ws.write_string(3, 1, reporter).unwrap();
        ws.write_string(4, 1, "US Dollars, Millions").unwrap();
        for (i, y) in years.iter().enumerate() {
            ws.write_string(6, 2 + i as u16, *y).unwrap();
        }
        for (r, (partner, cells)) in rows.iter().enumerate() {
            let row = 7 + r as u32;
            ws.write_string(row, 1, *partner).unwrap();
            for (col, text) in cells.iter() {
                match text.parse::<f64>() {
                    Ok(v) => ws.write_number(row, *col, v).unwrap(),
                    Err(_) => ws.write_string(row, *col, *text).unwrap(),
                };
            }
        }
    }
    book.save(path).unwrap();
}

const BOTH: [&str; 2] = ["Exports, FOB", "Imports, CIF"];

#[test]
fn bad_cells_are_rejected_with_their_cell_and_the_rest_imports() {
    let dir = tempfile::tempdir().unwrap();
    let (path, out) = (dir.path().join("DOTS_x.xlsx"), dir.path().join("store"));
    let rows: &[(&str, &[(u16, &str)])] = &[
        ("World", &[(2, "10.5"), (3, "12")]),
        ("Atlantis, Rep. of", &[(2, "1")]),
        ("Kyrgyz Rep.", &[(2, "n.a."), (3, "2.50 e"), (4, "7")]),
        ("Memorandum Items", &[(3, "3")]),
        ("Kyrgyz Republic", &[(3, "1")]),
    ];
    // Two year columns; column E has no year.
    workbook(&path, &BOTH, "Tajikistan, Rep. of", &["1995", "1997"], rows);
    let options = ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let report = imf_dots::import(std::slice::from_ref(&path), &out, &options).unwrap();
    let s = &report.files[0];
    balanced(s);
    // Per sheet: 8 cells read, 3 accepted (World twice, KGZ's 1997 estimate), 5 rejected.
    assert_eq!((s.rows_read, s.rows_accepted, s.rows_rejected), (16, 6, 10));
    let reasons: Vec<(&str, u64)> = s
        .rejected_by_reason
        .iter()
        .map(|(r, n)| (r.as_str(), *n))
        .collect();
    for (reason, n) in [
        ("unknown_partner", 2),
        ("malformed_value", 2),
        ("no_year_column", 2),
        ("heading_with_values", 2),
        ("duplicate_partner", 2),
    ] {
        assert!(reasons.contains(&(reason, n)), "{reason}: {reasons:?}");
    }
    let store = Store::open(&out).unwrap();
    let validation = steppe::validate(&store).unwrap();
    assert!(validation.is_ok(), "{:#?}", validation.problems);
    let rejects: Vec<Reject> = store.records().unwrap();
    let unknown = rejects
        .iter()
        .find(|r| r.reason == "unknown_partner" && r.field.as_deref() == Some("'Imports, CIF'!C9"))
        .expect("the unknown partner's cell");
    // The line is the cell's ordinal among the cells read (sheets share row numbers).
    assert_eq!(unknown.line, 11);
    assert_eq!(unknown.raw, "Atlantis, Rep. of\t1995\t1");
    let dup = rejects
        .iter()
        .find(|r| r.reason == "duplicate_partner")
        .unwrap();
    assert!(dup.detail.as_deref().unwrap().contains("KGZ"), "{dup:?}");
    let rows: Vec<TradeFlow> = store.records().unwrap();
    let kgz = rows.iter().find(|f| f.partner_id == "KGZ").unwrap();
    assert_eq!(
        (kgz.year, kgz.value, kgz.is_estimated),
        (1997, Some(2.5e6), true)
    );
    assert_eq!(kgz.value_precision, Some(10_000.0));
    assert!(rows.iter().all(|f| f.reporter_id == "TJK"));
}

#[test]
fn a_malformed_workbook_is_an_error_naming_the_file_and_sheet_or_cell() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let rows: &[(&str, &[(u16, &str)])] = &[("World", &[(2, "1")])];
    let err = |path: &Path| {
        let e =
            imf_dots::import(&[path.to_path_buf()], &out, &ImportOptions::default()).unwrap_err();
        assert!(matches!(e, Error::Format { .. }), "{e}");
        e.to_string()
    };
    let one = dir.path().join("one_sheet.xlsx");
    workbook(
        &one,
        &["Exports, FOB"],
        "Tajikistan, Rep. of",
        &["1995"],
        rows,
    );
    let msg = err(&one);
    assert!(
        msg.contains("one_sheet.xlsx") && msg.contains("no sheet `Imports, CIF`"),
        "{msg}"
    );

    let no_years = dir.path().join("no_years.xlsx");
    workbook(&no_years, &BOTH, "Tajikistan, Rep. of", &["Total"], rows);
    let msg = err(&no_years);
    assert!(
        msg.contains("no_years.xlsx") && msg.contains("no header of years"),
        "{msg}"
    );

    let reporter = dir.path().join("reporter.xlsx");
    workbook(&reporter, &BOTH, "Atlantis", &["1995"], rows);
    let msg = err(&reporter);
    assert!(
        msg.contains("reporter.xlsx") && msg.contains("B4") && msg.contains("Atlantis"),
        "{msg}"
    );

    let text = dir.path().join("text.xlsx");
    std::fs::write(&text, "Country,1995\nWorld,1\n").unwrap();
    let msg = err(&text);
    assert!(
        msg.contains("text.xlsx") && msg.contains("not an xlsx workbook"),
        "{msg}"
    );
    // Nothing was written.
    assert!(!out.exists());
}
