//! Output: tables (comfy-table), CSV and JSON, and the language of the words.
//!
//! Reports build plain data; the functions here turn it into text. Data goes to
//! stdout only; notices and warnings go to stderr (see `context`).

use std::io::Write;

pub mod aging;
pub mod close;
pub mod collection;
pub mod confirmations;
pub mod customer;
pub mod forecast;
pub mod interest;
pub mod journal;
pub mod letters;
pub mod pack;
pub mod provision;
pub mod reasons;
pub mod reconcile;
pub mod statement;
pub mod summary;
pub mod words;
pub mod worklist;
pub mod xlsx;

use std::sync::atomic::{AtomicBool, Ordering};

use chrono::NaiveDate;
use comfy_table::{
    Cell as Drawn, CellAlignment, Color, ColumnConstraint, ContentArrangement, Table as Comfy, Width,
    presets::UTF8_FULL_CONDENSED,
};

use crate::error::Result;
use crate::ledger::Money;
use crate::output::{Format, Lang, visible};

/// One value in a table or CSV row. Typed, so money is right-aligned and
/// grouped in tables, plain in CSV, and never mistaken for text.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    Money(Money),
    Int(i64),
    Date(NaiveDate),
    Empty,
}

impl Cell {
    pub fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    pub fn opt_text(s: Option<&str>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    pub fn opt_money(m: Option<Money>) -> Cell {
        m.map_or(Cell::Empty, Cell::Money)
    }

    /// As a table shows it: text from outside with its terminal controls
    /// escaped (`\u{1b}`), so no name or memo can colour, retitle or reorder
    /// the screen; CSV and JSON keep the text exact.
    fn for_table(&self) -> String {
        match self {
            Cell::Text(s) => visible(s).into_owned(),
            Cell::Money(m) => m.grouped(),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }

    fn for_csv(&self) -> String {
        match self {
            Cell::Text(s) => neutralise_formula(s),
            Cell::Money(m) => m.plain(),
            Cell::Int(i) => i.to_string(),
            Cell::Date(d) => d.to_string(),
            Cell::Empty => String::new(),
        }
    }

    fn is_number(&self) -> bool {
        matches!(self, Cell::Money(_) | Cell::Int(_))
    }
}

/// A spreadsheet treats a cell starting with `=`, `+`, `-`, `@`, TAB or CR as
/// a formula. Text cells that start so get a leading apostrophe, which shows
/// the text as typed. Numbers are never text cells, so they are untouched.
pub fn neutralise_formula(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// The columns a text column keeps on a narrow terminal before the table
/// grows past the terminal's width.
const TEXT_AT_LEAST: usize = 10;
/// The columns any column keeps for its header.
const HEADER_AT_LEAST: usize = 7;

/// Whether tables are drawn in colour: set once for the command by the
/// context (`--color`, a terminal, `NO_COLOR`); off unless set.
static COLOUR: AtomicBool = AtomicBool::new(false);

/// Draw the tables of this command in colour, or not.
/// (crossterm, which comfy-table colours with, drops colours when NO_COLOR
/// is set: `--color always` overrides that.)
pub fn set_colour(on: bool) {
    COLOUR.store(on, Ordering::Relaxed);
    if on {
        crossterm::style::force_color_output(true);
    }
}

/// Rows with a header, printable as a table or as CSV.
#[derive(Clone, Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The columns of overdue figures (see [`Table::overdue_columns`]).
    overdue: Vec<usize>,
}

impl Table {
    /// Headers given as (English, Chinese) pairs.
    pub fn new(lang: Lang, headers: &[(&str, &str)]) -> Table {
        Table { headers: headers.iter().map(|(en, zh)| lang.pick(en, zh).to_string()).collect(), ..Table::default() }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Mark columns as holding overdue figures: in colour, their amounts
    /// above zero are yellow (a negative amount anywhere is red).
    pub fn overdue_columns(&mut self, columns: impl IntoIterator<Item = usize>) {
        self.overdue.extend(columns);
    }

    /// The overdue columns, for a table built from this one.
    pub fn overdue(&self) -> &[usize] {
        &self.overdue
    }

    /// A value as drawn: in colour, a negative amount red and an amount
    /// above zero in an overdue column yellow; all else plain.
    fn drawn(&self, column: usize, cell: &Cell, colour: bool) -> Drawn {
        let text = Drawn::new(cell.for_table());
        match cell {
            Cell::Money(m) if colour && m.is_negative() => text.fg(Color::Red),
            Cell::Money(m) if colour && m.is_positive() && self.overdue.contains(&column) => text.fg(Color::Yellow),
            _ => text,
        }
    }

    /// Write as a table, CSV or (to standard output, never a terminal) a
    /// workbook. (JSON has its own shape per command: a command that offers
    /// it writes it before it comes here, never a table in its place.)
    pub fn write(&self, out: &mut dyn Write, format: Format) -> Result<()> {
        match format {
            Format::Csv => self.write_csv(out),
            Format::Xlsx => {
                xlsx::refuse_on_terminal()?;
                self.write_xlsx(out, &[])
            }
            Format::Table => self.write_table(out),
            other => Err(not_offered(other)),
        }
    }

    pub fn write_table(&self, out: &mut dyn Write) -> Result<()> {
        self.draw(out, COLOUR.load(Ordering::Relaxed))
    }

    /// The table, in colour or not.
    fn draw(&self, out: &mut dyn Write, colour: bool) -> Result<()> {
        let mut t = Comfy::new();
        t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
        if colour {
            t.enforce_styling();
        }
        if !self.headers.is_empty() {
            t.set_header(self.headers.clone());
        }
        for row in &self.rows {
            t.add_row(row.iter().enumerate().map(|(i, c)| self.drawn(i, c, colour)).collect::<Vec<_>>());
        }
        // Amounts, counts and dates are never broken across lines: on a
        // narrow terminal the text columns wrap, and a table that still does
        // not fit is printed at its full width.
        for i in 0..self.headers.len().max(self.rows.first().map_or(0, Vec::len)) {
            let cells = || self.rows.iter().filter_map(|r| r.get(i)).filter(|c| **c != Cell::Empty);
            let numeric = cells().next().is_some() && cells().all(Cell::is_number);
            let whole = cells().all(|c| c.is_number() || matches!(c, Cell::Date(_)));
            let widest = cells().map(|c| display_width(&c.for_table())).max().unwrap_or(0);
            // A text column keeps room for a short name; a number or a
            // date all of its digits (its header may wrap).
            let header = self.headers.get(i).map_or(0, |h| display_width(h));
            let least = if whole { widest } else { widest.min(TEXT_AT_LEAST) }.max(header.min(HEADER_AT_LEAST));
            if let Some(col) = t.column_mut(i) {
                if numeric {
                    col.set_cell_alignment(CellAlignment::Right);
                }
                // The boundary counts the column's padding too.
                let least = least + usize::from(col.padding_width());
                col.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(least.min(u16::MAX as usize) as u16)));
            }
        }
        writeln!(out, "{t}")?;
        Ok(())
    }

    pub fn write_csv(&self, out: &mut dyn Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        if !self.headers.is_empty() {
            w.write_record(&self.headers)?;
        }
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::for_csv))?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Columns a text takes on a terminal: CJK and full-width characters take two.
/// (Never pad with `format!("{:<8}")`: it counts characters, not columns.)
pub fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| {
            let u = c as u32;
            let wide = (0x1100..=0x115F).contains(&u)
                || (0x2E80..=0xA4CF).contains(&u)
                || (0xAC00..=0xD7A3).contains(&u)
                || (0xF900..=0xFAFF).contains(&u)
                || (0xFE30..=0xFE4F).contains(&u)
                || (0xFF00..=0xFF60).contains(&u)
                || (0xFFE0..=0xFFE6).contains(&u);
            if wide { 2 } else { 1 }
        })
        .sum()
}

