//! The CSV import formats for customers, invoices and payments: a header row,
//! columns in any order (English or Chinese names), UTF-8 or GBK — or an XLSX
//! workbook, whose sheet is turned into the same CSV text (row N of the
//! sheet is line N of the text), so everything after reading is one path.

use std::collections::HashMap;
use std::path::Path;

use super::bank::import_sheets;
use super::input::{InputLimit, input_name, read_input_or_stdin};
use super::text::{Encoding, decode, decode_owned};
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
    fields: csv::StringRecord,
}

/// How often, in rows, [`CsvFile::each_row`] reports its progress.
const PROGRESS_EVERY: usize = 256;

/// A rewrite of one column's values (see [`CsvFile::map_column`]).
type ColumnMap = (usize, Box<dyn Fn(&str) -> String>);

/// A checked import file. Only the decoded text is kept: rows are parsed again,
/// one at a time, when they are visited, so a file of a million rows costs
/// its own size in memory and no more.
pub struct CsvFile {
    /// The file name as given, for `file:line:` messages.
    pub file: String,
    pub encoding: Encoding,
    /// Which of the formats given to [`CsvFile::read_one_of`] the header fits.
    pub format: usize,
    /// The line of the header row (1 unless blank lines come first).
    pub header_line: u64,
    /// The sheet read, when the file is a workbook.
    pub sheet: Option<String>,
    /// The keys of the format's columns, in the format's order, each with
    /// where it is in a row (`None`: not in the file). A format has a dozen
    /// columns at most: searching them beats hashing the key on every cell
    /// read.
    columns: Vec<(&'static str, Option<usize>)>,
    /// Header names that are none of the format's columns.
    unknown: Vec<String>,
    text: String,
    /// Data rows that are not blank.
    len: usize,
    maps: Vec<ColumnMap>,
    /// Told how many rows are done as [`CsvFile::each_row`] goes (a
    /// progress bar on a terminal).
    progress: Option<Box<dyn Fn(u64)>>,
}

/// The trimmed value of field `i` of a row; `None` when absent or empty.
fn cell(row: &Row, i: usize) -> Option<&str> {
    row.fields.get(i).map(|s| s.trim_matches(|c: char| c.is_whitespace() || c == '\u{3000}')).filter(|s| !s.is_empty())
}

fn is_blank(rec: &csv::StringRecord) -> bool {
    rec.iter().all(|f| f.trim().is_empty())
}

fn normalise_header(h: &str) -> String {
    h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{3000}')
        .to_lowercase()
        .replace([' ', '-'], "_")
}

/// Where each column of `columns` is in `headers`; a missing required
/// column is an error naming it.
fn find_columns(headers: &csv::StringRecord, columns: &[Column]) -> Result<HashMap<&'static str, usize>> {
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
                ));
            }
            None => {}
        }
    }
    Ok(index)
}

/// Line numbers of records from their byte offsets. The csv reader splits
/// records on LF, CRLF and a lone CR, but its own line count sees only LF and
/// leaves out the blank lines it skips; messages name the line an editor shows.
struct Lines<'a> {
    text: &'a [u8],
    at: usize,
    line: u64,
}

