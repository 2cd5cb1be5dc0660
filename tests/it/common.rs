//! What every integration test shares: the built binary, fixture and scratch folders, a
//! run with its exit code, stdout and stderr, golden-file comparison, and the checks several
//! areas make (a changed fixture refused, a variant read as the fixture, a CSV file's rows).
//! No test lives here.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_richttarief");
pub(crate) const CSV_OUTPUTS: [&str; 3] = ["rtp.csv", "aanbieders.csv", "uitgesloten.csv"];

pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub(crate) fn fixture(name: &str) -> PathBuf {
    root().join("tests/fixtures").join(name)
}

/// A fresh, empty folder for one test, inside this test process's own folder
/// (`richttarief-test-PID` in the temporary folder). The first call also removes the
/// folders of earlier test processes that have ended, so repeated `cargo test` runs do not
/// pile up gigabytes of generated data sets; a folder of a process still running (another
/// `cargo test` at the same time) is left alone.
pub(crate) fn scratch(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    static SWEPT: std::sync::Once = std::sync::Once::new();
    SWEPT.call_once(sweep_ended_processes);
    let dir = std::env::temp_dir()
        .join(format!("richttarief-test-{}", std::process::id()))
        .join(format!("{}-{name}", N.fetch_add(1, Ordering::SeqCst)));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Removes `richttarief-test-PID` folders whose process has ended. Whether a process runs
/// is asked of `/proc`; where there is none (not Linux), nothing is removed.
fn sweep_ended_processes() {
    let proc = Path::new("/proc");
    if !proc.join("self").exists() {
        return;
    }
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name
            .to_str()
            .and_then(|n| n.strip_prefix("richttarief-test-"))
            .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !proc.join(pid).exists() {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A copy of a fixture folder's files in a scratch folder, to change.
pub(crate) fn copy_fixture(name: &str) -> PathBuf {
    let dir = scratch(name);
    for entry in std::fs::read_dir(fixture(name)).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), dir.join(entry.file_name())).unwrap();
        }
    }
    dir
}

/// `richttarief COMMAND --config CONFIG --out OUT` in the repository's root, with `env`
/// set: how most commands are run in these tests.
pub(crate) fn command_to(command: &str, config: &Path, out: &Path, env: &[(&str, &str)]) -> Run {
    richttarief(
        &[
            command,
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        env,
        &root(),
    )
}

pub(crate) struct Run {
    pub(crate) args: Vec<String>,
    pub(crate) output: Output,
}

impl Run {
    pub(crate) fn code(&self) -> i32 {
        self.output.status.code().unwrap_or(-1)
    }
    pub(crate) fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.output.stdout).into_owned()
    }
    pub(crate) fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.output.stderr).into_owned()
    }
    /// Fails the test with everything a reader needs to see.
    pub(crate) fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code(),
            code,
            "richttarief {}\n--- stdout\n{}\n--- stderr\n{}",
            self.args.join(" "),
            self.stdout(),
            self.stderr()
        );
        self
    }
}

pub(crate) fn richttarief(args: &[&str], env: &[(&str, &str)], cwd: &Path) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(cwd);
    for (k, v) in env {
        cmd.env(k, v);
    }
    Run {
        args: args.iter().map(|s| s.to_string()).collect(),
        output: cmd.output().expect("the binary runs"),
    }
}

