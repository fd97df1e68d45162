//! The HTML page: every value escaped by the template, the chart inlined as SVG, and the same
//! figures as the terminal text (both render one view).

use steppe::report::View;
use steppe::Store;

fn tjk() -> steppe::report::Report {
    steppe::report::build(&Store::bundled().unwrap(), "TJK", ("RUS", "CHN")).unwrap()
}

#[test]
fn values_are_escaped_and_the_chart_is_inline_svg() {
    let mut report = tjk();
    report
        .names
        .insert("RUS".into(), "Russia <b>&</b> \"co\"".into());
    report.entity.name = "Tajik<script>alert(1)</script>istan".into();
    let page = steppe_report::html(&View::new(&report)).unwrap();
    assert!(!page.contains("<script"), "{page}");
    assert!(page.contains(
        "<title>Tajik&lt;script&gt;alert(1)&lt;&#x2f;script&gt;istan — steppe report</title>"
    ));
    assert!(
        page.contains("<td>Russia &lt;b&gt;&amp;&lt;&#x2f;b&gt; &quot;co&quot;</td>"),
        "{page}"
    );
    assert!(
        page.contains("<figure id=\"chart\"><svg"),
        "the chart is markup, not text"
    );
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.ends_with("</ol>\n</body></html>\n"));
}

#[test]
fn the_page_and_the_text_show_the_same_figures() {
    let view = View::new(&tjk());
    let page = steppe_report::html(&view).unwrap();
    let text = steppe_report::text(&view, 100);
    let trade = view.trade.as_ref().unwrap();
    assert_eq!(trade.year, 2023);
    assert_eq!(trade.rows.len(), 2);
    for row in &trade.rows {
        for cell in [&row.exports, &row.imports] {
            let c = cell.as_ref().unwrap();
            assert!(page.contains(&format!("<td>{}</td><td>{}</td>", c.value, c.share)));
            assert!(text.contains(&c.value) && text.contains(&c.share));
        }
    }
    let china = trade.rows.iter().find(|r| r.partner == "China").unwrap();
    assert_eq!(china.exports.as_ref().unwrap().value, "313.8 M");
    assert_eq!(china.imports.as_ref().unwrap().share, "42.9%");
    assert!(page.contains(
        "<tr><td>China</td><td>313.8 M</td><td>69.5%</td><td>1.189 bn</td><td>42.9%</td><td><a class=\"ref\" href=\"#src-2\">[2]</a><a class=\"ref\" href=\"#src-14\">[14]</a></td></tr>\n"
    ), "{page}");
    for d in &view.dependence {
        assert!(page.contains(&format!("<td>{}</td><td>{}</td>", d.value_a, d.value_b)));
        assert!(text.contains(&format!("ratio {}", d.ratio)));
    }
    for (i, s) in view.sources.iter().enumerate() {
        assert_eq!(s.number, i + 1);
        assert!(text.contains(&format!("[{}] ", s.number)));
        assert!(page.contains(&format!("<li id=\"src-{}\">", s.number)));
    }
    assert!(page.contains("<li><strong>1992–1997</strong> Tajik Civil War <a class=\"ref\" href=\"#src-2\">[2]</a></li>"));
    // A series with values shows them grouped, in both.
    let mut report = tjk();
    report.indicators = vec![(
        "wdi:X".into(),
        "X & Y".into(),
        vec![steppe::analytics::SeriesPoint {
            indicator_id: "wdi:X".into(),
            entity_id: "TJK".into(),
            year: 2015,
            value: 2_258_643_220.123,
            source_ids: vec![],
        }],
    )];
    let view = View::new(&report);
    let page = steppe_report::html(&view).unwrap();
    assert!(page.contains("<h3>X &amp; Y <span class=\"note\">wdi:X</span></h3>"));
    assert!(page.contains("<tr><td>2015</td><td>2,258,643,220.12</td><td></td></tr>"));
    assert!(steppe_report::text(&view, 100).contains("    2015 2,258,643,220.12 \n"));
}
