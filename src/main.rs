//! The binary: parse the command line, run the command, print one error, map it to an
//! exit code (1 for bad input or configuration, 2 for wrong usage, 3 for a failed check).

use std::process::ExitCode;

use clap::Parser;
use richttarief::app::{execute, UsageError};
use richttarief::cli::Cli;

fn main() -> ExitCode {
    // A panic is a bug or an internal limit (the exactness guard), not bad input: say so in
    // one line and keep Rust's exit code 101, which no other outcome uses.
    std::panic::set_hook(Box::new(|info| {
        let what = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("unknown");
        let at = info
            .location()
            .map(|l| format!(" at {}:{}", l.file(), l.line()))
            .unwrap_or_default();
        eprintln!("richttarief: internal error: {what}{at}; nothing was written");
    }));
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
