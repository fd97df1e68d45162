//! World Bank WDI importer, on small files written in each real layout with the traps real
//! downloads have.

use std::path::{Path, PathBuf};

use steppe::import::wdi::{self, WdiFileKind, WdiOptions};
use steppe::import::{ImportOptions, ImportReport, Reimport};
use steppe::model::{
    Entity, EntityCode, EntityType, Indicator, IndicatorObservation, Reject, Scheme, Source,
};
use steppe::store::ImportSummary;
use steppe::{Error, Store};

const REMIT: &str = "BX.TRF.PWKR.DT.GD.ZS";

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn balanced(s: &ImportSummary) {
    let skipped: u64 = s.rows_skipped.values().sum();
    assert_eq!(
        s.rows_read,
        s.rows_accepted + s.rows_rejected + skipped,
        "accounting of {}: {s:?}",
        s.file
    );
}

fn valid(store: &Path) -> Store {
    let store = Store::open(store).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    store
}

fn file<'a>(r: &'a ImportReport, name: &str) -> &'a ImportSummary {
    r.files
        .iter()
        .find(|f| f.file == name)
        .unwrap_or_else(|| panic!("no summary for {name}: {r:?}"))
}

fn obs(store: &Store, entity: &str, code: &str, year: i16) -> Vec<IndicatorObservation> {
    store
        .records::<IndicatorObservation>()
        .unwrap()
        .into_iter()
        .filter(|o| {
            o.entity_id == entity && o.indicator_id == format!("wdi:{code}") && o.year == year
        })
        .collect()
}

fn skipped(s: &ImportSummary, reason: &str) -> u64 {
    s.rows_skipped.get(reason).copied().unwrap_or(0)
}

fn rejected(s: &ImportSummary, reason: &str) -> u64 {
    s.rejected_by_reason.get(reason).copied().unwrap_or(0)
}

/// WDICountry.csv: every field quoted, a trailing comma, a note with a newline inside quotes.
fn country_meta() -> Vec<u8> {
    let mut s = String::from("\u{feff}\"Country Code\",\"Short Name\",\"Table Name\",\"Long Name\",\"2-alpha code\",\"Currency Unit\",\"Special Notes\",\"Region\",\"Income Group\",\"WB-2 code\",\n");
    for row in [
        r#""TJK","Tajikistan","Tajikistan","Republic of Tajikistan","TJ","Tajikistani somoni","Fiscal year end: December 31;
reporting period for national accounts data: CY.","Europe & Central Asia","Lower middle income","TJ","#,
        r#""WLD","World","World","World","1W","","World aggregate ""as computed"".","","","1W","#,
        r#""ECS","Europe & Central Asia","Europe & Central Asia","Europe & Central Asia (all income levels)","Z7","","","","","Z7","#,
        r#""XKX","Kosovo","Kosovo","Republic of Kosovo","XK","Euro","","Europe & Central Asia","Upper middle income","KV","#,
        r#""CHI","Channel Islands","Channel Islands","Channel Islands","JG","Pound sterling","","Europe & Central Asia","High income","JG","#,
        r#""KGZ","Kyrgyz Republic","Kyrgyz Republic","Kyrgyz Republic","KG","Kyrgyz som","","Europe & Central Asia","Lower middle income","KG","#,
    ] {
        s.push_str(row);
        s.push('\n');
    }
    s.into_bytes()
}

/// WDISeries.csv with a multi-line definition and the licence column.
fn series_meta() -> Vec<u8> {
    let mut s = String::from("\"Series Code\",\"Topic\",\"Indicator Name\",\"Short definition\",\"Long definition\",\"Unit of measure\",\"Periodicity\",\"Base Period\",\"Other notes\",\"Aggregation method\",\"Limitations and exceptions\",\"Notes from original source\",\"General comments\",\"Source\",\"Statistical concept and methodology\",\"Development relevance\",\"Related source links\",\"Other web links\",\"Related indicators\",\"License Type\",\r\n");
    s.push_str("\"BX.TRF.PWKR.DT.GD.ZS\",\"Economic Policy & Debt: Balance of payments: Current account: Transfers\",\"Personal remittances, received (% of GDP)\",\"\",\"Personal remittances comprise personal transfers and compensation of employees.\r\nPersonal transfers consist of all current transfers in cash or in kind.\",\"% of GDP\",\"Annual\",\"\",\"\",\"Weighted average\",\"\",\"\",\"\",\"World Bank staff estimates based on IMF balance of payments data, and World Bank and OECD GDP estimates.\",\"\",\"\",\"\",\"\",\"\",\"CC BY-4.0\",\r\n");
    s.push_str("\"NY.GDP.MKTP.CD\",\"Economic Policy & Debt: National accounts: US$ at current prices: Aggregate indicators\",\"GDP (current US$)\",\"\",\"GDP at purchaser's prices.\",\"\",\"Annual\",\"\",\"\",\"Gap-filled total\",\"\",\"\",\"\",\"World Bank national accounts data.\",\"\",\"\",\"\",\"\",\"\",\"CC BY-4.0\",\r\n");
    s.into_bytes()
}

