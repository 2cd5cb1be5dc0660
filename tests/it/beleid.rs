//! `beleid controleer`: a folder of hand-written policy files listed entry by entry (what
//! each does, its status per year, its source in full), and the folders it refuses (exit 1,
//! every problem named): a free-text source, a setting without a source, a file that does
//! not parse.

use crate::common::*;
use std::path::Path;

/// A V&V policy of CZ for 2024-2025 using every construct, each with a source.
const GOOD: &str = r#"zorgkantoor = "CZ"
sector = "VV"
periode = "2024-2025"
bron = { document = "cz", sectie = "het geheel" }
kapitaal = { percentage = { 2024 = 100 }, bron = { document = "cz", sectie = "§3 kapitaal", noot = "voor 2025 niet gepubliceerd" } }

[bronnen.cz]
document = "Inkoopbeleid Wlz 2024-2025"
uitgever = "CZ zorgkantoor"
datum = "2023-06"

[basis]
rtp = true

[[regel]]
naam = "opslag"
bron = { document = "cz", sectie = "§4.1" }
plus = { 2024 = 0.3 }

[[regel]]
naam = "geen-intramuraal"
bron = { document = "cz", sectie = "§4.2" }
niet_gecontracteerd = true
prestaties = ["V4VV"]
als = { nieuwe_aanbieder = true }

[[regel]]
naam = "onbekend"
bron = { document = "cz", sectie = "§4.3" }
uitgeschakeld = "het percentage is niet gepubliceerd"

[[bedrag]]
naam = "innovatie"
soort = "budget"
bron = { document = "cz", sectie = "§5" }
aandeel_contracteerruimte = 0.01

[[gesprek]]
naam = "hoog-rendement"
bron = { document = "cz", sectie = "§6" }
als = { resultaatmarge_bij_tarief = { boven = 0.05 } }

[hardheidsclausule]
criteria = ["eigen vermogen", "financiële positie"]
uiterlijk = "2025-09-24"
bron = { document = "cz", sectie = "§7" }
"#;

/// The tariff table the good policy's codes are checked against.
const TARIEVEN: &str = "jaar,prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid\n\
2024,V4VV,verblijf,VV,intramuraal,zorg,200.00,\n\
2025,V4VV,verblijf,VV,intramuraal,zorg,210.00,\n";

fn folder(name: &str, files: &[(&str, &str)]) -> std::path::PathBuf {
    let dir = scratch(name);
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    dir
}

fn controleer(dir: &Path, more: &[&str]) -> Run {
    let mut args = vec!["beleid", "controleer", dir.to_str().unwrap()];
    args.extend_from_slice(more);
    richttarief(&args, &[], &root())
}

