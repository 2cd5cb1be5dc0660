//! The constructs of the policy format's contract version 6, each on a hand-written policy
//! and hand-made facts, the expected result worked out by hand in a comment.

use super::*;
use crate::policy::amounts::AmountBasis;

/// A CZ V&V policy for 2024-2025 with one document `b`, then `rest`.
fn policy_text(rest: &str) -> String {
    format!(
        "zorgkantoor = \"CZ\"\nsector = \"VV\"\nperiode = \"2024-2025\"\nbron.document = \"b\"\nbron.sectie = \"geheel\"\n{rest}"
    )
}

const DOC: &str =
    "[bronnen.b]\ndocument = \"Inkoopbeleid Wlz 2024-2025\"\nuitgever = \"CZ\"\ndatum = \"2023\"\n";
const RTP: &str = "[basis]\nrtp = true\n";

/// A rule's source as dotted keys, so it can stand in a `format!` string.
const BRON: &str = "bron.document = \"b\"\nbron.sectie = \"§1\"\n";

fn read_for(jaar: i32, rest: &str) -> Policy {
    parse(
        "test.toml",
        &policy_text(rest),
        &tariffs(),
        &vocabulary(),
        jaar,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

fn refused(rest: &str) -> String {
    parse(
        "test.toml",
        &policy_text(rest),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap_err()
    .to_string()
}

/// The facts of a provider of `sector` with characteristics `pairs`, RTP `rtp` percent.
fn priced(
    p: &Policy,
    code: &str,
    rtp: &str,
    sector: Sector,
    pairs: &[(&'static str, &str)],
) -> Priced {
    priced_as(p, code, &tariffs()[code], sector, rtp, pairs)
}

#[test]
fn a_value_given_for_one_year_applies_in_that_year_only() {
    let text = format!(
        "kapitaal = {{ percentage = {{ 2024 = 90 }}, bron = {{ document = \"b\", sectie = \"§2\" }} }}\n{DOC}{RTP}[[regel]]\nnaam = \"opslag\"\n{BRON}plus = {{ 2024 = 0.3 }}\n"
    );
    // 2024: RTP 96.0 + 0.3 = 96.3; NHC at the 2024 kapitaal, 90%.
    let p2024 = read_for(2024, &text);
    assert_eq!(pays(&p2024, "Z053", "96.0", &[]), d("96.3"));
    let nhc = Tariff {
        component: Component::Nhc,
        ..tariffs()["Z053"].clone()
    };
    assert_eq!(pays_for(&p2024, "NHC", &nhc, "96.0", &[]), d("90"));
    assert_eq!(p2024.rules[0].status, Status::Active);
    // 2025: the surcharge is not published: RTP 96.0 unchanged, and the step says why;
    // kapitaal falls back to its default of 100% and says so.
    let p2025 = read_for(2025, &text);
    assert_eq!(p2025.rules[0].status, Status::NotPublished(2025));
    let got = priced(&p2025, "Z053", "96.0", Sector::Vv, &[]);
    assert_eq!(got.percentage(), Some(d("0.96")));
    assert_eq!(
        got.steps,
        ["basis rtp 96%", "opslag: niet gepubliceerd voor 2025"]
    );
    let kenmerken = facts(&[]);
    let f = Facts {
        kenmerken: &kenmerken,
        resultaatmarge: None,
        intramuraal_aandeel: None,
        rtp: d("0.96"),
        sector: Sector::Vv,
        resultaatmarge_bij_tarief: None,
    };
    let capital = p2025.price("NHC", &nhc, &f).unwrap();
    assert_eq!(capital.percentage(), Some(Decimal::ONE));
    assert_eq!(
        capital.steps,
        ["kapitaal 100% (standaard; voor 2025 niet gepubliceerd)"]
    );
    assert!(p2025.in_force && !read_for(2026, &text).in_force);
    // A year outside the period is refused.
    let e = refused(&format!(
        "{DOC}{RTP}[[regel]]\nnaam = \"x\"\n{BRON}plus = {{ 2023 = 1 }}\n"
    ));
    assert!(
        e.contains("test.toml: regel \"x\": plus: 2023 is outside the periode 2024-2025"),
        "{e}"
    );
    let e = parse(
        "test.toml",
        &policy_text(&format!("{DOC}{RTP}")).replace("2024-2025", "2024-23"),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("test.toml: periode: \"2024-23\": write one year (2024) or a range"),
        "{e}"
    );
}

#[test]
fn not_contracted_wins_over_a_set_of_higher_voorrang() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"honderd\"\n{BRON}zet = 100\nvoorrang = 5\n[[regel]]\nnaam = \"geen-intramuraal\"\n{BRON}niet_gecontracteerd = true\nals = {{ nieuwe_aanbieder = true }}\n"
        ),
    );
    // A new provider: not contracted, whatever the zet of voorrang 5 says; no percentage.
    let got = priced(&p, "Z053", "96", Sector::Vv, &[("nieuwe_aanbieder", "ja")]);
    assert_eq!(
        got.paid,
        Paid::NotContracted {
            rule: "geen-intramuraal".into()
        }
    );
    assert_eq!(got.percentage(), None);
    assert_eq!(got.steps, ["geen-intramuraal: niet gecontracteerd"]);
    // Anyone else: the zet, 100%.
    assert_eq!(pays(&p, "Z053", "96", &[]), d("100"));
}

#[test]
fn a_relative_maximum_caps_a_voluntary_lower_percentage_at_the_rtp() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"vrijwillig-lager\"\n{BRON}zet_kenmerk = \"vrij_voorstel\"\nmaximum = {{ van = \"rtp\", punten = 0 }}\n"
        ),
    );
    // A proposal of 94 under an RTP of 95: 94 stands. One of 97: capped at the RTP, 95.
    assert_eq!(pays(&p, "Z053", "95", &[("vrij_voorstel", "94")]), d("94"));
    assert_eq!(pays(&p, "Z053", "95", &[("vrij_voorstel", "97")]), d("95"));
    // RTP − 1 as a cap: 97 comes down to 94.
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"vrijwillig-lager\"\n{BRON}zet_kenmerk = \"vrij_voorstel\"\nmaximum = {{ van = \"rtp\", punten = -1 }}\n"
        ),
    );
    assert_eq!(pays(&p, "Z053", "95", &[("vrij_voorstel", "97")]), d("94"));
}

