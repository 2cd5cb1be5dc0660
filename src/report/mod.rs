//! The output edge: the contract's files (`rtp.csv`, `aanbieders.csv`, `uitgesloten.csv`,
//! `manifest.json`) and the rest of each command's folder, which `crate::folder` puts in
//! place of `--out` whole, only when all of them are complete; and the text shown on stdout.
//!
//! Each command's module builds `Table`s of typed values (this one builds `run`'s) and a
//! `Manifest`; the renderers (`table` for CSV and the terminal, `xlsx`, `html`) turn them
//! into bytes. Every number in an output is rounded once, in `table`, for display only,
//! each with a named strategy: money and percentages half away from zero (as Excel's
//! ROUND), shares of providers and omzet downwards, so that a displayed 75.00 is never a
//! rounded-up 74.996. A builder never formats a number.

pub(crate) mod brieven;
pub(crate) mod bundle;
pub(crate) mod contracting;
pub(crate) mod digimv;
pub(crate) mod figures;
pub(crate) mod html;
pub(crate) mod manifest;
pub(crate) mod reasons;
pub(crate) mod scenarios;
pub(crate) mod sensitivity;
pub(crate) mod table;
pub(crate) mod text;
pub(crate) mod xlsx;

use std::path::Path;

use anyhow::Result;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::aggregate::line_parts;
use crate::model::{Claimant, ProviderClaims};
use crate::pipeline::{Group, Run};
use crate::solve::curve;
use manifest::{Manifest, Subject};
use table::{csv, Table, Value};

pub(crate) use crate::folder::{check_outputs, write_outputs};

