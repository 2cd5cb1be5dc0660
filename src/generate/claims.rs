//! The claim lines of one provider and month: which code, how many units, the amount at
//! the provider's realised percentage, and now and then a credit or a late line of the year
//! before. Amounts are integers (cents, hundredths of units), so a credit is exactly minus
//! its debit. Counts are whole units of the line's own unit (etmalen, dagdelen, hours, or
//! minutes against an hourly tariff), as an AW319 line holds them. Lines go to a writer the
//! caller hands in; nothing here knows a file format.

use super::providers::Provider;
use super::tariffs::{profile, Code, TARIFFS};
use crate::model::{Component, Eenheid};
use crate::rng::Rng;
use anyhow::Result;

/// One claim line, money in cents and units in hundredths of the code's claimed unit.
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

/// The amount in cents declared for `units` (in hundredths of the claimed unit) of `code`:
/// the care part at `realised` basis points, embedded capital, NHC/NIC and `volledig` lines
/// at 100%. A count in minutes against an hourly tariff is worth n / 60 of it.
fn amount(code: &Code, units: i64, realised: i64) -> i64 {
    let (times, per) = code
        .claimed
        .ratio_to(code.unit)
        .expect("the table checks that the claimed unit converts");
    let (times, per) = (i64::from(times), i64::from(per));
    match code.component {
        Component::Zorg => {
            div_round(
                units * times * (code.max - code.capital) * realised,
                100 * 10_000 * per,
            ) + div_round(units * times * code.capital, 100 * per)
        }
        _ => div_round(units * times * code.max, 100 * per),
    }
}

/// The count of a line in hundredths: whole etmalen, dagdelen or hours, and minutes in
/// quarters of an hour (15 to 2400, as the hours of the earlier table were drawn).
fn units_for(rng: &mut Rng, unit: Eenheid) -> i64 {
    match unit {
        Eenheid::Etmaal => rng.int(1, 31) as i64 * 100,
        Eenheid::Dagdeel | Eenheid::Stuk => rng.int(1, 22) as i64 * 100,
        Eenheid::Uur => rng.int(1, 40) as i64 * 100,
        Eenheid::Kwartier => rng.int(1, 160) as i64 * 100,
        Eenheid::Minuut => rng.int(1, 160) as i64 * 1500,
    }
}

/// The smallest count a credit takes back, in hundredths: five minutes (the NZa's rounding
/// of modular care) or one whole unit.
fn credit_step(unit: Eenheid) -> i64 {
    match unit {
        Eenheid::Minuut => 500,
        _ => 100,
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
        let units = units_for(rng, TARIFFS[code].claimed);
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
            // A correction: part of the same line taken back, in whole units.
            let step = credit_step(TARIFFS[code].claimed);
            let back = (line.units * rng.int(1, 3) as i64 / 4 / step * step).max(step);
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
        // V041: max €158.20 with €21.40 capital; 10 days at 96%:
        // care 10·136.80·0.96 = 1313.28, capital 10·21.40 = 214.00, total 1527.28.
        let vpt = &TARIFFS[tariff_index("V041")];
        assert_eq!(amount(vpt, 1000, 9600), 152728);
        // Z901 is `volledig`: 100% whatever the realised percentage, 10 days at €138.60.
        assert_eq!(amount(&TARIFFS[tariff_index("Z901")], 1000, 9000), 138600);
        // A credit is exactly the negative of the same amount, also at a half cent:
        // 15 minutes of H126 at €63.45 an hour is 15.8625 → 15.86; 30 minutes at 97.5% is
        // 0.5·63.45·0.975 = 30.931875 → 30.93.
        assert_eq!(amount(vpt, -1000, 9600), -152728);
        let h126 = &TARIFFS[tariff_index("H126")];
        assert_eq!(
            (amount(h126, 1500, 10_000), amount(h126, -1500, 10_000)),
            (1586, -1586)
        );
        assert_eq!(amount(h126, 3000, 9750), 3093);
        assert_eq!(amount(h126, -3000, 9750), -3093);
        // Dagdelen are not converted: 3 dagdelen of H903 at €89.70 and 100% is 269.10.
        assert_eq!(amount(&TARIFFS[tariff_index("H903")], 300, 10_000), 26910);
    }

    #[test]
    fn counts_are_whole_units_of_the_claimed_unit() {
        // What an AW319 line can hold: whole etmalen, dagdelen and hours, and minutes in
        // quarters of an hour; credits take back multiples of five minutes or whole units.
        let mut rng = Rng::new(5);
        for _ in 0..1000 {
            let m = units_for(&mut rng, Eenheid::Minuut);
            assert!(m % 1500 == 0 && (1500..=240_000).contains(&m), "{m}");
            let e = units_for(&mut rng, Eenheid::Etmaal);
            assert!(e % 100 == 0 && (100..=3100).contains(&e), "{e}");
        }
        assert_eq!(credit_step(Eenheid::Minuut), 500);
        assert_eq!(credit_step(Eenheid::Dagdeel), 100);
    }
}
