//! `tarieven` and the policies. On small hand-made data sets whose every figure is worked
//! out in the tests' comments: tariffs bounded to 0-100% when no policy pays them, one
//! `resultaatmarge` (R ÷ O) for providers inside and outside the population, exact
//! threshold decisions, and the sector of providers outside the population under
//! `sector_bron`. On the sample data: policies paying the RTP reproduce the result at the
//! RTP, every percentage is traced and the costs sum, the bytes do not depend on the thread
//! count, bad kenmerken and policies are named by file, row and rule, and without a policy
//! every model pays the RTP as the core computes it.

#[allow(unused_imports)]
use crate::common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Every tariff is €100 a unit (NHC €10), with no embedded capital, so a hand calculation
/// stays short.
const TARIEVEN: &str = "\
jaar,prestatiecode,omschrijving,sector,leveringsvorm,component,max_tarief,kapitaal_per_eenheid
2024,V1,verblijf VV per dag,VV,intramuraal,zorg,100.00,
2024,H1,begeleiding VV per uur,VV,mpt,zorg,100.00,
2024,N1,NHC VV per dag,VV,intramuraal,nhc,10.00,
2024,G1,begeleiding GZ per uur,GZ,mpt,zorg,100.00,
2024,GI,verblijf GZ per dag,GZ,intramuraal,zorg,100.00,
";

const JAARVERSLAGEN_HEADER: &str = "kvk,naam,boekjaar,bedrijfsopbrengsten,opbrengsten_wlz,bedrijfslasten,financiele_baten,financiele_lasten,sector\n";
const DECLARATIES_HEADER: &str = "kvk,jaar,prestatiecode,aantal,bedrag\n";

/// A policy that changes nothing for the providers of these tests, for runs whose point is
/// what happens without a policy (the policy list may not be empty).
const DSW_GGZ: &str = "zorgkantoor = \"DSW\"\nsector = \"GGZ\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\npercentage = 90\n";

/// A scratch folder with a data set: `model`, the extra configuration tables (before
/// `[beleid]`), jaarverslagen rows, claims rows, kenmerken (with header), the policies by
/// file name, and the KvK numbers excluded as new providers.
struct Set<'a> {
    model: &'a str,
    tables: &'a str,
    jaarverslagen: &'a str,
    declaraties: &'a str,
    kenmerken: &'a str,
    policies: &'a [(&'a str, &'a str)],
    new_providers: &'a [&'a str],
}

impl Set<'_> {
    fn write(&self, name: &str) -> PathBuf {
        let dir = scratch(name);
        std::fs::write(dir.join("tarieven.csv"), TARIEVEN).unwrap();
        std::fs::write(
            dir.join("jaarverslagen.csv"),
            format!("{JAARVERSLAGEN_HEADER}{}", self.jaarverslagen),
        )
        .unwrap();
        std::fs::write(
            dir.join("declaraties.csv"),
            format!("{DECLARATIES_HEADER}{}", self.declaraties),
        )
        .unwrap();
        std::fs::write(dir.join("kenmerken.csv"), self.kenmerken).unwrap();
        std::fs::create_dir_all(dir.join("beleid")).unwrap();
        for (file, text) in self.policies {
            std::fs::write(dir.join("beleid").join(file), text).unwrap();
        }
        let excluded: Vec<String> = self
            .new_providers
            .iter()
            .map(|k| format!("{{ kvk = \"{k}\", reden = \"nieuwe aanbieder\" }}"))
            .collect();
        let config = format!(
            "model = \"{}\"\nreferentiejaar = 2024\n\n[invoer]\njaarverslagen = \"jaarverslagen.csv\"\ndeclaraties = [\"declaraties.csv\"]\ntarieven = \"tarieven.csv\"\nkenmerken = \"kenmerken.csv\"\n\n{}\n[beleid]\nbestanden = [\"beleid/*.toml\"]\n\n[uitsluiting]\nkvk = [{}]\n",
            self.model,
            self.tables,
            excluded.join(", ")
        );
        std::fs::write(dir.join("richttarief.toml"), config).unwrap();
        dir
    }
}

fn tarieven(dir: &Path) -> PathBuf {
    let out = dir.join("uit");
    command_to("tarieven", &dir.join("richttarief.toml"), &out, &[]).expect_code(0);
    out
}

fn explain(dir: &Path, kvk: &str) -> String {
    let run = richttarief(
        &[
            "explain",
            "--config",
            dir.join("richttarief.toml").to_str().unwrap(),
            "--kvk",
            kvk,
        ],
        &[],
        &root(),
    );
    run.expect_code(0);
    run.stdout()
}

/// The one row of `rows` with `kvk` (and `code` as prestatiecode, when given).
fn row<'a>(
    rows: &'a [BTreeMap<String, String>],
    kvk: &str,
    code: Option<&str>,
) -> &'a BTreeMap<String, String> {
    let found: Vec<_> = rows
        .iter()
        .filter(|r| r["kvk"] == kvk && code.is_none_or(|c| r["prestatiecode"] == c))
        .collect();
    assert_eq!(found.len(), 1, "{kvk} {code:?} in {rows:?}");
    found[0]
}

// ---------------------------------------------------------------------------------------
// 1. No policy: the group's RTP, bounded to 0-100%.

