//! The validated configuration: `Config` and the types it is made of, in the contract's
//! words (serialising it gives the manifest's `configuratie`), and what a reader is handed of
//! it (`Config::input`, `InputSpec`, the column mapping).
//!
//! Values here have been checked (`validate`) and every path resolved (`paths`); this
//! module reads nothing and checks nothing itself.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::model::{Kvk, Leveringsvorm, AGGREGATEN_COLUMNS, JAARVERSLAGEN_COLUMNS};

use super::DecimalSign;

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

/// `invoer.declaraties_bedrag`: which amount of a Vektis claim line is its bedrag. AW320
/// return files hold both what was declared and what the zorgkantoor granted (toegekend);
/// AW319 files hold only the declared amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ClaimAmount {
    Toegekend,
    Gedeclareerd,
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
    /// The DigiMV dataset's variable map; absent for a tidy jaarverslagen table, so that
    /// those manifests are unchanged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) digimv: Option<Digimv>,
}

/// `[digimv]` resolved: the settings as written and the variable of every column the run
/// reads, so that the manifest records the names a run used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Digimv {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) jaar: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) variabelen: Option<super::raw::FileDigimvVariables>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) sector: BTreeMap<String, String>,
    pub(crate) geconsolideerd: bool,
    /// Contract column → the published variable read for it.
    pub(crate) gebruikt: BTreeMap<String, String>,
    /// Sector → the flag read for it.
    pub(crate) gebruikt_sector: BTreeMap<String, String>,
    #[serde(skip)]
    pub(crate) resolved: crate::model::digimv::Resolved,
}

/// The zorgkantoor policies `tarieven` applies (see `crate::policy`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Policies {
    /// Policy files and globs, relative to the configuration's folder.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) bestanden: Vec<String>,
    /// The year of the contracts priced: a policy applies when its period holds it. Default
    /// `referentiejaar` (the figures' year); `tarieven --contractjaar` overrides it.
    pub(crate) contractjaar: i32,
    /// Whether the configuration or the command line gave `contractjaar`: only then is it
    /// shown without policy files, so that runs which price nothing keep their manifests.
    #[serde(skip)]
    pub(crate) contractjaar_gegeven: bool,
    /// The vocabulary of characteristics as written (none: the shipped one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kenmerken: Option<String>,
    /// The files they name, sorted, each once; without `bestanden`, the shipped policies in
    /// `data/beleid/` when `invoer.kenmerken` asks for policies. Why there are none when the
    /// shipped folder cannot be found: only the commands that apply policies need them, so
    /// only they fail for it (see `files`).
    #[serde(skip)]
    pub(super) resolved: Result<Vec<InputPath>, String>,
    /// The vocabulary file, resolved; why it cannot be found, for the commands that need it.
    #[serde(skip)]
    pub(super) vocabulary: Result<InputPath, String>,
}

impl Policies {
    pub(crate) fn is_empty(&self) -> bool {
        self.bestanden.is_empty() && !self.contractjaar_gegeven
    }

    /// `tarieven --contractjaar`: the year given on the command line, over the file's.
    pub(crate) fn set_contractjaar(&mut self, year: i32) {
        self.contractjaar = year;
        self.contractjaar_gegeven = true;
    }

    /// The vocabulary of characteristics the kenmerken input and the policies use.
    pub(crate) fn vocabulary(&self) -> Result<&InputPath> {
        match &self.vocabulary {
            Ok(file) => Ok(file),
            Err(e) => bail!("{e}"),
        }
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
    pub(super) fn new(basis: &Path, written: &Path) -> InputPath {
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
    /// For the declaraties: the amount a Vektis file's claim line counts, when configured
    /// (`invoer.declaraties_bedrag`); unset, the granted amount of an AW320 file and the
    /// declared amount of an AW319 file.
    pub(crate) amount: Option<ClaimAmount>,
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
            amount: self.invoer.declaraties_bedrag,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Inputs {
    /// The folder paths are relative to (the configuration file's folder).
    #[serde(skip)]
    pub(crate) basis: PathBuf,
    /// As written: one path, or the DigiMV dataset's parts.
    #[serde(skip_serializing_if = "Written::is_empty")]
    pub(crate) jaarverslagen: Written,
    /// The patterns as written in the configuration.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) declaraties: Vec<String>,
    /// Which amount of a Vektis AW319/AW320 claim line is read; absent from the manifest
    /// when not configured, so that other runs keep their manifests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) declaraties_bedrag: Option<ClaimAmount>,
    #[serde(skip_serializing_if = "is_empty_path")]
    pub(crate) tarieven: PathBuf,
    pub(crate) koppeltabel: Option<PathBuf>,
    /// Provider characteristics per zorgkantoor, for `tarieven`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) kenmerken: Option<PathBuf>,
    /// The zorgkantoren's contracteerruimte per year, for `tarieven`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) contracteerruimte: Option<PathBuf>,
    /// A verification bundle's `aggregaten.csv`, read in place of the four inputs above,
    /// which are then empty and left out of the manifest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) aggregaten: Option<PathBuf>,
    /// Every configured input's files, resolved: the declaraties' patterns expanded,
    /// sorted, each real file once. `Config::input` hands them to the readers.
    #[serde(skip)]
    pub(crate) files: BTreeMap<Input, Vec<InputPath>>,
}

fn is_empty_path(p: &Path) -> bool {
    p.as_os_str().is_empty()
}

/// Paths as the configuration wrote them: one, or a list (of paths and globs).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub(crate) enum Written {
    One(PathBuf),
    Many(Vec<String>),
}

impl Written {
    /// Nothing written: a configuration that reads a bundle names no jaarverslagen.
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Written::One(p) => p.as_os_str().is_empty(),
            Written::Many(ps) => ps.is_empty(),
        }
    }
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
    "eenheid",
];

