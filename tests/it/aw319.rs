//! Claims as Vektis AW319/AW320 files: personal data planted at every personal position
//! reaches no output and no message; the same claims as CSV and as AW319 give the same
//! outputs; bad files are refused naming file, line, field, positions and value; AW320's
//! granted amount against the declared one.
//!
//! The files are built here, record by record at the positions of the message definition,
//! independently of the program's own writer.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::*;

/// The planted personal values: each must never be seen again.
const BSN: &str = "987654329";
const PLANTED: [&str; 14] = [
    BSN,
    "Geheimsma",
    "Verborgenstraat",
    "Zwijgdorp",
    "geheim@voorbeeld.invalid",
    "NL91GEHE0123456789",
    "VZN7766554433",
    "MACHT998877",
    "CLIENTX5544332211",
    "887766554",
    "776655443",
    "PATNR4455",
    "Pietjeslaan",
    "0612398765",
];

/// A record of `width` spaces, filled by 1-based position.
struct Rec(Vec<u8>);

impl Rec {
    fn new(width: usize, kind: &str) -> Rec {
        let mut r = Rec(vec![b' '; width]);
        r.put(1, kind);
        r
    }
    fn put(&mut self, start: usize, text: &str) -> &mut Rec {
        self.0[start - 1..start - 1 + text.len()].copy_from_slice(text.as_bytes());
        self
    }
    fn num(&mut self, start: usize, len: usize, v: u64) -> &mut Rec {
        self.put(start, &format!("{v:0len$}"))
    }
    fn text(&self) -> String {
        String::from_utf8(self.0.clone()).unwrap()
    }
}

/// One claim line: jaar, code, aantal (signed), COD218 unit, cents (signed), and for
/// AW320 the granted cents (signed).
#[derive(Clone)]
struct Claim {
    jaar: u64,
    code: String,
    aantal: i64,
    unit: u64,
    cents: i64,
    toegekend: i64,
}

fn dc(negative: bool) -> &'static str {
    if negative {
        "C"
    } else {
        "D"
    }
}

/// A whole file of `claims` for `agb`: per claim a 02, a 03, the 04 and a 98, every one
/// full of the planted personal values. AW320 when `aw320`.
fn vektis(agb: &str, claims: &[Claim], aw320: bool) -> Vec<String> {
    let w = if aw320 { 370 } else { 310 };
    let mut lines = Vec::new();
    let mut v = Rec::new(w, "01");
    v.put(3, if aw320 { "188" } else { "187" })
        .put(6, "01")
        .put(8, "04")
        .num(27, 4, 9999)
        .num(31, 8, 0)
        .num(39, 8, 0)
        .num(47, 8, 0)
        .put(55, agb)
        .put(63, "04")
        .put(65, "20240101")
        .put(73, "20241231")
        .put(81, "FACT0001")
        .put(93, "20250115");
    lines.push(v.text());
    let (mut total, mut granted) = (0i64, 0i64);
    for (i, c) in claims.iter().enumerate() {
        let mut p = Rec::new(w, "02");
        p.num(3, 12, 1)
            .put(15, BSN)
            .put(24, "9999")
            .put(28, "VZN7766554433")
            .put(43, "PATNR4455")
            .put(54, "19400101")
            .put(62, "2")
            .put(63, "1")
            .put(64, "Geheimsma")
            .put(89, "van")
            .put(100, "Geheimsma")
            .put(135, "P.")
            .put(142, "1234AB")
            .put(157, "00013")
            .put(168, "NL")
            .put(170, "0")
            .put(171, BSN)
            .put(186, "CLIENTX5544332211");
        lines.push(p.text());
        let mut d = Rec::new(w, "03");
        d.put(3, "000000000002")
            .put(15, BSN)
            .put(24, "Geheimsma")
            .put(65, "Verborgenstraat")
            .put(100, "Zwijgdorp")
            .put(124, "0612398765")
            .put(139, "geheim@voorbeeld.invalid")
            .put(184, "NL91GEHE0123456789");
        lines.push(d.text());
        let negative = c.cents < 0 || c.aantal < 0;
        let mut r = Rec::new(w, "04");
        r.num(3, 12, i as u64 + 1)
            .put(15, BSN)
            .put(24, "9999")
            .put(28, "VZN7766554433")
            .put(43, "MACHT998877")
            .put(58, "00001")
            .put(63, "CLIENTX5544332211")
            .put(83, "887766554")
            .put(92, "776655443")
            .put(101, "00")
            .put(103, "000")
            .num(106, 8, c.jaar * 10_000 + 101)
            .num(114, 8, c.jaar * 10_000 + 1231)
            .put(122, "055")
            .put(125, &c.code)
            .num(130, 4, c.aantal.unsigned_abs())
            .num(134, 2, c.unit)
            .put(136, agb)
            .num(144, 16, 0)
            .put(160, "10000")
            .num(165, 8, 0)
            .num(173, 8, c.cents.unsigned_abs())
            .put(181, dc(negative))
            .put(182, "0000")
            .num(186, 8, c.cents.unsigned_abs())
            .put(194, dc(negative))
            .put(195, "REF1");
        if aw320 {
            r.num(311, 8, c.cents.unsigned_abs())
                .put(319, dc(negative))
                .num(320, 8, c.toegekend.unsigned_abs())
                .put(328, dc(c.toegekend < 0))
                .num(329, 12, 0);
        }
        lines.push(r.text());
        total += c.cents;
        granted += c.toegekend;
        let mut k = Rec::new(w, "98");
        k.put(3, "000000000004").put(15, "0001").put(
            19,
            "Mevrouw Geheimsma, Pietjeslaan 3 Zwijgdorp, BSN 987654329",
        );
        lines.push(k.text());
    }
    let n = claims.len() as u64;
    let mut s = Rec::new(w, "99");
    s.num(3, 6, n)
        .num(9, 6, n)
        .num(15, 6, n)
        .num(21, 6, n)
        .num(27, 7, 4 * n)
        .num(34, 11, total.unsigned_abs())
        .put(45, dc(total < 0));
    if aw320 {
        s.num(46, 11, granted.unsigned_abs())
            .put(57, dc(granted < 0));
    }
    lines.push(s.text());
    lines
}

