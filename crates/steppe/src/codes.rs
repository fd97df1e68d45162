//! Code conversion: resolves a code in any scheme to an entity id, respecting the dates over
//! which the code names an entity. Unknown and ambiguous codes are typed errors; a placeholder
//! is never returned.

use std::collections::{HashMap, HashSet};

use chrono::{Datelike, NaiveDate};

use crate::model::{EntityCode, Scheme};

mod names;
pub use names::name_key;

/// Why a code could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CodeError {
    /// No entity has this code in this scheme.
    #[error("unknown {scheme} code `{code}`")]
    Unknown {
        /// The scheme asked.
        scheme: String,
        /// The code asked.
        code: String,
    },
    /// The code names several entities (over time, or across the schemes tried).
    #[error("ambiguous {scheme} code `{code}`: it names {} (give a year or a scheme prefix such as `fips:`)", candidates.join(", "))]
    Ambiguous {
        /// The scheme asked.
        scheme: String,
        /// The code asked.
        code: String,
        /// The entity ids it could mean.
        candidates: Vec<String>,
    },
    /// The code exists but names no entity in the year asked.
    #[error("{scheme} code `{code}` names no entity in {year} (it names {} at other dates)", candidates.join(", "))]
    NotValidInYear {
        /// The scheme asked.
        scheme: String,
        /// The code asked.
        code: String,
        /// The year asked.
        year: i32,
        /// Entities the code names at other dates.
        candidates: Vec<String>,
    },
    /// No entity has this name; `suggestions` are the closest known names.
    #[error("unknown country name `{name}`{}", match suggestions.as_slice() {
        [] => String::new(),
        s => format!("; closest: {}", s.join(", ")),
    })]
    UnknownName {
        /// The name asked.
        name: String,
        /// The closest names steppe knows, as `Name (ENTITY)`, best first.
        suggestions: Vec<String>,
    },
    /// The scheme name is not one steppe knows.
    #[error("unknown code scheme `{0}`; known: {known}", known = Scheme::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", "))]
    UnknownScheme(String),
}

#[derive(Debug, Clone)]
struct Span {
    entity_id: String,
    /// The code as the list writes it (`004`, not `4`).
    code: String,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
    preferred: bool,
}

impl Span {
    /// Whether the code names its entity on some day of `year`. `to` is exclusive (the
    /// crosswalk's intervals are half-open), so a code ending on 1993-01-01 last holds in 1992.
    fn covers_year(&self, year: i32) -> bool {
        self.from.is_none_or(|d| d.year() <= year)
            && self
                .to
                .is_none_or(|d| d.pred_opt().is_some_and(|last| last.year() >= year))
    }

    /// Whether the code names its entity on `date` (`from <= date < to`).
    fn covers(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|d| d <= date) && self.to.is_none_or(|d| date < d)
    }
}

/// When codes are read: in a year (a code that changes holder within it names both), or on
/// one day (one answer: COW 345 is Serbia and Montenegro on 2006-06-02, Serbia on
/// 2006-06-03).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// Any day of the year.
    Year(i32),
    /// That day.
    Day(NaiveDate),
}

impl At {
    /// The year (of the day).
    pub fn year(self) -> i32 {
        match self {
            At::Year(y) => y,
            At::Day(d) => d.year(),
        }
    }
}

/// A country a user typed that resolves to no entity, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    /// The value as typed.
    pub value: String,
    /// Why it does not resolve (unknown, ambiguous, not valid that year, ...).
    pub reason: String,
}

/// An in-memory index of the crosswalk, for fast repeated look-ups.
#[derive(Debug, Clone, Default)]
pub struct CodeIndex {
    by_code: HashMap<(Scheme, String), Vec<Span>>,
    /// The same spans by entity and scheme, for [`CodeIndex::code_of`].
    by_entity: HashMap<(String, Scheme), Vec<Span>>,
}

