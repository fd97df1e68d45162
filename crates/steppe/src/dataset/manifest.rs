//! The bundled dataset's manifest (`data/dataset.toml`): every input file pinned by sha256,
//! the importer that reads it and the origin its Source records.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use sha2::{Digest, Sha256};

use crate::import::Origin;
use crate::model::serde_helpers::parse_date;
use crate::model::DatePrecision;
use crate::{Error, Location, Result};

/// The parsed manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// The file it was read from.
    pub path: PathBuf,
    /// The bundle's `created` stamp (`YYYY-MM-DD`).
    pub created: chrono::NaiveDate,
    /// The inputs, in import order.
    pub inputs: Vec<Input>,
}

/// The importer that reads an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub enum Importer {
    /// `steppe::import::wdi` (any WDI layout, metadata included).
    #[serde(rename = "wdi")]
    Wdi,
    /// `steppe::import::imf_dots`.
    #[serde(rename = "imf-dots")]
    ImfDots,
    /// `steppe::import::ucdp_acd`.
    #[serde(rename = "ucdp-acd")]
    UcdpAcd,
    /// The curated membership draft ([`super::memberships`]).
    #[serde(rename = "memberships-draft")]
    MembershipsDraft,
}

/// One pinned file, relative to the inputs directory (`shared/data-sources/`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pinned {
    /// Path under the inputs directory.
    pub path: String,
    /// Expected sha256 (lower-case hex).
    pub sha256: String,
}

