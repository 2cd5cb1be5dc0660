//! Solving (methodology section 5): each provider's break-even percentage, the exact RTP
//! per group, and its certification at the rounded value.
//!
//! A provider's simulated result is linear in the percentage r:
//! `R(r) = R + ρ·(r·basis − huidig)`, where `basis` is S_max (NHC/NIC stripped) or
//! S_max + K (not stripped) and `huidig` is S or S + K. So each provider has one break-even
//! r*, and sorting them gives both criteria exactly in O(N log N), without bisection.
//!
//! Break-evens are quotients. Each is kept exactly, as a fraction of integers
//! (`exact::Fraction`), beside its 28-digit approximation (`BreakEven`, for display). The
//! providers are ordered, the binding criterion chosen and the grid point proposed from
//! the exact fractions, so a tie is a tie however the quotients round. Whether the criteria
//! hold at a grid point is always decided by evaluating every R_i(r) in exact arithmetic (no
//! division), and the published RTP is the lowest grid point where that exact test passes.
//!
//! Exactness: inputs are bounded (`model::number`, `aggregate::check_figures`), but a
//! product such as W·(r·S_max − S) of numbers with six decimals each can still need more
//! than Decimal's 28 digits. Every decision therefore tries Decimal first, through the
//! `exact` helpers that report whether Decimal was exact, and otherwise computes in
//! `exact::Wide` (num-bigint). Sums of omzet stay Decimal: each |O| < 1.001·10^15 with six
//! decimals, so a group of fewer than 10^7 providers (copies, in a resample) sums exactly.
//!
//! Pure: no IO, no clock, no environment, nothing printed.

use std::cmp::Ordering;

use rayon::prelude::*;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use crate::exact::{self, Fraction, Product, Steps, Wide};
use crate::model::BreakEven;

/// The scaling factor ρ of the tariff effect.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Rho {
    /// ρ = 1: the declared amounts are the revenue the percentage works on.
    One,
    /// ρ = W / D, kept as a fraction so that the sign of R(r) is decided without division.
    Ratio { wlz: Decimal, declared: Decimal },
}

/// What the solver needs to know of one provider.
#[derive(Debug, Clone, PartialEq)]
pub struct Position {
    /// R, the result in the reference year.
    pub resultaat: Decimal,
    pub rho: Rho,
    /// The amount the percentage applies to at 100% (S_max, or S_max + K).
    pub basis: Decimal,
    /// The same amount as actually paid (S, or S + K).
    pub huidig: Decimal,
    /// O, the provider's weight in the omzet criterion.
    pub omzet: Decimal,
}

/// Multiplies grid steps, copies and shares that are small by construction (k·grid with
/// |k| within one step of floor and cap; omzet times a weight), refusing to round: a
/// product that Decimal cannot hold exactly here is a bug, and stops the run.
fn mul(a: Decimal, b: Decimal) -> Decimal {
    exact::mul(a, b)
        .unwrap_or_else(|| panic!("product {a} × {b} cannot be represented exactly"))
        .normalize()
}

impl Position {
    /// The sign of R(r)·D (D = 1 when ρ = 1): R + (r·basis − huidig), or
    /// R·D + W·(r·basis − huidig) with ρ = W/D, exactly.
    fn scaled_result_sign(&self, r: Decimal) -> Ordering {
        let fast = || {
            let effect = exact::sub(exact::mul(r, self.basis)?, self.huidig)?;
            match self.rho {
                Rho::One => exact::add(self.resultaat, effect),
                Rho::Ratio { wlz, declared } => exact::add(
                    exact::mul(self.resultaat, declared)?,
                    exact::mul(wlz, effect)?,
                ),
            }
        };
        match fast() {
            Some(v) => v.cmp(&Decimal::ZERO),
            None => {
                let effect = Wide::from(r)
                    .mul(&Wide::from(self.basis))
                    .sub(&Wide::from(self.huidig));
                match self.rho {
                    Rho::One => Wide::from(self.resultaat).add(&effect).sign(),
                    Rho::Ratio { wlz, declared } => Wide::from(self.resultaat)
                        .mul(&Wide::from(declared))
                        .add(&Wide::from(wlz).mul(&effect))
                        .sign(),
                }
            }
        }
    }

    /// R(r), for display: exact when Decimal holds it; otherwise (and for the quotient by
    /// D when ρ = W/D) rounded to Decimal's precision. Never used to decide anything.
    pub(crate) fn result_at(&self, r: Decimal) -> Decimal {
        let fast = || {
            let effect = exact::sub(exact::mul(r, self.basis)?, self.huidig)?;
            match self.rho {
                Rho::One => exact::add(self.resultaat, effect),
                Rho::Ratio { wlz, declared } => {
                    let quotient = exact::mul(wlz, effect)?.normalize().checked_div(declared)?;
                    self.resultaat.checked_add(quotient)
                }
            }
        };
        fast().unwrap_or_else(|| {
            let effect = Wide::from(r)
                .mul(&Wide::from(self.basis))
                .sub(&Wide::from(self.huidig));
            let (num, den) = match self.rho {
                Rho::One => (Wide::from(self.resultaat).add(&effect), Decimal::ONE),
                Rho::Ratio { wlz, declared } => (
                    Wide::from(self.resultaat)
                        .mul(&Wide::from(declared))
                        .add(&Wide::from(wlz).mul(&effect)),
                    declared,
                ),
            };
            num.over(&Wide::from(den))
                .map_or(Decimal::ZERO, |f| f.rounded(28))
        })
    }

    /// Whether R(r) ≥ 0 (or > 0), decided without division: with ρ = W/D and D > 0 the
    /// sign of R(r) is the sign of R·D + W·(r·basis − huidig).
    pub(crate) fn is_positive_at(&self, r: Decimal, zero_counts: bool) -> bool {
        match self.scaled_result_sign(r) {
            Ordering::Greater => true,
            Ordering::Equal => zero_counts,
            Ordering::Less => false,
        }
    }

    /// r* with R(r*) = 0, exactly: (huidig − R) / basis, or (W·huidig − R·D) / (W·basis)
    /// with ρ = W/D (basis > 0, W > 0 and D > 0, as `classify` guarantees). With a zero
    /// base (or W = 0) the result does not depend on r: it is then R − ρ·huidig at every
    /// percentage, and the exact test at any r (0) decides.
    pub(crate) fn break_even_exact(&self, zero_counts: bool) -> ExactBreakEven {
        let wlz_zero = matches!(self.rho, Rho::Ratio { wlz, .. } if wlz.is_zero());
        if self.basis.is_zero() || wlz_zero {
            return if self.is_positive_at(Decimal::ZERO, zero_counts) {
                ExactBreakEven::Always
            } else {
                ExactBreakEven::Never
            };
        }
        // In Decimal when the numerator and denominator fit exactly (the usual case), else
        // wide; the fraction is the same either way.
        let fast = || {
            let (num, den) = match self.rho {
                Rho::One => (exact::sub(self.huidig, self.resultaat)?, self.basis),
                Rho::Ratio { wlz, declared } => (
                    exact::sub(
                        exact::mul(wlz, self.huidig)?,
                        exact::mul(self.resultaat, declared)?,
                    )?,
                    exact::mul(wlz, self.basis)?,
                ),
            };
            Fraction::of_decimals(num, den)
        };
        if let Some(f) = fast() {
            return ExactBreakEven::At(f);
        }
        let (huidig, basis, r0) = (
            Wide::from(self.huidig),
            Wide::from(self.basis),
            Wide::from(self.resultaat),
        );
        let (num, den) = match self.rho {
            Rho::One => (huidig.sub(&r0), basis),
            Rho::Ratio { wlz, declared } => {
                let w = Wide::from(wlz);
                (
                    w.mul(&huidig).sub(&r0.mul(&Wide::from(declared))),
                    w.mul(&basis),
                )
            }
        };
        ExactBreakEven::At(num.over(&den).expect("the base is not zero"))
    }

