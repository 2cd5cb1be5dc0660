//! Why a provider is left out of the population, in Dutch: the `reden` of
//! `uitgesloten.csv`, of the workbook's and the HTML page's list of excluded providers,
//! and of `explain`. `classify` hands over each reason as an `Exclusion` with its exact
//! figures; this is the one place that words them and rounds their numbers for display.
//!
//! It must not decide anything: whether a provider is excluded is `classify`'s, on exact
//! figures; only the wording is here.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::classify::Exclusion;

/// A provider's reasons as the outputs show them, joined by `; `, in `classify`'s order.
pub(crate) fn reden(reasons: &[Exclusion]) -> String {
    let texts: Vec<String> = reasons.iter().map(text).collect();
    texts.join("; ")
}

/// One reason with the provider's own numbers: `bedrijfsopbrengsten -5 ≤ 0`.
pub(crate) fn text(reason: &Exclusion) -> String {
    match reason {
        Exclusion::NoAccounts { year } => format!("geen jaarverslag over {year}"),
        Exclusion::DigimvMissing { variabelen } => {
            format!("ontbrekend in DigiMV: {}", variabelen.join(", "))
        }
        Exclusion::NoClaims { year } => format!("geen Wlz-declaraties over {year}"),
        Exclusion::Revenue {
            bedrijfsopbrengsten,
        } => format!("bedrijfsopbrengsten {bedrijfsopbrengsten} ≤ 0"),
        Exclusion::Claims { declaraties } => {
            format!("Wlz-declaraties per saldo {declaraties} ≤ 0")
        }
        Exclusion::WlzRevenue { opbrengsten_wlz } => {
            let shown = opbrengsten_wlz.map_or("leeg".to_string(), |w| w.to_string());
            format!("opbrengsten_wlz {shown}: ρ = W/D vraagt W > 0 (schaling = jaarverslag)")
        }
        Exclusion::CareBase { zorgdeel } => {
            format!("zorgdeel tegen maximumtarief {zorgdeel} < 0 (per saldo gecrediteerd)")
        }
        Exclusion::MinOmzet { omzet, minimum } => {
            format!("omzet {} onder minimum {minimum}", two_decimals(*omzet))
        }
        Exclusion::MinWlzShare {
            wlz,
            bedrijfsopbrengsten,
            minimum,
        } => format!(
            "Wlz-aandeel {}% onder minimum {}%",
            // The quotient to Decimal's 28 digits, then to two decimals: as this reason has
            // always been worded, so that the file does not change.
            two_decimals(*wlz / *bedrijfsopbrengsten * Decimal::ONE_HUNDRED),
            minimum * Decimal::ONE_HUNDRED
        ),
        Exclusion::Listed { reden } => reden.clone(),
    }
}

/// At most two decimals, a half to the even neighbour (banker's rounding), with no
/// trailing zeros added: 100.125 shows as 100.12 and 100.135 as 100.14. The outputs'
/// other figures round a half away from zero (`report::money`), which would show 100.13;
/// these reasons keep the rounding they have always had, so that `uitgesloten.csv` does
/// not change under anyone who compares it with an earlier run.
fn two_decimals(v: Decimal) -> Decimal {
    v.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn reasons_are_worded_with_the_providers_numbers_and_joined_in_order() {
        let reasons = [
            Exclusion::Revenue {
                bedrijfsopbrengsten: d("-5"),
            },
            Exclusion::WlzRevenue {
                opbrengsten_wlz: None,
            },
            Exclusion::Listed {
                reden: "fusie".into(),
            },
        ];
        assert_eq!(
            reden(&reasons),
            "bedrijfsopbrengsten -5 ≤ 0; \
             opbrengsten_wlz leeg: ρ = W/D vraagt W > 0 (schaling = jaarverslag); fusie"
        );
    }

    #[test]
    fn a_half_cent_of_omzet_goes_to_the_even_cent_as_it_always_has() {
        // Half-up would show 100.13 and 100.14; banker's rounding keeps the even cent.
        let omzet = |o: &str| {
            text(&Exclusion::MinOmzet {
                omzet: d(o),
                minimum: d("1000"),
            })
        };
        assert_eq!(omzet("100.125"), "omzet 100.12 onder minimum 1000");
        assert_eq!(omzet("100.135"), "omzet 100.14 onder minimum 1000");
        assert_eq!(omzet("-5"), "omzet -5 onder minimum 1000");
        // W = 1, B = 8: 12.5% exactly. W = 1, B = 800: 0.125% goes to 0.12, where half-up
        // gives 0.13; W = 3, B = 800: 0.375% goes to 0.38.
        let share = |w: &str, b: &str| {
            text(&Exclusion::MinWlzShare {
                wlz: d(w),
                bedrijfsopbrengsten: d(b),
                minimum: d("0.5"),
            })
        };
        assert_eq!(share("1", "8"), "Wlz-aandeel 12.50% onder minimum 50.0%");
        assert_eq!(share("1", "800"), "Wlz-aandeel 0.12% onder minimum 50.0%");
        assert_eq!(share("3", "800"), "Wlz-aandeel 0.38% onder minimum 50.0%");
    }
}
