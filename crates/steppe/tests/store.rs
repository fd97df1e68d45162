//! Store behaviour: every table round-trips through Parquet, appends keep what was there,
//! commits are atomic (also when the writing process dies), gc removes orphans, the write lock
//! keeps a second writer out, and damaged files are reported.

use std::path::Path;
use std::process::Command;

use chrono::NaiveDate;
use steppe::model::*;
use steppe::store::{gc, DESCRIPTOR_FILE};
use steppe::{Error, Filter, Predicate, ReadOptions, Store, Table};

fn d(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

fn source(id: &str) -> Source {
    Source {
        source_id: id.into(),
        csl_type: "dataset".into(),
        title: Some(format!("Title of {id}")),
        container_title: Some("Container".into()),
        publisher: Some("Publisher".into()),
        authors: vec![
            Author {
                family: Some("Dyer".into()),
                given: Some("Theo".into()),
                literal: None,
            },
            Author {
                family: None,
                given: None,
                literal: Some("Reuters".into()),
            },
        ],
        issued: d("2025-09-26"),
        issued_precision: Some(DatePrecision::Day),
        accessed: d("2026-11-28"),
        url: Some("https://example.org/x".into()),
        doi: Some("10.1000/x".into()),
        version: Some("V202501".into()),
        page: Some("91".into()),
        license: Some("CC-BY-4.0".into()),
        redistributable: true,
        cited_by: None,
        content_sha256: Some("ab".repeat(32)),
        byte_size: Some(1234),
        note: Some("note".into()),
    }
}

fn entity(id: &str) -> Entity {
    Entity {
        entity_id: id.into(),
        name: format!("Name {id}"),
        name_official: Some(format!("Republic of {id}")),
        entity_type: EntityType::Country,
        valid_from: d("1991-09-09"),
        valid_to: None,
        parent_id: None,
        region: Some("Central Asia".into()),
        focus: Some("central_asia".into()),
        source_id: "src".into(),
        source_locator: Some("row".into()),
    }
}

fn flow(year: i16, reporter: &str, partner: &str, value: f64) -> TradeFlow {
    TradeFlow {
        year,
        month: Some(3),
        reporter_id: reporter.into(),
        partner_id: partner.into(),
        flow: Flow::Export,
        perspective: Perspective::Reconciled,
        classification: "HS92".into(),
        commodity_code: "010121".into(),
        value: Some(value),
        currency: "USD".into(),
        price_basis: PriceBasis::FobEstimated,
        value_precision: Some(1000.0),
        quantity: Some(2.5),
        quantity_unit: Some("t".into()),
        is_estimated: false,
        source_id: "src".into(),
        source_locator: Some("BACI_HS92_Y2023_V202501.csv".into()),
        source_line: Some(17),
        cited_source_id: Some("src".into()),
        derivation: Derivation::UnitConverted,
    }
}

/// One record of every table, every field set.
struct Sample {
    sources: Vec<Source>,
    entities: Vec<Entity>,
    codes: Vec<EntityCode>,
    orgs: Vec<Organisation>,
    members: Vec<Membership>,
    flows: Vec<TradeFlow>,
    indicators: Vec<Indicator>,
    obs: Vec<IndicatorObservation>,
    events: Vec<Event>,
    actors: Vec<EventActor>,
    claims: Vec<Claim>,
    rejects: Vec<Reject>,
}

fn sample() -> Sample {
    let event = Event {
        event_id: "ucdp:1".into(),
        year: Some(1992),
        event_class: EventClass::StateBasedViolence,
        title: Some("Clash".into()),
        description: Some("desc".into()),
        start_date: d("1992-05-01"),
        end_date: d("1992-05-02"),
        date_precision: DatePrecision::Day,
        country_id: Some("TJK".into()),
        admin1: Some("Khatlon".into()),
        location_name: Some("Kurgan-Tyube".into()),
        latitude: Some(37.8),
        longitude: Some(68.8),
        geo_precision: Some(1),
        geo_precision_scheme: Some("ucdp_where_prec".into()),
        cameo_code: Some("0251".into()),
        cameo_base_code: Some("025".into()),
        cameo_root_code: Some("02".into()),
        quad_class: Some(4),
        goldstein: Some(-10.0),
        violence_type: Some(1),
        fatalities_best: Some(10),
        fatalities_low: Some(5),
        fatalities_high: Some(20),
        num_mentions: Some(3),
        num_sources: Some(2),
        num_articles: Some(3),
        avg_tone: Some(-4.5),
        source_id: "src".into(),
        source_locator: Some("article".into()),
        source_line: Some(2),
        cited_source_id: Some("src".into()),
        derivation: Derivation::AsPublished,
    };
    let undated = Event {
        event_id: "cur:undated".into(),
        year: None,
        start_date: None,
        end_date: None,
        date_precision: DatePrecision::Unknown,
        source_id: "src".into(),
        ..Default::default()
    };
    Sample {
        sources: vec![source("src")],
        entities: vec![entity("RUS"), entity("TJK")],
        codes: vec![EntityCode {
            entity_id: "TJK".into(),
            scheme: Scheme::Fips,
            code: "TI".into(),
            valid_from: d("1991-01-01"),
            valid_to: d("2030-01-01"),
            is_preferred: true,
            source_id: "src".into(),
            source_locator: Some("countries.json".into()),
        }],
        orgs: vec![Organisation {
            org_id: "sco".into(),
            name: "Shanghai Cooperation Organisation".into(),
            acronym: Some("SCO".into()),
            org_type: OrgType::Igo,
            founded: d("2001-06-15"),
            dissolved: None,
            source_id: "src".into(),
            source_locator: Some("p. 1".into()),
            cited_source_id: Some("src".into()),
        }],
        members: vec![Membership {
            org_id: "sco".into(),
            entity_id: "TJK".into(),
            role: MembershipRole::Member,
            valid_from: d("2001-06-15"),
            valid_to: None,
            date_precision: DatePrecision::Day,
            source_id: "src".into(),
            source_locator: None,
            cited_source_id: None,
        }],
        flows: vec![
            flow(2022, "TJK", "RUS", 10.0),
            flow(2023, "TJK", "RUS", 20.0),
            flow(2023, "RUS", "TJK", 30.0),
        ],
        indicators: vec![Indicator {
            indicator_id: "wdi:BX.TRF.PWKR.DT.GD.ZS".into(),
            name: "Personal remittances, received (% of GDP)".into(),
            definition: Some("def".into()),
            unit: Some("% of GDP".into()),
            topic: Some("Economic Policy & Debt".into()),
            aggregation_method: Some("Weighted average".into()),
            source_series_code: "BX.TRF.PWKR.DT.GD.ZS".into(),
            source_note: Some("World Bank".into()),
            license: Some("CC-BY-4.0".into()),
            source_id: "src".into(),
            source_locator: Some("WDISeries.csv".into()),
        }],
        obs: vec![IndicatorObservation {
            indicator_id: "wdi:BX.TRF.PWKR.DT.GD.ZS".into(),
            entity_id: "TJK".into(),
            year: 2022,
            period: None,
            value: 50.9,
            obs_status: ObsStatus::Reported,
            source_id: "src".into(),
            source_locator: Some("WDICSV.csv".into()),
            source_line: Some(4),
            cited_source_id: None,
            derivation: Derivation::AsPublished,
        }],
        events: vec![event, undated],
        actors: vec![EventActor {
            event_id: "ucdp:1".into(),
            year: Some(1992),
            role: ActorRole::SideA,
            actor_kind: ActorKind::Entity,
            actor_name: "Government of Tajikistan".into(),
            actor_ref: Some("TJK".into()),
            actor_code: Some("702".into()),
            actor_type: Some("GOV".into()),
            source_id: "src".into(),
            source_locator: None,
            source_line: Some(2),
            cited_source_id: None,
        }],
        claims: vec![Claim {
            claim_id: "c1".into(),
            document_id: "src".into(),
            text: "Remittances are vital".into(),
            value_text: Some("843 mile".into()),
            about: vec!["TJK".into(), "RUS".into()],
            cited_source_ids: vec!["src".into()],
            subject_refs: vec!["trade_flows:x".into()],
        }],
        rejects: vec![Reject {
            source_id: "src".into(),
            file: "BACI.csv".into(),
            line: 9,
            field: Some("v".into()),
            reason: "malformed_number".into(),
            detail: Some("`abc` is not a number".into()),
            raw: "2023,762,643,010121,abc,".into(),
        }],
    }
}

fn write_sample(root: &Path) -> Sample {
    let s = sample();
    let store = Store::open_or_create(root).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&s.sources).unwrap();
    tx.write_records(&s.entities).unwrap();
    tx.write_records(&s.codes).unwrap();
    tx.write_records(&s.orgs).unwrap();
    tx.write_records(&s.members).unwrap();
    tx.write_records(&s.flows).unwrap();
    tx.write_records(&s.indicators).unwrap();
    tx.write_records(&s.obs).unwrap();
    tx.write_records(&s.events).unwrap();
    tx.write_records(&s.actors).unwrap();
    tx.write_records(&s.claims).unwrap();
    tx.write_records(&s.rejects).unwrap();
    tx.commit().unwrap();
    s
}