/// One input: a pinned file, its importer, the files read beside it and its origin.
#[derive(Debug, Clone)]
pub struct Input {
    /// The data file.
    pub file: Pinned,
    /// Which importer reads it.
    pub importer: Importer,
    /// Files the importer reads beside it (Datahub's `datapackage.json`).
    pub companions: Vec<Pinned>,
    /// What the Source of the file records beyond the file itself.
    pub origin: Origin,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestToml {
    dataset: DatasetToml,
    input: Vec<InputToml>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DatasetToml {
    created: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct InputToml {
    path: String,
    sha256: String,
    importer: Importer,
    #[serde(default)]
    companions: Vec<Pinned>,
    origin: OriginToml,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OriginToml {
    url: Option<String>,
    accessed: String,
    issued: Option<String>,
    version: String,
    publisher: String,
    license: String,
    note: Option<String>,
}

impl Manifest {
    /// Reads `path`. Errors name the file and the line of a TOML error, or the input and
    /// field of a bad date.
    pub fn read(path: &Path) -> Result<Manifest> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let file: ManifestToml = toml::from_str(&text).map_err(|e| {
            let row = e.span().map(|s| text[..s.start].lines().count() as u64);
            let location = Location {
                path: Some(path.into()),
                row,
                field: None,
            };
            Error::format(location, e.message())
        })?;
        let date = |value: &str, field: String| {
            parse_date(value).map_err(|m| Error::format(Location::file(path).field(field), m))
        };
        let created = date(&file.dataset.created, "dataset.created".into())?;
        let mut inputs = Vec::new();
        for i in file.input {
            let o = i.origin;
            let field = |name: &str| format!("input `{}` origin.{name}", i.path);
            let origin = Origin {
                url: o.url,
                accessed: Some(date(&o.accessed, field("accessed"))?),
                issued: o
                    .issued
                    .as_deref()
                    .map(|d| date(d, field("issued")))
                    .transpose()?,
                issued_precision: o.issued.as_deref().map(precision_of),
                publisher: Some(o.publisher),
                version: Some(o.version),
                title: None,
                license: Some(o.license),
                note: o.note,
            };
            inputs.push(Input {
                file: Pinned {
                    path: i.path,
                    sha256: i.sha256,
                },
                importer: i.importer,
                companions: i.companions,
                origin,
            });
        }
        Ok(Manifest {
            path: path.to_path_buf(),
            created,
            inputs,
        })
    }

    /// Checks every pinned file under `dir` (inputs and companions) before anything is
    /// imported. A missing file, or one whose sha256 differs, is an error naming the file and
    /// (for a mismatch) both hashes.
    pub fn verify(&self, dir: &Path) -> Result<()> {
        for input in &self.inputs {
            for pinned in std::iter::once(&input.file).chain(&input.companions) {
                let path = dir.join(&pinned.path);
                let actual = sha256_of(&path)?;
                if actual != pinned.sha256 {
                    let message = format!(
                        "sha256 mismatch: {} pins {} but the file's is {actual}; \
                         a changed input must be reviewed and re-pinned",
                        self.path.display(),
                        pinned.sha256
                    );
                    return Err(Error::format(Location::file(&path), message));
                }
            }
        }
        Ok(())
    }
}

/// The precision of a date written `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
fn precision_of(text: &str) -> DatePrecision {
    match text.trim().split('-').count() {
        1 => DatePrecision::Year,
        2 => DatePrecision::Month,
        _ => DatePrecision::Day,
    }
}

/// The sha256 of a file, lower-case hex.
pub fn sha256_of(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex::encode(hasher.finalize()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn manifest(dir: &Path, sha: &str) -> Manifest {
        let text = format!(
            "[dataset]\ncreated = \"2026-11-30\"\n\n[[input]]\npath = \"a.csv\"\nsha256 = \"{sha}\"\n\
             importer = \"wdi\"\n[input.origin]\nurl = \"https://example.org/a\"\n\
             accessed = \"2026-07-01\"\nissued = \"2025-07\"\nversion = \"v1\"\n\
             publisher = \"World Bank\"\nlicense = \"CC-BY-4.0\"\n"
        );
        let path = dir.join("dataset.toml");
        std::fs::write(&path, text).unwrap();
        Manifest::read(&path).unwrap()
    }

    #[test]
    fn reads_inputs_with_their_origin() {
        let dir = tempfile::tempdir().unwrap();
        let m = manifest(dir.path(), &"0".repeat(64));
        assert_eq!(m.created, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        let input = &m.inputs[0];
        assert_eq!(input.importer, Importer::Wdi);
        assert_eq!(input.origin.publisher.as_deref(), Some("World Bank"));
        assert_eq!(input.origin.issued_precision, Some(DatePrecision::Month));
        assert_eq!(input.origin.accessed, NaiveDate::from_ymd_opt(2026, 7, 1));
    }

    #[test]
    fn a_changed_or_missing_file_is_an_error_naming_it_and_both_hashes() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.csv"), "x\n").unwrap();
        let pinned = "ab".repeat(32);
        let err = manifest(dir.path(), &pinned)
            .verify(dir.path())
            .unwrap_err();
        let text = err.to_string();
        let actual = sha256_of(&dir.path().join("a.csv")).unwrap();
        assert!(text.contains("a.csv"), "{text}");
        assert!(text.contains(&pinned) && text.contains(&actual), "{text}");
        // The right hash passes; a missing file is an error naming it.
        manifest(dir.path(), &actual).verify(dir.path()).unwrap();
        std::fs::remove_file(dir.path().join("a.csv")).unwrap();
        let err = manifest(dir.path(), &actual)
            .verify(dir.path())
            .unwrap_err();
        assert!(err.to_string().contains("a.csv"), "{err}");
    }

    #[test]
    fn a_bad_manifest_names_the_line_or_field() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("dataset.toml");
        std::fs::write(
            &path,
            "[dataset]\ncreated = \"2026-11-30\"\n\n[[input]]\npath = 3\n",
        )
        .unwrap();
        let err = Manifest::read(&path).unwrap_err().to_string();
        assert!(
            err.contains("dataset.toml") && err.contains("row 5"),
            "{err}"
        );
        std::fs::write(&path, "[dataset]\ncreated = \"30 Nov\"\n\n[[input]]\npath = \"a\"\nsha256 = \"b\"\nimporter = \"wdi\"\n[input.origin]\naccessed = \"2026\"\nversion = \"v\"\npublisher = \"p\"\nlicense = \"l\"\n").unwrap();
        let err = Manifest::read(&path).unwrap_err().to_string();
        assert!(err.contains("dataset.created"), "{err}");
    }
}
