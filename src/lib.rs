//! sahel-watch: watches Arabic-language news feeds for security events in the Sahel and sends
//! email alerts.
//!
//! The modules follow the pipeline — fetch → feed → full text → arabic → detect → dedup → plan →
//! store → alert — with `config` describing it, `daemon` wiring it, and `report` summing up the
//! archive. Each stage owns its types and its error enum; the binary (`src/main.rs`,
//! `src/cli/`) adds context for people.

pub mod config;

pub mod alert;
pub mod arabic;
pub mod dedup;
pub mod detect;
pub mod feed;
pub mod fetch;
pub mod fulltext;
pub mod plan;
pub mod store;

pub mod daemon;
pub mod report;
// The analysts' web console, served by the daemon beside the pipeline.
pub mod console;

pub mod page_templates;

// Small helpers every floor may use: HTTP clients, text made safe to show, and time.
pub mod http;
pub mod text;
pub mod time;

/// The message of a caught panic (a `&str` or `String` payload), for the error that reports it.
pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".to_owned())
}
