//! The outputs of `sensitivity`: `weglaten.csv` (leave-one-out), `bootstrap.csv`,
//! `drempel.csv` and `criteria.csv` (the sweeps), their figures under `figuren/`, and a
//! manifest with the configuration, the options, the seed and every input; and the
//! summary printed on stdout.
//!
//! It builds tables only: everything is computed by `crate::sensitivity`, and the
//! renderers format every number.

use std::cmp::Reverse;

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use super::figures::{percent_f64, sweep_figure, Sweep};
use super::manifest::{Manifest, Subject};
use super::rtp;
use super::table::{csv, text as columns, Table, Value};
use crate::pipeline::Run;
use crate::sensitivity::{Criterion, Sensitivity, SweepRow};

/// weglaten.csv: one row per provider, its group's RTP without it; the groups in order and
/// within a group the providers that move the RTP most first (then by KvK).
fn leave_one_out_table(run: &Run, s: &Sensitivity) -> Table {
    let mut rows = Vec::new();
    for (g, without) in run.groups.iter().zip(&s.leave_one_out) {
        let mut members: Vec<(usize, Option<Decimal>)> = g
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
                g.sector.as_str().into(),
                g.cluster.as_str().into(),
                Value::Id(run.data.identity(p.kvk)),
                p.naam.as_str().into(),
                rtp(run, g.result.rtp),
                w.map_or(Value::Empty, |w| rtp(run, w)),
                w.map_or(Value::Empty, |w| Value::Points(w - g.result.rtp)),
            ]);
        }
    }
    let header = "sector,cluster,kvk,naam,rtp,rtp_zonder,verschil";
    Table::new("Weglaten", header, rows)
}

/// bootstrap.csv: per group the percentiles of the resampled RTPs.
fn bootstrap_table(run: &Run, s: &Sensitivity) -> Table {
    let header = "sector,cluster,aanbieders,rtp,trekkingen,seed,p5,p50,p95";
    let groups = run.groups.iter().zip(&s.bootstrap);
    Table::of("Bootstrap", header, groups, |(g, q)| {
        vec![
            g.sector.as_str().into(),
            g.cluster.as_str().into(),
            Value::Count(g.result.n as u64),
            rtp(run, g.result.rtp),
            Value::Count(s.options.resamples as u64),
            Value::Count(s.options.seed),
            rtp(run, q.p5),
            rtp(run, q.p50),
            rtp(run, q.p95),
        ]
    })
}

/// A sweep's table: per sweep (its label, if the table has a column for it) every swept
/// value with each group's RTP at it. `lead` names the label's column, if any, and the
/// swept value's.
fn sweep_table(name: &str, lead: &str, sweeps: &[(Option<&str>, &[SweepRow])], run: &Run) -> Table {
    let mut rows = Vec::new();
    for (label, sweep) in sweeps {
        for r in *sweep {
            let mut row: Vec<Value> = label.iter().map(|&l| l.into()).collect();
            row.extend([
                Value::Setting(r.value),
                r.sector.as_str().into(),
                r.cluster.as_str().into(),
                Value::Count(r.n as u64),
                rtp(run, r.rtp),
                Value::Verdict(r.haalbaar),
            ]);
            rows.push(row);
        }
    }
    let columns = format!("{lead},sector,cluster,aanbieders,rtp,haalbaar");
    Table::new(name, &columns, rows)
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
                    Value::Setting(run.config.criteria.aandeel_aanbieders),
                    Value::Setting(run.config.criteria.aandeel_omzet)
                ),
            ),
        })?);
    }
    Ok(out)
}

/// The settings of `sensitivity`, for the manifest: B, the seed, how percentiles are
/// taken, and the swept values in percent. The members are in alphabetical order, as the
/// manifest has always listed them.
#[derive(Serialize)]
pub(crate) struct Settings {
    aandelen_pct: Vec<String>,
    drempels_pct: Vec<String>,
    percentielen: &'static str,
    seed: u64,
    trekkingen: usize,
}

