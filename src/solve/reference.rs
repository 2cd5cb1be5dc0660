//! A brute-force reference for the solver, and the property tests that hold `classify` +
//! `solve` to it. Test code only.
//!
//! The reference is written from the methodology, not from the code: each provider's
//! R(r) = R + ρ·(r·basis − huidig) as an exact rational (num-bigint, no `Decimal`, no
//! `exact`), evaluated at every grid point from the floor up; the RTP rounded up is the
//! lowest grid point where both criteria hold (within floor and cap); rounded to the
//! nearest it is the binding break-even's nearest grid point (a half away from zero), within
//! floor and cap. `rtp_aantal` is the ⌈share·N⌉-th smallest break-even, `rtp_omzet` the
//! smallest break-even at which the omzet of the providers at or below it reaches share·O,
//! and `bindend` is `omzet` only when that is the higher of the two.
//!
//! The tests go through `classify`, not hand-made `Position`s: the result definition, the
//! stripping of NHC/NIC, ρ and the omzet basis are decided there, and a test that built
//! positions by hand would only test the solver against the test's own reading of those
//! choices. So the generator draws jaarverslag figures and claim figures, the reference
//! derives R, ρ, the base and O from them by the methodology's formulas, and both sides
//! must agree on every provider's omzet and on every number of the group.

use std::cmp::Ordering;
use std::sync::OnceLock;

use num_bigint::BigInt;
use proptest::prelude::*;
use rust_decimal::Decimal;

use super::{solve_group, Binding, Decider, Prepared};
use crate::classify::classify;
use crate::config::{Config, OmzetBasis, ResultDefinition, Rounding, Scaling};
use crate::model::{Accounts, BreakEven, ClaimFigures, Kvk};

// ---------------------------------------------------------------------------------------
// Exact rationals, kept apart from the code under test.

/// `n / d` with `d > 0`, not reduced.
#[derive(Debug, Clone)]
struct Q {
    n: BigInt,
    d: BigInt,
}

fn int(i: i64) -> BigInt {
    BigInt::from(i)
}

impl Q {
    fn new(n: BigInt, d: BigInt) -> Q {
        assert!(d != int(0), "division by zero in the reference");
        if d < int(0) {
            Q { n: -n, d: -d }
        } else {
            Q { n, d }
        }
    }
    fn from_int(i: i64) -> Q {
        Q::new(int(i), int(1))
    }
    fn dec(x: Decimal) -> Q {
        Q::new(BigInt::from(x.mantissa()), BigInt::from(10).pow(x.scale()))
    }
    fn add(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d + &o.n * &self.d, &self.d * &o.d)
    }
    fn sub(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d - &o.n * &self.d, &self.d * &o.d)
    }
    fn mul(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.n, &self.d * &o.d)
    }
    fn div(&self, o: &Q) -> Q {
        Q::new(&self.n * &o.d, &self.d * &o.n)
    }
    fn cmp(&self, o: &Q) -> Ordering {
        (&self.n * &o.d).cmp(&(&o.n * &self.d))
    }
    fn sign(&self) -> Ordering {
        self.n.cmp(&int(0))
    }
    /// ⌊x⌋ and ⌈x⌉.
    fn floor(&self) -> BigInt {
        let q = &self.n / &self.d;
        if self.n < int(0) && &q * &self.d != self.n {
            q - 1
        } else {
            q
        }
    }
    fn ceil(&self) -> BigInt {
        -Q::new(-self.n.clone(), self.d.clone()).floor()
    }
    /// The nearest integer, a half away from zero.
    fn round(&self) -> BigInt {
        let half = Q::new(int(1), int(2));
        if self.sign() == Ordering::Less {
            -Q::new(-self.n.clone(), self.d.clone()).add(&half).floor()
        } else {
            self.add(&half).floor()
        }
    }
    fn times(&self, k: &BigInt) -> Q {
        Q::new(&self.n * k, self.d.clone())
    }
}

