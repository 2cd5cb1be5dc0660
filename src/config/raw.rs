//! The configuration file's shape: what a file, a scenario or a preset may hold, every key
//! optional, unknown keys and wrong types refused (serde, `deny_unknown_fields`), with the
//! position the TOML parser gives.
//!
//! A layer (`FileConfig`) is kept as the TOML table it was written as, after it has been
//! checked against the shape, so that layers merge table by table (`layers`) without a
//! list of their fields; the merged table is read once more, as `Shape<Exact>`, for
//! `validate`. A new key is a field here and a default in `presets/`. This module checks
//! types only; whether a value is possible is `validate`'s. Besides the configuration it
//! reads the DigiMV variable map file a configuration may name, which is configuration too.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::model::number::{float_to_decimal, integer_to_decimal};

use super::{
    ClaimAmount, DecimalSign, Model, OmzetBasis, ResultDefinition, Rounding, Scaling, SectorSource,
    ThresholdSide,
};

/// One layer of configuration as a file or a scenario wrote it: checked against the shape,
/// and kept as written so that layers merge table by table.
#[derive(Debug, Clone, PartialEq)]
pub struct FileConfig {
    /// The table as written.
    pub(super) table: toml::Table,
    /// The same, read as the shape.
    pub(crate) shape: Shape,
}

impl FileConfig {
    /// A table checked against the shape: unknown keys and wrong types are errors.
    pub(crate) fn from_table(table: toml::Table) -> Result<FileConfig, toml::de::Error> {
        let shape = Shape::deserialize(toml::Value::Table(table.clone()))?;
        Ok(FileConfig { table, shape })
    }

    /// Only the top-level `keys` of this layer, under `model`'s preset.
    pub(crate) fn only(&self, keys: &[&str], model: Model) -> FileConfig {
        let mut table: toml::Table = self
            .table
            .iter()
            .filter(|(k, _)| keys.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        table.insert("model".into(), toml::Value::String(model.as_str().into()));
        FileConfig::from_table(table).expect("a part of a checked layer, and a model by its name")
    }
}

/// Parses a configuration file's text; unknown keys and wrong types are errors with the
/// position the TOML parser gives.
pub(crate) fn parse_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration {}", path.display()))?;
    parse_text(&text).with_context(|| format!("invalid configuration {}", path.display()))
}

/// A DigiMV variable map file the configuration names (`[digimv] variabelen = "FILE"`):
/// like the configuration itself, read here, before any data; `written` names it.
pub(crate) fn read_variable_map(
    path: &Path,
    written: &str,
) -> Result<crate::model::digimv::VariableMap, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read: {e}"))?;
    crate::model::digimv::VariableMap::parse(&text, written).map_err(|e| format!("{e:#}"))
}

/// `parse_file` for text: the scenarios' base in tests, and the fuzz targets.
pub fn parse_text(text: &str) -> Result<FileConfig> {
    let trimmed = |e: toml::de::Error| anyhow::anyhow!("{}", e.to_string().trim_end());
    // Read as the shape straight from the text, so that a mistake is shown at its line.
    let shape = toml::from_str::<Shape>(text).map_err(trimmed)?;
    let table = toml::from_str::<toml::Table>(text).map_err(trimmed)?;
    Ok(FileConfig { table, shape })
}

/// A number in TOML: an integer or a float, by the rules of every input number (at most
/// six decimals, below 10^12 in magnitude; see `model::number`). Floats go through their
/// shortest decimal text, so `0.75` is exactly 0.75, and 1e-30 is refused rather than read
/// as 0. Text is refused: `"0.75"` is a typing mistake to point out, not to guess at.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Num(pub Decimal);

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Num, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Num;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Num, E> {
                integer_to_decimal(v.into()).map(Num).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Num, E> {
                integer_to_decimal(v.into()).map(Num).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Num, E> {
                float_to_decimal(v).map(Num).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Num, E> {
                Err(E::custom(format!(
                    "{v:?} is text: write the number without quotes"
                )))
            }
        }
        d.deserialize_any(V)
    }
}

/// A number of the merged layers: one of a layer, which has been read as a `Num` already,
/// or one of a preset, which may be written as text to keep its decimals (`"0.00"`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Exact(pub Decimal);

