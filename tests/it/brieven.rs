//! `brieven` on the sample: a statement for every provider of the population and for no
//! one else, its numbers those of aanbieders.csv and rtp.csv written the Dutch way, `--kvk`
//! choosing pages, refusals that write nothing, and the pseudonym and commands with which a
//! provider reproduces its number from the verification bundle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::bundle::hmac;
use crate::common::{command_to, csv_records, read, richttarief, root, run_config, scratch, Run};

fn sample() -> std::path::PathBuf {
    root().join("data/voorbeeld/richttarief.toml")
}

fn brieven(out: &Path, extra: &[&str]) -> Run {
    let config = sample();
    let mut args = vec![
        "brieven",
        "--config",
        config.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    richttarief(&args, &[], &root())
}

/// A number as the contract's CSV writes it (`-1234.5`), as Dutch readers write it
/// (`-1.234,5`): written here from the convention, not with the program's helper.
fn dutch(csv: &str) -> String {
    let (sign, digits) = match csv.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", csv),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push('.');
        }
        grouped.push(c);
    }
    if !fraction.is_empty() {
        grouped = format!("{grouped},{fraction}");
    }
    format!("{sign}{grouped}")
}

#[test]
fn dutch_numbers_are_written_as_expected() {
    assert_eq!(dutch("5028.14"), "5.028,14");
    assert_eq!(dutch("-1234567.5"), "-1.234.567,5");
    assert_eq!(dutch("96.7"), "96,7");
    assert_eq!(dutch("100"), "100");
}

/// The HTML files of a folder by stem, without the index.
fn pages(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter_map(|f| f.strip_suffix(".html").map(str::to_string))
        .filter(|f| f != "index")
        .collect()
}

/// The text of the element with this id: `<span id="rtp">96,7%</span>` gives `96,7%`.
fn by_id(page: &str, id: &str) -> String {
    let start = page
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no element {id}"))
        + id.len()
        + 6;
    page[start..start + page[start..].find('<').unwrap()].to_string()
}

/// The RTP of each group in rtp.csv, by (sector, cluster).
fn rtps(dir: &Path) -> BTreeMap<(String, String), String> {
    csv_records(&dir.join("rtp.csv"))
        .into_iter()
        .map(|r| {
            (
                (r["sector"].clone(), r["cluster"].clone()),
                r["rtp"].clone(),
            )
        })
        .collect()
}

#[test]
fn every_provider_of_the_population_gets_a_statement_with_aanbieders_csv_s_numbers() {
    let dir = scratch("brieven-all");
    let (core, out) = (dir.join("uit"), dir.join("brieven"));
    run_config(&sample(), &core).expect_code(0);
    brieven(&out, &[]).expect_code(0);
    let providers = csv_records(&core.join("aanbieders.csv"));
    let population: BTreeSet<String> = providers.iter().map(|r| r["kvk"].clone()).collect();
    assert_eq!(population.len(), 57, "the sample's population");
    assert_eq!(pages(&out), population);
    // The excluded providers get none.
    for e in csv_records(&core.join("uitgesloten.csv")) {
        assert!(!out.join(format!("{}.html", e["kvk"])).exists(), "{e:?}");
    }
    // The index links each page once; the manifest lists every file.
    let index = read(&out.join("index.html"));
    for kvk in &population {
        assert_eq!(
            index.matches(&format!("href=\"{kvk}.html\"")).count(),
            1,
            "{kvk}"
        );
    }
    assert_eq!(index.matches("href=").count(), population.len());
    let manifest = read(&out.join("manifest.json"));
    for kvk in &population {
        assert!(manifest.contains(&format!("\"{kvk}.html\"")), "{kvk}");
    }
    assert!(manifest.contains("\"index.html\""));
    // Every page shows its group's RTP, its break-even and its result at the RTP as
    // rtp.csv and aanbieders.csv have them, in the Dutch format; and its D and S_max.
    let rtp = rtps(&core);
    for r in &providers {
        let page = read(&out.join(format!("{}.html", r["kvk"])));
        let group = (r["sector"].clone(), r["cluster"].clone());
        assert_eq!(by_id(&page, "kvk"), r["kvk"]);
        assert_eq!(by_id(&page, "rtp"), format!("{}%", dutch(&rtp[&group])));
        let be = &r["breakeven_pct"];
        let shown = by_id(&page, "breakeven");
        match be.as_str() {
            "inf" => assert!(shown.starts_with('∞'), "{shown}"),
            "-inf" => assert!(shown.starts_with("−∞"), "{shown}"),
            _ => assert_eq!(shown, format!("{}%", dutch(be)), "{}", r["kvk"]),
        }
        assert_eq!(
            by_id(&page, "resultaat-bij-rtp"),
            format!("€ {}", dutch(&r["resultaat_bij_rtp"])),
            "{}",
            r["kvk"]
        );
        for column in ["declaraties", "zorg_max", "resultaat", "omzet"] {
            let value = format!("€ {}", dutch(&r[column]));
            assert!(page.contains(&value), "{}: {column} {value}", r["kvk"]);
        }
        // Nothing outside the page: no script, no external resource.
        assert!(!page.contains("<script"), "{}", r["kvk"]);
        let without_namespaces = page.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
        assert!(!without_namespaces.contains("http"), "{}", r["kvk"]);
    }
}