fn join(lines: &[String]) -> String {
    lines.iter().map(|l| format!("{l}\r\n")).collect()
}

/// The unit of each of klein's codes: hours for modular care, pieces for transport, days
/// for the rest.
fn unit_of(code: &str) -> &'static str {
    match code {
        "H126" | "H300" => "uur",
        "VERV" => "stuk",
        _ => "etmaal",
    }
}

/// `klein` with its codes shortened to fit field 0417 (five characters) in both the tariffs
/// and the claims, so that the same claims can be written as CSV and as AW319, and with the
/// unit of every tariff and claim line (`eenheid`), which AW319 lines always state.
fn short_klein() -> PathBuf {
    let dir = copy_fixture("klein");
    for f in ["tarieven.csv", "declaraties.csv"] {
        let text = read(&dir.join(f))
            .replace("NHC4VV", "NHC4")
            .replace("NIC4VV", "NIC4")
            .replace("VPT4VV", "VPT4");
        let mut lines = text.lines();
        let mut out = format!("{},eenheid\n", lines.next().unwrap());
        for line in lines {
            let code = line
                .split(',')
                .nth(if f == "tarieven.csv" { 1 } else { 3 })
                .unwrap();
            out += &format!("{line},{}\n", unit_of(code));
        }
        std::fs::write(dir.join(f), out).unwrap();
    }
    dir
}

/// The claims of a declaraties CSV (bsn,agb,jaar,prestatiecode,aantal,bedrag,eenheid) per
/// AGB. Hours that fit field 0418 (four digits) as minutes are written in minutes, as
/// modular care is declared, so that the join's conversion is part of the comparison.
fn claims_of(csv: &str) -> BTreeMap<String, Vec<Claim>> {
    let mut by_agb: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    for line in csv.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let (euros, cents) = f[5].trim_start_matches('-').split_once('.').unwrap();
        let mut c: i64 = euros.parse::<i64>().unwrap() * 100 + cents.parse::<i64>().unwrap();
        if f[5].starts_with('-') {
            c = -c;
        }
        // Days as etmalen, hours as hours or minutes, rides as pieces (COD218 14, 04 or
        // 01, 82).
        let mut aantal: i64 = f[4].parse().unwrap();
        let unit = match f[6] {
            "uur" if aantal.abs() * 60 <= 9999 => {
                aantal *= 60;
                1
            }
            "uur" => 4,
            "stuk" => 82,
            _ => 14,
        };
        by_agb.entry(f[1].to_string()).or_default().push(Claim {
            jaar: f[2].parse().unwrap(),
            code: f[3].to_string(),
            aantal,
            unit,
            cents: c,
            toegekend: c,
        });
    }
    by_agb
}

