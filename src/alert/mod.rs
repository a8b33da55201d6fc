//! Alerts: who gets one (routing), what it says (rendering, plain text and right-to-left HTML),
//! and how it leaves (SMTP through lettre, or a local maildir when no SMTP is configured).

mod render;
mod route;
mod transport;

pub use render::{render, sanitize_line, Rendered};
pub use route::{alert_worthy, recipients_for, DEFAULT_RECIPIENT};
pub use transport::{Transport, TransportError};
