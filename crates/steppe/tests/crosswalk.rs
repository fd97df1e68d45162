//! The bundled crosswalk answers every row of the publishers' state lists on the dates the row
//! gives, and not outside them; the codes whose meaning changed over time (G&W 678, 816, 817,
//! 315/316, 260/265, 340/345, 347, the microstates; COW 678/679, 255/260, 345) answer by year;
//! every code row round-trips entity -> code -> entity; COW v2016 differs from the v2024 list
//! steppe reads only in Serbia's 345.

use chrono::{Datelike, NaiveDate};
use steppe::codes::{CodeError, CodeIndex};
use steppe::model::{EntityCode, Scheme};
use steppe::Store;

mod common;

fn index() -> CodeIndex {
    CodeIndex::from_store(&Store::bundled().expect("bundled store")).expect("entity_codes")
}

/// One row of a state list: (file, line, scheme, code, first day, last day, state number).
type Row = (String, usize, Scheme, String, NaiveDate, NaiveDate, String);

fn gw_rows(rel: &str) -> Option<Vec<Row>> {
    let path = common::shared_file(rel)?;
    let bytes = std::fs::read(&path).expect("readable");
    let day = |s: &[u8]| {
        NaiveDate::parse_from_str(std::str::from_utf8(s).unwrap(), "%d:%m:%Y")
            .unwrap_or_else(|e| panic!("{rel}: bad date {s:?}: {e}"))
    };
    let rows = bytes
        .split(|&b| b == b'\n')
        .enumerate()
        .filter(|(_, l)| !l.is_empty())
        .map(|(i, l)| {
            // Windows-1252 names: only the ASCII cells are read.
            let cells: Vec<&[u8]> = l.split(|&b| b == b'\t').collect();
            assert_eq!(cells.len(), 5, "{rel} line {}", i + 1);
            let code = std::str::from_utf8(cells[0]).unwrap().to_string();
            let number = code.clone();
            (
                rel.to_string(),
                i + 1,
                Scheme::Gw,
                code,
                day(cells[3]),
                day(cells[4]),
                number,
            )
        })
        .collect();
    Some(rows)
}

fn cow_rows() -> Option<Vec<Row>> {
    cow_list("data-sources/code-lists/cow/v2024/statelist2024.csv")
}

/// The rows of a COW state list (`statelist2024.csv`, `states2016.csv`: the same columns).
fn cow_list(rel: &str) -> Option<Vec<Row>> {
    let text = std::fs::read_to_string(common::shared_file(rel)?).expect("readable");
    let mut rows = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let c: Vec<&str> = line.split(',').collect();
        let n = |k: usize| c[k].parse::<u32>().unwrap();
        let d = |y, m, dd| NaiveDate::from_ymd_opt(n(y) as i32, n(m), n(dd)).unwrap();
        for (scheme, code) in [(Scheme::CowNum, c[1]), (Scheme::CowAbb, c[0])] {
            let (first, last) = (d(3, 4, 5), d(6, 7, 8));
            rows.push((
                rel.to_string(),
                i + 1,
                scheme,
                code.into(),
                first,
                last,
                c[1].into(),
            ));
        }
    }
    Some(rows)
}

fn all_rows() -> Option<Vec<Row>> {
    let mut rows = gw_rows("data-sources/code-lists/gleditsch-ward/iisystem.dat")?;
    rows.extend(gw_rows(
        "data-sources/code-lists/gleditsch-ward/microstatessystem.dat",
    )?);
    rows.extend(cow_rows()?);
    Some(rows)
}

