//! `kenmerken.csv`: each provider's zorgkantoor (a quarter with a second one buying 40% of
//! their claims) and its characteristics for the policies, each set at a plausible
//! frequency. Drawn from a stream of its own, so the other files are the same as before this
//! file existed; it must never draw from the main stream.

use super::providers::Provider;
use crate::model::kenmerken::Kind;
use crate::model::Zorgkantoor;
use crate::rng::Rng;
use anyhow::Result;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;
use serde::Deserialize;

/// The shipped vocabulary of characteristics, compiled in: the generator writes one column
/// per characteristic it declares, so the sample always carries every one a shipped policy
/// can name. Only the names, kinds and ranges are read here; the vocabulary's own reader
/// (`ingest::vocabulary`) checks the file, and a test reads it through that reader too.
const VOCABULARY: &str = include_str!("../../data/beleid/kenmerken.toml");

#[derive(Deserialize)]
struct Declared {
    kenmerk: Vec<Characteristic>,
}

#[derive(Deserialize)]
struct Characteristic {
    naam: String,
    soort: String,
    minimaal: Option<Decimal>,
    maximaal: Option<Decimal>,
}

fn declared() -> Vec<(String, Kind, Option<Decimal>, Option<Decimal>)> {
    let d: Declared = toml::from_str(VOCABULARY).expect("the shipped vocabulary is TOML");
    d.kenmerk
        .into_iter()
        .map(|k| {
            let kind = Kind::parse(&k.soort).expect("the shipped vocabulary's kinds are known");
            (k.naam, kind, k.minimaal, k.maximaal)
        })
        .collect()
}

/// How often each characteristic is set, by name. Keyed rather than listed in the
/// vocabulary's order, so that reordering that file cannot hand one characteristic
/// another's frequency; a test holds the names equal to the vocabulary's.
const FREQUENCY: &[(&str, f64)] = &[
    ("nieuwe_aanbieder", 0.05),
    ("essentiele_functie", 0.15),
    ("minder_regionale_bijdrage", 0.10),
    ("arbeidsbesparende_technologie", 0.20),
    ("afspraken_beweging", 0.30),
    ("vrij_voorstel", 0.05),
    ("module_opslag", 0.20),
    ("regionale_rol", 0.40),
    ("monitor_uitkomst", 0.60),
    ("percentage_2023", 0.80),
    ("bestaande_afspraak", 0.10),
    ("werkgeversopslag", 0.50),
    ("mpt_groei", 0.60),
    ("zelfredzaamheid_beleid", 0.30),
    ("digitale_zorg_groei", 0.40),
    ("complexe_zorg_garantie", 0.15),
    // Without a monitor percentage a provider has no DSW GZ percentage at all.
    ("monitor_percentage", 0.85),
    ("vrijwillig_lager", 0.03),
    ("vpt_plan", 0.10),
    ("mpt_plan", 0.10),
    ("regionale_tafels", 0.20),
    ("good_practices", 0.20),
    ("basis_niet_voldaan", 0.03),
    ("logeerplan", 0.05),
    ("kinderplekken_voorwaarden", 0.05),
    ("niet_volledige_breedte", 0.20),
    ("lage_zorgzwaartemix", 0.30),
    ("hoog_positief_resultaat", 0.15),
    ("levensloopfunctie", 0.03),
    // The amounts are set often enough that the sample shows them beside the tariffs.
    ("clienten_extramuralisering", 0.25),
    ("certificering_kosten", 0.30),
    ("transformatiemiddelen_toegekend", 0.30),
    ("maatwerk_bedrag", 0.25),
    ("lumpsum_meerkosten", 0.02),
    ("meerjarig_hoog_resultaat", 0.05),
    ("jaren_niet_voldaan", 0.05),
    ("beperkt_zorgspectrum", 0.05),
    ("gewogen_percentage_2020", 0.30),
];

