//! The verification bundle, `controle/`: read back through `invoer.aggregaten` it gives
//! the claims' run byte for byte (the sample, every fixture, a generated set), its figures
//! are the claims' sums worked out here from the files, `verify` catches every changed cent,
//! a tampered `rtp.csv` and a wrong hash, and a pseudonymised bundle names nobody.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use crate::common::{
    command_to, csv_records, fixture, read, richttarief, root, run_config, scratch,
};

fn verify(bundle: &Path) -> crate::common::Run {
    richttarief(&["verify", bundle.to_str().unwrap()], &[], &root())
}

/// Runs `config` into a scratch folder and runs its bundle's configuration into another:
/// the two folders.
fn both_ways(config: &Path, name: &str) -> (PathBuf, PathBuf) {
    let dir = scratch(name);
    let (claims, bundle) = (dir.join("declaraties"), dir.join("aggregaten"));
    run_config(config, &claims).expect_code(0);
    run_config(&claims.join("controle/richttarief.toml"), &bundle).expect_code(0);
    (claims, bundle)
}

/// rtp.csv, aanbieders.csv and uitgesloten.csv are the claims' bytes, and the bundle's
/// rtp.csv is the published one.
fn assert_reproduced(claims: &Path, bundle: &Path) {
    let published = std::fs::read(claims.join("rtp.csv")).unwrap();
    assert_eq!(
        std::fs::read(claims.join("controle/rtp.csv")).unwrap(),
        published
    );
    for f in ["rtp.csv", "aanbieders.csv", "uitgesloten.csv"] {
        assert!(
            std::fs::read(claims.join(f)).unwrap() == std::fs::read(bundle.join(f)).unwrap(),
            "{f} differs between {} and {}",
            claims.display(),
            bundle.display()
        );
    }
    // Written again from the bundle, the bundle is the same.
    assert_eq!(
        read(&claims.join("controle/aggregaten.csv")),
        read(&bundle.join("controle/aggregaten.csv"))
    );
    verify(claims).expect_code(0);
}

#[test]
fn the_bundle_gives_the_claims_rtp_csv_for_the_sample_and_every_fixture() {
    let configs = [
        root().join("data/voorbeeld/richttarief.toml"),
        fixture("klein/zn-2027.toml"),
        fixture("klein/zn-2024.toml"),
        fixture("klein/hof-2024.toml"),
        fixture("klein/opties.toml"),
        fixture("varianten/komma.toml"),
        fixture("varianten/xlsx.toml"),
        fixture("varianten/ods.toml"),
    ];
    for config in configs {
        let (claims, bundle) = both_ways(&config, "fixtures");
        assert_reproduced(&claims, &bundle);
    }
}

