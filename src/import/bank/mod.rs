//! The bank statement reader: a bank's or payment platform's export in, the
//! transaction lines out (DESIGN §4, `shared/formats/README.md`).
//!
//! 1. **Sniff** the first bytes: OLE2 → XLS (BIFF8), zip → XLSX, else text.
//! 2. **Decode** text: BOM, valid UTF-8, else GBK/GB18030 or Latin-1 decided
//!    by which one makes known header words appear (`decode.rs`).
//! 3. **Find the header** by vocabulary in the first [`HEADER_WINDOW`] rows
//!    (trying `,` `;` TAB `|` for text, and every sheet of a workbook), with
//!    the declarative [`Profile`]s: the user's first, then the built-in ones;
//!    the profile whose required fields all appear and that matches most
//!    fields wins. Files without a header need a profile naming columns by
//!    number, passed explicitly.
//! 4. **Extract**: a row is a transaction when it has a date and an amount the
//!    profile can read; everything else (preamble, blank rows, markers,
//!    totals, disclaimers) is skipped and counted. A row that is plainly a
//!    transaction but cannot be read is an error naming file:line. Money in
//!    that the file marks as a refund (a 退款 / Refund type, direction or
//!    status) stays a credit and is listed in [`Statement::refunds`].
//! 5. **Check** the totals the file states about itself (a platform's
//!    `收入：2笔 1412.00元`, a bank's `人民币合计` row) against the lines
//!    (`declared.rs`).
//!
//! A statement is read in passes over its text, never held as text, rows
//! or lines: [`open_statement`] does 1–3 (a text file is read again on
//! every pass, decoded as it is read, see `stream.rs`; a workbook's sheet is
//! held as its library reads it), then
//! [`Opened::summary`] reads the rows once to settle the decimal mark and
//! date order and once more to check every row (4 and 5, the lines counted
//! and tallied, not kept), and [`Opened::each_line`] reads them a last time
//! to give the lines one at a time to the import.
//!
//! Nothing here panics on any input, and money never goes through `f64`.

pub(crate) mod amount;
mod budget;
pub(crate) mod date;
mod declared;
mod decode;
mod error;
mod extract;
mod grid;
mod ole;
mod profile;
mod stream;
mod xlsx;

#[cfg(test)]
mod tests;

use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

use chrono::{NaiveDate, NaiveTime};

use super::input::{InputError, InputLimit, input_name, open_input_or_stdin, read_opened};
use crate::ledger::money::Money;
use crate::store::payments::Method;

pub use date::DateOrder;
pub use declared::{Declared, Tally};
pub use error::BankError;
pub use extract::ReadLine;
pub use profile::{Fields, Names, Numbers, Profile, builtin_profiles, load_profile, load_user_profiles, parse_profile};
pub(crate) use xlsx::{StreamError, Visit, stream_sheets};

use decode::Sniffed;
use grid::{DELIMITERS, Grid, Row, norm};
use profile::{ColumnMap, HeaderMatcher};

/// How many rows (after a profile's `skip_lines`) are searched for the header.
pub const HEADER_WINDOW: usize = 30;

/// The longest cell (in bytes) that can be a header name.
const MAX_HEADER_CELL: usize = 256;

/// How to read a statement.
#[derive(Clone, Debug, Default)]
pub struct ReadOptions {
    /// Force this profile (else it is detected from the header).
    pub profile: Option<Profile>,
    /// Force an encoding: "utf-8" | "gbk" | "gb18030" | "latin-1" (cp1252). None = detect.
    pub encoding: Option<String>,
    /// Profiles from the user's config directory, tried before the built-in ones.
    pub user_profiles: Vec<Profile>,
    /// The largest file read (the book's `max_input_mb`).
    pub max_input: InputLimit,
}

