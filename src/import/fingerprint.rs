//! The re-import fingerprints of statement lines and of customer, invoice
//! and payment rows.
//!
//! A line is identified across re-imports and overlapping statements by its
//! own fields, canonically joined, plus its occurrence number among identical
//! lines of the same file: two equal transfers on one day are two lines, and
//! importing the same file again finds both already in the book. The text is
//! stored in `bank_lines.fingerprint` (unique), so it must never change.
//!
//! An import row's fingerprint ([`RowPrints`]) is made the same way: its
//! non-empty columns as `key=value` in the format's column order, amounts,
//! dates, numbers and payment methods written canonically (`1,000.00` and
//! `1000` agree; so do `2026/3/5` and `2026-03-05`), plus its occurrence
//! number. What the record the row became keeps (`import_print`) is the
//! SHA-256 of that text (its first 128 bits, 22 characters of URL-safe
//! base64): a million rows' texts would double the size of the book. A
//! customer or invoice whose code or number is taken by a record keeping the
//! same fingerprint, or a payment of the same customer and date keeping it,
//! is skipped. Invoice numbers and customer codes are unique in a
//! file, so only payments count occurrences (two equal payments on one day
//! are two payments); they are counted through the book, not a set of the
//! file's rows kept in memory (see [`RowPrints::payment`]). A column added to a format later changes no
//! fingerprint of a row that leaves it empty. The text and its digest are
//! stored in every book: they must never change.

use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDate;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::import::bank::BankLine;
use crate::import::csvfile::{CsvFile, Row};
use crate::ledger::Money;
use crate::store::bank as bank_lines;
use crate::store::imported::{self, Kind};
use crate::store::payments::Method;
use crate::store::{Connection, StoreError, customers, invoices};

/// The fingerprint of a statement line that is the `n`th (from 1) of the
/// identical lines of its file.
pub fn line_fingerprint(l: &BankLine, n: u32) -> String {
    format!("{}\u{1e}{n}", canonical(l))
}

/// Fingerprints of one statement's lines, in file order, numbered through
/// the book rather than a set of the file's lines kept in memory.
///
/// A line's occurrence number n is one more than the earlier lines of the
/// file with the same fields. Each of those is in the book by now under its
/// own occurrence: a line this import stored (in its batch), or a line of an
/// earlier import it was found to be (noted in `matched`, a bit per line
/// id). So n is the first occurrence whose fingerprint is neither. A line
/// whose fields the filter has not seen is occurrence 1 without asking.
pub struct LinePrints {
    batch: i64,
    seen: Seen,
    matched: Vec<u64>,
}

impl LinePrints {
    /// For a statement of `lines` lines imported into `batch`.
    pub fn new(batch: i64, lines: usize) -> LinePrints {
        LinePrints { batch, seen: Seen::for_rows(lines), matched: Vec::new() }
    }

    /// The fingerprint of the next line of the file.
    pub fn next(&mut self, conn: &Connection, l: &BankLine) -> Result<String> {
        let base = canonical(l);
        if !self.seen.insert(&base) {
            return Ok(format!("{base}\u{1e}1"));
        }
        let mut n = 1u32;
        loop {
            let print = format!("{base}\u{1e}{n}");
            match bank_lines::with_fingerprint(conn, &print)? {
                Some((id, batch)) if batch == self.batch || self.was_matched(id) => n = n.saturating_add(1),
                _ => return Ok(print),
            }
        }
    }

    /// The line just fingerprinted `print` is in the book from an earlier
    /// import: note which line it was found to be.
    pub fn found(&mut self, conn: &Connection, print: &str) -> Result<()> {
        if let Some((id, _)) = bank_lines::with_fingerprint(conn, print)?
            && let Ok(id) = usize::try_from(id)
        {
            if self.matched.len() <= id / 64 {
                self.matched.resize(id / 64 + 1, 0);
            }
            self.matched[id / 64] |= 1 << (id % 64);
        }
        Ok(())
    }

    fn was_matched(&self, id: i64) -> bool {
        let Ok(id) = usize::try_from(id) else { return false };
        self.matched.get(id / 64).is_some_and(|w| w & (1 << (id % 64)) != 0)
    }
}

