//! A table as an Excel workbook (`--format xlsx`): one worksheet, the header
//! row bold and frozen, amounts as numbers formatted `#,##0.00`, counts as
//! numbers, dates as Excel dates, text as text (never a formula), columns as
//! wide as their content, and the report's footer lines under the table.

use std::io::{IsTerminal, Seek, SeekFrom, Write};

use chrono::Datelike;
use rust_xlsxwriter::{ExcelDateTime, Format as Style, Workbook, Worksheet, XlsxError};

use super::{Cell, RowSource, Table, display_width};
use crate::error::{Error, Result};

/// The widest a column is made, in Excel's character units.
const WIDEST: usize = 60;

impl Table {
    /// The table as an `.xlsx` file, `footer` as text rows below it after
    /// one blank row (a report's tie-out or formula lines).
    pub fn xlsx(&self, footer: &[String]) -> Result<Vec<u8>> {
        self.workbook(footer)
            .map_err(|e| Error::user(format!("cannot make the workbook: {e}"), format!("无法生成 Excel 工作簿：{e}")))
    }

    /// Write [`Table::xlsx`] to `out`.
    pub fn write_xlsx(&self, out: &mut dyn Write, footer: &[String]) -> Result<()> {
        out.write_all(&self.xlsx(footer)?)?;
        Ok(())
    }

    fn workbook(&self, footer: &[String]) -> std::result::Result<Vec<u8>, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet();
        let styles = Styles::new();
        let columns = self.headers.len().max(self.rows.iter().map(Vec::len).max().unwrap_or(0));
        let mut widths: Vec<usize> =
            (0..columns).map(|i| self.headers.get(i).map_or(0, |h| display_width(h))).collect();
        let mut row = header(sheet, &self.headers, &styles)?;
        for cells in &self.rows {
            for (c, cell) in cells.iter().enumerate() {
                styles.write(sheet, row, col(c)?, cell)?;
                widths[c] = widths[c].max(display_width(&cell.for_table()));
            }
            row = next(row)?;
        }
        if !footer.is_empty() {
            row = next(row)?;
            for line in footer {
                sheet.write_string(row, 0, line)?;
                row = next(row)?;
            }
        }
        set_widths(sheet, &widths)?;
        book.save_to_buffer()
    }
}

/// A workbook of rows given twice by `rows` ([`super::write_rows`]): once
/// to measure the columns, once to write them into a worksheet that holds
/// no rows (rust_xlsxwriter's constant-memory mode writes each finished
/// row to a temporary file), so a list of a million rows is never held as
/// cells.
pub fn write_streamed(out: &mut dyn Write, headers: &[String], rows: RowSource) -> Result<()> {
    let failed =
        |e: XlsxError| Error::user(format!("cannot make the workbook: {e}"), format!("无法生成 Excel 工作簿：{e}"));
    let mut widths: Vec<usize> = headers.iter().map(|h| display_width(h)).collect();
    rows(&mut |cells| {
        if cells.len() > widths.len() {
            widths.resize(cells.len(), 0);
        }
        for (w, cell) in widths.iter_mut().zip(&cells) {
            *w = (*w).max(display_width(&cell.for_table()));
        }
        Ok(())
    })?;
    let mut book = Workbook::new();
    let sheet = book.add_worksheet_with_constant_memory().map_err(failed)?;
    let styles = Styles::new();
    // Column widths go before the rows in constant-memory mode.
    set_widths(sheet, &widths).map_err(failed)?;
    let mut row = header(sheet, headers, &styles).map_err(failed)?;
    rows(&mut |cells| {
        for (c, cell) in cells.iter().enumerate() {
            col(c).and_then(|at| styles.write(sheet, row, at, cell)).map_err(failed)?;
        }
        row = next(row).map_err(failed)?;
        Ok(())
    })?;
    // Compressed into a temporary file, then copied: not held either.
    let mut file = tempfile::tempfile()?;
    book.save_to_writer(&mut file).map_err(failed)?;
    file.seek(SeekFrom::Start(0))?;
    std::io::copy(&mut file, out)?;
    Ok(())
}

/// The number formats of a workbook's cells.
struct Styles {
    bold: Style,
    money: Style,
    date: Style,
}

impl Styles {
    fn new() -> Styles {
        Styles {
            bold: Style::new().set_bold(),
            money: Style::new().set_num_format("#,##0.00"),
            date: Style::new().set_num_format("yyyy-mm-dd"),
        }
    }