/// A statement as read, every line held: its [`Summary`] (also reached
/// through it: `statement.profile`) and its lines.
#[derive(Clone, Debug)]
pub struct Statement {
    pub summary: Summary,
    /// Transaction rows only, in file order.
    pub lines: Vec<BankLine>,
    /// Indexes into `lines` of the credits the file marks as refunds
    /// (ascending): money in, but never a customer's payment.
    pub refunds: Vec<usize>,
    /// Those refunds whose status also says closed (WeChat's
    /// `已退款￥742.00`): before refunds were told apart they were read as
    /// neutral, and their re-import fingerprint keeps that direction, so a
    /// statement imported then is not imported twice.
    pub closed_refunds: Vec<usize>,
}

impl std::ops::Deref for Statement {
    type Target = Summary;

    fn deref(&self) -> &Summary {
        &self.summary
    }
}

impl Statement {
    /// The currency of a line: its own cell, else the statement's.
    pub fn currency_of<'a>(&'a self, line: &'a BankLine) -> Option<&'a str> {
        line.currency.as_deref().or(self.currency.as_deref())
    }
}

/// A currency as one code: `人民币`, `RMB`, `CNY`, `¥` and `￥` are `CNY`,
/// `美元` is `USD`, … and anything else its own text in capitals.
pub fn currency_code(text: &str) -> String {
    let t = text.trim();
    const SAME: [(&str, &str); 14] = [
        ("人民币", "CNY"),
        ("人民币元", "CNY"),
        ("RMB", "CNY"),
        ("¥", "CNY"),
        ("￥", "CNY"),
        ("元", "CNY"),
        ("美元", "USD"),
        ("US$", "USD"),
        ("欧元", "EUR"),
        ("€", "EUR"),
        ("港币", "HKD"),
        ("港元", "HKD"),
        ("日元", "JPY"),
        ("英镑", "GBP"),
    ];
    match SAME.iter().find(|(k, _)| k.eq_ignore_ascii_case(t)) {
        Some((_, code)) => (*code).to_string(),
        None => t.to_uppercase(),
    }
}

/// Whether two currency spellings name the same currency.
pub fn same_currency(a: &str, b: &str) -> bool {
    currency_code(a) == currency_code(b)
}

/// One transaction of a statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BankLine {
    /// 1-based line in the file (CSV) or 1-based sheet row (XLS/XLSX).
    pub line: u64,
    pub date: NaiveDate,
    /// The time of day, when the file gives one.
    pub time: Option<NaiveTime>,
    /// Always positive (or zero): the gross magnitude.
    pub amount: Money,
    pub direction: Direction,
    /// A processor's fee, when the file has one (positive).
    pub fee: Option<Money>,
    pub counterparty: Option<String>,
    /// Counterparty account number, spaces removed.
    pub account: Option<String>,
    pub memo: Option<String>,
    pub reference: Option<String>,
    /// Running balance if the file has one (may be negative).
    pub balance: Option<Money>,
    /// The currency column's value, when the file has one.
    pub currency: Option<String>,
}

/// Which way money moved: defined with the stored bank lines, which keep it.
pub use crate::store::bank::Direction;

/// Read a statement file, every line held: for tests and small files; an
/// import opens it ([`open_statement`]) and reads its lines one at a time.
pub fn read_statement(path: &Path, opts: &ReadOptions) -> Result<Statement, BankError> {
    let opened = open_statement(path, opts)?;
    opened.read_all()
}

