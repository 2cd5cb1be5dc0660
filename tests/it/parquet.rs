//! Parquet claims files in the shapes other tools write (plain text pages, dictionaries that
//! fall back to plain pages, INT32 and FIXED_LEN_BYTE_ARRAY decimals of other scales, small
//! and unsigned integer years, integer money, nulls, floats, several row groups and files),
//! written here with the `parquet` and `arrow` crates. Each file's sums are checked against
//! sums of the same lines computed in the test with `Decimal`, never against the reader.

use crate::common::*;
use arrow_array::{
    ArrayRef, Decimal128Array, Decimal32Array, Decimal64Array, Float64Array, Int16Array,
    Int32Array, Int64Array, RecordBatch, StringArray, UInt16Array, UInt32Array,
};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Encoding, Type as PhysicalType};
use parquet::file::properties::WriterProperties;
use parquet::file::reader::{FileReader, SerializedFileReader};
use rust_decimal::Decimal;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// One claim line as the test knows it: the truth every file shape is written from.
#[derive(Clone)]
struct Line {
    agb: u32,
    jaar: i64,
    code: String,
    aantal: Decimal,
    bedrag: Decimal,
}

/// `n` lines from a small xorshift generator: `agbs` AGB codes, `codes` prestatiecodes,
/// one line in ten of 2023, aantal with up to `aantal_dp` decimals and bedrag with up to
/// `bedrag_dp` (0 for whole numbers), some of them negative (credits).
fn lines(n: usize, agbs: u32, codes: u32, aantal_dp: u32, bedrag_dp: u32) -> Vec<Line> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    (0..n)
        .map(|_| {
            let r = next();
            let sign = if r % 17 == 0 { -1 } else { 1 };
            Line {
                agb: 10_000_000 + (next() % u64::from(agbs)) as u32 * 7,
                jaar: if r % 10 == 0 { 2023 } else { 2024 },
                code: format!("P{:03}", next() % u64::from(codes)),
                aantal: Decimal::new((next() % 100_000) as i64 * sign, aantal_dp),
                bedrag: Decimal::new((next() % 10_000_000) as i64 * sign, bedrag_dp),
            }
        })
        .collect()
}

type Sums = BTreeMap<(String, String), (Decimal, Decimal)>;

/// The reference: Σ aantal and Σ bedrag per (AGB, prestatiecode) of 2024, in `Decimal`.
fn reference(lines: &[Line]) -> Sums {
    let mut sums = Sums::new();
    for l in lines.iter().filter(|l| l.jaar == 2024) {
        let e = sums
            .entry((format!("{:08}", l.agb), l.code.clone()))
            .or_default();
        e.0 += l.aantal;
        e.1 += l.bedrag;
    }
    sums
}

/// The reader's sums, with its counts of lines and of lines of other years.
fn read_sums(config: &Path) -> anyhow::Result<(Sums, u64, u64)> {
    use richttarief::ingest::{claims::Claimant, fuzzing::read_claims};
    let config = richttarief::config::load(config)?;
    let raw = read_claims(&config)?;
    let sums = raw
        .sorted()
        .into_iter()
        .map(|(who, code, s)| {
            let id = match who {
                Claimant::Agb(a) => a.to_string(),
                Claimant::Kvk(k) => format!("kvk {k}"),
            };
            ((id, code), (s.aantal, s.bedrag))
        })
        .collect();
    let rows = raw.files.iter().map(|f| f.rows).sum();
    let other = raw.files.iter().map(|f| f.other_years).sum();
    Ok((sums, rows, other))
}

/// A copy of the fixture whose configuration reads `claims` (TOML: a file or a list).
fn klein_reading(claims: &str) -> (PathBuf, PathBuf) {
    let dir = copy_fixture("klein");
    let config = dir.join("zn-2027.toml");
    edit(
        &config,
        "declaraties = \"declaraties.csv\"",
        &format!("declaraties = {claims}"),
    );
    (dir, config)
}

