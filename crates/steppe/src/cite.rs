//! Citation export: a source as plain text, BibTeX or CSL-JSON, holding exactly the
//! bibliographic fields the record has (nothing is invented to fill a style). steppe's own
//! bookkeeping (the curation `note`, licence, checksum, size, `cited_by`) is never exported.

use crate::model::{DatePrecision, Source};

/// Output formats of [`cite`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiteFormat {
    /// One line of text, author-date style.
    Text,
    /// A BibTeX entry.
    Bibtex,
    /// A CSL-JSON item.
    CslJson,
}

impl std::str::FromStr for CiteFormat {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s {
            "text" => Ok(CiteFormat::Text),
            "bibtex" => Ok(CiteFormat::Bibtex),
            "csl-json" | "csl_json" | "csl" => Ok(CiteFormat::CslJson),
            other => Err(crate::Error::InvalidArgument(format!(
                "unknown citation format `{other}`; use text, bibtex or csl-json"
            ))),
        }
    }
}

/// Renders a source in a format.
pub fn cite(source: &Source, format: CiteFormat) -> String {
    match format {
        CiteFormat::Text => to_text(source),
        CiteFormat::Bibtex => to_bibtex(source),
        CiteFormat::CslJson => serde_json::to_string_pretty(&to_csl_json(source)).expect("json"),
    }
}

fn issued_text(s: &Source) -> Option<String> {
    let d = s.issued?;
    Some(match s.issued_precision.unwrap_or(DatePrecision::Day) {
        DatePrecision::Year => d.format("%Y").to_string(),
        DatePrecision::Month => d.format("%Y-%m").to_string(),
        _ => d.format("%Y-%m-%d").to_string(),
    })
}

/// Author-date text: `Dyer, Theo (2025-09-26). Title. Container. Publisher. p. 91. URL`.
/// Without authors (an imported file's Source), the publisher is the author (`CEPII (n.d.).
/// CEPII BACI HS92 2021 (V202501). V202501.`); without either, the source id.
pub fn to_text(s: &Source) -> String {
    let authors: Vec<String> = s.authors.iter().map(|a| a.display_name()).collect();
    let publisher_is_author = authors.is_empty() && s.publisher.is_some();
    let mut out = match (&s.publisher, authors.is_empty()) {
        (_, false) => authors.join("; "),
        (Some(p), true) => p.clone(),
        (None, true) => s.source_id.clone(),
    };
    out.push_str(&format!(
        " ({})",
        issued_text(s).unwrap_or_else(|| "n.d.".into())
    ));
    let publisher = if publisher_is_author {
        &None
    } else {
        &s.publisher
    };
    for part in [&s.title, &s.container_title, publisher, &s.version]
        .into_iter()
        .flatten()
    {
        out.push_str(&format!(". {part}"));
    }
    if let Some(p) = &s.page {
        out.push_str(&format!(", p. {p}"));
    }
    if let Some(u) = &s.url {
        out.push_str(&format!(". {u}"));
    }
    out.push('.');
    out
}

/// `v` with the characters special to (La)TeX escaped: `\\ { } & % $ # _ ~ ^`.
fn bib_escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\textbackslash{}"),
            '~' => out.push_str("\\textasciitilde{}"),
            '^' => out.push_str("\\textasciicircum{}"),
            '{' | '}' | '&' | '%' | '$' | '#' | '_' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// The BibTeX month macro (`jan` ... `dec`) of a month number 1-12.
fn bib_month(month: u32) -> &'static str {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    MONTHS[(month as usize + 11) % 12]
}

