//! Text for people: the RTP table `run` prints on stdout, the verdict of `check`, and the
//! step-by-step account of one provider that `explain` prints. Labels are English; the
//! contract's Dutch terms (omzet, resultaat, prestatiecode) are kept where they name data.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::{break_even, money, percent, rtp, share};
use crate::aggregate::line_parts;
use crate::classify::result;
use crate::config::{ResultDefinition, ThresholdSide};
use crate::model::{Kvk, Sector};
use crate::pipeline::{Group, Run};
use crate::solve::{Rho, Verdict};

/// Lays out rows in columns, left-aligned text and right-aligned numbers.
pub(crate) fn columns(header: &[&str], rows: &[Vec<String>], right: &[bool]) -> String {
    let widths: Vec<usize> = (0..header.len())
        .map(|c| {
            rows.iter()
                .map(|r| r[c].chars().count())
                .chain([header[c].chars().count()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let parts: Vec<String> = cells
            .iter()
            .enumerate()
            .map(|(c, s)| {
                if right[c] {
                    format!("{s:>w$}", w = widths[c])
                } else {
                    format!("{s:<w$}", w = widths[c])
                }
            })
            .collect();
        parts.join("  ").trim_end().to_string() + "\n"
    };
    let mut out = line(header.to_vec());
    for r in rows {
        out += &line(r.iter().map(String::as_str).collect());
    }
    out
}

/// The RTP table printed by `run`.
pub(crate) fn rtp_table(run: &Run) -> String {
    let sign = positive_sign(run);
    let (providers, omzet) = (format!("% aanbieders {sign}"), format!("% omzet {sign}"));
    // rtp.csv's columns, with sector and cluster as one `groep` and the shares labelled
    // with the sign that counts as positive.
    let mut header = vec!["groep"];
    header.extend(&super::RTP_COLUMNS[2..9]);
    header.extend([providers.as_str(), omzet.as_str(), "voldaan"]);
    let rows: Vec<Vec<String>> = super::rtp_rows(run)
        .into_iter()
        .map(|r| {
            let mut v = vec![format!("{}/{}", r[0], r[1])];
            v.extend(r.into_iter().skip(2));
            v
        })
        .collect();
    let right = [
        false, true, true, true, true, true, false, false, true, true, false,
    ];
    let mut out = format!(
        "RTP per groep (model {}), referentiejaar {}\n",
        run.config.model, run.config.referentiejaar
    );
    out += &columns(&header, &rows, &right);
    if run.groups.is_empty() {
        out += "(no provider is in the population)\n";
    }
    out
}

/// "≥ 0", or "> 0" when a zero result does not count as positive.
pub(crate) fn positive_sign(run: &Run) -> &'static str {
    if run.config.criteria.nul_is_positief {
        "≥ 0"
    } else {
        "> 0"
    }
}

/// A configured share as percent, exactly as configured (0.755 shows as 75.5).
fn share_setting(fraction: Decimal) -> String {
    (fraction * Decimal::ONE_HUNDRED).normalize().to_string()
}

/// The verdict of `check` for one group at the published percentage, in percent as given.
pub(crate) fn check_group(run: &Run, group: &Group, verdict: &Verdict, published: &str) -> String {
    let (at, lowest) = (&verdict.at, verdict.lowest);
    let c = &run.config.criteria;
    let verdict = |ok: bool| if ok { "pass" } else { "FAIL" };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} at {published}%: {}",
        group.name(),
        verdict(at.holds())
    );
    let _ = writeln!(
        out,
        "  providers with result {}: {} of {} ({}%); needed {} ({}%): {}, margin {:+} providers",
        positive_sign(run),
        at.positive,
        at.n,
        share(at.share_providers()),
        at.needed,
        share_setting(c.aandeel_aanbieders),
        verdict(at.aantal_met()),
        at.positive as i64 - at.needed as i64
    );
    if c.aandeel_omzet.is_zero() {
        let _ = writeln!(out, "  omzet criterion: switched off (aandeel_omzet = 0)");
    } else {
        let _ = writeln!(
            out,
            "  omzet of those providers: {} of {} ({}%); needed {} ({}%): {}, margin {}",
            money(at.omzet_positive),
            money(at.omzet_total),
            share(at.share_omzet()),
            money(at.omzet_needed),
            share_setting(c.aandeel_omzet),
            verdict(at.omzet_met()),
            money(at.omzet_positive - at.omzet_needed)
        );
    }
    match lowest {
        Some((r, bindend)) => {
            let _ = writeln!(
                out,
                "  lowest RTP that passes: {}% (binding: {})",
                rtp(run, r),
                bindend.as_str()
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  no RTP up to the cap of {}% passes",
                rtp(run, run.config.berekening.bovengrens / Decimal::ONE_HUNDRED)
            );
        }
    }
    out
}

