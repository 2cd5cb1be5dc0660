//! The input edge: reads jaarverslagen, tarieven, koppeltabel and declaraties (or a
//! verification bundle's aggregaten) into the domain types, and refuses bad data with the
//! file, row or cell, column and value.
//!
//! Every reader collects all row errors of its file before failing (see `RowErrors`).
//! Only contract columns are read; nothing from other columns reaches a result or message.
//! A reader knows of the configuration only the `InputSpec` it is handed, and nothing of
//! the methodology: what a row means for the RTP is decided after it is read.

pub(crate) mod aggregaten;
mod aw319;
pub mod claims;
mod claims_csv;
mod contracteerruimte;
pub(crate) mod correcties;
/// The DigiMV open dataset as published (for the benchmark and the tests).
pub mod digimv;
#[doc(hidden)]
pub mod fuzzing;
pub mod number;
mod parquet;
mod table;
pub(crate) mod vocabulary;

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use rust_decimal::Decimal;

pub(crate) use contracteerruimte::read_contracteerruimte;

use crate::config::{InputSpec, Mapping};
use crate::model::kenmerken::{KenmerkRow, Kenmerken, Kind, Value, Vocabulary};
use crate::model::number::DecimalSign;
use crate::model::{
    Accounts, Agb, Component, Eenheid, Kvk, Leveringsvorm, Sector, Tariff, TariffTable, Zorgkantoor,
};
use number::{cell_decimal, cell_identifier, cell_integer, cell_text, Cell};
use table::{map_columns, optional, read_table, required, Row, RowErrors, Table, Want};

/// The wanted columns of `table`, read as its input is mapped in `[kolommen]`.
fn table_columns(table: &Table, wants: &[Want], columns: &Mapping) -> Result<Vec<Option<usize>>> {
    map_columns(&table.file, table.sheet(), &table.headers, wants, columns)
}

/// Reads one row's cells by contract column, recording problems in `errors`.
struct Fields<'a> {
    table: &'a Table,
    row: &'a Row,
    columns: &'a [Option<usize>],
    wants: &'a [Want],
    errors: &'a mut RowErrors,
}

impl<'a> Fields<'a> {
    fn new(
        table: &'a Table,
        row: &'a Row,
        columns: &'a [Option<usize>],
        wants: &'a [Want],
        errors: &'a mut RowErrors,
    ) -> Fields<'a> {
        Fields {
            table,
            row,
            columns,
            wants,
            errors,
        }
    }

    fn cell(&self, i: usize) -> Option<(usize, &Cell)> {
        self.columns[i].map(|c| (c, self.row.cell(c)))
    }

    fn fail(&mut self, i: usize, column: usize, problem: String) {
        let location = self.table.location(self.row, column);
        self.errors.push(&location, self.wants[i].name, &problem);
    }

    /// The value of column `i`, required to be present when `needed`.
    fn value<T>(
        &mut self,
        i: usize,
        needed: bool,
        parse: impl Fn(&Cell) -> Result<Option<T>, String>,
    ) -> Option<T> {
        let (column, cell) = self.cell(i)?;
        match parse(cell) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                if needed {
                    self.fail(i, column, "empty, a value is required".into());
                }
                None
            }
            Err(problem) => {
                self.fail(i, column, problem);
                None
            }
        }
    }

    fn text(&mut self, i: usize) -> Option<String> {
        self.value(i, true, |c| Ok(cell_text(c)))
    }

    fn decimal(&mut self, i: usize, needed: bool, sign: DecimalSign) -> Option<Decimal> {
        self.value(i, needed, |c| {
            cell_decimal(c, sign).map(|d| d.map(|d| d.normalize()))
        })
    }

    /// An optional unit (`Eenheid`), by name or COD218 code. Read as text, not as an
    /// identifier: a spreadsheet's number 4 is the code `04`, not the AGB-like `00000004`.
    fn unit(&mut self, i: usize) -> Option<Eenheid> {
        self.value(i, false, |c| {
            cell_text(c).map(|t| Eenheid::parse(&t)).transpose()
        })
    }

    fn integer(&mut self, i: usize) -> Option<i64> {
        self.value(i, true, cell_integer)
    }

    fn parsed<T>(
        &mut self,
        i: usize,
        needed: bool,
        parse: impl Fn(&str) -> Result<T, String>,
    ) -> Option<T> {
        self.value(i, needed, |c| match cell_identifier(c) {
            None => Ok(None),
            Some(t) => parse(&t).map(Some),
        })
    }
}

