//! Validation: the merged layers (`Shape<Exact>`) checked value by value and turned into
//! one `Config`, every problem collected and reported together, each naming its key;
//! every path checked and every glob expanded (`paths`).
//!
//! It reads no file but to see that it exists; the data files are opened by `ingest`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rust_decimal::Decimal;

use crate::model::problems::{Problem, Problems};
use crate::model::{Kvk, Leveringsvorm};

use super::paths::{expand, not_a_file, shipped_policies, shipped_vocabulary};
use crate::model::digimv::{Kind, VariableMap, COLUMNS, REQUIRED};

use super::raw::{
    read_variable_map, Exact, FileColumns, FileDigimv, FileDigimvVariables, OneOrMany, Shape,
};
use super::{
    Calculation, Clustering, Columns, Config, Criteria, Digimv, ExcludedKvk, Exclusions, Input,
    InputPath, Inputs, Model, Policies, Scaling, Written, CONTRACT_COLUMNS,
};

pub(super) fn validate(f: Shape<Exact>, model: Model, basis: &Path) -> Result<Config, Problems> {
    let mut problems = Problems::new("the configuration");
    // The preset fills every table, so these unwraps cannot fail.
    let criteria = f.criteria.expect("preset sets criteria");
    let clustering = f.clustering.expect("preset sets clustering");
    let calc = f.berekening.expect("preset sets berekening");
    let excl = f.uitsluiting.expect("preset sets uitsluiting");
    let inputs = f.invoer.unwrap_or_default();
    // A verification bundle's figures stand in for the jaarverslagen, the claims, the
    // tariffs and the koppeltabel: naming any of them too would leave two sources of the
    // same figures.
    let bundle = inputs.aggregaten.is_some();
    let value = |n: Option<Exact>| n.expect("preset sets every number").0;

    let referentiejaar = f.referentiejaar.unwrap_or_else(|| {
        problems.push(
            Problem::at("referentiejaar").says("missing; the year of the accounts and claims"),
        );
        0
    });
    if f.referentiejaar.is_some() && !(1900..=2100).contains(&referentiejaar) {
        problems.push(
            Problem::at("referentiejaar")
                .value(referentiejaar)
                .says("not a plausible year"),
        );
    }

    let mut share = |key: &str, v: Decimal| {
        if v < Decimal::ZERO || v > Decimal::ONE {
            problems.push(
                Problem::at(key)
                    .value(v)
                    .says("must be a fraction between 0 and 1"),
            );
        }
        v
    };
    let aandeel_aanbieders = share(
        "criteria.aandeel_aanbieders",
        value(criteria.aandeel_aanbieders),
    );
    let aandeel_omzet = share("criteria.aandeel_omzet", value(criteria.aandeel_omzet));
    let drempel = share(
        "clustering.intramuraal_drempel",
        value(clustering.intramuraal_drempel),
    );
    let min_aandeel_wlz = share("uitsluiting.min_aandeel_wlz", value(excl.min_aandeel_wlz));

    let vormen = clustering
        .intramurale_leveringsvormen
        .expect("preset sets the list");
    let mut intramural_forms = Vec::new();
    for v in &vormen {
        match Leveringsvorm::parse(v) {
            Ok(l) => intramural_forms.push(l),
            Err(e) => problems.push(Problem::at("clustering.intramurale_leveringsvormen").says(e)),
        }
    }

    let afronding = value(calc.afronding);
    if afronding <= Decimal::ZERO || afronding > Decimal::TEN {
        problems.push(
            Problem::at("berekening.afronding")
                .value(afronding)
                .says("must be a grid step in percentage points above 0 and at most 10"),
        );
    }
    let ondergrens = value(calc.ondergrens);
    let bovengrens = value(calc.bovengrens);
    if ondergrens < Decimal::ZERO {
        problems.push(
            Problem::at("berekening.ondergrens")
                .value(ondergrens)
                .says("must be at least 0 percent"),
        );
    }
    if bovengrens <= ondergrens {
        problems.push(
            Problem::at("berekening.bovengrens")
                .value(bovengrens)
                .says(format!(
                    "must be above berekening.ondergrens = {ondergrens}"
                )),
        );
    }
    if bovengrens > Decimal::from(200) {
        problems.push(
            Problem::at("berekening.bovengrens")
                .value(bovengrens)
                .says("must be at most 200 percent"),
        );
    }
    let min_omzet = value(excl.min_omzet);
    if min_omzet < Decimal::ZERO {
        problems.push(
            Problem::at("uitsluiting.min_omzet")
                .value(min_omzet)
                .says("must be at least 0"),
        );
    }
    let mut excluded: Vec<ExcludedKvk> = Vec::new();
    for (i, e) in excl.kvk.unwrap_or_default().into_iter().enumerate() {
        let parsed = match Kvk::parse(&e.kvk) {
            Ok(k) => Some(k),
            // A pseudonymised bundle knows its providers by pseudonym: matched when it is
            // read (`pipeline`).
            Err(_) if bundle && crate::model::is_pseudonym(&e.kvk) => None,
            Err(msg) => {
                problems.push(Problem::at(format!("uitsluiting.kvk[{}].kvk", i + 1)).says(msg));
                None
            }
        };
        // A second entry is a mistake either way: a copy, or a reason that would be lost.
        if let Some(first) = parsed.and_then(|k| excluded.iter().position(|x| x.parsed == Some(k)))
        {
            problems.push(
                Problem::at(format!("uitsluiting.kvk[{}].kvk", i + 1))
                    .value(format_args!("{:?}", e.kvk))
                    .says(format!("already listed as uitsluiting.kvk[{}]", first + 1)),
            );
        }
        if e.reden.trim().is_empty() {
            problems.push(
                Problem::at(format!("uitsluiting.kvk[{}].reden", i + 1))
                    .says("a reason is required"),
            );
        }
        excluded.push(ExcludedKvk {
            kvk: e.kvk,
            reden: e.reden,
            parsed,
        });
    }

    let kolommen = columns(f.kolommen.unwrap_or_default(), &mut problems);
    let required = |key: &str, v: Option<String>, problems: &mut Problems| -> PathBuf {
        match v {
            None => {
                problems.push(Problem::at(format!("invoer.{key}")).says("missing"));
                PathBuf::new()
            }
            Some(p) => {
                let full = basis.join(&p);
                if let Some(problem) = not_a_file(&full) {
                    problems.push(
                        Problem::at(format!("invoer.{key}"))
                            .value(format_args!("{p:?}"))
                            .says(problem),
                    );
                }
                PathBuf::from(p)
            }
        }
    };
    let aggregaten = inputs
        .aggregaten
        .clone()
        .map(|p| required("aggregaten", Some(p), &mut problems));
    if bundle {
        let named = [
            ("jaarverslagen", inputs.jaarverslagen.is_some()),
            ("declaraties", inputs.declaraties.is_some()),
            ("tarieven", inputs.tarieven.is_some()),
            ("koppeltabel", inputs.koppeltabel.is_some()),
        ];
        for (key, _) in named.iter().filter(|(_, named)| *named) {
            problems.push(Problem::at(format!("invoer.{key}")).says(
                "named beside invoer.aggregaten: a verification bundle holds the jaarverslagen's and the claims' figures, so a configuration names either the bundle or the jaarverslagen, declaraties, tarieven and koppeltabel, not both",
            ));
        }
        if f.digimv.is_some() {
            problems.push(Problem::at("digimv").says(
                "named beside invoer.aggregaten: the [digimv] map reads jaarverslagen, and a verification bundle already holds them",
            ));
        }
    }
    let schaling = calc.schaling.expect("preset");
    let digimv = f
        .digimv
        .filter(|_| !bundle)
        .map(|d| digimv(d, referentiejaar, schaling, basis, &mut problems));
    // A tidy table is one file; the DigiMV dataset may be several parts, paths or globs.
    let (jaarverslagen, jaarverslagen_files) = match (inputs.jaarverslagen, &digimv) {
        (Some(OneOrMany::Many(ps)), None) => {
            problems.push(Problem::at("invoer.jaarverslagen").says(
                "a list names the parts of the DigiMV dataset, which needs a [digimv] table;                  a jaarverslagen table is one file",
            ));
            (Written::Many(ps), Vec::new())
        }
        (Some(OneOrMany::One(p)), None) => {
            let p = required("jaarverslagen", Some(p), &mut problems);
            let files = vec![InputPath::new(basis, &p)];
            (Written::One(p), files)
        }
        (None, _) if bundle => (Written::One(PathBuf::new()), Vec::new()),
        (None, _) => (
            Written::One(required("jaarverslagen", None, &mut problems)),
            Vec::new(),
        ),
        (Some(written), Some(_)) => {
            let patterns = match &written {
                OneOrMany::One(p) => vec![p.clone()],
                OneOrMany::Many(ps) => ps.clone(),
            };
            let mut parts: Vec<InputPath> = Vec::new();
            for p in &patterns {
                match expand(basis, p) {
                    Ok(found) => parts.extend(found.iter().map(|f| InputPath::new(basis, f))),
                    Err(e) => problems.push(Problem::at("invoer.jaarverslagen").says(e)),
                }
            }
            let mut seen = std::collections::HashSet::new();
            parts.retain(|p| seen.insert(p.path.canonicalize().unwrap_or_else(|_| p.path.clone())));
            if patterns.is_empty() {
                problems.push(Problem::at("invoer.jaarverslagen").says("the list is empty"));
            }
            let written = match written {
                OneOrMany::One(p) => Written::One(PathBuf::from(p)),
                OneOrMany::Many(ps) => Written::Many(ps),
            };
            (written, parts)
        }
    };
    let digimv = digimv.flatten();
    let tarieven = if bundle {
        PathBuf::new()
    } else {
        required("tarieven", inputs.tarieven, &mut problems)
    };
    let koppeltabel = inputs
        .koppeltabel
        .filter(|_| !bundle)
        .map(|p| required("koppeltabel", Some(p), &mut problems));
    let kenmerken = inputs
        .kenmerken
        .map(|p| required("kenmerken", Some(p), &mut problems));
    let contracteerruimte = inputs
        .contracteerruimte
        .map(|p| required("contracteerruimte", Some(p), &mut problems));
    let file_beleid = f.beleid.unwrap_or_default();
    let vocabulary_file = file_beleid.kenmerken.clone();
    let vocabulary = match &vocabulary_file {
        Some(p) => match not_a_file(&basis.join(p)) {
            Some(problem) => {
                problems.push(Problem::at("beleid.kenmerken").says(format!("{p:?}: {problem}")));
                Err(format!("beleid.kenmerken: {p:?}: {problem}"))
            }
            None => Ok(InputPath::new(basis, Path::new(p))),
        },
        None => shipped_vocabulary(),
    };
    // Contracts are priced for a year of their own: the accounts and claims are two or three
    // years older than the contracts whose tariffs the policies set. The same range as
    // referentiejaar, so that a mistyped year (20277) is caught here, not by finding no
    // policy in force.
    let contractjaar = match file_beleid.contractjaar {
        Some(year) => {
            if !(1900..=2100).contains(&year) {
                problems.push(
                    Problem::at("beleid.contractjaar")
                        .value(year)
                        .says("not a plausible year"),
                );
            }
            year
        }
        None => referentiejaar,
    };
    let contractjaar_gegeven = file_beleid.contractjaar.is_some();
    let beleid = file_beleid.bestanden.unwrap_or_default();
    let mut policies = Vec::new();
    for p in &beleid {
        match expand(basis, p) {
            Ok(found) => policies.extend(found.iter().map(|f| InputPath::new(basis, f))),
            Err(e) => problems.push(Problem::at("beleid.bestanden").says(e)),
        }
    }
    let policies = if beleid.is_empty() && kenmerken.is_some() {
        shipped_policies()
    } else {
        Ok(policies)
    };
    // The vocabulary is never a policy, also when a glob such as `*.toml` matches it.
    let policies = policies.map(|mut p| {
        p.retain(|f| vocabulary.as_ref().map_or(true, |v| f.path != v.path));
        p.sort();
        p.dedup();
        p
    });

    let patterns = match inputs.declaraties {
        _ if bundle => Vec::new(),
        None => {
            problems.push(Problem::at("invoer.declaraties").says("missing"));
            Vec::new()
        }
        Some(OneOrMany::One(p)) => vec![p],
        Some(OneOrMany::Many(ps)) => ps,
    };
    let mut declaratiebestanden = Vec::new();
    for p in &patterns {
        match expand(basis, p) {
            Ok(files) => declaratiebestanden.extend(files),
            Err(e) => problems.push(Problem::at("invoer.declaraties").says(e)),
        }
    }
    // One file named twice (`a.csv` and `./a.csv`, or by a path and by a glob) would be
    // counted twice: keep the first naming of each real file.
    let mut seen = std::collections::HashSet::new();
    declaratiebestanden.retain(|p| {
        seen.insert(
            basis
                .join(p)
                .canonicalize()
                .unwrap_or_else(|_| basis.join(p)),
        )
    });
    declaratiebestanden.sort();
    if patterns.is_empty() && !bundle && !problems.any_at("invoer.declaraties") {
        problems.push(Problem::at("invoer.declaraties").says("the list is empty"));
    }

    let mut files = BTreeMap::new();
    if let Some(p) = &aggregaten {
        files.insert(Input::Aggregaten, vec![InputPath::new(basis, p)]);
    } else {
        files = BTreeMap::from([
            (Input::Jaarverslagen, jaarverslagen_files),
            (
                Input::Declaraties,
                declaratiebestanden
                    .iter()
                    .map(|p| InputPath::new(basis, p))
                    .collect(),
            ),
            (Input::Tarieven, vec![InputPath::new(basis, &tarieven)]),
        ]);
    }
    for (input, p) in [
        (Input::Koppeltabel, &koppeltabel),
        (Input::Kenmerken, &kenmerken),
        (Input::Contracteerruimte, &contracteerruimte),
    ] {
        if let Some(p) = p {
            files.insert(input, vec![InputPath::new(basis, p)]);
        }
    }

    problems.finish()?;

    Ok(Config {
        model,
        referentiejaar,
        decimaalteken: f.decimaalteken.expect("preset sets decimaalteken"),
        invoer: Inputs {
            basis: basis.to_path_buf(),
            jaarverslagen,
            declaraties: patterns,
            declaraties_bedrag: inputs.declaraties_bedrag,
            tarieven,
            koppeltabel,
            kenmerken,
            contracteerruimte,
            aggregaten,
            files,
        },
        kolommen,
        criteria: Criteria {
            aandeel_aanbieders,
            aandeel_omzet,
            nul_is_positief: criteria.nul_is_positief.expect("preset"),
        },
        clustering: Clustering {
            clusters: clustering.clusters.expect("preset"),
            intramuraal_drempel: drempel,
            drempel_telt_als: clustering.drempel_telt_als.expect("preset"),
            intramurale_leveringsvormen: vormen,
            intramural_forms,
        },
        berekening: Calculation {
            resultaat: calc.resultaat.expect("preset"),
            nhc_nic_strippen: calc.nhc_nic_strippen.expect("preset"),
            omzet_basis: calc.omzet_basis.expect("preset"),
            schaling,
            sector_bron: calc.sector_bron.expect("preset"),
            afronding,
            afronden: calc.afronden.expect("preset"),
            ondergrens,
            bovengrens,
        },
        uitsluiting: Exclusions {
            min_omzet,
            min_aandeel_wlz,
            kvk: excluded,
        },
        beleid: Policies {
            bestanden: beleid,
            contractjaar,
            contractjaar_gegeven,
            kenmerken: vocabulary_file,
            resolved: policies,
            vocabulary,
        },
        digimv,
    })
}

