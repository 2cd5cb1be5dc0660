//! What the `digimv` commands show of a DigiMV dataset: the VariableDefinition rows a
//! search matched, as a tab-separated table for the terminal, and the contract's
//! jaarverslagen table extracted from the dataset, with the variable and cell behind each
//! figure, as CSV.
//!
//! It words and lays out only; what is read, and from where, is `pipeline`'s.

use anyhow::Result;

use crate::pipeline::{DigimvExtract, VariableRow};

/// The matched variables, one per line, tab-separated under a header of Dutch column names:
/// a search's result to read or to filter further.
pub(crate) fn variables(rows: &[VariableRow]) -> String {
    let mut out = String::from("naam\tlabel\ttype\tformaat\tblad\tkolom\torganisaties\n");
    for r in rows {
        // A tab or line break in a label would break the table's lines.
        let clean = |t: &str| t.replace(['\t', '\n', '\r'], " ");
        out.push_str(&format!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\n",
            clean(&r.name),
            clean(&r.label),
            clean(&r.data_type),
            clean(&r.format),
            r.sheet,
            r.column,
            r.organisations.map_or(String::new(), |n| n.to_string())
        ));
    }
    out
}

/// `jaarverslagen.csv` as the tidy path reads it (decimal point, amounts as read), by KvK.
/// A provider with an empty required figure is written too, with that cell empty and
/// `digimv_bron` saying so, so that a user can fill it in before running; a sector the
/// flags leave open (several, or none) is empty.
pub(crate) fn extract_csv(extract: &DigimvExtract, boekjaar: i32) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    // The contract's jaarverslagen columns, and after them `digimv_bron`: per figure the
    // variable and cell it came from, or which required variables are empty.
    out.write_record(
        crate::model::JAARVERSLAGEN_COLUMNS
            .iter()
            .chain(&["digimv_bron"]),
    )?;
    let kvks: std::collections::BTreeSet<_> = extract
        .accounts
        .keys()
        .chain(extract.incomplete.keys())
        .collect();
    let amount = |d: Option<rust_decimal::Decimal>| d.map_or(String::new(), |d| d.to_string());
    for kvk in kvks {
        if let Some(a) = extract.accounts.get(kvk) {
            let bron: Vec<String> = extract
                .origins
                .get(kvk)
                .into_iter()
                .flatten()
                .map(|(column, o)| {
                    format!(
                        "{column}: {} ({}, {}!{})",
                        o.variable, o.file, o.sheet, o.cell
                    )
                })
                .collect();
            out.write_record([
                kvk.to_string(),
                a.naam.clone(),
                a.boekjaar.to_string(),
                amount(Some(a.bedrijfsopbrengsten)),
                amount(a.opbrengsten_wlz),
                amount(Some(a.bedrijfslasten)),
                amount(Some(a.financiele_baten)),
                amount(Some(a.financiele_lasten)),
                amount(a.resultaat),
                a.sector.map_or(String::new(), |s| s.to_string()),
                bron.join("; "),
            ])?;
        } else {
            let variabelen = &extract.incomplete[kvk];
            let mut row = vec![
                kvk.to_string(),
                extract.names.get(kvk).cloned().unwrap_or_default(),
                boekjaar.to_string(),
            ];
            row.extend(std::iter::repeat_n(String::new(), 7));
            row.push(format!("ontbrekend in DigiMV: {}", variabelen.join(", ")));
            out.write_record(row)?;
        }
    }
    Ok(out.into_inner().map_err(|e| e.into_error())?)
}
