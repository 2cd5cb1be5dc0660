//! Numbers at the edges: values beyond the input bound or below the six-decimal resolution
//! are input errors (exit 1) with file, row, column and value; configuration numbers are
//! typed strictly; and inputs at the bound's edge of precision run exactly to the right RTP.

use std::path::Path;

use num_bigint::BigInt;

use crate::common::{
    copy_fixture, decimal_column, edit, read, run_config, text_column, with_tables, write_parquet,
};

/// Runs `klein` under zn-2027 after `change`, expects exit 1 and every fragment on stderr,
/// and no output folder.
fn refused(dir: &Path, expected: &[&str]) {
    let out = dir.join("uit");
    let run = run_config(&dir.join("zn-2027.toml"), &out);
    run.expect_code(1);
    let err = run.stderr();
    for fragment in expected {
        assert!(err.contains(fragment), "stderr lacks {fragment:?}:\n{err}");
    }
    assert!(err.starts_with("richttarief: "), "{err}");
    assert!(!err.contains("internal error"), "{err}");
    assert!(run.stdout().is_empty(), "stdout: {}", run.stdout());
    assert!(!out.exists(), "an output folder was written");
}

#[test]
fn a_claim_count_beyond_the_bound_is_a_row_error() {
    // 10^23 days: the claims' fast path declines it and the strict parser names it.
    let dir = copy_fixture("klein");
    edit(
        &dir.join("declaraties.csv"),
        "20000001,2024,V4VV,3650,700800.00",
        "20000001,2024,V4VV,100000000000000000000000,700800.00",
    );
    refused(
        &dir,
        &[
            "declaraties.csv",
            "row 2",
            "column \"aantal\"",
            "100000000000000000000000 is out of range",
            "out of range",
            "10^12",
        ],
    );
}

#[test]
fn an_amount_beyond_the_bound_is_a_row_error() {
    let dir = copy_fixture("klein");
    edit(
        &dir.join("jaarverslagen.csv"),
        "2024,950000.00,830000.00",
        "2024,99999999999999999999999999.99,830000.00",
    );
    refused(
        &dir,
        &[
            "jaarverslagen.csv",
            "row 2",
            "column \"bedrijfsopbrengsten\"",
            "99999999999999999999999999.99 is out of range",
            "out of range",
            "10^12",
        ],
    );
}

#[test]
fn the_bound_itself_is_refused_and_just_below_it_is_read() {
    // 10^12 exactly is out; 999999999999.999999 is the largest value in.
    let dir = copy_fixture("klein");
    edit(
        &dir.join("declaraties.csv"),
        "20000002,2024,VERV,100,5000.00",
        "20000002,2024,VERV,100,1000000000000",
    );
    refused(
        &dir,
        &["declaraties.csv", "row 10", "column \"bedrag\"", "10^12"],
    );
    let dir = copy_fixture("klein");
    edit(
        &dir.join("declaraties.csv"),
        "20000002,2024,VERV,100,5000.00",
        "20000002,2024,VERV,100,999999999999.999999",
    );
    run_config(&dir.join("zn-2027.toml"), &dir.join("uit")).expect_code(0);
}

/// Claims of one provider and prestatiecode that each stay within the bound but sum
/// beyond what the figures may hold (10^15) are refused with the KvK and the prestatiecode.
#[test]
fn a_sum_of_claims_beyond_the_figures_bound_names_provider_and_prestatiecode() {
    let dir = copy_fixture("klein");
    let line = "111222341,20000002,2024,VERV,100,900000000000.00\n";
    let path = dir.join("declaraties.csv");
    let mut text = read(&path);
    for _ in 0..1200 {
        text.push_str(line);
    }
    std::fs::write(&path, text).unwrap();
    refused(&dir, &["10000002", "VERV", "10^15"]);
}

