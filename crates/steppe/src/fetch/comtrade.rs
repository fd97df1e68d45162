//! UN Comtrade's data API: one request per reporter and period (the selection split so that
//! each call stays within the API's row limit), its JSON answer cached as it came, and a CSV
//! in the current Comtrade layout (the API's field names as columns) derived from it for
//! `steppe import comtrade`. With a subscription key (sent in a header, never in the URL) the
//! data API `data/v1/get`; without one the public preview `public/v1/preview`, which returns
//! at most [`PREVIEW_MAX_ROWS`] rows a call.

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use serde_json::Value;

/// Rows a keyless preview call returns at most.
pub const PREVIEW_MAX_ROWS: u64 = 500;
/// Rows a data API call is asked for at most (`maxRecords`).
pub const DATA_MAX_ROWS: u64 = 100_000;
/// The API's host, which alone receives the key.
pub const HOST: &str = "comtradeapi.un.org";
/// The header carrying the subscription key.
pub const KEY_HEADER: &str = "Ocp-Apim-Subscription-Key";

/// The subscription key in `COMTRADE_API_KEY` (trimmed; `None` when unset or blank).
pub fn key_from_env() -> Option<String> {
    super::secret_from_env("COMTRADE_API_KEY")
}

/// A selection of UN Comtrade data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Query {
    /// Reporters, UN Comtrade's numeric codes (`762` Tajikistan); one request each.
    pub reporters: Vec<String>,
    /// Partners (`0` World, `156` China); empty for every partner.
    pub partners: Vec<String>,
    /// Periods (`2023`, or `202301` monthly); one request each.
    pub periods: Vec<String>,
    /// Flow codes (`M`, `X`); empty for every flow.
    pub flows: Vec<String>,
    /// Commodity codes (`TOTAL`, `AG2`, `2601`).
    pub commodities: Vec<String>,
    /// Classification (`HS`, `H6`, `S4`).
    pub classification: String,
    /// `A` (annual) or `M` (monthly).
    pub frequency: String,
    /// Whether a subscription key is given (the data API), else the public preview.
    pub keyed: bool,
}

fn list_ok(values: &[String], what: &str) -> Result<String, String> {
    for v in values {
        if v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(format!("`{v}` is not a UN Comtrade {what} code"));
        }
    }
    Ok(values.join(","))
}

impl Query {
    /// The (URL, cache name, row limit) of each request.
    pub fn requests(&self) -> Result<Vec<(String, String, u64)>, String> {
        if self.reporters.is_empty() || self.periods.is_empty() {
            return Err("UN Comtrade needs at least one reporter and one period".into());
        }
        let one = |v: &str, what| list_ok(&[v.to_string()], what);
        let partners = list_ok(&self.partners, "partner")?;
        let flows = list_ok(&self.flows, "flow")?;
        let commodities = if self.commodities.is_empty() {
            "TOTAL".to_string()
        } else {
            list_ok(&self.commodities, "commodity")?
        };
        let freq = one(&self.frequency, "frequency")?;
        let cl = one(&self.classification, "classification")?;
        let (base, limit) = if self.keyed {
            ("data/v1/get", DATA_MAX_ROWS)
        } else {
            ("public/v1/preview", PREVIEW_MAX_ROWS)
        };
        let mut out = Vec::new();
        for r in &self.reporters {
            let r = one(r, "reporter")?;
            for p in &self.periods {
                let p = one(p, "period")?;
                let mut url = format!(
                    "https://{HOST}/{base}/C/{freq}/{cl}?reporterCode={r}&period={p}&cmdCode={commodities}"
                );
                if !partners.is_empty() {
                    url.push_str(&format!("&partnerCode={partners}"));
                }
                if !flows.is_empty() {
                    url.push_str(&format!("&flowCode={flows}"));
                }
                url.push_str(&format!("&maxRecords={limit}&format=JSON&includeDesc=true"));
                let digest = &crate::fetch::cache::short_hash(&url);
                let kind = if self.keyed { "data" } else { "preview" };
                let name = format!("comtrade_{kind}_C_{freq}_{cl}_{r}_{p}_{digest}.json");
                out.push((url, name, limit));
            }
        }
        Ok(out)
    }
}

/// The rows of an API answer (its `data` array), or the error it reports.
fn rows(json: &Path) -> Result<Vec<serde_json::Map<String, Value>>, String> {
    json_rows(json, "data")
}

