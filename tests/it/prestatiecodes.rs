//! The shipped reference list of Wlz prestatiecodes (`data/prestatiecodes/`): its shapes
//! follow the code list's own rules, re-derived here from the codes alone, and every code the
//! generator and the sample data use is in it with the unit a claim line counts.

use crate::common::*;
use std::collections::BTreeMap;
use std::io::Read;

/// Codes the shipped policies name that are newer than the 2019 edition of code list 055:
/// the generator's table carries them so that the policies load, and the list cannot.
const NEWER_THAN_THE_LIST: [&str; 3] = ["H138", "H139", "H306"];

type Row = BTreeMap<String, String>;

/// The reference list by code.
fn reference() -> BTreeMap<String, Row> {
    let rows = csv_records(&root().join("data/prestatiecodes/prestatiecodes.csv"));
    let n = rows.len();
    let by_code: BTreeMap<String, Row> = rows
        .into_iter()
        .map(|r| (r["prestatiecode"].clone(), r))
        .collect();
    assert_eq!(by_code.len(), n, "a code twice in the reference list");
    by_code
}

/// The rows of a CSV file whose `#` lines are comments.
fn commented_csv(path: &std::path::Path) -> Vec<Row> {
    let mut r = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_path(path)
        .unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// The contract's sector of a zzp or VPT code's sector digit, as the code list numbers the
/// sectors: 0 and 1 V&V (zzp 1-10), 2 GGZ-B, 4 VG, 5 (S)LVG, 6 LG, 7 ZG auditief, 8 ZG visueel.
fn sector_of_digit(digit: char) -> &'static str {
    match digit {
        '0' | '1' => "VV",
        '2' => "GGZ",
        '4'..='8' => "GZ",
        other => panic!("no sector has digit {other}"),
    }
}

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// What the shape of a code says, independently of the list's own columns:
/// (toewijzing, leveringsvorm, sector).
fn shape(code: &str) -> (&'static str, &'static str, String) {
    let (head, tail) = code.split_at(1);
    let none = String::new();
    match head {
        "Z" | "V" if tail.len() == 3 && digits(tail) && !tail.starts_with('9') => {
            let sector = sector_of_digit(tail.chars().next().unwrap()).to_string();
            if head == "Z" {
                ("zzp-dag", "intramuraal", sector)
            } else {
                ("vpt-dag", "vpt", sector)
            }
        }
        "Z" if (tail.len() == 3 && digits(tail)) || (tail.len() == 4 && digits(tail)) => {
            ("zzp-toeslag", "intramuraal", none)
        }
        "Z" if tail.starts_with("MZ") && digits(&tail[2..]) => ("zzp-toeslag", "intramuraal", none),
        "V" if tail.len() == 3 && digits(tail) => ("vpt-toeslag", "vpt", none),
        "W" => {
            // Waardigheid en Trots tops up a zzp (WZ) or VPT (WV) code: its digits are that
            // code's, so its sector is the digit after the letter.
            let (kind, rest) = tail.split_at(1);
            assert!(rest.len() == 3 && digits(rest), "{code}");
            let sector = sector_of_digit(rest.chars().next().unwrap()).to_string();
            match kind {
                "Z" => ("wt-opslag", "intramuraal", sector),
                "V" => ("wt-opslag", "vpt", sector),
                _ => panic!("{code}"),
            }
        }
        "H" if tail.len() == 3 && digits(tail) => ("mpt", "mpt", none),
        "I" | "M" if tail.len() == 3 && digits(tail) => ("zzp-toeslag", "intramuraal", none),
        "S" | "F" if tail.len() == 3 && digits(tail) => ("overig", "overig", none),
        _ if code == "NTFM" => ("overig", "overig", none),
        _ => panic!("{code}: no shape of the code list"),
    }
}

