//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Formats, golden outputs, bad input and every command, as first written.
mod cli;

/// Parquet claims in the shapes other tools write, against sums computed in the test.
mod parquet;