fn sorted<T: Clone, K: Ord>(v: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort_by_key(|x| key(x));
    v
}

#[test]
fn every_table_round_trips_through_parquet() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.records::<Source>().unwrap(), s.sources);
    assert_eq!(store.records::<Entity>().unwrap(), s.entities);
    assert_eq!(store.records::<EntityCode>().unwrap(), s.codes);
    assert_eq!(store.records::<Organisation>().unwrap(), s.orgs);
    assert_eq!(store.records::<Membership>().unwrap(), s.members);
    let key = |f: &TradeFlow| (f.year, f.reporter_id.clone());
    assert_eq!(
        sorted(&store.records::<TradeFlow>().unwrap(), key),
        sorted(&s.flows, key)
    );
    assert_eq!(store.records::<Indicator>().unwrap(), s.indicators);
    assert_eq!(store.records::<IndicatorObservation>().unwrap(), s.obs);
    let ekey = |e: &Event| e.event_id.clone();
    assert_eq!(
        sorted(&store.records::<Event>().unwrap(), ekey),
        sorted(&s.events, ekey)
    );
    assert_eq!(store.records::<EventActor>().unwrap(), s.actors);
    assert_eq!(store.records::<Claim>().unwrap(), s.claims);
    assert_eq!(store.records::<Reject>().unwrap(), s.rejects);
    // Arrow types are the declared schema, dictionaries included.
    for t in Table::ALL {
        let data = store.read_all(*t).unwrap();
        for b in &data.batches {
            assert_eq!(b.schema().fields(), t.schema().fields(), "{t}");
        }
    }
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
}

