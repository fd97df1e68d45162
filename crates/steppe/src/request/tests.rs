//! Requests against the bundled store.

use std::collections::BTreeSet;

use super::*;
use crate::model::{Event, TradeFlow};

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// The rows of `request` on the bundled store as records.
fn rows<R: crate::Record>(request: &Request) -> Vec<R> {
    let store = Store::bundled().unwrap();
    let data = request.read(&store, &Resolver::new()).unwrap().unwrap();
    crate::from_batches(&data.batches).unwrap()
}

#[test]
fn a_reporter_in_any_form_gives_tajikistans_four_2023_figures() {
    // The article's rows (the bundle also holds IMF DOTS to 2020).
    let ask = |form: &str| {
        Request::new(Table::TradeFlows)
            .and(Condition::countries("reporter_id", strings(&[form]), None))
            .and(Condition::Ready(Predicate::is_in(
                "source_id",
                ["dyer-2025-tajikistan"],
            )))
    };
    let flows: Vec<TradeFlow> = rows(&ask("TJK"));
    let mut values: Vec<f64> = flows.iter().flat_map(|f| f.value).collect();
    values.sort_by(f64::total_cmp);
    assert_eq!(values, [137.4e6, 313.8e6, 1189e6, 1580e6]);
    assert!(flows.iter().all(|f| f.reporter_id == "TJK"));
    for form in ["TJ", "762", "fips:TI", "gw:702"] {
        assert_eq!(rows::<TradeFlow>(&ask(form)), flows, "{form}");
    }
}

#[test]
fn involving_a_country_with_flow_and_years_is_one_row() {
    let request = Request::new(Table::TradeFlows)
        .and(Condition::Involving {
            values: strings(&["CHN"]),
            year: None,
        })
        .and(Condition::Ready(Predicate::is_in("flow", ["import"])))
        .and(Condition::years(Some(2021), Some(2023)));
    let flows: Vec<TradeFlow> = rows(&request);
    assert_eq!(flows.len(), 1, "{flows:?}");
    assert_eq!(flows[0].value, Some(1189e6));
    assert!([&flows[0].reporter_id, &flows[0].partner_id].contains(&&"CHN".to_string()));
}

#[test]
fn a_countrys_events_are_those_at_it_and_those_it_took_part_in() {
    let store = Store::bundled().unwrap();
    for country in ["TJK", "RUS"] {
        let request = Request::new(Table::Events).and(Condition::Country {
            values: strings(&[country]),
            year: None,
        });
        let got: BTreeSet<String> = rows::<Event>(&request)
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        // The report's semi-join gives the same events.
        let report: BTreeSet<String> = crate::report::events::of_country(&store, country)
            .unwrap()
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        assert_eq!(got, report, "{country}");
        // So does the general sub-query form (Python's spelling before).
        let in_select = Request::new(Table::Events).and(Condition::Any(vec![
            Condition::countries("country_id", strings(&[country]), None),
            Condition::InSelect {
                column: "event_id".into(),
                table: Table::EventActors,
                select: "event_id".into(),
                conditions: vec![Condition::countries("actor_ref", strings(&[country]), None)],
            },
        ]));
        let same: BTreeSet<String> = rows::<Event>(&in_select)
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        assert_eq!(same, got, "{country}");
    }
    let tjk: Vec<Event> = rows(&Request::new(Table::Events).and(Condition::Country {
        values: strings(&["762"]),
        year: None,
    }));
    assert!(tjk.iter().any(|e| e.event_id == "cur:tajik-civil-war"));
    // Russia took part in events in Tajikistan.
    let rus: Vec<Event> = rows(&Request::new(Table::Events).and(Condition::Country {
        values: strings(&["RUS"]),
        year: None,
    }));
    assert!(rus.iter().any(|e| e.country_id.as_deref() == Some("TJK")));
}

