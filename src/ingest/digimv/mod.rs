//! The DigiMV open dataset as published: reads the answers of every reporting care provider
//! from the `.ods` (or `.zip` of `.ods`, or `.xlsx`) files of one boekjaar, in one or more
//! parts, keeping only the key column and the variables asked for.
//!
//! Every column is found by its variable name in a sheet's header (the last non-empty line
//! of the cell, so one-line and two-line headers both work), never by position; rows are
//! joined across sheets and parts on the key (`Code` or `ConcernCode`). A part that repeats
//! an organisation must agree with the other, value for value. Each value keeps where it
//! came from (file, sheet, cell, variable). An empty cell stays empty: it is never read as 0.
//!
//! This module reads and names; which provider the RTP counts is decided later, and the
//! variable map (`map`) says which variables a run asks for.

mod accounts;
mod archive;
/// The variable map is part of the data contract, so it lives with the contract's types;
/// it is named here too, where the dataset is read.
pub use crate::model::digimv as map;
mod ods;

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::PathBuf;

use anyhow::{bail, Result};
use rust_decimal::Decimal;

pub use accounts::{extract, Excluded, Extract, Extracted, SectorChoice};
pub use map::{Kind, Resolved, VariableMap, Zekerheid};
pub use ods::RawCell;

use crate::ingest::table::RowErrors;
use crate::model::number::{parse_decimal, DecimalSign};

/// One file of the dataset as the user named it.
#[derive(Debug, Clone)]
pub struct Part {
    pub path: PathBuf,
    /// The name used in messages.
    pub shown: String,
}

/// A variable to read, and what its cells hold.
#[derive(Debug, Clone, PartialEq)]
pub struct Variable {
    /// The full published name, suffix included (matched case-insensitively).
    pub name: String,
    pub kind: Kind,
    /// What it is read for, in messages ("bedrijfsopbrengsten", "sector VV").
    pub purpose: String,
    /// Whether a dataset without it is an error; an optional variable that no header
    /// carries reads as absent for every organisation.
    pub required: bool,
}

/// A cell of a variable, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// The cell is empty: not filled in, which is not 0.
    Empty,
    Number(Decimal),
    Text(String),
    Flag(bool),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Empty => f.write_str("(empty)"),
            Value::Number(d) => write!(f, "{d}"),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Flag(b) => f.write_str(if *b { "ja" } else { "nee" }),
        }
    }
}

/// Where a value was read: `digimv.ods, RowData_03!K17 (qTotaalBaten_0)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub file: String,
    pub sheet: String,
    /// The cell reference, `K17`.
    pub cell: String,
    pub variable: String,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, {}!{} ({})",
            self.file, self.sheet, self.cell, self.variable
        )
    }
}

/// A variable's value for one organisation, with its origin.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub value: Value,
    pub origin: Origin,
}

/// One reporting organisation: its key and the value of each requested variable
/// (`None` where no part it appears in has the variable's column).
#[derive(Debug, Clone, PartialEq)]
pub struct Organisation {
    pub code: String,
    pub values: Vec<Option<Figure>>,
}

/// A row of the VariableDefinition sheet (or the old format's dictionary).
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    pub name: String,
    pub label: String,
    pub data_type: String,
    pub format: String,
}

/// A variable found in a sheet's header.
#[derive(Debug, Clone, PartialEq)]
pub struct HeaderCell {
    pub file: String,
    pub sheet: String,
    /// The column letters, `K`.
    pub column: String,
    pub name: String,
    /// The header's lines before the name, joined with a space (empty for one-line headers).
    pub label: String,
}

/// What the parts hold of the requested variables.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// Every workbook read, in order (a `.zip` may hold several).
    pub workbooks: Vec<String>,
    pub variables: Vec<Variable>,
    /// By key (`Code`).
    pub organisations: BTreeMap<String, Organisation>,
    pub definitions: Vec<Definition>,
    pub headers: Vec<HeaderCell>,
}

