//! Rows of cells, whatever the container: delimited text read with the `csv`
//! crate (flexible: rows may be shorter or longer than the header), or a sheet
//! of a workbook. Cells are cleaned the same way everywhere: spaces, TABs,
//! U+3000 and BOMs trimmed, Excel's `="…"` text guard unwrapped.

use std::io::Read;

/// One row of a file and where it is: the 1-based line (text) or sheet row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    pub(crate) fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.is_empty())
    }

    pub(crate) fn cell(&self, i: usize) -> &str {
        self.cells.get(i).map(String::as_str).unwrap_or("")
    }
}

/// The rows of a file or sheet, plus blank lines the reader passed over
/// (they hold no row but are still lines of the file).
#[derive(Clone, Debug, Default)]
pub(crate) struct Grid {
    pub rows: Vec<Row>,
    pub blank_lines: usize,
    /// A workbook's number cells of more digits than a spreadsheet number
    /// keeps (see `xlsx::IMPRECISE_FROM`): (line, cell such as `B7`, the
    /// number as read).
    pub imprecise: Vec<(u64, String, String)>,
}

/// The delimiters tried when a profile does not fix one.
pub(crate) const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Trim a cell and unwrap `="…"` and stray surrounding quotes.
pub(crate) fn clean_cell(raw: &str) -> String {
    let trim = |s: &str| s.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}').to_string();
    let mut s = trim(raw);
    if let Some(inner) = s.strip_prefix("=\"").and_then(|r| r.strip_suffix('"')) {
        s = trim(&inner.replace("\"\"", "\""));
    } else if s.len() >= 2
        && let Some(inner) = s.strip_prefix('"').and_then(|r| r.strip_suffix('"'))
    {
        // A quoted cell the CSV reader saw as unquoted (padding before the quote).
        s = trim(&inner.replace("\"\"", "\""));
    }
    s
}

/// Split a line on any likely delimiter, for quick looks (encoding detection).
pub(crate) fn split_any(line: &str) -> impl Iterator<Item = &str> {
    line.split([',', ';', '\t', '|'])
}

#[cfg(test)]
/// Excel's `="0123"` guard keeps a number as text; drop the `=` where such a
/// cell starts a field so the CSV reader sees an ordinary quoted field (and a
/// delimiter inside it stays inside).
pub(crate) fn unwrap_formula_quotes(text: &str, delim: u8) -> std::borrow::Cow<'_, str> {
    if !text.contains("=\"") {
        return std::borrow::Cow::Borrowed(text);
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut in_quotes = false;
    let mut field_start = true;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if in_quotes {
            if b == b'"' {
                if bytes.get(i + 1) == Some(&b'"') {
                    out.extend_from_slice(b"\"\"");
                    i += 2;
                    continue;
                }
                in_quotes = false;
            }
            out.push(b);
        } else if field_start && b == b'=' && bytes.get(i + 1) == Some(&b'"') {
            // Dropped; the quote that follows opens the field.
            i += 1;
            continue;
        } else {
            if field_start && b == b'"' {
                in_quotes = true;
            }
            out.push(b);
            field_start = b == delim || b == b'\n' || b == b'\r';
            i += 1;
            continue;
        }
        field_start = false;
        i += 1;
    }
    // Only ASCII bytes were removed, so the text is still UTF-8.
    String::from_utf8(out).map(std::borrow::Cow::Owned).unwrap_or(std::borrow::Cow::Borrowed(text))
}

#[cfg(test)]
/// Read delimited text into rows. `limit`: stop after that many rows.
pub(crate) fn parse_text(text: &str, delim: u8, limit: Option<usize>) -> Grid {
    let text = unwrap_formula_quotes(text, delim);
    let mut rows = TextRows::new(text.as_bytes(), delim);
    let mut grid = Grid::default();
    for row in rows.by_ref() {
        if limit.is_some_and(|n| grid.rows.len() >= n) {
            return grid;
        }
        grid.rows.push(row);
    }
    grid.blank_lines = rows.blank_lines();
    grid
}

