//! The HTML page: every value escaped by the template, the charts inlined as SVG, and the same
//! figures as the terminal text (both render one view).

use steppe::report::View;
use steppe::Store;

fn tjk() -> steppe::report::Report {
    steppe::report::build(&Store::bundled().unwrap(), "TJK", ("RUS", "CHN")).unwrap()
}

#[test]
fn values_are_escaped_and_the_charts_are_inline_svg() {
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
    for id in ["balance", "shares", "wdi-bx-trf-pwkr-dt-gd-zs", "timeline"] {
        assert!(
            page.contains(&format!("<figure class=\"chart\" id=\"chart-{id}\"><svg")),
            "the {id} chart is markup, not text"
        );
    }
    assert!(page.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
    assert!(page.ends_with("</ol>\n</body></html>\n"));
}

#[test]
fn the_page_and_the_text_show_the_same_figures() {
    let view = View::new(&tjk());
    let page = steppe_report::html(&view).unwrap();
    let text = steppe_report::text(&view, 100);
    let partners = view.partners.as_ref().unwrap();
    for row in &partners.rows {
        assert!(page.contains(&format!(
            "<td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            row.exports, row.imports, row.share, row.earlier_share
        )));
        for cell in [&row.exports, &row.imports, &row.share, &row.change] {
            assert!(text.contains(cell.as_str()), "{cell}");
        }
    }
    for s in &view.balance {
        for d in &s.rows {
            assert!(page.contains(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                d.year, d.exports_a, d.exports_b, d.imports_a, d.imports_b, d.ratio
            )));
        }
    }
    for (i, s) in view.sources.iter().enumerate() {
        assert_eq!(s.number, i + 1);
        assert!(text.contains(&format!("[{}] ", s.number)));
        assert!(page.contains(&format!("<li id=\"src-{}\">", s.number)));
    }
    assert!(page.contains("<li><strong>1992–1997</strong> <em>event</em> Tajik Civil War"));
    for r in &view.indicators {
        assert!(page.contains(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
            r.year, r.remittances_pct, r.remittances_usd, r.gdp
        )));
    }
}
