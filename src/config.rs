//! Configuration: the TOML file of the data contract, laid over one of the three model
//! presets, resolved into one validated `Config` before any data is read.
//!
//! A configuration file is parsed into `FileConfig`, where every key is optional and
//! unknown keys are errors (with the line the TOML parser reports). Files are laid over
//! the preset their `model` key names, in order, so a scenario is just one more layer.
//! Validation collects every problem (impossible values, missing files, empty globs)
//! and reports them together, each naming its key.
//!
//! Every path and glob the configuration names (and, when the kenmerken ask for policies
//! without naming any, the shipped policies' folder) is resolved here, once, and checked
//! to exist; each reader then gets its input's files and settings from `Config::input`,
//! not the whole configuration. This module reads only the configuration file; it never
//! opens the data files themselves.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::kenmerken::KENMERKEN;
use crate::model::number::{float_to_decimal, integer_to_decimal};
use crate::model::problems::{Problem, Problems};
use crate::model::{Kvk, Leveringsvorm};

/// The decimal sign is the contract's (`model::number`); the configuration chooses it.
pub use crate::model::number::DecimalSign;

/// The three model vintages of methodology section 2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub(crate) enum Model {
    #[serde(rename = "zn-2024")]
    Zn2024,
    #[serde(rename = "hof-2024")]
    Hof2024,
    #[serde(rename = "zn-2027")]
    Zn2027,
}

