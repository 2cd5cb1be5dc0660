//! Exact arithmetic for the decisions that must not round: whether a provider's result is
//! ≥ 0, whether a criterion's sum reaches its share of a total, and the order of two
//! break-evens.
//!
//! `rust_decimal` holds 96 bits (about 28 digits). Its `*` panics on overflow and, worse,
//! silently rounds when it can shed decimals instead; `+` does the same. Every input number
//! is bounded (below 10^12, at most six decimals; see `model::number`) and every
//! per-provider figure too (below 10^15; see `aggregate::check_figures`), so sums stay exact
//! in `Decimal`, but a product of three amounts with twelve decimals each does not. So the
//! decisions take a fast path in `Decimal` that reports whether it was exact
//! (`mul`, `add`, `sub`), and fall back to `Wide`, an unbounded decimal on `num-bigint`,
//! when it was not. Break-evens are `Fraction`s of such integers, compared by
//! cross-multiplication, with a decimal approximation that orders them without
//! multiplying whenever the approximations differ.
//!
//! Pure: no IO, nothing printed. Nothing here rounds unless its name says so.

use std::cmp::Ordering;

use num_bigint::BigInt;
use rust_decimal::prelude::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

/// `a·b` when `Decimal` holds it exactly; `None` when it would have to round or overflow.
///
/// A fast path, so `None` is also possible where the product is representable but its
/// mantissa at the scale of `a` plus that of `b` (at most 28) needs more than 96 bits, as
/// for `1.0000000000 · 8000000000000000000` with ten trailing zeros: Decimal would shed
/// them, and shedding digits is how it rounds, so the check cannot tell. Callers fall back
/// to `Wide` on `None`. Beyond 28 decimals the trailing zeros are dropped first.
pub(crate) fn mul(a: Decimal, b: Decimal) -> Option<Decimal> {
    if a.is_zero() || b.is_zero() {
        return Some(Decimal::ZERO);
    }
    let scale = a.scale() + b.scale();
    if scale > 28 {
        // Trailing zeros may leave room: try once more without them.
        let (a, b) = (a.normalize(), b.normalize());
        if a.scale() + b.scale() > 28 {
            return None;
        }
        return mul(a, b);
    }
    // Decimal keeps the full scale of a product unless it has to shed digits to fit,
    // and it sheds them by rounding: a product at the full scale is exact.
    let p = a.checked_mul(b)?;
    (p.scale() == scale).then_some(p)
}

/// `a + b` when `Decimal` holds it exactly; `None` when it would have to round or overflow.
pub(crate) fn add(a: Decimal, b: Decimal) -> Option<Decimal> {
    if a.is_zero() {
        return Some(b);
    }
    if b.is_zero() {
        return Some(a);
    }
    // As for products: a sum at the larger scale of its terms was not rounded.
    let s = a.checked_add(b)?;
    (s.scale() == a.scale().max(b.scale())).then_some(s)
}

/// `a − b` when `Decimal` holds it exactly.
pub(crate) fn sub(a: Decimal, b: Decimal) -> Option<Decimal> {
    add(a, -b)
}

fn pow10(n: u32) -> BigInt {
    BigInt::from(10u32).pow(n)
}

/// `a / b` rounded towards −∞ (b > 0).
fn floor_div(a: &BigInt, b: &BigInt) -> BigInt {
    debug_assert!(b.is_positive());
    let (q, r) = (a / b, a % b);
    if r.is_negative() {
        q - 1
    } else {
        q
    }
}

/// `a / b` rounded towards +∞ (b > 0).
fn ceil_div(a: &BigInt, b: &BigInt) -> BigInt {
    -floor_div(&-a, b)
}

/// `a / b` rounded to the nearest integer, a half away from zero (b > 0).
fn round_div(a: &BigInt, b: &BigInt) -> BigInt {
    // |a|/b + 1/2 = (2|a| + b) / 2b, truncated; then the sign back.
    let twice: BigInt = a.abs() * 2 + b;
    let q: BigInt = twice / (b * 2);
    if a.is_negative() {
        -q
    } else {
        q
    }
}

/// A decimal of any size: `mantissa · 10^−scale`, exact.
#[derive(Debug, Clone)]
pub(crate) struct Wide {
    mantissa: BigInt,
    scale: u32,
}

impl From<Decimal> for Wide {
    fn from(d: Decimal) -> Wide {
        Wide {
            mantissa: BigInt::from(d.mantissa()),
            scale: d.scale(),
        }
    }
}

impl Wide {
    /// The mantissa at a scale at least this one's.
    fn at(&self, scale: u32) -> BigInt {
        &self.mantissa * pow10(scale - self.scale)
    }

    pub(crate) fn mul(&self, other: &Wide) -> Wide {
        Wide {
            mantissa: &self.mantissa * &other.mantissa,
            scale: self.scale + other.scale,
        }
    }

