//! Configuration mistakes that would change the result, and runs that find no data: each
//! must stop with a message that says what was found (exit 1, nothing written) or warn on
//! stderr and in the manifest. Also the `voldaan` column, every exclusion reason, and the
//! per-input `[kolommen]` tables.

use crate::common::*;
use std::path::{Path, PathBuf};

/// Runs `config` into an output folder that already holds a previous result (of the
/// untouched `klein` fixture), expects exit 1 with every fragment on stderr, and checks that
/// the previous result is untouched, byte for byte.
fn refused(config: &Path, fragments: &[&str]) -> String {
    let out = config.parent().unwrap().join("uit");
    run_config(&fixture("klein").join("zn-2027.toml"), &out).expect_code(0);
    let before = snapshot(&out);
    let run = run_config(config, &out);
    run.expect_code(1);
    let err = run.stderr();
    for f in fragments {
        assert!(err.contains(f), "stderr lacks {f:?}:\n{err}");
    }
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
    assert!(snapshot(&out) == before, "the previous result changed");
    err
}

/// Every file under `dir` with its bytes, sorted by path.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else {
                files.push((path.clone(), std::fs::read(&path).unwrap()));
            }
        }
    }
    files.sort();
    files
}

/// A copy of `klein` with `tables` added to its zn-2027 configuration.
fn klein_with(tables: &str) -> PathBuf {
    let dir = copy_fixture("klein");
    let config = with_tables(&read(&dir.join("zn-2027.toml")), tables);
    std::fs::write(dir.join("zn-2027.toml"), config).unwrap();
    dir
}

/// Runs and expects the CSV outputs of `klein` under zn-2027, byte for byte.
fn reads_as_klein(config: &Path) -> PathBuf {
    let out = config.parent().unwrap().join("uit");
    run_config(config, &out).expect_code(0);
    assert_same_csv_outputs(&out, &fixture("klein/verwacht/zn-2027"));
    out
}

// ---------------------------------------------------------------------------------------
// No data is an error

#[test]
fn no_accounts_for_the_reference_year_is_an_error_naming_the_years_found() {
    // klein's jaarverslagen.csv: ten rows of 2024 and one of 2023 (10000001).
    let dir = copy_fixture("klein");
    edit(
        &dir.join("zn-2027.toml"),
        "referentiejaar = 2024",
        "referentiejaar = 2025",
    );
    refused(
        &dir.join("zn-2027.toml"),
        &["jaarverslagen.csv holds no jaarverslag over 2025; it holds 1 over 2023 and 10 over 2024"],
    );
}

#[test]
fn no_claims_for_the_reference_year_is_an_error_naming_the_years_found() {
    // klein's declaraties.csv: 21 lines of 2024 and one of 2023; move the 2024 ones to 2025.
    let dir = copy_fixture("klein");
    edit(&dir.join("declaraties.csv"), ",2024,", ",2025,");
    refused(
        &dir.join("zn-2027.toml"),
        &["declaraties.csv holds no claim line over 2024; it holds 1 over 2023 and 21 over 2025"],
    );
}

#[test]
fn no_claims_for_the_year_in_several_files_names_them_all() {
    // Two files, one of only 2023 and one of only 2025; the same count per year as above.
    let dir = copy_fixture("klein");
    let text = read(&dir.join("declaraties.csv")).replace(",2024,", ",2025,");
    let (header, body) = text.split_once('\n').unwrap();
    let (old, new): (Vec<&str>, Vec<&str>) = body.lines().partition(|l| l.contains(",2023,"));
    std::fs::create_dir(dir.join("deel")).unwrap();
    std::fs::write(
        dir.join("deel/d1.csv"),
        format!("{header}\n{}\n", old.join("\n")),
    )
    .unwrap();
    std::fs::write(
        dir.join("deel/d2.csv"),
        format!("{header}\n{}\n", new.join("\n")),
    )
    .unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = \"declaraties.csv\"",
        "declaraties = \"deel/d*.csv\"",
    );
    refused(
        &dir.join("zn-2027.toml"),
        &["the 2 declaraties files (deel/d1.csv, deel/d2.csv) hold no claim line over 2024; they hold 1 over 2023 and 21 over 2025"],
    );
}