impl Lines<'_> {
    fn new(text: &str) -> Lines<'_> {
        Lines { text: text.as_bytes(), at: 0, line: 1 }
    }

    /// The 1-based line of the record at `pos` (asked in file order). A
    /// record's position is where the reader began looking for it: before
    /// the blank lines it then skipped.
    fn of(&mut self, pos: Option<&csv::Position>) -> u64 {
        let from = pos.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX)).min(self.text.len());
        let blank = self.text[from..].iter().take_while(|b| matches!(b, b'\r' | b'\n')).count();
        let to = from + blank;
        for i in self.at..to {
            let ends = match self.text[i] {
                b'\n' => true,
                b'\r' => self.text.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += u64::from(ends);
        }
        self.at = self.at.max(to);
        self.line
    }
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
    /// Read and parse `path` (see [`read_input_or_stdin`]: a regular file or
    /// `-` for standard input, at most `limit` bytes); every row is kept with
    /// its line number. Fails on an unreadable file, bad encoding, malformed
    /// CSV, or a missing column.
    pub fn read(path: &Path, columns: &[Column], limit: InputLimit) -> Result<CsvFile> {
        CsvFile::read_one_of(path, &[columns], limit)
    }

    /// Like [`CsvFile::read`] for a file that may come in several formats:
    /// the first of `formats` whose required columns are all in the header
    /// is used ([`CsvFile::format`] says which). When none fits, the missing
    /// column is named for the last format, the one users write by hand.
    pub fn read_one_of(path: &Path, formats: &[&[Column]], limit: InputLimit) -> Result<CsvFile> {
        let file = input_name(path);
        let bytes = read_input_or_stdin(path, limit)
            .map_err(|e| Error::user(format!("{file}: {}", e.en()), format!("{file}：{}", e.zh())))?;
        if is_workbook(&bytes) {
            return CsvFile::workbook(file, &bytes, formats);
        }
        let (text, encoding) =
            decode_owned(bytes).map_err(|e| Error::user(format!("{file}: {e}"), format!("{file}：{}", e.zh())))?;
        CsvFile::check(file, text, encoding, formats)
    }

    /// Parse file content already in memory; `file` names it in messages.
    pub fn parse(file: &str, bytes: &[u8], columns: &[Column]) -> Result<CsvFile> {
        CsvFile::parse_one_of(file, bytes, &[columns])
    }

    /// [`CsvFile::read_one_of`] for file content already in memory.
    pub fn parse_one_of(file: &str, bytes: &[u8], formats: &[&[Column]]) -> Result<CsvFile> {
        if is_workbook(bytes) {
            return CsvFile::workbook(file.to_string(), bytes, formats);
        }
        let (text, encoding) =
            decode(bytes).map_err(|e| Error::user(format!("{file}: {e}"), format!("{file}：{}", e.zh())))?;
        CsvFile::check(file.to_string(), text, encoding, formats)
    }

    /// An XLSX workbook: the first sheet whose first non-empty row names a
    /// column of one of the formats, as CSV text.
    fn workbook(file: String, bytes: &[u8], formats: &[&[Column]]) -> Result<CsvFile> {
        let sheets = import_sheets(&file, bytes).map_err(|e| Error::user(e.to_string(), e.zh()))?;
        let known = |cell: &String| {
            let h = normalise_header(cell);
            !h.is_empty()
                && formats.iter().flat_map(|f| f.iter()).flat_map(|c| c.names).any(|n| normalise_header(n) == h)
        };
        let header_row = |rows: &[(u64, Vec<String>)]| {
            rows.iter().find(|(_, cells)| cells.iter().any(|c| !c.is_empty())).is_some_and(|(_, c)| c.iter().any(known))
        };
        let Some((sheet, rows)) = sheets.into_iter().find(|(_, rows)| header_row(rows)) else {
            let columns = formats.last().map(|f| f.iter().map(|c| c.key).collect::<Vec<_>>().join(", "));
            let columns = columns.unwrap_or_default();
            return Err(Error::user(
                format!("{file}: no sheet of the workbook starts with a header row naming its columns ({columns})"),
                format!("{file}：工作簿中没有以列名表头开始的工作表（列：{columns}）"),
            ));
        };
        let mut csv = CsvFile::check(file, sheet_text(&rows), Encoding::Utf8, formats)?;
        csv.sheet = Some(sheet);
        Ok(csv)
    }

    fn reader(text: &str) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new().has_headers(true).flexible(true).from_reader(text.as_bytes())
    }

    /// Find the columns in the header and check every record once: malformed
    /// CSV and an unclosed quote are refused before anything is imported.
    fn check(file: String, text: String, encoding: Encoding, formats: &[&[Column]]) -> Result<CsvFile> {
        let mut reader = CsvFile::reader(&text);
        let mut lines = Lines::new(&text);
        let header_line = lines.of(None);
        let headers =
            reader.headers().map_err(|e| Error::user(format!("{e}"), format!("{e}")).at(&file, header_line))?.clone();
        let mut chosen = Err(Error::user("no import format given", "未给出导入格式"));
        for (format, columns) in formats.iter().enumerate() {
            chosen = find_columns(&headers, columns).map(|index| (format, index)).map_err(|e| e.at(&file, header_line));
            if chosen.is_ok() {
                break;
            }
        }
        let (format, index) = chosen?;
        let columns = formats
            .get(format)
            .map_or_else(Vec::new, |f| f.iter().map(|c| (c.key, index.get(c.key).copied())).collect());
        let unknown = headers
            .iter()
            .enumerate()
            .filter(|(i, h)| !normalise_header(h).is_empty() && !index.values().any(|at| at == i))
            .map(|(_, h)| h.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{3000}').to_string())
            .collect();
        let mut len = 0;
        let mut last = None;
        let mut rec = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = lines.of(e.position());
                    return Err(
                        Error::user(format!("malformed CSV: {e}"), format!("CSV 格式错误：{e}")).at(&file, line)
                    );
                }
            }
            last = rec.position().map(|p| (p.byte(), lines.of(Some(p))));
            if !is_blank(&rec) {
                len += 1;
            }
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
        Ok(CsvFile {
            file,
            encoding,
            format,
            header_line,
            sheet: None,
            columns,
            unknown,
            text,
            len,
            maps: Vec::new(),
            progress: None,
        })
    }

    /// How many data rows (blank ones not counted).
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The data rows, parsed one by one (the file was checked already).
    pub fn rows(&self) -> impl Iterator<Item = Row> + '_ {
        let mut reader = CsvFile::reader(&self.text);
        let mut lines = Lines::new(&self.text);
        std::iter::from_fn(move || {
            loop {
                let mut fields = csv::StringRecord::new();
                if !reader.read_record(&mut fields).ok()? {
                    return None;
                }
                if is_blank(&fields) {
                    continue;
                }
                let line = lines.of(fields.position());
                if !self.maps.is_empty() {
                    let mut cells: Vec<String> = fields.iter().map(str::to_string).collect();
                    for (i, f) in &self.maps {
                        if let Some(v) = cells.get_mut(*i).filter(|v| !v.trim().is_empty()) {
                            *v = f(v);
                        }
                    }
                    fields = csv::StringRecord::from(cells);
                }
                return Some(Row { line, fields });
            }
        })
    }

    /// The trimmed value of a column in a row; `None` when absent or empty.
    pub fn get<'a>(&self, row: &'a Row, key: &str) -> Option<&'a str> {
        cell(row, self.column(key)?)
    }

    /// Where the column `key` is in a row, if the file has it.
    fn column(&self, key: &str) -> Option<usize> {
        self.columns.iter().find(|(k, _)| *k == key).and_then(|(_, at)| *at)
    }

    /// Every column of the format, in the format's order, with its value
    /// in `row` as [`CsvFile::get`] gives it (`None`: absent or empty).
    pub fn cells<'a>(&'a self, row: &'a Row) -> impl Iterator<Item = (&'static str, Option<&'a str>)> + 'a {
        self.columns.iter().map(|(key, at)| (*key, at.and_then(|i| cell(row, i))))
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
        for (done, row) in self.rows().enumerate() {
            if let Err(e) = f(&row) {
                errors.push(e.at(&self.file, row.line));
            }
            if done % PROGRESS_EVERY == 0
                && let Some(p) = &self.progress
            {
                p(done as u64);
            }
        }
        if let Some(p) = &self.progress {
            p(self.len as u64);
        }
        if errors.is_empty() { Ok(self.len) } else { Err(Error::rows(errors, &self.file)) }
    }

    /// Tell `f` how many rows are done while [`CsvFile::each_row`] runs.
    pub fn on_progress(&mut self, f: impl Fn(u64) + 'static) {
        self.progress = Some(Box::new(f));
    }

    /// Rewrite every non-empty value of a column as rows are read (used to
    /// move the demo's dates).
    pub fn map_column(&mut self, key: &str, f: impl Fn(&str) -> String + 'static) {
        if let Some(i) = self.column(key) {
            self.maps.push((i, Box::new(f)));
        }
    }

    pub fn has(&self, key: &str) -> bool {
        self.column(key).is_some()
    }

    /// The keys of the format's columns, in the format's order (whether or
    /// not the file has them).
    pub fn keys(&self) -> Vec<&'static str> {
        self.columns.iter().map(|(key, _)| *key).collect()
    }

    /// The header names that are none of the format's columns, as written.
    pub fn unknown_columns(&self) -> &[String] {
        &self.unknown
    }

    /// The notice of the columns an import leaves out (English, Chinese),
    /// when the header has any the format does not know.
    pub fn ignored_note(&self) -> Option<(String, String)> {
        if self.unknown.is_empty() {
            return None;
        }
        let (file, n) = (&self.file, self.unknown.len());
        let list = self.unknown.iter().map(|c| format!("'{c}'")).collect::<Vec<_>>().join(", ");
        Some((
            format!("{file}: ignored {n} column(s) the import does not use: {list}"),
            format!("{file}：忽略了导入不使用的 {n} 列：{list}"),
        ))
    }

    /// How the file was read, for the import's notice (English, Chinese):
    /// its encoding, or the workbook's sheet.
    pub fn read_as(&self) -> (String, String) {
        match &self.sheet {
            Some(sheet) => (format!("XLSX, sheet {sheet}"), format!("XLSX，工作表 {sheet}")),
            None => (self.encoding.name().to_string(), self.encoding.name().to_string()),
        }
    }
}

