//! How robust is a run's RTP: leave-one-out (each group's RTP without each provider),
//! a seeded bootstrap (providers resampled within their group, with replacement), and
//! sweeps of the intramural threshold and of each criterion's share.
//!
//! Leave-one-out and the bootstrap re-solve sub-multisets of a group through
//! `solve::Prepared`, which is held to `solve_group` by a property test. The sweeps change
//! the configuration and so re-classify: they go through `pipeline::compute` on the run's
//! own `Data`, never re-reading a file.
//!
//! Every result is a function of the run, the options and the seed only: each resample
//! draws from its own generator (seeded from seed, group and resample number), results are
//! collected in order and sorted exactly, so any number of threads gives the same output.
//! Nothing here writes or prints.

use rayon::prelude::*;
use rust_decimal::Decimal;

use crate::model::{Cluster, Sector};
use crate::pipeline::{self, Run};
use crate::rng::{mix, Rng};
use crate::solve::Prepared;

/// What to compute.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    /// Bootstrap resamples per group (B).
    pub(crate) resamples: usize,
    pub(crate) seed: u64,
}

/// The sweeps' points: the intramural threshold 0% to 10% by 0.5 point, and each
/// criterion's share 60% to 90% by 1 point, as fractions.
pub(crate) fn thresholds() -> Vec<Decimal> {
    (0..=20).map(|i| Decimal::new(i * 5, 3)).collect()
}

pub(crate) fn shares() -> Vec<Decimal> {
    (60..=90).map(|i| Decimal::new(i, 2)).collect()
}

/// The bootstrap's percentiles of one group's RTP.
#[derive(Debug, Clone, PartialEq)]
pub struct Percentiles {
    pub p5: Decimal,
    pub p50: Decimal,
    pub p95: Decimal,
}

/// One group's RTP at one point of a sweep.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SweepRow {
    /// The swept value, a fraction.
    pub(crate) value: Decimal,
    pub(crate) sector: Sector,
    pub(crate) cluster: Cluster,
    pub(crate) n: usize,
    pub(crate) rtp: Decimal,
    pub(crate) haalbaar: bool,
}

/// The criterion a share sweep varies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Criterion {
    Aanbieders,
    Omzet,
}

impl Criterion {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Criterion::Aanbieders => "aandeel_aanbieders",
            Criterion::Omzet => "aandeel_omzet",
        }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Sensitivity {
    pub(crate) options: Options,
    /// Per group (in the run's order), per member (in `Group::members` order): the group's
    /// RTP without that provider; `None` when the group has only that provider.
    pub(crate) leave_one_out: Vec<Vec<Option<Decimal>>>,
    /// Per group: the bootstrap's percentiles.
    pub(crate) bootstrap: Vec<Percentiles>,
    /// The threshold sweep; empty when the run has no clusters.
    pub(crate) threshold: Vec<SweepRow>,
    /// The share sweeps, per criterion.
    pub(crate) criteria: Vec<(Criterion, Vec<SweepRow>)>,
}

/// The nearest-rank percentile of sorted values: the smallest value with at least p% of
/// the values at or below it. Always one of the values, so an RTP stays on the grid.
pub(crate) fn percentile(sorted: &[Decimal], p: u32) -> Decimal {
    assert!(!sorted.is_empty() && (1..=100).contains(&p));
    let rank = (sorted.len() * p as usize).div_ceil(100);
    sorted[rank.max(1) - 1]
}

/// Each group's RTP without each of its providers, in parallel over providers.
pub(crate) fn leave_one_out(prepared: &Prepared) -> Vec<Option<Decimal>> {
    let n = prepared.len();
    (0..n)
        .into_par_iter()
        .map_init(
            || vec![1u32; n],
            |weights, j| {
                if n < 2 {
                    return None;
                }
                weights[j] = 0;
                let rtp = prepared.rtp(weights);
                weights[j] = 1;
                Some(rtp)
            },
        )
        .collect()
}

/// B resamples of the group's providers with replacement, each its own seeded stream; the
/// RTPs in resample order.
pub fn bootstrap(prepared: &Prepared, resamples: usize, seed: u64, group: u64) -> Vec<Decimal> {
    let n = prepared.len();
    (0..resamples as u64)
        .into_par_iter()
        .map_init(
            || vec![0u32; n],
            |weights, b| {
                weights.iter_mut().for_each(|w| *w = 0);
                let mut rng = Rng::new(mix(&[seed, group, b]));
                for _ in 0..n {
                    weights[rng.below(n as u64) as usize] += 1;
                }
                prepared.rtp(weights)
            },
        )
        .collect()
}

/// The percentiles of B resamples.
pub fn percentiles(mut rtps: Vec<Decimal>) -> Percentiles {
    rtps.sort();
    Percentiles {
        p5: percentile(&rtps, 5),
        p50: percentile(&rtps, 50),
        p95: percentile(&rtps, 95),
    }
}