#[test]
fn no_claims_for_the_year_in_parquet_counts_the_years_too() {
    // The same lines as above in Parquet, through both of its paths: decimal amounts are
    // summed by distinct key (the fast path), text amounts row by row.
    for decimals in [true, false] {
        let dir = copy_fixture("klein");
        let mut rdr = csv::Reader::from_path(dir.join("declaraties.csv")).unwrap();
        let (mut agb, mut jaar, mut code, mut aantal, mut bedrag) =
            (vec![], vec![], vec![], vec![], vec![]);
        for r in rdr.records() {
            let r = r.unwrap();
            agb.push(r[1].to_string());
            let year: i64 = r[2].parse().unwrap();
            jaar.push(if year == 2024 { 2025 } else { year });
            code.push(r[3].to_string());
            aantal.push(r[4].to_string());
            bedrag.push(r[5].to_string());
        }
        let amount = |texts: &[String], scale: i8| {
            if !decimals {
                return text_column(texts.to_vec());
            }
            let units: Vec<i128> = texts
                .iter()
                .map(|t| t.replace('.', "").parse::<i128>().unwrap())
                .collect();
            decimal_column(units, 18, scale)
        };
        write_parquet(
            &dir.join("declaraties.parquet"),
            vec![
                ("agb", text_column(agb)),
                (
                    "jaar",
                    std::sync::Arc::new(arrow_array::Int64Array::from(jaar)),
                ),
                ("prestatiecode", text_column(code)),
                ("aantal", amount(&aantal, 0)),
                ("bedrag", amount(&bedrag, 2)),
            ],
        );
        edit(
            &dir.join("zn-2027.toml"),
            "declaraties.csv",
            "declaraties.parquet",
        );
        refused(
            &dir.join("zn-2027.toml"),
            &["declaraties.parquet holds no claim line over 2024; it holds 1 over 2023 and 21 over 2025"],
        );
    }
}

#[test]
fn a_header_only_jaarverslagen_file_is_an_error() {
    let dir = copy_fixture("klein");
    let text = read(&dir.join("jaarverslagen.csv"));
    std::fs::write(
        dir.join("jaarverslagen.csv"),
        text.lines().next().unwrap().to_string() + "\n",
    )
    .unwrap();
    refused(
        &dir.join("zn-2027.toml"),
        &["jaarverslagen.csv holds no jaarverslag: it has a header line and no rows"],
    );
}

#[test]
fn an_empty_population_is_an_error_counting_the_reasons() {
    // A minimum omzet above everyone's: by hand, of the 11 KvK numbers 9 have an omzet to
    // compare (10000009 has no claims, so no capital to strip; 10000010 no jaarverslag),
    // and 10000011 is also on the list.
    let dir = klein_with("");
    edit(
        &dir.join("zn-2027.toml"),
        "[uitsluiting]",
        "[uitsluiting]\nmin_omzet = 10000000",
    );
    refused(
        &dir.join("zn-2027.toml"),
        &[
            "no provider is left in the population over 2024: all 11 providers with a jaarverslag or claims are excluded",
            "geen jaarverslag over 2024: 1",
            "geen Wlz-declaraties over 2024: 1",
            "omzet onder minimum 10000000: 9",
            "nieuwe aanbieder: 1",
        ],
    );
}

#[test]
fn a_scenario_without_data_is_named() {
    let dir = copy_fixture("klein");
    for (naam, layer, fragment) in [
        (
            "jaar-2025",
            "referentiejaar = 2025\n",
            "jaarverslagen.csv holds no jaarverslag over 2025",
        ),
        (
            "alles-weg",
            "[scenario.uitsluiting]\nmin_omzet = 10000000\n",
            "no provider is left in the population over 2024",
        ),
    ] {
        std::fs::write(
            dir.join("s.toml"),
            format!("[[scenario]]\nnaam = \"ok\"\n\n[[scenario]]\nnaam = \"{naam}\"\n{layer}"),
        )
        .unwrap();
        let out = dir.join("uit");
        let run = richttarief(
            &[
                "scenarios",
                "--config",
                dir.join("zn-2027.toml").to_str().unwrap(),
                "--scenarios",
                dir.join("s.toml").to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ],
            &[],
            &root(),
        );
        run.expect_code(1);
        let err = run.stderr();
        assert!(err.contains(&format!("scenario \"{naam}\"")), "{err}");
        assert!(err.contains(fragment), "{err}");
        assert!(!out.exists());
    }
}