/// The line's own fields, canonically joined.
fn canonical(l: &BankLine) -> String {
    let o = |s: &Option<String>| s.as_deref().unwrap_or("").trim().to_string();
    [
        l.date.to_string(),
        l.amount.plain(),
        l.direction.as_str().to_string(),
        o(&l.counterparty),
        o(&l.account),
        o(&l.memo),
        o(&l.reference),
        l.balance.map(Money::plain).unwrap_or_default(),
    ]
    .join("\u{1f}")
}

/// The fingerprints of one import file's rows, and which of them the book
/// already holds.
pub struct RowPrints {
    kind: Kind,
    /// Whether the book holds any imported row of this kind; when it holds
    /// none, no row can be there and the lookups are left out.
    lookup: bool,
    /// Which payment contents the file has shown so far (payments only).
    seen: Option<Seen>,
    /// The payments an earlier import made that rows of this file were
    /// found to be (payments only): one bit per payment id.
    matched: Vec<u64>,
    /// The first record this import made: ids from it on are this file's.
    first_id: Option<i64>,
    today: NaiveDate,
    /// The text of the row being fingerprinted (its allocation reused).
    text: String,
    /// Rows skipped because the book already holds them.
    pub skipped: usize,
}

/// A Bloom filter of the payment contents a file has shown: its size is
/// fixed by the file's row count (10 bits a row, at most 16 MB), never by
/// what it holds. "Not seen" is certain, and makes the row occurrence 1
/// without asking the book; "maybe seen" is settled in the book (see
/// [`RowPrints::payment`]), so a false alarm costs one lookup, never a
/// wrong number.
struct Seen {
    bits: Vec<u64>,
    mask: u64,
}

impl Seen {
    const PROBES: u64 = 5;

    fn for_rows(rows: usize) -> Seen {
        let bits = (rows as u64).saturating_mul(10).clamp(1 << 12, 1 << 27).next_power_of_two();
        Seen { bits: vec![0; (bits / 64) as usize], mask: bits - 1 }
    }

    /// Note `text`; whether every one of its bits was set already.
    fn insert(&mut self, text: &str) -> bool {
        let h = BuildHasherDefault::<DefaultHasher>::default().hash_one(text);
        let step = h.rotate_left(32) | 1;
        let mut all = true;
        for i in 0..Seen::PROBES {
            let bit = h.wrapping_add(i.wrapping_mul(step)) & self.mask;
            let (word, mask) = ((bit / 64) as usize, 1u64 << (bit % 64));
            all &= self.bits[word] & mask != 0;
            self.bits[word] |= mask;
        }
        all
    }
}

impl RowPrints {
    /// For a file of customer or invoice rows read on `today` (dates such
    /// as `today` are written as the day they mean). Their codes and
    /// numbers are unique, so every row is occurrence 1.
    pub fn new(conn: &Connection, kind: Kind, today: NaiveDate) -> Result<RowPrints> {
        Ok(RowPrints {
            kind,
            // Customers and invoices are found by their code or number (see
            // [`RowPrints::already`]); payments by customer, date and
            // fingerprint (see [`RowPrints::payment`]).
            lookup: kind == Kind::Payment && imported::any_payment(conn)?,
            seen: None,
            matched: Vec::new(),
            first_id: None,
            today,
            text: String::new(),
            skipped: 0,
        })
    }

    /// For a file of `rows` payment rows (see [`RowPrints::payment`]).
    pub fn payments(conn: &Connection, today: NaiveDate, rows: usize) -> Result<RowPrints> {
        let mut prints = RowPrints::new(conn, Kind::Payment, today)?;
        prints.seen = Some(Seen::for_rows(rows));
        Ok(prints)
    }

    /// The fingerprint of the next row of the file (a customer or invoice).
    pub fn check(&mut self, csv: &CsvFile, row: &Row) -> String {
        // The row's text is written into one buffer kept for the whole file.
        let mut base = std::mem::take(&mut self.text);
        write_row_text(&mut base, csv, row, self.today);
        let print = self.check_text(&base);
        self.text = base;
        print
    }

