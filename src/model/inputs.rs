//! What the input files hold, as the rest of the program reads it: the tariff table, a
//! provider's claims and who they came under, and the manifest's record of each file
//! read. `ingest` returns these; it does not own them. Pure types: nothing here reads.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{Agb, ClaimSums, Eenheid, Kvk, Tariff, Zorgkantoor};

/// The jaarverslagen table's columns, in the data contract's order: what `generate` and
/// `digimv uittreksel` write, and what the reader maps.
pub(crate) const JAARVERSLAGEN_COLUMNS: [&str; 10] = [
    "kvk",
    "naam",
    "boekjaar",
    "bedrijfsopbrengsten",
    "opbrengsten_wlz",
    "bedrijfslasten",
    "financiele_baten",
    "financiele_lasten",
    "resultaat",
    "sector",
];

/// The columns of a verification bundle's `aggregaten.csv`, in order: who (the KvK, or a
/// pseudonym, and the name), how the run that wrote it classified the provider (sector,
/// cluster, or the reasons it was excluded), the jaarverslag (the sector it states, B, W,
/// L, FB, FL), the claims' sums (D, K, X, S, S_max, Σd per leveringsvorm and per sector)
/// and the required DigiMV variables the dataset left empty. Written by `report::bundle`,
/// read by `ingest::aggregaten`.
pub(crate) const AGGREGATEN_COLUMNS: [&str; 24] = [
    "kvk",
    "naam",
    "sector",
    "cluster",
    "reden",
    "sector_jaarverslag",
    "bedrijfsopbrengsten",
    "opbrengsten_wlz",
    "bedrijfslasten",
    "financiele_baten",
    "financiele_lasten",
    "declaraties",
    "kapitaal",
    "volledig",
    "zorg",
    "zorg_max",
    "declaraties_intramuraal",
    "declaraties_vpt",
    "declaraties_mpt",
    "declaraties_overig",
    "declaraties_vv",
    "declaraties_gz",
    "declaraties_ggz",
    "ontbrekend_in_digimv",
];

/// What the manifest records of one input file.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct InputFile {
    pub rol: &'static str,
    pub pad: String,
    pub bytes: u64,
    pub rijen: u64,
    pub sha256: String,
}

/// The tariff table of the reference year, by prestatiecode.
#[derive(Debug, Clone)]
pub(crate) struct TariffTable {
    pub by_code: BTreeMap<String, Tariff>,
    pub rows: u64,
}

/// Who a claim line is from, as the line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Claimant {
    Agb(Agb),
    Kvk(Kvk),
}

/// The claims of one provider after the join.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ProviderClaims {
    /// Σ aantal and Σ bedrag per prestatiecode.
    pub lines: BTreeMap<String, ClaimSums>,
    /// The AGB codes (or the KvK itself) its claims came under.
    pub via: BTreeSet<Claimant>,
    /// Per prestatiecode whose claims counted in another unit than its tariff's: the
    /// counts as claimed, which `lines` holds converted.
    pub units: BTreeMap<String, UnitCounts>,
}

/// How one prestatiecode's Σ aantal came to be in its tariff's unit.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct UnitCounts {
    /// Σ aantal per unit as claimed: first none, for the lines that stated no unit (which
    /// count in the tariff's unit), then in `Eenheid`'s order (time finest first).
    pub claimed: Vec<(Option<Eenheid>, Decimal)>,
    /// The tariff's unit: what the converted Σ aantal counts.
    pub into: Eenheid,
}

/// The zorgkantoren's contracteerruimte (the budget each may contract Wlz care for) per
/// year, as read: euros, exact, at most one amount per zorgkantoor and year.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Contracteerruimte {
    pub(crate) by_year: BTreeMap<(Zorgkantoor, i32), Decimal>,
    /// Rows read.
    pub(crate) rows: u64,
}

impl Contracteerruimte {
    /// Each zorgkantoor's contracteerruimte in `year`; a zorgkantoor without a row for it
    /// has none (not 0: an unknown budget is not an empty one).
    pub(crate) fn of_year(&self, year: i32) -> BTreeMap<Zorgkantoor, Decimal> {
        self.by_year
            .iter()
            .filter(|((_, y), _)| *y == year)
            .map(|((z, _), b)| (*z, *b))
            .collect()
    }
}
