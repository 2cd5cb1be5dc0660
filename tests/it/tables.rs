//! Every output from one typed table: a workbook's cells have the types their CSV columns
//! promise and hold the CSVs' numbers, the page writes amounts and percentages as Dutch
//! readers do, and each command's manifest keeps its own settings under a key of its own.

use std::path::{Path, PathBuf};

use calamine::{open_workbook, Data, Reader, Xlsx};

use crate::common::*;

/// Runs `command` on the sample data into a fresh folder, and returns the folder.
fn on_sample(command: &str, extra: &[&str]) -> PathBuf {
    let out = scratch(&format!("tables-{command}")).join("uit");
    let config = root().join("data/voorbeeld/richttarief.toml");
    let mut args = vec![
        command,
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    richttarief(&args, &[], &root()).expect_code(0);
    out
}

fn manifest(out: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&out.join("manifest.json"))).unwrap()
}

#[test]
fn each_command_keeps_its_settings_under_its_own_key() {
    let tarieven = manifest(&on_sample("tarieven", &[]));
    assert!(
        tarieven.get("gevoeligheid").is_none(),
        "tarieven is no sensitivity analysis: {tarieven}"
    );
    let settings = &tarieven["tarieven"];
    let policies = settings["beleid"].as_array().expect("the policy files");
    assert!(
        policies
            .iter()
            .any(|p| p["pad"].as_str().unwrap().ends_with("cz-vv-2024-2026.toml")),
        "{settings}"
    );
    let kenmerken = &settings["kenmerken"];
    assert!(
        kenmerken["pad"]
            .as_str()
            .unwrap()
            .ends_with("kenmerken.csv"),
        "{settings}"
    );
    assert_eq!(kenmerken["sha256"].as_str().unwrap().len(), 64);

    let sensitivity = manifest(&on_sample("sensitivity", &["--resamples", "20"]));
    assert!(sensitivity.get("tarieven").is_none(), "{sensitivity}");
    assert_eq!(sensitivity["gevoeligheid"]["trekkingen"], 20);

    let run = manifest(&on_sample("run", &[]));
    for key in ["gevoeligheid", "tarieven"] {
        assert!(run.get(key).is_none(), "run has no {key}: {run}");
    }
}

/// Columns whose CSV value is a percentage: the workbook holds the fraction (value ÷ 100).
const PERCENT: &[&str] = &[
    "rtp_aantal",
    "rtp_omzet",
    "rtp",
    "aandeel_aanbieders_positief",
    "aandeel_omzet_positief",
    "intramuraal_aandeel",
    "gerealiseerd_pct",
    "breakeven_pct",
    "percentage",
    "marge_bij_tarief",
    "drempel",
    "verschil_pct",
    "aandeel_contracteerruimte",
    "marge",
];

/// Columns of words and identifiers: the workbook holds the same text, never a number
/// (a KvK or a prestatiecode keeps its leading zero, a configuration value its digits).
const TEXT: &[&str] = &[
    "scenario",
    "kvk",
    "naam",
    "sector",
    "cluster",
    "bindend",
    "haalbaar",
    "voldaan",
    "positief",
    "reden",
    "zorgkantoor",
    "prestatiecode",
    "component",
    "beleid",
    "regels",
    "zorgkantoren",
    "hardheidsclausule",
    "status",
    "toelichting",
    "bedrag_naam",
    "soort",
    "berekening",
    "bron",
    "gesprek",
    "criteria",
    "uiterlijk",
    "sleutel",
    "basis",
    "waarde",
];

