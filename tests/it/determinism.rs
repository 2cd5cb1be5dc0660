//! The same bytes whatever may vary between runs: repeated runs, thread counts and
//! shuffled input lines; and columns outside the contract (the BSN) never reach an output or
//! a message.

use crate::common::*;
use std::path::Path;

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
