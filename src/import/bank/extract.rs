//! From rows to bank lines: which rows are transactions (a date and an amount
//! the profile can read), which are noise (footers, totals, notices, markers,
//! blank rows — skipped and counted), and which are broken (a transaction row
//! with a bad date or a masked amount — an error naming file:line).

use std::borrow::Cow;

use crate::ledger::money::Money;

use super::amount::{AmountError, guess_decimal_comma, parse_amount};
use super::date::{DateOrder, OrderVotes, excel_serial, looks_like_date, parse_date, parse_time};
use super::declared::{self, Stated, Tally};
use super::grid::Row;
use super::grid::norm;
use super::profile::{ColumnMap, Field, Profile};
use super::{BankError, BankLine, Direction};

/// Cells that mark a totals or balance row, whatever the profile (compared
/// after normalisation; a trailing colon is ignored).
const FOOTER_WORDS: [&str; 30] = [
    "合计",
    "总计",
    "小计",
    "本页合计",
    "本期合计",
    "本月合计",
    "人民币合计",
    "期初余额",
    "期末余额",
    "上期余额",
    "本期余额",
    "承前页",
    "过次页",
    "total",
    "totals",
    "subtotal",
    "grand total",
    "summe",
    "gesamt",
    "opening balance",
    "closing balance",
    "beginning balance",
    "ending balance",
    "anfangssaldo",
    "endsaldo",
    "alter kontostand",
    "neuer kontostand",
    "totaal",
    "beginsaldo",
    "eindsaldo",
];

/// Words that mark money in as a refund when a type, status or direction
/// cell contains them (ASCII compared without case).
const REFUND_WORDS: [&str; 6] = ["退款", "refund", "rückerstattung", "erstattung", "terugbetaling", "remboursement"];

/// Text cells that mean "nothing here".
const EMPTY_TEXT: [&str; 5] = ["/", "-", "--", "—", "null"];

/// How a file writes its numbers and dates, settled from its data rows
/// before any of them is read as a transaction.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    decimal_comma: bool,
    order: DateOrder,
}

/// A block of data rows checked, without its lines: what the file says
/// about itself and what its lines add up to.
pub(crate) struct Checked {
    /// Transaction rows.
    pub lines: usize,
    /// Every data row, transactions or not.
    pub rows: usize,
    pub balance_breaks: Vec<u64>,
    /// Credits the file marks as refunds.
    pub refunds: usize,
    /// The lines by the side the file gives them (before closed orders are
    /// set aside), to hold against the totals the file states.
    pub tally: Tally,
    /// The totals the file states in its preamble or footer.
    pub stated: Option<Stated>,
}

/// One transaction row read.
#[derive(Clone, Debug)]
pub struct ReadLine {
    pub line: BankLine,
    /// Money in that the file marks as a refund.
    pub refund: bool,
    /// A refund whose status also says closed (see `Statement::closed_refunds`).
    pub closed_refund: bool,
}

struct Reader<'a> {
    file: &'a str,
    profile: &'a Profile,
    map: &'a ColumnMap,
    decimal_comma: bool,
    round: bool,
    order: DateOrder,
    footer: Vec<String>,
    /// Longest footer word in bytes, with room for padding and a colon.
    footer_max: usize,
    /// First characters of the footer words.
    footer_starts: Vec<char>,
    protected: Vec<usize>,
    credit: Vec<String>,
    debit: Vec<String>,
    neutral: Vec<String>,
    closed: Vec<String>,
    refund: Vec<String>,
}

/// A row's money: direction, gross magnitude, and the signed change of the
/// balance it causes (before fees).
struct Flow {
    direction: Direction,
    amount: Money,
    signed: Money,
    /// The direction cell itself says refund (a credit).
    refund: bool,
}

/// A transaction row read: the line, how it moves the balance, the side the
/// file gives it, and whether the file marks it a refund.
struct Read {
    line: BankLine,
    delta: Money,
    side: Direction,
    refund: bool,
    closed: bool,
}

enum Problem {
    Amount(AmountError, String),
    Direction(String),
}

