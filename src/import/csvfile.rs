//! The CSV import formats for customers, invoices and payments: a header row,
//! columns in any order (English or Chinese names), UTF-8 or GBK — or an XLSX
//! workbook, whose sheet is turned into the same CSV text (row N of the
//! sheet is line N of the text), so everything after reading is one path.

use std::collections::{HashMap, VecDeque};
use std::fs::File;
use std::io::{BufReader, BufWriter, Cursor, Read, Seek, SeekFrom, Write};
use std::path::Path;

use super::bank::{BankError, StreamError, Visit, stream_sheets};
use super::input::{InputError, InputLimit, input_name, open_input_or_stdin};
use super::text::{CHUNK, Encoding, Gb18030Reader, TextError, decode, fill, sniff};
use crate::error::{BadRows, Error, Result};

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

/// A checked import file. Nothing of it is kept but where it is: every pass
/// (the check, then the rows as they are visited) reads the file again from
/// its start and parses one row at a time, so a file of ten million rows
/// costs the reader's buffers, not its size, in memory.
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
    source: Source,
    /// The length and checksum of the text the check read: every later pass
    /// must read the same.
    sealed: (u64, u32),
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

/// The text a pass over the file reads, watched as the csv reader takes
/// it: where the runs of line breaks are (for line numbers), whether a
/// quoted field is left open, and a checksum of the whole text.
struct Tracked<R> {
    inner: R,
    /// The offset in the text of the next byte read.
    at: u64,
    /// Runs of consecutive CR and LF bytes not yet counted by
    /// [`Tracked::line_of`]: where each starts and how many lines it ends.
    runs: VecDeque<(u64, u64)>,
    /// Whether the last byte read was a line break, and whether it was CR.
    in_run: bool,
    last_cr: bool,
    /// The line of the first byte after the runs counted so far (1-based).
    line: u64,
    quotes: Quotes,
    crc: crc32fast::Hasher,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = &buf[..n];
        self.crc.update(got);
        for &b in got {
            if b == b'\r' || b == b'\n' {
                if !self.in_run {
                    self.runs.push_back((self.at, 0));
                    self.in_run = true;
                }
                // LF ends a line, and so does CR; the LF of a CRLF does not
                // end another.
                if (b == b'\r' || !self.last_cr)
                    && let Some(run) = self.runs.back_mut()
                {
                    run.1 += 1;
                }
                self.last_cr = b == b'\r';
            } else {
                self.in_run = false;
                self.last_cr = false;
            }
            self.quotes.step(b);
            self.at += 1;
        }
        Ok(n)
    }
}

impl<R> Tracked<R> {
    fn new(inner: R) -> Tracked<R> {
        Tracked {
            inner,
            at: 0,
            runs: VecDeque::new(),
            in_run: false,
            last_cr: false,
            line: 1,
            quotes: Quotes { quoted: false, field_start: true, closing: false },
            crc: crc32fast::Hasher::new(),
        }
    }

    /// The 1-based line of the record whose search began at text offset
    /// `from` (asked in file order; the csv reader has read the record).
    /// The csv reader splits records on LF, CRLF and a lone CR, but its own
    /// line count sees only LF and leaves out the blank lines it skips;
    /// messages name the line an editor shows: every line ended before
    /// `from`, and those of blank lines right after it.
    fn line_of(&mut self, from: u64) -> u64 {
        while let Some(&(start, ends)) = self.runs.front()
            && start <= from
        {
            self.line += ends;
            if self.runs.len() == 1 && self.in_run {
                // Still growing: what it adds later counts later.
                self.runs[0].1 = 0;
                break;
            }
            self.runs.pop_front();
        }
        self.line
    }

    /// How long the text read so far is, and its checksum.
    fn seal(&self) -> (u64, u32) {
        (self.at, self.crc.clone().finalize())
    }
}

/// Whether a quoted field is open, as the csv reader would see it: a quote
/// opens a field only at its start, and `""` inside one is a quote.
struct Quotes {
    quoted: bool,
    field_start: bool,
    /// Inside a quoted field, the last byte was a quote: it closes the field
    /// unless another follows.
    closing: bool,
}

