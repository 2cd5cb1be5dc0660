//! The outputs of `tarieven`: `tarieven.csv` (per provider, zorgkantoor and prestatiecode
//! the percentage and the rules that produced it), `resultaten.csv` (per provider its
//! result at its own tariffs), `kosten.csv` (per zorgkantoor its policy against the RTP),
//! `hardheidsclausule.csv`, `gesprek.csv`, the same as sheets of `tarieven.xlsx`, and a
//! manifest with every policy file and the kenmerken input; and the text on stdout.
//!
//! Formatting only: everything is computed by `crate::contracting`.

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{csv_text, money, percent, rtp, yes_no};
use crate::contracting::{Contracted, Contracting};
use crate::pipeline::Run;

pub const TARIFF_COLUMNS: [&str; 11] = [
    "kvk",
    "naam",
    "zorgkantoor",
    "prestatiecode",
    "component",
    "aantal",
    "percentage",
    "kosten_beleid",
    "kosten_rtp",
    "beleid",
    "regels",
];

pub const RESULT_COLUMNS: [&str; 11] = [
    "kvk",
    "naam",
    "sector",
    "cluster",
    "rtp",
    "zorgkantoren",
    "resultaat",
    "resultaat_bij_rtp",
    "resultaat_bij_tarief",
    "marge_bij_tarief",
    "hardheidsclausule",
];

pub const COST_COLUMNS: [&str; 6] = [
    "zorgkantoor",
    "aanbieders",
    "kosten_beleid",
    "kosten_rtp",
    "verschil",
    "verschil_pct",
];

pub const HARDSHIP_COLUMNS: [&str; 6] = [
    "kvk",
    "naam",
    "sector",
    "cluster",
    "zorgkantoren",
    "resultaat_bij_tarief",
];

pub const CONVERSATION_COLUMNS: [&str; 6] = [
    "zorgkantoor",
    "beleid",
    "kvk",
    "naam",
    "marge_bij_tarief",
    "drempel",
];

