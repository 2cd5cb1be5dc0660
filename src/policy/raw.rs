//! The policy file's shape: what a file of `data/beleid/` may hold (serde,
//! `deny_unknown_fields`), with the position the TOML parser gives. Types only; whether a
//! value is possible is `parse`'s.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::config::Num;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolicyFile {
    pub(super) zorgkantoor: String,
    pub(super) sector: String,
    pub(super) periode: String,
    pub(super) bron: String,
    pub(super) basis: BaseFile,
    /// Percent paid on NHC/NIC (default 100).
    pub(super) kapitaal: Option<Num>,
    /// Percent (default 100, at most 100).
    pub(super) bovengrens: Option<Num>,
    /// Percent (none by default: a result below 0 is an error, not a 0% tariff).
    pub(super) ondergrens: Option<Num>,
    /// A fraction (0.05 = 5%): providers whose result margin at their tariff exceeds this
    /// are listed for a conversation about a lower percentage.
    pub(super) gesprek_resultaat_boven: Option<Num>,
    #[serde(default)]
    pub(super) regel: Vec<RuleFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct BaseFile {
    pub(super) rtp: Option<bool>,
    pub(super) percentage: Option<Num>,
    pub(super) kenmerk: Option<String>,
    /// With `kenmerk`: the percentage for a provider without that characteristic
    /// (default: the RTP of its group).
    pub(super) anders: Option<Num>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleFile {
    pub(super) naam: String,
    pub(super) bron: String,
    pub(super) plus: Option<Num>,
    pub(super) min: Option<Num>,
    pub(super) zet: Option<Num>,
    pub(super) plus_kenmerk: Option<String>,
    pub(super) zet_kenmerk: Option<String>,
    pub(super) maximum: Option<Num>,
    pub(super) voorrang: Option<i64>,
    pub(super) prestaties: Option<Vec<String>>,
    pub(super) leveringsvorm: Option<Vec<String>>,
    #[serde(default)]
    pub(super) als: BTreeMap<String, toml::Value>,
}
