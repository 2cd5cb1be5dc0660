//! The set's accounts as the DigiMV open dataset publishes them (`generate --digimv`): the
//! same providers and figures as `jaarverslagen.csv`, written by `digimv` as a workbook in
//! the published layout, and `richttarief-digimv.toml`, the set's configuration that reads
//! that workbook instead of the tidy table.
//!
//! The configuration names every variable in `[digimv.variabelen]` and `[digimv.sector]`,
//! so no unknown entry of a shipped map stops it; names the published files are not known
//! to use (the costs, the financial income and expenses) are made up here and said to be.
//! Nothing here draws a random number: the set's other files are the same with or without
//! `--digimv`.

use rust_decimal::Decimal;

use super::digimv::{Aanbieder, Cijfers, Layout, Namen};
use super::tables::Jaarverslag;

/// The workbook's name without its extension.
pub(super) const STEM: &str = "jaarverslagen-digimv";
/// The configuration variant's name.
pub(super) const CONFIG: &str = "richttarief-digimv.toml";
/// The boekjaren a DigiMV variable map is shipped for; the configuration names one.
pub(super) const YEARS: std::ops::RangeInclusive<i32> = 2022..=2024;

/// (contract column, entity variable, consolidated variable). The identity and revenue
/// names are the shipped maps'; the others are invented for the synthetic set.
const AMOUNTS: &[(&str, &str, &str)] = &[
    (
        "bedrijfsopbrengsten",
        "qTotaalBaten_0",
        "qTotaalBaten_0Cons",
    ),
    ("opbrengsten_wlz", "qBatenZorgWlz_0", "qBatenZorgWlz_0Cons"),
    ("bedrijfslasten", "qTotaalLasten_0", "qTotaalLasten_0Cons"),
    (
        "financiele_baten",
        "qFinancieleBaten_0",
        "qFinancieleBaten_0Cons",
    ),
    (
        "financiele_lasten",
        "qFinancieleLasten_0",
        "qFinancieleLasten_0Cons",
    ),
    ("resultaat", "qResultaatbedrag_0", "qResultaatbedrag_0Cons"),
];
const KVK: &str = "ExternalOrganizationId";
const NAAM: &str = "qNawNaamLrza";
const SECTOR: &[(&str, &str)] = &[
    ("VV", "qTypeWTZaZorg_13"),
    ("GZ", "qTypeWTZaZorg_10"),
    ("GGZ", "qTypeWTZaZorg_8"),
];

/// The workbook's layout: the names above among a questionnaire of 600 variables.
pub(super) fn layout(seed: u64) -> Layout {
    let mut layout = Layout::new(Namen {
        kvk: KVK.into(),
        naam: NAAM.into(),
        bedragen: AMOUNTS
            .iter()
            .map(|(c, e, g)| (c.to_string(), e.to_string(), g.to_string()))
            .collect(),
        sector: SECTOR
            .iter()
            .map(|(s, n)| (s.to_string(), n.to_string()))
            .collect(),
    });
    layout.seed = seed;
    layout
}

/// The providers as the dataset holds them: the entity figures are the tidy table's; the
/// consolidated ones differ (5% more), so that a reader taking the wrong ones is caught;
/// the care-type flag of the provider's sector is `ja`.
pub(super) fn providers(accounts: &[Jaarverslag]) -> Vec<Aanbieder> {
    let euros = |cents: i64| Some(Decimal::new(cents, 2));
    accounts
        .iter()
        .map(|a| {
            let enkelvoudig = Cijfers {
                bedrijfsopbrengsten: euros(a.revenue),
                opbrengsten_wlz: euros(a.wlz),
                bedrijfslasten: euros(a.costs),
                financiele_baten: euros(a.fin_income),
                financiele_lasten: euros(a.fin_costs),
                resultaat: euros(a.result),
            };
            let more = |d: Option<Decimal>| d.map(|d| (d * Decimal::new(105, 2)).round_dp(2));
            let geconsolideerd = Cijfers {
                bedrijfsopbrengsten: more(enkelvoudig.bedrijfsopbrengsten),
                opbrengsten_wlz: more(enkelvoudig.opbrengsten_wlz),
                bedrijfslasten: more(enkelvoudig.bedrijfslasten),
                financiele_baten: more(enkelvoudig.financiele_baten),
                financiele_lasten: more(enkelvoudig.financiele_lasten),
                resultaat: more(enkelvoudig.resultaat),
            };
            Aanbieder {
                kvk: format!("{:08}", a.kvk),
                naam: a.naam.clone(),
                enkelvoudig,
                geconsolideerd: Some(geconsolideerd),
                sectoren: vec![a.sector.to_string()],
            }
        })
        .collect()
}

/// `richttarief-digimv.toml`: `tidy`, the set's configuration, reading the workbook
/// instead of `jaarverslagen.csv`, with every variable named.
pub(super) fn config(tidy: &str, year: i32) -> String {
    let mut text = tidy.replace(
        "jaarverslagen = \"jaarverslagen.csv\"",
        &format!("jaarverslagen = \"{STEM}.ods\""),
    );
    text.push_str(&format!(
        "\n# The jaarverslagen as the DigiMV open dataset publishes them. The names of the costs\n\
         # and the financial income and expenses are made up for this synthetic set: the real\n\
         # ones are not known (find them with `richttarief digimv variabelen FILE`).\n\
         [digimv]\n\
         jaar = {year}\n\
         geconsolideerd = false\n\n\
         [digimv.variabelen]\n\
         kvk = \"{KVK}\"\n\
         naam = \"{NAAM}\"\n"
    ));
    for (column, entity, _) in AMOUNTS {
        text.push_str(&format!("{column} = \"{entity}\"\n"));
    }
    text.push_str("\n[digimv.sector]\n");
    for (sector, name) in SECTOR {
        text.push_str(&format!("{sector} = \"{name}\"\n"));
    }
    text
}
