//! `check`: SQLite's own integrity check and every invariant of the ledger.
//! Each problem names the row at fault.

use rusqlite::Connection;

use super::{Result, date_col, money_col};

/// One SQL probe: rows it returns are problems, described by `describe`.
struct Probe {
    sql: &'static str,
    describe: fn(&rusqlite::Row) -> rusqlite::Result<String>,
}

const PROBES: &[Probe] = &[
    Probe {
        sql: "SELECT v.number, cv.code, i.seq, ci.code FROM installments i JOIN invoices v ON v.id = i.invoice_id
              JOIN customers cv ON cv.id = v.customer_id JOIN customers ci ON ci.id = i.customer_id
              WHERE i.customer_id != v.customer_id ORDER BY v.number, i.seq",
        describe: |r| {
            Ok(format!(
                "invoice {} belongs to {} but its installment {} to {}",
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, String>(3)?
            ))
        },
    },
    Probe {
        sql: "SELECT i.id, i.paid, COALESCE(SUM(a.amount), 0) FROM installments i
              LEFT JOIN allocations a ON a.installment_id = i.id GROUP BY i.id HAVING i.paid != COALESCE(SUM(a.amount), 0)",
        describe: |r| {
            Ok(format!(
                "installment {}: paid {} but its allocations add up to {}",
                r.get::<_, i64>(0)?,
                money_col(r, 1)?,
                money_col(r, 2)?
            ))
        },
    },
    Probe {
        sql: "SELECT i.id, i.written_off, COALESCE(SUM(w.amount), 0) FROM installments i
              LEFT JOIN write_offs w ON w.installment_id = i.id GROUP BY i.id
              HAVING i.written_off != COALESCE(SUM(w.amount), 0)",
        describe: |r| {
            Ok(format!(
                "installment {}: written off {} but its write-offs add up to {}",
                r.get::<_, i64>(0)?,
                money_col(r, 1)?,
                money_col(r, 2)?
            ))
        },
    },
    Probe {
        sql: "SELECT id, amount, paid, written_off FROM installments WHERE paid + written_off > amount OR paid < 0
              OR written_off < 0 OR settled != paid + written_off",
        describe: |r| {
            Ok(format!(
                "installment {}: paid {} and written off {} against an amount of {} (negative balance)",
                r.get::<_, i64>(0)?,
                money_col(r, 2)?,
                money_col(r, 3)?,
                money_col(r, 1)?
            ))
        },
    },
    Probe {
        sql: "SELECT p.id, p.amount, p.allocated, COALESCE(SUM(a.amount), 0) FROM payments p
              LEFT JOIN allocations a ON a.payment_id = p.id GROUP BY p.id
              HAVING p.allocated != COALESCE(SUM(a.amount), 0) OR COALESCE(SUM(a.amount), 0) > p.amount",
        describe: |r| {
            Ok(format!(
                "payment {}: amount {}, allocated {} recorded, {} in its allocations",
                r.get::<_, i64>(0)?,
                money_col(r, 1)?,
                money_col(r, 2)?,
                money_col(r, 3)?
            ))
        },
    },
    Probe {
        sql: "SELECT a.id, a.payment_id FROM allocations a JOIN payments p ON p.id = a.payment_id WHERE p.voided = 1",
        describe: |r| Ok(format!("allocation {}: belongs to void payment {}", r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)),
    },
    Probe {
        sql: "SELECT a.id, a.payment_id, a.installment_id FROM allocations a JOIN payments p ON p.id = a.payment_id
              JOIN installments i ON i.id = a.installment_id WHERE p.customer_id != i.customer_id",
        describe: |r| {
            Ok(format!(
                "allocation {}: payment {} pays installment {} of another customer",
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?
            ))
        },
    },
    Probe {
        sql: "SELECT a.id, a.effective_date FROM allocations a JOIN payments p ON p.id = a.payment_id
              JOIN installments i ON i.id = a.installment_id JOIN invoices v ON v.id = i.invoice_id
              WHERE a.effective_date != MAX(p.date, v.issue_date, COALESCE(i.since, v.issue_date))",
        describe: |r| {
            Ok(format!(
                "allocation {}: takes effect on {} instead of the later of payment and issue (or plan) dates",
                r.get::<_, i64>(0)?,
                date_col(r, 1)?
            ))
        },
    },
    Probe {
        // What a payment plan moved is in its installments again: counted once.
        sql: "SELECT v.number, v.amount, SUM(i.amount) - (SELECT COALESCE(SUM(w.amount), 0) FROM write_offs w
                JOIN installments j ON j.id = w.installment_id WHERE j.invoice_id = v.id AND w.kind = 'reschedule')
              FROM invoices v JOIN installments i ON i.invoice_id = v.id
              GROUP BY v.id HAVING SUM(i.amount) - (SELECT COALESCE(SUM(w.amount), 0) FROM write_offs w
                JOIN installments j ON j.id = w.installment_id WHERE j.invoice_id = v.id AND w.kind = 'reschedule')
                != v.amount",
        describe: |r| {
            Ok(format!(
                "invoice {}: installments add up to {}, not {}",
                r.get::<_, String>(0)?,
                money_col(r, 2)?,
                money_col(r, 1)?
            ))
        },
    },
    Probe {
        sql: "SELECT v.number FROM invoices v WHERE NOT EXISTS (SELECT 1 FROM installments i WHERE i.invoice_id = v.id)",
        describe: |r| Ok(format!("invoice {}: has no installments", r.get::<_, String>(0)?)),
    },
    Probe {
        sql: "SELECT v.number, i.id FROM invoices v JOIN installments i ON i.invoice_id = v.id
              WHERE v.voided = 1 AND (i.paid > 0 OR i.written_off > (SELECT COALESCE(SUM(w.amount), 0)
                FROM write_offs w WHERE w.installment_id = i.id AND w.kind = 'reschedule'))",
        describe: |r| {
            Ok(format!("invoice {}: void, yet installment {} has money on it", r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        },
    },
    Probe {
        sql: "SELECT l.id, l.payment_id FROM bank_lines l LEFT JOIN payments p ON p.id = l.payment_id
              WHERE l.status = 'matched' AND (p.id IS NULL OR p.voided = 1)",
        describe: |r| {
            Ok(format!(
                "bank line {}: matched to payment {}, which is void or missing",
                r.get::<_, i64>(0)?,
                r.get::<_, Option<i64>>(1)?.unwrap_or(0)
            ))
        },
    },
    Probe {
        sql: "SELECT v.number, r.date, COALESCE((SELECT SUM(amount) FROM installments WHERE reschedule_id = r.id), 0),
                     COALESCE((SELECT SUM(amount) FROM write_offs WHERE reschedule_id = r.id), 0)
              FROM reschedules r JOIN invoices v ON v.id = r.invoice_id
              WHERE COALESCE((SELECT SUM(amount) FROM installments WHERE reschedule_id = r.id), 0)
                 != COALESCE((SELECT SUM(amount) FROM write_offs WHERE reschedule_id = r.id), 0)
                 OR EXISTS (SELECT 1 FROM installments i WHERE i.reschedule_id = r.id
                            AND (i.since IS NOT r.date OR i.invoice_id != r.invoice_id OR i.due_date < r.date))
                 OR EXISTS (SELECT 1 FROM write_offs w JOIN installments i ON i.id = w.installment_id
                            WHERE w.reschedule_id = r.id AND (w.date != r.date OR i.invoice_id != r.invoice_id))",
        describe: |r| {
            Ok(format!(
                "invoice {}: the payment plan of {} has installments of {} for {} moved, or parts dated or placed apart from it",
                r.get::<_, String>(0)?,
                date_col(r, 1)?,
                money_col(r, 2)?,
                money_col(r, 3)?
            ))
        },
    },
    Probe {
        // The open balances the book keeps are its open installments, summed.
        sql: "WITH want AS (
                SELECT i.customer_id, i.due_date, v.issue_date,
                       max(v.issue_date, coalesce(i.since, v.issue_date)) AS counts_from,
                       SUM(i.amount - i.settled) AS amount, count(*) AS items
                FROM installments i JOIN invoices v ON v.id = i.invoice_id
                WHERE i.settled < i.amount AND v.voided = 0 GROUP BY 1, 2, 3, 4),
              keys AS (SELECT customer_id, due_date, issue_date, counts_from FROM want
                       UNION SELECT customer_id, due_date, issue_date, counts_from FROM open_balances)
              SELECT coalesce(c.code, k.customer_id), k.due_date, k.issue_date,
                     coalesce(o.amount, 0), coalesce(o.items, 0), coalesce(w.amount, 0), coalesce(w.items, 0)
              FROM keys k
              LEFT JOIN open_balances o USING (customer_id, due_date, issue_date, counts_from)
              LEFT JOIN want w USING (customer_id, due_date, issue_date, counts_from)
              LEFT JOIN customers c ON c.id = k.customer_id
              WHERE o.amount IS NOT w.amount OR o.items IS NOT w.items
              ORDER BY 1, 2, 3",
        describe: |r| {
            Ok(format!(
                "open balances: customer {}, due {}, issued {}: kept as {} in {} installments but the open \
                 installments give {} in {} (huikuan check --rebuild-balances)",
                r.get::<_, String>(0)?,
                date_col(r, 1)?,
                date_col(r, 2)?,
                money_col(r, 3)?,
                r.get::<_, i64>(4)?,
                money_col(r, 5)?,
                r.get::<_, i64>(6)?
            ))
        },
    },
    Probe {
        // The late interest totals the book keeps per customer are its kept figures, summed.
        sql: "WITH want AS (SELECT customer_id, SUM(accrued) AS accrued, count(*) AS items FROM late_interest
                            GROUP BY customer_id),
              keys AS (SELECT customer_id FROM want UNION SELECT customer_id FROM late_interest_totals)
              SELECT coalesce(c.code, CAST(k.customer_id AS TEXT)), coalesce(t.accrued, 0), coalesce(t.items, 0),
                     coalesce(w.accrued, 0), coalesce(w.items, 0)
              FROM keys k
              LEFT JOIN late_interest_totals t USING (customer_id)
              LEFT JOIN want w USING (customer_id)
              LEFT JOIN customers c ON c.id = k.customer_id
              WHERE t.accrued IS NOT w.accrued OR t.items IS NOT w.items
              ORDER BY 1",
        describe: |r| {
            Ok(format!(
                "late interest totals: customer {}: kept as {} over {} installments but its installments' \
                 figures give {} over {} (huikuan check --rebuild-interest)",
                r.get::<_, String>(0)?,
                money_col(r, 1)?,
                r.get::<_, i64>(2)?,
                money_col(r, 3)?,
                r.get::<_, i64>(4)?
            ))
        },
    },
    Probe {
        // The payments' total the book keeps is its live payments, summed
        // (one total: a sum by day would sort every payment).
        sql: "SELECT k.s, p.s FROM (SELECT coalesce(SUM(received), 0) AS s FROM daily_totals) k,
                                   (SELECT coalesce(SUM(amount), 0) AS s FROM payments WHERE voided = 0) p
              WHERE k.s != p.s",
        describe: |r| {
            Ok(format!(
                "daily totals: the payments received are kept as {} but the book's payments total {} \
                 (huikuan check --rebuild-balances)",
                money_col(r, 0)?,
                money_col(r, 1)?
            ))
        },
    },
    Probe {
        // Each installment carries what its invoice says (upgrade 16): the
        // index of open installments is read without the invoices.
        sql: "SELECT v.number, i.seq FROM installments i JOIN invoices v ON v.id = i.invoice_id
              WHERE i.invoice_issued IS NOT v.issue_date OR i.invoice_disputed != v.disputed
                 OR i.invoice_voided != v.voided OR i.invoice_kind != v.kind
              ORDER BY v.number, i.seq",
        describe: |r| {
            Ok(format!(
                "installments: installment {} of invoice {} does not carry its invoice's issue date, dispute, \
                 void and kind (huikuan check --rebuild-balances)",
                r.get::<_, i64>(1)?,
                r.get::<_, String>(0)?
            ))
        },
    },
    Probe {
        // An import's mark that it defers the kept balances never outlives its transaction.
        sql: "SELECT count(*) FROM bulk_load HAVING count(*) > 0",
        describe: |_| {
            Ok("bulk_load: a mark of a deferred import was committed, so the open balances and daily totals \
                stopped following additions (huikuan check --rebuild-balances)"
                .to_string())
        },
    },
    Probe {
        // The per-day totals the book keeps are its invoices, allocations and write-offs, summed.
        // Each sum is read in date order from its date index (no sort of
        // the whole history in memory).
        sql: "WITH inv AS (SELECT issue_date AS date, SUM(amount) AS s FROM invoices WHERE voided = 0
                           GROUP BY issue_date),
              col AS (SELECT effective_date AS date, SUM(amount) AS s FROM allocations GROUP BY effective_date),
              dis AS (SELECT date, SUM(amount) AS s FROM write_offs WHERE kind = 'discount' GROUP BY date),
              wo AS (SELECT date, SUM(amount) AS s FROM write_offs WHERE kind = 'write_off' GROUP BY date),
              kept AS (SELECT * FROM daily_totals WHERE invoiced != 0 OR collected != 0 OR discounts != 0
                       OR written_off != 0),
              days AS (SELECT date FROM inv UNION SELECT date FROM col UNION SELECT date FROM dis
                       UNION SELECT date FROM wo UNION SELECT date FROM kept)
              SELECT d.date,
                     coalesce(k.invoiced, 0), coalesce(k.collected, 0), coalesce(k.discounts, 0),
                     coalesce(k.written_off, 0),
                     coalesce(inv.s, 0), coalesce(col.s, 0), coalesce(dis.s, 0), coalesce(wo.s, 0)
              FROM days d LEFT JOIN kept k USING (date) LEFT JOIN inv USING (date) LEFT JOIN col USING (date)
                   LEFT JOIN dis USING (date) LEFT JOIN wo USING (date)
              WHERE coalesce(k.invoiced, 0) != coalesce(inv.s, 0)
                 OR coalesce(k.collected, 0) != coalesce(col.s, 0)
                 OR coalesce(k.discounts, 0) != coalesce(dis.s, 0)
                 OR coalesce(k.written_off, 0) != coalesce(wo.s, 0)
              ORDER BY d.date",
        describe: |r| {
            Ok(format!(
                "daily totals of {}: kept as invoiced {}, collected {}, discounts {}, written off {} but the book \
                 gives {}, {}, {}, {} (huikuan check --rebuild-balances)",
                date_col(r, 0)?,
                money_col(r, 1)?,
                money_col(r, 2)?,
                money_col(r, 3)?,
                money_col(r, 4)?,
                money_col(r, 5)?,
                money_col(r, 6)?,
                money_col(r, 7)?,
                money_col(r, 8)?
            ))
        },
    },
    Probe {
        sql: "SELECT id FROM installments WHERE (reschedule_id IS NULL) != (since IS NULL) ORDER BY id",
        describe: |r| Ok(format!("installment {}: a plan date without a plan, or a plan without its date", r.get::<_, i64>(0)?)),
    },
];