#[test]
fn a_prestatie_without_a_policy_is_paid_at_most_100_percent_when_the_rtp_is_above() {
    // One provider, VV intramural: V1 100 days × €100 paid at 100% (S = S_max = 10000),
    // N1 100 × €10 (K = 1000); B = 11000, L = 12000, so R = −1000. With bovengrens = 120:
    // - zn-2027 (NHC/NIC stripped): R(r) = −1000 + 10000·r − 10000 ≥ 0 from r = 1.1:
    //   RTP 110.0.
    // - hof-2024 (not stripped): R(r) = −1000 + 11000·r − 11000 ≥ 0 from r = 1.0909…:
    //   RTP 109.1 (rounded up to the grid).
    // VGZ has no VV policy, so each prestatie is paid the RTP, bounded to 100%: the care
    // part at 100%, NHC at 100% (stripped: the capital percentage; not stripped: the RTP,
    // bounded). The result at those tariffs is R + 1.00·10000 − 10000 (+ (1.00 − 1)·1000)
    // = −1000: below 0, a hardship case, where R(RTP) is ≥ 0.
    for (model, rtp, rtp_step, nhc_step) in [
        ("zn-2027", "110.0", "110", "geen beleid: kapitaal 100%"),
        (
            "hof-2024",
            "109.1",
            "109.1",
            "geen beleid: rtp 109.1%; bovengrens 100%",
        ),
    ] {
        let dir = Set {
            model,
            tables: "[berekening]\nbovengrens = 120\n",
            jaarverslagen: "10000001,Verlies BV,2024,11000.00,11000.00,12000.00,0.00,0.00,VV\n",
            declaraties: "10000001,2024,V1,100,10000.00\n10000001,2024,N1,100,1000.00\n",
            kenmerken: "kvk,zorgkantoor\n10000001,VGZ\n",
            policies: &[("dsw-ggz.toml", DSW_GGZ)],
            new_providers: &[],
        }
        .write(&format!("bounded-{model}"));
        let out = tarieven(&dir);
        let lines = csv_records(&out.join("tarieven.csv"));
        let v1 = row(&lines, "10000001", Some("V1"));
        assert_eq!(v1["percentage"], "100.00", "{model}: {v1:?}");
        assert_eq!(
            v1["regels"],
            format!("geen beleid: rtp {rtp_step}%; bovengrens 100%"),
            "{model}"
        );
        // 100 × €100 × 100%; the RTP baseline cannot pay more than the maximum tariff either.
        assert_eq!(v1["kosten_beleid"], "10000.00", "{model}");
        assert_eq!(v1["kosten_rtp"], "10000.00", "{model}");
        let n1 = row(&lines, "10000001", Some("N1"));
        assert_eq!(n1["percentage"], "100.00", "{model}: {n1:?}");
        assert_eq!(n1["regels"], nhc_step, "{model}");
        assert_eq!(n1["kosten_rtp"], "1000.00", "{model}");
        let results = csv_records(&out.join("resultaten.csv"));
        let r = row(&results, "10000001", None);
        assert_eq!(r["rtp"], rtp, "{model}");
        assert_eq!(r["resultaat"], "-1000.00", "{model}");
        assert_eq!(r["resultaat_bij_tarief"], "-1000.00", "{model}: {r:?}");
        assert_eq!(r["hardheidsclausule"], "ja", "{model}");
        // Below 0, but VGZ has no policy here and so no hardship clause to list it under.
        let hardship = csv_records(&out.join("hardheidsclausule.csv"));
        assert_eq!(hardship.len(), 0, "{model}");
        let costs = csv_records(&out.join("kosten.csv"));
        assert_eq!(costs.len(), 1, "{model}");
        assert_eq!(
            (
                costs[0]["kosten_beleid"].as_str(),
                costs[0]["kosten_rtp"].as_str()
            ),
            ("11000.00", "11000.00"),
            "{model}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 2. resultaatmarge is R ÷ O for every provider.

#[test]
fn resultaatmarge_of_a_provider_outside_the_population_is_r_over_o_as_classify_computes_o() {
    // P (10000001) is the population: V1 100 × €96 (S 9600, S_max 10000), N1 100 × €10
    // (K 1000), D = 10600; B 12000, W 10600, L 12100: R = −100. R(r) = −100 + 10000·r −
    // 9600 ≥ 0 from r = 0.97: RTP 97.0 (ρ = W/D = 1 under schaling = jaarverslag too).
    // X (10000002) is a new provider, outside the population, with the same claims and
    // B 20000, W 5300, L 19100: R = 900, R ÷ B = 4.5%. Its O, as classify computes it:
    // - omzet_basis = bedrijfsopbrengsten: O = B − K = 19000, R ÷ O = 4.74 %;
    // - omzet_basis = wlz: O = D − K = 9600, R ÷ O = 9.375 %;
    // - omzet_basis = wlz, schaling = jaarverslag: ρ = W/D = 0.5, ρ·K = 500,
    //   O = W − ρ·K = 4800, R ÷ O = 18.75 %.
    // VGZ takes 1 point off from a threshold between R ÷ B and R ÷ O, so X gets 96% only
    // when its margin is R ÷ O as classify computes O; P's margin is negative: 97%.
    for (name, tables, threshold, shown) in [
        (
            "bedrijfsopbrengsten",
            "",
            "0.046",
            "4.74% (R 900.00 ÷ O 19000.00)",
        ),
        (
            "wlz",
            "[berekening]\nomzet_basis = \"wlz\"\n",
            "0.09",
            "9.38% (R 900.00 ÷ O 9600.00)",
        ),
        (
            "wlz-rho",
            "[berekening]\nomzet_basis = \"wlz\"\nschaling = \"jaarverslag\"\n",
            "0.18",
            "18.75% (R 900.00 ÷ O 4800.00)",
        ),
    ] {
        let policy = format!(
            "zorgkantoor = \"VGZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\nrtp = true\n[[regel]]\nnaam = \"hoog-resultaat\"\nbron.document = \"t\"\nbron.sectie = \"VGZ, test\"\nmin = 1\nals = {{ resultaatmarge = {{ minimaal = {threshold} }} }}\n"
        );
        let dir = Set {
            model: "zn-2027",
            tables,
            jaarverslagen: "10000001,Populatie BV,2024,12000.00,10600.00,12100.00,0.00,0.00,VV\n10000002,Nieuw BV,2024,20000.00,5300.00,19100.00,0.00,0.00,VV\n",
            declaraties: "10000001,2024,V1,100,9600.00\n10000001,2024,N1,100,1000.00\n10000002,2024,V1,100,9600.00\n10000002,2024,N1,100,1000.00\n",
            kenmerken: "kvk,zorgkantoor\n10000001,VGZ\n10000002,VGZ\n",
            policies: &[("vgz-vv.toml", &policy)],
            new_providers: &["10000002"],
        }
        .write(&format!("marge-{name}"));
        let out = tarieven(&dir);
        let lines = csv_records(&out.join("tarieven.csv"));
        let x = row(&lines, "10000002", Some("V1"));
        assert_eq!(x["percentage"], "96.00", "{name}: {x:?}");
        assert_eq!(x["regels"], "basis rtp 97%; hoog-resultaat -1", "{name}");
        let p = row(&lines, "10000001", Some("V1"));
        assert_eq!(p["percentage"], "97.00", "{name}: {p:?}");
        // explain shows the margin the rules saw and how O was made.
        let text = explain(&dir, "10000002");
        assert!(
            text.contains(&format!("resultaatmarge {shown}")),
            "{name}: {text}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 3. Thresholds on quotients are decided by multiplication.

#[test]
fn the_conversation_list_is_decided_exactly_not_on_a_rounded_margin() {
    // Three VV providers, each V1 100 × €100 paid at 100% (S = S_max = 10000, K = 0), B =
    // 3000, so O = 3000. Both policies pay 100%, so the result at the tariffs is R itself.
    // - Q1 (VGZ, threshold 0.033333): R = 100. R ÷ O = 1/30 = 0.0333…, and exactly
    //   100 > 0.033333 × 3000 = 99.999: listed. (Thresholds have at most 6 decimals and
    //   amounts are bounded, so a 28-digit quotient never rounds onto a threshold it is
    //   above; where exactness decides is equality, Q2 and Q3.)
    // - Q2 (CZ, threshold 0.05): R = 150.00 = 0.05 × 3000 exactly: not listed.
    // - Q3 (CZ, threshold 0.05): R = 150.01, one cent more: listed.
    let vgz = "zorgkantoor = \"VGZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\ngesprek_resultaat_boven = 0.033333\n[basis]\npercentage = 100\n";
    let cz = "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\ngesprek_resultaat_boven = 0.05\n[basis]\npercentage = 100\n";
    let dir = Set {
        model: "zn-2027",
        tables: "",
        jaarverslagen: "10000001,Q1,2024,3000.00,,2900.00,0.00,0.00,VV\n10000002,Q2,2024,3000.00,,2850.00,0.00,0.00,VV\n10000003,Q3,2024,3000.00,,2849.99,0.00,0.00,VV\n",
        declaraties: "10000001,2024,V1,100,10000.00\n10000002,2024,V1,100,10000.00\n10000003,2024,V1,100,10000.00\n",
        kenmerken: "kvk,zorgkantoor\n10000001,VGZ\n10000002,CZ\n10000003,CZ\n",
        policies: &[("vgz-vv.toml", vgz), ("cz-vv.toml", cz)],
        new_providers: &[],
    }
    .write("gesprek");
    let out = tarieven(&dir);
    let listed: Vec<(String, String)> = csv_records(&out.join("gesprek.csv"))
        .into_iter()
        .map(|r| (r["kvk"].clone(), r["zorgkantoor"].clone()))
        .collect();
    assert_eq!(
        listed,
        [
            ("10000001".to_string(), "VGZ".to_string()),
            ("10000003".to_string(), "CZ".to_string())
        ]
    );
    let results = csv_records(&out.join("resultaten.csv"));
    assert_eq!(
        row(&results, "10000002", None)["resultaat_bij_tarief"],
        "150.00"
    );
    assert_eq!(row(&results, "10000002", None)["marge_bij_tarief"], "5.00");
}

#[test]
fn the_conversation_threshold_with_rho_weighs_the_result_at_the_tariffs() {
    // schaling = jaarverslag: two VV providers, V1 100 × €96 (S 9600, S_max 10000, K 0),
    // W 4800, so ρ = W/D = 0.5; B = 3000 = O. CZ pays 100%: effect = 10000 − 9600 = 400,
    // R_t = R + 0.5·400 = R + 200, listed when R_t > 0.05·3000 = 150.
    // - S1: L 3050, R = −50, R_t = 150 exactly: not listed.
    // - S2: L 3049.99, R = −49.99, R_t = 150.01: listed.
    // (R alone, −50 ÷ 3000, lists neither; R_t·D ÷ O, without D in the denominator,
    // lists both.)
    let cz = "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\ngesprek_resultaat_boven = 0.05\n[basis]\npercentage = 100\n";
    let dir = Set {
        model: "zn-2027",
        tables: "[berekening]\nschaling = \"jaarverslag\"\n",
        jaarverslagen: "10000001,S1,2024,3000.00,4800.00,3050.00,0.00,0.00,VV\n10000002,S2,2024,3000.00,4800.00,3049.99,0.00,0.00,VV\n",
        declaraties: "10000001,2024,V1,100,9600.00\n10000002,2024,V1,100,9600.00\n",
        kenmerken: "kvk,zorgkantoor\n10000001,CZ\n10000002,CZ\n",
        policies: &[("cz-vv.toml", cz)],
        new_providers: &[],
    }
    .write("gesprek-rho");
    let out = tarieven(&dir);
    let listed: Vec<String> = csv_records(&out.join("gesprek.csv"))
        .into_iter()
        .map(|r| r["kvk"].clone())
        .collect();
    assert_eq!(listed, ["10000002"]);
    let results = csv_records(&out.join("resultaten.csv"));
    let s1 = row(&results, "10000001", None);
    assert_eq!(
        (
            s1["resultaat_bij_tarief"].as_str(),
            s1["marge_bij_tarief"].as_str()
        ),
        ("150.00", "5.00")
    );
}

#[test]
fn conditions_on_the_run_s_figures_are_decided_exactly() {
    // One VV provider: V1 1 day × €100 (intramural) and H1 2 hours × €100, paid at 100%:
    // intramural share 100 ÷ 300 = 1/3; B 3000, L 2900: R = 100, O = 3000, R ÷ O = 1/30.
    // Both quotients are just above the policy's thresholds (at most 6 decimals):
    // 100 > 0.333333 × 300 = 99.9999, and 100 > 0.033333 × 3000 = 99.999, so both rules
    // apply: 95 + 1 + 0.5 = 96.5%. (Equality, where exactness decides, is tested on the
    // conversation list above.)
    let policy = "zorgkantoor = \"VGZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\npercentage = 95\n\
[[regel]]\nnaam = \"marge\"\nbron.document = \"t\"\nbron.sectie = \"VGZ, test\"\nplus = 1\nals = { resultaatmarge = { boven = 0.033333 } }\n\
[[regel]]\nnaam = \"intramuraal\"\nbron.document = \"t\"\nbron.sectie = \"VGZ, test\"\nplus = 0.5\nals = { intramuraal_aandeel = { boven = 0.333333 } }\n";
    let dir = Set {
        model: "zn-2027",
        tables: "",
        jaarverslagen: "10000001,Derde BV,2024,3000.00,,2900.00,0.00,0.00,VV\n",
        declaraties: "10000001,2024,V1,1,100.00\n10000001,2024,H1,2,200.00\n",
        kenmerken: "kvk,zorgkantoor\n10000001,VGZ\n",
        policies: &[("vgz-vv.toml", policy)],
        new_providers: &[],
    }
    .write("exact-conditions");
    let out = tarieven(&dir);
    let lines = csv_records(&out.join("tarieven.csv"));
    for code in ["V1", "H1"] {
        let l = row(&lines, "10000001", Some(code));
        assert_eq!(l["percentage"], "96.50", "{l:?}");
        assert_eq!(l["regels"], "basis 95%; marge +1; intramuraal +0.5");
    }
}

// ---------------------------------------------------------------------------------------
// 4. Outside the population, the sector follows sector_bron.

#[test]
fn providers_outside_the_population_take_their_sector_from_sector_bron() {
    // The population: VV/extramuraal with one provider (H1 100 × €97, R = 0: RTP 97.0) and
    // GZ/extramuraal with one (G1 100 × €98, R = 0: RTP 98.0).
    // Y (10000003), a new provider, claims VV care (H1) but its jaarverslag says GZ.
    // Z (10000004) claims H1 and has no jaarverslag.
    // - sector_bron = jaarverslag: Y is GZ/extramuraal and is paid 98%; Z has no
    //   jaarverslag to take a sector from, so it gets no tariff, with the reason.
    // - sector_bron = declaraties: both are VV/extramuraal and are paid 97%.
    let set = |tables: &'static str| {
        Set {
        model: "zn-2027",
        tables,
        jaarverslagen: "10000001,VV BV,2024,10000.00,9700.00,10000.00,0.00,0.00,VV\n10000002,GZ BV,2024,10000.00,9800.00,10000.00,0.00,0.00,GZ\n10000003,Nieuw BV,2024,1000.00,970.00,1000.00,0.00,0.00,GZ\n",
        declaraties: "10000001,2024,H1,100,9700.00\n10000002,2024,G1,100,9800.00\n10000003,2024,H1,10,970.00\n10000004,2024,H1,10,970.00\n",
        kenmerken: "kvk,zorgkantoor\n10000001,VGZ\n10000002,VGZ\n10000003,VGZ\n10000004,VGZ\n",
        policies: &[("dsw-ggz.toml", DSW_GGZ)],
        new_providers: &["10000003"],
    }
    };
    let dir = set("[berekening]\nsector_bron = \"jaarverslag\"\n").write("sector-jaarverslag");
    let out = tarieven(&dir);
    let results = csv_records(&out.join("resultaten.csv"));
    let y = row(&results, "10000003", None);
    assert_eq!(
        (
            y["sector"].as_str(),
            y["cluster"].as_str(),
            y["rtp"].as_str()
        ),
        ("GZ", "extramuraal", "98.0"),
        "{y:?}"
    );
    let lines = csv_records(&out.join("tarieven.csv"));
    let h1 = row(&lines, "10000003", Some("H1"));
    assert_eq!(h1["percentage"], "98.00");
    assert_eq!(h1["regels"], "geen beleid: rtp 98%");
    assert!(
        !lines.iter().any(|l| l["kvk"] == "10000004"),
        "Z gets no tariff"
    );
    let without = csv_records(&out.join("zonder_tarief.csv"));
    assert_eq!(without.len(), 1, "{without:?}");
    let z = row(&without, "10000004", None);
    assert_eq!(
        z["reden"],
        "buiten de populatie, zonder jaarverslag over 2024 om de sector uit te nemen (sector_bron = jaarverslag)"
    );

    let dir = set("").write("sector-declaraties");
    let out = tarieven(&dir);
    let results = csv_records(&out.join("resultaten.csv"));
    for kvk in ["10000003", "10000004"] {
        let r = row(&results, kvk, None);
        assert_eq!(
            (r["sector"].as_str(), r["rtp"].as_str()),
            ("VV", "97.0"),
            "{r:?}"
        );
    }
    assert!(csv_records(&out.join("zonder_tarief.csv")).is_empty());
}

#[test]
fn a_provider_outside_the_population_with_net_credited_claims_has_no_group_to_be_paid_by() {
    // The population: P, VV intramural (V1 100 × €97, R = 0: RTP 97.0), and Q, GZ
    // intramural (GI 100 × €98, R = 0: RTP 98.0).
    // Y, a new provider, declared V1 1 × €100 and credited H1 2 × €100: D = −100, all of
    // it VV. The intramural threshold compares the share Σd intramural ÷ D with 1%,
    // decided as Σd intramural ≥ 1%·D, which means that only when D > 0 (here 100 ≥ −1);
    // and the largest Σd per sector is GZ's 0 against VV's −100. So Y would be paid GZ's
    // RTP for VV care. No group, so no tariff, with the reason.
    let dir = Set {
        model: "zn-2027",
        tables: "",
        jaarverslagen: "10000001,P,2024,10000.00,,10000.00,0.00,0.00,VV\n10000003,Q,2024,10000.00,,10000.00,0.00,0.00,GZ\n10000002,Y,2024,1000.00,,1000.00,0.00,0.00,VV\n",
        declaraties: "10000001,2024,V1,100,9700.00\n10000003,2024,GI,100,9800.00\n10000002,2024,V1,1,100.00\n10000002,2024,H1,-2,-200.00\n",
        kenmerken: "kvk,zorgkantoor\n10000001,VGZ\n10000003,VGZ\n10000002,VGZ\n",
        policies: &[("dsw-ggz.toml", DSW_GGZ)],
        new_providers: &["10000002"],
    }
    .write("credited");
    let out = tarieven(&dir);
    let lines = csv_records(&out.join("tarieven.csv"));
    assert!(!lines.iter().any(|l| l["kvk"] == "10000002"), "{lines:?}");
    let without = csv_records(&out.join("zonder_tarief.csv"));
    assert_eq!(
        row(&without, "10000002", None)["reden"],
        "buiten de populatie, Wlz-declaraties per saldo -100.00 ≤ 0: geen groep te bepalen"
    );
}

// ---------------------------------------------------------------------------------------
// On the sample data

/// The sample's configuration `config` reading the policies in `beleid/` instead of the
/// shipped ones: under its own `[beleid]` table, which a second one may not repeat.
fn with_policies(config: &str) -> String {
    assert_eq!(config.matches("[beleid]\n").count(), 1, "{config}");
    config.replace("[beleid]\n", "[beleid]\nbestanden = [\"beleid/*.toml\"]\n")
}

/// A scratch folder with the sample's data files (not its configuration or kenmerken) and an
/// empty `beleid/`, for tarieven tests that write their own policies and kenmerken.
fn sample_data(name: &str) -> PathBuf {
    let dir = scratch(name);
    for f in [
        "jaarverslagen.csv",
        "declaraties.csv.gz",
        "tarieven.csv",
        "koppeltabel.csv",
        "contracteerruimte.csv",
    ] {
        std::fs::copy(root().join("data/voorbeeld").join(f), dir.join(f)).unwrap();
    }
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    dir
}

#[test]
fn policies_paying_the_rtp_reproduce_the_result_at_the_rtp() {
    // One zorgkantoor with a policy of the bare RTP for every sector and every provider of
    // the sample at it: each result at its tariffs must be its result at the RTP.
    let dir = sample_data("rtp-policy");
    for sector in ["VV", "GZ", "GGZ"] {
        std::fs::write(
            dir.join("beleid").join(format!("{sector}.toml")),
            format!("zorgkantoor = \"VGZ\"\nsector = \"{sector}\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\nrtp = true\n"),
        )
        .unwrap();
    }
    let kvks: Vec<String> = csv_records(&root().join("data/voorbeeld/jaarverslagen.csv"))
        .into_iter()
        .map(|r| r["kvk"].clone())
        .collect();
    // The first provider also buys 40% from CZ, which pays 100% on everything.
    for sector in ["VV", "GZ", "GGZ"] {
        std::fs::write(
            dir.join("beleid").join(format!("cz-{sector}.toml")),
            format!("zorgkantoor = \"CZ\"\nsector = \"{sector}\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\npercentage = 100\n"),
        )
        .unwrap();
    }
    let mut kenmerken = String::from("kvk,zorgkantoor,aandeel\n");
    for (i, k) in kvks.iter().enumerate() {
        if i == 0 {
            kenmerken += &format!("{k},VGZ,0.6\n{k},CZ,0.4\n");
        } else {
            kenmerken += &format!("{k},VGZ,\n");
        }
    }
    std::fs::write(dir.join("kenmerken.csv"), kenmerken).unwrap();
    let config = with_policies(&read(&root().join("data/voorbeeld/richttarief.toml")));
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    let out = dir.join("uit");
    command_to("tarieven", &dir.join("richttarief.toml"), &out, &[]).expect_code(0);
    let rows = csv_records(&out.join("resultaten.csv"));
    assert_eq!(
        rows.iter().filter(|r| !r["resultaat"].is_empty()).count(),
        57,
        "every provider of the population has a result"
    );
    let first = &kvks[0];
    for r in rows.iter().filter(|r| &r["kvk"] != first) {
        assert_eq!(
            r["resultaat_bij_tarief"], r["resultaat_bij_rtp"],
            "{}",
            r["kvk"]
        );
    }
    // The first: R(RTP) + 0.4·(1 − RTP)·S_max, its care part at 100% for CZ's 40% (ρ = 1).
    let mine = rows
        .iter()
        .find(|r| &r["kvk"] == first)
        .expect("in the population");
    let run_out = dir.join("core");
    run_config(&dir.join("richttarief.toml"), &run_out).expect_code(0);
    let provider = csv_records(&run_out.join("aanbieders.csv"))
        .into_iter()
        .find(|r| &r["kvk"] == first)
        .unwrap();
    let num = |s: &str| s.parse::<f64>().unwrap();
    let expected = num(&provider["resultaat_bij_rtp"])
        + 0.4 * (1.0 - num(&mine["rtp"]) / 100.0) * num(&provider["zorg_max"]);
    assert!(
        (num(&mine["resultaat_bij_tarief"]) - expected).abs() < 0.02,
        "{} against {expected}",
        mine["resultaat_bij_tarief"]
    );
    assert_eq!(mine["zorgkantoren"], "VGZ 60%; CZ 40%");
    // Paying the RTP costs exactly what paying the RTP costs.
    let costs = csv_records(&out.join("kosten.csv"));
    let vgz = costs.iter().find(|c| c["zorgkantoor"] == "VGZ").unwrap();
    assert_eq!(vgz["kosten_beleid"], vgz["kosten_rtp"]);
    assert_eq!(vgz["verschil"], "0.00");
    let cz = costs.iter().find(|c| c["zorgkantoor"] == "CZ").unwrap();
    assert!(
        num(&cz["verschil"]) > 0.0,
        "100% costs more than the RTP: {cz:?}"
    );
}

#[test]
fn tarieven_on_the_sample_traces_every_percentage_and_sums_the_costs() {
    let out = scratch("tarieven").join("uit");
    let config = root().join("data/voorbeeld/richttarief.toml");
    let run = command_to("tarieven", &config, &out, &[]);
    run.expect_code(0);
    let lines = csv_records(&out.join("tarieven.csv"));
    // One line per provider, zorgkantoor and code: every provider under each zorgkantoor its
    // kenmerken row names has lines there, unless it is listed without a tariff.
    let without: Vec<String> = csv_records(&out.join("zonder_tarief.csv"))
        .into_iter()
        .map(|r| r["kvk"].clone())
        .collect();
    let rows = csv_records(&root().join("data/voorbeeld/kenmerken.csv"));
    for k in rows.iter().filter(|k| !without.contains(&k["kvk"])) {
        assert!(
            lines
                .iter()
                .any(|l| l["kvk"] == k["kvk"] && l["zorgkantoor"] == k["zorgkantoor"]),
            "no line for {} under {}",
            k["kvk"],
            k["zorgkantoor"]
        );
    }
    assert!(lines.len() > rows.len(), "{}", lines.len());
    // Every line names its policy (or none) and the steps that made its percentage.
    for l in &lines {
        assert!(!l["regels"].is_empty(), "{l:?}");
        // A prestatie the zorgkantoor does not contract (Zilveren Kruis V&V's intramural care
        // for a new provider) or one without a known percentage (DSW GZ without a monitor
        // percentage) shows none, never 0%, and its rules say why.
        if l["percentage"].is_empty() {
            assert!(
                l["regels"].ends_with("niet gecontracteerd")
                    || l["regels"].ends_with("geen percentage"),
                "{l:?}"
            );
            continue;
        }
        let pct: f64 = l["percentage"].parse().unwrap();
        assert!((0.0..=100.0).contains(&pct), "{l:?}");
    }
    // A provider with an essential role at Zilveren Kruis, V&V: 95.5 + 0.5. The sample's
    // drawn characteristics need not hold one, so the role is given to the first provider
    // Zilveren Kruis pays under its V&V policy (not a new one), in a copy of the sample.
    let kenmerken = read(&root().join("data/voorbeeld/kenmerken.csv"));
    let header: Vec<&str> = kenmerken.lines().next().unwrap().split(',').collect();
    let column = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (zk, essential_col, new_col) = (
        column("zorgkantoor"),
        column("essentiele_functie"),
        column("nieuwe_aanbieder"),
    );
    let chosen = kenmerken
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|cells| {
            cells[zk] == "Zilveren Kruis"
                && cells[new_col].is_empty()
                && lines.iter().any(|l| {
                    l["kvk"] == cells[0]
                        && l["zorgkantoor"] == "Zilveren Kruis"
                        && l["beleid"].ends_with("zilveren-kruis-vv-2024-2026.toml")
                })
        })
        .expect("Zilveren Kruis buys V&V care in the sample")[0]
        .to_string();
    let copy = scratch("tarieven-essentieel");
    for f in std::fs::read_dir(root().join("data/voorbeeld")).unwrap() {
        let f = f.unwrap();
        if f.file_type().unwrap().is_file() {
            std::fs::copy(f.path(), copy.join(f.file_name())).unwrap();
        }
    }
    let changed: Vec<String> = kenmerken
        .lines()
        .map(|l| {
            let mut cells: Vec<&str> = l.split(',').collect();
            if cells[0] == chosen && cells[zk] == "Zilveren Kruis" {
                cells[essential_col] = "ja";
            }
            cells.join(",")
        })
        .collect();
    std::fs::write(copy.join("kenmerken.csv"), changed.join("\n") + "\n").unwrap();
    let config = copy.join("richttarief.toml");
    let out = copy.join("uit");
    command_to("tarieven", &config, &out, &[]).expect_code(0);
    let lines = csv_records(&out.join("tarieven.csv"));
    let essential = BTreeMap::from([("kvk".to_string(), chosen)]);
    let line = lines
        .iter()
        .find(|l| {
            l["kvk"] == essential["kvk"]
                && l["zorgkantoor"] == "Zilveren Kruis"
                && l["component"] == "zorg"
                && l["beleid"].ends_with("zilveren-kruis-vv-2024-2026.toml")
        })
        .unwrap();
    assert_eq!(line["percentage"], "96.00", "{line:?}");
    assert_eq!(line["regels"], "basis 95.5%; essentiele-functie +0.5");
    // Each zorgkantoor's cost is the sum of its lines, to the cent.
    for c in csv_records(&out.join("kosten.csv")) {
        let cents = |s: &str| -> i64 { (s.parse::<f64>().unwrap() * 100.0).round() as i64 };
        let of_lines: i64 = lines
            .iter()
            .filter(|l| l["zorgkantoor"] == c["zorgkantoor"])
            .map(|l| cents(&l["kosten_beleid"]))
            .sum();
        let n = lines
            .iter()
            .filter(|l| l["zorgkantoor"] == c["zorgkantoor"])
            .count() as i64;
        // The lines are rounded to the cent each, the total once.
        assert!(
            (of_lines - cents(&c["kosten_beleid"])).abs() <= n / 2 + 1,
            "{}: {} against {}",
            c["zorgkantoor"],
            of_lines,
            c["kosten_beleid"]
        );
    }
    // The hardship list holds providers below 0 at their tariffs, each under one of its own
    // zorgkantoren (the one whose policy has the clause), with that clause's source.
    let results = csv_records(&out.join("resultaten.csv"));
    let below: Vec<&BTreeMap<String, String>> = results
        .iter()
        .filter(|r| r["resultaat_bij_tarief"].starts_with('-'))
        .collect();
    assert!(!below.is_empty());
    for h in csv_records(&out.join("hardheidsclausule.csv")) {
        let r = below
            .iter()
            .find(|r| r["kvk"] == h["kvk"])
            .unwrap_or_else(|| panic!("{h:?} is not below 0"));
        assert!(r["zorgkantoren"].contains(&h["zorgkantoor"]), "{h:?}");
        assert_eq!(h["resultaat_bij_tarief"], r["resultaat_bij_tarief"]);
        assert!(!h["bron"].is_empty(), "{h:?}");
    }
    let manifest = read(&out.join("manifest.json"));
    assert!(
        manifest.contains("data/beleid/cz-vv-2024-2026.toml"),
        "the policies are traced"
    );
    assert!(run.stdout().contains("kosten_beleid"), "{}", run.stdout());
    // explain shows the same tariff and its rules.
    let explained = richttarief(
        &[
            "explain",
            "--config",
            config.to_str().unwrap(),
            "--kvk",
            &essential["kvk"],
        ],
        &[],
        &root(),
    );
    explained.expect_code(0);
    assert!(
        explained.stdout().contains("Tariffs per zorgkantoor"),
        "{}",
        explained.stdout()
    );
    assert!(
        explained
            .stdout()
            .contains("basis 95.5%; essentiele-functie +0.5"),
        "{}",
        explained.stdout()
    );
}

#[test]
fn tarieven_gives_identical_bytes_for_any_thread_count() {
    let config = root().join("data/voorbeeld/richttarief.toml");
    let (a, b) = (scratch("tar1").join("uit"), scratch("tar2").join("uit"));
    command_to("tarieven", &config, &a, &[("RAYON_NUM_THREADS", "1")]).expect_code(0);
    command_to("tarieven", &config, &b, &[("RAYON_NUM_THREADS", "2")]).expect_code(0);
    for f in [
        "tarieven.csv",
        "resultaten.csv",
        "kosten.csv",
        "hardheidsclausule.csv",
        "gesprek.csv",
    ] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f}");
    }
    assert_eq!(
        std::fs::read(a.join("tarieven.xlsx")).unwrap(),
        std::fs::read(b.join("tarieven.xlsx")).unwrap()
    );
}

#[test]
fn bad_kenmerken_and_policies_name_file_row_and_rule() {
    let make = |name: &str| -> PathBuf {
        let dir = scratch(name);
        for f in [
            "jaarverslagen.csv",
            "declaraties.csv.gz",
            "tarieven.csv",
            "koppeltabel.csv",
            "kenmerken.csv",
            "contracteerruimte.csv",
            "richttarief.toml",
        ] {
            std::fs::copy(root().join("data/voorbeeld").join(f), dir.join(f)).unwrap();
        }
        dir
    };
    // An unknown column.
    let dir = make("bad-kenmerken-column");
    let k = read(&dir.join("kenmerken.csv")).replacen(
        "kvk,zorgkantoor,",
        "kvk,zorgkantoor,gouden_rand,",
        1,
    );
    let k: String = k
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{l}\n")
            } else {
                l.replacen(',', ",,", 2).replacen(",,", ",", 1) + "\n"
            }
        })
        .collect();
    std::fs::write(dir.join("kenmerken.csv"), k).unwrap();
    let out = dir.join("uit");
    let run = command_to("tarieven", &dir.join("richttarief.toml"), &out, &[]);
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("kenmerken.csv: unknown column \"gouden_rand\""),
        "{}",
        run.stderr()
    );
    assert!(!out.exists());
    // An unknown zorgkantoor and a value of the wrong kind, by row and column.
    let dir = make("bad-kenmerken-values");
    let k = read(&dir.join("kenmerken.csv"));
    let mut lines: Vec<String> = k.lines().map(str::to_string).collect();
    lines[1] = lines[1].replacen("Salland", "Achmea", 1);
    let monitor = lines[0]
        .split(',')
        .position(|h| h == "monitor_uitkomst")
        .unwrap();
    let mut cells: Vec<String> = lines[3].split(',').map(str::to_string).collect();
    cells[monitor] = "3".into();
    lines[3] = cells.join(",");
    std::fs::write(dir.join("kenmerken.csv"), lines.join("\n") + "\n").unwrap();
    let run = command_to(
        "tarieven",
        &dir.join("richttarief.toml"),
        &dir.join("uit"),
        &[],
    );
    run.expect_code(1);
    let err = run.stderr();
    assert!(
        err.contains("row 2, column \"zorgkantoor\": unknown zorgkantoor \"Achmea\""),
        "{err}"
    );
    assert!(
        err.contains("row 4, column \"monitor_uitkomst\": 3 is above 1 (procentpunt)"),
        "{err}"
    );
    // A policy that names an unknown characteristic.
    let dir = make("bad-policy");
    std::fs::create_dir_all(dir.join("beleid")).unwrap();
    std::fs::write(
        dir.join("beleid/cz.toml"),
        "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\nrtp = true\n[[regel]]\nnaam = \"glans\"\nbron.document = \"t\"\nbron.sectie = \"x\"\nplus = 1\nals = { gouden_rand = true }\n",
    )
    .unwrap();
    let config = with_policies(&read(&dir.join("richttarief.toml")));
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    let run = command_to(
        "tarieven",
        &dir.join("richttarief.toml"),
        &dir.join("uit"),
        &[],
    );
    run.expect_code(1);
    assert!(
        run.stderr()
            .contains("beleid/cz.toml: regel \"glans\": als.gouden_rand: unknown characteristic"),
        "{}",
        run.stderr()
    );
}