fn write(path: &Path, columns: Vec<(&str, ArrayRef)>, props: WriterProperties) {
    let batch = RecordBatch::try_from_iter(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = ArrowWriter::try_new(file, batch.schema(), Some(props)).unwrap();
    // Several writes, as a writer that streams does; row groups follow the properties.
    let step = 7000;
    for start in (0..batch.num_rows()).step_by(step) {
        let len = step.min(batch.num_rows() - start);
        writer.write(&batch.slice(start, len)).unwrap();
    }
    writer.close().unwrap();
}

/// Row groups of `rows` lines, as a warehouse export has them.
fn props(rows: usize) -> parquet::file::properties::WriterPropertiesBuilder {
    WriterProperties::builder().set_max_row_group_row_count(Some(rows))
}

/// What the file holds, so that each test is sure to test the shape it names: per column,
/// the physical type, and whether some chunk has a dictionary page and some a plain page.
fn layout(path: &Path) -> BTreeMap<String, (PhysicalType, bool, bool, usize)> {
    let reader = SerializedFileReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let meta = reader.metadata();
    let mut out = BTreeMap::new();
    for g in meta.row_groups() {
        for c in g.columns() {
            let e =
                out.entry(c.column_path().string())
                    .or_insert((c.column_type(), false, false, 0));
            e.1 |= c.dictionary_page_offset().is_some();
            e.2 |= c.encodings().any(|x| x == Encoding::PLAIN);
            e.3 += 1;
        }
    }
    out
}

fn text(values: impl Iterator<Item = String>) -> ArrayRef {
    Arc::new(values.map(Some).collect::<StringArray>())
}

fn agbs(lines: &[Line]) -> ArrayRef {
    text(lines.iter().map(|l| format!("{:08}", l.agb)))
}

fn codes(lines: &[Line]) -> ArrayRef {
    text(lines.iter().map(|l| l.code.clone()))
}

/// A decimal's unscaled integer at `scale`, which must hold it exactly.
fn mantissa(d: Decimal, scale: u32) -> i128 {
    let mut d = d;
    d.rescale(scale);
    assert_eq!(d.scale(), scale, "{d} does not fit scale {scale}");
    d.mantissa()
}

fn decimal128(values: impl Iterator<Item = Decimal>, precision: u8, scale: u32) -> ArrayRef {
    let a: Decimal128Array = values.map(|d| Some(mantissa(d, scale))).collect();
    Arc::new(a.with_precision_and_scale(precision, scale as i8).unwrap())
}

fn check_sums(config: &Path, lines: &[Line]) {
    let (sums, rows, other) = read_sums(config).unwrap();
    let expected = reference(lines);
    assert!(expected.len() > 50, "a real test needs many groups");
    assert_eq!(rows, lines.len() as u64);
    assert_eq!(
        other,
        lines.iter().filter(|l| l.jaar != 2024).count() as u64
    );
    assert!(
        sums == expected,
        "sums differ from the reference: {} groups read, {} expected",
        sums.len(),
        expected.len()
    );
}

#[test]
fn plain_text_pages_int32_years_and_int64_decimals_over_several_row_groups() {
    // No dictionary anywhere (as Spark writes when dictionaries are off), small pages.
    let ls = lines(5000, 60, 12, 2, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    write(
        &path,
        vec![
            ("agb", agbs(&ls)),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 18, 2)),
        ],
        props(1024)
            .set_dictionary_enabled(false)
            .set_data_page_row_count_limit(500)
            .build(),
    );
    let shape = layout(&path);
    assert_eq!(shape["agb"], (PhysicalType::BYTE_ARRAY, false, true, 5));
    assert_eq!(shape["jaar"].0, PhysicalType::INT32);
    assert_eq!(shape["bedrag"].0, PhysicalType::INT64);
    check_sums(&config, &ls);
}