/// Settle the decimal mark and the date order from the data rows (after
/// the header), unless the profile fixes them: the first pass over a file.
pub(crate) fn settle<'r>(rows: impl Iterator<Item = Cow<'r, Row>>, profile: &Profile, map: &ColumnMap) -> Settings {
    let money_cols: Vec<usize> = [Field::Amount, Field::Credit, Field::Debit, Field::Fee, Field::Net, Field::Balance]
        .iter()
        .filter_map(|f| map.first(*f))
        .collect();
    let fixed_comma = profile.decimal_comma();
    let date_col = map.first(Field::Date);
    let fixed_order = match profile.date_order {
        DateOrder::Mdy | DateOrder::Dmy => Some(profile.date_order),
        DateOrder::Auto | DateOrder::Ymd => None,
    };
    // A few thousand money cells settle the decimal mark; every date cell
    // has a say in the order.
    let mut money_cells: Vec<String> = Vec::new();
    let mut votes = OrderVotes::default();
    for row in rows {
        let want_money = fixed_comma.is_none() && money_cells.len() < DECIMAL_SAMPLE;
        let want_dates = fixed_order.is_none() && date_col.is_some();
        if !want_money && !want_dates {
            break;
        }
        if want_money {
            let cells = money_cols.iter().map(|c| row.cell(*c)).filter(|c| !c.is_empty());
            money_cells.extend(cells.take(DECIMAL_SAMPLE - money_cells.len()).map(str::to_string));
        }
        if let Some(c) = date_col.filter(|_| want_dates) {
            let cell = row.cell(c);
            if looks_like_date(cell) {
                votes.add(cell);
            }
        }
    }
    Settings {
        decimal_comma: fixed_comma.unwrap_or_else(|| guess_decimal_comma(money_cells.iter().map(String::as_str))),
        order: fixed_order.unwrap_or_else(|| votes.finish()),
    }
}

/// The money cells [`guess_decimal_comma`] looks at.
const DECIMAL_SAMPLE: usize = 5000;

/// Check every data row (after the header) with a profile and its column
/// map: a transaction row that cannot be read is an error; the lines are
/// counted and tallied, the running balance followed, and the totals the
/// file states found. `preamble`: the rows above the header, searched (with
/// the footer) for those totals. `round`: amounts come from a spreadsheet
/// and may carry float noise. The second pass over a file.
pub(crate) fn check<'r>(
    file: &str,
    preamble: &[Row],
    rows: impl Iterator<Item = Cow<'r, Row>>,
    profile: &Profile,
    map: &ColumnMap,
    round: bool,
    settings: Settings,
) -> Result<Checked, BankError> {
    let reader = Reader::new(file, profile, map, round, settings);
    let mut checked =
        Checked { lines: 0, rows: 0, balance_breaks: Vec::new(), refunds: 0, tally: Tally::default(), stated: None };
    let mut balance = map.has(Field::Balance).then(Breaks::default);
    // Footer rows before the last transaction, and every row after it, may
    // state totals.
    let mut footers: Vec<Row> = Vec::new();
    let mut trailing: Vec<Cow<'r, Row>> = Vec::new();
    for row in rows {
        checked.rows += 1;
        match reader.row(&row)? {
            Some(r) => {
                checked.lines += 1;
                checked.tally.add(r.side, r.line.amount);
                checked.refunds += usize::from(r.refund);
                if let Some(b) = &mut balance {
                    b.next(r.line.line, r.line.balance, r.delta);
                }
                for t in trailing.drain(..) {
                    if !t.is_blank() && reader.is_footer(&t) {
                        footers.push(t.into_owned());
                    }
                }
            }
            None => trailing.push(row),
        }
    }
    checked.balance_breaks = balance.map(Breaks::finish).unwrap_or_default();
    let notes = preamble.iter().chain(&footers).chain(trailing.iter().map(|r| &**r));
    let split = (map.first(Field::Credit), map.first(Field::Debit));
    checked.stated = declared::scan(notes, split, settings.decimal_comma, round);
    Ok(checked)
}

