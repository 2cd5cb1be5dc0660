//! The command line's shape, declared with clap: the commands and which module carries out
//! each. Every command's flags and help live in its module (`cmd::<name>::Args`, whose doc
//! comment is the command's help); nothing here decides or prints anything.

use clap::{Parser, Subcommand};

use crate::cmd::{self, Exit, Ui};

#[derive(Debug, Parser)]
#[command(
    name = "richttarief",
    version,
    about = "Computes the Wlz richttariefpercentage (RTP) per group, exactly and traceably"
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

// The variants carry no doc comment: a command's help is its `Args`' doc, in its module.
#[derive(Debug, Subcommand)]
enum Command {
    Run(cmd::run::Args),
    Check(cmd::check::Args),
    Scenarios(cmd::scenarios::Args),
    Sensitivity(cmd::sensitivity::Args),
    Tarieven(cmd::tarieven::Args),
    Generate(cmd::generate::Args),
    Explain(cmd::explain::Args),
    Brieven(cmd::brieven::Args),
    Digimv(cmd::digimv::Args),
    Verify(cmd::verify::Args),
    Beleid(cmd::beleid::Args),
}

impl Cli {
    /// Carries out the command; `Exit::of` gives the code of an error.
    pub fn run(self) -> anyhow::Result<Exit> {
        let ui = Ui::new();
        match self.command {
            Command::Run(args) => cmd::run::run(args, &ui),
            Command::Check(args) => cmd::check::run(args, &ui),
            Command::Scenarios(args) => cmd::scenarios::run(args, &ui),
            Command::Sensitivity(args) => cmd::sensitivity::run(args, &ui),
            Command::Tarieven(args) => cmd::tarieven::run(args, &ui),
            Command::Generate(args) => cmd::generate::run(args, &ui),
            Command::Explain(args) => cmd::explain::run(args, &ui),
            Command::Brieven(args) => cmd::brieven::run(args, &ui),
            Command::Digimv(args) => cmd::digimv::run(args, &ui),
            Command::Verify(args) => cmd::verify::run(args, &ui),
            Command::Beleid(args) => cmd::beleid::run(args, &ui),
        }
    }
}