/// WDICSV.csv: BOM, every field quoted, trailing comma, CRLF, and the traps.
fn wide_data() -> Vec<u8> {
    let mut out: Vec<u8> = Vec::new();
    out.extend_from_slice(b"\xEF\xBB\xBF\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"2018\",\"2019\",\"2020\",\r\n");
    let rows: [&[u8]; 11] = [
        // 2: Tajikistan, remittances.
        b"\"Tajikistan\",\"TJK\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"31.2\",\"28.2\",\"26.7\",",
        // 3: Tajikistan, GDP, one value.
        b"\"Tajikistan\",\"TJK\",\"GDP (current US$)\",\"NY.GDP.MKTP.CD\",\"\",\"8300775284.6\",\"\",",
        // 4: the world (an aggregate of the metadata).
        b"\"World\",\"WLD\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"0.7\",\"0.7\",\"0.8\",",
        // 5: an aggregate the metadata lacks, named by the line.
        b"\"Africa Eastern and Southern\",\"AFE\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"1.1\",\"\",\"\",",
        // 6: Kosovo, which the crosswalk has (World Bank XKX) and the metadata lists.
        b"\"Kosovo\",\"XKX\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"15.6\",\"15.9\",\"18.7\",",
        // 7: no values at all.
        b"\"Uzbekistan\",\"UZB\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"\",\"\",\"\",",
        // 8: an unknown, unnamed code.
        b"\"\",\"ZZQ\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"1.0\",\"\",\"\",",
        // 9: a malformed number.
        b"\"Kazakhstan\",\"KAZ\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"0.2\",\"abc\",\"0.2\",",
        // 10: a truncated line.
        b"\"Afghanistan\",\"AFG\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"1.5\"",
        // 11: Windows-1252 text (not UTF-8).
        b"\"Am\xe9rique latine et Cara\xefbes\",\"LCN\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"0.9\",\"\",\"\",",
        // 12: a duplicate of line 2.
        b"\"Tajikistan\",\"TJK\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"31.2\",\"28.2\",\"26.7\",",
    ];
    for r in rows {
        out.extend_from_slice(r);
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The bulk CSV of the `wide_bulk_csv_*` tests with its country and series metadata, imported
/// into `dir/store`; the store validates.
fn import_bulk_with_metadata(dir: &Path) -> (ImportReport, Store) {
    let out = dir.join("store");
    let data = write(dir, "WDICSV.csv", &wide_data());
    let countries = write(dir, "WDICountry.csv", &country_meta());
    let series = write(dir, "WDISeries.csv", &series_meta());
    // Metadata passed explicitly for countries, auto-detected for series (given among files).
    let report = wdi::import(
        &[data.clone(), series.clone()],
        &out,
        &WdiOptions {
            country_metadata: vec![countries.clone()],
            series_metadata: vec![],
            indicator: None,
        },
        &ImportOptions::default(),
    )
    .unwrap();
    (report, valid(&out))
}

#[test]
fn wide_bulk_csv_with_metadata_and_traps() {
    let dir = tempfile::tempdir().unwrap();
    let (report, _) = import_bulk_with_metadata(dir.path());
    assert_eq!(report.files.len(), 3);
    // Metadata first.
    assert_eq!(report.files[0].file, "WDICountry.csv");
    assert_eq!(report.files[1].file, "WDISeries.csv");
    for f in &report.files {
        balanced(f);
    }

    let c = file(&report, "WDICountry.csv");
    assert_eq!((c.rows_read, c.rows_accepted), (6, 3));
    // TJK, KGZ and XKX (Kosovo is in the crosswalk) are already entities.
    assert_eq!(skipped(c, "entity_exists"), 3);
    let s = file(&report, "WDISeries.csv");
    assert_eq!((s.rows_read, s.rows_accepted, s.rows_rejected), (2, 2, 0));

    let d = file(&report, "WDICSV.csv");
    assert_eq!(d.rows_read, 11);
    assert_eq!(d.rows_accepted, 6, "{d:?}"); // TJK x2, WLD, AFE, XKX, LCN
    assert_eq!(skipped(d, "no_values"), 1);
    assert_eq!(rejected(d, "unknown_code"), 1);
    assert_eq!(rejected(d, "malformed_number"), 1);
    assert_eq!(rejected(d, "wrong_column_count"), 1);
    assert_eq!(rejected(d, "duplicate_row"), 1);
    // 3 + 1 + 3 + 1 + 3 + 1 values.
    assert_eq!(d.rows_written["indicator_observations"], 12);
}

#[test]
fn wide_bulk_csv_observations_keep_value_line_and_status() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_bulk_with_metadata(dir.path());
    let tjk = obs(&store, "TJK", REMIT, 2019);
    assert_eq!(tjk.len(), 1);
    assert_eq!(tjk[0].value, 28.2);
    assert_eq!(tjk[0].source_line, Some(2));
    assert_eq!(tjk[0].obs_status.as_str(), "reported");
    assert_eq!(tjk[0].derivation.as_str(), "as_published");
    assert_eq!(
        obs(&store, "TJK", "NY.GDP.MKTP.CD", 2019)[0].value,
        8300775284.6
    );
    assert!(
        obs(&store, "TJK", "NY.GDP.MKTP.CD", 2018).is_empty(),
        "blank = no row"
    );
    assert_eq!(obs(&store, "WLD", REMIT, 2020)[0].value, 0.8);
    assert_eq!(obs(&store, "XKX", REMIT, 2020)[0].value, 18.7);
    assert_eq!(obs(&store, "AFE", REMIT, 2018)[0].value, 1.1);
    assert_eq!(obs(&store, "LCN", REMIT, 2018)[0].source_line, Some(11));
    assert!(
        obs(&store, "KAZ", REMIT, 2018).is_empty(),
        "a rejected line yields nothing"
    );
}

#[test]
fn wide_bulk_csv_aggregates_become_entities_with_wb_codes() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_bulk_with_metadata(dir.path());
    let entities: Vec<Entity> = store.records().unwrap();
    let ent = |id: &str| entities.iter().find(|e| e.entity_id == id).cloned();
    let wld = ent("WLD").unwrap();
    assert_eq!(wld.entity_type, EntityType::World);
    let ecs = ent("ECS").unwrap();
    assert_eq!(ecs.entity_type, EntityType::Aggregate);
    assert_eq!(
        ecs.name_official.as_deref(),
        Some("Europe & Central Asia (all income levels)")
    );
    let xkx = ent("XKX").unwrap();
    assert_eq!(xkx.entity_type, EntityType::Country);
    assert_eq!(xkx.name, "Kosovo");
    assert_eq!(ent("CHI").unwrap().entity_type, EntityType::Country);
    let afe = ent("AFE").unwrap();
    assert_eq!(afe.entity_type, EntityType::Aggregate);
    assert_eq!(afe.name, "Africa Eastern and Southern");
    let sources: Vec<Source> = store.records().unwrap();
    let src_of = |file: &str| file_source(&report, file);
    assert_eq!(wld.source_id, src_of("WDICountry.csv"));
    assert_eq!(afe.source_id, src_of("WDICSV.csv"));
    assert!(sources.iter().any(|s| s.source_id == afe.source_id
        && s.license.as_deref() == Some("CC-BY-4.0")
        && s.publisher.as_deref() == Some("World Bank")));
    // Countries of the crosswalk are not duplicated.
    assert_eq!(entities.iter().filter(|e| e.entity_id == "TJK").count(), 1);
    let codes: Vec<EntityCode> = store.records().unwrap();
    for id in ["WLD", "ECS", "XKX", "CHI", "AFE"] {
        assert!(
            codes
                .iter()
                .any(|c| c.entity_id == id && c.scheme == Scheme::Wb && c.code == id),
            "{id} has a wb code"
        );
    }
    let index = steppe::CodeIndex::from_store(&store).unwrap();
    assert_eq!(index.resolve_any("wb:XKX", None).unwrap(), "XKX");
    // Windows-1252 text is decoded, not rejected.
    assert_eq!(ent("LCN").unwrap().name, "Amérique latine et Caraïbes");
}

