//! `richttarief generate`: a complete, consistent synthetic data set (jaarverslagen,
//! declaraties, tarieven, koppeltabel and a configuration that runs on them) of any size,
//! deterministic for a seed, written as it is generated so that 10^8 claim lines need no
//! more memory than 10^4.
//!
//! The distributions (README, "Synthetic data") are chosen so that the data behave like
//! the real thing where the RTP is sensitive: provider sizes, realised percentages, result
//! margins, the extramural/intramural split and NHC/NIC both as lines and embedded.
//! Claims are generated first; each provider's accounts are then derived from what it
//! declared, so accounts and claims agree by construction.
//!
//! This is a file edge like `ingest` and `report`: it writes files (Parquet through
//! Apache Arrow's writer) and must never be used by the pipeline itself. It must never
//! destroy data: the set is written into a temporary folder and put in place only when
//! complete, a folder holding files of the set's names is refused unless `generate` wrote it
//! (its marker file) or `--overwrite` is given, and files of other names in the folder are
//! kept.

use std::collections::{BTreeSet, HashSet};
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::folder::{self, Refused};
use crate::rng::Rng;
use anyhow::{Context, Result};

/// How the claims are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimsFormat {
    Csv,
    CsvGz,
    Parquet,
}

impl ClaimsFormat {
    fn file_name(self) -> &'static str {
        match self {
            ClaimsFormat::Csv => "declaraties.csv",
            ClaimsFormat::CsvGz => "declaraties.csv.gz",
            ClaimsFormat::Parquet => "declaraties.parquet",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub out: PathBuf,
    pub providers: usize,
    pub claim_lines: u64,
    pub seed: u64,
    pub format: ClaimsFormat,
    pub year: i32,
    /// Replace files of the set's names in a folder that `generate` did not write.
    pub overwrite: bool,
}

/// At most this many providers: KvK numbers and AGB codes have eight digits, and each
/// sector's AGB codes count up from its own prefix (22, 41, 73 million), which up to four
/// codes per provider keeps apart for a million providers. Far beyond any real Wlz market.
pub(crate) const MAX_PROVIDERS: usize = 1_000_000;

/// At most this many claim lines: every per-provider sum of cents stays within 64 bits.
pub(crate) const MAX_CLAIM_LINES: u64 = 1_000_000_000_000;

impl Options {
    /// Whether the sizes can make a data set that runs, with the flag to blame when not.
    pub(crate) fn check(&self) -> std::result::Result<(), String> {
        if !(4..=MAX_PROVIDERS).contains(&self.providers) {
            return Err(format!(
                "--aanbieders {}: must be 4 to {MAX_PROVIDERS}",
                self.providers
            ));
        }
        let least = self.providers as u64 * 12;
        if !(least..=MAX_CLAIM_LINES).contains(&self.claim_lines) {
            return Err(format!(
                "--declaratieregels {}: must be {least} (12 per provider) to {MAX_CLAIM_LINES}",
                self.claim_lines
            ));
        }
        // The configuration it writes must load: referentiejaar is checked for this range.
        if !(1900..=2100).contains(&self.year) {
            return Err(format!("--jaar {}: must be 1900 to 2100", self.year));
        }
        Ok(())
    }

    /// The files of the set, in the order they are put in place: the configuration, which
    /// makes the set usable, last.
    fn files(&self) -> [&'static str; 6] {
        [
            self.format.file_name(),
            "jaarverslagen.csv",
            "tarieven.csv",
            "koppeltabel.csv",
            "kenmerken.csv",
            "richttarief.toml",
        ]
    }
}

/// The marker file of a folder `generate` wrote: the set's files, one a line, under
/// `MARKER_HEADER`. A folder with it is `generate`'s to replace without `--overwrite`.
pub(crate) const MARKER: &str = ".richttarief-generate";
const MARKER_HEADER: &str = "# Written by richttarief generate: the files of this data set.";

/// Every name `generate` writes in any format: all a marker may list.
const ALL_FILES: [&str; 8] = [
    "declaraties.csv",
    "declaraties.csv.gz",
    "declaraties.parquet",
    "jaarverslagen.csv",
    "tarieven.csv",
    "koppeltabel.csv",
    "kenmerken.csv",
    "richttarief.toml",
];

/// The files the marker in `dir` lists, when it is ours; only names `generate` writes
/// count, so that a marker can never make it remove anything else.
fn marked_files(dir: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MARKER_HEADER {
        return None;
    }
    Some(
        lines
            .filter(|l| ALL_FILES.contains(l))
            .map(String::from)
            .collect(),
    )
}

/// How a complete set goes in place of `--out`.
enum Placement {
    /// `--out` is new, or holds nothing but a set this replaces: swapped in whole.
    Whole,
    /// `--out` also holds files of others, which stay: the set's files are moved in one
    /// by one, after removing `stale` (files of the earlier set this one does not write).
    FileByFile { stale: Vec<String> },
}

/// What `--out` may be for `generate`: refused (exit 2, naming the files) when it holds a
/// file of the set's names, or a marker not of ours, unless `generate` wrote it or
/// `--overwrite` is given.
fn placement(opts: &Options) -> Result<Placement> {
    let Some(entries) = folder::entries(&opts.out)? else {
        return Ok(Placement::Whole);
    };
    let writes = opts.files();
    let previous = marked_files(&opts.out);
    let clash: Vec<&str> = entries
        .iter()
        .map(String::as_str)
        .filter(|e| writes.contains(e) || *e == MARKER)
        .collect();
    if previous.is_none() && !clash.is_empty() && !opts.overwrite {
        return Err(Refused(format!(
            "{} holds {}, which generate would overwrite, and generate did not write that \
             folder (it has no {MARKER}): give --overwrite to replace them, or choose another \
             folder",
            opts.out.display(),
            clash.join(", ")
        ))
        .into());
    }
    let previous = previous.unwrap_or_default();
    let others = entries
        .iter()
        .any(|e| !previous.contains(e) && !writes.contains(&e.as_str()) && e != MARKER);
    Ok(if others {
        Placement::FileByFile {
            stale: previous
                .into_iter()
                .filter(|f| !writes.contains(&f.as_str()))
                .collect(),
        }
    } else {
        Placement::Whole
    })
}

/// What was generated, for the closing message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    pub providers: usize,
    pub claim_lines: u64,
    pub files: Vec<String>,
}

