//! A pull parser for an OpenDocument spreadsheet's `content.xml` that keeps only the cells a
//! caller asks for: the header row of every sheet, and then per data row the cells of the
//! columns the caller chose from that header. Memory stays bounded by those cells, whatever
//! the size of the document (a DigiMV part's content.xml is about 1.5 GB unpacked).
//!
//! Repeated cells (`table:number-columns-repeated`, which pads every row to 16,384 columns)
//! advance the column count without ever being materialised; covered cells count as cells;
//! annotations are not cell text. Element names are matched with the prefixes every
//! OpenDocument writer uses (`table:`, `office:`, `text:`). This module knows nothing of
//! variables, keys or figures.

use std::io::BufRead;

use anyhow::{anyhow, bail, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// A cell as written: its machine value, when it has one, and its display text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawCell {
    /// `office:value` of a number, currency or percentage cell (a decimal point, maybe an
    /// exponent), or `office:boolean-value`.
    pub number: Option<String>,
    /// The paragraphs of the cell, joined with a newline; `office:string-value` when the
    /// cell has no paragraphs.
    pub text: String,
}

impl RawCell {
    pub(crate) fn is_empty(&self) -> bool {
        self.number.is_none() && self.text.trim().is_empty()
    }
}

/// What the parser reports, sheet by sheet.
pub(crate) trait Visitor {
    /// A sheet begins.
    fn sheet(&mut self, name: &str) -> Result<()>;
    /// The sheet's first row: every non-empty cell, by 0-based column. Returns the columns
    /// whose cells the data rows should report, in ascending order.
    fn header(&mut self, cells: &[(usize, RawCell)]) -> Result<Vec<usize>>;
    /// A data row with at least one kept cell that is not empty: its 1-based number, how
    /// many times the document repeats it, and its kept cells in column order (empty ones
    /// included).
    fn row(&mut self, number: u64, repeated: u64, cells: &[(usize, RawCell)]) -> Result<()>;
}

/// The widest sheet an OpenDocument spreadsheet has; a header cell repeated further is
/// not read as more columns.
const MAX_COLUMNS: usize = 16_384;

struct Capture {
    first: usize,
    repeat: usize,
    cell: RawCell,
    paragraphs: usize,
}

