//! `manifest.json`, one type for every command: the program and its version, what the
//! outputs are about (the run's model and configuration, with the settings of an analysis
//! on top; or the scenarios), every input and output file with its SHA-256, the warnings,
//! and the milliseconds per stage last.
//!
//! It only records: it reads no file (the files beside the inputs are hashed by
//! `Recorded`) and computes nothing.

use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Config;
use crate::model::InputFile;
use crate::pipeline::Run;

/// What a manifest is about: the members between the version and the inputs. Each
/// command's own settings sit under a key of their own.
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Subject<'a> {
    /// `run`.
    Run {
        model: &'static str,
        configuratie: &'a Config,
    },
    /// `sensitivity`: the run, and the analysis's settings.
    Sensitivity {
        model: &'static str,
        configuratie: &'a Config,
        gevoeligheid: super::sensitivity::Settings,
    },
    /// `tarieven`: the run, and the policy files and kenmerken that priced it.
    Tariffs {
        model: &'static str,
        configuratie: &'a Config,
        tarieven: super::contracting::Settings<'a>,
    },
    /// `brieven`: the run, and whose statements, with which policies and kenmerken.
    Statements {
        model: &'static str,
        configuratie: &'a Config,
        brieven: super::brieven::Settings<'a>,
    },
    /// `scenarios`: where they came from, and each one's configuration.
    Scenarios {
        bron: &'a super::scenarios::Source,
        scenarios: Vec<super::scenarios::Named<'a>>,
    },
}

#[derive(Serialize)]
pub(crate) struct Manifest<'a> {
    programma: &'static str,
    versie: &'static str,
    #[serde(flatten)]
    subject: Subject<'a>,
    invoer: Vec<&'a InputFile>,
    uitvoer: Vec<OutputFile>,
    waarschuwingen: Vec<&'a String>,
    /// Milliseconds per stage: the only part that differs between identical runs.
    tijden_ms: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct OutputFile {
    bestand: String,
    bytes: u64,
    sha256: String,
}

impl<'a> Manifest<'a> {
    /// The manifest of outputs about one run: its inputs, warnings and stage times.
    pub(crate) fn of_run(
        run: &'a Run,
        subject: Subject<'a>,
        files: &[(String, Vec<u8>)],
    ) -> Manifest<'a> {
        Manifest::new(
            subject,
            run.data.inputs.iter().collect(),
            run.warnings.iter().collect(),
            &run.timings,
            files,
        )
    }

    /// A manifest of `subject` with these inputs, warnings, stage times and output files.
    pub(crate) fn new(
        subject: Subject<'a>,
        invoer: Vec<&'a InputFile>,
        waarschuwingen: Vec<&'a String>,
        timings: &[(&'static str, std::time::Duration)],
        files: &[(String, Vec<u8>)],
    ) -> Manifest<'a> {
        Manifest {
            programma: env!("CARGO_PKG_NAME"),
            versie: env!("CARGO_PKG_VERSION"),
            subject,
            invoer,
            // Hashing the outputs is a share of writing them: over the cores.
            uitvoer: files
                .par_iter()
                .map(|(name, bytes)| OutputFile {
                    bestand: name.clone(),
                    bytes: bytes.len() as u64,
                    sha256: format!("{:x}", Sha256::digest(bytes)),
                })
                .collect(),
            waarschuwingen,
            tijden_ms: timings
                .iter()
                .map(|(name, d)| {
                    (
                        name.to_string(),
                        serde_json::Value::from(d.as_millis() as u64),
                    )
                })
                .collect(),
        }
    }

    /// The manifest as pretty JSON with a final newline.
    pub(crate) fn json(&self) -> Result<Vec<u8>> {
        let mut json = serde_json::to_vec_pretty(self)?;
        json.push(b'\n');
        Ok(json)
    }
}