#[test]
fn hive_layout_and_descriptor_are_what_other_tools_expect() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    assert!(dir.path().join("trade_flows/year=2022").is_dir());
    assert!(dir.path().join("trade_flows/year=2023").is_dir());
    assert!(dir
        .path()
        .join("events/year=__HIVE_DEFAULT_PARTITION__")
        .is_dir());
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(DESCRIPTOR_FILE)).unwrap()).unwrap();
    assert_eq!(json["profile"], "data-package");
    let flows = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "trade_flows")
        .unwrap();
    assert_eq!(flows["format"], "parquet");
    assert_eq!(flows["steppe"]["rows"], 3);
    assert_eq!(flows["path"].as_array().unwrap().len(), 2);
    // The files' schema has no partition column; steppe's key includes it.
    assert!(flows["schema"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["name"] != "year"));
    assert!(flows["schema"].get("primaryKey").is_none());
    let key = flows["steppe"]["primary_key"].as_array().unwrap();
    assert!(key.iter().any(|k| k == "reporter_id") && key.iter().any(|k| k == "year"));
    assert_eq!(flows["steppe"]["partition_fields"][0]["name"], "year");
    let entities = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "entities")
        .unwrap();
    assert_eq!(
        entities["schema"]["primaryKey"],
        serde_json::json!(["entity_id"])
    );
    assert!(flows["schema"]["foreignKeys"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k["reference"]["resource"] == "entities"));
    for f in flows["steppe"]["files"].as_array().unwrap() {
        let bytes = std::fs::read(dir.path().join(f["path"].as_str().unwrap())).unwrap();
        use sha2::Digest;
        assert_eq!(f["sha256"], hex::encode(sha2::Sha256::digest(&bytes)));
    }
    // The partition column lives in the directory name, not in the files.
    let file = flows["path"][0].as_str().unwrap();
    let reader = parquet::file::reader::SerializedFileReader::new(
        std::fs::File::open(dir.path().join(file)).unwrap(),
    )
    .unwrap();
    use parquet::file::reader::FileReader;
    let cols: Vec<String> = reader
        .metadata()
        .file_metadata()
        .schema_descr()
        .columns()
        .iter()
        .map(|c| c.name().to_string())
        .collect();
    assert!(!cols.contains(&"year".to_string()));
    assert!(json["licenses"]
        .as_array()
        .unwrap()
        .iter()
        .any(|l| l["name"] == "CC-BY-4.0"));
}

#[test]
fn filters_prune_partitions_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let opts = ReadOptions {
        filter: Filter::all()
            .and(Predicate::range("year", Some(2023), Some(2023)))
            .and(Predicate::is_in("reporter_id", ["RUS"])),
        columns: Some(vec!["year".into(), "value".into()]),
    };
    let data = store.read(Table::TradeFlows, &opts).unwrap();
    assert_eq!(data.num_rows(), 1);
    assert_eq!(data.schema.fields().len(), 2);
    let rows: Vec<TradeFlow> = store.records().unwrap();
    assert_eq!(rows.len(), 3);
}

#[test]
fn appending_keeps_what_was_there() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let gen = store.descriptor().steppe.generation;
    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2024, "TJK", "RUS", 5.0)]).unwrap();
    let info = tx.commit().unwrap();
    assert_eq!(info.rows_added["trade_flows"], 1);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.descriptor().steppe.generation, gen + 1);
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 4);
    assert_eq!(store.records::<Entity>().unwrap().len(), 2);
}

#[test]
fn an_uncommitted_transaction_leaves_the_old_version_and_no_files() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let before = std::fs::read(dir.path().join(DESCRIPTOR_FILE)).unwrap();
    {
        let store = Store::open(dir.path()).unwrap();
        let mut tx = store.begin().unwrap();
        tx.write_records(&[flow(2030, "TJK", "RUS", 5.0)]).unwrap();
        // Dropped here without commit (an error part-way through an import).
    }
    assert_eq!(
        std::fs::read(dir.path().join(DESCRIPTOR_FILE)).unwrap(),
        before
    );
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 3);
    assert!(std::fs::read_dir(dir.path().join("trade_flows/year=2030"))
        .map(|mut d| d.next().is_none())
        .unwrap_or(true));
}

