//! Output folders and `generate`'s folder: `--out` is replaced whole or not at all, never
//! a folder this tool did not write, never one holding files its manifest does not list;
//! leftovers of killed runs are removed; `generate` destroys no one's data. The kill test
//! kills real runs with SIGKILL at moments spread over a run and checks the folder each time.

use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The sample configuration, which has the kenmerken `tarieven` needs.
fn sample() -> PathBuf {
    root().join("data/voorbeeld/richttarief.toml")
}

/// Every file under `dir`, by its path relative to `dir` with `/` separators, with its
/// SHA-256: computed here, independently of the program's manifest.
fn listing(dir: &Path) -> BTreeMap<String, String> {
    use sha2::Digest;
    fn walk(dir: &Path, prefix: &str, into: &mut BTreeMap<String, String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
            if entry.file_type().unwrap().is_dir() {
                walk(&entry.path(), &format!("{name}/"), into);
            } else {
                let bytes = std::fs::read(entry.path()).unwrap();
                into.insert(name, format!("{:x}", sha2::Sha256::digest(&bytes)));
            }
        }
    }
    let mut files = BTreeMap::new();
    walk(dir, "", &mut files);
    files
}

/// What a folder's manifest.json says it holds: file → SHA-256.
fn manifest_listing(dir: &Path) -> BTreeMap<String, String> {
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&dir.join("manifest.json"))).unwrap();
    manifest["uitvoer"]
        .as_array()
        .unwrap_or_else(|| panic!("{} has no uitvoer list", dir.display()))
        .iter()
        .map(|f| {
            (
                f["bestand"].as_str().unwrap().to_string(),
                f["sha256"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The folder holds exactly the files its manifest lists, each with the listed SHA-256:
/// no file missing, none changed, none unlisted (the manifest itself aside).
fn assert_matches_manifest(dir: &Path, context: &str) {
    let mut found = listing(dir);
    assert!(
        found.remove("manifest.json").is_some(),
        "{context}: {} has no manifest.json; it holds {:?}",
        dir.display(),
        found.keys().collect::<Vec<_>>()
    );
    let listed = manifest_listing(dir);
    let missing: Vec<_> = listed.keys().filter(|f| !found.contains_key(*f)).collect();
    let unlisted: Vec<_> = found.keys().filter(|f| !listed.contains_key(*f)).collect();
    let changed: Vec<_> = listed
        .iter()
        .filter(|(f, sha)| found.get(*f).is_some_and(|s| s != *sha))
        .map(|(f, _)| f)
        .collect();
    assert!(
        missing.is_empty() && unlisted.is_empty() && changed.is_empty(),
        "{context}: {} does not match its manifest\n  missing: {missing:?}\n  unlisted: {unlisted:?}\n  other bytes than listed: {changed:?}",
        dir.display()
    );
}

/// Entries beside `out` that are temporary folders for it (ours, or the dot-named
/// temporary folders of any version).
fn temporaries(out: &Path) -> Vec<String> {
    let name = out.file_name().unwrap().to_string_lossy().into_owned();
    let prefix = format!(".{name}.");
    std::fs::read_dir(out.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(&prefix))
        .collect()
}

/// Whether a temporary folder of process `pid` stands beside `out`: the leftovers of
/// earlier kills do not count.
#[cfg(unix)]
fn has_temporary_of(out: &Path, pid: u32) -> bool {
    temporaries(out).iter().any(|n| {
        n.split(|c: char| !c.is_ascii_digit())
            .any(|part| part == pid.to_string())
    })
}

fn files_of(dir: &Path) -> BTreeMap<String, String> {
    listing(dir)
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn as_strs(a: &[String]) -> Vec<&str> {
    a.iter().map(String::as_str).collect()
}

/// A command of the four that write a result folder, on the sample, into `out`.
fn command_into(command: &str, out: &Path, cwd: &Path) -> Run {
    let config = sample();
    let mut args = vec![command, "--config", s(&config)];
    match command {
        "scenarios" => args.push("--presets"),
        "sensitivity" => args.extend(["--resamples", "5"]),
        _ => {}
    }
    args.extend(["--out", s(out)]);
    richttarief(&args, &[], cwd)
}

// ---------------------------------------------------------------------------------------
// What --out may be

#[test]
fn a_folder_of_someone_elses_files_is_refused_by_every_command_and_left_alone() {
    for command in ["run", "scenarios", "sensitivity", "tarieven"] {
        let out = scratch("mine");
        std::fs::write(out.join("rtp.csv"), "my own rtp.csv\n").unwrap();
        std::fs::write(out.join("notes.txt"), "my notes\n").unwrap();
        let before = files_of(&out);
        let run = command_into(command, &out, &root());
        run.expect_code(2);
        assert!(
            run.stderr().contains(s(&out)) && run.stderr().contains("not written by richttarief"),
            "{command}: {}",
            run.stderr()
        );
        assert!(
            run.stdout().is_empty(),
            "{command} did work: {}",
            run.stdout()
        );
        assert_eq!(files_of(&out), before, "{command} changed the folder");
        assert!(
            temporaries(&out).is_empty(),
            "{command} left a temporary folder"
        );
    }
}

#[test]
fn a_file_as_out_is_refused() {
    let dir = scratch("file-out");
    let out = dir.join("uit");
    std::fs::write(&out, "a file\n").unwrap();
    let run = command_into("run", &out, &root());
    run.expect_code(2);
    assert!(
        run.stderr().contains(s(&out)) && run.stderr().contains("not a folder"),
        "{}",
        run.stderr()
    );
    assert_eq!(read(&out), "a file\n");
}

#[test]
fn paths_without_a_folder_name_are_refused() {
    // `.` and `..` name no folder of their own to replace; `/` is never tried here.
    let dir = scratch("dot-out");
    std::fs::create_dir(dir.join("sub")).unwrap();
    for out in [".", ".."] {
        let run = command_into("run", Path::new(out), &dir.join("sub"));
        run.expect_code(2);
        assert!(
            run.stderr().contains("give a folder by name"),
            "{}",
            run.stderr()
        );
    }
    assert_eq!(std::fs::read_dir(dir.join("sub")).unwrap().count(), 0);
}

#[test]
fn an_empty_folder_is_a_new_place_for_a_result() {
    // As `mktemp -d` or Python's `tempfile.mkdtemp()` make them (the notebook does).
    let out = scratch("empty");
    command_into("run", &out, &root()).expect_code(0);
    assert_matches_manifest(&out, "run into an empty folder");
}

#[test]
fn a_result_holding_files_its_manifest_does_not_list_is_refused_naming_them() {
    let dir = scratch("unlisted");
    let out = dir.join("uit");
    command_into("run", &out, &root()).expect_code(0);
    // A result of another command nested inside, as the old default folders were.
    command_into("scenarios", &out.join("scenarios"), &root()).expect_code(0);
    std::fs::write(out.join("notes.txt"), "mine\n").unwrap();
    let before = files_of(&out);
    let run = command_into("run", &out, &root());
    run.expect_code(2);
    let err = run.stderr();
    assert!(
        err.contains("notes.txt") && err.contains("scenarios/") && err.contains(s(&out)),
        "{err}"
    );
    assert_eq!(files_of(&out), before);
    assert!(temporaries(&out).is_empty());
}

#[test]
fn a_second_run_replaces_the_result_whole() {
    // zn-2027 draws figures per cluster (vv-intramuraal-...), zn-2024 per sector (vv-alle-...):
    // the first run's figures are not the second's, so none of them may survive it.
    let dir = scratch("replace");
    let out = dir.join("uit");
    let klein = fixture("klein");
    run_config(&klein.join("zn-2027.toml"), &out).expect_code(0);
    assert!(out.join("figuren/vv-intramuraal-aandelen.png").is_file());
    run_config(&klein.join("zn-2024.toml"), &out).expect_code(0);
    assert!(!out.join("figuren/vv-intramuraal-aandelen.png").exists());
    assert!(out.join("figuren/vv-alle-aandelen.png").is_file());
    assert_matches_manifest(&out, "after the second run");
    compare_golden(&out, &fixture("klein/verwacht/zn-2024"));
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

#[test]
fn a_failed_run_leaves_the_previous_result_as_it_was() {
    let dir = copy_fixture("klein");
    let out = dir.join("uit");
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(0);
    let before = files_of(&out);
    std::fs::write(
        dir.join("declaraties.csv"),
        "bsn,agb,jaar,prestatiecode,aantal,bedrag\n",
    )
    .unwrap();
    run_config(&dir.join("zn-2027.toml"), &out).expect_code(1);
    assert_eq!(files_of(&out), before);
    assert!(temporaries(&out).is_empty());
}

/// A process id no process can have: above the kernel's maximum.
fn dead_pid() -> u64 {
    std::fs::read_to_string("/proc/sys/kernel/pid_max")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
        .unwrap_or(4_194_304)
        + 1
}

#[test]
fn leftovers_of_killed_runs_are_removed_and_nothing_else() {
    let dir = scratch("leftovers");
    let out = dir.join("uit");
    let pid = dead_pid();
    let make = |name: &str, marker: bool| {
        let d = dir.join(name);
        std::fs::create_dir_all(d.join("uit/figuren")).unwrap();
        std::fs::write(d.join("uit/rtp.csv"), "half\n").unwrap();
        std::fs::write(d.join("uit/figuren/a.svg"), "half\n").unwrap();
        if marker {
            std::fs::write(d.join(".richttarief-temporary"), "").unwrap();
        }
        d
    };
    let ours = make(&format!(".uit.richttarief-{pid}-0"), true);
    let unmarked = make(&format!(".uit.richttarief-{pid}-1"), false);
    let misnamed = make(".uit.richttarief-backup", true);
    let other_out = make(&format!(".ander.richttarief-{pid}-0"), true);
    command_into("run", &out, &root()).expect_code(0);
    assert!(!ours.exists(), "a dead run's temporary folder was left");
    for kept in [&unmarked, &misnamed, &other_out] {
        assert_eq!(
            read(&kept.join("uit/rtp.csv")),
            "half\n",
            "{} is not ours to remove",
            kept.display()
        );
    }
}

#[test]
fn default_folders_are_siblings_each_replaced_on_its_own() {
    // In a fresh working folder, without --out: each command's default folder is a
    // sibling of run's, so a second `run` (replacing uitvoer/ whole) deletes none of them.
    let cwd = scratch("defaults");
    let config = sample();
    let c = s(&config);
    let commands: [&[&str]; 5] = [
        &["run", "--config", c],
        &["scenarios", "--config", c, "--presets"],
        &["sensitivity", "--config", c, "--resamples", "5"],
        &["tarieven", "--config", c],
        &["run", "--config", c],
    ];
    for args in commands {
        richttarief(args, &[], &cwd).expect_code(0);
    }
    let mut found: Vec<String> = std::fs::read_dir(&cwd)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "uitvoer",
            "uitvoer-gevoeligheid",
            "uitvoer-scenarios",
            "uitvoer-tarieven"
        ]
    );
    // Every manifest lists every file of its folder, figures included, with its SHA-256.
    for folder in &found {
        assert_matches_manifest(&cwd.join(folder), folder);
    }
    assert!(cwd.join("uitvoer/figuren").is_dir());
    assert!(cwd.join("uitvoer-gevoeligheid/figuren").is_dir());
}

// ---------------------------------------------------------------------------------------
// The kill test

/// Which phase a killed run was in, told from outside: whether `out` is another folder
/// than before (the swap happened) and whether a temporary folder was left beside it.
#[cfg(unix)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Phase {
    BeforeWriting,
    WhileWriting,
    AfterTheSwap,
    Finished,
}

#[cfg(unix)]
fn inode(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).unwrap().ino()
}

#[cfg(unix)]
fn spawn(args: &[&str]) -> std::process::Child {
    std::process::Command::new(BIN)
        .args(args)
        .current_dir(root())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("the binary starts")
}

/// Runs to the end, watching for a temporary folder beside `out`; returns the run's
/// duration and when (after its start) a temporary folder was first and last seen.
#[cfg(unix)]
fn calibrate(
    args: &[&str],
    out: &Path,
) -> (
    std::time::Duration,
    Option<(std::time::Duration, std::time::Duration)>,
) {
    let started = std::time::Instant::now();
    let mut child = spawn(args);
    let mut seen: Option<(std::time::Duration, std::time::Duration)> = None;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "richttarief {}: {status}", args.join(" "));
            break;
        }
        if !temporaries(out).is_empty() {
            let t = started.elapsed();
            seen = Some(seen.map_or((t, t), |(first, _)| (first, t)));
        }
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
    (started.elapsed(), seen)
}