// ---------------------------------------------------------------------------------------
// The exclusion list

#[test]
fn an_excluded_kvk_that_matches_no_provider_is_a_warning() {
    let dir = copy_fixture("klein");
    edit(
        &dir.join("zn-2027.toml"),
        "reden = \"nieuwe aanbieder\" }]",
        "reden = \"nieuwe aanbieder\" }, { kvk = \"10000012\", reden = \"tikfout\" }]",
    );
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(0);
    let warning = "uitsluiting.kvk: KvK 10000012 (tikfout) matches no provider: it has neither a jaarverslag nor claims over 2024";
    assert!(
        run.stderr()
            .contains(&format!("richttarief: warning: {warning}")),
        "{}",
        run.stderr()
    );
    assert!(read(&out.join("manifest.json")).contains(warning));
    // The result is klein's: the unmatched entry excludes nobody.
    for f in ["rtp.csv", "aanbieders.csv", "uitgesloten.csv"] {
        assert_eq!(
            read(&out.join(f)),
            read(&fixture("klein/verwacht/zn-2027").join(f))
        );
    }
}

#[test]
fn the_same_kvk_twice_on_the_exclusion_list_is_a_configuration_error() {
    let dir = copy_fixture("klein");
    edit(
        &dir.join("zn-2027.toml"),
        "reden = \"nieuwe aanbieder\" }]",
        "reden = \"nieuwe aanbieder\" }, { kvk = \"10000011\", reden = \"nog eens\" }]",
    );
    refused(
        &dir.join("zn-2027.toml"),
        &["uitsluiting.kvk[2].kvk = \"10000011\": already listed as uitsluiting.kvk[1]"],
    );
}

// ---------------------------------------------------------------------------------------
// [kolommen]

#[test]
fn a_flat_rename_falls_back_to_the_own_name_in_a_file_without_that_header() {
    // DigiMV calls it "KvK-nummer"; the koppeltabel keeps `kvk`. A flat table applies to
    // every input, so the koppeltabel must still be read by its own `kvk` column.
    let dir = klein_with("[kolommen]\nkvk = \"KvK-nummer\"\n");
    edit(
        &dir.join("jaarverslagen.csv"),
        "kvk,naam,boekjaar",
        "KvK-nummer,naam,boekjaar",
    );
    let out = reads_as_klein(&dir.join("zn-2027.toml"));
    // The manifest shows the flat table as it was written.
    let manifest = read(&out.join("manifest.json"));
    assert!(
        manifest.contains("\"kolommen\": {\n      \"kvk\": \"KvK-nummer\"\n    },"),
        "{manifest}"
    );
}

#[test]
fn per_input_tables_rename_only_their_input_and_are_authoritative() {
    let dir = klein_with("[kolommen.jaarverslagen]\nkvk = \"KvK-nummer\"\n");
    edit(
        &dir.join("jaarverslagen.csv"),
        "kvk,naam,boekjaar",
        "KvK-nummer,naam,boekjaar",
    );
    let out = reads_as_klein(&dir.join("zn-2027.toml"));
    let manifest = read(&out.join("manifest.json"));
    assert!(
        manifest.contains(
            "\"kolommen\": {\n      \"jaarverslagen\": {\n        \"kvk\": \"KvK-nummer\"\n      }\n    },"
        ),
        "{manifest}"
    );

    // A per-input table says where its input's column is: no fallback to `kvk`.
    let dir = klein_with("[kolommen.koppeltabel]\nkvk = \"KvK-nummer\"\n");
    refused(
        &dir.join("zn-2027.toml"),
        &[
            "koppeltabel.csv: missing required column \"kvk\" (mapped to \"KvK-nummer\" in [kolommen.koppeltabel])",
        ],
    );
}

