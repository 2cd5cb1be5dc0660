//! The illustrative tariff table (not the NZa's values; every omschrijving written says so)
//! and which codes a provider claims. The table is data, `tarieven.csv` beside this file,
//! embedded in the binary and read once; its rows keep their order, which is the order of
//! the written `tarieven.csv` and the index a claim line carries. Nothing here draws a
//! number or writes a file.

use std::sync::LazyLock;

use crate::model::{Component, Leveringsvorm, Sector};

/// How `generate` draws the aantal of a claim line of a code (the table's `eenheid`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Unit {
    /// 1 to 31 whole days (`dag`).
    Day,
    /// 0.25 to 40 in quarters (`uur`): hours, and contacts or weeks drawn the same way.
    Hour,
    /// 1 to 22 whole rides (`rit`).
    Ride,
}

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Code {
    pub(super) code: String,
    pub(super) sector: Sector,
    pub(super) vorm: Leveringsvorm,
    pub(super) component: Component,
    /// Maximum tariff and embedded capital, in cents per unit.
    pub(super) max: i64,
    pub(super) capital: i64,
    pub(super) unit: Unit,
    /// The omschrijving without the label that says it is illustrative.
    pub(super) what: String,
}

/// The table's text, as kept in the repository.
const TABLE: &str = include_str!("tarieven.csv");

/// The table, read on first use. It is part of the program, not an input: a row it cannot
/// read is a bug, which `the_table_reads_and_every_profile_code_is_in_it` catches first.
pub(super) static TARIFFS: LazyLock<Vec<Code>> =
    LazyLock::new(|| parse(TABLE).unwrap_or_else(|e| panic!("src/generate/tarieven.csv: {e}")));

/// A row as the file holds it.
#[derive(serde::Deserialize)]
struct Row {
    prestatiecode: String,
    omschrijving: String,
    sector: String,
    leveringsvorm: String,
    component: String,
    max_tarief: String,
    kapitaal_per_eenheid: String,
    eenheid: String,
}

/// Reads the table: `#` lines are comments; money has exactly two decimals, so that the
/// written table gives back the same text.
fn parse(text: &str) -> Result<Vec<Code>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let mut codes: Vec<Code> = Vec::new();
    for (i, row) in reader.deserialize::<Row>().enumerate() {
        let at = |e: String| format!("row {}: {e}", i + 1);
        let row = row.map_err(|e| at(e.to_string()))?;
        if codes.iter().any(|c| c.code == row.prestatiecode) {
            return Err(at(format!("{} twice", row.prestatiecode)));
        }
        let capital = if row.kapitaal_per_eenheid.is_empty() {
            0
        } else {
            cents(&row.kapitaal_per_eenheid).map_err(at)?
        };
        codes.push(Code {
            sector: Sector::parse(&row.sector).map_err(at)?,
            vorm: Leveringsvorm::parse(&row.leveringsvorm).map_err(at)?,
            component: Component::parse(&row.component).map_err(at)?,
            max: cents(&row.max_tarief).map_err(at)?,
            capital,
            unit: match row.eenheid.as_str() {
                "dag" => Unit::Day,
                "uur" => Unit::Hour,
                "rit" => Unit::Ride,
                other => return Err(at(format!("eenheid {other:?}: dag, uur or rit"))),
            },
            code: row.prestatiecode,
            what: row.omschrijving,
        });
    }
    Ok(codes)
}

/// Euros with exactly two decimals, as cents.
fn cents(text: &str) -> Result<i64, String> {
    let wrong = || format!("{text:?}: euros with two decimals, like 178.40");
    let (euros, cents) = text.split_once('.').ok_or_else(wrong)?;
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(euros, 1..=9) || !digits(cents, 2..=2) {
        return Err(wrong());
    }
    Ok(euros.parse::<i64>().map_err(|_| wrong())? * 100
        + cents.parse::<i64>().map_err(|_| wrong())?)
}

pub(super) fn tariff_index(code: &str) -> usize {
    TARIFFS
        .iter()
        .position(|t| t.code == code)
        .expect("the code is in the tariff table")
}

