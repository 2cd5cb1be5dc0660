//! The one orchestrator: ingest → aggregate → classify → solve. Returns a `Run` holding
//! everything the reports, `check` and `explain` need; it writes nothing. It also reads
//! the inputs only `tarieven` and `explain` use, the policies, the kenmerken and the
//! contracteerruimte (`read_policies`), so that every input file is read here, and it
//! hands `check` its verdict per group (`Run::verdict`).
//!
//! Progress goes to the caller's `Progress` (the binary draws it on stderr), so this module
//! prints nothing itself.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Result};
use rust_decimal::Decimal;

use crate::aggregate::provider_totals;
use crate::classify::{classify, Excluded, Provider};
use crate::config::{Config, Input, InputPath, InputSpec, Rounding, Scaling};
use crate::ingest;
use crate::ingest::claims::{join, RawClaims};
/// Where a DigiMV figure was read, and how the flags gave the sector: for the reports.
pub(crate) use crate::ingest::digimv::{Origin, SectorChoice};
use crate::model::kenmerken::Kenmerken;
use crate::model::Contracteerruimte;
use crate::model::{
    Accounts, ClaimFigures, ClaimTotals, Cluster, InputFile, Kvk, ProviderClaims, Sector,
    TariffTable,
};
use crate::policy::Policy;
use crate::solve::{self, GroupResult, Position, Rules, Verdict};
use rust_decimal::RoundingStrategy;

/// One group of providers and its solution.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub sector: Sector,
    pub cluster: Cluster,
    /// Indices into `Run::providers`.
    pub members: Vec<usize>,
    pub result: GroupResult,
}

impl Group {
    pub(crate) fn name(&self) -> String {
        format!("{}/{}", self.sector, self.cluster)
    }
}

/// What was read from the input files: shared by every scenario that reads the same files
/// in the same way (see `ReadKey`), so a scenario costs a re-solve, not a re-read.
#[derive(Debug, Clone)]
pub(crate) struct Data {
    pub inputs: Vec<InputFile>,
    /// Per prestatiecode; empty when the figures came from a verification bundle.
    pub claims: BTreeMap<Kvk, ProviderClaims>,
    /// Every provider with claims: their sums, before the intramural forms are chosen.
    pub totals: BTreeMap<Kvk, ClaimTotals>,
    /// Set when the figures came from a verification bundle instead of the claims.
    pub bundle: Option<BundleSource>,
    /// The reference year's jaarverslagen of everyone, excluded providers included.
    pub accounts: BTreeMap<Kvk, Accounts>,
    /// Every KvK's name in the jaarverslagen, of any year.
    pub names: BTreeMap<Kvk, String>,
    /// Providers the DigiMV dataset has with an empty required figure, with the variables:
    /// excluded for it. Empty for a tidy jaarverslagen table.
    pub incomplete: BTreeMap<Kvk, Vec<String>>,
    /// Where each provider's figures were read in the DigiMV dataset (contract column,
    /// origin). Empty for a tidy jaarverslagen table.
    pub digimv_origins: BTreeMap<Kvk, Vec<(&'static str, Origin)>>,
    /// How each DigiMV provider's care-type flags gave its sector, or did not.
    pub digimv_sectors: BTreeMap<Kvk, SectorChoice>,
    pub tariffs: TariffTable,
    pub warnings: Vec<String>,
    pub timings: Vec<(&'static str, Duration)>,
}

/// What a run read from a verification bundle besides the figures.
#[derive(Debug, Clone, Default)]
pub(crate) struct BundleSource {
    /// Pseudonym → the number the run knows the provider by; empty for a bundle of KvKs.
    pub pseudonyms: BTreeMap<String, Kvk>,
    /// The other way round: how the outputs name each provider of a pseudonymised bundle.
    pub identities: BTreeMap<Kvk, String>,
    /// The sector, cluster and reasons the bundle records per provider, for `verify`.
    pub recorded: BTreeMap<Kvk, ingest::aggregaten::Recorded>,
}

impl Data {
    /// Why a command that needs the claims per prestatiecode cannot run on these data, if
    /// they came from a verification bundle: `what` names what it needs them for.
    pub(crate) fn needs_claims(&self, what: &str) -> Result<()> {
        if self.bundle.is_some() {
            bail!(
                "{what} needs the claims per prestatiecode and the tariff table, and a verification bundle (invoer.aggregaten) holds only each provider's sums; run it on a configuration that names the declaraties"
            );
        }
        Ok(())
    }

    /// How the outputs name a provider: its KvK, or a pseudonymised bundle's pseudonym
    /// (the number the run knows it by means nothing outside the run).
    pub(crate) fn identity(&self, kvk: Kvk) -> String {
        self.bundle
            .as_ref()
            .and_then(|b| b.identities.get(&kvk))
            .cloned()
            .unwrap_or_else(|| kvk.to_string())
    }
}

/// The part of a configuration that decides what `read` returns. Two configurations with
/// equal keys can share one `Data`; everything else in them only changes `compute`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ReadKey {
    /// The files of every input `read` reads (all but `kenmerken` and `contracteerruimte`).
    files: Vec<(Input, Vec<InputPath>)>,
    /// Flat and per-input `[kolommen]`: either changes which header a column is read from.
    kolommen: crate::config::Columns,
    decimaalteken: crate::model::number::DecimalSign,
    referentiejaar: i32,
    /// Which optional jaarverslag columns are required (ingest refuses a file without them).
    required: Vec<&'static str>,
    /// The DigiMV variable map: another map reads other figures.
    digimv: Option<crate::config::Digimv>,
    /// Which amount of a Vektis claim line is read.
    declaraties_bedrag: Option<crate::config::ClaimAmount>,
}

impl ReadKey {
    pub(crate) fn of(config: &Config) -> ReadKey {
        ReadKey {
            files: config
                .invoer
                .files
                .iter()
                .filter(|(input, _)| !matches!(input, Input::Kenmerken | Input::Contracteerruimte))
                .map(|(input, files)| (*input, files.clone()))
                .collect(),
            kolommen: config.kolommen.clone(),
            decimaalteken: config.decimaalteken,
            referentiejaar: config.referentiejaar,
            required: config
                .input(Input::Jaarverslagen)
                .map(|spec| spec.required)
                .unwrap_or_default(),
            digimv: config.digimv.clone(),
            declaraties_bedrag: config.invoer.declaraties_bedrag,
        }
    }
}

/// Everything one run computed.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub config: Config,
    pub data: Arc<Data>,
    /// Sorted by group (VV, GZ, GGZ; extramuraal, intramuraal, alle), then KvK.
    pub providers: Vec<Provider>,
    /// Sorted by KvK.
    pub excluded: Vec<Excluded>,
    pub groups: Vec<Group>,
    /// The data's warnings and then this run's own (an excluded KvK that matches no
    /// provider, realised percentages above 100%), for stderr and the manifest.
    pub warnings: Vec<String>,
    /// The reading stages' times and then this run's own.
    pub timings: Vec<(&'static str, Duration)>,
}

impl Run {
    pub(crate) fn group_of(&self, provider: usize) -> Option<&Group> {
        self.groups.iter().find(|g| g.members.contains(&provider))
    }

