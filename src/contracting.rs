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
//! Pure: no IO, nothing printed.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use crate::aggregate::line_parts;
use crate::ingest::{KenmerkRow, Kenmerken};
use crate::model::{Component, Kvk, Tariff};
use crate::pipeline::Run;
use crate::policy::{Facts, Policy, Priced};
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

/// One provider with a `kenmerken` row in the population.
#[derive(Debug, Clone, PartialEq)]
pub struct Contracted {
    /// Index into `Run::providers`.
    pub provider: usize,
    pub rtp: Decimal,
    /// (zorgkantoor, aandeel)
    pub zorgkantoren: Vec<(String, Decimal)>,
    pub lines: Vec<TariffLine>,
    /// R_t: the result at its own tariffs.
    pub resultaat: Decimal,
    /// R_t < 0, decided exactly.
    pub hardheid: bool,
    /// R_t ÷ O (zero when O is zero).
    pub marge: Decimal,
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
    pub provider: usize,
    pub marge: Decimal,
    pub drempel: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Contracting {
    pub contracted: Vec<Contracted>,
    pub costs: Vec<Cost>,
    pub conversations: Vec<Conversation>,
    /// KvK numbers with a `kenmerken` row but not in the population: no group, no RTP.
    pub outside: Vec<Kvk>,
    /// Providers in the population without any `kenmerken` row.
    pub without: Vec<Kvk>,
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

pub fn contract(run: &Run, policies: &[Policy], kenmerken: &Kenmerken) -> Contracting {
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
    let outside: Vec<Kvk> = by_kvk
        .keys()
        .filter(|k| !index.contains_key(k))
        .copied()
        .collect();
    let without: Vec<Kvk> = index
        .keys()
        .filter(|k| !by_kvk.contains_key(k))
        .copied()
        .collect();
    let stripped = run.config.berekening.nhc_nic_strippen;
    let tariffs = &run.data.tariffs.by_code;

    let mut contracted = Vec::new();
    for (kvk, rows) in &by_kvk {
        let Some(&i) = index.get(kvk) else { continue };
        let p = &run.providers[i];
        let rtp = run
            .group_of(i)
            .map(|g| g.result.rtp)
            .expect("every provider in the population is in a group");
        let omzet = p.position.omzet;
        let marge_now = if omzet.is_zero() {
            Decimal::ZERO
        } else {
            p.position.resultaat / omzet
        };
        let claims = &run.data.claims[kvk];
        let mut lines = Vec::new();
        // Σ_zk a·Σ_c (p·s_max + (q − 1)·k): the care and capital revenue at the tariffs.
        let mut revenue = Decimal::ZERO;
        for row in rows {
            let facts = Facts {
                kenmerken: &row.values,
                resultaatmarge: marge_now,
                intramuraal_aandeel: p.intramuraal_aandeel,
                rtp,
            };
            for (code, sums) in &claims.lines {
                let t = &tariffs[code];
                let policy = policies
                    .iter()
                    .find(|x| x.zorgkantoor == row.zorgkantoor && x.sector == t.sector);
                let base_q = if stripped { Decimal::ONE } else { rtp };
                let (priced, q) = match policy {
                    Some(x) => (x.price(code, t, &facts), x.kapitaal),
                    None => (baseline(t, rtp, stripped), base_q),
                };
                let parts = line_parts(sums, t);
                let pct = priced.percentage;
                revenue += row.aandeel
                    * match t.component {
                        Component::Zorg => {
                            pct * parts.zorg_max + (q - Decimal::ONE) * parts.kapitaal
                        }
                        Component::Nhc | Component::Nic => (q - Decimal::ONE) * parts.kapitaal,
                        Component::Volledig => Decimal::ZERO,
                    };
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
        let effect = revenue - p.claims.zorg;
        let r = p.position.resultaat;
        let (resultaat, scaled) = match p.position.rho {
            Rho::One => (r + effect, r + effect),
            Rho::Ratio { wlz, declared } => {
                (r + wlz * effect / declared, r * declared + wlz * effect)
            }
        };
        contracted.push(Contracted {
            provider: i,
            rtp,
            zorgkantoren: rows
                .iter()
                .map(|r| (r.zorgkantoor.clone(), r.aandeel))
                .collect(),
            lines,
            resultaat,
            hardheid: scaled < Decimal::ZERO,
            marge: if omzet.is_zero() {
                Decimal::ZERO
            } else {
                resultaat / omzet
            },
        });
    }
    contracted.sort_by_key(|c| run.providers[c.provider].kvk);

    let mut costs: Vec<Cost> = crate::policy::ZORGKANTOREN
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
            for x in policies.iter().filter(|x| &x.zorgkantoor == zk) {
                let pays = c
                    .lines
                    .iter()
                    .any(|l| &l.zorgkantoor == zk && l.beleid.as_deref() == Some(&x.bestand));
                if let Some(drempel) = x.gesprek_boven {
                    if pays && c.marge > drempel {
                        conversations.push(Conversation {
                            zorgkantoor: zk.clone(),
                            bestand: x.bestand.clone(),
                            provider: c.provider,
                            marge: c.marge,
                            drempel,
                        });
                    }
                }
            }
        }
    }
    costs.retain(|c| c.aanbieders > 0);
    Contracting {
        contracted,
        costs,
        conversations,
        outside,
        without,
    }
}

/// A prestatie of a sector the zorgkantoor has no policy for: the group's RTP on the care
/// part, capital as the model pays it.
fn baseline(t: &Tariff, rtp: Decimal, stripped: bool) -> Priced {
    let (percentage, step) = match t.component {
        Component::Zorg => (rtp, "geen beleid: rtp"),
        Component::Nhc | Component::Nic if stripped => (Decimal::ONE, "geen beleid: kapitaal 100%"),
        Component::Nhc | Component::Nic => (rtp, "geen beleid: rtp"),
        Component::Volledig => (Decimal::ONE, "volledig 100%"),
    };
    Priced {
        percentage,
        steps: vec![step.to_string()],
    }
}
