//! The verification bundle, `controle/` in `run`'s folder: what someone without the claims
//! needs to recompute the run. `aggregaten.csv` holds per provider (the population and the
//! excluded) the jaarverslag's figures and the claims' sums the methodology uses, exact;
//! `richttarief.toml` is the run's configuration reading it; `rtp.csv` is the published
//! file, the same bytes; `manifest.json` holds the SHA-256 of the run's inputs and of
//! these files. With a key, every KvK becomes its pseudonym (a keyed hash) and names are
//! left out, so that no file of the bundle names a provider.
//!
//! It only writes: the figures are the run's own (`Data::totals`, the accounts), and
//! nothing is rounded. `differences` compares a published `rtp.csv` with a recomputed one,
//! for `verify`.

use std::fmt::Write as _;

use anyhow::{bail, Result};
use rust_decimal::Decimal;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::table::{csv, Table, Value};
use crate::config::Model;
use crate::model::{InputFile, Kvk, AGGREGATEN_COLUMNS};
use crate::pipeline::Run;

/// The bundle's folder in `run`'s output.
pub(crate) const FOLDER: &str = "controle";

/// How many hexadecimal digits of the HMAC a pseudonym keeps: 16, 64 bits. Two of n
/// providers share one with a chance below n²/2^65, about 3·10^-12 for 10,000 providers
/// (the Wlz has some 2,000); and a bundle with two rows of one pseudonym is refused when
/// read, so a collision could never merge two providers unseen.
const PSEUDONYM_DIGITS: usize = 16;

/// HMAC-SHA-256 (RFC 2104) of `message` under `key`: SHA-256 over the key padded and
/// masked twice. Written out, on the `sha2` the manifest already uses, instead of a
/// dependency for ten lines; the RFC 4231 test vectors hold it to the standard.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    const BLOCK: usize = 64;
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let masked = |pad: u8| block.map(|b| b ^ pad);
    let inner = Sha256::new()
        .chain_update(masked(0x36))
        .chain_update(message)
        .finalize();
    Sha256::new()
        .chain_update(masked(0x5c))
        .chain_update(inner)
        .finalize()
        .into()
}

/// A KvK's pseudonym under `key`: the first 16 hexadecimal digits of HMAC-SHA-256 of its
/// eight digits. The same key gives the same pseudonym, so a zorgkantoor can tell each
/// provider its own; without the key none can be traced back.
pub(crate) fn pseudonym(key: &[u8], kvk: Kvk) -> String {
    let mac = hmac_sha256(key, kvk.to_string().as_bytes());
    let mut hex = String::with_capacity(64);
    for b in mac {
        write!(hex, "{b:02x}").expect("writing to a String");
    }
    hex.truncate(PSEUDONYM_DIGITS);
    hex
}

/// How the bundle names providers.
enum Names<'a> {
    /// By KvK, with their names.
    Open,
    /// By pseudonym under this key, without names.
    Keyed(&'a [u8]),
    /// By the pseudonyms of the bundle the run read.
    Read,
}

impl Names<'_> {
    fn identity(&self, run: &Run, kvk: Kvk) -> String {
        match self {
            Names::Keyed(key) => pseudonym(key, kvk),
            Names::Open | Names::Read => run.data.identity(kvk),
        }
    }

    fn open(&self) -> bool {
        matches!(self, Names::Open)
    }
}

/// An exact figure, with the decimals it has: a bundle is read back, never displayed.
fn exact(d: Decimal) -> Value {
    Value::Quantity(d)
}

fn optional(d: Option<Decimal>) -> Value {
    d.map_or(Value::Empty, exact)
}

