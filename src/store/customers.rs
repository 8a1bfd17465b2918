//! Customers, their aliases, bank accounts and contacts.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension, params};

use super::{Result, StoreError, money_col};
use crate::ledger::Money;
use crate::ledger::credit::CreditFacts;
use crate::ledger::matching::normalise_name;

/// The three people who matter at a customer (DESIGN §2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Decision maker.
    Decision,
    /// Who accepts the goods or services.
    Acceptance,
    /// Who pays (letters are addressed to this contact).
    Payer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Decision => "decision",
            Role::Acceptance => "acceptance",
            Role::Payer => "payer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "decision" | "decider" | "决策人" => Some(Role::Decision),
            "acceptance" | "accept" | "验收人" => Some(Role::Acceptance),
            "payer" | "pay" | "付款人" => Some(Role::Payer),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Contact {
    pub role: Role,
    pub name: String,
    pub phone: Option<String>,
    pub email: Option<String>,
}

/// A customer as stored, with its aliases, accounts and contacts.
#[derive(Clone, Debug)]
pub struct Customer {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub terms_days: u32,
    pub credit_limit: Option<Money>,
    pub credit_score: Option<u8>,
    pub on_hold: bool,
    pub hold_reason: Option<String>,
    /// The hold reason in Chinese, when huikuan stopped supply itself.
    pub hold_reason_zh: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    /// The salesperson (业务员) the customer's invoices are credited to.
    pub salesperson: Option<String>,
    pub aliases: Vec<String>,
    pub accounts: Vec<String>,
    pub contacts: Vec<Contact>,
}

/// The fields of a new customer.
#[derive(Clone, Debug, Default)]
pub struct NewCustomer {
    pub code: String,
    pub name: String,
    pub terms_days: Option<u32>,
    pub credit_limit: Option<Money>,
    pub credit_score: Option<u8>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    /// The salesperson (业务员) the customer's invoices are credited to.
    pub salesperson: Option<String>,
    pub aliases: Vec<String>,
    pub accounts: Vec<String>,
    pub contacts: Vec<Contact>,
}

/// Default payment terms when none are given (DESIGN §2).
pub const DEFAULT_TERMS_DAYS: u32 = 30;

/// The longest payment terms the book accepts (the schema's CHECK): ten years.
pub const MAX_TERMS_DAYS: u32 = 3650;

/// Check payment terms, so a typo meets this message rather than the CHECK.
pub fn validate_terms(days: u32) -> Result<()> {
    if days <= MAX_TERMS_DAYS {
        Ok(())
    } else {
        Err(StoreError::invalid(
            format!("payment terms of {days} days are longer than {MAX_TERMS_DAYS} days (ten years)"),
            format!("账期 {days} 天超过 {MAX_TERMS_DAYS} 天（十年）"),
        ))
    }
}

/// Check a salesperson's name: 1 to 64 printable characters (the book's CHECK).
pub fn validate_salesperson(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().count() > 64 || name.chars().any(char::is_control) {
        return Err(StoreError::invalid(
            format!("salesperson '{name}' must be 1 to 64 printable characters"),
            format!("业务员“{name}”须为 1 至 64 个可打印字符"),
        ));
    }
    Ok(())
}

/// A salesperson as given: trimmed, `None` when empty, checked.
fn salesperson(name: Option<&str>) -> Result<Option<&str>> {
    let name = name.map(str::trim).filter(|s| !s.is_empty());
    if let Some(n) = name {
        validate_salesperson(n)?;
    }
    Ok(name)
}

/// Check a customer code: short, no spaces, printable.
pub fn validate_code(code: &str) -> Result<()> {
    let ok = !code.is_empty()
        && code.chars().count() <= 32
        && code.chars().all(|c| !c.is_whitespace() && !c.is_control() && c != ',' && c != ';');
    if ok {
        Ok(())
    } else {
        Err(StoreError::invalid(
            format!("customer code '{code}' must be 1 to 32 characters without spaces, commas or semicolons"),
            format!("客户代码“{code}”须为 1 至 32 个字符，不含空格、逗号或分号"),
        ))
    }
}

pub fn insert(conn: &Connection, c: &NewCustomer, today: chrono::NaiveDate) -> Result<i64> {
    insert_checked(conn, c, today, None, None)
}

