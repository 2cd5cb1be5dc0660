//! Units of `aantal`: an `eenheid` column in tarieven and declaraties. On copies of the
//! `klein` fixture whose every figure is worked out by hand: a provider's modular care
//! declared in minutes, in hours or in a mix gives the same S_max as the fixture; a count
//! without a unit counts in the tariff's unit (documented, and tested as such); units that
//! do not convert, a unit on the claims only and unknown unit codes are refused by file,
//! row, column and value; Parquet with an eenheid column reads as the CSV does.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The unit of each of `klein`'s tariff rows (H126 by its COD218 code: 04 is uur).
fn tariff_unit(code: &str) -> &'static str {
    match code {
        "H126" => "04",
        "H300" => "uur",
        "VERV" => "stuk",
        "GGZB4" => "dagdeel",
        _ => "etmaal",
    }
}

/// The H126 line of Thuiszorg De Dijk (KvK 10000004, AGB 20000004) in `klein`: 400 hours
/// at a tariff of €75 an hour, paid €28,500, on row 15 of declaraties.csv.
const DIJK_H126: &str = "111222346,20000004,2024,H126,400,28500.00";

/// A copy of `klein` with an `eenheid` column in tarieven (when `tariff_units`) and in
/// declaraties (when `claim_units`: empty on every line), and then each `(from, to)`
/// replaced in declaraties.csv.
fn klein_with_units(tariff_units: bool, claim_units: bool, changes: &[(&str, &str)]) -> PathBuf {
    let dir = copy_fixture("klein");
    if tariff_units {
        let path = dir.join("tarieven.csv");
        let text: Vec<String> = read(&path)
            .lines()
            .enumerate()
            .map(|(i, line)| match i {
                0 => format!("{line},eenheid"),
                _ => format!("{line},{}", tariff_unit(line.split(',').nth(1).unwrap())),
            })
            .collect();
        std::fs::write(&path, text.join("\n") + "\n").unwrap();
    }
    let path = dir.join("declaraties.csv");
    if claim_units {
        let text: Vec<String> = read(&path)
            .lines()
            .enumerate()
            .map(|(i, line)| match i {
                0 => format!("{line},eenheid"),
                _ => format!("{line},"),
            })
            .collect();
        std::fs::write(&path, text.join("\n") + "\n").unwrap();
    }
    for (from, to) in changes {
        edit(&path, from, to);
    }
    dir
}

fn explain(dir: &Path, kvk: &str) -> Run {
    let config = dir.join("zn-2027.toml");
    richttarief(
        &[
            "explain",
            "--config",
            config.to_str().unwrap(),
            "--kvk",
            kvk,
        ],
        &[],
        &root(),
    )
}

/// The cells of the explanation's table row of a prestatiecode.
fn explained_line(out: &str, code: &str) -> Vec<String> {
    out.lines()
        .find(|l| l.trim_start().starts_with(&format!("{code} ")))
        .unwrap_or_else(|| panic!("no line of {code}:\n{out}"))
        .split_whitespace()
        .map(str::to_string)
        .collect()
}

#[test]
fn minutes_hours_and_a_mix_of_the_same_care_give_the_same_s_max() {
    // By hand: 24,000 minutes = 400 hours; 300 hours + 6,000 minutes = 300 + 100 = 400
    // hours. At €75 an hour s_max = 400 · 75 = 30,000, and De Dijk's S_max is that plus its
    // VPT line, 1,200 days at (180 − 25) = 186,000: 216,000.00, the fixture's. Read as
    // hours, the minutes would give 24,000 · 75 = 1,800,000.
    let with = |line: &str| format!("{line},");
    let variants = [
        ("uren", vec![(with(DIJK_H126), format!("{DIJK_H126},uur"))]),
        (
            "minuten",
            vec![(
                with(DIJK_H126),
                "111222346,20000004,2024,H126,24000,28500.00,minuut".to_string(),
            )],
        ),
        (
            "gemengd",
            vec![(
                with(DIJK_H126),
                "111222346,20000004,2024,H126,300,21375.00,04\n\
                 111222399,20000004,2024,H126,6000,7125.00,01"
                    .to_string(),
            )],
        ),
    ];
    for (name, changes) in variants {
        let changes: Vec<(&str, &str)> = changes
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let dir = klein_with_units(true, true, &changes);
        let out = dir.join("uit");
        run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
        assert_same_csv_outputs(&out, &fixture("klein/verwacht/zn-2027"));
        let dijk = csv_records(&out.join("aanbieders.csv"))
            .into_iter()
            .find(|r| r["kvk"] == "10000004")
            .unwrap();
        assert_eq!(dijk["zorg_max"], "216000.00", "{name}");

        let run = explain(&dir, "10000004");
        run.expect_code(0);
        let text = run.stdout();
        // aantal 400 (hours), bedrag 28,500, tariff 75, s = 28,500, s_max = 30,000.
        assert_eq!(
            explained_line(&text, "H126")[4..],
            ["400", "28500.00", "75.00", "0.00", "0.00", "0.00", "28500.00", "30000.00"],
            "{name}"
        );
        let conversion = match name {
            "uren" => None,
            "minuten" => Some("H126: Σ aantal 24000 minuut = 400 uur"),
            _ => Some("H126: Σ aantal 6000 minuut + 300 uur = 400 uur"),
        };
        match conversion {
            Some(c) => assert!(text.contains(c), "{name}: lacks {c:?}:\n{text}"),
            None => assert!(!text.contains("Σ aantal"), "{name}:\n{text}"),
        }
    }
}

