//! The outputs of `sensitivity`: `weglaten.csv` (leave-one-out), `bootstrap.csv`,
//! `drempel.csv` and `criteria.csv` (the sweeps), their figures under `figuren/`, and a
//! manifest with the configuration, the options, the seed and every input; and the
//! summary printed on stdout.
//!
//! Formatting only: everything is computed by `crate::sensitivity`.

use std::cmp::Reverse;

use anyhow::Result;
use serde::Serialize;

use super::figures::{percent_f64, sweep_figure, Sweep};
use super::{csv_text, points, rtp, setting};
use crate::pipeline::Run;
use crate::sensitivity::{Criterion, Sensitivity, SweepRow};

/// One row per provider: its group's RTP without it, the groups in order and within a
/// group the providers that move the RTP most first (then by KvK).
pub(crate) fn leave_one_out_rows(run: &Run, s: &Sensitivity) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    for (g, without) in run.groups.iter().zip(&s.leave_one_out) {
        let mut members: Vec<(usize, Option<rust_decimal::Decimal>)> = g
            .members
            .iter()
            .copied()
            .zip(without.iter().copied())
            .collect();
        members.sort_by_key(|&(i, w)| {
            (
                Reverse(w.map(|w| (w - g.result.rtp).abs())),
                run.providers[i].kvk,
            )
        });
        for (i, w) in members {
            let p = &run.providers[i];
            rows.push(vec![
                g.sector.to_string(),
                g.cluster.to_string(),
                p.kvk.to_string(),
                p.naam.clone(),
                rtp(run, g.result.rtp),
                w.map(|w| rtp(run, w)).unwrap_or_default(),
                w.map(|w| points(w - g.result.rtp)).unwrap_or_default(),
            ]);
        }
    }
    rows
}

pub(crate) const LEAVE_ONE_OUT_COLUMNS: [&str; 7] = [
    "sector",
    "cluster",
    "kvk",
    "naam",
    "rtp",
    "rtp_zonder",
    "verschil",
];

pub(crate) const BOOTSTRAP_COLUMNS: [&str; 9] = [
    "sector",
    "cluster",
    "aanbieders",
    "rtp",
    "trekkingen",
    "seed",
    "p5",
    "p50",
    "p95",
];

fn bootstrap_rows(run: &Run, s: &Sensitivity) -> Vec<Vec<String>> {
    run.groups
        .iter()
        .zip(&s.bootstrap)
        .map(|(g, q)| {
            vec![
                g.sector.to_string(),
                g.cluster.to_string(),
                g.result.n.to_string(),
                rtp(run, g.result.rtp),
                s.options.resamples.to_string(),
                s.options.seed.to_string(),
                rtp(run, q.p5),
                rtp(run, q.p50),
                rtp(run, q.p95),
            ]
        })
        .collect()
}

fn sweep_rows(run: &Run, rows: &[SweepRow], lead: &[&str]) -> Vec<Vec<String>> {
    rows.iter()
        .map(|r| {
            let mut row: Vec<String> = lead.iter().map(|s| s.to_string()).collect();
            row.extend([
                setting(r.value),
                r.sector.to_string(),
                r.cluster.to_string(),
                r.n.to_string(),
                rtp(run, r.rtp),
                super::yes_no(r.haalbaar).to_string(),
            ]);
            row
        })
        .collect()
}

/// A labelled line: (x %, RTP %) points.
type Series = (String, Vec<(f64, f64)>);

/// Per group of the run, the sweep's points of that group as (x %, RTP %).
fn series(run: &Run, rows: &[SweepRow]) -> Vec<Series> {
    run.groups
        .iter()
        .map(|g| {
            let points = rows
                .iter()
                .filter(|r| r.sector == g.sector && r.cluster == g.cluster)
                .map(|r| (percent_f64(r.value), percent_f64(r.rtp)))
                .collect();
            (g.name(), points)
        })
        .collect()
}

fn figures(run: &Run, s: &Sensitivity) -> Result<Vec<super::figures::Figure>> {
    let mut out = Vec::new();
    let threshold = series(run, &s.threshold);
    let by_criterion: Vec<(Criterion, Vec<Series>)> = s
        .criteria
        .iter()
        .map(|(c, rows)| (*c, series(run, rows)))
        .collect();
    for (i, g) in run.groups.iter().enumerate() {
        let base = format!("{}-{}", g.sector.as_str().to_lowercase(), g.cluster);
        let title = format!("{} {}", g.sector, g.cluster);
        if !s.threshold.is_empty() {
            out.push(sweep_figure(&Sweep {
                stem: format!("{base}-drempel"),
                group: g.name(),
                title: format!("{title}: RTP naar intramurale drempel"),
                x_desc: "intramurale drempel (% van de declaraties)".into(),
                series: vec![("RTP".into(), threshold[i].1.clone())],
                configured: (
                    percent_f64(run.config.clustering.intramuraal_drempel),
                    "ingestelde drempel".into(),
                ),
            })?);
        }
        out.push(sweep_figure(&Sweep {
            stem: format!("{base}-criteria"),
            group: g.name(),
            title: format!("{title}: RTP naar het aandeel van elk criterium"),
            x_desc: "aandeel van het criterium (%)".into(),
            series: by_criterion
                .iter()
                .map(|(c, per_group)| {
                    (
                        format!("{} (ander criterium gelijk)", c.key().replace('_', " ")),
                        per_group[i].1.clone(),
                    )
                })
                .collect(),
            configured: (
                percent_f64(run.config.criteria.aandeel_aanbieders),
                format!(
                    "ingesteld: aanbieders {}%, omzet {}%",
                    setting(run.config.criteria.aandeel_aanbieders),
                    setting(run.config.criteria.aandeel_omzet)
                ),
            ),
        })?);
    }
    Ok(out)
}

