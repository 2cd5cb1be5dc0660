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
//! model strips them, at the RTP when it does not.
//!
//! Providers outside the population but with claims (new providers are usually excluded
//! from the RTP's population) get tariffs too: from the RTP of the group their claims would
//! put them in, as `classify` would place them. Their result is not computed, since the
//! core has no position for them.
//!
//! Pure: no IO, nothing printed.

use std::collections::BTreeMap;

use anyhow::Result;
use rust_decimal::Decimal;

use crate::aggregate::{line_parts, main_sector, provider_figures};
use crate::classify::is_intramural;
use crate::exact::Wide;
use crate::ingest::{KenmerkRow, Kenmerken};
use crate::model::{Cluster, Component, Kvk, Sector, Tariff};
use crate::pipeline::Run;
use crate::policy::{Facts, Policy, Priced, ZORGKANTOREN};
use crate::solve::Rho;

/// One prestatie of one provider under one zorgkantoor.
#[derive(Debug, Clone, PartialEq)]
pub struct TariffLine {
    pub zorgkantoor: String,
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
pub struct Outcome {
    /// Index into `Run::providers`.
    pub provider: usize,
    /// R_t: the result at its own tariffs.
    pub resultaat: Decimal,
    /// R_t < 0, decided exactly.
    pub hardheid: bool,
    /// R_t ÷ O (zero when O is zero).
    pub marge: Decimal,
}

/// One provider with a `kenmerken` row and a group RTP to start from.
#[derive(Debug, Clone, PartialEq)]
pub struct Contracted {
    pub kvk: Kvk,
    pub naam: String,
    pub sector: Sector,
    pub cluster: Cluster,
    pub rtp: Decimal,
    /// (zorgkantoor, aandeel), in the order of `policy::ZORGKANTOREN`.
    pub zorgkantoren: Vec<(String, Decimal)>,
    pub lines: Vec<TariffLine>,
    /// None for a provider outside the population (its tariff is known, its result not).
    pub outcome: Option<Outcome>,
}

/// Per zorgkantoor: its providers and the cost of its policy against the RTP.
#[derive(Debug, Clone, PartialEq)]
pub struct Cost {
    pub zorgkantoor: String,
    pub aanbieders: usize,
    pub beleid: Decimal,
    pub rtp: Decimal,
}

/// A provider a policy lists for a conversation about a lower percentage.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub zorgkantoor: String,
    pub bestand: String,
    pub kvk: Kvk,
    pub naam: String,
    pub marge: Decimal,
    pub drempel: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contracting {
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
    marge: Decimal,
    intramuraal: Decimal,
    provider: Option<usize>,
}

/// A provider outside the population with claims: the group its claims would put it in,
/// as `classify` does (sector by claims, cluster by the threshold), and that group's RTP.
fn outside_standing(run: &Run, kvk: Kvk) -> Result<Standing, String> {
    let Some(claims) = run.data.claims.get(&kvk) else {
        return Err("buiten de populatie, zonder declaraties".into());
    };
    let c = &run.config;
    let f = provider_figures(
        &claims.lines,
        &run.data.tariffs.by_code,
        &c.clustering.intramural_forms,
    );
    let sector = main_sector(&f);
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
    // The margin from the jaarverslag, when there is one: R ÷ B.
    let marge = run
        .data
        .accounts
        .get(&kvk)
        .filter(|a| a.bedrijfsopbrengsten > Decimal::ZERO)
        .map(|a| crate::classify::result(a, c.berekening.resultaat) / a.bedrijfsopbrengsten)
        .unwrap_or_default();
    Ok(Standing {
        naam: run.data.names.get(&kvk).cloned().unwrap_or_default(),
        sector,
        cluster,
        rtp: group.result.rtp,
        marge,
        intramuraal: if f.declaraties > Decimal::ZERO {
            f.intramuraal / f.declaraties
        } else {
            Decimal::ZERO
        },
        provider: None,
    })
}

pub fn contract(run: &Run, policies: &[Policy], kenmerken: &Kenmerken) -> Result<Contracting> {
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
    let rank = |z: &str| ZORGKANTOREN.iter().position(|x| *x == z);
    for rows in by_kvk.values_mut() {
        rows.sort_by_key(|r| rank(&r.zorgkantoor));
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
                let omzet = p.position.omzet;
                Standing {
                    naam: p.naam.clone(),
                    sector: p.sector,
                    cluster: p.cluster,
                    rtp: run
                        .group_of(i)
                        .map(|g| g.result.rtp)
                        .expect("every provider in the population is in a group"),
                    marge: if omzet.is_zero() {
                        Decimal::ZERO
                    } else {
                        p.position.resultaat / omzet
                    },
                    intramuraal: p.intramuraal_aandeel,
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
        let base_q = if stripped { Decimal::ONE } else { rtp };
        let mut lines = Vec::new();
        // Σ_zk a·Σ_c (p·s_max + (q − 1)·k): the care and capital revenue at the tariffs,
        // against what the core's S (and K) hold. Exact (`Wide`): a product of a share, a
        // percentage and a 12-decimal s_max can need more digits than Decimal holds, and
        // Decimal would round it silently; the hardship decision below rests on it.
        let mut revenue = Wide::from(Decimal::ZERO);
        for row in rows {
            let facts = Facts {
                kenmerken: &row.values,
                resultaatmarge: standing.marge,
                intramuraal_aandeel: standing.intramuraal,
                rtp,
            };
            for (code, sums) in &run.data.claims[&kvk].lines {
                let t = &tariffs[code];
                let policy = policies
                    .iter()
                    .find(|x| x.zorgkantoor == row.zorgkantoor && x.sector == t.sector);
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
                let pct = priced.percentage;
                let capital = Wide::from(q - Decimal::ONE).mul(&Wide::from(parts.kapitaal));
                let line = match t.component {
                    Component::Zorg => Wide::from(pct)
                        .mul(&Wide::from(parts.zorg_max))
                        .add(&capital),
                    Component::Nhc | Component::Nic => capital,
                    Component::Volledig => Wide::from(Decimal::ZERO),
                };
                revenue = revenue.add(&Wide::from(row.aandeel).mul(&line));
                let n = row.aandeel * sums.aantal;
                lines.push(TariffLine {
                    zorgkantoor: row.zorgkantoor.clone(),
                    prestatiecode: code.clone(),
                    component: t.component,
                    aantal: n,
                    kosten_beleid: cost(n, t, pct, q),
                    kosten_rtp: cost(n, t, rtp, base_q),
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
            Outcome {
                provider: i,
                resultaat,
                hardheid: scaled.sign() == std::cmp::Ordering::Less,
                marge: if omzet.is_zero() {
                    Decimal::ZERO
                } else {
                    resultaat / omzet
                },
            }
        });
        contracted.push(Contracted {
            kvk,
            naam: standing.naam,
            sector: standing.sector,
            cluster: standing.cluster,
            rtp,
            zorgkantoren: rows
                .iter()
                .map(|r| (r.zorgkantoor.clone(), r.aandeel))
                .collect(),
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

    let mut costs: Vec<Cost> = ZORGKANTOREN
        .iter()
        .map(|z| Cost {
            zorgkantoor: z.to_string(),
            aanbieders: 0,
            beleid: Decimal::ZERO,
            rtp: Decimal::ZERO,
        })
        .collect();
    let mut conversations = Vec::new();
    for c in &contracted {
        for (zk, _) in &c.zorgkantoren {
            let cost = costs
                .iter_mut()
                .find(|x| &x.zorgkantoor == zk)
                .expect("kenmerken name only known zorgkantoren");
            cost.aanbieders += 1;
            for l in c.lines.iter().filter(|l| &l.zorgkantoor == zk) {
                cost.beleid += l.kosten_beleid;
                cost.rtp += l.kosten_rtp;
            }
            // A policy lists the provider when it pays one of its prestaties and the
            // provider's margin at its tariffs is above the policy's threshold.
            let Some(outcome) = &c.outcome else { continue };
            for x in policies.iter().filter(|x| &x.zorgkantoor == zk) {
                let pays = c
                    .lines
                    .iter()
                    .any(|l| &l.zorgkantoor == zk && l.beleid.as_deref() == Some(&x.bestand));
                if let Some(drempel) = x.gesprek_boven {
                    if pays && outcome.marge > drempel {
                        conversations.push(Conversation {
                            zorgkantoor: zk.clone(),
                            bestand: x.bestand.clone(),
                            kvk: c.kvk,
                            naam: c.naam.clone(),
                            marge: outcome.marge,
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
/// part, capital as the model pays it.
fn baseline(t: &Tariff, rtp: Decimal, stripped: bool) -> Priced {
    let shown = crate::policy::pct(rtp);
    let (percentage, step) = match t.component {
        Component::Zorg => (rtp, format!("geen beleid: rtp {shown}%")),
        Component::Nhc | Component::Nic if stripped => {
            (Decimal::ONE, "geen beleid: kapitaal 100%".to_string())
        }
        Component::Nhc | Component::Nic => (rtp, format!("geen beleid: rtp {shown}%")),
        Component::Volledig => (Decimal::ONE, "volledig 100%".to_string()),
    };
    Priced {
        percentage,
        steps: vec![step],
    }
}