/// Products n·m of a provider's claims beyond 10^15 are refused with KvK and prestatiecode.
#[test]
fn a_claim_volume_beyond_the_figures_bound_names_provider_and_prestatiecode() {
    // 999999999999 days at €200: 2·10^14 per line, six lines 1.2·10^15.
    let dir = copy_fixture("klein");
    let path = dir.join("declaraties.csv");
    let mut text = read(&path);
    for _ in 0..6 {
        text.push_str("111222399,20000003,2024,V4VV,999999999999,0\n");
    }
    std::fs::write(&path, text).unwrap();
    refused(&dir, &["10000003", "V4VV", "10^15"]);
}

#[test]
fn a_float_below_the_resolution_in_a_spreadsheet_is_refused_not_read_as_zero() {
    // The jaarverslagen as an XLSX workbook with numbers as numbers, and 1e-30 as
    // financiele_baten of the first provider (cell G2): it used to become 0.
    let dir = copy_fixture("klein");
    let mut rdr = csv::Reader::from_path(dir.join("jaarverslagen.csv")).unwrap();
    let headers = rdr.headers().unwrap().clone();
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string(0, c as u16, h).unwrap();
    }
    for (r, record) in rdr.records().enumerate() {
        let record = record.unwrap();
        for (c, v) in record.iter().enumerate() {
            let (row, col) = (r as u32 + 1, c as u16);
            match v.parse::<f64>() {
                Ok(_) if r == 0 && headers[c] == *"financiele_baten" => {
                    sheet.write_number(row, col, 1e-30).unwrap()
                }
                Ok(f) if c != 0 => sheet.write_number(row, col, f).unwrap(),
                _ => sheet.write_string(row, col, v).unwrap(),
            };
        }
    }
    book.save(dir.join("jaarverslagen.xlsx")).unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "jaarverslagen.csv",
        "jaarverslagen.xlsx",
    );
    refused(
        &dir,
        &[
            "jaarverslagen.xlsx: sheet \"Sheet1\", cell G2, column \"financiele_baten\"",
            "1e-30",
            "more than 6 decimals",
        ],
    );
}

/// The claims of `klein` as Parquet, aantal and bedrag as the columns given.
fn parquet_claims(dir: &Path, aantal: arrow_array::ArrayRef, bedrag: arrow_array::ArrayRef) {
    let mut rdr = csv::Reader::from_path(dir.join("declaraties.csv")).unwrap();
    let (mut agb, mut jaar, mut code) = (vec![], vec![], vec![]);
    for r in rdr.records() {
        let r = r.unwrap();
        agb.push(r[1].to_string());
        jaar.push(r[2].parse::<i64>().unwrap());
        code.push(r[3].to_string());
    }
    write_parquet(
        &dir.join("declaraties.parquet"),
        vec![
            ("agb", text_column(agb)),
            (
                "jaar",
                std::sync::Arc::new(arrow_array::Int64Array::from(jaar)),
            ),
            ("prestatiecode", text_column(code)),
            ("aantal", aantal),
            ("bedrag", bedrag),
        ],
    );
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties.csv",
        "declaraties.parquet",
    );
}

/// `klein`'s aantal and bedrag columns as millionths and cents.
fn klein_claim_columns(dir: &Path) -> (Vec<i128>, Vec<i128>) {
    let mut rdr = csv::Reader::from_path(dir.join("declaraties.csv")).unwrap();
    let (mut aantal, mut cents) = (vec![], vec![]);
    for r in rdr.records() {
        let r = r.unwrap();
        aantal.push(r[4].parse::<i128>().unwrap() * 1_000_000);
        cents.push(r[5].replace('.', "").parse::<i128>().unwrap());
    }
    (aantal, cents)
}

fn decimals(values: Vec<i128>, scale: i8) -> arrow_array::ArrayRef {
    decimal_column(values, 38, scale)
}

