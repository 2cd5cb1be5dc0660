//! `scenarios`: the base configuration and named overrides of it solved from one reading
//! of the inputs (`scenario`), its result folder and its table. An adapter: it decides
//! nothing itself.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::{out_default, ConfigArg, Exit, OutArg, Ui, UsageError};
use crate::config;
use crate::report;

/// Solve named scenarios (configuration overrides) and the base configuration from one
/// reading of the inputs; writes scenarios.csv, verschillen.csv, scenarios.xlsx and
/// manifest.json.
#[derive(Debug, clap::Args)]
#[command(mut_arg("config", |a| a.help("Base configuration (TOML); without it, the sample data in data/voorbeeld/")))]
#[command(mut_arg("out", out_default("uitvoer-scenarios")))]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    /// The scenarios file (TOML, [[scenario]] tables with a `naam`).
    #[arg(long)]
    scenarios: Option<PathBuf>,
    /// Add the three model presets (zn-2024, hof-2024, zn-2027) as scenarios.
    #[arg(long)]
    presets: bool,
    #[command(flatten)]
    out: OutArg,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    args.out.check()?;
    if args.scenarios.is_none() && !args.presets {
        return Err(UsageError(
            "give --scenarios FILE, --presets or both: there is nothing to compare".into(),
        )
        .into());
    }
    let path = args.config.path();
    let base = config::parse_file(&path)?;
    let basis = path.parent().unwrap_or(Path::new("")).to_path_buf();
    // The base alone first, so that its own mistakes are reported as the config's.
    let resolved = config::resolve(&[&base], &basis)
        .with_context(|| format!("invalid configuration {}", path.display()))?;
    let configs = crate::scenario::load(
        args.scenarios.as_deref(),
        &base,
        &resolved,
        &basis,
        args.presets,
    )?;
    let solved = crate::scenario::solve_all(&configs, ui);
    ui.done();
    let solved = solved?;
    ui.warnings(
        solved
            .iter()
            .flat_map(|s| &s.run.warnings)
            .collect::<BTreeSet<_>>(),
    );
    let source = report::scenarios::Source {
        bestand: args
            .scenarios
            .as_deref()
            .map(|file| report::Recorded::of(crate::files::shown(file), file))
            .transpose()?,
        presets: args.presets,
    };
    let files = report::scenarios::outputs(&solved, &source)?;
    args.out.write(&files, ui)?;
    ui.print(&report::scenarios::text(&solved))?;
    Ok(Exit::Ok)
}
