//! Scenarios: a TOML file of named configuration overrides (data contract, "Scenarios
//! file"), each laid over the base configuration and validated like it, and the runs that
//! solve them all from as few readings of the inputs as possible.
//!
//! Every scenario is parsed and validated before anything is read, and every problem of
//! every scenario is reported at once, each naming its scenario and key. Scenarios whose
//! `ReadKey` is equal share one `Data`; the solves run in parallel and come back in the
//! file's order, so the output does not depend on the number of threads.
//!
//! A scenario may name a corrections file (`correcties`, a provider's objection): its
//! values are laid over the figures the inputs gave, and the scenario is solved both with
//! and without them, so that the effect on each group's RTP and on each provider's
//! position (`Change`) can be shown.
//!
//! This module writes nothing and prints nothing but progress lines (one with its time).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{bail, Context, Result};
use rayon::prelude::*;

use crate::config::{self, Config, FileConfig, Model};
use crate::model::problems::{Problem, Problems};
use crate::model::{BreakEven, Kvk};
use crate::pipeline::{self, Applied, CorrectionsFile, Data, Progress, ReadKey, Run};

/// The name of the scenario that is the base configuration itself.
pub(crate) const BASE: &str = "basis";

/// One named set of overrides.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scenario {
    pub naam: String,
    pub layer: FileConfig,
    /// The corrections file the scenario names, as written (relative to the scenarios
    /// file's folder).
    pub correcties: Option<String>,
}

/// The scenario key that names a corrections file: the scenario's own, not a key of the
/// configuration, since corrections belong to an objection and not to a methodology.
const CORRECTIES: &str = "correcties";

/// Parses a scenarios file's text. Unknown keys and wrong types are errors naming the
/// scenario and the key; the whole text is checked before returning. (`load` reads the
/// file and goes on with the scenarios that parse, to report every problem at once; the
/// tests ask this.)
#[cfg(test)]
pub(crate) fn parse_text(text: &str) -> Result<Vec<Scenario>> {
    let (scenarios, problems) = parse_parts(text)?;
    problems.finish()?;
    Ok(scenarios)
}

/// The scenarios that parse, and the problems of those that do not. Err only when the file
/// is not TOML or holds no scenario list at all.
fn parse_parts(text: &str) -> Result<(Vec<Scenario>, Problems)> {
    let mut table: toml::Table =
        toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))?;
    let list = match table.remove("scenario") {
        Some(toml::Value::Array(list)) => list,
        Some(_) => bail!("`scenario` must be a list of tables: write each as [[scenario]]"),
        None => bail!("no scenarios: write each as [[scenario]] with a `naam`"),
    };
    let mut problems = Problems::new(OF);
    if let Some(key) = table.keys().next() {
        problems.push(
            Problem::at(format!("`{key}`"))
                .says("unknown top-level key; every override belongs to a [[scenario]]"),
        );
    }
    let mut scenarios = Vec::new();
    for (i, item) in list.into_iter().enumerate() {
        let which = format!("scenario {}", i + 1);
        let toml::Value::Table(mut t) = item else {
            problems.push(Problem::at(which).says("not a table; write it as [[scenario]]"));
            continue;
        };
        let naam = match t.remove("naam") {
            Some(toml::Value::String(s)) => s,
            Some(other) => {
                problems.push(
                    Problem::at(which)
                        .inner("naam")
                        .value(other)
                        .says("must be a text"),
                );
                continue;
            }
            None => {
                problems.push(Problem::at(which).inner("naam").says("missing"));
                continue;
            }
        };
        let named = format!("scenario {:?}", naam);
        if naam.is_empty()
            || !naam
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        {
            problems.push(
                Problem::at(&which)
                    .inner("naam")
                    .value(format_args!("{naam:?}"))
                    .says("use letters, digits, '-', '_' and '.' only"),
            );
        }
        if naam == BASE {
            problems.push(Problem::at(&named).says(format!(
                "the name {BASE:?} is the base configuration's own row"
            )));
        }
        if scenarios.iter().any(|s: &Scenario| s.naam == naam) {
            problems.push(Problem::at(&named).says("a second scenario with this name"));
        }
        let correcties = match t.remove(CORRECTIES) {
            None => None,
            Some(toml::Value::String(file)) if !file.trim().is_empty() => Some(file),
            Some(other) => {
                problems.push(
                    Problem::at(&named)
                        .inner(CORRECTIES)
                        .value(other)
                        .says("must be the name of a corrections file (CSV or XLSX)"),
                );
                continue;
            }
        };
        match FileConfig::from_table(t) {
            Ok(layer) => scenarios.push(Scenario {
                naam,
                layer,
                correcties,
            }),
            Err(e) => problems.push(Problem::at(named).says(key_error(&e.to_string()))),
        }
    }
    Ok((scenarios, problems))
}