/// The codes a provider of a sector and kind claims, with relative weights. An intramural
/// stay claims its care code and, on separate lines, the NHC and NIC of the same days.
pub(super) fn profile(sector: &str, intramural: bool) -> Vec<(usize, f64)> {
    let codes: Vec<(&str, f64)> = match (sector, intramural) {
        ("VV", true) => vec![
            ("V4VV", 2.0),
            ("NHC4VV", 2.0),
            ("NIC4VV", 2.0),
            ("V5VV", 3.0),
            ("NHC5VV", 3.0),
            ("NIC5VV", 3.0),
            ("V6VV", 2.0),
            ("NHC6VV", 2.0),
            ("NIC6VV", 2.0),
            ("V7VV", 1.0),
            ("NHC7VV", 1.0),
            ("NIC7VV", 1.0),
            ("H126", 1.5),
            ("H127", 0.5),
            ("T101", 0.5),
            ("VPT4VV", 0.5),
        ],
        ("VV", false) => vec![
            ("VPT4VV", 2.0),
            ("VPT5VV", 1.5),
            ("H126", 4.0),
            ("H127", 2.0),
        ],
        ("GZ", true) => vec![
            ("VG3", 1.0),
            ("NHCVG3", 1.0),
            ("NICVG3", 1.0),
            ("VG5", 2.0),
            ("NHCVG5", 2.0),
            ("NICVG5", 2.0),
            ("VG7", 1.0),
            ("NHCVG7", 1.0),
            ("NICVG7", 1.0),
            ("H811", 1.0),
            ("H300", 0.5),
            ("H890", 0.5),
        ],
        ("GZ", false) => vec![("VPTVG5", 1.0), ("H300", 4.0), ("H811", 2.0), ("H890", 1.0)],
        ("GGZ", true) => vec![
            ("GGZ-W3", 2.0),
            ("NHC-GGZ-W3", 2.0),
            ("NIC-GGZ-W3", 2.0),
            ("GGZ-B4", 1.0),
            ("NHC-GGZ-B4", 1.0),
            ("NIC-GGZ-B4", 1.0),
            ("H152", 1.0),
        ],
        _ => vec![("VPT-GGZ-W3", 1.0), ("H152", 4.0), ("H153", 1.5)],
    };
    codes
        .into_iter()
        .map(|(c, w)| (tariff_index(c), w))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_reads_and_every_profile_code_is_in_it() {
        let codes = parse(TABLE).unwrap();
        // The sample's tarieven.csv has 47 rows; the first and the last, by hand.
        assert_eq!(codes.len(), 47);
        assert_eq!(
            codes[0],
            Code {
                code: "V4VV".into(),
                sector: Sector::Vv,
                vorm: Leveringsvorm::Intramuraal,
                component: Component::Zorg,
                max: 17840,
                capital: 0,
                unit: Unit::Day,
                what: "verblijf VV 4, per dag".into(),
            }
        );
        assert_eq!(codes[46].code, "H306");
        assert_eq!((codes[46].max, codes[46].unit), (1575, Unit::Hour));
        // Every code a provider may claim is in the table (tariff_index would panic).
        for sector in ["VV", "GZ", "GGZ"] {
            for intramural in [true, false] {
                assert!(!profile(sector, intramural).is_empty());
            }
        }
    }

    #[test]
    fn a_bad_row_is_named() {
        let header = "prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid,eenheid\n";
        let bad = |row: &str| parse(&format!("{header}# a comment\n{row}\n")).unwrap_err();
        assert_eq!(
            bad("X,x,VV,vpt,zorg,12.5,,dag"),
            "row 1: \"12.5\": euros with two decimals, like 178.40"
        );
        assert!(bad("X,x,VV,vpt,zorg,12.50,,week").contains("eenheid \"week\""));
        assert!(bad("X,x,ZZ,vpt,zorg,12.50,,dag").contains("unknown sector"));
        assert!(parse(&format!(
            "{header}X,x,VV,vpt,zorg,12.50,1.00,dag\nX,x,VV,vpt,zorg,1.00,,dag\n"
        ))
        .unwrap_err()
        .contains("row 2: X twice"));
    }
}