    /// r* for display: the exact break-even to 28 significant digits (rounded towards −∞).
    /// The program shows break-evens through `GroupResult::break_evens`; the tests ask one
    /// position.
    #[cfg(test)]
    pub(crate) fn break_even(&self, zero_counts: bool) -> BreakEven {
        self.break_even_exact(zero_counts).shown()
    }
}

/// A break-even percentage kept exactly (see `exact::Fraction`), ordered exactly:
/// −∞ below every fraction, +∞ above.
#[derive(Debug, Clone)]
pub(crate) enum ExactBreakEven {
    Always,
    At(Fraction),
    Never,
}

impl ExactBreakEven {
    /// As the reports show it: the fraction's approximation to 28 significant digits.
    pub(crate) fn shown(&self) -> BreakEven {
        match self {
            ExactBreakEven::Always => BreakEven::Always,
            ExactBreakEven::At(f) => BreakEven::At(f.approx()),
            ExactBreakEven::Never => BreakEven::Never,
        }
    }
}

/// The exact order; cheap unless two approximations are equal.
impl Ord for ExactBreakEven {
    fn cmp(&self, other: &ExactBreakEven) -> Ordering {
        use ExactBreakEven::*;
        match (self, other) {
            (At(a), At(b)) => a.cmp(b),
            (Always, Always) | (Never, Never) => Ordering::Equal,
            (Always, _) | (_, Never) => Ordering::Less,
            (_, Always) | (Never, _) => Ordering::Greater,
        }
    }
}

impl PartialOrd for ExactBreakEven {
    fn partial_cmp(&self, other: &ExactBreakEven) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ExactBreakEven {
    fn eq(&self, other: &ExactBreakEven) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ExactBreakEven {}

/// The criteria and the grid, with every percentage as a fraction.
#[derive(Debug, Clone, PartialEq)]
pub struct Rules {
    pub aandeel_aanbieders: Decimal,
    pub aandeel_omzet: Decimal,
    pub nul_is_positief: bool,
    /// Grid step as a fraction (0.1 point = 0.001).
    pub grid: Decimal,
    pub round_up: bool,
    pub floor: Decimal,
    pub cap: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Binding {
    Aantal,
    Omzet,
}

impl Binding {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Binding::Aantal => "aantal",
            Binding::Omzet => "omzet",
        }
    }
}

/// The exact state of a group at one percentage.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evaluation {
    pub(crate) r: Decimal,
    pub(crate) positive: usize,
    pub(crate) needed: usize,
    pub(crate) omzet_positive: Decimal,
    /// share·O for display; exact unless it needs more than 28 digits, and never used to
    /// decide (`omzet_met` compares with the exact product).
    pub(crate) omzet_needed: Decimal,
    pub(crate) omzet_total: Decimal,
    /// The omzet criterion's share.
    pub(crate) aandeel_omzet: Decimal,
    pub(crate) n: usize,
}

impl Evaluation {
    pub(crate) fn aantal_met(&self) -> bool {
        self.positive >= self.needed
    }
    pub(crate) fn omzet_met(&self) -> bool {
        Product::of(self.aandeel_omzet, self.omzet_total).reached_by(self.omzet_positive)
    }
    pub(crate) fn holds(&self) -> bool {
        self.aantal_met() && self.omzet_met()
    }
    pub(crate) fn share_providers(&self) -> Decimal {
        if self.n == 0 {
            return Decimal::ZERO;
        }
        Decimal::from(self.positive) / Decimal::from(self.n)
    }
    pub(crate) fn share_omzet(&self) -> Decimal {
        if self.omzet_total.is_zero() {
            return Decimal::ZERO;
        }
        self.omzet_positive / self.omzet_total
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GroupResult {
    pub(crate) n: usize,
    pub(crate) omzet: Decimal,
    pub(crate) r_aantal: BreakEven,
    pub(crate) r_omzet: BreakEven,
    /// The published RTP as a fraction: on the grid, within floor and cap.
    pub rtp: Decimal,
    pub(crate) bindend: Binding,
    /// The criteria hold at the cap (and so at or below it).
    pub(crate) haalbaar: bool,
    /// The exact evaluation at `rtp`: the certification.
    pub(crate) at_rtp: Evaluation,
    /// Break-even per provider, in the input order, as shown (28 significant digits).
    pub(crate) break_evens: Vec<BreakEven>,
    /// The providers in exact break-even order and the positions that decide each
    /// criterion.
    pub(crate) ranking: Ranking,
}

/// ⌈share·n⌉: how many providers must be positive, exactly.
pub(crate) fn providers_needed(share: Decimal, n: usize) -> usize {
    Wide::from(share)
        .mul(&Wide::from(Decimal::from(n)))
        .steps(Decimal::ONE, Steps::Up)
        .to_usize()
        .expect("share in [0, 1]")
}

/// Evaluates both criteria at `r` exactly.
pub(crate) fn evaluate(positions: &[Position], r: Decimal, rules: &Rules) -> Evaluation {
    let omzet_total: Decimal = positions.iter().map(|p| p.omzet).sum();
    let mut positive = 0;
    let mut omzet_positive = Decimal::ZERO;
    for p in positions {
        if p.is_positive_at(r, rules.nul_is_positief) {
            positive += 1;
            omzet_positive += p.omzet;
        }
    }
    Evaluation {
        r,
        positive,
        needed: providers_needed(rules.aandeel_aanbieders, positions.len()),
        omzet_positive,
        omzet_needed: Product::of(rules.aandeel_omzet, omzet_total).shown(),
        omzet_total,
        aandeel_omzet: rules.aandeel_omzet,
        n: positions.len(),
    }
}

/// What `check` says of one group at a published percentage.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Verdict {
    /// Both criteria at the published percentage, decided exactly.
    pub(crate) at: Evaluation,
    /// The lowest grid point at which both criteria hold, and the criterion that binds;
    /// `None` when they fail at the cap. Rounded up whatever the rules say, so that a
    /// published value at or above it always passes.
    pub(crate) lowest: Option<(Decimal, Binding)>,
}

impl Verdict {
    /// Both criteria hold at the published percentage.
    pub(crate) fn passes(&self) -> bool {
        self.at.holds()
    }
}

/// `check`'s verdict on the group of `positions` at `published` (a fraction).
pub(crate) fn verdict(positions: &[Position], published: Decimal, rules: &Rules) -> Verdict {
    let up = Rules {
        round_up: true,
        ..rules.clone()
    };
    let lowest = solve_group(positions, &up);
    Verdict {
        at: evaluate(positions, published, rules),
        lowest: lowest.haalbaar.then_some((lowest.rtp, lowest.bindend)),
    }
}

/// Which provider, in break-even order, decides a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decider {
    /// The criterion is met with no provider at all (a share of 0): −∞.
    Nobody,
    /// The provider at this position of `Ranking::order`.
    At(usize),
    /// Not met even with every provider positive: +∞.
    Unreached,
}

