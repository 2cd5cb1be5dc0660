//! A policy file's text validated into a `Policy` read for one contract year: its header,
//! sources, settings and base, each rule (its action, bounds, scope and conditions against
//! the vocabulary of characteristics and the tariff table), amount, conversation and
//! hardship clause, and the conflicts between rules that would leave open which one sets a
//! percentage. Every problem is collected, each naming the file and the entry.
//!
//! It reads no file (`load` does) and evaluates nothing (`eval` and `amounts` do). The
//! characteristics are looked up in one place (`characteristic` and `condition`).

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::Num;
use crate::model::kenmerken::{Kind, Vocabulary, FIGURES};
use crate::model::problems::{Problem, Problems};
use crate::model::{Component, Leveringsvorm, Sector, Tariff, Zorgkantoor};

use super::bron::{self, Bron};
use super::raw::{BaseFile, HardshipFile, PolicyFile, RuleFile, SourceFile, TalkFile};
use super::years::{is_per_year, yearly, Period, Yearly};
use super::{
    amounts, Action, Base, Cmp, Condition, Conditions, Fallback, Hardship, Level, Policy, Rule,
    Scope, Setting, Status, Subject, Talk,
};

/// What every entry of one file is read against.
pub(super) struct Context<'a> {
    pub(super) sector: Sector,
    /// None: the prestatiecodes are not checked (the lint without a tariff table).
    pub(super) tariffs: Option<&'a BTreeMap<String, Tariff>>,
    pub(super) period: Period,
    pub(super) jaar: i32,
    pub(super) bronnen: &'a BTreeMap<String, SourceFile>,
    pub(super) vocabulary: &'a Vocabulary,
}

impl Context<'_> {
    /// The status of an entry: disabled, not published for the year (its per-year numbers
    /// name other years only), or active.
    pub(super) fn status(
        &self,
        uitgeschakeld: &Option<String>,
        years: &Option<Vec<i32>>,
        problem: &mut impl FnMut(String),
    ) -> Status {
        match (uitgeschakeld, years) {
            (Some(r), _) if r.trim().is_empty() => {
                problem("uitgeschakeld: give the reason".into());
                Status::Disabled(String::new())
            }
            (Some(r), _) => Status::Disabled(r.clone()),
            (None, Some(y)) if !y.contains(&self.jaar) => Status::NotPublished(self.jaar),
            _ => Status::Active,
        }
    }

    pub(super) fn bron(
        &self,
        value: Option<&toml::Value>,
        problem: &mut impl FnMut(String),
    ) -> Bron {
        bron::read(value, self.bronnen).unwrap_or_else(|e| {
            problem(e);
            placeholder()
        })
    }
}

/// The years for which every one of an entry's per-year numbers is given; none when none
/// is given per year.
pub(super) fn common_years<'a>(values: impl IntoIterator<Item = &'a Yearly>) -> Option<Vec<i32>> {
    let mut out: Option<BTreeSet<i32>> = None;
    for y in values.into_iter().filter_map(|v| v.years()) {
        let y: BTreeSet<i32> = y.into_iter().collect();
        out = Some(match out {
            None => y,
            Some(o) => o.intersection(&y).copied().collect(),
        });
    }
    out.map(|s| s.into_iter().collect())
}

/// A source that stands in for one that could not be read: the file is refused anyway.
fn placeholder() -> Bron {
    Bron {
        key: String::new(),
        document: String::new(),
        uitgever: String::new(),
        datum: String::new(),
        primair: None,
        sectie: String::new(),
        noot: None,
    }
}

/// One policy file's text, its prestatiecodes checked against `tariffs`, read for
/// `jaar`; `Err` holds every problem found.
pub(crate) fn parse(
    shown: &str,
    text: &str,
    tariffs: &BTreeMap<String, Tariff>,
    vocabulary: &Vocabulary,
    jaar: i32,
) -> Result<Policy, Problems> {
    read(shown, text, Some(tariffs), vocabulary, jaar)
}

/// As `parse`, without a tariff table: prestatiecodes and leveringsvormen are not checked
/// against one, and two rules are taken to conflict only where their scopes visibly meet.
pub(crate) fn parse_unchecked(
    shown: &str,
    text: &str,
    vocabulary: &Vocabulary,
    jaar: i32,
) -> Result<Policy, Problems> {
    read(shown, text, None, vocabulary, jaar)
}