#[derive(Serialize)]
struct Settings {
    trekkingen: usize,
    seed: u64,
    percentielen: &'static str,
    drempels_pct: Vec<String>,
    aandelen_pct: Vec<String>,
}

/// Every output file of `sensitivity`, the manifest last.
pub(crate) fn outputs(run: &Run, s: &Sensitivity) -> Result<Vec<(String, Vec<u8>)>> {
    let sweep_head = ["sector", "cluster", "aanbieders", "rtp", "haalbaar"];
    let mut files = vec![
        (
            "weglaten.csv".to_string(),
            csv_text(&LEAVE_ONE_OUT_COLUMNS, leave_one_out_rows(run, s))?,
        ),
        (
            "bootstrap.csv".to_string(),
            csv_text(&BOOTSTRAP_COLUMNS, bootstrap_rows(run, s))?,
        ),
    ];
    if !s.threshold.is_empty() {
        let header: Vec<&str> = ["intramuraal_drempel"]
            .into_iter()
            .chain(sweep_head)
            .collect();
        files.push((
            "drempel.csv".to_string(),
            csv_text(&header, sweep_rows(run, &s.threshold, &[]))?,
        ));
    }
    let header: Vec<&str> = ["criterium", "aandeel"]
        .into_iter()
        .chain(sweep_head)
        .collect();
    let rows = s
        .criteria
        .iter()
        .flat_map(|(c, rows)| sweep_rows(run, rows, &[c.key()]))
        .collect();
    files.push(("criteria.csv".to_string(), csv_text(&header, rows)?));
    for f in figures(run, s)? {
        files.push((format!("figuren/{}.svg", f.stem), f.svg.into_bytes()));
        files.push((format!("figuren/{}.png", f.stem), f.png));
    }
    let settings = Settings {
        trekkingen: s.options.resamples,
        seed: s.options.seed,
        percentielen: "nearest rank",
        drempels_pct: if s.threshold.is_empty() {
            Vec::new()
        } else {
            crate::sensitivity::thresholds()
                .into_iter()
                .map(setting)
                .collect()
        },
        aandelen_pct: crate::sensitivity::shares()
            .into_iter()
            .map(setting)
            .collect(),
    };
    let manifest = super::run_manifest(run, Some(serde_json::to_value(settings)?), &files)?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}

/// The summary on stdout: per group the RTP, the bootstrap's percentiles, the range of
/// leave-one-out RTPs and the providers whose removal moves it most.
pub(crate) fn text(run: &Run, s: &Sensitivity) -> String {
    let header = [
        "groep",
        "rtp",
        "p5",
        "p50",
        "p95",
        "weglaten min",
        "weglaten max",
    ];
    let mut rows = Vec::new();
    let mut movers = String::new();
    for ((g, q), without) in run.groups.iter().zip(&s.bootstrap).zip(&s.leave_one_out) {
        let known: Vec<_> = without.iter().flatten().copied().collect();
        let (lo, hi) = (known.iter().min(), known.iter().max());
        rows.push(vec![
            g.name(),
            rtp(run, g.result.rtp),
            rtp(run, q.p5),
            rtp(run, q.p50),
            rtp(run, q.p95),
            lo.map(|&v| rtp(run, v)).unwrap_or_default(),
            hi.map(|&v| rtp(run, v)).unwrap_or_default(),
        ]);
        let mut moving: Vec<(usize, rust_decimal::Decimal)> = g
            .members
            .iter()
            .zip(without)
            .filter_map(|(&i, w)| w.map(|w| (i, w - g.result.rtp)))
            .filter(|(_, d)| !d.is_zero())
            .collect();
        moving.sort_by_key(|&(i, d)| (Reverse(d.abs()), run.providers[i].kvk));
        if !moving.is_empty() {
            let names: Vec<String> = moving
                .iter()
                .take(3)
                .map(|&(i, d)| {
                    let p = &run.providers[i];
                    format!("{} {} ({})", p.kvk, p.naam, points(d))
                })
                .collect();
            movers += &format!("  {}: {}\n", g.name(), names.join("; "));
        }
    }
    let right = [false, true, true, true, true, true, true];
    let mut out = format!(
        "Sensitivity of the RTP (model {}), {} bootstrap resamples per group, seed {}\n",
        run.config.model, s.options.resamples, s.options.seed
    );
    out += &super::text::columns(&header, &rows, &right);
    out += "\nProviders whose removal moves their group's RTP most (percentage points):\n";
    if movers.is_empty() {
        out += "  none: removing any one provider leaves every RTP where it is\n";
    } else {
        out += &movers;
    }
    out
}
