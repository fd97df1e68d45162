//! Where an input file came from, as told by its caller: a download (`steppe fetch`), a pinned
//! file of the bundled dataset's build. An [`Origin`] fills in the input's `Source` record
//! with what the file alone cannot say (its URL, when it was retrieved, the publisher's
//! vintage); fields left `None` keep what the importer found.

use chrono::NaiveDate;

use crate::model::{DatePrecision, Source};

/// Provenance of one input file, applied to the Source its import writes.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Origin {
    /// The URL the file was downloaded from (the publisher's, never a mirror's).
    pub url: Option<String>,
    /// The date the file was retrieved from `url`.
    pub accessed: Option<NaiveDate>,
    /// The publisher's release date of the file's content (its vintage).
    pub issued: Option<NaiveDate>,
    /// How precise `issued` is (day, month, year).
    pub issued_precision: Option<DatePrecision>,
    /// The publisher's name, replacing the importer's default.
    pub publisher: Option<String>,
    /// The release or vintage label (`V202501`, `25.1`, `2026-07`).
    pub version: Option<String>,
    /// The title, replacing the importer's default.
    pub title: Option<String>,
    /// The licence (SPDX id or `<NAME>-terms`), replacing the importer's default.
    pub license: Option<String>,
    /// Appended to the Source's note (how the file was obtained, known caveats).
    pub note: Option<String>,
}

impl Origin {
    /// `source` with every field this origin sets replaced (the note is appended).
    pub fn apply(&self, mut source: Source) -> Source {
        fn set<T: Clone>(field: &mut Option<T>, value: &Option<T>) {
            if value.is_some() {
                field.clone_from(value);
            }
        }
        set(&mut source.url, &self.url);
        set(&mut source.accessed, &self.accessed);
        set(&mut source.issued, &self.issued);
        set(&mut source.issued_precision, &self.issued_precision);
        set(&mut source.publisher, &self.publisher);
        set(&mut source.version, &self.version);
        set(&mut source.title, &self.title);
        set(&mut source.license, &self.license);
        if let Some(extra) = &self.note {
            source.note = Some(match source.note.take() {
                Some(note) => format!("{note}; {extra}"),
                None => extra.clone(),
            });
        }
        source
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source() -> Source {
        let input = crate::import::InputFile {
            path: "f.csv".into(),
            name: "f.csv".into(),
            bytes: 3,
            sha256: "ab".repeat(32),
        };
        input.source("wdi", "a file", Some("CC-BY-4.0"), Some("old"))
    }

    #[test]
    fn an_origin_replaces_what_it_sets_and_keeps_the_rest() {
        let day = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap();
        let origin = Origin {
            url: Some("https://api.worldbank.org/v2/x".into()),
            accessed: Some(day),
            version: Some("2026-07".into()),
            note: Some("fetched".into()),
            ..Default::default()
        };
        let s = origin.apply(source());
        assert_eq!(s.url.as_deref(), Some("https://api.worldbank.org/v2/x"));
        assert_eq!(s.accessed, Some(day));
        assert_eq!(s.version.as_deref(), Some("2026-07"));
        assert_eq!(s.license.as_deref(), Some("CC-BY-4.0"), "kept");
        assert_eq!(s.title.as_deref(), Some("a file"), "kept");
        assert_eq!(
            s.note.as_deref(),
            Some("input file f.csv imported by steppe wdi; fetched")
        );
        assert_eq!(s.source_id, source().source_id, "the id never changes");
    }

    #[test]
    fn an_empty_origin_changes_nothing() {
        assert_eq!(Origin::default().apply(source()), source());
    }
}
