//! Golden outputs, byte for byte: the hand-made fixture `tests/fixtures/klein` under each
//! preset and with non-default options, and the manifests of its format variants. After a
//! deliberate change to the outputs, regenerate them with
//! `UPDATE_GOLDEN=1 cargo test --locked golden` and review the diff.

use crate::common::*;

fn golden_preset(preset: &str) {
    let out = scratch("golden").join("uit");
    run_config(&fixture("klein").join(format!("{preset}.toml")), &out).expect_code(0);
    compare_golden(&out, &fixture("klein/verwacht").join(preset));
}

#[test]
fn golden_zn_2027() {
    golden_preset("zn-2027");
}

#[test]
fn golden_zn_2024() {
    golden_preset("zn-2024");
}

#[test]
fn golden_hof_2024() {
    golden_preset("hof-2024");
}

#[test]
fn golden_non_default_options() {
    // ρ = W/D, omzet_basis wlz, sector from the accounts, exactly 1% counted extramural,
    // "> 0", a 0.25-point grid and a 90% floor. By hand for 10000004: ρ = 235000 / 235200,
    // ρ·K = 29974.489… → 29974.49, O = W − ρ·K = 205025.51; r* = 0.95 − 500 / (ρ·216000)
    // = 94.7683%. 10000005 (exactly 1% intramural) is extramural here.
    let out = scratch("opties").join("uit");
    run_config(&fixture("klein/opties.toml"), &out).expect_code(0);
    let providers = read(&out.join("aanbieders.csv"));
    assert!(
        providers.contains("10000004,Thuiszorg De Dijk,VV,extramuraal,0.0000,205025.51,500.00,"),
        "{providers}"
    );
    assert!(providers.contains(",94.7683,"), "{providers}");
    assert!(
        providers.contains("10000005,Wijkzorg Eemland,VV,extramuraal,1.0000,"),
        "{providers}"
    );
    compare_golden(&out, &fixture("klein/verwacht/opties"));
}

#[test]
fn golden_manifests_of_the_format_variants() {
    for variant in ["komma", "xlsx", "ods"] {
        let out = scratch(variant).join("uit");
        run_config(&fixture(&format!("varianten/{variant}.toml")), &out).expect_code(0);
        compare_golden(&out, &fixture(&format!("varianten/verwacht/{variant}")));
    }
}
