//! The claims CSV reader at its edges: lines of any length, the header limit, encodings,
//! files that are not regular files, and identifiers that must not be echoed.

use std::path::PathBuf;

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

// ---------------------------------------------------------------------------------------
// Encodings

fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
    let mut bytes = Vec::new();
    let units = bom
        .then_some('\u{feff}' as u16)
        .into_iter()
        .chain(text.encode_utf16());
    for u in units {
        bytes.extend(if big_endian {
            u.to_be_bytes()
        } else {
            u.to_le_bytes()
        });
    }
    bytes
}

/// Copies `klein`, rewrites `file` as `bytes`, and runs.
fn run_with(file: &str, bytes: &[u8]) -> Run {
    let dir = copy_fixture("klein");
    std::fs::write(dir.join(file), bytes).unwrap();
    run_config(&dir.join("zn-2027.toml"), &dir.join("uit"))
}

#[test]
fn utf16_claims_files_are_named_as_utf16_with_or_without_bom() {
    let text = klein_claims();
    for (big_endian, bom) in [(false, true), (true, true), (false, false), (true, false)] {
        let run = run_with("declaraties.csv", &utf16(&text, big_endian, bom));
        assert_refused(&run, &["declaraties.csv is UTF-16", "save it as UTF-8 CSV"]);
    }
}

#[test]
fn utf16_tables_are_named_as_utf16_with_or_without_bom() {
    for (file, big_endian, bom) in [
        ("jaarverslagen.csv", false, true),
        ("tarieven.csv", true, false),
        ("koppeltabel.csv", false, false),
    ] {
        let text = read(&fixture("klein").join(file));
        let run = run_with(file, &utf16(&text, big_endian, bom));
        assert_refused(
            &run,
            &[&format!("{file} is UTF-16"), "save it as UTF-8 CSV"],
        );
    }
}

#[test]
fn a_gzip_compressed_utf16_claims_file_is_named_as_utf16() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&utf16(&klein_claims(), false, true)).unwrap();
    let dir = copy_fixture("klein");
    std::fs::remove_file(dir.join("declaraties.csv")).unwrap();
    std::fs::write(dir.join("declaraties.csv.gz"), gz.finish().unwrap()).unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties.csv",
        "declaraties.csv.gz",
    );
    let run = run_config(&dir.join("zn-2027.toml"), &dir.join("uit"));
    assert_refused(&run, &["declaraties.csv.gz is UTF-16"]);
}

#[test]
fn a_windows_1252_prestatiecode_is_named_by_row_column_and_encoding() {
    // Row 2 is "111222333,20000001,2024,V4VV,...": its code gets an É (0xC9 in
    // Windows-1252), which was read as U+FFFD and reported as a code without a tariff.
    let mut bytes = klein_claims().into_bytes();
    let at = bytes
        .windows(15)
        .position(|w| w == b"20000001,2024,V")
        .unwrap()
        + 15;
    bytes.insert(at, 0xc9);
    let run = run_with("declaraties.csv", &bytes);
    assert_refused(
        &run,
        &[
            "1 invalid value in declaraties.csv: row 2, column \"prestatiecode\": not UTF-8 text (byte 0xC9 at position 2)",
            "Windows-1252 or Latin-1? save it as UTF-8 CSV",
        ],
    );
}

#[test]
fn windows_1252_outside_the_contract_columns_is_not_read_and_not_refused() {
    // A name column in Windows-1252 beside the claims: never read, so never a problem.
    let text = klein_claims();
    let mut bytes = Vec::new();
    for (i, line) in text.lines().enumerate() {
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(if i == 0 {
            b",naam\n"
        } else {
            b",Jos\xe9 M\xfcller\n"
        });
    }
    let dir = copy_fixture("klein");
    std::fs::write(dir.join("declaraties.csv"), bytes).unwrap();
    let out = dir.join("uit");
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
    assert_same_csv_outputs(&out, &klein_outputs());
}

// ---------------------------------------------------------------------------------------
// Folders and devices named as input files