/// Pad on the right to `width` display columns.
pub fn pad_right(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

/// The error for a format the command does not print. The command line
/// offers each command only the formats it prints (`commands::formats`), so
/// this guards a match that must name every format; no user meets it.
pub fn not_offered(f: Format) -> crate::error::Error {
    crate::error::Error::usage(
        format!("this command does not print --format {}; its --help lists the formats it prints", f.name()),
        format!("此命令不输出 --format {}；其 --help 列出可用的格式", f.name()),
    )
}

/// Write a value as pretty JSON followed by a newline.
pub fn write_json<T: serde::Serialize + ?Sized>(out: &mut dyn Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// Money travels in JSON as a string with two decimals: `"1234.50"`.
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.plain())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_neutralises_formula_text_but_not_numbers() {
        let mut t = Table { headers: vec!["name".into(), "amount".into()], ..Table::default() };
        t.push(vec![Cell::text("=HYPERLINK(\"x\")"), Cell::Money(Money::from_cents(-1_050))]);
        t.push(vec![Cell::text("@SUM(A1)"), Cell::Money(Money::from_cents(123_456))]);
        let mut out = Vec::new();
        t.write_csv(&mut out).unwrap();
        let s = String::from_utf8(out).unwrap();
        assert_eq!(s, "name,amount\n\"'=HYPERLINK(\"\"x\"\")\",-10.50\n'@SUM(A1),1234.56\n");
    }

    #[test]
    fn money_is_a_json_string() {
        assert_eq!(serde_json::to_string(&Money::from_cents(123_450)).unwrap(), "\"1234.50\"");
    }
}
