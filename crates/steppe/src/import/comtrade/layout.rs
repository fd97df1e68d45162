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

/// Detects the layout of a header and locates its columns.
pub(super) fn detect(names: &[String]) -> Option<(Layout, Columns)> {
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

/// The header name of a logical field in a layout (for reject records).
pub(super) fn column_name(layout: Layout, what: &str) -> &'static str {
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
