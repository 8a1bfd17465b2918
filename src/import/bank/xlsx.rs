//! Workbooks (XLS/BIFF8 and XLSX) through `calamine`. A bank statement's
//! every sheet becomes a grid of text cells ([`read_sheets`]); the customer,
//! invoice and payment imports read an XLSX workbook's rows a cell at a
//! time instead ([`stream_sheets`]), so that a sheet of a million rows is
//! never held. Numbers, which calamine gives as `f64`, become their
//! shortest decimal text (`2176.91`, never `2176.9100000000003`), and the
//! amount parser rounds them to cents — no float is ever added up.

use std::cell::Cell;
use std::io::{BufReader, Cursor, Read, Seek, SeekFrom};
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use calamine::{Data, DataRef, Reader, Xls, Xlsx, open_workbook_from_rs};

use super::grid::{Grid, Row, clean_cell};
use super::{BankError, budget, ole};

/// Which workbook format the bytes are.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Book {
    Xls,
    Xlsx,
}

impl Book {
    pub(crate) fn label(self) -> &'static str {
        match self {
            Book::Xls => "XLS",
            Book::Xlsx => "XLSX",
        }
    }
}

/// What [`stream_sheets`] does after a row.
pub(crate) enum Visit {
    /// Go on with this sheet.
    Go,
    /// Leave this sheet for the next one.
    NextSheet,
    /// Stop reading.
    Stop,
}

/// From how large a number cell cannot be what was typed: a spreadsheet
/// number keeps 15 significant digits, so a 16-digit or longer number (a
/// 20-digit 数电票号码, a bank card number typed as a number) has lost its
/// last digits, and two different ones may read the same. Amounts stay far
/// below (at most 10^12).
pub(crate) const IMPRECISE_FROM: f64 = 1e15;

