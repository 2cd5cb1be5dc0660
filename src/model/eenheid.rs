//! Units: what one `aantal` counts, in the tariff table (the unit `max_tarief` is per) and
//! in a claim line (the unit it was declared in).
//!
//! Wlz care is declared in three kinds of count that never convert into each other: time
//! (modular care in minutes against an hourly NZa tariff), dagdelen of four hours (day
//! care) and etmalen (stays), besides prestaties that are counted by the piece. Within time
//! a count converts exactly by a ratio of whole minutes; across kinds it does not convert
//! at all, because a dagdeel's tariff is not four times an hourly one.
//!
//! A unit is written by name (`minuut`, `kwartier`, `uur`, `dagdeel`, `etmaal`, `stuk`) or
//! by its Vektis COD218 code (`01`, `02`, `04`, `16`, `14`, `82`; `81` "tijdsonafhankelijk"
//! is read as `stuk`, since a time-independent prestatie counts occurrences). Other COD218
//! codes (half uur, dagdeel of three hours, week, …) are refused by name rather than
//! guessed at: the Wlz koppeltabel uses none of them.
//!
//! Pure: no IO, nothing printed, nothing rounded.

use std::fmt;

/// The unit one `aantal` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Eenheid {
    Minuut,
    Kwartier,
    Uur,
    /// A dagdeel of four hours (COD218 16).
    Dagdeel,
    Etmaal,
    Stuk,
}

/// COD218 codes that name a unit this project does not convert, with their meaning, so
/// that an error can say what the code was.
const UNSUPPORTED_COD218: &[(u8, &str)] = &[
    (3, "half uur"),
    (6, "uren en minuten"),
    (7, "5 minuten"),
    (8, "10 minuten"),
    (11, "overdag"),
    (12, "nacht"),
    (13, "halve dag"),
    (15, "dagdeel (3 uur)"),
    (21, "week"),
    (24, "4 weken"),
    (31, "maand"),
    (33, "3 maanden"),
    (36, "6 maanden"),
    (41, "jaar"),
    (49, "langer dan een jaar"),
    (99, "onbekend"),
];

impl Eenheid {
    pub(crate) const ALL: &'static [Eenheid] = &[
        Eenheid::Minuut,
        Eenheid::Kwartier,
        Eenheid::Uur,
        Eenheid::Dagdeel,
        Eenheid::Etmaal,
        Eenheid::Stuk,
    ];

    /// The Dutch name, as the data contract and the outputs write it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Eenheid::Minuut => "minuut",
            Eenheid::Kwartier => "kwartier",
            Eenheid::Uur => "uur",
            Eenheid::Dagdeel => "dagdeel",
            Eenheid::Etmaal => "etmaal",
            Eenheid::Stuk => "stuk",
        }
    }

    /// The Vektis COD218 code (`stuk` is written as 82, "stuks").
    pub(crate) fn cod218(self) -> u8 {
        match self {
            Eenheid::Minuut => 1,
            Eenheid::Kwartier => 2,
            Eenheid::Uur => 4,
            Eenheid::Dagdeel => 16,
            Eenheid::Etmaal => 14,
            Eenheid::Stuk => 82,
        }
    }

    /// A unit by name (any case) or by COD218 code (`4` or `04`). The error says what was
    /// expected, and for a known but unsupported code, what it means.
    pub(crate) fn parse(text: &str) -> Result<Eenheid, String> {
        let t = text.trim();
        if let Some(u) = Eenheid::ALL
            .iter()
            .find(|u| t.eq_ignore_ascii_case(u.as_str()))
        {
            return Ok(*u);
        }
        if !t.is_empty() && t.len() <= 3 && t.bytes().all(|b| b.is_ascii_digit()) {
            let code: u8 = t.parse().expect("at most three digits");
            if code == 81 {
                return Ok(Eenheid::Stuk);
            }
            if let Some(u) = Eenheid::ALL.iter().find(|u| u.cod218() == code) {
                return Ok(*u);
            }
            if let Some((_, meaning)) = UNSUPPORTED_COD218.iter().find(|(c, _)| *c == code) {
                return Err(format!(
                    "unit code {t:?} (COD218: {meaning}) is not supported; expected one of {}",
                    Self::expected()
                ));
            }
        }
        Err(format!(
            "unknown eenheid {t:?}; expected one of {}",
            Self::expected()
        ))
    }

    fn expected() -> String {
        let names: Vec<String> = Eenheid::ALL
            .iter()
            .map(|u| format!("{} ({:02})", u.as_str(), u.cod218()))
            .collect();
        format!("{} (81 is read as stuk)", names.join(", "))
    }

    /// Minutes in one unit, for the units of time; none for the others.
    fn minutes(self) -> Option<u32> {
        match self {
            Eenheid::Minuut => Some(1),
            Eenheid::Kwartier => Some(15),
            Eenheid::Uur => Some(60),
            Eenheid::Dagdeel | Eenheid::Etmaal | Eenheid::Stuk => None,
        }
    }

    /// How a count in `self` becomes a count in `to`: multiply by the first number and
    /// divide by the second (in lowest terms; `(1, 1)` for the same unit). None when the
    /// two units are of different kinds and do not convert.
    pub(crate) fn ratio_to(self, to: Eenheid) -> Option<(u32, u32)> {
        if self == to {
            return Some((1, 1));
        }
        let (from, into) = (self.minutes()?, to.minutes()?);
        let g = gcd(from, into);
        Some((from / g, into / g))
    }

    /// Of units that all convert into each other, the one every other converts into by a
    /// whole number (the finest unit of time among them, or their one unit); none when
    /// some two do not convert, or when there are none.
    pub(crate) fn finest(units: impl IntoIterator<Item = Eenheid>) -> Option<Eenheid> {
        let mut finest: Option<Eenheid> = None;
        for u in units {
            finest = Some(match finest {
                None => u,
                Some(f) => match u.ratio_to(f)? {
                    // u is f or coarser: a whole number of f each.
                    (_, 1) => f,
                    _ => u,
                },
            });
        }
        finest
    }
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

