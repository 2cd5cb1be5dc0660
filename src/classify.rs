//! Classification (methodology sections 3, 4 and 6): who is in the population and why not,
//! and for each provider its sector, cluster, ρ, result R and omzet O, ready to solve.
//!
//! Every provider with a jaarverslag or claims ends up either in `providers` or in
//! `excluded` with its reasons; nobody is dropped silently. A reason is an `Exclusion`:
//! the check and the exact figures it rests on, which `report::reasons` words for the
//! outputs; this module rounds nothing for display. Pure: no IO, nothing printed.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use crate::aggregate::main_sector;
use crate::config::{Config, OmzetBasis, ResultDefinition, Scaling, SectorSource, ThresholdSide};
use crate::exact::{Product, Wide};
use crate::model::{Accounts, ClaimFigures, Cluster, Kvk, Sector};
use crate::solve::{Position, Rho};

/// A provider in the population, with everything the reports show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Provider {
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
    pub(crate) fn group(&self) -> (Sector, Cluster) {
        (self.sector, self.cluster)
    }
}

/// A provider left out of the population, with every reason that applies.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Excluded {
    pub kvk: Kvk,
    pub naam: String,
    /// In the order of `classify`'s checks; never empty.
    pub reasons: Vec<Exclusion>,
}

/// The checks of `classify`, in the order their reasons are listed (see `classify`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Check {
    NoAccounts,
    DigimvMissing,
    NoClaims,
    Revenue,
    Claims,
    WlzRevenue,
    CareBase,
    MinOmzet,
    MinWlzShare,
    Listed,
}

/// One reason to leave a provider out, with the figures it rests on, exact. The reports
/// word it (`report::reasons`); nothing here is rounded for display.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Exclusion {
    /// No jaarverslag over the reference year.
    NoAccounts { year: i32 },
    /// The DigiMV dataset has the provider, but these required variables are empty there.
    DigimvMissing { variabelen: Vec<String> },
    /// No Wlz claims over the reference year.
    NoClaims { year: i32 },
    /// B ≤ 0.
    Revenue { bedrijfsopbrengsten: Decimal },
    /// D ≤ 0 after credits.
    Claims { declaraties: Decimal },
    /// W empty or ≤ 0 where ρ = W/D needs it (`schaling = jaarverslag`).
    WlzRevenue { opbrengsten_wlz: Option<Decimal> },
    /// The care part at the maximum tariff is below 0 (credited on balance).
    CareBase { zorgdeel: Decimal },
    /// O below the configured minimum.
    MinOmzet { omzet: Decimal, minimum: Decimal },
    /// ρ·D below the configured share of B: `wlz` is ρ·D, `minimum` a fraction.
    MinWlzShare {
        wlz: Decimal,
        bedrijfsopbrengsten: Decimal,
        minimum: Decimal,
    },
    /// On the configuration's KvK list, with its reason.
    Listed { reden: String },
}

impl Exclusion {
    /// Which check it comes from, to order and count reasons.
    pub(crate) fn check(&self) -> Check {
        match self {
            Exclusion::NoAccounts { .. } => Check::NoAccounts,
            Exclusion::DigimvMissing { .. } => Check::DigimvMissing,
            Exclusion::NoClaims { .. } => Check::NoClaims,
            Exclusion::Revenue { .. } => Check::Revenue,
            Exclusion::Claims { .. } => Check::Claims,
            Exclusion::WlzRevenue { .. } => Check::WlzRevenue,
            Exclusion::CareBase { .. } => Check::CareBase,
            Exclusion::MinOmzet { .. } => Check::MinOmzet,
            Exclusion::MinWlzShare { .. } => Check::MinWlzShare,
            Exclusion::Listed { .. } => Check::Listed,
        }
    }

