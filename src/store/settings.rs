//! The book's settings: one table of every key with its parser, default and
//! help, and the typed [`Settings`] read from it once per command.
//!
//! Every setting is text in the `settings` table. A key missing from the
//! book reads as its default, so a new book needs no rows but `company` and
//! `currency`. The same parser checks a value given to `config set` and a
//! value read back, so what is stored always reads.

use rust_decimal::Decimal;

use super::{Connection, Result, StoreError, set_setting, setting};
use crate::ledger::Money;
use crate::ledger::interest::parse_rate;
use crate::ledger::ladder::{Ladder, Level};
use crate::ledger::metrics::parse_provision_rates;

/// One book setting.
pub struct SettingDef {
    pub key: &'static str,
    pub help: &'static str,
    pub help_zh: &'static str,
    /// The value a book without this key reads (empty: none, or for
    /// `ladder` the levels of DESIGN §2).
    pub default: &'static str,
    /// Checks a value given to `config set` and returns the text stored
    /// (and echoed). `None`: not changed with `config set` (the currency is
    /// fixed when the book is created; the levels change with `config ladder`).
    parse: Option<fn(&str) -> Result<String>>,
    /// How `config` shows the value. `None`: not listed by `config` nor
    /// named in its unknown-key message (the provision rates appear in
    /// `report provision`, the hold level in the ladder's worklist).
    show: Option<fn(&Settings) -> Shown>,
}

/// A setting's value as `config` lists it: as text, absent, a whole number
/// or an amount (each aligned and serialised as such).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Shown {
    Text(String),
    Missing,
    Int(i64),
    Money(Money),
}

