//! Claims from CSV, plain or gzip, read by parallel workers.
//!
//! One thread reads (and inflates) the file and cuts it into chunks of whole lines, each
//! with the number of its first line; workers parse the lines of a chunk without
//! allocating (identifiers as integers, money as exact integers in millionths) and sum
//! them into their own `Partial`. A line the fast parser does not take (a quote, a bad
//! value, a wrong field count) goes to the slow parser, which words the problem exactly as
//! the rest of ingest does. The partials merge exactly, so the thread count changes no sum.
//!
//! A quoted field that spans lines is not supported: claims carry no free text.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread;

use anyhow::{anyhow, bail, Context, Result};
use flate2::bufread::MultiGzDecoder;
use sha2::{Digest, Sha256};

use super::claims::{
    add_line, claim_columns, claim_line, eight_digits, fixed, trim, unit_bytes, ClaimColumns,
    ClaimFile, Claimant, Partial, Seen, Tick,
};
use super::number::Cell;
use super::table::{clean_header, detect_separator, encoding_problem, open_regular, width_problem};
use crate::config::InputSpec;
use crate::model::number::DecimalSign;
use crate::model::{Agb, Kvk};

/// Bytes per chunk: large enough to keep a worker busy for a while, small enough that a
/// few chunks in flight cost little memory.
const CHUNK: usize = 4 << 20;

/// The longest header line read: far more than any real header (a few hundred bytes).
const HEADER_LIMIT: usize = 1 << 20;

/// A reader that hashes and counts every byte that passes through it; `seen` lets the
/// reading loop report progress while this reader is borrowed by the decoder.
struct Hashing<'a, R> {
    inner: R,
    hasher: Sha256,
    bytes: u64,
    seen: &'a AtomicU64,
}

impl<R: Read> Read for Hashing<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        self.seen.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// What every worker needs to know about the file.
struct Layout {
    columns: ClaimColumns,
    width: usize,
    separator: u8,
    sign: DecimalSign,
    /// `sign`'s byte, looked up once per file rather than once per line.
    mark: u8,
    year: i64,
    file: u32,
    shown: String,
}

/// Whole lines of a file, and the number of the first.
pub(super) struct Chunk {
    pub(super) data: Vec<u8>,
    pub(super) first_line: u64,
}

/// Reads one claims CSV file; returns its statistics and its aggregate. Row errors are in
/// the aggregate's `errors`, for the caller to report.
pub(super) fn read(
    path: &Path,
    shown: &str,
    file: u32,
    spec: &InputSpec,
    tick: Tick,
) -> Result<(ClaimFile, Partial)> {
    read_file(path, shown, tick, |buffered, advanced| {
        parse(buffered, advanced, shown, file, spec)
    })
}

/// Reads claims CSV (plain or gzip) from any source of `size` bytes (for progress only).
pub(super) fn read_from(
    source: impl Read,
    size: u64,
    shown: &str,
    file: u32,
    spec: &InputSpec,
    tick: Tick,
) -> Result<(ClaimFile, Partial)> {
    read_hashed(source, size, shown, tick, |buffered, advanced| {
        parse(buffered, advanced, shown, file, spec)
    })
}

/// Opens the claims file at `path` and reads it as `read_hashed` does, its size on disk
/// being the whole that progress is reported against.
pub(super) fn read_file(
    path: &Path,
    shown: &str,
    tick: Tick,
    body: impl FnOnce(BufReader<&mut dyn Read>, &dyn Fn()) -> Result<Partial>,
) -> Result<(ClaimFile, Partial)> {
    let f = open_regular(path, shown)?;
    let size = f.metadata().map(|m| m.len()).unwrap_or(0);
    read_hashed(f, size, shown, tick, body)
}

/// Reads `source`, of `size` bytes (for progress only), with `body` through a reader that
/// hashes and counts every byte; returns the file's statistics and the aggregate `body`
/// made. `body` gets the bytes buffered, and a call that reports how far the reading is.
/// Shared by the line-oriented claims readers (CSV, and the fixed-width Vektis files).
pub(super) fn read_hashed(
    source: impl Read,
    size: u64,
    shown: &str,
    tick: Tick,
    body: impl FnOnce(BufReader<&mut dyn Read>, &dyn Fn()) -> Result<Partial>,
) -> Result<(ClaimFile, Partial)> {
    let seen = AtomicU64::new(0);
    let mut hashing = Hashing {
        inner: source,
        hasher: Sha256::new(),
        bytes: 0,
        seen: &seen,
    };
    let part = body(BufReader::with_capacity(1 << 16, &mut hashing), &|| {
        tick(seen.load(Ordering::Relaxed), size)
    })?;
    // Hash what the parser did not need to read (nothing, normally) so the hash is the file's.
    std::io::copy(&mut hashing, &mut std::io::sink())
        .with_context(|| format!("cannot read {shown}"))?;
    let stats = ClaimFile {
        file: shown.to_string(),
        bytes: hashing.bytes,
        sha256: format!("{:x}", hashing.hasher.finalize()),
        rows: part.rows,
        other_years: part.other_years,
    };
    Ok((stats, part))
}