/// The providers sorted by exact break-even (stable on the input order, so ties never
/// depend on the sort), and the positions that decide each criterion: the ⌈share·N⌉-th for
/// the count, the one where the cumulative omzet reaches share·O for the omzet.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ranking {
    pub(crate) order: Vec<usize>,
    pub(crate) by_count: Decider,
    pub(crate) by_omzet: Decider,
}

impl Ranking {
    /// The exact break-even at which a criterion is first met.
    pub(crate) fn point(&self, decider: Decider, break_evens: &[ExactBreakEven]) -> ExactBreakEven {
        match decider {
            Decider::Nobody => ExactBreakEven::Always,
            Decider::At(p) => break_evens[self.order[p]].clone(),
            Decider::Unreached => ExactBreakEven::Never,
        }
    }
}

pub(crate) fn rank(break_evens: &[ExactBreakEven], omzet: &[Decimal], rules: &Rules) -> Ranking {
    let mut order: Vec<usize> = (0..break_evens.len()).collect();
    order.sort_by(|&a, &b| break_evens[a].cmp(&break_evens[b]));

    let needed = providers_needed(rules.aandeel_aanbieders, break_evens.len());
    let by_count = if needed == 0 {
        Decider::Nobody
    } else {
        Decider::At(needed - 1)
    };

    let by_omzet = if rules.aandeel_omzet.is_zero() {
        Decider::Nobody
    } else {
        let threshold = Product::of(rules.aandeel_omzet, omzet.iter().sum());
        let mut cumulative = Decimal::ZERO;
        order
            .iter()
            .position(|&i| {
                cumulative += omzet[i];
                threshold.reached_by(cumulative)
            })
            .map_or(Decider::Unreached, Decider::At)
    };
    Ranking {
        order,
        by_count,
        by_omzet,
    }
}

/// The binding criterion and its point: the one with the higher break-even, compared
/// exactly; `aantal` when they are equal.
fn binding<'a>(
    r_aantal: &'a ExactBreakEven,
    r_omzet: &'a ExactBreakEven,
) -> (Binding, &'a ExactBreakEven) {
    if r_omzet.cmp(r_aantal) == Ordering::Greater {
        (Binding::Omzet, r_omzet)
    } else {
        (Binding::Aantal, r_aantal)
    }
}

/// Solves one group: break-evens, criteria points, the RTP on the grid, certification.
pub(crate) fn solve_group(positions: &[Position], rules: &Rules) -> GroupResult {
    solve_group_counted(positions, rules).0
}

/// `solve_group`, and how many provider evaluations it did: one per break-even and one per
/// provider each time both criteria are tested at a percentage. The benchmark compares
/// this with a bisection over the percentage.
pub fn solve_group_counted(positions: &[Position], rules: &Rules) -> (GroupResult, u64) {
    let n = positions.len() as u64;
    let tests = std::cell::Cell::new(0u64);
    let exact: Vec<ExactBreakEven> = positions
        .iter()
        .map(|p| p.break_even_exact(rules.nul_is_positief))
        .collect();
    let omzet: Vec<Decimal> = positions.iter().map(|p| p.omzet).collect();
    let ranking = rank(&exact, &omzet, rules);
    let r_aantal = ranking.point(ranking.by_count, &exact);
    let r_omzet = ranking.point(ranking.by_omzet, &exact);
    let (r_aantal_shown, r_omzet_shown) = (r_aantal.shown(), r_omzet.shown());
    let (bindend, point) = binding(&r_aantal, &r_omzet);

    let holds = |r: Decimal| {
        tests.set(tests.get() + 1);
        evaluate(positions, r, rules).holds()
    };
    let haalbaar = holds(rules.cap);
    let rtp = rtp_on_grid(point, rules, holds);
    let result = GroupResult {
        n: positions.len(),
        omzet: omzet.iter().sum(),
        r_aantal: r_aantal_shown,
        r_omzet: r_omzet_shown,
        rtp,
        bindend,
        haalbaar,
        at_rtp: evaluate(positions, rtp, rules),
        break_evens: exact.iter().map(ExactBreakEven::shown).collect(),
        ranking,
    };
    // Break-evens, each test of the criteria, and the certification at the RTP.
    (result, n * (1 + tests.get() + 1))
}

/// The RTP by bisection over the grid between floor and cap, as a spreadsheet's goal seek
/// would find it, and its provider evaluations: n per test of the criteria. Only for
/// rounding up with floor and cap on the grid, where it must equal `solve_group`'s RTP;
/// kept as the reference the solver is measured against, never used for results.
pub fn bisect_rtp(positions: &[Position], rules: &Rules) -> (Decimal, u64) {
    let n = positions.len() as u64;
    let mut tests = 0u64;
    let mut holds = |k: i64| {
        tests += 1;
        evaluate(positions, mul(Decimal::from(k), rules.grid), rules).holds()
    };
    let to_steps = |r: Decimal| {
        (r / rules.grid)
            .to_i64()
            .expect("floor and cap within range")
    };
    let (mut lo, mut hi) = (to_steps(rules.floor), to_steps(rules.cap));
    let rtp = if !holds(hi) {
        rules.cap
    } else if holds(lo) {
        rules.floor
    } else {
        // !holds(lo) and holds(hi): halve until they are one step apart.
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if holds(mid) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        mul(Decimal::from(hi), rules.grid)
    };
    (rtp.normalize(), n * tests)
}

/// A group prepared for many solves of sub-multisets of its providers (bootstrap
/// resamples, leave-one-out): each provider's exact break-even and its grid step (the
/// lowest grid point at which it is positive, from the exact break-even; debug builds
/// check it with `is_positive_at`) are computed once. A solve with weights (copies per provider) then needs no division and no
/// multiplication per provider: at a grid point, provider i is positive exactly when its
/// step is at most that point's, because R_i(r) is non-decreasing in r.
///
/// `rtp` equals `solve_group(materialised multiset).rtp`; a property test holds it to that.
#[derive(Debug, Clone)]
pub struct Prepared {
    positions: Vec<Position>,
    rules: Rules,
    break_evens: Vec<ExactBreakEven>,
    /// Providers by break-even, stable on their index.
    order: Vec<usize>,
    /// Lowest grid step k with the provider positive at k·grid; i64::MIN when always
    /// positive, i64::MAX when never.
    steps: Vec<i64>,
}

/// Beyond this many grid steps from zero a provider is treated as never or always positive
/// within the grid; percentages that far out are no RTP (10^12 steps of 0.1 point).
const FAR: i64 = 1_000_000_000_000;

