//! The providers' characteristics per zorgkantoor: the vocabulary that the `kenmerken`
//! input and the zorgkantoren's policies share (`Vocabulary`, declared in data, and the run's
//! `FIGURES` a policy condition may name besides), the values a characteristic holds, and
//! the rows of the `kenmerken` input as the rest of the program reads them.
//!
//! One list, so that a policy and the input can only name the same things: `ingest` reads
//! the vocabulary file and the columns it names, `policy` checks rules against it,
//! `generate` writes it. Types, and the range check every reader of a value shares: nothing
//! here reads or parses a file or prints.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::{Kvk, Zorgkantoor};

/// What a characteristic holds (`soort` in the vocabulary file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `vlag`: ja/nee; an empty cell is nee.
    Flag,
    /// `punten`: percentage points (a surcharge, a monitor outcome).
    Points,
    /// `percentage`: a tariff percentage, 0 to 100.
    Percent,
    /// `fractie`: a growth or share as a fraction (0.02 = 2%).
    Fraction,
    /// `aantal`: a count (clients, years), never below 0.
    Count,
    /// `bedrag`: euros, exact, never below 0.
    Amount,
}

impl Kind {
    pub(crate) const ALL: [(Kind, &'static str); 6] = [
        (Kind::Flag, "vlag"),
        (Kind::Points, "punten"),
        (Kind::Percent, "percentage"),
        (Kind::Fraction, "fractie"),
        (Kind::Count, "aantal"),
        (Kind::Amount, "bedrag"),
    ];

    pub(crate) fn parse(text: &str) -> Option<Kind> {
        Kind::ALL.iter().find(|k| k.1 == text).map(|k| k.0)
    }

    pub(crate) fn as_str(self) -> &'static str {
        Kind::ALL.iter().find(|k| k.0 == self).map_or("", |k| k.1)
    }
}

/// One characteristic of the vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Kenmerk {
    /// The input's column and the name a policy uses; interned (`intern`), so rules and
    /// rows can hold it as cheaply as the constant list they once named.
    pub naam: &'static str,
    pub kind: Kind,
    pub eenheid: String,
    /// The allowed range, in the characteristic's own unit; a percentage is always within
    /// 0-100, a count and an amount never below 0 (the vocabulary's reader sets these).
    pub minimaal: Option<Decimal>,
    pub maximaal: Option<Decimal>,
    pub heel: bool,
    pub omschrijving: String,
}

impl Kenmerk {
    /// Whether `v` is a value this characteristic can hold; the message says why not.
    pub(crate) fn check(&self, v: Decimal) -> Result<(), String> {
        let unit = &self.eenheid;
        if let Some(min) = self.minimaal.filter(|&m| v < m) {
            return Err(format!("{v} is below {min} ({unit})"));
        }
        if let Some(max) = self.maximaal.filter(|&m| v > m) {
            return Err(format!("{v} is above {max} ({unit})"));
        }
        if self.heel && !v.fract().is_zero() {
            return Err(format!("{v}: whole numbers only ({unit})"));
        }
        Ok(())
    }
}

/// The characteristics the policies may use and the `kenmerken` input may hold, as the
/// vocabulary file declares them, in its order.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Vocabulary {
    /// The file as shown in messages and the manifest.
    pub bestand: String,
    pub kenmerken: Vec<Kenmerk>,
}

impl Vocabulary {
    pub(crate) fn get(&self, name: &str) -> Option<&Kenmerk> {
        self.kenmerken.iter().find(|k| k.naam == name)
    }

    /// The name and kind of `name`, if the vocabulary has it.
    pub(crate) fn kind_of(&self, name: &str) -> Option<(&'static str, Kind)> {
        self.get(name).map(|k| (k.naam, k.kind))
    }

    /// Every name, comma-separated, for messages.
    pub(crate) fn names(&self) -> String {
        self.kenmerken
            .iter()
            .map(|k| k.naam)
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The one `&'static str` of a name: the vocabulary is read at run time, but a name lives
/// for the whole run and appears in every row and rule, so each distinct name is stored
/// once (a program reads a handful of vocabularies, of a few dozen names each) and handed
/// out as a plain `&'static str`.
pub(crate) fn intern(name: &str) -> &'static str {
    use std::collections::BTreeSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<BTreeSet<&'static str>>> = OnceLock::new();
    let mut names = NAMES
        .get_or_init(|| Mutex::new(BTreeSet::new()))
        .lock()
        .unwrap_or_else(|e| e.into_inner());
    if let Some(&n) = names.get(name) {
        return n;
    }
    let n: &'static str = Box::leak(name.to_owned().into_boxed_str());
    names.insert(n);
    n
}

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
