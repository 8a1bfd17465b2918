//! A budget an XLSX workbook must fit before calamine reads it.
//!
//! calamine trusts what a workbook says: it allocates the rectangle its
//! cells span (one cell at `A1` and one at `XFD1048576` make 17 billion
//! cells, 512 GB), reserves as many shared strings as `uniqueCount` claims,
//! copies a shared string into every cell that names it, and holds each XML
//! tag and text run whole. So the workbook (a zip of XML parts) is first
//! scanned here, streaming, in constant memory, and refused when it is
//! beyond the budget below. The budget keeps what calamine and the grid
//! built from it hold to about 200 MB (a cell costs 32 bytes in calamine's
//! range and 24 in the grid; a sheet of 65,536 rows of 32 numbers, the
//! whole cell budget, peaks at 195 MiB), and is far beyond any statement a
//! bank exports (65,536 rows of 32 columns, or a million rows of two).
//!
//! | what                                                         | at most       |
//! |--------------------------------------------------------------|---------------|
//! | cells in the rectangles the sheets' cells span, all sheets   | 2,097,152     |
//! | cells a sheet's `<dimension>` declares                       | 2,097,152     |
//! | shared strings (`<si>`, and `count`/`uniqueCount` declared)  | 2,097,152     |
//! | text of the shared strings                                   | 32 MiB        |
//! | text the cells hold (a shared string counted at every use)   | 32 MiB        |
//! | one XML part, uncompressed (declared, and as actually read)  | 256 MiB       |
//! | all XML parts, uncompressed                                  | 512 MiB       |
//! | entries in the zip                                           | 10,000        |
//! | XML nesting depth                                            | 256           |
//! | one tag, or one run of text between tags                     | 1 MiB         |
//!
//! A zip that cannot be opened is let through: calamine refuses it with its
//! own message.
//!
//! The customer, invoice and payment imports do not hold a sheet: they read
//! its cells one at a time ([`super::xlsx::stream_sheets`]), so their budget,
//! [`Limits::STREAMED`], leaves the cells' text and the parts' sizes free
//! (what the scan and the reading cost is time, not memory) and counts a
//! sheet's span from column A (each row is written out as wide as its last
//! cell): at most 2^26 cells, a full sheet of 1,048,576 rows by 64 columns.
//! What calamine holds whole, the shared strings, keeps its budget.

use std::io::{BufRead, BufReader, Cursor, Read, Seek};

const MAX_CELLS: u64 = 1 << 21;
const MAX_STRINGS: u64 = 1 << 21;
const MAX_STRING_TEXT: u64 = 32 << 20;
const MAX_CELL_TEXT: u64 = 32 << 20;
const MAX_PART: u64 = 256 << 20;
const MAX_TOTAL: u64 = 512 << 20;
const MAX_ENTRIES: usize = 10_000;
const MAX_DEPTH: usize = 256;
const MAX_RUN: usize = 1 << 20;

/// What a workbook may hold, by how it is read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Cells in the rectangles the sheets' cells span, all sheets.
    cells: u64,
    /// Text the cells hold, a shared string counted at every use.
    cell_text: u64,
    /// One XML part, and all of them, uncompressed.
    part: u64,
    total: u64,
    /// Whether a sheet's span is counted from column A.
    from_column_a: bool,
}

impl Limits {
    /// For a workbook read whole (a bank statement).
    pub(crate) const HELD: Limits =
        Limits { cells: MAX_CELLS, cell_text: MAX_CELL_TEXT, part: MAX_PART, total: MAX_TOTAL, from_column_a: false };
    /// For a workbook whose cells are read one at a time (the imports).
    pub(crate) const STREAMED: Limits =
        Limits { cells: 1 << 26, cell_text: u64::MAX, part: 4 << 30, total: 8 << 30, from_column_a: true };
}

/// Why a workbook is over budget, in English and Chinese.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct OverBudget {
    pub en: String,
    pub zh: String,
}

fn over(en: String, zh: String) -> OverBudget {
    OverBudget { en, zh }
}

/// Check an XLSX workbook to be read whole against the budget.
pub(crate) fn check_xlsx(bytes: &[u8]) -> Result<(), OverBudget> {
    check_xlsx_with(Cursor::new(bytes), Limits::HELD)
}