#[test]
fn one_statement_checked_by_hand_against_explain() {
    // Zorggroep Het Anker, GZ extramuraal. `explain --kvk 37150584` on the sample prints
    // "break-even r* = 93.7065%", "RTP 96.6%" and "R(RTP) = 4960.90": R = 229095.31 −
    // 222284.03 + 403.98 − 2031.48 = 5183.78, and R(0.966) = 5183.78 + (0.966 ·
    // 171449.33 − 165842.93) = 5183.78 − 222.87722 = 4960.90 (ρ = 1, S_max = 171449.33,
    // S = 165842.93); the break-even solves R + r·S_max − S = 0: r* = (165842.93 −
    // 5183.78) / 171449.33 = 160659.15 / 171449.33 = 0.9370649..., shown as 93.7065%.
    let out = scratch("brieven-one").join("b");
    brieven(&out, &["--kvk", "37150584"]).expect_code(0);
    let page = read(&out.join("37150584.html"));
    assert_eq!(by_id(&page, "rtp"), "96,6%");
    assert_eq!(by_id(&page, "breakeven"), "93,7065%");
    assert_eq!(by_id(&page, "resultaat-bij-rtp"), "€ 4.960,90");
    assert!(page.contains("€ 5.183,78"), "R");
    assert!(page.contains("Zorggroep Het Anker"));
    // And explain says the same.
    let explained = richttarief(
        &[
            "explain",
            "--config",
            sample().to_str().unwrap(),
            "--kvk",
            "37150584",
        ],
        &[],
        &root(),
    );
    explained.expect_code(0);
    let text = explained.stdout();
    for line in ["break-even r* = 93.7065%", "RTP 96.6%", "R(RTP) = 4960.90"] {
        assert!(text.contains(line), "explain lacks {line}:\n{text}");
    }
    // Its group's figures with it marked, and the criteria at the RTP.
    assert!(page.contains("id=\"figuur-aandelen\"><svg"));
    assert!(page.contains("id=\"figuur-breakeven\"><svg"));
    assert!(
        page.contains("uw break-even 93,7065%"),
        "the marker's label"
    );
    assert_eq!(by_id(&page, "aandeel-aanbieders"), "83,33% (5 van 6)");
    // With the sample's policies: its result at its zorgkantoren's tariffs, as resultaten.csv.
    let tar = scratch("brieven-tarieven").join("t");
    command_to("tarieven", &sample(), &tar, &[]).expect_code(0);
    let mine = csv_records(&tar.join("resultaten.csv"))
        .into_iter()
        .find(|r| r["kvk"] == "37150584")
        .unwrap();
    assert_eq!(
        by_id(&page, "resultaat-bij-tarief"),
        format!("€ {}", dutch(&mine["resultaat_bij_tarief"]))
    );
    // The commands that reproduce it, naming its KvK (no --pseudoniem).
    assert_eq!(by_id(&page, "pseudoniem"), "37150584");
    assert!(page.contains("richttarief explain --config controle/richttarief.toml --kvk 37150584"));
}

