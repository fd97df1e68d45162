//! The bundled store is what `data/` and the pinned publishers' files (`data/dataset.toml`)
//! build to, validates cleanly, and every fact taken from the seed article holds a figure or
//! phrase that the article's text contains. The publishers' values and the releases'
//! cross-checks are in `tests/bundled_data.rs`.
//!
//! To refresh the bundle after editing `data/` or the manifest: `data/scripts/build_dataset.sh`
//! (or `STEPPE_UPDATE_BUNDLE=1 cargo test -p steppe --test bundled`, with `shared/`), then
//! rebuild.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use steppe::curated::Curated;
use steppe::dataset::Manifest;
use steppe::model::*;
use steppe::{Store, Table};

mod common;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The seed article's text, or `None` (the test is skipped) without `shared/`.
fn article_text() -> Option<String> {
    let path = match std::env::var_os("STEPPE_ARTICLE") {
        Some(path) => PathBuf::from(path),
        None => common::shared_file("seed/tajikistan-between-the-bear-and-the-dragon.txt")?,
    };
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: cannot read the seed article: {e}", path.display()));
    Some(text)
}

fn file_hashes(store: &Store) -> BTreeMap<String, String> {
    store
        .descriptor()
        .resources
        .iter()
        .flat_map(|r| {
            r.steppe
                .files
                .iter()
                .map(|f| (f.path.clone(), f.sha256.clone()))
        })
        .collect()
}

/// The manifest's inputs under `shared/data-sources/`, or `None` (the caller skips, the
/// first missing file named) when one is absent.
fn shared_inputs() -> Option<(Manifest, PathBuf)> {
    let manifest = Manifest::read(&repo().join("data/dataset.toml")).expect("data/dataset.toml");
    for input in &manifest.inputs {
        for pinned in std::iter::once(&input.file).chain(&input.companions) {
            common::shared_file(&format!("data-sources/{}", pinned.path))?;
        }
    }
    Some((manifest, common::shared_dir().join("data-sources")))
}

#[test]
fn shipped_store_equals_a_rebuild_from_data_and_the_pinned_files() {
    let Some((manifest, inputs)) = shared_inputs() else {
        return;
    };
    if std::env::var_os("STEPPE_UPDATE_BUNDLE").is_some() {
        let dest = Path::new(env!("CARGO_MANIFEST_DIR")).join("bundled");
        steppe::dataset::build(&manifest, &repo().join("data"), &inputs, &dest).unwrap();
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("bundled");
    let report = steppe::dataset::build(&manifest, &repo().join("data"), &inputs, &out).unwrap();
    assert_eq!(report.imports.len(), manifest.inputs.len());
    let rebuilt = Store::open(&out).unwrap();
    let shipped = Store::bundled().expect("a bundled store is compiled in");
    assert_eq!(
        file_hashes(&rebuilt),
        file_hashes(&shipped),
        "bundled/ is stale: rebuild it with data/scripts/build_dataset.sh"
    );
    assert_eq!(
        rebuilt.descriptor(),
        shipped.descriptor(),
        "bundled descriptor is stale"
    );
    // Within the 8 MB the wheel may grow by (the store before this dataset was 0.3 MB).
    assert!(report.bytes < 6_000_000, "{} bytes", report.bytes);
}

/// Records as comparable text, sorted (the records have no order of their own).
fn sorted<R: std::fmt::Debug>(rows: &[R]) -> Vec<String> {
    let mut out: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
    out.sort();
    out
}

#[test]
fn shipped_store_holds_data_as_compiled() {
    // Runs without shared/: the curated half of the bundle is exactly what data/ compiles to.
    let curated = Curated::read(&repo().join("data")).expect("data/ reads");
    let tmp = tempfile::tempdir().unwrap();
    let compiled = curated.write_store(&tmp.path().join("curated")).unwrap();
    let shipped = Store::bundled().unwrap();
    let ids: std::collections::HashSet<String> = curated
        .sources
        .iter()
        .map(|s| s.source_id.clone())
        .collect();
    fn check<R, F>(compiled: &Store, shipped: &Store, keep: F)
    where
        R: steppe::Record + std::fmt::Debug,
        F: Fn(&R) -> bool,
    {
        let want: Vec<R> = compiled.records().unwrap();
        let have: Vec<R> = shipped
            .records::<R>()
            .unwrap()
            .into_iter()
            .filter(|r| keep(r))
            .collect();
        assert_eq!(
            sorted(&have),
            sorted(&want),
            "{}",
            std::any::type_name::<R>()
        );
    }
    check::<Source, _>(&compiled, &shipped, |s| ids.contains(&s.source_id));
    check::<Entity, _>(&compiled, &shipped, |r| ids.contains(&r.source_id));
    check::<EntityCode, _>(&compiled, &shipped, |r| ids.contains(&r.source_id));
    check::<Organisation, _>(&compiled, &shipped, |r| ids.contains(&r.source_id));
    check::<Membership, _>(&compiled, &shipped, |r| ids.contains(&r.source_id));
    check::<TradeFlow, _>(&compiled, &shipped, |r| ids.contains(&r.source_id));
    check::<Event, _>(&compiled, &shipped, |r| ids.contains(&r.source_id));
    check::<EventActor, _>(&compiled, &shipped, |_| true);
    check::<Claim, _>(&compiled, &shipped, |_| true);
}

#[test]
fn bundled_store_validates() {
    let store = Store::bundled().unwrap();
    let report = steppe::validate(&store).unwrap();
    assert!(report.is_ok(), "{:#?}", report.problems);
    assert!(report.files_checked > 0);
    assert!(store.row_count(Table::Entities) >= 249);
}

#[test]
fn every_iso_3166_1_entry_is_an_entity_with_its_codes() {
    let store = Store::bundled().unwrap();
    let entities: Vec<Entity> = store.records().unwrap();
    let countries: Vec<&Entity> = entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Country && e.source_id.contains("3166-1"))
        .collect();
    assert_eq!(countries.len(), 249, "ISO 3166-1 has 249 entries");
    // The other countries are states the G&W and COW lists give that ISO 3166-1 does not.
    let mut others: Vec<&str> = entities
        .iter()
        .filter(|e| e.entity_type == EntityType::Country && !e.source_id.contains("3166-1"))
        .map(|e| e.entity_id.as_str())
        .collect();
    others.sort_unstable();
    // The Channel Islands are an economy of the World Bank's country metadata.
    assert_eq!(others, ["ABK", "CHI", "SOT", "XKX"]);
    let codes = steppe::CodeIndex::from_store(&store).unwrap();
    for e in countries {
        for scheme in [Scheme::Iso2, Scheme::Iso3, Scheme::IsoNum] {
            let code = codes
                .code_of(&e.entity_id, scheme, None)
                .unwrap_or_else(|| panic!("{} has no {scheme}", e.entity_id));
            assert_eq!(
                codes.resolve(scheme, &code, Some(2024)).unwrap(),
                e.entity_id,
                "{scheme} {code}"
            );
        }
    }
}

