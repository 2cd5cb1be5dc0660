//! richttarief: the Wlz richttariefpercentage from jaarverslagen and declaraties.
//!
//! The layers, which module may use which, and the invariants are written down once, in
//! the README's Architecture section; `tests/it/tidy.rs` checks them against this source.

// Only what the binary, the benchmark, the fuzz targets and the integration tests use is
// public; everything else is the crate's own, so the compiler can tell what nothing uses
// (`unreachable_pub` is a warning, in Cargo.toml's [lints]).

mod aggregate;
mod classify;
/// For `main`: `Cli`, which carries out its command.
pub mod cli;
/// For `main`: `Exit`, the exit codes.
pub mod cmd;
/// For the tests and fuzz targets: a configuration parsed and resolved as the program does.
pub mod config;
mod contracting;
mod exact;
mod files;
mod folder;
/// For the benchmark: DigiMV-layout workbooks written from providers' figures
/// (`generate::digimv`).
pub mod generate;
/// For the tests and fuzz targets: the claims readers' door (`ingest::fuzzing`).
pub mod ingest;
mod model;
mod pipeline;
mod policy;
mod report;
/// For the benchmark: the seeded generator.
pub mod rng;
mod scenario;
/// For the benchmark: the bootstrap and its percentiles.
pub mod sensitivity;
/// For the benchmark: one group solved, counted and bisected.
pub mod solve;
