//! Reading the messages the daemon wrote: headers, RFC 2047 subjects, bodies.

use std::path::Path;

/// A message read from a file.
#[derive(Debug, Clone)]
pub struct Mail {
    pub subject: String,
    pub to: String,
    pub message_id: String,
    pub in_reply_to: String,
    /// The decoded text/plain and text/html parts.
    pub text: String,
    pub html: String,
    /// The message as received.
    pub raw: String,
}

/// The decoded body of the first MIME part of type `content_type`.
fn part(raw: &str, content_type: &str) -> String {
    let raw = raw.replace("\r\n", "\n");
    for chunk in raw.split("\n--") {
        let Some((head, body)) = chunk.split_once("\n\n") else {
            continue;
        };
        let lower = head.to_ascii_lowercase();
        if !lower.contains(&format!("content-type: {content_type}")) {
            continue;
        }
        let body = body.trim_end();
        return if lower.contains("content-transfer-encoding: base64") {
            String::from_utf8(b64(body)).expect("utf-8 part")
        } else if lower.contains("content-transfer-encoding: quoted-printable") {
            String::from_utf8(q(&body.replace("=\n", ""))).expect("utf-8 part")
        } else {
            body.to_owned()
        };
    }
    String::new()
}

fn b64(s: &str) -> Vec<u8> {
    const T: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let mut buf = 0u32;
    let mut bits = 0;
    for c in s.bytes().filter(|c| *c != b'=' && !c.is_ascii_whitespace()) {
        let v = T.iter().position(|t| *t == c).expect("base64") as u32;
        buf = (buf << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buf >> bits) as u8);
            buf &= (1 << bits) - 1;
        }
    }
    out
}

fn q(s: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'_' if !s.contains('\n') => out.push(b' '),
            b'=' if i + 2 < b.len() + 1 => {
                out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).expect("hex"));
                i += 2;
            }
            c => out.push(c),
        }
        i += 1;
    }
    out
}

/// Decodes RFC 2047 encoded words (UTF-8, B or Q) in a header value.
pub fn decode_header(v: &str) -> String {
    let mut out = String::new();
    let mut rest = v;
    let mut last_was_word = false;
    while let Some(start) = rest.find("=?") {
        let between = &rest[..start];
        if !(last_was_word && between.trim().is_empty()) {
            out.push_str(between);
        }
        let after = &rest[start + 2..];
        let mut parts = after.splitn(3, '?');
        let (_charset, enc, tail) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        let end = tail.find("?=").expect("encoded word end");
        let text = &tail[..end];
        let bytes = if enc.eq_ignore_ascii_case("b") {
            b64(text)
        } else {
            q(text)
        };
        out.push_str(&String::from_utf8(bytes).expect("utf-8 word"));
        rest = &tail[end + 2..];
        last_was_word = true;
    }
    out.push_str(rest);
    out
}

/// Parses the headers of interest of an RFC 5322 message.
pub fn parse(raw: &str) -> Mail {
    let head = raw.split("\r\n\r\n").next().unwrap_or(raw);
    let head = head
        .replace("\r\n ", " ")
        .replace("\r\n\t", " ")
        .replace("\n ", " ");
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
            })
            .unwrap_or_default()
    };
    Mail {
        subject: decode_header(&header("Subject")),
        to: header("To"),
        message_id: header("Message-ID"),
        in_reply_to: header("In-Reply-To"),
        text: part(raw, "text/plain"),
        html: part(raw, "text/html"),
        raw: raw.to_owned(),
    }
}

pub fn read(path: &Path) -> Mail {
    parse(&std::fs::read_to_string(path).unwrap())
}

#[test]
fn decodes_encoded_words() {
    assert_eq!(decode_header("=?utf-8?b?2YXYp9mE2Yo=?= x"), "مالي x");
    assert_eq!(decode_header("a =?utf-8?q?b_c?="), "a b c");
}