/// `aggregaten.csv`: a row per provider of the population and per excluded one, by
/// identity.
fn aggregaten(run: &Run, names: &Names) -> Table {
    let data = &run.data;
    let mut rows: Vec<(String, Vec<Value>)> = Vec::new();
    let population = run.providers.iter().map(|p| {
        (
            p.kvk,
            p.naam.as_str(),
            Value::from(p.sector.as_str()),
            Value::from(p.cluster.as_str()),
            String::new(),
        )
    });
    let excluded = run.excluded.iter().map(|e| {
        (
            e.kvk,
            e.naam.as_str(),
            Value::Empty,
            Value::Empty,
            super::reasons::reden(&e.reasons),
        )
    });
    for (kvk, naam, sector, cluster, reden) in population.chain(excluded) {
        let id = names.identity(run, kvk);
        let a = data.accounts.get(&kvk);
        let t = data.totals.get(&kvk);
        let mut row = vec![
            Value::Id(id.clone()),
            if names.open() {
                naam.into()
            } else {
                Value::Empty
            },
            sector,
            cluster,
            reden.into(),
            a.and_then(|a| a.sector)
                .map_or(Value::Empty, |s| s.as_str().into()),
            optional(a.map(|a| a.bedrijfsopbrengsten)),
            optional(a.and_then(|a| a.opbrengsten_wlz)),
            optional(a.map(|a| a.bedrijfslasten)),
            optional(a.map(|a| a.financiele_baten)),
            optional(a.map(|a| a.financiele_lasten)),
        ];
        let f = t.map(|t| &t.figures);
        row.extend(
            [
                f.map(|f| f.declaraties),
                f.map(|f| f.kapitaal),
                f.map(|f| f.volledig),
                f.map(|f| f.zorg),
                f.map(|f| f.zorg_max),
            ]
            .map(optional),
        );
        row.extend((0..4).map(|i| optional(t.map(|t| t.per_leveringsvorm[i]))));
        row.extend((0..3).map(|i| optional(f.map(|f| f.per_sector[i]))));
        row.push(
            data.incomplete
                .get(&kvk)
                .map_or(Value::Empty, |v| v.join("; ").into()),
        );
        rows.push((id, row));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    Table::new(
        "Aggregaten",
        &AGGREGATEN_COLUMNS.join(","),
        rows.into_iter().map(|(_, r)| r).collect(),
    )
}

/// A TOML string, quoted and escaped.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// A setting's word in the configuration (`inclusief_financieel`), as serde names it.
fn word<T: Serialize>(value: &T) -> Result<String> {
    match serde_json::to_value(value)? {
        serde_json::Value::String(s) => Ok(quoted(&s)),
        other => Ok(other.to_string()),
    }
}

/// Whether `text`, a TOML value as the bundle writes it, is what the preset of `model`
/// gives `key` of `table`. Numbers compare by value (`100` is the preset's `100.0`).
fn is_preset(model: Model, table: &str, key: &str, text: &str) -> bool {
    let Some(preset) = crate::config::preset_value(model, table, key) else {
        return false;
    };
    let Ok(written) = toml::from_str::<toml::Table>(&format!("x = {text}")) else {
        return false;
    };
    let number = |v: &toml::Value| match v {
        toml::Value::Integer(i) => Some(Decimal::from(*i)),
        toml::Value::Float(f) => Decimal::from_str_exact(&f.to_string()).ok(),
        _ => None,
    };
    let written = &written["x"];
    match (number(written), number(&preset)) {
        (Some(a), Some(b)) => a == b,
        _ => *written == preset,
    }
}

/// `richttarief.toml`: every choice of the run that affects the result, reading
/// `aggregaten.csv` beside it. Written out key by key rather than serialised, so that
/// numbers stay TOML numbers with the digits they were given. A key whose value is the
/// model's preset is written as a comment: it shows every choice, and a scenario that
/// names another model over this file then gets that model's defaults for those keys, as
/// it would over the run's own configuration file (which, as a rule, sets only what it
/// changes).
fn configuration(run: &Run, names: &Names) -> Result<String> {
    let c = &run.config;
    let (k, b, u) = (&c.clustering, &c.berekening, &c.uitsluiting);
    let mut t = String::new();
    let mut table = String::new();
    let mut line = |s: String| {
        if let Some(name) = s.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            table = name.to_string();
        }
        let setting = s.split_once(" = ").filter(|_| !s.starts_with('#'));
        match setting {
            Some((key, value))
                if !matches!(
                    key,
                    "model" | "referentiejaar" | "decimaalteken" | "aggregaten"
                ) && is_preset(c.model, &table, key, value) =>
            {
                t.push_str(&format!("# {s}  (preset {})", c.model));
            }
            _ => t.push_str(&s),
        }
        t.push('\n');
    };
    line(
        "# De berekening van rtp.csv, op de aggregaten in deze map: `richttarief verify .`".into(),
    );
    line(
        "# rekent haar na, en `richttarief check --config richttarief.toml` toetst een RTP.".into(),
    );
    line(format!("model = {}", quoted(c.model.as_str())));
    line(format!("referentiejaar = {}", c.referentiejaar));
    line("decimaalteken = \".\"".into());
    line(String::new());
    line("[invoer]".into());
    line("aggregaten = \"aggregaten.csv\"".into());
    line(String::new());
    line("[criteria]".into());
    line(format!(
        "aandeel_aanbieders = {}",
        c.criteria.aandeel_aanbieders
    ));
    line(format!("aandeel_omzet = {}", c.criteria.aandeel_omzet));
    line(format!("nul_is_positief = {}", c.criteria.nul_is_positief));
    line(String::new());
    line("[clustering]".into());
    line(format!("clusters = {}", k.clusters));
    line(format!("intramuraal_drempel = {}", k.intramuraal_drempel));
    line(format!("drempel_telt_als = {}", word(&k.drempel_telt_als)?));
    let vormen: Vec<String> = k
        .intramurale_leveringsvormen
        .iter()
        .map(|v| quoted(v))
        .collect();
    line(format!(
        "intramurale_leveringsvormen = [{}]",
        vormen.join(", ")
    ));
    line(String::new());
    line("[berekening]".into());
    line(format!("resultaat = {}", word(&b.resultaat)?));
    line(format!("nhc_nic_strippen = {}", b.nhc_nic_strippen));
    line(format!("omzet_basis = {}", word(&b.omzet_basis)?));
    line(format!("schaling = {}", word(&b.schaling)?));
    line(format!("sector_bron = {}", word(&b.sector_bron)?));
    line(format!("afronding = {}", b.afronding));
    line(format!("afronden = {}", word(&b.afronden)?));
    line(format!("ondergrens = {}", b.ondergrens));
    line(format!("bovengrens = {}", b.bovengrens));
    line(String::new());
    line("[uitsluiting]".into());
    line(format!("min_omzet = {}", u.min_omzet));
    line(format!("min_aandeel_wlz = {}", u.min_aandeel_wlz));
    if u.kvk.is_empty() {
        line("kvk = []".into());
    } else {
        // A list of tables is not compared with the preset's: the presets list nobody.
        line("kvk = [".into());
        for e in &u.kvk {
            // A listed KvK is pseudonymised like the bundle's rows, so that it is matched
            // to its row and names nobody.
            let id = match (names, e.parsed) {
                (Names::Keyed(key), Some(kvk)) => pseudonym(key, kvk),
                (_, Some(kvk)) if names.open() => kvk.to_string(),
                _ => e.kvk.clone(),
            };
            line(format!(
                "    {{ kvk = {}, reden = {} }},",
                quoted(&id),
                quoted(&e.reden)
            ));
        }
        line("]".into());
    }
    // The contract year prices nothing in the RTP, but a configuration that gave it keeps
    // it, so that `tarieven` on the bundle's configuration means the same year.
    if c.beleid.contractjaar_gegeven {
        line(String::new());
        line("[beleid]".into());
        line(format!("contractjaar = {}", c.beleid.contractjaar));
    }
    Ok(t)
}

