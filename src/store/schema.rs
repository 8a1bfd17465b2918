//! The schema as an ordered list of upgrades. The book's `PRAGMA user_version`
//! is the number of upgrades applied. An upgrade is never edited once
//! released: a change is a new entry at the end.
//!
//! Opening a book applies the upgrades it lacks, all of them in one
//! transaction: an upgrade that fails half-way (or a process killed during
//! it) leaves the book exactly as it was, at its old version.
//!
//! # What makes a file a book
//!
//! Every book carries [`APPLICATION_ID`] in its header (`PRAGMA
//! application_id`); the upgrade that brings a book up to date stamps it, in
//! the same transaction as its steps. Books written before the stamp existed
//! have application_id 0: such a file is taken for a book when its
//! `user_version` is at least 1 and it holds every table of upgrade 1
//! ([`FOUNDATION`]). Anything else is another program's file and is refused
//! before a byte of it is written (see [`identify`]).

use rusqlite::{Connection, TransactionBehavior};

use super::StoreError;

/// The SQL that fills `open_balances` and `daily_totals` from the book
/// (upgrade 14 runs it once; `huikuan check --rebuild-balances` again).
macro_rules! balances_from_the_book {
    () => {
        "
DELETE FROM open_balances;
INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT i.customer_id, i.due_date, v.issue_date, max(v.issue_date, coalesce(i.since, v.issue_date)),
           SUM(i.amount - i.settled), count(*)
    FROM installments i JOIN invoices v ON v.id = i.invoice_id
    WHERE i.settled < i.amount AND v.voided = 0
    GROUP BY 1, 2, 3, 4;
DELETE FROM daily_totals;
INSERT INTO daily_totals (date, invoiced, collected, discounts, written_off)
    SELECT date, SUM(invoiced), SUM(collected), SUM(discounts), SUM(written_off) FROM (
        SELECT issue_date AS date, amount AS invoiced, 0 AS collected, 0 AS discounts, 0 AS written_off
        FROM invoices WHERE voided = 0
        UNION ALL SELECT effective_date, 0, amount, 0, 0 FROM allocations
        UNION ALL SELECT date, 0, 0, amount, 0 FROM write_offs WHERE kind = 'discount'
        UNION ALL SELECT date, 0, 0, 0, amount FROM write_offs WHERE kind = 'write_off')
    GROUP BY date;
"
    };
}

/// The SQL that fills `daily_totals.received` from the book's payments
/// (upgrade 15 runs it once; `huikuan check --rebuild-balances` again,
/// after [`balances_from_the_book!`], which leaves the column at 0).
macro_rules! received_from_the_book {
    () => {
        "
UPDATE daily_totals SET received = 0 WHERE received != 0;
INSERT INTO daily_totals (date, received)
    SELECT date, SUM(amount) FROM payments WHERE voided = 0 GROUP BY date
    ON CONFLICT DO UPDATE SET received = excluded.received;
"
    };
}

/// The SQL that copies each invoice's issue date, dispute, void and kind
/// onto its installments (upgrade 16 runs it once; `huikuan check
/// --rebuild-balances` again, after another program wrote installments).
macro_rules! invoice_copies_from_the_book {
    () => {
        "
UPDATE installments SET invoice_issued = v.issue_date, invoice_disputed = v.disputed,
    invoice_voided = v.voided, invoice_kind = v.kind
FROM invoices v WHERE v.id = installments.invoice_id
    AND (installments.invoice_issued IS NOT v.issue_date OR installments.invoice_disputed != v.disputed
         OR installments.invoice_voided != v.voided OR installments.invoice_kind != v.kind);
"
    };
}

/// [`balances_from_the_book!`] alone: the kept figures of a book at
/// version 14 (the upgrade tests fill such a book).
pub const BALANCES_FROM_THE_BOOK_V14: &str = balances_from_the_book!();

/// [`balances_from_the_book!`] then [`received_from_the_book!`]: the kept
/// figures of a book at version 15 (the upgrade tests fill such a book).
pub const BALANCES_FROM_THE_BOOK_V15: &str = concat!(balances_from_the_book!(), received_from_the_book!());

/// Every installment's copy of its invoice's facts made again.
pub const INVOICE_COPIES_FROM_THE_BOOK: &str = invoice_copies_from_the_book!();

/// Every kept figure recomputed, and every installment's copy of its
/// invoice's facts made again.
pub const BALANCES_FROM_THE_BOOK: &str =
    concat!(invoice_copies_from_the_book!(), balances_from_the_book!(), received_from_the_book!());

/// Every upgrade, oldest first. `MIGRATIONS[i]` takes a book from version `i` to `i + 1`.
///
/// Adding upgrade N + 1? Books written at version N must keep opening: run
/// `HUIKUAN_WRITE_BOOK_FIXTURES=1 cargo test --test cli upgrade::write_book_fixtures -- --ignored`
/// to write `tests/fixtures/books/vN.sqlite` (a book made by these very
/// upgrades and filled with version-N data by `tests/cli/upgrade.rs`), and
/// commit it. The test `upgrade::every_earlier_version_has_a_fixture` fails
/// until you do.
pub const MIGRATIONS: &[&str] = &[
    // 1: the foundation — settings, customers, invoices, installments, payments,
    //    allocations, write-offs and the audit trail. Money is INTEGER minor
    //    units; the running totals `installments.paid`, `installments.written_off`
    //    and `payments.allocated` are kept by triggers, so the CHECKs below make
    //    over-allocation impossible.
    r#"
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE customers (
    id           INTEGER PRIMARY KEY,
    code         TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(code) BETWEEN 1 AND 32),
    name         TEXT NOT NULL CHECK (length(name) >= 1),
    terms_days   INTEGER NOT NULL DEFAULT 30 CHECK (terms_days BETWEEN 0 AND 3650),
    credit_limit INTEGER CHECK (credit_limit IS NULL OR credit_limit >= 0),
    credit_score INTEGER CHECK (credit_score IS NULL OR credit_score BETWEEN 0 AND 100),
    on_hold      INTEGER NOT NULL DEFAULT 0 CHECK (on_hold IN (0, 1)),
    interest_rate TEXT CHECK (interest_rate IS NULL OR (interest_rate GLOB '[0-9]*' AND CAST(interest_rate AS REAL) < 1)),
    hold_reason  TEXT,
    email        TEXT,
    phone        TEXT,
    notes        TEXT,
    created      TEXT NOT NULL
) STRICT;

CREATE TABLE customer_aliases (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    alias       TEXT NOT NULL CHECK (length(alias) >= 1),
    UNIQUE (customer_id, alias)
) STRICT;

CREATE TABLE customer_accounts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    account     TEXT NOT NULL UNIQUE CHECK (length(account) >= 1)
) STRICT;

CREATE TABLE contacts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('decision', 'acceptance', 'payer')),
    name        TEXT NOT NULL,
    phone       TEXT,
    email       TEXT,
    UNIQUE (customer_id, role)
) STRICT;

CREATE TABLE invoices (
    id            INTEGER PRIMARY KEY,
    number        TEXT NOT NULL UNIQUE CHECK (length(number) BETWEEN 1 AND 64),
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    issue_date    TEXT NOT NULL CHECK (issue_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount        INTEGER NOT NULL CHECK (amount > 0),
    description   TEXT,
    kind          TEXT NOT NULL DEFAULT 'sale' CHECK (kind IN ('sale', 'interest')),
    voided        INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    disputed      INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
    discount_pct  TEXT,
    discount_days INTEGER CHECK (discount_days IS NULL OR discount_days >= 0)
) STRICT;
CREATE INDEX invoices_customer ON invoices (customer_id, issue_date);

CREATE TABLE installments (
    id          INTEGER PRIMARY KEY,
    invoice_id  INTEGER NOT NULL REFERENCES invoices(id),
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    seq         INTEGER NOT NULL CHECK (seq >= 1),
    due_date    TEXT NOT NULL CHECK (due_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    paid        INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0),
    written_off INTEGER NOT NULL DEFAULT 0 CHECK (written_off >= 0),
    -- paid + written_off, kept as its own column so that the partial index
    -- below can be used (SQLite matches `settled < amount`, not arithmetic).
    settled     INTEGER NOT NULL DEFAULT 0 CHECK (settled = paid + written_off AND settled <= amount),
    UNIQUE (invoice_id, seq)
) STRICT;
CREATE INDEX installments_open ON installments (customer_id, due_date) WHERE settled < amount;
CREATE INDEX installments_customer ON installments (customer_id, due_date);

CREATE TABLE payments (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    method      TEXT NOT NULL CHECK (method IN ('bank', 'cash', 'cheque', 'alipay', 'wechat', 'other')),
    reference   TEXT,
    source      TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'bank')),
    auto_apply  INTEGER NOT NULL DEFAULT 1 CHECK (auto_apply IN (0, 1)),
    voided      INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    allocated   INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= amount)
) STRICT;
CREATE INDEX payments_customer ON payments (customer_id, date);
CREATE INDEX payments_credit ON payments (customer_id, date, id) WHERE allocated < amount AND voided = 0;

