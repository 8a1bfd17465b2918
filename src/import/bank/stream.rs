//! A text statement read from its bytes on every pass, decoded as it is
//! read, never held whole: the file itself (standard input first copied to
//! an unnamed temporary file), or bytes already in memory.
//!
//! Its encoding is chosen by the rules for a file in memory
//! (`decode::guess`), from the head of the file and one pass checking that
//! the whole of it is UTF-8; one more pass decodes it all to refuse a binary
//! or blank file, notes whether Excel's `="…"` guards appear, and seals the
//! bytes (their length and CRC-32): a later pass that finds other bytes
//! fails instead of reading a file changed meanwhile.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek, SeekFrom};

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::BankError;
use super::decode::{self, Guess, TextCounts, looks_binary};
use crate::import::text::{CHUNK, Gb18030Reader, fill};

/// Where the bytes are.
pub(crate) enum Bytes {
    Memory(Vec<u8>),
    File(File),
}

impl Bytes {
    /// The bytes from offset `from` on.
    fn from(&self, from: u64) -> io::Result<Box<dyn Read + '_>> {
        match self {
            Bytes::Memory(v) => Ok(Box::new(v.get(usize::try_from(from).unwrap_or(usize::MAX)..).unwrap_or(&[]))),
            Bytes::File(f) => {
                let mut f = f;
                f.seek(SeekFrom::Start(from))?;
                Ok(Box::new(BufReader::with_capacity(CHUNK, f)))
            }
        }
    }

    /// The first `n` bytes (fewer in a shorter file).
    fn head(&self, n: usize) -> io::Result<Vec<u8>> {
        let mut head = vec![0u8; n];
        let got = fill(&mut self.from(0)?, &mut head)?;
        head.truncate(got);
        Ok(head)
    }
}

/// How the bytes become text.
#[derive(Clone, Copy, Debug)]
enum How {
    /// Valid UTF-8, read as it is.
    Utf8,
    /// Decoded by `encoding_rs`, malformed sequences as U+FFFD; `sniff`:
    /// with its BOM sniffing (a forced encoding, as `Encoding::decode`).
    Decoded { encoding: &'static Encoding, sniff: bool },
}

/// A text statement's bytes and how to read them.
pub(crate) struct TextSource {
    bytes: Bytes,
    /// Bytes skipped at the start (a BOM).
    skip: u64,
    how: How,
    /// Whether the text holds `="`: only then are Excel's guards unwrapped.
    guards: bool,
    /// The length and CRC-32 of the bytes read by the sealing pass.
    sealed: (u64, u32),
    pub label: &'static str,
}

/// Why a pass over the text stopped: other bytes than the sealed ones.
#[derive(Debug, thiserror::Error)]
#[error("the file changed while it was read")]
struct Changed;

/// Whether a pass stopped because the file changed.
pub(crate) fn is_changed(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Changed>())
}

impl TextSource {
    /// Choose the encoding, then check and seal the text.
    pub(crate) fn open(
        file: &str,
        bytes: Bytes,
        forced: Option<&str>,
        vocabulary: &[String],
    ) -> Result<TextSource, BankError> {
        let io = |e: io::Error| BankError::Io { file: file.into(), reason: e.to_string() };
        let (skip, how, label) = choose(file, &bytes, forced, vocabulary)?;
        let mut guards = false;
        // One pass over the whole text: blank or binary (`TextCounts`), the
        // guards, and the seal.
        let mut raw = Sealing { inner: bytes.from(skip).map_err(io)?, len: 0, crc: crc32fast::Hasher::new() };
        let mut counts = TextCounts::default();
        {
            let mut text = decoded(&mut raw, how);
            let mut buf = vec![0u8; CHUNK];
            // The bytes of a character cut by a chunk's end, and the byte
            // before the chunk.
            let (mut carry, mut prev): (Vec<u8>, u8) = (Vec::new(), 0);
            loop {
                let n = fill(&mut text, &mut buf).map_err(io)?;
                let Some(chunk) = buf.get(..n).filter(|c| !c.is_empty()) else { break };
                guards |= (prev == b'=' && chunk[0] == b'"') || chunk.windows(2).any(|w| w == b"=\"");
                prev = chunk[n - 1];
                carry.extend_from_slice(chunk);
                let whole = match std::str::from_utf8(&carry) {
                    Err(e) if e.error_len().is_none() => e.valid_up_to(),
                    _ => carry.len(),
                };
                counts.add(&String::from_utf8_lossy(&carry[..whole]));
                carry.drain(..whole);
            }
            counts.add(&String::from_utf8_lossy(&carry));
        }
        let sealed = (raw.len, raw.crc.clone().finalize());
        drop(raw);
        counts.verdict(file)?;
        Ok(TextSource { bytes, skip, how, guards, sealed, label })
    }