/// One scenario ready to solve: its resolved configuration and, when it names one, its
/// corrections file, read.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub naam: String,
    pub config: Config,
    pub correcties: Option<Arc<CorrectionsFile>>,
}

/// Reads a scenarios file (if any) and resolves it with the base: every problem of every
/// scenario, whether a key that does not exist, an impossible value or a corrections file
/// that cannot be read, in one error. The caller has resolved the base (`resolved`),
/// reporting its own mistakes as the configuration's; it is not resolved again.
pub(crate) fn load(
    file: Option<&Path>,
    base: &FileConfig,
    resolved: &Config,
    basis: &Path,
    presets: bool,
) -> Result<Vec<Plan>> {
    let (scenarios, mut problems) = match file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read scenarios {}", path.display()))?;
            parse_parts(&text).with_context(|| format!("invalid scenarios {}", path.display()))?
        }
        None => (Vec::new(), Problems::new(OF)),
    };
    let resolved = resolve_all(base, resolved, basis, &scenarios, presets);
    let what = || match file {
        Some(path) => format!("invalid scenarios {}", path.display()),
        None => "invalid presets".to_string(),
    };
    let configs = match resolved {
        Ok(configs) if problems.is_empty() => configs,
        Ok(_) => return Err(problems).with_context(what),
        Err(more) => {
            problems.append(more);
            return Err(problems).with_context(what);
        }
    };
    // Corrections files lie beside the scenarios file that names them.
    let folder: PathBuf = file
        .and_then(Path::parent)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let mut plans = Vec::with_capacity(configs.len());
    for (naam, config) in configs {
        let named = scenarios
            .iter()
            .find(|s| s.naam == naam)
            .and_then(|s| s.correcties.as_deref());
        let correcties = match named {
            None => None,
            Some(written) => {
                match pipeline::read_corrections(
                    &folder.join(written),
                    written,
                    config.decimaalteken,
                ) {
                    Ok(read) => Some(Arc::new(read)),
                    Err(e) => {
                        problems.push(
                            Problem::at(format!("scenario {naam:?}"))
                                .inner(CORRECTIES)
                                .says(format!("{e:#}")),
                        );
                        None
                    }
                }
            }
        };
        plans.push(Plan {
            naam,
            config,
            correcties,
        });
    }
    problems.finish().with_context(what)?;
    Ok(plans)
}

/// The deserializer's message without its trailing newline.
fn key_error(message: &str) -> String {
    message.trim_end().replace('\n', " ")
}

/// What the scenarios' problems are in, as their heading names it.
const OF: &str = "the scenarios";

/// The scenario a model preset stands for: the base configuration's data (inputs,
/// reference year, decimal sign, column names, excluded providers) under the preset's
/// methodology, with none of the base's methodology overrides.
fn preset_layer(base: &FileConfig, model: Model) -> FileConfig {
    let data = [
        "referentiejaar",
        "decimaalteken",
        "invoer",
        "kolommen",
        "uitsluiting",
    ];
    base.only(&data, model)
}

/// Resolves every scenario over the base configuration (`base`, already resolved as
/// `resolved`): first `basis` itself, then the presets when asked, then the file's
/// scenarios in order. All problems of all scenarios are reported together; nothing is
/// returned unless every scenario is valid.
pub(crate) fn resolve_all(
    base: &FileConfig,
    resolved: &Config,
    basis: &Path,
    scenarios: &[Scenario],
    presets: bool,
) -> Result<Vec<(String, Config)>, Problems> {
    let mut named: Vec<(String, Vec<FileConfig>)> = Vec::new();
    let mut problems = Problems::new(OF);
    if presets {
        for model in Model::ALL {
            if let Some(s) = scenarios.iter().find(|s| s.naam == model.as_str()) {
                problems.push(
                    Problem::at(format!("scenario {:?}", s.naam))
                        .says("--presets adds a scenario of this name; rename this one"),
                );
            }
            named.push((model.as_str().to_string(), vec![preset_layer(base, model)]));
        }
    }
    for s in scenarios {
        named.push((s.naam.clone(), vec![base.clone(), s.layer.clone()]));
    }
    let mut out = vec![(BASE.to_string(), resolved.clone())];
    for (naam, layers) in named {
        let refs: Vec<&FileConfig> = layers.iter().collect();
        match config::layered(&refs, basis) {
            Ok(c) => out.push((naam, c)),
            Err(theirs) => problems.within(&format!("scenario {naam:?}"), theirs),
        }
    }
    problems.finish()?;
    Ok(out)
}

