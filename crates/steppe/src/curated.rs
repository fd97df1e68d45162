//! The curated dataset's human-editable sources of truth (`data/*.csv`, `data/sources.toml`)
//! and their compilation into the bundled Parquet store.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::model::*;
use crate::store::{Store, WriteOptions};
use crate::{Error, Location, Result};

/// Every record of the curated dataset.
#[derive(Debug, Clone, Default)]
pub struct Curated {
    /// `sources.toml`.
    pub sources: Vec<Source>,
    /// `entities.csv`.
    pub entities: Vec<Entity>,
    /// `entity_codes.csv`.
    pub entity_codes: Vec<EntityCode>,
    /// `organisations.csv`.
    pub organisations: Vec<Organisation>,
    /// `memberships.csv`.
    pub memberships: Vec<Membership>,
    /// `trade_flows.csv`.
    pub trade_flows: Vec<TradeFlow>,
    /// `events.csv`.
    pub events: Vec<Event>,
    /// `event_actors.csv`.
    pub event_actors: Vec<EventActor>,
    /// `claims.csv`.
    pub claims: Vec<Claim>,
}

#[derive(Deserialize)]
struct SourcesFile {
    source: Vec<SourceToml>,
}

/// A source as written in TOML: `issued` at any precision (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceToml {
    source_id: String,
    csl_type: String,
    title: Option<String>,
    container_title: Option<String>,
    publisher: Option<String>,
    #[serde(default)]
    authors: Vec<Author>,
    issued: Option<String>,
    accessed: Option<String>,
    url: Option<String>,
    doi: Option<String>,
    version: Option<String>,
    page: Option<String>,
    license: Option<String>,
    #[serde(default = "yes")]
    redistributable: bool,
    cited_by: Option<String>,
    content_sha256: Option<String>,
    byte_size: Option<i64>,
    note: Option<String>,
}

fn yes() -> bool {
    true
}

fn precision_of(text: &str) -> DatePrecision {
    match text.trim().split('-').count() {
        1 => DatePrecision::Year,
        2 => DatePrecision::Month,
        _ => DatePrecision::Day,
    }
}

/// Reads `sources.toml`.
pub fn read_sources(path: &Path) -> Result<Vec<Source>> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let file: SourcesFile = toml::from_str(&text).map_err(|e| {
        let row = e.span().map(|s| text[..s.start].lines().count() as u64);
        Error::format(
            Location {
                path: Some(path.into()),
                row,
                field: None,
            },
            e.message(),
        )
    })?;
    let loc = |id: &str, field: &str| Location::file(path).field(format!("{id}.{field}"));
    file.source
        .into_iter()
        .map(|s| {
            let date = |v: &Option<String>, field: &str| -> Result<_> {
                v.as_deref()
                    .map(crate::model::serde_helpers::parse_date)
                    .transpose()
                    .map_err(|m| Error::format(loc(&s.source_id, field), m))
            };
            Ok(Source {
                issued: date(&s.issued, "issued")?,
                issued_precision: s.issued.as_deref().map(precision_of),
                accessed: date(&s.accessed, "accessed")?,
                source_id: s.source_id,
                csl_type: s.csl_type,
                title: s.title,
                container_title: s.container_title,
                publisher: s.publisher,
                authors: s.authors,
                url: s.url,
                doi: s.doi,
                version: s.version,
                page: s.page,
                license: s.license,
                redistributable: s.redistributable,
                cited_by: s.cited_by,
                content_sha256: s.content_sha256,
                byte_size: s.byte_size,
                note: s.note,
            })
        })
        .collect()
}

/// Reads one CSV file of records, naming the file, line and field of any bad value.
pub fn read_csv<R: DeserializeOwned>(path: &Path) -> Result<Vec<R>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_path(path)
        .map_err(|e| Error::format(Location::file(path), e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::format(Location::file(path), e.to_string()))?
        .clone();
    let mut out = Vec::new();
    for result in reader.deserialize::<R>() {
        let record = result.map_err(|e| {
            let line = e.position().map(|p| p.line());
            let field = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err
                    .field()
                    .and_then(|i| headers.get(i as usize))
                    .map(String::from),
                _ => None,
            };
            let message = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => err.kind().to_string(),
                other => format!("{other:?}"),
            };
            Error::format(
                Location {
                    path: Some(path.into()),
                    row: line,
                    field,
                },
                message,
            )
        })?;
        out.push(record);
    }
    Ok(out)
}

impl Curated {
    /// Reads every file of a `data/` directory.
    pub fn read(dir: &Path) -> Result<Curated> {
        let mut events: Vec<Event> = read_csv(&dir.join("events.csv"))?;
        for e in &mut events {
            e.year = e.start_date.map(|d| chrono::Datelike::year(&d) as i16);
            if e.derivation == Derivation::AsPublished {
                e.derivation = Derivation::Manual;
            }
        }
        let mut event_actors: Vec<EventActor> = read_csv(&dir.join("event_actors.csv"))?;
        for a in &mut event_actors {
            a.year = events
                .iter()
                .find(|e| e.event_id == a.event_id)
                .and_then(|e| e.year);
        }
        Ok(Curated {
            sources: read_sources(&dir.join("sources.toml"))?,
            entities: read_csv(&dir.join("entities.csv"))?,
            entity_codes: read_csv(&dir.join("entity_codes.csv"))?,
            organisations: read_csv(&dir.join("organisations.csv"))?,
            memberships: read_csv(&dir.join("memberships.csv"))?,
            trade_flows: read_csv(&dir.join("trade_flows.csv"))?,
            events,
            event_actors,
            claims: read_csv(&dir.join("claims.csv"))?,
        })
    }

    /// The newest `accessed` date of any source: the bundle's reproducible `created` stamp.
    pub fn as_of(&self) -> Option<chrono::NaiveDate> {
        self.sources
            .iter()
            .filter_map(|s| s.accessed.or(s.issued))
            .max()
    }

    /// Writes the records into a fresh store at `out` (replacing any store there).
    pub fn write_store(&self, out: &Path) -> Result<Store> {
        if out.exists() {
            std::fs::remove_dir_all(out).map_err(|e| Error::io(out, e))?;
        }
        std::fs::create_dir_all(out).map_err(|e| Error::io(out, e))?;
        let created = self
            .as_of()
            .map(|d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")));
        let mut tx = crate::store::Transaction::begin(
            out,
            WriteOptions {
                created,
                ..Default::default()
            },
        )?;
        tx.set_package(
            "steppe-bundled",
            Some("steppe: curated Central Asia dataset"),
        );
        tx.write_records(&self.sources)?;
        tx.write_records(&self.entities)?;
        tx.write_records(&self.entity_codes)?;
        tx.write_records(&self.organisations)?;
        tx.write_records(&self.memberships)?;
        tx.write_records(&self.trade_flows)?;
        tx.write_records(&self.events)?;
        tx.write_records(&self.event_actors)?;
        tx.write_records(&self.claims)?;
        tx.commit()?;
        // The lock file is not part of the bundle.
        let _ = std::fs::remove_file(out.join(crate::store::LOCK_FILE));
        Store::open(out)
    }
}
