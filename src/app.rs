//! Carries out one parsed command: loads the configuration, runs the pipeline, writes the
//! outputs and prints the text; returns the exit code. `main` only maps errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::cli::{Cli, Command};
use crate::config::{self, Config, Input};
use crate::pipeline::{self, Run};
use crate::report;

/// Exit code of `check` when a published RTP fails a criterion (0, 1 and 2 are taken).
pub(crate) const EXIT_CRITERION_FAILED: u8 = 3;

/// A mistake in how the program was called: exit code 2.
#[derive(Debug)]
pub struct UsageError(pub(crate) String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// The sample configuration: in the working folder (a clone's root) or, for a binary built
/// from this repository, beside its sources.
fn default_config() -> PathBuf {
    let local = Path::new("data/voorbeeld/richttarief.toml");
    if local.is_file() {
        return local.to_path_buf();
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(local)
}

fn load(path: Option<PathBuf>) -> Result<Config> {
    let path = path.unwrap_or_else(default_config);
    config::load(&path)
}

fn progress(line: &str) {
    eprintln!("richttarief: {line}");
}

/// Stage lines on stderr, and a progress bar while a claims file is read. indicatif draws
/// the bar only when stderr is a terminal, so scheduled runs and pipes see the lines alone.
struct Terminal {
    bar: indicatif::ProgressBar,
}

impl Terminal {
    fn new() -> Terminal {
        let style =
            indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {percent}%, {eta} left")
                .expect("a valid template")
                .progress_chars("=> ");
        Terminal {
            bar: indicatif::ProgressBar::new(0).with_style(style),
        }
    }
}

impl pipeline::Progress for Terminal {
    fn stage(&self, line: &str) {
        self.bar.suspend(|| progress(line));
    }

    fn advance(&self, file: &str, done: u64, total: u64) {
        if self.bar.length() != Some(total) {
            self.bar.reset();
            self.bar.set_length(total);
            self.bar.set_message(format!("reading {file}"));
        }
        self.bar.set_position(done);
        if done >= total {
            self.bar.finish_and_clear();
        }
    }
}

fn compute(config: &Config) -> Result<Run> {
    let terminal = Terminal::new();
    let run = pipeline::run(config, &terminal);
    terminal.bar.finish_and_clear();
    let run = run?;
    for w in &run.warnings {
        eprintln!("richttarief: warning: {w}");
    }
    Ok(run)
}

/// The policies and characteristics of a run: `None` when the configuration names no
/// `invoer.kenmerken`. The policies are `beleid.bestanden` when given, else the shipped
/// ones in `data/beleid/` (both resolved by `config`).
type Applied = (
    crate::contracting::Contracting,
    Vec<report::Recorded>,
    report::Recorded,
);

fn apply_policies(run: &Run) -> Result<Option<Applied>> {
    let c = &run.config;
    let Some(kenmerken) = c.input(Input::Kenmerken) else {
        return Ok(None);
    };
    let files = c.beleid.files()?;
    let policies = crate::policy::load(files, &run.data.tariffs.by_code)?;
    let table = crate::ingest::read_kenmerken(&kenmerken)?;
    let kenmerken = kenmerken.file();
    progress(&format!(
        "read {} policies and {}: {} rows",
        policies.len(),
        kenmerken.shown,
        table.count
    ));
    let recorded = files
        .iter()
        .map(|f| report::Recorded::of(f.shown.clone(), &f.path))
        .collect::<Result<Vec<_>>>()?;
    let kenmerken = report::Recorded::of(kenmerken.shown.clone(), &kenmerken.path)?;
    Ok(Some((
        crate::contracting::contract(run, &policies, &table)?,
        recorded,
        kenmerken,
    )))
}

fn print(text: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .context("writing to stdout")
}

/// Carries out the command; an `--out` that is not ours to replace (`folder::Refused`) is
/// a usage error, exit code 2, like any other mistake in the call.
pub fn execute(cli: Cli) -> Result<ExitCode> {
    command(cli).map_err(|e| match e.downcast::<crate::folder::Refused>() {
        Ok(refused) => UsageError(refused.0).into(),
        Err(e) => e,
    })
}

fn command(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Run { config, out } => {
            // Every command that writes a folder checks `--out` before any work, so that a
            // refusal costs nothing; the folder module checks again just before the swap.
            report::check_outputs(&out)?;
            let config = load(config)?;
            let run = compute(&config)?;
            let started = std::time::Instant::now();
            let files = report::outputs(&run)?;
            report::write_outputs(&out, &files)?;
            progress(&format!(
                "wrote {} files to {} in {:.2} s",
                files.len(),
                out.display(),
                started.elapsed().as_secs_f64()
            ));
            print(&report::text::rtp_table(&run))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Check { config, rtp, groep } => {
            let config = load(config)?;
            let run = compute(&config)?;
            let groups: Vec<_> = run
                .groups
                .iter()
                .filter(|g| match groep {
                    None => true,
                    Some((sector, cluster)) => {
                        g.sector == sector && cluster.is_none_or(|c| c == g.cluster)
                    }
                })
                .collect();
            if groups.is_empty() {
                let names: Vec<String> = run.groups.iter().map(|g| g.name()).collect();
                return Err(UsageError(format!(
                    "no such group in this run; the groups are: {}",
                    names.join(", ")
                ))
                .into());
            }
            let fraction = rtp / rust_decimal::Decimal::ONE_HUNDRED;
            let mut text = String::new();
            let mut all_pass = true;
            for g in groups {
                let at = report::text::evaluate_at(&run, g, fraction);
                all_pass &= at.holds();
                let lowest = report::text::lowest_passing(&run, g);
                text += &report::text::check_group(&run, g, &at, &rtp.to_string(), lowest);
            }
            print(&text)?;
            Ok(if all_pass {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(EXIT_CRITERION_FAILED)
            })
        }
        Command::Scenarios {
            config,
            scenarios,
            presets,
            out,
        } => {
            report::check_outputs(&out)?;
            if scenarios.is_none() && !presets {
                return Err(UsageError(
                    "give --scenarios FILE, --presets or both: there is nothing to compare".into(),
                )
                .into());
            }
            let path = config.unwrap_or_else(default_config);
            let base = config::parse_file(&path)?;
            let basis = path.parent().unwrap_or(Path::new("")).to_path_buf();
            // The base alone first, so that its own mistakes are reported as the config's.
            config::resolve(&[&base], &basis)
                .with_context(|| format!("invalid configuration {}", path.display()))?;
            let configs = crate::scenario::load(scenarios.as_deref(), &base, &basis, presets)?;
            let terminal = Terminal::new();
            let solved = crate::scenario::solve_all(&configs, &terminal);
            terminal.bar.finish_and_clear();
            let solved = solved?;
            for w in solved
                .iter()
                .flat_map(|s| &s.run.warnings)
                .collect::<std::collections::BTreeSet<_>>()
            {
                eprintln!("richttarief: warning: {w}");
            }
            let source = report::scenarios::Source {
                bestand: scenarios
                    .as_deref()
                    .map(|file| report::Recorded::of(crate::files::shown(file), file))
                    .transpose()?,
                presets,
            };
            let files = report::scenarios::outputs(&solved, &source)?;
            report::write_outputs(&out, &files)?;
            progress(&format!("wrote {} files to {}", files.len(), out.display()));
            print(&report::scenarios::text(&solved))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Sensitivity {
            config,
            out,
            resamples,
            seed,
        } => {
            report::check_outputs(&out)?;
            let config = load(config)?;
            let run = compute(&config)?;
            let started = std::time::Instant::now();
            let options = crate::sensitivity::Options {
                resamples: resamples as usize,
                seed,
            };
            let analysis = crate::sensitivity::analyse(&run, &options);
            progress(&format!(
                "leave-one-out, {} resamples per group and the sweeps in {:.2} s",
                resamples,
                started.elapsed().as_secs_f64()
            ));
            let files = report::sensitivity::outputs(&run, &analysis)?;
            report::write_outputs(&out, &files)?;
            progress(&format!("wrote {} files to {}", files.len(), out.display()));
            print(&report::sensitivity::text(&run, &analysis))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Tarieven { config, out } => {
            report::check_outputs(&out)?;
            let config = load(config)?;
            let run = compute(&config)?;
            let Some((k, beleid, kenmerken)) = apply_policies(&run)? else {
                anyhow::bail!(
                    "invalid configuration {}: invoer.kenmerken is missing; tarieven needs the providers' characteristics per zorgkantoor",
                    config.invoer.basis.display()
                );
            };
            let files = report::contracting::outputs(&run, &k, &beleid, &kenmerken)?;
            report::write_outputs(&out, &files)?;
            progress(&format!("wrote {} files to {}", files.len(), out.display()));
            print(&report::contracting::text(&run, &k))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate {
            out,
            overwrite,
            aanbieders,
            declaratieregels,
            seed,
            formaat,
            jaar,
        } => {
            let options = crate::generate::Options {
                out: out.clone(),
                providers: aanbieders,
                claim_lines: declaratieregels,
                seed,
                format: formaat,
                year: jaar,
                overwrite,
            };
            options.check().map_err(UsageError)?;
            let bar = indicatif::ProgressBar::new(declaratieregels).with_style(
                indicatif::ProgressStyle::with_template(
                    "{msg} [{bar:40}] {human_pos}/{human_len} claim lines, {eta} left",
                )
                .expect("a valid template")
                .progress_chars("=> "),
            );
            bar.set_message("generating");
            let summary =
                crate::generate::generate(&options, &mut |done, _| bar.set_position(done))?;
            bar.finish_and_clear();
            progress(&format!(
                "generated {} providers and {} claim lines in {}: {}",
                summary.providers,
                summary.claim_lines,
                out.display(),
                summary.files.join(", ")
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { config, kvk } => {
            let config = load(config)?;
            let run = compute(&config)?;
            let mut text = report::text::explain(&run, kvk).ok_or_else(|| {
                anyhow::anyhow!(
                    "KvK {kvk} has neither a jaarverslag nor claims over {}",
                    config.referentiejaar
                )
            })?;
            if let Some((k, _, _)) = apply_policies(&run)? {
                text += &report::contracting::explain(&run, &k, kvk);
            }
            print(&text)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}
