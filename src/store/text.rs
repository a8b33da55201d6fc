//! Item texts at rest: deflated. An article's text is most of its row (2.2 KB of UTF-8 Arabic
//! on average in the shared stream) and deflate at its fastest level keeps 45 % of it, so the
//! archive is half the size for the cost of a few microseconds an item. Rows written before
//! migration 0007 keep their plain TEXT value; readers take either (SQLite columns are typed
//! per value), so no migration rewrites the archive.

use std::io::Read;

use flate2::read::DeflateDecoder;
use flate2::{Compress, Compression, FlushCompress, Status};
use rusqlite::types::{FromSql, FromSqlError, FromSqlResult, ToSqlOutput, ValueRef};
use rusqlite::ToSql;

/// Deflate level: 1 keeps 60 % of the stream's texts at 96 MB/s (level 2: 41 %, 50 MB/s;
/// level 6: 39 %, 47 MB/s). Packing was an eighth of a cold ingest's CPU at level 2; the bytes
/// level 1 gives up are won back, and more, by the compact stored analysis.
const LEVEL: u32 = 1;
/// The first byte of a packed text: its format, so that another one can follow.
const RAW_DEFLATE: u8 = 1;
/// The most a stored text may inflate to: far above `limits.max_text_chars` of any sane
/// configuration, and a bound on what a damaged or hostile database file can make us allocate.
const MAX_INFLATED: u64 = 64 << 20;

/// A text ready to store, deflated by the caller outside the store's lock (or plain, should
/// deflate ever fail: a text is never lost to its packing).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackedText(Packed);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Packed {
    Deflated(Vec<u8>),
    Plain(String),
}

impl PackedText {
    pub fn pack(text: &str) -> PackedText {
        thread_local! {
            // A deflate state is 300 KB to set up: one a thread, reset for each text.
            static DEFLATE: std::cell::RefCell<Compress> =
                std::cell::RefCell::new(Compress::new(Compression::new(LEVEL), false));
        }
        let mut out = Vec::with_capacity(text.len() / 2 + 64);
        out.push(RAW_DEFLATE);
        DEFLATE.with_borrow_mut(|z| {
            z.reset();
            let mut input = text.as_bytes();
            loop {
                if out.capacity() - out.len() < 64 {
                    out.reserve(out.capacity());
                }
                let before = z.total_in();
                let status = z.compress_vec(input, &mut out, FlushCompress::Finish);
                input = &input[(z.total_in() - before) as usize..];
                match status {
                    Ok(Status::StreamEnd) => break,
                    Ok(_) => continue,
                    // Deflating into memory has no failure of its own; should it fail, the text
                    // is kept plain.
                    Err(_) => {
                        out.clear();
                        break;
                    }
                }
            }
        });
        if out.is_empty() {
            return PackedText(Packed::Plain(text.to_owned()));
        }
        PackedText(Packed::Deflated(out))
    }
}

impl ToSql for PackedText {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match &self.0 {
            Packed::Deflated(b) => ValueRef::Blob(b),
            Packed::Plain(t) => ValueRef::Text(t.as_bytes()),
        }))
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
        let stored = |p: &PackedText| match p.to_sql().unwrap() {
            ToSqlOutput::Borrowed(v) => StoredBody::column_result(v).unwrap().0,
            _ => unreachable!(),
        };
        let packed = PackedText::pack(&text);
        let Packed::Deflated(bytes) = &packed.0 else {
            panic!("not deflated")
        };
        assert!(
            bytes.len() * 2 < text.len(),
            "{} of {}",
            bytes.len(),
            text.len()
        );
        let back = StoredBody(stored(&packed));
        assert_eq!(back.0, text);
        let plain = StoredBody::column_result(ValueRef::Text(text.as_bytes())).unwrap();
        assert_eq!(plain.0, text);
        assert!(StoredBody::column_result(ValueRef::Blob(&[9, 1, 2])).is_err());
        assert!(StoredBody::column_result(ValueRef::Blob(&[RAW_DEFLATE, 0xff, 0xfe])).is_err());
        assert_eq!(stored(&PackedText::pack("")), "");
        let long = "نص ".repeat(100_000);
        assert_eq!(
            stored(&PackedText::pack(&long)),
            long,
            "several rounds of output"
        );
    }
}
