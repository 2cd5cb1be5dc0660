//! The jaarverslagen of the contract from a DigiMV dataset: per organisation the mapped
//! figures as exact amounts with their origin, the sector from the care-type flags, and the
//! organisations that cannot give a jaarverslag with the reason why.
//!
//! A required figure that is empty excludes the organisation with the reason
//! "ontbrekend in DigiMV: VARIABLE"; it is never read as 0. Whether an excluded
//! organisation matters for the RTP is decided later, not here.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use super::map::{Kind, Resolved, COLUMNS};
use super::{read, Dataset, Figure, Origin, Part, Value, Variable};
use crate::model::{Accounts, Kvk, Sector};

/// How the sector of an organisation follows from its flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SectorChoice {
    /// Exactly one of the mapped flags is `ja`.
    Vlag(String),
    /// Several flags are `ja`: the sector follows from elsewhere (the claims).
    Meerdere(Vec<String>),
    /// No flag is `ja`, or the map names none.
    Geen,
}

/// An organisation that gives no jaarverslag, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub code: String,
    pub kvk: Option<String>,
    pub naam: Option<String>,
    /// `ontbrekend in DigiMV: qTotaalBaten_0`.
    pub reden: String,
    /// The empty required variables the reason names.
    pub variabelen: Vec<String>,
    /// Where the missing figures should have been.
    pub bron: Vec<Origin>,
}

/// One organisation's jaarverslag with the origin of each figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Extracted {
    pub code: String,
    pub(crate) accounts: Accounts,
    /// (contract column, origin), for the figures that were read.
    pub origins: Vec<(&'static str, Origin)>,
    pub sector: SectorChoice,
}

/// The jaarverslagen a dataset gives, by KvK, and the organisations it cannot give one for.
#[derive(Debug, Clone)]
pub struct Extract {
    pub by_kvk: BTreeMap<String, Extracted>,
    pub excluded: Vec<Excluded>,
    pub dataset: Dataset,
}

