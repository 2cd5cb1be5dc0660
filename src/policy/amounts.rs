//! Amounts besides the tariffs (`[[bedrag]]`): a sum per provider (once, per client, a
//! share of its cost at the zorgkantoor, its own agreed amount; capped by `maximum`) or a
//! budget of the zorgkantoor (a sum, or a share of its contracteerruimte), read from the
//! file and computed, in exact euros, with a text saying how.
//!
//! It decides which amounts apply and how much they are; it never adds them to a
//! provider's result or the zorgkantoor's cost (the caller does), and never rounds.

use rust_decimal::Decimal;

use crate::model::kenmerken::Kind;

use super::bron::Bron;
use super::parse::{characteristic, common_years, conditions, Context};
use super::raw::AmountFile;
use super::years::{yearly, Yearly};
use super::{Conditions, Facts, Policy, Status};

/// The labels a `soort` may take.
const SOORTEN: [&str; 6] = [
    "eenmalig",
    "per_client",
    "per_aanbieder",
    "budget",
    "beschikbaarheid",
    "lumpsum",
];

/// How an amount is computed, for the contract year.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum AmountBasis {
    /// A sum in euros.
    Fixed(Decimal),
    /// A sum per unit of a count characteristic (per client).
    PerCount(Decimal, &'static str),
    /// The provider's own agreed amount (an amount characteristic).
    Kenmerk(&'static str),
    /// A fraction of the provider's policy cost at the zorgkantoor.
    ShareOfCost(Decimal),
    /// A fraction of the zorgkantoor's contracteerruimte (budgets only).
    ShareOfContracteerruimte(Decimal),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Amount {
    pub naam: String,
    /// What it pays, in one line, as written (for `beleid controleer`).
    pub what: String,
    pub soort: String,
    pub bron: Bron,
    pub status: Status,
    /// The years its per-year numbers are given for; none when they hold for every year.
    pub years: Option<Vec<i32>>,
    /// None when disabled without a number, or not published for the year.
    pub basis: Option<AmountBasis>,
    /// Euros per provider.
    pub maximum: Option<Decimal>,
    pub conditions: Conditions,
}

impl Amount {
    pub(crate) fn is_budget(&self) -> bool {
        self.soort == "budget"
    }
}

/// One `[[bedrag]]`, each problem handed to `problem`.
pub(super) fn read(a: AmountFile, ctx: &Context, problem: &mut impl FnMut(String)) -> Amount {
    let what = super::lint::describe_amount(&a);
    let bron = ctx.bron(a.bron.as_ref(), problem);
    if !SOORTEN.contains(&a.soort.as_str()) {
        problem(format!(
            "soort = {:?}: write one of {}",
            a.soort,
            SOORTEN.join(", ")
        ));
    }
    let budget = a.soort == "budget";
    let mut number = |key: &str, v: &Option<toml::Value>, hi: Option<Decimal>| -> Option<Yearly> {
        let y = match yearly(v.as_ref()?, ctx.period) {
            Ok(y) => y,
            Err(e) => {
                problem(format!("{key}: {e}"));
                return None;
            }
        };
        for v in y.values() {
            if v < Decimal::ZERO || hi.is_some_and(|h| v > h) {
                problem(format!(
                    "{key} = {v}: give {}",
                    match hi {
                        Some(_) => "a fraction from 0 to 1 (0.01 = 1%)",
                        None => "euros, 0 or more",
                    }
                ));
            }
        }
        Some(y)
    };
    let bedrag = number("bedrag", &a.bedrag, None);
    let aandeel_kosten = number("aandeel_kosten", &a.aandeel_kosten, Some(Decimal::ONE));
    let aandeel_cr = number(
        "aandeel_contracteerruimte",
        &a.aandeel_contracteerruimte,
        Some(Decimal::ONE),
    );
    let mut kenmerk = |key: &str, name: &Option<String>, kind: Kind| {
        name.as_deref().and_then(|n| {
            characteristic(ctx.vocabulary, n, &[kind])
                .map_err(|e| problem(format!("{key}: {e}")))
                .ok()
        })
    };
    let aantal = kenmerk("aantal_kenmerk", &a.aantal_kenmerk, Kind::Count);
    let eigen = kenmerk("bedrag_kenmerk", &a.bedrag_kenmerk, Kind::Amount);
    let given = [
        a.bedrag.is_some(),
        a.bedrag_kenmerk.is_some(),
        a.aandeel_kosten.is_some(),
        a.aandeel_contracteerruimte.is_some(),
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    if given > 1 || (given == 0 && a.uitgeschakeld.is_none()) {
        problem(
            "give exactly one of bedrag (optionally with aantal_kenmerk), bedrag_kenmerk, aandeel_kosten, aandeel_contracteerruimte"
                .into(),
        );
    }
    if a.aantal_kenmerk.is_some() && a.bedrag.is_none() {
        problem("aantal_kenmerk multiplies bedrag: give bedrag too".into());
    }
    let has_conditions = !a.als.is_empty() || a.als_een_van.is_some();
    if budget {
        if a.bedrag_kenmerk.is_some() || a.aandeel_kosten.is_some() || a.aantal_kenmerk.is_some() {
            problem(
                "a budget belongs to the zorgkantoor: give bedrag or aandeel_contracteerruimte"
                    .into(),
            );
        }
        if has_conditions {
            problem(
                "a budget belongs to the zorgkantoor, not to a provider: it takes no conditions"
                    .into(),
            );
        }
        if a.maximum.is_some() {
            problem("maximum caps an amount per provider; a budget has none".into());
        }
    } else if a.aandeel_contracteerruimte.is_some() {
        problem("aandeel_contracteerruimte: only with soort = \"budget\"".into());
    }
    let maximum = a.maximum.map(|m| m.0);
    if maximum.is_some_and(|m| m < Decimal::ZERO) {
        problem("maximum: give euros, 0 or more".into());
    }
    let conditions = conditions(
        ctx.vocabulary,
        &a.als,
        a.als_een_van.as_deref(),
        false,
        problem,
    );
    let years = common_years(
        [&bedrag, &aandeel_kosten, &aandeel_cr]
            .into_iter()
            .flatten(),
    );
    let status = ctx.status(&a.uitgeschakeld, &years, problem);
    let jaar = ctx.jaar;
    let basis = if let Some(b) = &bedrag {
        b.get(jaar).map(|v| match aantal {
            Some(k) => AmountBasis::PerCount(v, k),
            None => AmountBasis::Fixed(v),
        })
    } else if let Some(k) = eigen {
        Some(AmountBasis::Kenmerk(k))
    } else if let Some(f) = &aandeel_kosten {
        f.get(jaar).map(AmountBasis::ShareOfCost)
    } else {
        aandeel_cr
            .as_ref()
            .and_then(|f| f.get(jaar))
            .map(AmountBasis::ShareOfContracteerruimte)
    };
    Amount {
        naam: a.naam,
        what,
        soort: a.soort,
        bron,
        status,
        years,
        basis,
        maximum,
        conditions,
    }
}

/// Euros as a text shows them: `€ 15.000`, `€ 1.234,56`.
pub(crate) fn euros(d: Decimal) -> String {
    let d = d.normalize();
    let sign = if d.is_sign_negative() { "-" } else { "" };
    let s = d.abs().to_string();
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    let mut grouped = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    match frac.len() {
        0 => format!("€ {sign}{grouped}"),
        1 => format!("€ {sign}{grouped},{frac}0"),
        _ => format!("€ {sign}{grouped},{frac}"),
    }
}

/// A fraction as a percentage in a text: 0.0025 → `0,25%`.
fn share(f: Decimal) -> String {
    format!("{}%", super::pct(f).replace('.', ","))
}

impl Policy {
    /// The amounts this policy pays one provider besides its tariffs: every active amount
    /// that is not a budget and whose conditions hold, in euros, exactly, with how it was
    /// computed. An amount resting on a characteristic the provider lacks is not paid.
    /// `kosten_bij_zorgkantoor` is the provider's policy cost at this zorgkantoor.
    pub(crate) fn amounts_for(
        &self,
        facts: &Facts,
        kosten_bij_zorgkantoor: Decimal,
    ) -> Vec<(&Amount, Decimal, String)> {
        let mut out = Vec::new();
        for a in &self.amounts {
            if a.is_budget() || !a.status.is_active() || !facts.meets(&a.conditions, self.sector) {
                continue;
            }
            let (value, mut how) = match a.basis {
                Some(AmountBasis::Fixed(b)) => (b, euros(b)),
                Some(AmountBasis::PerCount(b, k)) => {
                    let Some(n) = facts.number(k) else { continue };
                    let v = n * b;
                    (
                        v,
                        format!("{} × {} = {}", n.normalize(), euros(b), euros(v)),
                    )
                }
                Some(AmountBasis::Kenmerk(k)) => {
                    let Some(v) = facts.number(k) else { continue };
                    (v, format!("{k} {}", euros(v)))
                }
                Some(AmountBasis::ShareOfCost(f)) => {
                    let v = f * kosten_bij_zorgkantoor;
                    (
                        v,
                        format!(
                            "{} van {} = {}",
                            share(f),
                            euros(kosten_bij_zorgkantoor),
                            euros(v)
                        ),
                    )
                }
                Some(AmountBasis::ShareOfContracteerruimte(_)) | None => continue,
            };
            let value = match a.maximum {
                Some(m) if value > m => {
                    how.push_str(&format!("; maximum {}", euros(m)));
                    m
                }
                _ => value,
            };
            out.push((a, value, how));
        }
        out
    }

    /// The zorgkantoor's active budgets, each in euros when it can be computed (a share of
    /// the contracteerruimte needs one), with how.
    pub(crate) fn budgets(
        &self,
        contracteerruimte: Option<Decimal>,
    ) -> Vec<(&Amount, Option<Decimal>, String)> {
        let mut out = Vec::new();
        for a in self
            .amounts
            .iter()
            .filter(|a| a.is_budget() && a.status.is_active())
        {
            match (&a.basis, contracteerruimte) {
                (Some(AmountBasis::Fixed(b)), _) => out.push((a, Some(*b), euros(*b))),
                (Some(AmountBasis::ShareOfContracteerruimte(f)), Some(cr)) => {
                    let v = f * cr;
                    out.push((
                        a,
                        Some(v),
                        format!(
                            "{} van contracteerruimte {} = {}",
                            share(*f),
                            euros(cr),
                            euros(v)
                        ),
                    ));
                }
                (Some(AmountBasis::ShareOfContracteerruimte(f)), None) => out.push((
                    a,
                    None,
                    format!(
                        "{} van de contracteerruimte, die niet is opgegeven",
                        share(*f)
                    ),
                )),
                _ => {}
            }
        }
        out
    }
}
