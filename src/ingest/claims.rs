//! Declaraties: one or more CSV (optionally gzip), or Parquet files, aggregated while they
//! stream to sums per claimant (AGB or KvK) × prestatiecode, and then joined to the
//! koppeltabel and the tariff table.
//!
//! No claim line is ever held as a row: memory grows with the number of distinct
//! claimant × prestatiecode pairs, not with the number of lines. For each pair and each AGB
//! the first file and line it was seen on is kept, so that a prestatiecode without a
//! tariff or an AGB without a KvK is reported where it occurs.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use flate2::bufread::MultiGzDecoder;
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::number::{cell_decimal, cell_identifier, cell_integer, cell_text, parse_decimal, Cell};
use super::table::{
    clean_header, detect_separator, format_of, map_columns, optional, required, width_problem,
    Format, RowErrors, Want,
};
use super::{parquet, Koppeltabel, TariffTable};
use crate::config::{Config, DecimalSign};
use crate::model::{Agb, ClaimSums, Kvk};

/// Who a claim line is from, as the line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Claimant {
    Agb(Agb),
    Kvk(Kvk),
}

#[derive(Debug, Clone, Copy)]
struct Seen {
    file: u32,
    line: u64,
}

#[derive(Debug, Clone, Copy)]
struct Acc {
    sums: ClaimSums,
    first: Seen,
}

/// The claims of the reference year, summed per claimant × prestatiecode.
#[derive(Debug, Default)]
pub struct RawClaims {
    code_ids: HashMap<Box<str>, u32>,
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
    fn add(&mut self, who: Claimant, code: &str, aantal: Decimal, bedrag: Decimal, first: Seen) {
        let id = match self.code_ids.get(code) {
            Some(&id) => id,
            None => {
                let id = self.codes.len() as u32;
                self.codes.push(code.to_string());
                self.code_ids.insert(code.into(), id);
                id
            }
        };
        let acc = self.sums.entry((who, id)).or_insert(Acc {
            sums: ClaimSums::default(),
            first,
        });
        acc.sums.aantal += aantal;
        acc.sums.bedrag += bedrag;
    }

    /// Every claimant × prestatiecode pair with its sums, sorted (for comparisons).
    pub fn sorted(&self) -> Vec<(Claimant, String, ClaimSums)> {
        let mut v: Vec<_> = self
            .sums
            .iter()
            .map(|(&(who, id), acc)| (who, self.codes[id as usize].clone(), acc.sums))
            .collect();
        v.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
        v
    }

    fn location(&self, seen: Seen) -> String {
        format!("{} row {}", self.files[seen.file as usize].file, seen.line)
    }
}

/// The column positions of one claims file.
struct ClaimColumns {
    agb: Option<usize>,
    kvk: Option<usize>,
    jaar: usize,
    prestatiecode: usize,
    aantal: usize,
    bedrag: usize,
}

fn claim_columns(file: &str, headers: &[String], config: &Config) -> Result<ClaimColumns> {
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

/// Parses one claim line from its cells, recording problems; `None` if it had any.
fn claim_line<'c>(
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

/// Reads every claims file of the configuration in order; `progress` hears one line per file.
pub fn read_claims(config: &Config, progress: &mut dyn FnMut(&str)) -> Result<RawClaims> {
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
        let stats = match format_of(&full)? {
            Format::Csv => read_csv_file(&full, &shown, i as u32, config, &mut raw)?,
            Format::Parquet => read_parquet_file(&full, &shown, i as u32, config, &mut raw)?,
            Format::Spreadsheet => {
                bail!("{shown}: declaraties are read from CSV, CSV.gz or Parquet, not spreadsheets")
            }
        };
        if stats.rows == 0 {
            bail!("{shown}: the claims file has no claim lines");
        }
        progress(&format!(
            "read {shown}: {} claim lines ({} of other years skipped)",
            stats.rows, stats.other_years
        ));
        if let Some(twin) = raw.files[..i].iter().find(|f| f.sha256 == stats.sha256) {
            bail!(
                "{shown} has the same content as {} (SHA-256 {}); its claims would be counted twice",
                twin.file,
                stats.sha256
            );
        }
        raw.files[i] = stats;
    }
    Ok(raw)
}

