//! The claims as Vektis AW319 declaration files or AW320 return files: one file per
//! declaring AGB code and month (the usual declaration period), in a folder of their own,
//! with a voorlooprecord `01`, per claim line a client (`02`), now and then a debtor (`03`)
//! and a comment (`98`), the prestatierecord `04`, and a sluitrecord `99` whose counts and
//! totals agree with the lines.
//!
//! Every personal position is filled, and filled with invented data only: BSNs from the
//! test range 99999xxxx that pass the elfproef, made-up names, addresses and numbers, all
//! derived from the line's own fields so that this writer, like every sink, draws nothing
//! from the generator's stream (the same lines give the same bytes). They are there so that
//! the reader's promise never to read them is tested against full files.
//!
//! Field 0417 holds five characters (AN5): every code of the generator's table fits, which a
//! test checks.
//! Positions of `01`, `04` and `99` are those of the message definition 1.3 (version 01.04
//! is written, which has the same positions); `02` follows the definition's field lengths;
//! `03` and `98` are filled at plausible positions, since no reader looks into them.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::claims::Line;
use super::sinks::ClaimSink;
use super::tariffs::TARIFFS;

/// Which message is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Message {
    Aw319,
    Aw320,
}

impl Message {
    fn width(self) -> usize {
        match self {
            Message::Aw319 => 310,
            Message::Aw320 => 370,
        }
    }
}

/// One record being written: a line of spaces of the message's width, filled by position.
struct Record(Vec<u8>);

impl Record {
    fn new(message: Message, kind: &str) -> Record {
        let mut r = Record(vec![b' '; message.width()]);
        r.text(1, 2, kind);
        r
    }

    /// A number at 1-based `start`, `len` digits, zero-padded.
    fn num(&mut self, start: usize, len: usize, v: u64) {
        let s = format!("{v:0len$}");
        debug_assert_eq!(s.len(), len, "{v} in {len} digits at {start}");
        self.0[start - 1..start - 1 + len].copy_from_slice(s.as_bytes());
    }

    /// Text at 1-based `start`, left-aligned and space-padded, cut at `len`.
    fn text(&mut self, start: usize, len: usize, v: &str) {
        let b = v.as_bytes();
        let n = b.len().min(len);
        self.0[start - 1..start - 1 + n].copy_from_slice(&b[..n]);
    }

    fn sign(&mut self, at: usize, negative: bool) {
        self.0[at - 1] = if negative { b'C' } else { b'D' };
    }
}