/// Files being written live in `_staging/`, never in a table folder: a reader globbing the
/// folders (DuckDB, polars, Spark) sees only whole files. A commit moves them in; a dropped
/// transaction removes them and the staging directory.
#[test]
fn files_being_written_are_outside_the_table_folders_until_the_commit() {
    fn files_under(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                if e.path().is_dir() {
                    out.extend(files_under(&e.path()));
                } else {
                    out.push(e.path().display().to_string());
                }
            }
        }
        out.sort();
        out
    }
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let flows = dir.path().join("trade_flows");
    let before = files_under(&flows);
    let store = Store::open(dir.path()).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2030, "TJK", "RUS", 5.0)]).unwrap();
    tx.close_open_files().unwrap();
    tx.write_records(&[flow(2031, "TJK", "RUS", 6.0)]).unwrap();
    assert_eq!(
        files_under(&flows),
        before,
        "a file appeared while being written"
    );
    let staged = files_under(&dir.path().join("_staging"));
    assert_eq!(staged.len(), 2, "{staged:?}");
    assert!(staged.iter().all(|f| f.ends_with(".parquet")), "{staged:?}");
    drop(tx);
    assert_eq!(files_under(&flows), before);
    assert!(!dir.path().join("_staging").exists());

    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2030, "TJK", "RUS", 5.0)]).unwrap();
    tx.commit().unwrap();
    let after = files_under(&flows);
    assert_eq!(after.len(), before.len() + 1);
    assert!(
        after.iter().any(|f| f.contains("year=2030/part-g")),
        "{after:?}"
    );
    assert!(!dir.path().join("_staging").exists());
    let store = Store::open(dir.path()).unwrap();
    assert!(steppe::validate(&store).unwrap().is_ok());
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 4);
}

/// A Parquet file in a table folder that the descriptor does not list (what a glob reader
/// would read besides the store's version) is a validation problem naming it; gc removes it,
/// and everything left in `_staging/`.
#[test]
fn validate_reports_unlisted_files_and_gc_removes_them() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let listed = store
        .descriptor()
        .resource(Table::TradeFlows)
        .unwrap()
        .steppe
        .files[0]
        .path
        .clone();
    let partition = Path::new(&listed)
        .parent()
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    let stray = format!("{partition}/part-g000099-00000.parquet");
    std::fs::copy(dir.path().join(&listed), dir.path().join(&stray)).unwrap();
    std::fs::create_dir_all(dir.path().join("_staging")).unwrap();
    std::fs::write(
        dir.path().join("_staging/part-g000099-00001.parquet"),
        b"PAR1 torn",
    )
    .unwrap();
    // A file that is not Parquet is not a data file: neither reported nor removed.
    std::fs::write(dir.path().join(&partition).join("README.txt"), b"notes").unwrap();

    let report = steppe::validate(&store).unwrap();
    assert_eq!(report.problems.len(), 1, "{:#?}", report.problems);
    let p = &report.problems[0];
    assert_eq!(
        (p.table.as_str(), p.row_key.as_str(), p.field.as_str()),
        ("trade_flows", stray.as_str(), "file")
    );
    assert!(p.message.contains("not listed in datapackage.json"), "{p}");
    assert!(p.message.contains("steppe gc"), "{p}");
    // The rows checks still ran: the unlisted file stops nothing else.
    assert!(report
        .rows_checked
        .iter()
        .any(|(t, n)| t == "trade_flows" && *n == 3));

    let removed = gc(dir.path()).unwrap();
    assert_eq!(
        removed.removed,
        vec![
            stray.clone(),
            "_staging/part-g000099-00001.parquet".to_string()
        ]
    );
    assert!(!dir.path().join(&stray).exists());
    assert!(!dir.path().join("_staging").exists());
    assert!(dir.path().join(&partition).join("README.txt").exists());
    assert!(steppe::validate(&store).unwrap().is_ok());
    assert_eq!(store.records::<TradeFlow>().unwrap().len(), 3);
}

#[test]
fn a_second_writer_is_refused_while_one_holds_the_lock() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let tx = store.begin().unwrap();
    match store.begin() {
        Err(Error::Locked { path }) => assert_eq!(path, dir.path()),
        other => panic!("expected Locked, got {:?}", other.map(|_| ())),
    }
    drop(tx);
    store.begin().unwrap();
}

/// Child process of the crash test: writes one trade flow and commits, dying at the point
/// named by STEPPE_CRASH_AT. Run only by `writer_killed_at_each_point_leaves_a_consistent_store`.
#[test]
#[ignore = "run as a child process by the crash test"]
fn crash_child() {
    let Some(root) = std::env::var_os("STEPPE_CRASH_STORE") else {
        return;
    };
    let store = Store::open(&root).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&[flow(2031, "TJK", "RUS", 7.0)]).unwrap();
    tx.commit().unwrap();
}