/// The rows of delimited text (its `="…"` guards already unwrapped), read
/// one at a time from `R` as the `csv` reader takes it: a file is read
/// again for each pass instead of being held as text or rows.
///
/// Line numbers are counted from the bytes between records: the `csv`
/// reader skips empty lines without a record, and a quoted cell may span
/// several lines. The bytes the reader has taken are kept from the end of
/// the last row's content (its line breaks are counted with the next row,
/// when the byte after a CR is known) to where the reader has read.
pub(crate) struct TextRows<R: Read> {
    reader: csv::Reader<Taken<R>>,
    record: csv::ByteRecord,
    /// Where the last record ended (its line break included).
    prev_end: u64,
    /// Line ends counted so far: those before `counted`, the end of the
    /// last row's content.
    ends: u64,
    counted: u64,
    /// Lines the rows so far spanned (a row with a quoted line break spans
    /// more than one).
    spanned: usize,
    failed: Option<std::io::Error>,
}

/// The bytes a reader hands out, kept from `base` until dropped.
struct Taken<R> {
    inner: R,
    kept: Vec<u8>,
    /// The offset in the text of `kept[0]`.
    base: u64,
    /// The last byte read.
    last: Option<u8>,
}

impl<R: Read> Read for Taken<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let got = buf.get(..n).unwrap_or(&[]);
        self.kept.extend_from_slice(got);
        if let Some(b) = got.last() {
            self.last = Some(*b);
        }
        Ok(n)
    }
}

impl<R> Taken<R> {
    /// Where text offset `at` is in `kept`.
    fn at(&self, at: u64) -> usize {
        usize::try_from(at.saturating_sub(self.base)).unwrap_or(usize::MAX).min(self.kept.len())
    }

    /// The bytes before text offset `at` are no longer needed.
    fn drop_before(&mut self, at: u64) {
        let n = self.at(at);
        // Dropped in runs, so that the bytes kept are not moved for every row.
        if n >= 1 << 16 {
            self.kept.drain(..n);
            self.base += n as u64;
        }
    }
}

fn is_break(b: &u8) -> bool {
    *b == b'\n' || *b == b'\r'
}

impl<R: Read> TextRows<R> {
    pub(crate) fn new(text: R, delim: u8) -> TextRows<R> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .double_quote(true)
            .from_reader(Taken { inner: text, kept: Vec::new(), base: 0, last: None });
        TextRows { reader, record: csv::ByteRecord::new(), prev_end: 0, ends: 0, counted: 0, spanned: 0, failed: None }
    }

    /// Once every row has been read: the lines that held no row (blank
    /// lines are still lines of the file).
    pub(crate) fn blank_lines(&self) -> usize {
        let taken = self.reader.get_ref();
        let rest = taken.kept.get(taken.at(self.counted)..).unwrap_or(&[]);
        let ends = self.ends + line_ends(rest, 0..rest.len()) as u64;
        let total_lines = ends + u64::from(taken.last.is_some_and(|b| !is_break(&b)));
        usize::try_from(total_lines).unwrap_or(usize::MAX).saturating_sub(self.spanned)
    }

    /// Why the text could not be read to its end, if it could not (the
    /// rows stop there).
    pub(crate) fn failure(&self) -> Option<&std::io::Error> {
        self.failed.as_ref()
    }
}

impl<R: Read> Iterator for TextRows<R> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        if self.failed.is_some() {
            return None;
        }
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                // With `flexible` and byte records, only reading can fail.
                self.failed = Some(match e.into_kind() {
                    csv::ErrorKind::Io(io) => io,
                    other => std::io::Error::other(format!("{other:?}")),
                });
                return None;
            }
        }
        let end = self.reader.position().byte();
        let taken = self.reader.get_mut();
        let (from, to) = (taken.at(self.prev_end), taken.at(end));
        let seg = taken.kept.get(from..to).unwrap_or(&[]);
        let start = seg.iter().position(|b| !is_break(b)).unwrap_or(seg.len());
        let content = seg.get(start..).unwrap_or(&[]);
        let body_len = content.len() - content.iter().rev().take_while(|b| is_break(b)).count();
        let (content_at, body_end) = (from + start, from + start + body_len);
        // The line breaks since the last row's content: its own, and the
        // blank lines before this one.
        let before = line_ends(&taken.kept, taken.at(self.counted)..content_at) as u64;
        let within = line_ends(&taken.kept, content_at..body_end);
        let line = 1 + self.ends + before;
        self.ends += before + within as u64;
        self.spanned += 1 + within;
        self.counted = self.prev_end + (start + body_len) as u64;
        self.prev_end = end;
        let cells = self.record.iter().map(|f| clean_cell(&String::from_utf8_lossy(f))).collect();
        taken.drop_before(self.counted);
        Some(Row { line, cells })
    }
}

