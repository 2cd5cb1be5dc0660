//! `rapport.xlsx`: the run as analysts open it. Sheets `Samenvatting`, `Aanbieders`,
//! `Uitgesloten`, `Configuratie` and `Curves`, with real numbers in Dutch formats, frozen
//! headers, filters and column widths. The other commands' workbooks are written from
//! sheets their report modules build (`labelled_rtp_workbook`, `table_workbook`): this
//! module knows runs, sheets and cells, not scenarios, sweeps or policies.
//!
//! Excel stores every number as a binary double, so each exact decimal is converted once,
//! here, after rounding to the precision the CSVs show; the CSVs stay the exact record.
//! The document's creation date is fixed, so the same run gives the same bytes.

use anyhow::{anyhow, Result};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, Workbook, Worksheet, XlsxError,
};

use super::{rtp_row, AANBIEDERS_COLUMNS, RTP_COLUMNS};
use crate::model::BreakEven;
use crate::pipeline::{Group, Run};
use crate::solve::curve;

fn number(d: Decimal, dp: u32) -> f64 {
    d.round_dp_with_strategy(dp, RoundingStrategy::MidpointAwayFromZero)
        .to_f64()
        .unwrap_or(f64::NAN)
}

struct Formats {
    header: Format,
    money: Format,
    percent1: Format,
    percent2: Format,
    percent4: Format,
    integer: Format,
    text: Format,
    positive: Format,
    negative: Format,
}

impl Formats {
    fn new() -> Formats {
        // Number format codes are stored locale-free; [$€-413] asks for the euro sign and Dutch
        // conventions (1.234,56) whatever the reader's locale.
        let money = "[$€-413] #,##0.00;[Red][$€-413] -#,##0.00";
        Formats {
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xD9E1F2))
                .set_align(FormatAlign::Center),
            money: Format::new().set_num_format(money),
            percent1: Format::new().set_num_format("0.0%"),
            percent2: Format::new().set_num_format("0.00%"),
            percent4: Format::new().set_num_format("0.0000%"),
            integer: Format::new().set_num_format("0"),
            text: Format::new(),
            positive: Format::new()
                .set_background_color(Color::RGB(0xC6EFCE))
                .set_font_color(Color::RGB(0x006100)),
            negative: Format::new()
                .set_background_color(Color::RGB(0xFFC7CE))
                .set_font_color(Color::RGB(0x9C0006)),
        }
    }
}

/// Writes a header row, freezes it, filters it and sets the widths.
fn header(
    ws: &mut Worksheet,
    row: u32,
    names: &[&str],
    widths: &[f64],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *name, &f.header)?;
        ws.set_column_width(c as u16, widths.get(c).copied().unwrap_or(14.0))?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    Ok(())
}

fn break_even_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    b: BreakEven,
    f: &Formats,
) -> Result<(), XlsxError> {
    match b {
        BreakEven::At(v) => ws.write_number_with_format(row, col, number(v, 6), &f.percent4)?,
        BreakEven::Always => ws.write_string_with_format(row, col, "-inf", &f.text)?,
        BreakEven::Never => ws.write_string_with_format(row, col, "inf", &f.text)?,
    };
    Ok(())
}

fn samenvatting(wb: &mut Workbook, run: &Run, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Samenvatting")?;
    ws.write_string_with_format(0, 0, "model", &f.header)?;
    ws.write_string(0, 1, run.config.model.as_str())?;
    ws.write_string_with_format(1, 0, "referentiejaar", &f.header)?;
    ws.write_number_with_format(1, 1, run.config.referentiejaar, &f.integer)?;
    let widths = [
        15.0, 13.0, 11.0, 18.0, 12.0, 12.0, 8.0, 9.0, 9.0, 27.0, 24.0, 9.0,
    ];
    header(ws, 3, &RTP_COLUMNS, &widths, f)?;
    for (i, g) in run.groups.iter().enumerate() {
        rtp_cells(ws, 4 + i as u32, 0, run, g, f)?;
    }
    Ok(())
}