/// A BSN from the test range 99999xxxx that passes the elfproef, chosen by `seed`.
pub(super) fn test_bsn(seed: u32) -> u32 {
    let mut x = seed % 1000;
    loop {
        let head = 99_999_000 + x; // the first eight digits
        let digits: Vec<u32> = format!("{head:08}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let s: u32 = digits.iter().zip((2..=9).rev()).map(|(d, w)| d * w).sum();
        let check = s % 11;
        if check < 10 {
            return head * 10 + check;
        }
        x = (x + 1) % 1000;
    }
}

const SURNAMES: [&str; 8] = [
    "Verzonnen",
    "Testmans",
    "Proefstra",
    "Nepveld",
    "Fictiefsma",
    "Denkbeeld",
    "Voorbeeldt",
    "Namaakker",
];
const PREFIXES: [&str; 4] = ["", "van", "de", "van der"];
const STREETS: [&str; 4] = ["Verzonnenstraat", "Proefweg", "Testlaan", "Fictieplein"];
const PLACES: [&str; 4] = ["Nergensdam", "Testdorp", "Proefstad", "Verzonnenburg"];

/// A claim line waiting for its file.
#[derive(Clone, Copy)]
struct Pending {
    year: i32,
    code: usize,
    units: i64,
    cents: i64,
    bsn: u32,
}

/// Writes the files of one provider and month when `end_group` is called: the lines in
/// between are one provider's, so only its lines are held.
pub(super) struct VektisSink {
    dir: PathBuf,
    message: Message,
    year: i32,
    pending: BTreeMap<u32, Vec<Pending>>,
}

impl VektisSink {
    pub(super) fn new(dir: &Path, message: Message, year: i32) -> Result<VektisSink> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(VektisSink {
            dir: dir.to_path_buf(),
            message,
            year,
            pending: BTreeMap::new(),
        })
    }

    fn write_file(&self, agb: u32, month: u32, lines: &[Pending]) -> Result<()> {
        let path = self
            .dir
            .join(format!("{agb:08}-{}{:02}.asc", self.year, month));
        let mut out = std::io::BufWriter::new(
            std::fs::File::create(&path)
                .with_context(|| format!("cannot create {}", path.display()))?,
        );
        let m = self.message;
        let (year, mm) = (u64::try_from(self.year)?, u64::from(month));
        let mut put = |r: Record| -> Result<()> {
            out.write_all(&r.0)?;
            out.write_all(b"\r\n")?;
            Ok(())
        };

        let mut v = Record::new(m, "01");
        v.num(3, 3, if m == Message::Aw319 { 187 } else { 188 });
        v.num(6, 2, 1);
        v.num(8, 2, 4);
        v.text(10, 1, "P");
        v.num(11, 6, 0);
        v.text(17, 10, "generate");
        v.num(27, 4, 9999);
        v.num(31, 8, 0);
        v.num(39, 8, 0);
        v.num(47, 8, 0);
        v.num(55, 8, u64::from(agb));
        v.num(63, 2, 4);
        v.num(65, 8, year * 10_000 + mm * 100 + 1);
        v.num(73, 8, year * 10_000 + mm * 100 + 28);
        v.text(81, 12, &format!("F{agb:08}{mm:02}"));
        v.num(93, 8, year * 10_000 + mm * 100 + 28);
        v.text(115, 3, "EUR");
        if m == Message::Aw320 {
            v.text(311, 24, &format!("RETOUR{agb:08}{mm:02}"));
            v.num(335, 8, year * 10_000 + mm * 100 + 28);
            v.num(343, 12, 0);
        }
        put(v)?;

        let (mut n02, mut n03, mut n98) = (0u64, 0u64, 0u64);
        let mut total: i64 = 0;
        let mut id = 0u64;
        for (i, l) in lines.iter().enumerate() {
            // Every code of the table fits field 0417 (AN5): a test holds the table to it.
            let t = &TARIFFS[l.code];
            let bsn = test_bsn(l.bsn);
            let h = l.bsn as usize;
            let surname = SURNAMES[h % SURNAMES.len()];
            let prefix = PREFIXES[(h / 8) % PREFIXES.len()];
            let street = STREETS[(h / 32) % STREETS.len()];
            let place = PLACES[(h / 128) % PLACES.len()];
            let house = u64::from(l.bsn % 200 + 1);
            let postcode = format!("{:04}ZZ", 1000 + l.bsn % 9000);

            id += 1;
            let mut c = Record::new(m, "02");
            c.num(3, 12, id);
            c.num(15, 9, u64::from(bsn));
            c.num(24, 4, 9999);
            c.text(28, 15, &format!("VZ{bsn}"));
            c.text(43, 11, &format!("PAT{:08}", l.bsn % 100_000_000));
            c.num(54, 8, 19_300_101 + u64::from(l.bsn % 50) * 10_000);
            c.num(62, 1, u64::from(l.bsn % 2 + 1));
            c.num(63, 1, 1);
            c.text(64, 25, surname);
            c.text(89, 10, prefix);
            c.num(99, 1, 0);
            c.text(100, 25, SURNAMES[(h / 3) % SURNAMES.len()]);
            c.text(125, 10, "");
            c.text(135, 6, "A.B.");
            c.text(141, 1, "E");
            c.text(142, 6, &postcode);
            c.text(148, 9, "");
            c.num(157, 5, house);
            c.text(162, 6, "");
            c.text(168, 2, "NL");
            c.num(170, 11, u64::from(bsn));
            c.num(181, 1, 0);
            c.num(182, 4, 1);
            c.text(186, 20, &format!("CIZ{bsn}"));
            put(c)?;
            n02 += 1;

            if i % 5 == 0 {
                id += 1;
                let mut d = Record::new(m, "03");
                d.num(3, 12, id);
                d.num(15, 9, u64::from(bsn));
                d.text(24, 25, &format!("{surname}-{}", SURNAMES[(h / 5) % 8]));
                d.text(49, 10, prefix);
                d.text(59, 6, "C.D.");
                d.text(65, 24, street);
                d.num(89, 5, house);
                d.text(94, 6, &postcode);
                d.text(100, 24, place);
                d.text(124, 15, &format!("0612{:06}", l.bsn % 1_000_000));
                d.text(
                    139,
                    45,
                    &format!("{}@voorbeeld.invalid", surname.to_lowercase()),
                );
                d.text(184, 34, &format!("NL00TEST0{bsn}"));
                put(d)?;
                n03 += 1;
            }

            // The aantal as the line declares it, in the code's claimed unit (etmalen,
            // dagdelen, stuks, or minutes against an hourly tariff): the generator draws
            // whole units, so the hundredths divide exactly.
            debug_assert_eq!(l.units % 100, 0, "whole units of the claimed unit");
            let (unit, count) = (u64::from(t.claimed.cod218()), l.units / 100);
            let (from, to) = if l.year == self.year {
                (year * 10_000 + mm * 100 + 1, year * 10_000 + mm * 100 + 28)
            } else {
                let y = u64::try_from(l.year)?;
                (y * 10_000 + 1201, y * 10_000 + 1228)
            };
            let negative = l.cents < 0 || l.units < 0;
            let cents = l.cents.unsigned_abs();
            id += 1;
            let mut p = Record::new(m, "04");
            p.num(3, 12, id);
            p.num(15, 9, u64::from(bsn));
            p.num(24, 4, 9999);
            p.text(28, 15, &format!("VZ{bsn}"));
            p.text(43, 15, &format!("MACH{bsn}"));
            p.num(58, 1, 0);
            p.num(59, 4, 1);
            p.text(63, 20, &format!("CIZ{bsn}"));
            p.num(83, 9, u64::from(bsn));
            p.num(92, 9, u64::from(bsn));
            p.num(101, 2, 0);
            p.num(103, 3, 0);
            p.num(106, 8, from);
            p.num(114, 8, to);
            p.num(122, 3, 55);
            p.text(125, 5, &t.code);
            p.num(130, 4, count.unsigned_abs());
            p.num(134, 2, unit);
            p.num(136, 8, u64::from(agb));
            p.num(144, 16, 0);
            p.num(160, 5, 10_000);
            p.num(165, 8, t.max.unsigned_abs());
            p.num(173, 8, cents);
            p.sign(181, negative);
            p.num(182, 4, 0);
            p.num(186, 8, cents);
            p.sign(194, negative);
            p.text(195, 20, &format!("R{agb:08}{id:011}"));
            if m == Message::Aw320 {
                p.num(311, 8, cents);
                p.sign(319, negative);
                p.num(320, 8, cents);
                p.sign(328, negative);
                p.num(329, 12, 0);
            }
            put(p)?;
            total += if negative {
                -(cents as i64)
            } else {
                cents as i64
            };

            if i % 7 == 3 {
                id += 1;
                let mut k = Record::new(m, "98");
                k.num(3, 12, id);
                k.num(15, 4, 1);
                k.text(
                    19,
                    140,
                    &format!(
                        "Opmerking over {prefix} {surname}, BSN {bsn}, {street} {house}, {place}"
                    ),
                );
                put(k)?;
                n98 += 1;
            }
        }

        let n04 = lines.len() as u64;
        let mut s = Record::new(m, "99");
        s.num(3, 6, n02);
        s.num(9, 6, n03);
        s.num(15, 6, n04);
        s.num(21, 6, n98);
        s.num(27, 7, n02 + n03 + n04 + n98);
        s.num(34, 11, total.unsigned_abs());
        s.sign(45, total < 0);
        if m == Message::Aw320 {
            s.num(46, 11, total.unsigned_abs());
            s.sign(57, total < 0);
        }
        put(s)?;
        out.flush()
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(())
    }
}