// ---------------------------------------------------------------------------------------
// The illustrative tariff table (not NZa's values; every omschrijving says so).

#[derive(Debug, Clone, Copy, PartialEq)]
enum Unit {
    Day,
    Hour,
    Ride,
}

struct Code {
    code: &'static str,
    sector: &'static str,
    vorm: &'static str,
    component: &'static str,
    /// Maximum tariff and embedded capital, in cents per unit.
    max: i64,
    capital: i64,
    unit: Unit,
    what: &'static str,
}

#[allow(clippy::too_many_arguments)] // one row of the tariff table, by position
const fn code(
    code: &'static str,
    sector: &'static str,
    vorm: &'static str,
    component: &'static str,
    max: i64,
    capital: i64,
    unit: Unit,
    what: &'static str,
) -> Code {
    Code {
        code,
        sector,
        vorm,
        component,
        max,
        capital,
        unit,
        what,
    }
}

use Unit::{Day, Hour, Ride};

const TARIFFS: &[Code] = &[
    code(
        "V4VV",
        "VV",
        "intramuraal",
        "zorg",
        17840,
        0,
        Day,
        "verblijf VV 4, per dag",
    ),
    code(
        "NHC4VV",
        "VV",
        "intramuraal",
        "nhc",
        2785,
        0,
        Day,
        "NHC bij VV 4, per dag",
    ),
    code(
        "NIC4VV",
        "VV",
        "intramuraal",
        "nic",
        640,
        0,
        Day,
        "NIC bij VV 4, per dag",
    ),
    code(
        "V5VV",
        "VV",
        "intramuraal",
        "zorg",
        26215,
        0,
        Day,
        "verblijf VV 5, per dag",
    ),
    code(
        "NHC5VV",
        "VV",
        "intramuraal",
        "nhc",
        3360,
        0,
        Day,
        "NHC bij VV 5, per dag",
    ),
    code(
        "NIC5VV",
        "VV",
        "intramuraal",
        "nic",
        745,
        0,
        Day,
        "NIC bij VV 5, per dag",
    ),
    code(
        "V6VV",
        "VV",
        "intramuraal",
        "zorg",
        24580,
        0,
        Day,
        "verblijf VV 6, per dag",
    ),
    code(
        "NHC6VV",
        "VV",
        "intramuraal",
        "nhc",
        3360,
        0,
        Day,
        "NHC bij VV 6, per dag",
    ),
    code(
        "NIC6VV",
        "VV",
        "intramuraal",
        "nic",
        745,
        0,
        Day,
        "NIC bij VV 6, per dag",
    ),
    code(
        "V7VV",
        "VV",
        "intramuraal",
        "zorg",
        29630,
        0,
        Day,
        "verblijf VV 7, per dag",
    ),
    code(
        "NHC7VV",
        "VV",
        "intramuraal",
        "nhc",
        3510,
        0,
        Day,
        "NHC bij VV 7, per dag",
    ),
    code(
        "NIC7VV",
        "VV",
        "intramuraal",
        "nic",
        820,
        0,
        Day,
        "NIC bij VV 7, per dag",
    ),
    code(
        "VPT4VV",
        "VV",
        "vpt",
        "zorg",
        15820,
        2140,
        Day,
        "VPT VV 4 integraal, per dag",
    ),
    code(
        "VPT5VV",
        "VV",
        "vpt",
        "zorg",
        23870,
        2790,
        Day,
        "VPT VV 5 integraal, per dag",
    ),
    code(
        "H126",
        "VV",
        "mpt",
        "zorg",
        6345,
        0,
        Hour,
        "MPT persoonlijke verzorging, per uur",
    ),
    code(
        "H127",
        "VV",
        "mpt",
        "zorg",
        8410,
        0,
        Hour,
        "MPT verpleging, per uur",
    ),
    code(
        "T101",
        "VV",
        "overig",
        "volledig",
        13860,
        0,
        Ride,
        "vervoer dagbesteding, per rit",
    ),
    code(
        "VG3",
        "GZ",
        "intramuraal",
        "zorg",
        16890,
        0,
        Day,
        "verblijf VG 3, per dag",
    ),
    code(
        "NHCVG3",
        "GZ",
        "intramuraal",
        "nhc",
        2910,
        0,
        Day,
        "NHC bij VG 3, per dag",
    ),
    code(
        "NICVG3",
        "GZ",
        "intramuraal",
        "nic",
        610,
        0,
        Day,
        "NIC bij VG 3, per dag",
    ),
    code(
        "VG5",
        "GZ",
        "intramuraal",
        "zorg",
        26240,
        0,
        Day,
        "verblijf VG 5, per dag",
    ),
    code(
        "NHCVG5",
        "GZ",
        "intramuraal",
        "nhc",
        3480,
        0,
        Day,
        "NHC bij VG 5, per dag",
    ),
    code(
        "NICVG5",
        "GZ",
        "intramuraal",
        "nic",
        790,
        0,
        Day,
        "NIC bij VG 5, per dag",
    ),
    code(
        "VG7",
        "GZ",
        "intramuraal",
        "zorg",
        34480,
        0,
        Day,
        "verblijf VG 7, per dag",
    ),
    code(
        "NHCVG7",
        "GZ",
        "intramuraal",
        "nhc",
        3860,
        0,
        Day,
        "NHC bij VG 7, per dag",
    ),
    code(
        "NICVG7",
        "GZ",
        "intramuraal",
        "nic",
        940,
        0,
        Day,
        "NIC bij VG 7, per dag",
    ),
    code(
        "VPTVG5",
        "GZ",
        "vpt",
        "zorg",
        24130,
        2480,
        Day,
        "VPT VG 5 integraal, per dag",
    ),
    code(
        "H300",
        "GZ",
        "mpt",
        "zorg",
        6890,
        0,
        Hour,
        "MPT begeleiding GZ, per uur",
    ),
    code(
        "H811",
        "GZ",
        "mpt",
        "zorg",
        5130,
        0,
        Hour,
        "MPT dagbesteding GZ, per uur",
    ),
    code(
        "H890",
        "GZ",
        "overig",
        "volledig",
        1735,
        0,
        Ride,
        "vervoer GZ, per rit",
    ),
    code(
        "GGZ-W3",
        "GGZ",
        "intramuraal",
        "zorg",
        19640,
        0,
        Day,
        "verblijf GGZ-W 3, per dag",
    ),
    code(
        "NHC-GGZ-W3",
        "GGZ",
        "intramuraal",
        "nhc",
        3040,
        0,
        Day,
        "NHC bij GGZ-W 3, per dag",
    ),
    code(
        "NIC-GGZ-W3",
        "GGZ",
        "intramuraal",
        "nic",
        660,
        0,
        Day,
        "NIC bij GGZ-W 3, per dag",
    ),
    code(
        "GGZ-B4",
        "GGZ",
        "intramuraal",
        "zorg",
        31850,
        0,
        Day,
        "verblijf GGZ-B 4, per dag",
    ),
    code(
        "NHC-GGZ-B4",
        "GGZ",
        "intramuraal",
        "nhc",
        3470,
        0,
        Day,
        "NHC bij GGZ-B 4, per dag",
    ),
    code(
        "NIC-GGZ-B4",
        "GGZ",
        "intramuraal",
        "nic",
        810,
        0,
        Day,
        "NIC bij GGZ-B 4, per dag",
    ),
    code(
        "VPT-GGZ-W3",
        "GGZ",
        "vpt",
        "zorg",
        18990,
        2960,
        Day,
        "VPT GGZ-W 3 integraal, per dag",
    ),
    code(
        "H152",
        "GGZ",
        "mpt",
        "zorg",
        7180,
        0,
        Hour,
        "MPT begeleiding GGZ, per uur",
    ),
    code(
        "H153",
        "GGZ",
        "mpt",
        "zorg",
        8840,
        0,
        Hour,
        "MPT behandeling GGZ, per uur",
    ),
    // Codes the shipped GZ policies name (data/beleid/): essential care, VG 7+ and digital
    // care. No generated provider claims them, so adding them changed no other file.
    code(
        "VG7+",
        "GZ",
        "intramuraal",
        "zorg",
        38215,
        0,
        Day,
        "verblijf VG 7+ (intensief), per dag",
    ),
    code(
        "LOGEREN-GZ",
        "GZ",
        "intramuraal",
        "zorg",
        21480,
        0,
        Day,
        "logeren GZ, per etmaal",
    ),
    code(
        "OBSERVATIE-GZ",
        "GZ",
        "intramuraal",
        "zorg",
        41260,
        0,
        Day,
        "observatie GZ, per dag",
    ),
    code(
        "CRISIS-GZ",
        "GZ",
        "intramuraal",
        "zorg",
        46830,
        0,
        Day,
        "crisisopvang GZ, per dag",
    ),
    code(
        "BEVEILIGD-GZ",
        "GZ",
        "intramuraal",
        "zorg",
        52170,
        0,
        Day,
        "beveiligde zorg GZ, per dag",
    ),
    code(
        "H138",
        "GZ",
        "overig",
        "zorg",
        2140,
        0,
        Hour,
        "digitale zorg: beeldbellen, per contact",
    ),
    code(
        "H139",
        "GZ",
        "overig",
        "zorg",
        1860,
        0,
        Hour,
        "digitale zorg: zorg op afstand, per contact",
    ),
    code(
        "H306",
        "GZ",
        "overig",
        "zorg",
        1575,
        0,
        Hour,
        "digitale zorg: leefstijlmonitoring, per week",
    ),
];

