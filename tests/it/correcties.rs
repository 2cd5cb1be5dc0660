//! A scenario's corrections file (`correcties`): one provider's corrected jaarverslag moves
//! its group's RTP by the amount worked out by hand below; the same scenario without the
//! file leaves the RTP as it was; a KvK or a field the inputs do not have, and a correction
//! that breaks the claims' sums, exit 1 naming file, row, column and value; the manifest
//! lists every correction.
//!
//! The base is `klein` under hof-2024: groups by sector, R = B − L + FB − FL, NHC/NIC not
//! stripped (no NHC/NIC in GGZ: K = 0), ρ = 1, O = B, both criteria at 75%, a 0.1 point grid
//! rounded up, cap 100%. Its GGZ group has two providers, from the fixture's tables:
//!
//! | KvK      | B       | L       | FB | FL   | R    | claims                     | S       | S_max   |
//! |----------|---------|---------|----|------|------|----------------------------|---------|---------|
//! | 10000007 | 200 000 | 197 000 | 0  | 1000 | 2000 | GGZW3 600 × max 300        | 172 800 | 180 000 |
//! | 10000008 | 190 000 | 189 500 | 0  | 300  | 200  | GGZB4 2000 × max 90        | 172 800 | 180 000 |
//!
//! r* = (S + K − R) / (S_max + K):
//! - 10000007: (172 800 − 2000) / 180 000 = 170 800 / 180 000 = 94.8889%
//! - 10000008: (172 800 − 200) / 180 000 = 172 600 / 180 000 = 95.8889%
//!
//! N = 2, so ⌈0.75 · 2⌉ = 2 providers must be positive: r_aantal = the larger r*, 95.8889%.
//! O = 200 000 + 190 000 = 390 000; 75% is 292 500, reached only with both: r_omzet is the
//! larger r* too. RTP = 95.8889% rounded up to the grid = 95.9%, and 10000007 is first in
//! the break-even order, 10000008 second.
//!
//! Scenario "bezwaar": 10000008 objects that its bedrijfslasten were 180 500, not 189 500.
//! R = 190 000 − 180 500 − 300 = 9200; r* = (172 800 − 9200) / 180 000 = 163 600 / 180 000
//! = 90.8889%. Now 10000008 is first and 10000007 (94.8889%) second, and both criteria are
//! met at 94.8889%: RTP = 94.9%, 1.0 point lower. Both stay positive at their RTP; both
//! change place in the order.
//!
//! Scenario "verlies": 10000007's bedrijfslasten corrected to 230 000. R = 200 000 − 230 000
//! − 1000 = −31 000; r* = (172 800 + 31 000) / 180 000 = 203 800 / 180 000 = 113.2222%,
//! above the cap: the group is infeasible and its RTP is the cap, 100.0%. 10000007 was
//! positive at 95.9% and is not at 100%; 10000008 (95.8889%) stays positive.

use crate::common::*;
use std::path::{Path, PathBuf};

const HEADER: &str = "kvk,veld,waarde,reden,bron\n";

