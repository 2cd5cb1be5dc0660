//! The folder of `brieven`: one self-contained HTML statement per provider of the
//! population (`KVK.html`, or the pseudonym's name on a pseudonymised bundle), written for
//! its financial director, an `index.html` listing them per group, and a manifest.
//!
//! A statement shows the figures `explain` shows, read from the same run: the provider's
//! inputs and where each came from, the steps from its claims to its break-even, its place
//! among its group's break-evens (the group's figures with it marked), the group's RTP
//! and both criteria there, its result at the RTP and, with policies, at its zorgkantoren's
//! tariffs (`crate::contracting`, as `tarieven` computes them), and the commands that
//! reproduce its number from the verification bundle. It computes nothing of its own: every
//! number is a field of the run or of the contracting, and every number is formatted by
//! `html::cell`, as on `rapport.html`. No script and no external resource; print CSS so
//! that a statement prints as a letter.

use std::fmt::Write as _;

use anyhow::Result;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;

use super::html::{cell, esc, table, STYLE};
use super::manifest::{Manifest, Subject};
use super::table::{as_written, Table, Value};
use super::{inputs_table, rtp, Recorded};
use crate::classify::result;
use crate::config::{ResultDefinition, ThresholdSide};
use crate::contracting::Contracting;
use crate::model::{BreakEven, Kvk, Sector};
use crate::pipeline::{Group, Run};
use crate::solve::Rho;

/// What `brieven` asks for besides the run.
pub(crate) struct Request<'a> {
    /// Indices into `Run::providers` of the providers to write; all when none.
    pub only: Option<&'a Vec<usize>>,
    /// `--pseudoniem`'s key: each statement names its provider's pseudonym under it.
    pub key: Option<&'a [u8]>,
    /// The zorgkantoren's policies applied, with the policy files and kenmerken read.
    pub policies: Option<(&'a Contracting, &'a [Recorded], &'a Recorded)>,
}

/// The settings of `brieven`, for the manifest (the key itself is never recorded).
#[derive(Serialize)]
pub(crate) struct Settings<'a> {
    /// The providers asked for; empty for all of them.
    kvk: Vec<String>,
    /// Whether the statements name the bundle's pseudonyms (`--pseudoniem`).
    pseudoniemen: bool,
    beleid: &'a [Recorded],
    kenmerken: Option<&'a Recorded>,
}

/// A provider of the population: its index, its group and its place among the members.
struct Member<'a> {
    i: usize,
    g: &'a Group,
    j: usize,
}

const PRINT: &str = "td.num{white-space:nowrap}.breed{overflow-x:auto}.breed table{font-size:.82em}.samenvatting{border:2px solid #d9e1f2;padding:.4em 1em;margin:1em 0}\
.samenvatting table{margin:.3em 0}figure{margin:1em 0}figcaption{color:#555;font-size:.9em}\
pre{background:#f3f3f3;padding:.5em .8em;overflow-x:auto}.positief{color:#1a7f1a}.negatief{color:#b22}\
@page{size:A4;margin:16mm}\
@media print{body{max-width:none;margin:0;padding:0;font-size:10pt;color:#000}a{color:inherit;text-decoration:none}\
h2{break-after:avoid}figure,table,.samenvatting,pre{break-inside:avoid}svg{max-height:11cm}}";

fn head(o: &mut String, title: &str) {
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}{PRINT}</style>\n</head>\n<body>\n",
        esc(title)
    );
}

/// A break-even as the page says it: a percentage, or in words for the infinities.
fn break_even(b: BreakEven) -> String {
    match b {
        BreakEven::At(_) => cell(&Value::BreakEven(b)),
        BreakEven::Always => "−∞ (bij elk percentage een resultaat van nul of meer)".into(),
        BreakEven::Never => "∞ (bij geen enkel percentage tot de bovengrens positief)".into(),
    }
}

/// A row of a two- or three-column table of figures: label, value (HTML), note.
fn figure_row(o: &mut String, label: &str, value: &str, note: &str) {
    let _ = writeln!(
        o,
        "<tr><th>{}</th><td class=\"num\">{value}</td><td>{note}</td></tr>",
        esc(label)
    );
}