/// The unit a code's shape and description lead one to expect, where the code list's shapes
/// fix it; None where the shape allows several.
fn unit_of_shape(code: &str, omschrijving: &str) -> Option<&'static str> {
    let (toewijzing, _, _) = shape(code);
    let vervoer = omschrijving.to_lowercase().starts_with("vervoer");
    match toewijzing {
        "zzp-dag" | "vpt-dag" | "wt-opslag" => Some("etmaal"),
        _ if ["H132", "H180"].contains(&code) => Some("dagdeel"),
        _ if ["H321", "H337", "I001", "I002", "M001", "M002"].contains(&code) => Some("stuk"),
        _ if ["Z981", "V981"].contains(&code) => Some("minuut"),
        _ if ["Z913", "Z914", "Z915", "Z919"].contains(&code) => Some("dagdeel"),
        "mpt" if code.starts_with("H1") || code.starts_with("H3") => Some("minuut"),
        "mpt" if vervoer => Some("etmaal"),
        "mpt" => Some("dagdeel"),
        "zzp-toeslag" if code.starts_with('Z') => Some("etmaal"),
        _ => None,
    }
}

#[test]
fn the_reference_list_follows_the_shapes_of_the_code_list() {
    let list = reference();
    // Code list 055, uitgave 22_v1: 475 codes valid on 1 January 2019.
    assert_eq!(list.len(), 475);
    for (code, row) in &list {
        assert!(code.len() <= 5, "{code}: AW319 field 0417 is AN5");
        let (toewijzing, vorm, sector) = shape(code);
        assert_eq!(row["toewijzing"], toewijzing, "{code}");
        assert_eq!(row["leveringsvorm"], vorm, "{code}");
        assert_eq!(row["sector"], sector, "{code}");
        if let Some(unit) = unit_of_shape(code, &row["omschrijving"]) {
            assert_eq!(row["eenheid"], unit, "{code} {}", row["omschrijving"]);
        }
        assert!(
            ["etmaal", "dagdeel", "minuut", "uur", "stuk", ""].contains(&row["eenheid"].as_str()),
            "{code}"
        );
        let date = &row["geldig_vanaf"];
        assert!(
            date.len() == 10 && date.as_str() <= "2019-01-01",
            "{code}: {date}"
        );
        assert_eq!(row["geldig_tot"], "", "{code}: the list holds valid codes");
    }
    // Rows of the published list, by hand (description, unit, validity).
    for (code, omschrijving, eenheid, vanaf, sector) in [
        (
            "Z053",
            "Per dag ZZP 5VV incl.BH incl.DB",
            "etmaal",
            "2010-01-01",
            "VV",
        ),
        (
            "V051",
            "Per dag VPT 5VV excl.BH incl.DB",
            "etmaal",
            "2010-01-01",
            "VV",
        ),
        (
            "Z280",
            "Per dag ZZP klinisch intensieve beh.",
            "etmaal",
            "2010-01-01",
            "GGZ",
        ),
        (
            "Z457",
            "ZZP 5VG (incl.BH incl.DB)",
            "etmaal",
            "2011-01-01",
            "GZ",
        ),
        ("Z1003", "Logeren VV", "etmaal", "2017-01-01", ""),
        ("ZMZ01", "ZZP-Meerzorg", "etmaal", "2019-01-01", ""),
        (
            "H126",
            "Persoonlijke verzorging",
            "minuut",
            "2011-01-01",
            "",
        ),
        ("H132", "Nachtverzorging", "dagdeel", "2011-01-01", ""),
        (
            "H321",
            "Reiskosten prestaties Behandeling (H325-H333)",
            "stuk",
            "2011-01-01",
            "",
        ),
        (
            "H903",
            "Dagbesteding vg-midden vg5",
            "dagdeel",
            "2018-01-01",
            "",
        ),
        ("F125", "Dagactiviteit -LZA", "uur", "2010-01-01", ""),
        (
            "NTFM",
            "NHC voor toeslag forensische zorg zonder strafrechterlijke titel",
            "",
            "2013-01-01",
            "",
        ),
    ] {
        let row = &list[code];
        assert_eq!(
            (
                row["omschrijving"].as_str(),
                row["eenheid"].as_str(),
                row["geldig_vanaf"].as_str(),
                row["sector"].as_str()
            ),
            (omschrijving, eenheid, vanaf, sector),
            "{code}"
        );
    }
    // Expired codes are not in it: the separate NHC codes ended on 2017-12-31.
    assert!(!list.contains_key("X181"));
    for code in NEWER_THAN_THE_LIST {
        assert!(!list.contains_key(code), "{code} is in the list after all");
    }
}

