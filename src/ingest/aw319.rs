//! Claims from Vektis AW319 declaration files and AW320 return files: fixed-width records
//! of 310 (AW319) or 370 (AW320) characters, recognised by their content (the first record
//! is a voorlooprecord `01` whose 0102 is 187 or 188), read by the parallel line workers of
//! `claims_csv::chunked` into the same `Partial` as every claims reader.
//!
//! These files carry personal data: BSNs, names, addresses, free text. This reader must
//! never read it. It looks at records `02`, `03` and `98` only for their record type (the
//! first two characters) and their length, and slices a record `01`, `04` or `99` only at
//! the fields the layout below lists, which leave out every personal position of a `04`
//! (15–23 BSN, 28–57, 63–100). No message quotes a whole line or any other field: a problem
//! names the file, the line, the field's id, its positions and name, and the field's value.
//!
//! The layout is data: per version of the message standard (0103.0104) the fields read,
//! with id, start, length and type. Versions 01.03 and 01.04 have the same positions; any
//! other version is refused rather than read at guessed positions.
//!
//! A file is checked as a whole: every line of the message's width, one `01` first, one
//! `99` last, known record types only, and the `99` sluitrecord's count of prestatierecords
//! and total amount (AW320: both totals) equal to what the `04` lines hold.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use anyhow::{bail, Context, Result};
use rust_decimal::Decimal;

use super::claims::{trim, ClaimFile, Claimant, Partial, Seen, Tick};
use super::claims_csv::{chunked, read_file, read_hashed, Chunk};
use super::table::open_regular;
use crate::config::{ClaimAmount, InputSpec};
use crate::model::{Agb, Eenheid};

/// The two messages: the provider's declaration and the zorgkantoor's return file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Aw319,
    Aw320,
}

impl Kind {
    /// Characters per line (without the line end).
    fn width(self) -> usize {
        match self {
            Kind::Aw319 => 310,
            Kind::Aw320 => 370,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Kind::Aw319 => "AW319",
            Kind::Aw320 => "AW320",
        }
    }
}

/// Whether a field holds a number (`N`: digits, zero-padded) or text (`AN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    N,
    An,
}

/// One field of a record: its id in the message definition (empty for the AW320
/// extension, which has none), 1-based start, length, type and name.
#[derive(Debug, Clone, Copy)]
struct Field {
    id: &'static str,
    start: usize,
    len: usize,
    kind: Type,
    name: &'static str,
}

const fn n(id: &'static str, start: usize, len: usize, name: &'static str) -> Field {
    Field {
        id,
        start,
        len,
        kind: Type::N,
        name,
    }
}

const fn an(id: &'static str, start: usize, len: usize, name: &'static str) -> Field {
    Field {
        id,
        start,
        len,
        kind: Type::An,
        name,
    }
}

impl Field {
    /// The field's bytes; the line has been checked to be of the message's width.
    fn of<'a>(&self, line: &'a [u8]) -> &'a [u8] {
        &line[self.start - 1..self.start - 1 + self.len]
    }

    /// "field 0429 (positions 186-193, declaratiebedrag)".
    fn label(&self) -> String {
        let id = if self.id.is_empty() {
            String::new()
        } else {
            format!(" {}", self.id)
        };
        let end = self.start + self.len - 1;
        if self.len == 1 {
            format!("field{id} (position {}, {})", self.start, self.name)
        } else {
            format!("field{id} (positions {}-{end}, {})", self.start, self.name)
        }
    }

    /// "field … "value": problem". Only fields of the layout are ever worded, and none of
    /// them is personal, so the value may be shown.
    fn problem(&self, line: &[u8], problem: &str) -> String {
        let value = String::from_utf8_lossy(self.of(line));
        format!("{} {value:?}: {problem}", self.label())
    }

    /// The field as a number, when it is all digits.
    fn number(&self, line: &[u8]) -> Option<u64> {
        let b = self.of(line);
        if !b.iter().all(u8::is_ascii_digit) {
            return None;
        }
        Some(b.iter().fold(0u64, |v, &d| v * 10 + u64::from(d - b'0')))
    }
}

