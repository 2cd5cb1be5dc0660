//! What analysts open: the workbook holds the numbers of the CSV files, the figures mark the
//! RTP of every group, and the HTML report stands alone.

use crate::common::*;
use std::path::{Path, PathBuf};

fn klein_run() -> PathBuf {
    let out = scratch("rapport").join("uit");
    run_config(&fixture("klein/zn-2027.toml"), &out).expect_code(0);
    out
}

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn the_workbook_holds_the_same_numbers_as_the_csv_files() {
    use calamine::{open_workbook, Data, Reader, Xlsx};
    let out = klein_run();
    let mut wb: Xlsx<_> = open_workbook(out.join("rapport.xlsx")).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Samenvatting",
            "Aanbieders",
            "Uitgesloten",
            "Configuratie",
            "Curves"
        ]
    );
    let number = |d: &Data| match d {
        Data::Float(f) => *f,
        Data::Int(i) => *i as f64,
        other => panic!("not a number: {other:?}"),
    };

    // Samenvatting: per group the RTP as a real number (a fraction shown as percent).
    let s = wb.worksheet_range("Samenvatting").unwrap();
    assert_eq!(s.get_value((0, 1)), Some(&Data::String("zn-2027".into())));
    let rtp = csv_rows(&out.join("rtp.csv"));
    for (i, row) in rtp.iter().enumerate() {
        let r = 4 + i as u32;
        assert_eq!(s.get_value((r, 0)), Some(&Data::String(row[0].clone())));
        assert_eq!(
            number(s.get_value((r, 2)).unwrap()),
            row[2].parse::<f64>().unwrap()
        );
        assert!(
            (number(s.get_value((r, 3)).unwrap()) - row[3].parse::<f64>().unwrap()).abs() < 0.005,
            "omzet of {row:?}"
        );
        assert!(
            (number(s.get_value((r, 6)).unwrap()) * 100.0 - row[6].parse::<f64>().unwrap()).abs()
                < 1e-9,
            "rtp of {row:?}"
        );
    }

    // Aanbieders: every provider, amounts as numbers equal to the CSV's to the cent.
    let a = wb.worksheet_range("Aanbieders").unwrap();
    let providers = csv_rows(&out.join("aanbieders.csv"));
    assert_eq!(a.height(), providers.len() + 1);
    for (i, row) in providers.iter().enumerate() {
        let r = 1 + i as u32;
        assert_eq!(a.get_value((r, 0)), Some(&Data::String(row[0].clone())));
        for c in [5u32, 6, 7, 8, 9, 10, 11, 14] {
            let got = number(a.get_value((r, c)).unwrap());
            assert!(
                (got - row[c as usize].parse::<f64>().unwrap()).abs() < 0.005,
                "row {r} column {c}: {got} vs {}",
                row[c as usize]
            );
        }
        assert_eq!(a.get_value((r, 15)), Some(&Data::String(row[15].clone())));
    }

    // Uitgesloten and Configuratie.
    let u = wb.worksheet_range("Uitgesloten").unwrap();
    assert_eq!(
        u.get_value((3, 2)),
        Some(&Data::String("nieuwe aanbieder".into()))
    );
    let c = wb.worksheet_range("Configuratie").unwrap();
    let text: Vec<String> = c
        .rows()
        .flat_map(|r| r.iter().map(|d| d.to_string()))
        .collect();
    assert!(
        text.contains(&"berekening.nhc_nic_strippen".to_string()),
        "{text:?}"
    );
    let manifest = read(&out.join("manifest.json"));
    let sha = manifest
        .split("\"sha256\": \"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(
        text.contains(&sha.to_string()),
        "the first input's SHA-256 is on the sheet"
    );

    // Curves: the data behind the figures. VV/intramuraal steps at the four break-evens,
    // 95.3132, 95.7629, 96.9444 and 97.4906 (see aanbieders.csv), to 100% of providers.
    let k = wb.worksheet_range("Curves").unwrap();
    let vv: Vec<(f64, f64)> = k
        .rows()
        .skip(1)
        .filter(|r| r[0] == Data::String("VV".into()) && r[1] == Data::String("intramuraal".into()))
        .map(|r| (number(&r[2]) * 100.0, number(&r[3])))
        .collect();
    let expected = [
        (95.3132, 0.25),
        (95.7629, 0.5),
        (96.9444, 0.75),
        (97.4906, 1.0),
    ];
    assert_eq!(vv.len(), 4, "{vv:?}");
    for ((r, s), (er, es)) in vv.iter().zip(expected) {
        assert!((r - er).abs() < 1e-4 && (s - es).abs() < 1e-9, "{vv:?}");
    }
}

#[test]
fn figures_are_png_and_svg_per_group_with_the_rtp_marked() {
    let out = klein_run();
    let groups: Vec<String> = csv_rows(&out.join("rtp.csv"))
        .iter()
        .map(|r| format!("{}-{}", r[0].to_lowercase(), r[1]))
        .collect();
    for g in &groups {
        for kind in ["aandelen", "breakeven", "marge"] {
            let png = std::fs::read(out.join(format!("figuren/{g}-{kind}.png"))).unwrap();
            assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{g}-{kind}.png is a PNG");
            let (w, h) = (
                u32::from_be_bytes(png[16..20].try_into().unwrap()),
                u32::from_be_bytes(png[20..24].try_into().unwrap()),
            );
            assert_eq!((w, h), (900, 540));
            let svg = read(&out.join(format!("figuren/{g}-{kind}.svg")));
            assert!(
                svg.starts_with("<svg") && svg.contains("viewBox"),
                "{g}-{kind}.svg"
            );
        }
    }
    // VV/intramuraal has RTP 97.0: its curves name it, with a decimal comma, in the legend.
    let svg = read(&out.join("figuren/vv-intramuraal-aandelen.svg"));
    for label in [
        "RTP 97,0%",
        "criterium 75%",
        "aanbieders",
        "omzet",
        "percentage van het NZa-maximumtarief (%)",
    ] {
        assert!(svg.contains(label), "lacks {label:?}");
    }
}

#[test]
fn the_html_report_stands_alone() {
    let out = klein_run();
    let html = read(&out.join("rapport.html"));
    assert!(html.starts_with("<!DOCTYPE html>") && html.trim_end().ends_with("</html>"));
    for absent in ["<script", "src=", "href=", "<link", "@import"] {
        assert!(
            !html.contains(absent),
            "the page must not load anything: found {absent:?}"
        );
    }
    let groups = csv_rows(&out.join("rtp.csv"));
    assert_eq!(
        html.matches("<svg").count(),
        3 * groups.len(),
        "three figures per group, inline"
    );
    for g in &groups {
        assert!(
            html.contains(&format!("<h2>{} {}</h2>", g[0], g[1])),
            "a section for {g:?}"
        );
    }
    assert!(
        html.contains("RTP <strong>97,0%</strong> (bindend: aantal)"),
        "VV/intramuraal"
    );
    // The provider that decides VV/intramuraal: the 3rd of 4 break-evens, Zorgcentrum Beukenhof.
    assert!(html.contains("<td class=\"num\">3</td><td>10000002</td><td>Zorgcentrum Beukenhof</td><td class=\"num\">96,9444%</td>"), "deciding provider");
    assert!(
        html.contains("<td>10000011</td><td>Kleinschalig Wonen Kade</td><td>nieuwe aanbieder</td>"),
        "exclusions with reasons"
    );
    assert!(
        html.contains("Stichting Aurora, locatie Noord"),
        "names as they are"
    );
}
