//! From the RTP to each provider's tariff: every zorgkantoor's policy applied to the
//! providers it buys from (the `kenmerken` input), per prestatiecode the provider claimed;
//! each provider's result at those tariffs; each zorgkantoor's cost against paying
//! everyone the RTP; and the lists for the hardship clause and the high-result conversation.
//!
//! The result at the tariffs follows the core (methodology section 4), per prestatie:
//! R_t = R + ρ·(Σ_zk a_zk·Σ_c (p_c·s_max,c + (q_zk − 1)·k_c) − S), with a_zk the share of
//! the provider's claims zorgkantoor zk buys, p_c the percentage for prestatie c, q_zk the
//! policy's capital percentage and k_c the capital part. With every p_c equal to the RTP
//! and q = 100% this is exactly R(RTP) of the stripped model, and of the unstripped one
//! when NHC/NIC are paid at 100%. Its sign is decided without division, as in `solve`.
//!
//! Costs use the tariff table: Σ a_zk·aantal·(max_tarief − e)·p + aantal·e·q for care
//! prestaties, aantal·max_tarief·q for NHC/NIC and aantal·max_tarief for `volledig`.
//! The RTP baseline pays the group's RTP on the care part and NHC/NIC at 100% when the
//! model strips them, at the RTP when it does not. A tariff is a percentage of the NZa
//! maximum, so wherever the RTP is paid as a tariff (a prestatie without a policy, and the
//! baseline the costs are compared with) it is bounded to 0-100%, like every policy
//! percentage, even where `bovengrens` lets the RTP itself go up to 200%.
//!
//! Providers outside the population but with claims (new providers are usually excluded
//! from the RTP's population) get tariffs too: from the RTP of the group `classify` would
//! put them in (the sector as `sector_bron` says, the cluster by the threshold). Their
//! result at the tariffs is not computed, since the core has no position for them.
//!
//! `resultaatmarge`, which rules may name, is R ÷ O for every provider: R as the
//! configuration defines it and O as the omzet criterion weighs it (`omzet_as_classified`),
//! and unknown, so that no condition on it holds, without an O > 0. Every decision on a
//! quotient (a condition, the conversation threshold) is made by multiplication.
//!
//! Pure: no IO, nothing printed.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use anyhow::Result;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::aggregate::{line_parts, main_sector, provider_figures};
use crate::classify::is_intramural;
use crate::config::{Config, OmzetBasis, Scaling, SectorSource};
use crate::exact::Wide;
use crate::model::kenmerken::KenmerkRow;
use crate::model::{Accounts, ClaimFigures, Cluster, Component, Kvk, Sector, Tariff, Zorgkantoor};
use crate::pipeline::{PolicyData, Run};
use crate::policy::{Facts, Policy, Priced, Quotient};
use crate::solve::Rho;

/// One prestatie of one provider under one zorgkantoor.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TariffLine {
    pub zorgkantoor: Zorgkantoor,
    pub prestatiecode: String,
    pub component: Component,
    /// The provider's Σ aantal of the code times the zorgkantoor's share.
    pub aantal: Decimal,
    pub priced: Priced,
    /// The policy file, or none when the zorgkantoor has no policy for the code's sector.
    pub beleid: Option<String>,
    pub kosten_beleid: Decimal,
    pub kosten_rtp: Decimal,
}

/// What is known of a contracted provider's result: only for providers in the population,
/// which have a position (R, ρ, O) the core computed.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    /// Index into `Run::providers`.
    pub provider: usize,
    /// R_t: the result at its own tariffs.
    pub resultaat: Decimal,
    /// R_t < 0, decided exactly.
    pub hardheid: bool,
    /// R_t ÷ O as shown; none when O ≤ 0.
    pub marge: Option<Decimal>,
    /// R_t ÷ O as its exact parts, for decisions: (R·D + W·effect) ÷ (O·D) when ρ = W/D.
    pub marge_exact: Option<Quotient>,
}

