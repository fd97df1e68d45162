//! Comtrade's bulk layouts: the same rows as a CSV download, as a tab-separated `.txt`, as a
//! gzipped `.txt.gz`, as a gzipped file whose name does not say so and as a `.txt` inside a
//! `.zip` import the same flows;
//! a header of neither layout is refused with what was found and what was expected.

use std::io::Write;
use std::path::{Path, PathBuf};

use steppe::import::comtrade::import_comtrade;
use steppe::import::{ImportOptions, ImportReport};
use steppe::model::TradeFlow;
use steppe::Store;

/// The current layout's columns (a subset, in Comtrade's order).
const HEADER: &[&str] = &[
    "typeCode",
    "freqCode",
    "refYear",
    "period",
    "reporterCode",
    "reporterISO",
    "reporterDesc",
    "flowCode",
    "partnerCode",
    "partnerISO",
    "partnerDesc",
    "partner2Code",
    "classificationCode",
    "cmdCode",
    "cmdDesc",
    "customsCode",
    "mosCode",
    "motCode",
    "qtyUnitAbbr",
    "qty",
    "netWgt",
    "cifvalue",
    "fobvalue",
    "primaryValue",
    "isReported",
];

/// Three rows: Tajikistan's exports of live horses to Uzbekistan, its imports of cotton from
/// Kazakhstan, and a breakdown row (customs procedure C01) that is skipped.
fn rows() -> Vec<Vec<&'static str>> {
    vec![
        vec![
            "C",
            "A",
            "2022",
            "2022",
            "762",
            "TJK",
            "Tajikistan",
            "X",
            "860",
            "UZB",
            "Uzbekistan",
            "0",
            "H6",
            "010121",
            "Horses, live, pure-bred",
            "C00",
            "0",
            "0",
            "u",
            "12",
            "1500.5",
            "",
            "1234.56",
            "1234.56",
            "true",
        ],
        vec![
            "C",
            "A",
            "2022",
            "2022",
            "762",
            "TJK",
            "Tajikistan",
            "M",
            "398",
            "KAZ",
            "Kazakhstan",
            "0",
            "H6",
            "520100",
            "Cotton, not carded",
            "C00",
            "0",
            "0",
            "kg",
            "900",
            "900",
            "4500",
            "",
            "4500",
            "false",
        ],
        vec![
            "C",
            "A",
            "2022",
            "2022",
            "762",
            "TJK",
            "Tajikistan",
            "M",
            "398",
            "KAZ",
            "Kazakhstan",
            "0",
            "H6",
            "520100",
            "Cotton, not carded",
            "C01",
            "0",
            "0",
            "kg",
            "900",
            "900",
            "4500",
            "",
            "4500",
            "false",
        ],
    ]
}

/// The file's text with fields joined by `sep` (quoted when they hold it).
fn text(sep: &str) -> String {
    let line = |fields: &[&str]| {
        let quoted: Vec<String> = fields
            .iter()
            .map(|f| {
                if f.contains(sep) {
                    format!("\"{f}\"")
                } else {
                    f.to_string()
                }
            })
            .collect();
        quoted.join(sep) + "\r\n"
    };
    let mut out = line(HEADER);
    for r in rows() {
        out.push_str(&line(&r));
    }
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut g = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    g.write_all(bytes).unwrap();
    g.finish().unwrap()
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// Imports `file` into a store of its own; the report and the flows (without their source).
fn import(file: &Path) -> (ImportReport, Vec<TradeFlow>) {
    let out = file.with_extension("store");
    let report = import_comtrade(&[file.to_path_buf()], &out, &ImportOptions::default()).unwrap();
    let store = Store::open(&out).unwrap();
    let report_ok = steppe::validate(&store).unwrap();
    assert!(report_ok.is_ok(), "{:#?}", report_ok.problems);
    let mut flows: Vec<TradeFlow> = store.records().unwrap();
    flows.sort_by_key(|f| f.source_line);
    for f in &mut flows {
        f.source_id.clear();
    }
    (report, flows)
}

#[test]
fn tab_separated_and_gzipped_files_import_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "comtrade.csv", text(",").as_bytes());
    let (report, expected) = import(&csv);
    assert_eq!(
        (report.rows_read(), report.rows_accepted()),
        (3, 2),
        "{report:?}"
    );
    assert_eq!(report.files[0].rows_skipped.get("breakdown_row"), Some(&1));
    // The CSV's flows, checked once: the comparisons below hold the others to them.
    assert_eq!(expected.len(), 2);
    let (x, m) = (&expected[0], &expected[1]);
    assert_eq!(
        (x.reporter_id.as_str(), x.partner_id.as_str(), x.flow),
        ("TJK", "UZB", steppe::model::Flow::Export)
    );
    assert_eq!(
        (x.commodity_code.as_str(), x.value, x.source_line),
        ("010121", Some(1234.56), Some(2))
    );
    assert_eq!((m.partner_id.as_str(), m.value), ("KAZ", Some(4500.0)));
    assert!(m.is_estimated);

    let tsv = text("\t");
    assert!(
        !tsv.contains('"'),
        "descriptions with commas need no quotes"
    );
    let files = [
        write(dir.path(), "TJK_2022_bulk.txt", tsv.as_bytes()),
        write(dir.path(), "TJK_2022_bulk.txt.gz", &gzip(tsv.as_bytes())),
        write(dir.path(), "TJK_2022_bulk_gz.gz", &gzip(tsv.as_bytes())),
        // Gzipped, named like plain text: found by its magic bytes.
        write(dir.path(), "TJK_2022_renamed.txt", &gzip(tsv.as_bytes())),
        write(
            dir.path(),
            "comtrade_csv.csv.gz",
            &gzip(text(",").as_bytes()),
        ),
    ];
    for file in &files {
        let (report, flows) = import(file);
        assert_eq!(report.rows_read(), 3, "{}", file.display());
        assert_eq!(report.rows_accepted(), 2, "{}", file.display());
        assert_eq!(flows, expected, "{}", file.display());
    }
}

