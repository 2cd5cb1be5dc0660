//! The commands, one module each, and what they share: the exit codes (`Exit`), the
//! terminal (`Ui`) and the flags several commands take (`ConfigArg`, `OutArg`).
//!
//! A command module is a thin adapter: it loads the configuration, calls the pipeline and
//! the analyses, has `report` render and write, and hands the text to the `Ui`. Whatever
//! decides a number belongs below it (`pipeline`, `solve`, the analyses); whatever words
//! or lays out an output belongs in `report`. `Ui` is the only place in the program that
//! prints, apart from `main`'s one error line and `folder`'s two warnings; the command
//! modules print nothing themselves.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};

use crate::config::{self, Config, InputPath};
use crate::contracting::Contracting;
use crate::pipeline::{self, Run};
use crate::report::Recorded;

pub(crate) mod beleid;
pub(crate) mod brieven;
pub(crate) mod check;
pub(crate) mod digimv;
pub(crate) mod explain;
pub(crate) mod generate;
pub(crate) mod run;
pub(crate) mod scenarios;
pub(crate) mod sensitivity;
pub(crate) mod tarieven;
pub(crate) mod verify;

/// Every exit code of the program, and what it means (the README's "Exit codes" table says
/// the same). One more exists outside this enum: 101, which Rust gives a panic and which
/// `main`'s panic hook keeps for bugs (and the internal limit of exact arithmetic), so that
/// no input can ever produce it. Whatever the code, a command that fails writes nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success (for `check`, every checked group passes); a group where no RTP up to
    /// the cap passes is reported, not an error.
    Ok = 0,
    /// 1: invalid input or configuration: a file that cannot be read, a value the data
    /// contract refuses, a configuration key that does not exist or an impossible value, a
    /// reference year without data, a population the exclusions leave empty.
    BadInput = 1,
    /// 2: wrong usage: a flag clap refuses (clap exits with 2 itself), a group that is not
    /// in the run, an impossible `generate` size, nothing to compare (`UsageError`), or an
    /// `--out` that is not ours to replace (`folder::Refused`).
    Usage = 2,
    /// 3: `check`: the published RTP fails a criterion in at least one checked group;
    /// `verify`: the bundle does not reproduce (a file, a group or a provider differs).
    CheckFailed = 3,
}

impl Exit {
    /// The code of a command that failed with `e`: a mistake in the call is 2, anything
    /// else 1.
    pub fn of(e: &anyhow::Error) -> Exit {
        if e.is::<UsageError>() || e.is::<crate::folder::Refused>() {
            Exit::Usage
        } else {
            Exit::BadInput
        }
    }
}

impl From<Exit> for ExitCode {
    fn from(exit: Exit) -> ExitCode {
        ExitCode::from(exit as u8)
    }
}

/// A mistake in how the program was called: `Exit::Usage`.
#[derive(Debug)]
pub(crate) struct UsageError(pub(crate) String);

impl std::fmt::Display for UsageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

// `--config`, as every command but `generate` takes it (`scenarios` rewords its help).
// Not a doc comment: clap would take one for the help of each command that flattens this.
#[derive(Debug, clap::Args)]
pub(crate) struct ConfigArg {
    /// Configuration file (TOML); without it, the sample data in data/voorbeeld/.
    #[arg(long)]
    config: Option<PathBuf>,
}

impl ConfigArg {
    /// The file given, or the sample configuration: in the working folder (a clone's
    /// root) or, for a binary built from this repository, beside its sources.
    pub(crate) fn path(&self) -> PathBuf {
        if let Some(path) = &self.config {
            return path.clone();
        }
        let local = Path::new("data/voorbeeld/richttarief.toml");
        if local.is_file() {
            return local.to_path_buf();
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join(local)
    }

    /// The configuration, read and resolved over its preset.
    pub(crate) fn load(&self) -> Result<Config> {
        config::load(&self.path())
    }
}

// `--out`, as the commands that write a result folder take it; each names its own
// default with `#[command(mut_arg("out", out_default("…")))]`. Not a doc comment, as for
// `ConfigArg`.
#[derive(Debug, clap::Args)]
pub(crate) struct OutArg {
    /// Output folder: replaced whole, atomically, only when the command succeeds. It must
    /// be new, empty, or a folder this tool wrote whose manifest.json lists all it holds.
    #[arg(long)]
    pub(crate) out: PathBuf,
}

/// `--out`'s default for one command: the flag then is optional.
pub(crate) fn out_default(folder: &'static str) -> impl FnOnce(clap::Arg) -> clap::Arg {
    move |arg| arg.required(false).default_value(folder)
}

impl OutArg {
    /// Refuses an `--out` that is not ours to replace before any work, so that a refusal
    /// costs nothing; the folder module checks again just before the swap.
    pub(crate) fn check(&self) -> Result<()> {
        crate::report::check_outputs(&self.out)
    }