/// Writes the claims of `dir`'s declaraties.csv as AW319 files under `dir/vektis/`, under
/// names of every kind (.asc, .txt, none), and points the configuration at them.
fn write_as_aw319(dir: &Path) {
    let folder = dir.join("vektis");
    std::fs::create_dir_all(&folder).unwrap();
    for (i, (agb, claims)) in claims_of(&read(&dir.join("declaraties.csv")))
        .into_iter()
        .enumerate()
    {
        let name = match i % 3 {
            0 => format!("{agb}.asc"),
            1 => format!("{agb}.txt"),
            _ => format!("AW319_{agb}"),
        };
        std::fs::write(folder.join(name), join(&vektis(&agb, &claims, false))).unwrap();
    }
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = \"declaraties.csv\"",
        "declaraties = \"vektis/*\"",
    );
}

/// Every byte of every file under `dir`, with the entries of zip files (the workbook)
/// unpacked, so that a value compressed inside one is found too.
fn all_output(dir: &Path, into: &mut Vec<u8>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_output(&path, into);
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        if bytes.starts_with(b"PK") {
            let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
            for i in 0..zip.len() {
                let mut f = zip.by_index(i).unwrap();
                std::io::Read::read_to_end(&mut f, into).unwrap();
            }
        }
        into.extend_from_slice(&bytes);
    }
}

fn assert_nothing_planted(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for p in PLANTED {
        assert!(!text.contains(p), "{what} holds the planted {p:?}");
    }
}

#[test]
fn the_same_claims_as_csv_and_as_aw319_give_the_same_outputs() {
    let csv = short_klein();
    let csv_out = csv.join("uit");
    run_config(&csv.join("zn-2027.toml"), &csv_out).expect_code(0);
    let aw = short_klein();
    write_as_aw319(&aw);
    let aw_out = aw.join("uit");
    let run = run_config(&aw.join("zn-2027.toml"), &aw_out);
    run.expect_code(0);
    assert_same_csv_outputs(&csv_out, &aw_out);
    // The comparison means something: klein's outputs hold its providers.
    assert!(read(&aw_out.join("aanbieders.csv")).contains("10000001"));
}

