//! Declaraties: one or more CSV (optionally gzip), or Parquet files, aggregated while they
//! stream to sums per claimant (AGB or KvK) × prestatiecode, and then joined to the
//! koppeltabel and the tariff table.
//!
//! No claim line is ever held as a row: memory grows with the number of distinct
//! claimant × prestatiecode pairs, not with the number of lines. Sums are exact integers
//! in millionths (every input number has at most six decimals, see `number`), which adds
//! up as fast as integers do and converts to `Decimal` without loss. For each pair and
//! each AGB the first file and line it was seen on is kept, so that a prestatiecode
//! without a tariff or an AGB without a KvK is reported where it occurs.
//!
//! Files are read by parallel workers (`claims_csv`, `parquet`), each into its own
//! `Partial`; partials merge by exact addition and the minimum of first-seen lines, so the
//! result does not depend on how the work was divided.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use super::number::{cell_decimal, cell_identifier, cell_integer, cell_text, Cell, MAX_DECIMALS};
use super::table::{format_of, map_columns, optional, required, Format, RowErrors, Want};
use super::{claims_csv, parquet, Koppeltabel, TariffTable};
use crate::config::{Config, DecimalSign};
use crate::model::{Agb, ClaimSums, Kvk};

/// Who a claim line is from, as the line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Claimant {
    Agb(Agb),
    Kvk(Kvk),
}

/// A file (by its index in the configuration) and a line in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Seen {
    pub file: u32,
    pub line: u64,
}

/// Exact sums in millionths, and where the pair was first seen.
#[derive(Debug, Clone, Copy)]
pub(super) struct Acc {
    pub aantal: i128,
    pub bedrag: i128,
    pub first: Seen,
}

/// A decimal of at most six places as an integer in millionths, exactly.
pub(super) fn to_fixed(d: Decimal) -> i128 {
    let d = d.normalize();
    debug_assert!(
        d.scale() <= MAX_DECIMALS,
        "ingest refuses more than {MAX_DECIMALS} decimals"
    );
    d.mantissa() * 10i128.pow(MAX_DECIMALS - d.scale())
}

pub(super) fn from_fixed(v: i128) -> Decimal {
    Decimal::try_from_i128_with_scale(v, MAX_DECIMALS)
        .expect("a sum of claims fits in a Decimal")
        .normalize()
}

/// A fixed hasher: fast for these small keys, and the same in every run.
pub(super) type Hasher = foldhash::fast::FixedState;

/// One worker's aggregate of some claim lines of one file.
pub(super) struct Partial {
    code_ids: HashMap<Box<[u8]>, u32, Hasher>,
    codes: Vec<Box<[u8]>>,
    sums: HashMap<(Claimant, u32), Acc, Hasher>,
    pub errors: RowErrors,
    pub rows: u64,
    pub other_years: u64,
}

impl Partial {
    pub fn new(file: &str) -> Partial {
        Partial {
            code_ids: HashMap::with_hasher(Hasher::default()),
            codes: Vec::new(),
            sums: HashMap::with_hasher(Hasher::default()),
            errors: RowErrors::new(file),
            rows: 0,
            other_years: 0,
        }
    }

    #[inline]
    pub fn add(&mut self, who: Claimant, code: &[u8], aantal: i128, bedrag: i128, first: Seen) {
        let id = match self.code_ids.get(code) {
            Some(&id) => id,
            None => {
                let id = self.codes.len() as u32;
                self.codes.push(code.into());
                self.code_ids.insert(code.into(), id);
                id
            }
        };
        let acc = self.sums.entry((who, id)).or_insert(Acc {
            aantal: 0,
            bedrag: 0,
            first,
        });
        acc.aantal += aantal;
        acc.bedrag += bedrag;
        acc.first = acc.first.min(first);
    }

