//! Store reading: damaged files and hostile descriptors are reported, validation finds each
//! kind of problem, row-group, page and row filtering return exactly the matching rows,
//! readers see whole versions while a writer appends, and constant columns round-trip.

mod store_sample;

use std::path::Path;

use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use steppe::model::*;
use steppe::store::{FileEntry, DESCRIPTOR_FILE};
use steppe::{Error, Filter, Predicate, ReadOptions, Store, Table};
use store_sample::*;

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

/// Writes the sample and 4,800 flows of 2030 (files under 4,096 rows list no constants) that
/// differ in reporter, partner, product and value only; returns the flows and the 2030 file's
/// descriptor entry.
fn write_flows_with_constant_columns(dir: &Path) -> (Vec<TradeFlow>, FileEntry) {
    write_sample(dir);
    let countries = ["CHN", "KAZ", "RUS", "TJK", "UZB"];
    let written: Vec<TradeFlow> = (0..6000)
        .map(|i| {
            let mut f = flow(2030, countries[i % 5], countries[(i / 5) % 5], i as f64);
            f.commodity_code = format!("{:06}", i / 25);
            f
        })
        .filter(|f| f.reporter_id != f.partner_id)
        .collect();
    let store = Store::open(dir).unwrap();
    let mut tx = store.begin().unwrap();
    tx.write_records(&written).unwrap();
    tx.commit().unwrap();
    let store = Store::open(dir).unwrap();
    let entry = trade_file_of_year(&store, 2030);
    (written, entry)
}

/// The Parquet reader of the file at `path` and the constant columns its footer lists.
fn listed_constants(
    path: &Path,
) -> (
    ParquetRecordBatchReaderBuilder<std::fs::File>,
    serde_json::Map<String, serde_json::Value>,
) {
    let builder =
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(path).unwrap()).unwrap();
    let listed = serde_json::from_str(
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
    (builder, listed)
}

#[test]
fn constant_columns_are_listed_in_the_footer_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let (written, entry) = write_flows_with_constant_columns(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let (_, listed) = listed_constants(&dir.path().join(&entry.path));
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
}

/// Rewrites the file of `entry` in the store at `dir` with `constants` listed in its footer,
/// and its descriptor entry to match the new bytes.
fn rewrite_footer(
    dir: &Path,
    entry: &FileEntry,
    constants: serde_json::Map<String, serde_json::Value>,
) {
    use sha2::Digest;
    let path = dir.join(&entry.path);
    let (builder, _) = listed_constants(&path);
    let schema = builder.schema().clone();
    let batches: Vec<_> = builder.build().unwrap().map(|b| b.unwrap()).collect();
    let props = parquet::file::properties::WriterProperties::builder()
        .set_key_value_metadata(Some(vec![parquet::file::metadata::KeyValue::new(
            "steppe.constant_columns".into(),
            serde_json::Value::Object(constants).to_string(),
        )]))
        .build();
    let mut bytes = Vec::new();
    let mut w = parquet::arrow::ArrowWriter::try_new(&mut bytes, schema, Some(props)).unwrap();
    for b in &batches {
        w.write(b).unwrap();
    }
    w.close().unwrap();
    std::fs::write(&path, &bytes).unwrap();
    let desc_path = dir.join(DESCRIPTOR_FILE);
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
}

#[test]
fn constant_columns_a_footer_misstates_are_checked_by_validate() {
    let dir = tempfile::tempdir().unwrap();
    let (written, entry) = write_flows_with_constant_columns(dir.path());
    // A footer that says something the rows do not: rewrite the file with `currency` listed
    // as EUR (its rows hold USD), with a descriptor entry that matches the new bytes.
    let (_, listed) = listed_constants(&dir.path().join(&entry.path));
    let mut lying = listed.clone();
    lying.insert("currency".into(), "EUR".into());
    lying.insert("flow".into(), serde_json::Value::Null); // `flow` is required
    rewrite_footer(dir.path(), &entry, lying);
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

#[test]
fn uncompressed_stores_store_every_column_chunk_plain_and_read_back_the_same_rows() {
    let dir = tempfile::tempdir().unwrap();
    write_sample(dir.path());
    let store = Store::open(dir.path()).unwrap();
    let mut tx = store
        .begin_with(steppe::WriteOptions {
            uncompressed: true,
            ..Default::default()
        })
        .unwrap();
    let written: Vec<TradeFlow> = (0..3000)
        .map(|i| {
            let mut f = flow(2031, ["CHN", "RUS", "TJK"][i % 3], "KAZ", i as f64);
            f.commodity_code = format!("{:06}", i / 7);
            f
        })
        .collect();
    tx.write_records(&written).unwrap();
    tx.commit().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let entry = trade_file_of_year(&store, 2031);
    let codecs_of = |rel: &str| {
        ParquetRecordBatchReaderBuilder::try_new(std::fs::File::open(dir.path().join(rel)).unwrap())
            .unwrap()
    };
    let builder = codecs_of(&entry.path);
    let codecs: std::collections::BTreeSet<String> = builder
        .metadata()
        .row_groups()
        .iter()
        .flat_map(|rg| rg.columns().iter().map(|c| c.compression().to_string()))
        .collect();
    assert_eq!(codecs.into_iter().collect::<Vec<_>>(), ["UNCOMPRESSED"]);
    // The sample's files, written by default, stay zstd-compressed.
    let sample = &store
        .descriptor()
        .resource(Table::Entities)
        .unwrap()
        .steppe
        .files[0];
    let builder = codecs_of(&sample.path);
    assert!(builder.metadata().row_groups()[0]
        .columns()
        .iter()
        .all(|c| c.compression().to_string().starts_with("ZSTD")));
    let only_tjk = ReadOptions {
        filter: Filter::all()
            .and(Predicate::range("year", Some(2031), Some(2031)))
            .and(Predicate::is_in("reporter_id", ["TJK"])),
        columns: None,
    };
    let mut got: Vec<TradeFlow> =
        steppe::from_batches(&store.read(Table::TradeFlows, &only_tjk).unwrap().batches).unwrap();
    let mut expected: Vec<TradeFlow> = written
        .into_iter()
        .filter(|f| f.reporter_id == "TJK")
        .collect();
    let key = |f: &TradeFlow| (f.commodity_code.clone(), f.value.map(f64::to_bits));
    got.sort_by_key(key);
    expected.sort_by_key(key);
    assert_eq!(got.len(), 1000);
    assert_eq!(got, expected);
}

/// The descriptor's entry for the `trade_flows` file of `year` (the first, if several).
fn trade_file_of_year(store: &Store, year: i64) -> FileEntry {
    store
        .descriptor()
        .resource(Table::TradeFlows)
        .unwrap()
        .steppe
        .files
        .iter()
        .find(|f| f.partition.get("year") == Some(&Some(year)))
        .unwrap()
        .clone()
}