    pub(crate) fn positions(&self, group: &Group) -> Vec<Position> {
        group
            .members
            .iter()
            .map(|&i| self.providers[i].position.clone())
            .collect()
    }

    /// The groups `check --groep` names: every group, a sector's, or one sector and
    /// cluster; empty when the run has none of them.
    pub(crate) fn groups_named(&self, groep: Option<(Sector, Option<Cluster>)>) -> Vec<&Group> {
        self.groups
            .iter()
            .filter(|g| match groep {
                None => true,
                Some((sector, cluster)) => {
                    g.sector == sector && cluster.is_none_or(|c| c == g.cluster)
                }
            })
            .collect()
    }

    /// What `check` says of `group` at the published percentage `published` (a fraction)
    /// under this run's criteria.
    pub(crate) fn verdict(&self, group: &Group, published: Decimal) -> Verdict {
        solve::verdict(&self.positions(group), published, &rules(&self.config))
    }
}

/// The inputs only `tarieven` and `explain` use: the zorgkantoren's policies, checked
/// against the run's tariff table, and the providers' characteristics per zorgkantoor.
#[derive(Debug, Clone)]
pub(crate) struct PolicyData {
    pub policies: Vec<Policy>,
    pub kenmerken: Kenmerken,
    /// The policy files, the kenmerken file and the vocabulary, for the manifest.
    pub policy_files: Vec<InputPath>,
    pub kenmerken_file: InputPath,
    pub vocabulary_file: InputPath,
    /// `invoer.contracteerruimte` when configured: its file (for the manifest) and rows.
    pub contracteerruimte: Option<(InputPath, Contracteerruimte)>,
}

/// Reads the policies and the characteristics: `None` when the configuration names no
/// `invoer.kenmerken`. The policies are `beleid.bestanden` when given, else the shipped
/// ones in `data/beleid/` (both resolved by `config`). It follows `read`, whose tariff
/// table the policies' prestatiecodes are checked against.
pub(crate) fn read_policies(
    config: &Config,
    data: &Data,
    progress: &dyn Progress,
) -> Result<Option<PolicyData>> {
    let Some(kenmerken) = config.input(Input::Kenmerken) else {
        return Ok(None);
    };
    data.needs_claims("applying the zorgkantoren's purchasing policies (invoer.kenmerken)")?;
    let files = config.beleid.files()?;
    let vocabulary_file = config.beleid.vocabulary()?;
    let vocabulary = ingest::vocabulary::read(vocabulary_file)?;
    // Each policy is read for the contract year: its per-year values, and whether it is in
    // force at all.
    let policies = crate::policy::load(
        files,
        &data.tariffs.by_code,
        &vocabulary,
        config.beleid.contractjaar,
    )?;
    let table = ingest::read_kenmerken(&kenmerken, &vocabulary)?;
    let file = kenmerken.file();
    progress.stage(&format!(
        "read {} policies and {}: {} rows",
        policies.len(),
        file.shown,
        table.count
    ));
    let contracteerruimte = match config.input(Input::Contracteerruimte) {
        None => None,
        Some(spec) => {
            let read = ingest::read_contracteerruimte(&spec)?;
            progress.stage(&format!("read {}: {} rows", spec.file().shown, read.rows));
            Some((spec.file().clone(), read))
        }
    };
    Ok(Some(PolicyData {
        policies,
        kenmerken: table,
        policy_files: files.to_vec(),
        kenmerken_file: file.clone(),
        vocabulary_file: vocabulary_file.clone(),
        contracteerruimte,
    }))
}

/// What `beleid controleer` found: each policy file read (or every problem of its
/// content), and the tariff table its prestatiecodes were checked against.
pub(crate) struct PolicyCheck {
    pub(crate) files: Vec<(
        String,
        std::result::Result<Policy, crate::model::problems::Problems>,
    )>,
    /// None: the codes were not checked against a tariff table.
    pub(crate) tarieven: Option<String>,
}

/// `beleid controleer`: every policy file read for `contractjaar`, or else for the first
/// year of its own period, its prestatiecodes checked against the tariff table `tarieven`
/// (its rows of that year) when one is given.
pub(crate) fn check_policies(
    files: &[InputPath],
    vocabulary: &InputPath,
    tarieven: Option<&InputPath>,
    contractjaar: Option<i32>,
) -> Result<PolicyCheck> {
    let vocabulary = ingest::vocabulary::read(vocabulary)?;
    let years: Vec<i32> = files
        .iter()
        .map(|f| {
            contractjaar
                .or_else(|| crate::policy::first_year(f))
                .unwrap_or_default()
        })
        .collect();
    let mut tables = BTreeMap::new();
    if let Some(t) = tarieven {
        for &year in &years {
            if let std::collections::btree_map::Entry::Vacant(e) = tables.entry(year) {
                let spec = InputSpec {
                    files: std::slice::from_ref(t),
                    columns: crate::config::Mapping::none(Input::Tarieven),
                    sign: crate::config::DecimalSign::Point,
                    year,
                    required: Vec::new(),
                    amount: None,
                };
                e.insert(ingest::read_tariffs(&spec)?.by_code);
            }
        }
    }
    let mut out = Vec::new();
    for (file, year) in files.iter().zip(years) {
        let read = crate::policy::read_one(file, tables.get(&year), &vocabulary, year)?;
        out.push((file.shown.clone(), read));
    }
    Ok(PolicyCheck {
        files: out,
        tarieven: tarieven.map(|t| t.shown.clone()),
    })
}

/// The solver's rules from the configuration, every percentage as a fraction.
pub(crate) fn rules(config: &Config) -> Rules {
    let hundred = Decimal::ONE_HUNDRED;
    Rules {
        aandeel_aanbieders: config.criteria.aandeel_aanbieders,
        aandeel_omzet: config.criteria.aandeel_omzet,
        nul_is_positief: config.criteria.nul_is_positief,
        grid: config.berekening.grid(),
        round_up: config.berekening.afronden == Rounding::Omhoog,
        floor: config.berekening.ondergrens / hundred,
        cap: config.berekening.bovengrens / hundred,
    }
}

/// How a run tells what it is doing: one line per stage, and how far a long read is.
/// Implementations must be `Sync`: `advance` is called from the claims readers' worker
/// threads, through the tick `read` hands each of them.
pub(crate) trait Progress: Sync {
    /// One finished stage, with its counts and time.
    fn stage(&self, line: &str);
    /// `done` of `total` units (bytes or rows) of the file being read.
    fn advance(&self, file: &str, done: u64, total: u64);
}

/// Progress that goes nowhere (tests, library use).
pub(crate) struct Quiet;

impl Progress for Quiet {
    fn stage(&self, _: &str) {}
    fn advance(&self, _: &str, _: u64, _: u64) {}
}

fn seconds(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

/// Times the stages of a run, one lap at a time.
struct Laps {
    clock: Instant,
    timings: Vec<(&'static str, Duration)>,
}

impl Laps {
    fn new() -> Laps {
        Laps {
            clock: Instant::now(),
            timings: Vec::new(),
        }
    }

    fn lap(&mut self, name: &'static str) -> Duration {
        let took = self.clock.elapsed();
        self.timings.push((name, took));
        self.clock = Instant::now();
        took
    }
}

/// Reads the inputs, aggregates, classifies and solves.
pub(crate) fn run(config: &Config, progress: &dyn Progress) -> Result<Run> {
    let data = Arc::new(read(config, progress)?);
    compute(config, &data, progress)
}

/// "1 over 2023 and 10 over 2024": counts per year, in the order of the years.
fn per_year(counts: &BTreeMap<i64, u64>) -> String {
    let parts: Vec<String> = counts
        .iter()
        .map(|(year, n)| format!("{n} over {year}"))
        .collect();
    match parts.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

/// Why a jaarverslagen file gave no jaarverslag of the reference year: what it does hold.
fn no_accounts(file: &str, year: i32, years: &BTreeMap<i64, u64>) -> String {
    if years.is_empty() {
        format!("{file} holds no jaarverslag: it has a header line and no rows")
    } else {
        format!(
            "{file} holds no jaarverslag over {year}; it holds {}",
            per_year(years)
        )
    }
}

/// Why the claims files gave no claim line of the reference year: the years they hold.
fn no_claims(files: &[String], year: i32, years: &BTreeMap<i64, u64>) -> String {
    let held = per_year(years);
    match files {
        [one] => format!("{one} holds no claim line over {year}; it holds {held}"),
        _ => {
            let mut shown: Vec<&str> = files.iter().take(5).map(String::as_str).collect();
            if files.len() > 5 {
                shown.push("…");
            }
            format!(
                "the {} declaraties files ({}) hold no claim line over {year}; they hold {held}",
                files.len(),
                shown.join(", ")
            )
        }
    }
}

/// Reads the tables and the claims and joins them: everything of a run that depends on
/// the input files, and nothing that depends on the methodology.
pub(crate) fn read(config: &Config, progress: &dyn Progress) -> Result<Data> {
    if let Some(spec) = config.input(Input::Aggregaten) {
        return read_bundle(config, &spec, progress);
    }
    let mut laps = Laps::new();
    let mut inputs = Vec::new();
    // Each input file is hashed for the manifest, with the rows (or organisations) it gave.
    let record = |inputs: &mut Vec<InputFile>, spec: &InputSpec, file: &InputPath, rijen: u64| {
        let (bytes, sha256) = crate::files::hash_file(&file.path)?;
        inputs.push(InputFile {
            rol: spec.columns.input.key(),
            pad: file.shown.clone(),
            bytes,
            rijen,
            sha256,
        });
        anyhow::Ok(())
    };
    let spec = |input| {
        config
            .input(input)
            .expect("a resolved configuration has it")
    };

    let jv = spec(Input::Jaarverslagen);
    let (accounts, incomplete, digimv_origins, digimv_sectors) = match &config.digimv {
        None => {
            let accounts = ingest::read_accounts(&jv)?;
            // Without the year's accounts nobody can be in the population: stop before the
            // claims are read, and say which years the file does hold (a wrong
            // referentiejaar, most often).
            if accounts.by_kvk.is_empty() {
                bail!(no_accounts(
                    &jv.file().shown,
                    config.referentiejaar,
                    &accounts.years
                ));
            }
            record(&mut inputs, &jv, jv.file(), accounts.rows)?;
            progress.stage(&format!(
                "read {}: {} jaarverslagen over {} ({} of other years skipped)",
                jv.file().shown,
                accounts.by_kvk.len(),
                config.referentiejaar,
                accounts.other_years
            ));
            (accounts, BTreeMap::new(), BTreeMap::new(), BTreeMap::new())
        }
        Some(digimv) => {
            let read = ingest::read_digimv_accounts(&jv, &digimv.resolved)?;
            let shown: Vec<&str> = jv.files.iter().map(|f| f.shown.as_str()).collect();
            if read.table.by_kvk.is_empty() && read.incomplete.is_empty() {
                bail!(
                    "the DigiMV dataset ({}) holds no organisation with a KvK number",
                    shown.join(", ")
                );
            }
            // Every part is an input of its own: hashed, with the organisations it gave.
            for (file, n) in jv.files.iter().zip(&read.organisations) {
                record(&mut inputs, &jv, file, *n)?;
            }
            progress.stage(&format!(
                "read the DigiMV dataset {}: {} jaarverslagen over {}, {} with an empty required figure",
                shown.join(", "),
                read.table.by_kvk.len(),
                config.referentiejaar,
                read.incomplete.len()
            ));
            (read.table, read.incomplete, read.origins, read.sectors)
        }
    };
    let tv = spec(Input::Tarieven);
    let tariffs = ingest::read_tariffs(&tv)?;
    record(&mut inputs, &tv, tv.file(), tariffs.rows)?;
    progress.stage(&format!(
        "read {}: {} tariffs for {}",
        tv.file().shown,
        tariffs.by_code.len(),
        config.referentiejaar
    ));
    let koppel = match config.input(Input::Koppeltabel) {
        Some(k) => {
            let t = ingest::read_koppeltabel(&k)?;
            record(&mut inputs, &k, k.file(), t.rows)?;
            Some(t)
        }
        None => None,
    };
    let took = laps.lap("tabellen");
    progress.stage(&format!("read the tables in {}", seconds(took)));

    let mut raw = RawClaims::default();
    let declaraties = spec(Input::Declaraties);
    for file in declaraties.files {
        let tick = |done, total| progress.advance(&file.shown, done, total);
        let file = raw.read(file, &declaraties, &tick)?;
        progress.stage(&format!(
            "read {}: {} claim lines ({} of other years skipped)",
            file.file, file.rows, file.other_years
        ));
    }
    if raw.files.iter().all(|f| f.rows == f.other_years) {
        let files: Vec<String> = raw.files.iter().map(|f| f.file.clone()).collect();
        bail!(no_claims(&files, config.referentiejaar, &raw.other_years));
    }
    for f in &raw.files {
        inputs.push(InputFile {
            rol: "declaraties",
            pad: f.file.clone(),
            bytes: f.bytes,
            rijen: f.rows,
            sha256: f.sha256.clone(),
        });
    }
    let claims = join(&raw, koppel.as_ref(), &tariffs, config.referentiejaar)?;
    // Figures beyond exact range are refused here, where files are named, not mid-solve.
    crate::aggregate::check_figures(
        &claims,
        &tariffs.by_code,
        (config.berekening.schaling == Scaling::Jaarverslag).then_some(&accounts.by_kvk),
    )?;
    drop(raw);
    let totals = claims
        .iter()
        .map(|(&k, c)| (k, provider_totals(&c.lines, &tariffs.by_code)))
        .collect();
    let took = laps.lap("declaraties");
    progress.stage(&format!("read and joined the claims in {}", seconds(took)));

    Ok(Data {
        inputs,
        claims,
        totals,
        bundle: None,
        accounts: accounts.by_kvk,
        names: accounts.names,
        incomplete,
        digimv_origins,
        digimv_sectors,
        tariffs,
        warnings: accounts.warnings,
        timings: laps.timings,
    })
}

/// Reads a verification bundle's `aggregaten.csv` (`spec`) in place of the jaarverslagen,
/// claims, tariffs and koppeltabel: the same per-provider figures `read` sums from them.
fn read_bundle(config: &Config, spec: &InputSpec, progress: &dyn Progress) -> Result<Data> {
    let mut laps = Laps::new();
    let read = ingest::aggregaten::read_aggregates(spec)?;
    let file = spec.file();
    if read.names.is_empty() {
        bail!(
            "{} holds no provider: it has a header line and no rows",
            file.shown
        );
    }
    let (bytes, sha256) = crate::files::hash_file(&file.path)?;
    let inputs = vec![InputFile {
        rol: Input::Aggregaten.key(),
        pad: file.shown.clone(),
        bytes,
        rijen: read.rows,
        sha256,
    }];
    let by_number: BTreeMap<Kvk, &String> = read.pseudonyms.iter().map(|(p, k)| (*k, p)).collect();
    let shown = |kvk: Kvk| match by_number.get(&kvk) {
        Some(p) => format!("provider {p}"),
        None => format!("KvK {kvk}"),
    };
    crate::aggregate::check_totals(
        &read.totals,
        (config.berekening.schaling == Scaling::Jaarverslag).then_some(&read.accounts),
        &shown,
    )
    .map_err(|e| anyhow::anyhow!("{}: {e}", file.shown))?;
    progress.stage(&format!(
        "read the verification bundle {}: {} providers, {} with a jaarverslag, {} with claims",
        file.shown,
        read.names.len(),
        read.accounts.len(),
        read.totals.len()
    ));
    laps.lap("aggregaten");
    Ok(Data {
        inputs,
        claims: BTreeMap::new(),
        totals: read.totals,
        bundle: Some(BundleSource {
            identities: read
                .pseudonyms
                .iter()
                .map(|(p, k)| (*k, p.clone()))
                .collect(),
            pseudonyms: read.pseudonyms,
            recorded: read.recorded,
        }),
        accounts: read.accounts,
        names: read.names,
        incomplete: read.incomplete,
        digimv_origins: BTreeMap::new(),
        digimv_sectors: BTreeMap::new(),
        tariffs: TariffTable {
            by_code: BTreeMap::new(),
            rows: 0,
        },
        warnings: Vec::new(),
        timings: laps.timings,
    })
}

/// A scenario's corrections: what each row replaces, and what the inputs gave before.
pub(crate) use crate::ingest::correcties::{Applied, Corrections};

/// A corrections file as read, with its record for the manifest.
#[derive(Debug, Clone)]
pub(crate) struct CorrectionsFile {
    pub corrections: Corrections,
    pub input: InputFile,
}

/// Reads and hashes a scenario's corrections file (`shown` is its name in messages);
/// numbers are read with the scenario's decimal sign. Whether its providers exist is
/// known only once the inputs are read (`corrected`).
pub(crate) fn read_corrections(
    path: &std::path::Path,
    shown: &str,
    sign: crate::model::number::DecimalSign,
) -> Result<CorrectionsFile> {
    let corrections = ingest::correcties::read_corrections(path, shown, sign)?;
    let (bytes, sha256) = crate::files::hash_file(path)?;
    Ok(CorrectionsFile {
        input: InputFile {
            rol: "correcties",
            pad: shown.to_string(),
            bytes,
            rijen: corrections.rows,
            sha256,
        },
        corrections,
    })
}

/// `data` with the corrections laid over its jaarverslagen and claims' sums, the
/// corrections file among its inputs, and what each correction replaced. The corrected
/// figures are held to the same bounds as read ones (`aggregate::check_totals`). The
/// claims per prestatiecode are left as read: a scenario solves from the sums.
pub(crate) fn corrected(
    config: &Config,
    data: &Data,
    file: &CorrectionsFile,
) -> Result<(Data, Vec<Applied>)> {
    let mut data = data.clone();
    let known: std::collections::BTreeSet<Kvk> = data
        .accounts
        .keys()
        .chain(data.totals.keys())
        .chain(data.names.keys())
        .chain(data.incomplete.keys())
        .copied()
        .collect();
    let none = BTreeMap::new();
    let pseudonyms = data
        .bundle
        .as_ref()
        .map_or(&none, |b| &b.pseudonyms)
        .clone();
    let applied = ingest::correcties::apply(
        &file.corrections,
        &mut data.accounts,
        &mut data.totals,
        &|k| known.contains(&k),
        &pseudonyms,
    )?;
    let shown = |kvk: Kvk| format!("KvK {}", data.identity(kvk));
    crate::aggregate::check_totals(
        &data.totals,
        (config.berekening.schaling == Scaling::Jaarverslag).then_some(&data.accounts),
        &shown,
    )
    .map_err(|e| anyhow::anyhow!("{} laid over the inputs: {e}", file.corrections.shown))?;
    data.inputs.push(file.input.clone());
    Ok((data, applied))
}

/// The secret key of `run --pseudoniem`, read from its file.
pub(crate) fn read_key(path: &std::path::Path) -> Result<Vec<u8>> {
    ingest::aggregaten::read_key(path)
}

/// A verification bundle's file as bytes, for `verify`.
pub(crate) fn read_bundle_file(path: &std::path::Path) -> Result<Vec<u8>> {
    ingest::aggregaten::read_bundle_file(path)
}

/// A bundle's configuration may list excluded providers by pseudonym: the configuration
/// with those entries matched to the numbers the run knows them by. Unchanged otherwise.
fn with_pseudonyms(config: &Config, data: &Data) -> Config {
    let mut config = config.clone();
    if let Some(bundle) = &data.bundle {
        for e in config.uitsluiting.kvk.iter_mut() {
            if let Some(k) = bundle.pseudonyms.get(&e.kvk) {
                e.parsed = Some(*k);
            }
        }
    }
    config
}

/// Classifies and solves what `read` returned under `config`'s methodology. Pure apart
/// from the progress lines: the same data and configuration give the same `Run`. An empty
/// population is an error that counts the providers per reason of exclusion.
pub(crate) fn compute(config: &Config, data: &Arc<Data>, progress: &dyn Progress) -> Result<Run> {
    let mut laps = Laps::new();
    let config = &with_pseudonyms(config, data);
    let forms = &config.clustering.intramural_forms;
    let figures: BTreeMap<Kvk, ClaimFigures> = data
        .totals
        .iter()
        .map(|(&k, t)| (k, t.figures(forms)))
        .collect();
    let (mut providers, mut excluded) =
        classify(&data.accounts, &data.incomplete, &figures, config);
    for e in excluded.iter_mut().filter(|e| e.naam.is_empty()) {
        e.naam = data.names.get(&e.kvk).cloned().unwrap_or_default();
    }
    if providers.is_empty() {
        bail!(empty_population(config.referentiejaar, &excluded));
    }
    let mut warnings = data.warnings.clone();
    warnings.extend(unmatched_exclusions(config, data));
    warnings.extend(above_maximum(&providers, data));
    providers.sort_by_key(|p| (p.sector, p.cluster, p.kvk));
    let took = laps.lap("classificatie");
    progress.stage(&format!(
        "classified: {} providers in the population, {} excluded, in {}",
        providers.len(),
        excluded.len(),
        seconds(took)
    ));

    let mut keys: Vec<(Sector, Cluster)> = providers.iter().map(Provider::group).collect();
    keys.dedup();
    let members: Vec<Vec<usize>> = keys
        .iter()
        .map(|&k| {
            (0..providers.len())
                .filter(|&i| providers[i].group() == k)
                .collect()
        })
        .collect();
    let positions: Vec<Vec<Position>> = members
        .iter()
        .map(|m| m.iter().map(|&i| providers[i].position.clone()).collect())
        .collect();
    let results = solve::solve(&positions, &rules(config));
    let groups: Vec<Group> = keys
        .into_iter()
        .zip(members)
        .zip(results)
        .map(|(((sector, cluster), members), result)| Group {
            sector,
            cluster,
            members,
            result,
        })
        .collect();
    let took = laps.lap("berekening");
    progress.stage(&format!(
        "solved {} groups in {}",
        groups.len(),
        seconds(took)
    ));

    Ok(Run {
        config: config.clone(),
        data: Arc::clone(data),
        providers,
        excluded,
        groups,
        warnings,
        timings: data.timings.iter().copied().chain(laps.timings).collect(),
    })
}

/// Everyone was excluded: how many providers, and how many for each reason, in the order
/// `classify` lists reasons (configured reasons of the KvK list each on their own).
fn empty_population(year: i32, excluded: &[Excluded]) -> String {
    let mut counts: BTreeMap<(crate::classify::Check, String), usize> = BTreeMap::new();
    for r in excluded.iter().flat_map(|e| &e.reasons) {
        *counts.entry((r.check(), r.label())).or_default() += 1;
    }
    let listed: Vec<String> = counts
        .iter()
        .map(|((_, label), n)| format!("{label}: {n}"))
        .collect();
    format!(
        "no provider is left in the population over {year}: all {} providers with a jaarverslag or claims are excluded; per reason (a provider can have several): {}",
        excluded.len(),
        listed.join("; ")
    )
}

/// How far a realised percentage S ÷ S_max may lie above 100% before it is reported: 0.1
/// percentage point, one step of the default grid. Claims are paid at most at the maximum
/// tariff, so only rounding can take S above S_max: each claim line's amount is rounded to
/// the cent, at most half a cent off, which reaches 0.1% of the line only for lines below
/// €5 (minutes of care). A provider further above claims more than the tariff table
/// allows: tariffs of another year or unit, or amounts with something else in them; its
/// result then no longer follows the percentage as the methodology assumes.
pub(crate) const REALISED_TOLERANCE: Decimal = Decimal::from_parts(1, 0, 0, false, 3);

/// The excluded KvK numbers that match no provider: a typo, or the wrong year.
fn unmatched_exclusions(config: &Config, data: &Data) -> Vec<String> {
    config
        .uitsluiting
        .kvk
        .iter()
        .filter(|e| match e.parsed {
            Some(k) => !data.accounts.contains_key(&k) && !data.totals.contains_key(&k),
            // A pseudonym that `with_pseudonyms` did not match.
            None => true,
        })
        .map(|e| {
            format!(
                "uitsluiting.kvk: KvK {} ({}) matches no provider: it has neither a jaarverslag nor claims over {}",
                e.parsed.map_or_else(|| e.kvk.clone(), |k| k.to_string()),
                e.reden,
                config.referentiejaar
            )
        })
        .collect()
}

/// One warning listing the providers whose realised percentage lies above 100% by more
/// than `REALISED_TOLERANCE`, the first ten by KvK.
fn above_maximum(providers: &[Provider], data: &Data) -> Option<String> {
    let limit = Decimal::ONE + REALISED_TOLERANCE;
    let mut above: Vec<&Provider> = providers
        .iter()
        .filter(|p| {
            let c = &p.claims;
            c.zorg_max > Decimal::ZERO && c.zorg > c.zorg_max * limit
        })
        .collect();
    if above.is_empty() {
        return None;
    }
    above.sort_by_key(|p| p.kvk);
    let shown: Vec<String> = above
        .iter()
        .take(10)
        .map(|p| {
            let pct = (p.claims.zorg / p.claims.zorg_max * Decimal::ONE_HUNDRED)
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
            format!("{} {} {pct:.2}%", data.identity(p.kvk), p.naam)
        })
        .collect();
    let more = match above.len() {
        n if n > 10 => format!("; and {} more", n - 10),
        _ => String::new(),
    };
    let (n, claim) = match above.len() {
        1 => ("1 provider".to_string(), "claims"),
        n => (format!("{n} providers"), "claim"),
    };
    Some(format!(
        "{n} {claim} more than {}% of the maximum tariff on its care part (S ÷ S_max; see gerealiseerd_pct in aanbieders.csv): {}{more}",
        (Decimal::ONE_HUNDRED * limit).normalize(),
        shown.join("; ")
    ))
}

/// One VariableDefinition row of a DigiMV dataset, with where its column is and how many
/// organisations fill it in (`digimv variabelen`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct VariableRow {
    pub name: String,
    pub label: String,
    pub data_type: String,
    pub format: String,
    /// `RowData_03`, or empty where no sheet's header carries it.
    pub sheet: String,
    /// The column letters, `K`.
    pub column: String,
    /// Organisations whose cell is not empty; `None` where no sheet carries it.
    pub organisations: Option<usize>,
}

/// The VariableDefinition rows of a DigiMV dataset whose name or label `matches`, each with
/// its sheet, column and count of organisations with a value. Two passes: the dictionary
/// and the headers first, then the matching columns' cells, so that only those are kept.
pub(crate) fn digimv_variables(
    parts: &[InputPath],
    matches: &dyn Fn(&str) -> bool,
) -> Result<Vec<VariableRow>> {
    use crate::ingest::digimv::{read, Kind, Part, Value, Variable};
    let parts: Vec<Part> = parts
        .iter()
        .map(|p| Part {
            path: p.path.clone(),
            shown: p.shown.clone(),
        })
        .collect();
    let outline = read(&parts, &[])?;
    let wanted: Vec<&crate::ingest::digimv::Definition> = outline
        .definitions
        .iter()
        .filter(|d| matches(&d.name) || matches(&d.label))
        .collect();
    let variables: Vec<Variable> = wanted
        .iter()
        .map(|d| Variable {
            name: d.name.clone(),
            kind: Kind::Text,
            purpose: "--zoek".into(),
            required: false,
        })
        .collect();
    let cells = read(&parts, &variables)?;
    Ok(wanted
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let header = outline
                .headers
                .iter()
                .find(|h| h.name.eq_ignore_ascii_case(&d.name));
            let organisations = header.map(|_| {
                cells
                    .organisations
                    .values()
                    .filter(|o| {
                        o.values[i]
                            .as_ref()
                            .is_some_and(|f| f.value != Value::Empty)
                    })
                    .count()
            });
            VariableRow {
                name: d.name.clone(),
                label: d.label.clone(),
                data_type: d.data_type.clone(),
                format: d.format.clone(),
                sheet: header.map(|h| h.sheet.clone()).unwrap_or_default(),
                column: header.map(|h| h.column.clone()).unwrap_or_default(),
                organisations,
            }
        })
        .collect())
}

/// The jaarverslagen a DigiMV dataset gives under `config`'s `[digimv]` map, for
/// `digimv uittreksel`: every provider's accounts with the origin of each figure, and the
/// providers with an empty required figure with those variables.
pub(crate) struct DigimvExtract {
    pub accounts: BTreeMap<Kvk, Accounts>,
    pub origins: BTreeMap<Kvk, Vec<(&'static str, Origin)>>,
    pub incomplete: BTreeMap<Kvk, Vec<String>>,
    pub names: BTreeMap<Kvk, String>,
    pub warnings: Vec<String>,
}

/// Reads `parts` as the DigiMV dataset under `config`'s `[digimv]` table; an error when the
/// configuration has none.
pub(crate) fn digimv_extract(config: &Config, parts: &[InputPath]) -> Result<DigimvExtract> {
    let Some(digimv) = &config.digimv else {
        bail!("the configuration has no [digimv] table: it names no variable map to read the dataset with");
    };
    let mut spec = config
        .input(Input::Jaarverslagen)
        .expect("a resolved configuration has it");
    spec.files = parts;
    let read = ingest::read_digimv_accounts(&spec, &digimv.resolved)?;
    Ok(DigimvExtract {
        accounts: read.table.by_kvk,
        origins: read.origins,
        incomplete: read.incomplete,
        names: read.table.names,
        warnings: read.table.warnings,
    })
}
