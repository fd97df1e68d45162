//! The records the store tests write: one of every table, every field set, and helpers.

#![allow(dead_code)]

use std::path::Path;

use chrono::NaiveDate;
use steppe::model::*;
use steppe::Store;

pub fn d(s: &str) -> Option<NaiveDate> {
    Some(NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap())
}

pub fn source(id: &str) -> Source {
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

pub fn entity(id: &str) -> Entity {
    Entity {
        entity_id: id.into(),
        name: format!("Name {id}"),
        name_official: Some(format!("Republic of {id}")),
        entity_type: EntityType::Country,
        valid_from: d("1991-09-09"),
        valid_to: None,
        parent_id: None,
        predecessor_ids: None,
        successor_ids: None,
        region: Some("Central Asia".into()),
        focus: Some("central_asia".into()),
        source_id: "src".into(),
        source_locator: Some("row".into()),
    }
}

pub fn flow(year: i16, reporter: &str, partner: &str, value: f64) -> TradeFlow {
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
pub struct Sample {
    pub sources: Vec<Source>,
    pub entities: Vec<Entity>,
    pub codes: Vec<EntityCode>,
    pub orgs: Vec<Organisation>,
    pub members: Vec<Membership>,
    pub flows: Vec<TradeFlow>,
    pub indicators: Vec<Indicator>,
    pub obs: Vec<IndicatorObservation>,
    pub events: Vec<Event>,
    pub actors: Vec<EventActor>,
    pub claims: Vec<Claim>,
    pub rejects: Vec<Reject>,
}

pub fn sample() -> Sample {
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
        conflict_id: Some(395),
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

pub fn write_sample(root: &Path) -> Sample {
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

pub fn sorted<T: Clone, K: Ord>(v: &[T], key: impl Fn(&T) -> K) -> Vec<T> {
    let mut v = v.to_vec();
    v.sort_by_key(|x| key(x));
    v
}
