//! Bank profiles: declarative descriptions of one export layout, written in
//! TOML (the built-in ones live in `profiles/*.toml`; users add their own).
//! The schema is documented for users in `docs/bank-profiles.md`.
//!
//! A profile names the columns either by their header text (`[header]`, a list
//! of synonyms per field) or, for files without a header, by 1-based number
//! (`[columns]`). The money convention follows from the fields named:
//! `amount` alone is a signed amount; `amount` + `direction` is an unsigned
//! amount with a credit/debit flag; `credit` and/or `debit` are split columns.

use serde::{Deserialize, Deserializer};
use std::path::Path;

use super::BankError;
use super::date::DateOrder;
use super::grid::norm;
use crate::import::input::{InputLimit, read_input};
use crate::store::payments::Method;

/// One export layout. See `docs/bank-profiles.md` for every field.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    /// Short name shown to the user (`icbc`, `my-bank`).
    pub name: String,
    pub description: Option<String>,
    /// `auto` (default), `,`, `;`, `tab` or `|`.
    pub delimiter: String,
    /// Used when the profile is forced: `auto` (default), `utf-8`, `gbk`, `gb18030`, `latin-1`.
    pub encoding: String,
    /// Decimal mark: `auto` (default), `.` or `,`.
    pub decimal: String,
    /// Order of day and month in year-last dates.
    pub date_order: DateOrder,
    /// A chrono format (`%d.%m.%Y`) tried before the built-in date spellings.
    pub date_format: Option<String>,
    /// Lines (sheet rows) at the top ignored before looking for the header or data.
    pub skip_lines: u64,
    /// Extra header cells that must all be present for this profile to be detected.
    pub header_contains: Vec<String>,
    /// Extra words that mark a row as a footer (in addition to the built-in ones).
    pub skip_rows_with: Vec<String>,
    /// Values of the direction column meaning money in / money out / neither.
    pub credit_values: Vec<String>,
    pub debit_values: Vec<String>,
    pub neutral_values: Vec<String>,
    /// Status values (equal to or the beginning of the status) meaning the
    /// transaction did not happen: closed, failed, refunded.
    pub closed_status: Vec<String>,
    /// Words (beyond the built-in 退款 / refund …) that mark money in as a
    /// refund when a type, status or direction cell contains them.
    pub refund_values: Vec<String>,
    /// The currency of every line when the file has no currency column
    /// (`USD`, `EUR`, `人民币` …); none means the book's.
    pub currency: Option<String>,
    /// A signed amount's sign is reversed (positive means money out).
    pub invert_sign: bool,
    /// Header synonyms per field.
    pub header: Fields<Names>,
    /// Column numbers (1-based) per field, for files without a header.
    pub columns: Option<Fields<Numbers>>,
    /// How credits from this export are recorded as payments: `bank`
    /// (default), `alipay`, `wechat`, `cash`, `cheque`, `acceptance` or `other`.
    pub method: Option<Method>,
}

impl Profile {
    /// The payment method of this export's credits (bank unless the profile says).
    pub fn method(&self) -> Method {
        self.method.unwrap_or(Method::Bank)
    }
}

/// The fields a profile can locate, header synonyms or column numbers each.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Fields<T> {
    pub date: Option<T>,
    pub time: Option<T>,
    pub amount: Option<T>,
    pub credit: Option<T>,
    pub debit: Option<T>,
    pub direction: Option<T>,
    pub counterparty: Option<T>,
    pub account: Option<T>,
    pub memo: Option<T>,
    pub reference: Option<T>,
    pub balance: Option<T>,
    pub status: Option<T>,
    pub fee: Option<T>,
    pub net: Option<T>,
    pub currency: Option<T>,
    /// The transaction type (交易类型, Type): read for refund marks, never
    /// claimed from another field.
    #[serde(rename = "type")]
    pub kind: Option<T>,
}

/// One or more header names (`date = "Datum"` or `date = ["Datum", "Buchungstag"]`).
#[derive(Clone, Debug, Default)]
pub struct Names(pub Vec<String>);