/// Parses a scheme name, accepting common aliases (`fips104`, `cow`, `un`).
pub fn parse_scheme(name: &str) -> Result<Scheme, CodeError> {
    let lower = name.trim().to_ascii_lowercase();
    let canonical = match lower.as_str() {
        "fips104" | "fips10-4" | "fips10_4" => "fips",
        "gleditsch-ward" | "gleditsch_ward" | "gwno" => "gw",
        "cow" | "cown" | "cowcode" => "cow_num",
        "cowc" => "cow_abb",
        "un" | "m49" => "m49",
        "isonum" | "iso_numeric" | "iso3n" | "numeric" => "iso_num",
        "iso2c" | "alpha2" | "alpha_2" => "iso2",
        "iso3c" | "alpha3" | "alpha_3" => "iso3",
        "worldbank" | "world_bank" => "wb",
        other => other,
    };
    canonical
        .parse::<Scheme>()
        .map_err(|_| CodeError::UnknownScheme(name.to_string()))
}

/// The canonical spelling of a code in a scheme (upper case letters; numbers without padding
/// except ISO numeric, which keeps three digits).
pub fn normalise(scheme: Scheme, code: &str) -> String {
    let c = code.trim();
    match scheme {
        Scheme::IsoNum | Scheme::Acled => match c.parse::<u32>() {
            Ok(n) => format!("{n:03}"),
            Err(_) => c.to_string(),
        },
        Scheme::M49 | Scheme::Gw | Scheme::CowNum | Scheme::Comtrade | Scheme::Baci => {
            match c.parse::<u32>() {
                Ok(n) => n.to_string(),
                Err(_) => c.to_string(),
            }
        }
        Scheme::Name => names::name_key(c),
        _ => c.to_ascii_uppercase(),
    }
}

impl CodeIndex {
    /// Builds the index from crosswalk rows.
    pub fn new(codes: impl IntoIterator<Item = EntityCode>) -> CodeIndex {
        let mut by_code: HashMap<(Scheme, String), Vec<Span>> = HashMap::new();
        let mut by_entity: HashMap<(String, Scheme), Vec<Span>> = HashMap::new();
        for c in codes {
            let span = Span {
                entity_id: c.entity_id,
                code: c.code,
                from: c.valid_from,
                to: c.valid_to,
                preferred: c.is_preferred,
            };
            by_entity
                .entry((span.entity_id.clone(), c.scheme))
                .or_default()
                .push(span.clone());
            by_code
                .entry((c.scheme, normalise(c.scheme, &span.code)))
                .or_default()
                .push(span);
        }
        CodeIndex { by_code, by_entity }
    }

    /// Number of (scheme, code) keys.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// Whether the index is empty.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// Resolves `code` of `scheme` to an entity id, in `year` if given.
    pub fn resolve(
        &self,
        scheme: Scheme,
        code: &str,
        year: Option<i32>,
    ) -> Result<&str, CodeError> {
        self.resolve_when(scheme, code, year, |s| {
            year.is_none_or(|y| s.covers_year(y))
        })
    }

    /// Resolves `code` of `scheme` to the entity it names on `date` (the day a code changes
    /// holder, e.g. COW 345 on 2006-06-03, has one answer where a year has two).
    pub fn resolve_on(
        &self,
        scheme: Scheme,
        code: &str,
        date: NaiveDate,
    ) -> Result<&str, CodeError> {
        self.resolve_when(scheme, code, Some(date.year()), |s| s.covers(date))
    }

    /// Resolves `code` of `scheme` in a year, on a day, or (`None`) at any date.
    pub fn resolve_at(
        &self,
        scheme: Scheme,
        code: &str,
        at: Option<At>,
    ) -> Result<&str, CodeError> {
        match at {
            Some(At::Day(date)) => self.resolve_on(scheme, code, date),
            Some(At::Year(y)) => self.resolve(scheme, code, Some(y)),
            None => self.resolve(scheme, code, None),
        }
    }

    /// The error for a name no entity has, with the three closest names steppe knows.
    fn unknown_name(&self, name: &str) -> CodeError {
        let known = self
            .by_code
            .iter()
            .filter(|((s, _), _)| *s == Scheme::Name)
            .flat_map(|((_, key), spans)| spans.iter().map(move |sp| (sp, key.as_str())));
        let spans: Vec<(&Span, &str)> = known.collect();
        let suggestions =
            names::closest(name, spans.iter().map(|(sp, k)| (sp.code.as_str(), *k)), 3)
                .into_iter()
                .map(|written| {
                    let ids = dedup(
                        spans
                            .iter()
                            .filter(|(sp, _)| sp.code == written)
                            .map(|(sp, _)| sp.entity_id.as_str()),
                    );
                    format!("{written} ({})", ids.join(", "))
                })
                .collect();
        CodeError::UnknownName {
            name: name.to_string(),
            suggestions,
        }
    }

