//! The sample data in `data/voorbeeld/`: `run` without `--config` runs on it, as the
//! README's first command does.

use crate::common::*;
use std::collections::BTreeMap;

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
