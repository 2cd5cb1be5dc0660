//! `verify`: recomputes a verification bundle (`run`'s `controle/`) from its own files and
//! says whether it reproduces: every file against the SHA-256 its manifest lists (and the
//! run's manifest, when the run's folder is given), every group of its `rtp.csv` against
//! the recomputation, and every provider's recorded sector, cluster or reasons.
//! `Exit::CheckFailed` lists every difference. An adapter: the comparisons are
//! `report::bundle`'s, the recomputation the pipeline's.

use std::path::{Path, PathBuf};

use anyhow::Result;

use super::{compute, Exit, Ui};
use crate::report::bundle::{self, FOLDER};
use crate::report::table::csv;
use crate::{config, pipeline, report};

/// Recompute a verification bundle and compare it with its rtp.csv and its manifest;
/// prints "reproduced", or every difference and exits 3.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The bundle: a run's controle/ folder, or the run's output folder that holds it.
    bundle: PathBuf,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    let given = args.bundle;
    // The run's folder: its own manifest lists the bundle's files too.
    let (folder, run_folder) = if given.join(FOLDER).join("manifest.json").is_file() {
        (given.join(FOLDER), Some(given.clone()))
    } else {
        (given.clone(), None)
    };
    let read = |name: &str| pipeline::read_bundle_file(&folder.join(name)).ok();
    let manifest = pipeline::read_bundle_file(&folder.join("manifest.json"))?;
    let mut differences = bundle::manifest_differences(&manifest, "manifest.json", "", &read)?;
    if let Some(run_folder) = &run_folder {
        let main = pipeline::read_bundle_file(&run_folder.join("manifest.json"))?;
        let prefix = format!("{FOLDER}/");
        differences.extend(bundle::manifest_differences(
            &main,
            "the run's manifest.json",
            &prefix,
            &read,
        )?);
    }
    let published = read("rtp.csv").unwrap_or_default();
    match recompute(&folder, ui) {
        Ok(run) => {
            if run.config.invoer.aggregaten.as_deref() != Some(Path::new("aggregaten.csv")) {
                differences.push(
                    "richttarief.toml: does not read the bundle's own aggregaten.csv (invoer.aggregaten = \"aggregaten.csv\")".into(),
                );
            }
            let recomputed = csv(&report::rtp_table(&run))?;
            differences.extend(bundle::differences(&published, &recomputed));
            differences.extend(bundle::classification_differences(&run));
            if differences.is_empty() {
                ui.print(&format!(
                    "reproduced: {} groups of rtp.csv and the classification of {} providers, from {} under richttarief.toml (model {}, referentiejaar {})\n",
                    run.groups.len(),
                    run.providers.len() + run.excluded.len(),
                    folder.join("aggregaten.csv").display(),
                    run.config.model,
                    run.config.referentiejaar
                ))?;
                return Ok(Exit::Ok);
            }
        }
        Err(e) => differences.push(format!("the bundle cannot be recomputed: {e:#}")),
    }
    let mut text = format!(
        "not reproduced: {} difference{} in {}\n",
        differences.len(),
        if differences.len() == 1 { "" } else { "s" },
        folder.display()
    );
    for d in &differences {
        text += &format!("  {d}\n");
    }
    ui.print(&text)?;
    Ok(Exit::CheckFailed)
}

/// The bundle's configuration, run on its aggregaten.
fn recompute(folder: &Path, ui: &Ui) -> Result<pipeline::Run> {
    let config = config::load(&folder.join("richttarief.toml"))?;
    compute(&config, ui)
}