#[test]
fn a_header_of_neither_layout_names_the_delimiter_and_first_columns() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("wdi.txt", "Country Name\tCountry Code\tIndicator Name\tIndicator Code\t1960\t1961\t1962\t1963\t1964\n", "tab", "Country Name,Country Code,Indicator Name,Indicator Code,1960,1961,1962,1963, ..."),
        ("baci.csv", "t,i,j,k,v,q\n", "comma", "t,i,j,k,v,q`"),
    ];
    for (name, content, sep, shown) in cases {
        let file = write(dir.path(), name, content.as_bytes());
        let out = dir.path().join(format!("{name}.store"));
        let err = import_comtrade(std::slice::from_ref(&file), &out, &ImportOptions::default())
            .unwrap_err();
        let steppe::Error::Format { location, message } = &err else {
            panic!("expected a format error, got {err:?}");
        };
        assert_eq!(location.path.as_deref(), Some(file.as_path()));
        assert_eq!(location.row, Some(1));
        assert!(
            message.contains(&format!("found a {sep}-separated header")),
            "{message}"
        );
        assert!(message.contains(shown), "{message}");
        assert!(
            message.contains("expected the current layout (typeCode"),
            "{message}"
        );
        assert!(message.contains("comma- or tab-separated"), "{message}");
        assert!(!out.exists(), "nothing is written");
    }
    // The same header gzipped: the message is about the decompressed header.
    let gz = write(
        dir.path(),
        "baci.csv.gz",
        &gzip(b"t\ti\tj\tk\tv\tq\n2023\t4\t8\t010121\t1\t1\n"),
    );
    let err = import_comtrade(
        &[gz],
        &dir.path().join("gz.store"),
        &ImportOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("found a tab-separated header of 6 columns starting `t,i,j,k,v,q`"),
        "{err}"
    );
}

/// A zip of `(name, bytes)` members, in order.
fn zip(dir: &Path, name: &str, members: &[(&str, &[u8])]) -> PathBuf {
    let path = dir.join(name);
    let mut z = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    for (member, bytes) in members {
        z.start_file(*member, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap();
    path
}

#[test]
fn a_tab_separated_txt_inside_a_zip_imports_like_the_csv() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "comtrade.csv", text(",").as_bytes());
    let (_, expected) = import(&csv);
    assert_eq!(expected.len(), 2);
    let tsv = text("\t");
    let zipped = zip(
        dir.path(),
        "TJK_2022_bulk.zip",
        &[
            ("readme.pdf", b"%PDF-1.4 not data"),
            ("data/TJK_2022_bulk.txt", tsv.as_bytes()),
        ],
    );
    let (report, flows) = import(&zipped);
    assert_eq!(
        (report.rows_read(), report.rows_accepted()),
        (3, 2),
        "{report:?}"
    );
    assert_eq!(report.files[0].rows_skipped.get("breakdown_row"), Some(&1));
    assert_eq!(flows, expected);
    assert_eq!(flows[0].source_line, Some(2));

    // A zip holding neither a .csv nor a .txt names what it holds.
    let other = zip(dir.path(), "other.zip", &[("readme.pdf", b"%PDF-1.4")]);
    let out = dir.path().join("other.store");
    let err = import_comtrade(
        std::slice::from_ref(&other),
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let steppe::Error::Format { location, message } = &err else {
        panic!("expected a format error, got {err:?}");
    };
    assert_eq!(location.path.as_deref(), Some(other.as_path()));
    assert!(message.contains("no Comtrade file"), "{message}");
    assert!(message.contains("it holds: readme.pdf"), "{message}");
    assert!(!out.exists(), "nothing is written");
}

/// A Comtrade file re-saved with semicolons is refused before the store is made; the
/// message names the delimiter found and how to fix it.
#[test]
fn a_semicolon_separated_comtrade_file_names_its_delimiter() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("comtrade.csv");
    let header = HEADER.join(";");
    std::fs::write(&file, format!("{header}\n")).unwrap();
    let out = dir.path().join("store");
    let message = import_comtrade(&[file], &out, &ImportOptions::default())
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(
            "the header is separated by `;`, not commas: re-save the file comma-separated"
        ),
        "{message}"
    );
    assert!(!out.exists());
}
