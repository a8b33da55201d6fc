//! Fetching feeds politely: conditional GET, bounded bodies, timeouts, redirects followed by
//! hand (so that a permanent one can update the stored URL), per-host concurrency, charsets,
//! the schedule of the next poll, and WebSub subscriptions (pushes instead of polls).

mod address;
mod charset;
mod client;
mod decode;
mod pace;
mod schedule;
pub mod websub;

pub use address::{is_public, literal_is_private};
pub use charset::{charset_from_content_type, decode_feed, guess_legacy, not_really_utf8};
pub use client::{FetchError, FetchLimits, FetchOutcome, Fetched, Fetcher, Validators};
pub use decode::decompress;
pub use pace::{pace, polling, Pace, PaceBounds, Seen, HISTORY, HISTORY_ITEMS};
pub use schedule::{next_after_failure, next_after_success, PollHints};