/// A configuration value as the TOML file spells it.
pub(super) fn word<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        other => format!("{other:?}"),
    }
}

fn rho_text(rho: Rho) -> String {
    match rho {
        Rho::One => "1 (schaling = \"declaraties\")".into(),
        Rho::Ratio { wlz, declared } => format!(
            "W / D = {} / {} = {}",
            money(wlz),
            money(declared),
            (wlz / declared).round_dp(6)
        ),
    }
}

/// One provider's path through every step, with its own numbers.
pub(crate) fn explain(run: &Run, kvk: Kvk) -> Option<String> {
    let config = &run.config;
    let calc = &config.berekening;
    let index = run.providers.iter().position(|p| p.kvk == kvk);
    let excluded = run.excluded.iter().find(|e| e.kvk == kvk);
    let claims = run.data.claims.get(&kvk);
    if index.is_none() && excluded.is_none() {
        return None;
    }
    let mut o = String::new();
    let naam = index
        .map(|i| run.providers[i].naam.clone())
        .or(excluded.map(|e| e.naam.clone()))
        .unwrap_or_default();
    let _ = writeln!(o, "KvK {kvk}  {naam}");
    let _ = writeln!(
        o,
        "model {}, referentiejaar {}\n",
        config.model, config.referentiejaar
    );

    let _ = writeln!(o, "1. Jaarverslag");
    match run.data.accounts.get(&kvk) {
        None => {
            let _ = writeln!(o, "   none over {}", config.referentiejaar);
        }
        Some(a) => {
            let _ = writeln!(o, "   source: {}", a.bron);
            let _ = writeln!(
                o,
                "   bedrijfsopbrengsten B   {:>18}",
                money(a.bedrijfsopbrengsten)
            );
            if let Some(w) = a.opbrengsten_wlz {
                let _ = writeln!(o, "   opbrengsten_wlz W       {:>18}", money(w));
            }
            let _ = writeln!(
                o,
                "   bedrijfslasten L        {:>18}",
                money(a.bedrijfslasten)
            );
            let _ = writeln!(
                o,
                "   financiele_baten FB     {:>18}",
                money(a.financiele_baten)
            );
            let _ = writeln!(
                o,
                "   financiele_lasten FL    {:>18}",
                money(a.financiele_lasten)
            );
            let formula = match calc.resultaat {
                ResultDefinition::InclusiefFinancieel => "B − L + FB − FL",
                ResultDefinition::Bedrijfsresultaat => "B − L",
            };
            let _ = writeln!(
                o,
                "   resultaat R = {formula} = {}",
                money(result(a, calc.resultaat))
            );
        }
    }

    let _ = writeln!(o, "\n2. Declaraties over {}", config.referentiejaar);
    match claims {
        None => {
            let _ = writeln!(o, "   none");
        }
        Some(c) => {
            let via: Vec<String> = c
                .via
                .iter()
                .map(|v| match v {
                    crate::model::Claimant::Agb(a) => format!("AGB {a}"),
                    crate::model::Claimant::Kvk(k) => format!("KvK {k}"),
                })
                .collect();
            let _ = writeln!(o, "   claimed under: {}", via.join(", "));
            let header = [
                "prestatiecode",
                "sector",
                "leveringsvorm",
                "component",
                "aantal",
                "bedrag d",
                "max_tarief m",
                "kapitaal e",
                "k",
                "x",
                "s",
                "s_max",
            ];
            let mut rows = Vec::new();
            for (code, sums) in &c.lines {
                let t = &run.data.tariffs.by_code[code];
                let parts = line_parts(sums, t);
                rows.push(vec![
                    code.clone(),
                    t.sector.to_string(),
                    t.leveringsvorm.to_string(),
                    t.component.to_string(),
                    sums.aantal.normalize().to_string(),
                    money(sums.bedrag),
                    money(t.max_tarief),
                    money(t.kapitaal_per_eenheid),
                    money(parts.kapitaal),
                    money(parts.volledig),
                    money(parts.zorg),
                    money(parts.zorg_max),
                ]);
            }
            let right = [
                false, false, false, false, true, true, true, true, true, true, true, true,
            ];
            for line in columns(&header, &rows, &right).lines() {
                let _ = writeln!(o, "   {line}");
            }
        }
    }

    if let Some(e) = excluded {
        let _ = writeln!(
            o,
            "\n3. Excluded from the population: {}",
            super::reasons::reden(&e.reasons)
        );
        return Some(o);
    }
    let i = index.expect("in the population");
    let p = &run.providers[i];
    let f = &p.claims;
    let _ = writeln!(
        o,
        "   D = Σd {}   K = Σk {}   X = Σx {}   S = Σs {}   S_max = Σs_max {}",
        money(f.declaraties),
        money(f.kapitaal),
        money(f.volledig),
        money(f.zorg),
        money(f.zorg_max)
    );
    if !f.zorg_max.is_zero() {
        let _ = writeln!(
            o,
            "   realised percentage p = S / S_max = {}%",
            percent(f.zorg / f.zorg_max, 4)
        );
    }

    let _ = writeln!(o, "\n3. Classification");
    let per_sector: Vec<String> = Sector::ALL
        .iter()
        .zip(f.per_sector)
        .map(|(s, d)| format!("{s} {}", money(d)))
        .collect();
    let _ = writeln!(
        o,
        "   Σd per sector: {}  → sector {} (sector_bron = {})",
        per_sector.join(", "),
        p.sector,
        word(&calc.sector_bron)
    );
    let cl = &config.clustering;
    if cl.clusters {
        let rule = match cl.drempel_telt_als {
            ThresholdSide::Intramuraal => "≥",
            ThresholdSide::Extramuraal => ">",
        };
        let _ = writeln!(
            o,
            "   intramural Σd {} of D {}: a = {}%; intramural when a {rule} {}%  → cluster {}",
            money(f.intramuraal),
            money(f.declaraties),
            percent(p.intramuraal_aandeel, 4),
            percent(cl.intramuraal_drempel, 2),
            p.cluster
        );
    } else {
        let _ = writeln!(o, "   clusters are off  → cluster alle");
    }

    let pos = &p.position;
    let _ = writeln!(o, "\n4. Result at a percentage r");
    let _ = writeln!(o, "   ρ = {}", rho_text(pos.rho));
    let (formula, base) = if calc.nhc_nic_strippen {
        ("R + ρ·(r·S_max − S)   (NHC/NIC stripped)", "S_max")
    } else {
        (
            "R + ρ·(r·(S_max + K) − (S + K))   (NHC/NIC not stripped)",
            "S_max + K",
        )
    };
    let _ = writeln!(o, "   R(r) = {formula}");
    let _ = writeln!(
        o,
        "   base {base} = {}, paid now {}",
        money(pos.basis),
        money(pos.huidig)
    );
    let _ = writeln!(
        o,
        "   omzet O (omzet_basis = {}) = {}",
        word(&calc.omzet_basis),
        money(pos.omzet)
    );
    let g = run.group_of(i).expect("every provider is in a group");
    let j = g.members.iter().position(|&m| m == i).expect("member");
    let _ = writeln!(
        o,
        "   break-even r* = {}%",
        break_even(g.result.break_evens[j])
    );

    let at = g.result.rtp;
    let _ = writeln!(
        o,
        "\n5. Group {}: RTP {}% (binding: {}, {} providers)",
        g.name(),
        rtp(run, at),
        g.result.bindend.as_str(),
        g.result.n
    );
    let positive = pos.is_positive_at(at, config.criteria.nul_is_positief);
    let _ = writeln!(
        o,
        "   R(RTP) = {}  → {}",
        money(pos.result_at(at)),
        if positive {
            "positive (counts towards both criteria)"
        } else {
            "negative"
        }
    );
    Some(o)
}

