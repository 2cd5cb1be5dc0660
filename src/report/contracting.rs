//! The outputs of `tarieven`: `tarieven.csv` (per provider, zorgkantoor and prestatiecode
//! the percentage and the rules that produced it), `resultaten.csv` (per provider its
//! result at its own tariffs), `kosten.csv` (per zorgkantoor its policy against the RTP),
//! `hardheidsclausule.csv`, `gesprek.csv`, `zonder_tarief.csv` (who gets no tariff and
//! why), the same as sheets of `tarieven.xlsx`, and a manifest with every policy file and
//! the kenmerken input under its key `tarieven`; and the text on stdout.
//!
//! It builds tables only: everything is computed by `crate::contracting`, and the
//! renderers format every number.

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use super::manifest::{Manifest, Subject};
use super::table::{as_written, csv, Table, Value};
use super::xlsx::Sheet;
use super::{rtp, Recorded};
use crate::contracting::{Contracted, Contracting};
use crate::pipeline::Run;

/// A provider's zorgkantoren with their shares: `CZ`, or `Zilveren Kruis 40%; Menzis 60%`.
fn zorgkantoren(c: &Contracted) -> Value {
    let list: Vec<String> = c
        .zorgkantoren
        .iter()
        .map(|(z, a)| {
            if *a == Decimal::ONE {
                z.to_string()
            } else {
                format!("{z} {}%", as_written(*a))
            }
        })
        .collect();
    list.join("; ").into()
}

/// tarieven.csv: per provider, zorgkantoor and prestatiecode its percentage and costs.
fn tariff_table(k: &Contracting) -> Table {
    let lines = k
        .contracted
        .iter()
        .flat_map(|c| c.lines.iter().map(move |l| (c, l)));
    let header = "kvk,naam,zorgkantoor,prestatiecode,component,aantal,percentage,kosten_beleid,kosten_rtp,beleid,regels";
    Table::of("Tarieven", header, lines, |(c, l)| {
        vec![
            Value::Id(c.kvk.to_string()),
            c.naam.as_str().into(),
            l.zorgkantoor.as_str().into(),
            Value::Id(l.prestatiecode.clone()),
            l.component.as_str().into(),
            Value::Quantity(l.aantal),
            l.priced
                .percentage()
                .map_or(Value::Empty, |p| Value::Percent(p, 2)),
            Value::Money(l.kosten_beleid),
            Value::Money(l.kosten_rtp),
            l.beleid.clone().map_or(Value::Empty, Value::Text),
            l.priced.steps.join("; ").into(),
        ]
    })
}

/// Who a contracted provider is: kvk, naam, sector, cluster.
fn who(c: &Contracted) -> Vec<Value> {
    vec![
        Value::Id(c.kvk.to_string()),
        c.naam.as_str().into(),
        c.sector.as_str().into(),
        c.cluster.as_str().into(),
    ]
}

/// resultaten.csv: per contracted provider; the result columns are empty outside the
/// population.
fn result_table(run: &Run, k: &Contracting) -> Table {
    let header = "kvk,naam,sector,cluster,rtp,zorgkantoren,resultaat,resultaat_bij_rtp,resultaat_bij_tarief,marge_bij_tarief,hardheidsclausule";
    Table::of("Resultaten", header, &k.contracted, |c| {
        let mut row = who(c);
        row.extend([rtp(run, c.rtp), zorgkantoren(c)]);
        match &c.outcome {
            Some(o) => {
                let p = &run.providers[o.provider];
                row.extend([
                    Value::Money(p.position.resultaat),
                    Value::Money(p.position.result_at(c.rtp)),
                    Value::Money(o.resultaat),
                    o.marge.map_or(Value::Empty, |m| Value::Percent(m, 2)),
                    Value::YesNo(o.hardheid),
                ]);
            }
            None => row.extend(std::iter::repeat_n(Value::Empty, 5)),
        }
        row
    })
}

/// kosten.csv: per zorgkantoor the cost of its policy against paying the RTP, and against
/// its contracteerruimte of the contract year when the input names one (the share is for
/// reading only: nothing is decided on it).
fn cost_table(k: &Contracting) -> Table {
    let header = "zorgkantoor,aanbieders,kosten_beleid,kosten_rtp,verschil,verschil_pct,contracteerruimte,aandeel_contracteerruimte";
    Table::of("Kosten", header, &k.costs, |c| {
        let verschil = c.beleid - c.rtp;
        let pct = if c.rtp.is_zero() {
            Value::Empty
        } else {
            Value::Percent(verschil / c.rtp, 2)
        };
        let aandeel = match c.contracteerruimte {
            Some(r) if !r.is_zero() => Value::Percent(c.beleid / r, 2),
            _ => Value::Empty,
        };
        vec![
            c.zorgkantoor.as_str().into(),
            Value::Count(c.aanbieders as u64),
            Value::Money(c.beleid),
            Value::Money(c.rtp),
            Value::Money(verschil),
            pct,
            c.contracteerruimte.map_or(Value::Empty, Value::Money),
            aandeel,
        ]
    })
}