impl Model {
    pub(crate) const ALL: [Model; 3] = [Model::Zn2024, Model::Hof2024, Model::Zn2027];

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Model::Zn2024 => "zn-2024",
            Model::Hof2024 => "hof-2024",
            Model::Zn2027 => "zn-2027",
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ThresholdSide {
    Intramuraal,
    Extramuraal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ResultDefinition {
    InclusiefFinancieel,
    Bedrijfsresultaat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum OmzetBasis {
    Bedrijfsopbrengsten,
    Wlz,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Scaling {
    Declaraties,
    Jaarverslag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum SectorSource {
    Declaraties,
    Jaarverslag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Rounding {
    Omhoog,
    Dichtstbij,
}

/// The resolved configuration. Field names are the contract's keys, so serialising it
/// gives the manifest's `configuratie` in the same words as the TOML file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Config {
    pub(crate) model: Model,
    pub(crate) referentiejaar: i32,
    pub(crate) decimaalteken: DecimalSign,
    pub(crate) invoer: Inputs,
    pub(crate) kolommen: Columns,
    pub(crate) criteria: Criteria,
    pub(crate) clustering: Clustering,
    pub(crate) berekening: Calculation,
    pub(crate) uitsluiting: Exclusions,
    /// Absent from the manifest when no policy is configured, so that runs without
    /// policies keep their manifests.
    #[serde(skip_serializing_if = "Policies::is_empty")]
    pub(crate) beleid: Policies,
}

/// The zorgkantoor policies `tarieven` applies (see `crate::policy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Policies {
    /// Policy files and globs, relative to the configuration's folder.
    pub(crate) bestanden: Vec<String>,
    /// The files they name, sorted, each once; without `bestanden`, the shipped policies in
    /// `data/beleid/` when `invoer.kenmerken` asks for policies. Why there are none when the
    /// shipped folder cannot be found: only the commands that apply policies need them, so
    /// only they fail for it (see `files`).
    #[serde(skip)]
    resolved: Result<Vec<InputPath>, String>,
}

impl Policies {
    pub(crate) fn is_empty(&self) -> bool {
        self.bestanden.is_empty()
    }

    /// The policy files to apply, resolved.
    pub(crate) fn files(&self) -> Result<&[InputPath]> {
        match &self.resolved {
            Ok(files) => Ok(files),
            Err(e) => bail!("{e}"),
        }
    }
}

/// A file the configuration names, resolved once: as written, for messages and the
/// manifest, and where to open it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct InputPath {
    /// As the configuration wrote it (relative to its folder, `/` between folders).
    pub(crate) shown: String,
    /// The configuration's folder joined with it.
    pub(crate) path: PathBuf,
}

impl InputPath {
    fn new(basis: &Path, written: &Path) -> InputPath {
        InputPath {
            shown: crate::files::shown(written),
            path: basis.join(written),
        }
    }
}

/// One input as its reader needs it, and nothing else of the configuration: the files,
/// how their columns are named, the decimal sign, the reference year, and which optional
/// contract columns this configuration needs.
#[derive(Debug, Clone)]
pub(crate) struct InputSpec<'a> {
    /// One file for a table; one or more for the declaraties, in the order they are read.
    pub(crate) files: &'a [InputPath],
    pub(crate) columns: Mapping<'a>,
    pub(crate) sign: DecimalSign,
    pub(crate) year: i32,
    /// Columns the contract makes optional but this configuration reads: `opbrengsten_wlz`
    /// when ρ = W/D scales the tariff effect, `sector` when the sector comes from the
    /// jaarverslag.
    pub(crate) required: Vec<&'static str>,
}

impl InputSpec<'_> {
    /// The file of a one-file input (every input but the declaraties).
    pub(crate) fn file(&self) -> &InputPath {
        debug_assert_eq!(self.files.len(), 1, "{:?}", self.columns.input);
        &self.files[0]
    }

    pub(crate) fn requires(&self, column: &str) -> bool {
        self.required.contains(&column)
    }
}

impl Config {
    /// What the reader of `input` needs; none for an optional input that is not configured.
    pub(crate) fn input(&self, input: Input) -> Option<InputSpec<'_>> {
        let files = self.invoer.files.get(&input)?;
        // The jaarverslag's optional columns that this configuration reads after all.
        let mut required = Vec::new();
        if input == Input::Jaarverslagen {
            if self.berekening.schaling == Scaling::Jaarverslag {
                required.push("opbrengsten_wlz");
            }
            if self.berekening.sector_bron == SectorSource::Jaarverslag {
                required.push("sector");
            }
        }
        Some(InputSpec {
            files,
            columns: self.kolommen.of(input),
            sign: self.decimaalteken,
            year: self.referentiejaar,
            required,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Inputs {
    /// The folder paths are relative to (the configuration file's folder).
    #[serde(skip)]
    pub(crate) basis: PathBuf,
    pub(crate) jaarverslagen: PathBuf,
    /// The patterns as written in the configuration.
    pub(crate) declaraties: Vec<String>,
    pub(crate) tarieven: PathBuf,
    pub(crate) koppeltabel: Option<PathBuf>,
    /// Provider characteristics per zorgkantoor, for `tarieven`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kenmerken: Option<PathBuf>,
    /// Every configured input's files, resolved: the declaraties' patterns expanded,
    /// sorted, each real file once. `Config::input` hands them to the readers.
    #[serde(skip)]
    pub(crate) files: BTreeMap<Input, Vec<InputPath>>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Criteria {
    pub(crate) aandeel_aanbieders: Decimal,
    pub(crate) aandeel_omzet: Decimal,
    pub(crate) nul_is_positief: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Clustering {
    pub(crate) clusters: bool,
    pub(crate) intramuraal_drempel: Decimal,
    pub(crate) drempel_telt_als: ThresholdSide,
    pub(crate) intramurale_leveringsvormen: Vec<String>,
    #[serde(skip)]
    pub(crate) intramural_forms: Vec<Leveringsvorm>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Calculation {
    pub(crate) resultaat: ResultDefinition,
    pub(crate) nhc_nic_strippen: bool,
    pub(crate) omzet_basis: OmzetBasis,
    pub(crate) schaling: Scaling,
    pub(crate) sector_bron: SectorSource,
    /// Grid in percentage points (0.1 = one decimal).
    pub(crate) afronding: Decimal,
    pub(crate) afronden: Rounding,
    /// Percent.
    pub(crate) ondergrens: Decimal,
    /// Percent.
    pub(crate) bovengrens: Decimal,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Exclusions {
    pub(crate) min_omzet: Decimal,
    pub(crate) min_aandeel_wlz: Decimal,
    pub(crate) kvk: Vec<ExcludedKvk>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct ExcludedKvk {
    pub(crate) kvk: String,
    pub(crate) reden: String,
    #[serde(skip)]
    pub(crate) parsed: Option<Kvk>,
}

impl Calculation {
    /// The grid as a fraction (0.1 point = 0.001).
    pub(crate) fn grid(&self) -> Decimal {
        self.afronding / Decimal::ONE_HUNDRED
    }
}

/// The resolved configuration as dotted keys and their values, in the TOML file's words.
impl Config {
    /// The resolved configuration as dotted keys and their values, in the TOML file's words
    /// (the manifest's `configuratie`, flattened).
    pub(crate) fn keys(&self) -> Result<Vec<(String, String)>> {
        let mut pairs = Vec::new();
        flatten("", &serde_json::to_value(self)?, &mut pairs);
        Ok(pairs)
    }
}

fn flatten(prefix: &str, v: &serde_json::Value, out: &mut Vec<(String, String)>) {
    match v {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, v, out);
            }
        }
        serde_json::Value::String(s) => out.push((prefix.to_string(), s.clone())),
        serde_json::Value::Null => out.push((prefix.to_string(), String::new())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

// ---------------------------------------------------------------------------------------
// The file shape: every key optional, unknown keys refused.

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

/// One path or a list of paths and globs.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub(crate) enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub(crate) model: Option<Model>,
    pub(crate) referentiejaar: Option<i32>,
    pub(crate) decimaalteken: Option<DecimalSign>,
    pub(crate) invoer: Option<FileInputs>,
    pub(crate) kolommen: Option<FileColumns>,
    pub(crate) criteria: Option<FileCriteria>,
    pub(crate) clustering: Option<FileClustering>,
    pub(crate) berekening: Option<FileCalculation>,
    pub(crate) uitsluiting: Option<FileExclusions>,
    pub(crate) beleid: Option<FileBeleid>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileBeleid {
    pub(crate) bestanden: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileInputs {
    pub(crate) jaarverslagen: Option<String>,
    pub(crate) declaraties: Option<OneOrMany>,
    pub(crate) tarieven: Option<String>,
    pub(crate) koppeltabel: Option<String>,
    pub(crate) kenmerken: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCriteria {
    pub(crate) aandeel_aanbieders: Option<Num>,
    pub(crate) aandeel_omzet: Option<Num>,
    pub(crate) nul_is_positief: Option<bool>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileClustering {
    pub(crate) clusters: Option<bool>,
    pub(crate) intramuraal_drempel: Option<Num>,
    pub(crate) drempel_telt_als: Option<ThresholdSide>,
    pub(crate) intramurale_leveringsvormen: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileCalculation {
    pub(crate) resultaat: Option<ResultDefinition>,
    pub(crate) nhc_nic_strippen: Option<bool>,
    pub(crate) omzet_basis: Option<OmzetBasis>,
    pub(crate) schaling: Option<Scaling>,
    pub(crate) sector_bron: Option<SectorSource>,
    pub(crate) afronding: Option<Num>,
    pub(crate) afronden: Option<Rounding>,
    pub(crate) ondergrens: Option<Num>,
    pub(crate) bovengrens: Option<Num>,
}

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileExclusions {
    pub(crate) min_omzet: Option<Num>,
    pub(crate) min_aandeel_wlz: Option<Num>,
    pub(crate) kvk: Option<Vec<FileExcludedKvk>>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileExcludedKvk {
    pub(crate) kvk: String,
    pub(crate) reden: String,
}

/// The contract's columns of the four core inputs: the names a flat `[kolommen]` table
/// may rename (besides the columns of `kenmerken`), and what a message about a file
/// without any of them suspects to be a missing header line.
pub(crate) const CONTRACT_COLUMNS: &[&str] = &[
    "kvk",
    "naam",
    "boekjaar",
    "bedrijfsopbrengsten",
    "opbrengsten_wlz",
    "bedrijfslasten",
    "financiele_baten",
    "financiele_lasten",
    "resultaat",
    "sector",
    "agb",
    "jaar",
    "prestatiecode",
    "aantal",
    "bedrag",
    "omschrijving",
    "leveringsvorm",
    "component",
    "max_tarief",
    "kapitaal_per_eenheid",
];

/// The input files whose columns `[kolommen.INPUT]` renames, in the contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Input {
    Jaarverslagen,
    Declaraties,
    Tarieven,
    Koppeltabel,
    Kenmerken,
}

impl Input {
    pub(crate) const ALL: [Input; 5] = [
        Input::Jaarverslagen,
        Input::Declaraties,
        Input::Tarieven,
        Input::Koppeltabel,
        Input::Kenmerken,
    ];

    /// The key of its table under `[kolommen]`, and its role in the manifest.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Input::Jaarverslagen => "jaarverslagen",
            Input::Declaraties => "declaraties",
            Input::Tarieven => "tarieven",
            Input::Koppeltabel => "koppeltabel",
            Input::Kenmerken => "kenmerken",
        }
    }

    fn parse(key: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.key() == key)
    }

    /// The contract columns of this input, required or not.
    pub(crate) fn columns(self) -> Vec<&'static str> {
        let fixed: &[&'static str] = match self {
            Input::Jaarverslagen => &CONTRACT_COLUMNS[..10],
            Input::Declaraties => &["agb", "kvk", "jaar", "prestatiecode", "aantal", "bedrag"],
            Input::Tarieven => &[
                "jaar",
                "prestatiecode",
                "omschrijving",
                "sector",
                "leveringsvorm",
                "component",
                "max_tarief",
                "kapitaal_per_eenheid",
            ],
            Input::Koppeltabel => &["agb", "kvk"],
            Input::Kenmerken => &["kvk", "zorgkantoor", "aandeel", "naam"],
        };
        let mut columns = fixed.to_vec();
        if self == Input::Kenmerken {
            columns.extend(KENMERKEN.iter().map(|k| k.0));
        }
        columns
    }

    fn has(self, column: &str) -> bool {
        self.columns().contains(&column)
    }
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

/// The resolved `[kolommen]`: which header each input's contract columns are read from.
///
/// Serialised as it is written: flat entries directly, then one table per input that has
/// one. A flat entry is not expanded into the inputs' tables, since it means something
/// else: a flat header a file lacks falls back to the column's own name, while an input's
/// own table is authoritative.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Columns {
    /// `[kolommen]` string values: contract name → header, for every input.
    pub(crate) flat: BTreeMap<String, String>,
    /// `[kolommen.INPUT]`: contract name → header, for that input only.
    pub(crate) per_input: BTreeMap<Input, BTreeMap<String, String>>,
}

impl Serialize for Columns {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(Some(self.flat.len() + self.per_input.len()))?;
        for (name, header) in &self.flat {
            map.serialize_entry(name, header)?;
        }
        for (input, table) in &self.per_input {
            map.serialize_entry(input.key(), table)?;
        }
        map.end()
    }
}

impl Columns {
    /// How `input`'s contract columns are named in its file.
    pub(crate) fn of(&self, input: Input) -> Mapping<'_> {
        Mapping {
            input,
            flat: &self.flat,
            own: self.per_input.get(&input),
        }
    }

    /// Every contract column of `input` that a mapping renames: (its key in the
    /// configuration, the column, the header).
    fn renamed(&self, input: Input) -> Vec<(String, &'static str, &str)> {
        let mapping = self.of(input);
        input
            .columns()
            .into_iter()
            .filter_map(|c| match mapping.rename(c) {
                Rename::None => None,
                Rename::Flat(h) => Some((format!("kolommen.{c}"), c, h)),
                Rename::Input(h) => Some((format!("kolommen.{}.{c}", input.key()), c, h)),
            })
            .collect()
    }
}

/// How one input's contract columns are named in its file (see `Columns::of`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Mapping<'a> {
    pub(crate) input: Input,
    flat: &'a BTreeMap<String, String>,
    own: Option<&'a BTreeMap<String, String>>,
}

/// Where a contract column is looked for in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rename<'a> {
    /// Not renamed: under its own name.
    None,
    /// By the flat `[kolommen]` table: under this header when the file has it, else under
    /// its own name (the table applies to every input, and not every file is renamed).
    Flat(&'a str),
    /// By `[kolommen.INPUT]`: under this header and no other.
    Input(&'a str),
}

impl<'a> Mapping<'a> {
    /// An empty mapping: every column under its own name (for the readers' tests).
    #[cfg(test)]
    pub(crate) fn none(input: Input) -> Mapping<'static> {
        static EMPTY: BTreeMap<String, String> = BTreeMap::new();
        Mapping {
            input,
            flat: &EMPTY,
            own: None,
        }
    }

    pub(crate) fn rename(&self, column: &str) -> Rename<'a> {
        if let Some(h) = self.own.and_then(|t| t.get(column)) {
            return Rename::Input(h);
        }
        match self.flat.get(column) {
            Some(h) if self.input.has(column) => Rename::Flat(h),
            _ => Rename::None,
        }
    }

    /// Every header a mapping of this input names.
    pub(crate) fn headers(&self) -> Vec<&'a str> {
        let columns = self.input.columns();
        let mut out: Vec<&'a str> = self
            .flat
            .iter()
            .filter(|(c, _)| columns.contains(&c.as_str()))
            .map(|(_, h)| h.as_str())
            .collect();
        out.extend(
            self.own
                .into_iter()
                .flat_map(|t| t.values().map(String::as_str)),
        );
        out
    }
}

/// Parses a configuration file's text; unknown keys and wrong types are errors with the
/// position the TOML parser gives.
pub(crate) fn parse_file(path: &Path) -> Result<FileConfig> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read configuration {}", path.display()))?;
    parse_text(&text).with_context(|| format!("invalid configuration {}", path.display()))
}

pub fn parse_text(text: &str) -> Result<FileConfig> {
    toml::from_str::<FileConfig>(text).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))
}

/// Reads a configuration file and resolves it over its preset; see `resolve`.
pub fn load(path: &Path) -> Result<Config> {
    let file = parse_file(path)?;
    let basis = path.parent().unwrap_or(Path::new("")).to_path_buf();
    resolve(&[&file], &basis).with_context(|| format!("invalid configuration {}", path.display()))
}

/// The preset's values for every key; the inputs and reference year have no preset.
fn preset(model: Model) -> FileConfig {
    let (clusters, resultaat, omzet, strip) = match model {
        Model::Zn2024 => (false, ResultDefinition::Bedrijfsresultaat, 0, false),
        Model::Hof2024 => (false, ResultDefinition::InclusiefFinancieel, 75, false),
        Model::Zn2027 => (true, ResultDefinition::InclusiefFinancieel, 75, true),
    };
    FileConfig {
        model: Some(model),
        referentiejaar: None,
        decimaalteken: Some(DecimalSign::Point),
        invoer: None,
        kolommen: Some(FileColumns::default()),
        criteria: Some(FileCriteria {
            aandeel_aanbieders: Some(Num(Decimal::new(75, 2))),
            aandeel_omzet: Some(Num(Decimal::new(omzet, 2))),
            nul_is_positief: Some(true),
        }),
        clustering: Some(FileClustering {
            clusters: Some(clusters),
            intramuraal_drempel: Some(Num(Decimal::new(1, 2))),
            drempel_telt_als: Some(ThresholdSide::Intramuraal),
            intramurale_leveringsvormen: Some(vec!["intramuraal".into()]),
        }),
        berekening: Some(FileCalculation {
            resultaat: Some(resultaat),
            nhc_nic_strippen: Some(strip),
            omzet_basis: Some(OmzetBasis::Bedrijfsopbrengsten),
            schaling: Some(Scaling::Declaraties),
            sector_bron: Some(SectorSource::Declaraties),
            afronding: Some(Num(Decimal::new(1, 1))),
            afronden: Some(Rounding::Omhoog),
            ondergrens: Some(Num(Decimal::ZERO)),
            bovengrens: Some(Num(Decimal::ONE_HUNDRED)),
        }),
        uitsluiting: Some(FileExclusions {
            min_omzet: Some(Num(Decimal::ZERO)),
            min_aandeel_wlz: Some(Num(Decimal::ZERO)),
            kvk: Some(Vec::new()),
        }),
        beleid: None,
    }
}

/// `top` wins key by key over `base`.
fn overlay(base: FileConfig, top: &FileConfig) -> FileConfig {
    fn pick<T: Clone>(base: Option<T>, top: &Option<T>) -> Option<T> {
        top.clone().or(base)
    }
    macro_rules! table {
        ($base:expr, $top:expr, $ty:ident { $($f:ident),+ }) => {{
            match (&$base, $top) {
                (_, None) => $base,
                (None, Some(t)) => Some(t.clone()),
                (Some(b), Some(t)) => Some($ty { $($f: pick(b.$f.clone(), &t.$f)),+ }),
            }
        }};
    }
    FileConfig {
        model: pick(base.model, &top.model),
        referentiejaar: pick(base.referentiejaar, &top.referentiejaar),
        decimaalteken: pick(base.decimaalteken, &top.decimaalteken),
        invoer: table!(
            base.invoer,
            &top.invoer,
            FileInputs {
                jaarverslagen,
                declaraties,
                tarieven,
                koppeltabel,
                kenmerken
            }
        ),
        // Renames add up, per input: a later layer renames more columns, it does not
        // forget earlier ones.
        kolommen: match (base.kolommen, &top.kolommen) {
            (b, None) => b,
            (None, Some(t)) => Some(t.clone()),
            (Some(mut b), Some(t)) => {
                b.flat
                    .extend(t.flat.iter().map(|(k, v)| (k.clone(), v.clone())));
                for (input, table) in &t.per_input {
                    b.per_input
                        .entry(input.clone())
                        .or_default()
                        .extend(table.iter().map(|(k, v)| (k.clone(), v.clone())));
                }
                Some(b)
            }
        },
        criteria: table!(
            base.criteria,
            &top.criteria,
            FileCriteria {
                aandeel_aanbieders,
                aandeel_omzet,
                nul_is_positief
            }
        ),
        clustering: table!(
            base.clustering,
            &top.clustering,
            FileClustering {
                clusters,
                intramuraal_drempel,
                drempel_telt_als,
                intramurale_leveringsvormen
            }
        ),
        berekening: table!(
            base.berekening,
            &top.berekening,
            FileCalculation {
                resultaat,
                nhc_nic_strippen,
                omzet_basis,
                schaling,
                sector_bron,
                afronding,
                afronden,
                ondergrens,
                bovengrens
            }
        ),
        uitsluiting: table!(
            base.uitsluiting,
            &top.uitsluiting,
            FileExclusions {
                min_omzet,
                min_aandeel_wlz,
                kvk
            }
        ),
        beleid: table!(base.beleid, &top.beleid, FileBeleid { bestanden }),
    }
}

/// Lays `layers` over the preset named by the last layer that names one (default
/// `zn-2027`) and validates the result. Paths are relative to `basis`.
pub fn resolve(layers: &[&FileConfig], basis: &Path) -> Result<Config> {
    Ok(layered(layers, basis)?)
}

/// `resolve` with its problems as they are, for a caller that collects them with its own
/// (the scenarios).
pub(crate) fn layered(layers: &[&FileConfig], basis: &Path) -> Result<Config, Problems> {
    let model = layers
        .iter()
        .rev()
        .find_map(|l| l.model)
        .unwrap_or(Model::Zn2027);
    let merged = layers.iter().fold(preset(model), |acc, l| overlay(acc, l));
    validate(merged, model, basis)
}

fn validate(f: FileConfig, model: Model, basis: &Path) -> Result<Config, Problems> {
    let mut problems = Problems::new("the configuration");
    // The preset fills every table, so these unwraps cannot fail.
    let criteria = f.criteria.expect("preset sets criteria");
    let clustering = f.clustering.expect("preset sets clustering");
    let calc = f.berekening.expect("preset sets berekening");
    let excl = f.uitsluiting.expect("preset sets uitsluiting");
    let inputs = f.invoer.unwrap_or_default();
    let value = |n: Option<Num>| n.expect("preset sets every number").0;

    let referentiejaar = f.referentiejaar.unwrap_or_else(|| {
        problems.push(
            Problem::at("referentiejaar").says("missing; the year of the accounts and claims"),
        );
        0
    });
    if f.referentiejaar.is_some() && !(1900..=2100).contains(&referentiejaar) {
        problems.push(
            Problem::at("referentiejaar")
                .value(referentiejaar)
                .says("not a plausible year"),
        );
    }

    let mut share = |key: &str, v: Decimal| {
        if v < Decimal::ZERO || v > Decimal::ONE {
            problems.push(
                Problem::at(key)
                    .value(v)
                    .says("must be a fraction between 0 and 1"),
            );
        }
        v
    };
    let aandeel_aanbieders = share(
        "criteria.aandeel_aanbieders",
        value(criteria.aandeel_aanbieders),
    );
    let aandeel_omzet = share("criteria.aandeel_omzet", value(criteria.aandeel_omzet));
    let drempel = share(
        "clustering.intramuraal_drempel",
        value(clustering.intramuraal_drempel),
    );
    let min_aandeel_wlz = share("uitsluiting.min_aandeel_wlz", value(excl.min_aandeel_wlz));

    let vormen = clustering
        .intramurale_leveringsvormen
        .expect("preset sets the list");
    let mut intramural_forms = Vec::new();
    for v in &vormen {
        match Leveringsvorm::parse(v) {
            Ok(l) => intramural_forms.push(l),
            Err(e) => problems.push(Problem::at("clustering.intramurale_leveringsvormen").says(e)),
        }
    }

    let afronding = value(calc.afronding);
    if afronding <= Decimal::ZERO || afronding > Decimal::TEN {
        problems.push(
            Problem::at("berekening.afronding")
                .value(afronding)
                .says("must be a grid step in percentage points above 0 and at most 10"),
        );
    }
    let ondergrens = value(calc.ondergrens);
    let bovengrens = value(calc.bovengrens);
    if ondergrens < Decimal::ZERO {
        problems.push(
            Problem::at("berekening.ondergrens")
                .value(ondergrens)
                .says("must be at least 0 percent"),
        );
    }
    if bovengrens <= ondergrens {
        problems.push(
            Problem::at("berekening.bovengrens")
                .value(bovengrens)
                .says(format!(
                    "must be above berekening.ondergrens = {ondergrens}"
                )),
        );
    }
    if bovengrens > Decimal::from(200) {
        problems.push(
            Problem::at("berekening.bovengrens")
                .value(bovengrens)
                .says("must be at most 200 percent"),
        );
    }
    let min_omzet = value(excl.min_omzet);
    if min_omzet < Decimal::ZERO {
        problems.push(
            Problem::at("uitsluiting.min_omzet")
                .value(min_omzet)
                .says("must be at least 0"),
        );
    }
    let mut excluded: Vec<ExcludedKvk> = Vec::new();
    for (i, e) in excl.kvk.unwrap_or_default().into_iter().enumerate() {
        let parsed = match Kvk::parse(&e.kvk) {
            Ok(k) => Some(k),
            Err(msg) => {
                problems.push(Problem::at(format!("uitsluiting.kvk[{}].kvk", i + 1)).says(msg));
                None
            }
        };
        // A second entry is a mistake either way: a copy, or a reason that would be lost.
        if let Some(first) = parsed.and_then(|k| excluded.iter().position(|x| x.parsed == Some(k)))
        {
            problems.push(
                Problem::at(format!("uitsluiting.kvk[{}].kvk", i + 1))
                    .value(format_args!("{:?}", e.kvk))
                    .says(format!("already listed as uitsluiting.kvk[{}]", first + 1)),
            );
        }
        if e.reden.trim().is_empty() {
            problems.push(
                Problem::at(format!("uitsluiting.kvk[{}].reden", i + 1))
                    .says("a reason is required"),
            );
        }
        excluded.push(ExcludedKvk {
            kvk: e.kvk,
            reden: e.reden,
            parsed,
        });
    }

    let kolommen = columns(f.kolommen.unwrap_or_default(), &mut problems);
    let mut required = |key: &str, v: Option<String>| -> PathBuf {
        match v {
            None => {
                problems.push(Problem::at(format!("invoer.{key}")).says("missing"));
                PathBuf::new()
            }
            Some(p) => {
                let full = basis.join(&p);
                if let Some(problem) = not_a_file(&full) {
                    problems.push(
                        Problem::at(format!("invoer.{key}"))
                            .value(format_args!("{p:?}"))
                            .says(problem),
                    );
                }
                PathBuf::from(p)
            }
        }
    };
    let jaarverslagen = required("jaarverslagen", inputs.jaarverslagen);
    let tarieven = required("tarieven", inputs.tarieven);
    let koppeltabel = inputs.koppeltabel.map(|p| required("koppeltabel", Some(p)));
    let kenmerken = inputs.kenmerken.map(|p| required("kenmerken", Some(p)));
    let beleid = f.beleid.and_then(|b| b.bestanden).unwrap_or_default();
    let mut policies = Vec::new();
    for p in &beleid {
        match expand(basis, p) {
            Ok(found) => policies.extend(found.iter().map(|f| InputPath::new(basis, f))),
            Err(e) => problems.push(Problem::at("beleid.bestanden").says(e)),
        }
    }
    let policies = if beleid.is_empty() && kenmerken.is_some() {
        shipped_policies()
    } else {
        Ok(policies)
    };
    let policies = policies.map(|mut p| {
        p.sort();
        p.dedup();
        p
    });

    let patterns = match inputs.declaraties {
        None => {
            problems.push(Problem::at("invoer.declaraties").says("missing"));
            Vec::new()
        }
        Some(OneOrMany::One(p)) => vec![p],
        Some(OneOrMany::Many(ps)) => ps,
    };
    let mut declaratiebestanden = Vec::new();
    for p in &patterns {
        match expand(basis, p) {
            Ok(files) => declaratiebestanden.extend(files),
            Err(e) => problems.push(Problem::at("invoer.declaraties").says(e)),
        }
    }
    // One file named twice (`a.csv` and `./a.csv`, or by a path and by a glob) would be
    // counted twice: keep the first naming of each real file.
    let mut seen = std::collections::HashSet::new();
    declaratiebestanden.retain(|p| {
        seen.insert(
            basis
                .join(p)
                .canonicalize()
                .unwrap_or_else(|_| basis.join(p)),
        )
    });
    declaratiebestanden.sort();
    if patterns.is_empty() && !problems.any_at("invoer.declaraties") {
        problems.push(Problem::at("invoer.declaraties").says("the list is empty"));
    }

    let mut files = BTreeMap::from([
        (
            Input::Jaarverslagen,
            vec![InputPath::new(basis, &jaarverslagen)],
        ),
        (
            Input::Declaraties,
            declaratiebestanden
                .iter()
                .map(|p| InputPath::new(basis, p))
                .collect(),
        ),
        (Input::Tarieven, vec![InputPath::new(basis, &tarieven)]),
    ]);
    for (input, p) in [
        (Input::Koppeltabel, &koppeltabel),
        (Input::Kenmerken, &kenmerken),
    ] {
        if let Some(p) = p {
            files.insert(input, vec![InputPath::new(basis, p)]);
        }
    }

    problems.finish()?;

    Ok(Config {
        model,
        referentiejaar,
        decimaalteken: f.decimaalteken.expect("preset sets decimaalteken"),
        invoer: Inputs {
            basis: basis.to_path_buf(),
            jaarverslagen,
            declaraties: patterns,
            tarieven,
            koppeltabel,
            kenmerken,
            files,
        },
        kolommen,
        criteria: Criteria {
            aandeel_aanbieders,
            aandeel_omzet,
            nul_is_positief: criteria.nul_is_positief.expect("preset"),
        },
        clustering: Clustering {
            clusters: clustering.clusters.expect("preset"),
            intramuraal_drempel: drempel,
            drempel_telt_als: clustering.drempel_telt_als.expect("preset"),
            intramurale_leveringsvormen: vormen,
            intramural_forms,
        },
        berekening: Calculation {
            resultaat: calc.resultaat.expect("preset"),
            nhc_nic_strippen: calc.nhc_nic_strippen.expect("preset"),
            omzet_basis: calc.omzet_basis.expect("preset"),
            schaling: calc.schaling.expect("preset"),
            sector_bron: calc.sector_bron.expect("preset"),
            afronding,
            afronden: calc.afronden.expect("preset"),
            ondergrens,
            bovengrens,
        },
        uitsluiting: Exclusions {
            min_omzet,
            min_aandeel_wlz,
            kvk: excluded,
        },
        beleid: Policies {
            bestanden: beleid,
            resolved: policies,
        },
    })
}

/// The shipped policies, `data/beleid/*.toml`: in the working folder (a clone's root) or,
/// for a binary built from this repository, beside its sources. Each goes by
/// `data/beleid/NAME` in messages and the manifest, wherever it was found.
fn shipped_policies() -> Result<Vec<InputPath>, String> {
    let local = Path::new("data/beleid");
    let dir = if local.is_dir() {
        local.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(local)
    };
    let found = expand(&dir, "*.toml").map_err(|e| format!("beleid.bestanden: {e}"))?;
    Ok(found
        .iter()
        .map(|f| InputPath {
            shown: format!("data/beleid/{}", crate::files::shown(f)),
            path: dir.join(f),
        })
        .collect())
}

/// Resolves `[kolommen]`, recording every mistake that would read a wrong column: a name
/// or input the contract does not have, an empty header, a header named `bsn`, two columns
/// of one input read from one header, and a column read from the header of another
/// contract column of its input.
fn columns(file: FileColumns, problems: &mut Problems) -> Columns {
    let mut resolved = Columns::default();
    let header = |key: &str, h: &str, problems: &mut Problems| {
        if h.trim().is_empty() {
            problems.push(Problem::at(key).says("the header to read must not be empty"));
        } else if h.trim().eq_ignore_ascii_case("bsn") {
            problems.push(
                Problem::at(key)
                    .value(format_args!("{h:?}"))
                    .says("a column named bsn is never read; it holds citizen service numbers"),
            );
        }
    };
    for (name, h) in file.flat {
        let key = format!("kolommen.{name}");
        if !Input::ALL.iter().any(|i| i.has(&name)) {
            problems.push(Problem::at(&key).says(format!(
                "not a column of the data contract; expected one of {}, or a column of kenmerken (or a table [kolommen.INPUT] for one input)",
                CONTRACT_COLUMNS.join(", ")
            )));
        }
        header(&key, &h, problems);
        resolved.flat.insert(name, h);
    }
    for (key, table) in file.per_input {
        let Some(input) = Input::parse(&key) else {
            problems.push(Problem::at(format!("kolommen.{key}")).says(format!(
                "not an input; a table under [kolommen] is one of {}",
                Input::ALL.map(Input::key).join(", ")
            )));
            continue;
        };
        for (name, h) in &table {
            let key = format!("kolommen.{key}.{name}");
            if !input.has(name) {
                problems.push(Problem::at(&key).says(format!(
                    "not a column of {}; expected one of {}",
                    input.key(),
                    input.columns().join(", ")
                )));
            }
            header(&key, h, problems);
        }
        resolved.per_input.insert(input, table);
    }
    // A flat mistake shows in every input it applies to: one message, naming them all.
    let mut shared: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut onto: BTreeMap<(String, &str), Vec<&str>> = BTreeMap::new();
    for input in Input::ALL {
        let renamed = resolved.renamed(input);
        let columns = input.columns();
        for (i, (key, column, h)) in renamed.iter().enumerate() {
            let h_shown = format!("{key} = {h:?}");
            for (other_key, _, other) in &renamed[i + 1..] {
                if h.trim().eq_ignore_ascii_case(other.trim()) {
                    let pair = (h_shown.clone(), format!("{other_key} = {other:?}"));
                    shared.entry(pair).or_default().push(input.key());
                }
            }
            if let Some(c) = columns
                .iter()
                .find(|c| *c != column && c.eq_ignore_ascii_case(h.trim()))
            {
                onto.entry((h_shown, c)).or_default().push(input.key());
            }
        }
    }
    for ((a, b), inputs) in shared {
        problems.push(Problem::at(format!("{a} and {b}")).says(format!(
            "two columns of {} read from one header",
            inputs.join(" and ")
        )));
    }
    for ((a, c), inputs) in onto {
        problems.push(Problem::at(a).says(format!(
            "that is the header of the contract column {c} of {}; map it to the header that holds the value",
            inputs.join(" and ")
        )));
    }
    resolved
}

/// Why `full` cannot be read as an input file, if it cannot: it is missing, a folder, or not
/// a regular file (a device or FIFO, which may never end or may block the run).
fn not_a_file(full: &Path) -> Option<String> {
    match std::fs::metadata(full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("no such file ({})", full.display()))
        }
        Err(e) => Some(format!("cannot be read: {e} ({})", full.display())),
        Ok(m) if m.is_dir() => Some(format!("is a folder, not a file ({})", full.display())),
        Ok(m) if !m.is_file() => Some(format!(
            "is not a regular file (a device, FIFO or socket?) ({})",
            full.display()
        )),
        Ok(_) => None,
    }
}