/// A column's letters (0 is `A`, 26 is `AA`).
fn column_letters(col: u32) -> String {
    let mut n = col + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(char::from(b'A' + d as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// Why [`stream_sheets`] stopped early.
pub(crate) enum StreamError {
    Book(BankError),
    /// The visitor's own failure.
    Visitor(std::io::Error),
}

/// A row of a sheet, as [`stream_sheets`] gives it.
pub(crate) struct SheetRow<'a> {
    pub sheet: &'a str,
    /// The row number, from 1.
    pub number: u64,
    pub cells: &'a [String],
    /// Its first number cell of more digits than a spreadsheet number
    /// keeps ([`IMPRECISE_FROM`]): the cell (`B7`) and the number as read.
    pub imprecise: Option<(String, String)>,
}

/// The rows of an XLSX workbook's sheets, in order, for the customer,
/// invoice and payment imports: read a cell at a time, never a sheet whole
/// (within [`budget::Limits::STREAMED`]). Each row holding some text is
/// given to `visit` ([`SheetRow`]): each cell at its column (column A
/// first), trailing empty cells left out. Cells hold the
/// text a CSV export would: numbers as Excel shows them (at most 15
/// significant digits, so `1000`, `0.1`, never `1000.0` or
/// `0.30000000000000004`), dates as `YYYY-MM-DD`. A sheet that cannot be
/// opened is left out; one that fails while it is read, or whose rows are
/// not in order, refuses the workbook.
pub(crate) fn stream_sheets<R: Read + Seek>(
    file: &str,
    mut reader: R,
    mut visit: impl FnMut(SheetRow) -> std::io::Result<Visit>,
) -> Result<(), StreamError> {
    let book = Book::Xlsx;
    let fail = |reason: String| {
        StreamError::Book(BankError::Workbook { file: file.to_string(), format: book.label(), reason })
    };
    if let Err(e) = budget::check_xlsx_with(&mut reader, budget::Limits::STREAMED) {
        return Err(StreamError::Book(BankError::OverBudget {
            file: file.to_string(),
            format: book.label(),
            reason: e.en,
            reason_zh: e.zh,
        }));
    }
    reader.seek(SeekFrom::Start(0)).map_err(|e| fail(e.to_string()))?;
    // calamine parses untrusted bytes; a panic in it must not take the program down.
    let result = quietly(|| -> Result<(), StreamError> {
        let mut wb: Xlsx<_> =
            open_workbook_from_rs(BufReader::new(reader)).map_err(|e: calamine::XlsxError| fail(e.to_string()))?;
        let mut read_any = false;
        for name in wb.sheet_names() {
            let Ok(mut cells) = wb.worksheet_cells_reader(&name) else { continue };
            read_any = true;
            let mut row: Vec<String> = Vec::new();
            let mut imprecise = None;
            let mut at: Option<u32> = None;
            let mut flow = Visit::Go;
            loop {
                let cell = cells.next_cell().map_err(|e| fail(format!("sheet '{name}': {e}")))?;
                let next = cell.as_ref().map(|c| c.get_position().0);
                if let Some(r) = at
                    && next != Some(r)
                {
                    if row.iter().any(|c| !c.is_empty()) {
                        while row.last().is_some_and(String::is_empty) {
                            row.pop();
                        }
                        let number = u64::from(r) + 1;
                        let this = SheetRow { sheet: &name, number, cells: &row, imprecise: imprecise.take() };
                        flow = visit(this).map_err(StreamError::Visitor)?;
                    }
                    row.clear();
                    imprecise = None;
                    if !matches!(flow, Visit::Go) {
                        break;
                    }
                }
                let Some(cell) = cell else { break };
                let (r, col) = cell.get_position();
                if at.is_some_and(|a| r < a) {
                    return Err(fail(format!("sheet '{name}': row {} comes after row {}", r + 1, at.unwrap_or(0) + 1)));
                }
                at = Some(r);
                if matches!(cell.get_value(), DataRef::Empty) {
                    continue;
                }
                if let DataRef::Float(f) = cell.get_value()
                    && f.abs() >= IMPRECISE_FROM
                    && imprecise.is_none()
                {
                    imprecise = Some((format!("{}{}", column_letters(col), r + 1), format!("{f}")));
                }
                let text = clean_cell(&import_cell_text(&Data::from(cell.get_value().clone())));
                let col = col as usize;
                if row.len() <= col {
                    row.resize(col + 1, String::new());
                }
                row[col] = text;
            }
            if matches!(flow, Visit::Stop) {
                return Ok(());
            }
        }
        if read_any { Ok(()) } else { Err(fail("no readable sheet".into())) }
    });
    match result {
        Ok(r) => r,
        Err(_) => Err(fail("the file is damaged".into())),
    }
}

/// Every sheet of the workbook, in order, as (name, grid). Sheets that cannot
/// be read are left out; a workbook with no readable sheet is an error.
pub(crate) fn read_sheets(file: &str, bytes: &[u8], book: Book) -> Result<Vec<(String, Grid)>, BankError> {
    let fail = |reason: String| BankError::Workbook { file: file.to_string(), format: book.label(), reason };
    if book == Book::Xls && !ole::chains_end(bytes) {
        return Err(fail("the file is damaged (a chain of sectors loops)".into()));
    }
    if book == Book::Xlsx
        && let Err(e) = budget::check_xlsx(bytes)
    {
        return Err(BankError::OverBudget {
            file: file.to_string(),
            format: book.label(),
            reason: e.en,
            reason_zh: e.zh,
        });
    }
    // calamine parses untrusted bytes; a panic in it must not take the program down.
    let result = quietly(|| -> Result<Vec<(String, Grid)>, String> {
        let mut sheets = Vec::new();
        match book {
            Book::Xls => {
                let mut wb: Xls<_> =
                    open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsError| e.to_string())?;
                for name in wb.sheet_names() {
                    if let Ok(range) = wb.worksheet_range(&name) {
                        sheets.push((name, grid_of(&range)));
                    }
                }
            }
            Book::Xlsx => {
                let mut wb: Xlsx<_> =
                    open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| e.to_string())?;
                for name in wb.sheet_names() {
                    if let Ok(range) = wb.worksheet_range(&name) {
                        sheets.push((name, grid_of(&range)));
                    }
                }
            }
        }
        Ok(sheets)
    });
    match result {
        Ok(Ok(sheets)) if !sheets.is_empty() => Ok(sheets),
        Ok(Ok(_)) => Err(fail("no readable sheet".into())),
        Ok(Err(reason)) => Err(fail(reason)),
        Err(_) => Err(fail("the file is damaged".into())),
    }
}

