//! Text for people: the RTP table `run` prints on stdout, the verdict of `check`, and the
//! step-by-step account of one provider that `explain` prints. Labels are English; the
//! contract's Dutch terms (omzet, resultaat, prestatiecode) are kept where they name data.
//!
//! Numbers are written as the CSVs write them, through `Value`; tables are laid out by
//! `table::text`. Nothing is computed here but the layout.

use std::fmt::Write as _;

use rust_decimal::Decimal;

use super::table::{as_written, Table, Value};
use super::{rtp, rtp_row, RTP_COLUMNS};
use crate::classify::result;
use crate::config::{ResultDefinition, ThresholdSide};
use crate::model::{Kvk, Sector};
use crate::pipeline::{Group, Run};
use crate::solve::{Rho, Verdict};

/// The RTP table printed by `run`.
pub(crate) fn rtp_table(run: &Run) -> String {
    let sign = positive_sign(run);
    // rtp.csv's columns, with sector and cluster as one `groep` and the shares labelled
    // with the sign that counts as positive.
    let middle: Vec<&str> = RTP_COLUMNS.split(',').skip(2).take(7).collect();
    let header = format!(
        "groep,{},% aanbieders {sign},% omzet {sign},voldaan",
        middle.join(",")
    );
    let rows = run
        .groups
        .iter()
        .map(|g| {
            let mut row = vec![Value::from(g.name())];
            row.extend(rtp_row(run, g).into_iter().skip(2));
            row
        })
        .collect();
    let mut out = format!(
        "RTP per groep (model {}), referentiejaar {}\n",
        run.config.model, run.config.referentiejaar
    );
    out += &super::table::text(&Table::new("RTP", &header, rows));
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
        Value::Share(at.share_providers()),
        at.needed,
        as_written(c.aandeel_aanbieders),
        verdict(at.aantal_met()),
        at.positive as i64 - at.needed as i64
    );
    if c.aandeel_omzet.is_zero() {
        let _ = writeln!(out, "  omzet criterion: switched off (aandeel_omzet = 0)");
    } else {
        let _ = writeln!(
            out,
            "  omzet of those providers: {} of {} ({}%); needed {} ({}%): {}, margin {}",
            Value::Money(at.omzet_positive),
            Value::Money(at.omzet_total),
            Value::Share(at.share_omzet()),
            Value::Money(at.omzet_needed),
            as_written(c.aandeel_omzet),
            verdict(at.omzet_met()),
            Value::Money(at.omzet_positive - at.omzet_needed)
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
            Value::Money(wlz),
            Value::Money(declared),
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
    let shown = run.data.identity(kvk);
    if shown == kvk.to_string() {
        let _ = writeln!(o, "KvK {shown}  {naam}");
    } else {
        let _ = writeln!(o, "pseudonym {shown}");
    }
    let _ = writeln!(
        o,
        "model {}, referentiejaar {}\n",
        config.model, config.referentiejaar
    );

    let _ = writeln!(o, "1. Jaarverslag");
    match run.data.accounts.get(&kvk) {
        None => match run.data.incomplete.get(&kvk) {
            Some(variabelen) => {
                let _ = writeln!(
                    o,
                    "   in the DigiMV dataset, but empty there: {}",
                    variabelen.join(", ")
                );
            }
            None => {
                let _ = writeln!(o, "   none over {}", config.referentiejaar);
            }
        },
        Some(a) => {
            let _ = writeln!(o, "   source: {}", a.bron);
            // From the DigiMV dataset: the variable, sheet and cell of every figure.
            for (column, origin) in run.data.digimv_origins.get(&kvk).into_iter().flatten() {
                let _ = writeln!(o, "   {column:<23} {origin}");
            }
            if let Some(choice) = run.data.digimv_sectors.get(&kvk) {
                use crate::pipeline::SectorChoice;
                let said = match choice {
                    SectorChoice::Vlag(s) => format!("{s}, the one care-type flag that is ja"),
                    SectorChoice::Meerdere(s) => format!(
                        "several care-type flags are ja ({}): the claims' main sector counts",
                        s.join(", ")
                    ),
                    SectorChoice::Geen => {
                        "no care-type flag is ja: the claims' main sector counts".to_string()
                    }
                };
                let _ = writeln!(o, "   sector (DigiMV)         {said}");
            }
            let _ = writeln!(
                o,
                "   bedrijfsopbrengsten B   {:>18}",
                Value::Money(a.bedrijfsopbrengsten)
            );
            if let Some(w) = a.opbrengsten_wlz {
                let _ = writeln!(o, "   opbrengsten_wlz W       {:>18}", Value::Money(w));
            }
            let _ = writeln!(
                o,
                "   bedrijfslasten L        {:>18}",
                Value::Money(a.bedrijfslasten)
            );
            let _ = writeln!(
                o,
                "   financiele_baten FB     {:>18}",
                Value::Money(a.financiele_baten)
            );
            let _ = writeln!(
                o,
                "   financiele_lasten FL    {:>18}",
                Value::Money(a.financiele_lasten)
            );
            let formula = match calc.resultaat {
                ResultDefinition::InclusiefFinancieel => "B − L + FB − FL",
                ResultDefinition::Bedrijfsresultaat => "B − L",
            };
            let _ = writeln!(
                o,
                "   resultaat R = {formula} = {}",
                Value::Money(result(a, calc.resultaat))
            );
        }
    }

    let _ = writeln!(o, "\n2. Declaraties over {}", config.referentiejaar);
    match claims {
        // A verification bundle holds each provider's sums, not its claims.
        None if run.data.bundle.is_some() && run.data.totals.contains_key(&kvk) => {
            let _ = writeln!(
                o,
                "   per prestatiecode: not in a verification bundle, which holds only the sums below"
            );
        }
        None => {
            let _ = writeln!(o, "   none");
        }
        Some(c) => {
            let _ = writeln!(o, "   claimed under: {}", super::claimed_under(c));
            let header = "prestatiecode,sector,leveringsvorm,component,aantal,bedrag d,max_tarief m,kapitaal e,k,x,s,s_max";
            let rows = super::claim_rows(run, c);
            let table = Table::new("Declaraties", header, rows);
            for line in super::table::text(&table).lines() {
                let _ = writeln!(o, "   {line}");
            }
            // The lines claimed in another unit than their tariff's: what was claimed, and
            // the aantal above, converted (rounded half to even to six decimals).
            for (code, u) in &c.units {
                let claimed: Vec<String> = u
                    .claimed
                    .iter()
                    .map(|(unit, n)| match unit {
                        Some(unit) => format!("{} {unit}", Value::Quantity(*n)),
                        None => format!("{} (no eenheid, in {})", Value::Quantity(*n), u.into),
                    })
                    .collect();
                let _ = writeln!(
                    o,
                    "   {code}: Σ aantal {} = {} {}",
                    claimed.join(" + "),
                    Value::Quantity(c.lines[code].aantal),
                    u.into
                );
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
        Value::Money(f.declaraties),
        Value::Money(f.kapitaal),
        Value::Money(f.volledig),
        Value::Money(f.zorg),
        Value::Money(f.zorg_max)
    );
    if !f.zorg_max.is_zero() {
        let _ = writeln!(
            o,
            "   realised percentage p = S / S_max = {}%",
            Value::Percent(f.zorg / f.zorg_max, 4)
        );
    }

    let _ = writeln!(o, "\n3. Classification");
    let per_sector: Vec<String> = Sector::ALL
        .iter()
        .zip(f.per_sector)
        .map(|(s, d)| format!("{s} {}", Value::Money(d)))
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
            Value::Money(f.intramuraal),
            Value::Money(f.declaraties),
            Value::Percent(p.intramuraal_aandeel, 4),
            Value::Percent(cl.intramuraal_drempel, 2),
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
        Value::Money(pos.basis),
        Value::Money(pos.huidig)
    );
    let _ = writeln!(
        o,
        "   omzet O (omzet_basis = {}) = {}",
        word(&calc.omzet_basis),
        Value::Money(pos.omzet)
    );
    let g = run.group_of(i).expect("every provider is in a group");
    let j = g.members.iter().position(|&m| m == i).expect("member");
    let _ = writeln!(
        o,
        "   break-even r* = {}%",
        Value::BreakEven(g.result.break_evens[j])
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
        Value::Money(pos.result_at(at)),
        if positive {
            "positive (counts towards both criteria)"
        } else {
            "negative"
        }
    );
    Some(o)
}