#[test]
fn writer_killed_at_each_point_leaves_a_consistent_store() {
    let exe = std::env::current_exe().unwrap();
    // (point, committed, whole files left in the table folders that no descriptor lists)
    for (point, committed, unlisted) in [
        ("after_file_write", false, 0),
        ("after_file_move", false, 1),
        ("before_rename", false, 1),
        ("after_rename", true, 0),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_sample(dir.path());
        let status = Command::new(&exe)
            .args([
                "--exact",
                "crash_child",
                "--ignored",
                "--nocapture",
                "--test-threads=1",
            ])
            .env("STEPPE_CRASH_STORE", dir.path())
            .env("STEPPE_CRASH_AT", point)
            .output()
            .unwrap()
            .status;
        assert!(!status.success(), "{point}: the child should have died");
        let store = Store::open(dir.path()).unwrap();
        // Before the move the file is in `_staging/`, which no glob reader of the table
        // folders sees; after it, it is whole, and validate reports it as unlisted.
        let staged = std::fs::read_dir(dir.path().join("_staging")).map_or(0, |d| d.count());
        assert_eq!(staged, usize::from(point == "after_file_write"), "{point}");
        let report = steppe::validate(&store).unwrap();
        assert_eq!(
            report.problems.len(),
            unlisted,
            "{point}: {:#?}",
            report.problems
        );
        for p in &report.problems {
            assert_eq!(p.table, "trade_flows", "{point}");
            assert!(p.row_key.starts_with("trade_flows/year=2031/part-g"), "{p}");
            assert!(p.message.contains("not listed in datapackage.json"), "{p}");
            let bytes = bytes::Bytes::from(std::fs::read(dir.path().join(&p.row_key)).unwrap());
            let whole =
                parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(bytes)
                    .unwrap()
                    .metadata()
                    .file_metadata()
                    .num_rows();
            assert_eq!(whole, 1, "{point}: the unlisted file is whole Parquet");
        }
        let n = store.records::<TradeFlow>().unwrap().len();
        assert_eq!(
            n,
            if committed { 4 } else { 3 },
            "{point}: neither the old nor the new version"
        );
        // Orphans are collected, and an import that did not land can simply be run again.
        let removed = gc(dir.path()).unwrap();
        assert_eq!(
            removed.removed.is_empty(),
            committed,
            "{point}: {:?}",
            removed.removed
        );
        assert!(
            steppe::validate(&store).unwrap().is_ok(),
            "{point}: after gc"
        );
        assert!(
            !dir.path().join("_staging").exists(),
            "{point}: gc left _staging"
        );
        if committed {
            continue;
        }
        let store = Store::open(dir.path()).unwrap();
        let mut tx = store.begin().unwrap();
        tx.write_records(&[flow(2031, "TJK", "RUS", 7.0)]).unwrap();
        tx.commit().unwrap();
        let store = Store::open(dir.path()).unwrap();
        assert!(steppe::validate(&store).unwrap().is_ok());
        assert_eq!(store.records::<TradeFlow>().unwrap().len(), 4);
    }
}

#[test]
fn damaged_and_missing_files_are_reported_with_their_path() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let file = store
        .descriptor()
        .resource(Table::Entities)
        .unwrap()
        .steppe
        .files[0]
        .path
        .clone();
    let path = dir.path().join(&file);
    let mut bytes = std::fs::read(&path).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&path, &bytes).unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.field == "sha256" && p.row_key == file),
        "{:#?}",
        report.problems
    );

    std::fs::remove_file(&path).unwrap();
    match store.read_all(Table::Entities) {
        Err(Error::Store { path: p, message }) => {
            assert!(p.ends_with(&file), "{p:?}");
            assert!(message.contains("missing"));
        }
        other => panic!("expected a store error, got {other:?}"),
    }
}

#[test]
fn a_directory_without_descriptor_or_with_a_hostile_one_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    match Store::open(dir.path()) {
        Err(Error::Store { message, .. }) => assert!(message.contains("not a steppe store")),
        other => panic!("{other:?}"),
    }
    write_sample(dir.path());
    let p = dir.path().join(DESCRIPTOR_FILE);
    let text = std::fs::read_to_string(&p).unwrap();
    let first = Store::open(dir.path())
        .unwrap()
        .descriptor()
        .resource(Table::Entities)
        .unwrap()
        .steppe
        .files[0]
        .path
        .clone();
    std::fs::write(&p, text.replace(&first, "../../etc/passwd")).unwrap();
    match Store::open(dir.path()) {
        Err(Error::Store { message, .. }) => assert!(message.contains("unsafe path"), "{message}"),
        other => panic!("{other:?}"),
    }
    std::fs::write(&p, "{ not json").unwrap();
    assert!(matches!(Store::open(dir.path()), Err(Error::Store { .. })));
}