/// One provider with a `kenmerken` row and a group RTP to start from.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contracted {
    pub kvk: Kvk,
    pub naam: String,
    pub sector: Sector,
    pub cluster: Cluster,
    pub rtp: Decimal,
    /// (R, O) of the reference year with O > 0, the `resultaatmarge` the rules saw; or
    /// why it is not known.
    pub resultaatmarge: Result<(Decimal, Decimal), String>,
    /// (zorgkantoor, aandeel), in the order of `Zorgkantoor::ALL`.
    pub zorgkantoren: Vec<(Zorgkantoor, Decimal)>,
    pub lines: Vec<TariffLine>,
    /// None for a provider outside the population (its tariff is known, its result not).
    pub outcome: Option<Outcome>,
}

/// Per zorgkantoor: its providers and the cost of its policy against the RTP.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cost {
    pub zorgkantoor: Zorgkantoor,
    pub aanbieders: usize,
    pub beleid: Decimal,
    pub rtp: Decimal,
    /// Its contracteerruimte in the contract year, when the input names one.
    pub contracteerruimte: Option<Decimal>,
}

/// A provider a policy lists for a conversation about a lower percentage.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Conversation {
    pub zorgkantoor: Zorgkantoor,
    pub bestand: String,
    pub kvk: Kvk,
    pub naam: String,
    pub marge: Decimal,
    pub drempel: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contracting {
    pub contracted: Vec<Contracted>,
    pub costs: Vec<Cost>,
    pub conversations: Vec<Conversation>,
    /// KvK numbers that get no tariff, with the reason (sorted by KvK).
    pub without: Vec<(Kvk, String, String)>,
}

/// What one prestatie costs at percentage `p` on the care part and `q` on capital.
fn cost(n: Decimal, t: &Tariff, p: Decimal, q: Decimal) -> Decimal {
    match t.component {
        Component::Zorg => {
            n * (t.max_tarief - t.kapitaal_per_eenheid) * p + n * t.kapitaal_per_eenheid * q
        }
        Component::Nhc | Component::Nic => n * t.max_tarief * q,
        Component::Volledig => n * t.max_tarief,
    }
}

/// Who a provider is for its tariff: its group and the figures the rules may look at.
struct Standing {
    naam: String,
    sector: Sector,
    cluster: Cluster,
    rtp: Decimal,
    /// (R, O) with O > 0, or why the margin is not known.
    marge: Result<(Decimal, Decimal), String>,
    intramuraal: Option<Quotient>,
    provider: Option<usize>,
}

/// R and O as a margin: known only when O > 0, since R ÷ O on no omzet (or a negative one)
/// means nothing a threshold could be compared with.
fn margin(r: Decimal, o: Decimal) -> Result<(Decimal, Decimal), String> {
    if o > Decimal::ZERO {
        Ok((r, o))
    } else {
        Err(format!("O = {o} ≤ 0"))
    }
}

/// O, the provider's weight in the omzet criterion, as `classify` computes it under
/// `config` (this mirrors it; a test holds the two equal on every provider of the sample):
/// ρ = 1 (`schaling = declaraties`) or W ÷ D (`jaarverslag`), the Wlz revenue ρ·D (D or
/// W), ρ·K rounded to the cent when ρ = W ÷ D, and O = B − ρ·K (`omzet_basis =
/// bedrijfsopbrengsten`) or ρ·D − ρ·K (`wlz`), without the ρ·K when NHC/NIC are not
/// stripped. None when ρ = W ÷ D cannot be formed (no W > 0, or D ≤ 0).
pub(crate) fn omzet_as_classified(
    a: &Accounts,
    f: &ClaimFigures,
    config: &Config,
) -> Option<Decimal> {
    let calc = &config.berekening;
    let d = f.declaraties;
    let rho = match (calc.schaling, a.opbrengsten_wlz) {
        (Scaling::Declaraties, _) => Rho::One,
        (Scaling::Jaarverslag, Some(w)) if w > Decimal::ZERO && d > Decimal::ZERO => Rho::Ratio {
            wlz: w,
            declared: d,
        },
        (Scaling::Jaarverslag, _) => return None,
    };
    let (wlz_revenue, scaled_capital) = match rho {
        Rho::One => (d, f.kapitaal),
        Rho::Ratio { wlz, declared } => (
            wlz,
            (wlz * f.kapitaal / declared)
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero),
        ),
    };
    let stripped = if calc.nhc_nic_strippen {
        scaled_capital
    } else {
        Decimal::ZERO
    };
    Some(match calc.omzet_basis {
        OmzetBasis::Bedrijfsopbrengsten => a.bedrijfsopbrengsten - stripped,
        OmzetBasis::Wlz => wlz_revenue - stripped,
    })
}

