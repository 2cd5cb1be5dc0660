//! The one shape of every tabular output: a `Table` of typed `Value`s. Each command's
//! report module builds tables from its results; the renderers turn the same tables into
//! CSV and terminal columns (here, both in the contract's plain text), a workbook
//! (`xlsx`) and a page (`html`).
//!
//! A builder never rounds or formats a number: it says what a cell is (money, a percentage
//! with so many decimals, a share, an RTP, a count, an identifier, ...). How a value is
//! rounded is decided once, here (`Value::shown`), so every medium shows the same digits;
//! how those digits are written (a decimal point or comma, a euro sign, a number format) is
//! each renderer's own. No renderer parses another's text.

use std::fmt;

use rust_decimal::{Decimal, RoundingStrategy};

use crate::model::BreakEven;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// One cell of an output table.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// Euros, shown with two decimals, half away from zero (as Excel's ROUND).
    Money(Decimal),
    /// A fraction shown as percent with this many decimals, half away from zero.
    Percent(Decimal, u32),
    /// A share of providers or of omzet (a fraction), shown as percent with two decimals,
    /// rounded down: 74.996% shows as 74.99, never as a 75.00 the criterion did not reach.
    Share(Decimal),
    /// An RTP (a fraction) and the decimals of the grid, floor and cap it lies on, so
    /// nothing is rounded away.
    Rtp(Decimal, u32),
    /// A configured or swept fraction, shown as percent with the decimals it has, at least
    /// one: 0.005 → `0.5`, 0.75 → `75.0`.
    Setting(Decimal),
    /// A difference of two fractions in percentage points, signed: `+0.4`, `-1.2`, `0.0`.
    Points(Decimal),
    /// A break-even percentage: a fraction shown as percent with four decimals, or one of
    /// the infinities.
    BreakEven(BreakEven),
    /// A whole number: providers, rows, bytes, a year, a seed.
    Count(u64),
    /// A quantity with the decimals it has (a claim's `aantal`).
    Quantity(Decimal),
    /// Words: names, groups, reasons, configuration values.
    Text(String),
    /// An identifier (KvK, AGB, a hash): text, never a number, so a leading zero stays.
    Id(String),
    /// `ja` or `nee`.
    YesNo(bool),
    /// `ja` or `nee` where `ja` is the good outcome (feasible, met, positive): the
    /// workbook colours it.
    Verdict(bool),
    /// Nothing: a figure that does not exist for this row.
    Empty,
}

/// What a number is measured in, as a reader sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Euro,
    /// Percent: the shown number is the fraction times 100.
    Percent,
    /// Percentage points, signed.
    Points,
    /// A plain number.
    Plain,
}

/// A number as every medium shows it: rounded once, in the unit the reader sees, with
/// the decimals to show (trailing zeros included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shown {
    pub value: Decimal,
    pub decimals: u32,
    pub unit: Unit,
}

fn away(d: Decimal, dp: u32) -> Decimal {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
}

/// A fraction as percent with the decimals it has, at least one.
fn as_setting(fraction: Decimal) -> (Decimal, u32) {
    let p = (fraction * HUNDRED).normalize();
    (p, p.scale().max(1))
}

impl Value {
    /// The number this cell shows, rounded with its variant's strategy; `None` for words,
    /// identifiers, yes/no, empty cells and the infinite break-evens.
    pub(crate) fn shown(&self) -> Option<Shown> {
        let (value, decimals, unit) = match *self {
            Value::Money(d) => (away(d, 2), 2, Unit::Euro),
            Value::Percent(f, dp) => (away(f * HUNDRED, dp), dp, Unit::Percent),
            Value::Share(f) => (
                (f * HUNDRED).round_dp_with_strategy(2, RoundingStrategy::ToNegativeInfinity),
                2,
                Unit::Percent,
            ),
            Value::Rtp(f, dp) => (away(f * HUNDRED, dp), dp, Unit::Percent),
            Value::Setting(f) => {
                let (p, dp) = as_setting(f);
                (p, dp, Unit::Percent)
            }
            Value::Points(f) => {
                let (p, dp) = as_setting(f);
                (p, dp, Unit::Points)
            }
            Value::BreakEven(BreakEven::At(f)) => (away(f * HUNDRED, 4), 4, Unit::Percent),
            Value::Count(n) => (Decimal::from(n), 0, Unit::Plain),
            Value::Quantity(d) => {
                let d = d.normalize();
                (d, d.scale(), Unit::Plain)
            }
            Value::BreakEven(_)
            | Value::Text(_)
            | Value::Id(_)
            | Value::YesNo(_)
            | Value::Verdict(_)
            | Value::Empty => return None,
        };
        Some(Shown {
            value,
            decimals,
            unit,
        })
    }

