//! Zorgkantoor purchasing policies: the TOML policy files of `data/beleid/`, validated
//! against the vocabulary of provider characteristics (`model::kenmerken::Vocabulary`) and
//! the run's tariff table, read for one contract year, and what each policy gives one provider: the
//! percentage for a prestatiecode (with the rules that produced it), the amounts besides
//! the tariffs, the conversations it asks for, and its hardship clause.
//!
//! A policy's percentage for a care (`zorg`) prestatie, in this order:
//! 1. a rule `niet_gecontracteerd` that applies wins over everything: no percentage;
//! 2. the base: the RTP of the provider's group, a fixed percentage, or a characteristic
//!    (the provider's own percentage of an earlier year), falling back to a fixed
//!    percentage, the RTP, or none (`anders = "geen"`: then only a rule that sets the
//!    percentage gives one, and without one the percentage is not known);
//! 3. every applicable `plus`, `min` and `plus_kenmerk` rule adds its points, in file order
//!    (a rule whose action rests on a characteristic the provider lacks does not apply,
//!    its bounds included);
//! 4. an applicable `zet` or `zet_kenmerk` rule replaces the result (the highest `voorrang`
//!    wins; two that could apply to the same prestatie need different `voorrang`);
//! 5. each applicable rule's `maximum` caps the result, then each applicable `minimum`
//!    raises it (a minimum after the caps, so a transition floor holds against a cap);
//! 6. the policy's `bovengrens` (at most 100%: transition funds never take a tariff above
//!    the NZa maximum) and `ondergrens` bound it.
//!
//! NHC/NIC prestaties are paid at the policy's `kapitaal` percentage (100% by default) and
//! `volledig` prestaties at 100%: the percentage works on the care part, as in the core.
//!
//! A policy is read for one contract year: a number given per year is taken for that year;
//! a rule or amount without one for it does not apply (`Status::NotPublished`), a setting
//! without one takes its default, and its step says so.
//!
//! The run's figures a condition may name (`resultaatmarge` R ÷ O, `intramuraal_aandeel`,
//! in a conversation `resultaatmarge_bij_tarief`) are quotients; they are held as their two
//! exact parts (`Quotient`) and a condition is decided by multiplication (n ÷ d > v as
//! n > v·d), never on a quotient rounded to 28 digits. A figure that is not known (no O > 0)
//! satisfies no condition, as an absent characteristic does.
//!
//! In steps, a file each: the file's shape (`raw`), its sources (`bron`), its years
//! (`years`), its validation into a `Policy` (`parse`: the header, settings and base, each
//! rule, amount and conversation, and the conflicts between rules; every problem of every
//! file is collected, each naming the file and the entry), the percentage (`eval`:
//! `Policy::price` on a provider's `Facts`), and the amounts (`amounts`). Pure apart from
//! reading the policy files (`load`): nothing printed, no clock.

mod amounts;
mod bron;
mod eval;
mod lint;
mod parse;
mod raw;
mod years;

use std::collections::{BTreeMap, BTreeSet};

use anyhow::{Context, Result};
use rust_decimal::Decimal;

use crate::config::InputPath;
use crate::model::kenmerken::Vocabulary;
use crate::model::problems::{Problem, Problems};
use crate::model::{Leveringsvorm, Sector, Tariff, Zorgkantoor};

pub(crate) use amounts::Amount;
pub(crate) use bron::Bron;
pub(crate) use eval::{pct, Facts, Paid, Priced, Quotient};
pub(crate) use parse::{parse, parse_unchecked};
pub(crate) use years::{Period, Yearly};

/// Whether an entry applies in the contract year the policy was read for.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Status {
    Active,
    /// `uitgeschakeld = "reden"`: validated, never applied.
    Disabled(String),
    /// A value given per year, not for this one.
    NotPublished(i32),
}

impl Status {
    pub(crate) fn is_active(&self) -> bool {
        *self == Status::Active
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Active => f.write_str("actief"),
            Status::Disabled(r) => write!(f, "uitgeschakeld: {r}"),
            Status::NotPublished(y) => write!(f, "niet gepubliceerd voor {y}"),
        }
    }
}

