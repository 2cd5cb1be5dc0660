//! Declaraties: one or more CSV (optionally gzip), or Parquet files, aggregated while they
//! stream to sums per claimant (AGB or KvK) × prestatiecode × eenheid, and then joined to
//! the koppeltabel and the tariff table, where each count is converted into the unit of
//! its tariff.
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
//! result does not depend on how the work was divided. A reader of another format adds its
//! lines with `Partial::add_claim`.
//!
//! Units: a line's `eenheid` (optional) says what its aantal counts. Counts in different
//! units are kept apart while reading and converted only in `join`, per KvK ×
//! prestatiecode, with one rounding (see `convert`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use super::number::{cell_decimal, cell_identifier, cell_integer, cell_text, Cell};
use super::table::{format_of, map_columns, optional, required, Format, RowErrors, Want};
use super::{claims_csv, parquet, Koppeltabel};
use crate::config::{InputPath, InputSpec, Mapping};
use crate::model::number::DecimalSign;
use crate::model::number::{
    scaled_text, FIGURE_BOUND, FIGURE_BOUND_TEXT, MAX_DECIMALS, MAX_WHOLE_DIGITS,
};
use crate::model::{Agb, ClaimSums, Eenheid, Kvk, ProviderClaims, TariffTable, UnitCounts};

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

/// A line's unit (or none) as a number below 8, for readers that pack it into a key: 0 for
/// none, 1 + its place in `Eenheid::ALL` otherwise.
pub(super) fn unit_slot(unit: Option<Eenheid>) -> u32 {
    match unit {
        None => 0,
        Some(u) => 1 + Eenheid::ALL.iter().position(|x| *x == u).expect("in ALL") as u32,
    }
}

/// The unit of a `unit_slot`.
pub(super) fn slot_unit(slot: u32) -> Option<Eenheid> {
    slot.checked_sub(1).map(|i| Eenheid::ALL[i as usize])
}

/// A line's `eenheid` as the readers' fast paths read it: empty is none; a value that is
/// not a unit is `Err`, for the strict path (`claim_line`) to word.
pub(super) fn unit_bytes(b: &[u8]) -> Result<Option<Eenheid>, ()> {
    if b.is_empty() {
        return Ok(None);
    }
    let text = std::str::from_utf8(b).map_err(|_| ())?;
    Eenheid::parse(text).map(Some).map_err(|_| ())
}

/// The key of a sum: who, the prestatiecode's id, and the unit its aantal counts (none when
/// the line did not say).
type Key = (Claimant, u32, Option<Eenheid>);

/// One worker's aggregate of some claim lines of one file.
pub(super) struct Partial {
    code_ids: HashMap<Box<[u8]>, u32, Hasher>,
    codes: Vec<Box<[u8]>>,
    sums: HashMap<Key, Acc, Hasher>,
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