    /// Whether the cell holds a number (or an infinite break-even): right-aligned in
    /// columns, `num` on a page.
    pub(crate) fn is_number(&self) -> bool {
        matches!(
            self,
            Value::Money(_)
                | Value::Percent(..)
                | Value::Share(_)
                | Value::Rtp(..)
                | Value::Setting(_)
                | Value::Points(_)
                | Value::BreakEven(_)
                | Value::Count(_)
                | Value::Quantity(_)
        )
    }

    /// The words of a cell that is not a number: text, an identifier, `ja`/`nee`, the
    /// infinities as `-inf` and `inf`, and nothing for an empty cell; `None` for a number.
    pub(crate) fn words(&self) -> Option<&str> {
        Some(match self {
            Value::Text(s) | Value::Id(s) => s.as_str(),
            Value::YesNo(b) | Value::Verdict(b) => yes_no(*b),
            Value::BreakEven(BreakEven::Always) => "-inf",
            Value::BreakEven(BreakEven::Never) => "inf",
            Value::Empty => "",
            _ => return None,
        })
    }

    /// The contract's plain text of this cell, as the CSVs and the terminal show it: a
    /// decimal point, no thousands separator, no unit.
    pub(crate) fn plain(&self) -> String {
        match self.shown() {
            Some(s) => {
                let sign = if s.unit == Unit::Points && s.value > Decimal::ZERO {
                    "+"
                } else {
                    ""
                };
                format!("{sign}{:.*}", s.decimals as usize, s.value)
            }
            None => self.words().unwrap_or_default().to_string(),
        }
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::Text(s)
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::Text(s.to_string())
    }
}

/// The plain text, padded to a width if one is given (`{:>18}`).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.plain())
    }
}

pub(crate) fn yes_no(b: bool) -> &'static str {
    if b {
        "ja"
    } else {
        "nee"
    }
}

/// A fraction as percent with exactly the digits it has: 0.4 → `40`, 0.755 → `75.5`. For
/// shares written inside a sentence or a list, as the configuration or the kenmerken give
/// them.
pub(crate) fn as_written(fraction: Decimal) -> String {
    (fraction * HUNDRED).normalize().to_string()
}

/// An output table: its name (a workbook's sheet), its column headers and its rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Table {
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Value>>,
}

impl Table {
    /// A table under a header written as its CSV line: `kvk,naam,reden`.
    pub(crate) fn new(name: &str, header: &str, rows: Vec<Vec<Value>>) -> Table {
        Table {
            name: name.to_string(),
            columns: header.split(',').map(str::to_string).collect(),
            rows,
        }
    }

    /// A table with a row for each item.
    pub(crate) fn of<T>(
        name: &str,
        header: &str,
        items: impl IntoIterator<Item = T>,
        row: impl FnMut(T) -> Vec<Value>,
    ) -> Table {
        Table::new(name, header, items.into_iter().map(row).collect())
    }

    /// Some of this table's columns, in the order given, each under the header paired
    /// with it: `[("pad", "bestand")]` shows column `pad` as `bestand`.
    pub(crate) fn pick(&self, name: &str, columns: &[(&str, &str)]) -> Table {
        let at: Vec<usize> = columns
            .iter()
            .map(|(c, _)| {
                self.columns
                    .iter()
                    .position(|h| h == c)
                    .unwrap_or_else(|| panic!("{} has no column {c}", self.name))
            })
            .collect();
        Table {
            name: name.to_string(),
            columns: columns.iter().map(|(_, h)| h.to_string()).collect(),
            rows: self
                .rows
                .iter()
                .map(|r| at.iter().map(|&i| r[i].clone()).collect())
                .collect(),
        }
    }

    /// Whether column `c` holds numbers: right-aligned in columns, `num` on a page.
    pub(crate) fn is_number_column(&self, c: usize) -> bool {
        self.rows.iter().any(|r| r[c].is_number())
    }
}

