//! The output edge: the contract's files (`rtp.csv`, `aanbieders.csv`, `uitgesloten.csv`,
//! `manifest.json`) and the rest of each command's folder, which `crate::folder` puts in
//! place of `--out` whole, only when all of them are complete; and the text shown on stdout.
//!
//! Every number in an output is rounded here, for display only, each with a named strategy:
//! money and percentages half away from zero (as Excel's ROUND), shares of providers and
//! omzet downwards, so that a displayed 75.00 is never a rounded-up 74.996.

pub(crate) mod contracting;
pub(crate) mod figures;
pub(crate) mod html;
pub(crate) mod scenarios;
pub(crate) mod sensitivity;
pub(crate) mod text;
pub(crate) mod xlsx;

use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::model::BreakEven;
use crate::pipeline::{Group, Run};

pub(crate) use crate::folder::{check_outputs, write_outputs};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// Euros with two decimals, half away from zero.
pub(crate) fn money(d: Decimal) -> String {
    format!(
        "{:.2}",
        d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
    )
}

/// A fraction as percent with `dp` decimals, half away from zero.
pub(crate) fn percent(fraction: Decimal, dp: u32) -> String {
    let p = (fraction * HUNDRED).round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero);
    format!("{:.*}", dp as usize, p)
}

/// A share as percent with two decimals, rounded down: 74.996% shows as 74.99, never 75.00.
pub(crate) fn share(fraction: Decimal) -> String {
    let p = (fraction * HUNDRED).round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity);
    format!("{p:.2}")
}

/// A break-even as percent with four decimals; the infinities as `-inf` and `inf`.
pub(crate) fn break_even(b: BreakEven) -> String {
    match b {
        BreakEven::Always => "-inf".into(),
        BreakEven::At(v) => percent(v, 4),
        BreakEven::Never => "inf".into(),
    }
}

/// The RTP as percent with as many decimals as the grid, floor and cap need (one by
/// default). The value is on the grid or is the floor or cap, so nothing is rounded away.
pub(crate) fn rtp(run: &Run, fraction: Decimal) -> String {
    let b = &run.config.berekening;
    let dp = [b.afronding, b.ondergrens, b.bovengrens]
        .iter()
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(1);
    format!("{:.*}", dp as usize, (fraction * HUNDRED).normalize())
}

/// A fraction as percent with the decimals it has, at least one: 0.005 → `0.5`, 0.75 →
/// `75.0` (a configured setting, shown as written).
pub(crate) fn setting(fraction: Decimal) -> String {
    let p = (fraction * HUNDRED).normalize();
    let dp = p.scale().max(1) as usize;
    format!("{p:.dp$}")
}

/// A difference of two fractions in percentage points, signed: `+0.4`, `-1.2`, `0.0`.
pub(crate) fn points(fraction: Decimal) -> String {
    if fraction > Decimal::ZERO {
        format!("+{}", setting(fraction))
    } else {
        setting(fraction)
    }
}

/// A file a manifest records beside the inputs (a scenarios file, a policy, the
/// kenmerken): its path as given, size and SHA-256.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Recorded {
    pub pad: String,
    pub bytes: u64,
    pub sha256: String,
}

impl Recorded {
    pub(crate) fn of(pad: String, path: &Path) -> Result<Recorded> {
        let (bytes, sha256) = crate::files::hash_file(path)?;
        Ok(Recorded { pad, bytes, sha256 })
    }
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nee"
    }
}