#[test]
fn two_contract_columns_on_one_header_is_a_configuration_error() {
    // The file really has a column "lasten": read for both, the result would be wrong.
    let dir =
        klein_with("[kolommen]\nbedrijfslasten = \"lasten\"\nfinanciele_lasten = \"Lasten\"\n");
    edit(&dir.join("jaarverslagen.csv"), "bedrijfslasten,", "lasten,");
    refused(
        &dir.join("zn-2027.toml"),
        &[
            "invalid configuration",
            "kolommen.bedrijfslasten = \"lasten\" and kolommen.financiele_lasten = \"Lasten\": two columns of jaarverslagen read from one header",
        ],
    );
    // The same within a per-input table.
    let dir = klein_with(
        "[kolommen.jaarverslagen]\nbedrijfslasten = \"lasten\"\nfinanciele_lasten = \"lasten\"\n",
    );
    refused(
        &dir.join("zn-2027.toml"),
        &["kolommen.jaarverslagen.bedrijfslasten = \"lasten\" and kolommen.jaarverslagen.financiele_lasten = \"lasten\""],
    );
}

#[test]
fn a_mapping_onto_another_contract_columns_header_is_a_configuration_error() {
    // `resultaat` read from the costs would only raise a warning per row, and the run would go on.
    let dir = klein_with("[kolommen]\nresultaat = \"Bedrijfslasten\"\n");
    refused(
        &dir.join("zn-2027.toml"),
        &["kolommen.resultaat = \"Bedrijfslasten\": that is the header of the contract column bedrijfslasten of jaarverslagen"],
    );
    let dir = klein_with("[kolommen.tarieven]\nmax_tarief = \"kapitaal_per_eenheid\"\n");
    refused(
        &dir.join("zn-2027.toml"),
        &["kolommen.tarieven.max_tarief = \"kapitaal_per_eenheid\": that is the header of the contract column kapitaal_per_eenheid of tarieven"],
    );
}

#[test]
fn a_mapping_onto_bsn_is_refused_without_reading_it() {
    let dir = klein_with("[kolommen]\nagb = \"BSN\"\n");
    let err = refused(
        &dir.join("zn-2027.toml"),
        &[
            "invalid configuration",
            "kolommen.agb = \"BSN\": a column named bsn is never read",
        ],
    );
    assert!(!err.contains("111222333"), "{err}");
    let dir = klein_with("[kolommen.declaraties]\nkvk = \" bsn \"\n");
    refused(&dir.join("zn-2027.toml"), &["kolommen.declaraties.kvk"]);
}

#[test]
fn a_missing_column_in_a_workbook_names_the_sheet() {
    let dir = copy_fixture("klein");
    std::fs::copy(
        fixture("varianten/jaarverslagen.xlsx"),
        dir.join("jaarverslagen.xlsx"),
    )
    .unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "jaarverslagen.csv",
        "jaarverslagen.xlsx",
    );
    let config = with_tables(
        &read(&dir.join("zn-2027.toml")),
        "[kolommen.jaarverslagen]\nbedrijfslasten = \"lasten\"\n",
    );
    std::fs::write(dir.join("zn-2027.toml"), config).unwrap();
    refused(
        &dir.join("zn-2027.toml"),
        &["missing required column \"bedrijfslasten\" (mapped to \"lasten\" in [kolommen.jaarverslagen]) in sheet \"Blad1\" (the first sheet) of jaarverslagen.xlsx"],
    );
}

// ---------------------------------------------------------------------------------------
// Tariffs and realised percentages

#[test]
fn a_care_tariff_of_zero_is_an_error_naming_file_row_column_and_value() {
    // Row 9 of tarieven.csv (the header is row 1) is H300, a `zorg` tariff.
    let dir = copy_fixture("klein");
    edit(
        &dir.join("tarieven.csv"),
        "GZ,mpt,zorg,80.00,",
        "GZ,mpt,zorg,0.00,",
    );
    refused(
        &dir.join("zn-2027.toml"),
        &["tarieven.csv: row 9, column \"max_tarief\": 0 for a `zorg` tariff"],
    );
}