    /// The spans of (`scheme`, `code`); ACLED's `iso` falls back to ISO numeric.
    fn spans(&self, scheme: Scheme, code: &str) -> Option<&Vec<Span>> {
        let own = self.by_code.get(&(scheme, normalise(scheme, code)));
        match (own, scheme) {
            (None, Scheme::Acled) => self.spans(Scheme::IsoNum, code),
            _ => own,
        }
    }

    /// The entity whose spans of (`scheme`, `code`) pass `keep`; `year` is the year asked
    /// (errors name it). With no year a reused code means its current holder (ISO `GE` is
    /// Georgia, not the former Gilbert and Ellice Islands) when exactly one holds it now.
    fn resolve_when(
        &self,
        scheme: Scheme,
        code: &str,
        year: Option<i32>,
        keep: impl Fn(&Span) -> bool,
    ) -> Result<&str, CodeError> {
        let spans = self.spans(scheme, code).ok_or_else(|| match scheme {
            Scheme::Name => self.unknown_name(code),
            _ => CodeError::Unknown {
                scheme: scheme.to_string(),
                code: code.to_string(),
            },
        })?;
        let all: Vec<&str> = dedup(spans.iter().map(|s| s.entity_id.as_str()));
        let mut hits: Vec<&str> = dedup(
            spans
                .iter()
                .filter(|s| keep(s))
                .map(|s| s.entity_id.as_str()),
        );
        if hits.len() > 1 && year.is_none() {
            let current = dedup(
                spans
                    .iter()
                    .filter(|s| s.to.is_none())
                    .map(|s| s.entity_id.as_str()),
            );
            if current.len() == 1 {
                hits = current;
            }
        }
        match hits.as_slice() {
            [one] => Ok(one),
            [] => Err(CodeError::NotValidInYear {
                scheme: scheme.to_string(),
                code: code.to_string(),
                year: year.unwrap_or_default(),
                candidates: all.iter().map(|s| s.to_string()).collect(),
            }),
            many => Err(CodeError::Ambiguous {
                scheme: scheme.to_string(),
                code: code.to_string(),
                candidates: many.iter().map(|s| s.to_string()).collect(),
            }),
        }
    }

    /// Resolves countries a user typed, in any form [`CodeIndex::resolve_any`] takes, to entity
    /// ids. A value no code resolves is still accepted when it is itself an entity id (an
    /// aggregate such as `WLD`, an ISO 3166-3 code such as `SUN`), as typed or upper-cased:
    /// `entity_ids` gives the known ids and is only called when some value needs it. Every
    /// value that fails is returned with its reason, so that one error can list them all.
    pub fn resolve_countries<S, E>(
        &self,
        values: &[String],
        year: Option<i32>,
        entity_ids: impl FnOnce() -> Result<S, E>,
    ) -> Result<Result<Vec<String>, Vec<Unresolved>>, E>
    where
        S: std::borrow::Borrow<HashSet<String>>,
    {
        self.resolve_countries_at(values, year.map(At::Year), entity_ids)
    }

    /// [`CodeIndex::resolve_countries`] in a year or on a day ([`At`]).
    pub fn resolve_countries_at<S, E>(
        &self,
        values: &[String],
        at: Option<At>,
        entity_ids: impl FnOnce() -> Result<S, E>,
    ) -> Result<Result<Vec<String>, Vec<Unresolved>>, E>
    where
        S: std::borrow::Borrow<HashSet<String>>,
    {
        let mut known: Option<S> = None;
        let mut entity_ids = Some(entity_ids);
        let mut ids = Vec::with_capacity(values.len());
        let mut failures = Vec::new();
        for value in values {
            let error = match self.resolve_any_at(value, at) {
                Ok(id) => {
                    ids.push(id.to_string());
                    continue;
                }
                Err(e) => e,
            };
            if known.is_none() {
                let load = entity_ids.take().expect("loaded at most once");
                known = Some(load()?);
            }
            let known = known.as_ref().expect("loaded above").borrow();
            let (typed, upper) = (value.trim(), value.trim().to_ascii_uppercase());
            if known.contains(typed) {
                ids.push(typed.to_string());
            } else if known.contains(&upper) {
                ids.push(upper);
            } else {
                failures.push(Unresolved {
                    value: value.clone(),
                    reason: error.to_string(),
                });
            }
        }
        Ok(if failures.is_empty() {
            Ok(ids)
        } else {
            Err(failures)
        })
    }

