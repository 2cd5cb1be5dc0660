//! Every input format reads as the CSV fixture does, to the byte: decimal-comma CSV, XLSX,
//! ODS, gzip by glob, Parquet, and DigiMV headers through `[kolommen]`.

use crate::common::*;

#[test]
fn decimal_comma_and_semicolons_read_the_same() {
    same_as_klein(&fixture("varianten/komma.toml"));
}

#[test]
fn xlsx_reads_the_same() {
    same_as_klein(&fixture("varianten/xlsx.toml"));
}

#[test]
fn ods_reads_the_same() {
    same_as_klein(&fixture("varianten/ods.toml"));
}

#[test]
fn gzip_and_several_files_by_glob_read_the_same() {
    use std::io::Write;
    let dir = copy_fixture("klein");
    let text = read(&dir.join("declaraties.csv"));
    let lines: Vec<&str> = text.lines().collect();
    let (header, body) = (lines[0], &lines[1..]);
    std::fs::create_dir(dir.join("deel")).unwrap();
    for (i, chunk) in body.chunks(8).enumerate() {
        let file = std::fs::File::create(dir.join(format!("deel/d{i}.csv.gz"))).unwrap();
        let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
        writeln!(gz, "{header}").unwrap();
        for l in chunk {
            writeln!(gz, "{l}").unwrap();
        }
        gz.finish().unwrap();
    }
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties = \"declaraties.csv\"",
        "declaraties = [\"deel/*.csv.gz\"]",
    );
    same_as_klein(&dir.join("zn-2027.toml"));
}

#[test]
fn parquet_reads_the_same() {
    use arrow_array::{ArrayRef, Decimal128Array, Float64Array, Int64Array, StringArray};
    use std::sync::Arc;
    let dir = copy_fixture("klein");
    let mut rdr = csv::Reader::from_path(dir.join("declaraties.csv")).unwrap();
    let (mut agb, mut jaar, mut code, mut aantal, mut cents) =
        (vec![], vec![], vec![], vec![], vec![]);
    for r in rdr.records() {
        let r = r.unwrap();
        agb.push(r[1].to_string());
        jaar.push(r[2].parse::<i64>().unwrap());
        code.push(r[3].to_string());
        // aantal as a float column: read through its shortest decimal text.
        aantal.push(r[4].parse::<f64>().unwrap());
        // bedrag as an exact Decimal(18, 2) column.
        cents.push(r[5].replace('.', "").parse::<i128>().unwrap());
    }
    let bedrag = Decimal128Array::from(cents)
        .with_precision_and_scale(18, 2)
        .unwrap();
    let batch = arrow_array::RecordBatch::try_from_iter([
        ("agb", Arc::new(StringArray::from(agb)) as ArrayRef),
        ("jaar", Arc::new(Int64Array::from(jaar))),
        ("prestatiecode", Arc::new(StringArray::from(code))),
        ("aantal", Arc::new(Float64Array::from(aantal))),
        ("bedrag", Arc::new(bedrag)),
    ])
    .unwrap();
    let file = std::fs::File::create(dir.join("declaraties.parquet")).unwrap();
    let mut writer = parquet::arrow::ArrowWriter::try_new(file, batch.schema(), None).unwrap();
    writer.write(&batch).unwrap();
    writer.close().unwrap();
    edit(
        &dir.join("zn-2027.toml"),
        "declaraties.csv",
        "declaraties.parquet",
    );
    same_as_klein(&dir.join("zn-2027.toml"));
}

#[test]
fn digimv_headers_read_through_kolommen_renames() {
    let dir = copy_fixture("klein");
    let text = read(&dir.join("jaarverslagen.csv"))
        .replacen("bedrijfsopbrengsten", "qTotaalBaten_0", 1)
        .replacen("financiele_lasten", "QFINANCIELELASTEN_0", 1);
    std::fs::write(dir.join("jaarverslagen.csv"), text).unwrap();
    let config = with_tables(
        &read(&dir.join("zn-2027.toml")),
        "[kolommen]\nbedrijfsopbrengsten = \"qTotaalBaten_0\"\nfinanciele_lasten = \"qFinancieleLasten_0\"\n",
    );
    std::fs::write(dir.join("zn-2027.toml"), config).unwrap();
    same_as_klein(&dir.join("zn-2027.toml"));
}