/// One solved scenario.
pub(crate) struct Solved {
    pub naam: String,
    pub run: Run,
    /// The scenario's corrections and its run without them; none when it names none.
    pub correcties: Option<Corrected>,
}

/// What a scenario's corrections did.
pub(crate) struct Corrected {
    pub file: Arc<CorrectionsFile>,
    /// One per correction, in the file's order.
    pub applied: Vec<Applied>,
    /// The same scenario solved from the inputs as read.
    pub zonder: Run,
}

/// Reads the inputs once per distinct `ReadKey` (in the order they first occur), lays each
/// scenario's corrections over its reading, and solves every scenario in parallel (one
/// with corrections also without them). The result is in the order of `plans`.
pub(crate) fn solve_all(plans: &[Plan], progress: &dyn Progress) -> Result<Vec<Solved>> {
    let mut readings: Vec<(ReadKey, Arc<Data>)> = Vec::new();
    // Per plan: its reading, and the reading with its corrections laid over it.
    type Laid = (Arc<Data>, Vec<Applied>);
    let mut which: Vec<(usize, Option<Laid>)> = Vec::with_capacity(plans.len());
    for plan in plans {
        let (naam, config) = (&plan.naam, &plan.config);
        let key = ReadKey::of(config);
        let index = match readings.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                progress.stage(&format!("reading the inputs for scenario {naam}"));
                let data = pipeline::read(config, progress)
                    .with_context(|| format!("scenario {naam:?}"))?;
                readings.push((key, Arc::new(data)));
                readings.len() - 1
            }
        };
        let corrected = match &plan.correcties {
            None => None,
            Some(file) => {
                let (data, applied) = pipeline::corrected(config, &readings[index].1, file)
                    .with_context(|| format!("scenario {naam:?}"))?;
                progress.stage(&format!(
                    "laid {} corrections of {} over the inputs of scenario {naam}",
                    applied.len(),
                    file.corrections.shown
                ));
                Some((Arc::new(data), applied))
            }
        };
        which.push((index, corrected));
    }
    let quiet = pipeline::Quiet;
    let started = std::time::Instant::now();
    let solved: Vec<Solved> = plans
        .par_iter()
        .zip(&which)
        .map(|(plan, (i, corrected))| {
            let (naam, config) = (&plan.naam, &plan.config);
            let context = || format!("scenario {naam:?}");
            let read = &readings[*i].1;
            let (run, correcties) = match (corrected, &plan.correcties) {
                (Some((data, applied)), Some(file)) => {
                    let run = pipeline::compute(config, data, &quiet).with_context(|| {
                        format!(
                            "scenario {naam:?} with the corrections of {}",
                            file.corrections.shown
                        )
                    })?;
                    let zonder = pipeline::compute(config, read, &quiet).with_context(context)?;
                    let corrected = Corrected {
                        file: Arc::clone(file),
                        applied: applied.clone(),
                        zonder,
                    };
                    (run, Some(corrected))
                }
                _ => (
                    pipeline::compute(config, read, &quiet).with_context(context)?,
                    None,
                ),
            };
            Ok(Solved {
                naam: naam.clone(),
                run,
                correcties,
            })
        })
        .collect::<Vec<Result<Solved>>>()
        .into_iter()
        // The first failing scenario in the file's order, whichever thread finished first.
        .collect::<Result<_>>()?;
    progress.stage(&format!(
        "solved {} scenarios from {} reading{} of the inputs in {:.2} s",
        solved.len(),
        readings.len(),
        if readings.len() == 1 { "" } else { "s" },
        started.elapsed().as_secs_f64()
    ));
    Ok(solved)
}

/// Where a provider stands in one run: its group, its place in the group's break-even
/// order (1 is the lowest r*), its break-even, and whether it is positive at the group's
/// RTP (R(RTP) ≥ 0, or > 0 when `criteria.nul_is_positief` is false). `None` for a
/// provider outside the population.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Standing {
    pub groep: String,
    pub plaats: usize,
    pub break_even: BreakEven,
    pub positief: bool,
}

/// A provider's position with and without a scenario's corrections.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Change {
    pub kvk: Kvk,
    pub naam: String,
    /// A correction names it.
    pub gecorrigeerd: bool,
    pub zonder: Option<Standing>,
    pub met: Option<Standing>,
}