#[derive(Serialize)]
struct BundleFile {
    bestand: String,
    bytes: u64,
    sha256: String,
}

/// `controle/manifest.json`: the inputs of the run as its manifest records them, and every
/// other file of the bundle with its SHA-256. No timings and no warnings (which name
/// providers): the same run gives the same bytes.
#[derive(Serialize)]
struct BundleManifest<'a> {
    programma: &'static str,
    versie: &'static str,
    model: &'static str,
    referentiejaar: i32,
    pseudoniemen: bool,
    invoer: &'a [InputFile],
    bestanden: Vec<BundleFile>,
}

/// The files of `controle/`, under that folder's name, the manifest last. `rtp` is the
/// run's `rtp.csv`; `key` the secret of `--pseudoniem`.
pub(crate) fn files(run: &Run, rtp: &[u8], key: Option<&[u8]>) -> Result<Vec<(String, Vec<u8>)>> {
    let read_pseudonymised = run
        .data
        .bundle
        .as_ref()
        .is_some_and(|b| !b.pseudonyms.is_empty());
    let names = match (key, read_pseudonymised) {
        (Some(_), true) => bail!(
            "--pseudoniem: the run read a bundle that is pseudonymised already; its pseudonyms are kept as they are"
        ),
        (Some(key), false) => Names::Keyed(key),
        (None, true) => Names::Read,
        (None, false) => Names::Open,
    };
    let bundle = vec![
        ("aggregaten.csv".to_string(), csv(&aggregaten(run, &names))?),
        (
            "richttarief.toml".to_string(),
            configuration(run, &names)?.into_bytes(),
        ),
        ("rtp.csv".to_string(), rtp.to_vec()),
    ];
    let manifest = BundleManifest {
        programma: env!("CARGO_PKG_NAME"),
        versie: env!("CARGO_PKG_VERSION"),
        model: run.config.model.as_str(),
        referentiejaar: run.config.referentiejaar,
        pseudoniemen: !names.open(),
        invoer: &run.data.inputs,
        bestanden: bundle
            .iter()
            .map(|(name, bytes)| BundleFile {
                bestand: name.clone(),
                bytes: bytes.len() as u64,
                sha256: format!("{:x}", Sha256::digest(bytes)),
            })
            .collect(),
    };
    let mut json = serde_json::to_vec_pretty(&manifest)?;
    json.push(b'\n');
    Ok(bundle
        .into_iter()
        .chain([("manifest.json".to_string(), json)])
        .map(|(name, bytes)| (format!("{FOLDER}/{name}"), bytes))
        .collect())
}