#[test]
fn dictionaries_that_fall_back_to_plain_pages_within_a_chunk() {
    // A dictionary page limit of 200 bytes: each chunk starts dictionary-encoded and goes
    // on in plain pages, as writers do when a column has too many distinct values. Row
    // groups of 100,000 lines are read in several batches, each with a dictionary of its
    // own that lists the same values in another order.
    let ls = lines(150_000, 400, 30, 2, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    write(
        &path,
        vec![
            ("agb", agbs(&ls)),
            (
                "jaar",
                Arc::new(Int64Array::from_iter_values(ls.iter().map(|l| l.jaar))),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 18, 2)),
        ],
        props(100_000)
            .set_dictionary_page_size_limit(200)
            .set_data_page_row_count_limit(5000)
            .set_write_batch_size(1000)
            .build(),
    );
    let shape = layout(&path);
    assert!(shape["agb"].1 && shape["agb"].2, "{:?}", shape["agb"]);
    check_sums(&config, &ls);
}

#[test]
fn int32_and_fixed_length_decimals_of_other_scales_and_int16_years() {
    // aantal DECIMAL(9, 3) in INT32, bedrag DECIMAL(30, 4) in FIXED_LEN_BYTE_ARRAY.
    let ls = lines(4000, 50, 10, 3, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    let aantal: Decimal32Array = ls
        .iter()
        .map(|l| Some(mantissa(l.aantal, 3) as i32))
        .collect();
    write(
        &path,
        vec![
            ("AGB", agbs(&ls)),
            (
                "Jaar",
                Arc::new(Int16Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i16),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            (
                "aantal",
                Arc::new(aantal.with_precision_and_scale(9, 3).unwrap()),
            ),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 30, 4)),
        ],
        props(1000).build(),
    );
    let shape = layout(&path);
    assert_eq!(shape["aantal"].0, PhysicalType::INT32);
    assert_eq!(shape["bedrag"].0, PhysicalType::FIXED_LEN_BYTE_ARRAY);
    assert_eq!(shape["Jaar"].0, PhysicalType::INT32);
    check_sums(&config, &ls);
}

#[test]
fn unsigned_years_integer_money_and_a_kvk_column() {
    // jaar as UINT16, aantal as whole INT64, bedrag as whole euros in UINT32 after the
    // credits are left out (an unsigned column has none), claims by KvK.
    let ls: Vec<Line> = lines(4000, 50, 10, 0, 0)
        .into_iter()
        .filter(|l| l.bedrag >= Decimal::ZERO && l.aantal >= Decimal::ZERO)
        .collect();
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    let whole = |d: Decimal| i64::try_from(d).unwrap();
    write(
        &path,
        vec![
            ("kvk", agbs(&ls)),
            (
                "jaar",
                Arc::new(UInt16Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as u16),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            (
                "aantal",
                Arc::new(Int64Array::from_iter_values(
                    ls.iter().map(|l| whole(l.aantal)),
                )),
            ),
            (
                "bedrag",
                Arc::new(UInt32Array::from_iter_values(
                    ls.iter().map(|l| whole(l.bedrag) as u32),
                )),
            ),
        ],
        props(1000).build(),
    );
    let (sums, rows, _) = read_sums(&config).unwrap();
    let expected: Sums = reference(&ls)
        .into_iter()
        .map(|((agb, code), s)| ((format!("kvk {agb}"), code), s))
        .collect();
    assert_eq!(rows, ls.len() as u64);
    assert!(expected.len() > 50);
    assert!(sums == expected, "sums differ from the reference");
}

#[test]
fn many_distinct_pairs_in_one_row_group_are_summed_through_a_hash_map() {
    // 1500 AGB codes × 800 prestatiecodes in one row group: more pairs than the dense
    // table takes (2^20), so the hashed index is used.
    let ls = lines(20_000, 1500, 800, 2, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    let distinct = |f: &dyn Fn(&Line) -> String| {
        ls.iter()
            .map(f)
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    };
    assert!(distinct(&|l| l.agb.to_string()) * distinct(&|l| l.code.clone()) > 1 << 20);
    write(
        &path,
        vec![
            ("agb", agbs(&ls)),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 18, 2)),
        ],
        props(1 << 20).build(),
    );
    assert_eq!(layout(&path)["agb"].3, 1);
    check_sums(&config, &ls);
}

