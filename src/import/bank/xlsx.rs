//! Workbooks (XLS/BIFF8 and XLSX) through `calamine`. Every sheet becomes a
//! grid of text cells; numbers, which calamine gives as `f64`, become their
//! shortest decimal text (`2176.91`, never `2176.9100000000003`), and the
//! amount parser rounds them to cents — no float is ever added up.

use std::cell::Cell;
use std::io::Cursor;
use std::panic::AssertUnwindSafe;
use std::sync::Once;

use calamine::{Data, Reader, Xls, Xlsx, open_workbook_from_rs};

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

/// Every sheet of the workbook, in order, as (name, grid). Sheets that cannot
/// be read are left out; a workbook with no readable sheet is an error.
pub(crate) fn read_sheets(file: &str, bytes: &[u8], book: Book) -> Result<Vec<(String, Grid)>, BankError> {
    read_sheets_with(file, bytes, book, cell_text)
}

/// A sheet's rows from the top of its used range: (sheet row number, cells).
pub(crate) type SheetRows = Vec<(u64, Vec<String>)>;

/// The sheets of an XLSX workbook for the customer, invoice and payment
/// imports, within the same budget: (sheet name, rows as (sheet row number,
/// cells)). Cells hold the text a CSV export would: numbers as Excel shows
/// them (at most 15 significant digits, so `1000`, `0.1`, never `1000.0` or
/// `0.30000000000000004`), dates as `YYYY-MM-DD`.
pub(crate) fn import_sheets(file: &str, bytes: &[u8]) -> Result<Vec<(String, SheetRows)>, BankError> {
    let sheets = read_sheets_with(file, bytes, Book::Xlsx, import_cell_text)?;
    Ok(sheets
        .into_iter()
        .map(|(name, grid)| (name, grid.rows.into_iter().map(|r| (r.line, r.cells)).collect()))
        .collect())
}

fn read_sheets_with(
    file: &str,
    bytes: &[u8],
    book: Book,
    text: fn(&Data) -> String,
) -> Result<Vec<(String, Grid)>, BankError> {
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
                        sheets.push((name, grid_of(&range, text)));
                    }
                }
            }
            Book::Xlsx => {
                let mut wb: Xlsx<_> =
                    open_workbook_from_rs(Cursor::new(bytes)).map_err(|e: calamine::XlsxError| e.to_string())?;
                for name in wb.sheet_names() {
                    if let Ok(range) = wb.worksheet_range(&name) {
                        sheets.push((name, grid_of(&range, text)));
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
fn grid_of(range: &calamine::Range<Data>, text: fn(&Data) -> String) -> Grid {
    let (row0, col0) = range.start().unwrap_or((0, 0));
    // Keep column numbers true to the sheet (for profiles naming columns by
    // number), within reason: a range starting far right is not padded.
    let pad = if col0 <= 64 { col0 as usize } else { 0 };
    let mut grid = Grid { rows: Vec::new(), blank_lines: row0 as usize };
    for (i, cells) in range.rows().enumerate() {
        let line = u64::from(row0) + i as u64 + 1;
        let mut out = vec![String::new(); pad];
        out.extend(cells.iter().map(|c| clean_cell(&text(c))));
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
