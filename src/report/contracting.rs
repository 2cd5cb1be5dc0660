//! The outputs of `tarieven`: `tarieven.csv` (per provider, zorgkantoor and prestatiecode
//! the percentage or that it is not paid, and the rules that made it), `resultaten.csv`
//! (per provider its result at its own tariffs with the amounts besides them, or why there
//! is none), `kosten.csv` (per zorgkantoor its policy against the RTP and its
//! contracteerruimte), `bedragen.csv` (the amounts and budgets), `hardheidsclausule.csv`
//! and `gesprek.csv` (per zorgkantoor), `zonder_tarief.csv` (who gets no tariff and why),
//! the same as sheets of `tarieven.xlsx`, and a manifest with every policy file (and those
//! not in force), the kenmerken and the contracteerruimte under its key `tarieven`; and the
//! text on stdout.
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
use crate::contracting::{AmountLine, Contracted, Contracting};
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
    let header = "kvk,naam,zorgkantoor,prestatiecode,component,aantal,percentage,status,kosten_beleid,kosten_rtp,beleid,regels";
    Table::of("Tarieven", header, lines, |(c, l)| {
        vec![
            Value::Id(c.kvk.to_string()),
            c.naam.as_str().into(),
            l.zorgkantoor.as_str().into(),
            Value::Id(l.prestatiecode.clone()),
            l.component.as_str().into(),
            Value::Quantity(l.aantal),
            // No percentage, never 0%, for a prestatie that is not paid.
            l.priced
                .percentage()
                .map_or(Value::Empty, |p| Value::Percent(p, 2)),
            l.status().into(),
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
/// population, those at the tariffs also for a provider with a prestatie that is not paid,
/// and `toelichting` says why.
fn result_table(run: &Run, k: &Contracting) -> Table {
    let header = "kvk,naam,sector,cluster,rtp,zorgkantoren,resultaat,resultaat_bij_rtp,bedragen,resultaat_bij_tarief,marge_bij_tarief,hardheidsclausule,toelichting";
    Table::of("Resultaten", header, &k.contracted, |c| {
        let mut row = who(c);
        row.extend([rtp(run, c.rtp), zorgkantoren(c)]);
        match c.provider.map(|i| &run.providers[i].position) {
            Some(p) => row.extend([Value::Money(p.resultaat), Value::Money(p.result_at(c.rtp))]),
            None => row.extend([Value::Empty, Value::Empty]),
        }
        row.push(Value::Money(
            c.amounts.iter().filter_map(|a| a.bedrag).sum(),
        ));
        match &c.outcome {
            Some(o) => row.extend([
                Value::Money(o.resultaat),
                o.marge.map_or(Value::Empty, |m| Value::Percent(m, 2)),
                Value::YesNo(o.hardheid),
            ]),
            None => row.extend(std::iter::repeat_n(Value::Empty, 3)),
        }
        row.push(c.toelichting.clone().map_or(Value::Empty, Value::Text));
        row
    })
}

/// kosten.csv: per zorgkantoor the cost of its policy against paying the RTP, the amounts
/// and budgets besides the tariffs, and all of it against its contracteerruimte of the
/// contract year when the input names one (the share is for reading only: nothing is
/// decided on it). `verschil` compares the tariffs with the RTP on the prestaties the
/// policy pays: care it does not pay is in `niet_gecontracteerd_rtp`, not a saving.
fn cost_table(k: &Contracting) -> Table {
    let header = "zorgkantoor,aanbieders,kosten_beleid,kosten_rtp,niet_gecontracteerd_rtp,verschil,verschil_pct,bedragen,budgetten,totaal_beleid,contracteerruimte,aandeel_contracteerruimte";
    Table::of("Kosten", header, &k.costs, |c| {
        let base = c.rtp_gecontracteerd();
        let verschil = c.beleid - base;
        let pct = if base.is_zero() {
            Value::Empty
        } else {
            Value::Percent(verschil / base, 2)
        };
        let aandeel = match c.contracteerruimte {
            Some(r) if !r.is_zero() => Value::Percent(c.totaal() / r, 2),
            _ => Value::Empty,
        };
        vec![
            c.zorgkantoor.as_str().into(),
            Value::Count(c.aanbieders as u64),
            Value::Money(c.beleid),
            Value::Money(c.rtp),
            Value::Money(c.niet_gecontracteerd_rtp),
            Value::Money(verschil),
            pct,
            Value::Money(c.bedragen),
            Value::Money(c.budgetten),
            Value::Money(c.totaal()),
            c.contracteerruimte.map_or(Value::Empty, Value::Money),
            aandeel,
        ]
    })
}

/// The summary's view of kosten.csv: what fits a terminal's width.
fn cost_summary(k: &Contracting) -> Table {
    let header = "zorgkantoor,aanbieders,kosten_beleid,kosten_rtp,verschil_pct,bedragen,totaal_beleid,aandeel_contracteerruimte";
    let full = cost_table(k);
    let columns: Vec<usize> = header
        .split(',')
        .map(|h| {
            full.columns
                .iter()
                .position(|c| c == h)
                .expect("a column of kosten.csv")
        })
        .collect();
    let rows = full
        .rows
        .iter()
        .map(|r| columns.iter().map(|&i| r[i].clone()).collect())
        .collect();
    Table::new("Kosten", header, rows)
}

/// hardheidsclausule.csv: per zorgkantoor with a hardship clause, its providers below 0 at
/// their own tariffs, with the clause's criteria, deadline and source.
fn hardship_table(k: &Contracting) -> Table {
    let header = "zorgkantoor,kvk,naam,sector,cluster,resultaat_bij_tarief,criteria,uiterlijk,bron";
    Table::of("Hardheidsclausule", header, &k.hardship, |h| {
        let c = &k.contracted[h.contracted];
        let mut row = vec![h.zorgkantoor.as_str().into()];
        row.extend(who(c));
        row.extend([
            c.outcome
                .as_ref()
                .map_or(Value::Empty, |o| Value::Money(o.resultaat)),
            h.criteria.join("; ").into(),
            h.uiterlijk.clone().map_or(Value::Empty, Value::Text),
            h.bron.as_str().into(),
        ]);
        row
    })
}

/// gesprek.csv: per policy and `[[gesprek]]`, the providers its conditions list.
fn conversation_table(k: &Contracting) -> Table {
    let header = "zorgkantoor,beleid,gesprek,kvk,naam,marge,bron";
    Table::of("Gesprek", header, &k.conversations, |c| {
        vec![
            c.zorgkantoor.as_str().into(),
            c.bestand.as_str().into(),
            c.gesprek.as_str().into(),
            Value::Id(c.kvk.to_string()),
            c.naam.as_str().into(),
            c.marge.map_or(Value::Empty, |m| Value::Percent(m, 2)),
            c.bron.as_str().into(),
        ]
    })
}

/// bedragen.csv: per zorgkantoor its budgets (no provider), then the amounts its policies
/// pay each provider besides the tariffs.
fn amounts_table(k: &Contracting) -> Table {
    let mut rows: Vec<(Option<&Contracted>, &AmountLine)> = Vec::new();
    for zk in crate::model::Zorgkantoor::ALL {
        rows.extend(
            k.budgets
                .iter()
                .filter(|a| a.zorgkantoor == *zk)
                .map(|a| (None, a)),
        );
        for c in &k.contracted {
            rows.extend(
                c.amounts
                    .iter()
                    .filter(|a| a.zorgkantoor == *zk)
                    .map(|a| (Some(c), a)),
            );
        }
    }
    let header = "zorgkantoor,beleid,kvk,naam,bedrag_naam,soort,bedrag,berekening,bron";
    Table::of("Bedragen", header, rows, |(c, a)| {
        vec![
            a.zorgkantoor.as_str().into(),
            a.beleid.as_str().into(),
            c.map_or(Value::Empty, |c| Value::Id(c.kvk.to_string())),
            c.map_or(Value::Empty, |c| c.naam.as_str().into()),
            a.naam.as_str().into(),
            a.soort.as_str().into(),
            a.bedrag.map_or(Value::Empty, Value::Money),
            a.berekening.as_str().into(),
            a.bron.as_str().into(),
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

/// A policy file read but not in force in the contract year, for the manifest.
#[derive(Serialize)]
pub(crate) struct OutOfForce<'a> {
    pad: &'a str,
    periode: &'a str,
}

/// The settings of `tarieven`, for the manifest: the contract year, every policy file (and
/// those not in force in that year, which were not applied), the kenmerken and the
/// contracteerruimte when there is one.
#[derive(Serialize)]
pub(crate) struct Settings<'a> {
    contractjaar: i32,
    beleid: &'a [Recorded],
    beleid_niet_van_kracht: Vec<OutOfForce<'a>>,
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
        amounts_table(k),
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
            beleid_niet_van_kracht: k
                .niet_van_kracht
                .iter()
                .map(|(pad, periode)| OutOfForce { pad, periode })
                .collect(),
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
    out += &super::table::text(&cost_summary(k));
    let in_population = k.contracted.iter().filter(|c| c.provider.is_some()).count();
    let with_result: Vec<&Contracted> = k
        .contracted
        .iter()
        .filter(|c| c.outcome.is_some())
        .collect();
    let below = with_result
        .iter()
        .filter(|c| c.outcome.as_ref().is_some_and(|o| o.hardheid))
        .count();
    out += &format!(
        "\n{below} of {} providers with a result at their own tariffs are below 0 there\n",
        with_result.len()
    );
    // Per zorgkantoor, the providers its hardship clause lists; one without a clause
    // lists none.
    let per: Vec<String> = k
        .costs
        .iter()
        .map(|c| {
            let n = k
                .hardship
                .iter()
                .filter(|h| h.zorgkantoor == c.zorgkantoor)
                .count();
            format!("{} {n}", c.zorgkantoor)
        })
        .collect();
    out += &format!(
        "listed for the hardship clause (hardheidsclausule.csv): {}\n",
        per.join(", ")
    );
    let unpaid = in_population - with_result.len();
    if unpaid > 0 {
        out += &format!(
            "{unpaid} providers of the population have care that is not paid, so no result at their tariffs (resultaten.csv, toelichting)\n"
        );
    }
    out += &format!(
        "{} providers listed for a conversation (gesprek.csv)\n",
        k.conversations.len()
    );
    let outside = k.contracted.len() - in_population;
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
            // A prestatie that is not paid shows its status, never a percentage.
            let paid = match l.priced.percentage() {
                Some(p) => format!("{}%", Value::Percent(p, 2)),
                None => "—".to_string(),
            };
            out += &format!(
                "    {:<12} {:<9} {:>8}  {}\n",
                l.prestatiecode,
                l.component.to_string(),
                paid,
                l.priced.steps.join("; ")
            );
        }
        for a in c.amounts.iter().filter(|a| a.zorgkantoor == *zk) {
            out += &format!(
                "    bedrag {} ({}): {} ({})\n",
                a.naam,
                a.soort,
                a.bedrag.map_or(Value::Empty, Value::Money),
                a.berekening
            );
        }
    }
    match (&c.outcome, &c.toelichting) {
        (Some(o), _) => {
            let p = &run.providers[o.provider];
            let amounts = if o.bedragen.is_zero() {
                String::new()
            } else {
                format!(" with {} in amounts", Value::Money(o.bedragen))
            };
            out += &format!(
                "  result at these tariffs{amounts}: {} (at the RTP: {}), {}{}\n",
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
        (None, Some(why)) if c.provider.is_some() => {
            out += &format!("  no result at these tariffs: {why}\n");
        }
        _ => out +=
            "  outside the population: no result at these tariffs (see uitgesloten.csv of run)\n",
    }
    out
}