/// Every book setting, in the order `config` lists them.
pub static SETTINGS: &[SettingDef] = &[
    SettingDef {
        key: "company",
        help: "the company's name, printed on letters and statements",
        help_zh: "公司名称，印在催款函和对账单上",
        default: "",
        parse: Some(text),
        show: Some(|s| Shown::Text(s.company.clone())),
    },
    SettingDef {
        key: "company_email",
        help: "the company's email, printed on letters",
        help_zh: "公司邮箱，印在催款函上",
        default: "",
        parse: Some(text),
        show: Some(|s| optional(&s.company_email)),
    },
    SettingDef {
        key: "company_phone",
        help: "the company's phone, printed on letters",
        help_zh: "公司电话，印在催款函上",
        default: "",
        parse: Some(text),
        show: Some(|s| optional(&s.company_phone)),
    },
    SettingDef {
        key: "bank",
        help: "where customers pay: bank name and account, printed on letters",
        help_zh: "收款银行及账号，印在催款函上",
        default: "",
        parse: Some(text),
        show: Some(|s| optional(&s.bank)),
    },
    SettingDef {
        key: "lawyer_firm",
        help: "the law firm that writes the lawyer's letter (level 5); none: a final notice in the company's name",
        help_zh: "出具律师函（第 5 级）的律师事务所；未设置时以公司名义发出法律行动前最后催告函",
        default: "",
        parse: Some(text),
        show: Some(|s| optional(&s.lawyer_firm)),
    },
    SettingDef {
        key: "lawyer_name",
        help: "the lawyer who signs the lawyer's letter",
        help_zh: "律师函署名律师",
        default: "",
        parse: Some(text),
        show: Some(|s| optional(&s.lawyer_name)),
    },
    SettingDef {
        key: "lawyer_contact",
        help: "the law firm's address, phone or email, printed on the lawyer's letter",
        help_zh: "律师事务所的地址、电话或邮箱，印在律师函上",
        default: "",
        parse: Some(text),
        show: Some(|s| optional(&s.lawyer_contact)),
    },
    SettingDef {
        key: "currency",
        help: "the book's currency, fixed when the book is created",
        help_zh: "账本币种，建账时确定",
        default: "CNY",
        parse: None,
        show: Some(|s| Shown::Text(s.currency.clone())),
    },
    SettingDef {
        key: "interest_rate",
        help: "late interest per day: 0.0005 or 0.05%",
        help_zh: "逾期日利率：0.0005 或 0.05%",
        default: "0.0005",
        parse: Some(|v| Ok(parse_rate(v)?.to_string())),
        show: Some(|s| Shown::Text(s.interest_rate.normalize().to_string())),
    },
    SettingDef {
        key: "grace_days",
        help: "days past due not charged interest",
        help_zh: "不计利息的逾期天数",
        default: "0",
        parse: Some(|v| Ok(grace_days(v)?.to_string())),
        show: Some(|s| Shown::Int(s.grace_days)),
    },
    SettingDef {
        key: "escalate_amount",
        help: "an overdue balance this large goes one level further up the ladder",
        help_zh: "逾期余额达到此金额时催收升一级",
        default: "100000.00",
        parse: Some(|v| escalate_amount(v).map(|_| v.trim().to_string())),
        show: Some(|s| Shown::Money(s.ladder.escalate_amount)),
    },
    SettingDef {
        key: "repeat_days",
        help: "a step of the ladder is repeated after this many days",
        help_zh: "同一催收措施间隔多少天后重复",
        default: "7",
        parse: Some(|v| repeat_days(v).map(|_| v.trim().to_string())),
        show: Some(|s| Shown::Int(s.ladder.repeat_days)),
    },
    SettingDef {
        key: "provision_rates",
        help: "bad-debt provision in percent for ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y",
        help_zh: "坏账准备计提比例（%）：1 年以内、1–2 年、2–3 年、3–4 年、4–5 年、5 年以上",
        default: "5,10,30,50,80,100",
        parse: Some(|v| parse_provision_rates(v).map(|_| v.trim().to_string()).map_err(StoreError::from)),
        show: None,
    },
    SettingDef {
        key: "hold_level",
        help: "the ladder level at which supply stops and the customer is put on hold",
        help_zh: "停止供货、暂停客户的催收级别",
        default: "4",
        parse: Some(|v| Ok(hold_level(v)?.to_string())),
        show: None,
    },
    SettingDef {
        key: "horizon_years",
        help: "how many years after today an invoice may be dated (a later date is a typo)",
        help_zh: "发票日期最多可晚于今天多少年（更晚的日期视为笔误）",
        default: "5",
        parse: Some(|v| Ok(horizon_years_of(v)?.to_string())),
        show: None,
    },
    SettingDef {
        key: "ladder",
        help: "the collection ladder's levels (changed with config ladder)",
        help_zh: "催收阶梯各级（用 config ladder 修改）",
        default: "",
        parse: None,
        show: None,
    },
    SettingDef {
        key: "max_input_mb",
        help: "the largest input file an import reads, in MB (1 to 1048576)",
        help_zh: "导入时读取的最大输入文件，单位 MB（1 至 1048576）",
        default: "1024",
        parse: Some(|v| {
            v.trim().parse::<u32>().ok().filter(|mb| (1..=1_048_576).contains(mb)).map(|mb| mb.to_string()).ok_or_else(
                || {
                    StoreError::invalid(
                        format!("max_input_mb: '{v}' is not a number of MB from 1 to 1048576"),
                        format!("max_input_mb：“{v}”不是 1 至 1048576 之间的 MB 数"),
                    )
                },
            )
        }),
        show: None,
    },
    SettingDef {
        key: "account.receivable",
        help: "export journal: the receivable account (应收账款); {code} stands for the customer's code, added as the last part when absent",
        help_zh: "export journal：应收账款科目；{code} 代表客户代码，未写时加在最后一级",
        default: "assets:receivable:{code}",
        parse: Some(|v| account("account.receivable", v, true)),
        show: Some(|s| Shown::Text(s.accounts.receivable.clone())),
    },
    SettingDef {
        key: "account.advances",
        help: "export journal: the customer advances account (预收账款, unapplied credit); {code} as for account.receivable",
        help_zh: "export journal：预收账款科目（未核销的收款）；{code} 同 account.receivable",
        default: "liabilities:customer-advances:{code}",
        parse: Some(|v| account("account.advances", v, true)),
        show: Some(|s| Shown::Text(s.accounts.advances.clone())),
    },
    SettingDef {
        key: "account.bank",
        help: "export journal: the account payments are received into (银行存款)",
        help_zh: "export journal：收款入账科目（银行存款）",
        default: "assets:bank",
        parse: Some(|v| account("account.bank", v, false)),
        show: Some(|s| Shown::Text(s.accounts.bank.clone())),
    },
    SettingDef {
        key: "account.sales",
        help: "export journal: the sales income account (主营业务收入)",
        help_zh: "export journal：销售收入科目（主营业务收入）",
        default: "income:sales",
        parse: Some(|v| account("account.sales", v, false)),
        show: Some(|s| Shown::Text(s.accounts.sales.clone())),
    },
    SettingDef {
        key: "account.interest",
        help: "export journal: the late interest income account (违约金收入)",
        help_zh: "export journal：违约金收入科目",
        default: "income:late-interest",
        parse: Some(|v| account("account.interest", v, false)),
        show: Some(|s| Shown::Text(s.accounts.interest.clone())),
    },
    SettingDef {
        key: "account.discounts",
        help: "export journal: the early-payment discounts account (现金折扣)",
        help_zh: "export journal：现金折扣科目",
        default: "expenses:sales-discounts",
        parse: Some(|v| account("account.discounts", v, false)),
        show: Some(|s| Shown::Text(s.accounts.discounts.clone())),
    },
    SettingDef {
        key: "account.bad_debts",
        help: "export journal: the account write-offs are charged to (坏账损失)",
        help_zh: "export journal：核销坏账计入的科目（坏账损失）",
        default: "expenses:bad-debts",
        parse: Some(|v| account("account.bad_debts", v, false)),
        show: Some(|s| Shown::Text(s.accounts.bad_debts.clone())),
    },
    SettingDef {
        key: "smtp_host",
        help: "the mail server letters are sent through (dun letter --send)",
        help_zh: "发送函件的邮件服务器（dun letter --send）",
        default: "",
        parse: Some(|v| word("smtp_host", v)),
        show: None,
    },
    SettingDef {
        key: "smtp_port",
        help: "the mail server's port (default 25, 587 with starttls, 465 with tls)",
        help_zh: "邮件服务器端口（默认 25；starttls 为 587；tls 为 465）",
        default: "",
        parse: Some(|v| {
            let v = v.trim();
            if v.is_empty() {
                return Ok(String::new());
            }
            v.parse::<u16>().ok().filter(|p| *p > 0).map(|p| p.to_string()).ok_or_else(|| {
                StoreError::invalid(
                    format!("smtp_port: '{}' is not a port number from 1 to 65535", crate::output::visible(v)),
                    format!("smtp_port：“{}”不是 1 至 65535 的端口号", crate::output::visible(v)),
                )
            })
        }),
        show: None,
    },
    SettingDef {
        key: "smtp_tls",
        help: "how the mail server connection is protected: none, starttls or tls",
        help_zh: "与邮件服务器连接的加密方式：none、starttls 或 tls",
        default: "starttls",
        parse: Some(|v| {
            let t = v.trim().to_ascii_lowercase();
            if matches!(t.as_str(), "none" | "starttls" | "tls") {
                return Ok(t);
            }
            Err(StoreError::invalid(
                format!("smtp_tls: '{}' is not none, starttls or tls", crate::output::visible(v)),
                format!("smtp_tls：“{}”应为 none、starttls 或 tls", crate::output::visible(v)),
            ))
        }),
        show: None,
    },
    SettingDef {
        key: "smtp_user",
        help: "the mail server login (its password only from HUIKUAN_SMTP_PASSWORD, never stored)",
        help_zh: "邮件服务器登录名（密码只从 HUIKUAN_SMTP_PASSWORD 读取，从不保存）",
        default: "",
        parse: Some(|v| word("smtp_user", v)),
        show: None,
    },
    SettingDef {
        key: "smtp_from",
        help: "the sender of e-mailed letters: NAME <ADDRESS> or ADDRESS (default: company and company_email)",
        help_zh: "邮件函件的发件人：名称 <地址> 或 地址（默认：company 与 company_email）",
        default: "",
        parse: Some(|v| {
            let v = v.trim();
            if v.is_empty() || v.parse::<lettre::message::Mailbox>().is_ok() {
                return Ok(v.to_string());
            }
            Err(StoreError::invalid(
                format!(
                    "smtp_from: '{}' is not an e-mail address (write NAME <ADDRESS> or ADDRESS)",
                    crate::output::visible(v)
                ),
                format!("smtp_from：“{}”不是邮箱地址（应为 名称 <地址> 或 地址）", crate::output::visible(v)),
            ))
        }),
        show: None,
    },
];

