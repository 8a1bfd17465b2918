//! What the bytes are: a BIFF8 workbook (OLE2 magic), an OOXML workbook (zip
//! magic) or text — decided from the first bytes, never from the file name —
//! and, for text, which encoding. UTF-8 (with or without BOM) is trusted when
//! it is valid; otherwise GBK/GB18030 and Latin-1 (cp1252) are told apart by
//! which decoding makes known header words appear, and when neither does, by
//! a statistic: Chinese text comes in runs of non-ASCII characters, while a
//! Latin-1 file read as GB18030 gives lone ideographs between ASCII letters.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::BankError;
use super::grid::{clean_cell, norm, split_any};

/// The container the bytes are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sniffed {
    Xls,
    Xlsx,
    Text,
}

pub(crate) fn sniff(bytes: &[u8]) -> Sniffed {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Sniffed::Xls
    } else if bytes.starts_with(b"PK") {
        Sniffed::Xlsx
    } else {
        Sniffed::Text
    }
}

#[cfg(test)]
/// Text and the name of the encoding it was read in.
pub(crate) struct Decoded {
    pub text: String,
    pub label: &'static str,
}

/// The encoding a user or profile names (`utf-8`, `gbk`, `latin-1` …).
pub(crate) fn encoding_for(name: &str) -> Option<(&'static Encoding, &'static str)> {
    let n: String = name.trim().to_ascii_lowercase().chars().filter(|c| *c != '-' && *c != '_').collect();
    match n.as_str() {
        "utf8" => Some((UTF_8, "UTF-8")),
        "gbk" | "gb18030" | "gb2312" | "cp936" => Some((GB18030, "GBK/GB18030")),
        "latin1" | "iso88591" | "cp1252" | "windows1252" => Some((WINDOWS_1252, "Latin-1")),
        "utf16" | "utf16le" => Some((UTF_16LE, "UTF-16")),
        "utf16be" => Some((UTF_16BE, "UTF-16")),
        _ => None,
    }
}

#[cfg(test)]
/// Decode text bytes. `forced` names the encoding; otherwise it is detected,
/// using `vocabulary` (normalised header words of the candidate profiles).
///
/// The bytes are taken: valid UTF-8 (the common case) becomes the text
/// without a copy, and other encodings drop them once decoded, so a large
/// file is not held twice for longer than its decoding.
pub(crate) fn decode(
    file: &str,
    bytes: Vec<u8>,
    forced: Option<&str>,
    vocabulary: &[String],
) -> Result<Decoded, BankError> {
    let whole = bytes;
    let bytes = whole.as_slice();
    if let Some(name) = forced {
        let (enc, label) =
            encoding_for(name).ok_or_else(|| BankError::UnknownEncoding { file: file.into(), name: name.into() })?;
        let (text, _, _) = enc.decode(bytes); // strips a BOM of that encoding
        return finish(file, text.into_owned(), label);
    }
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        let mut rest = whole;
        rest.drain(..3);
        return finish(file, utf8_text(rest), "UTF-8 (BOM)");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return finish(file, UTF_16LE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16");
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return finish(file, UTF_16BE.decode_without_bom_handling(rest).0.into_owned(), "UTF-16");
    }
    if looks_binary(bytes) {
        return Err(BankError::Binary { file: file.into() });
    }
    // Decide on the head of the file: whole lines, at most 64 KiB. A cut at a
    // newline never splits a character in UTF-8 or GBK (0x0A is no trail byte).
    let head = match bytes.get(..65536) {
        Some(h) => match h.iter().rposition(|b| *b == b'\n') {
            Some(nl) => h.get(..=nl).unwrap_or(h),
            None => h,
        },
        None => bytes,
    };
    match guess(head, std::str::from_utf8(bytes).is_ok(), vocabulary) {
        Guess::Utf8 => finish(file, utf8_text(whole), "UTF-8"),
        Guess::Gbk => finish(file, GB18030.decode_without_bom_handling(bytes).0.into_owned(), "GBK/GB18030"),
        Guess::Latin1 => finish(file, WINDOWS_1252.decode_without_bom_handling(bytes).0.into_owned(), "Latin-1"),
    }
}

/// The encoding of a file without a BOM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Guess {
    Utf8,
    Gbk,
    Latin1,
}

/// Which decoding of the file's head (whole lines, at most 64 KiB) shows
/// the most header words: UTF-8 when the whole file is UTF-8 and it does at
/// least as well as the others; else GBK or Latin-1, a tie going to GBK
/// when it decodes without error and reads as Chinese.
pub(crate) fn guess(head: &[u8], utf8_valid: bool, vocabulary: &[String]) -> Guess {
    let (gb_head, _, gb_errors) = GB18030.decode(head);
    let (latin_head, _, _) = WINDOWS_1252.decode(head);
    let gb_score = vocabulary_score(&gb_head, vocabulary);
    let latin_score = vocabulary_score(&latin_head, vocabulary);
    if utf8_valid {
        let utf8_score = vocabulary_score(&String::from_utf8_lossy(head), vocabulary);
        if utf8_score >= gb_score && utf8_score >= latin_score {
            return Guess::Utf8;
        }
    }
    match gb_score.cmp(&latin_score) {
        std::cmp::Ordering::Greater => Guess::Gbk,
        std::cmp::Ordering::Less => Guess::Latin1,
        std::cmp::Ordering::Equal if !gb_errors && chinese_runs(&gb_head) => Guess::Gbk,
        std::cmp::Ordering::Equal => Guess::Latin1,
    }
}

#[cfg(test)]
/// UTF-8 bytes as text, without a copy when they are valid (a bad
/// sequence becomes U+FFFD, as decoding it would make it).
fn utf8_text(bytes: Vec<u8>) -> String {
    match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    }
}