/// Every output file of `sensitivity`, the manifest last.
pub(crate) fn outputs(run: &Run, s: &Sensitivity) -> Result<Vec<(String, Vec<u8>)>> {
    let mut files = vec![
        (
            "weglaten.csv".to_string(),
            csv(&leave_one_out_table(run, s))?,
        ),
        ("bootstrap.csv".to_string(), csv(&bootstrap_table(run, s))?),
    ];
    if !s.threshold.is_empty() {
        let sweep = [(None, &s.threshold[..])];
        let table = sweep_table("Drempel", "intramuraal_drempel", &sweep, run);
        files.push(("drempel.csv".to_string(), csv(&table)?));
    }
    let sweeps: Vec<(Option<&str>, &[SweepRow])> = s
        .criteria
        .iter()
        .map(|(c, rows)| (Some(c.key()), &rows[..]))
        .collect();
    let table = sweep_table("Criteria", "criterium,aandeel", &sweeps, run);
    files.push(("criteria.csv".to_string(), csv(&table)?));
    for f in figures(run, s)? {
        files.push((format!("figuren/{}.svg", f.stem), f.svg.into_bytes()));
        files.push((format!("figuren/{}.png", f.stem), f.png));
    }
    let percent = |values: Vec<Decimal>| -> Vec<String> {
        values
            .into_iter()
            .map(|v| Value::Setting(v).plain())
            .collect()
    };
    let settings = Settings {
        aandelen_pct: percent(crate::sensitivity::shares()),
        drempels_pct: if s.threshold.is_empty() {
            Vec::new()
        } else {
            percent(crate::sensitivity::thresholds())
        },
        percentielen: "nearest rank",
        seed: s.options.seed,
        trekkingen: s.options.resamples,
    };
    let subject = Subject::Sensitivity {
        model: run.config.model.as_str(),
        configuratie: &run.config,
        gevoeligheid: settings,
    };
    let manifest = Manifest::of_run(run, subject, &files).json()?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}

/// The summary on stdout: per group the RTP, the bootstrap's percentiles, the range of
/// leave-one-out RTPs and the providers whose removal moves it most.
pub(crate) fn text(run: &Run, s: &Sensitivity) -> String {
    let mut rows = Vec::new();
    let mut movers = String::new();
    for ((g, q), without) in run.groups.iter().zip(&s.bootstrap).zip(&s.leave_one_out) {
        let known: Vec<_> = without.iter().flatten().copied().collect();
        let (lo, hi) = (known.iter().min(), known.iter().max());
        rows.push(vec![
            g.name().into(),
            rtp(run, g.result.rtp),
            rtp(run, q.p5),
            rtp(run, q.p50),
            rtp(run, q.p95),
            lo.map_or(Value::Empty, |&v| rtp(run, v)),
            hi.map_or(Value::Empty, |&v| rtp(run, v)),
        ]);
        let mut moving: Vec<(usize, Decimal)> = g
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
                    format!(
                        "{} {} ({})",
                        run.data.identity(p.kvk),
                        p.naam,
                        Value::Points(d)
                    )
                })
                .collect();
            movers += &format!("  {}: {}\n", g.name(), names.join("; "));
        }
    }
    let header = "groep,rtp,p5,p50,p95,weglaten min,weglaten max";
    let mut out = format!(
        "Sensitivity of the RTP (model {}), {} bootstrap resamples per group, seed {}\n",
        run.config.model, s.options.resamples, s.options.seed
    );
    out += &columns(&Table::new("Gevoeligheid", header, rows));
    out += "\nProviders whose removal moves their group's RTP most (percentage points):\n";
    if movers.is_empty() {
        out += "  none: removing any one provider leaves every RTP where it is\n";
    } else {
        out += &movers;
    }
    out
}