/// Asserts that `sheet` of `workbook`, from row `top` (its header) on, holds the CSV file
/// `csv`: the same header, then each field as its column's kind: text as the same text, a
/// number as the same number (to 1e-9 of it), a percentage as the fraction, an infinite
/// break-even as its word, and an empty field as an empty cell.
fn assert_sheet_is_csv(workbook: &Path, sheet: &str, top: u32, csv: &Path) {
    let mut wb: Xlsx<_> = open_workbook(workbook).unwrap();
    let range = wb.worksheet_range(sheet).unwrap();
    let mut reader = csv::Reader::from_path(csv).unwrap();
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    for (c, name) in header.iter().enumerate() {
        assert_eq!(
            range.get_value((top, c as u32)),
            Some(&Data::String(name.clone())),
            "{sheet} header"
        );
    }
    let mut rows = 0;
    for (i, record) in reader.records().enumerate() {
        rows += 1;
        let r = top + 1 + i as u32;
        for (c, field) in record.unwrap().iter().enumerate() {
            let name = header[c].as_str();
            let got = range.get_value((r, c as u32)).unwrap_or(&Data::Empty);
            let place = format!("{sheet} row {r} column {name}: {got:?} for {field:?}");
            if field.is_empty() {
                assert_eq!(got, &Data::Empty, "{place}");
            } else if TEXT.contains(&name) || field.ends_with("inf") {
                assert_eq!(got, &Data::String(field.to_string()), "{place}");
            } else {
                let Data::Float(x) = got else {
                    panic!("not a number: {place}")
                };
                let expected: f64 = field.parse().unwrap();
                let x = if PERCENT.contains(&name) {
                    x * 100.0
                } else {
                    *x
                };
                assert!(
                    (x - expected).abs() <= 1e-9 * expected.abs().max(1.0),
                    "{place}"
                );
            }
        }
    }
    assert_eq!(
        range.end().map(|(r, _)| r),
        Some(top + rows),
        "{sheet} ends with the CSV's last row"
    );
}

#[test]
fn the_workbooks_hold_the_csv_files_cell_by_cell_with_their_types() {
    let run = on_sample("run", &[]);
    let workbook = run.join("rapport.xlsx");
    assert_sheet_is_csv(&workbook, "Samenvatting", 3, &run.join("rtp.csv"));
    assert_sheet_is_csv(&workbook, "Aanbieders", 0, &run.join("aanbieders.csv"));
    assert_sheet_is_csv(&workbook, "Uitgesloten", 0, &run.join("uitgesloten.csv"));

    let tarieven = on_sample("tarieven", &[]);
    for (sheet, file) in [
        ("Tarieven", "tarieven.csv"),
        ("Resultaten", "resultaten.csv"),
        ("Kosten", "kosten.csv"),
        ("Hardheidsclausule", "hardheidsclausule.csv"),
        ("Gesprek", "gesprek.csv"),
        ("Zonder_tarief", "zonder_tarief.csv"),
    ] {
        assert_sheet_is_csv(
            &tarieven.join("tarieven.xlsx"),
            sheet,
            0,
            &tarieven.join(file),
        );
    }

    let scenarios = on_sample(
        "scenarios",
        &["--scenarios", "data/voorbeeld/scenarios.toml"],
    );
    let workbook = scenarios.join("scenarios.xlsx");
    assert_sheet_is_csv(&workbook, "Scenarios", 0, &scenarios.join("scenarios.csv"));
    assert_sheet_is_csv(
        &workbook,
        "Verschillen",
        0,
        &scenarios.join("verschillen.csv"),
    );
}

/// A CSV number as Dutch readers write it, by hand: the decimal point becomes a comma
/// and a point goes between each three digits of the whole part.
fn dutch(csv: &str) -> String {
    let (sign, digits) = csv.strip_prefix('-').map_or(("", csv), |d| ("-", d));
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut groups: Vec<&str> = Vec::new();
    let mut end = whole.len();
    while end > 3 {
        groups.insert(0, &whole[end - 3..end]);
        end -= 3;
    }
    groups.insert(0, &whole[..end]);
    let mut out = format!("{sign}{}", groups.join("."));
    if !fraction.is_empty() {
        out = format!("{out},{fraction}");
    }
    out
}

#[test]
fn the_page_writes_amounts_and_percentages_as_dutch_readers_do() {
    assert_eq!(dutch("5138880.12"), "5.138.880,12");
    assert_eq!(dutch("-1234.5"), "-1.234,5");
    assert_eq!(dutch("999"), "999");
    let out = scratch("tables-html").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    let html = read(&out.join("rapport.html"));
    let mut reader = csv::Reader::from_path(out.join("rtp.csv")).unwrap();
    for record in reader.records() {
        let row = record.unwrap();
        // sector, cluster, aanbieders, omzet, rtp_aantal, rtp_omzet, rtp, ...
        let expected = format!(
            "<td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">€ {}</td>",
            &row[0],
            &row[1],
            &row[2],
            dutch(&row[3])
        );
        assert!(html.contains(&expected), "{expected}\n{html}");
        let rtp = format!("RTP <strong>{}%</strong>", dutch(&row[6]));
        assert!(html.contains(&rtp), "{rtp}");
        let shares = format!(
            "heeft {}% van de aanbieders, met {}% van de omzet",
            dutch(&row[9]),
            dutch(&row[10])
        );
        assert!(html.contains(&shares), "{shares}");
    }
}
