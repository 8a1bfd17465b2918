//! The interest report's parts put aside in a temporary table and read back
//! in the report's order.
//!
//! `dun interest --detail` prints every charged part of every installment
//! with interest due, sorted by customer, due date and invoice. Its parts
//! come from two streams (the open installments, then those settled late),
//! each in that order but not together, and a large book has millions: on
//! the 10^6 bench book, holding them took 420 MB. They are written here as
//! they come and read back sorted by SQLite, which sorts in files when the
//! connection says so ([`super::sort_in_files`]), so the report's memory
//! no longer grows with the book.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{Connection, params};
use rust_decimal::Decimal;

use super::{Result, StoreError, date_col, date_sql, money_col};
use crate::ledger::Money;

/// One charged part of an installment, as the detail prints it; the
/// installment's totals ride on its last part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartLine {
    pub customer: String,
    pub invoice: String,
    pub due_date: NaiveDate,
    pub rate_per_day: Decimal,
    pub amount: Money,
    pub until: NaiveDate,
    pub days: i64,
    pub exact: Decimal,
    /// On the installment's last part: accrued, posted, waived, owed.
    pub totals: Option<[Money; 4]>,
}

/// The parts put aside, in a temporary table dropped with it.
pub struct PartSpill<'c> {
    conn: &'c Connection,
    seq: i64,
}

impl<'c> PartSpill<'c> {
    pub fn new(conn: &'c Connection) -> Result<PartSpill<'c>> {
        conn.execute_batch(
            "DROP TABLE IF EXISTS temp.interest_parts;
             CREATE TEMP TABLE interest_parts (
                 customer TEXT NOT NULL, due_date TEXT NOT NULL, invoice TEXT NOT NULL, seq INTEGER NOT NULL,
                 rate TEXT NOT NULL, amount INTEGER NOT NULL, until TEXT NOT NULL, days INTEGER NOT NULL,
                 exact TEXT NOT NULL, accrued INTEGER, posted INTEGER, waived INTEGER, owed INTEGER)",
        )?;
        Ok(PartSpill { conn, seq: 0 })
    }

    /// Put a part aside. Parts of equal customer, due date and invoice
    /// come back in the order they were put.
    pub fn push(&mut self, p: &PartLine) -> Result<()> {
        self.seq += 1;
        let [accrued, posted, waived, owed] = p.totals.map_or([None; 4], |t| t.map(|m| Some(m.cents())));
        super::exec(
            self.conn,
            "INSERT INTO temp.interest_parts VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
            params![
                p.customer,
                date_sql(p.due_date),
                p.invoice,
                self.seq,
                p.rate_per_day.to_string(),
                p.amount.cents(),
                date_sql(p.until),
                p.days,
                p.exact.to_string(),
                accrued,
                posted,
                waived,
                owed
            ],
        )?;
        Ok(())
    }

    /// Every part by customer, due date and invoice, then as put. May be
    /// called again (a table is measured, then written).
    pub fn for_each<E: From<StoreError>>(&self, mut f: impl FnMut(PartLine) -> Result<(), E>) -> Result<(), E> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT customer, due_date, invoice, rate, amount, until, days, exact, accrued, posted, waived, owed
                 FROM temp.interest_parts ORDER BY customer, due_date, invoice, seq",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            f(part(r)?)?;
        }
        Ok(())
    }
}

fn part(r: &rusqlite::Row) -> Result<PartLine> {
    let decimal = |i: usize| -> Result<Decimal> {
        let text: String = r.get(i)?;
        text.parse()
            .map_err(|_| StoreError::Sqlite(rusqlite::Error::InvalidColumnType(i, text, rusqlite::types::Type::Text)))
    };
    let totals = match r.get::<_, Option<i64>>(8)? {
        None => None,
        Some(_) => Some([money_col(r, 8)?, money_col(r, 9)?, money_col(r, 10)?, money_col(r, 11)?]),
    };
    Ok(PartLine {
        customer: r.get(0)?,
        due_date: date_col(r, 1)?,
        invoice: r.get(2)?,
        rate_per_day: decimal(3)?,
        amount: money_col(r, 4)?,
        until: date_col(r, 5)?,
        days: r.get(6)?,
        exact: decimal(7)?,
        totals,
    })
}

impl Drop for PartSpill<'_> {
    fn drop(&mut self) {
        let _ = self.conn.execute_batch("DROP TABLE IF EXISTS temp.interest_parts");
    }
}

/// One installment's interest owed, put aside by [`OwedSpill::push`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Owed {
    pub owed: Money,
    pub accrued: Money,
    pub posted: Money,
    pub waived: Money,
}

/// One invoice's line of the interest report, read back: its installments'
/// figures summed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwedInvoice {
    pub customer_id: i64,
    pub number: String,
    pub figures: Owed,
}

