//! The configuration: any text through `parse_text` and `resolve` never panics. Paths are
//! resolved in a folder of stand-ins; a configuration naming a path outside it (with a `/`
//! or `\`) is not resolved, so that a glob such as "/**" cannot walk the whole machine.
#![no_main]

use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(file) = richttarief::config::parse_text(text) {
        let debug = format!("{file:?}");
        if !debug.contains('/') && !debug.contains('\\') {
            let _ = richttarief::config::resolve(&[&file], common::stand_ins());
        }
    }
});
