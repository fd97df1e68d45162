//! The Comtrade importer on small files written in the current and the legacy layouts, with
//! the traps of real downloads: Windows-1252 text, a trailing comma on every line, all-quoted
//! fields with bare empty ones, `true`/`false` booleans, decimals, pseudo-area partners (World,
//! "Other Asia, nes", "Other Europe, nes"), breakdown rows, legacy files mixing aggregation
//! levels, BOM, CRLF, no final newline, `NA` quantities, unknown codes and a truncated line.

use std::path::{Path, PathBuf};

use steppe::import::comtrade::import_comtrade;
use steppe::import::{ImportOptions, ImportReport, Reimport};
use steppe::model::{
    Derivation, Entity, EntityCode, EntityType, Flow, Perspective, PriceBasis, Reject, Scheme,
    Source, TradeFlow,
};
use steppe::{validate, Store, Table};

const CURRENT: &str = "typeCode,freqCode,refPeriodId,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,flowDesc,partnerCode,partnerISO,partnerDesc,partner2Code,partner2ISO,partner2Desc,classificationCode,classificationSearchCode,isOriginalClassification,cmdCode,cmdDesc,aggrLevel,isLeaf,customsCode,customsDesc,mosCode,motCode,motDesc,qtyUnitCode,qtyUnitAbbr,qty,isQtyEstimated,altQtyUnitCode,altQtyUnitAbbr,altQty,isAltQtyEstimated,netWgt,isNetWgtEstimated,grossWgt,isGrossWgtEstimated,cifvalue,fobvalue,primaryValue,legacyEstimationFlag,isReported,isAggregate";

const LEGACY: &str = "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,2nd Partner Code,2nd Partner,2nd Partner ISO,Customs Proc. Code,Customs,Mode of Transport Code,Mode of Transport,Commodity Code,Commodity,Qty Unit Code,Qty Unit,Qty,Alt Qty Unit Code,Alt Qty Unit,Alt Qty,Netweight (kg),Gross weight (kg),Trade Value (US$),CIF Trade Value (US$),FOB Trade Value (US$),Flag";

/// A current-layout row: defaults (Tajikistan exports HS 010121 to Uzbekistan in 2022),
/// overridden by name.
fn current_row(overrides: &[(&str, &str)]) -> Vec<String> {
    let defaults: &[(&str, &str)] = &[
        ("typeCode", "C"),
        ("freqCode", "A"),
        ("refPeriodId", "20220101"),
        ("refYear", "2022"),
        ("refMonth", "52"),
        ("period", "2022"),
        ("reporterCode", "762"),
        ("reporterISO", "TJK"),
        ("reporterDesc", "Tajikistan"),
        ("flowCode", "X"),
        ("flowDesc", "Export"),
        ("partnerCode", "860"),
        ("partnerISO", "UZB"),
        ("partnerDesc", "Uzbekistan"),
        ("partner2Code", "0"),
        ("partner2ISO", "W00"),
        ("partner2Desc", "World"),
        ("classificationCode", "H6"),
        ("classificationSearchCode", "HS"),
        ("isOriginalClassification", "true"),
        ("cmdCode", "010121"),
        ("cmdDesc", "Horses"),
        ("aggrLevel", "6"),
        ("isLeaf", "true"),
        ("customsCode", "C00"),
        ("customsDesc", "TOTAL CPC"),
        ("mosCode", "0"),
        ("motCode", "0"),
        ("motDesc", "TOTAL MOT"),
        ("qtyUnitCode", "5"),
        ("qtyUnitAbbr", "u"),
        ("qty", "12"),
        ("isQtyEstimated", "false"),
        ("altQtyUnitCode", "-1"),
        ("altQtyUnitAbbr", "N/A"),
        ("altQty", ""),
        ("isAltQtyEstimated", "false"),
        ("netWgt", "1500.5"),
        ("isNetWgtEstimated", "false"),
        ("grossWgt", ""),
        ("isGrossWgtEstimated", "false"),
        ("cifvalue", ""),
        ("fobvalue", "1234.56"),
        ("primaryValue", "1234.56"),
        ("legacyEstimationFlag", "0"),
        ("isReported", "true"),
        ("isAggregate", "false"),
    ];
    let names: Vec<&str> = CURRENT.split(',').collect();
    assert_eq!(names.len(), defaults.len());
    names
        .iter()
        .map(|n| {
            overrides
                .iter()
                .find(|(k, _)| k == n)
                .or_else(|| defaults.iter().find(|(k, _)| k == n))
                .map(|(_, v)| v.to_string())
                .unwrap()
        })
        .collect()
}

