//! A policy file's text validated into a `Policy`: its header and base, each rule (its
//! action, scope and conditions against the vocabulary of characteristics and the tariff
//! table), and the conflicts between rules that would leave open which one sets a
//! percentage. Every problem is collected, each naming the file and the rule.
//!
//! It reads no file (`load` does) and evaluates nothing (`eval` does).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::Num;
use crate::model::kenmerken::{Kind, Vocabulary, FIGURES};
use crate::model::problems::{Problem, Problems};
use crate::model::{Component, Leveringsvorm, Sector, Tariff, Zorgkantoor};

use super::raw::{BaseFile, PolicyFile, RuleFile};
use super::{percent, Action, Base, Cmp, Condition, Policy, Rule, Scope, Subject};

/// One policy file's text; `Err` holds every problem found.
pub(crate) fn parse(
    shown: &str,
    text: &str,
    tariffs: &BTreeMap<String, Tariff>,
    vocabulary: &Vocabulary,
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
    let base = base(&f.basis, vocabulary, &mut problem);
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
        rules.extend(rule(r, sector, tariffs, vocabulary, &mut rule_problem));
    }
    for (first, second) in conflicts(&rules, sector, tariffs) {
        problems.push(Problem::at(shown).says(format!(
            "regel {first:?} and regel {second:?} both set the percentage of the same prestaties; give them different voorrang"
        )));
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

/// Whether a percentage lies between 0 and 100.
fn in_range(v: Decimal) -> bool {
    v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED
}

/// The characteristic `name`, if it is one of the vocabulary's and of a kind in `want`.
fn characteristic(
    vocabulary: &Vocabulary,
    name: &str,
    want: &[Kind],
) -> Result<&'static str, String> {
    match vocabulary.kind_of(name) {
        Some((n, k)) if want.contains(&k) => Ok(n),
        Some((_, k)) => Err(format!(
            "the characteristic {name:?} has the wrong kind here: a {}, where a {} is needed",
            k.as_str(),
            want.iter()
                .map(|w| w.as_str())
                .collect::<Vec<_>>()
                .join(" or ")
        )),
        None => Err(format!(
            "unknown characteristic {name:?}; the known ones ({}) are {}",
            vocabulary.bestand,
            vocabulary.names()
        )),
    }
}

/// The base percentage `[basis]` gives: exactly one of the RTP, a fixed percentage or a
/// characteristic (with the percentage for a provider without it).
fn base(basis: &BaseFile, vocabulary: &Vocabulary, problem: &mut impl FnMut(&str, String)) -> Base {
    let anders = basis.anders.and_then(|a| {
        if basis.kenmerk.is_none() {
            problem("basis.anders", "only with basis.kenmerk".into());
        }
        if in_range(a.0) {
            Some(percent(a))
        } else {
            problem("basis.anders", format!("{} is outside 0 to 100", a.0));
            None
        }
    });
    match (basis.rtp, basis.percentage, &basis.kenmerk) {
        (Some(true), None, None) => Base::Rtp,
        (None, Some(p), None) if in_range(p.0) => Base::Fixed(percent(p)),
        (None, Some(p), None) => {
            problem("basis.percentage", format!("{} is outside 0 to 100", p.0));
            Base::Rtp
        }
        (None, None, Some(k)) => match characteristic(vocabulary, k, &[Kind::Percent]) {
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
    }
}

/// One `[[regel]]`: its action, bound, scope and conditions, each problem handed to
/// `rule_problem`; none when it has no single valid action.
fn rule(
    r: RuleFile,
    sector: Sector,
    tariffs: &BTreeMap<String, Tariff>,
    vocabulary: &Vocabulary,
    rule_problem: &mut impl FnMut(String),
) -> Option<Rule> {
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
        r.plus_kenmerk
            .as_deref()
            .map(|k| characteristic(vocabulary, k, &[Kind::Points]).map(Action::AddKenmerk)),
        r.zet_kenmerk
            .as_deref()
            .map(|k| characteristic(vocabulary, k, &[Kind::Percent]).map(Action::SetKenmerk)),
    ]
    .into_iter()
    .flatten()
    .filter_map(|a| a.map_err(&mut *rule_problem).ok())
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
    let scope = scope(r.prestaties, r.leveringsvorm, sector, tariffs, rule_problem);
    let mut conditions = Vec::new();
    for (name, value) in &r.als {
        match condition(vocabulary, name, value) {
            Ok(c) => conditions.push(c),
            Err(e) => rule_problem(format!("als.{name}: {e}")),
        }
    }
    let [action] = actions.as_slice() else {
        return None;
    };
    Some(Rule {
        naam: r.naam,
        bron: r.bron,
        action: action.clone(),
        maximum,
        voorrang: r.voorrang.unwrap_or(0),
        scope,
        conditions,
    })
}

/// The prestaties a rule applies to: all of the sector's care prestaties, the codes it
/// lists (each a care prestatie of the sector in the tariff table), or those of the
/// leveringsvormen it lists (at least one such prestatie).
fn scope(
    prestaties: Option<Vec<String>>,
    leveringsvorm: Option<Vec<String>>,
    sector: Sector,
    tariffs: &BTreeMap<String, Tariff>,
    rule_problem: &mut impl FnMut(String),
) -> Scope {
    match (prestaties, leveringsvorm) {
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
                .filter_map(|v| Leveringsvorm::parse(v).map_err(&mut *rule_problem).ok())
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
    }
}

/// The pairs of rules (the first by file order, then the second) that both set the
/// percentage of a prestatie at the same `voorrang`, with conditions that can hold
/// together: it would be left open which one sets it.
fn conflicts<'a>(
    rules: &'a [Rule],
    sector: Sector,
    tariffs: &BTreeMap<String, Tariff>,
) -> Vec<(&'a str, &'a str)> {
    let mut out = Vec::new();
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[..i] {
            if a.action.sets()
                && b.action.sets()
                && a.voorrang == b.voorrang
                && overlap(&a.scope, &b.scope, sector, tariffs)
                && !exclusive(&a.conditions, &b.conditions)
            {
                out.push((b.naam.as_str(), a.naam.as_str()));
            }
        }
    }
    out
}

fn condition(
    vocabulary: &Vocabulary,
    name: &str,
    value: &toml::Value,
) -> Result<Condition, String> {
    let subject = match name {
        "resultaatmarge" => Subject::Resultaatmarge,
        "intramuraal_aandeel" => Subject::IntramuraalAandeel,
        _ => match vocabulary.kind_of(name) {
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
                    vocabulary.names(),
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
        // A characteristic's own range and unit, as the vocabulary declares them.
        Subject::Kenmerk(n) => match vocabulary.get(n) {
            Some(k) => (k.minimaal, k.maximaal, k.eenheid.clone()),
            None => (None, None, String::new()),
        },
        Subject::Resultaatmarge => (
            Some(-Decimal::ONE),
            Some(Decimal::ONE),
            "fractie (0.05 = 5%)".to_string(),
        ),
        Subject::IntramuraalAandeel => (
            Some(Decimal::ZERO),
            Some(Decimal::ONE),
            "fractie (0.01 = 1%)".to_string(),
        ),
    };
    if lo.is_some_and(|lo| number < lo) || hi.is_some_and(|hi| number > hi) {
        let shown = |b: Option<Decimal>| b.map_or("any".to_string(), |b| b.to_string());
        return Err(format!(
            "{number} is outside {} to {}: write it in {unit}",
            shown(lo),
            shown(hi)
        ));
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
