//! Parquet claims through Apache Arrow's reference reader (the `parquet` crate): one worker
//! per core takes row group after row group, reads it in batches of the contract columns
//! only and sums it exactly (integers in millionths) into its own totals; the workers'
//! totals merge into one `Partial` at the end, so the thread count changes no sum.
//!
//! The fast path is built for the shape claims files have: the identifier and prestatiecode
//! as text, which the reader is asked to keep as dictionary arrays (a warehouse or polars
//! dictionary-encodes such columns; plain pages are hashed into a dictionary by the reader),
//! jaar as an integer, aantal and bedrag as decimals or integers read as their raw integers
//! with a scale. Each dictionary entry is parsed once per dictionary, not once per row, and
//! rows are summed in a table indexed by the two dictionary keys, so a row costs a few loads
//! and two additions. Other shapes (an integer identifier, both agb and kvk, text money) are
//! summed row by row from the same typed columns.
//!
//! Any row that either path declines (an empty value, a malformed entry, a number with more
//! than six decimals or beyond the fast range, a float) is read again through the strict
//! path (`claim_line` and `add_line`, from `Cell`s), so every problem is worded with its
//! file, row, column and value as everywhere else in ingest. Money never passes through a
//! float: a float bedrag column is refused row by row; a float aantal (units, not money) is
//! read through its shortest decimal text, as spreadsheet numbers are.
//!
//! An `eenheid` column (optional) is read as a third dictionary folded into the
//! prestatiecode's: the table's columns are then the pairs of a code key and a unit key,
//! which costs one pass per batch to combine the keys. Without the column nothing of this
//! runs, and the loop by keys is the same.
//!
//! It must not hold a file in memory: a worker holds one batch of one row group at a time.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fs::File;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

use anyhow::{anyhow, Result};
use arrow_array::cast::AsArray;
use arrow_array::types::{
    Decimal128Type, Decimal256Type, Decimal32Type, Decimal64Type, Float16Type, Float32Type,
    Float64Type, Int16Type, Int32Type, Int64Type, Int8Type, UInt16Type, UInt32Type, UInt64Type,
    UInt8Type,
};
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, RecordBatch, StringArray};
use arrow_schema::{DataType, Field, Schema};
use parquet::arrow::arrow_reader::{
    ArrowReaderMetadata, ArrowReaderOptions, ParquetRecordBatchReaderBuilder,
};
use parquet::arrow::ProjectionMask;
use parquet::basic::Type as PhysicalType;
use rayon::prelude::*;

use super::claims::{
    add_line, claim_line, eight_digits, fixed, slot_unit, trim, unit_bytes, unit_slot,
    ClaimColumns, Claimant, Hasher, Partial, Seen, Tick, FIXED_BOUND,
};
use super::number::Cell;
use crate::config::InputSpec;
use crate::model::number::DecimalSign;
use crate::model::{Agb, Eenheid, Kvk};

/// Rows per batch: enough to amortise the reader's per-batch work, few enough that a
/// worker's batch of the narrow claim columns stays near a megabyte.
const BATCH_ROWS: usize = 1 << 16;

/// The most cells of a dense sum table (4 bytes each); two dictionaries whose product is
/// larger are summed through a hash map on the pair of keys instead.
const DENSE_CELLS: usize = 1 << 20;

/// The largest magnitude, in millionths, that the fast path sums: just below the input
/// bound of 10^12 units (`claims::FIXED_BOUND`). A larger value goes to the strict path,
/// which refuses it with its row, column and value. This is also what keeps a table's sums
/// exact: fewer than 2^63 values below 2^63 cannot overflow an i128.
const FAST_MAX: i128 = FIXED_BOUND - 1;

/// In a normalised column: the fast path leaves this row to the strict path.
const DECLINE: i64 = i64::MIN;

/// In an entry table: this dictionary entry cannot be read by the fast path.
const NONE: u32 = u32::MAX;

fn open(path: &Path, shown: &str) -> Result<File> {
    File::open(path).map_err(|e| anyhow!("cannot open {shown}: {e}"))
}

/// The file's metadata with Arrow types derived from the Parquet schema alone (an Arrow
/// schema a writer embedded could ask for views or dictionaries the readers below do not
/// expect).
fn metadata(file: &File, shown: &str) -> Result<ArrowReaderMetadata> {
    ArrowReaderMetadata::load(
        file,
        ArrowReaderOptions::new().with_skip_arrow_metadata(true),
    )
    .map_err(|e| anyhow!("{shown}: not a readable Parquet file: {e}"))
}

/// The column names of a Parquet file.
pub(super) fn headers(path: &Path, shown: &str) -> Result<Vec<String>> {
    let meta = metadata(&open(path, shown)?, shown)?;
    Ok(meta
        .schema()
        .fields()
        .iter()
        .map(|f| super::table::clean_header(f.name()))
        .collect())
}

/// The types the contract columns are read as: text identifiers and codes as dictionaries
/// (kept as the file has them, or built by the reader from plain pages), decimals stored
/// in 32 or 64 bits as `Decimal32`/`Decimal64` (their raw integers need no widening), text
/// stored without a string annotation as text. Other columns keep their derived types.
fn hinted_schema(meta: &ArrowReaderMetadata, text: &[usize], numbers: &[usize]) -> Arc<Schema> {
    let parquet = meta.parquet_schema();
    let physical = |root: usize| {
        (0..parquet.num_columns())
            .find(|&leaf| parquet.get_column_root_idx(leaf) == root)
            .map(|leaf| parquet.column(leaf).physical_type())
    };
    let fields: Vec<Field> = meta
        .schema()
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let byte_array = physical(i) == Some(PhysicalType::BYTE_ARRAY);
            let hint = match f.data_type() {
                DataType::Utf8 | DataType::Binary if text.contains(&i) && byte_array => Some(
                    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                ),
                DataType::Binary if numbers.contains(&i) => Some(DataType::Utf8),
                &DataType::Decimal128(p, s) if numbers.contains(&i) => match physical(i) {
                    Some(PhysicalType::INT32) if p <= 9 => Some(DataType::Decimal32(p, s)),
                    Some(PhysicalType::INT64) if p <= 18 => Some(DataType::Decimal64(p, s)),
                    _ => None,
                },
                _ => None,
            };
            match hint {
                Some(t) => f.as_ref().clone().with_data_type(t),
                None => f.as_ref().clone(),
            }
        })
        .collect();
    Arc::new(Schema::new_with_metadata(
        fields,
        meta.schema().metadata().clone(),
    ))
}

