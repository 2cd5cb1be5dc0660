//! The configuration's tests: presets, layers, validation and paths.

use super::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn resolve_text(text: &str) -> Result<Config> {
    let dir = std::env::temp_dir().join(format!("richttarief-config-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for f in ["j.csv", "t.csv", "d1.csv", "d2.csv"] {
        std::fs::write(dir.join(f), "x").unwrap();
    }
    let file = parse_text(text)?;
    resolve(&[&file], &dir)
}

fn declaraties(c: &Config) -> Vec<&str> {
    c.invoer.files[&Input::Declaraties]
        .iter()
        .map(|f| f.shown.as_str())
        .collect()
}

const INPUTS: &str = "referentiejaar = 2024\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = \"d*.csv\"\n";

#[test]
fn default_preset_is_zn_2027_with_clusters_and_stripping() {
    let c = resolve_text(INPUTS).unwrap();
    assert_eq!(c.model, Model::Zn2027);
    assert!(c.clustering.clusters && c.berekening.nhc_nic_strippen);
    assert_eq!(c.criteria.aandeel_omzet, Decimal::new(75, 2));
    assert_eq!(declaraties(&c), ["d1.csv", "d2.csv"]);
}

#[test]
fn policy_files_are_resolved_once_sorted_and_each_once() {
    let c = resolve_text(INPUTS).unwrap();
    let dir = &c.invoer.basis;
    for f in ["p1.toml", "p2.toml", "k.csv"] {
        std::fs::write(dir.join(f), "x").unwrap();
    }
    let shown = |c: &Config| -> Vec<String> {
        let files = c.beleid.files().unwrap();
        files.iter().map(|f| f.shown.clone()).collect()
    };
    let named = resolve_text(&format!(
        "{INPUTS}[beleid]\nbestanden = [\"p2.toml\", \"p*.toml\"]\n"
    ))
    .unwrap();
    assert_eq!(shown(&named), ["p1.toml", "p2.toml"]);
    assert_eq!(named.beleid.files().unwrap()[0].path, dir.join("p1.toml"));
    // Without beleid.bestanden: none, unless the kenmerken ask for policies; then the
    // 15 shipped ones (seven zorgkantoren, two sectors, and Zorg en Zekerheid's 2022 V&V),
    // named as in the repository.
    assert!(shown(&c).is_empty());
    let shipped =
        resolve_text(&INPUTS.replace("[invoer]\n", "[invoer]\nkenmerken = \"k.csv\"\n")).unwrap();
    let names = shown(&shipped);
    assert_eq!(names.len(), 15, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("data/beleid/")));
    assert!(names.contains(&"data/beleid/cz-vv-2024-2026.toml".to_string()));
    // Resolved, not only named: every one is there to read.
    for f in shipped.beleid.files().unwrap() {
        assert!(f.path.is_file(), "{}", f.path.display());
    }
}

#[test]
fn zn_2024_counts_only_and_overrides_win() {
    let c = resolve_text(&format!(
        "model = \"zn-2024\"\n{INPUTS}[criteria]\naandeel_aanbieders = 0.8\n"
    ))
    .unwrap();
    assert_eq!(c.criteria.aandeel_omzet, Decimal::ZERO);
    assert_eq!(c.berekening.resultaat, ResultDefinition::Bedrijfsresultaat);
    assert_eq!(c.criteria.aandeel_aanbieders, Decimal::new(8, 1));
    assert!(!c.clustering.clusters);
}

#[test]
fn unknown_keys_are_named() {
    let err = resolve_text(&format!("{INPUTS}[criteria]\naandeel_aanbiedrs = 0.8\n")).unwrap_err();
    assert!(format!("{err:#}").contains("aandeel_aanbiedrs"), "{err:#}");
}