/// A setting that is one word (a host name, a login): no spaces or controls.
fn word(key: &str, v: &str) -> Result<String> {
    let v = v.trim();
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(StoreError::invalid(
            format!("{key}: '{}' cannot contain spaces", crate::output::visible(v)),
            format!("{key}：“{}”不能包含空格", crate::output::visible(v)),
        ));
    }
    Ok(v.to_string())
}

/// Every key `config set` changes, with its meaning and default, one a line
/// (what `config set --help` lists).
pub fn keys_help() -> String {
    let mut out = String::from("Keys:\n");
    let settable: Vec<&SettingDef> = SETTINGS.iter().filter(|d| d.parse.is_some()).collect();
    for d in settable {
        let default = if d.default.is_empty() { String::new() } else { format!(" [default: {}]", d.default) };
        out.push_str(&format!("  {}{default}\n      {}\n", d.key, d.help));
    }
    out
}

/// The book's settings, typed, with the defaults filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Settings {
    pub company: String,
    pub company_email: Option<String>,
    pub company_phone: Option<String>,
    /// Where customers pay: bank name and account, printed on letters.
    pub bank: Option<String>,
    /// The law firm of the lawyer's letter: without one, level 5 is a final
    /// notice before legal action in the company's own name.
    pub lawyer_firm: Option<String>,
    pub lawyer_name: Option<String>,
    pub lawyer_contact: Option<String>,
    pub currency: String,
    /// Late interest per day, as a fraction (0.0005 = 0.05 %).
    pub interest_rate: Decimal,
    /// Days past due not charged interest.
    pub grace_days: i64,
    /// Bad-debt provision in percent by invoice age: ≤1y, 1–2y, 2–3y, 3–4y, 4–5y, >5y.
    pub provision_rates: [Decimal; 6],
    /// The collection ladder: its levels, `escalate_amount`, `repeat_days`
    /// and `hold_level`.
    pub ladder: Ladder,
    /// The general-ledger accounts `export journal` posts to.
    pub accounts: Accounts,
}