    /// [`RowPrints::check`] for a record whose canonical text the caller
    /// wrote (an invoice of a VAT list, summed from its rows).
    pub fn check_text(&mut self, base: &str) -> String {
        occurrence_digest(base, 1)
    }

    /// The fingerprint of the next payment row, of this customer on this
    /// date; `None` when the book holds it from an earlier import (the row
    /// is then skipped and counted).
    ///
    /// Its occurrence number n is one more than the earlier rows of the
    /// file with the same content. Each of those is in the book by now, under
    /// its own occurrence: a payment this import made, or one of an earlier
    /// import that the row was found to be (noted in `matched`). So n is
    /// the first occurrence whose fingerprint is neither; the book is asked
    /// only when the filter has maybe seen the content, or when earlier
    /// imports may hold the row.
    pub fn payment(
        &mut self,
        conn: &Connection,
        csv: &CsvFile,
        row: &Row,
        customer_id: i64,
        date: NaiveDate,
    ) -> Result<Option<String>> {
        let mut base = std::mem::take(&mut self.text);
        write_row_text(&mut base, csv, row, self.today);
        let print = self.occurrence(conn, &base, customer_id, date);
        self.text = base;
        print
    }

    fn occurrence(
        &mut self,
        conn: &Connection,
        base: &str,
        customer_id: i64,
        date: NaiveDate,
    ) -> Result<Option<String>> {
        let maybe_seen = self.seen.as_mut().is_none_or(|s| s.insert(base));
        if !maybe_seen && !self.lookup {
            return Ok(Some(occurrence_digest(base, 1)));
        }
        let mut n = 1u32;
        loop {
            let print = occurrence_digest(base, n);
            let ids = imported::payments_with_print(conn, customer_id, date, &print)?;
            if ids.iter().any(|&id| self.made_here(id) || self.was_matched(id)) {
                n += 1;
                continue;
            }
            let Some(&held) = ids.first() else { return Ok(Some(print)) };
            self.match_payment(held);
            self.skipped += 1;
            return Ok(None);
        }
    }

