//! The claims writers, one per format: CSV, gzip-compressed CSV and Parquet here, the
//! Vektis AW319/AW320 files in `aw319`. A writer takes
//! one line at a time and keeps at most a buffer (CSV) or one row group (Parquet) in
//! memory, so the number of lines never limits a data set. It writes what it is given and
//! draws nothing: the same lines give the same bytes.

use std::fmt::Write as _;
use std::io::Write;
use std::path::Path;

use super::aw319::{Message, VektisSink};
use super::claims::Line;
use super::tariffs::TARIFFS;
use super::{cents_text, ClaimsFormat};
use anyhow::{Context, Result};

pub(super) trait ClaimSink {
    fn line(&mut self, line: &Line) -> Result<()>;
    /// The lines since the last call were one provider's of `month` (1-12): a writer of
    /// one file per declarant and period writes them out now.
    fn end_group(&mut self, _month: u32) -> Result<()> {
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<()>;
}

/// The claims as CSV through `csv::Writer`, which quotes a field that needs it.
struct CsvSink<W: Write> {
    csv: csv::Writer<Pieces<W>>,
    /// One line's numbers as text, reused.
    text: Vec<u8>,
}

/// Where the CSV goes on its way to the file: lines are collected and handed on to `out`
/// with `write_all` alone, in pieces of just under 64 KiB that end at a line's end. These
/// are the pieces `generate` has always written, and gzip's bytes depend on them: the
/// compressor's blocks follow what each write hands it, so other pieces, or a flush (a sync
/// point in the stream), would change the bytes of every `csv.gz` set of every seed.
struct Pieces<W> {
    out: W,
    buf: Vec<u8>,
}

/// A piece is handed on once it holds more than this.
const PIECE: usize = (1 << 16) - 256;

impl<W: Write> Write for Pieces<W> {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(data);
        Ok(data.len())
    }

    /// `CsvSink` flushes the csv writer after every line, so a flush here is a line's end:
    /// the one moment a piece may be handed on. `out` itself is flushed only at the end.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buf.len() > PIECE {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }
}

impl<W: Write> CsvSink<W> {
    fn new(mut out: W) -> Result<CsvSink<W>> {
        // The header is the first piece on its own, as it has always been (see `Pieces`).
        out.write_all(b"agb,jaar,prestatiecode,aantal,bedrag,eenheid,bsn\n")?;
        let csv = csv::WriterBuilder::new()
            .has_headers(false)
            .from_writer(Pieces {
                out,
                buf: Vec::with_capacity(1 << 16),
            });
        Ok(CsvSink {
            csv,
            text: Vec::with_capacity(64),
        })
    }

    fn write(&mut self, l: &Line) -> Result<()> {
        let t = &mut self.text;
        t.clear();
        let _ = write!(t, "{:08}", l.agb);
        let agb = t.len();
        let _ = write!(t, "{}", l.year);
        let year = t.len();
        cents_text(t, l.units);
        let units = t.len();
        cents_text(t, l.cents);
        let cents = t.len();
        let _ = write!(t, "{}", l.bsn);
        self.csv.write_record([
            &t[..agb],
            &t[agb..year],
            TARIFFS[l.code].code.as_bytes(),
            &t[year..units],
            &t[units..cents],
            TARIFFS[l.code].claimed.as_str().as_bytes(),
            &t[cents..],
        ])?;
        self.csv.flush()?;
        Ok(())
    }

    /// The destination with every line in it, not yet flushed.
    fn into_out(self) -> Result<W> {
        let mut pieces = self.csv.into_inner().map_err(|e| e.into_error())?;
        pieces.out.write_all(&pieces.buf)?;
        Ok(pieces.out)
    }
}

impl<W: Write> ClaimSink for CsvSink<W> {
    fn line(&mut self, l: &Line) -> Result<()> {
        self.write(l)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.into_out()?.flush()?;
        Ok(())
    }
}

struct GzSink(CsvSink<flate2::write::GzEncoder<std::io::BufWriter<std::fs::File>>>);

impl ClaimSink for GzSink {
    fn line(&mut self, l: &Line) -> Result<()> {
        self.0.write(l)
    }

    fn finish(self: Box<Self>) -> Result<()> {
        self.0.into_out()?.finish()?.flush()?;
        Ok(())
    }
}

/// Parquet as a warehouse export or polars writes it, through Apache Arrow's writer: a row
/// group per 2^20 lines, zstd level 1; agb, jaar, prestatiecode and eenheid
/// dictionary-encoded; aantal and bedrag as exact DECIMAL(18, 2) stored in 64-bit integers,
/// plain (a dictionary of amounts saves nothing); bsn as plain text.
struct ParquetSink {
    writer: parquet::arrow::ArrowWriter<std::fs::File>,
    schema: std::sync::Arc<arrow_schema::Schema>,
    batch: ParquetBatch,
}

/// The lines of one row group, column by column.
struct ParquetBatch {
    agb: arrow_array::builder::StringBuilder,
    jaar: arrow_array::builder::Int32Builder,
    code: arrow_array::builder::StringBuilder,
    aantal: arrow_array::builder::Decimal64Builder,
    eenheid: arrow_array::builder::StringBuilder,
    bedrag: arrow_array::builder::Decimal64Builder,
    bsn: arrow_array::builder::StringBuilder,
    len: usize,
}

