//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Formats, golden outputs, bad input and every command, as first written.
mod cli;

/// Configuration mistakes, runs without data, exclusion reasons and the `voldaan` column.
mod config;

/// `tarieven` on hand-made providers: bounds, margins, exact thresholds, sector_bron.
mod tarieven;

/// Output folders replaced whole or not at all, and `generate`'s folder.
mod folders;

/// Numbers at the edges: input bounds, tiny floats, strict configuration numbers, exactness.
mod numbers;

/// Parquet claims in the shapes other tools write, against sums computed in the test.
mod parquet;

/// The claims reader at its edges: long lines, encodings, file kinds, personal values.
mod claims;

/// The short, seeded fuzz run: the claims reader against a strict reference, numbers, TOML.
mod fuzz;

/// The strict reference reader of claims CSV that the fuzz tests compare against.
mod strict_claims;

/// Outputs from typed tables: workbook cells against the CSVs, the page's Dutch numbers, manifests.
mod tables;

/// The house rules: allowed edges between modules, who touches files and formats, headers.
mod tidy;