    /// The text from its start, `="…"` guards unwrapped for `delim`; a
    /// pass that reads to the end and finds other bytes than the sealed
    /// ones fails there.
    pub(crate) fn text(&self, delim: u8) -> Box<dyn Read + '_> {
        let raw = match self.bytes.from(self.skip) {
            Ok(r) => r,
            Err(e) => return Box::new(Failing(Some(e))),
        };
        let raw = Sealing { inner: raw, len: 0, crc: crc32fast::Hasher::new() };
        let checked = Checked { inner: raw, sealed: self.sealed };
        let text = decoded(checked, self.how);
        if self.guards { Box::new(Unwrap::new(text, delim)) } else { text }
    }
}

/// The encoding: bytes to skip, how to decode, and its name.
fn choose(
    file: &str,
    bytes: &Bytes,
    forced: Option<&str>,
    vocabulary: &[String],
) -> Result<(u64, How, &'static str), BankError> {
    let io = |e: io::Error| BankError::Io { file: file.into(), reason: e.to_string() };
    if let Some(name) = forced {
        let (encoding, label) = decode::encoding_for(name)
            .ok_or_else(|| BankError::UnknownEncoding { file: file.into(), name: name.into() })?;
        return Ok((0, How::Decoded { encoding, sniff: true }, label));
    }
    let head = bytes.head(65536).map_err(io)?;
    let decoded = |encoding| How::Decoded { encoding, sniff: false };
    if head.starts_with(b"\xEF\xBB\xBF") {
        return Ok((3, decoded(UTF_8), "UTF-8 (BOM)"));
    }
    if head.starts_with(b"\xFF\xFE") {
        return Ok((2, decoded(UTF_16LE), "UTF-16"));
    }
    if head.starts_with(b"\xFE\xFF") {
        return Ok((2, decoded(UTF_16BE), "UTF-16"));
    }
    if looks_binary(&head) {
        return Err(BankError::Binary { file: file.into() });
    }
    // Decide on the head of the file: whole lines, at most 64 KiB.
    let head = match head.iter().rposition(|b| *b == b'\n') {
        Some(nl) if head.len() == 65536 => head.get(..=nl).unwrap_or(&head),
        _ => &head,
    };
    let utf8_valid = valid_utf8(bytes.from(0).map_err(io)?).map_err(io)?;
    Ok(match decode::guess(head, utf8_valid, vocabulary) {
        Guess::Utf8 => (0, How::Utf8, "UTF-8"),
        Guess::Gbk => (0, decoded(GB18030), "GBK/GB18030"),
        Guess::Latin1 => (0, decoded(WINDOWS_1252), "Latin-1"),
    })
}