#[test]
fn wide_bulk_csv_series_metadata_defines_the_indicators() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_bulk_with_metadata(dir.path());
    let indicators: Vec<Indicator> = store.records().unwrap();
    let remit = indicators
        .iter()
        .find(|i| i.indicator_id == format!("wdi:{REMIT}"))
        .unwrap();
    assert_eq!(remit.name, "Personal remittances, received (% of GDP)");
    assert_eq!(remit.license.as_deref(), Some("CC-BY-4.0"));
    assert_eq!(remit.unit.as_deref(), Some("% of GDP"));
    assert_eq!(
        remit.aggregation_method.as_deref(),
        Some("Weighted average")
    );
    assert_eq!(remit.source_series_code, REMIT);
    assert!(remit
        .definition
        .as_deref()
        .unwrap()
        .contains("employees.\r\nPersonal transfers"));
    assert!(remit
        .source_note
        .as_deref()
        .unwrap()
        .starts_with("World Bank staff estimates"));
    assert_eq!(remit.source_id, file_source(&report, "WDISeries.csv"));
    assert_eq!(
        indicators.len(),
        2,
        "the data file did not duplicate the metadata's indicators"
    );
}

#[test]
fn wide_bulk_csv_rejects_name_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_bulk_with_metadata(dir.path());
    let rejects: Vec<Reject> = store.records().unwrap();
    let at = |line: i64| rejects.iter().find(|r| r.line == line).unwrap();
    assert_eq!(at(8).reason, "unknown_code");
    assert_eq!(at(8).field.as_deref(), Some("Country Code"));
    assert_eq!(at(9).reason, "malformed_number");
    assert_eq!(at(9).field.as_deref(), Some("2019"));
    assert!(at(9).raw.contains("Kazakhstan"));
    assert_eq!(at(10).reason, "wrong_column_count");
    assert_eq!(at(12).reason, "duplicate_row");
    assert_eq!(rejects.len(), 4);
}

