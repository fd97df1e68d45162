//! The curated membership draft (`memberships-curated/memberships_central_asia.csv`): one row
//! per country, organisation and role, with dates at their precision, the page the row rests
//! on and a quote of it. Each row becomes a `memberships` row citing the draft (its Source,
//! with sha256) and the page (a `webpage` Source); the organisations the draft names become
//! `organisations` rows (the SCO is the article's `sco`).
//!
//! Dates: `YYYY-MM-DD` (day), `YYYY-MM` (month) or `YYYY` (year), as the row's
//! `start_precision` / `end_precision` say; a date that does not match its precision is an
//! error naming the line and field. `memberships` has one `date_precision`: the coarser of the
//! two; the row's `source_locator` spells out both dates with their precision, the draft's
//! note (conflicting dates) and the page's quote.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use chrono::NaiveDate;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::import::{InputFile, Origin};
use crate::model::{DatePrecision, Membership, MembershipRole, OrgType, Organisation, Source};
use crate::store::ImportSummary;
use crate::{Error, Location, Result};

/// The importer name recorded in the store.
pub const IMPORTER: &str = "memberships-draft";

/// What the draft adds to a store.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    /// The draft file's Source, then one `webpage` Source per page cited.
    pub sources: Vec<Source>,
    /// The organisations the draft names that the store lacks.
    pub organisations: Vec<Organisation>,
    /// One membership per row.
    pub memberships: Vec<Membership>,
    /// The accounting of the file (rows read = accepted).
    pub summary: ImportSummary,
}

#[derive(Deserialize)]
struct Row {
    org: String,
    country_iso3: String,
    role: String,
    start_date: String,
    start_precision: String,
    end_date: Option<String>,
    end_precision: Option<String>,
    note: Option<String>,
    source_url: String,
    source_quote: String,
}

/// The draft's organisation codes: (org_id, name, org_type). `SCO` is the article's `sco`.
const ORGANISATIONS: &[(&str, &str, &str, OrgType)] = &[
    (
        "CIS",
        "cis",
        "Commonwealth of Independent States",
        OrgType::Igo,
    ),
    (
        "CST",
        "cst-1992",
        "Collective Security Treaty (1992)",
        OrgType::MilitaryAlliance,
    ),
    (
        "CSTO",
        "csto",
        "Collective Security Treaty Organization",
        OrgType::MilitaryAlliance,
    ),
    (
        "SCO",
        "sco",
        "Shanghai Cooperation Organisation",
        OrgType::Igo,
    ),
    (
        "EAEU",
        "eaeu",
        "Eurasian Economic Union",
        OrgType::EconomicUnion,
    ),
    (
        "CAREC",
        "carec",
        "Central Asian Regional Economic Cooperation Program",
        OrgType::Initiative,
    ),
];