/// Reads `variables` from every part. Errors name the file, sheet, cell, variable and
/// value: a value of the wrong kind, an organisation whose rows differ between parts, a
/// variable that no part's header carries.
pub fn read(parts: &[Part], variables: &[Variable]) -> Result<Dataset> {
    if parts.is_empty() {
        bail!("no DigiMV file named");
    }
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, v) in variables.iter().enumerate() {
        by_name.entry(v.name.to_lowercase()).or_default().push(i);
    }
    let mut dataset = Dataset {
        variables: variables.to_vec(),
        ..Dataset::default()
    };
    let mut located = vec![false; variables.len()];
    let mut conflicts = Vec::new();
    for part in parts {
        let mut reader = PartReader {
            by_name: &by_name,
            dataset: &mut dataset,
            located: &mut located,
            conflicts: &mut conflicts,
            workbook: String::new(),
            errors: None,
            done: Vec::new(),
            here: vec![false; variables.len()],
            sheet: Sheet::default(),
        };
        archive::read_part(&part.path, &part.shown, &mut reader)?;
        reader.finish_workbook()?;
    }
    if !conflicts.is_empty() {
        let n = conflicts.len();
        conflicts.truncate(5);
        bail!(
            "{n} value{} of an organisation differ between the rows that repeat it{}:\n  {}",
            if n == 1 { "" } else { "s" },
            if n > 5 { "; the first 5" } else { "" },
            conflicts.join("\n  ")
        );
    }
    let missing: Vec<String> = variables
        .iter()
        .zip(&located)
        .filter(|(v, l)| v.required && !**l)
        .map(|(v, _)| {
            let defined = dataset
                .definitions
                .iter()
                .find(|d| d.name.eq_ignore_ascii_case(&v.name));
            match defined {
                Some(d) => format!(
                    "{} ({}): VariableDefinition lists it ({:?}), but no sheet's header carries it",
                    v.name, v.purpose, d.label
                ),
                None => format!("{} ({})", v.name, v.purpose),
            }
        })
        .collect();
    if !missing.is_empty() {
        bail!(
            "variable{} not found in the header of any sheet of {}: {}. Names differ by year; \
             find the right one with `richttarief digimv variabelen FILE --zoek REGEX` and set \
             it in [digimv.variabelen]",
            if missing.len() == 1 { "" } else { "s" },
            dataset.workbooks.join(", "),
            missing.join("; ")
        );
    }
    Ok(dataset)
}

/// What the reader knows of the sheet being read.
#[derive(Debug, Default)]
struct Sheet {
    name: String,
    /// The key column, in a data sheet.
    key: Option<usize>,
    /// (column, variable) in column order.
    columns: Vec<(usize, usize)>,
    /// The dictionary's columns: name, label, type, format.
    dictionary: Option<[Option<usize>; 4]>,
}

struct PartReader<'a> {
    by_name: &'a HashMap<String, Vec<usize>>,
    dataset: &'a mut Dataset,
    /// Whether any workbook so far has the variable's column.
    located: &'a mut [bool],
    conflicts: &'a mut Vec<String>,
    workbook: String,
    errors: Option<RowErrors>,
    /// Workbooks finished.
    done: Vec<String>,
    /// Whether the current workbook has the variable's column (the first one found wins).
    here: Vec<bool>,
    sheet: Sheet,
}

impl archive::Workbooks for PartReader<'_> {
    fn workbook(&mut self, shown: &str) -> Result<()> {
        self.finish_workbook()?;
        self.workbook = shown.to_string();
        self.dataset.workbooks.push(shown.to_string());
        self.errors = Some(RowErrors::new(shown));
        self.here.iter_mut().for_each(|h| *h = false);
        Ok(())
    }
}

impl PartReader<'_> {
    fn finish_workbook(&mut self) -> Result<()> {
        if let Some(errors) = self.errors.take() {
            errors.finish()?;
            self.done.push(self.workbook.clone());
        }
        Ok(())
    }

    fn origin(&self, row: u64, column: usize, variable: usize) -> Origin {
        Origin {
            file: self.workbook.clone(),
            sheet: self.sheet.name.clone(),
            cell: format!("{}{row}", letters(column)),
            variable: self.dataset.variables[variable].name.clone(),
        }
    }
}

