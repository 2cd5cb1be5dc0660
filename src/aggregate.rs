//! Claims joined with tariffs, summed to per-provider figures (methodology section 3):
//! D, K, X, S, S_max, the intramural amount and Σd per sector.
//!
//! Each prestatiecode's claim sums are split with the line table of the methodology; the
//! split is linear in aantal and bedrag, so splitting sums equals summing split lines.
//! Pure: no IO, no clock, nothing printed.
//!
//! Exactness: `check_figures` refuses, when the data are read, any provider whose claim
//! volume (Σ|bedrag| + Σ|aantal|·max_tarief over its prestatiecodes, also times ρ = W/D
//! when the tariff effect is scaled) reaches `FIGURE_BOUND`. Every figure here (D, K, X,
//! S, S_max, their parts and partial sums) is bounded by that volume and has at most 12
//! decimals (a 6-decimal count times a 6-decimal tariff), so at most 27 digits: `Decimal`
//! holds each, and each sum of two, exactly, and its `+` and `*` never round here.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use crate::exact::Wide;
use crate::model::number::{FIGURE_BOUND, FIGURE_BOUND_TEXT};
use crate::model::{
    Accounts, ClaimFigures, ClaimSums, ClaimTotals, Component, Kvk, Leveringsvorm, ProviderClaims,
    Sector, Tariff,
};

/// Refuses the providers whose figures could leave exact range: per prestatiecode and in
/// total, the claim volume |Σ bedrag| + |Σ aantal|·max_tarief must stay below
/// `FIGURE_BOUND`, and with `schaling = "jaarverslag"` also ρ times it (ρ = W/D, for a
/// provider with W > 0 and D > 0; others are excluded later). Every figure of the provider
/// is at most its volume in magnitude (0 ≤ kapitaal_per_eenheid ≤ max_tarief), so this is
/// the one check that keeps D, K, S, S_max, ρ·K and the omzet exact. Names the KvK (and
/// the prestatiecode) of the first few.
///
/// `scaled_by` is the jaarverslagen when ρ = W/D scales the tariff effect (`schaling =
/// "jaarverslag"`), and none when ρ = 1.
pub(crate) fn check_figures(
    claims: &BTreeMap<Kvk, ProviderClaims>,
    tariffs: &BTreeMap<String, Tariff>,
    scaled_by: Option<&BTreeMap<Kvk, Accounts>>,
) -> Result<()> {
    let bound = Wide::from(Decimal::from(FIGURE_BOUND));
    let reaches = |w: &Wide| *w >= bound;
    let mut problems: Vec<String> = Vec::new();
    for (kvk, c) in claims {
        let mut volume = Wide::from(Decimal::ZERO);
        let mut declared = Decimal::ZERO;
        for (code, sums) in &c.lines {
            let Some(t) = tariffs.get(code) else { continue };
            let line = Wide::from(sums.bedrag.abs())
                .add(&Wide::from(sums.aantal.abs()).mul(&Wide::from(t.max_tarief)));
            if reaches(&line) {
                problems.push(format!(
                    "KvK {kvk}, prestatiecode {code:?}: |Σ bedrag| + |Σ aantal|·max_tarief = |{}| + |{}|·{}",
                    sums.bedrag, sums.aantal, t.max_tarief
                ));
            }
            volume = volume.add(&line);
            // Each |Σ bedrag| is below the bound: this sum of fewer than 10^13 of them
            // stays exact in Decimal.
            declared += sums.bedrag;
        }
        if reaches(&volume) {
            problems.push(format!(
                "KvK {kvk}: |Σ bedrag| + |Σ aantal|·max_tarief summed over its prestatiecodes = {}",
                volume.fraction().rounded(6)
            ));
            continue;
        }
        let wlz = scaled_by
            .and_then(|a| a.get(kvk))
            .and_then(|a| a.opbrengsten_wlz);
        if let Some(w) = wlz {
            // ρ·volume ≥ bound ⟺ W·volume ≥ bound·D (D > 0).
            if w > Decimal::ZERO
                && declared > Decimal::ZERO
                && Wide::from(w)
                    .mul(&volume)
                    .cmp(&bound.mul(&Wide::from(declared)))
                    != std::cmp::Ordering::Less
            {
                problems.push(format!(
                    "KvK {kvk}: ρ = W/D = {w}/{declared} times its claim volume {} (ρ scales the tariff effect, schaling = \"jaarverslag\")",
                    volume.fraction().rounded(6)
                ));
            }
        }
    }
    refuse_figures(&problems)
}