/// Reads the draft at `path`. `entities` are the store's entity ids (a row's country must be
/// one), `organisations` the org ids the store has already (not written again).
pub fn read(
    path: &Path,
    origin: &Origin,
    entities: &HashSet<String>,
    organisations: &HashSet<String>,
) -> Result<Draft> {
    let input = InputFile::inspect(path)?;
    let title = "Memberships of the Central Asian states, Afghanistan, China and Russia \
                 (curated draft from secondary sources)";
    let draft_source = origin.apply(input.source(IMPORTER, title, None, None));
    let draft_id = draft_source.source_id.clone();
    let mut reader = csv::Reader::from_path(path)
        .map_err(|e| Error::format(Location::file(path), e.to_string()))?;
    let mut pages: BTreeMap<String, Source> = BTreeMap::new();
    let mut out = Draft::default();
    let mut orgs_used = Vec::new();
    for (i, record) in reader.deserialize::<Row>().enumerate() {
        let line = i as u64 + 2;
        let at = |field: &str| Location::file(path).row(line).field(field.to_string());
        let row =
            record.map_err(|e| Error::format(Location::file(path).row(line), e.to_string()))?;
        let Some(&(_, org_id, _, _)) = ORGANISATIONS.iter().find(|o| o.0 == row.org) else {
            return Err(Error::format(
                at("org"),
                format!("unknown organisation `{}`", row.org),
            ));
        };
        if !entities.contains(&row.country_iso3) {
            let message = format!("`{}` is no entity of the store", row.country_iso3);
            return Err(Error::format(at("country_iso3"), message));
        }
        let role = role(&row.role)
            .ok_or_else(|| Error::format(at("role"), format!("unknown role `{}`", row.role)))?;
        let start_precision = precision(&row.start_precision, at("start_precision"))?;
        let valid_from = date(&row.start_date, start_precision, at("start_date"))?;
        let end = match (&row.end_date, &row.end_precision) {
            (Some(d), Some(p)) => {
                let p = precision(p, at("end_precision"))?;
                Some((date(d, p, at("end_date"))?, p))
            }
            (None, None) => None,
            _ => {
                let message = "an end date needs its precision, and a precision its date";
                return Err(Error::format(at("end_precision"), message));
            }
        };
        let page = pages
            .entry(row.source_url.clone())
            .or_insert_with(|| page_source(&row.source_url, origin));
        let mut locator = format!(
            "{} line {line}: start {} ({})",
            input.name, row.start_date, row.start_precision
        );
        if let (Some(d), Some(p)) = (&row.end_date, &row.end_precision) {
            locator.push_str(&format!(", end {d} ({p})"));
        }
        if let Some(note) = &row.note {
            locator.push_str(&format!("; note: {note}"));
        }
        locator.push_str(&format!("; page quote: \"{}\"", row.source_quote));
        let coarser = end.map_or(start_precision, |(_, p)| coarser(start_precision, p));
        out.memberships.push(Membership {
            org_id: org_id.to_string(),
            entity_id: row.country_iso3.clone(),
            role,
            valid_from: Some(valid_from),
            valid_to: end.map(|(d, _)| d),
            date_precision: coarser,
            source_id: draft_id.clone(),
            source_locator: Some(locator),
            cited_source_id: Some(page.source_id.clone()),
        });
        orgs_used.push(row.org.clone());
    }
    for (code, org_id, name, org_type) in ORGANISATIONS {
        if organisations.contains(*org_id) || !orgs_used.iter().any(|o| o == code) {
            continue;
        }
        out.organisations.push(Organisation {
            org_id: org_id.to_string(),
            name: name.to_string(),
            acronym: Some(code.to_string()),
            org_type: *org_type,
            founded: None,
            dissolved: None,
            source_id: draft_id.clone(),
            source_locator: Some(format!("{} column org = {code}", input.name)),
            cited_source_id: None,
        });
    }
    let rows = out.memberships.len() as u64;
    out.summary = ImportSummary {
        importer: IMPORTER.into(),
        source_id: draft_id,
        file: input.name.clone(),
        sha256: input.sha256.clone(),
        rows_read: rows,
        rows_accepted: rows,
        rows_written: BTreeMap::from([
            ("memberships".to_string(), rows),
            ("organisations".to_string(), out.organisations.len() as u64),
            ("sources".to_string(), pages.len() as u64 + 1),
        ]),
        ..Default::default()
    };
    out.sources.push(draft_source);
    out.sources.extend(pages.into_values());
    Ok(out)
}

fn role(text: &str) -> Option<MembershipRole> {
    Some(match text {
        "member" => MembershipRole::Member,
        "associate_member" => MembershipRole::AssociateMember,
        "observer" => MembershipRole::Observer,
        "partner" => MembershipRole::Partner,
        _ => return None,
    })
}

fn precision(text: &str, at: Location) -> Result<DatePrecision> {
    match text {
        "day" => Ok(DatePrecision::Day),
        "month" => Ok(DatePrecision::Month),
        "year" => Ok(DatePrecision::Year),
        other => Err(Error::format(
            at,
            format!("unknown precision `{other}` (day, month or year)"),
        )),
    }
}

/// The date `text` written at `precision` (`YYYY-MM-DD`, `YYYY-MM`, `YYYY`); month and year
/// dates are stored as their first day.
fn date(text: &str, precision: DatePrecision, at: Location) -> Result<NaiveDate> {
    let (format, padded) = match precision {
        DatePrecision::Day => ("%Y-%m-%d", text.to_string()),
        DatePrecision::Month => ("%Y-%m-%d", format!("{text}-01")),
        _ => ("%Y-%m-%d", format!("{text}-01-01")),
    };
    let shape_ok = match precision {
        DatePrecision::Day => text.len() == 10,
        DatePrecision::Month => text.len() == 7,
        _ => text.len() == 4,
    };
    NaiveDate::parse_from_str(&padded, format)
        .ok()
        .filter(|_| shape_ok)
        .ok_or_else(|| {
            let message = format!("`{text}` is not a date at {precision} precision");
            Error::format(at, message)
        })
}

fn rank(p: DatePrecision) -> u8 {
    match p {
        DatePrecision::Day => 0,
        DatePrecision::Week => 1,
        DatePrecision::Month => 2,
        DatePrecision::Year => 3,
        DatePrecision::Range => 4,
        DatePrecision::Unknown => 5,
    }
}

fn coarser(a: DatePrecision, b: DatePrecision) -> DatePrecision {
    if rank(a) >= rank(b) {
        a
    } else {
        b
    }
}