/// A reader that hashes and counts every byte that passes through it.
struct Hashing<R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

fn read_csv_file(
    path: &Path,
    shown: &str,
    file: u32,
    config: &Config,
    raw: &mut RawClaims,
) -> Result<ClaimFile> {
    let f = std::fs::File::open(path).with_context(|| format!("cannot open {shown}"))?;
    let mut hashing = Hashing {
        inner: f,
        hasher: Sha256::new(),
        bytes: 0,
    };
    let (rows, other_years) = {
        let mut buffered = BufReader::with_capacity(1 << 16, &mut hashing);
        let gzip = buffered
            .fill_buf()
            .with_context(|| format!("cannot read {shown}"))?
            .starts_with(&[0x1f, 0x8b]);
        let decoded: Box<dyn BufRead + '_> = if gzip {
            Box::new(BufReader::with_capacity(
                1 << 16,
                MultiGzDecoder::new(buffered),
            ))
        } else {
            Box::new(buffered)
        };
        aggregate_csv(decoded, shown, file, config, raw)?
    };
    // Hash what the parser did not need to read (nothing, normally) so the hash is the file's.
    std::io::copy(&mut hashing, &mut std::io::sink())
        .with_context(|| format!("cannot read {shown}"))?;
    Ok(ClaimFile {
        file: shown.to_string(),
        bytes: hashing.bytes,
        sha256: format!("{:x}", hashing.hasher.finalize()),
        rows,
        other_years,
    })
}

fn aggregate_csv(
    mut input: Box<dyn BufRead + '_>,
    shown: &str,
    file: u32,
    config: &Config,
    raw: &mut RawClaims,
) -> Result<(u64, u64)> {
    let mut header = Vec::new();
    input
        .read_until(b'\n', &mut header)
        .with_context(|| format!("cannot read {shown}"))?;
    if header.iter().all(u8::is_ascii_whitespace) {
        bail!("{shown}: the claims file is empty (no header line)");
    }
    let separator = detect_separator(&header);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .has_headers(true)
        .buffer_capacity(1 << 16)
        .from_reader(std::io::Cursor::new(header).chain(input));
    let headers: Vec<String> = reader
        .byte_headers()
        .with_context(|| format!("{shown}: cannot read the header line"))?
        .iter()
        .map(|h| clean_header(&String::from_utf8_lossy(h)))
        .collect();
    let columns = claim_columns(shown, &headers, config)?;
    let mut errors = RowErrors::new(shown);
    let year = i64::from(config.referentiejaar);
    let sign = config.decimaalteken;
    let mut record = csv::ByteRecord::new();
    let (mut rows, mut other_years) = (0u64, 0u64);
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => bail!("{shown}: {e}"),
        }
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        rows += 1;
        if let Some(problem) = width_problem(&record, headers.len()) {
            errors.push_row(&format!("row {line}"), &problem);
            continue;
        }
        let seen = Seen { file, line };
        match fast_line(&record, &columns, sign) {
            Ok((_, jaar, ..)) if jaar != year => other_years += 1,
            Ok((who, _, code, aantal, bedrag)) => raw.add(who, code, aantal, bedrag, seen),
            Err(()) => {
                // The slow path parses the line again through cells, to word the problem.
                let cells: Vec<Cell> = record
                    .iter()
                    .map(|f| Cell::Text(String::from_utf8_lossy(f).into_owned()))
                    .collect();
                let get = |c: usize| cells.get(c).unwrap_or(&Cell::Empty);
                match claim_line(&get, &columns, sign, &format!("row {line}"), &mut errors) {
                    Some((_, jaar, ..)) if jaar != year => other_years += 1,
                    Some((who, _, code, aantal, bedrag)) => {
                        raw.add(who, &code, aantal, bedrag, seen)
                    }
                    None => {}
                }
            }
        }
    }
    errors.finish()?;
    Ok((rows, other_years))
}

