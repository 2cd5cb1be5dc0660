//! The policies' tests: validation and evaluation on hand-written policies, and the helpers
//! every policy test shares (`shipped` tests the shipped files, `format` each construct of
//! the format).

use super::*;
use crate::model::kenmerken::Value;
use crate::model::Component;
use std::cmp::Ordering;
use std::str::FromStr;

pub(super) fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

pub(super) fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The sample's configuration.
fn sample() -> crate::config::Config {
    crate::config::load(&root().join("data/voorbeeld/richttarief.toml")).unwrap()
}

/// The sample's tariff table, which holds every code the shipped policies name.
pub(super) fn tariffs() -> BTreeMap<String, Tariff> {
    let config = sample();
    let spec = config.input(crate::config::Input::Tarieven).unwrap();
    crate::ingest::read_tariffs(&spec).unwrap().by_code
}

/// The shipped vocabulary of characteristics.
pub(super) fn vocabulary() -> crate::model::kenmerken::Vocabulary {
    let path = root().join("data/beleid/kenmerken.toml");
    crate::ingest::vocabulary::parse(
        "data/beleid/kenmerken.toml",
        &std::fs::read_to_string(path).unwrap(),
    )
    .unwrap()
}

fn shipped(name: &str) -> Policy {
    let path = root().join("data/beleid").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    parse(name, &text, &tariffs(), &vocabulary(), 2024).unwrap_or_else(|e| panic!("{e:?}"))
}

