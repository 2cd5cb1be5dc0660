//! The small tables of a set, written after the claims: `jaarverslagen.csv` (each provider's
//! accounts, derived from what it declared, drawn once by `accounts` so that the DigiMV
//! workbook holds the same figures), `tarieven.csv` (the illustrative table, labelled
//! as such in every row) and `koppeltabel.csv` (AGB code → KvK number). Each is returned as
//! bytes, CSV through `csv::Writer`, for the caller to write; nothing here touches a file.

use super::money;
use super::providers::Provider;
use super::tariffs::TARIFFS;
use crate::rng::Rng;
use anyhow::Result;

/// What every omschrijving of a generated tariff begins with.
const ILLUSTRATIVE: &str = "(illustratief, geen NZa-tarief)";

fn bytes(out: csv::Writer<Vec<u8>>) -> Result<Vec<u8>> {
    Ok(out.into_inner().map_err(|e| e.into_error())?)
}

/// One provider's generated jaarverslag, in cents.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Jaarverslag {
    pub(super) kvk: u32,
    pub(super) naam: String,
    pub(super) sector: &'static str,
    pub(super) revenue: i64,
    pub(super) wlz: i64,
    pub(super) costs: i64,
    pub(super) fin_income: i64,
    pub(super) fin_costs: i64,
    pub(super) result: i64,
}

/// The accounts of the providers that have them: B = D / Wlz share, R = margin · B, and
/// L = B − R + FB − FL, so that R = B − L + FB − FL holds exactly. Draws from `rng`, after
/// the claims.
pub(super) fn accounts(providers: &[Provider], rng: &mut Rng) -> Vec<Jaarverslag> {
    let mut out = Vec::new();
    for p in providers.iter().filter(|p| p.has_accounts) {
        // A provider without claims still has revenue: mostly outside the Wlz.
        let declared = if p.lines == 0 { 50_000_000 } else { p.declared }; // €500,000 in cents
        let revenue = (declared as f64 / p.wlz_share).round() as i64;
        let wlz = if p.lines == 0 {
            0
        } else {
            (declared as f64 * rng.uniform(0.985, 1.015)).round() as i64
        };
        let result = (revenue as f64 * p.margin).round() as i64;
        let fin_income = (revenue as f64 * rng.uniform(0.0, 0.002)).round() as i64;
        let fin_costs = (revenue as f64 * rng.uniform(0.002, 0.015)).round() as i64;
        let costs = revenue - result + fin_income - fin_costs;
        out.push(Jaarverslag {
            kvk: p.kvk,
            naam: p.naam.clone(),
            sector: p.sector,
            revenue,
            wlz,
            costs,
            fin_income,
            fin_costs,
            result,
        });
    }
    out
}

/// `jaarverslagen.csv`: the accounts in the contract's columns.
pub(super) fn jaarverslagen(accounts: &[Jaarverslag], year: i32) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(crate::model::JAARVERSLAGEN_COLUMNS)?;
    for a in accounts {
        out.write_record([
            a.kvk.to_string(),
            a.naam.clone(),
            year.to_string(),
            money(a.revenue),
            money(a.wlz),
            money(a.costs),
            money(a.fin_income),
            money(a.fin_costs),
            money(a.result),
            a.sector.to_string(),
        ])?;
    }
    bytes(out)
}

/// The illustrative tariff table for `year`, every omschrijving labelled.
pub(super) fn tarieven(year: i32) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "jaar",
        "prestatiecode",
        "omschrijving",
        "sector",
        "leveringsvorm",
        "component",
        "max_tarief",
        "kapitaal_per_eenheid",
        "eenheid",
    ])?;
    for c in TARIFFS.iter() {
        let capital = if c.capital == 0 {
            String::new()
        } else {
            money(c.capital)
        };
        out.write_record([
            year.to_string(),
            c.code.clone(),
            format!("{ILLUSTRATIVE} {}", c.what),
            c.sector.to_string(),
            c.vorm.to_string(),
            c.component.to_string(),
            money(c.max),
            capital,
            c.unit.to_string(),
        ])?;
    }
    bytes(out)
}

/// Every AGB code with its provider's KvK number.
pub(super) fn koppeltabel(providers: &[Provider]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["agb", "kvk"])?;
    for p in providers {
        for a in &p.agbs {
            out.write_record([format!("{a:08}"), p.kvk.to_string()])?;
        }
    }
    bytes(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_written_tariff_table_is_labelled_and_quoted() {
        let text = String::from_utf8(tarieven(2024).unwrap()).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("jaar,prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid,eenheid")
        );
        // The first row, with its NHC and NIC embedded, and an hourly row without capital,
        // as the sample's tarieven.csv holds them.
        assert_eq!(
            lines.next(),
            Some("2024,Z041,\"(illustratief, geen NZa-tarief) ZZP 4VV excl.BH incl.DB, incl. NHC en NIC, per etmaal\",VV,intramuraal,zorg,212.65,34.25,etmaal")
        );
        assert!(text.contains("\n2024,H126,\"(illustratief, geen NZa-tarief) MPT persoonlijke verzorging, per uur (gedeclareerd in minuten)\",VV,mpt,zorg,63.45,,uur\n"), "{text}");
        assert_eq!(text.lines().count(), 1 + TARIFFS.len());
    }
}