fn tariff_index(code: &str) -> usize {
    TARIFFS
        .iter()
        .position(|t| t.code == code)
        .expect("the code is in TARIFFS")
}

/// The codes a provider of a sector and kind claims, with relative weights. An intramural
/// stay claims its care code and, on separate lines, the NHC and NIC of the same days.
fn profile(sector: &str, intramural: bool) -> Vec<(usize, f64)> {
    let codes: Vec<(&str, f64)> = match (sector, intramural) {
        ("VV", true) => vec![
            ("V4VV", 2.0),
            ("NHC4VV", 2.0),
            ("NIC4VV", 2.0),
            ("V5VV", 3.0),
            ("NHC5VV", 3.0),
            ("NIC5VV", 3.0),
            ("V6VV", 2.0),
            ("NHC6VV", 2.0),
            ("NIC6VV", 2.0),
            ("V7VV", 1.0),
            ("NHC7VV", 1.0),
            ("NIC7VV", 1.0),
            ("H126", 1.5),
            ("H127", 0.5),
            ("T101", 0.5),
            ("VPT4VV", 0.5),
        ],
        ("VV", false) => vec![
            ("VPT4VV", 2.0),
            ("VPT5VV", 1.5),
            ("H126", 4.0),
            ("H127", 2.0),
        ],
        ("GZ", true) => vec![
            ("VG3", 1.0),
            ("NHCVG3", 1.0),
            ("NICVG3", 1.0),
            ("VG5", 2.0),
            ("NHCVG5", 2.0),
            ("NICVG5", 2.0),
            ("VG7", 1.0),
            ("NHCVG7", 1.0),
            ("NICVG7", 1.0),
            ("H811", 1.0),
            ("H300", 0.5),
            ("H890", 0.5),
        ],
        ("GZ", false) => vec![("VPTVG5", 1.0), ("H300", 4.0), ("H811", 2.0), ("H890", 1.0)],
        ("GGZ", true) => vec![
            ("GGZ-W3", 2.0),
            ("NHC-GGZ-W3", 2.0),
            ("NIC-GGZ-W3", 2.0),
            ("GGZ-B4", 1.0),
            ("NHC-GGZ-B4", 1.0),
            ("NIC-GGZ-B4", 1.0),
            ("H152", 1.0),
        ],
        _ => vec![("VPT-GGZ-W3", 1.0), ("H152", 4.0), ("H153", 1.5)],
    };
    codes
        .into_iter()
        .map(|(c, w)| (tariff_index(c), w))
        .collect()
}