/// Reads the resolved map's variables from `parts` and turns each organisation into a
/// jaarverslag or an exclusion. `required` lists the contract columns this run needs
/// beyond the always-required ones (`opbrengsten_wlz` when ρ = W/D).
pub fn extract(parts: &[Part], map: &Resolved, required: &[&str]) -> Result<Extract> {
    let needed = |c: &str| super::map::REQUIRED.contains(&c) || required.contains(&c);
    let mut variables: Vec<Variable> = map
        .columns
        .iter()
        .map(|(column, name, _)| Variable {
            name: name.clone(),
            kind: Resolved::kind(column),
            purpose: (*column).to_string(),
            required: needed(column),
        })
        .collect();
    let columns: Vec<&'static str> = map.columns.iter().map(|c| c.0).collect();
    let flags: Vec<Sector> = map.sector.iter().map(|s| s.0).collect();
    variables.extend(map.sector.iter().map(|(s, name)| Variable {
        name: name.clone(),
        kind: Kind::Flag,
        purpose: format!("sector {s}"),
        required: false,
    }));
    let dataset = read(parts, &variables)?;
    let mut by_kvk: BTreeMap<String, Extracted> = BTreeMap::new();
    let mut excluded = Vec::new();
    let mut errors = Vec::new();
    for org in dataset.organisations.values() {
        let figure = |column: &str| -> Option<&Figure> {
            let i = columns.iter().position(|c| *c == column)?;
            org.values[i].as_ref()
        };
        let text = |column: &str| match figure(column).map(|f| &f.value) {
            Some(Value::Text(t)) => Some(t.clone()),
            _ => None,
        };
        let mut missing: Vec<(&str, Option<&Origin>)> = Vec::new();
        let mut money: BTreeMap<&str, Option<Decimal>> = BTreeMap::new();
        let mut origins = Vec::new();
        for (i, &column) in columns.iter().enumerate() {
            let f = figure(column);
            if let Some(f) = f {
                origins.push((column, f.origin.clone()));
            }
            let empty = matches!(f.map(|f| &f.value), None | Some(Value::Empty));
            if empty && needed(column) {
                missing.push((map.columns[i].1.as_str(), f.map(|f| &f.origin)));
            }
            if COLUMNS
                .iter()
                .any(|(c, k)| *c == column && *k == Kind::Money)
            {
                let v = match f.map(|f| &f.value) {
                    Some(Value::Number(d)) => Some(d.normalize()),
                    _ => None,
                };
                money.insert(column, v);
            }
        }
        if !missing.is_empty() {
            excluded.push(Excluded {
                code: org.code.clone(),
                kvk: text("kvk"),
                naam: text("naam"),
                reden: format!(
                    "ontbrekend in DigiMV: {}",
                    missing
                        .iter()
                        .map(|(variable, _)| *variable)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                variabelen: missing.iter().map(|(v, _)| v.to_string()).collect(),
                bron: missing
                    .into_iter()
                    .filter_map(|(_, o)| o.cloned())
                    .collect(),
            });
            continue;
        }
        let kvk_figure = figure("kvk").expect("kvk is required and present");
        let kvk_text = text("kvk").expect("a present identifier is text");
        let kvk = match Kvk::parse(&kvk_text) {
            Ok(k) => k,
            Err(problem) => {
                errors.push(format!("{}: {problem}", kvk_figure.origin));
                continue;
            }
        };
        let fl = money["financiele_lasten"].expect("required");
        if fl.is_sign_negative() && !fl.is_zero() {
            let o = &figure("financiele_lasten").expect("present").origin;
            errors.push(format!(
                "{o}: {fl} is negative; financiële lasten are entered as a positive number"
            ));
            continue;
        }
        let on: Vec<String> = flags
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                matches!(
                    org.values[columns.len() + i].as_ref().map(|f| &f.value),
                    Some(Value::Flag(true))
                )
            })
            .map(|(_, s)| s.to_string())
            .collect();
        let (sector, choice) = match on.as_slice() {
            [] => (None, SectorChoice::Geen),
            [one] => (Sector::parse(one).ok(), SectorChoice::Vlag(one.to_string())),
            _ => (None, SectorChoice::Meerdere(on.clone())),
        };
        let accounts = Accounts {
            kvk,
            naam: text("naam").expect("required"),
            boekjaar: map.boekjaar,
            bedrijfsopbrengsten: money["bedrijfsopbrengsten"].expect("required"),
            opbrengsten_wlz: money.get("opbrengsten_wlz").copied().flatten(),
            bedrijfslasten: money["bedrijfslasten"].expect("required"),
            financiele_baten: money["financiele_baten"].expect("required"),
            financiele_lasten: fl,
            resultaat: money.get("resultaat").copied().flatten(),
            sector,
            bron: format!(
                "{} {} row {} (Code {})",
                kvk_figure.origin.file,
                kvk_figure.origin.sheet,
                kvk_figure
                    .origin
                    .cell
                    .trim_start_matches(|c: char| c.is_ascii_alphabetic()),
                org.code
            ),
        };
        let key = kvk.to_string();
        if let Some(first) = by_kvk.get(&key) {
            errors.push(format!(
                "KvK {key} reports twice: Code {} and Code {} ({})",
                first.code, org.code, kvk_figure.origin
            ));
            continue;
        }
        by_kvk.insert(
            key,
            Extracted {
                code: org.code.clone(),
                accounts,
                origins,
                sector: choice,
            },
        );
    }
    if !errors.is_empty() {
        let n = errors.len();
        errors.truncate(5);
        bail!(
            "{n} invalid value{} in the DigiMV dataset{}:\n  {}",
            if n == 1 { "" } else { "s" },
            if n > 5 { "; the first 5" } else { "" },
            errors.join("\n  ")
        );
    }
    Ok(Extract {
        by_kvk,
        excluded,
        dataset,
    })
}
