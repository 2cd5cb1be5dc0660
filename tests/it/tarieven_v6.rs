//! `tarieven` under the policy format of contract version 6: the contract year
//! (`[beleid] contractjaar`, `--contractjaar`) and the contracteerruimte input, on a
//! hand-made data set whose every figure is worked out in the comments.

#[allow(unused_imports)]
use crate::common::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
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

// ---------------------------------------------------------------------------------------
// 3. Policy format 6 on the `tarieven_v6` fixture: five hand-made providers, each with R =
//    4% of its claims and every tariff €100 a unit, so both groups' RTP is 96.0% (at 96%
//    every R(r) = 0.04·S + 0.96·S − S = 0, below it every one is negative). Contract year
//    2025. The policies are written here:
//    - CZ V&V 2024-2026: 95%; the mpt of a new provider not contracted; a hardship clause.
//    - DSW V&V 2024-2026: 95%; no hardship clause (`geen = true`).
//    - VGZ V&V 2024-2026: the RTP; €500 per client moving out; a budget of 1% of the
//      contracteerruimte. VGZ V&V 2022: 90%, out of force in 2025.
//    - Menzis GZ 2024-2026: the RTP; a conversation with a provider above 5% margin at its
//      tariffs or with at least 10% mpt growth.

/// A policy file's head: zorgkantoor, sector, periode, its source and `[bronnen.test]`.
fn head(zorgkantoor: &str, sector: &str, periode: &str) -> String {
    format!(
        "zorgkantoor = \"{zorgkantoor}\"\nsector = \"{sector}\"\nperiode = \"{periode}\"\nbron = {{ document = \"test\", sectie = \"geheel\" }}\n\n[bronnen.test]\ndocument = \"Inkoopbeleid Wlz (test)\"\nuitgever = \"{zorgkantoor}\"\ndatum = \"2023\"\n\n"
    )
}

fn policies() -> Vec<(&'static str, String)> {
    vec![
        (
            "cz-vv.toml",
            head("CZ", "VV", "2024-2026")
                + "[basis]\npercentage = 95\n\n\
                   [[regel]]\nnaam = \"nieuwe-aanbieder-mpt\"\nbron = { document = \"test\", sectie = \"§3\" }\nniet_gecontracteerd = true\nleveringsvorm = [\"mpt\"]\nals = { nieuwe_aanbieder = true }\n\n\
                   [hardheidsclausule]\ncriteria = [\"onverwacht effect van de tariefsystematiek\", \"financiële positie\"]\nuiterlijk = \"2025-09-01\"\nbron = { document = \"test\", sectie = \"§9\" }\n",
        ),
        (
            "dsw-vv.toml",
            head("DSW", "VV", "2024-2026")
                + "[basis]\npercentage = 95\n\n\
                   [hardheidsclausule]\ngeen = true\nbron = { document = \"test\", sectie = \"§9\" }\n",
        ),
        (
            "vgz-vv.toml",
            head("VGZ", "VV", "2024-2026")
                + "[basis]\nrtp = true\n\n\
                   [[bedrag]]\nnaam = \"extramuralisering\"\nsoort = \"per_client\"\nbedrag = 500\naantal_kenmerk = \"clienten_extramuraal\"\nbron = { document = \"test\", sectie = \"§5\" }\n\n\
                   [[bedrag]]\nnaam = \"innovatie\"\nsoort = \"budget\"\naandeel_contracteerruimte = 0.01\nbron = { document = \"test\", sectie = \"§6\" }\n",
        ),
        (
            "vgz-vv-2022.toml",
            head("VGZ", "VV", "2022") + "[basis]\npercentage = 90\n",
        ),
        (
            "menzis-gz.toml",
            head("Menzis", "GZ", "2024-2026")
                + "[basis]\nrtp = true\n\n\
                   [[gesprek]]\nnaam = \"hoog-resultaat-of-groei\"\nals_een_van = [ { resultaatmarge_bij_tarief = { boven = 0.05 } }, { mpt_groei = { minimaal = 0.10 } } ]\nbron = { document = \"test\", sectie = \"§8\" }\n",
        ),
    ]
}