#[test]
fn several_files_of_different_shapes_add_up() {
    let ls = lines(6000, 80, 12, 2, 2);
    let (first, second) = ls.split_at(2500);
    let (dir, config) = klein_reading("[\"deel/*.parquet\"]");
    std::fs::create_dir(dir.join("deel")).unwrap();
    write(
        &dir.join("deel/a.parquet"),
        vec![
            ("agb", agbs(first)),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    first.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(first)),
            ("aantal", decimal128(first.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(first.iter().map(|l| l.bedrag), 18, 2)),
        ],
        props(1000).build(),
    );
    let money64 = |v: &[Line], f: fn(&Line) -> Decimal| -> ArrayRef {
        let a: Decimal64Array = v.iter().map(|l| Some(mantissa(f(l), 6) as i64)).collect();
        Arc::new(a.with_precision_and_scale(18, 6).unwrap())
    };
    write(
        &dir.join("deel/b.parquet"),
        vec![
            ("bedrag", money64(second, |l| l.bedrag)),
            ("prestatiecode", codes(second)),
            ("agb", agbs(second)),
            ("aantal", money64(second, |l| l.aantal)),
            (
                "jaar",
                Arc::new(Int64Array::from_iter_values(second.iter().map(|l| l.jaar))),
            ),
        ],
        props(1500).set_dictionary_enabled(false).build(),
    );
    check_sums(&config, &ls);
}

#[test]
fn decimals_with_more_places_read_exactly_and_a_seventh_decimal_is_named_by_row() {
    // bedrag DECIMAL(28, 8): every value has at most two real decimals but eight places.
    let mut ls = lines(3000, 40, 10, 2, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    let columns = |ls: &[Line]| {
        vec![
            ("agb", agbs(ls)),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )) as ArrayRef,
            ),
            ("prestatiecode", codes(ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 28, 8)),
        ]
    };
    write(&path, columns(&ls), props(1000).build());
    check_sums(&config, &ls);

    // 0.00000001 more on row 2345 (1-based): seven decimals or more are refused, not rounded.
    ls[2344].bedrag = Decimal::new(1234000001, 8);
    write(&path, columns(&ls), props(1000).build());
    let run = run_config(&config, &dir.join("uit"));
    run.expect_code(1);
    let expected = "1 invalid value in export.parquet: row 2345, column \"bedrag\": 12.34000001 has more than 6 decimals";
    assert!(run.stderr().contains(expected), "{}", run.stderr());
}

