//! A verification bundle's `aggregaten.csv`: per provider its jaarverslag figures and the
//! sums of its claims, read in place of the jaarverslagen, the claims, the tariffs and the
//! koppeltabel; and the bundle's other files as bytes, for `verify`.
//!
//! Figures are sums of many claims, so they may have up to 12 decimals (a 6-decimal count
//! times a 6-decimal tariff) and lie up to 10^15 (`FIGURE_BOUND`), beyond the bounds of an
//! input number; they are parsed exactly with these bounds, with a point, and never
//! rounded. The sums that must agree (D = K + X + S, and D = Σd per leveringsvorm = Σd per
//! sector) are checked on every row, so a figure changed by hand is named with its row.
//! Nothing of the methodology is decided here: the sector, cluster and reasons the bundle
//! records are handed on as written, for `verify` to compare.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;

use super::number::{cell_text, Cell};
use super::table::{read_table, RowErrors, Want};
use super::{table_columns, Fields};
use crate::config::InputSpec;
use crate::model::number::{FIGURE_BOUND, FIGURE_BOUND_TEXT};
use crate::model::{
    is_pseudonym, Accounts, ClaimFigures, ClaimTotals, Kvk, Sector, AGGREGATEN_COLUMNS,
};

/// The most decimals a bundle's figure may have: a six-decimal aantal times a six-decimal
/// tariff.
const FIGURE_DECIMALS: u32 = 12;

/// What a bundle row records of the run that wrote it: the sector, cluster and reasons as
/// written (empty where the column is).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recorded {
    pub sector: String,
    pub cluster: String,
    pub reden: String,
}

/// Everything `aggregaten.csv` holds, keyed by KvK: a pseudonymised bundle's providers get
/// numbers 1, 2, ... in the order of their pseudonyms, and `pseudonyms` maps back.
#[derive(Debug, Clone, Default)]
pub(crate) struct Aggregates {
    pub accounts: BTreeMap<Kvk, Accounts>,
    pub totals: BTreeMap<Kvk, ClaimTotals>,
    pub incomplete: BTreeMap<Kvk, Vec<String>>,
    /// Every provider's name; empty for a pseudonymised provider.
    pub names: BTreeMap<Kvk, String>,
    /// Pseudonym → the number it is known by in the run; empty for a bundle of KvKs.
    pub pseudonyms: BTreeMap<String, Kvk>,
    pub recorded: BTreeMap<Kvk, Recorded>,
    pub rows: u64,
}

