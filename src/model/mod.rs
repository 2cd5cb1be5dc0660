//! Pure domain types: identifiers, the closed sets of the data contract, break-even
//! percentages and the per-provider figures that every later stage reads.
//!
//! Parsing a closed set (`Sector::parse`) is the only place its Dutch spellings appear.
//! This module does no IO, reads no clock or environment and prints nothing.
//!
//! Money is `rust_decimal::Decimal` throughout (euros, exact). Percentages used in the
//! formulas are fractions (`0.955` = 95.5%); they become percent only in `report`.

pub mod digimv;
mod eenheid;
mod inputs;
pub(crate) mod kenmerken;
pub(crate) mod number;
pub(crate) mod problems;

pub(crate) use eenheid::Eenheid;
pub use inputs::Claimant;
pub(crate) use inputs::{
    Contracteerruimte, InputFile, ProviderClaims, TariffTable, UnitCounts, AGGREGATEN_COLUMNS,
    JAARVERSLAGEN_COLUMNS,
};

use std::fmt;

use rust_decimal::Decimal;

/// A KvK number: the provider's identity. Exactly eight digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Kvk(u32);

/// An AGB code as found on claims. Exactly eight digits; several may map to one KvK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Agb(u32);

fn parse_eight_digits(text: &str) -> Result<u32, String> {
    let t = text.trim();
    if t.len() != 8 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("expected 8 digits, found {}", identifier_shown(t)));
    }
    Ok(t.parse().expect("eight ASCII digits fit in u32"))
}

/// How a wrong identifier reads in a message. An identifier column that holds a BSN (a
/// citizen service number, 9 digits: a `bsn` column renamed or mislabelled) must not have
/// its values echoed, so such a value is described by its shape instead.
fn identifier_shown(t: &str) -> String {
    let digits = t.bytes().filter(u8::is_ascii_digit).count();
    if digits == 9 && t.len() == 9 {
        "9 digits, the length of a BSN; the value is not shown".into()
    } else if digits == 9 && t.bytes().all(|b| b.is_ascii_digit() || b" .-".contains(&b)) {
        "9 digits with separators, the length of a BSN; the value is not shown".into()
    } else if conceal_bsns(t) != t {
        "text with a run of 9 digits, the length of a BSN; the value is not shown".into()
    } else {
        format!("{t:?}")
    }
}

/// `text` with every free-standing run of exactly nine digits (the length of a BSN)
/// replaced by "(9 digits, not shown)": the last guard of messages that quote values. A
/// run that is part of a decimal number (`123456789.50`, an amount) is left as it is.
pub(crate) fn conceal_bsns(text: &str) -> std::borrow::Cow<'_, str> {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mark = |i: usize| b.get(i).is_some_and(|c| *c == b'.' || *c == b',');
    let mut runs = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if !digit(i) {
            i += 1;
            continue;
        }
        let start = i;
        while digit(i) {
            i += 1;
        }
        let in_decimal =
            (start >= 2 && mark(start - 1) && digit(start - 2)) || (mark(i) && digit(i + 1));
        if i - start == 9 && !in_decimal {
            runs.push((start, i));
        }
    }
    if runs.is_empty() {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16 * runs.len());
    let mut from = 0;
    for (start, end) in runs {
        out.push_str(&text[from..start]);
        out.push_str("(9 digits, not shown)");
        from = end;
    }
    out.push_str(&text[from..]);
    std::borrow::Cow::Owned(out)
}

/// Whether `text` is a verification bundle's pseudonym of a provider: 16 or 64 lowercase
/// hexadecimal digits (a keyed hash of the KvK, cut or whole). A KvK has eight decimal
/// digits, so the two never meet.
pub(crate) fn is_pseudonym(text: &str) -> bool {
    matches!(text.len(), 16 | 64) && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

impl Kvk {
    pub fn parse(text: &str) -> Result<Kvk, String> {
        parse_eight_digits(text).map(Kvk)
    }

    /// From the number of an eight-digit text already checked (leading zeros dropped).
    pub fn from_number(n: u32) -> Kvk {
        debug_assert!(n <= 99_999_999);
        Kvk(n)
    }
}

impl Agb {
    pub fn parse(text: &str) -> Result<Agb, String> {
        parse_eight_digits(text).map(Agb)
    }

    /// From the number of an eight-digit text already checked (leading zeros dropped).
    pub fn from_number(n: u32) -> Agb {
        debug_assert!(n <= 99_999_999);
        Agb(n)
    }
}

impl fmt::Display for Kvk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08}", self.0)
    }
}