/// Parses a well-formed line without allocating; any problem sends it to the slow path,
/// which finds and words the problem.
fn fast_line<'r>(
    record: &'r csv::ByteRecord,
    c: &ClaimColumns,
    sign: DecimalSign,
) -> Result<(Claimant, i64, &'r str, Decimal, Decimal), ()> {
    let field = |i: usize| {
        record
            .get(i)
            .and_then(|b| std::str::from_utf8(b).ok())
            .map(str::trim)
            .unwrap_or("")
    };
    let kvk = c.kvk.map(field).unwrap_or("");
    let who = if !kvk.is_empty() {
        Claimant::Kvk(Kvk::parse(kvk).map_err(drop)?)
    } else {
        Claimant::Agb(Agb::parse(c.agb.map(field).unwrap_or("")).map_err(drop)?)
    };
    let jaar = field(c.jaar).parse::<i64>().map_err(drop)?;
    let code = field(c.prestatiecode);
    if code.is_empty() {
        return Err(());
    }
    let aantal = parse_decimal(field(c.aantal), sign).map_err(drop)?;
    let bedrag = parse_decimal(field(c.bedrag), sign).map_err(drop)?;
    Ok((who, jaar, code, aantal, bedrag))
}

fn read_parquet_file(
    path: &Path,
    shown: &str,
    file: u32,
    config: &Config,
    raw: &mut RawClaims,
) -> Result<ClaimFile> {
    let (bytes, sha256) = super::hash_file(path)?;
    let headers = parquet::headers(path, shown)?;
    let columns = claim_columns(shown, &headers, config)?;
    let wanted: Vec<usize> = [
        columns.agb,
        columns.kvk,
        Some(columns.jaar),
        Some(columns.prestatiecode),
        Some(columns.aantal),
        Some(columns.bedrag),
    ]
    .into_iter()
    .flatten()
    .collect();
    // Batches hold only the contract columns, renumbered 0.. in `wanted` order.
    let mut next = 0..;
    let mut renumber = |c: Option<usize>| c.map(|_| next.next().expect("unbounded"));
    let local = ClaimColumns {
        agb: renumber(columns.agb),
        kvk: renumber(columns.kvk),
        jaar: renumber(Some(columns.jaar)).expect("present"),
        prestatiecode: renumber(Some(columns.prestatiecode)).expect("present"),
        aantal: renumber(Some(columns.aantal)).expect("present"),
        bedrag: renumber(Some(columns.bedrag)).expect("present"),
    };
    let names: Vec<String> = wanted.iter().map(|&i| headers[i].clone()).collect();
    let mut errors = RowErrors::new(shown);
    let year = i64::from(config.referentiejaar);
    let (mut rows, mut other_years) = (0u64, 0u64);
    parquet::for_each_batch(path, shown, &names, |offset, batch| {
        let height = batch.first().map_or(0, Vec::len);
        #[allow(clippy::needless_range_loop)] // r indexes every column of the batch
        for r in 0..height {
            let line = offset + r as u64 + 1;
            rows += 1;
            let get = |c: usize| &batch[c][r];
            if let Some((who, jaar, code, aantal, bedrag)) = claim_line(
                &get,
                &local,
                config.decimaalteken,
                &format!("row {line}"),
                &mut errors,
            ) {
                if jaar != year {
                    other_years += 1;
                } else {
                    raw.add(who, &code, aantal, bedrag, Seen { file, line });
                }
            }
        }
        Ok(())
    })?;
    errors.finish()?;
    Ok(ClaimFile {
        file: shown.to_string(),
        bytes,
        sha256,
        rows,
        other_years,
    })
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
        .map(|(s, v)| format!("{}, column {column:?}: {:?}", raw.location(*s), v.as_ref()))
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
    let earlier = |a: Seen, b: Seen| {
        if (b.file, b.line) < (a.file, a.line) {
            b
        } else {
            a
        }
    };
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
        line.aantal += acc.sums.aantal;
        line.bedrag += acc.sums.bedrag;
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