    pub(crate) fn add(&self, other: &Wide) -> Wide {
        let scale = self.scale.max(other.scale);
        Wide {
            mantissa: self.at(scale) + other.at(scale),
            scale,
        }
    }

    pub(crate) fn sub(&self, other: &Wide) -> Wide {
        let scale = self.scale.max(other.scale);
        Wide {
            mantissa: self.at(scale) - other.at(scale),
            scale,
        }
    }

    /// The sign, as the comparison with zero.
    pub(crate) fn sign(&self) -> Ordering {
        self.mantissa.sign().cmp(&num_bigint::Sign::NoSign)
    }

    /// This number over another, kept exact. `None` when the other is zero.
    pub(crate) fn over(&self, den: &Wide) -> Option<Fraction> {
        // (m₁·10^−s₁) / (m₂·10^−s₂) = (m₁·10^s₂) / (m₂·10^s₁).
        Fraction::new(
            &self.mantissa * pow10(den.scale),
            &den.mantissa * pow10(self.scale),
        )
    }

    /// This number in steps of `step` (> 0), rounded as asked; see `Fraction::steps`.
    pub(crate) fn steps(&self, step: Decimal, rounding: Steps) -> BigInt {
        // (m·10^−s) / (t·10^−u) = m·10^u / (t·10^s).
        divide(
            &self.mantissa * pow10(step.scale()),
            BigInt::from(step.mantissa()) * pow10(self.scale),
            rounding,
        )
    }

    /// The number itself as a fraction (over 1).
    pub(crate) fn fraction(&self) -> Fraction {
        self.over(&Wide::from(Decimal::ONE))
            .expect("one is not zero")
    }
}

/// Ordered by value, whatever the scales.
impl Ord for Wide {
    fn cmp(&self, other: &Wide) -> Ordering {
        let scale = self.scale.max(other.scale);
        self.at(scale).cmp(&other.at(scale))
    }
}

