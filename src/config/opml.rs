//! OPML feed lists: read (`feeds_opml`) and written (`feeds export`).

use std::path::{Path, PathBuf};

use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};
use quick_xml::{Reader, Writer};

/// The OPML files we read are small; a larger one is refused rather than loaded.
const MAX_OPML_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum OpmlError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is larger than {MAX_OPML_BYTES} bytes")]
    TooLarge { path: PathBuf },
    #[error("{path}: invalid XML at byte {position}: {source}")]
    Xml {
        path: PathBuf,
        position: u64,
        #[source]
        source: quick_xml::Error,
    },
}

/// A feed listed in an OPML file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpmlFeed {
    pub url: String,
    pub title: Option<String>,
}

/// Reads every `<outline xmlUrl="...">` of an OPML file, at any depth.
pub fn read_opml(path: &Path) -> Result<Vec<OpmlFeed>, OpmlError> {
    let meta = std::fs::metadata(path).map_err(|source| OpmlError::Read {
        path: path.to_owned(),
        source,
    })?;
    if meta.len() > MAX_OPML_BYTES {
        return Err(OpmlError::TooLarge {
            path: path.to_owned(),
        });
    }
    let bytes = std::fs::read(path).map_err(|source| OpmlError::Read {
        path: path.to_owned(),
        source,
    })?;
    parse_opml(&bytes).map_err(|(position, source)| OpmlError::Xml {
        path: path.to_owned(),
        position,
        source,
    })
}

/// Reads the feeds of an OPML document in memory (`read_opml` reads a file through it); the
/// error carries the byte position of the bad XML.
pub fn parse_opml(bytes: &[u8]) -> Result<Vec<OpmlFeed>, (u64, quick_xml::Error)> {
    let mut reader = Reader::from_reader(bytes);
    let mut out = Vec::new();
    let mut buf = Vec::new();
    loop {
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| (reader.buffer_position(), e))?;
        match event {
            Event::Start(e) | Event::Empty(e) if e.local_name().into_inner() == "outline" => {
                let mut url = None;
                let mut title = None;
                for attr in e.attributes().flatten() {
                    let value = attr
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .map(|v| v.into_owned())
                        .unwrap_or_default();
                    match attr.key.local_name().into_inner() {
                        "xmlUrl" => url = Some(value),
                        "title" => title = Some(value),
                        "text" if title.is_none() => title = Some(value),
                        _ => {}
                    }
                }
                if let Some(url) = url.filter(|u| !u.trim().is_empty()) {
                    out.push(OpmlFeed {
                        url: url.trim().to_owned(),
                        title: title.filter(|t| !t.is_empty()),
                    });
                }
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// Writes an OPML 2.0 document listing `feeds`.
pub fn write_opml(feeds: &[OpmlFeed]) -> String {
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    let write = |w: &mut Writer<Vec<u8>>| -> std::io::Result<()> {
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
        w.write_event(Event::Start(
            BytesStart::new("opml").with_attributes([("version", "2.0")]),
        ))?;
        w.write_event(Event::Start(BytesStart::new("head")))?;
        w.create_element("title")
            .write_text_content(quick_xml::events::BytesText::new("sahel-watch feeds"))?;
        w.write_event(Event::End(BytesEnd::new("head")))?;
        w.write_event(Event::Start(BytesStart::new("body")))?;
        for f in feeds {
            let title = f.title.as_deref().unwrap_or(&f.url);
            w.write_event(Event::Empty(BytesStart::new("outline").with_attributes([
                ("type", "rss"),
                ("text", title),
                ("title", title),
                ("xmlUrl", f.url.as_str()),
            ])))?;
        }
        w.write_event(Event::End(BytesEnd::new("body")))?;
        w.write_event(Event::End(BytesEnd::new("opml")))?;
        Ok(())
    };
    write(&mut w).expect("writing to a Vec cannot fail");
    String::from_utf8(w.into_inner()).expect("quick-xml writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let feeds = vec![
            OpmlFeed {
                url: "https://a.example/rss?x=1&y=2".into(),
                title: Some("الجزيرة".into()),
            },
            OpmlFeed {
                url: "https://b.example/atom".into(),
                title: None,
            },
        ];
        let text = write_opml(&feeds);
        let back = parse_opml(text.as_bytes()).unwrap();
        assert_eq!(back[0], feeds[0]);
        assert_eq!(back[1].url, feeds[1].url);
    }
}
