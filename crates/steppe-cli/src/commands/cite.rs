//! `steppe cite`.

use steppe::cite::{cite as render, CiteFormat};
use steppe::model::Source;
use steppe::{Error, Result, Store};

use crate::cli::CiteFormatArg;

/// Prints the requested sources in a citation format.
pub fn cite(store: &Store, ids: &[String], format: CiteFormatArg, all: bool) -> Result<i32> {
    let sources: Vec<Source> = store.records()?;
    let chosen: Vec<&Source> = if all {
        sources.iter().collect()
    } else {
        if ids.is_empty() {
            return Err(Error::InvalidArgument(
                "name a SOURCE_ID (or pass --all)".into(),
            ));
        }
        ids.iter()
            .map(|id| {
                sources.iter().find(|s| &s.source_id == id).ok_or_else(|| {
                    Error::InvalidArgument(format!(
                        "no source `{id}` in {} (list them with `steppe query sources`)",
                        store.display_name()
                    ))
                })
            })
            .collect::<Result<_>>()?
    };
    let format = match format {
        CiteFormatArg::Text => CiteFormat::Text,
        CiteFormatArg::Bibtex => CiteFormat::Bibtex,
        CiteFormatArg::CslJson => CiteFormat::CslJson,
    };
    if format == CiteFormat::CslJson {
        let items: Vec<serde_json::Value> = chosen
            .iter()
            .map(|s| steppe::cite::to_csl_json(s))
            .collect();
        println!("{}", serde_json::to_string_pretty(&items)?);
    } else {
        let sep = if format == CiteFormat::Bibtex {
            "\n\n"
        } else {
            "\n"
        };
        let out: Vec<String> = chosen.iter().map(|s| render(s, format)).collect();
        println!("{}", out.join(sep));
    }
    Ok(0)
}
