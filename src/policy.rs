//! Zorgkantoor purchasing policies: the TOML policy files of `data/beleid/`, validated
//! against the vocabulary of provider characteristics (`model::kenmerken`) and the run's tariff
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
//! Validation collects every problem of every file, each naming the file and the rule.
//! Pure apart from reading the policy files: nothing printed, no clock.

use std::collections::{BTreeMap, BTreeSet};

use std::cmp::Ordering;

use anyhow::{Context, Result};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::{InputPath, Num};
use crate::exact::{Fraction, Wide};
use crate::model::kenmerken::{kind_of, Kind, Value, FIGURES, KENMERKEN};
use crate::model::problems::{Problem, Problems};
use crate::model::{Component, Leveringsvorm, Sector, Tariff, Zorgkantoor};

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
    /// Percent (none by default: a result below 0 is an error, not a 0% tariff).
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
pub(crate) fn load(files: &[InputPath], tariffs: &BTreeMap<String, Tariff>) -> Result<Vec<Policy>> {
    let mut problems = Problems::new("the policies");
    let mut policies = Vec::new();
    for file in files {
        let shown = &file.shown;
        let text = std::fs::read_to_string(&file.path)
            .with_context(|| format!("cannot read policy {shown}"))?;
        match parse(shown, &text, tariffs) {
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

/// One policy file's text; `Err` holds every problem found.
pub(crate) fn parse(
    shown: &str,
    text: &str,
    tariffs: &BTreeMap<String, Tariff>,
) -> Result<Policy, Problems> {
    let mut problems = Problems::new("the policies");
    let f: PolicyFile = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            problems.push(Problem::at(shown).says(e.to_string().trim_end().replace('\n', " ")));
            return Err(problems);
        }
    };
    let mut problem =
        |what: &str, msg: String| problems.push(Problem::at(shown).inner(what).says(msg));

    // Spelled exactly as the list has it: a policy file is written once, by hand, against
    // that list (the kenmerken input is matched without regard to case).
    let zorgkantoor = Zorgkantoor::ALL
        .iter()
        .copied()
        .find(|z| z.as_str() == f.zorgkantoor)
        .unwrap_or_else(|| {
            let names: Vec<&str> = Zorgkantoor::ALL.iter().map(|z| z.as_str()).collect();
            problem(
                "zorgkantoor",
                format!("{:?} is not one of {}", f.zorgkantoor, names.join(", ")),
            );
            Zorgkantoor::ALL[0]
        });
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
    let ondergrens = f.ondergrens.map(|o| bound("ondergrens", Some(o), 0));
    if ondergrens.is_some_and(|o| o > bovengrens) {
        problem(
            "ondergrens",
            "is above bovengrens: no percentage would be allowed".into(),
        );
    }
    let gesprek_boven = f.gesprek_resultaat_boven.map(|n| n.0);
    if let Some(g) = gesprek_boven {
        if g.abs() >= Decimal::ONE {
            problem(
                "gesprek_resultaat_boven",
                format!("{g} is not a margin as a fraction (0.05 = 5%)"),
            );
        }
    }

    let mut rules = Vec::new();
    let mut names = BTreeSet::new();
    for r in f.regel {
        let what = format!("regel {:?}", r.naam);
        let mut rule_problem =
            |msg: String| problems.push(Problem::at(shown).inner(&what).says(msg));
        if !names.insert(r.naam.clone()) {
            rule_problem("a second rule with this name".into());
        }
        if r.bron.trim().is_empty() {
            rule_problem("bron: cite the policy this rule comes from".into());
        }
        let points = |v: Num| {
            if v.0 < Decimal::ZERO || v.0 > Decimal::ONE_HUNDRED {
                Err(format!("{} points: give 0 to 100 (min subtracts)", v.0))
            } else {
                Ok(v.0 / Decimal::ONE_HUNDRED)
            }
        };
        let actions: Vec<Action> = [
            r.plus.map(|v| points(v).map(Action::Add)),
            r.min.map(|v| points(v).map(|p| Action::Add(-p))),
            r.zet.map(|v| {
                if in_range(v.0) {
                    Ok(Action::Set(percent(v)))
                } else {
                    Err(format!("zet = {}: outside 0 to 100 percent", v.0))
                }
            }),
            r.plus_kenmerk.as_deref().map(|k| {
                characteristic(
                    k,
                    &[Kind::Points {
                        min: 0,
                        max: 0,
                        whole: false,
                    }],
                )
                .map(Action::AddKenmerk)
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
        if r.voorrang.is_some() && r.zet.is_none() && r.zet_kenmerk.is_none() {
            rule_problem("voorrang orders rules that set a percentage (zet, zet_kenmerk)".into());
        }
        let scope = match (r.prestaties, r.leveringsvorm) {
            (None, None) => Scope::All,
            (Some(codes), None) if codes.is_empty() => {
                rule_problem("prestaties = []: the rule would never apply".into());
                Scope::All
            }
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
            (None, Some(forms)) => {
                let forms: Vec<Leveringsvorm> = forms
                    .iter()
                    .filter_map(|v| Leveringsvorm::parse(v).map_err(&mut rule_problem).ok())
                    .collect();
                let reaches = tariffs.values().any(|t| {
                    t.sector == sector
                        && t.component == Component::Zorg
                        && forms.contains(&t.leveringsvorm)
                });
                if !reaches {
                    rule_problem(format!(
                        "no {sector} care prestatie of the tariff table has leveringsvorm {}: the rule would never apply",
                        forms.iter().map(|f| f.as_str()).collect::<Vec<_>>().join(" or ")
                    ));
                }
                Scope::Forms(forms)
            }
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
                && overlap(&a.scope, &b.scope, sector, tariffs)
                && !exclusive(&a.conditions, &b.conditions)
            {
                problems.push(Problem::at(shown).says(format!(
                    "regel {:?} and regel {:?} both set the percentage of the same prestaties; give them different voorrang",
                    b.naam, a.naam
                )));
            }
        }
    }
    problems.finish()?;
    Ok(Policy {
        bestand: shown.to_string(),
        zorgkantoor,
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
    let number = Num::deserialize(v.clone()).map_err(|e| e.to_string())?.0;
    // The value must be in the subject's own unit, or the condition is always or never true.
    let (lo, hi, unit) = match subject {
        Subject::Kenmerk(n) => match kind_of(n).map(|k| k.1) {
            Some(Kind::Percent) => (Decimal::ZERO, Decimal::ONE_HUNDRED, "a percentage"),
            Some(Kind::Points { min, max, .. }) => {
                (Decimal::from(min), Decimal::from(max), "points")
            }
            _ => (-Decimal::ONE, Decimal::ONE, "a fraction (0.02 = 2%)"),
        },
        Subject::Resultaatmarge => (-Decimal::ONE, Decimal::ONE, "a fraction (0.05 = 5%)"),
        Subject::IntramuraalAandeel => (Decimal::ZERO, Decimal::ONE, "a fraction (0.01 = 1%)"),
    };
    if number < lo || number > hi {
        return Err(format!("{number} is outside {lo} to {hi}: write {unit}"));
    }
    Ok(Condition::Compare(subject, cmp, number))
}

/// Whether two scopes can hold the same care prestatie of the policy's sector.
fn overlap(a: &Scope, b: &Scope, sector: Sector, tariffs: &BTreeMap<String, Tariff>) -> bool {
    let codes = |s: &Scope| -> BTreeSet<String> {
        tariffs
            .iter()
            .filter(|(_, t)| t.sector == sector && t.component == Component::Zorg)
            .filter(|(c, t)| match s {
                Scope::All => true,
                Scope::Codes(codes) => codes.contains(*c),
                Scope::Forms(f) => f.contains(&t.leveringsvorm),
            })
            .map(|(c, _)| c.clone())
            .collect()
    };
    !codes(a).is_disjoint(&codes(b))
}

/// Whether two rules' conditions can never hold together: one asks a flag to be set and
/// the other asks it not to be.
fn exclusive(a: &[Condition], b: &[Condition]) -> bool {
    a.iter().any(|x| {
        b.iter().any(|y| match (x, y) {
            (Condition::Flag(n, v), Condition::Flag(m, w)) => n == m && v != w,
            _ => false,
        })
    })
}

// ---------------------------------------------------------------------------------------
// Evaluation.

/// A figure n ÷ d with d > 0, kept exact so that comparing it with a threshold never
/// rests on a rounded quotient: a quotient rounded to 28 digits can equal a threshold it is
/// above (1 ÷ 30 against 0.0333…3), which would flip a decision.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Quotient(Fraction);

impl Quotient {
    /// n ÷ d; none unless d > 0 (a margin on no omzet, a share of no claims is not known).
    pub(crate) fn new(numerator: Wide, denominator: Wide) -> Option<Quotient> {
        if denominator.sign() != Ordering::Greater {
            return None;
        }
        numerator.over(&denominator).map(Quotient)
    }

    pub(crate) fn of(numerator: Decimal, denominator: Decimal) -> Option<Quotient> {
        Quotient::new(numerator.into(), denominator.into())
    }

    /// How n ÷ d compares with `v`, exactly.
    pub(crate) fn cmp_to(&self, v: Decimal) -> Ordering {
        self.0.cmp(&Wide::from(v).fraction())
    }
}

/// What the rules may look at for one provider under one zorgkantoor.
#[derive(Debug, Clone)]
pub(crate) struct Facts<'a> {
    pub kenmerken: &'a BTreeMap<&'static str, Value>,
    /// R ÷ O of the reference year; none when O ≤ 0 or O cannot be computed.
    pub resultaatmarge: Option<Quotient>,
    /// Σd intramural ÷ D; none when D ≤ 0.
    pub intramuraal_aandeel: Option<Quotient>,
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
                // Fractions and percentages compare in the unit the policy wrote: a
                // fraction kenmerk or figure against a fraction. A figure is compared by
                // its exact parts; an unknown one satisfies nothing.
                let order = match subject {
                    Subject::Kenmerk(n) => match self.number(n) {
                        Some(x) => x.cmp(v),
                        None => return false,
                    },
                    Subject::Resultaatmarge => match &self.resultaatmarge {
                        Some(q) => q.cmp_to(*v),
                        None => return false,
                    },
                    Subject::IntramuraalAandeel => match &self.intramuraal_aandeel {
                        Some(q) => q.cmp_to(*v),
                        None => return false,
                    },
                };
                match cmp {
                    Cmp::AtLeast => order != Ordering::Less,
                    Cmp::AtMost => order != Ordering::Greater,
                    Cmp::Above => order == Ordering::Greater,
                    Cmp::Below => order == Ordering::Less,
                }
            }
        }
    }
}

/// A percentage and the steps that made it, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Priced {
    /// A fraction of the maximum tariff.
    pub percentage: Decimal,
    pub steps: Vec<String>,
}

/// A fraction as the percentage a step shows: 0.955 → `95.5`.
pub(crate) fn pct(f: Decimal) -> String {
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
    /// The percentage this policy pays one provider for one prestatie of its sector. A
    /// result outside 0-100% after the bounds is an error naming the file and the rule
    /// that made it (bovengrens ≤ 100% is checked when the file is read).
    pub(crate) fn price(
        &self,
        code: &str,
        tariff: &Tariff,
        facts: &Facts,
    ) -> Result<Priced, String> {
        match tariff.component {
            Component::Nhc | Component::Nic => {
                return Ok(Priced {
                    percentage: self.kapitaal,
                    steps: vec![format!("kapitaal {}%", pct(self.kapitaal))],
                })
            }
            Component::Volledig => {
                return Ok(Priced {
                    percentage: Decimal::ONE,
                    steps: vec!["volledig 100%".into()],
                })
            }
            Component::Zorg => {}
        }
        let mut last_rule: Option<&str> = None;
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
                last_rule = Some(&r.naam);
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
            last_rule = Some(&r.naam);
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
        if let Some(floor) = self.ondergrens.filter(|&f| p < f) {
            p = floor;
            steps.push(format!("ondergrens {}%", pct(p)));
        }
        if p < Decimal::ZERO {
            return Err(format!(
                "{}: {} gives {code} a percentage of {}% after its bounds: {}",
                self.bestand,
                last_rule.map_or("the base".to_string(), |r| format!("regel {r:?}")),
                pct(p),
                steps.join("; ")
            ));
        }
        Ok(Priced {
            percentage: p.normalize(),
            steps,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// The sample's configuration.
    fn sample() -> crate::config::Config {
        crate::config::load(&root().join("data/voorbeeld/richttarief.toml")).unwrap()
    }

    /// The sample's tariff table, which holds every code the shipped policies name.
    fn tariffs() -> BTreeMap<String, Tariff> {
        let config = sample();
        let spec = config.input(crate::config::Input::Tarieven).unwrap();
        crate::ingest::read_tariffs(&spec).unwrap().by_code
    }

    fn shipped(name: &str) -> Policy {
        let path = root().join("data/beleid").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        parse(name, &text, &tariffs()).unwrap_or_else(|e| panic!("{e:?}"))
    }

    /// A provider's characteristics, written as the kenmerken file would hold them.
    fn facts(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, Value> {
        pairs
            .iter()
            .map(|&(k, v)| {
                let value = match v {
                    "ja" => Value::Flag(true),
                    "nee" => Value::Flag(false),
                    n => Value::Number(d(n)),
                };
                (k, value)
            })
            .collect()
    }

    /// The percentage (in percent) a policy pays for `code` to a provider with `pairs`,
    /// whose group's RTP is `rtp` percent.
    fn pays(p: &Policy, code: &str, rtp: &str, pairs: &[(&'static str, &str)]) -> Decimal {
        let kenmerken = facts(pairs);
        let f = Facts {
            kenmerken: &kenmerken,
            resultaatmarge: None,
            intramuraal_aandeel: None,
            rtp: d(rtp) / Decimal::ONE_HUNDRED,
        };
        let t = &tariffs()[code];
        let priced = p.price(code, t, &f).unwrap_or_else(|e| panic!("{e}"));
        (priced.percentage * Decimal::ONE_HUNDRED).normalize()
    }

    #[test]
    fn every_shipped_policy_loads_and_each_organisation_has_one() {
        // The sample names no policies, so its configuration resolves to the shipped ones.
        let config = sample();
        let files = config.beleid.files().unwrap();
        assert_eq!(files.len(), 14);
        let policies = load(files, &tariffs()).unwrap();
        for z in Zorgkantoor::ALL {
            assert!(
                policies.iter().any(|p| p.zorgkantoor == *z),
                "no shipped policy for {z}"
            );
        }
        for p in &policies {
            assert!(
                p.bovengrens <= Decimal::ONE,
                "{} pays above 100%",
                p.bestand
            );
            for r in &p.rules {
                assert!(
                    r.bron.contains(p.zorgkantoor.as_str()) || r.bron.contains("Inkoopoverzicht"),
                    "{}: {} cites {}",
                    p.bestand,
                    r.naam,
                    r.bron
                );
            }
        }
    }

    #[test]
    fn zilveren_kruis_vv() {
        let p = shipped("zilveren-kruis-vv-2024-2026.toml");
        assert_eq!(
            pays(&p, "V5VV", "96.2", &[]),
            d("95.5"),
            "the published RTP, not the run's"
        );
        assert_eq!(
            pays(&p, "V5VV", "96.2", &[("essentiele_functie", "ja")]),
            d("96.0")
        );
        assert_eq!(
            pays(&p, "H126", "96.2", &[("nieuwe_aanbieder", "ja")]),
            d("93.5")
        );
        // A new provider's 93.5% is not raised by an essential role.
        assert_eq!(
            pays(
                &p,
                "H126",
                "96.2",
                &[("nieuwe_aanbieder", "ja"), ("essentiele_functie", "ja")]
            ),
            d("93.5")
        );
        assert_eq!(
            pays(&p, "NHC5VV", "96.2", &[("nieuwe_aanbieder", "ja")]),
            d("100")
        );
        assert_eq!(
            pays(&p, "T101", "96.2", &[]),
            d("100"),
            "volledig is never scaled"
        );
    }

    #[test]
    fn zilveren_kruis_gz() {
        let p = shipped("zilveren-kruis-gz-2027-2029.toml");
        assert_eq!(pays(&p, "VG5", "96.7", &[]), d("96.7"));
        assert_eq!(
            pays(&p, "VG5", "96.7", &[("nieuwe_aanbieder", "ja")]),
            d("94.7")
        );
        assert_eq!(
            pays(&p, "VG5", "96.7", &[("minder_regionale_bijdrage", "ja")]),
            d("94.7")
        );
        // "new or contributing less": two points once, not four.
        assert_eq!(
            pays(
                &p,
                "VG5",
                "96.7",
                &[
                    ("nieuwe_aanbieder", "ja"),
                    ("minder_regionale_bijdrage", "ja")
                ]
            ),
            d("94.7")
        );
        for code in ["LOGEREN-GZ", "OBSERVATIE-GZ", "CRISIS-GZ", "BEVEILIGD-GZ"] {
            assert_eq!(
                pays(&p, code, "96.7", &[("nieuwe_aanbieder", "ja")]),
                d("100"),
                "{code}"
            );
        }
    }

    #[test]
    fn vgz_vv_and_gz() {
        let vv = shipped("vgz-vv-2024-2026.toml");
        assert_eq!(
            pays(&vv, "VPT4VV", "96.2", &[("werkgeversopslag", "ja")]),
            d("95.5")
        );
        let p = shipped("vgz-gz-2027-2029.toml");
        // H300 is an MPT prestatie: +1.4 from 2% more MPT on.
        assert_eq!(
            pays(&p, "H300", "96.0", &[("mpt_groei", "0.02")]),
            d("97.4")
        );
        assert_eq!(
            pays(&p, "H300", "96.0", &[("mpt_groei", "0.019")]),
            d("96.0")
        );
        assert_eq!(
            pays(&p, "VG5", "96.0", &[("mpt_groei", "0.05")]),
            d("96.0"),
            "not MPT"
        );
        assert_eq!(
            pays(&p, "VG5", "96.0", &[("zelfredzaamheid_beleid", "ja")]),
            d("96.1")
        );
        assert_eq!(
            pays(
                &p,
                "H811",
                "96.0",
                &[("mpt_groei", "0.03"), ("zelfredzaamheid_beleid", "ja")]
            ),
            d("97.5")
        );
        for code in ["H138", "H139", "H306"] {
            assert_eq!(
                pays(&p, code, "96.0", &[("digitale_zorg_groei", "0.01")]),
                d("100")
            );
            assert_eq!(
                pays(&p, code, "96.0", &[("digitale_zorg_groei", "0")]),
                d("96.0")
            );
        }
        assert_eq!(
            pays(&p, "VG5", "96.0", &[("nieuwe_aanbieder", "ja")]),
            d("94.0")
        );
        assert_eq!(p.gesprek_boven, Some(d("0.05")));
    }

    #[test]
    fn menzis_vv_and_gz() {
        let vv = shipped("menzis-vv-2024-2026.toml");
        assert_eq!(pays(&vv, "V4VV", "96.2", &[]), d("95.5"));
        assert_eq!(
            pays(&vv, "V4VV", "96.2", &[("module_opslag", "2")]),
            d("97.5")
        );
        assert_eq!(
            pays(&vv, "V4VV", "96.2", &[("nieuwe_aanbieder", "ja")]),
            d("95.3")
        );
        let gz = shipped("menzis-gz-2027-2029.toml");
        assert_eq!(
            pays(&gz, "VG7", "96.0", &[("complexe_zorg_garantie", "ja")]),
            d("98.0")
        );
        assert_eq!(
            pays(&gz, "VG7+", "96.0", &[("complexe_zorg_garantie", "ja")]),
            d("98.0")
        );
        // RTP + 2 up to 100%.
        assert_eq!(
            pays(&gz, "VG7", "98.5", &[("complexe_zorg_garantie", "ja")]),
            d("100")
        );
        assert_eq!(
            pays(&gz, "VG5", "96.0", &[("complexe_zorg_garantie", "ja")]),
            d("96.0")
        );
        assert_eq!(
            pays(&gz, "VG7", "96.0", &[("nieuwe_aanbieder", "ja")]),
            d("94.0")
        );
    }

    #[test]
    fn cz_vv() {
        let p = shipped("cz-vv-2024-2026.toml");
        assert_eq!(pays(&p, "V6VV", "96.2", &[]), d("95.5"));
        assert_eq!(
            pays(
                &p,
                "V6VV",
                "96.2",
                &[("arbeidsbesparende_technologie", "ja")]
            ),
            d("95.6")
        );
        assert_eq!(
            pays(&p, "V6VV", "96.2", &[("afspraken_beweging", "ja")]),
            d("95.8")
        );
        assert_eq!(
            pays(
                &p,
                "V6VV",
                "96.2",
                &[
                    ("arbeidsbesparende_technologie", "ja"),
                    ("afspraken_beweging", "ja")
                ]
            ),
            d("95.9")
        );
        assert_eq!(
            pays(&p, "V6VV", "96.2", &[("vrij_voorstel", "98.2")]),
            d("98.2")
        );
        assert_eq!(
            pays(&p, "V6VV", "96.2", &[("vrij_voorstel", "100")]),
            d("100")
        );
        assert_eq!(
            pays(
                &p,
                "V6VV",
                "96.2",
                &[("vrij_voorstel", "98.2"), ("nieuwe_aanbieder", "ja")]
            ),
            d("93.5")
        );
    }

    #[test]
    fn salland_vv() {
        let p = shipped("salland-vv-2024-2026.toml");
        assert_eq!(
            pays(&p, "H127", "96.2", &[("regionale_rol", "-2")]),
            d("93.5")
        );
        assert_eq!(
            pays(&p, "H127", "96.2", &[("regionale_rol", "1")]),
            d("96.5")
        );
        assert_eq!(pays(&p, "H127", "96.2", &[]), d("95.5"));
        assert_eq!(
            pays(&p, "H127", "96.2", &[("nieuwe_aanbieder", "ja")]),
            d("93.5")
        );
    }

    #[test]
    fn dsw_vv_and_gz() {
        let vv = shipped("dsw-vv-2024-2026.toml");
        let own = |pct: &'static str, monitor: &'static str| {
            pays(
                &vv,
                "V5VV",
                "96.2",
                &[("percentage_2023", pct), ("monitor_uitkomst", monitor)],
            )
        };
        assert_eq!(own("96.0", "1"), d("97.0"));
        assert_eq!(own("95.0", "-1"), d("94.0"));
        assert_eq!(own("97.0", "1"), d("97.5"), "never above 97.5%");
        assert_eq!(
            pays(&vv, "V5VV", "96.2", &[]),
            d("95.5"),
            "no 2023 percentage: 95.5"
        );
        assert_eq!(
            pays(&vv, "V5VV", "96.2", &[("nieuwe_aanbieder", "ja")]),
            d("91")
        );
        let gz = shipped("dsw-gz-2027-2029.toml");
        assert_eq!(pays(&gz, "VG3", "96.3", &[]), d("96.3"));
        assert_eq!(
            pays(&gz, "VG3", "96.3", &[("bestaande_afspraak", "97.2")]),
            d("97.2")
        );
        assert_eq!(
            pays(&gz, "VG3", "96.3", &[("nieuwe_aanbieder", "ja")]),
            d("91")
        );
        assert_eq!(
            pays(
                &gz,
                "VG3",
                "96.3",
                &[("nieuwe_aanbieder", "ja"), ("bestaande_afspraak", "97.2")]
            ),
            d("91")
        );
    }

    #[test]
    fn zorg_en_zekerheid_vv() {
        let p = shipped("zorg-en-zekerheid-vv-2024-2026.toml");
        assert_eq!(
            pays(&p, "VPT5VV", "96.2", &[("werkgeversopslag", "ja")]),
            d("95.8")
        );
        assert_eq!(
            pays(&p, "VPT5VV", "96.2", &[("werkgeversopslag", "nee")]),
            d("95.5")
        );
    }

    const HEAD: &str = "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron = \"test\"\n[basis]\nrtp = true\n";

    fn problems(rules: &str) -> String {
        parse("test.toml", &format!("{HEAD}{rules}"), &tariffs())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn bad_rules_are_named_by_file_and_rule() {
        let e = problems(
            "[[regel]]\nnaam = \"a\"\nbron = \"x\"\nplus = 1\nals = { gouden_rand = true }\n",
        );
        assert!(
            e.contains("test.toml: regel \"a\": als.gouden_rand: unknown characteristic"),
            "{e}"
        );
        let e =
            problems("[[regel]]\nnaam = \"b\"\nbron = \"x\"\nzet = 100\nprestaties = [\"V9VV\"]\n");
        assert!(
            e.contains("regel \"b\": prestatiecode \"V9VV\" is not in the tariff table"),
            "{e}"
        );
        let e = problems(
            "[[regel]]\nnaam = \"c\"\nbron = \"x\"\nplus = 1\nleveringsvorm = [\"thuis\"]\n",
        );
        assert!(
            e.contains("regel \"c\": unknown leveringsvorm \"thuis\""),
            "{e}"
        );
        let e = problems("[[regel]]\nnaam = \"d\"\nbron = \"x\"\nzet = 101\n");
        assert!(
            e.contains("regel \"d\": zet = 101: outside 0 to 100 percent"),
            "{e}"
        );
        let e = problems(
            "[[regel]]\nnaam = \"e\"\nbron = \"x\"\nplus_kenmerk = \"nieuwe_aanbieder\"\n",
        );
        assert!(
            e.contains("regel \"e\": the characteristic \"nieuwe_aanbieder\" has the wrong kind"),
            "{e}"
        );
        let e = problems("[[regel]]\nnaam = \"f\"\nbron = \"x\"\nplus = 1\nmin = 1\n");
        assert!(e.contains("regel \"f\": give exactly one of"), "{e}");
        let e = problems("[[regel]]\nnaam = \"g\"\nbron = \"x\"\nplus = 1\nvoorwaarde = 3\n");
        assert!(e.contains("voorwaarde"), "an unknown key: {e}");
        let e = parse(
            "test.toml",
            &HEAD
                .replace("rtp = true", "rtp = true\n")
                .replace("bron = \"test\"", "bron = \"test\"\nbovengrens = 120"),
            &tariffs(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("test.toml: bovengrens: 120 is outside 0 to 100 percent"),
            "{e}"
        );
    }

    #[test]
    fn two_rules_setting_the_same_prestatie_need_a_stated_order() {
        let two = "[[regel]]\nnaam = \"a\"\nbron = \"x\"\nzet = 93.5\nals = { nieuwe_aanbieder = true }\n[[regel]]\nnaam = \"b\"\nbron = \"x\"\nzet = 100\nleveringsvorm = [\"mpt\"]\n";
        let e = problems(two);
        assert!(
            e.contains("test.toml: regel \"a\" and regel \"b\" both set the percentage of the same prestaties"),
            "{e}"
        );
        // A stated order resolves it, and the higher voorrang wins where both apply.
        let ordered = two.replace("zet = 100\n", "zet = 100\nvoorrang = 1\n");
        let p = parse("test.toml", &format!("{HEAD}{ordered}"), &tariffs()).unwrap();
        assert_eq!(
            pays(&p, "H126", "96", &[("nieuwe_aanbieder", "ja")]),
            d("100")
        );
        assert_eq!(
            pays(&p, "V5VV", "96", &[("nieuwe_aanbieder", "ja")]),
            d("93.5")
        );
        // Scopes that cannot meet (intramural codes, MPT) do not conflict.
        let apart = "[[regel]]\nnaam = \"a\"\nbron = \"x\"\nzet = 93.5\nleveringsvorm = [\"intramuraal\"]\n[[regel]]\nnaam = \"b\"\nbron = \"x\"\nzet = 100\nleveringsvorm = [\"mpt\"]\n";
        assert!(parse("test.toml", &format!("{HEAD}{apart}"), &tariffs()).is_ok());
    }

    #[test]
    fn every_problem_of_every_file_at_once() {
        let dir = std::env::temp_dir().join(format!("richttarief-policy-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join("a.toml"),
            format!("{HEAD}[[regel]]\nnaam = \"x\"\nbron = \"y\"\nzet = 200\n"),
        )
        .unwrap();
        std::fs::write(dir.join("b.toml"), HEAD.replace("\"CZ\"", "\"Achmea\"")).unwrap();
        std::fs::write(dir.join("c.toml"), HEAD).unwrap();
        let files: Vec<InputPath> = ["a.toml", "b.toml", "c.toml"]
            .map(|name| InputPath {
                shown: name.to_string(),
                path: dir.join(name),
            })
            .into();
        let e = load(&files, &tariffs()).unwrap_err().to_string();
        assert!(e.starts_with("2 problems"), "{e}");
        assert!(e.contains("a.toml: regel \"x\": zet = 200"), "{e}");
        assert!(
            e.contains("b.toml: zorgkantoor: \"Achmea\" is not one of"),
            "{e}"
        );
        // Two policies of one zorgkantoor for one sector.
        std::fs::write(dir.join("a.toml"), HEAD).unwrap();
        std::fs::write(dir.join("b.toml"), HEAD).unwrap();
        let e = load(&files, &tariffs()).unwrap_err().to_string();
        assert!(
            e.contains("b.toml: a second policy of CZ for VV (the first is a.toml)"),
            "{e}"
        );
    }

    #[test]
    fn a_result_outside_0_to_100_is_refused_not_clamped() {
        // Statically: more than 100 points.
        let e = problems("[[regel]]\nnaam = \"a\"\nbron = \"x\"\nmin = 120\n");
        assert!(e.contains("regel \"a\": 120 points: give 0 to 100"), "{e}");
        // At run time: points that are fine alone but take a provider below 0%.
        let text = format!(
            "{HEAD}[[regel]]\nnaam = \"korting\"\nbron = \"x\"\nmin = 60\n[[regel]]\nnaam = \"nog-een\"\nbron = \"x\"\nmin = 50\nals = {{ nieuwe_aanbieder = true }}\n"
        );
        let p = parse("test.toml", &text, &tariffs()).unwrap();
        let kenmerken = facts(&[("nieuwe_aanbieder", "ja")]);
        let f = Facts {
            kenmerken: &kenmerken,
            resultaatmarge: None,
            intramuraal_aandeel: None,
            rtp: d("0.96"),
        };
        let e = p.price("V5VV", &tariffs()["V5VV"], &f).unwrap_err();
        assert!(
            e.contains("test.toml: regel \"nog-een\" gives V5VV a percentage of -14%"),
            "{e}"
        );
        // With a floor the policy states, the floor holds.
        let floored = parse(
            "test.toml",
            &text.replace("[basis]", "ondergrens = 80\n[basis]"),
            &tariffs(),
        )
        .unwrap();
        assert_eq!(
            floored
                .price("V5VV", &tariffs()["V5VV"], &f)
                .unwrap()
                .percentage,
            d("0.8")
        );
    }

    #[test]
    fn conditions_are_checked_in_their_own_unit() {
        // (percentage_2023 = { minimaal = 0.95 } cannot be told from a real 0.95%: it loads.)
        let e = problems("[[regel]]\nnaam = \"a\"\nbron = \"x\"\nplus = 1\nals = { percentage_2023 = { minimaal = 101 } }\n");
        assert!(
            e.contains("als.percentage_2023: 101 is outside 0 to 100: write a percentage"),
            "{e}"
        );
        let e = problems("[[regel]]\nnaam = \"b\"\nbron = \"x\"\nplus = 1\nals = { monitor_uitkomst = { boven = 50 } }\n");
        assert!(
            e.contains("regel \"b\": als.monitor_uitkomst: 50 is outside -1 to 1: write points"),
            "{e}"
        );
        let e = problems("[[regel]]\nnaam = \"c\"\nbron = \"x\"\nplus = 1\nals = { mpt_groei = { minimaal = 2 } }\n");
        assert!(
            e.contains("als.mpt_groei: 2 is outside -1 to 1: write a fraction"),
            "{e}"
        );
        let e = parse(
            "test.toml",
            &HEAD.replace(
                "bron = \"test\"",
                "bron = \"test\"\ngesprek_resultaat_boven = 5",
            ),
            &tariffs(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("gesprek_resultaat_boven: 5 is not a margin as a fraction"),
            "{e}"
        );
    }

    #[test]
    fn rules_that_could_never_apply_or_misuse_voorrang_are_refused() {
        let e = problems("[[regel]]\nnaam = \"a\"\nbron = \"x\"\nplus = 1\nprestaties = []\n");
        assert!(
            e.contains("regel \"a\": prestaties = []: the rule would never apply"),
            "{e}"
        );
        let e = problems("[[regel]]\nnaam = \"b\"\nbron = \"x\"\nplus = 1\nvoorrang = 3\n");
        assert!(
            e.contains("regel \"b\": voorrang orders rules that set a percentage"),
            "{e}"
        );
        // VV has no care prestatie delivered "overig" in the sample's table (T101 is volledig).
        let e = problems(
            "[[regel]]\nnaam = \"c\"\nbron = \"x\"\nplus = 1\nleveringsvorm = [\"overig\"]\n",
        );
        assert!(
            e.contains(
                "regel \"c\": no VV care prestatie of the tariff table has leveringsvorm overig"
            ),
            "{e}"
        );
    }

    #[test]
    fn set_rules_whose_conditions_exclude_each_other_do_not_conflict() {
        let text = "[[regel]]\nnaam = \"nieuw\"\nbron = \"x\"\nzet = 93.5\nals = { nieuwe_aanbieder = true }\n[[regel]]\nnaam = \"bestaand\"\nbron = \"x\"\nzet = 96\nals = { nieuwe_aanbieder = false }\n";
        let p = parse("test.toml", &format!("{HEAD}{text}"), &tariffs()).unwrap();
        assert_eq!(
            pays(&p, "V5VV", "95", &[("nieuwe_aanbieder", "ja")]),
            d("93.5")
        );
        assert_eq!(pays(&p, "V5VV", "95", &[]), d("96"));
    }

    #[test]
    fn combinations_of_the_published_rules() {
        // A new Menzis GZ provider with guaranteed complex care: RTP − 2 + 2 on VG7.
        let menzis = shipped("menzis-gz-2027-2029.toml");
        assert_eq!(
            pays(
                &menzis,
                "VG7",
                "96.0",
                &[("nieuwe_aanbieder", "ja"), ("complexe_zorg_garantie", "ja")]
            ),
            d("96.0")
        );
        // Zilveren Kruis GZ: essential care stays 100% for a provider contributing less.
        let zk = shipped("zilveren-kruis-gz-2027-2029.toml");
        assert_eq!(
            pays(
                &zk,
                "CRISIS-GZ",
                "96.7",
                &[("minder_regionale_bijdrage", "ja")]
            ),
            d("100")
        );
        // DSW V&V: a 2023 percentage above the maximum comes down to 97.5% with monitor 0.
        let dsw = shipped("dsw-vv-2024-2026.toml");
        assert_eq!(
            pays(
                &dsw,
                "V4VV",
                "96.2",
                &[("percentage_2023", "98"), ("monitor_uitkomst", "0")]
            ),
            d("97.5")
        );
        // CZ: a new provider's 93.5% holds against a free proposal of 100%.
        let cz = shipped("cz-vv-2024-2026.toml");
        assert_eq!(
            pays(
                &cz,
                "V4VV",
                "96.2",
                &[("nieuwe_aanbieder", "ja"), ("vrij_voorstel", "100")]
            ),
            d("93.5")
        );
        // The GZ files of CZ, Salland and Zorg en Zekerheid: RTP − 2 for new providers.
        for f in [
            "cz-gz-2027-2029.toml",
            "salland-gz-2027-2029.toml",
            "zorg-en-zekerheid-gz-2027-2029.toml",
        ] {
            let p = shipped(f);
            assert_eq!(pays(&p, "VG5", "96.3", &[]), d("96.3"), "{f}");
            assert_eq!(
                pays(&p, "VG5", "96.3", &[("nieuwe_aanbieder", "ja")]),
                d("94.3"),
                "{f}"
            );
        }
    }

    #[test]
    fn a_quotient_is_compared_by_its_exact_parts() {
        // 1 ÷ 30 rounds to 0.0333333333333333333333333333 at 28 decimals, the threshold
        // itself; exactly, 1 > 0.0333333333333333333333333333 × 30 = 0.999…9 (27 nines).
        let third = d("0.0333333333333333333333333333");
        assert_eq!(d("1") / d("30"), third, "the rounded quotient ties");
        let q = Quotient::of(d("1"), d("30")).unwrap();
        assert_eq!(q.cmp_to(third), Ordering::Greater);
        // On the threshold exactly: 150 ÷ 3000 = 0.05; one cent more is above it.
        assert_eq!(
            Quotient::of(d("150.00"), d("3000"))
                .unwrap()
                .cmp_to(d("0.05")),
            Ordering::Equal
        );
        assert_eq!(
            Quotient::of(d("150.01"), d("3000"))
                .unwrap()
                .cmp_to(d("0.05")),
            Ordering::Greater
        );
        // v·d beyond rust_decimal's 96 bits: MAX ÷ MAX = 1, and 1 − 10^-28 is below it.
        let max = Decimal::MAX;
        let q = Quotient::of(max, max).unwrap();
        assert_eq!(q.cmp_to(Decimal::ONE), Ordering::Equal);
        assert_eq!(
            q.cmp_to(d("0.9999999999999999999999999999")),
            Ordering::Greater
        );
        // (−1) ÷ 3 against −0.3333333333333333333333333333: below it.
        assert_eq!(
            Quotient::of(d("-1"), d("3"))
                .unwrap()
                .cmp_to(d("-0.3333333333333333333333333333")),
            Ordering::Less
        );
        // No quotient on a denominator ≤ 0.
        assert!(Quotient::of(d("1"), Decimal::ZERO).is_none());
        assert!(Quotient::of(d("1"), d("-3")).is_none());
    }

    #[test]
    fn conditions_on_figures_are_exact_and_an_unknown_figure_satisfies_none() {
        let kenmerken = BTreeMap::new();
        let with = |marge: Option<Quotient>, aandeel: Option<Quotient>| Facts {
            kenmerken: &kenmerken,
            resultaatmarge: marge,
            intramuraal_aandeel: aandeel,
            rtp: d("0.96"),
        };
        let above = |s, v: &str| Condition::Compare(s, Cmp::Above, d(v));
        let below = |s, v: &str| Condition::Compare(s, Cmp::Below, d(v));
        let at_most = |s, v: &str| Condition::Compare(s, Cmp::AtMost, d(v));
        let f = with(
            Quotient::of(d("100"), d("3000")),
            Quotient::of(d("100"), d("300")),
        );
        let m = Subject::Resultaatmarge;
        let a = Subject::IntramuraalAandeel;
        assert!(f.holds(&above(m, "0.0333333333333333333333333333")));
        assert!(!f.holds(&at_most(m, "0.0333333333333333333333333333")));
        assert!(f.holds(&above(a, "0.3333333333333333333333333333")));
        assert!(f.holds(&below(a, "0.3333333333333333333333333334")));
        // Unknown: neither above nor below anything, not even a margin of 0.
        let unknown = with(None, None);
        for c in [
            above(m, "-1"),
            below(m, "1"),
            at_most(m, "0"),
            above(a, "0"),
            below(a, "1"),
        ] {
            assert!(!unknown.holds(&c), "{c:?}");
        }
    }
}
