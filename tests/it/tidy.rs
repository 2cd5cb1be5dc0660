//! The house rules the compiler does not check, read from `src/`: which module may use
//! which (`EDGES`), which modules may touch files, formats, the clock or the terminal
//! (`REACH`), and a `//!` header on every file. Both tables are also the README's
//! Architecture section, and a test holds the two copies equal. Each failure names the
//! file, the line and the rule.
//!
//! Test code (a `#[cfg(test)]` item, or a file declared by one) is exempt from both
//! tables: a test may build its input the way the program does, through `config`,
//! `ingest` or `pipeline`, and write its fixtures with `std::fs`. It never ships, so it
//! cannot make the program depend on anything.
//!
//! The source is read as tokens, with comments and string literals removed, so a word in
//! a doc comment or a message is never taken for a use.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::common::root;

/// Which module may use which: a module named in `crate::X` paths (or `richttarief::X` in
/// `main.rs`) must be the file's own or listed here. `*` is every module.
const EDGES: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("exact", &[]),
    ("rng", &[]),
    ("files", &[]),
    ("folder", &[]),
    ("config", &["model", "files"]),
    ("aggregate", &["model", "exact"]),
    ("solve", &["model", "exact"]),
    (
        "classify",
        &["model", "exact", "config", "aggregate", "solve"],
    ),
    ("policy", &["model", "exact", "config"]),
    ("ingest", &["model", "config", "files"]),
    (
        "pipeline",
        &[
            "model",
            "config",
            "files",
            "ingest",
            "aggregate",
            "classify",
            "solve",
            "policy",
        ],
    ),
    ("scenario", &["model", "config", "pipeline"]),
    (
        "sensitivity",
        &["model", "config", "rng", "solve", "pipeline"],
    ),
    (
        "contracting",
        &[
            "model",
            "exact",
            "config",
            "aggregate",
            "classify",
            "solve",
            "policy",
            "pipeline",
        ],
    ),
    (
        "report",
        &[
            "model",
            "config",
            "files",
            "folder",
            "aggregate",
            "classify",
            "solve",
            "pipeline",
            "scenario",
            "sensitivity",
            "contracting",
        ],
    ),
    ("generate", &["model", "rng", "folder"]),
    (
        "cmd",
        &[
            "model",
            "config",
            "files",
            "folder",
            "pipeline",
            "scenario",
            "sensitivity",
            "contracting",
            "report",
            "generate",
        ],
    ),
    ("cli", &["cmd"]),
    ("main", &["cli", "cmd"]),
];

/// What only some modules may touch, and which. A name with `::` is a path prefix
/// (`std::fs` also catches `use std::{fs, io}`), a name ending in `!` a macro, one ending
/// in `()` a call, a capitalised name a type, and any other name a crate.
const REACH: &[(&[&str], &[&str])] = &[
    (
        &["parquet", "arrow_array", "arrow_schema"],
        &["ingest", "generate"],
    ),
    (&["calamine"], &["ingest"]),
    (&["zip", "quick_xml"], &["ingest", "generate"]),
    (&["csv"], &["ingest", "report", "generate"]),
    (&["flate2"], &["ingest", "generate"]),
    (&["rust_xlsxwriter", "plotters", "png"], &["report"]),
    (&["rustix"], &["folder"]),
    (&["glob"], &["config"]),
    (&["indicatif"], &["cmd"]),
    (
        &["std::fs"],
        &[
            "files", "folder", "config", "ingest", "policy", "scenario", "generate",
        ],
    ),
    (&["std::env"], &[]),
    (&["Instant", "SystemTime"], &["cmd", "pipeline", "scenario"]),
    (
        &[
            "println!",
            "eprintln!",
            "print!",
            "eprint!",
            "dbg!",
            "stdout()",
            "stderr()",
        ],
        &["main", "cmd", "folder"],
    ),
];

/// The top-level module a file under `src/` belongs to.
fn module_of(relative: &str) -> &str {
    let first = relative.split('/').next().unwrap_or(relative);
    first.strip_suffix(".rs").unwrap_or(first)
}

// ---------------------------------------------------------------------------------------
// Reading Rust as tokens.

#[derive(Debug, Clone, PartialEq)]
struct Token {
    text: String,
    line: usize,
}