/// The general-ledger accounts of `export journal` (settings `account.*`),
/// as the user wrote them: parts separated by `:`, the receivable and the
/// advances with a `{code}` part standing for the customer's code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Accounts {
    pub receivable: String,
    pub advances: String,
    pub bank: String,
    pub sales: String,
    pub interest: String,
    pub discounts: String,
    pub bad_debts: String,
}

/// The placeholder of a customer's code in `account.receivable` and
/// `account.advances`.
pub const CODE: &str = "{code}";

/// Where settings are read from: the book's table as it is now, or the
/// copy a close kept of it.
trait Source {
    fn get(&self, key: &str) -> Result<Option<String>>;
}

impl Source for Connection {
    fn get(&self, key: &str) -> Result<Option<String>> {
        setting(self, key)
    }
}

/// The settings table as a close stored it (key → value).
struct Snapshot(std::collections::BTreeMap<String, String>);

impl Source for Snapshot {
    fn get(&self, key: &str) -> Result<Option<String>> {
        Ok(self.0.get(key).cloned())
    }
}

/// Read every setting once.
pub fn load(conn: &Connection) -> Result<Settings> {
    load_from(conn)
}

/// The settings that shape the figures as of `as_of`: when a month still
/// closed holds that day, the settings stored when it was closed (DESIGN §2:
/// a later `config set` changes only what comes after a close); otherwise
/// the book's settings now.
pub fn load_as_of(conn: &Connection, as_of: chrono::NaiveDate) -> Result<Settings> {
    match snapshot_as_of(conn, as_of)? {
        Some(s) => load_from(&s),
        None => load_from(conn),
    }
}

