//! The providers' characteristics per zorgkantoor: the vocabulary that the `kenmerken`
//! input and the zorgkantoren's policies share (`KENMERKEN`, and the run's `FIGURES` a
//! policy condition may name besides), the values a characteristic holds, and the rows of
//! the `kenmerken` input as the rest of the program reads them.
//!
//! One list, so that a policy and the input can only name the same things: `ingest` reads
//! the columns it names, `policy` checks rules against it, `generate` writes it. Pure
//! types and constants: nothing here reads, parses a file or prints.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Kvk, Zorgkantoor};

/// What a characteristic holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Kind {
    /// ja/nee; an empty cell is nee.
    Flag,
    /// Percentage points within a range (a surcharge, a monitor outcome); whole points only
    /// when `whole`.
    Points { min: i64, max: i64, whole: bool },
    /// A tariff percentage, 0 to 100.
    Percent,
    /// A growth or share as a fraction (0.02 = 2%), any sign.
    Fraction,
    /// A count, 0 or more (clients, years).
    Count,
    /// Euros, exact, 0 or more.
    Amount,
}

/// The provider characteristics the policies may use, and the `kenmerken` input's columns
/// beside `kvk`, `zorgkantoor` and `aandeel`. One list, so that a policy and the input can
/// only name the same things.
pub(crate) const KENMERKEN: &[(&str, Kind, &str)] = &[
    (
        "nieuwe_aanbieder",
        Kind::Flag,
        "new provider without an earlier contract",
    ),
    (
        "essentiele_functie",
        Kind::Flag,
        "role in essential services (Zilveren Kruis V&V)",
    ),
    (
        "minder_regionale_bijdrage",
        Kind::Flag,
        "contributes less to the region (Zilveren Kruis GZ)",
    ),
    (
        "arbeidsbesparende_technologie",
        Kind::Flag,
        "proven labour-saving technology (CZ)",
    ),
    (
        "afspraken_beweging",
        Kind::Flag,
        "agreed movements and goals (CZ)",
    ),
    (
        "vrij_voorstel",
        Kind::Percent,
        "percentage of an accepted free proposal (CZ)",
    ),
    (
        "module_opslag",
        Kind::Points {
            min: 0,
            max: 5,
            whole: false,
        },
        "points of granted module surcharges (Menzis)",
    ),
    (
        "regionale_rol",
        Kind::Points {
            min: -2,
            max: 1,
            whole: false,
        },
        "differentiation by regional role (Salland)",
    ),
    (
        "monitor_uitkomst",
        Kind::Points {
            min: -1,
            max: 1,
            whole: true,
        },
        "monitor outcome (DSW)",
    ),
    (
        "percentage_2023",
        Kind::Percent,
        "the provider's own 2023 percentage (DSW)",
    ),
    (
        "bestaande_afspraak",
        Kind::Percent,
        "an existing agreement's percentage, continued (DSW GZ)",
    ),
    (
        "werkgeversopslag",
        Kind::Flag,
        "employer surcharge granted (Zorg en Zekerheid)",
    ),
    (
        "mpt_groei",
        Kind::Fraction,
        "growth of MPT volume against 2026 (VGZ GZ)",
    ),
    (
        "zelfredzaamheid_beleid",
        Kind::Flag,
        "policy for clients' self-reliance (VGZ GZ)",
    ),
    (
        "digitale_zorg_groei",
        Kind::Fraction,
        "growth of digital-care use (VGZ GZ)",
    ),
    (
        "complexe_zorg_garantie",
        Kind::Flag,
        "guarantees complex care (Menzis GZ)",
    ),
];

/// Figures of the run a condition may use besides the characteristics.
pub(crate) const FIGURES: &[(&str, &str)] = &[
    (
        "resultaatmarge",
        "R ÷ O in the reference year, O as the omzet criterion computes it",
    ),
    (
        "intramuraal_aandeel",
        "intramural share a of the declarations",
    ),
];

pub(crate) fn kind_of(name: &str) -> Option<(&'static str, Kind)> {
    KENMERKEN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(n, k, _)| (n, k))
}

/// A characteristic's value for one provider and zorgkantoor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Value {
    Flag(bool),
    Number(Decimal),
}

/// One row of the `kenmerken` input: a provider under one zorgkantoor, the share of its
/// claims that zorgkantoor buys, and its characteristics there.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KenmerkRow {
    pub kvk: Kvk,
    pub zorgkantoor: Zorgkantoor,
    /// A fraction of the provider's claims; the rows of one KvK add up to 1.
    pub aandeel: Decimal,
    pub values: BTreeMap<&'static str, Value>,
    /// Where the row came from (file and row), for messages.
    pub bron: String,
}

#[derive(Debug, Clone, Default)]
pub(crate) struct Kenmerken {
    pub rows: Vec<KenmerkRow>,
    pub count: u64,
}