fn attribute(e: &BytesStart<'_>, key: &str) -> Result<Option<String>> {
    for a in e.attributes() {
        let a = a.map_err(|e| anyhow!("a malformed attribute: {e}"))?;
        if a.key.as_ref() == key {
            let v = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map_err(|e| anyhow!("a malformed attribute value: {e}"))?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

fn count(e: &BytesStart<'_>, key: &str) -> Result<u64> {
    match attribute(e, key)? {
        None => Ok(1),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if n >= 1 => Ok(n),
            _ => bail!("{key} = {v:?} is not a count"),
        },
    }
}

/// Reads `content.xml` from `input`, reporting to `visitor`. Errors say where in the XML
/// (byte offset) the problem is; the caller adds the file.
pub(crate) fn read(input: impl BufRead, visitor: &mut impl Visitor) -> Result<()> {
    let mut reader = Reader::from_reader(input);
    let mut buf = Vec::with_capacity(64 * 1024);
    let mut parser = Parser::default();
    loop {
        let event = reader.read_event_into(&mut buf).map_err(|e| {
            anyhow!(
                "content.xml is not readable XML near byte {}: {e} (a truncated or damaged file? download it again)",
                reader.error_position()
            )
        })?;
        let done = matches!(event, Event::Eof);
        parser
            .event(event, visitor)
            .map_err(|e| anyhow!("content.xml near byte {}: {e}", reader.buffer_position()))?;
        if done {
            break;
        }
        buf.clear();
    }
    if parser.in_row || parser.in_table {
        bail!("content.xml ends inside a sheet (a truncated file? download it again)");
    }
    Ok(())
}

#[derive(Default)]
struct Parser {
    in_table: bool,
    in_row: bool,
    /// The 1-based number of the current row; the next row's number after it ends.
    row: u64,
    row_repeat: u64,
    column: usize,
    /// Columns the data rows keep, ascending.
    wanted: Vec<usize>,
    cells: Vec<(usize, RawCell)>,
    capture: Option<Capture>,
    /// Depth inside `office:annotation` (comments are not cell text).
    annotation: usize,
    /// Depth inside `text:p`/`text:h`.
    paragraph: usize,
    seen_body: bool,
}

impl Parser {
    fn is_header(&self) -> bool {
        self.row == 1
    }

    fn start_cell(&mut self, e: &BytesStart<'_>) -> Result<()> {
        let repeat = count(e, "table:number-columns-repeated")?;
        let repeat = usize::try_from(repeat).unwrap_or(usize::MAX).min(1 << 40);
        let first = self.column;
        self.column = self.column.saturating_add(repeat);
        let keep = if self.is_header() {
            first < MAX_COLUMNS
        } else {
            let at = self.wanted.partition_point(|&c| c < first);
            self.wanted.get(at).is_some_and(|&c| c < self.column)
        };
        self.capture = None;
        if !keep {
            return Ok(());
        }
        let value_type = attribute(e, "office:value-type")?;
        let number = match value_type.as_deref() {
            Some("float" | "currency" | "percentage") => attribute(e, "office:value")?,
            Some("boolean") => attribute(e, "office:boolean-value")?,
            _ => None,
        };
        let text = match value_type.as_deref() {
            Some("string") => attribute(e, "office:string-value")?.unwrap_or_default(),
            _ => String::new(),
        };
        self.capture = Some(Capture {
            first,
            repeat,
            cell: RawCell { number, text },
            paragraphs: 0,
        });
        Ok(())
    }

    fn end_cell(&mut self) {
        let Some(c) = self.capture.take() else {
            return;
        };
        let end = c.first.saturating_add(c.repeat);
        if self.is_header() {
            if c.cell.is_empty() {
                return;
            }
            for column in c.first..end.min(MAX_COLUMNS) {
                self.cells.push((column, c.cell.clone()));
            }
        } else {
            let at = self.wanted.partition_point(|&w| w < c.first);
            for &column in self.wanted[at..].iter().take_while(|&&w| w < end) {
                self.cells.push((column, c.cell.clone()));
            }
        }
    }

    fn text(&mut self, t: &str) {
        if self.annotation > 0 || self.paragraph == 0 {
            return;
        }
        if let Some(c) = &mut self.capture {
            c.cell.text.push_str(t);
        }
    }

    fn start_paragraph(&mut self) {
        if self.annotation > 0 {
            return;
        }
        if let Some(c) = &mut self.capture {
            // The string-value attribute gives way to the paragraphs when both exist.
            if c.paragraphs == 0 {
                c.cell.text.clear();
            } else {
                c.cell.text.push('\n');
            }
            c.paragraphs += 1;
        }
    }

    fn start_row(&mut self, e: &BytesStart<'_>) -> Result<()> {
        if !self.in_table {
            bail!("a row outside a sheet");
        }
        self.in_row = true;
        self.row_repeat = count(e, "table:number-rows-repeated")?;
        self.column = 0;
        self.cells.clear();
        Ok(())
    }

    fn end_row(&mut self, visitor: &mut impl Visitor) -> Result<()> {
        self.in_row = false;
        if self.is_header() {
            self.wanted = visitor.header(&self.cells)?;
            debug_assert!(self.wanted.windows(2).all(|w| w[0] < w[1]));
        } else if self.cells.iter().any(|(_, c)| !c.is_empty()) {
            // Padding rows (repeated empty cells over the whole width) report nothing.
            visitor.row(self.row, self.row_repeat, &self.cells)?;
        }
        self.cells.clear();
        self.row = self.row.saturating_add(self.row_repeat);
        Ok(())
    }

    fn event(&mut self, event: Event<'_>, visitor: &mut impl Visitor) -> Result<()> {
        match event {
            Event::Start(e) => match e.name().as_ref() {
                "office:body" => self.seen_body = true,
                "table:table" => {
                    let name = attribute(&e, "table:name")?.unwrap_or_default();
                    self.in_table = true;
                    self.row = 1;
                    self.wanted.clear();
                    visitor.sheet(&name)?;
                }
                "table:table-row" => self.start_row(&e)?,
                "table:table-cell" | "table:covered-table-cell" if self.in_row => {
                    self.start_cell(&e)?
                }
                "office:annotation" => self.annotation += 1,
                "text:p" | "text:h" => {
                    self.paragraph += 1;
                    self.start_paragraph();
                }
                _ => {}
            },
            Event::Empty(e) => match e.name().as_ref() {
                "table:table-row" => {
                    self.start_row(&e)?;
                    self.end_row(visitor)?;
                }
                "table:table-cell" | "table:covered-table-cell" if self.in_row => {
                    self.start_cell(&e)?;
                    self.end_cell();
                }
                "text:p" | "text:h" => self.start_paragraph(),
                "text:s" => {
                    let n = count(&e, "text:c")?.min(1024) as usize;
                    self.text(&" ".repeat(n));
                }
                "text:tab" => self.text("\t"),
                "text:line-break" => self.text("\n"),
                "table:table" => {
                    let name = attribute(&e, "table:name")?.unwrap_or_default();
                    visitor.sheet(&name)?;
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                "table:table" => self.in_table = false,
                "table:table-row" => self.end_row(visitor)?,
                "table:table-cell" | "table:covered-table-cell" if self.in_row => self.end_cell(),
                "office:annotation" => self.annotation = self.annotation.saturating_sub(1),
                "text:p" | "text:h" => self.paragraph = self.paragraph.saturating_sub(1),
                _ => {}
            },
            Event::Text(t) if self.capture.is_some() => self.text(&t),
            Event::CData(t) if self.capture.is_some() => self.text(&t.into_inner()),
            Event::GeneralRef(r) if self.capture.is_some() => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    _ => match &*r {
                        "lt" => '<',
                        "gt" => '>',
                        "amp" => '&',
                        "apos" => '\'',
                        "quot" => '"',
                        other => bail!("an unknown entity &{other};"),
                    },
                };
                self.text(c.encode_utf8(&mut [0; 4]));
            }
            Event::Eof if !self.seen_body => {
                bail!("content.xml has no office:body: it is not an OpenDocument spreadsheet")
            }
            _ => {}
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A data row as reported: number, repeat count, kept cells.
    type Reported = (u64, u64, Vec<(usize, RawCell)>);

    /// Records what the parser reports; keeps the columns listed in `keep` (or, for a
    /// header, every column whose text starts with "k").
    #[derive(Default)]
    struct Record {
        sheets: Vec<String>,
        headers: Vec<Vec<(usize, RawCell)>>,
        rows: Vec<Reported>,
    }

    impl Visitor for Record {
        fn sheet(&mut self, name: &str) -> Result<()> {
            self.sheets.push(name.into());
            Ok(())
        }
        fn header(&mut self, cells: &[(usize, RawCell)]) -> Result<Vec<usize>> {
            self.headers.push(cells.to_vec());
            Ok(cells
                .iter()
                .filter(|(_, c)| c.text.lines().last().unwrap_or("").starts_with('k'))
                .map(|(i, _)| *i)
                .collect())
        }
        fn row(&mut self, number: u64, repeated: u64, cells: &[(usize, RawCell)]) -> Result<()> {
            self.rows.push((number, repeated, cells.to_vec()));
            Ok(())
        }
    }

    fn doc(tables: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"#
        )
    }

    fn text(t: &str) -> RawCell {
        RawCell {
            number: None,
            text: t.into(),
        }
    }

    #[test]
    fn repeats_padding_covered_cells_and_paragraphs_keep_columns_in_place() {
        // Header: A "Code⏎k1", B empty, C..E three empty (repeated), F covered, G "x⏎k2",
        // then padding to 16,384 columns. k1 is column 0 and k2 column 6 (A + B + 3 + F).
        let xml = doc(concat!(
            r#"<table:table table:name="RowData_01"><table:table-row>"#,
            r#"<table:table-cell office:value-type="string"><text:p>Code</text:p><text:p>k1</text:p></table:table-cell>"#,
            r#"<table:table-cell/><table:table-cell table:number-columns-repeated="3"/>"#,
            r#"<table:covered-table-cell/>"#,
            r#"<table:table-cell office:value-type="string"><text:p>x</text:p><text:p>k2</text:p></table:table-cell>"#,
            r#"<table:table-cell table:number-columns-repeated="16377"/></table:table-row>"#,
            // A data row: k1 is text with an annotation and an escaped ampersand; a
            // repeated cell with content covers columns 2..=6, so k2 gets "nee".
            r#"<table:table-row><table:table-cell office:value-type="string"><office:annotation><text:p>comment</text:p></office:annotation><text:p>A&amp;B<text:s text:c="2"/>C</text:p></table:table-cell>"#,
            r#"<table:table-cell/><table:table-cell table:number-columns-repeated="5" office:value-type="string"><text:p>nee</text:p></table:table-cell>"#,
            r#"<table:table-cell table:number-columns-repeated="16377"/></table:table-row>"#,
            // A number: office:value wins over the Dutch display text.
            r#"<table:table-row><table:table-cell office:value-type="float" office:value="1234567.5"><text:p>1.234.567,50</text:p></table:table-cell></table:table-row>"#,
            // Trailing padding rows are not reported.
            r#"<table:table-row table:number-rows-repeated="1048571"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#,
            r#"</table:table>"#
        ));
        let mut r = Record::default();
        read(xml.as_bytes(), &mut r).unwrap();
        assert_eq!(r.sheets, ["RowData_01"]);
        assert_eq!(
            r.headers[0],
            vec![(0, text("Code\nk1")), (6, text("x\nk2"))]
        );
        assert_eq!(
            r.rows,
            vec![
                (2, 1, vec![(0, text("A&B  C")), (6, text("nee"))]),
                (
                    3,
                    1,
                    vec![(
                        0,
                        RawCell {
                            number: Some("1234567.5".into()),
                            text: "1.234.567,50".into()
                        }
                    )]
                ),
            ]
        );
    }

    #[test]
    fn a_truncated_document_is_an_error() {
        let xml = doc(r#"<table:table table:name="S"><table:table-row><table:table-cell>"#);
        let cut = &xml[..xml.find("</office:spreadsheet>").unwrap()];
        let e = read(cut.as_bytes(), &mut Record::default()).unwrap_err();
        assert!(e.to_string().contains("truncated"), "{e}");
    }
}
