//! The DigiMV variable map: which published variable gives each contract column of the
//! jaarverslagen, and which `ja`/`nee` flags give the sector, for one boekjaar. Read from
//! TOML (a shipped map under `data/digimv/`, or a user's file), with every name marked with
//! how certain it is and where it comes from.
//!
//! Names move and differ by year, and several are not known at all, so a map may say
//! "unknown" for an entry; resolving such an entry for a run is an error that names it and
//! the command that finds it. This module reads no dataset and decides nothing about the
//! RTP: it only names variables. It is part of the data contract's types, so that the
//! configuration can resolve a map before any data is read.

use std::collections::BTreeMap;

use anyhow::{bail, Result};
use serde::Deserialize;

use crate::model::Sector;

/// The contract columns a DigiMV variable can give, in the jaarverslagen table's order,
/// with the kind of value each one holds.
pub(crate) const COLUMNS: &[(&str, Kind)] = &[
    ("kvk", Kind::Identifier),
    ("naam", Kind::Text),
    ("bedrijfsopbrengsten", Kind::Money),
    ("opbrengsten_wlz", Kind::Money),
    ("bedrijfslasten", Kind::Money),
    ("financiele_baten", Kind::Money),
    ("financiele_lasten", Kind::Money),
    ("resultaat", Kind::Money),
];

/// The columns every run needs (the others are required only by some configurations).
pub const REQUIRED: &[&str] = &[
    "kvk",
    "naam",
    "bedrijfsopbrengsten",
    "bedrijfslasten",
    "financiele_baten",
    "financiele_lasten",
];

/// What a cell of a variable is read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An eight-digit number that a numeric cell holds without its leading zeros.
    Identifier,
    Text,
    /// An exact amount in euros.
    Money,
    /// `ja` or `nee`, in any case.
    Flag,
}

/// How certain a variable name is, as the facts about the published files say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Zekerheid {
    /// A pipeline demonstrably ran on the real file, or two independent sources agree.
    Geverifieerd,
    /// One source that appears to have been written against the real file.
    EenBron,
    /// A candidate tried by third-party code, with no sign it ran on the file.
    Geraden,
    /// Inferred from verified names; to be checked on the first real file.
    Afgeleid,
    /// No name is known.
    Onbekend,
    /// Given by the user in the configuration.
    Opgegeven,
}

impl Zekerheid {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Zekerheid::Geverifieerd => "geverifieerd",
            Zekerheid::EenBron => "een_bron",
            Zekerheid::Geraden => "geraden",
            Zekerheid::Afgeleid => "afgeleid",
            Zekerheid::Onbekend => "onbekend",
            Zekerheid::Opgegeven => "opgegeven",
        }
    }
}

/// One published variable name with its certainty and source.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naam {
    /// The full published name, suffix included; absent when unknown.
    pub naam: Option<String>,
    pub zekerheid: Zekerheid,
    /// Where the name comes from, in words.
    pub bron: String,
}

/// A contract column's entry: the reporting entity's variable, and the consolidated one.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    #[serde(flatten)]
    pub enkelvoudig: Naam,
    /// The `…Cons` variable. Identity columns (`kvk`, `naam`) have one name for both.
    pub geconsolideerd: Option<Naam>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    boekjaar: i32,
    #[serde(default)]
    variabelen: BTreeMap<String, Entry>,
    #[serde(default)]
    sector: BTreeMap<String, Naam>,
}

/// A variable map for one boekjaar, with any names the user gave.
#[derive(Debug, Clone, PartialEq)]
pub struct VariableMap {
    /// Where the map came from, for messages ("the shipped map for 2023", a file name).
    pub bron: String,
    pub boekjaar: i32,
    pub variabelen: BTreeMap<String, Entry>,
    pub(crate) sector: BTreeMap<Sector, Naam>,
    /// Names the user gave (`[digimv.variabelen]`): they win over both of an entry's names.
    pub opgegeven: BTreeMap<String, String>,
}