/// What every worker needs to know.
struct Layout<'a> {
    /// The positions of the contract columns in a batch (which holds only those).
    local: ClaimColumns,
    sign: DecimalSign,
    mark: u8,
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
    columns: &ClaimColumns,
    spec: &InputSpec,
    tick: Tick,
) -> Result<Partial> {
    let plain = metadata(&open(path, shown)?, shown)?;
    let ids: Vec<usize> = [columns.agb, columns.kvk].into_iter().flatten().collect();
    let text: Vec<usize> = ids
        .iter()
        .copied()
        .chain([columns.prestatiecode])
        .chain(columns.eenheid)
        .collect();
    let numbers = [columns.jaar, columns.aantal, columns.bedrag];
    // The hint only narrows types the reader can produce from these physical types; if it
    // were refused anyway, the derived types are read (more slowly, as exactly).
    let meta = ArrowReaderMetadata::try_new(
        plain.metadata().clone(),
        ArrowReaderOptions::new()
            .with_skip_arrow_metadata(true)
            .with_schema(hinted_schema(&plain, &text, &numbers)),
    )
    .unwrap_or(plain);

    // A batch holds the projected columns in file order.
    let mut roots: Vec<usize> = text.iter().chain(&numbers).copied().collect();
    roots.sort_unstable();
    roots.dedup();
    let at = |c: usize| roots.binary_search(&c).expect("projected");
    let layout = Layout {
        local: ClaimColumns {
            agb: columns.agb.map(at),
            kvk: columns.kvk.map(at),
            jaar: at(columns.jaar),
            prestatiecode: at(columns.prestatiecode),
            aantal: at(columns.aantal),
            bedrag: at(columns.bedrag),
            eenheid: columns.eenheid.map(at),
        },
        sign: spec.sign,
        mark: spec.sign.mark(),
        year: i64::from(spec.year),
        file,
        shown,
    };
    let mask = ProjectionMask::roots(meta.parquet_schema(), roots.iter().copied());

    let groups = meta.metadata().row_groups();
    let total: u64 = groups.iter().map(|g| g.num_rows() as u64).sum();
    // Each row group's first row, so that rows are numbered over the whole file.
    let firsts: Vec<u64> = groups
        .iter()
        .scan(0u64, |next, g| {
            let first = *next;
            *next += g.num_rows() as u64;
            Some(first)
        })
        .collect();
    // One worker per thread takes the next row group until none is left. Each row group
    // gets a partial of its own for its errors and the rows of the strict and row-by-row
    // paths (so that each one's errors are in row order and merge into the file's first
    // few); the fast path's sums go to the worker's `Sums`, which take in each pair once
    // per row group with no more than an integer's hash. The workers' sums are merged, and
    // only then turned into one `Partial`.
    let next = AtomicUsize::new(0);
    let done = AtomicU64::new(0);
    let workers: Vec<Result<(Partial, Sums)>> = (0..rayon::current_num_threads().max(1))
        .into_par_iter()
        .map(|_| {
            let (mut part, mut sums) = (Partial::new(shown), Sums::default());
            loop {
                let g = next.fetch_add(1, Ordering::Relaxed);
                if g >= groups.len() {
                    return Ok((part, sums));
                }
                part.merge(row_group(
                    path, &meta, &mask, g, firsts[g], &layout, &mut sums,
                )?);
                let rows = groups[g].num_rows() as u64;
                tick(done.fetch_add(rows, Ordering::Relaxed) + rows, total);
            }
        })
        .collect();
    let (mut part, mut sums) = (Partial::new(shown), Sums::default());
    for worker in workers {
        let (p, s) = worker?;
        part.merge(p);
        sums.merge(s);
    }
    sums.add_to(&mut part, &layout);
    Ok(part)
}

/// A worker's sums of the fast path over the row groups it reads, per claimant,
/// prestatiecode and unit, in millionths.
#[derive(Default)]
struct Sums {
    /// (code << 32 | kvk << 31 | eight-digit number) → index in `totals`, where `code` is
    /// `packed`: the prestatiecode's id and the unit's slot.
    index: HashMap<u64, u32, Hasher>,
    totals: Vec<Total>,
    code_ids: HashMap<Box<[u8]>, u32, Hasher>,
    codes: Vec<Box<[u8]>>,
}

struct Total {
    key: u64,
    aantal: i128,
    bedrag: i128,
    /// The 1-based row it was first seen on.
    first: u64,
}

/// A prestatiecode's id and a unit's slot (`claims::unit_slot`) in one number.
fn packed(code: u32, slot: u32) -> u32 {
    code << 3 | slot
}

/// The prestatiecode's id and the unit's slot of a `packed` code.
fn unpacked(code: u32) -> (u32, u32) {
    (code >> 3, code & 7)
}

impl Sums {
    /// The id of a prestatiecode (without its unit).
    fn code(&mut self, code: &[u8]) -> u32 {
        if let Some(&id) = self.code_ids.get(code) {
            return id;
        }
        let id = self.codes.len() as u32;
        // With the unit in three bits below it, and `NONE` above every packed code.
        assert!(id < 1 << 28, "fewer than 2^28 distinct prestatiecodes");
        self.codes.push(code.into());
        self.code_ids.insert(code.into(), id);
        id
    }

    /// The total of a claimant and code, made when first seen (on row `first`). Called
    /// once per pair and epoch: kept out of the loop by keys, whose registers it would
    /// otherwise take.
    #[inline(never)]
    fn total(&mut self, number: u32, is_kvk: bool, code: u32, first: u64) -> u32 {
        let key = u64::from(code) << 32 | u64::from(is_kvk) << 31 | u64::from(number);
        let next = self.totals.len() as u32;
        let at = *self.index.entry(key).or_insert(next);
        if at == next {
            self.totals.push(Total {
                key,
                aantal: 0,
                bedrag: 0,
                first,
            });
        }
        at
    }

