//! Folders written whole or not at all: every file of a result goes into a fresh temporary
//! folder beside `--out`, which then takes the place of `--out` in one step (an atomic
//! exchange where the system has one), so that at every instant `--out` holds one
//! complete result. Also the rules for what `--out` may be: a new path, an empty folder, or
//! a folder this tool wrote whose manifest lists everything in it. Both writers use it, the
//! reports and `generate`, so it stands below them and uses no other module of ours. One
//! file is written the same way (`write_file`): whole, by a rename, or not at all.
//!
//! This module must never delete what it cannot tell is its own: a folder it replaces was
//! checked to hold only the files its manifest lists (or, for `generate`, its own set), and
//! a leftover it removes carries both its name pattern and its marker file. It writes into
//! `--out` itself only when a caller asks for files to be moved in one by one
//! (`Staged::place_files`), and then only those files.

use std::collections::BTreeSet;
use std::ffi::OsString;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::{Context, Result};

/// The manifest every command writes; also what marks a folder as one of ours.
pub(crate) const MANIFEST: &str = "manifest.json";

/// The marker file inside a temporary folder. With the folder's name
/// (`.NAME.richttarief-PID-N`) it is what makes a leftover of a killed run recognisably
/// ours, so that only such folders are ever removed.
const TEMPORARY_MARKER: &str = ".richttarief-temporary";

/// Where, inside a temporary folder, the old version waits while a system without an
/// atomic exchange moves the new one into place (see `swap`).
const PREVIOUS: &str = "previous";

/// Where, inside a temporary folder, the new version is written. A name of ours rather
/// than `--out`'s, so that it can never be the same as `PREVIOUS` or the marker.
const FOLDER: &str = "folder";

/// A refusal to write where the user pointed: the caller makes it a usage error (exit 2).
#[derive(Debug)]
pub(crate) struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

/// `--out` split into the folder that holds it and its own name.
struct Target {
    path: PathBuf,
    parent: PathBuf,
    name: OsString,
}