/// A provider outside the population with claims: the group `classify` would put it in
/// (the sector as `sector_bron` says, the cluster by the threshold) and that group's RTP,
/// and its margin R ÷ O with O as `classify` would compute it.
fn outside_standing(run: &Run, kvk: Kvk) -> Result<Standing, String> {
    let Some(claims) = run.data.claims.get(&kvk) else {
        return Err("buiten de populatie, zonder declaraties".into());
    };
    let c = &run.config;
    let year = c.referentiejaar;
    let f = provider_figures(
        &claims.lines,
        &run.data.tariffs.by_code,
        &c.clustering.intramural_forms,
    );
    // The sector by the largest Σd and the cluster by Σd intramural ≥ t·D place a
    // provider by the shares of its claims, which exist only for D > 0 (`classify` admits
    // no one else): with net-credited claims VV's −100 would lose to GZ's 0 and any
    // intramural amount would pass the threshold. No group, so no tariff.
    if f.declaraties <= Decimal::ZERO {
        return Err(format!(
            "buiten de populatie, Wlz-declaraties per saldo {:.2} ≤ 0: geen groep te bepalen",
            f.declaraties
        ));
    }
    let accounts = run.data.accounts.get(&kvk);
    // With the sector from the jaarverslag, a provider without one has no sector: it gets
    // no tariff rather than one from a sector guessed from its claims.
    let sector = match c.berekening.sector_bron {
        SectorSource::Declaraties => main_sector(&f),
        SectorSource::Jaarverslag => match accounts {
            None => {
                return Err(format!(
                    "buiten de populatie, zonder jaarverslag over {year} om de sector uit te nemen (sector_bron = jaarverslag)"
                ))
            }
            Some(a) => a.sector.ok_or_else(|| {
                format!(
                    "buiten de populatie, jaarverslag over {year} zonder sector (sector_bron = jaarverslag)"
                )
            })?,
        },
    };
    let cluster = if !c.clustering.clusters {
        Cluster::Alle
    } else if is_intramural(
        f.intramuraal,
        f.declaraties,
        c.clustering.intramuraal_drempel,
        c.clustering.drempel_telt_als,
    ) {
        Cluster::Intramuraal
    } else {
        Cluster::Extramuraal
    };
    let group = run
        .groups
        .iter()
        .find(|g| g.sector == sector && g.cluster == cluster)
        .ok_or_else(|| format!("buiten de populatie; geen groep {sector}/{cluster} in deze run"))?;
    // The same R ÷ O as inside the population: not R ÷ B, which would make a threshold
    // on `resultaatmarge` mean one thing for new providers and another for the rest.
    let marge = match accounts {
        None => Err(format!("no jaarverslag for {year}")),
        Some(a) => match omzet_as_classified(a, &f, c) {
            None => Err("ρ = W/D needs W > 0 and D > 0 (schaling = jaarverslag)".to_string()),
            Some(o) => margin(crate::classify::result(a, c.berekening.resultaat), o),
        },
    };
    Ok(Standing {
        naam: run.data.names.get(&kvk).cloned().unwrap_or_default(),
        sector,
        cluster,
        rtp: group.result.rtp,
        marge,
        intramuraal: Quotient::of(f.intramuraal, f.declaraties),
        provider: None,
    })
}