/// The record type, positions 1-2 of every record (0101, 0201, ...).
const RECORD: Field = an("", 1, 2, "recordtype");
/// The fields of the voorlooprecord that say which layout the file has: read before it.
const MESSAGE: Field = n("0102", 3, 3, "code externe-integratiebericht");
const VERSION: Field = n("0103", 6, 2, "versienummer berichtstandaard");
const SUBVERSION: Field = n("0104", 8, 2, "subversienummer berichtstandaard");

/// The fields read of one version of the message.
struct Layout {
    /// 01: the numeric fields read, checked to be numbers.
    voorloop: &'static [Field],
    /// 01: where the provider's AGB is, in the order they are tried: the first that is not
    /// zero is the claimant.
    agb: [Field; 3],
    /// 04: every field read, checked by type.
    prestatie: &'static [Field],
    begin: Field,
    lijst: Field,
    code: Field,
    aantal: Field,
    eenheid: Field,
    bedrag: Field,
    teken: Field,
    /// 04 of an AW320 file: the granted amount and its debit/credit.
    toegekend: Field,
    toegekend_teken: Field,
    /// 99.
    aantal_prestaties: Field,
    totaal: Field,
    totaal_teken: Field,
    /// 99 of an AW320 file: the total granted.
    totaal_toegekend: Field,
    totaal_toegekend_teken: Field,
}

/// Version 1.3 of the message definition; 1.4 has the same positions.
const V13: Layout = Layout {
    voorloop: &[
        n("0108", 27, 4, "UZOVI-nummer"),
        n("0110", 39, 8, "zorgverlenerscode"),
        n("0111", 47, 8, "praktijkcode"),
        n("0112", 55, 8, "instellingscode"),
        n("0113", 63, 2, "identificatiecode betaling aan"),
        n("0114", 65, 8, "begindatum declaratieperiode"),
        n("0115", 73, 8, "einddatum declaratieperiode"),
        n("0117", 93, 8, "dagtekening factuur"),
    ],
    agb: [
        n("0112", 55, 8, "instellingscode"),
        n("0110", 39, 8, "zorgverlenerscode"),
        n("0111", 47, 8, "praktijkcode"),
    ],
    prestatie: &[
        n("0402", 3, 12, "identificatie detailrecord"),
        n("0412", 101, 2, "functiecode"),
        n("0413", 103, 3, "zorgzwaartepakketcode"),
        n("0414", 106, 8, "begindatum prestatie"),
        n("0415", 114, 8, "einddatum prestatie"),
        n("0416", 122, 3, "aanduiding prestatiecodelijst"),
        an("0417", 125, 5, "prestatiecode"),
        n("0418", 130, 4, "aantal uitgevoerde prestaties"),
        n("0419", 134, 2, "tijdseenheid"),
        n("0420", 136, 8, "zorgverlenerscode uitvoerder"),
        n("0424", 160, 5, "verrekenpercentage"),
        n("0425", 165, 8, "tarief prestatie"),
        n("0426", 173, 8, "berekend bedrag"),
        an("0427", 181, 1, "debet/credit berekend bedrag"),
        n("0429", 186, 8, "declaratiebedrag"),
        an("0430", 194, 1, "debet/credit declaratiebedrag"),
    ],
    begin: n("0414", 106, 8, "begindatum prestatie"),
    lijst: n("0416", 122, 3, "aanduiding prestatiecodelijst"),
    code: an("0417", 125, 5, "prestatiecode"),
    aantal: n("0418", 130, 4, "aantal uitgevoerde prestaties"),
    eenheid: n("0419", 134, 2, "tijdseenheid"),
    bedrag: n("0429", 186, 8, "declaratiebedrag"),
    teken: an("0430", 194, 1, "debet/credit declaratiebedrag"),
    toegekend: n("", 320, 8, "toegekend bedrag"),
    toegekend_teken: an("", 328, 1, "debet/credit toegekend bedrag"),
    aantal_prestaties: n("9904", 15, 6, "aantal prestatierecords"),
    totaal: n("9907", 34, 11, "totaal declaratiebedrag"),
    totaal_teken: an("9908", 45, 1, "debet/credit totaal declaratiebedrag"),
    totaal_toegekend: n("", 46, 11, "totaal toegekend bedrag"),
    totaal_toegekend_teken: an("", 57, 1, "debet/credit totaal toegekend bedrag"),
};