fn csv_line(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| {
            if f.contains(',') {
                format!("\"{f}\"")
            } else {
                f.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn accounting_holds(report: &ImportReport) {
    for f in &report.files {
        let skipped: u64 = f.rows_skipped.values().sum();
        assert_eq!(
            f.rows_read,
            f.rows_accepted + f.rows_rejected + skipped,
            "{}: read {} != accepted {} + rejected {} + skipped {skipped}",
            f.file,
            f.rows_read,
            f.rows_accepted,
            f.rows_rejected
        );
        assert_eq!(
            f.rows_accepted,
            f.rows_written.get("trade_flows").copied().unwrap_or(0)
        );
    }
}

fn valid(store: &Path) -> Store {
    let s = Store::open(store).unwrap();
    let report = validate(&s).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    s
}

fn flows(store: &Store) -> Vec<TradeFlow> {
    let mut f: Vec<TradeFlow> = store.records().unwrap();
    f.sort_by_key(|r| (r.source_id.clone(), r.source_line));
    f
}

fn rejects(store: &Store) -> Vec<Reject> {
    let mut r: Vec<Reject> = store.records().unwrap();
    r.sort_by_key(|r| (r.file.clone(), r.line));
    r
}

/// The current-layout file of the `current_layout_*` tests, imported into `dir/store`: six
/// flows (lines 2-5, 10, 15), four skipped rows (6-9) and five traps (11-14, 16); the store
/// validates.
fn import_current_layout(dir: &Path) -> (ImportReport, Store) {
    let rows: Vec<Vec<String>> = vec![
        // 2: to the World.
        current_row(&[
            ("partnerCode", "0"),
            ("partnerISO", "W00"),
            ("partnerDesc", "World"),
            ("cmdCode", "TOTAL"),
            ("aggrLevel", "0"),
            ("primaryValue", "5000000"),
            ("fobvalue", "5000000"),
        ]),
        // 3: imports from "Other Asia, nes", CIF, qty NA and no net weight.
        current_row(&[
            ("flowCode", "M"),
            ("flowDesc", "Import"),
            ("partnerCode", "490"),
            ("partnerISO", "S19"),
            ("partnerDesc", "Other Asia, nes"),
            ("cmdCode", "847130"),
            ("qty", "NA"),
            ("netWgt", ""),
            ("cifvalue", "99.5"),
            ("fobvalue", ""),
            ("primaryValue", "99.5"),
        ]),
        // 4: re-exports to "Other Europe, nes".
        current_row(&[
            ("flowCode", "RX"),
            ("partnerCode", "568"),
            ("partnerISO", "_X"),
            ("partnerDesc", "Other Europe, nes"),
        ]),
        // 5: the USA (842) re-imports from France (251), an estimated row.
        current_row(&[
            ("reporterCode", "842"),
            ("reporterISO", "USA"),
            ("reporterDesc", "USA"),
            ("flowCode", "RM"),
            ("partnerCode", "251"),
            ("partnerISO", "FRA"),
            ("partnerDesc", "France"),
            ("isReported", "false"),
            ("netWgt", ""),
            ("qty", "7"),
        ]),
        // 6: a processing flow: skipped.
        current_row(&[
            ("flowCode", "MIP"),
            ("flowDesc", "Import of goods for inward processing"),
        ]),
        // 7-9: breakdown rows: skipped.
        current_row(&[("customsCode", "C01")]),
        current_row(&[("motCode", "2100")]),
        current_row(&[("partner2Code", "4")]),
        // 10: monthly, lost leading zero.
        current_row(&[
            ("freqCode", "M"),
            ("refMonth", "3"),
            ("period", "202203"),
            ("cmdCode", "10121"),
        ]),
        // 11: an unknown code.
        current_row(&[
            ("partnerCode", "123"),
            ("partnerISO", ""),
            ("partnerDesc", "Atlantis"),
        ]),
        // 12: a duplicate of line 2's flow.
        current_row(&[
            ("partnerCode", "0"),
            ("partnerISO", "W00"),
            ("partnerDesc", "World"),
            ("cmdCode", "TOTAL"),
            ("aggrLevel", "0"),
            ("primaryValue", "1"),
        ]),
        // 13: negative, 14: malformed.
        current_row(&[
            ("cmdCode", "0102"),
            ("aggrLevel", "4"),
            ("primaryValue", "-3"),
        ]),
        current_row(&[
            ("cmdCode", "0103"),
            ("aggrLevel", "4"),
            ("primaryValue", "12x"),
        ]),
        // 15: Kazakhstan exports to the World in HS 2017.
        current_row(&[
            ("reporterCode", "398"),
            ("reporterISO", "KAZ"),
            ("partnerCode", "0"),
            ("partnerISO", "W00"),
            ("partnerDesc", "World"),
            ("classificationCode", "H5"),
        ]),
    ];
    let mut text = String::from(CURRENT);
    text.push('\n');
    for r in &rows {
        text.push_str(&csv_line(r));
        text.push('\n');
    }
    // 16: too few fields.
    text.push_str("C,A,20220101,2022\n");
    let file = write(dir, "TradeData_762_2022.csv", text.as_bytes());
    let out = dir.join("store");
    let report = import_comtrade(&[file], &out, &ImportOptions::default()).unwrap();
    (report, valid(&out))
}

#[test]
fn current_layout_pseudo_areas_flows_and_breakdowns() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_current_layout(dir.path());
    accounting_holds(&report);
    let s = &report.files[0];
    assert_eq!(s.rows_read, 15);
    assert_eq!(s.rows_accepted, 6);
    assert_eq!(s.rows_skipped.get("other_flow"), Some(&1));
    assert_eq!(s.rows_skipped.get("breakdown_row"), Some(&3));
    assert_eq!(s.rows_rejected, 5);
    let f = flows(&store);
    assert_eq!(f.len(), 6);
    let world = &f[0];
    assert_eq!(
        (world.reporter_id.as_str(), world.partner_id.as_str()),
        ("TJK", "WLD")
    );
    assert_eq!(world.commodity_code, "TOTAL");
    assert_eq!(world.classification, "HS22");
    assert_eq!(world.value, Some(5_000_000.0));
    assert_eq!(world.flow, Flow::Export);
    assert_eq!(world.price_basis, PriceBasis::Fob);
    assert_eq!(world.perspective, Perspective::ReporterDeclared);
    assert_eq!(world.derivation, Derivation::AsPublished);
    assert_eq!(world.quantity, Some(1500.5));
    assert_eq!(world.quantity_unit.as_deref(), Some("kg"));
    assert!(!world.is_estimated);
    assert_eq!(world.source_line, Some(2));
    let nes = &f[1];
    assert_eq!(nes.partner_id, "X490");
    assert_eq!(nes.flow, Flow::Import);
    assert_eq!(nes.price_basis, PriceBasis::Cif);
    assert_eq!(nes.value, Some(99.5));
    assert_eq!(nes.value_precision, Some(0.1));
    assert_eq!(nes.quantity, None);
    assert_eq!(f[2].partner_id, "X568");
    assert_eq!(f[2].flow, Flow::ReExport);
    assert_eq!(f[2].value, Some(1234.56));
    assert_eq!(
        (f[3].reporter_id.as_str(), f[3].partner_id.as_str()),
        ("USA", "FRA")
    );
    assert_eq!(f[3].flow, Flow::ReImport);
    assert!(f[3].is_estimated);
    assert_eq!(f[3].quantity, Some(7.0));
    assert_eq!(f[3].quantity_unit.as_deref(), Some("u"));
    assert_eq!(f[4].month, Some(3));
    assert_eq!(f[4].commodity_code, "010121");
    assert_eq!(f[4].source_line, Some(10));
    assert_eq!(f[5].reporter_id, "KAZ");
    assert_eq!(f[5].classification, "HS17");
}

#[test]
fn current_layout_rejects_name_line_field_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    let (_, store) = import_current_layout(dir.path());
    let r = rejects(&store);
    let got: Vec<(i64, &str)> = r.iter().map(|r| (r.line, r.reason.as_str())).collect();
    assert_eq!(
        got,
        vec![
            (11, "unknown_code"),
            (12, "duplicate"),
            (13, "negative_value"),
            (14, "malformed_number"),
            (16, "wrong_column_count"),
        ]
    );
    assert_eq!(r[0].field.as_deref(), Some("partnerCode"));
    assert!(r[0].detail.as_deref().unwrap().contains("Atlantis"));
    assert_eq!(r[4].raw, "C,A,20220101,2022");
}

#[test]
fn current_layout_pseudo_areas_become_entities_citing_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (report, store) = import_current_layout(dir.path());
    let s = &report.files[0];
    // Pseudo-areas: entities and `comtrade` crosswalk rows citing the file, for the codes it
    // names only.
    let entities: Vec<Entity> = store.records().unwrap();
    let get = |id: &str| entities.iter().find(|e| e.entity_id == id).unwrap();
    assert_eq!(get("WLD").entity_type, EntityType::World);
    assert_eq!(get("WLD").name, "World");
    assert_eq!(get("X490").entity_type, EntityType::ResidualNes);
    assert_eq!(get("X490").name, "Other Asia, nes");
    assert_eq!(get("X568").name, "Other Europe, nes");
    assert_eq!(get("X490").source_id, s.source_id);
    assert!(!entities.iter().any(|e| e.entity_id == "X899"));
    let codes: Vec<EntityCode> = store.records().unwrap();
    let comtrade: Vec<(String, String)> = {
        let mut v: Vec<(String, String)> = codes
            .iter()
            .filter(|c| c.scheme == Scheme::Comtrade)
            .map(|c| (c.code.clone(), c.entity_id.clone()))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        comtrade,
        vec![
            ("0".to_string(), "WLD".to_string()),
            ("490".to_string(), "X490".to_string()),
            ("568".to_string(), "X568".to_string())
        ]
    );
    // The licence restricts redistribution.
    let sources: Vec<Source> = store.records().unwrap();
    let src = sources.iter().find(|x| x.source_id == s.source_id).unwrap();
    assert!(!src.redistributable);
    assert_eq!(src.csl_type, "dataset");
    let res = store.descriptor().resource(Table::TradeFlows).unwrap();
    assert!(!res.steppe.redistributable);
    // And `steppe::CodeIndex` now resolves Comtrade's pseudo-areas.
    let idx = steppe::CodeIndex::from_store(&store).unwrap();
    assert_eq!(idx.resolve_any("comtrade:490", None).unwrap(), "X490");
}

