//! `contracteerruimte.csv`: per zorgkantoor an invented contracteerruimte for the year.
//! A real one covers every provider of the zorgkantoor's regions, of which a generated set
//! holds a handful, so it is made a few times what the set's providers claimed under the
//! zorgkantoor: three to four times Σ (a provider's claims of the year × the share its
//! kenmerken row gives the zorgkantoor), rounded up to a whole €100,000. It draws nothing, so the other
//! files are the same as before this file existed; it reads the shares back from the
//! kenmerken file as written, so that it can never disagree with that file.

use std::collections::BTreeMap;
use std::str::FromStr;

use anyhow::{Context, Result};
use rust_decimal::Decimal;

use super::providers::Provider;
use crate::model::Zorgkantoor;

/// How many times the providers' claims a zorgkantoor's contracteerruimte is: 3, 3.5 or 4
/// by its place in the list, so that the shares a policy's cost takes differ a little, as
/// they would between regions.
fn times(z: Zorgkantoor) -> Decimal {
    let place = Zorgkantoor::ALL.iter().position(|x| *x == z).unwrap_or(0);
    Decimal::from(3) + Decimal::new(5 * (place % 3) as i64, 1)
}
/// The amounts are whole multiples of this, in euros.
const ROUNDED_TO: i64 = 100_000;

pub(super) fn contracteerruimte(
    providers: &[Provider],
    kenmerken_csv: &[u8],
    year: i32,
) -> Result<Vec<u8>> {
    let claimed: BTreeMap<u32, Decimal> = providers
        .iter()
        .map(|p| (p.kvk, Decimal::new(p.declared, 2)))
        .collect();
    let mut reader = csv::Reader::from_reader(kenmerken_csv);
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("the generated kenmerken have no column {name}"))
    };
    let (kvk, zorgkantoor, aandeel) = (column("kvk")?, column("zorgkantoor")?, column("aandeel")?);
    let mut under: BTreeMap<Zorgkantoor, Decimal> = BTreeMap::new();
    for record in reader.records() {
        let record = record?;
        let k: u32 = record[kvk].parse()?;
        let z = Zorgkantoor::parse(&record[zorgkantoor]).map_err(anyhow::Error::msg)?;
        let share = Decimal::from_str(&record[aandeel])?;
        *under.entry(z).or_default() += share * claimed.get(&k).copied().unwrap_or_default();
    }
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(["zorgkantoor", "jaar", "bedrag"])?;
    let step = Decimal::from(ROUNDED_TO);
    for (z, amount) in under.iter().filter(|(_, a)| **a > Decimal::ZERO) {
        let bedrag = (amount * times(*z) / step).ceil() * step;
        out.write_record([z.as_str(), &year.to_string(), &bedrag.to_string()])?;
    }
    Ok(out.into_inner().map_err(|e| e.into_error())?)
}
