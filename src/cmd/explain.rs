//! `explain`: one provider's path through every step, and through the policies when the
//! configuration names the kenmerken. An adapter: the text is `report`'s.

use anyhow::Result;

use super::{compute, ConfigArg, Exit, Ui};
use crate::report;

/// Show one provider's path through every step, with its own numbers.
#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    #[command(flatten)]
    config: ConfigArg,
    /// The provider's KvK number (8 digits), or on a pseudonymised verification bundle its
    /// pseudonym.
    #[arg(long, value_parser = KvkParser)]
    kvk: Who,
}

/// Whom `--kvk` names: a KvK, or a bundle's pseudonym.
#[derive(Debug, Clone)]
pub(super) enum Who {
    Kvk(crate::model::Kvk),
    Pseudonym(String),
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    let config = args.config.load()?;
    let run = compute(&config, ui)?;
    let kvk = resolve(&args.kvk, &run)?;
    let shown = run.data.identity(kvk);
    let mut text = report::text::explain(&run, kvk).ok_or_else(|| {
        anyhow::anyhow!(
            "KvK {shown} has neither a jaarverslag nor claims over {}",
            config.referentiejaar
        )
    })?;
    if let Some(read) = crate::pipeline::read_policies(&config, &run.data, ui)? {
        let contracting = crate::contracting::contract(&run, &read)?;
        text += &report::contracting::explain(&run, &contracting, kvk);
    }
    ui.print(&text)?;
    Ok(Exit::Ok)
}

/// The provider `who` names in `run`: a KvK as it is, a pseudonym through the bundle the
/// run read. A KvK on a pseudonymised bundle, or a pseudonym it does not know, is an error.
pub(super) fn resolve(who: &Who, run: &crate::pipeline::Run) -> Result<crate::model::Kvk> {
    let pseudonyms = run.data.bundle.as_ref().map(|b| &b.pseudonyms);
    Ok(match (who, pseudonyms) {
        (Who::Kvk(kvk), Some(p)) if !p.is_empty() => anyhow::bail!(
            "KvK {kvk}: this verification bundle names its providers by pseudonym only; --kvk takes the pseudonym"
        ),
        (Who::Kvk(kvk), _) => *kvk,
        (Who::Pseudonym(p), Some(known)) if known.contains_key(p) => known[p],
        (Who::Pseudonym(p), _) => anyhow::bail!(
            "pseudonym {p} names no provider of {}",
            if pseudonyms.is_some_and(|k| !k.is_empty()) {
                "this verification bundle"
            } else {
                "this run: only a pseudonymised verification bundle knows pseudonyms"
            }
        ),
    })
}

/// `--kvk`: clap words a plain parser's error as "invalid value '<value>' ...", which
/// would print a BSN given by mistake; this parser leaves the value to `Kvk::parse`'s
/// message, which shows it unless it has a BSN's shape.
#[derive(Clone)]
pub(super) struct KvkParser;

impl clap::builder::TypedValueParser for KvkParser {
    type Value = Who;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<Who, clap::Error> {
        let text = value.to_string_lossy();
        if crate::model::is_pseudonym(&text) {
            return Ok(Who::Pseudonym(text.into_owned()));
        }
        crate::model::Kvk::parse(&text).map(Who::Kvk).map_err(|e| {
            let arg = arg.map_or_else(|| "--kvk".to_string(), |a| a.to_string());
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for '{arg}': {e}\n"),
            )
            .with_cmd(cmd)
        })
    }
}
