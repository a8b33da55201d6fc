//! sahel-watch: watches Arabic-language news feeds for security events in the Sahel and sends
//! email alerts. The modules follow the pipeline: fetch → feed → arabic → detect → dedup → store
//! → alert, with `daemon` wiring them and `config` describing them.

pub mod alert;
pub mod arabic;
pub mod config;
pub mod daemon;
pub mod dedup;
pub mod detect;
pub mod feed;
pub mod fetch;
pub mod store;