fn target(out: &Path) -> Result<Target> {
    // `.`, `..`, `/` and `a/..` have no name of their own: they cannot be renamed, and
    // replacing the folder one stands in is never what was meant.
    let Some(name) = out.file_name() else {
        return Err(Refused(format!(
            "cannot replace {}: give a folder by name, such as uitvoer",
            out.display()
        ))
        .into());
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(Target {
        path: parent.join(name),
        parent,
        name: name.to_os_string(),
    })
}

/// What is at `out`: nothing (`None`), or a folder and the names in it. A file, a
/// symbolic link or anything else is refused.
pub(crate) fn entries(out: &Path) -> Result<Option<Vec<String>>> {
    let t = target(out)?;
    let meta = match std::fs::symlink_metadata(&t.path) {
        Ok(meta) => meta,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", out.display())),
    };
    if meta.file_type().is_symlink() {
        return Err(Refused(format!(
            "{} is a symbolic link; give the folder itself",
            out.display()
        ))
        .into());
    }
    if !meta.is_dir() {
        return Err(Refused(format!(
            "{} exists and is not a folder; refusing to replace it",
            out.display()
        ))
        .into());
    }
    let mut names = Vec::new();
    for entry in
        std::fs::read_dir(&t.path).with_context(|| format!("cannot read {}", out.display()))?
    {
        let entry = entry.with_context(|| format!("cannot read {}", out.display()))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(Some(names))
}

/// The files a folder's manifest lists, when the manifest is ours: `programma` is this
/// program and `uitvoer` lists the files by `bestand`.
fn listed_files(dir: &Path) -> Option<BTreeSet<String>> {
    let text = std::fs::read(dir.join(MANIFEST)).ok()?;
    let manifest: serde_json::Value = serde_json::from_slice(&text).ok()?;
    if manifest["programma"] != env!("CARGO_PKG_NAME") {
        return None;
    }
    manifest["uitvoer"]
        .as_array()?
        .iter()
        .map(|f| f["bestand"].as_str().map(String::from))
        .collect()
}

/// The entries under `dir` that `listed` does not account for, as paths relative to `dir`:
/// a folder none of whose contents are listed is named once, with a trailing `/`.
fn unlisted(
    dir: &Path,
    prefix: &str,
    listed: &BTreeSet<String>,
    into: &mut Vec<String>,
) -> Result<()> {
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .collect::<io::Result<_>>()
        .with_context(|| format!("cannot read {}", dir.display()))?;
    names.sort_by_key(|e| e.file_name());
    for entry in names {
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let is_dir = entry
            .file_type()
            .with_context(|| format!("cannot read {}", entry.path().display()))?
            .is_dir();
        if is_dir {
            let inner = format!("{name}/");
            if listed.iter().any(|f| f.starts_with(&inner)) {
                unlisted(&entry.path(), &inner, listed, into)?;
            } else {
                into.push(inner);
            }
        } else if !listed.contains(&name) && name != MANIFEST {
            into.push(name);
        }
    }
    Ok(())
}

/// Whether a command's results may replace `out`: it is new, an empty folder, or a folder
/// this tool wrote (our `manifest.json`) holding nothing its manifest does not list.
/// Anything else is `Refused`, naming what is in the way.
pub(crate) fn check_outputs(out: &Path) -> Result<()> {
    let Some(names) = entries(out)? else {
        return Ok(());
    };
    if names.is_empty() {
        return Ok(());
    }
    let Some(listed) = listed_files(out) else {
        return Err(Refused(format!(
            "{} exists and was not written by richttarief (it has no manifest.json of ours); \
             refusing to replace it: choose a new folder, or move it away",
            out.display()
        ))
        .into());
    };
    let mut extra = Vec::new();
    unlisted(out, "", &listed, &mut extra)?;
    if !extra.is_empty() {
        const SHOWN: usize = 10;
        let more = if extra.len() > SHOWN {
            format!(" and {} more", extra.len() - SHOWN)
        } else {
            String::new()
        };
        let shown: Vec<_> = extra.iter().take(SHOWN).map(String::as_str).collect();
        return Err(Refused(format!(
            "{} holds what its manifest.json does not list: {}{more}; replacing the folder would \
             delete them: move them out, or choose another folder",
            out.display(),
            shown.join(", ")
        ))
        .into());
    }
    Ok(())
}

/// Writes `files` (relative paths with `/`, and their bytes) as the new content of `out`,
/// replacing it whole once every file is written; refused as `check_outputs` says, both
/// before anything is written and again just before the swap.
pub(crate) fn write_outputs(out: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    check_outputs(out)?;
    let staged = Staged::new(out)?;
    for (file, bytes) in files {
        let path = staged.dir().join(file);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    }
    check_outputs(out)?;
    staged.replace()
}

/// Writes one file whole or not at all: into a temporary file beside `path`, which then
/// takes its place in one rename. A failure leaves `path` as it was.
pub(crate) fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?;
    let temporary = path.with_file_name(format!(
        ".{}.richttarief-{}",
        name.to_string_lossy(),
        std::process::id()
    ));
    let written = std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .with_context(|| format!("cannot write {}", path.display()));
    if written.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    written
}

/// A temporary folder beside `--out` that the new version is written into. Dropped before
/// `replace` (an error, a panic), it removes itself and `--out` is as it was.
pub(crate) struct Staged {
    target: Target,
    /// `.NAME.richttarief-PID-N`: the marker and `FOLDER` inside it.
    temporary: PathBuf,
    dir: PathBuf,
}

impl Staged {
    /// Removes leftovers of earlier killed runs beside `out`, then makes a fresh temporary
    /// folder with its marker.
    pub(crate) fn new(out: &Path) -> Result<Staged> {
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        let target = target(out)?;
        std::fs::create_dir_all(&target.parent)
            .with_context(|| format!("cannot create {}", target.parent.display()))?;
        remove_leftovers(&target);
        let pid = std::process::id();
        let temporary = loop {
            let n = SERIAL.fetch_add(1, Ordering::SeqCst);
            let path = target.parent.join(temporary_name(&target.name, pid, n));
            match std::fs::create_dir(&path) {
                Ok(()) => break path,
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
                Err(e) => {
                    return Err(e).with_context(|| format!("cannot create {}", path.display()))
                }
            }
        };
        // From here on Drop removes the folder, also when the marker cannot be written.
        let staged = Staged {
            dir: temporary.join(FOLDER),
            temporary,
            target,
        };
        let marker = staged.temporary.join(TEMPORARY_MARKER);
        std::fs::write(
            &marker,
            format!(
                "A temporary folder of richttarief (process {pid}) for {}; removed by the next \
                 run when that process is gone.\n",
                staged.target.name.to_string_lossy()
            ),
        )
        .with_context(|| format!("cannot write {}", marker.display()))?;
        std::fs::create_dir(&staged.dir)
            .with_context(|| format!("cannot create {}", staged.dir.display()))?;
        Ok(staged)
    }

    /// Where the new version is written.
    pub(crate) fn dir(&self) -> &Path {
        &self.dir
    }

    /// Puts the new version in place of `--out` in one step and removes the old one. The
    /// caller has checked, just before, that `--out` may be replaced.
    pub(crate) fn replace(self) -> Result<()> {
        let out = &self.target.path;
        let placed = match rename_new(&self.dir, out) {
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
                swap(&self.dir, out, &self.temporary.join(PREVIOUS))
            }
            other => other,
        };
        placed.with_context(|| format!("cannot move the results into {}", out.display()))?;
        self.remove();
        Ok(())
    }

    /// Moves the new version's files into `--out` one by one, for a folder that also holds
    /// what is not ours to replace (a data set beside a user's files). `remove` goes first,
    /// then `order` is renamed in, each file atomically: whoever reads the folder meanwhile
    /// sees each file old or new, so the caller puts the file that makes the set usable last.
    pub(crate) fn place_files(self, remove: &[String], order: &[String]) -> Result<()> {
        let out = &self.target.path;
        for name in remove {
            // A name may be a folder of files (the Vektis claims): removed with its files.
            let path = out.join(name);
            let removed = if path.is_dir() {
                std::fs::remove_dir_all(&path)
            } else {
                std::fs::remove_file(&path)
            };
            match removed {
                Err(e) if e.kind() != io::ErrorKind::NotFound => {
                    return Err(e)
                        .with_context(|| format!("cannot remove {}", out.join(name).display()))
                }
                _ => {}
            }
        }
        for name in order {
            std::fs::rename(self.dir.join(name), out.join(name))
                .with_context(|| format!("cannot move {name} into {}", out.display()))?;
        }
        self.remove();
        Ok(())
    }

    fn remove(&self) {
        if let Err(e) = remove_temporary(&self.temporary) {
            // The result is in place; what is left is the old version, which the next run
            // removes. Not a reason to fail a run that succeeded.
            eprintln!(
                "richttarief: warning: cannot remove {}: {e}; the next run will",
                self.temporary.display()
            );
        }
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        if self.temporary.exists() {
            restore_previous(&self.temporary, &self.target.path);
            let _ = remove_temporary(&self.temporary);
        }
    }
}

