//! UN Comtrade CSV downloads and tab-separated bulk files into `trade_flows`, in the current
//! layout (`typeCode, freqCode, refYear, refMonth, period, reporterCode, reporterISO,
//! reporterDesc, flowCode, partnerCode, ..., cmdCode, ..., primaryValue, ...`) and the legacy
//! one (`Classification, Year, Period, ..., Trade Flow Code, Trade Flow, Reporter Code, ...,
//! Trade Value (US$), ...`), told apart by the header.
//!
//! - Flows `X`, `M`, `RX`, `RM` (legacy codes 2, 1, 3, 4) become `export`, `import`,
//!   `re_export`, `re_import`; other flow codes (processing flows `MIP`, `MOP`, `XIP`, `XOP`,
//!   `DX`, `FM`, ...) are skipped with reason `other_flow`.
//! - Breakdown rows are filtered to the totals so nothing is double counted: a row whose
//!   customs procedure is not `C00`, whose mode of transport or mode of supply is not `0`, or
//!   whose second partner is not `0` is skipped with reason `breakdown_row`.
//! - Value: `primaryValue` (legacy `Trade Value (US$)`), in USD, FOB for exports and CIF for
//!   imports (Comtrade's definition); when it is empty, `fobvalue` / `cifvalue`. Quantity: the
//!   net weight in kg when given, else `qty` in its unit (`qtyUnitAbbr`; legacy `Qty Unit`).
//! - `is_estimated` is true for rows Comtrade marks as not reported (`isReported` false).
//! - Areas: partner (or reporter) `0` is the World, entity `WLD` (type `world`). Other codes
//!   resolve through the ISO3 column of the file (`reporterISO`/`partnerISO`), then as ISO 3166
//!   numeric codes, both through the store's crosswalk; Comtrade's own codes for France 251,
//!   Italy 381, USA 842, India 699, Switzerland 757 and Norway 579 resolve through the ISO3
//!   column (or, when a file leaves it empty, a fixed table of these six). Comtrade's
//!   pseudo-areas that no crosswalk names (`Other Asia, nes` 490, `Areas, nes` 899, the regional
//!   "nes" codes, `Bunkers`, `Free Zones`, `Special Categories`, the EU 97, Belgium-Luxembourg
//!   58) become entities steppe creates from the file's own code and description: id `X` plus
//!   the code on three digits, type `residual_nes` (or `aggregate` for the EU and
//!   Belgium-Luxembourg), with a crosswalk row of scheme `comtrade`, citing the file. Any other
//!   code is rejected as `unknown_code`.
//! - The delimiter is the header line's: commas (the CSV downloads) or tabs (the bulk `.txt`
//!   files). A gzipped file (`.gz`, `.txt.gz`, or gzip's magic bytes under any name) is read
//!   decompressed; from a `.zip`, its first `.csv` member is read, else its first `.txt` or
//!   `.tsv`.
//! - Text is UTF-8 or Windows-1252; BOM, CRLF, quoted fields, bare empty fields, a trailing
//!   comma on every line, `true`/`false` booleans and `NA` numbers are accepted.
//!
//! Comtrade's licence restricts redistribution: the file's Source is marked not
//! redistributable, and so are the `trade_flows` and `rejects` tables of the store.
mod layout;
mod parse;

use std::io::Read;
use std::path::{Path, PathBuf};

pub use layout::{classification_name, Layout};

use super::csv_reader::{CsvReader, CsvRecord};
use super::trade::{header_names, write_new_areas, Reference, TradeColumns};
use super::trade::{import_each, pipeline};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::model::Derivation;
use crate::schema::Table;
use crate::{Error, Location, Result};
use layout::{detect, sniff_delimiter, Columns};
use parse::Parser;
/// Importer name recorded in the store's import summaries.
pub const IMPORTER: &str = "comtrade";

/// The extensions of the member read from a `.zip`, in order of preference: a CSV download,
/// a tab-separated bulk file.
const MEMBERS: [&str; 3] = [".csv", ".txt", ".tsv"];

/// Bytes read to find the header line (longer headers are not Comtrade's).
const HEAD_BYTES: u64 = 1 << 20;

/// Imports Comtrade files (comma- or tab-separated, plain or gzipped) into the store at `store` (created if missing), one transaction
/// per file.
pub fn import_comtrade(
    files: &[PathBuf],
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    import_each(files, store, |file| import_file(file, store, options))
}