/// Where a published `rtp.csv` and a recomputed one differ: per line, the columns that
/// differ with both values, and lines only one of them has. Empty when they are the same
/// bytes.
pub(crate) fn differences(published: &[u8], recomputed: &[u8]) -> Vec<String> {
    if published == recomputed {
        return Vec::new();
    }
    let lines = |b: &[u8]| -> Vec<String> {
        String::from_utf8_lossy(b)
            .lines()
            .map(str::to_string)
            .collect()
    };
    let (p, r) = (lines(published), lines(recomputed));
    let header: Vec<&str> = r.first().map_or(Vec::new(), |h| h.split(',').collect());
    let mut out = Vec::new();
    for i in 0..p.len().max(r.len()) {
        match (p.get(i), r.get(i)) {
            (Some(a), Some(b)) if a == b => {}
            (Some(a), Some(b)) => {
                let (x, y): (Vec<&str>, Vec<&str>) =
                    (a.split(',').collect(), b.split(',').collect());
                let mut cells = Vec::new();
                for j in 0..x.len().max(y.len()) {
                    let (u, v) = (x.get(j).copied(), y.get(j).copied());
                    if u != v {
                        cells.push(format!(
                            "{} published {:?}, recomputed {:?}",
                            header.get(j).copied().unwrap_or("?"),
                            u.unwrap_or(""),
                            v.unwrap_or("")
                        ));
                    }
                }
                let group = y.iter().take(2).copied().collect::<Vec<&str>>().join("/");
                out.push(format!(
                    "rtp.csv line {} ({group}): {}",
                    i + 1,
                    cells.join("; ")
                ));
            }
            (Some(a), None) => out.push(format!(
                "rtp.csv line {}: published {a:?}, which the recomputation does not have",
                i + 1
            )),
            (None, Some(b)) => out.push(format!(
                "rtp.csv line {}: recomputed {b:?}, which the published file does not have",
                i + 1
            )),
            (None, None) => {}
        }
    }
    if out.is_empty() {
        // Same lines, other bytes: line endings or a final line break.
        out.push("rtp.csv: the same lines as the recomputation, but not the same bytes (line endings or the final line break)".into());
    }
    out
}

/// One file a manifest lists: its name and SHA-256.
#[derive(serde::Deserialize)]
struct Listed {
    bestand: String,
    sha256: String,
}

