//! One error type for the program. Every error carries an English and a
//! Chinese text and a kind; `main` prints the text in the user's language as
//! one line (or one line per bad row of an import) and exits with the kind's code.

use std::fmt;

use crate::ledger::LedgerError;
use crate::output::{Lang, escape_where, is_invisible, is_terminal_control};
use crate::store::StoreError;

/// What kind of failure, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Bad input or a broken rule of the book: exit 1.
    User,
    /// The command line was malformed: exit 2.
    Usage,
    /// A fault of the machine or the program (disk, database): exit 1.
    Internal,
    /// The reader of our output went away (`| head`): exit 0, say nothing.
    BrokenPipe,
}

#[derive(Debug)]
pub struct Error {
    pub kind: Kind,
    en: String,
    zh: String,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn user(en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error { kind: Kind::User, en: en.into(), zh: zh.into() }
    }

    pub fn usage(en: impl Into<String>, zh: impl Into<String>) -> Error {
        Error { kind: Kind::Usage, en: en.into(), zh: zh.into() }
    }

    /// Prefix the message with where the bad input is: `file:line: `.
    pub fn at(self, file: &str, line: u64) -> Error {
        Error { kind: self.kind, en: format!("{file}:{line}: {}", self.en), zh: format!("{file}:{line}: {}", self.zh) }
    }

    pub fn text(&self, lang: Lang) -> &str {
        match lang {
            Lang::En => &self.en,
            Lang::Zh => &self.zh,
        }
    }

    pub fn exit_code(&self) -> i32 {
        match self.kind {
            Kind::User | Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::BrokenPipe => 0,
        }
    }
}

/// The first [`FirstOf::SHOWN`] of a list an input may make as long as it
/// likes (bad rows, warnings, rows left out), as they came, and how many
/// there were: a file of ten million bad rows keeps fifty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FirstOf<T> {
    pub shown: Vec<T>,
    pub count: usize,
}

impl<T> Default for FirstOf<T> {
    fn default() -> FirstOf<T> {
        FirstOf { shown: Vec::new(), count: 0 }
    }
}

impl<T> FirstOf<T> {
    pub const SHOWN: usize = 50;

    pub fn push(&mut self, t: T) {
        if self.shown.len() < Self::SHOWN {
            self.shown.push(t);
        }
        self.count += 1;
    }

    /// How many were counted but not kept.
    pub fn more(&self) -> usize {
        self.count - self.shown.len()
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// The bad rows of one import (see [`FirstOf`]).
#[derive(Debug, Default)]
pub struct BadRows {
    rows: FirstOf<Error>,
}

impl BadRows {
    pub const SHOWN: usize = FirstOf::<Error>::SHOWN;

    pub fn push(&mut self, e: Error) {
        self.rows.push(e);
    }

    /// Nothing when no row was bad; else one line per row shown, then one
    /// summary line (the run wrote nothing).
    pub fn into_result(self, file: &str) -> Result<()> {
        let n = self.rows.count;
        if n == 0 {
            return Ok(());
        }
        let mut en: Vec<String> = self.rows.shown.iter().map(|e| e.en.clone()).collect();
        let mut zh: Vec<String> = self.rows.shown.iter().map(|e| e.zh.clone()).collect();
        if n > BadRows::SHOWN {
            en.push(format!("{file}: … and {} more", n - BadRows::SHOWN));
            zh.push(format!("{file}：……另有 {} 行", n - BadRows::SHOWN));
        }
        en.push(format!("{file}: {n} bad row(s); nothing was imported"));
        zh.push(format!("{file}：{n} 行有误；未导入任何数据"));
        Err(Error { kind: Kind::User, en: en.join("\n"), zh: zh.join("\n") })
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.en)
    }
}

impl std::error::Error for Error {}

impl From<LedgerError> for Error {
    fn from(e: LedgerError) -> Error {
        let (en, zh) = (echoed(&e, |s| echo(s).0), echoed(&e, |s| echo(s).1));
        Error::user(en.to_string(), zh.zh())
    }
}

/// A ledger error about the text given for `what` (an option or column),
/// the text echoed as [`echo`] shows it: `--date: '…' is not a valid date`.
pub fn about(what: &str, e: &LedgerError) -> Error {
    let (en, zh) = (echoed(e, |s| echo(s).0), echoed(e, |s| echo(s).1));
    Error::user(format!("{what}: {en}"), format!("{what}：{}", zh.zh()))
}

/// How many characters of an input an error echoes.
pub const ECHOED: usize = 80;

/// An input as an error echoes it (English, Chinese): terminal controls and
/// invisible characters written as `\u{…}` escapes, and an input longer than
/// [`ECHOED`] characters cut there with `…` and its full length noted, so a
/// pasted page or a whole spreadsheet row does not flood the terminal.
pub fn echo(text: &str) -> (String, String) {
    let n = text.chars().count();
    let kept: String = text.chars().take(ECHOED).collect();
    let shown = escape_where(&kept, |c, _| is_terminal_control(c) || is_invisible(c)).into_owned();
    if n > ECHOED {
        (format!("{shown}… ({n} characters)"), format!("{shown}…（共 {n} 个字符）"))
    } else {
        (shown.clone(), shown)
    }
}

/// The same error with the input it quotes echoed by `f`.
fn echoed(e: &LedgerError, f: impl Fn(&str) -> String) -> LedgerError {
    use LedgerError as L;
    match e {
        L::BadAmount(s) => L::BadAmount(f(s)),
        L::TooManyDecimals(s) => L::TooManyDecimals(f(s)),
        L::AmountTooLarge(s) => L::AmountTooLarge(f(s)),
        L::NotPositive(s) => L::NotPositive(f(s)),
        L::BadDate(s) => L::BadDate(f(s)),
        L::BadMonth(s) => L::BadMonth(f(s)),
        L::BadBuckets(s) => L::BadBuckets(f(s)),
        L::BadRate(s) => L::BadRate(f(s)),
        L::BadRates(s) => L::BadRates(f(s)),
        other => other.clone(),
    }
}

impl From<StoreError> for Error {
    fn from(e: StoreError) -> Error {
        let kind = if e.is_user_error() { Kind::User } else { Kind::Internal };
        Error { kind, en: e.to_string(), zh: e.zh() }
    }
}

/// Only for the commands that still open SQLite themselves (backup, close,
/// reconcile matching); goes once they call the store, which returns
/// [`StoreError`] (transactions commit through [`crate::store::Tx`]).
impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            return Error { kind: Kind::BrokenPipe, en: String::new(), zh: String::new() };
        }
        Error { kind: Kind::Internal, en: format!("I/O error: {e}"), zh: format!("读写错误：{e}") }
    }
}

impl From<csv::Error> for Error {
    fn from(e: csv::Error) -> Error {
        if let csv::ErrorKind::Io(io) = e.kind()
            && io.kind() == std::io::ErrorKind::BrokenPipe
        {
            return Error { kind: Kind::BrokenPipe, en: String::new(), zh: String::new() };
        }
        Error::user(format!("CSV error: {e}"), format!("CSV 错误：{e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        if e.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe) {
            return Error { kind: Kind::BrokenPipe, en: String::new(), zh: String::new() };
        }
        Error { kind: Kind::Internal, en: format!("JSON error: {e}"), zh: format!("JSON 错误：{e}") }
    }
}