// ---------------------------------------------------------------------------------------
// The reference, from the methodology.

/// A break-even: −∞, a number, +∞.
#[derive(Debug, Clone)]
enum Be {
    MinusInf,
    At(Q),
    PlusInf,
}

fn be_cmp(a: &Be, b: &Be) -> Ordering {
    match (a, b) {
        (Be::At(x), Be::At(y)) => x.cmp(y),
        (Be::MinusInf, Be::MinusInf) | (Be::PlusInf, Be::PlusInf) => Ordering::Equal,
        (Be::MinusInf, _) | (_, Be::PlusInf) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

/// One provider as the methodology defines it (sections 3 and 4).
#[derive(Debug, Clone)]
struct Provider {
    /// R
    result: Q,
    /// ρ: 1, or W / D.
    rho: Q,
    /// S_max (stripped) or S_max + K.
    basis: Q,
    /// S (stripped) or S + K.
    paid: Q,
    /// O
    omzet: Q,
}

/// A quotient rounded to the cent, a half away from zero (the README's rule for ρ·K).
fn cents(x: &Q) -> Q {
    Q::new(x.times(&int(100)).round(), int(100))
}

fn provider(a: &Accounts, c: &ClaimFigures, config: &Config) -> Provider {
    let calc = &config.berekening;
    let q = Q::dec;
    let (b, l, fb, fl) = (
        q(a.bedrijfsopbrengsten),
        q(a.bedrijfslasten),
        q(a.financiele_baten),
        q(a.financiele_lasten),
    );
    let result = match calc.resultaat {
        ResultDefinition::InclusiefFinancieel => b.sub(&l).add(&fb).sub(&fl),
        ResultDefinition::Bedrijfsresultaat => b.sub(&l),
    };
    let d = q(c.declaraties);
    let rho = match calc.schaling {
        Scaling::Declaraties => Q::from_int(1),
        Scaling::Jaarverslag => q(a.opbrengsten_wlz.expect("generated")).div(&d),
    };
    let (s, s_max, k) = (q(c.zorg), q(c.zorg_max), q(c.kapitaal));
    let (basis, paid) = if calc.nhc_nic_strippen {
        (s_max, s)
    } else {
        (s_max.add(&k), s.add(&k))
    };
    let stripped = if calc.nhc_nic_strippen {
        cents(&rho.mul(&k))
    } else {
        Q::from_int(0)
    };
    let omzet = match calc.omzet_basis {
        OmzetBasis::Bedrijfsopbrengsten => b.sub(&stripped),
        OmzetBasis::Wlz => rho.mul(&d).sub(&stripped),
    };
    Provider {
        result,
        rho,
        basis,
        paid,
        omzet,
    }
}

impl Provider {
    /// R(r) = R + ρ·(r·basis − paid).
    fn result_at(&self, r: &Q) -> Q {
        self.result
            .add(&self.rho.mul(&r.mul(&self.basis).sub(&self.paid)))
    }

    fn positive(&self, r: &Q, zero_counts: bool) -> bool {
        match self.result_at(r).sign() {
            Ordering::Greater => true,
            Ordering::Equal => zero_counts,
            Ordering::Less => false,
        }
    }

    /// Section 5: r* = (paid − R/ρ) / basis; with a zero base R(r) = R − ρ·paid at every r.
    fn break_even(&self, zero_counts: bool) -> Be {
        if self.basis.sign() == Ordering::Equal {
            let flat = self.result.sub(&self.rho.mul(&self.paid));
            let positive = match flat.sign() {
                Ordering::Greater => true,
                Ordering::Equal => zero_counts,
                Ordering::Less => false,
            };
            return if positive { Be::MinusInf } else { Be::PlusInf };
        }
        Be::At(self.paid.sub(&self.result.div(&self.rho)).div(&self.basis))
    }
}

/// The rules as the configuration states them, as rationals.
struct Settings {
    share_count: Q,
    share_omzet: Q,
    zero_counts: bool,
    grid: Q,
    round_up: bool,
    floor: Q,
    cap: Q,
}

fn settings(config: &Config) -> Settings {
    let hundred = Q::from_int(100);
    let calc = &config.berekening;
    Settings {
        share_count: Q::dec(config.criteria.aandeel_aanbieders),
        share_omzet: Q::dec(config.criteria.aandeel_omzet),
        zero_counts: config.criteria.nul_is_positief,
        grid: Q::dec(calc.afronding).div(&hundred),
        round_up: calc.afronden == Rounding::Omhoog,
        floor: Q::dec(calc.ondergrens).div(&hundred),
        cap: Q::dec(calc.bovengrens).div(&hundred),
    }
}

/// What the reference finds for a group.
struct Expected {
    r_aantal: Be,
    r_omzet: Be,
    bindend: Binding,
    rtp: Q,
    haalbaar: bool,
}

/// Both criteria at r, by evaluating every provider's R(r).
fn holds(ps: &[Provider], r: &Q, s: &Settings) -> bool {
    let total = ps.iter().fold(Q::from_int(0), |t, p| t.add(&p.omzet));
    let (mut count, mut omzet) = (0i64, Q::from_int(0));
    for p in ps.iter().filter(|p| p.positive(r, s.zero_counts)) {
        count += 1;
        omzet = omzet.add(&p.omzet);
    }
    let needed = s.share_count.times(&int(ps.len() as i64));
    Q::from_int(count).cmp(&needed) != Ordering::Less
        && omzet.cmp(&s.share_omzet.mul(&total)) != Ordering::Less
}

fn expected(ps: &[Provider], s: &Settings) -> Expected {
    let mut be: Vec<Be> = ps.iter().map(|p| p.break_even(s.zero_counts)).collect();
    be.sort_by(be_cmp);
    // ⌈share·N⌉-th smallest; a share of 0 needs nobody (−∞).
    let needed = s.share_count.times(&int(ps.len() as i64)).ceil();
    let r_aantal = if needed == int(0) {
        Be::MinusInf
    } else {
        let i = usize::try_from(needed - 1).expect("at most N");
        be[i].clone()
    };
    // The smallest break-even v with Σ{O_i : r*_i ≤ v} ≥ share·O; a share of 0: −∞.
    let total = ps.iter().fold(Q::from_int(0), |t, p| t.add(&p.omzet));
    let threshold = s.share_omzet.mul(&total);
    let r_omzet = if s.share_omzet.sign() == Ordering::Equal {
        Be::MinusInf
    } else {
        be.iter()
            .find(|v| {
                let at_or_below = ps
                    .iter()
                    .filter(|p| be_cmp(&p.break_even(s.zero_counts), v) != Ordering::Greater)
                    .fold(Q::from_int(0), |t, p| t.add(&p.omzet));
                at_or_below.cmp(&threshold) != Ordering::Less
            })
            .cloned()
            .unwrap_or(Be::PlusInf)
    };
    let bindend = if be_cmp(&r_omzet, &r_aantal) == Ordering::Greater {
        Binding::Omzet
    } else {
        Binding::Aantal
    };
    let binding = if bindend == Binding::Omzet {
        &r_omzet
    } else {
        &r_aantal
    };
    let clamp = |r: Q| {
        if r.cmp(&s.floor) == Ordering::Less {
            s.floor.clone()
        } else if r.cmp(&s.cap) == Ordering::Greater {
            s.cap.clone()
        } else {
            r
        }
    };
    let rtp = if s.round_up {
        // Every grid point from the one at or below the floor up to the one at or above
        // the cap; the lowest where both criteria hold.
        let lowest = s.floor.div(&s.grid).floor();
        let highest = s.cap.div(&s.grid).ceil();
        let mut k = lowest;
        loop {
            if k > highest {
                break s.cap.clone();
            }
            let r = s.grid.times(&k);
            if holds(ps, &r, s) {
                break clamp(r);
            }
            k += 1;
        }
    } else {
        match binding {
            Be::MinusInf => s.floor.clone(),
            Be::PlusInf => s.cap.clone(),
            Be::At(v) => clamp(s.grid.times(&v.div(&s.grid).round())),
        }
    };
    Expected {
        r_aantal,
        r_omzet,
        bindend,
        rtp,
        haalbaar: holds(ps, &s.cap, s),
    }
}

// ---------------------------------------------------------------------------------------
// The generator: jaarverslagen and claim figures whose break-evens tie, sit on the grid or
// half-way between grid points, lie beyond floor and cap, or are infinite.

/// Where a provider's break-even is put.
#[derive(Debug, Clone, Copy)]
enum Target {
    /// On the grid, `k` steps from the grid point at or below 96%.
    Grid(i64),
    /// Half-way between two grid points.
    Mid(i64),
    /// A fraction a/b that no decimal holds (b = 3, 7, 9, 11 or 13).
    Ratio(i64, i64),
    /// The floor or the cap itself (off the grid when they are).
    Floor,
    Cap,
}

fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        (-12i64..=12).prop_map(Target::Grid),
        (-12i64..=12).prop_map(Target::Mid),
        (prop::sample::select(vec![3i64, 7, 9, 11, 13]), 0i64..1000)
            .prop_map(|(b, x)| Target::Ratio(b, x)),
        Just(Target::Floor),
        Just(Target::Cap),
    ]
}

