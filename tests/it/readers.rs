//! The parallel claims readers on files of many chunks: their sums equal an
//! independent csv-crate + `Decimal` reading to the cent, and errors found on different
//! workers are reported in line order.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Σ aantal and Σ bedrag per (AGB, prestatiecode) of 2024, by the simplest possible path:
/// the csv crate and `Decimal`, one line after another.
fn reference_sums(
    csv_path: &Path,
) -> BTreeMap<(String, String), (rust_decimal::Decimal, rust_decimal::Decimal)> {
    use std::str::FromStr;
    let mut sums = BTreeMap::new();
    let mut reader = csv::Reader::from_path(csv_path).unwrap();
    // A line that states its unit is summed apart from lines in other units, under the code
    // with the unit in brackets, as the tool's sums are keyed.
    let unit = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "eenheid");
    for r in reader.records() {
        let r = r.unwrap();
        if &r[1] != "2024" {
            continue;
        }
        let code = match unit.map(|u| &r[u]) {
            None | Some("") => r[2].to_string(),
            Some(u) => format!("{} [{u}]", &r[2]),
        };
        let e = sums
            .entry((r[0].to_string(), code))
            .or_insert((rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO));
        e.0 += rust_decimal::Decimal::from_str(&r[3]).unwrap();
        e.1 += rust_decimal::Decimal::from_str(&r[4]).unwrap();
    }
    sums
}

fn tool_sums(
    config: &Path,
) -> BTreeMap<(String, String), (rust_decimal::Decimal, rust_decimal::Decimal)> {
    use richttarief::ingest::{claims::Claimant, fuzzing::read_claims};
    let config = richttarief::config::load(config).unwrap();
    let raw = read_claims(&config).unwrap();
    raw.sorted()
        .into_iter()
        .map(|(who, code, s)| {
            let agb = match who {
                Claimant::Agb(a) => a.to_string(),
                Claimant::Kvk(k) => panic!("generated claims carry AGB codes, not KvK {k}"),
            };
            ((agb, code), (s.aantal, s.bedrag))
        })
        .collect()
}

#[test]
fn parallel_readers_equal_a_reference_sum_to_the_cent() {
    // 300,000 lines: about 13 MB of CSV, several 4 MiB chunks; as Parquet one row group of
    // dictionary pages (tests/it/parquet.rs covers many row groups and plain pages).
    let args = |dir: &Path, format: &str| {
        let d = dir.to_str().unwrap().to_string();
        vec![
            "generate".to_string(),
            "--out".into(),
            d,
            "--aanbieders".into(),
            "150".into(),
            "--declaratieregels".into(),
            "300000".into(),
            "--seed".into(),
            "11".into(),
            "--formaat".into(),
            format.into(),
        ]
    };
    let mut results = Vec::new();
    let mut csv_dir = PathBuf::new();
    for format in ["csv", "csv.gz", "parquet"] {
        let dir = scratch(&format!("ref-{format}"));
        let a = args(&dir, format);
        richttarief(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            &[],
            &root(),
        )
        .expect_code(0);
        results.push(tool_sums(&dir.join("richttarief.toml")));
        if format == "csv" {
            csv_dir = dir;
        }
    }
    let reference = reference_sums(&csv_dir.join("declaraties.csv"));
    assert!(
        reference.len() > 1000,
        "a real test needs many groups: {}",
        reference.len()
    );
    for (format, got) in ["csv", "csv.gz", "parquet"].iter().zip(&results) {
        assert!(
            *got == reference,
            "{format} differs from the reference sums"
        );
    }
}

#[test]
fn errors_found_on_different_workers_come_out_in_line_order() {
    let dir = scratch("chunks");
    let d = dir.to_str().unwrap();
    richttarief(
        &[
            "generate",
            "--out",
            d,
            "--aanbieders",
            "100",
            "--declaratieregels",
            "250000",
            "--formaat",
            "csv",
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    let path = dir.join("declaraties.csv");
    let mut lines: Vec<String> = read(&path).lines().map(String::from).collect();
    // Line numbers are 1-based with the header as line 1; break lines 5, 200000 and 249000.
    for n in [249_000usize, 5, 200_000] {
        // Only the bedrag (the fifth field) is broken; the other fields stay as written.
        let mut fields: Vec<&str> = lines[n - 1].split(',').collect();
        fields[4] = "n.v.t.";
        lines[n - 1] = fields.join(",");
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let run = run_config(&dir.join("richttarief.toml"), &dir.join("uit"));
    run.expect_code(1);
    let err = run.stderr();
    let expected = "3 invalid values in declaraties.csv; first 3:\n  row 5, column \"bedrag\": not a number: \"n.v.t.\"\n  row 200000, column \"bedrag\": not a number: \"n.v.t.\"\n  row 249000, column \"bedrag\"";
    assert!(err.contains(expected), "{err}");
}

#[test]
fn a_bad_value_in_a_parquet_file_of_the_fast_shape_is_named_by_row() {
    let dir = scratch("pq-bad");
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
    let path = dir.join("declaraties.parquet");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&path).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<arrow_array::RecordBatch> = reader.map(Result::unwrap).collect();
    let schema = batches[0].schema();
    let agb_at = schema.index_of("agb").unwrap();
    // Row 1234 (1-based) gets a seven-digit AGB code; every other value keeps the fast shape.
    let mut row = 0;
    let mut writer = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        schema.clone(),
        None,
    )
    .unwrap();
    for batch in &batches {
        let agb: arrow_array::StringArray = batch
            .column(agb_at)
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap()
            .iter()
            .map(|v| {
                row += 1;
                if row == 1234 {
                    Some("1234567".to_string())
                } else {
                    v.map(str::to_string)
                }
            })
            .collect();
        let mut columns = batch.columns().to_vec();
        columns[agb_at] = std::sync::Arc::new(agb);
        writer
            .write(&arrow_array::RecordBatch::try_new(schema.clone(), columns).unwrap())
            .unwrap();
    }
    writer.close().unwrap();
    let run = run_config(&dir.join("richttarief.toml"), &dir.join("uit"));
    run.expect_code(1);
    let expected = "1 invalid value in declaraties.parquet: row 1234, column \"agb\": expected 8 digits, found \"1234567\"";
    assert!(run.stderr().contains(expected), "{}", run.stderr());
}