/// Waits until `until` says so or the child ends, polling every 200 µs.
#[cfg(unix)]
fn wait_for(child: &mut std::process::Child, mut until: impl FnMut() -> bool) {
    while child.try_wait().unwrap().is_none() && !until() {
        std::thread::sleep(std::time::Duration::from_micros(200));
    }
}

/// Kills runs with SIGKILL at 20 moments, spread over a whole run and aimed at the writing
/// and the swap; after each kill the folder must be one complete result, exactly as its
/// manifest lists it. RICHTTARIEF_KILL_LINES sets the claim lines (default 20,000, which
/// keeps the test to about half a minute in a debug build; check with a few million).
#[cfg(unix)]
#[test]
fn a_killed_run_leaves_one_whole_result() {
    use std::time::{Duration, Instant};
    let lines = std::env::var("RICHTTARIEF_KILL_LINES").unwrap_or_else(|_| "20000".into());
    let dir = scratch("kill");
    let data = dir.join("data");
    richttarief(
        &[
            "generate",
            "--out",
            s(&data),
            "--aanbieders",
            "60",
            "--declaratieregels",
            &lines,
            "--seed",
            "5",
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    // Two configurations whose results differ in every file, figures' names included, so
    // that a folder mixing two results cannot match either manifest.
    let configs = [data.join("richttarief.toml"), data.join("hof.toml")];
    let text = read(&configs[0]);
    assert!(text.contains("model = \"zn-2027\""));
    std::fs::write(
        &configs[1],
        text.replace("model = \"zn-2027\"", "model = \"hof-2024\""),
    )
    .unwrap();
    let out = dir.join("uit");
    let args = |i: usize| -> Vec<String> {
        ["run", "--config", s(&configs[i % 2]), "--out", s(&out)]
            .map(String::from)
            .to_vec()
    };

    let (d0, w0) = calibrate(&as_strs(&args(0)), &out);
    let (d1, w1) = calibrate(&as_strs(&args(1)), &out);
    assert_matches_manifest(&out, "after the calibration runs");
    let duration = d0.max(d1);
    // How long a temporary folder stood beside `out` (0 when seen once, or not at all).
    let window = [w0, w1]
        .iter()
        .flatten()
        .map(|(first, last)| *last - *first)
        .max();
    eprintln!(
        "kill test: {lines} claim lines; a run takes {:.2} s; a temporary folder stood {}",
        duration.as_secs_f64(),
        window.map_or("unseen".into(), |w| format!(
            "{:.1} ms",
            w.as_secs_f64() * 1e3
        ))
    );

    let mut phases: BTreeMap<Phase, usize> = BTreeMap::new();
    let kills = 20;
    for k in 0..kills {
        let before = inode(&out);
        let a = args(k);
        let started = Instant::now();
        let mut child = spawn(&as_strs(&a));
        let pid = child.id();
        // Every third kill waits for the run's temporary folder and strikes 0 to 1.2 times
        // its lifetime after it appeared; the others at moments spread from 0 to 1.1 × a run.
        let moment = if let (2, Some(window)) = (k % 3, window) {
            wait_for(&mut child, || has_temporary_of(&out, pid));
            // 0, 0.05, 0.19, 0.43, 0.77 and 1.2 × the lifetime: denser early, where the
            // files are written and swapped, than late, where the old version is removed.
            let step = (k / 3) as f64;
            let delay = window
                .max(Duration::from_millis(1))
                .mul_f64(1.2 * (step / 5.0).powi(2));
            std::thread::sleep(delay);
            started.elapsed()
        } else {
            let at = duration.mul_f64(1.1 * k as f64 / (kills - 1) as f64);
            wait_for(&mut child, || started.elapsed() >= at);
            started.elapsed()
        };
        let _ = child.kill();
        child.wait().unwrap();
        let phase = match (inode(&out) != before, has_temporary_of(&out, pid)) {
            (false, false) => Phase::BeforeWriting,
            (false, true) => Phase::WhileWriting,
            (true, true) => Phase::AfterTheSwap,
            (true, false) => Phase::Finished,
        };
        *phases.entry(phase).or_default() += 1;
        assert_matches_manifest(
            &out,
            &format!(
                "kill {} of {kills} at {:.3} s ({phase:?})",
                k + 1,
                moment.as_secs_f64()
            ),
        );
    }
    eprintln!("kill test: {kills} kills by phase: {phases:?}");

    let last = args(0);
    richttarief(&as_strs(&last), &[], &root()).expect_code(0);
    assert_matches_manifest(&out, "after the last run");
    assert_eq!(temporaries(&out), Vec::<String>::new());
}

// ---------------------------------------------------------------------------------------
// generate

fn generate_into(out: &Path, extra: &[&str]) -> Run {
    let mut args = vec![
        "generate",
        "--out",
        s(out),
        "--aanbieders",
        "40",
        "--declaratieregels",
        "2000",
    ];
    args.extend(extra);
    richttarief(&args, &[], &root())
}

#[test]
fn generate_refuses_a_folder_holding_files_of_its_names() {
    let out = scratch("gen-mine");
    std::fs::write(out.join("jaarverslagen.csv"), "my accounts\n").unwrap();
    std::fs::write(out.join("richttarief.toml"), "# my configuration\n").unwrap();
    std::fs::write(out.join("notes.txt"), "my notes\n").unwrap();
    let before = files_of(&out);
    let run = generate_into(&out, &[]);
    run.expect_code(2);
    let err = run.stderr();
    assert!(
        err.contains("jaarverslagen.csv")
            && err.contains("richttarief.toml")
            && err.contains("--overwrite"),
        "{err}"
    );
    assert!(!err.contains("notes.txt"), "{err}");
    assert_eq!(files_of(&out), before);
    assert!(temporaries(&out).is_empty());
}

#[test]
fn generate_with_overwrite_replaces_its_files_and_keeps_the_others() {
    let out = scratch("gen-overwrite");
    std::fs::write(out.join("jaarverslagen.csv"), "my accounts\n").unwrap();
    std::fs::write(out.join("notes.txt"), "my notes\n").unwrap();
    generate_into(&out, &["--overwrite"]).expect_code(0);
    assert_eq!(read(&out.join("notes.txt")), "my notes\n");
    assert!(read(&out.join("jaarverslagen.csv")).starts_with("kvk,naam,boekjaar,"));
    assert!(out.join(".richttarief-generate").is_file());
    assert!(temporaries(&out).is_empty());
    // The data set is complete: its configuration runs on it.
    run_config(&out.join("richttarief.toml"), &out.join("uit")).expect_code(0);
}

#[test]
fn generate_replaces_a_data_set_it_wrote_whole() {
    let dir = scratch("gen-again");
    let out = dir.join("data");
    generate_into(&out, &["--formaat", "csv"]).expect_code(0);
    assert!(out.join("declaraties.csv").is_file());
    // Its own folder needs no --overwrite; the claims of the earlier format go with it.
    generate_into(&out, &["--formaat", "parquet"]).expect_code(0);
    assert!(out.join("declaraties.parquet").is_file());
    assert!(!out.join("declaraties.csv").exists());
    assert!(temporaries(&out).is_empty());
    run_config(&out.join("richttarief.toml"), &dir.join("uit")).expect_code(0);
}

#[test]
fn generate_keeps_what_others_wrote_in_its_folder() {
    // The README's recipe puts the results inside the data set's folder.
    let out = scratch("gen-keep");
    generate_into(&out, &[]).expect_code(0);
    let accounts = read(&out.join("jaarverslagen.csv"));
    run_config(&out.join("richttarief.toml"), &out.join("uit")).expect_code(0);
    let result = files_of(&out.join("uit"));
    generate_into(&out, &["--seed", "2"]).expect_code(0);
    assert_ne!(
        read(&out.join("jaarverslagen.csv")),
        accounts,
        "not regenerated"
    );
    assert_eq!(files_of(&out.join("uit")), result);
    assert!(temporaries(&out).is_empty());
}

#[test]
fn impossible_sizes_are_usage_errors_and_write_nothing() {
    let dir = scratch("gen-sizes");
    let out = dir.join("data");
    for (args, says) in [
        (vec!["--aanbieders", "0"], "--aanbieders"),
        (vec!["--aanbieders", "3"], "--aanbieders"),
        (vec!["--aanbieders", "18446744073709551615"], "--aanbieders"),
        (
            vec!["--aanbieders", "60", "--declaratieregels", "100"],
            "--declaratieregels",
        ),
        (vec!["--jaar", "1800"], "--jaar"),
    ] {
        let mut all = vec!["generate", "--out", s(&out)];
        all.extend(&args);
        let run = richttarief(&all, &[], &root());
        run.expect_code(2);
        assert!(run.stderr().contains(says), "{args:?}: {}", run.stderr());
        assert!(!out.exists(), "{args:?} wrote {}", out.display());
    }
}