#[test]
fn validation_finds_each_kind_of_problem() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let mut tx = store.begin().unwrap();
    // Duplicate primary key, unknown entity, unknown source, negative value, bad year.
    let mut bad = vec![
        s.flows[0].clone(),
        flow(2023, "TJK", "XXX", 1.0),
        flow(2023, "TJK", "RUS", -5.0),
    ];
    bad[2].commodity_code = "999999".into();
    let mut unsourced = flow(2023, "RUS", "RUS", 1.0);
    unsourced.source_id = "nowhere".into();
    bad.push(unsourced);
    tx.write_records(&bad).unwrap();
    tx.write_records(&[Event {
        event_id: "e2".into(),
        year: Some(1700),
        start_date: d("1700-01-01"),
        source_id: "src".into(),
        country_id: Some("QQQ".into()),
        latitude: Some(123.0),
        ..Default::default()
    }])
    .unwrap();
    tx.write_records(&[Claim {
        claim_id: "c2".into(),
        document_id: "src".into(),
        text: "t".into(),
        value_text: None,
        about: vec!["ZZZ".into()],
        cited_source_ids: vec!["ghost".into()],
        subject_refs: vec![],
    }])
    .unwrap();
    tx.write_records(&[EntityCode {
        entity_id: "RUS".into(),
        scheme: Scheme::Fips,
        code: "TI".into(),
        valid_from: None,
        valid_to: None,
        is_preferred: true,
        source_id: "src".into(),
        source_locator: None,
    }])
    .unwrap();
    tx.commit().unwrap();
    let report = steppe::validate(&Store::open(dir.path()).unwrap()).unwrap();
    let has = |table: &str, field: &str, needle: &str| {
        report
            .problems
            .iter()
            .any(|p| p.table == table && p.field.contains(field) && p.message.contains(needle))
    };
    assert!(
        has("trade_flows", "reporter_id", "duplicate primary key"),
        "{:#?}",
        report.problems
    );
    assert!(has(
        "trade_flows",
        "partner_id",
        "`XXX` is not a entities.entity_id"
    ));
    assert!(has(
        "trade_flows",
        "source_id",
        "`nowhere` is not a sources.source_id"
    ));
    assert!(has("trade_flows", "value", "out of range"));
    assert!(has("events", "year", "out of range"));
    assert!(has("events", "latitude", "out of range"));
    assert!(has("events", "country_id", "`QQQ`"));
    assert!(has("claims", "about", "`ZZZ`"));
    assert!(has("claims", "cited_source_ids", "`ghost`"));
    assert!(has("entity_codes", "valid_from", "names both"));
    let bad_row = report.problems.iter().find(|p| p.field == "value").unwrap();
    assert!(
        bad_row.row_key.contains("999999"),
        "row key names the row: {}",
        bad_row.row_key
    );
}

#[test]
fn row_group_pruning_returns_exactly_the_matching_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let mut tx = store
        .begin_with(steppe::WriteOptions {
            row_group_rows: Some(3),
            ..Default::default()
        })
        .unwrap();
    let reporters = ["AFG", "CHN", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"];
    let mut rows = Vec::new();
    for (n, r) in reporters.iter().enumerate() {
        for p in ["CHN", "RUS", "TJK"] {
            let mut f = flow(2020, r, p, n as f64);
            f.commodity_code = format!("{n:06}");
            rows.push(f);
        }
    }
    tx.write_records(&rows).unwrap(); // sorted by reporter: row groups hold few reporters each
    tx.commit().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let file = &store
        .descriptor()
        .resource(Table::TradeFlows)
        .unwrap()
        .steppe
        .files;
    assert!(
        file.iter().any(|f| f.rows == 24),
        "one file of 24 rows in 8 row groups"
    );
    let opts = ReadOptions {
        filter: Filter::all()
            .and(Predicate::range("year", Some(2020), Some(2020)))
            .and(Predicate::Any(vec![
                Predicate::is_in("reporter_id", ["TJK"]),
                Predicate::is_in("partner_id", ["TJK"]),
            ])),
        columns: Some(vec!["reporter_id".into(), "partner_id".into()]),
    };
    let got = store.read(Table::TradeFlows, &opts).unwrap();
    let expected = rows
        .iter()
        .filter(|f| f.reporter_id == "TJK" || f.partner_id == "TJK")
        .count();
    assert_eq!(got.num_rows(), expected);
    let only_tjk = ReadOptions {
        filter: Filter::all().and(Predicate::is_in("reporter_id", ["TJK"])),
        columns: None,
    };
    let got: Vec<TradeFlow> =
        steppe::from_batches(&store.read(Table::TradeFlows, &only_tjk).unwrap().batches).unwrap();
    assert_eq!(
        got.len(),
        3 + 2,
        "three 2020 rows plus the sample's two TJK rows"
    );
    assert!(got.iter().all(|f| f.reporter_id == "TJK"));
}