    /// Takes in another partial of the same file.
    pub fn merge(&mut self, other: Partial) {
        for ((who, id), acc) in other.sums {
            let code = &other.codes[id as usize];
            self.add(who, code, acc.aantal, acc.bedrag, acc.first);
        }
        self.errors.merge(other.errors);
        self.rows += other.rows;
        self.other_years += other.other_years;
    }
}

/// The claims of the reference year, summed per claimant × prestatiecode.
#[derive(Debug, Default)]
pub struct RawClaims {
    code_ids: HashMap<String, u32>,
    codes: Vec<String>,
    sums: HashMap<(Claimant, u32), Acc>,
    pub files: Vec<ClaimFile>,
}

/// What was read from one claims file.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFile {
    pub file: String,
    pub bytes: u64,
    pub sha256: String,
    /// Claim lines read (all years).
    pub rows: u64,
    /// Lines of another year than the reference year, not used.
    pub other_years: u64,
}

impl RawClaims {
    pub(super) fn absorb(&mut self, part: Partial) {
        for ((who, id), acc) in part.sums {
            // Codes were checked to be UTF-8 when they were read.
            let code = String::from_utf8_lossy(&part.codes[id as usize]).into_owned();
            let next = self.codes.len() as u32;
            let gid = *self.code_ids.entry(code.clone()).or_insert(next);
            if gid == next {
                self.codes.push(code);
            }
            let e = self.sums.entry((who, gid)).or_insert(Acc {
                aantal: 0,
                bedrag: 0,
                first: acc.first,
            });
            e.aantal += acc.aantal;
            e.bedrag += acc.bedrag;
            e.first = e.first.min(acc.first);
        }
    }

    /// Every claimant × prestatiecode pair with its sums, sorted (for comparisons).
    pub fn sorted(&self) -> Vec<(Claimant, String, ClaimSums)> {
        let mut v: Vec<_> = self
            .sums
            .iter()
            .map(|(&(who, id), acc)| {
                let sums = ClaimSums {
                    aantal: from_fixed(acc.aantal),
                    bedrag: from_fixed(acc.bedrag),
                };
                (who, self.codes[id as usize].clone(), sums)
            })
            .collect();
        v.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        v
    }

    fn location(&self, seen: Seen) -> String {
        format!("{} row {}", self.files[seen.file as usize].file, seen.line)
    }
}

/// The column positions of one claims file.
pub(super) struct ClaimColumns {
    pub agb: Option<usize>,
    pub kvk: Option<usize>,
    pub jaar: usize,
    pub prestatiecode: usize,
    pub aantal: usize,
    pub bedrag: usize,
}

pub(super) fn claim_columns(
    file: &str,
    headers: &[String],
    config: &Config,
) -> Result<ClaimColumns> {
    let ids = map_columns(
        file,
        headers,
        &[optional("agb"), optional("kvk")],
        &config.kolommen,
    )?;
    if ids.iter().all(Option::is_none) {
        // Neither identifier: report it the way every missing column is reported.
        map_columns(file, headers, &[required("agb")], &config.kolommen)?;
    }
    let wants: [Want; 4] = [
        required("jaar"),
        required("prestatiecode"),
        required("aantal"),
        required("bedrag"),
    ];
    let c = map_columns(file, headers, &wants, &config.kolommen)?;
    Ok(ClaimColumns {
        agb: ids[0],
        kvk: ids[1],
        jaar: c[0].expect("required"),
        prestatiecode: c[1].expect("required"),
        aantal: c[2].expect("required"),
        bedrag: c[3].expect("required"),
    })
}

/// The bound on a claim line's aantal and bedrag, exclusive, in millionths: 10^12 (a
/// thousand billion, far above any real claim). Sums are kept in millionths and become a
/// `Decimal` (at most 7.9 · 10^28, so 7.9 · 10^22 at six decimals); below this bound no
/// file of fewer than 79 billion lines can overflow them.
pub(super) const AMOUNT_BOUND: i128 = 1_000_000_000_000 * 1_000_000;