/// An RTP of this run: on the grid, or the floor or cap, shown with as many decimals as
/// they need (one by default), so that nothing is rounded away.
pub(crate) fn rtp(run: &Run, fraction: Decimal) -> Value {
    let b = &run.config.berekening;
    let dp = [b.afronding, b.ondergrens, b.bovengrens]
        .iter()
        .map(|d| d.normalize().scale())
        .max()
        .unwrap_or(1);
    Value::Rtp(fraction, dp)
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

/// The columns of rtp.csv, also the `Samenvatting` sheet's.
pub(crate) const RTP_COLUMNS: &str = "sector,cluster,aanbieders,omzet,rtp_aantal,rtp_omzet,rtp,bindend,haalbaar,aandeel_aanbieders_positief,aandeel_omzet_positief,voldaan";

/// One group's row of rtp.csv.
pub(crate) fn rtp_row(run: &Run, g: &Group) -> Vec<Value> {
    let r = &g.result;
    vec![
        g.sector.as_str().into(),
        g.cluster.as_str().into(),
        Value::Count(r.n as u64),
        Value::Money(r.omzet),
        Value::BreakEven(r.r_aantal),
        Value::BreakEven(r.r_omzet),
        rtp(run, r.rtp),
        r.bindend.as_str().into(),
        Value::Verdict(r.haalbaar),
        Value::Share(r.at_rtp.share_providers()),
        Value::Share(r.at_rtp.share_omzet()),
        // Both criteria at the published rtp, the certification: `nee` where rounding to
        // the nearest grid point fell below the binding point, or at the cap.
        Value::Verdict(r.at_rtp.holds()),
    ]
}

/// rtp.csv: one row per group.
pub(crate) fn rtp_table(run: &Run) -> Table {
    Table::of("Samenvatting", RTP_COLUMNS, &run.groups, |g| {
        rtp_row(run, g)
    })
}

/// The columns of aanbieders.csv, also the `Aanbieders` sheet's.
const AANBIEDERS_COLUMNS: &str = "kvk,naam,sector,cluster,intramuraal_aandeel,omzet,resultaat,declaraties,kapitaal,volledig,zorg,zorg_max,gerealiseerd_pct,breakeven_pct,resultaat_bij_rtp,positief";

/// aanbieders.csv: one row per provider in the population, by group.
/// Who a provider's claims were made under, as its statement and its explanation name
/// them: "AGB …" and "KvK …", joined by commas.
fn claimed_under(c: &ProviderClaims) -> String {
    let via: Vec<String> = c
        .via
        .iter()
        .map(|v| match v {
            Claimant::Agb(a) => format!("AGB {a}"),
            Claimant::Kvk(k) => format!("KvK {k}"),
        })
        .collect();
    via.join(", ")
}

/// A provider's claims per prestatiecode with the parts the calculation uses (prestatiecode,
/// sector, leveringsvorm, component, aantal, bedrag d, max_tarief, kapitaal_per_eenheid, k,
/// x, s, s_max): the rows its statement and its explanation both show, each under its own
/// header.
fn claim_rows(run: &Run, c: &ProviderClaims) -> Vec<Vec<Value>> {
    c.lines
        .iter()
        .map(|(code, sums)| {
            let t = &run.data.tariffs.by_code[code];
            let parts = line_parts(sums, t);
            vec![
                Value::Id(code.clone()),
                t.sector.as_str().into(),
                t.leveringsvorm.to_string().into(),
                t.component.to_string().into(),
                Value::Quantity(sums.aantal),
                Value::Money(sums.bedrag),
                Value::Money(t.max_tarief),
                Value::Money(t.kapitaal_per_eenheid),
                Value::Money(parts.kapitaal),
                Value::Money(parts.volledig),
                Value::Money(parts.zorg),
                Value::Money(parts.zorg_max),
            ]
        })
        .collect()
}

fn aanbieders_table(run: &Run) -> Table {
    let mut rows = Vec::new();
    for g in &run.groups {
        let at = g.result.rtp;
        for (j, &i) in g.members.iter().enumerate() {
            let p = &run.providers[i];
            let c = &p.claims;
            let realised = if c.zorg_max.is_zero() {
                Value::Empty
            } else {
                Value::Percent(c.zorg / c.zorg_max, 4)
            };
            rows.push(vec![
                Value::Id(run.data.identity(p.kvk)),
                p.naam.as_str().into(),
                p.sector.as_str().into(),
                p.cluster.as_str().into(),
                Value::Percent(p.intramuraal_aandeel, 4),
                Value::Money(p.position.omzet),
                Value::Money(p.position.resultaat),
                Value::Money(c.declaraties),
                Value::Money(c.kapitaal),
                Value::Money(c.volledig),
                Value::Money(c.zorg),
                Value::Money(c.zorg_max),
                realised,
                Value::BreakEven(g.result.break_evens[j]),
                Value::Money(p.position.result_at(at)),
                Value::Verdict(
                    p.position
                        .is_positive_at(at, run.config.criteria.nul_is_positief),
                ),
            ]);
        }
    }
    Table::new("Aanbieders", AANBIEDERS_COLUMNS, rows)
}

/// uitgesloten.csv: the excluded providers with their reasons.
fn uitgesloten_table(run: &Run) -> Table {
    Table::of("Uitgesloten", "kvk,naam,reden", &run.excluded, |e| {
        vec![
            Value::Id(run.data.identity(e.kvk)),
            e.naam.as_str().into(),
            reasons::reden(&e.reasons).into(),
        ]
    })
}

/// The resolved configuration as dotted keys.
fn configuration_table(run: &Run) -> Result<Table> {
    let keys = run.config.keys()?;
    Ok(Table::of(
        "Configuratie",
        "sleutel,waarde",
        keys,
        |(k, v)| vec![k.into(), v.into()],
    ))
}

/// Every input file with its role, size, rows and SHA-256.
fn inputs_table(run: &Run) -> Table {
    let header = "rol,pad,bytes,rijen,sha256";
    Table::of("Invoer", header, &run.data.inputs, |i| {
        vec![
            i.rol.into(),
            i.pad.as_str().into(),
            Value::Count(i.bytes),
            Value::Count(i.rijen),
            Value::Id(i.sha256.clone()),
        ]
    })
}

/// The data behind the figures: per group the shares of providers and omzet with a
/// result ≥ 0 from each break-even on.
fn curves_table(run: &Run) -> Table {
    let mut rows = Vec::new();
    for g in &run.groups {
        let omzet: Vec<Decimal> = g
            .members
            .iter()
            .map(|&i| run.providers[i].position.omzet)
            .collect();
        for (r, n, o) in curve(&g.result.break_evens, &omzet).steps {
            rows.push(vec![
                g.sector.as_str().into(),
                g.cluster.as_str().into(),
                Value::Percent(r, 4),
                Value::Percent(n, 4),
                Value::Percent(o, 4),
            ]);
        }
    }
    let header = "sector,cluster,percentage,aandeel_aanbieders_positief,aandeel_omzet_positief";
    Table::new("Curves", header, rows)
}

/// `rapport.xlsx`: the run's tables as sheets, the summary under the model and year.
fn workbook(
    run: &Run,
    rtp: &Table,
    aanbieders: &Table,
    uitgesloten: &Table,
    inputs: &Table,
) -> Result<Vec<u8>> {
    use xlsx::{Block, Sheet};
    let above = vec![
        ("model", run.config.model.as_str().into()),
        (
            "referentiejaar",
            Value::Count(u64::try_from(run.config.referentiejaar).unwrap_or_default()),
        ),
    ];
    let configuration = configuration_table(run)?;
    let curves = curves_table(run);
    xlsx::workbook(&[
        Sheet {
            name: "Samenvatting",
            blocks: vec![Block::Pairs(above), Block::Table(rtp)],
        },
        Sheet::of(aanbieders),
        Sheet::of(uitgesloten),
        Sheet {
            name: "Configuratie",
            blocks: vec![Block::Table(&configuration), Block::Table(inputs)],
        },
        Sheet::of(&curves),
    ])
}

/// Every output file's name and content, the verification bundle (`controle/`, its names
/// pseudonymised under `key` when one is given) and the manifest last.
pub(crate) fn outputs(run: &Run, key: Option<&[u8]>) -> Result<Vec<(String, Vec<u8>)>> {
    let (rtp, aanbieders, uitgesloten, inputs) = (
        rtp_table(run),
        aanbieders_table(run),
        uitgesloten_table(run),
        inputs_table(run),
    );
    // The workbook and the figures are independent and most of the work: made side by side.
    let (workbook, figures) = rayon::join(
        || workbook(run, &rtp, &aanbieders, &uitgesloten, &inputs),
        || figures::figures(run),
    );
    let (workbook, figures) = (workbook?, figures?);
    let mut files = vec![
        ("rtp.csv".to_string(), csv(&rtp)?),
        ("aanbieders.csv".to_string(), csv(&aanbieders)?),
        ("uitgesloten.csv".to_string(), csv(&uitgesloten)?),
        ("rapport.xlsx".to_string(), workbook),
    ];
    files.push((
        "rapport.html".to_string(),
        html::page(
            run,
            &html::Tables {
                rtp: &rtp,
                uitgesloten: &uitgesloten,
                inputs: &inputs,
            },
            &figures,
        )
        .into_bytes(),
    ));
    for f in figures {
        files.push((format!("figuren/{}.svg", f.stem), f.svg.into_bytes()));
        files.push((format!("figuren/{}.png", f.stem), f.png));
    }
    let published = files[0].1.clone();
    files.extend(bundle::files(run, &published, key)?);
    let subject = Subject::Run {
        model: run.config.model.as_str(),
        configuratie: &run.config,
    };
    let manifest = Manifest::of_run(run, subject, &files).json()?;
    files.push(("manifest.json".to_string(), manifest));
    Ok(files)
}
