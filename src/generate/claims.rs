//! The claim lines of one provider and month: which code, how many units, the amount at
//! the provider's realised percentage, and now and then a credit or a late line of the year
//! before. Amounts are integers (cents, hundredths of units), so a credit is exactly minus
//! its debit. Lines go to a writer the caller hands in; nothing here knows a file format.

use super::providers::Provider;
use super::tariffs::{profile, Code, Unit, TARIFFS};
use crate::model::Component;
use crate::rng::Rng;
use anyhow::Result;

/// One claim line, money in cents and units in hundredths.
pub(super) struct Line {
    pub(super) agb: u32,
    pub(super) year: i32,
    pub(super) code: usize,
    pub(super) units: i64,
    pub(super) cents: i64,
    pub(super) bsn: u32,
}

/// n / d rounded half away from zero, so that a credit is exactly minus its debit.
fn div_round(n: i64, d: i64) -> i64 {
    let q = (n.abs() + d / 2) / d;
    if n < 0 {
        -q
    } else {
        q
    }
}

/// The amount in cents declared for `units` (in hundredths) of `code`: the care part at
/// `realised` basis points, embedded capital, NHC/NIC and `volledig` lines at 100%.
fn amount(code: &Code, units: i64, realised: i64) -> i64 {
    match code.component {
        Component::Zorg => {
            div_round(units * (code.max - code.capital) * realised, 100 * 10_000)
                + div_round(units * code.capital, 100)
        }
        _ => div_round(units * code.max, 100),
    }
}

fn units_for(rng: &mut Rng, unit: Unit) -> i64 {
    match unit {
        Unit::Day => rng.int(1, 31) as i64 * 100,
        Unit::Hour => rng.int(1, 160) as i64 * 25,
        Unit::Ride => rng.int(1, 22) as i64 * 100,
    }
}

fn weighted(rng: &mut Rng, codes: &[(usize, f64)]) -> usize {
    let total: f64 = codes.iter().map(|c| c.1).sum();
    let mut x = rng.unit() * total;
    for &(c, w) in codes {
        if x < w {
            return c;
        }
        x -= w;
    }
    codes[codes.len() - 1].0
}

/// Emits one provider's lines of one month (a share of its yearly lines), with now and
/// then a credit that takes back part of a line, or a late line of the year before.
pub(super) fn month_lines(
    rng: &mut Rng,
    p: &mut Provider,
    count: u64,
    year: i32,
    mut emit: impl FnMut(&Line) -> Result<()>,
) -> Result<()> {
    let near = p.near_threshold.then(|| profile(p.sector, true));
    let mut written = 0;
    while written < count {
        let codes = match &near {
            // About 0.5% of a near-threshold provider's lines are an intramural stay.
            Some(intra) if rng.chance(0.005) => intra,
            _ => &p.codes,
        };
        let code = weighted(rng, codes);
        let units = units_for(rng, TARIFFS[code].unit);
        let line_year = if rng.chance(0.002) { year - 1 } else { year };
        let line = Line {
            agb: *rng.pick(&p.agbs),
            year: line_year,
            code,
            units,
            cents: amount(&TARIFFS[code], units, p.realised),
            bsn: rng.int(100_000_000, 999_999_999) as u32,
        };
        if line_year == year {
            p.declared += line.cents;
        }
        emit(&line)?;
        written += 1;
        if written < count && rng.chance(0.015) {
            // A correction: part of the same line taken back.
            let back = (line.units * rng.int(1, 3) as i64 / 4).max(1);
            let credit = Line {
                units: -back,
                cents: -amount(&TARIFFS[code], back, p.realised),
                ..line
            };
            if line_year == year {
                p.declared += credit.cents;
            }
            emit(&credit)?;
            written += 1;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::tariffs::tariff_index;

    #[test]
    fn amounts_pay_capital_in_full_and_care_at_the_realised_percentage() {
        // VPT4VV: max €158.20 with €21.40 capital; 10 days at 96%:
        // care 10·136.80·0.96 = 1313.28, capital 10·21.40 = 214.00, total 1527.28.
        let vpt = &TARIFFS[tariff_index("VPT4VV")];
        assert_eq!(amount(vpt, 1000, 9600), 152728);
        // NHC at 100% whatever the realised percentage: 10 days at €27.85.
        assert_eq!(amount(&TARIFFS[tariff_index("NHC4VV")], 1000, 9000), 27850);
        // A credit is exactly the negative of the same amount, also at a half cent:
        // 0.25 hour of H126 at €63.45 is 15.8625 → 15.86; 0.5 hour at 97.5% is 30.93.
        assert_eq!(amount(vpt, -1000, 9600), -152728);
        let h126 = &TARIFFS[tariff_index("H126")];
        assert_eq!(
            (amount(h126, 25, 10_000), amount(h126, -25, 10_000)),
            (1586, -1586)
        );
        assert_eq!(amount(h126, -50, 9750), -amount(h126, 50, 9750));
    }
}
