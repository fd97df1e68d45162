//! The bundled dataset against its publishers' files: spot values of
//! `shared/data-sources/PROVENANCE.md` (as the files write them) read back from the shipped
//! store, every row citing a Source that says where it came from, and the cross-checks
//! between releases that are not bundled (UCDP/PRIO ACD 23.1 against the bundled 25.1; the
//! World Bank's own API downloads against the bundled Datahub mirror). The spot-value tests
//! need no `shared/`; the cross-checks skip, naming the file, without it.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use steppe::dataset::Manifest;
use steppe::import::{ucdp_acd, wdi, ImportOptions};
use steppe::model::*;
use steppe::{Record, Store};

mod common;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn bundled() -> Store {
    Store::bundled().expect("a bundled store")
}

fn day(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

/// `(indicator code, entity, year)` → value of the bundled WDI observations.
fn observations(store: &Store) -> HashMap<(String, String, i16), f64> {
    let rows: Vec<IndicatorObservation> = store.records().unwrap();
    let mut out = HashMap::new();
    for o in rows {
        let key = (o.indicator_id.clone(), o.entity_id.clone(), o.year);
        assert!(
            out.insert(key, o.value).is_none(),
            "one value per series: {o:?}"
        );
    }
    out
}

fn obs(all: &HashMap<(String, String, i16), f64>, code: &str, entity: &str, year: i16) -> f64 {
    *all.get(&(format!("wdi:{code}"), entity.to_string(), year))
        .unwrap_or_else(|| panic!("no {code} for {entity} {year}"))
}

/// The value the file writes as `text`, parsed as the importer parses it.
fn written(text: &str) -> f64 {
    text.parse().unwrap()
}

#[test]
fn wdi_spot_values_are_the_files() {
    let all = observations(&bundled());
    let cases = [
        ("BX.TRF.PWKR.CD.DT", "TJK", 2020, "2186807504.316"),
        ("BX.TRF.PWKR.CD.DT", "TJK", 2022, "5345546873.54599"),
        ("BX.TRF.PWKR.CD.DT", "TJK", 2023, "4633754222.29702"),
        ("BX.TRF.PWKR.CD.DT", "TJK", 2024, "6801890973.46099"),
        ("BX.TRF.PWKR.CD.DT", "KGZ", 2023, "2862985350.44172"),
        ("BX.TRF.PWKR.CD.DT", "RUS", 2023, "2616450000"),
        ("BX.TRF.PWKR.CD.DT", "CHN", 2023, "22592912425.35"),
        ("NY.GDP.MKTP.CD", "TJK", 2023, "12244169292.7998"),
        ("NY.GDP.MKTP.CD", "TJK", 2025, "17660626562.4832"),
        ("NY.GDP.PCAP.CD", "TJK", 2024, "1362.02559981695"),
        ("NY.GNP.PCAP.CD", "TJK", 2025, "2080"),
        ("SP.POP.TOTL", "TJK", 2024, "10590927"),
        ("TX.VAL.MRCH.CD.WT", "TJK", 2023, "2449000000"),
        ("TM.VAL.MRCH.CD.WT", "TJK", 2024, "7010000000"),
        ("NE.EXP.GNFS.ZS", "TJK", 2023, "17.1918374601415"),
        ("NE.IMP.GNFS.ZS", "TJK", 2023, "48.4428635765939"),
        ("TG.VAL.TOTL.GD.ZS", "TJK", 2023, "68.0242146349435"),
        ("BX.KLT.DINV.CD.WD", "TJK", 2024, "291312572.578438"),
        ("DT.DOD.DECT.CD", "TJK", 2024, "6977429758.2"),
        ("DT.DOD.DECT.GN.ZS", "TJK", 2023, "43.138609517573"),
        ("SM.POP.NETM", "TJK", 2024, "-21236"),
        ("SI.POV.DDAY", "TJK", 2024, "6.1"),
        ("MS.MIL.XPND.GD.ZS", "TJK", 2023, "2.39642126155182"),
        // Remittances % of GDP, as published (the open-numbers DDF subset).
        ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2020, "26.8848943162"),
        ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2023, "37.8445781946"),
        ("BX.TRF.PWKR.DT.GD.ZS", "TJK", 2024, "47.8852110027"),
        ("BX.TRF.PWKR.DT.GD.ZS", "KGZ", 2022, "26.5775606386"),
        ("BX.TRF.PWKR.DT.GD.ZS", "AFG", 2023, "1.8656461200"),
        ("BX.TRF.PWKR.DT.GD.ZS", "TKM", 1996, "0.1858110968"),
        ("BX.TRF.PWKR.DT.GD.ZS", "WLD", 2023, "0.7875015028"),
    ];
    for (code, entity, year, text) in cases {
        assert_eq!(
            obs(&all, code, entity, year),
            written(text),
            "{code} {entity} {year}"
        );
    }
    // TKM's remittances % of GDP: 1996 only; no AFG poverty rows.
    let tkm: Vec<i16> = all
        .keys()
        .filter(|(i, e, _)| i == "wdi:BX.TRF.PWKR.DT.GD.ZS" && e == "TKM")
        .map(|k| k.2)
        .collect();
    assert_eq!(tkm, [1996]);
    assert!(!all
        .keys()
        .any(|(i, e, _)| i == "wdi:SI.POV.DDAY" && e == "AFG"));
    // Each of the 16 Datahub series holds the rows of its file.
    let per: BTreeMap<&str, usize> = all.keys().fold(BTreeMap::new(), |mut m, (i, _, _)| {
        *m.entry(i.as_str()).or_default() += 1;
        m
    });
    assert_eq!(per["wdi:BX.TRF.PWKR.CD.DT"], 9576);
    assert_eq!(per["wdi:SP.POP.TOTL"], 17394);
    assert_eq!(per["wdi:SI.POV.DDAY"], 2980);
    assert_eq!(per["wdi:BX.TRF.PWKR.DT.GD.ZS"], 233);
    assert_eq!(per.len(), 17, "{per:?}");
}

