//! UN Comtrade CSV downloads into `trade_flows`, in the current layout (`typeCode, freqCode,
//! refYear, refMonth, period, reporterCode, reporterISO, reporterDesc, flowCode, partnerCode,
//! ..., cmdCode, ..., primaryValue, ...`) and the legacy one (`Classification, Year, Period,
//! ..., Trade Flow Code, Trade Flow, Reporter Code, ..., Trade Value (US$), ...`), told apart by
//! the header.
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
//! - Text is UTF-8 or Windows-1252; BOM, CRLF, quoted fields, bare empty fields, a trailing
//!   comma on every line, `true`/`false` booleans and `NA` numbers are accepted.
//!
//! Comtrade's licence restricts redistribution: the file's Source is marked not
//! redistributable, and so are the `trade_flows` and `rejects` tables of the store.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;
use std::path::{Path, PathBuf};

use super::csv_reader::{CsvReader, CsvRecord};
use super::trade::pipeline;
use super::trade::{
    amount_field, header_names, is_missing, names_nes, parse_uint, read_header, write_new_areas,
    ChunkStream, Chunks, Dict, Dicts, NewArea, Reference, Refusal, Row, Sink, TradeColumns,
    TradeParser,
};
use super::{ImportOptions, ImportReport, ImportRun, InputFile};
use crate::model::{Derivation, EntityType, Flow, Perspective, PriceBasis, Scheme};
use crate::schema::Table;
use crate::{Error, Location, Result};

/// Importer name recorded in the store's import summaries.
pub const IMPORTER: &str = "comtrade";

/// Which header a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The Comtrade+ / API v1 layout (`typeCode, freqCode, refYear, ...`).
    Current,
    /// The legacy layout (`Classification, Year, Period, ...`).
    Legacy,
}

/// Comtrade reporter codes that differ from ISO numeric, used only when a file gives no ISO3.
const COMTRADE_ONLY: &[(u32, &str)] = &[
    (251, "FRA"),
    (381, "ITA"),
    (579, "NOR"),
    (699, "IND"),
    (757, "CHE"),
    (842, "USA"),
];

/// Comtrade pseudo-areas steppe creates entities for (besides any code whose description says
/// "nes"), with their entity type.
const PSEUDO_AREAS: &[(u32, EntityType)] = &[
    (58, EntityType::Aggregate), // Belgium-Luxembourg (customs union, to 1998)
    (97, EntityType::Aggregate), // EU
    (129, EntityType::ResidualNes), // Caribbean, nes
    (221, EntityType::ResidualNes), // Eastern Europe, nes
    (290, EntityType::ResidualNes), // Northern Africa, nes
    (471, EntityType::ResidualNes), // CACM, nes
    (472, EntityType::ResidualNes), // Africa CAMEU region, nes
    (473, EntityType::ResidualNes), // LAIA, nes
    (490, EntityType::ResidualNes), // Other Asia, nes
    (492, EntityType::ResidualNes), // Europe EU, nes
    (527, EntityType::ResidualNes), // Oceania, nes
    (568, EntityType::ResidualNes), // Other Europe, nes
    (577, EntityType::ResidualNes), // Other Africa, nes
    (636, EntityType::ResidualNes), // Rest of America, nes
    (637, EntityType::ResidualNes), // North America and Central America, nes
    (697, EntityType::ResidualNes), // Europe EFTA, nes
    (837, EntityType::ResidualNes), // Bunkers
    (838, EntityType::ResidualNes), // Free Zones
    (839, EntityType::ResidualNes), // Special Categories
    (879, EntityType::ResidualNes), // Western Asia, nes
    (899, EntityType::ResidualNes), // Areas, nes
];

/// Column positions of the fields the importer reads.
#[derive(Debug, Clone, Default)]
struct Columns {
    n: usize,
    year: Option<usize>,
    period: Option<usize>,
    freq: Option<usize>,
    month: Option<usize>,
    reporter_code: usize,
    reporter_iso: Option<usize>,
    reporter_desc: Option<usize>,
    partner_code: usize,
    partner_iso: Option<usize>,
    partner_desc: Option<usize>,
    partner2_code: Option<usize>,
    flow_code: Option<usize>,
    flow_desc: Option<usize>,
    classification: Option<usize>,
    cmd_code: usize,
    aggr_level: Option<usize>,
    customs: Option<usize>,
    mot: Option<usize>,
    mos: Option<usize>,
    qty_unit: Option<usize>,
    qty: Option<usize>,
    net_wgt: Option<usize>,
    primary: usize,
    cif: Option<usize>,
    fob: Option<usize>,
    is_reported: Option<usize>,
}

