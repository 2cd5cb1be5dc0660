//! `tarieven` on small hand-made data sets whose every figure is worked out in the tests'
//! comments: tariffs bounded to 0-100% when no policy pays them, one `resultaatmarge`
//! (R ÷ O) for providers inside and outside the population, exact threshold decisions,
//! and the sector of providers outside the population under `sector_bron`.

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
const DSW_GGZ: &str = "zorgkantoor = \"DSW\"\nsector = \"GGZ\"\nperiode = \"test\"\nbron = \"test\"\n[basis]\npercentage = 90\n";

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
    richttarief(
        &[
            "tarieven",
            "--config",
            dir.join("richttarief.toml").to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
        &root(),
    )
    .expect_code(0);
    out
}

fn records(path: &Path) -> Vec<BTreeMap<String, String>> {
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
        let lines = records(&out.join("tarieven.csv"));
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
        let results = records(&out.join("resultaten.csv"));
        let r = row(&results, "10000001", None);
        assert_eq!(r["rtp"], rtp, "{model}");
        assert_eq!(r["resultaat"], "-1000.00", "{model}");
        assert_eq!(r["resultaat_bij_tarief"], "-1000.00", "{model}: {r:?}");
        assert_eq!(r["hardheidsclausule"], "ja", "{model}");
        let hardship = records(&out.join("hardheidsclausule.csv"));
        assert_eq!(hardship.len(), 1, "{model}");
        let costs = records(&out.join("kosten.csv"));
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
