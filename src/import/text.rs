//! Decoding a file's bytes into text: UTF-8 (with or without BOM) or GBK/GB18030.

use encoding_rs::{GB18030, UTF_8};

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

/// [`decode`] taking the bytes: valid UTF-8 becomes the text without a copy.
pub fn decode_owned(bytes: Vec<u8>) -> Result<(String, Encoding), TextError> {
    if !bytes.starts_with(b"\xEF\xBB\xBF") && bytes.iter().any(|b| !b.is_ascii_whitespace()) && !bytes.contains(&0) {
        match String::from_utf8(bytes) {
            Ok(text) => return Ok((text, Encoding::Utf8)),
            Err(e) => return decode(e.as_bytes()),
        }
    }
    decode(&bytes)
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

    #[test]
    fn junk_is_refused() {
        assert_eq!(decode(b""), Err(TextError::Empty));
        assert_eq!(decode(b"ab\0cd"), Err(TextError::Binary(2)));
        assert_eq!(decode(b"\xff\xff\xff"), Err(TextError::UnknownEncoding));
    }
}