/// The jaarverslagen of the reference year, one per KvK.
#[derive(Debug, Clone)]
pub(crate) struct AccountsTable {
    pub(crate) by_kvk: BTreeMap<Kvk, Accounts>,
    pub(crate) rows: u64,
    /// Rows of other years, skipped.
    pub(crate) other_years: u64,
    /// Jaarverslagen per boekjaar, the reference year's included.
    pub(crate) years: BTreeMap<i64, u64>,
    /// Differences between a reported and the computed result above €1.
    pub(crate) warnings: Vec<String>,
    /// The name of every KvK in the file, of any year (the latest year's), so that a
    /// provider excluded for lacking this year's accounts still has a name in the reports.
    pub(crate) names: BTreeMap<Kvk, String>,
}

pub(crate) fn read_accounts(spec: &InputSpec) -> Result<AccountsTable> {
    let shown = spec.file().shown.as_str();
    let table = read_table(&spec.file().path, shown)?;
    let wants = [
        required("kvk"),
        required("naam"),
        required("boekjaar"),
        required("bedrijfsopbrengsten"),
        Want {
            name: "opbrengsten_wlz",
            required: spec.requires("opbrengsten_wlz"),
        },
        required("bedrijfslasten"),
        required("financiele_baten"),
        required("financiele_lasten"),
        optional("resultaat"),
        Want {
            name: "sector",
            required: spec.requires("sector"),
        },
    ];
    let columns = table_columns(&table, &wants, &spec.columns)?;
    let sign = spec.sign;
    let mut errors = RowErrors::new(shown);
    let mut seen: HashMap<(Kvk, i64), usize> = HashMap::new();
    let mut by_kvk = BTreeMap::new();
    let mut years: BTreeMap<i64, u64> = BTreeMap::new();
    let mut other_years = 0;
    let mut warnings = Vec::new();
    let mut names: BTreeMap<Kvk, (i64, String)> = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let kvk = f.parsed(0, true, Kvk::parse);
        let naam = f.text(1);
        let boekjaar = f.integer(2);
        let b = f.decimal(3, true, sign);
        // W may be empty or 0 (a provider without Wlz revenue); classify excludes such a
        // provider from the population when ρ = W/D needs it.
        let w = f.decimal(4, false, sign);
        let l = f.decimal(5, true, sign);
        let fb = f.decimal(6, true, sign);
        let fl = f.decimal(7, true, sign);
        let resultaat = f.decimal(8, false, sign);
        let sector = f.parsed(9, wants[9].required, Sector::parse);
        if let Some(v) = fl.filter(|v| v.is_sign_negative() && !v.is_zero()) {
            let column = columns[7].expect("required column");
            f.fail(
                7,
                column,
                format!("{v} is negative; financiële lasten are entered as a positive number"),
            );
        }
        let (Some(kvk), Some(naam), Some(boekjaar), Some(b), Some(l), Some(fb), Some(fl)) =
            (kvk, naam, boekjaar, b, l, fb, fl)
        else {
            continue;
        };
        if let Some(first) = seen.insert((kvk, boekjaar), row.number) {
            errors.push_row(
                &table.row_location(row),
                &format!("a second jaarverslag for KvK {kvk} and boekjaar {boekjaar} (the first is row {first})"),
            );
            continue;
        }
        *years.entry(boekjaar).or_default() += 1;
        let latest = names.entry(kvk).or_insert((boekjaar, naam.clone()));
        if boekjaar > latest.0 {
            *latest = (boekjaar, naam.clone());
        }
        if boekjaar != i64::from(spec.year) {
            other_years += 1;
            continue;
        }
        if let Some(reported) = resultaat {
            let computed = b - l + fb - fl;
            if (reported - computed).abs() > Decimal::ONE {
                warnings.push(format!(
                    "{shown} {}: KvK {kvk} reports resultaat {reported}, but B − L + FB − FL = {computed}",
                    table.row_location(row)
                ));
            }
        }
        by_kvk.insert(
            kvk,
            Accounts {
                kvk,
                naam,
                boekjaar: boekjaar as i32,
                bedrijfsopbrengsten: b,
                opbrengsten_wlz: w,
                bedrijfslasten: l,
                financiele_baten: fb,
                financiele_lasten: fl,
                resultaat,
                sector,
                bron: format!("{shown} {}", table.row_location(row)),
            },
        );
    }
    errors.finish()?;
    let names = names.into_iter().map(|(k, (_, n))| (k, n)).collect();
    Ok(AccountsTable {
        by_kvk,
        rows: table.rows.len() as u64,
        other_years,
        years,
        warnings,
        names,
    })
}