impl Prepared {
    pub fn new(positions: &[Position], rules: &Rules) -> Prepared {
        let zero = rules.nul_is_positief;
        let break_evens: Vec<ExactBreakEven> =
            positions.iter().map(|p| p.break_even_exact(zero)).collect();
        let mut order: Vec<usize> = (0..positions.len()).collect();
        order.sort_by(|&a, &b| break_evens[a].cmp(&break_evens[b]));
        let at = |k: i64| mul(Decimal::from(k), rules.grid);
        let steps = positions
            .iter()
            .zip(&break_evens)
            .map(|(p, b)| match b {
                ExactBreakEven::Always => i64::MIN,
                ExactBreakEven::Never => i64::MAX,
                ExactBreakEven::At(v) => {
                    // Positive at k·grid exactly when k·grid ≥ r* (k ≥ ⌈r*/grid⌉), or
                    // k·grid > r* (k ≥ ⌊r*/grid⌋ + 1) when zero does not count.
                    let k = if zero {
                        v.steps(rules.grid, Steps::Up)
                    } else {
                        v.steps(rules.grid, Steps::Down) + 1
                    };
                    match k.to_i64() {
                        Some(k) if k.abs() < FAR => {
                            debug_assert!(
                                p.is_positive_at(at(k), zero) && !p.is_positive_at(at(k - 1), zero),
                                "step {k} of {p:?}"
                            );
                            k
                        }
                        _ if v.sign() == Ordering::Greater => i64::MAX,
                        _ => i64::MIN,
                    }
                }
            })
            .collect();
        Prepared {
            positions: positions.to_vec(),
            rules: rules.clone(),
            break_evens,
            order,
            steps,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.positions.len()
    }

    /// The RTP of the multiset holding `weights[i]` copies of provider i.
    pub fn rtp(&self, weights: &[u32]) -> Decimal {
        debug_assert_eq!(weights.len(), self.positions.len());
        let rules = &self.rules;
        let n: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let needed = providers_needed(rules.aandeel_aanbieders, n as usize) as u64;
        let omzet_total: Decimal = self
            .positions
            .iter()
            .zip(weights)
            .filter(|(_, &w)| w > 0)
            .map(|(p, &w)| weighted(p.omzet, w))
            .sum();
        let omzet_needed = Product::of(rules.aandeel_omzet, omzet_total);

        // The criteria points, walking the providers in break-even order (as `rank`).
        let present = || self.order.iter().copied().filter(|&i| weights[i] > 0);
        let r_aantal = if needed == 0 {
            &ALWAYS
        } else {
            let mut count = 0u64;
            present()
                .find(|&i| {
                    count += u64::from(weights[i]);
                    count >= needed
                })
                .map_or(&NEVER, |i| &self.break_evens[i])
        };
        let r_omzet = if rules.aandeel_omzet.is_zero() {
            &ALWAYS
        } else {
            let mut cumulative = Decimal::ZERO;
            present()
                .find(|&i| {
                    cumulative += weighted(self.positions[i].omzet, weights[i]);
                    omzet_needed.reached_by(cumulative)
                })
                .map_or(&NEVER, |i| &self.break_evens[i])
        };

        let holds = |r: Decimal| {
            let quotient = r / rules.grid;
            let (mut count, mut omzet) = (0u64, Decimal::ZERO);
            let mut add = |i: usize| {
                count += u64::from(weights[i]);
                omzet += weighted(self.positions[i].omzet, weights[i]);
            };
            match quotient
                .fract()
                .is_zero()
                .then(|| quotient.to_i64())
                .flatten()
            {
                // On the grid: the prepared steps decide, exactly.
                Some(k) => (0..self.len())
                    .filter(|&i| weights[i] > 0 && self.steps[i] <= k)
                    .for_each(&mut add),
                // Off the grid: the exact test. `rtp_on_grid` only asks about grid points
                // (a floor or cap between them is applied by clamping afterwards), so no
                // input reaches this arm today; it keeps `holds` true to its name for any r.
                None => (0..self.len())
                    .filter(|&i| {
                        weights[i] > 0 && self.positions[i].is_positive_at(r, rules.nul_is_positief)
                    })
                    .for_each(&mut add),
            }
            count >= needed && omzet_needed.reached_by(omzet)
        };
        rtp_on_grid(binding(r_aantal, r_omzet).1, rules, holds)
    }
}

/// The infinite break-evens, to point at.
static ALWAYS: ExactBreakEven = ExactBreakEven::Always;
static NEVER: ExactBreakEven = ExactBreakEven::Never;

/// w copies of an amount, exactly.
fn weighted(amount: Decimal, w: u32) -> Decimal {
    if w == 1 {
        amount
    } else {
        mul(amount, Decimal::from(w))
    }
}

/// The published RTP from the binding break-even: rounded to the grid and, when rounding
/// up, certified by `holds` (the exact test of both criteria at a percentage), then kept
/// within floor and cap. Shared by `solve_group` and the resampling engine, so both give
/// the same answer by construction.
fn rtp_on_grid(
    binding: &ExactBreakEven,
    rules: &Rules,
    holds: impl Fn(Decimal) -> bool,
) -> Decimal {
    let g = rules.grid;
    let rtp = match binding {
        ExactBreakEven::Always => rules.floor,
        ExactBreakEven::Never => rules.cap,
        ExactBreakEven::At(v) => {
            // The grid point from the exact break-even: rounded up, or to the nearest with
            // a half away from zero (a quotient's last digit cannot move a midpoint).
            let steps = v.steps(
                g,
                if rules.round_up {
                    Steps::Up
                } else {
                    Steps::Nearest
                },
            );
            // A break-even far outside floor and cap (a tiny ρ can put it at 10^15) gives
            // the same answer from one step outside them, and the exact test never has to
            // multiply by a percentage beyond Decimal's range.
            let grid_steps = |r: Decimal, rounding| Wide::from(r).steps(g, rounding);
            let below = grid_steps(rules.floor, Steps::Down) - 1;
            let above = grid_steps(rules.cap, Steps::Up) + 1;
            let k = steps
                .clamp(below, above)
                .to_i64()
                .expect("floor and cap are within 10^12 grid steps");
            let mut candidate = mul(Decimal::from(k), g);
            if rules.round_up {
                // Certify: the exact test, not the break-even, has the last word. Step
                // down while the criteria still hold one step lower (they never do, as
                // the break-evens are exact), then up until they hold (with "> 0", a
                // break-even on the grid is not positive at itself).
                while candidate - g >= rules.floor && holds(candidate - g) {
                    candidate -= g;
                }
                while candidate < rules.cap && !holds(candidate) {
                    candidate += g;
                }
            }
            candidate
        }
    };
    rtp.max(rules.floor).min(rules.cap).normalize()
}

/// The shares of providers and of omzet with a result ≥ 0 as the percentage rises: what the
/// report's curves and the workbook's `Curves` sheet show.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Curve {
    /// The shares below every finite break-even (the providers positive at any percentage).
    pub(crate) start: (Decimal, Decimal),
    /// From each distinct finite break-even on: (r, share of providers, share of omzet).
    pub(crate) steps: Vec<(Decimal, Decimal, Decimal)>,
}