/// The drawn knobs of one provider; `build` turns them into figures under a configuration.
#[derive(Debug, Clone)]
struct Draw {
    /// 0: zero base; 1-5: break-even at a shared target; 6-9: anywhere.
    kind: u8,
    target: usize,
    size: i64,
    /// Paid percentage of the base, in 0.01 points.
    paid: i64,
    /// Capital and full-pay parts, percent of the base.
    capital: i64,
    full: i64,
    /// Result margin, in 0.01 points of the base (random kind), or R (zero base).
    result: i64,
    /// ρ from {1, 0.8, 1.5, 2, 3} (exact), or W/D within ±10% (index 5).
    rho: usize,
    rho_random: i64,
    revenue_factor: i64,
    baten: i64,
    lasten: i64,
}

fn draw() -> impl Strategy<Value = Draw> {
    (
        (
            0u8..10,
            0usize..2,
            1i64..60,
            8800i64..=10000,
            0i64..=20,
            0i64..=5,
        ),
        (
            -300i64..=600,
            0usize..6,
            9000i64..=11000,
            105i64..=160,
            0i64..2_000_000,
            0i64..2_000_000,
        ),
    )
        .prop_map(
            |(
                (kind, target, size, paid, capital, full),
                (result, rho, rho_random, revenue_factor, baten, lasten),
            )| Draw {
                kind,
                target,
                size,
                paid,
                capital,
                full,
                result,
                rho,
                rho_random,
                revenue_factor,
                baten,
                lasten,
            },
        )
}

