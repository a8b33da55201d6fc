//! Alerts: who gets one and when (routing, digests), what it says (a view of the item laid out
//! by templates: plain text and right-to-left HTML), and how it leaves (SMTP through lettre, or
//! a local maildir when no SMTP is configured).

mod channels;
mod payload;
mod route;
mod sample;
mod settings;
mod templates;
mod transport;
mod view;

pub use crate::plan::{AlertTo, Delivery};
pub use channels::{ChannelError, Channels};
pub use payload::{alert_payload, digest_payload, matrix_html};
pub use route::{alert_to, alert_worthy, next_digest_at, recipients_for, DEFAULT_RECIPIENT};
pub use sample::{sample_row, test_row};
pub use settings::{Channel, MatrixConfig, Recipient, SmtpConfig, SmtpSecurity, WebhookConfig};
pub use templates::{Rendered, TemplateError, Templates};
pub use transport::{Transport, TransportError};
pub use view::{alert_view, digest_view, AlertView, DigestView, Outlet, Segment};