#[test]
fn a_transition_floor_keeps_a_provider_near_its_own_earlier_percentage() {
    // Zorg en Zekerheid's transition: at most 0.5 point below the provider's own weighted
    // average (here the percentage characteristic the vocabulary has, percentage_2023).
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"overgang\"\n{BRON}minimum = {{ van = \"percentage_2023\", punten = -0.5 }}\n"
        ),
    );
    // Own 96.0, RTP 95.0: max(95.0, 96.0 − 0.5) = 95.5.
    assert_eq!(
        pays(&p, "Z053", "95.0", &[("percentage_2023", "96.0")]),
        d("95.5")
    );
    // Own 95.2: max(95.0, 94.7) = 95.0.
    assert_eq!(
        pays(&p, "Z053", "95.0", &[("percentage_2023", "95.2")]),
        d("95.0")
    );
    // No own percentage: the floor does not apply, and the step says so.
    let got = priced(&p, "Z053", "95.0", Sector::Vv, &[]);
    assert_eq!(got.percentage(), Some(d("0.95")));
    assert_eq!(
        got.steps,
        ["basis rtp 95%", "overgang minimum: geen percentage_2023"]
    );
}

#[test]
fn caps_come_before_floors() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"plafond\"\n{BRON}maximum = 95\n[[regel]]\nnaam = \"overgang\"\n{BRON}minimum = {{ van = \"percentage_2023\", punten = -0.5 }}\n"
        ),
    );
    // RTP 97, own 96.0: capped at 95, then raised to the floor 95.5. (The floor first
    // would give 97 → 95.)
    let got = priced(&p, "Z053", "97", Sector::Vv, &[("percentage_2023", "96.0")]);
    assert_eq!(got.percentage(), Some(d("0.955")));
    assert_eq!(
        got.steps,
        [
            "basis rtp 97%",
            "plafond maximum 95%",
            "overgang minimum 95.5%"
        ]
    );
}

