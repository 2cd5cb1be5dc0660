//! Runs the real binary on fixture folders: golden outputs byte for byte (regenerate with
//! `UPDATE_GOLDEN=1 cargo test` and review the diff), every input format, determinism,
//! every bad-input case of the core issue, and the `check` and `explain` commands.

#[allow(unused_imports)]
use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------
// Golden runs

fn golden_preset(preset: &str) {
    let out = scratch("golden").join("uit");
    run_config(&fixture("klein").join(format!("{preset}.toml")), &out).expect_code(0);
    compare_golden(&out, &fixture("klein/verwacht").join(preset));
}

#[test]
fn golden_zn_2027() {
    golden_preset("zn-2027");
}

#[test]
fn golden_zn_2024() {
    golden_preset("zn-2024");
}

#[test]
fn golden_hof_2024() {
    golden_preset("hof-2024");
}

/// The same data in another format gives the same bytes as the CSV fixture.
fn same_as_klein(config: &Path) {
    let out = scratch("variant").join("uit");
    run_config(config, &out).expect_code(0);
    assert_same_csv_outputs(&out, &fixture("klein/verwacht/zn-2027"));
}

#[test]
fn decimal_comma_and_semicolons_read_the_same() {
    same_as_klein(&fixture("varianten/komma.toml"));
}

#[test]
fn xlsx_reads_the_same() {
    same_as_klein(&fixture("varianten/xlsx.toml"));
}

#[test]
fn ods_reads_the_same() {
    same_as_klein(&fixture("varianten/ods.toml"));
}

#[test]
fn gzip_and_several_files_by_glob_read_the_same() {
    use std::io::Write;
    let dir = copy_fixture("klein");
    let text = read(&dir.join("declaraties.csv"));
    let lines: Vec<&str> = text.lines().collect();
    let (header, body) = (lines[0], &lines[1..]);
    std::fs::create_dir(dir.join("deel")).unwrap();
    for (i, chunk) in body.chunks(8).enumerate() {
        let file = std::fs::File::create(dir.join(format!("deel/d{i}.csv.gz"))).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        writeln!(gz, "{header}").unwrap();
        for l in chunk {
            writeln!(gz, "{l}").unwrap();
        }
        gz.finish().unwrap();
    }
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = \"declaraties.csv\"",
        "declaraties = [\"deel/*.csv.gz\"]",
    );
    same_as_klein(&dir.join("zn-2027.toml"));
}

#[test]
fn parquet_reads_the_same() {
    use arrow_array::{ArrayRef, Decimal128Array, Float64Array, Int64Array, StringArray};
    use std::sync::Arc;
    let dir = copy_fixture("klein");
    let mut rdr = csv::Reader::from_path(dir.join("declaraties.csv")).unwrap();
    let (mut agb, mut jaar, mut code, mut aantal, mut cents) =
        (vec![], vec![], vec![], vec![], vec![]);
    for r in rdr.records() {
        let r = r.unwrap();
        agb.push(r[1].to_string());
        jaar.push(r[2].parse::<i64>().unwrap());
        code.push(r[3].to_string());
        // aantal as a float column: read through its shortest decimal text.
        aantal.push(r[4].parse::<f64>().unwrap());
        // bedrag as an exact Decimal(18, 2) column.
        cents.push(r[5].replace('.', "").parse::<i128>().unwrap());
    }
    let bedrag = Decimal128Array::from(cents)
        .with_precision_and_scale(18, 2)
        .unwrap();
    let batch = arrow_array::RecordBatch::try_from_iter([
        ("agb", Arc::new(StringArray::from(agb)) as ArrayRef),
        ("jaar", Arc::new(Int64Array::from(jaar))),
        ("prestatiecode", Arc::new(StringArray::from(code))),
        ("aantal", Arc::new(Float64Array::from(aantal))),
        ("bedrag", Arc::new(bedrag)),
    ])
    .unwrap();
    let file = std::fs::File::create(dir.join("declaraties.parquet")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties.csv",
        "declaraties.parquet",
    );
    same_as_klein(&dir.join("zn-2027.toml"));
}

// ---------------------------------------------------------------------------------------
// Determinism