/// The base percentage for a provider without the characteristic `[basis] kenmerk` names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Fallback {
    Rtp,
    Fixed(Decimal),
    /// `anders = "geen"`: no percentage (the tariff is set another way).
    Geen,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Base {
    Rtp,
    Fixed(Decimal),
    /// A characteristic's percentage, or the fallback.
    Kenmerk(&'static str, Fallback),
}

/// A percentage a rule sets or bounds by, fractions throughout.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Level {
    Fixed(Decimal),
    /// The RTP of the provider's group plus points.
    Rtp(Decimal),
    /// A percentage characteristic plus points; none for a provider without it.
    Kenmerk(&'static str, Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Action {
    /// Points as a fraction (0.5 point = 0.005), negative for `min`.
    Add(Decimal),
    AddKenmerk(&'static str),
    Set(Level),
    /// The prestaties in scope are not contracted for providers meeting the conditions.
    NotContracted,
}

impl Action {
    fn sets(&self) -> bool {
        matches!(self, Action::Set(_))
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
    /// R_t ÷ O at the provider's tariffs: conversations only.
    ResultaatmargeBijTarief,
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
    /// Whether the policy's sector differs from the provider's own.
    Sectorvreemd(bool),
}

/// `als` (every one holds) and `als_een_van` (at least one of the tables holds, each all
/// of its conditions). With both, both must hold.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Conditions {
    pub all: Vec<Condition>,
    pub any_of: Vec<Vec<Condition>>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Rule {
    pub naam: String,
    /// What it does, in one line, as written (for `beleid controleer`).
    pub what: String,
    pub bron: Bron,
    pub status: Status,
    /// The years its per-year numbers are given for; none when they hold for every year.
    pub years: Option<Vec<i32>>,
    /// None for a rule with only a bound, a disabled one, or one not published this year.
    pub action: Option<Action>,
    pub maximum: Option<Level>,
    pub minimum: Option<Level>,
    pub voorrang: i64,
    pub scope: Scope,
    pub conditions: Conditions,
}

/// A conversation the zorgkantoor holds with providers meeting the conditions.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Talk {
    pub naam: String,
    /// What it asks for, in one line (for `beleid controleer`).
    pub what: String,
    pub bron: Bron,
    pub status: Status,
    pub conditions: Conditions,
}

/// The hardship clause: the criteria an appeal is judged on.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Hardship {
    pub criteria: Vec<String>,
    /// The deadline for an appeal, an ISO date.
    pub uiterlijk: Option<String>,
    pub bron: Bron,
    /// `geen = true`: the zorgkantoor has none, as its source says.
    pub geen: bool,
}

/// A setting (`kapitaal`, `bovengrens`, `ondergrens`, `basis`) as the file gives it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Setting {
    pub naam: &'static str,
    /// None when the file leaves it to its default.
    pub given: Option<Yearly>,
    pub bron: Option<Bron>,
    /// For the contract year, when the file gives it per year and not for this year: the
    /// step's remark (`standaard; voor 2025 niet gepubliceerd`).
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Policy {
    /// The file as shown in messages and the manifest.
    pub bestand: String,
    pub zorgkantoor: Zorgkantoor,
    pub sector: Sector,
    pub periode: String,
    pub period: Period,
    /// The contract year the policy was read for.
    pub jaar: i32,
    /// Whether the contract year lies in the period.
    pub in_force: bool,
    pub bron: Bron,
    pub base: Base,
    pub base_bron: Option<Bron>,
    /// Fractions, for the contract year.
    pub kapitaal: Decimal,
    pub bovengrens: Decimal,
    pub ondergrens: Option<Decimal>,
    /// The settings as given, for the lint and the steps.
    pub settings: Vec<Setting>,
    pub rules: Vec<Rule>,
    pub amounts: Vec<Amount>,
    pub talks: Vec<Talk>,
    pub hardheidsclausule: Option<Hardship>,
}

impl Policy {
    /// The hardship clause, none when the policy has none (or says it has none).
    pub(crate) fn hardship(&self) -> Option<&Hardship> {
        self.hardheidsclausule.as_ref().filter(|h| !h.geen)
    }

    /// The active conversations whose conditions hold for the provider.
    pub(crate) fn talks_for(&self, facts: &Facts) -> Vec<&Talk> {
        self.talks
            .iter()
            .filter(|t| t.status.is_active() && facts.meets(&t.conditions, self.sector))
            .collect()
    }

    fn setting(&self, naam: &str) -> Option<&Setting> {
        self.settings.iter().find(|s| s.naam == naam)
    }
}

/// Parses and validates policy files against the tariff table, each read for the
/// `contractjaar`. Every problem of every file is reported at once, each naming its file
/// and entry.
pub(crate) fn load(
    files: &[InputPath],
    tariffs: &BTreeMap<String, Tariff>,
    vocabulary: &Vocabulary,
    contractjaar: i32,
) -> Result<Vec<Policy>> {
    let mut problems = Problems::new("the policies");
    let mut policies = Vec::new();
    for file in files {
        let shown = &file.shown;
        let text = std::fs::read_to_string(&file.path)
            .with_context(|| format!("cannot read policy {shown}"))?;
        match parse(shown, &text, tariffs, vocabulary, contractjaar) {
            Ok(p) => policies.push(p),
            Err(ps) => problems.append(ps),
        }
    }
    // One policy in force per zorgkantoor and sector: two would leave it open which one
    // pays. Files of other years may coexist (a 2022 file beside a 2024-2026 one).
    for (i, a) in policies.iter().enumerate().filter(|(_, p)| p.in_force) {
        if let Some(b) = policies[..i]
            .iter()
            .find(|b| b.in_force && b.zorgkantoor == a.zorgkantoor && b.sector == a.sector)
        {
            problems.push(Problem::at(&a.bestand).says(format!(
                "a second policy of {} for {} in force in {contractjaar} (the first is {})",
                a.zorgkantoor, a.sector, b.bestand
            )));
        }
    }
    problems.finish()?;
    Ok(policies)
}

/// The first contract year of a policy file's period; none when the file or its `periode`
/// cannot be read (reading it in full then says why).
pub(crate) fn first_year(file: &InputPath) -> Option<i32> {
    let text = std::fs::read_to_string(&file.path).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    let periode = table.get("periode")?.as_str()?;
    Period::parse(periode).ok().map(|p| p.van)
}

/// One policy file read for `jaar`, its prestatiecodes checked against `tariffs` when
/// given; the outer error when it cannot be read at all, the inner one with every problem
/// of its content.
pub(crate) fn read_one(
    file: &InputPath,
    tariffs: Option<&BTreeMap<String, Tariff>>,
    vocabulary: &Vocabulary,
    jaar: i32,
) -> Result<Result<Policy, Problems>> {
    let shown = &file.shown;
    let text = std::fs::read_to_string(&file.path)
        .with_context(|| format!("cannot read policy {shown}"))?;
    Ok(match tariffs {
        Some(t) => parse(shown, &text, t, vocabulary, jaar),
        None => parse_unchecked(shown, &text, vocabulary, jaar),
    })
}

#[cfg(test)]
mod shipped;
#[cfg(test)]
mod tests;
