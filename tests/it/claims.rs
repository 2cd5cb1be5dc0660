//! The claims CSV reader at its edges: lines of any length, the header limit, encodings,
//! files that are not regular files, and identifiers that must not be echoed.

use std::path::{Path, PathBuf};

use crate::common::*;

/// The reader's chunk size as it was when these tests were written: a line is cut here if
/// chunking does not respect line ends.
const CHUNK: usize = 4 << 20;

/// A copy of `klein` whose declaraties are `text`, and its run.
fn run_claims(name: &str, text: &[u8]) -> (PathBuf, Run) {
    let dir = copy_fixture("klein");
    std::fs::write(dir.join("declaraties.csv"), text).unwrap();
    let _ = name;
    let run = run_config(&dir.join("zn-2027.toml"), &dir.join("uit"));
    (dir, run)
}

fn klein_claims() -> String {
    read(&fixture("klein").join("declaraties.csv"))
}

/// The outputs of `klein` as it is, to compare with.
fn klein_outputs() -> PathBuf {
    let dir = copy_fixture("klein");
    let out = dir.join("uit");
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
    out
}

fn assert_refused(run: &Run, expected: &[&str]) {
    run.expect_code(1);
    let err = run.stderr();
    for fragment in expected {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
}

// ---------------------------------------------------------------------------------------
// Lines of any length

#[test]
fn a_line_longer_than_a_chunk_with_twelve_fields_is_refused_not_read_as_two_claims() {
    // The first CHUNK bytes after the header are six fields and a trailing separator (a
    // valid claim of €1,000,000 on their own); the rest is six more fields (another valid
    // claim). Together they are one line of 12 fields, which must be refused whole.
    let tail = ",20000001,2024,V4VV,1,1000000.00,";
    let first = format!("{}{tail}", "x".repeat(CHUNK - tail.len()));
    assert_eq!(first.len(), CHUNK);
    let mut lines: Vec<String> = klein_claims().lines().map(String::from).collect();
    lines.insert(
        1,
        format!("{first}111222399,20000001,2024,V4VV,1,1000000.00"),
    );
    let (_, run) = run_claims("twelve", (lines.join("\n") + "\n").as_bytes());
    assert_refused(
        &run,
        &["declaraties.csv: row 2: 12 fields where the header has 6"],
    );
}

#[test]
fn a_valid_line_with_a_six_mib_field_outside_the_contract_is_read() {
    let text = klein_claims().replacen("111222333", &"9".repeat(6 << 20), 1);
    let (dir, run) = run_claims("six-mib", text.as_bytes());
    run.expect_code(0);
    assert_same_csv_outputs(&dir.join("uit"), &klein_outputs());
}

#[test]
fn line_numbers_after_a_line_of_several_chunks_stay_right() {
    // Row 4 is 9 MiB long (it spans three chunks); row 20 has a bad amount.
    let mut lines: Vec<String> = klein_claims().lines().map(String::from).collect();
    lines[3] = lines[3].replacen("111222335", &"z".repeat(9 << 20), 1);
    assert!(lines[19].ends_with(",38800.00"), "{}", lines[19]);
    lines[19] = lines[19].replace(",38800.00", ",fout");
    let (_, run) = run_claims("numbers", (lines.join("\n") + "\n").as_bytes());
    assert_refused(
        &run,
        &["1 invalid value in declaraties.csv: row 20, column \"bedrag\": not a number: \"fout\""],
    );
}

#[test]
fn a_header_line_over_one_mib_is_refused_with_the_limit() {
    let text = klein_claims().replacen("bsn,", &format!("{},", "h".repeat(1 << 20)), 1);
    let (_, run) = run_claims("header", text.as_bytes());
    assert_refused(
        &run,
        &["declaraties.csv: the header line is longer than 1 MiB"],
    );
}