/// Line ends in `bytes[range]`: LF, CRLF (counted at its LF) and a lone CR
/// (classic Mac files), the three the `csv` reader ends records on.
fn line_ends(bytes: &[u8], range: std::ops::Range<usize>) -> usize {
    // Most spans hold no line end at all (a long cell): `contains` on bytes
    // is a memchr, fast even in a debug build.
    let seg = bytes.get(range.start.min(bytes.len())..range.end.min(bytes.len())).unwrap_or(&[]);
    if !seg.contains(&b'\n') && !seg.contains(&b'\r') {
        return 0;
    }
    range
        .filter(|&i| match bytes.get(i) {
            Some(b'\n') => true,
            Some(b'\r') => bytes.get(i + 1) != Some(&b'\n'),
            _ => false,
        })
        .count()
}

/// For files without a header: the delimiter whose rows most often have the
/// same number (above one) of fields.
/// `head(d)`: the first 40 rows read with delimiter `d`.
pub(crate) fn sniff_delimiter(head: impl Fn(u8) -> Vec<Row>) -> u8 {
    let mut best = ((0usize, 0usize), b',');
    for d in DELIMITERS {
        let rows = head(d);
        let mut counts: Vec<usize> = rows.iter().map(|r| r.cells.len()).filter(|n| *n > 1).collect();
        counts.sort_unstable();
        // (rows sharing the most common field count, that count)
        let mut mode = (0, 0);
        for n in counts.iter() {
            let same = counts.iter().filter(|m| *m == n).count();
            mode = mode.max((same, *n));
        }
        if mode > best.0 {
            best = (mode, d);
        }
    }
    best.1
}

