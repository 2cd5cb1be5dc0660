//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Formats, golden outputs, bad input and every command, as first written.
mod cli;

/// The claims reader at its edges: long lines, encodings, file kinds, personal values.
mod claims;

/// The short, seeded fuzz run: the claims reader against a strict reference, numbers, TOML.
mod fuzz;

/// The strict reference reader of claims CSV that the fuzz tests compare against.
mod strict_claims;