thread_local! {
    /// Set while [`quietly`] runs on this thread.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

/// Run `f`, catching a panic without the panic message: a damaged workbook is
/// reported as an error, not as a crash followed by an error. The panic hook
/// in place (the default one, a test harness's, a fuzzer's) still hears every
/// other panic.
fn quietly<T>(f: impl FnOnce() -> T) -> std::thread::Result<T> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
    let was = QUIET.with(|q| q.replace(true));
    let result = std::panic::catch_unwind(AssertUnwindSafe(f));
    QUIET.with(|q| q.set(was));
    result
}

/// A sheet's used range as rows numbered like the sheet (row 1 is the top),
/// with empty rows above the range counted as blank lines.
fn grid_of(range: &calamine::Range<Data>) -> Grid {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    // Keep column numbers true to the sheet (for profiles naming columns by
    // number), within reason: a range starting far right is not padded.
    let pad = if col0 <= 64 { col0 as usize } else { 0 };
    let mut grid = Grid { blank_lines: row0 as usize, ..Grid::default() };
    for (i, cells) in range.rows().enumerate() {
        let line = u64::from(row0) + i as u64 + 1;
        for (c, cell) in cells.iter().enumerate() {
            if let Data::Float(f) = cell
                && f.abs() >= IMPRECISE_FROM
            {
                grid.imprecise.push((line, format!("{}{line}", column_letters(col0 + c as u32)), format!("{f}")));
            }
        }
        let mut out = vec![String::new(); pad];
        out.extend(cells.iter().map(|c| clean_cell(&cell_text(c))));
        while out.last().is_some_and(|c| c.is_empty()) {
            out.pop();
        }
        grid.rows.push(Row { line, cells: out });
    }
    grid
}

/// A cell as the text a CSV export would have held.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Float(f) if f.is_finite() => format!("{f}"),
        Data::Float(_) => String::new(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.is_duration() || dt.as_f64() < 1.0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
    }
}