/// Read a statement already in memory; `name` names it in messages.
pub fn read_statement_bytes(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Statement, BankError> {
    open_statement_bytes(name, bytes, opts)?.read_all()
}

/// Open a statement file: its encoding chosen, its layout found. A text
/// file is never held: it is read again, decoded as it is read, on every
/// pass (standard input is first copied to an unnamed temporary file); a
/// workbook is read whole by its library (at most the book's
/// `max_input_mb`).
pub fn open_statement(path: &Path, opts: &ReadOptions) -> Result<Opened, BankError> {
    // `-` is standard input, named `stdin` in messages and in the batch.
    let file = input_name(path);
    let refused = |e: InputError| match e {
        InputError::Io(reason) => BankError::Io { file: file.clone(), reason },
        e => BankError::Input { file: file.clone(), reason: e.en(), reason_zh: e.zh() },
    };
    let opened = open_input_or_stdin(path, opts.max_input).map_err(refused)?;
    let mut head = [0u8; 8];
    let n = crate::import::text::fill(&mut &opened, &mut head).map_err(|e| refused(InputError::Io(e.to_string())))?;
    if decode::sniff(head.get(..n).unwrap_or(&[])) != Sniffed::Text {
        let bytes = read_opened(&opened, opts.max_input).map_err(refused)?;
        return open_owned(&file, bytes, opts);
    }
    let builtin = if opts.profile.is_some() { Vec::new() } else { builtin_profiles() };
    let candidates = Candidates::new(opts, &builtin);
    open_text(&file, stream::Bytes::File(opened), opts, &candidates)
}

/// [`open_statement`] for a statement already in memory.
pub fn open_statement_bytes(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<Opened, BankError> {
    open_owned(name, bytes.to_vec(), opts)
}

/// [`open_statement`] for the bytes of a statement.
fn open_owned(name: &str, bytes: Vec<u8>, opts: &ReadOptions) -> Result<Opened, BankError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(BankError::Empty { file: name.into() });
    }
    let builtin = if opts.profile.is_some() { Vec::new() } else { builtin_profiles() };
    let candidates = Candidates::new(opts, &builtin);
    match decode::sniff(&bytes) {
        Sniffed::Xls => open_workbook(name, &bytes, xlsx::Book::Xls, &candidates),
        Sniffed::Xlsx => open_workbook(name, &bytes, xlsx::Book::Xlsx, &candidates),
        Sniffed::Text => open_text(name, stream::Bytes::Memory(bytes), opts, &candidates),
    }
}

/// A statement opened: where its header is and what its columns are, and
/// its rows, read again for each pass (see [`Opened::summary`] and
/// [`Opened::each_line`]).
pub struct Opened {
    file: String,
    encoding: &'static str,
    sheet: Option<String>,
    profile: Profile,
    map: ColumnMap,
    header_line: Option<u64>,
    round: bool,
    body: Body,
    /// The rows above the data (for a file with a header: above it).
    preamble: Vec<Row>,
    /// The first data row (0-based, among every row of the body).
    start: usize,
}

/// Where a statement's rows come from.
enum Body {
    /// Delimited text, read through [`grid::TextRows`] on every pass.
    Text { source: stream::TextSource, delim: u8 },
    /// A workbook's sheet, read whole by its library.
    Sheet(Grid),
}

/// The rows of a body, from the first.
enum BodyRows<'a> {
    Text(Box<grid::TextRows<Box<dyn Read + 'a>>>),
    Sheet { rows: std::slice::Iter<'a, Row>, blank_lines: usize },
}

impl Body {
    fn rows(&self) -> BodyRows<'_> {
        match self {
            Body::Text { source, delim } => BodyRows::Text(Box::new(grid::TextRows::new(source.text(*delim), *delim))),
            Body::Sheet(g) => BodyRows::Sheet { rows: g.rows.iter(), blank_lines: g.blank_lines },
        }
    }
}

impl<'a> BodyRows<'a> {
    /// Once every row has been read: the lines that held none.
    fn blank_lines(&self) -> usize {
        match self {
            BodyRows::Text(t) => t.blank_lines(),
            BodyRows::Sheet { blank_lines, .. } => *blank_lines,
        }
    }

    /// The rows stopped because the file could not be read (or changed
    /// since it was first read): say so, naming it.
    fn read_through(&self, file: &str) -> Result<(), BankError> {
        match self {
            BodyRows::Text(t) => match t.failure() {
                Some(e) if stream::is_changed(e) => Err(BankError::Changed { file: file.into() }),
                Some(e) => Err(BankError::Io { file: file.into(), reason: e.to_string() }),
                None => Ok(()),
            },
            BodyRows::Sheet { .. } => Ok(()),
        }
    }
}

