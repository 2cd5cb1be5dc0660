//! The DigiMV reader on a full-size part: writes a DigiMV-layout `.ods` whose content.xml is
//! about 1.5 GB unpacked (1,530 organisations, 14,658 questionnaire variables each over 58
//! RowData sheets: one 2024 part) to a temporary folder, streamed, then reads the mapped
//! figures back in a child process and prints the time and the peak memory (VmHWM) of each.
//! The reader's target is a peak below 512 MiB.
//!
//! `cargo bench --bench digimv` (release). `cargo bench --bench digimv -- N` writes N
//! organisations instead, for a quick look.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::time::Instant;

use rust_decimal::Decimal;

use richttarief::generate::digimv::{write_part, Aanbieder, Cijfers, KeyHeader, Layout, Namen};
use richttarief::ingest::digimv::{extract, map::REQUIRED, Part, VariableMap};

/// Organisations in one part: the 6,132 of 2023 over the four parts of 2024.
const ORGANISATIONS: usize = 1_530;
/// Variables per organisation in 2024.
const VARIABLES: usize = 14_658;

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// The 2024 map with names for the columns no source names.
fn map() -> VariableMap {
    let mut map = VariableMap::shipped(2024).expect("shipped");
    for (column, name) in [
        ("bedrijfslasten", "qTotaalLasten_0"),
        ("financiele_baten", "qFinancieleBaten_0"),
        ("financiele_lasten", "qFinancieleLasten_0"),
    ] {
        map.set_variable(column, name).expect("a column");
    }
    map
}

fn namen() -> Namen {
    let bedrag = |c: &str, n: &str| (c.to_string(), n.to_string(), format!("{n}Cons"));
    Namen {
        kvk: "ExternalOrganizationId".into(),
        naam: "qNawNaamLrza".into(),
        bedragen: vec![
            bedrag("bedrijfsopbrengsten", "qTotaalBaten_0"),
            bedrag("opbrengsten_wlz", "qBatenZorgWlz_0"),
            bedrag("bedrijfslasten", "qTotaalLasten_0"),
            bedrag("financiele_baten", "qFinancieleBaten_0"),
            bedrag("financiele_lasten", "qFinancieleLasten_0"),
        ],
        sector: vec![
            ("VV".into(), "qTypeWTZaZorg_13".into()),
            ("GZ".into(), "qTypeWTZaZorg_10".into()),
            ("GGZ".into(), "qTypeWTZaZorg_8".into()),
        ],
    }
}

fn providers(n: usize) -> Vec<Aanbieder> {
    (0..n)
        .map(|i| {
            let b = Decimal::from(1_000_000 + 7_919 * i as i64);
            Aanbieder {
                kvk: format!("{:08}", 1_000_000 + i),
                naam: format!("Zorgaanbieder {i} B.V."),
                enkelvoudig: Cijfers {
                    bedrijfsopbrengsten: Some(b),
                    opbrengsten_wlz: Some(b * Decimal::new(6, 1)),
                    bedrijfslasten: Some(b * Decimal::new(97, 2)),
                    financiele_baten: Some(Decimal::from(i as i64 % 1000)),
                    financiele_lasten: Some(Decimal::new(123_456 + i as i64, 2)),
                    resultaat: None,
                },
                geconsolideerd: None,
                sectoren: vec![["VV", "GZ", "GGZ"][i % 3].to_string()],
            }
        })
        .collect()
}

fn read(path: &Path) {
    let start = Instant::now();
    let resolved = map().resolve(false, REQUIRED).expect("resolved");
    let part = Part {
        path: path.to_path_buf(),
        shown: path.file_name().unwrap().to_string_lossy().into_owned(),
    };
    let got = extract(&[part], &resolved, &[]).expect("read");
    let seconds = start.elapsed().as_secs_f64();
    // A figure checked against what was written, so a reader that skips the work fails.
    let expected = providers(got.by_kvk.len());
    let last = expected.last().expect("organisations");
    let a = &got.by_kvk[&last.kvk];
    assert_eq!(
        a.code,
        last.code(),
        "the last organisation read back under its own Code"
    );
    println!(
        "read:  {} organisations, {} excluded, {seconds:.1} s, peak memory (VmHWM) {:.0} MiB",
        got.by_kvk.len(),
        got.excluded.len(),
        peak_mib()
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, path] = args.as_slice() {
        if flag == "--read" {
            read(Path::new(path));
            return;
        }
    }
    let n = args
        .iter()
        .find_map(|a| usize::from_str(a).ok())
        .unwrap_or(ORGANISATIONS);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("richttarief-digimv-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let path = dir.join("digimv2024-part-1.ods");
    let mut layout = Layout::new(namen());
    layout.variabelen = VARIABLES;
    layout.gevuld = 45;
    layout.key = KeyHeader::CodeConcernCode;
    layout.level = Some(1);
    let start = Instant::now();
    let file = std::fs::File::create(&path).expect("create");
    let mut out = BufWriter::with_capacity(1 << 20, file);
    let content = write_part(&mut out, &providers(n), &layout).expect("write");
    out.flush().expect("flush");
    drop(out);
    let packed = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
    println!(
        "write: {n} organisations x {VARIABLES} variables, content.xml {:.2} GB unpacked, .ods {:.0} MB, {:.1} s, peak memory {:.0} MiB",
        content as f64 / 1e9,
        packed as f64 / 1e6,
        start.elapsed().as_secs_f64(),
        peak_mib()
    );
    let status = Command::new(std::env::current_exe().expect("the benchmark's own path"))
        .arg("--read")
        .arg(&path)
        .status()
        .expect("the reading child");
    let _ = std::fs::remove_dir_all(&dir);
    assert!(status.success(), "the reading child failed");
}