/// Expands one path or glob of a list (declaraties, beleid.bestanden): a plain path must
/// exist; a glob must match at least one file. Results are relative to `basis` as written.
fn expand(basis: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let is_glob = pattern.contains(['*', '?', '[']);
    if !is_glob {
        let full = basis.join(pattern);
        if let Some(problem) = not_a_file(&full) {
            return Err(format!("{pattern:?}: {problem}"));
        }
        return Ok(vec![PathBuf::from(pattern)]);
    }
    let full = basis.join(pattern);
    let full_text = full.to_string_lossy();
    let paths =
        glob::glob(&full_text).map_err(|e| format!("{pattern:?}: not a valid glob: {e}"))?;
    let mut out = Vec::new();
    for p in paths {
        let p = p.map_err(|e| format!("{pattern:?}: {e}"))?;
        if p.is_file() {
            out.push(p.strip_prefix(basis).map(Path::to_path_buf).unwrap_or(p));
        }
    }
    if out.is_empty() {
        return Err(format!(
            "{pattern:?}: the glob matches no file in {}",
            basis.display()
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolve_text(text: &str) -> Result<Config> {
        let dir =
            std::env::temp_dir().join(format!("richttarief-config-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["j.csv", "t.csv", "d1.csv", "d2.csv"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let file = parse_text(text)?;
        resolve(&[&file], &dir)
    }

    fn declaraties(c: &Config) -> Vec<&str> {
        c.invoer.files[&Input::Declaraties]
            .iter()
            .map(|f| f.shown.as_str())
            .collect()
    }

    const INPUTS: &str = "referentiejaar = 2024\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = \"d*.csv\"\n";

    #[test]
    fn default_preset_is_zn_2027_with_clusters_and_stripping() {
        let c = resolve_text(INPUTS).unwrap();
        assert_eq!(c.model, Model::Zn2027);
        assert!(c.clustering.clusters && c.berekening.nhc_nic_strippen);
        assert_eq!(c.criteria.aandeel_omzet, Decimal::new(75, 2));
        assert_eq!(declaraties(&c), ["d1.csv", "d2.csv"]);
    }

    #[test]
    fn policy_files_are_resolved_once_sorted_and_each_once() {
        let c = resolve_text(INPUTS).unwrap();
        let dir = &c.invoer.basis;
        for f in ["p1.toml", "p2.toml", "k.csv"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let shown = |c: &Config| -> Vec<String> {
            let files = c.beleid.files().unwrap();
            files.iter().map(|f| f.shown.clone()).collect()
        };
        let named = resolve_text(&format!(
            "{INPUTS}[beleid]\nbestanden = [\"p2.toml\", \"p*.toml\"]\n"
        ))
        .unwrap();
        assert_eq!(shown(&named), ["p1.toml", "p2.toml"]);
        assert_eq!(named.beleid.files().unwrap()[0].path, dir.join("p1.toml"));
        // Without beleid.bestanden: none, unless the kenmerken ask for policies; then the
        // 14 shipped ones, named as in the repository.
        assert!(shown(&c).is_empty());
        let shipped =
            resolve_text(&INPUTS.replace("[invoer]\n", "[invoer]\nkenmerken = \"k.csv\"\n"))
                .unwrap();
        let names = shown(&shipped);
        assert_eq!(names.len(), 14, "{names:?}");
        assert!(names.iter().all(|n| n.starts_with("data/beleid/")));
        assert!(names.contains(&"data/beleid/cz-vv-2024-2026.toml".to_string()));
        // Resolved, not only named: every one is there to read.
        for f in shipped.beleid.files().unwrap() {
            assert!(f.path.is_file(), "{}", f.path.display());
        }
    }

    #[test]
    fn zn_2024_counts_only_and_overrides_win() {
        let c = resolve_text(&format!(
            "model = \"zn-2024\"\n{INPUTS}[criteria]\naandeel_aanbieders = 0.8\n"
        ))
        .unwrap();
        assert_eq!(c.criteria.aandeel_omzet, Decimal::ZERO);
        assert_eq!(c.berekening.resultaat, ResultDefinition::Bedrijfsresultaat);
        assert_eq!(c.criteria.aandeel_aanbieders, Decimal::new(8, 1));
        assert!(!c.clustering.clusters);
    }

    #[test]
    fn unknown_keys_are_named() {
        let err =
            resolve_text(&format!("{INPUTS}[criteria]\naandeel_aanbiedrs = 0.8\n")).unwrap_err();
        assert!(format!("{err:#}").contains("aandeel_aanbiedrs"), "{err:#}");
    }

    #[test]
    fn every_impossible_value_is_reported_at_once() {
        let err = resolve_text(&format!(
            "{INPUTS}[criteria]\naandeel_omzet = 1.5\n[berekening]\nbovengrens = 0\nafronding = 0\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("3 problems"), "{err}");
        assert!(err.contains("criteria.aandeel_omzet = 1.5"), "{err}");
        assert!(err.contains("berekening.bovengrens = 0"), "{err}");
        assert!(err.contains("berekening.afronding = 0"), "{err}");
    }

    #[test]
    fn missing_files_and_empty_globs_name_key_and_path() {
        let err = resolve_text(
            "referentiejaar = 2024\n[invoer]\njaarverslagen = \"nope.csv\"\ntarieven = \"t.csv\"\ndeclaraties = [\"x/*.gz\"]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("invoer.jaarverslagen = \"nope.csv\": no such file"),
            "{err}"
        );
        assert!(
            err.contains("invoer.declaraties: \"x/*.gz\": the glob matches no file"),
            "{err}"
        );
    }

    #[test]
    fn one_file_named_twice_is_read_once() {
        let c = resolve_text(
            "referentiejaar = 2024\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = [\"d1.csv\", \"./d1.csv\", \"d*.csv\"]\n",
        )
        .unwrap();
        assert_eq!(declaraties(&c), ["d1.csv", "d2.csv"]);
    }

    #[test]
    fn later_layers_override_earlier_ones_key_by_key() {
        let base = parse_text(&format!(
            "{INPUTS}[clustering]\nintramuraal_drempel = 0.02\n"
        ))
        .unwrap();
        let scenario =
            parse_text("model = \"hof-2024\"\n[criteria]\nnul_is_positief = false\n").unwrap();
        let dir =
            std::env::temp_dir().join(format!("richttarief-config-test-{}", std::process::id()));
        resolve_text(INPUTS).unwrap(); // creates the files
        let c = resolve(&[&base, &scenario], &dir).unwrap();
        assert_eq!(c.model, Model::Hof2024);
        assert!(!c.criteria.nul_is_positief);
        assert_eq!(c.clustering.intramuraal_drempel, Decimal::new(2, 2));
    }

    #[test]
    fn kolommen_reads_flat_entries_and_per_input_tables_and_shows_them_as_written() {
        let c = resolve_text(&format!(
            "{INPUTS}[kolommen]\nkvk = \"KvK-nummer\"\n[kolommen.tarieven]\nmax_tarief = \"Tarief\"\n"
        ))
        .unwrap();
        assert_eq!(
            c.kolommen.flat,
            BTreeMap::from([("kvk".to_string(), "KvK-nummer".to_string())])
        );
        assert_eq!(
            c.kolommen.per_input[&Input::Tarieven],
            BTreeMap::from([("max_tarief".to_string(), "Tarief".to_string())])
        );
        assert_eq!(
            serde_json::to_string(&c.kolommen).unwrap(),
            r#"{"kvk":"KvK-nummer","tarieven":{"max_tarief":"Tarief"}}"#
        );
        // No renames at all: the manifest's `{}` of before.
        let c = resolve_text(INPUTS).unwrap();
        assert_eq!(serde_json::to_string(&c.kolommen).unwrap(), "{}");
        // A per-input entry wins over a flat one for its input only.
        let c = resolve_text(&format!(
            "{INPUTS}[kolommen]\nkvk = \"A\"\n[kolommen.koppeltabel]\nkvk = \"B\"\n"
        ))
        .unwrap();
        assert_eq!(
            c.kolommen.of(Input::Koppeltabel).rename("kvk"),
            Rename::Input("B")
        );
        assert_eq!(
            c.kolommen.of(Input::Jaarverslagen).rename("kvk"),
            Rename::Flat("A")
        );
        assert_eq!(c.kolommen.of(Input::Tarieven).rename("kvk"), Rename::None);
    }

    #[test]
    fn kolommen_mistakes_are_named_by_key_all_at_once() {
        let err = resolve_text(&format!(
            "{INPUTS}[kolommen]\nagb = \"id\"\nkvk = \"ID\"\nnaam = \"BSN\"\n\
             [kolommen.koppeltabel]\nnaam = \"x\"\n[kolommen.jaarverslag]\nkvk = \"y\"\n\
             [kolommen.tarieven]\ncomponent = \"Sector\"\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("5 problems"), "{err}");
        for expected in [
            // The flat pair clashes in both inputs that have agb and kvk: one message.
            "kolommen.agb = \"id\" and kolommen.kvk = \"ID\": two columns of declaraties and koppeltabel read from one header",
            "kolommen.naam = \"BSN\": a column named bsn is never read",
            "kolommen.koppeltabel.naam: not a column of koppeltabel; expected one of agb, kvk",
            "kolommen.jaarverslag: not an input; a table under [kolommen] is one of jaarverslagen, declaraties, tarieven, koppeltabel, kenmerken",
            "kolommen.tarieven.component = \"Sector\": that is the header of the contract column sector of tarieven",
        ] {
            assert!(err.contains(expected), "lacks {expected:?}:\n{err}");
        }
    }

    #[test]
    fn one_header_for_columns_of_different_inputs_is_allowed() {
        // B of the jaarverslagen and the tariff are never read from the same file.
        let c = resolve_text(&format!(
            "{INPUTS}[kolommen]\nbedrijfsopbrengsten = \"Totaal\"\nmax_tarief = \"Totaal\"\n"
        ));
        assert!(c.is_ok(), "{:#}", c.unwrap_err());
    }

    #[test]
    fn a_kvk_twice_on_the_exclusion_list_is_refused() {
        let err = resolve_text(&format!(
            "{INPUTS}[uitsluiting]\nkvk = [{{ kvk = \"12345678\", reden = \"a\" }}, {{ kvk = \"87654321\", reden = \"b\" }}, {{ kvk = \" 12345678\", reden = \"c\" }}]\n"
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(
                "uitsluiting.kvk[3].kvk = \" 12345678\": already listed as uitsluiting.kvk[1]"
            ),
            "{err}"
        );
    }

    #[test]
    fn per_input_renames_add_up_over_layers() {
        let base = parse_text(&format!(
            "{INPUTS}[kolommen.jaarverslagen]\nkvk = \"KvK-nummer\"\n"
        ))
        .unwrap();
        let scenario = parse_text(
            "[kolommen.jaarverslagen]\nnaam = \"Naam\"\n[kolommen]\nagb = \"AGB-code\"\n",
        )
        .unwrap();
        let dir =
            std::env::temp_dir().join(format!("richttarief-config-test-{}", std::process::id()));
        resolve_text(INPUTS).unwrap(); // creates the files
        let c = resolve(&[&base, &scenario], &dir).unwrap();
        assert_eq!(
            c.kolommen.per_input[&Input::Jaarverslagen].len(),
            2,
            "{:?}",
            c.kolommen
        );
        assert_eq!(c.kolommen.flat.len(), 1);
    }
}