/// [`insert`] for one customer of many (an import): the aliases are checked
/// against `holders`, read once for the whole file, instead of searching the
/// book for each; the new customer's name and aliases are added to it. The
/// customer keeps `import_print`, the fingerprint of the import row it comes
/// from (see `import::fingerprint`), written with it.
pub fn insert_checked(
    conn: &Connection,
    c: &NewCustomer,
    today: chrono::NaiveDate,
    mut holders: Option<&mut Holders>,
    import_print: Option<&str>,
) -> Result<i64> {
    validate_code(&c.code)?;
    if let Some(t) = c.terms_days {
        validate_terms(t)?;
    }
    if c.name.trim().is_empty() {
        return Err(StoreError::invalid(
            format!("customer {} needs a name", c.code),
            format!("客户 {} 需要名称", c.code),
        ));
    }
    let sales = salesperson(c.salesperson.as_deref())?;
    // A code in use is found by the unique index itself (codes compare
    // without case), not by a lookup before every insert.
    let inserted = conn
        .prepare_cached(
            "INSERT INTO customers (code, name, terms_days, credit_limit, credit_score, email, phone, notes, created,
                                salesperson, import_print)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            c.code,
            c.name.trim(),
            c.terms_days.unwrap_or(DEFAULT_TERMS_DAYS),
            c.credit_limit.map(Money::cents),
            c.credit_score,
            c.email,
            c.phone,
            c.notes,
            super::date_sql(today),
            sales,
            import_print,
        ]);
    match inserted {
        Ok(_) => {}
        Err(rusqlite::Error::SqliteFailure(e, Some(msg)))
            if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE && msg.contains("customers.code") =>
        {
            return Err(StoreError::DuplicateCustomer(c.code.clone()));
        }
        Err(e) => return Err(e.into()),
    }
    let id = conn.last_insert_rowid();
    if let Some(h) = holders.as_deref_mut() {
        h.add(id, &c.name);
    }
    for a in &c.aliases {
        match holders.as_deref_mut() {
            None => {
                add_alias(conn, id, a)?;
            }
            Some(h) => {
                let alias = a.trim();
                if alias.is_empty() {
                    return Err(StoreError::invalid("an alias cannot be empty", "别名不能为空"));
                }
                if let Some(holder) = h.holder(conn, id, alias)? {
                    return Err(alias_taken(alias, &holder));
                }
                insert_alias(conn, id, alias)?;
                h.add(id, alias);
            }
        }
    }
    for a in &c.accounts {
        add_account(conn, id, a)?;
    }
    for ct in &c.contacts {
        set_contact(conn, id, ct)?;
    }
    Ok(id)
}

/// The id of the customer with this code (case-insensitive), if any.
pub fn id_of(conn: &Connection, code: &str) -> Result<Option<i64>> {
    Ok(conn
        .prepare_cached("SELECT id FROM customers WHERE code = ?1")?
        .query_row([code.trim()], |r| r.get(0))
        .optional()?)
}

/// The id of the customer with this code, or an "unknown customer" error.
pub fn require_id(conn: &Connection, code: &str) -> Result<i64> {
    id_of(conn, code)?.ok_or_else(|| StoreError::UnknownCustomer(code.trim().to_string()))
}