#[test]
fn sectorvreemd_compares_the_policys_sector_with_the_providers() {
    let p = read_for(
        2024,
        &format!("{DOC}{RTP}[[regel]]\nnaam = \"vreemd\"\n{BRON}min = 2\nals = {{ sectorvreemd = true }}\n"),
    );
    // A GZ provider's V&V care under this V&V policy: RTP 96 − 2 = 94; a V&V provider: 96.
    let gz = priced(&p, "Z053", "96", Sector::Gz, &[]);
    assert_eq!(gz.percentage(), Some(d("0.94")));
    let vv = priced(&p, "Z053", "96", Sector::Vv, &[]);
    assert_eq!(vv.percentage(), Some(d("0.96")));
}

#[test]
fn als_een_van_needs_one_of_its_tables_each_in_full() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"een-van\"\n{BRON}plus = 1\nals_een_van = [ {{ nieuwe_aanbieder = true }}, {{ essentiele_functie = true, werkgeversopslag = false }} ]\n"
        ),
    );
    // Neither: 96. The first alone: 97. The second alone: 97. The second's first half
    // only (werkgeversopslag set too): 96, a table holds only in full.
    assert_eq!(pays(&p, "Z053", "96", &[]), d("96"));
    assert_eq!(
        pays(&p, "Z053", "96", &[("nieuwe_aanbieder", "ja")]),
        d("97")
    );
    assert_eq!(
        pays(&p, "Z053", "96", &[("essentiele_functie", "ja")]),
        d("97")
    );
    assert_eq!(
        pays(
            &p,
            "Z053",
            "96",
            &[("essentiele_functie", "ja"), ("werkgeversopslag", "ja")]
        ),
        d("96")
    );
    // With als besides: both must hold.
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"een-van\"\n{BRON}plus = 1\nals = {{ afspraken_beweging = true }}\nals_een_van = [ {{ nieuwe_aanbieder = true }}, {{ essentiele_functie = true }} ]\n"
        ),
    );
    assert_eq!(
        pays(&p, "Z053", "96", &[("nieuwe_aanbieder", "ja")]),
        d("96")
    );
    assert_eq!(
        pays(
            &p,
            "Z053",
            "96",
            &[("nieuwe_aanbieder", "ja"), ("afspraken_beweging", "ja")]
        ),
        d("97")
    );
    assert_eq!(
        pays(&p, "Z053", "96", &[("afspraken_beweging", "ja")]),
        d("96")
    );
}

#[test]
fn a_disabled_rule_is_validated_but_never_applied() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[regel]]\nnaam = \"onbekend\"\n{BRON}uitgeschakeld = \"het percentage is niet gepubliceerd\"\n[[regel]]\nnaam = \"ooit\"\n{BRON}zet = 50\nuitgeschakeld = \"vervallen\"\n"
        ),
    );
    assert_eq!(
        p.rules[0].status,
        Status::Disabled("het percentage is niet gepubliceerd".into())
    );
    assert_eq!(p.rules[0].action, None);
    assert_eq!(
        pays(&p, "Z053", "96", &[]),
        d("96"),
        "not the 50 of a disabled zet"
    );
    // Still validated: a disabled rule with an unknown characteristic is refused.
    let e = refused(&format!(
        "{DOC}{RTP}[[regel]]\nnaam = \"onbekend\"\n{BRON}uitgeschakeld = \"x\"\nals = {{ gouden_rand = true }}\n"
    ));
    assert!(
        e.contains("regel \"onbekend\": als.gouden_rand: unknown characteristic"),
        "{e}"
    );
    let e = refused(&format!(
        "{DOC}{RTP}[[regel]]\nnaam = \"leeg\"\nuitgeschakeld = \"x\"\n"
    ));
    assert!(e.contains("regel \"leeg\": bron: missing"), "{e}");
}

