//! A country's events: those that happened there (`country_id`) and those it took part in
//! (an `event_actors` row whose `actor_ref` is the country) — a semi-join on `event_id`.

use std::collections::HashSet;

use crate::model::{Event, EventActor};
use crate::query::{Filter, Predicate};
use crate::schema::Table;
use crate::store::Store;
use crate::Result;

use super::read;

/// The events of `country` in `store`, in date order (undated last, ties by id). Reads
/// `event_actors` once (only the country's rows) and `events` once, joining them in memory
/// through a hash set of event ids: a store filter `event_id in (...)` would compare every
/// row with every id.
pub fn of_country(store: &Store, country: &str) -> Result<Vec<Event>> {
    let actor_rows = read::<EventActor>(
        store,
        Table::EventActors,
        Filter::all().and(Predicate::is_in("actor_ref", [country])),
    )?;
    let ids = actor_event_ids(&actor_rows, country);
    Ok(select(store.records::<Event>()?, &ids, country))
}

/// The ids of the events `country` is an actor of.
pub fn actor_event_ids<'a>(actors: &'a [EventActor], country: &str) -> HashSet<&'a str> {
    actors
        .iter()
        .filter(|a| a.actor_ref.as_deref() == Some(country))
        .map(|a| a.event_id.as_str())
        .collect()
}

/// The events at `country` or among `actor_events`, in date order (undated last, then by id).
/// One pass over `events`, one hash lookup each.
pub fn select(events: Vec<Event>, actor_events: &HashSet<&str>, country: &str) -> Vec<Event> {
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

    fn actor(event: &str, actor_ref: Option<&str>) -> EventActor {
        EventActor {
            event_id: event.into(),
            year: None,
            role: crate::model::ActorRole::Actor1,
            actor_kind: crate::model::ActorKind::Entity,
            actor_name: actor_ref.unwrap_or("someone").into(),
            actor_ref: actor_ref.map(String::from),
            actor_code: None,
            actor_type: None,
            source_id: "s".into(),
            source_locator: None,
            source_line: None,
            cited_source_id: None,
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
        let actors = vec![
            actor("e-actor", Some("TJK")),
            actor("e-undated-a", Some("TJK")),
            actor("e-elsewhere", Some("KGZ")),
            actor("e-elsewhere", None),
        ];
        let ids = actor_event_ids(&actors, "TJK");
        assert_eq!(ids.len(), 2);
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
    }
}
