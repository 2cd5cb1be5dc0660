//! The binary: parse the command line, run the command, print one error, map it to an
//! exit code (1 for bad input or configuration, 2 for wrong usage, 3 for a failed check).

use std::process::ExitCode;

use clap::Parser;
use richttarief::app::{execute, UsageError};
use richttarief::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse(); // exits 2 on a usage error
    match execute(cli) {
        Ok(code) => code,
        Err(e) => {
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return ExitCode::SUCCESS;
            }
            eprintln!("richttarief: {e:#}");
            if e.is::<UsageError>() {
                ExitCode::from(2)
            } else {
                ExitCode::FAILURE
            }
        }
    }
}
