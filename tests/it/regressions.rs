//! Found in review: each of these once gave a wrong number, a panic or a leak.

use crate::common::*;

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