/// The versions known (0103, 0104) and their layouts.
const LAYOUTS: &[((u64, u64), &Layout)] = &[((1, 3), &V13), ((1, 4), &V13)];

/// The record types of the message.
const KNOWN_RECORDS: [&[u8]; 6] = [b"01", b"02", b"03", b"04", b"98", b"99"];

/// The longest first line looked at: a voorlooprecord is 370 characters at most.
const FIRST_LINE_LIMIT: u64 = 4096;

/// Whether the file at `path` looks like an AW319/AW320 file: its first record is a
/// voorlooprecord of message 187 or 188, or its first line has the width of one of the two
/// messages and starts with a record type of theirs (a file whose `01` is missing or
/// damaged, which the reader then reports as such). Reads at most the first line.
pub(super) fn sniff(path: &Path, shown: &str) -> Result<bool> {
    let f = open_regular(path, shown)?;
    let mut first = Vec::new();
    BufReader::new(f)
        .take(FIRST_LINE_LIMIT)
        .read_until(b'\n', &mut first)
        .with_context(|| format!("cannot read {shown}"))?;
    Ok(looks_like(&first))
}

fn looks_like(first: &[u8]) -> bool {
    if first.starts_with(b"01187") || first.starts_with(b"01188") {
        return true;
    }
    let line = strip_end(first);
    [Kind::Aw319, Kind::Aw320]
        .iter()
        .any(|k| line.len() == k.width())
        && KNOWN_RECORDS.iter().any(|r| line.starts_with(r))
}

/// A line without its line end (LF or CR LF).
fn strip_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// What every worker needs to know about the file.
struct Reading {
    kind: Kind,
    layout: &'static Layout,
    who: Claimant,
    /// Whether a line's bedrag is the granted amount (AW320) rather than the declared one.
    toegekend: bool,
    year: i64,
    file: u32,
}

/// A sluitrecord as read.
#[derive(Debug, Clone, Copy)]
struct Sluit {
    line: u64,
    prestaties: u64,
    /// Total declared in cents, signed.
    totaal: i128,
    /// AW320: total granted in cents, signed.
    toegekend: i128,
}

/// What one worker counted of the lines it read, for the file's checks.
#[derive(Debug, Default)]
struct Tally {
    prestaties: u64,
    /// Σ 0429 signed by 0430, in cents.
    gedeclareerd: i128,
    /// AW320: Σ toegekend bedrag signed, in cents.
    toegekend: i128,
    sluit: Vec<Sluit>,
    last_line: u64,
}

/// One prestatierecord as read: the claim, and the unit its aantal counts.
struct Prestatie<'l> {
    jaar: i64,
    code: &'l [u8],
    /// In `eenheid`, signed.
    aantal: i128,
    eenheid: Eenheid,
    /// In cents, signed.
    gedeclareerd: i128,
    toegekend: i128,
}

/// Reads one AW319/AW320 file; returns its statistics and its aggregate. Line errors are in
/// the aggregate's `errors`, for the caller to report.
pub(super) fn read(
    path: &Path,
    shown: &str,
    file: u32,
    spec: &InputSpec,
    tick: Tick,
) -> Result<(ClaimFile, Partial)> {
    read_file(path, shown, tick, |input, advanced| {
        parse(input, advanced, shown, file, spec)
    })
}

/// Reads AW319/AW320 bytes from any source of `size` bytes (for progress only), as `read`
/// reads a file: the door the fuzz target uses, since it has bytes and no file.
pub(super) fn read_from(
    source: impl Read,
    size: u64,
    shown: &str,
    file: u32,
    spec: &InputSpec,
    tick: Tick,
) -> Result<(ClaimFile, Partial)> {
    read_hashed(source, size, shown, tick, |input, advanced| {
        parse(input, advanced, shown, file, spec)
    })
}