/// A bundle's figure: an optional minus, digits, and a point with at most 12 decimals;
/// below 10^15 in magnitude.
fn figure(cell: &Cell) -> Result<Option<Decimal>, String> {
    let Some(text) = cell_text(cell) else {
        return Ok(None);
    };
    let digits = text.strip_prefix('-').unwrap_or(&text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let plain = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !plain(whole) || !plain(fraction) || digits.ends_with('.') {
        return Err(format!(
            "not a number: {text:?}; a bundle writes figures with a point and no separators"
        ));
    }
    if fraction.len() as u32 > FIGURE_DECIMALS {
        return Err(format!(
            "{text} has {} decimals; a bundle's figures have at most {FIGURE_DECIMALS}",
            fraction.len()
        ));
    }
    let value = Decimal::from_str_exact(&text).map_err(|_| format!("not a number: {text:?}"))?;
    if value.abs() >= Decimal::from(FIGURE_BOUND) {
        return Err(format!(
            "{text} reaches {FIGURE_BOUND_TEXT}, the bound of a provider's figures"
        ));
    }
    Ok(Some(value))
}

/// Column indices of the figures, in `AGGREGATEN_COLUMNS`.
const ACCOUNTS: std::ops::Range<usize> = 6..11;
const CLAIMS: std::ops::Range<usize> = 11..23;

/// Reads `aggregaten.csv` (`spec`'s one file); `year` is the reference year the accounts
/// are given.
pub(crate) fn read_aggregates(spec: &InputSpec) -> Result<Aggregates> {
    let shown = spec.file().shown.as_str();
    let table = read_table(&spec.file().path, shown)?;
    let wants: Vec<Want> = AGGREGATEN_COLUMNS
        .iter()
        .map(|&name| Want {
            name,
            required: true,
        })
        .collect();
    let columns = table_columns(&table, &wants, &spec.columns)?;
    let mut errors = RowErrors::new(shown);
    // Rows as read, before pseudonyms are numbered.
    struct Read {
        id: String,
        naam: Option<String>,
        recorded: Recorded,
        accounts: Option<Accounts>,
        totals: Option<ClaimTotals>,
        missing: Option<Vec<String>>,
    }
    let mut read: Vec<Read> = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let Some(id) = f.text(0) else { continue };
        let kvk = Kvk::parse(&id).ok();
        if kvk.is_none() && !is_pseudonym(&id) {
            let column = columns[0].expect("required column");
            f.fail(
                0,
                column,
                format!(
                    "{id:?} is neither a KvK number (8 digits) nor a pseudonym (16 or 64 lowercase hexadecimal digits)"
                ),
            );
            continue;
        }
        let naam = f.value(1, false, |c| Ok(cell_text(c)));
        let recorded = Recorded {
            sector: f.value(2, false, |c| Ok(cell_text(c))).unwrap_or_default(),
            cluster: f.value(3, false, |c| Ok(cell_text(c))).unwrap_or_default(),
            reden: f.value(4, false, |c| Ok(cell_text(c))).unwrap_or_default(),
        };
        let sector = f.parsed(5, false, Sector::parse);
        let numbers: Vec<Option<Decimal>> = (ACCOUNTS.start..CLAIMS.end)
            .map(|i| f.value(i, false, figure))
            .collect();
        let missing = f.value(23, false, |c| Ok(cell_text(c))).map(|t| {
            t.split(';')
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .collect::<Vec<String>>()
        });
        let given = |range: std::ops::Range<usize>| {
            range
                .map(|i| numbers[i - ACCOUNTS.start])
                .collect::<Vec<Option<Decimal>>>()
        };
        let location = table.row_location(row);
        // A jaarverslag is B, L, FB and FL together (W may be empty); claims are all twelve
        // sums together. A part of either is a row changed by hand.
        let a = given(ACCOUNTS);
        let required_accounts = [a[0], a[2], a[3], a[4]];
        let accounts = match required_accounts.iter().filter(|v| v.is_some()).count() {
            0 if a[1].is_none() => None,
            4 => {
                let fl = a[4].expect("counted");
                if fl.is_sign_negative() && !fl.is_zero() {
                    let column = columns[10].expect("required column");
                    f.fail(
                        10,
                        column,
                        format!(
                            "{fl} is negative; financiële lasten are entered as a positive number"
                        ),
                    );
                }
                Some(Accounts {
                    kvk: kvk.unwrap_or(Kvk::from_number(0)),
                    naam: naam.clone().unwrap_or_default(),
                    boekjaar: spec.year,
                    bedrijfsopbrengsten: a[0].expect("counted"),
                    opbrengsten_wlz: a[1],
                    bedrijfslasten: a[2].expect("counted"),
                    financiele_baten: a[3].expect("counted"),
                    financiele_lasten: fl,
                    resultaat: None,
                    sector,
                    bron: format!("{shown} {location}"),
                })
            }
            _ => {
                errors.push_row(
                    &location,
                    "a jaarverslag needs bedrijfsopbrengsten, bedrijfslasten, financiele_baten and financiele_lasten together, or none of them (and then no opbrengsten_wlz)",
                );
                continue;
            }
        };
        let c = given(CLAIMS);
        let totals = match c.iter().filter(|v| v.is_some()).count() {
            0 => None,
            12 => {
                let c: Vec<Decimal> = c.into_iter().map(|v| v.expect("counted")).collect();
                let totals = ClaimTotals {
                    figures: ClaimFigures {
                        declaraties: c[0],
                        kapitaal: c[1],
                        volledig: c[2],
                        zorg: c[3],
                        zorg_max: c[4],
                        intramuraal: Decimal::ZERO,
                        per_sector: [c[9], c[10], c[11]],
                    },
                    per_leveringsvorm: [c[5], c[6], c[7], c[8]],
                };
                if let Some(problem) = disagreement(&totals) {
                    errors.push_row(&location, &problem);
                    continue;
                }
                Some(totals)
            }
            _ => {
                errors.push_row(
                    &location,
                    "the claims' sums (declaraties to declaraties_ggz) are given together or not at all",
                );
                continue;
            }
        };
        if accounts.is_none() && totals.is_none() && missing.is_none() {
            errors.push_row(
                &location,
                "neither a jaarverslag, nor claims, nor DigiMV variables left empty: the row says nothing of the provider",
            );
            continue;
        }
        if accounts.is_some() && missing.is_some() {
            let column = columns[23].expect("required column");
            f.fail(
                23,
                column,
                "DigiMV variables named as empty beside a whole jaarverslag".into(),
            );
            continue;
        }
        if let Some(first) = seen.insert(id.clone(), row.number) {
            errors.push_row(
                &location,
                &format!("a second row for {id} (the first is row {first})"),
            );
            continue;
        }
        read.push(Read {
            id,
            naam,
            recorded,
            accounts,
            totals,
            missing,
        });
    }
    errors.finish()?;
    let pseudonymised = read.iter().filter(|r| is_pseudonym(&r.id)).count();
    if pseudonymised != 0 && pseudonymised != read.len() {
        bail!(
            "{shown} names {pseudonymised} of its {} providers by pseudonym and the others by KvK; a bundle names all of them one way",
            read.len()
        );
    }
    // Pseudonyms are numbered in their order, so that the run's order by KvK is theirs.
    let mut pseudonyms: BTreeMap<String, Kvk> = BTreeMap::new();
    if pseudonymised != 0 {
        let mut ids: Vec<&str> = read.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        for (i, id) in ids.into_iter().enumerate() {
            pseudonyms.insert(id.to_string(), Kvk::from_number(i as u32 + 1));
        }
    }
    let mut out = Aggregates {
        rows: table.rows.len() as u64,
        ..Aggregates::default()
    };
    for r in read {
        let kvk = match pseudonyms.get(&r.id) {
            Some(&k) => k,
            None => Kvk::parse(&r.id).expect("checked above"),
        };
        // A pseudonymised bundle has no names (and a name there would be ignored).
        let naam = if pseudonyms.is_empty() {
            r.naam.unwrap_or_default()
        } else {
            String::new()
        };
        if let Some(mut a) = r.accounts {
            a.kvk = kvk;
            a.naam = naam.clone();
            out.accounts.insert(kvk, a);
        }
        if let Some(t) = r.totals {
            out.totals.insert(kvk, t);
        }
        if let Some(m) = r.missing {
            out.incomplete.insert(kvk, m);
        }
        out.names.insert(kvk, naam);
        out.recorded.insert(kvk, r.recorded);
    }
    out.pseudonyms = pseudonyms;
    Ok(out)
}

