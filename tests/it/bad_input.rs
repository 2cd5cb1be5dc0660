//! Bad input: exit 1 with one message naming the file, row (or sheet and cell), column and
//! value, and no output folder; wrong usage exits 2.

use crate::common::*;

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
fn wrong_usage_exits_2() {
    let run = richttarief(&["run", "--confg", "x.toml"], &[], &root());
    run.expect_code(2);
    assert!(run.stderr().contains("--confg"), "{}", run.stderr());
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