#[test]
fn windows_1252_all_quoted_trailing_comma_and_booleans() {
    let dir = tempfile::tempdir().unwrap();
    // Every field quoted except bare empty ones, one trailing comma per line, Latin-1 text.
    let quote = |fields: Vec<String>| -> Vec<u8> {
        let mut line: Vec<u8> = Vec::new();
        for f in fields {
            if !f.is_empty() {
                line.push(b'"');
                let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&f);
                line.extend_from_slice(&bytes);
                line.push(b'"');
            }
            line.push(b',');
        }
        line.extend_from_slice(b"\r\n");
        line
    };
    let mut data: Vec<u8> = Vec::new();
    let header: Vec<String> = CURRENT.split(',').map(String::from).collect();
    data.extend(quote(header));
    data.extend(quote(current_row(&[
        ("partnerCode", "384"),
        ("partnerISO", "CIV"),
        ("partnerDesc", "Côte d'Ivoire"),
        ("isReported", "FALSE"),
        ("primaryValue", "0.25"),
    ])));
    data.extend(quote(current_row(&[
        ("flowCode", "M"),
        ("partnerCode", "0"),
        ("partnerISO", ""),
        ("partnerDesc", "World"),
        ("netWgt", ""),
        ("qty", ""),
        ("isReported", "True"),
    ])));
    data.extend(quote(current_row(&[
        ("isReported", "maybe"),
        ("cmdCode", "0102"),
    ])));
    let file = write(dir.path(), "comtrade_latin1.csv", &data);
    let out = dir.path().join("store");
    let report = import_comtrade(&[file], &out, &ImportOptions::default()).unwrap();
    accounting_holds(&report);
    assert_eq!(report.rows_read(), 3);
    assert_eq!(report.rows_accepted(), 2);
    assert_eq!(
        report.files[0].rejected_by_reason.get("malformed_boolean"),
        Some(&1)
    );
    let store = valid(&out);
    let f = flows(&store);
    assert_eq!(f[0].partner_id, "CIV");
    assert!(f[0].is_estimated);
    assert_eq!(f[0].value, Some(0.25));
    assert_eq!(f[1].partner_id, "WLD");
    assert_eq!(f[1].flow, Flow::Import);
    assert!(!f[1].is_estimated);
    assert_eq!(f[1].quantity, None);
    assert_eq!(f[1].quantity_unit, None);
    let r = rejects(&store);
    assert_eq!(r[0].line, 4);
    assert!(r[0].raw.starts_with("\"C\",\"A\""));
}

