//! The short fuzz run: seeded, deterministic and a few seconds long. Structured mutations
//! of valid claims files and random bytes go through the claims reader and the strict
//! reference reader (`strict_claims`), which must agree on whether a file is accepted and
//! on every sum; numbers go through the fast and the strict parser; configuration text
//! goes through `parse_text` and `resolve`. Nothing may panic. The long, coverage-guided
//! run of the same properties is under tests/fuzz.

use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::test_runner::{Config as RunConfig, RngSeed};
use rust_decimal::Decimal;

use richttarief::config::Config;
use richttarief::ingest::claims::Claimant;
use richttarief::ingest::fuzzing;
use richttarief::ingest::number::parse_decimal;

use crate::common::scratch;
use crate::strict_claims;

/// A fixed seed: the same inputs every run, so that a failure is seen again.
fn seeded(cases: u32) -> RunConfig {
    RunConfig {
        cases,
        rng_seed: RngSeed::Fixed(20240101),
        failure_persistence: None,
        ..RunConfig::default()
    }
}

/// A folder with empty stand-ins for the inputs that `resolve` checks exist.
fn stand_ins() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = scratch("fuzz-inputs");
        for f in ["j.csv", "t.csv", "d.csv"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        dir
    })
}

fn config(comma: bool) -> &'static Config {
    static CONFIGS: OnceLock<[Config; 2]> = OnceLock::new();
    let make = |sign: &str| {
        let text = format!(
            "referentiejaar = 2024\ndecimaalteken = {sign:?}\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = \"d.csv\"\n"
        );
        let file = richttarief::config::parse_text(&text).unwrap();
        richttarief::config::resolve(&[&file], stand_ins()).unwrap()
    };
    &CONFIGS.get_or_init(|| [make("."), make(",")])[usize::from(comma)]
}

/// The reader and the reference agree on `bytes`: both refuse, or both accept with the
/// same sums. A panic in the reader fails the test by itself.
fn agree(bytes: &[u8], comma: bool) -> Result<(), TestCaseError> {
    let ours = fuzzing::read_claims_csv(bytes, config(comma));
    let reference = strict_claims::read(bytes, 2024, comma);
    let shown = || String::from_utf8_lossy(&bytes[..bytes.len().min(2000)]).into_owned();
    match (ours, reference) {
        (Ok(ours), Ok(reference)) => {
            let ours: strict_claims::Sums = ours
                .into_iter()
                .map(|(who, code, s)| {
                    let who = match who {
                        Claimant::Agb(a) => ("agb".to_string(), a.to_string()),
                        Claimant::Kvk(k) => ("kvk".to_string(), k.to_string()),
                    };
                    ((who.0, who.1, code), (s.aantal, s.bedrag))
                })
                .collect();
            prop_assert_eq!(ours, reference, "different sums for {:?}", shown());
        }
        (Err(_), Err(_)) => {}
        (Ok(ours), Err(why)) => {
            return Err(TestCaseError::fail(format!(
                "accepted what the reference refuses ({why}): {:?}\nread as {ours:?}",
                shown()
            )));
        }
        (Err(e), Ok(reference)) => {
            return Err(TestCaseError::fail(format!(
                "refused what the reference accepts ({e:#}): {:?}\nreference: {reference:?}",
                shown()
            )));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Claims files

/// Number text near the edges of the grammar: signs, marks, many digits and decimals.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        (-100_000i64..100_000, 0u32..8).prop_map(|(n, s)| Decimal::new(n, s).to_string()),
        "[+-]?[0-9]{0,4}([.,][0-9]{0,8})?",
        "[+-]?[0-9]{20,30}",
        Just("0".to_string()),
    ]
}

fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(vec!["20000001", "20000002", "10000003", "00000004"])
            .prop_map(String::from),
        1 => "[0-9]{7,9}",
        1 => Just(String::new()),
    ]
}

