//! The Comtrade parser: CSV records (quoted fields, raw lines kept, read with the shared
//! reader) into `trade_flows` rows, skips and rejects; areas resolved through the reference or
//! created for Comtrade's pseudo-areas.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::BuildHasher;

use super::layout::{classification_name, column_name, Columns, Layout};
use crate::import::csv_reader::{CsvReader, CsvRecord};
use crate::import::trade::columns::MAX_VALUES;
use crate::import::trade::{
    amount_field, is_missing, names_nes, parse_uint, ChunkStream, Chunks, Dict, Dicts, NewArea,
    Reference, Refusal, Row, Sink, TradeParser,
};
use crate::import::InputFile;
use crate::model::{EntityType, Flow, Perspective, PriceBasis, Scheme};
use crate::Result;

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

/// Resolved (code, year, ISO column) -> entity key or why not (reason, detail).
type AreaCache = HashMap<(u32, i16, String), std::result::Result<i16, (&'static str, String)>>;

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
pub(super) struct Parser {
    cols: Columns,
    layout: Layout,
    reference: Reference,
    source_id: String,
    input: InputFile,
    /// Areas created (the first for each entity key), and the keys accepted rows use.
    created: HashMap<i16, NewArea>,
    used: HashSet<i16>,
    cache: AreaCache,
    /// 128-bit fingerprints of the flow keys accepted so far (duplicate check).
    seen: HashSet<u128>,
    hasher: RandomState,
    hasher2: RandomState,
    commodity: Vec<u8>,
    /// The field delimiter (`,` or a tab).
    delimiter: u8,
}

impl Parser {
    /// A parser of a file of `layout` with columns `cols`, resolving areas against
    /// `reference`; areas it creates cite `source_id`.
    pub(super) fn new(
        cols: Columns,
        layout: Layout,
        reference: Reference,
        source_id: &str,
        input: &InputFile,
    ) -> Parser {
        Parser {
            cols,
            layout,
            reference,
            source_id: source_id.to_string(),
            input: input.clone(),
            created: HashMap::new(),
            used: HashSet::new(),
            cache: HashMap::new(),
            seen: HashSet::new(),
            hasher: RandomState::new(),
            hasher2: RandomState::new(),
            commodity: Vec::new(),
            delimiter: b',',
        }
    }

    /// The parser reading fields separated by `delimiter`.
    pub(super) fn delimiter(mut self, delimiter: u8) -> Parser {
        self.delimiter = delimiter;
        self
    }
}

impl TradeParser for Parser {
    /// The areas accepted rows use.
    type Outcome = Vec<NewArea>;

    fn parse(&mut self, input: Chunks, sink: &mut Sink) -> Result<()> {
        let mut stream = input.into_stream();
        let result = self.records(&mut stream, sink);
        result.map_err(|e| stream.take_error().unwrap_or(e))
    }

    fn outcome(self) -> Vec<NewArea> {
        let (mut created, used) = (self.created, self.used);
        created.retain(|k, _| used.contains(k));
        let mut areas: Vec<NewArea> = created.into_values().collect();
        areas.sort_by(|a, b| a.entity.entity_id.cmp(&b.entity.entity_id));
        areas
    }
}

impl Parser {
    /// Reads every record after the header into `sink`.
    fn records(&mut self, stream: &mut ChunkStream, sink: &mut Sink) -> Result<()> {
        let mut reader = CsvReader::with_delimiter(stream, &self.input.path, self.delimiter);
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
                Ok(row) => {
                    sink.columns.push(&row);
                    sink.accepted()?
                }
                Err(NotAccepted::Skip(reason)) => sink.skip(reason)?,
                Err(NotAccepted::Reject(r)) => {
                    sink.refuse(rec.line(), r, rec.raw(), !rec.has_line_end())?
                }
            }
        }
        sink.consumed(reader.bytes_read() - consumed);
        Ok(())
    }

    /// Maps a record to a row, or says why it is skipped or refused.
    fn accept(
        &mut self,
        rec: &CsvRecord,
        dicts: &mut Dicts,
    ) -> std::result::Result<Row<'_>, NotAccepted> {
        if rec.is_blank() {
            return Err(NotAccepted::Skip("blank_line"));
        }
        self.check_shape(rec)?;
        let flow = self.flow(rec)?.ok_or(NotAccepted::Skip("other_flow"))?;
        let (year, month) = self.period(rec)?;
        let class_name = self.commodity(rec)?;
        let reporter = self.area(rec, "reporter", year, &mut dicts.entities)?;
        let partner = self.area(rec, "partner", year, &mut dicts.entities)?;
        let (value, precision) = self.value(rec, flow)?;
        let (quantity, unit_text) = self.quantity(rec)?;
        let estimated = self.estimated(rec)?;
        let layout = self.layout;
        let key = |dict: &mut Dict, value: &str, what| {
            dict.key(value).ok_or_else(|| {
                let detail = format!("the file has more than {MAX_VALUES} distinct values here");
                (Some(column_name(layout, what)), "too_many_values", detail)
            })
        };
        let classification = key(&mut dicts.classifications, &class_name, "classification")?;
        let unit = (!unit_text.is_empty())
            .then(|| key(&mut dicts.units, &unit_text, "qty_unit"))
            .transpose()?;
        let areas = (reporter, partner);
        self.first_of(year, month, areas, &dicts.entities, flow, &class_name)?;
        self.used.extend([reporter, partner]);
        Ok(Row {
            year,
            month,
            reporter,
            partner,
            flow,
            perspective: Perspective::ReporterDeclared,
            classification,
            commodity: &self.commodity,
            value,
            // Comtrade's definition: exports FOB, imports CIF.
            price_basis: match flow {
                Flow::Export | Flow::ReExport => PriceBasis::Fob,
                Flow::Import | Flow::ReImport => PriceBasis::Cif,
            },
            value_precision: precision,
            quantity,
            unit,
            is_estimated: estimated,
            line: rec.line() as i64,
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
        let alt = match flow {
            Flow::Export | Flow::ReExport => c.fob,
            Flow::Import | Flow::ReImport => c.cif,
        };
        let field = column_name(self.layout, "value");
        for i in [Some(c.primary), alt].into_iter().flatten() {
            if let Some((v, p)) = amount_field(rec.field(i), 0, field, "trade value")? {
                return Ok((Some(v), p));
            }
        }
        Ok((None, None))
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
        entities: &Dict,
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
                "a second row for {year}{}, {} {flow} {}, {class_name} {} (the first is kept)",
                month.map(|m| format!("-{m:02}")).unwrap_or_default(),
                entities.value(reporter),
                entities.value(partner),
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
        let year = self.year(rec, period, period_num)?;
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

    /// The year of a row: `refYear` (legacy `Year`) when given, else the year `period` names
    /// (`YYYY` or `YYYYMM`). A given year that is not a number 1800-2100 is `bad_year` (it is
    /// never replaced by `period`'s); a year that differs from `period`'s is `year_mismatch`.
    fn year(
        &self,
        rec: &CsvRecord,
        period: &[u8],
        period_num: Option<u32>,
    ) -> std::result::Result<i16, Refusal> {
        let year_col = column_name(self.layout, "year");
        let year_field = self
            .cols
            .year
            .map(|i| rec.field(i))
            .filter(|f| !f.iter().all(u8::is_ascii_whitespace));
        // A monthly period is YYYYMM.
        let from_period = period_num.map(|p| if p >= 100_000 { p / 100 } else { p });
        let (year, col, shown) = match year_field {
            Some(f) => (parse_uint(f), year_col, f),
            None => (from_period, column_name(self.layout, "period"), period),
        };
        let year = match year {
            Some(y) if (1800..=2100).contains(&y) => y,
            _ => {
                return Err((
                    Some(col),
                    "bad_year",
                    format!("`{}` is not a year", String::from_utf8_lossy(shown)),
                ))
            }
        };
        match from_period {
            Some(p) if year_field.is_some() && p != year => Err((
                Some(year_col),
                "year_mismatch",
                format!(
                    "`{year_col}` {year} and `{}` `{}` name different years",
                    column_name(self.layout, "period"),
                    String::from_utf8_lossy(period)
                ),
            )),
            _ => Ok(year as i16),
        }
    }

    /// The entity key of an area, creating the area's entity for Comtrade pseudo-areas.
    fn area(
        &mut self,
        rec: &CsvRecord,
        who: &'static str,
        year: i16,
        entities: &mut Dict,
    ) -> std::result::Result<i16, Refusal> {
        let c = &self.cols;
        let (code_col, iso_col, desc_col) = match who {
            "reporter" => (c.reporter_code, c.reporter_iso, c.reporter_desc),
            _ => (c.partner_code, c.partner_iso, c.partner_desc),
        };
        let field = column_name(self.layout, who);
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
        let key = (code, year, iso);
        let result = match self.cache.get(&key) {
            Some(r) => r.clone(),
            None => {
                let desc = desc_col.map(|i| rec.text(i)).unwrap_or_default();
                let r = self.resolve(code, (&key.2, &desc), year, rec.line(), entities);
                self.cache.insert(key, r.clone());
                r
            }
        };
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
                "Comtrade code {code}: the file names more than {MAX_VALUES} distinct areas"
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
                    // Comtrade's own codes, when the file gives no ISO3.
                    let (_, iso3) = COMTRADE_ONLY.iter().find(|(c, _)| *c == code)?;
                    is_missing(iso.as_bytes()).then(|| r.by_iso3(iso3, y))?
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
        let name = match desc {
            "" if code == 0 => "World",
            desc => desc,
        };
        let area = NewArea::new(
            code,
            Scheme::Comtrade,
            name,
            entity_type,
            &self.source_id,
            format!("{} line {line}", self.input.name),
        );
        let key = entities.key(&area.entity.entity_id).ok_or_else(full)?;
        self.created.entry(key).or_insert(area);
        Ok(key)
    }
}

/// A boolean as Comtrade writes it.
fn parse_bool(v: &[u8]) -> Option<bool> {
    match v.to_ascii_lowercase().as_slice() {
        b"true" | b"1" => Some(true),
        b"false" | b"0" => Some(false),
        _ => None,
    }
}