/// The step curve of a group from its break-evens and omzet (in the same order).
pub(crate) fn curve(break_evens: &[BreakEven], omzet: &[Decimal]) -> Curve {
    let n = Decimal::from(break_evens.len().max(1));
    let total: Decimal = omzet.iter().sum();
    let share_of = |o: Decimal| {
        if total.is_zero() {
            Decimal::ZERO
        } else {
            o / total
        }
    };
    let mut order: Vec<usize> = (0..break_evens.len()).collect();
    order.sort_by(|&a, &b| break_evens[a].cmp(&break_evens[b]));
    let (mut count, mut sum) = (0usize, Decimal::ZERO);
    let mut start = (Decimal::ZERO, Decimal::ZERO);
    let mut steps: Vec<(Decimal, Decimal, Decimal)> = Vec::new();
    for &i in &order {
        count += 1;
        sum += omzet[i];
        let point = (Decimal::from(count) / n, share_of(sum));
        match break_evens[i] {
            BreakEven::Always => start = point,
            BreakEven::At(r) => match steps.last_mut() {
                Some(last) if last.0 == r => *last = (r, point.0, point.1),
                _ => steps.push((r, point.0, point.1)),
            },
            BreakEven::Never => {}
        }
    }
    Curve { start, steps }
}

/// Solves every group in parallel. The result is in the groups' order and does not depend
/// on the number of threads: every sum is an exact decimal sum.
pub(crate) fn solve(groups: &[Vec<Position>], rules: &Rules) -> Vec<GroupResult> {
    groups.par_iter().map(|g| solve_group(g, rules)).collect()
}