/// One group's row of `rtp.csv` as cells, from column `col` on.
fn rtp_cells(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    run: &Run,
    g: &Group,
    f: &Formats,
) -> Result<(), XlsxError> {
    let r = &g.result;
    let text = rtp_row(run, g);
    ws.write_string(row, col, &text[0])?;
    ws.write_string(row, col + 1, &text[1])?;
    ws.write_number_with_format(row, col + 2, r.n as f64, &f.integer)?;
    ws.write_number_with_format(row, col + 3, number(r.omzet, 2), &f.money)?;
    break_even_cell(ws, row, col + 4, r.r_aantal, f)?;
    break_even_cell(ws, row, col + 5, r.r_omzet, f)?;
    ws.write_number_with_format(row, col + 6, number(r.rtp, 6), &f.percent1)?;
    ws.write_string(row, col + 7, &text[7])?;
    ws.write_string_with_format(
        row,
        col + 8,
        &text[8],
        if r.haalbaar { &f.positive } else { &f.negative },
    )?;
    for c in [9, 10] {
        ws.write_number_with_format(
            row,
            col + c,
            text[c as usize].parse::<f64>().unwrap_or(f64::NAN) / 100.0,
            &f.percent2,
        )?;
    }
    let holds = r.at_rtp.holds();
    ws.write_string_with_format(
        row,
        col + 11,
        &text[11],
        if holds { &f.positive } else { &f.negative },
    )?;
    Ok(())
}

fn aanbieders(wb: &mut Workbook, run: &Run, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Aanbieders")?;
    let names = AANBIEDERS_COLUMNS;
    let widths = [
        10.0, 36.0, 7.0, 12.0, 12.0, 17.0, 15.0, 17.0, 15.0, 13.0, 17.0, 17.0, 12.0, 12.0, 15.0,
        9.0,
    ];
    header(ws, 0, &names, &widths, f)?;
    let zero = run.config.criteria.nul_is_positief;
    let mut row = 0u32;
    for g in &run.groups {
        for (j, &i) in g.members.iter().enumerate() {
            row += 1;
            let p = &run.providers[i];
            let c = &p.claims;
            ws.write_string(row, 0, p.kvk.to_string())?;
            ws.write_string(row, 1, &p.naam)?;
            ws.write_string(row, 2, p.sector.as_str())?;
            ws.write_string(row, 3, p.cluster.as_str())?;
            ws.write_number_with_format(row, 4, number(p.intramuraal_aandeel, 6), &f.percent4)?;
            let amounts = [
                p.position.omzet,
                p.position.resultaat,
                c.declaraties,
                c.kapitaal,
                c.volledig,
                c.zorg,
                c.zorg_max,
            ];
            for (k, a) in amounts.iter().enumerate() {
                ws.write_number_with_format(row, 5 + k as u16, number(*a, 2), &f.money)?;
            }
            if !c.zorg_max.is_zero() {
                ws.write_number_with_format(row, 12, number(c.zorg / c.zorg_max, 6), &f.percent4)?;
            }
            break_even_cell(ws, row, 13, g.result.break_evens[j], f)?;
            let positive = p.position.is_positive_at(g.result.rtp, zero);
            ws.write_number_with_format(
                row,
                14,
                number(p.position.result_at(g.result.rtp), 2),
                &f.money,
            )?;
            ws.write_string_with_format(
                row,
                15,
                if positive { "ja" } else { "nee" },
                if positive { &f.positive } else { &f.negative },
            )?;
        }
    }
    ws.autofilter(0, 0, row.max(1), names.len() as u16 - 1)?;
    Ok(())
}