/// How many times [`run`] calls its `step` (once after each probe).
pub fn steps() -> usize {
    PROBES.len() + 6
}

/// How many rows the checks go through (installments), which is what makes
/// them take time.
pub fn rows(conn: &Connection) -> Result<usize> {
    let n: i64 = conn.query_row("SELECT count(*) FROM installments", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

/// Every problem found, one line each; empty when the book is sound.
/// Also returns how many checks ran. `step` is called as each probe is
/// done (for a progress bar).
pub fn run(conn: &Connection, step: &mut dyn FnMut()) -> Result<(Vec<String>, usize)> {
    // The probes group, sort and compare whole tables: their temporary
    // b-trees go to files, so memory does not grow with the book.
    super::sort_in_files(conn)?;
    let mut problems = Vec::new();
    let mut checks = 0;
    let integrity: Vec<String> =
        conn.prepare("PRAGMA integrity_check")?.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
    checks += 1;
    if integrity != ["ok"] {
        problems.extend(integrity.into_iter().map(|m| format!("SQLite integrity: {m}")));
    }
    step();
    let fk: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")?
        .query_map([], |r| {
            Ok(format!(
                "{} row {} points to a missing {}",
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    checks += 1;
    problems.extend(fk.into_iter().map(|m| format!("foreign key: {m}")));
    step();
    for p in PROBES {
        checks += 1;
        let mut stmt = conn.prepare(p.sql)?;
        let found: Vec<String> = stmt.query_map([], p.describe)?.collect::<rusqlite::Result<_>>()?;
        problems.extend(found);
        step();
    }
    // An alias or bank account belongs to one customer.
    checks += 2;
    problems.extend(shared_payers(conn)?);
    step();
    step();
    // The late interest the book keeps is what its settlements give.
    checks += 1;
    problems.extend(super::late_interest::differences(conn)?.into_iter().map(|d| {
        let shown = |k: &Option<super::late_interest::Kept>| {
            k.as_ref().map_or_else(|| "none".to_string(), |k| format!("{} from {}", k.accrued, k.counts_from))
        };
        format!(
            "installment {}: late interest kept as {} but its settlements give {} (huikuan check --rebuild-interest)",
            d.installment_id,
            shown(&d.kept),
            shown(&d.computed)
        )
    }));
    step();
    // Every customer, invoice and payment came with an event.
    checks += 1;
    let content: i64 = conn.query_row(
        "SELECT (SELECT count(*) FROM customers) + (SELECT count(*) FROM invoices) + (SELECT count(*) FROM payments)",
        [],
        |r| r.get(0),
    )?;
    let events: i64 = conn.query_row("SELECT count(*) FROM events WHERE command != 'init'", [], |r| r.get(0))?;
    if content > 0 && events == 0 {
        problems.push(format!("events: the book holds {content} customers, invoices and payments but no audit events"));
    }
    step();
    Ok((problems, checks))
}

/// Aliases and bank accounts more than one customer answers to (a book
/// written before they were refused, or edited by hand): a bank line from
/// such a payer cannot tell the customers apart. Aliases are compared as the
/// matcher compares names (normalised), also with the other customers'
/// legal names; accounts without their spaces. One line each, naming every
/// customer concerned as `CODE (name)`.
fn shared_payers(conn: &Connection) -> Result<Vec<String>> {
    use std::collections::BTreeMap;

    use crate::ledger::matching::normalise_name;

    /// Normalised name → the alias as first written, and (customer, as an alias) for each holder.
    type Names = BTreeMap<String, (Option<String>, Vec<(i64, bool)>)>;
    fn add(names: &mut Names, id: i64, text: String, alias: bool) {
        let key = normalise_name(&text);
        if key.is_empty() {
            return;
        }
        let e = names.entry(key).or_default();
        if alias && e.0.is_none() {
            e.0 = Some(text);
        }
        e.1.push((id, alias));
    }
    let mut who: BTreeMap<i64, String> = BTreeMap::new();
    let mut names = Names::new();
    let mut stmt = conn.prepare("SELECT id, code, name FROM customers ORDER BY code")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, code, name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        who.insert(id, format!("{code} ({name})"));
        add(&mut names, id, name, false);
    }
    let mut stmt = conn.prepare("SELECT customer_id, alias FROM customer_aliases ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        add(&mut names, r.get(0)?, r.get(1)?, true);
    }
    let mut accounts: BTreeMap<String, Vec<(i64, bool)>> = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT customer_id, account FROM customer_accounts ORDER BY id")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let account: String = r.get::<_, String>(1)?.chars().filter(|c| !c.is_whitespace()).collect();
        accounts.entry(account).or_default().push((r.get(0)?, true));
    }
    // The customers holding one key, in code order, when more than one does
    // and at least one holds it as an alias or account.
    let holders = |held: &[(i64, bool)]| -> Option<String> {
        let mut ids: Vec<i64> = held.iter().map(|h| h.0).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() < 2 || !held.iter().any(|h| h.1) {
            return None;
        }
        let mut named: Vec<&str> = ids.iter().filter_map(|id| who.get(id).map(String::as_str)).collect();
        named.sort_unstable();
        Some(named.join(" and "))
    };
    let mut out = Vec::new();
    for (alias, held) in names.values() {
        if let (Some(alias), Some(h)) = (alias, holders(held)) {
            out.push(format!("alias '{alias}': held by more than one customer, {h}"));
        }
    }
    for (account, held) in &accounts {
        if let Some(h) = holders(held) {
            out.push(format!("bank account {account}: held by more than one customer, {h}"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::events;
    use crate::store::example;

    #[test]
    fn a_book_without_audit_events_is_a_problem_and_with_them_is_sound() {
        let ex = example::book();
        let (problems, checks) = run(&ex.book.conn, &mut || ()).unwrap();
        assert_eq!(checks, PROBES.len() + 6);
        assert_eq!(problems, ["events: the book holds 7 customers, invoices and payments but no audit events"]);
        events::record(&ex.book.conn, "test", "the hand-made book", "手工账簿", None).unwrap();
        assert_eq!(run(&ex.book.conn, &mut || ()).unwrap().0, Vec::<String>::new());
    }

    #[test]
    fn late_interest_totals_that_differ_from_the_figures_are_a_problem_the_rebuild_mends() {
        use crate::store::late_interest;
        let ex = example::book();
        let conn = &ex.book.conn;
        events::record(conn, "test", "the hand-made book", "手工账簿", None).unwrap();
        late_interest::refresh(conn).unwrap();
        assert_eq!(run(conn, &mut || ()).unwrap().0, Vec::<String>::new());
        // B's figure (2.70, B1 paid 18 days late) kept as 2.75 in its total,
        // and a total for A, which has no figure.
        conn.execute_batch(
            "UPDATE late_interest_totals SET accrued = accrued + 5;
             INSERT INTO late_interest_totals (customer_id, accrued, items) VALUES (1, 100, 1);",
        )
        .unwrap();
        assert_eq!(
            run(conn, &mut || ()).unwrap().0,
            [
                "late interest totals: customer A: kept as 1.00 over 1 installments but its installments' figures \
                 give 0.00 over 0 (huikuan check --rebuild-interest)",
                "late interest totals: customer B: kept as 2.75 over 1 installments but its installments' figures \
                 give 2.70 over 1 (huikuan check --rebuild-interest)",
            ]
        );
        late_interest::requeue_all(conn).unwrap();
        late_interest::refresh(conn).unwrap();
        assert_eq!(run(conn, &mut || ()).unwrap().0, Vec::<String>::new());
    }

    #[test]
    fn an_alias_or_account_held_by_two_customers_is_a_problem_naming_both() {
        let ex = example::book();
        events::record(&ex.book.conn, "test", "the hand-made book", "手工账簿", None).unwrap();
        let conn = &ex.book.conn;
        // Written behind the store's back, as an older book may hold them.
        for sql in [
            "INSERT INTO customer_aliases (customer_id, alias) VALUES (1, '华远电子'), (2, '华远 电子有限公司')",
            "INSERT INTO customer_aliases (customer_id, alias) VALUES (1, 'customer b')",
            "INSERT INTO customer_aliases (customer_id, alias) VALUES (1, 'Only A'), (1, 'only-a')",
            "INSERT INTO customer_accounts (customer_id, account) VALUES (1, '6222 0000 1111'), (2, '622200001111')",
        ] {
            conn.execute(sql, []).unwrap();
        }
        assert_eq!((ex.a, ex.b), (1, 2));
        assert_eq!(
            run(conn, &mut || ()).unwrap().0,
            [
                "alias 'customer b': held by more than one customer, A (Customer A) and B (Customer B)",
                "alias '华远电子': held by more than one customer, A (Customer A) and B (Customer B)",
                "bank account 622200001111: held by more than one customer, A (Customer A) and B (Customer B)",
            ]
        );
    }
}
