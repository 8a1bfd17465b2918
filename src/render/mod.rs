//! Output: tables (comfy-table), CSV and JSON, and the language of the words.
//!
//! Reports build plain data; the functions here turn it into text. Data goes to
//! stdout only; notices and warnings go to stderr (see `context`).

use std::io::{IsTerminal, Write};

use unicode_width::UnicodeWidthStr;

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
mod spool;
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
        let texts: Vec<Vec<String>> = self.rows.iter().map(|r| r.iter().map(Cell::for_table).collect()).collect();
        let mut measure = Measure::new(&self.headers);
        self.rows.iter().zip(&texts).for_each(|(r, t)| measure.add_drawn(r, t));
        // comfy-table fits a table to the terminal only when standard
        // output is one; anywhere else its layout is known in advance.
        if !colour && !std::io::stdout().is_terminal() {
            let plain = Plain::fitted(&measure, &self.headers, &texts);
            if plain.fits(&self.headers, &texts) {
                let header = (!self.headers.is_empty()).then_some(&self.headers[..]);
                return plain.write(out, header, &texts, Ends::BOTH);
            }
        }
        let t = self.comfy(colour, &measure, Widths::Fit, true);
        writeln!(out, "{t}")?;
        Ok(())
    }

    /// The comfy-table of these rows: columns laid out by `measure` (taken
    /// over these rows, or over a whole table these rows are a piece of).
    fn comfy(&self, colour: bool, measure: &Measure, widths: Widths, header: bool) -> Comfy {
        let mut t = Comfy::new();
        t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(match widths {
            Widths::Fit => ContentArrangement::Dynamic,
            Widths::Whole => ContentArrangement::Disabled,
        });
        if colour {
            t.enforce_styling();
        }
        if header && !self.headers.is_empty() {
            t.set_header(self.headers.clone());
        }
        for row in &self.rows {
            t.add_row(row.iter().enumerate().map(|(i, c)| self.drawn(i, c, colour)).collect::<Vec<_>>());
        }
        // Amounts, counts and dates are never broken across lines: on a
        // narrow terminal the text columns wrap, and a table that still does
        // not fit is printed at its full width.
        for (i, m) in measure.columns.iter().enumerate() {
            let numeric = m.any && m.numbers;
            let least = m.least();
            if let Some(col) = t.column_mut(i) {
                if numeric {
                    col.set_cell_alignment(CellAlignment::Right);
                }
                // The boundary counts the column's padding too.
                let padding = usize::from(col.padding_width());
                let width = |w: usize| Width::Fixed((w + padding).min(u16::MAX as usize) as u16);
                col.set_constraint(match widths {
                    Widths::Fit => ColumnConstraint::LowerBoundary(width(least)),
                    Widths::Whole => ColumnConstraint::Absolute(width(m.widest.max(m.header))),
                });
            }
        }
        t
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

/// How a table's columns are sized.
#[derive(Clone, Copy)]
enum Widths {
    /// To the terminal: text columns wrap when the table is too wide.
    Fit,
    /// Each column as wide as its widest value or header: a piece of a
    /// table drawn in pieces (its lines must join the others').
    Whole,
}

/// What the layout of a table's columns is drawn from, taken row by row.
struct Measure {
    columns: Vec<ColumnMeasure>,
}

#[derive(Clone, Copy)]
struct ColumnMeasure {
    /// A value that is not empty.
    any: bool,
    /// Every value not empty is an amount or a count.
    numbers: bool,
    /// Every value not empty is an amount, a count or a date.
    whole: bool,
    /// The widest value, in display columns.
    widest: usize,
    /// The header's width.
    header: usize,
}

impl ColumnMeasure {
    /// The columns the column keeps on a narrow terminal. A text column
    /// keeps room for a short name; a number or a date all of its digits
    /// (its header may wrap).
    fn least(&self) -> usize {
        if self.whole { self.widest } else { self.widest.min(TEXT_AT_LEAST) }.max(self.header.min(HEADER_AT_LEAST))
    }

    /// Right-aligned: amounts and counts.
    fn right(&self) -> bool {
        self.any && self.numbers
    }
}

impl Measure {
    fn new(headers: &[String]) -> Measure {
        let column = |h: usize| ColumnMeasure { any: false, numbers: true, whole: true, widest: 0, header: h };
        Measure { columns: headers.iter().map(|h| column(display_width(h))).collect() }
    }

    fn add(&mut self, row: &[Cell]) {
        let texts: Vec<String> = row.iter().map(Cell::for_table).collect();
        self.add_drawn(row, &texts);
    }

    /// A row whose values as a table shows them (`Cell::for_table`) are
    /// already made.
    fn add_drawn(&mut self, row: &[Cell], texts: &[String]) {
        if row.len() > self.columns.len() {
            let extra = ColumnMeasure { any: false, numbers: true, whole: true, widest: 0, header: 0 };
            self.columns.resize(row.len(), extra);
        }
        for ((c, text), m) in row.iter().zip(texts).zip(self.columns.iter_mut()) {
            if *c == Cell::Empty {
                continue;
            }
            m.any = true;
            m.numbers &= c.is_number();
            m.whole &= c.is_number() || matches!(c, Cell::Date(_));
            m.widest = m.widest.max(display_width(text));
        }
    }
}

/// Which borders a table's lines close with: a piece of a table drawn in
/// pieces has its top border only if it is the first, its bottom one only
/// if it is the last.
#[derive(Clone, Copy)]
struct Ends {
    top: bool,
    bottom: bool,
}

impl Ends {
    const BOTH: Ends = Ends { top: true, bottom: true };
}

/// A table without colour whose values all fit on one line, drawn here in
/// comfy-table's `UTF8_FULL_CONDENSED` style: for such a table comfy-table's
/// layout is known in advance (each column as wide as its widest value, or
/// as its lower bound, plus one space each side), and comfy-table would
/// format, measure, split and pad every value again, which on a report of
/// 10,000 customers took a fifth of its time. Values are measured as
/// comfy-table measures them (`unicode-width`), so the lines are the same
/// byte for byte (a test compares the two); a table that does not fit is
/// left to comfy-table.
struct Plain {
    /// Each column's width without its padding.
    widths: Vec<usize>,
    right: Vec<bool>,
}

impl Plain {
    /// As comfy-table lays out a table with no width to fit (not a
    /// terminal): a column is as wide as its widest value (at least one
    /// column) or its lower bound ([`ColumnMeasure::least`]), whichever is wider.
    fn fitted(measure: &Measure, headers: &[String], rows: &[Vec<String>]) -> Plain {
        let mut widths = vec![0usize; measure.columns.len()];
        for row in std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)) {
            for (w, text) in widths.iter_mut().zip(row) {
                *w = (*w).max(text.width().max(1));
            }
        }
        for (w, m) in widths.iter_mut().zip(&measure.columns) {
            *w = (*w).max(m.least());
        }
        Plain { widths, right: measure.columns.iter().map(ColumnMeasure::right).collect() }
    }

    /// As a piece of a table drawn in pieces: each column as wide as its
    /// widest value or header over the whole table (and at least one column).
    fn whole(measure: &Measure) -> Plain {
        Plain {
            widths: measure.columns.iter().map(|m| m.widest.max(m.header).max(1)).collect(),
            right: measure.columns.iter().map(ColumnMeasure::right).collect(),
        }
    }

    /// Whether every value fits its column on one line (else comfy-table
    /// would wrap it).
    fn fits(&self, headers: &[String], rows: &[Vec<String>]) -> bool {
        !self.widths.is_empty()
            && std::iter::once(headers).chain(rows.iter().map(Vec::as_slice)).all(|row| {
                row.len() <= self.widths.len()
                    && row.iter().zip(&self.widths).all(|(text, w)| !text.contains('\n') && text.width() <= *w)
            })
    }

    /// A border line: left corner, fill, junction, right corner.
    fn border(&self, line: &mut String, [left, fill, junction, right]: [char; 4]) {
        line.clear();
        line.push(left);
        for (i, w) in self.widths.iter().enumerate() {
            if i > 0 {
                line.push(junction);
            }
            line.extend(std::iter::repeat_n(fill, w + 2));
        }
        line.push(right);
        line.push('\n');
    }

    fn row(&self, line: &mut String, row: &[String]) {
        line.clear();
        line.push('│');
        for (i, w) in self.widths.iter().enumerate() {
            if i > 0 {
                line.push('┆');
            }
            let text = row.get(i).map_or("", String::as_str);
            let pad = w - text.width();
            let (left, right) = if self.right[i] { (pad + 1, 1) } else { (1, pad + 1) };
            line.extend(std::iter::repeat_n(' ', left));
            line.push_str(text);
            line.extend(std::iter::repeat_n(' ', right));
        }
        line.push('│');
        line.push('\n');
    }

    /// Write the lines (only after [`Plain::fits`] said they fit).
    fn write(&self, out: &mut dyn Write, header: Option<&[String]>, rows: &[Vec<String>], ends: Ends) -> Result<()> {
        let mut line = String::new();
        if ends.top {
            self.border(&mut line, ['┌', '─', '┬', '┐']);
            out.write_all(line.as_bytes())?;
        }
        if let Some(header) = header {
            self.row(&mut line, header);
            out.write_all(line.as_bytes())?;
            self.border(&mut line, ['╞', '═', '╪', '╡']);
            out.write_all(line.as_bytes())?;
        }
        for r in rows {
            self.row(&mut line, r);
            out.write_all(line.as_bytes())?;
        }
        if ends.bottom {
            self.border(&mut line, ['└', '─', '┴', '┘']);
            out.write_all(line.as_bytes())?;
        }
        Ok(())
    }
}