/// The jaarverslagen the DigiMV dataset gives, and what it leaves out.
#[derive(Debug, Clone)]
pub(crate) struct DigimvAccounts {
    pub(crate) table: AccountsTable,
    /// Providers whose required figures are empty in the dataset, with those variables.
    pub(crate) incomplete: BTreeMap<Kvk, Vec<String>>,
    /// Per part, in the order of `spec.files`: how many organisations it gave a value for.
    pub(crate) organisations: Vec<u64>,
    /// Where each provider's figures were read: (contract column, origin).
    pub(crate) origins: BTreeMap<Kvk, Vec<(&'static str, digimv::Origin)>>,
    /// How each provider's care-type flags gave its sector, or did not.
    pub(crate) sectors: BTreeMap<Kvk, digimv::SectorChoice>,
}

/// Reads the jaarverslagen from the DigiMV dataset (`spec.files`, its parts) through the
/// resolved variable map. A provider with an empty required figure is not a jaarverslag
/// but `incomplete`; one whose KvK is itself empty or invalid cannot be matched to any
/// claim, so it is only named in a warning.
pub(crate) fn read_digimv_accounts(
    spec: &InputSpec,
    map: &digimv::Resolved,
) -> Result<DigimvAccounts> {
    let parts: Vec<digimv::Part> = spec
        .files
        .iter()
        .map(|f| digimv::Part {
            path: f.path.clone(),
            shown: f.shown.clone(),
        })
        .collect();
    let extra: Vec<&str> = ["opbrengsten_wlz"]
        .into_iter()
        .filter(|c| spec.requires(c))
        .collect();
    let extract = digimv::extract(&parts, map, &extra)?;
    let mut warnings = Vec::new();
    let mut by_kvk = BTreeMap::new();
    let mut names = BTreeMap::new();
    let mut origins = BTreeMap::new();
    let mut sectors = BTreeMap::new();
    let mut open = Vec::new();
    for e in extract.by_kvk.values() {
        let a = &e.accounts;
        if let Some(reported) = a.resultaat {
            let computed =
                a.bedrijfsopbrengsten - a.bedrijfslasten + a.financiele_baten - a.financiele_lasten;
            if (reported - computed).abs() > Decimal::ONE {
                warnings.push(format!(
                    "{}: KvK {} reports resultaat {reported}, but B − L + FB − FL = {computed}",
                    a.bron, a.kvk
                ));
            }
        }
        names.insert(a.kvk, a.naam.clone());
        origins.insert(a.kvk, e.origins.clone());
        sectors.insert(a.kvk, e.sector.clone());
        if !matches!(e.sector, digimv::SectorChoice::Vlag(_)) {
            open.push(a.kvk.to_string());
        }
        by_kvk.insert(a.kvk, a.clone());
    }
    let mut incomplete = BTreeMap::new();
    let mut unmatched = Vec::new();
    for x in &extract.excluded {
        let variabelen = x.variabelen.clone();
        match x.kvk.as_deref().map(Kvk::parse) {
            Some(Ok(kvk)) => {
                if let Some(naam) = &x.naam {
                    names.insert(kvk, naam.clone());
                }
                incomplete.insert(kvk, variabelen);
            }
            _ => unmatched.push(format!("Code {} ({})", x.code, x.reden)),
        }
    }
    // With sector_bron = jaarverslag the flags were to give the sector; where they give
    // several or none, the claims' main sector is taken instead, and the user is told.
    if spec.requires("sector") && !open.is_empty() {
        let n = open.len();
        open.truncate(10);
        warnings.push(format!(
            "{n} provider{} of the DigiMV dataset flag{} several care types or none, so the sector comes from the claims (the main sector) instead of the jaarverslag: KvK {}{}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "" },
            open.join(", "),
            if n > 10 { ", …" } else { "" }
        ));
    }
    if !unmatched.is_empty() {
        let n = unmatched.len();
        unmatched.truncate(10);
        warnings.push(format!(
            "{n} organisation{} of the DigiMV dataset ha{} no valid KvK number, so no claim can be matched to {}: {}{}",
            if n == 1 { "" } else { "s" },
            if n == 1 { "s" } else { "ve" },
            if n == 1 { "it" } else { "them" },
            unmatched.join("; "),
            if n > 10 { "; …" } else { "" }
        ));
    }
    let organisations = spec
        .files
        .iter()
        .map(|f| {
            let prefix = f.shown.as_str();
            extract
                .dataset
                .organisations
                .values()
                .filter(|o| {
                    o.values
                        .iter()
                        .flatten()
                        .any(|v| v.origin.file.starts_with(prefix))
                })
                .count() as u64
        })
        .collect();
    let n = extract.dataset.organisations.len() as u64;
    Ok(DigimvAccounts {
        table: AccountsTable {
            by_kvk,
            rows: n,
            other_years: 0,
            years: BTreeMap::from([(i64::from(map.boekjaar), n)]),
            warnings,
            names,
        },
        incomplete,
        organisations,
        origins,
        sectors,
    })
}

pub(crate) fn read_tariffs(spec: &InputSpec) -> Result<TariffTable> {
    let shown = spec.file().shown.as_str();
    let table = read_table(&spec.file().path, shown)?;
    let wants = [
        required("jaar"),
        required("prestatiecode"),
        required("sector"),
        required("leveringsvorm"),
        required("component"),
        required("max_tarief"),
        optional("kapitaal_per_eenheid"),
        optional("eenheid"),
    ];
    let columns = table_columns(&table, &wants, &spec.columns)?;
    let sign = spec.sign;
    let mut errors = RowErrors::new(shown);
    let mut seen: HashMap<(i64, String), usize> = HashMap::new();
    let mut by_code = BTreeMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let jaar = f.integer(0);
        let code = f.text(1);
        let sector = f.parsed(2, true, Sector::parse);
        let leveringsvorm = f.parsed(3, true, Leveringsvorm::parse);
        let component = f.parsed(4, true, Component::parse);
        let max_tarief = f.decimal(5, true, sign);
        let kapitaal = f.decimal(6, false, sign).unwrap_or(Decimal::ZERO);
        // The unit max_tarief and kapitaal_per_eenheid are per; empty (or no column) for a
        // table that does not say, whose claims then count in the tariff's unit as they are.
        let eenheid = f.unit(7);
        let (
            Some(jaar),
            Some(code),
            Some(sector),
            Some(leveringsvorm),
            Some(component),
            Some(max_tarief),
        ) = (jaar, code, sector, leveringsvorm, component, max_tarief)
        else {
            continue;
        };
        let mut problem = |column: usize, name: &str, text: String| {
            let col = columns[column].expect("present");
            f.errors.push(&table.location(row, col), name, &text);
        };
        if max_tarief < Decimal::ZERO {
            problem(5, "max_tarief", format!("{max_tarief} is negative"));
            continue;
        }
        // S_max would be 0 for every claim of this code, and the provider's result would
        // not depend on the percentage: a tariff left empty or not yet published.
        if max_tarief.is_zero() && component == Component::Zorg {
            problem(
                5,
                "max_tarief",
                format!("{max_tarief} for a `zorg` tariff; a care tariff must be above 0"),
            );
            continue;
        }
        if !kapitaal.is_zero() && component != Component::Zorg {
            problem(6, "kapitaal_per_eenheid", format!("{kapitaal}: only an integral `zorg` tariff embeds a capital part, this row is {component}"));
            continue;
        }
        if kapitaal < Decimal::ZERO || kapitaal > max_tarief {
            problem(
                6,
                "kapitaal_per_eenheid",
                format!("{kapitaal}: must be between 0 and max_tarief {max_tarief}"),
            );
            continue;
        }
        if let Some(first) = seen.insert((jaar, code.clone()), row.number) {
            errors.push_row(
                &table.row_location(row),
                &format!("a second tariff for prestatiecode {code:?} in {jaar} (the first is row {first})"),
            );
            continue;
        }
        if jaar == i64::from(spec.year) {
            by_code.insert(
                code,
                Tariff {
                    sector,
                    leveringsvorm,
                    component,
                    max_tarief,
                    kapitaal_per_eenheid: kapitaal,
                    eenheid,
                },
            );
        }
    }
    errors.finish()?;
    Ok(TariffTable {
        by_code,
        rows: table.rows.len() as u64,
    })
}