impl<'de> Deserialize<'de> for Exact {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Exact, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Exact;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Exact, E> {
                integer_to_decimal(v.into()).map(Exact).map_err(E::custom)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Exact, E> {
                integer_to_decimal(v.into()).map(Exact).map_err(E::custom)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Exact, E> {
                float_to_decimal(v).map(Exact).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Exact, E> {
                Decimal::from_str(v).map(Exact).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// One path or a list of paths and globs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Everything a layer may hold. `N` is how its numbers are read: strictly (`Num`) from a
/// file or scenario; from the merged layers (`Exact`) for `validate`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Shape<N = Num> {
    pub(crate) model: Option<Model>,
    pub(crate) referentiejaar: Option<i32>,
    pub(crate) decimaalteken: Option<DecimalSign>,
    pub(crate) invoer: Option<FileInputs>,
    pub(crate) kolommen: Option<FileColumns>,
    pub(crate) criteria: Option<FileCriteria<N>>,
    pub(crate) clustering: Option<FileClustering<N>>,
    pub(crate) berekening: Option<FileCalculation<N>>,
    pub(crate) uitsluiting: Option<FileExclusions<N>>,
    pub(crate) beleid: Option<FileBeleid>,
    pub(crate) digimv: Option<FileDigimv>,
}

/// `[digimv]`: `invoer.jaarverslagen` is the published DigiMV dataset, read through a
/// variable map.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileDigimv {
    /// The boekjaar whose shipped map is used.
    pub(crate) jaar: Option<i32>,
    /// A map file of the user's, or a table of names that override the map's.
    pub(crate) variabelen: Option<FileDigimvVariables>,
    /// Sector → the `ja`/`nee` variable that flags it.
    pub(crate) sector: Option<BTreeMap<String, String>>,
    pub(crate) geconsolideerd: Option<bool>,
}

/// `variabelen = "FILE"`, or `[digimv.variabelen]` with contract column = variable name.
#[derive(Debug, Clone, PartialEq, Deserialize, serde::Serialize)]
#[serde(untagged)]
pub(crate) enum FileDigimvVariables {
    Bestand(String),
    Namen(BTreeMap<String, String>),
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileBeleid {
    pub(crate) bestanden: Option<Vec<String>>,
    /// The year whose policies apply; default `referentiejaar`.
    pub(crate) contractjaar: Option<i32>,
    /// The vocabulary of characteristics (default: the shipped `data/beleid/kenmerken.toml`).
    pub(crate) kenmerken: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileInputs {
    /// One file, or with `[digimv]` the dataset's parts as a list of paths and globs.
    pub(crate) jaarverslagen: Option<OneOrMany>,
    pub(crate) declaraties: Option<OneOrMany>,
    /// Which amount of a Vektis claim line is its bedrag: `toegekend` (AW320) or
    /// `gedeclareerd`.
    pub(crate) declaraties_bedrag: Option<ClaimAmount>,
    pub(crate) tarieven: Option<String>,
    pub(crate) koppeltabel: Option<String>,
    pub(crate) kenmerken: Option<String>,
    /// The zorgkantoren's contracteerruimte per year, for `tarieven`.
    pub(crate) contracteerruimte: Option<String>,
    /// A verification bundle's `aggregaten.csv`, in place of the other inputs but kenmerken.
    pub(crate) aggregaten: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCriteria<N> {
    pub(crate) aandeel_aanbieders: Option<N>,
    pub(crate) aandeel_omzet: Option<N>,
    pub(crate) nul_is_positief: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileClustering<N> {
    pub(crate) clusters: Option<bool>,
    pub(crate) intramuraal_drempel: Option<N>,
    pub(crate) drempel_telt_als: Option<ThresholdSide>,
    pub(crate) intramurale_leveringsvormen: Option<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCalculation<N> {
    pub(crate) resultaat: Option<ResultDefinition>,
    pub(crate) nhc_nic_strippen: Option<bool>,
    pub(crate) omzet_basis: Option<OmzetBasis>,
    pub(crate) schaling: Option<Scaling>,
    pub(crate) sector_bron: Option<SectorSource>,
    pub(crate) afronding: Option<N>,
    pub(crate) afronden: Option<Rounding>,
    pub(crate) ondergrens: Option<N>,
    pub(crate) bovengrens: Option<N>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileExclusions<N> {
    pub(crate) min_omzet: Option<N>,
    pub(crate) min_aandeel_wlz: Option<N>,
    pub(crate) kvk: Option<Vec<FileExcludedKvk>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileExcludedKvk {
    pub(crate) kvk: String,
    pub(crate) reden: String,
}

/// `[kolommen]` as written: string values directly under it apply to every input (flat);
/// tables `[kolommen.INPUT]` to their input only.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct FileColumns {
    pub(crate) flat: BTreeMap<String, String>,
    pub(crate) per_input: BTreeMap<String, BTreeMap<String, String>>,
}

impl<'de> Deserialize<'de> for FileColumns {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<FileColumns, D::Error> {
        /// One value under `[kolommen]`: a header, or an input's table of headers.
        enum Entry {
            Header(String),
            Table(BTreeMap<String, String>),
        }
        impl<'de> Deserialize<'de> for Entry {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Entry, D::Error> {
                struct V;
                impl<'de> serde::de::Visitor<'de> for V {
                    type Value = Entry;
                    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                        f.write_str("a header (text) or a table of an input's headers")
                    }
                    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Entry, E> {
                        Ok(Entry::Header(v.to_string()))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(
                        self,
                        map: A,
                    ) -> Result<Entry, A::Error> {
                        BTreeMap::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                            .map(Entry::Table)
                    }
                }
                d.deserialize_any(V)
            }
        }
        let entries = BTreeMap::<String, Entry>::deserialize(d)?;
        let mut columns = FileColumns::default();
        for (key, entry) in entries {
            match entry {
                Entry::Header(h) => {
                    columns.flat.insert(key, h);
                }
                Entry::Table(t) => {
                    columns.per_input.insert(key, t);
                }
            }
        }
        Ok(columns)
    }
}