/// A whole case: the configuration's knobs, two shared targets and the providers.
#[derive(Debug, Clone)]
struct Case {
    strip: bool,
    bedrijfsresultaat: bool,
    wlz_basis: bool,
    scaled: bool,
    zero_counts: bool,
    share_count: Decimal,
    share_omzet: Decimal,
    afronding: Decimal,
    round_up: bool,
    ondergrens: Decimal,
    bovengrens: Decimal,
    targets: [Target; 2],
    draws: Vec<Draw>,
}

/// A share: the common ones, 0 (the criterion off), 1, or any with six decimals.
fn share() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        prop::sample::select(vec![0i64, 500, 600, 750, 800, 900, 1000])
            .prop_map(|m| Decimal::new(m, 3)),
        (500_000i64..=950_000).prop_map(|m| Decimal::new(m, 6)),
    ]
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            share(),
            share(),
        ),
        (
            // Grids of 0.05 to 1 point.
            prop::sample::select(vec![5i64, 10, 25, 50, 100]),
            any::<bool>(),
            // Floors and caps in percent, some off the grid, some binding.
            prop::sample::select(vec![0i64, 85_000, 90_000, 93_370, 95_000, 96_100]),
            prop::sample::select(vec![96_070i64, 97_500, 100_000, 104_950, 110_000, 120_000]),
            [target(), target()],
            prop::collection::vec(draw(), 1..14),
        ),
    )
        .prop_map(
            |(
                (
                    strip,
                    bedrijfsresultaat,
                    wlz_basis,
                    scaled,
                    zero_counts,
                    share_count,
                    share_omzet,
                ),
                (afronding, round_up, floor, cap, targets, draws),
            )| {
                let ondergrens = Decimal::new(floor, 3);
                let mut bovengrens = Decimal::new(cap, 3);
                if bovengrens <= ondergrens {
                    bovengrens = ondergrens + Decimal::new(5, 0);
                }
                Case {
                    strip,
                    bedrijfsresultaat,
                    wlz_basis,
                    scaled,
                    zero_counts,
                    share_count,
                    share_omzet,
                    afronding: Decimal::new(afronding, 2),
                    round_up,
                    ondergrens,
                    bovengrens,
                    targets,
                    draws,
                }
            },
        )
}

