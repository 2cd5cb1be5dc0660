//! From the RTP to each provider's tariff: every zorgkantoor's policy in force in the
//! contract year applied to the providers it buys from (the `kenmerken` input), per
//! prestatiecode the provider claimed (or that it does not contract it); the amounts the
//! policies pay besides the tariffs and the zorgkantoren's budgets; each provider's result
//! at those tariffs; each zorgkantoor's cost against paying everyone the RTP and against
//! its contracteerruimte; and per zorgkantoor the lists for its hardship clause and its
//! conversations.
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
//! The policies' amounts per provider are revenue at face value: R_t + Σ bedragen, not
//! scaled by ρ (the zorgkantoor pays them as agreed; they are not claims). A provider with
//! a prestatie that is not paid (not contracted, or no percentage known) has no result at
//! its tariffs: its revenue for that care is not known, and a result without it would
//! show a loss that is not one (or hide one). It is in no hardship or conversation list
//! that needs the result.
//!
//! Providers outside the population but with claims (new providers are usually excluded
//! from the RTP's population) get tariffs too: from the RTP of the group `classify` would
//! put them in (the sector as `sector_bron` says, the cluster by the threshold). Their
//! result at the tariffs is not computed, since the core has no position for them.
//!
//! `resultaatmarge`, which rules may name, is R ÷ O for every provider: R as the
//! configuration defines it and O as the omzet criterion weighs it (`omzet_as_classified`),
//! and unknown, so that no condition on it holds, without an O > 0. Every decision on a
//! quotient (a condition, a conversation's margin at the tariffs) is made by
//! multiplication.
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
use crate::policy::{Facts, Paid, Policy, Priced, Quotient};
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
    /// 0 for a prestatie the policy pays no percentage for: nothing is paid for it.
    pub kosten_beleid: Decimal,
    /// What it would cost at the RTP, paid or not.
    pub kosten_rtp: Decimal,
}

impl TariffLine {
    /// Whether the zorgkantoor pays a percentage for it (not when it does not contract it,
    /// nor when the percentage is not known).
    pub(crate) fn paid(&self) -> bool {
        self.priced.percentage().is_some()
    }

    /// `gecontracteerd`, `niet gecontracteerd` or `onbekend: REDEN`, as tarieven.csv shows it.
    pub(crate) fn status(&self) -> String {
        match &self.priced.paid {
            Paid::Percentage(_) => "gecontracteerd".to_string(),
            Paid::NotContracted { .. } => "niet gecontracteerd".to_string(),
            Paid::Unknown(reden) => format!("onbekend: {reden}"),
        }
    }
}

/// An amount a policy pays besides the tariffs: to one provider (`[[bedrag]]`), or a budget
/// of the zorgkantoor (soort `budget`, no provider).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AmountLine {
    pub zorgkantoor: Zorgkantoor,
    /// The policy file.
    pub beleid: String,
    pub naam: String,
    pub soort: String,
    /// Euros, exact; none for a budget that needs a contracteerruimte the input lacks.
    pub bedrag: Option<Decimal>,
    /// How it was computed, e.g. `12 × € 5.000 = € 60.000`.
    pub berekening: String,
    /// The source, cited in full.
    pub bron: String,
}

/// What is known of a contracted provider's result: only for providers in the population,
/// which have a position (R, ρ, O) the core computed, and whose every prestatie is paid.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Outcome {
    /// Index into `Run::providers`.
    pub provider: usize,
    /// The policies' amounts for the provider at all its zorgkantoren, at face value.
    pub bedragen: Decimal,
    /// R_t + Σ bedragen: the result at its own tariffs with the amounts besides them.
    pub resultaat: Decimal,
    /// R_t + Σ bedragen < 0, decided exactly.
    pub hardheid: bool,
    /// (R_t + Σ bedragen) ÷ O as shown; none when O ≤ 0.
    pub marge: Option<Decimal>,
    /// The same as its exact parts, for decisions: (R·D + W·effect + A·D) ÷ (O·D) when
    /// ρ = W/D.
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
    /// Index into `Run::providers`; none outside the population.
    pub provider: Option<usize>,
    /// (R, O) of the reference year with O > 0, the `resultaatmarge` the rules saw; or
    /// why it is not known.
    pub resultaatmarge: Result<(Decimal, Decimal), String>,
    /// (zorgkantoor, aandeel), in the order of `Zorgkantoor::ALL`.
    pub zorgkantoren: Vec<(Zorgkantoor, Decimal)>,
    pub lines: Vec<TariffLine>,
    /// The amounts its zorgkantoren's policies pay it, per zorgkantoor in order.
    pub amounts: Vec<AmountLine>,
    /// None for a provider outside the population (its tariff is known, its result not)
    /// and for one with a prestatie that is not paid (`toelichting` says why).
    pub outcome: Option<Outcome>,
    /// Why there is no result at the tariffs; none when there is one.
    pub toelichting: Option<String>,
}