fn run_with_input(key: &str, value: &str) -> Run {
    let dir = copy_fixture("klein");
    std::fs::create_dir(dir.join("map")).unwrap();
    let config = dir.join("zn-2027.toml");
    let text = read(&config);
    let line = text
        .lines()
        .find(|l| l.starts_with(&format!("{key} = ")))
        .unwrap()
        .to_string();
    std::fs::write(&config, text.replace(&line, &format!("{key} = {value:?}"))).unwrap();
    run_config(&config, &dir.join("uit"))
}

#[test]
fn a_folder_named_as_an_input_file_is_called_a_folder() {
    for key in ["jaarverslagen", "tarieven", "koppeltabel", "declaraties"] {
        let run = run_with_input(key, "map");
        let expected = if key == "declaraties" {
            "invoer.declaraties: \"map\": is a folder, not a file".to_string()
        } else {
            format!("invoer.{key} = \"map\": is a folder, not a file")
        };
        assert_refused(&run, &[&expected]);
    }
}

#[test]
fn a_device_or_fifo_named_as_an_input_file_is_not_a_regular_file() {
    let run = run_with_input("declaraties", "/dev/null");
    assert_refused(
        &run,
        &["invoer.declaraties: \"/dev/null\": is not a regular file"],
    );
    let fifo = scratch("fifo").join("tarieven.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let run = run_with_input("tarieven", fifo.to_str().unwrap());
    assert_refused(&run, &["invoer.tarieven = ", "is not a regular file"]);
}

// ---------------------------------------------------------------------------------------
// What fuzzing found

#[test]
fn amounts_too_large_for_exact_sums_are_refused_not_a_panic() {
    // One amount of 10^23 (slow path), and 10,000 of 9 · 10^18 (fast path) whose sum,
    // 9 · 10^22, is past what a Decimal of six decimals holds (7.9 · 10^22).
    let mut text = klein_claims();
    text = text.replacen(",700800.00", ",100000000000000000000000", 1);
    for _ in 0..10_000 {
        text += "111222399,20000002,2024,V4VV,1,9000000000000000000.00\n";
    }
    let (_, run) = run_claims("huge", text.as_bytes());
    assert_refused(
        &run,
        &[
            "10001 invalid values in declaraties.csv; first 5:",
            "row 2, column \"bedrag\": 100000000000000000000000 is out of range: numbers must be below 10^12",
            "row 24, column \"bedrag\": 9000000000000000000.00 is out of range",
        ],
    );
}

#[test]
fn a_carriage_return_inside_a_line_is_refused_not_the_rest_of_the_line_dropped() {
    // Read as CSV, the line ended at the CR: the bedrag 109500.00 became 1.
    let text = klein_claims().replace(",109500.00\n", ",1\r09500.00\n");
    let (_, run) = run_claims("cr", text.as_bytes());
    assert_refused(
        &run,
        &["1 invalid value in declaraties.csv: row 3: a carriage return inside the line"],
    );
    // CR LF line ends are not a problem.
    let crlf = klein_claims().replace('\n', "\r\n");
    let (dir, run) = run_claims("crlf", crlf.as_bytes());
    run.expect_code(0);
    assert_same_csv_outputs(&dir.join("uit"), &klein_outputs());
}

#[test]
fn a_quote_left_open_is_refused_not_closed_at_the_line_end() {
    let text = klein_claims().replace(",109500.00\n", ",\"109500.00\n");
    let (_, run) = run_claims("quote", text.as_bytes());
    assert_refused(
        &run,
        &["1 invalid value in declaraties.csv: row 3: a quote is not closed on this line"],
    );
}

#[test]
fn a_prestatiecode_with_a_no_break_space_at_its_end_is_trimmed_on_every_path() {
    // The fast path trimmed ASCII white space only and kept "V4VV\u{a0}" as another code
    // (without a tariff); a quoted line, read by the slow path, trimmed it to "V4VV".
    let text = klein_claims()
        .replacen(",V4VV,3650,", ",V4VV\u{a0},3650,", 1)
        .replacen(",V4VV,-10,", ",\"V4VV\u{a0}\",-10,", 1)
        .replacen(",NHC4VV,", ",\u{b}NHC4VV,", 1);
    let (dir, run) = run_claims("nbsp", text.as_bytes());
    run.expect_code(0);
    assert_same_csv_outputs(&dir.join("uit"), &klein_outputs());
}

// ---------------------------------------------------------------------------------------
// Nothing personal in messages

/// Fails when `text` holds a free-standing run of exactly nine digits: a BSN's shape.
fn assert_no_nine_digits(text: &str) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        assert_ne!(i - start, 9, "nine digits at {start}:\n{text}");
        i = i.max(start + 1);
    }
}