/// The input files whose columns `[kolommen.INPUT]` renames, in the contract's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Input {
    Jaarverslagen,
    Declaraties,
    Tarieven,
    Koppeltabel,
    Kenmerken,
    /// The zorgkantoren's budget per year (`zorgkantoor`, `jaar`, `bedrag`), for `tarieven`.
    Contracteerruimte,
    /// A verification bundle's per-provider figures, in place of the jaarverslagen, the
    /// declaraties, the tarieven and the koppeltabel. Not in `ALL`: its columns are the
    /// bundle's own and `[kolommen]` does not rename them.
    Aggregaten,
}

impl Input {
    pub(crate) const ALL: [Input; 6] = [
        Input::Jaarverslagen,
        Input::Declaraties,
        Input::Tarieven,
        Input::Koppeltabel,
        Input::Kenmerken,
        Input::Contracteerruimte,
    ];

    /// The key of its table under `[kolommen]`, and its role in the manifest.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Input::Jaarverslagen => "jaarverslagen",
            Input::Declaraties => "declaraties",
            Input::Tarieven => "tarieven",
            Input::Koppeltabel => "koppeltabel",
            Input::Kenmerken => "kenmerken",
            Input::Contracteerruimte => "contracteerruimte",
            Input::Aggregaten => "aggregaten",
        }
    }

    pub(super) fn parse(key: &str) -> Option<Input> {
        Input::ALL.into_iter().find(|i| i.key() == key)
    }

    /// The contract columns of this input, required or not.
    pub(crate) fn columns(self) -> Vec<&'static str> {
        let fixed: &[&'static str] = match self {
            Input::Jaarverslagen => &JAARVERSLAGEN_COLUMNS,
            Input::Declaraties => &[
                "agb",
                "kvk",
                "jaar",
                "prestatiecode",
                "aantal",
                "bedrag",
                "eenheid",
            ],
            Input::Tarieven => &[
                "jaar",
                "prestatiecode",
                "omschrijving",
                "sector",
                "leveringsvorm",
                "component",
                "max_tarief",
                "kapitaal_per_eenheid",
                "eenheid",
            ],
            Input::Koppeltabel => &["agb", "kvk"],
            Input::Kenmerken => &["kvk", "zorgkantoor", "aandeel", "naam"],
            Input::Contracteerruimte => &["zorgkantoor", "jaar", "bedrag"],
            Input::Aggregaten => &AGGREGATEN_COLUMNS,
        };
        // The kenmerken input's characteristics are the vocabulary's, which is data: its
        // reader checks their names (`kolommen.kenmerken.NAME` included).
        fixed.to_vec()
    }

    pub(super) fn has(self, column: &str) -> bool {
        self.columns().contains(&column)
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
    pub(super) fn renamed(&self, input: Input) -> Vec<(String, &'static str, &str)> {
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
    /// An empty mapping: every column under its own name (for the readers' tests, and for
    /// a file no `[kolommen]` applies to, such as a scenario's corrections).
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

    /// The names this input's own `[kolommen.INPUT]` table renames.
    pub(crate) fn own_names(&self) -> impl Iterator<Item = &'a str> {
        self.own
            .into_iter()
            .flat_map(|t| t.keys().map(String::as_str))
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
