//! Writes providers' jaarverslag figures as a workbook in the layout of the published DigiMV
//! open dataset, so that the DigiMV reader is tested on files made faithfully to the real
//! ones: a `VariableDefinition` sheet; `RowData_NN` sheets of at most 256 columns, the key
//! first, with unrelated questionnaire columns around the mapped ones (previous-year twins
//! among them); two-line (or one-line) header cells; rows padded to 16,384 columns with
//! `table:number-columns-repeated`; runs of empty cells between filled ones; spanned and
//! covered cells; Dutch display text beside `office:value`; `ja`/`nee` in mixed case; entity
//! and consolidated figures; empty fields where a provider filed no figure; optionally
//! several parts, or the `.ods` inside a `.zip`.
//!
//! `content.xml` is written as a stream, row by row, so a full-size part (1.5 GB unpacked)
//! needs no more memory than a small one. Nothing here reads a dataset or knows how the
//! reader works; the variable names come from the caller.

use std::io::{BufWriter, Cursor, Seek, Write};

use anyhow::{Context, Result};
use rust_decimal::Decimal;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

/// One provider's amounts, in euros; `None` leaves the cell empty (not filled in).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Cijfers {
    pub bedrijfsopbrengsten: Option<Decimal>,
    pub opbrengsten_wlz: Option<Decimal>,
    pub bedrijfslasten: Option<Decimal>,
    pub financiele_baten: Option<Decimal>,
    pub financiele_lasten: Option<Decimal>,
    pub resultaat: Option<Decimal>,
}

impl Cijfers {
    fn get(&self, column: &str) -> Option<Decimal> {
        match column {
            "bedrijfsopbrengsten" => self.bedrijfsopbrengsten,
            "opbrengsten_wlz" => self.opbrengsten_wlz,
            "bedrijfslasten" => self.bedrijfslasten,
            "financiele_baten" => self.financiele_baten,
            "financiele_lasten" => self.financiele_lasten,
            "resultaat" => self.resultaat,
            _ => None,
        }
    }
}

/// A provider as the dataset holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct Aanbieder {
    /// Eight digits.
    pub kvk: String,
    pub naam: String,
    /// The reporting entity's figures.
    pub enkelvoudig: Cijfers,
    /// The consolidated figures; `None` writes the entity's in the `…Cons` columns too.
    pub geconsolideerd: Option<Cijfers>,
    /// The sectors whose care-type flag is `ja` (`VV`, `GZ`, `GGZ`); the others are `nee`.
    pub sectoren: Vec<String>,
}

impl Aanbieder {
    /// The key: the dataset's `Code`, stable per provider so that parts agree.
    pub fn code(&self) -> String {
        format!("9{}", self.kvk)
    }
}

/// The published variable names to write the figures under.
#[derive(Debug, Clone, PartialEq)]
pub struct Namen {
    pub kvk: String,
    pub naam: String,
    /// (contract column, entity variable, consolidated variable), amounts only.
    pub bedragen: Vec<(String, String, String)>,
    /// (sector, flag variable).
    pub sector: Vec<(String, String)>,
}

/// How the key column's header cell reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyHeader {
    /// `Code⏎ConcernCode`
    CodeConcernCode,
    /// `ConcernCode⏎Code`
    ConcernCodeCode,
    /// `Code` alone
    Code,
    /// `ConcernCode` alone, as in the old format (2019-2021)
    ConcernCode,
}

/// The shape of the workbook.
#[derive(Debug, Clone, PartialEq)]
pub struct Layout {
    pub namen: Namen,
    /// Questionnaire variables per organisation, the mapped ones included (at least those).
    pub variabelen: usize,
    /// Percent of the unrelated questionnaire cells that hold a value.
    pub gevuld: u32,
    pub key: KeyHeader,
    /// Header cells with only the variable name (the old format), instead of label and name.
    pub one_line_headers: bool,
    /// Split the providers over this many parts.
    pub parts: usize,
    /// Put the `.ods` files inside one `.zip`, as the 2022 release does.
    pub zipped: bool,
    /// Deflate level of the entries (1 is fast, 9 small); `None` for the default.
    pub level: Option<i64>,
    pub seed: u64,
}

impl Layout {
    /// A layout of a few hundred questionnaire variables over two sheets and more.
    pub fn new(namen: Namen) -> Layout {
        Layout {
            namen,
            variabelen: 600,
            gevuld: 40,
            key: KeyHeader::CodeConcernCode,
            one_line_headers: false,
            parts: 1,
            zipped: false,
            level: None,
            seed: 1,
        }
    }
}

/// Columns per RowData sheet, the key's included.
const SHEET_COLUMNS: usize = 256;
const MAX_COLUMNS: usize = 16_384;
const MAX_ROWS: u64 = 1_048_576;