    /// Takes in another worker's sums.
    fn merge(&mut self, other: Sums) {
        for t in other.totals {
            let (code, slot) = unpacked((t.key >> 32) as u32);
            let code = packed(self.code(&other.codes[code as usize]), slot);
            let number = (t.key & 0x7FFF_FFFF) as u32;
            let at = self.total(number, t.key & (1 << 31) != 0, code, t.first) as usize;
            let mine = &mut self.totals[at];
            mine.aantal += t.aantal;
            mine.bedrag += t.bedrag;
            mine.first = mine.first.min(t.first);
        }
    }

    fn add_to(self, part: &mut Partial, layout: &Layout) {
        for t in self.totals {
            let number = (t.key & 0x7FFF_FFFF) as u32;
            let who = if t.key & (1 << 31) != 0 {
                Claimant::Kvk(Kvk::from_number(number))
            } else {
                Claimant::Agb(Agb::from_number(number))
            };
            let (code, slot) = unpacked((t.key >> 32) as u32);
            part.add(
                who,
                &self.codes[code as usize],
                slot_unit(slot),
                t.aantal,
                t.bedrag,
                Seen {
                    file: layout.file,
                    line: t.first,
                },
            );
        }
    }
}

/// Reads and sums one row group; `first_row` is the 0-based index of its first row.
fn row_group(
    path: &Path,
    meta: &ArrowReaderMetadata,
    mask: &ProjectionMask,
    group: usize,
    first_row: u64,
    layout: &Layout,
    sums: &mut Sums,
) -> Result<Partial> {
    let shown = layout.shown;
    let fail = |e: &dyn std::fmt::Display| {
        anyhow!(
            "{shown}: cannot read Parquet (row group {}): {e}",
            group + 1
        )
    };
    let reader =
        ParquetRecordBatchReaderBuilder::new_with_metadata(open(path, shown)?, meta.clone())
            .with_projection(mask.clone())
            .with_row_groups(vec![group])
            .with_batch_size(BATCH_ROWS)
            .build()
            .map_err(|e| fail(&e))?;
    let mut part = Partial::new(shown);
    let mut years = Years::default();
    let mut epoch = Epoch::default();
    let mut next = first_row;
    for batch in reader {
        let batch = batch.map_err(|e| fail(&e))?;
        let rows = batch.num_rows();
        sum_batch(
            &batch, layout, next, &mut part, &mut years, &mut epoch, sums,
        );
        next += rows as u64;
    }
    epoch.flush(sums);
    years.flush(&mut part);
    Ok(part)
}

/// Lines of other years than the reference year, counted per year. The fast paths count
/// here; `add_line` counts the rows of the strict path itself.
#[derive(Default)]
struct Years {
    /// (jaar, lines): a handful of years at most, so a short list beats a map.
    other: Vec<(i64, u64)>,
}

impl Years {
    #[inline]
    fn count(&mut self, jaar: i64) {
        match self.other.iter_mut().find(|(y, _)| *y == jaar) {
            Some((_, n)) => *n += 1,
            None => self.other.push((jaar, 1)),
        }
    }

    fn flush(&mut self, part: &mut Partial) {
        for (year, n) in self.other.drain(..) {
            part.other_year(year, n);
        }
    }
}

/// Sums one batch: by dictionary keys when the identifier and prestatiecode are text
/// dictionaries, row by row otherwise; declined rows through the strict path.
fn sum_batch(
    batch: &RecordBatch,
    layout: &Layout,
    first_row: u64,
    part: &mut Partial,
    years: &mut Years,
    epoch: &mut Epoch,
    sums: &mut Sums,
) {
    let c = &layout.local;
    let cols = batch.columns();
    part.rows += batch.num_rows() as u64;
    let jaar = year_column(&cols[c.jaar]);
    let aantal = fixed_column(&cols[c.aantal], false, layout.mark);
    let bedrag = fixed_column(&cols[c.bedrag], true, layout.mark);
    let numbers = Numbers {
        jaar: &jaar,
        aantal: &aantal,
        bedrag: &bedrag,
    };
    let single = match (c.agb, c.kvk) {
        (Some(a), None) => Some((a, false)),
        (None, Some(k)) => Some((k, true)),
        _ => None,
    };
    let dictionaries = single.and_then(|(id, is_kvk)| {
        let units = match c.eenheid {
            None => None,
            Some(u) => Some(text_dictionary(&cols[u])?),
        };
        Some((
            text_dictionary(&cols[id])?,
            text_dictionary(&cols[c.prestatiecode])?,
            units,
            is_kvk,
        ))
    });
    let keyed = dictionaries
        .as_ref()
        .and_then(|(ids, codes, units, is_kvk)| {
            let keys = combined_keys(codes, units.as_ref())?;
            Some((ids, codes, units.as_ref(), keys, *is_kvk))
        });
    let declined = match keyed {
        Some((ids, codes, units, keys, is_kvk)) => {
            epoch.enter(ids, codes, units, &numbers, is_kvk, sums);
            let rows = Rows {
                id_keys: &ids.keys,
                code_keys: &keys,
                numbers: &numbers,
                first_row,
                year: layout.year,
            };
            epoch.sum(&rows, years, sums)
        }
        None => by_rows(cols, &numbers, layout, first_row, part, years),
    };
    for i in declined {
        strict_row(cols, i, layout, first_row, part);
    }
}

/// The numeric columns of a batch, normalised.
struct Numbers<'a> {
    jaar: &'a YearColumn<'a>,
    aantal: &'a Fixed<'a>,
    bedrag: &'a Fixed<'a>,
}

// ---------------------------------------------------------------------------------------
// Normalised columns

/// A text column of a batch as keys into a dictionary of strings. A null row gets the
/// key one past the dictionary's end, whose entry is always `NONE`.
struct TextDictionary<'a> {
    keys: Cow<'a, [i32]>,
    /// The dictionary itself: the reader hands out the same object for every batch of a
    /// column chunk, so its identity tells when entries must be parsed again.
    values: &'a ArrayRef,
    strings: &'a StringArray,
}