// ---------------------------------------------------------------------------------------
// Providers

struct Provider {
    kvk: u32,
    naam: String,
    sector: &'static str,
    /// Extramural providers that also claim a little intramural care, near the threshold.
    near_threshold: bool,
    weight: f64,
    /// Realised percentage of the care part of the maximum tariff, in basis points
    /// (9630 = 96.30%), so that amounts are computed in integers.
    realised: i64,
    /// Result as a fraction of revenue.
    margin: f64,
    /// Declared Wlz as a fraction of revenue.
    wlz_share: f64,
    agbs: Vec<u32>,
    codes: Vec<(usize, f64)>,
    lines: u64,
    /// Σ bedrag of the reference year in cents, accumulated while the claims are written.
    declared: i64,
    has_accounts: bool,
}

const NAME_FIRST: &[&str] = &[
    "Stichting Zorggroep",
    "Stichting",
    "Zorgcentrum",
    "Woonzorg",
    "Zorg aan Huis",
    "Stichting Wonen en Zorg",
    "Thuiszorg",
    "Zorgcoöperatie",
    "Stichting Zorgcentra",
    "Zorggroep",
];
const NAME_LAST: &[&str] = &[
    "De Linde",
    "Eikenhorst",
    "Meerzicht",
    "Het Baken",
    "De Wilgen",
    "Bremhorst",
    "Kompasroos",
    "Oostflank",
    "De Boomgaard",
    "Lindevallei",
    "Esdoornhuis",
    "Rivierduin",
    "De Vaart",
    "Heuvelrand",
    "Zonnehoeve",
    "Waterweide",
    "De Klaproos",
    "Ruimzicht",
    "Polderhof",
    "Het Anker",
    "De Kempen",
    "Vlietland",
];

fn make_providers(rng: &mut Rng, n: usize) -> Vec<Provider> {
    let mut kvks = HashSet::new();
    let mut names = HashSet::new();
    let mut agb_seq = 0u32;
    (0..n)
        .map(|i| {
            let sector = match rng.unit() {
                u if u < 0.55 => "VV",
                u if u < 0.85 => "GZ",
                _ => "GGZ",
            };
            let extramural_share = if sector == "GZ" { 0.30 } else { 0.35 };
            let intramural = !rng.chance(extramural_share);
            let kvk = loop {
                let k = rng.int(10_000_000, 99_999_999) as u32;
                if kvks.insert(k) {
                    break k;
                }
            };
            let agb_count = match rng.unit() {
                u if u < 0.85 => 1,
                u if u < 0.95 => 2,
                _ => rng.int(3, 4) as usize,
            };
            let prefix = match sector {
                "VV" => 73,
                "GZ" => 41,
                _ => 22,
            };
            let agbs = (0..agb_count)
                .map(|_| {
                    agb_seq += 1;
                    prefix * 1_000_000 + agb_seq
                })
                .collect();
            // Fat tails: most providers earn a small margin; one in six is off the centre.
            let margin = if rng.chance(0.83) {
                0.015 + 0.012 * rng.normal()
            } else {
                0.005 + 0.04 * rng.normal()
            };
            // A first and a last part, drawn again when the name is taken; only when that
            // keeps failing does a number make it unique.
            let mut naam = String::new();
            let mut unique = false;
            for _ in 0..8 {
                naam = format!("{} {}", rng.pick(NAME_FIRST), rng.pick(NAME_LAST));
                if names.insert(naam.clone()) {
                    unique = true;
                    break;
                }
            }
            if !unique {
                naam = format!("{naam} {}", i + 1);
                names.insert(naam.clone());
            }
            Provider {
                kvk,
                naam,
                sector,
                near_threshold: !intramural && rng.chance(0.15),
                // Lognormal size: a median provider, and a long tail of large ones.
                weight: (1.1 * rng.normal()).exp(),
                realised: ((0.963 + 0.012 * rng.normal()).clamp(0.93, 1.0) * 10_000.0).round()
                    as i64,
                margin: margin.clamp(-0.12, 0.15),
                wlz_share: rng.uniform(0.60, 0.95),
                agbs,
                codes: profile(sector, intramural),
                lines: 0,
                declared: 0,
                has_accounts: true,
            }
        })
        .collect()
}