    /// Writes the files into the folder, replacing it whole, and says so.
    pub(crate) fn write(&self, files: &[(String, Vec<u8>)], ui: &Ui) -> Result<()> {
        crate::report::write_outputs(&self.out, files)?;
        ui.stage(&format!(
            "wrote {} files to {}",
            files.len(),
            self.out.display()
        ));
        Ok(())
    }
}

/// The terminal: stage lines and warnings on stderr, a progress bar while a claims file is
/// read (or `generate` writes one), and the command's text on stdout. indicatif draws the
/// bar only when stderr is a terminal, so scheduled runs and pipes see the lines alone.
pub(crate) struct Ui {
    bar: indicatif::ProgressBar,
}

impl Ui {
    pub(crate) fn new() -> Ui {
        let style =
            indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {percent}%, {eta} left")
                .expect("a valid template")
                .progress_chars("=> ");
        Ui {
            bar: indicatif::ProgressBar::new(0).with_style(style),
        }
    }

    /// One line on stderr: a finished stage, with its counts and time.
    pub(crate) fn stage(&self, line: &str) {
        self.bar.suspend(|| eprintln!("richttarief: {line}"));
    }

    /// The warnings of a run (or several), each on its own line on stderr.
    pub(crate) fn warnings<'a>(&self, warnings: impl IntoIterator<Item = &'a String>) {
        for w in warnings {
            self.bar.suspend(|| eprintln!("richttarief: warning: {w}"));
        }
    }

    /// The command's text on stdout. A closed pipe (`| head`) comes back as an error whose
    /// chain holds `BrokenPipe`, which `main` takes for success.
    pub(crate) fn print(&self, text: &str) -> Result<()> {
        let mut out = std::io::stdout().lock();
        out.write_all(text.as_bytes())
            .and_then(|_| out.flush())
            .context("writing to stdout")
    }

    /// Removes the bar, once the long work is done.
    pub(crate) fn done(&self) {
        self.bar.finish_and_clear();
    }

    /// Turns the bar into a count of `total` claim lines, for `generate`.
    pub(crate) fn count_claim_lines(&self, message: &str, total: u64) {
        self.bar.set_style(
            indicatif::ProgressStyle::with_template(
                "{msg} [{bar:40}] {human_pos}/{human_len} claim lines, {eta} left",
            )
            .expect("a valid template")
            .progress_chars("=> "),
        );
        self.bar.set_length(total);
        self.bar.set_message(message.to_string());
    }

    /// How far the count has come.
    pub(crate) fn counted(&self, done: u64) {
        self.bar.set_position(done);
    }
}

impl pipeline::Progress for Ui {
    fn stage(&self, line: &str) {
        Ui::stage(self, line);
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

/// Applies the purchasing policies `read` to `run`, and records the policy files with the
/// vocabulary of characteristics, and the kenmerken file (name and SHA-256) as the outputs
/// name them: what `tarieven` and `brieven` both show.
pub(crate) fn contract(
    run: &Run,
    read: &pipeline::PolicyData,
) -> Result<(Contracting, Vec<Recorded>, Recorded)> {
    let recorded = |f: &InputPath| Recorded::of(f.shown.clone(), &f.path);
    let beleid = read
        .policy_files
        .iter()
        .chain([&read.vocabulary_file])
        .map(recorded)
        .collect::<Result<Vec<_>>>()?;
    let kenmerken = recorded(&read.kenmerken_file)?;
    let contracting = crate::contracting::contract(run, read)?;
    Ok((contracting, beleid, kenmerken))
}

/// Runs the pipeline under `config` with its progress on the `Ui`, then its warnings.
pub(crate) fn compute(config: &Config, ui: &Ui) -> Result<Run> {
    let run = pipeline::run(config, ui);
    ui.done();
    let run = run?;
    ui.warnings(&run.warnings);
    Ok(run)
}