fn text_dictionary(col: &ArrayRef) -> Option<TextDictionary<'_>> {
    let d = col.as_dictionary_opt::<Int32Type>()?;
    let strings = d.values().as_string_opt::<i32>()?;
    let keys = d.keys();
    let keys = if keys.null_count() == 0 {
        Cow::Borrowed(keys.values().as_ref())
    } else {
        let past = strings.len() as i32;
        Cow::Owned(keys.iter().map(|k| k.unwrap_or(past)).collect())
    };
    Some(TextDictionary {
        keys,
        values: d.values(),
        strings,
    })
}

/// The keys of the table's columns: the prestatiecode's keys as they are without a unit
/// column; with one, each row's code key and unit key in one (`code · width + unit`, where
/// `width` counts the unit dictionary's entries and its null key). `None` when the pairs
/// would not fit an i32, for the row-by-row path.
fn combined_keys<'a>(
    codes: &'a TextDictionary,
    units: Option<&TextDictionary>,
) -> Option<Cow<'a, [i32]>> {
    let Some(units) = units else {
        return Some(Cow::Borrowed(&codes.keys));
    };
    let width = units.strings.len() + 1;
    i32::try_from((codes.strings.len() + 1).checked_mul(width)?).ok()?;
    let width = width as i32;
    Some(Cow::Owned(
        codes
            .keys
            .iter()
            .zip(units.keys.iter())
            .map(|(&c, &u)| c * width + u)
            .collect(),
    ))
}

/// jaar of a batch: a 32-bit column without nulls (as writers store a year) as it is, so
/// that it is not widened batch after batch; any other integer column as i64 per row.
enum YearColumn<'a> {
    Narrow(&'a [i32]),
    /// `DECLINE` where it is empty or not an integer the fast path reads.
    Wide(Cow<'a, [i64]>),
}

impl YearColumn<'_> {
    #[inline]
    fn at(&self, i: usize) -> i64 {
        match self {
            YearColumn::Narrow(v) => i64::from(v[i]),
            YearColumn::Wide(v) => v[i],
        }
    }
}

fn year_column(col: &ArrayRef) -> YearColumn<'_> {
    if col.null_count() == 0 {
        if let Some(a) = col.as_primitive_opt::<Int32Type>() {
            return YearColumn::Narrow(a.values().as_ref());
        }
        if let Some(a) = col.as_primitive_opt::<Int64Type>() {
            return YearColumn::Wide(Cow::Borrowed(a.values().as_ref()));
        }
    }
    YearColumn::Wide(Cow::Owned(
        integers(col).unwrap_or_else(|| vec![DECLINE; col.len()]),
    ))
}

/// Any integer column as i64 per row; `DECLINE` for nulls and for values beyond i64.
fn integers(col: &ArrayRef) -> Option<Vec<i64>> {
    fn widen<T: ArrowPrimitiveType>(col: &ArrayRef, f: impl Fn(T::Native) -> i64) -> Vec<i64> {
        let a = col.as_primitive::<T>();
        match a.nulls() {
            None => a.values().iter().map(|&v| f(v)).collect(),
            Some(n) => a
                .values()
                .iter()
                .zip(n.iter())
                .map(|(&v, valid)| if valid { f(v) } else { DECLINE })
                .collect(),
        }
    }
    Some(match col.data_type() {
        DataType::Int8 => widen::<Int8Type>(col, i64::from),
        DataType::Int16 => widen::<Int16Type>(col, i64::from),
        DataType::Int32 => widen::<Int32Type>(col, i64::from),
        DataType::Int64 => widen::<Int64Type>(col, |v| v),
        DataType::UInt8 => widen::<UInt8Type>(col, i64::from),
        DataType::UInt16 => widen::<UInt16Type>(col, i64::from),
        DataType::UInt32 => widen::<UInt32Type>(col, i64::from),
        DataType::UInt64 => widen::<UInt64Type>(col, |v| i64::try_from(v).unwrap_or(DECLINE)),
        _ => return None,
    })
}

/// A numeric column of a batch as integers in units of 10^-scale (scale at most 6). The
/// fast path takes a value whose magnitude is at most `limit` (the fast range at this
/// scale); `DECLINE`, beyond every limit, marks the rows it leaves to the strict path.
struct Fixed<'a> {
    raw: Cow<'a, [i64]>,
    scale: u32,
    limit: u64,
}

impl<'a> Fixed<'a> {
    fn new(raw: Cow<'a, [i64]>, scale: u32) -> Fixed<'a> {
        Fixed {
            raw,
            scale,
            limit: raw_limit(scale) as u64,
        }
    }
}

/// A sum of raw values at `scale` in millionths, exactly.
fn millionths(sum: i128, scale: u32) -> i128 {
    sum.checked_mul(10i128.pow(6 - scale))
        .expect("fewer than 2^63 values below 2^63 millionths each fit an i128")
}

/// The largest raw magnitude at a scale that is within `FAST_MAX` millionths.
fn raw_limit(scale: u32) -> i64 {
    (FAST_MAX / 10i128.pow(6 - scale)) as i64
}

/// Raw values at `scale` (at most 6) that need no conversion: borrowed when none is null,
/// which is the common case (the loops hold each value to the fast range).
fn raw_column<'a>(col: &ArrayRef, values: &'a [i64], scale: u32) -> Fixed<'a> {
    let raw = match col.nulls() {
        None => Cow::Borrowed(values),
        Some(n) => Cow::Owned(
            values
                .iter()
                .zip(n.iter())
                .map(|(&v, valid)| if valid { v } else { DECLINE })
                .collect(),
        ),
    };
    Fixed::new(raw, scale)
}

/// Exact integers with a decimal scale as raw values at a scale of at most 6: a scale
/// above 6 is brought to 6 where the value has no more than six decimals (a value with
/// more goes to the strict path, which refuses it); a negative scale is multiplied out.
fn scaled(values: impl Iterator<Item = Option<i128>>, scale: i8) -> Fixed<'static> {
    let (to, up, down) = match scale {
        s if s < 0 => (0, 10i128.checked_pow(u32::from(s.unsigned_abs())), 1),
        s if s > 6 => (6, Some(1), 10i128.pow(s as u32 - 6)),
        s => (s as u32, Some(1), 1),
    };
    let limit = i128::from(raw_limit(to));
    let raw = values
        .map(|v| {
            let v = v.and_then(|v| v.checked_mul(up?))?;
            (v % down == 0).then_some(v / down)
        })
        .map(|v| match v {
            Some(v) if v.abs() <= limit => v as i64,
            _ => DECLINE,
        })
        .collect();
    Fixed::new(Cow::Owned(raw), to)
}

