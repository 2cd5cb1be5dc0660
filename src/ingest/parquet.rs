//! Parquet claims through polars, read in bounded row slices so that a file far larger
//! than memory streams through. Each slice is split over threads; every thread walks its
//! rows through typed column values (no allocation per cell) and sums them exactly into
//! its own `Partial`.
//!
//! Money stays exact: decimal columns arrive as integers with a scale, integer columns as
//! integers, text as text. Float columns, and any row the fast path declines, go through
//! the cells of the slow path (floats through their shortest decimal text, as spreadsheet
//! floats do), which also words every problem.

use std::fs::File;
use std::path::Path;

use anyhow::{anyhow, Result};
use polars::prelude::*;
use rayon::prelude::*;

use super::claims::{
    add_line, claim_line, eight_digits, fixed, trim, ClaimColumns, Claimant, Partial, Seen,
    FIXED_BOUND,
};
use super::number::Cell;
use crate::config::{Config, DecimalSign};
use crate::model::{Agb, Kvk};

/// Rows per slice: large enough to amortise polars' per-call work, small enough that a
/// slice of the narrow claim columns stays in the tens of megabytes.
const SLICE_ROWS: usize = 1 << 20;

fn open(path: &Path, shown: &str) -> Result<ParquetReader<File>> {
    let f = File::open(path).map_err(|e| anyhow!("cannot open {shown}: {e}"))?;
    Ok(ParquetReader::new(f))
}

/// The column names of a Parquet file.
pub fn headers(path: &Path, shown: &str) -> Result<Vec<String>> {
    let schema = open(path, shown)?
        .schema()
        .map_err(|e| anyhow!("{shown}: not a readable Parquet file: {e}"))?;
    Ok(schema
        .iter_names()
        .map(|n| super::table::clean_header(n.as_str()))
        .collect())
}

/// One value of a column, borrowed from the batch.
#[derive(Clone, Copy)]
enum Val<'a> {
    Null,
    Str(&'a str),
    Int(i64),
    /// An unscaled decimal and its scale.
    Dec(i128, u32),
    Float(f64),
}

impl Val<'_> {
    fn cell(self) -> Cell {
        match self {
            Val::Null => Cell::Empty,
            Val::Str(s) => Cell::Text(s.to_string()),
            Val::Int(i) => Cell::Int(i),
            Val::Dec(m, s) => Cell::Decimal(m, s),
            Val::Float(f) => Cell::Float(f),
        }
    }

    fn identifier(self) -> Option<u32> {
        match self {
            Val::Str(s) => eight_digits(trim(s.as_bytes())),
            Val::Int(i) if (0..=99_999_999).contains(&i) => Some(i as u32),
            _ => None,
        }
    }

    /// Money and units in millionths, exactly and within the input bound (as `fixed`);
    /// `None` sends the row to the slow path, which words what is wrong.
    fn fixed(self, mark: u8) -> Option<i128> {
        let v = match self {
            Val::Int(i) => i128::from(i) * 1_000_000,
            Val::Dec(m, s) if s <= 6 => m.checked_mul(10i128.pow(6 - s))?,
            Val::Dec(m, s) => {
                let div = 10i128.checked_pow(s - 6)?;
                if m % div != 0 {
                    return None;
                }
                m / div
            }
            Val::Str(t) => return fixed(trim(t.as_bytes()), mark),
            _ => return None,
        };
        (v.unsigned_abs() < FIXED_BOUND as u128).then_some(v)
    }
}

/// A column of a batch, cast where needed so that values can be read without allocation.
enum Column {
    Str(StringChunked),
    Int(Int64Chunked),
    Dec(Int128Chunked, u32),
    Float(Float64Chunked),
}