/// `check_figures` for figures read from a verification bundle, which has no claim lines:
/// the reader has held every figure below `FIGURE_BOUND`, and with `schaling =
/// "jaarverslag"` this refuses a provider for which ρ = W/D times its largest figure (D, K,
/// X, S or S_max, in magnitude) reaches it, since ρ·K and the scaled tariff effect must
/// stay exact. Providers are named by `shown` (a KvK, or the bundle's pseudonym).
pub(crate) fn check_totals(
    totals: &BTreeMap<Kvk, ClaimTotals>,
    scaled_by: Option<&BTreeMap<Kvk, Accounts>>,
    shown: &dyn Fn(Kvk) -> String,
) -> Result<()> {
    let Some(accounts) = scaled_by else {
        return Ok(());
    };
    let bound = Wide::from(Decimal::from(FIGURE_BOUND));
    let mut problems = Vec::new();
    for (kvk, t) in totals {
        let f = &t.figures;
        let Some(w) = accounts.get(kvk).and_then(|a| a.opbrengsten_wlz) else {
            continue;
        };
        if w <= Decimal::ZERO || f.declaraties <= Decimal::ZERO {
            continue;
        }
        let largest = [f.declaraties, f.kapitaal, f.volledig, f.zorg, f.zorg_max]
            .iter()
            .map(|d| d.abs())
            .max()
            .unwrap_or_default();
        // ρ·largest ≥ bound ⟺ W·largest ≥ bound·D (D > 0).
        if Wide::from(w)
            .mul(&Wide::from(largest))
            .cmp(&bound.mul(&Wide::from(f.declaraties)))
            != std::cmp::Ordering::Less
        {
            problems.push(format!(
                "{}: ρ = W/D = {w}/{} times its largest figure {largest} (ρ scales the tariff effect, schaling = \"jaarverslag\")",
                shown(*kvk),
                f.declaraties
            ));
        }
    }
    refuse_figures(&problems)
}

/// Refuses the figures that reach the bound, named in `problems` (one line each), with
/// the first few in the message; accepts when there are none. The one wording of this
/// refusal, for claims read from lines and for figures read from a bundle alike.
fn refuse_figures(problems: &[String]) -> Result<()> {
    if problems.is_empty() {
        return Ok(());
    }
    let mut message = format!(
        "{} provider figure(s) reach {FIGURE_BOUND_TEXT}, the bound of a provider's figures, in magnitude; first {}:",
        problems.len(),
        problems.len().min(5)
    );
    for p in problems.iter().take(5) {
        write!(message, "\n  {p}").expect("writing to a String");
    }
    bail!("{message}")
}

/// The parts of one prestatiecode's claims.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct LineParts {
    /// k: capital part
    pub kapitaal: Decimal,
    /// x: paid at 100%, never scaled
    pub volledig: Decimal,
    /// s: care part as paid
    pub zorg: Decimal,
    /// s_max: care part at the maximum tariff
    pub zorg_max: Decimal,
}

/// The methodology's line table: how d and n·m split into k, x, s and s_max.
pub(crate) fn line_parts(sums: &ClaimSums, tariff: &Tariff) -> LineParts {
    let (n, d) = (sums.aantal, sums.bedrag);
    match tariff.component {
        Component::Zorg => {
            let capital = n * tariff.kapitaal_per_eenheid;
            LineParts {
                kapitaal: capital,
                volledig: Decimal::ZERO,
                zorg: d - capital,
                zorg_max: n * (tariff.max_tarief - tariff.kapitaal_per_eenheid),
            }
        }
        Component::Nhc | Component::Nic => LineParts {
            kapitaal: d,
            ..LineParts::default()
        },
        Component::Volledig => LineParts {
            volledig: d,
            ..LineParts::default()
        },
    }
}

