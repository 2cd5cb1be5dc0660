//! `beleid controleer`: reads every policy file of a folder (the shipped `data/beleid/` by
//! default) and lists what each one does, entry by entry, with its status per contract
//! year and its source cited in full, so a reader can hold each rule against the text it
//! cites. It fails (exit 1, every problem listed) when a file does not parse, or an entry or
//! an explicitly given setting has no structured source. An adapter: the reading is
//! `pipeline`'s, each policy's lines its own; it writes no file.

use std::path::PathBuf;

use anyhow::Result;

use super::{Exit, Ui};

/// Check the zorgkantoren's policy files.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    Controleer(Controleer),
}

/// List every policy file of a folder, what each rule, amount, conversation and hardship
/// clause does, its status per year and its source; exit 1 when a file does not parse or
/// lacks a source.
#[derive(Debug, clap::Args)]
struct Controleer {
    /// The folder of policy files (*.toml): their characteristics are checked against its
    /// kenmerken.toml, or the shipped one when it has none; without it, the shipped
    /// data/beleid/.
    dir: Option<PathBuf>,
    /// A tariff table (CSV or XLSX, the tarieven input's columns) to check the prestatiecodes
    /// the rules name against; without it, they are not checked.
    #[arg(long)]
    tarieven: Option<PathBuf>,
    /// Read every policy for this contract year; without it, each for the first year of
    /// its own period.
    #[arg(long)]
    contractjaar: Option<i32>,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    match args.command {
        Command::Controleer(a) => controleer(a, ui),
    }
}

fn controleer(args: Controleer, ui: &Ui) -> Result<Exit> {
    let (dir, shown) = match &args.dir {
        Some(d) => (d.clone(), crate::files::shown(d)),
        None => (
            crate::config::shipped_policy_folder(),
            "data/beleid".to_string(),
        ),
    };
    let files = crate::config::policies_in(&dir, &shown).map_err(anyhow::Error::msg)?;
    // The folder's own vocabulary when it has one, else the shipped one.
    let own = dir.join(crate::config::VOCABULARY);
    let vocabulary = if own.is_file() {
        crate::config::InputPath {
            shown: format!("{shown}/{}", crate::config::VOCABULARY),
            path: own,
        }
    } else {
        crate::config::shipped_vocabulary().map_err(anyhow::Error::msg)?
    };
    let tarieven = args.tarieven.as_ref().map(|p| crate::config::InputPath {
        shown: crate::files::shown(p),
        path: p.clone(),
    });
    let check =
        crate::pipeline::check_policies(&files, &vocabulary, tarieven.as_ref(), args.contractjaar)?;
    let mut lines = Vec::new();
    let mut problems = Vec::new();
    for (shown, read) in &check.files {
        match read {
            Ok(p) => {
                lines.extend(p.listing());
                problems.extend(p.unsourced());
            }
            Err(e) => {
                lines.push(format!("{shown}: kan niet gelezen worden"));
                problems.extend(e.to_string().lines().skip(1).map(|l| l.trim().to_string()));
            }
        }
        lines.push(String::new());
    }
    lines.push(match &check.tarieven {
        Some(t) => format!("prestatiecodes: gecontroleerd tegen {t}"),
        None => "prestatiecodes: niet gecontroleerd (geef --tarieven)".to_string(),
    });
    ui.print(&(lines.join("\n") + "\n"))?;
    if problems.is_empty() {
        return Ok(Exit::Ok);
    }
    anyhow::bail!(
        "{} problem{} in the policies:\n  {}",
        problems.len(),
        if problems.len() == 1 { "" } else { "s" },
        problems.join("\n  ")
    )
}
