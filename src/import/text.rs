//! Decoding a file's bytes into text: UTF-8 (with or without BOM) or GBK/GB18030.
//!
//! A file in memory is decoded at once ([`decode`]). A file on disk is never
//! held whole: [`sniff`] reads it once to choose the encoding, and
//! [`Gb18030Reader`] decodes a GBK file as it is read again.

use std::io::{self, Read};

use encoding_rs::{DecoderResult, GB18030, UTF_8};

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gb18030,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 (BOM)",
            Encoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Why bytes could not be read as text.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    #[error("the file is empty")]
    Empty,
    #[error("the file is binary, not text (NUL byte at offset {0})")]
    Binary(usize),
    #[error("the file is neither UTF-8 nor GBK text")]
    UnknownEncoding,
}

impl TextError {
    pub fn zh(&self) -> String {
        match self {
            TextError::Empty => "文件为空".into(),
            TextError::Binary(at) => format!("文件是二进制数据而非文本（偏移 {at} 处有 NUL 字节）"),
            TextError::UnknownEncoding => "文件既不是 UTF-8 也不是 GBK 文本".into(),
        }
    }
}

/// Decode: a UTF-8 BOM means UTF-8; valid UTF-8 is UTF-8; otherwise GB18030
/// (a superset of GBK) when it decodes without errors.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding), TextError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(TextError::Empty);
    }
    if let Some(at) = bytes.iter().position(|b| *b == 0) {
        return Err(TextError::Binary(at));
    }
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let (text, had_errors) = UTF_8.decode_without_bom_handling(rest);
        if had_errors {
            return Err(TextError::UnknownEncoding);
        }
        return Ok((text.into_owned(), Encoding::Utf8Bom));
    }
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), Encoding::Utf8));
    }
    let (text, had_errors) = GB18030.decode_without_bom_handling(bytes);
    if had_errors {
        return Err(TextError::UnknownEncoding);
    }
    Ok((text.into_owned(), Encoding::Gb18030))
}

/// Read `from` until `buf` is full or the input ends; how many bytes came.
pub fn fill(from: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match from.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// How many bytes [`sniff`] and the readers take at a time.
pub const CHUNK: usize = 64 * 1024;

/// [`decode`]'s choice of encoding, made by reading `from` once in chunks,
/// holding none of it: the same rules and the same refusals. A file that is
/// not UTF-8 is taken for GB18030 here; whether it decodes without error is
/// found when it is read through [`Gb18030Reader`] (which then fails with
/// [`TextError::UnknownEncoding`]).
pub fn sniff(mut from: impl Read) -> io::Result<Result<Encoding, TextError>> {
    let mut buf = vec![0u8; CHUNK];
    let (mut offset, mut blank, mut nul, mut bom, mut utf8) = (0usize, true, None, false, true);
    // The bytes of a character cut at the end of the last chunk.
    let mut carry: Vec<u8> = Vec::new();
    loop {
        let n = fill(&mut from, &mut buf)?;
        if n == 0 {
            break;
        }
        let chunk = &buf[..n];
        if offset == 0 {
            bom = chunk.starts_with(b"\xEF\xBB\xBF");
        }
        blank = blank && chunk.iter().all(u8::is_ascii_whitespace);
        if nul.is_none() {
            nul = chunk.iter().position(|b| *b == 0).map(|at| offset + at);
        }
        if utf8 {
            carry.extend_from_slice(chunk);
            match std::str::from_utf8(&carry) {
                Ok(_) => carry.clear(),
                Err(e) if e.error_len().is_none() => {
                    carry.drain(..e.valid_up_to());
                }
                Err(_) => utf8 = false,
            }
        }
        offset += n;
    }
    // A character still cut at the end of the file is not UTF-8.
    utf8 = utf8 && carry.is_empty();
    Ok(if blank {
        Err(TextError::Empty)
    } else if let Some(at) = nul {
        Err(TextError::Binary(at))
    } else if bom {
        if utf8 { Ok(Encoding::Utf8Bom) } else { Err(TextError::UnknownEncoding) }
    } else if utf8 {
        Ok(Encoding::Utf8)
    } else {
        Ok(Encoding::Gb18030)
    })
}

/// The UTF-8 text of a GB18030 (GBK) byte stream, decoded as it is read. A
/// byte sequence that is not GB18030 fails the read with an
/// [`io::ErrorKind::InvalidData`] error carrying [`TextError::UnknownEncoding`].
pub struct Gb18030Reader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    /// A malformed sequence becomes U+FFFD instead of failing the read.
    lossy: bool,
    input: Vec<u8>,
    /// The input bytes not yet decoded: `input[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    output: Vec<u8>,
    /// The decoded bytes not yet handed out: `output[out..written]`.
    out: usize,
    written: usize,
    done: bool,
}

