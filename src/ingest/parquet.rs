//! Parquet claims through polars, read in bounded row slices so that a file far larger
//! than memory streams through: each slice is turned into cells and handed to the caller,
//! which aggregates it and lets it go.
//!
//! Money stays exact: decimal columns arrive as integers with a scale, integer columns as
//! integers, text as text, and float columns through their shortest decimal text (as
//! spreadsheet floats are). This module knows nothing of claims; it only converts columns.

use std::fs::File;
use std::path::Path;

use anyhow::{anyhow, Result};
use polars::prelude::*;
use rust_decimal::Decimal;

use super::number::Cell;

/// Rows per slice: large enough to amortise polars' per-call work, small enough that a
/// slice of six narrow columns stays in the tens of megabytes.
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

/// Calls `f(offset, columns)` for each slice of the named columns, in file order;
/// `columns[c][r]` is column `c` of row `offset + r` (0-based).
pub fn for_each_batch(
    path: &Path,
    shown: &str,
    names: &[String],
    mut f: impl FnMut(u64, &[Vec<Cell>]) -> Result<()>,
) -> Result<()> {
    let fail = |e: PolarsError| anyhow!("{shown}: cannot read Parquet: {e}");
    let mut first = open(path, shown)?;
    let metadata = first.get_metadata().map_err(fail)?.clone();
    let schema = first.schema().map_err(fail)?;
    // The file's own spelling of each name (headers were matched case-insensitively).
    let file_names: Vec<String> = names
        .iter()
        .map(|n| {
            schema
                .iter_names()
                .find(|h| super::table::clean_header(h.as_str()) == *n)
                .map(|h| h.to_string())
                .expect("names come from this file's headers")
        })
        .collect();
    let total = metadata.num_rows;
    let mut offset = 0;
    while offset < total {
        let mut reader = open(path, shown)?;
        reader.set_metadata(metadata.clone());
        let df = reader
            .with_columns(Some(file_names.clone()))
            .with_slice(Some((offset, SLICE_ROWS)))
            .finish()
            .map_err(fail)?;
        let columns = file_names
            .iter()
            .map(|n| {
                let column = df.column(n).map_err(fail)?;
                cells(column.as_materialized_series())
                    .map_err(|e| anyhow!("{shown}, column {n:?}: {e}"))
            })
            .collect::<Result<Vec<_>>>()?;
        f(offset as u64, &columns)?;
        offset += SLICE_ROWS;
    }
    Ok(())
}

/// One column as cells, exactly.
fn cells(s: &Series) -> Result<Vec<Cell>> {
    let fail = |e: PolarsError| anyhow!("{e}");
    Ok(match s.dtype() {
        DataType::String => s
            .str()
            .map_err(fail)?
            .iter()
            .map(|v| v.map_or(Cell::Empty, |t| Cell::Text(t.to_string())))
            .collect(),
        DataType::Float32 | DataType::Float64 => {
            let f = s.cast(&DataType::Float64).map_err(fail)?;
            f.f64()
                .map_err(fail)?
                .iter()
                .map(|v| v.map_or(Cell::Empty, Cell::Float))
                .collect()
        }
        dt if dt.is_integer() => {
            let i = s.cast(&DataType::Int64).map_err(fail)?;
            i.i64()
                .map_err(fail)?
                .iter()
                .map(|v| v.map_or(Cell::Empty, Cell::Int))
                .collect()
        }
        DataType::Decimal(_, _) => {
            let d = s.decimal().map_err(fail)?;
            let scale = d.scale() as u32;
            d.physical()
                .iter()
                .map(|v| match v {
                    None => Ok(Cell::Empty),
                    Some(m) => Decimal::try_from_i128_with_scale(m, scale)
                        .map(Cell::Decimal)
                        .map_err(|e| anyhow!("decimal {m}e-{scale} does not fit: {e}")),
                })
                .collect::<Result<_>>()?
        }
        other => {
            return Err(anyhow!(
                "has type {other}; expected text, an integer, a decimal or a float"
            ))
        }
    })
}
