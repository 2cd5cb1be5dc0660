//! `check` and `explain` on the `klein` fixture, against numbers worked out by hand.

use crate::common::*;

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