#[test]
fn wdi_aggregates_are_typed_entities() {
    let store = bundled();
    let entities = common::by_id(&store, |e: &Entity| &e.entity_id);
    assert_eq!(entities["WLD"].entity_type, EntityType::World);
    for code in ["ECS", "EAS", "LMC", "EUU", "CEB"] {
        assert_eq!(entities[code].entity_type, EntityType::Aggregate, "{code}");
    }
    assert_eq!(entities["TJK"].entity_type, EntityType::Country);
    // Every economy or aggregate with a WDI value is an entity, typed.
    let all = observations(&store);
    let economies: HashSet<&str> = all.keys().map(|k| k.1.as_str()).collect();
    let aggregates = economies
        .iter()
        .filter(|e| {
            let t = entities[**e].entity_type;
            t == EntityType::Aggregate || t == EntityType::World
        })
        .count();
    assert!(economies.len() > 250, "{}", economies.len());
    assert!(aggregates >= 45, "{aggregates}");
}

/// The bundled IMF DOTS value, US$, of a reporter's flow with a partner in a year.
fn dots(flows: &[TradeFlow], reporter: &str, partner: &str, flow: Flow, year: i16) -> f64 {
    let hits: Vec<&TradeFlow> = flows
        .iter()
        .filter(|f| {
            f.source_id.starts_with("imf_dots-")
                && f.reporter_id == reporter
                && f.partner_id == partner
                && f.flow == flow
                && f.year == year
        })
        .collect();
    assert_eq!(hits.len(), 1, "{reporter} {partner} {flow:?} {year}");
    hits[0].value.unwrap()
}