CREATE TABLE allocations (
    id             INTEGER PRIMARY KEY,
    payment_id     INTEGER NOT NULL REFERENCES payments(id),
    installment_id INTEGER NOT NULL REFERENCES installments(id),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    effective_date TEXT NOT NULL CHECK (effective_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
) STRICT;
CREATE INDEX allocations_payment ON allocations (payment_id);
CREATE INDEX allocations_installment ON allocations (installment_id);

CREATE TRIGGER allocations_insert AFTER INSERT ON allocations BEGIN
    UPDATE installments SET paid = paid + NEW.amount, settled = settled + NEW.amount WHERE id = NEW.installment_id;
    UPDATE payments SET allocated = allocated + NEW.amount WHERE id = NEW.payment_id;
END;
CREATE TRIGGER allocations_delete AFTER DELETE ON allocations BEGIN
    UPDATE installments SET paid = paid - OLD.amount, settled = settled - OLD.amount WHERE id = OLD.installment_id;
    UPDATE payments SET allocated = allocated - OLD.amount WHERE id = OLD.payment_id;
END;
CREATE TRIGGER allocations_no_update BEFORE UPDATE ON allocations BEGIN
    SELECT RAISE(ABORT, 'allocations are never edited; delete and insert');
END;

CREATE TABLE write_offs (
    id             INTEGER PRIMARY KEY,
    installment_id INTEGER NOT NULL REFERENCES installments(id),
    date           TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    reason         TEXT NOT NULL
) STRICT;
CREATE INDEX write_offs_installment ON write_offs (installment_id);
CREATE TRIGGER write_offs_insert AFTER INSERT ON write_offs BEGIN
    UPDATE installments SET written_off = written_off + NEW.amount, settled = settled + NEW.amount
    WHERE id = NEW.installment_id;
END;
CREATE TRIGGER write_offs_delete AFTER DELETE ON write_offs BEGIN
    UPDATE installments SET written_off = written_off - OLD.amount, settled = settled - OLD.amount
    WHERE id = OLD.installment_id;
END;

CREATE TABLE events (
    id      INTEGER PRIMARY KEY,
    at      TEXT NOT NULL,
    command TEXT NOT NULL,
    summary TEXT NOT NULL,
    detail  TEXT
) STRICT;
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN
    SELECT RAISE(ABORT, 'the audit trail is append-only');
END;
"#,
    // 2: bank statement reconciliation — one batch per imported file, one row
    //    per statement line (credits, debits and neutral lines alike, so that
    //    re-importing an overlapping statement finds every line it already has).
    r#"
CREATE TABLE bank_batches (
    id       INTEGER PRIMARY KEY,
    file     TEXT NOT NULL,
    profile  TEXT NOT NULL,
    encoding TEXT NOT NULL,
    at       TEXT NOT NULL,
    undone   INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1))
) STRICT;

CREATE TABLE bank_lines (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES bank_batches(id),
    -- The line's own fields and its occurrence among identical lines of its file.
    fingerprint  TEXT NOT NULL UNIQUE,
    line         INTEGER NOT NULL,
    date         TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    direction    TEXT NOT NULL CHECK (direction IN ('credit', 'debit', 'neutral')),
    fee          INTEGER CHECK (fee IS NULL OR fee >= 0),
    counterparty TEXT,
    account      TEXT,
    memo         TEXT,
    reference    TEXT,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'matched', 'ignored', 'other')),
    payment_id   INTEGER REFERENCES payments(id),
    rule         TEXT,
    confidence   INTEGER,
    CHECK ((status = 'matched') = (payment_id IS NOT NULL)),
    CHECK (status = 'other' OR direction = 'credit')
) STRICT;
CREATE INDEX bank_lines_batch ON bank_lines (batch_id);
CREATE INDEX bank_lines_queued ON bank_lines (date, id) WHERE status = 'queued';
CREATE INDEX bank_lines_payment ON bank_lines (payment_id) WHERE payment_id IS NOT NULL;
"#,
    // 3: collection — the actions taken along the ladder, promises to pay,
    //    and the day a customer was put on hold.
    r#"
CREATE TABLE dun_actions (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    level       INTEGER NOT NULL CHECK (level BETWEEN 0 AND 50),
    channel     TEXT NOT NULL,
    note        TEXT,
    outcome     TEXT,
    source      TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'letter', 'system'))
) STRICT;
CREATE INDEX dun_actions_customer ON dun_actions (customer_id, date);

