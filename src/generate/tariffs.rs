//! The illustrative tariff table (real Wlz prestatiecodes of Vektis code list 055, with
//! amounts that are not the NZa's; every omschrijving written says so), the unit each tariff
//! is per and each claim counts, and which codes a provider claims. The table is data,
//! `tarieven.csv` beside this file, embedded in the binary and read once; its rows keep
//! their order, which is the order of the written `tarieven.csv` and the index a claim line
//! carries. Nothing here draws a number or writes a file.

use std::sync::LazyLock;

use crate::model::{Component, Eenheid, Leveringsvorm, Sector};

/// One row of the table.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Code {
    pub(super) code: String,
    pub(super) sector: Sector,
    pub(super) vorm: Leveringsvorm,
    pub(super) component: Component,
    /// Maximum tariff and embedded capital, in cents per `unit`.
    pub(super) max: i64,
    pub(super) capital: i64,
    /// The unit the tariff is per (the table's `eenheid`).
    pub(super) unit: Eenheid,
    /// The unit a claim line of the code counts (`declaratie_eenheid`, else `unit`).
    pub(super) claimed: Eenheid,
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
    declaratie_eenheid: String,
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
        let unit = Eenheid::parse(&row.eenheid).map_err(at)?;
        let claimed = if row.declaratie_eenheid.is_empty() {
            unit
        } else {
            Eenheid::parse(&row.declaratie_eenheid).map_err(at)?
        };
        // A claim's count must convert into the tariff's unit, or no amount follows.
        if claimed.ratio_to(unit).is_none() {
            return Err(at(format!(
                "declaratie_eenheid {claimed} does not convert into eenheid {unit}"
            )));
        }
        codes.push(Code {
            sector: Sector::parse(&row.sector).map_err(at)?,
            vorm: Leveringsvorm::parse(&row.leveringsvorm).map_err(at)?,
            component: Component::parse(&row.component).map_err(at)?,
            max: cents(&row.max_tarief).map_err(at)?,
            capital,
            unit,
            claimed,
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

/// The codes a provider of a sector and kind claims, with relative weights. A stay is one
/// integral zzp code per etmaal, its NHC and NIC inside the tariff; modular care is claimed
/// in minutes (dagbesteding in dagdelen). GGZ has no VPT code in the code list.
pub(super) fn profile(sector: &str, intramural: bool) -> Vec<(usize, f64)> {
    let codes: Vec<(&str, f64)> = match (sector, intramural) {
        ("VV", true) => vec![
            ("Z041", 6.0),
            ("Z053", 9.0),
            ("Z063", 6.0),
            ("Z073", 3.0),
            ("H126", 1.5),
            ("H104", 0.5),
            ("Z901", 0.5),
            ("V041", 0.5),
        ],
        ("VV", false) => vec![("V041", 2.0), ("V051", 1.5), ("H126", 4.0), ("H104", 2.0)],
        ("GZ", true) => vec![
            ("Z433", 3.0),
            ("Z457", 6.0),
            ("Z473", 3.0),
            ("H903", 1.0),
            ("H300", 0.5),
            ("H881", 0.5),
        ],
        ("GZ", false) => vec![("V457", 1.0), ("H300", 4.0), ("H903", 2.0), ("H881", 1.0)],
        ("GGZ", true) => vec![("Z233", 6.0), ("Z243", 3.0), ("H153", 1.0)],
        _ => vec![("H153", 4.0), ("F125", 1.5)],
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
        // The sample's tarieven.csv has 34 rows; the first, an hourly one and the last, by hand.
        assert_eq!(codes.len(), 34);
        assert_eq!(
            codes[0],
            Code {
                code: "Z041".into(),
                sector: Sector::Vv,
                vorm: Leveringsvorm::Intramuraal,
                component: Component::Zorg,
                max: 21265,
                capital: 3425,
                unit: Eenheid::Etmaal,
                claimed: Eenheid::Etmaal,
                what: "ZZP 4VV excl.BH incl.DB, incl. NHC en NIC, per etmaal".into(),
            }
        );
        let h126 = &codes[6];
        assert_eq!(h126.code, "H126");
        assert_eq!((h126.unit, h126.claimed), (Eenheid::Uur, Eenheid::Minuut));
        assert_eq!(codes[33].code, "H306");
        assert_eq!((codes[33].max, codes[33].claimed), (1575, Eenheid::Minuut));
        // Every code a provider may claim is in the table (tariff_index would panic).
        for sector in ["VV", "GZ", "GGZ"] {
            for intramural in [true, false] {
                assert!(!profile(sector, intramural).is_empty());
            }
        }
    }

    #[test]
    fn a_bad_row_is_named() {
        let header = "prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid,eenheid,declaratie_eenheid\n";
        let bad = |row: &str| parse(&format!("{header}# a comment\n{row}\n")).unwrap_err();
        assert_eq!(
            bad("X,x,VV,vpt,zorg,12.5,,etmaal,"),
            "row 1: \"12.5\": euros with two decimals, like 178.40"
        );
        assert!(bad("X,x,VV,vpt,zorg,12.50,,week,").contains("unknown eenheid \"week\""));
        assert!(bad("X,x,VV,mpt,zorg,12.50,,uur,dagdeel")
            .contains("declaratie_eenheid dagdeel does not convert into eenheid uur"));
        assert!(bad("X,x,ZZ,vpt,zorg,12.50,,etmaal,").contains("unknown sector"));
        assert!(parse(&format!(
            "{header}X,x,VV,vpt,zorg,12.50,1.00,etmaal,\nX,x,VV,vpt,zorg,1.00,,etmaal,\n"
        ))
        .unwrap_err()
        .contains("row 2: X twice"));
    }
}