pub(crate) fn run_config(config: &Path, out: &Path) -> Run {
    richttarief(
        &[
            "run",
            "--config",
            config.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
        &root(),
    )
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `config` with `tables` (TOML text) inserted before its `[uitsluiting]` table. Panics when
/// there is none, so that a test can never run the unchanged configuration by accident.
pub(crate) fn with_tables(config: &str, tables: &str) -> String {
    assert_eq!(
        config.matches("[uitsluiting]").count(),
        1,
        "the configuration has one [uitsluiting] table to insert before"
    );
    config.replace("[uitsluiting]", &format!("{tables}\n[uitsluiting]"))
}

/// Rewrites a text file with `from` replaced by `to`; panics when `from` is not in it.
pub(crate) fn edit(path: &Path, from: &str, to: &str) {
    let text = read(path);
    assert!(text.contains(from), "{} has no {from:?}", path.display());
    std::fs::write(path, text.replace(from, to)).unwrap();
}

/// The manifest's bytes without its timings (the last member, `tijden_ms`), the only part
/// allowed to differ between runs. Everything else is compared as written, byte for byte.
pub(crate) fn manifest_without_timings(dir: &Path) -> String {
    let text = read(&dir.join("manifest.json"));
    let start = text
        .find(",\n  \"tijden_ms\": {")
        .expect("the manifest ends with tijden_ms");
    let end = start + text[start..].find("\n  }").expect("tijden_ms closes") + "\n  }".len();
    assert_eq!(
        &text[end..],
        "\n}\n",
        "tijden_ms must be the manifest's last member"
    );
    format!("{}{}", &text[..start], &text[end..])
}

/// Compares an output folder with a golden folder; `UPDATE_GOLDEN=1` rewrites the golden.
pub(crate) fn compare_golden(out: &Path, golden: &Path) {
    let mut files: Vec<(String, String)> = CSV_OUTPUTS
        .iter()
        .map(|f| (f.to_string(), read(&out.join(f))))
        .collect();
    files.push(("manifest.json".into(), manifest_without_timings(out)));
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(golden).unwrap();
        for (name, text) in &files {
            std::fs::write(golden.join(name), text).unwrap();
        }
        return;
    }
    for (name, text) in files {
        let expected = read(&golden.join(&name));
        assert!(
            text == expected,
            "{name} differs from {}\n--- got\n{text}\n--- expected\n{expected}",
            golden.join(&name).display()
        );
    }
}

pub(crate) fn assert_same_csv_outputs(a: &Path, b: &Path) {
    for f in CSV_OUTPUTS {
        assert_eq!(
            read(&a.join(f)),
            read(&b.join(f)),
            "{f} differs between {} and {}",
            a.display(),
            b.display()
        );
    }
}

/// Writes columns as one Parquet file with the writer's default properties (dictionary
/// encoding where it pays, one row group for small files), as a tool exporting claims would.
pub(crate) fn write_parquet(path: &Path, columns: Vec<(&str, arrow_array::ArrayRef)>) {
    let batch = arrow_array::RecordBatch::try_from_iter(columns).unwrap();
    let file = std::fs::File::create(path).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
}

/// A decimal column of unscaled integers at `scale`, as warehouses write money.
pub(crate) fn decimal_column(values: Vec<i128>, precision: u8, scale: i8) -> arrow_array::ArrayRef {
    std::sync::Arc::new(
        arrow_array::Decimal128Array::from(values)
            .with_precision_and_scale(precision, scale)
            .unwrap(),
    )
}

/// A text column.
pub(crate) fn text_column(values: Vec<String>) -> arrow_array::ArrayRef {
    std::sync::Arc::new(arrow_array::StringArray::from(values))
}

/// The same data in another format gives the same bytes as the CSV fixture.
pub(crate) fn same_as_klein(config: &Path) {
    let out = scratch("variant").join("uit");
    run_config(config, &out).expect_code(0);
    assert_same_csv_outputs(&out, &fixture("klein/verwacht/zn-2027"));
}

/// Copies `klein`, applies `change` to one file, runs, and checks the failure.
pub(crate) fn bad_input(file: &str, change: impl Fn(String) -> String, expected: &[&str]) {
    let dir = copy_fixture("klein");
    let path = dir.join(file);
    let before = read(&path);
    let after = change(before.clone());
    assert_ne!(before, after, "the change did nothing to {file}");
    std::fs::write(&path, after).unwrap();
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(1);
    let err = run.stderr();
    for fragment in expected {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    assert!(err.starts_with("richttarief: "), "{err}");
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
    assert!(!out.exists(), "an output folder was written");
}

/// The rows of a CSV file as maps from header to value.
pub(crate) fn csv_records(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap();
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}