fn zorgkantoren(c: &Contracted) -> String {
    c.zorgkantoren
        .iter()
        .map(|(z, a)| {
            if *a == Decimal::ONE {
                z.clone()
            } else {
                format!("{z} {}%", (a * Decimal::ONE_HUNDRED).normalize())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub fn tariff_rows(run: &Run, k: &Contracting) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for c in &k.contracted {
        let p = &run.providers[c.provider];
        for l in &c.lines {
            rows.push(vec![
                p.kvk.to_string(),
                p.naam.clone(),
                l.zorgkantoor.clone(),
                l.prestatiecode.clone(),
                l.component.to_string(),
                l.aantal.normalize().to_string(),
                percent(l.priced.percentage, 2),
                money(l.kosten_beleid),
                money(l.kosten_rtp),
                l.beleid.clone().unwrap_or_default(),
                l.priced.steps.join("; "),
            ]);
        }
    }
    rows
}

pub fn result_rows(run: &Run, k: &Contracting) -> Vec<Vec<String>> {
    k.contracted
        .iter()
        .map(|c| {
            let p = &run.providers[c.provider];
            vec![
                p.kvk.to_string(),
                p.naam.clone(),
                p.sector.to_string(),
                p.cluster.to_string(),
                rtp(run, c.rtp),
                zorgkantoren(c),
                money(p.position.resultaat),
                money(p.position.result_at(c.rtp)),
                money(c.resultaat),
                percent(c.marge, 2),
                yes_no(c.hardheid).to_string(),
            ]
        })
        .collect()
}

pub fn cost_rows(k: &Contracting) -> Vec<Vec<String>> {
    k.costs
        .iter()
        .map(|c| {
            let verschil = c.beleid - c.rtp;
            vec![
                c.zorgkantoor.clone(),
                c.aanbieders.to_string(),
                money(c.beleid),
                money(c.rtp),
                money(verschil),
                if c.rtp.is_zero() {
                    String::new()
                } else {
                    percent(verschil / c.rtp, 2)
                },
            ]
        })
        .collect()
}

pub fn hardship_rows(run: &Run, k: &Contracting) -> Vec<Vec<String>> {
    k.contracted
        .iter()
        .filter(|c| c.hardheid)
        .map(|c| {
            let p = &run.providers[c.provider];
            vec![
                p.kvk.to_string(),
                p.naam.clone(),
                p.sector.to_string(),
                p.cluster.to_string(),
                zorgkantoren(c),
                money(c.resultaat),
            ]
        })
        .collect()
}

pub fn conversation_rows(run: &Run, k: &Contracting) -> Vec<Vec<String>> {
    k.conversations
        .iter()
        .map(|c| {
            let p = &run.providers[c.provider];
            vec![
                c.zorgkantoor.clone(),
                c.bestand.clone(),
                p.kvk.to_string(),
                p.naam.clone(),
                percent(c.marge, 2),
                percent(c.drempel, 2),
            ]
        })
        .collect()
}

/// A policy file or the kenmerken input as the manifest records it.
#[derive(Debug, Clone, Serialize)]
pub struct Recorded {
    pub pad: String,
    pub bytes: u64,
    pub sha256: String,
}

#[derive(Serialize)]
struct Settings<'a> {
    beleid: &'a [Recorded],
    kenmerken: &'a Recorded,
}

/// Every output file of `tarieven`, the manifest last.
pub fn outputs(
    run: &Run,
    k: &Contracting,
    beleid: &[Recorded],
    kenmerken: &Recorded,
) -> Result<Vec<(String, Vec<u8>)>> {
    let sheets: Vec<super::xlsx::Sheet> = vec![
        ("Tarieven", &TARIFF_COLUMNS, tariff_rows(run, k)),
        ("Resultaten", &RESULT_COLUMNS, result_rows(run, k)),
        ("Kosten", &COST_COLUMNS, cost_rows(k)),
        (
            "Hardheidsclausule",
            &HARDSHIP_COLUMNS,
            hardship_rows(run, k),
        ),
        ("Gesprek", &CONVERSATION_COLUMNS, conversation_rows(run, k)),
    ];
    let mut files = Vec::new();
    for (name, header, rows) in &sheets {
        files.push((
            format!("{}.csv", name.to_lowercase()),
            csv_text(header, rows.clone())?,
        ));
    }
    files.push((
        "tarieven.xlsx".to_string(),
        super::xlsx::table_workbook(&sheets)?,
    ));
    let settings = Settings { beleid, kenmerken };
    let manifest = super::run_manifest(run, Some(serde_json::to_value(settings)?), &files)?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}

/// The summary on stdout: per zorgkantoor the cost of its policy, then the lists' sizes.
pub fn text(run: &Run, k: &Contracting) -> String {
    let header = [
        "zorgkantoor",
        "aanbieders",
        "kosten_beleid",
        "kosten_rtp",
        "verschil",
        "verschil_pct",
    ];
    let mut out = format!(
        "Tariffs per zorgkantoor policy (model {}), referentiejaar {}\n",
        run.config.model, run.config.referentiejaar
    );
    out += &super::text::columns(
        &header,
        &cost_rows(k),
        &[false, true, true, true, true, true],
    );
    let hardship = k.contracted.iter().filter(|c| c.hardheid).count();
    out += &format!(
        "\n{} of {} providers have a result below 0 at their own tariffs (hardheidsclausule.csv)\n",
        hardship,
        k.contracted.len()
    );
    out += &format!(
        "{} providers are listed for a conversation about a high result (gesprek.csv)\n",
        k.conversations.len()
    );
    if !k.without.is_empty() {
        out += &format!(
            "{} providers of the population have no kenmerken row and get no tariff\n",
            k.without.len()
        );
    }
    if !k.outside.is_empty() {
        out += &format!(
            "{} KvK numbers of the kenmerken are not in the population (see uitgesloten.csv of run) and get no tariff\n",
            k.outside.len()
        );
    }
    out
}

/// `explain`'s section: the provider's tariffs per zorgkantoor and the rules that set them.
pub fn explain(run: &Run, k: &Contracting, kvk: crate::model::Kvk) -> String {
    let Some(c) = k
        .contracted
        .iter()
        .find(|c| run.providers[c.provider].kvk == kvk)
    else {
        return if k.outside.contains(&kvk) {
            "\nTariffs: not in the population, so no group RTP to start from; no tariff.\n".into()
        } else {
            "\nTariffs: no kenmerken row for this provider; no tariff.\n".into()
        };
    };
    let p = &run.providers[c.provider];
    let mut out = format!(
        "\nTariffs per zorgkantoor (group RTP {}%):\n",
        rtp(run, c.rtp)
    );
    for (zk, aandeel) in &c.zorgkantoren {
        out += &format!(
            "  {zk} (buys {}% of its claims):\n",
            (aandeel * Decimal::ONE_HUNDRED).normalize()
        );
        for l in c.lines.iter().filter(|l| &l.zorgkantoor == zk) {
            out += &format!(
                "    {:<12} {:<9} {:>7}%  {}\n",
                l.prestatiecode,
                l.component.to_string(),
                percent(l.priced.percentage, 2),
                l.priced.steps.join("; ")
            );
        }
    }
    out += &format!(
        "  result at these tariffs: {} (at the RTP: {}), margin {}%{}\n",
        money(c.resultaat),
        money(p.position.result_at(c.rtp)),
        percent(c.marge, 2),
        if c.hardheid {
            "; below 0: a case for the hardship clause"
        } else {
            ""
        }
    );
    out
}