/// Detects the layout of a header and locates its columns.
fn detect(names: &[String]) -> Option<(Layout, Columns)> {
    let lower: Vec<String> = names.iter().map(|n| n.to_ascii_lowercase()).collect();
    let find = |options: &[&str]| {
        options
            .iter()
            .find_map(|o| lower.iter().position(|n| n == &o.to_ascii_lowercase()))
    };
    if let (Some(reporter_code), Some(partner_code), Some(flow), Some(cmd_code), Some(primary)) = (
        find(&["reporterCode"]),
        find(&["partnerCode"]),
        find(&["flowCode"]),
        find(&["cmdCode"]),
        find(&["primaryValue"]),
    ) {
        let c = Columns {
            n: names.len(),
            year: find(&["refYear"]),
            period: find(&["period", "refPeriodId"]),
            freq: find(&["freqCode"]),
            month: find(&["refMonth"]),
            reporter_code,
            reporter_iso: find(&["reporterISO"]),
            reporter_desc: find(&["reporterDesc"]),
            partner_code,
            partner_iso: find(&["partnerISO"]),
            partner_desc: find(&["partnerDesc"]),
            partner2_code: find(&["partner2Code"]),
            flow_code: Some(flow),
            flow_desc: find(&["flowDesc"]),
            classification: find(&["classificationCode"]),
            cmd_code,
            aggr_level: find(&["aggrLevel"]),
            customs: find(&["customsCode"]),
            mot: find(&["motCode"]),
            mos: find(&["mosCode"]),
            qty_unit: find(&["qtyUnitAbbr"]),
            qty: find(&["qty"]),
            net_wgt: find(&["netWgt"]),
            primary,
            cif: find(&["cifvalue", "cifValue"]),
            fob: find(&["fobvalue", "fobValue"]),
            is_reported: find(&["isReported"]),
        };
        if c.year.is_some() || c.period.is_some() {
            return Some((Layout::Current, c));
        }
    }
    if let (Some(reporter_code), Some(partner_code), Some(cmd_code), Some(primary)) = (
        find(&["Reporter Code"]),
        find(&["Partner Code"]),
        find(&["Commodity Code"]),
        find(&["Trade Value (US$)"]),
    ) {
        let c = Columns {
            n: names.len(),
            year: find(&["Year"]),
            period: find(&["Period"]),
            freq: None,
            month: None,
            reporter_code,
            reporter_iso: find(&["Reporter ISO"]),
            reporter_desc: find(&["Reporter"]),
            partner_code,
            partner_iso: find(&["Partner ISO"]),
            partner_desc: find(&["Partner"]),
            partner2_code: find(&["2nd Partner Code"]),
            flow_code: find(&["Trade Flow Code"]),
            flow_desc: find(&["Trade Flow"]),
            classification: find(&["Classification"]),
            cmd_code,
            aggr_level: find(&["Aggregate Level"]),
            customs: find(&["Customs Proc. Code"]),
            mot: find(&["Mode of Transport Code"]),
            mos: None,
            qty_unit: find(&["Qty Unit"]),
            qty: find(&["Qty"]),
            net_wgt: find(&["Netweight (kg)"]),
            primary,
            cif: find(&["CIF Trade Value (US$)"]),
            fob: find(&["FOB Trade Value (US$)"]),
            is_reported: None,
        };
        if (c.year.is_some() || c.period.is_some())
            && (c.flow_code.is_some() || c.flow_desc.is_some())
        {
            return Some((Layout::Legacy, c));
        }
    }
    None
}

/// The classification name steppe stores for a Comtrade classification code: `H0`...`H6`
/// become `HS92`, `HS96`, `HS02`, `HS07`, `HS12`, `HS17`, `HS22`; others are kept as given
/// (`HS`, `S4`, `B5`, `EB`...).
pub fn classification_name(code: &str) -> String {
    let c = code.trim().to_ascii_uppercase();
    match c.as_str() {
        "H0" => "HS92",
        "H1" => "HS96",
        "H2" => "HS02",
        "H3" => "HS07",
        "H4" => "HS12",
        "H5" => "HS17",
        "H6" => "HS22",
        _ => return c,
    }
    .to_string()
}