/// Which of the sums that must agree do not: D = K + X + S (every claim line's bedrag is
/// split into exactly these parts), D = Σd per leveringsvorm and D = Σd per sector.
fn disagreement(t: &ClaimTotals) -> Option<String> {
    let f = &t.figures;
    let d = f.declaraties;
    let parts = f.kapitaal + f.volledig + f.zorg;
    let vormen: Decimal = t.per_leveringsvorm.iter().sum();
    let sectors: Decimal = f.per_sector.iter().sum();
    if parts != d {
        return Some(format!(
            "declaraties {d} is not kapitaal + volledig + zorg = {} + {} + {} = {parts}",
            f.kapitaal, f.volledig, f.zorg
        ));
    }
    if vormen != d {
        return Some(format!(
            "declaraties {d} is not the sum of declaraties_intramuraal, _vpt, _mpt and _overig = {vormen}"
        ));
    }
    if sectors != d {
        return Some(format!(
            "declaraties {d} is not the sum of declaraties_vv, _gz and _ggz = {sectors}"
        ));
    }
    None
}

/// A file of a bundle as bytes, for `verify`.
pub(crate) fn read_bundle_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The secret key of `--pseudoniem`: the file's bytes without a final line break. At
/// least 16 bytes, so that the pseudonyms cannot be found by trying keys.
pub(crate) fn read_key(path: &Path) -> Result<Vec<u8>> {
    let mut key = std::fs::read(path)
        .with_context(|| format!("cannot read the key file {}", path.display()))?;
    while key.last().is_some_and(|b| *b == b'\n' || *b == b'\r') {
        key.pop();
    }
    if key.len() < 16 {
        bail!(
            "the key file {} holds {} bytes; a key of at least 16 bytes (for instance 32 random hexadecimal digits) keeps the pseudonyms from being found by trying keys",
            path.display(),
            key.len()
        );
    }
    Ok(key)
}