fn csv_text(header: &[&str], rows: Vec<Vec<String>>) -> Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(header)?;
    for r in rows {
        w.write_record(&r)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

pub(crate) const RTP_COLUMNS: [&str; 12] = [
    "sector",
    "cluster",
    "aanbieders",
    "omzet",
    "rtp_aantal",
    "rtp_omzet",
    "rtp",
    "bindend",
    "haalbaar",
    "aandeel_aanbieders_positief",
    "aandeel_omzet_positief",
    "voldaan",
];

/// The rows of rtp.csv, one per group, without the header.
pub(crate) fn rtp_rows(run: &Run) -> Vec<Vec<String>> {
    run.groups.iter().map(|g| rtp_row(run, g)).collect()
}

/// One group's row of rtp.csv.
pub(crate) fn rtp_row(run: &Run, g: &Group) -> Vec<String> {
    let r = &g.result;
    vec![
        g.sector.to_string(),
        g.cluster.to_string(),
        r.n.to_string(),
        money(r.omzet),
        break_even(r.r_aantal),
        break_even(r.r_omzet),
        rtp(run, r.rtp),
        r.bindend.as_str().to_string(),
        yes_no(r.haalbaar).to_string(),
        share(r.at_rtp.share_providers()),
        share(r.at_rtp.share_omzet()),
        // Both criteria at the published rtp, the certification: `nee` where rounding to
        // the nearest grid point fell below the binding point, or at the cap.
        yes_no(r.at_rtp.holds()).to_string(),
    ]
}

pub(crate) fn rtp_csv(run: &Run) -> Result<Vec<u8>> {
    csv_text(&RTP_COLUMNS, rtp_rows(run))
}

/// The columns of aanbieders.csv, also the `Aanbieders` sheet's.
pub(crate) const AANBIEDERS_COLUMNS: [&str; 16] = [
    "kvk",
    "naam",
    "sector",
    "cluster",
    "intramuraal_aandeel",
    "omzet",
    "resultaat",
    "declaraties",
    "kapitaal",
    "volledig",
    "zorg",
    "zorg_max",
    "gerealiseerd_pct",
    "breakeven_pct",
    "resultaat_bij_rtp",
    "positief",
];

pub(crate) fn aanbieders_csv(run: &Run) -> Result<Vec<u8>> {
    let mut rows = Vec::new();
    for g in &run.groups {
        for (j, &i) in g.members.iter().enumerate() {
            let p = &run.providers[i];
            let c = &p.claims;
            let at = g.result.rtp;
            let realised = if c.zorg_max.is_zero() {
                String::new()
            } else {
                percent(c.zorg / c.zorg_max, 4)
            };
            rows.push(vec![
                p.kvk.to_string(),
                p.naam.clone(),
                p.sector.to_string(),
                p.cluster.to_string(),
                percent(p.intramuraal_aandeel, 4),
                money(p.position.omzet),
                money(p.position.resultaat),
                money(c.declaraties),
                money(c.kapitaal),
                money(c.volledig),
                money(c.zorg),
                money(c.zorg_max),
                realised,
                break_even(g.result.break_evens[j]),
                money(p.position.result_at(at)),
                yes_no(
                    p.position
                        .is_positive_at(at, run.config.criteria.nul_is_positief),
                )
                .to_string(),
            ]);
        }
    }
    csv_text(&AANBIEDERS_COLUMNS, rows)
}

pub(crate) fn uitgesloten_csv(run: &Run) -> Result<Vec<u8>> {
    let rows = run
        .excluded
        .iter()
        .map(|e| vec![e.kvk.to_string(), e.naam.clone(), e.reden()])
        .collect();
    csv_text(&["kvk", "naam", "reden"], rows)
}

#[derive(Serialize)]
struct Manifest<'a> {
    programma: &'static str,
    versie: &'static str,
    model: &'static str,
    configuratie: &'a crate::config::Config,
    /// The settings of an analysis on top of the run (`sensitivity`); absent for `run`.
    #[serde(skip_serializing_if = "Option::is_none")]
    gevoeligheid: Option<serde_json::Value>,
    invoer: &'a [crate::model::InputFile],
    uitvoer: Vec<OutputFile>,
    waarschuwingen: &'a [String],
    /// Milliseconds per stage: the only part that differs between identical runs.
    tijden_ms: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct OutputFile {
    bestand: String,
    bytes: u64,
    sha256: String,
}

fn sha256(bytes: &[u8]) -> String {
    format!("{:x}", Sha256::digest(bytes))
}

/// Every output file's name and content, the manifest last.
pub(crate) fn outputs(run: &Run) -> Result<Vec<(String, Vec<u8>)>> {
    // The workbook and the figures are independent and most of the work: made side by side.
    let (workbook, figures) = rayon::join(|| xlsx::workbook(run), || figures::figures(run));
    let (workbook, figures) = (workbook?, figures?);
    let mut files = vec![
        ("rtp.csv".to_string(), rtp_csv(run)?),
        ("aanbieders.csv".to_string(), aanbieders_csv(run)?),
        ("uitgesloten.csv".to_string(), uitgesloten_csv(run)?),
        ("rapport.xlsx".to_string(), workbook),
    ];
    files.push((
        "rapport.html".to_string(),
        html::page(run, &figures).into_bytes(),
    ));
    for f in figures {
        files.push((format!("figuren/{}.svg", f.stem), f.svg.into_bytes()));
        files.push((format!("figuren/{}.png", f.stem), f.png));
    }
    files.push((
        "manifest.json".to_string(),
        run_manifest(run, None, &files)?,
    ));
    Ok(files)
}

/// The manifest of a run's outputs: program, configuration, settings of an analysis on top
/// (if any), every input and output with its SHA-256, warnings, and the timings last.
fn run_manifest(
    run: &Run,
    gevoeligheid: Option<serde_json::Value>,
    files: &[(String, Vec<u8>)],
) -> Result<Vec<u8>> {
    json(&Manifest {
        programma: env!("CARGO_PKG_NAME"),
        versie: env!("CARGO_PKG_VERSION"),
        model: run.config.model.as_str(),
        configuratie: &run.config,
        gevoeligheid,
        invoer: &run.data.inputs,
        uitvoer: listed(files),
        waarschuwingen: &run.warnings,
        tijden_ms: milliseconds(&run.timings),
    })
}

/// Every output file with its size and SHA-256, for a manifest.
fn listed(files: &[(String, Vec<u8>)]) -> Vec<OutputFile> {
    files
        .par_iter()
        .map(|(name, bytes)| OutputFile {
            bestand: name.clone(),
            bytes: bytes.len() as u64,
            sha256: sha256(bytes),
        })
        .collect()
}

/// Stage times for a manifest, in the order the stages ran.
fn milliseconds(
    timings: &[(&'static str, std::time::Duration)],
) -> serde_json::Map<String, serde_json::Value> {
    timings
        .iter()
        .map(|(name, d)| {
            (
                name.to_string(),
                serde_json::Value::from(d.as_millis() as u64),
            )
        })
        .collect()
}

/// A manifest as pretty JSON with a final newline.
fn json<T: Serialize>(manifest: &T) -> Result<Vec<u8>> {
    let mut json = serde_json::to_vec_pretty(manifest)?;
    json.push(b'\n');
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn money_rounds_half_away_from_zero() {
        assert_eq!(money(d("2.005")), "2.01");
        assert_eq!(money(d("-2.005")), "-2.01");
        assert_eq!(money(d("7")), "7.00");
    }

    #[test]
    fn shares_round_down_so_75_means_75() {
        assert_eq!(share(d("0.74996")), "74.99");
        assert_eq!(share(d("0.75")), "75.00");
        assert_eq!(share(Decimal::ONE), "100.00");
    }

    #[test]
    fn break_evens_show_infinities_as_words() {
        assert_eq!(break_even(BreakEven::At(d("0.9555555"))), "95.5556");
        assert_eq!(break_even(BreakEven::Always), "-inf");
        assert_eq!(break_even(BreakEven::Never), "inf");
    }
}
