//! The number parsers: `parse_decimal` never panics, and the claims fast parser `fixed`
//! either declines or gives exactly what `parse_decimal` and the contract's rule give.
#![no_main]

use libfuzzer_sys::fuzz_target;
use richttarief::config::DecimalSign;
use richttarief::ingest::fuzzing;
use richttarief::ingest::number::parse_decimal;
use rust_decimal::Decimal;

#[path = "../../it/strict_claims.rs"]
#[allow(dead_code)]
mod strict_claims;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let comma = first & 1 == 1;
    let (mark, sign) = if comma {
        (b',', DecimalSign::Comma)
    } else {
        (b'.', DecimalSign::Point)
    };
    let fast = fuzzing::fixed(bytes, mark);
    let Ok(text) = std::str::from_utf8(bytes) else {
        assert_eq!(fast, None, "fixed took text that is not UTF-8");
        return;
    };
    let strict = parse_decimal(text, sign);
    if let Some(millionths) = fast {
        let fast = Decimal::from_i128_with_scale(millionths, 6);
        assert_eq!(
            Ok(fast),
            strict,
            "fixed and parse_decimal differ on {text:?}"
        );
        let bound = Decimal::from(1_000_000_000_000i64);
        let reference = strict_claims::amount(text.trim(), comma).ok();
        if fast.abs() < bound {
            assert_eq!(
                Some(fast),
                reference,
                "fixed and the contract's rule differ on {text:?}"
            );
        }
    }
});