/// Normalise a header cell or a synonym for comparison: trimmed, full-width
/// forms made half-width, lower case, no whitespace, no trailing colon.
pub(crate) fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        };
        if c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}' || c == '"' {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with(':') {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of a text held whole, line numbers counted over the whole
    /// text: how rows were read before they were read from a stream, kept as
    /// the reference [`TextRows`] is held to.
    fn held(text: &str, delim: u8) -> Grid {
        let bytes = text.as_bytes();
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .double_quote(true)
            .from_reader(bytes);
        let mut grid = Grid::default();
        let mut record = csv::ByteRecord::new();
        let (mut prev_end, mut line_at, mut spanned) = (0usize, 1u64, 0usize);
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let end = usize::try_from(reader.position().byte()).unwrap().clamp(prev_end, bytes.len());
            let seg = &bytes[prev_end..end];
            let start = seg.iter().position(|b| *b != b'\n' && *b != b'\r').unwrap_or(seg.len());
            let line = line_at + line_ends(bytes, prev_end..prev_end + start) as u64;
            let content = &seg[start..];
            let body_len = content.len() - content.iter().rev().take_while(|b| **b == b'\n' || **b == b'\r').count();
            spanned += 1 + line_ends(bytes, prev_end + start..prev_end + start + body_len);
            line_at += line_ends(bytes, prev_end..end) as u64;
            prev_end = end;
            let cells = record.iter().map(|f| clean_cell(&String::from_utf8_lossy(f))).collect();
            grid.rows.push(Row { line, cells });
        }
        let total_lines =
            line_ends(bytes, 0..bytes.len()) + usize::from(bytes.last().is_some_and(|b| !b"\r\n".contains(b)));
        grid.blank_lines = total_lines.saturating_sub(spanned);
        grid
    }

    /// Hands out its text a few bytes at a time, as a file or a decoder may.
    struct Dribble<'a> {
        text: &'a [u8],
        sizes: Vec<usize>,
        at: usize,
    }

    impl Read for Dribble<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let size = self.sizes.get(self.at % self.sizes.len().max(1)).copied().unwrap_or(1).max(1);
            self.at += 1;
            let n = size.min(buf.len()).min(self.text.len());
            buf[..n].copy_from_slice(&self.text[..n]);
            self.text = &self.text[n..];
            Ok(n)
        }
    }

    fn streamed(text: &str, delim: u8, sizes: Vec<usize>) -> Grid {
        let mut rows = TextRows::new(Dribble { text: text.as_bytes(), sizes, at: 0 }, delim);
        let mut grid = Grid { rows: rows.by_ref().collect(), ..Grid::default() };
        grid.blank_lines = rows.blank_lines();
        grid
    }

    proptest::proptest! {
        #[test]
        fn rows_read_from_a_stream_are_the_rows_of_the_whole_text(
            parts in proptest::collection::vec(
                proptest::sample::select(vec!["a", "bc", ",", ";", "\"", "\n", "\r", "\r\n", " ", "é", "\"\"", "\n\n"]),
                0..80,
            ),
            sizes in proptest::collection::vec(1usize..9, 1..5),
            semicolon in proptest::bool::ANY,
        ) {
            let text: String = parts.concat();
            let delim = if semicolon { b';' } else { b',' };
            let whole = held(&text, delim);
            let got = streamed(&text, delim, sizes);
            proptest::prop_assert_eq!(&got.rows, &whole.rows);
            proptest::prop_assert_eq!(got.blank_lines, whole.blank_lines);
        }
    }

    #[test]
    fn a_long_text_is_read_the_same_past_the_bytes_dropped() {
        let line = "2026-01-02,\"多行\r\n备注\",1.00\r\n\r\n\rx,y\n";
        let text = line.repeat(3 * (1 << 16) / line.len());
        let whole = held(&text, b',');
        for sizes in [vec![1 << 16], vec![7, 4093, 1], vec![100_000]] {
            let got = streamed(&text, b',', sizes);
            assert_eq!(got.rows, whole.rows);
            assert_eq!(got.blank_lines, whole.blank_lines);
        }
    }

    fn cells(g: &Grid) -> Vec<(u64, Vec<&str>)> {
        g.rows.iter().map(|r| (r.line, r.cells.iter().map(String::as_str).collect())).collect()
    }

    #[test]
    fn cells_are_trimmed_of_every_kind_of_padding() {
        assert_eq!(clean_cell(" \t\u{3000}消费\u{3000}\t "), "消费");
        assert_eq!(clean_cell("=\"0123\""), "0123");
        assert_eq!(clean_cell(" \"quoted\" "), "quoted");
        assert_eq!(clean_cell("\""), "\"");
    }

    #[test]
    fn tab_after_a_closing_quote_and_quoted_tabs() {
        let g = parse_text("a,\"4200\"\t,\"x\t\"\n", b',', None);
        assert_eq!(cells(&g), [(1, vec!["a", "4200", "x"])]);
    }

    #[test]
    fn formula_guarded_cells_keep_their_delimiters() {
        let g = parse_text("=\"1,234.00\",=\"0012\",b\n", b',', None);
        assert_eq!(cells(&g), [(1, vec!["1,234.00", "0012", "b"])]);
        let g = parse_text("x\t=\"a\"\"b\"\t=\"0012\"\n", b'\t', None);
        assert_eq!(cells(&g), [(1, vec!["x", "a\"b", "0012"])]);
    }

    #[test]
    fn lines_are_counted_across_blank_lines_and_crlf() {
        let g = parse_text("a\r\n\r\nb,c\r\n\"multi\nline\",d\r\n\r\ne\r\n\r\n", b',', None);
        assert_eq!(cells(&g), [(1, vec!["a"]), (3, vec!["b", "c"]), (4, vec!["multi\nline", "d"]), (7, vec!["e"])]);
        assert_eq!(g.blank_lines, 3);
        let g = parse_text("a\n\nb", b',', None);
        assert_eq!(g.blank_lines, 1);
        // Lone CRs end lines too (tests/fixtures/fuzz/bank_reader/cr-line-ends);
        // every row was line 1.
        let g = parse_text("a\r\rb,c\r\"multi\rline\",d\r\re\r", b',', None);
        assert_eq!(cells(&g), [(1, vec!["a"]), (3, vec!["b", "c"]), (4, vec!["multi\rline", "d"]), (7, vec!["e"])]);
        assert_eq!(g.blank_lines, 2);
        let g = parse_text("a\r\nb\rc\n", b',', None);
        assert_eq!(cells(&g), [(1, vec!["a"]), (2, vec!["b"]), (3, vec!["c"])]);
    }

    #[test]
    fn ragged_rows_are_kept() {
        let g = parse_text("a,b,c\n1\n1,2,3,4,\n", b',', None);
        assert_eq!(cells(&g), [(1, vec!["a", "b", "c"]), (2, vec!["1"]), (3, vec!["1", "2", "3", "4", ""])]);
    }

    #[test]
    fn delimiter_is_sniffed_for_headerless_files() {
        let sniff = |text: &str| sniff_delimiter(|d| parse_text(text, d, Some(40)).rows);
        assert_eq!(sniff("01.02.2020;a;1,00\n02.02.2020;b;2,00\n"), b';');
        assert_eq!(sniff("2020-01-02\tx\t5\n2020-01-03\ty\t6\n"), b'\t');
        assert_eq!(sniff("2020-01-02,x,5\n2020-01-03,y,6\n"), b',');
    }
}
