//! `check`: a published RTP against both criteria, per group; `Exit::CheckFailed` when a
//! criterion fails. The verdict is `solve`'s (through `Run::verdict`), its text `report`'s.

use anyhow::Result;
use rust_decimal::Decimal;

use super::{compute, ConfigArg, Exit, Ui, UsageError};
use crate::model::{Cluster, Sector};
use crate::report;

/// Check a published RTP against both criteria; exits 3 when a criterion fails.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    /// The published percentage, in percent (95.5).
    #[arg(long, value_parser = parse_percent)]
    rtp: Decimal,
    /// Only this group: SECTOR/CLUSTER (VV/intramuraal), or SECTOR when clusters are off.
    #[arg(long, value_parser = parse_group)]
    groep: Option<(Sector, Option<Cluster>)>,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    let config = args.config.load()?;
    let run = compute(&config, ui)?;
    let groups = run.groups_named(args.groep);
    if groups.is_empty() {
        let names: Vec<String> = run.groups.iter().map(|g| g.name()).collect();
        return Err(UsageError(format!(
            "no such group in this run; the groups are: {}",
            names.join(", ")
        ))
        .into());
    }
    let published = args.rtp / Decimal::ONE_HUNDRED;
    let mut text = String::new();
    let mut all_pass = true;
    for g in groups {
        let verdict = run.verdict(g, published);
        all_pass &= verdict.passes();
        text += &report::text::check_group(&run, g, &verdict, &args.rtp.to_string());
    }
    ui.print(&text)?;
    Ok(if all_pass {
        Exit::Ok
    } else {
        Exit::CheckFailed
    })
}

fn parse_percent(s: &str) -> Result<Decimal, String> {
    let d = Decimal::from_str_exact(s.trim())
        .map_err(|_| format!("{s:?} is not a percentage such as 95.5"))?;
    if d.scale() > 6 {
        return Err(format!("{s} has more than 6 decimals"));
    }
    if d < Decimal::ZERO || d > Decimal::from(200) {
        return Err(format!("{s} is outside 0 to 200 percent"));
    }
    Ok(d)
}

fn parse_group(s: &str) -> Result<(Sector, Option<Cluster>), String> {
    let (sector, cluster) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    Ok((
        Sector::parse(sector)?,
        cluster.map(Cluster::parse).transpose()?,
    ))
}
