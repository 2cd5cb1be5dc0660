//! The DigiMV dataset read as the jaarverslagen: `generate --digimv` writes the accounts as
//! a DigiMV-layout workbook and a configuration that reads it, and a run on it gives the
//! tidy path's outputs byte for byte; a variable not found, an empty required figure and a
//! truncated archive each end as the data contract says.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use richttarief::generate::digimv::{write, Aanbieder, Cijfers, Layout, Namen};
use rust_decimal::Decimal;

/// A generated set with the DigiMV workbook beside the tidy table.
fn generated(name: &str) -> PathBuf {
    let dir = scratch(name);
    let args = [
        "generate",
        "--out",
        dir.to_str().unwrap(),
        "--aanbieders",
        "40",
        "--declaratieregels",
        "2000",
        "--digimv",
    ];
    richttarief(&args, &[], &root()).expect_code(0);
    dir
}

#[test]
fn a_generated_digimv_workbook_gives_the_tidy_outputs_byte_for_byte() {
    let dir = generated("digimv-same");
    let (tidy, digimv) = (dir.join("uit-tidy"), dir.join("uit-digimv"));
    run_config(&dir.join("richttarief.toml"), &tidy).expect_code(0);
    let run = run_config(&dir.join("richttarief-digimv.toml"), &digimv);
    run.expect_code(0);
    assert!(
        run.stderr()
            .contains("read the DigiMV dataset jaarverslagen-digimv.ods"),
        "{}",
        run.stderr()
    );
    assert_same_csv_outputs(&tidy, &digimv);

    // The manifest records the workbook's SHA-256, computed here independently, and the
    // variables read.
    let manifest = read(&digimv.join("manifest.json"));
    let bytes = std::fs::read(dir.join("jaarverslagen-digimv.ods")).unwrap();
    let sha: String = {
        use sha2::Digest;
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    };
    assert!(
        manifest.contains(&format!(
            "\"rol\": \"jaarverslagen\",\n      \"pad\": \"jaarverslagen-digimv.ods\",\n      \"bytes\": {},",
            bytes.len()
        )),
        "{manifest}"
    );
    assert!(
        manifest.contains(&format!("\"sha256\": \"{sha}\"")),
        "{manifest}"
    );
    assert!(
        manifest.contains("\"bedrijfslasten\": \"qTotaalLasten_0\""),
        "{manifest}"
    );

    // The consolidated figures are 5% more than the entity's: reading them must change the
    // results, or the choice is not read.
    let config = dir.join("richttarief-digimv.toml");
    edit(&config, "geconsolideerd = false", "geconsolideerd = true");
    // The names given are the entity's: mixing them with consolidated figures is refused.
    let mixed = run_config(&config, &dir.join("uit-mixed"));
    mixed.expect_code(1);
    assert!(
        mixed.stderr().contains(
            "digimv.variabelen.bedrijfslasten = \"qTotaalLasten_0\": geconsolideerd = true"
        ),
        "{}",
        mixed.stderr()
    );
    let text = read(&config);
    std::fs::write(&config, text.replace("_0\"\n", "_0Cons\"\n")).unwrap();
    let cons = dir.join("uit-cons");
    run_config(&config, &cons).expect_code(0);
    assert_ne!(
        read(&tidy.join("aanbieders.csv")),
        read(&cons.join("aanbieders.csv"))
    );
}

#[test]
fn a_variable_the_workbook_lacks_stops_the_run_naming_it_and_the_file() {
    let dir = generated("digimv-missing-variable");
    edit(
        &dir.join("richttarief-digimv.toml"),
        "\"qTotaalLasten_0\"",
        "\"qTotaleLasten_0\"",
    );
    let run = run_config(&dir.join("richttarief-digimv.toml"), &dir.join("uit"));
    run.expect_code(1);
    let e = run.stderr();
    assert!(e.contains("not found in the header of any sheet"), "{e}");
    assert!(e.contains("jaarverslagen-digimv.ods"), "{e}");
    assert!(e.contains("qTotaleLasten_0 (bedrijfslasten)"), "{e}");
    assert!(e.contains("richttarief digimv variabelen"), "{e}");
    assert!(!dir.join("uit").exists(), "nothing half-written");
}