#[test]
fn anders_geen_leaves_the_percentage_to_a_rule_that_sets_one() {
    // DSW GZ: the monitor's percentage, else a continuing agreement's, and 91% for a new
    // provider; never the RTP.
    let p = read_for(
        2024,
        &format!(
            "{DOC}[basis]\nkenmerk = \"percentage_2023\"\nanders = \"geen\"\n[[regel]]\nnaam = \"bestaand\"\n{BRON}zet_kenmerk = \"bestaande_afspraak\"\nvoorrang = 1\n[[regel]]\nnaam = \"nieuw\"\n{BRON}zet = 91\nvoorrang = 2\nals = {{ nieuwe_aanbieder = true }}\n[[regel]]\nnaam = \"opslag\"\n{BRON}plus = 1\n"
        ),
    );
    // A new provider without a monitor percentage: the zet, 91 (the +1 had no base to add to).
    let got = priced(&p, "Z053", "96", Sector::Vv, &[("nieuwe_aanbieder", "ja")]);
    assert_eq!(got.percentage(), Some(d("0.91")));
    assert_eq!(got.steps, ["basis: geen percentage_2023", "nieuw = 91%"]);
    // A continuing agreement of 97.2: 97.2.
    assert_eq!(
        pays(&p, "Z053", "96", &[("bestaande_afspraak", "97.2")]),
        d("97.2")
    );
    // Neither: no percentage, not the RTP.
    let got = priced(&p, "Z053", "96", Sector::Vv, &[]);
    assert_eq!(got.paid, Paid::Unknown("geen percentage_2023".into()));
    // With the monitor percentage 95: 95 + 1 = 96.
    assert_eq!(
        pays(&p, "Z053", "96", &[("percentage_2023", "95")]),
        d("96")
    );
}

#[test]
fn a_rule_resting_on_a_characteristic_the_provider_lacks_does_not_apply_its_bounds() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}[basis]\npercentage = 97\n[[regel]]\nnaam = \"vrijwillig-lager\"\n{BRON}zet_kenmerk = \"vrij_voorstel\"\nmaximum = {{ van = \"rtp\", punten = 0 }}\n"
        ),
    );
    // No proposal: the base 97 stands, not capped at the RTP 95. A proposal of 96: capped
    // at 95.
    assert_eq!(pays(&p, "Z053", "95", &[]), d("97"));
    assert_eq!(pays(&p, "Z053", "95", &[("vrij_voorstel", "96")]), d("95"));
}

#[test]
fn a_disabled_conversation_may_lack_its_conditions() {
    let p = read_for(
        2024,
        &format!("{DOC}{RTP}[[gesprek]]\nnaam = \"hoog-resultaat\"\n{BRON}uitgeschakeld = \"geen drempel gepubliceerd\"\n"),
    );
    assert_eq!(
        p.talks[0].status,
        Status::Disabled("geen drempel gepubliceerd".into())
    );
    let e = refused(&format!(
        "{DOC}{RTP}[[gesprek]]\nnaam = \"hoog-resultaat\"\n{BRON}"
    ));
    assert!(
        e.contains("test.toml: gesprek \"hoog-resultaat\": give the conditions"),
        "{e}"
    );
}

#[test]
fn a_missing_characteristic_with_anders_geen_gives_no_percentage() {
    let p = read_for(
        2024,
        &format!("{DOC}[basis]\nkenmerk = \"bestaande_afspraak\"\nanders = \"geen\"\n"),
    );
    let got = priced(&p, "Z053", "96", Sector::Vv, &[]);
    assert_eq!(got.paid, Paid::Unknown("geen bestaande_afspraak".into()));
    assert_eq!(
        pays(&p, "Z053", "96", &[("bestaande_afspraak", "97.2")]),
        d("97.2")
    );
}

/// An amount per client of a count characteristic: the vocabulary has none yet, so the
/// amount is built as parse would build it.
fn per_client(p: &mut Policy, maximum: Option<&str>) {
    let bron = p.bron.clone();
    p.amounts.push(Amount {
        naam: "extramuralisering".into(),
        what: String::new(),
        soort: "per_client".into(),
        bron,
        status: Status::Active,
        years: None,
        basis: Some(AmountBasis::PerCount(d("5000"), "clienten_extramuraal")),
        maximum: maximum.map(d),
        conditions: Conditions::default(),
    });
}

fn with_count(n: &str) -> BTreeMap<&'static str, crate::model::kenmerken::Value> {
    [(
        "clienten_extramuraal",
        crate::model::kenmerken::Value::Number(d(n)),
    )]
    .into()
}

fn facts_of<'a>(
    kenmerken: &'a BTreeMap<&'static str, crate::model::kenmerken::Value>,
) -> Facts<'a> {
    Facts {
        kenmerken,
        resultaatmarge: None,
        intramuraal_aandeel: None,
        rtp: d("0.96"),
        sector: Sector::Vv,
        resultaatmarge_bij_tarief: None,
    }
}

