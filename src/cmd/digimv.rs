//! `digimv`: looks into the published DigiMV dataset before a run. `variabelen` lists the
//! VariableDefinition rows a pattern matches, with the sheet and column of each and how many
//! organisations fill it in, so that a user holding the real file settles an unknown name;
//! `uittreksel` writes the contract's jaarverslagen table from the dataset, with the
//! variable and cell behind each figure, to inspect or edit before running. An adapter: the
//! reading is `pipeline`'s, the wording `report`'s.

use std::path::PathBuf;

use anyhow::Result;

use super::{ConfigArg, Exit, Ui, UsageError};
use crate::config::InputPath;

/// Look into the published DigiMV dataset: its variables, or the jaarverslagen it gives.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Variabelen(Variabelen),
    Uittreksel(Uittreksel),
}

/// List the dataset's variables (VariableDefinition rows) whose name or label matches, with
/// type, format, sheet, column and how many organisations have a value.
#[derive(Debug, clap::Args)]
struct Variabelen {
    /// The dataset: an .ods, a .zip of .ods, an .xlsx, or its parts.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// A regular expression matched against each variable's name and label, ignoring
    /// case (for example 'lasten|financ'); without it, every variable.
    #[arg(long)]
    zoek: Option<String>,
}

/// Write the jaarverslagen table the dataset gives under the configuration's [digimv] map,
/// with a column naming the variable and cell behind each figure.
#[derive(Debug, clap::Args)]
struct Uittreksel {
    /// The dataset: an .ods, a .zip of .ods, an .xlsx, or its parts.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    #[command(flatten)]
    config: ConfigArg,
    /// The CSV file to write (replaced whole, only when the extract succeeds).
    #[arg(long)]
    out: PathBuf,
}

fn parts(files: &[PathBuf]) -> Vec<InputPath> {
    files
        .iter()
        .map(|f| InputPath {
            shown: crate::files::shown(f),
            path: f.clone(),
        })
        .collect()
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    match args.command {
        Command::Variabelen(a) => variabelen(a, ui),
        Command::Uittreksel(a) => uittreksel(a, ui),
    }
}

fn variabelen(args: Variabelen, ui: &Ui) -> Result<Exit> {
    let pattern = args.zoek.as_deref().unwrap_or("");
    let regex = regex::RegexBuilder::new(pattern)
        .case_insensitive(true)
        .build()
        .map_err(|e| UsageError(format!("--zoek {pattern:?}: not a regular expression: {e}")))?;
    let rows = crate::pipeline::digimv_variables(&parts(&args.files), &|t| regex.is_match(t))?;
    ui.stage(&format!(
        "{} variable{} match{}",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        if rows.len() == 1 { "es" } else { "" }
    ));
    ui.print(&crate::report::digimv::variables(&rows))?;
    Ok(Exit::Ok)
}

fn uittreksel(args: Uittreksel, ui: &Ui) -> Result<Exit> {
    let config = args.config.load()?;
    let extract = crate::pipeline::digimv_extract(&config, &parts(&args.files))?;
    ui.warnings(&extract.warnings);
    let bytes = crate::report::digimv::extract_csv(&extract, config.referentiejaar)?;
    crate::folder::write_file(&args.out, &bytes)?;
    ui.stage(&format!(
        "wrote {}: {} jaarverslagen, {} with an empty required figure",
        args.out.display(),
        extract.accounts.len(),
        extract.incomplete.len()
    ));
    Ok(Exit::Ok)
}