#[test]
fn kvk_limits_the_pages() {
    let out = scratch("brieven-some").join("b");
    brieven(&out, &["--kvk", "37150584", "--kvk", "64520842"]).expect_code(0);
    assert_eq!(
        pages(&out),
        BTreeSet::from(["37150584".to_string(), "64520842".to_string()])
    );
    let index = read(&out.join("index.html"));
    assert_eq!(index.matches("href=").count(), 2, "{index}");
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    let asked: BTreeSet<&str> = manifest["brieven"]["kvk"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(asked, BTreeSet::from(["37150584", "64520842"]));
}

#[test]
fn an_unknown_or_excluded_kvk_exits_1_naming_it_and_writes_nothing() {
    let dir = scratch("brieven-unknown");
    // A fresh folder is not made.
    let fresh = dir.join("nieuw");
    let run = brieven(&fresh, &["--kvk", "37150584", "--kvk", "12345670"]);
    run.expect_code(1);
    assert!(run.stderr().contains("KvK 12345670"), "{}", run.stderr());
    assert!(!fresh.exists());
    // A folder of an earlier statement keeps its bytes.
    let earlier = dir.join("eerder");
    brieven(&earlier, &["--kvk", "37150584"]).expect_code(0);
    let before = read(&earlier.join("37150584.html"));
    // The sample's excluded provider (a new one): excluded, with the reason.
    let run = brieven(&earlier, &["--kvk", "16853344"]);
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("KvK 16853344") && err.contains("nieuwe aanbieder"),
        "{err}"
    );
    assert_eq!(pages(&earlier), BTreeSet::from(["37150584".to_string()]));
    assert_eq!(read(&earlier.join("37150584.html")), before);
}

#[test]
fn a_pseudonymised_bundle_s_statement_names_the_pseudonym_that_reproduces_it() {
    let dir = scratch("brieven-pseudo");
    let key = dir.join("sleutel");
    std::fs::write(&key, "0f1e2d3c4b5a69788796a5b4c3d2e1f0\n").unwrap();
    let core = dir.join("uit");
    richttarief(
        &[
            "run",
            "--config",
            sample().to_str().unwrap(),
            "--out",
            core.to_str().unwrap(),
            "--pseudoniem",
            key.to_str().unwrap(),
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    let out = dir.join("b");
    brieven(
        &out,
        &["--kvk", "64520842", "--pseudoniem", key.to_str().unwrap()],
    )
    .expect_code(0);
    let page = read(&out.join("64520842.html"));
    let pseudonym = by_id(&page, "pseudoniem");
    // HMAC-SHA-256 of the eight digits under the key (without its line break), 16 digits.
    assert_eq!(
        pseudonym,
        hmac(b"0f1e2d3c4b5a69788796a5b4c3d2e1f0", b"64520842")[..16]
    );
    assert!(read(&core.join("controle/aggregaten.csv")).contains(&pseudonym));
    assert!(page.contains(&format!(
        "richttarief explain --config controle/richttarief.toml --kvk {pseudonym}"
    )));
    // The page's commands, run on the bundle, give the page's break-even.
    let bundle = core.join("controle");
    richttarief(&["verify", bundle.to_str().unwrap()], &[], &root()).expect_code(0);
    let explained = richttarief(
        &[
            "explain",
            "--config",
            bundle.join("richttarief.toml").to_str().unwrap(),
            "--kvk",
            &pseudonym,
        ],
        &[],
        &root(),
    );
    explained.expect_code(0);
    let be = csv_records(&core.join("aanbieders.csv"))
        .into_iter()
        .find(|r| r["kvk"] == "64520842")
        .unwrap()["breakeven_pct"]
        .clone();
    assert!(
        explained
            .stdout()
            .contains(&format!("break-even r* = {be}%")),
        "{}",
        explained.stdout()
    );
    assert_eq!(by_id(&page, "breakeven"), format!("{}%", dutch(&be)));
}
