//! Configuration: the TOML file of the data contract, laid over one of the three model
//! presets, resolved into one validated `Config` before any data is read.
//!
//! In three steps, a file each: the file's shape (`raw`: every key optional, unknown keys
//! and wrong types refused, with the line the TOML parser reports); the layers (`layers`:
//! the preset the last `model` key names, from `presets/*.toml` in the binary, with the
//! files over it table by table, so a scenario is just one more layer); and validation
//! (`validate`: every problem, an impossible value, a missing file, an empty glob, reported
//! together, each naming its key) into the types of `types`.
//!
//! Every path and glob the configuration names (and, when the kenmerken ask for policies
//! without naming any, the shipped policies' folder) is resolved here, once, and checked
//! to exist (`paths`); each reader then gets its input's files and settings from
//! `Config::input`, not the whole configuration. This module reads only the configuration
//! file; it never opens the data files themselves.

mod layers;
mod paths;
mod raw;
mod types;
mod validate;

use std::path::Path;

use anyhow::{Context, Result};

use crate::model::problems::Problems;

/// The decimal sign is the contract's (`model::number`); the configuration chooses it.
pub use crate::model::number::DecimalSign;
pub use raw::{parse_text, FileConfig};
pub use types::Config;

pub(crate) use paths::{policies_in, shipped_policy_folder, shipped_vocabulary, VOCABULARY};
pub(crate) use raw::{parse_file, Num};
pub(crate) use types::{
    Calculation, ClaimAmount, Clustering, Columns, Criteria, Digimv, ExcludedKvk, Exclusions,
    Input, InputPath, InputSpec, Inputs, Mapping, Model, OmzetBasis, Policies, Rename,
    ResultDefinition, Rounding, Scaling, SectorSource, ThresholdSide, Written, CONTRACT_COLUMNS,
};

/// Reads a configuration file and resolves it over its preset; see `resolve`.
pub fn load(path: &Path) -> Result<Config> {
    let file = parse_file(path)?;
    let basis = path.parent().unwrap_or(Path::new("")).to_path_buf();
    resolve(&[&file], &basis).with_context(|| format!("invalid configuration {}", path.display()))
}

/// Lays `layers` over the preset named by the last layer that names one (default
/// `zn-2027`) and validates the result. Paths are relative to `basis`.
pub fn resolve(layers: &[&FileConfig], basis: &Path) -> Result<Config> {
    Ok(layered(layers, basis)?)
}

/// `resolve` with its problems as they are, for a caller that collects them with its own
/// (the scenarios).
pub(crate) fn layered(layers: &[&FileConfig], basis: &Path) -> Result<Config, Problems> {
    let (model, merged) = layers::lay(layers);
    validate::validate(merged, model, basis)
}

/// The value the preset of `model` gives `key` in `table` (`""` for a top-level key), as
/// TOML: what a configuration file that does not set the key gets.
pub(crate) fn preset_value(model: Model, table: &str, key: &str) -> Option<toml::Value> {
    let preset = layers::preset(model);
    let within = if table.is_empty() {
        &preset
    } else {
        preset.get(table)?.as_table()?
    };
    within.get(key).cloned()
}

#[cfg(test)]
mod tests;
