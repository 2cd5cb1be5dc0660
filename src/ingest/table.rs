//! Small tables (jaarverslagen, tarieven, koppeltabel) from CSV, XLSX or ODS, read whole
//! into memory with every cell's position kept for error messages; the mapping from
//! contract column names to headers; and the collection of row errors.
//!
//! Only the columns a caller asks for are ever looked at: other columns (claims carry BSN
//! numbers) are neither stored in results nor quoted in messages.

use std::fmt::Write as _;
use std::io::Read as _;
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader};

use super::number::Cell;
use crate::config::{Mapping, Rename};

/// Where rows come from, for messages.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Source {
    Csv,
    Sheet(String),
}

#[derive(Debug, Clone)]
pub(super) struct Table {
    /// The file as the configuration names it.
    pub file: String,
    pub source: Source,
    pub headers: Vec<String>,
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone)]
pub(super) struct Row {
    /// 1-based row number in the file or sheet (the header is row 1 of a CSV file).
    pub number: usize,
    /// 0-based column of the sheet where the table starts (for cell references).
    pub first_column: usize,
    pub cells: Vec<Cell>,
}

impl Row {
    pub(super) fn cell(&self, column: usize) -> &Cell {
        self.cells.get(column).unwrap_or(&Cell::Empty)
    }
}

impl Table {
    /// "row 7" for CSV, "sheet \"Blad1\", cell D7" for spreadsheets.
    pub(super) fn location(&self, row: &Row, column: usize) -> String {
        match &self.source {
            Source::Csv => format!("row {}", row.number),
            Source::Sheet(name) => {
                format!(
                    "sheet {name:?}, cell {}{}",
                    column_letters(row.first_column + column),
                    row.number
                )
            }
        }
    }

    /// The sheet the rows were read from; `None` for CSV.
    pub(super) fn sheet(&self) -> Option<&str> {
        match &self.source {
            Source::Csv => None,
            Source::Sheet(name) => Some(name),
        }
    }

    /// "row 7" or "sheet \"Blad1\", row 7": a whole row.
    pub(super) fn row_location(&self, row: &Row) -> String {
        match &self.source {
            Source::Csv => format!("row {}", row.number),
            Source::Sheet(name) => format!("sheet {name:?}, row {}", row.number),
        }
    }
}

fn column_letters(mut index: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    letters.reverse();
    String::from_utf8(letters).expect("ASCII letters")
}

/// The kind of file, from its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Format {
    Csv,
    Spreadsheet,
    Parquet,
}

pub(super) fn format_of(path: &Path) -> Result<Format> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let name = name.strip_suffix(".gz").unwrap_or(&name);
    let ext = name.rsplit('.').next().unwrap_or("");
    match ext {
        "csv" | "txt" => Ok(Format::Csv),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => Ok(Format::Spreadsheet),
        "parquet" | "pq" => Ok(Format::Parquet),
        _ => bail!(
            "{}: unknown file type; expected .csv, .csv.gz, .xlsx, .ods or .parquet",
            path.display()
        ),
    }
}

/// Reads a CSV or spreadsheet table whole. `shown` is the name used in messages.
pub(super) fn read_table(path: &Path, shown: &str) -> Result<Table> {
    match format_of(path)? {
        Format::Csv => read_csv(path, shown),
        Format::Spreadsheet => read_sheet(path, shown),
        Format::Parquet => {
            bail!("{shown}: Parquet is only read for declaraties; use CSV, XLSX or ODS")
        }
    }
}

/// Picks `;` when the header line has more semicolons than commas, else `,`.
pub(super) fn detect_separator(header_line: &[u8]) -> u8 {
    let count = |c: u8| header_line.iter().filter(|&&b| b == c).count();
    if count(b';') > count(b',') {
        b';'
    } else {
        b','
    }
}

/// The first line of a byte buffer (for separator detection).
pub(super) fn first_line(bytes: &[u8]) -> &[u8] {
    let end = bytes
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(bytes.len());
    &bytes[..end]
}

/// A header as matched: trimmed, without a UTF-8 byte order mark.
pub(super) fn clean_header(h: &str) -> String {
    h.trim_start_matches('\u{feff}').trim().to_string()
}