#[test]
fn legacy_layout_mixes_aggregation_levels() {
    let dir = tempfile::tempdir().unwrap();
    // BOM, CRLF, no final newline; leading zeros lost; World partner with ISO WLD.
    let lines = [
        // level 0 total
        "HS,2019,2019,2019,0,0,2,Export,762,Tajikistan,TJK,0,World,WLD,,,,,,,,TOTAL,All Commodities,1,No Quantity,,,,,,,1000000,,1000000,0",
        // level 2, code 1 -> 01
        "HS,2019,2019,2019,2,0,2,Export,762,Tajikistan,TJK,0,World,WLD,,,,,,,,1,Live animals,1,No Quantity,,,,,,,500000,,500000,0",
        // level 4, code 101 -> 0101
        "HS,2019,2019,2019,4,0,2,Export,762,Tajikistan,TJK,0,World,WLD,,,,,,,,101,\"Horses, asses\",5,Number of items,40,,,,12000,,400000,,400000,2",
        // level 6, code 10121 -> 010121, net weight in kg
        "HS,2019,2019,2019,6,1,2,Export,762,Tajikistan,TJK,860,Uzbekistan,UZB,,,,,,,,10121,Pure-bred horses,5,Number of items,40,,,,12000.5,,400000.75,,400000.75,0",
        // imports from Other Asia, nes (legacy partner ISO empty), flow code 1
        "HS,2019,2019,2019,6,1,1,Import,762,Tajikistan,TJK,490,\"Other Asia, nes\",,,,,,,,,847130,Computers,5,Number of items,NA,,,,NA,,2500,2500,,0",
        // re-export (3) and re-import (4)
        "HS,2019,2019,2019,2,0,3,Re-Export,762,Tajikistan,TJK,398,Kazakhstan,KAZ,,,,,,,,52,Cotton,1,No Quantity,,,,,,,70,,70,0",
        "HS,2019,2019,2019,2,0,4,Re-Import,762,Tajikistan,TJK,398,Kazakhstan,KAZ,,,,,,,,52,Cotton,1,No Quantity,,,,,,,80,80,,0",
        // France's Comtrade code 251 with ISO FRA, Switzerland 757 with ISO CHE
        "HS,2019,2019,2019,2,0,1,Import,757,Switzerland,CHE,251,France,FRA,,,,,,,,52,Cotton,1,No Quantity,,,,,,,90,90,,0",
    ];
    let mut text = String::from("\u{feff}");
    text.push_str(LEGACY);
    for l in lines {
        text.push_str("\r\n");
        text.push_str(l);
    }
    let file = write(dir.path(), "comtrade_legacy_2019.csv", text.as_bytes());
    let out = dir.path().join("store");
    let report = import_comtrade(&[file], &out, &ImportOptions::default()).unwrap();
    accounting_holds(&report);
    assert_eq!(report.rows_read(), 8);
    assert_eq!(report.rows_accepted(), 8, "{:?}", report.files[0]);
    let store = valid(&out);
    let f = flows(&store);
    let codes: Vec<&str> = f.iter().map(|r| r.commodity_code.as_str()).collect();
    assert_eq!(
        codes,
        vec!["TOTAL", "01", "0101", "010121", "847130", "52", "52", "52"]
    );
    assert!(f.iter().all(|r| r.classification == "HS" && r.year == 2019));
    assert_eq!(f[0].partner_id, "WLD");
    assert_eq!(f[2].quantity, Some(12000.0));
    assert_eq!(f[2].quantity_unit.as_deref(), Some("kg"));
    assert_eq!(f[3].value, Some(400_000.75));
    assert_eq!(f[3].quantity, Some(12000.5));
    assert_eq!(f[4].partner_id, "X490");
    assert_eq!(f[4].flow, Flow::Import);
    assert_eq!(f[4].quantity, None);
    assert_eq!(f[5].flow, Flow::ReExport);
    assert_eq!(f[6].flow, Flow::ReImport);
    assert_eq!(
        (f[7].reporter_id.as_str(), f[7].partner_id.as_str()),
        ("CHE", "FRA")
    );
    assert_eq!(f[7].source_line, Some(9));
}