#[derive(Debug, Clone, PartialEq)]
enum Var {
    Filler(usize),
    Kvk,
    Naam,
    /// (index in `bedragen`, consolidated, previous year)
    Amount(usize, bool, bool),
    Flag(usize),
}

struct Column {
    name: String,
    label: String,
    var: Var,
}

/// The questionnaire's variables in sheet order: fillers, with the mapped ones spread
/// among them, each amount beside its previous-year twin.
fn plan(layout: &Layout) -> Vec<Column> {
    let n = &layout.namen;
    let mut mapped = vec![
        Column {
            name: n.kvk.clone(),
            label: "Kvk-nummer".into(),
            var: Var::Kvk,
        },
        Column {
            name: n.naam.clone(),
            label: "Naam van de organisatie zoals geregistreerd".into(),
            var: Var::Naam,
        },
    ];
    for (i, (column, entity, cons)) in n.bedragen.iter().enumerate() {
        for (name, c) in [(entity, false), (cons, true)] {
            let what = if c { " (geconsolideerd)" } else { "" };
            mapped.push(Column {
                name: name.clone(),
                label: format!("{column}{what} - Bedrag in euro's per einde boekjaar"),
                var: Var::Amount(i, c, false),
            });
            mapped.push(Column {
                name: previous_year(name),
                label: format!("{column}{what} - Bedrag in euro's per einde vorig boekjaar"),
                var: Var::Amount(i, c, true),
            });
        }
    }
    for (i, (sector, name)) in n.sector.iter().enumerate() {
        mapped.push(Column {
            name: name.clone(),
            label: format!("Welke soorten zorg levert u onder de WTZa? - {sector}"),
            var: Var::Flag(i),
        });
    }
    let total = layout.variabelen.max(mapped.len());
    let fillers = total - mapped.len();
    // Spread the mapped variables evenly, so that they land on several sheets.
    let step = (fillers / mapped.len().max(1)).max(1);
    let mut out = Vec::with_capacity(total);
    let mut f = 0;
    for m in mapped {
        for _ in 0..step.min(fillers - f) {
            out.push(filler(f));
            f += 1;
        }
        out.push(m);
    }
    while f < fillers {
        out.push(filler(f));
        f += 1;
    }
    out
}

fn filler(i: usize) -> Column {
    Column {
        name: format!("qVraag{i:05}_0"),
        label: format!("Vraag {i} van de vragenlijst"),
        var: Var::Filler(i),
    }
}

/// The previous-year twin of a variable: `_0` becomes `_1` (`qTotaalBaten_0Cons` →
/// `qTotaalBaten_1Cons`); other names get a `_1` suffix.
fn previous_year(name: &str) -> String {
    if let Some(stem) = name.strip_suffix("_0") {
        format!("{stem}_1")
    } else if let Some(stem) = name.strip_suffix("_0Cons") {
        format!("{stem}_1Cons")
    } else {
        format!("{name}_1")
    }
}

/// Writes `providers` as one or more parts: `STEM.ods`, or `STEM-part-N.ods` when split,
/// or `STEM.zip` holding them. `create` opens each file by name (the caller decides where
/// files go); returns the names written.
pub fn write<W: Write + Seek>(
    stem: &str,
    providers: &[Aanbieder],
    layout: &Layout,
    mut create: impl FnMut(&str) -> std::io::Result<W>,
) -> Result<Vec<String>> {
    let parts = layout.parts.max(1);
    let size = providers.len().div_ceil(parts).max(1);
    let chunks: Vec<&[Aanbieder]> = if providers.is_empty() {
        vec![providers]
    } else {
        providers.chunks(size).collect()
    };
    let name = |i: usize| {
        if chunks.len() == 1 {
            format!("{stem}.ods")
        } else {
            format!("{stem}-part-{}.ods", i + 1)
        }
    };
    let open = |create: &mut dyn FnMut(&str) -> std::io::Result<W>, name: &str| {
        create(name).with_context(|| format!("cannot create {name}"))
    };
    if layout.zipped {
        let outer = format!("{stem}.zip");
        let mut zip = ZipWriter::new(open(&mut create, &outer)?);
        for (i, chunk) in chunks.iter().enumerate() {
            let mut ods = Cursor::new(Vec::new());
            write_part(&mut ods, chunk, layout)?;
            zip.start_file(name(i), options(layout))?;
            zip.write_all(ods.get_ref())?;
        }
        zip.finish()?.flush()?;
        return Ok(vec![outer]);
    }
    let mut written = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        let mut out = open(&mut create, &name(i))?;
        write_part(&mut out, chunk, layout)?;
        out.flush()?;
        written.push(name(i));
    }
    Ok(written)
}

fn options(layout: &Layout) -> SimpleFileOptions {
    SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .compression_level(layout.level)
        .large_file(true)
}