fn sector_index(s: Sector) -> usize {
    Sector::ALL
        .iter()
        .position(|&x| x == s)
        .expect("every sector is in ALL")
}

/// Sums one provider's lines. Every code must have a tariff (the join checked this).
pub(crate) fn provider_figures(
    lines: &BTreeMap<String, ClaimSums>,
    tariffs: &BTreeMap<String, Tariff>,
    intramural_forms: &[Leveringsvorm],
) -> ClaimFigures {
    let mut f = ClaimFigures::default();
    for (code, sums) in lines {
        let tariff = &tariffs[code];
        let parts = line_parts(sums, tariff);
        f.declaraties += sums.bedrag;
        f.kapitaal += parts.kapitaal;
        f.volledig += parts.volledig;
        f.zorg += parts.zorg;
        f.zorg_max += parts.zorg_max;
        if intramural_forms.contains(&tariff.leveringsvorm) {
            f.intramuraal += sums.bedrag;
        }
        f.per_sector[sector_index(tariff.sector)] += sums.bedrag;
    }
    f
}

/// Sums one provider's lines without choosing the intramural forms: its figures (the
/// intramural Σd left at zero) and Σd per leveringsvorm, from which `ClaimTotals::figures`
/// takes the intramural Σd a configuration asks for.
pub(crate) fn provider_totals(
    lines: &BTreeMap<String, ClaimSums>,
    tariffs: &BTreeMap<String, Tariff>,
) -> ClaimTotals {
    let mut per_leveringsvorm = [Decimal::ZERO; 4];
    for (code, sums) in lines {
        let vorm = tariffs[code].leveringsvorm;
        let i = Leveringsvorm::ALL
            .iter()
            .position(|&x| x == vorm)
            .expect("every leveringsvorm is in ALL");
        per_leveringsvorm[i] += sums.bedrag;
    }
    ClaimTotals {
        figures: provider_figures(lines, tariffs, &[]),
        per_leveringsvorm,
    }
}