/// The `webpage` Source of a page the draft cites: id `page-<sha256(url) prefix>`.
fn page_source(url: &str, origin: &Origin) -> Source {
    let digest = hex::encode(Sha256::digest(url.as_bytes()));
    let host = url
        .split("://")
        .nth(1)
        .and_then(|rest| rest.split(['/', '?']).next())
        .unwrap_or(url)
        .to_string();
    Source {
        source_id: format!("page-{}", &digest[..16]),
        csl_type: "webpage".into(),
        title: Some(format!("Web page cited by the membership draft ({host})")),
        container_title: None,
        publisher: Some(host),
        authors: Vec::new(),
        issued: None,
        issued_precision: None,
        accessed: origin.accessed,
        url: Some(url.to_string()),
        doi: None,
        version: Some(
            "as read by the draft's curator (text from a search corpus of stored pages)".into(),
        ),
        page: None,
        license: None,
        redistributable: true,
        cited_by: None,
        content_sha256: None,
        byte_size: None,
        note: Some(
            "secondary source of the curated membership draft; only the facts and a short quote \
             are used; its own licence was not recorded"
                .into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("m.csv");
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    const HEADER: &str = "org,country_iso3,role,start_date,start_precision,end_date,end_precision,note,source_url,source_quote\n";

    fn ids(list: &[&str]) -> HashSet<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn rows_become_memberships_citing_the_draft_and_the_page() {
        let text = format!(
            "{HEADER}CSTO,UZB,member,2006-06-23,day,2012,year,suspended 2012,http://x.org/a,\"On 23 June 2006\"\n\
             CAREC,AFG,member,2005-11,month,,,,http://y.org/b?q=1,\"latest member\"\n"
        );
        let (_d, path) = write(&text);
        let origin = Origin {
            accessed: NaiveDate::from_ymd_opt(2026, 11, 30),
            ..Default::default()
        };
        let draft = read(&path, &origin, &ids(&["UZB", "AFG"]), &ids(&["sco"])).unwrap();
        assert_eq!(draft.memberships.len(), 2);
        let uzb = &draft.memberships[0];
        assert_eq!(uzb.org_id, "csto");
        assert_eq!(uzb.valid_from, NaiveDate::from_ymd_opt(2006, 6, 23));
        assert_eq!(uzb.valid_to, NaiveDate::from_ymd_opt(2012, 1, 1));
        assert_eq!(
            uzb.date_precision,
            DatePrecision::Year,
            "the coarser of the two"
        );
        let locator = uzb.source_locator.as_deref().unwrap();
        assert!(
            locator.contains("start 2006-06-23 (day), end 2012 (year)"),
            "{locator}"
        );
        assert!(locator.contains("note: suspended 2012"));
        assert_eq!(uzb.source_id, draft.sources[0].source_id);
        let page = draft
            .sources
            .iter()
            .find(|s| Some(&s.source_id) == uzb.cited_source_id.as_ref())
            .unwrap();
        assert_eq!(page.url.as_deref(), Some("http://x.org/a"));
        assert_eq!(page.publisher.as_deref(), Some("x.org"));
        let afg = &draft.memberships[1];
        assert_eq!(afg.valid_from, NaiveDate::from_ymd_opt(2005, 11, 1));
        assert_eq!(afg.date_precision, DatePrecision::Month);
        assert_eq!(draft.sources.len(), 3, "the draft and two pages");
        let orgs: Vec<&str> = draft
            .organisations
            .iter()
            .map(|o| o.org_id.as_str())
            .collect();
        assert_eq!(orgs, ["csto", "carec"]);
        assert_eq!(draft.summary.rows_read, 2);
        assert_eq!(draft.sources[0].accessed, origin.accessed);
    }

    #[test]
    fn bad_rows_are_errors_naming_line_and_field() {
        let cases = [
            ("SCO,TJK,member,2001-06,day,,,,u,q", "start_date"),
            ("SCO,XXX,member,2001-06-15,day,,,,u,q", "country_iso3"),
            ("NATO,TJK,member,2001-06-15,day,,,,u,q", "org"),
            ("SCO,TJK,chair,2001-06-15,day,,,,u,q", "role"),
            ("SCO,TJK,member,2001-06-15,day,2002,,,u,q", "end_precision"),
        ];
        for (row, field) in cases {
            let (_d, path) = write(&format!("{HEADER}{row}\n"));
            let err = read(&path, &Origin::default(), &ids(&["TJK"]), &ids(&[])).unwrap_err();
            let text = err.to_string();
            assert!(text.contains("row 2"), "{text}");
            assert!(text.contains(field), "{row}: {text}");
        }
    }
}