fn frequency(name: &str) -> f64 {
    FREQUENCY
        .iter()
        .find(|f| f.0 == name)
        .unwrap_or_else(|| panic!("no frequency for the characteristic {name}"))
        .1
}

/// The providers' characteristics per zorgkantoor. The provider the configuration excludes
/// as new is marked `nieuwe_aanbieder` too.
pub(super) fn characteristics(
    providers: &[Provider],
    seed: u64,
    new_provider: u32,
) -> Result<Vec<u8>> {
    let mut rng = Rng::new(crate::rng::mix(&[seed, 0x6b65_6e6d]));
    let mut out = csv::Writer::from_writer(Vec::new());
    let declared = declared();
    let mut header = vec!["kvk", "zorgkantoor", "aandeel"];
    header.extend(declared.iter().map(|k| k.0.as_str()));
    out.write_record(&header)?;
    let chance: Vec<f64> = declared.iter().map(|k| frequency(&k.0)).collect();
    let kantoren = Zorgkantoor::ALL.len();
    for p in providers {
        let first = rng.below(kantoren as u64) as usize;
        let second = rng
            .chance(0.25)
            .then(|| (first + 1 + rng.below(kantoren as u64 - 1) as usize) % kantoren);
        let shares = match second {
            None => vec![(first, "1")],
            Some(s) => vec![(first, "0.6"), (s, "0.4")],
        };
        for (z, aandeel) in shares {
            let mut row = vec![
                p.kvk.to_string(),
                Zorgkantoor::ALL[z].to_string(),
                aandeel.to_string(),
            ];
            for ((name, kind, min, max), &c) in declared.iter().zip(&chance) {
                let drawn = rng.chance(c);
                if name == "nieuwe_aanbieder" && p.kvk == new_provider {
                    row.push("ja".to_string());
                    continue;
                }
                if !drawn {
                    row.push(String::new());
                    continue;
                }
                row.push(match kind {
                    Kind::Flag => "ja".to_string(),
                    Kind::Points | Kind::Count => {
                        // Whole numbers within the range (0 to 20 for an open one).
                        let whole = |b: &Option<Decimal>, or: i64| {
                            b.and_then(|b| b.trunc().to_i64()).unwrap_or(or)
                        };
                        let (lo, hi) = (whole(min, 0), whole(max, 20));
                        format!("{}", lo + rng.below((hi - lo) as u64 + 1) as i64)
                    }
                    Kind::Percent => format!("{:.1}", rng.uniform(93.0, 98.0)),
                    Kind::Fraction => format!("{:.3}", rng.uniform(-0.05, 0.10)),
                    Kind::Amount => format!("{:.0}", rng.uniform(1000.0, 15000.0)),
                });
            }
            out.write_record(&row)?;
        }
    }
    Ok(out.into_inner().map_err(|e| e.into_error())?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_characteristic_has_one_frequency_and_no_other_name_has_one() {
        let text = std::fs::read_to_string(
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/beleid/kenmerken.toml"),
        )
        .unwrap();
        let vocabulary = crate::ingest::vocabulary::parse("kenmerken.toml", &text).unwrap();
        let names: BTreeSet<&str> = vocabulary.kenmerken.iter().map(|k| k.naam).collect();
        let keyed: BTreeSet<&str> = FREQUENCY.iter().map(|f| f.0).collect();
        assert_eq!(keyed.len(), FREQUENCY.len(), "a name twice in FREQUENCY");
        assert_eq!(names, keyed);
        assert!(FREQUENCY.iter().all(|f| (0.0..=1.0).contains(&f.1)));
    }

    #[test]
    fn the_frequencies_follow_the_names_not_the_order() {
        // The README's figures: 5% new, 15% essential role, 50% werkgeversopslag.
        assert_eq!(frequency("nieuwe_aanbieder"), 0.05);
        assert_eq!(frequency("essentiele_functie"), 0.15);
        assert_eq!(frequency("werkgeversopslag"), 0.50);
    }
}