#[test]
fn parquet_cells_beyond_the_bound_or_below_the_resolution_are_refused() {
    // Both columns as decimals (the fast route, which sums by dictionary keys) with a
    // bedrag of 10^20 on the fourth line, row 4 of the Parquet file: the fast route must
    // decline it, and the strict one name it.
    let dir = copy_fixture("klein");
    let (aantal, mut cents) = klein_claim_columns(&dir);
    cents[3] = 10i128.pow(22);
    parquet_claims(&dir, decimals(aantal, 6), decimals(cents, 2));
    refused(
        &dir,
        &[
            "declaraties.parquet",
            "row 4",
            "column \"bedrag\"",
            "100000000000000000000",
            "10^12",
        ],
    );
    // aantal as floats, 1e-30 on the second line.
    let dir = copy_fixture("klein");
    let (aantal, cents) = klein_claim_columns(&dir);
    let mut floats: Vec<f64> = aantal.iter().map(|&a| a as f64 / 1e6).collect();
    floats[1] = 1e-30;
    parquet_claims(
        &dir,
        std::sync::Arc::new(arrow_array::Float64Array::from(floats)),
        decimals(cents, 2),
    );
    refused(
        &dir,
        &[
            "declaraties.parquet",
            "row 2",
            "column \"aantal\"",
            "1e-30",
            "more than 6 decimals",
        ],
    );
}

#[test]
fn configuration_numbers_are_typed_strictly() {
    // A number written as text is refused, not read.
    let dir = copy_fixture("klein");
    let config = dir.join("zn-2027.toml");
    std::fs::write(
        &config,
        with_tables(&read(&config), "[criteria]\naandeel_omzet = \"0.75\"\n"),
    )
    .unwrap();
    refused(&dir, &["zn-2027.toml", "aandeel_omzet", "without quotes"]);

    // A float below the resolution is refused, not read as 0 (which switched the omzet
    // criterion off).
    let dir = copy_fixture("klein");
    let config = dir.join("zn-2027.toml");
    std::fs::write(
        &config,
        with_tables(&read(&config), "[criteria]\naandeel_omzet = 1e-30\n"),
    )
    .unwrap();
    refused(
        &dir,
        &["zn-2027.toml", "aandeel_omzet", "more than 6 decimals"],
    );

    // Seven decimals are refused as they are in the data.
    let dir = copy_fixture("klein");
    let config = dir.join("zn-2027.toml");
    edit(
        &config,
        "[uitsluiting]\n",
        "[uitsluiting]\nmin_omzet = 0.1234567\n",
    );
    refused(&dir, &["zn-2027.toml", "min_omzet", "more than 6 decimals"]);
}

// ---------------------------------------------------------------------------------------
// Six decimals everywhere: the case that used to end in exit 101.

