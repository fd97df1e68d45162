//! Sources (CSL-JSON compatible citations), claims, and rows an import rejected.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::DatePrecision;
use super::serde_helpers::{list, opt_date};

/// An author: a person (family, given) or an organisation (literal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Author {
    /// Family name.
    #[serde(default)]
    pub family: Option<String>,
    /// Given name(s).
    #[serde(default)]
    pub given: Option<String>,
    /// An organisation's or undivided name.
    #[serde(default)]
    pub literal: Option<String>,
}

impl Author {
    /// "Family, Given", or the literal name.
    pub fn display_name(&self) -> String {
        match (&self.family, &self.given, &self.literal) {
            (Some(f), Some(g), _) => format!("{f}, {g}"),
            (Some(f), None, _) => f.clone(),
            (None, _, Some(l)) => l.clone(),
            (None, Some(g), None) => g.clone(),
            (None, None, None) => String::new(),
        }
    }
}

/// A citable work: an article, report, dataset release or input file. Fields follow CSL-JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Source {
    /// Stable slug.
    pub source_id: String,
    /// CSL item type (`article`, `report`, `dataset`, `book`, ...).
    pub csl_type: String,
    /// Title, when known (never invented).
    #[serde(default)]
    pub title: Option<String>,
    /// Journal, site or series.
    #[serde(default)]
    pub container_title: Option<String>,
    /// Publisher.
    #[serde(default)]
    pub publisher: Option<String>,
    /// Authors, in order.
    #[serde(default)]
    pub authors: Vec<Author>,
    /// Publication date, at `issued_precision`.
    #[serde(with = "opt_date", default)]
    pub issued: Option<NaiveDate>,
    /// How precisely `issued` is known.
    #[serde(default)]
    pub issued_precision: Option<DatePrecision>,
    /// Date the source was read.
    #[serde(with = "opt_date", default)]
    pub accessed: Option<NaiveDate>,
    /// URL, when known.
    #[serde(default)]
    pub url: Option<String>,
    /// DOI.
    #[serde(default)]
    pub doi: Option<String>,
    /// Version or release (`V202501`).
    #[serde(default)]
    pub version: Option<String>,
    /// Page(s) cited.
    #[serde(default)]
    pub page: Option<String>,
    /// Licence (SPDX id where one exists).
    #[serde(default)]
    pub license: Option<String>,
    /// Whether rows from this source may be shipped to others.
    #[serde(default = "yes")]
    pub redistributable: bool,
    /// The source that cites this one (citation chain).
    #[serde(default)]
    pub cited_by: Option<String>,
    /// SHA-256 of the file, for datasets and input files.
    #[serde(default)]
    pub content_sha256: Option<String>,
    /// Size of the file in bytes.
    #[serde(default)]
    pub byte_size: Option<i64>,
    /// Free-text note.
    #[serde(default)]
    pub note: Option<String>,
}

fn yes() -> bool {
    true
}

/// A statement of a document, linked to what it is about and the works it cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Claim {
    /// Stable slug.
    pub claim_id: String,
    /// The document making the statement (a source id).
    pub document_id: String,
    /// The statement, verbatim.
    pub text: String,
    /// A figure as printed, if the claim states one.
    pub value_text: Option<String>,
    /// Entities the claim is about.
    #[serde(with = "list", default)]
    pub about: Vec<String>,
    /// Works the document cites for it.
    #[serde(with = "list", default)]
    pub cited_source_ids: Vec<String>,
    /// Fact rows that encode it, as `table:key`.
    #[serde(with = "list", default)]
    pub subject_refs: Vec<String>,
}

/// An input row an import refused, with the reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reject {
    /// The import run (a source id of the input file).
    pub source_id: String,
    /// The input file name.
    pub file: String,
    /// 1-based line number in the input file.
    pub line: i64,
    /// The field at fault, if one.
    pub field: Option<String>,
    /// Reason code (`unknown_code`, `malformed_number`, `wrong_column_count`, ...).
    pub reason: String,
    /// Human-readable detail.
    pub detail: Option<String>,
    /// The raw line as read (lossily decoded).
    pub raw: String,
}