/// A table as CSV: the header, then every row in the contract's plain text, each line
/// ending in `\n`.
pub(crate) fn csv(table: &Table) -> anyhow::Result<Vec<u8>> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    w.write_record(&table.columns)?;
    for r in &table.rows {
        w.write_record(r.iter().map(Value::plain))?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}

/// A table laid out in columns for the terminal, in the contract's plain text: words
/// left-aligned, numbers right-aligned, two spaces between columns, no trailing spaces.
pub(crate) fn text(table: &Table) -> String {
    let cells: Vec<Vec<String>> = table
        .rows
        .iter()
        .map(|r| r.iter().map(Value::plain).collect())
        .collect();
    let right: Vec<bool> = (0..table.columns.len())
        .map(|c| table.is_number_column(c))
        .collect();
    let widths: Vec<usize> = table
        .columns
        .iter()
        .enumerate()
        .map(|(c, h)| {
            cells
                .iter()
                .map(|r| r[c].chars().count())
                .chain([h.chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if right[c] {
                    format!("{s:>w$}", w = widths[c])
                } else {
                    format!("{s:<w$}", w = widths[c])
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(&table.columns[..]);
    for r in &cells {
        out += &line(&r[..]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn plain(v: Value) -> String {
        v.plain()
    }

    #[test]
    fn money_rounds_half_away_from_zero() {
        assert_eq!(plain(Value::Money(d("2.005"))), "2.01");
        assert_eq!(plain(Value::Money(d("-2.005"))), "-2.01");
        assert_eq!(plain(Value::Money(d("7"))), "7.00");
    }

    #[test]
    fn shares_round_down_so_75_means_75() {
        assert_eq!(plain(Value::Share(d("0.74996"))), "74.99");
        assert_eq!(plain(Value::Share(d("0.75"))), "75.00");
        assert_eq!(plain(Value::Share(Decimal::ONE)), "100.00");
    }

    #[test]
    fn break_evens_show_infinities_as_words() {
        assert_eq!(
            plain(Value::BreakEven(BreakEven::At(d("0.9555555")))),
            "95.5556"
        );
        assert_eq!(plain(Value::BreakEven(BreakEven::Always)), "-inf");
        assert_eq!(plain(Value::BreakEven(BreakEven::Never)), "inf");
    }

    #[test]
    fn settings_and_points_keep_their_digits_with_at_least_one() {
        assert_eq!(plain(Value::Setting(d("0.005"))), "0.5");
        assert_eq!(plain(Value::Setting(d("0.75"))), "75.0");
        assert_eq!(plain(Value::Points(d("0.004"))), "+0.4");
        assert_eq!(plain(Value::Points(d("-0.012"))), "-1.2");
        assert_eq!(plain(Value::Points(Decimal::ZERO)), "0.0");
    }

    #[test]
    fn an_rtp_shows_the_grid_decimals() {
        assert_eq!(plain(Value::Rtp(d("0.954"), 1)), "95.4");
        assert_eq!(plain(Value::Rtp(d("0.96"), 1)), "96.0");
        assert_eq!(plain(Value::Rtp(d("0.9525"), 2)), "95.25");
    }

    #[test]
    fn identifiers_and_quantities_stay_as_written() {
        assert_eq!(plain(Value::Id("01234567".into())), "01234567");
        assert_eq!(plain(Value::Quantity(d("12.500"))), "12.5");
        assert_eq!(plain(Value::Count(37)), "37");
        assert_eq!(plain(Value::Empty), "");
    }

    #[test]
    fn columns_align_by_type_not_by_position() {
        let t = Table::new(
            "t",
            "naam,omzet,ok",
            vec![
                vec!["A".into(), Value::Money(d("5")), Value::YesNo(true)],
                vec!["Bcd".into(), Value::Money(d("1000")), Value::YesNo(false)],
            ],
        );
        // Hand-laid: names left in 4 columns, amounts right in 7, ja/nee left.
        assert_eq!(
            text(&t),
            "naam    omzet  ok\nA        5.00  ja\nBcd   1000.00  nee\n"
        );
    }

    #[test]
    fn csv_writes_the_plain_text_with_quotes_where_needed() {
        let t = Table::new(
            "t",
            "kvk,reden",
            vec![vec![Value::Id("01234567".into()), "a, b; \"c\"".into()]],
        );
        assert_eq!(
            String::from_utf8(csv(&t).unwrap()).unwrap(),
            "kvk,reden\n01234567,\"a, b; \"\"c\"\"\"\n"
        );
    }
}