/// Puts an old version that `swap`'s fallback moved aside back at `out`, when `out` is
/// missing: a swap cut short (an error, or a kill between its two renames) loses nothing.
fn restore_previous(temporary: &Path, out: &Path) {
    let previous = temporary.join(PREVIOUS);
    if previous.is_dir() && std::fs::symlink_metadata(out).is_err() {
        let _ = std::fs::rename(&previous, out);
    }
}

fn temporary_name(name: &std::ffi::OsStr, pid: u32, n: usize) -> String {
    format!(".{}.richttarief-{pid}-{n}", name.to_string_lossy())
}

/// The process id in a temporary folder's name, when the name is one of ours for `name`.
fn temporary_pid(entry: &str, name: &std::ffi::OsStr) -> Option<u32> {
    let rest = entry.strip_prefix(&format!(".{}.richttarief-", name.to_string_lossy()))?;
    let (pid, n) = rest.split_once('-')?;
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(n) {
        return None;
    }
    pid.parse().ok().filter(|_| digits(pid))
}

/// Removes the temporary folders of earlier runs for the same `--out` whose process is
/// gone: only folders with our name pattern and our marker inside (or nothing at all).
/// Failures are reported and otherwise ignored: a leftover is untidy, not wrong.
fn remove_leftovers(t: &Target) {
    let Ok(read) = std::fs::read_dir(&t.parent) else {
        return;
    };
    for entry in read.flatten() {
        let Some(pid) = temporary_pid(&entry.file_name().to_string_lossy(), &t.name) else {
            continue;
        };
        if !entry.file_type().is_ok_and(|f| f.is_dir()) || running(pid) {
            continue;
        }
        let path = entry.path();
        let marked =
            std::fs::symlink_metadata(path.join(TEMPORARY_MARKER)).is_ok_and(|m| m.is_file());
        let empty = std::fs::read_dir(&path).is_ok_and(|mut d| d.next().is_none());
        if !marked && !empty {
            continue;
        }
        // A run killed between the two renames of `swap`'s fallback left no `--out` and the
        // old version here: put it back, so that nothing of the user's is lost.
        if marked {
            restore_previous(&path, &t.path);
        }
        if let Err(e) = remove_temporary(&path) {
            eprintln!(
                "richttarief: warning: cannot remove the leftover {}: {e}",
                path.display()
            );
        }
    }
}

