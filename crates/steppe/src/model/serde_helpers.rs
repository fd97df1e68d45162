//! Serde helpers shared by the records: dates given at any precision, and lists that arrive
//! either as sequences (Arrow, TOML) or as `;`-separated strings (the CSV files in `data/`).

use chrono::NaiveDate;
use serde::de::{self, Deserializer, SeqAccess, Visitor};
use std::fmt;

/// Parses `YYYY`, `YYYY-MM` or `YYYY-MM-DD` to the first day of the period it names.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let num = |s: &str| {
        s.parse::<u32>()
            .map_err(|_| format!("`{text}` is not a date (YYYY[-MM[-DD]])"))
    };
    let (y, m, d) = match parts.as_slice() {
        [y] if y.len() == 4 => (num(y)?, 1, 1),
        [y, m] if y.len() == 4 => (num(y)?, num(m)?, 1),
        [y, m, d] if y.len() == 4 => (num(y)?, num(m)?, num(d)?),
        _ => return Err(format!("`{text}` is not a date (YYYY[-MM[-DD]])")),
    };
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| format!("`{text}` is not a valid date"))
}

/// `Option<NaiveDate>` that accepts `YYYY`, `YYYY-MM`, `YYYY-MM-DD` or an empty string.
pub mod opt_date {
    use super::*;

    /// Serializes as `YYYY-MM-DD` (Arrow stores it as date32).
    pub fn serialize<S: serde::Serializer>(v: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_some(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }

    /// Deserializes from any of the accepted forms.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        let v: Option<String> = serde::Deserialize::deserialize(d)?;
        match v.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => parse_date(t).map(Some).map_err(de::Error::custom),
        }
    }
}

/// `Vec<String>` from a sequence or a `;`-separated string (empty string = empty list).
pub mod list {
    use super::*;

    /// Serializes as a sequence.
    pub fn serialize<S: serde::Serializer>(v: &[String], s: S) -> Result<S::Ok, S::Error> {
        serde::Serialize::serialize(v, s)
    }

    pub(super) struct ListVisitor;

    impl<'de> Visitor<'de> for ListVisitor {
        type Value = Vec<String>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of strings or a `;`-separated string")
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Ok(v.split(';')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect())
        }

        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }

        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(ListVisitor)
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(item) = seq.next_element::<String>()? {
                out.push(item);
            }
            Ok(out)
        }
    }

    /// Deserializes from either form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
        d.deserialize_any(ListVisitor)
    }
}

/// `Option<Vec<String>>` for a nullable list column: null (or an empty `;`-separated
/// string in the CSV files) is `None`; a sequence or `A;B` is `Some` (never empty).
pub mod opt_list {
    use super::*;

    /// Serializes `None` as null, `Some` as a sequence.
    pub fn serialize<S: serde::Serializer>(
        v: &Option<Vec<String>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(items) => s.serialize_some(items),
            None => s.serialize_none(),
        }
    }

    /// Deserializes from null, a sequence or a `;`-separated string; an empty list is `None`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<String>>, D::Error> {
        let items = d.deserialize_any(super::list::ListVisitor)?;
        Ok((!items.is_empty()).then_some(items))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_at_every_precision() {
        assert_eq!(
            parse_date("1992").unwrap(),
            NaiveDate::from_ymd_opt(1992, 1, 1).unwrap()
        );
        assert_eq!(
            parse_date("2024-03").unwrap(),
            NaiveDate::from_ymd_opt(2024, 3, 1).unwrap()
        );
        assert_eq!(
            parse_date("2025-09-26").unwrap(),
            NaiveDate::from_ymd_opt(2025, 9, 26).unwrap()
        );
        assert!(parse_date("2025-02-30").is_err());
        assert!(parse_date("92").is_err());
        assert!(parse_date("soon").is_err());
    }

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Links {
        #[serde(with = "opt_list", default)]
        ids: Option<Vec<String>>,
    }

    #[test]
    fn optional_lists_from_csv_text_and_json() {
        let csv_row = |text: &str| -> Links {
            let data = format!("ids\n{text}\n");
            let mut r = csv::Reader::from_reader(data.as_bytes());
            r.deserialize().next().unwrap().unwrap()
        };
        assert_eq!(csv_row("\"\"").ids, None);
        assert_eq!(
            csv_row("RUS; TJK").ids,
            Some(vec!["RUS".to_string(), "TJK".to_string()])
        );
        let json = |text: &str| serde_json::from_str::<Links>(text).unwrap().ids;
        assert_eq!(json(r#"{"ids": null}"#), None);
        assert_eq!(json(r#"{"ids": []}"#), None);
        assert_eq!(json(r#"{"ids": ["YEM"]}"#), Some(vec!["YEM".to_string()]));
        let back = serde_json::to_string(&Links { ids: None }).unwrap();
        assert_eq!(back, r#"{"ids":null}"#);
    }
}