/// Whether all the bytes are UTF-8, read in chunks.
fn valid_utf8(mut from: impl Read) -> io::Result<bool> {
    let mut buf = vec![0u8; CHUNK];
    let mut carried = 0usize;
    loop {
        let n = fill(&mut from, &mut buf[carried..])?;
        let len = carried + n;
        match std::str::from_utf8(&buf[..len]) {
            Ok(_) => carried = 0,
            // A character cut by the chunk's end: carried to the next.
            Err(e) if e.error_len().is_none() && n > 0 => {
                let valid = e.valid_up_to();
                buf.copy_within(valid..len, 0);
                carried = len - valid;
            }
            Err(_) => return Ok(false),
        }
        if n == 0 {
            return Ok(carried == 0);
        }
    }
}

fn decoded<'a>(raw: impl Read + 'a, how: How) -> Box<dyn Read + 'a> {
    match how {
        How::Utf8 => Box::new(raw),
        How::Decoded { encoding, sniff } => {
            let decoder = if sniff { encoding.new_decoder() } else { encoding.new_decoder_without_bom_handling() };
            Box::new(Gb18030Reader::with(raw, decoder, true))
        }
    }
}

/// The length and CRC-32 of the bytes read through it.
struct Sealing<R> {
    inner: R,
    len: u64,
    crc: crc32fast::Hasher,
}

impl<R: Read> Read for Sealing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or(&[]);
        self.crc.update(got);
        self.len += n as u64;
        Ok(n)
    }
}

/// At the end of the bytes, fails unless they are the sealed ones.
struct Checked<R> {
    inner: Sealing<R>,
    sealed: (u64, u32),
}

impl<R: Read> Read for Checked<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        let past = self.inner.len > self.sealed.0;
        if past || (n == 0 && !buf.is_empty() && (self.inner.len, self.inner.crc.clone().finalize()) != self.sealed) {
            return Err(io::Error::other(Changed));
        }
        Ok(n)
    }
}

/// A reader that fails at once (the bytes could not be reached).
struct Failing(Option<io::Error>);

impl Read for Failing {
    fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
        Err(self.0.take().unwrap_or_else(|| io::Error::other("cannot read")))
    }
}

/// Excel's `="0123"` guard keeps a number as text; the `=` is dropped
/// where such a cell starts a field, so the CSV reader sees an ordinary
/// quoted field (and a delimiter inside it stays inside): as
/// `grid::unwrap_formula_quotes` does to a text in memory.
struct Unwrap<R> {
    inner: R,
    delim: u8,
    buf: Vec<u8>,
    /// The bytes not yet looked at: `buf[pos..len]`.
    pos: usize,
    len: usize,
    eof: bool,
    in_quotes: bool,
    field_start: bool,
    /// The second quote of a `""` inside a quoted field, to pass on as is.
    literal: bool,
}

impl<R: Read> Unwrap<R> {
    fn new(inner: R, delim: u8) -> Unwrap<R> {
        Unwrap {
            inner,
            delim,
            buf: vec![0; CHUNK],
            pos: 0,
            len: 0,
            eof: false,
            in_quotes: false,
            field_start: true,
            literal: false,
        }
    }
}

