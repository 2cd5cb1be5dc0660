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

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use super::number::{cell_decimal, cell_identifier, cell_integer, cell_text, Cell};
use super::table::{format_of, map_columns, optional, required, Format, RowErrors, Want};
use super::{aw319, claims_csv, parquet, Koppeltabel};
use crate::config::{InputPath, InputSpec, Mapping};
use crate::model::number::DecimalSign;
use crate::model::number::{
    scaled_text, FIGURE_BOUND, FIGURE_BOUND_TEXT, MAX_DECIMALS, MAX_WHOLE_DIGITS,
};
use crate::model::{Agb, ClaimSums, Kvk, ProviderClaims, TariffTable};

/// Who a claim line is from; the domain's type, named here too for the tests that read
/// claims through this module.
pub use crate::model::Claimant;

/// A file (by its index in the order the files are read) and a line in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Seen {
    pub(crate) file: u32,
    pub(crate) line: u64,
}

/// Exact sums in millionths, and where the pair was first seen.
#[derive(Debug, Clone, Copy)]
pub(super) struct Acc {
    pub(crate) aantal: i128,
    pub(crate) bedrag: i128,
    pub(crate) first: Seen,
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

/// A sum in millionths as a `Decimal`, when it is within the bound of a provider's figures
/// (`model::number::FIGURE_BOUND`, 10^15); the sum as text otherwise, for the message.
pub(super) fn from_fixed(v: i128) -> Result<Decimal, String> {
    if v.unsigned_abs() >= FIGURE_BOUND as u128 * 1_000_000 {
        return Err(scaled_text(v, MAX_DECIMALS));
    }
    Ok(Decimal::from_i128_with_scale(v, MAX_DECIMALS).normalize())
}

/// A fixed hasher: fast for these small keys, and the same in every run.
pub(super) type Hasher = foldhash::fast::FixedState;

/// One worker's aggregate of some claim lines of one file.
pub(super) struct Partial {
    code_ids: HashMap<Box<[u8]>, u32, Hasher>,
    codes: Vec<Box<[u8]>>,
    sums: HashMap<(Claimant, u32), Acc, Hasher>,
    pub(crate) errors: RowErrors,
    pub rows: u64,
    pub other_years: u64,
    /// The lines of `other_years` per year, so that a file without the reference year can
    /// say which years it holds.
    pub(crate) years: BTreeMap<i64, u64>,
}

impl Partial {
    pub(super) fn new(file: &str) -> Partial {
        Partial {
            code_ids: HashMap::with_hasher(Hasher::default()),
            codes: Vec::new(),
            sums: HashMap::with_hasher(Hasher::default()),
            errors: RowErrors::new(file),
            rows: 0,
            other_years: 0,
            years: BTreeMap::new(),
        }
    }

    /// Counts `n` lines of `year`, another year than the reference year: not summed.
    pub(super) fn other_year(&mut self, year: i64, n: u64) {
        self.other_years += n;
        *self.years.entry(year).or_default() += n;
    }

    #[inline]
    pub(super) fn add(
        &mut self,
        who: Claimant,
        code: &[u8],
        aantal: i128,
        bedrag: i128,
        first: Seen,
    ) {
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
    pub(super) fn merge(&mut self, other: Partial) {
        for ((who, id), acc) in other.sums {
            let code = &other.codes[id as usize];
            self.add(who, code, acc.aantal, acc.bedrag, acc.first);
        }
        self.errors.merge(other.errors);
        self.rows += other.rows;
        self.other_years += other.other_years;
        for (year, n) in other.years {
            *self.years.entry(year).or_default() += n;
        }
    }
}

/// The claims of the reference year, summed per claimant × prestatiecode.
#[derive(Debug, Default)]
pub struct RawClaims {
    code_ids: HashMap<String, u32>,
    codes: Vec<String>,
    sums: HashMap<(Claimant, u32), Acc>,
    pub files: Vec<ClaimFile>,
    /// Lines of other years than the reference year, per year, over all files.
    pub(crate) other_years: BTreeMap<i64, u64>,
}

/// What was read from one claims file.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFile {
    pub(crate) file: String,
    pub(crate) bytes: u64,
    pub(crate) sha256: String,
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