/// Removes a temporary folder, its marker last, so that a removal cut short leaves a
/// folder that is still recognisably ours.
fn remove_temporary(path: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(path)? {
        let entry = entry?;
        if entry.file_name() == TEMPORARY_MARKER {
            continue;
        }
        if entry.file_type()?.is_dir() {
            std::fs::remove_dir_all(entry.path())?;
        } else {
            std::fs::remove_file(entry.path())?;
        }
    }
    match std::fs::remove_file(path.join(TEMPORARY_MARKER)) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => return Err(e),
        _ => {}
    }
    std::fs::remove_dir(path)
}

/// Whether process `pid` is a running richttarief (ours included). Linux tells through
/// /proc: the process exists, is not a zombie, and its command name is ours. Elsewhere it
/// cannot be told, and a leftover counts as dead: a run writing into the same folder at
/// that very moment then fails (its temporary folder is gone) instead of replacing `--out`.
fn running(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let Ok(own) = std::fs::read_to_string("/proc/self/comm") else {
        return false;
    };
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return false;
    };
    // `PID (COMM) STATE ...`, where COMM may itself hold spaces and parentheses.
    let (Some(open), Some(close)) = (stat.find('('), stat.rfind(')')) else {
        return true;
    };
    let state = stat[close + 1..].trim_start().chars().next();
    &stat[open + 1..close] == own.trim_end() && state != Some('Z')
}

/// Renames `from` to `to` only if `to` does not exist (a new `--out`): `AlreadyExists`
/// if it does, so that a folder made meanwhile is checked and swapped, never merged.
fn rename_new(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
            Ok(()) => return Ok(()),
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => {}
            Err(e) => return Err(e.into()),
        }
    }
    // Without a no-replace rename, rename(2) would replace an empty folder made meanwhile,
    // which loses nothing; a folder with entries makes it fail, and `replace` swaps instead.
    if std::fs::symlink_metadata(to).is_ok() {
        return Err(io::ErrorKind::AlreadyExists.into());
    }
    std::fs::rename(from, to)
}

/// Exchanges `new` and `out` in one atomic step, where the system can; `Ok(false)` where
/// it cannot (another OS, or a file system without RENAME_EXCHANGE).
fn exchange(new: &Path, out: &Path) -> io::Result<bool> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        use rustix::io::Errno;
        match renameat_with(CWD, new, CWD, out, RenameFlags::EXCHANGE) {
            Ok(()) => Ok(true),
            Err(e) if e == Errno::INVAL || e == Errno::NOSYS || e == Errno::NOTSUP => Ok(false),
            Err(e) => Err(e.into()),
        }
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = (new, out);
        Ok(false)
    }
}

/// Puts `new` in place of the existing `out`; the old version ends up inside the
/// temporary folder (at `new`'s place, or at `previous`), to be removed with it.
fn swap(new: &Path, out: &Path, previous: &Path) -> io::Result<()> {
    if exchange(new, out)? {
        return Ok(());
    }
    swap_by_renames(new, out, previous)
}