/// One or more column numbers (`memo = 5` or `memo = [5, 6]`).
#[derive(Clone, Debug, Default)]
pub struct Numbers(pub Vec<u32>);

impl<'de> Deserialize<'de> for Names {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(String),
            Many(Vec<String>),
        }
        Ok(Names(match OneOrMany::deserialize(d)? {
            OneOrMany::One(s) => vec![s],
            OneOrMany::Many(v) => v,
        }))
    }
}

impl<'de> Deserialize<'de> for Numbers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(u32),
            Many(Vec<u32>),
        }
        Ok(Numbers(match OneOrMany::deserialize(d)? {
            OneOrMany::One(n) => vec![n],
            OneOrMany::Many(v) => v,
        }))
    }
}

/// A field of a bank line, in the order columns are claimed when a header is
/// matched (money first, free text last, so memo never steals a column).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    Date,
    Amount,
    Credit,
    Debit,
    Direction,
    Balance,
    Fee,
    Net,
    Time,
    Status,
    Currency,
    Reference,
    Account,
    Counterparty,
    Memo,
    /// Read only: it may share its column with another field (PayPal's Type
    /// is also in the memo), and it does not count towards detection.
    Kind,
}

pub(crate) const FIELDS: [Field; 16] = [
    Field::Date,
    Field::Amount,
    Field::Credit,
    Field::Debit,
    Field::Direction,
    Field::Balance,
    Field::Fee,
    Field::Net,
    Field::Time,
    Field::Status,
    Field::Currency,
    Field::Reference,
    Field::Account,
    Field::Counterparty,
    Field::Memo,
    Field::Kind,
];

impl Field {
    /// The field's key in a profile file.
    pub(crate) fn key(self) -> &'static str {
        match self {
            Field::Date => "date",
            Field::Amount => "amount",
            Field::Credit => "credit",
            Field::Debit => "debit",
            Field::Direction => "direction",
            Field::Balance => "balance",
            Field::Fee => "fee",
            Field::Net => "net",
            Field::Time => "time",
            Field::Status => "status",
            Field::Currency => "currency",
            Field::Reference => "reference",
            Field::Account => "account",
            Field::Counterparty => "counterparty",
            Field::Memo => "memo",
            Field::Kind => "type",
        }
    }
}

impl<T> Fields<T> {
    pub(crate) fn get(&self, f: Field) -> Option<&T> {
        match f {
            Field::Date => self.date.as_ref(),
            Field::Time => self.time.as_ref(),
            Field::Amount => self.amount.as_ref(),
            Field::Credit => self.credit.as_ref(),
            Field::Debit => self.debit.as_ref(),
            Field::Direction => self.direction.as_ref(),
            Field::Counterparty => self.counterparty.as_ref(),
            Field::Account => self.account.as_ref(),
            Field::Memo => self.memo.as_ref(),
            Field::Reference => self.reference.as_ref(),
            Field::Balance => self.balance.as_ref(),
            Field::Status => self.status.as_ref(),
            Field::Fee => self.fee.as_ref(),
            Field::Net => self.net.as_ref(),
            Field::Currency => self.currency.as_ref(),
            Field::Kind => self.kind.as_ref(),
        }
    }
}

/// Where each field is in a row: column indexes (0-based), several for memo.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ColumnMap {
    cols: [Vec<usize>; 16],
    /// A currency named in the money column's header (`Amount (USD)`).
    pub currency_hint: Option<String>,
}

impl ColumnMap {
    fn slot(f: Field) -> usize {
        FIELDS.iter().position(|x| *x == f).unwrap_or(0)
    }
    pub(crate) fn first(&self, f: Field) -> Option<usize> {
        self.cols.get(Self::slot(f)).and_then(|v| v.first().copied())
    }
    pub(crate) fn all(&self, f: Field) -> &[usize] {
        self.cols.get(Self::slot(f)).map(Vec::as_slice).unwrap_or(&[])
    }
    pub(crate) fn has(&self, f: Field) -> bool {
        self.first(f).is_some()
    }
    fn set(&mut self, f: Field, cols: Vec<usize>) {
        if let Some(slot) = self.cols.get_mut(Self::slot(f)) {
            *slot = cols;
        }
    }
}

