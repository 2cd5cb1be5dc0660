//! The outputs of `scenarios`: `scenarios.csv` (the column `scenario`, then every column of
//! `rtp.csv`), `verschillen.csv` (each scenario's configuration keys that differ from the
//! base configuration), `scenarios.xlsx` (both as sheets) and `manifest.json` with every
//! scenario's resolved configuration and every input file read; and the table on stdout.
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
use crate::scenario::Solved;

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
/// from the first's (the base configuration): scenario, key, base value, scenario value.
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
}

/// Every output file of `scenarios`, the manifest last.
pub(crate) fn outputs(solved: &[Solved], source: &Source) -> Result<Vec<(String, Vec<u8>)>> {
    let (scenarios, differences) = (scenarios_table(solved), differences_table(solved)?);
    let mut files = vec![
        ("scenarios.csv".to_string(), csv(&scenarios)?),
        ("verschillen.csv".to_string(), csv(&differences)?),
        (
            "scenarios.xlsx".to_string(),
            super::xlsx::workbook(&[Sheet::of(&scenarios), Sheet::of(&differences)])?,
        ),
    ];
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
    out
}
