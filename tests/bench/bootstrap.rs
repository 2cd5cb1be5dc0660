//! Benchmark of the sensitivity engine: 10,000 bootstrap resamples over one group
//! of 5,000 providers, on one thread and on all, and the solver's provider evaluations
//! against a bisection over the percentage. Prints its figures; asserts only that the
//! answers agree (a benchmark of a wrong answer is worthless), never a time.
//!
//!     cargo bench --bench bootstrap                  # 5,000 providers, 10,000 resamples
//!     cargo bench --bench bootstrap -- 2000 1000     # providers, resamples
//!
//! Times are wall-clock medians of three, ratios taken within the same run: these machines
//! are shared and noisy.

use std::time::Instant;

use rust_decimal::Decimal;

use richttarief::rng::Rng;
use richttarief::sensitivity::{bootstrap, percentiles};
use richttarief::solve::{bisect_rtp, solve_group_counted, Position, Prepared, Rho, Rules};

/// A group like the generated data's: care part €0.2–20M paid at 90–100% of the maximum,
/// results of −4% to +4% of omzet, omzet 1.0–1.3 times the care part, a tenth scaled by
/// ρ = W/D. Amounts in cents, as real accounts.
fn group(n: usize, seed: u64) -> Vec<Position> {
    let mut rng = Rng::new(seed);
    (0..n)
        .map(|_| {
            let basis = 20_000_000 + rng.below(1_980_000_000) as i64;
            let paid = basis * (9000 + rng.below(1001) as i64) / 10_000;
            let omzet = paid * (100 + rng.below(31) as i64) / 100;
            let result = omzet * (rng.below(801) as i64 - 400) / 10_000;
            let cents = |c: i64| Decimal::new(c, 2);
            let rho = if rng.below(10) == 0 {
                Rho::Ratio {
                    wlz: cents(paid * (95 + rng.below(11) as i64) / 100),
                    declared: cents(paid),
                }
            } else {
                Rho::One
            };
            Position {
                resultaat: cents(result),
                rho,
                basis: cents(basis),
                huidig: cents(paid),
                omzet: cents(omzet),
            }
        })
        .collect()
}

fn rules() -> Rules {
    Rules {
        aandeel_aanbieders: Decimal::new(75, 2),
        aandeel_omzet: Decimal::new(75, 2),
        nul_is_positief: true,
        grid: Decimal::new(1, 3),
        round_up: true,
        floor: Decimal::ZERO,
        cap: Decimal::ONE,
    }
}

/// Median wall time in seconds of `reps` calls, and the last call's value.
fn timed<T>(reps: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..reps {
        let start = Instant::now();
        last = Some(f());
        times.push(start.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    (times[times.len() / 2], last.expect("at least one rep"))
}

fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("a thread pool")
}

fn main() {
    // `cargo bench` passes --bench; numbers are ours.
    let numbers: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let n = numbers.first().copied().unwrap_or(5_000);
    let b = numbers.get(1).copied().unwrap_or(10_000);
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let positions = group(n, 2024);
    let rules = rules();
    println!("bootstrap benchmark: one group of {n} providers, {b} resamples, {cores} cores");

    let (prepare, prepared) = timed(3, || Prepared::new(&positions, &rules));
    println!("  prepare (break-evens and exact grid steps, once): {prepare:.3} s");

    let (one, rtps_one) = timed(3, || pool(1).install(|| bootstrap(&prepared, b, 1, 0)));
    let (all, rtps_all) = timed(3, || pool(cores).install(|| bootstrap(&prepared, b, 1, 0)));
    assert_eq!(rtps_one, rtps_all, "the thread count changed the resamples");
    let q = percentiles(rtps_all);
    println!(
        "  {b} resamples, 1 thread:  {one:.3} s ({:.1} µs per resample)",
        one / b as f64 * 1e6
    );
    println!(
        "  {b} resamples, {cores} threads: {all:.3} s ({:.1} µs per resample); speed-up {:.2}×",
        all / b as f64 * 1e6,
        one / all
    );
    println!(
        "  percentiles p5 / p50 / p95: {} / {} / {} (identical on 1 and {cores} threads)",
        (q.p5 * Decimal::ONE_HUNDRED).normalize(),
        (q.p50 * Decimal::ONE_HUNDRED).normalize(),
        (q.p95 * Decimal::ONE_HUNDRED).normalize()
    );

    // Operations: the solver against a bisection over the grid (goal seek), on the group
    // itself and on materialised resamples, each counting provider evaluations (one break-
    // even, or one exact test of R_i(r) ≥ 0).
    let (g, solver_ops) = solve_group_counted(&positions, &rules);
    let (rtp_bisect, bisect_ops) = bisect_rtp(&positions, &rules);
    assert_eq!(g.rtp, rtp_bisect, "bisection and solver disagree");
    println!(
        "\nprovider evaluations for the whole group (RTP {}%):",
        (g.rtp * Decimal::ONE_HUNDRED).normalize()
    );
    println!(
        "  solver:    {solver_ops:>9} ({:.1} per provider)",
        solver_ops as f64 / n as f64
    );
    println!(
        "  bisection: {bisect_ops:>9} ({:.1} per provider); ratio {:.2}",
        bisect_ops as f64 / n as f64,
        bisect_ops as f64 / solver_ops as f64
    );

    let sample = 50.min(b);
    let mut weights = vec![0u32; n];
    let (mut t_prepared, mut t_solver, mut t_bisect) = (0.0, 0.0, 0.0);
    let (mut ops_solver, mut ops_bisect) = (0u64, 0u64);
    for r in 0..sample as u64 {
        weights.iter_mut().for_each(|w| *w = 0);
        let mut rng = Rng::new(richttarief::rng::mix(&[1, 0, r]));
        for _ in 0..n {
            weights[rng.below(n as u64) as usize] += 1;
        }
        let copies: Vec<Position> = positions
            .iter()
            .zip(&weights)
            .flat_map(|(p, &w)| std::iter::repeat_n(p.clone(), w as usize))
            .collect();
        let start = Instant::now();
        let fast = prepared.rtp(&weights);
        t_prepared += start.elapsed().as_secs_f64();
        let start = Instant::now();
        let (full, ops) = solve_group_counted(&copies, &rules);
        t_solver += start.elapsed().as_secs_f64();
        ops_solver += ops;
        let start = Instant::now();
        let (bisected, ops) = bisect_rtp(&copies, &rules);
        t_bisect += start.elapsed().as_secs_f64();
        ops_bisect += ops;
        assert_eq!(fast, full.rtp, "resample {r}: prepared and solver disagree");
        assert_eq!(
            fast, bisected,
            "resample {r}: prepared and bisection disagree"
        );
    }
    let per = |t: f64| t / sample as f64 * 1e6;
    println!("\nper resample, mean of {sample} (one thread, all three agree on every RTP):");
    println!(
        "  prepared weights:          {:>9.1} µs, no provider evaluation",
        per(t_prepared)
    );
    println!(
        "  solver on the copies:      {:>9.1} µs, {:>7} evaluations",
        per(t_solver),
        ops_solver / sample as u64
    );
    println!(
        "  bisection on the copies:   {:>9.1} µs, {:>7} evaluations ({:.2}× the solver's)",
        per(t_bisect),
        ops_bisect / sample as u64,
        ops_bisect as f64 / ops_solver as f64
    );
    println!(
        "  {b} resamples by bisection would take about {:.1} s on one thread, against {one:.2} s",
        per(t_bisect) * b as f64 / 1e6
    );
}