impl Profile {
    /// A profile for files without a header (columns by number).
    pub fn is_headerless(&self) -> bool {
        self.columns.is_some()
    }

    /// The fixed delimiter, or `None` for auto.
    pub(crate) fn delimiter_byte(&self) -> Option<u8> {
        match self.delimiter.trim().to_ascii_lowercase().as_str() {
            "," | "comma" => Some(b','),
            ";" | "semicolon" => Some(b';'),
            "tab" | "\t" | "\\t" => Some(b'\t'),
            "|" | "pipe" => Some(b'|'),
            _ => None,
        }
    }

    /// `Some(true)`: decimal comma; `Some(false)`: decimal point; `None`: guess.
    pub(crate) fn decimal_comma(&self) -> Option<bool> {
        match self.decimal.trim() {
            "," => Some(true),
            "." => Some(false),
            _ => None,
        }
    }

    /// The encoding label to force, or `None` for auto.
    pub(crate) fn forced_encoding(&self) -> Option<&str> {
        let e = self.encoding.trim();
        if e.is_empty() || e.eq_ignore_ascii_case("auto") { None } else { Some(e) }
    }

    /// The column map of a headerless profile (numbers made 0-based).
    pub(crate) fn numbered_columns(&self) -> Option<ColumnMap> {
        let cols = self.columns.as_ref()?;
        let mut map = ColumnMap::default();
        for f in FIELDS {
            if let Some(Numbers(ns)) = cols.get(f) {
                let idx: Vec<usize> = ns.iter().filter(|n| **n >= 1).map(|n| *n as usize - 1).collect();
                map.set(f, if f == Field::Memo { idx } else { idx.into_iter().take(1).collect() });
            }
        }
        Some(map)
    }

    /// Every header word this profile knows, normalised (for encoding detection).
    pub(crate) fn vocabulary(&self) -> Vec<String> {
        let mut out: Vec<String> = self.header_contains.iter().map(|s| norm(s)).collect();
        for f in FIELDS {
            if let Some(Names(names)) = self.header.get(f) {
                out.extend(names.iter().map(|s| norm(s)));
            }
        }
        out.retain(|s| !s.is_empty());
        out
    }
}

/// A header-based profile with its synonyms normalised once, for matching
/// many candidate rows.
pub(crate) struct HeaderMatcher<'a> {
    pub profile: &'a Profile,
    names: Vec<(Field, Vec<String>)>,
    contains: Vec<String>,
}

