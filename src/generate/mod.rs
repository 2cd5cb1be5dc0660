//! `richttarief generate`: a complete, consistent synthetic data set (jaarverslagen,
//! declaraties, tarieven, koppeltabel, kenmerken, contracteerruimte and a configuration that
//! runs on them) of any size, deterministic for a seed, written as it is generated so that
//! 10^8 claim lines need no more memory than 10^4.
//!
//! The distributions (README, "Synthetic data") are chosen so that the data behave like
//! the real thing where the RTP is sensitive: provider sizes, realised percentages, result
//! margins, the extramural/intramural split, NHC/NIC embedded in the integral zzp and VPT
//! tariffs, and real prestatiecodes in their own units (etmalen, dagdelen, and minutes
//! against an hourly tariff).
//! Claims are generated first; each provider's accounts are then derived from what it
//! declared, so accounts and claims agree by construction.
//!
//! This file is the façade and the order of the work: the options, and `generate`, which
//! draws the providers (`providers`), streams their claims (`claims`) into a writer of the
//! chosen format (`sinks`), and then writes the small tables (`tables`), the kenmerken
//! (`kenmerken`), the contracteerruimte (`contracteerruimte`) and the configuration, in that
//! order, because every file after the claims depends on what was drawn before it. The illustrative tariff table is data
//! (`tarieven.csv`, read by `tariffs`); `placement` decides how the set goes in place.
//!
//! This is a file edge like `ingest` and `report`: it writes files (Parquet through
//! Apache Arrow's writer) and must never be used by the pipeline itself. It must never
//! destroy data: the set is written into a temporary folder and put in place only when
//! complete, a folder holding files of the set's names is refused unless `generate` wrote it
//! (its marker file) or `--overwrite` is given, and files of other names in the folder are
//! kept. The same seed and sizes must give the same bytes: a change that draws one number
//! more, or in another order, changes every file after it.

mod aw319;
mod claims;
mod contracteerruimte;
pub mod digimv;
mod kenmerken;
mod placement;
mod providers;
mod published;
mod sinks;
mod tables;
mod tariffs;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::folder;
use crate::rng::Rng;
use anyhow::{Context, Result};

use placement::{Placement, MARKER};

/// How the claims are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ClaimsFormat {
    Csv,
    CsvGz,
    Parquet,
    /// Vektis AW319 declaration files, one per AGB and month, in a folder.
    Aw319,
    /// Vektis AW320 return files, likewise.
    Aw320,
}

impl ClaimsFormat {
    fn file_name(self) -> &'static str {
        match self {
            ClaimsFormat::Csv => "declaraties.csv",
            ClaimsFormat::CsvGz => "declaraties.csv.gz",
            ClaimsFormat::Parquet => "declaraties.parquet",
            ClaimsFormat::Aw319 => "declaraties-aw319",
            ClaimsFormat::Aw320 => "declaraties-aw320",
        }
    }

    /// The value of `--formaat` that chooses this format.
    fn flag(self) -> &'static str {
        match self {
            ClaimsFormat::Csv => "csv",
            ClaimsFormat::CsvGz => "csv.gz",
            ClaimsFormat::Parquet => "parquet",
            ClaimsFormat::Aw319 => "aw319",
            ClaimsFormat::Aw320 => "aw320",
        }
    }

    /// Whether the claims are a folder of files rather than one file.
    fn is_folder(self) -> bool {
        matches!(self, ClaimsFormat::Aw319 | ClaimsFormat::Aw320)
    }

    /// What the configuration's `invoer.declaraties` says: the file, or the folder's files.
    fn pattern(self) -> String {
        if self.is_folder() {
            format!("{}/*.asc", self.file_name())
        } else {
            self.file_name().to_string()
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
    /// Also write the accounts as a DigiMV-layout workbook, with a configuration that
    /// reads it.
    pub digimv: bool,
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
        if self.digimv && !published::YEARS.contains(&self.year) {
            return Err(format!(
                "--jaar {} with --digimv: a DigiMV variable map is shipped for {} to {} only",
                self.year,
                published::YEARS.start(),
                published::YEARS.end()
            ));
        }
        Ok(())
    }

    /// The files of the set, in the order they are put in place: the configuration, which
    /// makes the set usable, last.
    fn files(&self) -> Vec<&'static str> {
        let mut files = vec![
            self.format.file_name(),
            "jaarverslagen.csv",
            "tarieven.csv",
            "koppeltabel.csv",
            "kenmerken.csv",
            "contracteerruimte.csv",
        ];
        if self.digimv {
            files.extend([DIGIMV_WORKBOOK, published::CONFIG]);
        }
        files.push("richttarief.toml");
        files
    }
}

/// The DigiMV workbook's file name.
const DIGIMV_WORKBOOK: &str = "jaarverslagen-digimv.ods";