#[test]
fn a_wrong_header_stops_and_a_truncated_line_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(
        dir.path(),
        "not_comtrade.csv",
        b"t,i,j,k,v,q\n2023,4,8,010121,1,1\n",
    );
    let out = dir.path().join("store");
    let err =
        import_comtrade(std::slice::from_ref(&bad), &out, &ImportOptions::default()).unwrap_err();
    match &err {
        steppe::Error::Format { location, message } => {
            assert_eq!(location.path.as_deref(), Some(bad.as_path()));
            assert_eq!(location.row, Some(1));
            assert!(message.contains("t,i,j,k,v,q"), "{message}");
        }
        other => panic!("expected a format error, got {other:?}"),
    }
    assert!(!out.exists());

    let mut text = String::from(CURRENT);
    text.push('\n');
    text.push_str(&csv_line(&current_row(&[])));
    text.push('\n');
    let cut = csv_line(&current_row(&[("cmdCode", "0102")]));
    text.push_str(&cut[..cut.len() / 2]);
    let file = write(dir.path(), "cut.csv", text.as_bytes());
    let report = import_comtrade(&[file], &out, &ImportOptions::default()).unwrap();
    accounting_holds(&report);
    assert_eq!(report.rows_accepted(), 1);
    assert_eq!(
        report.files[0].rejected_by_reason.get("truncated_line"),
        Some(&1)
    );
    let store = valid(&out);
    assert_eq!(rejects(&store)[0].line, 3);
}

