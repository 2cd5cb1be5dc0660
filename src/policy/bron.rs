//! Sources: the documents a policy file declares once (`[bronnen.KEY]`) and the structured
//! citation (`bron = { document = KEY, sectie, noot }`) every entry gives, read into a
//! `Bron` that can cite itself in full.
//!
//! It checks a citation against the file's documents and nothing else: whether the cited
//! text says what the rule does is for a reader of `beleid controleer`, not for code.

use std::collections::BTreeMap;

use super::raw::SourceFile;

/// One cited place in a published document.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Bron {
    /// The key under `[bronnen]`.
    pub key: String,
    /// The document's published title.
    pub document: String,
    pub uitgever: String,
    /// As published: a year, a year-month or a date.
    pub datum: String,
    /// The zorgkantoor's own document a summary rests on.
    pub primair: Option<String>,
    pub sectie: String,
    pub noot: Option<String>,
}

impl Bron {
    /// The citation in full: `VGN, Overzicht … (2026), §7.1 …; noot`.
    pub(crate) fn cite(&self) -> String {
        let mut s = format!(
            "{}, {} ({}), {}",
            self.uitgever, self.document, self.datum, self.sectie
        );
        if let Some(p) = &self.primair {
            s.push_str(&format!(" (berust op: {p})"));
        }
        if let Some(n) = &self.noot {
            s.push_str(&format!("; {n}"));
        }
        s
    }
}

/// How a source is written, for the message refusing any other form.
pub(super) const HOW: &str =
    "give a table { document = \"KEY\", sectie = \"…\" } naming a [bronnen.KEY] of this file";

/// The `[bronnen]` documents, checked: each field given and not empty.
pub(super) fn documents(
    bronnen: &BTreeMap<String, SourceFile>,
    problem: &mut impl FnMut(&str, String),
) {
    for (key, s) in bronnen {
        for (field, v) in [
            ("document", &s.document),
            ("uitgever", &s.uitgever),
            ("datum", &s.datum),
        ] {
            if v.trim().is_empty() {
                problem(&format!("bronnen.{key}.{field}"), "is empty".into());
            }
        }
    }
}

/// A `bron` value read against the file's documents; `Err` says what is wrong and how to
/// write it.
pub(super) fn read(
    value: Option<&toml::Value>,
    bronnen: &BTreeMap<String, SourceFile>,
) -> Result<Bron, String> {
    let table = match value {
        None => return Err(format!("bron: missing; {HOW}")),
        Some(toml::Value::Table(t)) => t,
        Some(toml::Value::String(_)) => {
            return Err(format!("bron: a free text is no longer accepted; {HOW}"))
        }
        Some(_) => return Err(format!("bron: {HOW}")),
    };
    let text = |key: &str| -> Result<Option<String>, String> {
        match table.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) if !s.trim().is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(format!("bron.{key}: write a non-empty text")),
        }
    };
    if let Some(other) = table
        .keys()
        .find(|k| !["document", "sectie", "noot"].contains(&k.as_str()))
    {
        return Err(format!(
            "bron.{other}: unknown key; a bron has document, sectie and noot"
        ));
    }
    let key = text("document")?.ok_or_else(|| format!("bron.document: missing; {HOW}"))?;
    let sectie = text("sectie")?.ok_or_else(|| {
        "bron.sectie: missing; say where in the document (a section, page or table)".to_string()
    })?;
    let noot = text("noot")?;
    let Some(doc) = bronnen.get(&key) else {
        let keys: Vec<&str> = bronnen.keys().map(|k| k.as_str()).collect();
        return Err(format!(
            "bron.document: {key:?} is not a [bronnen] key of this file; the keys are {}",
            if keys.is_empty() {
                "none".to_string()
            } else {
                keys.join(", ")
            }
        ));
    };
    Ok(Bron {
        key,
        document: doc.document.clone(),
        uitgever: doc.uitgever.clone(),
        datum: doc.datum.clone(),
        primair: doc.primair.clone(),
        sectie,
        noot,
    })
}