#[test]
fn amounts_per_client_capped_and_as_a_share_of_cost() {
    let mut p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[bedrag]]\nnaam = \"duurzaam\"\nsoort = \"per_aanbieder\"\n{BRON}aandeel_kosten = 0.0025\n[[bedrag]]\nnaam = \"alleen-nieuw\"\nsoort = \"eenmalig\"\n{BRON}bedrag = 1000\nals = {{ nieuwe_aanbieder = true }}\n[[bedrag]]\nnaam = \"uit\"\nsoort = \"lumpsum\"\n{BRON}uitgeschakeld = \"geen bedrag gepubliceerd\"\n"
        ),
    );
    per_client(&mut p, None);
    // 3 clients × € 5.000 = € 15.000; 0.25% of € 1.000.000 = € 2.500; not new: no € 1.000.
    let k = with_count("3");
    let got: Vec<(String, Decimal, String)> = p
        .amounts_for(&facts_of(&k), d("1000000"))
        .into_iter()
        .map(|(a, v, how)| (a.naam.clone(), v, how))
        .collect();
    assert_eq!(
        got,
        [
            (
                "duurzaam".to_string(),
                d("2500"),
                "0,25% van € 1.000.000 = € 2.500".to_string()
            ),
            (
                "extramuralisering".to_string(),
                d("15000"),
                "3 × € 5.000 = € 15.000".to_string()
            ),
        ]
    );
    // Capped at € 15.000: 4 × € 5.000 = € 20.000 → € 15.000.
    let mut p = read_for(2024, &format!("{DOC}{RTP}"));
    per_client(&mut p, Some("15000"));
    let k = with_count("4");
    let got = p.amounts_for(&facts_of(&k), Decimal::ZERO);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].1, d("15000"));
    assert_eq!(got[0].2, "4 × € 5.000 = € 20.000; maximum € 15.000");
    // No count: no amount.
    let none = BTreeMap::new();
    assert!(p.amounts_for(&facts_of(&none), Decimal::ZERO).is_empty());
}

#[test]
fn budgets_with_and_without_a_contracteerruimte() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[[bedrag]]\nnaam = \"innovatie\"\nsoort = \"budget\"\n{BRON}aandeel_contracteerruimte = 0.01\n[[bedrag]]\nnaam = \"transitie\"\nsoort = \"budget\"\n{BRON}bedrag = {{ 2024 = 250000.50 }}\n"
        ),
    );
    // 1% of € 300.000.000 = € 3.000.000; the fixed budget € 250.000,50.
    let got: Vec<(String, Option<Decimal>, String)> = p
        .budgets(Some(d("300000000")))
        .into_iter()
        .map(|(a, v, how)| (a.naam.clone(), v, how))
        .collect();
    assert_eq!(
        got,
        [
            (
                "innovatie".to_string(),
                Some(d("3000000")),
                "1% van contracteerruimte € 300.000.000 = € 3.000.000".to_string()
            ),
            (
                "transitie".to_string(),
                Some(d("250000.50")),
                "€ 250.000,50".to_string()
            ),
        ]
    );
    let without = p.budgets(None);
    assert_eq!(without[0].1, None);
    assert_eq!(without[1].1, Some(d("250000.50")));
    // Budgets are not a provider's amounts.
    let k = BTreeMap::new();
    assert!(p.amounts_for(&facts_of(&k), d("1000")).is_empty());
    // In 2025 the per-year budget is not published.
    let p = read_for(
        2025,
        &format!(
            "{DOC}{RTP}[[bedrag]]\nnaam = \"transitie\"\nsoort = \"budget\"\n{BRON}bedrag = {{ 2024 = 250000 }}\n"
        ),
    );
    assert_eq!(p.amounts[0].status, Status::NotPublished(2025));
    assert!(p.budgets(None).is_empty());
}