fn assert_refused_privately(run: &Run, expected: &[&str]) {
    assert_refused(run, expected);
    assert_no_nine_digits(&(run.stdout() + &run.stderr()));
}

const SHAPE: &str =
    "expected 8 digits, found 9 digits, the length of a BSN; the value is not shown";

#[test]
fn a_kvk_column_holding_bsns_is_refused_without_echoing_them() {
    let text = klein_claims().replacen("bsn,", "kvk,", 1);
    let (_, run) = run_claims("kvk-bsn", text.as_bytes());
    assert_refused_privately(
        &run,
        &[
            "22 invalid values in declaraties.csv; first 5:",
            &format!("row 2, column \"kvk\": {SHAPE}"),
        ],
    );
}

#[test]
fn an_agb_column_holding_bsns_is_refused_without_echoing_them() {
    let text = klein_claims().replacen("bsn,agb,", "agb,agb_oud,", 1);
    let (_, run) = run_claims("agb-bsn", text.as_bytes());
    assert_refused_privately(
        &run,
        &[
            "22 invalid values in declaraties.csv; first 5:",
            &format!("row 2, column \"agb\": {SHAPE}"),
        ],
    );
}

#[test]
fn bsns_in_tables_the_configuration_and_arguments_are_described_not_echoed() {
    // The koppeltabel and the jaarverslagen read identifiers through the same parser.
    let run = run_with(
        "koppeltabel.csv",
        read(&fixture("klein").join("koppeltabel.csv"))
            .replacen("20000002,", "111222333,", 1)
            .as_bytes(),
    );
    assert_refused_privately(
        &run,
        &[&format!("koppeltabel.csv: row 3, column \"agb\": {SHAPE}")],
    );
    let run = run_with(
        "jaarverslagen.csv",
        read(&fixture("klein").join("jaarverslagen.csv"))
            .replacen("10000001,", "111222333,", 1)
            .as_bytes(),
    );
    assert_refused_privately(&run, &[&format!("row 2, column \"kvk\": {SHAPE}")]);
    // A value echoed by another parser (a sector) is caught by the net in RowErrors.
    let run = run_with(
        "jaarverslagen.csv",
        read(&fixture("klein").join("jaarverslagen.csv"))
            .replacen(",VV\n", ",111222333\n", 1)
            .as_bytes(),
    );
    assert_refused_privately(
        &run,
        &["row 2, column \"sector\": unknown sector \"(9 digits, not shown)\""],
    );
    // A prestatiecode column holding BSNs: codes without a tariff, listed without them.
    let text = klein_claims().replacen(
        "bsn,agb,jaar,prestatiecode,",
        "prestatiecode,agb,jaar,code,",
        1,
    );
    let (_, run) = run_claims("code-bsn", text.as_bytes());
    assert_refused_privately(
        &run,
        &["declaraties.csv row 2, column \"prestatiecode\": \"(9 digits, not shown)\""],
    );
    // The configuration's excluded KvK numbers.
    let dir = copy_fixture("klein");
    edit(
        &dir.join("zn-2027.toml"),
        "kvk = \"10000011\"",
        "kvk = \"111222333\"",
    );
    let run = run_config(&dir.join("zn-2027.toml"), &dir.join("uit"));
    assert_refused_privately(&run, &[&format!("uitsluiting.kvk[1].kvk: {SHAPE}")]);
    // An argument: clap would quote the value it could not parse.
    let config = fixture("klein/zn-2027.toml");
    let run = richttarief(
        &[
            "explain",
            "--config",
            config.to_str().unwrap(),
            "--kvk",
            "111222333",
        ],
        &[],
        &root(),
    );
    run.expect_code(2);
    assert!(run.stderr().contains(SHAPE), "{}", run.stderr());
    assert_no_nine_digits(&(run.stdout() + &run.stderr()));
}