/// Writes one `.ods` part to `out`; returns the size of its `content.xml`.
pub fn write_part<W: Write + Seek>(
    out: W,
    providers: &[Aanbieder],
    layout: &Layout,
) -> Result<u64> {
    let mut zip = ZipWriter::new(out);
    // The mimetype comes first and uncompressed, so that the file identifies itself.
    zip.start_file(
        "mimetype",
        SimpleFileOptions::default().compression_method(CompressionMethod::Stored),
    )?;
    zip.write_all(b"application/vnd.oasis.opendocument.spreadsheet")?;
    zip.start_file("META-INF/manifest.xml", options(layout))?;
    zip.write_all(MANIFEST.as_bytes())?;
    zip.start_file("content.xml", options(layout))?;
    let columns = plan(layout);
    let mut counted = Counted {
        inner: BufWriter::with_capacity(1 << 20, &mut zip),
        bytes: 0,
    };
    content(&mut counted, providers, layout, &columns)?;
    counted.flush()?;
    let bytes = counted.bytes;
    drop(counted);
    zip.finish()?;
    Ok(bytes)
}

struct Counted<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counted<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

const MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

const HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:calcext="urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0" office:version="1.3"><office:body><office:spreadsheet>"#;

const TAIL: &str = "</office:spreadsheet></office:body></office:document-content>\n";

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Dutch display text of an amount: thousands dots and a decimal comma.
fn dutch(d: Decimal) -> String {
    let s = d.abs().to_string();
    let (whole, fraction) = s.split_once('.').unwrap_or((&s, ""));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push(',');
        out.push_str(fraction);
    }
    if d.is_sign_negative() && !d.is_zero() {
        format!("-{out}")
    } else {
        out
    }
}

fn string_cell(w: &mut impl Write, paragraphs: &[&str]) -> std::io::Result<()> {
    write!(
        w,
        r#"<table:table-cell office:value-type="string" calcext:value-type="string">"#
    )?;
    for p in paragraphs {
        write!(w, "<text:p>{}</text:p>", escape(p))?;
    }
    write!(w, "</table:table-cell>")
}

fn number_cell(w: &mut impl Write, d: Decimal) -> std::io::Result<()> {
    write!(
        w,
        r#"<table:table-cell office:value-type="float" office:value="{d}" calcext:value-type="float"><text:p>{}</text:p></table:table-cell>"#,
        dutch(d)
    )
}

fn empty_cells(w: &mut impl Write, n: usize) -> std::io::Result<()> {
    match n {
        0 => Ok(()),
        1 => write!(w, "<table:table-cell/>"),
        n => write!(
            w,
            r#"<table:table-cell table:number-columns-repeated="{n}"/>"#
        ),
    }
}

fn sheet_start(w: &mut impl Write, name: &str) -> std::io::Result<()> {
    write!(
        w,
        r#"<table:table table:name="{name}"><table:table-column table:number-columns-repeated="{MAX_COLUMNS}"/>"#
    )
}

/// The padding rows down to the sheet's last row, and the sheet's end.
fn sheet_end(w: &mut impl Write, rows: u64) -> std::io::Result<()> {
    write!(
        w,
        r#"<table:table-row table:number-rows-repeated="{}"><table:table-cell table:number-columns-repeated="{MAX_COLUMNS}"/></table:table-row></table:table>"#,
        MAX_ROWS - rows
    )
}

/// A fast deterministic hash of a provider and a variable, for the unrelated cells.
fn mix(seed: u64, a: u64, b: u64) -> u64 {
    let mut z =
        seed ^ a.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ b.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// `ja`/`nee` in the mixed case the real files show.
fn flag(value: bool, variant: u64) -> &'static str {
    match (value, variant % 3) {
        (true, 0) => "ja",
        (true, 1) => "Ja",
        (true, _) => "JA",
        (false, 0) => "nee",
        (false, 1) => "Nee",
        (false, _) => "NEE",
    }
}

