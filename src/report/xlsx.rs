//! The workbook renderer: sheets of `Table`s as real cells. Numbers are numbers with Dutch
//! number formats (euros, percentages with the decimals the CSVs show), words and
//! identifiers are text (a KvK keeps its leading zero), a `ja`/`nee` verdict is coloured;
//! each sheet's first table has a frozen, filtered header, and every column is as wide
//! as its widest cell. It knows tables and cells, not runs, scenarios or policies.
//!
//! Excel stores every number as a binary double, so each exact decimal is converted once,
//! here, after the rounding every medium shares (`Value::shown`); the CSVs stay the exact
//! record. The document's creation date is fixed, so the same tables give the same bytes.

use anyhow::{anyhow, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::table::{yes_no, Shown, Table, Unit, Value};

/// What a sheet holds, top to bottom, one empty row between two blocks.
pub(crate) enum Block<'a> {
    /// Labels (in the header's format) with a value beside each.
    Pairs(Vec<(&'a str, Value)>),
    Table(&'a Table),
}

pub(crate) struct Sheet<'a> {
    pub name: &'a str,
    pub blocks: Vec<Block<'a>>,
}

impl<'a> Sheet<'a> {
    /// A sheet of one table, named after it.
    pub(crate) fn of(table: &'a Table) -> Sheet<'a> {
        Sheet {
            name: &table.name,
            blocks: vec![Block::Table(table)],
        }
    }
}

struct Formats {
    header: Format,
    money: Format,
    count: Format,
    good: Format,
    bad: Format,
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center),
            // Number format codes are stored locale-free; [$€-413] asks for the euro sign
            // and Dutch conventions (1.234,56) whatever the reader's locale.
            money: Format::new().set_num_format("[$€-413] #,##0.00;[Red][$€-413] -#,##0.00"),
            count: Format::new().set_num_format("0"),
            good: Format::new()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            bad: Format::new()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
        }
    }

    /// The number format of a shown number: euros, or percent (points signed) with the
    /// decimals shown, or a whole number.
    fn number(&self, s: &Shown) -> Format {
        let decimals = if s.decimals == 0 {
            String::new()
        } else {
            format!(".{}", "0".repeat(s.decimals as usize))
        };
        match s.unit {
            Unit::Euro => self.money.clone(),
            Unit::Percent => Format::new().set_num_format(format!("0{decimals}%")),
            Unit::Points => {
                Format::new().set_num_format(format!("+0{decimals}%;-0{decimals}%;0{decimals}%"))
            }
            Unit::Plain => self.count.clone(),
        }
    }
}

/// The double Excel stores for a shown number: percentages as the fraction they are.
fn double(s: &Shown) -> f64 {
    let v = match s.unit {
        Unit::Percent | Unit::Points => s.value / Decimal::ONE_HUNDRED,
        Unit::Euro | Unit::Plain => s.value,
    };
    v.to_f64().unwrap_or(f64::NAN)
}

fn cell(ws: &mut Worksheet, row: u32, col: u16, v: &Value, f: &Formats) -> Result<(), XlsxError> {
    match (v, v.shown()) {
        (Value::Empty, _) => {}
        (Value::Verdict(b), _) => {
            let format = if *b { &f.good } else { &f.bad };
            ws.write_string_with_format(row, col, yes_no(*b), format)?;
        }
        // A quantity keeps the decimals it has, in Excel's general format.
        (Value::Quantity(_), Some(s)) => {
            ws.write_number(row, col, double(&s))?;
        }
        (_, Some(s)) => {
            ws.write_number_with_format(row, col, double(&s), &f.number(&s))?;
        }
        (_, None) => {
            ws.write_string(row, col, v.words().unwrap_or_default())?;
        }
    }
    Ok(())
}

/// How many characters a cell takes as Excel shows it: the plain text, with the euro
/// sign, its space and the thousands separators of an amount, or the percent sign.
fn shown_width(v: &Value) -> usize {
    let plain = v.plain().chars().count();
    match v.shown().map(|s| s.unit) {
        Some(Unit::Euro) => plain + 2 + plain.saturating_sub(4) / 3,
        Some(Unit::Percent | Unit::Points) => plain + 1,
        _ => plain,
    }
}

fn write_sheet(wb: &mut Workbook, sheet: &Sheet, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name(sheet.name)?;
    let mut widths: Vec<usize> = Vec::new();
    let mut widen = |col: usize, chars: usize| {
        if widths.len() <= col {
            widths.resize(col + 1, 0);
        }
        widths[col] = widths[col].max(chars);
    };
    let mut row = 0u32;
    let mut first_table = true;
    for (k, block) in sheet.blocks.iter().enumerate() {
        if k > 0 {
            row += 1;
        }
        match block {
            Block::Pairs(pairs) => {
                for (label, v) in pairs {
                    ws.write_string_with_format(row, 0, *label, &f.header)?;
                    cell(ws, row, 1, v, f)?;
                    widen(0, label.chars().count());
                    widen(1, shown_width(v));
                    row += 1;
                }
            }
            Block::Table(t) => {
                let top = row;
                for (c, name) in t.columns.iter().enumerate() {
                    ws.write_string_with_format(top, c as u16, name, &f.header)?;
                    widen(c, name.chars().count());
                }
                for r in &t.rows {
                    row += 1;
                    for (c, v) in r.iter().enumerate() {
                        cell(ws, row, c as u16, v, f)?;
                        widen(c, shown_width(v));
                    }
                }
                row += 1;
                if first_table {
                    first_table = false;
                    ws.set_freeze_panes(top + 1, 0)?;
                    let last = top + (t.rows.len() as u32).max(1);
                    ws.autofilter(top, 0, last, t.columns.len() as u16 - 1)?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        // Room for the filter's button beside a header; no column wider than a SHA-256.
        ws.set_column_width(c as u16, (*w + 3).clamp(8, 67) as f64)?;
    }
    Ok(())
}

/// A workbook of these sheets, in order. Its creation date is fixed, so that the same
/// content gives the same bytes.
pub(crate) fn workbook(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut wb = Workbook::new();
    // Deflate level 1 rather than 6: the same bytes on every run still, a few percent
    // larger, in a fraction of the time (at level 6 compressing was most of writing it).
    wb.set_zip_compression_level(1);
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| anyhow!("{e}"))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("richttariefpercentage")
            .set_creation_datetime(&fixed),
    );
    let f = Formats::new();
    for sheet in sheets {
        write_sheet(&mut wb, sheet, &f)?;
    }
    Ok(wb.save_to_buffer()?)
}
