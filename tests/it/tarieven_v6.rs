//! `tarieven` under the policy format of contract version 6: the contract year
//! (`[beleid] contractjaar`, `--contractjaar`) and the contracteerruimte input, on a
//! hand-made data set whose every figure is worked out in the comments.

#[allow(unused_imports)]
use crate::common::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// One GGZ prestatie at €100 a unit, without embedded capital.
const TARIEVEN: &str = "\
jaar,prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid
2024,P1,begeleiding GGZ per uur,GGZ,mpt,zorg,100.00,
";

/// One GGZ provider: P1 100 hours × €100 = €10,000 claimed (S = S_max = 10000), B = 10000,
/// L = 9000, so R = 1000. Alone in its group, its RTP is the least r with
/// R(r) = 1000 + 10000·r − 10000 ≥ 0: r = 0.9, RTP 90.0%.
const JAARVERSLAGEN: &str = "\
kvk,naam,boekjaar,bedrijfsopbrengsten,opbrengsten_wlz,bedrijfslasten,financiele_baten,financiele_lasten,sector
30000001,Ggz Eenhoorn,2024,10000.00,10000.00,9000.00,0.00,0.00,GGZ
";
const DECLARATIES: &str = "kvk,jaar,prestatiecode,aantal,bedrag\n30000001,2024,P1,100,10000.00\n";
/// Bought by VGZ, which has no GGZ policy here: P1 is paid the RTP, 90%, so its cost is
/// 100 × €100 × 0.9 = €9,000 under the policy and at the RTP alike.
const KENMERKEN: &str = "kvk,zorgkantoor\n30000001,VGZ\n";

/// A policy for a sector and zorgkantoor none of these providers has: the policy list may
/// not be empty.
const DSW_VV: &str = "zorgkantoor = \"DSW\"\nsector = \"VV\"\nperiode = \"2024-2026\"\nbron = { document = \"test\", sectie = \"geheel\" }\n[bronnen.test]\ndocument = \"Inkoopbeleid (test)\"\nuitgever = \"DSW\"\ndatum = \"2023\"\n[basis]\npercentage = 90\n";

/// VGZ's contracteerruimte: €30,000 in 2024, €36,000 in 2025; CZ's only for 2024.
const RUIMTE: &str = "zorgkantoor,jaar,bedrag\nVGZ,2024,30000\nVGZ,2025,36000.00\nCZ,2024,99000\n";

/// A scratch folder with the set, `contracteerruimte` as the file of that name (none when
/// `None`) and `beleid` as the configuration's `[beleid]` table body.
fn set(name: &str, contracteerruimte: Option<&str>, beleid: &str) -> PathBuf {
    let dir = scratch(name);
    for (file, text) in [
        ("tarieven.csv", TARIEVEN),
        ("jaarverslagen.csv", JAARVERSLAGEN),
        ("declaraties.csv", DECLARATIES),
        ("kenmerken.csv", KENMERKEN),
    ] {
        std::fs::write(dir.join(file), text).unwrap();
    }
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    std::fs::write(dir.join("beleid/dsw-vv.toml"), DSW_VV).unwrap();
    let ruimte = match contracteerruimte {
        Some(text) => {
            std::fs::write(dir.join("contracteerruimte.csv"), text).unwrap();
            "contracteerruimte = \"contracteerruimte.csv\"\n"
        }
        None => "",
    };
    let config = format!(
        "model = \"zn-2027\"\nreferentiejaar = 2024\n\n[invoer]\njaarverslagen = \"jaarverslagen.csv\"\ndeclaraties = [\"declaraties.csv\"]\ntarieven = \"tarieven.csv\"\nkenmerken = \"kenmerken.csv\"\n{ruimte}\n[beleid]\nbestanden = [\"beleid/*.toml\"]\n{beleid}"
    );
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    dir
}

