//! richttarief: the Wlz richttariefpercentage from jaarverslagen and declaraties.
//!
//! The layers, which module may use which, and the invariants are written down once, in
//! the README's Architecture section; `tests/it/tidy.rs` checks them against this source.

pub mod aggregate;
pub mod app;
pub mod classify;
pub mod cli;
pub mod config;
pub mod contracting;
pub mod exact;
pub mod files;
pub mod folder;
pub mod generate;
pub mod ingest;
pub mod model;
pub mod pipeline;
pub mod policy;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod sensitivity;
pub mod solve;