/// Parses one claim line from its cells, recording problems; `None` if it had any.
pub(super) fn claim_line<'c>(
    cells: &dyn Fn(usize) -> &'c Cell,
    columns: &ClaimColumns,
    sign: DecimalSign,
    location: &str,
    errors: &mut RowErrors,
) -> Option<(Claimant, i64, String, Decimal, Decimal)> {
    let before = errors.count();
    let kvk = columns.kvk.and_then(|c| cell_identifier(cells(c)));
    let who = match (kvk, columns.agb.and_then(|c| cell_identifier(cells(c)))) {
        (Some(k), _) => Kvk::parse(&k).map(Claimant::Kvk).map_err(|e| ("kvk", e)),
        (None, Some(a)) => Agb::parse(&a).map(Claimant::Agb).map_err(|e| ("agb", e)),
        (None, None) => Err((
            "agb",
            "empty: every line needs an AGB code or a KvK number".to_string(),
        )),
    };
    let who = who.map_err(|(col, e)| errors.push(location, col, &e)).ok();
    let jaar = match cell_integer(cells(columns.jaar)) {
        Ok(Some(j)) => Some(j),
        Ok(None) => {
            errors.push(location, "jaar", "empty, a value is required");
            None
        }
        Err(e) => {
            errors.push(location, "jaar", &e);
            None
        }
    };
    let code = cell_text(cells(columns.prestatiecode));
    if code.is_none() {
        errors.push(location, "prestatiecode", "empty, a value is required");
    }
    let mut amount = |column: usize, name: &str| match cell_decimal(cells(column), sign) {
        Ok(Some(v)) if to_fixed(v).abs() >= AMOUNT_BOUND => {
            let problem = format!(
                "{} is too large: a claim line's amounts must be below 10^12 (a thousand billion)",
                cells(column).shown()
            );
            errors.push(location, name, &problem);
            None
        }
        Ok(Some(v)) => Some(v),
        Ok(None) => {
            errors.push(location, name, "empty, a value is required");
            None
        }
        Err(e) => {
            errors.push(location, name, &e);
            None
        }
    };
    let aantal = amount(columns.aantal, "aantal");
    let bedrag = amount(columns.bedrag, "bedrag");
    if errors.count() != before {
        return None;
    }
    Some((who?, jaar?, code?, aantal?, bedrag?))
}

/// Adds a line parsed by `claim_line` to `part`, or counts it as another year.
pub(super) fn add_line(
    part: &mut Partial,
    line: (Claimant, i64, String, Decimal, Decimal),
    year: i64,
    seen: Seen,
) {
    let (who, jaar, code, aantal, bedrag) = line;
    if jaar != year {
        part.other_years += 1;
    } else {
        part.add(
            who,
            code.as_bytes(),
            to_fixed(aantal),
            to_fixed(bedrag),
            seen,
        );
    }
}

// ---------------------------------------------------------------------------------------
// Fast parsing of well-formed values, shared by the CSV and Parquet readers. Anything
// unusual returns None and goes to `claim_line`, which words the problem.

/// ASCII white space off both ends.
pub(super) fn trim(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|c| !c.is_ascii_whitespace())
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|c| !c.is_ascii_whitespace())
        .map_or(start, |p| p + 1);
    &b[start..end]
}