    /// The reason without the provider's own numbers, to count providers by reason in the
    /// message that everyone was excluded (`pipeline`): `bedrijfsopbrengsten ≤ 0`. It names
    /// only the configuration's values, as written, so nothing in it is rounded. The
    /// reasons with the provider's numbers are worded in `report::reasons`.
    pub(crate) fn label(&self) -> String {
        match self {
            Exclusion::NoAccounts { year } => format!("geen jaarverslag over {year}"),
            Exclusion::DigimvMissing { variabelen } => {
                format!("ontbrekend in DigiMV: {}", variabelen.join(", "))
            }
            Exclusion::NoClaims { year } => format!("geen Wlz-declaraties over {year}"),
            Exclusion::Revenue { .. } => "bedrijfsopbrengsten ≤ 0".into(),
            Exclusion::Claims { .. } => "Wlz-declaraties per saldo ≤ 0".into(),
            Exclusion::WlzRevenue { .. } => {
                "opbrengsten_wlz leeg of ≤ 0 (schaling = jaarverslag)".into()
            }
            Exclusion::CareBase { .. } => "zorgdeel tegen maximumtarief < 0".into(),
            Exclusion::MinOmzet { minimum, .. } => format!("omzet onder minimum {minimum}"),
            Exclusion::MinWlzShare { minimum, .. } => format!(
                "Wlz-aandeel onder minimum {}%",
                minimum * Decimal::ONE_HUNDRED
            ),
            Exclusion::Listed { reden } => reden.clone(),
        }
    }
}