/// A BibTeX entry keyed by the source id: braced values, except `year` and `month`, which
/// are bare (`year = 2025`, `month = sep`: the standard month macros). Text fields are
/// escaped for TeX (`_` is `\_`); without authors, the publisher is the (institutional)
/// author, `author = {{CEPII}}`.
pub fn to_bibtex(s: &Source) -> String {
    use chrono::Datelike;
    let kind = match s.csl_type.as_str() {
        "article-journal" => "article",
        "book" => "book",
        "chapter" => "incollection",
        "report" => "techreport",
        _ => "misc",
    };
    let braced = |v: String| format!("{{{v}}}");
    let mut fields: Vec<(&str, String)> = Vec::new();
    let authors: Vec<String> = s
        .authors
        .iter()
        .map(|a| match (&a.family, &a.given, &a.literal) {
            (Some(f), Some(g), _) => format!("{}, {}", bib_escape(f), bib_escape(g)),
            (Some(f), None, _) => bib_escape(f),
            (None, _, Some(l)) => format!("{{{}}}", bib_escape(l)),
            (None, Some(g), None) => bib_escape(g),
            (None, None, None) => String::new(),
        })
        .collect();
    if !authors.is_empty() {
        fields.push(("author", braced(authors.join(" and "))));
    } else if let Some(p) = &s.publisher {
        fields.push(("author", braced(format!("{{{}}}", bib_escape(p)))));
    }
    if let Some(t) = &s.title {
        fields.push(("title", braced(bib_escape(t))));
    }
    if let Some(c) = &s.container_title {
        let key = if kind == "article" {
            "journal"
        } else {
            "howpublished"
        };
        fields.push((key, braced(bib_escape(c))));
    }
    if let Some(p) = &s.publisher {
        fields.push(("publisher", braced(bib_escape(p))));
    }
    if let Some(d) = s.issued {
        fields.push(("year", d.year().to_string()));
        if matches!(
            s.issued_precision,
            Some(DatePrecision::Month) | Some(DatePrecision::Day) | None
        ) {
            fields.push(("month", bib_month(d.month()).to_string()));
        }
    }
    if let Some(p) = &s.page {
        fields.push(("pages", braced(p.clone())));
    }
    if let Some(v) = &s.version {
        fields.push(("version", braced(bib_escape(v))));
    }
    if let Some(u) = &s.url {
        fields.push(("url", braced(u.clone())));
    }
    if let Some(d) = &s.doi {
        fields.push(("doi", braced(d.clone())));
    }
    let body: Vec<String> = fields.iter().map(|(k, v)| format!("  {k} = {v}")).collect();
    format!("@{kind}{{{},\n{}\n}}", s.source_id, body.join(",\n"))
}