/// Eight ASCII digits as a number.
pub(super) fn eight_digits(b: &[u8]) -> Option<u32> {
    if b.len() != 8 || !b.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(b.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0')))
}

/// `[-+]digits[.digits]` with at most six decimals, in millionths; `None` for anything else.
pub(super) fn fixed(b: &[u8], mark: u8) -> Option<i128> {
    let (negative, digits) = match b.first()? {
        b'-' => (true, &b[1..]),
        b'+' => (false, &b[1..]),
        _ => (false, b),
    };
    let mut whole: i64 = 0;
    let mut i = 0;
    while i < digits.len() && digits[i].is_ascii_digit() {
        whole = whole
            .checked_mul(10)?
            .checked_add(i64::from(digits[i] - b'0'))?;
        i += 1;
    }
    let whole_digits = i;
    let mut fraction: i64 = 0;
    let mut places = 0u32;
    if i < digits.len() {
        if digits[i] != mark {
            return None;
        }
        i += 1;
        while i < digits.len() && digits[i].is_ascii_digit() {
            if places == 6 {
                return None;
            }
            fraction = fraction * 10 + i64::from(digits[i] - b'0');
            places += 1;
            i += 1;
        }
        if i != digits.len() {
            return None;
        }
    }
    if whole_digits + places as usize == 0 {
        return None;
    }
    let v = i128::from(whole) * 1_000_000 + i128::from(fraction) * 10i128.pow(6 - places);
    Some(if negative { -v } else { v })
}

/// Reads every claims file of the configuration in order; `progress` hears one line per file.
pub fn read_claims(config: &Config, progress: &dyn crate::pipeline::Progress) -> Result<RawClaims> {
    let mut raw = RawClaims::default();
    for (i, path) in config.invoer.declaratiebestanden.iter().enumerate() {
        let shown = super::shown(path);
        let full = config.invoer.basis.join(path);
        raw.files.push(ClaimFile {
            file: shown.clone(),
            bytes: 0,
            sha256: String::new(),
            rows: 0,
            other_years: 0,
        });
        let (stats, part) = match format_of(&full)? {
            Format::Csv => claims_csv::read(&full, &shown, i as u32, config, progress)?,
            Format::Parquet => read_parquet_file(&full, &shown, i as u32, config, progress)?,
            Format::Spreadsheet => {
                bail!("{shown}: declaraties are read from CSV, CSV.gz or Parquet, not spreadsheets")
            }
        };
        let mut part = part;
        std::mem::replace(&mut part.errors, RowErrors::new(&shown)).finish()?;
        if stats.rows == 0 {
            bail!("{shown}: the claims file has no claim lines");
        }
        if let Some(twin) = raw.files[..i].iter().find(|f| f.sha256 == stats.sha256) {
            bail!("{shown} has the same content as {} (SHA-256 {}); its claims would be counted twice", twin.file, stats.sha256);
        }
        progress.stage(&format!(
            "read {shown}: {} claim lines ({} of other years skipped)",
            stats.rows, stats.other_years
        ));
        raw.files[i] = stats;
        raw.absorb(part);
    }
    Ok(raw)
}

fn read_parquet_file(
    path: &Path,
    shown: &str,
    file: u32,
    config: &Config,
    progress: &dyn crate::pipeline::Progress,
) -> Result<(ClaimFile, Partial)> {
    let headers = parquet::headers(path, shown)?;
    let columns = claim_columns(shown, &headers, config)?;
    // The manifest's SHA-256 is a pass of its own over the file: run it beside the read.
    let (hashed, part) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| super::hash_file(path));
        let part = parquet::aggregate(path, shown, file, &headers, &columns, config, progress);
        (
            hashing
                .join()
                .map_err(|_| anyhow::anyhow!("hashing {shown} panicked")),
            part,
        )
    });
    let (bytes, sha256) = hashed??;
    let part = part?;
    let stats = ClaimFile {
        file: shown.to_string(),
        bytes,
        sha256,
        rows: part.rows,
        other_years: part.other_years,
    };
    Ok((stats, part))
}

/// "N <what>; first 5:" and, per value in the order of the file and line it first occurs
/// on, where that is.
fn first_seen<K: AsRef<str>>(
    raw: &RawClaims,
    values: BTreeMap<K, Seen>,
    what: &str,
    column: &str,
) -> String {
    let mut items: Vec<(Seen, K)> = values.into_iter().map(|(v, s)| (s, v)).collect();
    items.sort_by(|(a, x), (b, y)| (a.file, a.line, x.as_ref()).cmp(&(b.file, b.line, y.as_ref())));
    let shown: Vec<String> = items
        .iter()
        .take(5)
        .map(|(s, v)| {
            // A prestatiecode column that holds BSNs (a mislabelled header) must not print them.
            let v = crate::model::conceal_bsns(v.as_ref());
            format!("{}, column {column:?}: {v:?}", raw.location(*s))
        })
        .collect();
    format!(
        "{} {what}; first {}:\n  {}",
        items.len(),
        shown.len(),
        shown.join("\n  ")
    )
}