CREATE TABLE promises (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    made        TEXT NOT NULL CHECK (made GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    note        TEXT,
    CHECK (date >= made)
) STRICT;
CREATE INDEX promises_customer ON promises (customer_id, made);

ALTER TABLE customers ADD COLUMN hold_since TEXT;
"#,
    // 4: late interest posted as receivables — what each installment has been
    //    charged, and by which interest invoice.
    r#"
CREATE TABLE interest_charges (
    id             INTEGER PRIMARY KEY,
    installment_id INTEGER NOT NULL REFERENCES installments(id),
    invoice_id     INTEGER NOT NULL REFERENCES invoices(id),
    amount         INTEGER NOT NULL CHECK (amount > 0)
) STRICT;
CREATE INDEX interest_charges_installment ON interest_charges (installment_id);
"#,
    // 5: period close. Every date on or before the latest closed period's
    //    last day is locked: the triggers refuse any change dated in it,
    //    whichever command (or hand-written SQL) tries.
    r#"
CREATE TABLE closes (
    period      TEXT PRIMARY KEY CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    through     TEXT NOT NULL CHECK (through GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    closed_at   TEXT NOT NULL,
    aging_json  TEXT NOT NULL,
    reopened_at TEXT,
    reason      TEXT
) STRICT;

CREATE TRIGGER lock_invoices_insert BEFORE INSERT ON invoices
WHEN NEW.issue_date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_invoices_void BEFORE UPDATE OF voided, amount, issue_date ON invoices
WHEN OLD.issue_date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_payments_insert BEFORE INSERT ON payments
WHEN NEW.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_payments_void BEFORE UPDATE OF voided, amount, date ON payments
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_payments_delete BEFORE DELETE ON payments
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_allocations_insert BEFORE INSERT ON allocations
WHEN NEW.effective_date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_allocations_delete BEFORE DELETE ON allocations
WHEN OLD.effective_date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_write_offs_insert BEFORE INSERT ON write_offs
WHEN NEW.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_write_offs_delete BEFORE DELETE ON write_offs
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
"#,
    // 6: reading a large book from what is open now. The open-installment
    //    index carries every column the aging and FIFO read, so they never
    //    touch the installments table; settlements are found by date, so
    //    "what was settled after the as-of date" is a range, not a scan, and
    //    an installment's settlements are read from the index alone. The
    //    tie-out's "invoiced by the as-of date" is a range of a small index.
    r#"
DROP INDEX installments_open;
CREATE INDEX installments_open ON installments (customer_id, due_date, invoice_id, amount, settled)
    WHERE settled < amount;
CREATE INDEX allocations_effective ON allocations (effective_date, amount);
CREATE INDEX write_offs_date ON write_offs (date);
DROP INDEX allocations_installment;
CREATE INDEX allocations_installment ON allocations (installment_id, effective_date, amount);
CREATE INDEX invoices_voided ON invoices (id) WHERE voided = 1;
CREATE INDEX invoices_issued ON invoices (issue_date, amount) WHERE voided = 0;
"#,
    // 7: money in, with its facts. An invoice keeps its VAT facts (net 金额,
    //    tax 税额, rate 税率, the VAT invoice number), its contract and its
    //    salesperson; a customer has a salesperson of its own. A statement line
    //    knows whether the file marked it a refund and its currency when the
    //    file states one. Each imported customer, invoice and payment row is
    //    remembered by its fingerprint (its own fields and its occurrence among
    //    identical rows), kept on the record it became, so importing a file
    //    again adds nothing twice.
    r#"
ALTER TABLE invoices ADD COLUMN net INTEGER CHECK (net IS NULL OR net >= 0);
ALTER TABLE invoices ADD COLUMN tax INTEGER CHECK (tax IS NULL OR tax >= 0);
ALTER TABLE invoices ADD COLUMN tax_rate TEXT CHECK (tax_rate IS NULL OR length(tax_rate) BETWEEN 1 AND 16);
ALTER TABLE invoices ADD COLUMN vat_number TEXT CHECK (vat_number IS NULL OR length(vat_number) BETWEEN 1 AND 64);
ALTER TABLE invoices ADD COLUMN contract TEXT CHECK (contract IS NULL OR length(contract) BETWEEN 1 AND 64);
ALTER TABLE invoices ADD COLUMN salesperson TEXT CHECK (salesperson IS NULL OR length(salesperson) BETWEEN 1 AND 64);
ALTER TABLE customers ADD COLUMN salesperson TEXT CHECK (salesperson IS NULL OR length(salesperson) BETWEEN 1 AND 64);
-- An imported customer, invoice or payment keeps its row's fingerprint on
-- itself: a code or number finds a customer or invoice again, a customer and
-- date (an index the payments have) a payment.
ALTER TABLE customers ADD COLUMN import_print TEXT;
ALTER TABLE invoices ADD COLUMN import_print TEXT;
ALTER TABLE bank_lines ADD COLUMN refund INTEGER NOT NULL DEFAULT 0 CHECK (refund IN (0, 1));
ALTER TABLE bank_lines ADD COLUMN currency TEXT;
ALTER TABLE payments ADD COLUMN import_print TEXT;
"#,
    // 8: figures an auditor signs. Interest rates have a history (the book's
    //    and each customer's own, from a day on); waived interest is a dated
    //    entry per installment; a dispute is a dated interval; an early-payment
    //    discount is a settlement of its own kind, tied to the payment that
    //    earned it; a close keeps the settings and figures it was made with
    //    and a link to the close before it, so an edit or a removal shows.
    r#"
CREATE TABLE interest_rates (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER REFERENCES customers(id),
    from_date   TEXT NOT NULL CHECK (from_date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    -- A daily rate; NULL (a customer's step only): back to the book's rate.
    rate        TEXT CHECK (rate IS NULL OR (rate GLOB '[0-9]*' AND CAST(rate AS REAL) < 1)),
    CHECK (customer_id IS NOT NULL OR rate IS NOT NULL)
) STRICT;
CREATE UNIQUE INDEX interest_rates_step ON interest_rates (ifnull(customer_id, 0), from_date);
INSERT INTO interest_rates (customer_id, from_date, rate)
    SELECT NULL, '0001-01-01', value FROM settings WHERE key = 'interest_rate';
INSERT INTO interest_rates (customer_id, from_date, rate)
    SELECT id, '0001-01-01', interest_rate FROM customers WHERE interest_rate IS NOT NULL;

CREATE TABLE interest_waivers (
    id             INTEGER PRIMARY KEY,
    installment_id INTEGER NOT NULL REFERENCES installments(id),
    date           TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    reason         TEXT NOT NULL CHECK (length(reason) >= 1)
) STRICT;
CREATE INDEX interest_waivers_installment ON interest_waivers (installment_id);
CREATE TRIGGER lock_interest_waivers_insert BEFORE INSERT ON interest_waivers
WHEN NEW.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_interest_waivers_delete BEFORE DELETE ON interest_waivers
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;

-- A dispute is open from `opened` until the day before `resolved`.
CREATE TABLE disputes (
    id         INTEGER PRIMARY KEY,
    invoice_id INTEGER NOT NULL REFERENCES invoices(id),
    opened     TEXT NOT NULL CHECK (opened GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    resolved   TEXT CHECK (resolved IS NULL OR resolved GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    reason     TEXT,
    CHECK (resolved IS NULL OR resolved >= opened)
) STRICT;
CREATE INDEX disputes_invoice ON disputes (invoice_id);
-- A book's disputes from before this upgrade were undated flags: each is
-- taken as open since its invoice's issue date, which is what they meant.
INSERT INTO disputes (invoice_id, opened) SELECT id, issue_date FROM invoices WHERE disputed = 1;

ALTER TABLE write_offs ADD COLUMN kind TEXT NOT NULL DEFAULT 'write_off' CHECK (kind IN ('write_off', 'discount'));
ALTER TABLE write_offs ADD COLUMN payment_id INTEGER REFERENCES payments(id);
-- The invoices that offer an early-payment discount: a payment looks for
-- one among what it pays only when the book has any.
CREATE INDEX invoices_discount ON invoices (id) WHERE discount_pct IS NOT NULL;
CREATE INDEX write_offs_payment ON write_offs (payment_id) WHERE payment_id IS NOT NULL;

ALTER TABLE closes ADD COLUMN settings_json TEXT;
ALTER TABLE closes ADD COLUMN figures_json TEXT;
ALTER TABLE closes ADD COLUMN chain TEXT;
"#,
    // 9: the interest that late parts of an installment settled in full
    //    earned, kept per installment, so the worklist does not read the whole
    //    history to find it. It is a cache, never the record: the triggers
    //    below queue an installment in `late_interest_pending` whenever
    //    anything its interest is computed from changes (its settlements, due
    //    date, amount, customer or invoice; the invoice's kind, voiding,
    //    issue date or disputes; a rate or the grace days), every write
    //    command recomputes what is queued before it commits, and readers
    //    fall back to computing from the history while anything is queued.
    //    `huikuan check` recomputes it all and compares.
    r#"
CREATE TABLE late_interest (
    installment_id INTEGER PRIMARY KEY REFERENCES installments(id) ON DELETE CASCADE,
    customer_id    INTEGER NOT NULL,
    -- The first day it counts on: the day it was settled in full, or its
    -- invoice's issue date if that is later.
    counts_from    TEXT NOT NULL CHECK (counts_from GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    accrued        INTEGER NOT NULL CHECK (accrued >= 0)
) STRICT;
CREATE INDEX late_interest_customer ON late_interest (customer_id, counts_from, accrued);
CREATE TABLE late_interest_pending (installment_id INTEGER PRIMARY KEY) STRICT;

CREATE TRIGGER late_interest_installment
AFTER UPDATE OF settled, amount, due_date, customer_id, invoice_id ON installments
WHEN NEW.settled = NEW.amount OR OLD.settled = OLD.amount
BEGIN INSERT OR IGNORE INTO late_interest_pending VALUES (NEW.id); END;
CREATE TRIGGER late_interest_write_off AFTER UPDATE ON write_offs
BEGIN INSERT OR IGNORE INTO late_interest_pending VALUES (OLD.installment_id), (NEW.installment_id); END;
CREATE TRIGGER late_interest_invoice
AFTER UPDATE OF kind, voided, issue_date, customer_id, disputed ON invoices
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT id FROM installments WHERE invoice_id = NEW.id AND settled = amount;
END;
CREATE TRIGGER late_interest_dispute_insert AFTER INSERT ON disputes
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT id FROM installments WHERE invoice_id = NEW.invoice_id AND settled = amount;
END;
CREATE TRIGGER late_interest_dispute_update AFTER UPDATE ON disputes
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT id FROM installments WHERE invoice_id IN (OLD.invoice_id, NEW.invoice_id) AND settled = amount;
END;
CREATE TRIGGER late_interest_dispute_delete AFTER DELETE ON disputes
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT id FROM installments WHERE invoice_id = OLD.invoice_id AND settled = amount;
END;
CREATE TRIGGER late_interest_rate_insert AFTER INSERT ON interest_rates
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT installment_id FROM late_interest WHERE NEW.customer_id IS NULL OR customer_id = NEW.customer_id;
END;
CREATE TRIGGER late_interest_rate_update AFTER UPDATE ON interest_rates
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT installment_id FROM late_interest
    WHERE OLD.customer_id IS NULL OR NEW.customer_id IS NULL OR customer_id IN (OLD.customer_id, NEW.customer_id);
END;
CREATE TRIGGER late_interest_rate_delete AFTER DELETE ON interest_rates
BEGIN
    INSERT OR IGNORE INTO late_interest_pending
    SELECT installment_id FROM late_interest WHERE OLD.customer_id IS NULL OR customer_id = OLD.customer_id;
END;
CREATE TRIGGER late_interest_customer_rate AFTER UPDATE OF interest_rate ON customers
BEGIN
    INSERT OR IGNORE INTO late_interest_pending SELECT installment_id FROM late_interest WHERE customer_id = NEW.id;
END;
CREATE TRIGGER late_interest_setting_insert AFTER INSERT ON settings
WHEN NEW.key IN ('interest_rate', 'grace_days')
BEGIN INSERT OR IGNORE INTO late_interest_pending SELECT installment_id FROM late_interest; END;
CREATE TRIGGER late_interest_setting_update AFTER UPDATE ON settings
WHEN NEW.key IN ('interest_rate', 'grace_days') OR OLD.key IN ('interest_rate', 'grace_days')
BEGIN INSERT OR IGNORE INTO late_interest_pending SELECT installment_id FROM late_interest; END;
CREATE TRIGGER late_interest_setting_delete AFTER DELETE ON settings
WHEN OLD.key IN ('interest_rate', 'grace_days')
BEGIN INSERT OR IGNORE INTO late_interest_pending SELECT installment_id FROM late_interest; END;

-- What the book holds already is computed by the first write command.
INSERT INTO late_interest_pending SELECT id FROM installments WHERE settled = amount;
"#,
    // 10: what reaches the customer. A customer may have a language of its
    //    own for letters and statements; a balance confirmation (询证函) sent
    //    with a statement is kept per customer and month with the balance it
    //    stated, and the customer's reply (agreed, or the balance they give)
    //    when it comes back.
    r#"
ALTER TABLE customers ADD COLUMN lang TEXT CHECK (lang IS NULL OR lang IN ('en', 'zh'));
CREATE TABLE confirmations (
    id            INTEGER PRIMARY KEY,
    customer_id   INTEGER NOT NULL REFERENCES customers(id),
    period        TEXT NOT NULL CHECK (period GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]'),
    -- The balance the slip stated as of the period's end: positive, the
    -- customer owes us; negative, we owe the customer.
    balance       INTEGER NOT NULL,
    sent          TEXT CHECK (sent IS NULL OR sent GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    replied       TEXT CHECK (replied IS NULL OR replied GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    agreed        INTEGER CHECK (agreed IS NULL OR agreed IN (0, 1)),
    -- The balance the customer gives when it differs (same sign rule).
    their_balance INTEGER,
    note          TEXT,
    UNIQUE (customer_id, period),
    CHECK ((replied IS NULL) = (agreed IS NULL)),
    CHECK (agreed IS NOT 0 OR their_balance IS NOT NULL)
) STRICT;
"#,
    // 11: collection facts. The reason an amount is overdue (逾期原因), given
    //    with an action, a promise or a dispute, so overdue money can be
    //    reported by reason; and a customer's book cut-off day (扎账日, 1–31,
    //    past a short month's end meaning its last day), payment-run days
    //    ("10,25") and what its accounts payable needs on an invoice, so
    //    reminders arrive before their books close.
    r#"
ALTER TABLE dun_actions ADD COLUMN overdue_reason TEXT CHECK (overdue_reason IS NULL OR overdue_reason IN
    ('cash-flow', 'quality', 'documents', 'internal', 'wilful', 'other'));
ALTER TABLE promises ADD COLUMN overdue_reason TEXT CHECK (overdue_reason IS NULL OR overdue_reason IN
    ('cash-flow', 'quality', 'documents', 'internal', 'wilful', 'other'));
ALTER TABLE disputes ADD COLUMN overdue_reason TEXT CHECK (overdue_reason IS NULL OR overdue_reason IN
    ('cash-flow', 'quality', 'documents', 'internal', 'wilful', 'other'));
ALTER TABLE customers ADD COLUMN cutoff_day INTEGER CHECK (cutoff_day IS NULL OR cutoff_day BETWEEN 1 AND 31);
ALTER TABLE customers ADD COLUMN pay_days TEXT CHECK (pay_days IS NULL OR length(pay_days) BETWEEN 1 AND 90);
ALTER TABLE customers ADD COLUMN invoice_needs TEXT CHECK (invoice_needs IS NULL OR length(invoice_needs) BETWEEN 1 AND 500);
"#,
    // 12: payment plans (分期还款协议). `invoice reschedule` replaces an
    //    invoice's open balance by a new schedule from a date: a row in
    //    `reschedules`; each old open installment is settled on that date by
    //    a settlement of its own kind ('reschedule', neither a write-off nor
    //    a discount: the customer still owes it), so interest on it counts up
    //    to that date and stays owed, as it does for any part settled late;
    //    and the new installments are appended to the same invoice (seq
    //    continuing), each knowing its plan and counting only from the plan's
    //    date (`since`): as of an earlier date the invoice stands as it was.
    //    So Σ installments − Σ moved = the invoice amount. `level_before` is
    //    the highest collection step done before the plan, carried into it:
    //    a missed plan installment goes one level above it. write_offs is
    //    rebuilt (SQLite's table rebuild: new table, copy, drop, rename, then
    //    every index and trigger again) to allow the new kind.
    r#"
CREATE TABLE reschedules (
    id           INTEGER PRIMARY KEY,
    invoice_id   INTEGER NOT NULL REFERENCES invoices(id),
    date         TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    level_before INTEGER CHECK (level_before IS NULL OR level_before BETWEEN 0 AND 50),
    note         TEXT CHECK (note IS NULL OR length(note) BETWEEN 1 AND 500),
    created      TEXT NOT NULL
) STRICT;
CREATE INDEX reschedules_invoice ON reschedules (invoice_id, date);
CREATE TRIGGER lock_reschedules_insert BEFORE INSERT ON reschedules
WHEN NEW.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_reschedules_delete BEFORE DELETE ON reschedules
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;

ALTER TABLE installments ADD COLUMN reschedule_id INTEGER REFERENCES reschedules(id);
ALTER TABLE installments ADD COLUMN since TEXT CHECK (since IS NULL OR since GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
-- The open-installment index stays covering: the as-of readers now ask `since` too.
DROP INDEX installments_open;
CREATE INDEX installments_open ON installments (customer_id, due_date, invoice_id, amount, settled, since)
    WHERE settled < amount;

CREATE TABLE write_offs_new (
    id             INTEGER PRIMARY KEY,
    installment_id INTEGER NOT NULL REFERENCES installments(id),
    date           TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount         INTEGER NOT NULL CHECK (amount > 0),
    reason         TEXT NOT NULL,
    kind           TEXT NOT NULL DEFAULT 'write_off' CHECK (kind IN ('write_off', 'discount', 'reschedule')),
    payment_id     INTEGER REFERENCES payments(id),
    reschedule_id  INTEGER REFERENCES reschedules(id),
    CHECK ((kind = 'reschedule') = (reschedule_id IS NOT NULL))
) STRICT;
INSERT INTO write_offs_new (id, installment_id, date, amount, reason, kind, payment_id)
    SELECT id, installment_id, date, amount, reason, kind, payment_id FROM write_offs;
DROP TABLE write_offs;
ALTER TABLE write_offs_new RENAME TO write_offs;
CREATE INDEX write_offs_installment ON write_offs (installment_id);
CREATE INDEX write_offs_date ON write_offs (date);
CREATE INDEX write_offs_payment ON write_offs (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX write_offs_reschedule ON write_offs (reschedule_id) WHERE reschedule_id IS NOT NULL;
CREATE TRIGGER write_offs_insert AFTER INSERT ON write_offs BEGIN
    UPDATE installments SET written_off = written_off + NEW.amount, settled = settled + NEW.amount
    WHERE id = NEW.installment_id;
END;
CREATE TRIGGER write_offs_delete AFTER DELETE ON write_offs BEGIN
    UPDATE installments SET written_off = written_off - OLD.amount, settled = settled - OLD.amount
    WHERE id = OLD.installment_id;
END;
CREATE TRIGGER lock_write_offs_insert BEFORE INSERT ON write_offs
WHEN NEW.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_write_offs_delete BEFORE DELETE ON write_offs
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER late_interest_write_off AFTER UPDATE ON write_offs
BEGIN INSERT OR IGNORE INTO late_interest_pending VALUES (OLD.installment_id), (NEW.installment_id); END;
"#,
    // 13: Chinese throughout. An event keeps its text in Chinese too
    //    (`summary_zh`; NULL for the events written before this upgrade,
    //    which `log` shows in English), and so do the note huikuan writes
    //    for a letter it sent (`dun_actions.note_zh`) and the reason it
    //    gives when it stops supply (`customers.hold_reason_zh`); and a payment may come as a bank
    //    acceptance bill (承兑汇票, method 'acceptance'). payments is rebuilt
    //    the SQLite way (new table, one INSERT … SELECT, drop, rename, then
    //    its indexes and triggers again). Its children (allocations,
    //    bank_lines, write_offs) refer to it by name, so they refer to the
    //    new table once it is renamed: foreign keys are off during every
    //    upgrade and checked before it commits (see `upgrade`), and the
    //    legacy rename leaves the triggers of allocations, which name
    //    payments, as they are instead of failing on the missing table.
    //    The rebuilt payments and bank_lines (rebuilt for this alone) write
    //    their word lists as `x = 'a' OR x = 'b' …`, not `x IN ('a', 'b', …)`:
    //    SQLite checks an IN list of three or more words in a CHECK by
    //    building a temporary table for every row written, which was a
    //    sixth of the instructions of a payment import.
    r#"
ALTER TABLE events ADD COLUMN summary_zh TEXT;
-- What huikuan itself wrote as an action's note (a letter sent) and as the
-- reason it stopped supply to a customer, in Chinese.
ALTER TABLE dun_actions ADD COLUMN note_zh TEXT;
ALTER TABLE customers ADD COLUMN hold_reason_zh TEXT;

PRAGMA legacy_alter_table = ON;
CREATE TABLE payments_new (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    date        TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount      INTEGER NOT NULL CHECK (amount > 0),
    method      TEXT NOT NULL CHECK (method = 'bank' OR method = 'cash' OR method = 'cheque' OR method = 'alipay'
                                     OR method = 'wechat' OR method = 'acceptance' OR method = 'other'),
    reference   TEXT,
    source      TEXT NOT NULL DEFAULT 'manual' CHECK (source = 'manual' OR source = 'import' OR source = 'bank'),
    auto_apply  INTEGER NOT NULL DEFAULT 1 CHECK (auto_apply IN (0, 1)),
    voided      INTEGER NOT NULL DEFAULT 0 CHECK (voided IN (0, 1)),
    allocated   INTEGER NOT NULL DEFAULT 0 CHECK (allocated >= 0 AND allocated <= amount),
    import_print TEXT
) STRICT;
INSERT INTO payments_new (id, customer_id, date, amount, method, reference, source, auto_apply, voided, allocated,
                          import_print)
    SELECT id, customer_id, date, amount, method, reference, source, auto_apply, voided, allocated, import_print
    FROM payments;
DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX payments_customer ON payments (customer_id, date);
CREATE INDEX payments_credit ON payments (customer_id, date, id) WHERE allocated < amount AND voided = 0;
CREATE TRIGGER lock_payments_insert BEFORE INSERT ON payments
WHEN NEW.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_payments_void BEFORE UPDATE OF voided, amount, date ON payments
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;
CREATE TRIGGER lock_payments_delete BEFORE DELETE ON payments
WHEN OLD.date <= (SELECT MAX(through) FROM closes WHERE reopened_at IS NULL)
BEGIN SELECT RAISE(ABORT, 'huikuan: closed period'); END;

CREATE TABLE bank_lines_new (
    id           INTEGER PRIMARY KEY,
    batch_id     INTEGER NOT NULL REFERENCES bank_batches(id),
    -- The line's own fields and its occurrence among identical lines of its file.
    fingerprint  TEXT NOT NULL UNIQUE,
    line         INTEGER NOT NULL,
    date         TEXT NOT NULL CHECK (date GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]'),
    amount       INTEGER NOT NULL CHECK (amount >= 0),
    direction    TEXT NOT NULL CHECK (direction = 'credit' OR direction = 'debit' OR direction = 'neutral'),
    fee          INTEGER CHECK (fee IS NULL OR fee >= 0),
    counterparty TEXT,
    account      TEXT,
    memo         TEXT,
    reference    TEXT,
    status       TEXT NOT NULL CHECK (status = 'queued' OR status = 'matched' OR status = 'ignored' OR status = 'other'),
    payment_id   INTEGER REFERENCES payments(id),
    rule         TEXT,
    confidence   INTEGER,
    refund       INTEGER NOT NULL DEFAULT 0 CHECK (refund IN (0, 1)),
    currency     TEXT,
    CHECK ((status = 'matched') = (payment_id IS NOT NULL)),
    CHECK (status = 'other' OR direction = 'credit')
) STRICT;
INSERT INTO bank_lines_new (id, batch_id, fingerprint, line, date, amount, direction, fee, counterparty, account, memo,
                            reference, status, payment_id, rule, confidence, refund, currency)
    SELECT id, batch_id, fingerprint, line, date, amount, direction, fee, counterparty, account, memo,
           reference, status, payment_id, rule, confidence, refund, currency
    FROM bank_lines;
DROP TABLE bank_lines;
ALTER TABLE bank_lines_new RENAME TO bank_lines;
CREATE INDEX bank_lines_batch ON bank_lines (batch_id);
CREATE INDEX bank_lines_queued ON bank_lines (date, id) WHERE status = 'queued';
CREATE INDEX bank_lines_payment ON bank_lines (payment_id) WHERE payment_id IS NOT NULL;

-- The worklist finds the installments of payment plans and the invoices
-- flagged disputed without walking every installment and invoice (on a
-- book of 10⁶, each walk cost about a tenth of a second of every dun list).
CREATE INDEX installments_plan ON installments (reschedule_id) WHERE reschedule_id IS NOT NULL;
CREATE INDEX invoices_disputed ON invoices (id) WHERE disputed = 1;
"#,
    // 14: balances kept current, so that the reports of today read one row
    //    per customer and date, not every open installment and every
    //    invoice of the history. Both tables are caches kept by the triggers
    //    below in the same transaction as whatever changed them (an
    //    allocation, write-off, discount, payment plan, void …), never the
    //    record: `huikuan check` recomputes them from the installments,
    //    invoices, allocations and write-offs and names any difference.
    //
    //    A new installment is counted by the store function that writes it
    //    (`balances::count_new_installment`, called by `invoices::insert_in`
    //    and `plans::reschedule`), not by a trigger: an INSERT with a trigger
    //    makes SQLite keep a statement journal of every page it touches,
    //    which cost the invoice import a third of its time.
    //
    //    open_balances: the open amount (amount − settled) of the open
    //    installments of live invoices, summed per customer, due date,
    //    invoice issue date and the first day they count (`counts_from`: the
    //    issue date, or a payment plan's date when later), with how many
    //    installments make it up; a row goes when its last installment is
    //    settled. daily_totals: per day, what was invoiced (live invoices by
    //    issue date), collected (allocations by the day they take effect),
    //    allowed as discount and written off: the tie-out of the aging report.
    concat!(
        r#"
CREATE TABLE open_balances (
    customer_id INTEGER NOT NULL,
    due_date    TEXT NOT NULL,
    issue_date  TEXT NOT NULL,
    counts_from TEXT NOT NULL,
    amount      INTEGER NOT NULL,
    items       INTEGER NOT NULL,
    -- Due date first: invoices come in date order, so an import adds to the
    -- end of the table instead of to every customer's pages.
    PRIMARY KEY (due_date, customer_id, issue_date, counts_from)
) STRICT, WITHOUT ROWID;

-- While a row is here (only ever inside an import's own transaction), the
-- triggers leave out what new invoices, allocations and write-offs add;
-- the import recomputes what they touched before it commits
-- (`balances::catch_up`, from `Tx::commit`) and removes the row. The ids
-- are the last of each table before the import.
CREATE TABLE bulk_load (
    invoices    INTEGER NOT NULL,
    allocations INTEGER NOT NULL,
    write_offs  INTEGER NOT NULL
) STRICT;
-- What catch_up recomputes is what the additions touched, so nothing but
-- additions may happen meanwhile: anything else is refused, never missed.
CREATE TRIGGER bulk_load_allocations_delete BEFORE DELETE ON allocations WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
CREATE TRIGGER bulk_load_write_offs_delete BEFORE DELETE ON write_offs WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
CREATE TRIGGER bulk_load_write_offs_update BEFORE UPDATE ON write_offs WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
CREATE TRIGGER bulk_load_installments_delete BEFORE DELETE ON installments WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
CREATE TRIGGER bulk_load_installments_move BEFORE UPDATE OF customer_id, due_date, invoice_id, since, amount
ON installments WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
CREATE TRIGGER bulk_load_invoices_update BEFORE UPDATE OF voided, issue_date, amount ON invoices
WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;

-- Settled or reopened in place (the common case: an allocation or a
-- write-off): one row changes by the difference.
CREATE TRIGGER open_balances_installment_settle AFTER UPDATE OF settled, amount ON installments
WHEN (OLD.settled < OLD.amount OR NEW.settled < NEW.amount) AND NOT EXISTS (SELECT 1 FROM bulk_load)
     AND NEW.customer_id = OLD.customer_id AND NEW.due_date = OLD.due_date
     AND NEW.invoice_id = OLD.invoice_id AND NEW.since IS OLD.since
BEGIN
    INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT NEW.customer_id, NEW.due_date, v.issue_date, max(v.issue_date, coalesce(NEW.since, v.issue_date)),
           (NEW.amount - NEW.settled) - (OLD.amount - OLD.settled),
           (NEW.settled < NEW.amount) - (OLD.settled < OLD.amount)
    FROM invoices v WHERE v.id = NEW.invoice_id AND v.voided = 0
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
    DELETE FROM open_balances
    WHERE NEW.settled = NEW.amount AND customer_id = NEW.customer_id AND due_date = NEW.due_date AND items = 0;
END;
-- Moved (another customer, due date, invoice or plan date): out of the old
-- row, into the new one.
CREATE TRIGGER open_balances_installment_move AFTER UPDATE OF customer_id, due_date, invoice_id, since ON installments
WHEN NEW.customer_id != OLD.customer_id OR NEW.due_date != OLD.due_date
     OR NEW.invoice_id != OLD.invoice_id OR NEW.since IS NOT OLD.since
BEGIN
    INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT OLD.customer_id, OLD.due_date, v.issue_date, max(v.issue_date, coalesce(OLD.since, v.issue_date)),
           -(OLD.amount - OLD.settled), -1
    FROM invoices v WHERE v.id = OLD.invoice_id AND v.voided = 0 AND OLD.settled < OLD.amount
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
    INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT NEW.customer_id, NEW.due_date, v.issue_date, max(v.issue_date, coalesce(NEW.since, v.issue_date)),
           NEW.amount - NEW.settled, 1
    FROM invoices v WHERE v.id = NEW.invoice_id AND v.voided = 0 AND NEW.settled < NEW.amount
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
    DELETE FROM open_balances WHERE customer_id = OLD.customer_id AND due_date = OLD.due_date AND items = 0;
END;
CREATE TRIGGER open_balances_installment_delete AFTER DELETE ON installments
WHEN OLD.settled < OLD.amount
BEGIN
    INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT OLD.customer_id, OLD.due_date, v.issue_date, max(v.issue_date, coalesce(OLD.since, v.issue_date)),
           -(OLD.amount - OLD.settled), -1
    FROM invoices v WHERE v.id = OLD.invoice_id AND v.voided = 0
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
    DELETE FROM open_balances WHERE customer_id = OLD.customer_id AND due_date = OLD.due_date AND items = 0;
END;
-- An invoice voided (or restored) or dated anew takes its open installments along.
CREATE TRIGGER open_balances_invoice AFTER UPDATE OF voided, issue_date ON invoices
WHEN NEW.voided != OLD.voided OR NEW.issue_date != OLD.issue_date
BEGIN
    INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT i.customer_id, i.due_date, OLD.issue_date, max(OLD.issue_date, coalesce(i.since, OLD.issue_date)),
           -(i.amount - i.settled), -1
    FROM installments i WHERE i.invoice_id = OLD.id AND i.settled < i.amount AND OLD.voided = 0
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
    INSERT INTO open_balances (customer_id, due_date, issue_date, counts_from, amount, items)
    SELECT i.customer_id, i.due_date, NEW.issue_date, max(NEW.issue_date, coalesce(i.since, NEW.issue_date)),
           i.amount - i.settled, 1
    FROM installments i WHERE i.invoice_id = NEW.id AND i.settled < i.amount AND NEW.voided = 0
    ON CONFLICT DO UPDATE SET amount = amount + excluded.amount, items = items + excluded.items;
    DELETE FROM open_balances
    WHERE items = 0 AND (due_date, customer_id) IN (SELECT due_date, customer_id FROM installments WHERE invoice_id = NEW.id);
END;

-- The settlements dated after an as-of date (what the aging adds back to
-- today's open balances) come from a date index that also names their
-- installment, without reading each allocation or write-off row.
DROP INDEX allocations_effective;
CREATE INDEX allocations_effective ON allocations (effective_date, installment_id, amount);
DROP INDEX write_offs_date;
CREATE INDEX write_offs_date ON write_offs (date, installment_id, amount);

CREATE TABLE daily_totals (
    date        TEXT PRIMARY KEY,
    invoiced    INTEGER NOT NULL DEFAULT 0,
    collected   INTEGER NOT NULL DEFAULT 0,
    discounts   INTEGER NOT NULL DEFAULT 0,
    written_off INTEGER NOT NULL DEFAULT 0
) STRICT, WITHOUT ROWID;

CREATE TRIGGER daily_totals_invoice_insert AFTER INSERT ON invoices
WHEN NEW.voided = 0 AND NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
    INSERT INTO daily_totals (date, invoiced) VALUES (NEW.issue_date, NEW.amount)
    ON CONFLICT DO UPDATE SET invoiced = invoiced + excluded.invoiced;
END;
CREATE TRIGGER daily_totals_invoice_update AFTER UPDATE OF voided, amount, issue_date ON invoices
WHEN NEW.voided != OLD.voided OR NEW.amount != OLD.amount OR NEW.issue_date != OLD.issue_date
BEGIN
    INSERT INTO daily_totals (date, invoiced) SELECT OLD.issue_date, -OLD.amount WHERE OLD.voided = 0
    ON CONFLICT DO UPDATE SET invoiced = invoiced + excluded.invoiced;
    INSERT INTO daily_totals (date, invoiced) SELECT NEW.issue_date, NEW.amount WHERE NEW.voided = 0
    ON CONFLICT DO UPDATE SET invoiced = invoiced + excluded.invoiced;
END;
CREATE TRIGGER daily_totals_allocation_insert AFTER INSERT ON allocations
WHEN NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
    INSERT INTO daily_totals (date, collected) VALUES (NEW.effective_date, NEW.amount)
    ON CONFLICT DO UPDATE SET collected = collected + excluded.collected;
END;
CREATE TRIGGER daily_totals_allocation_delete AFTER DELETE ON allocations
BEGIN
    INSERT INTO daily_totals (date, collected) VALUES (OLD.effective_date, -OLD.amount)
    ON CONFLICT DO UPDATE SET collected = collected + excluded.collected;
END;
CREATE TRIGGER daily_totals_write_off_insert AFTER INSERT ON write_offs
WHEN NEW.kind != 'reschedule' AND NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
    INSERT INTO daily_totals (date, discounts, written_off)
    VALUES (NEW.date, iif(NEW.kind = 'discount', NEW.amount, 0), iif(NEW.kind = 'write_off', NEW.amount, 0))
    ON CONFLICT DO UPDATE SET discounts = discounts + excluded.discounts, written_off = written_off + excluded.written_off;
END;
CREATE TRIGGER daily_totals_write_off_delete AFTER DELETE ON write_offs WHEN OLD.kind != 'reschedule'
BEGIN
    INSERT INTO daily_totals (date, discounts, written_off)
    VALUES (OLD.date, -iif(OLD.kind = 'discount', OLD.amount, 0), -iif(OLD.kind = 'write_off', OLD.amount, 0))
    ON CONFLICT DO UPDATE SET discounts = discounts + excluded.discounts, written_off = written_off + excluded.written_off;
END;
CREATE TRIGGER daily_totals_write_off_update AFTER UPDATE OF date, amount, kind ON write_offs
BEGIN
    INSERT INTO daily_totals (date, discounts, written_off)
    VALUES (OLD.date, -iif(OLD.kind = 'discount', OLD.amount, 0), -iif(OLD.kind = 'write_off', OLD.amount, 0))
    ON CONFLICT DO UPDATE SET discounts = discounts + excluded.discounts, written_off = written_off + excluded.written_off;
    INSERT INTO daily_totals (date, discounts, written_off)
    VALUES (NEW.date, iif(NEW.kind = 'discount', NEW.amount, 0), iif(NEW.kind = 'write_off', NEW.amount, 0))
    ON CONFLICT DO UPDATE SET discounts = discounts + excluded.discounts, written_off = written_off + excluded.written_off;
END;
"#,
        balances_from_the_book!()
    ),
    // 15: what the book's payments total, kept per day like the rest of
    //    daily_totals (`received`: live payments by their date), so that a
    //    payment checks the book's received total within the amount limit
    //    without summing every payment. Triggers follow each payment added,
    //    voided, changed or removed; an import defers its additions like
    //    the others (bulk_load.payments: the last payment id before it).
    concat!(
        r#"
ALTER TABLE daily_totals ADD COLUMN received INTEGER NOT NULL DEFAULT 0;
ALTER TABLE bulk_load ADD COLUMN payments INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER daily_totals_payment_insert AFTER INSERT ON payments
WHEN NEW.voided = 0 AND NOT EXISTS (SELECT 1 FROM bulk_load)
BEGIN
    INSERT INTO daily_totals (date, received) VALUES (NEW.date, NEW.amount)
    ON CONFLICT DO UPDATE SET received = received + excluded.received;
END;
CREATE TRIGGER daily_totals_payment_update AFTER UPDATE OF voided, amount, date ON payments
WHEN NEW.voided != OLD.voided OR NEW.amount != OLD.amount OR NEW.date != OLD.date
BEGIN
    INSERT INTO daily_totals (date, received) SELECT OLD.date, -OLD.amount WHERE OLD.voided = 0
    ON CONFLICT DO UPDATE SET received = received + excluded.received;
    INSERT INTO daily_totals (date, received) SELECT NEW.date, NEW.amount WHERE NEW.voided = 0
    ON CONFLICT DO UPDATE SET received = received + excluded.received;
END;
CREATE TRIGGER daily_totals_payment_delete AFTER DELETE ON payments WHEN OLD.voided = 0
BEGIN
    INSERT INTO daily_totals (date, received) VALUES (OLD.date, -OLD.amount)
    ON CONFLICT DO UPDATE SET received = received + excluded.received;
END;
CREATE TRIGGER bulk_load_payments_update BEFORE UPDATE OF voided, amount, date ON payments
WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
CREATE TRIGGER bulk_load_payments_delete BEFORE DELETE ON payments WHEN EXISTS (SELECT 1 FROM bulk_load)
BEGIN SELECT RAISE(ABORT, 'huikuan: an import only adds records'); END;
"#,
        received_from_the_book!()
    ),
    // 16: each installment carries what its invoice says that the open
    //    items are read by (issue date, disputed, void, kind), so that the
    //    index of open installments answers alone: oldest-first allocation
    //    reads a customer's open installments in its own order (due date,
    //    the day the installment counts from, id) and stops where the
    //    payment is covered, instead of reading and sorting every
    //    installment due on that day; the worklist reads no invoice. The
    //    store writes the copies with the installments (no INSERT trigger:
    //    it would make SQLite journal every page an import's inserts touch)
    //    and a trigger makes them follow the invoice.
    concat!(
        r#"
ALTER TABLE installments ADD COLUMN invoice_issued TEXT
    CHECK (invoice_issued IS NULL OR invoice_issued GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');
ALTER TABLE installments ADD COLUMN invoice_disputed INTEGER NOT NULL DEFAULT 0 CHECK (invoice_disputed IN (0, 1));
ALTER TABLE installments ADD COLUMN invoice_voided INTEGER NOT NULL DEFAULT 0 CHECK (invoice_voided IN (0, 1));
ALTER TABLE installments ADD COLUMN invoice_kind TEXT NOT NULL DEFAULT 'sale' CHECK (invoice_kind IN ('sale', 'interest'));
DROP INDEX installments_open;
"#,
        invoice_copies_from_the_book!(),
        r#"
CREATE INDEX installments_open ON installments (customer_id, due_date, COALESCE(since, invoice_issued), id,
    invoice_id, amount, settled, since, invoice_issued, invoice_disputed, invoice_voided, invoice_kind)
    WHERE settled < amount;
CREATE TRIGGER installments_follow_invoice AFTER UPDATE OF issue_date, disputed, voided, kind ON invoices
WHEN NEW.issue_date != OLD.issue_date OR NEW.disputed != OLD.disputed OR NEW.voided != OLD.voided
     OR NEW.kind != OLD.kind
BEGIN
    UPDATE installments SET invoice_issued = NEW.issue_date, invoice_disputed = NEW.disputed,
        invoice_voided = NEW.voided, invoice_kind = NEW.kind
    WHERE invoice_id = NEW.id;
END;
"#
    ),
    // 17: the late interest kept for installments settled in full, summed
    //    per customer, so that the worklist reads one row per customer
    //    (less the few figures counting after its date, by their own index)
    //    instead of every installment ever settled late (most of the
    //    history). Written with `late_interest` by the one function that
    //    writes it (`late_interest::refresh`), which sums the changes per
    //    customer as it goes and applies them once each: a trigger per row
    //    would make SQLite journal the pages of every insert.
    r#"
-- No CHECK on the sums: SQLite checks an upsert's new row before it finds
-- the conflict, and the refresh subtracts before it adds. `check` compares
-- the totals with the figures.
CREATE TABLE late_interest_totals (
    customer_id INTEGER PRIMARY KEY,
    accrued     INTEGER NOT NULL,
    items       INTEGER NOT NULL
) STRICT;
INSERT INTO late_interest_totals (customer_id, accrued, items)
SELECT customer_id, SUM(accrued), count(*) FROM late_interest GROUP BY customer_id;
-- The figures that count only after a date (settled after it), which a
-- report as of that date takes from the totals.
CREATE INDEX late_interest_from ON late_interest (counts_from, customer_id, accrued);
"#,
    // 18: the invoices whose number is not upper case, which bank matching
    //    keeps in memory (the others it looks up by the number a memo
    //    names): found by this partial index, which holds only them (few
    //    books have any), instead of from every open installment joined to
    //    its invoice (2.9 s on the 10^7 bench book, at every
    //    `reconcile list` and `reconcile import`).
    r#"
CREATE INDEX invoices_number_cased ON invoices (id) WHERE number <> upper(number);
"#,
];

/// The book's `PRAGMA application_id`: the bytes "HKAR" (huikuan accounts
/// receivable) read as a big-endian i32, 0x484B4152, so that the header shows
/// them as text at offset 68.
pub const APPLICATION_ID: i32 = i32::from_be_bytes(*b"HKAR");

/// The tables of upgrade 1: with application_id 0, a file holding all of them
/// at a `user_version` of 1 or more is a book written before the stamp.
pub const FOUNDATION: &[&str] =
    &["settings", "customers", "invoices", "installments", "payments", "allocations", "events"];

/// What an SQLite file is, read without writing to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Identity {
    /// A book (stamped, or an older one with the foundation tables) at
    /// `version`; `stamped` when it carries [`APPLICATION_ID`], `wal` when
    /// it is in WAL mode.
    Book { version: i64, stamped: bool, wal: bool },
    /// Another program's database: its application_id, if it has one.
    Foreign { application_id: i32 },
    /// A database with no tables at all, application_id 0 and
    /// user_version 0: not one huikuan made.
    Empty,
}

impl Identity {
    /// A book that opens as it is: stamped, current and in WAL mode.
    pub fn is_ready(&self) -> bool {
        matches!(self, Identity::Book { version, stamped: true, wal: true } if *version == current_version())
    }
}

/// Read what the file behind `conn` is, in one read transaction, writing
/// nothing.
pub fn identify(conn: &Connection) -> rusqlite::Result<Identity> {
    let tx = conn.unchecked_transaction()?;
    let application_id: i32 = tx.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version = version(&tx)?;
    let tables: Vec<String> = tx
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    let mode: String = tx.query_row("PRAGMA journal_mode", [], |r| r.get(0))?;
    tx.commit()?;
    let wal = mode.eq_ignore_ascii_case("wal");
    Ok(match application_id {
        APPLICATION_ID => Identity::Book { version, stamped: true, wal },
        0 if version >= 1 && FOUNDATION.iter().all(|t| tables.iter().any(|n| n == t)) => {
            Identity::Book { version, stamped: false, wal }
        }
        0 if version == 0 && tables.is_empty() => Identity::Empty,
        id => Identity::Foreign { application_id: id },
    })
}

/// The book's application_id.
fn application_id(conn: &Connection) -> rusqlite::Result<i32> {
    conn.query_row("PRAGMA application_id", [], |r| r.get(0))
}

/// The schema version this build writes.
pub fn current_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// Bring the book up to [`current_version`]. A book from a newer build is
/// refused and left untouched; a failed upgrade leaves the book as it was.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    upgrade(conn, MIGRATIONS)
}

/// Bring the book up to `version` exactly as [`migrate`] does, with the
/// first `version` upgrades only: how the test fixtures of older books are
/// made.
#[doc(hidden)]
pub fn migrate_to(conn: &mut Connection, version: usize) -> Result<(), StoreError> {
    upgrade(conn, &MIGRATIONS[..version.min(MIGRATIONS.len())])
}

/// The book's schema version.
pub fn version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.query_row("PRAGMA user_version", [], |r| r.get(0))
}

/// Refuse a book written by a build that knows more upgrades than `known`.
pub fn refuse_newer(conn: &Connection, known: i64) -> Result<i64, StoreError> {
    let found = version(conn)?;
    if found > known {
        return Err(StoreError::NewerSchema { found, known });
    }
    Ok(found)
}

/// Apply the upgrades of `steps` that the book lacks, and stamp
/// [`APPLICATION_ID`] on a book without it, in one transaction.
fn upgrade(conn: &mut Connection, steps: &[&str]) -> Result<(), StoreError> {
    let known = steps.len() as i64;
    if refuse_newer(conn, known)? == known && application_id(conn)? == APPLICATION_ID {
        return Ok(());
    }
    // An upgrade may rebuild a table that others refer to (new table, copy,
    // drop, rename): foreign keys would refuse the drop, so they are off
    // while the upgrades run (the switch is ignored inside a transaction)
    // and checked as a whole before they commit.
    let keys_on: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
    conn.pragma_update(None, "foreign_keys", false)?;
    let result = upgrade_keys_off(conn, steps);
    conn.pragma_update(None, "foreign_keys", keys_on)?;
    result
}

fn upgrade_keys_off(conn: &mut Connection, steps: &[&str]) -> Result<(), StoreError> {
    let known = steps.len() as i64;
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    // Another process may have upgraded the book while we waited for the lock.
    let from = refuse_newer(&tx, known)?;
    for (i, step) in steps.iter().enumerate().skip(from as usize) {
        let step_no = i as i64 + 1;
        tx.execute_batch(step).map_err(|e| StoreError::UpgradeFailed {
            from,
            to: known,
            step: step_no,
            reason: sqlite_message(&e),
        })?;
        tx.pragma_update(None, "user_version", step_no)?;
    }
    if let Some(table) = broken_reference(&tx)? {
        return Err(StoreError::UpgradeFailed {
            from,
            to: known,
            step: known,
            reason: format!("a row of {table} refers to a row that is not there"),
        });
    }
    if application_id(&tx)? != APPLICATION_ID {
        tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    }
    // Dropping the transaction on an error above rolls every step back.
    tx.commit()?;
    Ok(())
}

/// The first table with a row whose foreign key finds no parent, if any.
fn broken_reference(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.prepare("PRAGMA foreign_key_check")?.query_map([], |r| r.get(0))?.next().transpose()
}

/// Everything a book is, as text: its version, its schema and every row of
/// every table. Equal snapshots before and after a failed upgrade prove it
/// changed nothing.
#[doc(hidden)]
pub fn snapshot(conn: &Connection) -> rusqlite::Result<String> {
    let mut out = format!("user_version {}\n", version(conn)?);
    let objects: Vec<(String, String, Option<String>)> = conn
        .prepare("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (kind, name, sql) in objects {
        out.push_str(&format!("{kind} {name}: {sql:?}\n"));
        if kind == "table" {
            // Rows sorted as text: a WITHOUT ROWID table has no rowid.
            let mut stmt = conn.prepare(&format!("SELECT * FROM \"{name}\""))?;
            let n = stmt.column_count();
            let mut rows = stmt.query([])?;
            let mut lines = Vec::new();
            while let Some(row) = rows.next()? {
                let cells: Vec<String> =
                    (0..n).map(|i| row.get_ref(i).map(|v| format!("{v:?}"))).collect::<rusqlite::Result<_>>()?;
                lines.push(format!("  {}\n", cells.join(" | ")));
            }
            lines.sort();
            out.extend(lines);
        }
    }
    Ok(out)
}

/// SQLite's own words for a failed statement, on one line (without the
/// statement, which may be a whole upgrade long).
fn sqlite_message(e: &rusqlite::Error) -> String {
    let text = match e {
        rusqlite::Error::SqlInputError { msg, .. } | rusqlite::Error::SqliteFailure(_, Some(msg)) => msg.clone(),
        e => e.to_string(),
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A little of everything upgrade 1 knows: two customers of the same
    /// name, an invoice in two parts, a payment allocated to it.
    fn fill_v1(c: &Connection) {
        c.execute_batch(
            "INSERT INTO settings (key, value) VALUES ('company', 'Upgrade Test Co.');
             INSERT INTO customers (id, code, name, created) VALUES (1, 'A', 'Same Name Ltd', '2026-01-01');
             INSERT INTO customers (id, code, name, created) VALUES (2, 'B', 'Same Name Ltd', '2026-01-02');
             INSERT INTO invoices (id, number, customer_id, issue_date, amount) VALUES (1, 'I1', 1, '2026-01-01', 300);
             INSERT INTO installments (invoice_id, customer_id, seq, due_date, amount) VALUES (1, 1, 1, '2026-01-31', 100);
             INSERT INTO installments (invoice_id, customer_id, seq, due_date, amount) VALUES (1, 1, 2, '2026-02-28', 200);
             INSERT INTO payments (id, customer_id, date, amount, method) VALUES (1, 1, '2026-01-05', 150, 'bank');
             INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (1, 1, 100, '2026-01-05');
             INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (1, 2, 50, '2026-01-05');
             INSERT INTO events (at, command, summary) VALUES ('2026-01-05T00:00:00Z', 'test', 'filled');",
        )
        .unwrap();
    }

    /// An upgrade that does real work — a new column filled in, a new table
    /// with rows, allocations deleted (the triggers move the running totals)
    /// — and then fails: the two customers share a name.
    const FAILS_HALF_WAY: &str = "
        ALTER TABLE customers ADD COLUMN region TEXT;
        UPDATE customers SET region = 'south';
        CREATE TABLE regions (name TEXT PRIMARY KEY) STRICT;
        INSERT INTO regions VALUES ('south');
        DELETE FROM allocations;
        CREATE UNIQUE INDEX customers_name ON customers (name);
        INSERT INTO regions VALUES ('never reached');
    ";

    #[test]
    fn every_step_applies_on_an_empty_book() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, current_version());
        // Running again is a no-op.
        migrate(&mut c).unwrap();
    }

    /// The indexes and triggers of a book, by name.
    fn indexes_and_triggers(c: &Connection) -> Vec<String> {
        c.prepare("SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY 1")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    }

    #[test]
    fn a_table_rebuilt_by_an_upgrade_keeps_every_index_and_trigger() {
        // Upgrades 12 and 13 rebuild write_offs, payments and bank_lines:
        // every index and trigger of the step before is there after.
        for step in 1..current_version() as usize {
            let mut c = Connection::open_in_memory().unwrap();
            migrate_to(&mut c, step).unwrap();
            let before = indexes_and_triggers(&c);
            migrate_to(&mut c, step + 1).unwrap();
            let after = indexes_and_triggers(&c);
            let lost: Vec<&String> = before.iter().filter(|n| !after.contains(n)).collect();
            assert!(lost.is_empty(), "upgrade {} lost {lost:?}", step + 1);
        }
    }

    #[test]
    fn the_tables_written_per_imported_row_check_their_words_without_in_lists() {
        // SQLite checks `x IN ('a', 'b', 'c')` in a CHECK by building a
        // temporary table for every row written; payments and bank lines are
        // written a row per imported line, so their word lists are OR chains.
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        for table in ["payments", "bank_lines", "allocations", "invoices", "installments"] {
            let sql: String =
                c.query_row("SELECT sql FROM sqlite_master WHERE name = ?1", [table], |r| r.get(0)).unwrap();
            let lists: Vec<&str> = sql
                .split(" IN (")
                .skip(1)
                .filter(|rest| rest.split(')').next().unwrap().matches(',').count() >= 2)
                .collect();
            assert!(lists.is_empty(), "{table} checks an IN list of three or more: {sql}");
        }
    }

    #[test]
    fn a_newer_book_is_refused_untouched() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", current_version() + 1).unwrap();
        let err = migrate(&mut c).unwrap_err();
        assert!(matches!(err, StoreError::NewerSchema { .. }));
        let tables: i64 = c.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert_eq!(tables, 0);
    }

    #[test]
    fn migrate_to_stops_at_the_version_asked_and_migrate_finishes() {
        for k in 0..=MIGRATIONS.len() {
            let mut c = Connection::open_in_memory().unwrap();
            migrate_to(&mut c, k).unwrap();
            assert_eq!(version(&c).unwrap(), k as i64);
            if k >= 1 {
                fill_v1(&c);
            }
            migrate(&mut c).unwrap();
            assert_eq!(version(&c).unwrap(), current_version());
        }
    }

    #[test]
    fn a_migration_that_fails_half_way_leaves_the_book_as_it_was() {
        let failing = [MIGRATIONS, &[FAILS_HALF_WAY]].concat();
        // From the first version every real upgrade runs before the failing
        // one; from the current one only the failing one does.
        for from in [1, MIGRATIONS.len()] {
            let mut c = Connection::open_in_memory().unwrap();
            migrate_to(&mut c, from).unwrap();
            fill_v1(&c);
            let before = snapshot(&c).unwrap();
            let err = upgrade(&mut c, &failing).unwrap_err();
            match &err {
                StoreError::UpgradeFailed { from: f, to, step, reason } => {
                    assert_eq!((*f, *to, *step), (from as i64, failing.len() as i64, failing.len() as i64));
                    assert!(reason.contains("UNIQUE"), "{reason}");
                }
                other => panic!("expected UpgradeFailed, got {other:?}"),
            }
            assert!(c.is_autocommit(), "the failed upgrade's transaction is closed");
            assert_eq!(snapshot(&c).unwrap(), before, "a failed upgrade from version {from} changed the book");
            // The book is still good for the real upgrades.
            migrate(&mut c).unwrap();
            assert_eq!(version(&c).unwrap(), current_version());
        }
    }

    #[test]
    fn the_schema_refuses_over_allocation() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c).unwrap();
        c.execute_batch(
            "INSERT INTO customers (id, code, name, created) VALUES (1, 'A', 'A', '2026-01-01');
             INSERT INTO invoices (id, number, customer_id, issue_date, amount) VALUES (1, 'I1', 1, '2026-01-01', 100);
             INSERT INTO installments (id, invoice_id, customer_id, seq, due_date, amount) VALUES (1, 1, 1, 1, '2026-01-31', 100);
             INSERT INTO payments (id, customer_id, date, amount, method) VALUES (1, 1, '2026-01-05', 500, 'bank');",
        )
        .unwrap();
        let err = c.execute(
            "INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (1, 1, 101, '2026-01-05')",
            [],
        );
        assert!(err.is_err(), "an allocation above the installment must fail");
        c.execute(
            "INSERT INTO allocations (payment_id, installment_id, amount, effective_date) VALUES (1, 1, 100, '2026-01-05')",
            [],
        )
        .unwrap();
        let (paid, allocated): (i64, i64) = c
            .query_row("SELECT i.paid, p.allocated FROM installments i, payments p", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((paid, allocated), (100, 100));
    }
}