/// The body of `read` and `read_from`: the voorlooprecord, then the records in parallel
/// chunks, then the sluitrecord's checks.
fn parse(
    mut input: BufReader<&mut dyn Read>,
    advanced: &dyn Fn(),
    shown: &str,
    file: u32,
    spec: &InputSpec,
) -> Result<Partial> {
    {
        let mut first = Vec::new();
        (&mut input)
            .take(FIRST_LINE_LIMIT)
            .read_until(b'\n', &mut first)
            .with_context(|| format!("cannot read {shown}"))?;
        let header = strip_end(&first);
        let (kind, layout, who) = voorloop(header, shown)?;
        let toegekend = match (kind, spec.amount) {
            (Kind::Aw320, None | Some(ClaimAmount::Toegekend)) => true,
            (_, Some(ClaimAmount::Gedeclareerd)) | (Kind::Aw319, None) => false,
            (Kind::Aw319, Some(ClaimAmount::Toegekend)) => bail!(
                "{shown}: invoer.declaraties_bedrag = \"toegekend\" reads the granted amount of \
             AW320 return files, and this is an AW319 declaration file (0102 = 187), which \
             holds the declared amount only; set declaraties_bedrag = \"gedeclareerd\" or \
             leave it out"
            ),
        };
        let context = Reading {
            kind,
            layout,
            who,
            toegekend,
            year: i64::from(spec.year),
            file,
        };
        let states = chunked(
            Box::new(input),
            shown,
            2,
            advanced,
            || (Partial::new(shown), Tally::default()),
            |(part, tally), chunk| parse_chunk(chunk, &context, part, tally),
        )?;
        let mut part = Partial::new(shown);
        let mut tally = Tally {
            last_line: 1,
            ..Tally::default()
        };
        for (p, t) in states {
            part.merge(p);
            tally.prestaties += t.prestaties;
            tally.gedeclareerd += t.gedeclareerd;
            tally.toegekend += t.toegekend;
            tally.sluit.extend(t.sluit);
            tally.last_line = tally.last_line.max(t.last_line);
        }
        check_file(&context, &mut part, tally);
        Ok(part)
    }
}

/// Reads the voorlooprecord: which message, which layout, and the declaring provider.
fn voorloop(line: &[u8], shown: &str) -> Result<(Kind, &'static Layout, Claimant)> {
    let at = |problem: String| anyhow::anyhow!("{shown} line 1, {problem}");
    if line.len() < RECORD.len || RECORD.of(line) != b"01" {
        let record = String::from_utf8_lossy(&line[..line.len().min(2)]).into_owned();
        let why = if record == "04" {
            "a prestatierecord 04 before the voorlooprecord 01"
        } else {
            "not a voorlooprecord 01"
        };
        return Err(at(format!(
            "{} {record:?}: {why}; an AW319/AW320 file starts with its voorlooprecord",
            RECORD.label()
        )));
    }
    if line.len() < SUBVERSION.start + SUBVERSION.len {
        return Err(at(format!(
            "record 01: {} characters, too short to be a voorlooprecord (310 for AW319, 370 for AW320)",
            line.len()
        )));
    }
    let kind = match MESSAGE.number(line) {
        Some(187) => Kind::Aw319,
        Some(188) => Kind::Aw320,
        _ => {
            return Err(at(MESSAGE.problem(
                line,
                "must be 187 (AW319, declaration) or 188 (AW320, return information)",
            )))
        }
    };
    if line.len() != kind.width() {
        return Err(at(format!(
            "record 01: {} characters; every line of an {} file has {} (a line cut short or \
             lengthened, or characters written in more than one byte)",
            line.len(),
            kind.name(),
            kind.width()
        )));
    }
    let version = (VERSION.number(line), SUBVERSION.number(line));
    let layout = match version {
        (Some(v), Some(s)) => LAYOUTS.iter().find(|(k, _)| *k == (v, s)).map(|(_, l)| *l),
        _ => None,
    };
    let Some(layout) = layout else {
        let version = format!(
            "{}.{}",
            String::from_utf8_lossy(VERSION.of(line)),
            String::from_utf8_lossy(SUBVERSION.of(line))
        );
        return Err(at(format!(
            "{} and {} {version:?}: version {version} of the message standard is not known; \
             known are 01.03 and 01.04, whose positions this reader uses",
            VERSION.label(),
            SUBVERSION.label(),
        )));
    };
    let mut problems = Vec::new();
    for f in layout.voorloop {
        if f.number(line).is_none() {
            problems.push(f.problem(line, "not a number"));
        }
    }
    if !problems.is_empty() {
        return Err(at(problems.join("; ")));
    }
    let agb = layout.agb.iter().find_map(|f| match f.number(line) {
        Some(0) | None => None,
        Some(a) => Some(Agb::from_number(a as u32)),
    });
    let Some(agb) = agb else {
        return Err(at(format!(
            "{}, {} and {} are all zero: the file names no declaring provider",
            layout.agb[0].label(),
            layout.agb[1].label(),
            layout.agb[2].label()
        )));
    };
    Ok((kind, layout, Claimant::Agb(agb)))
}

