//! `sensitivity`: how robust the RTP is (`sensitivity::analyse`), its result folder and
//! its summary. An adapter: it decides nothing itself.

use std::time::Instant;

use anyhow::Result;

use super::{compute, out_default, ConfigArg, Exit, OutArg, Ui};
use crate::report;

/// How robust the RTP is: leave-one-out per provider, a seeded bootstrap of providers
/// within each group, and sweeps of the intramural threshold and the criteria's shares.
#[derive(Debug, clap::Args)]
#[command(mut_arg("out", out_default("uitvoer-gevoeligheid")))]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    out: OutArg,
    /// Bootstrap resamples per group.
    #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    resamples: u32,
    /// Seed of the bootstrap: the same seed and data give the same percentiles.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    args.out.check()?;
    let config = args.config.load()?;
    let run = compute(&config, ui)?;
    let started = Instant::now();
    let options = crate::sensitivity::Options {
        resamples: args.resamples as usize,
        seed: args.seed,
    };
    let analysis = crate::sensitivity::analyse(&run, &options);
    ui.stage(&format!(
        "leave-one-out, {} resamples per group and the sweeps in {:.2} s",
        args.resamples,
        started.elapsed().as_secs_f64()
    ));
    let files = report::sensitivity::outputs(&run, &analysis)?;
    args.out.write(&files, ui)?;
    ui.print(&report::sensitivity::text(&run, &analysis))?;
    Ok(Exit::Ok)
}
