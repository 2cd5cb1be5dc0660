//! Paths and globs of the configuration, resolved against its folder: a file must be a
//! regular file, a glob must match one, and the shipped policies are found beside the
//! working folder or the sources. This is the only place a glob is expanded.
//!
//! It looks at the file system only to see what exists; it opens no file.

use std::path::{Path, PathBuf};

use super::InputPath;

/// The name of the vocabulary of characteristics in the shipped policies' folder.
pub(crate) const VOCABULARY: &str = "kenmerken.toml";

/// The shipped policies, `data/beleid/*.toml`, each going by `data/beleid/NAME` in messages
/// and the manifest, wherever it was found. The vocabulary of characteristics
/// (`VOCABULARY`) lives in the same folder and is not a policy.
pub(super) fn shipped_policies() -> Result<Vec<InputPath>, String> {
    policies_in(&shipped_policy_folder(), "data/beleid")
        .map_err(|e| format!("beleid.bestanden: {e}"))
}

/// The shipped policies' folder, `data/beleid`: in the working folder (a clone's root) or,
/// for a binary built from this repository, beside its sources.
pub(crate) fn shipped_policy_folder() -> PathBuf {
    let local = Path::new("data/beleid");
    if local.is_dir() {
        local.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(local)
    }
}

/// The policy files of a folder, every `*.toml` but the vocabulary, each shown as
/// `shown/NAME`.
pub(crate) fn policies_in(dir: &Path, shown: &str) -> Result<Vec<InputPath>, String> {
    let found = expand(dir, "*.toml")?;
    Ok(found
        .iter()
        .filter(|f| f.as_path() != Path::new(VOCABULARY))
        .map(|f| InputPath {
            shown: format!("{shown}/{}", crate::files::shown(f)),
            path: dir.join(f),
        })
        .collect())
}

/// The shipped vocabulary of characteristics, `data/beleid/kenmerken.toml`, found as the
/// shipped policies are.
pub(crate) fn shipped_vocabulary() -> Result<InputPath, String> {
    let path = shipped_policy_folder().join(VOCABULARY);
    match not_a_file(&path) {
        Some(problem) => Err(format!(
            "beleid.kenmerken: the shipped vocabulary {problem}"
        )),
        None => Ok(InputPath {
            shown: format!("data/beleid/{VOCABULARY}"),
            path,
        }),
    }
}

/// Why `full` cannot be read as an input file, if it cannot: it is missing, a folder, or not
/// a regular file (a device or FIFO, which may never end or may block the run).
pub(super) fn not_a_file(full: &Path) -> Option<String> {
    match std::fs::metadata(full) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Some(format!("no such file ({})", full.display()))
        }
        Err(e) => Some(format!("cannot be read: {e} ({})", full.display())),
        Ok(m) if m.is_dir() => Some(format!("is a folder, not a file ({})", full.display())),
        Ok(m) if !m.is_file() => Some(format!(
            "is not a regular file (a device, FIFO or socket?) ({})",
            full.display()
        )),
        Ok(_) => None,
    }
}

/// Expands one path or glob of a list (declaraties, beleid.bestanden): a plain path must
/// exist; a glob must match at least one file. Results are relative to `basis` as written.
pub(super) fn expand(basis: &Path, pattern: &str) -> Result<Vec<PathBuf>, String> {
    let is_glob = pattern.contains(['*', '?', '[']);
    if !is_glob {
        let full = basis.join(pattern);
        if let Some(problem) = not_a_file(&full) {
            return Err(format!("{pattern:?}: {problem}"));
        }
        return Ok(vec![PathBuf::from(pattern)]);
    }
    let full = basis.join(pattern);
    let full_text = full.to_string_lossy();
    let paths =
        glob::glob(&full_text).map_err(|e| format!("{pattern:?}: not a valid glob: {e}"))?;
    let mut out = Vec::new();
    for p in paths {
        let p = p.map_err(|e| format!("{pattern:?}: {e}"))?;
        if p.is_file() {
            out.push(p.strip_prefix(basis).map(Path::to_path_buf).unwrap_or(p));
        }
    }
    if out.is_empty() {
        return Err(format!(
            "{pattern:?}: the glob matches no file in {}",
            basis.display()
        ));
    }
    Ok(out)
}
