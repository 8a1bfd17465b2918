//! Rows of cells, whatever the container: delimited text read with the `csv`
//! crate (flexible: rows may be shorter or longer than the header), or a sheet
//! of a workbook. Cells are cleaned the same way everywhere: spaces, TABs,
//! U+3000 and BOMs trimmed, Excel's `="…"` text guard unwrapped.

use std::borrow::Cow;

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

/// Excel's `="0123"` guard keeps a number as text; drop the `=` where such a
/// cell starts a field so the CSV reader sees an ordinary quoted field (and a
/// delimiter inside it stays inside).
fn unwrap_formula_quotes(text: &str, delim: u8) -> Cow<'_, str> {
    if !text.contains("=\"") {
        return Cow::Borrowed(text);
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
    String::from_utf8(out).map(Cow::Owned).unwrap_or(Cow::Borrowed(text))
}

/// Read delimited text into rows. `limit`: stop after that many rows.
pub(crate) fn parse_text(text: &str, delim: u8, limit: Option<usize>) -> Grid {
    let text = unwrap_formula_quotes(text, delim);
    let mut rows = TextRows::new(&text, delim);
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

/// Delimited text as it will be read: Excel's `="…"` guards unwrapped for
/// that delimiter (borrowed when the text has none).
pub(crate) fn prepare_text(text: &str, delim: u8) -> Cow<'_, str> {
    unwrap_formula_quotes(text, delim)
}

/// The rows of delimited text (already [`prepare_text`]ed), one at a time:
/// a file is read again for each pass instead of being held as rows.
///
/// Line numbers are counted from byte offsets: the `csv` reader skips empty
/// lines without a record, and a quoted cell may span several lines.
pub(crate) struct TextRows<'a> {
    bytes: &'a [u8],
    reader: csv::Reader<&'a [u8]>,
    record: csv::ByteRecord,
    prev_end: usize,
    line_at: u64,
    /// Lines the rows so far spanned (a row with a quoted line break spans
    /// more than one).
    spanned: usize,
}

impl<'a> TextRows<'a> {
    pub(crate) fn new(text: &'a str, delim: u8) -> TextRows<'a> {
        let bytes = text.as_bytes();
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delim)
            .double_quote(true)
            .from_reader(bytes);
        TextRows { bytes, reader, record: csv::ByteRecord::new(), prev_end: 0, line_at: 1, spanned: 0 }
    }

    /// Once every row has been read: the lines that held no row (blank
    /// lines are still lines of the file).
    pub(crate) fn blank_lines(&self) -> usize {
        let bytes = self.bytes;
        let total_lines =
            line_ends(bytes, 0..bytes.len()) + usize::from(bytes.last().is_some_and(|b| !b"\r\n".contains(b)));
        total_lines.saturating_sub(self.spanned)
    }
}

impl Iterator for TextRows<'_> {
    type Item = Row;

    fn next(&mut self) -> Option<Row> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            // With `flexible` and byte records the reader has no other errors
            // than I/O, which reading from memory cannot have.
            Ok(false) | Err(_) => return None,
        }
        let bytes = self.bytes;
        let prev_end = self.prev_end;
        let end = usize::try_from(self.reader.position().byte()).unwrap_or(bytes.len()).clamp(prev_end, bytes.len());
        let seg = bytes.get(prev_end..end).unwrap_or(&[]);
        let start = seg.iter().position(|b| *b != b'\n' && *b != b'\r').unwrap_or(seg.len());
        let line = self.line_at + line_ends(bytes, prev_end..prev_end + start) as u64;
        let content = seg.get(start..).unwrap_or(&[]);
        let body_len = content.len() - content.iter().rev().take_while(|b| **b == b'\n' || **b == b'\r').count();
        self.spanned += 1 + line_ends(bytes, prev_end + start..prev_end + start + body_len);
        self.line_at += line_ends(bytes, prev_end..end) as u64;
        self.prev_end = end;
        let cells = self.record.iter().map(|f| clean_cell(&String::from_utf8_lossy(f))).collect();
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
pub(crate) fn sniff_delimiter(text: &str) -> u8 {
    let mut best = ((0usize, 0usize), b',');
    for d in DELIMITERS {
        let grid = parse_text(text, d, Some(40));
        let mut counts: Vec<usize> = grid.rows.iter().map(|r| r.cells.len()).filter(|n| *n > 1).collect();
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
        assert_eq!(sniff_delimiter("01.02.2020;a;1,00\n02.02.2020;b;2,00\n"), b';');
        assert_eq!(sniff_delimiter("2020-01-02\tx\t5\n2020-01-03\ty\t6\n"), b'\t');
        assert_eq!(sniff_delimiter("2020-01-02,x,5\n2020-01-03,y,6\n"), b',');
    }
}