fn file_source(r: &ImportReport, name: &str) -> String {
    file(r, name).source_id.clone()
}

/// The per-indicator API download: preamble with blank lines, header, trailing empty column,
/// LF endings; plus its two metadata files, recognised by their headers among the inputs.
#[test]
fn api_download_with_preamble_and_its_metadata_files() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let data = write(
        dir.path(),
        "API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3217.csv",
        b"\xEF\xBB\xBF\"Data Source\",\"World Development Indicators\",\n\n\"Last Updated Date\",\"2024-12-16\",\n\n\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicator Code\",\"1960\",\"2022\",\"2023\",\n\"Tajikistan\",\"TJK\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"\",\"51.0\",\"45.4\",\n\"Kyrgyz Republic\",\"KGZ\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"\",\"19.6\",\"17.7\",\n\"Lower middle income\",\"LMC\",\"Personal remittances, received (% of GDP)\",\"BX.TRF.PWKR.DT.GD.ZS\",\"\",\"4.0\",\"\",\n",
    );
    let cmeta = write(
        dir.path(),
        "Metadata_Country_API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3217.csv",
        b"\xEF\xBB\xBF\"Country Code\",\"Region\",\"IncomeGroup\",\"SpecialNotes\",\"TableName\",\n\"TJK\",\"Europe & Central Asia\",\"Lower middle income\",\"\",\"Tajikistan\",\n\"LMC\",\"\",\"\",\"Lower middle income economies are those with a GNI per capita between $1,146 and $4,515.\",\"Lower middle income\",\n",
    );
    let imeta = write(
        dir.path(),
        "Metadata_Indicator_API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3217.csv",
        b"\xEF\xBB\xBF\"INDICATOR_CODE\",\"INDICATOR_NAME\",\"SOURCE_NOTE\",\"SOURCE_ORGANIZATION\",\n\"BX.TRF.PWKR.DT.GD.ZS\",\"Personal remittances, received (% of GDP)\",\"Personal remittances comprise personal transfers and compensation of employees.\",\"World Bank staff estimates based on IMF balance of payments data.\",\n",
    );
    assert_eq!(wdi::detect(&data).unwrap(), WdiFileKind::Data);
    assert_eq!(wdi::detect(&cmeta).unwrap(), WdiFileKind::CountryMetadata);
    assert_eq!(wdi::detect(&imeta).unwrap(), WdiFileKind::SeriesMetadata);
    let report = wdi::import(
        &[data, imeta, cmeta],
        &out,
        &WdiOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    for f in &report.files {
        balanced(f);
    }
    let d = file(&report, "API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3217.csv");
    assert_eq!((d.rows_read, d.rows_accepted, d.rows_rejected), (3, 3, 0));
    assert_eq!(d.rows_written["indicator_observations"], 5);
    let store = valid(&out);
    let tjk = obs(&store, "TJK", REMIT, 2023);
    assert_eq!(tjk[0].value, 45.4);
    assert_eq!(
        tjk[0].source_line,
        Some(6),
        "the preamble's lines are counted"
    );
    assert_eq!(obs(&store, "LMC", REMIT, 2022)[0].value, 4.0);
    let entities: Vec<Entity> = store.records().unwrap();
    let lmc = entities.iter().find(|e| e.entity_id == "LMC").unwrap();
    assert_eq!(lmc.entity_type, EntityType::Aggregate);
    assert_eq!(lmc.name, "Lower middle income");
    assert_eq!(
        lmc.source_id,
        file_source(
            &report,
            "Metadata_Country_API_BX.TRF.PWKR.DT.GD.ZS_DS2_en_csv_v2_3217.csv"
        )
    );
    let indicators: Vec<Indicator> = store.records().unwrap();
    assert_eq!(indicators.len(), 1);
    assert_eq!(
        indicators[0].definition.as_deref(),
        Some("Personal remittances comprise personal transfers and compensation of employees.")
    );
    assert_eq!(
        indicators[0].license, None,
        "the API metadata states no licence per series"
    );
    let sources: Vec<Source> = store.records().unwrap();
    assert!(sources
        .iter()
        .any(|s| s.source_id == d.source_id && s.version.as_deref() == Some("2024-12-16")));
}