#[test]
fn a_truncated_workbook_stops_the_run_naming_the_file() {
    let dir = generated("digimv-truncated");
    let path = dir.join("jaarverslagen-digimv.ods");
    let bytes = std::fs::read(&path).unwrap();
    std::fs::write(&path, &bytes[..bytes.len() / 2]).unwrap();
    let run = run_config(&dir.join("richttarief-digimv.toml"), &dir.join("uit"));
    run.expect_code(1);
    let e = run.stderr();
    assert!(e.contains("jaarverslagen-digimv.ods"), "{e}");
    assert!(e.contains("truncated"), "{e}");
}

/// The set's jaarverslagen.csv rewritten as a DigiMV workbook with the names of
/// `richttarief-digimv.toml`, with `change` applied to each provider.
fn rewrite(dir: &Path, change: impl Fn(&mut Aanbieder)) {
    let money = |v: &str| Some(Decimal::from_str(v).unwrap());
    let providers: Vec<Aanbieder> = csv_records(&dir.join("jaarverslagen.csv"))
        .iter()
        .map(|r| {
            let mut a = Aanbieder {
                kvk: format!("{:0>8}", r["kvk"]),
                naam: r["naam"].clone(),
                enkelvoudig: Cijfers {
                    bedrijfsopbrengsten: money(&r["bedrijfsopbrengsten"]),
                    opbrengsten_wlz: money(&r["opbrengsten_wlz"]),
                    bedrijfslasten: money(&r["bedrijfslasten"]),
                    financiele_baten: money(&r["financiele_baten"]),
                    financiele_lasten: money(&r["financiele_lasten"]),
                    resultaat: money(&r["resultaat"]),
                },
                geconsolideerd: None,
                sectoren: vec![r["sector"].clone()],
            };
            change(&mut a);
            a
        })
        .collect();
    let amount = |c: &str, v: &str| (c.to_string(), v.to_string(), format!("{v}Cons"));
    let layout = Layout::new(Namen {
        kvk: "ExternalOrganizationId".into(),
        naam: "qNawNaamLrza".into(),
        bedragen: vec![
            amount("bedrijfsopbrengsten", "qTotaalBaten_0"),
            amount("opbrengsten_wlz", "qBatenZorgWlz_0"),
            amount("bedrijfslasten", "qTotaalLasten_0"),
            amount("financiele_baten", "qFinancieleBaten_0"),
            amount("financiele_lasten", "qFinancieleLasten_0"),
            amount("resultaat", "qResultaatbedrag_0"),
        ],
        sector: vec![
            ("VV".into(), "qTypeWTZaZorg_13".into()),
            ("GZ".into(), "qTypeWTZaZorg_10".into()),
            ("GGZ".into(), "qTypeWTZaZorg_8".into()),
        ],
    });
    write("jaarverslagen-digimv", &providers, &layout, |name| {
        std::fs::File::create(dir.join(name))
    })
    .unwrap();
}

