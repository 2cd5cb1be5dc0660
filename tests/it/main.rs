//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Formats, golden outputs, bad input and every command, as first written.
mod cli;

/// Output folders replaced whole or not at all, and `generate`'s folder.
mod folders;