#[test]
fn reimport_skips_or_replaces_and_areas_are_shared() {
    let dir = tempfile::tempdir().unwrap();
    let one = |reporter: &str, iso: &str| {
        let mut text = String::from(CURRENT);
        text.push('\n');
        for partner in [("0", "W00", "World"), ("899", "_X", "Areas, nes")] {
            text.push_str(&csv_line(&current_row(&[
                ("reporterCode", reporter),
                ("reporterISO", iso),
                ("partnerCode", partner.0),
                ("partnerISO", partner.1),
                ("partnerDesc", partner.2),
            ])));
            text.push('\n');
        }
        text
    };
    let a = write(dir.path(), "a.csv", one("762", "TJK").as_bytes());
    let b = write(dir.path(), "b.csv", one("860", "UZB").as_bytes());
    let out = dir.path().join("store");
    let opts = ImportOptions::default();
    let r = import_comtrade(&[a.clone(), b.clone()], &out, &opts).unwrap();
    accounting_holds(&r);
    assert_eq!(r.rows_accepted(), 4);
    let store = valid(&out);
    let entities: Vec<Entity> = store.records().unwrap();
    assert_eq!(entities.iter().filter(|e| e.entity_id == "WLD").count(), 1);

    let r = import_comtrade(std::slice::from_ref(&a), &out, &opts).unwrap();
    assert_eq!(r.skipped_files, vec!["a.csv".to_string()]);
    let replace = ImportOptions {
        reimport: Reimport::Replace,
        ..Default::default()
    };
    for file in [&a, &b, &a] {
        let r = import_comtrade(std::slice::from_ref(file), &out, &replace).unwrap();
        accounting_holds(&r);
        let store = valid(&out);
        assert_eq!(store.row_count(Table::TradeFlows), 4);
        let entities: Vec<Entity> = store.records().unwrap();
        assert_eq!(entities.iter().filter(|e| e.entity_id == "WLD").count(), 1);
        assert_eq!(entities.iter().filter(|e| e.entity_id == "X899").count(), 1);
        assert_eq!(store.descriptor().steppe.imports.len(), 2);
    }
}

/// Free-valued columns with more distinct values than a dictionary with `Int16` keys holds
/// (32,767 with the store's `Int16` keys): of 40,000 distinct quantity units the first 32,767 import
/// as values and the rows after them are rejected `too_many_values`; of 40,000 distinct "nes"
/// partner areas, the areas that fit the entity dictionary are created and the rows after
/// them are rejected `too_many_areas`. No panic; the accounting holds; the store validates.
#[test]
fn forty_thousand_distinct_units_or_areas_are_values_or_rejects() {
    let dir = tempfile::tempdir().unwrap();
    let n: u64 = 40_000;
    let mut text = format!("{CURRENT}\n");
    for i in 0..n {
        let unit = format!("unit {i}");
        let cmd = format!("{:06}", 100_000 + i);
        let row = current_row(&[
            ("qtyUnitAbbr", &unit),
            ("netWgt", ""),
            ("qty", "3"),
            ("cmdCode", &cmd),
        ]);
        text.push_str(&csv_line(&row));
        text.push('\n');
    }
    let units = write(dir.path(), "units.csv", text.as_bytes());
    let store = dir.path().join("store");
    let report = import_comtrade(&[units], &store, &ImportOptions::default()).unwrap();
    accounting_holds(&report);
    let file = &report.files[0];
    assert_eq!(file.rows_read, n);
    assert_eq!(file.rows_accepted, 32_767);
    assert_eq!(file.rows_rejected, n - 32_767);
    assert_eq!(
        file.rejected_by_reason.get("too_many_values"),
        Some(&(n - 32_767))
    );
    let s = valid(&store);
    let f = flows(&s);
    assert_eq!(f.len(), 32_767);
    let distinct: std::collections::HashSet<&str> = f
        .iter()
        .filter_map(|r| r.quantity_unit.as_deref())
        .collect();
    assert_eq!(distinct.len(), 32_767);
    assert_eq!(f[32_766].quantity_unit.as_deref(), Some("unit 32766"));
    assert_eq!(f[32_766].quantity, Some(3.0));
    let r = rejects(&s);
    assert_eq!(r.len() as u64, n - 32_767);
    // Header on line 1: the row of unit 32767 is on line 32769.
    assert_eq!(r[0].line, 32_769);
    assert_eq!(r[0].reason, "too_many_values");
    assert_eq!(r[0].field.as_deref(), Some("qtyUnitAbbr"));
    assert!(r[0].raw.contains("unit 32767,"), "{}", r[0].raw);

    let mut text = format!("{CURRENT}\n");
    for i in 0..n {
        let code = (100_000 + i).to_string();
        let desc = format!("Area {i}, nes");
        let row = current_row(&[
            ("partnerCode", &code),
            ("partnerISO", ""),
            ("partnerDesc", &desc),
        ]);
        text.push_str(&csv_line(&row));
        text.push('\n');
    }
    let areas = write(dir.path(), "areas.csv", text.as_bytes());
    let options = ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let report = import_comtrade(&[areas], &store, &options).unwrap();
    accounting_holds(&report);
    let file = &report.files[0];
    assert_eq!(file.rows_read, n);
    // Tajikistan holds one key of the file's entity dictionary; the areas take the rest.
    assert_eq!(file.rows_accepted, 32_766);
    assert_eq!(file.rows_rejected, n - 32_766);
    assert_eq!(
        file.rejected_by_reason.get("too_many_areas"),
        Some(&(n - 32_766))
    );
    let s = valid(&store);
    let r = rejects(&s);
    let last = r
        .iter()
        .find(|r| r.file == "areas.csv" && r.line == n as i64 + 1)
        .unwrap();
    assert_eq!(last.reason, "too_many_areas");
    assert_eq!(last.field.as_deref(), Some("partnerCode"));
    let entities: Vec<Entity> = s.records().unwrap();
    assert!(entities.iter().any(|e| e.entity_id == "X132765"));
    assert!(!entities.iter().any(|e| e.entity_id == "X132766"));
}

