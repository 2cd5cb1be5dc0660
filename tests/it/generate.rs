//! `generate`: the same bytes for a seed, its CSV, CSV.gz and Parquet claims give the same
//! outputs on a believable data set, and the README's command remakes `data/voorbeeld/`
//! byte for byte.

use crate::common::*;
use std::path::Path;

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
fn generated_claims_read_the_same_as_csv_gzip_parquet_and_vektis_files() {
    let mut outputs = Vec::new();
    for format in ["csv", "csv.gz", "parquet", "aw319", "aw320"] {
        let dir = scratch(&format!("gen-{format}"));
        generate(&dir, "3", format);
        let out = dir.join("uit");
        let run = run_config(&dir.join("richttarief.toml"), &out);
        run.expect_code(0);
        // The Vektis files are one per AGB and month, so their lines are counted per file.
        if !format.starts_with("aw") {
            assert!(
                run.stderr().contains("20000 claim lines"),
                "{}",
                run.stderr()
            );
        }
        outputs.push(out);
    }
    for other in &outputs[1..] {
        assert_same_csv_outputs(&outputs[0], other);
    }
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

/// `data/voorbeeld/` is what the command in its README makes, byte for byte, so a change to
/// the generator that would change the sample cannot pass unnoticed: it comes with the
/// sample made again.
#[test]
fn generate_remakes_the_sample_data_byte_for_byte() {
    let out = scratch("voorbeeld-opnieuw").join("voorbeeld");
    let args = [
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--aanbieders",
        "60",
        "--declaratieregels",
        "12000",
        "--seed",
        "2024",
    ];
    richttarief(&args, &[], &root()).expect_code(0);
    let sample = root().join("data/voorbeeld");
    for f in [
        "declaraties.csv.gz",
        "jaarverslagen.csv",
        "tarieven.csv",
        "koppeltabel.csv",
        "kenmerken.csv",
        "contracteerruimte.csv",
        "richttarief.toml",
    ] {
        assert!(
            std::fs::read(out.join(f)).unwrap() == std::fs::read(sample.join(f)).unwrap(),
            "{f} differs from data/voorbeeld/{f}"
        );
    }
}