/// Check an XLSX workbook against `limits`.
pub(crate) fn check_xlsx_with(reader: impl Read + Seek, limits: Limits) -> Result<(), OverBudget> {
    let Ok(mut zip) = zip::ZipArchive::new(reader) else { return Ok(()) };
    if zip.len() > MAX_ENTRIES {
        return Err(over(
            format!("the zip holds {} entries (at most {MAX_ENTRIES})", zip.len()),
            format!("压缩包含 {} 个条目（上限 {MAX_ENTRIES}）", zip.len()),
        ));
    }
    let mut parts: Vec<(usize, String, u64)> = Vec::new();
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(f) = zip.by_index_raw(i) else { continue };
        let Ok(name) = f.name().map(|n| n.to_string()) else { continue };
        let lower = name.to_ascii_lowercase();
        if !(lower.ends_with(".xml") || lower.ends_with(".rels") || lower.ends_with(".vml")) {
            continue;
        }
        let size = f.size();
        if size > limits.part {
            return Err(part_too_large(&name, limits));
        }
        total = total.saturating_add(size);
        if total > limits.total {
            return Err(over(
                format!("its XML parts expand to more than {} MiB", limits.total >> 20),
                format!("其 XML 部件解压后超过 {} MiB", limits.total >> 20),
            ));
        }
        parts.push((i, name, size));
    }
    // The shared strings first: the sheets' cells are charged their lengths.
    parts.sort_by_key(|(_, name, _)| !name.to_ascii_lowercase().ends_with("sharedstrings.xml"));
    let mut scan = Scan { limits, strings: Vec::new(), string_text: 0, cell_text: 0, cells: 0 };
    for (i, name, size) in parts {
        let Ok(f) = zip.by_index(i) else { continue };
        scan.part(&name, f, size)?;
    }
    Ok(())
}

fn part_too_large(name: &str, limits: Limits) -> OverBudget {
    over(
        format!("part {name} expands to more than {} MiB", limits.part >> 20),
        format!("部件 {name} 解压后超过 {} MiB", limits.part >> 20),
    )
}

fn cells_over(n: u64, limits: Limits) -> OverBudget {
    let max = limits.cells;
    over(format!("its sheets span {n} cells (at most {max})"), format!("其工作表跨越 {n} 个单元格（上限 {max}）"))
}

/// What the scan has seen so far, over every part.
struct Scan {
    limits: Limits,
    /// The length of each shared string.
    strings: Vec<u64>,
    string_text: u64,
    cell_text: u64,
    /// Cells of the sheets' spans so far.
    cells: u64,
}

/// Where the tokenizer is.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Text,
    Tag,
}

/// The state of one part: the element path and the sheet's positions.
#[derive(Default)]
struct Part {
    depth: usize,
    in_si: bool,
    si_len: u64,
    /// 0-based, as calamine counts them.
    row: u64,
    col: u64,
    /// Inside a `<c>`: whether it names a shared string.
    in_cell: Option<bool>,
    in_v: bool,
    /// (min row, min col, max row, max col) of the sheet's cells.
    span: Option<(u64, u64, u64, u64)>,
}

impl Scan {
    /// Tokenise one XML part, as many bytes as it really holds up to its
    /// declared size (a part that holds more is refused: calamine would read
    /// it all).
    fn part(&mut self, name: &str, f: impl Read, declared: u64) -> Result<(), OverBudget> {
        let mut input = BufReader::with_capacity(64 * 1024, f.take(declared.saturating_add(1)));
        let mut read = 0u64;
        let mut p = Part::default();
        let mut state = State::Text;
        let mut tag: Vec<u8> = Vec::new();
        let mut text_len = 0usize;
        let mut text: Vec<u8> = Vec::new();
        let mut quote: Option<u8> = None;
        loop {
            let chunk = match input.fill_buf() {
                Ok([]) => break,
                Ok(c) => c,
                // A damaged stream: calamine stops at the same place.
                Err(_) => break,
            };
            let n = chunk.len();
            read += n as u64;
            if read > declared {
                return Err(over(
                    format!("part {name} holds more than the {declared} bytes it declares"),
                    format!("部件 {name} 的内容超过其声明的 {declared} 字节"),
                ));
            }
            let mut at = 0;
            while at < n {
                match state {
                    State::Text => {
                        let rest = &chunk[at..];
                        let end = rest.iter().position(|b| *b == b'<').unwrap_or(rest.len());
                        text_len += end;
                        if text.len() < 32 {
                            text.extend(rest[..end].iter().take(32 - text.len()));
                        }
                        if text_len > MAX_RUN {
                            return Err(run_too_long(name));
                        }
                        at += end;
                        if at < n {
                            self.text(&mut p, text_len as u64, &text)?;
                            text_len = 0;
                            text.clear();
                            state = State::Tag;
                            quote = None;
                            at += 1;
                        }
                    }
                    State::Tag => {
                        let b = chunk[at];
                        at += 1;
                        if tag.len() >= MAX_RUN {
                            return Err(run_too_long(name));
                        }
                        let special = tag.first().is_some_and(|c| *c == b'!' || *c == b'?');
                        match quote {
                            Some(q) if b == q => quote = None,
                            Some(_) => {}
                            None if !special && (b == b'"' || b == b'\'') => quote = Some(b),
                            None if b == b'>' && tag_complete(&tag) => {
                                self.tag(&mut p, &tag, name)?;
                                tag.clear();
                                state = State::Text;
                                continue;
                            }
                            None => {}
                        }
                        tag.push(b);
                    }
                }
            }
            input.consume(n);
        }
        self.end_part(&p)
    }

