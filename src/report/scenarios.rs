//! The outputs of `scenarios`: `scenarios.csv` (the column `scenario`, then every column of
//! `rtp.csv`), `verschillen.csv` (each scenario's configuration keys that differ from the
//! base configuration), `scenarios.xlsx` (both as sheets) and `manifest.json` with every
//! scenario's resolved configuration and every input file read; and the table on stdout.
//! When a scenario names corrections, also `correcties.csv` (every correction and what it
//! replaced), `correcties_groepen.csv` (each group's RTP without and with them) and
//! `correcties_aanbieders.csv` (the providers corrected or moved, see `scenario::Change`),
//! as sheets of `scenarios.xlsx` too, and the corrections in the manifest.
//!
//! It builds tables only: the scenarios are solved by `crate::scenario`; nothing is
//! computed here, and the renderers format every number.

use std::collections::{BTreeMap, BTreeSet};

use anyhow::Result;
use serde::Serialize;

use super::manifest::{Manifest, Subject};
use super::table::{csv, Table, Value};
use super::xlsx::Sheet;
use super::{rtp_row, RTP_COLUMNS};
use crate::config::Config;
use crate::model::InputFile;
use crate::scenario::{changes, Corrected, Solved, Standing};

/// scenarios.csv: per scenario (in order) its rtp.csv rows, under its name.
fn scenarios_table(solved: &[Solved]) -> Table {
    let mut rows = Vec::new();
    for s in solved {
        for g in &s.run.groups {
            let mut row: Vec<Value> = vec![s.naam.as_str().into()];
            row.extend(rtp_row(&s.run, g));
            rows.push(row);
        }
    }
    Table::new("Scenarios", &format!("scenario,{RTP_COLUMNS}"), rows)
}

/// verschillen.csv: per scenario after the first, every key whose resolved value differs
/// from the first's (the base configuration): scenario, key, base value, scenario value;
/// and a scenario's corrections file under the key `correcties`.
fn differences_table(solved: &[Solved]) -> Result<Table> {
    let mut rows = Vec::new();
    if let Some(first) = solved.first() {
        let base: BTreeMap<String, String> = first.run.config.keys()?.into_iter().collect();
        for s in &solved[1..] {
            let mine: BTreeMap<String, String> = s.run.config.keys()?.into_iter().collect();
            let keys: BTreeSet<&String> = base.keys().chain(mine.keys()).collect();
            for k in keys {
                let b = base.get(k).cloned().unwrap_or_default();
                let m = mine.get(k).cloned().unwrap_or_default();
                if !same(&b, &m) {
                    rows.push(vec![
                        s.naam.as_str().into(),
                        k.as_str().into(),
                        b.into(),
                        m.into(),
                    ]);
                }
            }
            // Corrections are not a configuration key, but they are a choice the scenario's
            // rows follow from: the base has none.
            if let Some(c) = &s.correcties {
                rows.push(vec![
                    s.naam.as_str().into(),
                    "correcties".into(),
                    Value::Empty,
                    c.file.corrections.shown.as_str().into(),
                ]);
            }
        }
    }
    let columns = "scenario,sleutel,basis,waarde";
    Ok(Table::new("Verschillen", columns, rows))
}