const PARQUET_BATCH: usize = 1 << 20;

impl ParquetBatch {
    fn new() -> ParquetBatch {
        use arrow_array::builder::{Decimal64Builder, Int32Builder, StringBuilder};
        let money = || {
            Decimal64Builder::with_capacity(PARQUET_BATCH)
                .with_precision_and_scale(18, 2)
                .expect("DECIMAL(18, 2) fits 64 bits")
        };
        ParquetBatch {
            agb: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 8),
            jaar: Int32Builder::with_capacity(PARQUET_BATCH),
            code: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 8),
            aantal: money(),
            eenheid: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 6),
            bedrag: money(),
            bsn: StringBuilder::with_capacity(PARQUET_BATCH, PARQUET_BATCH * 9),
            len: 0,
        }
    }

    /// The lines so far as one record batch; the builders start again empty.
    fn take(
        &mut self,
        schema: &std::sync::Arc<arrow_schema::Schema>,
    ) -> Result<arrow_array::RecordBatch> {
        use arrow_array::ArrayRef;
        use std::sync::Arc;
        self.len = 0;
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.agb.finish()),
            Arc::new(self.jaar.finish()),
            Arc::new(self.code.finish()),
            Arc::new(self.aantal.finish()),
            Arc::new(self.bedrag.finish()),
            Arc::new(self.eenheid.finish()),
            Arc::new(self.bsn.finish()),
        ];
        Ok(arrow_array::RecordBatch::try_new(schema.clone(), columns)?)
    }
}

impl ParquetSink {
    fn new(file: std::fs::File) -> Result<ParquetSink> {
        use arrow_schema::{DataType, Field, Schema};
        use parquet::basic::{Compression, ZstdLevel};
        use parquet::file::properties::WriterProperties;
        use parquet::schema::types::ColumnPath;
        let schema = std::sync::Arc::new(Schema::new(vec![
            Field::new("agb", DataType::Utf8, false),
            Field::new("jaar", DataType::Int32, false),
            Field::new("prestatiecode", DataType::Utf8, false),
            Field::new("aantal", DataType::Decimal64(18, 2), false),
            Field::new("bedrag", DataType::Decimal64(18, 2), false),
            Field::new("eenheid", DataType::Utf8, false),
            Field::new("bsn", DataType::Utf8, false),
        ]));
        let plain = |b: parquet::file::properties::WriterPropertiesBuilder, c: &str| {
            b.set_column_dictionary_enabled(ColumnPath::from(c), false)
        };
        let mut props = WriterProperties::builder()
            .set_compression(Compression::ZSTD(ZstdLevel::try_new(1)?))
            .set_max_row_group_row_count(Some(PARQUET_BATCH))
            .set_dictionary_enabled(true);
        for c in ["aantal", "bedrag", "bsn"] {
            props = plain(props, c);
        }
        let writer =
            parquet::arrow::ArrowWriter::try_new(file, schema.clone(), Some(props.build()))?;
        Ok(ParquetSink {
            writer,
            schema,
            batch: ParquetBatch::new(),
        })
    }

    fn flush(&mut self) -> Result<()> {
        if self.batch.len > 0 {
            let batch = self.batch.take(&self.schema)?;
            self.writer.write(&batch)?;
            self.writer.flush()?;
        }
        Ok(())
    }
}

impl ClaimSink for ParquetSink {
    fn line(&mut self, l: &Line) -> Result<()> {
        let b = &mut self.batch;
        let _ = write!(b.agb, "{:08}", l.agb);
        b.agb.append_value("");
        b.jaar.append_value(l.year);
        b.code.append_value(&TARIFFS[l.code].code);
        b.aantal.append_value(l.units);
        b.eenheid.append_value(TARIFFS[l.code].claimed.as_str());
        b.bedrag.append_value(l.cents);
        let _ = write!(b.bsn, "{}", l.bsn);
        b.bsn.append_value("");
        b.len += 1;
        if b.len >= PARQUET_BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        self.flush()?;
        self.writer.close()?;
        Ok(())
    }
}

/// The writer of `format` at `path` (a folder for the Vektis formats, whose files are
/// named by declarant and month of `year`).
pub(super) fn sink(path: &Path, format: ClaimsFormat, year: i32) -> Result<Box<dyn ClaimSink>> {
    let message = match format {
        ClaimsFormat::Aw319 => Some(Message::Aw319),
        ClaimsFormat::Aw320 => Some(Message::Aw320),
        _ => None,
    };
    if let Some(message) = message {
        return Ok(Box::new(VektisSink::new(path, message, year)?));
    }
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot create {}", path.display()))?;
    Ok(match format {
        ClaimsFormat::Csv => Box::new(CsvSink::new(std::io::BufWriter::with_capacity(
            1 << 20,
            file,
        ))?),
        ClaimsFormat::CsvGz => {
            let gz = flate2::GzBuilder::new().mtime(0).write(
                std::io::BufWriter::with_capacity(1 << 20, file),
                flate2::Compression::fast(),
            );
            Box::new(GzSink(CsvSink::new(gz)?))
        }
        ClaimsFormat::Parquet => Box::new(ParquetSink::new(file)?),
        ClaimsFormat::Aw319 | ClaimsFormat::Aw320 => unreachable!("written above"),
    })
}