/// The variable name of a header cell: its last non-empty line, trimmed, without a
/// form-version prefix such as `Digimv.2020.`; and the lines before it.
fn header_name(text: &str) -> (String, String) {
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    let Some((last, before)) = lines.split_last() else {
        return (String::new(), String::new());
    };
    (strip_form_prefix(last).to_string(), before.join(" "))
}

fn strip_form_prefix(name: &str) -> &str {
    let Some(rest) = name
        .get(..7)
        .filter(|p| p.eq_ignore_ascii_case("digimv."))
        .map(|_| &name[7..])
    else {
        return name;
    };
    match rest.split_once('.') {
        Some((year, tail)) if !year.is_empty() && year.bytes().all(|b| b.is_ascii_digit()) => tail,
        _ => name,
    }
}

fn is_key(text: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        l.eq_ignore_ascii_case("Code") || l.eq_ignore_ascii_case("ConcernCode")
    })
}

impl ods::Visitor for PartReader<'_> {
    fn sheet(&mut self, name: &str) -> Result<()> {
        self.sheet = Sheet {
            name: name.to_string(),
            ..Sheet::default()
        };
        Ok(())
    }

    fn header(&mut self, cells: &[(usize, RawCell)]) -> Result<Vec<usize>> {
        let names: Vec<(usize, String, String)> = cells
            .iter()
            .map(|(c, raw)| {
                let (name, label) = header_name(&raw.text);
                (*c, name, label)
            })
            .collect();
        let find = |wanted: &str| {
            names
                .iter()
                .find(|(_, n, _)| n.eq_ignore_ascii_case(wanted))
                .map(|(c, _, _)| *c)
        };
        self.sheet.key = cells
            .iter()
            .find(|(_, raw)| is_key(&raw.text))
            .map(|(c, _)| *c);
        if self.sheet.key.is_none() {
            // The modern VariableDefinition sheet, or the old format's dictionary.
            let name = find("VariableName").or_else(|| find("Variable"));
            let label = find("VariableLabel").or_else(|| find("Label"));
            if name.is_some() && label.is_some() {
                let cols = [name, label, find("DataType"), find("Format")];
                self.sheet.dictionary = Some(cols);
                let mut wanted: Vec<usize> = cols.iter().flatten().copied().collect();
                wanted.sort_unstable();
                wanted.dedup();
                return Ok(wanted);
            }
            return Ok(Vec::new());
        }
        let key = self.sheet.key.expect("checked");
        let mut wanted = vec![key];
        for (column, name, label) in names.into_iter().filter(|(c, _, _)| *c != key) {
            if let Some(vars) = self.by_name.get(&name.to_lowercase()) {
                for &v in vars {
                    if !self.here[v] {
                        self.here[v] = true;
                        self.located[v] = true;
                        self.sheet.columns.push((column, v));
                        wanted.push(column);
                    }
                }
            }
            self.dataset.headers.push(HeaderCell {
                file: self.workbook.clone(),
                sheet: self.sheet.name.clone(),
                column: letters(column),
                name,
                label,
            });
        }
        wanted.sort_unstable();
        wanted.dedup();
        Ok(wanted)
    }

    fn row(&mut self, number: u64, repeated: u64, cells: &[(usize, RawCell)]) -> Result<()> {
        let cell = |c: usize| cells.iter().find(|(i, _)| *i == c).map(|(_, r)| r);
        if let Some(cols) = self.sheet.dictionary {
            let text = |i: usize| {
                cols[i]
                    .and_then(cell)
                    .map(|r| r.text.trim().to_string())
                    .unwrap_or_default()
            };
            let name = text(0);
            if !name.is_empty() {
                self.dataset.definitions.push(Definition {
                    name: strip_form_prefix(&name).to_string(),
                    label: text(1),
                    data_type: text(2),
                    format: text(3),
                });
            }
            return Ok(());
        }
        let Some(key_column) = self.sheet.key else {
            return Ok(());
        };
        let key = cell(key_column)
            .map(|r| match (&r.number, r.text.trim()) {
                (Some(n), "") => n.clone(),
                (_, t) => t.to_string(),
            })
            .unwrap_or_default();
        let errors = self.errors.as_mut().expect("a workbook has begun");
        let row_at = format!("sheet {:?}, row {number}", self.sheet.name);
        if key.is_empty() {
            if cells.iter().any(|(_, r)| !r.is_empty()) {
                errors.push_row(&row_at, "figures but no Code: every row needs its key");
            }
            return Ok(());
        }
        if repeated > 1 {
            errors.push_row(
                &row_at,
                &format!("repeated {repeated} times (table:number-rows-repeated): one organisation in several identical rows"),
            );
            return Ok(());
        }
        let columns = std::mem::take(&mut self.sheet.columns);
        for &(column, v) in &columns {
            let origin = self.origin(number, column, v);
            let variable = &self.dataset.variables[v];
            let raw = cell(column).cloned().unwrap_or_default();
            let value = match convert(&raw, variable.kind) {
                Ok(value) => value,
                Err(problem) => {
                    let errors = self.errors.as_mut().expect("a workbook has begun");
                    errors.push_row(
                        &format!("sheet {:?}, cell {}", origin.sheet, origin.cell),
                        &format!(
                            "variable {} ({}): {problem}",
                            variable.name, variable.purpose
                        ),
                    );
                    continue;
                }
            };
            let count = self.dataset.variables.len();
            let org = self
                .dataset
                .organisations
                .entry(key.clone())
                .or_insert_with(|| Organisation {
                    code: key.clone(),
                    values: vec![None; count],
                });
            match &org.values[v] {
                None => org.values[v] = Some(Figure { value, origin }),
                Some(first) if first.value == value => {}
                Some(first) => self.conflicts.push(format!(
                    "Code {key}, {}: {} at {} but {} at {}",
                    first.origin.variable, first.value, first.origin, value, origin
                )),
            }
        }
        self.sheet.columns = columns;
        Ok(())
    }
}