impl<'a> HeaderMatcher<'a> {
    pub(crate) fn new(profile: &'a Profile) -> HeaderMatcher<'a> {
        let names = FIELDS
            .iter()
            .filter_map(|f| {
                let Names(ns) = profile.header.get(*f)?;
                Some((*f, ns.iter().map(|s| norm(s)).filter(|s| !s.is_empty()).collect()))
            })
            .collect();
        let contains = profile.header_contains.iter().map(|s| norm(s)).collect();
        HeaderMatcher { profile, names, contains }
    }

    /// `Some((score, columns))` when every required field (date, the money
    /// fields the profile names, `header_contains`) is in the row; the score
    /// counts the fields found. Columns are claimed money first, so a free
    /// text field never takes an amount's column; among synonyms the first
    /// listed wins, among equal header names the leftmost. A header whose
    /// trailing bracket holds only a unit or currency (`金额（元）`,
    /// `Amount ($)`, `Credit Amount (USD)`) matches its name without it.
    pub(crate) fn match_header(&self, header: &[String]) -> Option<(usize, ColumnMap)> {
        if self.profile.is_headerless() || !self.contains.iter().all(|w| header.contains(w)) {
            return None;
        }
        let (score, map, missing) = self.locate(header, true);
        missing.is_empty().then_some((score + self.contains.len(), map))
    }

    /// The required fields (date, amount, credit, debit, direction) this
    /// profile names and the row lacks, for naming the closest row when no
    /// header is found; with how many it has.
    pub(crate) fn required_missing(&self, header: &[String]) -> (usize, Vec<Field>) {
        let (_, map, missing) = self.locate(header, false);
        let found = REQUIRED.iter().filter(|f| map.has(**f)).count();
        (found, missing)
    }

    /// Claim the columns of every field found; `stop` at the first required
    /// field missing. Returns (fields found, columns, required fields missing).
    fn locate(&self, header: &[String], stop: bool) -> (usize, ColumnMap, Vec<Field>) {
        let mut used = vec![false; header.len()];
        let mut map = ColumnMap::default();
        let mut score = 0;
        let mut missing = Vec::new();
        let stripped: Vec<Option<(&str, Option<&'static str>)>> = header.iter().map(|h| strip_unit(h)).collect();
        for (f, names) in &self.names {
            let free = |j: usize| *f == Field::Kind || !used.get(j).copied().unwrap_or(true);
            let exact = |j: usize, n: &String| header.get(j).is_some_and(|h| h == n);
            let bare = |j: usize, n: &String| stripped.get(j).is_some_and(|s| s.is_some_and(|(b, _)| b == n));
            let found: Vec<usize> = if *f == Field::Memo {
                (0..header.len()).filter(|j| free(*j) && names.iter().any(|n| exact(*j, n))).collect()
            } else {
                let find = |m: &dyn Fn(usize, &String) -> bool| {
                    names.iter().find_map(|n| (0..header.len()).find(|j| free(*j) && m(*j, n)))
                };
                // Only the money columns lose a unit bracket: another field
                // found anew would change what an existing statement reads.
                let money = matches!(f, Field::Amount | Field::Credit | Field::Debit);
                find(&exact).or_else(|| if money { find(&bare) } else { None }).into_iter().collect()
            };
            if found.is_empty() {
                if REQUIRED.contains(f) {
                    missing.push(*f);
                    if stop {
                        break;
                    }
                }
                continue;
            }
            if *f != Field::Kind {
                for j in &found {
                    if let Some(u) = used.get_mut(*j) {
                        *u = true;
                    }
                }
                score += 1;
            }
            if matches!(f, Field::Amount | Field::Credit | Field::Debit) && map.currency_hint.is_none() {
                map.currency_hint = found
                    .first()
                    .and_then(|j| stripped.get(*j).copied().flatten())
                    .and_then(|(_, c)| c)
                    .map(str::to_string);
            }
            map.set(*f, found);
        }
        (score, map, missing)
    }
}

/// The required columns a row lacks, in words (English, Chinese):
/// "date, amount or direction" / "日期、金额或收支方向".
pub(crate) fn describe_missing(missing: &[Field]) -> (String, String) {
    let has = |f: Field| missing.contains(&f);
    let mut en: Vec<&str> = Vec::new();
    let mut zh: Vec<&str> = Vec::new();
    if has(Field::Date) {
        en.push("date");
        zh.push("日期");
    }
    if has(Field::Amount) {
        en.push("amount");
        zh.push("金额");
    }
    match (has(Field::Credit), has(Field::Debit)) {
        (true, true) => {
            en.push("credit/debit");
            zh.push("收入/支出");
        }
        (true, false) => {
            en.push("credit");
            zh.push("收入");
        }
        (false, true) => {
            en.push("debit");
            zh.push("支出");
        }
        (false, false) => {}
    }
    if has(Field::Direction) {
        en.push("direction");
        zh.push("收支方向");
    }
    let join = |v: &[&str], sep: &str, or: &str| match v {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{}{or}{last}", init.join(sep)),
    };
    (join(&en, ", ", " or "), join(&zh, "、", "或"))
}

/// The fields a header must have when the profile names them.
const REQUIRED: [Field; 5] = [Field::Date, Field::Amount, Field::Credit, Field::Debit, Field::Direction];

/// Bracket contents that are only a unit or a currency: the header means the
/// same without them. Each with the currency it names when unambiguous.
const UNITS: [(&str, Option<&str>); 24] = [
    ("元", None),
    ("人民币", Some("CNY")),
    ("人民币元", Some("CNY")),
    ("rmb", Some("CNY")),
    ("cny", Some("CNY")),
    ("¥", None),
    ("$", None),
    ("€", Some("EUR")),
    ("£", Some("GBP")),
    ("usd", Some("USD")),
    ("eur", Some("EUR")),
    ("gbp", Some("GBP")),
    ("hkd", Some("HKD")),
    ("jpy", Some("JPY")),
    ("chf", Some("CHF")),
    ("cad", Some("CAD")),
    ("aud", Some("AUD")),
    ("sgd", Some("SGD")),
    ("美元", Some("USD")),
    ("港币", Some("HKD")),
    ("欧元", Some("EUR")),
    ("total", None),
    ("gross", None),
    ("amount", None),
];

/// A normalised header cell without a trailing bracket holding only a unit
/// (`金额(元)` → `金额`), and the currency the bracket names, if any.
/// `(收入)`, `(-)` and the like are part of the name and stay.
pub(crate) fn strip_unit(h: &str) -> Option<(&str, Option<&'static str>)> {
    let inner = h.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let (base, unit) = (inner.get(..open)?, inner.get(open + 1..)?);
    if base.is_empty() {
        return None;
    }
    UNITS.iter().find(|(u, _)| *u == unit).map(|(_, c)| (base, *c))
}

/// Parse a profile from TOML text. `name` is used when the text has no `name`.
pub fn parse_profile(name: &str, toml_text: &str) -> Result<Profile, BankError> {
    let text = toml_text.strip_prefix('\u{feff}').unwrap_or(toml_text);
    let mut p: Profile = toml::from_str(text).map_err(|e| {
        let e = e.to_string();
        BankError::BadProfile {
            name: name.to_string(),
            reason: format!("not valid profile TOML: {}", e.trim()),
            reason_zh: format!("不是有效的格式 TOML：{}", e.trim()),
        }
    })?;
    if p.name.trim().is_empty() {
        p.name = name.to_string();
    }
    validate(&p)?;
    Ok(p)
}

/// Read a profile file; its name defaults to the file's stem.
pub fn load_profile(path: &Path) -> Result<Profile, BankError> {
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| path.display().to_string());
    let bytes = read_input(path, InputLimit::default()).map_err(|e| BankError::BadProfile {
        name: path.display().to_string(),
        reason: e.en(),
        reason_zh: e.zh(),
    })?;
    // Profiles are UTF-8; one saved as GBK (Notepad's "ANSI" on a Chinese
    // Windows) is accepted too.
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => encoding_rs::GB18030.decode_without_bom_handling(e.as_bytes()).0.into_owned(),
    };
    parse_profile(&stem, &text).map_err(|e| match e {
        BankError::BadProfile { reason, reason_zh, .. } => {
            BankError::BadProfile { name: path.display().to_string(), reason, reason_zh }
        }
        other => other,
    })
}

