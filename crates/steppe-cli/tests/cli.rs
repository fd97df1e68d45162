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
        .row_count(steppe::Table::EntityCodes)
        .to_string();
    assert!(out.contains(&codes), "entity_codes row count");
    // In a narrow terminal the table wraps its headers and long lines wrap.
    let o = steppe_env(&["info"], &[("COLUMNS", "60")]);
    let narrow = stdout(&o);
    assert!(widest(&narrow) <= 60, "{narrow}");
    assert!(narrow.contains(&codes) && narrow.contains("indicator_observations"));
    assert!(narrow.contains("MIT"), "{narrow}");
}

#[test]
fn query_trade_flows_prints_the_four_2023_figures_with_their_source() {
    let o = steppe(&[
        "query",
        "trade_flows",
        "--reporter",
        "TJK",
        "--years",
        "2023",
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
            "--years",
            "2023",
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
        "2021..2023",
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
fn a_country_option_the_table_has_no_column_for_is_named_as_the_flag() {
    let o = steppe(&["query", "events", "--reporter", "TJK"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        stderr(&o).trim_end(),
        "error: --reporter does not apply to table `events` (it has no `reporter_id` column)"
    );
    let o = steppe(&["query", "events", "--partner", "TJK"]);
    assert!(
        stderr(&o).starts_with("error: --partner does not apply to table `events`"),
        "{}",
        stderr(&o)
    );
    let o = steppe(&["query", "events", "--involving", "TJK"]);
    assert_eq!(
        stderr(&o).trim_end(),
        "error: --involving does not apply to table `events`"
    );
    let o = steppe(&["query", "sources", "--country", "TJK"]);
    assert_eq!(
        stderr(&o).trim_end(),
        "error: --country does not apply to table `sources`"
    );
}

#[test]
fn query_writes_parquet_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("flows.parquet");
    let o = steppe(&[
        "query",
        "trade_flows",
        "--years",
        "2023",
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
    // Without --format, the --out extension names the format; --format still wins.
    for (name, starts) in [
        ("f.csv", &b"year,month,"[..]),
        ("f.jsonl", &b"{\"year\":2023"[..]),
        ("f.parquet", &b"PAR1"[..]),
        ("f.txt", "┌".as_bytes()),
    ] {
        let path = dir.path().join(name);
        let o = steppe(&[
            "query",
            "trade_flows",
            "--years",
            "2023",
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        let bytes = std::fs::read(&path).unwrap();
        assert!(
            bytes.starts_with(starts),
            "{name}: {}",
            String::from_utf8_lossy(&bytes)
        );
    }
    let path = dir.path().join("g.csv");
    let o = steppe(&[
        "query",
        "trade_flows",
        "--format",
        "json",
        "--out",
        path.to_str().unwrap(),
    ]);
    assert!(o.status.success());
    assert!(std::fs::read_to_string(&path).unwrap().starts_with('{'));
}

fn steppe_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steppe"))
        .args(args)
        .envs(env.iter().copied())
        .output()
        .expect("run steppe")
}

/// The widest line of `text`, in terminal columns.
fn widest(text: &str) -> usize {
    text.lines()
        .map(unicode_width::UnicodeWidthStr::width)
        .max()
        .unwrap_or(0)
}

#[test]
fn query_tables_fit_80_and_120_column_terminals() {
    let mut header_cells = Vec::new();
    for cols in ["80", "120"] {
        let w: usize = cols.parse().unwrap();
        for (args, must) in [
            (
                &[
                    "query",
                    "trade_flows",
                    "--reporter",
                    "TJK",
                    "--years",
                    "2023",
                ][..],
                // Columns with one value in all rows are stated once, above the table.
                &[
                    "313,800,000",
                    "value (USD)",
                    "same in all 4 rows: year=2023, reporter_id=TJK",
                    "4 row(s) of trade_flows",
                ][..],
            ),
            (
                &["query", "events", "--country", "TJK"][..],
                &[
                    "cur:tajik-civil-war",
                    "not shown: ",
                    "--wide",
                    "7 row(s) of events",
                ][..],
            ),
            (&["query", "sources"][..], &["dyer-2025-tajikistan"][..]),
            (
                &["query", "trade_flows", "--reporter", "TJK", "--limit", "1"][..],
                &["source_locator"][..],
            ),
        ] {
            let o = steppe_env(args, &[("COLUMNS", cols)]);
            assert!(o.status.success(), "{}", stderr(&o));
            let out = stdout(&o);
            assert!(widest(&out) <= w, "{args:?} wider than {w}:\n{out}");
            for m in must {
                assert!(out.contains(m), "{args:?} at {w}: `{m}` missing\n{out}");
            }
            if args[1] == "events" {
                let header = out.lines().nth(2).unwrap().to_string();
                header_cells.push(header.matches('┆').count());
            }
        }
    }
    assert!(
        header_cells[1] > header_cells[0],
        "120 columns show more than 80"
    );
    // --wide: every non-empty column in full, whatever the terminal.
    let o = steppe_env(
        &["query", "events", "--country", "TJK", "--wide"],
        &[("COLUMNS", "80")],
    );
    let out = stdout(&o);
    assert!(widest(&out) > 120, "{out}");
    assert!(out.contains("source_locator") && !out.contains("not shown"));
    // Not a terminal and no COLUMNS: nothing is fitted (the pipe gets every column).
    let o = steppe_env(&["query", "trade_flows", "--reporter", "TJK"], &[]);
    assert!(stdout(&o).contains("derivation") && !stdout(&o).contains("not shown"));
}

#[test]
fn table_numbers_are_for_people_and_csv_json_keep_full_precision() {
    let o = steppe_env(
        &[
            "query",
            "trade_flows",
            "--reporter",
            "TJK",
            "--years",
            "2023",
            "--columns",
            "year,partner_id,flow,value",
        ],
        &[("COLUMNS", "100")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    for v in [
        "137,400,000",
        "1,580,000,000",
        "313,800,000",
        "1,189,000,000",
    ] {
        assert!(out.contains(v), "{v} missing\n{out}");
    }
    // The unit goes in the header (every row is in USD); years are not grouped.
    assert!(
        out.contains("value (USD)") && out.contains("│ 2023 "),
        "{out}"
    );
    assert!(!out.contains("313800000") && !out.contains(".0 ") && !out.contains("2,023"));
    // The currency column was read for the unit but is not shown: exactly the columns asked.
    assert!(!out.contains("currency"), "{out}");
    let csv = stdout(&steppe(&[
        "query",
        "trade_flows",
        "--reporter",
        "TJK",
        "--years",
        "2023",
        "--format",
        "csv",
        "--columns",
        "value",
    ]));
    assert!(csv.lines().skip(1).any(|l| l == "313800000.0"), "{csv}");
    let json = stdout(&steppe(&[
        "query",
        "trade_flows",
        "--reporter",
        "TJK",
        "--years",
        "2023",
        "--format",
        "json",
        "--limit",
        "1",
    ]));
    let row: serde_json::Value = serde_json::from_str(json.lines().next().unwrap()).unwrap();
    assert_eq!(row["value"].as_f64(), Some(313_800_000.0), "{json}");
    assert_eq!(row["year"], 2023, "{json}");
}

#[test]
fn columns_come_in_the_order_given_in_every_format() {
    let args = |format: &str| {
        stdout(&steppe(&[
            "query",
            "trade_flows",
            "--reporter",
            "TJK",
            "--columns",
            "value,partner_id,year",
            "--format",
            format,
        ]))
    };
    let csv = args("csv");
    assert_eq!(csv.lines().next(), Some("value,partner_id,year"), "{csv}");
    assert!(csv.contains("\n313800000.0,CHN,2023\n"), "{csv}");
    let json = args("json");
    let first = json.lines().next().unwrap();
    let (v, p, y) = (
        first.find("\"value\"").unwrap(),
        first.find("\"partner_id\"").unwrap(),
        first.find("\"year\"").unwrap(),
    );
    assert!(v < p && p < y, "{first}");
    let table = args("table");
    let header = table.lines().nth(1).unwrap();
    let (v, p, y) = (
        header.find("value (USD)").unwrap(),
        header.find("partner_id").unwrap(),
        header.find("year").unwrap(),
    );
    assert!(v < p && p < y, "{header}");
    // Parquet keeps the order too, and goes to standard output when that is not a terminal.
    let o = steppe(&[
        "query",
        "trade_flows",
        "--columns",
        "value,partner_id,year",
        "--format",
        "parquet",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(&o.stdout[..4], b"PAR1");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("piped.parquet");
    std::fs::write(&file, &o.stdout).unwrap();
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&file).unwrap(),
    )
    .unwrap();
    let names: Vec<String> = reader
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["value", "partner_id", "year"]);
    // An unknown column is one line listing the valid ones; a repeated one is refused.
    let o = steppe(&["query", "trade_flows", "--columns", "year,valu"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no column `valu`") && err.contains("year, month, reporter_id"));
    let o = steppe(&["query", "trade_flows", "--columns", "year,year"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        stderr(&o).contains("`year` is listed twice"),
        "{}",
        stderr(&o)
    );
    let o = steppe(&["query", "trade_flows", "--format", "csv", "--wide"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).starts_with("error: --wide applies to the table format"));
}

#[test]
fn import_ucdp_acd_then_query_conflicts_by_country() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("UcdpPrioConflict_v25_1.csv");
    // Two conflict-years as the 25.1 spreadsheet re-save writes them (semicolons, D-M-YYYY).
    std::fs::write(
        &file,
        "conflict_id;location;side_a;side_a_id;side_a_2nd;side_b;side_b_id;side_b_2nd;\
         incompatibility;territory_name;year;intensity_level;cumulative_intensity;\
         type_of_conflict;start_date;start_prec;start_date2;start_prec2;ep_end;ep_end_date;\
         ep_end_prec;gwno_a;gwno_a_2nd;gwno_b;gwno_b_2nd;gwno_loc;region;version\r\n\
         13324;Kyrgyzstan, Tajikistan;Government of Kyrgyzstan;132;;Government of Tajikistan;\
         131;;1;Common Border;2022;1;0;2;10-7-2014;1;1-5-2021;2;1;18-9-2022;;703;;702;;702, 703;\
         3;25.1\r\n\
         415;Uzbekistan;Government of Uzbekistan;133;;IMU;359;;2;;1999;1;0;3;16-2-1999;1;\
         30-3-1999;1;0;;;704;;;;704;3;25.1\r\n",
    )
    .unwrap();
    let store = dir.path().join("store");
    let (f, s) = (file.to_str().unwrap(), store.to_str().unwrap());
    let o = steppe(&["import", "ucdp-acd", f, "--out", s, "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("read 2, accepted 2, rejected 0"),
        "{}",
        stdout(&o)
    );
    let o = steppe(&[
        "query",
        "conflicts",
        "--store",
        s,
        "--country",
        "KGZ",
        "--columns",
        "conflict_id,year,location,ep_end_date,type_of_conflict",
        "--format",
        "csv",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "conflict_id,year,location,ep_end_date,type_of_conflict\n\
         13324,2022,\"Kyrgyzstan, Tajikistan\",2022-09-18,interstate\n"
    );
    let o = steppe(&["validate", s]);
    assert!(o.status.success(), "{}", stdout(&o));
}

/// An entity's predecessor and successor links, as stored (CSV) and for people.
#[test]
fn query_entities_shows_predecessors_and_successors() {
    let o = steppe(&[
        "query",
        "entities",
        "--country",
        "TJK",
        "--format",
        "csv",
        "--columns",
        "entity_id,predecessor_ids,successor_ids",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().nth(1), Some("TJK,[SUN],"));
    let o = steppe(&["query", "entities", "--country", "SUN", "--wide"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("successor_ids"), "{out}");
    assert!(
        out.contains("[ARM, AZE, EST, GEO, KAZ, KGZ, LTU, LVA, MDA, RUS, TJK, TKM, UZB]"),
        "{out}"
    );
}

#[test]
fn import_comtrade_help_names_the_bulk_txt_downloads() {
    let o = steppe(&["import", "comtrade", "--help"]);
    assert!(o.status.success());
    let help = stdout(&o);
    assert!(help.contains("tab-separated `.txt`"), "{help}");
    assert!(help.contains("`.txt.gz`"), "{help}");
}
