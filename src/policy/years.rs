//! Contract years: a policy's `periode` (YYYY or YYYY-YYYY) and the numbers that may be
//! written once or per year (`{ 2024 = 0.3, 2025 = 0.3 }`), each year within the period.
//!
//! It reads numbers and years only; what a number means (points, percent, euros) and its
//! range are for the caller.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::Num;

/// The contract years a policy covers, both ends included.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Period {
    pub van: i32,
    pub tot: i32,
}

impl Period {
    /// `2024` or `2024-2026`.
    pub(super) fn parse(s: &str) -> Result<Period, String> {
        let year = |y: &str| -> Option<i32> {
            (y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
                .then(|| y.parse().ok())
                .flatten()
        };
        let bad = || format!("{s:?}: write one year (2024) or a range (2024-2026)");
        let (van, tot) = match s.split_once('-') {
            None => {
                let y = year(s).ok_or_else(bad)?;
                (y, y)
            }
            Some((a, b)) => (year(a).ok_or_else(bad)?, year(b).ok_or_else(bad)?),
        };
        if tot < van {
            return Err(format!("{s:?}: the last year is before the first"));
        }
        Ok(Period { van, tot })
    }

    pub(crate) fn contains(&self, year: i32) -> bool {
        (self.van..=self.tot).contains(&year)
    }

    pub(crate) fn years(&self) -> impl Iterator<Item = i32> {
        self.van..=self.tot
    }
}

/// A number given once, for every year of the period, or per year.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Yearly {
    Always(Decimal),
    PerYear(BTreeMap<i32, Decimal>),
}

impl Yearly {
    /// The value for `year`; none when the policy gives it per year and not for this one.
    pub(crate) fn get(&self, year: i32) -> Option<Decimal> {
        match self {
            Yearly::Always(v) => Some(*v),
            Yearly::PerYear(m) => m.get(&year).copied(),
        }
    }

    /// Every value given, to check each against a range.
    pub(super) fn values(&self) -> Vec<Decimal> {
        match self {
            Yearly::Always(v) => vec![*v],
            Yearly::PerYear(m) => m.values().copied().collect(),
        }
    }

    /// The years a per-year value names; none when it holds for every year.
    pub(crate) fn years(&self) -> Option<Vec<i32>> {
        match self {
            Yearly::Always(_) => None,
            Yearly::PerYear(m) => Some(m.keys().copied().collect()),
        }
    }

    /// As the lint shows it: `0.3` or `2024: 0.3, 2025: 0.4`.
    pub(crate) fn shown(&self, unit: &str) -> String {
        match self {
            Yearly::Always(v) => format!("{}{unit}", v.normalize()),
            Yearly::PerYear(m) => m
                .iter()
                .map(|(y, v)| format!("{y}: {}{unit}", v.normalize()))
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// Whether a TOML table is written per year (every key a year), as against a table of
/// named fields (`{ van = "rtp" }`).
pub(super) fn is_per_year(t: &toml::map::Map<String, toml::Value>) -> bool {
    !t.is_empty() && t.keys().all(|k| k.bytes().all(|b| b.is_ascii_digit()))
}

/// A number or a per-year table of numbers, each year within `period`.
pub(super) fn yearly(value: &toml::Value, period: Period) -> Result<Yearly, String> {
    let number = |v: &toml::Value| -> Result<Decimal, String> {
        Num::deserialize(v.clone())
            .map(|n| n.0)
            .map_err(|_| format!("{v}: write a number"))
    };
    match value {
        toml::Value::Table(t) if is_per_year(t) => {
            let mut m = BTreeMap::new();
            for (k, v) in t {
                let year: i32 = k.parse().map_err(|_| format!("{k:?} is not a year"))?;
                if !period.contains(year) {
                    return Err(format!(
                        "{year} is outside the periode {}-{}",
                        period.van, period.tot
                    ));
                }
                m.insert(year, number(v)?);
            }
            Ok(Yearly::PerYear(m))
        }
        toml::Value::Table(_) => {
            Err("write a number, or numbers per year as { 2024 = …, 2025 = … }".into())
        }
        v => number(v).map(Yearly::Always),
    }
}