/// AGB → KvK.
#[derive(Debug, Clone, Default)]
pub(crate) struct Koppeltabel {
    pub(crate) by_agb: HashMap<Agb, Kvk>,
    pub(crate) rows: u64,
}

pub(crate) fn read_koppeltabel(spec: &InputSpec) -> Result<Koppeltabel> {
    let shown = spec.file().shown.as_str();
    let table = read_table(&spec.file().path, shown)?;
    let wants = [required("agb"), required("kvk")];
    let columns = table_columns(&table, &wants, &spec.columns)?;
    let mut errors = RowErrors::new(shown);
    let mut by_agb: HashMap<Agb, (Kvk, usize)> = HashMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let (Some(agb), Some(kvk)) = (f.parsed(0, true, Agb::parse), f.parsed(1, true, Kvk::parse))
        else {
            continue;
        };
        if let Some(&(other, first)) = by_agb.get(&agb) {
            if other != kvk {
                errors.push_row(
                    &table.row_location(row),
                    &format!("AGB {agb} maps to KvK {kvk}, but row {first} maps it to KvK {other}"),
                );
            }
            continue;
        }
        by_agb.insert(agb, (kvk, row.number));
    }
    errors.finish()?;
    Ok(Koppeltabel {
        by_agb: by_agb.into_iter().map(|(a, (k, _))| (a, k)).collect(),
        rows: table.rows.len() as u64,
    })
}