/// hardheidsclausule.csv: the providers below 0 at their own tariffs.
fn hardship_table(k: &Contracting) -> Table {
    let below = k
        .contracted
        .iter()
        .filter_map(|c| Some((c, c.outcome.as_ref().filter(|o| o.hardheid)?)));
    let header = "kvk,naam,sector,cluster,zorgkantoren,resultaat_bij_tarief";
    Table::of("Hardheidsclausule", header, below, |(c, o)| {
        let mut row = who(c);
        row.extend([zorgkantoren(c), Value::Money(o.resultaat)]);
        row
    })
}

/// gesprek.csv: per policy with a threshold, its providers with a margin above it.
fn conversation_table(k: &Contracting) -> Table {
    let header = "zorgkantoor,beleid,kvk,naam,marge_bij_tarief,drempel";
    Table::of("Gesprek", header, &k.conversations, |c| {
        vec![
            c.zorgkantoor.as_str().into(),
            c.bestand.as_str().into(),
            Value::Id(c.kvk.to_string()),
            c.naam.as_str().into(),
            Value::Percent(c.marge, 2),
            Value::Percent(c.drempel, 2),
        ]
    })
}

/// zonder_tarief.csv: who gets no tariff, and why.
fn without_table(k: &Contracting) -> Table {
    Table::of(
        "Zonder_tarief",
        "kvk,naam,reden",
        &k.without,
        |(kvk, naam, reden)| {
            vec![
                Value::Id(kvk.to_string()),
                naam.as_str().into(),
                reden.as_str().into(),
            ]
        },
    )
}

/// The settings of `tarieven`, for the manifest: the contract year, every policy file, the
/// kenmerken and the contracteerruimte when there is one.
#[derive(Serialize)]
pub(crate) struct Settings<'a> {
    contractjaar: i32,
    beleid: &'a [Recorded],
    kenmerken: &'a Recorded,
    #[serde(skip_serializing_if = "Option::is_none")]
    contracteerruimte: Option<&'a Recorded>,
}

/// The files that priced the tariffs, as the manifest records them.
pub(crate) struct Sources<'a> {
    pub beleid: &'a [Recorded],
    pub kenmerken: &'a Recorded,
    pub contracteerruimte: Option<&'a Recorded>,
}

/// Every output file of `tarieven`, the manifest last.
pub(crate) fn outputs(
    run: &Run,
    k: &Contracting,
    sources: &Sources,
) -> Result<Vec<(String, Vec<u8>)>> {
    let tables = [
        tariff_table(k),
        result_table(run, k),
        cost_table(k),
        hardship_table(k),
        conversation_table(k),
        without_table(k),
    ];
    let mut files = Vec::new();
    for t in &tables {
        files.push((format!("{}.csv", t.name.to_lowercase()), csv(t)?));
    }
    let sheets: Vec<Sheet> = tables.iter().map(Sheet::of).collect();
    files.push(("tarieven.xlsx".to_string(), super::xlsx::workbook(&sheets)?));
    let subject = Subject::Tariffs {
        model: run.config.model.as_str(),
        configuratie: &run.config,
        tarieven: Settings {
            contractjaar: run.config.beleid.contractjaar,
            beleid: sources.beleid,
            kenmerken: sources.kenmerken,
            contracteerruimte: sources.contracteerruimte,
        },
    };
    let manifest = Manifest::of_run(run, subject, &files).json()?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}

/// The summary on stdout: per zorgkantoor the cost of its policy, then the lists' sizes.
pub(crate) fn text(run: &Run, k: &Contracting) -> String {
    let mut out = format!(
        "Tariffs per zorgkantoor policy (model {}), referentiejaar {}, contractjaar {}\n",
        run.config.model, run.config.referentiejaar, run.config.beleid.contractjaar
    );
    out += &super::table::text(&cost_table(k));
    let with_result = k.contracted.iter().filter(|c| c.outcome.is_some()).count();
    let hardship = hardship_table(k).rows.len();
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
            Value::Percent(r / o, 2),
            Value::Money(*r),
            Value::Money(*o),
            super::text::word(&b.omzet_basis),
            b.nhc_nic_strippen,
            super::text::word(&b.schaling),
        ),
        Err(why) => format!(
            "  resultaatmarge not known ({why}): no condition on it holds\n"
        ),
    };
    for (zk, aandeel) in &c.zorgkantoren {
        out += &format!("  {zk} (buys {}% of its claims):\n", as_written(*aandeel));
        for l in c.lines.iter().filter(|l| l.zorgkantoor == *zk) {
            out += &format!(
                "    {:<12} {:<9} {:>7}%  {}\n",
                l.prestatiecode,
                l.component.to_string(),
                l.priced
                    .percentage()
                    .map_or(Value::Empty, |p| Value::Percent(p, 2)),
                l.priced.steps.join("; ")
            );
        }
    }
    match &c.outcome {
        Some(o) => {
            let p = &run.providers[o.provider];
            out += &format!(
                "  result at these tariffs: {} (at the RTP: {}), {}{}\n",
                Value::Money(o.resultaat),
                Value::Money(p.position.result_at(c.rtp)),
                o.marge.map_or("no margin (O ≤ 0)".to_string(), |m| format!(
                    "margin {}%",
                    Value::Percent(m, 2)
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