/// Splits `total` lines over the providers in proportion to their weights, exactly.
fn allocate(providers: &mut [Provider], total: u64) {
    let sum: f64 = providers.iter().map(|p| p.weight).sum();
    let mut shares: Vec<(usize, f64)> = Vec::new();
    let mut given = 0;
    for (i, p) in providers.iter_mut().enumerate() {
        let exact = total as f64 * p.weight / sum;
        p.lines = exact.floor() as u64;
        given += p.lines;
        shares.push((i, exact - exact.floor()));
    }
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for &(i, _) in shares.iter().take((total - given) as usize) {
        providers[i].lines += 1;
    }
}

// ---------------------------------------------------------------------------------------
// Claim lines

/// One claim line, money in cents and units in hundredths.
struct Line {
    agb: u32,
    year: i32,
    code: usize,
    units: i64,
    cents: i64,
    bsn: u32,
}

/// n / d rounded half away from zero, so that a credit is exactly minus its debit.
fn div_round(n: i64, d: i64) -> i64 {
    let q = (n.abs() + d / 2) / d;
    if n < 0 {
        -q
    } else {
        q
    }
}

/// The amount in cents declared for `units` (in hundredths) of `code`: the care part at
/// `realised` basis points, embedded capital, NHC/NIC and `volledig` lines at 100%.
fn amount(code: &Code, units: i64, realised: i64) -> i64 {
    match code.component {
        "zorg" => {
            div_round(units * (code.max - code.capital) * realised, 100 * 10_000)
                + div_round(units * code.capital, 100)
        }
        _ => div_round(units * code.max, 100),
    }
}

fn units_for(rng: &mut Rng, unit: Unit) -> i64 {
    match unit {
        Unit::Day => rng.int(1, 31) as i64 * 100,
        Unit::Hour => rng.int(1, 160) as i64 * 25,
        Unit::Ride => rng.int(1, 22) as i64 * 100,
    }
}

fn weighted(rng: &mut Rng, codes: &[(usize, f64)]) -> usize {
    let total: f64 = codes.iter().map(|c| c.1).sum();
    let mut x = rng.unit() * total;
    for &(c, w) in codes {
        if x < w {
            return c;
        }
        x -= w;
    }
    codes[codes.len() - 1].0
}

