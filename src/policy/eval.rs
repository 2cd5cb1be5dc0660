//! Evaluation: the percentage a policy pays one provider for one prestatie, with the steps
//! that made it, from the provider's `Facts`. A figure a condition names is compared by its
//! exact parts (`Quotient`), never as a rounded quotient.
//!
//! Pure: it reads nothing and validates nothing (`parse` has).

use std::cmp::Ordering;
use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::exact::{Fraction, Wide};
use crate::model::kenmerken::Value;
use crate::model::{Component, Tariff};

use super::{Action, Base, Cmp, Condition, Policy, Rule, Scope, Subject};

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

    pub(super) fn holds(&self, c: &Condition) -> bool {
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
