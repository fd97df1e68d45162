//! The report's terminal text: long partner names elided with the columns kept aligned, lines
//! within the width, indicator values grouped and right-aligned (moved from steppe-cli's
//! tests/report.rs with its assertions).

use steppe::report::View;
use steppe::Store;
use steppe_report::layout::display_width;

#[test]
fn long_partner_names_are_elided_and_the_columns_stay_aligned() {
    // A partner name far past the column is elided, and the numbers stay in their columns.
    let store = Store::bundled().unwrap();
    let mut report = steppe::report::build(&store, "TJK", ("RUS", "CHN")).unwrap();
    let long = "Russian Federation, its long official name running past the column";
    report.names.insert("RUS".into(), long.into());
    let text = steppe_report::text(&View::new(&report), 100);
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Trade with main partners"))
        .skip(1)
        .take_while(|l| l.starts_with("  ") && !l.starts_with("  shares"))
        .collect();
    assert_eq!(table.len(), 3, "{text}");
    let russia = table.iter().find(|l| l.starts_with("  Russian")).unwrap();
    assert!(russia.starts_with("  Russian Federation, its… "), "{text}");
    assert!(table.iter().all(|l| !l.contains(long)), "{text}");
    // Every row's sources start where the header's `sources` does.
    let at = |l: &str, pat: &str| display_width(&l[..l.find(pat).unwrap()]);
    let col = at(table[0], "sources");
    for row in &table[1..] {
        assert_eq!(at(row, "  [") + 2, col, "{text}");
    }
    for line in text.lines() {
        assert!(display_width(line) <= 100, "{line:?}");
    }

    // Indicator values are grouped, two decimals, right-aligned.
    let point = |year: i16, value: f64| steppe::analytics::SeriesPoint {
        indicator_id: "wdi:BX.TRF.PWKR.CD.DT".into(),
        entity_id: "TJK".into(),
        year,
        value,
        source_ids: vec![],
    };
    report.indicators = vec![(
        "wdi:BX.TRF.PWKR.CD.DT".into(),
        "Personal remittances, received (current US$)".into(),
        vec![point(2015, 2_258_643_220.123), point(2016, 31.5)],
    )];
    let text = steppe_report::text(&View::new(&report), 100);
    assert!(text.contains("    2015 2,258,643,220.12 \n"), "{text}");
    assert!(text.contains("    2016            31.50 \n"), "{text}");
}