fn read(
    shown: &str,
    text: &str,
    tariffs: Option<&BTreeMap<String, Tariff>>,
    vocabulary: &Vocabulary,
    jaar: i32,
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
    let period = Period::parse(&f.periode).unwrap_or_else(|e| {
        problem("periode", e);
        Period {
            van: jaar,
            tot: jaar,
        }
    });
    bron::documents(&f.bronnen, &mut problem);
    let ctx = Context {
        sector,
        tariffs,
        period,
        jaar,
        bronnen: &f.bronnen,
        vocabulary,
    };
    let file_bron = ctx.bron(Some(&f.bron), &mut |e| {
        // "bron.sectie: missing" names its own place: the file's key, not an entry.
        let (what, msg) = e.split_once(": ").unwrap_or(("bron", &e));
        problem(what, msg.to_string())
    });
    let (base, base_setting) = base(&f.basis, &ctx, &mut problem);
    let mut settings = vec![base_setting];
    let mut bound = |key: &'static str, v: Option<&toml::Value>, default: Option<i64>| {
        let (value, s) = setting(key, v, &ctx, default.map(Decimal::from), &mut problem);
        settings.push(s);
        value
    };
    let kapitaal = bound("kapitaal", f.kapitaal.as_ref(), Some(100)).unwrap_or(Decimal::ONE);
    let bovengrens = bound("bovengrens", f.bovengrens.as_ref(), Some(100)).unwrap_or(Decimal::ONE);
    let ondergrens = bound("ondergrens", f.ondergrens.as_ref(), None);
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
        rules.extend(rule(r, &ctx, &mut rule_problem));
    }
    let mut amounts = Vec::new();
    let mut names = BTreeSet::new();
    for a in f.bedrag {
        let what = format!("bedrag {:?}", a.naam);
        let mut amount_problem =
            |msg: String| problems.push(Problem::at(shown).inner(&what).says(msg));
        if !names.insert(a.naam.clone()) {
            amount_problem("a second bedrag with this name".into());
        }
        amounts.push(amounts::read(a, &ctx, &mut amount_problem));
    }
    let mut talks = Vec::new();
    if let Some(g) = gesprek_boven {
        talks.push(Talk {
            naam: format!("resultaat-boven-{}", g.normalize()),
            what: format!(
                "gesprek over een lager percentage; als resultaatmarge_bij_tarief boven {}",
                g.normalize()
            ),
            bron: file_bron.clone(),
            status: Status::Active,
            conditions: Conditions {
                all: vec![Condition::Compare(
                    Subject::ResultaatmargeBijTarief,
                    Cmp::Above,
                    g,
                )],
                any_of: Vec::new(),
            },
        });
    }
    for t in f.gesprek {
        let what = format!("gesprek {:?}", t.naam);
        let mut talk_problem =
            |msg: String| problems.push(Problem::at(shown).inner(&what).says(msg));
        if talks.iter().any(|x: &Talk| x.naam == t.naam) {
            talk_problem("a second gesprek with this name".into());
        }
        talks.push(talk(t, &ctx, &mut talk_problem));
    }
    let hardheidsclausule = f.hardheidsclausule.map(|h| {
        let mut hardship_problem =
            |msg: String| problems.push(Problem::at(shown).inner("hardheidsclausule").says(msg));
        hardship(h, &ctx, &mut hardship_problem)
    });
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
        period,
        jaar,
        in_force: period.contains(jaar),
        bron: file_bron,
        base_bron: settings[0].bron.clone(),
        base,
        kapitaal,
        bovengrens,
        ondergrens,
        settings,
        rules,
        amounts,
        talks,
        hardheidsclausule,
    })
}

/// Whether a percentage lies between 0 and 100.
fn in_range(v: Decimal) -> bool {
    v >= Decimal::ZERO && v <= Decimal::ONE_HUNDRED
}