#[test]
fn personal_data_at_every_personal_position_reaches_no_output_and_no_message() {
    let dir = short_klein();
    write_as_aw319(&dir);
    // The files do hold every planted value, at the positions the reader must skip.
    let sample = read(&dir.join("vektis/20000001.asc"));
    for p in PLANTED {
        assert!(sample.contains(p), "the file lacks the planted {p:?}");
    }
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(0);
    let mut everything = run.stdout().into_bytes();
    everything.extend(run.stderr().into_bytes());
    all_output(&out, &mut everything);
    assert!(everything.len() > 1000, "the outputs were read");
    assert_nothing_planted("the run's outputs and messages", &everything);

    // An error on the line with the BSN (a 04 whose amount is not a number) names the
    // line and the field, and nothing personal.
    let path = dir.join("vektis/20000001.asc");
    let mut lines: Vec<String> = read(&path).lines().map(String::from).collect();
    let l = &mut lines[3];
    assert!(l.starts_with("04"));
    l.replace_range(185..193, "0070x800");
    std::fs::write(&path, join(&lines)).unwrap();
    let bad = run_config(&dir.join("zn-2027.toml"), &dir.join("uit2"));
    bad.expect_code(1);
    let err = bad.stderr();
    for fragment in [
        "vektis/20000001.asc",
        "line 4",
        "0429",
        "186-193",
        "declaratiebedrag",
        "\"0070x800\"",
    ] {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    assert_nothing_planted(
        "the message of a bad line",
        (err + &bad.stdout()).as_bytes(),
    );
    assert!(!dir.join("uit2").exists());
}

/// A klein copy with one AGB's claims as one AW319 file, changed by `change` (the lines),
/// run: exit 1, every fragment in the message, nothing planted, nothing written.
fn refused(change: impl Fn(&mut Vec<String>), expected: &[&str]) {
    let dir = short_klein();
    write_as_aw319(&dir);
    let path = dir.join("vektis/20000001.asc");
    let mut lines: Vec<String> = read(&path).lines().map(String::from).collect();
    change(&mut lines);
    std::fs::write(&path, join(&lines)).unwrap();
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(1);
    let err = run.stderr();
    for fragment in std::iter::once(&"vektis/20000001.asc").chain(expected) {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    assert_nothing_planted("the message", (err.clone() + &run.stdout()).as_bytes());
    assert!(!out.exists(), "an output folder was written");
}

// 20000001's file: line 1 the 01; per claim 02, 03, 04, 98 (the 04s on lines 4, 8, 12,
// 16, 20 for its five claims); line 22 the 99.

#[test]
fn a_truncated_line_is_refused() {
    refused(
        |l| l[7].truncate(200),
        &["line 8", "record \"04\": 200 characters", "310"],
    );
}

#[test]
fn a_line_of_the_wrong_length_is_refused() {
    refused(
        |l| l[1].push('X'),
        &["line 2", "record \"02\": 311 characters", "310"],
    );
}

#[test]
fn a_prestatierecord_before_the_voorlooprecord_is_refused() {
    refused(
        |l| {
            l.remove(0);
        },
        &["line 1", "positions 1-2", "\"02\""],
    );
    refused(
        |l| {
            let first = l.remove(0);
            let p = l.remove(2);
            l.insert(0, p);
            l.insert(1, first);
        },
        &[
            "line 1",
            "positions 1-2",
            "\"04\"",
            "before the voorlooprecord 01",
        ],
    );
}

#[test]
fn a_sluitrecord_count_that_disagrees_is_refused() {
    refused(
        |l| l[21].replace_range(14..20, "000006"),
        &[
            "line 22",
            "field 9904 (positions 15-20, aantal prestatierecords) \"000006\"",
            "the file has 5 prestatierecords",
        ],
    );
}

#[test]
fn a_sluitrecord_total_that_disagrees_is_refused() {
    // 20000001's claims: 700800.00 + 109500.00 + 29200.00 - 1920.00 + 18720.00
    // = 856300.00; the sluitrecord says one cent more.
    refused(
        |l| {
            assert_eq!(&l[21][33..45], "00085630000D");
            l[21].replace_range(33..44, "00085630001");
        },
        &[
            "line 22",
            "field 9907 (positions 34-44, totaal declaratiebedrag)",
            "€856300.01",
            "€856300.00",
        ],
    );
}

#[test]
fn a_non_numeric_amount_is_refused() {
    refused(
        |l| l[7].replace_range(185..193, "001095OO"),
        &[
            "line 8",
            "field 0429 (positions 186-193, declaratiebedrag) \"001095OO\": not a number",
        ],
    );
}

#[test]
fn an_unknown_unit_code_is_refused() {
    refused(
        |l| l[3].replace_range(133..135, "03"),
        &[
            "line 4",
            "field 0419 (positions 134-135, tijdseenheid) \"03\"",
            "half uur",
        ],
    );
}

#[test]
fn a_code_list_other_than_wlz_is_refused() {
    refused(
        |l| l[3].replace_range(121..124, "057"),
        &[
            "line 4",
            "field 0416 (positions 122-124, aanduiding prestatiecodelijst) \"057\"",
            "055",
        ],
    );
}

#[test]
fn an_unknown_version_is_refused() {
    refused(
        |l| l[0].replace_range(7..9, "05"),
        &[
            "line 1",
            "field 0104 (positions 8-9",
            "01.05",
            "01.03 and 01.04",
        ],
    );
}

#[test]
fn a_missing_or_misplaced_sluitrecord_is_refused() {
    refused(
        |l| {
            l.pop();
        },
        &["line 21", "without a sluitrecord 99"],
    );
    refused(
        |l| {
            let s = l.pop().unwrap();
            let last = l.pop().unwrap();
            l.push(s);
            l.push(last);
        },
        &["line 21", "not the last line"],
    );
}

/// The claim sums a configuration reads, through the library.
fn sums(config: &Path) -> Vec<(String, String, String)> {
    let config = richttarief::config::load(config).unwrap();
    let raw = richttarief::ingest::fuzzing::read_claims(&config).unwrap();
    raw.sorted()
        .into_iter()
        .map(|(who, code, s)| {
            (
                format!("{who:?}"),
                code,
                format!("{} {}", s.aantal, s.bedrag),
            )
        })
        .collect()
}

#[test]
fn aw320_reads_the_granted_amount_by_default_and_the_declared_one_when_asked() {
    let dir = short_klein();
    std::fs::create_dir_all(dir.join("vektis")).unwrap();
    // By hand: V4VV 10 days declared €2,000.00 granted €1,900.00; a credit of 2 days
    // declared -€400.00 granted -€380.00; H126 8 hours declared €600.00 granted €0.00.
    // Granted: V4VV 10 - 2 = 8 days, €1,900.00 - €380.00 = €1,520.00; H126 8 hours, €0.
    // Declared: V4VV €2,000.00 - €400.00 = €1,600.00; H126 €600.00.
    let claim = |code: &str, aantal: i64, unit, cents, toegekend| Claim {
        jaar: 2024,
        code: code.into(),
        aantal,
        unit,
        cents,
        toegekend,
    };
    let claims = [
        claim("V4VV", 10, 14, 200_000, 190_000),
        claim("V4VV", -2, 14, -40_000, -38_000),
        claim("H126", 8, 4, 60_000, 0),
    ];
    std::fs::write(
        dir.join("vektis/retour.asc"),
        join(&vektis("20000001", &claims, true)),
    )
    .unwrap();
    let config = dir.join("zn-2027.toml");
    edit(
        &config,
        "declaraties = \"declaraties.csv\"",
        "declaraties = \"vektis/*.asc\"",
    );
    let agb = "Agb(Agb(20000001))".to_string();
    let expect = |v4vv: &str, h126: &str| {
        vec![
            (agb.clone(), "H126 [uur]".to_string(), h126.to_string()),
            (agb.clone(), "V4VV [etmaal]".to_string(), v4vv.to_string()),
        ]
    };
    let got = sums(&config);
    assert_eq!(got, expect("8 1520", "8 0"), "{got:?}");
    edit(
        &config,
        "declaraties = \"vektis/*.asc\"",
        "declaraties = \"vektis/*.asc\"\ndeclaraties_bedrag = \"gedeclareerd\"",
    );
    assert_eq!(sums(&config), expect("8 1600", "8 600"));
    edit(
        &config,
        "declaraties_bedrag = \"gedeclareerd\"",
        "declaraties_bedrag = \"toegekend\"",
    );
    assert_eq!(sums(&config), expect("8 1520", "8 0"));

    // The granted total is checked as well: one cent off in 46-56 is refused.
    let path = dir.join("vektis/retour.asc");
    let mut lines: Vec<String> = read(&path).lines().map(String::from).collect();
    let last = lines.len() - 1;
    assert_eq!(&lines[last][45..57], "00000152000D");
    lines[last].replace_range(45..56, "00000152001");
    std::fs::write(&path, join(&lines)).unwrap();
    let run = run_config(&config, &dir.join("uit"));
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("(positions 46-56, totaal toegekend bedrag)"),
        "{}",
        run.stderr()
    );
}

#[test]
fn toegekend_with_aw319_files_is_refused() {
    let dir = short_klein();
    write_as_aw319(&dir);
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = \"vektis/*\"",
        "declaraties = \"vektis/*\"\ndeclaraties_bedrag = \"toegekend\"",
    );
    let run = run_config(&dir.join("zn-2027.toml"), &dir.join("uit"));
    run.expect_code(1);
    assert!(
        run.stderr().contains("AW319 declaration file (0102 = 187)"),
        "{}",
        run.stderr()
    );
}