/// The DataBank export: `1994 [YR1994]` headers, `..` for missing, footer lines.
#[test]
fn databank_export_with_dots_and_footer() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let data = write(
        dir.path(),
        "Data_Extract_From_World_Development_Indicators.csv",
        b"Country Name,Country Code,Series Name,Series Code,2019 [YR2019],2020 [YR2020],2021 [YR2021]\nTajikistan,TJK,\"Personal remittances, received (% of GDP)\",BX.TRF.PWKR.DT.GD.ZS,28.2,26.7,..\nUzbekistan,UZB,\"Personal remittances, received (% of GDP)\",BX.TRF.PWKR.DT.GD.ZS,..,..,..\nKyrgyz Republic,KGZ,\"Personal remittances, received (% of GDP)\",BX.TRF.PWKR.DT.GD.ZS,28.5,n/a,32.0\n\n\nData from database: World Development Indicators\nLast Updated: 12/16/2024\n",
    );
    let report = wdi::import(
        &[data],
        &out,
        &WdiOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    let d = &report.files[0];
    balanced(d);
    assert_eq!(d.rows_read, 5);
    assert_eq!(d.rows_accepted, 1);
    assert_eq!(skipped(d, "no_values"), 1);
    assert_eq!(skipped(d, "footer"), 2);
    assert_eq!(rejected(d, "malformed_number"), 1);
    assert_eq!(d.rows_written["indicator_observations"], 2);
    let store = valid(&out);
    assert_eq!(obs(&store, "TJK", REMIT, 2020)[0].value, 26.7);
    assert!(obs(&store, "TJK", REMIT, 2021).is_empty());
    let rejects: Vec<Reject> = store.records().unwrap();
    assert_eq!(rejects[0].line, 4);
    assert_eq!(rejects[0].field.as_deref(), Some("2020 [YR2020]"));
    // Without metadata, the indicator row comes from the data file's Series Name.
    let indicators: Vec<Indicator> = store.records().unwrap();
    assert_eq!(
        indicators[0].name,
        "Personal remittances, received (% of GDP)"
    );
    assert_eq!(indicators[0].source_id, d.source_id);
}

#[test]
fn wrong_headers_fail_before_anything_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let good = write(dir.path(), "WDICSV.csv", &wide_data());
    let bad = write(
        dir.path(),
        "bad.csv",
        b"\"Data Source\",\"World Development Indicators\",\n\n\"Country Name\",\"Country Code\",\"Indicator Name\",\"Indicatr Code\",\"2019\",\n\"Tajikistan\",\"TJK\",\"x\",\"y\",\"1\",\n",
    );
    let err = wdi::import(
        &[good.clone(), bad],
        &out,
        &WdiOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    match &err {
        Error::Format { location, .. } => {
            assert!(location.path.as_ref().unwrap().ends_with("bad.csv"));
            assert_eq!(location.row, Some(3));
            assert_eq!(location.field.as_deref(), Some("Indicatr Code"));
        }
        other => panic!("expected a format error, got {other:?}"),
    }
    assert!(
        !out.exists(),
        "nothing written: the store was not even created"
    );

    let other = write(
        dir.path(),
        "trade.csv",
        b"t,i,j,k,v,q\n2023,762,643,010121,1.5,2\n",
    );
    let err = wdi::import(
        &[other],
        &out,
        &WdiOptions::default(),
        &ImportOptions::default(),
    )
    .unwrap_err();
    let Error::Format { location, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        (location.row, location.field.as_deref()),
        (Some(1), Some("t"))
    );

    // A data file given as country metadata.
    let err = wdi::import(
        &[],
        &out,
        &WdiOptions {
            country_metadata: vec![good],
            series_metadata: vec![],
            indicator: None,
        },
        &ImportOptions::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("country metadata"), "{err}");
    assert!(!out.exists());
}