/// The rows of a table too large to hold, given twice by a function that
/// hands each row to its argument in turn (once to measure the columns,
/// once to write).
pub type RowSource<'a> = &'a dyn Fn(&mut dyn FnMut(Vec<Cell>) -> Result<()>) -> Result<()>;

/// Rows a table drawn in pieces holds at once.
const PIECE: usize = 1_000;

/// Write a table, CSV or workbook of rows produced by `rows` instead of
/// held, so that a report of hundreds of thousands of lines does not hold
/// them all as text. CSV is written row by row. A table's rows are made
/// once, measured, and kept for drawing beyond the first [`PIECE`] in a
/// temporary file (see `spool`). A table of up to [`PIECE`]
/// rows is drawn as [`Table`] draws it; a longer one in pieces of that many
/// rows with every column as wide as its widest value, whose lines join
/// into one table (at its full width: it is not wrapped to the terminal).
/// A workbook is written row by row too (see [`xlsx::write_streamed`]).
pub fn write_rows(
    out: &mut dyn Write,
    format: Format,
    lang: Lang,
    headers: &[(&str, &str)],
    rows: RowSource,
) -> Result<()> {
    let mut table = Table::new(lang, headers);
    match format {
        Format::Csv => {
            let mut w = csv::Writer::from_writer(out);
            w.write_record(&table.headers)?;
            rows(&mut |row| Ok(w.write_record(row.iter().map(Cell::for_csv))?))?;
            w.flush()?;
            Ok(())
        }
        Format::Table => {
            // The rows are made once: measured as they come and kept (in a
            // temporary file past the first PIECE), then drawn from there.
            let mut measure = Measure::new(&table.headers);
            let mut count = 0usize;
            let mut kept = spool::Spool::new();
            rows(&mut |row| {
                measure.add(&row);
                count += 1;
                kept.push(row)
            })?;
            if count <= PIECE {
                kept.replay(rows, &mut |row| {
                    table.push(row);
                    Ok(())
                })?;
                return table.write_table(out);
            }
            let colour = COLOUR.load(Ordering::Relaxed);
            let plain = Plain::whole(&measure);
            let mut first = true;
            let mut written = 0usize;
            let mut piece = |table: &mut Table, out: &mut dyn Write| -> Result<()> {
                written += table.rows.len();
                let ends = Ends { top: first, bottom: written == count };
                if !colour {
                    let texts: Vec<Vec<String>> =
                        table.rows.iter().map(|r| r.iter().map(Cell::for_table).collect()).collect();
                    if plain.fits(&table.headers, &texts) {
                        let header = (first && !table.headers.is_empty()).then_some(&table.headers[..]);
                        plain.write(out, header, &texts, ends)?;
                        first = false;
                        table.rows.clear();
                        return Ok(());
                    }
                }
                let drawn = table.comfy(colour, &measure, Widths::Whole, first).to_string();
                let mut lines: Vec<&str> = drawn.lines().collect();
                // The top border belongs to the first piece, the bottom to the last.
                if !ends.top {
                    lines.remove(0);
                }
                if !ends.bottom {
                    lines.pop();
                }
                for line in lines {
                    writeln!(out, "{line}")?;
                }
                first = false;
                table.rows.clear();
                Ok(())
            };
            kept.replay(rows, &mut |row| {
                table.push(row);
                if table.rows.len() == PIECE {
                    piece(&mut table, out)?;
                }
                Ok(())
            })?;
            if !table.rows.is_empty() {
                piece(&mut table, out)?;
            }
            Ok(())
        }
        Format::Xlsx => {
            xlsx::refuse_on_terminal()?;
            xlsx::write_streamed(out, &table.headers, rows)
        }
        other => Err(not_offered(other)),
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

/// A JSON array written element by element, exactly as [`write_json`]
/// writes the whole array: for lists of millions that are never held.
pub struct JsonSeq<'a> {
    out: &'a mut dyn Write,
    count: usize,
    /// The indent of the array's closing bracket ("" at the top level).
    indent: &'static str,
}

impl<'a> JsonSeq<'a> {
    pub fn new(out: &'a mut dyn Write) -> JsonSeq<'a> {
        JsonSeq { out, count: 0, indent: "" }
    }

    /// An array that is the value of a field of a top-level object: its
    /// elements indented one level deeper, its closing bracket at `  `,
    /// nothing after it (the caller closes the object).
    pub fn in_object(out: &'a mut dyn Write) -> JsonSeq<'a> {
        JsonSeq { out, count: 0, indent: "  " }
    }

    /// The next element, indented as an element of a pretty array.
    pub fn push<T: serde::Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let text = serde_json::to_string_pretty(value)?;
        // Indented in one buffer and written at once: an element per
        // invoice or customer, hundreds of thousands of lines.
        let mut buf = Vec::with_capacity(text.len() + text.len() / 4 + 2);
        buf.extend_from_slice(if self.count == 0 { b"[\n" } else { b",\n" });
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                buf.push(b'\n');
            }
            buf.extend_from_slice(self.indent.as_bytes());
            buf.extend_from_slice(b"  ");
            buf.extend_from_slice(line.as_bytes());
        }
        self.out.write_all(&buf)?;
        self.count += 1;
        Ok(())
    }

    /// Close the array (`[]` when nothing was pushed); at the top level,
    /// with the newline [`write_json`] ends with.
    pub fn finish(self) -> Result<()> {
        if self.count == 0 {
            write!(self.out, "[]")?;
        } else {
            write!(self.out, "\n{}]", self.indent)?;
        }
        if self.indent.is_empty() {
            writeln!(self.out)?;
        }
        Ok(())
    }
}

