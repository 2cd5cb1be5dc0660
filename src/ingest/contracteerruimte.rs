//! Reads `invoer.contracteerruimte` (CSV, XLSX or ODS): per zorgkantoor and year the
//! budget it may contract Wlz care for, in euros, exact. `tarieven` sets a policy's cost
//! against the row of the contract year. A zorgkantoor twice for one year, an unknown
//! zorgkantoor, a year that is not a plausible one and a negative or missing bedrag are
//! errors naming the file, row, column and value.
//!
//! It reads the file only: which year is used is decided by `contracting`.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use rust_decimal::Decimal;

use super::number::{cell_decimal, cell_integer, cell_text};
use super::table::{read_table, required, RowErrors};
use super::{table_columns, Fields};
use crate::config::InputSpec;
use crate::model::{Contracteerruimte, Zorgkantoor};

pub(crate) fn read_contracteerruimte(spec: &InputSpec) -> Result<Contracteerruimte> {
    let shown = spec.file().shown.as_str();
    let table = read_table(&spec.file().path, shown)?;
    let wants = [
        required("zorgkantoor"),
        required("jaar"),
        required("bedrag"),
    ];
    let columns = table_columns(&table, &wants, &spec.columns)?;
    let sign = spec.sign;
    let mut errors = RowErrors::new(shown);
    let mut by_year = BTreeMap::new();
    let mut first: HashMap<(Zorgkantoor, i32), usize> = HashMap::new();
    for row in &table.rows {
        let mut f = Fields::new(&table, row, &columns, &wants, &mut errors);
        let zorgkantoor = f.value(0, true, |c| {
            cell_text(c).map(|t| Zorgkantoor::parse(&t)).transpose()
        });
        // The same range as the configuration's years, so that 20244 is a typing mistake
        // pointed out here rather than a row no contract year ever uses.
        let jaar = f.value(1, true, |c| match cell_integer(c)? {
            Some(y) if (1900..=2100).contains(&y) => Ok(Some(y as i32)),
            Some(y) => Err(format!("{y} is not a plausible year")),
            None => Ok(None),
        });
        let bedrag = f.value(2, true, |c| match cell_decimal(c, sign)? {
            Some(b) if b < Decimal::ZERO => Err(format!(
                "{b} is negative; a contracteerruimte is an amount of at least 0 euros"
            )),
            b => Ok(b.map(|b| b.normalize())),
        });
        let (Some(zorgkantoor), Some(jaar), Some(bedrag)) = (zorgkantoor, jaar, bedrag) else {
            continue;
        };
        // Two amounts for one budget: which one holds is not for the program to guess.
        if let Some(&earlier) = first.get(&(zorgkantoor, jaar)) {
            let column = columns[0].expect("a required column is mapped");
            f.fail(
                0,
                column,
                format!("\"{zorgkantoor}\" for {jaar} again (first in row {earlier})"),
            );
            continue;
        }
        first.insert((zorgkantoor, jaar), row.number);
        by_year.insert((zorgkantoor, jaar), bedrag);
    }
    errors.finish()?;
    Ok(Contracteerruimte {
        by_year,
        rows: table.rows.len() as u64,
    })
}