#[test]
fn every_impossible_value_is_reported_at_once() {
    let err = resolve_text(&format!(
        "{INPUTS}[criteria]\naandeel_omzet = 1.5\n[berekening]\nbovengrens = 0\nafronding = 0\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("3 problems"), "{err}");
    assert!(err.contains("criteria.aandeel_omzet = 1.5"), "{err}");
    assert!(err.contains("berekening.bovengrens = 0"), "{err}");
    assert!(err.contains("berekening.afronding = 0"), "{err}");
}

#[test]
fn missing_files_and_empty_globs_name_key_and_path() {
    let err = resolve_text(
        "referentiejaar = 2024\n[invoer]\njaarverslagen = \"nope.csv\"\ntarieven = \"t.csv\"\ndeclaraties = [\"x/*.gz\"]\n",
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("invoer.jaarverslagen = \"nope.csv\": no such file"),
        "{err}"
    );
    assert!(
        err.contains("invoer.declaraties: \"x/*.gz\": the glob matches no file"),
        "{err}"
    );
}

#[test]
fn one_file_named_twice_is_read_once() {
    let c = resolve_text(
        "referentiejaar = 2024\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = [\"d1.csv\", \"./d1.csv\", \"d*.csv\"]\n",
    )
    .unwrap();
    assert_eq!(declaraties(&c), ["d1.csv", "d2.csv"]);
}

#[test]
fn later_layers_override_earlier_ones_key_by_key() {
    let base = parse_text(&format!(
        "{INPUTS}[clustering]\nintramuraal_drempel = 0.02\n"
    ))
    .unwrap();
    let scenario =
        parse_text("model = \"hof-2024\"\n[criteria]\nnul_is_positief = false\n").unwrap();
    let dir = std::env::temp_dir().join(format!("richttarief-config-test-{}", std::process::id()));
    resolve_text(INPUTS).unwrap(); // creates the files
    let c = resolve(&[&base, &scenario], &dir).unwrap();
    assert_eq!(c.model, Model::Hof2024);
    assert!(!c.criteria.nul_is_positief);
    assert_eq!(c.clustering.intramuraal_drempel, Decimal::new(2, 2));
}

#[test]
fn kolommen_reads_flat_entries_and_per_input_tables_and_shows_them_as_written() {
    let c = resolve_text(&format!(
        "{INPUTS}[kolommen]\nkvk = \"KvK-nummer\"\n[kolommen.tarieven]\nmax_tarief = \"Tarief\"\n"
    ))
    .unwrap();
    assert_eq!(
        c.kolommen.flat,
        BTreeMap::from([("kvk".to_string(), "KvK-nummer".to_string())])
    );
    assert_eq!(
        c.kolommen.per_input[&Input::Tarieven],
        BTreeMap::from([("max_tarief".to_string(), "Tarief".to_string())])
    );
    assert_eq!(
        serde_json::to_string(&c.kolommen).unwrap(),
        r#"{"kvk":"KvK-nummer","tarieven":{"max_tarief":"Tarief"}}"#
    );
    // No renames at all: the manifest's `{}` of before.
    let c = resolve_text(INPUTS).unwrap();
    assert_eq!(serde_json::to_string(&c.kolommen).unwrap(), "{}");
    // A per-input entry wins over a flat one for its input only.
    let c = resolve_text(&format!(
        "{INPUTS}[kolommen]\nkvk = \"A\"\n[kolommen.koppeltabel]\nkvk = \"B\"\n"
    ))
    .unwrap();
    assert_eq!(
        c.kolommen.of(Input::Koppeltabel).rename("kvk"),
        Rename::Input("B")
    );
    assert_eq!(
        c.kolommen.of(Input::Jaarverslagen).rename("kvk"),
        Rename::Flat("A")
    );
    assert_eq!(c.kolommen.of(Input::Tarieven).rename("kvk"), Rename::None);
}

#[test]
fn kolommen_mistakes_are_named_by_key_all_at_once() {
    let err = resolve_text(&format!(
        "{INPUTS}[kolommen]\nagb = \"id\"\nkvk = \"ID\"\nnaam = \"BSN\"\n\
         [kolommen.koppeltabel]\nnaam = \"x\"\n[kolommen.jaarverslag]\nkvk = \"y\"\n\
         [kolommen.tarieven]\ncomponent = \"Sector\"\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("5 problems"), "{err}");
    for expected in [
        // The flat pair clashes in both inputs that have agb and kvk: one message.
        "kolommen.agb = \"id\" and kolommen.kvk = \"ID\": two columns of declaraties and koppeltabel read from one header",
        "kolommen.naam = \"BSN\": a column named bsn is never read",
        "kolommen.koppeltabel.naam: not a column of koppeltabel; expected one of agb, kvk",
        "kolommen.jaarverslag: not an input; a table under [kolommen] is one of jaarverslagen, declaraties, tarieven, koppeltabel, kenmerken, contracteerruimte",
        "kolommen.tarieven.component = \"Sector\": that is the header of the contract column sector of tarieven",
    ] {
        assert!(err.contains(expected), "lacks {expected:?}:\n{err}");
    }
}

#[test]
fn one_header_for_columns_of_different_inputs_is_allowed() {
    // B of the jaarverslagen and the tariff are never read from the same file.
    let c = resolve_text(&format!(
        "{INPUTS}[kolommen]\nbedrijfsopbrengsten = \"Totaal\"\nmax_tarief = \"Totaal\"\n"
    ));
    assert!(c.is_ok(), "{:#}", c.unwrap_err());
}

#[test]
fn a_kvk_twice_on_the_exclusion_list_is_refused() {
    let err = resolve_text(&format!(
        "{INPUTS}[uitsluiting]\nkvk = [{{ kvk = \"12345678\", reden = \"a\" }}, {{ kvk = \"87654321\", reden = \"b\" }}, {{ kvk = \" 12345678\", reden = \"c\" }}]\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(
        err.contains(
            "uitsluiting.kvk[3].kvk = \" 12345678\": already listed as uitsluiting.kvk[1]"
        ),
        "{err}"
    );
}

#[test]
fn per_input_renames_add_up_over_layers() {
    let base = parse_text(&format!(
        "{INPUTS}[kolommen.jaarverslagen]\nkvk = \"KvK-nummer\"\n"
    ))
    .unwrap();
    let scenario =
        parse_text("[kolommen.jaarverslagen]\nnaam = \"Naam\"\n[kolommen]\nagb = \"AGB-code\"\n")
            .unwrap();
    let dir = std::env::temp_dir().join(format!("richttarief-config-test-{}", std::process::id()));
    resolve_text(INPUTS).unwrap(); // creates the files
    let c = resolve(&[&base, &scenario], &dir).unwrap();
    assert_eq!(
        c.kolommen.per_input[&Input::Jaarverslagen].len(),
        2,
        "{:?}",
        c.kolommen
    );
    assert_eq!(c.kolommen.flat.len(), 1);
}

/// The DigiMV inputs of `resolve_text`'s folder: two parts of the dataset.
const DIGIMV: &str = "referentiejaar = 2023\n[invoer]\njaarverslagen = [\"d1.csv\", \"d2.csv\"]\ntarieven = \"t.csv\"\ndeclaraties = \"d*.csv\"\n";

/// The names the shipped maps do not know, given in the configuration.
const NAMES: &str = "[digimv.variabelen]\nbedrijfslasten = \"qTotaalLasten_0\"\nfinanciele_baten = \"qFinBaten_0\"\nfinanciele_lasten = \"qFinLasten_0\"\n";

#[test]
fn digimv_resolves_the_shipped_map_with_the_given_names_before_any_data() {
    let cons_names = NAMES.replace("_0\"", "_0Cons\"");
    let c = resolve_text(&format!(
        "{DIGIMV}[digimv]\njaar = 2023\ngeconsolideerd = true\n{cons_names}[digimv.sector]\nGGZ = \"qAnders_8\"\n"
    ))
    .unwrap();
    let d = c.digimv.as_ref().unwrap();
    // Names from the 2023 file (data/digimv/2023.toml), the consolidated ones where the
    // map has them, the configuration's where it gives one.
    assert_eq!(d.gebruikt["kvk"], "ExternalOrganizationId");
    assert_eq!(d.gebruikt["bedrijfsopbrengsten"], "qTotaalBaten_0Cons");
    assert_eq!(d.gebruikt["bedrijfslasten"], "qTotaalLasten_0Cons");
    assert_eq!(d.gebruikt_sector["VV"], "qTypeWTZaZorg_13");
    assert_eq!(d.gebruikt_sector["GGZ"], "qAnders_8");
    // Both parts are the jaarverslagen's files, in the order written.
    let parts: Vec<&str> = c.invoer.files[&Input::Jaarverslagen]
        .iter()
        .map(|f| f.shown.as_str())
        .collect();
    assert_eq!(parts, ["d1.csv", "d2.csv"]);
    // The manifest's configuratie records the names used.
    let keys = c.keys().unwrap();
    assert!(keys.contains(&(
        "digimv.gebruikt.financiele_lasten".into(),
        "qFinLasten_0Cons".into()
    )));
}

#[test]
fn digimv_mistakes_are_refused_naming_the_key() {
    let err = |text: String| resolve_text(&text).unwrap_err().to_string();
    // An unknown key.
    let e = err(format!("{DIGIMV}[digimv]\njaar = 2023\nversie = 2\n"));
    assert!(e.contains("unknown field `versie`"), "{e}");
    // A list of parts without [digimv].
    let e = err(DIGIMV.to_string());
    assert!(
        e.contains("invoer.jaarverslagen: a list names the parts"),
        "{e}"
    );
    // The shipped map does not know the costs: the run stops before reading, naming the
    // columns and the command that finds them.
    let e = err(format!("{DIGIMV}[digimv]\njaar = 2023\n"));
    assert!(
        e.contains("bedrijfslasten, financiele_baten, financiele_lasten"),
        "{e}"
    );
    assert!(e.contains("richttarief digimv variabelen"), "{e}");
    // Entity names given while the consolidated figures are read would mix the two.
    let e = err(format!(
        "{DIGIMV}[digimv]\njaar = 2023\ngeconsolideerd = true\n{NAMES}"
    ));
    assert!(
        e.contains("digimv.variabelen.bedrijfslasten = \"qTotaalLasten_0\": geconsolideerd = true"),
        "{e}"
    );
    // A map of another boekjaar than the run's.
    let e = err(format!("{DIGIMV}[digimv]\njaar = 2024\n{NAMES}"));
    assert!(
        e.contains("boekjaar 2024, the run for referentiejaar 2023"),
        "{e}"
    );
    // No map at all, an unknown column, an unknown sector.
    let e = err(format!("{DIGIMV}[digimv]\ngeconsolideerd = false\n"));
    assert!(e.contains("digimv: names no variable map"), "{e}");
    let e = err(format!(
        "{DIGIMV}[digimv]\njaar = 2023\n{NAMES}omzet = \"q\"\n"
    ));
    assert!(e.contains("digimv.variabelen.omzet"), "{e}");
    let e = err(format!(
        "{DIGIMV}[digimv]\njaar = 2023\n{NAMES}[digimv.sector]\nVVT = \"q\"\n"
    ));
    assert!(e.contains("digimv.sector.VVT"), "{e}");
    // A map file that does not exist.
    let e = err(format!("{DIGIMV}[digimv]\nvariabelen = \"geen.toml\"\n"));
    assert!(
        e.contains("digimv.variabelen = \"geen.toml\": no such file"),
        "{e}"
    );
}

#[test]
fn digimv_reads_a_map_file_of_the_users() {
    let c = resolve_text(INPUTS).unwrap();
    let dir = &c.invoer.basis;
    std::fs::write(
        dir.join("kaart.toml"),
        "boekjaar = 2023\n[variabelen.kvk]\nnaam = \"K\"\nzekerheid = \"opgegeven\"\nbron = \"b\"\n\
         [variabelen.naam]\nnaam = \"N\"\nzekerheid = \"opgegeven\"\nbron = \"b\"\n\
         [variabelen.bedrijfsopbrengsten]\nnaam = \"B\"\nzekerheid = \"opgegeven\"\nbron = \"b\"\ngeconsolideerd = { naam = \"BC\", zekerheid = \"opgegeven\", bron = \"b\" }\n\
         [variabelen.bedrijfslasten]\nnaam = \"L\"\nzekerheid = \"opgegeven\"\nbron = \"b\"\ngeconsolideerd = { naam = \"LC\", zekerheid = \"opgegeven\", bron = \"b\" }\n\
         [variabelen.financiele_baten]\nnaam = \"FB\"\nzekerheid = \"opgegeven\"\nbron = \"b\"\ngeconsolideerd = { naam = \"FBC\", zekerheid = \"opgegeven\", bron = \"b\" }\n\
         [variabelen.financiele_lasten]\nnaam = \"FL\"\nzekerheid = \"opgegeven\"\nbron = \"b\"\ngeconsolideerd = { naam = \"FLC\", zekerheid = \"opgegeven\", bron = \"b\" }\n",
    )
    .unwrap();
    let c = resolve_text(&format!("{DIGIMV}[digimv]\nvariabelen = \"kaart.toml\"\n")).unwrap();
    let d = c.digimv.unwrap();
    assert_eq!(d.gebruikt["bedrijfslasten"], "L");
    assert!(!d.gebruikt.contains_key("opbrengsten_wlz"));
    let e = resolve_text(&format!(
        "{DIGIMV}[digimv]\nvariabelen = \"kaart.toml\"\njaar = 2022\n"
    ))
    .unwrap_err()
    .to_string();
    assert!(e.contains("is for boekjaar 2023"), "{e}");
}

#[test]
fn contractjaar_defaults_to_referentiejaar_and_is_shown_only_when_given() {
    // Not given: the reference year, and no [beleid] in the manifest's configuration (a run
    // without policies keeps its manifest).
    let c = resolve_text(INPUTS).unwrap();
    assert_eq!(c.beleid.contractjaar, 2024);
    let keys = c.keys().unwrap();
    assert!(
        !keys.iter().any(|(k, _)| k.starts_with("beleid")),
        "{keys:?}"
    );
    // Given: that year, shown as written, without an empty list of policy files.
    let c = resolve_text(&format!("{INPUTS}[beleid]\ncontractjaar = 2027\n")).unwrap();
    assert_eq!(c.beleid.contractjaar, 2027);
    let keys = c.keys().unwrap();
    let beleid: Vec<_> = keys
        .iter()
        .filter(|(k, _)| k.starts_with("beleid"))
        .collect();
    assert_eq!(
        beleid,
        [&("beleid.contractjaar".to_string(), "2027".to_string())]
    );
    // The command line's year over the file's.
    let mut c = c;
    c.beleid.set_contractjaar(2029);
    assert_eq!(c.beleid.contractjaar, 2029);
}

#[test]
fn an_implausible_contractjaar_or_a_missing_contracteerruimte_is_refused_by_key() {
    let err = resolve_text(&format!(
        "{}contracteerruimte = \"weg.csv\"\n[beleid]\ncontractjaar = 202\n",
        INPUTS
    ))
    .unwrap_err()
    .to_string();
    assert!(err.starts_with("2 problems"), "{err}");
    assert!(
        err.contains("beleid.contractjaar = 202: not a plausible year"),
        "{err}"
    );
    assert!(
        err.contains("invoer.contracteerruimte = \"weg.csv\": no such file"),
        "{err}"
    );
    // A year given as text is a type error, with the line the parser reports.
    let err = resolve_text(&format!("{INPUTS}[beleid]\ncontractjaar = \"2027\"\n")).unwrap_err();
    assert!(format!("{err:#}").contains("contractjaar"), "{err:#}");
}
