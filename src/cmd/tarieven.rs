//! `tarieven`: the zorgkantoren's policies applied to the providers of the kenmerken input
//! (`contracting::contract`), its result folder and its summary. An adapter: it decides
//! nothing itself.

use anyhow::Result;

use super::{compute, contract, out_default, ConfigArg, Exit, OutArg, Ui};
use crate::report;

/// Apply the zorgkantoren's policies in force in the contract year ([beleid] bestanden,
/// [beleid] contractjaar) to the providers of the kenmerken input: per provider,
/// zorgkantoor and prestatiecode the tariff percentage (or that it is not contracted) and
/// its rules, the amounts besides the tariffs, each provider's result at its tariffs, each
/// zorgkantoor's cost against the RTP and its contracteerruimte, and the hardship and
/// conversation lists.
#[derive(Debug, clap::Args)]
#[command(mut_arg("out", out_default("uitvoer-tarieven")))]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    #[command(flatten)]
    out: OutArg,
    /// The year of the contracts to price, over the configuration's [beleid] contractjaar
    /// (default: referentiejaar). A policy applies when its periode holds this year.
    #[arg(long, value_name = "JAAR", value_parser = clap::value_parser!(i32).range(1900..=2100))]
    contractjaar: Option<i32>,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    args.out.check()?;
    let mut config = args.config.load()?;
    if let Some(year) = args.contractjaar {
        config.beleid.set_contractjaar(year);
    }
    let run = compute(&config, ui)?;
    let Some(read) = crate::pipeline::read_policies(&config, &run.data, ui)? else {
        anyhow::bail!(
            "invalid configuration {}: invoer.kenmerken is missing; tarieven needs the providers' characteristics per zorgkantoor",
            config.invoer.basis.display()
        );
    };
    let (contracting, beleid, kenmerken) = contract(&run, &read)?;
    // Read and checked, but not applied: said, so that a file of the wrong period is not
    // taken for one that paid.
    for (file, periode) in &contracting.niet_van_kracht {
        ui.stage(&format!(
            "{file}: periode {periode}, not in force in {}: not applied",
            config.beleid.contractjaar
        ));
    }
    let contracteerruimte = read
        .contracteerruimte
        .as_ref()
        .map(|(f, _)| report::Recorded::of(f.shown.clone(), &f.path))
        .transpose()?;
    let sources = report::contracting::Sources {
        beleid: &beleid,
        kenmerken: &kenmerken,
        contracteerruimte: contracteerruimte.as_ref(),
    };
    let files = report::contracting::outputs(&run, &contracting, &sources)?;
    args.out.write(&files, ui)?;
    ui.print(&report::contracting::text(&run, &contracting))?;
    Ok(Exit::Ok)
}