    /// One value: text as text (never a formula), amounts and counts as
    /// numbers, dates as Excel dates.
    fn write(&self, sheet: &mut Worksheet, row: u32, at: u16, cell: &Cell) -> std::result::Result<(), XlsxError> {
        match cell {
            Cell::Text(s) => sheet.write_string(row, at, s).map(|_| ()),
            Cell::Money(m) => {
                sheet.write_number_with_format(row, at, m.cents() as f64 / 100.0, &self.money).map(|_| ())
            }
            Cell::Int(i) => sheet.write_number(row, at, *i as f64).map(|_| ()),
            Cell::Date(d) => {
                let day = ExcelDateTime::from_ymd(year(d.year())?, d.month() as u8, d.day() as u8)?;
                sheet.write_datetime_with_format(row, at, &day, &self.date).map(|_| ())
            }
            Cell::Empty => Ok(()),
        }
    }
}

/// The header row, bold and frozen; the row the values start on.
fn header(sheet: &mut Worksheet, headers: &[String], styles: &Styles) -> std::result::Result<u32, XlsxError> {
    if headers.is_empty() {
        return Ok(0);
    }
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col(c)?, h, &styles.bold)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(1)
}

/// Column widths from the widest content (CJK counting two), with a little
/// room, capped at [`WIDEST`].
fn set_widths(sheet: &mut Worksheet, widths: &[usize]) -> std::result::Result<(), XlsxError> {
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col(c)?, ((*w).min(WIDEST) + 2) as f64)?;
    }
    Ok(())
}

fn col(c: usize) -> std::result::Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

fn next(row: u32) -> std::result::Result<u32, XlsxError> {
    row.checked_add(1).ok_or(XlsxError::RowColumnLimitError)
}

fn year(y: i32) -> std::result::Result<u16, XlsxError> {
    u16::try_from(y).map_err(|_| XlsxError::DateTimeRangeError(format!("year {y}")))
}

/// A workbook is refused on a terminal: it is a binary file. Call before
/// writing one to standard output.
pub fn refuse_on_terminal() -> Result<()> {
    if std::io::stdout().is_terminal() {
        return Err(Error::usage(
            "xlsx is a binary file: give --out FILE or redirect stdout to a file",
            "xlsx 是二进制文件：请用 --out FILE 指定文件，或将标准输出重定向到文件",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ledger::Money;
    use calamine::{Data, Reader, Xlsx};

    #[test]
    fn a_workbook_keeps_amounts_as_numbers_dates_as_dates_and_formulas_as_text() {
        let mut t =
            Table { headers: vec!["客户".into(), "amount".into(), "n".into(), "due".into()], ..Table::default() };
        let due = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        t.push(vec![Cell::text("=1+1"), Cell::Money(Money::from_cents(-123_456)), Cell::Int(7), Cell::Date(due)]);
        t.push(vec![Cell::text("华远"), Cell::Empty, Cell::Int(0), Cell::Empty]);
        let bytes = t.xlsx(&["tie-out ✓".to_string()]).unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        assert_eq!(range.get((0, 0)), Some(&Data::String("客户".into())));
        assert_eq!(range.get((1, 0)), Some(&Data::String("=1+1".into())));
        assert_eq!(range.get((1, 1)), Some(&Data::Float(-1234.56)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(7.0)));
        // 2026-10-31 is day 46,326 of Excel's calendar.
        assert!(matches!(range.get((1, 3)), Some(Data::DateTime(d)) if d.as_f64() == 46_326.0));
        assert_eq!(range.get((3, 0)), Some(&Data::Empty), "one blank row before the footer");
        assert_eq!(range.get((4, 0)), Some(&Data::String("tie-out ✓".into())));
    }

    fn cells(bytes: Vec<u8>) -> Vec<Vec<Data>> {
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        range.rows().map(<[Data]>::to_vec).collect()
    }

    #[test]
    fn a_workbook_written_row_by_row_holds_the_cells_of_the_workbook_built_whole() {
        let mut t =
            Table { headers: vec!["客户".into(), "amount".into(), "n".into(), "due".into()], ..Table::default() };
        let due = chrono::NaiveDate::from_ymd_opt(2026, 10, 31).unwrap();
        for i in 0..3_000i64 {
            t.push(vec![
                Cell::text(if i % 2 == 0 { "=1+1".to_string() } else { format!("华远{i}") }),
                Cell::Money(Money::from_cents(i * 7_919 - 5_000_000)),
                if i % 3 == 0 { Cell::Empty } else { Cell::Int(i) },
                Cell::Date(due + chrono::Days::new(i as u64 % 90)),
            ]);
        }
        let mut streamed = Vec::new();
        write_streamed(&mut streamed, &t.headers, &|emit| {
            for r in &t.rows {
                emit(r.clone())?;
            }
            Ok(())
        })
        .unwrap();
        let whole = cells(t.xlsx(&[]).unwrap());
        assert_eq!(whole.len(), 3_001);
        assert_eq!(cells(streamed), whole);
    }
}