/// The objects of the array `key` of the JSON answer at `json`, or the error the answer
/// reports (a non-empty `error`).
pub(crate) fn json_rows(
    json: &Path,
    key: &str,
) -> Result<Vec<serde_json::Map<String, Value>>, String> {
    let text = fs::read(json).map_err(|e| e.to_string())?;
    let value: Value =
        serde_json::from_slice(&text).map_err(|e| format!("the API's answer is not JSON: {e}"))?;
    if let Some(error) = value.get("error").filter(|e| match e {
        Value::String(s) => !s.is_empty(),
        Value::Null => false,
        _ => true,
    }) {
        return Err(format!("the API reports an error: {error}"));
    }
    let Some(Value::Array(data)) = value.get(key) else {
        return Err(format!("the API's answer has no `{key}` array"));
    };
    data.iter()
        .map(|r| match r {
            Value::Object(m) => Ok(m.clone()),
            other => Err(format!("a row of `{key}` is not an object: {other}")),
        })
        .collect()
}

/// Checks an answer: JSON with a `data` array and no error. Returns its row count.
pub fn check(json: &Path) -> Result<u64, String> {
    rows(json).map(|r| r.len() as u64)
}

/// Writes the rows of the answer at `json` as a CSV at `csv` (see [`rows_to_csv`]).
pub fn to_csv(json: &Path, csv: &Path) -> Result<u64, String> {
    rows_to_csv(&rows(json)?, csv)
}

/// Writes `rows` as a CSV at `csv` (a temporary name, renamed): one column per field any
/// row has, sorted by name; null is empty. Returns the row count.
pub(crate) fn rows_to_csv(
    rows: &[serde_json::Map<String, Value>],
    csv: &Path,
) -> Result<u64, String> {
    let columns: BTreeSet<&String> = rows.iter().flat_map(|r| r.keys()).collect();
    let tmp = csv.with_extension("csv.tmp");
    let mut w = csv::Writer::from_path(&tmp).map_err(|e| e.to_string())?;
    w.write_record(columns.iter().map(|c| c.as_str()))
        .map_err(|e| e.to_string())?;
    for r in rows {
        let record = columns.iter().map(|c| match r.get(*c) {
            None | Some(Value::Null) => String::new(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        });
        w.write_record(record).map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())?;
    drop(w);
    fs::rename(&tmp, csv).map_err(|e| format!("{}: {e}", csv.display()))?;
    Ok(rows.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(keyed: bool) -> Query {
        Query {
            reporters: vec!["762".into(), "417".into()],
            partners: vec![],
            periods: vec!["2023".into()],
            flows: vec!["M".into(), "X".into()],
            commodities: vec![],
            classification: "HS".into(),
            frequency: "A".into(),
            keyed,
        }
    }

    #[test]
    fn one_request_per_reporter_and_period_on_the_right_endpoint() {
        let r = query(true).requests().unwrap();
        assert_eq!(r.len(), 2);
        assert_eq!(
            r[0].0,
            "https://comtradeapi.un.org/data/v1/get/C/A/HS?reporterCode=762&period=2023&cmdCode=TOTAL&flowCode=M,X&maxRecords=100000&format=JSON&includeDesc=true"
        );
        let p = query(false).requests().unwrap();
        assert!(p[0]
            .0
            .starts_with("https://comtradeapi.un.org/public/v1/preview/C/A/HS?"));
        assert!(p[0].0.contains("maxRecords=500"));
        assert_eq!(p[0].2, PREVIEW_MAX_ROWS);
        let mut bad = query(true);
        bad.reporters = vec!["76 2&x=1".into()];
        assert!(bad.requests().is_err());
    }

    #[test]
    fn an_answer_becomes_a_csv_of_the_api_field_names() {
        let dir = tempfile::tempdir().unwrap();
        let json = dir.path().join("a.json");
        fs::write(
            &json,
            r#"{"elementCount":2,"data":[
              {"reporterCode":762,"partnerCode":156,"cmdCode":"TOTAL","primaryValue":1234.5,"flowCode":"M","isReported":true,"qty":null},
              {"reporterCode":762,"partnerCode":643,"cmdCode":"TOTAL","primaryValue":99,"flowCode":"M","isReported":false,"qty":null}
            ],"statusCode":200,"message":null,"error":""}"#,
        )
        .unwrap();
        let csv = dir.path().join("a.csv");
        assert_eq!(to_csv(&json, &csv).unwrap(), 2);
        assert_eq!(
            fs::read_to_string(&csv).unwrap(),
            "cmdCode,flowCode,isReported,partnerCode,primaryValue,qty,reporterCode\n\
             TOTAL,M,true,156,1234.5,,762\nTOTAL,M,false,643,99,,762\n"
        );
        fs::write(&json, r#"{"data":null,"error":"Invalid parameter"}"#).unwrap();
        assert!(check(&json).unwrap_err().contains("Invalid parameter"));
        fs::write(&json, "<html>").unwrap();
        assert!(check(&json).unwrap_err().contains("not JSON"));
    }
}