#[test]
fn nulls_are_named_by_row_and_column() {
    // Nullable columns (as most writers declare them) with two empty values.
    let ls = lines(3000, 40, 10, 2, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    let agb: StringArray = ls
        .iter()
        .enumerate()
        .map(|(i, l)| (i != 2099).then(|| format!("{:08}", l.agb)))
        .collect();
    let bedrag: Decimal128Array = ls
        .iter()
        .enumerate()
        .map(|(i, l)| (i != 1499).then(|| mantissa(l.bedrag, 2)))
        .collect();
    write(
        &path,
        vec![
            ("agb", Arc::new(agb)),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            (
                "bedrag",
                Arc::new(bedrag.with_precision_and_scale(18, 2).unwrap()),
            ),
        ],
        props(1000).build(),
    );
    let run = run_config(&config, &dir.join("uit"));
    run.expect_code(1);
    let expected = "2 invalid values in export.parquet; first 2:\n  row 1500, column \"bedrag\": empty, a value is required\n  row 2100, column \"agb\": empty: every line needs an AGB code or a KvK number";
    assert!(run.stderr().contains(expected), "{}", run.stderr());
}

#[test]
fn a_float_money_column_is_refused_with_its_rows() {
    // bedrag as DOUBLE, as a careless export writes it: money never passes through a float.
    let ls = lines(2000, 40, 10, 2, 2);
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    let bedrag: Vec<f64> = ls
        .iter()
        .map(|l| l.bedrag.to_string().parse().unwrap())
        .collect();
    write(
        &path,
        vec![
            ("agb", agbs(&ls)),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", Arc::new(Float64Array::from(bedrag))),
        ],
        props(1000).build(),
    );
    let run = run_config(&config, &dir.join("uit"));
    run.expect_code(1);
    let expected = format!(
        "2000 invalid values in export.parquet; first 5:\n  row 1, column \"bedrag\": {} is a float: money is read exactly",
        ls[0].bedrag
    );
    assert!(run.stderr().contains(&expected), "{}", run.stderr());
    assert!(!dir.join("uit").exists(), "nothing is written on bad input");
}

#[test]
fn a_bad_identifier_in_a_plain_file_is_named_by_row() {
    let mut ls = lines(4000, 40, 10, 2, 2);
    ls[3210].agb = 1_234_567;
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    // Text that is not eight digits: the AGB of row 3211 (1-based) has seven.
    let agb = text(ls.iter().map(|l| {
        if l.agb < 10_000_000 {
            l.agb.to_string()
        } else {
            format!("{:08}", l.agb)
        }
    }));
    write(
        &path,
        vec![
            ("agb", agb),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 18, 2)),
        ],
        props(1000).set_dictionary_enabled(false).build(),
    );
    let run = run_config(&config, &dir.join("uit"));
    run.expect_code(1);
    let expected = "1 invalid value in export.parquet: row 3211, column \"agb\": expected 8 digits, found \"1234567\"";
    assert!(run.stderr().contains(expected), "{}", run.stderr());
}

#[test]
fn an_integer_agb_column_gets_its_leading_zeros_back() {
    // AGB codes stored as INT64 lose their leading zeros: 01234567 is stored as 1234567.
    let ls: Vec<Line> = lines(3000, 40, 10, 2, 2)
        .into_iter()
        .map(|l| Line {
            agb: l.agb - 9_000_000,
            ..l
        })
        .collect();
    let (dir, config) = klein_reading("\"export.parquet\"");
    let path = dir.join("export.parquet");
    write(
        &path,
        vec![
            (
                "agb",
                Arc::new(Int64Array::from_iter_values(
                    ls.iter().map(|l| i64::from(l.agb)),
                )),
            ),
            (
                "jaar",
                Arc::new(Int32Array::from_iter_values(
                    ls.iter().map(|l| l.jaar as i32),
                )),
            ),
            ("prestatiecode", codes(&ls)),
            ("aantal", decimal128(ls.iter().map(|l| l.aantal), 18, 2)),
            ("bedrag", decimal128(ls.iter().map(|l| l.bedrag), 18, 2)),
        ],
        props(1000).build(),
    );
    assert!(reference(&ls).keys().all(|(agb, _)| agb.starts_with('0')));
    check_sums(&config, &ls);
}

#[test]
fn generated_parquet_is_the_same_bytes_for_a_seed() {
    let (a, b) = (scratch("pq-seed-a"), scratch("pq-seed-b"));
    for dir in [&a, &b] {
        let d = dir.to_str().unwrap();
        richttarief(
            &[
                "generate",
                "--out",
                d,
                "--aanbieders",
                "40",
                "--declaratieregels",
                "5000",
                "--formaat",
                "parquet",
            ],
            &[],
            &root(),
        )
        .expect_code(0);
    }
    let (x, y) = (
        std::fs::read(a.join("declaraties.parquet")).unwrap(),
        std::fs::read(b.join("declaraties.parquet")).unwrap(),
    );
    assert!(x == y, "declaraties.parquet differs for one seed");
    // The shape the generator promises: dictionary text and years, plain 64-bit decimals.
    let shape = layout(&a.join("declaraties.parquet"));
    assert!(shape["agb"].1 && shape["prestatiecode"].1 && shape["jaar"].1);
    assert_eq!(shape["bedrag"], (PhysicalType::INT64, false, true, 1));
}