    /// Resolves a user-typed country: `scheme:code` (e.g. `fips:TI`, `gw:702`, `cow:TAJ`,
    /// `name:Kyrgyz Republic`), an ISO code in any form (alpha-2, alpha-3, numeric), or a
    /// country name ("Kyrgyz Republic", "Korea, Rep.", "China, P.R.: Mainland").
    pub fn resolve_any(&self, input: &str, year: Option<i32>) -> Result<&str, CodeError> {
        self.resolve_any_at(input, year.map(At::Year))
    }

    /// [`CodeIndex::resolve_any`] in a year or on a day ([`At`]).
    pub fn resolve_any_at(&self, input: &str, at: Option<At>) -> Result<&str, CodeError> {
        let input = input.trim();
        if let Some((prefix, code)) = input.split_once(':') {
            let lower = prefix.trim().to_ascii_lowercase();
            let scheme = match lower.as_str() {
                // `cow:TAJ` and `cow:702` both work.
                "cow" if code.chars().any(|c| c.is_ascii_alphabetic()) => Some(Scheme::CowAbb),
                other => parse_scheme(other).ok(),
            };
            match scheme {
                Some(scheme) => return self.resolve_at(scheme, code, at),
                // A colon inside a name ("China, P.R.: Mainland"), not a scheme prefix.
                None if lower.contains([' ', ',', '.']) => {
                    return self.resolve_at(Scheme::Name, input, at)
                }
                None => return Err(CodeError::UnknownScheme(prefix.to_string())),
            }
        }
        let scheme = if input.chars().all(|c| c.is_ascii_digit()) && !input.is_empty() {
            Scheme::IsoNum
        } else if input.len() == 2 && input.chars().all(|c| c.is_ascii_alphabetic()) {
            Scheme::Iso2
        } else if input.len() == 3 && input.chars().all(|c| c.is_ascii_alphabetic()) {
            Scheme::Iso3
        } else {
            Scheme::Name
        };
        self.resolve_at(scheme, input, at)
    }

    /// Converts many values at once; `Err` entries keep the reason per value.
    pub fn convert_many<'a>(
        &'a self,
        values: impl IntoIterator<Item = Option<&'a str>>,
        from: Option<Scheme>,
        year: Option<i32>,
    ) -> Vec<Option<Result<&'a str, CodeError>>> {
        values
            .into_iter()
            .map(|v| {
                v.map(|v| match from {
                    Some(s) => self.resolve(s, v, year),
                    None => self.resolve_any(v, year),
                })
            })
            .collect()
    }

    /// The code of `entity_id` in `scheme`, as the list writes it: the preferred code, then
    /// one valid in `year` (or currently valid when no year is given), then the smallest.
    pub fn code_of(&self, entity_id: &str, scheme: Scheme, year: Option<i32>) -> Option<String> {
        self.code_at(entity_id, scheme, year.map(At::Year))
    }

    /// [`CodeIndex::code_of`] in a year or on a day ([`At`]).
    pub fn code_at(&self, entity_id: &str, scheme: Scheme, at: Option<At>) -> Option<String> {
        self.by_entity
            .get(&(entity_id.to_string(), scheme))?
            .iter()
            .filter(|sp| match at {
                Some(At::Year(y)) => sp.covers_year(y),
                Some(At::Day(d)) => sp.covers(d),
                None => true,
            })
            .min_by(|a, b| {
                (!a.preferred, a.to.is_some(), &a.code).cmp(&(
                    !b.preferred,
                    b.to.is_some(),
                    &b.code,
                ))
            })
            .map(|sp| sp.code.clone())
    }
}

