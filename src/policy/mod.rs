//! Zorgkantoor purchasing policies: the TOML policy files of `data/beleid/`, validated
//! against the vocabulary of provider characteristics (`model::kenmerken::Vocabulary`) and the run's tariff
//! table, and the percentage each policy gives one provider for one prestatiecode, with
//! the rules that produced it.
//!
//! A policy's percentage for a care (`zorg`) prestatie, in this order:
//! 1. the base: the RTP of the provider's group, a fixed percentage, or a characteristic
//!    (the provider's own percentage of an earlier year), falling back to the RTP;
//! 2. every applicable `plus`, `min` and `plus_kenmerk` rule adds its points, in file order;
//! 3. an applicable `zet` or `zet_kenmerk` rule replaces the result (the highest `voorrang`
//!    wins; two that could apply to the same prestatie need different `voorrang`);
//! 4. each applicable rule's `maximum` caps the result;
//! 5. the policy's `ondergrens` and `bovengrens` (at most 100%: transition funds never take
//!    a tariff above the NZa maximum) bound it.
//!
//! NHC/NIC prestaties are paid at the policy's `kapitaal` percentage (100% by default) and
//! `volledig` prestaties at 100%: the percentage works on the care part, as in the core.
//!
//! The run's figures a condition may name (`resultaatmarge` R ÷ O, `intramuraal_aandeel`)
//! are quotients; they are held as their two exact parts (`Quotient`) and a condition is
//! decided by multiplication (n ÷ d > v as n > v·d), never on a quotient rounded to 28
//! digits. A figure that is not known (no O > 0) satisfies no condition, as an absent
//! characteristic does.
//!
//! In three steps, a file each: the file's shape (`raw`), its validation into a `Policy`
//! (`parse`: the header and base, each rule, and the conflicts between rules; every
//! problem of every file is collected, each naming the file and the rule), and evaluation
//! (`eval`: `Policy::price`, on a provider's `Facts`). Pure apart from reading the policy
//! files (`load`): nothing printed, no clock.

mod eval;
mod parse;
mod raw;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use rust_decimal::Decimal;

use crate::config::{InputPath, Num};
use crate::model::kenmerken::Vocabulary;
use crate::model::problems::{Problem, Problems};
use crate::model::{Leveringsvorm, Sector, Tariff, Zorgkantoor};

pub(crate) use eval::{pct, Facts, Priced, Quotient};
pub(crate) use parse::parse;

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Base {
    Rtp,
    Fixed(Decimal),
    /// A characteristic's percentage; otherwise the fixed fallback, or the RTP.
    Kenmerk(&'static str, Option<Decimal>),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Points as a fraction (0.5 point = 0.005), negative for `min`.
    Add(Decimal),
    AddKenmerk(&'static str),
    Set(Decimal),
    SetKenmerk(&'static str),
}

impl Action {
    fn sets(&self) -> bool {
        matches!(self, Action::Set(_) | Action::SetKenmerk(_))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Scope {
    All,
    Forms(Vec<Leveringsvorm>),
    Codes(BTreeSet<String>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Subject {
    Kenmerk(&'static str),
    Resultaatmarge,
    IntramuraalAandeel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Cmp {
    AtLeast,
    AtMost,
    Above,
    Below,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Condition {
    Flag(&'static str, bool),
    Compare(Subject, Cmp, Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub naam: String,
    pub bron: String,
    pub action: Action,
    pub maximum: Option<Decimal>,
    pub voorrang: i64,
    pub scope: Scope,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    /// The file as shown in messages and the manifest.
    pub bestand: String,
    pub zorgkantoor: Zorgkantoor,
    pub sector: Sector,
    pub periode: String,
    pub bron: String,
    pub base: Base,
    /// Fractions.
    pub kapitaal: Decimal,
    pub bovengrens: Decimal,
    pub ondergrens: Option<Decimal>,
    pub gesprek_boven: Option<Decimal>,
    pub rules: Vec<Rule>,
}

fn percent(n: Num) -> Decimal {
    n.0 / Decimal::ONE_HUNDRED
}

/// Parses and validates policy files against the tariff table. Every problem of every
/// file is reported at once, each naming its file and rule.
pub(crate) fn load(
    files: &[InputPath],
    tariffs: &BTreeMap<String, Tariff>,
    vocabulary: &Vocabulary,
) -> Result<Vec<Policy>> {
    let mut problems = Problems::new("the policies");
    let mut policies = Vec::new();
    for file in files {
        let shown = &file.shown;
        let text = std::fs::read_to_string(&file.path)
            .with_context(|| format!("cannot read policy {shown}"))?;
        match parse(shown, &text, tariffs, vocabulary) {
            Ok(p) => policies.push(p),
            Err(ps) => problems.append(ps),
        }
    }
    // One policy per zorgkantoor and sector: two would leave it open which one pays.
    for (i, a) in policies.iter().enumerate() {
        if let Some(b) = policies[..i]
            .iter()
            .find(|b| b.zorgkantoor == a.zorgkantoor && b.sector == a.sector)
        {
            problems.push(Problem::at(&a.bestand).says(format!(
                "a second policy of {} for {} (the first is {})",
                a.zorgkantoor, a.sector, b.bestand
            )));
        }
    }
    problems.finish()?;
    Ok(policies)
}

#[cfg(test)]
mod tests;