/// Parses claims CSV, plain or gzip, from `buffered`: the header, then the lines on workers.
fn parse(
    mut buffered: BufReader<&mut dyn Read>,
    advanced: &dyn Fn(),
    shown: &str,
    file: u32,
    spec: &InputSpec,
) -> Result<Partial> {
    let gzip = buffered
        .fill_buf()
        .with_context(|| format!("cannot read {shown}"))?
        .starts_with(&[0x1f, 0x8b]);
    let mut input: Box<dyn BufRead + '_> = if gzip {
        Box::new(BufReader::with_capacity(
            1 << 20,
            MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    let header = read_header(&mut input, shown)?;
    let separator = detect_separator(&header);
    let headers: Vec<String> = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .from_reader(header.as_slice())
        .byte_records()
        .next()
        .transpose()
        .with_context(|| format!("{shown}: cannot read the header line"))?
        .map(|r| {
            r.iter()
                .map(|h| clean_header(&String::from_utf8_lossy(h)))
                .collect()
        })
        .unwrap_or_default();
    let layout = Layout {
        columns: claim_columns(shown, &headers, &spec.columns)?,
        width: headers.len(),
        separator,
        sign: spec.sign,
        mark: spec.sign.mark(),
        year: i64::from(spec.year),
        file,
        shown: shown.to_string(),
    };
    read_chunks(input, &layout, advanced)
}

/// Reads the header line, at most `HEADER_LIMIT` bytes of it: a file without line ends (a
/// binary file, or one with old Mac line ends) would otherwise be held whole, several
/// times over while its "headers" are split and compared.
fn read_header(input: &mut dyn BufRead, shown: &str) -> Result<Vec<u8>> {
    let mut header = Vec::new();
    Read::take(&mut *input, HEADER_LIMIT as u64 + 1)
        .read_until(b'\n', &mut header)
        .with_context(|| format!("cannot read {shown}"))?;
    // The encoding first: a UTF-16 file is also "one long line" when it has no 0x0A byte.
    if let Some(problem) = encoding_problem(&header) {
        bail!("{shown} {problem}");
    }
    if header.len() > HEADER_LIMIT {
        bail!(
            "{shown}: the header line is longer than 1 MiB ({HEADER_LIMIT} bytes); \
             is this a claims CSV file with a header line and line ends?"
        );
    }
    if header.iter().all(u8::is_ascii_whitespace) {
        bail!("{shown}: the claims file is empty (no header line)");
    }
    let line = header.strip_suffix(b"\n").unwrap_or(&header);
    if let Some(problem) = line_problem(line) {
        bail!("{shown}: the header line has {problem}");
    }
    Ok(header)
}

/// Cuts the input into chunks of whole lines on this thread and parses them on workers.
fn read_chunks(
    input: Box<dyn BufRead + '_>,
    layout: &Layout,
    advanced: &dyn Fn(),
) -> Result<Partial> {
    // The header was line 1.
    chunked(
        input,
        &layout.shown,
        2,
        advanced,
        || (Partial::new(&layout.shown), Vec::with_capacity(16)),
        |(part, fields), chunk| parse_chunk(chunk, layout, part, fields),
    )
    .map(|parts| {
        let mut total = Partial::new(&layout.shown);
        for (part, _) in parts {
            total.merge(part);
        }
        total
    })
}

/// Cuts `input` into chunks of whole lines on this thread, the first numbered
/// `first_line`, and hands them to workers, each with its own state made by `start`;
/// returns every worker's state, for the caller to merge. Shared by the line-oriented
/// claims readers (CSV, and the fixed-width Vektis files).
pub(super) fn chunked<S: Send>(
    mut input: Box<dyn BufRead + '_>,
    shown: &str,
    first_line: u64,
    advanced: &dyn Fn(),
    start: impl Fn() -> S + Sync,
    parse: impl Fn(&mut S, &Chunk) + Sync,
) -> Result<Vec<S>> {
    let workers = thread::available_parallelism()
        .map_or(1, |n| n.get())
        .clamp(1, 8);
    let (tx, rx) = crossbeam_channel::bounded::<Chunk>(workers * 2);
    let (start, parse) = (&start, &parse);
    thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                let rx = rx.clone();
                scope.spawn(move || {
                    let mut state = start();
                    for chunk in rx {
                        parse(&mut state, &chunk);
                    }
                    state
                })
            })
            .collect();
        drop(rx);
        let mut next_line = first_line;
        let mut carry: Vec<u8> = Vec::new();
        let read_result = (|| -> Result<()> {
            loop {
                // `carry` is the start of a line without its end, so it has no newline.
                let mut data = std::mem::take(&mut carry);
                let mut searched = data.len();
                data.reserve(CHUNK);
                let mut eof = fill(&mut input, &mut data, CHUNK)
                    .with_context(|| format!("cannot read {shown}"))?;
                // A chunk ends at a line end, however long the line: a line cut in two
                // would be read as two lines (two claims, or two wrong field counts).
                let cut = loop {
                    if eof {
                        break data.len();
                    }
                    if let Some(p) = memchr::memrchr(b'\n', &data[searched..]) {
                        break searched + p + 1;
                    }
                    searched = data.len();
                    eof = fill(&mut input, &mut data, CHUNK)
                        .with_context(|| format!("cannot read {shown}"))?;
                };
                carry = data.split_off(cut);
                if !data.is_empty() {
                    let lines = memchr::memchr_iter(b'\n', &data).count() as u64;
                    let first_line = next_line;
                    next_line += lines;
                    if tx.send(Chunk { data, first_line }).is_err() {
                        bail!("a claims worker stopped");
                    }
                    advanced();
                }
                if eof && carry.is_empty() {
                    return Ok(());
                }
            }
        })();
        drop(tx);
        let mut states = Vec::with_capacity(workers);
        for h in handles {
            states.push(h.join().map_err(|_| anyhow!("a claims worker panicked"))?);
        }
        read_result.map(|()| states)
    })
}