/// Per zorgkantoor: its providers and the cost of its policy against the RTP.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Cost {
    pub zorgkantoor: Zorgkantoor,
    pub aanbieders: usize,
    /// The tariffs the policy pays.
    pub beleid: Decimal,
    /// Every prestatie at the RTP, paid by the policy or not.
    pub rtp: Decimal,
    /// The part of `rtp` of prestaties the policy does not pay (not contracted, or no
    /// percentage known): care that is bought elsewhere or not at all, not a saving.
    pub niet_gecontracteerd_rtp: Decimal,
    /// The amounts the policies pay the providers besides the tariffs.
    pub bedragen: Decimal,
    /// The zorgkantoor's budgets that could be computed.
    pub budgetten: Decimal,
    /// Its contracteerruimte in the contract year, when the input names one.
    pub contracteerruimte: Option<Decimal>,
}

impl Cost {
    /// What the policy costs in all: tariffs, amounts and budgets.
    pub(crate) fn totaal(&self) -> Decimal {
        self.beleid + self.bedragen + self.budgetten
    }

    /// The RTP cost of the prestaties the policy pays: what its tariffs compare with.
    pub(crate) fn rtp_gecontracteerd(&self) -> Decimal {
        self.rtp - self.niet_gecontracteerd_rtp
    }
}

/// A provider below 0 at its tariffs, under a zorgkantoor whose policy has a hardship
/// clause.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct HardshipCase {
    pub zorgkantoor: Zorgkantoor,
    /// Index into `Contracting::contracted`.
    pub contracted: usize,
    /// The policy file whose clause it is.
    pub beleid: String,
    pub criteria: Vec<String>,
    pub uiterlijk: Option<String>,
    pub bron: String,
}

