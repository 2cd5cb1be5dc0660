//! Classification (methodology sections 3, 4 and 6): who is in the population and why not,
//! and for each provider its sector, cluster, ρ, result R and omzet O, ready to solve.
//!
//! Every provider with a jaarverslag or claims ends up either in `providers` or in
//! `excluded` with its reasons; nobody is dropped silently. Pure: no IO, nothing printed.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::aggregate::main_sector;
use crate::config::{Config, OmzetBasis, ResultDefinition, Scaling, SectorSource, ThresholdSide};
use crate::exact::{Product, Wide};
use crate::model::{Accounts, ClaimFigures, Cluster, Kvk, Sector};
use crate::solve::{Position, Rho};

/// A provider in the population, with everything the reports show.
#[derive(Debug, Clone, PartialEq)]
pub struct Provider {
    pub kvk: Kvk,
    pub naam: String,
    pub sector: Sector,
    pub cluster: Cluster,
    /// a = Σd intramural ÷ D
    pub intramuraal_aandeel: Decimal,
    pub claims: ClaimFigures,
    pub accounts: Accounts,
    pub position: Position,
}

impl Provider {
    pub fn group(&self) -> (Sector, Cluster) {
        (self.sector, self.cluster)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Excluded {
    pub kvk: Kvk,
    pub naam: String,
    pub reden: String,
}

/// R as the configuration defines it.
pub fn result(a: &Accounts, definition: ResultDefinition) -> Decimal {
    let operating = a.bedrijfsopbrengsten - a.bedrijfslasten;
    match definition {
        ResultDefinition::InclusiefFinancieel => {
            operating + a.financiele_baten - a.financiele_lasten
        }
        ResultDefinition::Bedrijfsresultaat => operating,
    }
}

/// Whether intramural share a = intramuraal / D puts the provider in the intramural cluster,
/// decided without division: a ≥ t ⟺ intramuraal ≥ t·D (D > 0).
pub fn is_intramural(
    intramuraal: Decimal,
    declaraties: Decimal,
    drempel: Decimal,
    side: ThresholdSide,
) -> bool {
    let threshold = Product::of(drempel, declaraties);
    match side {
        ThresholdSide::Intramuraal => threshold.reached_by(intramuraal),
        ThresholdSide::Extramuraal => threshold.compare(intramuraal).is_gt(),
    }
}

/// Sorts the providers into the population and the excluded.
pub fn classify(
    accounts: &BTreeMap<Kvk, Accounts>,
    claims: &BTreeMap<Kvk, ClaimFigures>,
    config: &Config,
) -> (Vec<Provider>, Vec<Excluded>) {
    let year = config.referentiejaar;
    let calc = &config.berekening;
    let listed: BTreeMap<Kvk, &str> = config
        .uitsluiting
        .kvk
        .iter()
        .filter_map(|e| e.parsed.map(|k| (k, e.reden.as_str())))
        .collect();
    let everyone: BTreeSet<Kvk> = accounts.keys().chain(claims.keys()).copied().collect();
    let mut providers = Vec::new();
    let mut excluded = Vec::new();
    for kvk in everyone {
        let naam = accounts
            .get(&kvk)
            .map(|a| a.naam.clone())
            .unwrap_or_default();
        let exclude = |reden: String| Excluded {
            kvk,
            naam: naam.clone(),
            reden,
        };
        let (a, c) = match (accounts.get(&kvk), claims.get(&kvk)) {
            (Some(a), Some(c)) => (a, c),
            (None, _) => {
                excluded.push(exclude(format!("geen jaarverslag over {year}")));
                continue;
            }
            (_, None) => {
                excluded.push(exclude(format!("geen Wlz-declaraties over {year}")));
                continue;
            }
        };
        let mut reasons = Vec::new();
        let b = a.bedrijfsopbrengsten;
        let d = c.declaraties;
        if b <= Decimal::ZERO {
            reasons.push(format!("bedrijfsopbrengsten {b} ≤ 0"));
        }
        if d <= Decimal::ZERO {
            reasons.push(format!("Wlz-declaraties per saldo {d} ≤ 0"));
        }
        let rho = match (calc.schaling, a.opbrengsten_wlz) {
            (Scaling::Declaraties, _) => Rho::One,
            (Scaling::Jaarverslag, Some(w)) if w > Decimal::ZERO => Rho::Ratio {
                wlz: w,
                declared: d,
            },
            (Scaling::Jaarverslag, w) => {
                let shown = w.map_or("leeg".to_string(), |w| w.to_string());
                reasons.push(format!(
                    "opbrengsten_wlz {shown}: ρ = W/D vraagt W > 0 (schaling = jaarverslag)"
                ));
                Rho::One
            }
        };
        let (basis, huidig) = if calc.nhc_nic_strippen {
            (c.zorg_max, c.zorg)
        } else {
            (c.zorg_max + c.kapitaal, c.zorg + c.kapitaal)
        };
        if basis < Decimal::ZERO {
            reasons.push(format!(
                "zorgdeel tegen maximumtarief {basis} < 0 (per saldo gecrediteerd)"
            ));
        }
        if let Some(reden) = listed.get(&kvk) {
            reasons.push((*reden).to_string());
        }
        if !reasons.is_empty() {
            excluded.push(exclude(reasons.join("; ")));
            continue;
        }
        // ρ·D is the Wlz revenue the tariff effect is sized to: D, or W itself.
        let wlz_revenue = match rho {
            Rho::One => d,
            Rho::Ratio { wlz, .. } => wlz,
        };
        let scaled_capital = match rho {
            Rho::One => c.kapitaal,
            // ρ·K is euros taken off both sides; W·K/D is a quotient, so it is rounded once,
            // to the cent (a half away from zero), to keep the omzet criterion's sums exact.
            // Once: from the exact quotient, not from Decimal's 28-digit one (which would
            // round twice) nor from W·K in Decimal (which rounds silently when it has more
            // than 28 digits). |ρ·K| < 10^15 (`aggregate::check_figures`), so it fits.
            Rho::Ratio { wlz, declared } => Wide::from(wlz)
                .mul(&Wide::from(c.kapitaal))
                .over(&Wide::from(declared))
                .expect("D > 0: a provider with D ≤ 0 is excluded above")
                .rounded(2),
        };
        let stripped = if calc.nhc_nic_strippen {
            scaled_capital
        } else {
            Decimal::ZERO
        };
        let omzet = match calc.omzet_basis {
            OmzetBasis::Bedrijfsopbrengsten => b - stripped,
            OmzetBasis::Wlz => wlz_revenue - stripped,
        };
        let min = &config.uitsluiting;
        if omzet < min.min_omzet {
            reasons.push(format!(
                "omzet {} onder minimum {}",
                omzet.round_dp(2),
                min.min_omzet
            ));
        }
        // W < share·B decided exactly, whatever the decimals of the share and of B.
        if !Product::of(min.min_aandeel_wlz, b).reached_by(wlz_revenue) {
            reasons.push(format!(
                "Wlz-aandeel {}% onder minimum {}%",
                (wlz_revenue / b * Decimal::ONE_HUNDRED).round_dp(2),
                min.min_aandeel_wlz * Decimal::ONE_HUNDRED
            ));
        }
        if !reasons.is_empty() {
            excluded.push(exclude(reasons.join("; ")));
            continue;
        }
        let sector = match calc.sector_bron {
            SectorSource::Declaraties => main_sector(c),
            SectorSource::Jaarverslag => a
                .sector
                .expect("the reader requires a sector with sector_bron = jaarverslag"),
        };
        let cl = &config.clustering;
        let cluster = if !cl.clusters {
            Cluster::Alle
        } else if is_intramural(
            c.intramuraal,
            d,
            cl.intramuraal_drempel,
            cl.drempel_telt_als,
        ) {
            Cluster::Intramuraal
        } else {
            Cluster::Extramuraal
        };
        providers.push(Provider {
            kvk,
            naam,
            sector,
            cluster,
            intramuraal_aandeel: c.intramuraal / d,
            claims: c.clone(),
            accounts: a.clone(),
            position: Position {
                resultaat: result(a, calc.resultaat),
                rho,
                basis,
                huidig,
                omzet,
            },
        });
    }
    (providers, excluded)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn exactly_one_percent_intramural_follows_the_configured_side() {
        // D = 1000, intramural 10: a = 1% exactly.
        assert!(is_intramural(
            d("10"),
            d("1000"),
            d("0.01"),
            ThresholdSide::Intramuraal
        ));
        assert!(!is_intramural(
            d("10"),
            d("1000"),
            d("0.01"),
            ThresholdSide::Extramuraal
        ));
        // Just below 1% is extramural either way.
        assert!(!is_intramural(
            d("9.99"),
            d("1000"),
            d("0.01"),
            ThresholdSide::Intramuraal
        ));
    }

    #[test]
    fn result_with_or_without_financial_items() {
        let a = Accounts {
            kvk: Kvk::parse("12345678").unwrap(),
            naam: "x".into(),
            boekjaar: 2024,
            bedrijfsopbrengsten: d("1000"),
            opbrengsten_wlz: None,
            bedrijfslasten: d("990"),
            financiele_baten: d("2"),
            financiele_lasten: d("15"),
            resultaat: None,
            sector: None,
            bron: String::new(),
        };
        // 1000 − 990 + 2 − 15 = −3; without financial items 10.
        assert_eq!(result(&a, ResultDefinition::InclusiefFinancieel), d("-3"));
        assert_eq!(result(&a, ResultDefinition::Bedrijfsresultaat), d("10"));
    }
}
