//! The numbers of the data contract: the decimal sign, the bounds every number obeys, and
//! their exact parsing from text, from a spreadsheet's floats and integers and from a
//! Parquet decimal's unscaled integer.
//!
//! Text is parsed strictly: an optional sign, digits, and one decimal mark as configured.
//! Thousands separators, spaces, currency signs, exponents and `_` are refused, not
//! guessed. Spreadsheet floats become decimals through their shortest decimal text, which
//! gives back what the spreadsheet shows.
//!
//! Every number, whatever its source (CSV text, a spreadsheet float or integer, a Parquet
//! decimal, the configuration, a policy file), obeys the same two rules: at most six
//! decimals, and a magnitude below 10^12. Beyond them a value is refused with a message,
//! never rounded, clamped or read as 0. The bounds are what keeps the later arithmetic
//! exact (see `exact`), so nothing here may relax them without widening that. Pure: no IO.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The decimal sign of the input files' text (`decimaalteken`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum DecimalSign {
    #[serde(rename = ".")]
    Point,
    #[serde(rename = ",")]
    Comma,
}

impl DecimalSign {
    /// The byte that separates whole and fraction.
    pub fn mark(self) -> u8 {
        match self {
            DecimalSign::Point => b'.',
            DecimalSign::Comma => b',',
        }
    }
}

/// The bound of a provider's figures: 10^15 (euros, or units for Σ aantal), some 30,000
/// times the yearly Wlz budget of the whole country, so no real provider comes near it.
/// Every input number is below 10^12, but sums of many claims are not, so this bound is
/// checked on the sums (`ingest::claims::join`) and on the claim volume
/// (`aggregate::check_figures`).
pub(crate) const FIGURE_BOUND: i64 = 1_000_000_000_000_000;

/// The figures' bound as messages write it.
pub(crate) const FIGURE_BOUND_TEXT: &str = "10^15";

/// Parses decimal text as the contract allows: `-1234.56` (or `-1234,56` with a decimal
/// comma). Returns a message saying what is wrong otherwise.
pub fn parse_decimal(text: &str, sign: DecimalSign) -> Result<Decimal, String> {
    let t = text.trim();
    let (mark, other) = match sign {
        DecimalSign::Point => (b'.', b','),
        DecimalSign::Comma => (b',', b'.'),
    };
    let bytes = t.as_bytes();
    let negative = bytes.first() == Some(&b'-');
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
    let (whole, fraction) = match digits.iter().position(|&b| b == mark) {
        Some(p) => (&digits[..p], &digits[p + 1..]),
        None => (digits, &digits[..0]),
    };
    from_digits(negative, whole, fraction, t)
}

/// The most decimals an input number may have. Real amounts have two, units and tariffs a
/// few; more is the noise of a float computed elsewhere (0.1 + 0.2 = 0.30000000000000004),
/// which would be guessed at if it were rounded here, or a value below the resolution of
/// a millionth (1e-30), which would otherwise become 0.
pub(crate) const MAX_DECIMALS: u32 = 6;

/// Every input number is below 10^12 in magnitude (whole digits at most 12): a thousand
/// times the yearly revenue of the largest Dutch care provider, and far more units than a
/// year has days or hours. With six decimals a number then has at most 18 digits, which
/// keeps the claims' sums in exact integers and every product the solver forms within
/// what `exact` computes without loss.
pub(crate) const MAX_WHOLE_DIGITS: u32 = 12;

/// The bound as messages write it.
pub(crate) const BOUND: &str = "10^12";

fn out_of_range(shown: &str) -> String {
    format!("{shown} is out of range: numbers must be below {BOUND} (1000000000000) in magnitude")
}

fn too_precise(shown: &str) -> String {
    format!(
        "{shown} has more than {MAX_DECIMALS} decimals (below a millionth, or a float's rounding noise? round it where the file is made)"
    )
}

/// A number from its ASCII digits before and after the decimal mark, checked against both
/// bounds; leading and trailing zeros do not count.
fn from_digits(
    negative: bool,
    whole: &[u8],
    fraction: &[u8],
    shown: &str,
) -> Result<Decimal, String> {
    let first = whole.iter().position(|&b| b != b'0').unwrap_or(whole.len());
    let whole = &whole[first..];
    let last = fraction
        .iter()
        .rposition(|&b| b != b'0')
        .map_or(0, |p| p + 1);
    let fraction = &fraction[..last];
    if whole.len() > MAX_WHOLE_DIGITS as usize {
        return Err(out_of_range(shown));
    }
    if fraction.len() > MAX_DECIMALS as usize {
        return Err(too_precise(shown));
    }
    // At most 18 digits: the mantissa fits an i64.
    let mantissa = whole
        .iter()
        .chain(fraction)
        .fold(0i64, |m, &b| m * 10 + i64::from(b - b'0'));
    let mantissa = if negative { -mantissa } else { mantissa };
    Ok(Decimal::new(mantissa, fraction.len() as u32))
}

/// The text of `m · 10^−s` without trailing zeros, for messages.
pub(crate) fn scaled_text(m: i128, s: u32) -> String {
    let (mut m, mut s) = (m, s);
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    decimal_text(m, s)
}