/// The claims of one provider after the join.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ProviderClaims {
    /// Σ aantal and Σ bedrag per prestatiecode.
    pub lines: BTreeMap<String, ClaimSums>,
    /// The AGB codes (or the KvK itself) its claims came under.
    pub via: BTreeSet<Claimant>,
}

/// Maps claimants to KvK numbers and checks that every prestatiecode has a tariff for the
/// reference year. All unknown codes and unmapped AGB codes are reported together, each
/// with the first line it occurs on.
pub fn join(
    raw: &RawClaims,
    koppel: Option<&Koppeltabel>,
    tariffs: &TariffTable,
    year: i32,
) -> Result<BTreeMap<Kvk, ProviderClaims>> {
    let mut unknown_codes: BTreeMap<&str, Seen> = BTreeMap::new();
    let mut unmapped: BTreeMap<Agb, Seen> = BTreeMap::new();
    let mut out: BTreeMap<Kvk, ProviderClaims> = BTreeMap::new();
    let earlier = |a: Seen, b: Seen| a.min(b);
    for (&(who, id), acc) in &raw.sums {
        let code = raw.codes[id as usize].as_str();
        if !tariffs.by_code.contains_key(code) {
            let e = unknown_codes.entry(code).or_insert(acc.first);
            *e = earlier(*e, acc.first);
        }
        let kvk = match who {
            Claimant::Kvk(k) => k,
            Claimant::Agb(a) => match koppel.and_then(|k| k.by_agb.get(&a)) {
                Some(&k) => k,
                None => {
                    let e = unmapped.entry(a).or_insert(acc.first);
                    *e = earlier(*e, acc.first);
                    continue;
                }
            },
        };
        let p = out.entry(kvk).or_default();
        p.via.insert(who);
        let line = p.lines.entry(code.to_string()).or_default();
        line.aantal += from_fixed(acc.aantal);
        line.bedrag += from_fixed(acc.bedrag);
    }
    let mut problems = Vec::new();
    if !unknown_codes.is_empty() {
        let what = format!("prestatiecode(s) in the declaraties without a tariff for {year}");
        problems.push(first_seen(raw, unknown_codes, &what, "prestatiecode"));
    }
    if !unmapped.is_empty() {
        let why = if koppel.is_none() {
            " (no koppeltabel is configured)"
        } else {
            ""
        };
        let what = format!("AGB code(s) in the declaraties without a KvK in the koppeltabel{why}");
        problems.push(first_seen(
            raw,
            unmapped
                .into_iter()
                .map(|(a, s)| (a.to_string(), s))
                .collect(),
            &what,
            "agb",
        ));
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_point_parses_exactly_or_declines() {
        assert_eq!(fixed(b"123.45", b'.'), Some(123_450_000));
        assert_eq!(fixed(b"-0.000001", b'.'), Some(-1));
        assert_eq!(fixed(b"+7", b'.'), Some(7_000_000));
        assert_eq!(fixed(b"12,5", b','), Some(12_500_000));
        // Everything unusual goes to the slow path, which words the problem.
        for bad in [
            &b"1,234.56"[..],
            b"1.0000001",
            b"",
            b"-",
            b".",
            b"1e5",
            b"12.5.1",
            b"1 000",
        ] {
            assert_eq!(fixed(bad, b'.'), None, "{}", String::from_utf8_lossy(bad));
        }
    }

    #[test]
    fn identifiers_are_eight_digits() {
        assert_eq!(eight_digits(b"01234567"), Some(1_234_567));
        assert_eq!(eight_digits(b"1234567"), None);
        assert_eq!(eight_digits(b"1234567a"), None);
    }
}