/// The sector with the largest Σd; ties go to the first of VV, GZ, GGZ.
pub(crate) fn main_sector(f: &ClaimFigures) -> Sector {
    let mut best = 0;
    for i in 1..Sector::ALL.len() {
        if f.per_sector[i] > f.per_sector[best] {
            best = i;
        }
    }
    Sector::ALL[best]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn tariff(
        sector: Sector,
        vorm: Leveringsvorm,
        component: Component,
        m: &str,
        e: &str,
    ) -> Tariff {
        Tariff {
            sector,
            leveringsvorm: vorm,
            component,
            max_tarief: d(m),
            kapitaal_per_eenheid: d(e),
            eenheid: None,
        }
    }

    fn sums(n: &str, bedrag: &str) -> ClaimSums {
        ClaimSums {
            aantal: d(n),
            bedrag: d(bedrag),
        }
    }

    /// Accounts that matter here only for W, the Wlz revenue.
    fn account(kvk: Kvk, w: &str) -> Accounts {
        Accounts {
            kvk,
            naam: "A".into(),
            boekjaar: 2024,
            bedrijfsopbrengsten: d("1"),
            opbrengsten_wlz: Some(d(w)),
            bedrijfslasten: d("1"),
            financiele_baten: d("0"),
            financiele_lasten: d("0"),
            resultaat: None,
            sector: None,
            bron: String::new(),
        }
    }

    #[test]
    fn rho_bounds_the_claim_volume_only_when_it_scales_the_tariff_effect() {
        // One provider, one code: D = Σ bedrag = 10^14, no units, so its claim volume is
        // 10^14, a tenth of the bound. With W = 10^15, ρ = W/D = 10 and ρ·volume = 10^15
        // reaches the bound; with W one euro less it does not.
        let kvk = Kvk::parse("12345678").unwrap();
        let t = tariff(
            Sector::Vv,
            Leveringsvorm::Overig,
            Component::Zorg,
            "100",
            "0",
        );
        let tariffs = BTreeMap::from([("X".to_string(), t)]);
        let claims = BTreeMap::from([(
            kvk,
            ProviderClaims {
                lines: BTreeMap::from([("X".to_string(), sums("0", "100000000000000"))]),
                ..Default::default()
            },
        )]);
        let accounts = |w: &str| BTreeMap::from([(kvk, account(kvk, w))]);
        let at_bound = accounts("1000000000000000");
        let e = check_figures(&claims, &tariffs, Some(&at_bound)).unwrap_err();
        assert!(
            e.to_string().contains(
                "KvK 12345678: ρ = W/D = 1000000000000000/100000000000000 times its claim volume"
            ),
            "{e}"
        );
        let below = accounts("999999999999999");
        assert!(check_figures(&claims, &tariffs, Some(&below)).is_ok());
        // ρ = 1 (schaling = declaraties): W plays no part.
        assert!(check_figures(&claims, &tariffs, None).is_ok());
    }

    #[test]
    fn integral_zorg_tariff_splits_out_its_capital_part() {
        // 10 days at max €200 with €30 capital per day, paid €1,920 (96% of the care part
        // plus all capital: 0.96·1700 + 300 = 1932 would be; here 1920 was declared):
        // k = 10·30 = 300, s = 1920 − 300 = 1620, s_max = 10·(200 − 30) = 1700.
        let t = tariff(
            Sector::Vv,
            Leveringsvorm::Intramuraal,
            Component::Zorg,
            "200",
            "30",
        );
        let p = line_parts(&sums("10", "1920"), &t);
        assert_eq!(
            p,
            LineParts {
                kapitaal: d("300"),
                volledig: d("0"),
                zorg: d("1620"),
                zorg_max: d("1700")
            }
        );
    }

    #[test]
    fn nhc_and_volledig_lines_are_never_care() {
        let nhc = tariff(
            Sector::Vv,
            Leveringsvorm::Intramuraal,
            Component::Nhc,
            "25",
            "0",
        );
        assert_eq!(
            line_parts(&sums("10", "250"), &nhc),
            LineParts {
                kapitaal: d("250"),
                ..Default::default()
            }
        );
        let full = tariff(
            Sector::Gz,
            Leveringsvorm::Overig,
            Component::Volledig,
            "80",
            "0",
        );
        assert_eq!(
            line_parts(&sums("2", "160"), &full),
            LineParts {
                volledig: d("160"),
                ..Default::default()
            }
        );
    }

    #[test]
    fn credit_lines_sum_as_they_come() {
        // 10 days declared then 2 credited: n = 8, d = 1600 at €200 (100%).
        let t = tariff(
            Sector::Vv,
            Leveringsvorm::Intramuraal,
            Component::Zorg,
            "200",
            "0",
        );
        let p = line_parts(&sums("8", "1600"), &t);
        assert_eq!((p.zorg, p.zorg_max), (d("1600"), d("1600")));
    }

    #[test]
    fn provider_sums_intramural_share_and_sector() {
        let tariffs = BTreeMap::from([
            (
                "V1".to_string(),
                tariff(
                    Sector::Vv,
                    Leveringsvorm::Intramuraal,
                    Component::Zorg,
                    "100",
                    "10",
                ),
            ),
            (
                "V2".to_string(),
                tariff(Sector::Vv, Leveringsvorm::Vpt, Component::Zorg, "50", "0"),
            ),
            (
                "G1".to_string(),
                tariff(Sector::Gz, Leveringsvorm::Mpt, Component::Zorg, "60", "0"),
            ),
            (
                "N1".to_string(),
                tariff(
                    Sector::Vv,
                    Leveringsvorm::Intramuraal,
                    Component::Nhc,
                    "20",
                    "0",
                ),
            ),
        ]);
        let lines = BTreeMap::from([
            ("V1".to_string(), sums("10", "950")), // k 100, s 850, s_max 900
            ("V2".to_string(), sums("20", "960")), // s 960, s_max 1000
            ("G1".to_string(), sums("30", "1800")), // s 1800, s_max 1800
            ("N1".to_string(), sums("10", "200")), // k 200
        ]);
        let f = provider_figures(&lines, &tariffs, &[Leveringsvorm::Intramuraal]);
        assert_eq!(f.declaraties, d("3910"));
        assert_eq!(f.kapitaal, d("300"));
        assert_eq!(f.zorg, d("3610"));
        assert_eq!(f.zorg_max, d("3700"));
        assert_eq!(
            f.intramuraal,
            d("1150"),
            "V1 and N1; VPT is extramural by default"
        );
        assert_eq!(f.per_sector, [d("2110"), d("1800"), d("0")]);
        assert_eq!(main_sector(&f), Sector::Vv);
    }

    #[test]
    fn sector_ties_go_to_vv_then_gz() {
        let f = ClaimFigures {
            per_sector: [d("0"), d("5"), d("5")],
            ..Default::default()
        };
        assert_eq!(main_sector(&f), Sector::Gz);
    }

    /// One provider's claims: (prestatiecode, Σ aantal, Σ bedrag) per line.
    fn provider(kvk: &str, lines: &[(&str, &str, &str)]) -> (Kvk, ProviderClaims) {
        (
            Kvk::parse(kvk).unwrap(),
            ProviderClaims {
                lines: lines
                    .iter()
                    .map(|&(code, n, bedrag)| (code.to_string(), sums(n, bedrag)))
                    .collect(),
                ..Default::default()
            },
        )
    }

    /// Care tariffs without capital, by prestatiecode and max_tarief.
    fn max_tariffs(codes: &[(&str, &str)]) -> BTreeMap<String, Tariff> {
        codes
            .iter()
            .map(|&(code, m)| {
                let t = tariff(Sector::Vv, Leveringsvorm::Overig, Component::Zorg, m, "0");
                (code.to_string(), t)
            })
            .collect()
    }

    fn refusal(claims: &[(Kvk, ProviderClaims)], tariffs: &BTreeMap<String, Tariff>) -> String {
        let claims: BTreeMap<_, _> = claims.iter().cloned().collect();
        match check_figures(&claims, tariffs, None) {
            Ok(()) => String::new(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn a_line_is_refused_from_the_bound_on_with_its_provider_named() {
        // A credit-heavy line counts by magnitude: |−999999999999997.5| + |−3|·0.5 =
        // 999999999999999, one below 10^15; a euro more reaches it, and so does the
        // provider's volume, its only line: two figures, both of the second provider.
        let tariffs = max_tariffs(&[("X", "0.5")]);
        let below = provider("12345678", &[("X", "-3", "-999999999999997.5")]);
        assert_eq!(refusal(std::slice::from_ref(&below), &tariffs), "");
        let at = provider("87654321", &[("X", "-3", "-999999999999998.5")]);
        let e = refusal(&[below, at], &tariffs);
        assert!(
            e.starts_with("2 provider figure(s) reach 10^15")
                && e.contains("KvK 87654321, prestatiecode \"X\": |Σ bedrag| + |Σ aantal|·max_tarief = |-999999999999998.5| + |-3|·0.5")
                && !e.contains("12345678"),
            "{e}"
        );
        // The units alone: 2·10^14 days at €5 = 10^15.
        let units = provider("11111111", &[("X", "200000000000000", "0")]);
        let e = refusal(&[units], &max_tariffs(&[("X", "5")]));
        assert!(e.contains("KvK 11111111, prestatiecode"), "{e}");
    }

    #[test]
    fn the_lines_of_a_provider_are_bounded_together() {
        // 5·10^14 + (5·10^14 − 10^-6) stays below 10^15; 5·10^14 twice reaches it, though
        // neither line does alone. Magnitudes add: a credit does not cancel a claim.
        let tariffs = max_tariffs(&[("A", "100"), ("B", "100")]);
        let below = provider(
            "12345678",
            &[
                ("A", "0", "500000000000000"),
                ("B", "0", "-499999999999999.999999"),
            ],
        );
        assert_eq!(refusal(&[below], &tariffs), "");
        let at = provider(
            "12345678",
            &[
                ("A", "0", "500000000000000"),
                ("B", "0", "-500000000000000"),
            ],
        );
        let e = refusal(&[at], &tariffs);
        assert!(
            e.contains("KvK 12345678: |Σ bedrag| + |Σ aantal|·max_tarief summed over its prestatiecodes = 1000000000000000")
                && !e.contains("prestatiecode \""),
            "{e}"
        );
    }

    #[test]
    fn rho_bounds_the_volume_with_d_summed_over_the_lines() {
        // D = 6·10^13 + 4·10^13 = 10^14 = the claim volume; W = 10^15 makes ρ = 10 and
        // ρ·volume = 10^15, at the bound; W one less stays below.
        let kvk = Kvk::parse("12345678").unwrap();
        let tariffs = max_tariffs(&[("A", "100"), ("B", "100")]);
        let claims = BTreeMap::from([provider(
            "12345678",
            &[("A", "0", "60000000000000"), ("B", "0", "40000000000000")],
        )]);
        let accounts = |w: &str| BTreeMap::from([(kvk, account(kvk, w))]);
        let e = check_figures(&claims, &tariffs, Some(&accounts("1000000000000000")))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("KvK 12345678: ρ = W/D = 1000000000000000/100000000000000 times"),
            "{e}"
        );
        assert!(check_figures(&claims, &tariffs, Some(&accounts("999999999999999"))).is_ok());
    }

    #[test]
    fn rho_plays_no_part_without_a_positive_d_and_w() {
        // Volume 10^14 (10^12 units at €100; bedrag +100 and −100). D = 0: ρ = W/D is
        // undefined and the provider is excluded later, so W = 10^15 refuses nothing. With
        // D = −100 neither; and W ≤ 0 with D > 0 gives ρ ≤ 0.
        let kvk = Kvk::parse("12345678").unwrap();
        let tariffs = max_tariffs(&[("A", "100"), ("B", "100")]);
        let accounts = |w: &str| BTreeMap::from([(kvk, account(kvk, w))]);
        let zero_d = BTreeMap::from([provider(
            "12345678",
            &[("A", "1000000000000", "100"), ("B", "0", "-100")],
        )]);
        assert!(check_figures(&zero_d, &tariffs, Some(&accounts("1000000000000000"))).is_ok());
        let negative_d = BTreeMap::from([provider("12345678", &[("A", "1000000000000", "-100")])]);
        assert!(check_figures(&negative_d, &tariffs, Some(&accounts("1000000000000000"))).is_ok());
        let positive_d = BTreeMap::from([provider("12345678", &[("A", "1000000000000", "100")])]);
        for w in ["0", "-1000000000000000"] {
            assert!(check_figures(&positive_d, &tariffs, Some(&accounts(w))).is_ok());
        }
        // W = 10^6 and D = 100: ρ = 10^4, times 10^14 + 100 reaches the bound.
        let e = check_figures(&positive_d, &tariffs, Some(&accounts("1000000"))).unwrap_err();
        assert!(e.to_string().contains("ρ = W/D = 1000000/100"), "{e}");
    }

    #[test]
    fn volledig_lines_sum_into_x() {
        // Two lines paid at 100%: X = 160 + 40 = 200, none of it care or intramural.
        let full = tariff(
            Sector::Gz,
            Leveringsvorm::Overig,
            Component::Volledig,
            "80",
            "0",
        );
        let tariffs = BTreeMap::from([("F1".to_string(), full.clone()), ("F2".to_string(), full)]);
        let lines = BTreeMap::from([
            ("F1".to_string(), sums("2", "160")),
            ("F2".to_string(), sums("1", "40")),
        ]);
        let f = provider_figures(&lines, &tariffs, &[Leveringsvorm::Intramuraal]);
        assert_eq!(
            (f.declaraties, f.volledig, f.zorg, f.kapitaal, f.intramuraal),
            (d("200"), d("200"), d("0"), d("0"), d("0"))
        );
        assert_eq!(f.per_sector, [d("0"), d("200"), d("0")]);
    }
}