/// Exact millionths computed per row (text, floats) as a column at scale 6.
fn per_row(len: usize, mut value: impl FnMut(usize) -> Option<i128>) -> Fixed<'static> {
    let raw = (0..len)
        .map(|i| match value(i) {
            Some(v) if v.abs() <= FAST_MAX => v as i64,
            _ => DECLINE,
        })
        .collect();
    Fixed::new(Cow::Owned(raw), 6)
}

/// A float's shortest decimal text (what a spreadsheet shows), in millionths; `None` when
/// that text has more than six decimals or is not a plain number.
fn float_millionths(text: &mut String, f: impl std::fmt::Display) -> Option<i128> {
    use std::fmt::Write;
    text.clear();
    write!(text, "{f}").ok()?;
    fixed(text.as_bytes(), b'.')
}

/// A float column through each value's shortest decimal text, at scale 6.
fn floats<T: ArrowPrimitiveType>(col: &ArrayRef) -> Fixed<'static>
where
    T::Native: std::fmt::Display,
{
    let a = col.as_primitive::<T>();
    let mut text = String::new();
    per_row(a.len(), |i| {
        a.is_valid(i)
            .then(|| float_millionths(&mut text, a.value(i)))?
    })
}

/// aantal or bedrag of a batch, normalised. `money` columns never take floats: their rows
/// are declined, and the strict path refuses them.
fn fixed_column(col: &ArrayRef, money: bool, mark: u8) -> Fixed<'_> {
    let len = col.len();
    let nulls = col.nulls();
    let valid = |i: usize| nulls.is_none_or(|n| n.is_valid(i));
    match col.data_type() {
        DataType::Decimal64(_, s) if (0..=6).contains(s) => {
            raw_column(col, col.as_primitive::<Decimal64Type>().values(), *s as u32)
        }
        DataType::Int64 => raw_column(col, col.as_primitive::<Int64Type>().values(), 0),
        &DataType::Decimal32(_, s) => {
            let a = col.as_primitive::<Decimal32Type>();
            scaled(a.iter().map(|v| v.map(i128::from)), s)
        }
        &DataType::Decimal64(_, s) => {
            let a = col.as_primitive::<Decimal64Type>();
            scaled(a.iter().map(|v| v.map(i128::from)), s)
        }
        &DataType::Decimal128(_, s) => scaled(col.as_primitive::<Decimal128Type>().iter(), s),
        &DataType::Decimal256(_, s) => {
            let a = col.as_primitive::<Decimal256Type>();
            scaled(a.iter().map(|v| v.and_then(|v| v.to_i128())), s)
        }
        DataType::Float64 if !money => floats::<Float64Type>(col),
        DataType::Float32 if !money => floats::<Float32Type>(col),
        DataType::Utf8 => {
            let a = col.as_string::<i32>();
            per_row(len, |i| {
                valid(i).then(|| fixed(trim(a.value(i).as_bytes()), mark))?
            })
        }
        DataType::LargeUtf8 => {
            let a = col.as_string::<i64>();
            per_row(len, |i| {
                valid(i).then(|| fixed(trim(a.value(i).as_bytes()), mark))?
            })
        }
        DataType::Utf8View => {
            let a = col.as_string_view();
            per_row(len, |i| {
                valid(i).then(|| fixed(trim(a.value(i).as_bytes()), mark))?
            })
        }
        _ => match integers(col) {
            Some(raw) => Fixed::new(Cow::Owned(raw), 0),
            None => Fixed::new(Cow::Owned(vec![DECLINE; len]), 0),
        },
    }
}

// ---------------------------------------------------------------------------------------
// The fast path by dictionary keys

/// The rows read while the identifier and prestatiecode dictionaries stayed the same
/// objects (normally a whole row group), summed per pair of keys as raw integers at the
/// columns' scales, and added to the worker's `Sums` in millionths when the epoch ends.
#[derive(Default)]
struct Epoch {
    ids: Option<ArrayRef>,
    codes: Option<ArrayRef>,
    /// The eenheid dictionary, when the file has the column.
    units: Option<ArrayRef>,
    is_kvk: bool,
    scales: (u32, u32),
    /// Per identifier key, and one past the end for an empty row: the eight-digit number,
    /// or `NONE` when the entry is not eight digits.
    id_entries: Vec<u32>,
    /// Per prestatiecode key, and one past the end (with a unit column: per pair of a code
    /// key and a unit key, see `combined_keys`): the worker's packed code (`packed`), or
    /// `NONE` when the code is empty or the unit not one.
    code_entries: Vec<u32>,
    /// Columns of the table: `code_entries.len()`.
    width: usize,
    index: Index,
    slots: Vec<Slot>,
    owners: Vec<Owner>,
}

/// Where a pair of keys has its slot: a dense table when the two dictionaries are small
/// enough (no hashing per row), a hash map otherwise.
enum Index {
    Dense(Vec<u32>),
    Hashed(HashMap<usize, u32, Hasher>),
}

impl Default for Index {
    fn default() -> Index {
        Index::Dense(Vec::new())
    }
}

/// The slot of a pair of keys (`NONE` until it has one).
trait Cells {
    fn cell(&mut self, at: usize) -> &mut u32;
}

impl Cells for Vec<u32> {
    #[inline]
    fn cell(&mut self, at: usize) -> &mut u32 {
        &mut self[at]
    }
}

impl Cells for HashMap<usize, u32, Hasher> {
    #[inline]
    fn cell(&mut self, at: usize) -> &mut u32 {
        self.entry(at).or_insert(NONE)
    }
}