impl<'a> Iterator for BodyRows<'a> {
    type Item = Cow<'a, Row>;

    fn next(&mut self) -> Option<Cow<'a, Row>> {
        match self {
            BodyRows::Text(t) => t.next().map(Cow::Owned),
            BodyRows::Sheet { rows, .. } => rows.next().map(Cow::Borrowed),
        }
    }
}

/// What a statement says about itself, read without holding its lines: the
/// lines are counted, checked and tallied, the running balance followed and
/// the file's own totals found.
#[derive(Clone, Debug)]
pub struct Summary {
    /// The file as given, for messages.
    pub file: String,
    /// The profile's name.
    pub profile: String,
    /// How the statement's credits are recorded as payments (the profile's `method`).
    pub method: Method,
    /// "UTF-8", "UTF-8 (BOM)", "UTF-16", "GBK/GB18030", "Latin-1", "XLSX", "XLS".
    pub encoding: String,
    /// 1-based line (or sheet row) of the header; None for headerless profiles.
    pub header_line: Option<u64>,
    /// For workbooks, the sheet read.
    pub sheet: Option<String>,
    /// Transaction rows.
    pub line_count: usize,
    /// Credits the file marks as refunds.
    pub refund_count: usize,
    /// Preamble, footer, totals, notice, marker and blank rows skipped.
    pub skipped: usize,
    /// Lines whose running balance does not follow from the previous row (only
    /// when the profile has a balance column). Files run oldest-first or
    /// newest-first: both readings are tried and the one with fewer breaks is
    /// reported (newest-first, the upper row of a broken pair is named).
    pub balance_breaks: Vec<u64>,
    /// The currency of lines without a currency cell: the profile's
    /// `currency`, else one named in the amount header (`Amount (USD)`);
    /// `None`: the book's.
    pub currency: Option<String>,
    /// The totals the file states about itself, checked against its lines;
    /// `None` when it states none.
    pub declared: Option<Declared>,
    settings: extract::Settings,
}

impl Opened {
    /// The data rows, from the first after the header (or the preamble).
    fn data_rows(&self) -> BodyRows<'_> {
        let mut rows = self.body.rows();
        for _ in 0..self.start {
            if rows.next().is_none() {
                break;
            }
        }
        rows
    }

    /// Read every row once to settle the decimal mark and date order, and
    /// again to check every transaction row: a row that cannot be read is an
    /// error naming file:line, and no line is held.
    pub fn summary(&self) -> Result<Summary, BankError> {
        let mut rows = self.data_rows();
        let settings = extract::settle(rows.by_ref(), &self.profile, &self.map);
        rows.read_through(&self.file)?;
        let mut rows = self.data_rows();
        let checked =
            extract::check(&self.file, &self.preamble, rows.by_ref(), &self.profile, &self.map, self.round, settings)?;
        rows.read_through(&self.file)?;
        if checked.lines == 0 {
            return Err(BankError::NoTransactions { file: self.file.clone() });
        }
        // Every row that is neither the header nor a transaction (blank
        // lines included) is skipped.
        let header_rows = usize::from(self.header_line.is_some());
        let all_rows = self.start + checked.rows + rows.blank_lines();
        Ok(Summary {
            file: self.file.clone(),
            profile: self.profile.name.clone(),
            method: self.profile.method(),
            encoding: self.encoding.into(),
            header_line: self.header_line,
            sheet: self.sheet.clone(),
            line_count: checked.lines,
            refund_count: checked.refunds,
            skipped: all_rows.saturating_sub(header_rows + checked.lines),
            balance_breaks: checked.balance_breaks,
            currency: self
                .profile
                .currency
                .as_deref()
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_string)
                .or_else(|| self.map.currency_hint.clone()),
            declared: checked.stated.map(|st| Declared::check(st, checked.tally)),
            settings,
        })
    }

    /// Give each transaction line in file order, read once more: after
    /// [`Opened::summary`], which found every one readable.
    pub fn each_line<E: From<BankError>>(
        &self,
        summary: &Summary,
        f: impl FnMut(ReadLine) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut rows = self.data_rows();
        extract::each_line(&self.file, rows.by_ref(), &self.profile, &self.map, self.round, summary.settings, f)?;
        Ok(rows.read_through(&self.file)?)
    }

    /// The whole statement, every line held.
    pub fn read_all(&self) -> Result<Statement, BankError> {
        let summary = self.summary()?;
        let mut lines = Vec::with_capacity(summary.line_count);
        let (mut refunds, mut closed_refunds) = (Vec::new(), Vec::new());
        self.each_line(&summary, |r: ReadLine| -> Result<(), BankError> {
            if r.refund {
                refunds.push(lines.len());
            }
            if r.closed_refund {
                closed_refunds.push(lines.len());
            }
            lines.push(r.line);
            Ok(())
        })?;
        Ok(Statement { summary, lines, refunds, closed_refunds })
    }
}

