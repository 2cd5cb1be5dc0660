//! Exact parsing of the numbers and identifiers in input cells.
//!
//! Text is parsed strictly: an optional sign, digits, and one decimal mark as configured.
//! Thousands separators, spaces, currency signs, exponents and `_` are refused, not
//! guessed. Spreadsheet floats become decimals through their shortest decimal text, which
//! gives back what the spreadsheet shows. Nothing here touches files.

use std::str::FromStr;

use rust_decimal::Decimal;

use crate::config::DecimalSign;

/// A cell as it comes from any reader, before it is interpreted.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A spreadsheet number (calamine gives every number as f64).
    Float(f64),
    Int(i64),
    /// An exact decimal (Parquet decimal columns).
    Decimal(Decimal),
    /// Anything else a spreadsheet can hold (dates, booleans, errors), described.
    Other(String),
}

impl Cell {
    pub fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// How the value reads in an error message.
    pub fn shown(&self) -> String {
        match self {
            Cell::Empty => "(empty)".into(),
            Cell::Text(t) => format!("{t:?}"),
            Cell::Float(f) => f.to_string(),
            Cell::Int(i) => i.to_string(),
            Cell::Decimal(d) => d.to_string(),
            Cell::Other(o) => o.clone(),
        }
    }
}

/// Parses decimal text as the contract allows: `-1234.56` (or `-1234,56` with a decimal
/// comma). Returns a message saying what is wrong otherwise.
pub fn parse_decimal(text: &str, sign: DecimalSign) -> Result<Decimal, String> {
    let t = text.trim();
    let (mark, other) = match sign {
        DecimalSign::Point => (b'.', b','),
        DecimalSign::Comma => (b',', b'.'),
    };
    let bytes = t.as_bytes();
    let digits = bytes
        .strip_prefix(b"-")
        .or_else(|| bytes.strip_prefix(b"+"))
        .unwrap_or(bytes);
    let mut marks = 0;
    let mut seen_digit = false;
    for &b in digits {
        if b.is_ascii_digit() {
            seen_digit = true;
        } else if b == mark {
            marks += 1;
        } else if b == other {
            return Err(match sign {
                DecimalSign::Point => format!(
                    "not a number: {t:?} (a comma: thousands separators are refused; for a decimal comma set decimaalteken = \",\")"
                ),
                DecimalSign::Comma => {
                    format!("not a number: {t:?} (a point: thousands separators are refused with decimaalteken = \",\")")
                }
            });
        } else {
            return Err(format!("not a number: {t:?}"));
        }
    }
    if !seen_digit || marks > 1 {
        return Err(format!("not a number: {t:?}"));
    }
    let normal;
    let text = if sign == DecimalSign::Comma {
        normal = t.replace(',', ".");
        normal.as_str()
    } else {
        t
    };
    Decimal::from_str_exact(text)
        .map_err(|e| format!("not a number: {t:?} ({e})"))
        .and_then(|d| within_precision(d, t))
}

/// The most decimals an input number may have. Real amounts have two, units and tariffs a
/// few; more is the noise of a float computed elsewhere (0.1 + 0.2 = 0.30000000000000004),
/// which would be guessed at if it were rounded here. The limit also keeps every product
/// the solver forms within Decimal's 28 digits, so that certification stays exact.
pub const MAX_DECIMALS: u32 = 6;

fn within_precision(d: Decimal, shown: impl std::fmt::Display) -> Result<Decimal, String> {
    let d = d.normalize();
    if d.scale() > MAX_DECIMALS {
        return Err(format!(
            "{shown} has more than {MAX_DECIMALS} decimals (a float's rounding noise? round it where the file is made)"
        ));
    }
    Ok(d)
}

/// A spreadsheet float as the decimal it shows: through its shortest round-trip text.
pub fn float_to_decimal(f: f64) -> Result<Decimal, String> {
    if !f.is_finite() {
        return Err(format!("not a number: {f}"));
    }
    let d = Decimal::from_str(&f.to_string()).map_err(|e| format!("not a number: {f} ({e})"))?;
    within_precision(d, f)
}

/// A cell as an exact decimal; `Ok(None)` when empty.
pub fn cell_decimal(cell: &Cell, sign: DecimalSign) -> Result<Option<Decimal>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => parse_decimal(t, sign).map(Some),
        Cell::Float(f) => float_to_decimal(*f).map(Some),
        Cell::Int(i) => Ok(Some(Decimal::from(*i))),
        Cell::Decimal(d) => within_precision(*d, d).map(Some),
        Cell::Other(o) => Err(format!("not a number: {o}")),
    }
}