    /// Every claimant × prestatiecode pair with its sums, sorted (for comparisons in
    /// tests; panics on a sum beyond the figures' bound, which `join` refuses).
    pub fn sorted(&self) -> Vec<(Claimant, String, ClaimSums)> {
        let mut v: Vec<_> = self
            .sums
            .iter()
            .map(|(&(who, id), acc)| {
                let sums = ClaimSums {
                    aantal: from_fixed(acc.aantal).expect("within the figures' bound"),
                    bedrag: from_fixed(acc.bedrag).expect("within the figures' bound"),
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
    pub(crate) agb: Option<usize>,
    pub(crate) kvk: Option<usize>,
    pub(crate) jaar: usize,
    pub(crate) prestatiecode: usize,
    pub(crate) aantal: usize,
    pub(crate) bedrag: usize,
}

pub(super) fn claim_columns(
    file: &str,
    headers: &[String],
    mapping: &Mapping,
) -> Result<ClaimColumns> {
    let ids = map_columns(
        file,
        None,
        headers,
        &[optional("agb"), optional("kvk")],
        mapping,
    )?;
    if ids.iter().all(Option::is_none) {
        // Neither identifier: report it the way every missing column is reported.
        map_columns(file, None, headers, &[required("agb")], mapping)?;
    }
    let wants: [Want; 4] = [
        required("jaar"),
        required("prestatiecode"),
        required("aantal"),
        required("bedrag"),
    ];
    let c = map_columns(file, None, headers, &wants, mapping)?;
    Ok(ClaimColumns {
        agb: ids[0],
        kvk: ids[1],
        jaar: c[0].expect("required"),
        prestatiecode: c[1].expect("required"),
        aantal: c[2].expect("required"),
        bedrag: c[3].expect("required"),
    })
}

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
        part.other_year(jaar, 1);
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

/// The input bound in millionths: every number is below 10^12 (`model::number::MAX_WHOLE_DIGITS`),
/// so below 10^18 millionths. Summing at most 10^20 such lines cannot overflow an i128
/// (1.7·10^38), so the readers' partial sums need no check; the joined sums are checked
/// against the figures' bound in `join`.
pub(super) const FIXED_BOUND: i128 = 10i128.pow(MAX_WHOLE_DIGITS + MAX_DECIMALS);

/// `[-+]digits[.digits]` with at most six decimals and below the input bound (10^12), in
/// millionths; `None` for anything else, which the strict parser then words.
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
    if v >= FIXED_BOUND {
        return None;
    }
    Some(if negative { -v } else { v })
}

/// How far a file is read: `tick(done, total)`, in the file's units (bytes of a CSV file,
/// rows of a Parquet file). Called from the readers' worker threads, so it must be `Sync`.
pub(crate) type Tick<'a> = &'a (dyn Fn(u64, u64) + Sync);

impl RawClaims {
    /// Reads one more claims file of `spec` and adds its claims; returns what was read from
    /// it. A file with the same content as one read before is refused, since its claims
    /// would count twice.
    pub(crate) fn read(
        &mut self,
        file: &InputPath,
        spec: &InputSpec,
        tick: Tick,
    ) -> Result<&ClaimFile> {
        let i = self.files.len();
        let (full, shown) = (&file.path, &file.shown);
        let (stats, mut part) = match claims_format(full, shown)? {
            ClaimsFormat::Vektis => aw319::read(full, shown, i as u32, spec, tick)?,
            ClaimsFormat::Table(Format::Csv) => {
                claims_csv::read(full, shown, i as u32, spec, tick)?
            }
            ClaimsFormat::Table(Format::Parquet) => {
                read_parquet_file(full, shown, i as u32, spec, tick)?
            }
            ClaimsFormat::Table(Format::Spreadsheet) => {
                bail!("{shown}: declaraties are read from CSV, CSV.gz, Parquet or Vektis AW319/AW320 files, not spreadsheets")
            }
        };
        std::mem::replace(&mut part.errors, RowErrors::new(shown)).finish()?;
        if stats.rows == 0 {
            bail!("{shown}: the claims file has no claim lines");
        }
        if let Some(twin) = self.files.iter().find(|f| f.sha256 == stats.sha256) {
            bail!("{shown} has the same content as {} (SHA-256 {}); its claims would be counted twice", twin.file, stats.sha256);
        }
        self.files.push(stats);
        for (year, n) in std::mem::take(&mut part.years) {
            *self.other_years.entry(year).or_default() += n;
        }
        self.absorb(part);
        Ok(&self.files[i])
    }
}

/// How a claims file is read: as a table (by its extension), or as a Vektis AW319/AW320
/// file (by its content).
enum ClaimsFormat {
    Table(Format),
    Vektis,
}

/// A file named `.csv`, `.csv.gz`, `.parquet` or `.pq` is read by its name; any other
/// (`.asc`, `.txt`, no extension: Vektis files come under many names) is first looked
/// into, and read as AW319/AW320 when its first record says so.
fn claims_format(path: &Path, shown: &str) -> Result<ClaimsFormat> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let tabular = [".csv", ".csv.gz", ".parquet", ".pq"];
    if !tabular.iter().any(|e| name.ends_with(e)) && aw319::sniff(path, shown)? {
        return Ok(ClaimsFormat::Vektis);
    }
    Ok(ClaimsFormat::Table(format_of(path)?))
}

fn read_parquet_file(
    path: &Path,
    shown: &str,
    file: u32,
    spec: &InputSpec,
    tick: Tick,
) -> Result<(ClaimFile, Partial)> {
    let headers = parquet::headers(path, shown)?;
    let columns = claim_columns(shown, &headers, &spec.columns)?;
    // The manifest's SHA-256 is a pass of its own over the file: run it beside the read.
    let (hashed, part) = std::thread::scope(|scope| {
        let hashing = scope.spawn(|| crate::files::hash_file(path));
        let part = parquet::aggregate(path, shown, file, &columns, spec, tick);
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

/// Maps claimants to KvK numbers and checks that every prestatiecode has a tariff for the
/// reference year. All unknown codes and unmapped AGB codes are reported together, each
/// with the first line it occurs on.
pub(crate) fn join(
    raw: &RawClaims,
    koppel: Option<&Koppeltabel>,
    tariffs: &TariffTable,
    year: i32,
) -> Result<BTreeMap<Kvk, ProviderClaims>> {
    let mut unknown_codes: BTreeMap<&str, Seen> = BTreeMap::new();
    let mut unmapped: BTreeMap<Agb, Seen> = BTreeMap::new();
    let mut out: BTreeMap<Kvk, ProviderClaims> = BTreeMap::new();
    // Σ aantal and Σ bedrag per KvK and prestatiecode in millionths: the claims of several
    // AGB codes of one KvK add up here, exactly, before they become decimals.
    let mut sums: BTreeMap<(Kvk, &str), (i128, i128)> = BTreeMap::new();
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
        out.entry(kvk).or_default().via.insert(who);
        let e = sums.entry((kvk, code)).or_default();
        // Saturating: a sum that reaches i128's end is far beyond the bound checked next.
        e.0 = e.0.saturating_add(acc.aantal);
        e.1 = e.1.saturating_add(acc.bedrag);
    }
    let mut beyond = Vec::new();
    for ((kvk, code), (aantal, bedrag)) in sums {
        match (from_fixed(aantal), from_fixed(bedrag)) {
            (Ok(aantal), Ok(bedrag)) => {
                let lines = &mut out.get_mut(&kvk).expect("entered above").lines;
                lines.insert(code.to_string(), ClaimSums { aantal, bedrag });
            }
            (a, b) => {
                for (column, sum) in [("aantal", a), ("bedrag", b)] {
                    if let Err(sum) = sum {
                        beyond.push(format!(
                            "KvK {kvk}, prestatiecode {code:?}: Σ {column} = {sum}"
                        ));
                    }
                }
            }
        }
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
    if !beyond.is_empty() {
        problems.push(format!(
            "{} sum(s) of claims per provider and prestatiecode reach {}, the bound of a provider's figures; first {}:\n  {}",
            beyond.len(),
            FIGURE_BOUND_TEXT,
            beyond.len().min(5),
            beyond[..beyond.len().min(5)].join("\n  ")
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
    fn fixed_point_declines_beyond_the_input_bound() {
        // Below 10^12 in, 10^12 and up out (in millionths: below 10^18).
        assert_eq!(
            fixed(b"999999999999.999999", b'.'),
            Some(999_999_999_999_999_999)
        );
        assert_eq!(
            fixed(b"-999999999999", b'.'),
            Some(-999_999_999_999_000_000)
        );
        assert_eq!(fixed(b"1000000000000", b'.'), None);
        assert_eq!(fixed(b"-1000000000000.0", b'.'), None);
        assert_eq!(fixed(b"100000000000000000000000", b'.'), None);
        // Leading zeros do not count, as in the strict parser.
        assert_eq!(fixed(b"0000000000001.5", b'.'), Some(1_500_000));
    }

    proptest::proptest! {
        /// The fast path and the strict parser agree: what `fixed` reads, the strict parser
        /// reads to the same value; what the strict parser refuses, `fixed` declines.
        #[test]
        fn fixed_point_accepts_only_what_the_strict_parser_accepts(
            text in "[-+]?[0-9]{0,20}([.][0-9]{0,9})?",
        ) {
            let strict = crate::model::number::parse_decimal(&text, DecimalSign::Point);
            let fast = fixed(text.as_bytes(), b'.');
            if strict.is_err() {
                proptest::prop_assert_eq!(fast, None);
            }
            if let Some(v) = fast {
                proptest::prop_assert_eq!(strict.map(to_fixed), Ok(v));
            }
        }
    }

    #[test]
    fn identifiers_are_eight_digits() {
        assert_eq!(eight_digits(b"01234567"), Some(1_234_567));
        assert_eq!(eight_digits(b"1234567"), None);
        assert_eq!(eight_digits(b"1234567a"), None);
    }
}
