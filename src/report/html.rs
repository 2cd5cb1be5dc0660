//! `rapport.html`: one self-contained page that a person can open or mail. It says what was
//! computed, with which model and data, gives the RTP per group with its figures (inline
//! SVG), the providers that decide each group's number, and the exclusions with reasons.
//! No script, no external assets, no timestamps: the same run gives the same bytes.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::figures::Figure;
use super::rtp;
use super::table::{Shown, Table, Unit, Value};
use crate::pipeline::{Group, Run};
use crate::solve::Decider;

/// Text as HTML: the five characters that could change the page's structure, escaped.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// A shown number as Dutch readers write it: a decimal comma and a point between
/// thousands, `-` before the digits.
fn dutch(s: &Shown) -> String {
    let digits = format!("{:.*}", s.decimals as usize, s.value.abs());
    let (whole, fraction) = digits.split_once('.').unwrap_or((&digits, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if !fraction.is_empty() {
        grouped.push(',');
        grouped.push_str(fraction);
    }
    if s.value < Decimal::ZERO {
        format!("-{grouped}")
    } else if s.unit == Unit::Points && s.value > Decimal::ZERO {
        format!("+{grouped}")
    } else {
        grouped
    }
}

/// A cell as the page shows it, escaped: amounts as `€ 5.138.880,12`, percentages as
/// `95,4%`, points as `+0,4`, counts as `1.234`; words as they are.
fn cell(v: &Value) -> String {
    match v.shown() {
        Some(s) => match s.unit {
            Unit::Euro => format!("€ {}", dutch(&s)),
            Unit::Percent => format!("{}%", dutch(&s)),
            Unit::Points | Unit::Plain => dutch(&s),
        },
        None => esc(v.words().unwrap_or_default()),
    }
}

fn table(out: &mut String, t: &Table) {
    out.push_str("<table><thead><tr>");
    for h in &t.columns {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    let numeric: Vec<bool> = (0..t.columns.len())
        .map(|c| t.is_number_column(c))
        .collect();
    for r in &t.rows {
        out.push_str("<tr>");
        for (c, v) in r.iter().enumerate() {
            let class = if numeric[c] { " class=\"num\"" } else { "" };
            let _ = write!(out, "<td{class}>{}</td>", cell(v));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// The providers that decide a group's number: for the count criterion the ⌈share·N⌉-th
/// break-even, for the omzet criterion the one at which the cumulative omzet passes the
/// threshold; each with its neighbours, since those are the ones an objection is about.
fn deciding(run: &Run, g: &Group) -> Table {
    let members = &g.members;
    let criteria = &run.config.criteria;
    // The solver's own ranking: the exact break-even order it decided the group by.
    let ranking = &g.result.ranking;
    let order = &ranking.order;
    let marks: Vec<(usize, &str)> = [(ranking.by_count, "aantal"), (ranking.by_omzet, "omzet")]
        .into_iter()
        .filter_map(|(d, why)| {
            if let Decider::At(p) = d {
                Some((p, why))
            } else {
                None
            }
        })
        .collect();
    let mut rows = Vec::new();
    let mut shown = std::collections::BTreeSet::new();
    for &(pos, _) in &marks {
        for p in pos.saturating_sub(2)..(pos + 3).min(order.len()) {
            shown.insert(p);
        }
    }
    for pos in shown {
        let j = order[pos];
        let p = &run.providers[members[j]];
        let why: Vec<&str> = marks.iter().filter(|m| m.0 == pos).map(|m| m.1).collect();
        let positive = p
            .position
            .is_positive_at(g.result.rtp, criteria.nul_is_positief);
        rows.push(vec![
            Value::Count(pos as u64 + 1),
            Value::Id(run.data.identity(p.kvk)),
            p.naam.as_str().into(),
            Value::BreakEven(g.result.break_evens[j]),
            Value::Money(p.position.omzet),
            Value::Money(p.position.result_at(g.result.rtp)),
            Value::Verdict(positive),
            why.join(", ").into(),
        ]);
    }
    let columns = "positie,kvk,naam,break-even,omzet,resultaat bij RTP,positief,bepaalt";
    Table::new("Bepalend", columns, rows)
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .55em}\
th{background:#d9e1f2;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}\
svg{max-width:100%;height:auto;display:block;margin:.8em 0}h2{border-bottom:2px solid #d9e1f2;padding-bottom:.2em;margin-top:2em}\
.small{color:#555;font-size:.9em}code{background:#f3f3f3;padding:0 .2em}";

/// The page's bytes.
/// The run's tables on the page, as `report` built them for the other outputs.
pub(crate) struct Tables<'a> {
    /// rtp.csv.
    pub rtp: &'a Table,
    /// uitgesloten.csv.
    pub uitgesloten: &'a Table,
    /// The input files (rapport.xlsx's `Configuratie`).
    pub inputs: &'a Table,
}

/// The page's bytes.
pub(crate) fn page(run: &Run, tables: &Tables, figures: &[Figure]) -> String {
    let Tables {
        rtp: rtp_table,
        uitgesloten,
        inputs,
    } = *tables;
    let c = &run.config;
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n<title>Richttariefpercentage {} ({})</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        c.referentiejaar, c.model
    );
    let _ = writeln!(
        o,
        "<h1>Richttariefpercentage, referentiejaar {}</h1>",
        c.referentiejaar
    );
    let _ = writeln!(
        o,
        "<p>Het richttariefpercentage (RTP) is het laagste percentage van het NZa-maximumtarief waarbij in een groep \
         ten minste {} van de aanbieders een resultaat {} heeft{}. Het is per groep exact berekend uit de jaarverslagen \
         en declaraties hieronder, met model <code>{}</code>, en bij het gepubliceerde, afgeronde percentage opnieuw \
         gecontroleerd door het resultaat van elke aanbieder exact uit te rekenen.</p>",
        cell(&Value::Percent(c.criteria.aandeel_aanbieders, 0)),
        if c.criteria.nul_is_positief { "van nul of meer" } else { "boven nul" },
        if c.criteria.aandeel_omzet.is_zero() {
            String::new()
        } else {
            format!(", en die aanbieders samen ten minste {} van de omzet hebben", cell(&Value::Percent(c.criteria.aandeel_omzet, 0)))
        },
        esc(c.model.as_str())
    );

    o.push_str("<h2>RTP per groep</h2>\n");
    // rtp.csv's rows under headings for readers; the percentages carry their sign.
    let header = "sector,cluster,aanbieders,omzet,rtp_aantal,rtp_omzet,RTP,bindend,haalbaar,% aanbieders ≥ 0,% omzet ≥ 0,voldaan";
    table(&mut o, &Table::new("RTP", header, rtp_table.rows.clone()));

    for g in &run.groups {
        let r = &g.result;
        let _ = writeln!(
            o,
            "<h2>{}</h2>",
            esc(&format!("{} {}", g.sector, g.cluster))
        );
        let _ = writeln!(
            o,
            "<p>{} aanbieders met samen {} omzet. RTP <strong>{}</strong> (bindend: {}{}); bij dit percentage heeft {} van de \
             aanbieders, met {} van de omzet, een resultaat {}.{}</p>",
            cell(&Value::Count(r.n as u64)),
            cell(&Value::Money(r.omzet)),
            cell(&rtp(run, r.rtp)),
            r.bindend.as_str(),
            if r.haalbaar { "" } else { "; niet haalbaar onder de bovengrens" },
            cell(&Value::Share(r.at_rtp.share_providers())),
            cell(&Value::Share(r.at_rtp.share_omzet())),
            if c.criteria.nul_is_positief { "≥ 0" } else { "> 0" },
            if r.at_rtp.holds() {
                ""
            } else {
                " Bij deze RTP zijn de criteria <strong>niet voldaan</strong>."
            }
        );
        for f in figures.iter().filter(|f| f.group == g.name()) {
            o.push_str(&f.svg);
            o.push('\n');
        }
        o.push_str("<p class=\"small\">De aanbieders die het percentage bepalen, met hun buren in de volgorde van break-even:</p>\n");
        table(&mut o, &deciding(run, g));
    }

    o.push_str("<h2>Uitgesloten aanbieders</h2>\n");
    table(&mut o, uitgesloten);

    o.push_str("<h2>Invoer</h2>\n");
    let shown = [
        ("rol", "rol"),
        ("pad", "bestand"),
        ("rijen", "rijen"),
        ("sha256", "sha256"),
    ];
    table(&mut o, &inputs.pick("Invoer", &shown));
    let _ = writeln!(
        o,
        "<p class=\"small\">Gemaakt door {} {}. De volledige configuratie, de hashes van alle bestanden en de cijfers per \
         aanbieder staan in <code>manifest.json</code>, <code>aanbieders.csv</code> en <code>rapport.xlsx</code>.</p>",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION")
    );
    o.push_str("</body>\n</html>\n");
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::BreakEven;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("Zorg & <Welzijn> \"B.V.\""),
            "Zorg &amp; &lt;Welzijn&gt; &quot;B.V.&quot;"
        );
    }

    #[test]
    fn numbers_read_as_dutch() {
        // Written out by hand: a decimal comma, points between thousands, the euro sign
        // before and the percent sign after, rounded as in the CSVs. Decimal::new(m, s)
        // is m × 10^-s.
        let cases = [
            (
                Value::Money(Decimal::new(5_138_880_115, 3)),
                "€ 5.138.880,12",
            ),
            (Value::Money(Decimal::new(-12_345, 1)), "€ -1.234,50"),
            (Value::Money(Decimal::new(99_999, 2)), "€ 999,99"),
            (Value::Percent(Decimal::new(955, 3), 2), "95,50%"),
            (Value::Share(Decimal::new(761_999, 6)), "76,19%"),
            (Value::Rtp(Decimal::new(954, 3), 1), "95,4%"),
            (Value::Count(12_345), "12.345"),
            (Value::Points(Decimal::new(4, 3)), "+0,4"),
            (Value::BreakEven(BreakEven::Never), "inf"),
            (Value::Id("01234567".into()), "01234567"),
            (Value::Text("a < b".into()), "a &lt; b"),
        ];
        for (value, expected) in cases {
            assert_eq!(cell(&value), expected, "{value:?}");
        }
    }
}