impl fmt::Display for Agb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:08}", self.0)
    }
}

/// Declares a closed set with its one Dutch spelling per variant. The declaration order is
/// the report order (rtp.csv sorts VV, GZ, GGZ, then extramuraal, intramuraal).
macro_rules! closed_set {
    ($(#[$doc:meta])* $name:ident, $what:literal, { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub(crate) enum $name { $($variant),+ }

        impl $name {
            // Every closed set lists its values; only some are iterated (Sector,
            // Zorgkantoor), but one macro writes them all.
            #[allow(dead_code)]
            pub(crate) const ALL: &'static [$name] = &[$($name::$variant),+];

            pub(crate) fn parse(text: &str) -> Result<$name, String> {
                let t = text.trim();
                $(if t.eq_ignore_ascii_case($text) { return Ok($name::$variant); })+
                Err(format!(
                    "unknown {} {:?}; expected one of {}",
                    $what,
                    t,
                    [$($text),+].join(", ")
                ))
            }

            pub(crate) fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

closed_set!(
    /// Wlz sector. The order is also the tie-break when two sectors have equal claims.
    Sector, "sector", { Vv => "VV", Gz => "GZ", Ggz => "GGZ" }
);

closed_set!(
    /// The seven zorgkantoor organisations; a policy and a `kenmerken` row name one. The
    /// order is the reports' order.
    Zorgkantoor, "zorgkantoor", {
        ZilverenKruis => "Zilveren Kruis",
        Vgz => "VGZ",
        Menzis => "Menzis",
        Cz => "CZ",
        Salland => "Salland",
        Dsw => "DSW",
        ZorgEnZekerheid => "Zorg en Zekerheid",
    }
);

closed_set!(
    /// The cluster a provider is solved in; `Alle` when clustering is switched off.
    Cluster, "cluster", { Extramuraal => "extramuraal", Intramuraal => "intramuraal", Alle => "alle" }
);

closed_set!(
    /// How care is delivered, from the tariff table.
    Leveringsvorm, "leveringsvorm", {
        Intramuraal => "intramuraal",
        Vpt => "vpt",
        Mpt => "mpt",
        Overig => "overig",
    }
);

closed_set!(
    /// Which part of the tariff a prestatie pays.
    Component, "component", { Zorg => "zorg", Nhc => "nhc", Nic => "nic", Volledig => "volledig" }
);

/// One NZa tariff row for the reference year.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Tariff {
    pub sector: Sector,
    pub leveringsvorm: Leveringsvorm,
    pub component: Component,
    /// Maximum tariff per unit, m.
    pub max_tarief: Decimal,
    /// Capital part per unit embedded in an integral `zorg` tariff, e (0 when absent).
    pub kapitaal_per_eenheid: Decimal,
    /// The unit `max_tarief` and `kapitaal_per_eenheid` are per, when the table says; the
    /// join converts claims stated in another unit of time into it.
    pub eenheid: Option<Eenheid>,
}

/// The claim sums of one provider for one prestatiecode: Σ aantal and Σ bedrag.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct ClaimSums {
    pub aantal: Decimal,
    pub bedrag: Decimal,
}

/// The jaarverslag figures of one provider for the reference year.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Accounts {
    pub kvk: Kvk,
    pub naam: String,
    pub boekjaar: i32,
    /// B
    pub bedrijfsopbrengsten: Decimal,
    /// W
    pub opbrengsten_wlz: Option<Decimal>,
    /// L
    pub bedrijfslasten: Decimal,
    /// FB
    pub financiele_baten: Decimal,
    /// FL, a positive number
    pub financiele_lasten: Decimal,
    pub resultaat: Option<Decimal>,
    pub sector: Option<Sector>,
    /// Where the row came from, for explanations ("jaarverslagen.csv row 7").
    pub bron: String,
}

/// Per-provider sums over its claims joined with the tariff table (methodology section 3).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClaimFigures {
    /// D = Σ d
    pub declaraties: Decimal,
    /// K = Σ k, the capital part (NHC/NIC lines plus n·e of integral tariffs)
    pub kapitaal: Decimal,
    /// X = Σ x, lines paid at 100% and never scaled
    pub volledig: Decimal,
    /// S = Σ s, the care part as paid
    pub zorg: Decimal,
    /// S_max = Σ s_max, the care part at 100% of the maximum tariff
    pub zorg_max: Decimal,
    /// Σ d over lines whose leveringsvorm counts as intramural
    pub intramuraal: Decimal,
    /// Σ d per sector, in `Sector::ALL` order
    pub per_sector: [Decimal; 3],
}