/// The policies of `read` applied to the providers of its kenmerken, and each
/// zorgkantoor's cost set against its contracteerruimte of the contract year.
pub(crate) fn contract(run: &Run, read: &PolicyData) -> Result<Contracting> {
    let (policies, kenmerken) = (&read.policies, &read.kenmerken);
    let index: BTreeMap<Kvk, usize> = run
        .providers
        .iter()
        .enumerate()
        .map(|(i, p)| (p.kvk, i))
        .collect();
    let mut by_kvk: BTreeMap<Kvk, Vec<&KenmerkRow>> = BTreeMap::new();
    for r in &kenmerken.rows {
        by_kvk.entry(r.kvk).or_default().push(r);
    }
    // The kenmerken file's row order must not reach the outputs.
    for rows in by_kvk.values_mut() {
        rows.sort_by_key(|r| r.zorgkantoor);
    }
    let mut without: Vec<(Kvk, String, String)> = index
        .iter()
        .filter(|(k, _)| !by_kvk.contains_key(k))
        .map(|(&k, &i)| {
            (
                k,
                run.providers[i].naam.clone(),
                "geen kenmerken".to_string(),
            )
        })
        .collect();
    let stripped = run.config.berekening.nhc_nic_strippen;
    let tariffs = &run.data.tariffs.by_code;

    let mut contracted = Vec::new();
    let mut problems = std::collections::BTreeSet::new();
    for (&kvk, rows) in &by_kvk {
        let standing = match index.get(&kvk) {
            Some(&i) => {
                let p = &run.providers[i];
                Standing {
                    naam: p.naam.clone(),
                    sector: p.sector,
                    cluster: p.cluster,
                    rtp: run
                        .group_of(i)
                        .map(|g| g.result.rtp)
                        .expect("every provider in the population is in a group"),
                    marge: margin(p.position.resultaat, p.position.omzet),
                    intramuraal: Quotient::of(p.claims.intramuraal, p.claims.declaraties),
                    provider: Some(i),
                }
            }
            None => match outside_standing(run, kvk) {
                Ok(s) => s,
                Err(reden) => {
                    let naam = run.data.names.get(&kvk).cloned().unwrap_or_default();
                    without.push((kvk, naam, reden));
                    continue;
                }
            },
        };
        let rtp = standing.rtp;
        // The RTP as a tariff: at most the NZa maximum (and never below 0).
        let paid_rtp = rtp.clamp(Decimal::ZERO, Decimal::ONE);
        let base_q = if stripped { Decimal::ONE } else { paid_rtp };
        let resultaatmarge = standing
            .marge
            .as_ref()
            .ok()
            .and_then(|&(r, o)| Quotient::of(r, o));
        let mut lines = Vec::new();
        // Σ_zk a·Σ_c (p·s_max + (q − 1)·k): the care and capital revenue at the tariffs,
        // against what the core's S (and K) hold. Exact (`Wide`): a product of a share, a
        // percentage and a 12-decimal s_max can need more digits than Decimal holds, and
        // Decimal would round it silently; the hardship decision below rests on it.
        let mut revenue = Wide::from(Decimal::ZERO);
        for row in rows {
            let facts = Facts {
                kenmerken: &row.values,
                resultaatmarge: resultaatmarge.clone(),
                intramuraal_aandeel: standing.intramuraal.clone(),
                rtp,
                sector: standing.sector,
                resultaatmarge_bij_tarief: None,
            };
            for (code, sums) in &run.data.claims[&kvk].lines {
                let t = &tariffs[code];
                // The policy in force in the contract year; only when none is, another
                // of the zorgkantoor and sector (a file of other years may sit beside it).
                let theirs = |x: &&Policy| x.zorgkantoor == row.zorgkantoor && x.sector == t.sector;
                let policy = policies
                    .iter()
                    .filter(theirs)
                    .find(|x| x.in_force)
                    .or_else(|| policies.iter().find(theirs));
                let (priced, q) = match policy {
                    Some(x) => match x.price(code, t, &facts) {
                        Ok(priced) => (priced, x.kapitaal),
                        Err(e) => {
                            problems.insert(format!("KvK {kvk}: {e}"));
                            continue;
                        }
                    },
                    None => (baseline(t, rtp, stripped), base_q),
                };
                let parts = line_parts(sums, t);
                // A prestatie paid no percentage (not contracted, or not known) adds
                // nothing to the revenue or the cost.
                let paid = priced.percentage();
                let capital = Wide::from(q - Decimal::ONE).mul(&Wide::from(parts.kapitaal));
                let line = match (t.component, paid) {
                    (Component::Zorg, Some(pct)) => Wide::from(pct)
                        .mul(&Wide::from(parts.zorg_max))
                        .add(&capital),
                    (Component::Nhc | Component::Nic, Some(_)) => capital,
                    _ => Wide::from(Decimal::ZERO),
                };
                revenue = revenue.add(&Wide::from(row.aandeel).mul(&line));
                let n = row.aandeel * sums.aantal;
                lines.push(TariffLine {
                    zorgkantoor: row.zorgkantoor,
                    prestatiecode: code.clone(),
                    component: t.component,
                    aantal: n,
                    kosten_beleid: paid.map_or(Decimal::ZERO, |pct| cost(n, t, pct, q)),
                    kosten_rtp: cost(n, t, paid_rtp, base_q),
                    beleid: policy.map(|x| x.bestand.clone()),
                    priced,
                });
            }
        }
        let outcome = standing.provider.map(|i| {
            let p = &run.providers[i];
            let effect = revenue.sub(&Wide::from(p.claims.zorg));
            let r = Wide::from(p.position.resultaat);
            // R_t·D (D = 1 when ρ = 1): R + effect, or R·D + W·effect; its sign is R_t's.
            let (scaled, declared) = match p.position.rho {
                Rho::One => (r.add(&effect), Decimal::ONE),
                Rho::Ratio { wlz, declared } => (
                    r.mul(&Wide::from(declared))
                        .add(&Wide::from(wlz).mul(&effect)),
                    declared,
                ),
            };
            // For display: R_t to Decimal's precision (exact when it fits).
            let resultaat = scaled
                .over(&Wide::from(declared))
                .expect("D > 0 in the population")
                .rounded(28);
            let omzet = p.position.omzet;
            // R_t ÷ O exactly: R_t·D over O·D (D = 1 when ρ = 1), in exact integers, since
            // R_t·D is a product of three amounts.
            let marge_exact =
                Quotient::new(scaled.clone(), Wide::from(omzet).mul(&Wide::from(declared)));
            Outcome {
                provider: i,
                resultaat,
                hardheid: scaled.sign() == std::cmp::Ordering::Less,
                marge: marge_exact.as_ref().map(|_| resultaat / omzet),
                marge_exact,
            }
        });
        contracted.push(Contracted {
            kvk,
            naam: standing.naam,
            sector: standing.sector,
            cluster: standing.cluster,
            rtp,
            resultaatmarge: standing.marge,
            zorgkantoren: rows.iter().map(|r| (r.zorgkantoor, r.aandeel)).collect(),
            lines,
            outcome,
        });
    }
    if !problems.is_empty() {
        let n = problems.len();
        let shown: Vec<&String> = problems.iter().take(10).collect();
        anyhow::bail!(
            "{n} tariff{} outside 0-100%{}:\n  {}",
            if n == 1 { "" } else { "s" },
            if n > 10 { "; the first 10" } else { "" },
            shown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join("\n  ")
        );
    }
    without.sort();

    let ruimte = read
        .contracteerruimte
        .as_ref()
        .map(|(_, c)| c.of_year(run.config.beleid.contractjaar))
        .unwrap_or_default();
    let mut costs: Vec<Cost> = Zorgkantoor::ALL
        .iter()
        .map(|&z| Cost {
            zorgkantoor: z,
            aanbieders: 0,
            beleid: Decimal::ZERO,
            rtp: Decimal::ZERO,
            contracteerruimte: ruimte.get(&z).copied(),
        })
        .collect();
    let mut conversations = Vec::new();
    for c in &contracted {
        for (zk, _) in &c.zorgkantoren {
            let cost = costs
                .iter_mut()
                .find(|x| x.zorgkantoor == *zk)
                .expect("kenmerken name only known zorgkantoren");
            cost.aanbieders += 1;
            for l in c.lines.iter().filter(|l| l.zorgkantoor == *zk) {
                cost.beleid += l.kosten_beleid;
                cost.rtp += l.kosten_rtp;
            }
            // A policy lists the provider when it pays one of its prestaties and the
            // provider's margin at its tariffs is above the policy's threshold: R_t > g·O,
            // decided on the margin's exact parts, not on a rounded R_t ÷ O.
            let Some(outcome) = &c.outcome else { continue };
            let Some(exact) = &outcome.marge_exact else {
                continue;
            };
            for x in policies.iter().filter(|x| x.zorgkantoor == *zk) {
                let pays = c
                    .lines
                    .iter()
                    .any(|l| l.zorgkantoor == *zk && l.beleid.as_deref() == Some(&x.bestand));
                if let (Some(drempel), Some(marge)) = (x.gesprek_boven, outcome.marge) {
                    if pays && exact.cmp_to(drempel) == Ordering::Greater {
                        conversations.push(Conversation {
                            zorgkantoor: *zk,
                            bestand: x.bestand.clone(),
                            kvk: c.kvk,
                            naam: c.naam.clone(),
                            marge,
                            drempel,
                        });
                    }
                }
            }
        }
    }
    costs.retain(|c| c.aanbieders > 0);
    Ok(Contracting {
        contracted,
        costs,
        conversations,
        without,
    })
}