#[test]
fn without_a_policy_every_model_pays_the_rtp_as_the_core_does() {
    // Kenmerken for everyone at VGZ, which has no policy here: every prestatie is paid as
    // the model pays at the RTP, so the result at the tariffs is R(RTP) exactly, also when
    // NHC/NIC are not stripped (hof-2024, zn-2024) and when ρ = W/D.
    for (name, model, appended) in [
        ("hof", "hof-2024", ""),
        ("zn2024", "zn-2024", ""),
        (
            "rho",
            "zn-2027",
            "\n[berekening]\nschaling = \"jaarverslag\"\n",
        ),
    ] {
        let dir = sample_data(&format!("no-policy-{name}"));
        std::fs::write(
            dir.join("beleid/dsw.toml"),
            "zorgkantoor = \"DSW\"\nsector = \"GGZ\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\npercentage = 90\n",
        )
        .unwrap();
        let mut kenmerken = String::from("kvk,zorgkantoor\n");
        for r in csv_records(&root().join("data/voorbeeld/jaarverslagen.csv")) {
            kenmerken += &format!("{},VGZ\n", r["kvk"]);
        }
        std::fs::write(dir.join("kenmerken.csv"), kenmerken).unwrap();
        let config = with_policies(
            &read(&root().join("data/voorbeeld/richttarief.toml"))
                .replace("model = \"zn-2027\"", &format!("model = \"{model}\"")),
        ) + appended;
        std::fs::write(dir.join("richttarief.toml"), &config).unwrap();
        let out = dir.join("uit");
        command_to("tarieven", &dir.join("richttarief.toml"), &out, &[]).expect_code(0);
        let rows = csv_records(&out.join("resultaten.csv"));
        let with_result: Vec<_> = rows.iter().filter(|r| !r["resultaat"].is_empty()).collect();
        assert!(with_result.len() > 50, "{name}: {}", with_result.len());
        for r in with_result {
            assert_eq!(
                r["resultaat_bij_tarief"], r["resultaat_bij_rtp"],
                "{name}: {}",
                r["kvk"]
            );
        }
        let lines = csv_records(&out.join("tarieven.csv"));
        assert!(
            lines
                .iter()
                .all(|l| l["regels"].starts_with("geen beleid") || l["regels"] == "volledig 100%"),
            "{name}"
        );
    }
}

