//! `generate`: a synthetic data set (`generate::generate`) with a count of claim lines on
//! the terminal. An adapter: the sizes are checked and the files written by `generate`.

use std::path::PathBuf;

use anyhow::Result;

use super::{Exit, Ui, UsageError};

/// Generate a synthetic, consistent data set of any size, deterministic for a seed.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// Folder to write jaarverslagen, declaraties, tarieven, koppeltabel, kenmerken and
    /// richttarief.toml (and with --digimv the DigiMV workbook and its configuration) into, only when all are complete. A folder holding files of those
    /// names is refused unless generate wrote it (it leaves a .richttarief-generate file)
    /// or --overwrite is given; other files in the folder are kept.
    #[arg(long)]
    out: PathBuf,
    /// Replace files of the data set's names in a folder that generate did not write.
    #[arg(long)]
    overwrite: bool,
    /// Number of providers.
    #[arg(long, default_value_t = 200)]
    aanbieders: usize,
    /// Number of claim lines, credits and late lines of the year before included.
    #[arg(long, default_value_t = 100_000)]
    declaratieregels: u64,
    /// Seed: the same seed and sizes give the same bytes.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// How to write the claims: CSV, gzip-compressed CSV, Parquet, or Vektis AW319
    /// declaration or AW320 return files (one per AGB code and month, in a folder; every
    /// personal field filled with invented data).
    #[arg(long, value_enum, default_value = "csv.gz")]
    formaat: Format,
    /// Reference year of the data.
    #[arg(long, default_value_t = 2024)]
    jaar: i32,
    /// Also write the jaarverslagen as a workbook in the layout of the published DigiMV
    /// dataset (jaarverslagen-digimv.ods), with richttarief-digimv.toml, which reads it.
    #[arg(long)]
    digimv: bool,
}

/// `--formaat`: the command line's names for `generate::ClaimsFormat`, so that the
/// generator does not depend on clap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    Csv,
    #[value(name = "csv.gz")]
    CsvGz,
    Parquet,
    Aw319,
    Aw320,
}

impl From<Format> for crate::generate::ClaimsFormat {
    fn from(format: Format) -> crate::generate::ClaimsFormat {
        use crate::generate::ClaimsFormat;
        match format {
            Format::Csv => ClaimsFormat::Csv,
            Format::CsvGz => ClaimsFormat::CsvGz,
            Format::Parquet => ClaimsFormat::Parquet,
            Format::Aw319 => ClaimsFormat::Aw319,
            Format::Aw320 => ClaimsFormat::Aw320,
        }
    }
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    let options = crate::generate::Options {
        out: args.out.clone(),
        providers: args.aanbieders,
        claim_lines: args.declaratieregels,
        seed: args.seed,
        format: args.formaat.into(),
        year: args.jaar,
        overwrite: args.overwrite,
        digimv: args.digimv,
    };
    options.check().map_err(UsageError)?;
    ui.count_claim_lines("generating", args.declaratieregels);
    let summary = crate::generate::generate(&options, &mut |done, _| ui.counted(done));
    ui.done();
    let summary = summary?;
    ui.stage(&format!(
        "generated {} providers and {} claim lines in {}: {}",
        summary.providers,
        summary.claim_lines,
        args.out.display(),
        summary.files.join(", ")
    ));
    Ok(Exit::Ok)
}
