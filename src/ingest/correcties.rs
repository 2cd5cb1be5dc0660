//! A corrections file (`correcties`): per row a provider, a field of its jaarverslag or of
//! its claims' sums, the exact value that replaces it, and why and on what evidence; and
//! the laying of those values over what the inputs gave.
//!
//! The fields are the figures a verification bundle's `aggregaten.csv` carries per
//! provider (`AGGREGATEN_COLUMNS`, bedrijfsopbrengsten to declaraties_ggz), so a correction
//! names a figure the way the bundle shows it. A correction replaces a figure; it never
//! re-balances another one: when a provider's claims' sums no longer agree afterwards
//! (D = K + X + S, D = Σd per leveringsvorm, D = Σd per sector) the corrections are refused,
//! naming their rows, and the analyst corrects every sum the objection touches. Nothing of
//! the methodology is decided here, and nothing is written.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use super::aggregaten::disagreement;
use super::number::{cell_decimal, cell_identifier, cell_text};
use super::table::{read_table, required, RowErrors};
use super::{table_columns, Fields};
use crate::config::{Input, Mapping};
use crate::model::number::DecimalSign;
use crate::model::{is_pseudonym, Accounts, ClaimTotals, Kvk, AGGREGATEN_COLUMNS};

/// The columns of a corrections file, in order.
pub(crate) const CORRECTIES_COLUMNS: [&str; 5] = ["kvk", "veld", "waarde", "reden", "bron"];

/// The jaarverslag's figures a correction may name (B, W, L, FB, FL).
const ACCOUNTS: std::ops::Range<usize> = 6..11;
/// The claims' sums a correction may name (D to Σd GGZ).
const CLAIMS: std::ops::Range<usize> = 11..23;

/// The fields a correction may name, in the bundle's order.
pub(crate) fn fields() -> &'static [&'static str] {
    &AGGREGATEN_COLUMNS[ACCOUNTS.start..CLAIMS.end]
}

/// One row of a corrections file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Correction {
    /// The KvK number, or a pseudonymised bundle's pseudonym, as written.
    pub kvk: String,
    /// A name of `fields()`.
    pub veld: &'static str,
    /// The value that replaces the input's, exact.
    pub waarde: Decimal,
    pub reden: String,
    pub bron: String,
    /// "row 3", or "sheet \"Blad1\", row 3".
    pub rij: String,
    /// Where the KvK cell is, for the message when no provider has it.
    kvk_cell: String,
}

/// A corrections file as read: its rows in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Corrections {
    /// The file as the scenarios file names it, for messages and outputs.
    pub shown: String,
    pub rows: u64,
    pub list: Vec<Correction>,
}

/// Reads a corrections file (CSV or a spreadsheet's first sheet). Every row's problems are
/// collected before failing: an unknown field, a value that is not a number, an empty
/// reason or source, a second correction of the same field of the same provider.
pub(crate) fn read_corrections(path: &Path, shown: &str, sign: DecimalSign) -> Result<Corrections> {
    let table = read_table(path, shown)?;
    let wants: Vec<_> = CORRECTIES_COLUMNS.iter().map(|&c| required(c)).collect();
    // A corrections file is nobody's renamed export: its columns are read under their own
    // names, whatever `[kolommen]` says of the inputs.
    let columns = table_columns(&table, &wants, &Mapping::none(Input::Aggregaten))?;
    let mut errors = RowErrors::new(shown);
    let mut list: Vec<Correction> = Vec::new();
    let mut seen: BTreeMap<(String, &'static str), String> = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let kvk = f.value(0, true, |c| match cell_identifier(c) {
            None => Ok(None),
            Some(id) if is_pseudonym(&id) => Ok(Some(id)),
            Some(id) => Kvk::parse(&id).map(|k| Some(k.to_string())),
        });
        let veld = f.value(1, true, |c| match cell_text(c) {
            None => Ok(None),
            Some(name) => fields()
                .iter()
                .find(|n| n.eq_ignore_ascii_case(&name))
                .map(|n| Some(*n))
                .ok_or_else(|| {
                    format!(
                        "{name:?} is not a field a correction can name; the fields are {}",
                        fields().join(", ")
                    )
                }),
        });
        let waarde = f.value(2, true, |c| {
            cell_decimal(c, sign).map(|d| d.map(|d| d.normalize()))
        });
        let reden = f.text(3);
        let bron = f.text(4);
        let (Some(kvk), Some(veld), Some(waarde), Some(reden), Some(bron)) =
            (kvk, veld, waarde, reden, bron)
        else {
            continue;
        };
        if veld == "financiele_lasten" && waarde.is_sign_negative() && !waarde.is_zero() {
            let column = columns[2].expect("required column");
            f.fail(
                2,
                column,
                format!("{waarde} is negative; financiële lasten are entered as a positive number"),
            );
            continue;
        }
        let rij = table.row_location(row);
        if let Some(first) = seen.insert((kvk.clone(), veld), rij.clone()) {
            errors.push_row(
                &rij,
                &format!("a second correction of {veld} of {kvk} (the first is {first})"),
            );
            continue;
        }
        list.push(Correction {
            kvk,
            veld,
            waarde,
            reden,
            bron,
            rij,
            kvk_cell: table.location(row, columns[0].expect("required column")),
        });
    }
    errors.finish()?;
    if list.is_empty() {
        bail!("{shown} holds no correction: it has a header line and no rows");
    }
    Ok(Corrections {
        shown: shown.to_string(),
        rows: table.rows.len() as u64,
        list,
    })
}

