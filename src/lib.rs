//! richttarief: the Wlz richttariefpercentage from jaarverslagen and declaraties.
//!
//! Data flows one way: `config` → `ingest` → `aggregate` → `classify` → `solve` →
//! `report`, orchestrated by `pipeline`. `model`, `aggregate`, `classify` and `solve` are
//! pure; only `ingest` and `report` touch files, and only `ingest` reads with `parquet` or
//! calamine (`generate`, which makes synthetic data, writes with `parquet`).

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
