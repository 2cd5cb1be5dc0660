//! The outputs of `tarieven`: `tarieven.csv` (per provider, zorgkantoor and prestatiecode
//! the percentage and the rules that produced it), `resultaten.csv` (per provider its
//! result at its own tariffs), `kosten.csv` (per zorgkantoor its policy against the RTP),
//! `hardheidsclausule.csv`, `gesprek.csv`, `zonder_tarief.csv` (who gets no tariff and
//! why), the same as sheets of `tarieven.xlsx`, and a
//! manifest with every policy file and the kenmerken input; and the text on stdout.
//!
//! Formatting only: everything is computed by `crate::contracting`.

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use super::{csv_text, money, percent, rtp, yes_no, Recorded};
use crate::contracting::{Contracted, Contracting};
use crate::pipeline::Run;

pub(crate) const TARIFF_COLUMNS: [&str; 11] = [
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

pub(crate) const RESULT_COLUMNS: [&str; 11] = [
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

pub(crate) const COST_COLUMNS: [&str; 6] = [
    "zorgkantoor",
    "aanbieders",
    "kosten_beleid",
    "kosten_rtp",
    "verschil",
    "verschil_pct",
];

pub(crate) const HARDSHIP_COLUMNS: [&str; 6] = [
    "kvk",
    "naam",
    "sector",
    "cluster",
    "zorgkantoren",
    "resultaat_bij_tarief",
];

pub(crate) const CONVERSATION_COLUMNS: [&str; 6] = [
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
                z.to_string()
            } else {
                format!("{z} {}%", (a * Decimal::ONE_HUNDRED).normalize())
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

pub(crate) fn tariff_rows(k: &Contracting) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for c in &k.contracted {
        for l in &c.lines {
            rows.push(vec![
                c.kvk.to_string(),
                c.naam.clone(),
                l.zorgkantoor.to_string(),
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

/// Per contracted provider; the result columns are empty outside the population.
pub(crate) fn result_rows(run: &Run, k: &Contracting) -> Vec<Vec<String>> {
    k.contracted
        .iter()
        .map(|c| {
            let mut row = vec![
                c.kvk.to_string(),
                c.naam.clone(),
                c.sector.to_string(),
                c.cluster.to_string(),
                rtp(run, c.rtp),
                zorgkantoren(c),
            ];
            match &c.outcome {
                Some(o) => {
                    let p = &run.providers[o.provider];
                    row.extend([
                        money(p.position.resultaat),
                        money(p.position.result_at(c.rtp)),
                        money(o.resultaat),
                        o.marge.map_or(String::new(), |m| percent(m, 2)),
                        yes_no(o.hardheid).to_string(),
                    ]);
                }
                None => row.extend(std::iter::repeat_n(String::new(), 5)),
            }
            row
        })
        .collect()
}

pub(crate) fn cost_rows(k: &Contracting) -> Vec<Vec<String>> {
    k.costs
        .iter()
        .map(|c| {
            let verschil = c.beleid - c.rtp;
            vec![
                c.zorgkantoor.to_string(),
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

pub(crate) fn hardship_rows(k: &Contracting) -> Vec<Vec<String>> {
    k.contracted
        .iter()
        .filter_map(|c| {
            let o = c.outcome.as_ref().filter(|o| o.hardheid)?;
            Some(vec![
                c.kvk.to_string(),
                c.naam.clone(),
                c.sector.to_string(),
                c.cluster.to_string(),
                zorgkantoren(c),
                money(o.resultaat),
            ])
        })
        .collect()
}

pub(crate) fn conversation_rows(k: &Contracting) -> Vec<Vec<String>> {
    k.conversations
        .iter()
        .map(|c| {
            vec![
                c.zorgkantoor.to_string(),
                c.bestand.clone(),
                c.kvk.to_string(),
                c.naam.clone(),
                percent(c.marge, 2),
                percent(c.drempel, 2),
            ]
        })
        .collect()
}

pub(crate) const WITHOUT_COLUMNS: [&str; 3] = ["kvk", "naam", "reden"];

pub(crate) fn without_rows(k: &Contracting) -> Vec<Vec<String>> {
    k.without
        .iter()
        .map(|(kvk, naam, reden)| vec![kvk.to_string(), naam.clone(), reden.clone()])
        .collect()
}

#[derive(Serialize)]
struct Settings<'a> {
    beleid: &'a [Recorded],
    kenmerken: &'a Recorded,
}

/// Every output file of `tarieven`, the manifest last.
pub(crate) fn outputs(
    run: &Run,
    k: &Contracting,
    beleid: &[Recorded],
    kenmerken: &Recorded,
) -> Result<Vec<(String, Vec<u8>)>> {
    let sheets: Vec<super::xlsx::Sheet> = vec![
        ("Tarieven", &TARIFF_COLUMNS, tariff_rows(k)),
        ("Resultaten", &RESULT_COLUMNS, result_rows(run, k)),
        ("Kosten", &COST_COLUMNS, cost_rows(k)),
        ("Hardheidsclausule", &HARDSHIP_COLUMNS, hardship_rows(k)),
        ("Gesprek", &CONVERSATION_COLUMNS, conversation_rows(k)),
        ("Zonder_tarief", &WITHOUT_COLUMNS, without_rows(k)),
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
pub(crate) fn text(run: &Run, k: &Contracting) -> String {
    let mut out = format!(
        "Tariffs per zorgkantoor policy (model {}), referentiejaar {}\n",
        run.config.model, run.config.referentiejaar
    );
    out += &super::text::columns(
        &COST_COLUMNS,
        &cost_rows(k),
        &[false, true, true, true, true, true],
    );
    let with_result = k.contracted.iter().filter(|c| c.outcome.is_some()).count();
    let hardship = hardship_rows(k).len();
    out += &format!(
        "\n{} of {} providers of the population have a result below 0 at their own tariffs (hardheidsclausule.csv)\n",
        hardship, with_result
    );
    out += &format!(
        "{} providers are listed for a conversation about a high result (gesprek.csv)\n",
        k.conversations.len()
    );
    let outside = k.contracted.len() - with_result;
    if outside > 0 {
        out += &format!(
            "{outside} providers outside the population get tariffs from their group's RTP, without a result\n"
        );
    }
    if !k.without.is_empty() {
        out += &format!(
            "{} providers get no tariff (zonder_tarief.csv)\n",
            k.without.len()
        );
    }
    out
}

/// `explain`'s section: the provider's tariffs per zorgkantoor and the rules that set them.
pub(crate) fn explain(run: &Run, k: &Contracting, kvk: crate::model::Kvk) -> String {
    let Some(c) = k.contracted.iter().find(|c| c.kvk == kvk) else {
        let reden = k
            .without
            .iter()
            .find(|w| w.0 == kvk)
            .map_or("geen kenmerken", |w| w.2.as_str());
        return format!("\nTariffs: none ({reden}).\n");
    };
    let mut out = format!(
        "\nTariffs per zorgkantoor (RTP of {}/{}: {}%):\n",
        c.sector,
        c.cluster,
        rtp(run, c.rtp)
    );
    // The margin the rules' conditions saw, with its parts, so a reader can redo it.
    let b = &run.config.berekening;
    out += &match &c.resultaatmarge {
        Ok((r, o)) => format!(
            "  resultaatmarge {}% (R {} ÷ O {}), O as the omzet criterion weighs it (omzet_basis = {}, nhc_nic_strippen = {}, schaling = {})\n",
            percent(r / o, 2),
            money(*r),
            money(*o),
            super::text::word(&b.omzet_basis),
            b.nhc_nic_strippen,
            super::text::word(&b.schaling),
        ),
        Err(why) => format!(
            "  resultaatmarge not known ({why}): no condition on it holds\n"
        ),
    };
    for (zk, aandeel) in &c.zorgkantoren {
        out += &format!(
            "  {zk} (buys {}% of its claims):\n",
            (aandeel * Decimal::ONE_HUNDRED).normalize()
        );
        for l in c.lines.iter().filter(|l| l.zorgkantoor == *zk) {
            out += &format!(
                "    {:<12} {:<9} {:>7}%  {}\n",
                l.prestatiecode,
                l.component.to_string(),
                percent(l.priced.percentage, 2),
                l.priced.steps.join("; ")
            );
        }
    }
    match &c.outcome {
        Some(o) => {
            let p = &run.providers[o.provider];
            out += &format!(
                "  result at these tariffs: {} (at the RTP: {}), {}{}\n",
                money(o.resultaat),
                money(p.position.result_at(c.rtp)),
                o.marge.map_or("no margin (O ≤ 0)".to_string(), |m| format!(
                    "margin {}%",
                    percent(m, 2)
                )),
                if o.hardheid {
                    "; below 0: a case for the hardship clause"
                } else {
                    ""
                }
            );
        }
        None => out +=
            "  outside the population: no result at these tariffs (see uitgesloten.csv of run)\n",
    }
    out
}
