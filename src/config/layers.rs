//! The layers of a configuration: the preset of its model, which is data (`presets/*.toml`,
//! compiled into the binary), under the files and scenarios that override it, merged table
//! by table into one table for `validate`.
//!
//! A preset holds a default for every key that has one: `presets/basis.toml` what every
//! model shares, `presets/MODEL.toml` the model's own choices over it. The inputs and the
//! reference year have no default. This module checks nothing; every layer was checked
//! when it was read (`raw`), and the presets by this module's tests.

use serde::Deserialize;

use super::raw::{Exact, FileConfig, Shape};
use super::Model;

/// The defaults every model shares.
const BASIS: &str = include_str!("presets/basis.toml");

/// The model's own choices, laid over `BASIS`.
fn own(model: Model) -> &'static str {
    match model {
        Model::Zn2024 => include_str!("presets/zn-2024.toml"),
        Model::Hof2024 => include_str!("presets/hof-2024.toml"),
        Model::Zn2027 => include_str!("presets/zn-2027.toml"),
    }
}

/// The preset of `model`, as one table.
pub(super) fn preset(model: Model) -> toml::Table {
    let table = |text: &str| -> toml::Table {
        toml::from_str(text).unwrap_or_else(|e| panic!("the preset of {model} is TOML: {e}"))
    };
    let mut preset = table(BASIS);
    merge(&mut preset, &table(own(model)));
    preset
}

/// `top` over `base`: a key `top` sets replaces `base`'s, except that two tables are merged
/// in the same way, key by key. So a scenario that sets one key of `[criteria]` keeps the
/// others, and renames under `[kolommen]` and `[kolommen.INPUT]` add up over the layers.
pub(super) fn merge(base: &mut toml::Table, top: &toml::Table) {
    for (key, value) in top {
        match (base.get_mut(key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(t)) => merge(b, t),
            _ => {
                base.insert(key.clone(), value.clone());
            }
        }
    }
}

/// `layers` over the preset named by the last layer that names one (default `zn-2027`):
/// the model, and every key as the last layer that sets it has it.
pub(super) fn lay(layers: &[&FileConfig]) -> (Model, Shape<Exact>) {
    let model = layers
        .iter()
        .rev()
        .find_map(|l| l.shape.model)
        .unwrap_or(Model::Zn2027);
    let mut merged = preset(model);
    for layer in layers {
        merge(&mut merged, &layer.table);
    }
    // Each layer fits the shape, and so does the preset; tables merged key by key and
    // values replaced whole still do.
    let shape = Shape::<Exact>::deserialize(toml::Value::Table(merged))
        .unwrap_or_else(|e| panic!("merged layers no longer fit the shape: {e}"));
    (model, shape)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;

    /// Every preset fits the shape when read strictly, as a user's file is (only
    /// `aandeel_omzet` of zn-2024 is text, to keep its two decimals, so that one is read
    /// as the merged layers are).
    #[test]
    fn every_preset_is_a_valid_layer() {
        for model in Model::ALL {
            for text in [BASIS, own(model)] {
                let strict = text.replace("aandeel_omzet = \"0.00\"", "aandeel_omzet = 0");
                crate::config::parse_text(&strict)
                    .unwrap_or_else(|e| panic!("{model}: {e:#}\n{text}"));
            }
        }
    }

    /// The presets' values, written out by hand from methodology section 2.
    #[test]
    fn the_presets_hold_the_models_choices() {
        let shown = |model: Model| -> Vec<String> {
            let s = Shape::<Exact>::deserialize(toml::Value::Table(preset(model))).unwrap();
            let (c, k, b, u) = (
                s.criteria.unwrap(),
                s.clustering.unwrap(),
                s.berekening.unwrap(),
                s.uitsluiting.unwrap(),
            );
            let n = |x: Option<Exact>| x.unwrap().0.to_string();
            vec![
                format!("{:?}", s.decimaalteken.unwrap()),
                n(c.aandeel_aanbieders),
                n(c.aandeel_omzet),
                format!("{:?}", c.nul_is_positief.unwrap()),
                format!("{:?}", k.clusters.unwrap()),
                n(k.intramuraal_drempel),
                format!("{:?}", k.drempel_telt_als.unwrap()),
                format!("{:?}", k.intramurale_leveringsvormen.unwrap()),
                format!("{:?}", b.resultaat.unwrap()),
                format!("{:?}", b.nhc_nic_strippen.unwrap()),
                format!("{:?}", b.omzet_basis.unwrap()),
                format!("{:?}", b.schaling.unwrap()),
                format!("{:?}", b.sector_bron.unwrap()),
                n(b.afronding),
                format!("{:?}", b.afronden.unwrap()),
                n(b.ondergrens),
                n(b.bovengrens),
                n(u.min_omzet),
                n(u.min_aandeel_wlz),
                format!("{:?}", u.kvk.unwrap()),
            ]
        };
        let shared = |omzet: &str, clusters: &str, resultaat: &str, strip: &str| {
            [
                "Point",
                "0.75",
                omzet,
                "true",
                clusters,
                "0.01",
                "Intramuraal",
                "[\"intramuraal\"]",
                resultaat,
                strip,
                "Bedrijfsopbrengsten",
                "Declaraties",
                "Declaraties",
                "0.1",
                "Omhoog",
                "0",
                "100",
                "0",
                "0",
                "[]",
            ]
            .map(String::from)
            .to_vec()
        };
        assert_eq!(
            shown(Model::Zn2024),
            shared("0.00", "false", "Bedrijfsresultaat", "false")
        );
        assert_eq!(
            shown(Model::Hof2024),
            shared("0.75", "false", "InclusiefFinancieel", "false")
        );
        assert_eq!(
            shown(Model::Zn2027),
            shared("0.75", "true", "InclusiefFinancieel", "true")
        );
        assert_eq!(Decimal::new(0, 2).to_string(), "0.00");
    }

    #[test]
    fn tables_merge_key_by_key_and_other_values_are_replaced_whole() {
        let mut base: toml::Table =
            toml::from_str("a = 1\nl = [1, 2]\n[t]\nx = 1\ny = 2\n[k.j]\nkvk = \"A\"\n").unwrap();
        let top: toml::Table =
            toml::from_str("l = [3]\n[t]\ny = 3\n[k.j]\nnaam = \"B\"\n").unwrap();
        merge(&mut base, &top);
        let expected: toml::Table =
            toml::from_str("a = 1\nl = [3]\n[t]\nx = 1\ny = 3\n[k.j]\nkvk = \"A\"\nnaam = \"B\"\n")
                .unwrap();
        assert_eq!(base, expected);
    }
}