/// The characteristic `name`, if it is one of the vocabulary's and of a kind in `want`.
pub(super) fn characteristic(
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

/// A percentage setting: a number, numbers per year, or a table `{ percentage = …, bron =
/// … }`; its value for the contract year as a fraction (the default when the file gives
/// none for that year), and the setting as given.
fn setting(
    naam: &'static str,
    value: Option<&toml::Value>,
    ctx: &Context,
    default: Option<Decimal>,
    problem: &mut impl FnMut(&str, String),
) -> (Option<Decimal>, Setting) {
    let mut s = Setting {
        naam,
        given: None,
        bron: None,
        note: None,
    };
    let number = match value {
        None => None,
        Some(toml::Value::Table(t)) if !is_per_year(t) => {
            if let Some(other) = t.keys().find(|k| *k != "percentage" && *k != "bron") {
                problem(
                    &format!("{naam}.{other}"),
                    "unknown key; write { percentage = …, bron = { … } }".into(),
                );
            }
            if t.contains_key("bron") {
                s.bron = Some(ctx.bron(t.get("bron"), &mut |e| problem(naam, e)));
            }
            match t.get("percentage") {
                Some(v) => Some(v),
                None => {
                    problem(naam, "give percentage = … in the table".into());
                    None
                }
            }
        }
        Some(v) => Some(v),
    };
    if let Some(v) = number {
        match yearly(v, ctx.period) {
            Ok(y) => {
                for v in y.values() {
                    if !in_range(v) {
                        problem(naam, format!("{v} is outside 0 to 100 percent"));
                    }
                }
                s.given = Some(y);
            }
            Err(e) => problem(naam, e),
        }
    }
    let for_year = s.given.as_ref().and_then(|y| y.get(ctx.jaar));
    if s.given.is_some() && for_year.is_none() {
        s.note = Some(format!("standaard; voor {} niet gepubliceerd", ctx.jaar));
    }
    let value = for_year.or(default).map(|v| v / Decimal::ONE_HUNDRED);
    (value, s)
}

/// The base percentage `[basis]` gives: exactly one of the RTP, a fixed percentage or a
/// characteristic (with the percentage, the RTP or none for a provider without it).
fn base(
    basis: &BaseFile,
    ctx: &Context,
    problem: &mut impl FnMut(&str, String),
) -> (Base, Setting) {
    let mut setting = Setting {
        naam: "basis",
        given: None,
        bron: basis
            .bron
            .as_ref()
            .map(|b| ctx.bron(Some(b), &mut |e| problem("basis", e))),
        note: None,
    };
    // A percentage given once or per year: as given, and for the contract year (none, with
    // the setting's remark, when the file gives none for it).
    fn percentage(
        key: &str,
        v: &toml::Value,
        ctx: &Context,
        note: &mut Option<String>,
        problem: &mut impl FnMut(&str, String),
    ) -> (Option<Yearly>, Option<Decimal>) {
        match yearly(v, ctx.period) {
            Ok(y) => {
                if y.values().iter().any(|v| !in_range(*v)) {
                    problem(key, format!("{} is outside 0 to 100", y.shown("")));
                }
                let v = y.get(ctx.jaar).map(|v| v / Decimal::ONE_HUNDRED);
                if v.is_none() {
                    *note = Some(format!("standaard; voor {} niet gepubliceerd", ctx.jaar));
                }
                (Some(y), v)
            }
            Err(e) => {
                problem(key, e);
                (None, None)
            }
        }
    }
    let fallback = match &basis.anders {
        None => Fallback::Rtp,
        Some(toml::Value::String(s)) if s == "geen" => Fallback::Geen,
        Some(toml::Value::String(s)) => {
            problem(
                "basis.anders",
                format!("{s:?}: write a percentage or \"geen\""),
            );
            Fallback::Rtp
        }
        Some(v) => {
            let (given, value) = percentage("basis.anders", v, ctx, &mut setting.note, problem);
            setting.given = given;
            value.map_or(Fallback::Rtp, Fallback::Fixed)
        }
    };
    if basis.anders.is_some() && basis.kenmerk.is_none() {
        problem("basis.anders", "only with basis.kenmerk".into());
    }
    let base = match (basis.rtp, &basis.percentage, &basis.kenmerk) {
        (Some(true), None, None) => Base::Rtp,
        (None, Some(p), None) => {
            let (given, value) = percentage("basis.percentage", p, ctx, &mut setting.note, problem);
            setting.given = given;
            value.map_or(Base::Rtp, Base::Fixed)
        }
        (None, None, Some(k)) => match characteristic(ctx.vocabulary, k, &[Kind::Percent]) {
            Ok(n) => Base::Kenmerk(n, fallback),
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
    (base, setting)
}

/// A percentage as a rule's `zet`, `maximum` or `minimum` gives it: a number (or numbers
/// per year) or relative, `{ van = "rtp" | KENMERK, punten = x }`.
enum LevelFile {
    Fixed(Yearly),
    Relative(Level),
}

fn level(key: &str, value: &toml::Value, ctx: &Context) -> Result<LevelFile, String> {
    match value {
        toml::Value::Table(t) if t.contains_key("van") => {
            if let Some(other) = t.keys().find(|k| *k != "van" && *k != "punten") {
                return Err(format!(
                    "{key}.{other}: unknown key; write {{ van = \"rtp\", punten = … }}"
                ));
            }
            let points = match t.get("punten") {
                None => Decimal::ZERO,
                Some(v) => {
                    Num::deserialize(v.clone())
                        .map_err(|_| format!("{key}.punten: write a number"))?
                        .0
                }
            };
            if points.abs() > Decimal::ONE_HUNDRED {
                return Err(format!("{key}.punten = {points}: give -100 to 100"));
            }
            let points = points / Decimal::ONE_HUNDRED;
            match t.get("van") {
                Some(toml::Value::String(s)) if s == "rtp" => {
                    Ok(LevelFile::Relative(Level::Rtp(points)))
                }
                Some(toml::Value::String(s)) => characteristic(ctx.vocabulary, s, &[Kind::Percent])
                    .map(|n| LevelFile::Relative(Level::Kenmerk(n, points)))
                    .map_err(|e| format!("{key}.van: {e}")),
                _ => Err(format!(
                    "{key}.van: write \"rtp\" or a percentage characteristic"
                )),
            }
        }
        v => {
            let y = yearly(v, ctx.period).map_err(|e| format!("{key}: {e}"))?;
            for v in y.values() {
                if !in_range(v) {
                    return Err(format!("{key} = {v}: outside 0 to 100 percent"));
                }
            }
            Ok(LevelFile::Fixed(y))
        }
    }
}

/// One `[[regel]]`: its action, bounds, scope and conditions, each problem handed to
/// `rule_problem`; none when it has no valid action.
fn rule(r: RuleFile, ctx: &Context, rule_problem: &mut impl FnMut(String)) -> Option<Rule> {
    let what = super::lint::describe_rule(&r);
    let bron = ctx.bron(r.bron.as_ref(), rule_problem);
    let points = |key: &str, v: &toml::Value| -> Result<Yearly, String> {
        let y = yearly(v, ctx.period).map_err(|e| format!("{key}: {e}"))?;
        for v in y.values() {
            if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
                return Err(format!("{v} points: give 0 to 100 (min subtracts)"));
            }
        }
        Ok(y)
    };
    let mut errors: Vec<String> = Vec::new();
    fn take<T>(errors: &mut Vec<String>, x: Result<T, String>) -> Option<T> {
        x.map_err(|e| errors.push(e)).ok()
    }
    let e = &mut errors;
    let plus = r.plus.as_ref().and_then(|v| take(e, points("plus", v)));
    let min = r.min.as_ref().and_then(|v| take(e, points("min", v)));
    let zet = r.zet.as_ref().and_then(|v| take(e, level("zet", v, ctx)));
    let plus_kenmerk = r
        .plus_kenmerk
        .as_deref()
        .and_then(|k| take(e, characteristic(ctx.vocabulary, k, &[Kind::Points])));
    let zet_kenmerk = r
        .zet_kenmerk
        .as_deref()
        .and_then(|k| take(e, characteristic(ctx.vocabulary, k, &[Kind::Percent])));
    let maximum = r
        .maximum
        .as_ref()
        .and_then(|v| take(e, level("maximum", v, ctx)));
    let minimum = r
        .minimum
        .as_ref()
        .and_then(|v| take(e, level("minimum", v, ctx)));
    if r.niet_gecontracteerd == Some(false) {
        take(
            e,
            Err::<(), _>("niet_gecontracteerd = false: write true, or leave it out".into()),
        );
    }
    let not_contracted = r.niet_gecontracteerd == Some(true);
    let given = [
        r.plus.is_some(),
        r.min.is_some(),
        r.zet.is_some(),
        r.plus_kenmerk.is_some(),
        r.zet_kenmerk.is_some(),
        not_contracted,
    ]
    .iter()
    .filter(|&&b| b)
    .count();
    let bounded = r.maximum.is_some() || r.minimum.is_some();
    if given > 1 || (given == 0 && !bounded && r.uitgeschakeld.is_none()) {
        take(e, Err::<(), _>(
            "give exactly one of plus, min, zet, plus_kenmerk, zet_kenmerk, niet_gecontracteerd = true (or only a maximum or minimum)"
                .into(),
        ));
    }
    if not_contracted && (bounded || r.voorrang.is_some()) {
        take(e, Err::<(), _>(
            "niet_gecontracteerd wins over every rule: it takes no maximum, minimum or voorrang"
                .into(),
        ));
    }
    if r.voorrang.is_some() && r.zet.is_none() && r.zet_kenmerk.is_none() {
        take(
            e,
            Err::<(), _>("voorrang orders rules that set a percentage (zet, zet_kenmerk)".into()),
        );
    }
    let fixed = |l: &Option<LevelFile>| match l {
        Some(LevelFile::Fixed(y)) => Some(y.clone()),
        _ => None,
    };
    let per_year: Vec<Yearly> = [
        plus.clone(),
        min.clone(),
        fixed(&zet),
        fixed(&maximum),
        fixed(&minimum),
    ]
    .into_iter()
    .flatten()
    .collect();
    let years = common_years(&per_year);
    let status = ctx.status(&r.uitgeschakeld, &years, rule_problem);
    let scope = scope(r.prestaties, r.leveringsvorm, ctx, rule_problem);
    let conditions = conditions(
        ctx.vocabulary,
        &r.als,
        r.als_een_van.as_deref(),
        false,
        rule_problem,
    );
    let ok = errors.is_empty();
    for e in errors {
        rule_problem(e);
    }
    if !ok {
        return None;
    }
    // The values for the contract year; a disabled or unpublished rule keeps none it lacks.
    let jaar = ctx.jaar;
    let resolve = |l: Option<LevelFile>| -> Option<Level> {
        match l? {
            LevelFile::Fixed(y) => y.get(jaar).map(|v| Level::Fixed(v / Decimal::ONE_HUNDRED)),
            LevelFile::Relative(l) => Some(l),
        }
    };
    let action = if not_contracted {
        Some(Action::NotContracted)
    } else if let Some(p) = plus {
        p.get(jaar).map(|v| Action::Add(v / Decimal::ONE_HUNDRED))
    } else if let Some(m) = min {
        m.get(jaar).map(|v| Action::Add(-v / Decimal::ONE_HUNDRED))
    } else if let Some(k) = plus_kenmerk {
        Some(Action::AddKenmerk(k))
    } else if let Some(k) = zet_kenmerk {
        Some(Action::Set(Level::Kenmerk(k, Decimal::ZERO)))
    } else {
        resolve(zet).map(Action::Set)
    };
    Some(Rule {
        naam: r.naam,
        what,
        bron,
        status,
        years,
        action,
        maximum: resolve(maximum),
        minimum: resolve(minimum),
        voorrang: r.voorrang.unwrap_or(0),
        scope,
        conditions,
    })
}

/// One `[[gesprek]]`.
fn talk(t: TalkFile, ctx: &Context, talk_problem: &mut impl FnMut(String)) -> Talk {
    let bron = ctx.bron(t.bron.as_ref(), talk_problem);
    let conditions = conditions(
        ctx.vocabulary,
        &t.als,
        t.als_een_van.as_deref(),
        true,
        talk_problem,
    );
    let status = ctx.status(&t.uitgeschakeld, &None, talk_problem);
    // A disabled conversation may lack its conditions: its threshold may be unpublished.
    if status.is_active() && conditions.all.is_empty() && conditions.any_of.is_empty() {
        talk_problem(
            "give the conditions (als or als_een_van) that call for the conversation".into(),
        );
    }
    Talk {
        what: super::lint::describe_talk(&t.als, t.als_een_van.as_deref()),
        naam: t.naam,
        bron,
        status,
        conditions,
    }
}

/// `[hardheidsclausule]`: its criteria and deadline, or `geen = true`.
fn hardship(h: HardshipFile, ctx: &Context, problem: &mut impl FnMut(String)) -> Hardship {
    let bron = ctx.bron(h.bron.as_ref(), problem);
    let geen = h.geen == Some(true);
    if h.geen == Some(false) {
        problem("geen = false: write true, or leave it out".into());
    }
    if geen && (!h.criteria.is_empty() || h.uiterlijk.is_some()) {
        problem("geen = true: a clause that does not exist has no criteria or uiterlijk".into());
    }
    if !geen && h.criteria.is_empty() {
        problem("give the criteria, or geen = true when the zorgkantoor has no clause".into());
    }
    if h.criteria.iter().any(|c| c.trim().is_empty()) {
        problem("criteria: an empty criterion".into());
    }
    if let Some(d) = &h.uiterlijk {
        if !iso_date(d) {
            problem(format!("uiterlijk = {d:?}: write a date as 2026-09-08"));
        }
    }
    Hardship {
        criteria: h.criteria,
        uiterlijk: h.uiterlijk,
        bron,
        geen,
    }
}

/// Whether `s` is a real date written YYYY-MM-DD.
fn iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let part = &s[r];
        part.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| part.parse().ok())
            .flatten()
    };
    let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) else {
        return false;
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1..=days).contains(&d)
}