/// A copy of the fixture with the policies above, and `tarieven` run on it (with `extra`
/// arguments); exits 0.
fn v6(extra: &[&str]) -> (PathBuf, Run) {
    let dir = copy_fixture("tarieven_v6");
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    for (file, text) in policies() {
        std::fs::write(dir.join("beleid").join(file), text).unwrap();
    }
    let run = tarieven(&dir, extra);
    run.expect_code(0);
    (dir, run)
}

/// The rows of `file` in the output whose `column` is `value`.
fn rows_where(dir: &Path, file: &str, column: &str, value: &str) -> Vec<BTreeMap<String, String>> {
    csv_records(&dir.join("uit").join(file))
        .into_iter()
        .filter(|r| r[column] == value)
        .collect()
}

fn only(mut rows: Vec<BTreeMap<String, String>>) -> BTreeMap<String, String> {
    assert_eq!(rows.len(), 1, "{rows:?}");
    rows.remove(0)
}

#[test]
fn a_prestatie_not_contracted_shows_no_percentage_keeps_its_cost_apart_and_gives_no_result() {
    let (dir, _) = v6(&[]);
    let lines = rows_where(&dir, "tarieven.csv", "kvk", "10000001");
    // V1 at CZ's 95%: 100 days × €100 × 0.95 = €9,500; at the RTP 96%: €9,600.
    let v1 = only(
        lines
            .iter()
            .filter(|l| l["prestatiecode"] == "V1")
            .cloned()
            .collect(),
    );
    assert_eq!(
        (
            v1["percentage"].as_str(),
            v1["status"].as_str(),
            v1["kosten_beleid"].as_str(),
            v1["kosten_rtp"].as_str()
        ),
        ("95.00", "gecontracteerd", "9500.00", "9600.00")
    );
    // H1, the mpt of a new provider: not contracted. No percentage (never 0%), nothing
    // paid, and its cost at the RTP kept: 20 hours × €100 × 0.96 = €1,920.
    let h1 = only(
        lines
            .iter()
            .filter(|l| l["prestatiecode"] == "H1")
            .cloned()
            .collect(),
    );
    assert_eq!(
        (
            h1["percentage"].as_str(),
            h1["status"].as_str(),
            h1["kosten_beleid"].as_str(),
            h1["kosten_rtp"].as_str()
        ),
        ("", "niet gecontracteerd", "0.00", "1920.00")
    );
    assert_eq!(h1["regels"], "nieuwe-aanbieder-mpt: niet gecontracteerd");
    // No result at its tariffs: R = 480 and R(RTP) = 480 + 0.96·12000 − 12000 = 0 are
    // known, the result at the tariffs is not, and the toelichting says why.
    let r = only(rows_where(&dir, "resultaten.csv", "kvk", "10000001"));
    assert_eq!(
        (
            r["resultaat"].as_str(),
            r["resultaat_bij_rtp"].as_str(),
            r["resultaat_bij_tarief"].as_str(),
            r["hardheidsclausule"].as_str()
        ),
        ("480.00", "0.00", "", "")
    );
    assert!(
        r["toelichting"].contains("CZ H1 niet gecontracteerd (nieuwe-aanbieder-mpt)"),
        "{r:?}"
    );
    assert!(rows_where(&dir, "hardheidsclausule.csv", "kvk", "10000001").is_empty());
    assert!(rows_where(&dir, "gesprek.csv", "kvk", "10000001").is_empty());
    // CZ pays A's V1 €9,500 and C's 60% of V1 (60 days × €100 × 0.95 = €5,700): €15,200.
    // At the RTP: 9,600 + 1,920 + 5,760 = €17,280, of which €1,920 not contracted. The
    // difference is on what CZ pays: 15,200 − (17,280 − 1,920) = −160, −160 ÷ 15,360 =
    // −1.04%; not the −2,080 a comparison with every prestatie would show.
    let cz = only(rows_where(&dir, "kosten.csv", "zorgkantoor", "CZ"));
    assert_eq!(
        [
            &cz["aanbieders"],
            &cz["kosten_beleid"],
            &cz["kosten_rtp"],
            &cz["niet_gecontracteerd_rtp"],
            &cz["verschil"],
            &cz["verschil_pct"],
        ],
        ["2", "15200.00", "17280.00", "1920.00", "-160.00", "-1.04"]
    );
    let explained = richttarief(
        &[
            "explain",
            "--config",
            dir.join("richttarief.toml").to_str().unwrap(),
            "--kvk",
            "10000001",
        ],
        &[],
        &root(),
    );
    explained.expect_code(0);
    let text = explained.stdout();
    assert!(
        text.contains("nieuwe-aanbieder-mpt: niet gecontracteerd"),
        "{text}"
    );
    assert!(text.contains("no result at these tariffs"), "{text}");
    assert!(!text.contains("0.00%  nieuwe-aanbieder-mpt"), "{text}");
}