/// Every `*.toml` in `dir`, in file-name order. A missing directory has none.
pub fn load_user_profiles(dir: &Path) -> Result<Vec<Profile>, BankError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(BankError::BadProfile {
                name: dir.display().to_string(),
                reason: format!("cannot read: {e}"),
                reason_zh: format!("无法读取：{e}"),
            });
        }
    };
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("toml")))
        .collect();
    paths.sort();
    paths.iter().map(|p| load_profile(p)).collect()
}

/// The built-in profiles, most specific first, generic ones last.
const BUILTIN: [(&str, &str); 12] = [
    ("alipay", include_str!("profiles/alipay.toml")),
    ("wechat", include_str!("profiles/wechat.toml")),
    ("icbc", include_str!("profiles/icbc.toml")),
    ("ccb", include_str!("profiles/ccb.toml")),
    ("cmb", include_str!("profiles/cmb.toml")),
    ("ing-de", include_str!("profiles/ing-de.toml")),
    ("schwab", include_str!("profiles/schwab.toml")),
    ("paypal", include_str!("profiles/paypal.toml")),
    ("generic-cn-bank", include_str!("profiles/generic-cn-bank.toml")),
    ("generic-split", include_str!("profiles/generic-split.toml")),
    ("generic-direction", include_str!("profiles/generic-direction.toml")),
    ("generic-signed", include_str!("profiles/generic-signed.toml")),
];

