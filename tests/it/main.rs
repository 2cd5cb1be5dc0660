//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Formats, golden outputs, bad input and every command, as first written.
mod cli;

/// Numbers at the edges: input bounds, tiny floats, strict configuration numbers, exactness.
mod numbers;