fn money(d: Decimal) -> String {
    cell(&Value::Money(d))
}

/// How the statement names the provider in the bundle, and the commands that redo it.
fn checking(o: &mut String, run: &Run, kvk: Kvk, key: Option<&[u8]>) {
    let shown = run.data.identity(kvk);
    let (name, note) = match key {
        Some(key) => (
            super::bundle::pseudonym(key, kvk),
            "In de controlebundel staat uw organisatie onder dit pseudoniem, zonder naam; alleen wie de sleutel heeft, kan het aan uw KvK-nummer koppelen.",
        ),
        None if shown != kvk.to_string() => (
            shown,
            "Deze opgave is gemaakt uit een gepseudonimiseerde controlebundel; dit is uw pseudoniem daarin.",
        ),
        None => (
            shown,
            "De controlebundel van deze berekening noemt aanbieders bij hun KvK-nummer.",
        ),
    };
    let _ = writeln!(
        o,
        "<h2>6. Zelf nagaan</h2>\n<p>Uw aanduiding in de controlebundel <code>controle/</code>: <strong id=\"pseudoniem\">{}</strong>. {note}</p>",
        esc(&name)
    );
    let _ = writeln!(
        o,
        "<p>De controlebundel bevat per aanbieder alleen de sommen die de berekening gebruikt, en de configuratie. \
         Met het programma <code>richttarief</code> controleert u eerst dat de bundel het gepubliceerde RTP oplevert, \
         en toont u daarna uw eigen berekening stap voor stap, met dezelfde getallen als hierboven:</p>\n\
         <pre>richttarief verify controle/\nrichttarief explain --config controle/richttarief.toml --kvk {}</pre>",
        esc(&name)
    );
}