/// A valid-looking claims file: some column order, separator and extra column, lines of
/// two years with identifiers, codes and amounts drawn from small pools.
fn claims_file() -> impl Strategy<Value = (Vec<u8>, bool)> {
    let columns = Just(vec![
        "bsn",
        "agb",
        "kvk",
        "jaar",
        "prestatiecode",
        "aantal",
        "bedrag",
    ])
    .prop_shuffle();
    let line = (
        "[0-9]{9}",
        id_text(),
        id_text(),
        prop::sample::select(vec!["2024", "2023", " 2024 ", "+2024"]),
        prop::sample::select(vec![
            "V4VV",
            "H126",
            "nhc 4",
            "\"V4,VV\"",
            " GGZB4 ",
            "V4VV\u{a0}",
            "\u{b}H126",
        ]),
        number_text(),
        number_text(),
    );
    (
        columns,
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(line, 0..12),
        prop::sample::select(vec!["\n", "\r\n"]),
    )
        .prop_map(|(columns, semicolon, comma, lines, end)| {
            let sep = if semicolon { ";" } else { "," };
            let mut text = columns.join(sep) + end;
            for (bsn, agb, kvk, jaar, code, aantal, bedrag) in lines {
                let comma_ok = |v: String| {
                    if comma {
                        v.replace('.', ",")
                    } else {
                        v
                    }
                };
                let (aantal, bedrag) = (comma_ok(aantal), comma_ok(bedrag));
                let values: Vec<String> = columns
                    .iter()
                    .map(|c| match *c {
                        "bsn" => bsn.clone(),
                        "agb" => agb.clone(),
                        "kvk" => kvk.clone(),
                        "jaar" => jaar.to_string(),
                        "prestatiecode" => code.to_string(),
                        "aantal" => aantal.clone(),
                        _ => bedrag.clone(),
                    })
                    .collect();
                text += &values.join(sep);
                text += end;
            }
            (text.into_bytes(), comma)
        })
}

/// Bytes a mutation inserts: separators, quotes, line ends, white space of every kind,
/// marks, signs, digits, a NUL, bytes that are not UTF-8 and a UTF-8 no-break space.
const INTERESTING: &[&[u8]] = &[
    b",",
    b";",
    b"\"",
    b"\r",
    b"\n",
    b" ",
    b"\t",
    b"\x0b",
    b"\x0c",
    b".",
    b"-",
    b"+",
    b"0",
    b"9",
    b"\x00",
    b"\xc9",
    b"\xff\xfe",
    b"\xc2\xa0",
    b"\xef\xbb\xbf",
    b"e",
    b"_",
    b"\"\"",
];

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, usize),
    Delete(usize, usize),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..INTERESTING.len()).prop_map(|(at, i)| Mutation::Insert(at, i)),
        (any::<usize>(), 1usize..4).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 1usize..40).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let at = |i: usize| {
            if bytes.is_empty() {
                0
            } else {
                i % (bytes.len() + 1)
            }
        };
        match *m {
            Mutation::Insert(i, what) => {
                let at = at(i);
                bytes.splice(at..at, INTERESTING[what].iter().copied());
            }
            Mutation::Delete(i, n) => {
                let at = at(i);
                let end = (at + n).min(bytes.len());
                bytes.drain(at..end);
            }
            Mutation::Duplicate(i, n) => {
                let at = at(i);
                let end = (at + n).min(bytes.len());
                let copy = bytes[at..end].to_vec();
                bytes.splice(end..end, copy);
            }
            Mutation::Truncate(i) => {
                let at = at(i);
                bytes.truncate(at);
            }
        }
    }
    bytes
}

proptest! {
    #![proptest_config(seeded(300))]

    #[test]
    fn valid_claims_files_read_as_the_reference_reads_them((bytes, comma) in claims_file()) {
        agree(&bytes, comma)?;
    }
}