// ---------------------------------------------------------------------------------------
// 9. The characteristics are data: a vocabulary of one's own, without a code change.

/// A vocabulary with one characteristic of its own, and the same file inside the policy
/// glob, where it must not be taken for a policy.
const EIGEN_VOCABULARY: &str = "[[kenmerk]]\nnaam = \"proef_opslag\"\nsoort = \"punten\"\neenheid = \"procentpunt\"\nminimaal = 0\nmaximaal = 2\nomschrijving = \"een opslag die alleen deze test kent\"\n";

#[test]
fn a_characteristic_declared_in_the_vocabulary_file_reaches_input_and_policy_without_code() {
    // One VV provider with V1 100 days × €100. Its VGZ policy pays 90% plus the points the
    // characteristic holds: 1.5 → 91.5%, so V1 costs 100 × €100 × 91.5% = €9,150.00.
    let policy = "zorgkantoor = \"VGZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nbronnen.t.document = \"test\"\nbronnen.t.uitgever = \"test\"\nbronnen.t.datum = \"2024\"\n[basis]\npercentage = 90\n[[regel]]\nnaam = \"proef\"\nbron.document = \"t\"\nbron.sectie = \"test\"\nplus_kenmerk = \"proef_opslag\"\n";
    let set = |kenmerken: &'static str, name: &str| {
        let dir = Set {
            model: "zn-2027",
            tables: "",
            jaarverslagen: "10000001,Proef BV,2024,10000.00,10000.00,9000.00,0.00,0.00,VV\n",
            declaraties: "10000001,2024,V1,100,10000.00\n",
            kenmerken,
            policies: &[("vgz.toml", policy), ("eigen.toml", EIGEN_VOCABULARY)],
            new_providers: &[],
        }
        .write(name);
        let config = read(&dir.join("richttarief.toml")).replace(
            "[beleid]\n",
            "[beleid]\nkenmerken = \"beleid/eigen.toml\"\n",
        );
        std::fs::write(dir.join("richttarief.toml"), config).unwrap();
        dir
    };
    // tarieven on `dir` must stop (exit 1): what it said.
    let refused = |dir: &Path| -> String {
        let run = command_to(
            "tarieven",
            &dir.join("richttarief.toml"),
            &dir.join("uit"),
            &[],
        );
        run.expect_code(1);
        run.stderr()
    };
    let dir = set(
        "kvk,zorgkantoor,proef_opslag\n10000001,VGZ,1.5\n",
        "eigen-kenmerk",
    );
    let out = tarieven(&dir);
    let v1 = csv_records(&out.join("tarieven.csv"));
    let v1 = row(&v1, "10000001", Some("V1"));
    assert_eq!(v1["percentage"], "91.50", "{v1:?}");
    assert_eq!(v1["regels"], "basis 90%; proef +1.5");
    assert_eq!(v1["kosten_beleid"], "9150.00");
    // The vocabulary is named in the manifest with the policies, by its hash.
    let manifest = read(&out.join("manifest.json"));
    assert!(manifest.contains("beleid/eigen.toml"), "{manifest}");

    // Its range is the vocabulary's, with its unit; a shipped characteristic is unknown
    // under this vocabulary.
    let dir = set(
        "kvk,zorgkantoor,proef_opslag\n10000001,VGZ,2.5\n",
        "eigen-kenmerk-bereik",
    );
    let err = refused(&dir);
    assert!(
        err.contains("row 2, column \"proef_opslag\": 2.5 is above 2 (procentpunt)"),
        "{err}"
    );
    let dir = set(
        "kvk,zorgkantoor,nieuwe_aanbieder\n10000001,VGZ,ja\n",
        "eigen-kenmerk-onbekend",
    );
    let err = refused(&dir);
    assert!(
        err.contains("unknown column \"nieuwe_aanbieder\"; a characteristic must be one of proef_opslag (the vocabulary beleid/eigen.toml)"),
        "{err}"
    );
    assert!(!dir.join("uit").exists());

    // A vocabulary that is not there is named by its key.
    let config =
        read(&dir.join("richttarief.toml")).replace("beleid/eigen.toml", "beleid/weg.toml");
    std::fs::write(dir.join("richttarief.toml"), config).unwrap();
    let err = refused(&dir);
    assert!(
        err.contains("beleid.kenmerken: \"beleid/weg.toml\": no such file"),
        "{err}"
    );
}