#[test]
fn an_empty_required_figure_excludes_the_provider_with_the_variable_named() {
    let dir = generated("digimv-empty-figure");
    let first = csv_records(&dir.join("jaarverslagen.csv"))[0]["kvk"].clone();
    rewrite(&dir, |a| {
        if a.kvk == format!("{first:0>8}") {
            a.enkelvoudig.bedrijfslasten = None;
        }
    });
    let out = dir.join("uit");
    run_config(&dir.join("richttarief-digimv.toml"), &out).expect_code(0);
    let excluded = csv_records(&out.join("uitgesloten.csv"));
    let row = excluded
        .iter()
        .find(|r| r["kvk"] == first)
        .unwrap_or_else(|| panic!("{first} is not excluded: {excluded:?}"));
    assert_eq!(row["reden"], "ontbrekend in DigiMV: qTotaalLasten_0");
    // `digimv variabelen` counts the organisations that fill the variable in: one fewer.
    let providers = csv_records(&dir.join("jaarverslagen.csv")).len();
    let listed = richttarief(
        &[
            "digimv",
            "variabelen",
            "jaarverslagen-digimv.ods",
            "--zoek",
            "^qTotaalLasten_0$",
        ],
        &[],
        &dir,
    );
    listed.expect_code(0);
    let line = listed.stdout().lines().nth(1).unwrap().to_string();
    assert!(
        line.starts_with("qTotaalLasten_0\t") && line.ends_with(&format!("\t{}", providers - 1)),
        "{line}"
    );

    // explain says which variable is empty.
    let explained = richttarief(
        &[
            "explain",
            "--config",
            "richttarief-digimv.toml",
            "--kvk",
            &first,
        ],
        &[],
        &dir,
    );
    explained.expect_code(0);
    assert!(
        explained
            .stdout()
            .contains("   in the DigiMV dataset, but empty there: qTotaalLasten_0\n"),
        "{}",
        explained.stdout()
    );

    // The reference: the tidy table without that provider's row, where it has no
    // jaarverslag. Its RTPs must be the same; the provider counts nowhere either way.
    let text = read(&dir.join("jaarverslagen.csv"));
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(&format!("{first},")))
        .collect();
    assert_eq!(kept.len() + 1, text.lines().count());
    std::fs::write(dir.join("jaarverslagen.csv"), kept.join("\n") + "\n").unwrap();
    let tidy = dir.join("uit-tidy");
    run_config(&dir.join("richttarief.toml"), &tidy).expect_code(0);
    assert_eq!(read(&tidy.join("rtp.csv")), read(&out.join("rtp.csv")));
    assert_eq!(
        read(&tidy.join("aanbieders.csv")),
        read(&out.join("aanbieders.csv"))
    );
    let tidy_row = csv_records(&tidy.join("uitgesloten.csv"))
        .into_iter()
        .find(|r| r["kvk"] == first)
        .unwrap();
    assert_eq!(tidy_row["reden"], "geen jaarverslag over 2024");
}

#[test]
fn digimv_variabelen_lists_the_matching_variables_where_they_are_and_how_filled() {
    let dir = generated("digimv-variabelen");
    let run = richttarief(
        &[
            "digimv",
            "variabelen",
            "jaarverslagen-digimv.ods",
            "--zoek",
            "totaallasten",
        ],
        &[],
        &dir,
    );
    run.expect_code(0);
    let out = run.stdout();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "naam\tlabel\ttype\tformaat\tblad\tkolom\torganisaties"
    );
    // This year's and last year's, of the entity and consolidated: four variables, matched
    // ignoring case. Every provider with accounts fills each in: as many as
    // jaarverslagen.csv has rows.
    let providers = csv_records(&dir.join("jaarverslagen.csv")).len();
    let names: Vec<&str> = lines[1..]
        .iter()
        .map(|l| l.split('\t').next().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "qTotaalLasten_0",
            "qTotaalLasten_1",
            "qTotaalLasten_0Cons",
            "qTotaalLasten_1Cons"
        ]
    );
    for line in &lines[1..] {
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(cells.len(), 7, "{line}");
        assert_eq!(cells[2], "Numeric", "{line}");
        assert!(cells[4].starts_with("RowData_"), "{line}");
        assert!(!cells[5].is_empty(), "{line}");
        assert_eq!(cells[6], providers.to_string(), "{line}");
    }
    // A pattern that is not a regular expression is a usage mistake.
    let bad = richttarief(
        &[
            "digimv",
            "variabelen",
            "jaarverslagen-digimv.ods",
            "--zoek",
            "(",
        ],
        &[],
        &dir,
    );
    bad.expect_code(2);
    assert!(bad
        .stderr()
        .contains("--zoek \"(\": not a regular expression"));
}

