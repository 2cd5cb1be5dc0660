//! A narrow door into the claims readers and the claims number parser, for the fuzz
//! targets (tests/fuzz), the short fuzz run in `cargo test` and the tests that hold the
//! readers' sums to a reference; the program itself does not use it. It reads claims from bytes exactly as `claims::read_claims` reads one file
//! (the same chunking, workers and checks), without the other inputs or the pipeline; the
//! AW319/AW320 reader, which reads from a path, gets the bytes in a file of their own. It must stay a thin wrapper: a check done here and not in the real reader
//! would make the fuzzing test something else than the program.

use anyhow::{bail, Result};

use super::claims::{Claimant, RawClaims};
use super::table::RowErrors;
use crate::config::{Config, Input};
use crate::model::ClaimSums;

/// The name the bytes go by in messages.
pub(crate) const SHOWN: &str = "declaraties.csv";

/// Reads `bytes` as one claims CSV file (plain or gzip) under `config`'s columns, decimal
/// sign and reference year: every claimant × prestatiecode with its sums, sorted, or the
/// error `read_claims` would give for such a file.
pub fn read_claims_csv(
    bytes: &[u8],
    config: &Config,
) -> Result<Vec<(Claimant, String, ClaimSums)>> {
    let (stats, mut part) = super::claims_csv::read_from(
        bytes,
        bytes.len() as u64,
        SHOWN,
        0,
        &spec(config),
        &|_, _| {},
    )?;
    std::mem::replace(&mut part.errors, RowErrors::new(SHOWN)).finish()?;
    if stats.rows == 0 {
        bail!("{SHOWN}: the claims file has no claim lines");
    }
    let mut raw = RawClaims::default();
    raw.absorb(part);
    Ok(raw.sorted())
}

/// The name AW319/AW320 bytes go by in messages.
pub const SHOWN_VEKTIS: &str = "declaraties.asc";

/// Reads `bytes` as one Vektis AW319/AW320 file under `config`'s reference year and
/// `declaraties_bedrag`, as `read_claims` reads a file it has recognised as one: every
/// claimant × prestatiecode with its sums, sorted, or the error it would give.
pub fn read_aw319(bytes: &[u8], config: &Config) -> Result<Vec<(Claimant, String, ClaimSums)>> {
    let read = super::aw319::read_from(
        bytes,
        bytes.len() as u64,
        SHOWN_VEKTIS,
        0,
        &spec(config),
        &|_, _| {},
    );
    let (stats, mut part) = read?;
    std::mem::replace(&mut part.errors, RowErrors::new(SHOWN_VEKTIS)).finish()?;
    if stats.rows == 0 {
        bail!("{SHOWN_VEKTIS}: the claims file has no claim lines");
    }
    let mut raw = RawClaims::default();
    raw.absorb(part);
    Ok(raw.sorted())
}

/// Reads every claims file of `config` as the pipeline does, without progress: the sums per
/// claimant × prestatiecode and what was read from each file.
pub fn read_claims(config: &Config) -> Result<RawClaims> {
    let mut raw = RawClaims::default();
    let spec = spec(config);
    for file in spec.files {
        raw.read(file, &spec, &|_, _| {})?;
    }
    Ok(raw)
}

/// The claims reader's fast number parser: `[-+]digits[.digits]` in millionths, or `None`
/// for anything it leaves to the strict parser.
pub fn fixed(text: &[u8], mark: u8) -> Option<i128> {
    super::claims::fixed(text, mark)
}

fn spec(config: &Config) -> crate::config::InputSpec<'_> {
    config
        .input(Input::Declaraties)
        .expect("a resolved configuration has declaraties")
}