/// Imports Comtrade CSV files into the store at `store` (created if missing), one transaction
/// per file.
pub fn import_comtrade(
    files: &[PathBuf],
    store: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    for file in files {
        match import_file(file, store, options)? {
            Some(summary) => report.files.push(summary),
            None => report.skipped_files.push(
                file.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            ),
        }
    }
    Ok(report)
}

/// Imports one file in its own transaction; `None` when the store already holds it.
fn import_file(
    path: &Path,
    store: &Path,
    options: &ImportOptions,
) -> Result<Option<crate::store::ImportSummary>> {
    let input = InputFile::inspect(path)?;
    let (layout, cols) = read_layout(&input, options.max_expanded_bytes)?;
    let source = data_source(&input, layout);
    let Some(mut run) = ImportRun::begin(store, IMPORTER, &input, source, options)? else {
        return Ok(None);
    };
    run.transaction()
        .mark_not_redistributable(Table::TradeFlows);
    run.transaction().mark_not_redistributable(Table::Rejects);
    let reference = Reference::load(store, run.source_id())?;
    let parser = Parser {
        cols,
        layout,
        reference,
        source_id: run.source_id().to_string(),
        file: input.name.clone(),
        path: input.path.clone(),
        areas: HashMap::new(),
        pending: Vec::new(),
        cache: HashMap::new(),
        seen: HashSet::new(),
        hasher: RandomState::new(),
        hasher2: RandomState::new(),
        commodity: Vec::new(),
    };
    let reader = input.open(".csv", options.max_expanded_bytes)?;
    let columns = TradeColumns::new(Derivation::AsPublished);
    let pipeline = pipeline::spawn(reader, path, parser, columns)?;
    let (reference, areas) = pipeline.drain(&mut run)?;
    write_new_areas(&mut run, &reference, &areas)?;
    Ok(Some(run.finish()?))
}

