//! How a file goes by in messages and manifests (`shown`), and its size and SHA-256
//! (`hash_file`). Configuration, input, policies and reports all name and record files, so
//! this sits below them all and uses no other module of ours. It reads a file only to hash
//! it and writes nothing.

use std::io::Read;
use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// Size and SHA-256 of a file, read in one streaming pass.
pub(crate) fn hash_file(path: &Path) -> Result<(u64, String)> {
    let mut file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut size = 0u64;
    loop {
        let n = file
            .read(&mut buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            break;
        }
        size += n as u64;
        hasher.update(&buf[..n]);
    }
    Ok((size, format!("{:x}", hasher.finalize())))
}

/// The name a file goes by in messages and the manifest: as the configuration wrote it.
pub(crate) fn shown(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}