/// A CSL-JSON item: `id`, `type`, the bibliographic variables the record holds, `author`
/// (`family`/`given`/`literal`), `issued` (date-parts at the record's precision), `accessed`.
pub fn to_csl_json(s: &Source) -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut m = Map::new();
    m.insert("id".into(), json!(s.source_id));
    m.insert("type".into(), json!(s.csl_type));
    let mut put = |k: &str, v: &Option<String>| {
        if let Some(v) = v {
            m.insert(k.into(), json!(v));
        }
    };
    put("title", &s.title);
    put("container-title", &s.container_title);
    put("publisher", &s.publisher);
    put("URL", &s.url);
    put("DOI", &s.doi);
    put("version", &s.version);
    put("page", &s.page);
    if !s.authors.is_empty() {
        let authors: Vec<Value> = s
            .authors
            .iter()
            .map(|a| {
                let mut o = Map::new();
                if let Some(f) = &a.family {
                    o.insert("family".into(), json!(f));
                }
                if let Some(g) = &a.given {
                    o.insert("given".into(), json!(g));
                }
                if let Some(l) = &a.literal {
                    o.insert("literal".into(), json!(l));
                }
                Value::Object(o)
            })
            .collect();
        m.insert("author".into(), Value::Array(authors));
    }
    let parts = |d: chrono::NaiveDate, p: Option<DatePrecision>| -> Value {
        use chrono::Datelike;
        match p.unwrap_or(DatePrecision::Day) {
            DatePrecision::Year => json!([[d.year()]]),
            DatePrecision::Month => json!([[d.year(), d.month()]]),
            _ => json!([[d.year(), d.month(), d.day()]]),
        }
    };
    if let Some(d) = s.issued {
        m.insert(
            "issued".into(),
            json!({ "date-parts": parts(d, s.issued_precision) }),
        );
    }
    if let Some(d) = s.accessed {
        m.insert(
            "accessed".into(),
            json!({ "date-parts": parts(d, Some(DatePrecision::Day)) }),
        );
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Author;

    fn article() -> Source {
        Source {
            source_id: "dyer-2025".into(),
            csl_type: "article".into(),
            title: Some("Tajikistan: Between the Bear & the Dragon".into()),
            container_title: None,
            publisher: None,
            authors: vec![Author {
                family: Some("Dyer".into()),
                given: Some("Theo".into()),
                literal: None,
            }],
            issued: chrono::NaiveDate::from_ymd_opt(2025, 9, 26),
            issued_precision: Some(DatePrecision::Day),
            accessed: None,
            url: None,
            doi: None,
            version: None,
            page: None,
            license: None,
            redistributable: true,
            cited_by: None,
            content_sha256: None,
            byte_size: None,
            note: None,
        }
    }

    #[test]
    fn formats_hold_only_known_fields() {
        let s = article();
        assert_eq!(
            to_text(&s),
            "Dyer, Theo (2025-09-26). Tajikistan: Between the Bear & the Dragon."
        );
        let bib = to_bibtex(&s);
        assert!(bib.starts_with("@misc{dyer-2025,"), "{bib}");
        assert!(bib.contains("title = {Tajikistan: Between the Bear \\& the Dragon}"));
        assert!(!bib.contains("url"));
        assert_eq!(
            bib,
            "@misc{dyer-2025,\n  author = {Dyer, Theo},\n  \
             title = {Tajikistan: Between the Bear \\& the Dragon},\n  \
             year = 2025,\n  month = sep\n}"
        );
        let csl = to_csl_json(&s);
        assert_eq!(
            csl["issued"]["date-parts"],
            serde_json::json!([[2025, 9, 26]])
        );
        assert_eq!(csl["author"][0]["family"], "Dyer");
        assert!(csl.get("URL").is_none());
    }

    /// An importer's Source: no authors, a publisher, a title with `_`.
    #[test]
    fn an_imported_file_is_cited_by_its_publisher_and_bibtex_is_escaped() {
        let mut s = article();
        s.source_id = "baci-4f2d8b4eec38b56c".into();
        s.authors = Vec::new();
        s.issued = None;
        s.issued_precision = None;
        s.publisher = Some("CEPII".into());
        s.title = Some("CEPII BACI HS92 2021 (BACI_HS92_Y2021_V202501.csv) 50% ~ #1 $ ^ \\".into());
        s.version = Some("V202501".into());
        assert_eq!(
            to_text(&s),
            "CEPII (n.d.). CEPII BACI HS92 2021 (BACI_HS92_Y2021_V202501.csv) 50% ~ #1 $ ^ \\. V202501."
        );
        let bib = to_bibtex(&s);
        assert_eq!(
            bib,
            "@misc{baci-4f2d8b4eec38b56c,\n  author = {{CEPII}},\n  \
             title = {CEPII BACI HS92 2021 (BACI\\_HS92\\_Y2021\\_V202501.csv) 50\\% \\textasciitilde{} \\#1 \\$ \\textasciicircum{} \\textbackslash{}},\n  \
             publisher = {CEPII},\n  version = {V202501}\n}"
        );
        s.publisher = None;
        assert!(to_text(&s).starts_with("baci-4f2d8b4eec38b56c (n.d.). "));
        assert!(!to_bibtex(&s).contains("author"));
    }

    #[test]
    fn year_precision_is_kept() {
        let mut s = article();
        s.issued_precision = Some(DatePrecision::Year);
        s.title = None;
        s.page = Some("91".into());
        assert_eq!(to_text(&s), "Dyer, Theo (2025), p. 91.");
        assert_eq!(
            to_csl_json(&s)["issued"]["date-parts"],
            serde_json::json!([[2025]])
        );
        let bib = to_bibtex(&s);
        assert!(
            bib.contains("year = 2025") && !bib.contains("month"),
            "{bib}"
        );
    }

    #[test]
    fn bibtex_months_are_the_standard_macros() {
        let mut s = article();
        s.issued_precision = Some(DatePrecision::Month);
        for (month, name) in [(1, "jan"), (5, "may"), (9, "sep"), (12, "dec")] {
            s.issued = chrono::NaiveDate::from_ymd_opt(2024, month, 1);
            let bib = to_bibtex(&s);
            assert!(bib.contains(&format!("  month = {name}\n")), "{bib}");
        }
    }

    #[test]
    fn steppe_bookkeeping_is_not_exported() {
        let mut s = article();
        s.note = Some("Text supplied as shared/seed/x.txt; licence unknown".into());
        s.license = Some("CC-BY-4.0".into());
        s.cited_by = Some("other-2020".into());
        s.content_sha256 = Some("39c5255e".into());
        s.byte_size = Some(10);
        s.redistributable = false;
        let bib = to_bibtex(&s);
        for hidden in ["note", "shared/seed", "CC-BY", "other-2020", "39c5255e"] {
            assert!(!bib.contains(hidden), "{hidden} in {bib}");
        }
        let csl = to_csl_json(&s);
        let mut keys: Vec<&str> = csl
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["author", "id", "issued", "title", "type"]);
        assert!(!to_text(&s).contains("shared/seed"));
    }
}