/// The id and payment terms of the customer with this code ([`get`]'s
/// answer to an import that needs no more of it).
pub fn terms_of(conn: &Connection, code: &str) -> Result<(i64, u32)> {
    conn.prepare_cached("SELECT id, terms_days FROM customers WHERE code = ?1")?
        .query_row([code.trim()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?
        .ok_or_else(|| StoreError::UnknownCustomer(code.trim().to_string()))
}

pub fn get(conn: &Connection, code: &str) -> Result<Customer> {
    let id = require_id(conn, code)?;
    get_by_id(conn, id)
}

pub fn get_by_id(conn: &Connection, id: i64) -> Result<Customer> {
    let mut c = super::one(
        conn,
        "SELECT id, code, name, terms_days, credit_limit, credit_score, on_hold, hold_reason, email, phone, notes,
                salesperson, hold_reason_zh
         FROM customers WHERE id = ?1",
        [id],
        |r| {
            Ok(Customer {
                id: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                terms_days: r.get(3)?,
                credit_limit: r.get::<_, Option<i64>>(4)?.map(Money::from_cents),
                credit_score: r.get(5)?,
                on_hold: r.get(6)?,
                hold_reason: r.get(7)?,
                email: r.get(8)?,
                phone: r.get(9)?,
                notes: r.get(10)?,
                salesperson: r.get(11)?,
                hold_reason_zh: r.get(12)?,
                aliases: Vec::new(),
                accounts: Vec::new(),
                contacts: Vec::new(),
            })
        },
    )?;
    c.aliases = strings(conn, "SELECT alias FROM customer_aliases WHERE customer_id = ?1 ORDER BY id", id)?;
    c.accounts = strings(conn, "SELECT account FROM customer_accounts WHERE customer_id = ?1 ORDER BY id", id)?;
    let mut stmt =
        conn.prepare("SELECT role, name, phone, email FROM contacts WHERE customer_id = ?1 ORDER BY role")?;
    c.contacts = stmt
        .query_map([id], |r| {
            let role: String = r.get(0)?;
            Ok(Contact {
                role: Role::parse(&role).unwrap_or(Role::Payer),
                name: r.get(1)?,
                phone: r.get(2)?,
                email: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(c)
}

fn strings(conn: &Connection, sql: &str, id: i64) -> Result<Vec<String>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map([id], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Changes to a customer; `None` leaves a field as it is.
#[derive(Clone, Debug, Default)]
pub struct CustomerEdit {
    pub name: Option<String>,
    pub terms_days: Option<u32>,
    /// `Some(None)` removes the limit.
    pub credit_limit: Option<Option<Money>>,
    pub credit_score: Option<u8>,
    /// `Some(None)` returns the customer to the book's rate.
    pub interest_rate: Option<Option<rust_decimal::Decimal>>,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub notes: Option<String>,
    /// An empty name removes the salesperson.
    pub salesperson: Option<String>,
    pub contacts: Vec<Contact>,
}

impl CustomerEdit {
    pub fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.terms_days.is_none()
            && self.credit_limit.is_none()
            && self.credit_score.is_none()
            && self.interest_rate.is_none()
            && self.email.is_none()
            && self.phone.is_none()
            && self.notes.is_none()
            && self.salesperson.is_none()
            && self.contacts.is_empty()
    }
}

pub fn update(conn: &Connection, id: i64, e: &CustomerEdit) -> Result<()> {
    if let Some(name) = &e.name {
        if name.trim().is_empty() {
            return Err(StoreError::invalid("a customer needs a name", "客户需要名称"));
        }
        super::exec(conn, "UPDATE customers SET name = ?1 WHERE id = ?2", params![name.trim(), id])?;
    }
    if let Some(t) = e.terms_days {
        validate_terms(t)?;
        super::exec(conn, "UPDATE customers SET terms_days = ?1 WHERE id = ?2", params![t, id])?;
    }
    if let Some(l) = e.credit_limit {
        super::exec(conn, "UPDATE customers SET credit_limit = ?1 WHERE id = ?2", params![l.map(Money::cents), id])?;
    }
    if let Some(s) = e.credit_score {
        super::exec(conn, "UPDATE customers SET credit_score = ?1 WHERE id = ?2", params![s, id])?;
    }
    if let Some(r) = e.interest_rate {
        super::exec(
            conn,
            "UPDATE customers SET interest_rate = ?1 WHERE id = ?2",
            params![r.map(|r| r.normalize().to_string()), id],
        )?;
    }
    for (col, v) in [("email", &e.email), ("phone", &e.phone), ("notes", &e.notes)] {
        if let Some(v) = v {
            let v = Some(v.trim()).filter(|s| !s.is_empty());
            super::exec(conn, &format!("UPDATE customers SET {col} = ?1 WHERE id = ?2"), params![v, id])?;
        }
    }
    if let Some(name) = &e.salesperson {
        let name = salesperson(Some(name))?;
        super::exec(conn, "UPDATE customers SET salesperson = ?1 WHERE id = ?2", params![name, id])?;
    }
    for ct in &e.contacts {
        set_contact(conn, id, ct)?;
    }
    Ok(())
}

pub fn set_contact(conn: &Connection, id: i64, c: &Contact) -> Result<()> {
    super::exec(conn,
        "INSERT INTO contacts (customer_id, role, name, phone, email) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (customer_id, role) DO UPDATE SET name = excluded.name, phone = excluded.phone, email = excluded.email",
        params![id, c.role.as_str(), c.name, c.phone, c.email],
    )?;
    Ok(())
}

/// A customer who holds a name or an account, shown as its code and legal
/// name: `HY (深圳华远电子有限公司)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Holder {
    pub id: i64,
    pub code: String,
    pub name: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.code, self.name)
    }
}

/// Characters one of which every name normalising to `key` contains as it
/// is, when `key` has a character that few others become: one without case
/// outside ASCII (a Chinese character, say), which only itself becomes; else
/// an ASCII letter or digit, which only its other case, their full-width
/// forms and two signs (K KELVIN SIGN, İ) become.
fn needles(key: &str) -> Vec<char> {
    if let Some(c) = key.chars().find(|c| !c.is_ascii() && !c.is_lowercase() && !c.is_uppercase()) {
        return vec![c];
    }
    let Some(c) = key.chars().find(char::is_ascii_alphanumeric) else {
        return Vec::new();
    };
    let wide = |c: char| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c);
    let upper = c.to_ascii_uppercase();
    let mut n = vec![c, upper, wide(c), wide(upper)];
    match c {
        'k' => n.push('\u{212A}'),
        'i' => n.push('\u{130}'),
        _ => {}
    }
    n.dedup();
    n
}

/// The customer other than `id` whose legal name or one of whose aliases
/// equals `alias` once both are normalised as the matcher compares names
/// (full-width to half-width, case, spaces, punctuation, company suffixes);
/// the first by code when several do. A name that normalises to nothing
/// (only punctuation) is never matched, so nobody holds it. SQLite first
/// keeps the names containing one of the [`needles`] of the alias, so an
/// alias is normalised and compared with few names, not every one.
pub fn alias_holder(conn: &Connection, id: i64, alias: &str) -> Result<Option<Holder>> {
    let key = normalise_name(alias);
    if key.is_empty() {
        return Ok(None);
    }
    let needles = needles(&key);
    // Names containing one of the needles (all names when there is none).
    let any = |col: &str| {
        let found: Vec<String> = (0..needles.len()).map(|i| format!("instr({col}, ?{}) > 0", i + 2)).collect();
        if found.is_empty() { "1".to_string() } else { found.join(" OR ") }
    };
    let sql = format!(
        "SELECT c.id, c.code, c.name, c.name FROM customers c WHERE c.id != ?1 AND ({})
         UNION ALL
         SELECT c.id, c.code, c.name, a.alias FROM customer_aliases a JOIN customers c ON c.id = a.customer_id
         WHERE a.customer_id != ?1 AND ({})",
        any("c.name"),
        any("a.alias")
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let mut args: Vec<Box<dyn rusqlite::ToSql>> = vec![Box::new(id)];
    args.extend(needles.iter().map(|c| Box::new(c.to_string()) as Box<dyn rusqlite::ToSql>));
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    let mut found: Option<Holder> = None;
    while let Some(r) = rows.next()? {
        let text: String = r.get(3)?;
        if normalise_name(&text) == key {
            let h = Holder { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? };
            if found.as_ref().is_none_or(|f| h.code < f.code) {
                found = Some(h);
            }
        }
    }
    Ok(found)
}

/// The refusal of an alias another customer holds.
pub fn alias_taken(alias: &str, holder: &Holder) -> StoreError {
    StoreError::invalid(
        format!("alias '{}' belongs to customer {holder}", alias.trim()),
        format!("别名“{}”属于客户 {holder}", alias.trim()),
    )
}

/// Add an alias; adding one the customer already has is a no-op. An alias
/// belongs to one customer: one equal (normalised) to another customer's
/// name or alias is refused, naming that customer.
pub fn add_alias(conn: &Connection, id: i64, alias: &str) -> Result<bool> {
    let alias = alias.trim();
    if alias.is_empty() {
        return Err(StoreError::invalid("an alias cannot be empty", "别名不能为空"));
    }
    if let Some(holder) = alias_holder(conn, id, alias)? {
        return Err(alias_taken(alias, &holder));
    }
    insert_alias(conn, id, alias)
}

fn insert_alias(conn: &Connection, id: i64, alias: &str) -> Result<bool> {
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO customer_aliases (customer_id, alias) VALUES (?1, ?2)")?
        .execute(params![id, alias])?;
    Ok(n > 0)
}

/// Every customer's legal name and aliases by their normalised form (as
/// [`alias_holder`] compares them), read once: what an import checks each
/// alias of each row against. It keeps customer ids only (one allocation a
/// name); the code and name of a holder are read when one is found.
#[derive(Default)]
pub struct Holders {
    by_key: std::collections::HashMap<String, Ids>,
}

/// The customers answering to one normalised name: nearly always one.
enum Ids {
    One(i64),
    Many(Vec<i64>),
}

impl Holders {
    pub fn load(conn: &Connection) -> Result<Holders> {
        let mut h = Holders::default();
        let mut stmt = conn.prepare(
            "SELECT id, name FROM customers
             UNION ALL
             SELECT customer_id, alias FROM customer_aliases",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let text: String = r.get(1)?;
            h.add(r.get(0)?, &text);
        }
        Ok(h)
    }

    /// Another customer than `id` answering to `alias`: the first by code.
    pub fn holder(&self, conn: &Connection, id: i64, alias: &str) -> Result<Option<Holder>> {
        let key = normalise_name(alias);
        let others: Vec<i64> = match self.by_key.get(&key) {
            _ if key.is_empty() => return Ok(None),
            None => return Ok(None),
            Some(Ids::One(one)) => vec![*one],
            Some(Ids::Many(ids)) => ids.clone(),
        };
        let mut found: Option<Holder> = None;
        for other in others.into_iter().filter(|o| *o != id) {
            let h = conn
                .prepare_cached("SELECT id, code, name FROM customers WHERE id = ?1")?
                .query_row([other], |r| Ok(Holder { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? }))?;
            if found.as_ref().is_none_or(|f| h.code < f.code) {
                found = Some(h);
            }
        }
        Ok(found)
    }

    /// Customer `id` answers to `text` (its name or an alias).
    pub fn add(&mut self, id: i64, text: &str) {
        let key = normalise_name(text);
        if key.is_empty() {
            return;
        }
        match self.by_key.entry(key) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(Ids::One(id));
            }
            std::collections::hash_map::Entry::Occupied(mut o) => {
                let ids = o.get_mut();
                match ids {
                    Ids::One(one) if *one == id => {}
                    Ids::One(one) => *ids = Ids::Many(vec![*one, id]),
                    Ids::Many(v) => v.push(id),
                }
            }
        }
    }
}

pub fn remove_alias(conn: &Connection, id: i64, code: &str, alias: &str) -> Result<()> {
    let n = super::exec(
        conn,
        "DELETE FROM customer_aliases WHERE customer_id = ?1 AND alias = ?2",
        params![id, alias.trim()],
    )?;
    if n == 0 {
        return Err(StoreError::UnknownAlias { code: code.to_string(), alias: alias.trim().to_string() });
    }
    Ok(())
}

/// A bank account as the book keeps it: without spaces.
pub fn account_key(account: &str) -> String {
    account.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The customer other than `id` who holds this bank account, if any.
pub fn account_holder(conn: &Connection, id: i64, account: &str) -> Result<Option<Holder>> {
    Ok(super::one(
        conn,
        "SELECT c.id, c.code, c.name FROM customer_accounts a JOIN customers c ON c.id = a.customer_id
         WHERE a.account = ?1 AND c.id != ?2",
        params![account_key(account), id],
        |r| Ok(Holder { id: r.get(0)?, code: r.get(1)?, name: r.get(2)? }),
    )
    .optional()?)
}

/// Add a known bank account. An account belongs to one customer only: one
/// another customer holds is refused, naming that customer.
pub fn add_account(conn: &Connection, id: i64, account: &str) -> Result<bool> {
    let account = account_key(account);
    if account.is_empty() {
        return Err(StoreError::invalid("a bank account cannot be empty", "银行账号不能为空"));
    }
    if let Some(holder) = account_holder(conn, id, &account)? {
        return Err(StoreError::AccountTaken { account, owner: holder.to_string() });
    }
    let n = conn
        .prepare_cached("INSERT OR IGNORE INTO customer_accounts (customer_id, account) VALUES (?1, ?2)")?
        .execute(params![id, account])?;
    Ok(n > 0)
}

pub fn remove_account(conn: &Connection, id: i64, code: &str, account: &str) -> Result<()> {
    let account = account_key(account);
    let n = super::exec(
        conn,
        "DELETE FROM customer_accounts WHERE customer_id = ?1 AND account = ?2",
        params![id, account],
    )?;
    if n == 0 {
        return Err(StoreError::UnknownAccount { code: code.to_string(), account });
    }
    Ok(())
}

/// Put a customer on hold (from `since`) or release it.
pub fn set_hold(
    conn: &Connection,
    id: i64,
    on_hold: bool,
    reason: Option<&str>,
    reason_zh: Option<&str>,
    since: chrono::NaiveDate,
) -> Result<()> {
    super::exec(
        conn,
        "UPDATE customers SET on_hold = ?1, hold_reason = ?2, hold_since = ?3, hold_reason_zh = ?5 WHERE id = ?4",
        params![
            on_hold,
            if on_hold { reason } else { None },
            on_hold.then(|| super::date_sql(since)),
            id,
            if on_hold { reason_zh } else { None }
        ],
    )?;
    Ok(())
}

/// What a customer owes now: open installment balances of non-void invoices,
/// and unapplied credit of non-void payments.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Balances {
    pub open: Money,
    pub credit: Money,
}

impl Balances {
    /// Open balances net of unapplied credit.
    pub fn net(self) -> Money {
        self.open - self.credit
    }
}

const OPEN_SQL: &str = "SELECT COALESCE(SUM(i.amount - i.settled), 0) FROM installments i
     JOIN invoices v ON v.id = i.invoice_id WHERE i.customer_id = ?1 AND v.voided = 0 AND i.settled < i.amount";
const CREDIT_SQL: &str = "SELECT COALESCE(SUM(amount - allocated), 0) FROM payments
     WHERE customer_id = ?1 AND voided = 0 AND allocated < amount";

pub fn balances(conn: &Connection, id: i64) -> Result<Balances> {
    let open = conn.prepare_cached(OPEN_SQL)?.query_row([id], |r| money_col(r, 0))?;
    let credit = conn.prepare_cached(CREDIT_SQL)?.query_row([id], |r| money_col(r, 0))?;
    Ok(Balances { open, credit })
}

/// What credit control needs about a customer.
pub fn credit_facts(conn: &Connection, c: &Customer) -> Result<CreditFacts> {
    let b = balances(conn, c.id)?;
    Ok(CreditFacts { on_hold: c.on_hold, score: c.credit_score, limit: c.credit_limit, exposure: b.net() })
}

/// One line of the customer list.
#[derive(Clone, Debug)]
pub struct ListRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub terms_days: u32,
    pub credit_score: Option<u8>,
    pub credit_limit: Option<Money>,
    pub on_hold: bool,
    pub balances: Balances,
}