#[test]
fn repeated_runs_and_thread_counts_give_identical_bytes() {
    // The sample data: six groups solved in parallel.
    let config = root().join("data/voorbeeld/richttarief.toml");
    let mut outputs = Vec::new();
    for threads in ["1", "2", "2"] {
        let out = scratch("threads").join("uit");
        let args = [
            "run",
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        richttarief(&args, &[("RAYON_NUM_THREADS", threads)], &root()).expect_code(0);
        outputs.push(out);
    }
    for out in &outputs[1..] {
        assert_same_csv_outputs(&outputs[0], out);
        assert_eq!(
            manifest_without_timings(&outputs[0]),
            manifest_without_timings(out)
        );
    }
}

/// Permutes the data lines of a CSV file with a small deterministic generator.
fn shuffle_lines(path: &Path, seed: u64) {
    let text = read(path);
    let mut lines: Vec<&str> = text.lines().collect();
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in (2..lines.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = 1 + (state >> 33) as usize % i;
        lines.swap(i, j);
    }
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

#[test]
fn shuffled_inputs_give_identical_bytes() {
    for seed in 1..=4 {
        let dir = copy_fixture("klein");
        for f in [
            "jaarverslagen.csv",
            "declaraties.csv",
            "tarieven.csv",
            "koppeltabel.csv",
        ] {
            shuffle_lines(&dir.join(f), seed * 31 + f.len() as u64);
        }
        assert_ne!(
            read(&dir.join("declaraties.csv")),
            read(&fixture("klein/declaraties.csv")),
            "seed {seed} shuffled nothing"
        );
        let out = dir.join("uit");
        let args = [
            "run",
            "--config",
            "zn-2027.toml",
            "--out",
            out.to_str().unwrap(),
        ];
        richttarief(
            &args,
            &[("RAYON_NUM_THREADS", if seed % 2 == 0 { "1" } else { "2" })],
            &dir,
        )
        .expect_code(0);
        assert_same_csv_outputs(&out, &fixture("klein/verwacht/zn-2027"));
    }
}

#[test]
fn columns_outside_the_contract_never_reach_outputs_or_messages() {
    let dir = copy_fixture("klein");
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(0);
    let bsns: Vec<String> = read(&dir.join("declaraties.csv"))
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap().to_string())
        .collect();
    let mut everything = run.stdout() + &run.stderr();
    for f in CSV_OUTPUTS.iter().chain(&["manifest.json"]) {
        everything += &read(&out.join(f));
    }
    // A bad line must not quote its BSN either.
    let text = read(&dir.join("declaraties.csv")).replace(
        "111222350,20000006,2024,VG5,1000,240000.00",
        "111222350,20000006,2024,VG5,1000,fout",
    );
    std::fs::write(dir.join("declaraties.csv"), text).unwrap();
    let bad = run_config(&dir.join("zn-2027.toml"), &dir.join("uit2"));
    bad.expect_code(1);
    everything += &bad.stderr();
    for bsn in bsns {
        assert!(!everything.contains(&bsn), "BSN {bsn} leaked");
    }
}

// ---------------------------------------------------------------------------------------
// Bad input: exit 1, a message naming file, row, column and value, and no output folder.

/// Copies `klein`, applies `change` to one file, runs, and checks the failure.
fn bad_input(file: &str, change: impl Fn(String) -> String, expected: &[&str]) {
    let dir = copy_fixture("klein");
    let path = dir.join(file);
    let before = read(&path);
    let after = change(before.clone());
    assert_ne!(before, after, "the change did nothing to {file}");
    std::fs::write(&path, after).unwrap();
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(1);
    let err = run.stderr();
    for fragment in expected {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    assert!(err.starts_with("richttarief: "), "{err}");
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
    assert!(!out.exists(), "an output folder was written");
}

#[test]
fn bad_non_numeric_amount() {
    bad_input(
        "jaarverslagen.csv",
        |t| {
            t.replace(
                "480000.00,410000.00,485000.00",
                "480000.00,410000.00,n.v.t.",
            )
        },
        &[
            "jaarverslagen.csv",
            "row 4",
            "column \"bedrijfslasten\"",
            "not a number: \"n.v.t.\"",
        ],
    );
}

#[test]
fn bad_thousands_separator() {
    bad_input(
        "declaraties.csv",
        |t| t.replace("V4VV,1800,342000.00", "V4VV,1800,\"342,000.00\""),
        &[
            "declaraties.csv",
            "row 7",
            "column \"bedrag\"",
            "\"342,000.00\"",
            "thousands separators are refused",
        ],
    );
}

#[test]
fn bad_missing_required_column() {
    bad_input(
        "jaarverslagen.csv",
        |t| t.replacen("financiele_lasten", "financiele_lastn", 1),
        &[
            "jaarverslagen.csv",
            "missing required column \"financiele_lasten\"",
            "did you mean \"financiele_lastn\"?",
            "headers found: \"kvk\", \"naam\"",
        ],
    );
}

#[test]
fn bad_prestatiecode_without_tariff() {
    bad_input(
        "declaraties.csv",
        |t| t.replace("20000008,2024,GGZB4", "20000008,2024,GGZB9"),
        &[
            "without a tariff for 2024",
            "declaraties.csv row 22",
            "column \"prestatiecode\"",
            "\"GGZB9\"",
        ],
    );
}

#[test]
fn bad_agb_without_kvk() {
    bad_input(
        "koppeltabel.csv",
        |t| t.replace("20000007,10000007\n", ""),
        &[
            "without a KvK in the koppeltabel",
            "declaraties.csv row 21",
            "column \"agb\"",
            "\"20000007\"",
        ],
    );
}

#[test]
fn bad_two_jaarverslagen_for_one_kvk_and_year() {
    bad_input(
        "jaarverslagen.csv",
        |t| {
            t.replace(
                "10000009,Stichting Iepenlaan,2024",
                "10000008,Stichting Iepenlaan,2024",
            )
        },
        &[
            "jaarverslagen.csv",
            "row 12",
            "a second jaarverslag for KvK 10000008 and boekjaar 2024",
            "the first is row 11",
        ],
    );
}

#[test]
fn bad_unknown_sector_leveringsvorm_and_component() {
    bad_input(
        "tarieven.csv",
        |t| {
            t.replace("GZ,intramuraal,zorg,250.00", "GHZ,intramuraal,zorg,250.00")
                .replace("VV,mpt,zorg,75.00", "VV,thuis,zorg,75.00")
                .replace("VV,overig,volledig", "VV,overig,toeslag")
        },
        &[
            "3 invalid values in tarieven.csv",
            "row 6, column \"leveringsvorm\": unknown leveringsvorm \"thuis\"",
            "row 7, column \"component\": unknown component \"toeslag\"",
            "row 8, column \"sector\": unknown sector \"GHZ\"; expected one of VV, GZ, GGZ",
        ],
    );
}

#[test]
fn bad_empty_claims_file() {
    bad_input(
        "declaraties.csv",
        |_| "bsn,agb,jaar,prestatiecode,aantal,bedrag\n".into(),
        &["declaraties.csv", "has no claim lines"],
    );
    bad_input(
        "declaraties.csv",
        |_| String::new(),
        &["declaraties.csv", "empty"],
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
fn bad_rows_are_all_counted_and_the_first_few_shown() {
    bad_input(
        "declaraties.csv",
        |t| t.replace(",2024,", ",twintig,"),
        &[
            "21 invalid values in declaraties.csv; first 5:",
            "row 2, column \"jaar\": not a whole number: \"twintig\"",
            "row 7, column \"jaar\"",
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

#[test]
fn wrong_usage_exits_2() {
    let run = richttarief(&["run", "--confg", "x.toml"], &[], &root());
    run.expect_code(2);
    assert!(run.stderr().contains("--confg"), "{}", run.stderr());
}

// ---------------------------------------------------------------------------------------
// check and explain

fn check(rtp: &str, groep: Option<&str>) -> Run {
    let config = fixture("klein/zn-2027.toml");
    let mut args = vec!["check", "--config", config.to_str().unwrap(), "--rtp", rtp];
    if let Some(g) = groep {
        args.extend(["--groep", g]);
    }
    richttarief(&args, &[], &root())
}

#[test]
fn check_passes_at_the_rtp_with_margins() {
    // VV/intramuraal: RTP 97.0; break-evens 95.3132, 95.7629, 96.9444, 97.4906; 3 of 4 needed.
    let run = check("97.0", Some("VV/intramuraal"));
    run.expect_code(0);
    let out = run.stdout();
    assert!(out.contains("VV/intramuraal at 97.0%: pass"), "{out}");
    assert!(
        out.contains("3 of 4 (75.00%); needed 3 (75%): pass, margin +0 providers"),
        "{out}"
    );
    // Positive omzet 811300 + 547500 + 411600 = 1770400 of 2010400; 75% is 1507800.
    assert!(
        out.contains(
            "1770400.00 of 2010400.00 (88.06%); needed 1507800.00 (75%): pass, margin 262600.00"
        ),
        "{out}"
    );
    assert!(
        out.contains("lowest RTP that passes: 97.0% (binding: aantal)"),
        "{out}"
    );
    assert!(!out.contains("GGZ"), "only the asked group: {out}");
}

#[test]
fn check_one_grid_step_below_fails_with_exit_3() {
    let run = check("96.9", Some("VV/intramuraal"));
    run.expect_code(3);
    let out = run.stdout();
    assert!(out.contains("VV/intramuraal at 96.9%: FAIL"), "{out}");
    assert!(
        out.contains("2 of 4 (50.00%); needed 3 (75%): FAIL, margin -1 providers"),
        "{out}"
    );
}

#[test]
fn check_every_group_and_unknown_group() {
    let run = check("97.2", None);
    run.expect_code(0);
    assert_eq!(
        run.stdout().matches(": pass\n").count(),
        5,
        "{}",
        run.stdout()
    );
    let run = check("97", Some("VV/alle"));
    run.expect_code(2);
    assert!(
        run.stderr()
            .contains("the groups are: VV/extramuraal, VV/intramuraal"),
        "{}",
        run.stderr()
    );
}

fn explain(kvk: &str) -> Run {
    let config = fixture("klein/zn-2027.toml");
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

#[test]
fn explain_walks_a_provider_with_several_agb_codes_through_every_step() {
    let run = explain("10000003");
    run.expect_code(0);
    let out = run.stdout();
    for fragment in [
        "KvK 10000003  Stichting Castella",
        "source: jaarverslagen.csv row 5",
        "resultaat R = B − L + FB − FL = 6000.00",
        "claimed under: AGB 20000003, AGB 20000033",
        "D = Σd 482950.00   K = Σk 12500.00   X = Σx 0.00   S = Σs 470450.00   S_max = Σs_max 485000.00",
        "realised percentage p = S / S_max = 97.0000%",
        "a = 80.3396%; intramural when a ≥ 1.00%  → cluster intramuraal",
        "break-even r* = 95.7629%",
        "Group VV/intramuraal: RTP 97.0% (binding: aantal, 4 providers)",
        "R(RTP) = 6000.00  → positive",
    ] {
        assert!(out.contains(fragment), "lacks {fragment:?}:\n{out}");
    }
    // VPT integral: 500 days at €180 with €25 capital embedded, paid €87,675:
    // k = 500·25 = 12500, s = 87675 − 12500 = 75175, s_max = 500·(180 − 25) = 77500.
    let vpt: Vec<&str> = out
        .lines()
        .find(|l| l.trim_start().starts_with("VPT4VV"))
        .unwrap()
        .split_whitespace()
        .collect();
    assert_eq!(
        vpt,
        [
            "VPT4VV", "VV", "vpt", "zorg", "500", "87675.00", "180.00", "25.00", "12500.00",
            "0.00", "75175.00", "77500.00"
        ]
    );
}

#[test]
fn explain_an_excluded_provider_gives_the_reason() {
    let run = explain("10000011");
    run.expect_code(0);
    assert!(
        run.stdout()
            .contains("Excluded from the population: nieuwe aanbieder"),
        "{}",
        run.stdout()
    );
    let run = explain("12345678");
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("KvK 12345678 has neither a jaarverslag nor claims over 2024"),
        "{}",
        run.stderr()
    );
}

// ---------------------------------------------------------------------------------------
// The README's main command

#[test]
fn run_without_config_uses_the_sample_data() {
    let dir = scratch("voorbeeld");
    let run = richttarief(
        &["run", "--out", dir.join("uit").to_str().unwrap()],
        &[],
        &root(),
    );
    run.expect_code(0);
    let rtp = read(&dir.join("uit/rtp.csv"));
    let groups: BTreeMap<String, String> = rtp
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (format!("{}/{}", f[0], f[1]), f[6].to_string())
        })
        .collect();
    assert_eq!(
        groups.len(),
        6,
        "both clusters of all three sectors:\n{rtp}"
    );
    assert!(
        run.stdout()
            .contains("RTP per groep (model zn-2027), referentiejaar 2024"),
        "{}",
        run.stdout()
    );
}

// ---------------------------------------------------------------------------------------
// Options and renames

#[test]
fn golden_non_default_options() {
    // ρ = W/D, omzet_basis wlz, sector from the accounts, exactly 1% counted extramural,
    // "> 0", a 0.25-point grid and a 90% floor. By hand for 10000004: ρ = 235000 / 235200,
    // ρ·K = 29974.489… → 29974.49, O = W − ρ·K = 205025.51; r* = 0.95 − 500 / (ρ·216000)
    // = 94.7683%. 10000005 (exactly 1% intramural) is extramural here.
    let out = scratch("opties").join("uit");
    run_config(&fixture("klein/opties.toml"), &out).expect_code(0);
    let providers = read(&out.join("aanbieders.csv"));
    assert!(
        providers.contains("10000004,Thuiszorg De Dijk,VV,extramuraal,0.0000,205025.51,500.00,"),
        "{providers}"
    );
    assert!(providers.contains(",94.7683,"), "{providers}");
    assert!(
        providers.contains("10000005,Wijkzorg Eemland,VV,extramuraal,1.0000,"),
        "{providers}"
    );
    compare_golden(&out, &fixture("klein/verwacht/opties"));
}

#[test]
fn digimv_headers_read_through_kolommen_renames() {
    let dir = copy_fixture("klein");
    let text = read(&dir.join("jaarverslagen.csv"))
        .replacen("bedrijfsopbrengsten", "qTotaalBaten_0", 1)
        .replacen("financiele_lasten", "QFINANCIELELASTEN_0", 1);
    std::fs::write(dir.join("jaarverslagen.csv"), text).unwrap();
    let config = with_tables(
        &read(&dir.join("zn-2027.toml")),
        "[kolommen]\nbedrijfsopbrengsten = \"qTotaalBaten_0\"\nfinanciele_lasten = \"qFinancieleLasten_0\"\n",
    );
    std::fs::write(dir.join("zn-2027.toml"), config).unwrap();
    same_as_klein(&dir.join("zn-2027.toml"));
}

#[test]
fn bad_spreadsheet_cell_is_named_by_sheet_and_cell() {
    let dir = copy_fixture("klein");
    std::fs::copy(
        fixture("varianten/jaarverslagen_fout.xlsx"),
        dir.join("jaarverslagen_fout.xlsx"),
    )
    .unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "jaarverslagen.csv",
        "jaarverslagen_fout.xlsx",
    );
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(1);
    let expected = "jaarverslagen_fout.xlsx: sheet \"Blad1\", cell F3, column \"bedrijfslasten\": not a number: \"n.v.t.\"";
    assert!(run.stderr().contains(expected), "{}", run.stderr());
    assert!(!out.exists());
}

#[test]
fn golden_manifests_of_the_format_variants() {
    for variant in ["komma", "xlsx", "ods"] {
        let out = scratch(variant).join("uit");
        run_config(&fixture(&format!("varianten/{variant}.toml")), &out).expect_code(0);
        compare_golden(&out, &fixture(&format!("varianten/verwacht/{variant}")));
    }
}

// ---------------------------------------------------------------------------------------
// Found in review: each of these once gave a wrong number, a panic or a leak.

#[test]
fn bad_unquoted_thousands_separator_is_not_read_as_a_smaller_amount() {
    bad_input(
        "declaraties.csv",
        |t| t.replace("V4VV,1800,342000.00", "V4VV,1800,342,000.00"),
        &[
            "declaraties.csv",
            "row 7: 7 fields where the header has 6",
            "thousands separators are refused",
        ],
    );
    bad_input(
        "jaarverslagen.csv",
        |t| t.replace("480000.00,410000.00", "480000,00,410000.00"),
        &[
            "jaarverslagen.csv",
            "row 4: 11 fields where the header has 10",
        ],
    );
}

#[test]
fn one_claims_file_named_twice_is_read_once_and_a_copy_is_refused() {
    let dir = copy_fixture("klein");
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = \"declaraties.csv\"",
        "declaraties = [\"declaraties.csv\", \"./declaraties.csv\", \"declaratie*.csv\"]",
    );
    same_as_klein(&dir.join("zn-2027.toml"));
    std::fs::copy(dir.join("declaraties.csv"), dir.join("kopie.csv")).unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = [\"declaraties.csv\", \"./declaraties.csv\", \"declaratie*.csv\"]",
        "declaraties = [\"declaraties.csv\", \"kopie.csv\"]",
    );
    let run = run_config(&dir.join("zn-2027.toml"), &dir.join("uit"));
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("kopie.csv has the same content as declaraties.csv"),
        "{}",
        run.stderr()
    );
    assert!(!dir.join("uit").exists());
}

#[test]
fn bad_float_noise_is_refused_not_a_panic() {
    bad_input(
        "declaraties.csv",
        |t| {
            t.replace(
                "20000007,2024,GGZW3,600,172800.00",
                "20000007,2024,GGZW3,0.30000000000000004,172800.00",
            )
        },
        &[
            "declaraties.csv",
            "row 21",
            "column \"aantal\"",
            "0.30000000000000004 has more than 6 decimals",
        ],
    );
}

#[test]
fn a_claims_file_without_header_line_does_not_echo_its_first_line() {
    bad_input(
        "declaraties.csv",
        |t| t.lines().skip(1).collect::<Vec<_>>().join("\n") + "\n",
        &[
            "declaraties.csv: missing required column \"agb\"",
            "headers found: (a value)",
            "is the header line missing?",
        ],
    );
    let dir = copy_fixture("klein");
    let text = read(&dir.join("declaraties.csv"));
    std::fs::write(
        dir.join("declaraties.csv"),
        text.lines().skip(1).collect::<Vec<_>>().join("\n"),
    )
    .unwrap();
    let run = run_config(&dir.join("zn-2027.toml"), &dir.join("uit"));
    assert!(!run.stderr().contains("111222333"), "{}", run.stderr());
}

#[test]
fn windows_1252_names_keep_their_accents() {
    let dir = copy_fixture("klein");
    let mut bytes = std::fs::read(dir.join("jaarverslagen.csv")).unwrap();
    let at = bytes.windows(9).position(|w| w == b"Beukenhof").unwrap();
    bytes.splice(at..at + 9, b"Beukenh\xf6f".iter().copied());
    std::fs::write(dir.join("jaarverslagen.csv"), bytes).unwrap();
    let out = dir.join("uit");
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
    assert!(read(&out.join("aanbieders.csv")).contains("10000002,Zorgcentrum Beukenhöf,"));
}

#[test]
fn check_names_the_lowest_passing_rtp_also_when_rounding_to_nearest() {
    let dir = copy_fixture("klein");
    let config = with_tables(
        &read(&dir.join("zn-2027.toml")),
        "[berekening]\nafronden = \"dichtstbij\"\n",
    );
    std::fs::write(dir.join("zn-2027.toml"), config).unwrap();
    // VV/intramuraal: binding point 96.9444 rounds to the nearest 96.9, where 2 of 4 pass.
    let args = [
        "check",
        "--config",
        "zn-2027.toml",
        "--rtp",
        "96.9",
        "--groep",
        "VV/intramuraal",
    ];
    let run = richttarief(&args, &[], &dir);
    run.expect_code(3);
    assert!(
        run.stdout()
            .contains("lowest RTP that passes: 97.0% (binding: aantal)"),
        "{}",
        run.stdout()
    );
}

#[test]
fn labels_follow_nul_is_positief() {
    let run = richttarief(
        &[
            "run",
            "--config",
            "opties.toml",
            "--out",
            scratch("labels").join("uit").to_str().unwrap(),
        ],
        &[],
        &fixture("klein"),
    );
    run.expect_code(0);
    assert!(
        run.stdout().contains("% aanbieders > 0  % omzet > 0"),
        "{}",
        run.stdout()
    );
}

// ---------------------------------------------------------------------------------------
// generate

fn generate(out: &Path, seed: &str, format: &str) -> Run {
    let args = [
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--aanbieders",
        "60",
        "--declaratieregels",
        "20000",
        "--seed",
        seed,
        "--formaat",
        format,
    ];
    let run = richttarief(&args, &[], &root());
    run.expect_code(0);
    run
}

#[test]
fn generate_is_deterministic_for_a_seed() {
    let (a, b, c) = (scratch("gen-a"), scratch("gen-b"), scratch("gen-c"));
    generate(&a, "7", "csv.gz");
    generate(&b, "7", "csv.gz");
    generate(&c, "8", "csv.gz");
    for f in [
        "jaarverslagen.csv",
        "declaraties.csv.gz",
        "tarieven.csv",
        "koppeltabel.csv",
        "richttarief.toml",
    ] {
        assert_eq!(
            std::fs::read(a.join(f)).unwrap(),
            std::fs::read(b.join(f)).unwrap(),
            "{f} differs for one seed"
        );
    }
    assert_ne!(
        std::fs::read(a.join("declaraties.csv.gz")).unwrap(),
        std::fs::read(c.join("declaraties.csv.gz")).unwrap()
    );
}

#[test]
fn generated_claims_read_the_same_as_csv_gzip_and_parquet() {
    let mut outputs = Vec::new();
    for format in ["csv", "csv.gz", "parquet"] {
        let dir = scratch(&format!("gen-{format}"));
        generate(&dir, "3", format);
        let out = dir.join("uit");
        let run = run_config(&dir.join("richttarief.toml"), &out);
        run.expect_code(0);
        assert!(
            run.stderr().contains("20000 claim lines"),
            "{}",
            run.stderr()
        );
        outputs.push(out);
    }
    assert_same_csv_outputs(&outputs[0], &outputs[1]);
    assert_same_csv_outputs(&outputs[0], &outputs[2]);
    // A believable data set: six groups, RTPs in the range real publications show, and
    // the exclusions the generator plants (no claims, no accounts, a new provider).
    let rtp = read(&outputs[0].join("rtp.csv"));
    let rtps: Vec<f64> = rtp
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(6).unwrap().parse().unwrap())
        .collect();
    assert_eq!(rtps.len(), 6, "{rtp}");
    assert!(rtps.iter().all(|r| (93.0..=99.0).contains(r)), "{rtp}");
    let excluded = read(&outputs[0].join("uitgesloten.csv"));
    for reason in [
        "geen Wlz-declaraties over 2024",
        "geen jaarverslag over 2024",
        "nieuwe aanbieder",
    ] {
        assert!(excluded.contains(reason), "{excluded}");
    }
}

// ---------------------------------------------------------------------------------------
// The parallel readers against a reference, on files of many chunks

/// Σ aantal and Σ bedrag per (AGB, prestatiecode) of 2024, by the simplest possible path:
/// the csv crate and `Decimal`, one line after another.
fn reference_sums(
    csv_path: &Path,
) -> BTreeMap<(String, String), (rust_decimal::Decimal, rust_decimal::Decimal)> {
    use std::str::FromStr;
    let mut sums = BTreeMap::new();
    for r in csv::Reader::from_path(csv_path).unwrap().records() {
        let r = r.unwrap();
        if &r[1] != "2024" {
            continue;
        }
        let e = sums
            .entry((r[0].to_string(), r[2].to_string()))
            .or_insert((rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ZERO));
        e.0 += rust_decimal::Decimal::from_str(&r[3]).unwrap();
        e.1 += rust_decimal::Decimal::from_str(&r[4]).unwrap();
    }
    sums
}

fn tool_sums(
    config: &Path,
) -> BTreeMap<(String, String), (rust_decimal::Decimal, rust_decimal::Decimal)> {
    use richttarief::ingest::{claims::Claimant, fuzzing::read_claims};
    let config = richttarief::config::load(config).unwrap();
    let raw = read_claims(&config).unwrap();
    raw.sorted()
        .into_iter()
        .map(|(who, code, s)| {
            let agb = match who {
                Claimant::Agb(a) => a.to_string(),
                Claimant::Kvk(k) => panic!("generated claims carry AGB codes, not KvK {k}"),
            };
            ((agb, code), (s.aantal, s.bedrag))
        })
        .collect()
}

#[test]
fn parallel_readers_equal_a_reference_sum_to_the_cent() {
    // 300,000 lines: about 13 MB of CSV, several 4 MiB chunks and Parquet slices.
    let args = |dir: &Path, format: &str| {
        let d = dir.to_str().unwrap().to_string();
        vec![
            "generate".to_string(),
            "--out".into(),
            d,
            "--aanbieders".into(),
            "150".into(),
            "--declaratieregels".into(),
            "300000".into(),
            "--seed".into(),
            "11".into(),
            "--formaat".into(),
            format.into(),
        ]
    };
    let mut results = Vec::new();
    let mut csv_dir = PathBuf::new();
    for format in ["csv", "csv.gz", "parquet"] {
        let dir = scratch(&format!("ref-{format}"));
        let a = args(&dir, format);
        richttarief(
            &a.iter().map(String::as_str).collect::<Vec<_>>(),
            &[],
            &root(),
        )
        .expect_code(0);
        results.push(tool_sums(&dir.join("richttarief.toml")));
        if format == "csv" {
            csv_dir = dir;
        }
    }
    let reference = reference_sums(&csv_dir.join("declaraties.csv"));
    assert!(
        reference.len() > 1000,
        "a real test needs many groups: {}",
        reference.len()
    );
    for (format, got) in ["csv", "csv.gz", "parquet"].iter().zip(&results) {
        assert!(
            *got == reference,
            "{format} differs from the reference sums"
        );
    }
}

#[test]
fn errors_found_on_different_workers_come_out_in_line_order() {
    let dir = scratch("chunks");
    let d = dir.to_str().unwrap();
    richttarief(
        &[
            "generate",
            "--out",
            d,
            "--aanbieders",
            "100",
            "--declaratieregels",
            "250000",
            "--formaat",
            "csv",
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    let path = dir.join("declaraties.csv");
    let mut lines: Vec<String> = read(&path).lines().map(String::from).collect();
    // Line numbers are 1-based with the header as line 1; break lines 5, 200000 and 249000.
    for n in [249_000usize, 5, 200_000] {
        let fields: Vec<&str> = lines[n - 1].split(',').collect();
        lines[n - 1] = format!(
            "{},{},{},{},n.v.t.,{}",
            fields[0], fields[1], fields[2], fields[3], fields[5]
        );
    }
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    let run = run_config(&dir.join("richttarief.toml"), &dir.join("uit"));
    run.expect_code(1);
    let err = run.stderr();
    let expected = "3 invalid values in declaraties.csv; first 3:\n  row 5, column \"bedrag\": not a number: \"n.v.t.\"\n  row 200000, column \"bedrag\": not a number: \"n.v.t.\"\n  row 249000, column \"bedrag\"";
    assert!(err.contains(expected), "{err}");
}

#[test]
fn a_bad_value_in_a_parquet_file_of_the_fast_shape_is_named_by_row() {
    let dir = scratch("pq-bad");
    let d = dir.to_str().unwrap();
    richttarief(
        &[
            "generate",
            "--out",
            d,
            "--aanbieders",
            "40",
            "--declaratieregels",
            "5000",
            "--formaat",
            "parquet",
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    let path = dir.join("declaraties.parquet");
    let reader = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(
        std::fs::File::open(&path).unwrap(),
    )
    .unwrap()
    .build()
    .unwrap();
    let batches: Vec<arrow_array::RecordBatch> = reader.map(Result::unwrap).collect();
    let schema = batches[0].schema();
    let agb_at = schema.index_of("agb").unwrap();
    // Row 1234 (1-based) gets a seven-digit AGB code; every other value keeps the fast shape.
    let mut row = 0;
    let mut writer = parquet::arrow::ArrowWriter::try_new(
        std::fs::File::create(&path).unwrap(),
        schema.clone(),
        None,
    )
    .unwrap();
    for batch in &batches {
        let agb: arrow_array::StringArray = batch
            .column(agb_at)
            .as_any()
            .downcast_ref::<arrow_array::StringArray>()
            .unwrap()
            .iter()
            .map(|v| {
                row += 1;
                if row == 1234 {
                    Some("1234567".to_string())
                } else {
                    v.map(str::to_string)
                }
            })
            .collect();
        let mut columns = batch.columns().to_vec();
        columns[agb_at] = std::sync::Arc::new(agb);
        writer
            .write(&arrow_array::RecordBatch::try_new(schema.clone(), columns).unwrap())
            .unwrap();
    }
    writer.close().unwrap();
    let run = run_config(&dir.join("richttarief.toml"), &dir.join("uit"));
    run.expect_code(1);
    let expected = "1 invalid value in declaraties.parquet: row 1234, column \"agb\": expected 8 digits, found \"1234567\"";
    assert!(run.stderr().contains(expected), "{}", run.stderr());
}

// ---------------------------------------------------------------------------------------
// What analysts open: the workbook, the figures and the HTML report

fn klein_run() -> PathBuf {
    let out = scratch("rapport").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    out
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn the_workbook_holds_the_same_numbers_as_the_csv_files() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let out = klein_run();
    let mut wb: Xlsx<_> = open_workbook(out.join("rapport.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Samenvatting",
            "Aanbieders",
            "Uitgesloten",
            "Configuratie",
            "Curves"
        ]
    );
    let number = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };

    // Samenvatting: per group the RTP as a real number (a fraction shown as percent).
    let s = wb.worksheet_range("Samenvatting").unwrap();
    assert_eq!(s.get_value((0, 1)), Some(&Data::String("zn-2027".into())));
    let rtp = csv_rows(&out.join("rtp.csv"));
    for (i, row) in rtp.iter().enumerate() {
        let r = 4 + i as u32;
        assert_eq!(s.get_value((r, 0)), Some(&Data::String(row[0].clone())));
        assert_eq!(
            number(s.get_value((r, 2)).unwrap()),
            row[2].parse::<f64>().unwrap()
        );
        assert!(
            (number(s.get_value((r, 3)).unwrap()) - row[3].parse::<f64>().unwrap()).abs() < 0.005,
            "omzet of {row:?}"
        );
        assert!(
            (number(s.get_value((r, 6)).unwrap()) * 100.0 - row[6].parse::<f64>().unwrap()).abs()
                < 1e-9,
            "rtp of {row:?}"
        );
    }

    // Aanbieders: every provider, amounts as numbers equal to the CSV's to the cent.
    let a = wb.worksheet_range("Aanbieders").unwrap();
    let providers = csv_rows(&out.join("aanbieders.csv"));
    assert_eq!(a.height(), providers.len() + 1);
    for (i, row) in providers.iter().enumerate() {
        let r = 1 + i as u32;
        assert_eq!(a.get_value((r, 0)), Some(&Data::String(row[0].clone())));
        for c in [5u32, 6, 7, 8, 9, 10, 11, 14] {
            let got = number(a.get_value((r, c)).unwrap());
            assert!(
                (got - row[c as usize].parse::<f64>().unwrap()).abs() < 0.005,
                "row {r} column {c}: {got} vs {}",
                row[c as usize]
            );
        }
        assert_eq!(a.get_value((r, 15)), Some(&Data::String(row[15].clone())));
    }

    // Uitgesloten and Configuratie.
    let u = wb.worksheet_range("Uitgesloten").unwrap();
    assert_eq!(
        u.get_value((3, 2)),
        Some(&Data::String("nieuwe aanbieder".into()))
    );
    let c = wb.worksheet_range("Configuratie").unwrap();
    let text: Vec<String> = c
        .rows()
        .flat_map(|r| r.iter().map(|d| d.to_string()))
        .collect();
    assert!(
        text.contains(&"berekening.nhc_nic_strippen".to_string()),
        "{text:?}"
    );
    let manifest = read(&out.join("manifest.json"));
    let sha = manifest
        .split("\"sha256\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(
        text.contains(&sha.to_string()),
        "the first input's SHA-256 is on the sheet"
    );

    // Curves: the data behind the figures. VV/intramuraal steps at the four break-evens,
    // 95.3132, 95.7629, 96.9444 and 97.4906 (see aanbieders.csv), to 100% of providers.
    let k = wb.worksheet_range("Curves").unwrap();
    let vv: Vec<(f64, f64)> = k
        .rows()
        .skip(1)
        .filter(|r| r[0] == Data::String("VV".into()) && r[1] == Data::String("intramuraal".into()))
        .map(|r| (number(&r[2]) * 100.0, number(&r[3])))
        .collect();
    let expected = [
        (95.3132, 0.25),
        (95.7629, 0.5),
        (96.9444, 0.75),
        (97.4906, 1.0),
    ];
    assert_eq!(vv.len(), 4, "{vv:?}");
    for ((r, s), (er, es)) in vv.iter().zip(expected) {
        assert!((r - er).abs() < 1e-4 && (s - es).abs() < 1e-9, "{vv:?}");
    }
}

#[test]
fn figures_are_png_and_svg_per_group_with_the_rtp_marked() {
    let out = klein_run();
    let groups: Vec<String> = csv_rows(&out.join("rtp.csv"))
        .iter()
        .map(|r| format!("{}-{}", r[0].to_lowercase(), r[1]))
        .collect();
    for g in &groups {
        for kind in ["aandelen", "breakeven", "marge"] {
            let png = std::fs::read(out.join(format!("figuren/{g}-{kind}.png"))).unwrap();
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{g}-{kind}.png is a PNG");
            let (w, h) = (
                u32::from_be_bytes(png[16..20].try_into().unwrap()),
                u32::from_be_bytes(png[20..24].try_into().unwrap()),
            );
            assert_eq!((w, h), (900, 540));
            let svg = read(&out.join(format!("figuren/{g}-{kind}.svg")));
            assert!(
                svg.starts_with("<svg") && svg.contains("viewBox"),
                "{g}-{kind}.svg"
            );
        }
    }
    // VV/intramuraal has RTP 97.0: its curves name it, with a decimal comma, in the legend.
    let svg = read(&out.join("figuren/vv-intramuraal-aandelen.svg"));
    for label in [
        "RTP 97,0%",
        "criterium 75%",
        "aanbieders",
        "omzet",
        "percentage van het NZa-maximumtarief (%)",
    ] {
        assert!(svg.contains(label), "lacks {label:?}");
    }
}

#[test]
fn the_html_report_stands_alone() {
    let out = klein_run();
    let html = read(&out.join("rapport.html"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for absent in ["<script", "src=", "href=", "<link", "@import"] {
        assert!(
            !html.contains(absent),
            "the page must not load anything: found {absent:?}"
        );
    }
    let groups = csv_rows(&out.join("rtp.csv"));
    assert_eq!(
        html.matches("<svg").count(),
        3 * groups.len(),
        "three figures per group, inline"
    );
    for g in &groups {
        assert!(
            html.contains(&format!("<h2>{} {}</h2>", g[0], g[1])),
            "a section for {g:?}"
        );
    }
    assert!(
        html.contains("RTP <strong>97,0%</strong> (bindend: aantal)"),
        "VV/intramuraal"
    );
    // The provider that decides VV/intramuraal: the 3rd of 4 break-evens, Zorgcentrum Beukenhof.
    assert!(html.contains("<td class=\"num\">3</td><td>10000002</td><td>Zorgcentrum Beukenhof</td><td class=\"num\">96,9444%</td>"), "deciding provider");
    assert!(
        html.contains("<td>10000011</td><td>Kleinschalig Wonen Kade</td><td>nieuwe aanbieder</td>"),
        "exclusions with reasons"
    );
    assert!(
        html.contains("Stichting Aurora, locatie Noord"),
        "names as they are"
    );
}

// ---------------------------------------------------------------------------------------
// scenarios

fn scenarios(extra: &[&str], env: &[(&str, &str)], out: &Path) -> Run {
    let mut args = vec![
        "scenarios",
        "--config",
        "tests/fixtures/klein/zn-2027.toml",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    richttarief(&args, env, &root())
}

/// The rows of an rtp.csv with `scenario,` before each, without the header.
fn as_scenario_rows(naam: &str, rtp_csv: &str) -> String {
    rtp_csv
        .lines()
        .skip(1)
        .map(|l| format!("{naam},{l}\n"))
        .collect()
}

#[test]
fn scenarios_equal_separate_runs_of_the_same_configurations() {
    let out = scratch("scenarios").join("uit");
    let run = scenarios(
        &[
            "--scenarios",
            "tests/fixtures/klein/scenarios.toml",
            "--presets",
        ],
        &[],
        &out,
    );
    run.expect_code(0);
    // opties changes which jaarverslag columns are required: a second reading, no more.
    assert!(
        run.stderr()
            .contains("solved 6 scenarios from 2 readings of the inputs"),
        "{}",
        run.stderr()
    );
    let got = read(&out.join("scenarios.csv"));
    let golden = fixture("klein/verwacht");
    let mut expected = read(&golden.join("zn-2027/rtp.csv"))
        .lines()
        .next()
        .map(|h| format!("scenario,{h}\n"))
        .unwrap();
    for (naam, folder) in [
        ("basis", "zn-2027"),
        ("zn-2024", "zn-2024"),
        ("hof-2024", "hof-2024"),
        ("zn-2027", "zn-2027"),
        ("opties", "opties"),
    ] {
        expected += &as_scenario_rows(naam, &read(&golden.join(folder).join("rtp.csv")));
    }
    // drempel-2 is the one scenario without a separate golden run: check it against its
    // own run from a configuration file written out.
    let dir = copy_fixture("klein");
    let config = with_tables(
        &read(&dir.join("zn-2027.toml")),
        "[clustering]\nintramuraal_drempel = 0.02\n",
    );
    std::fs::write(dir.join("drempel-2.toml"), config).unwrap();
    let separate = scratch("drempel-2").join("uit");
    run_config(&dir.join("drempel-2.toml"), &separate).expect_code(0);
    let drempel_2 = read(&separate.join("rtp.csv"));
    assert_ne!(
        drempel_2,
        read(&golden.join("zn-2027/rtp.csv")),
        "the threshold must move someone, or this scenario tests nothing"
    );
    expected += &as_scenario_rows("drempel-2", &drempel_2);
    assert_eq!(got, expected);

    // Each scenario's changes are listed against the base, key by key.
    let differences = read(&out.join("verschillen.csv"));
    for line in [
        "zn-2024,criteria.aandeel_omzet,0.75,0.00",
        "opties,berekening.afronding,0.1,0.25",
        "drempel-2,clustering.intramuraal_drempel,0.01,0.02",
    ] {
        assert!(
            differences.contains(line),
            "{line} missing from\n{differences}"
        );
    }
    assert!(!differences.contains("\nbasis,"), "{differences}");
    // The printed table shows how far each scenario lies from the base.
    assert!(run.stdout().contains("verschil"), "{}", run.stdout());
    // The manifest names the scenarios file by its hash, and which inputs each scenario read.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let file = std::fs::read(fixture("klein/scenarios.toml")).unwrap();
    use sha2::Digest;
    assert_eq!(
        manifest["bron"]["bestand"]["sha256"],
        format!("{:x}", sha2::Sha256::digest(&file))
    );
    assert_eq!(manifest["bron"]["presets"], true);
    let names: Vec<&str> = manifest["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["naam"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "basis",
            "zn-2024",
            "hof-2024",
            "zn-2027",
            "opties",
            "drempel-2"
        ]
    );
    let inputs = manifest["invoer"].as_array().unwrap();
    for s in manifest["scenarios"].as_array().unwrap() {
        let read: Vec<usize> = s["invoer"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i.as_u64().unwrap() as usize)
            .collect();
        let roles: Vec<&str> = read
            .iter()
            .map(|&i| inputs[i]["rol"].as_str().unwrap())
            .collect();
        assert_eq!(
            roles,
            ["jaarverslagen", "tarieven", "koppeltabel", "declaraties"],
            "{}",
            s["naam"]
        );
    }
    assert_eq!(manifest["uitvoer"].as_array().unwrap().len(), 3);
}

#[test]
fn scenarios_give_identical_bytes_for_any_number_of_threads() {
    let mut outs = Vec::new();
    for threads in ["1", "2"] {
        let out = scratch("scenario-threads").join("uit");
        scenarios(
            &[
                "--scenarios",
                "tests/fixtures/klein/scenarios.toml",
                "--presets",
            ],
            &[("RAYON_NUM_THREADS", threads)],
            &out,
        )
        .expect_code(0);
        outs.push(out);
    }
    for f in ["scenarios.csv", "verschillen.csv"] {
        assert_eq!(read(&outs[0].join(f)), read(&outs[1].join(f)), "{f}");
    }
    assert_eq!(
        std::fs::read(outs[0].join("scenarios.xlsx")).unwrap(),
        std::fs::read(outs[1].join("scenarios.xlsx")).unwrap()
    );
    assert_eq!(
        manifest_without_timings(&outs[0]),
        manifest_without_timings(&outs[1])
    );
}

#[test]
fn bad_scenarios_are_named_by_scenario_and_key_and_nothing_runs() {
    let dir = scratch("bad-scenarios");
    let file = dir.join("scenarios.toml");
    std::fs::write(
        &file,
        "[[scenario]]\nnaam = \"goed\"\n\n[[scenario]]\nnaam = \"tikfout\"\n[scenario.criteria]\naandeel_aanbiedrs = 0.8\n\n[[scenario]]\nnaam = \"onmogelijk\"\n[scenario.berekening]\nbovengrens = 250\n",
    )
    .unwrap();
    let out = dir.join("uit");
    // A key that does not exist and an impossible value are reported together...
    let run = scenarios(&["--scenarios", file.to_str().unwrap()], &[], &out);
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("scenarios.toml: 2 problems in the scenarios"),
        "{err}"
    );
    assert!(
        err.contains("scenario \"tikfout\": unknown field `aandeel_aanbiedrs`"),
        "{err}"
    );
    assert!(
        err.contains("scenario \"onmogelijk\": berekening.bovengrens = 250"),
        "{err}"
    );
    assert!(!out.exists(), "nothing may be written");
    // ...and impossible values are found before any data is read.
    std::fs::write(
        &file,
        read(&file).replace("aandeel_aanbiedrs = 0.8", "aandeel_aanbieders = 1.8"),
    )
    .unwrap();
    let run = scenarios(&["--scenarios", file.to_str().unwrap()], &[], &out);
    run.expect_code(1);
    let err = run.stderr();
    assert!(err.contains("2 problems in the scenarios"), "{err}");
    assert!(
        err.contains("scenario \"tikfout\": criteria.aandeel_aanbieders = 1.8"),
        "{err}"
    );
    assert!(
        err.contains("scenario \"onmogelijk\": berekening.bovengrens = 250"),
        "{err}"
    );
    assert!(!err.contains("read "), "no input may be read: {err}");
    assert!(!out.exists(), "nothing may be written");
    // Without a scenarios file or --presets there is nothing to compare: wrong usage.
    scenarios(&[], &[], &out).expect_code(2);
}

// ---------------------------------------------------------------------------------------
// sensitivity

fn sensitivity(config: &Path, extra: &[&str], env: &[(&str, &str)], out: &Path) -> Run {
    let mut args = vec![
        "sensitivity",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    richttarief(&args, env, &root())
}

/// The rtp column of one group in an rtp.csv.
fn rtp_of(rtp_csv: &str, sector: &str, cluster: &str) -> String {
    rtp_csv
        .lines()
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[0] == sector && f[1] == cluster)
        .map(|f| f[6].to_string())
        .unwrap_or_else(|| panic!("no {sector}/{cluster} in\n{rtp_csv}"))
}

#[test]
fn leave_one_out_equals_a_run_with_that_provider_excluded() {
    let dir = copy_fixture("klein");
    let out = scratch("loo").join("uit");
    sensitivity(&dir.join("zn-2027.toml"), &["--resamples", "50"], &[], &out).expect_code(0);
    // Names may hold commas: read it as CSV.
    let rows: Vec<Vec<String>> = csv::Reader::from_path(out.join("weglaten.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let vv: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[0] == "VV" && r[1] == "intramuraal")
        .collect();
    assert_eq!(vv.len(), 4, "VV/intramuraal has four providers");
    // Each row's rtp_zonder must be what a run excluding that provider publishes.
    let base = read(&dir.join("zn-2027.toml"));
    for r in &vv {
        let kvk = &r[2];
        let config = base.replace(
            "kvk = [{ kvk = \"10000011\", reden = \"nieuwe aanbieder\" }]",
            &format!(
                "kvk = [{{ kvk = \"10000011\", reden = \"nieuwe aanbieder\" }}, {{ kvk = \"{kvk}\", reden = \"weggelaten\" }}]"
            ),
        );
        assert_ne!(config, base);
        std::fs::write(dir.join("zonder.toml"), config).unwrap();
        let separate = scratch("loo-run").join("uit");
        run_config(&dir.join("zonder.toml"), &separate).expect_code(0);
        assert_eq!(
            r[5],
            rtp_of(&read(&separate.join("rtp.csv")), "VV", "intramuraal"),
            "without {kvk}"
        );
    }
    // A group of one has no RTP without its provider: the cell is empty, not a number.
    let alone = rows.iter().find(|r| r[0] == "GZ").unwrap();
    assert_eq!((alone[5].as_str(), alone[6].as_str()), ("", ""));
    // The biggest mover comes first within its group.
    let moves: Vec<f64> = vv
        .iter()
        .map(|r| r[6].parse::<f64>().unwrap().abs())
        .collect();
    assert!(moves.windows(2).all(|w| w[0] >= w[1]), "{moves:?}");
}

#[test]
fn sweeps_equal_runs_at_the_swept_values() {
    let dir = copy_fixture("klein");
    let out = scratch("sweep").join("uit");
    sensitivity(&dir.join("zn-2027.toml"), &["--resamples", "10"], &[], &out).expect_code(0);
    // criteria.csv varies one share at a time: check the count share at 80% with the
    // threshold at its configured 1%, and the threshold at 2% with the share at 75%.
    let at = |file: &str, lead: &str| -> Vec<String> {
        read(&out.join(file))
            .lines()
            .filter(|l| l.starts_with(lead))
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                let skip = lead.matches(',').count();
                format!("{},{},{}", f[skip], f[skip + 1], f[skip + 3])
            })
            .collect()
    };
    let expected = |toml: &str| -> Vec<String> {
        let separate = scratch("sweep-run").join("uit");
        std::fs::write(dir.join("punt.toml"), toml).unwrap();
        run_config(&dir.join("punt.toml"), &separate).expect_code(0);
        read(&separate.join("rtp.csv"))
            .lines()
            .skip(1)
            .map(|l| {
                let f: Vec<&str> = l.split(',').collect();
                format!("{},{},{}", f[0], f[1], f[6])
            })
            .collect()
    };
    let base = read(&dir.join("zn-2027.toml"));
    let share_80 = with_tables(&base, "[criteria]\naandeel_aanbieders = 0.8\n");
    assert_eq!(
        at("criteria.csv", "aandeel_aanbieders,80.0,"),
        expected(&share_80)
    );
    let omzet_90 = with_tables(&base, "[criteria]\naandeel_omzet = 0.9\n");
    assert_eq!(
        at("criteria.csv", "aandeel_omzet,90.0,"),
        expected(&omzet_90)
    );
    let drempel_2 = with_tables(&base, "[clustering]\nintramuraal_drempel = 0.02\n");
    let got = at("drempel.csv", "2.0,");
    assert_eq!(got, expected(&drempel_2));
    assert_ne!(
        got,
        at("drempel.csv", "1.0,"),
        "2% must move 10000005, or this tests nothing"
    );
    for f in ["vv-intramuraal-drempel.svg", "vv-intramuraal-criteria.png"] {
        assert!(out.join("figuren").join(f).is_file(), "{f}");
    }
}

#[test]
fn sensitivity_gives_identical_bytes_for_any_thread_count_and_a_seed() {
    let config = root().join("data/voorbeeld/richttarief.toml");
    let mut outs = Vec::new();
    for (threads, seed) in [("1", "5"), ("2", "5"), ("2", "6")] {
        let out = scratch("sens-threads").join("uit");
        sensitivity(
            &config,
            &["--resamples", "300", "--seed", seed],
            &[("RAYON_NUM_THREADS", threads)],
            &out,
        )
        .expect_code(0);
        outs.push(out);
    }
    let files = |dir: &Path| -> BTreeMap<String, Vec<u8>> {
        let mut all = BTreeMap::new();
        for sub in ["", "figuren"] {
            for e in std::fs::read_dir(dir.join(sub)).unwrap() {
                let e = e.unwrap();
                let name = format!("{sub}/{}", e.file_name().to_string_lossy());
                if e.file_type().unwrap().is_file() && !name.ends_with("manifest.json") {
                    all.insert(name, std::fs::read(e.path()).unwrap());
                }
            }
        }
        all
    };
    let (one, two, other_seed) = (files(&outs[0]), files(&outs[1]), files(&outs[2]));
    assert!(one.len() > 20, "{:?}", one.keys());
    assert_eq!(one, two, "1 and 2 threads must give the same bytes");
    assert_eq!(
        manifest_without_timings(&outs[0]),
        manifest_without_timings(&outs[1])
    );
    assert_ne!(
        one["/bootstrap.csv"], other_seed["/bootstrap.csv"],
        "another seed must draw other resamples"
    );
    assert_eq!(one["/weglaten.csv"], other_seed["/weglaten.csv"]);
}

// ---------------------------------------------------------------------------------------
// tarieven

fn tarieven(config: &Path, out: &Path, env: &[(&str, &str)]) -> Run {
    richttarief(
        &[
            "tarieven",
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        env,
        &root(),
    )
}

/// A scratch folder with the sample's data files (not its configuration or kenmerken) and an
/// empty `beleid/`, for tarieven tests that write their own policies and kenmerken.
fn sample_data(name: &str) -> PathBuf {
    let dir = scratch(name);
    for f in [
        "jaarverslagen.csv",
        "declaraties.csv.gz",
        "tarieven.csv",
        "koppeltabel.csv",
    ] {
        std::fs::copy(root().join("data/voorbeeld").join(f), dir.join(f)).unwrap();
    }
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    dir
}

fn csv_records(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
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

#[test]
fn policies_paying_the_rtp_reproduce_the_result_at_the_rtp() {
    // One zorgkantoor with a policy of the bare RTP for every sector and every provider of
    // the sample at it: each result at its tariffs must be its result at the RTP.
    let dir = sample_data("rtp-policy");
    for sector in ["VV", "GZ", "GGZ"] {
        std::fs::write(
            dir.join("beleid").join(format!("{sector}.toml")),
            format!("zorgkantoor = \"VGZ\"\nsector = \"{sector}\"\nperiode = \"test\"\nbron = \"test\"\n[basis]\nrtp = true\n"),
        )
        .unwrap();
    }
    let kvks: Vec<String> = csv_records(&root().join("data/voorbeeld/jaarverslagen.csv"))
        .into_iter()
        .map(|r| r["kvk"].clone())
        .collect();
    // The first provider also buys 40% from CZ, which pays 100% on everything.
    for sector in ["VV", "GZ", "GGZ"] {
        std::fs::write(
            dir.join("beleid").join(format!("cz-{sector}.toml")),
            format!("zorgkantoor = \"CZ\"\nsector = \"{sector}\"\nperiode = \"test\"\nbron = \"test\"\n[basis]\npercentage = 100\n"),
        )
        .unwrap();
    }
    let mut kenmerken = String::from("kvk,zorgkantoor,aandeel\n");
    for (i, k) in kvks.iter().enumerate() {
        if i == 0 {
            kenmerken += &format!("{k},VGZ,0.6\n{k},CZ,0.4\n");
        } else {
            kenmerken += &format!("{k},VGZ,\n");
        }
    }
    std::fs::write(dir.join("kenmerken.csv"), kenmerken).unwrap();
    let config = read(&root().join("data/voorbeeld/richttarief.toml"))
        + "\n[beleid]\nbestanden = [\"beleid/*.toml\"]\n";
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    let out = dir.join("uit");
    tarieven(&dir.join("richttarief.toml"), &out, &[]).expect_code(0);
    let rows = csv_records(&out.join("resultaten.csv"));
    assert_eq!(
        rows.iter().filter(|r| !r["resultaat"].is_empty()).count(),
        57,
        "every provider of the population has a result"
    );
    let first = &kvks[0];
    for r in rows.iter().filter(|r| &r["kvk"] != first) {
        assert_eq!(
            r["resultaat_bij_tarief"], r["resultaat_bij_rtp"],
            "{}",
            r["kvk"]
        );
    }
    // The first: R(RTP) + 0.4·(1 − RTP)·S_max, its care part at 100% for CZ's 40% (ρ = 1).
    let mine = rows
        .iter()
        .find(|r| &r["kvk"] == first)
        .expect("in the population");
    let run_out = dir.join("core");
    run_config(&dir.join("richttarief.toml"), &run_out).expect_code(0);
    let provider = csv_records(&run_out.join("aanbieders.csv"))
        .into_iter()
        .find(|r| &r["kvk"] == first)
        .unwrap();
    let num = |s: &str| s.parse::<f64>().unwrap();
    let expected = num(&provider["resultaat_bij_rtp"])
        + 0.4 * (1.0 - num(&mine["rtp"]) / 100.0) * num(&provider["zorg_max"]);
    assert!(
        (num(&mine["resultaat_bij_tarief"]) - expected).abs() < 0.02,
        "{} against {expected}",
        mine["resultaat_bij_tarief"]
    );
    assert_eq!(mine["zorgkantoren"], "VGZ 60%; CZ 40%");
    // Paying the RTP costs exactly what paying the RTP costs.
    let costs = csv_records(&out.join("kosten.csv"));
    let vgz = costs.iter().find(|c| c["zorgkantoor"] == "VGZ").unwrap();
    assert_eq!(vgz["kosten_beleid"], vgz["kosten_rtp"]);
    assert_eq!(vgz["verschil"], "0.00");
    let cz = costs.iter().find(|c| c["zorgkantoor"] == "CZ").unwrap();
    assert!(
        num(&cz["verschil"]) > 0.0,
        "100% costs more than the RTP: {cz:?}"
    );
}

#[test]
fn tarieven_on_the_sample_traces_every_percentage_and_sums_the_costs() {
    let out = scratch("tarieven").join("uit");
    let config = root().join("data/voorbeeld/richttarief.toml");
    let run = tarieven(&config, &out, &[]);
    run.expect_code(0);
    let lines = csv_records(&out.join("tarieven.csv"));
    assert!(lines.len() > 500, "{}", lines.len());
    // Every line names its policy (or none) and the steps that made its percentage.
    for l in &lines {
        assert!(!l["regels"].is_empty(), "{l:?}");
        let pct: f64 = l["percentage"].parse().unwrap();
        assert!((0.0..=100.0).contains(&pct), "{l:?}");
    }
    // A provider with an essential role at Zilveren Kruis, V&V: 95.5 + 0.5.
    let kenmerken = csv_records(&root().join("data/voorbeeld/kenmerken.csv"));
    let essential = kenmerken
        .iter()
        .find(|k| {
            k["zorgkantoor"] == "Zilveren Kruis"
                && k["essentiele_functie"] == "ja"
                && k["nieuwe_aanbieder"].is_empty()
                && lines.iter().any(|l| {
                    l["kvk"] == k["kvk"]
                        && l["beleid"].ends_with("zilveren-kruis-vv-2024-2026.toml")
                })
        })
        .expect("the sample has an essential V&V provider at Zilveren Kruis");
    let line = lines
        .iter()
        .find(|l| {
            l["kvk"] == essential["kvk"]
                && l["zorgkantoor"] == "Zilveren Kruis"
                && l["component"] == "zorg"
                && l["beleid"].ends_with("zilveren-kruis-vv-2024-2026.toml")
        })
        .unwrap();
    assert_eq!(line["percentage"], "96.00", "{line:?}");
    assert_eq!(line["regels"], "basis 95.5%; essentiele-functie +0.5");
    // Each zorgkantoor's cost is the sum of its lines, to the cent.
    for c in csv_records(&out.join("kosten.csv")) {
        let cents = |s: &str| -> i64 { (s.parse::<f64>().unwrap() * 100.0).round() as i64 };
        let of_lines: i64 = lines
            .iter()
            .filter(|l| l["zorgkantoor"] == c["zorgkantoor"])
            .map(|l| cents(&l["kosten_beleid"]))
            .sum();
        let n = lines
            .iter()
            .filter(|l| l["zorgkantoor"] == c["zorgkantoor"])
            .count() as i64;
        // The lines are rounded to the cent each, the total once.
        assert!(
            (of_lines - cents(&c["kosten_beleid"])).abs() <= n / 2 + 1,
            "{}: {} against {}",
            c["zorgkantoor"],
            of_lines,
            c["kosten_beleid"]
        );
    }
    // The hardship list is the providers below 0 at their tariffs.
    let results = csv_records(&out.join("resultaten.csv"));
    let below: Vec<&String> = results
        .iter()
        .filter(|r| r["resultaat_bij_tarief"].starts_with('-'))
        .map(|r| &r["kvk"])
        .collect();
    let hardship: Vec<String> = csv_records(&out.join("hardheidsclausule.csv"))
        .into_iter()
        .map(|r| r["kvk"].clone())
        .collect();
    assert_eq!(below, hardship.iter().collect::<Vec<_>>());
    assert!(!hardship.is_empty());
    let manifest = read(&out.join("manifest.json"));
    assert!(
        manifest.contains("data/beleid/cz-vv-2024-2026.toml"),
        "the policies are traced"
    );
    assert!(run.stdout().contains("kosten_beleid"), "{}", run.stdout());
    // explain shows the same tariff and its rules.
    let explained = richttarief(
        &[
            "explain",
            "--config",
            config.to_str().unwrap(),
            "--kvk",
            &essential["kvk"],
        ],
        &[],
        &root(),
    );
    explained.expect_code(0);
    assert!(
        explained.stdout().contains("Tariffs per zorgkantoor"),
        "{}",
        explained.stdout()
    );
    assert!(
        explained
            .stdout()
            .contains("basis 95.5%; essentiele-functie +0.5"),
        "{}",
        explained.stdout()
    );
}

#[test]
fn tarieven_gives_identical_bytes_for_any_thread_count() {
    let config = root().join("data/voorbeeld/richttarief.toml");
    let (a, b) = (scratch("tar1").join("uit"), scratch("tar2").join("uit"));
    tarieven(&config, &a, &[("RAYON_NUM_THREADS", "1")]).expect_code(0);
    tarieven(&config, &b, &[("RAYON_NUM_THREADS", "2")]).expect_code(0);
    for f in [
        "tarieven.csv",
        "resultaten.csv",
        "kosten.csv",
        "hardheidsclausule.csv",
        "gesprek.csv",
    ] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    assert_eq!(
        std::fs::read(a.join("tarieven.xlsx")).unwrap(),
        std::fs::read(b.join("tarieven.xlsx")).unwrap()
    );
}

#[test]
fn bad_kenmerken_and_policies_name_file_row_and_rule() {
    let make = |name: &str| -> PathBuf {
        let dir = scratch(name);
        for f in [
            "jaarverslagen.csv",
            "declaraties.csv.gz",
            "tarieven.csv",
            "koppeltabel.csv",
            "kenmerken.csv",
            "richttarief.toml",
        ] {
            std::fs::copy(root().join("data/voorbeeld").join(f), dir.join(f)).unwrap();
        }
        dir
    };
    // An unknown column.
    let dir = make("bad-kenmerken-column");
    let k = read(&dir.join("kenmerken.csv")).replacen(
        "kvk,zorgkantoor,",
        "kvk,zorgkantoor,gouden_rand,",
        1,
    );
    let k: String = k
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                l.replacen(',', ",,", 2).replacen(",,", ",", 1) + "\n"
            }
        })
        .collect();
    std::fs::write(dir.join("kenmerken.csv"), k).unwrap();
    let out = dir.join("uit");
    let run = tarieven(&dir.join("richttarief.toml"), &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("kenmerken.csv: unknown column \"gouden_rand\""),
        "{}",
        run.stderr()
    );
    assert!(!out.exists());
    // An unknown zorgkantoor and a value of the wrong kind, by row and column.
    let dir = make("bad-kenmerken-values");
    let k = read(&dir.join("kenmerken.csv"));
    let mut lines: Vec<String> = k.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen("Salland", "Achmea", 1);
    let monitor = lines[0]
        .split(',')
        .position(|h| h == "monitor_uitkomst")
        .unwrap();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    cells[monitor] = "3".into();
    lines[3] = cells.join(",");
    std::fs::write(dir.join("kenmerken.csv"), lines.join("\n") + "\n").unwrap();
    let run = tarieven(&dir.join("richttarief.toml"), &dir.join("uit"), &[]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("row 2, column \"zorgkantoor\": unknown zorgkantoor \"Achmea\""),
        "{err}"
    );
    assert!(
        err.contains("row 4, column \"monitor_uitkomst\": 3 points is outside -1 to 1"),
        "{err}"
    );
    // A policy that names an unknown characteristic.
    let dir = make("bad-policy");
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    std::fs::write(
        dir.join("beleid/cz.toml"),
        "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron = \"x\"\n[basis]\nrtp = true\n[[regel]]\nnaam = \"glans\"\nbron = \"x\"\nplus = 1\nals = { gouden_rand = true }\n",
    )
    .unwrap();
    let config =
        read(&dir.join("richttarief.toml")) + "\n[beleid]\nbestanden = [\"beleid/*.toml\"]\n";
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    let run = tarieven(&dir.join("richttarief.toml"), &dir.join("uit"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("beleid/cz.toml: regel \"glans\": als.gouden_rand: unknown characteristic"),
        "{}",
        run.stderr()
    );
}

#[test]
fn without_a_policy_every_model_pays_the_rtp_as_the_core_does() {
    // Kenmerken for everyone at VGZ, which has no policy here: every prestatie is paid as
    // the model pays at the RTP, so the result at the tariffs is R(RTP) exactly, also when
    // NHC/NIC are not stripped (hof-2024, zn-2024) and when ρ = W/D.
    for (name, model, appended) in [
        ("hof", "hof-2024", ""),
        ("zn2024", "zn-2024", ""),
        (
            "rho",
            "zn-2027",
            "\n[berekening]\nschaling = \"jaarverslag\"\n",
        ),
    ] {
        let dir = sample_data(&format!("no-policy-{name}"));
        std::fs::write(
            dir.join("beleid/dsw.toml"),
            "zorgkantoor = \"DSW\"\nsector = \"GGZ\"\nperiode = \"test\"\nbron = \"test\"\n[basis]\npercentage = 90\n",
        )
        .unwrap();
        let mut kenmerken = String::from("kvk,zorgkantoor\n");
        for r in csv_records(&root().join("data/voorbeeld/jaarverslagen.csv")) {
            kenmerken += &format!("{},VGZ\n", r["kvk"]);
        }
        std::fs::write(dir.join("kenmerken.csv"), kenmerken).unwrap();
        let config = with_tables(
            &read(&root().join("data/voorbeeld/richttarief.toml"))
                .replace("model = \"zn-2027\"", &format!("model = \"{model}\"")),
            "[beleid]\nbestanden = [\"beleid/*.toml\"]\n",
        ) + appended;
        std::fs::write(dir.join("richttarief.toml"), &config).unwrap();
        let out = dir.join("uit");
        tarieven(&dir.join("richttarief.toml"), &out, &[]).expect_code(0);
        let rows = csv_records(&out.join("resultaten.csv"));
        let with_result: Vec<_> = rows.iter().filter(|r| !r["resultaat"].is_empty()).collect();
        assert!(with_result.len() > 50, "{name}: {}", with_result.len());
        for r in with_result {
            assert_eq!(
                r["resultaat_bij_tarief"], r["resultaat_bij_rtp"],
                "{name}: {}",
                r["kvk"]
            );
        }
        let lines = csv_records(&out.join("tarieven.csv"));
        assert!(
            lines
                .iter()
                .all(|l| l["regels"].starts_with("geen beleid") || l["regels"] == "volledig 100%"),
            "{name}"
        );
    }
}
