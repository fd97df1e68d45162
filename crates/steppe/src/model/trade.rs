//! Bilateral trade flows.

use serde::{Deserialize, Serialize};

use super::enums::{Derivation, Flow, Perspective, PriceBasis};

/// One reporter-partner-commodity-period figure, from one perspective, in base units (USD).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TradeFlow {
    /// Calendar year (the table's Hive partition).
    pub year: i16,
    /// Month, or none for annual figures.
    pub month: Option<i8>,
    /// The declaring country (BACI: the exporter).
    pub reporter_id: String,
    /// The partner country (`WLD` for the world).
    pub partner_id: String,
    /// Direction from the reporter's side.
    pub flow: Flow,
    /// Whose declaration this is.
    pub perspective: Perspective,
    /// Product classification (`HS92` ... `HS22`, `TOTAL`).
    pub classification: String,
    /// Product code as a string (`TOTAL` for all products; HS codes keep leading zeros).
    pub commodity_code: String,
    /// Value in `currency` units (not thousands).
    pub value: Option<f64>,
    /// Currency of `value` (`USD`).
    pub currency: String,
    /// Pricing basis of `value`.
    pub price_basis: PriceBasis,
    /// Rounding unit of the published figure (137.4 million -> 100000).
    pub value_precision: Option<f64>,
    /// Quantity, in `quantity_unit`.
    pub quantity: Option<f64>,
    /// Unit of `quantity` (`t`, `kg`, ...).
    pub quantity_unit: Option<String>,
    /// Whether the publisher estimated the figure.
    pub is_estimated: bool,
    /// The source the row was read from.
    pub source_id: String,
    /// Where in that source (page, section, query).
    pub source_locator: Option<String>,
    /// Line of the source file, for imported rows.
    pub source_line: Option<i64>,
    /// The work that source cites for the figure.
    pub cited_source_id: Option<String>,
    /// How the row was derived from the source.
    pub derivation: Derivation,
}
