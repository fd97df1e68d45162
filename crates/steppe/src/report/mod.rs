//! A country report: its profile and memberships, its main partners by share of total trade
//! and their change over a decade, the balance between two partners as a yearly series (the
//! figures a document restates shown apart, as that document's), the mirror gap, remittances
//! and GDP, conflicts and events on one timeline, and the numbered sources behind every figure.
//!
//! [`build`] reads each table it needs once into a [`Report`]; [`View`] turns a report into
//! rows formatted once (numbers, dates, citation numbers) that every renderer shows. The
//! renderers (terminal text, HTML, the charts as SVG or PNG) live in the `steppe-report`
//! crate, so this crate knows no terminal, template or drawing library.
//!
//! Trade figures come in two kinds, told apart everywhere: rows of a statistical dataset
//! (a source whose CSL type is `dataset`, e.g. IMF DOTS) and rows a document restates (the
//! seed article's 2023 figures). Shares are of the world total the dataset reports; a year
//! without one has no shares.

mod build;
mod citations;
mod conflicts;
pub mod events;
pub mod format;
mod view;

use std::collections::BTreeMap;

use crate::analytics::{Dependence, Mirror, PartnerShare, SeriesPoint};
use crate::model::{Claim, Entity, Event, Membership, Organisation, Source};
use crate::query::Filter;
use crate::schema::Table;
use crate::store::{ReadOptions, Store};

pub use build::build;
pub use conflicts::{year_runs, ConflictSpan};
pub use view::{
    BalanceRow, BalanceView, ChartView, ClaimRow, IndicatorRow, LatestRow, MembershipRow,
    MirrorRow, PartnerRow, PartnersTable, Series, SeriesStyle, SourceRow, TimelineRow, View,
    TRADE_ROWS,
};

/// Personal remittances received, % of GDP (the series the article is about).
pub const REMITTANCES: &str = "wdi:BX.TRF.PWKR.DT.GD.ZS";
/// Personal remittances received, current US$.
pub const REMITTANCES_USD: &str = "wdi:BX.TRF.PWKR.CD.DT";
/// GDP, current US$.
pub const GDP: &str = "wdi:NY.GDP.MKTP.CD";

/// Whose figures a balance series shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BalanceOrigin {
    /// The country's own declarations in the datasets (`reporter_declared` rows: IMF DOTS,
    /// UN Comtrade); each row names its sources.
    Reported,
    /// Datasets that reconcile both partners' declarations into one figure (`reconciled`
    /// rows: CEPII BACI, exports FOB); never shown as the country's own.
    Reconciled,
    /// The figures the document with this source id restates (the seed article's 2023
    /// figures), shown as that document's.
    Restated(String),
}

/// The balance between the two partners as one kind of source tells it.
#[derive(Debug, Clone)]
pub struct BalanceSeries {
    /// Whose figures these are.
    pub origin: BalanceOrigin,
    /// The yearly rows.
    pub rows: Vec<Dependence>,
}

/// Everything a report shows, with sources numbered in order of first use.
#[derive(Debug, Clone)]
pub struct Report {
    /// The country.
    pub entity: Entity,
    /// Where the data came from.
    pub store_name: String,
    /// Memberships with their organisations.
    pub memberships: Vec<(Membership, Option<Organisation>)>,
    /// Claims about the country.
    pub claims: Vec<Claim>,
    /// Partner shares from the dataset rows, every year (aggregates left out).
    pub shares: Vec<PartnerShare>,
    /// The two partners compared.
    pub pair: (String, String),
    /// Their balance: the dataset's series first, then each restating document's.
    pub balance: Vec<BalanceSeries>,
    /// The mirror comparison with each of the two partners, by year.
    pub mirror: Vec<Mirror>,
    /// Indicator series (id, name, points; several sources may give a year).
    pub indicators: Vec<(String, String, Vec<SeriesPoint>)>,
    /// Conflicts the country is a location or party of, one span per conflict.
    pub conflicts: Vec<ConflictSpan>,
    /// Events involving the country, in date order (undated last).
    pub events: Vec<Event>,
    /// Entity names, for display.
    pub names: BTreeMap<String, String>,
    /// Sources in citation order; `[n]` is index n-1.
    pub sources: Vec<Source>,
}

impl Report {
    /// The citation numbers (1-based, ascending, each once) of the registered sources among
    /// `ids`; ids the report does not cite are left out.
    pub fn ref_numbers(&self, ids: &[String]) -> Vec<usize> {
        let mut n: Vec<usize> = ids
            .iter()
            .filter_map(|id| self.sources.iter().position(|s| &s.source_id == id))
            .map(|i| i + 1)
            .collect();
        n.sort_unstable();
        n.dedup();
        n
    }

    /// A display name for an entity id (the id itself when the store has no name for it).
    pub fn name(&self, id: &str) -> String {
        self.names
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The latest year with a share of a world total.
    pub fn latest_year(&self) -> Option<i16> {
        self.shares
            .iter()
            .filter(|s| s.total_basis == "world_total")
            .map(|s| s.year)
            .max()
    }

    /// The points of indicator `id` (empty when the store has none).
    pub fn series(&self, id: &str) -> &[SeriesPoint] {
        self.indicators
            .iter()
            .find(|(i, _, _)| i == id)
            .map_or(&[], |(_, _, p)| p.as_slice())
    }
}

/// The rows of `table` matching `filter`, as records.
fn read<R: crate::Record>(store: &Store, table: Table, filter: Filter) -> crate::Result<Vec<R>> {
    let data = store.read(
        table,
        &ReadOptions {
            filter,
            columns: None,
        },
    )?;
    crate::from_batches(&data.batches)
}
