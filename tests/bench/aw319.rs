//! The AW319 reader against the CSV reader on the same claims: writes N claim lines
//! (default 3,000,000) once as one claims CSV and once as Vektis AW319 files (one per AGB
//! code, each client's `02` followed by ten `04`s, now and then a `03` and a `98`), then
//! reads each in a child process through the program's claims reader and prints lines per
//! second, megabytes per second and the peak memory (VmHWM) of each. The two readings must
//! give the same sums, or the benchmark fails.
//!
//! `cargo bench --bench aw319` (release). `cargo bench --bench aw319 -- N` writes N lines
//! instead, for a quick look.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::str::FromStr;
use std::time::Instant;

const LINES: u64 = 3_000_000;
/// Declaring AGB codes: one AW319 file each.
const AGBS: u64 = 20;
const YEAR: u64 = 2024;

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

/// SplitMix64: the same lines every run.
struct Draw(u64);

impl Draw {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// One claim: AGB index, code, COD218 unit, aantal, cents (negative for a credit).
struct Claim {
    agb: u64,
    code: &'static str,
    unit: u64,
    eenheid: &'static str,
    aantal: i64,
    cents: i64,
}

/// Code, COD218 unit, the unit's name (the CSV's `eenheid`), tariff in cents.
const CODES: [(&str, u64, &str, i64); 4] = [
    ("V4VV", 14, "etmaal", 17_840),
    ("V5VV", 14, "etmaal", 26_215),
    ("H126", 4, "uur", 6_345),
    ("T101", 82, "stuk", 13_860),
];

fn claim(d: &mut Draw, i: u64) -> Claim {
    let (code, unit, eenheid, tariff) = CODES[(d.next() % 4) as usize];
    let aantal = 1 + (d.next() % 31) as i64;
    let credit = i % 67 == 66;
    let sign = if credit { -1 } else { 1 };
    Claim {
        agb: i % AGBS,
        code,
        unit,
        eenheid,
        aantal: sign * aantal,
        cents: sign * aantal * tariff,
    }
}

fn agb(i: u64) -> u64 {
    20_000_000 + i
}

/// A record of 310 spaces filled by 1-based position.
fn put(r: &mut [u8], start: usize, text: &str) {
    r[start - 1..start - 1 + text.len()].copy_from_slice(text.as_bytes());
}

fn record(kind: &str) -> Vec<u8> {
    let mut r = vec![b' '; 310];
    put(&mut r, 1, kind);
    r
}

fn dc(negative: bool) -> &'static str {
    if negative {
        "C"
    } else {
        "D"
    }
}