fn content(
    w: &mut impl Write,
    providers: &[Aanbieder],
    layout: &Layout,
    columns: &[Column],
) -> Result<()> {
    w.write_all(HEAD.as_bytes())?;
    // The dictionary: one line per variable, one-line headers.
    sheet_start(w, "VariableDefinition")?;
    let heads = [
        "Order",
        "VariableName",
        "VariableLabel",
        "DataType",
        "Format",
        "ValueLabelKey",
        "ValueLabelValue",
    ];
    write!(w, "<table:table-row>")?;
    for h in heads {
        string_cell(w, &[h])?;
    }
    empty_cells(w, MAX_COLUMNS - heads.len())?;
    write!(w, "</table:table-row>")?;
    let mut rows = 1;
    for (i, c) in columns.iter().enumerate() {
        let (kind, format) = match c.var {
            Var::Amount(..) => ("Numeric", "F15.2"),
            Var::Flag(_) => ("String", "A3"),
            _ => ("String", "A255"),
        };
        write!(w, "<table:table-row>")?;
        number_cell(w, Decimal::from(i + 1))?;
        string_cell(w, &[&c.name])?;
        string_cell(w, &[&c.label])?;
        string_cell(w, &[kind])?;
        string_cell(w, &[format])?;
        empty_cells(w, MAX_COLUMNS - 5)?;
        write!(w, "</table:table-row>")?;
        rows += 1;
    }
    sheet_end(w, rows)?;

    let key_cell: &[&str] = match layout.key {
        KeyHeader::CodeConcernCode => &["Code", "ConcernCode"],
        KeyHeader::ConcernCodeCode => &["ConcernCode", "Code"],
        KeyHeader::Code => &["Code"],
        KeyHeader::ConcernCode => &["ConcernCode"],
    };
    for (s, sheet) in columns.chunks(SHEET_COLUMNS - 1).enumerate() {
        sheet_start(w, &format!("RowData_{:02}", s + 1))?;
        write!(w, "<table:table-row>")?;
        string_cell(w, key_cell)?;
        for c in sheet {
            if layout.one_line_headers {
                string_cell(w, &[&c.name])?;
            } else {
                string_cell(w, &[&c.label, &c.name])?;
            }
        }
        empty_cells(w, MAX_COLUMNS - 1 - sheet.len())?;
        write!(w, "</table:table-row>")?;
        let offset = s * (SHEET_COLUMNS - 1);
        for (p, provider) in providers.iter().enumerate() {
            write!(w, "<table:table-row>")?;
            string_cell(w, &[&provider.code()])?;
            row(w, provider, p as u64, layout, sheet, offset)?;
            write!(w, "</table:table-row>")?;
        }
        sheet_end(w, 1 + providers.len() as u64)?;
    }
    w.write_all(TAIL.as_bytes())?;
    Ok(())
}

/// A cell to write.
enum Out<'a> {
    Number(Decimal),
    /// A number spanning two columns; a covered cell follows.
    Spanned(Decimal),
    Text(&'a str),
}