/// One provider's statement.
fn page(run: &Run, m: &Member, request: &Request) -> Result<String> {
    let config = &run.config;
    let calc = &config.berekening;
    let p = &run.providers[m.i];
    let g = m.g;
    let kvk = p.kvk;
    let shown = run.data.identity(kvk);
    let is_kvk = shown == kvk.to_string();
    let at = g.result.rtp;
    let pos = &p.position;
    let f = &p.claims;
    let sign = super::text::positive_sign(run);
    let positive = pos.is_positive_at(at, config.criteria.nul_is_positief);
    let rank = g
        .result
        .ranking
        .order
        .iter()
        .position(|&x| x == m.j)
        .expect("every member is ranked")
        + 1;

    let mut o = String::new();
    let who = if is_kvk {
        format!("{} (KvK {shown})", p.naam)
    } else {
        format!("pseudoniem {shown}")
    };
    head(
        &mut o,
        &format!(
            "Opgave richttariefpercentage {}: {who}",
            config.referentiejaar
        ),
    );
    let _ = writeln!(
        o,
        "<h1>Opgave richttariefpercentage {}</h1>",
        config.referentiejaar
    );
    let _ = writeln!(
        o,
        "<p><strong>{}</strong><br>{} <span id=\"kvk\">{}</span><br>Groep {} {}, model <code>{}</code>, referentiejaar {}</p>",
        esc(&p.naam),
        if is_kvk { "KvK" } else { "Pseudoniem" },
        esc(&shown),
        esc(p.sector.as_str()),
        esc(&p.cluster.to_string()),
        esc(config.model.as_str()),
        config.referentiejaar
    );
    let _ = writeln!(
        o,
        "<p>Deze opgave laat zien hoe het richttariefpercentage (RTP) van uw groep tot stand komt en waar uw organisatie \
         daarin staat: met welke gegevens van u is gerekend en waar elk gegeven vandaan komt, welke stappen van uw \
         declaraties tot uw resultaat leiden, en hoe u de uitkomst zelf kunt nagaan. Bedragen in euro, percentages \
         van het NZa-maximumtarief.</p>"
    );

    o.push_str("<div class=\"samenvatting\"><table>\n");
    figure_row(
        &mut o,
        "RTP van uw groep",
        &format!("<span id=\"rtp\">{}</span>", cell(&rtp(run, at))),
        &format!("groep {}, {} aanbieders", esc(&g.name()), g.result.n),
    );
    figure_row(
        &mut o,
        "Uw break-evenpercentage",
        &format!(
            "<span id=\"breakeven\">{}</span>",
            break_even(g.result.break_evens[m.j])
        ),
        "het percentage vanaf waar uw resultaat nul of meer is",
    );
    figure_row(
        &mut o,
        "Uw plaats",
        &format!("{rank} van {}", g.result.n),
        "in de volgorde van break-even, laagste eerst",
    );
    figure_row(
        &mut o,
        "Uw resultaat bij de RTP",
        &format!(
            "<span id=\"resultaat-bij-rtp\">{}</span>",
            money(pos.result_at(at))
        ),
        if positive {
            "<span class=\"positief\">positief: u telt mee voor beide criteria</span>"
        } else {
            "<span class=\"negatief\">negatief</span>"
        },
    );
    o.push_str("</table></div>\n");

    // 1. The inputs and where each came from.
    o.push_str("<h2>1. Uw gegevens en waar ze vandaan komen</h2>\n<h3>Jaarverslag</h3>\n");
    match run.data.accounts.get(&kvk) {
        None => {
            let _ = writeln!(o, "<p>Geen jaarverslag over {}.</p>", config.referentiejaar);
        }
        Some(a) => {
            let _ = writeln!(o, "<p>Bron: <code>{}</code>.</p>", esc(&a.bron));
            let origins = run.data.digimv_origins.get(&kvk);
            if origins.is_some_and(|x| !x.is_empty()) {
                o.push_str("<table><thead><tr><th>gegeven</th><th>vindplaats in de DigiMV-dataset</th></tr></thead><tbody>\n");
                for (column, origin) in origins.into_iter().flatten() {
                    let _ = writeln!(
                        o,
                        "<tr><td>{}</td><td><code>{}</code></td></tr>",
                        esc(column),
                        esc(&origin.to_string())
                    );
                }
                o.push_str("</tbody></table>\n");
            }
            o.push_str("<table><tbody>\n");
            figure_row(
                &mut o,
                "bedrijfsopbrengsten B",
                &money(a.bedrijfsopbrengsten),
                "",
            );
            if let Some(w) = a.opbrengsten_wlz {
                figure_row(&mut o, "opbrengsten Wlz W", &money(w), "");
            }
            figure_row(&mut o, "bedrijfslasten L", &money(a.bedrijfslasten), "");
            figure_row(
                &mut o,
                "financiële baten FB",
                &money(a.financiele_baten),
                "",
            );
            figure_row(
                &mut o,
                "financiële lasten FL",
                &money(a.financiele_lasten),
                "",
            );
            let formula = match calc.resultaat {
                ResultDefinition::InclusiefFinancieel => "B − L + FB − FL",
                ResultDefinition::Bedrijfsresultaat => "B − L",
            };
            figure_row(
                &mut o,
                "resultaat R",
                &money(result(a, calc.resultaat)),
                &format!("R = {formula}"),
            );
            o.push_str("</tbody></table>\n");
        }
    }
    let _ = writeln!(o, "<h3>Declaraties over {}</h3>", config.referentiejaar);
    match run.data.claims.get(&kvk) {
        None => {
            o.push_str("<p>Deze opgave is gemaakt uit een controlebundel, die alleen uw sommen hieronder bevat, niet de declaraties per prestatiecode.</p>\n");
        }
        Some(c) => {
            let _ = writeln!(
                o,
                "<p>Gedeclareerd onder: {}. Per prestatiecode de som van uw declaratieregels en de delen die de berekening gebruikt \
                 (d: bedrag, k: kapitaallasten, x: tegen 100% betaald, s: zorgdeel zoals betaald, s_max: zorgdeel tegen het maximumtarief).</p>",
                esc(&super::claimed_under(c))
            );
            let header = "prestatiecode,sector,leveringsvorm,component,aantal,bedrag d,max. tarief,kapitaal per eenheid,k,x,s,s_max";
            let rows = super::claim_rows(run, c);
            o.push_str("<div class=\"breed\">");
            table(&mut o, &Table::new("Declaraties", header, rows));
            o.push_str("</div>\n");
        }
    }
    o.push_str("<h3>Bestanden</h3>\n<p class=\"small\">De bestanden van deze berekening, met hun SHA-256, zodat u kunt nagaan dat met dezelfde gegevens is gerekend.</p>\n");
    let files = [
        ("rol", "rol"),
        ("pad", "bestand"),
        ("rijen", "rijen"),
        ("sha256", "sha256"),
    ];
    table(&mut o, &inputs_table(run).pick("Invoer", &files));

    // 2. From the claims to the break-even.
    o.push_str("<h2>2. Van declaraties naar resultaat</h2>\n<table><tbody>\n");
    figure_row(&mut o, "D = Σd", &money(f.declaraties), "alle declaraties");
    figure_row(&mut o, "K = Σk", &money(f.kapitaal), "kapitaallasten");
    figure_row(&mut o, "X = Σx", &money(f.volledig), "tegen 100% betaald");
    figure_row(&mut o, "S = Σs", &money(f.zorg), "zorgdeel zoals betaald");
    figure_row(
        &mut o,
        "S_max = Σs_max",
        &money(f.zorg_max),
        "zorgdeel tegen 100% van het maximumtarief",
    );
    if !f.zorg_max.is_zero() {
        figure_row(
            &mut o,
            "gerealiseerd percentage p",
            &cell(&Value::Percent(f.zorg / f.zorg_max, 4)),
            "p = S / S_max",
        );
    }
    let per_sector: Vec<String> = Sector::ALL
        .iter()
        .zip(f.per_sector)
        .map(|(s, d)| format!("{s} {}", money(d)))
        .collect();
    figure_row(
        &mut o,
        "sector",
        &esc(p.sector.as_str()),
        &format!(
            "Σd per sector: {} (sector_bron = {})",
            per_sector.join(", "),
            esc(&super::text::word(&calc.sector_bron))
        ),
    );
    let cl = &config.clustering;
    let cluster_note = if cl.clusters {
        let rule = match cl.drempel_telt_als {
            ThresholdSide::Intramuraal => "≥",
            ThresholdSide::Extramuraal => ">",
        };
        format!(
            "intramuraal Σd {} van D: aandeel a = {}; intramuraal als a {rule} {}",
            money(f.intramuraal),
            cell(&Value::Percent(p.intramuraal_aandeel, 4)),
            cell(&Value::Percent(cl.intramuraal_drempel, 2))
        )
    } else {
        "clusters staan uit".to_string()
    };
    figure_row(
        &mut o,
        "cluster",
        &esc(&p.cluster.to_string()),
        &cluster_note,
    );
    let rho = match pos.rho {
        Rho::One => ("1".to_string(), "schaling = \"declaraties\"".to_string()),
        Rho::Ratio { wlz, declared } => (
            cell(&Value::Quantity((wlz / declared).round_dp(6))),
            format!("ρ = W / D = {} / {}", money(wlz), money(declared)),
        ),
    };
    figure_row(&mut o, "ρ", &rho.0, &esc(&rho.1));
    let (formula, base) = if calc.nhc_nic_strippen {
        (
            "R(r) = R + ρ·(r·S_max − S); kapitaallasten (NHC/NIC) apart",
            "S_max",
        )
    } else {
        (
            "R(r) = R + ρ·(r·(S_max + K) − (S + K)); kapitaallasten meegenomen",
            "S_max + K",
        )
    };
    figure_row(
        &mut o,
        &format!("basis {base}"),
        &money(pos.basis),
        &format!("nu betaald: {}", money(pos.huidig)),
    );
    figure_row(
        &mut o,
        "omzet O",
        &money(pos.omzet),
        &format!(
            "telt mee in het omzetcriterium (omzet_basis = {})",
            esc(&super::text::word(&calc.omzet_basis))
        ),
    );
    figure_row(
        &mut o,
        "break-even r*",
        &break_even(g.result.break_evens[m.j]),
        "het percentage r waarbij R(r) = 0",
    );
    o.push_str("</tbody></table>\n");
    let _ = writeln!(
        o,
        "<p>Uw resultaat bij een percentage r van het maximumtarief: <code>{formula}</code>. Elk procentpunt meer of \
         minder verandert uw resultaat met ρ·{base}/100.</p>"
    );

    // 3. The place in the group.
    let _ = writeln!(
        o,
        "<h2>3. Uw plaats in de groep {}</h2>\n<p>De groep telt {} aanbieders. Gerangschikt naar break-even, laagste \
         eerst, staat u op plaats {rank}. De figuren tonen de groep met uw break-even in paars.</p>",
        esc(&g.name()),
        g.result.n
    );
    let label = match g.result.break_evens[m.j] {
        BreakEven::At(_) => format!(
            "uw break-even {}",
            cell(&Value::BreakEven(g.result.break_evens[m.j]))
        ),
        BreakEven::Always => "uw break-even: −∞".to_string(),
        BreakEven::Never => "uw break-even: ∞".to_string(),
    };
    let [curves, distribution] = super::figures::marked(run, g, m.j, label)?;
    let _ = writeln!(
        o,
        "<figure id=\"figuur-aandelen\">{curves}<figcaption>Het aandeel van de aanbieders (blauw) en van de omzet (oranje) \
         met een resultaat {sign}, bij elk percentage; rood het RTP, paars uw break-even.</figcaption></figure>"
    );
    let _ = writeln!(
        o,
        "<figure id=\"figuur-breakeven\">{distribution}<figcaption>De break-evenpercentages van de groep per half \
         procentpunt; uw break-even in paars, het RTP in rood.</figcaption></figure>"
    );

    // 4. The group's RTP and the criteria there.
    let r = &g.result;
    let ev = &r.at_rtp;
    let c = &config.criteria;
    let _ = writeln!(
        o,
        "<h2>4. Het RTP van de groep en de criteria</h2>\n<p>Het RTP is het laagste percentage waarbij ten minste \
         {} van de aanbieders een resultaat {sign} heeft{}. Voor uw groep is dat <strong>{}</strong> (bindend: {}{}).</p>",
        cell(&Value::Setting(c.aandeel_aanbieders)),
        if c.aandeel_omzet.is_zero() {
            String::new()
        } else {
            format!(
                " en die aanbieders samen ten minste {} van de omzet hebben",
                cell(&Value::Setting(c.aandeel_omzet))
            )
        },
        cell(&rtp(run, at)),
        esc(r.bindend.as_str()),
        if r.haalbaar {
            ""
        } else {
            "; niet haalbaar onder de bovengrens"
        }
    );
    o.push_str("<table><thead><tr><th>criterium bij het RTP</th><th>vereist</th><th>bij het RTP</th><th>voldaan</th></tr></thead><tbody>\n");
    let _ = writeln!(
        o,
        "<tr><td>aandeel aanbieders met resultaat {sign}</td><td class=\"num\">{} ({} aanbieders)</td><td class=\"num\" id=\"aandeel-aanbieders\">{} ({} van {})</td><td>{}</td></tr>",
        cell(&Value::Setting(c.aandeel_aanbieders)),
        ev.needed,
        cell(&Value::Share(ev.share_providers())),
        ev.positive,
        ev.n,
        cell(&Value::Verdict(ev.aantal_met()))
    );
    if c.aandeel_omzet.is_zero() {
        o.push_str("<tr><td>aandeel omzet van die aanbieders</td><td colspan=\"3\">uitgeschakeld (aandeel_omzet = 0)</td></tr>\n");
    } else {
        let _ = writeln!(
            o,
            "<tr><td>aandeel omzet van die aanbieders</td><td class=\"num\">{} ({})</td><td class=\"num\" id=\"aandeel-omzet\">{} ({} van {})</td><td>{}</td></tr>",
            cell(&Value::Setting(c.aandeel_omzet)),
            money(ev.omzet_needed),
            cell(&Value::Share(ev.share_omzet())),
            money(ev.omzet_positive),
            money(ev.omzet_total),
            cell(&Value::Verdict(ev.omzet_met()))
        );
    }
    o.push_str("</tbody></table>\n");

    // 5. The result at the RTP and at the tariffs.
    let _ = writeln!(
        o,
        "<h2>5. Uw resultaat</h2>\n<p>Bij het RTP van {}: R(RTP) = <strong>{}</strong>, {}.</p>",
        cell(&rtp(run, at)),
        money(pos.result_at(at)),
        if positive {
            "positief: u telt mee voor beide criteria"
        } else {
            "negatief: u telt niet mee voor de criteria"
        }
    );
    if let Some((k, _, _)) = request.policies {
        tariffs(&mut o, run, k, kvk);
    }
    checking(&mut o, run, kvk, request.key);
    let _ = writeln!(
        o,
        "<p class=\"small\">Gemaakt door {} {}. De configuratie en de hashes van alle bestanden staan in <code>manifest.json</code>.</p>\n</body>\n</html>",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    Ok(o)
}

/// The provider's tariffs per zorgkantoor and its result at them, as `tarieven` has them.
fn tariffs(o: &mut String, run: &Run, k: &Contracting, kvk: Kvk) {
    let Some(c) = k.contracted.iter().find(|c| c.kvk == kvk) else {
        let reden = k
            .without
            .iter()
            .find(|w| w.0 == kvk)
            .map_or("geen kenmerken", |w| w.2.as_str());
        let _ = writeln!(
            o,
            "<p>Tarieven van de zorgkantoren: geen ({}).</p>",
            esc(reden)
        );
        return;
    };
    o.push_str("<h3>Bij de tarieven van uw zorgkantoren</h3>\n");
    for (zk, aandeel) in &c.zorgkantoren {
        let _ = writeln!(
            o,
            "<p><strong>{}</strong>, dat {}% van uw zorg inkoopt:</p>",
            esc(zk.as_str()),
            esc(&as_written(*aandeel))
        );
        let rows = c
            .lines
            .iter()
            .filter(|l| l.zorgkantoor == *zk)
            .map(|l| {
                vec![
                    Value::Id(l.prestatiecode.clone()),
                    l.component.to_string().into(),
                    l.priced
                        .percentage()
                        .map_or(Value::Empty, |p| Value::Percent(p, 2)),
                    l.status().into(),
                    l.priced.steps.join("; ").into(),
                    l.beleid.clone().map_or(Value::Empty, Value::Text),
                ]
            })
            .collect();
        table(
            o,
            &Table::new(
                "Tarieven",
                "prestatiecode,component,percentage,status,regels,beleid",
                rows,
            ),
        );
        // The amounts the zorgkantoor's policies pay besides the tariffs.
        let amounts: Vec<Vec<Value>> = c
            .amounts
            .iter()
            .filter(|a| a.zorgkantoor == *zk)
            .map(|a| {
                vec![
                    a.naam.as_str().into(),
                    a.soort.as_str().into(),
                    a.bedrag.map_or(Value::Empty, Value::Money),
                    a.berekening.as_str().into(),
                ]
            })
            .collect();
        if !amounts.is_empty() {
            table(
                o,
                &Table::new("Bedragen", "bedrag_naam,soort,bedrag,berekening", amounts),
            );
        }
    }
    if let Some(out) = &c.outcome {
        let p = &run.providers[out.provider];
        // Below 0: a case for the hardship clause of each zorgkantoor that has one.
        let clauses: Vec<&str> = k
            .hardship
            .iter()
            .filter(|h| k.contracted[h.contracted].kvk == kvk)
            .map(|h| h.zorgkantoor.as_str())
            .collect();
        let below = match (out.hardheid, clauses.is_empty()) {
            (false, _) => String::new(),
            (true, true) => {
                " Dit is onder nul; uw zorgkantoren hebben hiervoor geen hardheidsclausule."
                    .to_string()
            }
            (true, false) => format!(
                " Dit is onder nul: een geval voor de hardheidsclausule van {}.",
                clauses.join(" en ")
            ),
        };
        let _ = writeln!(
            o,
            "<p>Uw resultaat bij deze tarieven{}, over al uw zorgkantoren naar hun aandeel: <strong id=\"resultaat-bij-tarief\">{}</strong> \
             (bij het RTP: {}){}.{}</p>",
            if out.bedragen.is_zero() {
                String::new()
            } else {
                format!(" en met {} aan bedragen ernaast", money(out.bedragen))
            },
            money(out.resultaat),
            money(p.position.result_at(c.rtp)),
            out.marge.map_or(String::new(), |m| format!(
                ", een marge van {} van uw omzet",
                cell(&Value::Percent(m, 2))
            )),
            esc(&below)
        );
    } else if let Some(why) = &c.toelichting {
        let _ = writeln!(o, "<p>Geen resultaat bij deze tarieven: {}.</p>", esc(why));
    }
}

/// `index.html`: the statements per group, with each provider's break-even and result.
fn index(run: &Run, members: &[Member]) -> String {
    let config = &run.config;
    let mut o = String::new();
    let title = format!("Opgaven richttariefpercentage {}", config.referentiejaar);
    head(&mut o, &title);
    let _ = writeln!(
        o,
        "<h1>{}</h1>\n<p>Per aanbieder een opgave van zijn gegevens, zijn break-even, zijn plaats in de groep en zijn \
         resultaat bij het RTP; model <code>{}</code>.</p>",
        esc(&title),
        esc(config.model.as_str())
    );
    for g in &run.groups {
        let of_group: Vec<&Member> = members.iter().filter(|m| std::ptr::eq(m.g, g)).collect();
        if of_group.is_empty() {
            continue;
        }
        let _ = writeln!(
            o,
            "<h2>{}: RTP {}</h2>",
            esc(&format!("{} {}", g.sector, g.cluster)),
            cell(&rtp(run, g.result.rtp))
        );
        o.push_str("<table><thead><tr><th>aanbieder</th><th>naam</th><th>break-even</th><th>resultaat bij RTP</th></tr></thead><tbody>\n");
        for m in of_group {
            let p = &run.providers[m.i];
            let id = run.data.identity(p.kvk);
            let _ = writeln!(
                o,
                "<tr><td><a href=\"{0}.html\">{0}</a></td><td>{1}</td><td class=\"num\">{2}</td><td class=\"num\">{3}</td></tr>",
                esc(&id),
                esc(&p.naam),
                cell(&Value::BreakEven(g.result.break_evens[m.j])),
                money(p.position.result_at(g.result.rtp))
            );
        }
        o.push_str("</tbody></table>\n");
    }
    o.push_str("</body>\n</html>\n");
    o
}

/// Every file of the folder: the statements, the index and the manifest last.
pub(crate) fn outputs(run: &Run, request: &Request) -> Result<Vec<(String, Vec<u8>)>> {
    let members: Vec<Member> = run
        .groups
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .enumerate()
                .map(move |(j, &i)| Member { i, g, j })
        })
        .filter(|m| request.only.is_none_or(|only| only.contains(&m.i)))
        .collect();
    // The pages are independent; drawn side by side, in the members' order.
    let pages = members
        .par_iter()
        .map(|m| {
            let name = format!("{}.html", run.data.identity(run.providers[m.i].kvk));
            Ok((name, page(run, m, request)?.into_bytes()))
        })
        .collect::<Result<Vec<_>>>()?;
    let mut files = pages;
    files.push(("index.html".to_string(), index(run, &members).into_bytes()));
    let settings = Settings {
        kvk: request.only.map_or_else(Vec::new, |only| {
            only.iter()
                .map(|&i| run.data.identity(run.providers[i].kvk))
                .collect()
        }),
        pseudoniemen: request.key.is_some(),
        beleid: request.policies.map_or(&[], |p| p.1),
        kenmerken: request.policies.map(|p| p.2),
    };
    let subject = Subject::Statements {
        model: run.config.model.as_str(),
        configuratie: &run.config,
        brieven: settings,
    };
    let manifest = Manifest::of_run(run, subject, &files).json()?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}