/// An XLSX workbook (a zip) rather than text.
fn is_workbook(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// A sheet's rows as CSV text, each on the line of its row number (blank
/// lines stand for the rows above the first and for empty rows; a line
/// break inside a cell becomes a space, so no cell spans two lines).
fn sheet_text(rows: &[(u64, Vec<String>)]) -> String {
    let mut text = String::new();
    let mut line = 1;
    for (row, cells) in rows {
        while line < *row {
            text.push('\n');
            line += 1;
        }
        for (i, cell) in cells.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            let cell = cell.replace(['\r', '\n'], " ");
            if cell.contains([',', '"']) || cell.starts_with(char::is_whitespace) {
                text.push('"');
                text.push_str(&cell.replace('"', "\"\""));
                text.push('"');
            } else {
                text.push_str(&cell);
            }
        }
        text.push('\n');
        line += 1;
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[Column { key: "a", names: &["a"], required: true }];

    fn lines(bytes: &[u8]) -> Vec<u64> {
        CsvFile::parse("f.csv", bytes, COLUMNS).unwrap().rows().map(|r| r.line).collect()
    }

    #[test]
    fn the_first_format_whose_required_columns_are_all_there_is_used() {
        const VAT: &[Column] = &[
            Column { key: "amount", names: &["价税合计"], required: true },
            Column { key: "net", names: &["金额"], required: false },
        ];
        const PLAIN: &[Column] = &[Column { key: "amount", names: &["金额", "amount"], required: true }];
        let vat = CsvFile::parse_one_of("v.csv", "金额,价税合计\n100,113\n".as_bytes(), &[VAT, PLAIN]).unwrap();
        let row = vat.rows().next().unwrap();
        assert_eq!((vat.format, vat.get(&row, "amount"), vat.get(&row, "net")), (0, Some("113"), Some("100")));
        let plain = CsvFile::parse_one_of("p.csv", "金额\n100\n".as_bytes(), &[VAT, PLAIN]).unwrap();
        let row = plain.rows().next().unwrap();
        assert_eq!((plain.format, plain.get(&row, "amount")), (1, Some("100")));
        let e = CsvFile::parse_one_of("x.csv", b"total\n1\n", &[VAT, PLAIN]).err().unwrap().to_string();
        assert!(e.contains("x.csv:1: missing column 'amount'"), "{e}");
    }

    #[test]
    fn a_header_after_blank_lines_is_found_on_its_line() {
        let csv = CsvFile::parse("f.csv", b"\n\na,b\nx,y\n", COLUMNS).unwrap();
        assert_eq!((csv.header_line, csv.rows().map(|r| r.line).collect::<Vec<_>>()), (3, vec![4]));
        let e = CsvFile::parse("f.csv", b"\r\n\r\nb\nx\n", COLUMNS).err().unwrap().to_string();
        assert!(e.starts_with("f.csv:3: missing column 'a'"), "{e}");
    }

    #[test]
    fn header_names_of_no_column_are_kept_as_written() {
        let csv = CsvFile::parse("f.csv", " A ,Extra, ,备注\n1,2,3,4\n".as_bytes(), COLUMNS).unwrap();
        assert_eq!(csv.unknown_columns(), ["Extra", "备注"]);
        assert_eq!(csv.keys(), ["a"]);
        let (en, _) = csv.ignored_note().unwrap();
        assert_eq!(en, "f.csv: ignored 2 column(s) the import does not use: 'Extra', '备注'");
    }

    #[test]
    fn a_sheet_becomes_csv_text_with_row_n_on_line_n() {
        let rows = vec![
            (2, vec!["a".to_string(), "b".to_string()]),
            (3, vec!["x, y".to_string(), "say \"hi\"\nthere".to_string()]),
            (4, vec![]),
            (5, vec!["z".to_string()]),
        ];
        let text = sheet_text(&rows);
        assert_eq!(text, "\na,b\n\"x, y\",\"say \"\"hi\"\" there\"\n\nz\n");
        let csv = CsvFile::parse("s.xlsx", text.as_bytes(), COLUMNS).unwrap();
        let got: Vec<_> = csv.rows().map(|r| (r.line, csv.get(&r, "a").map(str::to_string))).collect();
        assert_eq!(got, [(3, Some("x, y".to_string())), (5, Some("z".to_string()))]);
    }

    #[test]
    fn rows_are_numbered_by_line_whatever_ends_the_lines() {
        assert_eq!(lines(b"a\nx\n\ny\n"), [2, 4], "LF");
        assert_eq!(lines(b"a\r\nx\r\n\r\ny\r\n"), [2, 4], "CRLF");
        // Found by fuzzing (tests/fixtures/fuzz/csv_import/cr-line-ends):
        // with lone CRs every row was line 1.
        assert_eq!(lines(b"a\rx\r\ry\r"), [2, 4]);
        assert_eq!(lines(b"a\r\nx\ry\n\"q\rq\"\rz"), [2, 3, 4, 6]);
    }
}