#[derive(serde::Deserialize)]
struct ListedFiles {
    #[serde(alias = "uitvoer")]
    bestanden: Vec<Listed>,
}

/// The files of `manifest` (a bundle's, or with `prefix = "controle/"` the run's own
/// manifest) whose bytes, as `read` gives them, do not have the SHA-256 it lists; and the
/// bundle's files it does not list. An error when `manifest` is not a manifest.
pub(crate) fn manifest_differences(
    manifest: &[u8],
    name: &str,
    prefix: &str,
    read: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Vec<String>> {
    let listed: ListedFiles = serde_json::from_slice(manifest)
        .map_err(|e| anyhow::anyhow!("{name} is not a manifest of richttarief: {e}"))?;
    let mut out = Vec::new();
    let ours: Vec<&Listed> = listed
        .bestanden
        .iter()
        .filter(|l| l.bestand.starts_with(prefix))
        .collect();
    for l in &ours {
        let file = &l.bestand[prefix.len()..];
        match read(file) {
            None => out.push(format!("{}: listed in {name}, but absent", l.bestand)),
            Some(bytes) => {
                let sha256 = format!("{:x}", Sha256::digest(&bytes));
                if sha256 != l.sha256 {
                    out.push(format!(
                        "{}: SHA-256 {sha256}, but {name} lists {}",
                        l.bestand, l.sha256
                    ));
                }
            }
        }
    }
    for needed in ["aggregaten.csv", "richttarief.toml", "rtp.csv"] {
        if !ours.iter().any(|l| l.bestand[prefix.len()..] == *needed) {
            out.push(format!("{prefix}{needed}: not listed in {name}"));
        }
    }
    Ok(out)
}

/// Where the recomputation classifies a provider otherwise than the bundle records: its
/// sector and cluster in the population, or its reasons for exclusion.
pub(crate) fn classification_differences(run: &Run) -> Vec<String> {
    let Some(bundle) = &run.data.bundle else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut compare = |kvk: Kvk, sector: &str, cluster: &str, reden: &str| {
        let Some(r) = bundle.recorded.get(&kvk) else {
            return;
        };
        let id = run.data.identity(kvk);
        for (column, recorded, recomputed) in [
            ("sector", r.sector.as_str(), sector),
            ("cluster", r.cluster.as_str(), cluster),
            ("reden", r.reden.as_str(), reden),
        ] {
            if recorded != recomputed {
                out.push(format!(
                    "aggregaten.csv, provider {id}, column {column:?}: recorded {recorded:?}, recomputed {recomputed:?}"
                ));
            }
        }
    };
    for p in &run.providers {
        compare(p.kvk, p.sector.as_str(), p.cluster.as_str(), "");
    }
    for e in &run.excluded {
        compare(e.kvk, "", "", &super::reasons::reden(&e.reasons));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_the_rfc_4231_test_vectors() {
        // RFC 4231, test cases 1, 2 and 6 (a key longer than the block, hashed first).
        assert_eq!(
            hex(&hmac_sha256(&[0x0b; 20], b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        assert_eq!(
            hex(&hmac_sha256(b"Jefe", b"what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        assert_eq!(
            hex(&hmac_sha256(
                &[0xaa; 131],
                b"Test Using Larger Than Block-Size Key - Hash Key First"
            )),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn a_pseudonym_is_the_first_16_digits_of_the_hmac_of_the_eight_digits() {
        let kvk = Kvk::parse("01234567").unwrap();
        let whole = hex(&hmac_sha256(b"a key of sixteen", b"01234567"));
        assert_eq!(pseudonym(b"a key of sixteen", kvk), whole[..16]);
        assert_ne!(pseudonym(b"another key here", kvk), whole[..16]);
    }

    #[test]
    fn differences_name_the_line_group_and_column() {
        let published = b"sector,cluster,rtp\nVV,intramuraal,95.4\n";
        let recomputed = b"sector,cluster,rtp\nVV,intramuraal,95.5\n";
        assert_eq!(
            differences(published, recomputed),
            vec![
                "rtp.csv line 2 (VV/intramuraal): rtp published \"95.4\", recomputed \"95.5\""
                    .to_string()
            ]
        );
        assert!(differences(published, published).is_empty());
    }
}