/// Equal values: numbers by value (0.750 is 0.75), everything else as text.
fn same(a: &str, b: &str) -> bool {
    match (
        rust_decimal::Decimal::from_str_exact(a),
        rust_decimal::Decimal::from_str_exact(b),
    ) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// correcties.csv: every correction of every scenario, in the file's order, with the value
/// it replaced (empty for an opbrengsten_wlz the jaarverslag left empty).
fn corrections_table(solved: &[Solved]) -> Table {
    let mut rows = Vec::new();
    for s in solved {
        let Some(c) = &s.correcties else { continue };
        for (k, a) in c.file.corrections.list.iter().zip(&c.applied) {
            rows.push(vec![
                s.naam.as_str().into(),
                c.file.corrections.shown.as_str().into(),
                k.rij.as_str().into(),
                Value::Id(s.run.data.identity(a.kvk)),
                k.veld.into(),
                a.oud.map_or(Value::Empty, Value::Quantity),
                Value::Quantity(k.waarde),
                k.reden.as_str().into(),
                k.bron.as_str().into(),
            ]);
        }
    }
    let columns = "scenario,bestand,rij,kvk,veld,oud,waarde,reden,bron";
    Table::new("Correcties", columns, rows)
}

/// correcties_groepen.csv: per scenario with corrections and group (of either run), the
/// providers and the RTP without and with them, and the difference in percentage points.
fn corrected_groups_table(solved: &[Solved]) -> Table {
    let mut rows = Vec::new();
    for s in solved {
        let Some(c) = &s.correcties else { continue };
        let mut keys: Vec<_> = s.run.groups.iter().map(|g| (g.sector, g.cluster)).collect();
        keys.extend(c.zonder.groups.iter().map(|g| (g.sector, g.cluster)));
        keys.sort();
        keys.dedup();
        for key in keys {
            let find = |run: &'_ crate::pipeline::Run| {
                run.groups
                    .iter()
                    .find(|g| (g.sector, g.cluster) == key)
                    .cloned()
            };
            let (zonder, met) = (find(&c.zonder), find(&s.run));
            let count = |g: &Option<crate::pipeline::Group>| {
                g.as_ref()
                    .map_or(Value::Count(0), |g| Value::Count(g.result.n as u64))
            };
            let rtp = |run, g: &Option<crate::pipeline::Group>| {
                g.as_ref()
                    .map_or(Value::Empty, |g| super::rtp(run, g.result.rtp))
            };
            let verschil = match (&zonder, &met) {
                (Some(a), Some(b)) => Value::Points(b.result.rtp - a.result.rtp),
                _ => Value::Empty,
            };
            rows.push(vec![
                s.naam.as_str().into(),
                key.0.as_str().into(),
                key.1.as_str().into(),
                count(&zonder),
                count(&met),
                rtp(&c.zonder, &zonder),
                rtp(&s.run, &met),
                verschil,
            ]);
        }
    }
    let columns =
        "scenario,sector,cluster,aanbieders_zonder,aanbieders_met,rtp_zonder,rtp_met,verschil";
    Table::new("Correcties per groep", columns, rows)
}

/// correcties_aanbieders.csv: per scenario with corrections, every provider a correction
/// names or whose position changed, with its position without and with the corrections.
fn corrected_providers_table(solved: &[Solved]) -> Table {
    let mut rows = Vec::new();
    let standing = |s: &Option<Standing>| -> [Value; 4] {
        match s {
            None => [
                "buiten de populatie".into(),
                Value::Empty,
                Value::Empty,
                Value::Empty,
            ],
            Some(s) => [
                s.groep.as_str().into(),
                Value::Count(s.plaats as u64),
                Value::BreakEven(s.break_even),
                Value::Verdict(s.positief),
            ],
        }
    };
    for s in solved {
        let Some(c) = &s.correcties else { continue };
        for change in changes(&s.run, c) {
            let mut row: Vec<Value> = vec![
                s.naam.as_str().into(),
                Value::Id(s.run.data.identity(change.kvk)),
                change.naam.as_str().into(),
                Value::YesNo(change.gecorrigeerd),
            ];
            let [g0, p0, b0, v0] = standing(&change.zonder);
            let [g1, p1, b1, v1] = standing(&change.met);
            row.extend([g0, g1, p0, p1, b0, b1, v0, v1, Value::YesNo(change.moved())]);
            rows.push(row);
        }
    }
    let columns = "scenario,kvk,naam,gecorrigeerd,groep_zonder,groep_met,plaats_zonder,plaats_met,breakeven_pct_zonder,breakeven_pct_met,positief_zonder,positief_met,positie_gewijzigd";
    Table::new("Correcties per aanbieder", columns, rows)
}

/// What the manifest records of a scenario's corrections: the file (also among `invoer`)
/// and every correction with the value it replaced.
#[derive(Serialize)]
pub(crate) struct CorrectionsRecord<'a> {
    bestand: &'a str,
    sha256: &'a str,
    lijst: Vec<CorrectionRecord<'a>>,
}

#[derive(Serialize)]
struct CorrectionRecord<'a> {
    rij: &'a str,
    kvk: String,
    veld: &'a str,
    oud: Option<String>,
    waarde: String,
    reden: &'a str,
    bron: &'a str,
}

fn corrections_record<'a>(s: &'a Solved, c: &'a Corrected) -> CorrectionsRecord<'a> {
    CorrectionsRecord {
        bestand: &c.file.input.pad,
        sha256: &c.file.input.sha256,
        lijst: c
            .file
            .corrections
            .list
            .iter()
            .zip(&c.applied)
            .map(|(k, a)| CorrectionRecord {
                rij: &k.rij,
                kvk: s.run.data.identity(a.kvk),
                veld: k.veld,
                oud: a.oud.map(|d| d.to_string()),
                waarde: k.waarde.to_string(),
                reden: &k.reden,
                bron: &k.bron,
            })
            .collect(),
    }
}

/// Where the scenarios came from, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Source {
    /// The scenarios file as given, with its size and SHA-256; none with `--presets` alone.
    pub bestand: Option<super::Recorded>,
    pub presets: bool,
}

