//! An independent strict reader of claims CSV: the oracle the fuzz tests hold the real
//! reader to. It is written from the data contract's rules, as plainly as possible and
//! without regard to speed: the whole file in memory, one line after another through the
//! csv crate, numbers through `Decimal::from_str_exact`. It shares no code with the
//! program, so that a mistake in the program's fast paths shows as a disagreement.
//! Also compiled into the fuzz targets (tests/fuzz), which include this file by path.

use std::collections::BTreeMap;
use std::io::Read;

use rust_decimal::Decimal;

/// (`"agb"` or `"kvk"`, the eight digits, prestatiecode) → (Σ aantal, Σ bedrag).
pub(crate) type Sums = BTreeMap<(String, String, String), (Decimal, Decimal)>;

/// The longest header line accepted, its line end included.
pub(crate) const HEADER_LIMIT: usize = 1 << 20;

/// Reads a claims file as the contract allows, for reference year `year` and a decimal
/// comma when `comma`; `Err` says why the file must be refused.
pub(crate) fn read(bytes: &[u8], year: i64, comma: bool) -> Result<Sums, String> {
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| format!("not gzip: {e}"))?;
        out
    } else {
        bytes.to_vec()
    };
    let mut lines = text.split(|&b| b == b'\n');
    let header = lines.next().unwrap_or(b"");
    let header_len = text
        .iter()
        .position(|&b| b == b'\n')
        .map_or(text.len(), |p| p + 1);
    if header_len > HEADER_LIMIT {
        return Err("header line too long".into());
    }
    if header.starts_with(&[0xff, 0xfe]) || header.starts_with(&[0xfe, 0xff]) {
        return Err("UTF-16".into());
    }
    if header.starts_with(b"PK\x03\x04") || header.contains(&0) {
        return Err("binary".into());
    }
    if header.iter().all(u8::is_ascii_whitespace) {
        return Err("empty".into());
    }
    let count = |c: u8| header.iter().filter(|&&b| b == c).count();
    let separator = if count(b';') > count(b',') {
        b';'
    } else {
        b','
    };
    let headers: Vec<String> = record(header, separator)?
        .iter()
        .map(|h| {
            String::from_utf8_lossy(h)
                .trim_start_matches('\u{feff}')
                .trim()
                .to_string()
        })
        .collect();
    let find = |name: &str| -> Result<Option<usize>, String> {
        let at: Vec<usize> = (0..headers.len())
            .filter(|&i| headers[i].eq_ignore_ascii_case(name))
            .collect();
        match at.as_slice() {
            [] => Ok(None),
            [i] => Ok(Some(*i)),
            _ => Err(format!("header {name} twice")),
        }
    };
    let agb = find("agb")?;
    let kvk = find("kvk")?;
    if agb.is_none() && kvk.is_none() {
        return Err("no agb or kvk column".into());
    }
    let need = |name: &str| find(name)?.ok_or_else(|| format!("no {name} column"));
    let (jaar, code, aantal, bedrag) = (
        need("jaar")?,
        need("prestatiecode")?,
        need("aantal")?,
        need("bedrag")?,
    );
    let width = headers.len();
    let mut sums = Sums::new();
    let mut rows = 0;
    for (i, line) in lines.enumerate() {
        let n = i + 2;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        rows += 1;
        let fields = record(line, separator).map_err(|e| format!("row {n}: {e}"))?;
        let extra_blank = fields
            .iter()
            .skip(width)
            .all(|f| f.iter().all(u8::is_ascii_whitespace));
        if fields.len() < width || !extra_blank {
            return Err(format!("row {n}: {} fields, not {width}", fields.len()));
        }
        let text = |c: usize| -> Result<&str, String> {
            std::str::from_utf8(&fields[c])
                .map(str::trim)
                .map_err(|_| format!("row {n}: not UTF-8"))
        };
        // Every contract column is read, also on lines of other years.
        let kvk_text = kvk.map(text).transpose()?.unwrap_or("");
        let agb_text = agb.map(text).transpose()?.unwrap_or("");
        let who = if !kvk_text.is_empty() {
            ("kvk", eight_digits(kvk_text)?)
        } else if !agb_text.is_empty() {
            ("agb", eight_digits(agb_text)?)
        } else {
            return Err(format!("row {n}: no agb or kvk"));
        };
        let line_year = whole(text(jaar)?)?;
        let code = text(code)?;
        if code.is_empty() {
            return Err(format!("row {n}: empty prestatiecode"));
        }
        let aantal = amount(text(aantal)?, comma)?;
        let bedrag = amount(text(bedrag)?, comma)?;
        if line_year == year {
            let e = sums
                .entry((who.0.to_string(), who.1, code.to_string()))
                .or_insert((Decimal::ZERO, Decimal::ZERO));
            e.0 = e.0.checked_add(aantal).ok_or("Σ aantal overflows")?;
            e.1 = e.1.checked_add(bedrag).ok_or("Σ bedrag overflows")?;
        }
    }
    if rows == 0 {
        return Err("no claim lines".into());
    }
    Ok(sums)
}

/// One line's fields. A line holds one record: a carriage return other than the line
/// end's would end the record early in a CSV reader (and start a line in another), and an
/// odd number of quotes leaves a quote open (a field spanning lines is not supported).
fn record(line: &[u8], separator: u8) -> Result<Vec<Vec<u8>>, String> {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.contains(&b'\r') {
        return Err("a carriage return inside the line".into());
    }
    if line.iter().filter(|&&b| b == b'"').count() % 2 == 1 {
        return Err("a quote left open".into());
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .flexible(true)
        .from_reader(line);
    let mut records = reader.byte_records();
    let first = records
        .next()
        .ok_or("no record")?
        .map_err(|e| e.to_string())?;
    if records.next().is_some() {
        return Err("more than one record".into());
    }
    Ok(first.iter().map(<[u8]>::to_vec).collect())
}

fn eight_digits(t: &str) -> Result<String, String> {
    if t.len() == 8 && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_string())
    } else {
        Err("not 8 digits".into())
    }
}

/// An integer: an optional sign and ASCII digits, within i64.
fn whole(t: &str) -> Result<i64, String> {
    let digits = t.strip_prefix(['+', '-']).unwrap_or(t);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("not a whole number: {t:?}"));
    }
    t.parse().map_err(|_| format!("out of range: {t:?}"))
}

/// A decimal as the contract allows: an optional sign, digits and at most one decimal mark
/// (the configured one), at least one digit, at most six decimals once trailing zeros are
/// dropped, and below 10^12 in absolute value (so that sums stay exact).
pub(crate) fn amount(t: &str, comma: bool) -> Result<Decimal, String> {
    let mark = if comma { ',' } else { '.' };
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let ok_chars = body.chars().all(|c| c.is_ascii_digit() || c == mark);
    let marks = body.matches(mark).count();
    if !ok_chars || marks > 1 || !body.chars().any(|c| c.is_ascii_digit()) {
        return Err(format!("not a number: {t:?}"));
    }
    let d = Decimal::from_str_exact(&t.replace(mark, "."))
        .map_err(|e| format!("not a number: {t:?}: {e}"))?
        .normalize();
    if d.scale() > 6 {
        return Err(format!("more than 6 decimals: {t:?}"));
    }
    if d.abs() >= Decimal::from(1_000_000_000_000i64) {
        return Err(format!("10^12 or more: {t:?}"));
    }
    Ok(d)
}