/// The interest report's installments put aside, to be read back one line
/// per invoice with the customers in an order known only at the end (by
/// their totals), so that the report holds its customers, not its
/// hundreds of thousands of invoices as records of text and decimals.
///
/// Up to `hold` invoice lines are kept in memory in a compact form (about
/// 80 bytes a line: the figures in cents, the numbers in one string, an
/// index by invoice); past that, every line goes to a temporary table
/// dropped with it, which SQLite sums and sorts (in files when the
/// connection says so, [`super::sort_in_files`]). Both give the same lines
/// in the same order.
pub struct OwedSpill<'c> {
    conn: &'c Connection,
    seq: i64,
    hold: usize,
    /// `None` once the lines went to the table.
    held: Option<HeldLines>,
    /// The held lines in the report's order, once ranked.
    order: Vec<u32>,
}

/// Invoice lines held in memory, in the order they first came.
#[derive(Default)]
struct HeldLines {
    lines: Vec<HeldLine>,
    /// Every line's invoice number, one after the other.
    numbers: String,
    /// Invoice id → its line.
    at: HashMap<i64, u32>,
}

struct HeldLine {
    customer_id: i64,
    /// Where its number is in `numbers`.
    number: (u32, u32),
    /// Cents: owed, accrued, posted, waived.
    figures: [i64; 4],
}

impl HeldLines {
    fn number(&self, line: &HeldLine) -> &str {
        let (start, end) = line.number;
        &self.numbers[start as usize..end as usize]
    }
}

fn cents(o: &Owed) -> [i64; 4] {
    [o.owed.cents(), o.accrued.cents(), o.posted.cents(), o.waived.cents()]
}

fn owed(c: [i64; 4]) -> Owed {
    let [owed, accrued, posted, waived] = c.map(Money::from_cents);
    Owed { owed, accrued, posted, waived }
}

impl<'c> OwedSpill<'c> {
    /// A spill that holds up to `hold` invoice lines in memory.
    pub fn new(conn: &'c Connection, hold: usize) -> Result<OwedSpill<'c>> {
        conn.execute_batch("DROP TABLE IF EXISTS temp.interest_owed; DROP TABLE IF EXISTS temp.interest_rank;")?;
        Ok(OwedSpill { conn, seq: 0, hold, held: Some(HeldLines::default()), order: Vec::new() })
    }

    /// Whether the lines went to the temporary table (more than `hold`).
    pub fn in_table(&self) -> bool {
        self.held.is_none()
    }

    /// Put an installment's figures aside under its invoice (its number is
    /// unique in the book).
    pub fn push(&mut self, customer_id: i64, invoice_id: i64, number: &str, o: Owed) -> Result<()> {
        let Some(held) = self.held.as_mut() else { return self.insert(customer_id, number, cents(&o)) };
        let add = cents(&o);
        if let Some(&i) = held.at.get(&invoice_id) {
            let line = &mut held.lines[i as usize];
            for (sum, x) in line.figures.iter_mut().zip(add) {
                *sum += x;
            }
            return Ok(());
        }
        let end = u32::try_from(held.numbers.len() + number.len());
        if let Ok(end) = end
            && held.lines.len() < self.hold.min(u32::MAX as usize)
        {
            let start = held.numbers.len() as u32;
            held.numbers.push_str(number);
            held.at.insert(invoice_id, held.lines.len() as u32);
            held.lines.push(HeldLine { customer_id, number: (start, end), figures: add });
            return Ok(());
        }
        // One line more than is held: they all go to the table, this one last.
        self.move_to_table()?;
        self.insert(customer_id, number, add)
    }

    /// Put the held lines in the table, in the order they came, and every
    /// later one as it comes.
    fn move_to_table(&mut self) -> Result<()> {
        self.conn.execute_batch(
            "CREATE TEMP TABLE interest_owed (
                 customer_id INTEGER NOT NULL, seq INTEGER NOT NULL,
                 number TEXT NOT NULL, owed INTEGER NOT NULL, accrued INTEGER NOT NULL,
                 posted INTEGER NOT NULL, waived INTEGER NOT NULL);
             CREATE TEMP TABLE interest_rank (customer_id INTEGER PRIMARY KEY, rank INTEGER NOT NULL);",
        )?;
        let Some(held) = self.held.take() else { return Ok(()) };
        for line in &held.lines {
            self.insert(line.customer_id, held.number(line), line.figures)?;
        }
        Ok(())
    }

    fn insert(&mut self, customer_id: i64, number: &str, [owed, accrued, posted, waived]: [i64; 4]) -> Result<()> {
        self.seq += 1;
        super::exec(
            self.conn,
            "INSERT INTO temp.interest_owed VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![customer_id, self.seq, number, owed, accrued, posted, waived],
        )?;
        Ok(())
    }

