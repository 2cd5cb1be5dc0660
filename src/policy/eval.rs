//! Evaluation: the percentage a policy pays one provider for one prestatie (or that it does
//! not contract it, or that the percentage is not known), with the steps that made it, from
//! the provider's `Facts`; and whether conditions hold. A figure a condition names is compared by its
//! exact parts (`Quotient`), never as a rounded quotient.
//!
//! Pure: it reads nothing and validates nothing (`parse` has).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::exact::{Fraction, Wide};
use crate::model::kenmerken::Value;
use crate::model::{Component, Sector, Tariff};

use super::{
    Action, Base, Cmp, Condition, Conditions, Fallback, Level, Policy, Rule, Scope, Status, Subject,
};

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
    /// The provider's own sector (its group's; outside the population, the one the
    /// classification gives): `sectorvreemd` compares it with the policy's.
    pub sector: Sector,
    /// R_t ÷ O at the provider's tariffs: known only after pricing, so none while pricing;
    /// a conversation's condition may name it.
    pub resultaatmarge_bij_tarief: Option<Quotient>,
}

impl Facts<'_> {
    pub(super) fn number(&self, name: &str) -> Option<Decimal> {
        match self.kenmerken.get(name) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    fn flag(&self, name: &str) -> bool {
        matches!(self.kenmerken.get(name), Some(Value::Flag(true)))
    }

    /// Whether `als` holds (every condition) and `als_een_van` holds (at least one of its
    /// tables, each in full), for a policy of `sector`.
    pub(super) fn meets(&self, c: &Conditions, sector: Sector) -> bool {
        c.all.iter().all(|x| self.holds(x, sector))
            && (c.any_of.is_empty()
                || c.any_of
                    .iter()
                    .any(|t| t.iter().all(|x| self.holds(x, sector))))
    }

    /// Whether one condition holds, for a policy of `sector`.
    pub(super) fn holds(&self, c: &Condition, sector: Sector) -> bool {
        match c {
            Condition::Flag(name, want) => self.flag(name) == *want,
            Condition::Sectorvreemd(want) => (self.sector != sector) == *want,
            Condition::Compare(subject, cmp, v) => {
                // Fractions and percentages compare in the unit the policy wrote: a
                // fraction kenmerk or figure against a fraction. A figure is compared by
                // its exact parts; an unknown one satisfies nothing.
                let figure = |q: &Option<Quotient>| q.as_ref().map(|q| q.cmp_to(*v));
                let order = match subject {
                    Subject::Kenmerk(n) => self.number(n).map(|x| x.cmp(v)),
                    Subject::Resultaatmarge => figure(&self.resultaatmarge),
                    Subject::IntramuraalAandeel => figure(&self.intramuraal_aandeel),
                    Subject::ResultaatmargeBijTarief => figure(&self.resultaatmarge_bij_tarief),
                };
                let Some(order) = order else { return false };
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

/// What a prestatie is paid under a policy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Paid {
    /// A fraction of the maximum tariff.
    Percentage(Decimal),
    /// The zorgkantoor does not contract it for this provider (the rule that says so).
    NotContracted { rule: String },
    /// No percentage is known (the reason, e.g. `geen bestaande_afspraak`).
    Unknown(String),
}

/// What a prestatie is paid and the steps that made it, in order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Priced {
    pub paid: Paid,
    pub steps: Vec<String>,
}

impl Priced {
    /// The percentage, a fraction, when one is paid.
    pub(crate) fn percentage(&self) -> Option<Decimal> {
        match self.paid {
            Paid::Percentage(p) => Some(p),
            _ => None,
        }
    }
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

impl Level {
    /// The percentage for this provider; none for a characteristic it lacks.
    fn value(&self, facts: &Facts) -> Option<Decimal> {
        match self {
            Level::Fixed(v) => Some(*v),
            Level::Rtp(points) => Some(facts.rtp + points),
            Level::Kenmerk(k, points) => facts.number(k).map(|v| v / Decimal::ONE_HUNDRED + points),
        }
    }

    /// What a step names it by when it cannot be computed.
    fn missing(&self) -> String {
        match self {
            Level::Kenmerk(k, _) => format!("geen {k}"),
            _ => String::new(),
        }
    }
}

/// A step with the remark on a setting taken by default: `kapitaal 100% (standaard; …)`.
fn noted(step: String, note: Option<&String>) -> String {
    match note {
        Some(n) => format!("{step} ({n})"),
        None => step,
    }
}

impl Policy {
    /// What this policy pays one provider for one prestatie of its sector. A result
    /// outside 0-100% after the bounds is an error naming the file and the rule that made
    /// it (bovengrens ≤ 100% is checked when the file is read).
    pub(crate) fn price(
        &self,
        code: &str,
        tariff: &Tariff,
        facts: &Facts,
    ) -> Result<Priced, String> {
        let note = |naam: &str| self.setting(naam).and_then(|s| s.note.as_ref());
        let percentage = |p: Decimal, steps: Vec<String>| Priced {
            paid: Paid::Percentage(p),
            steps,
        };
        match tariff.component {
            Component::Nhc | Component::Nic => {
                return Ok(percentage(
                    self.kapitaal,
                    vec![noted(
                        format!("kapitaal {}%", pct(self.kapitaal)),
                        note("kapitaal"),
                    )],
                ))
            }
            Component::Volledig => {
                return Ok(percentage(Decimal::ONE, vec!["volledig 100%".into()]));
            }
            Component::Zorg => {}
        }
        let covering: Vec<&Rule> = self
            .rules
            .iter()
            .filter(|r| r.covers(code, tariff) && facts.meets(&r.conditions, self.sector))
            .collect();
        // A rule whose action rests on a characteristic the provider lacks does not apply,
        // its bounds included: a cap that belongs to a voluntary lower percentage does not
        // cap a provider that proposed none.
        let applicable: Vec<&Rule> = covering
            .iter()
            .copied()
            .filter(|r| r.status.is_active())
            .filter(|r| match &r.action {
                Some(Action::AddKenmerk(k)) | Some(Action::Set(Level::Kenmerk(k, _))) => {
                    facts.number(k).is_some()
                }
                _ => true,
            })
            .collect();
        // Not contracted wins over every other rule: no set re-contracts the prestatie.
        if let Some(r) = applicable
            .iter()
            .find(|r| r.action == Some(Action::NotContracted))
        {
            return Ok(Priced {
                paid: Paid::NotContracted {
                    rule: r.naam.clone(),
                },
                steps: vec![format!("{}: niet gecontracteerd", r.naam)],
            });
        }
        let mut last_rule: Option<&str> = None;
        let mut steps = Vec::new();
        let basis_note = note("basis");
        // None: no base (`anders = "geen"` for a provider without the characteristic); only
        // a rule that sets the percentage can then give one.
        let base: Option<Decimal> = match &self.base {
            Base::Rtp => {
                steps.push(noted(format!("basis rtp {}%", pct(facts.rtp)), basis_note));
                Some(facts.rtp)
            }
            Base::Fixed(v) => {
                steps.push(format!("basis {}%", pct(*v)));
                Some(*v)
            }
            Base::Kenmerk(k, anders) => match (facts.number(k), anders) {
                (Some(v), _) => {
                    let v = v / Decimal::ONE_HUNDRED;
                    steps.push(format!("basis {k} {}%", pct(v)));
                    Some(v)
                }
                (None, Fallback::Fixed(v)) => {
                    steps.push(format!("basis {}% (geen {k})", pct(*v)));
                    Some(*v)
                }
                (None, Fallback::Rtp) => {
                    steps.push(noted(
                        format!("basis rtp {}% (geen {k})", pct(facts.rtp)),
                        basis_note,
                    ));
                    Some(facts.rtp)
                }
                (None, Fallback::Geen) => {
                    steps.push(format!("basis: geen {k}"));
                    None
                }
            },
        };
        // Points are added to a base; without one they have nothing to add to.
        let mut p = base.unwrap_or(Decimal::ZERO);
        for r in covering.iter().filter(|r| !r.status.is_active()) {
            if let Status::NotPublished(_) = r.status {
                steps.push(format!("{}: {}", r.naam, r.status));
            }
        }
        for r in &applicable {
            let add = match &r.action {
                Some(Action::Add(v)) => Some(*v),
                Some(Action::AddKenmerk(k)) => facts.number(k).map(|v| v / Decimal::ONE_HUNDRED),
                _ => None,
            };
            if let (Some(v), Some(_)) = (add, base) {
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
            .filter_map(|r| match &r.action {
                Some(Action::Set(level)) => level.value(facts).map(|v| (r.voorrang, v, *r)),
                _ => None,
            })
            .max_by_key(|(voorrang, _, _)| *voorrang);
        match set {
            Some((_, v, r)) => {
                p = v;
                last_rule = Some(&r.naam);
                steps.push(format!("{} = {}%", r.naam, pct(v)));
            }
            None if base.is_none() => {
                let Base::Kenmerk(k, _) = &self.base else {
                    unreachable!("only a characteristic's base can be missing")
                };
                steps.push("geen percentage".into());
                return Ok(Priced {
                    paid: Paid::Unknown(format!("geen {k}")),
                    steps,
                });
            }
            None => {}
        }
        // Caps before floors: a transition floor (at least the provider's own earlier
        // percentage less a little) holds against a cap at the RTP.
        for r in &applicable {
            match r.maximum.as_ref().map(|m| (m, m.value(facts))) {
                Some((_, Some(m))) if p > m => {
                    p = m;
                    last_rule = Some(&r.naam);
                    steps.push(format!("{} maximum {}%", r.naam, pct(m)));
                }
                Some((m, None)) => steps.push(format!("{} maximum: {}", r.naam, m.missing())),
                _ => {}
            }
        }
        for r in &applicable {
            match r.minimum.as_ref().map(|m| (m, m.value(facts))) {
                Some((_, Some(m))) if p < m => {
                    p = m;
                    last_rule = Some(&r.naam);
                    steps.push(format!("{} minimum {}%", r.naam, pct(m)));
                }
                Some((m, None)) => steps.push(format!("{} minimum: {}", r.naam, m.missing())),
                _ => {}
            }
        }
        if p > self.bovengrens {
            p = self.bovengrens;
            steps.push(noted(format!("bovengrens {}%", pct(p)), note("bovengrens")));
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
        Ok(percentage(p.normalize(), steps))
    }
}
