//! The balance confirmations of a month: per customer, the balance the slip
//! stated, when it was sent and returned, and whether the customer agreed;
//! with counts of each.

use chrono::NaiveDate;

use crate::ledger::Money;
use crate::store::confirmations::{Reply, for_period};
use crate::store::{Connection, Result};

/// Where a confirmation stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Sent, no reply recorded.
    Outstanding,
    Agreed,
    /// The customer's books show another balance.
    Differs,
}

/// One customer's confirmation of the month.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub code: String,
    pub name: String,
    /// As the slip stated it: positive, the customer owes us.
    pub balance: Money,
    pub sent: Option<NaiveDate>,
    pub replied: Option<NaiveDate>,
    pub status: Status,
    /// The balance in the customer's books, when it differs.
    pub their_balance: Option<Money>,
    /// Theirs − ours, when it differs.
    pub difference: Option<Money>,
    pub note: Option<String>,
}

/// How many confirmations stand where, and the sums.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Totals {
    pub sent: usize,
    /// Replies recorded: agreed + differing.
    pub returned: usize,
    pub agreed: usize,
    pub differing: usize,
    /// Sent with no reply: sent − returned.
    pub outstanding: usize,
    /// Σ the balances stated.
    pub balance: Money,
    /// Σ the differences of those that differ.
    pub difference: Money,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confirmations {
    /// `YYYY-MM`.
    pub period: String,
    pub lines: Vec<Line>,
    pub totals: Totals,
}

/// The confirmations of `period` (`YYYY-MM`), by customer code.
pub fn confirmations(conn: &Connection, period: &str) -> Result<Confirmations> {
    let mut totals = Totals::default();
    let lines: Vec<Line> = for_period(conn, period)?
        .into_iter()
        .map(|c| {
            let (replied, status, theirs) = match c.replied {
                None => (None, Status::Outstanding, None),
                Some((d, Reply::Agreed)) => (Some(d), Status::Agreed, None),
                Some((d, Reply::Differs(t))) => (Some(d), Status::Differs, Some(t)),
            };
            let difference = theirs.map(|t| t - c.balance);
            totals.sent += 1;
            totals.balance += c.balance;
            match status {
                Status::Outstanding => totals.outstanding += 1,
                Status::Agreed => totals.agreed += 1,
                Status::Differs => totals.differing += 1,
            }
            totals.difference += difference.unwrap_or_default();
            Line {
                code: c.code,
                name: c.name,
                balance: c.balance,
                sent: c.sent,
                replied,
                status,
                their_balance: theirs,
                difference,
                note: c.note,
            }
        })
        .collect();
    totals.returned = totals.agreed + totals.differing;
    Ok(Confirmations { period: period.to_string(), lines, totals })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::confirmations::{record_reply, record_sent};
    use crate::store::customers::{NewCustomer, insert};
    use crate::store::example::{self, d, m};

    #[test]
    fn each_confirmation_is_outstanding_agreed_or_differing_and_the_counts_add_up() {
        let ex = example::book();
        let c = &ex.book.conn;
        let new = NewCustomer { code: "C".into(), name: "Customer C".into(), ..Default::default() };
        let cc = insert(c, &new, d("2026-01-01")).unwrap();
        record_sent(c, ex.a, "2026-03", m("1100.00"), d("2026-04-02")).unwrap();
        record_sent(c, ex.b, "2026-03", m("-200.00"), d("2026-04-02")).unwrap();
        record_sent(c, cc, "2026-03", m("50.00"), d("2026-04-03")).unwrap();
        record_reply(c, ex.a, "2026-03", d("2026-04-10"), &Reply::Differs(m("1000.00")), Some("A2 not received"))
            .unwrap();
        record_reply(c, ex.b, "2026-03", d("2026-04-11"), &Reply::Agreed, None).unwrap();
        let r = confirmations(c, "2026-03").unwrap();
        let got: Vec<(&str, Status, Option<Money>)> =
            r.lines.iter().map(|l| (l.code.as_str(), l.status, l.difference)).collect();
        assert_eq!(
            got,
            [("A", Status::Differs, Some(m("-100.00"))), ("B", Status::Agreed, None), ("C", Status::Outstanding, None)]
        );
        assert_eq!(
            r.totals,
            Totals {
                sent: 3,
                returned: 2,
                agreed: 1,
                differing: 1,
                outstanding: 1,
                balance: m("950.00"),
                difference: m("-100.00")
            }
        );
        assert_eq!(r.lines[0].replied, Some(d("2026-04-10")));
        assert_eq!(r.lines[2].replied, None);
    }
}
