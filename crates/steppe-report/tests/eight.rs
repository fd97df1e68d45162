//! The report of each of the eight countries on the bundled store: text within 100 columns,
//! the HTML page (checked in headless Chromium, screenshots kept) and the PNG chart, with no
//! figure whose source is missing; and the report's numbers against the rows they come from.
//!
//! Pages, charts and screenshots are kept under `target/test-output/report-eight/`. Without
//! Chromium (`chromium`, `chromium-browser` or `google-chrome` on PATH) the browser check is
//! skipped with a message, unless `STEPPE_REQUIRE_SHARED` is set (as `.ci/run` does), which
//! makes it a failure.

mod common;

use common::browser::{self, Headless};

use steppe::model::{Flow, IndicatorObservation, Source, TradeFlow};
use steppe::report::format::{money, percent};
use steppe::report::View;

/// Every citation list of a row with a figure: not empty, and each number a listed source.
fn all_cited(v: &View) {
    let n = v.sources.len();
    let mut lists: Vec<(&str, &Vec<usize>)> = Vec::new();
    for r in v.partners.iter().flat_map(|t| &t.rows) {
        lists.push((&r.partner, &r.refs));
    }
    for r in v.balance.iter().flat_map(|s| &s.rows) {
        lists.push(("balance", &r.refs));
    }
    for r in &v.mirror {
        lists.push((&r.flow, &r.refs));
    }
    for r in &v.indicators {
        lists.push(("indicator", &r.refs));
    }
    for r in &v.other_indicators {
        lists.push((&r.name, &r.refs));
    }
    for r in &v.timeline {
        lists.push((&r.title, &r.refs));
    }
    for r in &v.memberships {
        lists.push((&r.organisation, &r.refs));
    }
    for r in &v.claims {
        lists.push((&r.text, &r.refs));
    }
    for (what, refs) in lists {
        assert!(!refs.is_empty(), "{}: {what} has no source", v.entity_id);
        assert!(refs.iter().all(|i| (1..=n).contains(i)), "{what}: {refs:?}");
    }
    for c in &v.charts {
        if !c.is_empty() {
            assert!(
                c.source_line.starts_with("Sources: ["),
                "{}: {}",
                c.id,
                c.source_line
            );
        }
    }
}

/// Headless Chromium, or `None` with a message naming what is missing (a failure instead
/// when `STEPPE_REQUIRE_SHARED` is set).
fn chromium() -> Option<&'static str> {
    let found = browser::find();
    if found.is_none() {
        let msg = "needs Chromium on PATH (apt-get install chromium) for the browser check";
        if std::env::var_os("STEPPE_REQUIRE_SHARED").is_some_and(|v| v != "0" && !v.is_empty()) {
            panic!("STEPPE_REQUIRE_SHARED is set and this test {msg}");
        }
        eprintln!("SKIPPED (browser check): this test {msg}");
    }
    found
}

/// Loads `page` in headless Chromium: its DOM, and a screenshot written to `shot`.
fn browse(chromium: &'static str, page: &std::path::Path, shot: &std::path::Path) -> String {
    let headless = Headless::new(chromium);
    let dom = headless.dom(page);
    let o = headless.screenshot(page, shot, "1100,9000");
    assert!(
        shot.exists() && std::fs::metadata(shot).unwrap().len() > 20_000,
        "no screenshot of {}: {}",
        page.display(),
        String::from_utf8_lossy(&o.stderr)
    );
    dom
}

#[test]
fn each_of_the_eight_renders_in_text_html_and_png_with_every_figure_cited() {
    let store = common::store();
    let out = common::out_dir("report-eight");
    let browser = chromium();
    for c in common::EIGHT {
        let report = steppe::report::build(&store, c, ("RUS", "CHN")).unwrap();
        let view = View::new(&report);
        all_cited(&view);
        let (a, b) = &report.pair;
        assert!(a != c && b != c && a != b, "{c}: pair {a}/{b}");
        assert!(view.partners.is_some(), "{c}: no year with a world total");
        assert!(!view.balance[0].rows.is_empty(), "{c}: no balance series");
        assert!(!view.indicators.is_empty(), "{c}: no remittances or GDP");
        let text = steppe_report::text(&view, 100);
        for line in text.lines() {
            let w = steppe_report::layout::display_width(line);
            assert!(w <= 100, "{c}: {w} columns: {line:?}");
        }
        std::fs::write(out.join(format!("{c}.txt")), &text).unwrap();
        let html = steppe_report::html(&view).unwrap();
        let page = out.join(format!("{c}.html"));
        std::fs::write(&page, &html).unwrap();
        let png = out.join(format!("{c}.png"));
        steppe_report::png(&view, &png).unwrap();
        assert_eq!(&std::fs::read(&png).unwrap()[..8], b"\x89PNG\r\n\x1a\n");
        if let Some(chromium) = browser {
            let dom = browse(chromium, &page, &out.join(format!("{c}-page.png")));
            for id in ["balance", "shares", "wdi-bx-trf-pwkr-dt-gd-zs"] {
                assert!(
                    dom.contains(&format!("<figure class=\"chart\" id=\"chart-{id}\"><svg")),
                    "{c}: chart {id} missing from the rendered DOM"
                );
            }
            assert!(dom.contains("<ol id=\"sources\">") && dom.contains("<ol id=\"timeline\">"));
            assert!(dom.contains("International Monetary Fund"), "{c}");
        }
    }
}