fn uitgesloten(wb: &mut Workbook, run: &Run, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Uitgesloten")?;
    header(ws, 0, &["kvk", "naam", "reden"], &[10.0, 36.0, 60.0], f)?;
    for (i, e) in run.excluded.iter().enumerate() {
        let row = 1 + i as u32;
        ws.write_string(row, 0, e.kvk.to_string())?;
        ws.write_string(row, 1, &e.naam)?;
        ws.write_string(row, 2, e.reden())?;
    }
    ws.autofilter(0, 0, run.excluded.len().max(1) as u32, 2)?;
    Ok(())
}

fn configuratie(wb: &mut Workbook, run: &Run, f: &Formats) -> Result<()> {
    let ws = wb.add_worksheet().set_name("Configuratie")?;
    header(ws, 0, &["sleutel", "waarde"], &[40.0, 50.0], f)?;
    let pairs = run.config.keys()?;
    for (i, (k, v)) in pairs.iter().enumerate() {
        ws.write_string(1 + i as u32, 0, k)?;
        ws.write_string(1 + i as u32, 1, v)?;
    }
    let top = pairs.len() as u32 + 2;
    let names = ["rol", "pad", "bytes", "rijen", "sha256"];
    for (c, name) in names.iter().enumerate() {
        ws.write_string_with_format(top, c as u16, *name, &f.header)?;
    }
    ws.set_column_width(2, 12.0)?;
    ws.set_column_width(3, 12.0)?;
    ws.set_column_width(4, 66.0)?;
    for (i, input) in run.data.inputs.iter().enumerate() {
        let row = top + 1 + i as u32;
        ws.write_string(row, 0, input.rol)?;
        ws.write_string(row, 1, &input.pad)?;
        ws.write_number_with_format(row, 2, input.bytes as f64, &f.integer)?;
        ws.write_number_with_format(row, 3, input.rijen as f64, &f.integer)?;
        ws.write_string(row, 4, &input.sha256)?;
    }
    Ok(())
}

fn curves(wb: &mut Workbook, run: &Run, f: &Formats) -> Result<(), XlsxError> {
    let ws = wb.add_worksheet().set_name("Curves")?;
    let names = [
        "sector",
        "cluster",
        "percentage",
        "aandeel_aanbieders_positief",
        "aandeel_omzet_positief",
    ];
    header(ws, 0, &names, &[8.0, 13.0, 12.0, 26.0, 24.0], f)?;
    let mut row = 0u32;
    for g in &run.groups {
        let omzet: Vec<Decimal> = g
            .members
            .iter()
            .map(|&i| run.providers[i].position.omzet)
            .collect();
        let c = curve(&g.result.break_evens, &omzet);
        for &(r, n, o) in &c.steps {
            row += 1;
            ws.write_string(row, 0, g.sector.as_str())?;
            ws.write_string(row, 1, g.cluster.as_str())?;
            ws.write_number_with_format(row, 2, number(r, 6), &f.percent4)?;
            ws.write_number_with_format(row, 3, number(n, 6), &f.percent2)?;
            ws.write_number_with_format(row, 4, number(o, 6), &f.percent2)?;
        }
    }
    ws.autofilter(0, 0, row.max(1), 4)?;
    Ok(())
}

/// A sheet of text cells, written as they are, under a header with these column widths.
pub(crate) struct TextSheet<'a> {
    pub name: &'a str,
    pub columns: &'a [&'a str],
    pub widths: &'a [f64],
    pub rows: &'a [Vec<String>],
}