#[test]
fn the_bundle_gives_the_claims_rtp_csv_for_a_generated_set_of_300_providers() {
    let dir = scratch("generated");
    let data = dir.join("data");
    richttarief(
        &[
            "generate",
            "--out",
            data.to_str().unwrap(),
            "--aanbieders",
            "300",
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    let (claims, bundle) = both_ways(&data.join("richttarief.toml"), "generated");
    assert_reproduced(&claims, &bundle);
    assert!(read(&claims.join("rtp.csv")).lines().count() > 2);
}

/// The text of a decimal as the bundle writes it.
fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

#[test]
fn the_bundle_s_claims_sums_are_the_claims_summed_here() {
    // An independent reading of klein: every claim line of 2024 through the koppeltabel to
    // its KvK, Σ bedrag per KvK and per sector of its prestatiecode's tariff, in Decimal.
    let k = fixture("klein");
    let kvk_of: BTreeMap<String, String> = csv_records(&k.join("koppeltabel.csv"))
        .into_iter()
        .map(|r| (r["agb"].clone(), r["kvk"].clone()))
        .collect();
    let sector_of: BTreeMap<String, String> = csv_records(&k.join("tarieven.csv"))
        .into_iter()
        .filter(|r| r["jaar"] == "2024")
        .map(|r| (r["prestatiecode"].clone(), r["sector"].clone()))
        .collect();
    let mut d: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut per_sector: BTreeMap<(String, String), Decimal> = BTreeMap::new();
    for r in csv_records(&k.join("declaraties.csv")) {
        if r["jaar"] != "2024" {
            continue;
        }
        let kvk = kvk_of[&r["agb"]].clone();
        let bedrag = dec(&r["bedrag"]);
        *d.entry(kvk.clone()).or_default() += bedrag;
        *per_sector
            .entry((kvk, sector_of[&r["prestatiecode"]].clone()))
            .or_default() += bedrag;
    }
    let out = scratch("sums").join("uit");
    run_config(&k.join("zn-2027.toml"), &out).expect_code(0);
    let rows = csv_records(&out.join("controle/aggregaten.csv"));
    let with_claims: Vec<_> = rows
        .iter()
        .filter(|r| !r["declaraties"].is_empty())
        .collect();
    assert_eq!(with_claims.len(), d.len());
    for r in with_claims {
        assert_eq!(dec(&r["declaraties"]), d[&r["kvk"]], "{}", r["kvk"]);
        for (column, sector) in [
            ("declaraties_vv", "VV"),
            ("declaraties_gz", "GZ"),
            ("declaraties_ggz", "GGZ"),
        ] {
            let expected = per_sector
                .get(&(r["kvk"].clone(), sector.to_string()))
                .copied()
                .unwrap_or_default();
            assert_eq!(dec(&r[column]), expected, "{} {column}", r["kvk"]);
        }
    }
    // Every provider of the run is a row: the population and the excluded with their
    // reasons as uitgesloten.csv words them.
    let population = csv_records(&out.join("aanbieders.csv"));
    let excluded = csv_records(&out.join("uitgesloten.csv"));
    assert_eq!(rows.len(), population.len() + excluded.len());
    for e in excluded {
        let row = rows.iter().find(|r| r["kvk"] == e["kvk"]).unwrap();
        assert_eq!(row["reden"], e["reden"]);
        assert_eq!(row["sector"], "");
    }
    for p in population {
        let row = rows.iter().find(|r| r["kvk"] == p["kvk"]).unwrap();
        assert_eq!(
            (&row["sector"], &row["cluster"]),
            (&p["sector"], &p["cluster"])
        );
    }
}

/// A copy of a run's folder, to change.
fn copy_run(from: &Path, name: &str) -> PathBuf {
    let to = scratch(name).join("uit");
    copy_dir(from, &to);
    to
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `text` with the cell at `column` of data line `line` (1 is the first after the header)
/// replaced by `f` of it.
fn change_cell(text: &str, line: usize, column: usize, f: impl Fn(&str) -> String) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[line].split(',').map(str::to_string).collect();
    cells[column] = f(&cells[column]);
    lines[line] = cells.join(",");
    lines.join("\n") + "\n"
}

#[test]
fn verify_catches_one_cent_in_every_numeric_column_of_a_row() {
    let out = scratch("cent").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    verify(&out).expect_code(0);
    let text = read(&out.join("controle/aggregaten.csv"));
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    // A row with every figure: a jaarverslag with W, and claims.
    let line = text
        .lines()
        .position(|l| l.split(',').filter(|c| c.is_empty()).count() <= 2 && !l.starts_with("kvk"))
        .expect("a row with every figure");
    let numeric: Vec<usize> = (0..header.len())
        .filter(|&i| {
            header[i] != "kvk"
                && text
                    .lines()
                    .nth(line)
                    .unwrap()
                    .split(',')
                    .nth(i)
                    .unwrap()
                    .parse::<f64>()
                    .is_ok()
        })
        .collect();
    assert_eq!(
        numeric.len(),
        17,
        "B, W, L, FB, FL and the twelve claims' sums: {header:?}"
    );
    for column in numeric {
        let copy = copy_run(&out, "cent-copy");
        let changed = change_cell(&text, line, column, |v| (dec(v) + dec("0.01")).to_string());
        std::fs::write(copy.join("controle/aggregaten.csv"), changed).unwrap();
        let run = verify(&copy);
        run.expect_code(3);
        assert!(
            run.stdout().contains("aggregaten.csv: SHA-256"),
            "{}: {}",
            header[column],
            run.stdout()
        );
        // Both verify's own folder and the bundle alone are checked.
        verify(&copy.join("controle")).expect_code(3);
    }
}

/// Rewrites the SHA-256 a manifest lists for `file`, so that a change is consistent.
fn relist(manifest: &Path, file: &str, bytes: &[u8]) {
    let text = read(manifest);
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    let key = if json.get("bestanden").is_some() {
        "bestanden"
    } else {
        "uitvoer"
    };
    for entry in json[key].as_array_mut().unwrap() {
        if entry["bestand"] == file {
            entry["sha256"] = format!("{:x}", Sha256::digest(bytes)).into();
        }
    }
    std::fs::write(manifest, serde_json::to_string_pretty(&json).unwrap()).unwrap();
}

#[test]
fn verify_recomputes_even_when_the_hashes_were_made_to_match() {
    // FL of a provider positive at its group's RTP raised by a million: it is positive at no
    // percentage up to the cap, so its group's share of positive providers at the RTP
    // falls by one. With both manifests relisting the file, only the recomputation can see
    // it.
    let out = scratch("consistent").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    let positive = csv_records(&out.join("aanbieders.csv"))
        .into_iter()
        .find(|r| r["positief"] == "ja")
        .unwrap();
    let text = read(&out.join("controle/aggregaten.csv"));
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let fl = header
        .iter()
        .position(|h| *h == "financiele_lasten")
        .unwrap();
    let line = text
        .lines()
        .position(|l| l.starts_with(&format!("{},", positive["kvk"])))
        .unwrap();
    let changed = change_cell(&text, line, fl, |v| (dec(v) + dec("1000000")).to_string());
    std::fs::write(out.join("controle/aggregaten.csv"), &changed).unwrap();
    relist(
        &out.join("controle/manifest.json"),
        "aggregaten.csv",
        changed.as_bytes(),
    );
    let bundle_manifest = std::fs::read(out.join("controle/manifest.json")).unwrap();
    relist(
        &out.join("manifest.json"),
        "controle/aggregaten.csv",
        changed.as_bytes(),
    );
    relist(
        &out.join("manifest.json"),
        "controle/manifest.json",
        &bundle_manifest,
    );
    let run = verify(&out);
    run.expect_code(3);
    assert!(!run.stdout().contains("SHA-256"), "{}", run.stdout());
    assert!(run.stdout().contains("rtp.csv line"), "{}", run.stdout());
}

#[test]
fn verify_lists_a_tampered_rtp_csv_and_a_wrong_hash() {
    let out = scratch("tampered").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    let good = verify(&out);
    good.expect_code(0);
    assert!(good.stdout().starts_with("reproduced"), "{}", good.stdout());

    // One rtp in the published file, hashes made to match: the recomputation names it.
    let copy = copy_run(&out, "tampered-rtp");
    let rtp = read(&copy.join("controle/rtp.csv"));
    let column = rtp
        .lines()
        .next()
        .unwrap()
        .split(',')
        .position(|h| h == "rtp")
        .unwrap();
    let changed = change_cell(&rtp, 1, column, |v| (dec(v) + dec("0.1")).to_string());
    std::fs::write(copy.join("controle/rtp.csv"), &changed).unwrap();
    relist(
        &copy.join("controle/manifest.json"),
        "rtp.csv",
        changed.as_bytes(),
    );
    let run = verify(&copy.join("controle"));
    run.expect_code(3);
    assert!(run.stdout().contains("rtp.csv line 2"), "{}", run.stdout());
    assert!(
        run.stdout().contains("column") || run.stdout().contains("rtp published"),
        "{}",
        run.stdout()
    );

    // A manifest whose hash of richttarief.toml is wrong.
    let copy = copy_run(&out, "tampered-hash");
    relist(
        &copy.join("controle/manifest.json"),
        "richttarief.toml",
        b"something else",
    );
    let run = verify(&copy.join("controle"));
    run.expect_code(3);
    assert!(
        run.stdout().contains("richttarief.toml: SHA-256"),
        "{}",
        run.stdout()
    );

    // No bundle at all is bad input, not a difference.
    verify(&scratch("empty")).expect_code(1);
}

/// The KvK numbers and names of a jaarverslagen file.
fn identities(jaarverslagen: &Path) -> (Vec<String>, Vec<String>) {
    let rows = csv_records(jaarverslagen);
    let kvks = rows.iter().map(|r| r["kvk"].clone()).collect();
    let names = rows.iter().map(|r| r["naam"].clone()).collect();
    (kvks, names)
}

/// HMAC-SHA-256 as RFC 2104 defines it, written here again from the RFC (also for the
/// statements' pseudonyms).
pub(crate) fn hmac(key: &[u8], message: &[u8]) -> String {
    let mut k = [0u8; 64];
    k[..key.len()].copy_from_slice(key);
    let ipad: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x36)
        .chain(message.iter().copied())
        .collect();
    let inner = Sha256::digest(&ipad);
    let opad: Vec<u8> = k
        .iter()
        .map(|b| b ^ 0x5c)
        .chain(inner.iter().copied())
        .collect();
    format!("{:x}", Sha256::digest(&opad))
}

#[test]
fn a_pseudonymised_bundle_names_no_provider_and_still_reproduces() {
    let dir = scratch("pseudo");
    let key = dir.join("sleutel");
    std::fs::write(&key, "7d1f0c9a2b4e6f8a1c3e5d7b9f0a2c4e\n").unwrap();
    let config = root().join("data/voorbeeld/richttarief.toml");
    let run_with = |out: &Path, key: &Path| {
        richttarief(
            &[
                "run",
                "--config",
                config.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--pseudoniem",
                key.to_str().unwrap(),
            ],
            &[],
            &root(),
        )
        .expect_code(0);
    };
    let (a, b) = (dir.join("a"), dir.join("b"));
    run_with(&a, &key);
    run_with(&b, &key);

    // Every KvK and name of the jaarverslagen, and every KvK the run reports (a provider
    // without a jaarverslag included), is absent from every file of controle/.
    let (mut kvks, names) = identities(&root().join("data/voorbeeld/jaarverslagen.csv"));
    for f in ["aanbieders.csv", "uitgesloten.csv"] {
        kvks.extend(
            csv_records(&a.join(f))
                .into_iter()
                .map(|r| r["kvk"].clone()),
        );
    }
    assert!(kvks.len() > 50 && names.len() > 50);
    for entry in std::fs::read_dir(a.join("controle")).unwrap() {
        let path = entry.unwrap().path();
        let text = read(&path);
        for kvk in &kvks {
            assert!(
                !text.contains(kvk.as_str()),
                "{} names KvK {kvk}",
                path.display()
            );
        }
        for naam in &names {
            assert!(
                !text.contains(naam.as_str()),
                "{} names {naam}",
                path.display()
            );
        }
    }
    // The same key gives the same pseudonyms; each is HMAC-SHA-256 of the eight digits.
    let rows = read(&a.join("controle/aggregaten.csv"));
    assert_eq!(rows, read(&b.join("controle/aggregaten.csv")));
    let kvk = "83545239";
    let expected = &hmac(b"7d1f0c9a2b4e6f8a1c3e5d7b9f0a2c4e", kvk.as_bytes())[..16];
    assert!(
        rows.contains(&format!("\n{expected},")),
        "{expected} not in {rows}"
    );
    // Another key, other pseudonyms.
    let other = dir.join("andere-sleutel");
    std::fs::write(&other, "00000000000000000000000000000001").unwrap();
    let c = dir.join("c");
    run_with(&c, &other);
    assert!(!read(&c.join("controle/aggregaten.csv")).contains(expected));

    // It reproduces: verify, and a run from it gives the published rtp.csv.
    verify(&a).expect_code(0);
    let again = dir.join("again");
    run_config(&a.join("controle/richttarief.toml"), &again).expect_code(0);
    assert_eq!(read(&again.join("rtp.csv")), read(&a.join("rtp.csv")));
    // Its providers are named by pseudonym, without names: the claims' aanbieders.csv with
    // each KvK replaced by its HMAC and the name left out, row for row (in another order,
    // since the rows follow the pseudonyms within a group).
    let key_bytes = b"7d1f0c9a2b4e6f8a1c3e5d7b9f0a2c4e";
    let mut expected: Vec<String> = read(&a.join("aanbieders.csv"))
        .lines()
        .skip(1)
        .map(|l| {
            let (kvk, rest) = l.split_once(',').unwrap();
            let rest = if let Some(quoted) = rest.strip_prefix('"') {
                &quoted[quoted.find('"').unwrap() + 1..]
            } else {
                &rest[rest.find(',').unwrap()..]
            };
            format!("{},{rest}", &hmac(key_bytes, kvk.as_bytes())[..16])
        })
        .collect();
    let mut got: Vec<String> = read(&again.join("aanbieders.csv"))
        .lines()
        .skip(1)
        .map(str::to_string)
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);

    // explain takes the pseudonym, and follows the provider as from the claims: steps 3
    // to 5 (sector, cluster, result, break-even, group) are the same lines.
    let explain = |config: &Path, who: &str| {
        let run = richttarief(
            &[
                "explain",
                "--config",
                config.to_str().unwrap(),
                "--kvk",
                who,
            ],
            &[],
            &root(),
        );
        run.expect_code(0);
        let text = run.stdout();
        // The sample's configuration also prices the provider under the policies, which
        // the bundle does not carry.
        let end = text.find("\nTariffs per zorgkantoor").unwrap_or(text.len());
        text[text.find("\n3. ").unwrap()..end].to_string()
    };
    assert_eq!(
        explain(
            &a.join("controle/richttarief.toml"),
            &hmac(key_bytes, kvk.as_bytes())[..16]
        ),
        explain(&config, kvk)
    );
    richttarief(
        &[
            "explain",
            "--config",
            a.join("controle/richttarief.toml").to_str().unwrap(),
            "--kvk",
            kvk,
        ],
        &[],
        &root(),
    )
    .expect_code(1);

    // A key shorter than 16 bytes is refused, and nothing is written.
    std::fs::write(&other, "kort\n").unwrap();
    let d = dir.join("d");
    let run = richttarief(
        &[
            "run",
            "--out",
            d.to_str().unwrap(),
            "--pseudoniem",
            other.to_str().unwrap(),
        ],
        &[],
        &root(),
    );
    run.expect_code(1);
    assert!(
        run.stderr().contains("at least 16 bytes"),
        "{}",
        run.stderr()
    );
    assert!(!d.exists());
}

