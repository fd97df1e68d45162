//! UCDP's API for the Georeferenced Event Dataset (`gedevents/<version>`, including the
//! monthly Candidate releases that have no download file): pages of 1,000 events followed by
//! their `NextPageUrl`, each answer cached as it came and turned into a CSV of the GED's
//! columns for `steppe import ucdp`. The access token goes in the `x-ucdp-access-token`
//! header, to the API's host only.

use std::path::Path;

use serde_json::Value;

use super::comtrade::{json_rows, rows_to_csv};

/// The API's host, which alone receives the token.
pub const HOST: &str = "ucdpapi.pcr.uu.se";
/// The header carrying the access token.
pub const TOKEN_HEADER: &str = "x-ucdp-access-token";

/// The access token in `UCDP_ACCESS_TOKEN` (trimmed; `None` when unset or blank).
pub fn token_from_env() -> Option<String> {
    super::secret_from_env("UCDP_ACCESS_TOKEN")
}
/// Events asked per page.
pub const PAGE_SIZE: u32 = 1000;
/// Pages followed at most (10 million events).
pub const MAX_PAGES: usize = 10_000;

/// The release as the API names it: `25.1`, `25.0.9` (digits and dots).
fn version_ok(version: &str) -> Result<&str, String> {
    let v = version.trim().trim_start_matches(['v', 'V']);
    let ok = !v.is_empty()
        && v.split('.').count() >= 2
        && v.split('.')
            .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()));
    if ok {
        Ok(v)
    } else {
        Err(format!(
            "UCDP API version `{version}`: a release such as 25.1, or a Candidate release such as 25.0.9"
        ))
    }
}

/// The first page's URL.
pub fn first_page(version: &str) -> Result<String, String> {
    let v = version_ok(version)?;
    Ok(format!(
        "https://{HOST}/api/gedevents/{v}?pagesize={PAGE_SIZE}&page=0"
    ))
}

/// The cache name of page `n` (0-based).
pub fn page_name(version: &str, n: usize) -> String {
    let v = version.trim().trim_start_matches(['v', 'V']);
    format!("gedevents_{v}_page{n:05}.json")
}

/// The next page's URL the answer at `json` gives (`NextPageUrl`), or `None` on the last
/// page. A next page on another host is refused.
pub fn next_page(json: &Path) -> Result<Option<String>, String> {
    let text = std::fs::read(json).map_err(|e| e.to_string())?;
    let value: Value =
        serde_json::from_slice(&text).map_err(|e| format!("the API's answer is not JSON: {e}"))?;
    match value.get("NextPageUrl") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) if s.starts_with(&format!("https://{HOST}/")) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "the API's NextPageUrl {other} is not on {HOST}; not followed"
        )),
    }
}

/// Checks an answer: JSON with a `Result` array and no error. Returns its event count.
pub fn check(json: &Path) -> Result<u64, String> {
    json_rows(json, "Result").map(|r| r.len() as u64)
}

/// Writes the events of the answer at `json` as a CSV of their fields at `csv`.
pub fn to_csv(json: &Path, csv: &Path) -> Result<u64, String> {
    rows_to_csv(&json_rows(json, "Result")?, csv)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_and_their_links() {
        assert_eq!(
            first_page("25.0.9").unwrap(),
            "https://ucdpapi.pcr.uu.se/api/gedevents/25.0.9?pagesize=1000&page=0"
        );
        assert!(first_page("25").is_err() && first_page("25.1&x=1").is_err());
        assert_eq!(page_name("25.1", 3), "gedevents_25.1_page00003.json");
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        let next = "https://ucdpapi.pcr.uu.se/api/gedevents/25.1?pagesize=1000&page=1";
        std::fs::write(
            &p,
            format!(r#"{{"TotalCount":1500,"NextPageUrl":"{next}","Result":[]}}"#),
        )
        .unwrap();
        assert_eq!(next_page(&p).unwrap().as_deref(), Some(next));
        std::fs::write(&p, r#"{"NextPageUrl":"","Result":[]}"#).unwrap();
        assert_eq!(next_page(&p).unwrap(), None);
        std::fs::write(
            &p,
            r#"{"NextPageUrl":"https://evil.example/x","Result":[]}"#,
        )
        .unwrap();
        assert!(next_page(&p).unwrap_err().contains("not followed"));
    }
}