/// `generate --formaat aw319`: while the generator's tariff table has codes longer than
/// field 0417's five characters, it is refused with the code named and nothing written;
/// once its codes fit, the set runs, and none of the BSNs in its files reaches an output.
#[test]
fn generated_aw319_sets_hold_test_bsns_that_reach_no_output() {
    let dir = scratch("gen-aw319");
    let out = dir.join("set");
    let args = [
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--aanbieders",
        "12",
        "--declaratieregels",
        "2000",
        "--formaat",
        "aw319",
    ];
    let run = richttarief(&args, &[], &root());
    run.expect_code(0);
    let mut bsns = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(out.join("declaraties-aw319")).unwrap() {
        for line in read(&entry.unwrap().path()).lines() {
            assert_eq!(line.len(), 310, "{line}");
            if line.starts_with("04") || line.starts_with("02") {
                assert!(line[14..23].starts_with("99999"), "{line}");
                bsns.insert(line[14..23].to_string());
            }
        }
    }
    assert!(!bsns.is_empty());
    let result = out.join("uit");
    let run = run_config(&out.join("richttarief.toml"), &result);
    run.expect_code(0);
    let mut everything = run.stdout().into_bytes();
    everything.extend(run.stderr().into_bytes());
    all_output(&result, &mut everything);
    // Every run of digits in everything written, collected once: a BSN leaks when some run
    // contains it. (Searching the whole output once per BSN made this test take a minute.)
    let runs: std::collections::BTreeSet<&[u8]> = everything
        .split(|b| !b.is_ascii_digit())
        .filter(|r| r.len() >= 9)
        .collect();
    for bsn in bsns {
        assert!(
            !runs
                .iter()
                .any(|r| r.windows(9).any(|w| w == bsn.as_bytes())),
            "BSN {bsn} leaked"
        );
    }
}