/// Reads until `data` has grown by `want` bytes or the input ends; true at the end.
fn fill(input: &mut dyn BufRead, data: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let target = data.len() + want;
    while data.len() < target {
        let buf = input.fill_buf()?;
        if buf.is_empty() {
            return Ok(true);
        }
        let take = buf.len().min(target - data.len());
        data.extend_from_slice(&buf[..take]);
        input.consume(take);
    }
    Ok(false)
}

fn parse_chunk(
    chunk: &Chunk,
    layout: &Layout,
    part: &mut Partial,
    fields: &mut Vec<(usize, usize)>,
) {
    let mut line_no = chunk.first_line;
    let mut start = 0;
    let data = &chunk.data;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |p| start + p);
        let line = &data[start..end];
        start = end + 1;
        let this = line_no;
        line_no += 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        part.rows += 1;
        let seen = Seen {
            file: layout.file,
            line: this,
        };
        if !fast_line(line, layout, part, fields, seen) {
            slow_line(line, layout, part, seen);
        }
    }
}

/// Parses and adds a well-formed line; false sends it to the slow path.
#[inline]
fn fast_line(
    line: &[u8],
    layout: &Layout,
    part: &mut Partial,
    fields: &mut Vec<(usize, usize)>,
    seen: Seen,
) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if memchr::memchr2(b'"', b'\r', line).is_some() {
        return false;
    }
    fields.clear();
    let mut from = 0;
    for p in memchr::memchr_iter(layout.separator, line) {
        fields.push((from, p));
        from = p + 1;
    }
    fields.push((from, line.len()));
    if fields.len() != layout.width {
        return false;
    }
    let field = |i: usize| trim(&line[fields[i].0..fields[i].1]);
    let c = &layout.columns;
    let kvk = c.kvk.map(field).unwrap_or(b"");
    let who = if !kvk.is_empty() {
        match eight_digits(kvk) {
            Some(k) => Claimant::Kvk(Kvk::from_number(k)),
            None => return false,
        }
    } else {
        match c.agb.map(field).and_then(eight_digits) {
            Some(a) => Claimant::Agb(Agb::from_number(a)),
            None => return false,
        }
    };
    let jaar = field(c.jaar);
    if jaar.is_empty() || jaar.len() > 6 || !jaar.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let jaar = jaar.iter().fold(0i64, |n, &d| n * 10 + i64::from(d - b'0'));
    let code = field(c.prestatiecode);
    // `trim` takes ASCII white space only; the slow path trims all white space (a no-break
    // space, a vertical tab), so a code that starts or ends otherwise than in a visible
    // ASCII character goes there, or the same code would be two codes.
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if !visible(code.first()) || !visible(code.last()) || std::str::from_utf8(code).is_err() {
        return false;
    }
    let (Some(aantal), Some(bedrag)) = (
        fixed(field(c.aantal), layout.mark),
        fixed(field(c.bedrag), layout.mark),
    ) else {
        return false;
    };
    // No column: no unit, without a lookup. A value that is not a unit goes to the slow
    // path, which names it.
    let eenheid = match c.eenheid.map(|i| unit_bytes(field(i))) {
        None => None,
        Some(Ok(u)) => u,
        Some(Err(())) => return false,
    };
    if jaar != layout.year {
        part.other_year(jaar, 1);
    } else {
        part.add(who, code, eenheid, aantal, bedrag, seen);
    }
    true
}