    fn was_matched(&self, id: i64) -> bool {
        let Ok(id) = usize::try_from(id) else { return false };
        self.matched.get(id / 64).is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    fn match_payment(&mut self, id: i64) {
        let Ok(id) = usize::try_from(id) else { return };
        if self.matched.len() <= id / 64 {
            self.matched.resize(id / 64 + 1, 0);
        }
        self.matched[id / 64] |= 1 << (id % 64);
    }

    /// Note that record `id` was made by this import with its fingerprint
    /// already on it (every record writes it as it is inserted).
    pub fn kept(&mut self, id: i64) {
        self.first_id.get_or_insert(id);
    }

    fn made_here(&self, id: i64) -> bool {
        self.first_id.is_some_and(|first| id >= first)
    }

    /// Nothing is left to write once the file is read (kept for the
    /// loaders' shape: every record keeps its fingerprint as it is made).
    pub fn finish(&mut self, _conn: &Connection) -> Result<()> {
        Ok(())
    }

    /// Whether the store refused a row only because the book holds it
    /// already, from an earlier import of the same content: its code or
    /// number is taken by a record (not of this file) that keeps this very
    /// fingerprint. Such a row is skipped and counted.
    pub fn already(&mut self, conn: &Connection, e: &StoreError, print: &str) -> Result<bool> {
        let id = match e {
            StoreError::DuplicateInvoice(n) => invoices::id_of(conn, n)?,
            StoreError::DuplicateCustomer(c) => customers::id_of(conn, c)?,
            _ => None,
        };
        let Some(id) = id.filter(|id| !self.made_here(*id)) else { return Ok(false) };
        let same = imported::print_of(conn, self.kind, id)?.as_deref() == Some(print);
        self.skipped += usize::from(same);
        Ok(same)
    }

    /// The error of a row the store refused: a number or code already in
    /// the book (from another row, or entered by hand) is said to be there
    /// with other content — the row's own content would have been skipped.
    /// The same number twice in the file keeps the store's message.
    pub fn refused(&self, conn: &Connection, e: StoreError) -> Error {
        let held = |id: crate::store::Result<Option<i64>>| id.ok().flatten().is_some_and(|id| !self.made_here(id));
        match &e {
            StoreError::DuplicateInvoice(n) if held(invoices::id_of(conn, n)) => Error::user(
                format!(
                    "invoice '{n}' is already in the book with other content; remove the row, or give the invoice \
                     another number"
                ),
                format!("发票“{n}”已在账本中，但内容不同；请删除该行，或改用其他发票号"),
            ),
            StoreError::DuplicateCustomer(c) if held(customers::id_of(conn, c)) => Error::user(
                format!(
                    "customer '{c}' is already in the book with other content; remove the row, or give the customer \
                     another code"
                ),
                format!("客户“{c}”已在账本中，但内容不同；请删除该行，或改用其他客户代码"),
            ),
            _ => e.into(),
        }
    }
}

/// What an import's notice adds when rows were skipped (English, Chinese):
/// `; skipped 12 rows already in the book`, or nothing.
pub fn skipped_note(skipped: usize) -> (String, String) {
    match skipped {
        0 => (String::new(), String::new()),
        1 => ("; skipped 1 row already in the book".into(), "；跳过 1 行已在账本中的记录".into()),
        n => (format!("; skipped {n} rows already in the book"), format!("；跳过 {n} 行已在账本中的记录")),
    }
}

/// The stored form of a row's fingerprint text: the first 128 bits of its
/// SHA-256 in URL-safe base64.
#[cfg(test)]
fn digest(text: &str) -> String {
    encode(&Sha256::digest(text.as_bytes()))
}

/// [`digest`] of `{base}\u{1e}{n}` (the text and its occurrence number),
/// hashed piece by piece instead of joined first: the same bytes, the same
/// digest, and no copy of the text per row.
fn occurrence_digest(base: &str, n: u32) -> String {
    let mut digits = [0u8; 10];
    let mut at = digits.len();
    let mut rest = n;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    let mut h = Sha256::new();
    h.update(base.as_bytes());
    h.update("\u{1e}".as_bytes());
    h.update(&digits[at..]);
    encode(&h.finalize())
}

fn encode(hash: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(&hash[..16])
}

/// The keys whose values are amounts, dates, whole numbers.
const AMOUNTS: &[&str] = &["amount", "credit_limit", "net", "tax"];
const DATES: &[&str] = &["date", "issue_date", "due_date"];
const NUMBERS: &[&str] = &["terms_days", "credit_score"];

/// A row's text as [`write_row_text`] writes it.
#[cfg(test)]
fn row_text(csv: &CsvFile, row: &Row, today: NaiveDate) -> String {
    let mut out = String::new();
    write_row_text(&mut out, csv, row, today);
    out
}

/// Write into `out` (cleared first) a row's non-empty columns as
/// `key=value`, in the format's column order, values canonical where they
/// parse (a value that does not parse is kept as written: the row is
/// refused anyway).
fn write_row_text(out: &mut String, csv: &CsvFile, row: &Row, today: NaiveDate) {
    out.clear();
    for (key, value) in csv.cells(row) {
        // A payment without a method is by bank: the same payment whether or
        // not the file has the column (a second export with more columns
        // must not add every payment again).
        let Some(value) = value.or((key == "method").then_some("bank")) else { continue };
        if !out.is_empty() {
            out.push('\u{1f}');
        }
        out.push_str(key);
        out.push('=');
        match canonical_value(key, value, today) {
            Some(v) => out.push_str(&v),
            None => out.push_str(value),
        }
    }
}

fn canonical_value(key: &str, value: &str, today: NaiveDate) -> Option<String> {
    // What is written canonically already (most rows of most files) is
    // kept without parsing it again: the loader parses every row anyway.
    if is_plain_amount(value) && AMOUNTS.contains(&key) || is_iso_date(value) && DATES.contains(&key) {
        return None;
    }
    if AMOUNTS.contains(&key) {
        Money::parse(value).ok().map(Money::plain)
    } else if DATES.contains(&key) {
        crate::ledger::date::parse_date(value, today).ok().map(|d| d.to_string())
    } else if NUMBERS.contains(&key) {
        value.parse::<u32>().ok().map(|n| n.to_string())
    } else if key == "method" {
        Method::parse(value).map(|m| m.as_str().to_string())
    } else {
        None
    }
}

/// `123.45`: digits without a leading zero (but `0.50`), a point, two
/// decimals — what [`Money::plain`] writes for an amount that is not negative.
fn is_plain_amount(v: &str) -> bool {
    let b = v.as_bytes();
    let Some(point) = b.len().checked_sub(3) else { return false };
    b[point] == b'.'
        && b[point + 1..].iter().all(u8::is_ascii_digit)
        && point > 0
        && b[..point].iter().all(u8::is_ascii_digit)
        && (b[0] != b'0' || point == 1)
}

/// `2026-03-05`: what a date is written as, if it is a date.
fn is_iso_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10 && b.iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::bank::Direction;
    use crate::import::csvfile::Column;