/// Give each transaction of the data rows, in file order: the last pass
/// over a file, after [`check`] found every row readable.
pub(crate) fn each_line<'r, E: From<BankError>>(
    file: &str,
    rows: impl Iterator<Item = Cow<'r, Row>>,
    profile: &Profile,
    map: &ColumnMap,
    round: bool,
    settings: Settings,
    mut f: impl FnMut(ReadLine) -> Result<(), E>,
) -> Result<(), E> {
    let reader = Reader::new(file, profile, map, round, settings);
    for row in rows {
        if let Some(r) = reader.row(&row)? {
            f(ReadLine { line: r.line, refund: r.refund, closed_refund: r.refund && r.closed })?;
        }
    }
    Ok(())
}

impl<'a> Reader<'a> {
    fn new(file: &'a str, profile: &'a Profile, map: &'a ColumnMap, round: bool, settings: Settings) -> Reader<'a> {
        let norms = |v: &[String]| v.iter().map(|s| norm(s)).collect::<Vec<_>>();
        let mut footer: Vec<String> = FOOTER_WORDS.iter().map(|w| norm(w)).collect();
        footer.extend(norms(&profile.skip_rows_with));
        let protected =
            [Field::Counterparty, Field::Account, Field::Reference].iter().flat_map(|f| map.all(*f)).copied().collect();
        let footer_max = footer.iter().map(|w| w.len()).max().unwrap_or(0) + 8;
        let footer_starts = footer.iter().filter_map(|w| w.chars().next()).collect();
        Reader {
            file,
            profile,
            map,
            decimal_comma: settings.decimal_comma,
            round,
            order: settings.order,
            footer,
            footer_max,
            footer_starts,
            protected,
            credit: norms(&profile.credit_values),
            debit: norms(&profile.debit_values),
            neutral: norms(&profile.neutral_values),
            closed: norms(&profile.closed_status).into_iter().filter(|s| !s.is_empty()).collect(),
            refund: REFUND_WORDS
                .iter()
                .map(|w| w.to_string())
                .chain(norms(&profile.refund_values))
                .filter(|s| !s.is_empty())
                .collect(),
        }
    }
}

impl Reader<'_> {
    /// A transaction and its balance change, or `None` for a row to skip.
    fn row(&self, row: &Row) -> Result<Option<Read>, BankError> {
        if row.is_blank() || self.is_footer(row) {
            return Ok(None);
        }
        let Some(date_col) = self.map.first(Field::Date) else { return Ok(None) };
        let date_cell = row.cell(date_col);
        let date = parse_date(date_cell, self.order, self.profile.date_format.as_deref())
            .or_else(|| if self.round { excel_serial(date_cell).map(|d| (d, None)) } else { None });
        let flow = self.flow(row);
        let (date, time, flow) = match (date, flow) {
            (Some((d, t)), Ok(Some(flow))) => (d, t, flow),
            (Some(_), Ok(None)) => return Ok(None),
            (Some(_), Err(p)) => return Err(self.problem(row.line, p)),
            (None, Ok(None)) => return Ok(None),
            (None, _) if looks_like_date(date_cell) => {
                return Err(BankError::BadDate { file: self.file.into(), line: row.line, text: date_cell.into() });
            }
            (None, _) => return Ok(None),
        };
        let time = time.or_else(|| self.map.first(Field::Time).and_then(|c| parse_time(row.cell(c))));
        let fee = match self.map.first(Field::Fee).map(|c| row.cell(c)) {
            Some(cell) => match parse_amount(cell, self.decimal_comma, self.round) {
                Ok(v) => v.map(|m| if m.is_negative() { -m } else { m }),
                Err(e) => return Err(self.problem(row.line, Problem::Amount(e, cell.into()))),
            },
            None => None,
        };
        let balance = self.map.first(Field::Balance).and_then(|c| self.money(row.cell(c)));
        let status = self.map.first(Field::Status).map(|c| row.cell(c));
        let closed = status.is_some_and(|s| {
            let s = norm(s);
            !s.is_empty() && self.closed.iter().any(|w| s.starts_with(w.as_str()))
        });
        // Money in the file marks as a refund (by its direction or type, or
        // by a status that does not say the order was closed) stays a credit:
        // a refund's own status (已退款￥742.00) must not set it aside.
        let refund = flow.direction == Direction::Credit
            && (flow.refund
                || self.map.first(Field::Kind).is_some_and(|c| self.is_refund(row.cell(c)))
                || self.map.first(Field::Direction).is_some_and(|c| self.is_refund(row.cell(c)))
                || (!closed && status.is_some_and(|s| self.is_refund(s))));
        let direction = if closed && !refund { Direction::Neutral } else { flow.direction };
        // How the balance moves: the net column when there is one, else the
        // signed gross less the fee. A closed or refunded order still moved
        // the balance when it was booked (its reversal is a row of its own).
        let delta = if flow.direction == Direction::Neutral {
            Money::ZERO
        } else {
            match self.map.first(Field::Net).and_then(|c| self.money(row.cell(c))) {
                Some(net) if self.profile.invert_sign => -net,
                Some(net) => net,
                None => flow.signed - fee.unwrap_or(Money::ZERO),
            }
        };
        let line = BankLine {
            line: row.line,
            date,
            time,
            amount: flow.amount,
            direction,
            fee,
            counterparty: self.text(row, Field::Counterparty),
            account: self.text(row, Field::Account).map(|a| a.chars().filter(|c| !c.is_whitespace()).collect()),
            memo: self.memo(row),
            reference: self.text(row, Field::Reference),
            balance,
            currency: self.text(row, Field::Currency),
        };
        Ok(Some(Read { line, delta, side: flow.direction, refund, closed }))
    }

