//! The shipped policy files of `data/beleid/`, read for a contract year and applied to
//! hand-made providers: each test works out from the published number, in a comment, what
//! the provider is paid, and asserts it. These tests check the data against its sources;
//! how a rule kind is evaluated in general is `tests`'.

use super::tests::{self, d, priced_as, root, tariffs, vocabulary};
use super::*;
use crate::model::kenmerken::Value;
use crate::model::{Component, Sector, Zorgkantoor};

/// A shipped file, read for `jaar`.
fn shipped(name: &str, jaar: i32) -> Policy {
    let text = std::fs::read_to_string(root().join("data/beleid").join(name)).unwrap();
    parse(name, &text, &tariffs(), &vocabulary(), jaar).unwrap_or_else(|e| panic!("{e:?}"))
}

/// What a policy pays for `code` to a provider of `sector` with `pairs`, whose group's RTP
/// is `rtp` percent.
fn paid_as(
    p: &Policy,
    code: &str,
    sector: Sector,
    rtp: &str,
    pairs: &[(&'static str, &str)],
) -> Paid {
    priced_as(p, code, &tariffs()[code], sector, rtp, pairs).paid
}

/// As `paid_as`, for a provider of the policy's own sector, as a percentage.
fn pays(p: &Policy, code: &str, rtp: &str, pairs: &[(&'static str, &str)]) -> Decimal {
    match paid_as(p, code, p.sector, rtp, pairs) {
        Paid::Percentage(f) => (f * Decimal::ONE_HUNDRED).normalize(),
        other => panic!("{code}: expected a percentage, got {other:?}"),
    }
}

#[test]
fn zilveren_kruis_vv_contracts_new_providers_only_for_care_at_home() {
    let p = shipped("zilveren-kruis-vv-2024-2026.toml", 2024);
    let new = [("nieuwe_aanbieder", "ja")];
    // Published: new providers 93.5%, and only VPT and MPT are agreed with them.
    assert_eq!(pays(&p, "V041", "96", &new), d("93.5"));
    assert_eq!(pays(&p, "H126", "96", &new), d("93.5"));
    assert!(
        matches!(paid_as(&p, "Z053", Sector::Vv, "96", &new), Paid::NotContracted { ref rule } if rule == "nieuwe-aanbieder-intramuraal"),
        "an intramural prestatie is not contracted for a new provider"
    );
    // A new provider with a role in essential services: still no intramural contract, and
    // 93.5 (a set replaces the +0.5) at home.
    let both = [("nieuwe_aanbieder", "ja"), ("essentiele_functie", "ja")];
    assert!(matches!(
        paid_as(&p, "Z053", Sector::Vv, "96", &both),
        Paid::NotContracted { .. }
    ));
    assert_eq!(pays(&p, "V041", "96", &both), d("93.5"));
    // An existing provider: 95.5 intramural; with the role 95.5 + 0.5 = 96.0.
    assert_eq!(pays(&p, "Z053", "96", &[]), d("95.5"));
    assert_eq!(
        pays(&p, "Z053", "96", &[("essentiele_functie", "ja")]),
        d("96.0")
    );
}

#[test]
fn dsw_vv_new_providers_at_91_in_2024_only() {
    let new = [("nieuwe_aanbieder", "ja")];
    // 2024: 91%, as published for that year.
    let p = shipped("dsw-vv-2024-2026.toml", 2024);
    assert_eq!(pays(&p, "Z053", "96", &new), d("91"));
    // 2025: no published number, the rule does not apply; a new provider has no 2023
    // percentage, so the base's fallback 95.5 pays.
    let p = shipped("dsw-vv-2024-2026.toml", 2025);
    assert_eq!(pays(&p, "Z053", "96", &new), d("95.5"));
}

#[test]
fn dsw_vv_monitor_outcome_is_any_fraction_within_one_point() {
    // "At most 1%" up or down: the vocabulary takes −1 to +1 with fractions, so a kenmerken
    // cell of 0.5 is read, not refused as not whole.
    let v = vocabulary();
    let m = v.get("monitor_uitkomst").unwrap();
    assert!(!m.heel);
    assert_eq!((m.minimaal, m.maximaal), (Some(d("-1")), Some(d("1"))));
}

#[test]
fn dsw_vv_monitor_moves_by_fractions_of_a_point_up_to_97_5() {
    let p = shipped("dsw-vv-2024-2026.toml", 2024);
    // 95.0 in 2023, monitor +0.5: 95.5.
    assert_eq!(
        pays(
            &p,
            "Z053",
            "96",
            &[("percentage_2023", "95.0"), ("monitor_uitkomst", "0.5")]
        ),
        d("95.5")
    );
    // 97.2 + 0.8 = 98.0, above DSW's 97.5: 97.5.
    assert_eq!(
        pays(
            &p,
            "Z053",
            "96",
            &[("percentage_2023", "97.2"), ("monitor_uitkomst", "0.8")]
        ),
        d("97.5")
    );
    // 95.0 − 0.25 = 94.75.
    assert_eq!(
        pays(
            &p,
            "Z053",
            "96",
            &[("percentage_2023", "95.0"), ("monitor_uitkomst", "-0.25")]
        ),
        d("94.75")
    );
}

#[test]
fn dsw_gz_pays_what_its_monitor_sets_and_never_the_rtp() {
    let p = shipped("dsw-gz-2027-2029.toml", 2027);
    // No monitor percentage, no agreement, not new: unknown, not the run's 97%.
    assert!(
        matches!(paid_as(&p, "Z433", Sector::Gz, "97", &[]), Paid::Unknown(_)),
        "without a monitor percentage DSW GZ pays no percentage"
    );
    // The monitor sets 94.2.
    assert_eq!(
        pays(&p, "Z433", "97", &[("monitor_percentage", "94.2")]),
        d("94.2")
    );
    // An agreement that continues (96.1) wins over the monitor.
    assert_eq!(
        pays(
            &p,
            "Z433",
            "97",
            &[
                ("monitor_percentage", "94.2"),
                ("bestaande_afspraak", "96.1")
            ]
        ),
        d("96.1")
    );
    // A new provider: 91, also without a monitor percentage, and above an agreement.
    assert_eq!(
        pays(&p, "Z433", "97", &[("nieuwe_aanbieder", "ja")]),
        d("91")
    );
    assert_eq!(
        pays(
            &p,
            "Z433",
            "97",
            &[("nieuwe_aanbieder", "ja"), ("bestaande_afspraak", "96.1")]
        ),
        d("91")
    );
}

#[test]
fn menzis_vv_new_providers_at_the_rtp_minus_2() {
    let p = shipped("menzis-vv-2024-2026.toml", 2024);
    // The table: −2 on the RTP of 95.5, so 93.5 (the slide's 95.3 is in the noot).
    assert_eq!(
        pays(&p, "Z053", "96", &[("nieuwe_aanbieder", "ja")]),
        d("93.5")
    );
}

#[test]
fn zilveren_kruis_gz_lowers_by_2_only_when_all_four_criteria_hold() {
    let p = shipped("zilveren-kruis-gz-2027-2029.toml", 2027);
    let all = [
        ("minder_regionale_bijdrage", "ja"),
        ("niet_volledige_breedte", "ja"),
        ("lage_zorgzwaartemix", "ja"),
        ("hoog_positief_resultaat", "ja"),
    ];
    // RTP 96: all four, 96 − 2 = 94.
    assert_eq!(pays(&p, "Z433", "96", &all), d("94"));
    // Any three of four: the RTP, 96.
    for left_out in 0..4 {
        let three: Vec<_> = all
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != left_out)
            .map(|(_, &kv)| kv)
            .collect();
        assert_eq!(
            pays(&p, "Z433", "96", &three),
            d("96"),
            "without {}",
            all[left_out].0
        );
    }
    // New and all four: the 2 points once, 94.
    let mut new_too = all.to_vec();
    new_too.push(("nieuwe_aanbieder", "ja"));
    assert_eq!(pays(&p, "Z433", "96", &new_too), d("94"));
}

#[test]
fn zilveren_kruis_gz_essential_care_at_100() {
    let p = shipped("zilveren-kruis-gz-2027-2029.toml", 2027);
    // Logeren (Z999 VG, Z1001 LVG), observatie (Z912) and crisis (Z490, Z560) at 100 for a
    // new provider, RTP − 2 = 94 elsewhere. COT has no code of its own in Vektis list 055
    // (2019), so it cannot be priced here.
    let new = [("nieuwe_aanbieder", "ja")];
    for code in ["Z999", "Z1001", "Z912", "Z490", "Z560"] {
        assert_eq!(pays(&p, code, "96", &new), d("100"), "{code}");
    }
    assert_eq!(pays(&p, "Z433", "96", &new), d("94"));
    // SGLVG's day codes are in list 055 but not in the sample's table: the file still names
    // them, and a table that holds them (a row made here as the list describes Z573: GZ,
    // intramural, per day) pays them at 100 for a new provider too.
    let z573 = Tariff {
        sector: Sector::Gz,
        leveringsvorm: crate::model::Leveringsvorm::Intramuraal,
        component: Component::Zorg,
        ..tariffs()["Z433"].clone()
    };
    let priced = priced_as(&p, "Z573", &z573, Sector::Gz, "96", &new);
    assert_eq!(priced.percentage(), Some(Decimal::ONE), "{priced:?}");
    // The levensloopfunctie's rule is switched off: the role alone changes nothing.
    assert_eq!(
        pays(&p, "Z433", "96", &[("levensloopfunctie", "ja")]),
        d("96")
    );
}

#[test]
fn zilveren_kruis_gz_pays_care_outside_the_providers_sector_at_the_rtp() {
    let p = shipped("zilveren-kruis-gz-2027-2029.toml", 2027);
    // A new V&V provider delivering GZ care: the RTP of its group (95.9), not 95.9 − 2.
    assert_eq!(
        paid_as(
            &p,
            "Z433",
            Sector::Vv,
            "95.9",
            &[("nieuwe_aanbieder", "ja")]
        ),
        Paid::Percentage(d("0.959"))
    );
    // Essential care outside its sector stays at 100 (higher voorrang).
    assert_eq!(
        paid_as(&p, "Z999", Sector::Vv, "95.9", &[]),
        Paid::Percentage(d("1"))
    );
}

#[test]
fn a_voluntary_lower_percentage_never_exceeds_the_rtp() {
    for name in [
        "zilveren-kruis-gz-2027-2029.toml",
        "menzis-gz-2027-2029.toml",
        "salland-gz-2027-2029.toml",
    ] {
        let p = shipped(name, 2027);
        // RTP 96: an offer of 95 pays 95; an offer of 98 is capped at 96.
        assert_eq!(
            pays(&p, "Z433", "96", &[("vrijwillig_lager", "95")]),
            d("95"),
            "{name}"
        );
        assert_eq!(
            pays(&p, "Z433", "96", &[("vrijwillig_lager", "98")]),
            d("96"),
            "{name}"
        );
    }
}

#[test]
fn vgz_vv_surcharges_on_vpt_and_mpt_with_a_plan() {
    let p = shipped("vgz-vv-2024-2026.toml", 2024);
    let plans = [("vpt_plan", "ja"), ("mpt_plan", "ja")];
    // 95.5 + 0.4 on VPT, 95.5 + 3.5 on MPT, nothing intramural.
    assert_eq!(pays(&p, "V041", "96", &plans), d("95.9"));
    assert_eq!(pays(&p, "H126", "96", &plans), d("99.0"));
    assert_eq!(pays(&p, "Z053", "96", &plans), d("95.5"));
    // Without a plan: 95.5; the switched-off surcharges change nothing.
    let others = [("regionale_tafels", "ja"), ("good_practices", "3")];
    assert_eq!(pays(&p, "H126", "96", &others), d("95.5"));
}

#[test]
fn respite_at_100_with_a_plan_or_the_conditions_for_children() {
    // Salland: respite (Z999) at 100 with an accepted plan, the RTP without.
    let p = shipped("salland-gz-2027-2029.toml", 2027);
    assert_eq!(pays(&p, "Z999", "96", &[("logeerplan", "ja")]), d("100"));
    assert_eq!(pays(&p, "Z999", "96", &[]), d("96"));
    // Menzis: respite for children (Z1001) at 100 when the conditions are met.
    let p = shipped("menzis-gz-2027-2029.toml", 2027);
    assert_eq!(
        pays(&p, "Z1001", "96", &[("kinderplekken_voorwaarden", "ja")]),
        d("100")
    );
    assert_eq!(pays(&p, "Z1001", "96", &[]), d("96"));
}

#[test]
fn zorg_en_zekerheid_vv_employer_surcharge_in_2024_and_new_providers_unpublished() {
    let surcharge = [("werkgeversopslag", "ja")];
    // 2024: 95.5 + 0.3 = 95.8.
    let p = shipped("zorg-en-zekerheid-vv-2024-2026.toml", 2024);
    assert_eq!(pays(&p, "Z053", "96", &surcharge), d("95.8"));
    // The lower percentage for new providers is not published: switched off, 95.5.
    assert_eq!(
        pays(&p, "Z053", "96", &[("nieuwe_aanbieder", "ja")]),
        d("95.5")
    );
    // 2025: the surcharge's size is not published, so 95.5.
    let p = shipped("zorg-en-zekerheid-vv-2024-2026.toml", 2025);
    assert_eq!(pays(&p, "Z053", "96", &surcharge), d("95.5"));
}

#[test]
fn zorg_en_zekerheid_2022_never_more_than_half_a_point_below_2020() {
    let p = shipped("zorg-en-zekerheid-vv-2022.toml", 2022);
    // Base 95.8. A 2020 average of 97.0: floor 97.0 − 0.5 = 96.5, above 95.8, so 96.5.
    assert_eq!(
        pays(&p, "Z053", "96", &[("gewogen_percentage_2020", "97.0")]),
        d("96.5")
    );
    // 2020 at 96.0: floor 95.5, below 95.8: 95.8.
    assert_eq!(
        pays(&p, "Z053", "96", &[("gewogen_percentage_2020", "96.0")]),
        d("95.8")
    );
    // No 2020 average: no floor, 95.8.
    assert_eq!(pays(&p, "Z053", "96", &[]), d("95.8"));
    // NHC/NIC at 100.
    let nhc = Tariff {
        component: Component::Nhc,
        ..tariffs()["Z053"].clone()
    };
    let k = tests::facts(&[]);
    let f = Facts {
        kenmerken: &k,
        resultaatmarge: None,
        intramuraal_aandeel: None,
        rtp: d("0.96"),
        sector: Sector::Vv,
        resultaatmarge_bij_tarief: None,
    };
    assert_eq!(
        p.price("NHC", &nhc, &f).unwrap().percentage(),
        Some(Decimal::ONE)
    );
}

/// The facts of a provider of `sector` with `k`, whose margin at its tariffs is `margin`.
fn facts<'a>(
    k: &'a BTreeMap<&'static str, Value>,
    sector: Sector,
    margin: Option<Quotient>,
) -> Facts<'a> {
    Facts {
        kenmerken: k,
        resultaatmarge: None,
        intramuraal_aandeel: None,
        rtp: d("0.96"),
        sector,
        resultaatmarge_bij_tarief: margin,
    }
}

/// The amounts a policy pays a provider with `pairs` and a policy cost of `kosten` there,
/// by name, in euros.
fn amounts(p: &Policy, pairs: &[(&'static str, &str)], kosten: &str) -> Vec<(String, Decimal)> {
    let k = tests::facts(pairs);
    p.amounts_for(&facts(&k, p.sector, None), d(kosten))
        .into_iter()
        .map(|(a, v, _)| (a.naam.clone(), v.normalize()))
        .collect()
}

#[test]
fn zilveren_kruis_gz_amounts_per_client_and_for_certification() {
    let p = shipped("zilveren-kruis-gz-2027-2029.toml", 2027);
    // 3 clients to extramural care at 5,000 each: 15,000. Certification costs of 18,000
    // are paid up to 15,000; costs of 9,000 in full.
    assert_eq!(
        amounts(
            &p,
            &[
                ("clienten_extramuralisering", "3"),
                ("certificering_kosten", "18000")
            ],
            "1000000"
        ),
        vec![
            ("extramuralisering".to_string(), d("15000")),
            ("certificering-duurzaamheid".to_string(), d("15000")),
        ]
    );
    assert_eq!(
        amounts(&p, &[("certificering_kosten", "9000")], "1000000"),
        vec![("certificering-duurzaamheid".to_string(), d("9000"))]
    );
    // The switched-off amounts (unused crisis days, complex-care housing) pay nothing.
    assert!(amounts(&p, &[], "1000000").is_empty());
}

#[test]
fn every_gz_policy_pays_the_certification_up_to_15000() {
    for name in [
        "zilveren-kruis-gz-2027-2029.toml",
        "vgz-gz-2027-2029.toml",
        "menzis-gz-2027-2029.toml",
        "cz-gz-2027-2029.toml",
        "salland-gz-2027-2029.toml",
        "dsw-gz-2027-2029.toml",
        "zorg-en-zekerheid-gz-2027-2029.toml",
    ] {
        let p = shipped(name, 2028);
        assert_eq!(
            amounts(&p, &[("certificering_kosten", "15000.01")], "0"),
            vec![("certificering-duurzaamheid".to_string(), d("15000"))],
            "{name}"
        );
    }
}

#[test]
fn dsw_transformation_funds_and_innovation_reserve() {
    // GZ: at most 0.25% of the production agreement, for a provider granted the funds:
    // 0.0025 × 2,000,000 = 5,000.
    let p = shipped("dsw-gz-2027-2029.toml", 2027);
    assert_eq!(
        amounts(&p, &[("transformatiemiddelen_toegekend", "ja")], "2000000"),
        vec![("transformatiemiddelen".to_string(), d("5000"))]
    );
    assert!(amounts(&p, &[], "2000000").is_empty());
    // V&V: 1% of the contracteerruimte is reserved: 0.01 × 300,000,000 = 3,000,000.
    let p = shipped("dsw-vv-2024-2026.toml", 2024);
    let budgets: Vec<_> = p
        .budgets(Some(d("300000000")))
        .into_iter()
        .map(|(a, v, _)| (a.naam.clone(), v.map(|v| v.normalize())))
        .collect();
    assert_eq!(budgets, vec![("innovatie".to_string(), Some(d("3000000")))]);
}

/// The conversations a policy holds with a provider with `pairs` and `margin`.
fn talks(p: &Policy, pairs: &[(&'static str, &str)], margin: Option<(&str, &str)>) -> Vec<String> {
    let k = tests::facts(pairs);
    let q = margin.and_then(|(n, o)| Quotient::of(d(n), d(o)));
    p.talks_for(&facts(&k, p.sector, q))
        .into_iter()
        .map(|t| t.naam.clone())
        .collect()
}

#[test]
fn conversations_per_zorgkantoor() {
    // VGZ: above 5% at the tariffs. 60 ÷ 1000 = 6% is above; 50 ÷ 1000 = 5% is not.
    let p = shipped("vgz-gz-2027-2029.toml", 2027);
    assert_eq!(talks(&p, &[], Some(("60", "1000"))), vec!["hoog-rendement"]);
    assert!(talks(&p, &[], Some(("50", "1000"))).is_empty());
    // Salland: two consecutive years not meeting the policy, or a multi-year high result.
    let p = shipped("salland-gz-2027-2029.toml", 2027);
    assert_eq!(
        talks(&p, &[("jaren_niet_voldaan", "2")], None),
        vec!["twee-jaar-niet-voldaan"]
    );
    assert!(talks(&p, &[("jaren_niet_voldaan", "1")], None).is_empty());
    assert_eq!(
        talks(&p, &[("meerjarig_hoog_resultaat", "ja")], None),
        vec!["meerjarig-hoog-resultaat"]
    );
    // Zorg en Zekerheid: a limited range of care.
    let p = shipped("zorg-en-zekerheid-gz-2027-2029.toml", 2027);
    assert_eq!(
        talks(&p, &[("beperkt_zorgspectrum", "ja")], None),
        vec!["beperkt-spectrum"]
    );
    // CZ: no threshold published, so the conversation is switched off even at 50%.
    let p = shipped("cz-gz-2027-2029.toml", 2027);
    assert!(talks(&p, &[], Some(("500", "1000"))).is_empty());
}

#[test]
fn hardship_clauses_per_zorgkantoor() {
    // GZ: four criteria and a deadline in the year before the contract year; DSW has none.
    for (name, deadline) in [
        ("zilveren-kruis-gz-2027-2029.toml", "2026-09-08"),
        ("cz-gz-2027-2029.toml", "2026-09-24"),
        ("salland-gz-2027-2029.toml", "2026-09-24"),
        ("vgz-gz-2027-2029.toml", "2026-09-25"),
        ("menzis-gz-2027-2029.toml", "2026-09-25"),
        ("zorg-en-zekerheid-gz-2027-2029.toml", "2026-09-25"),
    ] {
        let p = shipped(name, 2027);
        let h = p.hardship().unwrap_or_else(|| panic!("{name}: no clause"));
        assert_eq!(h.criteria.len(), 4, "{name}");
        assert_eq!(h.uiterlijk.as_deref(), Some(deadline), "{name}");
    }
    assert!(shipped("dsw-gz-2027-2029.toml", 2027).hardship().is_none());
    // V&V: the national clause, without a deadline.
    let h = shipped("dsw-vv-2024-2026.toml", 2024);
    let h = h.hardship().unwrap();
    assert!(h.uiterlijk.is_none() && !h.criteria.is_empty());
}

#[test]
fn capital_at_100_only_for_the_years_published() {
    // V&V: 100% on NHC/NIC is published for 2024; in 2025 the default (100) applies and the
    // setting says it was not published.
    let p = shipped("cz-vv-2024-2026.toml", 2025);
    let s = p.settings.iter().find(|s| s.naam == "kapitaal").unwrap();
    assert!(
        s.note
            .as_deref()
            .unwrap_or("")
            .contains("niet gepubliceerd"),
        "{s:?}"
    );
    assert_eq!(p.kapitaal, Decimal::ONE);
    let p = shipped("cz-vv-2024-2026.toml", 2024);
    let s = p.settings.iter().find(|s| s.naam == "kapitaal").unwrap();
    assert!(s.note.is_none(), "{s:?}");
}

/// Every shipped file, read for every year of its period: each rule, amount, conversation,
/// clause and stated setting cites a published document by title, publisher and date, and a
/// section; no citation points at a working paper or a review.
#[test]
fn every_shipped_citation_names_a_findable_document() {
    let dir = root().join("data/beleid");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml") && !p.ends_with("kenmerken.toml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 15);
    for path in files {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        for forbidden in [
            "Inkoopoverzicht",
            "/work",
            "review",
            "as summarised",
            "issue",
        ] {
            assert!(!text.contains(forbidden), "{name} mentions {forbidden:?}");
        }
        let first = shipped(&name, 2022);
        for jaar in first.period.years() {
            let p = shipped(&name, jaar);
            let mut cited: Vec<(&str, &Bron)> = vec![("bestand", &p.bron)];
            cited.extend(p.rules.iter().map(|r| (r.naam.as_str(), &r.bron)));
            cited.extend(p.amounts.iter().map(|a| (a.naam.as_str(), &a.bron)));
            cited.extend(p.talks.iter().map(|t| (t.naam.as_str(), &t.bron)));
            cited.extend(
                p.hardheidsclausule
                    .iter()
                    .map(|h| ("hardheidsclausule", &h.bron)),
            );
            cited.extend(
                p.settings
                    .iter()
                    .filter_map(|s| s.bron.as_ref().map(|b| (s.naam, b))),
            );
            for (what, b) in cited {
                for (field, v) in [
                    ("document", &b.document),
                    ("uitgever", &b.uitgever),
                    ("datum", &b.datum),
                    ("sectie", &b.sectie),
                ] {
                    assert!(!v.trim().is_empty(), "{name} {jaar}: {what} has no {field}");
                }
            }
            for s in &p.settings {
                assert!(
                    s.given.is_none() || s.bron.is_some(),
                    "{name}: {} stated without a bron",
                    s.naam
                );
            }
        }
    }
}

/// Each organisation has a V&V policy in force for 2024-2026 and a GZ policy in force for
/// 2027-2029, and every shipped file loads, together with the others, for each year of its
/// period (so no two files of one zorgkantoor and sector are in force in the same year).
#[test]
fn every_shipped_file_loads_for_each_year_and_each_organisation_has_one() {
    let config = crate::config::load(&root().join("data/voorbeeld/richttarief.toml")).unwrap();
    let files = config.beleid.files().unwrap();
    assert_eq!(files.len(), 15, "14 files for 2024-2029 and one for 2022");
    for jaar in 2022..=2029 {
        let policies =
            load(files, &tariffs(), &vocabulary(), jaar).unwrap_or_else(|e| panic!("{jaar}: {e}"));
        let in_force: Vec<_> = policies.iter().filter(|p| p.in_force).collect();
        let sector = match jaar {
            2022 => {
                // Only Zorg en Zekerheid's 2022 V&V file.
                assert_eq!(in_force.len(), 1, "{jaar}");
                continue;
            }
            2023 => {
                assert!(in_force.is_empty(), "{jaar}");
                continue;
            }
            2024..=2026 => Sector::Vv,
            _ => Sector::Gz,
        };
        for z in Zorgkantoor::ALL {
            assert_eq!(
                in_force
                    .iter()
                    .filter(|p| p.zorgkantoor == *z && p.sector == sector)
                    .count(),
                1,
                "{jaar}: {z} {sector}"
            );
        }
        assert_eq!(in_force.len(), Zorgkantoor::ALL.len(), "{jaar}");
        for p in &in_force {
            assert!(
                p.bovengrens <= Decimal::ONE,
                "{} pays above 100%",
                p.bestand
            );
        }
    }
}

#[test]
fn vgz_gz_surcharges() {
    let p = shipped("vgz-gz-2027-2029.toml", 2027);
    // H300 is an MPT prestatie: RTP 96 + 1.4 = 97.4 from 2% more MPT than in 2026 on; 1.9%
    // more is not enough; an intramural code gets nothing.
    assert_eq!(pays(&p, "H300", "96", &[("mpt_groei", "0.02")]), d("97.4"));
    assert_eq!(pays(&p, "H300", "96", &[("mpt_groei", "0.019")]), d("96"));
    assert_eq!(pays(&p, "Z457", "96", &[("mpt_groei", "0.05")]), d("96"));
    // Self-reliance: + 0.1 on every prestatie; with MPT growth on an MPT code 96 + 1.4 + 0.1.
    assert_eq!(
        pays(&p, "Z457", "96", &[("zelfredzaamheid_beleid", "ja")]),
        d("96.1")
    );
    assert_eq!(
        pays(
            &p,
            "H903",
            "96",
            &[("mpt_groei", "0.03"), ("zelfredzaamheid_beleid", "ja")]
        ),
        d("97.5")
    );
    // Digital care at 100 on its three codes with any growth, the RTP without.
    for code in ["H138", "H139", "H306"] {
        assert_eq!(
            pays(&p, code, "96", &[("digitale_zorg_groei", "0.01")]),
            d("100")
        );
        assert_eq!(
            pays(&p, code, "96", &[("digitale_zorg_groei", "0")]),
            d("96")
        );
    }
    // New providers: 96 − 2.
    assert_eq!(
        pays(&p, "Z457", "96", &[("nieuwe_aanbieder", "ja")]),
        d("94")
    );
}

#[test]
fn menzis_module_surcharges_and_complex_care() {
    // V&V: 95.5 plus the granted module points (2): 97.5.
    let p = shipped("menzis-vv-2024-2026.toml", 2024);
    assert_eq!(pays(&p, "Z041", "96", &[("module_opslag", "2")]), d("97.5"));
    // GZ: RTP + 2 on the VG7 codes when complex care is guaranteed, up to 100; not on other
    // codes; new providers RTP − 2.
    let p = shipped("menzis-gz-2027-2029.toml", 2027);
    let garantie = [("complexe_zorg_garantie", "ja")];
    assert_eq!(pays(&p, "Z473", "96", &garantie), d("98"));
    assert_eq!(pays(&p, "Z470", "96", &garantie), d("98"));
    assert_eq!(pays(&p, "Z473", "98.5", &garantie), d("100"));
    assert_eq!(pays(&p, "Z457", "96", &garantie), d("96"));
    assert_eq!(
        pays(&p, "Z473", "96", &[("nieuwe_aanbieder", "ja")]),
        d("94")
    );
}