#[test]
fn country_means_each_tables_own_rows_and_columns_are_returned_as_asked() {
    let store = Store::bundled().unwrap();
    let resolver = Resolver::new();
    let country = |table: Table, v: &str| {
        let mut r = Request::new(table).and(Condition::Country {
            values: strings(&[v]),
            year: None,
        });
        r.columns = Some(strings(&["entity_id"]));
        r
    };
    // FIPS RS is Russia, ISO RS Serbia.
    for (typed, id) in [("fips:RS", "RUS"), ("RS", "SRB")] {
        let data = country(Table::Entities, typed)
            .read(&store, &resolver)
            .unwrap()
            .unwrap();
        assert_eq!(data.schema.fields().len(), 1);
        let ids: Vec<String> = column_values(&store, Table::Entities, "entity_id", {
            Request::new(Table::Entities)
                .and(Condition::Country {
                    values: strings(&[typed]),
                    year: None,
                })
                .filter(&store, &resolver)
                .unwrap()
                .unwrap()
        })
        .unwrap();
        assert_eq!(ids, [id]);
        assert_eq!(data.num_rows(), 1);
    }
    // Distinct partners of Tajikistan's trade in 2023 (the article's rows), sorted.
    let partners = Request::new(Table::TradeFlows)
        .and(Condition::countries("reporter_id", strings(&["TJK"]), None))
        .and(Condition::years(Some(2023), Some(2023)))
        .distinct(&store, &resolver, "partner_id")
        .unwrap()
        .unwrap();
    assert_eq!(partners, ["CHN", "RUS"]);
    // Soft countries keep what is no country (an organisation among actors).
    let actors = Request::new(Table::EventActors).and(Condition::Countries {
        label: "actor".into(),
        column: "actor_ref".into(),
        contains: false,
        values: strings(&["tj", "not-a-country"]),
        year: None,
        soft: true,
    });
    let refs = actors
        .distinct(&store, &resolver, "actor_ref")
        .unwrap()
        .unwrap();
    assert_eq!(refs, ["TJK"]);
}

#[test]
fn every_value_that_is_no_country_is_listed_with_its_condition() {
    let store = Store::bundled().unwrap();
    let request = Request::new(Table::TradeFlows)
        .and(Condition::countries(
            "reporter_id",
            strings(&["Atlantis", "TJK"]),
            None,
        ))
        .and(Condition::countries(
            "partner_id",
            strings(&["fips:ZZ"]),
            None,
        ))
        .and(Condition::Involving {
            values: strings(&["Atlantis"]),
            year: None,
        });
    let failed = request.read(&store, &Resolver::new()).unwrap().unwrap_err();
    let got: Vec<(&str, &str)> = failed
        .iter()
        .map(|f| (f.label.as_str(), f.value.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("reporter", "Atlantis"),
            ("partner", "fips:ZZ"),
            ("involving", "Atlantis")
        ]
    );
    assert!(failed.iter().all(|f| !f.reason.is_empty()));
}

#[test]
fn conditions_that_do_not_fit_the_table_are_errors_naming_them() {
    let store = Store::bundled().unwrap();
    let resolver = Resolver::new();
    let error = |request: Request| match request.read(&store, &resolver) {
        Err(Error::InvalidArgument(m)) => m,
        other => panic!("expected an invalid argument, got {other:?}"),
    };
    let involving = Request::new(Table::Events).and(Condition::Involving {
        values: strings(&["TJK"]),
        year: None,
    });
    assert_eq!(
        error(involving),
        "involving does not apply to table `events`"
    );
    let country = Request::new(Table::Sources).and(Condition::Country {
        values: strings(&["TJK"]),
        year: None,
    });
    assert_eq!(error(country), "country does not apply to table `sources`");
    let flow =
        Request::new(Table::Entities).and(Condition::Ready(Predicate::is_in("flow", ["import"])));
    assert_eq!(error(flow), "table `entities` has no column `flow`");
    let mut columns = Request::new(Table::TradeFlows);
    columns.columns = Some(strings(&["year", "valu"]));
    let m = error(columns);
    assert!(
        m.contains("no column `valu`") && m.contains("year, month, reporter_id"),
        "{m}"
    );
    assert_eq!(
        check_columns(Table::TradeFlows, &strings(&["year", "year"]))
            .unwrap_err()
            .to_string(),
        Error::InvalidArgument("`year` is listed twice".into()).to_string()
    );
}

/// `Request::on` resolves every condition's countries on that day: COW 345 is Yugoslavia
/// until 2006-06-02 and Serbia from 2006-06-03, ambiguous for the year 2006.
#[test]
fn a_requests_day_decides_a_code_that_changes_holder_within_the_year() {
    let store = Store::bundled().unwrap();
    let ask = |on: Option<&str>, year: Option<i32>| {
        let mut request = Request::new(Table::Entities).and(Condition::Country {
            values: strings(&["cow:345"]),
            year,
        });
        request.on = on.map(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap());
        request.read(&store, &Resolver::new()).unwrap()
    };
    let ids = |data: TableData| -> Vec<String> {
        let entities: Vec<crate::model::Entity> = crate::from_batches(&data.batches).unwrap();
        entities.into_iter().map(|e| e.entity_id).collect()
    };
    assert_eq!(ids(ask(Some("2006-06-02"), None).unwrap()), ["YUG"]);
    assert_eq!(ids(ask(Some("2006-06-03"), Some(2006)).unwrap()), ["SRB"]);
    let failed = ask(None, Some(2006)).unwrap_err();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].value, "cow:345");
    assert!(
        failed[0].reason.contains("YUG") && failed[0].reason.contains("SRB"),
        "{failed:?}"
    );
}
