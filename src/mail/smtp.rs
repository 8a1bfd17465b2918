//! Delivery by SMTP through lettre, with the book's settings `smtp_host`,
//! `smtp_port`, `smtp_tls` (none, starttls or tls), `smtp_user` and
//! `smtp_from`; the password only from the environment
//! ([`PASSWORD_VAR`]), never stored in the book.

use std::time::Duration;

use lettre::Transport;
use lettre::transport::smtp::SmtpTransport;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls as LettreTls, TlsParameters};

use super::{Mailbox, Message, build, folded, parse_mailbox};
use crate::error::{Error, Result};
use crate::output::visible;
use crate::store::Connection;
use crate::store::settings::SETTINGS;

/// The environment variable the SMTP password is read from.
pub const PASSWORD_VAR: &str = crate::context::SMTP_PASSWORD_VAR;

/// How long one step of a delivery (connect, each command) may wait for the server.
const TIMEOUT: Duration = Duration::from_secs(30);

/// How the connection to the server is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tls {
    /// Plain text (a relay on the same machine or network).
    None,
    /// Plain connect, then STARTTLS, required (port 587 by default).
    StartTls,
    /// TLS from the first byte (port 465 by default).
    Tls,
}

impl Tls {
    /// From the setting's stored text (`config set` checked it).
    fn parse(v: &str) -> Option<Tls> {
        match v.trim().to_ascii_lowercase().as_str() {
            "none" => Some(Tls::None),
            "starttls" => Some(Tls::StartTls),
            "tls" => Some(Tls::Tls),
            _ => None,
        }
    }

    /// The port used when `smtp_port` is not set.
    pub fn default_port(self) -> u16 {
        match self {
            Tls::None => 25,
            Tls::StartTls => 587,
            Tls::Tls => 465,
        }
    }
}

/// The book's SMTP server and sender, with the password of this run.
#[derive(Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub tls: Tls,
    /// The login; `None`: the server takes mail without one.
    pub user: Option<String>,
    pub password: Option<String>,
    /// `smtp_from`, else the company with `company_email`.
    pub from: Mailbox,
}

impl std::fmt::Debug for Smtp {
    /// Everything but the password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Smtp")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "…"))
            .field("from", &self.from)
            .finish()
    }
}

impl Smtp {
    /// The settings from the book, the password given (read by
    /// `Ctx::smtp_password`). Refused, with the `config set` to run, when
    /// `smtp_host` or a sender is missing, or a login has no password.
    pub fn from_book(conn: &Connection, password: Option<String>) -> Result<Smtp> {
        let get = |key: &str| -> Result<Option<String>> {
            let stored = crate::store::setting(conn, key)?;
            let default = SETTINGS.iter().find(|d| d.key == key).map(|d| d.default.to_string());
            Ok(stored.or(default).map(|v| v.trim().to_string()).filter(|v| !v.is_empty()))
        };
        let host = get("smtp_host")?.ok_or_else(|| {
            Error::user(
                "e-mail is not set up: set the mail server with huikuan config set smtp_host smtp.example.com",
                "尚未设置邮件：请用 huikuan config set smtp_host smtp.example.com 设置邮件服务器",
            )
        })?;
        let tls_text = get("smtp_tls")?.unwrap_or_default();
        let tls = Tls::parse(&tls_text).ok_or_else(|| bad_stored("smtp_tls", &tls_text))?;
        let port = match get("smtp_port")? {
            Some(p) => p.parse().map_err(|_| bad_stored("smtp_port", &p))?,
            None => tls.default_port(),
        };
        let user = get("smtp_user")?;
        if user.is_some() && password.is_none() {
            return Err(Error::user(
                format!("smtp_user is set but {PASSWORD_VAR} is not: give the mail password in that variable"),
                format!("已设置 smtp_user，但未设置 {PASSWORD_VAR}：请在该环境变量中提供邮箱密码"),
            ));
        }
        let settings = crate::store::settings::load(conn)?;
        let from = match get("smtp_from")? {
            Some(f) => parse_mailbox("smtp_from", &f, &settings.company)?,
            None => super::sender(&settings, None)?,
        };
        Ok(Smtp { host, port, tls, user, password, from })
    }

    /// `host:port`, as messages name the server.
    fn server(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }

    fn transport(&self) -> Result<SmtpTransport> {
        let mut b = SmtpTransport::builder_dangerous(&self.host).port(self.port).timeout(Some(TIMEOUT));
        if self.tls != Tls::None {
            let params = TlsParameters::new(self.host.clone()).map_err(|e| self.failed(&e))?;
            b = b.tls(if self.tls == Tls::Tls { LettreTls::Wrapper(params) } else { LettreTls::Required(params) });
        }
        if let (Some(user), Some(password)) = (&self.user, &self.password) {
            b = b.credentials(Credentials::new(user.clone(), password.clone()));
        }
        Ok(b.build())
    }

    /// A delivery that failed, as one line naming the server.
    fn failed(&self, e: &lettre::transport::smtp::Error) -> Error {
        let why = one_line_error(e);
        let server = visible(&self.server()).into_owned();
        if e.status().is_some() {
            Error::user(
                format!("the mail server {server} refused the message: {why}; nothing was sent"),
                format!("邮件服务器 {server} 拒收该邮件：{why}；未发送任何邮件"),
            )
        } else {
            Error::user(
                format!("cannot send through the mail server {server}: {why}; nothing was sent"),
                format!("无法通过邮件服务器 {server} 发送：{why}；未发送任何邮件"),
            )
        }
    }
}

/// A lettre error with its causes, on one line.
fn one_line_error(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(&format!(": {more}"));
        }
        source = s.source();
    }
    visible(&text.split_whitespace().collect::<Vec<_>>().join(" ")).into_owned()
}

fn bad_stored(key: &str, value: &str) -> Error {
    Error::user(
        format!("the setting {key} reads '{}'; set it again with huikuan config set {key}", visible(value)),
        format!("设置 {key} 的值为“{}”，无法使用；请用 huikuan config set {key} 重新设置", visible(value)),
    )
}

/// Deliver `m` through the server; the server's reply to the message
/// (`250 2.0.0 Ok: queued as …`) when it accepted it. A refused sender or
/// recipient, a failed login or connection is an error: nothing was sent
/// and nothing is to be logged.
pub fn send(smtp: &Smtp, m: &Message) -> Result<String> {
    let message = build(m)?;
    let bytes = folded(message.formatted());
    let transport = smtp.transport()?;
    let reply = transport.send_raw(message.envelope(), &bytes).map_err(|e| smtp.failed(&e))?;
    let text: Vec<&str> = reply.message().collect();
    Ok(format!("{} {}", reply.code(), text.join(" ")).trim_end().to_string())
}
