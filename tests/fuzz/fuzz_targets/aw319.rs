//! The Vektis AW319/AW320 reader on any bytes: it never panics, and no personal position
//! of the input has any effect on what it gives. The bytes are read twice, as they are and
//! masked: every byte at a personal position (positions 15-23, 28-57 and 63-100 of a line
//! whose record type is `04`; everything after the record type of a `02`, `03` or `98`)
//! replaced by one of another kind, a digit by `Q` and any other byte by `7`, line ends
//! kept so that the lines stay the same. The two reads must give the same claims or the
//! same error message, word for word. A personal value that reached a message, or a
//! personal field that was checked or summed, would make them differ; and since the masked
//! input has no digit at a personal position, no BSN of the input can be in a message that
//! is the same for both. This needs no planted value and cannot be fooled by a message
//! whose digits merely look like a BSN of the input. Every refusal names the file and,
//! unless the file has no prestatierecord at all, a line; none comes from a worker that
//! stopped or panicked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use richttarief::ingest::fuzzing;

mod common;

/// The 1-based positions of a prestatierecord 04 that hold personal data.
const PERSONAL_04: [(usize, usize); 3] = [(15, 23), (28, 57), (63, 100)];

/// `bytes` with every personal byte replaced by one of another kind, and the number of
/// bytes replaced.
fn masked(bytes: &[u8]) -> (Vec<u8>, usize) {
    let mut out = bytes.to_vec();
    let mut replaced = 0;
    for line in out.split_mut(|&b| b == b'\n') {
        let personal = |position: usize| match line.get(..2) {
            Some(b"04") => PERSONAL_04
                .iter()
                .any(|&(a, b)| (a..=b).contains(&position)),
            Some(b"02" | b"03" | b"98") => position > 2,
            _ => false,
        };
        let personal: Vec<bool> = (1..=line.len()).map(personal).collect();
        for (b, personal) in line.iter_mut().zip(personal) {
            // A CR stays: the reader strips one before a line end, and changing it would
            // change a line's width.
            if personal && *b != b'\r' {
                *b = if b.is_ascii_digit() { b'Q' } else { b'7' };
                replaced += 1;
            }
        }
    }
    (out, replaced)
}

/// A refusal names the file and a line, and is not a worker's failure.
fn well_worded(message: &str) {
    let file = fuzzing::SHOWN_VEKTIS;
    assert!(
        message.contains(file),
        "the message does not name {file}: {message}"
    );
    assert!(
        message.contains(" line ") || message.ends_with("the claims file has no claim lines"),
        "the message names no line: {message}"
    );
    assert!(!message.contains("worker"), "a worker failed: {message}");
}

fuzz_target!(|data: &[u8]| {
    let config = common::config(false);
    let plain = fuzzing::read_aw319(data, config);
    if let Err(e) = &plain {
        well_worded(&format!("{e:#}"));
    }
    let (masked, replaced) = masked(data);
    if replaced == 0 {
        return;
    }
    let hidden = fuzzing::read_aw319(&masked, config);
    match (plain, hidden) {
        (Ok(plain), Ok(hidden)) => {
            assert_eq!(plain, hidden, "personal positions changed the claims")
        }
        (Err(plain), Err(hidden)) => assert_eq!(
            format!("{plain:#}"),
            format!("{hidden:#}"),
            "personal positions changed the message"
        ),
        (Ok(_), Err(e)) => panic!("refused once its personal positions were masked: {e:#}"),
        (Err(e), Ok(_)) => {
            panic!("accepted once its personal positions were masked; refused as it was: {e:#}")
        }
    }
});