/// The profiles shipped with the program (a unit test checks they all parse).
pub fn builtin_profiles() -> Vec<Profile> {
    BUILTIN.iter().filter_map(|(name, text)| parse_profile(name, text).ok()).collect()
}

fn validate(p: &Profile) -> Result<(), BankError> {
    let bad =
        |reason: String, reason_zh: String| Err(BankError::BadProfile { name: p.name.clone(), reason, reason_zh });
    let d = p.delimiter.trim().to_ascii_lowercase();
    if !(d.is_empty() || d == "auto" || p.delimiter_byte().is_some()) {
        let v = &p.delimiter;
        return bad(
            format!("delimiter '{v}' is not one of auto , ; tab |"),
            format!("delimiter“{v}”应为 auto , ; tab | 之一"),
        );
    }
    if let Some(e) = p.forced_encoding()
        && super::decode::encoding_for(e).is_none()
    {
        return bad(
            format!("encoding '{e}' is not one of auto utf-8 gbk gb18030 latin-1"),
            format!("encoding“{e}”应为 auto utf-8 gbk gb18030 latin-1 之一"),
        );
    }
    let dec = p.decimal.trim();
    if !(dec.is_empty() || dec == "auto" || dec == "." || dec == ",") {
        return bad(format!("decimal '{dec}' is not one of auto . ,"), format!("decimal“{dec}”应为 auto . , 之一"));
    }
    if let Some(fmt) = &p.date_format
        && chrono::format::StrftimeItems::new(fmt).any(|i| matches!(i, chrono::format::Item::Error))
    {
        return bad(
            format!("date_format '{fmt}' is not a valid chrono format"),
            format!("date_format“{fmt}”不是有效的 chrono 日期格式"),
        );
    }
    let has_header = FIELDS.iter().any(|f| p.header.get(*f).is_some());
    let (has, what) = match &p.columns {
        Some(cols) => {
            if has_header {
                return bad(
                    "give either [header] names or [columns] numbers, not both".into(),
                    "[header]（列名）与 [columns]（列号）只能二选一".into(),
                );
            }
            for f in FIELDS {
                if cols.get(f).is_some_and(|Numbers(ns)| ns.is_empty() || ns.contains(&0)) {
                    let f = f.key();
                    return bad(
                        format!("[columns] {f} must be a column number from 1"),
                        format!("[columns] {f} 必须是从 1 起的列号"),
                    );
                }
            }
            (FIELDS.map(|f| cols.get(f).is_some()), "[columns]")
        }
        None => {
            for f in FIELDS {
                if p.header.get(f).is_some_and(|Names(ns)| ns.is_empty() || ns.iter().any(|n| norm(n).is_empty())) {
                    let f = f.key();
                    return bad(
                        format!("[header] {f} needs at least one non-empty name"),
                        format!("[header] {f} 至少需要一个非空列名"),
                    );
                }
            }
            (FIELDS.map(|f| p.header.get(f).is_some()), "[header]")
        }
    };
    let named = |f: Field| FIELDS.iter().position(|x| *x == f).and_then(|i| has.get(i).copied()).unwrap_or(false);
    if !named(Field::Date) {
        return bad(format!("{what} must name the date column"), format!("{what} 必须指明日期列（date）"));
    }
    let split = named(Field::Credit) || named(Field::Debit);
    if named(Field::Amount) == split {
        return bad(
            format!("{what} must name either amount (signed, or with direction) or credit/debit columns"),
            format!("{what} 必须指明 amount（带符号金额，或配合 direction）或 credit/debit（收入/支出列），二选一"),
        );
    }
    if named(Field::Direction) && !named(Field::Amount) {
        return bad(
            format!("{what} direction goes with amount, not with credit/debit"),
            format!("{what} direction 须与 amount 配合使用，不能与 credit/debit 同用"),
        );
    }
    if named(Field::Direction) && p.credit_values.is_empty() && p.debit_values.is_empty() {
        return bad(
            "a direction column needs credit_values and/or debit_values".into(),
            "有 direction 列时须给出 credit_values 和/或 debit_values".into(),
        );
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_profile_parses() {
        assert_eq!(builtin_profiles().len(), BUILTIN.len());
        for (name, text) in BUILTIN {
            if let Err(e) = parse_profile(name, text) {
                panic!("{e}");
            }
        }
    }

    #[test]
    fn header_names_are_normalised() {
        assert_eq!(norm(" 金额（元）\t"), "金额(元)");
        assert_eq!(norm("Withdrawal (-)"), "withdrawal(-)");
        assert_eq!(norm("账\u{3000}\u{3000}号："), "账号");
    }

    #[test]
    fn a_user_profile_is_parsed_from_toml() {
        let p = parse_profile(
            "mybank",
            r#"
            description = "My bank"
            delimiter = ";"
            decimal = ","
            date_order = "dmy"
            [header]
            date = "Datum"
            amount = ["Betrag", "Umsatz"]
            memo = ["Text", "Zweck"]
            "#,
        )
        .unwrap();
        assert_eq!(p.name, "mybank");
        assert_eq!(p.delimiter_byte(), Some(b';'));
        assert_eq!(p.decimal_comma(), Some(true));
        assert_eq!(p.date_order, DateOrder::Dmy);
        let header: Vec<String> = ["Datum", "Zweck", "Umsatz", "Text"].iter().map(|s| norm(s)).collect();
        let (score, map) = HeaderMatcher::new(&p).match_header(&header).unwrap();
        assert_eq!(score, 3);
        assert_eq!(map.first(Field::Date), Some(0));
        assert_eq!(map.first(Field::Amount), Some(2));
        assert_eq!(map.all(Field::Memo), &[1, 3]);
    }

    #[test]
    fn bad_profiles_are_refused_with_a_reason() {
        for (text, why) in [
            ("[header]\namount = \"x\"", "date"),
            ("[header]\ndate = \"d\"", "either amount"),
            ("[header]\ndate = \"d\"\namount = \"a\"\ncredit = \"c\"", "either amount"),
            ("[header]\ndate = \"d\"\namount = \"a\"\ndirection = \"x\"", "credit_values"),
            ("delimiter = \"#\"\n[header]\ndate = \"d\"\namount = \"a\"", "delimiter"),
            ("encoding = \"koi8\"\n[header]\ndate = \"d\"\namount = \"a\"", "encoding"),
            ("[header]\ndate = \"d\"\namount = \"a\"\n[columns]\ndate = 1\namount = 2", "not both"),
            ("[columns]\ndate = 0\namount = 2", "from 1"),
            ("colour = \"red\"", "not valid"),
            ("[header\n", "not valid"),
        ] {
            let e = parse_profile("t", text).unwrap_err();
            assert!(e.to_string().contains(why), "{text}: {e}");
            assert!(!e.zh().is_empty());
        }
    }

    #[test]
    fn user_profile_folder_is_read_and_a_missing_one_is_empty() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load_user_profiles(&dir.path().join("nope")).unwrap().is_empty());
        std::fs::write(dir.path().join("b.toml"), "[columns]\ndate = 1\namount = 2\n").unwrap();
        std::fs::write(dir.path().join("a.toml"), "name = \"first\"\n[header]\ndate = \"D\"\namount = \"A\"\n")
            .unwrap();
        std::fs::write(dir.path().join("notes.txt"), "not a profile").unwrap();
        let ps = load_user_profiles(dir.path()).unwrap();
        let names: Vec<&str> = ps.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["first", "b"]);
        let (gbk, _, _) = encoding_rs::GB18030.encode("name = \"gbk\"\n[header]\ndate = \"日期\"\namount = \"金额\"\n");
        std::fs::write(dir.path().join("b2.toml"), &gbk).unwrap();
        assert_eq!(load_profile(&dir.path().join("b2.toml")).unwrap().header.date.unwrap().0, ["日期"]);
        std::fs::remove_file(dir.path().join("b2.toml")).unwrap();
        std::fs::write(dir.path().join("c.toml"), "date_order = \"sideways\"").unwrap();
        let e = load_user_profiles(dir.path()).unwrap_err();
        assert!(e.to_string().contains("c.toml"), "{e}");
    }
}
