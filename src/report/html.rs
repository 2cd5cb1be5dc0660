//! `rapport.html`: one self-contained page that a person can open or mail. It says what was
//! computed, with which model and data, gives the RTP per group with its figures (inline
//! SVG), the providers that decide each group's number, and the exclusions with reasons.
//! No script, no external assets, no timestamps: the same run gives the same bytes.

use std::fmt::Write as _;

use super::figures::Figure;
use super::{break_even, money, percent, rtp, rtp_rows, share};
use crate::model::BreakEven;
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

fn table(out: &mut String, header: &[&str], rows: &[Vec<String>], numeric: &[usize]) {
    out.push_str("<table><thead><tr>");
    for h in header {
        let _ = write!(out, "<th>{}</th>", esc(h));
    }
    out.push_str("</tr></thead><tbody>\n");
    for r in rows {
        out.push_str("<tr>");
        for (c, cell) in r.iter().enumerate() {
            let class = if numeric.contains(&c) {
                " class=\"num\""
            } else {
                ""
            };
            let _ = write!(out, "<td{class}>{}</td>", esc(cell));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
}

/// The providers that decide a group's number: for the count criterion the ⌈share·N⌉-th
/// break-even, for the omzet criterion the one at which the cumulative omzet passes the
/// threshold; each with its neighbours, since those are the ones an objection is about.
fn deciding(run: &Run, g: &Group) -> Vec<Vec<String>> {
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
        let be = g.result.break_evens[j];
        let positive = p
            .position
            .is_positive_at(g.result.rtp, criteria.nul_is_positief);
        rows.push(vec![
            (pos + 1).to_string(),
            p.kvk.to_string(),
            p.naam.clone(),
            if matches!(be, BreakEven::At(_)) {
                format!("{}%", break_even(be))
            } else {
                break_even(be)
            },
            money(p.position.omzet),
            money(p.position.result_at(g.result.rtp)),
            if positive { "ja" } else { "nee" }.to_string(),
            why.join(", "),
        ]);
    }
    rows
}

const STYLE: &str = "body{font-family:sans-serif;max-width:1000px;margin:2em auto;padding:0 1em;color:#222;line-height:1.45}\
table{border-collapse:collapse;margin:.6em 0 1.4em;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .55em}\
th{background:#d9e1f2;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}\
svg{max-width:100%;height:auto;display:block;margin:.8em 0}h2{border-bottom:2px solid #d9e1f2;padding-bottom:.2em;margin-top:2em}\
.small{color:#555;font-size:.9em}code{background:#f3f3f3;padding:0 .2em}";

/// The page's bytes.
pub(crate) fn page(run: &Run, figures: &[Figure]) -> String {
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
         ten minste {}% van de aanbieders een resultaat {} heeft{}. Het is per groep exact berekend uit de jaarverslagen \
         en declaraties hieronder, met model <code>{}</code>, en bij het gepubliceerde, afgeronde percentage opnieuw \
         gecontroleerd door het resultaat van elke aanbieder exact uit te rekenen.</p>",
        percent(c.criteria.aandeel_aanbieders, 0),
        if c.criteria.nul_is_positief { "van nul of meer" } else { "boven nul" },
        if c.criteria.aandeel_omzet.is_zero() {
            String::new()
        } else {
            format!(", en die aanbieders samen ten minste {}% van de omzet hebben", percent(c.criteria.aandeel_omzet, 0))
        },
        esc(c.model.as_str())
    );

    o.push_str("<h2>RTP per groep</h2>\n");
    let header = [
        "sector",
        "cluster",
        "aanbieders",
        "omzet",
        "rtp_aantal (%)",
        "rtp_omzet (%)",
        "RTP (%)",
        "bindend",
        "haalbaar",
        "% aanbieders ≥ 0",
        "% omzet ≥ 0",
        "voldaan",
    ];
    table(&mut o, &header, &rtp_rows(run), &[2, 3, 4, 5, 6, 9, 10]);

    for g in &run.groups {
        let r = &g.result;
        let _ = writeln!(
            o,
            "<h2>{}</h2>",
            esc(&format!("{} {}", g.sector, g.cluster))
        );
        let _ = writeln!(
            o,
            "<p>{} aanbieders met samen {} omzet. RTP <strong>{}%</strong> (bindend: {}{}); bij dit percentage heeft {}% van de \
             aanbieders, met {}% van de omzet, een resultaat {}.{}</p>",
            r.n,
            money(r.omzet),
            rtp(run, r.rtp),
            r.bindend.as_str(),
            if r.haalbaar { "" } else { "; niet haalbaar onder de bovengrens" },
            share(r.at_rtp.share_providers()),
            share(r.at_rtp.share_omzet()),
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
        let header = [
            "positie",
            "kvk",
            "naam",
            "break-even",
            "omzet",
            "resultaat bij RTP",
            "positief",
            "bepaalt",
        ];
        table(&mut o, &header, &deciding(run, g), &[0, 3, 4, 5]);
    }

    o.push_str("<h2>Uitgesloten aanbieders</h2>\n");
    let rows: Vec<Vec<String>> = run
        .excluded
        .iter()
        .map(|e| {
            vec![
                e.kvk.to_string(),
                e.naam.clone(),
                super::reasons::reden(&e.reasons),
            ]
        })
        .collect();
    table(&mut o, &["kvk", "naam", "reden"], &rows, &[]);

    o.push_str("<h2>Invoer</h2>\n");
    let rows: Vec<Vec<String>> = run
        .data
        .inputs
        .iter()
        .map(|i| {
            vec![
                i.rol.to_string(),
                i.pad.clone(),
                i.rijen.to_string(),
                i.sha256.clone(),
            ]
        })
        .collect();
    table(&mut o, &["rol", "bestand", "rijen", "sha256"], &rows, &[2]);
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

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("Zorg & <Welzijn> \"B.V.\""),
            "Zorg &amp; &lt;Welzijn&gt; &quot;B.V.&quot;"
        );
    }
}