#[test]
fn page_index_and_row_filter_return_exactly_the_matching_rows() {
    // 13,440 rows sorted by reporter then partner: one row group of several 4,096-row pages,
    // where partner TJK is a short run inside each reporter's block (what the page index
    // and the row filter of the reader are for).
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let countries: Vec<String> = (0..20)
        .map(|i| format!("C{i:02}"))
        .chain(["TJK".to_string()])
        .collect();
    let mut rows = Vec::new();
    for (n, r) in countries.iter().enumerate() {
        for p in &countries {
            if p == r {
                continue;
            }
            for k in 0..32 {
                let mut f = flow(2021, r, p, (n * 100 + k) as f64);
                f.commodity_code = format!("{k:06}");
                rows.push(f);
            }
        }
    }
    let mut tx = store.begin().unwrap();
    tx.write_records(&rows).unwrap();
    tx.commit().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let read = |filter: Filter, columns: Option<Vec<String>>| {
        let data = store
            .read(Table::TradeFlows, &ReadOptions { filter, columns })
            .unwrap();
        (data.num_rows(), data.batches)
    };
    let either = Filter::all()
        .and(Predicate::range("year", Some(2021), Some(2021)))
        .and(Predicate::Any(vec![
            Predicate::is_in("reporter_id", ["TJK"]),
            Predicate::is_in("partner_id", ["TJK"]),
        ]));
    let (n, batches) = read(either, None);
    let got: Vec<TradeFlow> = steppe::from_batches(&batches).unwrap();
    let mut want: Vec<TradeFlow> = rows
        .iter()
        .filter(|f| f.reporter_id == "TJK" || f.partner_id == "TJK")
        .cloned()
        .collect();
    assert_eq!(n, 2 * 20 * 32);
    let key = |f: &TradeFlow| {
        (
            f.reporter_id.clone(),
            f.partner_id.clone(),
            f.commodity_code.clone(),
        )
    };
    let mut got = got;
    got.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(
        got, want,
        "every column of every matching row, nothing else"
    );
    // Partner only, a column subset, and a value that is in no page.
    let y2021 = || Filter::all().and(Predicate::range("year", Some(2021), Some(2021)));
    let partner = y2021().and(Predicate::is_in("partner_id", ["TJK"]));
    let (n, _) = read(partner, Some(vec!["value".into()]));
    assert_eq!(n, 20 * 32);
    let none = Filter::all().and(Predicate::is_in("partner_id", ["ZZZ"]));
    assert_eq!(read(none, None).0, 0);
    // Small results from several files come back joined, with unique dictionaries (pandas
    // refuses repeated categories).
    let across = Filter::all().and(Predicate::is_in("partner_id", ["TJK", "RUS"]));
    let (n, batches) = read(across, None);
    assert_eq!(n, 20 * 32 + 3);
    assert_eq!(batches.len(), 1, "joined into one batch");
    for col in batches[0].columns() {
        use arrow_array::cast::AsArray;
        if let Some(dict) = col.as_any_dictionary_opt() {
            let values = arrow_cast::display::ArrayFormatter::try_new(
                dict.values().as_ref(),
                &Default::default(),
            )
            .unwrap();
            let all: Vec<String> = (0..dict.values().len())
                .map(|i| values.value(i).to_string())
                .collect();
            let unique: std::collections::BTreeSet<&String> = all.iter().collect();
            assert_eq!(
                unique.len(),
                all.len(),
                "repeated dictionary values: {all:?}"
            );
        }
    }
    // A filter on a column without statistics (commodity_code) still filters exactly.
    let product = y2021()
        .and(Predicate::is_in("commodity_code", ["000007"]))
        .and(Predicate::is_in("partner_id", ["TJK", "C03"]));
    assert_eq!(read(product, None).0, 2 * 20);
}

#[test]
fn readers_always_see_a_complete_version_while_a_writer_appends() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let root = dir.path().to_path_buf();
    let base = Store::open(&root)
        .unwrap()
        .records::<TradeFlow>()
        .unwrap()
        .len();
    const COMMITS: usize = 15;
    const PER_COMMIT: usize = 7;
    let writer = {
        let root = root.clone();
        std::thread::spawn(move || {
            for c in 0..COMMITS {
                let store = Store::open(&root).unwrap();
                let mut tx = store
                    .begin_with(steppe::WriteOptions {
                        wait_for_lock: true,
                        ..Default::default()
                    })
                    .unwrap();
                let rows: Vec<TradeFlow> = (0..PER_COMMIT)
                    .map(|i| {
                        let mut f = flow(2000 + (c % 3) as i16, "TJK", "RUS", 1.0);
                        f.commodity_code = format!("{c:03}{i:03}");
                        f
                    })
                    .collect();
                tx.write_records(&rows).unwrap();
                tx.commit().unwrap();
            }
        })
    };
    let mut seen = std::collections::BTreeSet::new();
    while !writer.is_finished() || seen.len() < 2 {
        let store = Store::open(&root).unwrap();
        let declared = store.row_count(Table::TradeFlows) as usize;
        let rows = store.records::<TradeFlow>().unwrap().len();
        assert_eq!(rows, declared, "a reader saw a partial version");
        assert_eq!(
            (rows - base) % PER_COMMIT,
            0,
            "a commit was seen half-applied"
        );
        seen.insert(rows);
        if writer.is_finished() {
            break;
        }
    }
    writer.join().unwrap();
    let end = Store::open(&root).unwrap();
    assert_eq!(
        end.records::<TradeFlow>().unwrap().len(),
        base + COMMITS * PER_COMMIT
    );
    assert!(steppe::validate(&end).unwrap().is_ok());
}