/// A cell as a variable of `kind`; `Value::Empty` when it holds nothing.
fn convert(raw: &RawCell, kind: Kind) -> Result<Value, String> {
    if raw.is_empty() {
        return Ok(Value::Empty);
    }
    let text = raw.text.trim();
    match kind {
        Kind::Money => match &raw.number {
            Some(n) => machine_number(n).map(Value::Number),
            None => dutch_number(text).map(Value::Number),
        },
        Kind::Identifier => match &raw.number {
            // A numeric cell has lost the leading zeros of an eight-digit number.
            Some(n) => {
                let whole = n.strip_suffix(".0").unwrap_or(n);
                if !whole.is_empty() && whole.len() < 8 && whole.bytes().all(|b| b.is_ascii_digit())
                {
                    Ok(Value::Text(format!("{whole:0>8}")))
                } else {
                    Ok(Value::Text(whole.to_string()))
                }
            }
            None => Ok(Value::Text(text.to_string())),
        },
        Kind::Text => Ok(Value::Text(if text.is_empty() {
            raw.number.clone().unwrap_or_default()
        } else {
            text.to_string()
        })),
        Kind::Flag => {
            let t = if text.is_empty() {
                raw.number.as_deref().unwrap_or("")
            } else {
                text
            };
            match t.to_lowercase().as_str() {
                "ja" | "true" => Ok(Value::Flag(true)),
                "nee" | "false" => Ok(Value::Flag(false)),
                _ => Err(format!("{t:?} is not ja or nee")),
            }
        }
    }
}

/// `office:value`: a decimal point, possibly an exponent (`1.5E+6`).
fn machine_number(n: &str) -> Result<Decimal, String> {
    let t = n.trim();
    if t.contains(['e', 'E']) {
        let d = Decimal::from_scientific(t).map_err(|_| format!("not a number: {t:?}"))?;
        return parse_decimal(&d.normalize().to_string(), DecimalSign::Point);
    }
    parse_decimal(t, DecimalSign::Point)
}