impl<R: Read> Read for Unwrap<R> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            // A quote or `=` is only understood with the byte after it.
            if self.len - self.pos < 2 && !self.eof {
                self.buf.copy_within(self.pos..self.len, 0);
                self.len -= self.pos;
                self.pos = 0;
                let got = fill(&mut self.inner, &mut self.buf[self.len..])?;
                self.eof = got == 0;
                self.len += got;
                continue;
            }
            let Some(&b) = self.buf.get(self.pos).filter(|_| self.pos < self.len) else { break };
            let next = self.buf.get(self.pos + 1).copied().filter(|_| self.pos + 1 < self.len);
            self.pos += 1;
            if self.literal {
                self.literal = false;
            } else if self.in_quotes {
                if b == b'"' {
                    if next == Some(b'"') {
                        self.literal = true;
                    } else {
                        self.in_quotes = false;
                    }
                }
                self.field_start = false;
            } else if self.field_start && b == b'=' && next == Some(b'"') {
                // Dropped; the quote that follows opens the field.
                continue;
            } else {
                if self.field_start && b == b'"' {
                    self.in_quotes = true;
                }
                self.field_start = b == self.delim || b == b'\n' || b == b'\r';
            }
            out[n] = b;
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(mut r: impl Read) -> Vec<u8> {
        let mut v = Vec::new();
        r.read_to_end(&mut v).unwrap();
        v
    }

    #[test]
    fn guards_are_unwrapped_as_the_whole_text_is_whatever_the_chunks() {
        let texts = [
            "=\"1,234.00\",=\"0012\",b\n",
            "x\t=\"a\"\"b\"\t=\"0012\"\n",
            "\"a=\"\"b\",=\"c\"\r\n=x,\"=\"\"\"\n",
            "=\"\"\"\",=,=\"\n",
        ];
        for t in texts {
            let long = t.repeat(CHUNK / t.len() + 3);
            for delim in [b',', b'\t'] {
                let whole = super::super::grid::unwrap_formula_quotes(&long, delim).into_owned();
                let streamed = read_all(Unwrap::new(long.as_bytes(), delim));
                assert_eq!(String::from_utf8(streamed).unwrap(), whole, "{t:?}");
            }
        }
    }

    #[test]
    fn a_file_changed_after_it_was_sealed_is_refused() {
        let text = "a,b\n1,2\n".repeat(100);
        let source = TextSource::open("s.csv", Bytes::Memory(text.clone().into_bytes()), None, &[]).unwrap();
        assert_eq!(read_all(source.text(b',')), text.as_bytes());
        for changed in [text.replacen('1', "3", 1), format!("{text}x"), text[1..].to_string()] {
            let moved = TextSource { bytes: Bytes::Memory(changed.into_bytes()), ..source_like(&source) };
            let mut out = Vec::new();
            let e = moved.text(b',').read_to_end(&mut out).unwrap_err();
            assert!(is_changed(&e), "{e}");
        }
    }

    fn source_like(s: &TextSource) -> TextSource {
        TextSource {
            bytes: Bytes::Memory(Vec::new()),
            skip: s.skip,
            how: s.how,
            guards: s.guards,
            sealed: s.sealed,
            label: s.label,
        }
    }

    #[test]
    fn the_choice_and_the_text_are_those_of_the_whole_file() {
        let vocab: Vec<String> = ["交易日期", "收入", "date", "amount"].iter().map(|s| s.to_string()).collect();
        let line = "交易日期,收入,Café\n2026-01-01,1.00,é\n";
        let long = line.repeat(CHUNK / line.len() + 5);
        let (gbk, _, _) = GB18030.encode(&long);
        let (latin, _, _) = WINDOWS_1252.encode("date,amount,Café\n01.02.2020,1,00\n");
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(long.as_bytes());
        let mut bad_bom = bom.clone();
        bad_bom.extend_from_slice(b"\xff,x\n");
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "date,amount\n2020-01-01,1\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        for bytes in [long.as_bytes().to_vec(), gbk.to_vec(), latin.to_vec(), bom, bad_bom, utf16] {
            let whole = decode::decode("s.csv", bytes.clone(), None, &vocab).unwrap();
            let source = TextSource::open("s.csv", Bytes::Memory(bytes), None, &vocab).unwrap();
            assert_eq!(source.label, whole.label);
            assert_eq!(String::from_utf8(read_all(source.text(b'|'))).unwrap(), whole.text);
        }
        for bad in [b"   \n\t".to_vec(), b"a,b\n\x01\x02\x03\x04\x05".to_vec(), b"a,b\0\n".to_vec()] {
            let whole = decode::decode("s.csv", bad.clone(), None, &vocab).map(|_| ()).unwrap_err();
            let streamed = TextSource::open("s.csv", Bytes::Memory(bad), None, &vocab).map(|_| ()).unwrap_err();
            assert_eq!(streamed.to_string(), whole.to_string());
        }
    }
}