    fn line() -> BankLine {
        BankLine {
            line: 7,
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 3).unwrap(),
            time: None,
            amount: Money::from_cents(1_250_000),
            direction: Direction::Credit,
            fee: None,
            counterparty: Some(" 华宇科技 ".into()),
            account: Some("6222020200001234".into()),
            memo: Some("INV-1001".into()),
            reference: None,
            balance: Some(Money::from_cents(9_876_543)),
            currency: None,
        }
    }

    /// Import `lines` (each the same line or not) as one statement the way
    /// `reconcile import` stores them; the occurrence each got, and whether
    /// it was new.
    fn import(book: &crate::store::Book, lines: &[BankLine]) -> Vec<(u32, bool)> {
        let batch = bank_lines::new_batch(&book.conn, "s.csv", "generic-cn-bank", "UTF-8").unwrap();
        let mut prints = LinePrints::new(batch, lines.len());
        let mut got = Vec::new();
        for l in lines {
            let print = prints.next(&book.conn, l).unwrap();
            let n = print.rsplit('\u{1e}').next().unwrap().parse().unwrap();
            let new = bank_lines::NewLine {
                fingerprint: &print,
                line: l.line,
                date: l.date,
                amount: l.amount,
                direction: l.direction,
                fee: None,
                counterparty: l.counterparty.as_deref(),
                account: None,
                memo: l.memo.as_deref(),
                reference: None,
                refund: false,
                currency: None,
                foreign: false,
            };
            let id = bank_lines::insert_line(&book.conn, batch, &new).unwrap();
            if id.is_none() {
                prints.found(&book.conn, &print).unwrap();
            }
            got.push((n, id.is_some()));
        }
        got
    }

    #[test]
    fn identical_lines_are_numbered_in_the_file_and_found_again_in_the_next() {
        let book = crate::store::Book::in_memory();
        let twin = line();
        let mut other = line();
        other.memo = Some("INV-1002".into());
        // Two equal transfers in one file are two lines.
        assert_eq!(import(&book, &[twin.clone(), other.clone(), twin.clone()]), [(1, true), (1, true), (2, true)]);
        // The same file again: every line is already in the book.
        assert_eq!(import(&book, &[twin.clone(), other.clone(), twin.clone()]), [(1, false), (1, false), (2, false)]);
        // A statement overlapping it with a third equal transfer: two found, one new.
        assert_eq!(
            import(&book, &[twin.clone(), twin.clone(), other.clone(), twin.clone()]),
            [(1, false), (2, false), (1, false), (3, true)]
        );
        // A file holding the transfer once finds the first.
        assert_eq!(import(&book, std::slice::from_ref(&twin)), [(1, false)]);
        assert_eq!(line_fingerprint(&twin, 1).rsplit('\u{1e}').next(), Some("1"));
    }

    #[test]
    fn a_changed_field_changes_the_fingerprint() {
        let base = line_fingerprint(&line(), 1);
        let mut other = line();
        other.memo = Some("INV-1002".into());
        assert_ne!(line_fingerprint(&other, 1), base);
        let mut other = line();
        other.direction = Direction::Debit;
        assert_ne!(line_fingerprint(&other, 1), base);
        // The file line number is not part of it: an overlapping statement
        // puts the same transaction elsewhere.
        let mut moved = line();
        moved.line = 70;
        assert_eq!(line_fingerprint(&moved, 1), base);
    }

    #[test]
    fn the_stored_text_is_stable() {
        // Stored in every book: a change here makes re-imports duplicate lines.
        assert_eq!(
            line_fingerprint(&line(), 1),
            "2026-11-03\u{1f}12500.00\u{1f}credit\u{1f}华宇科技\u{1f}6222020200001234\u{1f}INV-1001\u{1f}\u{1f}98765.43\u{1e}1"
        );
    }

    const COLUMNS: &[Column] = &[
        Column { key: "date", names: &["date"], required: true },
        Column { key: "customer", names: &["customer"], required: true },
        Column { key: "amount", names: &["amount"], required: true },
        Column { key: "method", names: &["method"], required: false },
        Column { key: "reference", names: &["reference"], required: false },
    ];

    const TODAY: NaiveDate = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();

    /// The fingerprint texts of a file's rows (occurrences counted as for
    /// payments), each checked against what [`RowPrints::check`] gives a
    /// customer or invoice row (payments: see
    /// `occurrences_are_counted_through_the_book_whatever_the_filter_says`).
    fn prints(kind: Kind, text: &str) -> Vec<String> {
        let book = crate::store::Book::in_memory();
        let csv = CsvFile::parse("p.csv", text.as_bytes(), COLUMNS).unwrap();
        let mut p = RowPrints::new(&book.conn, kind, TODAY).unwrap();
        let mut seen = std::collections::HashMap::new();
        csv.rows()
            .map(Result::unwrap)
            .map(|row| {
                let base = row_text(&csv, &row, TODAY);
                let n = if kind == Kind::Payment {
                    *seen.entry(base.clone()).and_modify(|n| *n += 1).or_insert(1)
                } else {
                    assert_eq!(p.check(&csv, &row), digest(&format!("{base}\u{1e}1")));
                    1
                };
                format!("{base}\u{1e}{n}")
            })
            .collect()
    }

    #[test]
    fn the_stored_row_print_is_stable() {
        // Stored in every book: a change here makes re-imports add rows again.
        assert_eq!(digest("abc"), "ungWv48Bz-pBQUDeXa4iIw");
        let p = prints(Kind::Payment, "date,customer,amount\n2026-03-05,ACME,1000\n");
        assert_eq!(digest(&p[0]), "9ULarJOzvJeSligLRlhu-w");
    }

    #[test]
    fn a_row_print_is_its_columns_in_format_order_with_canonical_values() {
        let p = prints(Kind::Payment, "reference,amount,customer,date\n INV-1 ,\"1,000.00\",ACME,2026/3/5\n");
        let want =
            "date=2026-03-05\u{1f}customer=ACME\u{1f}amount=1000.00\u{1f}method=bank\u{1f}reference=INV-1\u{1e}1";
        assert_eq!(p, [want]);
        // No method is by bank, whether the column is empty, absent or says so.
        let bank = "date=2026-03-05\u{1f}customer=ACME\u{1f}amount=1000.00\u{1f}method=bank\u{1e}1";
        for text in
            ["date,customer,amount,method\n2026-03-05,ACME,1000,\n", "date,customer,amount\n2026-03-05,ACME,1000\n"]
        {
            assert_eq!(prints(Kind::Payment, text)[0], bank, "{text}");
        }
        assert_eq!(prints(Kind::Payment, "date,customer,amount,method\n2026-03-05,ACME,1000,银行\n")[0], bank);
    }

    #[test]
    fn what_is_written_canonically_already_is_kept_as_written() {
        for v in ["0.50", "1000.00", "12.34"] {
            assert!(is_plain_amount(v), "{v}");
            assert_eq!(Money::parse(v).unwrap().plain(), v);
        }
        for v in ["1000", "01.00", ".50", "1,000.00", "-1.00", "1.5", "1.500", "1e3.00"] {
            assert!(!is_plain_amount(v), "{v}");
        }
        assert!(is_iso_date("2026-03-05") && !is_iso_date("2026/03/05") && !is_iso_date("2026-3-5"));
        assert_eq!(canonical_value("date", "2026-13-45", TODAY), None, "not a date: the row is refused anyway");
        assert_eq!(canonical_value("date", "2026/3/5", TODAY).as_deref(), Some("2026-03-05"));
    }

    #[test]
    fn identical_payments_are_occurrences_one_and_two_other_rows_always_one() {
        let text = "date,customer,amount\n2026-03-05,ACME,10\n2026-03-05,ACME,10.00\n2026-03-06,ACME,10\n";
        let ends =
            |p: Vec<String>| p.iter().map(|p| p.rsplit('\u{1e}').next().unwrap().to_string()).collect::<Vec<_>>();
        assert_eq!(ends(prints(Kind::Payment, text)), ["1", "2", "1"]);
        assert_eq!(ends(prints(Kind::Invoice, text)), ["1", "1", "1"]);
    }

    /// Run a payment file's rows through `p` as the loader does, adding
    /// each payment not skipped with its fingerprint; each row's print, or
    /// `None` for a row skipped.
    fn payments(c: &Connection, p: &mut RowPrints, customer: i64, text: &str) -> Vec<Option<String>> {
        let csv = CsvFile::parse("p.csv", text.as_bytes(), COLUMNS).unwrap();
        let rows: Vec<Row> = csv.rows().map(Result::unwrap).collect();
        rows.iter()
            .map(|row| {
                let day = crate::parse::date("date", csv.get(row, "date").unwrap(), TODAY).unwrap();
                let print = p.payment(c, &csv, row, customer, day).unwrap()?;
                let pay = crate::store::payments::NewPayment {
                    customer_id: customer,
                    date: day,
                    amount: Money::from_cents(100),
                    method: Method::Bank,
                    reference: None,
                    source: crate::store::payments::Source::Import,
                    auto_apply: false,
                };
                let to = crate::store::money::AllocateTo::Installments(Vec::new());
                let (id, _) = crate::store::payments::record_with(c, &pay, &to, Some(&print)).unwrap();
                p.kept(id);
                Some(print)
            })
            .collect()
    }

    #[test]
    fn occurrences_are_counted_through_the_book_whatever_the_filter_says() {
        let (b, c) = ("2026-02-11,A,10\n", "2026-02-11,A,11\n");
        let file = format!("date,customer,amount\n{b}{b}{c}{b}");
        let print = |text: &str, n: u32| {
            Some(digest(&format!("{}\u{1e}{n}", prints(Kind::Payment, text)[0].trim_end_matches("\u{1e}1"))))
        };
        let (pb, pc) =
            (|n| print(&format!("date,customer,amount\n{b}"), n), print(&format!("date,customer,amount\n{c}"), 1));
        // A filter that says "maybe seen" of everything must give the same.
        for saturated in [false, true] {
            let ex = crate::store::example::book();
            let conn = &ex.book.conn;
            let fresh = |conn: &Connection| {
                let mut p = RowPrints::payments(conn, TODAY, 4).unwrap();
                if saturated {
                    p.seen.as_mut().unwrap().bits.fill(u64::MAX);
                }
                p
            };
            let mut first = fresh(conn);
            assert_eq!(payments(conn, &mut first, ex.a, &file), [pb(1), pb(2), pc.clone(), pb(3)], "{saturated}");
            assert_eq!(first.skipped, 0);
            // Importing it again holds every row; one copy more is new.
            let mut again = fresh(conn);
            let more = format!("{file}{b}");
            assert_eq!(payments(conn, &mut again, ex.a, &more), [None, None, None, None, pb(4)], "{saturated}");
            assert_eq!(again.skipped, 4);
            // A file with fewer copies holds only as many.
            let mut fewer = fresh(conn);
            assert_eq!(payments(conn, &mut fewer, ex.a, &format!("date,customer,amount\n{b}")), [None]);
        }
    }

    #[test]
    fn the_filter_never_forgets_and_sizes_by_rows() {
        let mut s = Seen::for_rows(1000);
        assert_eq!(s.bits.len() * 64, 16_384);
        assert!(!s.insert("a") && s.insert("a") && !s.insert("b") && s.insert("b") && s.insert("a"));
        assert_eq!(Seen::for_rows(100_000_000).bits.len() * 8, 16 << 20, "at most 16 MB");
        let mut s = Seen::for_rows(100_000);
        let maybe = (0..100_000).filter(|i| s.insert(&i.to_string())).count();
        assert!(maybe < 2_000, "false alarms at 10 bits a row: {maybe}");
    }
}