/// The settings table as text (key → value), as a close stores it.
pub fn snapshot_json(conn: &Connection) -> Result<String> {
    let mut stmt = conn.prepare("SELECT key, value FROM settings WHERE key != ?1 ORDER BY key")?;
    let map: std::collections::BTreeMap<String, String> =
        stmt.query_map([super::close::CHAIN_HEAD], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    serde_json::to_string(&map)
        .map_err(|e| StoreError::invalid(format!("settings snapshot: {e}"), format!("设置快照：{e}")))
}

fn snapshot_as_of(conn: &Connection, as_of: chrono::NaiveDate) -> Result<Option<Snapshot>> {
    let json: Option<String> = rusqlite::OptionalExtension::optional(conn.query_row(
        "SELECT settings_json FROM closes WHERE reopened_at IS NULL AND through >= ?1 AND settings_json IS NOT NULL
         ORDER BY through LIMIT 1",
        [super::date_sql(as_of)],
        |r| r.get(0),
    ))?;
    json.map(|j| {
        serde_json::from_str(&j).map(Snapshot).map_err(|e| {
            StoreError::invalid(
                format!("the settings stored at a close do not read ({e}); run huikuan check"),
                format!("结账时保存的设置无法读取（{e}）；请运行 huikuan check"),
            )
        })
    })
    .transpose()
}

fn load_from(src: &dyn Source) -> Result<Settings> {
    let opt = |k: &str| -> Result<Option<String>> { Ok(src.get(k)?.filter(|v| !v.trim().is_empty())) };
    Ok(Settings {
        company: src.get("company")?.unwrap_or_default(),
        company_email: opt("company_email")?,
        company_phone: opt("company_phone")?,
        bank: opt("bank")?,
        lawyer_firm: opt("lawyer_firm")?,
        lawyer_name: opt("lawyer_name")?,
        lawyer_contact: opt("lawyer_contact")?,
        currency: value(src, "currency")?,
        interest_rate: parse_rate(&value(src, "interest_rate")?)?,
        grace_days: grace_days(&value(src, "grace_days")?)?,
        provision_rates: parse_provision_rates(&value(src, "provision_rates")?)?,
        ladder: ladder_from(src)?,
        accounts: Accounts {
            receivable: with_code(&value(src, "account.receivable")?),
            advances: with_code(&value(src, "account.advances")?),
            bank: value(src, "account.bank")?,
            sales: value(src, "account.sales")?,
            interest: value(src, "account.interest")?,
            discounts: value(src, "account.discounts")?,
            bad_debts: value(src, "account.bad_debts")?,
        },
    })
}

/// A customer account's name with its `{code}` part: where the user wrote
/// one, else added as the last part (`1122` is `1122:{code}`).
fn with_code(v: &str) -> String {
    if v.split(':').any(|p| p == CODE) { v.to_string() } else { format!("{v}:{CODE}") }
}

/// An account name for `key`: parts separated by `:`, none empty, no
/// spaces, controls, quotes or semicolons (which the ledger formats read as
/// the end of a name or a comment), not starting with `(` or `[` (hledger's
/// virtual postings). `{code}` only in a customer account (`with_code`), as
/// a whole part and not the first.
fn account(key: &str, v: &str, per_customer: bool) -> Result<String> {
    let v = v.trim();
    let shown = crate::output::visible(v);
    let bad = |en: &str, zh: &str| {
        Err(StoreError::invalid(
            format!("{key}: '{shown}' is not an account name: {en}"),
            format!("{key}：“{shown}”不是科目名称：{zh}"),
        ))
    };
    if v.is_empty() {
        return bad("it is empty (e.g. assets:bank or 1002)", "为空（例如 assets:bank 或 1002）");
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control() || matches!(c, ';' | '"' | '\\')) {
        return bad(
            "no spaces, quotes, backslashes or semicolons (write parts with : as in assets:bank)",
            "不能含空格、引号、反斜杠或分号（各级用 : 分隔，如 assets:bank）",
        );
    }
    if v.starts_with(['(', '[']) {
        return bad("it cannot start with ( or [", "不能以 ( 或 [ 开头");
    }
    let parts: Vec<&str> = v.split(':').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return bad("a part between colons is empty", "冒号之间的某一级为空");
    }
    let codes = parts.iter().filter(|p| **p == CODE).count();
    if v.contains(['{', '}']) && (!per_customer || codes != 1 || parts[0] == CODE || v.matches(['{', '}']).count() != 2)
    {
        return bad(
            if per_customer {
                "{code} may stand once, as a whole part after the first (assets:receivable:{code})"
            } else {
                "{code} belongs in account.receivable and account.advances only"
            },
            if per_customer {
                "{code} 只能出现一次，且作为第一级之后的完整一级（assets:receivable:{code}）"
            } else {
                "{code} 只用于 account.receivable 与 account.advances"
            },
        );
    }
    Ok(v.to_string())
}

/// The bad-debt provision rates in percent (`provision_rates`).
pub fn provision_rates(conn: &Connection) -> Result<[Decimal; 6]> {
    Ok(parse_provision_rates(&value(conn, "provision_rates")?)?)
}

/// How many years after today an invoice may be dated (`horizon_years`, 1–100).
pub fn horizon_years(conn: &Connection) -> Result<u32> {
    horizon_years_of(&value(conn, "horizon_years")?)
}

