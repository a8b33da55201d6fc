//! A fetched body to entries: undo the content encoding (capped), decode the charset, parse.
//! One function for the daemon's refresh and `feeds check`, so that what an operator checks is
//! what the daemon will read.

use encoding_rs::Encoding;

use super::{parse_feed, FeedError, ParsedFeed};
use crate::fetch::{charset_from_content_type, decode_feed, decompress, FetchError};

/// Why a fetched body gave no entries.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The body could not be decompressed, or expands beyond its limit.
    #[error(transparent)]
    Body(FetchError),
    #[error(transparent)]
    Feed(#[from] FeedError),
}

impl ReadError {
    /// Short kind for metrics: a broken body is not a broken feed document.
    pub fn kind(&self) -> &'static str {
        match self {
            ReadError::Body(e) => e.kind(),
            ReadError::Feed(_) => "parse",
        }
    }
}

/// How much of a feed is read: its share of `[limits]` (`config::Limits::read`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    pub max_decompressed_bytes: u64,
    pub max_entries_per_feed: usize,
    pub max_text_chars: usize,
}

/// The feed in `body`, with the charset it was read in. `forced` is the feed's `encoding`
/// override; otherwise the BOM, the `Content-Type` header or the XML prolog decide.
pub fn read_feed(
    body: Vec<u8>,
    content_type: Option<&str>,
    content_encoding: Option<&str>,
    forced: Option<&'static Encoding>,
    limits: &ReadLimits,
) -> Result<(ParsedFeed, &'static Encoding), ReadError> {
    let body = decompress(body, content_encoding, limits.max_decompressed_bytes)
        .map_err(ReadError::Body)?;
    let header = content_type.and_then(charset_from_content_type);
    let (text, encoding) = decode_feed(&body, header, forced);
    let parsed = parse_feed(
        text.as_bytes(),
        limits.max_entries_per_feed,
        limits.max_text_chars,
    )?;
    Ok((parsed, encoding))
}
