//! The policy file's shape: what a file of `data/beleid/` may hold (serde,
//! `deny_unknown_fields`), with the position the TOML parser gives. Types only; whether a
//! value is possible is `parse`'s. A value that may be written in more than one form (a
//! number or a number per year, a bron table or a refused free string, a setting as a
//! number or a table) is kept as TOML here and read by `parse`, which can then say how to
//! write it.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::Num;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyFile {
    pub(super) zorgkantoor: String,
    pub(super) sector: String,
    pub(super) periode: String,
    pub(super) bron: toml::Value,
    /// The documents the file cites, by the key a `bron` names.
    #[serde(default)]
    pub(super) bronnen: BTreeMap<String, SourceFile>,
    pub(super) basis: BaseFile,
    /// Percent paid on NHC/NIC (default 100): a number, per year, or a table with `bron`.
    pub(super) kapitaal: Option<toml::Value>,
    /// Percent (default 100, at most 100), as `kapitaal`.
    pub(super) bovengrens: Option<toml::Value>,
    /// Percent (none by default: a result below 0 is an error, not a 0% tariff).
    pub(super) ondergrens: Option<toml::Value>,
    /// A fraction (0.05 = 5%): shorthand for one `[[gesprek]]` on the margin at the tariffs.
    pub(super) gesprek_resultaat_boven: Option<Num>,
    #[serde(default)]
    pub(super) regel: Vec<RuleFile>,
    #[serde(default)]
    pub(super) bedrag: Vec<AmountFile>,
    #[serde(default)]
    pub(super) gesprek: Vec<TalkFile>,
    pub(super) hardheidsclausule: Option<HardshipFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct SourceFile {
    pub(super) document: String,
    pub(super) uitgever: String,
    pub(super) datum: String,
    pub(super) primair: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BaseFile {
    pub(super) rtp: Option<bool>,
    pub(super) percentage: Option<toml::Value>,
    pub(super) kenmerk: Option<String>,
    /// With `kenmerk`: the percentage for a provider without that characteristic (default:
    /// the RTP of its group), or "geen": no percentage at all.
    pub(super) anders: Option<toml::Value>,
    pub(super) bron: Option<toml::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    pub(super) naam: String,
    pub(super) bron: Option<toml::Value>,
    pub(super) plus: Option<toml::Value>,
    pub(super) min: Option<toml::Value>,
    pub(super) zet: Option<toml::Value>,
    pub(super) plus_kenmerk: Option<String>,
    pub(super) zet_kenmerk: Option<String>,
    pub(super) niet_gecontracteerd: Option<bool>,
    pub(super) maximum: Option<toml::Value>,
    pub(super) minimum: Option<toml::Value>,
    pub(super) voorrang: Option<i64>,
    pub(super) prestaties: Option<Vec<String>>,
    pub(super) leveringsvorm: Option<Vec<String>>,
    #[serde(default)]
    pub(super) als: BTreeMap<String, toml::Value>,
    pub(super) als_een_van: Option<Vec<BTreeMap<String, toml::Value>>>,
    pub(super) uitgeschakeld: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AmountFile {
    pub(super) naam: String,
    pub(super) soort: String,
    pub(super) bron: Option<toml::Value>,
    pub(super) bedrag: Option<toml::Value>,
    pub(super) aantal_kenmerk: Option<String>,
    pub(super) bedrag_kenmerk: Option<String>,
    pub(super) aandeel_kosten: Option<toml::Value>,
    pub(super) aandeel_contracteerruimte: Option<toml::Value>,
    pub(super) maximum: Option<Num>,
    #[serde(default)]
    pub(super) als: BTreeMap<String, toml::Value>,
    pub(super) als_een_van: Option<Vec<BTreeMap<String, toml::Value>>>,
    pub(super) uitgeschakeld: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TalkFile {
    pub(super) naam: String,
    pub(super) bron: Option<toml::Value>,
    #[serde(default)]
    pub(super) als: BTreeMap<String, toml::Value>,
    pub(super) als_een_van: Option<Vec<BTreeMap<String, toml::Value>>>,
    pub(super) uitgeschakeld: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct HardshipFile {
    #[serde(default)]
    pub(super) criteria: Vec<String>,
    pub(super) uiterlijk: Option<String>,
    pub(super) geen: Option<bool>,
    pub(super) bron: Option<toml::Value>,
}