impl Quotes {
    fn step(&mut self, b: u8) {
        if self.quoted {
            if !self.closing {
                self.closing = b == b'"';
                return;
            }
            self.closing = false;
            if b == b'"' {
                return;
            }
            self.quoted = false;
        }
        if self.field_start && b == b'"' {
            self.quoted = true;
            self.field_start = false;
        } else {
            self.field_start = matches!(b, b',' | b'\n' | b'\r');
        }
    }

    /// A quoted field never closed: the csv reader lets it swallow the
    /// rest of the file.
    fn left_open(&self) -> bool {
        self.quoted && !self.closing
    }
}

/// Where a file's text is read from, on every pass over it.
enum Source {
    /// Text in memory: content given to [`CsvFile::parse`], or a
    /// workbook's sheet.
    Text(String),
    /// A file, read again on every pass in its encoding, never held whole
    /// (standard input is first copied to an unnamed temporary file).
    File(File),
}

/// The csv reader of one pass over a file's text.
type Pass<'a> = csv::Reader<Tracked<Box<dyn Read + 'a>>>;

/// How a pass failed: the text is no longer the encoding it was read in,
/// the file cannot be read, or the CSV is malformed (at a line).
fn pass_error(file: &str, e: &csv::Error, line: u64) -> Error {
    if let csv::ErrorKind::Io(io) = e.kind() {
        if let Some(t) = io.get_ref().and_then(|inner| inner.downcast_ref::<TextError>()) {
            return Error::user(format!("{file}: {t}"), format!("{file}：{}", t.zh()));
        }
        return Error::user(format!("{file}: cannot read: {io}"), format!("{file}：无法读取：{io}"));
    }
    Error::user(format!("malformed CSV: {e}"), format!("CSV 格式错误：{e}")).at(file, line)
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
        let refused = |e: InputError| Error::user(format!("{file}: {}", e.en()), format!("{file}：{}", e.zh()));
        let cannot = |e: std::io::Error| refused(InputError::Io(e.to_string()));
        let opened = open_input_or_stdin(path, limit).map_err(refused)?;
        let mut head = [0u8; 4];
        let n = fill(&mut &opened, &mut head).map_err(cannot)?;
        if is_workbook(&head[..n]) {
            // Within the limit, as a text file is; read a cell at a time.
            let size = opened.metadata().map_err(cannot)?.len();
            if size > limit.in_bytes() {
                return Err(refused(InputError::TooLarge(limit)));
            }
            let mut text = tempfile::tempfile().map_err(cannot)?;
            let mut out = BufWriter::new(&mut text);
            let sheet = CsvFile::sheet_csv(&file, BufReader::new(&opened), formats, &mut out)?;
            out.flush().map_err(cannot)?;
            drop(out);
            return CsvFile::from_sheet(file, Source::File(text), sheet, formats);
        }
        (&opened).seek(SeekFrom::Start(0)).map_err(cannot)?;
        let mut limited = (&opened).take(limit.in_bytes().saturating_add(1));
        let encoding = sniff(&mut limited).map_err(cannot)?;
        if limited.limit() == 0 {
            return Err(refused(InputError::TooLarge(limit)));
        }
        let encoding = encoding.map_err(|e| Error::user(format!("{file}: {e}"), format!("{file}：{}", e.zh())))?;
        CsvFile::check(file, Source::File(opened), encoding, formats)
    }

    /// Parse file content already in memory; `file` names it in messages.
    pub fn parse(file: &str, bytes: &[u8], columns: &[Column]) -> Result<CsvFile> {
        CsvFile::parse_one_of(file, bytes, &[columns])
    }

    /// [`CsvFile::read_one_of`] for file content already in memory.
    pub fn parse_one_of(file: &str, bytes: &[u8], formats: &[&[Column]]) -> Result<CsvFile> {
        if is_workbook(bytes) {
            let mut text = Vec::new();
            let sheet = CsvFile::sheet_csv(file, Cursor::new(bytes), formats, &mut text)?;
            let text = String::from_utf8(text).map_err(|e| Error::user(e.to_string(), e.to_string()))?;
            return CsvFile::from_sheet(file.to_string(), Source::Text(text), sheet, formats);
        }
        let (text, encoding) =
            decode(bytes).map_err(|e| Error::user(format!("{file}: {e}"), format!("{file}：{}", e.zh())))?;
        CsvFile::check(file.to_string(), Source::Text(text), encoding, formats)
    }

    /// An XLSX workbook: the first sheet whose first non-empty row names a
    /// column of one of the formats, written to `out` as CSV text, a cell at
    /// a time (see [`stream_sheets`]); the sheet's name.
    fn sheet_csv(
        file: &str,
        workbook: impl Read + Seek,
        formats: &[&[Column]],
        out: &mut impl Write,
    ) -> Result<String> {
        let known = |cell: &String| {
            let h = normalise_header(cell);
            !h.is_empty()
                && formats.iter().flat_map(|f| f.iter()).flat_map(|c| c.names).any(|n| normalise_header(n) == h)
        };
        let mut chosen: Option<String> = None;
        let mut line = 1;
        // A number of the sheet read that has lost digits: (row, cell, number).
        let mut lost = None;
        let read = stream_sheets(file, workbook, |r| {
            let (row, cells) = (r.number, r.cells);
            match &chosen {
                // A sheet's first row with text must be the header.
                None if !cells.iter().any(known) => return Ok(Visit::NextSheet),
                None => chosen = Some(r.sheet.to_string()),
                Some(name) if name != r.sheet => return Ok(Visit::Stop),
                Some(_) => {}
            }
            if let Some((cell, number)) = r.imprecise {
                lost = Some((row, cell, number));
                return Ok(Visit::Stop);
            }
            while line < row {
                out.write_all(b"\n")?;
                line += 1;
            }
            write_csv_row(out, cells)?;
            line += 1;
            Ok(Visit::Go)
        });
        match read {
            Ok(()) => {}
            Err(StreamError::Book(e)) => return Err(Error::user(e.to_string(), e.zh())),
            Err(StreamError::Visitor(e)) => {
                return Err(Error::user(
                    format!("{file}: cannot write a temporary file: {e}"),
                    format!("{file}：无法写入临时文件：{e}"),
                ));
            }
        }
        if let Some((line, cell, number)) = lost {
            let e = BankError::Imprecise { file: file.to_string(), line, cell, number };
            return Err(Error::user(e.to_string(), e.zh()));
        }
        chosen.ok_or_else(|| {
            let columns = formats.last().map(|f| f.iter().map(|c| c.key).collect::<Vec<_>>().join(", "));
            let columns = columns.unwrap_or_default();
            Error::user(
                format!("{file}: no sheet of the workbook starts with a header row naming its columns ({columns})"),
                format!("{file}：工作簿中没有以列名表头开始的工作表（列：{columns}）"),
            )
        })
    }

    /// The CSV text of a workbook's sheet, read as any CSV file is.
    fn from_sheet(file: String, source: Source, sheet: String, formats: &[&[Column]]) -> Result<CsvFile> {
        let mut csv = CsvFile::check(file, source, Encoding::Utf8, formats)?;
        csv.sheet = Some(sheet);
        Ok(csv)
    }

    /// A csv reader over the whole text, from its start.
    fn pass<'a>(source: &'a Source, encoding: Encoding) -> std::io::Result<Pass<'a>> {
        let text: Box<dyn Read + 'a> = match source {
            Source::Text(text) => Box::new(text.as_bytes()),
            Source::File(file) => {
                let mut file = file;
                let bom = if encoding == Encoding::Utf8Bom { 3 } else { 0 };
                file.seek(SeekFrom::Start(bom))?;
                let bytes = BufReader::with_capacity(CHUNK, file);
                if encoding == Encoding::Gb18030 { Box::new(Gb18030Reader::new(bytes)) } else { Box::new(bytes) }
            }
        };
        Ok(csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .buffer_capacity(CHUNK)
            .from_reader(Tracked::new(text)))
    }

    /// Find the columns in the header and check every record once: malformed
    /// CSV and an unclosed quote are refused before anything is imported.
    fn check(file: String, source: Source, encoding: Encoding, formats: &[&[Column]]) -> Result<CsvFile> {
        let mut reader = CsvFile::pass(&source, encoding)
            .map_err(|e| Error::user(format!("{file}: cannot read: {e}"), format!("{file}：无法读取：{e}")))?;
        let headers = reader.headers().cloned();
        let header_line = reader.get_mut().line_of(0);
        let headers = headers.map_err(|e| pass_error(&file, &e, header_line))?;
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
        let mut last = header_line;
        let mut rec = csv::StringRecord::new();
        loop {
            match reader.read_record(&mut rec) {
                Ok(true) => {}
                Ok(false) => break,
                Err(e) => {
                    let line = reader.get_mut().line_of(e.position().map_or(0, csv::Position::byte));
                    return Err(pass_error(&file, &e, line));
                }
            }
            last = reader.get_mut().line_of(rec.position().map_or(0, csv::Position::byte));
            if !is_blank(&rec) {
                len += 1;
            }
        }
        // The csv reader lets a quote that is never closed swallow the rest of
        // the file into one field; refuse that instead of importing garble.
        if reader.get_ref().quotes.left_open() {
            return Err(Error::user(
                "malformed CSV: a quoted field is never closed (a '\"' is missing)",
                "CSV 格式错误：引号未闭合（缺少一个“\"”）",
            )
            .at(&file, last));
        }
        let sealed = reader.get_ref().seal();
        drop(reader);
        Ok(CsvFile {
            file,
            encoding,
            format,
            header_line,
            sheet: None,
            columns,
            unknown,
            source,
            sealed,
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

    /// The data rows, parsed one by one, read again from the file. The file
    /// was checked already; should it have changed since (a record that no
    /// longer parses, text of another length or checksum), the last item is
    /// the error that says so.
    pub fn rows(&self) -> impl Iterator<Item = Result<Row>> + '_ {
        let mut reader = CsvFile::pass(&self.source, self.encoding).map_err(|e| {
            let file = &self.file;
            Error::user(format!("{file}: cannot read: {e}"), format!("{file}：无法读取：{e}"))
        });
        let mut over = false;
        std::iter::from_fn(move || {
            if over {
                return None;
            }
            let r = match &mut reader {
                Ok(r) => r,
                Err(e) => {
                    over = true;
                    return Some(Err(std::mem::replace(e, Error::user("", ""))));
                }
            };
            loop {
                let mut fields = csv::StringRecord::new();
                match r.read_record(&mut fields) {
                    Ok(true) => {}
                    Ok(false) => {
                        over = true;
                        if r.get_ref().seal() != self.sealed {
                            return Some(Err(self.changed()));
                        }
                        return None;
                    }
                    Err(e) => {
                        over = true;
                        let e = match e.kind() {
                            csv::ErrorKind::Io(_) => pass_error(&self.file, &e, 0),
                            _ => self.changed(),
                        };
                        return Some(Err(e));
                    }
                }
                if is_blank(&fields) {
                    continue;
                }
                let line = r.get_mut().line_of(fields.position().map_or(0, csv::Position::byte));
                if !self.maps.is_empty() {
                    let mut cells: Vec<String> = fields.iter().map(str::to_string).collect();
                    for (i, f) in &self.maps {
                        if let Some(v) = cells.get_mut(*i).filter(|v| !v.trim().is_empty()) {
                            *v = f(v);
                        }
                    }
                    fields = csv::StringRecord::from(cells);
                }
                return Some(Ok(Row { line, fields }));
            }
        })
    }

    /// The file read while rows were loaded is not the file checked.
    fn changed(&self) -> Error {
        let file = &self.file;
        Error::user(
            format!("{file}: the file changed while it was being imported; nothing was imported, import it again"),
            format!("{file}：导入过程中文件被改动；未导入任何数据，请重新导入"),
        )
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
        let mut bad = BadRows::default();
        for (done, row) in self.rows().enumerate() {
            let row = row?;
            if let Err(e) = f(&row) {
                bad.push(e.at(&self.file, row.line));
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
        bad.into_result(&self.file)?;
        Ok(self.len)
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

/// A sheet's row as one line of CSV text (a line break inside a cell
/// becomes a space, so no cell spans two lines, and each row is on the line
/// of its row number: blank lines stand for the rows above the first and
/// for empty rows).
fn write_csv_row(out: &mut impl Write, cells: &[String]) -> std::io::Result<()> {
    for (i, cell) in cells.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let cell = cell.replace(['\r', '\n'], " ");
        if cell.contains([',', '"']) || cell.starts_with(char::is_whitespace) {
            write!(out, "\"{}\"", cell.replace('"', "\"\""))?;
        } else {
            out.write_all(cell.as_bytes())?;
        }
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLUMNS: &[Column] = &[Column { key: "a", names: &["a"], required: true }];

    fn lines(bytes: &[u8]) -> Vec<u64> {
        CsvFile::parse("f.csv", bytes, COLUMNS).unwrap().rows().map(|r| r.unwrap().line).collect()
    }

    #[test]
    fn the_first_format_whose_required_columns_are_all_there_is_used() {
        const VAT: &[Column] = &[
            Column { key: "amount", names: &["价税合计"], required: true },
            Column { key: "net", names: &["金额"], required: false },
        ];
        const PLAIN: &[Column] = &[Column { key: "amount", names: &["金额", "amount"], required: true }];
        let vat = CsvFile::parse_one_of("v.csv", "金额,价税合计\n100,113\n".as_bytes(), &[VAT, PLAIN]).unwrap();
        let row = vat.rows().next().unwrap().unwrap();
        assert_eq!((vat.format, vat.get(&row, "amount"), vat.get(&row, "net")), (0, Some("113"), Some("100")));
        let plain = CsvFile::parse_one_of("p.csv", "金额\n100\n".as_bytes(), &[VAT, PLAIN]).unwrap();
        let row = plain.rows().next().unwrap().unwrap();
        assert_eq!((plain.format, plain.get(&row, "amount")), (1, Some("100")));
        let e = CsvFile::parse_one_of("x.csv", b"total\n1\n", &[VAT, PLAIN]).err().unwrap().to_string();
        assert!(e.contains("x.csv:1: missing column 'amount'"), "{e}");
    }

    #[test]
    fn a_header_after_blank_lines_is_found_on_its_line() {
        let csv = CsvFile::parse("f.csv", b"\n\na,b\nx,y\n", COLUMNS).unwrap();
        assert_eq!((csv.header_line, csv.rows().map(|r| r.unwrap().line).collect::<Vec<_>>()), (3, vec![4]));
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
    fn a_workbook_is_read_from_its_first_sheet_with_a_header_with_row_n_on_line_n() {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let notes = wb.add_worksheet().set_name("Notes").unwrap();
        notes.write_string(0, 0, "exported 2026-11-22").unwrap();
        let data = wb.add_worksheet().set_name("Data").unwrap();
        data.write_string(1, 0, "a").unwrap();
        data.write_string(1, 1, "b").unwrap();
        data.write_string(2, 0, "x, y").unwrap();
        data.write_string(2, 1, "say \"hi\"\nthere").unwrap();
        data.write_string(4, 0, "z").unwrap();
        data.write_number(4, 3, 0.1 + 0.2).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let csv = CsvFile::parse("s.xlsx", &bytes, COLUMNS).unwrap();
        assert_eq!((csv.sheet.as_deref(), csv.header_line, csv.len()), (Some("Data"), 2, 2));
        let got: Vec<_> = csv
            .rows()
            .map(Result::unwrap)
            .map(|r| (r.line, r.fields.iter().map(str::to_string).collect::<Vec<_>>()))
            .collect();
        assert_eq!(
            got,
            [
                (3, vec!["x, y".to_string(), "say \"hi\" there".into()]),
                (5, vec!["z".into(), "".into(), "".into(), "0.3".into()])
            ]
        );
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

    /// Rows as (line, value of `a`), whatever their source.
    fn cells(csv: &CsvFile) -> Vec<(u64, Option<String>)> {
        csv.rows().map(Result::unwrap).map(|r| (r.line, csv.get(&r, "a").map(str::to_string))).collect()
    }

    /// A text of several reader chunks: every kind of line end, blank
    /// lines, and quoted fields holding line breaks and quotes.
    fn long_text() -> String {
        let mut text = String::from("a,b\r\n");
        let mut i = 0;
        while text.len() < 3 * CHUNK + 1000 {
            let end = ["\n", "\r\n", "\r"][i % 3];
            match i % 7 {
                0 => text.push_str(&format!("\"多行\r\n{i}\",x{end}")),
                1 => text.push_str(&format!("{end}{end}华{i},\"say \"\"hi\"\"\"{end}")),
                _ => text.push_str(&format!("{i},y{end}")),
            }
            i += 1;
        }
        text
    }

    #[test]
    fn a_file_is_read_in_passes_with_the_lines_and_cells_of_the_whole_text() {
        let dir = tempfile::tempdir().unwrap();
        let text = long_text();
        let whole = cells(&CsvFile::parse("f.csv", text.as_bytes(), COLUMNS).unwrap());
        assert!(whole.len() > 5000 && whole.last().unwrap().0 > whole.len() as u64, "{}", whole.len());
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        let mut bom = b"\xEF\xBB\xBF".to_vec();
        bom.extend_from_slice(text.as_bytes());
        for (name, bytes, encoding) in [
            ("utf8.csv", text.as_bytes().to_vec(), Encoding::Utf8),
            ("gbk.csv", gbk.to_vec(), Encoding::Gb18030),
            ("bom.csv", bom, Encoding::Utf8Bom),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, &bytes).unwrap();
            let csv = CsvFile::read(&p, COLUMNS, InputLimit::default()).unwrap();
            assert_eq!((csv.encoding, csv.len()), (encoding, whole.len()), "{name}");
            assert_eq!(cells(&csv), whole, "{name}");
            let e = CsvFile::read(&p, COLUMNS, InputLimit::bytes(bytes.len() as u64 - 1)).err().unwrap();
            assert!(e.to_string().contains("larger than the input limit"), "{name}: {e}");
        }
    }

    #[test]
    fn a_file_changed_after_its_check_is_refused_when_its_rows_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.csv");
        std::fs::write(&p, "a\n1\n2\n").unwrap();
        let csv = CsvFile::read(&p, COLUMNS, InputLimit::default()).unwrap();
        assert_eq!(csv.each_row(|_| Ok(())).unwrap(), 2);
        // The same length, another digit: only the checksum tells.
        std::fs::write(&p, "a\n1\n3\n").unwrap();
        let e = csv.each_row(|_| Ok(())).unwrap_err().to_string();
        assert!(e.contains("f.csv: the file changed while it was being imported"), "{e}");
        std::fs::write(&p, "a\n1\n\"2\n").unwrap();
        assert!(csv.each_row(|_| Ok(())).is_err(), "a quote left open now");
    }

    #[test]
    fn a_quote_left_open_far_into_a_file_is_refused_at_its_line() {
        let text = format!("{}\"never closed\n1\n", long_text());
        let lines = text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
        let e = CsvFile::parse("f.csv", text.as_bytes(), COLUMNS).err().unwrap().to_string();
        assert!(e.starts_with(&format!("f.csv:{}: malformed CSV: a quoted field is never closed", lines - 1)), "{e}");
    }

    #[test]
    fn bad_rows_beyond_fifty_are_counted_not_kept() {
        let text = format!("a\n{}", "x\n".repeat(1000));
        let csv = CsvFile::parse("f.csv", text.as_bytes(), COLUMNS).unwrap();
        let e = csv.each_row(|_| Err(Error::user("bad", "坏"))).unwrap_err().to_string();
        assert_eq!(e.lines().count(), 52, "{e}");
        assert!(e.ends_with("f.csv: … and 950 more\nf.csv: 1000 bad row(s); nothing was imported"), "{e}");
    }
}