/// The sums of a pair in the epoch, raw: 16 bytes, so that the slots of a row group's
/// pairs stay in the cache (rows come in no order of pairs). A sum about to leave 64 bits
/// is handed to the worker's totals first, so none is ever lost.
#[derive(Default, Clone, Copy)]
struct Slot {
    aantal: i64,
    bedrag: i64,
}

/// Whose sums a slot holds.
struct Owner {
    /// Its index in the worker's `Sums`.
    total: u32,
    /// The 1-based row it was first seen on in the epoch.
    first: u64,
}

/// The columns of a batch that the loop by keys reads.
struct Rows<'a> {
    id_keys: &'a [i32],
    code_keys: &'a [i32],
    numbers: &'a Numbers<'a>,
    first_row: u64,
    year: i64,
}

impl Epoch {
    /// Makes the epoch fit a batch: the same dictionaries go on; new ones end the epoch
    /// and have their entries parsed, once each.
    fn enter(
        &mut self,
        ids: &TextDictionary,
        codes: &TextDictionary,
        units: Option<&TextDictionary>,
        numbers: &Numbers,
        is_kvk: bool,
        sums: &mut Sums,
    ) {
        let same = |held: &Option<ArrayRef>, now: &ArrayRef| {
            held.as_ref().is_some_and(|h| Arc::ptr_eq(h, now))
        };
        let (same_ids, same_codes) = (same(&self.ids, ids.values), same(&self.codes, codes.values));
        let same_units = match (&self.units, units) {
            (None, None) => true,
            (held, Some(u)) => same(held, u.values),
            (Some(_), None) => false,
        };
        let same_codes = same_codes && same_units;
        let scales = (numbers.aantal.scale, numbers.bedrag.scale);
        if same_ids && same_codes && self.is_kvk == is_kvk && self.scales == scales {
            return;
        }
        self.flush(sums);
        if !same_ids {
            self.ids = Some(ids.values.clone());
            self.id_entries = ids
                .strings
                .iter()
                .map(|s| {
                    s.and_then(|s| eight_digits(trim(s.as_bytes())))
                        .unwrap_or(NONE)
                })
                .chain([NONE])
                .collect();
        }
        if !same_codes {
            self.codes = Some(codes.values.clone());
            self.units = units.map(|u| u.values.clone());
            let code_ids = codes
                .strings
                .iter()
                .map(|s| match s.map(|s| trim(s.as_bytes())) {
                    Some(code) if !code.is_empty() => sums.code(code),
                    _ => NONE,
                })
                .chain([NONE]);
            self.code_entries = match units {
                None => code_ids
                    .map(|id| if id == NONE { NONE } else { packed(id, 0) })
                    .collect(),
                Some(units) => {
                    // Per unit key, and one past the end for a null: its slot, or `NONE`
                    // when the entry is not a unit (the strict path names it).
                    let slots: Vec<u32> = units
                        .strings
                        .iter()
                        .map(
                            |s| match unit_bytes(trim(s.map_or(&b""[..], str::as_bytes))) {
                                Ok(u) => unit_slot(u),
                                Err(()) => NONE,
                            },
                        )
                        .chain([unit_slot(None)])
                        .collect();
                    code_ids
                        .flat_map(|id| {
                            slots.iter().map(move |&slot| match (id, slot) {
                                (NONE, _) | (_, NONE) => NONE,
                                (id, slot) => packed(id, slot),
                            })
                        })
                        .collect()
                }
            };
        }
        self.is_kvk = is_kvk;
        self.scales = scales;
        self.width = self.code_entries.len();
        let cells = self.id_entries.len().saturating_mul(self.width);
        self.index = match std::mem::take(&mut self.index) {
            // `flush` left it empty; a table of the right size is used again.
            Index::Dense(v) if v.len() == cells => Index::Dense(v),
            _ if cells <= DENSE_CELLS => Index::Dense(vec![NONE; cells]),
            _ => Index::Hashed(HashMap::default()),
        };
    }

    /// Sums a batch's rows; returns the rows it declines, in order.
    fn sum(&mut self, rows: &Rows, years: &mut Years, sums: &mut Sums) -> Vec<usize> {
        // One loop per kind of index and of jaar column, so that none branches on them per
        // row.
        let mut index = std::mem::take(&mut self.index);
        let declined = match (&mut index, rows.numbers.jaar) {
            (Index::Dense(v), YearColumn::Narrow(j)) => self.sum_into(v, j, rows, years, sums),
            (Index::Dense(v), YearColumn::Wide(j)) => self.sum_into(v, j, rows, years, sums),
            (Index::Hashed(m), YearColumn::Narrow(j)) => self.sum_into(m, j, rows, years, sums),
            (Index::Hashed(m), YearColumn::Wide(j)) => self.sum_into(m, j, rows, years, sums),
        };
        self.index = index;
        declined
    }

    fn sum_into<Y: Copy + Into<i64>>(
        &mut self,
        index: &mut impl Cells,
        jaar: &[Y],
        r: &Rows,
        years: &mut Years,
        sums: &mut Sums,
    ) -> Vec<usize> {
        let n = r.id_keys.len();
        let (aantal, bedrag) = (r.numbers.aantal, r.numbers.bedrag);
        let (xs, bs) = (&aantal.raw[..n], &bedrag.raw[..n]);
        let (jaar, code_keys) = (&jaar[..n], &r.code_keys[..n]);
        let mut declined = Vec::new();
        for i in 0..n {
            let (a, c) = (r.id_keys[i] as usize, code_keys[i] as usize);
            let (id, code) = (self.id_entries[a], self.code_entries[c]);
            let (y, x, b) = (jaar[i].into(), xs[i], bs[i]);
            if id == NONE
                || code == NONE
                || y == DECLINE
                || x.unsigned_abs() > aantal.limit
                || b.unsigned_abs() > bedrag.limit
            {
                declined.push(i);
                continue;
            }
            if y != r.year {
                years.count(y);
                continue;
            }
            let s = index.cell(a * self.width + c);
            if *s == NONE {
                let first = r.first_row + i as u64 + 1;
                *s = self.slots.len() as u32;
                self.slots.push(Slot::default());
                self.owners.push(Owner {
                    total: sums.total(id, self.is_kvk, code, first),
                    first,
                });
            }
            let k = *s as usize;
            let slot = &mut self.slots[k];
            match (slot.aantal.checked_add(x), slot.bedrag.checked_add(b)) {
                (Some(x), Some(b)) => {
                    *slot = Slot {
                        aantal: x,
                        bedrag: b,
                    }
                }
                _ => {
                    let t = &mut sums.totals[self.owners[k].total as usize];
                    t.aantal += millionths(i128::from(slot.aantal) + i128::from(x), aantal.scale);
                    t.bedrag += millionths(i128::from(slot.bedrag) + i128::from(b), bedrag.scale);
                    *slot = Slot::default();
                }
            }
        }
        declined
    }