fn dedup<'a>(it: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let mut v: Vec<&str> = it.collect();
    v.sort_unstable();
    v.dedup();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(
        entity: &str,
        scheme: Scheme,
        code: &str,
        from: Option<&str>,
        to: Option<&str>,
    ) -> EntityCode {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        EntityCode {
            entity_id: entity.into(),
            scheme,
            code: code.into(),
            valid_from: from.map(d),
            valid_to: to.map(d),
            is_preferred: true,
            source_id: "test".into(),
            source_locator: None,
        }
    }

    #[test]
    fn countries_resolve_by_code_or_as_known_entity_ids_and_every_failure_is_listed() {
        let idx = index();
        let typed = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let known = || -> Result<HashSet<String>, String> {
            Ok(["WLD".to_string(), "SUN".to_string()].into_iter().collect())
        };
        // Codes only: the entity ids are not even asked for.
        let ids = idx
            .resolve_countries(
                &typed(&["tj", "fips:RS"]),
                None,
                || -> Result<HashSet<String>, String> { panic!("not needed") },
            )
            .unwrap()
            .unwrap();
        assert_eq!(ids, ["TJK", "RUS"]);
        // Entity ids with no code pass, as typed or upper-cased.
        let ids = idx
            .resolve_countries(&typed(&["WLD", " sun ", "TJK"]), None, known)
            .unwrap()
            .unwrap();
        assert_eq!(ids, ["WLD", "SUN", "TJK"]);
        // Failures come back together, each with the resolver's reason.
        let failures = idx
            .resolve_countries(&typed(&["Atlantis", "TJK", "fips:ZZ"]), None, known)
            .unwrap()
            .unwrap_err();
        let values: Vec<&str> = failures.iter().map(|u| u.value.as_str()).collect();
        assert_eq!(values, ["Atlantis", "fips:ZZ"]);
        assert!(failures.iter().all(|u| !u.reason.is_empty()));
        // An error loading the ids is passed on.
        let broken = || -> Result<HashSet<String>, String> { Err("no entities".into()) };
        assert_eq!(
            idx.resolve_countries(&typed(&["Atlantis"]), None, broken),
            Err("no entities".to_string())
        );
    }

    fn index() -> CodeIndex {
        CodeIndex::new(vec![
            code("RUS", Scheme::Fips, "RS", None, None),
            code("SRB", Scheme::Iso2, "RS", None, None),
            code("CHN", Scheme::Fips, "CH", None, None),
            code("CHE", Scheme::Iso2, "CH", None, None),
            code("TJK", Scheme::Iso2, "TJ", None, None),
            code("TJK", Scheme::Iso3, "TJK", None, None),
            code("TJK", Scheme::IsoNum, "762", None, None),
            code("TJK", Scheme::Fips, "TI", None, None),
            code("TJK", Scheme::Gw, "702", None, None),
            code("TJK", Scheme::CowAbb, "TAJ", None, None),
            code("CSK", Scheme::Iso2, "CS", None, Some("1993-06-15")),
            code(
                "SCG",
                Scheme::Iso2,
                "CS",
                Some("2003-07-23"),
                Some("2006-09-26"),
            ),
        ])
    }

    #[test]
    fn fips_and_iso_collisions_resolve_by_scheme() {
        let idx = index();
        assert_eq!(idx.resolve(Scheme::Fips, "RS", None).unwrap(), "RUS");
        assert_eq!(idx.resolve(Scheme::Iso2, "RS", None).unwrap(), "SRB");
        assert_eq!(idx.resolve_any("fips:CH", None).unwrap(), "CHN");
        assert_eq!(idx.resolve_any("CH", None).unwrap(), "CHE");
    }

    #[test]
    fn iso_in_any_form_and_prefixed_schemes_agree() {
        let idx = index();
        for input in [
            "TJ", "tj", "TJK", "762", "0762", "fips:TI", "gw:702", "cow:TAJ",
        ] {
            assert_eq!(idx.resolve_any(input, None).unwrap(), "TJK", "{input}");
        }
    }

    #[test]
    fn dated_codes_resolve_only_in_their_years() {
        let idx = index();
        assert_eq!(idx.resolve(Scheme::Iso2, "CS", Some(1990)).unwrap(), "CSK");
        assert_eq!(idx.resolve(Scheme::Iso2, "CS", Some(2005)).unwrap(), "SCG");
        assert!(matches!(
            idx.resolve(Scheme::Iso2, "CS", Some(2000)),
            Err(CodeError::NotValidInYear { .. })
        ));
        // Without a year, a reused code means its current holder, if one holds it now.
        let idx2 = CodeIndex::new(vec![
            code("GEO", Scheme::Iso2, "GE", Some("1992-01-01"), None),
            code("GEHH", Scheme::Iso2, "GE", None, Some("1979-07-12")),
        ]);
        assert_eq!(idx2.resolve(Scheme::Iso2, "GE", None).unwrap(), "GEO");
        assert_eq!(
            idx2.resolve(Scheme::Iso2, "GE", Some(1975)).unwrap(),
            "GEHH"
        );
        match idx.resolve(Scheme::Iso2, "CS", None) {
            Err(CodeError::Ambiguous { candidates, .. }) => assert_eq!(candidates, ["CSK", "SCG"]),
            other => panic!("expected ambiguity, got {other:?}"),
        }
    }

    #[test]
    fn end_dates_are_exclusive_and_a_date_decides_a_year_with_two_holders() {
        let idx = CodeIndex::new(vec![
            code(
                "CSK",
                Scheme::Gw,
                "315",
                Some("1918-11-11"),
                Some("1993-01-01"),
            ),
            code(
                "YUG",
                Scheme::CowNum,
                "345",
                Some("1944-10-20"),
                Some("2006-06-03"),
            ),
            code("SRB", Scheme::CowNum, "345", Some("2006-06-03"), None),
        ]);
        assert_eq!(idx.resolve(Scheme::Gw, "315", Some(1992)).unwrap(), "CSK");
        assert!(matches!(
            idx.resolve(Scheme::Gw, "315", Some(1993)),
            Err(CodeError::NotValidInYear { year: 1993, .. })
        ));
        assert!(matches!(
            idx.resolve(Scheme::CowNum, "345", Some(2006)),
            Err(CodeError::Ambiguous { .. })
        ));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(
            idx.resolve_on(Scheme::CowNum, "345", day("2006-06-02")),
            Ok("YUG")
        );
        assert_eq!(
            idx.resolve_on(Scheme::CowNum, "345", day("2006-06-03")),
            Ok("SRB")
        );
        assert!(matches!(
            idx.resolve_on(Scheme::CowNum, "345", day("1944-10-19")),
            Err(CodeError::NotValidInYear { year: 1944, .. })
        ));
        // Without a date, the current holder.
        assert_eq!(idx.resolve(Scheme::CowNum, "345", None).unwrap(), "SRB");
        // `At`: a day decides where the year is ambiguous, in every entry point.
        let on = |s: &str| Some(At::Day(day(s)));
        assert_eq!(
            idx.resolve_at(Scheme::CowNum, "345", on("2006-06-02")),
            Ok("YUG")
        );
        assert_eq!(idx.resolve_any_at("cow:345", on("2006-06-03")), Ok("SRB"));
        assert!(matches!(
            idx.resolve_any_at("cow:345", Some(At::Year(2006))),
            Err(CodeError::Ambiguous { .. })
        ));
        assert_eq!(
            idx.code_at("YUG", Scheme::CowNum, on("2006-06-02")),
            Some("345".into())
        );
        assert_eq!(idx.code_at("YUG", Scheme::CowNum, on("2006-06-03")), None);
        assert_eq!(
            idx.code_of("YUG", Scheme::CowNum, Some(2006)),
            Some("345".into())
        );
        let none = || Ok::<_, ()>(HashSet::new());
        let values = vec!["cow:345".to_string()];
        assert_eq!(
            idx.resolve_countries_at(&values, on("2006-06-02"), none),
            Ok(Ok(vec!["YUG".to_string()]))
        );
        assert_eq!(At::Day(day("2006-06-03")).year(), 2006);
    }

    #[test]
    fn acled_iso_has_its_own_codes_and_falls_back_to_iso_numeric() {
        let idx = CodeIndex::new(vec![
            code("XKX", Scheme::Acled, "0", None, None),
            code("TJK", Scheme::IsoNum, "762", None, None),
        ]);
        assert_eq!(idx.resolve(Scheme::Acled, "0", Some(2020)).unwrap(), "XKX");
        assert_eq!(
            idx.resolve(Scheme::Acled, "762", Some(2020)).unwrap(),
            "TJK"
        );
        assert!(matches!(
            idx.resolve(Scheme::IsoNum, "0", None),
            Err(CodeError::Unknown { .. })
        ));
        assert!(matches!(
            idx.resolve(Scheme::Acled, "999", None),
            Err(CodeError::Unknown { .. })
        ));
    }

    fn names() -> CodeIndex {
        CodeIndex::new(vec![
            code("KGZ", Scheme::Name, "Kyrgyzstan", None, None),
            code("KGZ", Scheme::Name, "Kyrgyz Republic", None, None),
            code("KOR", Scheme::Name, "Korea, Rep.", None, None),
            code("CHN", Scheme::Name, "China, P.R.: Mainland", None, None),
            code("COG", Scheme::Name, "Congo", None, None),
            code("COD", Scheme::Name, "Congo", None, None),
            code(
                "KOR_730",
                Scheme::Name,
                "Korea",
                Some("1816-01-01"),
                Some("1910-08-23"),
            ),
            code("KOR", Scheme::Name, "Korea", Some("1948-08-15"), None),
        ])
    }

    #[test]
    fn names_match_ignoring_case_punctuation_and_word_order() {
        let idx = names();
        for typed in [
            "Kyrgyz Republic",
            "kyrgyz republic",
            "Republic, Kyrgyz",
            "KYRGYZSTAN",
        ] {
            assert_eq!(
                idx.resolve(Scheme::Name, typed, None).unwrap(),
                "KGZ",
                "{typed}"
            );
        }
        assert_eq!(idx.resolve_any("Republic of Korea", None).unwrap(), "KOR");
        // A colon inside a name is not a scheme prefix.
        assert_eq!(
            idx.resolve_any("China, P.R.: Mainland", None).unwrap(),
            "CHN"
        );
        assert_eq!(idx.resolve_any("name:Kyrgyzstan", None).unwrap(), "KGZ");
        // A name's dates decide between its holders.
        assert_eq!(
            idx.resolve(Scheme::Name, "Korea", Some(1900)).unwrap(),
            "KOR_730"
        );
        assert_eq!(
            idx.resolve(Scheme::Name, "Korea", Some(2000)).unwrap(),
            "KOR"
        );
        assert!(matches!(
            idx.resolve(Scheme::Name, "Korea", Some(1930)),
            Err(CodeError::NotValidInYear { .. })
        ));
    }

    #[test]
    fn a_name_of_two_entities_is_ambiguous_and_an_unknown_one_gets_suggestions() {
        let idx = names();
        match idx.resolve(Scheme::Name, "congo", None) {
            Err(CodeError::Ambiguous { candidates, .. }) => assert_eq!(candidates, ["COD", "COG"]),
            other => panic!("expected ambiguity, got {other:?}"),
        }
        match idx.resolve_any("Kyrgystan", None) {
            Err(e @ CodeError::UnknownName { .. }) => {
                let CodeError::UnknownName { suggestions, .. } = &e else {
                    unreachable!()
                };
                assert_eq!(suggestions[0], "Kyrgyzstan (KGZ)");
                assert!(e.to_string().contains("closest: Kyrgyzstan (KGZ)"), "{e}");
            }
            other => panic!("expected an unknown name, got {other:?}"),
        }
        match idx.resolve_any("Atlantis", None) {
            Err(CodeError::UnknownName { suggestions, .. }) => assert!(suggestions.is_empty()),
            other => panic!("expected an unknown name, got {other:?}"),
        }
    }

    #[test]
    fn unknown_codes_and_schemes_are_errors() {
        let idx = index();
        assert!(matches!(
            idx.resolve(Scheme::Iso3, "XXX", None),
            Err(CodeError::Unknown { .. })
        ));
        assert!(matches!(
            idx.resolve_any("nope:1", None),
            Err(CodeError::UnknownScheme(_))
        ));
        // Not a code: a name, and this index has no names.
        assert!(matches!(
            idx.resolve_any("TAJIKISTAN", None),
            Err(CodeError::UnknownName { .. })
        ));
    }

    #[test]
    fn reverse_lookup_and_bulk_conversion() {
        let idx = index();
        assert_eq!(
            idx.code_of("TJK", Scheme::Fips, None).as_deref(),
            Some("TI")
        );
        let out = idx.convert_many([Some("TJ"), None, Some("ZZ")], None, None);
        assert_eq!(out[0].as_ref().unwrap().as_ref().unwrap(), &"TJK");
        assert!(out[1].is_none());
        assert!(out[2].as_ref().unwrap().is_err());
    }
}