impl Change {
    /// Its position changed: another group (or in or out of the population), another
    /// place in the break-even order, or positive at one RTP and not at the other.
    pub(crate) fn moved(&self) -> bool {
        match (&self.zonder, &self.met) {
            (Some(a), Some(b)) => {
                a.groep != b.groep || a.plaats != b.plaats || a.positief != b.positief
            }
            (a, b) => a.is_some() != b.is_some(),
        }
    }
}

/// Every provider of the population with or without its group's corrections.
fn standings(run: &Run) -> std::collections::BTreeMap<Kvk, (String, Standing)> {
    let zero_counts = run.config.criteria.nul_is_positief;
    let mut out = std::collections::BTreeMap::new();
    for g in &run.groups {
        for (at, &i) in g.members.iter().enumerate() {
            let p = &run.providers[i];
            let plaats = g
                .result
                .ranking
                .order
                .iter()
                .position(|&m| m == at)
                .expect("every member is ranked")
                + 1;
            out.insert(
                p.kvk,
                (
                    p.naam.clone(),
                    Standing {
                        groep: g.name(),
                        plaats,
                        break_even: g.result.break_evens[at],
                        positief: p.position.is_positive_at(g.result.rtp, zero_counts),
                    },
                ),
            );
        }
    }
    out
}