#[test]
fn fips_and_iso_collisions_in_the_real_crosswalk() {
    let codes = steppe::CodeIndex::from_store(&Store::bundled().unwrap()).unwrap();
    assert_eq!(codes.resolve_any("fips:RS", Some(2024)).unwrap(), "RUS");
    assert_eq!(codes.resolve_any("RS", Some(2024)).unwrap(), "SRB");
    assert_eq!(codes.resolve_any("fips:CH", Some(2024)).unwrap(), "CHN");
    assert_eq!(codes.resolve_any("CH", Some(2024)).unwrap(), "CHE");
    for input in [
        "TJ", "TJK", "762", "fips:TI", "gw:702", "cow:TAJ", "cow:702",
    ] {
        assert_eq!(
            codes.resolve_any(input, Some(2024)).unwrap(),
            "TJK",
            "{input}"
        );
    }
    // Czechoslovakia's alpha-2 is valid only before its withdrawal.
    assert_eq!(codes.resolve_any("CS", Some(1990)).unwrap(), "CSK");
    assert!(codes.resolve_any("CS", None).is_err());
}

#[test]
fn every_fact_row_cites_an_existing_source_and_article_rows_quote_the_article() {
    let store = Store::bundled().unwrap();
    let Some(article) = article_text() else {
        return;
    };
    let normalised = article.replace(',', "");
    let sources: Vec<Source> = store.records().unwrap();
    let ids: std::collections::HashSet<&str> =
        sources.iter().map(|s| s.source_id.as_str()).collect();
    let article_id = "dyer-2025-tajikistan";
    assert!(ids.contains(article_id));

    let flows: Vec<TradeFlow> = store.records().unwrap();
    let article_flows: Vec<&TradeFlow> =
        flows.iter().filter(|f| f.source_id == article_id).collect();
    assert_eq!(article_flows.len(), 4);
    for f in article_flows {
        assert!(ids.contains(f.source_id.as_str()));
        assert_eq!(f.source_id, article_id);
        let value = f.value.unwrap();
        // The article prints "$137.4 million" or "$1.580 billion": find that figure.
        let printed = if value >= 1e9 {
            format!("${:.3} billion", value / 1e9)
        } else {
            format!("${:.1} million", value / 1e6)
        };
        assert!(
            normalised.contains(&printed),
            "article does not state {printed}"
        );
        assert!(f
            .cited_source_id
            .as_deref()
            .is_some_and(|c| ids.contains(c)));
    }

    let events: Vec<Event> = store.records().unwrap();
    assert!(events.len() >= 11);
    for e in &events {
        assert!(ids.contains(e.source_id.as_str()), "{}", e.event_id);
        if e.source_id == article_id {
            let quote = e
                .description
                .as_deref()
                .expect("article events quote the article");
            assert!(
                article.contains(quote),
                "{}: `{quote}` not in the article",
                e.event_id
            );
            if let Some(d) = e.start_date {
                let year = chrono::Datelike::year(&d).to_string();
                assert!(
                    article.contains(&year),
                    "{}: year {year} not in the article",
                    e.event_id
                );
            }
        }
        if let Some(c) = &e.cited_source_id {
            assert!(ids.contains(c.as_str()));
        }
    }
    let civil_war = events
        .iter()
        .find(|e| e.event_id == "cur:tajik-civil-war")
        .expect("civil war");
    assert_eq!(civil_war.date_precision, DatePrecision::Year);

    let claims: Vec<Claim> = store.records().unwrap();
    assert!(!claims.is_empty());
    for c in &claims {
        assert!(
            article.contains(&c.text),
            "claim {} is not verbatim",
            c.claim_id
        );
        for cited in &c.cited_source_ids {
            assert!(ids.contains(cited.as_str()));
        }
        for v in c.value_text.iter().flat_map(|v| v.split(';')) {
            assert!(
                article.contains(v.trim()),
                "claim {} figure {v}",
                c.claim_id
            );
        }
    }
    for s in &sources {
        if let Some(c) = &s.cited_by {
            assert!(ids.contains(c.as_str()));
        }
    }
    let cited: Vec<&Source> = sources
        .iter()
        .filter(|s| s.cited_by.as_deref() == Some(article_id))
        .collect();
    assert_eq!(cited.len(), 20, "the article cites 20 works");
}