#[test]
fn check_scenarios_and_sensitivity_give_the_claims_results_from_the_bundle() {
    let (claims, _) = both_ways(&root().join("data/voorbeeld/richttarief.toml"), "commands");
    let bundle = claims.join("controle/richttarief.toml");
    let sample = root().join("data/voorbeeld/richttarief.toml");
    for rtp in ["95.4", "96.0"] {
        let from = |config: &Path| {
            richttarief(
                &["check", "--config", config.to_str().unwrap(), "--rtp", rtp],
                &[],
                &root(),
            )
        };
        let (a, b) = (from(&sample), from(&bundle));
        assert_eq!(a.code(), b.code(), "check --rtp {rtp}");
        assert_eq!(a.stdout(), b.stdout(), "check --rtp {rtp}");
    }
    let dir = scratch("commands-out");
    let scenarios = root().join("data/voorbeeld/scenarios.toml");
    for (config, name) in [(&sample, "a"), (&bundle, "b")] {
        richttarief(
            &[
                "scenarios",
                "--config",
                config.to_str().unwrap(),
                "--scenarios",
                scenarios.to_str().unwrap(),
                "--presets",
                "--out",
                dir.join(format!("scenarios-{name}")).to_str().unwrap(),
            ],
            &[],
            &root(),
        )
        .expect_code(0);
        richttarief(
            &[
                "sensitivity",
                "--config",
                config.to_str().unwrap(),
                "--resamples",
                "20",
                "--out",
                dir.join(format!("sensitivity-{name}")).to_str().unwrap(),
            ],
            &[],
            &root(),
        )
        .expect_code(0);
    }
    for f in [
        "scenarios-a/scenarios.csv",
        "sensitivity-a/weglaten.csv",
        "sensitivity-a/bootstrap.csv",
        "sensitivity-a/drempel.csv",
    ] {
        let other = f.replace("-a/", "-b/");
        assert_eq!(read(&dir.join(f)), read(&dir.join(&other)), "{f}");
    }
}