#[test]
fn imf_dots_spot_values_are_the_workbooks() {
    let flows: Vec<TradeFlow> = bundled().records().unwrap();
    // Exact cell text of PROVENANCE.md: US$ millions as the workbook stores the double.
    assert_eq!(
        dots(&flows, "TJK", "RUS", Flow::Export, 1995),
        95.29299999999996 * 1e6
    );
    assert_eq!(
        dots(&flows, "TJK", "WLD", Flow::Export, 2020),
        804.079089 * 1e6
    );
    // Rounded to 0.1 million in PROVENANCE.md.
    let cases = [
        ("TJK", "RUS", Flow::Import, 2020, 932.6),
        ("TJK", "CHN", Flow::Import, 2020, 438.4),
        ("TJK", "RUS", Flow::Import, 2019, 1009.1),
        ("TJK", "CHN", Flow::Import, 2010, 544.2),
        ("TJK", "WLD", Flow::Import, 2020, 3154.6),
        ("TJK", "RUS", Flow::Export, 2000, 258.8),
        ("TJK", "CHN", Flow::Export, 2020, 34.4),
        ("KGZ", "CHN", Flow::Import, 2019, 1735.0),
        ("KAZ", "CHN", Flow::Export, 2010, 10121.6),
        ("UZB", "RUS", Flow::Import, 2020, 4080.1),
        ("TKM", "CHN", Flow::Export, 2019, 8194.1),
    ];
    for (r, p, flow, year, millions) in cases {
        let v = dots(&flows, r, p, flow, year) / 1e6;
        assert!((v - millions).abs() < 0.05, "{r} {p} {flow:?} {year}: {v}");
    }
    // Both perspectives: what Russia and China report about Tajikistan (the mirror).
    for reporter in ["RUS", "CHN"] {
        for flow in [Flow::Export, Flow::Import] {
            assert!(dots(&flows, reporter, "TJK", flow, 2020) > 0.0);
        }
    }
    let rus_tjk = flows
        .iter()
        .find(|f| f.reporter_id == "RUS" && f.partner_id == "TJK" && f.year == 2020)
        .unwrap();
    assert_eq!(rus_tjk.perspective, Perspective::ReporterDeclared);
    // The eight reporters, nothing later than 2020.
    let reporters: HashSet<&str> = flows
        .iter()
        .filter(|f| f.source_id.starts_with("imf_dots-"))
        .map(|f| f.reporter_id.as_str())
        .collect();
    let mut reporters: Vec<&str> = reporters.into_iter().collect();
    reporters.sort_unstable();
    assert_eq!(
        reporters,
        ["AFG", "CHN", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"]
    );
    assert!(flows
        .iter()
        .filter(|f| f.source_id.starts_with("imf_dots-"))
        .all(|f| f.year <= 2020));
}

#[test]
fn ucdp_acd_spot_rows_are_the_release() {
    let store = bundled();
    let conflicts: Vec<Conflict> = store.records().unwrap();
    let row = |id: i32, year: i16| {
        conflicts
            .iter()
            .find(|c| c.conflict_id == id && c.year == year)
            .unwrap_or_else(|| panic!("no conflict {id} in {year}"))
    };
    let civil_war = row(395, 1992);
    assert_eq!(civil_war.start_date, day(1992, 5, 5));
    assert_eq!(civil_war.side_b, "PFT, UTO");
    assert_eq!(civil_war.intensity_level, IntensityLevel::War);
    assert_eq!(
        civil_war.type_of_conflict,
        ConflictType::InternationalizedIntrastate
    );
    assert_eq!(civil_war.location_entity_ids, [Some("TJK".to_string())]);
    let end = row(395, 1998);
    assert!(end.ep_end);
    assert_eq!(end.ep_end_date, day(1998, 11, 16));
    let border = row(13324, 2022);
    assert_eq!(border.ep_end_date, day(2022, 9, 18));
    assert_eq!(border.start_date, day(2014, 7, 10));
    assert_eq!(border.territory_name.as_deref(), Some("Common Border"));
    row(16292, 2018);
    row(16292, 2019);
    // Every row is 25.1; the split record (11349, 2008) is not a row but two rejects.
    assert!(conflicts.iter().all(|c| c.version == "25.1"));
    assert_eq!(conflicts.len(), 2750);
    assert!(!conflicts
        .iter()
        .any(|c| c.conflict_id == 11349 && c.year == 2008));
    let rejects: Vec<Reject> = store.records().unwrap();
    let lines: Vec<(i64, &str)> = rejects
        .iter()
        .map(|r| (r.line, r.reason.as_str()))
        .collect();
    assert_eq!(lines, [(42, "split_record"), (43, "split_record")]);
}

#[test]
fn memberships_carry_the_drafts_dates_and_pages() {
    let store = bundled();
    let rows: Vec<Membership> = store.records().unwrap();
    let sources = common::by_id(&store, |s: &Source| &s.source_id);
    let find = |org: &str, entity: &str, role: MembershipRole| {
        rows.iter()
            .find(|m| m.org_id == org && m.entity_id == entity && m.role == role)
            .unwrap_or_else(|| panic!("{org} {entity}"))
    };
    let kgz = find("eaeu", "KGZ", MembershipRole::Member);
    assert_eq!(kgz.valid_from, day(2015, 8, 6));
    assert_eq!(kgz.date_precision, DatePrecision::Day);
    assert!(kgz
        .source_locator
        .as_deref()
        .unwrap()
        .contains("12 Aug 2015"));
    let uzb = find("csto", "UZB", MembershipRole::Member);
    assert_eq!(
        (uzb.valid_from, uzb.valid_to),
        (day(2006, 6, 23), day(2012, 1, 1))
    );
    assert_eq!(uzb.date_precision, DatePrecision::Year);
    let tkm = find("cis", "TKM", MembershipRole::AssociateMember);
    assert_eq!(tkm.valid_from, day(2005, 8, 26));
    let afg = find("carec", "AFG", MembershipRole::Member);
    assert_eq!(afg.date_precision, DatePrecision::Month);
    assert_eq!(
        find("sco", "TJK", MembershipRole::Member).valid_from,
        day(2001, 6, 15)
    );
    let draft: Vec<&Membership> = rows
        .iter()
        .filter(|m| m.source_id.starts_with("memberships-draft-"))
        .collect();
    assert_eq!(draft.len(), 34);
    for m in draft {
        let cited = &sources[m.cited_source_id.as_deref().unwrap()];
        assert_eq!(cited.csl_type, "webpage");
        assert!(cited.url.as_deref().unwrap().starts_with("http"));
        assert!(m
            .source_locator
            .as_deref()
            .unwrap()
            .contains("page quote: "));
        let draft_source = &sources[&m.source_id];
        assert!(draft_source.note.as_deref().unwrap().contains("DRAFT"));
    }
}

#[test]
fn every_row_cites_a_source_that_says_where_it_came_from() {
    let store = bundled();
    let sources = common::by_id(&store, |s: &Source| &s.source_id);
    let cites = |table: &str, id: &str, cited: Option<&str>| {
        assert!(sources.contains_key(id), "{table}: unknown source {id}");
        if let Some(c) = cited {
            assert!(sources.contains_key(c), "{table}: unknown cited source {c}");
        }
    };
    for r in store.records::<IndicatorObservation>().unwrap() {
        cites(
            "indicator_observations",
            &r.source_id,
            r.cited_source_id.as_deref(),
        );
    }
    for r in store.records::<TradeFlow>().unwrap() {
        cites("trade_flows", &r.source_id, r.cited_source_id.as_deref());
    }
    for r in store.records::<Conflict>().unwrap() {
        cites("conflicts", &r.source_id, None);
    }
    for r in store.records::<Membership>().unwrap() {
        cites("memberships", &r.source_id, r.cited_source_id.as_deref());
    }
    for r in store.records::<Organisation>().unwrap() {
        cites("organisations", &r.source_id, r.cited_source_id.as_deref());
    }
    for r in store.records::<Entity>().unwrap() {
        cites("entities", &r.source_id, None);
    }
    for r in store.records::<EntityCode>().unwrap() {
        cites("entity_codes", &r.source_id, None);
    }
    for r in store.records::<Indicator>().unwrap() {
        cites("indicators", &r.source_id, None);
    }
    for r in store.records::<Event>().unwrap() {
        cites("events", &r.source_id, r.cited_source_id.as_deref());
    }
    // Each pinned input is one Source with its sha256, publisher, vintage, licence and URL.
    let manifest = Manifest::read(&repo().join("data/dataset.toml")).unwrap();
    for input in &manifest.inputs {
        let s = sources
            .values()
            .find(|s| s.content_sha256.as_deref() == Some(input.file.sha256.as_str()))
            .unwrap_or_else(|| panic!("no Source for {}", input.file.path));
        let name = &input.file.path;
        assert!(s.publisher.is_some(), "{name}: publisher");
        assert!(s.version.is_some(), "{name}: vintage");
        assert!(s.license.is_some(), "{name}: licence");
        assert!(s.accessed.is_some(), "{name}: accessed");
        assert_eq!(s.accessed, input.origin.accessed, "{name}: never today");
        if input.importer != steppe::dataset::Importer::MembershipsDraft {
            assert!(
                s.url.as_deref().is_some_and(|u| u.starts_with("https://")),
                "{name}"
            );
        }
    }
    // Every dataset Source of an import has them too; the curated ones carry what applies.
    for s in sources.values() {
        let named = s.title.is_some() || s.container_title.is_some() || s.note.is_some();
        assert!(named, "{}: what it is", s.source_id);
        let located =
            s.url.is_some() || s.doi.is_some() || s.cited_by.is_some() || s.note.is_some();
        assert!(located, "{}: where to find it", s.source_id);
        if s.csl_type == "dataset" && s.content_sha256.is_some() {
            assert!(s.license.is_some(), "{}: licence", s.source_id);
        }
    }
}

/// `[(field name, old, new)]` of the named fields of two rows, each shown by `text`
/// (`Display`) or `debug` (`{:?}`).
macro_rules! compared {
    ($old:expr, $new:expr; $($show:ident $field:ident),* $(,)?) => {
        [$((stringify!($field), $show(&$old.$field), $show(&$new.$field))),*]
    };
}

fn text(v: &impl std::fmt::Display) -> String {
    v.to_string()
}

fn debug(v: &impl std::fmt::Debug) -> String {
    format!("{v:?}")
}

/// The bundled 25.1 against 23.1 for 1946-2022: the conflict-years only one release has and
/// the fields that differ. The list is in docs/data.md.
fn acd_differences(v23: &[Conflict], v25: &[Conflict]) -> Vec<String> {
    let key = |c: &Conflict| (c.conflict_id, c.year);
    let old: BTreeMap<_, &Conflict> = v23.iter().map(|c| (key(c), c)).collect();
    let new: BTreeMap<_, &Conflict> = v25
        .iter()
        .filter(|c| c.year <= 2022)
        .map(|c| (key(c), c))
        .collect();
    let mut out = Vec::new();
    for (k, c) in &old {
        match new.get(k) {
            None => out.push(format!("{} {}: only in 23.1 ({})", k.0, k.1, c.location)),
            Some(n) => {
                let fields = compared!(c, n;
                    debug intensity_level, debug type_of_conflict, text side_a, text side_b,
                    debug side_a_2nd, debug side_b_2nd, debug start_date, debug start_date2,
                    text ep_end, debug ep_end_date, debug territory_name, debug incompatibility);
                for (name, a, b) in fields {
                    if a != b {
                        out.push(format!("{} {}: {name} {a} -> {b}", k.0, k.1));
                    }
                }
            }
        }
    }
    for (k, c) in &new {
        if !old.contains_key(k) {
            out.push(format!("{} {}: only in 25.1 ({})", k.0, k.1, c.location));
        }
    }
    out
}

#[test]
fn ucdp_acd_25_1_cross_checked_against_23_1() {
    let Some(v23) = common::shared_file("data-sources/ucdp/v23_1/UcdpPrioConflict_v23_1.csv")
    else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    ucdp_acd::import(&[v23], &out, &ImportOptions::default()).unwrap();
    let old: Vec<Conflict> = Store::open(&out).unwrap().records().unwrap();
    assert_eq!(old.len(), 2626);
    let new: Vec<Conflict> = bundled().records().unwrap();
    let diffs = acd_differences(&old, &new);
    // docs/data.md lists them between its `acd-diff` markers (rewritten with
    // STEPPE_UPDATE_BUNDLE=1).
    let path = repo().join("docs/data.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let (begin, end) = ("<!-- acd-diff:begin -->\n", "<!-- acd-diff:end -->");
    let (b, e) = (
        doc.find(begin).expect("marker"),
        doc.find(end).expect("marker"),
    );
    let block = format!("```text\n{}\n```\n", diffs.join("\n"));
    if std::env::var_os("STEPPE_UPDATE_BUNDLE").is_some() {
        let text = format!("{}{begin}{block}{}", &doc[..b], &doc[e..]);
        std::fs::write(&path, text).unwrap();
        return;
    }
    assert_eq!(
        &doc[b + begin.len()..e],
        block,
        "docs/data.md's ACD differences are stale"
    );
    // The Central Asian ones: the Kyrgyz-Tajik border conflict's episode ends in 25.1, the
    // Tajik government vs IS is new, and China vs ETIM 2008 is the re-save's split record.
    for line in [
        "13324 2022: ep_end_date None -> Some(2022-09-18)",
        "16292 2018: only in 25.1 (Tajikistan)",
        "11349 2008: only in 23.1 (China)",
    ] {
        assert!(diffs.iter().any(|d| d == line), "{line}");
    }
    assert!(
        !diffs.iter().any(|d| d.starts_with("395 ")),
        "the civil war agrees"
    );
}

/// The World Bank's own API download of remittances (vintage 2025-07-01) against the bundled
/// Datahub mirror (fetched 2026-07-01): the same values for every economy-year both hold,
/// up to the mirror's float round-trip.
#[test]
fn wb_api_remittances_agree_with_the_bundled_mirror() {
    let dir = "data-sources/world-bank-wdi/wb-api-2025-07-remittances";
    let Some(data) = common::shared_file(&format!(
        "{dir}/API_BX.TRF.PWKR.CD.DT_DS2_en_csv_v2_38454.csv"
    )) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("s");
    wdi::import(
        &[data],
        &out,
        &Default::default(),
        &ImportOptions::default(),
    )
    .unwrap();
    let api = observations(&Store::open(&out).unwrap());
    let mirror = observations(&bundled());
    let eight = ["AFG", "CHN", "KAZ", "KGZ", "RUS", "TJK", "TKM", "UZB"];
    let mut same = 0;
    let mut revised = Vec::new();
    for (k, v) in &api {
        let Some(m) = mirror.get(k) else {
            continue;
        };
        if (v - m).abs() <= 1e-9 * v.abs().max(1.0) {
            same += 1;
        } else if eight.contains(&k.1.as_str()) {
            revised.push(format!("{} {}: {v} -> {m}", k.1, k.2));
        }
    }
    revised.sort();
    // Later revisions in the mirror's vintage (docs/data.md lists them); TJK, UZB, TKM and
    // AFG are unchanged.
    assert_eq!(
        revised,
        [
            "CHN 2019: 18294313104.25 -> 14257782654.52",
            "CHN 2020: 18876250770.21 -> 14714298893.63",
            "CHN 2021: 22479899032.72 -> 17118443356.6",
            "CHN 2022: 26093633202.03 -> 20424526329.53",
            "CHN 2023: 29484299914.89 -> 22592912425.35",
            "CHN 2024: 31410598200.12 -> 24980610479.96",
            "KAZ 2024: 240391763.091781 -> 240778837.67322",
            "KGZ 2022: 3225168649.75035 -> 3266631755.94757",
            "KGZ 2023: 2850000000 -> 2862985350.44172",
            "RUS 2024: 1907830000 -> 1815510000",
        ]
    );
    assert_eq!(same, 8065, "economy-years equal in both vintages");
}

/// How many rows of table `R` in `store` `keep` keeps.
fn count<R: Record>(store: &Store, keep: impl Fn(&R) -> bool) -> usize {
    store
        .records::<R>()
        .unwrap()
        .iter()
        .filter(|r| keep(r))
        .count()
}

/// How many bundled rows a claim's `subject_refs` entry names (each must name exactly one).
fn rows_named(store: &Store, table: &str, key: &str) -> usize {
    let split = |k: &str| -> Vec<String> { k.split('/').map(String::from).collect() };
    match table {
        "trade_flows" => {
            let (key, source) = match key.split_once('@') {
                Some((k, s)) => (k, Some(s)),
                None => (key, None),
            };
            count(store, |f: &TradeFlow| {
                let id = format!(
                    "{}-{}-{}-{}",
                    f.reporter_id,
                    f.partner_id,
                    f.year,
                    f.flow.as_str()
                );
                id == key && source.is_none_or(|s| s == f.source_id)
            })
        }
        "indicator_observations" => {
            let parts = split(key);
            let [indicator, entity, year] = parts.as_slice() else {
                panic!("{key}");
            };
            count(store, |o: &IndicatorObservation| {
                &o.indicator_id == indicator
                    && &o.entity_id == entity
                    && o.year.to_string() == *year
            })
        }
        "conflicts" => count(store, |c: &Conflict| {
            format!("{}/{}", c.conflict_id, c.year) == key
        }),
        "events" => count(store, |e: &Event| e.event_id == key),
        "organisations" => count(store, |o: &Organisation| o.org_id == key),
        "memberships" => count(store, |m: &Membership| {
            format!("{}/{}/{}", m.org_id, m.entity_id, m.role.as_str()) == key
        }),
        other => panic!("subject_refs names no known table: {other}"),
    }
}

#[test]
fn the_articles_claims_link_to_rows_that_exist() {
    let store = bundled();
    let claims: Vec<Claim> = store.records().unwrap();
    let mut relations: BTreeMap<(String, RefRelation), usize> = BTreeMap::new();
    for c in &claims {
        let refs = c.refs();
        assert_eq!(
            refs.len(),
            c.subject_refs.len(),
            "{}: an entry does not parse",
            c.claim_id
        );
        for r in refs {
            assert_eq!(
                rows_named(&store, r.table, r.key),
                1,
                "{}: {}:{} names one row",
                c.claim_id,
                r.table,
                r.key
            );
            let short = c.claim_id.rsplit(':').next().unwrap().to_string();
            *relations.entry((short, r.relation)).or_default() += 1;
        }
    }
    let count = |c: &str, r: RefRelation| relations.get(&(c.to_string(), r)).copied();
    // The remittance statement, its 2023 trade figures, the civil war's dates.
    assert_eq!(count("c04", RefRelation::Supports), Some(3));
    assert_eq!(count("c08", RefRelation::Encodes), Some(4));
    assert_eq!(count("c08", RefRelation::Context), Some(6));
    assert_eq!(count("c21", RefRelation::Supports), Some(1));
    assert_eq!(count("c21", RefRelation::Contradicts), Some(1));
    // The civil war: the article's 1992-97 against the ACD's episode, 1992-05-05 to 1998-11-16.
    let conflicts: Vec<Conflict> = store.records().unwrap();
    let last = conflicts
        .iter()
        .find(|c| c.conflict_id == 395 && c.year == 1998)
        .unwrap();
    assert_eq!(last.ep_end_date, day(1998, 11, 16));
    let first = conflicts
        .iter()
        .find(|c| c.conflict_id == 395 && c.year == 1992)
        .unwrap();
    assert_eq!(first.start_date, day(1992, 5, 5));
}