#[test]
fn an_amount_per_client_enters_the_result_and_the_cost_at_face_value() {
    let (dir, _) = v6(&[]);
    // 3 clients × €500 = €1,500, for B (VGZ).
    let a = only(rows_where(&dir, "bedragen.csv", "kvk", "10000002"));
    assert_eq!(
        [
            &a["zorgkantoor"],
            &a["beleid"],
            &a["naam"],
            &a["bedrag_naam"],
            &a["soort"],
            &a["bedrag"]
        ],
        [
            "VGZ",
            "beleid/vgz-vv.toml",
            "Buitenhof",
            "extramuralisering",
            "per_client",
            "1500.00"
        ]
    );
    assert_eq!(a["berekening"], "3 × € 500 = € 1.500");
    assert_eq!(a["bron"], "VGZ, Inkoopbeleid Wlz (test) (2023), §5");
    // B: V1 200 days at VGZ's RTP 96%: R_t = 800 + 0.96·20000 − 20000 = 0, plus the
    // €1,500 at face value: 1,500; margin 1500 ÷ O 20000 = 7.50%.
    let r = only(rows_where(&dir, "resultaten.csv", "kvk", "10000002"));
    assert_eq!(
        [
            &r["resultaat"],
            &r["resultaat_bij_rtp"],
            &r["bedragen"],
            &r["resultaat_bij_tarief"],
            &r["marge_bij_tarief"],
            &r["hardheidsclausule"],
            &r["toelichting"]
        ],
        ["800.00", "0.00", "1500.00", "1500.00", "7.50", "nee", ""]
    );
}

#[test]
fn a_budget_is_its_share_of_the_contracteerruimte_of_the_contract_year() {
    let (dir, run) = v6(&[]);
    // VGZ's budget: 1% of its contracteerruimte of 2025, €1,000,000: €10,000, no provider.
    let b = only(rows_where(&dir, "bedragen.csv", "bedrag_naam", "innovatie"));
    assert_eq!(
        [
            &b["zorgkantoor"],
            &b["kvk"],
            &b["naam"],
            &b["soort"],
            &b["bedrag"]
        ],
        ["VGZ", "", "", "budget", "10000.00"]
    );
    // VGZ's total: tariffs €19,200 + amounts €1,500 + budget €10,000 = €30,700, which is
    // 3.07% of €1,000,000. CZ's €15,200 is 3.04% of its €500,000; DSW has no row.
    let vgz = only(rows_where(&dir, "kosten.csv", "zorgkantoor", "VGZ"));
    assert_eq!(
        [
            &vgz["kosten_beleid"],
            &vgz["kosten_rtp"],
            &vgz["verschil"],
            &vgz["bedragen"],
            &vgz["budgetten"],
            &vgz["totaal_beleid"],
            &vgz["contracteerruimte"],
            &vgz["aandeel_contracteerruimte"]
        ],
        [
            "19200.00",
            "19200.00",
            "0.00",
            "1500.00",
            "10000.00",
            "30700.00",
            "1000000.00",
            "3.07"
        ]
    );
    let cz = only(rows_where(&dir, "kosten.csv", "zorgkantoor", "CZ"));
    assert_eq!(
        (
            cz["totaal_beleid"].as_str(),
            cz["aandeel_contracteerruimte"].as_str()
        ),
        ("15200.00", "3.04")
    );
    let dsw = only(rows_where(&dir, "kosten.csv", "zorgkantoor", "DSW"));
    assert_eq!(
        (
            dsw["contracteerruimte"].as_str(),
            dsw["aandeel_contracteerruimte"].as_str()
        ),
        ("", "")
    );
    assert!(run.stdout().contains("totaal_beleid"), "{}", run.stdout());
    // For 2024: 1% of €900,000 = €9,000.
    let (dir, _) = v6(&["--contractjaar", "2024"]);
    let b = only(rows_where(&dir, "bedragen.csv", "bedrag_naam", "innovatie"));
    assert_eq!(b["bedrag"], "9000.00");
}

