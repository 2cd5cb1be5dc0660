//! The outputs of `scenarios`: `scenarios.csv` (the column `scenario`, then every column of
//! `rtp.csv`), `verschillen.csv` (each scenario's configuration keys that differ from the
//! base configuration), `scenarios.xlsx` and `manifest.json` with every scenario's resolved
//! configuration and every input file read.
//!
//! Formatting only: the scenarios are solved by `crate::scenario`; nothing is computed here.

use anyhow::Result;
use serde::Serialize;

use super::{csv_text, json, listed, milliseconds, rtp_rows, OutputFile, RTP_COLUMNS};
use crate::config::Config;
use crate::model::InputFile;
use crate::scenario::Solved;

/// `scenario` followed by the columns of rtp.csv.
pub(crate) fn columns() -> Vec<&'static str> {
    std::iter::once("scenario").chain(RTP_COLUMNS).collect()
}

/// The rows of scenarios.csv: per scenario (in order) its rtp.csv rows.
pub(crate) fn rows(solved: &[Solved]) -> Vec<Vec<String>> {
    solved
        .iter()
        .flat_map(|s| {
            rtp_rows(&s.run).into_iter().map(|r| {
                let mut row = vec![s.naam.clone()];
                row.extend(r);
                row
            })
        })
        .collect()
}

/// Per scenario after the first, every key whose resolved value differs from the first's
/// (the base configuration): (scenario, key, base value, scenario value).
pub(crate) fn differences(solved: &[Solved]) -> Result<Vec<Vec<String>>> {
    let Some(first) = solved.first() else {
        return Ok(Vec::new());
    };
    let base: std::collections::BTreeMap<String, String> =
        first.run.config.keys()?.into_iter().collect();
    let mut rows = Vec::new();
    for s in &solved[1..] {
        let mine = s.run.config.keys()?;
        let keys: std::collections::BTreeSet<&String> =
            base.keys().chain(mine.iter().map(|(k, _)| k)).collect();
        let mine: std::collections::BTreeMap<&String, &String> =
            mine.iter().map(|(k, v)| (k, v)).collect();
        for k in keys {
            let b = base.get(k).cloned().unwrap_or_default();
            let m = mine.get(k).map(|v| v.to_string()).unwrap_or_default();
            if !same(&b, &m) {
                rows.push(vec![s.naam.clone(), k.clone(), b, m]);
            }
        }
    }
    Ok(rows)
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

pub(crate) const DIFFERENCE_COLUMNS: [&str; 4] = ["scenario", "sleutel", "basis", "waarde"];

/// `scenarios.xlsx`: sheet `Scenarios` (scenarios.csv, typed as rapport.xlsx types rtp.csv)
/// and sheet `Verschillen` (verschillen.csv as text).
fn workbook(solved: &[Solved]) -> Result<Vec<u8>> {
    let runs: Vec<(&str, &crate::pipeline::Run)> =
        solved.iter().map(|s| (s.naam.as_str(), &s.run)).collect();
    let widths = [
        18.0, 8.0, 13.0, 11.0, 18.0, 12.0, 12.0, 8.0, 9.0, 9.0, 27.0, 24.0, 9.0,
    ];
    let differences = differences(solved)?;
    super::xlsx::labelled_rtp_workbook(
        ("Scenarios", &columns(), &widths),
        &runs,
        &super::xlsx::TextSheet {
            name: "Verschillen",
            columns: &DIFFERENCE_COLUMNS,
            widths: &[18.0, 40.0, 30.0, 30.0],
            rows: &differences,
        },
    )
}

/// Where the scenarios came from, for the manifest.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Source {
    /// The scenarios file as given, with its size and SHA-256; none with `--presets` alone.
    pub bestand: Option<super::Recorded>,
    pub presets: bool,
}

#[derive(Serialize)]
struct Manifest<'a> {
    programma: &'static str,
    versie: &'static str,
    bron: &'a Source,
    scenarios: Vec<Named<'a>>,
    invoer: Vec<&'a InputFile>,
    uitvoer: Vec<OutputFile>,
    waarschuwingen: Vec<&'a String>,
    /// Milliseconds per stage of the first scenario's reading and solving.
    tijden_ms: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct Named<'a> {
    naam: &'a str,
    configuratie: &'a Config,
    /// Positions in `invoer` of the files this scenario's run read.
    invoer: Vec<usize>,
}

/// Every output file of `scenarios`, the manifest last.
pub(crate) fn outputs(solved: &[Solved], source: &Source) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        (
            "scenarios.csv".to_string(),
            csv_text(&columns(), rows(solved))?,
        ),
        (
            "verschillen.csv".to_string(),
            csv_text(&DIFFERENCE_COLUMNS, differences(solved)?)?,
        ),
        ("scenarios.xlsx".to_string(), workbook(solved)?),
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
    let manifest = Manifest {
        programma: env!("CARGO_PKG_NAME"),
        versie: env!("CARGO_PKG_VERSION"),
        bron: source,
        scenarios: named,
        invoer,
        uitvoer: listed(&files),
        waarschuwingen,
        tijden_ms: solved
            .first()
            .map(|s| milliseconds(&s.run.timings))
            .unwrap_or_default(),
    };
    files.push(("manifest.json".to_string(), json(&manifest)?));
    Ok(files)
}