/// Emits one provider's lines of one month (a share of its yearly lines), with now and
/// then a credit that takes back part of a line, or a late line of the year before.
fn month_lines(
    rng: &mut Rng,
    p: &mut Provider,
    count: u64,
    year: i32,
    mut emit: impl FnMut(&Line) -> Result<()>,
) -> Result<()> {
    let near = p.near_threshold.then(|| profile(p.sector, true));
    let mut written = 0;
    while written < count {
        let codes = match &near {
            // About 0.5% of a near-threshold provider's lines are an intramural stay.
            Some(intra) if rng.chance(0.005) => intra,
            _ => &p.codes,
        };
        let code = weighted(rng, codes);
        let units = units_for(rng, TARIFFS[code].unit);
        let line_year = if rng.chance(0.002) { year - 1 } else { year };
        let line = Line {
            agb: *rng.pick(&p.agbs),
            year: line_year,
            code,
            units,
            cents: amount(&TARIFFS[code], units, p.realised),
            bsn: rng.int(100_000_000, 999_999_999) as u32,
        };
        if line_year == year {
            p.declared += line.cents;
        }
        emit(&line)?;
        written += 1;
        if written < count && rng.chance(0.015) {
            // A correction: part of the same line taken back.
            let back = (line.units * rng.int(1, 3) as i64 / 4).max(1);
            let credit = Line {
                units: -back,
                cents: -amount(&TARIFFS[code], back, p.realised),
                ..line
            };
            if line_year == year {
                p.declared += credit.cents;
            }
            emit(&credit)?;
            written += 1;
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Writing

fn cents_text(out: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        out.push(b'-');
    }
    let c = cents.unsigned_abs();
    let _ = write!(out, "{}.{:02}", c / 100, c % 100);
}

trait ClaimSink {
    fn line(&mut self, line: &Line) -> Result<()>;
    fn finish(self: Box<Self>) -> Result<()>;
}

struct CsvSink<W: Write> {
    out: W,
    buf: Vec<u8>,
}

impl<W: Write> CsvSink<W> {
    fn new(mut out: W) -> Result<CsvSink<W>> {
        out.write_all(b"agb,jaar,prestatiecode,aantal,bedrag,bsn\n")?;
        Ok(CsvSink {
            out,
            buf: Vec::with_capacity(1 << 16),
        })
    }
}

impl<W: Write> ClaimSink for CsvSink<W> {
    fn line(&mut self, l: &Line) -> Result<()> {
        let b = &mut self.buf;
        let _ = write!(b, "{:08},{},{},", l.agb, l.year, TARIFFS[l.code].code);
        cents_text(b, l.units);
        b.push(b',');
        cents_text(b, l.cents);
        let _ = writeln!(b, ",{}", l.bsn);
        if b.len() > (1 << 16) - 256 {
            self.out.write_all(b)?;
            b.clear();
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(())
    }
}

struct GzSink(CsvSink<flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>>);

impl ClaimSink for GzSink {
    fn line(&mut self, l: &Line) -> Result<()> {
        self.0.line(l)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        let mut inner = self.0;
        inner.out.write_all(&inner.buf)?;
        inner.out.finish()?.flush()?;
        Ok(())
    }
}

/// Parquet as a warehouse export or polars writes it, through Apache Arrow's writer: a row
/// group per 2^20 lines, zstd level 1; agb, jaar and prestatiecode dictionary-encoded; aantal
/// and bedrag as exact DECIMAL(18, 2) stored in 64-bit integers, plain (a dictionary of
/// amounts saves nothing); bsn as plain text.
struct ParquetSink {
    writer: parquet::arrow::ArrowWriter<std::fs::File>,
    schema: std::sync::Arc<arrow_schema::Schema>,
    batch: ParquetBatch,
}

/// The lines of one row group, column by column.
struct ParquetBatch {
    agb: arrow_array::builder::StringBuilder,
    jaar: arrow_array::builder::Int32Builder,
    code: arrow_array::builder::StringBuilder,
    aantal: arrow_array::builder::Decimal64Builder,
    bedrag: arrow_array::builder::Decimal64Builder,
    bsn: arrow_array::builder::StringBuilder,
    len: usize,
}

const PARQUET_BATCH: usize = 1 << 20;

impl ParquetBatch {
    fn new() -> ParquetBatch {
        use arrow_array::builder::{Decimal64Builder, Int32Builder, StringBuilder};
        let money = || {
            Decimal64Builder::with_capacity(PARQUET_BATCH)
                .with_precision_and_scale(18, 2)
                .expect("DECIMAL(18, 2) fits 64 bits")
        };
        ParquetBatch {
            agb: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 8),
            jaar: Int32Builder::with_capacity(PARQUET_BATCH),
            code: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 8),
            aantal: money(),
            bedrag: money(),
            bsn: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 9),
            len: 0,
        }
    }

    /// The lines so far as one record batch; the builders start again empty.
    fn take(
        &mut self,
        schema: &std::sync::Arc<arrow_schema::Schema>,
    ) -> Result<arrow_array::RecordBatch> {
        use arrow_array::ArrayRef;
        use std::sync::Arc;
        self.len = 0;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.agb.finish()),
            Arc::new(self.jaar.finish()),
            Arc::new(self.code.finish()),
            Arc::new(self.aantal.finish()),
            Arc::new(self.bedrag.finish()),
            Arc::new(self.bsn.finish()),
        ];
        Ok(arrow_array::RecordBatch::try_new(schema.clone(), columns)?)
    }
}

impl ParquetSink {
    fn new(file: std::fs::File) -> Result<ParquetSink> {
        use arrow_schema::{DataType, Field, Schema};
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::properties::WriterProperties;
        use parquet::schema::types::ColumnPath;
        let schema = std::sync::Arc::new(Schema::new(vec![
            Field::new("agb", DataType::Utf8, false),
            Field::new("jaar", DataType::Int32, false),
            Field::new("prestatiecode", DataType::Utf8, false),
            Field::new("aantal", DataType::Decimal64(18, 2), false),
            Field::new("bedrag", DataType::Decimal64(18, 2), false),
            Field::new("bsn", DataType::Utf8, false),
        ]));
        let plain = |b: parquet::file::properties::WriterPropertiesBuilder, c: &str| {
            b.set_column_dictionary_enabled(ColumnPath::from(c), false)
        };
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
            .set_max_row_group_row_count(Some(PARQUET_BATCH))
            .set_dictionary_enabled(true);
        for c in ["aantal", "bedrag", "bsn"] {
            props = plain(props, c);
        }
        let writer =
            parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props.build()))?;
        Ok(ParquetSink {
            writer,
            schema,
            batch: ParquetBatch::new(),
        })
    }

    fn flush(&mut self) -> Result<()> {
        if self.batch.len > 0 {
            let batch = self.batch.take(&self.schema)?;
            self.writer.write(&batch)?;
            self.writer.flush()?;
        }
        Ok(())
    }
}

impl ClaimSink for ParquetSink {
    fn line(&mut self, l: &Line) -> Result<()> {
        let b = &mut self.batch;
        let _ = write!(b.agb, "{:08}", l.agb);
        b.agb.append_value("");
        b.jaar.append_value(l.year);
        b.code.append_value(TARIFFS[l.code].code);
        b.aantal.append_value(l.units);
        b.bedrag.append_value(l.cents);
        let _ = write!(b.bsn, "{}", l.bsn);
        b.bsn.append_value("");
        b.len += 1;
        if b.len >= PARQUET_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }
}

fn sink(path: &Path, format: ClaimsFormat) -> Result<Box<dyn ClaimSink>> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(match format {
        ClaimsFormat::Csv => Box::new(CsvSink::new(std::io::BufWriter::with_capacity(
            1 << 20,
            file,
        ))?),
        ClaimsFormat::CsvGz => {
            let gz = flate2::GzBuilder::new().mtime(0).write(
                std::io::BufWriter::with_capacity(1 << 20, file),
                flate2::Compression::fast(),
            );
            Box::new(GzSink(CsvSink::new(gz)?))
        }
        ClaimsFormat::Parquet => Box::new(ParquetSink::new(file)?),
    })
}