/// What was generated, for the closing message.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Summary {
    pub providers: usize,
    pub claim_lines: u64,
    pub files: Vec<String>,
}

/// Generates the data set into `opts.out`; `progress(done, total)` hears about the claims.
/// The set is written into a temporary folder beside `opts.out`, so that a run that fails
/// or is killed leaves `opts.out` as it was (a killed run's temporary folder is removed by
/// the next run), and then put in place: whole where `opts.out` holds nothing else, else
/// file by file with the configuration and the marker last.
pub(crate) fn generate(opts: &Options, progress: &mut dyn FnMut(u64, u64)) -> Result<Summary> {
    opts.check().map_err(anyhow::Error::msg)?;
    placement::placement(opts)?;
    let staged = folder::Staged::new(&opts.out)?;
    let dir = staged.dir().to_path_buf();
    let mut rng = Rng::new(opts.seed);
    let mut providers = providers::make_providers(&mut rng, opts.providers);

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
    providers::allocate(&mut providers, opts.claim_lines);

    let claims_path = dir.join(opts.format.file_name());
    let mut out = sinks::sink(&claims_path, opts.format, opts.year)?;
    let mut done = 0u64;
    let year = opts.year;
    for month in 0..12u64 {
        for p in providers.iter_mut() {
            // This month's share of the provider's lines, exactly (months 0..12 add up).
            let count = p.lines * (month + 1) / 12 - p.lines * month / 12;
            claims::month_lines(&mut rng, p, count, year, |l| out.line(l))?;
            out.end_group(month as u32 + 1)?;
            done += count;
        }
        progress(done, opts.claim_lines);
    }
    out.finish()?;

    // The accounts draw from the same stream after the claims, so they come next.
    let accounts = tables::accounts(&providers, &mut rng);
    write_file(
        &dir.join("jaarverslagen.csv"),
        &tables::jaarverslagen(&accounts, year)?,
    )?;
    if opts.digimv {
        let written = digimv::write(
            published::STEM,
            &published::providers(&accounts),
            &published::layout(opts.seed),
            |name| std::fs::File::create(dir.join(name)),
        )?;
        debug_assert_eq!(written, [DIGIMV_WORKBOOK]);
    }
    write_file(&dir.join("tarieven.csv"), &tables::tarieven(year)?)?;
    write_file(
        &dir.join("koppeltabel.csv"),
        &tables::koppeltabel(&providers)?,
    )?;
    let characteristics = kenmerken::characteristics(&providers, opts.seed, new_provider)?;
    write_file(&dir.join("kenmerken.csv"), &characteristics)?;
    write_file(
        &dir.join("contracteerruimte.csv"),
        &contracteerruimte::contracteerruimte(&providers, &characteristics, year)?,
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
         kenmerken = \"kenmerken.csv\"\n\
         contracteerruimte = \"contracteerruimte.csv\"\n\n\
         [beleid]\n\
         contractjaar = {year}\n\n\
         [uitsluiting]\n\
         kvk = [{{ kvk = \"{new_provider}\", reden = \"nieuwe aanbieder\" }}]\n",
        opts.providers,
        opts.claim_lines,
        opts.seed,
        opts.format.flag(),
        opts.format.pattern(),
    );
    if opts.digimv {
        write_file(
            &dir.join(published::CONFIG),
            published::config(&config, year).as_bytes(),
        )?;
    }
    write_file(&dir.join("richttarief.toml"), config.as_bytes())?;
    let files = opts.files();
    write_file(&dir.join(MARKER), placement::marker_text(&files).as_bytes())?;

    // Checked again: the folder may have changed during the generation.
    match placement::placement(opts)? {
        Placement::Whole => staged.replace()?,
        Placement::FileByFile { stale } => {
            // Marker and configuration go first and come back last, so that a set cut short
            // has neither: it does not run and does not pass for generate's.
            let mut remove = vec![MARKER.to_string(), "richttarief.toml".to_string()];
            if opts.format.is_folder() {
                // A folder of claims files is replaced whole, not merged into.
                remove.push(opts.format.file_name().to_string());
            }
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

/// Cents as the files write money: a sign when negative, and two decimals.
fn cents_text(out: &mut Vec<u8>, cents: i64) {
    if cents < 0 {
        out.push(b'-');
    }
    let c = cents.unsigned_abs();
    let _ = write!(out, "{}.{:02}", c / 100, c % 100);
}

fn money(cents: i64) -> String {
    let mut b = Vec::new();
    cents_text(&mut b, cents);
    String::from_utf8(b).expect("ASCII")
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
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
    fn money_is_written_with_two_decimals() {
        assert_eq!(money(-5), "-0.05");
        assert_eq!(money(123456), "1234.56");
    }
}