/// The profiles to try, in order, and whether each is the user's.
struct Candidates<'a> {
    list: Vec<(&'a Profile, bool)>,
    matchers: Vec<HeaderMatcher<'a>>,
    forced: Option<&'a Profile>,
}

impl<'a> Candidates<'a> {
    fn new(opts: &'a ReadOptions, builtin: &'a [Profile]) -> Candidates<'a> {
        let (list, forced): (Vec<(&Profile, bool)>, _) = match &opts.profile {
            Some(p) => (vec![(p, true)], Some(p)),
            None => {
                (opts.user_profiles.iter().map(|p| (p, true)).chain(builtin.iter().map(|p| (p, false))).collect(), None)
            }
        };
        let matchers = list.iter().map(|(p, _)| HeaderMatcher::new(p)).collect();
        Candidates { list, matchers, forced }
    }

    fn vocabulary(&self) -> Vec<String> {
        let mut v: Vec<String> = self.list.iter().flat_map(|(p, _)| p.vocabulary()).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The forced profile when it names columns by number.
    fn headerless(&self) -> Option<&'a Profile> {
        self.forced.filter(|p| p.is_headerless())
    }

    fn max_skip(&self) -> usize {
        self.list.iter().map(|(p, _)| usize::try_from(p.skip_lines).unwrap_or(usize::MAX)).max().unwrap_or(0)
    }
}

/// A header found: which profile, which row (index into the grid's rows).
struct Found<'a> {
    profile: &'a Profile,
    row: usize,
    map: ColumnMap,
    /// (user's profile, fields matched, earlier profile, earlier row): higher wins.
    rank: (bool, usize, std::cmp::Reverse<usize>, std::cmp::Reverse<usize>),
}

/// The best header among the first rows of a grid. `delimiter`: the one the
/// rows were split with (profiles fixing another are not tried).
fn find_header<'a>(rows: &[Row], candidates: &Candidates<'a>, delimiter: Option<u8>) -> Option<Found<'a>> {
    let mut best: Option<Found<'a>> = None;
    let mut normed: Vec<Option<Vec<String>>> = vec![None; rows.len()];
    for (ci, ((profile, user), matcher)) in candidates.list.iter().zip(&candidates.matchers).enumerate() {
        if profile.is_headerless() {
            continue;
        }
        if let (Some(d), Some(fixed)) = (delimiter, profile.delimiter_byte())
            && d != fixed
        {
            continue;
        }
        let window = rows.iter().enumerate().filter(|(_, r)| r.line > profile.skip_lines).take(HEADER_WINDOW);
        for (ri, row) in window {
            if row.is_blank() {
                continue;
            }
            let Some(slot) = normed.get_mut(ri) else { continue };
            // No header word is long: a long cell is not normalised (a
            // 10 MB cell would be, once per row and delimiter tried).
            let header = slot.get_or_insert_with(|| {
                row.cells.iter().map(|c| if c.len() > MAX_HEADER_CELL { String::new() } else { norm(c) }).collect()
            });
            if let Some((score, map)) = matcher.match_header(header) {
                let rank = (*user, score, std::cmp::Reverse(ci), std::cmp::Reverse(ri));
                if best.as_ref().is_none_or(|b| rank > b.rank) {
                    best = Some(Found { profile, row: ri, map, rank });
                }
            }
        }
    }
    best
}