impl PartialOrd for Wide {
    fn partial_cmp(&self, other: &Wide) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Wide {
    fn eq(&self, other: &Wide) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Wide {}

/// A rational number `num / den` with `den > 0`, exact, and an approximation that orders
/// fractions without multiplying.
///
/// The approximation `approx` is `num/den` rounded towards −∞ to 28 significant places
/// (28 − d decimals for a number of d integer digits; ±10^28 beyond). Rounding towards −∞
/// at a number of decimals that only shrinks where the magnitude crosses a power of ten
/// (which every such grid holds) is non-decreasing in the number, and equal numbers get
/// equal approximations. So `a.approx < b.approx` proves `a < b`, and only equal
/// approximations need the exact comparison (`cmp`), which `exact` can settle too when both
/// approximations are the numbers themselves.
#[derive(Debug, Clone)]
pub(crate) struct Fraction {
    num: BigInt,
    den: BigInt,
    approx: Decimal,
    exact: bool,
}

/// Beyond this magnitude a fraction's approximation is ±10^28 itself.
const SIGNIFICANT: u32 = 28;

impl Fraction {
    /// `num / den`, or `None` when `den` is zero.
    pub(crate) fn new(num: BigInt, den: BigInt) -> Option<Fraction> {
        let (num, den) = match den.sign() {
            num_bigint::Sign::NoSign => return None,
            num_bigint::Sign::Minus => (-num, -den),
            num_bigint::Sign::Plus => (num, den),
        };
        let whole = num.abs() / &den;
        let digits = if whole.is_zero() {
            0
        } else {
            whole.to_string().len() as u32
        };
        let (approx, exact) = if digits > SIGNIFICANT {
            let limit = Decimal::from_i128_with_scale(10i128.pow(SIGNIFICANT), 0);
            (if num.is_negative() { -limit } else { limit }, false)
        } else {
            let places = SIGNIFICANT - digits;
            let scaled = &num * pow10(places);
            let low = floor_div(&scaled, &den);
            let exact = (&low * &den) == scaled;
            let m = low.to_i128().expect("28 digits fit in i128");
            (Decimal::from_i128_with_scale(m, places).normalize(), exact)
        };
        Some(Fraction {
            num,
            den,
            approx,
            exact,
        })
    }

    /// `num / den` for two decimals, or `None` when `den` is zero. The common case, both
    /// as integers over one power of ten within i128 and the divisor below 10^37, finds the
    /// approximation by long division in u128; anything larger goes through `new`.
    pub(crate) fn of_decimals(num: Decimal, den: Decimal) -> Option<Fraction> {
        if den.is_zero() {
            return None;
        }
        // (a·10^−s) / (b·10^−t) = a·10^t / (b·10^s), with the common power taken out.
        let (s, t) = (num.scale(), den.scale());
        let (a, b) = (num.mantissa(), den.mantissa());
        let scaled = if t >= s {
            a.checked_mul(10i128.pow(t - s)).map(|a| (a, b))
        } else {
            b.checked_mul(10i128.pow(s - t)).map(|b| (a, b))
        };
        let slow = || Fraction::new(BigInt::from(a) * pow10(t), BigInt::from(b) * pow10(s));
        let Some((a, b)) = scaled else {
            return slow();
        };
        let (a, b) = if b < 0 { (-a, -b) } else { (a, b) };
        let divisor = b.unsigned_abs();
        if divisor >= 10u128.pow(37) {
            return slow();
        }
        let magnitude = a.unsigned_abs();
        let whole = magnitude / divisor;
        let digits = if whole == 0 { 0 } else { whole.ilog10() + 1 };
        if digits > SIGNIFICANT {
            return slow();
        }
        // |a|/b to `places` decimals, truncated, a chunk of digits at a time: the remainder
        // stays below the divisor, so it takes as many decimal digits as fit in u128 over it.
        let places = SIGNIFICANT - digits;
        let room = (u128::MAX / divisor).ilog10();
        let (mut m, mut rest, mut left) = (whole, magnitude % divisor, places);
        while left > 0 {
            let chunk = left.min(room);
            let shifted = rest * 10u128.pow(chunk);
            m = m * 10u128.pow(chunk) + shifted / divisor;
            rest = shifted % divisor;
            left -= chunk;
        }
        let exact = rest == 0;
        // Truncation is the floor for a positive number; a negative one rounds away.
        let m = if a < 0 {
            -(m as i128) - i128::from(!exact)
        } else {
            m as i128
        };
        Some(Fraction {
            num: BigInt::from(a),
            den: BigInt::from(b),
            approx: Decimal::from_i128_with_scale(m, places).normalize(),
            exact,
        })
    }

    /// The number rounded towards −∞ to 28 significant places (see the type).
    pub(crate) fn approx(&self) -> Decimal {
        self.approx
    }

    pub(crate) fn sign(&self) -> Ordering {
        self.num.sign().cmp(&num_bigint::Sign::NoSign)
    }

    /// This number in steps of `step` (> 0): `num / (den·step)` rounded up, down, or to the
    /// nearest with a half away from zero.
    pub(crate) fn steps(&self, step: Decimal, rounding: Steps) -> BigInt {
        // x / (m·10^−s) = x·10^s / m.
        divide(
            &self.num * pow10(step.scale()),
            &self.den * BigInt::from(step.mantissa()),
            rounding,
        )
    }

    /// The number rounded to the nearest decimal of at most `places` decimals and 28
    /// significant digits, a half away from zero; for display only. Saturates at Decimal's
    /// range, which no bounded input reaches.
    pub(crate) fn rounded(&self, places: u32) -> Decimal {
        let whole = self.num.abs() / &self.den;
        let digits = whole.to_string().len() as u32;
        let places = places.min(SIGNIFICANT.saturating_sub(digits));
        let m = round_div(&(&self.num * pow10(places)), &self.den);
        match m.to_i128() {
            Some(m) => Decimal::try_from_i128_with_scale(m, places)
                .map(|d| d.normalize())
                .unwrap_or(if m < 0 { Decimal::MIN } else { Decimal::MAX }),
            None if m.is_negative() => Decimal::MIN,
            None => Decimal::MAX,
        }
    }
}

/// The exact order: by the approximations when they differ, else by cross-multiplication
/// (both denominators are positive).
impl Ord for Fraction {
    fn cmp(&self, other: &Fraction) -> Ordering {
        match self.approx.cmp(&other.approx) {
            Ordering::Equal if self.exact && other.exact => Ordering::Equal,
            Ordering::Equal => (&self.num * &other.den).cmp(&(&other.num * &self.den)),
            unequal => unequal,
        }
    }
}

impl PartialOrd for Fraction {
    fn partial_cmp(&self, other: &Fraction) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Fraction {
    fn eq(&self, other: &Fraction) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Fraction {}

/// `num / den` (den > 0) rounded to an integer as asked.
fn divide(num: BigInt, den: BigInt, rounding: Steps) -> BigInt {
    debug_assert!(den.is_positive(), "a step is positive");
    match rounding {
        Steps::Up => ceil_div(&num, &den),
        Steps::Down => floor_div(&num, &den),
        Steps::Nearest => round_div(&num, &den),
    }
}

/// How `Fraction::steps` rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Steps {
    Up,
    Down,
    Nearest,
}

/// `a·b` kept exactly: in `Decimal` when it fits, wide otherwise. For thresholds that
/// many sums are compared with (share·total).
#[derive(Debug, Clone)]
pub(crate) enum Product {
    Fits(Decimal),
    Wide(Wide),
}

impl Product {
    pub(crate) fn of(a: Decimal, b: Decimal) -> Product {
        match mul(a, b) {
            Some(p) => Product::Fits(p),
            None => Product::Wide(Wide::from(a).mul(&Wide::from(b))),
        }
    }

    /// How `d` compares with this product.
    pub(crate) fn compare(&self, d: Decimal) -> Ordering {
        match self {
            Product::Fits(p) => d.cmp(p),
            Product::Wide(w) => Wide::from(d).cmp(w),
        }
    }

    /// Whether `d` is at least this product.
    pub(crate) fn reached_by(&self, d: Decimal) -> bool {
        self.compare(d) != Ordering::Less
    }

    /// The product for display, rounded to 12 decimals when it does not fit exactly.
    pub(crate) fn shown(&self) -> Decimal {
        match self {
            Product::Fits(p) => *p,
            Product::Wide(w) => w.fraction().rounded(12),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn frac(num: i64, den: i64) -> Fraction {
        Fraction::new(BigInt::from(num), BigInt::from(den)).unwrap()
    }

    #[test]
    fn decimal_products_and_sums_are_refused_where_decimal_would_round() {
        // 830000.123457 · 730479.…(12 decimals) needs 18 decimals and 30 digits: Decimal
        // would round it to fit, so the fast path declines.
        let w = d("830000.123457");
        let s = d("730475.324691630849"); // 3650.123457 · 200.123457, 12 decimals
        assert_eq!(mul(d("3650.123457"), d("200.123457")), Some(s));
        assert_eq!(mul(w, s * d("0.955")), None);
        assert!(
            w.checked_mul(s * d("0.955")).is_some(),
            "Decimal would round"
        );
        // A sum whose digits do not fit: 10^28 + 0.5 would round to 10^28.
        let big = Decimal::from_i128_with_scale(10i128.pow(28), 0);
        assert_eq!(add(big, d("0.5")), None);
        assert_eq!(add(d("1.25"), d("-1.25")), Some(Decimal::ZERO));
        assert_eq!(sub(d("0.3"), d("0.1")), Some(d("0.2")));
        // 10^-20 · 10^-20 would underflow to zero.
        assert_eq!(
            mul(d("0.00000000000000000001"), d("0.00000000000000000001")),
            None
        );
    }

    #[test]
    fn wide_arithmetic_is_exact() {
        // 830000.123457 · 697358.7 = 578807807093.8130259 (7 decimals, the product of a
        // 6- and a 1-decimal number; 697358.7 · 830000 = 578807721000 plus
        // 697358.7 · 0.123457 = 86093.8130259), minus 1.
        let w = Wide::from(d("830000.123457")).mul(&Wide::from(d("697358.7")));
        let got = w.sub(&Wide::from(Decimal::ONE));
        assert_eq!(
            got.cmp(&Wide::from(d("578807807092.8130259"))),
            Ordering::Equal
        );
        assert_eq!(got.sign(), Ordering::Greater);
        assert_eq!(Wide::from(d("-0.000001")).sign(), Ordering::Less);
    }

    #[test]
    fn fractions_order_exactly_also_where_approximations_tie() {
        // 1/3 and 10^28+1 / (3·10^28): both approximate to 0.333…3 (28 threes), but the
        // second is larger by 1/(3·10^28).
        let third = frac(1, 3);
        let more = Fraction::new(pow10(28) + 1, pow10(28) * 3).unwrap();
        assert_eq!(third.approx(), more.approx());
        assert_eq!(third.cmp(&more), Ordering::Less);
        // Equal numbers in other terms are equal, with equal approximations.
        let same = frac(-2, -6);
        assert_eq!(third.cmp(&same), Ordering::Equal);
        assert_eq!(third.approx(), same.approx());
        // Rounded towards −∞: −1/3 approximates to −0.333…34.
        assert_eq!(frac(-1, 3).approx(), d("-0.3333333333333333333333333334"));
        assert_eq!(frac(-1, 3).cmp(&frac(-1, 4)), Ordering::Less);
        assert_eq!(frac(97, 100).approx(), d("0.97"));
    }

    #[test]
    fn decimal_fractions_take_the_fast_path_to_the_same_approximation() {
        let check = |num: &str, den: &str| {
            let fast = Fraction::of_decimals(d(num), d(den)).unwrap();
            let w = Wide::from(d(num)).over(&Wide::from(d(den))).unwrap();
            assert_eq!(
                (fast.approx(), fast.exact),
                (w.approx(), w.exact),
                "{num}/{den}"
            );
            assert_eq!(fast, w);
        };
        check("2", "3");
        check("-2", "3");
        check("2000", "-3000.000000000001");
        check("0.97", "1");
        check("-0.000001", "7");
        check("99999999999999999999999999", "0.000000000003"); // 29 digits: the slow path
        check("1234567.123456789012", "999999.99");
        check("728474.090121630849", "0.000001");
        assert!(Fraction::of_decimals(d("1"), Decimal::ZERO).is_none());
    }

    /// x = a·10^−s and y = b·10^−t when both are decimals and y is not zero: the two sides
    /// of a quotient the properties draw.
    fn quotient_of(a: i128, s: u32, b: i128, t: u32) -> Option<(Decimal, Decimal)> {
        let x = Decimal::try_from_i128_with_scale(a, s).ok()?;
        let y = Decimal::try_from_i128_with_scale(b, t).ok()?;
        (!y.is_zero()).then_some((x, y))
    }

    /// A mantissa: mostly of the sizes amounts have, sometimes of Decimal's full width.
    fn mantissa() -> impl proptest::strategy::Strategy<Value = i128> {
        use proptest::prelude::*;
        prop_oneof![
            (-10i128.pow(15)..10i128.pow(15)),
            any::<i64>().prop_map(i128::from),
            any::<i128>().prop_map(|x| x >> 33),
        ]
    }

    proptest::proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_wide_one(
            a in mantissa(), s in 0u32..=28, b in mantissa(), t in 0u32..=28,
        ) {
            let Some((x, y)) = quotient_of(a, s, b, t) else {
                return Ok(());
            };
            let fast = Fraction::of_decimals(x, y).unwrap();
            let wide = Wide::from(x).over(&Wide::from(y)).unwrap();
            proptest::prop_assert_eq!((fast.approx(), fast.exact), (wide.approx(), wide.exact));
            proptest::prop_assert_eq!(fast, wide);
        }
    }

    #[test]
    fn fraction_steps_round_as_asked() {
        // 0.9555 in steps of 0.001: 955.5 → up 956, down 955, nearest 956 (half away).
        let x = frac(9555, 10000);
        assert_eq!(x.steps(d("0.001"), Steps::Up), BigInt::from(956));
        assert_eq!(x.steps(d("0.001"), Steps::Down), BigInt::from(955));
        assert_eq!(x.steps(d("0.001"), Steps::Nearest), BigInt::from(956));
        // Just below the midpoint: 0.9555 − 10^-30 rounds to 955.
        let below = Fraction::new(BigInt::from(9555) * pow10(26) - 1, pow10(30)).unwrap();
        assert_eq!(below.steps(d("0.001"), Steps::Nearest), BigInt::from(955));
        // Negative: −0.0015 in steps of 0.001 = −1.5: up −1, down −2, nearest −2.
        let neg = frac(-15, 10000);
        assert_eq!(neg.steps(d("0.001"), Steps::Up), BigInt::from(-1));
        assert_eq!(neg.steps(d("0.001"), Steps::Down), BigInt::from(-2));
        assert_eq!(neg.steps(d("0.001"), Steps::Nearest), BigInt::from(-2));
    }

    #[test]
    fn rounded_for_display() {
        assert_eq!(frac(2, 3).rounded(4), d("0.6667"));
        assert_eq!(frac(-1, 8).rounded(2), d("-0.13"), "a half away from zero");
        let product = Product::of(d("0.123456"), Decimal::MAX);
        assert!(matches!(product, Product::Wide(_)));
        assert!(!product.reached_by(d("1")));
        assert!(Product::of(d("0.75"), d("1000")).reached_by(d("750")));
        assert!(!Product::of(d("0.75"), d("1000")).reached_by(d("749.999999")));
    }

    // The references below work on mantissas and scales in BigInt, the definition of a
    // decimal, and share no code with the functions they check.

    /// A decimal as (mantissa, scale).
    fn parts(x: Decimal) -> (BigInt, u32) {
        (BigInt::from(x.mantissa()), x.scale())
    }

    /// The order of m₁·10^−s₁ and m₂·10^−s₂, cross-multiplied.
    fn order_of(m1: &BigInt, s1: u32, m2: &BigInt, s2: u32) -> Ordering {
        (m1 * BigInt::from(10).pow(s2)).cmp(&(m2 * BigInt::from(10).pow(s1)))
    }

    /// n/d with a positive denominator.
    fn positive(n: &BigInt, d: &BigInt) -> (BigInt, BigInt) {
        if d.is_negative() {
            (-n, -d)
        } else {
            (n.clone(), d.clone())
        }
    }

    /// The order of n₁/d₁ and n₂/d₂, cross-multiplied over positive denominators.
    fn order_of_fractions(n1: &BigInt, d1: &BigInt, n2: &BigInt, d2: &BigInt) -> Ordering {
        let ((n1, d1), (n2, d2)) = (positive(n1, d1), positive(n2, d2));
        (n1 * d2).cmp(&(n2 * d1))
    }

    /// n/d·10^places rounded to an integer, a half away from zero: truncate the magnitude,
    /// add one when twice the remainder reaches the divisor, put the sign back.
    fn rounded_reference(n: &BigInt, d: &BigInt, places: u32) -> BigInt {
        let (n, d) = positive(n, d);
        let x = n.abs() * BigInt::from(10).pow(places);
        let (q, r) = (&x / &d, &x % &d);
        let q = if r * 2 >= d { q + 1 } else { q };
        if n.is_negative() {
            -q
        } else {
            q
        }
    }

    /// What the type promises of `approx` and `exact` for n/d, checked from the definition:
    /// beyond 28 integer digits ±10^28 and inexact; otherwise, with `places` = 28 − digits,
    /// A = approx·10^places is an integer with A ≤ (n/d)·10^places < A + 1, and `exact`
    /// says whether the first is an equality.
    fn check_approximation(f: &Fraction, n: &BigInt, d: &BigInt) -> Result<(), String> {
        let (n, d) = positive(n, d);
        let whole = n.abs() / &d;
        let digits = if whole.is_zero() {
            0
        } else {
            whole.to_string().len() as u32
        };
        if digits > 28 {
            let limit = Decimal::from_i128_with_scale(10i128.pow(28), 0);
            let want = if n.is_negative() { -limit } else { limit };
            if f.approx() != want || f.exact {
                return Err(format!("{n}/{d}: {:?}, {}", f.approx(), f.exact));
            }
            return Ok(());
        }
        let places = 28 - digits;
        let (m, scale) = parts(f.approx());
        if scale > places {
            return Err(format!(
                "{n}/{d}: {} has more than {places} decimals",
                f.approx()
            ));
        }
        let a = m * BigInt::from(10).pow(places - scale);
        let target = &n * BigInt::from(10).pow(places);
        let (low, high) = (&a * &d, (&a + 1) * &d);
        if !(low <= target && target < high) || f.exact != (low == target) {
            return Err(format!("{n}/{d}: approx {}, exact {}", f.approx(), f.exact));
        }
        Ok(())
    }

    #[test]
    fn products_at_the_edge_of_28_decimals() {
        // 10^-14 · 10^-14 = 10^-28: exactly 28 decimals, the most Decimal has.
        let tiny = d("0.00000000000001");
        assert_eq!(mul(tiny, tiny), Some(d("0.0000000000000000000000000001")));
        // 29 decimals in the operands, but trailing zeros: 2 · 0.5 = 1.
        assert_eq!(
            mul(d("2.0000000000000000000"), d("0.5000000000")),
            Some(Decimal::ONE)
        );
        // 34 decimals that are 28 without their trailing zeros: 10^-14 · 10^-14 again.
        let padded = d("0.00000000000001000");
        assert_eq!(
            mul(padded, padded),
            Some(d("0.0000000000000000000000000001"))
        );
        // 10^-15 · 10^-14 = 10^-29 needs 29 decimals: not representable.
        assert_eq!(mul(d("0.000000000000001"), tiny), None);
        // The miss the documentation names: 8·10^18 fits, but not as 8·10^28 at scale 10.
        assert_eq!(
            mul(
                d("1.0000000000"),
                Decimal::from(8_000_000_000_000_000_000u64)
            ),
            None
        );
        assert_eq!(
            mul(Decimal::ONE, Decimal::from(8_000_000_000_000_000_000u64)),
            Some(Decimal::from(8_000_000_000_000_000_000u64))
        );
    }

    #[test]
    fn wide_numbers_compare_by_value_whatever_the_scale() {
        let (a, b, c) = (
            Wide::from(d("1.5")),
            Wide::from(d("1.50000")),
            Wide::from(d("1.49999")),
        );
        // Each operator on its own: `==` and `!=` go through `eq`, the others through
        // `partial_cmp`.
        assert!(a == b);
        assert!(b == a);
        assert!(a != c);
        assert!(c < a);
        assert!(a > c);
        assert!(a >= b);
        assert!(a <= b);
        assert_eq!(a.partial_cmp(&c), Some(Ordering::Greater));
        assert_eq!(Wide::from(d("-2")).partial_cmp(&c), Some(Ordering::Less));
    }

    #[test]
    fn fraction_operators_follow_the_exact_order() {
        // 1/3 < 1/2; 2/6 = 1/3 with both approximations inexact; 3/4 = 0.75 exactly.
        let (third, half) = (frac(1, 3), frac(1, 2));
        assert!(third < half);
        assert!(half > third);
        assert!(third <= half);
        assert_eq!(third.partial_cmp(&half), Some(Ordering::Less));
        assert!(third != half);
        assert!(third == frac(2, 6));
        assert!(frac(3, 4) == frac(-75, -100));
        assert!(frac(3, 4) != frac(-3, 4));
    }

    #[test]
    fn fast_fractions_at_the_limits_of_the_long_division() {
        // 10^-28 / 999999999: the divisor scaled to the numerator's 28 decimals is
        // 999999999·10^28, just below 10^37, so the long division runs one digit at a time.
        // 10^-28 / 10^9 = 10^-37 (integer 1 over 10^37) takes the wide path.
        let check = |num: &str, den: &str| {
            let (x, y) = (d(num), d(den));
            let fast = Fraction::of_decimals(x, y).unwrap();
            let ((a, s), (b, t)) = (parts(x), parts(y));
            let (n, m) = (a * pow10(t), b * pow10(s));
            check_approximation(&fast, &n, &m).unwrap();
            let slow = Fraction::new(n, m).unwrap();
            assert_eq!(
                (fast.approx(), fast.exact),
                (slow.approx(), slow.exact),
                "{num}/{den}"
            );
            assert!(fast == slow, "{num}/{den}");
        };
        for num in [
            "0.0000000000000000000000000001",
            "-0.0000000000000000000000000001",
        ] {
            for den in [
                "999999999",
                "-999999999",
                "1000000000",
                "340282366",
                "340282367",
            ] {
                check(num, den);
            }
        }
        // A 28-digit quotient: no decimals left to divide.
        check("9999999999999999999999999999", "1");
        check("-9999999999999999999999999999", "3");
        check("-9999999999999999999999999999", "7");
        // Zero over anything is exactly zero.
        check("0", "-7");
    }

    #[test]
    fn rounded_saturates_beyond_decimal_range() {
        // 10^29 has 30 digits: no decimals, and its mantissa fits i128 but not Decimal.
        let big = |n: BigInt| Fraction::new(n, BigInt::from(1)).unwrap();
        assert_eq!(big(pow10(29)).rounded(6), Decimal::MAX);
        assert_eq!(big(-pow10(29)).rounded(6), Decimal::MIN);
        // 10^40 does not fit i128 either.
        assert_eq!(big(pow10(40)).rounded(6), Decimal::MAX);
        assert_eq!(big(-pow10(40)).rounded(6), Decimal::MIN);
        // 24 integer digits leave room for 4 of the 12 decimals asked:
        // 123456789012345678901234.56789 → …1234.5679, and negative → −…1234.5679.
        let n = BigInt::from(12345678901234567890123456789i128);
        let f = Fraction::new(n.clone(), pow10(5)).unwrap();
        assert_eq!(f.rounded(12), d("123456789012345678901234.5679"));
        let f = Fraction::new(-n, pow10(5)).unwrap();
        assert_eq!(f.rounded(12), d("-123456789012345678901234.5679"));
    }

    #[test]
    fn products_show_exactly_or_rounded_to_twelve_decimals() {
        assert_eq!(Product::of(d("0.75"), d("1000")).shown(), d("750"));
        // The mantissas (about 1.2·10^18 and 7.7·10^18) multiply beyond 96 bits, so the
        // product is wide. By hand (Python's decimal, 100 digits):
        // 1234567.123456789012 · 7654321.123456789013
        //   = 9449773211400.585610111976|276940725156 → …585610111976 (down), and
        // −1234567.123456789012 · 7654321.123456789010
        //   = −9449773211400.585606408274|906570358120 → …585606408275 (away from zero).
        let p = Product::of(d("1234567.123456789012"), d("7654321.123456789013"));
        assert!(matches!(p, Product::Wide(_)));
        assert_eq!(p.shown(), d("9449773211400.585610111976"));
        let p = Product::of(d("-1234567.123456789012"), d("7654321.123456789010"));
        assert!(matches!(p, Product::Wide(_)));
        assert_eq!(p.shown(), d("-9449773211400.585606408275"));
    }

    /// A decimal with trailing zeros now and then: a mantissa times 10^z at z more decimals.
    fn padded_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (mantissa(), 0u32..=28, 0u32..=12).prop_filter_map("fits Decimal", |(m, s, z)| {
            let m = m.checked_mul(10i128.pow(z))?;
            Decimal::try_from_i128_with_scale(m, s.checked_add(z).filter(|&s| s <= 28)?).ok()
        })
    }

    /// A fraction's numerator or denominator: a mantissa, sometimes far beyond 10^28.
    fn big_int() -> impl proptest::strategy::Strategy<Value = BigInt> {
        use proptest::prelude::*;
        prop_oneof![
            3 => mantissa().prop_map(BigInt::from),
            1 => (mantissa(), 0u32..=30).prop_map(|(m, k)| BigInt::from(m) * pow10(k)),
        ]
    }

    /// A divisor's mantissa near a power of ten or near u128::MAX / 10^r, where the long
    /// division's chunk size changes; either sign.
    fn edgy_divisor() -> impl proptest::strategy::Strategy<Value = i128> {
        use proptest::prelude::*;
        let near = prop_oneof![
            (0u32..=28, -3i128..=3).prop_map(|(k, e)| 10i128.pow(k) + e),
            (11u32..=38, -3i128..=3).prop_map(|(r, e)| (u128::MAX / 10u128.pow(r)) as i128 + e),
        ];
        (near, any::<bool>()).prop_map(|(m, neg)| if neg { -m } else { m })
    }

    proptest::proptest! {
        #[test]
        fn products_are_exact_or_refused(x in padded_decimal(), y in padded_decimal()) {
            let ((a, s), (b, t)) = (parts(x), parts(y));
            let product = &a * &b;
            match mul(x, y) {
                Some(p) => {
                    let (m, u) = parts(p);
                    proptest::prop_assert_eq!(order_of(&m, u, &product, s + t), Ordering::Equal);
                }
                None => {
                    // Refused: then Decimal could not hold it at the full scale, nor, beyond
                    // 28 decimals, at the scale of the operands without trailing zeros.
                    let fits = |m: &BigInt, scale: u32| scale <= 28 && m.bits() <= 96;
                    proptest::prop_assert!(!fits(&product, s + t));
                    if s + t > 28 {
                        let ((a, s), (b, t)) = (parts(x.normalize()), parts(y.normalize()));
                        proptest::prop_assert!(!fits(&(a * b), s + t));
                    }
                }
            }
        }

        #[test]
        fn wide_order_is_the_order_of_the_values(x in padded_decimal(), y in padded_decimal()) {
            let ((a, s), (b, t)) = (parts(x), parts(y));
            let want = order_of(&a, s, &b, t);
            let (v, w) = (Wide::from(x), Wide::from(y));
            proptest::prop_assert_eq!(v.cmp(&w), want);
            proptest::prop_assert_eq!(v.partial_cmp(&w), Some(want));
            proptest::prop_assert_eq!(v == w, want == Ordering::Equal);
            proptest::prop_assert_eq!(v < w, want == Ordering::Less);
            // The same value with trailing zeros is equal.
            let same = Wide::from(x.normalize());
            proptest::prop_assert!(v == same && v >= same && v <= same);
        }

        #[test]
        fn fraction_order_is_the_order_of_the_values(
            n1 in big_int(), d1 in big_int(), n2 in big_int(), d2 in big_int(),
            k in 1i64..1000, tweak in -1i64..=1,
        ) {
            if d1.is_zero() || d2.is_zero() {
                return Ok(());
            }
            let f1 = Fraction::new(n1.clone(), d1.clone()).unwrap();
            check_approximation(&f1, &n1, &d1).map_err(proptest::test_runner::TestCaseError::fail)?;
            // Against an unrelated fraction, and against one a tweak from equal (the same
            // number in other terms, or 1/(k·d₁·10^30) away), where approximations tie.
            let near_n = &n1 * k * pow10(30) + tweak;
            let near_d = &d1 * k * pow10(30);
            for (n, dd) in [(n2, d2), (near_n, near_d)] {
                let f2 = Fraction::new(n.clone(), dd.clone()).unwrap();
                check_approximation(&f2, &n, &dd).map_err(proptest::test_runner::TestCaseError::fail)?;
                let want = order_of_fractions(&n1, &d1, &n, &dd);
                proptest::prop_assert_eq!(f1.cmp(&f2), want);
                proptest::prop_assert_eq!(f1.partial_cmp(&f2), Some(want));
                proptest::prop_assert_eq!(f1 == f2, want == Ordering::Equal);
                proptest::prop_assert_eq!(f1 > f2, want == Ordering::Greater);
            }
        }

        #[test]
        fn fast_fractions_agree_with_the_definition(
            a in mantissa(), s in 0u32..=28, b in edgy_divisor(), t in 0u32..=28,
        ) {
            let Some((x, y)) = quotient_of(a, s, b, t) else {
                return Ok(());
            };
            let fast = Fraction::of_decimals(x, y).unwrap();
            // (a·10^−s) / (b·10^−t) = a·10^t / (b·10^s).
            let (n, m) = (BigInt::from(a) * pow10(t), BigInt::from(b) * pow10(s));
            check_approximation(&fast, &n, &m).map_err(proptest::test_runner::TestCaseError::fail)?;
            let slow = Fraction::new(n, m).unwrap();
            proptest::prop_assert_eq!((fast.approx(), fast.exact), (slow.approx(), slow.exact));
            proptest::prop_assert!(fast == slow);
        }

        #[test]
        fn rounded_is_a_half_away_from_zero(
            n in proptest::prelude::any::<i64>(),
            den in 1000i64..=i64::MAX,
            negative_den in proptest::prelude::any::<bool>(),
            places in 0u32..=12,
        ) {
            // |n/den| < 10^16, so 28 significant digits leave room for all 12 decimals.
            let den = if negative_den { -den } else { den };
            let (n, den) = (BigInt::from(n), BigInt::from(den));
            let want = rounded_reference(&n, &den, places).to_i128().unwrap();
            let got = Fraction::new(n, den).unwrap().rounded(places);
            proptest::prop_assert_eq!(got, Decimal::from_i128_with_scale(want, places));
        }

        #[test]
        fn rounding_exact_halves_goes_away_from_zero(q in -10i64.pow(15)..10i64.pow(15), places in 0u32..=12) {
            // (2q+1)/2 · 10^−places is a half exactly at the last place asked.
            let n = BigInt::from(2 * q + 1);
            let den = BigInt::from(2) * pow10(places);
            let want = if q >= 0 { q + 1 } else { q };
            let got = Fraction::new(n, den).unwrap().rounded(places);
            proptest::prop_assert_eq!(got, Decimal::new(want, places));
        }
    }
}