/// Imports one file in its own transaction; `None` when the store already holds it.
fn import_file(
    path: &Path,
    store: &Path,
    options: &ImportOptions,
) -> Result<Option<crate::store::ImportSummary>> {
    let input = InputFile::inspect(path)?;
    let member = member_of(&input)?;
    let (layout, cols, delimiter) = read_layout(&input, &member, options.max_expanded_bytes)?;
    let source = data_source(&input, layout);
    let Some(mut run) = ImportRun::begin(store, IMPORTER, &input, source, options)? else {
        return Ok(None);
    };
    run.transaction()
        .mark_not_redistributable(Table::TradeFlows);
    run.transaction().mark_not_redistributable(Table::Rejects);
    let reference = Reference::of_run(&run)?;
    let parser = Parser::new(cols, layout, reference, run.source_id(), &input).delimiter(delimiter);
    let (reader, decompressed) = input.open_digested(&member, options.max_expanded_bytes)?;
    let columns = TradeColumns::new(Derivation::AsPublished);
    let pipeline = pipeline::spawn(reader, path, parser, columns)?;
    let areas = pipeline.drain(&mut run)?;
    // The same content imported before in another container (`x.txt` for `x.txt.gz`).
    if !run.settle_decompressed(decompressed)? {
        return Ok(None);
    }
    write_new_areas(&mut run, &areas)?;
    Ok(Some(run.finish()?))
}

/// The file's layout, columns and delimiter, from its header (refused before the store is
/// touched).
fn read_layout(
    input: &InputFile,
    member: &str,
    max_expanded: u64,
) -> Result<(Layout, Columns, u8)> {
    let (delimiter, names) = read_header(input, member, max_expanded)?;
    let (layout, cols) = detect(&names).ok_or_else(|| {
        Error::format(
            Location::file(&input.path).row(1),
            unknown_layout(delimiter, &names),
        )
    })?;
    Ok((layout, cols, delimiter))
}

/// The member of a `.zip` to read, as the suffix [`InputFile::open`] takes (its whole name,
/// lower-cased): the first `.csv`, else the first `.txt` or `.tsv` file; an error listing
/// the archive's files when it holds none. Any other input: `""` (not used).
fn member_of(input: &InputFile) -> Result<String> {
    if !input.name.to_ascii_lowercase().ends_with(".zip") {
        return Ok(String::new());
    }
    let error = |message: String| Error::format(Location::file(&input.path), message);
    let file = std::fs::File::open(&input.path).map_err(|e| Error::io(&input.path, e))?;
    let zip = zip::ZipArchive::new(file)
        .map_err(|e| error(format!("not a readable zip archive: {e}")))?;
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok())
        .filter(|n| !n.ends_with('/'))
        .map(|n| n.to_ascii_lowercase())
        .collect();
    MEMBERS
        .iter()
        .find_map(|ext| names.iter().find(|n| n.ends_with(ext)))
        .cloned()
        .ok_or_else(|| {
            error(format!(
                "the archive holds no Comtrade file (`.csv`, or a tab-separated `.txt`/`.tsv`); it holds: {}",
                if names.is_empty() { "nothing".to_string() } else { names.join(", ") }
            ))
        })
}

/// The delimiter of the file's first non-blank line (comma or tab) and that line's names.
fn read_header(input: &InputFile, member: &str, max_expanded: u64) -> Result<(u8, Vec<String>)> {
    input.require_content(member, max_expanded)?;
    let mut head = Vec::new();
    input
        .open(member, max_expanded)?
        .take(HEAD_BYTES)
        .read_to_end(&mut head)
        .map_err(|e| Error::io(&input.path, e))?;
    let line = head
        .split(|b| *b == b'\n')
        .find(|l| !l.trim_ascii().is_empty())
        .unwrap_or(b"");
    let delimiter = sniff_delimiter(line);
    let mut reader = CsvReader::with_delimiter(line, &input.path, delimiter);
    let mut rec = CsvRecord::default();
    if !reader.read(&mut rec)? {
        return Err(crate::import::input::empty_input(&input.path));
    }
    Ok((delimiter, header_names(&rec)))
}

/// The message for a header of neither layout: the delimiter found, the first columns and
/// what was expected.
fn unknown_layout(delimiter: u8, names: &[String]) -> String {
    let shown: Vec<&str> = names.iter().take(8).map(String::as_str).collect();
    let more = if names.len() > shown.len() {
        ", ..."
    } else {
        ""
    };
    let sep = if delimiter == b'\t' { "tab" } else { "comma" };
    format!(
        "not a UN Comtrade file: found a {sep}-separated header of {} columns starting `{}{more}`{}; expected the current layout (typeCode, freqCode, refYear, ..., reporterCode, ..., flowCode, partnerCode, ..., cmdCode, ..., primaryValue) or the legacy one (Classification, Year, Period, ..., Trade Flow Code, ..., Reporter Code, ..., Commodity Code, ..., Trade Value (US$)), comma- or tab-separated",
        names.len(),
        shown.join(","),
        crate::import::csv_reader::delimiter_hint(names),
    )
}

/// The file's Source, not redistributable.
fn data_source(input: &InputFile, layout: Layout) -> crate::model::Source {
    let mut source = input.source(
        IMPORTER,
        &format!("UN Comtrade download {}", input.name),
        None,
        None,
    );
    source.publisher = Some("United Nations Statistics Division".into());
    source.url = Some("https://comtradeplus.un.org/".into());
    source.redistributable = false;
    source.note = Some(format!(
        "input file {} ({:?} layout) imported by steppe comtrade; UN Comtrade's policy on use and re-dissemination restricts redistribution",
        input.name, layout
    ));
    source
}