    /// Give the order the customers are read back in (customers not given
    /// are left out), and sum and sort the lines once (a table reads them
    /// twice: measured, then written).
    pub fn rank(&mut self, customers: impl IntoIterator<Item = i64>) -> Result<()> {
        if let Some(held) = self.held.as_mut() {
            held.at = HashMap::new();
            let rank: HashMap<i64, u64> = customers.into_iter().enumerate().map(|(r, id)| (id, r as u64)).collect();
            let mut keys: Vec<u64> = held
                .lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| rank.get(&l.customer_id).map(|r| r << 32 | i as u64))
                .collect();
            keys.sort_unstable();
            self.order = keys.into_iter().map(|k| k as u32).collect();
            return Ok(());
        }
        self.conn.execute_batch("DELETE FROM temp.interest_rank; DROP TABLE IF EXISTS temp.interest_lines")?;
        for (rank, id) in customers.into_iter().enumerate() {
            super::exec(self.conn, "INSERT INTO temp.interest_rank VALUES (?1, ?2)", params![id, rank as i64])?;
        }
        self.conn.execute_batch(
            "CREATE TEMP TABLE interest_lines AS
             SELECT o.customer_id, o.number, SUM(o.owed) AS owed, SUM(o.accrued) AS accrued,
                    SUM(o.posted) AS posted, SUM(o.waived) AS waived, MIN(o.seq) AS first, MIN(r.rank) AS rank
             FROM temp.interest_owed o JOIN temp.interest_rank r ON r.customer_id = o.customer_id
             GROUP BY o.customer_id, o.number
             ORDER BY rank, first;
             DELETE FROM temp.interest_owed;",
        )?;
        Ok(())
    }

    /// Every invoice's line (its installments' figures summed), customers in
    /// the order [`OwedSpill::rank`] gave (customers not ranked are left
    /// out), each customer's invoices in the order they were first put.
    /// Only after [`OwedSpill::rank`]; may be called again.
    pub fn for_each<E: From<StoreError>>(&self, mut f: impl FnMut(OwedInvoice) -> Result<(), E>) -> Result<(), E> {
        if let Some(held) = &self.held {
            for &i in &self.order {
                let line = &held.lines[i as usize];
                let number = held.number(line).to_string();
                f(OwedInvoice { customer_id: line.customer_id, number, figures: owed(line.figures) })?;
            }
            return Ok(());
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT customer_id, number, owed, accrued, posted, waived FROM temp.interest_lines ORDER BY rowid",
            )
            .map_err(StoreError::from)?;
        let mut rows = stmt.query([]).map_err(StoreError::from)?;
        while let Some(r) = rows.next().map_err(StoreError::from)? {
            let line = (|| -> Result<OwedInvoice> {
                Ok(OwedInvoice {
                    customer_id: r.get(0)?,
                    number: r.get(1)?,
                    figures: Owed {
                        owed: money_col(r, 2)?,
                        accrued: money_col(r, 3)?,
                        posted: money_col(r, 4)?,
                        waived: money_col(r, 5)?,
                    },
                })
            })()?;
            f(line)?;
        }
        Ok(())
    }
}

impl Drop for OwedSpill<'_> {
    fn drop(&mut self) {
        let _ =
            self.conn.execute_batch("DROP TABLE IF EXISTS temp.interest_owed; DROP TABLE IF EXISTS temp.interest_rank");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    fn owed(owed: i64, accrued: i64, posted: i64, waived: i64) -> Owed {
        let [owed, accrued, posted, waived] = [owed, accrued, posted, waived].map(Money::from_cents);
        Owed { owed, accrued, posted, waived }
    }

    /// Held in memory, moved to the table midway or put there from the
    /// first: the same lines, an invoice's installments summed, customers
    /// in the order ranked, each one's invoices in the order first put, and
    /// an unranked customer left out.
    #[test]
    fn the_lines_held_and_the_lines_in_the_table_read_back_the_same() {
        let book = Book::in_memory();
        // (customer, invoice id, number, figures): invoice 11 comes twice,
        // its second installment after customer 2's lines; customer 3 is
        // not ranked.
        let pushes = [
            (1, 11, "A-1", owed(500, 600, 100, 0)),
            (2, 21, "B-1", owed(70, 70, 0, 0)),
            (1, 12, "A-2", owed(30, 40, 0, 10)),
            (3, 31, "C-1", owed(5, 5, 0, 0)),
            (2, 22, "B-2", owed(1, 1, 0, 0)),
            (1, 11, "A-1", owed(25, 25, 0, 0)),
        ];
        let read = |hold: usize| {
            let mut spill = OwedSpill::new(&book.conn, hold).unwrap();
            for (customer, invoice, number, o) in pushes {
                spill.push(customer, invoice, number, o).unwrap();
            }
            spill.rank([2, 1]).unwrap();
            let all = || {
                let mut lines = Vec::new();
                let push = |l| -> Result<()> {
                    lines.push(l);
                    Ok(())
                };
                spill.for_each(push).unwrap();
                lines
            };
            let lines = all();
            assert_eq!(all(), lines, "hold {hold}: read twice");
            (spill.in_table(), lines)
        };
        let line = |customer_id, number: &str, figures| OwedInvoice { customer_id, number: number.into(), figures };
        let expected = vec![
            line(2, "B-1", owed(70, 70, 0, 0)),
            line(2, "B-2", owed(1, 1, 0, 0)),
            line(1, "A-1", owed(525, 625, 100, 0)),
            line(1, "A-2", owed(30, 40, 0, 10)),
        ];
        for (hold, in_table) in [(usize::MAX, false), (5, false), (4, true), (1, true), (0, true)] {
            assert_eq!(read(hold), (in_table, expected.clone()), "hold {hold}");
        }
    }
}