#[test]
fn a_folder_of_sourced_policies_is_listed_entry_by_entry() {
    // The vocabulary beside the policies is read as the vocabulary, not as a policy.
    let vocabulary = read(&root().join("data/beleid/kenmerken.toml"));
    let dir = folder(
        "beleid-goed",
        &[("cz-vv.toml", GOOD), ("kenmerken.toml", &vocabulary)],
    );
    std::fs::write(dir.join("tarieven.csv"), TARIEVEN).unwrap();
    let tarieven = dir.join("tarieven.csv");
    let run = controleer(&dir, &["--tarieven", tarieven.to_str().unwrap()]);
    run.expect_code(0);
    let out = run.stdout();
    for line in [
        "  zorgkantoor: CZ",
        "  sector: VV",
        "  periode: 2024-2025 (gelezen voor 2024: van kracht)",
        "  bron: CZ zorgkantoor, Inkoopbeleid Wlz 2024-2025 (2023-06), het geheel",
        "    kapitaal: 2024: 100%; bron: CZ zorgkantoor, Inkoopbeleid Wlz 2024-2025 (2023-06), §3 kapitaal; voor 2025 niet gepubliceerd",
        "    bovengrens: 100% (standaard)",
        "  regel opslag: plus 2024: 0.3 procentpunt; op alle zorgprestaties",
        "    status: per jaar: 2024 actief, 2025 niet gepubliceerd",
        "    bron: CZ zorgkantoor, Inkoopbeleid Wlz 2024-2025 (2023-06), §4.1",
        "  regel geen-intramuraal: niet gecontracteerd; op prestaties V4VV; als nieuwe_aanbieder = true",
        "  regel onbekend: geen actie; op alle zorgprestaties",
        "    status: uitgeschakeld: het percentage is niet gepubliceerd",
        "  bedrag innovatie: budget; aandeel 0.01 van de contracteerruimte",
        "  gesprek hoog-rendement: gesprek over een lager percentage; als resultaatmarge_bij_tarief = { boven = 0.05 }",
        "  hardheidsclausule: eigen vermogen; financiële positie; uiterlijk 2025-09-24",
        "    bron: CZ zorgkantoor, Inkoopbeleid Wlz 2024-2025 (2023-06), §7",
        "prestatiecodes: gecontroleerd tegen ",
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(line)),
            "no line {line:?} in\n{out}"
        );
    }
    assert!(!out.contains("kenmerken.toml"), "{out}");
    // A characteristic the folder's vocabulary does not declare is refused.
    std::fs::write(
        dir.join("kenmerken.toml"),
        vocabulary.replace("naam = \"nieuwe_aanbieder\"", "naam = \"nieuw\""),
    )
    .unwrap();
    let run = controleer(&dir, &[]);
    run.expect_code(1);
    assert!(
        run.stderr().contains(
            "cz-vv.toml: regel \"geen-intramuraal\": als.nieuwe_aanbieder: unknown characteristic or figure"
        ),
        "{}",
        run.stderr()
    );
    std::fs::write(dir.join("kenmerken.toml"), &vocabulary).unwrap();
    // For 2025, the file is still in force; without a tariff table the codes go unchecked.
    let run = controleer(&dir, &["--contractjaar", "2025"]);
    run.expect_code(0);
    let out = run.stdout();
    assert!(
        out.contains("  periode: 2024-2025 (gelezen voor 2025: van kracht)"),
        "{out}"
    );
    assert!(
        out.contains("prestatiecodes: niet gecontroleerd (geef --tarieven)"),
        "{out}"
    );
    // A code the tariff table does not have is refused when one is given.
    std::fs::write(dir.join("tarieven.csv"), TARIEVEN.replace("V4VV", "V5VV")).unwrap();
    let run = controleer(&dir, &["--tarieven", tarieven.to_str().unwrap()]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("cz-vv.toml: regel \"geen-intramuraal\": prestatiecode \"V4VV\" is not in the tariff table"),
        "{}",
        run.stderr()
    );
}

#[test]
fn a_missing_source_or_a_file_that_does_not_parse_fails_with_every_problem() {
    let free_text = GOOD.replace(
        "bron = { document = \"cz\", sectie = \"§4.1\" }",
        "bron = \"CZ, Inkoopbeleid §4.1\"",
    );
    let unsourced = GOOD
        .replace("zorgkantoor = \"CZ\"", "zorgkantoor = \"VGZ\"")
        .replace("kapitaal = {", "bovengrens = 98\nkapitaal = {");
    let dir = folder(
        "beleid-fout",
        &[
            ("a-vrije-tekst.toml", &free_text),
            ("b-zonder-bron.toml", &unsourced),
            ("c-kapot.toml", "zorgkantoor = \"CZ\"\nsector = \n"),
        ],
    );
    let run = controleer(&dir, &[]);
    run.expect_code(1);
    let (out, err) = (run.stdout(), run.stderr());
    // The readable file is still listed, and its setting shows it has no source.
    assert!(
        out.contains("    bovengrens: 98%; bron: geen bron"),
        "{out}"
    );
    assert!(
        out.contains("a-vrije-tekst.toml: kan niet gelezen worden"),
        "{out}"
    );
    assert!(
        out.contains("c-kapot.toml: kan niet gelezen worden"),
        "{out}"
    );
    for problem in [
        "a-vrije-tekst.toml: regel \"opslag\": bron: a free text is no longer accepted; give a table { document = \"KEY\", sectie = \"…\" }",
        "b-zonder-bron.toml: bovengrens: given without a bron; write bovengrens = { percentage = …, bron = { document = …, sectie = … } }",
        "c-kapot.toml: ",
    ] {
        assert!(err.contains(problem), "no {problem:?} in\n{err}");
    }
    assert!(err.contains("3 problems in the policies"), "{err}");
}