impl ClaimSink for VektisSink {
    fn line(&mut self, l: &Line) -> Result<()> {
        self.pending.entry(l.agb).or_default().push(Pending {
            year: l.year,
            code: l.code,
            units: l.units,
            cents: l.cents,
            bsn: l.bsn,
        });
        Ok(())
    }

    fn end_group(&mut self, month: u32) -> Result<()> {
        for (agb, lines) in std::mem::take(&mut self.pending) {
            self.write_file(agb, month, &lines)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> Result<()> {
        // Lines after the last group (none, as `generate` calls it) still get a file.
        self.end_group(12)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn elfproef(bsn: u32) -> bool {
        let d: Vec<i64> = format!("{bsn:09}")
            .bytes()
            .map(|b| i64::from(b - b'0'))
            .collect();
        let s: i64 = (0..8).map(|i| d[i] * (9 - i as i64)).sum::<i64>() - d[8];
        s % 11 == 0
    }

    fn line(code: &str, year: i32, units: i64, cents: i64, bsn: u32) -> Line {
        Line {
            agb: 12_345_678,
            year,
            code: super::super::tariffs::tariff_index(code),
            units,
            cents,
            bsn,
        }
    }

    /// A written file read back by the program's claims reader, for reference year 2024:
    /// its claim lines, its lines of other years, and the sums per claimant × code.
    fn read_back(
        path: std::path::PathBuf,
    ) -> (
        u64,
        u64,
        Vec<(crate::model::Claimant, String, crate::model::ClaimSums)>,
    ) {
        use crate::config::{Input, InputPath, InputSpec, Mapping};
        let shown = path.file_name().unwrap().to_string_lossy().into_owned();
        let files = [InputPath { shown, path }];
        let spec = InputSpec {
            files: &files,
            columns: Mapping::none(Input::Declaraties),
            sign: crate::config::DecimalSign::Point,
            year: 2024,
            required: Vec::new(),
            amount: None,
        };
        let mut raw = crate::ingest::claims::RawClaims::default();
        let read = raw.read(&files[0], &spec, &|_, _| {}).unwrap();
        (read.rows, read.other_years, raw.sorted())
    }

    /// Written lines read back by the program's reader give the claims they were made of.
    #[test]
    fn written_files_read_back_as_their_claims() {
        let dir = std::env::temp_dir().join(format!("richttarief-aw319-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut sink = Box::new(VektisSink::new(&dir, Message::Aw319, 2024).unwrap());
        // Z041 3 days €535.20; H126 75 minutes (in hundredths, as the generator counts)
        // €79.31; a credit of 1 day of Z041 -€178.40; 2 days of Z041 of 2023, not summed.
        for l in [
            line("Z041", 2024, 300, 53_520, 1),
            line("H126", 2024, 7_500, 7_931, 2),
            line("Z041", 2024, -100, -17_840, 3),
            line("Z041", 2023, 200, 35_680, 4),
        ] {
            sink.line(&l).unwrap();
        }
        sink.end_group(3).unwrap();
        sink.finish().unwrap();
        let path = dir.join("12345678-202403.asc");
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.split_terminator("\r\n").collect();
        // 01; per claim a 02 and a 04; a 03 with the first, a 98 with the fourth; 99.
        let kinds: Vec<&str> = lines.iter().map(|l| &l[..2]).collect();
        assert_eq!(
            kinds,
            ["01", "02", "03", "04", "02", "04", "02", "04", "02", "04", "98", "99"]
        );
        assert!(lines.iter().all(|l| l.len() == 310));
        // 535.20 + 79.31 - 178.40 + 356.80 = 792.91, debit; four 04s.
        assert_eq!(&lines[11][14..20], "000004");
        assert_eq!(&lines[11][33..45], "00000079291D");

        let (rows, other_years, sums) = read_back(path);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!((rows, other_years), (4, 1));
        let got: Vec<(String, String)> = sums
            .into_iter()
            .map(|(_, code, s)| (code, format!("{} {}", s.aantal, s.bedrag)))
            .collect();
        // Z041: 3 - 1 = 2 days, 535.20 - 178.40 = 356.80; H126: 75 minutes, 79.31.
        assert_eq!(
            got,
            [
                ("H126 [minuut]".to_string(), "75 79.31".to_string()),
                ("Z041 [etmaal]".to_string(), "2 356.8".to_string())
            ]
        );
    }

    /// AW320: every record 370 wide, and the granted amounts (the declared ones, as the
    /// generator's zorgkantoor pays what is declared) read back as the claims.
    #[test]
    fn written_aw320_files_read_back_at_the_granted_amount() {
        let dir = std::env::temp_dir().join(format!("richttarief-aw320-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut sink = Box::new(VektisSink::new(&dir, Message::Aw320, 2024).unwrap());
        sink.line(&line("Z901", 2024, 300, 41_580, 9)).unwrap();
        sink.line(&line("Z901", 2024, -100, -13_860, 9)).unwrap();
        sink.end_group(7).unwrap();
        let path = dir.join("12345678-202407.asc");
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.split_terminator("\r\n").all(|l| l.len() == 370));
        let (rows, _, sums) = read_back(path);
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(rows, 2);
        // 3 - 1 = 2 days of transport, €415.80 - €138.60 = €277.20.
        let got: Vec<String> = sums
            .into_iter()
            .map(|(_, code, s)| format!("{code} {} {}", s.aantal, s.bedrag))
            .collect();
        assert_eq!(got, ["Z901 [etmaal] 2 277.2"]);
    }

    #[test]
    fn every_code_of_the_table_fits_field_0417() {
        for t in TARIFFS.iter() {
            assert!(
                (1..=5).contains(&t.code.len()) && t.code.is_ascii(),
                "{:?} does not fit AN5",
                t.code
            );
        }
    }

    #[test]
    fn test_bsns_are_in_the_test_range_and_pass_the_elfproef() {
        // 999990019: 9·9+9·8+9·7+9·6+9·5+0·4+0·3+1·2 = 317 = 28·11 + 9, so the last digit is 9.
        assert_eq!(test_bsn(1), 999_990_019);
        for seed in [0, 1, 7, 999, 123_456_789, u32::MAX] {
            let b = test_bsn(seed);
            assert!((999_990_000..=999_999_999).contains(&b), "{b}");
            assert!(elfproef(b), "{b}");
        }
    }
}