    fn text(&mut self, p: &mut Part, len: u64, text: &[u8]) -> Result<(), OverBudget> {
        if p.in_si {
            p.si_len = p.si_len.saturating_add(len);
        }
        if let Some(shared) = p.in_cell {
            let mut charge = len;
            if shared && p.in_v {
                let index = std::str::from_utf8(text).ok().and_then(|t| t.trim().parse::<usize>().ok());
                charge = index.and_then(|i| self.strings.get(i)).copied().unwrap_or(0);
            }
            self.cell_text = self.cell_text.saturating_add(charge);
            if self.cell_text > self.limits.cell_text {
                return Err(over(
                    format!("its cells hold more than {} MiB of text", self.limits.cell_text >> 20),
                    format!("其单元格文本超过 {} MiB", self.limits.cell_text >> 20),
                ));
            }
        }
        Ok(())
    }

    fn tag(&mut self, p: &mut Part, tag: &[u8], part: &str) -> Result<(), OverBudget> {
        match tag.first() {
            // CDATA is text (of a cell, say) too.
            Some(b'!') if tag.starts_with(b"![CDATA[") => {
                let inner = &tag[8..tag.len().saturating_sub(2).max(8)];
                return self.text(p, inner.len() as u64, &inner[..inner.len().min(32)]);
            }
            Some(b'!' | b'?') | None => return Ok(()),
            Some(b'/') => {
                p.depth = p.depth.saturating_sub(1);
                match local_name(&tag[1..]) {
                    b"si" if p.in_si => self.end_string(p)?,
                    b"row" => {
                        p.row = p.row.saturating_add(1);
                        p.col = 0;
                    }
                    b"c" => p.in_cell = None,
                    b"v" => p.in_v = false,
                    _ => {}
                }
                return Ok(());
            }
            _ => {}
        }
        let empty = tag.ends_with(b"/");
        let tag = if empty { &tag[..tag.len() - 1] } else { tag };
        if !empty {
            p.depth += 1;
            if p.depth > MAX_DEPTH {
                return Err(over(
                    format!("part {part} nests elements more than {MAX_DEPTH} deep"),
                    format!("部件 {part} 的元素嵌套超过 {MAX_DEPTH} 层"),
                ));
            }
        }
        match local_name(tag) {
            b"sst" => {
                for key in [&b"count"[..], b"uniqueCount"] {
                    let n = attr(tag, key).and_then(number).unwrap_or(0);
                    if n > MAX_STRINGS {
                        return Err(too_many_strings(n));
                    }
                }
            }
            b"si" => {
                p.in_si = true;
                p.si_len = 0;
                if empty {
                    self.end_string(p)?;
                }
            }
            b"dimension" => {
                if let Some((r0, c0, r1, c1)) = attr(tag, b"ref").and_then(range) {
                    let n = self.area(r0, c0, r1, c1);
                    let max = self.limits.cells;
                    if n > max {
                        return Err(over(
                            format!("a sheet declares {n} cells (at most {max})"),
                            format!("某工作表声明了 {n} 个单元格（上限 {max}）"),
                        ));
                    }
                }
            }
            // calamine reads only a row or cell that opens (`<row/>`, `<c/>` hold nothing).
            b"row" if !empty => {
                if let Some(r) = attr(tag, b"r").and_then(number) {
                    p.row = r.saturating_sub(1);
                }
            }
            b"c" if !empty => {
                let (row, col) = attr(tag, b"r").and_then(cell).unwrap_or((p.row, p.col));
                p.col = col.saturating_add(1);
                p.in_cell = Some(attr(tag, b"t") == Some(b"s"));
                let s = p.span.get_or_insert((row, col, row, col));
                *s = (s.0.min(row), s.1.min(col), s.2.max(row), s.3.max(col));
                let cells = self.cells.saturating_add(self.area(s.0, s.1, s.2, s.3));
                if cells > self.limits.cells {
                    return Err(cells_over(cells, self.limits));
                }
            }
            b"v" if !empty => p.in_v = true,
            // calamine sizes its table of shared formulas by the largest `si`.
            b"f" if attr(tag, b"si").and_then(number).is_some_and(|n| n > MAX_CELLS) => {
                let n = attr(tag, b"si").and_then(number).unwrap_or(0);
                return Err(over(
                    format!("a shared formula is numbered {n} (at most {MAX_CELLS})"),
                    format!("某共享公式编号为 {n}（上限 {MAX_CELLS}）"),
                ));
            }
            _ => {}
        }
        Ok(())
    }

