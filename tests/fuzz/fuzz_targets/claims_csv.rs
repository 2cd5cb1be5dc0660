//! The claims CSV reader against the strict reference reader: for any bytes (the first
//! picks the decimal sign), both accept with identical sums or both refuse; a panic, or a
//! disagreement, is a finding.
#![no_main]

use libfuzzer_sys::fuzz_target;
use richttarief::ingest::claims::Claimant;
use richttarief::ingest::fuzzing;

mod common;
#[path = "../../it/strict_claims.rs"]
mod strict_claims;

fuzz_target!(|data: &[u8]| {
    let Some((&first, bytes)) = data.split_first() else {
        return;
    };
    let comma = first & 1 == 1;
    let ours = fuzzing::read_claims_csv(bytes, common::config(comma));
    let reference = strict_claims::read(bytes, 2024, comma);
    match (ours, reference) {
        (Ok(ours), Ok(reference)) => {
            let ours: strict_claims::Sums = ours
                .into_iter()
                .map(|(who, code, s)| {
                    let (kind, id) = match who {
                        Claimant::Agb(a) => ("agb", a.to_string()),
                        Claimant::Kvk(k) => ("kvk", k.to_string()),
                    };
                    ((kind.to_string(), id, code), (s.aantal, s.bedrag))
                })
                .collect();
            assert_eq!(ours, reference, "different sums");
        }
        (Err(_), Err(_)) => {}
        (Ok(ours), Err(why)) => panic!("accepted what the reference refuses ({why}): {ours:?}"),
        (Err(e), Ok(reference)) => {
            panic!("refused what the reference accepts ({e:#}): {reference:?}")
        }
    }
});