#[test]
fn a_count_that_does_not_divide_is_rounded_once_half_to_even_and_explained() {
    // By hand: 1,234 minutes = 20.5666… hours, rounded to six decimals 20.566667; at €75
    // s_max = 20.566667 · 75 = 1,542.500025, written 1542.50. The other line of the code
    // is 100 hours, so Σ aantal = 120.566667 hours and s_max = 9,042.500025.
    let dir = klein_with_units(
        true,
        true,
        &[(
            &format!("{DIJK_H126},"),
            "111222346,20000004,2024,H126,100,7500.00,uur\n\
             111222399,20000004,2024,H126,1234,1542.50,minuut",
        )],
    );
    let run = explain(&dir, "10000004");
    run.expect_code(0);
    let text = run.stdout();
    assert!(
        text.contains("H126: Σ aantal 1234 minuut + 100 uur = 120.566667 uur"),
        "{text}"
    );
    let line = explained_line(&text, "H126");
    assert_eq!(line[4], "120.566667", "{text}");
    assert_eq!(line[11], "9042.50", "{text}");
}

#[test]
fn a_count_without_a_unit_counts_in_the_tariff_s_unit() {
    // Documented: a claims file without eenheid counts in the tariff's unit, whatever the
    // provider meant. 24,000 "minutes" against the hourly tariff are 24,000 hours here:
    // s_max = 24,000 · 75 = 1,800,000.00.
    let dir = klein_with_units(
        true,
        false,
        &[(DIJK_H126, "111222346,20000004,2024,H126,24000,28500.00")],
    );
    let run = explain(&dir, "10000004");
    run.expect_code(0);
    let text = run.stdout();
    let line = explained_line(&text, "H126");
    assert_eq!(line[4], "24000", "{text}");
    assert_eq!(line[11], "1800000.00", "{text}");
    assert!(!text.contains("Σ aantal"), "nothing was converted:\n{text}");
}

#[test]
fn claims_without_units_against_tariffs_with_units_are_read_as_before() {
    // Every tariff states its unit, no claim does: the fixture's outputs, byte for byte.
    let dir = klein_with_units(true, false, &[]);
    let out = dir.join("uit");
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
    assert_same_csv_outputs(&out, &fixture("klein/verwacht/zn-2027"));
}

/// Runs `dir`'s zn-2027 configuration expecting exit 1, nothing on stdout and no output
/// folder; returns stderr.
fn refused(dir: &Path) -> String {
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(1);
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
    assert!(!out.exists(), "an output folder was written");
    run.stderr()
}

#[test]
fn dagdelen_against_an_hourly_tariff_are_refused_with_file_line_code_and_both_units() {
    // Two providers claim H126 in dagdelen (16 is COD218's dagdeel of 4 hours): one
    // problem, a code and two units, named at the first line it occurs on.
    let dir = klein_with_units(
        true,
        true,
        &[
            (&format!("{DIJK_H126},"), &format!("{DIJK_H126},16")),
            (
                "111222347,20000005,2024,H126,2970,213840.00,",
                "111222347,20000005,2024,H126,2970,213840.00,dagdeel",
            ),
        ],
    );
    let err = refused(&dir);
    for fragment in [
        "1 claimed unit(s) in the declaraties that do not fit the tariff for 2024",
        "declaraties.csv row 15, column \"eenheid\": prestatiecode \"H126\" claimed in eenheid dagdeel, its tariff is per uur: dagdeel does not convert into uur",
    ] {
        assert!(err.contains(fragment), "lacks {fragment:?}:\n{err}");
    }
}

#[test]
fn a_unit_on_the_claims_only_is_refused() {
    // The tariff table says nothing of units; a claim in minutes cannot be counted.
    let dir = klein_with_units(
        false,
        true,
        &[(&format!("{DIJK_H126},"), &format!("{DIJK_H126},minuut"))],
    );
    let err = refused(&dir);
    assert!(
        err.contains("declaraties.csv row 15, column \"eenheid\": prestatiecode \"H126\" claimed in eenheid minuut, its tariff states no eenheid"),
        "{err}"
    );
}