impl Column {
    fn new(s: &Series) -> Result<Column> {
        let fail = |e: PolarsError| anyhow!("{e}");
        Ok(match s.dtype() {
            DataType::String => Column::Str(s.str().map_err(fail)?.clone()),
            DataType::Float32 | DataType::Float64 => Column::Float(
                s.cast(&DataType::Float64)
                    .map_err(fail)?
                    .f64()
                    .map_err(fail)?
                    .clone(),
            ),
            dt if dt.is_integer() => Column::Int(
                s.cast(&DataType::Int64)
                    .map_err(fail)?
                    .i64()
                    .map_err(fail)?
                    .clone(),
            ),
            DataType::Decimal(_, _) => {
                let d = s.decimal().map_err(fail)?;
                Column::Dec(d.physical().clone(), d.scale() as u32)
            }
            other => {
                return Err(anyhow!(
                    "has type {other}; expected text, an integer, a decimal or a float"
                ))
            }
        })
    }

    fn values(&self) -> Box<dyn Iterator<Item = Val<'_>> + '_> {
        match self {
            Column::Str(c) => Box::new(c.iter().map(|v| v.map_or(Val::Null, Val::Str))),
            Column::Int(c) => Box::new(c.iter().map(|v| v.map_or(Val::Null, Val::Int))),
            Column::Dec(c, s) => Box::new(
                c.iter()
                    .map(move |v| v.map_or(Val::Null, |m| Val::Dec(m, *s))),
            ),
            Column::Float(c) => Box::new(c.iter().map(|v| v.map_or(Val::Null, Val::Float))),
        }
    }
}

/// What every thread needs to know.
struct Layout<'a> {
    /// The batch's columns in the order agb, kvk, jaar, prestatiecode, aantal, bedrag
    /// (agb or kvk may be absent).
    local: ClaimColumns,
    sign: DecimalSign,
    year: i64,
    file: u32,
    shown: &'a str,
}