/// The brute-force reference and the property tests that hold the solver to it.
#[cfg(test)]
mod reference;

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::str::FromStr;

    pub(crate) fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    /// The default criteria (75%, 75%, zero positive) on a 0.1-point grid, 0-100%.
    pub(crate) fn rules() -> Rules {
        Rules {
            aandeel_aanbieders: d("0.75"),
            aandeel_omzet: d("0.75"),
            nul_is_positief: true,
            grid: d("0.001"),
            round_up: true,
            floor: Decimal::ZERO,
            cap: Decimal::ONE,
        }
    }

    /// A provider with ρ = 1, its omzet, result R and care part S of S_max.
    fn pos(omzet: &str, resultaat: &str, huidig: &str, basis: &str) -> Position {
        Position {
            resultaat: d(resultaat),
            rho: Rho::One,
            basis: d(basis),
            huidig: d(huidig),
            omzet: d(omzet),
        }
    }

    fn check_break_even(p: &Position, expected: BreakEven) {
        assert_eq!(p.break_even(true), expected, "{p:?}");
    }

    #[test]
    fn break_even_of_a_provider() {
        // S = 960, S_max = 1000, R = −10: r* = p − R/S_max = 0.96 + 10/1000 = 0.97.
        check_break_even(&pos("2000", "-10", "960", "1000"), BreakEven::At(d("0.97")));
        // Positive now (R = 30): break-even below the realised 96%: 0.96 − 0.03 = 0.93.
        check_break_even(&pos("2000", "30", "960", "1000"), BreakEven::At(d("0.93")));
    }

    #[test]
    fn only_volledig_lines_is_always_or_never_positive() {
        // No care part to scale (S_max = 0): the result does not depend on r.
        check_break_even(&pos("500", "0", "0", "0"), BreakEven::Always);
        check_break_even(&pos("500", "12.5", "0", "0"), BreakEven::Always);
        check_break_even(&pos("500", "-0.01", "0", "0"), BreakEven::Never);
        // Zero does not count as positive: R = 0 is then never positive.
        assert_eq!(
            pos("500", "0", "0", "0").break_even(false),
            BreakEven::Never
        );
    }

    #[test]
    fn scaled_break_even_uses_rho() {
        // ρ = W/D = 1500/1000 = 1.5, R = −15, S = 900, S_max = 1000:
        // r* = (S − R/ρ) / S_max = (900 + 10) / 1000 = 0.91.
        let p = Position {
            resultaat: d("-15"),
            rho: Rho::Ratio {
                wlz: d("1500"),
                declared: d("1000"),
            },
            basis: d("1000"),
            huidig: d("900"),
            omzet: d("2000"),
        };
        check_break_even(&p, BreakEven::At(d("0.91")));
        assert!(p.is_positive_at(d("0.91"), true));
        assert!(!p.is_positive_at(d("0.909"), true));
        // R(0.95) = −15 + 1.5·(950 − 900) = 60.
        assert_eq!(p.result_at(d("0.95")), d("60"));
    }

    #[test]
    fn six_decimals_in_every_factor_are_decided_exactly() {
        // Aurora of the fixture with six decimals where they multiply: W = 830000.123457,
        // D = 837580, S = 698880, R = 5000 and S_max = 3640.123457 · 200.123457 =
        // 728474.090121630849. W·(r·S_max − S) has 21 decimals and 30 digits, beyond
        // Decimal (this used to panic). By hand (exact rationals):
        // R(0.952) = 5000 + W/D·(0.952·S_max − S) = −324.045002012249489…,
        // R(0.953) = 397.836591072804295…, r* = (S − R·D/W)/S_max = 0.952448889409449…
        let p = Position {
            resultaat: d("5000"),
            rho: Rho::Ratio {
                wlz: d("830000.123457"),
                declared: d("837580"),
            },
            basis: d("728474.090121630849"),
            huidig: d("698880"),
            omzet: d("812555.2"),
        };
        assert!(!p.is_positive_at(d("0.952"), true));
        assert!(p.is_positive_at(d("0.953"), true));
        assert_eq!(p.result_at(d("0.952")).round_dp(12), d("-324.045002012249"));
        assert_eq!(p.result_at(d("0.953")).round_dp(12), d("397.836591072804"));
        match p.break_even(true) {
            BreakEven::At(v) => assert_eq!(v.round_dp(15), d("0.952448889409449")),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn count_threshold_is_the_ceiling_for_small_groups() {
        // ⌈0.75·N⌉ for N = 1..8: 1, 2, 3, 3, 4, 5, 6, 6.
        let got: Vec<usize> = (1..=8).map(|n| providers_needed(d("0.75"), n)).collect();
        assert_eq!(got, vec![1, 2, 3, 3, 4, 5, 6, 6]);
        assert_eq!(providers_needed(Decimal::ZERO, 5), 0);
        assert_eq!(providers_needed(Decimal::ONE, 5), 5);
    }

    #[test]
    fn four_providers_worked_by_hand() {
        // Break-evens 0.93, 0.95, 0.97, 0.99 with omzet 100, 100, 100, 700 (total 1000).
        // Count: ⌈0.75·4⌉ = 3rd smallest = 0.97.
        // Omzet: cumulative 100, 200, 300, 1000; 750 is first reached at the 4th: 0.99.
        let group = vec![
            pos("100", "0", "930", "1000"),
            pos("100", "0", "950", "1000"),
            pos("100", "0", "970", "1000"),
            pos("700", "0", "990", "1000"),
        ];
        let g = solve_group(&group, &rules());
        assert_eq!(g.r_aantal, BreakEven::At(d("0.97")));
        assert_eq!(g.r_omzet, BreakEven::At(d("0.99")));
        assert_eq!(g.bindend, Binding::Omzet);
        assert_eq!(g.rtp, d("0.99"));
        assert!(g.haalbaar && g.at_rtp.holds());
        assert_eq!(g.at_rtp.positive, 4);
    }

    #[test]
    fn break_even_exactly_on_the_grid_is_the_rtp() {
        // Three providers, all break-even at exactly 95.5% (R = 0, S = 955, S_max = 1000):
        // rounding up must not move an exact grid value to 95.6.
        let group = vec![pos("1", "0", "955", "1000"); 3];
        assert_eq!(solve_group(&group, &rules()).rtp, d("0.955"));
        // With "> 0" the break-even itself is not positive: the next grid point is.
        let strict = Rules {
            nul_is_positief: false,
            ..rules()
        };
        assert_eq!(solve_group(&group, &strict).rtp, d("0.956"));
    }

    #[test]
    fn break_even_off_the_grid_rounds_up_or_to_nearest() {
        // S = 9551, S_max = 10000, R = 0: r* = 0.9551 → up: 95.6, nearest: 95.5.
        let group = vec![pos("1", "0", "9551", "10000")];
        assert_eq!(solve_group(&group, &rules()).rtp, d("0.956"));
        let nearest = Rules {
            round_up: false,
            ..rules()
        };
        let g = solve_group(&group, &nearest);
        assert_eq!(g.rtp, d("0.955"));
        // Rounded to nearest below the break-even the criteria do not hold, and that shows.
        assert!(!g.at_rtp.holds() && g.haalbaar);
    }

    #[test]
    fn ties_in_break_even_count_together() {
        // Break-evens 0.90, 0.96, 0.96, 0.96 with omzet 700, 100, 100, 100.
        // Count: 3rd smallest = 0.96 (a tie). Omzet: 700 < 750 until the first 0.96: 0.96.
        let group = vec![
            pos("700", "0", "900", "1000"),
            pos("100", "0", "960", "1000"),
            pos("100", "0", "960", "1000"),
            pos("100", "0", "960", "1000"),
        ];
        let g = solve_group(&group, &rules());
        assert_eq!(
            (g.r_aantal, g.r_omzet),
            (BreakEven::At(d("0.96")), BreakEven::At(d("0.96")))
        );
        assert_eq!(g.bindend, Binding::Aantal, "equal points bind on aantal");
        assert_eq!(g.rtp, d("0.96"));
        assert_eq!(
            g.at_rtp.positive, 4,
            "all tied providers turn positive together"
        );
    }

    #[test]
    fn infeasible_below_the_cap_is_reported_not_an_error() {
        // Two of three providers need more than 100%: ⌈0.75·3⌉ = 3rd smallest = 1.05.
        let group = vec![
            pos("1", "0", "950", "1000"),
            pos("1", "-100", "950", "1000"),
            pos("1", "-60", "990", "1000"),
        ];
        let g = solve_group(&group, &rules());
        assert_eq!(g.r_aantal, BreakEven::At(d("1.05")));
        assert!(!g.haalbaar);
        assert_eq!(g.rtp, Decimal::ONE, "reported at the cap");
        // At 100%: R = 0 + 50 = 50, R = −100 + 50 = −50 and R = −60 + 10 = −50: one positive.
        assert_eq!(g.at_rtp.positive, 1);
    }

    #[test]
    fn floor_applies_when_everyone_is_positive_anyway() {
        let group = vec![pos("1", "1000", "950", "1000"); 4];
        let rules = Rules {
            floor: d("0.9"),
            ..rules()
        };
        let g = solve_group(&group, &rules);
        // r* = 0.95 − 1 = −0.05 for all; the floor 90% takes over.
        assert_eq!(g.rtp, d("0.9"));
    }

    #[test]
    fn the_curve_steps_at_each_break_even_with_ties_together() {
        // Break-evens −∞, 0.95, 0.97, 0.97, +∞ with omzet 1, 2, 3, 4, 10 (total 20).
        let be = [
            BreakEven::Always,
            BreakEven::At(d("0.95")),
            BreakEven::At(d("0.97")),
            BreakEven::At(d("0.97")),
            BreakEven::Never,
        ];
        let omzet = [d("1"), d("2"), d("3"), d("4"), d("10")];
        let c = curve(&be, &omzet);
        assert_eq!(c.start, (d("0.2"), d("0.05")));
        assert_eq!(
            c.steps,
            vec![
                (d("0.95"), d("0.4"), d("0.15")),
                (d("0.97"), d("0.8"), d("0.5"))
            ]
        );
    }

    /// Two providers whose break-evens are both exactly 2/3, computed in different terms:
    /// A with ρ = 1, r* = (huidig − R) / basis = (2100 − 100) / 3000; B with
    /// ρ = W/D = 300000/100000 = 3, r* = (huidig − R/ρ) / basis = (2000 − 2000/3) / 2000.
    /// As quotients they differ in the 28th digit: A's is one rounding of 2/3,
    /// 0.6666666666666666666666666667, while B's takes two (R·D/W = 666.66…667, then
    /// 1333.33…333 / 2000 = 0.66…6665, rounded half to even), 0.6666666666666666666666666666.
    fn two_thirds_in_two_ways() -> (Position, Position) {
        let a = pos("700", "100", "2100", "3000");
        let b = Position {
            resultaat: d("2000"),
            rho: Rho::Ratio {
                wlz: d("300000"),
                declared: d("100000"),
            },
            basis: d("2000"),
            huidig: d("2000"),
            omzet: d("100"),
        };
        (a, b)
    }

    #[test]
    fn equal_break_evens_bind_on_aantal_however_their_quotients_round() {
        let (a, b) = two_thirds_in_two_ways();
        // The quotients as Decimal computes them in the two ways above: unequal.
        let qa = (d("2100") - d("100")) / d("3000");
        let qb = (d("2000") - d("200000000") / d("300000")) / d("2000");
        assert_eq!(qa, d("0.6666666666666666666666666667"));
        assert_eq!(qb, d("0.6666666666666666666666666666"));
        // Break-evens 0.5, 0.5, 2/3 (B), 2/3 (A) with omzet 100, 100, 100, 700 (total
        // 1000). Count: ⌈0.75·4⌉ = 3rd smallest, a 2/3. Omzet: 300 < 750 until the 4th,
        // the other 2/3. Decided by different providers, at the same exact break-even: the
        // binding criterion is aantal (methodology: aantal when they are equal).
        let group = vec![
            pos("100", "0", "500", "1000"),
            pos("100", "0", "500", "1000"),
            b,
            a,
        ];
        let g = solve_group(&group, &rules());
        assert_eq!(
            g.bindend,
            Binding::Aantal,
            "{:?} vs {:?}",
            g.r_aantal,
            g.r_omzet
        );
        assert_eq!(g.r_aantal, g.r_omzet);
        assert_eq!(g.rtp, d("0.667"));
        // And so in every order of the providers.
        let g = solve_group(
            &[
                group[3].clone(),
                group[2].clone(),
                group[0].clone(),
                group[1].clone(),
            ],
            &rules(),
        );
        assert_eq!(g.bindend, Binding::Aantal);
    }

    #[test]
    fn omzet_criterion_switched_off_is_met_everywhere() {
        let group = vec![pos("1", "0", "950", "1000")];
        let g = solve_group(
            &group,
            &Rules {
                aandeel_omzet: Decimal::ZERO,
                ..rules()
            },
        );
        assert_eq!(g.r_omzet, BreakEven::Always);
        assert_eq!(g.bindend, Binding::Aantal);
    }

    #[test]
    fn check_verdict_at_a_published_percentage() {
        // R = 0 and S_max = 1000, so r* = S/1000: 0.90, 0.92, 0.9504 and 0.99. Equal omzet;
        // 75% of 4 providers is 3, and 75% of the omzet also needs 3 of them. The third
        // provider is positive from 0.9504, so 0.951 is the lowest passing grid point, also
        // when the configuration rounds to the nearest point (whose RTP is then 0.950).
        let group = vec![
            pos("1000", "0", "900", "1000"),
            pos("1000", "0", "920", "1000"),
            pos("1000", "0", "950.4", "1000"),
            pos("1000", "0", "990", "1000"),
        ];
        let nearest = Rules {
            round_up: false,
            ..rules()
        };
        assert_eq!(solve_group(&group, &nearest).rtp, d("0.95"));
        let v = verdict(&group, d("0.95"), &nearest);
        assert!(!v.passes(), "{v:?}");
        assert_eq!((v.at.positive, v.at.needed), (2, 3));
        assert_eq!(v.lowest, Some((d("0.951"), Binding::Aantal)));
        let v = verdict(&group, d("0.951"), &nearest);
        assert!(v.passes(), "{v:?}");
        assert_eq!((v.at.positive, v.at.omzet_positive), (3, d("3000")));
        // The big provider carries 10000 of 10300 omzet: 75% (7725) needs it, at 0.99.
        let mut omzet = group.clone();
        for (p, o) in omzet.iter_mut().zip(["100", "100", "100", "10000"]) {
            p.omzet = d(o);
        }
        let v = verdict(&omzet, d("0.951"), &rules());
        assert!(
            v.at.aantal_met() && !v.at.omzet_met() && !v.passes(),
            "{v:?}"
        );
        assert_eq!(v.lowest, Some((d("0.99"), Binding::Omzet)));
        // Two providers that stay negative up to the cap of 100%: nothing passes.
        let short = vec![group[0].clone(), pos("1000", "0", "1100", "1000")];
        let v = verdict(&short, Decimal::ONE, &rules());
        assert!(!v.passes());
        assert_eq!(v.lowest, None);
    }

    #[test]
    fn every_group_is_solved_in_its_own_place() {
        // Two groups of one provider each, break-evens 0.90 and 0.99 (R = 0, S/S_max):
        // one provider is 75% of one, so each group's RTP is its own break-even.
        let groups = vec![
            vec![pos("1000", "0", "900", "1000")],
            vec![pos("1000", "0", "990", "1000")],
        ];
        let rtps: Vec<Decimal> = solve(&groups, &rules()).iter().map(|g| g.rtp).collect();
        assert_eq!(rtps, [d("0.9"), d("0.99")]);
    }

    #[test]
    fn exact_break_evens_compare_with_every_operator() {
        // −∞ < 1/3 = 2/6 < 1/2 < +∞, each operator on its own: `==` and `!=` go through
        // `eq`, the others through `partial_cmp`.
        let at = |n: &str, m: &str| ExactBreakEven::At(Fraction::of_decimals(d(n), d(m)).unwrap());
        let (third, half) = (at("1", "3"), at("1", "2"));
        assert!(third == at("2", "6"));
        assert!(third != half);
        assert!(ExactBreakEven::Always == ExactBreakEven::Always);
        assert!(ExactBreakEven::Always != ExactBreakEven::Never);
        assert!(third < half);
        assert!(half > third);
        assert!(ExactBreakEven::Always < third);
        assert!(ExactBreakEven::Never > half);
        assert_eq!(
            ExactBreakEven::Never.partial_cmp(&ExactBreakEven::Always),
            Some(Ordering::Greater)
        );
    }

    #[test]
    fn shares_and_the_count_of_evaluations_by_hand() {
        // The four providers of `four_providers_worked_by_hand` (break-evens 0.93, 0.95,
        // 0.97, 0.99; omzet 100, 100, 100, 700). At 97% the first three are positive:
        // 3 of 4 providers = 0.75, and omzet 300 of 1000 = 0.3.
        let group = vec![
            pos("100", "0", "930", "1000"),
            pos("100", "0", "950", "1000"),
            pos("100", "0", "970", "1000"),
            pos("700", "0", "990", "1000"),
        ];
        let at = evaluate(&group, d("0.97"), &rules());
        assert_eq!(
            (at.share_providers(), at.share_omzet()),
            (d("0.75"), d("0.3"))
        );
        let none = evaluate(&[], d("0.97"), &rules());
        assert_eq!(
            (none.share_providers(), none.share_omzet()),
            (d("0"), d("0"))
        );
        // The RTP is 0.99. The criteria are tested three times: at the cap (haalbaar), one
        // step below 0.99 (fails: the fourth provider is not positive at 0.989), and at
        // 0.99 (holds). Each provider is evaluated once for its break-even, once per test
        // and once more at the RTP: 4·(1 + 3 + 1) = 20.
        let (g, evaluations) = solve_group_counted(&group, &rules());
        assert_eq!(g.rtp, d("0.99"));
        assert_eq!(evaluations, 20);
        // Bisection over the 1000 grid steps: the cap holds, the floor does not, then
        // 500 F, 750 F, 875 F, 937 F, 968 F, 984 F, 992 T, 988 F, 990 T, 989 F (T where
        // k ≥ 990): 12 tests of the 4 providers.
        assert_eq!(bisect_rtp(&group, &rules()), (d("0.99"), 48));
    }

    #[test]
    fn the_binding_criterion_in_the_reports_words() {
        // The criteria as the data contract names them in the reports.
        assert_eq!(Binding::Aantal.as_str(), "aantal");
        assert_eq!(Binding::Omzet.as_str(), "omzet");
    }
}

/// Properties that must hold for every input, not only the hand-made ones.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::RoundingStrategy;

    fn cents(c: i64) -> Decimal {
        Decimal::new(c, 2)
    }

    /// A provider: care part up to €1M paid at 85-101% of the maximum, a result of ±€50k,
    /// omzet up to €2M, ρ = 1 or W/D with W within half to one and a half times D; one in
    /// eight with a zero base.
    fn position() -> impl Strategy<Value = Position> {
        (
            -5_000_000i64..5_000_000,
            0i64..100_000_000,
            8500i64..=10100,
            1i64..200_000_000,
            prop::option::of(50i64..150),
            0u8..8,
        )
            .prop_map(|(r, basis, pct, omzet, rho, zero_base)| {
                let basis = cents(basis);
                let huidig = (basis * Decimal::new(pct, 4)).round_dp(2);
                // One in eight: nothing left to scale (all capital or netted out by a
                // credit) while something was paid, so the result is R − ρ·huidig at any r.
                let basis = if zero_base == 0 { Decimal::ZERO } else { basis };
                let rho = match rho {
                    None => Rho::One,
                    Some(w) => Rho::Ratio {
                        wlz: (huidig + Decimal::ONE) * Decimal::new(w, 2),
                        declared: huidig + Decimal::ONE,
                    },
                };
                Position {
                    resultaat: cents(r),
                    rho,
                    basis,
                    huidig,
                    omzet: cents(omzet),
                }
            })
    }

    fn rules() -> impl Strategy<Value = Rules> {
        (
            10i64..=19,
            prop::bool::ANY,
            prop::bool::ANY,
            prop::sample::select(vec![1i64, 25, 100]),
            prop::bool::ANY,
        )
            .prop_map(|(share, omzet_on, zero, grid, floor)| Rules {
                aandeel_aanbieders: Decimal::new(share * 5, 2),
                aandeel_omzet: if omzet_on {
                    Decimal::new(share * 5, 2)
                } else {
                    Decimal::ZERO
                },
                nul_is_positief: zero,
                grid: Decimal::new(grid, 4),
                round_up: true,
                floor: if floor {
                    Decimal::new(9, 1)
                } else {
                    Decimal::ZERO
                },
                cap: Decimal::ONE,
            })
    }

    proptest! {
        #[test]
        fn result_is_non_decreasing_in_r(p in position(), a in 0i64..1500, b in 0i64..1500) {
            let (lo, hi) = (Decimal::new(a.min(b), 3), Decimal::new(a.max(b), 3));
            prop_assert!(p.result_at(lo) <= p.result_at(hi));
            prop_assert!(!p.is_positive_at(lo, true) || p.is_positive_at(hi, true));
            prop_assert!(!p.is_positive_at(lo, false) || p.is_positive_at(hi, false));
        }

        #[test]
        fn break_even_separates_negative_from_positive(p in position()) {
            if let BreakEven::At(v) = p.break_even(true) {
                // Just above and below r*, at nine decimals (r* itself has 28 digits).
                let eps = Decimal::new(1, 9);
                let above = v.round_dp_with_strategy(9, RoundingStrategy::ToPositiveInfinity) + eps;
                let below = v.round_dp_with_strategy(9, RoundingStrategy::ToNegativeInfinity) - eps;
                prop_assert!(p.is_positive_at(above, true), "{p:?} at {above}");
                prop_assert!(!p.is_positive_at(below, true), "{p:?} at {below}");
            }
        }

        #[test]
        fn criteria_hold_at_the_rtp_and_fail_one_step_below(ps in prop::collection::vec(position(), 1..40), rules in rules()) {
            let g = solve_group(&ps, &rules);
            if g.haalbaar {
                prop_assert!(g.at_rtp.holds(), "not certified at {}", g.rtp);
                if g.rtp > rules.floor {
                    prop_assert!(!evaluate(&ps, g.rtp - rules.grid, &rules).holds(), "holds one step below {}", g.rtp);
                }
            } else {
                prop_assert!(!evaluate(&ps, rules.cap, &rules).holds());
                prop_assert_eq!(g.rtp, rules.cap);
            }
        }

        #[test]
        fn adding_a_loss_making_provider_never_lowers_the_rtp(
            ps in prop::collection::vec(position(), 1..30),
            extra in position(),
            loss in 1i64..1_000_000,
            rules in rules(),
        ) {
            let before = solve_group(&ps, &rules);
            // Loss-making: a negative result at the group's current RTP.
            let mut extra = Position { rho: Rho::One, ..extra };
            extra.resultaat = extra.huidig - mul(before.rtp, extra.basis) - cents(loss);
            prop_assert!(!extra.is_positive_at(before.rtp, rules.nul_is_positief));
            let mut more = ps.clone();
            more.push(extra);
            let after = solve_group(&more, &rules);
            prop_assert!(after.rtp >= before.rtp, "{} < {}", after.rtp, before.rtp);
        }

        #[test]
        fn rounding_to_nearest_stays_within_half_a_step(ps in prop::collection::vec(position(), 1..40), rules in rules()) {
            let rules = Rules { round_up: false, ..rules };
            let g = solve_group(&ps, &rules);
            let binding = g.r_aantal.max(g.r_omzet);
            if let BreakEven::At(v) = binding {
                if v >= rules.floor && v <= rules.cap {
                    let half = rules.grid / Decimal::TWO;
                    prop_assert!((g.rtp - v).abs() <= half, "rtp {} is not the nearest grid point to {v}", g.rtp);
                    prop_assert!(g.rtp.checked_rem(rules.grid) == Some(Decimal::ZERO) || g.rtp == rules.cap);
                }
            }
        }

        #[test]
        fn the_order_of_providers_does_not_matter(ps in prop::collection::vec(position(), 1..30), rules in rules(), seed in 0u64..1000) {
            let mut shuffled = ps.clone();
            let n = shuffled.len();
            for i in (1..n).rev() {
                shuffled.swap(i, (seed as usize * 7919 + i * 104729) % (i + 1));
            }
            let (a, b) = (solve_group(&ps, &rules), solve_group(&shuffled, &rules));
            prop_assert_eq!((a.rtp, a.r_aantal, a.r_omzet, a.bindend, a.haalbaar), (b.rtp, b.r_aantal, b.r_omzet, b.bindend, b.haalbaar));
            prop_assert_eq!((a.at_rtp.positive, a.at_rtp.omzet_positive), (b.at_rtp.positive, b.at_rtp.omzet_positive));
        }

        #[test]
        fn prepared_weights_give_the_rtp_of_the_materialised_multiset(
            ps in prop::collection::vec(position(), 1..30),
            weights in prop::collection::vec(0u32..4, 31),
            rules in rules(),
            round_up in prop::bool::ANY,
            off_grid in prop::bool::ANY,
            far in prop::option::of(prop::bool::ANY),
        ) {
            // Floor and cap half a step off the grid; a provider whose break-even lies
            // beyond 10^12 grid steps (a tiny ρ), either way.
            let half = rules.grid / Decimal::TWO;
            let rules = if off_grid {
                Rules { round_up, floor: rules.floor + half, cap: rules.cap - half, ..rules }
            } else {
                Rules { round_up, ..rules }
            };
            let mut ps = ps;
            if let Some(loss) = far {
                ps.push(Position {
                    resultaat: if loss { Decimal::from(-1000) } else { Decimal::from(1000) },
                    rho: Rho::Ratio { wlz: Decimal::new(1, 6), declared: Decimal::from(1000) },
                    basis: Decimal::from(1000),
                    huidig: Decimal::from(950),
                    omzet: Decimal::ONE,
                });
            }
            let mut weights = weights[..ps.len()].to_vec();
            if weights.iter().all(|&w| w == 0) {
                weights[0] = 1;
            }
            let copies: Vec<Position> = ps
                .iter()
                .zip(&weights)
                .flat_map(|(p, &w)| std::iter::repeat_n(p.clone(), w as usize))
                .collect();
            let prepared = Prepared::new(&ps, &rules);
            prop_assert_eq!(prepared.rtp(&weights), solve_group(&copies, &rules).rtp);
        }

        #[test]
        fn bisection_finds_the_same_rtp(ps in prop::collection::vec(position(), 1..40), rules in rules()) {
            let (rtp, evaluations) = bisect_rtp(&ps, &rules);
            let (g, _) = solve_group_counted(&ps, &rules);
            prop_assert_eq!(rtp, g.rtp);
            prop_assert!(evaluations >= ps.len() as u64);
        }
    }
}
