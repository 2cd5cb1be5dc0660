//! `brieven`: one statement per provider of the population, for its financial director,
//! and an index of them per group. An adapter: it chooses whose pages to write and refuses
//! a `--kvk` that names no provider of the population before anything is written; the
//! pages are `report`'s.

use std::path::PathBuf;

use anyhow::Result;

use super::explain::{resolve, KvkParser, Who};
use super::{compute, contract, out_default, ConfigArg, Exit, OutArg, Ui};
use crate::pipeline;
use crate::report;

/// Write one self-contained HTML statement per provider of the population (KVK.html):
/// its inputs and where they came from, the steps from claims to its break-even, its place
/// in its group, the group's RTP and criteria, its result at the RTP and at its
/// zorgkantoren's tariffs, and how to check the number from the verification bundle; and
/// index.html listing them per group.
#[derive(Debug, clap::Args)]
#[command(mut_arg("out", out_default("brieven")))]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    out: OutArg,
    /// Only these providers (KvK numbers, or on a pseudonymised verification bundle
    /// pseudonyms); each must be in the population. Without it, every provider.
    #[arg(long, value_parser = KvkParser, num_args = 1..)]
    kvk: Vec<Who>,
    /// The key file `run --pseudoniem` was given: each statement then names the pseudonym
    /// under which the verification bundle controle/ lists the provider.
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
    if key.is_some()
        && run
            .data
            .bundle
            .as_ref()
            .is_some_and(|b| !b.pseudonyms.is_empty())
    {
        anyhow::bail!(
            "--pseudoniem: the run read a verification bundle that is pseudonymised already; its statements name the pseudonyms it has"
        );
    }
    // Whose pages: every provider of the population, or those named, each of which must
    // be in it (an excluded provider has no break-even to explain in a statement).
    let mut chosen = Vec::new();
    for who in &args.kvk {
        let kvk = resolve(who, &run)?;
        let shown = run.data.identity(kvk);
        match run.providers.iter().position(|p| p.kvk == kvk) {
            Some(i) => chosen.push(i),
            None => match run.excluded.iter().find(|e| e.kvk == kvk) {
                Some(e) => anyhow::bail!(
                    "KvK {shown} is not in the population of {}: excluded ({}); only providers of the population get a statement",
                    config.referentiejaar,
                    report::reasons::reden(&e.reasons)
                ),
                None => anyhow::bail!(
                    "KvK {shown} names no provider of the population of {}: it has neither a jaarverslag nor claims over that year",
                    config.referentiejaar
                ),
            },
        }
    }
    chosen.sort_unstable();
    chosen.dedup();
    let policies = match pipeline::read_policies(&config, &run.data, ui)? {
        Some(read) => Some(contract(&run, &read)?),
        None => None,
    };
    let files = report::brieven::outputs(
        &run,
        &report::brieven::Request {
            only: (!args.kvk.is_empty()).then_some(&chosen),
            key: key.as_deref(),
            policies: policies.as_ref().map(|(c, b, k)| (c, b.as_slice(), k)),
        },
    )?;
    args.out.write(&files, ui)?;
    Ok(Exit::Ok)
}