/// The klein fixture's zn-2027 configuration, resolved once; every case changes its
/// methodology keys and clears its exclusions.
fn base_config() -> &'static Config {
    static BASE: OnceLock<Config> = OnceLock::new();
    BASE.get_or_init(|| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/klein/zn-2027.toml");
        crate::config::load(&path).expect("the fixture's configuration loads")
    })
}

fn config(case: &Case) -> Config {
    let mut c = base_config().clone();
    c.criteria.aandeel_aanbieders = case.share_count;
    c.criteria.aandeel_omzet = case.share_omzet;
    c.criteria.nul_is_positief = case.zero_counts;
    c.clustering.clusters = false;
    let b = &mut c.berekening;
    b.nhc_nic_strippen = case.strip;
    b.resultaat = if case.bedrijfsresultaat {
        ResultDefinition::Bedrijfsresultaat
    } else {
        ResultDefinition::InclusiefFinancieel
    };
    b.omzet_basis = if case.wlz_basis {
        OmzetBasis::Wlz
    } else {
        OmzetBasis::Bedrijfsopbrengsten
    };
    b.schaling = if case.scaled {
        Scaling::Jaarverslag
    } else {
        Scaling::Declaraties
    };
    b.afronding = case.afronding;
    b.afronden = if case.round_up {
        Rounding::Omhoog
    } else {
        Rounding::Dichtstbij
    };
    b.ondergrens = case.ondergrens;
    b.bovengrens = case.bovengrens;
    c.uitsluiting.kvk.clear();
    c.uitsluiting.min_omzet = Decimal::ZERO;
    c.uitsluiting.min_aandeel_wlz = Decimal::ZERO;
    c
}

/// A target as a fraction a/b, from the case's grid, floor and cap.
fn fraction(t: Target, case: &Case) -> (BigInt, BigInt) {
    let hundred = Q::from_int(100);
    let grid = Q::dec(case.afronding).div(&hundred);
    let floor = Q::dec(case.ondergrens).div(&hundred);
    // The grid point at or below 96%, where most break-evens are.
    let start = Q::new(int(96), int(100)).div(&grid).floor();
    let q = match t {
        Target::Grid(k) => grid.times(&(start + k)),
        Target::Mid(k) => grid.times(&(start + k)).add(&grid.div(&Q::from_int(2))),
        // Between 0.85 and 1.05, with a denominator no decimal has.
        Target::Ratio(b, x) => Q::new(int(850 * b + x * b / 5 + 1), int(1000 * b)),
        Target::Floor => floor,
        Target::Cap => Q::dec(case.bovengrens).div(&hundred),
    };
    (q.n, q.d)
}