impl fmt::Display for Eenheid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_cod218_codes_read_the_same_unit() {
        for (text, unit) in [
            ("minuut", Eenheid::Minuut),
            ("01", Eenheid::Minuut),
            ("1", Eenheid::Minuut),
            ("Kwartier", Eenheid::Kwartier),
            ("02", Eenheid::Kwartier),
            ("UUR", Eenheid::Uur),
            ("04", Eenheid::Uur),
            ("dagdeel", Eenheid::Dagdeel),
            ("16", Eenheid::Dagdeel),
            ("etmaal", Eenheid::Etmaal),
            ("14", Eenheid::Etmaal),
            ("stuk", Eenheid::Stuk),
            ("82", Eenheid::Stuk),
            ("81", Eenheid::Stuk),
            (" 04 ", Eenheid::Uur),
        ] {
            assert_eq!(Eenheid::parse(text), Ok(unit), "{text:?}");
        }
    }

    #[test]
    fn unsupported_and_unknown_units_are_refused_by_name() {
        let e = Eenheid::parse("15").unwrap_err();
        assert!(
            e.contains("dagdeel (3 uur)") && e.contains("not supported"),
            "{e}"
        );
        let e = Eenheid::parse("03").unwrap_err();
        assert!(e.contains("half uur"), "{e}");
        for text in ["", "uren", "05", "1234", "-1", "4.0"] {
            let e = Eenheid::parse(text).unwrap_err();
            assert!(e.starts_with("unknown eenheid"), "{text:?}: {e}");
        }
    }

    #[test]
    fn time_converts_by_whole_minutes_and_nothing_else_converts() {
        // By hand: 1 minute = 1/60 hour, 1 kwartier = 1/4 hour = 15 minutes.
        assert_eq!(Eenheid::Minuut.ratio_to(Eenheid::Uur), Some((1, 60)));
        assert_eq!(Eenheid::Uur.ratio_to(Eenheid::Minuut), Some((60, 1)));
        assert_eq!(Eenheid::Kwartier.ratio_to(Eenheid::Uur), Some((1, 4)));
        assert_eq!(Eenheid::Kwartier.ratio_to(Eenheid::Minuut), Some((15, 1)));
        assert_eq!(Eenheid::Minuut.ratio_to(Eenheid::Kwartier), Some((1, 15)));
        for u in Eenheid::ALL {
            assert_eq!(u.ratio_to(*u), Some((1, 1)));
        }
        for (a, b) in [
            (Eenheid::Dagdeel, Eenheid::Uur),
            (Eenheid::Uur, Eenheid::Dagdeel),
            (Eenheid::Etmaal, Eenheid::Dagdeel),
            (Eenheid::Stuk, Eenheid::Etmaal),
            (Eenheid::Minuut, Eenheid::Stuk),
        ] {
            assert_eq!(a.ratio_to(b), None, "{a} → {b}");
        }
    }

    #[test]
    fn the_finest_unit_is_the_one_every_other_converts_into_by_a_whole_number() {
        use Eenheid::*;
        assert_eq!(Eenheid::finest([Uur, Minuut, Kwartier]), Some(Minuut));
        assert_eq!(Eenheid::finest([Uur, Kwartier, Uur]), Some(Kwartier));
        assert_eq!(Eenheid::finest([Kwartier, Uur]), Some(Kwartier));
        assert_eq!(Eenheid::finest([Dagdeel, Dagdeel]), Some(Dagdeel));
        assert_eq!(Eenheid::finest([Uur]), Some(Uur));
        assert_eq!(Eenheid::finest([]), None);
        assert_eq!(Eenheid::finest([Uur, Dagdeel]), None);
        assert_eq!(Eenheid::finest([Minuut, Uur, Stuk]), None);
    }
}
