//! Input cells, as every reader hands them over, read as the contract's numbers,
//! integers, text and identifiers (by the rules of `model::number`). Nothing here touches
//! files.

use rust_decimal::Decimal;

pub use crate::model::number::parse_decimal;
use crate::model::number::{
    decimal_text, float_shown, float_to_decimal, integer_to_decimal, scaled_to_decimal, DecimalSign,
};

/// A cell as it comes from any reader, before it is interpreted.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Empty,
    Text(String),
    /// A spreadsheet number (calamine gives every number as f64).
    Float(f64),
    Int(i64),
    /// An exact decimal as its unscaled integer and scale (Parquet decimal columns), which
    /// may hold more than a `Decimal` can.
    Decimal(i128, u32),
    /// Anything else a spreadsheet can hold (dates, booleans, errors), described.
    Other(String),
}

impl Cell {
    pub(crate) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// How the value reads in an error message.
    pub(crate) fn shown(&self) -> String {
        match self {
            Cell::Empty => "(empty)".into(),
            Cell::Text(t) => format!("{t:?}"),
            Cell::Float(f) => float_shown(*f),
            Cell::Int(i) => i.to_string(),
            Cell::Decimal(m, s) => decimal_text(*m, *s),
            Cell::Other(o) => o.clone(),
        }
    }
}

/// A cell as an exact decimal; `Ok(None)` when empty.
pub(crate) fn cell_decimal(cell: &Cell, sign: DecimalSign) -> Result<Option<Decimal>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_decimal(t, sign).map(Some),
        Cell::Float(f) => float_to_decimal(*f).map(Some),
        Cell::Int(i) => integer_to_decimal(i128::from(*i)).map(Some),
        Cell::Decimal(m, s) => scaled_to_decimal(*m, *s).map(Some),
        Cell::Other(o) => Err(format!("not a number: {o}")),
    }
}

/// A cell as an integer (years); `Ok(None)` when empty.
pub(crate) fn cell_integer(cell: &Cell) -> Result<Option<i64>, String> {
    let not = || format!("not a whole number: {}", cell.shown());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => t.trim().parse::<i64>().map(Some).map_err(|_| not()),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(*f as i64)),
        Cell::Int(i) => Ok(Some(*i)),
        Cell::Decimal(m, s) => {
            let unit = 10i128.checked_pow(*s).ok_or_else(not)?;
            if m % unit != 0 {
                return Err(not());
            }
            i64::try_from(m / unit).map(Some).map_err(|_| not())
        }
        _ => Err(not()),
    }
}

/// A cell as text; numbers without a fraction read without `.0`. `None` when empty.
pub(crate) fn cell_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) if t.trim().is_empty() => None,
        Cell::Text(t) => Some(t.trim().to_string()),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Cell::Float(f) => Some(f.to_string()),
        Cell::Int(i) => Some(i.to_string()),
        Cell::Decimal(m, s) => Some(match scaled_to_decimal(*m, *s) {
            Ok(d) => d.to_string(),
            Err(_) => decimal_text(*m, *s),
        }),
        Cell::Other(o) => Some(o.clone()),
    }
}

/// An eight-digit identifier. A spreadsheet or Parquet number has lost its leading zeros,
/// so a number of fewer than eight digits is padded; text must have all eight.
pub(crate) fn cell_identifier(cell: &Cell) -> Option<String> {
    let text = cell_text(cell)?;
    let numeric = matches!(cell, Cell::Float(_) | Cell::Int(_) | Cell::Decimal(..));
    if numeric && text.len() < 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{text:0>8}"))
    } else {
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_numbers_are_whole_only_without_a_fraction() {
        assert_eq!(cell_integer(&Cell::Float(2024.0)), Ok(Some(2024)));
        assert!(cell_integer(&Cell::Float(2024.5)).is_err());
    }

    #[test]
    fn a_parquet_decimal_cell_obeys_the_input_bounds() {
        assert_eq!(
            cell_decimal(&Cell::Decimal(10i128.pow(30) + 1, 30), DecimalSign::Point)
                .unwrap_err(),
            "1.000000000000000000000000000001 has more than 6 decimals (below a millionth, or a float's rounding noise? round it where the file is made)"
        );
    }

    #[test]
    fn tiny_floats_show_with_an_exponent() {
        assert_eq!(Cell::Float(1e-30).shown(), "1e-30");
        assert_eq!(Cell::Float(0.5).shown(), "0.5");
    }

    #[test]
    fn numeric_identifiers_get_their_leading_zeros_back() {
        assert_eq!(
            cell_identifier(&Cell::Float(1234567.0)).as_deref(),
            Some("01234567")
        );
        assert_eq!(
            cell_identifier(&Cell::Text("1234567".into())).as_deref(),
            Some("1234567")
        );
    }
}