#[test]
fn hardship_clauses_and_conversations() {
    let p = read_for(
        2024,
        &format!(
            "{DOC}{RTP}[hardheidsclausule]\ncriteria = [\"eigen vermogen\", \"financiële positie\"]\nuiterlijk = \"2026-09-08\"\n{BRON}[[gesprek]]\nnaam = \"hoog-rendement\"\n{BRON}als = {{ resultaatmarge_bij_tarief = {{ boven = 0.05 }} }}\n[[gesprek]]\nnaam = \"spectrum\"\n{BRON}uitgeschakeld = \"geen maatstaf\"\nals = {{ nieuwe_aanbieder = true }}\n"
        ),
    );
    let h = p.hardship().unwrap();
    assert_eq!(h.criteria, ["eigen vermogen", "financiële positie"]);
    assert_eq!(h.uiterlijk.as_deref(), Some("2026-09-08"));
    let k = facts(&[("nieuwe_aanbieder", "ja")]);
    let mut f = facts_of(&k);
    // A margin of exactly 5% is not above 5%; 5.01% is. The disabled talk never lists.
    f.resultaatmarge_bij_tarief = Quotient::of(d("50"), d("1000"));
    assert!(p.talks_for(&f).is_empty());
    f.resultaatmarge_bij_tarief = Quotient::of(d("50.1"), d("1000"));
    let names: Vec<&str> = p.talks_for(&f).iter().map(|t| t.naam.as_str()).collect();
    assert_eq!(names, ["hoog-rendement"]);
    // No clause: none; and the shorthand is one conversation with the file's source.
    let p = read_for(
        2024,
        &format!(
            "gesprek_resultaat_boven = 0.05\n{DOC}{RTP}[hardheidsclausule]\ngeen = true\n{BRON}"
        ),
    );
    assert!(p.hardship().is_none());
    assert_eq!(p.talks.len(), 1);
    assert_eq!(p.talks[0].naam, "resultaat-boven-0.05");
    assert_eq!(p.talks[0].bron, p.bron);
    f.resultaatmarge_bij_tarief = Quotient::of(d("51"), d("1000"));
    assert_eq!(p.talks_for(&f).len(), 1);
}