    /// Adds the epoch's sums to the worker's and empties the table.
    fn flush(&mut self, sums: &mut Sums) {
        for (s, o) in self.slots.drain(..).zip(self.owners.drain(..)) {
            let t = &mut sums.totals[o.total as usize];
            t.aantal += millionths(i128::from(s.aantal), self.scales.0);
            t.bedrag += millionths(i128::from(s.bedrag), self.scales.1);
            t.first = t.first.min(o.first);
        }
        match &mut self.index {
            Index::Dense(v) => v.fill(NONE),
            Index::Hashed(m) => m.clear(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// The fast path row by row, for other shapes

/// Sums the rows of a batch whose identifier or prestatiecode is not a text dictionary
/// (an integer AGB, both agb and kvk, ...); returns the rows it declines, in order.
fn by_rows(
    cols: &[ArrayRef],
    numbers: &Numbers,
    layout: &Layout,
    first_row: u64,
    part: &mut Partial,
    years: &mut Years,
) -> Vec<usize> {
    let c = &layout.local;
    let mut declined = Vec::new();
    for i in 0..cols[c.jaar].len() {
        let who = claimant_at(cols, c, i);
        let code = text_at(&cols[c.prestatiecode], i)
            .map(trim)
            .filter(|t| !t.is_empty());
        let (y, x, b) = (
            numbers.jaar.at(i),
            numbers.aantal.raw[i],
            numbers.bedrag.raw[i],
        );
        match (who, code, unit_at(cols, c, i)) {
            (Some(who), Some(code), Ok(unit))
                if y != DECLINE
                    && x.unsigned_abs() <= numbers.aantal.limit
                    && b.unsigned_abs() <= numbers.bedrag.limit =>
            {
                if y != layout.year {
                    years.count(y);
                } else {
                    part.add(
                        who,
                        code,
                        unit,
                        millionths(i128::from(x), numbers.aantal.scale),
                        millionths(i128::from(b), numbers.bedrag.scale),
                        Seen {
                            file: layout.file,
                            line: first_row + i as u64 + 1,
                        },
                    );
                }
            }
            _ => declined.push(i),
        }
    }
    declined
}

/// The unit of row `i`: none without the column or for an empty value, a unit by name or
/// by a COD218 code as text or as an integer; `Err` for anything else, which the strict
/// path then words.
fn unit_at(cols: &[ArrayRef], c: &ClaimColumns, i: usize) -> Result<Option<Eenheid>, ()> {
    let Some(u) = c.eenheid else {
        return Ok(None);
    };
    let col = &cols[u];
    if col.is_null(i) {
        return Ok(None);
    }
    if let Some(t) = text_at(col, i) {
        return unit_bytes(trim(t));
    }
    let n = int_at(col.as_ref(), i).ok_or(())?;
    Eenheid::parse(&n.to_string()).map(Some).map_err(|_| ())
}

/// As `claim_line` decides: a non-empty kvk, else the agb; `None` for anything the fast
/// path does not read (the strict path then decides).
fn claimant_at(cols: &[ArrayRef], c: &ClaimColumns, i: usize) -> Option<Claimant> {
    if let Some(k) = c.kvk {
        if cols[k].is_valid(i) {
            return identifier_at(&cols[k], i).map(|n| Claimant::Kvk(Kvk::from_number(n)));
        }
    }
    identifier_at(&cols[c.agb?], i).map(|n| Claimant::Agb(Agb::from_number(n)))
}

/// Eight digits of text, or a whole number below 10^8 (a number has lost its leading zeros).
fn identifier_at(col: &ArrayRef, i: usize) -> Option<u32> {
    if let Some(t) = text_at(col, i) {
        return eight_digits(trim(t));
    }
    let n = int_at(col.as_ref(), i)?;
    (0..=99_999_999).contains(&n).then_some(n as u32)
}

/// The bytes of a text value (plain or from a dictionary); `None` for nulls and other types.
fn text_at(col: &ArrayRef, i: usize) -> Option<&[u8]> {
    if col.is_null(i) {
        return None;
    }
    match col.data_type() {
        DataType::Utf8 => Some(col.as_string::<i32>().value(i).as_bytes()),
        DataType::LargeUtf8 => Some(col.as_string::<i64>().value(i).as_bytes()),
        DataType::Utf8View => Some(col.as_string_view().value(i).as_bytes()),
        DataType::Dictionary(_, _) => {
            let d = col.as_dictionary_opt::<Int32Type>()?;
            text_at(d.values(), d.keys().value(i) as usize)
        }
        _ => None,
    }
}

/// An integer value of any integer type; `None` for nulls, other types and values beyond i64.
fn int_at(col: &dyn Array, i: usize) -> Option<i64> {
    if col.is_null(i) {
        return None;
    }
    Some(match col.data_type() {
        DataType::Int8 => i64::from(col.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => i64::from(col.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => i64::from(col.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => col.as_primitive::<Int64Type>().value(i),
        DataType::UInt8 => i64::from(col.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => i64::from(col.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt32 => i64::from(col.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt64 => i64::try_from(col.as_primitive::<UInt64Type>().value(i)).ok()?,
        _ => return None,
    })
}

// ---------------------------------------------------------------------------------------
// The strict path

/// Reads one row through `Cell`s and `claim_line`, which words every problem; a float
/// bedrag is refused here, since money never passes through a float.
fn strict_row(cols: &[ArrayRef], i: usize, layout: &Layout, first_row: u64, part: &mut Partial) {
    let c = &layout.local;
    let line = first_row + i as u64 + 1;
    let mut cells: Vec<Cell> = cols.iter().map(|col| cell_at(col.as_ref(), i)).collect();
    // claim_line reads the placeholder as a valid bedrag, so that it still words every
    // other problem of the row; the row itself is never added.
    let float = matches!(cells[c.bedrag], Cell::Float(_))
        .then(|| std::mem::replace(&mut cells[c.bedrag], Cell::Int(0)));
    let location = format!("row {line}");
    let get = |k: usize| &cells[k];
    part.errors.at_line(line);
    let parsed = claim_line(&get, c, layout.sign, &location, &mut part.errors);
    match (float, parsed) {
        (Some(f), _) => part.errors.push(
            &location,
            "bedrag",
            &format!(
                "{} is a float: money is read exactly, from a decimal, integer or text column, never from a float",
                f.shown()
            ),
        ),
        (None, Some(parsed)) => add_line(
            part,
            parsed,
            layout.year,
            Seen {
                file: layout.file,
                line,
            },
        ),
        (None, None) => {}
    }
}

/// A value as a `Cell`, exactly: decimals as `Decimal`, integers as integers, floats as
/// the float their file holds (a 32-bit float through its own shortest text).
fn cell_at(col: &dyn Array, i: usize) -> Cell {
    if col.is_null(i) {
        return Cell::Empty;
    }
    let float = |text: String| Cell::Float(text.parse().unwrap_or(f64::NAN));
    // The strict path (`number::cell_decimal`) applies the input bound and the six-decimal
    // rule to the unscaled integer and its scale, however large.
    let decimal = |m: i128, s: i8| {
        if s >= 0 {
            return Cell::Decimal(m, s as u32);
        }
        10i128
            .checked_pow(u32::from(s.unsigned_abs()))
            .and_then(|p| m.checked_mul(p))
            .map_or_else(
                || Cell::Other(format!("the decimal {m}e{}, beyond any bound", -s)),
                |m| Cell::Decimal(m, 0),
            )
    };
    match col.data_type() {
        DataType::Utf8 => Cell::Text(col.as_string::<i32>().value(i).to_string()),
        DataType::LargeUtf8 => Cell::Text(col.as_string::<i64>().value(i).to_string()),
        DataType::Utf8View => Cell::Text(col.as_string_view().value(i).to_string()),
        DataType::Binary => {
            Cell::Text(String::from_utf8_lossy(col.as_binary::<i32>().value(i)).into_owned())
        }
        DataType::LargeBinary => {
            Cell::Text(String::from_utf8_lossy(col.as_binary::<i64>().value(i)).into_owned())
        }
        DataType::Dictionary(_, _) => {
            let d = col.as_any_dictionary();
            match int_at(d.keys(), i) {
                Some(k) => cell_at(d.values().as_ref(), k as usize),
                None => Cell::Empty,
            }
        }
        DataType::UInt64 => Cell::Decimal(i128::from(col.as_primitive::<UInt64Type>().value(i)), 0),
        DataType::Float64 => Cell::Float(col.as_primitive::<Float64Type>().value(i)),
        DataType::Float32 => float(col.as_primitive::<Float32Type>().value(i).to_string()),
        DataType::Float16 => float(col.as_primitive::<Float16Type>().value(i).to_string()),
        &DataType::Decimal32(_, s) => {
            decimal(col.as_primitive::<Decimal32Type>().value(i).into(), s)
        }
        &DataType::Decimal64(_, s) => {
            decimal(col.as_primitive::<Decimal64Type>().value(i).into(), s)
        }
        &DataType::Decimal128(_, s) => decimal(col.as_primitive::<Decimal128Type>().value(i), s),
        &DataType::Decimal256(_, s) => {
            let v = col.as_primitive::<Decimal256Type>().value(i);
            match v.to_i128() {
                Some(m) => decimal(m, s),
                None => Cell::Other(format!("the decimal {v}e{}", -s)),
            }
        }
        DataType::Boolean => Cell::Other(format!(
            "{} (a true/false value)",
            col.as_boolean().value(i)
        )),
        other => match int_at(col, i) {
            Some(v) => Cell::Int(v),
            None => Cell::Other(format!("a value of type {other}")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::DictionaryArray;

    #[test]
    fn a_slot_about_to_leave_64_bits_hands_its_sums_on_exactly() {
        // Three rows of one pair, aantal 2^62 + 1 and bedrag −(2^62 + 1) each (in
        // millionths, with no fast-range limit): 3 · (2^62 + 1) = 13,835,058,055,282,163,715
        // is beyond i64, so the slot must hand on its sums once on the way.
        let v = (1i64 << 62) + 1;
        let ids: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::from_iter(["01234567"; 3]));
        let codes: ArrayRef = Arc::new(DictionaryArray::<Int32Type>::from_iter(["V4VV"; 3]));
        let (ids, codes) = (
            text_dictionary(&ids).unwrap(),
            text_dictionary(&codes).unwrap(),
        );
        let unbounded = |v: i64| Fixed {
            raw: Cow::Owned(vec![v; 3]),
            scale: 6,
            limit: u64::MAX,
        };
        let (aantal, bedrag) = (unbounded(v), unbounded(-v));
        let numbers = Numbers {
            jaar: &YearColumn::Narrow(&[2024; 3]),
            aantal: &aantal,
            bedrag: &bedrag,
        };
        let (mut epoch, mut sums, mut years) =
            (Epoch::default(), Sums::default(), Years::default());
        epoch.enter(&ids, &codes, None, &numbers, false, &mut sums);
        let rows = Rows {
            id_keys: &ids.keys,
            code_keys: &codes.keys,
            numbers: &numbers,
            first_row: 0,
            year: 2024,
        };
        assert!(epoch.sum(&rows, &mut years, &mut sums).is_empty());
        epoch.flush(&mut sums);
        assert_eq!(sums.totals.len(), 1);
        assert_eq!(sums.totals[0].aantal, 13_835_058_055_282_163_715);
        assert_eq!(sums.totals[0].bedrag, -13_835_058_055_282_163_715);
        assert_eq!(sums.totals[0].first, 1);
    }
}
