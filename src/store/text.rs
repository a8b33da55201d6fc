//! Item texts at rest: deflated. An article's text is most of its row (2.2 KB of UTF-8 Arabic
//! on average in the shared stream) and deflate at its fastest level keeps 45 % of it, so the
//! archive is half the size for the cost of a few microseconds an item. Rows written before
//! migration 0007 keep their plain TEXT value; readers take either (SQLite columns are typed
//! per value), so no migration rewrites the archive.

use std::io::{Read, Write};

use flate2::read::DeflateDecoder;
use flate2::write::DeflateEncoder;
use flate2::Compression;
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::ToSql;

/// The first byte of a packed text: its format, so that another one can follow.
const RAW_DEFLATE: u8 = 1;
/// The most a stored text may inflate to: far above `limits.max_text_chars` of any sane
/// configuration, and a bound on what a damaged or hostile database file can make us allocate.
const MAX_INFLATED: u64 = 64 << 20;

/// A text ready to store, deflated by the caller outside the store's lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedText(Vec<u8>);

impl PackedText {
    pub fn pack(text: &str) -> PackedText {
        let mut out = Vec::with_capacity(text.len() / 2 + 16);
        out.push(RAW_DEFLATE);
        let mut enc = DeflateEncoder::new(out, Compression::fast());
        // Writing into a Vec cannot fail.
        let _ = enc.write_all(text.as_bytes());
        PackedText(enc.finish().unwrap_or_default())
    }
}

impl ToSql for PackedText {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(ValueRef::Blob(&self.0)))
    }
}

/// A stored text as read back: a plain TEXT value (rows older than migration 0007) or a packed
/// BLOB.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StoredBody(pub String);

#[derive(Debug, thiserror::Error)]
enum UnpackError {
    #[error("stored text has unknown format {0}")]
    Format(u8),
    #[error("stored text is damaged: {0}")]
    Inflate(#[source] std::io::Error),
    #[error("stored text inflates past {MAX_INFLATED} bytes")]
    TooLarge,
    #[error("stored text is not UTF-8: {0}")]
    Utf8(#[source] std::string::FromUtf8Error),
}

fn unpack(blob: &[u8]) -> Result<String, UnpackError> {
    let Some((&format, body)) = blob.split_first() else {
        return Ok(String::new());
    };
    if format != RAW_DEFLATE {
        return Err(UnpackError::Format(format));
    }
    let mut out = Vec::with_capacity(body.len() * 3);
    DeflateDecoder::new(body)
        .take(MAX_INFLATED + 1)
        .read_to_end(&mut out)
        .map_err(UnpackError::Inflate)?;
    if out.len() as u64 > MAX_INFLATED {
        return Err(UnpackError::TooLarge);
    }
    String::from_utf8(out).map_err(UnpackError::Utf8)
}

impl FromSql for StoredBody {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        match value {
            ValueRef::Text(t) => std::str::from_utf8(t)
                .map(|s| StoredBody(s.to_owned()))
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Blob(b) => unpack(b)
                .map(StoredBody)
                .map_err(|e| FromSqlError::Other(Box::new(e))),
            ValueRef::Null => Ok(StoredBody(String::new())),
            _ => Err(FromSqlError::InvalidType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_refusals() {
        let text = "قُتل 12 جنديا في هجوم على موقع عسكري شمال مالي. ".repeat(40);
        let packed = PackedText::pack(&text);
        assert!(
            packed.0.len() * 2 < text.len(),
            "{} of {}",
            packed.0.len(),
            text.len()
        );
        let back = StoredBody::column_result(ValueRef::Blob(&packed.0)).unwrap();
        assert_eq!(back.0, text);
        let plain = StoredBody::column_result(ValueRef::Text(text.as_bytes())).unwrap();
        assert_eq!(plain.0, text);
        assert!(StoredBody::column_result(ValueRef::Blob(&[9, 1, 2])).is_err());
        assert!(StoredBody::column_result(ValueRef::Blob(&[RAW_DEFLATE, 0xff, 0xfe])).is_err());
        let empty = PackedText::pack("");
        assert_eq!(
            StoredBody::column_result(ValueRef::Blob(&empty.0))
                .unwrap()
                .0,
            ""
        );
    }
}
