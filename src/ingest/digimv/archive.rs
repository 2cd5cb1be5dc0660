//! Opens the published DigiMV files and hands each workbook's sheets to a visitor: an `.ods`
//! (a zip whose `content.xml` is streamed straight from its entry), a `.zip` holding one or
//! more `.ods` (each read in turn), or an `.xlsx` (through calamine, which holds one sheet at
//! a time: the older exports are small). Deflate64 entries are read.
//!
//! This module only opens and streams; what the cells mean is the visitor's business.

use std::io::{BufReader, Cursor, Read, Seek};
use std::path::Path;

use anyhow::{anyhow, bail, Context, Result};
use calamine::{open_workbook_auto, Data, Reader as _};

use super::ods::{self, RawCell, Visitor};
use crate::ingest::table::open_regular;

/// The largest `.ods` inside a `.zip` that is unpacked into memory to be opened (its
/// compressed size: the published ones are 15 to 24 MB).
const NESTED_LIMIT: u64 = 512 << 20;

/// One workbook of a part, as messages name it.
pub(crate) trait Workbooks {
    /// A workbook begins: `shown` names it in messages (`a.zip (b.ods)` for a nested one).
    fn workbook(&mut self, shown: &str) -> Result<()>;
}

/// Reads the part at `path` (`shown` in messages), calling `visitor` for every workbook in
/// it and then for its sheets and rows.
pub(crate) fn read_part<V: Visitor + Workbooks>(
    path: &Path,
    shown: &str,
    visitor: &mut V,
) -> Result<()> {
    let lower = shown.to_lowercase();
    if lower.ends_with(".xlsx") || lower.ends_with(".xlsm") || lower.ends_with(".xls") {
        open_regular(path, shown)?;
        visitor.workbook(shown)?;
        return read_xlsx(path, shown, visitor);
    }
    let file = open_regular(path, shown)?;
    let mut zip = open_zip(BufReader::new(file), shown)?;
    if zip.index_for_name("content.xml").is_some() {
        visitor.workbook(shown)?;
        return read_ods(&mut zip, shown, visitor);
    }
    let names: Vec<String> = zip
        .file_names()
        .map(|n| n.map(|n| n.into_owned()))
        .collect::<Result<_, _>>()
        .map_err(|e| zip_problem(shown, e))?;
    let mut inner: Vec<String> = names
        .iter()
        .filter(|n| n.to_lowercase().ends_with(".ods"))
        .cloned()
        .collect();
    inner.sort();
    if inner.is_empty() {
        let names: Vec<&str> = names.iter().take(10).map(String::as_str).collect();
        bail!(
            "{shown} holds no .ods workbook and is not one itself (it holds {}); name the DigiMV \
             .ods, .zip or .xlsx file",
            if names.is_empty() {
                "nothing".to_string()
            } else {
                names.join(", ")
            }
        );
    }
    for name in inner {
        let nested = format!("{shown} ({name})");
        let mut entry = zip.by_name(&name).map_err(|e| zip_problem(&nested, e))?;
        if entry.size() > NESTED_LIMIT {
            bail!(
                "{nested} is {} MB packed inside {shown}; unpack the archive and name the .ods \
                 files instead",
                entry.size() >> 20
            );
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut bytes)
            .map_err(|e| read_problem(&nested, e))?;
        drop(entry);
        let mut inner_zip = open_zip(Cursor::new(bytes), &nested)?;
        visitor.workbook(&nested)?;
        read_ods(&mut inner_zip, &nested, visitor)?;
    }
    Ok(())
}

fn open_zip<R: Read + Seek>(reader: R, shown: &str) -> Result<zip::ZipArchive<R>> {
    zip::ZipArchive::new(reader).map_err(|e| {
        anyhow!(
            "{shown} is not a complete zip archive ({e}): an .ods, and the .zip it may come \
             in, are zip files; a truncated download? download it again"
        )
    })
}

fn zip_problem(shown: &str, e: zip::result::ZipError) -> anyhow::Error {
    match e {
        zip::result::ZipError::UnsupportedArchive(what) => anyhow!(
            "{shown} uses something this program cannot unpack ({what}); unpack the archive \
             with `unzip` or 7-Zip first and name the .ods files it holds"
        ),
        other => anyhow!("{shown}: cannot read the archive entry: {other} (a damaged download? download it again)"),
    }
}

fn read_problem(shown: &str, e: std::io::Error) -> anyhow::Error {
    anyhow!(
        "{shown}: cannot unpack: {e} (a truncated or damaged download? download it again; if \
         it persists, unpack the archive with `unzip` and name the .ods files it holds)"
    )
}

fn read_ods<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    shown: &str,
    visitor: &mut impl Visitor,
) -> Result<()> {
    let entry = zip
        .by_name("content.xml")
        .map_err(|e| zip_problem(shown, e))?;
    ods::read(BufReader::with_capacity(256 << 10, entry), visitor)
        .with_context(|| format!("{shown}: cannot read the workbook"))
}

fn read_xlsx(path: &Path, shown: &str, visitor: &mut impl Visitor) -> Result<()> {
    let mut workbook =
        open_workbook_auto(path).map_err(|e| anyhow!("{shown}: cannot open the workbook: {e}"))?;
    for name in workbook.sheet_names() {
        let range = workbook
            .worksheet_range(&name)
            .map_err(|e| anyhow!("{shown}: cannot read sheet {name:?}: {e}"))?;
        visitor.sheet(&name)?;
        let (first_row, first_column) = range.start().unwrap_or((0, 0));
        let (first_row, first_column) = (u64::from(first_row), first_column as usize);
        let mut rows = range.rows();
        // The header is the sheet's first row; a sheet whose data start lower has an empty
        // first row, and so no header.
        let header: Vec<(usize, RawCell)> = match (first_row, rows.next()) {
            (0, Some(cells)) => cells
                .iter()
                .enumerate()
                .map(|(i, d)| (first_column + i, raw(d)))
                .filter(|(_, c)| !c.is_empty())
                .collect(),
            _ => Vec::new(),
        };
        let wanted = visitor.header(&header)?;
        let skip = usize::from(first_row == 0);
        for (i, cells) in range.rows().enumerate().skip(skip) {
            let kept: Vec<(usize, RawCell)> = wanted
                .iter()
                .filter_map(|&c| {
                    let d = cells.get(c.checked_sub(first_column)?)?;
                    Some((c, raw(d)))
                })
                .collect();
            if !kept.is_empty() {
                visitor.row(first_row + i as u64 + 1, 1, &kept)?;
            }
        }
    }
    Ok(())
}

fn raw(d: &Data) -> RawCell {
    let number = |n: String| RawCell {
        number: Some(n),
        text: String::new(),
    };
    match d {
        Data::Empty => RawCell::default(),
        Data::String(s) => RawCell {
            number: None,
            text: s.clone(),
        },
        // Rust writes a float as its shortest round-trip decimal, the text a spreadsheet
        // shows; it becomes exact money once, through that text.
        Data::Float(f) => number(f.to_string()),
        Data::Int(i) => number(i.to_string()),
        Data::Bool(b) => number(b.to_string()),
        other => RawCell {
            number: None,
            text: other.to_string(),
        },
    }
}