/// [`cell_text`] with numbers rounded to the 15 significant digits Excel
/// shows: a float artefact of a formula (`=100*1.13` is
/// 113.00000000000001) is not an amount with 14 decimals.
fn import_cell_text(cell: &Data) -> String {
    match cell {
        Data::Float(f) if f.is_finite() => {
            let shown: f64 = format!("{f:.14e}").parse().unwrap_or(*f);
            format!("{}", shown + 0.0)
        }
        _ => cell_text(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_become_their_shortest_text() {
        assert_eq!(cell_text(&Data::Float(2176.91)), "2176.91");
        assert_eq!(cell_text(&Data::Float(67.0)), "67");
        assert_eq!(cell_text(&Data::Float(20250101.0)), "20250101");
        assert_eq!(cell_text(&Data::Float(0.1 + 0.2)), "0.30000000000000004");
        assert_eq!(cell_text(&Data::Float(f64::NAN)), "");
    }

    #[test]
    fn imported_numbers_are_the_text_excel_shows() {
        assert_eq!(import_cell_text(&Data::Float(1000.0)), "1000");
        assert_eq!(import_cell_text(&Data::Float(0.1)), "0.1");
        assert_eq!(import_cell_text(&Data::Float(0.1 + 0.2)), "0.3");
        assert_eq!(import_cell_text(&Data::Float(100.0 * 1.13)), "113");
        assert_eq!(import_cell_text(&Data::Float(1234567.89)), "1234567.89");
        assert_eq!(import_cell_text(&Data::Float(-0.0)), "0");
        assert_eq!(import_cell_text(&Data::Float(f64::NAN)), "");
        assert_eq!(import_cell_text(&Data::String("0.30000000000000004".into())), "0.30000000000000004");
    }

    /// A workbook of one sheet holding `rows` (the XML of its rows).
    fn one_sheet(rows: &str) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let ns = "http://schemas.openxmlformats.org";
        // The one relationship a part names: of `kind`, to `target`.
        let rel = |kind: &str, target: &str| {
            format!(
                "<Relationships xmlns=\"{ns}/package/2006/relationships\"><Relationship Id=\"rId1\" \
                 Type=\"{ns}/officeDocument/2006/relationships/{kind}\" Target=\"{target}\"/></Relationships>"
            )
        };
        for (name, xml) in [
            ("_rels/.rels", rel("officeDocument", "xl/workbook.xml")),
            (
                "xl/workbook.xml",
                format!(
                    "<workbook xmlns=\"{ns}/spreadsheetml/2006/main\" \
                     xmlns:r=\"{ns}/officeDocument/2006/relationships\"><sheets>\
                     <sheet name=\"S\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
                ),
            ),
            ("xl/_rels/workbook.xml.rels", rel("worksheet", "worksheets/sheet1.xml")),
            (
                "xl/worksheets/sheet1.xml",
                format!("<worksheet xmlns=\"{ns}/spreadsheetml/2006/main\"><sheetData>{rows}</sheetData></worksheet>"),
            ),
        ] {
            zip.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
            zip.write_all(xml.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn streamed(bytes: &[u8]) -> Result<Vec<(u64, Vec<String>)>, String> {
        let mut rows = Vec::new();
        let read = stream_sheets("s.xlsx", Cursor::new(bytes), |r| {
            if let Some((cell, number)) = r.imprecise {
                return Err(std::io::Error::other(format!("{cell}: {number}")));
            }
            rows.push((r.number, r.cells.to_vec()));
            Ok(Visit::Go)
        });
        match read {
            Ok(()) => Ok(rows),
            Err(StreamError::Book(e)) => Err(e.to_string()),
            Err(StreamError::Visitor(e)) => Err(e.to_string()),
        }
    }

    #[test]
    fn streamed_rows_hold_their_cells_at_their_columns_and_rows_out_of_order_are_refused() {
        let cell = |r: &str, v: &str| format!("<c r=\"{r}\" t=\"inlineStr\"><is><t>{v}</t></is></c>");
        let rows = format!(
            "<row r=\"2\">{}{}</row><row r=\"3\"><c r=\"A3\"/></row><row r=\"4\">{}<c r=\"D4\"><v>1000.0</v></c></row>",
            cell("B2", "b"),
            cell("A2", "a"),
            cell("B4", " x "),
        );
        assert_eq!(
            streamed(&one_sheet(&rows)).unwrap(),
            [(2, vec!["a".to_string(), "b".into()]), (4, vec!["".into(), "x".into(), "".into(), "1000".into()])]
        );
        let backwards = format!("<row r=\"3\">{}</row><row r=\"2\">{}</row>", cell("A3", "late"), cell("A2", "early"));
        let e = streamed(&one_sheet(&backwards)).unwrap_err();
        assert!(e.ends_with("sheet 'S': row 2 comes after row 3"), "{e}");
    }

    #[test]
    fn a_number_of_more_digits_than_a_spreadsheet_keeps_is_refused_where_it_is() {
        // 26442000000000000001 typed as a number is kept as 2.6442e19.
        let rows = "<row r=\"1\"><c r=\"A1\"><v>999999999999999</v></c></row>\
                    <row r=\"2\"><c r=\"AB2\"><v>26442000000000000001</v></c></row>";
        assert_eq!(streamed(&one_sheet(rows)).unwrap_err(), "AB2: 26442000000000000000");
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(16_383), "XFD");
    }

    #[test]
    fn damaged_workbooks_are_errors() {
        for (bytes, book) in
            [(&b"PK\x03\x04 not really a zip"[..], Book::Xlsx), (&b"\xD0\xCF\x11\xE0 junk"[..], Book::Xls)]
        {
            let e = read_sheets("x", bytes, book).unwrap_err();
            assert!(matches!(e, BankError::Workbook { .. }), "{e}");
        }
    }
}