/// One scenario in the manifest.
#[derive(Serialize)]
pub(crate) struct Named<'a> {
    naam: &'a str,
    configuratie: &'a Config,
    /// Positions in `invoer` of the files this scenario's run read.
    invoer: Vec<usize>,
    /// The corrections laid over the inputs, when the scenario names them.
    #[serde(skip_serializing_if = "Option::is_none")]
    correcties: Option<CorrectionsRecord<'a>>,
}

/// Every output file of `scenarios`, the manifest last.
pub(crate) fn outputs(solved: &[Solved], source: &Source) -> Result<Vec<(String, Vec<u8>)>> {
    let (scenarios, differences) = (scenarios_table(solved), differences_table(solved)?);
    let mut files = vec![
        ("scenarios.csv".to_string(), csv(&scenarios)?),
        ("verschillen.csv".to_string(), csv(&differences)?),
    ];
    let mut sheets = vec![Sheet::of(&scenarios), Sheet::of(&differences)];
    // The corrections' files only when a scenario names corrections, so that the outputs of
    // scenarios without them stay as they were.
    let corrected = [
        ("correcties.csv", corrections_table(solved)),
        ("correcties_groepen.csv", corrected_groups_table(solved)),
        (
            "correcties_aanbieders.csv",
            corrected_providers_table(solved),
        ),
    ];
    if solved.iter().any(|s| s.correcties.is_some()) {
        for (name, table) in &corrected {
            files.push((name.to_string(), csv(table)?));
            sheets.push(Sheet::of(table));
        }
    }
    files.insert(
        2,
        (
            "scenarios.xlsx".to_string(),
            super::xlsx::workbook(&sheets)?,
        ),
    );
    // Each input once, however many scenarios read it.
    let mut invoer: Vec<&InputFile> = Vec::new();
    let mut waarschuwingen: Vec<&String> = Vec::new();
    let mut named = Vec::new();
    for s in solved {
        let mut read = Vec::new();
        for i in &s.run.data.inputs {
            let at = match invoer.iter().position(|j| *j == i) {
                Some(at) => at,
                None => {
                    invoer.push(i);
                    invoer.len() - 1
                }
            };
            read.push(at);
        }
        for w in &s.run.warnings {
            if !waarschuwingen.contains(&w) {
                waarschuwingen.push(w);
            }
        }
        named.push(Named {
            naam: &s.naam,
            configuratie: &s.run.config,
            invoer: read,
            correcties: s.correcties.as_ref().map(|c| corrections_record(s, c)),
        });
    }
    let subject = Subject::Scenarios {
        bron: source,
        scenarios: named,
    };
    // The stage times of the first scenario's reading and solving.
    let timings = solved.first().map_or(&[][..], |s| &s.run.timings[..]);
    let manifest = Manifest::new(subject, invoer, waarschuwingen, timings, &files).json()?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}

/// The scenarios table printed by `scenarios`: per scenario and group the RTP and how far
/// it lies from the base configuration's RTP of the same group.
pub(crate) fn text(solved: &[Solved]) -> String {
    let base = solved.first().map(|s| &s.run);
    let mut rows = Vec::new();
    for s in solved {
        for g in &s.run.groups {
            let r = &g.result;
            let verschil = base
                .and_then(|b| {
                    b.groups
                        .iter()
                        .find(|h| h.sector == g.sector && h.cluster == g.cluster)
                })
                .map_or(Value::Empty, |h| Value::Points(r.rtp - h.result.rtp));
            rows.push(vec![
                s.naam.as_str().into(),
                s.run.config.model.as_str().into(),
                g.name().into(),
                Value::Count(r.n as u64),
                super::rtp(&s.run, r.rtp),
                r.bindend.as_str().into(),
                Value::Verdict(r.haalbaar),
                Value::Verdict(r.at_rtp.holds()),
                verschil,
            ]);
        }
    }
    let columns = "scenario,model,groep,aanbieders,rtp,bindend,haalbaar,voldaan,verschil";
    let mut out =
        String::from("RTP per scenario and group; verschil in percentage points against basis\n");
    out += &super::table::text(&Table::new("Scenarios", columns, rows));
    for s in solved {
        let Some(c) = &s.correcties else { continue };
        let moved = changes(&s.run, c).iter().filter(|c| c.moved()).count();
        out += &format!(
            "\nscenario {}: {} correction{} of {}; {moved} provider{} changed position (correcties_aanbieders.csv)\n",
            s.naam,
            c.applied.len(),
            if c.applied.len() == 1 { "" } else { "s" },
            c.file.corrections.shown,
            if moved == 1 { "" } else { "s" },
        );
        out += &super::table::text(&corrected_groups_table(std::slice::from_ref(s)));
    }
    out
}