/// Where there is no atomic exchange: move the old folder aside, then the new one in.
/// Between the two renames `out` does not exist; a run killed there leaves the old version
/// at `previous`, which the next run puts back before it removes the temporary folder. On
/// an error the old version also waits at `previous`, and `Staged`'s Drop puts it back.
fn swap_by_renames(new: &Path, out: &Path, previous: &Path) -> io::Result<()> {
    std::fs::rename(out, previous)?;
    std::fs::rename(new, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_are_recognised_only_for_their_folder() {
        let name = std::ffi::OsStr::new("uit");
        assert_eq!(temporary_pid(&temporary_name(name, 42, 3), name), Some(42));
        assert_eq!(temporary_pid(".uit.richttarief-42-3", name), Some(42));
        for other in [
            ".uit.richttarief-42",
            ".uit.richttarief-42-",
            ".uit.richttarief--3",
            ".uit.richttarief-4x-3",
            ".uit.richttarief-backup",
            ".ander.richttarief-42-3",
            "uit.richttarief-42-3",
            ".uit.tmp-42",
        ] {
            assert_eq!(temporary_pid(other, name), None, "{other}");
        }
    }

    #[test]
    fn this_process_runs_and_another_program_does_not_count() {
        assert!(running(std::process::id()));
        if Path::new("/proc/self/stat").exists() {
            let mut child = std::process::Command::new("sleep")
                .arg("5")
                .spawn()
                .unwrap();
            let alive_but_not_ours = running(child.id());
            child.kill().unwrap();
            child.wait().unwrap();
            assert!(!alive_but_not_ours, "sleep is not richttarief");
            assert!(!running(child.id()), "a reaped process is gone");
        }
    }

    /// A scratch folder holding `out/` (old) and a temporary folder with `folder/` (new).
    fn two_versions(name: &str) -> (PathBuf, PathBuf, PathBuf) {
        let dir =
            std::env::temp_dir().join(format!("richttarief-folder-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let (out, temporary) = (dir.join("out"), dir.join(".out.richttarief-1-0"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::create_dir_all(temporary.join(FOLDER)).unwrap();
        std::fs::write(out.join("v"), "old").unwrap();
        std::fs::write(temporary.join(FOLDER).join("v"), "new").unwrap();
        (dir, out, temporary)
    }

    #[test]
    fn without_an_exchange_two_renames_swap_and_a_cut_short_swap_is_undone() {
        let (dir, out, temporary) = two_versions("renames");
        swap_by_renames(&temporary.join(FOLDER), &out, &temporary.join(PREVIOUS)).unwrap();
        assert_eq!(std::fs::read_to_string(out.join("v")).unwrap(), "new");
        assert_eq!(
            std::fs::read_to_string(temporary.join(PREVIOUS).join("v")).unwrap(),
            "old"
        );

        // Killed between the renames: no `out`, the old version aside; it comes back.
        let (dir2, out, temporary) = two_versions("cut-short");
        std::fs::rename(&out, temporary.join(PREVIOUS)).unwrap();
        restore_previous(&temporary, &out);
        assert_eq!(std::fs::read_to_string(out.join("v")).unwrap(), "old");
        // With `out` in place, nothing is moved.
        std::fs::create_dir(temporary.join(PREVIOUS)).unwrap();
        restore_previous(&temporary, &out);
        assert!(temporary.join(PREVIOUS).is_dir());
        for d in [dir, dir2] {
            std::fs::remove_dir_all(d).unwrap();
        }
    }

    #[test]
    fn paths_without_a_name_are_refused() {
        for p in [".", "..", "/", "a/.."] {
            let e = target(Path::new(p)).err().unwrap();
            assert!(e.is::<Refused>(), "{p}: {e}");
        }
        let t = target(Path::new("uitvoer")).unwrap();
        assert_eq!(
            (t.parent, t.path),
            (PathBuf::from("."), PathBuf::from("./uitvoer"))
        );
    }
}