/// Opens a file to read, refusing a folder or a device (a FIFO, `/dev/zero`) by name: those
/// would fail with an operating-system message, block, or never end.
pub(super) fn open_regular(path: &Path, shown: &str) -> Result<std::fs::File> {
    // Checked before opening: opening a FIFO waits until something writes to it.
    let meta = std::fs::metadata(path).with_context(|| format!("cannot open {shown}"))?;
    if meta.is_dir() {
        bail!("{shown} is a folder, not a file");
    }
    if !meta.is_file() {
        bail!("{shown} is not a regular file (a device, FIFO or socket?)");
    }
    std::fs::File::open(path).with_context(|| format!("cannot open {shown}"))
}

fn read_csv(path: &Path, shown: &str) -> Result<Table> {
    let mut bytes = Vec::new();
    open_regular(path, shown)?
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {shown}"))?;
    if let Some(problem) = encoding_problem(&bytes) {
        bail!("{shown} {problem}");
    }
    let text = decode(bytes);
    let separator = detect_separator(first_line(text.as_bytes()));
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .with_context(|| format!("{shown}: cannot read the header line"))?
        .iter()
        .map(clean_header)
        .collect();
    let mut rows = Vec::new();
    let mut errors = RowErrors::new(shown);
    for record in reader.byte_records() {
        let record = record.map_err(|e| anyhow!("{shown}: {e}"))?;
        let number = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.iter().all(|f| f.iter().all(u8::is_ascii_whitespace)) {
            continue;
        }
        if let Some(problem) = width_problem(&record, headers.len()) {
            errors.push_row(&format!("row {number}"), &problem);
            continue;
        }
        let cells = record
            .iter()
            .map(|f| match String::from_utf8_lossy(f).trim() {
                "" => Cell::Empty,
                t => Cell::Text(t.to_string()),
            })
            .collect();
        rows.push(Row {
            number,
            first_column: 0,
            cells,
        });
    }
    errors.finish()?;
    Ok(Table {
        file: shown.to_string(),
        source: Source::Csv,
        headers,
        rows,
    })
}

/// What is wrong with a CSV file's encoding that decoding cannot mend, judged by its start:
/// UTF-16 (by its byte order mark, or by the NUL byte beside every ASCII character of its
/// first line), a workbook renamed to .csv, or another binary file. The text completes
/// "<file> ...". Windows-1252 is not a problem here: it is read (`decode`) or named per
/// value (claims).
pub(super) fn encoding_problem(start: &[u8]) -> Option<&'static str> {
    if start.starts_with(&[0xff, 0xfe]) || start.starts_with(&[0xfe, 0xff]) {
        return Some("is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8 CSV");
    }
    if start.starts_with(b"PK\x03\x04") {
        return Some("is a ZIP archive (a workbook renamed to .csv?), not CSV text; save it as UTF-8 CSV or name it .xlsx or .ods");
    }
    let line = first_line(start);
    if !line.contains(&0) {
        return None;
    }
    // UTF-16 text: nearly every byte on one side of each pair is NUL (the high byte of an
    // ASCII character), and the first line is mostly ASCII (the header).
    let nul_share = |parity: usize| {
        let side: Vec<u8> = line.iter().skip(parity).step_by(2).copied().collect();
        side.iter().filter(|&&b| b == 0).count() * 4 >= side.len() * 3
    };
    if line.len() >= 4 && (nul_share(0) || nul_share(1)) {
        Some("is UTF-16 (its first line has a NUL byte beside every character); save it as UTF-8 CSV")
    } else {
        Some("has NUL bytes in its first line: it is not CSV text (a binary file renamed to .csv?)")
    }
}

/// A CSV file's text: UTF-8, or else Windows-1252, which Excel on Windows writes (and of
/// which Latin-1 is a subset), so that `é` in a name is not replaced by U+FFFD.
pub(super) fn decode(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => e.into_bytes().iter().map(|&b| windows_1252(b)).collect(),
    }
}

fn windows_1252(b: u8) -> char {
    // 0x80-0x9F differ from Latin-1; the five unassigned bytes map to their C1 controls.
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[usize::from(b - 0x80)],
        _ => char::from(b),
    }
}

