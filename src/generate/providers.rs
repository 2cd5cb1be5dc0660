//! The providers of a data set: sector, cluster, size, KvK number, name, AGB codes, realised
//! percentage, result margin and Wlz share, drawn from the main stream; and how the claim
//! lines are shared out over them. Nothing here writes a file. The draws happen in a fixed
//! order per provider: another draw, or one moved, changes every file of every seed.

use std::collections::HashSet;

use super::tariffs::profile;
use crate::rng::Rng;

pub(super) struct Provider {
    pub(super) kvk: u32,
    pub(super) naam: String,
    pub(super) sector: &'static str,
    /// Extramural providers that also claim a little intramural care, near the threshold.
    pub(super) near_threshold: bool,
    pub(super) weight: f64,
    /// Realised percentage of the care part of the maximum tariff, in basis points
    /// (9630 = 96.30%), so that amounts are computed in integers.
    pub(super) realised: i64,
    /// Result as a fraction of revenue.
    pub(super) margin: f64,
    /// Declared Wlz as a fraction of revenue.
    pub(super) wlz_share: f64,
    pub(super) agbs: Vec<u32>,
    pub(super) codes: Vec<(usize, f64)>,
    pub(super) lines: u64,
    /// Σ bedrag of the reference year in cents, accumulated while the claims are written.
    pub(super) declared: i64,
    pub(super) has_accounts: bool,
}

const NAME_FIRST: &[&str] = &[
    "Stichting Zorggroep",
    "Stichting",
    "Zorgcentrum",
    "Woonzorg",
    "Zorg aan Huis",
    "Stichting Wonen en Zorg",
    "Thuiszorg",
    "Zorgcoöperatie",
    "Stichting Zorgcentra",
    "Zorggroep",
];
const NAME_LAST: &[&str] = &[
    "De Linde",
    "Eikenhorst",
    "Meerzicht",
    "Het Baken",
    "De Wilgen",
    "Bremhorst",
    "Kompasroos",
    "Oostflank",
    "De Boomgaard",
    "Lindevallei",
    "Esdoornhuis",
    "Rivierduin",
    "De Vaart",
    "Heuvelrand",
    "Zonnehoeve",
    "Waterweide",
    "De Klaproos",
    "Ruimzicht",
    "Polderhof",
    "Het Anker",
    "De Kempen",
    "Vlietland",
];

pub(super) fn make_providers(rng: &mut Rng, n: usize) -> Vec<Provider> {
    let mut kvks = HashSet::new();
    let mut names = HashSet::new();
    let mut agb_seq = 0u32;
    (0..n)
        .map(|i| {
            let sector = match rng.unit() {
                u if u < 0.55 => "VV",
                u if u < 0.85 => "GZ",
                _ => "GGZ",
            };
            let extramural_share = if sector == "GZ" { 0.30 } else { 0.35 };
            let intramural = !rng.chance(extramural_share);
            let kvk = loop {
                let k = rng.int(10_000_000, 99_999_999) as u32;
                if kvks.insert(k) {
                    break k;
                }
            };
            let agb_count = match rng.unit() {
                u if u < 0.85 => 1,
                u if u < 0.95 => 2,
                _ => rng.int(3, 4) as usize,
            };
            let prefix = match sector {
                "VV" => 73,
                "GZ" => 41,
                _ => 22,
            };
            let agbs = (0..agb_count)
                .map(|_| {
                    agb_seq += 1;
                    prefix * 1_000_000 + agb_seq
                })
                .collect();
            // Fat tails: most providers earn a small margin; one in six is off the centre.
            let margin = if rng.chance(0.83) {
                0.015 + 0.012 * rng.normal()
            } else {
                0.005 + 0.04 * rng.normal()
            };
            // A first and a last part, drawn again when the name is taken; only when that
            // keeps failing does a number make it unique.
            let mut naam = String::new();
            let mut unique = false;
            for _ in 0..8 {
                naam = format!("{} {}", rng.pick(NAME_FIRST), rng.pick(NAME_LAST));
                if names.insert(naam.clone()) {
                    unique = true;
                    break;
                }
            }
            if !unique {
                naam = format!("{naam} {}", i + 1);
                names.insert(naam.clone());
            }
            Provider {
                kvk,
                naam,
                sector,
                near_threshold: !intramural && rng.chance(0.15),
                // Lognormal size: a median provider, and a long tail of large ones.
                weight: (1.1 * rng.normal()).exp(),
                realised: ((0.963 + 0.012 * rng.normal()).clamp(0.93, 1.0) * 10_000.0).round()
                    as i64,
                margin: margin.clamp(-0.12, 0.15),
                wlz_share: rng.uniform(0.60, 0.95),
                agbs,
                codes: profile(sector, intramural),
                lines: 0,
                declared: 0,
                has_accounts: true,
            }
        })
        .collect()
}

/// Splits `total` lines over the providers in proportion to their weights, exactly.
pub(super) fn allocate(providers: &mut [Provider], total: u64) {
    let sum: f64 = providers.iter().map(|p| p.weight).sum();
    let mut shares: Vec<(usize, f64)> = Vec::new();
    let mut given = 0;
    for (i, p) in providers.iter_mut().enumerate() {
        let exact = total as f64 * p.weight / sum;
        p.lines = exact.floor() as u64;
        given += p.lines;
        shares.push((i, exact - exact.floor()));
    }
    shares.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    for &(i, _) in shares.iter().take((total - given) as usize) {
        providers[i].lines += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocation_gives_every_line_exactly_once() {
        let mut rng = Rng::new(1);
        let mut providers = make_providers(&mut rng, 37);
        allocate(&mut providers, 10_007);
        assert_eq!(providers.iter().map(|p| p.lines).sum::<u64>(), 10_007);
    }
}