#[test]
fn refusals_name_the_file_and_the_entry() {
    let cases: &[(&str, &str)] = &[
        (
            "[[regel]]\nnaam = \"a\"\nbron = \"CZ, Inkoopbeleid\"\nplus = 1\n",
            "test.toml: regel \"a\": bron: a free text is no longer accepted; give a table { document = \"KEY\", sectie = \"…\" }",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nbron.document = \"vgn\"\nbron.sectie = \"§1\"\nplus = 1\n",
            "test.toml: regel \"a\": bron.document: \"vgn\" is not a [bronnen] key of this file; the keys are b",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nbron.document = \"b\"\nplus = 1\n",
            "test.toml: regel \"a\": bron.sectie: missing",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nBRON\n",
            "test.toml: regel \"a\": give exactly one of plus, min, zet, plus_kenmerk, zet_kenmerk, niet_gecontracteerd = true",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nBRONniet_gecontracteerd = true\nmaximum = 90\n",
            "test.toml: regel \"a\": niet_gecontracteerd wins over every rule",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nBRONplus = 1\nals = { resultaatmarge_bij_tarief = { boven = 0.05 } }\n",
            "test.toml: regel \"a\": als.resultaatmarge_bij_tarief: the margin at the tariffs is known only after pricing",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nBRONplus = 1\nals_een_van = []\n",
            "test.toml: regel \"a\": als_een_van = []: it would never hold",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nBRONzet = { van = \"nieuwe_aanbieder\" }\n",
            "test.toml: regel \"a\": zet.van: the characteristic \"nieuwe_aanbieder\" has the wrong kind",
        ),
        (
            "[[regel]]\nnaam = \"a\"\nBRONplus = 1\nuitgeschakeld = \"\"\n",
            "test.toml: regel \"a\": uitgeschakeld: give the reason",
        ),
        (
            "[[bedrag]]\nnaam = \"b\"\nsoort = \"per_client\"\nbedrag = 5\n",
            "test.toml: bedrag \"b\": bron: missing",
        ),
        (
            "[[bedrag]]\nnaam = \"b\"\nsoort = \"budget\"\nBRONbedrag = 5\nals = { nieuwe_aanbieder = true }\n",
            "test.toml: bedrag \"b\": a budget belongs to the zorgkantoor, not to a provider",
        ),
        (
            "[[bedrag]]\nnaam = \"b\"\nsoort = \"lumpsum\"\nBRONaandeel_contracteerruimte = 0.01\n",
            "test.toml: bedrag \"b\": aandeel_contracteerruimte: only with soort = \"budget\"",
        ),
        (
            "[[bedrag]]\nnaam = \"b\"\nsoort = \"lumpsum\"\nBRONbedrag = 5\naandeel_kosten = 0.1\n",
            "test.toml: bedrag \"b\": give exactly one of bedrag",
        ),
        (
            "[[bedrag]]\nnaam = \"b\"\nsoort = \"fooi\"\nBRONbedrag = 5\n",
            "test.toml: bedrag \"b\": soort = \"fooi\": write one of",
        ),
        (
            "[[bedrag]]\nnaam = \"b\"\nsoort = \"per_client\"\nBRONbedrag = 5\naantal_kenmerk = \"nieuwe_aanbieder\"\n",
            "test.toml: bedrag \"b\": aantal_kenmerk: the characteristic \"nieuwe_aanbieder\" has the wrong kind",
        ),
        (
            "[[gesprek]]\nnaam = \"g\"\nbron = \"x\"\nals = { nieuwe_aanbieder = true }\n",
            "test.toml: gesprek \"g\": bron: a free text is no longer accepted",
        ),
        (
            "[hardheidsclausule]\ncriteria = [\"x\"]\nuiterlijk = \"8 september\"\nBRON",
            "test.toml: hardheidsclausule: uiterlijk = \"8 september\": write a date as 2026-09-08",
        ),
        (
            "[hardheidsclausule]\ncriteria = [\"x\"]\n",
            "test.toml: hardheidsclausule: bron: missing",
        ),
    ];
    for (entry, want) in cases {
        let e = refused(&format!("{DOC}{RTP}{}", entry.replace("BRON", BRON)));
        assert!(e.contains(want), "{entry}\n  wanted: {want}\n  got: {e}");
    }
    // The file's own source as a free text.
    let e = parse(
        "test.toml",
        &policy_text(&format!("{DOC}{RTP}")).replace(
            "bron.document = \"b\"\nbron.sectie = \"geheel\"",
            "bron = \"CZ, Inkoopbeleid\"",
        ),
        &tariffs(),
        &vocabulary(),
        2024,
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("test.toml: bron: a free text is no longer accepted"),
        "{e}"
    );
}

#[test]
fn only_policies_in_force_must_be_one_per_zorgkantoor_and_sector() {
    let dir = std::env::temp_dir().join(format!("richttarief-inforce-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = |periode: &str| policy_text(&format!("{DOC}{RTP}")).replace("2024-2025", periode);
    std::fs::write(dir.join("oud.toml"), text("2022")).unwrap();
    std::fs::write(dir.join("nu.toml"), text("2024-2025")).unwrap();
    let files: Vec<InputPath> = ["oud.toml", "nu.toml"]
        .map(|name| InputPath {
            shown: name.to_string(),
            path: dir.join(name),
        })
        .into();
    let policies = load(&files, &tariffs(), &vocabulary(), 2024).unwrap();
    assert_eq!(
        policies.iter().map(|p| p.in_force).collect::<Vec<_>>(),
        [false, true]
    );
    std::fs::write(dir.join("oud.toml"), text("2023-2024")).unwrap();
    let e = load(&files, &tariffs(), &vocabulary(), 2024)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(
            "nu.toml: a second policy of CZ for VV in force in 2024 (the first is oud.toml)"
        ),
        "{e}"
    );
    // In 2025 only the second is in force.
    assert!(load(&files, &tariffs(), &vocabulary(), 2025).is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_source_cites_itself_in_full() {
    let p = read_for(
        2024,
        "bronnen.b.document = \"Overzicht inkoopbeleid\"\nbronnen.b.uitgever = \"VGN\"\nbronnen.b.datum = \"2026\"\nbronnen.b.primair = \"CZ, Zorginkoopbeleid\"\n[basis]\nrtp = true\n",
    );
    assert_eq!(
        p.bron.cite(),
        "VGN, Overzicht inkoopbeleid (2026), geheel (berust op: CZ, Zorginkoopbeleid)"
    );
    let p = read_for(
        2024,
        &format!("{DOC}{RTP}[[regel]]\nnaam = \"a\"\nbron = {{ document = \"b\", sectie = \"§7.1\", noot = \"voor 2025 niet gepubliceerd\" }}\nplus = 1\n"),
    );
    assert_eq!(
        p.rules[0].bron.cite(),
        "CZ, Inkoopbeleid Wlz 2024-2025 (2023), §7.1; voor 2025 niet gepubliceerd"
    );
}