#[test]
fn constant_columns_are_listed_in_the_footer_read_back_and_checked_by_validate() {
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    // 4,800 flows of 2030 (files under 4,096 rows list no constants) that differ in
    // reporter, partner, product and value only.
    let countries = ["CHN", "KAZ", "RUS", "TJK", "UZB"];
    let written: Vec<TradeFlow> = (0..6000)
        .map(|i| {
            let mut f = flow(2030, countries[i % 5], countries[(i / 5) % 5], i as f64);
            f.commodity_code = format!("{:06}", i / 25);
            f
        })
        .filter(|f| f.reporter_id != f.partner_id)
        .collect();
    let store = Store::open(dir.path()).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&written).unwrap();
    tx.commit().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let entry = store
        .descriptor()
        .resource(Table::TradeFlows)
        .unwrap()
        .steppe
        .files
        .iter()
        .find(|f| f.partition.get("year") == Some(&Some(2030)))
        .unwrap()
        .clone();
    let path = dir.path().join(&entry.path);
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(&path).unwrap()).unwrap();
    let listed: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
        builder
            .metadata()
            .file_metadata()
            .key_value_metadata()
            .unwrap()
            .iter()
            .find(|e| e.key == "steppe.constant_columns")
            .and_then(|e| e.value.as_deref())
            .expect("the footer lists the constant columns"),
    )
    .unwrap();
    assert_eq!(listed["currency"], "USD");
    assert_eq!(listed["flow"], "export");
    assert_eq!(listed["month"], 3);
    assert_eq!(listed["is_estimated"], false);
    for varying in ["reporter_id", "partner_id", "value"] {
        assert!(!listed.contains_key(varying), "{varying} is not constant");
    }

    // Read back (whole and filtered, some columns built from the footer): the rows written.
    let by_value = |v: &[TradeFlow]| sorted(v, |f| f.value.map(|x| x as i64));
    let read = |filter: Filter| -> Vec<TradeFlow> {
        let opts = ReadOptions {
            filter,
            columns: None,
        };
        steppe::from_batches(&store.read(Table::TradeFlows, &opts).unwrap().batches).unwrap()
    };
    let year = Filter::all().and(Predicate::range("year", Some(2030), Some(2030)));
    assert_eq!(by_value(&read(year.clone())), by_value(&written));
    let tjk_partner = year.and(Predicate::is_in("partner_id", ["TJK"]));
    let to_tjk: Vec<TradeFlow> = written
        .iter()
        .filter(|f| f.partner_id == "TJK")
        .cloned()
        .collect();
    assert_eq!(to_tjk.len(), 960);
    assert_eq!(by_value(&read(tjk_partner)), by_value(&to_tjk));
    // A filter on a listed column reads it from the data.
    let exports = Filter::all()
        .and(Predicate::range("year", Some(2030), Some(2030)))
        .and(Predicate::is_in("flow", ["export"]));
    assert_eq!(read(exports).len(), written.len());

    // A footer that says something the rows do not: rewrite the file with `currency` listed
    // as EUR (its rows hold USD), with a descriptor entry that matches the new bytes.
    let schema = builder.schema().clone();
    let batches: Vec<_> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    let mut lying = listed.clone();
    lying.insert("currency".into(), "EUR".into());
    lying.insert("flow".into(), serde_json::Value::Null); // `flow` is required
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            "steppe.constant_columns".into(),
            serde_json::Value::Object(lying).to_string(),
        )]))
        .build();
    let mut bytes = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, schema, Some(props)).unwrap();
    for b in &batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let desc_path = dir.path().join(DESCRIPTOR_FILE);
    let mut desc: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&desc_path).unwrap()).unwrap();
    let mut patched = 0;
    for resource in desc["resources"].as_array_mut().unwrap() {
        for f in resource["steppe"]["files"].as_array_mut().unwrap() {
            if f["path"] == entry.path.as_str() {
                f["bytes"] = bytes.len().into();
                f["sha256"] = hex::encode(sha2::Sha256::digest(&bytes)).into();
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 1);
    std::fs::write(&desc_path, serde_json::to_vec(&desc).unwrap()).unwrap();
    let report = steppe::validate(&Store::open(dir.path()).unwrap()).unwrap();
    let found: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.row_key == entry.path && p.field == "currency")
        .collect();
    assert_eq!(found.len(), 1, "{:#?}", report.problems);
    assert!(found[0].message.contains("\"EUR\""), "{}", found[0].message);
    let flow_problem = report
        .problems
        .iter()
        .find(|p| p.row_key == entry.path && p.field == "flow")
        .expect("the null listed for flow is reported");
    assert!(
        flow_problem.message.contains("null"),
        "{}",
        flow_problem.message
    );
    assert!(
        !report
            .problems
            .iter()
            .any(|p| p.row_key == entry.path && p.field == "derivation"),
        "only the wrong entries are reported: {:#?}",
        report.problems
    );
    // A null listed for a required column is not believed: reads take it from the data.
    let store = Store::open(dir.path()).unwrap();
    let opts = ReadOptions {
        filter: Filter::all().and(Predicate::range("year", Some(2030), Some(2030))),
        columns: Some(vec!["flow".into(), "derivation".into()]),
    };
    let read = store.read(Table::TradeFlows, &opts).unwrap();
    assert_eq!(read.num_rows(), written.len());
    for batch in &read.batches {
        let flows = arrow_cast::cast(batch.column(0), &arrow_schema::DataType::Utf8).unwrap();
        let flows = arrow_array::cast::AsArray::as_string::<i32>(&flows);
        assert!(flows.iter().all(|f| f == Some("export")));
    }
}