impl<R: Read> Gb18030Reader<R> {
    pub fn new(inner: R) -> Gb18030Reader<R> {
        Gb18030Reader::with(inner, GB18030.new_decoder_without_bom_handling(), false)
    }

    /// Any encoding's decoder (a bank statement may be in UTF-16 or
    /// Latin-1 too); `lossy`: a malformed sequence becomes U+FFFD, as
    /// `encoding_rs` decodes a whole file, instead of failing the read.
    pub fn with(inner: R, decoder: encoding_rs::Decoder, lossy: bool) -> Gb18030Reader<R> {
        Gb18030Reader {
            inner,
            decoder,
            lossy,
            input: vec![0; CHUNK],
            start: 0,
            end: 0,
            eof: false,
            // A byte of GB18030, UTF-16 or a single-byte encoding becomes at
            // most 3 bytes of UTF-8.
            output: vec![0; 3 * CHUNK + 16],
            out: 0,
            written: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for Gb18030Reader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out < self.written {
                let n = buf.len().min(self.written - self.out);
                buf[..n].copy_from_slice(&self.output[self.out..self.out + n]);
                self.out += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.start == self.end && !self.eof {
                self.start = 0;
                self.end = fill(&mut self.inner, &mut self.input)?;
                self.eof = self.end == 0;
            }
            let input = &self.input[self.start..self.end];
            let (result, read, written) = if self.lossy {
                let (result, read, written, _) = self.decoder.decode_to_utf8(input, &mut self.output, self.eof);
                let result = match result {
                    encoding_rs::CoderResult::InputEmpty => DecoderResult::InputEmpty,
                    encoding_rs::CoderResult::OutputFull => DecoderResult::OutputFull,
                };
                (result, read, written)
            } else {
                self.decoder.decode_to_utf8_without_replacement(input, &mut self.output, self.eof)
            };
            self.start += read;
            (self.out, self.written) = (0, written);
            match result {
                DecoderResult::InputEmpty => self.done = self.eof,
                DecoderResult::OutputFull => {}
                DecoderResult::Malformed(..) => {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, TextError::UnknownEncoding));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gbk_chinese_is_decoded() {
        let (bytes, _, _) = GB18030.encode("代码,名称\nA,华为技术有限公司\n");
        let (text, enc) = decode(&bytes).unwrap();
        assert_eq!(enc, Encoding::Gb18030);
        assert!(text.contains("华为技术有限公司"));
    }

    #[test]
    fn bom_is_removed() {
        let (text, enc) = decode(b"\xEF\xBB\xBFcode,name\n").unwrap();
        assert_eq!((text.as_str(), enc), ("code,name\n", Encoding::Utf8Bom));
    }

    /// [`sniff`] and [`Gb18030Reader`] read in chunks of [`CHUNK`] bytes:
    /// the same text and the same choice as [`decode`], whichever byte a
    /// chunk ends on.
    fn streamed(bytes: &[u8]) -> Result<(String, Encoding), TextError> {
        let enc = sniff(bytes).unwrap()?;
        let mut text = String::new();
        match enc {
            Encoding::Gb18030 => {
                let mut r = Gb18030Reader::new(bytes);
                if let Err(e) = r.read_to_string(&mut text) {
                    return Err(e.into_inner().unwrap().downcast::<TextError>().map(|e| *e).unwrap());
                }
            }
            Encoding::Utf8 => text = String::from_utf8(bytes.to_vec()).unwrap(),
            Encoding::Utf8Bom => text = String::from_utf8(bytes[3..].to_vec()).unwrap(),
        }
        Ok((text, enc))
    }

    #[test]
    fn streaming_chooses_and_decodes_as_the_whole_file_does() {
        let line = "华为技术有限公司,1000.00,€\n";
        let long = line.repeat(CHUNK / line.len() + 7);
        let (gbk, _, _) = GB18030.encode(&long);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(long.as_bytes());
        let mut bad_gbk = gbk.to_vec();
        bad_gbk.extend_from_slice(b"\x81\x20");
        let mut cut = long.as_bytes().to_vec();
        cut.pop();
        cut.push(0xE5);
        let mut nul = long.as_bytes().to_vec();
        nul.insert(CHUNK + 3, 0);
        for (name, bytes) in [
            ("utf-8", long.as_bytes().to_vec()),
            ("gbk", gbk.to_vec()),
            ("bom", bom),
            ("bad gbk", bad_gbk),
            ("utf-8 cut at the end", cut),
            ("nul past the first chunk", nul),
            ("blank", b" \r\n\t".to_vec()),
        ] {
            assert_eq!(streamed(&bytes), decode(&bytes), "{name}");
        }
    }

    #[test]
    fn junk_is_refused() {
        assert_eq!(decode(b""), Err(TextError::Empty));
        assert_eq!(decode(b"ab\0cd"), Err(TextError::Binary(2)));
        assert_eq!(decode(b"\xff\xff\xff"), Err(TextError::UnknownEncoding));
    }
}
