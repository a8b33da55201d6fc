//! sahel-watch: watches Arabic-language news feeds for security events in the Sahel and sends
//! email alerts.
//!
//! The modules follow the pipeline — fetch → feed → arabic → detect → dedup → store → alert —
//! with `config` describing it, `daemon` wiring it, and `report` summing up the archive. Each stage owns its types and its error
//! enum; the binary (`src/main.rs`, `src/cli/`) adds context for people.

pub mod config;

pub mod alert;
pub mod arabic;
pub mod dedup;
pub mod detect;
pub mod feed;
pub mod fetch;
pub mod store;

pub mod daemon;
pub mod report;