/// The scenarios table printed by `scenarios`: per scenario and group the RTP and how far
/// it lies from the base configuration's RTP of the same group.
pub(crate) fn scenario_table(solved: &[crate::scenario::Solved]) -> String {
    let base = solved.first().map(|s| &s.run);
    let header = [
        "scenario",
        "model",
        "groep",
        "aanbieders",
        "rtp",
        "bindend",
        "haalbaar",
        "voldaan",
        "verschil",
    ];
    let mut rows = Vec::new();
    for s in solved {
        for (g, r) in s.run.groups.iter().zip(super::rtp_rows(&s.run)) {
            let verschil = base
                .and_then(|b| {
                    b.groups
                        .iter()
                        .find(|h| h.sector == g.sector && h.cluster == g.cluster)
                })
                .map(|h| super::points(g.result.rtp - h.result.rtp))
                .unwrap_or_default();
            rows.push(vec![
                s.naam.clone(),
                s.run.config.model.to_string(),
                g.name(),
                r[2].clone(),
                r[6].clone(),
                r[7].clone(),
                r[8].clone(),
                r[11].clone(),
                verschil,
            ]);
        }
    }
    let right = [false, false, false, true, true, false, false, false, true];
    let mut out =
        String::from("RTP per scenario and group; verschil in percentage points against basis\n");
    out += &columns(&header, &rows, &right);
    out
}