/// A provider's characteristics, written as the kenmerken file would hold them.
pub(super) fn facts(pairs: &[(&'static str, &str)]) -> BTreeMap<&'static str, Value> {
    pairs
        .iter()
        .map(|&(k, v)| {
            let value = match v {
                "ja" => Value::Flag(true),
                "nee" => Value::Flag(false),
                n => Value::Number(d(n)),
            };
            (k, value)
        })
        .collect()
}

/// The percentage (in percent) a policy pays for `code` to a provider with `pairs`,
/// whose group's RTP is `rtp` percent.
fn pays(p: &Policy, code: &str, rtp: &str, pairs: &[(&'static str, &str)]) -> Decimal {
    pays_for(p, code, &tariffs()[code], rtp, pairs)
}

/// As `pays`, for a tariff row the sample's table does not hold.
fn pays_for(
    p: &Policy,
    code: &str,
    t: &Tariff,
    rtp: &str,
    pairs: &[(&'static str, &str)],
) -> Decimal {
    let priced = priced_as(p, code, t, t.sector, rtp, pairs);
    (priced.percentage().expect("a percentage") * Decimal::ONE_HUNDRED).normalize()
}

/// What `p` makes of `code` (tariff row `t`) for a provider of `sector` with the
/// characteristics `pairs`, whose group's RTP is `rtp` percent; no figures known.
pub(super) fn priced_as(
    p: &Policy,
    code: &str,
    t: &Tariff,
    sector: Sector,
    rtp: &str,
    pairs: &[(&'static str, &str)],
) -> Priced {
    let kenmerken = facts(pairs);
    let f = Facts {
        kenmerken: &kenmerken,
        resultaatmarge: None,
        intramuraal_aandeel: None,
        rtp: d(rtp) / Decimal::ONE_HUNDRED,
        sector,
        resultaatmarge_bij_tarief: None,
    };
    p.price(code, t, &f).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn zilveren_kruis_vv() {
    let p = shipped("zilveren-kruis-vv-2024-2026.toml");
    assert_eq!(
        pays(&p, "Z053", "96.2", &[]),
        d("95.5"),
        "the published RTP, not the run's"
    );
    assert_eq!(
        pays(&p, "Z053", "96.2", &[("essentiele_functie", "ja")]),
        d("96.0")
    );
    assert_eq!(
        pays(&p, "H126", "96.2", &[("nieuwe_aanbieder", "ja")]),
        d("93.5")
    );
    // A new provider's 93.5% is not raised by an essential role.
    assert_eq!(
        pays(
            &p,
            "H126",
            "96.2",
            &[("nieuwe_aanbieder", "ja"), ("essentiele_functie", "ja")]
        ),
        d("93.5")
    );
    // The sample embeds NHC and NIC in its zzp tariffs; a table that lists NHC on a row of
    // its own (as an NZa table may) is paid at the policy's kapitaal percentage.
    let nhc = Tariff {
        component: Component::Nhc,
        kapitaal_per_eenheid: Decimal::ZERO,
        ..tariffs()["Z053"].clone()
    };
    assert_eq!(
        pays_for(&p, "NHC", &nhc, "96.2", &[("nieuwe_aanbieder", "ja")]),
        d("100")
    );
    assert_eq!(
        pays(&p, "Z901", "96.2", &[]),
        d("100"),
        "volledig is never scaled"
    );
}

#[test]
fn cz_vv() {
    let p = shipped("cz-vv-2024-2026.toml");
    assert_eq!(pays(&p, "Z063", "96.2", &[]), d("95.5"));
    assert_eq!(
        pays(
            &p,
            "Z063",
            "96.2",
            &[("arbeidsbesparende_technologie", "ja")]
        ),
        d("95.6")
    );
    assert_eq!(
        pays(&p, "Z063", "96.2", &[("afspraken_beweging", "ja")]),
        d("95.8")
    );
    assert_eq!(
        pays(
            &p,
            "Z063",
            "96.2",
            &[
                ("arbeidsbesparende_technologie", "ja"),
                ("afspraken_beweging", "ja")
            ]
        ),
        d("95.9")
    );
    assert_eq!(
        pays(&p, "Z063", "96.2", &[("vrij_voorstel", "98.2")]),
        d("98.2")
    );
    assert_eq!(
        pays(&p, "Z063", "96.2", &[("vrij_voorstel", "100")]),
        d("100")
    );
    assert_eq!(
        pays(
            &p,
            "Z063",
            "96.2",
            &[("vrij_voorstel", "98.2"), ("nieuwe_aanbieder", "ja")]
        ),
        d("93.5")
    );
}

#[test]
fn salland_vv() {
    let p = shipped("salland-vv-2024-2026.toml");
    assert_eq!(
        pays(&p, "H104", "96.2", &[("regionale_rol", "-2")]),
        d("93.5")
    );
    assert_eq!(
        pays(&p, "H104", "96.2", &[("regionale_rol", "1")]),
        d("96.5")
    );
    assert_eq!(pays(&p, "H104", "96.2", &[]), d("95.5"));
    assert_eq!(
        pays(&p, "H104", "96.2", &[("nieuwe_aanbieder", "ja")]),
        d("93.5")
    );
}

#[test]
fn zorg_en_zekerheid_vv() {
    let p = shipped("zorg-en-zekerheid-vv-2024-2026.toml");
    assert_eq!(
        pays(&p, "V051", "96.2", &[("werkgeversopslag", "ja")]),
        d("95.8")
    );
    assert_eq!(
        pays(&p, "V051", "96.2", &[("werkgeversopslag", "nee")]),
        d("95.5")
    );
}

const HEAD: &str = "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024\"\nbron.document = \"b\"\nbron.sectie = \"geheel\"\n[bronnen.b]\ndocument = \"Inkoopbeleid\"\nuitgever = \"CZ\"\ndatum = \"2023\"\n[basis]\nrtp = true\n";

fn problems(rules: &str) -> String {
    parse(
        "test.toml",
        &format!("{HEAD}{rules}"),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap_err()
    .to_string()
}

#[test]
fn bad_rules_are_named_by_file_and_rule() {
    let e =
        problems("[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nals = { gouden_rand = true }\n");
    assert!(
        e.contains("test.toml: regel \"a\": als.gouden_rand: unknown characteristic"),
        "{e}"
    );
    let e = problems("[[regel]]\nnaam = \"b\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 100\nprestaties = [\"V9VV\"]\n");
    assert!(
        e.contains("regel \"b\": prestatiecode \"V9VV\" is not in the tariff table"),
        "{e}"
    );
    // A Wlz prestatiecode of Vektis list 055 that the run's table lacks (SGLVG's Z573) is a
    // real code this table does not price: the rule loads and prices nothing of it here.
    let text = format!(
        "{HEAD}[[regel]]\nnaam = \"sglvg\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 100\nprestaties = [\"Z573\"]\n"
    );
    assert!(!tariffs().contains_key("Z573"));
    let gz = text.replace("sector = \"VV\"", "sector = \"GZ\"");
    parse("test.toml", &gz, &tariffs(), &vocabulary(), 2024).unwrap_or_else(|e| panic!("{e}"));
    // The list's sector still holds: Z573 is GZ care, not VV.
    let e = parse("test.toml", &text, &tariffs(), &vocabulary(), 2024)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("prestatiecode \"Z573\" is GZ in Vektis list 055, not VV"),
        "{e}"
    );
    let e =
        problems("[[regel]]\nnaam = \"c\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nleveringsvorm = [\"thuis\"]\n");
    assert!(
        e.contains("regel \"c\": unknown leveringsvorm \"thuis\""),
        "{e}"
    );
    let e = problems(
        "[[regel]]\nnaam = \"d\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 101\n",
    );
    assert!(
        e.contains("regel \"d\": zet = 101: outside 0 to 100 percent"),
        "{e}"
    );
    let e =
        problems("[[regel]]\nnaam = \"e\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus_kenmerk = \"nieuwe_aanbieder\"\n");
    assert!(
        e.contains("regel \"e\": the characteristic \"nieuwe_aanbieder\" has the wrong kind"),
        "{e}"
    );
    let e = problems(
        "[[regel]]\nnaam = \"f\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nmin = 1\n",
    );
    assert!(e.contains("regel \"f\": give exactly one of"), "{e}");
    let e = problems("[[regel]]\nnaam = \"g\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nvoorwaarde = 3\n");
    assert!(e.contains("voorwaarde"), "an unknown key: {e}");
    let e = parse(
        "test.toml",
        &HEAD
            .replace("rtp = true", "rtp = true\n")
            .replace("periode = \"2024\"", "periode = \"2024\"\nbovengrens = 120"),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("test.toml: bovengrens: 120 is outside 0 to 100 percent"),
        "{e}"
    );
}

#[test]
fn two_rules_setting_the_same_prestatie_need_a_stated_order() {
    let two = "[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 93.5\nals = { nieuwe_aanbieder = true }\n[[regel]]\nnaam = \"b\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 100\nleveringsvorm = [\"mpt\"]\n";
    let e = problems(two);
    assert!(
        e.contains(
            "test.toml: regel \"a\" and regel \"b\" both set the percentage of the same prestaties"
        ),
        "{e}"
    );
    // A stated order resolves it, and the higher voorrang wins where both apply.
    let ordered = two.replace("zet = 100\n", "zet = 100\nvoorrang = 1\n");
    let p = parse(
        "test.toml",
        &format!("{HEAD}{ordered}"),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap();
    assert_eq!(
        pays(&p, "H126", "96", &[("nieuwe_aanbieder", "ja")]),
        d("100")
    );
    assert_eq!(
        pays(&p, "Z053", "96", &[("nieuwe_aanbieder", "ja")]),
        d("93.5")
    );
    // Scopes that cannot meet (intramural codes, MPT) do not conflict.
    let apart = "[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 93.5\nleveringsvorm = [\"intramuraal\"]\n[[regel]]\nnaam = \"b\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 100\nleveringsvorm = [\"mpt\"]\n";
    assert!(parse(
        "test.toml",
        &format!("{HEAD}{apart}"),
        &tariffs(),
        &vocabulary(),
        2024
    )
    .is_ok());
}

#[test]
fn every_problem_of_every_file_at_once() {
    let dir = std::env::temp_dir().join(format!("richttarief-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("a.toml"),
        format!("{HEAD}[[regel]]\nnaam = \"x\"\nbron.document = \"b\"\nbron.sectie = \"y\"\nzet = 200\n"),
    )
    .unwrap();
    std::fs::write(dir.join("b.toml"), HEAD.replace("\"CZ\"", "\"Achmea\"")).unwrap();
    std::fs::write(dir.join("c.toml"), HEAD).unwrap();
    let files: Vec<InputPath> = ["a.toml", "b.toml", "c.toml"]
        .map(|name| InputPath {
            shown: name.to_string(),
            path: dir.join(name),
        })
        .into();
    let e = load(&files, &tariffs(), &vocabulary(), 2024)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("2 problems"), "{e}");
    assert!(e.contains("a.toml: regel \"x\": zet = 200"), "{e}");
    assert!(
        e.contains("b.toml: zorgkantoor: \"Achmea\" is not one of"),
        "{e}"
    );
    // Two policies of one zorgkantoor for one sector.
    std::fs::write(dir.join("a.toml"), HEAD).unwrap();
    std::fs::write(dir.join("b.toml"), HEAD).unwrap();
    let e = load(&files, &tariffs(), &vocabulary(), 2024)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("b.toml: a second policy of CZ for VV in force in 2024 (the first is a.toml)"),
        "{e}"
    );
}

#[test]
fn a_result_outside_0_to_100_is_refused_not_clamped() {
    // Statically: more than 100 points.
    let e = problems(
        "[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nmin = 120\n",
    );
    assert!(e.contains("regel \"a\": 120 points: give 0 to 100"), "{e}");
    // At run time: points that are fine alone but take a provider below 0%.
    let text = format!(
        "{HEAD}[[regel]]\nnaam = \"korting\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nmin = 60\n[[regel]]\nnaam = \"nog-een\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nmin = 50\nals = {{ nieuwe_aanbieder = true }}\n"
    );
    let p = parse("test.toml", &text, &tariffs(), &vocabulary(), 2024).unwrap();
    let kenmerken = facts(&[("nieuwe_aanbieder", "ja")]);
    let f = Facts {
        kenmerken: &kenmerken,
        resultaatmarge: None,
        intramuraal_aandeel: None,
        rtp: d("0.96"),
        sector: Sector::Vv,
        resultaatmarge_bij_tarief: None,
    };
    let e = p.price("Z053", &tariffs()["Z053"], &f).unwrap_err();
    assert!(
        e.contains("test.toml: regel \"nog-een\" gives Z053 a percentage of -14%"),
        "{e}"
    );
    // With a floor the policy states, the floor holds.
    let floored = parse(
        "test.toml",
        &text.replace("periode = \"2024\"", "periode = \"2024\"\nondergrens = 80"),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap();
    assert_eq!(
        floored
            .price("Z053", &tariffs()["Z053"], &f)
            .unwrap()
            .percentage(),
        Some(d("0.8"))
    );
}

#[test]
fn conditions_are_checked_in_their_own_unit() {
    // (percentage_2023 = { minimaal = 0.95 } cannot be told from a real 0.95%: it loads.)
    let e = problems("[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nals = { percentage_2023 = { minimaal = 101 } }\n");
    assert!(
        e.contains("als.percentage_2023: 101 is outside 0 to 100: write it in procent van het NZa-maximumtarief"),
        "{e}"
    );
    let e = problems("[[regel]]\nnaam = \"b\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nals = { monitor_uitkomst = { boven = 50 } }\n");
    assert!(
        e.contains(
            "regel \"b\": als.monitor_uitkomst: 50 is outside -1 to 1: write it in procentpunt"
        ),
        "{e}"
    );
    let e = problems(
        "[[regel]]\nnaam = \"c\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nals = { mpt_groei = { minimaal = 2 } }\n",
    );
    assert!(
        e.contains("als.mpt_groei: 2 is outside -1 to 1: write it in fractie (0,02 = 2%)"),
        "{e}"
    );
    let e = parse(
        "test.toml",
        &HEAD.replace(
            "periode = \"2024\"",
            "periode = \"2024\"\ngesprek_resultaat_boven = 5",
        ),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("gesprek_resultaat_boven: 5 is not a margin as a fraction"),
        "{e}"
    );
}

#[test]
fn rules_that_could_never_apply_or_misuse_voorrang_are_refused() {
    let e = problems("[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nprestaties = []\n");
    assert!(
        e.contains("regel \"a\": prestaties = []: the rule would never apply"),
        "{e}"
    );
    let e = problems("[[regel]]\nnaam = \"b\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nvoorrang = 3\n");
    assert!(
        e.contains("regel \"b\": voorrang orders rules that set a percentage"),
        "{e}"
    );
    // VV has no care prestatie delivered "overig" in the sample's table (T101 is volledig).
    let e =
        problems("[[regel]]\nnaam = \"c\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nleveringsvorm = [\"overig\"]\n");
    assert!(
        e.contains(
            "regel \"c\": no VV care prestatie of the tariff table has leveringsvorm overig"
        ),
        "{e}"
    );
}

#[test]
fn set_rules_whose_conditions_exclude_each_other_do_not_conflict() {
    let text = "[[regel]]\nnaam = \"nieuw\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 93.5\nals = { nieuwe_aanbieder = true }\n[[regel]]\nnaam = \"bestaand\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nzet = 96\nals = { nieuwe_aanbieder = false }\n";
    let p = parse(
        "test.toml",
        &format!("{HEAD}{text}"),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap();
    assert_eq!(
        pays(&p, "Z053", "95", &[("nieuwe_aanbieder", "ja")]),
        d("93.5")
    );
    assert_eq!(pays(&p, "Z053", "95", &[]), d("96"));
}

#[test]
fn combinations_of_the_published_rules() {
    // A new Menzis GZ provider with guaranteed complex care: RTP − 2 + 2 on VG7 (Z473).
    let menzis = shipped("menzis-gz-2027-2029.toml");
    assert_eq!(
        pays(
            &menzis,
            "Z473",
            "96.0",
            &[("nieuwe_aanbieder", "ja"), ("complexe_zorg_garantie", "ja")]
        ),
        d("96.0")
    );
    // Zilveren Kruis GZ: essential care stays 100% for a provider contributing less.
    let zk = shipped("zilveren-kruis-gz-2027-2029.toml");
    assert_eq!(
        pays(&zk, "Z491", "96.7", &[("minder_regionale_bijdrage", "ja")]),
        d("100")
    );
    // DSW V&V: a 2023 percentage above the maximum comes down to 97.5% with monitor 0.
    let dsw = shipped("dsw-vv-2024-2026.toml");
    assert_eq!(
        pays(
            &dsw,
            "Z041",
            "96.2",
            &[("percentage_2023", "98"), ("monitor_uitkomst", "0")]
        ),
        d("97.5")
    );
    // CZ: a new provider's 93.5% holds against a free proposal of 100%.
    let cz = shipped("cz-vv-2024-2026.toml");
    assert_eq!(
        pays(
            &cz,
            "Z041",
            "96.2",
            &[("nieuwe_aanbieder", "ja"), ("vrij_voorstel", "100")]
        ),
        d("93.5")
    );
    // The GZ files of CZ, Salland and Zorg en Zekerheid: RTP − 2 for new providers.
    for f in [
        "cz-gz-2027-2029.toml",
        "salland-gz-2027-2029.toml",
        "zorg-en-zekerheid-gz-2027-2029.toml",
    ] {
        let p = shipped(f);
        assert_eq!(pays(&p, "Z457", "96.3", &[]), d("96.3"), "{f}");
        assert_eq!(
            pays(&p, "Z457", "96.3", &[("nieuwe_aanbieder", "ja")]),
            d("94.3"),
            "{f}"
        );
    }
}

#[test]
fn a_quotient_is_compared_by_its_exact_parts() {
    // 1 ÷ 30 rounds to 0.0333333333333333333333333333 at 28 decimals, the threshold
    // itself; exactly, 1 > 0.0333333333333333333333333333 × 30 = 0.999…9 (27 nines).
    let third = d("0.0333333333333333333333333333");
    assert_eq!(d("1") / d("30"), third, "the rounded quotient ties");
    let q = Quotient::of(d("1"), d("30")).unwrap();
    assert_eq!(q.cmp_to(third), Ordering::Greater);
    // On the threshold exactly: 150 ÷ 3000 = 0.05; one cent more is above it.
    assert_eq!(
        Quotient::of(d("150.00"), d("3000"))
            .unwrap()
            .cmp_to(d("0.05")),
        Ordering::Equal
    );
    assert_eq!(
        Quotient::of(d("150.01"), d("3000"))
            .unwrap()
            .cmp_to(d("0.05")),
        Ordering::Greater
    );
    // v·d beyond rust_decimal's 96 bits: MAX ÷ MAX = 1, and 1 − 10^-28 is below it.
    let max = Decimal::MAX;
    let q = Quotient::of(max, max).unwrap();
    assert_eq!(q.cmp_to(Decimal::ONE), Ordering::Equal);
    assert_eq!(
        q.cmp_to(d("0.9999999999999999999999999999")),
        Ordering::Greater
    );
    // (−1) ÷ 3 against −0.3333333333333333333333333333: below it.
    assert_eq!(
        Quotient::of(d("-1"), d("3"))
            .unwrap()
            .cmp_to(d("-0.3333333333333333333333333333")),
        Ordering::Less
    );
    // No quotient on a denominator ≤ 0.
    assert!(Quotient::of(d("1"), Decimal::ZERO).is_none());
    assert!(Quotient::of(d("1"), d("-3")).is_none());
}

#[test]
fn conditions_on_figures_are_exact_and_an_unknown_figure_satisfies_none() {
    let kenmerken = BTreeMap::new();
    let with = |marge: Option<Quotient>, aandeel: Option<Quotient>| Facts {
        kenmerken: &kenmerken,
        resultaatmarge: marge,
        intramuraal_aandeel: aandeel,
        rtp: d("0.96"),
        sector: Sector::Vv,
        resultaatmarge_bij_tarief: None,
    };
    let above = |s, v: &str| Condition::Compare(s, Cmp::Above, d(v));
    let below = |s, v: &str| Condition::Compare(s, Cmp::Below, d(v));
    let at_most = |s, v: &str| Condition::Compare(s, Cmp::AtMost, d(v));
    let f = with(
        Quotient::of(d("100"), d("3000")),
        Quotient::of(d("100"), d("300")),
    );
    let m = Subject::Resultaatmarge;
    let a = Subject::IntramuraalAandeel;
    assert!(f.holds(&above(m, "0.0333333333333333333333333333"), Sector::Vv));
    assert!(!f.holds(&at_most(m, "0.0333333333333333333333333333"), Sector::Vv));
    assert!(f.holds(&above(a, "0.3333333333333333333333333333"), Sector::Vv));
    assert!(f.holds(&below(a, "0.3333333333333333333333333334"), Sector::Vv));
    // Unknown: neither above nor below anything, not even a margin of 0.
    let unknown = with(None, None);
    for c in [
        above(m, "-1"),
        below(m, "1"),
        at_most(m, "0"),
        above(a, "0"),
        below(a, "1"),
    ] {
        assert!(!unknown.holds(&c, Sector::Vv), "{c:?}");
    }
}

#[test]
fn conditions_on_the_figures_and_negative_fractions_are_read_in_their_unit() {
    // The run's figures are conditions of their own (not characteristics), and a margin
    // or a growth may be negative down to −1.
    let p = parse(
        "test.toml",
        &format!(
            "{HEAD}[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nals = {{ resultaatmarge = {{ onder = -0.02 }}, intramuraal_aandeel = {{ minimaal = 0.01 }}, mpt_groei = {{ minimaal = -0.5 }} }}\n"
        ),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap();
    let mut got = p.rules[0].conditions.all.clone();
    got.sort_by_key(|c| format!("{c:?}"));
    let mut want = vec![
        Condition::Compare(Subject::Resultaatmarge, Cmp::Below, d("-0.02")),
        Condition::Compare(Subject::IntramuraalAandeel, Cmp::AtLeast, d("0.01")),
        Condition::Compare(Subject::Kenmerk("mpt_groei"), Cmp::AtLeast, d("-0.5")),
    ];
    want.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(got, want);
    let e = problems("[[regel]]\nnaam = \"b\"\nbron.document = \"b\"\nbron.sectie = \"x\"\nplus = 1\nals = { resultaatmarge = { boven = -1.5 } }\n");
    assert!(
        e.contains("als.resultaatmarge: -1.5 is outside -1 to 1: write it in fractie (0.05 = 5%)"),
        "{e}"
    );
}

/// The constructs of contract version 6.
#[cfg(test)]
mod format;
