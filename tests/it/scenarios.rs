//! `scenarios`: its rows equal separate runs of the same configurations, its bytes do not
//! depend on the thread count, and a bad scenario is named by scenario and key before
//! anything is read.

use crate::common::*;
use std::path::Path;

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