/// Money travels in JSON as a string with two decimals: `"1234.50"`.
impl serde::Serialize for Money {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.with_plain(|text| s.serialize_str(text))
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

    /// 2,500 rows (three pieces) of text, CJK text, amounts, counts, dates
    /// and empty cells of varying widths.
    fn long_table() -> Table {
        let mut t = Table::new(
            Lang::En,
            &[
                ("customer", "客户"),
                ("name", "名称"),
                ("amount", "金额"),
                ("days", "天数"),
                ("due", "到期日"),
                ("note", "备注"),
            ],
        );
        for i in 0..2_500i64 {
            t.push(vec![
                Cell::text(format!("C{:0width$}", i, width = (i % 7) as usize)),
                Cell::text(if i % 3 == 0 { "宏达贸易".to_string() } else { "x".repeat((i % 40) as usize) }),
                Cell::Money(Money::from_cents(i * 123_457 - 1_000_000)),
                Cell::Int(i % 400),
                Cell::Date(NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new((i % 300) as u64)),
                if i % 5 == 0 { Cell::Empty } else { Cell::text("n") },
            ]);
        }
        t
    }

    fn streamed(t: &Table, format: Format) -> String {
        let headers: Vec<(&str, &str)> = t.headers.iter().map(|h| (h.as_str(), h.as_str())).collect();
        let mut out = Vec::new();
        write_rows(&mut out, format, Lang::En, &headers, &|emit| {
            for r in &t.rows {
                emit(r.clone())?;
            }
            Ok(())
        })
        .unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_long_table_drawn_in_pieces_is_the_table_drawn_whole() {
        let t = long_table();
        let mut whole = Vec::new();
        t.write_table(&mut whole).unwrap();
        let whole = String::from_utf8(whole).unwrap();
        let pieces = streamed(&t, Format::Table);
        assert_eq!(pieces.lines().count(), 2_500 + 4, "borders, header, separator, rows");
        assert_eq!(pieces, whole);
        let mut csv = Vec::new();
        t.write_csv(&mut csv).unwrap();
        assert_eq!(streamed(&t, Format::Csv), String::from_utf8(csv).unwrap());
    }

    #[test]
    fn a_long_table_s_rows_are_made_once() {
        let t = long_table();
        let headers: Vec<(&str, &str)> = t.headers.iter().map(|h| (h.as_str(), h.as_str())).collect();
        let made = std::cell::Cell::new(0);
        write_rows(&mut Vec::new(), Format::Table, Lang::En, &headers, &|emit| {
            made.set(made.get() + 1);
            t.rows.iter().try_for_each(|r| emit(r.clone()))
        })
        .unwrap();
        assert_eq!(made.get(), 1, "measured and drawn from one pass");
    }

    #[test]
    fn a_short_streamed_table_is_the_table() {
        let mut t = long_table();
        t.rows.truncate(PIECE);
        let mut whole = Vec::new();
        t.write_table(&mut whole).unwrap();
        assert_eq!(streamed(&t, Format::Table), String::from_utf8(whole).unwrap());
    }

    #[test]
    fn a_json_array_written_element_by_element_is_the_array_written_whole() {
        #[derive(serde::Serialize)]
        struct Row {
            name: &'static str,
            amount: Money,
            tags: Vec<&'static str>,
            none: Vec<i64>,
            memo: Option<&'static str>,
        }
        let row = |name| Row {
            name,
            amount: Money::from_cents(-150),
            tags: vec!["a", "b"],
            none: vec![],
            memo: Some("x\ny"),
        };
        for n in [0, 1, 3] {
            let rows: Vec<Row> = ["甲", "b", "c"].into_iter().take(n).map(row).collect();
            let mut whole = Vec::new();
            write_json(&mut whole, &rows).unwrap();
            let mut each = Vec::new();
            let mut seq = JsonSeq::new(&mut each);
            rows.iter().for_each(|r| seq.push(r).unwrap());
            seq.finish().unwrap();
            assert_eq!(String::from_utf8(each).unwrap(), String::from_utf8(whole).unwrap(), "{n} rows");
        }
    }

    mod plain {
        use super::*;
        use proptest::prelude::*;

        /// A value of any kind; text from an alphabet of one-, two- and
        /// zero-column characters (an emoji counts one column in
        /// [`display_width`] but two for comfy-table).
        fn cell() -> impl Strategy<Value = Cell> {
            let text = proptest::collection::vec(
                prop_oneof![
                    Just('a'),
                    Just('Z'),
                    Just(' '),
                    Just('7'),
                    Just('宏'),
                    Just('Ａ'),
                    Just('😀'),
                    Just('\u{301}'),
                    Just('\u{200d}'),
                ],
                0..14,
            )
            .prop_map(|cs| Cell::Text(cs.into_iter().collect()));
            prop_oneof![
                4 => text,
                2 => (-10_000_000_000i64..10_000_000_000).prop_map(|c| Cell::Money(Money::from_cents(c))),
                1 => (-5_000i64..5_000).prop_map(Cell::Int),
                1 => (0u64..4_000).prop_map(|d| Cell::Date(NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + chrono::Days::new(d))),
                1 => Just(Cell::Empty),
            ]
        }

        /// Headers (one sometimes on two lines) and rows as long as the
        /// headers, shorter or longer.
        fn table() -> impl Strategy<Value = Table> {
            let header = prop_oneof![
                4 => "[a-z]{0,12}",
                1 => Just("金额".to_string()),
                1 => Just("over\ndue".to_string()),
            ];
            (
                proptest::collection::vec(header, 1..6),
                proptest::collection::vec(proptest::collection::vec(cell(), 0..7), 0..12),
            )
                .prop_map(|(headers, rows)| Table { headers, rows, overdue: vec![] })
        }

        fn texts(t: &Table) -> Vec<Vec<String>> {
            t.rows.iter().map(|r| r.iter().map(Cell::for_table).collect()).collect()
        }

        fn measure(t: &Table) -> Measure {
            let mut m = Measure::new(&t.headers);
            t.rows.iter().for_each(|r| m.add(r));
            m
        }

        fn drawn_by_comfy(t: &Table, m: &Measure, widths: Widths) -> String {
            let mut c = t.comfy(false, m, widths, true);
            c.force_no_tty();
            format!("{c}\n")
        }

        fn drawn_here(t: &Table, plain: &Plain) -> String {
            let mut out = Vec::new();
            plain.write(&mut out, Some(&t.headers), &texts(t), Ends::BOTH).unwrap();
            String::from_utf8(out).unwrap()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(2_000))]

            /// A table written anywhere but a terminal: wherever every value
            /// fits on one line, the lines drawn here are comfy-table's.
            #[test]
            fn a_table_drawn_here_is_the_table_comfy_table_draws(t in table()) {
                let m = measure(&t);
                let plain = Plain::fitted(&m, &t.headers, &texts(&t));
                let fits = plain.fits(&t.headers, &texts(&t));
                let multi_line = t.headers.iter().any(|h| h.contains('\n'));
                prop_assert_eq!(fits, !multi_line);
                if fits {
                    prop_assert_eq!(drawn_here(&t, &plain), drawn_by_comfy(&t, &m, Widths::Fit));
                }
            }

            /// A piece of a long table: each column as wide as its widest
            /// value over the whole table. A value wider for comfy-table
            /// than [`display_width`] counts it is left to comfy-table.
            #[test]
            fn a_piece_drawn_here_is_the_piece_comfy_table_draws(t in table()) {
                let m = measure(&t);
                let plain = Plain::whole(&m);
                let fits = plain.fits(&t.headers, &texts(&t));
                // Only an emoji is wider for comfy-table than for display_width.
                let wider = t.headers.iter().any(|h| h.contains('\n'))
                    || texts(&t).iter().flatten().any(|v| v.contains('😀'));
                prop_assert!(fits || wider);
                if fits {
                    prop_assert_eq!(drawn_here(&t, &plain), drawn_by_comfy(&t, &m, Widths::Whole));
                }
            }
        }

        #[test]
        fn a_value_wider_than_its_column_is_left_to_comfy_table() {
            let t = Table {
                headers: vec!["name".into()], rows: vec![vec![Cell::text("😀😀😀😀😀")]], overdue: vec![]
            };
            let m = measure(&t);
            assert_eq!(m.columns[0].widest, 5, "display_width counts an emoji as one column");
            assert!(!Plain::whole(&m).fits(&t.headers, &texts(&t)), "comfy-table counts ten");
            assert!(Plain::fitted(&m, &t.headers, &texts(&t)).fits(&t.headers, &texts(&t)));
        }
    }

    #[test]
    fn money_is_a_json_string() {
        assert_eq!(serde_json::to_string(&Money::from_cents(123_450)).unwrap(), "\"1234.50\"");
    }
}