fn parse_chunk(chunk: &Chunk, cx: &Reading, part: &mut Partial, tally: &mut Tally) {
    let mut line_no = chunk.first_line;
    let mut start = 0;
    let data = &chunk.data;
    while start < data.len() {
        let end = memchr::memchr(b'\n', &data[start..]).map_or(data.len(), |p| start + p);
        let raw = &data[start..end];
        start = end + 1;
        let this = line_no;
        line_no += 1;
        tally.last_line = tally.last_line.max(this);
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        record(line, this, cx, part, tally);
    }
}

/// One line after the first: its width and type checked, a `04` or `99` read.
fn record(line: &[u8], at: u64, cx: &Reading, part: &mut Partial, tally: &mut Tally) {
    // Worded only for a line with a problem: most lines have none.
    let location = || format!("line {at}");
    let width = cx.kind.width();
    // Only the record type is looked at before the width is known to be right.
    let record = &line[..line.len().min(RECORD.len)];
    if line.len() != width {
        part.errors.at_line(at);
        part.errors.push_row(
            &location(),
            &format!(
                "record {:?}: {} characters; every line of an {} file has {width} (a line cut \
                 short or lengthened, or characters written in more than one byte)",
                String::from_utf8_lossy(record),
                line.len(),
                cx.kind.name(),
            ),
        );
        if record == b"04" {
            tally.prestaties += 1;
        }
        return;
    }
    match record {
        b"02" | b"03" | b"98" => {}
        b"04" => {
            tally.prestaties += 1;
            part.rows += 1;
            match prestatie(line, cx) {
                Ok(p) => {
                    tally.gedeclareerd += p.gedeclareerd;
                    tally.toegekend += p.toegekend;
                    add(part, cx, &p, at);
                }
                Err(problems) => {
                    part.errors.at_line(at);
                    for problem in problems {
                        part.errors.push_row(&location(), &problem);
                    }
                }
            }
        }
        b"99" => match sluit(line, at, cx) {
            Ok(s) => tally.sluit.push(s),
            Err(problems) => {
                part.errors.at_line(at);
                for problem in problems {
                    part.errors.push_row(&location(), &problem);
                }
            }
        },
        b"01" => {
            part.errors.at_line(at);
            part.errors.push_row(
                &location(),
                &RECORD.problem(
                    line,
                    "a second voorlooprecord; a file holds one, on its first line",
                ),
            );
        }
        _ => {
            part.errors.at_line(at);
            part.errors.push_row(
                &location(),
                &RECORD.problem(
                    line,
                    "not a record type of AW319/AW320 (01, 02, 03, 04, 98, 99)",
                ),
            );
        }
    }
}

/// Adds a read prestatie to the aggregate with its unit, through the claims readers'
/// entry point, or counts it as another year.
fn add(part: &mut Partial, cx: &Reading, p: &Prestatie, at: u64) {
    if p.jaar != cx.year {
        part.other_year(p.jaar, 1);
        return;
    }
    let cents = if cx.toegekend {
        p.toegekend
    } else {
        p.gedeclareerd
    };
    let seen = Seen {
        file: cx.file,
        line: at,
    };
    // A code was checked to be visible ASCII, and N4 and N8 fields are far within the
    // input bound, so neither can be refused.
    let code = std::str::from_utf8(p.code).expect("checked to be ASCII");
    let added = part.add_claim(
        cx.who,
        code,
        Some(p.eenheid),
        Decimal::from_i128_with_scale(p.aantal, 0),
        Decimal::from_i128_with_scale(cents, 2),
        seen,
    );
    if let Err(column) = added {
        part.errors.at_line(at);
        part.errors.push_row(
            &format!("line {at}"),
            &format!("{column} beyond the input bound"),
        );
    }
}