/// `als` and `als_een_van` read into conditions; `talk` allows the figure only a
/// conversation may use (the margin at the provider's tariffs).
pub(super) fn conditions(
    vocabulary: &Vocabulary,
    als: &BTreeMap<String, toml::Value>,
    als_een_van: Option<&[BTreeMap<String, toml::Value>]>,
    talk: bool,
    problem: &mut impl FnMut(String),
) -> Conditions {
    let read = |key: &str,
                table: &BTreeMap<String, toml::Value>,
                problem: &mut dyn FnMut(String)|
     -> Vec<Condition> {
        let mut out = Vec::new();
        for (name, value) in table {
            match condition(vocabulary, name, value, talk) {
                Ok(c) => out.push(c),
                Err(e) => problem(format!("{key}.{name}: {e}")),
            }
        }
        out
    };
    let all = read("als", als, problem);
    let mut any_of = Vec::new();
    if let Some(tables) = als_een_van {
        if tables.is_empty() {
            problem("als_een_van = []: it would never hold".into());
        }
        for (i, t) in tables.iter().enumerate() {
            let key = format!("als_een_van[{}]", i + 1);
            if t.is_empty() {
                problem(format!("{key}: an empty table; give its conditions"));
            }
            any_of.push(read(&key, t, problem));
        }
    }
    Conditions { all, any_of }
}