/// `klein` under zn-2027 with ρ = W/D and six decimals where they multiply: the V4VV
/// tariff 200.123457, Aurora's first V4VV line 3650.123457 days and its W 830000.123457.
/// `Position::is_positive_at` used to overflow on W·(r·S_max − S) (30 digits) and exit 101.
///
/// The expected numbers come from the fixture by hand, as exact rationals (Python's
/// `fractions`, and checked here in exact integers below). VV/intramuraal holds four
/// providers, NHC/NIC stripped, m = 200.123457 for V4VV:
///
/// | kvk | R | W | D | S | S_max | K | B |
/// |---|---|---|---|---|---|---|---|
/// | 10000001 | 5000 | 830000.123457 | 837580 | 698880 | 3640.123457·m | 138700 | 950000 |
/// | 10000002 | −7000 | 410000 | 415400 | 342000 | 1800·m | 68400 | 480000 |
/// | 10000003 | 6000 | 480000 | 482950 | 470450 | 2000·m + 77500 + 7500 | 12500 | 560000 |
/// | 10000005 | −3500 | 216000 | 216000 | 216000 | 2970·75 + 12·m | 0 | 240000 |
///
/// (Aurora: V4VV n = 3650.123457 − 10, d = 700800 − 1920; K = NHC 109500 + NIC 29200.
/// Castella: VPT4VV s = 87675 − 500·25, s_max = 500·(180 − 25); H126 s_max = 100·75.)
/// Break-evens r* = (S − R·D/W) / S_max: 0.952449, 0.969102, 0.957066, 0.974899. The
/// third smallest (⌈0.75·4⌉ = 3) is 10000002's, 96.9102%; omzet O = B − round(W·K/D, 2):
/// 812555.20, 412489.17, 547576.35, 240000 (total 2012620.72; 75% is 1509465.54), and
/// the cumulative omzet in break-even order, 812555.20, 1360131.55, 1772620.72, passes it
/// at 10000002 too. So RTP = 97.0 (96.9102 rounded up), where 3 of 4 providers and
/// 1772620.72 / 2012620.72 = 88.0752% of omzet are positive (shares are shown rounded
/// down: 88.07).
#[test]
fn six_decimals_where_they_multiply_run_exactly() {
    let dir = copy_fixture("klein");
    edit(
        &dir.join("tarieven.csv"),
        "VV,intramuraal,zorg,200.00,",
        "VV,intramuraal,zorg,200.123457,",
    );
    edit(
        &dir.join("declaraties.csv"),
        "2024,V4VV,3650,700800.00",
        "2024,V4VV,3650.123457,700800.00",
    );
    edit(
        &dir.join("jaarverslagen.csv"),
        "2024,950000.00,830000.00",
        "2024,950000.00,830000.123457",
    );
    let config = dir.join("zn-2027.toml");
    std::fs::write(
        &config,
        with_tables(&read(&config), "[berekening]\nschaling = \"jaarverslag\"\n"),
    )
    .unwrap();
    let out = dir.join("uit");
    run_config(&config, &out).expect_code(0);
    let rtp = read(&out.join("rtp.csv"));
    assert!(
        rtp.contains("VV,intramuraal,4,2012620.72,96.9102,96.9102,97.0,aantal,ja,75.00,88.07"),
        "{rtp}"
    );

    // The same decision in exact integers, independent of the program: at r = k/1000 a
    // provider is positive when R·D + W·(r·S_max − S) ≥ 0, scaled here by 10^6 (W),
    // 10^6 (m) and 1000 (r) to integers.
    let int = |s: &str| s.parse::<BigInt>().unwrap();
    let m = int("200123457"); // m·10^6
                              // (R, W·10^6, D, S, S_max·10^12, O·100)
    let providers = [
        (
            int("5000"),
            int("830000123457"),
            int("837580"),
            int("698880"),
            int("3640123457") * &m,
            int("81255520"),
        ),
        (
            int("-7000"),
            int("410000000000"),
            int("415400"),
            int("342000"),
            int("1800000000") * &m,
            int("41248917"),
        ),
        (
            int("6000"),
            int("480000000000"),
            int("482950"),
            int("470450"),
            int("2000000000") * &m + int("85000") * int("1000000000000"),
            int("54757635"),
        ),
        (
            int("-3500"),
            int("216000000000"),
            int("216000"),
            int("216000"),
            int("222750") * int("1000000000000") + int("12000000") * &m,
            int("24000000"),
        ),
    ];
    let total: BigInt = providers.iter().map(|p| &p.5).sum();
    let holds = |k: i64| {
        let r = BigInt::from(k);
        let t12 = int("1000000000000");
        let positive: Vec<_> = providers
            .iter()
            .filter(|(res, w, d, s, smax, _)| {
                // ·10^6·10^12·10^3: R·D·10^21 + W·(k·S_max·10^12 − S·10^15).
                let lhs =
                    res * d * &t12 * int("1000000000") + w * (&r * smax - s * &t12 * int("1000"));
                lhs >= BigInt::from(0)
            })
            .collect();
        let omzet: BigInt = positive.iter().map(|p| &p.5).sum();
        4 * positive.len() >= 3 * 4 && omzet * 4 >= &total * 3
    };
    assert!(holds(970), "the criteria hold at 97.0");
    assert!(!holds(969), "and fail at 96.9");
}