/// Two files, the second a truncated gzip: the first stays committed, and the error says so
/// (its summary, the store) and that the second wrote nothing. A missing or directory input
/// fails before anything is written.
#[test]
fn a_later_file_failing_names_what_was_committed_before_it() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{CURRENT}\n{}\n", csv_line(&current_row(&[])));
    let good = write(dir.path(), "good.csv", text.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.repeat(50).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    let trunc = write(dir.path(), "trunc.csv.gz", &gz[..gz.len() / 2]);
    let out = dir.path().join("store");

    for bad in [dir.path().join("missing.csv"), dir.path().to_path_buf()] {
        let err = import_comtrade(
            &[good.clone(), bad.clone()],
            &out,
            &ImportOptions::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().starts_with(&bad.display().to_string()),
            "{err}"
        );
        assert!(!out.exists(), "{err}");
    }

    let err = import_comtrade(
        &[good.clone(), trunc.clone()],
        &out,
        &ImportOptions::default(),
    )
    .unwrap_err();
    let message = err.to_string();
    let steppe::Error::PartlyImported {
        committed,
        failed,
        store,
        error,
    } = &err
    else {
        panic!("{err:?}");
    };
    assert_eq!(failed, &trunc.display().to_string());
    assert_eq!(store, &out);
    assert!(matches!(**error, steppe::Error::Io { .. }), "{error:?}");
    assert_eq!(committed.files.len(), 1);
    assert_eq!(committed.files[0].file, "good.csv");
    assert_eq!(committed.files[0].rows_accepted, 1);
    assert!(
        message.contains(&format!("{} wrote nothing", trunc.display()))
            && message.contains("good.csv (1 rows accepted)")
            && message.contains(&out.display().to_string()),
        "{message}"
    );
    assert!(std::ptr::eq(err.failure(), &**error));
    let store = valid(&out);
    assert_eq!(flows(&store).len(), 1);
    assert_eq!(store.descriptor().steppe.imports.len(), 1);
}