/// The Wlz prestatiecodes of Vektis code list 055 the repository ships
/// (`data/prestatiecodes/`), compiled in: a rule may name one of them that the run's tariff
/// table lacks (a real code this table does not price; the rule then prices nothing of it
/// in this run), while a code in neither is a mistake.
const VEKTIS_CODES: &str = include_str!("../../data/prestatiecodes/prestatiecodes.csv");

/// The list's sector for `code` (empty where the list names none), if the code is in it.
fn vektis_sector(code: &str) -> Option<&'static str> {
    // The code is the first column and the sector the third from the end; only a
    // description (between them) is ever quoted with commas inside, so counting from both
    // ends needs no CSV reader.
    VEKTIS_CODES.lines().skip(1).find_map(|line| {
        (line.split(',').next() == Some(code)).then(|| line.rsplit(',').nth(2).unwrap_or(""))
    })
}

/// The prestaties a rule applies to: all of the sector's care prestaties, the codes it
/// lists (each a care prestatie of the sector in the tariff table, or a Wlz prestatiecode
/// of Vektis list 055 the table lacks), or those of the leveringsvormen it lists (at least
/// one such prestatie). Without a tariff table the codes and forms are taken as written.
fn scope(
    prestaties: Option<Vec<String>>,
    leveringsvorm: Option<Vec<String>>,
    ctx: &Context,
    rule_problem: &mut impl FnMut(String),
) -> Scope {
    let sector = ctx.sector;
    match (prestaties, leveringsvorm) {
        (None, None) => Scope::All,
        (Some(codes), None) if codes.is_empty() => {
            rule_problem("prestaties = []: the rule would never apply".into());
            Scope::All
        }
        (Some(codes), None) => {
            for c in codes.iter().filter(|_| ctx.tariffs.is_some()) {
                match ctx.tariffs.and_then(|t| t.get(c)) {
                    None => match vektis_sector(c) {
                        Some(s) if s.is_empty() || s == sector.as_str() => {}
                        Some(s) => rule_problem(format!(
                            "prestatiecode {c:?} is {s} in Vektis list 055, not {sector}"
                        )),
                        None => rule_problem(format!(
                            "prestatiecode {c:?} is not in the tariff table, nor a Wlz prestatiecode of Vektis list 055 (data/prestatiecodes/)"
                        )),
                    },
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
            if let Some(tariffs) = ctx.tariffs {
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
            }
            Scope::Forms(forms)
        }
        (Some(_), Some(_)) => {
            rule_problem("give prestaties or leveringsvorm, not both".into());
            Scope::All
        }
    }
}

/// The pairs of active rules (the first by file order, then the second) that both set the
/// percentage of a prestatie at the same `voorrang`, with conditions that can hold
/// together: it would be left open which one sets it.
fn conflicts<'a>(
    rules: &'a [Rule],
    sector: Sector,
    tariffs: Option<&BTreeMap<String, Tariff>>,
) -> Vec<(&'a str, &'a str)> {
    let sets = |r: &Rule| r.status.is_active() && r.action.as_ref().is_some_and(|a| a.sets());
    let mut out = Vec::new();
    for (i, a) in rules.iter().enumerate() {
        for b in &rules[..i] {
            if sets(a)
                && sets(b)
                && a.voorrang == b.voorrang
                && overlap(&a.scope, &b.scope, sector, tariffs)
                && !exclusive(&a.conditions.all, &b.conditions.all)
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
    talk: bool,
) -> Result<Condition, String> {
    let subject = match name {
        "resultaatmarge" => Subject::Resultaatmarge,
        "intramuraal_aandeel" => Subject::IntramuraalAandeel,
        "resultaatmarge_bij_tarief" if talk => Subject::ResultaatmargeBijTarief,
        "resultaatmarge_bij_tarief" => {
            return Err(
                "the margin at the tariffs is known only after pricing: a condition of a [[gesprek]], not of a rule or bedrag"
                    .into(),
            )
        }
        "sectorvreemd" => {
            return match value {
                toml::Value::Boolean(b) => Ok(Condition::Sectorvreemd(*b)),
                _ => Err("write true or false".into()),
            }
        }
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
                    "unknown characteristic or figure; the known ones are {}, {}, sectorvreemd",
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
        Subject::Resultaatmarge | Subject::ResultaatmargeBijTarief => (
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

/// Whether two scopes can hold the same care prestatie of the policy's sector. Without a
/// tariff table, a list of codes and a list of forms are taken not to meet.
fn overlap(
    a: &Scope,
    b: &Scope,
    sector: Sector,
    tariffs: Option<&BTreeMap<String, Tariff>>,
) -> bool {
    let Some(tariffs) = tariffs else {
        return match (a, b) {
            (Scope::All, _) | (_, Scope::All) => true,
            (Scope::Codes(x), Scope::Codes(y)) => !x.is_disjoint(y),
            (Scope::Forms(x), Scope::Forms(y)) => x.iter().any(|f| y.contains(f)),
            _ => false,
        };
    };
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

#[cfg(test)]
mod tests {
    use super::iso_date;

    #[test]
    fn iso_dates_are_real_days() {
        assert!(iso_date("2026-09-08"));
        assert!(iso_date("2024-02-29"), "a leap year");
        assert!(!iso_date("2025-02-29"));
        assert!(!iso_date("2100-02-29"), "not a leap year");
        assert!(!iso_date("2026-13-01"));
        assert!(!iso_date("2026-9-08"));
        assert!(!iso_date("8 september 2026"));
    }
}