/// A cell as an integer (years); `Ok(None)` when empty.
pub fn cell_integer(cell: &Cell) -> Result<Option<i64>, String> {
    let not = || format!("not a whole number: {}", cell.shown());
    match cell {
        Cell::Empty => Ok(None),
        Cell::Text(t) if t.trim().is_empty() => Ok(None),
        Cell::Text(t) => t.trim().parse::<i64>().map(Some).map_err(|_| not()),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Ok(Some(*f as i64)),
        Cell::Int(i) => Ok(Some(*i)),
        Cell::Decimal(d) if d.fract().is_zero() => i64::try_from(*d).map(Some).map_err(|_| not()),
        _ => Err(not()),
    }
}

/// A cell as text; numbers without a fraction read without `.0`. `None` when empty.
pub fn cell_text(cell: &Cell) -> Option<String> {
    match cell {
        Cell::Empty => None,
        Cell::Text(t) if t.trim().is_empty() => None,
        Cell::Text(t) => Some(t.trim().to_string()),
        Cell::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => Some(format!("{}", *f as i64)),
        Cell::Float(f) => Some(f.to_string()),
        Cell::Int(i) => Some(i.to_string()),
        Cell::Decimal(d) => Some(d.normalize().to_string()),
        Cell::Other(o) => Some(o.clone()),
    }
}

/// An eight-digit identifier. A spreadsheet or Parquet number has lost its leading zeros,
/// so a number of fewer than eight digits is padded; text must have all eight.
pub fn cell_identifier(cell: &Cell) -> Option<String> {
    let text = cell_text(cell)?;
    let numeric = matches!(cell, Cell::Float(_) | Cell::Int(_) | Cell::Decimal(_));
    if numeric && text.len() < 8 && text.bytes().all(|b| b.is_ascii_digit()) {
        Some(format!("{text:0>8}"))
    } else {
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, sign: DecimalSign, expected: Result<&str, &str>) {
        let got = parse_decimal(text, sign);
        match expected {
            Ok(v) => assert_eq!(got.unwrap().to_string(), v, "{text:?}"),
            Err(fragment) => {
                let e = got.unwrap_err();
                assert!(e.contains(fragment), "{text:?}: {e}");
            }
        }
    }

    #[test]
    fn point_decimals_parse_exactly() {
        // The value is exact; trailing zeros are dropped (outputs print fixed decimals).
        check("100.10", DecimalSign::Point, Ok("100.1"));
        check("123456789.01", DecimalSign::Point, Ok("123456789.01"));
        check(" -1234567890.12 ", DecimalSign::Point, Ok("-1234567890.12"));
        check("+5", DecimalSign::Point, Ok("5"));
    }

    #[test]
    fn decimal_comma_when_configured() {
        check("1234,5", DecimalSign::Comma, Ok("1234.5"));
        check(
            "1.234,5",
            DecimalSign::Comma,
            Err("thousands separators are refused"),
        );
    }

    #[test]
    fn thousands_separators_and_junk_are_refused() {
        check(
            "1,234.56",
            DecimalSign::Point,
            Err("thousands separators are refused"),
        );
        check("1234,56", DecimalSign::Point, Err("decimaalteken"));
        check("1_000", DecimalSign::Point, Err("not a number"));
        check("1 000", DecimalSign::Point, Err("not a number"));
        check("€ 5", DecimalSign::Point, Err("not a number"));
        check("1e5", DecimalSign::Point, Err("not a number"));
        check("n.v.t.", DecimalSign::Point, Err("not a number"));
        check("-", DecimalSign::Point, Err("not a number"));
        check("1.2.3", DecimalSign::Point, Err("not a number"));
        check(
            "0.30000000000000004",
            DecimalSign::Point,
            Err("more than 6 decimals"),
        );
        check("0.1234560000", DecimalSign::Point, Ok("0.123456"));
    }

    #[test]
    fn spreadsheet_floats_become_what_the_sheet_shows() {
        // 100.1 is 100.099999999999994315658… as a float; the sheet shows 100.1.
        assert_eq!(float_to_decimal(100.1).unwrap().to_string(), "100.1");
        // A float's noise is refused, not rounded away.
        assert!(float_to_decimal(0.1 + 0.2)
            .unwrap_err()
            .contains("more than 6 decimals"));
        assert_eq!(cell_integer(&Cell::Float(2024.0)), Ok(Some(2024)));
        assert!(cell_integer(&Cell::Float(2024.5)).is_err());
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