/// The map resolved for a run: one variable per column, entity or consolidated.
#[derive(Debug, Clone, PartialEq)]
pub struct Resolved {
    pub boekjaar: i32,
    pub geconsolideerd: bool,
    /// (contract column, variable, certainty), in `COLUMNS` order.
    pub columns: Vec<(&'static str, String, Zekerheid)>,
    /// The sector flags the map names.
    pub(crate) sector: Vec<(Sector, String)>,
}

/// The boekjaren a map is shipped for.
pub const SHIPPED: &[i32] = &[2022, 2023, 2024];

impl VariableMap {
    /// The map shipped for `boekjaar`, built into the program.
    pub fn shipped(boekjaar: i32) -> Result<VariableMap> {
        let text = match boekjaar {
            2022 => include_str!("../../data/digimv/2022.toml"),
            2023 => include_str!("../../data/digimv/2023.toml"),
            2024 => include_str!("../../data/digimv/2024.toml"),
            _ => bail!(
                "no DigiMV variable map is shipped for boekjaar {boekjaar} (only for {}); \
                 name your own map file with `variabelen = \"FILE\"` in [digimv]",
                SHIPPED
                    .iter()
                    .map(i32::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        VariableMap::parse(text, &format!("the shipped DigiMV map for {boekjaar}"))
    }

    /// A map from TOML text; `shown` names it in messages.
    pub fn parse(text: &str, shown: &str) -> Result<VariableMap> {
        let file: File = toml::from_str(text).map_err(|e| anyhow::anyhow!("{shown}: {e}"))?;
        for (column, entry) in &file.variabelen {
            check_column(shown, column)?;
            let is_money = kind_of(column) == Some(Kind::Money);
            if is_money && entry.geconsolideerd.is_none() {
                bail!(
                    "{shown}: [variabelen.{column}] has no `geconsolideerd` name; an amount \
                     needs one (with zekerheid = \"onbekend\" when it is not known)"
                );
            }
            for naam in std::iter::once(&entry.enkelvoudig).chain(&entry.geconsolideerd) {
                check_naam(shown, column, naam)?;
            }
        }
        let mut sector = BTreeMap::new();
        for (key, naam) in file.sector {
            let s = Sector::parse(&key).map_err(|e| anyhow::anyhow!("{shown}: [sector]: {e}"))?;
            check_naam(shown, &key, &naam)?;
            sector.insert(s, naam);
        }
        Ok(VariableMap {
            bron: shown.to_string(),
            boekjaar: file.boekjaar,
            variabelen: file.variabelen,
            sector,
            opgegeven: BTreeMap::new(),
        })
    }

    /// Sets the variable of a contract column (`[digimv.variabelen]`): the full published
    /// name, which wins over the map's entity and consolidated names alike.
    pub fn set_variable(&mut self, column: &str, name: &str) -> Result<()> {
        check_column("[digimv.variabelen]", column)?;
        if name.trim().is_empty() {
            bail!("[digimv.variabelen]: {column} is empty; give the full published variable name");
        }
        self.opgegeven
            .insert(column.to_string(), name.trim().to_string());
        Ok(())
    }

    /// Sets the flag of a sector (`[digimv.sector]`, `VV = "qTypeWTZaZorg_13"`).
    pub fn set_sector(&mut self, sector: &str, name: &str) -> Result<()> {
        let s = Sector::parse(sector).map_err(|e| anyhow::anyhow!("[digimv.sector]: {e}"))?;
        self.sector.insert(
            s,
            Naam {
                naam: Some(name.trim().to_string()),
                zekerheid: Zekerheid::Opgegeven,
                bron: "the configuration's [digimv.sector]".into(),
            },
        );
        Ok(())
    }

    /// One variable per column for a run. A `required` column without a known name is an
    /// error naming every such column and the command that finds their names; other
    /// columns without one are left out.
    pub fn resolve(&self, geconsolideerd: bool, required: &[&str]) -> Result<Resolved> {
        let mut columns = Vec::new();
        let mut unknown = Vec::new();
        for &(column, _) in COLUMNS {
            let chosen = match self.opgegeven.get(column) {
                Some(name) => Some((name.clone(), Zekerheid::Opgegeven)),
                None => self.variabelen.get(column).and_then(|entry| {
                    let naam = match (&entry.geconsolideerd, geconsolideerd) {
                        (Some(cons), true) => cons,
                        _ => &entry.enkelvoudig,
                    };
                    naam.naam.clone().map(|n| (n, naam.zekerheid))
                }),
            };
            match chosen {
                Some((name, zekerheid)) => columns.push((column, name, zekerheid)),
                None if required.contains(&column) => unknown.push(column),
                None => {}
            }
        }
        if !unknown.is_empty() {
            let which = if geconsolideerd {
                "consolidated"
            } else {
                "entity"
            };
            bail!(
                "{} (boekjaar {}) names no {which} variable for {}: the name is not known. \
                 Find it in the dataset with `richttarief digimv variabelen FILE --zoek REGEX` \
                 (for example --zoek 'lasten|financ') and set it in the configuration: \
                 [digimv.variabelen] {} = \"<variable>\"",
                self.bron,
                self.boekjaar,
                unknown.join(", "),
                unknown[0]
            );
        }
        let sector = self
            .sector
            .iter()
            .filter_map(|(s, n)| n.naam.clone().map(|name| (*s, name)))
            .collect();
        Ok(Resolved {
            boekjaar: self.boekjaar,
            geconsolideerd,
            columns,
            sector,
        })
    }
}

fn kind_of(column: &str) -> Option<Kind> {
    COLUMNS.iter().find(|(c, _)| *c == column).map(|(_, k)| *k)
}

fn check_column(shown: &str, column: &str) -> Result<()> {
    if kind_of(column).is_none() {
        bail!(
            "{shown}: {column:?} is not a jaarverslagen column a DigiMV variable can give; \
             expected one of {}",
            COLUMNS.iter().map(|c| c.0).collect::<Vec<_>>().join(", ")
        );
    }
    Ok(())
}

fn check_naam(shown: &str, key: &str, naam: &Naam) -> Result<()> {
    match (&naam.naam, naam.zekerheid) {
        (None, Zekerheid::Onbekend) => Ok(()),
        (None, z) => bail!(
            "{shown}: {key} has zekerheid {:?} but no naam; an unknown name is marked \"onbekend\"",
            z.as_str()
        ),
        (Some(n), Zekerheid::Onbekend) => {
            bail!("{shown}: {key} is marked \"onbekend\" but names {n:?}")
        }
        (Some(n), _) if n.trim().is_empty() || n.contains(char::is_whitespace) => {
            bail!("{shown}: {key}: {n:?} is not a variable name")
        }
        _ => Ok(()),
    }
}

impl Resolved {
    /// The kind of value a contract column holds.
    pub(crate) fn kind(column: &str) -> Kind {
        kind_of(column).expect("a column of COLUMNS")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_shipped_map_loads_and_marks_the_unknown_costs() {
        for &year in SHIPPED {
            let map = VariableMap::shipped(year).unwrap();
            assert_eq!(map.boekjaar, year);
            // The facts know no name for total costs or financial income and expenses in
            // any year; a shipped map that named one would be inventing it.
            for column in ["bedrijfslasten", "financiele_baten", "financiele_lasten"] {
                let entry = &map.variabelen[column];
                assert_eq!(
                    entry.enkelvoudig.zekerheid,
                    Zekerheid::Onbekend,
                    "{year} {column}"
                );
                assert_eq!(entry.enkelvoudig.naam, None);
            }
            assert_eq!(
                map.variabelen["bedrijfsopbrengsten"]
                    .geconsolideerd
                    .as_ref()
                    .and_then(|n| n.naam.as_deref()),
                Some("qTotaalBaten_0Cons")
            );
            assert_eq!(
                map.sector[&Sector::Vv].naam.as_deref(),
                Some("qTypeWTZaZorg_13")
            );
        }
        // 2023 is the year a pipeline ran on: its identity names are verified.
        let map = VariableMap::shipped(2023).unwrap();
        assert_eq!(
            map.variabelen["kvk"].enkelvoudig.zekerheid,
            Zekerheid::Geverifieerd
        );
    }

    #[test]
    fn an_unknown_required_variable_names_itself_and_the_search_command() {
        let map = VariableMap::shipped(2023).unwrap();
        let e = map.resolve(true, REQUIRED).unwrap_err().to_string();
        assert!(
            e.contains("bedrijfslasten, financiele_baten, financiele_lasten"),
            "{e}"
        );
        assert!(
            e.contains("richttarief digimv variabelen FILE --zoek REGEX"),
            "{e}"
        );
        assert!(e.contains("[digimv.variabelen] bedrijfslasten"), "{e}");
    }

    #[test]
    fn user_names_win_and_geconsolideerd_picks_the_cons_variable() {
        let mut map = VariableMap::shipped(2024).unwrap();
        map.set_variable("bedrijfslasten", "qTotaalLasten_0")
            .unwrap();
        map.set_variable("financiele_baten", "qFinBaten_0").unwrap();
        map.set_variable("financiele_lasten", "qFinLasten_0")
            .unwrap();
        map.set_sector("GGZ", "qAnders_8").unwrap();
        let cons = map.resolve(true, REQUIRED).unwrap();
        let name = |r: &Resolved, c: &str| {
            r.columns
                .iter()
                .find(|x| x.0 == c)
                .map(|x| (x.1.clone(), x.2))
        };
        assert_eq!(
            name(&cons, "bedrijfsopbrengsten").unwrap().0,
            "qTotaalBaten_0Cons"
        );
        assert_eq!(
            name(&cons, "bedrijfslasten"),
            Some(("qTotaalLasten_0".into(), Zekerheid::Opgegeven))
        );
        // Identity columns have one name for entity and consolidated figures.
        assert_eq!(name(&cons, "kvk").unwrap().0, "ExternalOrganizationId");
        let entity = map.resolve(false, REQUIRED).unwrap();
        assert_eq!(
            name(&entity, "bedrijfsopbrengsten").unwrap().0,
            "qTotaalBaten_0"
        );
        assert!(cons.sector.contains(&(Sector::Ggz, "qAnders_8".into())));
    }

    #[test]
    fn a_map_is_checked_for_unknown_columns_and_inconsistent_marks() {
        let bad = [
            ("boekjaar = 2023\n[variabelen.omzet]\nnaam = \"x\"\nzekerheid = \"geraden\"\nbron = \"b\"\n", "\"omzet\" is not a jaarverslagen column"),
            ("boekjaar = 2023\n[variabelen.kvk]\nzekerheid = \"geraden\"\nbron = \"b\"\n", "kvk has zekerheid \"geraden\" but no naam"),
            ("boekjaar = 2023\n[variabelen.bedrijfslasten]\nnaam = \"x\"\nzekerheid = \"geraden\"\nbron = \"b\"\n", "has no `geconsolideerd` name"),
            ("boekjaar = 2023\n[sector.VVT]\nnaam = \"x\"\nzekerheid = \"geraden\"\nbron = \"b\"\n", "unknown sector \"VVT\""),
        ];
        for (text, expected) in bad {
            let e = VariableMap::parse(text, "m.toml").unwrap_err().to_string();
            assert!(
                e.starts_with("m.toml") || e.starts_with("[sector]") || e.contains("m.toml"),
                "{e}"
            );
            assert!(e.contains(expected), "{e}");
        }
    }
}