/// The providers a correction names and those whose position the corrections changed
/// (see `Change::moved`), by KvK.
pub(crate) fn changes(run: &Run, corrected: &Corrected) -> Vec<Change> {
    let met = standings(run);
    let zonder = standings(&corrected.zonder);
    let named: std::collections::BTreeSet<Kvk> = corrected.applied.iter().map(|a| a.kvk).collect();
    let everyone: std::collections::BTreeSet<Kvk> = met
        .keys()
        .chain(zonder.keys())
        .chain(&named)
        .copied()
        .collect();
    everyone
        .into_iter()
        .map(|kvk| {
            let naam = met
                .get(&kvk)
                .or(zonder.get(&kvk))
                .map(|(n, _)| n.clone())
                .or_else(|| run.data.names.get(&kvk).cloned())
                .unwrap_or_default();
            Change {
                kvk,
                naam,
                gecorrigeerd: named.contains(&kvk),
                zonder: zonder.get(&kvk).map(|(_, s)| s.clone()),
                met: met.get(&kvk).map(|(_, s)| s.clone()),
            }
        })
        .filter(|c| c.gecorrigeerd || c.moved())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    const EXAMPLE: &str = r#"
[[scenario]]
naam = "drempel-5"
[scenario.clustering]
intramuraal_drempel = 0.05

[[scenario]]
naam = "omzet-wlz"
model = "hof-2024"
[scenario.berekening]
omzet_basis = "wlz"
"#;

    #[test]
    fn the_contracts_example_parses() {
        let s = parse_text(EXAMPLE).unwrap();
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].naam, "drempel-5");
        assert_eq!(
            s[0].layer
                .shape
                .clustering
                .as_ref()
                .unwrap()
                .intramuraal_drempel,
            Some(config::Num(Decimal::new(5, 2)))
        );
        assert_eq!(s[1].layer.shape.model, Some(Model::Hof2024));
        assert!(s[1].layer.shape.clustering.is_none());
    }

    #[test]
    fn unknown_keys_name_the_scenario_and_the_key() {
        let err = parse_text(
            "[[scenario]]\nnaam = \"a\"\n[scenario.criteria]\naandeel_aanbiedrs = 0.8\n\n[[scenario]]\nnaam = \"b\"\ndrempel = 3\n\n[[scenario]]\nnaam = \"c\"\n[scenario.criteria]\nnul_is_positief = \"ja\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("3 problems"), "{err}");
        assert!(
            err.contains("scenario \"c\": ") && err.contains("criteria.nul_is_positief"),
            "a wrong type names its scenario and key: {err}"
        );
        assert!(
            err.contains("scenario \"a\": ") && err.contains("aandeel_aanbiedrs"),
            "{err}"
        );
        assert!(
            err.contains("scenario \"b\": ") && err.contains("drempel"),
            "{err}"
        );
    }

    #[test]
    fn names_must_be_present_unique_and_not_basis() {
        let err = parse_text(
            "[[scenario]]\n[scenario.criteria]\nnul_is_positief = false\n[[scenario]]\nnaam = \"x\"\n[[scenario]]\nnaam = \"x\"\n[[scenario]]\nnaam = \"basis\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("scenario 1: naam: missing"), "{err}");
        assert!(
            err.contains("scenario \"x\": a second scenario with this name"),
            "{err}"
        );
        assert!(err.contains("scenario \"basis\": the name"), "{err}");
    }

    #[test]
    fn a_scenario_names_its_corrections_file_by_a_text() {
        let s = parse_text(
            "[[scenario]]\nnaam = \"a\"\ncorrecties = \"bezwaar.csv\"\n[[scenario]]\nnaam = \"b\"\n",
        )
        .unwrap();
        assert_eq!(s[0].correcties.as_deref(), Some("bezwaar.csv"));
        assert_eq!(s[1].correcties, None);
        // Not a configuration key: the layer does not carry it.
        assert_eq!(s[0].layer, s[1].layer);
        let err = parse_text("[[scenario]]\nnaam = \"a\"\ncorrecties = 3\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("scenario \"a\": correcties = 3: must be the name of a corrections file"),
            "{err}"
        );
    }

    #[test]
    fn an_empty_file_and_stray_keys_are_refused() {
        assert!(parse_text("")
            .unwrap_err()
            .to_string()
            .contains("no scenarios"));
        let err = parse_text("model = \"zn-2024\"\n[[scenario]]\nnaam = \"a\"\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`model`: unknown top-level key"), "{err}");
    }

    fn base_dir() -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("richttarief-scenario-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["j.csv", "t.csv", "d.csv"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        dir
    }

    /// The base resolved alone, as the command does before it loads the scenarios.
    fn resolved(base: &FileConfig) -> Config {
        config::resolve(&[base], &base_dir()).unwrap()
    }

    const BASE_TOML: &str = "model = \"zn-2027\"\nreferentiejaar = 2024\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = \"d.csv\"\n[criteria]\naandeel_omzet = 0.8\n";

    #[test]
    fn impossible_values_are_reported_for_every_scenario_before_any_run() {
        let base = config::parse_text(BASE_TOML).unwrap();
        let scenarios = parse_text(
            "[[scenario]]\nnaam = \"a\"\n[scenario.criteria]\naandeel_omzet = 1.5\n[[scenario]]\nnaam = \"ok\"\n[[scenario]]\nnaam = \"b\"\n[scenario.berekening]\nafronding = 0\n",
        )
        .unwrap();
        let err = resolve_all(&base, &resolved(&base), &base_dir(), &scenarios, false)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("2 problems"), "{err}");
        assert!(
            err.contains("scenario \"a\": criteria.aandeel_omzet = 1.5"),
            "{err}"
        );
        assert!(
            err.contains("scenario \"b\": berekening.afronding = 0"),
            "{err}"
        );
    }

    #[test]
    fn scenarios_lay_over_the_base_and_presets_take_only_its_data() {
        let base = config::parse_text(BASE_TOML).unwrap();
        let scenarios = parse_text(EXAMPLE).unwrap();
        let all = resolve_all(&base, &resolved(&base), &base_dir(), &scenarios, true).unwrap();
        let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "basis",
                "zn-2024",
                "hof-2024",
                "zn-2027",
                "drempel-5",
                "omzet-wlz"
            ]
        );
        let get = |n: &str| &all.iter().find(|(m, _)| m == n).unwrap().1;
        // The base's override of aandeel_omzet holds in its scenarios...
        assert_eq!(get("basis").criteria.aandeel_omzet, Decimal::new(8, 1));
        assert_eq!(get("drempel-5").criteria.aandeel_omzet, Decimal::new(8, 1));
        assert_eq!(
            get("drempel-5").clustering.intramuraal_drempel,
            Decimal::new(5, 2)
        );
        // ...and under another model: the base file's keys win over the new preset's.
        assert_eq!(get("omzet-wlz").model, Model::Hof2024);
        assert_eq!(get("omzet-wlz").criteria.aandeel_omzet, Decimal::new(8, 1));
        assert!(!get("omzet-wlz").clustering.clusters);
        // A preset scenario is the preset itself, on the base's data.
        assert_eq!(get("zn-2027").criteria.aandeel_omzet, Decimal::new(75, 2));
        assert_eq!(get("zn-2024").criteria.aandeel_omzet, Decimal::ZERO);
        assert_eq!(get("zn-2024").referentiejaar, 2024);
    }

    #[test]
    fn presets_refuse_a_scenario_of_the_same_name() {
        let base = config::parse_text(BASE_TOML).unwrap();
        let scenarios = parse_text("[[scenario]]\nnaam = \"hof-2024\"\n").unwrap();
        assert!(resolve_all(&base, &resolved(&base), &base_dir(), &scenarios, false).is_ok());
        let err = resolve_all(&base, &resolved(&base), &base_dir(), &scenarios, true)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("--presets adds a scenario of this name"),
            "{err}"
        );
    }
}
