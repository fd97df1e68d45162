//! `steppe report`: its figures against the bundled rows, and its HTML page in a real headless
//! browser (Chromium) with a screenshot kept under `target/test-output/`.

// The headless browser of steppe-report's tests, shared rather than copied.
#[path = "../../steppe-report/tests/common/browser.rs"]
mod browser;

use std::path::PathBuf;
use std::process::Command;

use browser::Headless;
use steppe::model::TradeFlow;
use steppe::Store;

fn steppe(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .expect("run steppe")
}

fn out_dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../target/test-output");
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn report_figures_match_the_bundled_rows() {
    let o = steppe(&["report", "TJK"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    // The article's 2023 figures, as the article's series (its rows cite the trade portal).
    let flows: Vec<TradeFlow> = Store::bundled().unwrap().records().unwrap();
    let value = |partner: &str, flow: steppe::model::Flow| {
        flows
            .iter()
            .find(|f| {
                f.year == 2023
                    && f.reporter_id == "TJK"
                    && f.partner_id == partner
                    && f.flow == flow
                    && f.source_id == "dyer-2025-tajikistan"
            })
            .unwrap()
            .value
            .unwrap()
    };
    use steppe::model::Flow::*;
    let (xr, mr, xc, mc) = (
        value("RUS", Export),
        value("RUS", Import),
        value("CHN", Export),
        value("CHN", Import),
    );
    let article = text
        .lines()
        .skip_while(|l| !l.contains("as restated by “Tajikistan: Between the Bear and the Dragon”"))
        .find(|l| l.starts_with("  2023"))
        .unwrap_or_else(|| panic!("{text}"));
    for figure in [
        format!("{:.1} M", xr / 1e6),
        format!("{:.3} bn", mr / 1e9),
        format!("{:.1} M", xc / 1e6),
        format!("{:.3} bn", mc / 1e9),
        format!("{:.2}", (xr + mr) / (xc + mc)),
    ] {
        assert!(article.contains(&figure), "{figure}: {article}");
    }
    assert!(article.contains("Russian Federation"), "{article}");
    // Shares are of the world total the datasets give, never between two partners alone.
    assert!(text.contains("Main partners, 2020 (US$; share of total trade"));
    assert!(
        !text.contains("69.5%"),
        "no share between Russia and China alone"
    );
    // The timeline keeps the article's precision, and every figure's sources are listed.
    assert!(
        text.contains("1992–1997   event    Tajik Civil War"),
        "{text}"
    );
    assert!(text.contains("Dyer, Theo (2025-09-26). Tajikistan: Between the Bear and the Dragon."));
    assert!(text.contains("Tajikistan Trade Portal (n.d.). (cited by ["));
    // Any country and any pair work; unknown ones fail clearly.
    let o = steppe(&["report", "KGZ", "--partners", "KAZ,UZB"]);
    assert!(o.status.success());
    assert!(String::from_utf8_lossy(&o.stdout).contains("Kazakhstan or Uzbekistan?"));
    let o = steppe(&["report", "Narnia"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn html_page_renders_in_a_headless_browser_with_chart_and_sources() {
    let dir = out_dir();
    let html = dir.join("report-TJK.html");
    let png = dir.join("report-TJK-chart.png");
    let o = steppe(&[
        "report",
        "TJK",
        "--html",
        html.to_str().unwrap(),
        "--png",
        png.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let page = std::fs::read_to_string(&html).unwrap();
    for fetch in [
        "src=\"http",
        "href=\"http",
        "url(http",
        "@import",
        "<script",
        "<link",
    ] {
        assert!(
            !page.contains(fetch),
            "the page must be self-contained: found `{fetch}`"
        );
    }
    let png_bytes = std::fs::read(&png).unwrap();
    assert_eq!(&png_bytes[..8], b"\x89PNG\r\n\x1a\n");

    let chromium = browser::find()
        .expect("Chromium is needed for this test (apt-get install chromium; .ci/run installs it)");
    let headless = Headless::new(chromium);
    let dom = headless.dom(&html);
    assert!(
        dom.contains("<figure class=\"chart\" id=\"chart-balance\"><svg"),
        "chart missing from the rendered DOM"
    );
    assert!(dom.contains("<ol id=\"sources\">") && dom.contains("Tajikistan Trade Portal"));
    assert!(dom.contains("<ol id=\"timeline\">"));
    let shot = dir.join("report-TJK.png");
    let o = headless.screenshot(&html, &shot, "1000,2400");
    assert!(
        shot.exists(),
        "no screenshot: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        std::fs::metadata(&shot).unwrap().len() > 10_000,
        "screenshot is suspiciously small"
    );
}

#[test]
fn report_text_fits_100_columns_and_long_partner_names_keep_alignment() {
    let o = Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(["report", "TJK"])
        .env("COLUMNS", "100")
        .output()
        .expect("run steppe");
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8_lossy(&o.stdout);
    for line in text.lines() {
        let w = unicode_width::UnicodeWidthStr::width(line);
        assert!(w <= 100, "{w} columns: {line:?}");
    }
    // Wrapped prose keeps every word: the source list still names the article in full.
    let words: Vec<&str> = text.split_whitespace().collect();
    assert!(words
        .join(" ")
        .contains("Tajikistan: Between the Bear and the Dragon."));
    // The elision and alignment of long names, and the indicator values, are checked on the
    // rendering itself: crates/steppe-report/tests/text.rs.
}

#[test]
fn an_unsupported_chart_format_is_one_line_naming_the_flag_path_and_format() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["x.svg", "chart", "x.PNG.txt"] {
        let path = dir.path().join(name);
        let o = steppe(&["report", "TJK", "--png", path.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: --png "), "{err}");
        assert!(
            err.contains(name) && err.contains("PNG") && err.contains(".png"),
            "{err}"
        );
        assert!(
            !err.contains('{') && !err.contains("Error("),
            "no debug dump: {err}"
        );
        // Checked before anything is printed or written.
        assert!(o.stdout.is_empty());
        assert!(!path.exists());
    }
    // A missing directory is one line too, for either file, before anything is printed.
    for flag in ["--png", "--html"] {
        let o = steppe(&["report", "TJK", flag, "/nonexistent-steppe-dir/x.png"]);
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(
            err.trim_end(),
            format!(
                "error: {flag} /nonexistent-steppe-dir/x.png: no directory /nonexistent-steppe-dir"
            )
        );
        assert!(o.stdout.is_empty());
    }
    // Upper-case extensions are PNG too.
    let path = dir.path().join("chart.PNG");
    let o = steppe(&["report", "TJK", "--png", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(&std::fs::read(&path).unwrap()[..4], b"\x89PNG");
}