fn horizon_years_of(v: &str) -> Result<u32> {
    v.trim().parse::<u32>().ok().filter(|y| (1..=100).contains(y)).ok_or_else(|| {
        StoreError::invalid(
            format!("horizon_years: '{v}' is not a number of years from 1 to 100"),
            format!("horizon_years：“{v}”不是 1 至 100 的年数"),
        )
    })
}

/// The collection ladder: setting `ladder` (JSON levels; the levels of
/// DESIGN §2 when absent), `escalate_amount`, `repeat_days` and
/// `hold_level`, validated as a whole.
pub fn ladder(conn: &Connection) -> Result<Ladder> {
    ladder_from(conn)
}

fn ladder_from(src: &dyn Source) -> Result<Ladder> {
    let mut l = Ladder::default();
    if let Some(json) = src.get("ladder")? {
        l.levels = levels(&json)?;
    }
    l.escalate_amount = escalate_amount(&value(src, "escalate_amount")?)?;
    l.repeat_days = repeat_days(&value(src, "repeat_days")?)?;
    l.hold_level = hold_level(&value(src, "hold_level")?)?;
    l.validate()?;
    Ok(l)
}

/// The definition of a key that `config set` may change.
pub fn settable(key: &str) -> Option<&'static SettingDef> {
    SETTINGS.iter().find(|d| d.key == key && d.parse.is_some())
}

/// Every key `config set` changes, in order: the ones its unknown-key
/// message names (the mail server's too, which `config` does not list).
pub fn listed_settable_keys() -> impl Iterator<Item = &'static str> {
    SETTINGS.iter().filter(|d| d.parse.is_some()).map(|d| d.key)
}

/// What `config` lists: each shown key with its value.
pub fn shown(s: &Settings) -> Vec<(&'static str, Shown)> {
    SETTINGS.iter().filter_map(|d| d.show.map(|f| (d.key, f(s)))).collect()
}

impl SettingDef {
    /// Check `value`, store it, and check the book's settings still read
    /// as a whole (a hold level must be on the ladder). Returns the text
    /// stored. Run it in a write transaction: a refused value is rolled
    /// back with it.
    pub fn set(&self, conn: &Connection, value: &str) -> Result<String> {
        let parse = self.parse.ok_or_else(|| {
            StoreError::invalid(
                format!("setting {} cannot be changed with config set", self.key),
                format!("设置 {} 不能用 config set 修改", self.key),
            )
        })?;
        let stored = parse(value)?;
        set_setting(conn, self.key, &stored)?;
        load(conn)?;
        Ok(stored)
    }
}

/// The stored text of `key`, or its default.
fn value(src: &dyn Source, key: &str) -> Result<String> {
    match src.get(key)? {
        Some(v) => Ok(v),
        None => Ok(SETTINGS.iter().find(|d| d.key == key).map_or("", |d| d.default).to_string()),
    }
}

fn text(v: &str) -> Result<String> {
    Ok(v.trim().to_string())
}

fn optional(v: &Option<String>) -> Shown {
    v.clone().map_or(Shown::Missing, Shown::Text)
}

fn grace_days(v: &str) -> Result<i64> {
    v.trim().parse::<u16>().map(i64::from).map_err(|_| {
        StoreError::invalid(format!("grace_days: '{v}' is not a number of days"), format!("grace_days：“{v}”不是天数"))
    })
}

fn repeat_days(v: &str) -> Result<i64> {
    v.trim().parse().map_err(|_| {
        StoreError::invalid(
            format!("repeat_days: '{v}' is not a number of days"),
            format!("repeat_days：“{v}”不是天数"),
        )
    })
}

fn hold_level(v: &str) -> Result<u8> {
    v.trim().parse().map_err(|_| {
        StoreError::invalid(
            format!("hold_level: '{v}' is not a ladder level"),
            format!("hold_level：“{v}”不是催收级别"),
        )
    })
}

/// A non-negative amount, as `escalate_amount`.
fn escalate_amount(v: &str) -> Result<Money> {
    let what = "escalate_amount";
    let m = Money::parse(v).map_err(|e| StoreError::invalid(format!("{what}: {e}"), format!("{what}：{}", e.zh())))?;
    if m.is_negative() {
        return Err(StoreError::invalid(format!("{what}: '{v}' cannot be negative"), format!("{what}：“{v}”不能为负")));
    }
    Ok(m)
}

