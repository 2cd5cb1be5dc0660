//! What `beleid controleer` shows of a policy: its header, its settings with the value(s)
//! per year and their source, and every rule, amount, conversation and hardship clause in
//! one line each (what it does, its status per year, its source in full); and what the
//! check refuses beyond what reading refuses (a setting given without a source).
//!
//! Text only, from a `Policy` already read: it decides nothing about a provider.

use std::collections::BTreeMap;

use super::raw::{AmountFile, RuleFile};
use super::years::{is_per_year, Period};
use super::{Base, Bron, Fallback, Policy, Status};

/// A TOML value in one line, as a policy file would write it inline; a per-year table as
/// `2024: 0.3, 2025: 0.4`.
fn inline(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("{s:?}"),
        toml::Value::Table(t) if is_per_year(t) => t
            .iter()
            .map(|(k, v)| format!("{k}: {}", inline(v)))
            .collect::<Vec<_>>()
            .join(", "),
        toml::Value::Table(t) => format!(
            "{{ {} }}",
            t.iter()
                .map(|(k, v)| format!("{k} = {}", inline(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        toml::Value::Array(a) => {
            format!("[{}]", a.iter().map(inline).collect::<Vec<_>>().join(", "))
        }
        other => other.to_string(),
    }
}

/// A relative level (`{ van = "rtp", punten = -2 }`) as words, `rtp -2 procentpunt`; a
/// number or numbers per year as written, with `%`.
fn level(v: &toml::Value) -> String {
    match v {
        toml::Value::Table(t) if t.contains_key("van") => {
            let van = match t.get("van") {
                Some(toml::Value::String(s)) => s.clone(),
                Some(other) => inline(other),
                None => String::new(),
            };
            match t.get("punten") {
                Some(p) => format!("{van} {} procentpunt", signed(p)),
                None => van,
            }
        }
        toml::Value::Table(_) => format!("{}%", inline(v).replace(", ", "%, ")),
        _ => format!("{}%", inline(v)),
    }
}

fn signed(v: &toml::Value) -> String {
    let s = inline(v);
    if s.starts_with('-') {
        s
    } else {
        format!("+{s}")
    }
}

fn points(v: &toml::Value) -> String {
    format!("{} procentpunt", inline(v))
}

/// `als` and `als_een_van` in words.
fn conditions(
    als: &BTreeMap<String, toml::Value>,
    als_een_van: Option<&[BTreeMap<String, toml::Value>]>,
) -> Vec<String> {
    let table = |t: &BTreeMap<String, toml::Value>| {
        t.iter()
            .map(|(k, v)| format!("{k} = {}", inline(v)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut out = Vec::new();
    if !als.is_empty() {
        out.push(format!("als {}", table(als)));
    }
    if let Some(tables) = als_een_van {
        out.push(format!(
            "als een van: {}",
            tables
                .iter()
                .map(|t| format!("({})", table(t)))
                .collect::<Vec<_>>()
                .join(" of ")
        ));
    }
    out
}

/// What a `[[regel]]` does, in one line, as written.
pub(super) fn describe_rule(r: &RuleFile) -> String {
    let mut parts = Vec::new();
    if r.niet_gecontracteerd == Some(true) {
        parts.push("niet gecontracteerd".to_string());
    }
    if let Some(v) = &r.plus {
        parts.push(format!("plus {}", points(v)));
    }
    if let Some(v) = &r.min {
        parts.push(format!("min {}", points(v)));
    }
    if let Some(v) = &r.zet {
        parts.push(format!("zet op {}", level(v)));
    }
    if let Some(k) = &r.plus_kenmerk {
        parts.push(format!("plus {k} procentpunt"));
    }
    if let Some(k) = &r.zet_kenmerk {
        parts.push(format!("zet op {k}"));
    }
    if let Some(v) = &r.maximum {
        parts.push(format!("ten hoogste {}", level(v)));
    }
    if let Some(v) = &r.minimum {
        parts.push(format!("ten minste {}", level(v)));
    }
    if parts.is_empty() {
        parts.push("geen actie".to_string());
    }
    if let Some(v) = r.voorrang {
        parts.push(format!("voorrang {v}"));
    }
    match (&r.prestaties, &r.leveringsvorm) {
        (Some(c), _) => parts.push(format!("op prestaties {}", c.join(", "))),
        (_, Some(f)) => parts.push(format!("op leveringsvorm {}", f.join(", "))),
        _ => parts.push("op alle zorgprestaties".into()),
    }
    parts.extend(conditions(&r.als, r.als_een_van.as_deref()));
    parts.join("; ")
}

/// What a `[[bedrag]]` pays, in one line, as written.
pub(super) fn describe_amount(a: &AmountFile) -> String {
    let mut parts = vec![a.soort.replace('_', " ")];
    if let Some(v) = &a.bedrag {
        let per = a
            .aantal_kenmerk
            .as_ref()
            .map_or(String::new(), |k| format!(" × {k}"));
        parts.push(format!("€ {}{per}", inline(v)));
    }
    if let Some(k) = &a.bedrag_kenmerk {
        parts.push(format!("het eigen bedrag {k}"));
    }
    if let Some(v) = &a.aandeel_kosten {
        parts.push(format!("aandeel {} van de kosten", inline(v)));
    }
    if let Some(v) = &a.aandeel_contracteerruimte {
        parts.push(format!("aandeel {} van de contracteerruimte", inline(v)));
    }
    if let Some(m) = &a.maximum {
        parts.push(format!("ten hoogste € {}", m.0.normalize()));
    }
    parts.extend(conditions(&a.als, a.als_een_van.as_deref()));
    parts.join("; ")
}

/// What a `[[gesprek]]` asks for, in one line.
pub(super) fn describe_talk(
    als: &BTreeMap<String, toml::Value>,
    als_een_van: Option<&[BTreeMap<String, toml::Value>]>,
) -> String {
    let mut parts = vec!["gesprek over een lager percentage".to_string()];
    parts.extend(conditions(als, als_een_van));
    parts.join("; ")
}

/// The status of an entry over the policy's years: `actief`, `uitgeschakeld: reden`, or
/// per year when its numbers are given per year.
fn status(status: &Status, years: &Option<Vec<i32>>, period: Period) -> String {
    match (status, years) {
        (Status::Disabled(r), _) => format!("uitgeschakeld: {r}"),
        (_, Some(given)) => format!(
            "per jaar: {}",
            period
                .years()
                .map(|y| if given.contains(&y) {
                    format!("{y} actief")
                } else {
                    format!("{y} niet gepubliceerd")
                })
                .collect::<Vec<_>>()
                .join(", ")
        ),
        _ => "actief".into(),
    }
}

fn cited(b: &Option<Bron>) -> String {
    b.as_ref().map_or("geen bron".to_string(), |b| b.cite())
}

impl Policy {
    /// The lines `beleid controleer` shows of this policy.
    pub(crate) fn listing(&self) -> Vec<String> {
        let mut out = vec![
            self.bestand.clone(),
            format!("  zorgkantoor: {}", self.zorgkantoor),
            format!("  sector: {}", self.sector),
            format!(
                "  periode: {} (gelezen voor {}: {})",
                self.periode,
                self.jaar,
                if self.in_force {
                    "van kracht"
                } else {
                    "niet van kracht"
                }
            ),
            format!("  bron: {}", self.bron.cite()),
            "  instellingen:".into(),
        ];
        for s in &self.settings {
            let value = match (s.naam, &s.given) {
                ("basis", given) => match (&self.base, given) {
                    (Base::Kenmerk(k, anders), _) => format!(
                        "kenmerk {k}, anders {}",
                        match (anders, given) {
                            (Fallback::Geen, _) => "geen percentage".to_string(),
                            (_, Some(y)) => y.shown("%"),
                            (_, None) => "rtp".to_string(),
                        }
                    ),
                    (_, Some(y)) => format!("percentage {}", y.shown("%")),
                    (_, None) => "rtp".into(),
                },
                (_, Some(y)) => y.shown("%"),
                ("ondergrens", None) => "geen (standaard)".into(),
                (_, None) => "100% (standaard)".into(),
            };
            let bron = match (&s.bron, &s.given) {
                (None, None) if s.naam != "basis" => String::new(),
                (b, _) => format!("; bron: {}", cited(b)),
            };
            out.push(format!("    {}: {value}{bron}", s.naam));
        }
        for r in &self.rules {
            out.push(format!("  regel {}: {}", r.naam, r.what));
            out.push(format!(
                "    status: {}",
                status(&r.status, &r.years, self.period)
            ));
            out.push(format!("    bron: {}", r.bron.cite()));
        }
        for a in &self.amounts {
            out.push(format!("  bedrag {}: {}", a.naam, a.what));
            out.push(format!(
                "    status: {}",
                status(&a.status, &a.years, self.period)
            ));
            out.push(format!("    bron: {}", a.bron.cite()));
        }
        for t in &self.talks {
            out.push(format!("  gesprek {}: {}", t.naam, t.what));
            out.push(format!(
                "    status: {}",
                status(&t.status, &None, self.period)
            ));
            out.push(format!("    bron: {}", t.bron.cite()));
        }
        match &self.hardheidsclausule {
            None => out.push("  hardheidsclausule: niet opgenomen".into()),
            Some(h) => {
                if self.hardship().is_none() {
                    out.push("  hardheidsclausule: geen".into());
                } else {
                    let mut line = format!("  hardheidsclausule: {}", h.criteria.join("; "));
                    if let Some(d) = &h.uiterlijk {
                        line.push_str(&format!("; uiterlijk {d}"));
                    }
                    out.push(line);
                }
                out.push("    status: actief".into());
                out.push(format!("    bron: {}", h.bron.cite()));
            }
        }
        out
    }

    /// What the check refuses that reading accepts: a setting the file gives without a
    /// source (the RTP as base needs none: it is the methodology's own).
    pub(crate) fn unsourced(&self) -> Vec<String> {
        self.settings
            .iter()
            .filter(|s| s.bron.is_none())
            .filter(|s| match s.naam {
                "basis" => !(self.base == Base::Rtp && s.given.is_none()),
                _ => s.given.is_some(),
            })
            .map(|s| match s.naam {
                "basis" => format!(
                    "{}: basis: given without a bron; add bron = {{ document = …, sectie = … }} to [basis]",
                    self.bestand
                ),
                naam => format!(
                    "{}: {naam}: given without a bron; write {naam} = {{ percentage = …, bron = {{ document = …, sectie = … }} }}",
                    self.bestand
                ),
            })
            .collect()
    }
}
