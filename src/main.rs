//! The binary: parse the command line, run the command, print one error, map it to an
//! exit code. The codes and their meanings are `cmd::Exit`; 101 is the panic hook's.

use std::process::ExitCode;

use clap::Parser;
use richttarief::cli::Cli;
use richttarief::cmd::Exit;

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
    let cli = Cli::parse(); // a usage error exits here, with 2 (`Exit::Usage`)
    match cli.run() {
        Ok(exit) => exit.into(),
        Err(e) => {
            // stdout closed early (`| head`): the reader has what it wanted.
            let broken_pipe = e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            });
            if broken_pipe {
                return Exit::Ok.into();
            }
            eprintln!("richttarief: {e:#}");
            Exit::of(&e).into()
        }
    }
}