fn tarieven(dir: &Path, extra: &[&str]) -> Run {
    let config = dir.join("richttarief.toml");
    let out = dir.join("uit");
    let mut args = vec![
        "tarieven",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend(extra);
    richttarief(&args, &[], &root())
}

fn manifest(dir: &Path) -> serde_json::Value {
    serde_json::from_str(&read(&dir.join("uit/manifest.json"))).unwrap()
}

// ---------------------------------------------------------------------------------------
// 1. The contract year and the contracteerruimte of that year.

#[test]
fn the_contracteerruimte_of_the_contract_year_is_set_against_the_policy_cost() {
    // contractjaar 2025: VGZ's €36,000 of 2025, of which the €9,000 is 25.00%.
    let dir = set("ruimte-2025", Some(RUIMTE), "contractjaar = 2025\n");
    let run = tarieven(&dir, &[]);
    run.expect_code(0);
    assert!(
        run.stdout().contains("contractjaar 2025"),
        "{}",
        run.stdout()
    );
    let costs = csv_records(&dir.join("uit/kosten.csv"));
    assert_eq!(costs.len(), 1, "{costs:?}");
    let vgz = &costs[0];
    assert_eq!(vgz["zorgkantoor"], "VGZ");
    assert_eq!(vgz["kosten_beleid"], "9000.00");
    assert_eq!(vgz["kosten_rtp"], "9000.00");
    assert_eq!(vgz["contracteerruimte"], "36000.00");
    assert_eq!(vgz["aandeel_contracteerruimte"], "25.00");

    // The same configuration with --contractjaar 2024: VGZ's €30,000, of which €9,000 is
    // 30.00%; the manifest records the year given on the command line.
    let run = tarieven(&dir, &["--contractjaar", "2024"]);
    run.expect_code(0);
    let vgz = &csv_records(&dir.join("uit/kosten.csv"))[0];
    assert_eq!(vgz["contracteerruimte"], "30000.00");
    assert_eq!(vgz["aandeel_contracteerruimte"], "30.00");
    let m = manifest(&dir);
    assert_eq!(m["configuratie"]["beleid"]["contractjaar"], 2024);
    assert_eq!(m["tarieven"]["contractjaar"], 2024);
    // The file is recorded as kenmerken is: its path as written, size and SHA-256.
    let bytes = RUIMTE.as_bytes();
    assert_eq!(
        m["configuratie"]["invoer"]["contracteerruimte"],
        "contracteerruimte.csv"
    );
    assert_eq!(
        m["tarieven"]["contracteerruimte"]["pad"],
        "contracteerruimte.csv"
    );
    assert_eq!(
        m["tarieven"]["contracteerruimte"]["bytes"],
        bytes.len() as u64
    );
    assert_eq!(
        m["tarieven"]["contracteerruimte"]["sha256"],
        format!("{:x}", Sha256::digest(bytes))
    );

    // 2026 has no row for VGZ: no contracteerruimte and no share, not 0.
    let run = tarieven(&dir, &["--contractjaar", "2026"]);
    run.expect_code(0);
    let vgz = &csv_records(&dir.join("uit/kosten.csv"))[0];
    assert_eq!(vgz["contracteerruimte"], "");
    assert_eq!(vgz["aandeel_contracteerruimte"], "");
}

#[test]
fn the_contract_year_defaults_to_the_reference_year_and_the_input_is_optional() {
    // Neither key: contractjaar is referentiejaar 2024, shown in the tarieven manifest and
    // the summary, and the configuration's [beleid] shows only the policy files.
    let dir = set("ruimte-geen", None, "");
    let run = tarieven(&dir, &[]);
    run.expect_code(0);
    assert!(
        run.stdout()
            .contains("referentiejaar 2024, contractjaar 2024"),
        "{}",
        run.stdout()
    );
    let m = manifest(&dir);
    assert_eq!(m["tarieven"]["contractjaar"], 2024);
    assert!(m["tarieven"].get("contracteerruimte").is_none(), "{m}");
    assert!(m["configuratie"]["invoer"]
        .get("contracteerruimte")
        .is_none());
    let vgz = &csv_records(&dir.join("uit/kosten.csv"))[0];
    assert_eq!(
        (
            vgz["contracteerruimte"].as_str(),
            vgz["aandeel_contracteerruimte"].as_str()
        ),
        ("", "")
    );
}

// ---------------------------------------------------------------------------------------
// 2. Refused: a contract year that is not a year, and each kind of bad contracteerruimte.

#[test]
fn an_implausible_contract_year_is_refused_naming_the_key_or_the_flag() {
    let dir = set("contractjaar-fout", None, "contractjaar = 20257\n");
    let run = tarieven(&dir, &[]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("beleid.contractjaar = 20257: not a plausible year"),
        "{}",
        run.stderr()
    );
    assert!(!dir.join("uit").exists());
    // A mistyped year on the command line is wrong usage: exit code 2, naming the flag.
    let dir = set("contractjaar-vlag", None, "");
    let run = tarieven(&dir, &["--contractjaar", "20257"]);
    run.expect_code(2);
    assert!(run.stderr().contains("--contractjaar"), "{}", run.stderr());
    assert!(run.stderr().contains("20257"), "{}", run.stderr());
}

#[test]
fn a_bad_contracteerruimte_is_refused_naming_file_row_column_and_value() {
    for (name, text, expected) in [
        (
            "twee-keer",
            "zorgkantoor,jaar,bedrag\nVGZ,2024,30000\nCZ,2024,1\nvgz,2024,31000\n",
            "row 4, column \"zorgkantoor\": \"VGZ\" for 2024 again (first in row 2)",
        ),
        (
            "onbekend",
            "zorgkantoor,jaar,bedrag\nAchmea,2024,30000\n",
            "row 2, column \"zorgkantoor\": unknown zorgkantoor \"Achmea\"",
        ),
        (
            "negatief",
            "zorgkantoor,jaar,bedrag\nVGZ,2024,-30000.50\n",
            "row 2, column \"bedrag\": -30000.5 is negative",
        ),
        (
            "geen-jaar",
            "zorgkantoor,jaar,bedrag\nVGZ,20244,30000\n",
            "row 2, column \"jaar\": 20244 is not a plausible year",
        ),
        (
            "leeg",
            "zorgkantoor,jaar,bedrag\nVGZ,2024,\n",
            "row 2, column \"bedrag\": empty, a value is required",
        ),
        ("kolom", "zorgkantoor,bedrag\nVGZ,30000\n", "jaar"),
    ] {
        let dir = set(&format!("ruimte-{name}"), Some(text), "");
        let run = tarieven(&dir, &[]);
        run.expect_code(1);
        let err = run.stderr();
        assert!(err.contains("contracteerruimte.csv"), "{name}: {err}");
        assert!(err.contains(expected), "{name}: {err}");
        assert!(!dir.join("uit").exists(), "{name}");
    }
    // A file the configuration names but that is not there: the key and the path.
    let dir = set("ruimte-weg", Some(RUIMTE), "");
    std::fs::remove_file(dir.join("contracteerruimte.csv")).unwrap();
    let run = tarieven(&dir, &[]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("invoer.contracteerruimte = \"contracteerruimte.csv\": no such file"),
        "{}",
        run.stderr()
    );
}

#[test]
fn the_contracteerruimte_may_be_a_workbook_with_renamed_columns() {
    // The same rows as RUIMTE's VGZ 2024 under other headers, read through
    // [kolommen.contracteerruimte], as XLSX: 30.00% of €30,000, as from the CSV.
    let dir = set("ruimte-xlsx", None, "");
    let path = dir.join("ruimte.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Zorgkantoor", "Jaar", "Contracteerruimte"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, "VGZ").unwrap();
    sheet.write_number(1, 1, 2024.0).unwrap();
    sheet.write_number(1, 2, 30000.0).unwrap();
    book.save(&path).unwrap();
    let config = read(&dir.join("richttarief.toml")).replace(
        "kenmerken = \"kenmerken.csv\"\n",
        "kenmerken = \"kenmerken.csv\"\ncontracteerruimte = \"ruimte.xlsx\"\n",
    ) + "\n[kolommen.contracteerruimte]\nbedrag = \"Contracteerruimte\"\n";
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    tarieven(&dir, &[]).expect_code(0);
    let vgz = &csv_records(&dir.join("uit/kosten.csv"))[0];
    assert_eq!(vgz["contracteerruimte"], "30000.00");
    assert_eq!(vgz["aandeel_contracteerruimte"], "30.00");
}