#[test]
fn a_bundle_beside_the_claims_or_with_a_bad_figure_is_refused() {
    let out = scratch("refused").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    let controle = out.join("controle");
    // Naming the bundle and the claims.
    let both = controle.join("beide.toml");
    std::fs::write(
        &both,
        read(&controle.join("richttarief.toml"))
            .replace("[invoer]\n", "[invoer]\ndeclaraties = \"aggregaten.csv\"\n"),
    )
    .unwrap();
    let run = run_config(&both, &scratch("both").join("uit"));
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("invoer.declaraties: named beside invoer.aggregaten"),
        "{}",
        run.stderr()
    );
    // A figure that is not a number: file, row, column and value.
    let text = read(&controle.join("aggregaten.csv"));
    std::fs::write(
        controle.join("aggregaten.csv"),
        change_cell(&text, 2, 6, |_| "12;5".into()),
    )
    .unwrap();
    let run = run_config(
        &controle.join("richttarief.toml"),
        &scratch("bad").join("uit"),
    );
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("aggregaten.csv")
            && err.contains("row 3")
            && err.contains("bedrijfsopbrengsten")
            && err.contains("12;5"),
        "{err}"
    );
    // A sum that no longer agrees with its parts (D = K + X + S), and a figure with 13
    // decimals, each named with its row.
    let header: Vec<&str> = text.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let line = text
        .lines()
        .position(|l| {
            l.split(',')
                .nth(column("zorg"))
                .is_some_and(|v| !v.is_empty())
                && !l.starts_with("kvk")
        })
        .unwrap();
    for (changed, expected) in [
        (
            change_cell(&text, line, column("zorg"), |v| {
                (dec(v) + dec("0.01")).to_string()
            }),
            "is not kapitaal + volledig + zorg",
        ),
        (
            // S_max is on no identity: only the bound on decimals refuses it.
            change_cell(&text, line, column("zorg_max"), |_| {
                "1.0000000000001".into()
            }),
            "decimals; a bundle's figures have at most 12",
        ),
    ] {
        std::fs::write(controle.join("aggregaten.csv"), changed).unwrap();
        let run = run_config(
            &controle.join("richttarief.toml"),
            &scratch("bad").join("uit"),
        );
        run.expect_code(1);
        let err = run.stderr();
        assert!(
            err.contains(&format!("row {}", line + 1)) && err.contains(expected),
            "{err}"
        );
    }
    // What needs the claims per prestatiecode says so.
    let tarieven = controle.join("tarieven.toml");
    std::fs::write(
        &tarieven,
        read(&controle.join("richttarief.toml")).replace(
            "[invoer]\n",
            &format!(
                "[invoer]\nkenmerken = {:?}\n",
                root()
                    .join("data/voorbeeld/kenmerken.csv")
                    .to_str()
                    .unwrap()
            ),
        ),
    )
    .unwrap();
    std::fs::write(controle.join("aggregaten.csv"), text).unwrap();
    let run = command_to("tarieven", &tarieven, &scratch("t").join("uit"), &[]);
    run.expect_code(1);
    assert!(
        run.stderr().contains("needs the claims per prestatiecode"),
        "{}",
        run.stderr()
    );
}