#[test]
fn hardship_is_listed_under_a_zorgkantoor_with_a_clause_and_not_under_one_without() {
    let (dir, run) = v6(&[]);
    // C: V1 100 days, 60% at CZ and 40% at DSW, both at 95%: R_t = 400 + 0.95·10000 −
    // 10000 = −100, below 0. CZ has a hardship clause, DSW says it has none.
    let rows = rows_where(&dir, "hardheidsclausule.csv", "kvk", "10000003");
    let h = only(rows);
    assert_eq!(
        [
            &h["zorgkantoor"],
            &h["naam"],
            &h["sector"],
            &h["cluster"],
            &h["resultaat_bij_tarief"],
            &h["criteria"],
            &h["uiterlijk"],
            &h["bron"]
        ],
        [
            "CZ",
            "Krappe Marge",
            "VV",
            "intramuraal",
            "-100.00",
            "onverwacht effect van de tariefsystematiek; financiële positie",
            "2025-09-01",
            "CZ, Inkoopbeleid Wlz (test) (2023), §9"
        ]
    );
    assert_eq!(csv_records(&dir.join("uit/hardheidsclausule.csv")).len(), 1);
    let r = only(rows_where(&dir, "resultaten.csv", "kvk", "10000003"));
    assert_eq!(
        (
            r["resultaat_bij_tarief"].as_str(),
            r["hardheidsclausule"].as_str()
        ),
        ("-100.00", "ja")
    );
    let out = run.stdout();
    assert!(out.contains("CZ 1"), "{out}");
    assert!(out.contains("DSW 0"), "{out}");
}

#[test]
fn a_conversation_lists_a_provider_meeting_one_of_its_alternatives() {
    let (dir, _) = v6(&[]);
    // D and E: G1 100 hours at Menzis' RTP 96%: R_t = 400 + 9600 − 10000 = 0, a margin of
    // 0, not above 5%. D's mpt growth 0.12 ≥ 0.10 meets the second table; E has none.
    let rows = csv_records(&dir.join("uit/gesprek.csv"));
    let g = only(rows);
    assert_eq!(
        [
            &g["zorgkantoor"],
            &g["beleid"],
            &g["gesprek"],
            &g["kvk"],
            &g["naam"],
            &g["marge"],
            &g["bron"]
        ],
        [
            "Menzis",
            "beleid/menzis-gz.toml",
            "hoog-resultaat-of-groei",
            "10000004",
            "Groeiend Dal",
            "0.00",
            "Menzis, Inkoopbeleid Wlz (test) (2023), §8"
        ]
    );
}