fn open_text(
    name: &str,
    bytes: stream::Bytes,
    opts: &ReadOptions,
    candidates: &Candidates,
) -> Result<Opened, BankError> {
    let forced_encoding = opts.encoding.as_deref().or_else(|| candidates.forced.and_then(|p| p.forced_encoding()));
    let source = stream::TextSource::open(name, bytes, forced_encoding, &candidates.vocabulary())?;
    let label = source.label;
    // The first rows of the text read with a delimiter.
    let head =
        |d: u8, n: usize| Grid { rows: grid::TextRows::new(source.text(d), d).take(n).collect(), ..Grid::default() };
    if let Some(profile) = candidates.headerless() {
        let delim = profile.delimiter_byte().unwrap_or_else(|| grid::sniff_delimiter(|d| head(d, 40).rows));
        // The rows up to the profile's `skip_lines` are the preamble.
        let preamble: Vec<Row> =
            grid::TextRows::new(source.text(delim), delim).take_while(|r| r.line <= profile.skip_lines).collect();
        let body = Body::Text { source, delim };
        let map = profile.numbered_columns().unwrap_or_default();
        return Ok(opened(name, label, None, profile, map, None, preamble, body, false));
    }
    let head_rows = HEADER_WINDOW.saturating_add(candidates.max_skip()).saturating_mul(2);
    let delimiters: Vec<u8> = match candidates.forced.and_then(|p| p.delimiter_byte()) {
        Some(d) => vec![d],
        None => DELIMITERS.to_vec(),
    };
    let mut best: Option<(Found, u8, Grid)> = None;
    let mut grids = Vec::new();
    for d in delimiters {
        let head = head(d, head_rows);
        if let Some(found) = find_header(&head.rows, candidates, Some(d))
            && best.as_ref().is_none_or(|(b, _, _)| (found.rank.0, found.rank.1) > (b.rank.0, b.rank.1))
        {
            best = Some((found, d, head));
        } else {
            grids.push(head);
        }
    }
    let Some((found, delim, head)) = best else {
        return Err(no_header(name, candidates, grids.iter().map(|g| g.rows.as_slice())));
    };
    drop(grids);
    let mut rows = head.rows;
    let header = rows.get(found.row).map(|r| r.line);
    rows.truncate(found.row);
    let body = Body::Text { source, delim };
    Ok(opened(name, label, None, found.profile, found.map, header, rows, body, false))
}

/// Refuse a statement sheet with a number cell below line `above` that has
/// lost digits (an account or serial number stored as a number): its rows
/// could be taken for one another's.
fn imprecise(name: &str, grid: &Grid, above: u64) -> Result<(), BankError> {
    match grid.imprecise.iter().find(|(line, ..)| *line > above) {
        Some((line, cell, number)) => {
            Err(BankError::Imprecise { file: name.into(), line: *line, cell: cell.clone(), number: number.clone() })
        }
        None => Ok(()),
    }
}