/// A CSV row whose field count differs from the header's would be read shifted or cut: a
/// separator inside an unquoted value (`342,000.00`) must not silently become `342`. Extra
/// empty fields at the end (a trailing separator) are harmless and allowed.
pub(super) fn width_problem(record: &csv::ByteRecord, width: usize) -> Option<String> {
    let n = record.len();
    let harmless = n > width
        && record
            .iter()
            .skip(width)
            .all(|f| f.iter().all(u8::is_ascii_whitespace));
    if n == width || harmless {
        return None;
    }
    Some(format!(
        "{n} fields where the header has {width}: a separator inside an unquoted value? \
         (thousands separators are refused; quote text that contains the separator)"
    ))
}

fn read_sheet(path: &Path, shown: &str) -> Result<Table> {
    let mut workbook =
        open_workbook_auto(path).map_err(|e| anyhow!("{shown}: cannot open the workbook: {e}"))?;
    let name = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| anyhow!("{shown}: the workbook has no sheets"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| anyhow!("{shown}: the workbook has no sheets"))?
        .map_err(|e| anyhow!("{shown}: cannot read sheet {name:?}: {e}"))?;
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut iter = range.rows().enumerate();
    let headers = match iter.next() {
        Some((_, cells)) => cells.iter().map(|c| clean_header(&c.to_string())).collect(),
        None => Vec::new(),
    };
    let mut rows = Vec::new();
    for (i, cells) in iter {
        let cells: Vec<Cell> = cells.iter().map(data_to_cell).collect();
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        rows.push(Row {
            number: first_row as usize + i + 1,
            first_column: first_column as usize,
            cells,
        });
    }
    Ok(Table {
        file: shown.to_string(),
        source: Source::Sheet(name),
        headers,
        rows,
    })
}

fn data_to_cell(d: &Data) -> Cell {
    match d {
        Data::Empty => Cell::Empty,
        Data::String(s) if s.trim().is_empty() => Cell::Empty,
        Data::String(s) => Cell::Text(s.trim().to_string()),
        Data::Float(f) => Cell::Float(*f),
        Data::Int(i) => Cell::Int(*i),
        Data::Bool(b) => Cell::Other(format!("the boolean {b}")),
        Data::DateTime(_) | Data::DateTimeIso(_) => Cell::Other(format!("the date {d}")),
        Data::DurationIso(s) => Cell::Other(format!("the duration {s}")),
        Data::Error(e) => Cell::Other(format!("the error {e:?}")),
    }
}

/// A contract column a reader wants.
#[derive(Debug, Clone, Copy)]
pub(super) struct Want {
    pub name: &'static str,
    pub required: bool,
}

pub(super) const fn required(name: &'static str) -> Want {
    Want {
        name,
        required: true,
    }
}

pub(super) const fn optional(name: &'static str) -> Want {
    Want {
        name,
        required: false,
    }
}

