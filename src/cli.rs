//! The command line, declared with clap: commands, flags and their help. No logic.

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use rust_decimal::Decimal;

use crate::model::{Cluster, Sector};

#[derive(Debug, Parser)]
#[command(
    name = "richttarief",
    version,
    about = "Computes the Wlz richttariefpercentage (RTP) per group, exactly and traceably"
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run the whole pipeline and write rtp.csv, aanbieders.csv, uitgesloten.csv and manifest.json.
    Run {
        /// Configuration file (TOML); without it, the sample data in data/voorbeeld/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output folder: replaced whole, atomically, only when the command succeeds. It must
        /// be new, empty, or a folder this tool wrote whose manifest.json lists all it holds.
        #[arg(long, default_value = "uitvoer")]
        out: PathBuf,
    },
    /// Check a published RTP against both criteria; exits 3 when a criterion fails.
    Check {
        /// Configuration file (TOML); without it, the sample data in data/voorbeeld/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The published percentage, in percent (95.5).
        #[arg(long, value_parser = parse_percent)]
        rtp: Decimal,
        /// Only this group: SECTOR/CLUSTER (VV/intramuraal), or SECTOR when clusters are off.
        #[arg(long, value_parser = parse_group)]
        groep: Option<(Sector, Option<Cluster>)>,
    },
    /// Solve named scenarios (configuration overrides) and the base configuration from one
    /// reading of the inputs; writes scenarios.csv, verschillen.csv, scenarios.xlsx and
    /// manifest.json.
    Scenarios {
        /// Base configuration (TOML); without it, the sample data in data/voorbeeld/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The scenarios file (TOML, [[scenario]] tables with a `naam`).
        #[arg(long)]
        scenarios: Option<PathBuf>,
        /// Add the three model presets (zn-2024, hof-2024, zn-2027) as scenarios.
        #[arg(long)]
        presets: bool,
        /// Output folder: replaced whole, atomically, only when the command succeeds. It must
        /// be new, empty, or a folder this tool wrote whose manifest.json lists all it holds.
        #[arg(long, default_value = "uitvoer-scenarios")]
        out: PathBuf,
    },
    /// How robust the RTP is: leave-one-out per provider, a seeded bootstrap of providers
    /// within each group, and sweeps of the intramural threshold and the criteria's shares.
    Sensitivity {
        /// Configuration file (TOML); without it, the sample data in data/voorbeeld/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output folder: replaced whole, atomically, only when the command succeeds. It must
        /// be new, empty, or a folder this tool wrote whose manifest.json lists all it holds.
        #[arg(long, default_value = "uitvoer-gevoeligheid")]
        out: PathBuf,
        /// Bootstrap resamples per group.
        #[arg(long, default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
        resamples: u32,
        /// Seed of the bootstrap: the same seed and data give the same percentiles.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Apply the zorgkantoren's policies ([beleid] bestanden) to the providers of the
    /// kenmerken input: per provider, zorgkantoor and prestatiecode the tariff percentage and
    /// its rules, each provider's result at its tariffs, each zorgkantoor's cost against the
    /// RTP, and the hardship and high-result lists.
    Tarieven {
        /// Configuration file (TOML); without it, the sample data in data/voorbeeld/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Output folder: replaced whole, atomically, only when the command succeeds. It must
        /// be new, empty, or a folder this tool wrote whose manifest.json lists all it holds.
        #[arg(long, default_value = "uitvoer-tarieven")]
        out: PathBuf,
    },
    /// Generate a synthetic, consistent data set of any size, deterministic for a seed.
    Generate {
        /// Folder to write jaarverslagen, declaraties, tarieven, koppeltabel, kenmerken and
        /// richttarief.toml into, only when all are complete. A folder holding files of those
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
        /// How to write the claims.
        #[arg(long, value_enum, default_value = "csv.gz")]
        formaat: crate::generate::ClaimsFormat,
        /// Reference year of the data.
        #[arg(long, default_value_t = 2024)]
        jaar: i32,
    },
    /// Show one provider's path through every step, with its own numbers.
    Explain {
        /// Configuration file (TOML); without it, the sample data in data/voorbeeld/.
        #[arg(long)]
        config: Option<PathBuf>,
        /// The provider's KvK number (8 digits).
        #[arg(long, value_parser = KvkParser)]
        kvk: crate::model::Kvk,
    },
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

/// `--kvk`: clap words a plain parser's error as "invalid value '<value>' ...", which
/// would print a BSN given by mistake; this parser leaves the value to `Kvk::parse`'s
/// message, which shows it unless it has a BSN's shape.
#[derive(Clone)]
struct KvkParser;

impl clap::builder::TypedValueParser for KvkParser {
    type Value = crate::model::Kvk;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<crate::model::Kvk, clap::Error> {
        crate::model::Kvk::parse(&value.to_string_lossy()).map_err(|e| {
            let arg = arg.map_or_else(|| "--kvk".to_string(), |a| a.to_string());
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for '{arg}': {e}\n"),
            )
            .with_cmd(cmd)
        })
    }
}
