//! What the fuzz targets share: a folder of empty stand-ins for the inputs that
//! `config::resolve` checks exist, and configurations resolved over it.

use std::path::PathBuf;
use std::sync::OnceLock;

use richttarief::config::Config;

pub fn stand_ins() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("richttarief-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["j.csv", "t.csv", "d.csv"] {
            std::fs::write(dir.join(f), "").unwrap();
        }
        dir
    })
}

/// Reference year 2024, with a decimal point or a decimal comma.
#[allow(dead_code)]
pub fn config(comma: bool) -> &'static Config {
    static CONFIGS: OnceLock<[Config; 2]> = OnceLock::new();
    let make = |sign: &str| {
        let text = format!(
            "referentiejaar = 2024\ndecimaalteken = {sign:?}\n[invoer]\njaarverslagen = \"j.csv\"\ntarieven = \"t.csv\"\ndeclaraties = \"d.csv\"\n"
        );
        let file = richttarief::config::parse_text(&text).unwrap();
        richttarief::config::resolve(&[&file], stand_ins()).unwrap()
    };
    &CONFIGS.get_or_init(|| [make("."), make(",")])[usize::from(comma)]
}