#[test]
fn every_row_of_the_state_lists_resolves_inside_its_dates_and_not_outside() {
    let Some(rows) = all_rows() else { return };
    assert_eq!(rows.len(), 216 + 23 + 2 * 244);
    let idx = index();
    let mut failures = Vec::new();
    for (file, line, scheme, code, first, last, number) in &rows {
        let at = |d: NaiveDate| idx.resolve_on(*scheme, code, d).map(str::to_string);
        let entity = match at(*first) {
            Ok(e) => e,
            Err(e) => {
                failures.push(format!("{file}:{line} {scheme} {code} on {first}: {e}"));
                continue;
            }
        };
        // The same entity on every day the row gives (first, middle, and last unless the
        // next holder of the code starts that day, as COW's Serbia does on 2006-06-03).
        let middle = *first + (*last - *first) / 2;
        let next_starts_on_last = rows
            .iter()
            .any(|r| (&r.0, &r.6, r.4) == (file, number, *last) && r.1 != *line);
        let mut days = vec![middle];
        if !next_starts_on_last {
            days.push(*last);
        }
        for d in days {
            if at(d).as_deref() != Ok(entity.as_str()) {
                failures.push(format!("{file}:{line} {scheme} {code} on {d}: {:?}", at(d)));
            }
        }
        // Outside the row: the day before and the day after name no entity, or another one,
        // unless another row of the same list gives the code to the same entity then.
        let listed_on = |d: NaiveDate| {
            rows.iter()
                .any(|r| r.0 == *file && (r.2, &r.3) == (*scheme, code) && r.4 <= d && d <= r.5)
        };
        let end_of_coverage = rows
            .iter()
            .filter(|r| r.0 == *file)
            .map(|r| r.5)
            .max()
            .unwrap();
        let mut outside = vec![first.pred_opt().unwrap()];
        if *last != end_of_coverage {
            outside.push(last.succ_opt().unwrap());
        }
        for d in outside {
            if !listed_on(d) && at(d).as_deref() == Ok(entity.as_str()) {
                failures.push(format!(
                    "{file}:{line} {scheme} {code} still {entity} on {d}"
                ));
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn at(idx: &CodeIndex, scheme: Scheme, code: &str, year: i32) -> Result<String, CodeError> {
    idx.resolve(scheme, code, Some(year)).map(str::to_string)
}

fn not_valid(r: Result<String, CodeError>) -> bool {
    matches!(r, Err(CodeError::NotValidInYear { .. }))
}

#[test]
fn gleditsch_ward_codes_answer_by_year_with_their_own_continuity() {
    let idx = index();
    let gw = |code: &str, year: i32| at(&idx, Scheme::Gw, code, year);
    // Unified Yemen keeps 678; 680 was South Yemen until 1990.
    assert_eq!(gw("678", 1950).unwrap(), "YEM");
    assert_eq!(gw("678", 2020).unwrap(), "YEM");
    assert_eq!(gw("680", 1980).unwrap(), "YMD");
    assert!(not_valid(gw("680", 1991)));
    // Vietnam is 816; 817 was South Vietnam, 1954-1975; 815 the Vietnam of 1816-1893.
    assert_eq!(gw("816", 1960).unwrap(), "VNM");
    assert_eq!(gw("816", 2020).unwrap(), "VNM");
    assert_eq!(gw("817", 1960).unwrap(), "RVN");
    assert!(not_valid(gw("817", 1976)));
    assert!(not_valid(gw("817", 2020)));
    assert_eq!(gw("815", 1850).unwrap(), "VNM_815");
    // Czechoslovakia 315 ends in 1992; the Czech Republic is 316 from 1993.
    assert_eq!(gw("315", 1980).unwrap(), "CSK");
    assert!(not_valid(gw("315", 1993)));
    assert_eq!(gw("316", 1993).unwrap(), "CZE");
    assert!(not_valid(gw("316", 1992)));
    // Germany: 260 from 1949 to today, 265 the GDR to 1990, 255 to 1945.
    assert_eq!(gw("260", 1980).unwrap(), "DEU");
    assert_eq!(gw("260", 2020).unwrap(), "DEU");
    assert_eq!(gw("265", 1980).unwrap(), "DDR");
    assert!(not_valid(gw("265", 1991)));
    assert_eq!(gw("255", 1900).unwrap(), "GMY");
    assert!(not_valid(gw("255", 1950)));
    // Serbia 340: 1878-1915 and from 2006; Yugoslavia 345 in between; Kosovo 347 from 2008.
    assert_eq!(gw("340", 1900).unwrap(), "SRB");
    assert!(not_valid(gw("340", 1950)));
    assert!(not_valid(gw("340", 2005)));
    assert_eq!(gw("340", 2010).unwrap(), "SRB");
    assert_eq!(gw("345", 1950).unwrap(), "YUG");
    assert_eq!(gw("345", 2005).unwrap(), "YUG");
    assert!(not_valid(gw("345", 2007)));
    assert_eq!(gw("347", 2010).unwrap(), "XKX");
    assert!(not_valid(gw("347", 2007)));
    // Microstates, from microstatessystem.dat.
    for (code, id) in [
        ("232", "AND"),
        ("221", "MCO"),
        ("223", "LIE"),
        ("331", "SMR"),
    ] {
        assert_eq!(gw(code, 1816).unwrap(), id);
        assert_eq!(gw(code, 2020).unwrap(), id);
    }
    assert_eq!(gw("971", 1969).unwrap(), "NRU");
    assert!(not_valid(gw("971", 1967)));
    assert_eq!(gw("970", 2020).unwrap(), "KIR");
    assert!(not_valid(gw("970", 1978)));
    assert_eq!(gw("396", 2010).unwrap(), "ABK");
    assert!(not_valid(gw("397", 2007)));
}

#[test]
fn cow_codes_answer_by_year_from_cows_own_list() {
    let idx = index();
    let cow = |code: &str, year: i32| at(&idx, Scheme::CowNum, code, year);
    // COW ends the Yemen Arab Republic (678) in 1990 and starts unified Yemen as 679.
    assert_eq!(cow("678", 1980).unwrap(), "YAR");
    assert!(not_valid(cow("678", 2000)));
    assert_eq!(cow("679", 2000).unwrap(), "YEM");
    // COW's unified Germany is 255 again; 260 is the German Federal Republic to 1990.
    assert_eq!(cow("255", 1900).unwrap(), "DEU");
    assert!(not_valid(cow("255", 1950)));
    assert_eq!(cow("255", 2000).unwrap(), "DEU");
    assert_eq!(cow("260", 1980).unwrap(), "GFR");
    assert!(not_valid(cow("260", 1991)));
    // 345 is Yugoslavia, then Serbia from 2006-06-03; the year 2006 has both.
    assert_eq!(cow("345", 2000).unwrap(), "YUG");
    assert_eq!(cow("345", 2010).unwrap(), "SRB");
    assert!(matches!(cow("345", 2006), Err(CodeError::Ambiguous { .. })));
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    assert_eq!(
        idx.resolve_on(Scheme::CowNum, "345", day(2006, 6, 2)),
        Ok("YUG")
    );
    assert_eq!(
        idx.resolve_on(Scheme::CowNum, "345", day(2006, 6, 3)),
        Ok("SRB")
    );
    // 970 is Nauru in COW but Kiribati in G&W: each scheme by its own list.
    assert_eq!(cow("970", 2020).unwrap(), "NRU");
    assert_eq!(at(&idx, Scheme::CowAbb, "KOS", 2020).unwrap(), "XKX");
    assert!(not_valid(cow("232", 1990)));
    assert_eq!(cow("232", 2000).unwrap(), "AND");
}

#[test]
fn converting_an_entity_gives_the_code_valid_that_year() {
    let idx = index();
    let code = |id: &str, s: Scheme, y: i32| idx.code_of(id, s, Some(y));
    assert_eq!(code("DEU", Scheme::CowNum, 2020).as_deref(), Some("255"));
    assert_eq!(code("DEU", Scheme::Gw, 2020).as_deref(), Some("260"));
    assert_eq!(code("DEU", Scheme::CowNum, 1950), None);
    assert_eq!(code("YEM", Scheme::CowNum, 2000).as_deref(), Some("679"));
    assert_eq!(code("YEM", Scheme::Gw, 2000).as_deref(), Some("678"));
    assert_eq!(code("VNM", Scheme::Gw, 2020).as_deref(), Some("816"));
    assert_eq!(code("CZE", Scheme::Gw, 2020).as_deref(), Some("316"));
    assert_eq!(code("SRB", Scheme::Gw, 1900).as_deref(), Some("340"));
    assert_eq!(code("SRB", Scheme::Gw, 1950), None);
}

/// A year inside `[from, to)` of a code row.
fn year_inside(c: &EntityCode) -> i32 {
    match (c.valid_from, c.valid_to) {
        (_, Some(to)) => to.pred_opt().unwrap().year(),
        (Some(from), None) => from.year().max(2020),
        (None, None) => 2020,
    }
}

#[test]
fn every_code_row_round_trips_entity_code_entity() {
    let store = Store::bundled().unwrap();
    let codes: Vec<EntityCode> = store.records().unwrap();
    let idx = CodeIndex::new(codes.clone());
    let mut failures = Vec::new();
    for c in &codes {
        // The first day of the row: the code names its entity then, even in a year it changed.
        let day = c
            .valid_from
            .unwrap_or_else(|| NaiveDate::from_ymd_opt(year_inside(c), 1, 1).unwrap());
        match idx.resolve_on(c.scheme, &c.code, day) {
            Ok(e) if e == c.entity_id => {}
            // A name two lists give two entities ("Papal States": G&W's state, countrycode's
            // Vatican) is reported as ambiguous, naming both.
            Err(CodeError::Ambiguous { candidates, .. })
                if c.scheme == Scheme::Name && candidates.contains(&c.entity_id) => {}
            other => failures.push(format!(
                "{} {} {} on {day}: {other:?}",
                c.entity_id, c.scheme, c.code
            )),
        }
        let year = year_inside(c);
        let Some(back) = idx.code_of(&c.entity_id, c.scheme, Some(year)) else {
            failures.push(format!(
                "{} has no {} code in {year}",
                c.entity_id, c.scheme
            ));
            continue;
        };
        // In the year a code changed holder (COW 345 in 2006) it is ambiguous by year alone.
        let again = idx.resolve(c.scheme, &back, Some(year));
        let fine = match &again {
            Ok(e) => *e == c.entity_id,
            Err(CodeError::Ambiguous { candidates, .. }) => candidates.contains(&c.entity_id),
            Err(_) => false,
        };
        if !fine {
            failures.push(format!(
                "{} -> {} {back} in {year} -> {again:?}",
                c.entity_id, c.scheme
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn names_from_each_list_resolve_and_ambiguous_or_unknown_names_say_so() {
    let idx = index();
    let name = |n: &str| idx.resolve_any(n, Some(2020)).map(str::to_string);
    // ISO, World Bank, UN M49 (via countrycode), G&W/UCDP, COW, GeoNames, NGA names.
    for (typed, id) in [
        ("Kyrgyzstan", "KGZ"),
        ("Kyrgyz Republic", "KGZ"),
        ("Yemen, Rep.", "YEM"),
        ("Korea, Rep.", "KOR"),
        ("Republic of Korea", "KOR"),
        ("Korea, Dem. People's Rep.", "PRK"),
        ("Russia (Soviet Union)", "RUS"),
        ("Tajikistan", "TJK"),
        ("Kosovo", "XKX"),
        ("West Bank and Gaza", "PSE"),
        ("SPRATLY ISLANDS", "FIPS_PG"),
        ("Côte d'Ivoire", "CIV"),
        ("Yemen (North Yemen)", "YEM"), // UCDP
        ("DR Congo (Zaire)", "COD"),    // UCDP
        ("cote d ivoire", "CIV"),
    ] {
        assert_eq!(name(typed).as_deref(), Ok(id), "{typed}");
    }
    // Former states by their own names and dates.
    let at = |n: &str, y| idx.resolve(Scheme::Name, n, Some(y)).map(str::to_string);
    assert_eq!(at("Republic of Vietnam", 1970).as_deref(), Ok("RVN"));
    assert_eq!(at("Yemen Arab Republic", 1980).as_deref(), Ok("YAR"));
    assert_eq!(at("Czechoslovakia", 1980).as_deref(), Ok("CSK"));
    // A name two entities have is an error that names both.
    match idx.resolve(Scheme::Name, "Papal States", Some(1850)) {
        Err(CodeError::Ambiguous { candidates, .. }) => {
            assert!(candidates.contains(&"PAP".to_string()), "{candidates:?}")
        }
        other => panic!("expected ambiguity, got {other:?}"),
    }
    // An unknown name says so and offers the closest names.
    match idx.resolve_any("Kyrgyzstn", None) {
        Err(CodeError::UnknownName { suggestions, .. }) => {
            assert!(
                suggestions.iter().any(|s| s.ends_with("(KGZ)")),
                "{suggestions:?}"
            )
        }
        other => panic!("expected an unknown name, got {other:?}"),
    }
}

#[test]
fn kosovo_through_every_scheme_that_codes_it() {
    let idx = index();
    for (scheme, code) in [
        (Scheme::Gw, "347"),
        (Scheme::CowNum, "347"),
        (Scheme::CowAbb, "KOS"),
        (Scheme::Fips, "KV"),
        (Scheme::Wb, "XKX"),
        (Scheme::Acled, "0"),
        (Scheme::Name, "Kosovo"),
    ] {
        assert_eq!(
            idx.resolve(scheme, code, Some(2015)),
            Ok("XKX"),
            "{scheme} {code}"
        );
        assert!(idx.code_of("XKX", scheme, Some(2015)).is_some(), "{scheme}");
    }
}

/// COW v2016 (`states2016.csv`) is not read: v2024 supersedes it. The two lists agree row for
/// row (an end on the list's last day, 2016-12-31 or 2024-12-31, meaning "still a member")
/// except 345 after 2006-06-03, which v2016 keeps as Yugoslavia (`YUG`) and v2024 gives to
/// Serbia (`SRB`, the same state continued, with the same code). So every v2016 row resolves
/// to the entity the crosswalk gives on its dates, and the one difference is that spell.
#[test]
fn cow_v2016_agrees_with_v2024_except_serbia_from_2006() {
    let (Some(old), Some(new)) = (
        cow_list("data-sources/code-lists/cow/v2016/states2016.csv"),
        cow_rows(),
    ) else {
        return;
    };
    let end = |rows: &[Row]| rows.iter().map(|r| r.5).max().unwrap();
    let (old_end, new_end) = (end(&old), end(&new));
    assert_eq!(old_end, NaiveDate::from_ymd_opt(2016, 12, 31).unwrap());
    let spell = |r: &Row, list_end: NaiveDate| {
        let open = r.5 == list_end;
        (r.2, r.3.clone(), r.4, (!open).then_some(r.5))
    };
    let old_spells: Vec<_> = old.iter().map(|r| spell(r, old_end)).collect();
    let new_spells: Vec<_> = new.iter().map(|r| spell(r, new_end)).collect();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
    let only_old: Vec<_> = old_spells
        .iter()
        .filter(|s| !new_spells.contains(s))
        .collect();
    let only_new: Vec<_> = new_spells
        .iter()
        .filter(|s| !old_spells.contains(s))
        .collect();
    let yug_1944 = day(1944, 10, 20);
    assert_eq!(
        only_old,
        [
            &(Scheme::CowNum, "345".to_string(), yug_1944, None),
            &(Scheme::CowAbb, "YUG".to_string(), yug_1944, None),
        ]
    );
    let split = day(2006, 6, 3);
    assert_eq!(
        only_new,
        [
            &(Scheme::CowNum, "345".to_string(), yug_1944, Some(split)),
            &(Scheme::CowAbb, "YUG".to_string(), yug_1944, Some(split)),
            &(Scheme::CowNum, "345".to_string(), split, None),
            &(Scheme::CowAbb, "SRB".to_string(), split, None),
        ]
    );
    // On its first, middle and last day, every v2016 row names the entity of the v2024 row
    // that gives the code that day; where none does (v2016's 345 after the split), 345 is
    // Serbia and the abbreviation YUG names nothing.
    let idx = index();
    for (file, line, scheme, code, first, last, _) in &old {
        let middle = *first + (*last - *first) / 2;
        for d in [*first, middle, *last] {
            let got = idx.resolve_on(*scheme, code, d);
            // The v2024 rows that give the code on that day, and the entity of each.
            let listed: Vec<_> = new
                .iter()
                .filter(|r| (r.2, &r.3) == (*scheme, code) && r.4 <= d && d <= r.5)
                .map(|r| idx.resolve_on(*scheme, code, r.4))
                .collect();
            match (listed.as_slice(), got) {
                ([one], got) => assert_eq!(got, *one, "{file}:{line} {scheme} {code} on {d}"),
                // 2006-06-03: YUG's last day in v2024 and SRB's first.
                ([_, _], Ok("SRB")) if d == split => {}
                ([], Err(_)) if code == "YUG" && d >= split => {}
                ([], Ok("SRB")) if code == "345" && d >= split => {}
                (_, got) => panic!("{file}:{line} {scheme} {code} on {d}: {got:?}"),
            }
        }
    }
    assert_eq!(
        idx.resolve_on(Scheme::CowNum, "345", day(2010, 1, 1)),
        Ok("SRB")
    );
}