fn money(cents: i64) -> String {
    let mut b = Vec::new();
    cents_text(&mut b, cents);
    String::from_utf8(b).expect("ASCII")
}

fn write_text(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// Generates the data set into `opts.out`; `progress(done, total)` hears about the claims.
/// The set is written into a temporary folder beside `opts.out`, so that a run that fails
/// or is killed leaves `opts.out` as it was (a killed run's temporary folder is removed by
/// the next run), and then put in place: whole where `opts.out` holds nothing else, else
/// file by file with the configuration and the marker last.
pub(crate) fn generate(opts: &Options, progress: &mut dyn FnMut(u64, u64)) -> Result<Summary> {
    opts.check().map_err(anyhow::Error::msg)?;
    placement(opts)?;
    let staged = folder::Staged::new(&opts.out)?;
    let dir = staged.dir().to_path_buf();
    let mut rng = Rng::new(opts.seed);
    let mut providers = make_providers(&mut rng, opts.providers);

    // A few providers the pipeline must exclude: accounts without claims, claims without
    // accounts, and a new provider listed in the configuration. About 2%, at least one each.
    let odd = (opts.providers / 50).max(1);
    let n = providers.len();
    for p in &mut providers[n - odd..] {
        p.weight = 0.0;
    }
    for p in &mut providers[n - 2 * odd..n - odd] {
        p.has_accounts = false;
    }
    let new_provider = providers[n - 2 * odd - 1].kvk;
    allocate(&mut providers, opts.claim_lines);

    let claims_path = dir.join(opts.format.file_name());
    let mut out = sink(&claims_path, opts.format)?;
    let mut done = 0u64;
    let year = opts.year;
    for month in 0..12u64 {
        for p in providers.iter_mut() {
            // This month's share of the provider's lines, exactly (months 0..12 add up).
            let count = p.lines * (month + 1) / 12 - p.lines * month / 12;
            month_lines(&mut rng, p, count, year, |l| out.line(l))?;
            done += count;
        }
        progress(done, opts.claim_lines);
    }
    out.finish()?;

    // Accounts derived from what each provider declared.
    let mut j = String::from(
        "kvk,naam,boekjaar,bedrijfsopbrengsten,opbrengsten_wlz,bedrijfslasten,financiele_baten,financiele_lasten,resultaat,sector\n",
    );
    for p in providers.iter().filter(|p| p.has_accounts) {
        // A provider without claims still has revenue: mostly outside the Wlz.
        let declared = if p.lines == 0 { 50_000_000 } else { p.declared }; // €500,000 in cents
        let revenue = (declared as f64 / p.wlz_share).round() as i64;
        let wlz = if p.lines == 0 {
            0
        } else {
            (declared as f64 * rng.uniform(0.985, 1.015)).round() as i64
        };
        let result = (revenue as f64 * p.margin).round() as i64;
        let fin_income = (revenue as f64 * rng.uniform(0.0, 0.002)).round() as i64;
        let fin_costs = (revenue as f64 * rng.uniform(0.002, 0.015)).round() as i64;
        let costs = revenue - result + fin_income - fin_costs;
        let naam = if p.naam.contains(',') {
            format!("\"{}\"", p.naam)
        } else {
            p.naam.clone()
        };
        let _ = writeln!(
            j,
            "{},{naam},{year},{},{},{},{},{},{},{}",
            p.kvk,
            money(revenue),
            money(wlz),
            money(costs),
            money(fin_income),
            money(fin_costs),
            money(result),
            p.sector
        );
    }
    write_text(&dir.join("jaarverslagen.csv"), &j)?;

    let mut t = String::from("jaar,prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid\n");
    for c in TARIFFS {
        let capital = if c.capital == 0 {
            String::new()
        } else {
            money(c.capital)
        };
        let _ = writeln!(
            t,
            "{year},{},\"(illustratief, geen NZa-tarief) {}\",{},{},{},{},{capital}",
            c.code,
            c.what,
            c.sector,
            c.vorm,
            c.component,
            money(c.max)
        );
    }
    write_text(&dir.join("tarieven.csv"), &t)?;

    let mut k = String::from("agb,kvk\n");
    for p in &providers {
        for a in &p.agbs {
            let _ = writeln!(k, "{a:08},{}", p.kvk);
        }
    }
    write_text(&dir.join("koppeltabel.csv"), &k)?;
    write_text(
        &dir.join("kenmerken.csv"),
        &characteristics(&providers, opts.seed, new_provider),
    )?;

    let config = format!(
        "# Generated by: richttarief generate --aanbieders {} --declaratieregels {} --seed {} --formaat {}\n\
         # Synthetic data: every provider is made up and the tariffs are illustrative, not NZa's.\n\
         model = \"zn-2027\"\n\
         referentiejaar = {year}\n\n\
         [invoer]\n\
         jaarverslagen = \"jaarverslagen.csv\"\n\
         declaraties = [\"{}\"]\n\
         tarieven = \"tarieven.csv\"\n\
         koppeltabel = \"koppeltabel.csv\"\n\
         kenmerken = \"kenmerken.csv\"\n\n\
         [uitsluiting]\n\
         kvk = [{{ kvk = \"{new_provider}\", reden = \"nieuwe aanbieder\" }}]\n",
        opts.providers,
        opts.claim_lines,
        opts.seed,
        match opts.format {
            ClaimsFormat::Csv => "csv",
            ClaimsFormat::CsvGz => "csv.gz",
            ClaimsFormat::Parquet => "parquet",
        },
        opts.format.file_name(),
    );
    write_text(&dir.join("richttarief.toml"), &config)?;
    let files = opts.files();
    write_text(
        &dir.join(MARKER),
        &format!("{MARKER_HEADER}\n{}\n", files.join("\n")),
    )?;

    // Checked again: the folder may have changed during the generation.
    match placement(opts)? {
        Placement::Whole => staged.replace()?,
        Placement::FileByFile { stale } => {
            // Marker and configuration go first and come back last, so that a set cut short
            // has neither: it does not run and does not pass for generate's.
            let mut remove = vec![MARKER.to_string(), "richttarief.toml".to_string()];
            remove.extend(stale);
            let order: Vec<String> = files
                .iter()
                .chain(&[MARKER])
                .map(|f| f.to_string())
                .collect();
            staged.place_files(&remove, &order)?;
        }
    }

    Ok(Summary {
        providers: providers.len(),
        claim_lines: done,
        files: files.iter().map(|f| f.to_string()).collect(),
    })
}

/// The providers' characteristics per zorgkantoor (`kenmerken.csv`): one zorgkantoor
/// each, a quarter with a second one buying 40% of their claims, and each characteristic
/// with a plausible frequency. Drawn from a stream of its own, so the other files are the
/// same as before this file existed.
/// The provider the configuration excludes as new is marked `nieuwe_aanbieder` too.
fn characteristics(providers: &[Provider], seed: u64, new_provider: u32) -> String {
    use crate::model::kenmerken::{Kind, KENMERKEN};
    use crate::model::Zorgkantoor;
    let mut rng = Rng::new(crate::rng::mix(&[seed, 0x6b65_6e6d]));
    let mut out = String::from("kvk,zorgkantoor,aandeel");
    for k in KENMERKEN {
        out.push(',');
        out.push_str(k.0);
    }
    out.push('\n');
    // How often each characteristic is set, in KENMERKEN's order (sized by it, so a new
    // characteristic cannot go without a frequency).
    let chance: [f64; KENMERKEN.len()] = [
        0.05, 0.15, 0.10, 0.20, 0.30, 0.05, 0.20, 0.40, 0.60, 0.80, 0.10, 0.50, 0.60, 0.30, 0.40,
        0.15,
    ];
    for p in providers {
        let first = rng.below(Zorgkantoor::ALL.len() as u64) as usize;
        let second = rng.chance(0.25).then(|| {
            (first + 1 + rng.below(Zorgkantoor::ALL.len() as u64 - 1) as usize)
                % Zorgkantoor::ALL.len()
        });
        let shares = match second {
            None => vec![(first, "1")],
            Some(s) => vec![(first, "0.6"), (s, "0.4")],
        };
        for (z, aandeel) in shares {
            let _ = write!(out, "{},{},{aandeel}", p.kvk, Zorgkantoor::ALL[z]);
            for (&(name, kind, _), &c) in KENMERKEN.iter().zip(&chance) {
                out.push(',');
                let drawn = rng.chance(c);
                if name == "nieuwe_aanbieder" && p.kvk == new_provider {
                    out.push_str("ja");
                    continue;
                }
                if !drawn {
                    continue;
                }
                let value = match kind {
                    Kind::Flag => "ja".to_string(),
                    Kind::Points { min, max, .. } => {
                        // Whole points within the range.
                        format!("{}", min + rng.below((max - min) as u64 + 1) as i64)
                    }
                    Kind::Percent => format!("{:.1}", rng.uniform(93.0, 98.0)),
                    Kind::Fraction => format!("{:.3}", rng.uniform(-0.05, 0.10)),
                };
                out.push_str(&value);
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_deterministic_for_a_seed() {
        let a: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = Rng::new(7);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a, {
            let mut r = Rng::new(8);
            (0..5).map(|_| r.next_u64()).collect::<Vec<_>>()
        });
    }

    #[test]
    fn allocation_gives_every_line_exactly_once() {
        let mut rng = Rng::new(1);
        let mut providers = make_providers(&mut rng, 37);
        allocate(&mut providers, 10_007);
        assert_eq!(providers.iter().map(|p| p.lines).sum::<u64>(), 10_007);
    }

    #[test]
    fn amounts_pay_capital_in_full_and_care_at_the_realised_percentage() {
        // VPT4VV: max €158.20 with €21.40 capital; 10 days at 96%:
        // care 10·136.80·0.96 = 1313.28, capital 10·21.40 = 214.00, total 1527.28.
        let vpt = &TARIFFS[tariff_index("VPT4VV")];
        assert_eq!(amount(vpt, 1000, 9600), 152728);
        // NHC at 100% whatever the realised percentage: 10 days at €27.85.
        assert_eq!(amount(&TARIFFS[tariff_index("NHC4VV")], 1000, 9000), 27850);
        // A credit is exactly the negative of the same amount, also at a half cent:
        // 0.25 hour of H126 at €63.45 is 15.8625 → 15.86; 0.5 hour at 97.5% is 30.93.
        assert_eq!(amount(vpt, -1000, 9600), -152728);
        let h126 = &TARIFFS[tariff_index("H126")];
        assert_eq!(
            (amount(h126, 25, 10_000), amount(h126, -25, 10_000)),
            (1586, -1586)
        );
        assert_eq!(amount(h126, -50, 9750), -amount(h126, 50, 9750));
    }

    #[test]
    fn money_is_written_with_two_decimals() {
        assert_eq!(money(-5), "-0.05");
        assert_eq!(money(123456), "1234.56");
    }
}