#[cfg(test)]
fn finish(file: &str, text: String, label: &'static str) -> Result<Decoded, BankError> {
    let mut counts = TextCounts::default();
    counts.add(&text);
    counts.verdict(file)?;
    Ok(Decoded { text, label })
}

/// What a decoded text is made of, added up a piece at a time: a text of
/// whitespace is empty, and one with a NUL or more than 1 % control
/// characters is binary.
#[derive(Debug, Default)]
pub(crate) struct TextCounts {
    printable: bool,
    nul: bool,
    controls: usize,
    chars: usize,
}

impl TextCounts {
    pub(crate) fn add(&mut self, text: &str) {
        for c in text.chars() {
            self.chars += 1;
            self.printable |= !c.is_whitespace();
            self.nul |= c == '\0';
            if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}') {
                self.controls += 1;
            }
        }
    }

    pub(crate) fn verdict(&self, file: &str) -> Result<(), BankError> {
        if !self.printable {
            return Err(BankError::Empty { file: file.into() });
        }
        if self.nul || self.controls * 100 > self.chars {
            return Err(BankError::Binary { file: file.into() });
        }
        Ok(())
    }
}

/// NUL bytes or many control bytes: not a text export.
pub(crate) fn looks_binary(bytes: &[u8]) -> bool {
    let head = bytes.get(..8192).unwrap_or(bytes);
    let controls = head.iter().filter(|b| **b < 0x20 && !matches!(**b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A)).count();
    head.contains(&0) || controls * 100 > head.len()
}

/// How well a decoding shows header words: over the first 30 lines, the line
/// with most cells equal to a known word; ties broken by non-ASCII words
/// (ASCII words read the same in every candidate encoding).
fn vocabulary_score(text: &str, vocabulary: &[String]) -> (usize, usize) {
    let mut best = (0, 0);
    for line in text.lines().take(30) {
        let mut hits = (0, 0);
        for cell in split_any(line) {
            let n = norm(&clean_cell(cell));
            if !n.is_empty() && vocabulary.contains(&n) {
                hits.0 += 1;
                if !n.is_ascii() {
                    hits.1 += 1;
                }
            }
        }
        best = best.max(hits);
    }
    best
}

/// Whether most non-ASCII characters of a GB18030 reading sit next to another
/// non-ASCII character (real Chinese) rather than alone between ASCII letters.
fn chinese_runs(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    let (mut non_ascii, mut in_runs) = (0usize, 0usize);
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii() {
            continue;
        }
        non_ascii += 1;
        let prev = i.checked_sub(1).and_then(|j| chars.get(j)).is_some_and(|p| !p.is_ascii());
        let next = chars.get(i + 1).is_some_and(|n| !n.is_ascii());
        if prev || next {
            in_runs += 1;
        }
    }
    non_ascii == 0 || in_runs * 2 >= non_ascii
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| norm(w)).collect()
    }

    #[test]
    fn first_bytes_decide_the_container() {
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1"), Sniffed::Xls);
        assert_eq!(sniff(b"PK\x03\x04"), Sniffed::Xlsx);
        assert_eq!(sniff("交易日期,金额".as_bytes()), Sniffed::Text);
    }

    #[test]
    fn latin1_is_not_mistaken_for_gbk() {
        let (bytes, _, _) =
            WINDOWS_1252.encode("Buchung;Auftraggeber/Empfänger;Betrag;Währung\n01.02.2020;Jörg Müller;1,00;EUR\n");
        let v = vocab(&["Buchung", "Auftraggeber/Empfänger", "Betrag", "Währung"]);
        let d = decode("f", bytes.to_vec(), None, &v).unwrap();
        assert_eq!(d.label, "Latin-1");
        assert!(d.text.contains("Jörg Müller"));
        // Without any header word the statistic still says Latin-1.
        let d = decode("f", bytes.to_vec(), None, &[]).unwrap();
        assert_eq!(d.label, "Latin-1");
    }

    #[test]
    fn gbk_is_found_by_its_header_words() {
        let (bytes, _, _) = GB18030.encode("交易日期,收入,支出\n20250101,1.00,\n");
        let d = decode("f", bytes.to_vec(), None, &vocab(&["交易日期", "收入"])).unwrap();
        assert_eq!(d.label, "GBK/GB18030");
        assert!(d.text.starts_with("交易日期"));
        assert_eq!(decode("f", bytes.to_vec(), None, &[]).unwrap().label, "GBK/GB18030");
    }

    #[test]
    fn boms_and_forced_encodings() {
        assert_eq!(decode("f", b"\xEF\xBB\xBFa,b\n".to_vec(), None, &[]).unwrap().label, "UTF-8 (BOM)");
        assert_eq!(decode("f", b"\xFF\xFEa\0,\0b\0".to_vec(), None, &[]).unwrap().text, "a,b");
        let d = decode("f", b"Caf\xe9\n".to_vec(), Some("latin-1"), &[]).unwrap();
        assert_eq!((d.text.as_str(), d.label), ("Café\n", "Latin-1"));
        assert!(matches!(decode("f", b"x".to_vec(), Some("ebcdic"), &[]), Err(BankError::UnknownEncoding { .. })));
    }

    #[test]
    fn junk_is_binary() {
        assert!(matches!(decode("f", b"\x00\x01\x02\x03garbage".to_vec(), None, &[]), Err(BankError::Binary { .. })));
        let noise: Vec<u8> = (0..2000u32).map(|i| (i * 7919 % 251) as u8).collect();
        assert!(matches!(decode("f", noise.clone(), None, &[]), Err(BankError::Binary { .. })));
    }
}
