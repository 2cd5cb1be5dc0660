//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Formats, golden outputs, bad input and every command, as first written.
mod cli;

/// The claims reader at its edges: long lines, encodings, file kinds, personal values.
mod claims;