/// Display text in the Dutch style, read only where a cell has no machine value:
/// thousands dots in groups of three and a decimal comma (`-1.234.567,50`).
fn dutch_number(text: &str) -> Result<Decimal, String> {
    let not = || format!("not a number: {text:?}");
    let t = text.trim().trim_start_matches('€').trim();
    let (negative, t) = match t.strip_prefix(['-', '−']) {
        Some(rest) => (true, rest.trim()),
        None => (false, t),
    };
    let (whole, fraction) = match t.split_once(',') {
        Some((w, f)) => (w, Some(f)),
        None => (t, None),
    };
    let groups: Vec<&str> = whole.split('.').collect();
    let grouped = groups.len() == 1
        || (matches!(groups[0].len(), 1..=3) && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped || whole.is_empty() || !groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(not());
    }
    let mut plain = if negative {
        "-".to_string()
    } else {
        String::new()
    };
    plain.push_str(&groups.concat());
    if let Some(f) = fraction {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not());
        }
        plain.push('.');
        plain.push_str(f);
    }
    parse_decimal(&plain, DecimalSign::Point)
}

/// Spreadsheet column letters of a 0-based column.
fn letters(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn the_variable_name_is_the_last_non_empty_line_without_a_form_prefix() {
        assert_eq!(
            header_name("Kvk-nummer\nExternalOrganizationId\n  \n"),
            ("ExternalOrganizationId".into(), "Kvk-nummer".into())
        );
        assert_eq!(header_name(" c_kvk "), ("c_kvk".into(), String::new()));
        assert_eq!(
            header_name("Digimv.2020.prodKvkNummerExternalOrganizationId").0,
            "prodKvkNummerExternalOrganizationId"
        );
        // Not a form prefix: left alone.
        assert_eq!(header_name("Digimv.x.y").0, "Digimv.x.y");
        assert!(is_key("Code\nConcernCode") && is_key("ConcernCode\nCode"));
        assert!(is_key("ConcernCode") && !is_key("Codes"));
    }

    #[test]
    fn numbers_prefer_the_machine_value_and_read_dutch_text_only_as_fallback() {
        let cell = |n: Option<&str>, t: &str| RawCell {
            number: n.map(str::to_string),
            text: t.into(),
        };
        // office:value wins over the display text, which would read otherwise.
        assert_eq!(
            convert(&cell(Some("1234567.5"), "1.234.567,50"), Kind::Money),
            Ok(Value::Number(d("1234567.5")))
        );
        assert_eq!(
            convert(&cell(Some("1.5E+3"), ""), Kind::Money),
            Ok(Value::Number(d("1500")))
        );
        assert_eq!(
            convert(&cell(None, "-1.234.567,50"), Kind::Money),
            Ok(Value::Number(d("-1234567.50")))
        );
        assert_eq!(
            convert(&cell(None, "617"), Kind::Money),
            Ok(Value::Number(d("617")))
        );
        // 1.5 is not Dutch grouping: refused rather than read as 15 or 1.5.
        assert!(convert(&cell(None, "1.5"), Kind::Money).is_err());
        assert!(convert(&cell(None, "12.34.567"), Kind::Money).is_err());
        // Empty is not 0.
        assert_eq!(convert(&cell(None, "  "), Kind::Money), Ok(Value::Empty));
        assert_eq!(
            convert(&cell(Some("0"), "0"), Kind::Money),
            Ok(Value::Number(Decimal::ZERO))
        );
        // A numeric KvK gets its leading zero back.
        assert_eq!(
            convert(&cell(Some("1087507"), "1087507"), Kind::Identifier),
            Ok(Value::Text("01087507".into()))
        );
        for (t, b) in [("ja", true), ("JA", true), (" Nee ", false), ("nEE", false)] {
            assert_eq!(convert(&cell(None, t), Kind::Flag), Ok(Value::Flag(b)));
        }
        assert_eq!(
            convert(&cell(None, "misschien"), Kind::Flag),
            Err("\"misschien\" is not ja or nee".into())
        );
    }

    #[test]
    fn column_letters() {
        assert_eq!(letters(0), "A");
        assert_eq!(letters(10), "K");
        assert_eq!(letters(255), "IV");
        assert_eq!(letters(16_383), "XFD");
    }
}