#[test]
fn second_file_appends_and_reimport_skips_or_replaces() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("store");
    let a = write(
        dir.path(),
        "a.csv",
        b"Country Name,Country Code,Indicator Name,Indicator Code,2019,2020\nTajikistan,TJK,Personal remittances,BX.TRF.PWKR.DT.GD.ZS,28.2,26.7\nMiddle East & North Africa,MEA,Personal remittances,BX.TRF.PWKR.DT.GD.ZS,2.1,2.3\n",
    );
    let b = write(
        dir.path(),
        "b.csv",
        b"Country Name,Country Code,Indicator Name,Indicator Code,2021\nTajikistan,TJK,Personal remittances,BX.TRF.PWKR.DT.GD.ZS,34.0\nMiddle East & North Africa,MEA,Personal remittances,BX.TRF.PWKR.DT.GD.ZS,2.4\n",
    );
    let opts = ImportOptions::default();
    let r = wdi::import(
        std::slice::from_ref(&a),
        &out,
        &WdiOptions::default(),
        &opts,
    )
    .unwrap();
    balanced(&r.files[0]);
    let r = wdi::import(
        std::slice::from_ref(&b),
        &out,
        &WdiOptions::default(),
        &opts,
    )
    .unwrap();
    balanced(&r.files[0]);
    let count = |store: &Store| store.records::<IndicatorObservation>().unwrap().len();
    let store = valid(&out);
    assert_eq!(count(&store), 6);
    // MEA was created by a.csv and reused by b.csv; one indicator row.
    assert_eq!(
        store
            .records::<Entity>()
            .unwrap()
            .iter()
            .filter(|e| e.entity_id == "MEA")
            .count(),
        1
    );
    assert_eq!(store.records::<Indicator>().unwrap().len(), 1);

    // Same file again: skipped by default.
    let r = wdi::import(
        std::slice::from_ref(&a),
        &out,
        &WdiOptions::default(),
        &opts,
    )
    .unwrap();
    assert_eq!(r.skipped_files, vec!["a.csv".to_string()]);
    assert!(r.files.is_empty());
    assert_eq!(count(&valid(&out)), 6);

    // Replaced on request: the first import's rows (and the entities and indicator it
    // created, which b.csv uses) come back once.
    let replace = ImportOptions {
        reimport: Reimport::Replace,
        ..Default::default()
    };
    let r = wdi::import(
        std::slice::from_ref(&a),
        &out,
        &WdiOptions::default(),
        &replace,
    )
    .unwrap();
    assert_eq!(r.files.len(), 1);
    balanced(&r.files[0]);
    let store = valid(&out);
    assert_eq!(count(&store), 6);
    assert_eq!(obs(&store, "MEA", REMIT, 2021)[0].value, 2.4);
    assert_eq!(obs(&store, "MEA", REMIT, 2019)[0].value, 2.1);
    assert_eq!(
        store
            .descriptor()
            .steppe
            .imports
            .iter()
            .filter(|i| i.importer == "wdi")
            .count(),
        2
    );

    // Series metadata after the data: the name-only indicator stays, counted as skipped.
    let series = write(dir.path(), "WDISeries.csv", &series_meta());
    let r = wdi::import(&[series], &out, &WdiOptions::default(), &opts).unwrap();
    balanced(&r.files[0]);
    assert_eq!(skipped(&r.files[0], "indicator_exists"), 1);
    assert_eq!(r.files[0].rows_accepted, 1);
    valid(&out);

    // Fail policy.
    let fail = ImportOptions {
        reimport: Reimport::Fail,
        ..Default::default()
    };
    assert!(wdi::import(&[b], &out, &WdiOptions::default(), &fail).is_err());
}