    /// The entry point of a claims reader: adds one claim line of the reference year.
    ///
    /// `who` is the claimant (AGB or KvK), `prestatiecode` the code as read (trimmed,
    /// non-empty), `eenheid` the unit its `aantal` counts (none when the file does not
    /// say: the line then counts in its tariff's unit), `aantal` and `bedrag` exact
    /// decimals, and `seen` the file (its index in the order of reading) and line. Lines of
    /// other years go to `other_year` instead. Counts in different units are summed apart
    /// and converted in `join`.
    ///
    /// Every ingest number has at most six decimals and is below 10^12 in magnitude; a
    /// value beyond that is refused with `Err` (the column's name), for the reader to word
    /// with its file, line and value.
    pub(super) fn add_claim(
        &mut self,
        who: Claimant,
        prestatiecode: &str,
        eenheid: Option<Eenheid>,
        aantal: Decimal,
        bedrag: Decimal,
        seen: Seen,
    ) -> Result<(), &'static str> {
        let fits = |d: Decimal| {
            let d = d.normalize();
            d.scale() <= MAX_DECIMALS && to_fixed(d).abs() < FIXED_BOUND
        };
        if !fits(aantal) {
            return Err("aantal");
        }
        if !fits(bedrag) {
            return Err("bedrag");
        }
        self.add(
            who,
            prestatiecode.as_bytes(),
            eenheid,
            to_fixed(aantal),
            to_fixed(bedrag),
            seen,
        );
        Ok(())
    }

    /// Adds sums in millionths (the readers' fast paths).
    #[inline]
    pub(super) fn add(
        &mut self,
        who: Claimant,
        code: &[u8],
        eenheid: Option<Eenheid>,
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
        let acc = self.sums.entry((who, id, eenheid)).or_insert(Acc {
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
        for ((who, id, unit), acc) in other.sums {
            let code = &other.codes[id as usize];
            self.add(who, code, unit, acc.aantal, acc.bedrag, acc.first);
        }
        self.errors.merge(other.errors);
        self.rows += other.rows;
        self.other_years += other.other_years;
        for (year, n) in other.years {
            *self.years.entry(year).or_default() += n;
        }
    }
}

/// The claims of the reference year, summed per claimant × prestatiecode × eenheid.
#[derive(Debug, Default)]
pub struct RawClaims {
    code_ids: HashMap<String, u32>,
    codes: Vec<String>,
    sums: HashMap<Key, Acc, Hasher>,
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
        for ((who, id, unit), acc) in part.sums {
            // Codes were checked to be UTF-8 when they were read.
            let code = String::from_utf8_lossy(&part.codes[id as usize]).into_owned();
            let next = self.codes.len() as u32;
            let gid = *self.code_ids.entry(code.clone()).or_insert(next);
            if gid == next {
                self.codes.push(code);
            }
            let e = self.sums.entry((who, gid, unit)).or_insert(Acc {
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
    /// tests; panics on a sum beyond the figures' bound, which `join` refuses). The sums
    /// of lines that stated a unit are listed apart, their code followed by the unit in
    /// brackets (`H126 [minuut]`).
    pub fn sorted(&self) -> Vec<(Claimant, String, ClaimSums)> {
        let mut v: Vec<_> = self
            .sums
            .iter()
            .map(|(&(who, id, unit), acc)| {
                let sums = ClaimSums {
                    aantal: from_fixed(acc.aantal).expect("within the figures' bound"),
                    bedrag: from_fixed(acc.bedrag).expect("within the figures' bound"),
                };
                let code = &self.codes[id as usize];
                let code = match unit {
                    None => code.clone(),
                    Some(u) => format!("{code} [{u}]"),
                };
                (who, code, sums)
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
    /// The unit of aantal, when the file has the column.
    pub(crate) eenheid: Option<usize>,
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
    let unit = map_columns(file, None, headers, &[optional("eenheid")], mapping)?;
    Ok(ClaimColumns {
        agb: ids[0],
        kvk: ids[1],
        jaar: c[0].expect("required"),
        prestatiecode: c[1].expect("required"),
        aantal: c[2].expect("required"),
        bedrag: c[3].expect("required"),
        eenheid: unit[0],
    })
}

/// One claim line as the strict path reads it.
pub(super) struct ClaimLine {
    pub(crate) who: Claimant,
    pub(crate) jaar: i64,
    pub(crate) code: String,
    pub(crate) eenheid: Option<Eenheid>,
    pub(crate) aantal: Decimal,
    pub(crate) bedrag: Decimal,
}

/// Parses one claim line from its cells, recording problems; `None` if it had any.
pub(super) fn claim_line<'c>(
    cells: &dyn Fn(usize) -> &'c Cell,
    columns: &ClaimColumns,
    sign: DecimalSign,
    location: &str,
    errors: &mut RowErrors,
) -> Option<ClaimLine> {
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
    // Read as text: a number 4 is the COD218 code 04 (uur).
    let eenheid = match columns.eenheid.and_then(|c| cell_text(cells(c))) {
        None => None,
        Some(t) => Eenheid::parse(&t)
            .map_err(|e| errors.push(location, "eenheid", &e))
            .ok(),
    };
    if errors.count() != before {
        return None;
    }
    Some(ClaimLine {
        who: who?,
        jaar: jaar?,
        code: code?,
        eenheid,
        aantal: aantal?,
        bedrag: bedrag?,
    })
}

/// Adds a line parsed by `claim_line` to `part`, or counts it as another year.
pub(super) fn add_line(part: &mut Partial, line: ClaimLine, year: i64, seen: Seen) {
    if line.jaar != year {
        part.other_year(line.jaar, 1);
    } else {
        part.add_claim(
            line.who,
            &line.code,
            line.eenheid,
            line.aantal,
            line.bedrag,
            seen,
        )
        .expect("claim_line refuses a number beyond six decimals or the input bound");
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
        let (stats, mut part) = match format_of(full)? {
            Format::Csv => claims_csv::read(full, shown, i as u32, spec, tick)?,
            Format::Parquet => read_parquet_file(full, shown, i as u32, spec, tick)?,
            Format::Spreadsheet => {
                bail!("{shown}: declaraties are read from CSV, CSV.gz or Parquet, not spreadsheets")
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

/// The counts of one KvK × prestatiecode per unit as claimed (none: the lines that stated
/// no unit), in millionths, each with the line it was first seen on. Held by `unit_slot`,
/// so that gathering them for every pair allocates nothing.
#[derive(Debug, Default)]
struct Counts([Option<(i128, Seen)>; 7]);

impl Counts {
    fn add(&mut self, unit: Option<Eenheid>, n: i128, seen: Seen) {
        let (sum, first) = self.0[unit_slot(unit) as usize].get_or_insert((0, seen));
        // Saturating: a sum that reaches i128's end is far beyond the figures' bound, which
        // `join` checks.
        *sum = sum.saturating_add(n);
        *first = (*first).min(seen);
    }

    /// (unit, count, first seen) for each unit claimed: none first, then in `Eenheid`'s
    /// order (time finest first).
    fn iter(&self) -> impl Iterator<Item = (Option<Eenheid>, i128, Seen)> + '_ {
        self.0
            .iter()
            .enumerate()
            .filter_map(|(slot, c)| c.map(|(n, seen)| (slot_unit(slot as u32), n, seen)))
    }
}

/// Σ aantal and Σ bedrag in millionths, and the line first seen on.
type Joined = (i128, i128, Seen);

/// Why a claimed unit cannot be counted against a tariff.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Mismatch {
    /// The two units are of different kinds (a dagdeel against an hourly tariff).
    Inconvertible(Eenheid, Eenheid),
    /// The claims state a unit, the tariff table none for the code.
    TariffUnstated(Eenheid),
}

/// Σ aantal of one KvK × prestatiecode in the tariff's unit `into`, in millionths.
///
/// The rule, the only place a count is rounded: each unit's counts are summed exactly in
/// millionths while reading; here all counts are first converted into the finest unit
/// among them and the tariff's (a multiplication by a whole number of that unit per unit,
/// exact), added, and the total converted once into the tariff's unit by one division,
/// rounded half to even to six decimals. Six decimals is the precision of every input
/// number, so the product with a tariff keeps at most 12 decimals, as `aggregate` needs
/// for its exactness. The rounding is at most half a millionth of a unit per KvK and
/// code, so that code's s_max (and k = aantal · kapitaal_per_eenheid) moves by at most
/// half a millionth times max_tarief; minutes, hours and any mix of the same care give the
/// same total, since they are added before the one division. Lines without a unit count in the tariff's unit (as the
/// contract read before units were stated); with no unit on the tariff they count as they
/// are, and a line that states one is refused (`Mismatch::TariffUnstated`). Units of
/// different kinds never convert (`Mismatch::Inconvertible`).
///
/// Returns the total, and whether any count was converted (another unit than `into`).
fn convert(counts: &Counts, into: Option<Eenheid>) -> Result<(i128, bool), Vec<(Mismatch, Seen)>> {
    let Some(into) = into else {
        let stated: Vec<_> = counts
            .iter()
            .filter_map(|(u, _, seen)| u.map(|u| (Mismatch::TariffUnstated(u), seen)))
            .collect();
        if !stated.is_empty() {
            return Err(stated);
        }
        let total = counts
            .iter()
            .fold(0i128, |t, (_, n, _)| t.saturating_add(n));
        return Ok((total, false));
    };
    let wrong: Vec<_> = counts
        .iter()
        .filter_map(|(u, _, seen)| {
            let u = u?;
            u.ratio_to(into)
                .is_none()
                .then_some((Mismatch::Inconvertible(u, into), seen))
        })
        .collect();
    if !wrong.is_empty() {
        return Err(wrong);
    }
    let unit = |u: Option<Eenheid>| u.unwrap_or(into);
    let finest = Eenheid::finest(counts.iter().map(|(u, _, _)| unit(u)).chain([into]))
        .expect("every unit converts into the tariff's, so into each other");
    let mut total = 0i128;
    for (u, n, _) in counts.iter() {
        let (mul, div) = unit(u).ratio_to(finest).expect("converts");
        debug_assert_eq!(div, 1, "the finest unit divides every other");
        // Saturating: a total that reaches i128's end is far beyond the figures' bound,
        // which `join` checks next.
        total = total.saturating_add(n.saturating_mul(i128::from(mul)));
    }
    let (mul, div) = finest.ratio_to(into).expect("converts");
    debug_assert_eq!(
        mul, 1,
        "the tariff's unit is at least as coarse as the finest"
    );
    let converted = counts.iter().any(|(u, _, _)| unit(u) != into);
    Ok((div_half_even(total, i128::from(div)), converted))
}

/// `n / d` rounded half to even, for `d > 0`.
fn div_half_even(n: i128, d: i128) -> i128 {
    debug_assert!(d > 0);
    let (q, r) = (n.div_euclid(d), n.rem_euclid(d));
    // n = q·d + r with 0 ≤ r < d: round up when r is more than half of d, or exactly half
    // and q is odd.
    match (2 * r).cmp(&d) {
        std::cmp::Ordering::Greater => q + 1,
        std::cmp::Ordering::Equal if q % 2 != 0 => q + 1,
        _ => q,
    }
}

/// Maps claimants to KvK numbers, checks that every prestatiecode has a tariff for the
/// reference year, and converts every count into its tariff's unit (`convert`). All
/// unknown codes, unmapped AGB codes and units that do not fit their tariff are reported
/// together, each with the first line it occurs on.
pub(crate) fn join(
    raw: &RawClaims,
    koppel: Option<&Koppeltabel>,
    tariffs: &TariffTable,
    year: i32,
) -> Result<BTreeMap<Kvk, ProviderClaims>> {
    let mut unknown_codes: BTreeMap<&str, Seen> = BTreeMap::new();
    let mut unmapped: BTreeMap<Agb, Seen> = BTreeMap::new();
    let mut out: BTreeMap<Kvk, ProviderClaims> = BTreeMap::new();
    // Σ aantal and Σ bedrag per KvK, prestatiecode and unit in millionths: the claims of
    // several AGB codes of one KvK add up here, exactly, before they become decimals.
    let mut sums: HashMap<(Kvk, &str, Option<Eenheid>), Joined, Hasher> = HashMap::default();
    let earlier = |a: Seen, b: Seen| a.min(b);
    for (&(who, id, unit), acc) in &raw.sums {
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
        let (n, bedrag, first) = sums.entry((kvk, code, unit)).or_insert((0, 0, acc.first));
        // Saturating: a sum that reaches i128's end is far beyond the bound checked next.
        *n = n.saturating_add(acc.aantal);
        *bedrag = bedrag.saturating_add(acc.bedrag);
        *first = earlier(*first, acc.first);
    }
    let mut beyond = Vec::new();
    let mut mismatched: BTreeMap<(&str, Mismatch), Seen> = BTreeMap::new();
    // Sorted, so that the units of a KvK and code are neighbours, taken together below, and
    // the providers and codes come in order (the keys are distinct: any sort gives this).
    let mut sums: Vec<_> = sums.into_iter().collect();
    sums.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut sums = sums.into_iter().peekable();
    while let Some(((kvk, code, unit), (n, mut bedrag, first))) = sums.next() {
        let mut counts = Counts::default();
        counts.add(unit, n, first);
        while let Some(((_, _, unit), (n, b, first))) =
            sums.next_if(|((k, c, _), _)| *k == kvk && *c == code)
        {
            counts.add(unit, n, first);
            bedrag = bedrag.saturating_add(b);
        }
        // A code without a tariff is reported above.
        let Some(tariff) = tariffs.by_code.get(code) else {
            continue;
        };
        let (aantal, converted) = match convert(&counts, tariff.eenheid) {
            Ok(v) => v,
            Err(found) => {
                for (m, seen) in found {
                    let e = mismatched.entry((code, m)).or_insert(seen);
                    *e = earlier(*e, seen);
                }
                continue;
            }
        };
        match (from_fixed(aantal), from_fixed(bedrag)) {
            (Ok(aantal), Ok(bedrag)) => {
                let provider = out.get_mut(&kvk).expect("entered above");
                provider
                    .lines
                    .insert(code.to_string(), ClaimSums { aantal, bedrag });
                // The counts as claimed, for the explanation. Only the converted total is
                // bounded (and checked above): a count in minutes beyond the figures'
                // bound leaves the explanation without this breakdown, nothing else.
                let claimed = || -> Option<Vec<_>> {
                    counts
                        .iter()
                        .map(|(u, n, _)| from_fixed(n).ok().map(|n| (u, n)))
                        .collect()
                };
                if let (true, Some(into)) = (converted, tariff.eenheid) {
                    if let Some(claimed) = claimed() {
                        provider
                            .units
                            .insert(code.to_string(), UnitCounts { claimed, into });
                    }
                }
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
    if !mismatched.is_empty() {
        problems.push(unit_problems(raw, mismatched, year));
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

/// "N claimed unit(s) that do not fit the tariff; first 5:" and each, in the order of the
/// file and line it first occurs on.
fn unit_problems(raw: &RawClaims, found: BTreeMap<(&str, Mismatch), Seen>, year: i32) -> String {
    let mut items: Vec<(Seen, &str, Mismatch)> =
        found.into_iter().map(|((c, m), s)| (s, c, m)).collect();
    items.sort();
    let shown: Vec<String> = items
        .iter()
        .take(5)
        .map(|(s, code, m)| {
            let code = crate::model::conceal_bsns(code);
            let why = match m {
                Mismatch::Inconvertible(u, t) => format!(
                    "prestatiecode {code:?} claimed in eenheid {u}, its tariff is per {t}: {u} does not convert into {t}"
                ),
                Mismatch::TariffUnstated(u) => format!(
                    "prestatiecode {code:?} claimed in eenheid {u}, its tariff states no eenheid: add the tariff's eenheid to tarieven (no unit is assumed on one side only)"
                ),
            };
            format!("{}, column \"eenheid\": {why}", raw.location(*s))
        })
        .collect();
    format!(
        "{} claimed unit(s) in the declaraties that do not fit the tariff for {year}; first {}:\n  {}",
        items.len(),
        shown.len(),
        shown.join("\n  ")
    )
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

    /// Counts per unit (in millionths), all first seen on line 1 of file 0.
    fn counts(of: &[(Option<Eenheid>, i128)]) -> Counts {
        let mut counts = Counts::default();
        for &(u, n) in of {
            counts.add(u, n, Seen { file: 0, line: 1 });
        }
        counts
    }

    #[test]
    fn counts_convert_into_the_tariff_s_unit_exactly_then_once_rounded() {
        use Eenheid::*;
        const M: i128 = 1_000_000;
        // By hand: 1,234 minutes = 20.566666… hours, rounded to 20.566667.
        assert_eq!(
            convert(&counts(&[(Some(Minuut), 1234 * M)]), Some(Uur)),
            Ok((20_566_667, true))
        );
        // 3 hours without a unit (the tariff's), 90 minutes and 2 kwartier: in minutes
        // 180 + 90 + 30 = 300, which is 5 hours, exactly.
        let mix = counts(&[
            (None, 3 * M),
            (Some(Minuut), 90 * M),
            (Some(Kwartier), 2 * M),
        ]);
        assert_eq!(convert(&mix, Some(Uur)), Ok((5 * M, true)));
        // Converted one by one and rounded each, 1 minute three times would be
        // 3 · 0.016667 = 0.050001 hours; summed first it is 3 minutes = 0.05 hours.
        let apart = counts(&[(Some(Minuut), 3 * M)]);
        assert_eq!(convert(&apart, Some(Uur)), Ok((50_000, true)));
        // A coarser claim against a finer tariff multiplies: 2 hours are 120 minutes.
        assert_eq!(
            convert(&counts(&[(Some(Uur), 2 * M)]), Some(Minuut)),
            Ok((120 * M, true))
        );
        // The tariff's own unit, stated or not, is not a conversion.
        let same = counts(&[(None, 7 * M), (Some(Uur), 2 * M)]);
        assert_eq!(convert(&same, Some(Uur)), Ok((9 * M, false)));
        // Neither side states a unit: the counts as they are.
        assert_eq!(convert(&counts(&[(None, 7)]), None), Ok((7, false)));
    }

    #[test]
    fn a_conversion_rounds_half_to_even_in_millionths() {
        use Eenheid::*;
        // 30 millionths of a minute are half a millionth of an hour: to the even 0; 90
        // are 1.5 millionths: to 2; 150 are 2.5: to 2; and the same below zero.
        for (minutes, hours) in [
            (30, 0),
            (90, 2),
            (150, 2),
            (31, 1),
            (-30, 0),
            (-90, -2),
            (-150, -2),
            (-31, -1),
        ] {
            assert_eq!(
                convert(&counts(&[(Some(Minuut), minutes)]), Some(Uur)),
                Ok((hours, true)),
                "{minutes}"
            );
        }
    }

    #[test]
    fn units_that_do_not_fit_the_tariff_are_named() {
        use Eenheid::*;
        let seen = Seen { file: 0, line: 1 };
        assert_eq!(
            convert(&counts(&[(Some(Dagdeel), 1), (Some(Minuut), 1)]), Some(Uur)),
            Err(vec![(Mismatch::Inconvertible(Dagdeel, Uur), seen)])
        );
        assert_eq!(
            convert(&counts(&[(None, 1), (Some(Minuut), 1)]), None),
            Err(vec![(Mismatch::TariffUnstated(Minuut), seen)])
        );
    }

    #[test]
    fn identifiers_are_eight_digits() {
        assert_eq!(eight_digits(b"01234567"), Some(1_234_567));
        assert_eq!(eight_digits(b"1234567"), None);
        assert_eq!(eight_digits(b"1234567a"), None);
    }
}