#[test]
fn realised_percentages_above_100_point_1_are_a_warning() {
    // 10000007: 600 days GGZW3 at 300.00 = 180000.00 at the maximum; 185400.00 declared is
    // 103%. 10000008: 2000 dagdelen GGZB4 at 90.00 = 180000.00; 180180.00 is 100.1%
    // exactly, within the tolerance, so it is not listed.
    let dir = copy_fixture("klein");
    edit(
        &dir.join("declaraties.csv"),
        "GGZW3,600,172800.00",
        "GGZW3,600,185400.00",
    );
    edit(
        &dir.join("declaraties.csv"),
        "GGZB4,2000,172800.00",
        "GGZB4,2000,180180.00",
    );
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(0);
    let warning = "1 provider claims more than 100.1% of the maximum tariff on its care part (S ÷ S_max; see gerealiseerd_pct in aanbieders.csv): 10000007 GGZ Ginkgo 103.00%";
    let line = run
        .stderr()
        .lines()
        .find(|l| l.contains("of the maximum tariff"))
        .map(str::to_string)
        .unwrap_or_default();
    assert_eq!(line, format!("richttarief: warning: {warning}"));
    assert!(read(&out.join("manifest.json")).contains(warning));
}

// ---------------------------------------------------------------------------------------
// Honest outputs

/// One VV provider with one intramural care line, in a folder of its own: R = B − L = 0,
/// 50 days at a maximum of 200.00 (S_max = 10000.00) and 9551.00 declared (S).
fn one_provider(afronden: &str) -> PathBuf {
    let dir = scratch("een");
    std::fs::write(
        dir.join("jaarverslagen.csv"),
        "kvk,naam,boekjaar,bedrijfsopbrengsten,bedrijfslasten,financiele_baten,financiele_lasten\n\
         10000001,Een,2024,20000.00,20000.00,0,0\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("tarieven.csv"),
        "jaar,prestatiecode,sector,leveringsvorm,component,max_tarief\n\
         2024,V4VV,VV,intramuraal,zorg,200.00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("declaraties.csv"),
        "kvk,jaar,prestatiecode,aantal,bedrag\n10000001,2024,V4VV,50,9551.00\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("een.toml"),
        format!(
            "referentiejaar = 2024\n[invoer]\njaarverslagen = \"jaarverslagen.csv\"\n\
             declaraties = \"declaraties.csv\"\ntarieven = \"tarieven.csv\"\n\
             [berekening]\nafronden = \"{afronden}\"\n"
        ),
    )
    .unwrap();
    dir
}

#[test]
fn voldaan_says_whether_the_published_rtp_meets_the_criteria() {
    // R(r) = 0 + r·10000 − 9551 ≥ 0 from r* = 95.51%. Rounded to the nearest 0.1 that is
    // 95.5, where R = −1: no provider is positive, yet the group is feasible. Rounded up it
    // is 95.6, where R = +9.
    let dir = one_provider("dichtstbij");
    let out = dir.join("uit");
    let run = run_config(&dir.join("een.toml"), &out);
    run.expect_code(0);
    assert_eq!(
        read(&out.join("rtp.csv")),
        "sector,cluster,aanbieders,omzet,rtp_aantal,rtp_omzet,rtp,bindend,haalbaar,aandeel_aanbieders_positief,aandeel_omzet_positief,voldaan\n\
         VV,intramuraal,1,20000.00,95.5100,95.5100,95.5,aantal,ja,0.00,0.00,nee\n"
    );
    assert!(
        run.stdout().lines().nth(2).unwrap().ends_with("  nee"),
        "{}",
        run.stdout()
    );
    let dir = one_provider("omhoog");
    let out = dir.join("uit");
    run_config(&dir.join("een.toml"), &out).expect_code(0);
    assert!(
        read(&out.join("rtp.csv")).ends_with("95.6,aantal,ja,100.00,100.00,ja\n"),
        "{}",
        read(&out.join("rtp.csv"))
    );
}