/// A customer as the reports name and grade it, without its balances.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub terms_days: u32,
    pub credit_score: Option<u8>,
}

/// Every customer, by code, read from the customers alone: for the reports
/// that only name them. ([`list`] also sums each one's open installments,
/// a pass over all of them.)
pub fn entries(conn: &Connection) -> Result<Vec<Entry>> {
    let mut stmt = conn.prepare("SELECT id, code, name, terms_days, credit_score FROM customers ORDER BY code")?;
    let rows = stmt.query_map([], |r| {
        Ok(Entry { id: r.get(0)?, code: r.get(1)?, name: r.get(2)?, terms_days: r.get(3)?, credit_score: r.get(4)? })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Every customer with its balances, by code. Aggregated by SQLite in one
/// pass over the open-installment index; the few void invoices are set aside
/// by their own index instead of a lookup of every open installment's invoice.
pub fn list(conn: &Connection) -> Result<Vec<ListRow>> {
    let mut stmt = conn.prepare(
        "SELECT c.code, c.name, c.terms_days, c.credit_score, c.credit_limit, c.on_hold,
                COALESCE(o.open, 0), COALESCE(p.credit, 0), c.id
         FROM customers c
         LEFT JOIN (SELECT customer_id, SUM(amount - settled) AS open FROM installments INDEXED BY installments_open
                    WHERE settled < amount
                      AND invoice_id NOT IN (SELECT id FROM invoices INDEXED BY invoices_voided WHERE voided = 1)
                    GROUP BY customer_id) o ON o.customer_id = c.id
         LEFT JOIN (SELECT customer_id, SUM(amount - allocated) AS credit FROM payments
                    WHERE voided = 0 AND allocated < amount GROUP BY customer_id) p ON p.customer_id = c.id
         ORDER BY c.code",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(ListRow {
            id: r.get(8)?,
            code: r.get(0)?,
            name: r.get(1)?,
            terms_days: r.get(2)?,
            credit_score: r.get(3)?,
            credit_limit: r.get::<_, Option<i64>>(4)?.map(Money::from_cents),
            on_hold: r.get(5)?,
            balances: Balances { open: money_col(r, 6)?, credit: money_col(r, 7)? },
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The customers that bear each name: every legal name and alias,
/// normalised as the bank matcher compares names ([`normalise_name`]), with
/// the ids and codes of the customers that bear it. Built once per import.
pub fn by_name(conn: &Connection) -> Result<HashMap<String, Vec<(i64, String)>>> {
    let mut stmt = conn.prepare(
        "SELECT id, code, name FROM customers
         UNION ALL SELECT c.id, c.code, a.alias FROM customer_aliases a JOIN customers c ON c.id = a.customer_id
         ORDER BY 2",
    )?;
    let mut names: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (id, code, name): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let bearers = names.entry(normalise_name(&name)).or_default();
        if !bearers.iter().any(|(i, _)| *i == id) {
            bearers.push((id, code));
        }
    }
    Ok(names)
}

/// How many customers owe more than their credit limit (net of credit).
pub fn count_over_limit(conn: &Connection) -> Result<usize> {
    Ok(list(conn)?.iter().filter(|r| r.credit_limit.is_some_and(|l| r.balances.net() > l)).count())
}

/// When a customer's accounts payable works (DESIGN §2 Collection facts):
/// the day its books close each month (扎账日; past a short month's end, its
/// last day), the days it pays on (付款日) and what it needs on an invoice
/// before it will book it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct PayablesFacts {
    pub cutoff_day: Option<u8>,
    pub pay_days: Vec<u8>,
    pub invoice_needs: Option<String>,
}

/// Read a day of the month (1–31) named by `what` (`what_zh`) in messages.
fn day_of_month(what: &str, what_zh: &str, text: &str) -> Result<u8> {
    match text.trim().parse::<u8>() {
        Ok(d) if (1..=31).contains(&d) => Ok(d),
        _ => Err(StoreError::invalid(
            format!("{what}: '{}' is not a day of the month (1 to 31)", text.trim()),
            format!("{what_zh}：“{}”不是每月中的日期（1 至 31）", text.trim()),
        )),
    }
}

/// A cut-off day: 1 to 31.
pub fn parse_cutoff_day(text: &str) -> Result<u8> {
    day_of_month("cut-off day", "扎账日", text)
}

/// Payment-run days: a comma list of days 1 to 31 (`10,25`), each once;
/// kept in order.
pub fn parse_pay_days(text: &str) -> Result<Vec<u8>> {
    let mut days = text.split(',').map(|d| day_of_month("pay days", "付款日", d)).collect::<Result<Vec<u8>>>()?;
    days.sort_unstable();
    if let Some(w) = days.windows(2).find(|w| w[0] == w[1]) {
        return Err(StoreError::invalid(
            format!("pay days: day {} is given twice in '{}'", w[0], text.trim()),
            format!("付款日：“{}”中 {} 日出现了两次", text.trim(), w[0]),
        ));
    }
    Ok(days)
}

/// A customer's payables facts.
pub fn payables_facts(conn: &Connection, id: i64) -> Result<PayablesFacts> {
    let (cutoff_day, pay_days, invoice_needs): (Option<u8>, Option<String>, Option<String>) =
        super::one(conn, "SELECT cutoff_day, pay_days, invoice_needs FROM customers WHERE id = ?1", [id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?;
    let pay_days = match pay_days {
        Some(t) => parse_pay_days(&t)?,
        None => Vec::new(),
    };
    Ok(PayablesFacts { cutoff_day, pay_days, invoice_needs })
}

/// Change a customer's payables facts: each `Some` replaces the fact,
/// `Some(None)` (or no pay days) removes it.
pub fn set_payables_facts(
    conn: &Connection,
    id: i64,
    cutoff_day: Option<Option<u8>>,
    pay_days: Option<Vec<u8>>,
    invoice_needs: Option<Option<&str>>,
) -> Result<()> {
    if let Some(c) = cutoff_day {
        super::exec(conn, "UPDATE customers SET cutoff_day = ?2 WHERE id = ?1", params![id, c])?;
    }
    if let Some(days) = pay_days {
        let text = days.iter().map(u8::to_string).collect::<Vec<_>>().join(",");
        let text = Some(text).filter(|t| !t.is_empty());
        super::exec(conn, "UPDATE customers SET pay_days = ?2 WHERE id = ?1", params![id, text])?;
    }
    if let Some(needs) = invoice_needs {
        let needs = needs.map(str::trim).filter(|n| !n.is_empty());
        if needs.is_some_and(|n| n.chars().count() > 500 || n.chars().any(char::is_control)) {
            return Err(StoreError::invalid(
                "invoice needs: at most 500 printable characters",
                "开票要求：最多 500 个可打印字符",
            ));
        }
        super::exec(conn, "UPDATE customers SET invoice_needs = ?2 WHERE id = ?1", params![id, needs])?;
    }
    Ok(())
}

/// Every customer's cut-off day, by customer id (those that have one).
pub fn cutoff_days(conn: &Connection) -> Result<HashMap<i64, u8>> {
    let mut stmt = conn.prepare_cached("SELECT id, cutoff_day FROM customers WHERE cutoff_day IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// The language a customer's letters and statements are written in, when
/// it has one of its own (`customer edit --lang`).
pub fn lang_of(conn: &Connection, id: i64) -> Result<Option<crate::output::Lang>> {
    let code: Option<String> =
        conn.prepare_cached("SELECT lang FROM customers WHERE id = ?1")?.query_row([id], |r| r.get(0))?;
    Ok(match code.as_deref() {
        Some("en") => Some(crate::output::Lang::En),
        Some("zh") => Some(crate::output::Lang::Zh),
        _ => None,
    })
}

/// Give a customer a language of its own, or (`None`) none: the user's then.
pub fn set_lang(conn: &Connection, id: i64, lang: Option<crate::output::Lang>) -> Result<()> {
    let code = lang.map(|l| match l {
        crate::output::Lang::En => "en",
        crate::output::Lang::Zh => "zh",
    });
    super::exec(conn, "UPDATE customers SET lang = ?2 WHERE id = ?1", rusqlite::params![id, code])?;
    Ok(())
}

/// A salesperson named on a filter (`--salesperson`), trimmed: refused when
/// no customer and no invoice carries the name, so a typo is not read as a
/// salesperson with nothing to show.
pub fn require_salesperson(conn: &Connection, name: &str) -> Result<String> {
    let name = name.trim();
    let known: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM customers WHERE salesperson = ?1)
             OR EXISTS (SELECT 1 FROM invoices WHERE salesperson = ?1)",
        [name],
        |r| r.get(0),
    )?;
    if known {
        return Ok(name.to_string());
    }
    Err(StoreError::invalid(
        format!("no customer or invoice has salesperson '{name}' (see: huikuan customer list)"),
        format!("没有客户或发票的业务员是“{name}”（参见：huikuan customer list）"),
    ))
}

/// The ids of the customers whose salesperson is `name`.
pub fn ids_of_salesperson(conn: &Connection, name: &str) -> Result<std::collections::HashSet<i64>> {
    let mut stmt = conn.prepare("SELECT id FROM customers WHERE salesperson = ?1")?;
    let rows = stmt.query_map([name], |r| r.get(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Each customer's salesperson: id → name, for the customers that have one.
pub fn salespeople(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, salesperson FROM customers WHERE salesperson IS NOT NULL")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    fn day() -> chrono::NaiveDate {
        chrono::NaiveDate::from_ymd_opt(2026, 3, 1).unwrap()
    }

    fn acme() -> NewCustomer {
        NewCustomer {
            code: "ACME".into(),
            name: " Acme Trading ".into(),
            credit_limit: Some(Money::from_cents(5_000_000)),
            aliases: vec!["艾克美".into(), "Acme Ltd".into()],
            accounts: vec!["6214 8300 0000 1234".into()],
            contacts: vec![Contact {
                role: Role::Payer,
                name: "Li Na".into(),
                phone: Some("13800000000".into()),
                email: None,
            }],
            ..NewCustomer::default()
        }
    }

    #[test]
    fn a_customer_reads_back_with_its_aliases_accounts_and_contacts() {
        let book = Book::in_memory();
        let id = insert(&book.conn, &acme(), day()).unwrap();
        let c = get(&book.conn, "acme").unwrap();
        assert_eq!((c.id, c.code.as_str(), c.name.as_str()), (id, "ACME", "Acme Trading"));
        assert_eq!(c.terms_days, DEFAULT_TERMS_DAYS);
        assert_eq!(c.credit_limit, Some(Money::from_cents(5_000_000)));
        let mut aliases = c.aliases.clone();
        aliases.sort();
        assert_eq!(aliases, ["Acme Ltd", "艾克美"]);
        assert_eq!(c.accounts, ["6214830000001234"], "spaces are dropped from accounts");
        assert_eq!(c.contacts.len(), 1);
        assert_eq!((c.contacts[0].role, c.contacts[0].name.as_str()), (Role::Payer, "Li Na"));
        assert!(!c.on_hold);
    }

    #[test]
    fn a_taken_code_is_refused_whatever_its_case() {
        let book = Book::in_memory();
        insert(&book.conn, &acme(), day()).unwrap();
        let again = NewCustomer { code: "acme".into(), name: "Other".into(), ..NewCustomer::default() };
        assert!(matches!(insert(&book.conn, &again, day()), Err(StoreError::DuplicateCustomer(c)) if c == "acme"));
    }

    #[test]
    fn a_bad_code_or_terms_or_a_missing_name_is_refused() {
        let book = Book::in_memory();
        let bad = |c: NewCustomer| insert(&book.conn, &c, day()).unwrap_err().to_string();
        assert!(bad(NewCustomer { code: "A B".into(), name: "x".into(), ..NewCustomer::default() }).contains("'A B'"));
        assert!(
            bad(NewCustomer { code: "A".into(), name: "x".into(), terms_days: Some(4000), ..NewCustomer::default() })
                .contains("4000 days")
        );
        assert_eq!(
            bad(NewCustomer { code: "A".into(), name: " ".into(), ..NewCustomer::default() }),
            "customer A needs a name"
        );
        assert_eq!(id_of(&book.conn, "A").unwrap(), None, "nothing was stored");
    }

    #[test]
    fn an_account_belongs_to_one_customer_and_the_refusal_names_the_holder() {
        let book = Book::in_memory();
        let acme = insert(&book.conn, &acme(), day()).unwrap();
        let beta = insert(
            &book.conn,
            &NewCustomer { code: "BETA".into(), name: "Beta".into(), ..NewCustomer::default() },
            day(),
        )
        .unwrap();
        assert!(!add_account(&book.conn, acme, "6214830000001234").unwrap(), "already the holder's: a no-op");
        match add_account(&book.conn, beta, "6214 8300 0000 1234") {
            Err(StoreError::AccountTaken { account, owner }) => {
                assert_eq!((account.as_str(), owner.as_str()), ("6214830000001234", "ACME (Acme Trading)"))
            }
            other => panic!("expected AccountTaken, got {other:?}"),
        }
        assert!(add_account(&book.conn, beta, "9999").unwrap());
        remove_account(&book.conn, beta, "BETA", "9999").unwrap();
        assert!(matches!(remove_account(&book.conn, beta, "BETA", "9999"), Err(StoreError::UnknownAccount { .. })));
    }

    #[test]
    fn an_alias_is_added_once_and_removing_an_unknown_one_is_refused() {
        let book = Book::in_memory();
        let id = insert(&book.conn, &acme(), day()).unwrap();
        assert!(!add_alias(&book.conn, id, " 艾克美 ").unwrap(), "the same alias again is a no-op");
        assert!(add_alias(&book.conn, id, "AC").unwrap());
        assert!(add_alias(&book.conn, id, "  ").is_err());
        remove_alias(&book.conn, id, "ACME", "AC").unwrap();
        match remove_alias(&book.conn, id, "ACME", "AC") {
            Err(StoreError::UnknownAlias { code, alias }) => {
                assert_eq!((code.as_str(), alias.as_str()), ("ACME", "AC"))
            }
            other => panic!("expected UnknownAlias, got {other:?}"),
        }
        assert_eq!(get(&book.conn, "ACME").unwrap().aliases.len(), 2);
    }

    #[test]
    fn names_and_aliases_find_their_customers_after_normalisation() {
        let book = Book::in_memory();
        let acme = insert(&book.conn, &acme(), day()).unwrap();
        let other = NewCustomer { code: "AT".into(), name: "ACME TRADING Co., Ltd.".into(), ..NewCustomer::default() };
        let at = insert(&book.conn, &other, day()).unwrap();
        let names = by_name(&book.conn).unwrap();
        assert_eq!(names[&normalise_name("艾克美有限公司")], [(acme, "ACME".to_string())]);
        assert_eq!(
            names[&normalise_name("Acme Trading")],
            [(acme, "ACME".to_string()), (at, "AT".to_string())],
            "one name, two customers: the caller refuses it"
        );
    }

    #[test]
    fn an_alias_belongs_to_one_customer_compared_as_the_matcher_compares_names() {
        let book = Book::in_memory();
        let acme = insert(&book.conn, &acme(), day()).unwrap();
        let beta = insert(
            &book.conn,
            &NewCustomer { code: "BETA".into(), name: "Beta".into(), ..NewCustomer::default() },
            day(),
        )
        .unwrap();
        // Another customer's alias in another width, case, spacing or with a suffix.
        for taken in ["艾克美", "艾克美有限公司", "ＡＣＭＥ  ltd.", "acme-ltd", "Acme Trading Co., Ltd."]
        {
            let e = add_alias(&book.conn, beta, taken).unwrap_err();
            let holder = Holder { id: acme, code: "ACME".into(), name: "Acme Trading".into() };
            assert_eq!(e.to_string(), format!("alias '{taken}' belongs to customer ACME (Acme Trading)"));
            assert_eq!(e.zh(), format!("别名“{taken}”属于客户 ACME (Acme Trading)"));
            assert_eq!(alias_holder(&book.conn, beta, taken).unwrap(), Some(holder));
        }
        // The holder itself may add the same name in another form; punctuation alone is nobody's.
        assert!(add_alias(&book.conn, acme, "ACME LTD").unwrap());
        assert_eq!(alias_holder(&book.conn, beta, "--").unwrap(), None);
        assert!(add_alias(&book.conn, beta, "Beta Trading").unwrap());
        assert_eq!(get(&book.conn, "BETA").unwrap().aliases, ["Beta Trading"]);
        // A new customer's aliases are held to the same rule.
        let gamma = NewCustomer {
            code: "GAMMA".into(),
            name: "Gamma".into(),
            aliases: vec!["beta trading".into()],
            ..NewCustomer::default()
        };
        assert_eq!(
            insert(&book.conn, &gamma, day()).unwrap_err().to_string(),
            "alias 'beta trading' belongs to customer BETA (Beta)"
        );
    }

    #[test]
    fn a_salesperson_is_kept_changed_and_removed() {
        let book = Book::in_memory();
        let id = insert(&book.conn, &NewCustomer { salesperson: Some(" 张伟 ".into()), ..acme() }, day()).unwrap();
        assert_eq!(get(&book.conn, "ACME").unwrap().salesperson.as_deref(), Some("张伟"));
        let edit = |s: &str| CustomerEdit { salesperson: Some(s.into()), ..CustomerEdit::default() };
        update(&book.conn, id, &edit("王芳")).unwrap();
        assert_eq!(get(&book.conn, "ACME").unwrap().salesperson.as_deref(), Some("王芳"));
        assert!(update(&book.conn, id, &edit(&"x".repeat(65))).is_err());
        update(&book.conn, id, &edit("")).unwrap();
        assert_eq!(get(&book.conn, "ACME").unwrap().salesperson, None);
    }

    #[test]
    fn every_character_a_name_normalises_to_comes_from_one_of_its_needles() {
        // What the SQL filter of alias_holder relies on, for every character
        // (normalising goes character by character, then cuts suffixes off).
        for r in (0..=0x10FFFF).filter_map(char::from_u32) {
            for c in normalise_name(&r.to_string()).chars() {
                let n = needles(&c.to_string());
                assert!(
                    n.is_empty() || n.contains(&r),
                    "U+{:04X} becomes U+{:04X}, not among {n:?}",
                    r as u32,
                    c as u32
                );
            }
        }
        assert_eq!(needles("huayuan电子"), ['电']);
        assert_eq!(needles("ab"), ['a', 'A', 'ａ', 'Ａ']);
        assert_eq!(needles("ik"), ['i', 'I', 'ｉ', 'Ｉ', 'İ']);
        assert_eq!(needles("7"), ['7', '７']);
        assert!(needles("é").is_empty());
    }

    #[test]
    fn an_unknown_code_is_refused_by_name() {
        let book = Book::in_memory();
        assert!(matches!(get(&book.conn, " NOPE "), Err(StoreError::UnknownCustomer(c)) if c == "NOPE"));
    }
}