/// Finds each wanted column among `headers` (case-insensitive, after trimming), where
/// `mapping` says to look: an input's own `[kolommen.INPUT]` header only, a flat
/// `[kolommen]` header or else the column's own name, or the own name. Returns one index
/// per wanted column, `None` for an absent optional one. A missing required column is an
/// error listing the headers and the closest one; `sheet` is the sheet they were read
/// from, if the file is a workbook.
pub(super) fn map_columns(
    file: &str,
    sheet: Option<&str>,
    headers: &[String],
    wants: &[Want],
    mapping: &Mapping,
) -> Result<Vec<Option<usize>>> {
    let mut found = Vec::with_capacity(wants.len());
    let mut missing = Vec::new();
    for want in wants {
        let rename = mapping.rename(want.name);
        let candidates = match rename {
            Rename::None => vec![want.name],
            Rename::Flat(h) => vec![h, want.name],
            Rename::Input(h) => vec![h],
        };
        let mut index = None;
        for header in &candidates {
            let matches: Vec<usize> = (0..headers.len())
                .filter(|&i| headers[i].eq_ignore_ascii_case(header.trim()))
                .collect();
            match matches.as_slice() {
                [] => continue,
                [i] => index = Some(*i),
                _ => bail!(
                    "{file}: the header {header:?} appears {} times; it must be unique",
                    matches.len()
                ),
            }
            break;
        }
        if index.is_none() && want.required {
            missing.push((want.name, rename, candidates[0]));
        }
        found.push(index);
    }
    if missing.is_empty() {
        return Ok(found);
    }
    let mut msg = String::new();
    for (name, rename, header) in &missing {
        let renamed = match rename {
            Rename::None => String::new(),
            Rename::Flat(h) => {
                format!(" (renamed to {h:?} in [kolommen]; there is no column {name:?} either)")
            }
            Rename::Input(h) => format!(" (mapped to {h:?} in [kolommen.{}])", mapping.input.key()),
        };
        match sheet {
            None => write!(msg, "{file}: missing required column {name:?}{renamed}").unwrap(),
            Some(s) => write!(
                msg,
                "missing required column {name:?}{renamed} in sheet {s:?} (the first sheet) of {file}"
            )
            .unwrap(),
        }
        if let Some(near) = nearest(header, headers) {
            write!(msg, "; did you mean {near:?}?").unwrap();
        }
        msg.push('\n');
    }
    // A "header" without a letter is a value: the file has no header line. Values are never
    // echoed, since a claims file's first line can hold a BSN.
    let is_name = |h: &String| h.chars().any(char::is_alphabetic);
    let shown: Vec<String> = headers
        .iter()
        .map(|h| {
            if is_name(h) {
                format!("{h:?}")
            } else {
                "(a value)".to_string()
            }
        })
        .collect();
    write!(msg, "headers found: {}", shown.join(", ")).unwrap();
    let mapped = mapping.headers();
    let known = |h: &String| {
        crate::config::CONTRACT_COLUMNS
            .iter()
            .chain(&mapping.input.columns())
            .any(|c| c.eq_ignore_ascii_case(h))
            || mapped.iter().any(|r| r.trim().eq_ignore_ascii_case(h))
    };
    if !headers.iter().any(known) {
        msg.push_str(
            "\nnone of these is a column of the data contract: is the header line missing?",
        );
    }
    Err(anyhow!(msg))
}

/// The header closest to `wanted` by edit distance, if it is close enough to be a typo
/// or a variant (at most half the name's length away).
fn nearest<'a>(wanted: &str, headers: &'a [String]) -> Option<&'a str> {
    let w = wanted.to_lowercase();
    headers
        .iter()
        .map(|h| (edit_distance(&w, &h.to_lowercase()), h))
        .filter(|(d, _)| *d <= w.chars().count().div_ceil(2))
        .min_by_key(|(d, h)| (*d, h.as_str()))
        .map(|(_, h)| h.as_str())
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Collects every row error of one file; reports the count and the first few.
#[derive(Debug)]
pub(super) struct RowErrors {
    file: String,
    /// The first few messages, each with the line it is about (or the order it came in).
    first: Vec<(u64, String)>,
    count: usize,
    /// The line the next messages are about; `None` numbers them in the order they come.
    line: Option<u64>,
}

const SHOWN_ERRORS: usize = 5;

impl RowErrors {
    pub(super) fn new(file: &str) -> RowErrors {
        RowErrors {
            file: file.to_string(),
            first: Vec::new(),
            count: 0,
            line: None,
        }
    }

    /// The line the next messages are about, so that collectors filled in parallel (each in
    /// line order) can be merged into the file's first few.
    pub(super) fn at_line(&mut self, line: u64) {
        self.line = Some(line);
    }

    fn keep(&mut self, message: String) {
        let key = self.line.unwrap_or(self.count as u64);
        self.count += 1;
        if self.first.len() < SHOWN_ERRORS {
            self.first.push((key, message));
        }
    }

    /// `location` is "row 7" or a cell; `column` the contract name; `problem` says what
    /// is wrong with which value. A nine-digit value in `problem` is concealed: parsers
    /// describe a BSN's shape themselves (`Kvk::parse`), and this is the net for a value
    /// quoted by any other message (a BSN in a `sector` column).
    pub(super) fn push(&mut self, location: &str, column: &str, problem: &str) {
        let problem = crate::model::conceal_bsns(problem);
        self.keep(format!("{location}, column {column:?}: {problem}"));
    }

