//! What the input files hold, as the rest of the program reads it: the tariff table, a
//! provider's claims and who they came under, and the manifest's record of each file
//! read. `ingest` returns these; it does not own them. Pure types: nothing here reads.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::{Agb, ClaimSums, Eenheid, Kvk, Tariff};

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