    fn end_string(&mut self, p: &mut Part) -> Result<(), OverBudget> {
        p.in_si = false;
        self.strings.push(p.si_len);
        self.string_text = self.string_text.saturating_add(p.si_len);
        if self.strings.len() as u64 > MAX_STRINGS {
            return Err(too_many_strings(self.strings.len() as u64));
        }
        if self.string_text > MAX_STRING_TEXT {
            return Err(over(
                format!("its shared strings hold more than {} MiB of text", MAX_STRING_TEXT >> 20),
                format!("其共享字符串超过 {} MiB", MAX_STRING_TEXT >> 20),
            ));
        }
        Ok(())
    }

    fn end_part(&mut self, p: &Part) -> Result<(), OverBudget> {
        if let Some((r0, c0, r1, c1)) = p.span {
            self.cells = self.cells.saturating_add(self.area(r0, c0, r1, c1));
            if self.cells > self.limits.cells {
                return Err(cells_over(self.cells, self.limits));
            }
        }
        Ok(())
    }

    /// The cells of a span, as these limits count them.
    fn area(&self, r0: u64, c0: u64, r1: u64, c1: u64) -> u64 {
        if self.limits.from_column_a { area(r0, 0, r1, c0.max(c1)) } else { area(r0, c0, r1, c1) }
    }
}

fn too_many_strings(n: u64) -> OverBudget {
    over(
        format!("it declares {n} shared strings (at most {MAX_STRINGS})"),
        format!("其声明了 {n} 个共享字符串（上限 {MAX_STRINGS}）"),
    )
}

fn run_too_long(part: &str) -> OverBudget {
    over(
        format!("part {part} holds a tag or text longer than {} MiB", MAX_RUN >> 20),
        format!("部件 {part} 中有超过 {} MiB 的标签或文本", MAX_RUN >> 20),
    )
}

/// Whether a tag's bytes so far (after `<`) end it at the next `>`:
/// comments end with `--`, CDATA sections with `]]`.
fn tag_complete(tag: &[u8]) -> bool {
    if tag.starts_with(b"!--") {
        tag.len() >= 5 && tag.ends_with(b"--")
    } else if tag.starts_with(b"![CDATA[") {
        tag.ends_with(b"]]")
    } else {
        true
    }
}

/// The element's name without its namespace prefix.
fn local_name(tag: &[u8]) -> &[u8] {
    let end = tag.iter().position(|b| b.is_ascii_whitespace() || *b == b'/').unwrap_or(tag.len());
    let name = &tag[..end];
    match name.iter().rposition(|b| *b == b':') {
        Some(i) => &name[i + 1..],
        None => name,
    }
}

/// The value of attribute `key` (no namespace prefix) in a tag.
fn attr<'a>(tag: &'a [u8], key: &[u8]) -> Option<&'a [u8]> {
    let mut rest = tag.get(tag.iter().position(|b| b.is_ascii_whitespace())?..)?;
    loop {
        let start = rest.iter().position(|b| !b.is_ascii_whitespace())?;
        rest = &rest[start..];
        let eq = rest.iter().position(|b| *b == b'=')?;
        let name = rest[..eq].trim_ascii();
        let after = rest[eq + 1..].trim_ascii_start();
        let q = *after.first()?;
        if q != b'"' && q != b'\'' {
            return None;
        }
        let len = after[1..].iter().position(|b| *b == q)?;
        let value = &after[1..1 + len];
        if name == key {
            return Some(value);
        }
        rest = &after[len + 2..];
    }
}

fn number(v: &[u8]) -> Option<u64> {
    let v = v.trim_ascii();
    if v.is_empty() || !v.iter().all(u8::is_ascii_digit) {
        return None;
    }
    Some(v.iter().fold(0u64, |n, d| n.saturating_mul(10).saturating_add(u64::from(d - b'0'))))
}