/// A prestatie of a sector the zorgkantoor has no policy for: the group's RTP on the care
/// part, capital as the model pays it. The RTP may be above 100% (`bovengrens` up to 200);
/// as a tariff it is bounded to 0-100% like every policy percentage, and the line says so.
fn baseline(t: &Tariff, rtp: Decimal, stripped: bool) -> Priced {
    let from_rtp = || {
        let mut steps = vec![format!("geen beleid: rtp {}%", crate::policy::pct(rtp))];
        let paid = rtp.clamp(Decimal::ZERO, Decimal::ONE);
        if paid > rtp {
            steps.push("ondergrens 0%".to_string());
        } else if paid < rtp {
            steps.push("bovengrens 100%".to_string());
        }
        (paid, steps)
    };
    let (percentage, steps) = match t.component {
        Component::Zorg => from_rtp(),
        Component::Nhc | Component::Nic if stripped => {
            (Decimal::ONE, vec!["geen beleid: kapitaal 100%".to_string()])
        }
        Component::Nhc | Component::Nic => from_rtp(),
        Component::Volledig => (Decimal::ONE, vec!["volledig 100%".to_string()]),
    };
    Priced {
        paid: crate::policy::Paid::Percentage(percentage),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sample run under the sample configuration with `overlay` (TOML) laid over it.
    fn sample(overlay: &str) -> Run {
        let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        let path = root.join("data/voorbeeld/richttarief.toml");
        let base = crate::config::parse_file(&path).unwrap();
        let top = crate::config::parse_text(overlay).unwrap();
        let config = crate::config::resolve(&[&base, &top], &root.join("data/voorbeeld")).unwrap();
        crate::pipeline::run(&config, &crate::pipeline::Quiet).unwrap()
    }

    #[test]
    fn omzet_as_classified_is_the_o_classify_computed_for_every_provider() {
        // classify computes O once for the population; outside it, `omzet_as_classified`
        // must give the same O for the same accounts and claims under every setting that
        // shapes it, or a margin would mean one thing inside the population and another
        // outside.
        // (overlay, whether O differs from B for most providers there)
        for (overlay, moves_o) in [
            ("", true),
            ("[berekening]\nomzet_basis = \"wlz\"\n", true),
            ("[berekening]\nschaling = \"jaarverslag\"\n", true),
            (
                "[berekening]\nschaling = \"jaarverslag\"\nomzet_basis = \"wlz\"\n",
                true,
            ),
            (
                "[berekening]\nnhc_nic_strippen = false\nschaling = \"jaarverslag\"\n",
                false,
            ),
        ] {
            let run = sample(overlay);
            assert!(run.providers.len() > 50, "{overlay}");
            let mut differ_from_b = 0;
            for p in &run.providers {
                let o = omzet_as_classified(&p.accounts, &p.claims, &run.config);
                assert_eq!(o, Some(p.position.omzet), "{overlay}: KvK {}", p.kvk);
                if p.position.omzet != p.accounts.bedrijfsopbrengsten {
                    differ_from_b += 1;
                }
            }
            // Not a comparison of B with B: stripping or the Wlz base moves most O away.
            if moves_o {
                assert!(differ_from_b > 10, "{overlay}: {differ_from_b}");
            }
        }
    }
}
