//! The vocabulary of provider characteristics (`data/beleid/kenmerken.toml` by default):
//! each characteristic's name, kind, unit and range, read into a `model::kenmerken::
//! Vocabulary` that the `kenmerken` input and the policies are both checked against.
//!
//! Every problem of the file is reported at once, each naming the file and the entry. It
//! reads the one file it is given and nothing else; it never guesses a kind or a range.

use std::collections::BTreeSet;

use anyhow::{Context, Result};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::config::{InputPath, Num};
use crate::model::kenmerken::{intern, Kenmerk, Kind, Vocabulary, FIGURES};
use crate::model::problems::{Problem, Problems};

/// The columns of the `kenmerken` input that are not characteristics.
const FIXED: [&str; 4] = ["kvk", "zorgkantoor", "aandeel", "naam"];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    #[serde(default)]
    kenmerk: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    naam: String,
    soort: String,
    eenheid: String,
    minimaal: Option<Num>,
    maximaal: Option<Num>,
    #[serde(default)]
    heel: bool,
    omschrijving: String,
}

/// Reads and checks the vocabulary file.
pub(crate) fn read(file: &InputPath) -> Result<Vocabulary> {
    let text = std::fs::read_to_string(&file.path).with_context(|| {
        format!(
            "cannot read the vocabulary of characteristics {}",
            file.shown
        )
    })?;
    Ok(parse(&file.shown, &text)?)
}