/// The same content plain and gzipped: in either order the second is skipped or refused
/// (`fail`, and `replace` too: a Comtrade import's entities and rows are decided against the
/// store, so it replaces only an import of the same file); the store ends with the first
/// copy, and the import record of the gzipped file holds its content's sha256.
#[test]
fn the_same_content_gzipped_is_the_same_file() {
    use sha2::Digest;
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{CURRENT}\n{}\n", csv_line(&current_row(&[])));
    let plain = write(dir.path(), "TJK_2022.csv", text.as_bytes());
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(text.as_bytes()).unwrap();
    let gzipped = write(dir.path(), "TJK_2022.csv.gz", &gz.finish().unwrap());
    let content = hex::encode(sha2::Sha256::digest(text.as_bytes()));
    for (first, second) in [(&plain, &gzipped), (&gzipped, &plain)] {
        for policy in [Reimport::Skip, Reimport::Fail, Reimport::Replace] {
            let out = dir.path().join(format!(
                "store-{policy:?}-{}",
                first.file_name().unwrap().to_string_lossy()
            ));
            let once =
                import_comtrade(std::slice::from_ref(first), &out, &ImportOptions::default())
                    .unwrap();
            assert_eq!(once.files.len(), 1);
            let options = ImportOptions {
                reimport: policy,
                ..Default::default()
            };
            let result = import_comtrade(std::slice::from_ref(second), &out, &options);
            let store = valid(&out);
            assert_eq!(flows(&store).len(), 1, "{policy:?} {first:?}");
            let imports = &store.descriptor().steppe.imports;
            assert_eq!(imports.len(), 1, "{policy:?}: {imports:#?}");
            let kept = first;
            assert_eq!(imports[0].file, kept.file_name().unwrap().to_string_lossy());
            let expected = (kept == &gzipped).then(|| content.clone());
            assert_eq!(imports[0].content_sha256, expected);
            let sources: Vec<Source> = store.records().unwrap();
            let of_file = |id: &str| sources.iter().filter(|s| s.source_id == id).count();
            assert_eq!(of_file(&imports[0].source_id), 1);
            assert_eq!(
                of_file(&once.files[0].source_id),
                usize::from(kept == first)
            );
            match policy {
                Reimport::Skip => assert_eq!(result.unwrap().files.len(), 0),
                Reimport::Fail => assert!(
                    matches!(result, Err(steppe::Error::AlreadyImported { .. })),
                    "{result:?}"
                ),
                Reimport::Replace => {
                    let err = result.unwrap_err();
                    assert!(matches!(err, steppe::Error::InvalidArgument(_)), "{err:?}");
                    let message = err.to_string();
                    assert!(
                        message.contains("imported from another file")
                            && message.contains("replaces an import of the same file only")
                            && message.ends_with("nothing was written"),
                        "{message}"
                    );
                }
            }
        }
    }
}

/// `refYear` is the year when given: a malformed one is `bad_year` on `refYear` (never
/// replaced by `period`'s year), one that disagrees with `period` is `year_mismatch` naming
/// both; an empty `refYear` falls back to `period`, a monthly `period` names its year too.
#[test]
fn ref_year_malformed_or_disagreeing_with_period_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let rows = [
        current_row(&[("refYear", "20x2")]),
        current_row(&[
            ("refYear", "2022"),
            ("period", "2021"),
            ("cmdCode", "010122"),
        ]),
        current_row(&[("refYear", ""), ("period", "2021"), ("cmdCode", "010123")]),
        current_row(&[
            ("freqCode", "M"),
            ("refYear", "2022"),
            ("refMonth", "3"),
            ("period", "202103"),
            ("cmdCode", "010124"),
        ]),
        current_row(&[
            ("refYear", "2022"),
            ("period", "2022"),
            ("cmdCode", "010125"),
        ]),
    ];
    let mut text = format!("{CURRENT}\n");
    for r in &rows {
        text.push_str(&csv_line(r));
        text.push('\n');
    }
    let file = write(dir.path(), "years.csv", text.as_bytes());
    let out = dir.path().join("store");
    let options = ImportOptions {
        max_reject_rate: 1.0,
        ..Default::default()
    };
    let report = import_comtrade(&[file], &out, &options).unwrap();
    accounting_holds(&report);
    let store = valid(&out);
    let r = rejects(&store);
    let got: Vec<(i64, &str, Option<&str>)> = r
        .iter()
        .map(|r| (r.line, r.reason.as_str(), r.field.as_deref()))
        .collect();
    assert_eq!(
        got,
        vec![
            (2, "bad_year", Some("refYear")),
            (3, "year_mismatch", Some("refYear")),
            (5, "year_mismatch", Some("refYear")),
        ]
    );
    assert!(r[0].detail.as_deref().unwrap().contains("`20x2`"), "{r:?}");
    let d = r[1].detail.as_deref().unwrap();
    assert!(d.contains("refYear") && d.contains("2022"), "{d}");
    assert!(d.contains("period") && d.contains("2021"), "{d}");
    let f = flows(&store);
    let got: Vec<(i64, &str, i16)> = f
        .iter()
        .map(|f| (f.source_line.unwrap(), f.commodity_code.as_str(), f.year))
        .collect();
    assert_eq!(got, vec![(4, "010123", 2021), (6, "010125", 2022)]);
}