/// Reads and sums every claim line of a Parquet file. Row errors are in the result's
/// `errors`, for the caller to report.
pub(super) fn aggregate(
    path: &Path,
    shown: &str,
    file: u32,
    headers: &[String],
    columns: &ClaimColumns,
    config: &Config,
    progress: &dyn crate::pipeline::Progress,
) -> Result<Partial> {
    let fail = |e: PolarsError| anyhow!("{shown}: cannot read Parquet: {e}");
    let mut first = open(path, shown)?;
    let metadata = first.get_metadata().map_err(fail)?.clone();
    let schema = first.schema().map_err(fail)?;
    let wanted: Vec<usize> = [
        columns.agb,
        columns.kvk,
        Some(columns.jaar),
        Some(columns.prestatiecode),
        Some(columns.aantal),
        Some(columns.bedrag),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Batches hold only the contract columns, renumbered 0.. in `wanted` order.
    let mut next = 0..;
    let mut renumber = |c: Option<usize>| c.map(|_| next.next().expect("unbounded"));
    let layout = Layout {
        local: ClaimColumns {
            agb: renumber(columns.agb),
            kvk: renumber(columns.kvk),
            jaar: renumber(Some(columns.jaar)).expect("present"),
            prestatiecode: renumber(Some(columns.prestatiecode)).expect("present"),
            aantal: renumber(Some(columns.aantal)).expect("present"),
            bedrag: renumber(Some(columns.bedrag)).expect("present"),
        },
        sign: config.decimaalteken,
        year: i64::from(config.referentiejaar),
        file,
        shown,
    };
    // The file's own spelling of each name (headers were matched case-insensitively).
    let names: Vec<String> = wanted
        .iter()
        .map(|&i| {
            schema
                .iter_names()
                .find(|h| super::table::clean_header(h.as_str()) == headers[i])
                .map(|h| h.to_string())
                .expect("names come from this file's headers")
        })
        .collect();
    let threads = rayon::current_num_threads().max(1);
    let mut total = Partial::new(shown);
    // One thread decodes the next slice while the current one is summed: a pipeline of
    // one slice, so memory stays at two slices however large the file.
    let (tx, rx) = crossbeam_channel::bounded::<Result<(usize, DataFrame)>>(1);
    let total_rows = metadata.num_rows;
    std::thread::scope(|scope| -> Result<Partial> {
        let names = &names;
        scope.spawn(move || {
            let mut offset = 0;
            while offset < total_rows {
                let slice = open(path, shown).and_then(|mut reader| {
                    reader.set_metadata(metadata.clone());
                    reader
                        .with_columns(Some(names.clone()))
                        .with_slice(Some((offset, SLICE_ROWS)))
                        .finish()
                        .map_err(fail)
                });
                let failed = slice.is_err();
                if tx.send(slice.map(|df| (offset, df))).is_err() || failed {
                    return;
                }
                offset += SLICE_ROWS;
            }
        });
        for slice in rx {
            let (offset, df) = slice?;
            let height = df.height();
            let step = height.div_ceil(threads).max(1);
            let parts: Vec<Result<Partial>> = (0..height)
                .step_by(step)
                .collect::<Vec<_>>()
                .into_par_iter()
                .map(|start| {
                    let len = step.min(height - start);
                    let piece = df.slice(start as i64, len);
                    let first_row = (offset + start) as u64;
                    if let Some(part) = by_views(&piece, names, &layout, first_row) {
                        return Ok(part);
                    }
                    let cols = names
                        .iter()
                        .map(|n| {
                            let s = piece
                                .column(n)
                                .map_err(fail)?
                                .as_materialized_series()
                                .clone();
                            Column::new(&s).map_err(|e| anyhow!("{shown}, column {n:?}: {e}"))
                        })
                        .collect::<Result<Vec<_>>>()?;
                    Ok(rows(&cols, &layout, first_row))
                })
                .collect();
            for p in parts {
                total.merge(p?);
            }
            progress.advance(shown, (offset + height) as u64, total_rows as u64);
        }
        Ok(total)
    })
}

/// (identifier view, code view, jaar) → Σ aantal, Σ bedrag, first row, rows.
type ViewSums =
    std::collections::HashMap<(u128, u128, i64), (i128, i128, u64, u64), super::claims::Hasher>;

/// The fast route for the common shape: one identifier column and prestatiecode as short
/// text, jaar as an integer, aantal and bedrag as decimals of at most six places, no empty
/// values. polars keeps text of up to 12 bytes inline in a 16-byte view, so rows are summed
/// per (identifier view, code view, jaar) without reading the text, and each distinct key
/// is parsed and checked once. `None` when the piece is not of that shape or holds a value
/// that is not well-formed: the generic `rows` then reads it and words every problem.
fn by_views(
    piece: &DataFrame,
    names: &[String],
    layout: &Layout,
    first_row: u64,
) -> Option<Partial> {
    let c = &layout.local;
    let (id, is_kvk) = match (c.agb, c.kvk) {
        (Some(a), None) => (a, false),
        (None, Some(k)) => (k, true),
        _ => return None,
    };
    let series = |i: usize| {
        piece
            .column(&names[i])
            .ok()
            .map(|c| c.as_materialized_series().clone())
    };
    let single = |s: &Series| s.n_chunks() == 1 && s.null_count() == 0;
    let (ids, codes, years, aantal, bedrag) = (
        series(id)?,
        series(c.prestatiecode)?,
        series(c.jaar)?,
        series(c.aantal)?,
        series(c.bedrag)?,
    );
    if ![&ids, &codes, &years, &aantal, &bedrag]
        .iter()
        .all(|s| single(s))
        || !years.dtype().is_integer()
    {
        return None;
    }
    let (years, aantal, bedrag) = (
        years.cast(&DataType::Int64).ok()?,
        aantal.decimal().ok()?,
        bedrag.decimal().ok()?,
    );
    let (sa, sb) = (aantal.scale() as u32, bedrag.scale() as u32);
    if sa > 6 || sb > 6 {
        return None;
    }
    let (fa, fb) = (10i128.pow(6 - sa), 10i128.pow(6 - sb));
    // The input bound in each column's own scale: |value| < 10^12.
    let (la, lb) = (FIXED_BOUND / fa, FIXED_BOUND / fb);
    let (years, aantal, bedrag) = (
        years.i64().ok()?.cont_slice().ok()?,
        aantal.physical().cont_slice().ok()?,
        bedrag.physical().cont_slice().ok()?,
    );
    // A view is 16 bytes: the length in the low 4, then up to 12 bytes of text inline.
    let (ids, codes) = (
        ids.str().ok()?.downcast_as_array().views(),
        codes.str().ok()?.downcast_as_array().views(),
    );
    if !ids.iter().chain(codes.iter()).all(|v| v.is_inline()) {
        return None;
    }

    // (identifier view, code view, jaar) → Σ aantal, Σ bedrag, first row, rows.
    let mut sums: ViewSums =
        std::collections::HashMap::with_capacity_and_hasher(1 << 12, Default::default());
    for i in 0..ids.len() {
        if aantal[i].unsigned_abs() >= la as u128 || bedrag[i].unsigned_abs() >= lb as u128 {
            // Out of bounds: the generic route words it with its row.
            return None;
        }
        let key = (ids[i].as_u128(), codes[i].as_u128(), years[i]);
        let e = sums
            .entry(key)
            .or_insert((0, 0, first_row + i as u64 + 1, 0));
        e.0 += aantal[i] * fa;
        e.1 += bedrag[i] * fb;
        e.3 += 1;
    }
    let inline = |v: u128| -> Vec<u8> {
        let b = v.to_le_bytes();
        let len = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
        b[4..4 + len].to_vec()
    };
    let mut part = Partial::new(layout.shown);
    part.rows = ids.len() as u64;
    for ((id, code, year), (a, b, first, count)) in sums {
        let number = eight_digits(trim(&inline(id)))?;
        let who = if is_kvk {
            Claimant::Kvk(Kvk::from_number(number))
        } else {
            Claimant::Agb(Agb::from_number(number))
        };
        let code = inline(code);
        let code = trim(&code);
        if code.is_empty() || std::str::from_utf8(code).is_err() {
            return None;
        }
        if year != layout.year {
            part.other_year(year, count);
        } else {
            part.add(
                who,
                code,
                a,
                b,
                Seen {
                    file: layout.file,
                    line: first,
                },
            );
        }
    }
    Some(part)
}

/// Sums the rows of one piece of a batch; `first_row` is its first row's 0-based index.
fn rows(cols: &[Column], layout: &Layout, first_row: u64) -> Partial {
    let mut part = Partial::new(layout.shown);
    let mut iters: Vec<_> = cols.iter().map(Column::values).collect();
    let mut row: Vec<Val> = Vec::with_capacity(cols.len());
    let mark = layout.sign.mark();
    let c = &layout.local;
    let mut index = first_row;
    loop {
        row.clear();
        for it in iters.iter_mut() {
            match it.next() {
                Some(v) => row.push(v),
                None => return part,
            }
        }
        index += 1;
        part.rows += 1;
        let seen = Seen {
            file: layout.file,
            line: index,
        };
        let who = match c.kvk.map(|k| row[k]) {
            Some(Val::Null) | None => c
                .agb
                .and_then(|a| row[a].identifier())
                .map(|a| Claimant::Agb(Agb::from_number(a))),
            Some(k) => k.identifier().map(|k| Claimant::Kvk(Kvk::from_number(k))),
        };
        let jaar = match row[c.jaar] {
            Val::Int(j) => Some(j),
            _ => None,
        };
        let code = match row[c.prestatiecode] {
            Val::Str(s) if !trim(s.as_bytes()).is_empty() => Some(trim(s.as_bytes())),
            _ => None,
        };
        match (
            who,
            jaar,
            code,
            row[c.aantal].fixed(mark),
            row[c.bedrag].fixed(mark),
        ) {
            (Some(_), Some(j), Some(_), Some(_), Some(_)) if j != layout.year => {
                part.other_year(j, 1)
            }
            (Some(who), Some(_), Some(code), Some(aantal), Some(bedrag)) => {
                part.add(who, code, aantal, bedrag, seen)
            }
            _ => {
                let cells: Vec<Cell> = row.iter().map(|v| v.cell()).collect();
                let get = |i: usize| &cells[i];
                part.errors.at_line(index);
                if let Some(parsed) = claim_line(
                    &get,
                    c,
                    layout.sign,
                    &format!("row {index}"),
                    &mut part.errors,
                ) {
                    add_line(&mut part, parsed, layout.year, seen);
                }
            }
        }
    }
}