/// The vocabulary in `text`; `Err` holds every problem found.
pub(crate) fn parse(shown: &str, text: &str) -> Result<Vocabulary, Problems> {
    let mut problems = Problems::new("the vocabulary of characteristics");
    let file: File = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            problems.push(Problem::at(shown).says(e.to_string().trim_end().replace('\n', " ")));
            return Err(problems);
        }
    };
    if file.kenmerk.is_empty() {
        problems.push(Problem::at(shown).says("declares no [[kenmerk]]"));
    }
    let mut seen = BTreeSet::new();
    let mut kenmerken = Vec::new();
    for e in file.kenmerk {
        let what = format!("kenmerk {:?}", e.naam);
        let mut problem = |msg: String| problems.push(Problem::at(shown).inner(&what).says(msg));
        let well_formed = !e.naam.is_empty()
            && e.naam.starts_with(|c: char| c.is_ascii_lowercase())
            && e.naam
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !well_formed {
            problem("naam: write lowercase a-z, 0-9 and _, starting with a letter".into());
        }
        if FIXED.contains(&e.naam.as_str()) || FIGURES.iter().any(|f| f.0 == e.naam) {
            problem("naam: already a column of the kenmerken input or a figure of the run".into());
        }
        if !seen.insert(e.naam.clone()) {
            problem("declared twice".into());
        }
        if e.eenheid.trim().is_empty() || e.omschrijving.trim().is_empty() {
            problem("eenheid and omschrijving say what the number means: give both".into());
        }
        let Some(kind) = Kind::parse(&e.soort) else {
            let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.1).collect();
            problem(format!(
                "soort {:?} is not one of {}",
                e.soort,
                kinds.join(", ")
            ));
            continue;
        };
        let (mut min, mut max) = (e.minimaal.map(|n| n.0), e.maximaal.map(|n| n.0));
        if kind == Kind::Flag && (min.is_some() || max.is_some() || e.heel) {
            problem("a vlag has no range: leave out minimaal, maximaal and heel".into());
        }
        // The kinds' own bounds: a tariff percentage lies within 0-100, a count or an
        // amount is never negative; a narrower range written in the file is kept.
        let (floor, ceiling) = match kind {
            Kind::Percent => (Some(Decimal::ZERO), Some(Decimal::ONE_HUNDRED)),
            Kind::Count | Kind::Amount => (Some(Decimal::ZERO), None),
            _ => (None, None),
        };
        if let (Some(f), Some(m)) = (floor, min) {
            if m < f {
                problem(format!(
                    "minimaal {m} is below {f}, the least a {} can be",
                    e.soort
                ));
            }
        }
        if let (Some(c), Some(m)) = (ceiling, max) {
            if m > c {
                problem(format!(
                    "maximaal {m} is above {c}, the most a {} can be",
                    e.soort
                ));
            }
        }
        min = min.or(floor);
        max = max.or(ceiling);
        if let (Some(lo), Some(hi)) = (min, max) {
            if lo > hi {
                problem(format!("minimaal {lo} is above maximaal {hi}"));
            }
        }
        kenmerken.push(Kenmerk {
            naam: intern(&e.naam),
            kind,
            eenheid: e.eenheid,
            minimaal: min,
            maximaal: max,
            heel: e.heel || kind == Kind::Count,
            omschrijving: e.omschrijving,
        });
    }
    problems.finish()?;
    Ok(Vocabulary {
        bestand: shown.to_string(),
        kenmerken,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(text: &str) -> String {
        parse("v.toml", text).unwrap_err().to_string()
    }

    #[test]
    fn the_shipped_vocabulary_reads_and_its_kinds_hold_their_bounds() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/beleid/kenmerken.toml");
        let v = parse("kenmerken.toml", &std::fs::read_to_string(path).unwrap()).unwrap();
        assert!(v
            .get("nieuwe_aanbieder")
            .is_some_and(|k| k.kind == Kind::Flag));
        // A percentage without a written range still lies within 0-100.
        let p = v.get("percentage_2023").unwrap();
        assert_eq!(
            (p.minimaal, p.maximaal),
            (Some(Decimal::ZERO), Some(Decimal::ONE_HUNDRED))
        );
        assert!(p.check(Decimal::new(1001, 1)).is_err());
        assert!(p.check(Decimal::new(955, 1)).is_ok());
    }

    #[test]
    fn a_range_is_checked_with_its_unit_and_whole_numbers_when_asked() {
        let v = parse(
            "v.toml",
            "[[kenmerk]]\nnaam = \"m\"\nsoort = \"punten\"\neenheid = \"procentpunt\"\nminimaal = -1\nmaximaal = 1\nheel = true\nomschrijving = \"x\"\n\
             [[kenmerk]]\nnaam = \"c\"\nsoort = \"aantal\"\neenheid = \"cliënten\"\nomschrijving = \"x\"\n",
        )
        .unwrap();
        let m = v.get("m").unwrap();
        assert_eq!(m.check(Decimal::ONE), Ok(()));
        assert_eq!(m.check(Decimal::new(-1, 0)), Ok(()));
        assert_eq!(
            m.check(Decimal::new(5, 1)).unwrap_err(),
            "0.5: whole numbers only (procentpunt)"
        );
        assert_eq!(
            m.check(Decimal::TWO).unwrap_err(),
            "2 is above 1 (procentpunt)"
        );
        // A count is whole and never below 0 without saying so.
        let c = v.get("c").unwrap();
        assert!(c.check(Decimal::new(-1, 0)).is_err());
        assert!(c.check(Decimal::new(15, 1)).is_err());
        assert_eq!(c.check(Decimal::from(3)), Ok(()));
    }

    #[test]
    fn every_problem_is_named_with_the_file_and_the_entry() {
        let text = "[[kenmerk]]\nnaam = \"Groot\"\nsoort = \"vlag\"\neenheid = \"ja/nee\"\nminimaal = 1\nomschrijving = \"x\"\n\
                    [[kenmerk]]\nnaam = \"p\"\nsoort = \"percentage\"\neenheid = \"%\"\nmaximaal = 120\nomschrijving = \"x\"\n\
                    [[kenmerk]]\nnaam = \"p\"\nsoort = \"getal\"\neenheid = \"%\"\nomschrijving = \"x\"\n\
                    [[kenmerk]]\nnaam = \"kvk\"\nsoort = \"vlag\"\neenheid = \"ja/nee\"\nomschrijving = \"\"\n";
        let shown = problems(text);
        for expected in [
            "v.toml: kenmerk \"Groot\": naam: write lowercase",
            "v.toml: kenmerk \"Groot\": a vlag has no range",
            "v.toml: kenmerk \"p\": maximaal 120 is above 100",
            "v.toml: kenmerk \"p\": declared twice",
            "v.toml: kenmerk \"p\": soort \"getal\" is not one of vlag, punten",
            "v.toml: kenmerk \"kvk\": naam: already a column",
            "v.toml: kenmerk \"kvk\": eenheid and omschrijving",
        ] {
            assert!(shown.contains(expected), "{expected:?} not in:\n{shown}");
        }
        let shown = problems("kenmerk = 3");
        assert!(
            shown.contains("v.toml: TOML parse error at line 1") && shown.contains("invalid type"),
            "{shown}"
        );
        assert!(problems("").contains("declares no [[kenmerk]]"));
    }
}