#[test]
fn voldaan_is_in_the_workbook_and_scenarios() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let dir = one_provider("dichtstbij");
    let out = dir.join("uit");
    run_config(&dir.join("een.toml"), &out).expect_code(0);
    let mut wb: Xlsx<_> = open_workbook(out.join("rapport.xlsx")).unwrap();
    let s = wb.worksheet_range("Samenvatting").unwrap();
    assert_eq!(s.get_value((3, 11)), Some(&Data::String("voldaan".into())));
    assert_eq!(s.get_value((4, 11)), Some(&Data::String("nee".into())));
    assert!(read(&out.join("rapport.html")).contains("<th>voldaan</th>"));

    std::fs::write(
        dir.join("s.toml"),
        "[[scenario]]\nnaam = \"omhoog\"\n[scenario.berekening]\nafronden = \"omhoog\"\n",
    )
    .unwrap();
    let out = dir.join("scen");
    richttarief(
        &[
            "scenarios",
            "--config",
            dir.join("een.toml").to_str().unwrap(),
            "--scenarios",
            dir.join("s.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    let rows = read(&out.join("scenarios.csv"));
    assert!(rows.starts_with("scenario,sector,"), "{rows}");
    assert!(
        rows.contains(
            "\nbasis,VV,intramuraal,1,20000.00,95.5100,95.5100,95.5,aantal,ja,0.00,0.00,nee\n"
        ),
        "{rows}"
    );
    assert!(
        rows.contains(
            "\nomhoog,VV,intramuraal,1,20000.00,95.5100,95.5100,95.6,aantal,ja,100.00,100.00,ja\n"
        ),
        "{rows}"
    );
}

#[test]
fn every_exclusion_reason_is_listed_in_a_fixed_order() {
    // 10000011 is on the list and loses its jaarverslag: both reasons, the data's first.
    // 10000002 gets B = 0 and min_omzet = 100000 applies: O = B − K = 0 − (54000 + 14400)
    // = −68400 (NHC and NIC stripped), below the minimum, so two reasons. Everyone
    // else in the population has O ≥ 190000 − 0 (10000008, without capital).
    let dir = copy_fixture("klein");
    edit(
        &dir.join("jaarverslagen.csv"),
        "10000011,Kleinschalig Wonen Kade,2024,90000.00,73500.00,88000.00,0.00,200.00,1800.00,VV\n",
        "",
    );
    edit(
        &dir.join("jaarverslagen.csv"),
        "Zorgcentrum Beukenhof,2024,480000.00,",
        "Zorgcentrum Beukenhof,2024,0.00,",
    );
    edit(
        &dir.join("zn-2027.toml"),
        "[uitsluiting]",
        "[uitsluiting]\nmin_omzet = 100000",
    );
    let out = dir.join("uit");
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
    assert_eq!(
        read(&out.join("uitgesloten.csv")),
        "kvk,naam,reden\n\
         10000002,Zorgcentrum Beukenhof,bedrijfsopbrengsten 0 ≤ 0; omzet -68400 onder minimum 100000\n\
         10000009,Stichting Iepenlaan,geen Wlz-declaraties over 2024\n\
         10000010,,geen jaarverslag over 2024\n\
         10000011,,geen jaarverslag over 2024; nieuwe aanbieder\n"
    );
}

#[test]
fn bad_configuration_key() {
    bad_input(
        "zn-2027.toml",
        |t| with_tables(&t, "[criteria]\naandeel_aanbiedrs = 0.8\n"),
        &[
            "zn-2027.toml",
            "unknown field `aandeel_aanbiedrs`",
            "aandeel_aanbieders",
        ],
    );
}

#[test]
fn bad_configuration_values_are_named_before_any_data_is_read() {
    bad_input(
        "zn-2027.toml",
        |t| {
            with_tables(&t, "[clustering]\nintramuraal_drempel = 2\n")
                .replace("tarieven.csv", "tarief.csv")
        },
        &[
            "2 problems",
            "clustering.intramuraal_drempel = 2: must be a fraction between 0 and 1",
            "invoer.tarieven = \"tarief.csv\": no such file",
        ],
    );
}