    /// A problem with a whole row (or several rows); its values are concealed as in `push`.
    pub(super) fn push_row(&mut self, location: &str, problem: &str) {
        let problem = crate::model::conceal_bsns(problem);
        self.keep(format!("{location}: {problem}"));
    }

    /// Takes in another collector's errors for the same file.
    pub(super) fn merge(&mut self, other: RowErrors) {
        self.count += other.count;
        self.first.extend(other.first);
        self.first.sort_by_key(|(line, _)| *line);
        self.first.truncate(SHOWN_ERRORS);
    }

    pub(super) fn count(&self) -> usize {
        self.count
    }

    pub(super) fn finish(self) -> Result<()> {
        let first: Vec<&str> = self.first.iter().map(|(_, m)| m.as_str()).collect();
        match self.count {
            0 => Ok(()),
            1 => bail!("1 invalid value in {}: {}", self.file, first[0]),
            n => bail!(
                "{n} invalid values in {}; first {}:\n  {}",
                self.file,
                first.len(),
                first.join("\n  ")
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_use_spreadsheet_letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(3), "D");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
    }

    #[test]
    fn non_utf8_text_is_read_as_windows_1252() {
        assert_eq!(decode(b"Caf\xe9 \x80 5".to_vec()), "Café € 5");
        assert_eq!(decode("Café".as_bytes().to_vec()), "Café");
    }

    #[test]
    fn separator_follows_the_header_line() {
        assert_eq!(detect_separator(b"kvk;naam;boekjaar"), b';');
        assert_eq!(detect_separator(b"kvk,naam,boekjaar"), b',');
        assert_eq!(detect_separator(b"kvk"), b',');
    }

    use crate::config::{Columns, Input};
    use std::collections::BTreeMap;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    /// `[kolommen]` with `flat` entries and `per_input` tables, as (column, header) pairs.
    fn kolommen(flat: &[(&str, &str)], per_input: &[(Input, &[(&str, &str)])]) -> Columns {
        let table = |pairs: &[(&str, &str)]| -> BTreeMap<String, String> {
            pairs
                .iter()
                .map(|(c, h)| (c.to_string(), h.to_string()))
                .collect()
        };
        Columns {
            flat: table(flat),
            per_input: per_input.iter().map(|(i, t)| (*i, table(t))).collect(),
        }
    }

    #[test]
    fn headers_match_case_insensitively_and_through_renames() {
        let headers = strings(&["KVK", "qTotaalBaten_0", "Naam"]);
        let renames = kolommen(&[("bedrijfsopbrengsten", "qtotaalbaten_0")], &[]);
        let got = map_columns(
            "j.csv",
            None,
            &headers,
            &[
                required("kvk"),
                required("bedrijfsopbrengsten"),
                optional("sector"),
            ],
            &renames.of(Input::Jaarverslagen),
        )
        .unwrap();
        assert_eq!(got, vec![Some(0), Some(1), None]);
    }

    #[test]
    fn a_flat_rename_falls_back_to_the_own_name_and_a_per_input_one_does_not() {
        // DigiMV's "KvK-nummer" in the jaarverslagen; the koppeltabel keeps `kvk`.
        let koppeltabel = strings(&["agb", "kvk"]);
        let wants = [required("agb"), required("kvk")];
        let flat = kolommen(&[("kvk", "KvK-nummer")], &[]);
        assert_eq!(
            map_columns(
                "k.csv",
                None,
                &koppeltabel,
                &wants,
                &flat.of(Input::Koppeltabel)
            )
            .unwrap(),
            vec![Some(0), Some(1)]
        );
        // Where the file has the renamed header, that one is read, not the own name.
        let both = strings(&["kvk", "KvK-nummer"]);
        assert_eq!(
            map_columns(
                "j.csv",
                None,
                &both,
                &wants[1..],
                &flat.of(Input::Jaarverslagen)
            )
            .unwrap(),
            vec![Some(1)]
        );
        // A flat rename of a column the input does not have leaves it alone.
        let tarief = kolommen(&[("max_tarief", "tarief")], &[]);
        assert_eq!(
            map_columns(
                "k.csv",
                None,
                &koppeltabel,
                &wants,
                &tarief.of(Input::Koppeltabel)
            )
            .unwrap(),
            vec![Some(0), Some(1)]
        );
        let own = kolommen(&[], &[(Input::Koppeltabel, &[("kvk", "KvK-nummer")])]);
        let err = map_columns(
            "k.csv",
            None,
            &koppeltabel,
            &wants,
            &own.of(Input::Koppeltabel),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "k.csv: missing required column \"kvk\" (mapped to \"KvK-nummer\" in [kolommen.koppeltabel])"
            ),
            "{err}"
        );
        // The per-input table is only the koppeltabel's.
        assert_eq!(
            map_columns(
                "d.csv",
                None,
                &koppeltabel,
                &wants,
                &own.of(Input::Declaraties)
            )
            .unwrap(),
            vec![Some(0), Some(1)]
        );
    }