    /// Whether a cell holds one of the refund words.
    fn is_refund(&self, cell: &str) -> bool {
        !cell.is_empty() && self.refund.iter().any(|w| contains_ignoring_ascii_case(cell, w))
    }

    /// The money of a row by the profile's convention; `Ok(None)` when the
    /// row has no amount at all (both sides empty, or a placeholder).
    fn flow(&self, row: &Row) -> Result<Option<Flow>, Problem> {
        let read = |f: Field| -> Result<Option<Money>, Problem> {
            match self.map.first(f) {
                Some(c) => parse_amount(row.cell(c), self.decimal_comma, self.round)
                    .map_err(|e| Problem::Amount(e, row.cell(c).to_string())),
                None => Ok(None),
            }
        };
        if self.map.has(Field::Amount) {
            let Some(mut v) = read(Field::Amount)? else { return Ok(None) };
            if self.profile.invert_sign {
                v = -v;
            }
            let amount = if v.is_negative() { -v } else { v };
            let mut refund = false;
            let direction = match self.map.first(Field::Direction) {
                Some(c) => match self.direction(row.cell(c)) {
                    Some(d) => d,
                    // "Refund" as the direction itself: money in, a refund.
                    None if self.is_refund(row.cell(c)) => {
                        refund = true;
                        Direction::Credit
                    }
                    None => return Err(Problem::Direction(row.cell(c).to_string())),
                },
                None if v.is_positive() => Direction::Credit,
                None if v.is_negative() => Direction::Debit,
                None => Direction::Neutral,
            };
            // A zero amount moves no money, whatever the direction column says
            // (a zero credit cannot become a payment).
            let direction = if amount.is_zero() { Direction::Neutral } else { direction };
            let signed = match direction {
                Direction::Credit => amount,
                Direction::Debit => -amount,
                Direction::Neutral => Money::ZERO,
            };
            return Ok(Some(Flow { direction, amount, signed, refund }));
        }
        let credit = read(Field::Credit)?;
        let debit = read(Field::Debit)?;
        if credit.is_none() && debit.is_none() {
            return Ok(None);
        }
        let out = debit.map(|d| if d.is_negative() { -d } else { d }).unwrap_or(Money::ZERO);
        let signed = credit.unwrap_or(Money::ZERO) - out;
        let direction = if signed.is_positive() {
            Direction::Credit
        } else if signed.is_negative() {
            Direction::Debit
        } else {
            Direction::Neutral
        };
        let amount = if signed.is_negative() { -signed } else { signed };
        Ok(Some(Flow { direction, amount, signed, refund: false }))
    }