#[test]
fn the_report_numbers_equal_the_rows_they_come_from() {
    let store = common::store();
    let view = View::new(&steppe::report::build(&store, "TJK", ("RUS", "CHN")).unwrap());
    let sources: Vec<Source> = store.records().unwrap();
    let dataset = |id: &str| {
        sources
            .iter()
            .any(|s| s.source_id == id && s.csl_type == "dataset")
    };
    let flows: Vec<TradeFlow> = store.records().unwrap();
    let value = |reporter: &str, partner: &str, flow: Flow, year: i16, from_dataset: bool| {
        let rows: Vec<&TradeFlow> = flows
            .iter()
            .filter(|f| {
                f.reporter_id == reporter
                    && f.partner_id == partner
                    && f.flow == flow
                    && f.year == year
                    && dataset(&f.source_id) == from_dataset
            })
            .collect();
        assert_eq!(rows.len(), 1, "{reporter} {partner} {flow:?} {year}");
        rows[0].value.unwrap()
    };
    use Flow::*;
    // Main partners, 2020: Russia's values and share of the world total TJK reports.
    let t = view.partners.as_ref().unwrap();
    assert_eq!(t.year, 2020);
    assert_eq!(t.earlier_year, Some(2010));
    let (x, m) = (
        value("TJK", "RUS", Export, 2020, true),
        value("TJK", "RUS", Import, 2020, true),
    );
    let world = value("TJK", "WLD", Export, 2020, true) + value("TJK", "WLD", Import, 2020, true);
    let ru = t
        .rows
        .iter()
        .find(|r| r.partner == "Russian Federation")
        .unwrap();
    assert_eq!(ru.exports, money(x));
    assert_eq!(ru.imports, money(m));
    assert_eq!(ru.share, percent((x + m) / world));
    assert_eq!(t.total, money(world));
    // The balance, every year of the datasets' series, from TJK's own rows.
    let series = &view.balance[0];
    assert!(!series.restated);
    assert!(series.rows.len() >= 25, "{}", series.rows.len());
    for r in &series.rows {
        assert_eq!(
            r.exports_a,
            money(value("TJK", "RUS", Export, r.year, true))
        );
        assert_eq!(
            r.imports_b,
            money(value("TJK", "CHN", Import, r.year, true))
        );
    }
    // The article's 2023 figures are the article's series, not the dataset's.
    let article = view.balance.iter().find(|s| s.restated).unwrap();
    assert_eq!(article.rows.len(), 1);
    let r = &article.rows[0];
    assert_eq!(r.year, 2023);
    assert_eq!(r.exports_a, money(value("TJK", "RUS", Export, 2023, false)));
    assert_eq!(r.exports_a, "137.4 M");
    assert_eq!(r.imports_a, "1.580 bn");
    assert_eq!(r.exports_b, "313.8 M");
    assert_eq!(r.imports_b, "1.189 bn");
    assert!(series.rows.iter().all(|r| r.year != 2023));
    // The mirror: what Russia declares exporting to Tajikistan in 2020, against TJK's imports.
    let mirror = view
        .mirror
        .iter()
        .find(|r| r.year == 2020 && r.flow == "Russian Federation → Tajikistan")
        .unwrap();
    assert_eq!(
        mirror.exports_declared,
        money(value("RUS", "TJK", Export, 2020, true))
    );
    assert_eq!(mirror.imports_declared, money(m));
    // Remittances in US$ and % of GDP, 2024, as the observations give them.
    let obs: Vec<IndicatorObservation> = store.records().unwrap();
    let of = |ind: &str, year: i16| -> Vec<f64> {
        obs.iter()
            .filter(|o| o.entity_id == "TJK" && o.indicator_id == ind && o.year == year)
            .map(|o| o.value)
            .collect()
    };
    let row = view.indicators.iter().find(|r| r.year == 2024).unwrap();
    let usd = of("wdi:BX.TRF.PWKR.CD.DT", 2024);
    assert!(!usd.is_empty());
    assert!(
        usd.iter().any(|v| money(*v) == row.remittances_usd),
        "{row:?} {usd:?}"
    );
    let pct = of("wdi:BX.TRF.PWKR.DT.GD.ZS", 2024);
    assert!(
        pct.iter().any(|v| format!("{v:.2}") == row.remittances_pct),
        "{row:?} {pct:?}"
    );
    // The civil war is on the timeline from UCDP/PRIO ACD, from its first year.
    assert!(view.timeline.iter().any(|e| e.kind == "conflict"
        && e.when.starts_with("1992")
        && e.title.contains("UCDP 395")));
}