/// The unit a count in `claimed` converts into `tariff` by: only units of time convert.
fn converts(claimed: &str, tariff: &str) -> bool {
    let time = ["minuut", "kwartier", "uur"];
    claimed == tariff || (time.contains(&claimed) && time.contains(&tariff))
}

#[test]
fn the_generator_and_the_sample_use_listed_codes_in_their_units() {
    let list = reference();
    let listed = |code: &str| -> Option<&Row> {
        if NEWER_THAN_THE_LIST.contains(&code) {
            return None;
        }
        Some(
            list.get(code)
                .unwrap_or_else(|| panic!("{code} is not in the reference list")),
        )
    };
    // The generator's table: the claimed unit is the list's; the tariff's converts into it;
    // a sector the code itself states, and the leveringsvorm of its shape, are kept.
    let table = commented_csv(&root().join("src/generate/tarieven.csv"));
    assert!(!table.is_empty());
    for t in &table {
        let code = t["prestatiecode"].as_str();
        assert!(code.len() <= 5, "{code}: AW319 field 0417 is AN5");
        let claimed = match t["declaratie_eenheid"].as_str() {
            "" => t["eenheid"].as_str(),
            u => u,
        };
        let Some(r) = listed(code) else {
            assert_eq!(claimed, "minuut", "{code}: the unit of H1xx/H3xx codes");
            continue;
        };
        assert_eq!(claimed, r["eenheid"], "{code}");
        assert!(converts(claimed, &t["eenheid"]), "{code}");
        assert_eq!(t["leveringsvorm"], r["leveringsvorm"], "{code}");
        if !r["sector"].is_empty() {
            assert_eq!(t["sector"], r["sector"], "{code}");
        }
        // NHC and NIC sit in the integral zzp and VPT day tariffs, on `zorg` rows.
        if ["zzp-dag", "vpt-dag"].contains(&r["toewijzing"].as_str()) {
            assert_eq!(t["component"], "zorg", "{code}");
            assert!(!t["kapitaal_per_eenheid"].is_empty(), "{code}: NHC and NIC");
        }
    }

    // The sample's tariff table, as the pipeline reads it.
    let voorbeeld = root().join("data/voorbeeld");
    let tariffs = csv_records(&voorbeeld.join("tarieven.csv"));
    assert_eq!(tariffs.len(), table.len());
    let mut tariff_unit = BTreeMap::new();
    for t in &tariffs {
        let code = t["prestatiecode"].as_str();
        if let Some(r) = listed(code) {
            assert!(converts(&r["eenheid"], &t["eenheid"]), "{code}");
        }
        tariff_unit.insert(code.to_string(), t["eenheid"].clone());
    }

    // The sample's claims: every line's unit is the list's, and converts into its tariff's.
    let mut gz = Vec::new();
    flate2::read::GzDecoder::new(
        std::fs::File::open(voorbeeld.join("declaraties.csv.gz")).unwrap(),
    )
    .read_to_end(&mut gz)
    .unwrap();
    let mut claims = csv::Reader::from_reader(gz.as_slice());
    let headers = claims.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (code_at, unit_at) = (at("prestatiecode"), at("eenheid"));
    let mut lines = 0;
    let mut minutes = 0;
    for rec in claims.records() {
        let rec = rec.unwrap();
        let (code, unit) = (&rec[code_at], &rec[unit_at]);
        let r = listed(code).unwrap_or_else(|| panic!("{code} is claimed but not listed"));
        assert_eq!(unit, r["eenheid"], "{code}");
        assert!(converts(unit, &tariff_unit[code]), "{code}");
        lines += 1;
        minutes += usize::from(unit == "minuut");
    }
    assert_eq!(lines, 12_000);
    assert!(minutes > 0, "modular care is claimed in minutes");
}