    /// A direction cell: the whole value, else its first word (`借 Dr` → `借`).
    fn direction(&self, cell: &str) -> Option<Direction> {
        let lookup = |v: &str| {
            if self.credit.iter().any(|w| w == v) {
                Some(Direction::Credit)
            } else if self.debit.iter().any(|w| w == v) {
                Some(Direction::Debit)
            } else if self.neutral.iter().any(|w| w == v) {
                Some(Direction::Neutral)
            } else {
                None
            }
        };
        lookup(&norm(cell)).or_else(|| cell.split_whitespace().next().and_then(|w| lookup(&norm(w))))
    }

    fn problem(&self, line: u64, p: Problem) -> BankError {
        let file = self.file.to_string();
        match p {
            Problem::Amount(AmountError::Masked, text) => BankError::MaskedAmount { file, line, text },
            Problem::Amount(AmountError::Bad, text) => BankError::BadAmount { file, line, text },
            Problem::Direction(text) => {
                let known: Vec<&str> = self
                    .profile
                    .credit_values
                    .iter()
                    .chain(&self.profile.debit_values)
                    .chain(&self.profile.neutral_values)
                    .map(String::as_str)
                    .filter(|s| !s.is_empty())
                    .collect();
                BankError::BadDirection { file, line, text, profile: self.profile.name.clone(), known: known.join(" ") }
            }
        }
    }

    /// A cell read leniently as money (balances: masked or odd means unknown).
    fn money(&self, cell: &str) -> Option<Money> {
        parse_amount(cell, self.decimal_comma, self.round).ok().flatten()
    }

    fn text(&self, row: &Row, f: Field) -> Option<String> {
        self.map.first(f).and_then(|c| text_value(row.cell(c)))
    }

    /// Every memo column's text, in column order, without repeats.
    fn memo(&self, row: &Row) -> Option<String> {
        let mut parts: Vec<String> = Vec::new();
        for c in self.map.all(Field::Memo) {
            if let Some(t) = text_value(row.cell(*c))
                && !parts.contains(&t)
            {
                parts.push(t);
            }
        }
        if parts.is_empty() { None } else { Some(parts.join(" | ")) }
    }

    /// A totals or balance row: a cell (other than a name, account or
    /// reference) is one of the footer words.
    fn is_footer(&self, row: &Row) -> bool {
        row.cells.iter().enumerate().any(|(i, c)| {
            // Cheap tests first: most cells are numbers, dates or long text.
            let plausible = c.len() <= self.footer_max
                && c.chars().next().is_some_and(|ch| self.footer_starts.contains(&ch.to_ascii_lowercase()));
            plausible && !self.protected.contains(&i) && self.footer.contains(&norm(c))
        })
    }
}

/// `needle` (ASCII letters in lower case) in `hay`, ASCII case ignored.
fn contains_ignoring_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    !n.is_empty() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

fn text_value(cell: &str) -> Option<String> {
    let t = cell.trim();
    if t.is_empty() || EMPTY_TEXT.iter().any(|e| t.eq_ignore_ascii_case(e)) { None } else { Some(t.to_string()) }
}

/// Lines whose running balance does not follow from the row before (in file
/// order), followed a line at a time. Files run oldest-first or
/// newest-first, so both readings are kept and the one with fewer breaks is
/// taken (oldest-first on a tie). Reading newest-first, the row at fault is
/// the upper one of the pair.
#[derive(Default)]
struct Breaks {
    /// The line before: its line number, balance and balance change.
    prev: Option<(u64, Option<Money>, Money)>,
    forward: Vec<u64>,
    backward: Vec<u64>,
}

impl Breaks {
    fn next(&mut self, line: u64, balance: Option<Money>, delta: Money) {
        if let Some((prev_line, Some(b0), d0)) = self.prev
            && let Some(b1) = balance
        {
            if b1 != b0 + delta {
                self.forward.push(line);
            }
            if b0 != b1 + d0 {
                self.backward.push(prev_line);
            }
        }
        self.prev = Some((line, balance, delta));
    }

    fn finish(self) -> Vec<u64> {
        if self.backward.len() < self.forward.len() { self.backward } else { self.forward }
    }
}
