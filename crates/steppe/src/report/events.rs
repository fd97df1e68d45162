//! A country's events: those that happened there (`country_id`) and those it took part in
//! (an `event_actors` row whose `actor_ref` is the country) — a semi-join on `event_id`.

use std::borrow::Borrow;
use std::collections::HashSet;
use std::hash::Hash;

use arrow_array::cast::AsArray;

use crate::model::Event;
use crate::query::{Filter, Predicate};
use crate::schema::Table;
use crate::store::{ReadOptions, Store};
use crate::Result;

/// The events of `country` in `store`, in date order (undated last, ties by id). Reads
/// `event_actors` once (only the country's rows) and `events` once, joining them in memory
/// through a hash set of event ids.
pub fn of_country(store: &Store, country: &str) -> Result<Vec<Event>> {
    let ids = with_actors(store, &[country.to_string()])?;
    Ok(select(store.records::<Event>()?, &ids, country))
}

/// The ids of the events one of `countries` (entity ids) is an actor of: `event_actors` read
/// once, only the rows whose `actor_ref` is one of them and only their `event_id`.
pub fn with_actors(store: &Store, countries: &[String]) -> Result<HashSet<String>> {
    let data = store.read(
        Table::EventActors,
        &ReadOptions {
            filter: Filter::all().and(Predicate::is_in("actor_ref", countries.iter().cloned())),
            columns: Some(vec!["event_id".into()]),
        },
    )?;
    let mut ids = HashSet::new();
    for batch in &data.batches {
        let text = arrow_cast::cast(batch.column(0), &arrow_schema::DataType::Utf8)?;
        ids.extend(text.as_string::<i32>().iter().flatten().map(String::from));
    }
    Ok(ids)
}

/// The events at `country` or among `actor_events`, in date order (undated last, then by id).
/// One pass over `events`, one hash lookup each.
pub fn select<S: Borrow<str> + Hash + Eq>(
    events: Vec<Event>,
    actor_events: &HashSet<S>,
    country: &str,
) -> Vec<Event> {
    let mut out: Vec<Event> = events
        .into_iter()
        .filter(|e| {
            e.country_id.as_deref() == Some(country) || actor_events.contains(e.event_id.as_str())
        })
        .collect();
    out.sort_by(|x, y| {
        (x.start_date.is_none(), x.start_date, &x.event_id).cmp(&(
            y.start_date.is_none(),
            y.start_date,
            &y.event_id,
        ))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn event(id: &str, country: Option<&str>, start: Option<(i32, u32, u32)>) -> Event {
        Event {
            event_id: id.into(),
            country_id: country.map(String::from),
            start_date: start.and_then(|(y, m, d)| NaiveDate::from_ymd_opt(y, m, d)),
            ..Default::default()
        }
    }

    #[test]
    fn events_at_the_country_or_with_it_as_actor_in_date_order() {
        let events = vec![
            event("e-undated-b", Some("TJK"), None),
            event("e-actor", Some("UKR"), Some((2022, 2, 24))),
            event("e-elsewhere", Some("KAZ"), Some((2020, 1, 1))),
            event("e-undated-a", None, None),
            event("e-at", Some("TJK"), Some((1992, 5, 5))),
        ];
        let ids: HashSet<&str> = ["e-actor", "e-undated-a"].into_iter().collect();
        let got: Vec<String> = select(events, &ids, "TJK")
            .into_iter()
            .map(|e| e.event_id)
            .collect();
        assert_eq!(got, ["e-at", "e-actor", "e-undated-a", "e-undated-b"]);
    }

    #[test]
    fn the_bundled_store_gives_russia_the_events_it_took_part_in() {
        let store = Store::bundled().unwrap();
        let ids: Vec<String> = of_country(&store, "RUS")
            .unwrap()
            .into_iter()
            .map(|e| e.country_id.unwrap_or_default())
            .collect();
        // Russia is an actor of events in Tajikistan (and elsewhere), not only at home.
        assert!(ids.iter().any(|c| c == "TJK"), "{ids:?}");
        // The events with Russia among their actors, as event_actors lists them.
        let with = with_actors(&store, &["RUS".to_string()]).unwrap();
        let listed: HashSet<String> = store
            .records::<crate::model::EventActor>()
            .unwrap()
            .into_iter()
            .filter(|a| a.actor_ref.as_deref() == Some("RUS"))
            .map(|a| a.event_id)
            .collect();
        assert!(!with.is_empty());
        assert_eq!(with, listed);
    }
}