/// A debit/credit field: +1 for `D`, -1 for `C`.
fn sign(f: &Field, line: &[u8], problems: &mut Vec<String>) -> i128 {
    match f.of(line) {
        b"D" => 1,
        b"C" => -1,
        _ => {
            problems.push(f.problem(line, "must be D (debet) or C (credit)"));
            0
        }
    }
}

/// Reads a prestatierecord's fields, or says what is wrong with them.
fn prestatie<'l>(line: &'l [u8], cx: &Reading) -> Result<Prestatie<'l>, Vec<String>> {
    let l = cx.layout;
    let mut problems = Vec::new();
    for f in l.prestatie {
        if f.kind == Type::N && f.number(line).is_none() {
            problems.push(f.problem(line, "not a number"));
        }
    }
    if cx.kind == Kind::Aw320 && l.toegekend.number(line).is_none() {
        problems.push(l.toegekend.problem(line, "not a number"));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    if l.lijst.of(line) != b"055" {
        problems.push(l.lijst.problem(
            line,
            "must be 055 (the Wlz prestatiecodelijst); this reader reads Wlz claims only",
        ));
    }
    let begin = l.begin.of(line);
    let month = (begin[4] - b'0') * 10 + (begin[5] - b'0');
    let day = (begin[6] - b'0') * 10 + (begin[7] - b'0');
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        problems.push(l.begin.problem(line, "not a date (yyyyMMdd)"));
    }
    let jaar = (l.begin.number(line).expect("checked") / 10_000) as i64;
    let code = trim(l.code.of(line));
    if code.is_empty() {
        problems.push(l.code.problem(line, "empty, a prestatiecode is required"));
    } else if !code.iter().all(u8::is_ascii_graphic) {
        problems.push(
            l.code
                .problem(line, "not a prestatiecode (letters and digits)"),
        );
    }
    let eenheid = std::str::from_utf8(l.eenheid.of(line))
        .map_err(|e| e.to_string())
        .and_then(Eenheid::parse);
    if let Err(e) = &eenheid {
        problems.push(l.eenheid.problem(line, e));
    }
    let teken = sign(&l.teken, line, &mut problems);
    let toegekend = if cx.kind == Kind::Aw320 {
        let t = sign(&l.toegekend_teken, line, &mut problems);
        t * i128::from(l.toegekend.number(line).expect("checked"))
    } else {
        0
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Prestatie {
        jaar,
        code,
        aantal: teken * i128::from(l.aantal.number(line).expect("checked")),
        eenheid: eenheid.expect("checked"),
        gedeclareerd: teken * i128::from(l.bedrag.number(line).expect("checked")),
        toegekend,
    })
}

/// Reads a sluitrecord, or says what is wrong with it.
fn sluit(line: &[u8], at: u64, cx: &Reading) -> Result<Sluit, Vec<String>> {
    let l = cx.layout;
    let mut problems = Vec::new();
    let mut number = |f: &Field| {
        f.number(line).unwrap_or_else(|| {
            problems.push(f.problem(line, "not a number"));
            0
        })
    };
    let prestaties = number(&l.aantal_prestaties);
    let totaal = i128::from(number(&l.totaal));
    let toegekend = if cx.kind == Kind::Aw320 {
        i128::from(number(&l.totaal_toegekend))
    } else {
        0
    };
    let teken = sign(&l.totaal_teken, line, &mut problems);
    let toegekend_teken = if cx.kind == Kind::Aw320 {
        sign(&l.totaal_toegekend_teken, line, &mut problems)
    } else {
        0
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(Sluit {
        line: at,
        prestaties,
        totaal: teken * totaal,
        toegekend: toegekend_teken * toegekend,
    })
}

/// Euros from signed cents, for messages.
fn euros(cents: i128) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let c = cents.unsigned_abs();
    format!("{sign}€{}.{:02}", c / 100, c % 100)
}