/// A provider a policy's `[[gesprek]]` lists.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Conversation {
    pub zorgkantoor: Zorgkantoor,
    pub bestand: String,
    pub gesprek: String,
    pub kvk: Kvk,
    pub naam: String,
    /// (R_t + Σ bedragen) ÷ O; none when O ≤ 0.
    pub marge: Option<Decimal>,
    pub bron: String,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Contracting {
    pub contracted: Vec<Contracted>,
    pub costs: Vec<Cost>,
    /// The zorgkantoren's budgets, per zorgkantoor in order.
    pub budgets: Vec<AmountLine>,
    pub hardship: Vec<HardshipCase>,
    pub conversations: Vec<Conversation>,
    /// KvK numbers that get no tariff, with the reason (sorted by KvK).
    pub without: Vec<(Kvk, String, String)>,
    /// Policy files read but not in force in the contract year, with their periode.
    pub niet_van_kracht: Vec<(String, String)>,
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

/// The policies of `read` in force in the contract year applied to the providers of its
/// kenmerken: the tariffs, the amounts besides them, each provider's result, the
/// zorgkantoren's costs against the RTP and their contracteerruimte, and the lists for the
/// hardship clause and the conversations.
pub(crate) fn contract(run: &Run, read: &PolicyData) -> Result<Contracting> {
    let kenmerken = &read.kenmerken;
    // A policy out of force is read and checked, never applied.
    let policies: Vec<&Policy> = read.policies.iter().filter(|p| p.in_force).collect();
    let niet_van_kracht = read
        .policies
        .iter()
        .filter(|p| !p.in_force)
        .map(|p| (p.bestand.clone(), p.periode.clone()))
        .collect();
    let ruimte = read
        .contracteerruimte
        .as_ref()
        .map(|(_, c)| c.of_year(run.config.beleid.contractjaar))
        .unwrap_or_default();
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
    let mut conversations = Vec::new();
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
        // What the rules see under each zorgkantoor: its row's characteristics and the
        // run's figures; the margin at the tariffs is not known while pricing.
        let facts: Vec<Facts> = rows
            .iter()
            .map(|row| Facts {
                kenmerken: &row.values,
                resultaatmarge: resultaatmarge.clone(),
                intramuraal_aandeel: standing.intramuraal.clone(),
                rtp,
                sector: standing.sector,
                resultaatmarge_bij_tarief: None,
            })
            .collect();
        let mut lines = Vec::new();
        // Σ_zk a·Σ_c (p·s_max + (q − 1)·k): the care and capital revenue at the tariffs,
        // against what the core's S (and K) hold. Exact (`Wide`): a product of a share, a
        // percentage and a 12-decimal s_max can need more digits than Decimal holds, and
        // Decimal would round it silently; the hardship decision below rests on it.
        let mut revenue = Wide::from(Decimal::ZERO);
        for (row, facts) in rows.iter().zip(&facts) {
            for (code, sums) in &run.data.claims[&kvk].lines {
                let t = &tariffs[code];
                let policy = policies
                    .iter()
                    .find(|x| x.zorgkantoor == row.zorgkantoor && x.sector == t.sector);
                let (priced, q) = match policy {
                    Some(x) => match x.price(code, t, facts) {
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
        // The policies that price the provider's prestaties under each zorgkantoor: theirs
        // are its amounts, its conversations and its hardship clause.
        let pricing = |zk: Zorgkantoor| -> Vec<&Policy> {
            policies
                .iter()
                .copied()
                .filter(|x| {
                    x.zorgkantoor == zk
                        && lines
                            .iter()
                            .any(|l| l.zorgkantoor == zk && l.beleid.as_deref() == Some(&x.bestand))
                })
                .collect()
        };
        let mut amounts = Vec::new();
        for (row, facts) in rows.iter().zip(&facts) {
            let zk = row.zorgkantoor;
            // A share of the provider's cost is of what the policies pay it here.
            let kosten: Decimal = lines
                .iter()
                .filter(|l| l.zorgkantoor == zk)
                .map(|l| l.kosten_beleid)
                .sum();
            for x in pricing(zk) {
                for (a, bedrag, how) in x.amounts_for(facts, kosten) {
                    amounts.push(AmountLine {
                        zorgkantoor: zk,
                        beleid: x.bestand.clone(),
                        naam: a.naam.clone(),
                        soort: a.soort.clone(),
                        bedrag: Some(bedrag),
                        berekening: how,
                        bron: a.bron.cite(),
                    });
                }
            }
        }
        let bedragen: Decimal = amounts.iter().filter_map(|a| a.bedrag).sum();
        // A result at the tariffs needs every prestatie paid: with care the zorgkantoor
        // does not buy, or buys at a percentage not known, the provider's revenue is not
        // known, and a result without it would look like a loss (or hide one).
        let unpaid: Vec<String> = lines
            .iter()
            .filter_map(|l| match &l.priced.paid {
                Paid::Percentage(_) => None,
                Paid::NotContracted { rule } => Some(format!(
                    "{} {} niet gecontracteerd ({rule})",
                    l.zorgkantoor, l.prestatiecode
                )),
                Paid::Unknown(reden) => Some(format!(
                    "{} {} zonder percentage ({reden})",
                    l.zorgkantoor, l.prestatiecode
                )),
            })
            .collect();
        let toelichting = if standing.provider.is_none() {
            Some("buiten de populatie: geen positie om een resultaat van te berekenen".to_string())
        } else if !unpaid.is_empty() {
            Some(format!(
                "hangt af van zorg die niet betaald wordt: {}",
                unpaid.join("; ")
            ))
        } else {
            None
        };
        let outcome = standing.provider.filter(|_| unpaid.is_empty()).map(|i| {
            let p = &run.providers[i];
            let effect = revenue.sub(&Wide::from(p.claims.zorg));
            let r = Wide::from(p.position.resultaat);
            // (R_t + A)·D (D = 1 when ρ = 1): R + effect + A, or R·D + W·effect + A·D; its
            // sign is the result's. The amounts are revenue at face value: the zorgkantoor
            // pays them as agreed, they are not claims ρ scales.
            let a = Wide::from(bedragen);
            let (scaled, declared) = match p.position.rho {
                Rho::One => (r.add(&effect).add(&a), Decimal::ONE),
                Rho::Ratio { wlz, declared } => (
                    r.mul(&Wide::from(declared))
                        .add(&Wide::from(wlz).mul(&effect))
                        .add(&a.mul(&Wide::from(declared))),
                    declared,
                ),
            };
            // For display: to Decimal's precision (exact when it fits).
            let resultaat = scaled
                .over(&Wide::from(declared))
                .expect("D > 0 in the population")
                .rounded(28);
            let omzet = p.position.omzet;
            // The margin exactly: (R_t + A)·D over O·D (D = 1 when ρ = 1), in exact
            // integers, since (R_t + A)·D is a product of three amounts.
            let marge_exact =
                Quotient::new(scaled.clone(), Wide::from(omzet).mul(&Wide::from(declared)));
            Outcome {
                provider: i,
                bedragen,
                resultaat,
                hardheid: scaled.sign() == Ordering::Less,
                marge: marge_exact.as_ref().map(|_| resultaat / omzet),
                marge_exact,
            }
        });
        // The conversations: each policy pricing the provider's prestaties lists it when a
        // `[[gesprek]]`'s conditions hold, the margin at the tariffs among them. Only with a
        // result: a conversation about a provider's position needs that position, as the
        // hardship clause does.
        if let Some(o) = &outcome {
            for (row, facts) in rows.iter().zip(&facts) {
                let zk = row.zorgkantoor;
                let mut facts = facts.clone();
                facts.resultaatmarge_bij_tarief = o.marge_exact.clone();
                for x in pricing(zk) {
                    for talk in x.talks_for(&facts) {
                        conversations.push(Conversation {
                            zorgkantoor: zk,
                            bestand: x.bestand.clone(),
                            gesprek: talk.naam.clone(),
                            kvk,
                            naam: standing.naam.clone(),
                            marge: o.marge,
                            bron: talk.bron.cite(),
                        });
                    }
                }
            }
        }
        contracted.push(Contracted {
            kvk,
            naam: standing.naam,
            sector: standing.sector,
            cluster: standing.cluster,
            rtp,
            provider: standing.provider,
            resultaatmarge: standing.marge,
            zorgkantoren: rows.iter().map(|r| (r.zorgkantoor, r.aandeel)).collect(),
            lines,
            amounts,
            outcome,
            toelichting,
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

    let mut costs: Vec<Cost> = Zorgkantoor::ALL
        .iter()
        .map(|&z| Cost {
            zorgkantoor: z,
            aanbieders: 0,
            beleid: Decimal::ZERO,
            rtp: Decimal::ZERO,
            niet_gecontracteerd_rtp: Decimal::ZERO,
            bedragen: Decimal::ZERO,
            budgetten: Decimal::ZERO,
            contracteerruimte: ruimte.get(&z).copied(),
        })
        .collect();
    let mut hardship = Vec::new();
    for (ci, c) in contracted.iter().enumerate() {
        for (zk, _) in &c.zorgkantoren {
            let cost = costs
                .iter_mut()
                .find(|x| x.zorgkantoor == *zk)
                .expect("kenmerken name only known zorgkantoren");
            cost.aanbieders += 1;
            for l in c.lines.iter().filter(|l| l.zorgkantoor == *zk) {
                cost.beleid += l.kosten_beleid;
                cost.rtp += l.kosten_rtp;
                if !l.paid() {
                    cost.niet_gecontracteerd_rtp += l.kosten_rtp;
                }
            }
            for a in c.amounts.iter().filter(|a| a.zorgkantoor == *zk) {
                cost.bedragen += a.bedrag.unwrap_or_default();
            }
            // Below 0 at its tariffs: listed under this zorgkantoor when a policy pricing
            // its prestaties here has a hardship clause (the one of its own sector first).
            if !c.outcome.as_ref().is_some_and(|o| o.hardheid) {
                continue;
            }
            let mut clauses: Vec<(&Policy, &crate::policy::Hardship)> = policies
                .iter()
                .copied()
                .filter(|x| {
                    x.zorgkantoor == *zk
                        && c.lines.iter().any(|l| {
                            l.zorgkantoor == *zk && l.beleid.as_deref() == Some(&x.bestand)
                        })
                })
                .filter_map(|x| Some((x, x.hardship()?)))
                .collect();
            clauses.sort_by_key(|(x, _)| x.sector != c.sector);
            if let Some((x, h)) = clauses.first() {
                hardship.push(HardshipCase {
                    zorgkantoor: *zk,
                    contracted: ci,
                    beleid: x.bestand.clone(),
                    criteria: h.criteria.clone(),
                    uiterlijk: h.uiterlijk.clone(),
                    bron: h.bron.cite(),
                });
            }
        }
    }
    costs.retain(|c| c.aanbieders > 0);
    // The budgets of every policy in force of a zorgkantoor that buys from these providers.
    let mut budgets = Vec::new();
    for cost in &mut costs {
        for x in policies
            .iter()
            .filter(|x| x.zorgkantoor == cost.zorgkantoor)
        {
            for (a, bedrag, how) in x.budgets(cost.contracteerruimte) {
                cost.budgetten += bedrag.unwrap_or_default();
                budgets.push(AmountLine {
                    zorgkantoor: cost.zorgkantoor,
                    beleid: x.bestand.clone(),
                    naam: a.naam.clone(),
                    soort: a.soort.clone(),
                    bedrag,
                    berekening: how,
                    bron: a.bron.cite(),
                });
            }
        }
    }
    hardship.sort_by_key(|h| (h.zorgkantoor, contracted[h.contracted].kvk));
    conversations.sort_by(|a, b| {
        (a.zorgkantoor, &a.bestand, &a.gesprek, a.kvk).cmp(&(
            b.zorgkantoor,
            &b.bestand,
            &b.gesprek,
            b.kvk,
        ))
    });
    Ok(Contracting {
        contracted,
        costs,
        budgets,
        hardship,
        conversations,
        without,
        niet_van_kracht,
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