/// The file's layout and columns, from its header (refused before the store is touched).
fn read_layout(input: &InputFile, max_expanded: u64) -> Result<(Layout, Columns)> {
    let header = read_header(input, ".csv", max_expanded)?;
    let names = header_names(&header);
    detect(&names).ok_or_else(|| {
        Error::format(
            Location::file(&input.path).row(1),
            format!(
                "not a UN Comtrade file: the header is `{}`; expected the current layout (typeCode,freqCode,refYear,...,reporterCode,...,flowCode,partnerCode,...,cmdCode,...,primaryValue) or the legacy one (Classification,Year,Period,...,Trade Flow Code,...,Reporter Code,...,Commodity Code,...,Trade Value (US$))",
                names.join(",")
            ),
        )
    })
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

/// Resolved (code, year) -> [(ISO column, entity key or why not: reason, detail)].
type AreaCache =
    HashMap<(u32, i16), Vec<(String, std::result::Result<i16, (&'static str, String)>)>>;

/// Why a row is not accepted: skipped deliberately, or refused.
enum NotAccepted {
    Skip(&'static str),
    Reject(Refusal),
}

impl From<Refusal> for NotAccepted {
    fn from(r: Refusal) -> Self {
        NotAccepted::Reject(r)
    }
}

/// The Comtrade parser: CSV records (quoted fields, raw lines kept) into rows.
struct Parser {
    cols: Columns,
    layout: Layout,
    reference: Reference,
    source_id: String,
    file: String,
    path: PathBuf,
    /// Areas created and used by accepted rows, by entity key.
    areas: HashMap<i16, NewArea>,
    /// Areas created but not yet used by an accepted row.
    pending: Vec<(i16, NewArea)>,
    /// Resolved (code, year) -> [(iso, result)].
    cache: AreaCache,
    /// 128-bit fingerprints of the flow keys accepted so far (duplicate check).
    seen: HashSet<u128>,
    hasher: RandomState,
    hasher2: RandomState,
    commodity: Vec<u8>,
}

/// An accepted row, before it goes into the batch.
struct RowData {
    year: i16,
    month: Option<i8>,
    reporter: i16,
    partner: i16,
    flow: Flow,
    classification: i16,
    value: Option<f64>,
    precision: Option<f64>,
    quantity: Option<f64>,
    unit: Option<i16>,
    estimated: bool,
}

impl TradeParser for Parser {
    /// The reference (for writing the areas) and the areas accepted rows use.
    type Outcome = (Reference, Vec<NewArea>);

    fn parse(&mut self, input: Chunks, sink: &mut Sink) -> Result<()> {
        let mut stream = input.into_stream();
        let result = self.records(&mut stream, sink);
        result.map_err(|e| stream.take_error().unwrap_or(e))
    }

    fn outcome(self) -> (Reference, Vec<NewArea>) {
        let mut areas: Vec<NewArea> = self.areas.into_values().collect();
        areas.sort_by(|a, b| a.entity.entity_id.cmp(&b.entity.entity_id));
        (self.reference, areas)
    }
}

impl Parser {
    /// Reads every record after the header into `sink`.
    fn records(&mut self, stream: &mut ChunkStream, sink: &mut Sink) -> Result<()> {
        let mut reader = CsvReader::new(stream, &self.path);
        let mut rec = CsvRecord::default();
        let mut consumed = 0;
        let mut header = true;
        while reader.read(&mut rec)? {
            sink.consumed(reader.bytes_read() - consumed);
            consumed = reader.bytes_read();
            if std::mem::take(&mut header) {
                continue;
            }
            match self.accept(&rec, &mut sink.columns.dicts) {
                Ok(r) => sink.accept(&self.row(&r, rec.line()))?,
                Err(NotAccepted::Skip(reason)) => sink.skip(reason)?,
                Err(NotAccepted::Reject(r)) => {
                    sink.refuse(rec.line(), r, rec.raw(), !rec.has_line_end())?
                }
            }
        }
        sink.consumed(reader.bytes_read() - consumed);
        Ok(())
    }

    /// The row of the batch (reporter's view; FOB exports, CIF imports).
    fn row<'a>(&'a self, r: &'a RowData, line: u64) -> Row<'a> {
        Row {
            year: r.year,
            month: r.month,
            reporter: r.reporter,
            partner: r.partner,
            flow: r.flow,
            perspective: Perspective::ReporterDeclared,
            classification: r.classification,
            commodity: &self.commodity,
            value: r.value,
            price_basis: match r.flow {
                Flow::Export | Flow::ReExport => PriceBasis::Fob,
                Flow::Import | Flow::ReImport => PriceBasis::Cif,
            },
            value_precision: r.precision,
            quantity: r.quantity,
            unit: r.unit,
            is_estimated: r.estimated,
            line: line as i64,
        }
    }

    /// Maps a record to a row, or says why it is skipped or refused.
    fn accept(
        &mut self,
        rec: &CsvRecord,
        dicts: &mut Dicts,
    ) -> std::result::Result<RowData, NotAccepted> {
        if rec.is_blank() {
            return Err(NotAccepted::Skip("blank_line"));
        }
        self.check_shape(rec)?;
        let flow = self.flow(rec)?.ok_or(NotAccepted::Skip("other_flow"))?;
        let (year, month) = self.period(rec)?;
        let class_name = self.commodity(rec)?;
        let c = &self.cols;
        let (reporter_cols, partner_cols) = (
            (c.reporter_code, c.reporter_iso, c.reporter_desc),
            (c.partner_code, c.partner_iso, c.partner_desc),
        );
        let reporter = self.area(rec, reporter_cols, year, &mut dicts.entities)?;
        let partner = self.area(rec, partner_cols, year, &mut dicts.entities)?;
        let (value, precision) = self.value(rec, flow)?;
        let (quantity, unit_text) = self.quantity(rec)?;
        let estimated = self.estimated(rec)?;
        let full = |what: &'static str| {
            let detail = format!(
                "the file has more than {} distinct values here",
                super::trade::columns::MAX_VALUES
            );
            (
                Some(column_name(self.layout, what)),
                "too_many_values",
                detail,
            )
        };
        let classification = dicts
            .classifications
            .key(&class_name)
            .ok_or_else(|| full("classification"))?;
        let unit = match unit_text.is_empty() {
            true => None,
            false => Some(
                dicts
                    .units
                    .key(&unit_text)
                    .ok_or_else(|| full("qty_unit"))?,
            ),
        };
        let names = (
            dicts.entities.value(reporter),
            dicts.entities.value(partner),
        );
        self.first_of(year, month, (reporter, partner), names, flow, &class_name)?;
        for k in [reporter, partner] {
            if let Some(a) = self.pending_area(k) {
                self.areas.entry(k).or_insert(a);
            }
        }
        Ok(RowData {
            year,
            month,
            reporter,
            partner,
            flow,
            classification,
            value,
            precision,
            quantity,
            unit,
            estimated,
        })
    }

    /// Refuses a wrong number of fields; skips breakdown rows (only totals are kept).
    fn check_shape(&self, rec: &CsvRecord) -> std::result::Result<(), NotAccepted> {
        let c = &self.cols;
        let n = rec.len();
        // A trailing comma gives every row one more (empty) field than the header names.
        let trailing_comma = n == c.n + 1 && rec.field(c.n).is_empty();
        if n != c.n && !trailing_comma {
            let detail = format!("{n} fields; the header names {}", c.n);
            return Err(NotAccepted::Reject((None, "wrong_column_count", detail)));
        }
        let get = |i: Option<usize>| i.map(|i| rec.field(i)).unwrap_or(b"");
        let customs = get(c.customs);
        if !customs.is_empty() && !customs.eq_ignore_ascii_case(b"C00") {
            return Err(NotAccepted::Skip("breakdown_row"));
        }
        for i in [c.mot, c.mos, c.partner2_code] {
            let v = get(i);
            if !v.is_empty() && !is_missing(v) && parse_uint(v) != Some(0) {
                return Err(NotAccepted::Skip("breakdown_row"));
            }
        }
        Ok(())
    }

    /// Fills `self.commodity` with the commodity code (HS codes' lost leading zeros restored)
    /// and returns the classification name.
    fn commodity(&mut self, rec: &CsvRecord) -> std::result::Result<String, Refusal> {
        let c = &self.cols;
        let class_text = rec.text(c.classification.unwrap_or(usize::MAX));
        let class_name = if class_text.is_empty() {
            "HS".to_string()
        } else {
            classification_name(&class_text)
        };
        let is_hs = class_name.starts_with("HS");
        let cmd = rec.field(c.cmd_code);
        if cmd.is_empty() || cmd.len() > 32 || !cmd.iter().all(|b| b.is_ascii_alphanumeric()) {
            return Err((
                Some(column_name(self.layout, "cmd")),
                "malformed_code",
                format!("`{}` is not a commodity code", String::from_utf8_lossy(cmd)),
            ));
        }
        self.commodity.clear();
        if cmd.eq_ignore_ascii_case(b"TOTAL") {
            self.commodity.extend_from_slice(b"TOTAL");
        } else if is_hs && cmd.iter().all(|b| b.is_ascii_digit()) {
            // Restore leading zeros lost by spreadsheet tools: to the aggregation level when
            // the file gives it, else to an even length (HS codes have 2, 4 or 6 digits).
            let level = c.aggr_level.map(|i| rec.field(i)).unwrap_or(b"");
            let want = parse_uint(level)
                .map(|l| l as usize)
                .filter(|l| (2..=12).contains(l) && *l > cmd.len())
                .unwrap_or(cmd.len() + cmd.len() % 2);
            self.commodity.resize(want.saturating_sub(cmd.len()), b'0');
            self.commodity.extend_from_slice(cmd);
        } else {
            self.commodity.extend_from_slice(cmd);
        }
        Ok(class_name)
    }

    /// The value in USD: `primaryValue`, else the FOB (exports) or CIF (imports) value.
    fn value(
        &self,
        rec: &CsvRecord,
        flow: Flow,
    ) -> std::result::Result<(Option<f64>, Option<f64>), Refusal> {
        let c = &self.cols;
        let value_col = column_name(self.layout, "value");
        let mut found = amount_field(rec.field(c.primary), 0, value_col, "trade value")?;
        if found.is_none() {
            let alt = match flow {
                Flow::Export | Flow::ReExport => c.fob,
                Flow::Import | Flow::ReImport => c.cif,
            };
            if let Some(i) = alt {
                found = amount_field(rec.field(i), 0, value_col, "trade value")?;
            }
        }
        Ok(found.map_or((None, None), |(v, p)| (Some(v), p)))
    }

    /// The quantity and its unit: the net weight in kg when given, else `qty` in its unit.
    fn quantity(&self, rec: &CsvRecord) -> std::result::Result<(Option<f64>, String), Refusal> {
        let c = &self.cols;
        if let Some(i) = c.net_wgt {
            let field = column_name(self.layout, "netwgt");
            if let Some((kg, _)) = amount_field(rec.field(i), 0, field, "net weight")? {
                return Ok((Some(kg), "kg".into()));
            }
        }
        let Some(i) = c.qty else {
            return Ok((None, String::new()));
        };
        let unit = c
            .qty_unit
            .map(|u| rec.text(u).into_owned())
            .unwrap_or_default();
        let no_unit = unit.is_empty()
            || is_missing(unit.as_bytes())
            || unit.eq_ignore_ascii_case("No Quantity")
            || unit == "-1";
        let field = column_name(self.layout, "qty");
        match amount_field(rec.field(i), 0, field, "quantity")? {
            Some((q, _)) if !no_unit => Ok((Some(q), unit)),
            _ => Ok((None, String::new())),
        }
    }

    /// Whether Comtrade marks the row as not reported (`isReported` false).
    fn estimated(&self, rec: &CsvRecord) -> std::result::Result<bool, Refusal> {
        match self.cols.is_reported.map(|i| rec.field(i)) {
            None | Some([]) => Ok(false),
            Some(v) => parse_bool(v).map(|reported| !reported).ok_or_else(|| {
                let detail = format!("`{}` is not true or false", String::from_utf8_lossy(v));
                (Some("isReported"), "malformed_boolean", detail)
            }),
        }
    }

    /// Refuses a second row for the same flow key (the first is kept).
    fn first_of(
        &mut self,
        year: i16,
        month: Option<i8>,
        (reporter, partner): (i16, i16),
        (reporter_id, partner_id): (&str, &str),
        flow: Flow,
        class_name: &str,
    ) -> std::result::Result<(), Refusal> {
        let key = (
            year,
            month,
            reporter,
            partner,
            flow,
            class_name,
            &self.commodity[..],
        );
        let fp = ((self.hasher.hash_one(key) as u128) << 64) | self.hasher2.hash_one(key) as u128;
        if self.seen.insert(fp) {
            return Ok(());
        }
        Err((
            None,
            "duplicate",
            format!(
                "a second row for {year}{}, {reporter_id} {flow} {partner_id}, {class_name} {} (the first is kept)",
                month.map(|m| format!("-{m:02}")).unwrap_or_default(),
                String::from_utf8_lossy(&self.commodity)
            ),
        ))
    }

    fn flow(&self, rec: &CsvRecord) -> std::result::Result<Option<Flow>, Refusal> {
        let c = &self.cols;
        let code = c.flow_code.map(|i| rec.text(i)).unwrap_or_default();
        let desc = c.flow_desc.map(|i| rec.text(i)).unwrap_or_default();
        let by_code = match (self.layout, code.to_ascii_uppercase().as_str()) {
            (_, "") => None,
            (Layout::Current, "X") | (Layout::Legacy, "2") => Some(Some(Flow::Export)),
            (Layout::Current, "M") | (Layout::Legacy, "1") => Some(Some(Flow::Import)),
            (Layout::Current, "RX") | (Layout::Legacy, "3") => Some(Some(Flow::ReExport)),
            (Layout::Current, "RM") | (Layout::Legacy, "4") => Some(Some(Flow::ReImport)),
            (Layout::Current, _) => Some(None),
            (Layout::Legacy, _) => None,
        };
        if let Some(f) = by_code {
            return Ok(f);
        }
        let d = desc.to_ascii_lowercase().replace(['-', ' '], "");
        match d.trim_end_matches('s') {
            "export" => Ok(Some(Flow::Export)),
            "import" => Ok(Some(Flow::Import)),
            "reexport" => Ok(Some(Flow::ReExport)),
            "reimport" => Ok(Some(Flow::ReImport)),
            "" => Err((
                Some(column_name(self.layout, "flow")),
                "malformed_code",
                "the flow is missing".into(),
            )),
            _ => Ok(None),
        }
    }

    fn period(&self, rec: &CsvRecord) -> std::result::Result<(i16, Option<i8>), Refusal> {
        let c = &self.cols;
        let period = c.period.map(|i| rec.field(i)).unwrap_or(b"");
        let period_num = parse_uint(period);
        let year_field = c.year.map(|i| rec.field(i));
        let year = match year_field.and_then(parse_uint) {
            Some(y) => Some(y),
            None => period_num.map(|p| if p >= 100_000 { p / 100 } else { p }),
        };
        let year = match year {
            Some(y) if (1800..=2100).contains(&y) => y as i16,
            _ => {
                let shown = year_field.unwrap_or(period);
                return Err((
                    Some(column_name(self.layout, "year")),
                    "bad_year",
                    format!("`{}` is not a year", String::from_utf8_lossy(shown)),
                ));
            }
        };
        let freq = c.freq.map(|i| rec.field(i)).unwrap_or(b"");
        let monthly = if freq.is_empty() {
            period_num.is_some_and(|p| p >= 100_000)
        } else {
            freq.eq_ignore_ascii_case(b"M")
        };
        if !monthly {
            return Ok((year, None));
        }
        let month = c
            .month
            .map(|i| rec.field(i))
            .and_then(parse_uint)
            .or_else(|| period_num.filter(|p| *p >= 100_000).map(|p| p % 100));
        match month {
            Some(m) if (1..=12).contains(&m) => Ok((year, Some(m as i8))),
            _ => Err((
                Some(column_name(self.layout, "period")),
                "bad_year",
                format!(
                    "a monthly row without a month 1-12 (period `{}`)",
                    String::from_utf8_lossy(period)
                ),
            )),
        }
    }

    /// The entity key of an area, creating the area's entity for Comtrade pseudo-areas.
    fn area(
        &mut self,
        rec: &CsvRecord,
        (code_col, iso_col, desc_col): (usize, Option<usize>, Option<usize>),
        year: i16,
        entities: &mut Dict,
    ) -> std::result::Result<i16, Refusal> {
        let field = if code_col == self.cols.reporter_code {
            column_name(self.layout, "reporter")
        } else {
            column_name(self.layout, "partner")
        };
        let raw = rec.field(code_col);
        let Some(code) = parse_uint(raw) else {
            return Err((
                Some(field),
                "malformed_number",
                format!("`{}` is not an area code", String::from_utf8_lossy(raw)),
            ));
        };
        let iso = iso_col
            .map(|i| rec.text(i).to_ascii_uppercase())
            .unwrap_or_default();
        if let Some(list) = self.cache.get(&(code, year)) {
            if let Some((_, r)) = list.iter().find(|(i, _)| *i == iso) {
                return r.clone().map_err(|(reason, d)| (Some(field), reason, d));
            }
        }
        let desc = desc_col.map(|i| rec.text(i)).unwrap_or_default();
        let result = self.resolve(code, (&iso, &desc), year, rec.line(), entities);
        self.cache
            .entry((code, year))
            .or_default()
            .push((iso, result.clone()));
        result.map_err(|(reason, d)| (Some(field), reason, d))
    }

    /// The entity key of area `code` (with its ISO3 and description columns) in `year`, or
    /// why not (reason, detail).
    fn resolve(
        &mut self,
        code: u32,
        (iso, desc): (&str, &str),
        year: i16,
        line: u64,
        entities: &mut Dict,
    ) -> std::result::Result<i16, (&'static str, String)> {
        let full = || {
            let detail = format!(
                "Comtrade code {code}: the file names more than {} distinct areas",
                super::trade::columns::MAX_VALUES
            );
            ("too_many_areas", detail)
        };
        let y = year as i32;
        let r = &self.reference;
        let found = if code == 0 {
            None
        } else {
            r.by_iso3(iso, y)
                .or_else(|| r.by_iso_num(code, y))
                .or_else(|| {
                    if !iso.is_empty() && !is_missing(iso.as_bytes()) {
                        return None;
                    }
                    COMTRADE_ONLY
                        .iter()
                        .find(|(c, _)| *c == code)
                        .and_then(|(_, iso3)| r.by_iso3(iso3, y))
                })
        };
        if let Some(id) = found {
            return entities.key(&id).ok_or_else(full);
        }
        let entity_type = if code == 0 {
            Some(EntityType::World)
        } else {
            PSEUDO_AREAS
                .iter()
                .find(|(c, _)| *c == code)
                .map(|(_, t)| *t)
                .or_else(|| names_nes(desc).then_some(EntityType::ResidualNes))
        };
        let Some(entity_type) = entity_type else {
            return Err(("unknown_code", format!(
                "Comtrade code {code} ({}{}) names no entity: not an ISO3 of the crosswalk, not an ISO 3166 numeric code, not a Comtrade pseudo-area",
                if desc.is_empty() { "no description" } else { desc },
                if iso.is_empty() { String::new() } else { format!(", ISO {iso}") }
            )));
        };
        let name = if code == 0 && desc.is_empty() {
            "World"
        } else {
            desc
        };
        let area = NewArea::new(
            code,
            Scheme::Comtrade,
            name,
            entity_type,
            &self.source_id,
            format!("{} line {line}", self.file),
        );
        let key = entities.key(&area.entity.entity_id).ok_or_else(full)?;
        self.pending.push((key, area));
        Ok(key)
    }

    fn pending_area(&mut self, key: i16) -> Option<NewArea> {
        let i = self.pending.iter().position(|(k, _)| *k == key)?;
        Some(self.pending.swap_remove(i).1)
    }
}

/// A boolean as Comtrade writes it.
fn parse_bool(v: &[u8]) -> Option<bool> {
    if v.eq_ignore_ascii_case(b"true") || v == b"1" {
        Some(true)
    } else if v.eq_ignore_ascii_case(b"false") || v == b"0" {
        Some(false)
    } else {
        None
    }
}

/// The header name of a logical field in a layout (for reject records).
fn column_name(layout: Layout, what: &str) -> &'static str {
    match (layout, what) {
        (Layout::Current, "cmd") => "cmdCode",
        (Layout::Legacy, "cmd") => "Commodity Code",
        (Layout::Current, "value") => "primaryValue",
        (Layout::Legacy, "value") => "Trade Value (US$)",
        (Layout::Current, "netwgt") => "netWgt",
        (Layout::Legacy, "netwgt") => "Netweight (kg)",
        (Layout::Current, "qty") => "qty",
        (Layout::Legacy, "qty") => "Qty",
        (Layout::Current, "flow") => "flowCode",
        (Layout::Legacy, "flow") => "Trade Flow Code",
        (Layout::Current, "year") => "refYear",
        (Layout::Legacy, "year") => "Year",
        (Layout::Current, "period") => "period",
        (Layout::Legacy, "period") => "Period",
        (Layout::Current, "reporter") => "reporterCode",
        (Layout::Legacy, "reporter") => "Reporter Code",
        (Layout::Current, "partner") => "partnerCode",
        (Layout::Current, "classification") => "classificationCode",
        (Layout::Legacy, "classification") => "Classification",
        (Layout::Current, "qty_unit") => "qtyUnitAbbr",
        (Layout::Legacy, "qty_unit") => "Qty Unit",
        (Layout::Legacy, "partner") => "Partner Code",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifications() {
        assert_eq!(classification_name("H0"), "HS92");
        assert_eq!(classification_name("h6"), "HS22");
        assert_eq!(classification_name("HS"), "HS");
        assert_eq!(classification_name("S4"), "S4");
    }

    #[test]
    fn layouts_are_told_apart() {
        let cur: Vec<String> = "typeCode,freqCode,refYear,refMonth,period,reporterCode,reporterISO,reporterDesc,flowCode,partnerCode,partnerISO,partnerDesc,partner2Code,classificationCode,cmdCode,customsCode,motCode,qty,netWgt,primaryValue"
            .split(',').map(String::from).collect();
        assert_eq!(detect(&cur).unwrap().0, Layout::Current);
        let leg: Vec<String> = "Classification,Year,Period,Period Desc.,Aggregate Level,Is Leaf Code,Trade Flow Code,Trade Flow,Reporter Code,Reporter,Reporter ISO,Partner Code,Partner,Partner ISO,Commodity Code,Commodity,Trade Value (US$)"
            .split(',').map(String::from).collect();
        assert_eq!(detect(&leg).unwrap().0, Layout::Legacy);
        let baci: Vec<String> = "t,i,j,k,v,q".split(',').map(String::from).collect();
        assert!(detect(&baci).is_none());
    }
}