/// A workbook of two sheets: the first (name, header, column widths) holds every group's
/// rtp.csv row of each run, typed as in `Samenvatting`, under the run's label in the first
/// column; the second is `text`.
pub(crate) fn labelled_rtp_workbook(
    (name, columns, widths): (&str, &[&str], &[f64]),
    runs: &[(&str, &Run)],
    text: &TextSheet,
) -> Result<Vec<u8>> {
    let mut wb = new_workbook()?;
    let f = Formats::new();
    let ws = wb.add_worksheet().set_name(name)?;
    header(ws, 0, columns, widths, &f)?;
    let mut row = 0u32;
    for (label, run) in runs {
        for g in &run.groups {
            row += 1;
            ws.write_string(row, 0, *label)?;
            rtp_cells(ws, row, 1, run, g, &f)?;
        }
    }
    ws.autofilter(0, 0, row.max(1), widths.len() as u16 - 1)?;
    let ws = wb.add_worksheet().set_name(text.name)?;
    header(ws, 0, text.columns, text.widths, &f)?;
    for (i, r) in text.rows.iter().enumerate() {
        for (c, v) in r.iter().enumerate() {
            ws.write_string(1 + i as u32, c as u16, v)?;
        }
    }
    Ok(wb.save_to_buffer()?)
}

/// A sheet of plain text cells: its name, header and rows.
pub(crate) type Sheet<'a> = (&'a str, &'a [&'a str], Vec<Vec<String>>);

/// A workbook of plain tables, one sheet per (name, header, rows) as the CSVs hold them.
/// Money columns (kosten, resultaat, verschil) become euro amounts and percentage columns
/// (percentage, rtp, marge, drempel, verschil_pct) real percentages; identifiers and names
/// stay text, so a KvK keeps its leading zero.
pub(crate) fn table_workbook(sheets: &[Sheet]) -> Result<Vec<u8>> {
    let mut wb = new_workbook()?;
    let f = Formats::new();
    for (name, columns, rows) in sheets {
        let ws = wb.add_worksheet().set_name(*name)?;
        let widths: Vec<f64> = columns
            .iter()
            .map(|c| match *c {
                "naam" | "regels" | "zorgkantoren" | "beleid" => 36.0,
                _ => 15.0,
            })
            .collect();
        header(ws, 0, columns, &widths, &f)?;
        for (r, row) in rows.iter().enumerate() {
            let r = 1 + r as u32;
            for (c, (column, cell)) in columns.iter().zip(row).enumerate() {
                let c = c as u16;
                let money = column.starts_with("kosten")
                    || column.starts_with("resultaat")
                    || *column == "verschil";
                let pct = matches!(
                    *column,
                    "percentage" | "rtp" | "marge_bij_tarief" | "drempel" | "verschil_pct"
                );
                match cell.parse::<f64>() {
                    Ok(v) if money => ws.write_number_with_format(r, c, v, &f.money)?,
                    Ok(v) if pct => ws.write_number_with_format(r, c, v / 100.0, &f.percent2)?,
                    Ok(v) if matches!(*column, "aanbieders" | "aantal") => {
                        ws.write_number(r, c, v)?
                    }
                    _ => ws.write_string(r, c, cell)?,
                };
            }
        }
        ws.autofilter(0, 0, rows.len().max(1) as u32, columns.len() as u16 - 1)?;
    }
    Ok(wb.save_to_buffer()?)
}

/// A workbook whose creation date is fixed, so that the same content gives the same bytes.
/// Deflate level 1 rather than 6: the same bytes on every run still, a few percent larger,
/// in a fraction of the time (at level 6 compressing was most of writing the workbook).
fn new_workbook() -> Result<Workbook> {
    let mut wb = Workbook::new();
    wb.set_zip_compression_level(1);
    let fixed = ExcelDateTime::from_ymd(2000, 1, 1).map_err(|e| anyhow!("{e}"))?;
    wb.set_properties(
        &DocProperties::new()
            .set_title("richttariefpercentage")
            .set_creation_datetime(&fixed),
    );
    Ok(wb)
}

/// The workbook's bytes.
pub(crate) fn workbook(run: &Run) -> Result<Vec<u8>> {
    let mut wb = new_workbook()?;
    let f = Formats::new();
    samenvatting(&mut wb, run, &f)?;
    aanbieders(&mut wb, run, &f)?;
    uitgesloten(&mut wb, run, &f)?;
    configuratie(&mut wb, run, &f)?;
    curves(&mut wb, run, &f)?;
    Ok(wb.save_to_buffer()?)
}