#[test]
fn digimv_uittreksel_writes_a_jaarverslagen_table_the_tidy_path_reads_the_same() {
    let dir = generated("digimv-uittreksel");
    let run = richttarief(
        &[
            "digimv",
            "uittreksel",
            "jaarverslagen-digimv.ods",
            "--config",
            "richttarief-digimv.toml",
            "--out",
            "uittreksel.csv",
        ],
        &[],
        &dir,
    );
    run.expect_code(0);
    let rows = csv_records(&dir.join("uittreksel.csv"));
    assert_eq!(
        rows.len(),
        csv_records(&dir.join("jaarverslagen.csv")).len()
    );
    assert!(
        rows[0]["digimv_bron"]
            .contains("bedrijfslasten: qTotaalLasten_0 (jaarverslagen-digimv.ods, RowData_01!"),
        "{:?}",
        rows[0]
    );
    // The extract in place of the tidy table gives the tidy table's outputs.
    let tidy = dir.join("uit-tidy");
    run_config(&dir.join("richttarief.toml"), &tidy).expect_code(0);
    edit(
        &dir.join("richttarief.toml"),
        "jaarverslagen = \"jaarverslagen.csv\"",
        "jaarverslagen = \"uittreksel.csv\"",
    );
    let extracted = dir.join("uit-uittreksel");
    run_config(&dir.join("richttarief.toml"), &extracted).expect_code(0);
    assert_same_csv_outputs(&tidy, &extracted);
}

#[test]
fn explain_shows_the_variable_sheet_and_cell_of_each_figure_and_the_sector_flag() {
    let dir = generated("digimv-explain");
    let first = &csv_records(&dir.join("jaarverslagen.csv"))[0];
    // The column of qTotaalLasten_0 as `digimv variabelen` finds it; the generator writes
    // the providers in jaarverslagen.csv's order below one header row, so the first is on
    // row 2.
    let listed = richttarief(
        &[
            "digimv",
            "variabelen",
            "jaarverslagen-digimv.ods",
            "--zoek",
            "^qTotaalLasten_0$",
        ],
        &[],
        &dir,
    );
    listed.expect_code(0);
    let stdout = listed.stdout();
    let cells: Vec<&str> = stdout.lines().nth(1).unwrap().split('\t').collect();
    let run = richttarief(
        &[
            "explain",
            "--config",
            "richttarief-digimv.toml",
            "--kvk",
            &first["kvk"],
        ],
        &[],
        &dir,
    );
    run.expect_code(0);
    let text = run.stdout();
    let expected = format!(
        "   bedrijfslasten          jaarverslagen-digimv.ods, {}!{}2 (qTotaalLasten_0)\n",
        cells[4], cells[5]
    );
    assert!(text.contains(&expected), "{expected}\n{text}");
    let sector = format!(
        "   sector (DigiMV)         {}, the one care-type flag that is ja\n",
        first["sector"]
    );
    assert!(text.contains(&sector), "{sector}\n{text}");
}

#[test]
fn several_sector_flags_leave_the_sector_to_the_claims_and_say_so() {
    let dir = generated("digimv-sectors");
    let records = csv_records(&dir.join("jaarverslagen.csv"));
    let first = records[0]["kvk"].clone();
    rewrite(&dir, |a| {
        if a.kvk == format!("{first:0>8}") {
            a.sectoren = vec!["VV".into(), "GZ".into(), "GGZ".into()];
        }
    });
    for name in ["richttarief.toml", "richttarief-digimv.toml"] {
        let path = dir.join(name);
        let text = with_tables(
            &read(&path),
            "[berekening]\nsector_bron = \"jaarverslag\"\n",
        );
        std::fs::write(&path, text).unwrap();
    }
    let (tidy, digimv) = (dir.join("uit-tidy"), dir.join("uit-digimv"));
    run_config(&dir.join("richttarief.toml"), &tidy).expect_code(0);
    let run = run_config(&dir.join("richttarief-digimv.toml"), &digimv);
    run.expect_code(0);
    assert!(
        run.stderr().contains(&format!(
            "1 provider of the DigiMV dataset flags several care types or none, so the sector comes from the claims (the main sector) instead of the jaarverslag: KvK {first}"
        )),
        "{}",
        run.stderr()
    );
    // The generated claims are all of the provider's own sector, so the claims' main
    // sector is the tidy table's: the outputs are the same.
    assert_same_csv_outputs(&tidy, &digimv);
}
