//! Zorgkantoor purchasing policies: the TOML policy files of `data/beleid/`, validated
//! against the vocabulary of provider characteristics (`KENMERKEN`) and the run's tariff
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
//! Validation collects every problem of every file, each naming the file and the rule.
//! Pure apart from reading the policy files: nothing printed, no clock.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::Num;
use crate::model::{Component, Leveringsvorm, Sector, Tariff};

/// What a characteristic holds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// ja/nee; an empty cell is nee.
    Flag,
    /// Percentage points within a range (a surcharge, a monitor outcome).
    Points { min: i64, max: i64 },
    /// A tariff percentage, 0 to 100.
    Percent,
    /// A growth or share as a fraction (0.02 = 2%), any sign.
    Fraction,
}

/// The provider characteristics the policies may use, and the `kenmerken` input's columns
/// beside `kvk`, `zorgkantoor` and `aandeel`. One list, so that a policy and the input can
/// only name the same things.
pub const KENMERKEN: &[(&str, Kind, &str)] = &[
    (
        "nieuwe_aanbieder",
        Kind::Flag,
        "new provider without an earlier contract",
    ),
    (
        "essentiele_functie",
        Kind::Flag,
        "role in essential services (Zilveren Kruis V&V)",
    ),
    (
        "minder_regionale_bijdrage",
        Kind::Flag,
        "contributes less to the region (Zilveren Kruis GZ)",
    ),
    (
        "arbeidsbesparende_technologie",
        Kind::Flag,
        "proven labour-saving technology (CZ)",
    ),
    (
        "afspraken_beweging",
        Kind::Flag,
        "agreed movements and goals (CZ)",
    ),
    (
        "vrij_voorstel",
        Kind::Percent,
        "percentage of an accepted free proposal (CZ)",
    ),
    (
        "module_opslag",
        Kind::Points { min: 0, max: 5 },
        "points of granted module surcharges (Menzis)",
    ),
    (
        "regionale_rol",
        Kind::Points { min: -2, max: 1 },
        "differentiation by regional role (Salland)",
    ),
    (
        "monitor_uitkomst",
        Kind::Points { min: -1, max: 1 },
        "monitor outcome (DSW)",
    ),
    (
        "percentage_2023",
        Kind::Percent,
        "the provider's own 2023 percentage (DSW)",
    ),
    (
        "bestaande_afspraak",
        Kind::Percent,
        "an existing agreement's percentage, continued (DSW GZ)",
    ),
    (
        "werkgeversopslag",
        Kind::Flag,
        "employer surcharge granted (Zorg en Zekerheid)",
    ),
    (
        "mpt_groei",
        Kind::Fraction,
        "growth of MPT volume against 2026 (VGZ GZ)",
    ),
    (
        "zelfredzaamheid_beleid",
        Kind::Flag,
        "policy for clients' self-reliance (VGZ GZ)",
    ),
    (
        "digitale_zorg_groei",
        Kind::Fraction,
        "growth of digital-care use (VGZ GZ)",
    ),
    (
        "complexe_zorg_garantie",
        Kind::Flag,
        "guarantees complex care (Menzis GZ)",
    ),
];

/// Figures of the run a condition may use besides the characteristics.
pub const FIGURES: &[(&str, &str)] = &[
    ("resultaatmarge", "R ÷ O in the reference year"),
    (
        "intramuraal_aandeel",
        "intramural share a of the declarations",
    ),
];

pub fn kind_of(name: &str) -> Option<(&'static str, Kind)> {
    KENMERKEN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|&(n, k, _)| (n, k))
}