/// Writes the claims as `declaraties.csv` and as `aw319/AGB.asc`, and a configuration for
/// each; returns the bytes of each.
fn write(dir: &Path, n: u64) -> (u64, u64) {
    for f in ["jaarverslagen.csv", "tarieven.csv"] {
        std::fs::write(dir.join(f), "").expect("write");
    }
    for (name, pattern) in [("csv", "declaraties.csv"), ("aw319", "aw319/*.asc")] {
        std::fs::write(
            dir.join(format!("{name}.toml")),
            format!(
                "referentiejaar = {YEAR}\n[invoer]\njaarverslagen = \"jaarverslagen.csv\"\n\
                 declaraties = \"{pattern}\"\ntarieven = \"tarieven.csv\"\n"
            ),
        )
        .expect("write");
    }
    std::fs::create_dir_all(dir.join("aw319")).expect("folder");
    let mut csv = BufWriter::with_capacity(
        1 << 20,
        std::fs::File::create(dir.join("declaraties.csv")).expect("create"),
    );
    writeln!(csv, "agb,jaar,prestatiecode,aantal,bedrag,eenheid,bsn").expect("write");
    let mut files: Vec<BufWriter<std::fs::File>> = (0..AGBS)
        .map(|a| {
            let f =
                std::fs::File::create(dir.join(format!("aw319/{}.asc", agb(a)))).expect("create");
            let mut w = BufWriter::with_capacity(1 << 20, f);
            let mut v = record("01");
            put(&mut v, 3, "1870104");
            put(&mut v, 27, "9999");
            put(&mut v, 31, "000000000000000000000000");
            put(&mut v, 55, &format!("{:08}", agb(a)));
            put(&mut v, 63, &format!("04{YEAR}0101{YEAR}1231"));
            put(&mut v, 93, &format!("{YEAR}1231"));
            w.write_all(&v).expect("write");
            w.write_all(b"\r\n").expect("write");
            w
        })
        .collect();
    let mut counts = vec![[0u64; 4]; AGBS as usize];
    let mut totals = vec![0i64; AGBS as usize];
    let mut d = Draw(1);
    for i in 0..n {
        let c = claim(&mut d, i);
        let euros = format!(
            "{}{}.{:02}",
            if c.cents < 0 { "-" } else { "" },
            c.cents.abs() / 100,
            c.cents.abs() % 100
        );
        let bsn = 999_990_000 + (i % 10_000);
        writeln!(
            csv,
            "{:08},{YEAR},{},{},{euros},{},{bsn}",
            agb(c.agb),
            c.code,
            c.aantal,
            c.eenheid
        )
        .expect("write");
        let w = &mut files[c.agb as usize];
        let k = &mut counts[c.agb as usize];
        let seq = i / AGBS;
        let mut out = |r: &[u8]| {
            w.write_all(r).expect("write");
            w.write_all(b"\r\n").expect("write");
        };
        if seq.is_multiple_of(10) {
            let mut r = record("02");
            put(&mut r, 3, &format!("{seq:012}"));
            put(&mut r, 15, &bsn.to_string());
            put(&mut r, 64, "Verzonnen");
            out(&r);
            k[0] += 1;
        }
        if seq.is_multiple_of(50) {
            let mut r = record("03");
            put(&mut r, 24, "Testmans Verzonnenstraat 1");
            out(&r);
            k[1] += 1;
        }
        let neg = c.cents < 0;
        let mut r = record("04");
        put(&mut r, 3, &format!("{seq:012}"));
        put(&mut r, 15, &bsn.to_string());
        put(&mut r, 24, "9999");
        put(&mut r, 58, "00001");
        put(&mut r, 101, &format!("00000{YEAR}0101{YEAR}0131055"));
        put(&mut r, 125, c.code);
        put(
            &mut r,
            130,
            &format!("{:04}{:02}{:08}", c.aantal.abs(), c.unit, agb(c.agb)),
        );
        put(
            &mut r,
            144,
            &format!(
                "{:016}10000{:08}{:08}{}0000{:08}{}",
                0,
                0,
                c.cents.abs(),
                dc(neg),
                c.cents.abs(),
                dc(neg)
            ),
        );
        out(&r);
        k[2] += 1;
        totals[c.agb as usize] += c.cents;
        if seq % 100 == 7 {
            let mut r = record("98");
            put(&mut r, 19, "Opmerking over mevrouw Verzonnen");
            out(&r);
            k[3] += 1;
        }
    }
    csv.flush().expect("flush");
    for (a, mut w) in files.into_iter().enumerate() {
        let k = counts[a];
        let t = totals[a];
        let mut s = record("99");
        put(
            &mut s,
            3,
            &format!(
                "{:06}{:06}{:06}{:06}{:07}{:011}{}",
                k[0],
                k[1],
                k[2],
                k[3],
                k.iter().sum::<u64>(),
                t.abs(),
                dc(t < 0)
            ),
        );
        w.write_all(&s).expect("write");
        w.write_all(b"\r\n").expect("write");
        w.flush().expect("flush");
    }
    let size = |p: PathBuf| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
    let aw: u64 = (0..AGBS)
        .map(|a| size(dir.join(format!("aw319/{}.asc", agb(a)))))
        .sum();
    (size(dir.join("declaraties.csv")), aw)
}

/// Reads the claims of `config` (in a child process, so that its peak memory is its own).
fn read(config: &Path, bytes: u64) {
    let config = richttarief::config::load(config).expect("configuration");
    let start = Instant::now();
    let raw = richttarief::ingest::fuzzing::read_claims(&config).expect("read");
    let seconds = start.elapsed().as_secs_f64();
    let rows: u64 = raw.files.iter().map(|f| f.rows).sum();
    let sums = raw.sorted();
    let total: rust_decimal::Decimal = sums.iter().map(|s| s.2.bedrag).sum();
    println!(
        "{rows} lines in {seconds:.2} s: {:.2} M lines/s, {:.0} MB/s, peak memory (VmHWM) {:.0} MiB",
        rows as f64 / seconds / 1e6,
        bytes as f64 / seconds / 1e6,
        peak_mib()
    );
    // What the parent compares: the sums per AGB and code.
    println!("sums {sums:?} total {total}");
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let [flag, config, bytes] = args.as_slice() {
        if flag == "--read" {
            read(Path::new(config), bytes.parse().expect("bytes"));
            return;
        }
    }
    let n = args
        .iter()
        .find_map(|a| u64::from_str(a).ok())
        .unwrap_or(LINES);
    let dir: PathBuf =
        std::env::temp_dir().join(format!("richttarief-aw319-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary folder");
    let start = Instant::now();
    let (csv_bytes, aw_bytes) = write(&dir, n);
    println!(
        "write: {n} claim lines, CSV {:.0} MB, AW319 {:.0} MB in {AGBS} files, {:.1} s",
        csv_bytes as f64 / 1e6,
        aw_bytes as f64 / 1e6,
        start.elapsed().as_secs_f64()
    );
    let mut sums = Vec::new();
    for (name, bytes) in [("csv", csv_bytes), ("aw319", aw_bytes)] {
        let out = Command::new(std::env::current_exe().expect("the benchmark's own path"))
            .arg("--read")
            .arg(dir.join(format!("{name}.toml")))
            .arg(bytes.to_string())
            .output()
            .expect("the reading child");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        if !out.status.success() {
            let _ = std::fs::remove_dir_all(&dir);
            panic!(
                "the {name} child failed:\n{text}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let (figures, sum) = text.split_once("\nsums ").expect("two lines");
        println!("{name:>5}: {figures}");
        sums.push(sum.to_string());
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(sums[0], sums[1], "the two readers read different sums");
}