/// Runs the configuration with one change on the run's data; the groups' RTPs.
fn sweep(
    run: &Run,
    values: &[Decimal],
    set: impl Fn(&mut crate::config::Config, Decimal) + Sync,
) -> Vec<SweepRow> {
    values
        .par_iter()
        .map(|&value| {
            let mut config = run.config.clone();
            set(&mut config, value);
            // Sweeps change the clusters and the criteria, never who is excluded: the
            // population is the run's, which is not empty.
            let r = pipeline::compute(&config, &run.data, &pipeline::Quiet)
                .expect("a sweep keeps the run's population");
            r.groups
                .iter()
                .map(|g| SweepRow {
                    value,
                    sector: g.sector,
                    cluster: g.cluster,
                    n: g.result.n,
                    rtp: g.result.rtp,
                    haalbaar: g.result.haalbaar,
                })
                .collect::<Vec<_>>()
        })
        .collect::<Vec<_>>()
        .into_iter()
        .flatten()
        .collect()
}

/// All of it, for one run.
pub(crate) fn analyse(run: &Run, options: &Options) -> Sensitivity {
    let rules = pipeline::rules(&run.config);
    let prepared: Vec<Prepared> = run
        .groups
        .iter()
        .map(|g| Prepared::new(&run.positions(g), &rules))
        .collect();
    let leave_one_out = prepared.iter().map(leave_one_out).collect();
    let bootstrap = prepared
        .iter()
        .enumerate()
        .map(|(i, p)| percentiles(bootstrap(p, options.resamples, options.seed, i as u64)))
        .collect();
    let threshold = if run.config.clustering.clusters {
        sweep(run, &thresholds(), |c, v| {
            c.clustering.intramuraal_drempel = v
        })
    } else {
        Vec::new()
    };
    let criteria = vec![
        (
            Criterion::Aanbieders,
            sweep(run, &shares(), |c, v| c.criteria.aandeel_aanbieders = v),
        ),
        (
            Criterion::Omzet,
            sweep(run, &shares(), |c, v| c.criteria.aandeel_omzet = v),
        ),
    ];
    Sensitivity {
        options: options.clone(),
        leave_one_out,
        bootstrap,
        threshold,
        criteria,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::solve::tests::{d, rules};
    use crate::solve::{Position, Rho};

    /// A provider with R = 0, S_max = 1000 and S = 10·be: break-even at be per mille.
    fn at(be: i64, omzet: &str) -> Position {
        Position {
            resultaat: Decimal::ZERO,
            rho: Rho::One,
            basis: d("1000"),
            huidig: Decimal::from(be),
            omzet: d(omzet),
        }
    }

    #[test]
    fn leave_one_out_on_a_group_worked_by_hand() {
        // Break-evens 93, 95, 96, 97, 99% with omzet 100, 100, 100, 100, 600 (total 1000).
        // All five: count ⌈0.75·5⌉ = 4th = 97; omzet 750 first reached at the 5th (99): 99.
        // Without 99% (omzet 400 left, 300 needed): count ⌈3⌉ = 3rd = 96; omzet 300 at
        //   the 3rd = 96 → 96.0.
        // Without 93%: count ⌈3⌉ = 3rd of 95, 96, 97, 99 = 97; omzet 675 of 900 → 99.
        // Without 95% or 96% or 97%: omzet still needs the 99% provider → 99.
        let group = [
            at(930, "100"),
            at(950, "100"),
            at(960, "100"),
            at(970, "100"),
            at(990, "600"),
        ];
        let p = Prepared::new(&group, &rules());
        let got = leave_one_out(&p);
        let expected = ["0.99", "0.99", "0.99", "0.99", "0.96"];
        let expected: Vec<Option<Decimal>> = expected.iter().map(|s| Some(d(s))).collect();
        assert_eq!(got, expected);
        // A group of one has no RTP without its provider.
        assert_eq!(
            leave_one_out(&Prepared::new(&group[..1], &rules())),
            vec![None]
        );
    }

    #[test]
    fn nearest_rank_percentiles() {
        let v: Vec<Decimal> = (1..=20).map(Decimal::from).collect();
        // 5% of 20 = 1st, 50% = 10th, 95% = 19th.
        assert_eq!(percentile(&v, 5), Decimal::from(1));
        assert_eq!(percentile(&v, 50), Decimal::from(10));
        assert_eq!(percentile(&v, 95), Decimal::from(19));
        assert_eq!(percentile(&v[..1], 95), Decimal::from(1));
    }

    #[test]
    fn the_bootstrap_depends_on_the_seed_only() {
        let group: Vec<Position> = (0..40)
            .map(|i| at(900 + (i * 37) % 100, &format!("{}", 100 + i * 13)))
            .collect();
        let p = Prepared::new(&group, &rules());
        let a = bootstrap(&p, 200, 7, 0);
        let one_thread = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .unwrap()
            .install(|| bootstrap(&p, 200, 7, 0));
        assert_eq!(a, one_thread, "the thread count changed the resamples");
        assert_eq!(a, bootstrap(&p, 200, 7, 0));
        assert_ne!(a, bootstrap(&p, 200, 8, 0), "another seed, the same draws");
        // Resamples vary, and every resampled RTP is a grid value within the group's range.
        assert!(a.iter().any(|&r| r != a[0]));
        assert!(a.iter().all(|&r| (d("0.9")..=d("1")).contains(&r)));
        let q = percentiles(a);
        assert!(q.p5 <= q.p50 && q.p50 <= q.p95);
    }
}