/// The checks of the file as a whole: one sluitrecord, last, that agrees with the lines.
fn check_file(cx: &Reading, part: &mut Partial, tally: Tally) {
    let l = cx.layout;
    let errors = &mut part.errors;
    let line_errors = errors.count();
    let mut sluit = tally.sluit;
    sluit.sort_by_key(|s| s.line);
    let Some(first) = sluit.first().copied() else {
        if line_errors == 0 {
            errors.at_line(tally.last_line);
            errors.push_row(
                &format!("line {}", tally.last_line),
                "the file ends without a sluitrecord 99 (is it cut short?)",
            );
        }
        return;
    };
    for s in &sluit[1..] {
        errors.at_line(s.line);
        errors.push_row(
            &format!("line {}", s.line),
            "a second sluitrecord 99; a file holds one, on its last line",
        );
    }
    let location = format!("line {}", first.line);
    errors.at_line(first.line);
    if first.line != tally.last_line {
        errors.push_row(
            &location,
            &format!(
                "the sluitrecord 99 is not the last line (the file goes on to line {})",
                tally.last_line
            ),
        );
    }
    if first.prestaties != tally.prestaties {
        errors.push_row(
            &location,
            &format!(
                "{} {:?}: the file has {} prestatierecords 04",
                l.aantal_prestaties.label(),
                format!("{:0w$}", first.prestaties, w = l.aantal_prestaties.len),
                tally.prestaties
            ),
        );
    }
    // The sums are only whole when every line was read.
    if line_errors > 0 {
        return;
    }
    let mut total = |field: &Field, teken: &Field, said: i128, sum: i128, what: &str| {
        if said != sum {
            errors.push_row(
                &location,
                &format!(
                    "{} with {}: {} but the prestatierecords' {what} add up to {}",
                    field.label(),
                    teken.label(),
                    euros(said),
                    euros(sum)
                ),
            );
        }
    };
    total(
        &l.totaal,
        &l.totaal_teken,
        first.totaal,
        tally.gedeclareerd,
        "0429 with 0430",
    );
    if cx.kind == Kind::Aw320 {
        total(
            &l.totaal_toegekend,
            &l.totaal_toegekend_teken,
            first.toegekend,
            tally.toegekend,
            "toegekend bedrag (320-327 with 328)",
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field the layout slices of a record 04 lies outside its personal positions
    /// (15-23 BSN, 28-57 verzekerden- and machtigingsnummer, 63-100 indicatie fields).
    #[test]
    fn no_field_read_of_a_prestatierecord_is_personal() {
        let personal = [(15, 23), (28, 57), (63, 100)];
        let l = &V13;
        let mut fields: Vec<Field> = l.prestatie.to_vec();
        fields.extend([
            l.begin,
            l.lijst,
            l.code,
            l.aantal,
            l.eenheid,
            l.bedrag,
            l.teken,
            l.toegekend,
            l.toegekend_teken,
        ]);
        for f in fields {
            let (a, b) = (f.start, f.start + f.len - 1);
            for (p, q) in personal {
                assert!(b < p || a > q, "{} overlaps {p}-{q}", f.label());
            }
            assert!(b <= 370);
        }
    }

    /// The positions of the message definition: 0429 is 186-193 (not 185-193, a slicing
    /// mistake of one published reader), the voorlooprecord's AGB fields 55-62, 39-46, 47-54.
    #[test]
    fn the_layout_has_the_definitions_positions() {
        assert_eq!(
            V13.bedrag.label(),
            "field 0429 (positions 186-193, declaratiebedrag)"
        );
        assert_eq!(
            V13.teken.label(),
            "field 0430 (position 194, debet/credit declaratiebedrag)"
        );
        assert_eq!(
            (V13.agb[0].start, V13.agb[1].start, V13.agb[2].start),
            (55, 39, 47)
        );
        assert_eq!((V13.code.start, V13.code.len), (125, 5));
        assert_eq!((V13.toegekend.start, V13.toegekend_teken.start), (320, 328));
    }

    #[test]
    fn files_are_recognised_by_their_first_record() {
        let mut line = b"01187".to_vec();
        line.resize(310, b' ');
        assert!(looks_like(&line));
        // A file that starts with a 04 of the right width is one, damaged.
        let mut p = b"04".to_vec();
        p.resize(310, b'0');
        p.extend(b"\r\n");
        assert!(looks_like(&p));
        assert!(!looks_like(b"agb,jaar,prestatiecode,aantal,bedrag\n"));
        assert!(!looks_like(b"04;2024;V4VV\n"));
    }
}
