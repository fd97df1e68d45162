//! End-to-end: the `steppe` binary on the bundled dataset and on a store directory.

use std::process::{Command, Output};

fn steppe(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .output()
        .expect("run steppe")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn info_without_arguments_lists_the_bundled_tables() {
    let o = steppe(&["info"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(&format!("schema version: {}", steppe::SCHEMA_VERSION)));
    for table in [
        "entities",
        "entity_codes",
        "trade_flows",
        "events",
        "sources",
        "claims",
        "rejects",
    ] {
        assert!(out.contains(table), "{table} missing from\n{out}");
    }
    let codes = steppe::Store::bundled()
        .unwrap()
        .row_count(steppe::Table::EntityCodes);
    assert!(out.contains(&codes.to_string()), "entity_codes row count");
}

#[test]
fn query_trade_flows_prints_the_four_2023_figures_with_their_source() {
    let o = steppe(&[
        "query",
        "trade_flows",
        "--reporter",
        "TJK",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5, "{out}");
    for v in ["137400000", "1580000000", "313800000", "1189000000"] {
        assert!(out.contains(v), "{v} missing");
    }
    assert!(lines[1..]
        .iter()
        .all(|l| l.contains("dyer-2025-tajikistan") && l.contains("tajikistan-trade-portal")));
    // Country options accept any ISO form and prefixed schemes.
    for form in ["TJ", "762", "fips:TI", "gw:702"] {
        let o2 = steppe(&[
            "query",
            "trade_flows",
            "--reporter",
            form,
            "--format",
            "csv",
        ]);
        assert_eq!(stdout(&o2), out, "--reporter {form}");
    }
    let o = steppe(&[
        "query",
        "trade_flows",
        "--involving",
        "CHN",
        "--flow",
        "import",
        "--years",
        "2020..2023",
        "--format",
        "json",
    ]);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.contains("\"value\":1189000000"), "{out}");
}

#[test]
fn query_events_and_entities_by_country() {
    let o = steppe(&[
        "query",
        "events",
        "--country",
        "TJK",
        "--format",
        "csv",
        "--columns",
        "event_id,start_date,date_precision",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("cur:tajik-civil-war,1992-01-01,year"), "{out}");
    assert!(out.contains("cur:kgz-tjk-border-agreement-2025"));
    let russia = stdout(&steppe(&[
        "query",
        "entities",
        "--country",
        "fips:RS",
        "--format",
        "csv",
        "--columns",
        "entity_id",
    ]));
    assert_eq!(russia.lines().nth(1), Some("RUS"));
    let serbia = stdout(&steppe(&[
        "query",
        "entities",
        "--country",
        "RS",
        "--format",
        "csv",
        "--columns",
        "entity_id",
    ]));
    assert_eq!(serbia.lines().nth(1), Some("SRB"));
}

#[test]
fn validate_passes_on_the_bundled_dataset_and_fails_on_a_damaged_store() {
    let o = steppe(&["validate"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).starts_with("ok:"));

    // Export the bundled trade flows to Parquet, then damage a store built by the library.
    let dir = tempfile::tempdir().unwrap();
    let store = dir.path().join("store");
    steppe::curated::Curated::read(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data"),
    )
    .unwrap()
    .write_store(&store)
    .unwrap();
    let o = steppe(&["validate", store.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    let d = steppe::Store::open(&store).unwrap();
    let file = &d
        .descriptor()
        .resource(steppe::Table::Claims)
        .unwrap()
        .steppe
        .files[0]
        .path;
    std::fs::write(store.join(file), b"not parquet").unwrap();
    let o = steppe(&["validate", store.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("claims"), "{}", stdout(&o));
    assert!(stderr(&o).contains("problem(s)"));
}

#[test]
fn cite_in_every_format() {
    let text = stdout(&steppe(&["cite", "dyer-2025-tajikistan"]));
    assert!(
        text.starts_with("Dyer, Theo (2025-09-26). Tajikistan: Between the Bear and the Dragon"),
        "{text}"
    );
    let bib = stdout(&steppe(&["cite", "iiss-2022", "--format", "bibtex"]));
    assert!(
        bib.starts_with("@misc{iiss-2022,") && bib.contains("pages = {91}"),
        "{bib}"
    );
    let csl: serde_json::Value = serde_json::from_str(&stdout(&steppe(&[
        "cite",
        "rotar-1996",
        "--format",
        "csl-json",
    ])))
    .unwrap();
    assert_eq!(csl[0]["issued"]["date-parts"], serde_json::json!([[1996]]));
    let o = steppe(&["cite", "nobody-2099"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no source `nobody-2099`"));
}

#[test]
fn errors_are_one_clear_line_and_a_nonzero_exit() {
    let o = steppe(&["query", "flows"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).starts_with("error: unknown table `flows`"),
        "{}",
        stderr(&o)
    );
    let o = steppe(&["query", "trade_flows", "--reporter", "Atlantis"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("--reporter Atlantis"), "{}", stderr(&o));
    // Every value that fails is named in the one line, with its reason.
    let o = steppe(&[
        "query",
        "trade_flows",
        "--involving",
        "Atlantis",
        "--involving",
        "TJK",
        "--involving",
        "fips:ZZ",
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("--involving Atlantis: "), "{err}");
    assert!(err.contains("--involving fips:ZZ: "), "{err}");
    assert!(!err.contains("--involving TJK"), "{err}");
    let dir = tempfile::tempdir().unwrap();
    let o = steppe(&["info", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a steppe store"));
    assert_eq!(stderr(&o).lines().count(), 1);
    let o = steppe(&["query", "trade_flows", "--years", "later"]);
    assert_eq!(o.status.code(), Some(1));
    let o = steppe(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn query_writes_parquet_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flows.parquet");
    let o = steppe(&[
        "query",
        "trade_flows",
        "--format",
        "parquet",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let file = std::fs::File::open(&out).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file)
        .unwrap()
        .build()
        .unwrap();
    let rows: usize = reader.map(|b| b.unwrap().num_rows()).sum();
    assert_eq!(rows, 4);
}