/// The tokens of `text`: identifiers, `::`, and single punctuation characters. Comments,
/// string and character literals and numbers are left out.
fn tokens(text: &str) -> Vec<Token> {
    let c: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let (mut i, mut line) = (0, 1);
    let at = |i: usize| c.get(i).copied().unwrap_or('\0');
    while i < c.len() {
        let ch = c[i];
        if ch == '\n' {
            line += 1;
            i += 1;
        } else if ch.is_whitespace() {
            i += 1;
        } else if ch == '/' && at(i + 1) == '/' {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if ch == '/' && at(i + 1) == '*' {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && at(i + 1) == '*' {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && at(i + 1) == '/' {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    line += usize::from(c[i] == '\n');
                    i += 1;
                }
            }
        } else if ch == '"' || (ch == 'b' && at(i + 1) == '"') {
            i += if ch == 'b' { 2 } else { 1 };
            while i < c.len() && c[i] != '"' {
                if c[i] == '\\' {
                    i += 1;
                }
                line += usize::from(at(i) == '\n');
                i += 1;
            }
            i += 1;
        } else if (ch == 'r' || (ch == 'b' && at(i + 1) == 'r'))
            && matches!(at(i + 1 + usize::from(ch == 'b')), '"' | '#')
            && {
                // A raw string: r"…", r#"…"#, br"…"; not an identifier such as `r#type`.
                let mut j = i + 1 + usize::from(ch == 'b');
                while at(j) == '#' {
                    j += 1;
                }
                at(j) == '"'
            }
        {
            i += 1 + usize::from(ch == 'b');
            let mut hashes = 0;
            while at(i) == '#' {
                hashes += 1;
                i += 1;
            }
            i += 1;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '"' && (1..=hashes).all(|k| at(i + k) == '#') {
                    i += 1 + hashes;
                    break;
                }
                line += usize::from(c[i] == '\n');
                i += 1;
            }
        } else if ch == '\'' || (ch == 'b' && at(i + 1) == '\'') {
            // A character literal ('x', '\n', b'x'), or a lifetime ('a), which is skipped.
            let start = i + if ch == 'b' { 2 } else { 1 };
            if at(start) == '\\' {
                i = start + 2;
                while i < c.len() && c[i] != '\'' {
                    i += 1;
                }
                i += 1;
            } else if at(start + 1) == '\'' {
                i = start + 2;
            } else {
                i = start;
                while at(i).is_alphanumeric() || at(i) == '_' {
                    i += 1;
                }
            }
        } else if ch.is_alphabetic() || ch == '_' {
            let start = i;
            while at(i).is_alphanumeric() || at(i) == '_' {
                i += 1;
            }
            out.push(Token {
                text: c[start..i].iter().collect(),
                line,
            });
        } else if ch.is_ascii_digit() {
            while at(i).is_alphanumeric()
                || at(i) == '_'
                || at(i) == '.' && at(i + 1).is_ascii_digit()
            {
                i += 1;
            }
        } else if ch == ':' && at(i + 1) == ':' {
            out.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                text: ch.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

fn is_ident(t: &str) -> bool {
    t.chars()
        .next()
        .is_some_and(|c| c.is_alphabetic() || c == '_')
}

/// The index of the token that closes the bracket opened at `open`.
fn closing(t: &[Token], open: usize) -> usize {
    let mut depth = 0i32;
    for (i, tok) in t.iter().enumerate().skip(open) {
        match tok.text.as_str() {
            "{" | "(" | "[" => depth += 1,
            "}" | ")" | "]" => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    t.len().saturating_sub(1)
}

/// Which tokens are test code: the items after `#[cfg(test)]`. Also the names of the
/// module files such an item declares (`#[cfg(test)] mod reference;`).
fn test_code(t: &[Token]) -> (Vec<bool>, Vec<String>) {
    let mut test = vec![false; t.len()];
    let mut files = Vec::new();
    let text = |i: usize| t.get(i).map_or("", |x| x.text.as_str());
    let mut i = 0;
    while i < t.len() {
        let cfg_test = ["#", "[", "cfg", "(", "test", ")", "]"]
            .iter()
            .enumerate()
            .all(|(k, w)| text(i + k) == *w);
        if !cfg_test {
            i += 1;
            continue;
        }
        let start = i;
        let mut j = i + 7;
        // The item ends at its first `;` or with the brackets its first `{` opens.
        while j < t.len() && text(j) != ";" && text(j) != "{" {
            if matches!(text(j), "(" | "[") {
                j = closing(t, j);
            }
            j += 1;
        }
        if text(j) == ";" && text(j - 2) == "mod" {
            files.push(text(j - 1).to_string());
        }
        let end = if text(j) == "{" { closing(t, j) } else { j };
        for x in &mut test[start..=end.min(t.len() - 1)] {
            *x = true;
        }
        i = end + 1;
    }
    (test, files)
}

/// A path in the code: its segments, the line it starts on and whether it is test code.
#[derive(Debug)]
struct Use {
    path: Vec<String>,
    line: usize,
    test: bool,
}

/// Every path in the code (`a::b::c`, with `use a::{b, c::d}` groups expanded), every
/// macro call (`name!`), call (`name()`) and capitalised name, as one-segment paths
/// `name!`, `name()` and `Name`.
fn uses(t: &[Token], test: &[bool]) -> Vec<Use> {
    fn group(t: &[Token], open: usize, prefix: &[String], out: &mut Vec<(Vec<String>, usize)>) {
        let close = closing(t, open);
        let mut i = open + 1;
        while i < close {
            if !is_ident(&t[i].text) {
                i += 1;
                continue;
            }
            let (next, mut paths) = path_at(t, i);
            for (p, line) in paths.drain(..) {
                let mut full = prefix.to_vec();
                full.extend(p);
                out.push((full, line));
            }
            i = next.max(i + 1);
        }
    }
    /// The paths that start at token `i`, and the index after them.
    fn path_at(t: &[Token], i: usize) -> (usize, Vec<(Vec<String>, usize)>) {
        let mut segments = vec![t[i].text.clone()];
        let mut j = i + 1;
        while j + 1 < t.len() && t[j].text == "::" {
            if t[j + 1].text == "{" {
                let mut out = Vec::new();
                group(t, j + 1, &segments, &mut out);
                return (closing(t, j + 1) + 1, out);
            }
            if !is_ident(&t[j + 1].text) {
                break;
            }
            segments.push(t[j + 1].text.clone());
            j += 2;
        }
        (j, vec![(segments, t[i].line)])
    }
    let mut out = Vec::new();
    for (i, tok) in t.iter().enumerate().filter(|(_, tok)| is_ident(&tok.text)) {
        let next = t.get(i + 1).map_or("", |x| x.text.as_str());
        let name = match next {
            "!" => format!("{}!", tok.text),
            "(" => format!("{}()", tok.text),
            _ if tok.text.starts_with(char::is_uppercase) => tok.text.clone(),
            _ => continue,
        };
        out.push(Use {
            path: vec![name],
            line: tok.line,
            test: test[i],
        });
    }
    let mut i = 0;
    while i < t.len() {
        let starts_path = is_ident(&t[i].text) && (i == 0 || t[i - 1].text != "::");
        if !starts_path {
            i += 1;
            continue;
        }
        let (end, paths) = path_at(t, i);
        for (path, line) in paths.into_iter().filter(|(p, _)| p.len() > 1) {
            out.push(Use {
                path,
                line,
                test: test[i],
            });
        }
        i = end.max(i + 1);
    }
    out.sort_by_key(|u| u.line);
    out
}

// ---------------------------------------------------------------------------------------
// The rules.

/// Whether `u` is one of the things `name` in `REACH` stands for.
fn touches(u: &Use, name: &str) -> bool {
    let p = &u.path;
    if name.ends_with('!') || name.ends_with("()") || name.starts_with(char::is_uppercase) {
        return p.len() == 1 && p[0] == name;
    }
    let prefix: Vec<&str> = name.split("::").collect();
    p.len() >= prefix.len() && p.iter().zip(&prefix).all(|(a, b)| a == b)
}

/// Every rule `text`, the file `relative` under `src/`, breaks: "file:line: rule".
fn check_file(relative: &str, text: &str, test_files: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let at = |line: usize| format!("src/{relative}:{line}");
    if !text.starts_with("//!") {
        problems.push(format!(
            "{}: the file does not open with a `//!` header (what the module does and what it must not do)",
            at(1)
        ));
    }
    let module = module_of(relative);
    let edges: BTreeMap<&str, &[&str]> = EDGES.iter().copied().collect();
    let t = tokens(text);
    let (mut test, _) = test_code(&t);
    let stem = relative.strip_suffix(".rs").unwrap_or(relative);
    if test_files.contains(stem) {
        test = vec![true; t.len()];
    }
    let root = if module == "main" {
        "richttarief"
    } else {
        "crate"
    };
    for u in uses(&t, &test).iter().filter(|u| !u.test) {
        if u.path.len() >= 2 && u.path[0] == "super" && u.path[1] == "super" {
            problems.push(format!(
                "{}: `{}` climbs out of a module; write `crate::…`, so that the edges can be checked",
                at(u.line),
                u.path.join("::")
            ));
        }
        if u.path.len() >= 2 && u.path[0] == root {
            let other = u.path[1].as_str();
            let Some(allowed) = edges.get(module) else {
                problems.push(format!(
                    "{}: module `{module}` is not in the table of allowed edges (tests/it/tidy.rs EDGES and the README's Architecture section)",
                    at(u.line)
                ));
                continue;
            };
            if other != module && !allowed.contains(&"*") && !allowed.contains(&other) {
                problems.push(format!(
                    "{}: `{module}` may not use `{other}` (`{}`); allowed edges: {module} → {}",
                    at(u.line),
                    u.path.join("::"),
                    if allowed.is_empty() {
                        "nothing".to_string()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
        }
        for (names, allowed) in REACH {
            if let Some(name) = names.iter().find(|n| touches(u, n)) {
                if !allowed.contains(&module) {
                    problems.push(format!(
                        "{}: `{module}` may not touch `{name}` (`{}`); only {} may",
                        at(u.line),
                        u.path.join("::"),
                        if allowed.is_empty() {
                            "no module".to_string()
                        } else {
                            allowed.join(", ")
                        }
                    ));
                }
            }
        }
    }
    problems
}

/// Every `.rs` file under `dir`, as (path relative to `src/`, text).
fn sources(src: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(src, &path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            let relative = path
                .strip_prefix(src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.push((relative, std::fs::read_to_string(&path).unwrap()));
        }
    }
}

/// Every problem in `files` (relative path, text): test files are found first, from the
/// `#[cfg(test)] mod x;` declarations of the files beside them.
fn check_all(files: &[(String, String)]) -> Vec<String> {
    let mut test_files = BTreeSet::new();
    for (relative, text) in files {
        let (_, declared) = test_code(&tokens(text));
        let stem = relative.strip_suffix(".rs").unwrap_or(relative);
        // `a/mod.rs` and `a.rs` declare `a/x`; `a/b.rs` declares `a/b/x`.
        let folder = stem.strip_suffix("/mod").unwrap_or(stem);
        let folder = if folder == "lib" || folder == "main" {
            ""
        } else {
            folder
        };
        for name in declared {
            let declared = if folder.is_empty() {
                name
            } else {
                format!("{folder}/{name}")
            };
            test_files.insert(declared.clone());
            test_files.insert(format!("{declared}/mod"));
        }
    }
    files
        .iter()
        .flat_map(|(relative, text)| check_file(relative, text, &test_files))
        .collect()
}

#[test]
fn the_source_keeps_the_house_rules() {
    let src = root().join("src");
    let mut files = Vec::new();
    sources(&src, &src, &mut files);
    assert!(files.len() > 30, "read {} files", files.len());
    let problems = check_all(&files);
    assert!(
        problems.is_empty(),
        "{} problem(s) with the architecture's rules (tests/it/tidy.rs, README Architecture):\n  {}",
        problems.len(),
        problems.join("\n  ")
    );
    // Every module is in the table, and the table names no module that does not exist.
    let modules: BTreeSet<&str> = files.iter().map(|(r, _)| module_of(r)).collect();
    let listed: BTreeSet<&str> = EDGES.iter().map(|(m, _)| *m).collect();
    let unlisted: Vec<_> = modules
        .difference(&listed)
        .filter(|m| **m != "lib")
        .collect();
    let gone: Vec<_> = listed.difference(&modules).collect();
    assert!(
        unlisted.is_empty(),
        "modules without a row in EDGES: {unlisted:?}"
    );
    assert!(gone.is_empty(), "rows of EDGES for no module: {gone:?}");
}

/// A row of one of the tables: its first cell's names and its second cell's.
type Row = (Vec<String>, Vec<String>);

/// The README's Architecture section holds the same two tables: its rows, as
/// (first cell, second cell), each cell's backticked names in order.
fn readme_tables() -> (Vec<Row>, Vec<Row>) {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let section = readme
        .split("\n## Architecture\n")
        .nth(1)
        .expect("README has an Architecture section");
    let section = section.split("\n## ").next().unwrap();
    let names = |cell: &str| -> Vec<String> {
        if cell.trim() == "every module" {
            return vec!["*".to_string()];
        }
        cell.split('`')
            .skip(1)
            .step_by(2)
            .map(str::to_string)
            .collect()
    };
    let mut tables = (Vec::new(), Vec::new());
    let mut which = 0;
    for line in section.lines() {
        let cells: Vec<&str> = line.split('|').collect();
        if cells.len() != 4 {
            continue;
        }
        match cells[1].trim() {
            "module" => which = 1,
            "what" => which = 2,
            c if c.starts_with('`') => {
                let row = (names(cells[1]), names(cells[2]));
                match which {
                    1 => tables.0.push(row),
                    2 => tables.1.push(row),
                    _ => {}
                }
            }
            _ => {}
        }
    }
    (tables.0, tables.1)
}

#[test]
fn the_readme_shows_the_same_tables() {
    let owned = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let (edges, reach) = readme_tables();
    let expected: Vec<_> = EDGES
        .iter()
        .map(|(m, allowed)| (vec![m.to_string()], owned(allowed)))
        .collect();
    assert_eq!(
        edges, expected,
        "the README's table of allowed edges differs from tests/it/tidy.rs EDGES"
    );
    let expected: Vec<_> = REACH
        .iter()
        .map(|(names, allowed)| (owned(names), owned(allowed)))
        .collect();
    assert_eq!(
        reach, expected,
        "the README's table of what only some modules may touch differs from tests/it/tidy.rs REACH"
    );
}

/// The checks find what they are for, in made-up sources: a test that could not fail
/// would prove nothing.
#[test]
fn the_checks_catch_what_they_are_for() {
    let check = |files: &[(&str, &str)]| -> Vec<String> {
        let owned: Vec<(String, String)> = files
            .iter()
            .map(|(r, t)| (r.to_string(), t.to_string()))
            .collect();
        check_all(&owned)
    };
    // An edge against the table, in a `use` group and in a path inside a function.
    let p = check(&[(
        "ingest/claims.rs",
        "//! Claims.\nuse crate::{model::Kvk, pipeline::Progress};\nfn f() {\n    crate::report::text::x();\n}\n",
    )]);
    assert_eq!(p.len(), 2, "{p:?}");
    assert!(
        p[0].starts_with(
            "src/ingest/claims.rs:2: `ingest` may not use `pipeline` (`crate::pipeline::Progress`)"
        ),
        "{p:?}"
    );
    assert!(
        p[1].starts_with("src/ingest/claims.rs:4: `ingest` may not use `report`"),
        "{p:?}"
    );
    // The same in test code, in comments and in strings is not a use.
    let p = check(&[
        (
            "solve.rs",
            "//! Solve.\n// crate::pipeline::run\nconst S: &str = \"crate::pipeline::x\";\nconst R: &str = r#\"use crate::app;\"#;\n#[cfg(test)]\nmod reference;\n#[cfg(test)]\nmod tests {\n    use crate::pipeline::Run;\n    fn f() { std::fs::read(\"x\"); }\n}\n",
        ),
        ("solve/reference.rs", "//! Test code only.\nuse crate::classify::classify;\n"),
    ]);
    assert!(p.is_empty(), "{p:?}");
    // The file reached from a test module is only test code when declared so.
    let p = check(&[(
        "solve/reference.rs",
        "//! Reference.\nuse crate::classify::classify;\n",
    )]);
    assert_eq!(p.len(), 1, "{p:?}");
    // Files, the clock, printing and IO crates outside their modules; a missing header.
    let p = check(&[(
        "solve.rs",
        "use std::{fs, io};\nuse std::time::Instant;\nfn f() {\n    eprintln!(\"x\");\n    let _ = parquet::file::x;\n    let _ = std::io::stdout();\n}\n",
    )]);
    let rules: Vec<&str> = p
        .iter()
        .map(|l| l.split(": ").nth(1).unwrap_or(""))
        .collect();
    assert_eq!(
        rules,
        [
            "the file does not open with a `//!` header (what the module does and what it must not do)",
            "`solve` may not touch `std::fs` (`std::fs`); only files, folder, config, ingest, policy, scenario, generate may",
            "`solve` may not touch `Instant` (`Instant`); only cmd, pipeline, scenario may",
            "`solve` may not touch `eprintln!` (`eprintln!`); only main, cmd, folder may",
            "`solve` may not touch `parquet` (`parquet::file::x`); only ingest, generate may",
            "`solve` may not touch `stdout()` (`stdout()`); only main, cmd, folder may",
        ],
        "{p:?}"
    );
    assert!(
        p[1].starts_with("src/solve.rs:1:") && p[3].starts_with("src/solve.rs:4:"),
        "{p:?}"
    );
    // The binary reaches the library by its name; a module missing from the table is named.
    let p = check(&[
        ("main.rs", "//! Main.\nuse richttarief::pipeline::run;\n"),
        ("newcomer.rs", "//! New.\nuse crate::model::Kvk;\n"),
        ("report/x.rs", "//! X.\nuse super::super::ingest::read;\n"),
    ]);
    assert_eq!(p.len(), 3, "{p:?}");
    assert!(p[0].contains("`main` may not use `pipeline`"), "{p:?}");
    assert!(
        p[1].contains("module `newcomer` is not in the table"),
        "{p:?}"
    );
    assert!(p[2].contains("climbs out of a module"), "{p:?}");
}