fn parse_flag(text: &str) -> Result<bool, String> {
    match text.trim().to_lowercase().as_str() {
        "ja" | "true" | "1" | "waar" => Ok(true),
        "nee" | "false" | "0" | "onwaar" => Ok(false),
        other => Err(format!("{other:?} is not ja or nee")),
    }
}

/// Reads the provider characteristics per zorgkantoor (CSV, XLSX or ODS): `kvk`,
/// `zorgkantoor`, optional `aandeel` and `naam`, and any characteristic of the vocabulary.
/// Unknown columns, values of the wrong kind or outside the vocabulary's range, an unknown
/// zorgkantoor, a KvK twice under one zorgkantoor and shares that do not add up to 1 are
/// errors naming file, row and column.
pub(crate) fn read_kenmerken(spec: &InputSpec, vocabulary: &Vocabulary) -> Result<Kenmerken> {
    let shown = spec.file().shown.as_str();
    let table = read_table(&spec.file().path, shown)?;
    let fixed = ["kvk", "zorgkantoor", "aandeel", "naam"];
    let mapped = spec.columns.headers();
    let unknown: Vec<&String> = table
        .headers
        .iter()
        .filter(|h| {
            !fixed.iter().any(|f| f.eq_ignore_ascii_case(h))
                && !vocabulary
                    .kenmerken
                    .iter()
                    .any(|k| k.naam.eq_ignore_ascii_case(h))
                && !mapped.iter().any(|r| r.trim().eq_ignore_ascii_case(h))
        })
        .collect();
    if !unknown.is_empty() {
        anyhow::bail!(
            "{shown}: unknown column{} {}; a characteristic must be one of {} (the vocabulary {})",
            if unknown.len() == 1 { "" } else { "s" },
            unknown
                .iter()
                .map(|h| format!("{h:?}"))
                .collect::<Vec<_>>()
                .join(", "),
            vocabulary.names(),
            vocabulary.bestand
        );
    }
    // `[kolommen.kenmerken]` may only rename a column the input can have: the configuration
    // cannot tell, since the vocabulary is data, so it is told here.
    if let Some(name) = spec
        .columns
        .own_names()
        .find(|n| !fixed.contains(n) && vocabulary.get(n).is_none())
    {
        anyhow::bail!(
            "kolommen.kenmerken.{name}: not a column of the kenmerken input; a characteristic must be one of {} (the vocabulary {})",
            vocabulary.names(),
            vocabulary.bestand
        );
    }
    let mut wants = vec![
        required("kvk"),
        required("zorgkantoor"),
        optional("aandeel"),
    ];
    wants.extend(vocabulary.kenmerken.iter().map(|k| optional(k.naam)));
    let columns = table_columns(&table, &wants, &spec.columns)?;
    let sign = spec.sign;
    let mut errors = RowErrors::new(shown);
    let mut rows: Vec<KenmerkRow> = Vec::new();
    let mut first: HashMap<(Kvk, Zorgkantoor), usize> = HashMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let kvk = f.parsed(0, true, Kvk::parse);
        let zorgkantoor = f.value(1, true, |c| {
            cell_text(c).map(|t| Zorgkantoor::parse(&t)).transpose()
        });
        let aandeel = f.value(2, false, |c| match cell_decimal(c, sign)? {
            Some(a) if a > Decimal::ZERO && a <= Decimal::ONE => Ok(Some(a)),
            Some(a) => Err(format!("{a} is not a share above 0 and at most 1")),
            None => Ok(None),
        });
        let mut values = BTreeMap::new();
        for (j, k) in vocabulary.kenmerken.iter().enumerate() {
            let i = 3 + j;
            let value = match k.kind {
                Kind::Flag => f
                    .value(i, false, |c| {
                        cell_text(c).map(|t| parse_flag(&t)).transpose()
                    })
                    .map(Value::Flag),
                _ => f
                    .value(i, false, |c| match cell_decimal(c, sign)? {
                        Some(v) => k.check(v).map(|()| Some(v)),
                        None => Ok(None),
                    })
                    .map(Value::Number),
            };
            if let Some(v) = value {
                values.insert(k.naam, v);
            }
        }
        let (Some(kvk), Some(zorgkantoor)) = (kvk, zorgkantoor) else {
            continue;
        };
        if let Some(&earlier) = first.get(&(kvk, zorgkantoor)) {
            errors.push_row(
                &table.row_location(row),
                &format!("KvK {kvk} under {zorgkantoor} again (first in row {earlier})"),
            );
            continue;
        }
        first.insert((kvk, zorgkantoor), row.number);
        rows.push(KenmerkRow {
            kvk,
            zorgkantoor,
            aandeel: aandeel.unwrap_or(Decimal::ONE),
            values,
            bron: table.row_location(row),
        });
    }
    errors.finish()?;
    // The shares of one provider's zorgkantoren must cover its claims exactly once.
    let mut totals: BTreeMap<Kvk, Decimal> = BTreeMap::new();
    for r in &rows {
        *totals.entry(r.kvk).or_default() += r.aandeel;
    }
    let wrong: Vec<String> = totals
        .iter()
        .filter(|(_, t)| **t != Decimal::ONE)
        .map(|(k, t)| {
            let at: Vec<&str> = rows
                .iter()
                .filter(|r| r.kvk == *k)
                .map(|r| r.bron.as_str())
                .collect();
            format!(
                "KvK {k}: the aandeel of its rows ({}) adds up to {t}, not 1",
                at.join(", ")
            )
        })
        .collect();
    if !wrong.is_empty() {
        anyhow::bail!("{shown}: {}", wrong.join("; "));
    }
    Ok(Kenmerken {
        count: table.rows.len() as u64,
        rows,
    })
}