/// A cell reference (`B7`, `$B$7`) as a 0-based (row, column).
fn cell(v: &[u8]) -> Option<(u64, u64)> {
    let v: Vec<u8> = v.iter().copied().filter(|b| *b != b'$').collect();
    let letters = v.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 {
        return None;
    }
    let col = v[..letters]
        .iter()
        .fold(0u64, |n, c| n.saturating_mul(26).saturating_add(u64::from(c.to_ascii_uppercase() - b'A') + 1));
    let row = number(&v[letters..])?;
    Some((row.saturating_sub(1), col - 1))
}

/// A range (`A1:D20`, or one cell) as its corners.
fn range(v: &[u8]) -> Option<(u64, u64, u64, u64)> {
    let mut corners = v.split(|b| *b == b':');
    let (r0, c0) = cell(corners.next()?)?;
    let (r1, c1) = match corners.next() {
        Some(c) => cell(c)?,
        None => (r0, c0),
    };
    Some((r0, c0, r1, c1))
}

fn area(r0: u64, c0: u64, r1: u64, c1: u64) -> u64 {
    (r0.abs_diff(r1) + 1).saturating_mul(c0.abs_diff(c1) + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_and_attributes_are_read() {
        assert_eq!(cell(b"A1"), Some((0, 0)));
        assert_eq!(cell(b"$XFD$1048576"), Some((1_048_575, 16_383)));
        assert_eq!(cell(b"7"), None);
        assert_eq!(range(b"A1:XFD1048576").map(|(a, b, c, d)| area(a, b, c, d)), Some(17_179_869_184));
        let tag = b"c r=\"B2\" s='3' t=\"s\"";
        assert_eq!(attr(tag, b"t"), Some(&b"s"[..]));
        assert_eq!(attr(tag, b"s"), Some(&b"3"[..]));
        assert_eq!(attr(tag, b"x"), None);
        assert_eq!(local_name(b"x:sheetData a=\"1\""), b"sheetData");
    }

    /// A workbook of `parts` (name, XML), deflated.
    fn workbook(parts: &[(&str, String)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, xml) in parts {
            zip.start_file(*name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn sheet(data: &str) -> (&'static str, String) {
        ("xl/worksheets/sheet1.xml", format!("<worksheet><sheetData>{data}</sheetData></worksheet>"))
    }

    #[test]
    fn a_shared_string_is_charged_at_every_cell_that_names_it() {
        // 512 KiB once, named by 100 cells: 50 MiB in calamine's cells.
        let sst = ("xl/sharedStrings.xml", format!("<sst><si><t>{}</t></si></sst>", "A".repeat(512 << 10)));
        let cells: String =
            (1..=100).map(|r| format!("<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>")).collect();
        let e = check_xlsx(&workbook(&[sheet(&cells), sst.clone()])).unwrap_err();
        assert_eq!(e.en, "its cells hold more than 32 MiB of text");
        let few: String =
            (1..=10).map(|r| format!("<row r=\"{r}\"><c r=\"A{r}\" t=\"s\"><v>0</v></c></row>")).collect();
        assert_eq!(check_xlsx(&workbook(&[sheet(&few), sst])), Ok(()));
    }

    #[test]
    fn cells_without_addresses_are_placed_as_calamine_places_them() {
        // Rows numbered far apart, cells counted along each row.
        let data = "<row r=\"1\"><c><v>1</v></c></row><row r=\"1048576\"><c/><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>";
        let e = check_xlsx(&workbook(&[sheet(data)])).unwrap_err();
        // `<c/>` holds nothing and calamine skips it: columns A to C.
        assert_eq!(e.en, "its sheets span 3145728 cells (at most 2097152)");
        let near = "<row r=\"1\"><c><v>1</v></c></row><row r=\"9\"><c><v>1</v></c><c><v>2</v></c></row>";
        assert_eq!(check_xlsx(&workbook(&[sheet(near)])), Ok(()));
    }

    #[test]
    fn a_huge_shared_formula_number_is_refused() {
        let data = "<row r=\"1\"><c r=\"A1\"><f t=\"shared\" si=\"4000000000\">A2</f><v>1</v></c></row>";
        let e = check_xlsx(&workbook(&[sheet(data)])).unwrap_err();
        assert_eq!(e.en, "a shared formula is numbered 4000000000 (at most 2097152)");
    }

    #[test]
    fn real_workbooks_fit() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bank");
        let mut seen = 0;
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.extension().is_some_and(|e| e == "xlsx") {
                let bytes = std::fs::read(&path).expect("fixture");
                assert_eq!(check_xlsx(&bytes), Ok(()), "{}", path.display());
                seen += 1;
            }
        }
        assert!(seen > 0);
    }
}