/// R as the configuration defines it.
pub(crate) fn result(a: &Accounts, definition: ResultDefinition) -> Decimal {
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
pub(crate) fn is_intramural(
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
///
/// `incomplete` holds the providers the DigiMV dataset has but whose required figures are
/// empty there, with those variables: they have no jaarverslag to count, and say why.
///
/// Every reason that applies is listed, in this order: the methodology's (no jaarverslag,
/// or one the DigiMV dataset leaves incomplete, no claims, B ≤ 0), then the data's own defects (claims netting to D ≤ 0, W empty or
/// ≤ 0 where ρ = W/D needs it, a care part at the maximum tariff below 0), then the
/// configured minimum omzet and minimum Wlz share, and last the configured KvK list. A
/// check is made whenever the figures it needs exist: the omzet needs the jaarverslag (or
/// with `omzet_basis = "wlz"`, the Wlz revenue) and, when capital is stripped, the claims
/// and ρ; the Wlz share needs B > 0 and ρ·D.
pub(crate) fn classify(
    accounts: &BTreeMap<Kvk, Accounts>,
    incomplete: &BTreeMap<Kvk, Vec<String>>,
    claims: &BTreeMap<Kvk, ClaimFigures>,
    config: &Config,
) -> (Vec<Provider>, Vec<Excluded>) {
    let year = config.referentiejaar;
    let calc = &config.berekening;
    let min = &config.uitsluiting;
    let listed: BTreeMap<Kvk, &str> = config
        .uitsluiting
        .kvk
        .iter()
        .filter_map(|e| e.parsed.map(|k| (k, e.reden.as_str())))
        .collect();
    let everyone: BTreeSet<Kvk> = accounts
        .keys()
        .chain(incomplete.keys())
        .chain(claims.keys())
        .copied()
        .collect();
    let mut providers = Vec::new();
    let mut excluded = Vec::new();
    for kvk in everyone {
        let (a, c) = (accounts.get(&kvk), claims.get(&kvk));
        let mut reasons = Vec::new();
        match (a, incomplete.get(&kvk)) {
            (Some(_), _) => {}
            (None, Some(variabelen)) => reasons.push(Exclusion::DigimvMissing {
                variabelen: variabelen.clone(),
            }),
            (None, None) => reasons.push(Exclusion::NoAccounts { year }),
        }
        if c.is_none() {
            reasons.push(Exclusion::NoClaims { year });
        }
        if let Some(b) = a.map(|a| a.bedrijfsopbrengsten) {
            if b <= Decimal::ZERO {
                reasons.push(Exclusion::Revenue {
                    bedrijfsopbrengsten: b,
                });
            }
        }
        let d = c.map(|c| c.declaraties);
        if let Some(d) = d.filter(|d| *d <= Decimal::ZERO) {
            reasons.push(Exclusion::Claims { declaraties: d });
        }
        // ρ: 1, or W/D, which needs W > 0 and D > 0; `None` where it cannot be known.
        let rho = match (calc.schaling, a) {
            (Scaling::Declaraties, _) => Some(Rho::One),
            (Scaling::Jaarverslag, None) => None,
            (Scaling::Jaarverslag, Some(a)) => match a.opbrengsten_wlz {
                Some(w) if w > Decimal::ZERO => {
                    d.filter(|d| *d > Decimal::ZERO).map(|d| Rho::Ratio {
                        wlz: w,
                        declared: d,
                    })
                }
                w => {
                    reasons.push(Exclusion::WlzRevenue { opbrengsten_wlz: w });
                    None
                }
            },
        };
        // The care part at the maximum tariff and as paid, with or without capital.
        let care = c.map(|c| {
            if calc.nhc_nic_strippen {
                (c.zorg_max, c.zorg)
            } else {
                (c.zorg_max + c.kapitaal, c.zorg + c.kapitaal)
            }
        });
        if let Some((basis, _)) = care.filter(|(basis, _)| *basis < Decimal::ZERO) {
            reasons.push(Exclusion::CareBase { zorgdeel: basis });
        }
        // ρ·D is the Wlz revenue the tariff effect is sized to: D, or W itself.
        let wlz_revenue = match rho {
            Some(Rho::One) => d,
            Some(Rho::Ratio { wlz, .. }) => Some(wlz),
            None => None,
        };
        let stripped = if calc.nhc_nic_strippen {
            match (rho, c) {
                (Some(rho), Some(c)) => Some(match rho {
                    Rho::One => c.kapitaal,
                    // ρ·K is euros taken off both sides; W·K/D is a quotient, so it is
                    // rounded once, to the cent (a half away from zero), to keep the omzet
                    // criterion's sums exact. Once: from the exact quotient, not from
                    // Decimal's 28-digit one (which would round twice) nor from W·K in
                    // Decimal (which rounds silently beyond 28 digits). |ρ·K| < 10^15
                    // (`aggregate::check_figures`), so it fits.
                    Rho::Ratio { wlz, declared } => Wide::from(wlz)
                        .mul(&Wide::from(c.kapitaal))
                        .over(&Wide::from(declared))
                        .expect("ρ = W/D is only formed for D > 0")
                        .rounded(2),
                }),
                _ => None,
            }
        } else {
            Some(Decimal::ZERO)
        };
        let omzet = match calc.omzet_basis {
            OmzetBasis::Bedrijfsopbrengsten => a.map(|a| a.bedrijfsopbrengsten),
            OmzetBasis::Wlz => wlz_revenue,
        }
        .zip(stripped)
        .map(|(revenue, stripped)| revenue - stripped);
        if let Some(omzet) = omzet.filter(|o| *o < min.min_omzet) {
            reasons.push(Exclusion::MinOmzet {
                omzet,
                minimum: min.min_omzet,
            });
        }
        let b = a.map_or(Decimal::ZERO, |a| a.bedrijfsopbrengsten);
        if let Some(wlz_revenue) = wlz_revenue.filter(|_| b > Decimal::ZERO) {
            // W < share·B decided exactly, whatever the decimals of the share and of B.
            if !Product::of(min.min_aandeel_wlz, b).reached_by(wlz_revenue) {
                reasons.push(Exclusion::MinWlzShare {
                    wlz: wlz_revenue,
                    bedrijfsopbrengsten: b,
                    minimum: min.min_aandeel_wlz,
                });
            }
        }
        if let Some(reden) = listed.get(&kvk) {
            reasons.push(Exclusion::Listed {
                reden: (*reden).to_string(),
            });
        }
        let naam = a.map(|a| a.naam.clone()).unwrap_or_default();
        let (Some(a), Some(c), Some(rho), Some((basis, huidig)), Some(omzet), true) =
            (a, c, rho, care, omzet, reasons.is_empty())
        else {
            excluded.push(Excluded { kvk, naam, reasons });
            continue;
        };
        let d = c.declaraties;
        let sector = match calc.sector_bron {
            SectorSource::Declaraties => main_sector(c),
            // A tidy table always has the sector (its reader requires it); a DigiMV
            // provider with several care-type flags, or none, has the claims' main sector.
            SectorSource::Jaarverslag => a.sector.unwrap_or_else(|| main_sector(c)),
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

    /// A configuration of `model` over dummy input files, with `extra` TOML tables.
    fn config(model: &str, extra: &str) -> Config {
        let dir = std::env::temp_dir().join(format!("richttarief-classify-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["j.csv", "t.csv", "d.csv"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let text = format!(
            "model = \"{model}\"\nreferentiejaar = 2024\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = \"d.csv\"\n{extra}"
        );
        crate::config::resolve(&[&crate::config::parse_text(&text).unwrap()], &dir).unwrap()
    }

    fn kvk(n: u32) -> Kvk {
        Kvk::from_number(n)
    }

    /// A jaarverslag with revenue `b`, Wlz revenue `w` and a result of 0.
    fn accounts(n: u32, b: &str, w: Option<&str>) -> (Kvk, Accounts) {
        let a = Accounts {
            kvk: kvk(n),
            naam: format!("A{n}"),
            boekjaar: 2024,
            bedrijfsopbrengsten: d(b),
            opbrengsten_wlz: w.map(d),
            bedrijfslasten: d(b),
            financiele_baten: Decimal::ZERO,
            financiele_lasten: Decimal::ZERO,
            resultaat: None,
            sector: None,
            bron: String::new(),
        };
        (kvk(n), a)
    }

    /// Claims of D = `declared`, all care, with S_max = `max` and S = D.
    fn claims(n: u32, declared: &str, max: &str) -> (Kvk, ClaimFigures) {
        let c = ClaimFigures {
            declaraties: d(declared),
            zorg: d(declared),
            zorg_max: d(max),
            per_sector: [d(declared), Decimal::ZERO, Decimal::ZERO],
            ..ClaimFigures::default()
        };
        (kvk(n), c)
    }

    /// Every excluded provider's reasons, by KvK number.
    fn reasons(
        accounts: &[(Kvk, Accounts)],
        claims: &[(Kvk, ClaimFigures)],
        config: &Config,
    ) -> Vec<(u32, String)> {
        let (_, excluded) = classify(
            &accounts.iter().cloned().collect(),
            &BTreeMap::new(),
            &claims.iter().cloned().collect(),
            config,
        );
        excluded
            .iter()
            .map(|e| {
                let reden = crate::report::reasons::reden(&e.reasons);
                (e.kvk.to_string().parse().unwrap(), reden)
            })
            .collect()
    }

    #[test]
    fn every_applicable_reason_is_listed_in_the_documented_order() {
        let listed = "[uitsluiting]\nmin_omzet = 1000\nmin_aandeel_wlz = 0.5\n\
                      kvk = [{ kvk = \"10000001\", reden = \"nieuw\" }, { kvk = \"10000002\", reden = \"fusie\" }]\n";
        let accounts = [
            accounts(10000002, "-5", None),
            accounts(10000003, "500", None),
            accounts(10000004, "1000", None),
            accounts(10000005, "2000", None),
        ];
        let claims = [
            claims(10000001, "100", "100"),
            // D = −10 after credits and S_max = −1: both the data's own reasons.
            claims(10000002, "-10", "-1"),
            // ρ·D = D = 100 of B = 1000 is 10%, below 50%; O = 1000 is not below 1000.
            claims(10000004, "100", "100"),
            claims(10000005, "1500", "1500"),
        ];
        // zn-2027 strips capital, so without claims (10000003) the omzet is unknown.
        assert_eq!(
            reasons(&accounts, &claims, &config("zn-2027", listed)),
            [
                (10000001, "geen jaarverslag over 2024; nieuw".to_string()),
                (
                    10000002,
                    "bedrijfsopbrengsten -5 ≤ 0; Wlz-declaraties per saldo -10 ≤ 0; \
                     zorgdeel tegen maximumtarief -1 < 0 (per saldo gecrediteerd); \
                     omzet -5 onder minimum 1000; fusie"
                        .to_string()
                ),
                (10000003, "geen Wlz-declaraties over 2024".to_string()),
                (
                    10000004,
                    "Wlz-aandeel 10.00% onder minimum 50.0%".to_string()
                ),
            ]
        );
        // zn-2024 strips nothing: O = B is known without claims, and 500 is below 1000.
        let zn_2024 = config("zn-2024", listed);
        assert_eq!(
            reasons(&accounts, &claims, &zn_2024)[2],
            (
                10000003,
                "geen Wlz-declaraties over 2024; omzet 500 onder minimum 1000".to_string()
            )
        );
    }

    #[test]
    fn without_w_the_scaling_by_the_accounts_is_a_reason_and_its_checks_are_skipped() {
        // ρ = W/D needs W: with it empty there is no ρ, so neither the omzet (capital is
        // stripped by ρ·K) nor the Wlz share (ρ·D) can be compared with their minima.
        let config = config(
            "zn-2027",
            "[berekening]\nschaling = \"jaarverslag\"\n[uitsluiting]\nmin_omzet = 5000\nmin_aandeel_wlz = 0.9\n",
        );
        assert_eq!(
            reasons(
                &[
                    accounts(10000001, "1000", None),
                    accounts(10000002, "1000", Some("0"))
                ],
                &[
                    claims(10000001, "800", "800"),
                    claims(10000002, "800", "800")
                ],
                &config
            ),
            [
                (
                    10000001,
                    "opbrengsten_wlz leeg: ρ = W/D vraagt W > 0 (schaling = jaarverslag)"
                        .to_string()
                ),
                (
                    10000002,
                    "opbrengsten_wlz 0: ρ = W/D vraagt W > 0 (schaling = jaarverslag)".to_string()
                ),
            ]
        );
    }

    /// The population of `config` from one provider's accounts and claims.
    fn population(
        accounts: (Kvk, Accounts),
        claims: (Kvk, ClaimFigures),
        config: &Config,
    ) -> Vec<Provider> {
        let (providers, _) = classify(
            &[accounts].into_iter().collect(),
            &BTreeMap::new(),
            &[claims].into_iter().collect(),
            config,
        );
        providers
    }

    #[test]
    fn clusters_follow_the_switch_and_the_intramural_share_is_its_sigma_over_d() {
        // D = 800 of which 200 intramural: a = 200/800 = 0.25, above the 1% threshold.
        let (k, mut c) = claims(10000001, "800", "800");
        c.intramuraal = d("200");
        let a = accounts(10000001, "1000", Some("900"));
        let off = population(a.clone(), (k, c.clone()), &config("zn-2024", ""));
        assert_eq!(off.len(), 1);
        assert_eq!(off[0].cluster, Cluster::Alle, "zn-2024 has no clusters");
        assert_eq!(off[0].intramuraal_aandeel, d("0.25"));
        let on = population(a.clone(), (k, c.clone()), &config("zn-2027", ""));
        assert_eq!(on[0].cluster, Cluster::Intramuraal, "zn-2027: 25% ≥ 1%");
        c.intramuraal = Decimal::ZERO;
        let on = population(a, (k, c), &config("zn-2027", ""));
        assert_eq!(on[0].cluster, Cluster::Extramuraal);
        assert_eq!(on[0].intramuraal_aandeel, Decimal::ZERO);
    }

    #[test]
    fn no_claims_worth_is_one_reason_whatever_the_scaling_needs() {
        // D = 0 with W = 500 under ρ = W/D: ρ does not exist, and the only reason is the
        // claims' own (a ρ of W/0 must never be formed, nor a share or omzet from it).
        let config = config(
            "zn-2027",
            "[berekening]\nschaling = \"jaarverslag\"\n[uitsluiting]\nmin_omzet = 1\nmin_aandeel_wlz = 0.5\n",
        );
        let (k, mut c) = claims(10000001, "0", "0");
        c.zorg = Decimal::ZERO;
        let got = reasons(
            &[accounts(10000001, "1000", Some("500"))],
            &[(k, c)],
            &config,
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert!(
            got[0].1.starts_with("Wlz-declaraties per saldo 0"),
            "{got:?}"
        );
    }
}