/// An unscaled integer and its scale (a Parquet decimal) as a bounded `Decimal`.
pub(crate) fn scaled_to_decimal(m: i128, s: u32) -> Result<Decimal, String> {
    let shown = scaled_text(m, s);
    let (mut m, mut s) = (m, s);
    while s > 0 && m % 10 == 0 {
        m /= 10;
        s -= 1;
    }
    if s > MAX_DECIMALS {
        return Err(too_precise(&shown));
    }
    if m.unsigned_abs() >= 10u128.pow(MAX_WHOLE_DIGITS + s) {
        return Err(out_of_range(&shown));
    }
    Ok(Decimal::from_i128_with_scale(m, s))
}

/// An integer (a spreadsheet or Parquet integer, a configuration integer), bounded.
pub(crate) fn integer_to_decimal(i: i128) -> Result<Decimal, String> {
    if i.unsigned_abs() >= 10u128.pow(MAX_WHOLE_DIGITS) {
        return Err(out_of_range(&i.to_string()));
    }
    Ok(Decimal::from(i))
}

/// A spreadsheet float as the decimal it shows: through its shortest round-trip text,
/// parsed by the same rules as text (Rust writes floats without an exponent, so a float
/// below a millionth shows all its decimals and is refused, not rounded to 0).
pub(crate) fn float_to_decimal(f: f64) -> Result<Decimal, String> {
    if !f.is_finite() {
        return Err(format!("not a number: {f}"));
    }
    let text = f.to_string();
    let digits = text.strip_prefix('-').unwrap_or(&text).as_bytes();
    let (whole, fraction) = match digits.iter().position(|&b| b == b'.') {
        Some(p) => (&digits[..p], &digits[p + 1..]),
        None => (digits, &digits[..0]),
    };
    from_digits(f < 0.0, whole, fraction, &float_shown(f))
}

/// A float as a reader would write it: plain, or with an exponent when it is tiny or huge
/// (`1e-30`, not thirty zeros).
pub(crate) fn float_shown(f: f64) -> String {
    if f != 0.0 && !(1e-6..1e15).contains(&f.abs()) {
        format!("{f:e}")
    } else {
        f.to_string()
    }
}

/// The text of `m · 10^−s`, exactly.
pub(crate) fn decimal_text(m: i128, s: u32) -> String {
    let digits = m.unsigned_abs().to_string();
    let sign = if m < 0 { "-" } else { "" };
    let s = s as usize;
    if s == 0 {
        return format!("{sign}{digits}");
    }
    let padded = format!("{digits:0>width$}", width = s + 1);
    let (whole, fraction) = padded.split_at(padded.len() - s);
    format!("{sign}{whole}.{fraction}")
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
    }

    #[test]
    fn numbers_beyond_the_bound_are_refused_whatever_their_source() {
        // The largest number in: twelve nines and six decimals. 10^12 itself is out.
        check(
            "999999999999.999999",
            DecimalSign::Point,
            Ok("999999999999.999999"),
        );
        check(
            "-999999999999,99",
            DecimalSign::Comma,
            Ok("-999999999999.99"),
        );
        check("1000000000000", DecimalSign::Point, Err("out of range"));
        check("-1000000000000.00", DecimalSign::Point, Err("below 10^12"));
        // Far beyond what Decimal holds: the same message, not a parse failure.
        check(
            "100000000000000000000000000000000",
            DecimalSign::Point,
            Err("100000000000000000000000000000000 is out of range"),
        );
        // Leading and trailing zeros do not count.
        check("0000000000000001.5000000000", DecimalSign::Point, Ok("1.5"));
        assert!(integer_to_decimal(999_999_999_999).is_ok());
        assert!(integer_to_decimal(-1_000_000_000_000)
            .unwrap_err()
            .contains("out of range"));
        assert!(float_to_decimal(1e12).unwrap_err().contains("out of range"));
        assert!(float_to_decimal(-1e300).unwrap_err().contains("-1e300"));
        assert_eq!(
            float_to_decimal(999999999999.5).unwrap().to_string(),
            "999999999999.5"
        );
        // Parquet decimals: an unscaled integer and its scale.
        assert_eq!(
            scaled_to_decimal(123_450_000, 6).unwrap().to_string(),
            "123.45"
        );
        assert_eq!(scaled_to_decimal(-10, 7).unwrap().to_string(), "-0.000001");
        let e = scaled_to_decimal(10i128.pow(22), 2).unwrap_err();
        assert!(
            e.starts_with("100000000000000000000 is out of range"),
            "{e}"
        );
        assert!(scaled_to_decimal(i128::MAX, 0)
            .unwrap_err()
            .contains("out of range"));
        assert_eq!(
            scaled_to_decimal(10i128.pow(30) + 1, 30).unwrap_err(),
            "1.000000000000000000000000000001 has more than 6 decimals (below a millionth, or a float's rounding noise? round it where the file is made)"
        );
    }

    #[test]
    fn floats_below_the_resolution_are_refused_not_read_as_zero() {
        // 1e-30 used to go through Decimal::from_str, which rounds to 28 places: to 0.
        let e = float_to_decimal(1e-30).unwrap_err();
        assert!(e.starts_with("1e-30 has more than 6 decimals"), "{e}");
        assert!(float_to_decimal(-4e-7).is_err());
        assert_eq!(float_to_decimal(1e-6).unwrap().to_string(), "0.000001");
        assert_eq!(float_shown(1e-30), "1e-30");
        assert_eq!(float_shown(0.5), "0.5");
        assert_eq!(float_to_decimal(-0.0).unwrap(), Decimal::ZERO);
    }
}