/// What makes a line (without its `\n`) not one CSV record of its own. The csv crate would
/// end the record at an inner carriage return and drop the rest of the line unseen, and
/// would close a quote left open at the line's end, where a CSV reader of whole files
/// would read on into the next lines: both are refused rather than read differently.
fn line_problem(line: &[u8]) -> Option<&'static str> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if memchr::memchr(b'\r', line).is_some() {
        return Some(
            "a carriage return inside the line (old Mac line ends, or a line break inside a \
             value?); lines must end in LF or CR LF",
        );
    }
    if memchr::memchr_iter(b'"', line).count() % 2 == 1 {
        return Some(
            "a quote is not closed on this line (a quoted value spanning lines is not supported)",
        );
    }
    None
}

/// The slow path: the line through the csv crate (quotes), its field count checked, and
/// every field parsed and worded as in the rest of ingest.
fn slow_line(line: &[u8], layout: &Layout, part: &mut Partial, seen: Seen) {
    let location = format!("row {}", seen.line);
    part.errors.at_line(seen.line);
    if let Some(problem) = line_problem(line) {
        part.errors.push_row(&location, problem);
        return;
    }
    let record = csv::ReaderBuilder::new()
        .delimiter(layout.separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(line)
        .byte_records()
        .next();
    let record = match record {
        Some(Ok(r)) => r,
        Some(Err(e)) => {
            part.errors
                .push_row(&location, &format!("not a CSV line: {e}"));
            return;
        }
        None => return,
    };
    if let Some(problem) = width_problem(&record, layout.width) {
        part.errors.push_row(&location, &problem);
        return;
    }
    // A value that is not UTF-8 would be read with U+FFFD in it and fail later, far from
    // its cause (a prestatiecode without a tariff): name the encoding where it occurs.
    // Other columns (a name in Windows-1252) are not read, so they may be in any encoding.
    let c = &layout.columns;
    let contract = [
        ("agb", c.agb),
        ("kvk", c.kvk),
        ("jaar", Some(c.jaar)),
        ("prestatiecode", Some(c.prestatiecode)),
        ("aantal", Some(c.aantal)),
        ("bedrag", Some(c.bedrag)),
        ("eenheid", c.eenheid),
    ];
    let mut not_utf8 = false;
    for (name, column) in contract {
        let Some(field) = column.and_then(|i| record.get(i)) else {
            continue;
        };
        if let Err(e) = std::str::from_utf8(field) {
            let at = e.valid_up_to();
            part.errors.push(
                &location,
                name,
                &format!(
                    "not UTF-8 text (byte 0x{:02X} at position {}): is the file in \
                     Windows-1252 or Latin-1? save it as UTF-8 CSV",
                    field[at],
                    at + 1
                ),
            );
            not_utf8 = true;
        }
    }
    if not_utf8 {
        return;
    }
    let cells: Vec<Cell> = record
        .iter()
        .map(|f| Cell::Text(String::from_utf8_lossy(f).into_owned()))
        .collect();
    let get = |c: usize| cells.get(c).unwrap_or(&Cell::Empty);
    if let Some(parsed) = claim_line(
        &get,
        &layout.columns,
        layout.sign,
        &location,
        &mut part.errors,
    ) {
        add_line(part, parsed, layout.year, seen);
    }
}
