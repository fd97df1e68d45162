//! The two header layouts of Comtrade downloads: detection, column positions, the header name
//! of each field (for rejects) and classification names.

/// Which header a file has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// The Comtrade+ / API v1 layout (`typeCode, freqCode, refYear, ...`).
    Current,
    /// The legacy layout (`Classification, Year, Period, ...`).
    Legacy,
}

/// Column positions of the fields the importer reads.
#[derive(Debug, Clone, Default)]
pub(super) struct Columns {
    pub(super) n: usize,
    pub(super) year: Option<usize>,
    pub(super) period: Option<usize>,
    pub(super) freq: Option<usize>,
    pub(super) month: Option<usize>,
    pub(super) reporter_code: usize,
    pub(super) reporter_iso: Option<usize>,
    pub(super) reporter_desc: Option<usize>,
    pub(super) partner_code: usize,
    pub(super) partner_iso: Option<usize>,
    pub(super) partner_desc: Option<usize>,
    pub(super) partner2_code: Option<usize>,
    pub(super) flow_code: Option<usize>,
    pub(super) flow_desc: Option<usize>,
    pub(super) classification: Option<usize>,
    pub(super) cmd_code: usize,
    pub(super) aggr_level: Option<usize>,
    pub(super) customs: Option<usize>,
    pub(super) mot: Option<usize>,
    pub(super) mos: Option<usize>,
    pub(super) qty_unit: Option<usize>,
    pub(super) qty: Option<usize>,
    pub(super) net_wgt: Option<usize>,
    pub(super) primary: usize,
    pub(super) cif: Option<usize>,
    pub(super) fob: Option<usize>,
    pub(super) is_reported: Option<usize>,
}

/// Each field the importer reads: its name here, then its header names in the current and in
/// the legacy layout (matched in any case; none: the layout lacks it; the first is the one
/// rejects name).
const FIELDS: &[(&str, &[&str], &[&str])] = &[
    ("year", &["refYear"], &["Year"]),
    ("period", &["period", "refPeriodId"], &["Period"]),
    ("freq", &["freqCode"], &[]),
    ("month", &["refMonth"], &[]),
    ("reporter", &["reporterCode"], &["Reporter Code"]),
    ("reporter_iso", &["reporterISO"], &["Reporter ISO"]),
    ("reporter_desc", &["reporterDesc"], &["Reporter"]),
    ("partner", &["partnerCode"], &["Partner Code"]),
    ("partner_iso", &["partnerISO"], &["Partner ISO"]),
    ("partner_desc", &["partnerDesc"], &["Partner"]),
    ("partner2", &["partner2Code"], &["2nd Partner Code"]),
    ("flow", &["flowCode"], &["Trade Flow Code"]),
    ("flow_desc", &["flowDesc"], &["Trade Flow"]),
    (
        "classification",
        &["classificationCode"],
        &["Classification"],
    ),
    ("cmd", &["cmdCode"], &["Commodity Code"]),
    ("aggr_level", &["aggrLevel"], &["Aggregate Level"]),
    ("customs", &["customsCode"], &["Customs Proc. Code"]),
    ("mot", &["motCode"], &["Mode of Transport Code"]),
    ("mos", &["mosCode"], &[]),
    ("qty_unit", &["qtyUnitAbbr"], &["Qty Unit"]),
    ("qty", &["qty"], &["Qty"]),
    ("netwgt", &["netWgt"], &["Netweight (kg)"]),
    ("value", &["primaryValue"], &["Trade Value (US$)"]),
    ("cif", &["cifValue"], &["CIF Trade Value (US$)"]),
    ("fob", &["fobValue"], &["FOB Trade Value (US$)"]),
    ("is_reported", &["isReported"], &[]),
];

/// The header names of field `what` in `layout`.
fn header_names_of(layout: Layout, what: &str) -> &'static [&'static str] {
    match FIELDS.iter().find(|f| f.0 == what) {
        Some((_, current, _)) if layout == Layout::Current => current,
        Some((_, _, legacy)) => legacy,
        None => &[],
    }
}

/// Detects the layout of a header and locates its columns.
pub(super) fn detect(names: &[String]) -> Option<(Layout, Columns)> {
    [Layout::Current, Layout::Legacy]
        .into_iter()
        .find_map(|layout| {
            let find = |what| {
                header_names_of(layout, what)
                    .iter()
                    .find_map(|o| names.iter().position(|n| n.eq_ignore_ascii_case(o)))
            };
            let c = Columns {
                n: names.len(),
                year: find("year"),
                period: find("period"),
                freq: find("freq"),
                month: find("month"),
                reporter_code: find("reporter")?,
                reporter_iso: find("reporter_iso"),
                reporter_desc: find("reporter_desc"),
                partner_code: find("partner")?,
                partner_iso: find("partner_iso"),
                partner_desc: find("partner_desc"),
                partner2_code: find("partner2"),
                flow_code: find("flow"),
                flow_desc: find("flow_desc"),
                classification: find("classification"),
                cmd_code: find("cmd")?,
                aggr_level: find("aggr_level"),
                customs: find("customs"),
                mot: find("mot"),
                mos: find("mos"),
                qty_unit: find("qty_unit"),
                qty: find("qty"),
                net_wgt: find("netwgt"),
                primary: find("value")?,
                cif: find("cif"),
                fob: find("fob"),
                is_reported: find("is_reported"),
            };
            // The current layout names its flow by code; the legacy one by code or description.
            let flow = c.flow_code.is_some() || (layout == Layout::Legacy && c.flow_desc.is_some());
            ((c.year.is_some() || c.period.is_some()) && flow).then_some((layout, c))
        })
}

/// The delimiter of a header line: a tab when it holds more tabs than commas (outside
/// quotes), else a comma.
pub(super) fn sniff_delimiter(line: &[u8]) -> u8 {
    let (mut tabs, mut commas, mut quoted) = (0, 0, false);
    for b in line {
        match b {
            b'"' => quoted = !quoted,
            b'\t' if !quoted => tabs += 1,
            b',' if !quoted => commas += 1,
            _ => {}
        }
    }
    if tabs > commas {
        b'\t'
    } else {
        b','
    }
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

/// The header name of a field in a layout (for reject records; empty when it has none).
pub(super) fn column_name(layout: Layout, what: &str) -> &'static str {
    header_names_of(layout, what).first().copied().unwrap_or("")
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

    #[test]
    fn delimiters() {
        assert_eq!(sniff_delimiter(b"typeCode\tfreqCode\trefYear"), b'\t');
        assert_eq!(sniff_delimiter(b"typeCode,freqCode,refYear"), b',');
        // Commas inside quoted names do not count.
        assert_eq!(sniff_delimiter(b"\"a,b,c\"\tx\ty"), b'\t');
        assert_eq!(sniff_delimiter(b"single"), b',');
    }
}