#[test]
fn a_policy_out_of_force_is_named_and_not_applied() {
    let (dir, run) = v6(&[]);
    // VGZ's 2022 file (90%) is read and named, on stderr and in the manifest; B is paid
    // the 2024-2026 file's RTP, 96%.
    assert!(
        run.stderr().contains("beleid/vgz-vv-2022.toml") && run.stderr().contains("2022"),
        "{}",
        run.stderr()
    );
    let m = manifest(&dir);
    assert_eq!(
        m["tarieven"]["beleid_niet_van_kracht"],
        serde_json::json!([{ "pad": "beleid/vgz-vv-2022.toml", "periode": "2022" }])
    );
    let v1 = only(rows_where(&dir, "tarieven.csv", "kvk", "10000002"));
    assert_eq!(
        (v1["percentage"].as_str(), v1["beleid"].as_str()),
        ("96.00", "beleid/vgz-vv.toml")
    );
    // In 2022 it is the one in force: 90%, and the others are out of force.
    let (dir, _) = v6(&["--contractjaar", "2022"]);
    let v1 = only(rows_where(&dir, "tarieven.csv", "kvk", "10000002"));
    assert_eq!(
        (v1["percentage"].as_str(), v1["beleid"].as_str()),
        ("90.00", "beleid/vgz-vv-2022.toml")
    );
    let out = manifest(&dir)["tarieven"]["beleid_niet_van_kracht"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(out, 4);
}

#[test]
fn statements_show_care_not_paid_the_amounts_and_the_clause_a_provider_falls_under() {
    let (dir, _) = v6(&[]);
    let out = dir.join("brieven");
    command_to("brieven", &dir.join("richttarief.toml"), &out, &[]).expect_code(0);
    // A: H1 not contracted, so no result at the tariffs, and why.
    let a = read(&out.join("10000001.html"));
    assert!(a.contains("<td>niet gecontracteerd</td>"), "{a}");
    assert!(
        a.contains("Geen resultaat bij deze tarieven: hangt af van zorg die niet betaald wordt: CZ H1 niet gecontracteerd (nieuwe-aanbieder-mpt)."),
        "{a}"
    );
    assert!(!a.contains("resultaat-bij-tarief"), "{a}");
    // B: R_t 0 and €1,500 in amounts (as computed above), the amount itself listed.
    let b = read(&out.join("10000002.html"));
    assert!(b.contains("extramuralisering"), "{b}");
    assert!(
        b.contains("met € 1.500,00 aan bedragen ernaast")
            && b.contains("<strong id=\"resultaat-bij-tarief\">€ 1.500,00</strong>"),
        "{b}"
    );
    // C: −100 at its tariffs, a case for CZ's clause; DSW has none.
    let c = read(&out.join("10000003.html"));
    assert!(
        c.contains("Dit is onder nul: een geval voor de hardheidsclausule van CZ."),
        "{c}"
    );
}

#[test]
fn a_prestatie_without_a_known_percentage_is_onbekend_and_keeps_the_provider_off_the_lists() {
    // Menzis GZ from each provider's own 2023 percentage and none without one: D and E have
    // none, so G1 has no percentage at all ("onbekend"), not the RTP.
    let (dir, _) = v6(&[]);
    std::fs::write(
        dir.join("beleid/menzis-gz.toml"),
        head("Menzis", "GZ", "2024-2026")
            + "[basis]\nkenmerk = \"percentage_2023\"\nanders = \"geen\"\n\n\
               [[gesprek]]\nnaam = \"groei\"\nals = { mpt_groei = { minimaal = 0.10 } }\nbron = { document = \"test\", sectie = \"§8\" }\n",
    )
    .unwrap();
    tarieven(&dir, &[]).expect_code(0);
    let g1 = only(rows_where(&dir, "tarieven.csv", "kvk", "10000004"));
    // Nothing paid; at the RTP 100 hours × €100 × 0.96 = €9,600.
    assert_eq!(
        [
            &g1["percentage"],
            &g1["status"],
            &g1["kosten_beleid"],
            &g1["kosten_rtp"]
        ],
        ["", "onbekend: geen percentage_2023", "0.00", "9600.00"]
    );
    let r = only(rows_where(&dir, "resultaten.csv", "kvk", "10000004"));
    assert_eq!(r["resultaat_bij_tarief"], "");
    assert!(
        r["toelichting"].contains("Menzis G1 zonder percentage (geen percentage_2023)"),
        "{r:?}"
    );
    // D's mpt growth meets the conversation's condition, but without a result it is on no
    // list.
    assert!(csv_records(&dir.join("uit/gesprek.csv")).is_empty());
    // Menzis pays nothing: its €19,200 at the RTP is all care it does not pay, so there is
    // no difference to show rather than a saving of 100%.
    let menzis = only(rows_where(&dir, "kosten.csv", "zorgkantoor", "Menzis"));
    assert_eq!(
        [
            &menzis["kosten_beleid"],
            &menzis["kosten_rtp"],
            &menzis["niet_gecontracteerd_rtp"],
            &menzis["verschil"],
            &menzis["verschil_pct"]
        ],
        ["0.00", "19200.00", "19200.00", "0.00", ""]
    );
}