// ---------------------------------------------------------------------------------------
// The file shape.

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    zorgkantoor: String,
    sector: String,
    periode: String,
    bron: String,
    basis: BaseFile,
    /// Percent paid on NHC/NIC (default 100).
    kapitaal: Option<Num>,
    /// Percent (default 100, at most 100).
    bovengrens: Option<Num>,
    /// Percent (default 0).
    ondergrens: Option<Num>,
    /// A fraction (0.05 = 5%): providers whose result margin at their tariff exceeds this
    /// are listed for a conversation about a lower percentage.
    gesprek_resultaat_boven: Option<Num>,
    #[serde(default)]
    regel: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaseFile {
    rtp: Option<bool>,
    percentage: Option<Num>,
    kenmerk: Option<String>,
    /// With `kenmerk`: the percentage for a provider without that characteristic
    /// (default: the RTP of its group).
    anders: Option<Num>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RuleFile {
    naam: String,
    bron: String,
    plus: Option<Num>,
    min: Option<Num>,
    zet: Option<Num>,
    plus_kenmerk: Option<String>,
    zet_kenmerk: Option<String>,
    maximum: Option<Num>,
    voorrang: Option<i64>,
    prestaties: Option<Vec<String>>,
    leveringsvorm: Option<Vec<String>>,
    #[serde(default)]
    als: BTreeMap<String, toml::Value>,
}

// ---------------------------------------------------------------------------------------
// The validated policy.

#[derive(Debug, Clone, PartialEq)]
pub enum Base {
    Rtp,
    Fixed(Decimal),
    /// A characteristic's percentage; otherwise the fixed fallback, or the RTP.
    Kenmerk(&'static str, Option<Decimal>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
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
pub enum Scope {
    All,
    Forms(Vec<Leveringsvorm>),
    Codes(BTreeSet<String>),
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Subject {
    Kenmerk(&'static str),
    Resultaatmarge,
    IntramuraalAandeel,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Cmp {
    AtLeast,
    AtMost,
    Above,
    Below,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Flag(&'static str, bool),
    Compare(Subject, Cmp, Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub naam: String,
    pub bron: String,
    pub action: Action,
    pub maximum: Option<Decimal>,
    pub voorrang: i64,
    pub scope: Scope,
    pub conditions: Vec<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    /// The file as shown in messages and the manifest.
    pub bestand: String,
    pub zorgkantoor: String,
    pub sector: Sector,
    pub periode: String,
    pub bron: String,
    pub base: Base,
    /// Fractions.
    pub kapitaal: Decimal,
    pub bovengrens: Decimal,
    pub ondergrens: Decimal,
    pub gesprek_boven: Option<Decimal>,
    pub rules: Vec<Rule>,
}

/// The seven zorgkantoor organisations; a policy or a `kenmerken` row must name one.
pub const ZORGKANTOREN: &[&str] = &[
    "Zilveren Kruis",
    "VGZ",
    "Menzis",
    "CZ",
    "Salland",
    "DSW",
    "Zorg en Zekerheid",
];

fn percent(n: Num) -> Decimal {
    n.0 / Decimal::ONE_HUNDRED
}

/// Parses and validates policy files against the tariff table. Every problem of every
/// file is reported at once, each naming its file and rule.
pub fn load(
    files: &[(String, std::path::PathBuf)],
    tariffs: &BTreeMap<String, Tariff>,
) -> Result<Vec<Policy>> {
    let mut problems = Vec::new();
    let mut policies = Vec::new();
    for (shown, path) in files {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("cannot read policy {shown}"))?;
        match parse(shown, &text, tariffs) {
            Ok(p) => policies.push(p),
            Err(mut ps) => problems.append(&mut ps),
        }
    }
    // One policy per zorgkantoor and sector: two would leave it open which one pays.
    for (i, a) in policies.iter().enumerate() {
        if let Some(b) = policies[..i]
            .iter()
            .find(|b| b.zorgkantoor == a.zorgkantoor && b.sector == a.sector)
        {
            problems.push(format!(
                "{}: a second policy of {} for {} (the first is {})",
                a.bestand, a.zorgkantoor, a.sector, b.bestand
            ));
        }
    }
    if !problems.is_empty() {
        let n = problems.len();
        bail!(
            "{n} problem{} in the policies:\n  {}",
            if n == 1 { "" } else { "s" },
            problems.join("\n  ")
        );
    }
    Ok(policies)
}

/// One policy file's text; `Err` holds every problem found.
pub fn parse(
    shown: &str,
    text: &str,
    tariffs: &BTreeMap<String, Tariff>,
) -> Result<Policy, Vec<String>> {
    let f: PolicyFile = toml::from_str(text).map_err(|e| {
        vec![format!(
            "{shown}: {}",
            e.to_string().trim_end().replace('\n', " ")
        )]
    })?;
    let mut problems = Vec::new();
    let mut problem = |what: &str, msg: String| problems.push(format!("{shown}: {what}: {msg}"));

    if !ZORGKANTOREN.contains(&f.zorgkantoor.as_str()) {
        problem(
            "zorgkantoor",
            format!(
                "{:?} is not one of {}",
                f.zorgkantoor,
                ZORGKANTOREN.join(", ")
            ),
        );
    }
    let sector = Sector::parse(&f.sector).unwrap_or_else(|e| {
        problem("sector", e);
        Sector::Vv
    });
    let characteristic = |name: &str, want: &[Kind]| -> Result<&'static str, String> {
        match kind_of(name) {
            Some((n, k)) if want.iter().any(|w| same_kind(*w, k)) => Ok(n),
            Some(_) => Err(format!(
                "the characteristic {name:?} has the wrong kind here"
            )),
            None => Err(format!(
                "unknown characteristic {name:?}; the known ones are {}",
                KENMERKEN.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
            )),
        }
    };
    let in_range = |v: Decimal| v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED;

    let anders = f.basis.anders.and_then(|a| {
        if f.basis.kenmerk.is_none() {
            problem("basis.anders", "only with basis.kenmerk".into());
        }
        if in_range(a.0) {
            Some(percent(a))
        } else {
            problem("basis.anders", format!("{} is outside 0 to 100", a.0));
            None
        }
    });
    let base = match (f.basis.rtp, f.basis.percentage, &f.basis.kenmerk) {
        (Some(true), None, None) => Base::Rtp,
        (None, Some(p), None) if in_range(p.0) => Base::Fixed(percent(p)),
        (None, Some(p), None) => {
            problem("basis.percentage", format!("{} is outside 0 to 100", p.0));
            Base::Rtp
        }
        (None, None, Some(k)) => match characteristic(k, &[Kind::Percent]) {
            Ok(n) => Base::Kenmerk(n, anders),
            Err(e) => {
                problem("basis.kenmerk", e);
                Base::Rtp
            }
        },
        _ => {
            problem(
                "basis",
                "give exactly one of rtp = true, percentage = …, kenmerk = \"…\"".into(),
            );
            Base::Rtp
        }
    };
    let mut bound = |key: &str, v: Option<Num>, default: i64| -> Decimal {
        let v = v.map_or(Decimal::from(default), |n| n.0);
        if !in_range(v) {
            problem(key, format!("{v} is outside 0 to 100 percent"));
        }
        v / Decimal::ONE_HUNDRED
    };
    let kapitaal = bound("kapitaal", f.kapitaal, 100);
    let bovengrens = bound("bovengrens", f.bovengrens, 100);
    let ondergrens = bound("ondergrens", f.ondergrens, 0);
    if ondergrens > bovengrens {
        problem(
            "ondergrens",
            "is above bovengrens: no percentage would be allowed".into(),
        );
    }
    let gesprek_boven = f.gesprek_resultaat_boven.map(|n| n.0);

    let mut rules = Vec::new();
    let mut names = BTreeSet::new();
    for r in f.regel {
        let what = format!("regel {:?}", r.naam);
        let mut rule_problem = |msg: String| problems.push(format!("{shown}: {what}: {msg}"));
        if !names.insert(r.naam.clone()) {
            rule_problem("a second rule with this name".into());
        }
        if r.bron.trim().is_empty() {
            rule_problem("bron: cite the policy this rule comes from".into());
        }
        let points = |v: Num| v.0 / Decimal::ONE_HUNDRED;
        let actions: Vec<Action> = [
            r.plus.map(|v| Ok(Action::Add(points(v)))),
            r.min.map(|v| Ok(Action::Add(-points(v)))),
            r.zet.map(|v| {
                if in_range(v.0) {
                    Ok(Action::Set(percent(v)))
                } else {
                    Err(format!("zet = {}: outside 0 to 100 percent", v.0))
                }
            }),
            r.plus_kenmerk.as_deref().map(|k| {
                characteristic(k, &[Kind::Points { min: 0, max: 0 }]).map(Action::AddKenmerk)
            }),
            r.zet_kenmerk
                .as_deref()
                .map(|k| characteristic(k, &[Kind::Percent]).map(Action::SetKenmerk)),
        ]
        .into_iter()
        .flatten()
        .filter_map(|a| a.map_err(&mut rule_problem).ok())
        .collect();
        let given = [
            r.plus.is_some(),
            r.min.is_some(),
            r.zet.is_some(),
            r.plus_kenmerk.is_some(),
            r.zet_kenmerk.is_some(),
        ]
        .iter()
        .filter(|&&b| b)
        .count();
        if given != 1 {
            rule_problem("give exactly one of plus, min, zet, plus_kenmerk, zet_kenmerk".into());
        }
        let maximum = r.maximum.and_then(|m| {
            if in_range(m.0) {
                Some(percent(m))
            } else {
                rule_problem(format!("maximum = {}: outside 0 to 100 percent", m.0));
                None
            }
        });
        let scope = match (r.prestaties, r.leveringsvorm) {
            (None, None) => Scope::All,
            (Some(codes), None) => {
                for c in &codes {
                    match tariffs.get(c) {
                        None => rule_problem(format!(
                            "prestatiecode {c:?} is not in the tariff table"
                        )),
                        Some(t) if t.component != Component::Zorg => rule_problem(format!(
                            "prestatiecode {c:?} is a {} component; percentages apply to zorg prestaties",
                            t.component
                        )),
                        Some(t) if t.sector != sector => rule_problem(format!(
                            "prestatiecode {c:?} is {}, not {sector}",
                            t.sector
                        )),
                        Some(_) => {}
                    }
                }
                Scope::Codes(codes.into_iter().collect())
            }
            (None, Some(forms)) => Scope::Forms(
                forms
                    .iter()
                    .filter_map(|v| Leveringsvorm::parse(v).map_err(&mut rule_problem).ok())
                    .collect(),
            ),
            (Some(_), Some(_)) => {
                rule_problem("give prestaties or leveringsvorm, not both".into());
                Scope::All
            }
        };
        let mut conditions = Vec::new();
        for (name, value) in &r.als {
            match condition(name, value) {
                Ok(c) => conditions.push(c),
                Err(e) => rule_problem(format!("als.{name}: {e}")),
            }
        }
        if let [action] = actions.as_slice() {
            rules.push(Rule {
                naam: r.naam,
                bron: r.bron,
                action: action.clone(),
                maximum,
                voorrang: r.voorrang.unwrap_or(0),
                scope,
                conditions,
            });
        }
    }
    // Two rules that set the percentage of the same prestatie need a stated order.
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[..i] {
            if a.action.sets()
                && b.action.sets()
                && a.voorrang == b.voorrang
                && overlap(&a.scope, &b.scope, tariffs)
            {
                problems.push(format!(
                    "{shown}: regel {:?} and regel {:?} both set the percentage of the same prestaties; give them different voorrang",
                    b.naam, a.naam
                ));
            }
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Policy {
        bestand: shown.to_string(),
        zorgkantoor: f.zorgkantoor,
        sector,
        periode: f.periode,
        bron: f.bron,
        base,
        kapitaal,
        bovengrens,
        ondergrens,
        gesprek_boven,
        rules,
    })
}

fn same_kind(want: Kind, have: Kind) -> bool {
    std::mem::discriminant(&want) == std::mem::discriminant(&have)
}

fn condition(name: &str, value: &toml::Value) -> Result<Condition, String> {
    let subject = match name {
        "resultaatmarge" => Subject::Resultaatmarge,
        "intramuraal_aandeel" => Subject::IntramuraalAandeel,
        _ => match kind_of(name) {
            Some((n, Kind::Flag)) => {
                return match value {
                    toml::Value::Boolean(b) => Ok(Condition::Flag(n, *b)),
                    _ => Err("a ja/nee characteristic: write true or false".into()),
                };
            }
            Some((n, _)) => Subject::Kenmerk(n),
            None => {
                return Err(format!(
                    "unknown characteristic or figure; the known ones are {}, {}",
                    KENMERKEN.iter().map(|k| k.0).collect::<Vec<_>>().join(", "),
                    FIGURES.iter().map(|k| k.0).collect::<Vec<_>>().join(", ")
                ))
            }
        },
    };
    let toml::Value::Table(t) = value else {
        return Err("a number: write { minimaal = … }, maximaal, boven or onder".into());
    };
    let [(key, v)] = t.iter().collect::<Vec<_>>()[..] else {
        return Err("give exactly one of minimaal, maximaal, boven, onder".into());
    };
    let cmp = match key.as_str() {
        "minimaal" => Cmp::AtLeast,
        "maximaal" => Cmp::AtMost,
        "boven" => Cmp::Above,
        "onder" => Cmp::Below,
        other => return Err(format!("unknown comparison {other:?}")),
    };
    let number = Num::deserialize(v.clone()).map_err(|e| e.to_string())?;
    Ok(Condition::Compare(subject, cmp, number.0))
}

/// Whether two scopes can hold the same zorg prestatie of the tariff table.
fn overlap(a: &Scope, b: &Scope, tariffs: &BTreeMap<String, Tariff>) -> bool {
    let codes = |s: &Scope| -> BTreeSet<String> {
        match s {
            Scope::All => tariffs.keys().cloned().collect(),
            Scope::Codes(c) => c.clone(),
            Scope::Forms(f) => tariffs
                .iter()
                .filter(|(_, t)| f.contains(&t.leveringsvorm))
                .map(|(c, _)| c.clone())
                .collect(),
        }
    };
    !codes(a).is_disjoint(&codes(b))
}

// ---------------------------------------------------------------------------------------
// Evaluation.

/// A characteristic's value for one provider and zorgkantoor.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value {
    Flag(bool),
    Number(Decimal),
}

/// What the rules may look at for one provider under one zorgkantoor.
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    pub kenmerken: &'a BTreeMap<&'static str, Value>,
    pub resultaatmarge: Decimal,
    pub intramuraal_aandeel: Decimal,
    /// The RTP of the provider's group, a fraction.
    pub rtp: Decimal,
}

impl Facts<'_> {
    fn number(&self, name: &str) -> Option<Decimal> {
        match self.kenmerken.get(name) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    fn flag(&self, name: &str) -> bool {
        matches!(self.kenmerken.get(name), Some(Value::Flag(true)))
    }

    fn holds(&self, c: &Condition) -> bool {
        match c {
            Condition::Flag(name, want) => self.flag(name) == *want,
            Condition::Compare(subject, cmp, v) => {
                let x = match subject {
                    Subject::Kenmerk(n) => match self.number(n) {
                        Some(x) => x,
                        None => return false,
                    },
                    Subject::Resultaatmarge => self.resultaatmarge,
                    Subject::IntramuraalAandeel => self.intramuraal_aandeel,
                };
                // Fractions and percentages compare in the unit the policy wrote: a
                // fraction kenmerk or figure against a fraction.
                match cmp {
                    Cmp::AtLeast => x >= *v,
                    Cmp::AtMost => x <= *v,
                    Cmp::Above => x > *v,
                    Cmp::Below => x < *v,
                }
            }
        }
    }
}

/// A percentage and the steps that made it, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Priced {
    /// A fraction of the maximum tariff.
    pub percentage: Decimal,
    pub steps: Vec<String>,
}

fn pct(f: Decimal) -> String {
    format!("{}", (f * Decimal::ONE_HUNDRED).normalize())
}

impl Rule {
    fn covers(&self, code: &str, tariff: &Tariff) -> bool {
        match &self.scope {
            Scope::All => true,
            Scope::Codes(c) => c.contains(code),
            Scope::Forms(f) => f.contains(&tariff.leveringsvorm),
        }
    }
}

impl Policy {
    /// The percentage this policy pays one provider for one prestatie of its sector.
    pub fn price(&self, code: &str, tariff: &Tariff, facts: &Facts) -> Priced {
        match tariff.component {
            Component::Nhc | Component::Nic => {
                return Priced {
                    percentage: self.kapitaal,
                    steps: vec![format!("kapitaal {}%", pct(self.kapitaal))],
                }
            }
            Component::Volledig => {
                return Priced {
                    percentage: Decimal::ONE,
                    steps: vec!["volledig 100%".into()],
                }
            }
            Component::Zorg => {}
        }
        let mut steps = Vec::new();
        let mut p = match self.base {
            Base::Rtp => {
                steps.push(format!("basis rtp {}%", pct(facts.rtp)));
                facts.rtp
            }
            Base::Fixed(v) => {
                steps.push(format!("basis {}%", pct(v)));
                v
            }
            Base::Kenmerk(k, anders) => match (facts.number(k), anders) {
                (Some(v), _) => {
                    let v = v / Decimal::ONE_HUNDRED;
                    steps.push(format!("basis {k} {}%", pct(v)));
                    v
                }
                (None, Some(v)) => {
                    steps.push(format!("basis {}% (geen {k})", pct(v)));
                    v
                }
                (None, None) => {
                    steps.push(format!("basis rtp {}% (geen {k})", pct(facts.rtp)));
                    facts.rtp
                }
            },
        };
        let applicable: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| r.covers(code, tariff) && r.conditions.iter().all(|c| facts.holds(c)))
            .collect();
        for r in &applicable {
            let add = match r.action {
                Action::Add(v) => Some(v),
                Action::AddKenmerk(k) => facts.number(k).map(|v| v / Decimal::ONE_HUNDRED),
                _ => None,
            };
            if let Some(v) = add {
                p += v;
                steps.push(format!(
                    "{} {:+}",
                    r.naam,
                    (v * Decimal::ONE_HUNDRED).normalize()
                ));
            }
        }
        let set = applicable
            .iter()
            .filter_map(|r| match r.action {
                Action::Set(v) => Some((r.voorrang, v, *r)),
                Action::SetKenmerk(k) => facts
                    .number(k)
                    .map(|v| (r.voorrang, v / Decimal::ONE_HUNDRED, *r)),
                _ => None,
            })
            .max_by_key(|(voorrang, _, _)| *voorrang);
        if let Some((_, v, r)) = set {
            p = v;
            steps.push(format!("{} = {}%", r.naam, pct(v)));
        }
        for r in &applicable {
            if let Some(m) = r.maximum {
                if p > m {
                    p = m;
                    steps.push(format!("{} maximum {}%", r.naam, pct(m)));
                }
            }
        }
        if p > self.bovengrens {
            p = self.bovengrens;
            steps.push(format!("bovengrens {}%", pct(p)));
        }
        if p < self.ondergrens {
            p = self.ondergrens;
            steps.push(format!("ondergrens {}%", pct(p)));
        }
        Priced {
            percentage: p.normalize(),
            steps,
        }
    }
}

/// Reads the policy files a configuration names (paths and globs relative to its folder).
pub fn files(basis: &Path, patterns: &[String]) -> Result<Vec<(String, std::path::PathBuf)>> {
    let mut out = Vec::new();
    for p in patterns {
        let full = basis.join(p);
        let matched: Vec<std::path::PathBuf> = if p.contains(['*', '?', '[']) {
            glob::glob(&full.to_string_lossy())
                .with_context(|| format!("beleid.bestanden: {p:?} is not a valid glob"))?
                .filter_map(|r| r.ok())
                .filter(|f| f.is_file())
                .collect()
        } else {
            vec![full]
        };
        if matched.is_empty() {
            bail!(
                "beleid.bestanden: {p:?} matches no file in {}",
                basis.display()
            );
        }
        for f in matched {
            let shown = f
                .strip_prefix(basis)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| f.clone());
            out.push((crate::ingest::shown(&shown), f));
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}
