//! The CSV import formats for customers, invoices and payments: a header row,
//! columns in any order (English or Chinese names), UTF-8 or GBK.

use std::collections::HashMap;
use std::path::Path;

use super::text::{Encoding, decode};
use crate::error::{Error, Result};

/// A column the importer understands: its key and the header names that mean it.
pub struct Column {
    pub key: &'static str,
    pub names: &'static [&'static str],
    pub required: bool,
}

/// One data row and the line it starts on (1-based, the header is line 1).
pub struct Row {
    pub line: u64,
    fields: Vec<String>,
}

/// A parsed import file.
pub struct CsvFile {
    /// The file name as given, for `file:line:` messages.
    pub file: String,
    pub encoding: Encoding,
    index: HashMap<&'static str, usize>,
    pub rows: Vec<Row>,
}

fn normalise_header(h: &str) -> String {
    h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{3000}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// True when `record` (the text of the last record to the end of the file)
/// opens a quoted field that is still open at the end.
fn quote_left_open(record: &str) -> bool {
    let mut chars = record.chars().peekable();
    let mut field_start = true;
    let mut quoted = false;
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                } else {
                    quoted = false;
                }
            }
        } else if field_start && c == '"' {
            quoted = true;
            field_start = false;
        } else {
            field_start = c == ',' || c == '\n' || c == '\r';
        }
    }
    quoted
}

impl CsvFile {
    /// Read and parse `path`; every row is kept with its line number. Fails on
    /// an unreadable file, bad encoding, malformed CSV, or a missing column.
    pub fn read(path: &Path, columns: &[Column]) -> Result<CsvFile> {
        let file = path.display().to_string();
        let bytes = std::fs::read(path)
            .map_err(|e| Error::user(format!("{file}: cannot read: {e}"), format!("{file}：无法读取：{e}")))?;
        CsvFile::parse(&file, &bytes, columns)
    }

    /// Parse file content already in memory; `file` names it in messages.
    pub fn parse(file: &str, bytes: &[u8], columns: &[Column]) -> Result<CsvFile> {
        let file = file.to_string();
        let (text, encoding) =
            decode(bytes).map_err(|e| Error::user(format!("{file}: {e}"), format!("{file}：{}", e.zh())))?;
        let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes());
        let headers = reader.headers().map_err(|e| Error::user(format!("{e}"), format!("{e}")).at(&file, 1))?.clone();
        let mut index = HashMap::new();
        for col in columns {
            let found = headers.iter().position(|h| {
                let h = normalise_header(h);
                col.names.iter().any(|n| normalise_header(n) == h)
            });
            match found {
                Some(i) => {
                    index.insert(col.key, i);
                }
                None if col.required => {
                    return Err(Error::user(
                        format!("missing column '{}' in the header row", col.key),
                        format!("表头缺少“{}”列", col.key),
                    )
                    .at(&file, 1));
                }
                None => {}
            }
        }
        let mut rows = Vec::new();
        let mut last = None;
        for rec in reader.records() {
            let rec = rec.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line());
                Error::user(format!("malformed CSV: {e}"), format!("CSV 格式错误：{e}")).at(&file, line)
            })?;
            last = rec.position().map(|p| (p.byte(), p.line()));
            if rec.iter().all(|f| f.trim().is_empty()) {
                continue;
            }
            let line = rec.position().map_or(0, |p| p.line());
            rows.push(Row { line, fields: rec.iter().map(str::to_string).collect() });
        }
        // The csv reader lets a quote that is never closed swallow the rest of
        // the file into one field; refuse that instead of importing garble.
        if let Some((byte, line)) = last
            && quote_left_open(text.get(byte as usize..).unwrap_or(""))
        {
            return Err(Error::user(
                "malformed CSV: a quoted field is never closed (a '\"' is missing)",
                "CSV 格式错误：引号未闭合（缺少一个“\"”）",
            )
            .at(&file, line));
        }
        Ok(CsvFile { file, encoding, index, rows })
    }

    /// The trimmed value of a column in a row; `None` when absent or empty.
    pub fn get<'a>(&self, row: &'a Row, key: &str) -> Option<&'a str> {
        let i = *self.index.get(key)?;
        row.fields
            .get(i)
            .map(|s| s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}'))
            .filter(|s| !s.is_empty())
    }

    /// Like [`CsvFile::get`] for a required column: an empty cell is an error.
    pub fn require<'a>(&self, row: &'a Row, key: &str) -> Result<&'a str> {
        self.get(row, key).ok_or_else(|| Error::user(format!("'{key}' is empty"), format!("“{key}”为空")))
    }

    /// Run `f` on every row. Every failing row is reported as `file:line:
    /// reason`; if any failed, the whole run is an error (the caller's
    /// transaction is then dropped, so nothing is written).
    pub fn each_row(&self, mut f: impl FnMut(&Row) -> Result<()>) -> Result<usize> {
        let mut errors = Vec::new();
        for row in &self.rows {
            if let Err(e) = f(row) {
                errors.push(e.at(&self.file, row.line));
            }
        }
        if errors.is_empty() { Ok(self.rows.len()) } else { Err(Error::rows(errors, &self.file)) }
    }

    /// Rewrite every non-empty value of a column (used to move demo dates).
    pub fn map_column(&mut self, key: &str, f: impl Fn(&str) -> String) {
        if let Some(&i) = self.index.get(key) {
            for row in &mut self.rows {
                if let Some(v) = row.fields.get_mut(i).filter(|v| !v.trim().is_empty()) {
                    *v = f(v);
                }
            }
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.index.contains_key(key)
    }
}