    #[test]
    fn missing_column_lists_headers_and_suggests_the_nearest() {
        let headers = strings(&["kvk", "bedrijfslastn", "bsn"]);
        let err = map_columns(
            "j.csv",
            None,
            &headers,
            &[required("bedrijfslasten")],
            &Mapping::none(Input::Jaarverslagen),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains(
                "missing required column \"bedrijfslasten\"; did you mean \"bedrijfslastn\"?"
            ),
            "{err}"
        );
        assert!(
            err.contains("headers found: \"kvk\", \"bedrijfslastn\", \"bsn\""),
            "{err}"
        );
    }

    #[test]
    fn a_missing_column_in_a_workbook_names_the_sheet() {
        let err = map_columns(
            "j.xlsx",
            Some("Blad1"),
            &strings(&["kvk"]),
            &[required("naam")],
            &Mapping::none(Input::Jaarverslagen),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with(
                "missing required column \"naam\" in sheet \"Blad1\" (the first sheet) of j.xlsx"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_missing_header_line_is_named_without_echoing_values() {
        let headers = strings(&["111222333", "20000001", "2024"]);
        let err = map_columns(
            "d.csv",
            None,
            &headers,
            &[required("agb")],
            &Mapping::none(Input::Declaraties),
        )
        .unwrap_err()
        .to_string();
        assert!(!err.contains("111222333"), "{err}");
        assert!(
            err.contains("headers found: (a value), (a value), (a value)"),
            "{err}"
        );
        assert!(err.contains("is the header line missing?"), "{err}");
    }

    #[test]
    fn row_errors_merged_from_parallel_collectors_keep_line_order() {
        let (mut a, mut b) = (RowErrors::new("d.csv"), RowErrors::new("d.csv"));
        for line in [3, 10, 11] {
            a.at_line(line);
            a.push(&format!("row {line}"), "bedrag", "x");
        }
        for line in [2, 4, 5, 6, 7] {
            b.at_line(line);
            b.push(&format!("row {line}"), "bedrag", "x");
        }
        a.merge(b);
        let msg = a.finish().unwrap_err().to_string();
        assert!(
            msg.starts_with("8 invalid values in d.csv; first 5:"),
            "{msg}"
        );
        let rows: Vec<&str> = msg
            .lines()
            .skip(1)
            .map(|l| l.trim().split(',').next().unwrap())
            .collect();
        assert_eq!(rows, ["row 2", "row 3", "row 4", "row 5", "row 6"]);
    }

    #[test]
    fn row_errors_report_count_and_first_few() {
        let mut errors = RowErrors::new("j.csv");
        for row in 2..10 {
            errors.push(&format!("row {row}"), "bedrag", "not a number: \"x\"");
        }
        let msg = errors.finish().unwrap_err().to_string();
        assert!(
            msg.starts_with("8 invalid values in j.csv; first 5:"),
            "{msg}"
        );
        assert!(
            msg.contains("row 2, column \"bedrag\": not a number: \"x\""),
            "{msg}"
        );
        assert!(!msg.contains("row 7"), "{msg}");
    }
}