#[test]
fn unknown_unit_codes_are_refused_by_file_row_column_and_value() {
    let dir = klein_with_units(true, false, &[]);
    edit(
        &dir.join("tarieven.csv"),
        "per uur,VV,mpt,zorg,75.00,,04",
        "per uur,VV,mpt,zorg,75.00,,05",
    );
    let err = refused(&dir);
    for fragment in [
        "tarieven.csv",
        "row 6",
        "column \"eenheid\"",
        "unknown eenheid \"05\"",
    ] {
        assert!(err.contains(fragment), "lacks {fragment:?}:\n{err}");
    }

    let dir = klein_with_units(
        true,
        true,
        &[(&format!("{DIJK_H126},"), &format!("{DIJK_H126},15"))],
    );
    let err = refused(&dir);
    for fragment in [
        "declaraties.csv",
        "row 15",
        "column \"eenheid\"",
        "unit code \"15\" (COD218: dagdeel (3 uur)) is not supported",
    ] {
        assert!(err.contains(fragment), "lacks {fragment:?}:\n{err}");
    }
}

/// `klein`'s declaraties.csv with an eenheid column as Parquet: agb, jaar (Int32),
/// prestatiecode and eenheid as text (empty as null) or eenheid as COD218 integers, aantal
/// and bedrag as decimals.
fn claims_as_parquet(csv: &Path, parquet: &Path, units_as_integers: bool) {
    let text = read(csv);
    let rows: Vec<Vec<&str>> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect())
        .collect();
    // "-12.5" at scale 2 is -1250: the digits, with the fraction padded to the scale.
    let scaled = |s: &str, scale: usize| -> i128 {
        let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
        assert!(
            fraction.len() <= scale,
            "{s} has more than {scale} decimals"
        );
        format!("{whole}{fraction:0<scale$}").parse().unwrap()
    };
    let unit: arrow_array::ArrayRef = if units_as_integers {
        let code = |s: &str| match s {
            "" => None,
            "minuut" => Some(1),
            "uur" => Some(4),
            other => Some(other.parse::<i32>().unwrap()),
        };
        Arc::new(arrow_array::Int32Array::from(
            rows.iter().map(|r| code(r[6])).collect::<Vec<_>>(),
        ))
    } else {
        Arc::new(arrow_array::StringArray::from(
            rows.iter()
                .map(|r| (!r[6].is_empty()).then_some(r[6]))
                .collect::<Vec<_>>(),
        ))
    };
    write_parquet(
        parquet,
        vec![
            (
                "agb",
                text_column(rows.iter().map(|r| r[1].to_string()).collect()),
            ),
            (
                "jaar",
                Arc::new(arrow_array::Int32Array::from(
                    rows.iter()
                        .map(|r| r[2].parse::<i32>().unwrap())
                        .collect::<Vec<_>>(),
                )),
            ),
            (
                "prestatiecode",
                text_column(rows.iter().map(|r| r[3].to_string()).collect()),
            ),
            (
                "aantal",
                decimal_column(rows.iter().map(|r| scaled(r[4], 3)).collect(), 18, 3),
            ),
            (
                "bedrag",
                decimal_column(rows.iter().map(|r| scaled(r[5], 2)).collect(), 18, 2),
            ),
            ("eenheid", unit),
        ],
    );
}

#[test]
fn parquet_with_an_eenheid_column_reads_as_the_csv_does() {
    // The mix of hours and minutes, and another provider's H126 in minutes (2,970 hours =
    // 178,200 minutes): the fixture's outputs, from CSV and from both Parquet shapes.
    let dir = klein_with_units(
        true,
        true,
        &[
            (
                &format!("{DIJK_H126},"),
                "111222346,20000004,2024,H126,300,21375.00,uur\n\
                 111222399,20000004,2024,H126,6000,7125.00,01",
            ),
            (
                "111222347,20000005,2024,H126,2970,213840.00,",
                "111222347,20000005,2024,H126,178200,213840.00,minuut",
            ),
        ],
    );
    let csv_out = dir.join("uit-csv");
    run_config(&dir.join("zn-2027.toml"), &csv_out).expect_code(0);
    assert_same_csv_outputs(&csv_out, &fixture("klein/verwacht/zn-2027"));
    for integers in [false, true] {
        claims_as_parquet(
            &dir.join("declaraties.csv"),
            &dir.join("declaraties.parquet"),
            integers,
        );
        let config = dir.join("parquet.toml");
        std::fs::write(
            &config,
            read(&dir.join("zn-2027.toml"))
                .replace("\"declaraties.csv\"", "\"declaraties.parquet\""),
        )
        .unwrap();
        let out = dir.join(format!("uit-parquet-{integers}"));
        run_config(&config, &out).expect_code(0);
        assert_same_csv_outputs(&out, &csv_out);
    }
}
