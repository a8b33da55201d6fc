//! Content-Encoding, undone by hand with a cap on the output: a response's compressed size says
//! nothing about what it expands to (a 1 MB gzip body can hold a gigabyte of zeros).

use std::io::Read;

use super::FetchError;

/// Decompresses `body` as its `Content-Encoding` says, producing at most `cap` bytes.
pub fn decompress(body: Vec<u8>, encoding: Option<&str>, cap: u64) -> Result<Vec<u8>, FetchError> {
    let encoding = encoding.unwrap_or("identity").trim().to_ascii_lowercase();
    let mut out = Vec::new();
    let read = |r: &mut dyn Read, out: &mut Vec<u8>| {
        r.take(cap + 1)
            .read_to_end(out)
            .map_err(|e| FetchError::Decode(format!("{encoding} body is corrupt: {e}")))
    };
    match encoding.as_str() {
        "" | "identity" => {
            if body.len() as u64 > cap {
                return Err(FetchError::TooLargeDecompressed { limit: cap });
            }
            return Ok(body);
        }
        "gzip" | "x-gzip" => {
            read(&mut flate2::read::MultiGzDecoder::new(&body[..]), &mut out)?;
        }
        "deflate" => {
            // "deflate" is zlib-wrapped by the standard, raw by some servers.
            if read(&mut flate2::read::ZlibDecoder::new(&body[..]), &mut out).is_err() {
                out.clear();
                read(&mut flate2::read::DeflateDecoder::new(&body[..]), &mut out)?;
            }
        }
        "br" => {
            read(
                &mut brotli_decompressor::Decompressor::new(&body[..], 16 * 1024),
                &mut out,
            )?;
        }
        other => {
            return Err(FetchError::Decode(format!(
                "unsupported Content-Encoding {other:?}"
            )))
        }
    }
    if out.len() as u64 > cap {
        return Err(FetchError::TooLargeDecompressed { limit: cap });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_bomb_stops_at_the_cap() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            enc.write_all(&zeros).unwrap();
        }
        let bomb = enc.finish().unwrap();
        assert!(bomb.len() < 1 << 20);
        let err = decompress(bomb, Some("gzip"), 8 << 20).unwrap_err();
        assert!(
            matches!(err, FetchError::TooLargeDecompressed { .. }),
            "{err}"
        );
    }

    #[test]
    fn round_trips() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all("مالي".as_bytes()).unwrap();
        let gz = enc.finish().unwrap();
        assert_eq!(
            decompress(gz, Some("gzip"), 100).unwrap(),
            "مالي".as_bytes()
        );
        assert!(decompress(b"x".to_vec(), Some("compress"), 100).is_err());
    }
}
