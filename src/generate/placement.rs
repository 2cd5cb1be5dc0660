//! Where a generated set may go and how it goes in place: the marker file that says a
//! folder is `generate`'s, and the decision between swapping the set in whole and moving its
//! files in one by one beside files of others. It decides and refuses; it never removes or
//! moves anything itself (`folder` does that, on `generate`'s word).

use std::collections::BTreeSet;
use std::path::Path;

use super::Options;
use crate::folder::{self, Refused};
use anyhow::Result;

/// The marker file of a folder `generate` wrote: the set's files, one a line, under
/// `MARKER_HEADER`. A folder with it is `generate`'s to replace without `--overwrite`.
pub(super) const MARKER: &str = ".richttarief-generate";
const MARKER_HEADER: &str = "# Written by richttarief generate: the files of this data set.";

/// Every name `generate` writes in any format: all a marker may list.
const ALL_FILES: [&str; 11] = [
    "declaraties.csv",
    "declaraties.csv.gz",
    "declaraties.parquet",
    "declaraties-aw319",
    "declaraties-aw320",
    "jaarverslagen.csv",
    "tarieven.csv",
    "koppeltabel.csv",
    "kenmerken.csv",
    "contracteerruimte.csv",
    "richttarief.toml",
];

/// The files the marker in `dir` lists, when it is ours; only names `generate` writes
/// count, so that a marker can never make it remove anything else.
fn marked_files(dir: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read_to_string(dir.join(MARKER)).ok()?;
    let mut lines = text.lines();
    if lines.next()? != MARKER_HEADER {
        return None;
    }
    Some(
        lines
            .filter(|l| ALL_FILES.contains(l))
            .map(String::from)
            .collect(),
    )
}

/// How a complete set goes in place of `--out`.
pub(super) enum Placement {
    /// `--out` is new, or holds nothing but a set this replaces: swapped in whole.
    Whole,
    /// `--out` also holds files of others, which stay: the set's files are moved in one
    /// by one, after removing `stale` (files of the earlier set this one does not write).
    FileByFile { stale: Vec<String> },
}

/// What `--out` may be for `generate`: refused (exit 2, naming the files) when it holds a
/// file of the set's names, or a marker not of ours, unless `generate` wrote it or
/// `--overwrite` is given.
pub(super) fn placement(opts: &Options) -> Result<Placement> {
    let Some(entries) = folder::entries(&opts.out)? else {
        return Ok(Placement::Whole);
    };
    let writes = opts.files();
    let previous = marked_files(&opts.out);
    let clash: Vec<&str> = entries
        .iter()
        .map(String::as_str)
        .filter(|e| writes.contains(e) || *e == MARKER)
        .collect();
    if previous.is_none() && !clash.is_empty() && !opts.overwrite {
        return Err(Refused(format!(
            "{} holds {}, which generate would overwrite, and generate did not write that \
             folder (it has no {MARKER}): give --overwrite to replace them, or choose another \
             folder",
            opts.out.display(),
            clash.join(", ")
        ))
        .into());
    }
    let previous = previous.unwrap_or_default();
    let others = entries
        .iter()
        .any(|e| !previous.contains(e) && !writes.contains(&e.as_str()) && e != MARKER);
    Ok(if others {
        Placement::FileByFile {
            stale: previous
                .into_iter()
                .filter(|f| !writes.contains(&f.as_str()))
                .collect(),
        }
    } else {
        Placement::Whole
    })
}

/// The marker's text for a set of `files`.
pub(super) fn marker_text(files: &[&str]) -> String {
    format!("{MARKER_HEADER}\n{}\n", files.join("\n"))
}
