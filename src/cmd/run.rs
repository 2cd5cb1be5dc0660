//! `run`: the whole pipeline under one configuration, its result folder and the RTP table.
//! An adapter: it decides nothing itself.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::Result;

use super::{compute, out_default, ConfigArg, Exit, OutArg, Ui};
use crate::{pipeline, report};

/// Run the whole pipeline and write rtp.csv, aanbieders.csv, uitgesloten.csv, the
/// verification bundle controle/ and manifest.json.
#[derive(Debug, clap::Args)]
#[command(mut_arg("out", out_default("uitvoer")))]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    out: OutArg,
    /// A file holding a secret key (at least 16 bytes): the bundle in controle/ then names
    /// providers by pseudonym (HMAC-SHA-256 of the KvK under the key) and leaves names out.
    #[arg(long, value_name = "SLEUTELBESTAND")]
    pseudoniem: Option<PathBuf>,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    args.out.check()?;
    let key = args
        .pseudoniem
        .as_deref()
        .map(pipeline::read_key)
        .transpose()?;
    let config = args.config.load()?;
    let run = compute(&config, ui)?;
    let started = Instant::now();
    let files = report::outputs(&run, key.as_deref())?;
    report::write_outputs(&args.out.out, &files)?;
    ui.stage(&format!(
        "wrote {} files to {} in {:.2} s",
        files.len(),
        args.out.out.display(),
        started.elapsed().as_secs_f64()
    ));
    ui.print(&report::text::rtp_table(&run))?;
    Ok(Exit::Ok)
}
