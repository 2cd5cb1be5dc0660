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
    /// The provider's KvK number (8 digits).
    #[arg(long, value_parser = KvkParser)]
    kvk: crate::model::Kvk,
}

pub(crate) fn run(args: Args, ui: &Ui) -> Result<Exit> {
    let kvk = args.kvk;
    let config = args.config.load()?;
    let run = compute(&config, ui)?;
    let mut text = report::text::explain(&run, kvk).ok_or_else(|| {
        anyhow::anyhow!(
            "KvK {kvk} has neither a jaarverslag nor claims over {}",
            config.referentiejaar
        )
    })?;
    if let Some(read) = crate::pipeline::read_policies(&config, &run.data, ui)? {
        let contracting = crate::contracting::contract(&run, &read.policies, &read.kenmerken)?;
        text += &report::contracting::explain(&run, &contracting, kvk);
    }
    ui.print(&text)?;
    Ok(Exit::Ok)
}

/// `--kvk`: clap words a plain parser's error as "invalid value '<value>' ...", which
/// would print a BSN given by mistake; this parser leaves the value to `Kvk::parse`'s
/// message, which shows it unless it has a BSN's shape.
#[derive(Clone)]
struct KvkParser;

impl clap::builder::TypedValueParser for KvkParser {
    type Value = crate::model::Kvk;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<crate::model::Kvk, clap::Error> {
        crate::model::Kvk::parse(&value.to_string_lossy()).map_err(|e| {
            let arg = arg.map_or_else(|| "--kvk".to_string(), |a| a.to_string());
            clap::Error::raw(
                clap::error::ErrorKind::ValueValidation,
                format!("invalid value for '{arg}': {e}\n"),
            )
            .with_cmd(cmd)
        })
    }
}
