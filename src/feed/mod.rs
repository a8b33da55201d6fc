//! Feed documents (RSS 0.9x/1.0/2.0, Atom, JSON Feed) to entries with plain text, bounded.

mod html;
mod parse;
mod read;
mod url;

pub use html::html_to_text;
pub use parse::{parse_feed, Entry, FeedError, ParsedFeed};
pub use read::{read_feed, ReadError, ReadLimits};
pub use url::canonical_url;