/// Resolves `[digimv]`: the shipped map of `jaar` or the user's map file, the names given
/// in the configuration over it, and one variable for every column the run needs. A
/// needed column whose name is unknown is a problem here, before any data is read. `None`
/// where a problem has been recorded.
fn digimv(
    d: FileDigimv,
    referentiejaar: i32,
    schaling: Scaling,
    basis: &Path,
    problems: &mut Problems,
) -> Option<Digimv> {
    let geconsolideerd = d.geconsolideerd.unwrap_or(false);
    let map = match (&d.jaar, &d.variabelen) {
        (_, Some(FileDigimvVariables::Bestand(file))) => {
            let full = basis.join(file);
            let read = match not_a_file(&full) {
                Some(problem) => Err(problem),
                None => read_variable_map(&full, file),
            };
            match read {
                Ok(map) => {
                    if let Some(jaar) = d.jaar.filter(|j| *j != map.boekjaar) {
                        problems.push(Problem::at("digimv.jaar").value(jaar).says(format!(
                            "the map file {file:?} is for boekjaar {}",
                            map.boekjaar
                        )));
                        return None;
                    }
                    map
                }
                Err(problem) => {
                    problems.push(
                        Problem::at("digimv.variabelen")
                            .value(format_args!("{file:?}"))
                            .says(problem),
                    );
                    return None;
                }
            }
        }
        (Some(jaar), _) => match VariableMap::shipped(*jaar) {
            Ok(map) => map,
            Err(e) => {
                problems.push(Problem::at("digimv.jaar").value(jaar).says(e.to_string()));
                return None;
            }
        },
        (None, _) => {
            problems.push(Problem::at("digimv").says(
                "names no variable map: set jaar = YEAR for the shipped map of that boekjaar, \
                 or variabelen = \"FILE\" for a map file of your own",
            ));
            return None;
        }
    };
    let mut map = map;
    if map.boekjaar != referentiejaar {
        problems.push(Problem::at("digimv").value(map.boekjaar).says(format!(
            "the variable map is for boekjaar {}, the run for referentiejaar {referentiejaar}; \
                     the DigiMV release of a boekjaar holds that year's accounts",
            map.boekjaar
        )));
    }
    let mut ok = true;
    if let Some(FileDigimvVariables::Namen(names)) = &d.variabelen {
        for (column, name) in names {
            let at = format!("digimv.variabelen.{column}");
            if let Err(e) = map.set_variable(column, name) {
                problems.push(Problem::at(at).says(e.to_string()));
                ok = false;
                continue;
            }
            // A given name wins over the map's entity and consolidated names alike, so an
            // amount of the other kind would mix entity and consolidated figures in one
            // result without a word: the `Cons` suffix must agree with `geconsolideerd`.
            let amount = COLUMNS
                .iter()
                .any(|(c, k)| c == column && *k == Kind::Money);
            let cons = name.trim().to_lowercase().ends_with("cons");
            if amount && cons != geconsolideerd {
                problems.push(Problem::at(at).value(format_args!("{name:?}")).says(
                    if geconsolideerd {
                        "geconsolideerd = true reads the consolidated figures, and this \
                             is not a consolidated (…Cons) variable"
                    } else {
                        "a consolidated (…Cons) variable, while geconsolideerd = false \
                             reads the reporting entity's figures"
                    },
                ));
                ok = false;
            }
        }
    }
    let sector = d.sector.unwrap_or_default();
    for (s, name) in &sector {
        let bad = name.trim().is_empty() || name.trim().contains(char::is_whitespace);
        let set = if bad {
            Err(format!("{name:?} is not a variable name"))
        } else {
            map.set_sector(s, name).map_err(|e| e.to_string())
        };
        if let Err(e) = set {
            problems.push(Problem::at(format!("digimv.sector.{s}")).says(e));
            ok = false;
        }
    }
    let mut needed: Vec<&str> = REQUIRED.to_vec();
    if schaling == Scaling::Jaarverslag {
        needed.push("opbrengsten_wlz");
    }
    let resolved = match map.resolve(geconsolideerd, &needed) {
        Ok(r) => r,
        Err(e) => {
            problems.push(Problem::at("digimv").says(e.to_string()));
            return None;
        }
    };
    if !ok {
        return None;
    }
    Some(Digimv {
        jaar: d.jaar,
        variabelen: d.variabelen,
        sector,
        geconsolideerd,
        gebruikt: resolved
            .columns
            .iter()
            .map(|(c, name, _)| (c.to_string(), name.clone()))
            .collect(),
        gebruikt_sector: resolved
            .sector
            .iter()
            .map(|(s, name)| (s.to_string(), name.clone()))
            .collect(),
        resolved,
    })
}
/// Resolves `[kolommen]`, recording every mistake that would read a wrong column: a name
/// or input the contract does not have, an empty header, a header named `bsn`, two columns
/// of one input read from one header, and a column read from the header of another
/// contract column of its input.
fn columns(file: FileColumns, problems: &mut Problems) -> Columns {
    let mut resolved = Columns::default();
    let header = |key: &str, h: &str, problems: &mut Problems| {
        if h.trim().is_empty() {
            problems.push(Problem::at(key).says("the header to read must not be empty"));
        } else if h.trim().eq_ignore_ascii_case("bsn") {
            problems.push(
                Problem::at(key)
                    .value(format_args!("{h:?}"))
                    .says("a column named bsn is never read; it holds citizen service numbers"),
            );
        }
    };
    for (name, h) in file.flat {
        let key = format!("kolommen.{name}");
        if !Input::ALL.iter().any(|i| i.has(&name)) {
            problems.push(Problem::at(&key).says(format!(
                "not a column of the data contract; expected one of {} (or a table [kolommen.INPUT] for one input, such as [kolommen.kenmerken] for a characteristic)",
                CONTRACT_COLUMNS.join(", ")
            )));
        }
        header(&key, &h, problems);
        resolved.flat.insert(name, h);
    }
    for (key, table) in file.per_input {
        let Some(input) = Input::parse(&key) else {
            problems.push(Problem::at(format!("kolommen.{key}")).says(format!(
                "not an input; a table under [kolommen] is one of {}",
                Input::ALL.map(Input::key).join(", ")
            )));
            continue;
        };
        for (name, h) in &table {
            let key = format!("kolommen.{key}.{name}");
            // A characteristic is checked against the vocabulary when the kenmerken are read.
            let characteristic = input == Input::Kenmerken
                && name.starts_with(|c: char| c.is_ascii_lowercase())
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !input.has(name) && !characteristic {
                problems.push(Problem::at(&key).says(format!(
                    "not a column of {}; expected one of {}",
                    input.key(),
                    input.columns().join(", ")
                )));
            }
            header(&key, h, problems);
        }
        resolved.per_input.insert(input, table);
    }
    // A flat mistake shows in every input it applies to: one message, naming them all.
    let mut shared: BTreeMap<(String, String), Vec<&str>> = BTreeMap::new();
    let mut onto: BTreeMap<(String, &str), Vec<&str>> = BTreeMap::new();
    for input in Input::ALL {
        let renamed = resolved.renamed(input);
        let columns = input.columns();
        for (i, (key, column, h)) in renamed.iter().enumerate() {
            let h_shown = format!("{key} = {h:?}");
            for (other_key, _, other) in &renamed[i + 1..] {
                if h.trim().eq_ignore_ascii_case(other.trim()) {
                    let pair = (h_shown.clone(), format!("{other_key} = {other:?}"));
                    shared.entry(pair).or_default().push(input.key());
                }
            }
            if let Some(c) = columns
                .iter()
                .find(|c| *c != column && c.eq_ignore_ascii_case(h.trim()))
            {
                onto.entry((h_shown, c)).or_default().push(input.key());
            }
        }
    }
    for ((a, b), inputs) in shared {
        problems.push(Problem::at(format!("{a} and {b}")).says(format!(
            "two columns of {} read from one header",
            inputs.join(" and ")
        )));
    }
    for ((a, c), inputs) in onto {
        problems.push(Problem::at(a).says(format!(
            "that is the header of the contract column {c} of {}; map it to the header that holds the value",
            inputs.join(" and ")
        )));
    }
    resolved
}