proptest! {
    #![proptest_config(seeded(600))]

    #[test]
    fn mutated_claims_files_are_accepted_exactly_when_the_reference_accepts(
        (bytes, comma) in claims_file(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        agree(&mutate(bytes, &mutations), comma)?;
    }
}

proptest! {
    #![proptest_config(seeded(500))]

    #[test]
    fn random_bytes_after_a_valid_header_never_panic_and_agree(
        tail in prop::collection::vec(any::<u8>(), 0..300),
        comma in any::<bool>(),
    ) {
        let mut bytes = b"agb,jaar,prestatiecode,aantal,bedrag\n".to_vec();
        bytes.extend(tail);
        agree(&bytes, comma)?;
    }

    #[test]
    fn random_bytes_never_panic_and_agree(
        bytes in prop::collection::vec(any::<u8>(), 0..300),
        comma in any::<bool>(),
    ) {
        agree(&bytes, comma)?;
    }
}

// ---------------------------------------------------------------------------------------
// Numbers

/// `fixed` (the fast path) either declines or gives exactly what the strict parsers give.
fn fixed_agrees(text: &str, comma: bool) -> Result<(), TestCaseError> {
    let (mark, sign) = if comma {
        (b',', richttarief::config::DecimalSign::Comma)
    } else {
        (b'.', richttarief::config::DecimalSign::Point)
    };
    let strict = parse_decimal(text, sign);
    if let Some(millionths) = fuzzing::fixed(text.as_bytes(), mark) {
        let fast = Decimal::from_i128_with_scale(millionths, 6);
        match strict {
            Ok(d) => prop_assert_eq!(fast, d, "{:?}", text),
            Err(e) => prop_assert!(false, "fixed took {:?}, parse_decimal refused: {}", text, e),
        }
        // And the contract's own rule, written independently; its bound on a claim
        // line's amount is the reader's to apply, not `fixed`'s.
        let reference = strict_claims::amount(text.trim(), comma).ok();
        if fast.abs() < Decimal::from(1_000_000_000_000i64) {
            prop_assert_eq!(Some(fast), reference, "{:?}", text);
        } else {
            prop_assert_eq!(None, reference, "{:?}", text);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(seeded(2000))]

    #[test]
    fn fixed_gives_what_the_strict_parser_gives_or_declines(
        text in "[-+]?[0-9]{0,22}([.,][0-9]{0,9})?[0-9.,+-]?",
        comma in any::<bool>(),
    ) {
        fixed_agrees(&text, comma)?;
    }

    #[test]
    fn fixed_and_parse_decimal_never_panic_on_any_text(text in any::<String>(), comma in any::<bool>()) {
        fixed_agrees(&text, comma)?;
    }
}

// ---------------------------------------------------------------------------------------
// Configuration

const CONFIG: &str = r#"model = "zn-2027"
referentiejaar = 2024
decimaalteken = ","

[invoer]
jaarverslagen = "j.csv"
declaraties = ["d*.csv", "d.csv"]
tarieven = "t.csv"
koppeltabel = "t.csv"

[kolommen]
agb = "AGB-code"

[criteria]
aandeel_aanbieders = 0.75
aandeel_omzet = "0.5"
nul_is_positief = true

[clustering]
clusters = true
intramuraal_drempel = 0.01
drempel_telt_als = "intramuraal"
intramurale_leveringsvormen = ["intramuraal", "vpt"]

[berekening]
resultaat = "inclusief_financieel"
afronding = 0.1
afronden = "omhoog"
ondergrens = 0.0
bovengrens = 100.0

[uitsluiting]
min_omzet = 0
kvk = [{ kvk = "12345678", reden = "nieuw" }]
"#;

/// Parses and resolves `text` over the stand-in inputs; only a panic is a failure. A
/// configuration naming paths outside the stand-ins' folder is not resolved, so that a
/// glob such as "/**" cannot walk the whole machine.
fn config_survives(text: &str) {
    if let Ok(file) = richttarief::config::parse_text(text) {
        let debug = format!("{file:?}");
        if !debug.contains('/') && !debug.contains('\\') {
            let _ = richttarief::config::resolve(&[&file], stand_ins());
        }
    }
}

const TOML_BYTES: &[&str] = &[
    "=",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    ",",
    ".",
    "\n",
    "#",
    "1e400",
    "-0",
    "nan",
    "inf",
    "9999999999999999999999999999",
    "0.0000000000000000000000000001",
    "\\u0000",
    "[[x]]",
    "*",
];

proptest! {
    #![proptest_config(seeded(800))]

    #[test]
    fn mutated_configurations_never_panic(
        edits in prop::collection::vec((any::<usize>(), 0..TOML_BYTES.len(), 0usize..3), 1..8),
    ) {
        let mut text = CONFIG.to_string();
        for (at, what, delete) in edits {
            let mut at = at % (text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            let mut end = (at + delete).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            text.replace_range(at..end, TOML_BYTES[what]);
        }
        config_survives(&text);
    }

    #[test]
    fn any_text_as_configuration_never_panics(text in any::<String>()) {
        config_survives(&text);
    }
}