fn row(
    w: &mut impl Write,
    provider: &Aanbieder,
    p: u64,
    layout: &Layout,
    sheet: &[Column],
    offset: usize,
) -> std::io::Result<()> {
    let mut empty = 0;
    let mut covered = false;
    let code_kvk = provider.kvk.bytes().all(|b| b.is_ascii_digit()) && p.is_multiple_of(3);
    for (j, c) in sheet.iter().enumerate() {
        if covered {
            // The cell under the previous one's span: a covered cell, which still counts.
            write!(w, "<table:covered-table-cell/>")?;
            covered = false;
            continue;
        }
        let h = mix(layout.seed, p, (offset + j) as u64);
        let amount = |i: usize, cons: bool| {
            let column = &layout.namen.bedragen[i].0;
            let figures = match (&provider.geconsolideerd, cons) {
                (Some(g), true) => g,
                _ => &provider.enkelvoudig,
            };
            figures.get(column)
        };
        let value = match &c.var {
            // Some files hold the KvK as a number, which drops its leading zeros.
            Var::Kvk if code_kvk => Some(Out::Number(provider.kvk.parse().expect("digits"))),
            Var::Kvk => Some(Out::Text(&provider.kvk)),
            Var::Naam => Some(Out::Text(&provider.naam)),
            Var::Amount(i, cons, false) => amount(*i, *cons).map(Out::Number),
            // Last year's figure: a different amount the reader must not take.
            Var::Amount(i, cons, true) => {
                amount(*i, *cons).map(|d| Out::Number((d * Decimal::new(93, 2)).round_dp(2)))
            }
            Var::Flag(i) => {
                let on = provider.sectoren.contains(&layout.namen.sector[*i].0);
                Some(Out::Text(flag(on, h)))
            }
            Var::Filler(_) if h % 100 >= u64::from(layout.gevuld) => None,
            Var::Filler(_) => match (h >> 16) % 4 {
                0 | 1 => {
                    let d =
                        Decimal::new(((h >> 24) % 100_000_000) as i64, 2 * ((h >> 20) % 2) as u32);
                    let spans = j + 1 < sheet.len()
                        && matches!(sheet[j + 1].var, Var::Filler(_))
                        && (h >> 8).is_multiple_of(50);
                    Some(if spans {
                        Out::Spanned(d)
                    } else {
                        Out::Number(d)
                    })
                }
                2 => Some(Out::Text(flag((h >> 30).is_multiple_of(2), h >> 32))),
                _ => Some(Out::Text("29-07-2024")),
            },
        };
        let Some(value) = value else {
            empty += 1;
            continue;
        };
        empty_cells(w, std::mem::take(&mut empty))?;
        match value {
            Out::Number(d) => number_cell(w, d)?,
            Out::Text(t) => string_cell(w, &[t])?,
            Out::Spanned(d) => {
                covered = true;
                write!(
                    w,
                    r#"<table:table-cell table:number-columns-spanned="2" office:value-type="float" office:value="{d}" calcext:value-type="float"><text:p>{}</text:p></table:table-cell>"#,
                    dutch(d)
                )?;
            }
        }
    }
    // Trailing empty cells merge into the padding to 16,384 columns.
    empty_cells(w, empty + MAX_COLUMNS - 1 - sheet.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::digimv::{self, map::REQUIRED, Part, VariableMap};
    use std::fs::File;
    use std::path::{Path, PathBuf};
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("richttarief-digimv-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    /// The 2023 map, with names set for the columns no source names (a user's names are
    /// full names, so a consolidated run names the `…Cons` ones).
    fn map(cons: bool) -> VariableMap {
        let mut map = VariableMap::shipped(2023).unwrap();
        let suffix = if cons { "Cons" } else { "" };
        for (column, name) in [
            ("bedrijfslasten", "qTotaalLasten_0"),
            ("financiele_baten", "qFinancieleBaten_0"),
            ("financiele_lasten", "qFinancieleLasten_0"),
        ] {
            map.set_variable(column, &format!("{name}{suffix}"))
                .unwrap();
        }
        map
    }

    fn resolved(cons: bool) -> digimv::Resolved {
        map(cons).resolve(cons, REQUIRED).unwrap()
    }

    /// The names to write under: what the maps resolve to, entity and consolidated.
    fn namen() -> Namen {
        let (entity, cons) = (resolved(false), resolved(true));
        let name =
            |r: &digimv::Resolved, c: &str| r.columns.iter().find(|x| x.0 == c).unwrap().1.clone();
        Namen {
            kvk: name(&entity, "kvk"),
            naam: name(&entity, "naam"),
            bedragen: entity
                .columns
                .iter()
                .filter(|c| !matches!(c.0, "kvk" | "naam"))
                .map(|c| (c.0.to_string(), c.1.clone(), name(&cons, c.0)))
                .collect(),
            sector: entity
                .sector
                .iter()
                .map(|(s, n)| (s.to_string(), n.clone()))
                .collect(),
        }
    }

    fn cijfers(b: &str, w: &str, l: &str, fb: &str, fl: &str) -> Cijfers {
        Cijfers {
            bedrijfsopbrengsten: Some(d(b)),
            opbrengsten_wlz: Some(d(w)),
            bedrijfslasten: Some(d(l)),
            financiele_baten: Some(d(fb)),
            financiele_lasten: Some(d(fl)),
            resultaat: None,
        }
    }

    fn providers() -> Vec<Aanbieder> {
        vec![
            Aanbieder {
                kvk: "01087507".into(),
                naam: "Thuiszorg Slippens B.V.".into(),
                enkelvoudig: cijfers("1416890", "76010", "1237382", "367", "3230"),
                geconsolideerd: None,
                sectoren: vec!["VV".into()],
            },
            Aanbieder {
                kvk: "01140134".into(),
                naam: "Oranjeborg B.V. (enkelvoudig)".into(),
                enkelvoudig: cijfers("8593970", "6350175", "8796910", "10", "25678"),
                // A group whose consolidated figures differ from the entity's.
                geconsolideerd: Some(cijfers(
                    "12000000.50",
                    "9000000",
                    "11500000.25",
                    "1200",
                    "30000",
                )),
                sectoren: vec!["VV".into(), "GZ".into()],
            },
            Aanbieder {
                kvk: "01115439".into(),
                naam: "VOF Zorgboerderij \"It Wolwêzen\" & co <test>".into(),
                enkelvoudig: cijfers("1072765", "0", "901050", "0", "26803"),
                geconsolideerd: None,
                sectoren: vec!["GZ".into()],
            },
            Aanbieder {
                kvk: "01157045".into(),
                naam: "Wijkzorg Comfort B.V.".into(),
                enkelvoudig: cijfers("3521165", "742647", "3778585", "-617", "1352"),
                geconsolideerd: None,
                sectoren: vec![],
            },
            // A micro filer: no figures at all.
            Aanbieder {
                kvk: "01107522".into(),
                naam: "Zorgboerderij Berne Wille V.O.F.".into(),
                enkelvoudig: Cijfers::default(),
                geconsolideerd: None,
                sectoren: vec!["GZ".into()],
            },
        ]
    }

    /// Writes into `dir`; returns the paths.
    fn write(
        dir: &Path,
        stem: &str,
        providers: &[Aanbieder],
        layout: &Layout,
    ) -> Result<Vec<PathBuf>> {
        let names = super::write(stem, providers, layout, |n| File::create(dir.join(n)))?;
        Ok(names.iter().map(|n| dir.join(n)).collect())
    }

    fn parts(paths: &[PathBuf]) -> Vec<Part> {
        paths
            .iter()
            .map(|p| Part {
                path: p.clone(),
                shown: p.file_name().unwrap().to_string_lossy().into_owned(),
            })
            .collect()
    }

    #[test]
    fn dutch_display_text() {
        assert_eq!(dutch(d("1234567.5")), "1.234.567,5");
        assert_eq!(dutch(d("-617")), "-617");
        assert_eq!(dutch(d("100")), "100");
        assert_eq!(dutch(d("0")), "0");
    }

    #[test]
    fn written_then_read_gives_back_exactly_the_figures() {
        let providers = providers();
        for (case, (parts_n, zipped, key, one_line)) in [
            (1, false, KeyHeader::CodeConcernCode, false),
            (2, true, KeyHeader::ConcernCodeCode, false),
            (3, false, KeyHeader::Code, true),
        ]
        .into_iter()
        .enumerate()
        {
            let dir = dir(&format!("roundtrip{case}"));
            let mut layout = Layout::new(namen());
            layout.parts = parts_n;
            layout.zipped = zipped;
            layout.key = key;
            layout.one_line_headers = one_line;
            let files = write(&dir, "digimv", &providers, &layout).unwrap();
            for geconsolideerd in [false, true] {
                let resolved = resolved(geconsolideerd);
                let got = digimv::extract(&parts(&files), &resolved, &[]).unwrap();
                // The micro filer is excluded for its empty revenue, never read as 0.
                assert_eq!(got.excluded.len(), 1, "case {case}");
                let e = &got.excluded[0];
                assert_eq!(e.kvk.as_deref(), Some("01107522"));
                assert!(
                    e.reden.starts_with("ontbrekend in DigiMV: qTotaalBaten_0"),
                    "{}",
                    e.reden
                );
                assert!(e.bron[0].sheet.starts_with("RowData_"), "{:?}", e.bron);
                assert_eq!(got.by_kvk.len(), 4, "case {case}");
                for p in providers
                    .iter()
                    .filter(|p| p.enkelvoudig.bedrijfslasten.is_some())
                {
                    let a = &got.by_kvk[&p.kvk].accounts;
                    let want = match (&p.geconsolideerd, geconsolideerd) {
                        (Some(g), true) => g,
                        _ => &p.enkelvoudig,
                    };
                    assert_eq!(a.kvk.to_string(), p.kvk);
                    assert_eq!(a.naam, p.naam);
                    assert_eq!(a.boekjaar, 2023);
                    assert_eq!(Some(a.bedrijfsopbrengsten), want.bedrijfsopbrengsten);
                    assert_eq!(a.opbrengsten_wlz, want.opbrengsten_wlz);
                    assert_eq!(Some(a.bedrijfslasten), want.bedrijfslasten);
                    assert_eq!(Some(a.financiele_baten), want.financiele_baten);
                    assert_eq!(Some(a.financiele_lasten), want.financiele_lasten);
                    assert_eq!(a.resultaat, None);
                    let sector = match p.sectoren.as_slice() {
                        [one] => Some(one.clone()),
                        _ => None,
                    };
                    assert_eq!(a.sector.map(|s| s.to_string()), sector);
                }
                // Oranjeborg ticked two sectors: no sector from the flags, and it says so.
                assert_eq!(
                    got.by_kvk["01140134"].sector,
                    digimv::SectorChoice::Meerdere(vec!["VV".into(), "GZ".into()])
                );
            }
            let _ = std::fs::remove_dir_all(&dir);
        }
    }

    #[test]
    fn a_variable_not_in_any_header_is_named_with_the_files() {
        let dir = dir("notfound");
        let files = write(&dir, "digimv", &providers(), &Layout::new(namen())).unwrap();
        let mut map = map(false);
        map.set_variable("bedrijfslasten", "qTotaalLastn_0")
            .unwrap();
        let resolved = map.resolve(false, REQUIRED).unwrap();
        let e = digimv::extract(&parts(&files), &resolved, &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not found in the header of any sheet of digimv.ods: qTotaalLastn_0 (bedrijfslasten)"),
            "{e}"
        );
        assert!(e.contains("digimv variabelen FILE --zoek REGEX"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn parts_that_repeat_an_organisation_must_agree() {
        let dir = dir("parts");
        let layout = Layout::new(namen());
        let all = providers();
        // Part 2 repeats Slippens identically: merged.
        let mut a = File::create(dir.join("a.ods")).unwrap();
        write_part(&mut a, &all[..2], &layout).unwrap();
        let mut b = File::create(dir.join("b.ods")).unwrap();
        write_part(&mut b, &all[..1], &layout).unwrap();
        let files = [dir.join("a.ods"), dir.join("b.ods")];
        let resolved = resolved(false);
        let got = digimv::extract(&parts(&files), &resolved, &[]).unwrap();
        assert_eq!(got.by_kvk.len(), 2);
        // Part 3 repeats it with other revenue: an error naming both parts, cells and values.
        let mut changed = all[0].clone();
        changed.enkelvoudig.bedrijfsopbrengsten = Some(d("1416891"));
        let mut c = File::create(dir.join("c.ods")).unwrap();
        write_part(&mut c, &[changed], &layout).unwrap();
        let files = [dir.join("a.ods"), dir.join("c.ods")];
        let e = digimv::extract(&parts(&files), &resolved, &[])
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("1 value of an organisation differ"), "{e}");
        assert!(
            e.contains("Code 901087507, qTotaalBaten_0: 1416890 at a.ods, RowData_"),
            "{e}"
        );
        assert!(e.contains("but 1416891 at c.ods, RowData_"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_value_of_the_wrong_kind_names_file_sheet_cell_variable_and_value() {
        let dir = dir("kind");
        let files = write(&dir, "digimv", &providers()[..1], &Layout::new(namen())).unwrap();
        // Read the VV flag as the revenue: "ja" (in some case) is no number.
        let mut map = map(false);
        map.sector.remove(&crate::model::Sector::Vv);
        map.set_variable("bedrijfsopbrengsten", "qTypeWTZaZorg_13")
            .unwrap();
        let resolved = map.resolve(false, REQUIRED).unwrap();
        let e = digimv::extract(&parts(&files), &resolved, &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("1 invalid value in digimv.ods: sheet \"RowData_"),
            "{e}"
        );
        let ja = ["\"ja\"", "\"Ja\"", "\"JA\""];
        assert!(
            ja.iter().any(|j| e.ends_with(&format!(
                "variable qTypeWTZaZorg_13 (bedrijfsopbrengsten): not a number: {j}"
            ))),
            "{e}"
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_truncated_archive_says_so() {
        let dir = dir("truncated");
        let files = write(&dir, "digimv", &providers(), &Layout::new(namen())).unwrap();
        let bytes = std::fs::read(&files[0]).unwrap();
        std::fs::write(&files[0], &bytes[..bytes.len() * 2 / 3]).unwrap();
        let resolved = resolved(false);
        let e = digimv::extract(&parts(&files), &resolved, &[])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("digimv.ods is not a complete zip archive"),
            "{e}"
        );
        assert!(e.contains("download it again"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// A zip archive of `entries` whose data are Deflate streams of stored blocks labelled
    /// Deflate64 (method 9): such a stream is also a valid Deflate64 stream, and no writer
    /// at hand compresses with Deflate64 itself.
    fn deflate64_zip(entries: &[(String, Vec<u8>)]) -> Vec<u8> {
        use flate2::{write::DeflateEncoder, Compression, Crc};
        let mut out = Vec::new();
        let mut central = Vec::new();
        for (name, data) in entries {
            let mut e = DeflateEncoder::new(Vec::new(), Compression::none());
            e.write_all(data).unwrap();
            let packed = e.finish().unwrap();
            let mut crc = Crc::new();
            crc.update(data);
            let offset = out.len() as u32;
            let fields = |h: &mut Vec<u8>| {
                h.extend_from_slice(&20u16.to_le_bytes()); // version needed
                h.extend_from_slice(&0u16.to_le_bytes()); // flags
                h.extend_from_slice(&9u16.to_le_bytes()); // method: Deflate64
                h.extend_from_slice(&[0; 4]); // time, date
                h.extend_from_slice(&crc.sum().to_le_bytes());
                h.extend_from_slice(&(packed.len() as u32).to_le_bytes());
                h.extend_from_slice(&(data.len() as u32).to_le_bytes());
                h.extend_from_slice(&(name.len() as u16).to_le_bytes());
                h.extend_from_slice(&0u16.to_le_bytes()); // extra
            };
            out.extend_from_slice(b"PK\x03\x04");
            fields(&mut out);
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(&packed);
            central.extend_from_slice(b"PK\x01\x02");
            central.extend_from_slice(&20u16.to_le_bytes()); // version made by
            fields(&mut central);
            central.extend_from_slice(&[0; 6]); // comment, disk, internal attributes
            central.extend_from_slice(&[0; 4]); // external attributes
            central.extend_from_slice(&offset.to_le_bytes());
            central.extend_from_slice(name.as_bytes());
        }
        let at = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&[0; 4]);
        let n = (entries.len() as u16).to_le_bytes();
        out.extend_from_slice(&n);
        out.extend_from_slice(&n);
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&at.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    /// Deflate64 (the 2019 release) is read.
    #[test]
    fn a_deflate64_archive_is_read() {
        use std::io::Read;
        let dir = dir("deflate64");
        let mut ods = Cursor::new(Vec::new());
        write_part(&mut ods, &providers(), &Layout::new(namen())).unwrap();
        let mut zip = zip::ZipArchive::new(ods).unwrap();
        let mut content = Vec::new();
        zip.by_name("content.xml")
            .unwrap()
            .read_to_end(&mut content)
            .unwrap();
        let path = dir.join("digimv2019.ods");
        let bytes = deflate64_zip(&[("content.xml".into(), content)]);
        let mut check = zip::ZipArchive::new(Cursor::new(bytes.clone())).unwrap();
        assert_eq!(
            check.by_index(0).unwrap().compression(),
            CompressionMethod::Deflate64
        );
        std::fs::write(&path, bytes).unwrap();
        let got = digimv::extract(&parts(&[path]), &resolved(false), &[]).unwrap();
        assert_eq!(
            got.by_kvk["01087507"].accounts.bedrijfsopbrengsten,
            d("1416890")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// The real 2019 figures of the fixture (hand-checked there), written in the old
    /// format's shape (one-line headers, `ConcernCode`) and read back: every figure, the
    /// zeros of the care farms kept as 0, and the resultaat equal to B − L + FB − FL as
    /// the fixture's README works it out.
    #[test]
    fn the_real_2019_figures_come_back_exactly() {
        let text = include_str!("../../tests/fixtures/digimv/2019-winst-en-verlies.csv");
        let mut rows = csv::Reader::from_reader(text.as_bytes());
        let money = |r: &csv::StringRecord, i: usize| Some(d(&r[i]));
        let fixture: Vec<(Aanbieder, Decimal)> = rows
            .records()
            .map(|r| {
                let r = r.unwrap();
                let cijfers = Cijfers {
                    bedrijfsopbrengsten: money(&r, 3),
                    opbrengsten_wlz: money(&r, 4),
                    bedrijfslasten: money(&r, 5),
                    financiele_baten: money(&r, 6),
                    financiele_lasten: money(&r, 7),
                    resultaat: money(&r, 8),
                };
                let p = Aanbieder {
                    kvk: r[0].to_string(),
                    naam: r[1].to_string(),
                    enkelvoudig: cijfers,
                    geconsolideerd: None,
                    sectoren: vec![],
                };
                (p, d(&r[8]))
            })
            .collect();
        assert_eq!(fixture.len(), 5);
        let map2019 = |cons: bool| {
            let text = include_str!("../../data/digimv/2023.toml")
                .replace("boekjaar = 2023", "boekjaar = 2019");
            let mut m = VariableMap::parse(&text, "2019 map").unwrap();
            m.opgegeven = map(cons).opgegeven;
            m
        };
        let dir = dir("fixture2019");
        let mut layout = Layout::new(namen());
        layout.one_line_headers = true;
        layout.key = KeyHeader::ConcernCode;
        let providers: Vec<Aanbieder> = fixture.iter().map(|(p, _)| p.clone()).collect();
        let files = write(&dir, "DigiMV2019", &providers, &layout).unwrap();
        let resolved = map2019(false).resolve(false, REQUIRED).unwrap();
        let got = digimv::extract(&parts(&files), &resolved, &["opbrengsten_wlz"]).unwrap();
        assert!(got.excluded.is_empty(), "{:?}", got.excluded);
        for (p, resultaat) in &fixture {
            let a = &got.by_kvk[&p.kvk].accounts;
            let e = &p.enkelvoudig;
            assert_eq!(a.boekjaar, 2019);
            assert_eq!(a.naam, p.naam);
            assert_eq!(Some(a.bedrijfsopbrengsten), e.bedrijfsopbrengsten);
            assert_eq!(a.opbrengsten_wlz, e.opbrengsten_wlz);
            assert_eq!(Some(a.bedrijfslasten), e.bedrijfslasten);
            assert_eq!(Some(a.financiele_baten), e.financiele_baten);
            assert_eq!(Some(a.financiele_lasten), e.financiele_lasten);
            assert_eq!(a.resultaat, Some(*resultaat));
            assert_eq!(
                a.bedrijfsopbrengsten - a.bedrijfslasten + a.financiele_baten - a.financiele_lasten,
                *resultaat
            );
        }
        // Two care farms without Wlz revenue: 0, not missing.
        assert_eq!(
            got.by_kvk["01107522"].accounts.opbrengsten_wlz,
            Some(Decimal::ZERO)
        );
        assert_eq!(got.by_kvk["01157045"].accounts.financiele_baten, d("-617"));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