/// The ladder's levels from their JSON text, numbered in order.
fn levels(json: &str) -> Result<Vec<Level>> {
    let levels: Vec<serde_json::Value> = serde_json::from_str(json).map_err(|e| {
        StoreError::invalid(format!("setting ladder is not valid: {e}"), format!("设置 ladder 无效：{e}"))
    })?;
    Ok(levels
        .iter()
        .enumerate()
        .map(|(i, v)| Level {
            level: i as u8,
            days: v["days"].as_i64().unwrap_or(0),
            step: v["step"].as_str().unwrap_or("").to_string(),
            step_zh: v["step_zh"].as_str().unwrap_or("").to_string(),
            channel: v["channel"].as_str().unwrap_or("").to_string(),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Book;

    fn def(key: &str) -> &'static SettingDef {
        SETTINGS.iter().find(|d| d.key == key).expect("a key of the table")
    }

    #[test]
    fn every_key_reads_its_default_in_a_new_book() {
        let book = Book::in_memory();
        let s = load(&book.conn).unwrap();
        assert_eq!(s.company, "Test Co.");
        assert_eq!(s.currency, "CNY");
        assert_eq!((s.company_email, s.company_phone, s.bank), (None, None, None));
        assert_eq!(s.interest_rate, crate::ledger::interest::default_rate());
        assert_eq!(s.grace_days, 0);
        assert_eq!(s.provision_rates, crate::ledger::metrics::DEFAULT_PROVISION_RATES.map(Decimal::from));
        assert_eq!(s.ladder, Ladder::default());
        assert_eq!(s.ladder.hold_level(), 4);
    }

    #[test]
    fn the_table_defaults_parse_to_the_ledger_defaults() {
        assert_eq!(parse_rate(def("interest_rate").default).unwrap(), crate::ledger::interest::default_rate());
        let l = Ladder::default();
        assert_eq!(escalate_amount(def("escalate_amount").default).unwrap(), l.escalate_amount);
        assert_eq!(repeat_days(def("repeat_days").default).unwrap(), l.repeat_days);
        assert_eq!(hold_level(def("hold_level").default).unwrap(), l.hold_level);
        assert_eq!(def("currency").default, "CNY");
    }

    #[test]
    fn a_bad_value_is_refused_naming_its_key_and_nothing_is_stored() {
        let book = Book::in_memory();
        for (key, bad) in [
            ("grace_days", "abc"),
            ("repeat_days", "soon"),
            ("hold_level", "x"),
            ("escalate_amount", "-5"),
            ("interest_rate", "lots"),
            ("provision_rates", "50,10"),
        ] {
            let e = settable(key).unwrap().set(&book.conn, bad).unwrap_err();
            assert!(e.to_string().contains(key) || e.to_string().contains(bad), "{key}: {e}");
            assert_eq!(setting(&book.conn, key).unwrap(), None, "{key} stored");
        }
        let e = settable("grace_days").unwrap().set(&book.conn, "abc").unwrap_err();
        assert_eq!(e.to_string(), "grace_days: 'abc' is not a number of days");
    }

    #[test]
    fn a_set_value_reads_back_typed() {
        let book = Book::in_memory();
        assert_eq!(settable("interest_rate").unwrap().set(&book.conn, "0.03%").unwrap(), "0.0003");
        assert_eq!(settable("grace_days").unwrap().set(&book.conn, " 5 ").unwrap(), "5");
        settable("escalate_amount").unwrap().set(&book.conn, "200000").unwrap();
        settable("repeat_days").unwrap().set(&book.conn, "3").unwrap();
        settable("provision_rates").unwrap().set(&book.conn, "1,10,50,50,80,100").unwrap();
        settable("bank").unwrap().set(&book.conn, "  ").unwrap();
        let s = load(&book.conn).unwrap();
        assert_eq!(s.interest_rate, Decimal::new(3, 4));
        assert_eq!(s.grace_days, 5);
        assert_eq!(s.ladder.escalate_amount, Money::from_cents(20_000_000));
        assert_eq!(s.ladder.repeat_days, 3);
        assert_eq!(s.provision_rates, [1, 10, 50, 50, 80, 100].map(Decimal::from));
        assert_eq!(provision_rates(&book.conn).unwrap(), s.provision_rates);
        assert_eq!(s.bank, None, "a blank bank reads as none");
    }

    #[test]
    fn a_hold_level_off_the_ladder_is_refused() {
        let book = Book::in_memory();
        let e = settable("hold_level").unwrap().set(&book.conn, "7").unwrap_err();
        assert!(e.to_string().contains("hold level"), "{e}");
        settable("hold_level").unwrap().set(&book.conn, "6").unwrap();
    }

    #[test]
    fn the_currency_and_the_levels_are_not_changed_with_config_set() {
        assert!(settable("currency").is_none());
        assert!(settable("ladder").is_none());
        assert!(settable("nope").is_none());
        let keys: Vec<&str> = listed_settable_keys().collect();
        assert_eq!(
            keys,
            [
                "company",
                "company_email",
                "company_phone",
                "bank",
                "lawyer_firm",
                "lawyer_name",
                "lawyer_contact",
                "interest_rate",
                "grace_days",
                "escalate_amount",
                "repeat_days",
                "provision_rates",
                "hold_level",
                "horizon_years",
                "max_input_mb",
                "account.receivable",
                "account.advances",
                "account.bank",
                "account.sales",
                "account.interest",
                "account.discounts",
                "account.bad_debts",
                "smtp_host",
                "smtp_port",
                "smtp_tls",
                "smtp_user",
                "smtp_from"
            ]
        );
    }

    #[test]
    fn config_lists_the_shown_keys_with_typed_values() {
        let book = Book::in_memory();
        let s = load(&book.conn).unwrap();
        let shown = shown(&s);
        let keys: Vec<&str> = shown.iter().map(|(k, _)| *k).collect();
        assert_eq!(
            keys,
            [
                "company",
                "company_email",
                "company_phone",
                "bank",
                "lawyer_firm",
                "lawyer_name",
                "lawyer_contact",
                "currency",
                "interest_rate",
                "grace_days",
                "escalate_amount",
                "repeat_days",
                "account.receivable",
                "account.advances",
                "account.bank",
                "account.sales",
                "account.interest",
                "account.discounts",
                "account.bad_debts"
            ]
        );
        assert_eq!(shown[1].1, Shown::Missing);
        assert_eq!(shown[8].1, Shown::Text("0.0005".into()));
        assert_eq!(shown[10].1, Shown::Money(Money::from_cents(10_000_000)));
    }

    #[test]
    fn accounts_default_to_design_section_9_and_take_a_chart_of_accounts() {
        let book = Book::in_memory();
        let a = load(&book.conn).unwrap().accounts;
        assert_eq!(a.receivable, "assets:receivable:{code}");
        assert_eq!(a.advances, "liabilities:customer-advances:{code}");
        assert_eq!((a.bank.as_str(), a.sales.as_str()), ("assets:bank", "income:sales"));
        assert_eq!((a.interest.as_str(), a.discounts.as_str()), ("income:late-interest", "expenses:sales-discounts"));
        assert_eq!(a.bad_debts, "expenses:bad-debts");
        settable("account.receivable").unwrap().set(&book.conn, " 1122 ").unwrap();
        settable("account.advances").unwrap().set(&book.conn, "2203:{code}:prepaid").unwrap();
        settable("account.bank").unwrap().set(&book.conn, "1002:01").unwrap();
        let a = load(&book.conn).unwrap().accounts;
        assert_eq!(a.receivable, "1122:{code}", "the code is added as the last part");
        assert_eq!(a.advances, "2203:{code}:prepaid");
        assert_eq!(a.bank, "1002:01");
    }

    #[test]
    fn an_account_name_the_ledgers_cannot_read_is_refused() {
        let book = Book::in_memory();
        for (key, bad) in [
            ("account.bank", ""),
            ("account.bank", "assets bank"),
            ("account.bank", "assets;bank"),
            ("account.bank", "assets::bank"),
            ("account.bank", ":bank"),
            ("account.bank", "(assets:bank)"),
            ("account.bank", "assets:{code}"),
            ("account.receivable", "{code}:receivable"),
            ("account.receivable", "assets:{code}:{code}"),
            ("account.receivable", "assets:x{code}"),
            ("account.advances", "\"liabilities\""),
        ] {
            let e = settable(key).unwrap().set(&book.conn, bad).unwrap_err();
            assert!(e.to_string().starts_with(&format!("{key}: '")), "{key} {bad:?}: {e}");
            assert!(e.to_string().contains("is not an account name"), "{key} {bad:?}: {e}");
            assert_eq!(setting(&book.conn, key).unwrap(), None, "{key} stored");
        }
    }
}