/// What one correction replaced: the provider the run knows, and the value the inputs gave.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Applied {
    pub kvk: Kvk,
    pub oud: Option<Decimal>,
}

/// Lays `corrections` over a reading's jaarverslagen and claims' sums, in the file's order;
/// one `Applied` per correction. `pseudonyms` maps a pseudonymised bundle's pseudonyms to
/// the numbers the run knows them by. A KvK the inputs do not have, a jaarverslag figure of
/// a provider without a jaarverslag, a claims' sum of one without claims, and claims' sums
/// that no longer agree are errors naming the file and the rows.
pub(crate) fn apply(
    corrections: &Corrections,
    accounts: &mut BTreeMap<Kvk, Accounts>,
    totals: &mut BTreeMap<Kvk, ClaimTotals>,
    known: &dyn Fn(Kvk) -> bool,
    pseudonyms: &BTreeMap<String, Kvk>,
) -> Result<Vec<Applied>> {
    let mut errors = RowErrors::new(&corrections.shown);
    let mut applied = Vec::with_capacity(corrections.list.len());
    // The rows that touched each provider's claims' sums, to name when they disagree.
    let mut claim_rows: BTreeMap<Kvk, Vec<&str>> = BTreeMap::new();
    for c in &corrections.list {
        let kvk = if is_pseudonym(&c.kvk) {
            pseudonyms.get(&c.kvk).copied()
        } else {
            // A pseudonymised bundle knows its providers by pseudonym only.
            Kvk::parse(&c.kvk)
                .ok()
                .filter(|k| pseudonyms.is_empty() && known(*k))
        };
        let Some(kvk) = kvk else {
            errors.push(
                &c.kvk_cell,
                "kvk",
                &format!(
                    "{} is no provider of the inputs: none of them has a jaarverslag or claims of it",
                    c.kvk
                ),
            );
            continue;
        };
        let at = fields()
            .iter()
            .position(|f| *f == c.veld)
            .expect("read from fields()")
            + ACCOUNTS.start;
        let oud = if ACCOUNTS.contains(&at) {
            let Some(a) = accounts.get_mut(&kvk) else {
                errors.push_row(
                    &c.rij,
                    &format!(
                        "{} has no jaarverslag of the reference year whose {} could be corrected",
                        c.kvk, c.veld
                    ),
                );
                continue;
            };
            a.bron = format!("{}, corrected by {} {}", a.bron, corrections.shown, c.rij);
            match at - ACCOUNTS.start {
                0 => Some(std::mem::replace(&mut a.bedrijfsopbrengsten, c.waarde)),
                // W may have been empty in the jaarverslag; the correction gives it.
                1 => a.opbrengsten_wlz.replace(c.waarde),
                2 => Some(std::mem::replace(&mut a.bedrijfslasten, c.waarde)),
                3 => Some(std::mem::replace(&mut a.financiele_baten, c.waarde)),
                _ => Some(std::mem::replace(&mut a.financiele_lasten, c.waarde)),
            }
        } else {
            let Some(t) = totals.get_mut(&kvk) else {
                errors.push_row(
                    &c.rij,
                    &format!(
                        "{} has no claims of the reference year whose {} could be corrected",
                        c.kvk, c.veld
                    ),
                );
                continue;
            };
            let f = &mut t.figures;
            let slot = match at - CLAIMS.start {
                0 => &mut f.declaraties,
                1 => &mut f.kapitaal,
                2 => &mut f.volledig,
                3 => &mut f.zorg,
                4 => &mut f.zorg_max,
                i @ 5..=8 => &mut t.per_leveringsvorm[i - 5],
                i => &mut f.per_sector[i - 9],
            };
            claim_rows.entry(kvk).or_default().push(&c.rij);
            Some(std::mem::replace(slot, c.waarde))
        };
        applied.push(Applied { kvk, oud });
    }
    for (kvk, rows) in &claim_rows {
        if let Some(problem) = disagreement(&totals[kvk]) {
            let who = &corrections.list[applied
                .iter()
                .position(|a| a.kvk == *kvk)
                .expect("a correction of it")]
            .kvk;
            errors.push_row(
                &rows.join(", "),
                &format!(
                    "after the corrections of {who} its claims' sums no longer agree: {problem}; a correction never re-balances another sum, so correct every sum the objection changes"
                ),
            );
        }
    }
    errors.finish()?;
    Ok(applied)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ClaimFigures;

    fn file(name: &str, text: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("richttarief-correcties-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn read(name: &str, text: &str) -> Result<Corrections> {
        read_corrections(&file(name, text), name, DecimalSign::Point)
    }

    /// D = 100 = K 10 + X 0 + S 90; all intramural and VV.
    fn totals() -> BTreeMap<Kvk, ClaimTotals> {
        let d = Decimal::from(100);
        let t = ClaimTotals {
            figures: ClaimFigures {
                declaraties: d,
                kapitaal: Decimal::from(10),
                volledig: Decimal::ZERO,
                zorg: Decimal::from(90),
                zorg_max: Decimal::from(95),
                intramuraal: Decimal::ZERO,
                per_sector: [d, Decimal::ZERO, Decimal::ZERO],
            },
            per_leveringsvorm: [d, Decimal::ZERO, Decimal::ZERO, Decimal::ZERO],
        };
        BTreeMap::from([(Kvk::from_number(10000001), t)])
    }

    fn apply_to(c: &Corrections) -> Result<(Vec<Applied>, BTreeMap<Kvk, ClaimTotals>)> {
        let mut t = totals();
        let known = |k: Kvk| k == Kvk::from_number(10000001);
        let applied = apply(c, &mut BTreeMap::new(), &mut t, &known, &BTreeMap::new())?;
        Ok((applied, t))
    }

    #[test]
    fn a_correction_that_breaks_an_identity_is_refused_naming_its_rows() {
        // S 90 → 95 alone leaves D 100 ≠ K + X + S = 105.
        let c = read(
            "a.csv",
            "kvk,veld,waarde,reden,bron\n10000001,zorg,95,te laag,brief\n",
        )
        .unwrap();
        let err = apply_to(&c).unwrap_err().to_string();
        assert!(
            err.contains("a.csv: row 2: after the corrections of 10000001")
                && err.contains(
                    "declaraties 100 is not kapitaal + volledig + zorg = 10 + 0 + 95 = 105"
                ),
            "{err}"
        );
    }

    #[test]
    fn corrections_that_keep_the_identities_are_laid_over_the_sums() {
        // S 90 → 95 with D, Σd intramural and Σd VV each 100 → 105: every sum agrees.
        let c = read(
            "b.csv",
            "kvk,veld,waarde,reden,bron\n10000001,zorg,95,a,b\n10000001,declaraties,105,a,b\n10000001,declaraties_intramuraal,105,a,b\n10000001,declaraties_vv,105,a,b\n",
        )
        .unwrap();
        let (applied, t) = apply_to(&c).unwrap();
        assert_eq!(applied.len(), 4);
        assert_eq!(applied[0].oud, Some(Decimal::from(90)));
        let f = &t[&Kvk::from_number(10000001)].figures;
        assert_eq!(
            (f.zorg, f.declaraties, f.per_sector[0]),
            (Decimal::from(95), Decimal::from(105), Decimal::from(105))
        );
    }

    #[test]
    fn rows_are_checked_for_every_column() {
        let err = read(
            "c.csv",
            "kvk,veld,waarde,reden,bron\n10000001,omzet,5,a,b\n10000001,zorg,5x,a,b\n10000001,zorg,5,,b\n10000001,financiele_lasten,-5,a,b\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("4 invalid values in c.csv"), "{err}");
        assert!(
            err.contains("row 2, column \"veld\": \"omzet\" is not a field"),
            "{err}"
        );
        assert!(err.contains("row 3, column \"waarde\""), "{err}");
        assert!(err.contains("row 4, column \"reden\": empty"), "{err}");
        assert!(
            err.contains("row 5, column \"waarde\": -5 is negative"),
            "{err}"
        );
        let err = read(
            "d.csv",
            "kvk,veld,waarde,reden,bron\n10000001,zorg,5,a,b\n10000001,ZORG,6,a,b\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("row 3: a second correction of zorg of 10000001 (the first is row 2)"),
            "{err}"
        );
    }
}