/// A decimal from an integer number of cents.
fn euros(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// ρ's exact choices, in tenths.
const RHOS: [i64; 5] = [10, 8, 15, 20, 30];

/// The jaarverslag and claim figures of one provider under the case's configuration.
fn build(i: usize, d: &Draw, case: &Case) -> (Accounts, ClaimFigures) {
    let kvk = Kvk::from_number(10_000_000 + i as u32);
    let exact_rho = case.scaled && d.rho < RHOS.len();
    let rho_tenths = if exact_rho { RHOS[d.rho] } else { 10 };
    // The base (S_max, or S_max + K) in cents, the paid amount and the result R.
    let (base, huidig, result): (i64, i64, Option<Decimal>) = match d.kind {
        0 => (0, 0, None),
        1..=5 => {
            // r* = (huidig − R/ρ)/base = a/b: base = b·m, R = ρ·(huidig − a·m).
            let (a, b) = fraction(case.targets[d.target], case);
            let m = d.size * 1_000_000 / i64::try_from(b.clone()).expect("small") + 1;
            let base = i64::try_from(&b * m).expect("fits");
            let huidig = base * d.paid / 10_000;
            let a_m = i64::try_from(&a * m).expect("fits");
            // In cents: R = ρ·(huidig − a·m), ρ in tenths.
            let r = Decimal::new((huidig - a_m) * rho_tenths, 3);
            (base, huidig, Some(r))
        }
        _ => {
            let base = d.size * 1_000_000 + d.paid * 7;
            (base, base * d.paid / 10_000, None)
        }
    };
    let capital = base * d.capital / 100;
    let full = (base * d.full / 100).max(if base == 0 { 100_000 } else { 0 });
    let (zorg, zorg_max) = if base == 0 {
        // Nothing to scale, something paid (a credit can leave it negative).
        (d.result * 3, 0)
    } else if case.strip {
        (huidig, base)
    } else {
        (huidig - capital, base - capital)
    };
    let declaraties = capital + full + zorg;
    let result = result.unwrap_or_else(|| {
        if base == 0 {
            euros(d.result * 50)
        } else {
            euros(base * d.result / 10_000)
        }
    });
    let wlz = if case.scaled {
        if exact_rho {
            euros(declaraties) * Decimal::new(rho_tenths, 1)
        } else {
            euros(declaraties * d.rho_random / 10_000)
        }
    } else {
        euros(declaraties)
    };
    // B above W, so that B − ρ·K and W − ρ·K (K ≤ D) are positive omzet.
    let b = (wlz.max(euros(declaraties)) * Decimal::new(d.revenue_factor, 2)).round_dp(2)
        + Decimal::ONE;
    let (fb, fl) = (euros(d.baten), euros(d.lasten));
    let lasten = if case.bedrijfsresultaat {
        b - result
    } else {
        b + fb - fl - result
    };
    let accounts = Accounts {
        kvk,
        naam: format!("aanbieder {i}"),
        boekjaar: 2024,
        bedrijfsopbrengsten: b,
        opbrengsten_wlz: Some(wlz),
        bedrijfslasten: lasten,
        financiele_baten: fb,
        financiele_lasten: fl,
        resultaat: None,
        sector: None,
        bron: String::new(),
    };
    let figures = ClaimFigures {
        declaraties: euros(declaraties),
        kapitaal: euros(capital),
        volledig: euros(full),
        zorg: euros(zorg),
        zorg_max: euros(zorg_max),
        intramuraal: Decimal::ZERO,
        per_sector: [euros(declaraties), Decimal::ZERO, Decimal::ZERO],
    };
    (accounts, figures)
}

// ---------------------------------------------------------------------------------------
// The check.

/// Whether the solver's shown break-even is the reference's exact one (the shown one is
/// the exact one rounded towards −∞ to 28 significant digits).
fn same_break_even(shown: BreakEven, exact: &Be) -> bool {
    match (shown, exact) {
        (BreakEven::Always, Be::MinusInf) | (BreakEven::Never, Be::PlusInf) => true,
        (BreakEven::At(v), Be::At(x)) => {
            let below = Q::dec(v);
            let gap = x.sub(&below);
            gap.sign() != Ordering::Less
                && gap.cmp(&Q::new(int(1), BigInt::from(10).pow(20))) == Ordering::Less
        }
        _ => false,
    }
}

fn check(case: &Case) -> Result<(), TestCaseError> {
    let config = config(case);
    let mut accounts = std::collections::BTreeMap::new();
    let mut claims = std::collections::BTreeMap::new();
    for (i, d) in case.draws.iter().enumerate() {
        let (a, c) = build(i, d, case);
        claims.insert(a.kvk, c);
        accounts.insert(a.kvk, a);
    }
    let (providers, excluded) = classify(&accounts, &Default::default(), &claims, &config);
    prop_assert!(excluded.is_empty(), "excluded: {excluded:?}");
    let reference: Vec<Provider> = providers
        .iter()
        .map(|p| provider(&accounts[&p.kvk], &claims[&p.kvk], &config))
        .collect();
    for (p, r) in providers.iter().zip(&reference) {
        prop_assert!(
            Q::dec(p.position.omzet).cmp(&r.omzet) == Ordering::Equal,
            "omzet of {}: {} against {:?}",
            p.kvk,
            p.position.omzet,
            r.omzet
        );
    }
    let positions: Vec<_> = providers.iter().map(|p| p.position.clone()).collect();
    let rules = crate::pipeline::rules(&config);
    let s = settings(&config);
    let want = expected(&reference, &s);
    let got = solve_group(&positions, &rules);

    prop_assert!(
        same_break_even(got.r_aantal, &want.r_aantal),
        "r_aantal {:?} against {:?}",
        got.r_aantal,
        want.r_aantal
    );
    prop_assert!(
        same_break_even(got.r_omzet, &want.r_omzet),
        "r_omzet {:?} against {:?}",
        got.r_omzet,
        want.r_omzet
    );
    // The deciding providers' own break-evens are the reference's points, exactly.
    for (decider, point) in [
        (got.ranking.by_count, &want.r_aantal),
        (got.ranking.by_omzet, &want.r_omzet),
    ] {
        let decided = match decider {
            Decider::Nobody => Be::MinusInf,
            Decider::At(p) => reference[got.ranking.order[p]].break_even(s.zero_counts),
            Decider::Unreached => Be::PlusInf,
        };
        prop_assert!(
            be_cmp(&decided, point) == Ordering::Equal,
            "{decider:?} decides at {decided:?}, the reference at {point:?}"
        );
    }
    prop_assert_eq!(got.bindend, want.bindend);
    prop_assert!(
        Q::dec(got.rtp).cmp(&want.rtp) == Ordering::Equal,
        "rtp {} against {:?}",
        got.rtp,
        want.rtp
    );
    prop_assert_eq!(got.haalbaar, want.haalbaar);
    // The certification: who is positive at the RTP, and their omzet.
    let r = Q::dec(got.rtp);
    let positive: Vec<&Provider> = reference
        .iter()
        .filter(|p| p.positive(&r, s.zero_counts))
        .collect();
    prop_assert_eq!(got.at_rtp.positive, positive.len());
    let omzet = positive.iter().fold(Q::from_int(0), |t, p| t.add(&p.omzet));
    prop_assert!(Q::dec(got.at_rtp.omzet_positive).cmp(&omzet) == Ordering::Equal);
    prop_assert_eq!(got.at_rtp.holds(), holds(&reference, &r, &s));
    // The resampling engine with one copy of each provider.
    let ones = vec![1u32; positions.len()];
    prop_assert_eq!(Prepared::new(&positions, &rules).rtp(&ones), got.rtp);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// Everything `solve` publishes for a group, against the brute-force reference.
    #[test]
    fn the_solver_agrees_with_a_brute_force_reference(case in case()) {
        check(&case)?;
    }
}