/// A VGZ V&V policy for `periode` paying `zet` percent on every care prestatie.
fn vgz_vv(periode: &str, zet: &str) -> String {
    format!(
        "zorgkantoor = \"VGZ\"\nsector = \"VV\"\nperiode = \"{periode}\"\nbron = {{ document = \"vgz\", sectie = \"geheel\" }}\n[bronnen.vgz]\ndocument = \"Inkoopbeleid\"\nuitgever = \"VGZ\"\ndatum = \"{periode}\"\n[basis]\npercentage = {zet}\n"
    )
}

#[test]
fn tarieven_applies_the_policy_in_force_not_an_earlier_one_of_the_same_zorgkantoor() {
    // One V&V provider buying V1 from VGZ. Two VGZ V&V files: 2022 at 90% and 2024 at 95%;
    // the contract year (the reference year, 2024) lies in the second only, so V1 is paid
    // 95%, whichever file comes first.
    let dir = scratch("beleid-van-kracht");
    std::fs::write(
        dir.join("tarieven.csv"),
        "jaar,prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid\n2024,V1,verblijf VV per dag,VV,intramuraal,zorg,100.00,\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("jaarverslagen.csv"),
        "kvk,naam,boekjaar,bedrijfsopbrengsten,opbrengsten_wlz,bedrijfslasten,financiele_baten,financiele_lasten,sector\n10000001,Populatie BV,2024,12000.00,10600.00,12100.00,0.00,0.00,VV\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("declaraties.csv"),
        "kvk,jaar,prestatiecode,aantal,bedrag\n10000001,2024,V1,100,9600.00\n",
    )
    .unwrap();
    std::fs::write(dir.join("kenmerken.csv"), "kvk,zorgkantoor\n10000001,VGZ\n").unwrap();
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    std::fs::write(dir.join("beleid/a-vgz-vv-2022.toml"), vgz_vv("2022", "90")).unwrap();
    std::fs::write(dir.join("beleid/b-vgz-vv-2024.toml"), vgz_vv("2024", "95")).unwrap();
    std::fs::write(
        dir.join("richttarief.toml"),
        "model = \"zn-2027\"\nreferentiejaar = 2024\n\n[invoer]\njaarverslagen = \"jaarverslagen.csv\"\ndeclaraties = [\"declaraties.csv\"]\ntarieven = \"tarieven.csv\"\nkenmerken = \"kenmerken.csv\"\n\n[beleid]\nbestanden = [\"beleid/*.toml\"]\n",
    )
    .unwrap();
    let out = dir.join("uit");
    command_to("tarieven", &dir.join("richttarief.toml"), &out, &[]).expect_code(0);
    let lines = csv_records(&out.join("tarieven.csv"));
    let v1: Vec<_> = lines
        .iter()
        .filter(|r| r["prestatiecode"] == "V1")
        .collect();
    assert_eq!(v1.len(), 1, "{lines:?}");
    assert_eq!(v1[0]["percentage"], "95.00", "{:?}", v1[0]);
    assert_eq!(v1[0]["beleid"], "beleid/b-vgz-vv-2024.toml", "{:?}", v1[0]);
}