fn open_workbook(name: &str, bytes: &[u8], book: xlsx::Book, candidates: &Candidates) -> Result<Opened, BankError> {
    let sheets = xlsx::read_sheets(name, bytes, book)?;
    if let Some(profile) = candidates.headerless() {
        let Some((sheet, grid)) = sheets.into_iter().find(|(_, g)| g.rows.iter().any(|r| !r.is_blank())) else {
            return Err(BankError::NoTransactions { file: name.into() });
        };
        let preamble: Vec<Row> = grid.rows.iter().take_while(|r| r.line <= profile.skip_lines).cloned().collect();
        imprecise(name, &grid, profile.skip_lines)?;
        let map = profile.numbered_columns().unwrap_or_default();
        return Ok(opened(name, book.label(), Some(sheet), profile, map, None, preamble, Body::Sheet(grid), true));
    }
    let mut found_in = None;
    for (i, (_, grid)) in sheets.iter().enumerate() {
        if let Some(found) = find_header(&grid.rows, candidates, None) {
            found_in = Some((i, found));
            break;
        }
    }
    let Some((i, found)) = found_in else {
        return Err(no_header(name, candidates, sheets.iter().map(|(_, g)| g.rows.as_slice())));
    };
    let Some((sheet, grid)) = sheets.into_iter().nth(i) else {
        return Err(BankError::NoHeader { file: name.into() });
    };
    let header = grid.rows.get(found.row).map(|r| r.line);
    imprecise(name, &grid, header.unwrap_or(0))?;
    let preamble = grid.rows.get(..found.row).unwrap_or(&[]).to_vec();
    Ok(opened(name, book.label(), Some(sheet), found.profile, found.map, header, preamble, Body::Sheet(grid), true))
}

/// No header found: with a forced profile, say so; else name the row that
/// came closest (the most of a profile's date and money columns) and the
/// columns it lacks.
fn no_header<'r>(name: &str, candidates: &Candidates, grids: impl Iterator<Item = &'r [Row]>) -> BankError {
    if let Some(p) = candidates.forced {
        return BankError::HeaderNotFound { file: name.into(), profile: p.name.clone(), lines: HEADER_WINDOW };
    }
    // (columns found, fewer missing, earlier row): higher is closer.
    type Closeness = (usize, std::cmp::Reverse<usize>, std::cmp::Reverse<u64>);
    let mut best: Option<(Closeness, Vec<profile::Field>)> = None;
    for rows in grids {
        // A header names columns: a row holding a date is data, not a candidate.
        let names_only = |r: &&Row| !r.is_blank() && !r.cells.iter().any(|c| date::looks_like_date(c));
        for row in rows.iter().filter(names_only).take(HEADER_WINDOW) {
            let header: Vec<String> =
                row.cells.iter().map(|c| if c.len() > MAX_HEADER_CELL { String::new() } else { norm(c) }).collect();
            for (profile, matcher) in candidates.list.iter().zip(&candidates.matchers) {
                if profile.0.is_headerless() {
                    continue;
                }
                let (found, missing) = matcher.required_missing(&header);
                let rank = (found, std::cmp::Reverse(missing.len()), std::cmp::Reverse(row.line));
                if found > 0 && !missing.is_empty() && best.as_ref().is_none_or(|(r, _)| rank > *r) {
                    best = Some((rank, missing));
                }
            }
        }
    }
    match best {
        Some(((_, _, std::cmp::Reverse(line)), missing)) => {
            let (en, zh) = profile::describe_missing(&missing);
            BankError::NoHeaderNear { file: name.into(), line, missing: en, missing_zh: zh }
        }
        None => BankError::NoHeader { file: name.into() },
    }
}

/// A statement opened: `header_line` is where its header is (the row after
/// `preamble`), or `None` for a profile naming columns by number, whose
/// data start right after the preamble.
#[allow(clippy::too_many_arguments)]
fn opened(
    name: &str,
    encoding: &'static str,
    sheet: Option<String>,
    profile: &Profile,
    map: ColumnMap,
    header_line: Option<u64>,
    preamble: Vec<Row>,
    body: Body,
    round: bool,
) -> Opened {
    let start = preamble.len() + usize::from(header_line.is_some());
    Opened {
        file: name.into(),
        encoding,
        sheet,
        profile: profile.clone(),
        map,
        header_line,
        round,
        body,
        preamble,
        start,
    }
}
