//! The integration tests: one crate that runs the real binary, a module per area.

mod common;

/// Golden outputs of the `klein` fixture under each preset, with options, and its variants.
mod golden;

/// Every input format (decimal comma, XLSX, ODS, gzip, Parquet, DigiMV headers) reads alike.
mod formats;

/// The same bytes for repeated runs, thread counts and shuffled inputs; no BSN in outputs.
mod determinism;

/// Bad input exits 1 naming file, row, column and value, and writes nothing; usage exits 2.
mod bad_input;

/// `check` and `explain` on the `klein` fixture, against numbers worked out by hand.
mod check_explain;

/// The sample data in `data/voorbeeld/`: what runs on it without a configuration.
mod sample;

/// Found in review: each once gave a wrong number, a panic or a leak.
mod regressions;

/// `generate`: the same bytes for a seed, three claims formats alike, the sample remade.
mod generate;

/// The parallel claims readers against an independent reference on files of many chunks.
mod readers;

/// What analysts open: the workbook, the figures and the HTML report.
mod outputs;

/// `scenarios`: rows equal to separate runs, thread independence, bad scenarios named.
mod scenarios;

/// `sensitivity`: leave-one-out and sweeps equal to runs, the same bytes for a seed.
mod sensitivity;

/// Configuration mistakes, runs without data, exclusion reasons and the `voldaan` column.
mod config;

/// `tarieven`: hand-made providers (bounds, margins, thresholds) and the sample's policies.
mod tarieven;

/// `tarieven` under policy format 6: the contract year and the contracteerruimte input.
mod tarieven_v6;

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

/// The DigiMV dataset as the jaarverslagen: the same outputs as the tidy table, and its bad cases.
mod digimv;

/// The reference list of Wlz prestatiecodes, and the codes the generator and the sample use.
mod prestatiecodes;

/// The verification bundle: read back it gives the claims' bytes; `verify`; pseudonyms.
mod bundle;

/// Units of aantal: minutes, hours and a mix alike; units that do not fit refused.
mod units;

/// `brieven`: a statement per provider of the population, its numbers as aanbieders.csv's.
mod brieven;

/// The house rules: allowed edges between modules, who touches files and formats, headers.
mod tidy;

/// A scenario's corrections file: its effect on a group's RTP by hand, bad corrections, the manifest.
mod correcties;

/// Vektis AW319/AW320 claims files: nothing personal leaks, the same as CSV, bad files named.
mod aw319;

/// `beleid controleer`: policy folders listed entry by entry, and the ones it refuses.
mod beleid;