/// A provider's claim sums before the configuration chooses which leveringsvormen count as
/// intramural: `figures` with `intramuraal` left at zero, and Σd per leveringsvorm. This is
/// what the verification bundle carries per provider, so that a configuration read from it
/// may choose the intramural forms as freely as one read from the claims.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct ClaimTotals {
    pub figures: ClaimFigures,
    /// Σ d per leveringsvorm, in `Leveringsvorm::ALL` order
    pub per_leveringsvorm: [Decimal; 4],
}

impl ClaimTotals {
    /// The figures under a configuration whose intramural forms are `intramural_forms`:
    /// the intramural Σd is the sum of those forms' Σd. Exact: the sums of the same amounts
    /// in another order.
    pub(crate) fn figures(&self, intramural_forms: &[Leveringsvorm]) -> ClaimFigures {
        let mut f = self.figures.clone();
        f.intramuraal = Leveringsvorm::ALL
            .iter()
            .zip(&self.per_leveringsvorm)
            .filter(|(vorm, _)| intramural_forms.contains(vorm))
            .map(|(_, d)| *d)
            .sum();
        f
    }
}

/// A provider's break-even percentage r*: positive at r exactly when r ≥ r* (or r > r*
/// when zero does not count as positive). The infinities are variants, not magic numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum BreakEven {
    /// Positive at every percentage (−∞).
    Always,
    /// Positive from this fraction on.
    At(Decimal),
    /// Never positive (+∞).
    Never,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_need_eight_digits() {
        assert_eq!(Kvk::parse(" 01234567 ").unwrap().to_string(), "01234567");
        assert!(Kvk::parse("1234567").is_err());
        assert!(Kvk::parse("123456789").is_err());
        assert!(Agb::parse("1234567a").is_err());
    }

    #[test]
    fn an_identifier_of_a_bsn_s_shape_is_described_not_echoed() {
        for (text, shape) in [
            (
                "111222333",
                "found 9 digits, the length of a BSN; the value is not shown",
            ),
            (
                " 1112.22.333 ",
                "found 9 digits with separators, the length of a BSN",
            ),
            ("BSN111222333", "found text with a run of 9 digits"),
        ] {
            let err = Kvk::parse(text).unwrap_err();
            assert!(err.contains(shape), "{text}: {err}");
            assert!(!err.contains("333"), "{text}: {err}");
            let err = Agb::parse(text).unwrap_err();
            assert!(err.contains(shape), "{text}: {err}");
        }
        // Other wrong values are shown, to be found in the file.
        assert_eq!(
            Kvk::parse("1234567").unwrap_err(),
            "expected 8 digits, found \"1234567\""
        );
        assert_eq!(
            Kvk::parse("1234567890").unwrap_err(),
            "expected 8 digits, found \"1234567890\""
        );
    }

    #[test]
    fn free_standing_runs_of_nine_digits_are_concealed() {
        assert_eq!(
            conceal_bsns("unknown sector \"111222333\"; expected VV"),
            "unknown sector \"(9 digits, not shown)\"; expected VV"
        );
        assert_eq!(conceal_bsns("a 111222333x b"), "a (9 digits, not shown)x b");
        // Amounts and other lengths stay.
        for kept in [
            "123456789.50 is negative",
            "0,123456789",
            "1234567890",
            "12345678",
        ] {
            assert_eq!(conceal_bsns(kept), kept);
        }
    }

    #[test]
    fn closed_sets_parse_case_insensitively_and_name_the_choices() {
        assert_eq!(Sector::parse("ggz"), Ok(Sector::Ggz));
        assert_eq!(Component::parse("NHC"), Ok(Component::Nhc));
        let err = Leveringsvorm::parse("thuis").unwrap_err();
        assert!(err.contains("intramuraal, vpt, mpt, overig"), "{err}");
    }

    #[test]
    fn break_even_orders_infinities_around_values() {
        let mid = BreakEven::At(Decimal::new(955, 3));
        assert!(BreakEven::Always < mid && mid < BreakEven::Never);
    }
}
