//! `sensitivity`: leave-one-out equals a run with that provider excluded, sweep points equal
//! runs at those values, and the bytes are the same for a seed on any thread count.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::Path;

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