/// A folder with a scenarios file and its corrections files.
fn folder(scenarios: &str, files: &[(&str, &str)]) -> PathBuf {
    let dir = scratch("correcties");
    std::fs::write(dir.join("scenarios.toml"), scenarios).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

fn scenarios(dir: &Path) -> Run {
    let out = dir.join("uit");
    richttarief(
        &[
            "scenarios",
            "--config",
            "tests/fixtures/klein/hof-2024.toml",
            "--scenarios",
            dir.join("scenarios.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
        &root(),
    )
}

const SCENARIOS: &str = r#"
[[scenario]]
naam = "bezwaar"
correcties = "bezwaar-2027-014.csv"

[[scenario]]
naam = "verlies"
correcties = "verlies.csv"

[[scenario]]
naam = "zonder"
"#;

fn corrected() -> PathBuf {
    folder(
        SCENARIOS,
        &[
            (
                "bezwaar-2027-014.csv",
                &format!("{HEADER}10000008,bedrijfslasten,180500.00,dubbel geboekte afschrijving,brief van 12 maart 2027\n"),
            ),
            (
                "verlies.csv",
                &format!("{HEADER}10000007,bedrijfslasten,230000,herziene jaarrekening,accountantsverklaring\n"),
            ),
        ],
    )
}

/// The row of `records` whose columns have the values `key`.
fn row<'a>(
    records: &'a [std::collections::BTreeMap<String, String>],
    key: &[(&str, &str)],
) -> &'a std::collections::BTreeMap<String, String> {
    records
        .iter()
        .find(|r| key.iter().all(|(k, v)| r[*k] == *v))
        .unwrap_or_else(|| panic!("no row {key:?} in {records:?}"))
}

#[test]
fn a_providers_corrected_accounts_move_its_groups_rtp_as_worked_out_by_hand() {
    let dir = corrected();
    let run = scenarios(&dir);
    run.expect_code(0);
    let out = dir.join("uit");
    let groups = csv_records(&out.join("correcties_groepen.csv"));
    let ggz = row(&groups, &[("scenario", "bezwaar"), ("sector", "GGZ")]);
    assert_eq!(
        (
            ggz["rtp_zonder"].as_str(),
            ggz["rtp_met"].as_str(),
            ggz["verschil"].as_str()
        ),
        ("95.9", "94.9", "-1.0")
    );
    let ggz = row(&groups, &[("scenario", "verlies"), ("sector", "GGZ")]);
    assert_eq!(
        (ggz["rtp_zonder"].as_str(), ggz["rtp_met"].as_str()),
        ("95.9", "100.0")
    );
    // The other groups have no corrected provider: their RTP does not move.
    for sector in ["VV", "GZ"] {
        let g = row(&groups, &[("scenario", "bezwaar"), ("sector", sector)]);
        assert_eq!(g["rtp_zonder"], g["rtp_met"], "{sector}");
    }

    let providers = csv_records(&out.join("correcties_aanbieders.csv"));
    let p = |s, kvk| row(&providers, &[("scenario", s), ("kvk", kvk)]);
    let shown = |r: &std::collections::BTreeMap<String, String>| {
        [
            "gecorrigeerd",
            "plaats_zonder",
            "plaats_met",
            "breakeven_pct_zonder",
            "breakeven_pct_met",
            "positief_zonder",
            "positief_met",
            "positie_gewijzigd",
        ]
        .map(|c| r[c].clone())
    };
    assert_eq!(
        shown(p("bezwaar", "10000008")),
        ["ja", "2", "1", "95.8889", "90.8889", "ja", "ja", "ja"]
    );
    assert_eq!(
        shown(p("bezwaar", "10000007")),
        ["nee", "1", "2", "94.8889", "94.8889", "ja", "ja", "ja"]
    );
    assert_eq!(
        shown(p("verlies", "10000007")),
        ["ja", "1", "2", "94.8889", "113.2222", "ja", "nee", "ja"]
    );
    // Only GGZ providers are corrected or moved.
    assert!(
        providers
            .iter()
            .all(|r| r["groep_zonder"] == "GGZ/alle" && r["groep_met"] == "GGZ/alle"),
        "{providers:?}"
    );

    let list = csv_records(&out.join("correcties.csv"));
    let c = row(&list, &[("scenario", "bezwaar")]);
    assert_eq!(
        [
            &c["bestand"],
            &c["rij"],
            &c["kvk"],
            &c["veld"],
            &c["oud"],
            &c["waarde"],
            &c["reden"],
            &c["bron"]
        ],
        [
            "bezwaar-2027-014.csv",
            "row 2",
            "10000008",
            "bedrijfslasten",
            "189500",
            "180500",
            "dubbel geboekte afschrijving",
            "brief van 12 maart 2027"
        ]
    );
    // verschillen.csv traces the scenario's rows to its corrections file.
    let verschillen = csv_records(&out.join("verschillen.csv"));
    let v = row(
        &verschillen,
        &[("scenario", "bezwaar"), ("sleutel", "correcties")],
    );
    assert_eq!(
        (v["basis"].as_str(), v["waarde"].as_str()),
        ("", "bezwaar-2027-014.csv")
    );
    assert!(!verschillen.iter().any(|r| r["scenario"] == "zonder"));
    assert!(
        run.stdout().contains(
            "scenario bezwaar: 1 correction of bezwaar-2027-014.csv; 2 providers changed position"
        ),
        "{}",
        run.stdout()
    );
}

#[test]
fn the_same_scenario_without_corrections_leaves_the_rtp_as_it_was() {
    let dir = corrected();
    scenarios(&dir).expect_code(0);
    let out = dir.join("uit");
    // The run of klein under hof-2024 as its golden rtp.csv has it, independently.
    let rtp = csv_records(&fixture("klein/verwacht/hof-2024").join("rtp.csv"));
    let all = csv_records(&out.join("scenarios.csv"));
    let groups = csv_records(&out.join("correcties_groepen.csv"));
    for expected in &rtp {
        let key = [
            ("sector", expected["sector"].as_str()),
            ("cluster", expected["cluster"].as_str()),
        ];
        for naam in ["basis", "zonder"] {
            let mut k = vec![("scenario", naam)];
            k.extend(key);
            assert_eq!(row(&all, &k)["rtp"], expected["rtp"], "{naam} {key:?}");
        }
        let mut k = vec![("scenario", "bezwaar")];
        k.extend(key);
        assert_eq!(row(&groups, &k)["rtp_zonder"], expected["rtp"], "{key:?}");
    }
    // A scenarios file without corrections writes none of their files.
    let plain = folder("[[scenario]]\nnaam = \"zonder\"\n", &[]);
    scenarios(&plain).expect_code(0);
    assert!(!plain.join("uit/correcties.csv").exists());
}

#[test]
fn the_manifest_lists_every_correction_and_hashes_its_file() {
    use sha2::{Digest, Sha256};
    let dir = corrected();
    scenarios(&dir).expect_code(0);
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.join("uit/manifest.json"))).unwrap();
    let sha = format!(
        "{:x}",
        Sha256::digest(std::fs::read(dir.join("bezwaar-2027-014.csv")).unwrap())
    );
    let bezwaar = manifest["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["naam"] == "bezwaar")
        .unwrap();
    let c = &bezwaar["correcties"];
    assert_eq!(c["bestand"], "bezwaar-2027-014.csv");
    assert_eq!(c["sha256"], sha.as_str());
    assert_eq!(
        c["lijst"],
        serde_json::json!([{
            "rij": "row 2", "kvk": "10000008", "veld": "bedrijfslasten",
            "oud": "189500", "waarde": "180500",
            "reden": "dubbel geboekte afschrijving", "bron": "brief van 12 maart 2027"
        }])
    );
    // The file is an input of the scenario that read it, and only of that one.
    let invoer = manifest["invoer"].as_array().unwrap();
    let at = invoer
        .iter()
        .position(|i| i["rol"] == "correcties" && i["sha256"] == sha.as_str())
        .expect("the corrections file among the inputs");
    assert!(bezwaar["invoer"].as_array().unwrap().contains(&at.into()));
    let zonder = manifest["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["naam"] == "zonder")
        .unwrap();
    assert!(zonder.get("correcties").is_none());
    assert!(!zonder["invoer"].as_array().unwrap().contains(&at.into()));
}

/// Runs one scenario with `text` as its corrections file and returns stderr; exit 1.
fn refused(text: &str) -> String {
    let dir = folder(
        "[[scenario]]\nnaam = \"bezwaar\"\ncorrecties = \"bezwaar.csv\"\n",
        &[("bezwaar.csv", text)],
    );
    let run = scenarios(&dir);
    run.expect_code(1);
    assert!(!dir.join("uit").exists(), "nothing is written");
    run.stderr()
}

#[test]
fn an_unknown_kvk_or_field_exits_1_naming_file_row_column_and_value() {
    let err = refused(&format!(
        "{HEADER}10000008,bedrijfslasten,180500,a,b\n99999999,bedrijfslasten,1,a,b\n"
    ));
    assert!(
        err.contains("bezwaar.csv: row 3, column \"kvk\": 99999999 is no provider of the inputs"),
        "{err}"
    );
    let err = refused(&format!("{HEADER}10000008,omzet,180500,a,b\n"));
    assert!(
        err.contains(
            "bezwaar.csv: row 2, column \"veld\": \"omzet\" is not a field a correction can name"
        ),
        "{err}"
    );
    assert!(err.contains("scenario \"bezwaar\""), "{err}");
    let err = refused(&format!("{HEADER}10000008,bedrijfslasten,180500,,b\n"));
    assert!(err.contains("row 2, column \"reden\": empty"), "{err}");
}

#[test]
fn a_correction_that_breaks_the_claims_sums_is_refused() {
    // 10000008's S is 172 800 and D = K + X + S = 0 + 0 + 172 800: S alone cannot change.
    let err = refused(&format!("{HEADER}10000008,zorg,170000,a,b\n"));
    assert!(
        err.contains("bezwaar.csv: row 2: after the corrections of 10000008 its claims' sums no longer agree: declaraties 172800")
            && err.contains("= 170000"),
        "{err}"
    );
    // With D, Σd overig (GGZB4) and Σd GGZ corrected alike, every sum agrees and it runs.
    let dir = folder(
        "[[scenario]]\nnaam = \"bezwaar\"\ncorrecties = \"bezwaar.csv\"\n",
        &[(
            "bezwaar.csv",
            &format!("{HEADER}10000008,zorg,170000,a,b\n10000008,declaraties,170000,a,b\n10000008,declaraties_overig,170000,a,b\n10000008,declaraties_ggz,170000,a,b\n"),
        )],
    );
    scenarios(&dir).expect_code(0);
}

#[test]
fn a_corrections_workbook_reads_alike_and_names_the_cell_of_an_unknown_kvk() {
    // The bezwaar of the hand calculation as XLSX, the KvK and the value as numbers.
    let write = |kvk: f64| {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        for (c, h) in ["kvk", "veld", "waarde", "reden", "bron"]
            .iter()
            .enumerate()
        {
            sheet.write_string(0, c as u16, *h).unwrap();
        }
        sheet.write_number(1, 0, kvk).unwrap();
        sheet.write_string(1, 1, "bedrijfslasten").unwrap();
        sheet.write_number(1, 2, 180500.0).unwrap();
        sheet
            .write_string(1, 3, "dubbel geboekte afschrijving")
            .unwrap();
        sheet.write_string(1, 4, "brief").unwrap();
        let dir = folder(
            "[[scenario]]\nnaam = \"bezwaar\"\ncorrecties = \"bezwaar.xlsx\"\n",
            &[],
        );
        book.save(dir.join("bezwaar.xlsx")).unwrap();
        dir
    };
    let dir = write(10000008.0);
    scenarios(&dir).expect_code(0);
    let groups = csv_records(&dir.join("uit/correcties_groepen.csv"));
    let ggz = row(&groups, &[("sector", "GGZ")]);
    assert_eq!(
        (ggz["rtp_zonder"].as_str(), ggz["rtp_met"].as_str()),
        ("95.9", "94.9")
    );

    let dir = write(99999999.0);
    let run = scenarios(&dir);
    run.expect_code(1);
    assert!(
        run.stderr().contains(
            "bezwaar.xlsx: sheet \"Sheet1\", cell A2, column \"kvk\": 99999999 is no provider of the inputs"
        ),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_pseudonymised_bundle_takes_corrections_by_pseudonym_with_the_same_effect() {
    // klein under hof-2024, run with --pseudoniem: its bundle names providers by pseudonym.
    let dir = scratch("correcties-pseudo");
    let key = dir.join("sleutel");
    std::fs::write(&key, "7d1f0c9a2b4e6f8a1c3e5d7b9f0a2c4e\n").unwrap();
    let claims = dir.join("declaraties");
    richttarief(
        &[
            "run",
            "--config",
            "tests/fixtures/klein/hof-2024.toml",
            "--out",
            claims.to_str().unwrap(),
            "--pseudoniem",
            key.to_str().unwrap(),
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    // 10000008 is the bundle's row with its bedrijfslasten, 189 500.
    let rows = csv_records(&claims.join("controle/aggregaten.csv"));
    let pseudonym = rows
        .iter()
        .find(|r| r["bedrijfslasten"].starts_with("189500"))
        .map(|r| r["kvk"].clone())
        .expect("10000008's row");
    assert!(!pseudonym.contains("10000008"));
    let run = |correction: &str| {
        let corrections = folder(
            "[[scenario]]\nnaam = \"bezwaar\"\ncorrecties = \"bezwaar.csv\"\n",
            &[("bezwaar.csv", &format!("{HEADER}{correction}"))],
        );
        let out = corrections.join("uit");
        let run = richttarief(
            &[
                "scenarios",
                "--config",
                claims.join("controle/richttarief.toml").to_str().unwrap(),
                "--scenarios",
                corrections.join("scenarios.toml").to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
            &root(),
        );
        (run, out)
    };
    let (ok, out) = run(&format!("{pseudonym},bedrijfslasten,180500,a,b\n"));
    ok.expect_code(0);
    // The hand calculation above: 95.9% without, 94.9% with.
    let groups = csv_records(&out.join("correcties_groepen.csv"));
    let ggz = row(&groups, &[("sector", "GGZ")]);
    assert_eq!(
        (ggz["rtp_zonder"].as_str(), ggz["rtp_met"].as_str()),
        ("95.9", "94.9")
    );
    let list = csv_records(&out.join("correcties.csv"));
    assert_eq!(
        list[0]["kvk"], pseudonym,
        "the outputs name it as the bundle does"
    );
    // The bundle knows nobody by KvK: a KvK number is no provider of these inputs.
    let (refused, _) = run("10000008,bedrijfslasten,180500,a,b\n");
    refused.expect_code(1);
    assert!(
        refused
            .stderr()
            .contains("bezwaar.csv: row 2, column \"kvk\": 10000008 is no provider of the inputs"),
        "{}",
        refused.stderr()
    );
}
